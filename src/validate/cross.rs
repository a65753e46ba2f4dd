//! `C` rules: identities that tie the tables together (表1–表12).

use super::Cx;
use super::rules::Rule;

pub static RULES: &[&Rule] = &[];

/// Runs this family's checks.
pub fn check(_cx: &mut Cx<'_>) {}
