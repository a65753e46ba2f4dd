//! `Y`, `M` and `T` rules: years against the budget year, malformed numbers, text quality.

use super::Cx;
use super::rules::Rule;

pub static RULES: &[&Rule] = &[];

/// Runs this family's checks.
pub fn check(_cx: &mut Cx<'_>) {}
