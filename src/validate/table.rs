//! `A` rules: arithmetic identities inside one table, as its grammar declares them (`check row`,
//! `check tree`, `check total`, `check side`, `check sides`, `check outline`); `R001` rounding tails;
//! `V001` checks that could not run.

use super::rules::{Rule, Severity};
use super::{Cx, Sum, cell_location, row_label, total_row, unreadable, value};
use crate::grammar::{Check, Grammar, SideTerms};
use crate::model::{Location, Row, Table};
use crate::normalize::cells::fold_eq;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub const ROW_IDENTITY: Rule = Rule {
    code: "A001",
    name: "row-identity-mismatch",
    kind: "sum_mismatch",
    severity: Severity::Error,
    summary: "in a row, a column does not equal the sum of the columns it totals",
    doc: "## What it checks\nEvery row of a table satisfies the column identities its grammar declares \
          (`check row`), e.g. 合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 + 公用经费, 表2 合计 = 本年收入小计 + \
          上年结转, 三公 合计 = 出国 + 公务用车 + 接待.\n\n## Why it matters\nA row that does not add up was \
          mis-keyed, mis-extracted or edited by hand after the table was compiled.\n\n## Example\n\
          `2060101 行政运行 723.35 | 基本支出 720.35 | 项目支出 0.00` → A001 (difference 3.00).",
};

pub const HIERARCHY_SUM: Rule = Rule {
    code: "A002",
    name: "hierarchy-sum-mismatch",
    kind: "sum_mismatch",
    severity: Severity::Error,
    summary: "a 类 or 款 row does not equal the sum of the rows under it",
    doc: "## What it checks\nIn tables keyed by a hierarchical code (功能分类 类/款/项, 经济分类 类/款, unit \
          codes), every row equals the sum of its children — the rows whose code extends its code — in every \
          column (`check tree`).\n\n## Why it matters\n类 = Σ 款 and 款 = Σ 项 is how the budget is built; a gap \
          means a missing or mistyped line.\n\n## Example\n`20805 877.73` with children 671.27 + 93.22 + 120.00 \
          → A002 (expected 884.49).",
};

pub const TOTAL_ROW: Rule = Rule {
    code: "A003",
    name: "total-row-mismatch",
    kind: "sum_mismatch",
    severity: Severity::Error,
    summary: "the table's total row does not equal the sum of its top-level rows",
    doc: "## What it checks\nThe 合计 row (or the unlabelled first row) equals the sum of the top-level \
          rows — the coded rows without a parent, or in code-less tables such as 项目支出表 the item rows — in \
          every column (`check total`).\n\n## Why it matters\nThe total is the figure readers quote; if it \
          disagrees with its rows, one of them is wrong.\n\n## Example\n`合计 4,335.95` over 类 rows summing \
          to 4,235.95 → A003.",
};

pub const SIDE_SUM: Rule = Rule {
    code: "A004",
    name: "side-sum-mismatch",
    kind: "sum_mismatch",
    severity: Severity::Error,
    summary: "a total on one side of a two-sided table does not equal its lines",
    doc: "## What it checks\nOn one side of 收支总表 or 财政拨款收支总表, a named total equals the rows it sums \
          (`check side`): 本年收入合计 = Σ numbered income lines, 收入总计 = 本年收入合计 + 上年结转结余, and the \
          same on the 支出 side.\n\n## Why it matters\nThese are the headline figures of the disclosure.\n\n\
          ## Example\n`本年支出合计 4,335.95` over 功能类 lines summing to 4,300.00 → A004.",
};

pub const SIDES_UNBALANCED: Rule = Rule {
    code: "A005",
    name: "sides-unbalanced",
    kind: "sum_mismatch",
    severity: Severity::Error,
    summary: "收入总计 does not equal 支出总计",
    doc: "## What it checks\nIn a two-sided summary table the grand total of income equals the grand total \
          of expenditure (`check sides`).\n\n## Why it matters\nA budget balances by construction; an \
          unbalanced summary table means one side is wrong.\n\n## Example\n`收入总计 4,335.95 | 支出总计 \
          4,330.95` → A005.",
};

