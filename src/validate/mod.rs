//! Validate: a finished [`Dataset`] → findings ([`Anomaly`]s), each citing a catalogued [`rules::Rule`].
//!
//! Checks read, never mutate. They are grouped by the data they need: [`table`] (identities inside one
//! table, declared by the grammars' `check` directives), [`cross`] (identities between tables),
//! [`statements`] (the narrative's figures against the tables), [`text`] (years, malformed numbers,
//! wording) and [`completeness`] (counts, missing tables and items, names). A check that cannot run
//! because a table it needs was not read says so with one `V001` finding instead of passing silently.
//!
//! Sums are compared under an explicit rounding policy ([`Tolerance`]): tables are compiled in 元 and
//! printed rounded to 万元, so a total may differ from the sum of its printed parts by up to half a cent
//! per part. Within `per_addend × addends` a difference is a rounding tail (`R001`, info); beyond, it is
//! the check's own finding. Tables in 元 must match exactly by default.

pub mod completeness;
pub mod cross;
pub mod names;
pub mod rules;
pub mod statements;
pub mod table;
#[cfg(test)]
pub(crate) mod testkit;
pub mod text;

use crate::grammar::GrammarSet;
use crate::model::{Anomaly, Dataset, Location, Row, Table};
use crate::normalize::Line;
use crate::parse::markers;
use rules::{Rule, Severity};
use rust_decimal::Decimal;
use std::str::FromStr;

/// The rounding policy for sums.
#[derive(Debug, Clone)]
pub struct Tolerance {
    /// Allowed difference per addend for amounts in 万元 (default 0.01).
    pub per_addend_wan: Decimal,
    /// Allowed difference per addend for amounts in 元 (default 0: exact).
    pub per_addend_yuan: Decimal,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            per_addend_wan: Decimal::new(1, 2),
            per_addend_yuan: Decimal::ZERO,
        }
    }
}

impl Tolerance {
    /// The largest difference that is still a rounding tail for `addends` printed parts in `unit`.
    pub fn allowance(&self, addends: usize, unit: Option<&str>) -> Decimal {
        let per = if unit == Some("元") {
            self.per_addend_yuan
        } else {
            self.per_addend_wan
        };
        per * Decimal::from(addends.max(1))
    }
}

/// Validation settings.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub tolerance: Tolerance,
}

/// Runs every check on a dataset; `lines` are the document's canonical lines (for text checks and
/// exact locations), `parts` the parts the parser found in them ([`markers::parts`]). Findings come
/// back sorted by location, then rule.
pub fn validate(
    d: &Dataset,
    lines: &[Line],
    parts: &[markers::Part],
    grammars: &GrammarSet,
    cfg: &Config,
) -> Vec<Anomaly> {
    let mut cx = Cx {
        d,
        lines,
        grammars,
        cfg,
        out: Vec::new(),
        parts,
    };
    table::check(&mut cx);
    cross::check(&mut cx);
    statements::check(&mut cx);
    text::check(&mut cx);
    completeness::check(&mut cx);
    let mut out = cx.out;
    out.sort_by(|a, b| (&a.location, a.rule, &a.message).cmp(&(&b.location, b.rule, &b.message)));
    out.dedup();
    out
}

/// What every check reads, and where findings go.
pub struct Cx<'a> {
    pub d: &'a Dataset,
    /// The document's lines after character repair; `lines[n - 1]` is line `n`.
    pub lines: &'a [Line],
    pub grammars: &'a GrammarSet,
    pub cfg: &'a Config,
    pub out: Vec<Anomaly>,
    /// The document's parts ([`markers::parts`]), as the parser found them.
    parts: &'a [markers::Part],
}

/// The outcome of comparing a stated figure with the figure it should equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Equal,
    /// Within the rounding allowance: a 尾差.
    Rounding,
    Mismatch,
}

