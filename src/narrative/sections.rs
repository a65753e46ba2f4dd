//! Sections of the narrative part: `一、…` headings open top-level sections, `（一）…` / `(一)…`
//! headings open sub-sections of the enclosing top-level section.
//!
//! Takes the part's blocks in order; gives [`Section`]s, each with its paragraphs (the non-heading
//! blocks up to the next heading). Text before the first heading goes into a section with heading "".
//! A numbered sentence (`（一）人员经费 2,334.64 万元，包括：`) is a heading too: its text after the
//! number is the heading, as printed. Never reads figures: facts and statements come from all blocks,
//! headings included, elsewhere.

use crate::model::{Loc, Paragraph, Section};
use crate::normalize::cells::split_ordinal;
use crate::normalize::prose::ProseBlock;

/// A block that opens a section: its number (`一`, `（一）`) and heading text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heading {
    pub number: String,
    pub text: String,
    pub top_level: bool,
}

/// The heading a block is, if it is one.
pub(crate) fn heading(text: &str) -> Option<Heading> {
    let (number, rest) = split_ordinal(text);
    let number = number?;
    // `split_ordinal` writes sub-section numbers with full-width brackets, whichever it read.
    let top_level = !number.starts_with('（');
    Some(Heading {
        number,
        text: rest.trim().to_owned(),
        top_level,
    })
}

/// Groups blocks into sections.
pub(crate) fn build(blocks: &[ProseBlock]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut top_heading: Option<String> = None;
    for block in blocks {
        match heading(&block.text) {
            Some(h) => {
                let parent = if h.top_level {
                    top_heading = Some(h.text.clone());
                    None
                } else {
                    top_heading.clone()
                };
                sections.push(Section {
                    number: Some(h.number),
                    heading: h.text,
                    parent,
                    paragraphs: Vec::new(),
                    loc: Loc::line(block.lines.first().copied().unwrap_or(0)),
                });
            }
            None => {
                if sections.is_empty() {
                    sections.push(untitled(block));
                }
                if let Some(section) = sections.last_mut() {
                    section.paragraphs.push(Paragraph {
                        text: block.text.clone(),
                        lines: block.lines.clone(),
                    });
                }
            }
        }
    }
    sections
}

/// The section of text before the first heading.
fn untitled(block: &ProseBlock) -> Section {
    Section {
        number: None,
        heading: String::new(),
        parent: None,
        paragraphs: Vec::new(),
        loc: Loc::line(block.lines.first().copied().unwrap_or(0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(no: usize, text: &str) -> ProseBlock {
        ProseBlock {
            text: text.to_owned(),
            lines: vec![no],
            offsets: vec![(0, no)],
        }
    }

    #[test]
    fn headings_nest_and_paragraphs_follow() {
        let blocks = [
            block(1, "按照综合预算的原则，所有收入和支出均纳入部门预算管理。"),
            block(3, "五、一般公共预算支出安排情况"),
            block(5, "（一）一般公共预算拨款规模变化情况"),
            block(7, "2026年一般公共预算拨款4,335.95万元。"),
            block(9, "(二)一般公共预算拨款结构情况"),
            block(11, "1.科学技术支出 10 万元。"),
            block(13, "六、其他"),
        ];
        let s = build(&blocks);
        let got: Vec<_> = s
            .iter()
            .map(|s| {
                (
                    s.number.as_deref(),
                    s.heading.as_str(),
                    s.parent.as_deref(),
                    s.paragraphs.len(),
                    s.loc.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (None, "", None, 1, 1),
                (Some("五"), "一般公共预算支出安排情况", None, 0, 3),
                (
                    Some("（一）"),
                    "一般公共预算拨款规模变化情况",
                    Some("一般公共预算支出安排情况"),
                    1,
                    5
                ),
                (
                    Some("（二）"),
                    "一般公共预算拨款结构情况",
                    Some("一般公共预算支出安排情况"),
                    1,
                    9
                ),
                (Some("六"), "其他", None, 0, 13),
            ]
        );
        assert_eq!(s[3].paragraphs[0].lines, vec![11]);
    }

    #[test]
    fn sub_section_before_any_top_level_has_no_parent() {
        let s = build(&[block(1, "（一）机关运行经费情况")]);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].parent, None);
        assert!(build(&[]).is_empty());
    }
}
