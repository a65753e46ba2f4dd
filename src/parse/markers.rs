//! Line-level recognizers: the table of contents, part headings (`第三部分 …情况说明`), table markers
//! (`表 5-1.一般公共预算支出表(分功能科目)`, `表 5-1`), meta lines (`单位：万元`), notes, and the
//! facts a title gives (year, department, kind). Written as small `nom` parsers over one line.

use crate::grammar::{Grammar, GrammarSet};
use crate::normalize::Line;
use crate::normalize::cells::{close_cjk_spaces, fold, fold_eq, split_row_ordinal};
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while, take_while_m_n, take_while1},
    character::complete::{char, one_of, space0},
    combinator::{opt, recognize, rest},
    sequence::preceded,
};
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    Tables,
    Narrative,
    Glossary,
    Other,
}

/// A `第X部分` part: lines `start..end` (indices into the line slice) follow its heading.
#[derive(Debug, Clone)]
pub struct Part {
    pub kind: PartKind,
    pub heading: String,
    pub heading_line: usize,
    /// The part starts at a table's caption (documents without part headings).
    pub at_caption: bool,
    pub start: usize,
    pub end: usize,
}

/// Where one table's lines are: `start_line..=end_line` (1-based), title on `title_line`.
#[derive(Debug, Clone)]
pub struct TableMarker {
    pub id: String,
    pub title: String,
    pub caption: Option<String>,
    pub start_line: usize,
    pub title_line: usize,
    pub end_line: usize,
}

fn is_numeral(c: char) -> bool {
    "一二三四五六七八九十廿".contains(c)
}

/// `第三部分 …` → the heading text after `部分`.
fn part_heading(input: &str) -> IResult<&str, &str> {
    preceded(
        (
            space0,
            char('第'),
            take_while1(is_numeral),
            tag("部分"),
            space0,
        ),
        rest,
    )
    .parse(input)
}

/// `表 5-1.title` / `表5-1` / `表 12-2` → (`5-1`, title).
fn table_marker(input: &str) -> IResult<&str, (String, &str)> {
    // Almost no line opens with `表` (after spaces and tabs): those fail here, before the parser.
    if !input.trim_start_matches([' ', '\t']).starts_with('表') {
        return Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::Char,
        )));
    }
    let number = recognize((
        take_while_m_n(1, 3, |c: char| c.is_ascii_digit()),
        opt((
            space0,
            one_of("-－—"),
            space0,
            take_while_m_n(1, 3, |c: char| c.is_ascii_digit()),
        )),
    ));
    let (input, (_, _, _, num, _, _, _)) = (
        space0,
        char('表'),
        space0,
        number,
        space0,
        opt(one_of(".．、:：")),
        space0,
    )
        .parse(input)?;
    let id: String = num
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '－' || c == '—' { '-' } else { c })
        .collect();
    Ok(("", (id, input.trim())))
}

/// A table-of-contents entry: dot leaders, or a trailing tab and page number.
///
/// Called for every line by several stages, so it jumps between the bytes that may start a leader
/// or be a tab (`memchr`) rather than searching for each leader: dotted is `...`, `..⇥`, `……` or
/// `··` anywhere; paged is exactly one tab, followed by ASCII digits only.
pub fn is_toc_line(text: &str) -> bool {
    let b = text.trim_end().as_bytes();
    // 0xE2 and 0xC2 only ever start a character, so `rest` starts on a char boundary.
    let dotted = memchr::memchr3_iter(b'.', 0xE2, 0xC2, b).any(|i| {
        let rest = &b[i..];
        match rest {
            [b'.', b'.', b'.' | b'\t', ..] => true,
            [0xE2, ..] => rest.starts_with("……".as_bytes()),
            [0xC2, ..] => rest.starts_with("··".as_bytes()),
            _ => false,
        }
    });
    if dotted {
        return true;
    }
    let mut tabs = memchr::memchr_iter(b'\t', b);
    match (tabs.next(), tabs.next()) {
        (Some(tab), None) => b
            .get(tab + 1..)
            .is_some_and(|page| !page.is_empty() && page.iter().all(u8::is_ascii_digit)),
        _ => false,
    }
}

pub fn is_table_marker(text: &str) -> bool {
    // `table_marker` fails on the first character of almost every line; the contents test after it.
    table_marker(text).is_ok() && !is_toc_line(text) && text.trim().chars().count() <= 60
}

