//! Text cells: splitting a line into cells, closing spaces that wrapping put between Chinese
//! characters (`合 计`, `全年开展安全生产培 训`), ordinals on row labels, and the folding used
//! when comparing document text with grammar words.

use std::borrow::Cow;

/// Rule name for a space removed between two CJK characters.
pub const CJK_SPACE: &str = "cjk_space";

/// Cells a table row usually has (code, name and a few amounts): the first allocation's size.
const ROW_CELLS: usize = 8;

/// Splits a table line into cells: on tabs when the line has any, otherwise on runs of two or more
/// spaces (layout-preserving extraction). Cells keep their inner single spaces.
pub fn split_cells(line: &str) -> Vec<&str> {
    let bytes = line.as_bytes();
    // One pass over the tabs: most table lines have a handful of cells, so a vector sized for
    // a row's usual count rarely grows (counting the tabs first was a second pass per line).
    let mut tabs = memchr::memchr_iter(b'\t', bytes).peekable();
    if tabs.peek().is_some() {
        let mut cells = Vec::with_capacity(ROW_CELLS);
        let mut start = 0;
        for i in tabs {
            cells.push(&line[start..i]);
            start = i + 1;
        }
        cells.push(&line[start..]);
        return cells;
    }
    let wide_space = memchr::memchr_iter(b' ', bytes).any(|i| bytes.get(i + 1) == Some(&b' '));
    if !wide_space {
        // Prose, or a one-cell line: nothing to split.
        return vec![line];
    }
    let mut cells = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b' ' && bytes.get(i + 1) == Some(&b' ') {
            cells.push(&line[start..i]);
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    cells.push(&line[start..]);
    cells
}

/// True for Han characters and CJK punctuation (the characters a wrap can split).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F
        | 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40)
        || matches!(c, '“' | '”' | '‘' | '’')
}

/// Removes whitespace runs that stand between two CJK characters: a wrap inside a narrow cell or
/// letter-spaced header words. Spaces next to digits or Latin text are kept (`2026 年`).
pub fn close_cjk_spaces(s: &str) -> Cow<'_, str> {
    let t = s.trim();
    if !has_whitespace(t) {
        return Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            let before = out.chars().next_back();
            let after = chars.peek().copied();
            let joinable =
                before.is_some_and(is_cjk_or_bracket) && after.is_some_and(is_cjk_or_bracket);
            if !joinable {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    if out == t {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(out)
    }
}

fn is_cjk_or_bracket(c: char) -> bool {
    is_cjk(c) || matches!(c, '(' | ')')
}

/// Folds text for comparison with grammar words: no whitespace, ASCII brackets, straight quotes.
pub fn fold(s: &str) -> String {
    // Folding never lengthens the text (spaces dropped, full-width marks become ASCII), so one
    // allocation of the input's length suffices; collecting a filtered iterator would otherwise
    // grow the string a character at a time (a measurable share of all time in `realloc`).
    let mut out = String::with_capacity(s.len());
    out.extend(folded_chars(s));
    out
}

/// [`fold`]`(s)`, borrowing `s` when folding would not change it (no whitespace, no mark to
/// fold) — the common case for table cells, so lookups need not allocate.
pub fn fold_cow(s: &str) -> Cow<'_, str> {
    if folds(s) {
        Cow::Owned(fold(s))
    } else {
        Cow::Borrowed(s)
    }
}

/// Whether [`fold`] changes `s`: it holds whitespace or a mark [`fold_char`] maps.
pub fn folds(s: &str) -> bool {
    // The marks folded are `“”‘’` (first byte 0xE2) and full-width forms (0xEF).
    any_char_led_by(
        s,
        |b| may_be_space(b) || matches!(b, 0xE2 | 0xEF),
        |c| c.is_whitespace() || fold_char(c) != c,
    )
}

/// Whether `s` holds a whitespace character (`s.contains(char::is_whitespace)`).
pub fn has_whitespace(s: &str) -> bool {
    any_char_led_by(s, may_be_space, char::is_whitespace)
}

/// Whether a character starting with byte `b` may be whitespace: ASCII whitespace, or the first
/// byte of U+0085 and U+00A0 (0xC2), U+1680 (0xE1), U+2000–U+205F (0xE2), U+3000 (0xE3).
fn may_be_space(b: u8) -> bool {
    matches!(
        b,
        b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3
    )
}

