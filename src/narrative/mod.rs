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
pub(crate) use vocab::alternation;

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
    let vocab = Vocab::shared(grammars);
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
    let mut breakdowns = Breakdowns::default();
    // The 科目 of the numbered item being read, over the blocks it runs on (a page or line break may
    // cut `2、X（类）Y（款）Z（项）。主要用于：` from its `年初预算为…，支出决算为…`).
    let mut item: Option<String> = None;
    for block in &join_open_sentences(&blocks) {
        if sections::heading(&block.text).is_some() {
            item = None;
        }
        let continues_item = item.is_some() && item_style(&block.text).is_none();
        let (facts, mut statements, next) = read_block(block, &ctx, item.take());
        item = next;
        // `part_of` indices are local to the block; make them index the whole list.
        let offset = narrative.statements.len();
        for s in &mut statements {
            s.part_of = s.part_of.map(|i| i + offset);
        }
        breakdowns.link(block, &mut statements, offset, continues_item);
        narrative.facts.extend(facts);
        narrative.statements.extend(statements);
    }
    narrative
}

/// The blocks with a block that ends inside a sentence (`…占11.11%；`, `…的主要原因：`) joined to the
/// next one, when that one is neither numbered nor a heading: a line break the prose joiner kept must
/// not cut a breakdown (`主要用于以下方面：A 2106.66万元，占71.73%；B…`) or a reason in two (a block
/// ending in `：` would announce a list). Only statements are read from
/// the joined blocks; sections keep the blocks as printed.
fn join_open_sentences(blocks: &[ProseBlock]) -> Vec<ProseBlock> {
    let mut out: Vec<ProseBlock> = Vec::with_capacity(blocks.len());
    for block in blocks {
        let open = out.last().is_some_and(|b| {
            b.text
                .trim_end()
                .ends_with(['；', ';', '，', ',', '：', ':'])
        });
        let fresh = item_style(&block.text).is_some() || sections::heading(&block.text).is_some();
        match out.last_mut() {
            Some(prev) if open && !fresh => {
                let shift = prev.text.len();
                prev.text.push_str(&block.text);
                prev.lines.extend(&block.lines);
                prev.offsets
                    .extend(block.offsets.iter().map(|&(at, line)| (at + shift, line)));
            }
            _ => out.push(block.clone()),
        }
    }
    out
}

/// True when a paragraph starts with a list number (`1、`, `(1)`, `一、`): it opens a numbered item.
pub fn starts_item(text: &str) -> bool {
    item_style(text).is_some()
}

/// How a list item is numbered: items of one list share a style (`1.`/`2.`, `(1)`/`(2)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemStyle {
    /// `1.` `1、` `1．`
    Digit,
    /// `(1)` `（1）`
    ParenDigit,
    /// `一、`
    Numeral,
    /// `（一）` `(一)`
    ParenNumeral,
}

fn item_style(text: &str) -> Option<ItemStyle> {
    let t = text.trim_start();
    let mut chars = t.chars();
    let first = chars.next()?;
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    if first.is_ascii_digit() {
        let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
        let next = rest.chars().next()?;
        // `1.5 万元` is a number, not an item.
        let decimal = next == '.' && rest[1..].starts_with(|c: char| c.is_ascii_digit());
        return (matches!(next, '.' | '、' | '．') && !decimal).then_some(ItemStyle::Digit);
    }
    if numeral(first) {
        let rest = t.trim_start_matches(numeral);
        return rest.starts_with('、').then_some(ItemStyle::Numeral);
    }
    if matches!(first, '(' | '（') {
        let inner = chars.next()?;
        if inner.is_ascii_digit() {
            return Some(ItemStyle::ParenDigit);
        }
        if numeral(inner) {
            return Some(ItemStyle::ParenNumeral);
        }
    }
    None
}

/// Breakdowns that run over paragraphs: a total whose paragraph ends with `包括：` / `其中：`, then
/// numbered paragraphs, one item each (`1.因公出国(境)经费 0 万元…`, `2.公务用车…包括：`, `(1)…`).
#[derive(Default)]
struct Breakdowns {
    /// Open totals (index into the narrative's statements) and the item style their list uses.
    stack: Vec<(usize, Option<ItemStyle>)>,
    /// The last numbered item had no statement yet: the block continuing it gives its item.
    item_pending: bool,
}

impl Breakdowns {
    /// Sets `part_of` on the block's first statement when it is the next item of an open list, and
    /// opens a list when the block ends announcing one. `offset` is the index of its first statement.
    /// `continues` says the block continues the previous numbered item rather than ending the list.
    /// The budget figure of a 决算 pair is not the item: its final figure is.
    fn link(
        &mut self,
        block: &ProseBlock,
        statements: &mut [Statement],
        offset: usize,
        continues: bool,
    ) {
        match item_style(&block.text) {
            None if continues => {
                if self.item_pending
                    && let Some((parent, _)) = self.stack.last()
                    && let Some(first) = statements.iter_mut().find(|s| s.subject_kind != "budget")
                {
                    if first.part_of.is_none() {
                        first.part_of = Some(*parent);
                    }
                    self.item_pending = false;
                }
            }
            None => self.stack.clear(),
            Some(style) => {
                while self
                    .stack
                    .last()
                    .is_some_and(|&(_, s)| s.is_some_and(|s| s != style))
                {
                    self.stack.pop();
                }
                self.item_pending = false;
                if let Some((parent, list_style)) = self.stack.last_mut() {
                    *list_style = Some(style);
                    match statements.iter_mut().find(|s| s.subject_kind != "budget") {
                        Some(first) => {
                            if first.part_of.is_none() {
                                first.part_of = Some(*parent);
                            }
                        }
                        None => self.item_pending = true,
                    }
                }
            }
        }
        let announces = block.text.trim_end().ends_with(['：', ':']);
        if announces
            && let Some(i) = statements.iter().rposition(|s| {
                s.subject_kind == "total" || s.part_of.is_some() || statements.len() == 1
            })
        {
            self.stack.push((offset + i, None));
        }
    }
}

/// The facts and statements of one block (a heading's number is not a figure), and the 科目 of the
/// numbered item to carry to the next block.
fn read_block(
    block: &ProseBlock,
    ctx: &Context,
    item: Option<String>,
) -> (Vec<Fact>, Vec<Statement>, Option<String>) {
    let body = clauses::marker_len(&block.text).unwrap_or(0);
    let quantities = quantity::scan(&block.text, body, ctx.vocab);
    let facts = quantities.iter().map(|q| q.fact(block)).collect();
    let (statements, item) = statements::read(block, &quantities, ctx, item);
    (facts, statements, item)
}

#[cfg(test)]
mod tests;
