//! Repairs of single table cells: amounts and codes broken by text extraction.
//!
//! Narrow PDF cells wrap their text, and extraction turns the wrap into a space: `4,33 5.95`,
//! `870. 80`, `0. 0 0`, or a code `3280 01`. A cell is one value, so the spaces carry no meaning and
//! are dropped — but only when the result is one well-formed number (thousands groups of three, one
//! decimal point) or a code of a length the code system allows. Anything else is [`Reading::Unreadable`]:
//! it stays as printed and is reported, never guessed.

use crate::normalize::cells::has_whitespace;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::str::FromStr;

/// How a cell reads as an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// No amount printed (blank, `-`, `—`).
    Empty,
    /// A well-formed amount; `text` is the canonical form (no separators, decimals as printed).
    Amount {
        text: String,
        /// The repair rule applied, if the printed cell was broken.
        repair: Option<&'static str>,
    },
    /// No single sound reading.
    Unreadable,
}

/// Rule names recorded in the repair log.
pub const SPLIT_NUMBER: &str = "split_number";
pub const STRAY_ZERO: &str = "stray_trailing_zero";
pub const SPLIT_CODE: &str = "split_code";
pub const PAREN_NEGATIVE: &str = "parenthesized_negative";
pub const FULL_WIDTH_COMMA: &str = "full_width";

/// True for the marks that stand for "nothing printed" in a cell.
pub fn is_blank_mark(s: &str) -> bool {
    is_blank_text(s.trim())
}

/// [`is_blank_mark`] for a trimmed cell.
fn is_blank_text(t: &str) -> bool {
    matches!(t, "" | "-" | "—" | "——" | "－" | "–" | "/" | "…")
}

/// Reads a cell as an amount. `decimals` is the precision the table prints (2 for 万元 tables); a
/// broken cell with extra trailing zeros beyond it (`0. 0 00`) reads as the same number at that
/// precision, since zeros cannot change the value; extra non-zero digits make the cell unreadable.
pub fn read_amount(raw: &str, decimals: Option<u32>) -> Reading {
    let trimmed = raw.trim();
    if is_blank_text(trimmed) {
        return Reading::Empty;
    }
    let had_spaces = has_whitespace(trimmed);
    // A full-width comma between digits is a thousands separator (`4，335.95`).
    let full_width_comma = !trimmed.is_ascii() && trimmed.contains('，');
    // Most cells are printed clean: read them in place rather than rebuilding them.
    let mut joined: Cow<'_, str> = if had_spaces || full_width_comma {
        Cow::Owned(
            trimmed
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| if c == '，' { ',' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(trimmed)
    };
    let mut repair = if had_spaces {
        Some(SPLIT_NUMBER)
    } else {
        full_width_comma.then_some(FULL_WIDTH_COMMA)
    };
    if let Some(inner) = joined.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        joined = Cow::Owned(format!("-{inner}"));
        repair = Some(repair.unwrap_or(PAREN_NEGATIVE));
    }
    let Some((sign, int, frac)) = amount_parts(&joined) else {
        return Reading::Unreadable;
    };
    let mut text = amount_text(sign, int, frac);
    if let Some(want) = decimals {
        let have = frac.map_or(0, |f| f.len() as u32);
        if have > want {
            // Only a cell that was broken may carry a stray digit, and only zeros are sound to drop.
            let cut = text.len() - (have - want) as usize;
            let (keep, extra) = text.split_at(cut);
            if had_spaces && extra.bytes().all(|b| b == b'0') {
                text = keep.trim_end_matches('.').to_owned();
                repair = Some(STRAY_ZERO);
            } else if had_spaces {
                return Reading::Unreadable;
            }
        }
    }
    Reading::Amount { text, repair }
}

/// `4,335.95` → `4335.95`; `-12` → `-12`. None unless the whole string is one number whose
/// thousands separators (if any) group the integer part in threes.
pub fn canonical_amount(s: &str) -> Option<String> {
    let (sign, int, frac) = amount_parts(s)?;
    Some(amount_text(sign, int, frac))
}