pub const OUTLINE_SUM: Rule = Rule {
    code: "A006",
    name: "outline-sum-mismatch",
    kind: "sum_mismatch",
    severity: Severity::Error,
    summary: "a numbered line (一、) does not equal the sum of its sub-lines (（一）…)",
    doc: "## What it checks\nIn two-sided tables whose lines are outlined (`一、本年收入` over `（一）一般公共预算\
          拨款`, `（二）…`), each top-level line equals the sum of the bracketed lines under it (`check \
          outline`).\n\n## Why it matters\nThe sub-lines are the breakdown by fund or function of the line \
          above.\n\n## Example\n`一、本年支出 4,335.95` over （一）…（廿五） summing to 4,330.00 → A006.",
};

pub const ROUNDING_DIFFERENCE: Rule = Rule {
    code: "R001",
    name: "rounding-difference",
    kind: "rounding_difference",
    severity: Severity::Info,
    summary: "a total differs from its parts by no more than rounding can explain (尾差)",
    doc: "## What it checks\nAny sum identity whose printed total differs from the sum of its printed parts by \
          at most the rounding allowance: 0.01 × the number of parts for amounts in 万元, exact for 元 (both \
          configurable).\n\n## Why it matters\nTables are compiled in 元 and printed rounded to 万元, so honest \
          totals can differ from the sum of their rounded parts by a cent or two. Reported as info so a \
          reader can see it, and told apart from real errors.\n\n## Example\n`20805 877.73` over 671.27 + 93.22 \
          + 113.25 = 877.74 → R001 (difference −0.01, allowance 0.03).",
};

pub const CHECK_SKIPPED: Rule = Rule {
    code: "V001",
    name: "check-skipped",
    kind: "check_skipped",
    severity: Severity::Warning,
    summary: "a check could not run because what it needs was not read",
    doc: "## What it checks\nReported instead of silently passing when a check cannot run: a table it needs \
          is missing or unrecognised, a cell it needs was unreadable, or a row its identity names is \
          absent.\n\n## Why it matters\nSilence would read as \"consistent\"; the reader must know which \
          identities were not verified.\n\n## Example\n表2 with an unreadable cell in 合计 → V001 for its row \
          identity.",
};

pub static RULES: &[&Rule] = &[
    &ROW_IDENTITY,
    &HIERARCHY_SUM,
    &TOTAL_ROW,
    &SIDE_SUM,
    &SIDES_UNBALANCED,
    &OUTLINE_SUM,
    &ROUNDING_DIFFERENCE,
    &CHECK_SKIPPED,
];

/// Runs the grammar-declared identities of every table.
pub fn check(cx: &mut Cx<'_>) {
    let d = cx.d;
    for t in &d.tables {
        let Some(g) = cx.grammars.of(t) else {
            continue;
        };
        let doc = cx.grammars.document();
        for c in &g.checks {
            match c {
                Check::Row { lhs, rhs } => row_identity(cx, t, lhs, rhs),
                Check::Tree => tree(cx, t),
                Check::Total => total(cx, t, doc, g),
                Check::Side { side, lhs, rhs } => side_sum(cx, t, g, side, lhs, rhs),
                Check::Sides { lhs, rhs } => sides(cx, t, g, lhs, rhs),
                Check::Outline => outline(cx, t),
            }
        }
    }
}

/// Σ of optional decimals with blanks as zero; None when every term is blank.
fn sum(values: impl IntoIterator<Item = Option<Decimal>>) -> (Option<Decimal>, usize) {
    let mut total = None;
    let mut n = 0;
    for v in values {
        n += 1;
        if let Some(v) = v {
            total = Some(total.unwrap_or(Decimal::ZERO) + v);
        }
    }
    (total, n)
}

