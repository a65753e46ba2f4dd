//! `S` rules: the narrative's figures (statements) against the tables, and among themselves.

use super::Cx;
use super::rules::Rule;

pub static RULES: &[&Rule] = &[];

/// Runs this family's checks.
pub fn check(_cx: &mut Cx<'_>) {}
