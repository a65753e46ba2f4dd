//! Prose repairs: the narrative part's lines rebuilt into blocks (one per paragraph or heading),
//! with sentences and numbers that a page break split rejoined.
//!
//! Takes the narrative [`Line`]s after character repair. Gives [`ProseBlock`]s: the block's text and
//! a map from every byte of it back to its source line, so a later stage can name the line a figure
//! was printed on even when its sentence continues on the next page.
//!
//! Blank lines separate paragraphs, but extraction also prints a page break as a blank line, often in
//! the middle of a sentence (`…养老支出` ⏎ ⏎ `(款) 行政单位离退休(项)…`), sometimes in the middle of a
//! number (`比 2` ⏎ ⏎ `025 预算`). Two pieces are joined when the first does not end a sentence, the
//! first is not a title heading, and the next does not open a block (a heading or a numbered item).
//! Chinese joins without a space; a number split across the break joins without a space too. Hard
//! wrapped lines (no blank between them) follow the same rule. Every join is logged as a [`Repair`].
//!
//! Never: changes the text inside a line (beyond trimming its ends), drops text other than
//! decorated page-number lines (`- 12 -`, `第 12 页`, logged), or reorders anything.

use crate::model::{Loc, Repair};
use crate::normalize::Line;
use crate::normalize::cells::split_ordinal;
use crate::normalize::number;
use regex::Regex;
use std::sync::LazyLock;

/// Two pieces of one sentence separated by blank lines (a page break).
pub const PAGE_BREAK_JOIN: &str = "page_break_join";
/// Two pieces of one sentence on consecutive lines (a hard wrap).
pub const LINE_WRAP_JOIN: &str = "line_wrap_join";
/// A page-number line (`- 12 -`) found between the pieces of the text.
pub const PAGE_NUMBER: &str = "page_number_dropped";

/// The line-break mark used in repair excerpts.
const BREAK_MARK: char = '⏎';
/// Characters of context kept on each side of a join in the repair log.
const EXCERPT_CHARS: usize = 10;

/// One paragraph or heading after joins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProseBlock {
    pub text: String,
    /// Source lines that contributed text, in order.
    pub lines: Vec<usize>,
    /// `(byte offset in text where a source line's text starts, that source line)`, ascending.
    pub offsets: Vec<(usize, usize)>,
}

impl ProseBlock {
    fn start(text: &str, line: usize) -> Self {
        ProseBlock {
            text: text.to_owned(),
            lines: vec![line],
            offsets: vec![(0, line)],
        }
    }

    /// The source line of the byte at `offset` (offsets past the end give the last line).
    pub fn line_at(&self, offset: usize) -> usize {
        self.offsets
            .iter()
            .rev()
            .find(|(start, _)| *start <= offset)
            .or(self.offsets.first())
            .map_or(0, |&(_, line)| line)
    }

    /// The last source line that contributed text.
    pub fn last_line(&self) -> usize {
        self.lines.last().copied().unwrap_or(0)
    }
}

/// Rebuilds the blocks of a prose part, joining pieces split by page breaks and wraps.
pub fn join_page_breaks(lines: &[Line], repairs: &mut Vec<Repair>) -> Vec<ProseBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<ProseBlock> = None;
    let mut gap = false;
    for line in lines {
        let text = line.text.trim();
        if text.is_empty() {
            gap = true;
            continue;
        }
        if is_page_number(text) {
            repairs.push(repair(line.no, PAGE_NUMBER, text.to_owned(), String::new()));
            gap = true;
            continue;
        }
        match open.as_mut() {
            Some(block) if continues(&block.text, text) => {
                let rule = if gap { PAGE_BREAK_JOIN } else { LINE_WRAP_JOIN };
                join(block, text, line.no, rule, repairs);
            }
            _ => {
                blocks.extend(open.take());
                open = Some(ProseBlock::start(text, line.no));
            }
        }
        gap = false;
    }
    blocks.extend(open);
    blocks
}

/// True when `next` continues the sentence `block` left open.
fn continues(block: &str, next: &str) -> bool {
    !ends_sentence(block) && !is_title_heading(block) && !starts_block(next)
}

