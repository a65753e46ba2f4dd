//! Raw table blocks → typed [`Table`]s: rows split into cells, key cells read (codes rejoined,
//! labels closed up and their ordinals split off), every value cell read as an amount, and every
//! change logged as a [`Repair`] with its line and table.
//!
//! Invariant: each amount printed in a table's body lands in exactly one row and column, or — when it
//! has no sound reading — in that row's `unreadable` map with an `X001` finding. Nothing is dropped.

use crate::grammar::{Grammar, KeyRole, Layout};
use crate::model::{Anomaly, Loc, Location, Repair, Row, Table};
use crate::normalize::Line;
use crate::normalize::cells::{
    CJK_SPACE, close_cjk_spaces, fold_eq, split_cells, split_row_ordinal,
};
use crate::normalize::number::{
    self, CodeReading, Reading, is_blank_mark, looks_numeric, read_amount, read_code,
};
use crate::parse::RawTable;
use crate::parse::perf::parse_performance;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Rule name for a label fragment on a line of its own, joined to the row above.
pub const WRAPPED_CELL: &str = "wrapped_cell";

/// What reading one table produced.
pub struct TableOutput {
    pub table: Table,
    pub repairs: Vec<Repair>,
    pub findings: Vec<Anomaly>,
}

/// Reads a raw table block into a typed table; `doc` is the document vocabulary (`document.layout`).
pub fn read_table(raw: &RawTable<'_>, doc: &Grammar) -> TableOutput {
    let g = raw.grammar;
    let mut cx = Cx {
        table_id: raw.id.clone(),
        repairs: Vec::new(),
        findings: Vec::new(),
    };
    let columns: Vec<String> = raw
        .columns
        .iter()
        .map(|&i| g.columns[i].path.clone())
        .collect();
    let mut rows = Vec::new();
    let mut performance = None;
    match g.layout {
        Layout::Grid => {
            let decimals = table_decimals(&raw.body, key_count(g));
            rows = read_grid(raw, doc, decimals, &mut cx);
        }
        Layout::TwoSided => {
            let decimals = table_decimals(&raw.body, 1);
            rows = read_two_sided(raw, decimals, &mut cx);
        }
        Layout::ProjectPerformance | Layout::OverallPerformance => {
            performance = Some(parse_performance(raw, &mut cx.repairs, &mut cx.findings));
        }
        Layout::Vocabulary => {}
    }
    assign_parents(&mut rows);
    // Empty: no amount printed (a table of blank rows, `合计` with nothing after it, is empty too).
    let empty = performance.is_none()
        && rows
            .iter()
            .all(|r| r.values.iter().all(Option::is_none) && r.unreadable.is_empty());
    let table = Table {
        id: raw.id.clone(),
        grammar: g.name.clone(),
        variant: g.variant.clone(),
        code_system: g.code_system.clone(),
        layout: g.layout.name(),
        title: raw.title.clone(),
        caption: raw.caption.clone(),
        department: raw.department.clone(),
        unit: raw.unit.clone(),
        columns,
        key_columns: g.keys.iter().map(|k| k.name.clone()).collect(),
        rows,
        note: raw.note.as_ref().map(|(n, _)| n.clone()),
        empty,
        performance,
        loc: Loc::line(raw.start),
        end_line: raw.end,
    };
    TableOutput {
        table,
        repairs: cx.repairs,
        findings: cx.findings,
    }
}

struct Cx {
    table_id: String,
    repairs: Vec<Repair>,
    findings: Vec<Anomaly>,
}

impl Cx {
    fn repair(&mut self, line: usize, column: &str, rule: &'static str, raw: &str, repaired: &str) {
        self.repairs.push(Repair {
            loc: Loc::line(line),
            rule,
            raw: raw.to_owned(),
            repaired: repaired.to_owned(),
            table: Some(self.table_id.clone()),
            column: Some(column.to_owned()),
        });
    }