impl<'a> Cx<'a> {
    /// The `第X部分` parts of the document, in reading order.
    pub fn parts(&self) -> &'a [markers::Part] {
        self.parts
    }

    /// The first table read with this grammar.
    pub fn table(&self, grammar: &str) -> Option<&'a Table> {
        self.d.tables.iter().find(|t| t.grammar == grammar)
    }

    /// Every table read with this grammar.
    pub fn tables(&self, grammar: &'a str) -> impl Iterator<Item = &'a Table> + 'a {
        self.d.tables.iter().filter(move |t| t.grammar == grammar)
    }

    /// The money unit of a table, or the document's when the table states none.
    pub fn unit_of<'t>(&'t self, t: &'t Table) -> Option<&'t str> {
        t.unit.as_deref().or(self.d.document.unit.as_deref())
    }

    /// Records a finding of `rule`.
    pub fn emit(
        &mut self,
        rule: &Rule,
        message: String,
        location: Location,
        expected: Option<Decimal>,
        actual: Option<Decimal>,
    ) {
        self.emit_with(
            rule,
            rule.severity,
            message,
            location,
            expected.map(|e| e.to_string()),
            actual.map(|a| a.to_string()),
        );
    }

    /// Records a finding with an explicit severity and free-form expected/actual texts.
    pub fn emit_with(
        &mut self,
        rule: &Rule,
        severity: Severity,
        message: String,
        location: Location,
        expected: Option<String>,
        actual: Option<String>,
    ) {
        self.out.push(Anomaly {
            rule: rule.code,
            kind: rule.kind,
            severity: severity.as_str(),
            message,
            location,
            expected,
            actual,
        });
    }

    /// Compares a printed figure with what its identity computes. A mismatch is reported under
    /// `rule`, a difference within the rounding allowance under `R001`.
    pub fn compare(&mut self, rule: &Rule, s: Sum<'_>) -> Outcome {
        let Sum {
            what,
            expected,
            actual,
            addends,
            unit,
            location,
        } = s;
        let diff = actual - expected;
        if diff.is_zero() {
            return Outcome::Equal;
        }
        let mut allowance = self.cfg.tolerance.allowance(addends, unit);
        // A 元 table printed in whole 元 (`154,369,326`) rounded each amount from 分: each part may
        // be off by half a 元, so the sum by one per part. (Whole 万元 figures are plans, not
        // roundings: `20万元` stays exact.)
        if unit == Some("元") && actual.scale() == 0 && expected.scale() == 0 {
            allowance = allowance.max(Decimal::from(addends.max(1)));
        }
        let unit_text = unit.unwrap_or("");
        if diff.abs() <= allowance {
            self.emit(
                &table::ROUNDING_DIFFERENCE,
                format!(
                    "{what}: printed {actual}, parts give {expected} (difference {diff}{unit_text}, within the {allowance}{unit_text} rounding allowance for {addends} parts)"
                ),
                location,
                Some(expected),
                Some(actual),
            );
            Outcome::Rounding
        } else {
            self.emit(
                rule,
                format!(
                    "{what}: printed {actual}, expected {expected} (difference {diff}{unit_text})"
                ),
                location,
                Some(expected),
                Some(actual),
            );
            Outcome::Mismatch
        }
    }

    /// Records that a check could not run (once per check and table).
    pub fn skipped(&mut self, what: &str, why: &str, location: Location) {
        self.emit(
            &table::CHECK_SKIPPED,
            format!("{what} could not be checked: {why}"),
            location,
            None,
            None,
        );
    }
}

/// One sum identity to compare: `actual` (the printed figure) against `expected` (computed from
/// `addends` printed parts). `what` names the identity, e.g. `表3 row 206 合计 = 基本支出 + 项目支出`.
pub struct Sum<'s> {
    pub what: String,
    pub expected: Decimal,
    pub actual: Decimal,
    pub addends: usize,
    pub unit: Option<&'s str>,
    pub location: Location,
}

/// The total row of a table: the first row without code or side that is unlabelled or labelled with
/// a `total_row` word of the document vocabulary (`合计`).
pub fn total_row<'t>(t: &'t Table, doc: &crate::grammar::Grammar) -> Option<&'t Row> {
    let totals = doc.vocab("total_row");
    t.rows.iter().find(|r| {
        r.code.is_none()
            && r.side.is_none()
            && r.name.as_deref().is_none_or(|n| {
                totals
                    .iter()
                    .any(|w| crate::normalize::cells::fold_eq(w, n))
            })
    })
}

/// The total row of one side-by-side copy of a grid (`人员经费合计`): the side's uncoded row whose
/// label is or ends with a total word.
pub fn side_total_row<'t>(
    t: &'t Table,
    doc: &crate::grammar::Grammar,
    side: &str,
) -> Option<&'t Row> {
    let totals = doc.folded_vocab("total_row");
    t.rows.iter().find(|r| {
        r.side.as_deref() == Some(side)
            && r.code.is_none()
            && r.name.as_deref().is_some_and(|n| {
                let n = crate::normalize::cells::fold(n);
                totals.iter().any(|w| n.ends_with(w.as_str()))
            })
    })
}

/// A row's value in a column, as a decimal (blank or unreadable: None).
pub fn value(t: &Table, row: &Row, column: &str) -> Option<Decimal> {
    let i = t.columns.iter().position(|c| c == column)?;
    row.values
        .get(i)?
        .as_deref()
        .and_then(|v| Decimal::from_str(v).ok())
}

/// True when a row has a cell left raw in this column.
pub fn unreadable(t: &Table, row: &Row, column: &str) -> bool {
    t.columns
        .iter()
        .position(|c| c == column)
        .is_some_and(|i| row.unreadable.contains_key(&i))
}

/// How a row is named in messages and locations: its code, else its name.
pub fn row_label(row: &Row) -> String {
    row.code
        .clone()
        .or_else(|| row.name.clone())
        .unwrap_or_else(|| "(unlabelled row)".into())
}

/// The location of a table cell.
pub fn cell_location(t: &Table, row: &Row, column: Option<&str>) -> Location {
    Location {
        line: row.loc.line,
        page: row.loc.page,
        table: Some(t.id.clone()),
        row: Some(row_label(row)),
        column: column.map(str::to_owned),
    }
}
