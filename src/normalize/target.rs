//! Target and quantity cells of the performance forms (表11, 表12-n), split into their parts.
//!
//! - [`parse_target`]: an indicator's target value → [`Target`]: comparator, number, unit
//!   (`≥6500 人` → `≥`, `6500`, `人`), or the text of a qualitative target (`提升`, `达成`);
//! - [`parse_quantity`]: an amount or count with its unit → [`Quantity`] (`30 万元` → `30`, `万元`).
//!
//! Both take one cell as printed (after the character repairs of `chars`) and return `None` only
//! for a cell that prints nothing (blank, `-`, `—`). Spaces between the parts carry no meaning (the
//! same target is printed `≥6500人` and `≥ 6500 人`), so they are dropped. A cell whose tail after
//! the number is not a plausible unit (`489条线路、3条互联网出口`) keeps no number: reading a
//! number out of prose would be a guess.

use crate::model::{Quantity, Target};
use crate::normalize::number::{
    Reading, canonical_amount, is_amount, is_blank_mark, looks_numeric, read_amount,
};

/// Comparators as printed → as reported. ASCII pairs come first so `>=` is not read as `>` then `=`.
const COMPARATORS: &[(&str, &str)] = &[
    (">=", "≥"),
    ("<=", "≤"),
    ("≥", "≥"),
    ("≤", "≤"),
    ("≧", "≥"),
    ("≦", "≤"),
    ("≠", "≠"),
    ("=", "="),
    (">", ">"),
    ("<", "<"),
];

/// Longest unit accepted, in characters (`个工作日`, `万人次`); a longer tail is prose.
const MAX_UNIT_CHARS: usize = 8;

/// Splits a target cell: `≥ 6500 人` → comparator `≥`, value `6500`, unit `人`; `提升` → text
/// `提升`; `-` → `None`. ASCII `>=`/`<=` (and `≧`/`≦`) are reported as `≥`/`≤`.
pub fn parse_target(raw: &str) -> Option<Target> {
    let t = raw.trim();
    if is_blank_mark(t) {
        return None;
    }
    let (comparator, rest) = split_comparator(t);
    let mut target = Target {
        raw: t.to_owned(),
        comparator: comparator.map(str::to_owned),
        value: None,
        unit: None,
        text: None,
    };
    match number_and_unit(rest) {
        Some((value, unit)) => {
            target.value = Some(value);
            target.unit = unit;
        }
        // A comparator with words (`≥良好`): keep the comparator, the words are the target.
        None if comparator.is_some() && !rest.is_empty() => target.text = Some(rest.to_owned()),
        // Qualitative (`达成`), or something that only looks like a number; either way, as printed.
        None => {
            target.comparator = None;
            target.text = Some(t.to_owned());
        }
    }
    Some(target)
}

/// Whether [`parse_target`] reads `raw` as a number or with a comparator (its `value` or
/// `comparator` set), decided without building the target: most cells of an indicator grid are
/// names, read only to be rejected.
pub fn is_quantitative(raw: &str) -> bool {
    let t = raw.trim();
    if is_blank_mark(t) || !t.starts_with(can_open_quantitative) {
        return false;
    }
    let (comparator, rest) = split_comparator(t);
    split_number(rest).is_some_and(|(_, tail)| is_unit(tail))
        || (comparator.is_some() && !rest.is_empty())
}

/// Whether a cell opening with `c` may be quantitative: a number opens with a digit or a sign
/// (`.5` and `,5` are no amounts), a comparator with one of its first chars. Most grid cells are
/// names, turned away here without trying every comparator and reading a number.
fn can_open_quantitative(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(c, '+' | '-')
        || COMPARATORS
            .iter()
            .any(|(printed, _)| printed.starts_with(c))
}

/// Splits a quantity cell: `30 万元` → `30` + `万元`; `53.9%` → `53.9` + `%`; `1272.07` → no unit;
/// `4,33 5.95` (a number broken by extraction) → `4335.95`. A cell that is not one number with a
/// unit keeps its raw text only (`489条线路、3条互联网出口`).
pub fn parse_quantity(raw: &str) -> Option<Quantity> {
    let t = raw.trim();
    if is_blank_mark(t) {
        return None;
    }
    let mut q = Quantity {
        raw: t.to_owned(),
        value: None,
        unit: None,
    };
    if looks_numeric(t)
        && let Reading::Amount { text, .. } = read_amount(t, None)
    {
        q.value = Some(text);
    } else if let Some((value, unit)) = number_and_unit(t) {
        q.value = Some(value);
        q.unit = unit;
    }
    Some(q)
}