    fn finding(
        &mut self,
        rule: &'static str,
        kind: &'static str,
        line: usize,
        message: String,
        column: Option<String>,
        row: Option<String>,
    ) {
        self.findings.push(Anomaly {
            rule,
            kind,
            severity: "warning",
            message,
            location: Location {
                line,
                page: None,
                table: Some(self.table_id.clone()),
                row,
                column,
            },
            expected: None,
            actual: None,
        });
    }

    /// Closes wrap spaces in a label cell, logging the change.
    fn label(&mut self, line: usize, column: &str, raw: &str) -> String {
        match close_cjk_spaces(raw) {
            Cow::Borrowed(same) => same.to_owned(),
            // A new string only when closing changed the trimmed text.
            Cow::Owned(closed) => {
                self.repair(line, column, CJK_SPACE, raw.trim(), &closed);
                closed
            }
        }
    }
}

fn key_count(g: &Grammar) -> usize {
    g.keys.len()
}

/// Budget tables print amounts with two decimals, in 万元 and in 元 alike; used when a table has
/// no unbroken amount to learn its precision from (every cell of the sample's 表2 is broken).
const DEFAULT_DECIMALS: u32 = 2;

/// The precision the table prints: the most common number of decimals among its unbroken amounts.
fn table_decimals(body: &[Line], skip: usize) -> Option<u32> {
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for line in body {
        for cell in split_cells(&line.text).into_iter().skip(skip) {
            let c = cell.trim();
            if c.contains(' ') || !looks_numeric(c) {
                continue;
            }
            if let Some(d) = number::amount_decimals(c) {
                *counts.entry(d as u32).or_default() += 1;
            }
        }
    }
    let learned = counts
        .into_iter()
        .max_by_key(|&(d, n)| (n, std::cmp::Reverse(d)))
        .map(|(d, _)| d);
    Some(learned.unwrap_or(DEFAULT_DECIMALS))
}

/// Reads the value cells of one row into `values`/`unreadable`, logging repairs and findings.
fn read_values(
    cells: &[&str],
    columns: &[String],
    line: usize,
    decimals: Option<u32>,
    row_label: Option<&str>,
    cx: &mut Cx,
) -> (Vec<Option<String>>, BTreeMap<usize, String>) {
    let mut values = Vec::with_capacity(columns.len());
    let mut unreadable = BTreeMap::new();
    for (i, column) in columns.iter().enumerate() {
        let raw = cells.get(i).copied().unwrap_or("");
        match read_amount(raw, decimals) {
            Reading::Empty => values.push(None),
            Reading::Amount { text, repair } => {
                if let Some(rule) = repair {
                    cx.repair(line, column, rule, raw.trim(), &text);
                }
                values.push(Some(text));
            }
            Reading::Unreadable => {
                cx.finding(
                    "X001",
                    "malformed_number",
                    line,
                    format!("cell `{}` in column {column} has no single sound reading as an amount; left as printed", raw.trim()),
                    Some(column.clone()),
                    row_label.map(str::to_owned),
                );
                unreadable.insert(i, raw.trim().to_owned());
                values.push(None);
            }
        }
    }
    (values, unreadable)
}

fn new_row(side: Option<String>, code: Option<String>, label: Option<String>, line: usize) -> Row {
    let (ordinal, name) = match &label {
        Some(l) => {
            let (o, n) = split_row_ordinal(l);
            (o, (!n.is_empty()).then(|| n.to_owned()))
        }
        None => (None, None),
    };
    Row {
        side,
        code,
        name,
        ordinal,
        parent: None,
        attrs: BTreeMap::new(),
        values: Vec::new(),
        unreadable: BTreeMap::new(),
        boxes: Vec::new(),
        value_cells: Vec::new(),
        loc: Loc::line(line),
    }
}