/// The canonical text of an amount from its [`amount_parts`]: separators dropped.
fn amount_text(sign: &str, int: &str, frac: Option<&str>) -> String {
    let mut out = String::with_capacity(sign.len() + int.len() + frac.map_or(0, |f| f.len() + 1));
    out.push_str(sign);
    for group in int.split(',') {
        out.push_str(group);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Whether `s` is one amount: [`canonical_amount`] reads it.
pub fn is_amount(s: &str) -> bool {
    amount_parts(s).is_some()
}

/// How many decimals the amount `s` prints, if it is one (`4,335.95` → 2, `12` → 0).
pub fn amount_decimals(s: &str) -> Option<usize> {
    amount_parts(s).map(|(_, _, frac)| frac.map_or(0, str::len))
}

/// An amount's sign (`-` or empty), integer part (separators in) and decimals, if `s` is one.
fn amount_parts(s: &str) -> Option<(&'static str, &str, Option<&str>)> {
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    valid_integer_part(int).then_some((sign, int, frac))
}

fn valid_integer_part(int: &str) -> bool {
    if int.is_empty() {
        return false;
    }
    if !int.contains(',') {
        return int.bytes().all(|b| b.is_ascii_digit());
    }
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// How many 元 one money unit is (`万元` → 10,000); None for a unit that is not money.
pub fn unit_factor(unit: &str) -> Option<Decimal> {
    match unit {
        "元" => Some(Decimal::ONE),
        "千元" => Some(Decimal::from(1_000)),
        "万元" => Some(Decimal::from(10_000)),
        "亿元" => Some(Decimal::from(100_000_000)),
        _ => None,
    }
}

/// Parses a canonical amount as an exact decimal.
pub fn to_decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str(text).ok()
}

/// How a cell reads as a hierarchical code (功能/经济分类 科目, unit code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeReading {
    Empty,
    Code { code: String, repaired: bool },
    Unreadable,
}

/// Reads a code cell: digits only once spaces are dropped, and of a length in `allowed`
/// (empty `allowed` means any length). `3280 01` → `328001` when 6 is allowed.
pub fn read_code(raw: &str, allowed: &[usize]) -> CodeReading {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return CodeReading::Empty;
    }
    let joined: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    let ok_len = allowed.is_empty() || allowed.contains(&joined.len());
    if joined.bytes().all(|b| b.is_ascii_digit()) && ok_len {
        CodeReading::Code {
            repaired: joined.len() != trimmed.len(),
            code: joined,
        }
    } else {
        CodeReading::Unreadable
    }
}

/// True when the cell looks like it is meant to be a number (so a header or label cell is not
/// mistaken for a broken amount): digits, separators, spaces and sign only, with a digit.
pub fn looks_numeric(raw: &str) -> bool {
    let t = raw.trim();
    t.bytes().any(|b| b.is_ascii_digit())
        && t.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(c, ',' | '，' | '.' | '-' | '+' | '(' | ')')
                || c.is_whitespace()
        })
}