/// A leading comparator and the rest of the cell, trimmed.
fn split_comparator(s: &str) -> (Option<&'static str>, &str) {
    for (printed, reported) in COMPARATORS {
        if let Some(rest) = s.strip_prefix(printed) {
            return (Some(reported), rest.trim());
        }
    }
    (None, s.trim())
}

/// The whole of `s` read as a number and an optional unit, or `None` if it is not that shape.
fn number_and_unit(s: &str) -> Option<(String, Option<String>)> {
    let (number, rest) = split_number(s)?;
    let unit = unit_of(rest)?;
    Some((canonical_amount(number)?, unit))
}

/// A number at the start of `s` (sign, digits, thousands commas, decimals), as printed, and the rest.
fn split_number(s: &str) -> Option<(&str, &str)> {
    let signed = s.starts_with(['-', '+']) && s[1..].starts_with(|c: char| c.is_ascii_digit());
    let start = usize::from(signed);
    let len = s[start..]
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(s.len() - start);
    let mut end = start + len;
    // `1.一般…` or `3,` : a trailing point or comma is punctuation, not part of the number.
    while end > start && s[..end].ends_with(['.', ',']) {
        end -= 1;
    }
    if end == start || !is_amount(&s[..end]) {
        return None;
    }
    Some(s.split_at(end))
}

/// The unit after a number: `None` inside `Some` for no unit, outer `None` when the tail is not a
/// unit (holds digits or punctuation, or is too long to be one).
fn unit_of(rest: &str) -> Option<Option<String>> {
    if !is_unit(rest) {
        return None;
    }
    // Units are short words; a space inside one is a wrap (`万 元`).
    let unit: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    Some((!unit.is_empty()).then_some(unit))
}

/// Whether the tail after a number is a plausible unit (or nothing): at most [`MAX_UNIT_CHARS`]
/// characters besides spaces, none of them a digit or punctuation.
fn is_unit(rest: &str) -> bool {
    let mut chars = rest.chars().filter(|c| !c.is_whitespace());
    chars
        .by_ref()
        .take(MAX_UNIT_CHARS)
        .all(|c| !is_not_unit_char(c))
        && chars.next().is_none()
}