fn read_grid(raw: &RawTable<'_>, doc: &Grammar, decimals: Option<u32>, cx: &mut Cx) -> Vec<Row> {
    let g = raw.grammar;
    let columns: Vec<String> = raw
        .columns
        .iter()
        .map(|&i| g.columns[i].path.clone())
        .collect();
    let nkeys = key_count(g);
    // One copy of the grid, as printed: its code cells, its other keys, its values.
    let width = raw.code_cells + nkeys.saturating_sub(1) + columns.len();
    let mut rows: Vec<Row> = Vec::new();
    for line in &raw.body {
        if line.text.trim().is_empty()
            || is_repeated_header(line, &raw.header)
            || is_bare_page_number(line, cx)
        {
            continue;
        }
        // Cells borrow the line; only the cells a repair rewrites become strings of their own.
        let cells: Vec<Cow<'_, str>> = split_cells(&line.text)
            .into_iter()
            .map(Cow::Borrowed)
            .collect();
        if g.sides.is_empty() {
            let grid = GridCx {
                g,
                columns: &columns,
                code_cells: raw.code_cells,
                side: None,
                first_cell: 0,
            };
            read_grid_line(&grid, cells, line, doc, decimals, &mut rows, cx);
            continue;
        }
        // Side-by-side copies of the grid: each copy's cells make a row of its own side.
        for (k, side) in g.sides.iter().enumerate() {
            let first_cell = k * width;
            let chunk: Vec<Cow<'_, str>> = (first_cell..first_cell + width)
                .map(|i| cells.get(i).cloned().unwrap_or_default())
                .collect();
            if chunk.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let grid = GridCx {
                g,
                columns: &columns,
                code_cells: raw.code_cells,
                side: Some(side),
                first_cell,
            };
            read_grid_line(&grid, chunk, line, doc, decimals, &mut rows, cx);
        }
        if let Some(extra) = cells.get(g.sides.len() * width..) {
            let extra: Vec<&str> = extra.iter().map(AsRef::as_ref).collect();
            check_width(&extra, 0, line.no, None, cx);
        }
    }
    rows
}

/// What reading one grid line needs besides its cells.
struct GridCx<'a> {
    g: &'a Grammar,
    columns: &'a [String],
    /// Cells the code spans (`类⇥款⇥项`: 3).
    code_cells: usize,
    /// The side-by-side copy this line's cells belong to.
    side: Option<&'a String>,
    /// The position of the first cell in the printed line.
    first_cell: usize,
}

