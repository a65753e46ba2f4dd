//! A block's text cut into clauses, and the trimming of a clause down to its subject.
//!
//! Takes one block's text and its quantities; gives [`Clause`] byte spans with the punctuation that
//! ended each, so the statement reader knows where a sentence (`。`) or a sentence part (`；`) ends.
//! A `、` ends a clause only right after an amount (`科学技术支出 2,838.72 万元、社会保障…`): between
//! names (`基本工资、津贴补贴`) it is part of the clause. Never looks at meaning beyond punctuation.

use super::quantity::{Quantity, leading_year, trailing_year};
use super::vocab::Vocab;
use crate::normalize::cells::{is_numeral, split_ordinal};
use crate::normalize::number::is_numeric;
use crate::normalize::prose::list_item_len;

/// The punctuation that ended a clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// `，` or `,` (outside a number).
    Comma,
    /// `：` or `:` — the lead-in of a list or a reason.
    Colon,
    /// `、` after an amount: the next list item follows.
    ListMark,
    /// `；` — a sentence part ends.
    Semicolon,
    /// `。！？` — a sentence ends.
    Stop,
    /// The end of the block.
    Block,
}

impl End {
    /// True when a sentence ends here.
    pub fn ends_sentence(self) -> bool {
        matches!(self, End::Stop | End::Block)
    }

    /// How much of the text an end mark closes; the block end closes nothing a mark did not.
    fn strength(self) -> u8 {
        match self {
            End::Comma | End::Colon | End::ListMark | End::Block => 0,
            End::Semicolon => 1,
            End::Stop => 2,
        }
    }
}

/// One clause: `start..end` in the block text, trimmed of spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Clause {
    pub start: usize,
    pub end: usize,
    pub ends: End,
}

/// Cuts `text` into clauses.
pub(crate) fn split(text: &str, quantities: &[Quantity]) -> Vec<Clause> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        // `,` and `:` are one byte, and a neighbouring character is an ASCII digit exactly when
        // its byte next to them is one (the bytes of a longer character are all ≥ 0x80).
        let between_digits = || {
            let before = i.checked_sub(1).and_then(|j| bytes.get(j));
            let after = bytes.get(i + 1);
            before.is_some_and(u8::is_ascii_digit) && after.is_some_and(u8::is_ascii_digit)
        };
        let ends = match c {
            '，' => End::Comma,
            ',' if !between_digits() => End::Comma,
            '：' => End::Colon,
            ':' if !between_digits() => End::Colon,
            '；' | ';' => End::Semicolon,
            '。' | '！' | '？' | '!' | '?' => End::Stop,
            '、' if follows_amount(text, i, quantities) => End::ListMark,
            _ => continue,
        };
        push(&mut out, text, start, i, ends);
        start = i + c.len_utf8();
    }
    push(&mut out, text, start, text.len(), End::Block);
    out
}

fn push(out: &mut Vec<Clause>, text: &str, start: usize, end: usize, ends: End) {
    let (start, end) = trim(text, start, end);
    if start < end {
        out.push(Clause { start, end, ends });
    } else if let Some(last) = out.last_mut() {
        // `，。` or `；。`: an empty clause; a stronger end mark still counts for the clause before.
        if ends.strength() > last.ends.strength() {
            last.ends = ends;
        }
    }
}

/// True when the text before `at` ends with an amount (spaces aside). Quantities are in text
/// order and never overlap, so their ends rise: a binary search finds the one that may end there.
fn follows_amount(text: &str, at: usize, quantities: &[Quantity]) -> bool {
    let end = text[..at].trim_end().len();
    let i = quantities.partition_point(|q| q.end < end);
    quantities[i..]
        .iter()
        .take_while(|q| q.end == end)
        .any(Quantity::is_amount)
}

/// The span without surrounding spaces.
pub(crate) fn trim(text: &str, start: usize, end: usize) -> (usize, usize) {
    let Some(s) = text.get(start..end) else {
        return (start, start);
    };
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    (start + lead, (end - trail).max(start + lead))
}

