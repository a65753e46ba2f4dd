//! Parse: canonical lines → [`ParsedDocument`]: the title facts, the table blocks (each matched to a
//! grammar, split into header and body), and the narrative part's lines.
//!
//! Recognition is guided by the grammars: a table starts at a `表 N` marker (or, in documents that
//! number none, at a line that is one of a grammar's captions); its grammar is the one whose caption
//! aliases and header words fit best. Parsing never fails: what it cannot place becomes a finding.
//! Cells stay raw here; `normalize::tables` reads them.

pub mod markers;
pub mod perf;

use crate::grammar::{Grammar, GrammarSet, KeyRole, Layout};
use crate::model::{Anomaly, Location};
use crate::normalize::Line;
use crate::normalize::cells::{close_cjk_spaces, fold, split_cells, split_ordinal};
use crate::normalize::number::looks_numeric;
use markers::{PartKind, TableMarker};
use std::cmp::Reverse;

/// What the parser found in one document.
#[derive(Debug)]
pub struct ParsedDocument<'g> {
    pub title: Option<Line>,
    pub year: Option<i32>,
    pub department: Option<String>,
    pub kind: Option<String>,
    /// `部门` (a department's consolidated disclosure) or `单位` (one budget unit's).
    pub scope: Option<String>,
    pub tables: Vec<RawTable<'g>>,
    /// Lines of the narrative part (情况说明), its part heading excluded.
    pub narrative: Vec<Line>,
    /// The document's parts in reading order (validation reads them too).
    pub parts: Vec<markers::Part>,
    pub findings: Vec<Anomaly>,
}

/// A table block matched to its grammar; cells not yet read.
#[derive(Debug)]
pub struct RawTable<'g> {
    pub id: String,
    pub grammar: &'g Grammar,
    pub title: String,
    pub caption: Option<String>,
    pub department: Option<String>,
    pub unit: Option<String>,
    /// Header lines (for grid and two-sided layouts) — every line before the first body line.
    pub header: Vec<Line>,
    /// Body lines: data rows, or the whole form for performance layouts.
    pub body: Vec<Line>,
    /// Value columns whose header words were found, in grammar order (indices into `grammar.columns`).
    pub columns: Vec<usize>,
    /// How many cells the code key spans: 1, or the number of level cells (`类 款 项`) the header
    /// prints when the grammar declares `levels`.
    pub code_cells: usize,
    pub note: Option<(String, usize)>,
    pub start: usize,
    pub end: usize,
}

/// Parses canonical lines into document facts, table blocks and narrative lines.
pub fn parse<'g>(lines: &[Line], grammars: &'g GrammarSet) -> ParsedDocument<'g> {
    let doc = grammars.document();
    let mut findings = Vec::new();
    let cover = markers::cover(lines, doc);
    let title = cover.title.clone();
    let (year, department, kind) = title
        .as_ref()
        .map(|t| markers::title_facts(&t.text, doc))
        .unwrap_or_default();
    let department = cover.department.clone().or(department);
    let scope = kind.as_ref().map(|_| cover.scope(doc).to_owned());

    let parts = markers::parts(lines, grammars);
    let narrative: Vec<Line> = narrative_lines(lines, &parts)
        .into_iter()
        .cloned()
        .collect();

    let blocks = markers::table_blocks(lines, &parts, grammars);
    let captions = markers::Captions::shared(grammars);
    let mut tables = Vec::new();
    for block in blocks {
        match build_table(lines, &block, grammars, &captions) {
            Some(t) => tables.push(t),
            None => findings.push(unrecognized(&block)),
        }
    }
    ParsedDocument {
        title,
        year,
        department,
        kind,
        scope,
        tables,
        narrative,
        parts,
        findings,
    }
}

/// The lines of the narrative parts, in order (a document may split its narrative around the tables).
pub fn narrative_lines<'a>(lines: &'a [Line], parts: &[markers::Part]) -> Vec<&'a Line> {
    parts
        .iter()
        .filter(|p| p.kind == PartKind::Narrative)
        .flat_map(|p| &lines[p.start..p.end])
        .collect()
}

fn unrecognized(block: &TableMarker) -> Anomaly {
    Anomaly {
        rule: "L001",
        kind: "unrecognized_table",
        severity: "warning",
        message: format!(
            "{} `{}` matches no table grammar; its cells were not read",
            block.id, block.title
        ),
        location: Location {
            table: Some(block.id.clone()),
            ..Location::line(block.start_line)
        },
        expected: None,
        actual: None,
    }
}

/// Lines of a block after its title and meta lines, with the meta values taken out.
struct BlockMeta {
    department: Option<String>,
    unit: Option<String>,
    content: Vec<Line>,
}

