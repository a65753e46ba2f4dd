//! The rule catalogue: every finding cnbudget reports cites one of these rules by its stable code.
//!
//! Rules are grouped into families by the data they read (ruff's `LintSource`): `X` extraction and
//! `L` layout (raised while reading the document), `A` arithmetic inside a table, `R` rounding tails,
//! `C` consistency across tables, `S` narrative statements against the tables, `Y` years, `M`
//! malformed numbers, `T` text quality, `K` completeness and naming, `V` checks that could not run.
//! Codes are never reused; a retired rule keeps its code with `status: removed`.
//!
//! `cnbudget rules` lists the catalogue, `cnbudget explain CODE` prints one rule, and `CHECKS.md` is
//! generated from it (a test fails when that file is stale).

use serde::Serialize;

/// How serious a finding is by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// One rule of the catalogue.
#[derive(Debug, Serialize)]
pub struct Rule {
    /// Stable code (`A001`).
    pub code: &'static str,
    /// Reads well as "allow {name}" (`row-sum-mismatch`).
    pub name: &'static str,
    /// The anomaly `kind` its findings carry.
    pub kind: &'static str,
    pub severity: Severity,
    /// One line: what it checks.
    pub summary: &'static str,
    /// `## What it checks`, `## Why it matters`, `## Example` (Markdown).
    pub doc: &'static str,
}

/// Findings raised while the document is read (ingest, parse, normalize).
pub mod extraction {
    use super::{Rule, Severity};

    pub const UNREADABLE_CELL: Rule = Rule {
        code: "X001",
        name: "unreadable-cell",
        kind: "malformed_number",
        severity: Severity::Warning,
        summary: "a value cell has no single sound reading as an amount",
        doc: "## What it checks\nEach value cell of a table must read as one amount once the spaces that \
              narrow-cell wrapping inserts are removed (`4,33 5.95` → 4335.95).\n\n## Why it matters\nA cell \
              such as `4,335.95 12.00` or `1. 2 34` could be read several ways; cnbudget never guesses. The \
              cell stays raw in the row's `unreadable` map, and the checks that need it report that they \
              could not run.\n\n## Example\n`43,35.95` (misplaced separator) → X001.",
    };
    pub const MALFORMED_CODE: Rule = Rule {
        code: "X002",
        name: "malformed-code",
        kind: "malformed_code",
        severity: Severity::Warning,
        summary: "a code cell is not a code of a length its code system allows",
        doc: "## What it checks\nA 科目 or unit code, once split digits are rejoined (`3280 01` → 328001), must \
              be all digits and of a length the grammar's code system allows (功能 3/5/7, 经济 3/5).\n\n## Why \
              it matters\nThe code places the row in the 类/款/项 hierarchy; a wrong code silently breaks every \
              hierarchy check.\n\n## Example\n`206 010` in a 功能 table (6 digits) → X002.",
    };
    pub const UNRECOGNIZED_TABLE: Rule = Rule {
        code: "L001",
        name: "unrecognized-table",
        kind: "unrecognized_table",
        severity: Severity::Warning,
        summary: "a numbered table matches no layout grammar",
        doc: "## What it checks\nEvery `表 N` block must match one of the grammars in `grammars/` by its \
              caption.\n\n## Why it matters\nAn unrecognised table is not read, so its amounts are missing \
              from the dataset and its checks cannot run. Add a caption alias or a grammar.\n\n## Example\n\
              `表 13 政府采购预算表` with no grammar for it → L001.",
    };
    pub const COLUMN_COUNT_MISMATCH: Rule = Rule {
        code: "L002",
        name: "column-count-mismatch",
        kind: "column_count_mismatch",
        severity: Severity::Warning,
        summary: "a row has more value cells than the table has columns",
        doc: "## What it checks\nA table row must not have more value cells than the columns its header \
              gives.\n\n## Why it matters\nExtra cells cannot be placed in a column without guessing; they are \
              reported, not dropped silently.\n\n## Example\nA row of 表3 with four amounts under three \
              columns → L002.",
    };
    pub const UNPLACED_LINE: Rule = Rule {
        code: "L003",
        name: "unplaced-line",
        kind: "unplaced_line",
        severity: Severity::Info,
        summary: "a line or cell of a performance form fits no part of the form",
        doc: "## What it checks\nEach line of a performance-target form (表11, 表12-n) must belong to one of \
              its blocks (fields, funding, budget lines, procurement, goals, indicator grids).\n\n## Why it \
              matters\nA line that fits nowhere is content the dataset would otherwise lose.\n\n## Example\n\
              A free-text line between two indicator grids → L003.",
    };