fn join(
    block: &mut ProseBlock,
    next: &str,
    line: usize,
    rule: &'static str,
    out: &mut Vec<Repair>,
) {
    let sep = separator(&block.text, next);
    let tail = tail_chars(&block.text, EXCERPT_CHARS);
    let head = head_chars(next, EXCERPT_CHARS);
    out.push(repair(
        block.last_line(),
        rule,
        format!("{tail}{BREAK_MARK}{head}"),
        format!("{tail}{sep}{head}"),
    ));
    block.text.push_str(sep);
    block.offsets.push((block.text.len(), line));
    block.text.push_str(next);
    block.lines.push(line);
}

/// What goes between two joined pieces: nothing for Chinese and for a split number (`比 2` + `025`),
/// a space only between two Latin words, which a wrap separated.
fn separator(first: &str, next: &str) -> &'static str {
    let (Some(a), Some(b)) = (first.chars().next_back(), next.chars().next()) else {
        return "";
    };
    let both_digits = a.is_ascii_digit() && b.is_ascii_digit();
    if !both_digits && a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
        " "
    } else {
        ""
    }
}

/// Sentence-final punctuation; a colon ends the lead-in of a list (`包括：`).
const TERMINALS: &[char] = &['。', '；', '！', '？', '：', ';', '!', '?', ':', '…'];
/// Closing quotes and brackets that may follow the terminal mark (`…支出。”`).
const CLOSERS: &[char] = &['”', '’', '"', '\'', '）', ')', '】', ']', '》', '」', '』'];

/// True when the text ends a sentence: terminal punctuation, possibly followed by closers.
pub fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end();
    let stripped = t.trim_end_matches(CLOSERS);
    // `…维修(护)` ends in a bracket without a terminal before it: the sentence goes on.
    stripped.ends_with(TERMINALS)
}

/// True when a line opens a new block: a heading (`一、`, `（二）`, `第三部分`) or a numbered item
/// (`1.`, `2、`, `(1)`, `①`).
pub fn starts_block(text: &str) -> bool {
    let t = text.trim_start();
    split_ordinal(t).0.is_some() || is_part_heading(t) || list_item_len(t).is_some()
}

/// True for a heading that is a title (`一、收支预算总体安排情况`), not a numbered sentence
/// (`（一）人员经费 2,334.64 万元，包括：`): a title is never continued across a break.
pub fn is_title_heading(text: &str) -> bool {
    let t = text.trim();
    if is_part_heading(t) {
        return true;
    }
    match split_ordinal(t) {
        (Some(_), rest) => !has_clause_punctuation(rest),
        (None, _) => false,
    }
}

/// Clause punctuation; an ASCII comma counts only outside a number (`2,334.64` is one number).
fn has_clause_punctuation(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| match c {
        '，' | '。' | '；' | ';' => true,
        ',' => {
            let before = i.checked_sub(1).and_then(|j| chars.get(j));
            let after = chars.get(i + 1);
            !(before.is_some_and(char::is_ascii_digit) && after.is_some_and(char::is_ascii_digit))
        }
        _ => false,
    })
}

static PART_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^第[一二三四五六七八九十廿]+部分").expect("static regex"));

fn is_part_heading(text: &str) -> bool {
    PART_HEADING.is_match(text)
}

static ITEM_DOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,2})\s*[.、．]\s*").expect("static regex"));
static ITEM_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[（(]\s*\d{1,2}\s*[)）]\s*").expect("static regex"));
static ITEM_CIRCLED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\u{2460}-\u{2473}]\s*").expect("static regex"));

/// Byte length of a leading numbered-item marker (`1.`, `10. `, `2、`, `(1)`, `（2）`, `①`), if any.
/// `2.5%` is a number, not item 2: a digit right after the dot means a decimal.
pub fn list_item_len(text: &str) -> Option<usize> {
    // Every marker opens with a digit, a bracket or a circled number: most text is turned away by
    // its first character, without running the regexes (`char::is_numeric` covers every `\d`).
    let first = text.chars().next()?;
    if !(number::is_numeric(first) || matches!(first, '(' | '（' | '\u{2460}'..='\u{2473}')) {
        return None;
    }
    if let Some(end) = item_dot_len(text) {
        let decimal = text[end..].starts_with(|c: char| c.is_ascii_digit())
            && !text[..end].ends_with(char::is_whitespace);
        return (!decimal).then_some(end);
    }
    item_paren_len(text).or_else(|| ITEM_CIRCLED.find(text).map(|m| m.end()))
}