fn row_identity(cx: &mut Cx<'_>, t: &Table, lhs: &str, rhs: &[String]) {
    // Columns an optional grammar column left out of this table are skipped.
    let rhs: Vec<&String> = rhs.iter().filter(|c| t.columns.contains(c)).collect();
    if !t.columns.iter().any(|c| c == lhs) || rhs.is_empty() {
        return;
    }
    let unit = cx.unit_of(t).map(str::to_owned);
    let what_cols = rhs
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    for row in &t.rows {
        let involved = std::iter::once(lhs).chain(rhs.iter().map(|s| s.as_str()));
        if let Some(col) = involved.clone().find(|c| unreadable(t, row, c)) {
            cx.skipped(
                &format!("{} row {} {lhs} = {what_cols}", t.id, row_label(row)),
                &format!("cell in column {col} was unreadable"),
                cell_location(t, row, Some(col)),
            );
            continue;
        }
        let (parts, n) = sum(rhs.iter().map(|c| value(t, row, c)));
        let printed = value(t, row, lhs);
        let (Some(expected), actual) = (parts, printed) else {
            if let Some(p) = printed
                && !p.is_zero()
            {
                // A printed total over blank parts: the parts sum to zero.
                let what = format!("{} row {} {lhs} = {what_cols}", t.id, row_label(row));
                cx.compare(
                    &ROW_IDENTITY,
                    Sum {
                        what,
                        expected: Decimal::ZERO,
                        actual: p,
                        addends: n,
                        unit: unit.as_deref(),
                        location: cell_location(t, row, Some(lhs)),
                    },
                );
            }
            continue;
        };
        let actual = actual.unwrap_or(Decimal::ZERO);
        // An identity that holds reports nothing: its message is built only when one is due.
        if actual == expected {
            continue;
        }
        let what = format!("{} row {} {lhs} = {what_cols}", t.id, describe(row));
        cx.compare(
            &ROW_IDENTITY,
            Sum {
                what,
                expected,
                actual,
                addends: n,
                unit: unit.as_deref(),
                location: cell_location(t, row, Some(lhs)),
            },
        );
    }
}

/// `206 (科学技术支出)` or the name alone.
fn describe(row: &Row) -> String {
    match (&row.code, &row.name) {
        (Some(c), Some(n)) => format!("{c} ({n})"),
        _ => row_label(row),
    }
}

/// Compares `parent` with Σ `children` in every column.
fn compare_rows(
    cx: &mut Cx<'_>,
    rule: &Rule,
    t: &Table,
    parent: &Row,
    children: &[&Row],
    what: &dyn Fn() -> String,
) {
    let unit = cx.unit_of(t).map(str::to_owned);
    for col in &t.columns {
        if unreadable(t, parent, col) || children.iter().any(|c| unreadable(t, c, col)) {
            cx.skipped(
                &format!("{} {} in column {col}", t.id, what()),
                "a cell it needs was unreadable",
                cell_location(t, parent, Some(col)),
            );
            continue;
        }
        let (parts, n) = sum(children.iter().map(|c| value(t, c, col)));
        let printed = value(t, parent, col);
        if parts.is_none() && printed.is_none_or(|p| p.is_zero()) {
            continue;
        }
        let (expected, actual) = (
            parts.unwrap_or(Decimal::ZERO),
            printed.unwrap_or(Decimal::ZERO),
        );
        if actual == expected {
            continue;
        }
        cx.compare(
            rule,
            Sum {
                what: format!("{} {} in column {col}", t.id, what()),
                expected,
                actual,
                addends: n,
                unit: unit.as_deref(),
                location: cell_location(t, parent, Some(col)),
            },
        );
    }
}