/// Reads one meta cell (`单位：万元`, `部门：…`, `填报日期：…`) into `meta`; true when it was one.
fn take_meta(cell: &str, doc: &Grammar, meta: &mut BlockMeta) -> bool {
    let Some((label, value)) = markers::meta_pair(cell) else {
        return false;
    };
    if markers::in_vocab(&label, doc.vocab("meta_unit")) {
        meta.unit = markers::money_unit(&value, doc);
    } else if markers::in_vocab(&label, doc.vocab("meta_department")) {
        meta.department = Some(value);
    } else {
        return markers::in_vocab(&label, doc.vocab("meta_date"));
    }
    true
}

fn block_meta(block_lines: &[Line], title_line: usize, doc: &Grammar) -> BlockMeta {
    let mut meta = BlockMeta {
        department: None,
        unit: None,
        content: Vec::new(),
    };
    for line in block_lines {
        if line.no < title_line
            || line.text.trim().is_empty()
            || markers::is_table_marker(&line.text)
        {
            continue;
        }
        // The title line's own cells after the title (`…收支总表⇥单位：元`) are meta too.
        if line.no == title_line {
            for cell in split_cells(&line.text).into_iter().skip(1) {
                take_meta(cell, doc, &mut meta);
            }
            continue;
        }
        let mut consumed = false;
        if !meta
            .content
            .iter()
            .any(|l: &Line| !l.text.trim().is_empty())
        {
            for cell in split_cells(&line.text) {
                consumed |= take_meta(cell, doc, &mut meta);
            }
        }
        if !consumed {
            meta.content.push(line.clone());
        }
    }
    meta
}

/// How well a grammar fits a block, best highest: key headers all found, fewest required columns
/// unheaded, longest caption alias, most column headers found.
type FitScore = (bool, Reverse<usize>, usize, usize);

/// Matches a block to a grammar and splits header from body.
fn build_table<'g>(
    lines: &[Line],
    block: &TableMarker,
    grammars: &'g GrammarSet,
    captions: &markers::Captions,
) -> Option<RawTable<'g>> {
    let doc = grammars.document();
    let block_lines = &lines[block.start_line - 1..block.end_line];
    let meta = block_meta(block_lines, block.title_line, doc);
    // The block's title and caption, folded once for every grammar's captions.
    let texts = block_texts(block);
    let scores = captions.scores(&texts);
    let candidates = grammars
        .tables
        .iter()
        .zip(scores)
        .filter(|&(_, score)| score > 0);
    let mut best: Option<(FitScore, &Grammar, usize)> = None;
    for (g, caption_score) in candidates {
        let split = split_header(&meta.content, g, doc);
        let header_text = fold(
            &meta.content[..split]
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join(""),
        );
        let keys_ok = g
            .keys
            .iter()
            .all(|k| k.headers.iter().any(|h| header_text.contains(&fold(h))));
        let matched = matched_columns(g, &header_text).len();
        // A variant whose required columns are not all headed fits worse than one whose are.
        let missing = g
            .columns
            .iter()
            .filter(|c| !c.optional && !c.headers.iter().any(|h| header_text.contains(&fold(h))))
            .count();
        let score = (keys_ok, Reverse(missing), caption_score, matched);
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, g, split));
        }
    }
    let (_, grammar, split) = best?;
    let header: Vec<Line> = meta.content[..split].to_vec();
    let header_text = fold(
        &header
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join(""),
    );
    let mut body: Vec<Line> = meta.content[split..].to_vec();
    let mut note = None;
    if matches!(grammar.layout, Layout::Grid | Layout::TwoSided)
        && let Some(pos) = body
            .iter()
            .position(|l| markers::note_text(&l.text, doc).is_some())
    {
        // The note runs to the table's end (`注：本表反映…` then `说明：…本表无数据。`).
        let l = &body[pos];
        let text: Vec<&str> = body[pos..]
            .iter()
            .map(|l| l.text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        note = Some((text.join("\n"), l.no));
        body.truncate(pos);
    }
    let mut columns = matched_columns(grammar, &header_text);
    if columns.is_empty() || header.is_empty() {
        // No header words to go by (a header lost in extraction): assume the grammar's required columns.
        columns = (0..grammar.columns.len())
            .filter(|&i| !grammar.columns[i].optional)
            .collect();
    }
    let code_cells = code_cells(&header, body.first(), grammar);
    Some(RawTable {
        code_cells,
        id: block.id.clone(),
        grammar,
        title: block.title.clone(),
        caption: block.caption.clone(),
        department: meta.department,
        unit: meta.unit,
        header,
        body,
        columns,
        note,
        start: block.start_line,
        end: block.end_line,
    })
}