fn is_not_unit_char(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '、' | '，'
                | ','
                | '。'
                | '.'
                | ';'
                | '；'
                | ':'
                | '：'
                | '!'
                | '！'
                | '?'
                | '？'
                | '"'
                | '\''
                | '“'
                | '”'
                | '‘'
                | '’'
                | '('
                | ')'
                | '（'
                | '）'
                | '['
                | ']'
                | '【'
                | '】'
                | '《'
                | '》'
                | '<'
                | '>'
                | '='
                | '≥'
                | '≤'
                | '~'
                | '～'
                | '-'
                | '—'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (comparator, value, unit, text) of a target, or `None` for a blank cell.
    type Parts = Option<(
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    )>;

    fn parts(raw: &str) -> Parts {
        parse_target(raw).map(|t| (t.comparator, t.value, t.unit, t.text))
    }

    fn num(c: Option<&str>, v: &str, u: Option<&str>) -> Parts {
        Some((c.map(Into::into), Some(v.into()), u.map(Into::into), None))
    }

    fn text(t: &str) -> Parts {
        Some((None, None, None, Some(t.into())))
    }

    #[test]
    fn comparator_number_unit() {
        assert_eq!(parts("≥6500 人"), num(Some("≥"), "6500", Some("人")));
        assert_eq!(parts("≥ 6500 人"), num(Some("≥"), "6500", Some("人")));
        assert_eq!(parts("≤910.02万元"), num(Some("≤"), "910.02", Some("万元")));
        assert_eq!(parts("≤ 24 小时"), num(Some("≤"), "24", Some("小时")));
        assert_eq!(parts("=100%"), num(Some("="), "100", Some("%")));
        assert_eq!(parts("> 3 次"), num(Some(">"), "3", Some("次")));
        assert_eq!(parts("<1%"), num(Some("<"), "1", Some("%")));
    }

    #[test]
    fn no_comparator() {
        assert_eq!(parts("20 家"), num(None, "20", Some("家")));
        assert_eq!(parts("90亿元"), num(None, "90", Some("亿元")));
        assert_eq!(parts("100%"), num(None, "100", Some("%")));
        assert_eq!(parts("12份"), num(None, "12", Some("份")));
    }

    #[test]
    fn bare_numbers() {
        assert_eq!(parts("0"), num(None, "0", None));
        assert_eq!(parts("145"), num(None, "145", None));
        assert_eq!(parts("78.4"), num(None, "78.4", None));
        assert_eq!(parts("1,200"), num(None, "1200", None));
    }

    #[test]
    fn decimals_keep_their_printed_precision() {
        assert_eq!(parts("≥4.0亿"), num(Some("≥"), "4.0", Some("亿")));
        assert_eq!(parts("≥95.50%"), num(Some("≥"), "95.50", Some("%")));
    }

    #[test]
    fn latin_units() {
        assert_eq!(parts("≥2G"), num(Some("≥"), "2", Some("G")));
        assert_eq!(parts("≥ 100 Mbps"), num(Some("≥"), "100", Some("Mbps")));
    }

    #[test]
    fn ascii_comparators_are_reported_as_signs() {
        assert_eq!(parts(">=95%"), num(Some("≥"), "95", Some("%")));
        assert_eq!(parts("<= 12 小时"), num(Some("≤"), "12", Some("小时")));
        assert_eq!(parts("≧2 级"), num(Some("≥"), "2", Some("级")));
    }

    #[test]
    fn qualitative_targets_are_text() {
        for w in ["提升", "达成", "可用", "年度更新", "完成", "显著提升"] {
            assert_eq!(parts(w), text(w), "{w}");
        }
    }

    #[test]
    fn comparator_with_words() {
        assert_eq!(
            parts("≥良好"),
            Some((Some("≥".into()), None, None, Some("良好".into())))
        );
    }

    #[test]
    fn blanks_are_none() {
        for b in ["", " ", "-", "—", "/", "－"] {
            assert_eq!(parse_target(b), None, "{b:?}");
        }
    }

    #[test]
    fn prose_is_not_a_number() {
        assert_eq!(parts("1、推动全区营商环境"), text("1、推动全区营商环境"));
        assert_eq!(
            parts("2024 年 910.02 万元; 2025 年"),
            text("2024 年 910.02 万元; 2025 年")
        );
        assert_eq!(parts("2-3 次"), text("2-3 次"));
        assert_eq!(parts("12a34"), text("12a34"));
    }

    #[test]
    fn raw_is_the_trimmed_cell() {
        let t = parse_target("  ≥ 6500 人 ").unwrap();
        assert_eq!(t.raw, "≥ 6500 人");
    }

    #[test]
    fn negative_numbers() {
        assert_eq!(parts("-5%"), num(None, "-5", Some("%")));
        assert_eq!(parts("≥-1"), num(Some("≥"), "-1", None));
    }

    fn qty(raw: &str) -> Option<(Option<String>, Option<String>)> {
        parse_quantity(raw).map(|q| (q.value, q.unit))
    }

    fn q(v: Option<&str>, u: Option<&str>) -> Option<(Option<String>, Option<String>)> {
        Some((v.map(Into::into), u.map(Into::into)))
    }

    #[test]
    fn quantities() {
        assert_eq!(qty("30 万元"), q(Some("30"), Some("万元")));
        assert_eq!(qty("30万元"), q(Some("30"), Some("万元")));
        assert_eq!(qty("910.02 万元"), q(Some("910.02"), Some("万元")));
        assert_eq!(qty("53.9%"), q(Some("53.9"), Some("%")));
        assert_eq!(qty("1272.07"), q(Some("1272.07"), None));
        assert_eq!(qty("4,335.95"), q(Some("4335.95"), None));
        assert_eq!(qty("1项"), q(Some("1"), Some("项")));
        assert_eq!(qty("3套系统"), q(Some("3"), Some("套系统")));
    }

    #[test]
    fn broken_numbers_rejoin() {
        assert_eq!(qty("4,33 5.95"), q(Some("4335.95"), None));
    }

    #[test]
    fn quantities_that_are_not_one_number() {
        assert_eq!(qty("489条线路、3条互联网出口"), q(None, None));
        assert_eq!(qty("1.一般公共预算财政拨款"), q(None, None));
        assert_eq!(qty("合计"), q(None, None));
        assert_eq!(
            parse_quantity("489条线路、3条互联网出口").unwrap().raw,
            "489条线路、3条互联网出口"
        );
    }

    #[test]
    fn blank_quantities_are_none() {
        assert_eq!(parse_quantity(""), None);
        assert_eq!(parse_quantity("-"), None);
    }

    /// The punctuation test as it was written first, over a string of the marks.
    #[test]
    fn unit_chars_match_the_mark_list() {
        let marks = "、，,。.;；:：!！?？\"'“”‘’()（）[]【】《》<>=≥≤~～-—";
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(
                is_not_unit_char(c),
                c.is_ascii_digit() || marks.contains(c),
                "{c:?}"
            );
        }
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn comparator() -> impl Strategy<Value = (&'static str, Option<&'static str>)> {
            prop::sample::select(vec![
                ("", None),
                ("≥", Some("≥")),
                ("≤", Some("≤")),
                ("=", Some("=")),
                (">", Some(">")),
                ("<", Some("<")),
                (">=", Some("≥")),
                ("<=", Some("≤")),
            ])
        }

        fn unit() -> impl Strategy<Value = &'static str> {
            prop::sample::select(vec![
                "",
                "%",
                "人",
                "家",
                "万元",
                "亿元",
                "小时",
                "G",
                "个",
                "次",
                "人次",
                "个工作日",
            ])
        }

        fn spaces() -> impl Strategy<Value = String> {
            (0usize..3).prop_map(|n| " ".repeat(n))
        }

        proptest! {
            /// Any comparator + number + unit, printed with or without spaces between the parts,
            /// splits into the same parts.
            #[test]
            fn spacing_does_not_change_the_parts(
                (printed_cmp, cmp) in comparator(),
                int in 0u64..1_000_000,
                frac in prop::option::of(0u32..100),
                unit in unit(),
                (s0, s1, s2, s3) in (spaces(), spaces(), spaces(), spaces()),
            ) {
                let number = match frac {
                    Some(f) => format!("{int}.{f:02}"),
                    None => int.to_string(),
                };
                let cell = format!("{s0}{printed_cmp}{s1}{number}{s2}{unit}{s3}");
                let t = parse_target(&cell);
                prop_assert!(t.is_some(), "{:?} read as blank", cell);
                let t = t.unwrap();
                prop_assert_eq!(t.comparator.as_deref(), cmp, "comparator of {:?}", &cell);
                prop_assert_eq!(t.value.as_deref(), Some(number.as_str()), "value of {:?}", &cell);
                prop_assert_eq!(t.unit.as_deref(), (!unit.is_empty()).then_some(unit), "unit of {:?}", &cell);
                prop_assert_eq!(t.text, None);
            }

            /// [`is_quantitative`] says what [`parse_target`] finds, on cells built from the
            /// characters targets print, and on any text.
            #[test]
            fn quantitative_matches_parse_target(
                s in prop_oneof![
                    "[ ≥≤>=<≧≦≠0-9.,+\\-%万元人个工作日、：a]{0,14}",
                    "\\PC{0,12}",
                ]
            ) {
                let parsed = parse_target(&s)
                    .is_some_and(|t| t.value.is_some() || t.comparator.is_some());
                prop_assert_eq!(is_quantitative(&s), parsed, "{:?}", &s);
            }

            /// Whatever a cell holds, reading it never panics, and a number read back is canonical.
            #[test]
            fn any_text_reads_without_panic(s in "\\PC{0,12}") {
                if let Some(t) = parse_target(&s)
                    && let Some(v) = &t.value
                {
                    prop_assert_eq!(canonical_amount(v), Some(v.clone()));
                }
                let _ = parse_quantity(&s);
            }
        }
    }
}
