//! Statements: the figures of a block tied to the subject they are about.
//!
//! Takes one block (paragraph or heading) with its quantities; gives [`Statement`]s. The block is read
//! clause by clause ([`super::clauses`]). A statement starts at a clause `subject amount`
//! (`基本支出 2,665.41 万元`); the clauses after it attach to it until the next such clause or the end
//! of the block:
//!
//! - a comparison and change (`比2025年预算增加960.28万元`, `增长28.4%`, `与 2025 年预算持平`);
//! - a share (`占比 61.5%`);
//! - a reason (`主要原因是…`, `主要用于…`), which runs to the end of its sentence.
//!
//! A clause that compares something else (`其中人员经费比上年增加…`) closes the open statement instead
//! of attaching to it. Every phrase comes from the vocabulary. Never validates (a `2025年预算数` in a
//! 2026 document stays 2025; `增长 1.2.4%` leaves the growth rate null) and never guesses a subject.

use super::clauses::{self, Clause, End, Lead};
use super::codes::CodeIndex;
use super::quantity::{self, QKind, Quantity};
use super::vocab::{Sign, Vocab};
use crate::model::{Loc, Statement};
use crate::normalize::prose::ProseBlock;

/// What the statement reader needs besides the block.
pub(crate) struct Context<'a> {
    pub vocab: &'a Vocab,
    pub codes: &'a CodeIndex,
    /// The budget year, for `比上年`.
    pub year: Option<i32>,
}

/// A statement being read.
#[derive(Debug, Clone, Default)]
struct Draft {
    subject: (usize, usize),
    text: (usize, usize),
    year: Option<i32>,
    amount: Option<String>,
    unit: Option<String>,
    compared_year: Option<i32>,
    change: Option<String>,
    growth_pct: Option<String>,
    share_pct: Option<String>,
    reason: Option<(usize, usize)>,
    /// Named a total (`总预算`, `合计`) or followed by a breakdown (`其中：`).
    total: bool,
    /// A list or breakdown member.
    item: bool,
    /// The draft this one is a breakdown item of.
    part_of: Option<usize>,
    /// The subject when it is not the span's text: the final figure of a 决算 pair is about the
    /// subject the pair's budget clause or the numbered item named (`年初预算为 X，支出决算为 Y`).
    subject_text: Option<String>,
    /// The budget figure of a 决算 pair (`年初预算为 1560.05 万元`), confirmed by the final figure after it.
    budget: bool,
}

/// The reader's state between clauses of one block.
struct Reader<'b, 'c> {
    block: &'b ProseBlock,
    qs: &'b [Quantity],
    ctx: &'b Context<'c>,
    drafts: Vec<Draft>,
    /// Index of the statement that following clauses attach to.
    open: Option<usize>,
    /// A reason is being read and the clauses of its sentence belong to it.
    in_reason: bool,
    /// A number-less clause that may name the subject of the next amount (`…（项），2026年预算数…`).
    pending_subject: Option<(usize, usize)>,
    /// A year clause (`2026年，预算支出…`) for the next statement.
    pending_year: Option<i32>,
    /// A breakdown was announced (`其中：`): the statements after it are its items.
    in_breakdown: bool,
    /// The draft the open breakdown breaks down.
    breakdown_of: Option<usize>,
    /// The open breakdown's items were listed with `、`, so a `；` closes it.
    listed: bool,
    /// How the previous clause ended.
    prev_end: End,
    /// The 科目 a numbered item names in a figure-less first sentence (`1、X（类）Y（款）Z（项）。`), carried
    /// over the item's later blocks: the subject of its 决算 figure.
    item_subject: Option<String>,
    /// The last budget figure of this sentence (`…支出年初预算为 X`): its draft and its subject without
    /// the budget word (empty when the word was the whole subject).
    last_budget: Option<(usize, String)>,
}

/// Reads the statements of one block. `carried` is the 科目 the numbered item this block continues
/// names; gives the statements and the 科目 to carry to the next block.
pub(crate) fn read(
    block: &ProseBlock,
    qs: &[Quantity],
    ctx: &Context,
    carried: Option<String>,
) -> (Vec<Statement>, Option<String>) {
    // A numbered block starts a new item.
    let starts_item = clauses::marker_len(&block.text).is_some();
    let mut reader = Reader {
        block,
        qs,
        ctx,
        drafts: Vec::new(),
        open: None,
        in_reason: false,
        pending_subject: None,
        pending_year: None,
        in_breakdown: false,
        breakdown_of: None,
        listed: false,
        prev_end: End::Block,
        item_subject: if starts_item { None } else { carried },
        last_budget: None,
    };
    for clause in clauses::split(&block.text, qs) {
        reader.clause(clause);
        reader.after(clause.ends);
    }
    let drafts = std::mem::take(&mut reader.drafts);
    let statements = drafts.into_iter().map(|d| reader.finish(d)).collect();
    (statements, reader.item_subject)
}