fn in_words(text: &str, words: &[String]) -> bool {
    words.iter().any(|w| text.contains(w.as_str()))
}

/// Finds the parts of the document in reading order.
///
/// Documents that number their parts (`第三部分 …情况说明`) are split at those headings; a heading
/// that recurs later is a table-of-contents entry and is dropped. Documents that number none (the
/// Shanghai budgets) are split at stand-alone headings that end with a part word (`2025年部门预算编制
/// 说明`, `其他相关情况说明`, `名词解释`) and at table captions; their headings stay in the part,
/// because they are also its first section's heading.
pub fn parts(lines: &[Line], grammars: &GrammarSet) -> Vec<Part> {
    let doc = grammars.document();
    let numbered = numbered_heads(lines, doc);
    let (heads, keep_heading) = if numbered.is_empty() {
        (standalone_heads(lines, grammars), true)
    } else {
        (numbered, false)
    };
    let mut parts: Vec<Part> = Vec::new();
    for (n, head) in heads.iter().enumerate() {
        let end = heads.get(n + 1).map_or(lines.len(), |h| h.index);
        parts.push(Part {
            kind: head.kind,
            heading: head.text.clone(),
            heading_line: lines[head.index].no,
            at_caption: head.at_caption,
            start: if keep_heading { head.index } else { head.body },
            end,
        });
    }
    parts
}

/// A part heading: its line index, the index its content starts at, its text and kind.
struct Head {
    at_caption: bool,
    index: usize,
    body: usize,
    text: String,
    kind: PartKind,
}

fn part_kind(heading: &str, doc: &Grammar) -> PartKind {
    if in_words(heading, doc.vocab("narrative_part")) {
        PartKind::Narrative
    } else if in_words(heading, doc.vocab("glossary_part")) {
        PartKind::Glossary
    } else if in_words(heading, doc.vocab("tables_part")) {
        PartKind::Tables
    } else {
        PartKind::Other
    }
}

/// The next non-empty line within a few lines of `i`.
fn next_text(lines: &[Line], i: usize) -> Option<usize> {
    (i + 1..lines.len().min(i + 4)).find(|&j| !lines[j].text.trim().is_empty())
}

/// `第X部分` headings, table-of-contents entries dropped. A heading wrapped onto a short line of its
/// own (`…部门决算情况` ⏎ `说明`) is read with that line.
fn numbered_heads(lines: &[Line], doc: &Grammar) -> Vec<Head> {
    let mut heads: Vec<Head> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        // A heading opens with `第` (after spaces and tabs, as `part_heading` skips them): almost no
        // line does, so the parser and the contents test run for very few lines.
        if !line.text.trim_start_matches([' ', '\t']).starts_with('第') {
            continue;
        }
        let Ok((_, heading)) = part_heading(&line.text) else {
            continue;
        };
        if is_toc_line(&line.text) {
            continue;
        }
        let mut text = line.text.trim().to_owned();
        let mut body = i + 1;
        if part_kind(heading, doc) == PartKind::Other
            && let Some(j) = next_text(lines, i)
            && is_heading_tail(&lines[j].text)
        {
            text.push_str(lines[j].text.trim());
            body = j + 1;
        }
        let kind = part_kind(&text, doc);
        heads.push(Head {
            at_caption: false,
            index: i,
            body,
            text,
            kind,
        });
    }
    // A table of contents repeats the headings: keep the last heading of each part number (the
    // wording may differ between the two, even by mistake).
    let numbers: Vec<String> = heads
        .iter()
        .map(|h| {
            let f = fold(&h.text);
            f.find("部分")
                .map_or(f.clone(), |end| f[..end + "部分".len()].to_owned())
        })
        .collect();
    let keep: Vec<bool> = (0..heads.len())
        .map(|a| !numbers[a + 1..].contains(&numbers[a]))
        .collect();
    heads
        .into_iter()
        .zip(keep)
        .filter_map(|(h, k)| k.then_some(h))
        .collect()
}

/// The wrapped end of a heading: a few characters, no cell, no ordinal, no sentence punctuation.
fn is_heading_tail(text: &str) -> bool {
    let t = text.trim();
    !t.contains('\t')
        && t.chars().count() <= 4
        && !t.contains(['。', '，', '；', '：', ':'])
        && !t.starts_with(|c: char| c.is_ascii_digit() || is_numeral(c))
}