/// `c.is_numeric()`, answered without the Unicode tables for ideographs and the punctuation prose
/// is full of (general punctuation, CJK symbols and punctuation, full-width forms other than
/// digits): the prose readers ask it of most characters they pass.
pub fn is_numeric(c: char) -> bool {
    match c {
        '\u{2000}'..='\u{206F}'
        | '\u{3000}'..='\u{3006}'
        | '\u{3008}'..='\u{3020}'
        | '\u{4000}'..='\u{9FFF}'
        | '\u{FF00}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FFEF}' => false,
        _ => c.is_numeric(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_numeric_is_chars_is_numeric() {
        for c in '\0'..=char::MAX {
            assert_eq!(is_numeric(c), c.is_numeric(), "{c:?}");
        }
    }

    fn amount(raw: &str) -> String {
        match read_amount(raw, Some(2)) {
            Reading::Amount { text, repair } => format!("{text} {}", repair.unwrap_or("-")),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn clean_amounts_lose_only_separators() {
        assert_eq!(amount("4,335.95"), "4335.95 -");
        assert_eq!(amount("0.00"), "0.00 -");
        assert_eq!(amount("1670.54"), "1670.54 -");
        assert_eq!(amount("-12.50"), "-12.50 -");
        assert_eq!(amount("1,234,567.89"), "1234567.89 -");
    }

    #[test]
    fn split_numbers_rejoin() {
        assert_eq!(amount("4,33 5.95"), "4335.95 split_number");
        assert_eq!(amount("870. 80"), "870.80 split_number");
        assert_eq!(amount("0. 0 0"), "0.00 split_number");
        assert_eq!(amount(" 3,46 5.15 "), "3465.15 split_number");
    }

    #[test]
    fn stray_zero_is_dropped_only_when_broken_and_zero() {
        assert_eq!(amount("0. 0 00"), "0.00 stray_trailing_zero");
        assert_eq!(amount("1. 2 30"), "1.23 stray_trailing_zero");
        assert_eq!(amount("1. 2 34"), "Unreadable");
        // An unbroken cell keeps the precision it prints.
        assert_eq!(amount("0.000"), "0.000 -");
    }

    #[test]
    fn blanks_and_garbage() {
        assert_eq!(read_amount("", Some(2)), Reading::Empty);
        assert_eq!(read_amount(" — ", Some(2)), Reading::Empty);
        assert_eq!(read_amount("-", Some(2)), Reading::Empty);
        assert_eq!(amount("43,35.95"), "Unreadable");
        assert_eq!(amount("1.2.4"), "Unreadable");
        assert_eq!(amount("4,335.95 12.00"), "Unreadable");
        assert_eq!(amount("12a"), "Unreadable");
        assert_eq!(amount("."), "Unreadable");
        assert_eq!(amount("(12.00)"), "-12.00 parenthesized_negative");
        assert_eq!(amount("4，335.95"), "4335.95 full_width");
        assert_eq!(amount("43，35.95"), "Unreadable");
    }

    #[test]
    fn codes() {
        let fun = [3, 5, 7];
        assert_eq!(
            read_code("3280 01", &[3, 6]),
            CodeReading::Code {
                code: "328001".into(),
                repaired: true
            }
        );
        assert_eq!(
            read_code("2060101", &fun),
            CodeReading::Code {
                code: "2060101".into(),
                repaired: false
            }
        );
        assert_eq!(read_code("206 010", &fun), CodeReading::Unreadable);
        assert_eq!(read_code("20a", &fun), CodeReading::Unreadable);
        assert_eq!(read_code(" ", &fun), CodeReading::Empty);
    }

    #[test]
    fn numeric_look() {
        assert!(looks_numeric("4,33 5.95"));
        assert!(!looks_numeric("合 计"));
        assert!(!looks_numeric("-"));
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn with_separators(int: u64) -> String {
            let digits = int.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
            out
        }

        proptest! {
            /// Any amount, printed with or without thousands separators and broken by spaces
            /// anywhere inside its cell, repairs to the same value.
            #[test]
            fn broken_amounts_repair_to_the_same_value(
                int in 0u64..10_000_000_000,
                cents in 0u32..100,
                separators in any::<bool>(),
                negative in any::<bool>(),
                breaks in proptest::collection::vec((any::<prop::sample::Index>(), 1usize..3), 0..4),
            ) {
                let sign = if negative { "-" } else { "" };
                let int_part = if separators { with_separators(int) } else { int.to_string() };
                let printed = format!("{sign}{int_part}.{cents:02}");
                let expected = format!("{sign}{int}.{cents:02}");
                let mut chars: Vec<char> = printed.chars().collect();
                for (at, width) in &breaks {
                    let pos = at.index(chars.len() + 1);
                    for _ in 0..*width {
                        chars.insert(pos, ' ');
                    }
                }
                let cell: String = chars.into_iter().collect();
                match read_amount(&cell, Some(2)) {
                    Reading::Amount { text, repair } => {
                        prop_assert_eq!(&text, &expected);
                        prop_assert_eq!(to_decimal(&text), to_decimal(&expected));
                        prop_assert_eq!(repair.is_some(), cell.trim().contains(' '));
                    }
                    other => prop_assert!(false, "cell {:?} read as {:?}", cell, other),
                }
            }

            /// A cell that is not one number never reads as one, whatever spaces it holds.
            #[test]
            fn two_numbers_in_one_cell_are_never_merged(a in 1u32..100_000, b in 1u32..100_000) {
                let cell = format!("{a}.00 {b}.00");
                prop_assert_eq!(read_amount(&cell, Some(2)), Reading::Unreadable);
            }
        }
    }
}