/// Reads the cells of one grid line (or of one side-by-side copy) into a row, or joins a wrapped
/// label to the row above.
fn read_grid_line(
    grid: &GridCx<'_>,
    mut cells: Vec<Cow<'_, str>>,
    line: &Line,
    doc: &Grammar,
    decimals: Option<u32>,
    rows: &mut Vec<Row>,
    cx: &mut Cx,
) {
    let (g, columns) = (grid.g, grid.columns);
    let nkeys = key_count(g);
    // A template's ellipsis line (`…⇥…`, `………`) stands for rows left out: not a row.
    if cells.iter().any(|c| !c.trim().is_empty())
        && cells
            .iter()
            .all(|c| c.trim().chars().all(|ch| matches!(ch, '…' | '.' | '·')))
    {
        return;
    }
    // A wrapped label continues on a line of its own: one short text cell, no values, no code,
    // and not a label in its own right (a total or an ordinal item with blank values).
    let texts: Vec<&str> = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if texts.len() == 1
        && is_label_fragment(texts[0], doc)
        && g.key(KeyRole::Name).is_some()
        && let Some(prev) = rows.last_mut()
        && prev.side.as_ref() == grid.side
    {
        let frag = close_cjk_spaces(texts[0]).into_owned();
        let joined = format!("{}{}", prev.name.as_deref().unwrap_or(""), frag);
        let column = g.key(KeyRole::Name).map_or("", |k| k.name.as_str());
        cx.repair(line.no, column, WRAPPED_CELL, texts[0], &joined);
        prev.name = Some(joined);
        return;
    }
    // Key cells as printed: the code's level cells, then the other keys.
    let key_cells = grid.code_cells + nkeys.saturating_sub(1);
    let name_at = g
        .keys
        .iter()
        .position(|k| k.role == KeyRole::Name)
        .map(|i| if i == 0 { 0 } else { i + grid.code_cells - 1 });
    realign_short_row(&mut cells, key_cells, columns.len(), name_at);
    blank_header_words(&mut cells, key_cells, g, doc);
    let spanned = join_code_cells(&mut cells, grid.code_cells, g, line.no, cx);
    // Extra text cells before the values belong to the label (a tab inside a long name).
    let mut merged_cells = 0;
    while grid.side.is_none()
        && cells.len() > nkeys + columns.len()
        && nkeys > 0
        && cells
            .get(nkeys)
            .is_some_and(|c| !c.trim().is_empty() && !looks_numeric(c) && !is_blank_mark(c))
    {
        merged_cells += 1;
        let extra = cells.remove(nkeys);
        let merged = format!("{}{}", cells[nkeys - 1].trim(), extra.trim());
        let column = g.keys[nkeys - 1].name.as_str();
        cx.repair(
            line.no,
            column,
            WRAPPED_CELL,
            &format!("{}⇥{}", cells[nkeys - 1].trim(), extra.trim()),
            &merged,
        );
        cells[nkeys - 1] = Cow::Owned(merged);
    }
    let cells: Vec<&str> = cells.iter().map(AsRef::as_ref).collect();
    let mut row = new_row(grid.side.cloned(), None, None, line.no);
    let mut label = None;
    for (k, key) in g.keys.iter().enumerate() {
        let cell = cells.get(k).copied().unwrap_or("");
        match key.role {
            KeyRole::Code => match read_code(cell, &g.code_lengths) {
                CodeReading::Empty => {}
                CodeReading::Code { code, repaired } => {
                    if repaired {
                        cx.repair(line.no, &key.name, number::SPLIT_CODE, cell.trim(), &code);
                    }
                    row.code = Some(code);
                }
                CodeReading::Unreadable => {
                    cx.finding(
                        "X002",
                        "malformed_code",
                        line.no,
                        format!(
                            "code cell `{}` is not a code of the allowed lengths {:?}; left as printed",
                            cell.trim(),
                            g.code_lengths
                        ),
                        Some(key.name.clone()),
                        None,
                    );
                    row.attrs.insert(key.name.clone(), cell.trim().to_owned());
                }
            },
            KeyRole::Name => {
                if !cell.trim().is_empty() {
                    label = Some(cx.label(line.no, &key.name, cell));
                }
            }
            KeyRole::Attr => {
                if !cell.trim().is_empty() {
                    let v = cx.label(line.no, &key.name, cell);
                    row.attrs.insert(key.name.clone(), v);
                }
            }
        }
    }
    if let Some(l) = label {
        let (ordinal, name) = split_row_ordinal(&l);
        row.ordinal = ordinal;
        row.name = (!name.is_empty()).then(|| name.to_owned());
    }
    let value_cells = cells.get(nkeys..).unwrap_or(&[]);
    check_width(value_cells, columns.len(), line.no, row.name.as_deref(), cx);
    let (values, unreadable) = read_values(
        value_cells,
        columns,
        line.no,
        decimals,
        row.name.as_deref(),
        cx,
    );
    let first_value = grid.first_cell + spanned + nkeys + merged_cells;
    row.value_cells = (0..values.len()).map(|i| Some(first_value + i)).collect();
    row.values = values;
    row.unreadable = unreadable;
    rows.push(row);
}

/// Rule name for a code level printed without its leading zero (`301⇥2` for 301 02).
pub const CODE_LEVEL_PADDED: &str = "code_level_padded";