    pub const UNDECODABLE_TEXT: Rule = Rule {
        code: "X003",
        name: "undecodable-text",
        kind: "undecodable_text",
        severity: Severity::Warning,
        summary: "a PDF page shows text in a font cnbudget cannot decode",
        doc: "## What it checks\nEvery glyph a PDF page shows must decode to Unicode, through the font's \
              ToUnicode map, its encoding, a predefined CMap, or the embedded font's own cmap.\n\n## Why \
              it matters\nText that cannot be decoded is left out rather than emitted as garbage, so the \
              page's tables or sentences may be incomplete; a person should read that page.\n\n\
              ## Example\nA CID font with Identity-H, no ToUnicode and no embedded cmap on page 7 → X003.",
    };
    pub const IMAGE_ONLY_PAGE: Rule = Rule {
        code: "X004",
        name: "image-only-page",
        kind: "no_text_layer",
        severity: Severity::Warning,
        summary: "a PDF page is an image with no text layer (scanned)",
        doc: "## What it checks\nA page that paints images but shows no text has no text layer: it was \
              scanned or printed to an image.\n\n## Why it matters\ncnbudget does no OCR, so whatever the \
              page holds is missing from the dataset. (A document with no text at all fails as a whole.)\n\n\
              ## Example\nA budget whose 表3 page was scanned → X004 on that page.",
    };

    pub static RULES: &[&Rule] = &[
        &UNREADABLE_CELL,
        &MALFORMED_CODE,
        &UNDECODABLE_TEXT,
        &IMAGE_ONLY_PAGE,
        &UNRECOGNIZED_TABLE,
        &COLUMN_COUNT_MISMATCH,
        &UNPLACED_LINE,
    ];
}

/// Every rule, in documentation order.
pub fn all() -> Vec<&'static Rule> {
    [
        extraction::RULES,
        super::table::RULES,
        super::cross::RULES,
        super::statements::RULES,
        super::text::RULES,
        super::completeness::RULES,
    ]
    .into_iter()
    .flatten()
    .copied()
    .collect()
}

/// The rule with this code (case-insensitive).
pub fn find(code: &str) -> Option<&'static Rule> {
    all()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// The catalogue as Markdown (`CHECKS.md`).
pub fn catalogue_markdown() -> String {
    let mut out = String::from(
        "# Rule catalogue\n\n<!-- Generated from src/validate/ by `cnbudget rules --markdown`; do not edit by hand. -->\n\n\
         Every finding cites one rule by its code. `cnbudget explain CODE` prints a rule.\n\n\
         | code | name | kind | severity | checks |\n|---|---|---|---|---|\n",
    );
    let rules = all();
    for r in &rules {
        out.push_str(&format!(
            "| [{code}](#{anchor}) | {name} | `{kind}` | {sev} | {summary} |\n",
            code = r.code,
            anchor = r.code.to_lowercase(),
            name = r.name,
            kind = r.kind,
            sev = r.severity.as_str(),
            summary = r.summary
        ));
    }
    for r in &rules {
        out.push_str(&format!("\n## {}\n\n", r.code));
        out.push_str(&explain(r));
    }
    out
}

/// One rule, as `cnbudget explain` prints it.
pub fn explain(r: &Rule) -> String {
    let doc = r.doc.replace("\n## ", "\n### ");
    let doc = doc
        .strip_prefix("## ")
        .map_or(doc.clone(), |d| format!("### {d}"));
    format!(
        "**{}** `{}` — {} (default severity: {}, kind: `{}`)\n\n{}\n",
        r.code,
        r.name,
        r.summary,
        r.severity.as_str(),
        r.kind,
        doc.trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let rules = all();
        let codes: BTreeSet<_> = rules.iter().map(|r| r.code).collect();
        let names: BTreeSet<_> = rules.iter().map(|r| r.name).collect();
        assert_eq!(codes.len(), rules.len(), "duplicate code");
        assert_eq!(names.len(), rules.len(), "duplicate name");
        for r in rules {
            assert!(
                r.code.len() == 4 && r.code[1..].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                r.code
            );
            assert!(
                r.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                r.name
            );
            assert!(
                !r.summary.ends_with('.'),
                "{}: summary ends with a period",
                r.code
            );
            for part in ["## What it checks", "## Why it matters", "## Example"] {
                assert!(r.doc.contains(part), "{}: doc lacks `{part}`", r.code);
            }
        }
    }

    #[test]
    fn find_is_case_insensitive() {
        assert_eq!(find("x001").map(|r| r.name), Some("unreadable-cell"));
        assert!(find("Z999").is_none());
    }
}