impl<'b> Reader<'b, '_> {
    fn text(&self, start: usize, end: usize) -> &str {
        self.block.text.get(start..end).unwrap_or_default()
    }

    /// The quantities inside `start..end`. `qs` is in text order (the scan moves left to right), so
    /// a binary search finds the first: reading a block stays linear in its figures. They borrow
    /// the block's quantities, not the reader, so a statement can be opened with one in hand.
    fn quantities(&self, start: usize, end: usize) -> impl Iterator<Item = &'b Quantity> + use<'b> {
        let qs: &'b [Quantity] = self.qs;
        let first = qs.partition_point(|q| q.start < start);
        qs[first..]
            .iter()
            .take_while(move |q| q.start < end)
            .filter(move |q| q.end <= end)
    }

    fn open_draft(&mut self) -> Option<&mut Draft> {
        self.open.and_then(|i| self.drafts.get_mut(i))
    }

    fn clause(&mut self, c: Clause) {
        if self.in_reason {
            if self.lists_after_reason(c) {
                self.reason_was_lead_in();
            } else if self.continues_reason(c) {
                if let Some(d) = self.open_draft()
                    && let Some(r) = d.reason.as_mut()
                {
                    r.1 = c.end;
                    d.text.1 = c.end;
                }
                return;
            }
        }
        self.in_reason = false;
        let lead = clauses::strip_lead(&self.block.text, c.start, c.end, self.ctx.vocab);
        if lead.connector {
            self.breakdown();
        }
        let start = lead.start;
        if start >= c.end {
            return;
        }
        if self.is_reason(start, c.end) {
            self.reason(start, c.end);
        } else if let Some(amount) = self.subject_amount(start, c.end) {
            self.statement(c, lead, amount);
        } else if let Some(first) = self.attribute_start(start, c.end) {
            self.attribute_clause(start, c.end, first);
        } else {
            self.plain(start, c.end);
        }
    }

    /// Clears what a sentence end closes.
    fn after(&mut self, ends: End) {
        if ends == End::ListMark && self.in_breakdown {
            self.listed = true;
        }
        // `其中：人员经费…、公用经费…；项目支出…`: the `；` after a `、` list closes the breakdown.
        let closes_list = ends == End::Semicolon && self.listed;
        if ends.ends_sentence() || closes_list {
            self.in_breakdown = false;
            self.breakdown_of = None;
            self.listed = false;
        }
        if ends.ends_sentence() {
            self.in_reason = false;
            self.pending_subject = None;
            self.pending_year = None;
            self.last_budget = None;
        }
        self.prev_end = ends;
    }

    /// A reason runs through its sentence part, and through later number-less parts of its sentence.
    fn continues_reason(&self, c: Clause) -> bool {
        match self.prev_end {
            End::Comma | End::Colon | End::ListMark => true,
            End::Semicolon => self
                .quantities(c.start, c.end)
                .all(|q| q.kind == QKind::Year),
            End::Stop | End::Block => false,
        }
    }

    /// `主要用于：科学技术支出 2,838.72 万元、…`: a colon after the opener, then `subject amount` — the
    /// opener led in a breakdown, not a reason.
    fn lists_after_reason(&self, c: Clause) -> bool {
        if self.prev_end != End::Colon {
            return false;
        }
        let lead = clauses::strip_lead(&self.block.text, c.start, c.end, self.ctx.vocab);
        !self.is_reason(lead.start, c.end) && self.subject_amount(lead.start, c.end).is_some()
    }

    /// Turns a reason that only led in a breakdown into the breakdown it announced.
    fn reason_was_lead_in(&mut self) {
        let vocab = self.ctx.vocab;
        let lead_in = self
            .open
            .and_then(|i| self.drafts.get(i))
            .and_then(|d| d.reason);
        if let Some((s, e)) = lead_in {
            let text = self.text(s, e);
            let only_opener = vocab
                .reason_opener
                .prefix_of(text)
                .is_some_and(|w| w.len() == text.len());
            if only_opener && let Some(d) = self.open_draft() {
                d.reason = None;
            }
        }
        self.breakdown();
    }

    /// A reason opener before any figure of the clause.
    fn is_reason(&self, start: usize, end: usize) -> bool {
        let text = self.text(start, end);
        let Some((at, _)) = self.ctx.vocab.reason_opener.find(text) else {
            return false;
        };
        self.quantities(start, end)
            .find(|q| q.kind != QKind::Year)
            .is_none_or(|q| start + at < q.start)
    }

    /// The first reason of a statement is its reason; a later one only extends its text.
    fn reason(&mut self, start: usize, end: usize) {
        let Some(d) = self.open_draft() else {
            return;
        };
        d.text.1 = d.text.1.max(end);
        if d.reason.is_none() {
            d.reason = Some((start, end));
            self.in_reason = true;
        }
    }

    /// The clause's first amount, when no change or comparison word comes before it (then the amount
    /// is the change, not a subject's amount).
    fn subject_amount(&self, start: usize, end: usize) -> Option<&'b Quantity> {
        let amount = self.quantities(start, end).find(|q| q.is_amount())?;
        let before = self.text(start, amount.start);
        (self.attribute_word(before).is_none()).then_some(amount)
    }

    /// Where the first change, comparison or previous-year word of `text` is.
    fn attribute_word(&self, text: &str) -> Option<usize> {
        let v = self.ctx.vocab;
        let change = v.change.find(text).map(|(i, _)| i);
        let compare = v
            .compare
            .as_ref()
            .filter(|_| has_number(text))
            .and_then(|re| re.find(text))
            .map(|m| m.start());
        // `比上年`: the comparison starts at its opener.
        let previous = v.previous_year.find(text).map(|(i, _)| {
            let before = text[..i].trim_end();
            v.compare_opener
                .suffix_of(before)
                .map_or(i, |w| before.len() - w.len())
        });
        [change, compare, previous].into_iter().flatten().min()
    }

    /// Where a share word is that a percent follows (`占 61.5%`; not the `占` of `占有`).
    fn share_word(&self, start: usize, end: usize) -> Option<usize> {
        let (at, word_end) = self.ctx.vocab.share_word.find(self.text(start, end))?;
        self.quantities(start + word_end, end)
            .any(Quantity::is_percent)
            .then_some(at)
    }

    /// Where the clause's first change, comparison, previous-year or share word is, if it has one.
    fn attribute_start(&self, start: usize, end: usize) -> Option<usize> {
        [
            self.attribute_word(self.text(start, end)),
            self.share_word(start, end),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// A `subject amount` clause: a new statement.
    fn statement(&mut self, c: Clause, lead: Lead, amount: &Quantity) {
        let vocab = self.ctx.vocab;
        let mut sub = clauses::strip_subject(&self.block.text, lead.start, amount.start, vocab);
        let mut text_start = lead.start;
        if sub.start >= sub.end {
            // `…（项），2026年预算数723.35万元`: the subject is the clause before.
            let Some((ps, pe)) = self.pending_subject.take() else {
                return;
            };
            let year = sub.year;
            sub = clauses::strip_subject(&self.block.text, ps, pe, vocab);
            sub.year = sub.year.or(year);
            text_start = ps;
        }
        let subject_text = self.pair_subject(sub.start, sub.end);
        let raw_prefix = self.text(lead.start, amount.start);
        let draft = Draft {
            subject: (sub.start, sub.end),
            text: (text_start, c.end),
            year: sub.year.or(self.pending_year),
            amount: amount.value.clone(),
            unit: amount.unit.clone(),
            total: vocab.total_word.contains_in(raw_prefix),
            item: lead.list_item
                || self.in_breakdown
                || self.prev_end == End::ListMark
                || c.ends == End::ListMark,
            part_of: self.in_breakdown.then_some(self.breakdown_of).flatten(),
            subject_text,
            ..Draft::default()
        };
        self.pending_subject = None;
        self.drafts.push(draft);
        self.open = Some(self.drafts.len() - 1);
        self.attributes(amount.end, c.end);
    }

    /// The subject of a 决算 pair's figure, when the span does not say it whole. A budget subject
    /// (`…支出年初预算`) is remembered for the final figure after it; a final subject names its item
    /// before the final word (`公务接待费支出决算` → `公务接待费`), or is the budget's subject
    /// (`…支出年初预算为 X，支出决算为 Y`), or the numbered item's 科目.
    fn pair_subject(&mut self, start: usize, end: usize) -> Option<String> {
        let vocab = self.ctx.vocab;
        let text = self.text(start, end).trim().to_owned();
        if let Some(w) = vocab.final_budget.suffix_of(&text) {
            let base = text[..text.len() - w.len()].trim().to_owned();
            self.last_budget = Some((self.drafts.len(), base));
            return None;
        }
        let w = vocab.final_actual.suffix_of(&text)?;
        let base = text[..text.len() - w.len()].trim();
        if !base.is_empty() {
            return Some(base.to_owned());
        }
        let from_budget = self.last_budget.take();
        if let Some((i, _)) = &from_budget
            && let Some(d) = self.drafts.get_mut(*i)
        {
            d.budget = true;
        }
        match from_budget {
            Some((_, b)) if !b.is_empty() => Some(b),
            _ => self.item_subject.clone(),
        }
    }

    /// True when `text` names a 科目 path (`X（类）Y（款）Z（项）`, quoted or not). A path is a few dozen
    /// characters: a long clause is not one, and is not run through the path regex (whose captures
    /// make it slow on a megabyte of prose).
    fn is_path(&self, text: &str) -> bool {
        const LONGEST_PATH: usize = 200;
        if text.chars().nth(LONGEST_PATH).is_some() {
            return false;
        }
        let (inner, _) = self.ctx.vocab.unquote(text);
        self.ctx.vocab.path_names(inner).is_some()
    }

    /// A clause of comparisons, changes and shares: it belongs to the open statement unless it names
    /// another subject first. `first` is where its first such word is ([`Self::attribute_start`]).
    fn attribute_clause(&mut self, start: usize, end: usize, first: usize) {
        let prefix = clauses::strip_subject(&self.block.text, start, start + first, self.ctx.vocab);
        if prefix.start < prefix.end {
            // `其中人员经费比上年增加…`: about something that has no amount here; not ours.
            self.open = None;
            return;
        }
        if self.open.is_some() {
            self.attributes(start, end);
            if let Some(d) = self.open_draft() {
                d.text.1 = d.text.1.max(end);
            }
        }
    }

    /// A clause with no figure of interest: a breakdown lead-in, a year, or a subject for later.
    fn plain(&mut self, start: usize, end: usize) {
        let vocab = self.ctx.vocab;
        let text = self.text(start, end);
        if vocab.connector.suffix_of(text).is_some() {
            // `收入包括：` — a breakdown of the open statement follows.
            self.breakdown();
            return;
        }
        let sub = clauses::strip_subject(&self.block.text, start, end, vocab);
        if sub.start >= sub.end {
            self.pending_year = sub.year.or(self.pending_year);
        } else if self.quantities(start, end).next().is_none() {
            self.pending_subject = Some((start, end));
            // `1、X（类）Y（款）Z（项）。主要用于…`: the item's 科目, before any figure of the block.
            let text = self.text(sub.start, sub.end).to_owned();
            if self.drafts.is_empty() && self.is_path(&text) {
                self.item_subject = Some(text);
            }
        }
    }

    fn breakdown(&mut self) {
        if !self.in_breakdown {
            self.breakdown_of = self.open;
            self.listed = false;
        }
        self.in_breakdown = true;
        if let Some(d) = self.open_draft() {
            d.total = true;
        }
    }

    /// Reads comparisons, changes and shares in `start..end` into the open statement.
    fn attributes(&mut self, start: usize, end: usize) {
        // The block outlives the reader's borrow: the text need not be copied.
        let block = self.block;
        let text = block.text.get(start..end).unwrap_or_default();
        let compared = self.compared_year(text);
        let words = self.attribute_words(text);
        let mut found = Vec::new();
        for (k, &(at, len, word)) in words.iter().enumerate() {
            let window_end = words.get(k + 1).map_or(text.len(), |w| w.0);
            let q = self
                .quantities(start + at + len, start + window_end)
                .find(|q| q.is_amount() || q.is_percent());
            found.push((at, word, q));
        }
        let negated = |at: usize| self.ctx.vocab.negation.suffix_of(&text[..at]).is_some();
        let negations: Vec<bool> = found.iter().map(|(at, _, _)| negated(*at)).collect();
        let Some(d) = self.open_draft() else {
            return;
        };
        if d.compared_year.is_none() {
            d.compared_year = compared;
        }
        for ((_, word, q), negated) in found.into_iter().zip(negations) {
            apply(d, word, q, negated);
        }
    }

    /// `比2025年…` → 2025; `比上年` / `同比` → the budget year − 1.
    fn compared_year(&self, text: &str) -> Option<i32> {
        let v = self.ctx.vocab;
        let explicit = v
            .compare
            .as_ref()
            .filter(|_| has_number(text))
            .and_then(|re| {
                re.captures_iter(text).find_map(|c| {
                    let digits = c.get(1)?.as_str();
                    (digits.len() == 4).then(|| digits.parse().ok()).flatten()
                })
            });
        explicit.or_else(|| {
            v.previous_year
                .find(text)
                .and_then(|_| self.ctx.year.map(|y| y - 1))
        })
    }

    /// Change and share words of `text` in order: (offset, length, what it is). Where both kinds of
    /// word start, the change word is the one read; words do not overlap.
    fn attribute_words(&self, text: &str) -> Vec<(usize, usize, Word)> {
        let v = self.ctx.vocab;
        let mut out = Vec::new();
        let mut at = 0;
        loop {
            let change = v.change.find_from(text, at);
            let share = v.share_word.find_from(text, at);
            let (start, end, word) = match (change, share) {
                (Some((cs, ce, sign)), Some((ss, _, _))) if cs <= ss => {
                    (cs, ce, Word::Change(sign))
                }
                (_, Some((ss, se, _))) => (ss, se, Word::Share),
                (Some((cs, ce, sign)), None) => (cs, ce, Word::Change(sign)),
                (None, None) => return out,
            };
            out.push((start, end - start, word));
            at = end;
        }
    }

    /// The finished statement, with its subject's path and code.
    fn finish(&self, d: Draft) -> Statement {
        let written = d
            .subject_text
            .clone()
            .unwrap_or_else(|| self.text(d.subject.0, d.subject.1).to_owned());
        let (inner, quoted) = self.ctx.vocab.unquote(&written);
        let subject = inner.to_owned();
        // `“A-B-C”科目 1,202.95万元`: a dash-joined path, when quoted or followed by `科目`.
        let after = self.text(d.subject.1, self.block.text.len()).trim_start();
        let marked = quoted || self.ctx.vocab.path_word.prefix_of(after).is_some();
        let mut path = self.path(&subject);
        if path.is_empty() && marked {
            path = self.ctx.vocab.dash_path(&subject).unwrap_or_default();
        }
        let code = if path.is_empty() {
            self.ctx.codes.class(&subject)
        } else {
            self.ctx.codes.path(&path)
        };
        let subject_kind = if d.budget {
            "budget"
        } else if !path.is_empty() {
            "科目"
        } else if d.total {
            "total"
        } else if d.item {
            "item"
        } else {
            "figure"
        };
        Statement {
            subject,
            subject_kind,
            path,
            code,
            year: d.year,
            amount: d.amount,
            unit: d.unit,
            compared_year: d.compared_year,
            change: d.change,
            growth_pct: d.growth_pct,
            share_pct: d.share_pct,
            reason: d
                .reason
                .map(|(s, e)| self.text(s, e).to_owned())
                .filter(|r| !r.is_empty()),
            text: self.text(d.text.0, d.text.1).to_owned(),
            part_of: d.part_of,
            loc: Loc::line(self.block.line_at(d.subject.0)),
        }
    }

    /// The 科目 names of a `X（类）Y（款）Z（项）` subject, root first.
    fn path(&self, subject: &str) -> Vec<String> {
        self.ctx
            .vocab
            .path_names(subject)
            .map(|names| names.iter().map(|n| n.trim().to_owned()).collect())
            .unwrap_or_default()
    }
}

/// Whether `text` holds a `\\d`: the comparison regex (`opener\\s*(\\d+)`) cannot match without one,
/// and a byte scan answers most clauses (subjects, reasons) sooner than the regex.
fn has_number(text: &str) -> bool {
    quantity::find_number(text, 0).is_some()
}

/// What an attribute word says about the number after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    Change(Sign),
    Share,
}

/// Records what one attribute word says; the first value of each field wins.
fn apply(d: &mut Draft, word: Word, q: Option<&Quantity>, negated: bool) {
    let (field, value) = match (word, q) {
        // `不持平`: a change the sentence does not quantify.
        (Word::Change(Sign::Flat), _) if negated => return,
        (Word::Change(Sign::Flat), _) => (&mut d.change, Some("0".to_owned())),
        (Word::Change(sign), Some(q)) if q.is_amount() => {
            (&mut d.change, signed(q.value.as_deref(), sign))
        }
        (Word::Change(sign), Some(q)) => (&mut d.growth_pct, signed(q.value.as_deref(), sign)),
        (Word::Share, Some(q)) if q.is_percent() => (&mut d.share_pct, q.value.clone()),
        _ => return,
    };
    if field.is_none() {
        *field = value;
    }
}

/// The value with the sign a change word gives; a zero stays unsigned.
fn signed(value: Option<&str>, sign: Sign) -> Option<String> {
    let v = value?;
    let zero = v.bytes().all(|b| b == b'0' || b == b'.');
    Some(if sign == Sign::Down && !zero {
        format!("-{v}")
    } else {
        v.to_owned()
    })
}
