//! Narrative (情况说明): the prose part of a disclosure as sections, facts and statements.
//!
//! Takes the narrative part's lines (its part heading excluded), the document's parsed tables, the
//! grammars and the budget year. Gives a [`Narrative`]:
//!
//! - **sections** — `一、…` and `（一）…` headings with their paragraphs ([`sections`]), after the
//!   page-break joins of [`crate::normalize::prose`] (logged as repairs);
//! - **facts** — every amount, percentage, year and count in the text, each with its source line
//!   ([`quantity`]); a number with a unit that is not one well-formed number is a `malformed` fact;
//! - **statements** — figures tied to their subject where the sentence pattern makes it clear
//!   ([`statements`]), with 功能 codes resolved through the tables ([`codes`]).
//!
//! Every phrase the reader looks for (units, change and share words, reason openers, connectors…)
//! comes from the `narrative` vocabulary grammar ([`vocab`]), so another province's wording is a
//! grammar edit. Never validates: figures are recorded as printed, errors included, for the
//! validation stage to judge. Never panics on any input.

mod clauses;
mod codes;
mod quantity;
mod sections;
mod statements;
mod vocab;

use crate::grammar::GrammarSet;
use crate::model::{Fact, Narrative, Repair, Statement, Table};
use crate::normalize::Line;
use crate::normalize::prose::{self, ProseBlock};
use codes::CodeIndex;
use statements::Context;
use vocab::Vocab;

/// Extracts the narrative part's sections, facts and statements.
pub fn extract(
    lines: &[Line],
    tables: &[Table],
    grammars: &GrammarSet,
    year: Option<i32>,
    repairs: &mut Vec<Repair>,
) -> Narrative {
    let vocab = Vocab::from_grammars(grammars);
    let codes = CodeIndex::new(tables);
    let ctx = Context {
        vocab: &vocab,
        codes: &codes,
        year,
    };
    let blocks = prose::join_page_breaks(lines, repairs);
    let mut narrative = Narrative {
        sections: sections::build(&blocks),
        ..Narrative::default()
    };
    for block in &blocks {
        let (facts, statements) = read_block(block, &ctx);
        narrative.facts.extend(facts);
        narrative.statements.extend(statements);
    }
    narrative
}

/// The facts and statements of one block (a heading's number is not a figure).
fn read_block(block: &ProseBlock, ctx: &Context) -> (Vec<Fact>, Vec<Statement>) {
    let body = clauses::marker_len(&block.text).unwrap_or(0);
    let quantities = quantity::scan(&block.text, body, ctx.vocab);
    let facts = quantities.iter().map(|q| q.fact(block)).collect();
    let statements = statements::read(block, &quantities, ctx);
    (facts, statements)
}

#[cfg(test)]
mod tests;