/// Reads the code key's cells into one: a code printed over level cells (`201⇥03⇥01`) is joined
/// (`2010301`), a level that lost its leading zero (`301⇥2`) is padded and logged. A level word in a
/// code cell (`类⇥款⇥项⇥合计⇥…`: the level row doubling as the total row) reads as blank; a label
/// printed across the code cells (`合计⇥⇥9746.50`, `人员经费合计⇥⇥`) moves to an empty name cell.
/// Returns how many cells it removed.
fn join_code_cells<'a>(
    cells: &mut Vec<Cow<'a, str>>,
    n: usize,
    g: &Grammar,
    line: usize,
    cx: &mut Cx,
) -> usize {
    let Some(code_key) = g.keys.first().filter(|k| k.role == KeyRole::Code) else {
        return 0;
    };
    if cells.len() < n {
        return 0;
    }
    let parts: Vec<Cow<'a, str>> = cells.drain(..n).collect();
    let is_level = |p: &str| g.code_levels.iter().any(|w| fold_eq(w, p));
    let digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit() || c == ' ');
    let kept: Vec<(usize, &str)> = parts
        .iter()
        .map(|p| p.trim())
        .enumerate()
        .filter(|&(_, p)| !p.is_empty() && !is_level(p))
        .collect();
    let joined: Cow<'a, str> = if n > 1 && kept.iter().all(|(_, p)| digits(p)) {
        let widths = level_widths(&g.code_lengths);
        let mut code = String::new();
        for &(i, p) in &kept {
            let p: String = p.chars().filter(|c| !c.is_whitespace()).collect();
            match widths.get(i) {
                Some(&w) if i > 0 && p.len() < w => {
                    let padded = format!("{p:0>w$}");
                    cx.repair(line, &code_key.name, CODE_LEVEL_PADDED, &p, &padded);
                    code.push_str(&padded);
                }
                _ => code.push_str(&p),
            }
        }
        Cow::Owned(code)
    } else if kept.iter().any(|(_, p)| !digits(p) && !looks_numeric(p)) {
        let text: String = kept.iter().map(|(_, p)| *p).collect();
        let name_at = g.keys.iter().position(|k| k.role == KeyRole::Name);
        match name_at.and_then(|i| cells.get_mut(i - 1)) {
            Some(name) if name.trim().is_empty() => {
                *name = Cow::Owned(text);
                Cow::Borrowed("")
            }
            // Nowhere to move it: leave it as the code, for X002 to report.
            _ => Cow::Owned(text),
        }
    } else {
        Cow::Owned(kept.iter().map(|(_, p)| *p).collect::<Vec<_>>().join(" "))
    };
    cells.insert(0, joined);
    n - 1
}

/// The printed width of each code level: `3 5 7` → `3 2 2`.
fn level_widths(lengths: &[usize]) -> Vec<usize> {
    let mut sorted = lengths.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut prev = 0;
    sorted
        .into_iter()
        .map(|l| {
            let w = l - prev;
            prev = l;
            w
        })
        .collect()
}

/// A row printed with its key cells merged into one label (`合计⇥156,211,123⇥…` where the grid has
/// three code cells and a name cell): when the cells after the label are exactly the values, the
/// label goes to the name cell and the missing key cells are blank.
fn realign_short_row(
    cells: &mut Vec<Cow<'_, str>>,
    key_cells: usize,
    ncols: usize,
    name_at: Option<usize>,
) {
    let Some(name_at) = name_at else {
        return;
    };
    if cells.len() >= key_cells + ncols || cells.len() != ncols + 1 {
        return;
    }
    let label = cells[0].trim();
    if label.is_empty() || looks_numeric(label) || is_blank_mark(label) {
        return;
    }
    let label = cells.remove(0);
    let mut keys = vec![Cow::Borrowed(""); key_cells];
    keys[name_at] = label;
    keys.append(cells);
    *cells = keys;
}