/// Stand-alone part headings (no `第X部分` numbering) and the table captions that end them.
fn standalone_heads(lines: &[Line], grammars: &GrammarSet) -> Vec<Head> {
    let doc = grammars.document();
    let captions = Captions::shared(grammars);
    let contents = contents_range(lines);
    let mut heads = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if contents.contains(&i) {
            continue;
        }
        let t = line.text.trim();
        let at_caption = is_caption_start(lines, i, &captions);
        let kind = if at_caption {
            PartKind::Tables
        } else if is_standalone_heading(t, doc) {
            part_kind(t, doc)
        } else {
            continue;
        };
        heads.push(Head {
            at_caption,
            index: i,
            body: i + 1,
            text: t.to_owned(),
            kind,
        });
    }
    heads
}

/// The table of contents: from a `目录` line over its entries (numbered, dotted or part headings)
/// and blank lines. Empty when there is no `目录` line.
pub fn contents_range(lines: &[Line]) -> std::ops::Range<usize> {
    let Some(start) = lines.iter().position(|l| is_contents_heading(&l.text)) else {
        return 0..0;
    };
    let entry = |l: &Line| {
        let t = l.text.trim();
        t.is_empty()
            || is_toc_line(t)
            || part_heading(t).is_ok()
            || split_row_ordinal(t).0.is_some()
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| !entry(l))
        .map_or(lines.len(), |n| start + 1 + n);
    start..end
}

/// A heading line of its own that ends with a part word: `2025年部门预算编制说明`, `名词解释`.
fn is_standalone_heading(t: &str, doc: &Grammar) -> bool {
    if t.is_empty() || t.contains('\t') || is_toc_line(t) || t.chars().count() > 40 {
        return false;
    }
    if t.contains(['。', '，', '；', '：', ':']) {
        return false;
    }
    let f = fold(t);
    ["narrative_part", "glossary_part"]
        .iter()
        .flat_map(|v| doc.folded_vocab(v))
        .any(|w| f.ends_with(w.as_str()))
}

/// Splits the document into table blocks. A block runs from its `表 N` marker to the next marker
/// with another number, the next part heading, or the end. Documents that number no tables get
/// blocks at lines that are a grammar caption, numbered in order of appearance.
pub fn table_blocks(lines: &[Line], parts: &[Part], grammars: &GrammarSet) -> Vec<TableMarker> {
    let prose = |i: usize| {
        parts.iter().any(|p| {
            matches!(p.kind, PartKind::Narrative | PartKind::Glossary)
                && (p.start..p.end).contains(&i)
        })
    };
    let part_heading_at = |i: usize| {
        parts
            .iter()
            .any(|p| !p.at_caption && p.heading_line == lines[i].no)
    };
    let mut starts: Vec<(usize, String, Option<String>)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if prose(i) || !is_table_marker(&line.text) {
            continue;
        }
        if let Ok((_, (id, caption))) = table_marker(&line.text) {
            let id = format!("表{id}");
            let caption = (!caption.is_empty()).then(|| caption.to_owned());
            match starts.last_mut() {
                // `表 1.部门收支总表` followed by `表 1`: one table.
                Some((_, last_id, last_caption)) if *last_id == id => {
                    if last_caption.is_none() {
                        *last_caption = caption;
                    }
                }
                _ => starts.push((i, id, caption)),
            }
        }
    }
    let by_caption = starts.is_empty();
    if by_caption {
        starts = caption_starts(lines, grammars, &prose);
    }
    let mut blocks = Vec::new();
    for (n, (start, id, caption)) in starts.iter().enumerate() {
        let limit = starts.get(n + 1).map_or(lines.len(), |s| s.0);
        let end = (start + 1..limit)
            .find(|&i| part_heading_at(i) || prose(i))
            .unwrap_or(limit);
        let title_idx = (start + 1..end).find(|&i| {
            let t = lines[i].text.trim();
            !t.is_empty() && !is_table_marker(t)
        });
        let (title, title_line) = match title_idx {
            // A caption-started block's caption line is its title.
            Some(i) if !by_caption && is_title_line(&lines[i].text) => {
                (close_cjk_spaces(&lines[i].text).into_owned(), lines[i].no)
            }
            _ => (caption.clone().unwrap_or_default(), lines[*start].no),
        };
        // The caption line of a caption-started block is its own title.
        let title_line = if title.is_empty() {
            lines[*start].no
        } else {
            title_line
        };
        blocks.push(TableMarker {
            id: id.clone(),
            title: if title.is_empty() {
                close_cjk_spaces(caption_text(&lines[*start].text).unwrap_or_default()).into_owned()
            } else {
                title
            },
            caption: caption.clone(),
            start_line: lines[*start].no,
            title_line,
            end_line: lines[end - 1].no,
        });
    }
    blocks
}