/// The number of level cells (`类⇥款⇥项`) a header line (or the first body line, which some
/// editions print on the level row: `类⇥款⇥项⇥合计⇥2,946.25`) opens with; 1 when none.
fn code_cells(header: &[Line], first_body: Option<&Line>, g: &Grammar) -> usize {
    if g.code_levels.is_empty() {
        return 1;
    }
    header
        .iter()
        .chain(first_body)
        .map(|l| {
            split_cells(&l.text)
                .iter()
                .zip(&g.code_levels)
                .take_while(|(c, w)| fold(c) == fold(w))
                .count()
        })
        .find(|&n| n >= 2)
        .unwrap_or(1)
}

/// The block's title and caption, folded, as [`caption_score`] reads them.
fn block_texts(block: &TableMarker) -> Vec<String> {
    [Some(&block.title), block.caption.as_ref()]
        .into_iter()
        .flatten()
        .map(|t| fold(t))
        .collect()
}

/// Length of the longest caption alias found in the block's title or caption (`texts`, from
/// [`block_texts`]; 0: none): what [`markers::Captions::scores`] gives for every grammar at once.
#[cfg(test)]
fn caption_score(g: &Grammar, texts: &[String]) -> usize {
    // The captions were folded when the grammar was loaded.
    g.folded_captions
        .iter()
        .filter(|c| texts.iter().any(|t| t.contains(c.as_str())))
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0)
}

/// Indices of the grammar's columns whose header words appear; required columns are always kept.
fn matched_columns(g: &Grammar, header_text: &str) -> Vec<usize> {
    let found: Vec<bool> = g
        .columns
        .iter()
        .map(|c| c.headers.iter().any(|h| header_text.contains(&fold(h))))
        .collect();
    if !found.iter().any(|&f| f) {
        return Vec::new();
    }
    (0..g.columns.len())
        .filter(|&i| !g.columns[i].optional || found[i])
        .collect()
}

/// Number of leading content lines that are header lines for this grammar.
fn split_header(content: &[Line], g: &Grammar, doc: &Grammar) -> usize {
    match g.layout {
        Layout::Grid | Layout::TwoSided => content
            .iter()
            .position(|l| is_body_line(&l.text, g, doc))
            .unwrap_or(content.len()),
        _ => 0,
    }
}

/// A body line holds a number, a code in its first cell, an ordinal or total label in a label
/// cell, or a note. Header lines hold words only — `合计` in a value column is a header word.
fn is_body_line(text: &str, g: &Grammar, doc: &Grammar) -> bool {
    if markers::note_text(text, doc).is_some() {
        return true;
    }
    let cells = split_cells(text);
    let label_slots = label_positions(g);
    let has_code_key = g.key(KeyRole::Code).is_some();
    cells.iter().enumerate().any(|(i, c)| {
        let c = c.trim();
        if c.is_empty() {
            return false;
        }
        if i == 0 && has_code_key && c.chars().all(|ch| ch.is_ascii_digit() || ch == ' ') {
            return true;
        }
        if looks_numeric(c) {
            return true;
        }
        if !label_slots.contains(&i) {
            return false;
        }
        let label = close_cjk_spaces(c);
        split_ordinal(&label).0.is_some() || markers::in_vocab(&label, doc.vocab("total_row"))
    })
}

/// Cell positions that hold row labels: the key columns of a grid, each side's first cell of a
/// two-sided table.
fn label_positions(g: &Grammar) -> Vec<usize> {
    match g.layout {
        Layout::TwoSided => {
            let first_side = g.sides.first().map(String::as_str).unwrap_or_default();
            let left = g
                .columns
                .iter()
                .filter(|c| c.path.split('/').next() == Some(first_side) && !c.optional)
                .count();
            vec![0, 1 + left]
        }
        _ => (0..g.keys.len()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The caption index scores every grammar as a search for each of its captions does.
    #[test]
    fn caption_scores_agree_with_searching_each_caption() {
        let set = GrammarSet::builtin().unwrap();
        let captions = markers::Captions::shared(&set);
        let mut texts: Vec<Vec<String>> = vec![vec![], vec![String::new()]];
        for g in &set.tables {
            for c in &g.folded_captions {
                texts.push(vec![c.clone()]);
                texts.push(vec![format!("2026年{c}"), "单位:万元".to_owned()]);
                let cut: String = c.chars().skip(2).collect();
                texts.push(vec![cut.clone(), format!("表1{cut}(续)")]);
            }
        }
        for t in &texts {
            let want: Vec<usize> = set.tables.iter().map(|g| caption_score(g, t)).collect();
            assert_eq!(captions.scores(t), want, "{t:?}");
        }
    }
}
