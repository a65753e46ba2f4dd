//! Numbers in prose with what makes them figures: a unit after them (`万元`, `%`, `个`), `年` after a
//! four-digit year, or a word before them (`百分之`).
//!
//! Takes one block's text and the vocabulary; gives [`Quantity`]s — byte spans into the text with
//! kind, canonical value and unit — in text order, never overlapping, so `2026 年预算数 723.35 万元`
//! is one year and one amount. A number with no unit (a list number, the `12` of `12月31日`) is not a
//! quantity. A number that has a unit but is not one well-formed number (`1.2.4%`) is kept with no
//! value, so the validation stage can see it. Never validates, rounds or converts units.

use super::vocab::{UnitKind, Vocab};
use crate::model::{Fact, Loc};
use crate::normalize::number::{canonical_amount, is_numeric};
use crate::normalize::prose::ProseBlock;
use regex::Regex;
use std::sync::LazyLock;

/// Digits with separators and points, ending in a digit: `4,335.95`, `1.2.4`, `2026`.
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d(?:[\d,.]*\d)?").expect("static regex"));

/// Years outside this range are not years (`1000 年` is a duration, not a date).
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QKind {
    Amount,
    Percent,
    Year,
    Count,
}

/// One figure in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Quantity {
    pub kind: QKind,
    /// Byte span of the raw text (number and unit) in the block text.
    pub start: usize,
    pub end: usize,
    /// Byte span of the number alone.
    pub number: (usize, usize),
    /// The canonical number; None when malformed.
    pub value: Option<String>,
    pub unit: Option<String>,
}

impl Quantity {
    pub fn is_amount(&self) -> bool {
        self.kind == QKind::Amount
    }

    pub fn is_percent(&self) -> bool {
        self.kind == QKind::Percent
    }

    /// The fact this quantity is, located through the block's line map.
    pub fn fact(&self, block: &ProseBlock) -> Fact {
        let kind = match (self.kind, &self.value) {
            (_, None) => "malformed",
            (QKind::Amount, _) => "amount",
            (QKind::Percent, _) => "percent",
            (QKind::Year, _) => "year",
            (QKind::Count, _) => "count",
        };
        Fact {
            kind,
            raw: block
                .text
                .get(self.start..self.end)
                .unwrap_or_default()
                .to_owned(),
            value: self.value.clone(),
            unit: self.unit.clone(),
            loc: Loc::line(block.line_at(self.start)),
        }
    }
}

/// Every quantity of `text` from byte `from` on.
pub(crate) fn scan(text: &str, from: usize, vocab: &Vocab) -> Vec<Quantity> {
    let mut out = Vec::new();
    let mut at = from.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    while let Some((start, end)) = find_number(text, at) {
        at = end;
        // `G5`, `V2`: part of a name, not a figure.
        if text[..start].ends_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        if let Some(q) = quantity(text, start, end, vocab) {
            at = q.end;
            out.push(q);
        }
    }
    out
}

/// [`NUMBER`]`.find_at(text, from)` as a byte span, read by hand where that is plain: the regex
/// walked every byte of the prose between numbers through its automaton, and was most of the cost
/// of scanning a block. Prose is mostly CJK ideographs (lead bytes E4–E9, U+4000–U+9FFF, none of
/// them numeric), skipped three bytes at a time; a number of ASCII digits, commas and points is
/// read directly. Anything else numeric (full-width or other Unicode digits, which `\d` takes) is
/// left to the regex, from a position with no digit before it, so its answer is the same.
/// `from` must be on a char boundary.
pub(crate) fn find_number(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_digit() {
            return ascii_number_at(text, i).or_else(|| regex_number(text, i));
        }
        if b < 0x80 {
            i += 1;
        } else if (0xE4..=0xE9).contains(&b) {
            i += 3;
        } else {
            let c = text.get(i..)?.chars().next()?;
            if is_numeric(c) {
                return regex_number(text, i);
            }
            i += c.len_utf8();
        }
    }
    None
}

fn regex_number(text: &str, from: usize) -> Option<(usize, usize)> {
    NUMBER.find_at(text, from).map(|m| (m.start(), m.end()))
}

/// `\d(?:[\d,.]*\d)?` at `start` (an ASCII digit) when the run of digits, commas and points there
/// is all ASCII: the span up to its last digit. None when a non-ASCII numeric char joins or ends
/// the run (it may be a `\d`).
fn ascii_number_at(text: &str, start: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut last_digit = start;
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'0'..=b'9' => last_digit = i,
            b',' | b'.' => {}
            0x80.. => {
                let c = text.get(i..)?.chars().next()?;
                if is_numeric(c) {
                    return None;
                }
                break;
            }
            _ => break,
        }
        i += 1;
    }
    Some((start, last_digit + 1))
}