/// A title is one short line of text: no cell separators, not a meta pair.
fn is_title_line(text: &str) -> bool {
    let t = text.trim();
    !t.contains('\t') && meta_pair(t).is_none() && t.chars().count() <= 60
}

/// A line that may be a caption: short text, no cells, not a contents entry. (Whether it names a
/// table is for `is_caption_start`.)
fn is_caption_line(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty() && !t.contains('\t') && !is_toc_line(t) && t.chars().count() <= 60
}

/// The `目录` line that opens a table of contents (`目 录` too).
pub fn is_contents_heading(text: &str) -> bool {
    fold_eq(text, "目录")
}

/// Line `i` opens a caption-started table: it is a caption, and table cells follow within a few
/// lines (a table of contents or a sentence naming the table has none).
pub fn is_caption_start(lines: &[Line], i: usize, captions: &Captions) -> bool {
    let Some(t) = caption_text(&lines[i].text) else {
        return false;
    };
    if !is_caption_line(t) {
        return false;
    }
    captions.ends(&fold(t))
        && lines[i + 1..]
            .iter()
            .filter(|l| !l.text.trim().is_empty() && !is_toc_line(&l.text))
            .take(6)
            .any(|l| split_cells_count(&l.text) >= 2 && meta_pair(l.text.trim()).is_none())
}

/// Every table grammar's folded captions in one automaton: the captions a text holds, or ends
/// with, are found in one pass over it, not by a substring search per caption of every grammar
/// (which was most of the cost of matching a table to its grammar).
#[derive(Debug)]
pub struct Captions {
    /// Each grammar's folded captions, as the index was built from them.
    source: Vec<Vec<String>>,
    /// The distinct non-empty captions; None when there are none.
    matcher: Option<AhoCorasick>,
    /// Per pattern: its length in chars and the grammars (indices into the set's tables) listing it.
    patterns: Vec<(usize, Vec<usize>)>,
    /// Some grammar lists an empty caption (which every text ends with).
    has_empty: bool,
}

impl Captions {
    fn new(source: Vec<Vec<String>>) -> Self {
        let mut index: Vec<String> = Vec::new();
        let mut patterns: Vec<(usize, Vec<usize>)> = Vec::new();
        for (g, captions) in source.iter().enumerate() {
            for c in captions.iter().filter(|c| !c.is_empty()) {
                match index.iter().position(|p| p == c) {
                    Some(p) => patterns[p].1.push(g),
                    None => {
                        index.push(c.clone());
                        patterns.push((c.chars().count(), vec![g]));
                    }
                }
            }
        }
        // A contiguous NFA: built in a fraction of a DFA's time, and only titles are searched.
        let matcher = if index.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&index)
                .ok()
        };
        let has_empty = source.iter().flatten().any(String::is_empty);
        Captions {
            source,
            matcher,
            patterns,
            has_empty,
        }
    }

    /// The index of a set's table grammars, built once per thread rather than once per document:
    /// the last index built is reused while the grammars' captions are the same (in a run, always).
    pub fn shared(grammars: &GrammarSet) -> Rc<Self> {
        thread_local! {
            static LAST: RefCell<Option<Rc<Captions>>> = const { RefCell::new(None) };
        }
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if let Some(c) = last.as_ref()
                && c.source.len() == grammars.tables.len()
                && c.source
                    .iter()
                    .zip(&grammars.tables)
                    .all(|(s, g)| *s == g.folded_captions)
            {
                return Rc::clone(c);
            }
            let source = grammars
                .tables
                .iter()
                .map(|g| g.folded_captions.clone())
                .collect();
            let c = Rc::new(Self::new(source));
            *last = Some(Rc::clone(&c));
            c
        })
    }

    /// Every occurrence of every caption in `text` (overlapping): (end, pattern).
    fn hits<'a>(&'a self, text: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
        self.matcher
            .iter()
            .flat_map(move |m| m.find_overlapping_iter(text))
            .map(|m| (m.end(), m.pattern().as_usize()))
    }

    /// Per grammar (in the set's order), the length in chars of its longest caption found in one of
    /// `texts` (folded); 0 when none is.
    pub fn scores(&self, texts: &[String]) -> Vec<usize> {
        let mut scores = vec![0; self.source.len()];
        for t in texts {
            for (_, p) in self.hits(t) {
                let Some((chars, grammars)) = self.patterns.get(p) else {
                    continue;
                };
                for &g in grammars {
                    if let Some(s) = scores.get_mut(g) {
                        *s = (*s).max(*chars);
                    }
                }
            }
        }
        scores
    }

    /// True when the folded text ends with a caption of some grammar and is at most 16 characters
    /// longer than it (a year or department before the caption, not a sentence around it).
    pub fn ends(&self, folded: &str) -> bool {
        let n = folded.chars().count();
        (self.has_empty && n <= 16)
            || self.hits(folded).any(|(end, p)| {
                end == folded.len() && self.patterns.get(p).is_some_and(|(c, _)| n <= c + 16)
            })
    }
}