fn tree(cx: &mut Cx<'_>, t: &Table) {
    // The rows that have a parent, grouped by (parent, side) in table order: one pass over the
    // table rather than one per coded row.
    let mut by_parent: BTreeMap<(&str, Option<&str>), Vec<&Row>> = BTreeMap::new();
    for r in &t.rows {
        if let Some(p) = r.parent.as_deref() {
            by_parent.entry((p, r.side.as_deref())).or_default().push(r);
        }
    }
    for parent in &t.rows {
        let Some(code) = parent.code.as_deref() else {
            continue;
        };
        let Some(children) = by_parent.get(&(code, parent.side.as_deref())) else {
            continue;
        };
        let what = || {
            let codes: Vec<&str> = children.iter().filter_map(|c| c.code.as_deref()).collect();
            match codes.as_slice() {
                [first, .., last] if codes.len() > 4 => {
                    format!(
                        "row {} = Σ {} children {first}…{last}",
                        describe(parent),
                        codes.len()
                    )
                }
                _ => format!("row {} = Σ {}", describe(parent), codes.join(" + ")),
            }
        };
        compare_rows(cx, &HIERARCHY_SUM, t, parent, children, &what);
    }
}

fn total(cx: &mut Cx<'_>, t: &Table, doc: &Grammar, g: &Grammar) {
    if t.layout == "grid" && !g.sides.is_empty() {
        for side in &g.sides {
            side_total(cx, t, doc, side);
        }
        return;
    }
    let Some(total) = total_row(t, doc) else {
        return;
    };
    let coded: Vec<&Row> = t
        .rows
        .iter()
        .filter(|r| r.code.is_some() && r.parent.is_none())
        .collect();
    let top: Vec<&Row> = if coded.is_empty() {
        // Code-less tables (项目支出表): the item rows are those with a text attribute (项目单位).
        t.rows.iter().filter(|r| !r.attrs.is_empty()).collect()
    } else {
        coded
    };
    if top.is_empty() {
        return;
    }
    let what = || format!("total row = Σ {} top-level rows", top.len());
    compare_rows(cx, &TOTAL_ROW, t, total, &top, &what);
}

/// A side-by-side copy of a grid: its total row (`人员经费合计`: a label ending with a total word)
/// = Σ its top-level coded rows.
fn side_total(cx: &mut Cx<'_>, t: &Table, doc: &Grammar, side: &str) {
    let rows = || t.rows.iter().filter(|r| r.side.as_deref() == Some(side));
    let Some(total) = super::side_total_row(t, doc, side) else {
        return;
    };
    let top: Vec<&Row> = rows()
        .filter(|r| r.code.is_some() && r.parent.is_none())
        .collect();
    if top.is_empty() {
        return;
    }
    let what = || format!("{side} total row = Σ {} top-level rows", top.len());
    compare_rows(cx, &TOTAL_ROW, t, total, &top, &what);
}

/// Rows of one side whose name is one of `names` (compared folded).
fn named<'t>(t: &'t Table, side: &str, names: &[String]) -> Option<&'t Row> {
    t.rows.iter().find(|r| {
        r.side.as_deref() == Some(side)
            && r.name
                .as_deref()
                .is_some_and(|n| names.iter().any(|w| fold_eq(w, n)))
    })
}

/// The value column of one side (two-sided tables have one amount column per side).
fn side_column<'t>(t: &'t Table, side: &str) -> Option<&'t str> {
    t.columns
        .iter()
        .find(|c| c.split('/').next() == Some(side))
        .map(String::as_str)
}