/// Reads the number at `start..end` with what surrounds it, if that makes it a figure.
fn quantity(text: &str, start: usize, end: usize, vocab: &Vocab) -> Option<Quantity> {
    let digits = &text[start..end];
    let after_spaces = end + spaces(&text[end..]);
    let rest = &text[after_spaces..];
    if let Some(q) = year(digits, start, end, rest, after_spaces, vocab) {
        return Some(q);
    }
    let value = canonical_amount(digits);
    if let Some(prefix_start) = percent_prefix(text, start, vocab) {
        return Some(Quantity {
            kind: QKind::Percent,
            start: prefix_start,
            end,
            number: (start, end),
            value,
            unit: Some("%".to_owned()),
        });
    }
    let (unit, kind) = vocab.unit_at(rest)?;
    Some(Quantity {
        kind: match kind {
            UnitKind::Amount => QKind::Amount,
            UnitKind::Percent => QKind::Percent,
            UnitKind::Count => QKind::Count,
        },
        start,
        end: after_spaces + unit.len(),
        number: (start, end),
        value,
        unit: Some(unit.to_owned()),
    })
}

/// `2026 年`, `2026年度` (the suffix is part of the fact) or `2025 预算` (the context word is not).
fn year(
    digits: &str,
    start: usize,
    end: usize,
    rest: &str,
    rest_at: usize,
    vocab: &Vocab,
) -> Option<Quantity> {
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = digits.parse().ok()?;
    if !YEARS.contains(&y) {
        return None;
    }
    let fact_end = match vocab.year_suffix.prefix_of(rest) {
        Some(suffix) => rest_at + suffix.len(),
        None if vocab.year_context.prefix_of(rest).is_some() => end,
        None => return None,
    };
    Some(Quantity {
        kind: QKind::Year,
        start,
        end: fact_end,
        number: (start, end),
        value: Some(digits.to_owned()),
        unit: None,
    })
}

/// Where a percent word before the number starts (`百分之 5`), if there is one.
fn percent_prefix(text: &str, number_start: usize, vocab: &Vocab) -> Option<usize> {
    let before = text[..number_start].trim_end_matches([' ', '\t']);
    let word = vocab.percent_prefix.suffix_of(before)?;
    Some(before.len() - word.len())
}

fn spaces(s: &str) -> usize {
    s.len() - s.trim_start_matches([' ', '\t']).len()
}

/// The year a text starts with (`2026 年`, `2026年度`), and the byte length it takes.
pub(crate) fn leading_year(text: &str, vocab: &Vocab) -> Option<(i32, usize)> {
    // A number at 0 opens with a digit (`char::is_numeric` covers every `\d`); without one, the
    // search would run through the whole text for a number it then drops.
    if !text.chars().next().is_some_and(is_numeric) {
        return None;
    }
    let (_, end) = find_number(text, 0).filter(|&(start, _)| start == 0)?;
    let q = year(
        &text[..end],
        0,
        end,
        &text[end + spaces(&text[end..])..],
        end + spaces(&text[end..]),
        vocab,
    )?;
    (q.end > end).then(|| (parse_year(&q), q.end))
}

/// The year a text ends with (`…（项）2026年`), and the byte offset where it starts.
pub(crate) fn trailing_year(text: &str, vocab: &Vocab) -> Option<(i32, usize)> {
    let suffix = vocab.year_suffix.suffix_of(text)?;
    let body = text[..text.len() - suffix.len()].trim_end_matches([' ', '\t']);
    let digits_start = body.len().checked_sub(4)?;
    let digits = body.get(digits_start..)?;
    let before_is_digit = body[..digits_start].ends_with(|c: char| c.is_ascii_digit());
    if before_is_digit || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = digits.parse().ok()?;
    YEARS.contains(&y).then_some((y, digits_start))
}