/// What the front of a clause carried before its content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Lead {
    /// Where the content starts.
    pub start: usize,
    /// A list marker (`1.`, `（一）`, `(1)`) was stripped.
    pub list_item: bool,
    /// A connector (`其中`, `包括`) was stripped.
    pub connector: bool,
}

/// Strips list markers, connectors and stray punctuation from the front of `start..end`.
pub(crate) fn strip_lead(text: &str, start: usize, end: usize, vocab: &Vocab) -> Lead {
    let mut lead = Lead {
        start,
        ..Lead::default()
    };
    loop {
        let (s, _) = trim(text, lead.start, end);
        let rest = text.get(s..end).unwrap_or_default();
        let rest_trimmed = rest.trim_start_matches(['，', ',', '：', ':', '、']);
        if rest_trimmed.len() != rest.len() {
            lead.start = s + rest.len() - rest_trimmed.len();
        } else if let Some(n) = marker_len(rest) {
            lead.start = s + n;
            lead.list_item = true;
        } else if let Some(w) = vocab.connector.prefix_of(rest) {
            lead.start = s + w.len();
            lead.connector = true;
        } else {
            lead.start = s;
            return lead;
        }
    }
}

/// Byte length of a leading ordinal or list marker: `一、`, `（一）`, `(一)`, `1.`, `(1)`, `①`.
pub(crate) fn marker_len(text: &str) -> Option<usize> {
    // Every marker opens with a numeral, a bracket or a numeric char (a digit, `①`): most clauses
    // open with another word, turned away here before the ordinal and item readers trim and
    // decode them.
    let first = text.trim_start().chars().next()?;
    if !(is_numeral(first) || matches!(first, '(' | '（') || is_numeric(first)) {
        return None;
    }
    if let (Some(_), rest) = split_ordinal(text) {
        // `split_ordinal` returns a suffix of the trimmed text; its offset is the marker's length.
        let offset = (rest.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
        return text.is_char_boundary(offset).then_some(offset);
    }
    list_item_len(text)
}

/// A subject cut out of a clause: its span and the year it named, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Subject {
    pub start: usize,
    pub end: usize,
    pub year: Option<i32>,
}

/// Strips a subject span to the noun phrase: leading year and connectors, trailing `预算数`/`为`/…
/// and a trailing year (`行政运行（项）2026年预算数` → `行政运行（项）`, year 2026).
pub(crate) fn strip_subject(text: &str, start: usize, end: usize, vocab: &Vocab) -> Subject {
    let mut subject = Subject {
        start: strip_lead(text, start, end, vocab).start,
        end,
        year: None,
    };
    loop {
        let (s, e) = trim_punct(text, subject.start, subject.end);
        let span = text.get(s..e).unwrap_or_default();
        if let Some((y, len)) = leading_year(span, vocab) {
            subject.year = subject.year.or(Some(y));
            subject.start = s + len;
        } else if let Some(w) = vocab.subject_suffix.suffix_of(span) {
            subject.start = s;
            subject.end = e - w.len();
        } else if let Some((y, at)) = trailing_year(span, vocab) {
            subject.year = subject.year.or(Some(y));
            subject.start = s;
            subject.end = s + at;
        } else if let Some(w) = vocab.connector.prefix_of(span) {
            subject.start = s + w.len();
        } else {
            subject.start = s;
            subject.end = e;
            return subject;
        }
    }
}