/// `ITEM_DOT.find(text)`'s end, read by hand when the marker's number is ASCII (the regex, anchored
/// as it is, cost more to start than the read; it still reads other Unicode digits).
fn item_dot_len(text: &str) -> Option<usize> {
    match item_digits(text, 0) {
        Some(Some(at)) => after_mark(text, at, |c| matches!(c, '.' | '、' | '．')),
        Some(None) => None,
        None => ITEM_DOT.find(text).map(|m| m.end()),
    }
}

/// `ITEM_PAREN.find(text)`'s end, by hand as [`item_dot_len`].
fn item_paren_len(text: &str) -> Option<usize> {
    let open = text.chars().next().filter(|&c| matches!(c, '(' | '（'))?;
    let inner = skip_spaces(text, open.len_utf8());
    match item_digits(text, inner) {
        Some(Some(at)) => after_mark(text, at, |c| matches!(c, ')' | '）')),
        Some(None) => None,
        None => ITEM_PAREN.find(text).map(|m| m.end()),
    }
}

/// `\d{1,2}` at byte `at`: `Some(Some(end))` for one or two ASCII digits, `Some(None)` for no
/// digit, `None` when one of the two chars is another numeric char (the regex must judge).
fn item_digits(text: &str, at: usize) -> Option<Option<usize>> {
    let mut end = at;
    for c in text.get(at..)?.chars().take(2) {
        if c.is_ascii_digit() {
            end += 1;
        } else if c.is_ascii() || !number::is_numeric(c) {
            break;
        } else {
            return None;
        }
    }
    Some((end > at).then_some(end))
}

/// `\s*[mark]\s*` at byte `at`: the end of the trailing spaces.
fn after_mark(text: &str, at: usize, mark: impl Fn(char) -> bool) -> Option<usize> {
    let at = skip_spaces(text, at);
    let c = text.get(at..)?.chars().next().filter(|&c| mark(c))?;
    Some(skip_spaces(text, at + c.len_utf8()))
}

/// The end of the whitespace (`\s*`) from byte `at`.
fn skip_spaces(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or_default();
    at + rest.len() - rest.trim_start().len()
}

static PAGE_NUMBER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[-—–－~]+\s*\d{1,4}\s*[-—–－~]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$",
    )
    .expect("static regex")
});

/// A decorated page number on a line of its own (`- 12 -`, `— 12 —`, `第 12 页`, `12 / 40`).
/// A bare number is kept: it may be content.
pub(crate) fn is_page_number(text: &str) -> bool {
    // Every line the regex takes opens with a dash, `第`, or a digit and then has a `/`
    // (`char::is_numeric` covers every `\d`). It runs for every line of a document, table rows
    // (which open with a code) included, so the others are turned away first.
    let Some(first) = text.chars().next() else {
        return false;
    };
    let candidate = if number::is_numeric(first) {
        text.contains('/')
    } else {
        matches!(first, '-' | '—' | '–' | '－' | '~' | '第')
    };
    candidate && PAGE_NUMBER_LINE.is_match(text)
}

fn tail_chars(s: &str, n: usize) -> &str {
    let start = s
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    &s[start..]
}

