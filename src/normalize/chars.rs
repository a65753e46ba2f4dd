//! Character-level repairs applied to every line before parsing.
//!
//! - full-width digits, Latin letters and number punctuation (`２０２６`, `％`, `．`) become ASCII;
//!   Chinese punctuation that is normal in prose (`，。：（）`) is left alone;
//! - the ideographic space and no-break spaces become plain spaces;
//! - typesetting markup that leaked into cells is reduced to the text it stands for:
//!   `$\geq 2G$` → `≥2G`, `$=100\%$` → `=100%`, `<p>…</p>` → its text.
//!
//! Each change is logged as a [`Repair`] on its line.

use crate::model::{Loc, Repair};
use regex::Regex;
use std::sync::LazyLock;

pub const FULL_WIDTH: &str = "full_width";
pub const MARKUP: &str = "markup";
pub const ODD_SPACE: &str = "odd_space";

/// Repairs one line in place; returns the repairs made.
pub fn canonicalize_line(line_no: usize, text: &mut String, out: &mut Vec<Repair>) {
    fix_full_width(line_no, text, out);
    fix_markup(line_no, text, out);
    fix_spaces(line_no, text, out);
}

fn full_width_to_ascii(c: char) -> Option<char> {
    match c {
        '０'..='９'
        | 'Ａ'..='Ｚ'
        | 'ａ'..='ｚ'
        | '％'
        | '．'
        | '＋'
        | '－'
        | '／'
        | '＝'
        | '＜'
        | '＞' => char::from_u32(c as u32 - 0xFEE0),
        _ => None,
    }
}

/// True when `text` has a character [`full_width_to_ascii`] converts. Those are all U+FF05..U+FF5A,
/// whose UTF-8 starts with the byte 0xEF (a lead byte only, so each hit is a char boundary): only
/// the characters there are decoded, not every character of every line.
fn has_full_width(text: &str) -> bool {
    memchr::memchr_iter(0xEF, text.as_bytes()).any(|i| {
        text.get(i..)
            .and_then(|s| s.chars().next())
            .is_some_and(|c| full_width_to_ascii(c).is_some())
    })
}

fn fix_full_width(line_no: usize, text: &mut String, out: &mut Vec<Repair>) {
    if !has_full_width(text) {
        return;
    }
    // Log each maximal run of converted characters.
    let mut result = String::with_capacity(text.len());
    let mut run_raw = String::new();
    let mut run_new = String::new();
    let flush = |raw: &mut String, new: &mut String, out: &mut Vec<Repair>| {
        if !raw.is_empty() {
            out.push(repair(line_no, FULL_WIDTH, raw, new));
            raw.clear();
            new.clear();
        }
    };
    for c in text.chars() {
        match full_width_to_ascii(c) {
            Some(a) => {
                run_raw.push(c);
                run_new.push(a);
                result.push(a);
            }
            None => {
                flush(&mut run_raw, &mut run_new, out);
                result.push(c);
            }
        }
    }
    flush(&mut run_raw, &mut run_new, out);
    *text = result;
}

static LATEX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$([^$\n]{1,40})\$").expect("static regex"));
static HTML_P_BREAK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r" *</p> *<p> *").expect("static regex"));
static HTML_P: LazyLock<Regex> = LazyLock::new(|| Regex::new(r" *</?p> *").expect("static regex"));

fn latex_body(body: &str) -> String {
    let mut s = body
        .replace(r"\geq", "≥")
        .replace(r"\leq", "≤")
        .replace(r"\ge", "≥")
        .replace(r"\le", "≤")
        .replace(r"\neq", "≠")
        .replace(r"\%", "%")
        .replace(r"\times", "×");
    s.retain(|c| !c.is_whitespace() && c != '{' && c != '}');
    s
}