/// Whether a character of `s` satisfies `pred`, decoding only the characters whose first byte
/// passes `lead`: Chinese text is mostly characters that cannot match, and testing a byte is far
/// cheaper than decoding a character and looking it up in the Unicode tables.
fn any_char_led_by(s: &str, lead: impl Fn(u8) -> bool, pred: impl Fn(char) -> bool) -> bool {
    s.bytes().enumerate().any(|(i, b)| {
        lead(b)
            && s.get(i..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(&pred)
    })
}

/// One character as [`fold`] sees it.
pub fn fold_char(c: char) -> char {
    match c {
        '（' => '(',
        '）' => ')',
        '“' | '”' | '＂' => '"',
        '‘' | '’' => '\'',
        '：' => ':',
        _ => c,
    }
}

/// The characters [`fold_char`] changes (kept in step with it by a test).
const FOLD_SOURCES: &[char] = &['（', '）', '“', '”', '＂', '‘', '’', '：'];

/// The characters that [`folded_chars`] turns into `c`: `c` itself, and the marks folded to it.
pub fn fold_preimages(c: char) -> impl Iterator<Item = char> {
    std::iter::once(c)
        .chain(FOLD_SOURCES.iter().copied())
        .filter(move |&x| !x.is_whitespace() && fold_char(x) == c)
}

/// The characters of [`fold`]`(s)`, without allocating.
pub fn folded_chars(s: &str) -> impl Iterator<Item = char> + Clone + '_ {
    s.chars().filter(|c| !c.is_whitespace()).map(fold_char)
}

/// `fold(a) == fold(b)`, without allocating.
pub fn fold_eq(a: &str, b: &str) -> bool {
    folded_chars(a).eq(folded_chars(b))
}

/// The Chinese numerals an ordinal is written in.
pub(crate) fn is_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '廿'
            | '卅'
            | '百'
            | '零'
            | '〇'
    )
}

/// The length in bytes of the run of numerals `s` opens with.
fn numeral_run(s: &str) -> usize {
    s.char_indices()
        .find(|&(_, c)| !is_numeral(c))
        .map_or(s.len(), |(i, _)| i)
}

/// Splits a leading ordinal off a row label: `一、一般公共预算拨款收入` → (`一`, `一般公共…`),
/// `（一）一般公共预算拨款` → (`（一）`, …).
pub fn split_ordinal(label: &str) -> (Option<String>, &str) {
    let t = label.trim();
    // 一、 / 十二、
    let (lead, rest) = t.split_at(numeral_run(t));
    if !lead.is_empty()
        && let Some(r) = rest.strip_prefix('、').or_else(|| rest.strip_prefix('.'))
    {
        return (Some(lead.to_owned()), r.trim_start());
    }
    // （一） / (一)
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(r) = t.strip_prefix(open) {
            let (inner, after) = r.split_at(numeral_run(r));
            if !inner.is_empty()
                && let Some(after) = after.strip_prefix(close)
            {
                return (Some(format!("（{inner}）")), after.trim_start());
            }
        }
    }
    (None, t)
}