fn parse_year(q: &Quantity) -> i32 {
    q.value.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(QKind, String, Option<String>, Option<String>)> {
        scan(text, 0, &Vocab::builtin())
            .into_iter()
            .map(|q| (q.kind, text[q.start..q.end].to_owned(), q.value, q.unit))
            .collect()
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn year_and_amount_are_not_double_counted() {
        assert_eq!(
            kinds("2026 年预算数 723.35 万元"),
            vec![
                (QKind::Year, "2026 年".into(), s("2026"), None),
                (QKind::Amount, "723.35 万元".into(), s("723.35"), s("万元")),
            ]
        );
    }

    #[test]
    fn separators_percent_count_and_context_years() {
        let k = kinds(
            "总预算 4,335.95 万元，比 2025 预算增长 28.4%，共有车辆1辆、3个项目，百分之 5，2.3 个百分点",
        );
        let got: Vec<_> = k
            .iter()
            .map(|(k, r, v, _)| (*k, r.as_str(), v.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (QKind::Amount, "4,335.95 万元", Some("4335.95")),
                (QKind::Year, "2025", Some("2025")),
                (QKind::Percent, "28.4%", Some("28.4")),
                (QKind::Count, "1辆", Some("1")),
                (QKind::Count, "3个", Some("3")),
                (QKind::Percent, "百分之 5", Some("5")),
                (QKind::Percent, "2.3 个百分点", Some("2.3")),
            ]
        );
    }

    #[test]
    fn malformed_numbers_keep_their_raw_text() {
        assert_eq!(
            kinds("增长 1.2.4%，"),
            vec![(QKind::Percent, "1.2.4%".into(), None, s("%"))]
        );
        assert_eq!(
            kinds("增加 12,45 万元"),
            vec![(QKind::Amount, "12,45 万元".into(), None, s("万元"))]
        );
    }

    #[test]
    fn unitless_numbers_are_not_figures() {
        assert!(kinds("10. 商业(1)截至12月31日，G5 万元").is_empty());
        assert_eq!(kinds("12025年").len(), 0);
        assert_eq!(kinds("3000年").len(), 0);
    }

    #[test]
    fn years_at_the_ends() {
        let v = Vocab::builtin();
        assert_eq!(
            leading_year("2026 年部门收支", &v),
            Some((2026, "2026 年".len()))
        );
        assert_eq!(leading_year("2025 预算", &v), None);
        assert_eq!(leading_year("预算2026年", &v), None);
        assert_eq!(leading_year("", &v), None);
        assert_eq!(
            trailing_year("行政运行（项）2026年", &v),
            Some((2026, "行政运行（项）".len()))
        );
        assert_eq!(
            trailing_year("行政运行（项） 2026 年度", &v).map(|y| y.0),
            Some(2026)
        );
        assert_eq!(trailing_year("12026年", &v), None);
        assert_eq!(trailing_year("年", &v), None);
    }

    /// Every `\d` is numeric, and no char of U+4000–U+9FFF is: the skips of `find_number` are sound.
    #[test]
    fn digits_are_numeric_and_ideographs_are_not() {
        let digit = Regex::new(r"^\d$").expect("regex");
        let mut buf = [0u8; 4];
        for c in ('\0'..=char::MAX).filter(|c| !c.is_ascii()) {
            if ('\u{4000}'..='\u{9FFF}').contains(&c) {
                assert!(!c.is_numeric(), "{c}");
            }
            assert!(
                c.is_numeric() || !digit.is_match(c.encode_utf8(&mut buf)),
                "{c}"
            );
        }
    }

    proptest::proptest! {
        /// The hand reading finds what the regex finds.
        #[test]
        fn find_number_agrees_with_the_regex(
            text in "[0-9,.a 年万元%０-９①½\u{0660}-\u{0669}\n]{0,16}",
            from in 0usize..20,
        ) {
            let from = text.char_indices().map(|(i, _)| i).nth(from).unwrap_or(text.len());
            proptest::prop_assert_eq!(find_number(&text, from), regex_number(&text, from));
        }
    }

    #[test]
    fn find_number_edge_cases() {
        for (text, want) in [
            ("", None),
            ("预算4,335.95万元", Some((6, 14))),
            ("1.", Some((0, 1))),
            ("a1,2,", Some((1, 4))),
            ("中１2", Some((3, 7))),
            ("12３", Some((0, 5))),
            ("①5", Some((3, 4))),
        ] {
            assert_eq!(find_number(text, 0), want, "{text}");
            assert_eq!(regex_number(text, 0), want, "{text}");
        }
    }

    #[test]
    fn scanning_starts_on_a_char_boundary() {
        let v = Vocab::builtin();
        assert_eq!(scan("中5万元", 1, &v).len(), 1);
        assert!(scan("", 9, &v).is_empty());
    }
}