/// The text of a caption line: the line, or its first cell when the other cells are meta pairs
/// (`2025年部门收支总表⇥单位：元`).
pub fn caption_text(text: &str) -> Option<&str> {
    let t = text.trim();
    if !t.contains('\t') {
        return Some(t);
    }
    let mut cells = t.split('\t').map(str::trim).filter(|c| !c.is_empty());
    let first = cells.next()?;
    (meta_pair(first).is_none() && cells.all(|c| meta_pair(c).is_some())).then_some(first)
}

/// Non-empty cells of a line (TAB-separated, or by runs of spaces in text extracted with layout).
fn split_cells_count(text: &str) -> usize {
    crate::normalize::cells::split_cells(text)
        .iter()
        .filter(|c| !c.trim().is_empty())
        .count()
}

/// Tables found by their captions. Each is numbered as the table of contents numbers it
/// (`三、支出决算表`, `4．2025年部门财政拨款收支预算总表`), so that a table missing from the
/// document does not renumber the ones after it; when the contents do not list every table, they
/// are numbered in order of appearance.
fn caption_starts(
    lines: &[Line],
    grammars: &GrammarSet,
    prose: &dyn Fn(usize) -> bool,
) -> Vec<(usize, String, Option<String>)> {
    let captions = Captions::shared(grammars);
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| !prose(i) && is_caption_start(lines, i, &captions))
        .collect();
    let contents = contents_numbers(lines, starts.first().copied().unwrap_or(0));
    let listed: Vec<Option<u32>> = starts
        .iter()
        .map(|&i| {
            let title = fold(caption_text(&lines[i].text).unwrap_or_default());
            contents.iter().find(|(t, _)| *t == title).map(|(_, n)| *n)
        })
        .collect();
    let mut numbers: Vec<u32> = listed.iter().flatten().copied().collect();
    numbers.sort_unstable();
    numbers.dedup();
    let by_contents = numbers.len() == starts.len();
    starts
        .iter()
        .zip(listed)
        .enumerate()
        .map(|(k, (&i, n))| {
            let n = match n {
                Some(n) if by_contents => n,
                _ => k as u32 + 1,
            };
            let caption = caption_text(&lines[i].text).unwrap_or_default();
            (i, format!("表{n}"), Some(caption.to_owned()))
        })
        .collect()
}

/// Numbered entries before line index `end` (`三、支出决算表`, `1. 2025年部门财务收支预算总表 ……`):
/// their folded titles (leaders and page numbers removed) and numbers.
fn contents_numbers(lines: &[Line], end: usize) -> Vec<(String, u32)> {
    lines[..end]
        .iter()
        .filter_map(|l| {
            let (ordinal, title) = split_row_ordinal(l.text.trim());
            let n = ordinal_number(&ordinal?)?;
            let title = title.split(['…', '·', '\t']).next().unwrap_or(title);
            let title = title.trim_end_matches('.');
            Some((fold(title.trim()), n))
        })
        .collect()
}

