//! Narrative (情况说明): sections, facts and statements. Placeholder.

use crate::grammar::GrammarSet;
use crate::model::{Narrative, Repair, Table};
use crate::normalize::Line;

/// Extracts the narrative part's sections, facts and statements.
pub fn extract(
    _lines: &[Line],
    _tables: &[Table],
    _grammars: &GrammarSet,
    _year: Option<i32>,
    _repairs: &mut Vec<Repair>,
) -> Narrative {
    Narrative::default()
}
