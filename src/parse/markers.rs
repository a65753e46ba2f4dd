//! Line-level recognizers: the table of contents, part headings (`第三部分 …情况说明`), table markers
//! (`表 5-1.一般公共预算支出表(分功能科目)`, `表 5-1`), meta lines (`单位：万元`), notes, and the
//! facts a title gives (year, department, kind). Written as small `nom` parsers over one line.

use crate::grammar::{Grammar, GrammarSet};
use crate::normalize::Line;
use crate::normalize::cells::{close_cjk_spaces, fold, fold_eq};
use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while, take_while_m_n, take_while1},
    character::complete::{char, one_of, space0},
    combinator::{opt, recognize, rest},
    sequence::preceded,
};

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
/// Called for every line by several stages, so it is one pass over the bytes rather than a
/// substring search per leader: dotted is `...`, `..⇥`, `……` or `··` anywhere; paged is exactly
/// one tab, followed by ASCII digits only.
pub fn is_toc_line(text: &str) -> bool {
    let b = text.trim_end().as_bytes();
    let mut tabs = 0;
    let mut last_tab = 0;
    for (i, &c) in b.iter().enumerate() {
        let rest = &b[i..];
        match c {
            b'.' if matches!(rest, [b'.', b'.', b'.' | b'\t', ..]) => return true,
            // 0xE2 and 0xC2 only ever start a character, so `rest` starts on a char boundary.
            0xE2 if rest.starts_with("……".as_bytes()) => return true,
            0xC2 if rest.starts_with("··".as_bytes()) => return true,
            b'\t' => {
                tabs += 1;
                last_tab = i;
            }
            _ => {}
        }
    }
    tabs == 1
        && b.get(last_tab + 1..)
            .is_some_and(|page| !page.is_empty() && page.iter().all(u8::is_ascii_digit))
}

pub fn is_table_marker(text: &str) -> bool {
    // `table_marker` fails on the first character of almost every line; the contents test after it.
    table_marker(text).is_ok() && !is_toc_line(text) && text.trim().chars().count() <= 60
}

fn in_words(text: &str, words: &[String]) -> bool {
    words.iter().any(|w| text.contains(w.as_str()))
}

/// Finds the `第X部分` parts in reading order (table-of-contents entries are skipped).
pub fn parts(lines: &[Line], doc: &Grammar) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if is_toc_line(&line.text) {
            continue;
        }
        if let Ok((_, heading)) = part_heading(&line.text) {
            let kind = if in_words(heading, doc.vocab("narrative_part")) {
                PartKind::Narrative
            } else if in_words(heading, doc.vocab("glossary_part")) {
                PartKind::Glossary
            } else if in_words(heading, doc.vocab("tables_part")) {
                PartKind::Tables
            } else {
                PartKind::Other
            };
            if let Some(prev) = parts.last_mut() {
                prev.end = i;
            }
            parts.push(Part {
                kind,
                heading: line.text.trim().to_owned(),
                heading_line: line.no,
                start: i + 1,
                end: lines.len(),
            });
        }
    }
    parts
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
    let part_heading_at = |i: usize| parts.iter().any(|p| p.heading_line == lines[i].no);
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
    if starts.is_empty() {
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
            Some(i) if is_title_line(&lines[i].text) => {
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
                close_cjk_spaces(&lines[*start].text).into_owned()
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

fn caption_starts(
    lines: &[Line],
    grammars: &GrammarSet,
    prose: &dyn Fn(usize) -> bool,
) -> Vec<(usize, String, Option<String>)> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.text.trim();
        if prose(i) || t.is_empty() || t.contains('\t') || is_toc_line(t) || t.chars().count() > 60
        {
            continue;
        }
        let f = fold(t);
        let hit = grammars.tables.iter().flat_map(|g| &g.captions).any(|c| {
            let c = fold(c);
            f.ends_with(&c) && f.chars().count() <= c.chars().count() + 16
        });
        if hit {
            out.push((i, format!("表{}", out.len() + 1), Some(t.to_owned())));
        }
    }
    out
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