/// The span without surrounding spaces and clause punctuation.
fn trim_punct(text: &str, start: usize, end: usize) -> (usize, usize) {
    const P: &[char] = &[' ', '\t', '，', ',', '：', ':', '、', '；', ';', '。'];
    let Some(s) = text.get(start..end) else {
        return (start, start);
    };
    let lead = s.len() - s.trim_start_matches(P).len();
    let trail = s.len() - s.trim_end_matches(P).len();
    (start + lead, (end - trail).max(start + lead))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::narrative::quantity::scan;

    fn clauses(text: &str) -> Vec<(&str, End)> {
        let v = Vocab::builtin();
        let q = scan(text, 0, &v);
        split(text, &q)
            .into_iter()
            .map(|c| (&text[c.start..c.end], c.ends))
            .collect()
    }

    #[test]
    fn clauses_end_at_punctuation_not_inside_numbers() {
        assert_eq!(
            clauses(
                "部门预算支出 4,335.95 万元。其中：基本支出 2,665.41 万元, 占比 61.5%；项目支出"
            ),
            vec![
                ("部门预算支出 4,335.95 万元", End::Stop),
                ("其中", End::Colon),
                ("基本支出 2,665.41 万元", End::Comma),
                ("占比 61.5%", End::Semicolon),
                ("项目支出", End::Block),
            ]
        );
    }

    #[test]
    fn separators_between_digits_do_not_end_clauses() {
        assert_eq!(
            clauses("共计1,234.5万元,其中:12:30，a,b；中,1"),
            vec![
                ("共计1,234.5万元", End::Comma),
                ("其中", End::Colon),
                ("12:30", End::Comma),
                ("a", End::Comma),
                ("b", End::Semicolon),
                ("中", End::Comma),
                ("1", End::Block),
            ]
        );
    }

    #[test]
    fn list_mark_only_after_an_amount() {
        assert_eq!(
            clauses(
                "科学技术支出 2,838.72 万元、卫生健康支出 270.66 万元，主要用于基本工资、津贴补贴。"
            ),
            vec![
                ("科学技术支出 2,838.72 万元", End::ListMark),
                ("卫生健康支出 270.66 万元", End::Comma),
                ("主要用于基本工资、津贴补贴", End::Stop),
            ]
        );
    }

    #[test]
    fn subjects_lose_years_markers_and_suffixes() {
        let v = Vocab::builtin();
        let sub = |t: &'static str| {
            let s = strip_subject(t, 0, t.len(), &v);
            (&t[s.start..s.end], s.year)
        };
        assert_eq!(
            sub("1.科学技术支出（类）科学技术管理事务（款）行政运行（项）2026年预算数"),
            (
                "科学技术支出（类）科学技术管理事务（款）行政运行（项）",
                Some(2026)
            )
        );
        assert_eq!(
            sub("2026 年部门收支总预算 "),
            ("部门收支总预算", Some(2026))
        );
        assert_eq!(sub("其中：本年预算"), ("本年预算", None));
        assert_eq!(
            sub("2026年政府采购预算支出合计"),
            ("政府采购预算支出", Some(2026))
        );
        assert_eq!(sub("(1)公务用车购置费 "), ("公务用车购置费", None));
        assert_eq!(sub("2026年"), ("", Some(2026)));
        assert_eq!(sub("2025年预算数"), ("", Some(2025)));
    }

    /// The first-character filter of `marker_len` turns away only texts with no marker.
    #[test]
    fn marker_filter_turns_away_only_unmarked_text() {
        for c in ('\0'..='\u{FFFF}')
            .filter(|&c| !(is_numeral(c) || matches!(c, '(' | '（') || is_numeric(c)))
        {
            for t in [
                format!("{c}、x"),
                format!("{c}. x"),
                format!(" {c}）"),
                format!("{c}1)"),
            ] {
                assert_eq!(split_ordinal(&t).0, None, "{t:?}");
                assert_eq!(list_item_len(&t), None, "{t:?}");
            }
        }
        assert_eq!(marker_len(" "), None);
        assert_eq!(marker_len(""), None);
        assert_eq!(marker_len("  ① 项"), None);
        assert_eq!(marker_len("①项"), Some("①".len()));
    }

    #[test]
    fn markers() {
        assert_eq!(marker_len("（一）人员经费"), Some("（一）".len()));
        assert_eq!(marker_len("10. 商业"), Some("10. ".len()));
        assert_eq!(marker_len("2026年"), None);
        let v = Vocab::builtin();
        let t = "其中：(2)公用经费";
        let lead = strip_lead(t, 0, t.len(), &v);
        assert_eq!(&t[lead.start..], "公用经费");
        assert!(lead.list_item && lead.connector);
    }
}