/// The value of an ordinal: `3`, `三`, `十二`, `二十一`.
pub fn ordinal_number(ordinal: &str) -> Option<u32> {
    if let Ok(n) = ordinal.parse() {
        return Some(n);
    }
    let digit = |c: char| {
        "一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|i| i as u32 + 1)
    };
    let chars: Vec<char> = ordinal.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// `部门：武昌区…` → (`部门`, `武昌区…`). Labels are short; values may be empty.
pub fn meta_pair(cell: &str) -> Option<(String, String)> {
    let t = cell.trim();
    let (label, value) = t.split_once([':', '：'])?;
    let label = close_cjk_spaces(label.trim()).into_owned();
    if label.is_empty() || label.chars().count() > 8 || label.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((label, value.trim().to_owned()))
}

/// Exact membership after folding.
pub fn in_vocab(text: &str, words: &[String]) -> bool {
    words.iter().any(|w| fold_eq(w, text))
}

/// The money unit named in a meta value (`万元`, `元`), longest vocab word first.
pub fn money_unit(value: &str, doc: &Grammar) -> Option<String> {
    doc.vocab("money_unit")
        .iter()
        .find(|u| value.contains(u.as_str()))
        .cloned()
}

/// The note of an empty or annotated table: a line opening with a note word and a colon.
pub fn note_text(text: &str, doc: &Grammar) -> Option<String> {
    let t = text.trim();
    let (label, _) = meta_pair(t)?;
    in_vocab(&label, doc.vocab("note")).then(|| t.to_owned())
}

/// The cover: the first lines, before the table of contents or the first part, table or paragraph.
pub struct Cover {
    /// The title lines joined (`上海市普陀区财政局` ⏎ `2024 年度部门决算`), at the first line's number.
    pub title: Option<Line>,
    /// A department named by a cover meta line (`预算主管部门：…`, `预算单位：…`).
    pub department: Option<String>,
    text: String,
}

impl Cover {
    /// `单位` when the cover names a single unit's budget (`区级单位预算`, `预算单位：…`), else `部门`.
    pub fn scope(&self, doc: &Grammar) -> &'static str {
        if in_words(&fold(&self.text), doc.vocab("scope_unit")) {
            "单位"
        } else {
            "部门"
        }
    }
}

/// Reads the cover: up to four short lines of text from the top, stopping at `目录`, a table of
/// contents line, a part heading, a table marker, a table row or a long line.
pub fn cover(lines: &[Line], doc: &Grammar) -> Cover {
    let mut title: Option<Line> = None;
    let mut department = None;
    let mut text = String::new();
    for line in lines.iter().filter(|l| !l.text.trim().is_empty()).take(4) {
        let t = line.text.trim();
        if is_contents_heading(t)
            || t.contains('\t')
            || is_toc_line(t)
            || part_heading(t).is_ok()
            || is_table_marker(t)
            || t.chars().count() > 40
        {
            break;
        }
        text.push_str(t);
        if let Some((label, value)) = meta_pair(t) {
            if in_vocab(&label, doc.vocab("meta_department")) && !value.is_empty() {
                department = Some(close_cjk_spaces(&value).into_owned());
            }
            continue;
        }
        match title.as_mut() {
            Some(l) => l.text.push_str(t),
            None => {
                title = Some(Line {
                    no: line.no,
                    text: t.to_owned(),
                })
            }
        }
    }
    // A document without a cover: its first line is its title.
    if title.is_none() && department.is_none() {
        title = lines.iter().find(|l| !l.text.trim().is_empty()).cloned();
    }
    Cover {
        title,
        department,
        text,
    }
}

/// Year, department and kind from the document title: `武昌区经济信息化和科技创新局 2026 年部门预算`.
pub fn title_facts(title: &str, doc: &Grammar) -> (Option<i32>, Option<String>, Option<String>) {
    let t = title.trim();
    let kind = if in_words(t, doc.vocab("kind_final")) {
        Some("决算".to_owned())
    } else if in_words(t, doc.vocab("kind_budget")) {
        Some("预算".to_owned())
    } else {
        None
    };
    let Some((pos, year, len)) = find_year(t) else {
        return (None, None, kind);
    };
    let before = t[..pos].trim();
    let department = if !before.is_empty() {
        Some(before.to_owned())
    } else {
        let after = t[pos + len..].trim_start_matches(['年', '度', ' ']);
        let cut = [
            "部门预算",
            "单位预算",
            "部门决算",
            "单位决算",
            "预算",
            "决算",
        ]
        .iter()
        .filter_map(|k| after.find(k))
        .min()
        .unwrap_or(after.len());
        let d = after[..cut].trim();
        (!d.is_empty()).then(|| d.to_owned())
    };
    (Some(year), department, kind)
}