fn head_chars(s: &str, n: usize) -> &str {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

fn repair(line: usize, rule: &'static str, raw: String, repaired: String) -> Repair {
    Repair {
        loc: Loc::line(line),
        rule,
        raw,
        repaired,
        table: None,
        column: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(first_no: usize, texts: &[&str]) -> Vec<Line> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Line {
                no: first_no + i,
                text: (*t).to_owned(),
            })
            .collect()
    }

    fn run(first_no: usize, texts: &[&str]) -> (Vec<ProseBlock>, Vec<Repair>) {
        let mut repairs = Vec::new();
        let blocks = join_page_breaks(&lines(first_no, texts), &mut repairs);
        (blocks, repairs)
    }

    #[test]
    fn joins_a_sentence_split_by_a_page_break() {
        let (b, r) = run(
            744,
            &[
                "4.社会保障和就业支出（类）行政事业单位养老支出",
                "",
                "(款) 行政单位离退休(项) 2026年预算数 671.27 万元。",
            ],
        );
        assert_eq!(b.len(), 1);
        assert_eq!(
            b[0].text,
            "4.社会保障和就业支出（类）行政事业单位养老支出(款) 行政单位离退休(项) 2026年预算数 671.27 万元。"
        );
        assert_eq!(b[0].lines, vec![744, 746]);
        let at = b[0].text.find("(款)").unwrap();
        assert_eq!(b[0].line_at(at), 746);
        assert_eq!(b[0].line_at(at - 1), 744);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].rule, PAGE_BREAK_JOIN);
        assert_eq!(r[0].loc, Loc::line(744));
        assert_eq!(r[0].raw, "行政事业单位养老支出⏎(款) 行政单位离退");
        assert_eq!(r[0].repaired, "行政事业单位养老支出(款) 行政单位离退");
    }

    #[test]
    fn joins_a_number_split_by_a_page_break() {
        let (b, r) = run(
            758,
            &["万元, 比 2", "", "025 预算增加 23.93 万元，增长 21.9%。"],
        );
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].text, "万元, 比 2025 预算增加 23.93 万元，增长 21.9%。");
        let year = b[0].text.find("2025").unwrap();
        assert_eq!(b[0].line_at(year), 758);
        assert_eq!(b[0].line_at(year + 1), 760);
        assert_eq!(b[0].line_at(b[0].text.find("预算").unwrap()), 760);
        assert_eq!(r[0].raw, "万元, 比 2⏎025 预算增加 2");
        assert_eq!(r[0].repaired, "万元, 比 2025 预算增加 2");
    }

    #[test]
    fn joins_after_a_closing_bracket_without_terminal() {
        let (b, _) = run(
            780,
            &[
                "物业管理费、差旅费、维修(护)",
                "",
                "费、培训费、公务接待费。",
            ],
        );
        assert_eq!(b.len(), 1);
        assert_eq!(
            b[0].text,
            "物业管理费、差旅费、维修(护)费、培训费、公务接待费。"
        );
    }

    #[test]
    fn no_join_before_a_heading() {
        let (b, r) = run(
            730,
            &[
                "本年预算4,335.95万元，主要原因一是新招录人员，二是新增云平台改造项目",
                "",
                "（二）一般公共预算拨款结构情况",
            ],
        );
        assert_eq!(b.len(), 2);
        assert!(r.is_empty());
    }

    #[test]
    fn no_join_after_a_title_heading() {
        let (b, _) = run(
            1,
            &[
                "一、收支预算总体安排情况",
                "",
                "按照综合预算的原则，所有收入和支出均纳入部门预算管理。",
            ],
        );
        assert_eq!(b.len(), 2);
        let (b, _) = run(
            1,
            &["（三）一般公共预算拨款具体使用情况", "", "科学技术支出"],
        );
        assert_eq!(b.len(), 2);
    }

    #[test]
    fn no_join_after_a_full_stop_or_before_an_item() {
        let (b, _) = run(
            1,
            &[
                "收入包括：一般公共预算财政拨款收入。",
                "",
                "支出包括：科学技术支出。",
            ],
        );
        assert_eq!(b.len(), 2);
        let (b, _) = run(
            1,
            &[
                "2026 年一般公共预算基本支出 4,335.95 万元，其中：",
                "",
                "（一）人员经费",
            ],
        );
        assert_eq!(b.len(), 2);
        let (b, _) = run(1, &["主要用于办公设备购置", "", "2.公务接待费 1.46 万元。"]);
        assert_eq!(b.len(), 2);
        let (b, _) = run(
            1,
            &["主要用于办公设备购置", "", "(2)公务用车运行维护费 3 万元。"],
        );
        assert_eq!(b.len(), 2);
        let (b, _) = run(1, &["“三公”经费的说明。”", "", "接着一段"]);
        assert_eq!(b.len(), 2);
    }

    #[test]
    fn a_numbered_sentence_heading_may_continue() {
        let (b, _) = run(
            1,
            &[
                "（一）网络建设运转维护经费项目910.02万元。主要用于政务网及机房运维、区级",
                "",
                "重点应用系统运维。",
            ],
        );
        assert_eq!(b.len(), 1);
        assert!(b[0].text.ends_with("区级重点应用系统运维。"));
    }

    #[test]
    fn decimal_after_break_is_not_an_item() {
        let (b, _) = run(1, &["增长 1", "", "2.5%，主要是新招录人员。"]);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].text, "增长 12.5%，主要是新招录人员。");
    }

    #[test]
    fn wrapped_lines_and_page_numbers() {
        let (b, r) = run(
            1,
            &["比上年增加", "10 万元。", "", "- 12 -", "", "下一段。"],
        );
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].text, "比上年增加10 万元。");
        let rules: Vec<_> = r.iter().map(|r| r.rule).collect();
        assert_eq!(rules, vec![LINE_WRAP_JOIN, PAGE_NUMBER]);
        let (b, r) = run(1, &["用于 G", "", "— 3 —", "", "5 高速"]);
        assert_eq!(b[0].text, "用于 G 5 高速");
        assert_eq!(r.len(), 2);
    }

    /// The first-character filters turn away only what the regexes would.
    #[test]
    fn filters_agree_with_the_regexes() {
        let texts = [
            "",
            "1.",
            "12、x",
            "１．x",
            "٣. x",
            "(1)",
            "（2）",
            "①x",
            "⑳",
            "一、",
            "- 12 -",
            "— 3 —",
            "～1～",
            "~1~",
            "第 12 页",
            "12 / 40",
            "第一部分",
            "x1.",
            " 1.",
            "\u{3000}1.",
            "2.5%",
        ];
        for t in texts {
            assert_eq!(list_item_len(t), list_item_len_by_regex(t), "{t:?}");
            assert_eq!(is_page_number(t), PAGE_NUMBER_LINE.is_match(t), "{t:?}");
        }
        for t in [
            "1 .2",
            "(１2)",
            "(1２)",
            "（ 12 ） x",
            "(123)",
            "1１.",
            "12 、 x",
            "(\u{3000}1)",
        ] {
            assert_eq!(list_item_len(t), list_item_len_by_regex(t), "{t:?}");
        }
    }

    /// [`list_item_len`] by its regexes alone: the definition the hand reading must agree with.
    fn list_item_len_by_regex(t: &str) -> Option<usize> {
        let item = ITEM_DOT.find(t).map(|m| {
            let decimal = t[m.end()..].starts_with(|c: char| c.is_ascii_digit())
                && !t[..m.end()].ends_with(char::is_whitespace);
            (!decimal).then_some(m.end())
        });
        item.unwrap_or_else(|| {
            ITEM_PAREN
                .find(t)
                .or_else(|| ITEM_CIRCLED.find(t))
                .map(|m| m.end())
        })
    }

    /// `\s` is `char::is_whitespace`: the hand readings skip spaces as the regexes did.
    #[test]
    fn regex_spaces_are_char_whitespace() {
        let space = Regex::new(r"^\s$").expect("regex");
        let mut buf = [0u8; 4];
        for c in '\0'..=char::MAX {
            assert_eq!(
                space.is_match(c.encode_utf8(&mut buf)),
                c.is_whitespace(),
                "{c:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn list_items_agree_with_the_regexes(t in "[(（)）0-9１٣①.、．  \u{3000}x5]{0,8}") {
            proptest::prop_assert_eq!(list_item_len(&t), list_item_len_by_regex(&t));
        }

        #[test]
        fn page_number_filter_agrees(t in "[-—–－~第页共/ 0-9１٣一a,，]{0,12}") {
            proptest::prop_assert_eq!(is_page_number(&t), PAGE_NUMBER_LINE.is_match(&t));
        }
    }

    #[test]
    fn tolerates_any_input() {
        let (b, _) = run(1, &["", "   ", "。", "a", "", "（"]);
        assert_eq!(b.len(), 2);
        assert_eq!(tail_chars("ab", 10), "ab");
        assert_eq!(head_chars("中文", 1), "中");
        assert_eq!(ProseBlock::default().line_at(5), 0);
    }
}
