//! Normalize: repair what extraction broke, and log every repair with its source line.
//!
//! - [`chars`]: character-level repairs of every line, before parsing (full-width forms, markup);
//! - [`number`]: one cell read as an amount or a code (`4,33 5.95` → `4335.95`, `3280 01` → `328001`);
//! - [`cells`]: text cells (`合 计` → `合计`), ordinals, bracket folding for matching;
//! - [`prose`]: sentences and numbers split by page breaks (`比 2` ⏎ `025 预算` → `比 2025 预算`);
//! - [`tables`]: a parsed [`crate::parse::RawTable`] turned into a typed [`crate::model::Table`];
//! - [`target`]: performance targets and quantities (`≥6500 人`, `30 万元`).
//!
//! Nothing here guesses: a cell without a single sound reading stays as printed and is reported.

pub mod cells;
pub mod chars;
pub mod number;
pub mod prose;
pub mod tables;
pub mod target;

use crate::ingest::SourceText;
use crate::model::Repair;

/// One source line after character-level repair. `no` is the 1-based line number in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub no: usize,
    pub text: String,
}

impl Line {
    /// Lines numbered from 1, as the pipeline gives them (for building inputs by hand).
    pub fn numbered(texts: &[&str]) -> Vec<Line> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Line {
                no: i + 1,
                text: (*t).to_owned(),
            })
            .collect()
    }
}

/// Applies the character-level repairs to every line of a source.
pub fn canonicalize(source: &SourceText) -> (Vec<Line>, Vec<Repair>) {
    let mut repairs = Vec::new();
    let lines = source
        .lines
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let mut text = raw.clone();
            chars::canonicalize_line(i + 1, &mut text, &mut repairs);
            // A decorated page number (`- 12 -`, `第 12 页`) is never content, in a table or in prose.
            if prose::is_page_number(text.trim()) {
                repairs.push(Repair {
                    loc: crate::model::Loc::line(i + 1),
                    rule: prose::PAGE_NUMBER,
                    raw: text.trim().to_owned(),
                    repaired: String::new(),
                    table: None,
                    column: None,
                });
                text.clear();
            }
            Line { no: i + 1, text }
        })
        .collect();
    (lines, repairs)
}