/// The first `19xx`/`20xx` followed by `年` (spaces allowed): byte offset, year, byte length.
pub fn find_year(text: &str) -> Option<(usize, i32, usize)> {
    let year = |input| -> IResult<&str, &str> {
        let (rest_in, digits) = take_while_m_n(4, 4, |c: char| c.is_ascii_digit()).parse(input)?;
        let (rest_in, _) = (take_while(|c: char| c == ' '), char('年')).parse(rest_in)?;
        Ok((rest_in, digits))
    };
    for (pos, _) in text.char_indices() {
        if pos > 0 && text[..pos].ends_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        if let Ok((rest_in, digits)) = year(&text[pos..])
            && let Ok(y) = digits.parse::<i32>()
            && (1990..=2100).contains(&y)
        {
            return Some((pos, y, text.len() - pos - rest_in.len() - '年'.len_utf8()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(texts: &[&str]) -> Vec<Line> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Line {
                no: i + 1,
                text: (*t).to_owned(),
            })
            .collect()
    }

    #[test]
    fn ordinal_numbers() {
        let cases = [
            ("3", 3),
            ("三", 3),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("二十六", 26),
        ];
        for (o, n) in cases {
            assert_eq!(ordinal_number(o), Some(n), "{o}");
        }
        assert_eq!(ordinal_number("（一）"), None);
    }

    #[test]
    fn contents_entries_are_not_parts_even_when_worded_differently() {
        let set = GrammarSet::builtin().unwrap();
        // The contents repeat the part headings; the body's third heading was edited (2023) and
        // wraps its last word onto a line of its own.
        let doc = lines(&[
            "某局",
            "目 录",
            "第一部分 某局概况",
            "第二部分 某局2024年度部门决算表",
            "第三部分 某局2024年度部门决算情况说明",
            "第一部分 某局概况",
            "一、主要职能",
            "第二部分 某局2024年度部门决算表",
            "第三部分某局2023年度部门决算情况",
            "",
            "说明",
            "一、收入支出决算总体情况说明",
        ]);
        let parts = parts(&doc, &set);
        let heads: Vec<(usize, PartKind)> =
            parts.iter().map(|p| (p.heading_line, p.kind)).collect();
        assert_eq!(
            heads,
            vec![
                (6, PartKind::Other),
                (8, PartKind::Tables),
                (9, PartKind::Narrative)
            ]
        );
        // The narrative starts after the wrapped word.
        assert_eq!(doc[parts[2].start].no, 12);
    }

    #[test]
    fn parts_without_numbers_start_at_headings_and_captions() {
        let set = GrammarSet::builtin().unwrap();
        let doc = lines(&[
            "上海市普陀区2025年区级部门预算",
            "名词解释",
            "（一）财政拨款收入：是…",
            "2025年部门预算编制说明",
            "2025年，某局收入预算9,101.68万元。",
            "2025年部门支出预算总表",
            "编制部门：某局\t单位：元",
            "功能分类科目编码\t功能分类科目名称\t合计\t基本支出\t项目支出",
            "合计\t\t1.00\t1.00\t",
            "其他相关情况说明",
            "一、2025年“三公”经费预算情况说明",
        ]);
        let heads: Vec<(usize, PartKind, bool)> = parts(&doc, &set)
            .iter()
            .map(|p| (p.heading_line, p.kind, p.at_caption))
            .collect();
        assert_eq!(
            heads,
            vec![
                (2, PartKind::Glossary, false),
                (4, PartKind::Narrative, false),
                (6, PartKind::Tables, true),
                (10, PartKind::Narrative, false),
                (11, PartKind::Narrative, false),
            ]
        );
        // A contents line that names a table, with no cells after it, opens no table.
        let toc = lines(&[
            "3. 2025年部门支出预算总表",
            "4. 2025年部门财政拨款收支预算总表",
        ]);
        assert!(!is_caption_start(&toc, 0, &Captions::shared(&set)));
    }

    /// The caption index finds the caption endings a search for each caption finds.
    #[test]
    fn caption_ends_agree_with_searching_each_caption() {
        let set = GrammarSet::builtin().unwrap();
        let captions = Captions::shared(&set);
        let all: Vec<&String> = set.tables.iter().flat_map(|g| &g.folded_captions).collect();
        let reference = |f: &str| {
            let n = f.chars().count();
            all.iter()
                .any(|c| f.ends_with(c.as_str()) && n <= c.chars().count() + 16)
        };
        for c in &all {
            let texts = [
                (*c).clone(),
                format!("上海市普陀区2025年{c}"),
                format!("某某某某某某某某某某某某某某某某某{c}"),
                format!("{c}说明"),
                c.chars().skip(1).collect(),
                String::new(),
            ];
            for f in texts {
                assert_eq!(captions.ends(&f), reference(&f), "{f:?}");
            }
        }
    }

    #[test]
    fn cover_facts() {
        let set = GrammarSet::builtin().unwrap();
        let doc = set.document();
        let c = cover(
            &lines(&[
                "上海市普陀区2025年区级单位预算",
                "",
                "预算单位：上海市普陀区人民政府办公室",
                "目 录",
            ]),
            doc,
        );
        assert_eq!(
            c.title.as_ref().map(|l| l.text.as_str()),
            Some("上海市普陀区2025年区级单位预算")
        );
        assert_eq!(c.department.as_deref(), Some("上海市普陀区人民政府办公室"));
        assert_eq!(c.scope(doc), "单位");
        let c = cover(
            &lines(&[
                "中共上海市普陀区委",
                "社会工作部 2024 年度",
                "",
                "部门决算",
                "目 录",
            ]),
            doc,
        );
        let title = c.title.clone().unwrap().text;
        assert_eq!(title, "中共上海市普陀区委社会工作部 2024 年度部门决算");
        assert_eq!(
            title_facts(&title, doc),
            (
                Some(2024),
                Some("中共上海市普陀区委社会工作部".into()),
                Some("决算".into())
            )
        );
        assert_eq!(c.scope(doc), "部门");
    }

    #[test]
    fn markers() {
        assert_eq!(
            table_marker("表 1.部门收支总表").unwrap().1,
            ("1".into(), "部门收支总表")
        );
        assert_eq!(table_marker("表 5-1").unwrap().1, ("5-1".into(), ""));
        assert_eq!(
            table_marker("表12 - 3 项目").unwrap().1,
            ("12-3".into(), "项目")
        );
        assert!(table_marker("表格说明").is_err());
        assert!(!is_table_marker("一、部门收支总表.....\t6"));
    }

    #[test]
    fn toc_lines() {
        assert!(is_toc_line("第一部分 武昌区经济信息化和科技创新局概况\t3"));
        assert!(is_toc_line(
            "五、一般公共预算支出表（分功能科目，分单位）..\t10"
        ));
        assert!(!is_toc_line(
            "第三部分 武昌区经济信息化和科技创新局 2026 年部门预算情况说明"
        ));
        assert!(!is_toc_line("330\t武昌区\t4.00\t3"));
    }

    /// The one-pass `is_toc_line` agrees with its definition by substring searches.
    #[test]
    fn toc_line_matches_its_definition() {
        fn reference(text: &str) -> bool {
            let t = text.trim_end();
            let dotted =
                t.contains("...") || t.contains("..\t") || t.contains("……") || t.contains("··");
            let paged = t.rsplit_once('\t').is_some_and(|(head, page)| {
                !head.contains('\t') && !page.is_empty() && page.chars().all(|c| c.is_ascii_digit())
            });
            dotted || paged
        }
        let pieces = [
            "", ".", "..", "\t", " ", "…", "·", "3", "12", "x", "表", "·…", "\u{3000}", "\n", "a.b",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let text = format!("{a}{b}{c}{d}");
                        assert_eq!(is_toc_line(&text), reference(&text), "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn titles() {
        let set = GrammarSet::builtin().unwrap();
        let doc = set.document();
        assert_eq!(
            title_facts("武昌区经济信息化和科技创新局 2026 年部门预算", doc),
            (
                Some(2026),
                Some("武昌区经济信息化和科技创新局".into()),
                Some("预算".into())
            )
        );
        assert_eq!(
            title_facts("2025年上海市普陀区商务委员会部门预算", doc),
            (
                Some(2025),
                Some("上海市普陀区商务委员会".into()),
                Some("预算".into())
            )
        );
        assert_eq!(
            title_facts("某局部门决算", doc),
            (None, None, Some("决算".into()))
        );
        assert_eq!(find_year("截至2025年12月31日").map(|y| y.1), Some(2025));
        assert_eq!(find_year("共12025年").map(|y| y.1), None);
    }

    #[test]
    fn meta() {
        assert_eq!(
            meta_pair("单位：万元"),
            Some(("单位".into(), "万元".into()))
        );
        assert_eq!(
            meta_pair("单位: 万元"),
            Some(("单位".into(), "万元".into()))
        );
        assert_eq!(meta_pair("长期目标 1:"), None);
    }
}