/// Value cells that hold a header word or a total word (a header row merged into a body row:
/// `合计⇥⇥⇥合计⇥基本支出⇥项目支出`) are blank, not malformed amounts.
fn blank_header_words(cells: &mut [Cow<'_, str>], first_value: usize, g: &Grammar, doc: &Grammar) {
    for c in cells.iter_mut().skip(first_value) {
        let t = c.trim();
        if !t.is_empty()
            && !looks_numeric(t)
            && g.columns
                .iter()
                .flat_map(|col| &col.headers)
                .chain(doc.vocab("total_row"))
                .any(|h| fold_eq(h, t))
        {
            *c = Cow::Borrowed("");
        }
    }
}

fn is_label_fragment(text: &str, doc: &Grammar) -> bool {
    let label = close_cjk_spaces(text);
    !looks_numeric(text)
        && !is_blank_mark(text)
        && label.chars().count() <= 8
        && split_row_ordinal(&label).0.is_none()
        && !crate::parse::markers::in_vocab(&label, doc.vocab("total_row"))
}

/// More non-empty value cells than columns: the extras cannot be placed; say so.
fn check_width(value_cells: &[&str], ncols: usize, line: usize, row: Option<&str>, cx: &mut Cx) {
    if value_cells.iter().skip(ncols).all(|c| c.trim().is_empty()) {
        return;
    }
    let extras: Vec<&str> = value_cells
        .iter()
        .skip(ncols)
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if !extras.is_empty() {
        cx.finding(
            "L002",
            "column_count_mismatch",
            line,
            format!("row has {} value cells but the table has {ncols} columns; extra cells {:?} not placed", ncols + extras.len(), extras),
            None,
            row.map(str::to_owned),
        );
    }
}

/// A bare page number on a line of its own inside a table (`8`): a table row always has cells.
fn is_bare_page_number(line: &Line, cx: &mut Cx) -> bool {
    let t = line.text.trim();
    let bare = !line.text.contains('\t')
        && (1..=4).contains(&t.len())
        && t.bytes().all(|b| b.is_ascii_digit());
    if bare {
        cx.repairs.push(Repair {
            loc: Loc::line(line.no),
            rule: crate::normalize::prose::PAGE_NUMBER,
            raw: t.to_owned(),
            repaired: String::new(),
            table: Some(cx.table_id.clone()),
            column: None,
        });
    }
    bare
}

fn is_repeated_header(line: &Line, header: &[Line]) -> bool {
    let t = line.text.trim();
    t == "续表"
        || t.starts_with("续表")
        || header.iter().any(|h| h.text.trim() == t && !t.is_empty())
}

fn read_two_sided(raw: &RawTable<'_>, decimals: Option<u32>, cx: &mut Cx) -> Vec<Row> {
    let g = raw.grammar;
    let per_side: Vec<(String, Vec<String>)> = g
        .sides
        .iter()
        .map(|side| {
            let cols = raw
                .columns
                .iter()
                .map(|&i| &g.columns[i].path)
                .filter(|p| p.split('/').next() == Some(side.as_str()))
                .cloned()
                .collect();
            (side.clone(), cols)
        })
        .collect();
    let all_columns: Vec<String> = per_side.iter().flat_map(|(_, c)| c.clone()).collect();
    let mut rows = Vec::new();
    for line in &raw.body {
        if line.text.trim().is_empty()
            || is_repeated_header(line, &raw.header)
            || is_bare_page_number(line, cx)
        {
            continue;
        }
        let cells = split_cells(&line.text);
        let mut offset = 0;
        let mut col_offset = 0;
        for (side, cols) in &per_side {
            let width = 1 + cols.len();
            let part: Vec<&str> = (offset..offset + width)
                .map(|i| cells.get(i).copied().unwrap_or(""))
                .collect();
            offset += width;
            if part.iter().all(|c| c.trim().is_empty()) {
                col_offset += cols.len();
                continue;
            }
            let label = (!part[0].trim().is_empty())
                .then(|| cx.label(line.no, &format!("{side}/项目"), part[0]));
            let mut row = new_row(Some(side.clone()), None, label, line.no);
            let (vals, unreadable) =
                read_values(&part[1..], cols, line.no, decimals, row.name.as_deref(), cx);
            // Place this side's values in the table-wide column list, the other side's stay null.
            row.values = vec![None; all_columns.len()];
            row.value_cells = vec![None; all_columns.len()];
            let side_start = offset - width;
            for (i, v) in vals.into_iter().enumerate() {
                row.values[col_offset + i] = v;
                row.value_cells[col_offset + i] = Some(side_start + 1 + i);
            }
            row.unreadable = unreadable
                .into_iter()
                .map(|(i, v)| (col_offset + i, v))
                .collect();
            col_offset += cols.len();
            rows.push(row);
        }
        check_width(cells.get(offset..).unwrap_or(&[]), 0, line.no, None, cx);
    }
    rows
}

/// Sets each row's parent: the nearest row above (in the same side) whose code is a proper prefix.
fn assign_parents(rows: &mut [Row]) {
    for i in 0..rows.len() {
        let Some(code) = rows[i].code.clone() else {
            continue;
        };
        let parent = rows[..i]
            .iter()
            .rev()
            .filter(|r| r.side == rows[i].side)
            .filter_map(|r| r.code.as_deref())
            .find(|c| c.len() < code.len() && code.starts_with(c))
            .map(str::to_owned);
        rows[i].parent = parent;
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testkit::run;

    /// A row as (code, name, values).
    type RowView = (Option<String>, Option<String>, Vec<Option<String>>);

    fn rows(d: &crate::model::Dataset, id: &str) -> Vec<RowView> {
        let t = d.tables.iter().find(|t| t.id == id).expect("table");
        t.rows
            .iter()
            .map(|r| (r.code.clone(), r.name.clone(), r.values.clone()))
            .collect()
    }

    fn v(s: &str) -> Option<String> {
        (!s.is_empty()).then(|| s.to_owned())
    }

    #[test]
    fn level_cells_join_into_one_code() {
        let d = run(&[
            "某局2025年部门预算",
            "2025年部门支出预算总表",
            "编制部门：某局\t单位：元",
            "项目\t\t\t\t支出预算\t\t",
            "功能分类科目编码\t\t\t功能分类科目名称\t合计\t基本支出\t项目支出",
            "类\t款\t项\t\t\t\t",
            "201\t\t\t一般公共服务支出\t10.00\t6.00\t4.00",
            "201\t3\t\t政府办公厅（室）及相关机构事务\t10.00\t6.00\t4.00",
            "201\t03\t01\t行政运行\t10.00\t6.00\t4.00",
            "合计\t10.00\t6.00\t4.00",
        ]);
        let r = rows(&d, "表1");
        let codes: Vec<Option<&str>> = r.iter().map(|r| r.0.as_deref()).collect();
        assert_eq!(
            codes,
            vec![Some("201"), Some("20103"), Some("2010301"), None]
        );
        // The short total row: its label is the name, its values line up.
        assert_eq!(r[3].1.as_deref(), Some("合计"));
        assert_eq!(r[3].2, vec![v("10.00"), v("6.00"), v("4.00")]);
        // The 款 that lost its leading zero is padded, and the repair logged.
        let padded: Vec<(&str, &str)> = d
            .repairs
            .iter()
            .filter(|r| r.rule == super::CODE_LEVEL_PADDED)
            .map(|r| (r.raw.as_str(), r.repaired.as_str()))
            .collect();
        assert_eq!(padded, vec![("3", "03")]);
        assert!(
            d.anomalies
                .iter()
                .all(|a| a.severity != "error" && a.rule != "X002"),
            "{:#?}",
            d.anomalies
        );
    }

    #[test]
    fn caption_with_its_unit_on_the_same_line() {
        let d = run(&[
            "某局2025年部门预算",
            "2025年部门支出预算总表\t单位：元",
            "功能分类科目编码\t功能分类科目名称\t合计\t基本支出\t项目支出",
            "201\t一般公共服务支出\t10.00\t6.00\t4.00",
            "合计\t\t10.00\t6.00\t4.00",
        ]);
        let t = d.tables.first().expect("a table");
        assert_eq!(t.title, "2025年部门支出预算总表");
        assert_eq!(t.unit.as_deref(), Some("元"));
        assert_eq!(t.rows.len(), 2);
    }

    #[test]
    fn level_row_doubling_as_total_row_and_side_by_side_copies() {
        let d = run(&[
            "某局2024年度部门决算",
            "收入决算表",
            "单位：万元",
            "项目\t\t\t\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t经营收入\t附属单位上缴收入\t其他收入",
            "支出功能分类\t\t\t科目名称\t\t\t\t\t\t\t",
            "类\t款\t项\t合计\t5.00\t5.00\t\t\t\t\t",
            "201\t\t\t一般公共服务支出\t5.00\t5.00\t\t\t\t\t",
            "一般公共预算财政拨款基本支出决算表",
            "单位：万元",
            "经济分类\t\t科目名称\t决算数\t经济分类\t\t科目名称\t决算数",
            "类\t款\t\t\t类\t款\t\t",
            "301\t\t工资福利支出\t3.00\t302\t\t商品和服务支出\t2.00",
            "301\t01\t基本工资\t3.00\t302\t01\t办公费\t2.00",
            "人员经费合计\t\t\t3.00\t公用经费合计\t\t\t2.00",
        ]);
        let r = rows(&d, "表1");
        assert_eq!(
            r[0],
            (
                None,
                Some("合计".into()),
                vec![v("5.00"), v("5.00"), None, None, None, None, None]
            )
        );
        assert_eq!(r[1].0.as_deref(), Some("201"));
        let t = d.tables.iter().find(|t| t.id == "表2").expect("表2");
        let sides: Vec<(Option<&str>, Option<&str>, Option<&str>)> = t
            .rows
            .iter()
            .map(|r| (r.side.as_deref(), r.code.as_deref(), r.name.as_deref()))
            .collect();
        assert_eq!(
            sides,
            vec![
                (Some("人员经费"), Some("301"), Some("工资福利支出")),
                (Some("公用经费"), Some("302"), Some("商品和服务支出")),
                (Some("人员经费"), Some("30101"), Some("基本工资")),
                (Some("公用经费"), Some("30201"), Some("办公费")),
                (Some("人员经费"), None, Some("人员经费合计")),
                (Some("公用经费"), None, Some("公用经费合计")),
            ]
        );
        assert!(
            d.anomalies
                .iter()
                .all(|a| !matches!(a.rule, "X001" | "X002" | "A002" | "A003")),
            "{:#?}",
            d.anomalies
        );
        // A wrong side total is reported on its side.
        let mut broken = vec![
            "某局2024年度部门决算",
            "一般公共预算财政拨款基本支出决算表",
            "单位：万元",
            "经济分类\t\t科目名称\t决算数\t经济分类\t\t科目名称\t决算数",
            "类\t款\t\t\t类\t款\t\t",
            "301\t\t工资福利支出\t3.00\t302\t\t商品和服务支出\t2.00",
        ];
        broken.push("人员经费合计\t\t\t3.00\t公用经费合计\t\t\t2.50");
        let d = run(&broken);
        let a003: Vec<&str> = d
            .anomalies
            .iter()
            .filter(|a| a.rule == "A003")
            .map(|a| a.message.as_str())
            .collect();
        assert_eq!(a003.len(), 1, "{a003:?}");
        assert!(a003[0].starts_with("表1 公用经费 total row"), "{a003:?}");
    }
}