/// A top-level line (`一、`): a numeral ordinal, neither bracketed (`（一）`) nor in digits (`1.`).
fn is_top_ordinal(row: &Row) -> bool {
    row.ordinal.as_deref().is_some_and(|o| {
        !o.starts_with('（') && !o.starts_with('(') && !o.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// A sub-line of a top-level line: `（一）`, or `1.` in editions that number them in digits.
fn is_sub_ordinal(row: &Row) -> bool {
    row.ordinal
        .as_deref()
        .is_some_and(|o| o.starts_with('（') || o.starts_with(|c: char| c.is_ascii_digit()))
}

fn side_sum(cx: &mut Cx<'_>, t: &Table, _g: &Grammar, side: &str, lhs: &[String], rhs: &SideTerms) {
    let Some(col) = side_column(t, side) else {
        return;
    };
    let Some(total) = named(t, side, lhs) else {
        missing_row(cx, t, side, lhs);
        return;
    };
    let parts: Vec<&Row> = match rhs {
        SideTerms::Ordinals => t
            .rows
            .iter()
            .filter(|r| r.side.as_deref() == Some(side) && is_top_ordinal(r))
            .collect(),
        SideTerms::Rows(terms) => {
            let mut rows = Vec::new();
            for term in terms {
                match named(t, side, term) {
                    Some(r) => rows.push(r),
                    None => {
                        missing_row(cx, t, side, term);
                        return;
                    }
                }
            }
            rows
        }
    };
    if parts.is_empty() {
        return;
    }
    let what = || {
        if matches!(rhs, SideTerms::Ordinals) {
            format!(
                "{side} {} = Σ {} numbered lines",
                row_label(total),
                parts.len()
            )
        } else {
            let names: Vec<String> = parts.iter().map(|r| row_label(r)).collect();
            format!("{side} {} = {}", row_label(total), names.join(" + "))
        }
    };
    compare_column(cx, &SIDE_SUM, t, total, &parts, col, &what);
}

/// Compares one column of `total` with Σ `parts`.
fn compare_column(
    cx: &mut Cx<'_>,
    rule: &Rule,
    t: &Table,
    total: &Row,
    parts: &[&Row],
    col: &str,
    what: &dyn Fn() -> String,
) {
    if unreadable(t, total, col) || parts.iter().any(|r| unreadable(t, r, col)) {
        cx.skipped(
            &format!("{} {}", t.id, what()),
            "a cell it needs was unreadable",
            cell_location(t, total, Some(col)),
        );
        return;
    }
    let (sum_parts, n) = sum(parts.iter().map(|r| value(t, r, col)));
    let printed = value(t, total, col);
    if sum_parts.is_none() && printed.is_none() {
        return;
    }
    let (expected, actual) = (
        sum_parts.unwrap_or(Decimal::ZERO),
        printed.unwrap_or(Decimal::ZERO),
    );
    if actual == expected {
        return;
    }
    let unit = cx.unit_of(t).map(str::to_owned);
    cx.compare(
        rule,
        Sum {
            what: format!("{} {}", t.id, what()),
            expected,
            actual,
            addends: n,
            unit: unit.as_deref(),
            location: cell_location(t, total, Some(col)),
        },
    );
}

fn missing_row(cx: &mut Cx<'_>, t: &Table, side: &str, names: &[String]) {
    cx.emit_with(
        &CHECK_SKIPPED,
        Severity::Info,
        format!(
            "{} identity on the {side} side could not be checked: no row named {}",
            t.id,
            names.join(" or ")
        ),
        Location {
            line: t.loc.line,
            table: Some(t.id.clone()),
            ..Location::default()
        },
        None,
        None,
    );
}

fn sides(cx: &mut Cx<'_>, t: &Table, g: &Grammar, lhs: &[String], rhs: &[String]) {
    let [left, right] = g.sides.as_slice() else {
        return;
    };
    let (Some(lcol), Some(rcol)) = (side_column(t, left), side_column(t, right)) else {
        return;
    };
    let Some(l) = named(t, left, lhs) else {
        missing_row(cx, t, left, lhs);
        return;
    };
    let Some(r) = named(t, right, rhs) else {
        missing_row(cx, t, right, rhs);
        return;
    };
    let (Some(lv), Some(rv)) = (value(t, l, lcol), value(t, r, rcol)) else {
        return;
    };
    let unit = cx.unit_of(t).map(str::to_owned);
    cx.compare(
        &SIDES_UNBALANCED,
        Sum {
            what: format!(
                "{} {left} {} = {right} {}",
                t.id,
                row_label(l),
                row_label(r)
            ),
            expected: lv,
            actual: rv,
            addends: 1,
            unit: unit.as_deref(),
            location: cell_location(t, r, Some(rcol)),
        },
    );
}

fn outline(cx: &mut Cx<'_>, t: &Table) {
    let sides: Vec<Option<String>> = {
        let mut s: Vec<Option<String>> = t.rows.iter().map(|r| r.side.clone()).collect();
        s.dedup();
        s.sort();
        s.dedup();
        s
    };
    for side in sides {
        let rows: Vec<&Row> = t.rows.iter().filter(|r| r.side == side).collect();
        let Some(col) = side.as_deref().and_then(|s| side_column(t, s)) else {
            continue;
        };
        for (i, head) in rows.iter().enumerate() {
            if !is_top_ordinal(head) {
                continue;
            }
            let subs: Vec<&Row> = rows[i + 1..]
                .iter()
                .take_while(|r| is_sub_ordinal(r))
                .copied()
                .collect();
            if subs.is_empty() || subs.iter().all(|r| value(t, r, col).is_none()) {
                continue;
            }
            let what = || {
                format!(
                    "{} {} = Σ {} sub-lines",
                    side.as_deref().unwrap_or_default(),
                    row_label(head),
                    subs.len()
                )
            };
            compare_column(cx, &OUTLINE_SUM, t, head, &subs, col, &what);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testkit::{findings, run};

    const T3_HEAD: &[&str] = &[
        "某局 2026 年部门预算",
        "表 3",
        "支出总表",
        "单位：万元",
        "科目编码\t科目名称\t合计\t基本支出\t项目支出",
    ];

    /// 表3 with the given body lines (after the header, from line 6).
    fn t3(body: &[&str]) -> crate::model::Dataset {
        let lines: Vec<&str> = T3_HEAD.iter().chain(body).copied().collect();
        run(&lines)
    }

    const GOOD_T3: &[&str] = &[
        "\t合计\t10.00\t6.00\t4.00",
        "206\t科学技术支出\t10.00\t6.00\t4.00",
        "20601\t科学技术管理事务\t10.00\t6.00\t4.00",
        "2060101\t行政运行\t6.00\t6.00\t0.00",
        "2060199\t其他科学技术管理事务支出\t4.00\t0.00\t4.00",
    ];

    fn with(base: &[&'static str], line: usize, text: &'static str) -> Vec<&'static str> {
        let mut v = base.to_vec();
        v[line] = text;
        v
    }

    /// The findings of this family (A, R, V) and of extraction (X, L); the small documents here
    /// lack most standard tables, which other families rightly report.
    fn codes(d: &crate::model::Dataset) -> Vec<(&'static str, usize)> {
        d.anomalies
            .iter()
            .filter(|a| a.rule.starts_with(['A', 'R', 'V', 'X', 'L']))
            .map(|a| (a.rule, a.location.line))
            .collect()
    }

    #[test]
    fn consistent_table_raises_nothing() {
        assert_eq!(codes(&t3(GOOD_T3)), vec![]);
    }

    #[test]
    fn a001_row_identity() {
        let d = t3(&with(GOOD_T3, 3, "2060101\t行政运行\t6.50\t6.00\t0.00"));
        let f = findings(&d, "A001");
        assert_eq!(f.len(), 1, "{:?}", d.anomalies);
        assert_eq!(f[0].location.line, 9);
        assert_eq!(f[0].location.column.as_deref(), Some("合计"));
        assert_eq!(
            (f[0].expected.as_deref(), f[0].actual.as_deref()),
            (Some("6.00"), Some("6.50"))
        );
    }

    #[test]
    fn a002_hierarchy() {
        let d = t3(&with(
            GOOD_T3,
            4,
            "2060199\t其他科学技术管理事务支出\t5.00\t0.00\t5.00",
        ));
        let f = findings(&d, "A002");
        assert_eq!(f.len(), 2, "{:?}", d.anomalies); // 合计 and 项目支出 of 20601
        assert!(f.iter().all(|a| a.location.row.as_deref() == Some("20601")));
        assert!(findings(&d, "A001").is_empty());
    }

    #[test]
    fn a003_total_row() {
        let d = t3(&with(GOOD_T3, 0, "\t合计\t11.00\t6.00\t5.00"));
        let f = findings(&d, "A003");
        assert_eq!(f.len(), 2, "{:?}", d.anomalies);
        assert!(findings(&d, "A001").is_empty());
    }

    #[test]
    fn r001_rounding_tail_is_info_not_error() {
        let body = with(
            GOOD_T3,
            4,
            "2060199\t其他科学技术管理事务支出\t4.01\t0.00\t4.01",
        );
        let d = t3(&body);
        assert!(findings(&d, "A002").is_empty(), "{:?}", d.anomalies);
        let r = findings(&d, "R001");
        assert_eq!(r.len(), 2);
        assert!(
            r.iter()
                .all(|a| a.severity == "info" && a.kind == "rounding_difference")
        );
        // The same tail in a table printed in 元 is an error: 元 tables must match exactly.
        let mut yuan: Vec<&str> = T3_HEAD.to_vec();
        yuan[3] = "单位：元";
        yuan.extend(&body);
        let d = run(&yuan);
        assert_eq!(findings(&d, "A002").len(), 2, "{:?}", d.anomalies);
        assert!(findings(&d, "R001").is_empty());
    }

    #[test]
    fn v001_unreadable_cell_is_reported_not_passed() {
        let d = t3(&with(GOOD_T3, 3, "2060101\t行政运行\t6.0 0 1\t6.00\t0.00"));
        assert!(!findings(&d, "X001").is_empty());
        let v = findings(&d, "V001");
        assert!(v.iter().any(|a| a.location.line == 9), "{:?}", d.anomalies);
    }

    const T1: &[&str] = &[
        "某局 2026 年部门预算",
        "表 1",
        "收支总表",
        "单位：万元",
        "收 入\t\t支 出\t",
        "项 目\t预算数\t项 目\t预算数",
        "一、一般公共预算拨款收入\t10.00\t一、科学技术支出\t6.00",
        "二、事业收入\t0.00\t二、住房保障支出\t4.00",
        "本年收入合计\t10.00\t本年支出合计\t10.00",
        "上年结转结余\t0.00\t年终结转结余\t0.00",
        "收 入 总 计\t10.00\t支 出 总 计\t10.00",
    ];

    #[test]
    fn a004_a005_two_sided_totals() {
        assert_eq!(codes(&run(T1)), vec![]);
        let d = run(&with(T1, 8, "本年收入合计\t11.00\t本年支出合计\t10.00"));
        let f = findings(&d, "A004");
        // 本年收入合计 ≠ Σ lines, and 收入总计 ≠ 本年收入合计 + 上年结转结余.
        assert_eq!(f.len(), 2, "{:?}", d.anomalies);
        let d = run(&with(T1, 10, "收 入 总 计\t10.00\t支 出 总 计\t12.00"));
        assert_eq!(findings(&d, "A005").len(), 1, "{:?}", d.anomalies);
    }

    const T4: &[&str] = &[
        "某局 2026 年部门预算",
        "表 4",
        "财政拨款收支总表",
        "单位：万元",
        "收 入\t\t支 出\t",
        "项目\t预算数\t项目\t预算数",
        "一、本年收入\t10.00\t一、本年支出\t10.00",
        "（一）一般公共预算拨款\t10.00\t（一）科学技术支出\t6.00",
        "（二）政府性基金预算拨款\t\t（二）住房保障支出\t4.00",
        "二、上年结转\t\t二、年终结转结余\t",
        "收 入 总 计\t10.00\t支 出 总 计\t10.00",
    ];

    #[test]
    fn a006_outline() {
        assert_eq!(codes(&run(T4)), vec![]);
        let d = run(&with(
            T4,
            8,
            "（二）政府性基金预算拨款\t\t（二）住房保障支出\t5.00",
        ));
        let f = findings(&d, "A006");
        assert_eq!(f.len(), 1, "{:?}", d.anomalies);
        assert_eq!(f[0].location.line, 7);
    }
}