fn fix_markup(line_no: usize, text: &mut String, out: &mut Vec<Repair>) {
    if text.contains('$') {
        let mut changed = Vec::new();
        let new = LATEX.replace_all(text, |caps: &regex::Captures| {
            let body = latex_body(&caps[1]);
            changed.push((caps[0].to_owned(), body.clone()));
            body
        });
        if !changed.is_empty() {
            *text = new.into_owned();
            for (raw, body) in changed {
                out.push(repair(line_no, MARKUP, &raw, &body));
            }
        }
    }
    if text.contains('<') && (text.contains("<p>") || text.contains("</p>")) {
        let spaced = HTML_P_BREAK.replace_all(text, " ");
        let new = HTML_P.replace_all(&spaced, "").into_owned();
        out.push(repair(line_no, MARKUP, &excerpt(text), &excerpt(&new)));
        *text = new;
    }
}

/// True when `text` has an ideographic (U+3000, `E3 80 80`) or no-break (U+A0, `C2 A0`) space;
/// like [`has_full_width`], only the characters at those lead bytes are decoded.
fn has_odd_space(text: &str) -> bool {
    memchr::memchr2_iter(0xE3, 0xC2, text.as_bytes()).any(|i| {
        text.get(i..)
            .is_some_and(|s| s.starts_with(['\u{3000}', '\u{a0}']))
    })
}

fn fix_spaces(line_no: usize, text: &mut String, out: &mut Vec<Repair>) {
    if has_odd_space(text) {
        let count = text
            .chars()
            .filter(|c| matches!(c, '\u{3000}' | '\u{a0}'))
            .count();
        *text = text.replace(['\u{3000}', '\u{a0}'], " ");
        out.push(repair(
            line_no,
            ODD_SPACE,
            &format!("{count} ideographic/no-break space(s)"),
            "plain space",
        ));
    }
}

/// The first characters of a long text, for the repair log.
fn excerpt(s: &str) -> String {
    const MAX: usize = 40;
    let t = s.trim();
    match t.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &t[..cut]),
        None => t.to_owned(),
    }
}

fn repair(line_no: usize, rule: &'static str, raw: &str, repaired: &str) -> Repair {
    Repair {
        loc: Loc::line(line_no),
        rule,
        raw: raw.to_owned(),
        repaired: repaired.to_owned(),
        table: None,
        column: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> (String, Vec<(&'static str, String, String)>) {
        let mut text = s.to_owned();
        let mut out = Vec::new();
        canonicalize_line(7, &mut text, &mut out);
        (
            text,
            out.into_iter()
                .map(|r| (r.rule, r.raw, r.repaired))
                .collect(),
        )
    }

    #[test]
    fn full_width_digits_and_number_punctuation() {
        let (t, r) = run("２０２６年增长１２．５％，比上年");
        assert_eq!(t, "2026年增长12.5%，比上年");
        assert_eq!(r.len(), 2);
        assert_eq!(r[1], (FULL_WIDTH, "１２．５％".into(), "12.5%".into()));
    }

    #[test]
    fn latex_and_html() {
        assert_eq!(run(r"$\geq 2G$").0, "≥2G");
        assert_eq!(run(r"率	$=100\%$	计划").0, "率	=100%	计划");
        assert_eq!(run("<p>1.贯彻</p> <p>2.组织</p>").0, "1.贯彻 2.组织");
        assert!(run("无需修复").1.is_empty());
    }

    /// The byte-level tests find what a test of every character finds.
    #[test]
    fn quick_tests_agree_with_every_character() {
        let pieces = [
            "", "a", "中", "，", "（", "％", "５", "Ｚ", "ｚ", "～", "＿", "\u{3000}", "、",
            "\u{a0}", "·", "\u{ff04}", "\u{ff5b}", "\u{efff}",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let t = format!("{a}{b}{c}");
                    let full = t.chars().any(|c| full_width_to_ascii(c).is_some());
                    assert_eq!(has_full_width(&t), full, "{t:?}");
                    assert_eq!(
                        has_odd_space(&t),
                        t.contains(['\u{3000}', '\u{a0}']),
                        "{t:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn odd_spaces() {
        assert_eq!(run("合\u{3000}计").0, "合 计");
    }
}