/// [`split_ordinal`] for a table row's label, which may also number its lines in digits
/// (`1. 一般公共预算资金`, `2、政府性基金`): the ordinal is then the number (`1`).
pub fn split_row_ordinal(label: &str) -> (Option<String>, &str) {
    let (ordinal, rest) = split_ordinal(label);
    if ordinal.is_some() {
        return (ordinal, rest);
    }
    let t = label.trim();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        let after = &t[digits..];
        for mark in ['.', '、', '．'] {
            if let Some(r) = after.strip_prefix(mark)
                && !r.starts_with(|c: char| c.is_ascii_digit())
            {
                return (Some(t[..digits].to_owned()), r.trim_start());
            }
        }
    }
    (None, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_sources_are_the_characters_fold_changes() {
        assert!(FOLD_SOURCES.iter().all(|&c| fold_char(c) != c));
        for c in ('\0'..=char::MAX).filter(|&c| fold_char(c) != c) {
            assert!(FOLD_SOURCES.contains(&c), "{c}");
        }
    }

    #[test]
    fn row_ordinals_in_digits() {
        assert_eq!(
            split_row_ordinal("1. 一般公共预算资金"),
            (Some("1".into()), "一般公共预算资金")
        );
        assert_eq!(
            split_row_ordinal("2、政府性基金"),
            (Some("2".into()), "政府性基金")
        );
        assert_eq!(
            split_row_ordinal("一、财政拨款收入").0.as_deref(),
            Some("一")
        );
        // A number is not an ordinal: `1.5万元`, `2024年`.
        assert_eq!(split_row_ordinal("1.5万元").0, None);
        assert_eq!(split_row_ordinal("2024年预算").0, None);
        assert_eq!(split_row_ordinal("行政运行").0, None);
    }

    #[test]
    fn splits_on_tabs_or_wide_spaces() {
        assert_eq!(split_cells("a\t\tb c\t"), vec!["a", "", "b c", ""]);
        assert_eq!(
            split_cells("合计   4,33 5.95  0.00"),
            vec!["合计", "4,33 5.95", "0.00"]
        );
    }

    #[test]
    fn closes_wrap_spaces_between_cjk_only() {
        assert_eq!(close_cjk_spaces("合 计"), "合计");
        assert_eq!(close_cjk_spaces("收 入 总 计"), "收入总计");
        assert_eq!(close_cjk_spaces("部门 (单 位) 代码"), "部门(单位)代码");
        assert_eq!(
            close_cjk_spaces("全年开展安全生产培 训"),
            "全年开展安全生产培训"
        );
        assert_eq!(close_cjk_spaces("2026 年"), "2026 年");
        assert_eq!(close_cjk_spaces("≥ 6500 人"), "≥ 6500 人");
        assert!(matches!(close_cjk_spaces("行政运行"), Cow::Borrowed(_)));
    }

    #[test]
    fn ordinals() {
        assert_eq!(
            split_ordinal("一、一般公共预算拨款收入"),
            (Some("一".into()), "一般公共预算拨款收入")
        );
        assert_eq!(
            split_ordinal("廿一、灾害防治及应急管理支出"),
            (Some("廿一".into()), "灾害防治及应急管理支出")
        );
        assert_eq!(
            split_ordinal("（十四）商业服务业等支出"),
            (Some("（十四）".into()), "商业服务业等支出")
        );
        assert_eq!(
            split_ordinal("(二)政府性基金预算拨款"),
            (Some("（二）".into()), "政府性基金预算拨款")
        );
        assert_eq!(split_ordinal("本年收入合计"), (None, "本年收入合计"));
        assert_eq!(split_ordinal("十分重要"), (None, "十分重要"));
    }

    /// The byte-level scans agree with the character-level definitions on every character, alone
    /// and between others.
    #[test]
    fn byte_scans_agree_with_char_tests_on_every_char() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let space = c.is_whitespace();
            let folded = space || fold_char(c) != c;
            for s in [c.to_string(), format!("中{c}a"), format!("a{c}文")] {
                assert_eq!(has_whitespace(&s), space, "{c:?} in {s:?}");
                assert_eq!(folds(&s), folded, "{c:?} in {s:?}");
            }
        }
        assert!(!has_whitespace("") && !folds(""));
    }

    #[test]
    fn split_cells_on_edges() {
        assert_eq!(split_cells(""), vec![""]);
        assert_eq!(split_cells("\t"), vec!["", ""]);
        assert_eq!(split_cells("合计\t"), vec!["合计", ""]);
        assert_eq!(
            split_cells("\t合 计\t\t1.00"),
            vec!["", "合 计", "", "1.00"]
        );
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        /// `close_cjk_spaces` as first written (over a vector of characters).
        fn close_reference(s: &str) -> String {
            let chars: Vec<char> = s.trim().chars().collect();
            let mut out = String::new();
            let mut i = 0;
            while i < chars.len() {
                if chars[i].is_whitespace() {
                    let mut j = i;
                    while j < chars.len() && chars[j].is_whitespace() {
                        j += 1;
                    }
                    let before = out.chars().last();
                    let after = chars.get(j).copied();
                    if !(before.is_some_and(is_cjk_or_bracket)
                        && after.is_some_and(is_cjk_or_bracket))
                    {
                        out.push(' ');
                    }
                    i = j;
                } else {
                    out.push(chars[i]);
                    i += 1;
                }
            }
            out
        }

        /// `split_ordinal` as first written (collecting the numerals into strings).
        fn ordinal_reference(label: &str) -> (Option<String>, &str) {
            const NUMERALS: &str = "一二三四五六七八九十廿卅百零〇";
            let t = label.trim();
            let lead: String = t.chars().take_while(|&c| NUMERALS.contains(c)).collect();
            if !lead.is_empty() {
                let rest = &t[lead.len()..];
                if let Some(r) = rest.strip_prefix('、').or_else(|| rest.strip_prefix('.')) {
                    return (Some(lead), r.trim_start());
                }
            }
            for (open, close) in [('（', '）'), ('(', ')')] {
                if let Some(r) = t.strip_prefix(open) {
                    let inner: String = r.chars().take_while(|&c| NUMERALS.contains(c)).collect();
                    if !inner.is_empty()
                        && let Some(after) = r[inner.len()..].strip_prefix(close)
                    {
                        return (Some(format!("（{inner}）")), after.trim_start());
                    }
                }
            }
            (None, t)
        }

        proptest! {
            #[test]
            fn close_and_ordinal_match_reference(
                s in "[ \u{3000}一二十廿〇、.（）()a1合计 ]{0,12}"
            ) {
                prop_assert_eq!(close_cjk_spaces(&s).into_owned(), close_reference(&s));
                prop_assert_eq!(split_ordinal(&s), ordinal_reference(&s));
            }

            /// The scans and the split agree with their straightforward definitions.
            #[test]
            fn scans_match_reference(s in "[ \t\u{3000}\u{a0}a1（）“”：合计\u{2028}\u{feff}]{0,12}") {
                prop_assert_eq!(has_whitespace(&s), s.contains(char::is_whitespace));
                prop_assert_eq!(
                    folds(&s),
                    !s.chars().all(|c| !c.is_whitespace() && fold_char(c) == c)
                );
                if s.contains('\t') {
                    prop_assert_eq!(split_cells(&s), s.split('\t').collect::<Vec<_>>());
                } else if !s.contains("  ") {
                    prop_assert_eq!(split_cells(&s), vec![s.as_str()]);
                }
            }
        }
    }

    #[test]
    fn folding() {
        assert_eq!(
            fold("一般公共预算“三公”经费支出表"),
            "一般公共预算\"三公\"经费支出表"
        );
        assert_eq!(fold("支出表（分单位）"), "支出表(分单位)");
    }
}
