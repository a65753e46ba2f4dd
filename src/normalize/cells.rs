//! Text cells: splitting a line into cells, closing spaces that wrapping put between Chinese
//! characters (`合 计`, `全年开展安全生产培 训`), ordinals on row labels, and the folding used
//! when comparing document text with grammar words.

use std::borrow::Cow;

/// Rule name for a space removed between two CJK characters.
pub const CJK_SPACE: &str = "cjk_space";

/// Splits a table line into cells: on tabs when the line has any, otherwise on runs of two or more
/// spaces (layout-preserving extraction). Cells keep their inner single spaces.
pub fn split_cells(line: &str) -> Vec<&str> {
    if line.contains('\t') {
        return line.split('\t').collect();
    }
    let mut cells = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
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
    if !t.contains(char::is_whitespace) {
        return Cow::Borrowed(t);
    }
    let chars: Vec<char> = t.chars().collect();
    let mut out = String::with_capacity(t.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let before = out.chars().last();
            let after = chars.get(j).copied();
            let joinable =
                before.is_some_and(is_cjk_or_bracket) && after.is_some_and(is_cjk_or_bracket);
            if !joinable {
                out.push(' ');
            }
            i = j;
        } else {
            out.push(c);
            i += 1;
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
    if s.chars().all(|c| !c.is_whitespace() && fold_char(c) == c) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(fold(s))
    }
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

/// The characters of [`fold`]`(s)`, without allocating.
pub fn folded_chars(s: &str) -> impl Iterator<Item = char> + Clone + '_ {
    s.chars().filter(|c| !c.is_whitespace()).map(fold_char)
}

/// `fold(a) == fold(b)`, without allocating.
pub fn fold_eq(a: &str, b: &str) -> bool {
    folded_chars(a).eq(folded_chars(b))
}

const NUMERALS: &str = "一二三四五六七八九十廿卅百零〇";

/// Splits a leading ordinal off a row label: `一、一般公共预算拨款收入` → (`一`, `一般公共…`),
/// `（一）一般公共预算拨款` → (`（一）`, …).
pub fn split_ordinal(label: &str) -> (Option<String>, &str) {
    let t = label.trim();
    let numeral = |c: char| NUMERALS.contains(c);
    // 一、 / 十二、
    let lead: String = t.chars().take_while(|&c| numeral(c)).collect();
    if !lead.is_empty() {
        let rest = &t[lead.len()..];
        if let Some(r) = rest.strip_prefix('、').or_else(|| rest.strip_prefix('.')) {
            return (Some(lead), r.trim_start());
        }
    }
    // （一） / (一)
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(r) = t.strip_prefix(open) {
            let inner: String = r.chars().take_while(|&c| numeral(c)).collect();
            if !inner.is_empty()
                && let Some(after) = r[inner.len()..].strip_prefix(close)
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

    #[test]
    fn folding() {
        assert_eq!(
            fold("一般公共预算“三公”经费支出表"),
            "一般公共预算\"三公\"经费支出表"
        );
        assert_eq!(fold("支出表（分单位）"), "支出表(分单位)");
    }
}
