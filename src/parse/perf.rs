//! Performance-target forms (表11 整体支出绩效目标表, 表12-n 项目支出绩效目标表): a table's body
//! lines in, its [`Performance`] out — form fields, the funding and project lists (表11), funding
//! sources, budget and procurement lines (表12-n), goal statements and indicator grids.
//!
//! The forms are grids of merged cells, and extraction shifts cells left or right from one row to
//! the next (an indicator's 一级指标 sits in column 1 on one row and column 0 on the next). So a
//! cell is placed by what it says, not where it sits: a form label, a section word, a level-1
//! indicator word, a basis word (历史标准), a target (`≥95%`, `提升`, `-`), or other text. Every word
//! comes from the grammar's `vocab` lists (names in [`vocab`]), so another province's variant of the
//! form is a change to its grammar file, not to this module.
//!
//! The body is read line by line. A line opening with a form label holds label/value pairs; one
//! opening with a section word (项目支出明细测算, 长期绩效目标表, …) starts that block, its other
//! cells being the block's column headings; one opening with a goal label (`长期目标 1:`) is a goal
//! statement; any other line belongs to the block being read. Each repair to the text (a wrap space
//! closed, a wrapped fragment joined back) is logged as a [`Repair`]; a line that fits nowhere is an
//! `L003` finding. Nothing here panics on input.

use crate::grammar::{Grammar, Layout, ListId};
use crate::model::{
    Anomaly, BudgetLine, Field, FundingLine, Goal, Indicator, IndicatorSet, Loc, Location,
    Performance, ProcurementLine, ProjectLine, Quantity, Repair, Target,
};
use crate::normalize::Line;
use crate::normalize::cells::{
    CJK_SPACE, close_cjk_spaces, fold, fold_char, fold_cow, folded_chars, folds, is_cjk,
    split_cells,
};
use crate::normalize::number::{Reading, is_blank_mark, read_amount};
use crate::normalize::target::{is_quantitative, parse_quantity, parse_target};
use crate::parse::RawTable;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Rule name for a cell fragment that wrapped onto a line of its own, joined back to its cell.
pub const WRAPPED_CELL: &str = "wrapped_cell";
/// Rule name for a form label split from the value it was run together with.
pub const GLUED_LABEL: &str = "glued_label";

/// Names of the grammar word lists this module reads (see `grammars/*_performance.layout`).
pub mod vocab {
    /// Form labels (项目名称, 填报人, …).
    pub const FIELD: &str = "field";
    /// Section words, one list per block.
    pub const FUNDING: &str = "funding";
    pub const PROJECTS: &str = "projects";
    pub const GOALS: &str = "goals";
    pub const SOURCES: &str = "sources";
    pub const BUDGET: &str = "budget";
    pub const PROCURE: &str = "procure";
    /// Grid labels, optionally followed by a number (`长期绩效指标 1`, `年度绩效目标表`).
    pub const LONG_GRID: &str = "long_grid";
    pub const YEAR_GRID: &str = "year_grid";
    /// 表11 funding: value columns, a heading whose sub-columns are on the next line, row groups.
    pub const FUNDING_COLUMN: &str = "funding_column";
    pub const FUNDING_SPLIT: &str = "funding_split";
    pub const GROUP: &str = "group";
    /// 表12 funding sources: the value column.
    pub const SOURCE_COLUMN: &str = "source_column";
    /// Prefixes of a 支出经济分类 cell.
    pub const ECONOMIC_CLASS: &str = "economic_class";
    pub const MONEY_UNIT: &str = "money_unit";
    /// A procurement row meaning "nothing bought" (`无`).
    pub const NONE_ITEM: &str = "none_item";
    /// Goal statement labels (`长期目标`, `年度绩效目标`), and 表11's `目标 N:` items.
    pub const GOAL_LABEL: &str = "goal_label";
    pub const GOAL_ITEM: &str = "goal_item";
    pub const LEVEL1: &str = "level1";
    /// `level2:<level1 word>` lists the second levels under each first level.
    pub const LEVEL2_PREFIX: &str = "level2:";
    pub const LEVEL2_SUFFIX: &str = "level2_suffix";
    pub const BASIS: &str = "basis";
    pub const QUALITATIVE: &str = "qualitative";
    /// Column headings: of the grids (`header`) and of the other blocks (`form_header`).
    pub const HEADER: &str = "header";
    pub const FORM_HEADER: &str = "form_header";
    pub const TARGET_COLUMN: &str = "target_column";
    pub const TARGET_GROUP: &str = "target_group";
}

const HORIZON_LONG: &str = "long_term";
const HORIZON_ANNUAL: &str = "annual";

/// Reads a performance form's body lines into [`Performance`]; repairs and findings are appended.
pub fn parse_performance(
    table: &RawTable<'_>,
    repairs: &mut Vec<Repair>,
    findings: &mut Vec<Anomaly>,
) -> Performance {
    if !matches!(
        table.grammar.layout,
        Layout::OverallPerformance | Layout::ProjectPerformance
    ) {
        return Performance::default();
    }
    let mut reader = Reader::new(table, repairs, findings);
    for line in &table.body {
        let row = reader.row(line);
        if !row.cells.is_empty() {
            reader.read(&row);
        }
    }
    reader.out
}

/// The block of the form the lines being read belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Form,
    Funding,
    Projects,
    OverallGoals,
    Sources,
    Budget,
    Procurement,
    Goals,
    Grid,
}

/// Section word lists and the block each opens (grids are found apart: their label carries a number).
const SECTIONS: &[(&str, Block)] = &[
    (vocab::FUNDING, Block::Funding),
    (vocab::PROJECTS, Block::Projects),
    (vocab::GOALS, Block::OverallGoals),
    (vocab::SOURCES, Block::Sources),
    (vocab::BUDGET, Block::Budget),
    (vocab::PROCURE, Block::Procurement),
];

/// One body line: its number and its non-empty cells, trimmed, wrap spaces closed. `'l` is the
/// lifetime of the table's lines and grammar (the shorter of the two).
struct Row<'l> {
    no: usize,
    cells: Vec<Cell<'l>>,
}

/// One cell of a body line, folded once and looked up once in the grammar's word lists: every
/// cell is tested against a dozen lists, and folding and scanning the lists for each test was
/// most of the cost of reading a form.
#[derive(Clone)]
struct Cell<'l> {
    /// Borrowed from the line unless a repair changed it: most cells are read as printed.
    text: Cow<'l, str>,
    /// `fold(text)`, when folding changes the text.
    folded: Option<String>,
    /// The word lists that hold the cell's folded text.
    lists: &'l [ListId],
}

impl<'l> Cell<'l> {
    fn new(text: Cow<'l, str>, g: &'l Grammar) -> Self {
        let folded = match fold_cow(&text) {
            Cow::Borrowed(_) => None,
            Cow::Owned(f) => Some(f),
        };
        let lists = g.vocab_index.lists_of(folded.as_deref().unwrap_or(&text));
        Cell {
            text,
            folded,
            lists,
        }
    }

    /// A cell whose text folding leaves as it is (no whitespace, no mark to fold).
    fn folded_as_is(text: &'l str, g: &'l Grammar) -> Self {
        let lists = g.vocab_index.lists_of(text);
        let text = Cow::Borrowed(text);
        Cell {
            text,
            folded: None,
            lists,
        }
    }

    fn folded(&self) -> &str {
        self.folded.as_deref().unwrap_or(&self.text)
    }
}

/// The cells' texts.
fn texts<'c>(cells: &'c [Cell<'_>]) -> Vec<&'c str> {
    cells.iter().map(|c| &*c.text).collect()
}

/// The grammar's word lists this module reads, resolved once per table; a list the grammar lacks
/// is `None` and matches nothing.
struct Lists {
    field: Option<ListId>,
    group: Option<ListId>,
    funding_column: Option<ListId>,
    funding_split: Option<ListId>,
    source_column: Option<ListId>,
    money_unit: Option<ListId>,
    none_item: Option<ListId>,
    level1: Option<ListId>,
    basis: Option<ListId>,
    qualitative: Option<ListId>,
    header: Option<ListId>,
    form_header: Option<ListId>,
    target_column: Option<ListId>,
    target_group: Option<ListId>,
    sections: Vec<(Option<ListId>, Block)>,
}

impl Lists {
    fn new(g: &Grammar) -> Self {
        let id = |name: &str| g.vocab_index.list_id(name);
        Lists {
            field: id(vocab::FIELD),
            group: id(vocab::GROUP),
            funding_column: id(vocab::FUNDING_COLUMN),
            funding_split: id(vocab::FUNDING_SPLIT),
            source_column: id(vocab::SOURCE_COLUMN),
            money_unit: id(vocab::MONEY_UNIT),
            none_item: id(vocab::NONE_ITEM),
            level1: id(vocab::LEVEL1),
            basis: id(vocab::BASIS),
            qualitative: id(vocab::QUALITATIVE),
            header: id(vocab::HEADER),
            form_header: id(vocab::FORM_HEADER),
            target_column: id(vocab::TARGET_COLUMN),
            target_group: id(vocab::TARGET_GROUP),
            sections: SECTIONS
                .iter()
                .map(|&(list, block)| (id(list), block))
                .collect(),
        }
    }
}

/// The cell is one of the list's words (compared folded: no spaces, ASCII brackets).
fn is(list: Option<ListId>, cell: &Cell<'_>) -> bool {
    list.is_some_and(|id| cell.lists.contains(&id))
}

/// What one grid cell is, by its content.
enum Part {
    Level1,
    Level2,
    Basis,
    /// A target value; `None` for a printed blank (`-`), which still holds its column.
    Target(Option<Target>),
    Text,
}

/// One grid row's cells, sorted out.
#[derive(Default)]
struct Draft {
    level1: Option<String>,
    level2: Option<String>,
    level3: Option<String>,
    targets: Vec<Option<Target>>,
    basis: Option<String>,
    extras: Vec<String>,
}

struct Reader<'a, 'g> {
    table: &'a RawTable<'g>,
    g: &'g Grammar,
    repairs: &'a mut Vec<Repair>,
    findings: &'a mut Vec<Anomaly>,
    out: Performance,
    block: Block,
    /// 表11 funding: column labels, where the sub-columns printed on the next line go, the group.
    funding_columns: Vec<String>,
    funding_split: Option<usize>,
    group: Option<String>,
    source_columns: Vec<String>,
    /// 表11 整体绩效总目标: the headings of its goal columns (长期目标…, 年度目标).
    goal_columns: Vec<String>,
    /// The current grid's header words, and the levels carried down its rows.
    grid_header: Vec<String>,
    level1: Option<String>,
    level2: Option<String>,
    /// Looked up for every cell, so prepared once per table: the lists, each level-1 word with its
    /// `level2:<word>` list, the form labels longest first (with their folded forms), and the word
    /// lists read by prefix or suffix.
    lists: Lists,
    level2_lists: Vec<(&'g String, Option<ListId>)>,
    field_labels: Vec<(&'g String, &'g String)>,
    goal_labels: Vec<&'g String>,
    goal_items: Vec<&'g String>,
    long_grid: &'g [String],
    year_grid: &'g [String],
    level2_suffixes: &'g [String],
    economic_classes: &'g [String],
}

impl<'a, 'g> Reader<'a, 'g> {
    fn new(
        table: &'a RawTable<'g>,
        repairs: &'a mut Vec<Repair>,
        findings: &'a mut Vec<Anomaly>,
    ) -> Self {
        let g = table.grammar;
        let level2_lists = g
            .vocab(vocab::LEVEL1)
            .iter()
            .map(|l1| {
                let list = format!("{}{l1}", vocab::LEVEL2_PREFIX);
                (l1, g.vocab_index.list_id(&list))
            })
            .collect();
        let mut field_labels: Vec<(&String, &String)> = g
            .vocab(vocab::FIELD)
            .iter()
            .zip(g.folded_vocab(vocab::FIELD))
            .collect();
        field_labels.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
        Reader {
            table,
            g,
            repairs,
            findings,
            out: Performance::default(),
            block: Block::Form,
            funding_columns: Vec::new(),
            funding_split: None,
            group: None,
            source_columns: Vec::new(),
            goal_columns: Vec::new(),
            grid_header: Vec::new(),
            level1: None,
            level2: None,
            lists: Lists::new(g),
            level2_lists,
            field_labels,
            goal_labels: longest_first(g.vocab(vocab::GOAL_LABEL)),
            goal_items: longest_first(g.vocab(vocab::GOAL_ITEM)),
            long_grid: g.folded_vocab(vocab::LONG_GRID),
            year_grid: g.folded_vocab(vocab::YEAR_GRID),
            level2_suffixes: g.folded_vocab(vocab::LEVEL2_SUFFIX),
            economic_classes: g.folded_vocab(vocab::ECONOMIC_CLASS),
        }
    }

    // ---- lines and cells ----

    /// Splits a line into its non-empty cells and closes wrap spaces (`满意度 指标`), logging each.
    fn row(&mut self, line: &'a Line) -> Row<'a> {
        let mut cells = Vec::new();
        for raw in split_cells(&line.text)
            .into_iter()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            if !folds(raw) {
                // No whitespace to close and nothing to fold: the common cell, scanned once.
                cells.push(Cell::folded_as_is(raw, self.g));
                continue;
            }
            // `raw` is trimmed, so the closed text differs from it exactly when it is a new string.
            let closed = match close_cjk_spaces(raw) {
                Cow::Borrowed(same) => Cow::Borrowed(same),
                Cow::Owned(closed) => {
                    self.repair(line.no, CJK_SPACE, raw, &closed);
                    Cow::Owned(closed)
                }
            };
            cells.push(Cell::new(closed, self.g));
        }
        Row { no: line.no, cells }
    }

    /// Routes one line: form labels, section words, grid labels and goal labels are recognised
    /// wherever the reader is; other lines belong to the current block.
    fn read(&mut self, row: &Row<'a>) {
        let Some(first) = row.cells.first() else {
            return;
        };
        if is(self.lists.field, first) {
            self.block = Block::Form;
            self.read_fields(row);
        } else if let Some(unglued) = self.unglue_label(row) {
            self.block = Block::Form;
            self.read_fields(&unglued);
        } else if let Some(block) = self.section_of(first) {
            self.open_section(block, row);
        } else if let Some(horizon) = self.grid_horizon(first) {
            self.open_grid(horizon, row);
        } else if self.is_goal_row(row) {
            self.read_goal(row);
        } else if is_filler(row) {
            // `.....` or a row of `-`: a placeholder the form prints for "nothing here".
        } else if self.is_header_row(&row.cells) {
            self.read_header(row);
        } else {
            self.read_in_block(row);
        }
    }

    /// A line of column headings. In a grid, those above its first indicator name the target
    /// columns; a header repeated further down (after a page break) changes nothing.
    fn read_header(&mut self, row: &Row<'_>) {
        let grid_started = self
            .out
            .indicator_sets
            .last()
            .is_some_and(|s| !s.indicators.is_empty());
        if self.block == Block::Grid && !grid_started {
            self.grid_header
                .extend(row.cells.iter().map(|c| c.text.to_string()));
            self.update_target_columns();
        }
    }

    fn read_in_block(&mut self, row: &Row<'_>) {
        match self.block {
            Block::Funding => self.read_funding(row),
            Block::Projects => self.read_project(row),
            Block::OverallGoals => self.read_overall_goals(row),
            Block::Sources => self.read_source(row),
            Block::Budget => self.read_budget(row),
            Block::Procurement => self.read_procurement(row),
            Block::Grid => self.read_indicator(row),
            Block::Form | Block::Goals => self.unplaced(row),
        }
    }

    // ---- vocabulary lookups ----

    /// [`is`] for a text that is not one of the row's cells (a unit, a header word kept).
    fn is_text(&self, list: Option<ListId>, text: &str) -> bool {
        list.is_some_and(|id| self.g.vocab_index.lists_of(&fold_cow(text)).contains(&id))
    }

    fn words(&self, list: &str) -> &'g [String] {
        self.g.vocab(list)
    }

    fn section_of(&self, cell: &Cell<'_>) -> Option<Block> {
        self.lists
            .sections
            .iter()
            .find(|&&(list, _)| is(list, cell))
            .map(|&(_, block)| block)
    }

    /// `长期绩效指标 1` / `年度绩效目标表` → the grid's horizon. After the word only a number may follow.
    fn grid_horizon(&self, cell: &Cell<'_>) -> Option<&'static str> {
        let f = cell.folded();
        let opens = |words: &[String]| {
            words.iter().any(|w| {
                f.strip_prefix(w.as_str())
                    .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == ':'))
            })
        };
        if opens(self.long_grid) {
            Some(HORIZON_LONG)
        } else if opens(self.year_grid) {
            Some(HORIZON_ANNUAL)
        } else {
            None
        }
    }

    fn is_header_row(&self, cells: &[Cell<'_>]) -> bool {
        cells
            .iter()
            .all(|c| is(self.lists.header, c) || is(self.lists.form_header, c))
    }

    fn is_level2(&self, cell: &Cell<'_>) -> bool {
        if self.level1_of(cell).is_some() {
            return true;
        }
        let f = cell.folded();
        self.level2_suffixes
            .iter()
            .any(|s| f.len() > s.len() && f.ends_with(s.as_str()))
    }

    /// The first level a second-level word belongs to, per the `level2:<level1>` lists.
    fn level1_of(&self, level2: &Cell<'_>) -> Option<&'g String> {
        self.level1_of_lists(level2.lists)
    }

    /// [`Self::level1_of`] a word held by `lists`.
    fn level1_of_lists(&self, lists: &[ListId]) -> Option<&'g String> {
        self.level2_lists
            .iter()
            .find(|&&(_, list)| list.is_some_and(|id| lists.contains(&id)))
            .map(|&(l1, _)| l1)
    }

    /// A money amount: a number with no unit or a money unit (`20万元`, `15`), not a count (`1项`).
    fn money(&self, cell: &str) -> Option<Quantity> {
        // A cell with no digit reads as no number (it would be built only to be dropped).
        if !cell.bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        let q = parse_quantity(cell)?;
        q.value.as_ref()?;
        match &q.unit {
            Some(u) if !self.is_text(self.lists.money_unit, u) => None,
            _ => Some(q),
        }
    }

    // ---- form fields ----

    /// `项目负责人 贺小闯 联系电话 027-88936946`: each label takes the cells up to the next label.
    fn read_fields(&mut self, row: &Row<'_>) {
        let loc = Loc::line(row.no);
        let mut current: Option<Field> = None;
        for cell in &row.cells {
            if is(self.lists.field, cell) {
                self.out.fields.extend(current.take());
                current = Some(Field {
                    label: cell.text.to_string(),
                    value: String::new(),
                    loc,
                });
            } else if let Some(field) = current.as_mut() {
                append_text(&mut field.value, &cell.text);
            }
        }
        self.out.fields.extend(current);
    }

    /// `部门职能概述1.贯彻…`: a form label run together with its value (a lost tab, or one space in
    /// layout-preserving text) → the row with the two split, logged as a repair.
    fn unglue_label(&mut self, row: &Row<'a>) -> Option<Row<'a>> {
        let (first, rest) = row.cells.split_first()?;
        let f = first.folded();
        let value = self
            .field_labels
            .iter()
            // The folded cell must extend the folded label: most cells are no glued label, and
            // this answers them without walking the cell once per label.
            .filter(|(_, folded)| f.len() > folded.len() && f.starts_with(folded.as_str()))
            .find_map(|(l, _)| {
                strip_folded_prefix(&first.text, l).filter(|v| !v.trim().is_empty())
            })?;
        let first = &*first.text;
        let label = first.strip_suffix(value).unwrap_or(first).trim().to_owned();
        let value = value.trim().to_owned();
        self.repair(row.no, GLUED_LABEL, first, &format!("{label}\t{value}"));
        let mut cells = vec![
            Cell::new(Cow::Owned(label), self.g),
            Cell::new(Cow::Owned(value), self.g),
        ];
        cells.extend(rest.iter().cloned());
        Some(Row { no: row.no, cells })
    }

    // ---- sections ----

    /// Starts a block; the section line's other cells are the block's column headings.
    fn open_section(&mut self, block: Block, row: &Row<'_>) {
        self.block = block;
        let headings = row.cells.get(1..).unwrap_or_default();
        match block {
            Block::Funding => self.funding_header(headings),
            Block::Sources => {
                self.source_columns =
                    self.columns_in(headings, self.lists.source_column, vocab::SOURCE_COLUMN);
            }
            Block::OverallGoals => {
                self.goal_columns = headings.iter().map(|h| h.text.to_string()).collect();
            }
            _ => {}
        }
    }

    /// The headings found in a list, folded (`2025 年` → `2025年`); the whole list when none was printed.
    fn columns_in(&self, headings: &[Cell<'_>], id: Option<ListId>, list: &str) -> Vec<String> {
        let found: Vec<String> = headings
            .iter()
            .filter(|h| is(id, h))
            .map(|h| h.folded().to_owned())
            .collect();
        if found.is_empty() {
            self.words(list).to_vec()
        } else {
            found
        }
    }

    // ---- 表11 funding ----

    fn funding_header(&mut self, headings: &[Cell<'_>]) {
        self.group = None;
        self.funding_split = None;
        self.funding_columns.clear();
        for h in headings {
            if is(self.lists.funding_column, h) {
                self.funding_columns.push(h.folded().to_owned());
            } else if is(self.lists.funding_split, h) {
                self.funding_split = Some(self.funding_columns.len());
            }
        }
        if self.funding_columns.is_empty() {
            self.funding_columns = self.words(vocab::FUNDING_COLUMN).to_vec();
        }
    }

    /// `收入构成 财政拨款 4335.95 100% 2539.05 1272.07`: group (carried down), name, values in column order.
    fn read_funding(&mut self, row: &Row<'_>) {
        if let Some(at) = self.funding_split.take()
            && self.is_sub_header(row)
        {
            // `2025 年  2024 年`: the sub-columns of the split heading, spliced in where it stood.
            let labels = row.cells.iter().map(|c| c.folded().to_owned());
            let at = at.min(self.funding_columns.len());
            self.funding_columns.splice(at..at, labels);
            return;
        }
        let mut name = None;
        let mut values = Vec::new();
        for cell in &row.cells {
            if name.is_none() && values.is_empty() && is(self.lists.group, cell) {
                self.group = Some(cell.text.to_string());
            } else if name.is_none() && !is_value(&cell.text) {
                name = Some(cell.text.to_string());
            } else {
                values.push(self.funding_value(row.no, &cell.text));
            }
        }
        let Some(name) = name else {
            if !values.is_empty() {
                self.unplaced(row);
            }
            return;
        };
        let columns = self.funding_columns.clone();
        let values = self.keyed(row, &name, &columns, values);
        self.out.funding.push(FundingLine {
            group: self.group.clone(),
            name,
            values,
            loc: Loc::line(row.no),
        });
    }

    /// The line under a split heading: no amount, no share, no group word.
    fn is_sub_header(&self, row: &Row<'_>) -> bool {
        row.cells
            .iter()
            .all(|c| !is_value(&c.text) && !is(self.lists.group, c))
    }

    /// A funding cell: an amount (repaired if extraction broke it) or a share; `None` for a blank.
    fn funding_value(&mut self, line: usize, cell: &str) -> Option<Quantity> {
        if let Some(q) = percent(cell) {
            return Some(q);
        }
        match read_amount(cell, None) {
            Reading::Empty => None,
            Reading::Amount { text, repair } => {
                if let Some(rule) = repair {
                    self.repair(line, rule, cell, &text);
                }
                Some(Quantity {
                    raw: cell.to_owned(),
                    value: Some(text),
                    unit: None,
                })
            }
            Reading::Unreadable => parse_quantity(cell),
        }
    }

    /// Values in print order keyed by column; blanks hold their column, extras are reported.
    fn keyed(
        &mut self,
        row: &Row<'_>,
        name: &str,
        columns: &[String],
        values: Vec<Option<Quantity>>,
    ) -> BTreeMap<String, Quantity> {
        if values.len() > columns.len() {
            self.column_mismatch(row, name, columns.len(), values.len());
        }
        columns
            .iter()
            .zip(values)
            .filter_map(|(c, v)| Some((c.clone(), v?)))
            .collect()
    }

    // ---- 表11 project list ----

    /// `产业促进项目 常年性项目 30 万元 30 万元 用于…`: name, category, total and year budget, purpose.
    fn read_project(&mut self, row: &Row<'_>) {
        let Some((name, rest)) = row.cells.split_first() else {
            return;
        };
        let amount_at = rest.iter().position(|c| self.money(&c.text).is_some());
        let (before, amounts_and_after) = rest.split_at(amount_at.unwrap_or(rest.len()));
        let amounts: Vec<Quantity> = amounts_and_after
            .iter()
            .map_while(|c| self.money(&c.text))
            .collect();
        let after = amounts_and_after.get(amounts.len()..).unwrap_or_default();
        let mut amounts = amounts.into_iter();
        let project = ProjectLine {
            name: name.text.to_string(),
            category: before.first().map(|c| c.text.to_string()),
            total_budget: amounts.next(),
            year_budget: amounts.next(),
            purpose: joined(after),
            loc: Loc::line(row.no),
        };
        let extras: Vec<String> = before
            .iter()
            .skip(1)
            .map(|c| c.text.to_string())
            .chain(amounts.map(|q| q.raw))
            .collect();
        self.unplaced_cells(row, &extras);
        self.out.projects.push(project);
    }

    // ---- goals ----

    /// A goal statement: a goal label first (`长期目标 1:`), and nothing that belongs to a grid row
    /// after it (a grid's goal-name column holds the same words).
    fn is_goal_row(&self, row: &Row<'_>) -> bool {
        let Some((first, rest)) = row.cells.split_first() else {
            return false;
        };
        split_goal_label_sorted(&first.text, &self.goal_labels).is_some()
            && rest.iter().all(|c| {
                is_blank_mark(&c.text)
                    || !matches!(
                        self.classify(c),
                        Part::Level1 | Part::Basis | Part::Target(Some(_))
                    )
            })
    }

    fn read_goal(&mut self, row: &Row<'_>) {
        let Some((first, rest)) = row.cells.split_first() else {
            return;
        };
        let Some((label, mut text)) = split_goal_label_sorted(&first.text, &self.goal_labels)
        else {
            return;
        };
        for cell in rest.iter().filter(|c| !is_blank_mark(&c.text)) {
            append_text(&mut text, &cell.text);
        }
        if text.is_empty() {
            // A bare goal name inside a grid is its merged goal-name column; elsewhere it says nothing.
            if self.block != Block::Grid {
                self.unplaced(row);
            }
            return;
        }
        self.block = Block::Goals;
        self.out.goals.push(Goal {
            label,
            text,
            loc: Loc::line(row.no),
        });
    }

    /// `目标 1: …  目标 1: …` under 整体绩效总目标: the n-th item of a line is under the n-th heading.
    fn read_overall_goals(&mut self, row: &Row<'_>) {
        let mut current: Option<Goal> = None;
        let mut column = 0;
        let mut extras = Vec::new();
        for cell in &row.cells {
            if let Some((item, text)) = split_goal_label_sorted(&cell.text, &self.goal_items) {
                self.out.goals.extend(current.take());
                let label = match self.goal_columns.get(column) {
                    Some(heading) => format!("{heading}/{item}"),
                    None => item,
                };
                column += 1;
                current = Some(Goal {
                    label,
                    text,
                    loc: Loc::line(row.no),
                });
            } else if let Some(goal) = current.as_mut() {
                append_text(&mut goal.text, &cell.text);
            } else {
                extras.push(cell.text.to_string());
            }
        }
        if column == 0 {
            self.unplaced(row);
            return;
        }
        self.out.goals.extend(current);
        self.unplaced_cells(row, &extras);
    }

    // ---- 表12 funding sources, budget lines, procurement ----

    /// `1.一般公共预算财政拨款 30万元`: the name, then amounts in column order.
    fn read_source(&mut self, row: &Row<'_>) {
        let Some((name, rest)) = row.cells.split_first() else {
            return;
        };
        let name = &*name.text;
        if self.money(name).is_some() {
            // An amount with no name before it cannot be placed.
            self.unplaced(row);
            return;
        }
        let mut values = Vec::new();
        let mut extras = Vec::new();
        for cell in rest {
            if is_blank_mark(&cell.text) {
                values.push(None);
            } else if let Some(q) = self.money(&cell.text) {
                values.push(Some(q));
            } else {
                extras.push(cell.text.to_string());
            }
        }
        let columns = self.source_columns.clone();
        let values = self.keyed(row, name, &columns, values);
        self.unplaced_cells(row, &extras);
        self.out.sources.push(FundingLine {
            group: None,
            name: name.to_owned(),
            values,
            loc: Loc::line(row.no),
        });
    }

    /// `项目活动 活动内容表述 支出经济分类 金额 测算依据及说明 备注`, placed around the amount: the
    /// economic class is the cell opening with a class word (else the third), basis and remark follow.
    fn read_budget(&mut self, row: &Row<'_>) {
        let cells = &row.cells;
        // The activity is always first, even if it starts with a digit.
        let amount_at = cells
            .iter()
            .skip(1)
            .position(|c| self.money(&c.text).is_some())
            .map(|i| i + 1);
        let (before, after) = match amount_at {
            Some(i) => (
                cells.get(..i).unwrap_or_default(),
                cells.get(i + 1..).unwrap_or_default(),
            ),
            None => (cells.as_slice(), &[][..]),
        };
        let class_at = before
            .iter()
            .position(|c| {
                let f = c.folded();
                self.economic_classes
                    .iter()
                    .any(|w| f.starts_with(w.as_str()))
            })
            .or((before.len() >= 3).then_some(2));
        let mut texts = before
            .iter()
            .enumerate()
            .filter(|&(i, _)| Some(i) != class_at)
            .map(|(_, c)| c.text.to_string());
        let line = BudgetLine {
            activity: texts.next().unwrap_or_default(),
            description: texts.next(),
            economic_class: class_at
                .and_then(|i| before.get(i))
                .map(|c| c.text.to_string()),
            amount: amount_at
                .and_then(|i| cells.get(i))
                .and_then(|c| parse_quantity(&c.text)),
            basis: after.first().map(|c| c.text.to_string()),
            remark: joined(after.get(1..).unwrap_or_default()),
            loc: Loc::line(row.no),
        };
        let extras: Vec<String> = texts.collect();
        self.unplaced_cells(row, &extras);
        self.out.budget_lines.push(line);
    }

    /// `品名 数量 金额`: the item first, the amount is the last money cell, the quantity in between.
    fn read_procurement(&mut self, row: &Row<'_>) {
        if row
            .cells
            .iter()
            .all(|c| is_blank_mark(&c.text) || is(self.lists.none_item, c))
        {
            return;
        }
        let Some((item, rest)) = row.cells.split_first() else {
            return;
        };
        let amount_at = rest.iter().rposition(|c| self.money(&c.text).is_some());
        let (middle, after) = match amount_at {
            Some(i) => (
                rest.get(..i).unwrap_or_default(),
                rest.get(i + 1..).unwrap_or_default(),
            ),
            None => (rest, &[][..]),
        };
        let line = ProcurementLine {
            item: item.text.to_string(),
            quantity: joined(middle),
            amount: amount_at
                .and_then(|i| rest.get(i))
                .and_then(|c| parse_quantity(&c.text)),
            loc: Loc::line(row.no),
        };
        self.unplaced_cells(row, &texts(after));
        self.out.procurement.push(line);
    }

    // ---- indicator grids ----

    /// `长期绩效指标 1 一级指标 二级指标 …`: a new grid; header words may share its line.
    fn open_grid(&mut self, horizon: &'static str, row: &Row<'_>) {
        self.block = Block::Grid;
        self.level1 = None;
        self.level2 = None;
        let headings = row.cells.get(1..).unwrap_or_default();
        self.grid_header = headings.iter().map(|c| c.text.to_string()).collect();
        self.out.indicator_sets.push(IndicatorSet {
            label: row
                .cells
                .first()
                .map(|c| c.text.to_string())
                .unwrap_or_default(),
            horizon,
            target_columns: Vec::new(),
            indicators: Vec::new(),
            loc: Loc::line(row.no),
        });
        self.update_target_columns();
    }

    /// Target columns from the header words seen: `指标值`, or its sub-columns `前年 上年 预计当年实现`
    /// when the header prints them; the first `target_column` word when the header printed none.
    fn update_target_columns(&mut self) {
        let named: Vec<&String> = self
            .grid_header
            .iter()
            .filter(|w| self.is_text(self.lists.target_column, w))
            .collect();
        let has_leaf = named
            .iter()
            .any(|w| !self.is_text(self.lists.target_group, w));
        let mut columns: Vec<String> = Vec::new();
        for w in named {
            let w = fold(w);
            if (!has_leaf || !self.is_text(self.lists.target_group, &w)) && !columns.contains(&w) {
                columns.push(w);
            }
        }
        if columns.is_empty() {
            columns.extend(self.words(vocab::TARGET_COLUMN).first().cloned());
        }
        if let Some(set) = self.out.indicator_sets.last_mut() {
            set.target_columns = columns;
        }
    }

    fn classify(&self, cell: &Cell<'_>) -> Part {
        if is(self.lists.level1, cell) {
            Part::Level1
        } else if is(self.lists.basis, cell) {
            Part::Basis
        } else if self.is_level2(cell) {
            Part::Level2
        } else if let Some(t) = self.as_target(cell) {
            Part::Target(t)
        } else {
            Part::Text
        }
    }

    /// A target cell: a printed blank, a number (with comparator and unit), a comparator with words,
    /// or a known qualitative word. Other words are left to be the indicator's name.
    fn as_target(&self, cell: &Cell<'_>) -> Option<Option<Target>> {
        if is_blank_mark(&cell.text) {
            return Some(None);
        }
        // Tested before reading the target: most cells are names, and reading one only to drop it
        // was most of the cost of sorting a row.
        (is(self.lists.qualitative, cell) || is_quantitative(&cell.text))
            .then(|| parse_target(&cell.text))
    }

    /// One indicator row: levels (carried down when blank), name, targets, basis.
    fn read_indicator(&mut self, row: &Row<'_>) {
        if self.join_fragment(row) {
            return;
        }
        let ncols = self
            .out
            .indicator_sets
            .last()
            .map_or(0, |s| s.target_columns.len());
        let mut cells = row.cells.as_slice();
        if let [first, rest @ ..] = cells
            && !rest.is_empty()
            && self.is_goal_name(first)
        {
            cells = rest;
        }
        let mut d = self.sort_cells(cells, ncols);
        self.carry_levels(d.level1.take(), d.level2.take());
        let Some(level3) = d.level3.take() else {
            // A row of levels only is a heading for the rows below; anything else cannot be placed.
            if !d.targets.is_empty() || d.basis.is_some() || !d.extras.is_empty() {
                self.unplaced(row);
            }
            return;
        };
        let targets = self.align_targets(row, &level3, d.targets, ncols);
        self.unplaced_cells(row, &d.extras);
        let indicator = Indicator {
            level1: self.level1.clone(),
            level2: self.level2.clone(),
            level3,
            targets,
            basis: d.basis,
            loc: Loc::line(row.no),
        };
        if let Some(set) = self.out.indicator_sets.last_mut() {
            set.indicators.push(indicator);
        }
    }

    /// The goal-name column of a 表12 grid (`长期绩效目标`, `年度绩效目标 1`, or the heading word
    /// itself where the form misprints it).
    fn is_goal_name(&self, cell: &Cell<'_>) -> bool {
        split_goal_label_sorted(&cell.text, &self.goal_labels)
            .is_some_and(|(_, rest)| rest.is_empty())
            || is(self.lists.header, cell)
    }

    /// Sorts a row's cells by content. Levels come before the name in reading order, so a level-like
    /// cell after the name is not taken as a level; text after the name fills open target columns.
    fn sort_cells(&self, cells: &[Cell<'_>], ncols: usize) -> Draft {
        let mut d = Draft::default();
        for cell in cells {
            let part = self.classify(cell);
            let before_name = d.level3.is_none();
            let text = || cell.text.to_string();
            match part {
                Part::Level1 if before_name && d.level1.is_none() => d.level1 = Some(text()),
                Part::Level2 if before_name && d.level2.is_none() => d.level2 = Some(text()),
                Part::Basis if d.basis.is_none() => d.basis = Some(text()),
                Part::Target(t) => d.targets.push(t),
                _ if before_name => d.level3 = Some(text()),
                // A qualitative target the vocabulary does not list yet.
                _ if ncols == 0 || d.targets.len() < ncols => {
                    d.targets.push(parse_target(&cell.text));
                }
                _ => d.extras.push(text()),
            }
        }
        // A name that reads as a number (`5G基站数`) was taken for a target: one too many targets
        // and no name means the first was the name.
        if d.level3.is_none() && ncols > 0 && d.targets.len() > ncols {
            d.level3 = d.targets.remove(0).map(|t| t.raw);
        }
        d
    }

    /// Carries levels down: a new first level clears the second; a second level printed without its
    /// first takes the first level it belongs to when the vocabulary says (社会效益指标 → 效益指标).
    fn carry_levels(&mut self, level1: Option<String>, level2: Option<String>) {
        if let Some(l1) = level1 {
            if self.level1.as_ref() != Some(&l1) {
                self.level2 = None;
            }
            self.level1 = Some(l1);
        } else if let Some(l2) = &level2
            && let Some(owner) = self.level1_of_lists(self.g.vocab_index.lists_of(&fold_cow(l2)))
            && self.level1.as_ref() != Some(owner)
        {
            self.level1 = Some(owner.clone());
        }
        if level2.is_some() {
            self.level2 = level2;
        }
    }

    /// Fits a row's targets to the grid's columns. Fewer targets: the missing ones are taken to be the
    /// earliest columns (前年 is the one forms leave out); more: the extras are dropped. Both reported.
    fn align_targets(
        &mut self,
        row: &Row<'_>,
        name: &str,
        mut targets: Vec<Option<Target>>,
        ncols: usize,
    ) -> Vec<Option<Target>> {
        if ncols == 0 || targets.len() == ncols {
            return targets;
        }
        self.column_mismatch(row, name, ncols, targets.len());
        if targets.len() > ncols {
            targets.truncate(ncols);
        } else {
            let missing = ncols - targets.len();
            targets.splice(0..0, std::iter::repeat_n(None, missing));
        }
        targets
    }

    /// A grid line holding one bare text cell (`率`) is the end of the name above, wrapped.
    fn join_fragment(&mut self, row: &Row<'_>) -> bool {
        let [cell] = row.cells.as_slice() else {
            return false;
        };
        if !matches!(self.classify(cell), Part::Text) || self.is_goal_name(cell) {
            return false;
        }
        let Some(indicator) = self
            .out
            .indicator_sets
            .last_mut()
            .and_then(|s| s.indicators.last_mut())
        else {
            return false;
        };
        let joined = join_wrapped(&indicator.level3, &cell.text);
        indicator.level3.clone_from(&joined);
        self.repair(row.no, WRAPPED_CELL, &cell.text, &joined);
        true
    }

    // ---- log ----

    fn repair(&mut self, line: usize, rule: &'static str, raw: &str, repaired: &str) {
        self.repairs.push(Repair {
            loc: Loc::line(line),
            rule,
            raw: raw.to_owned(),
            repaired: repaired.to_owned(),
            table: Some(self.table.id.clone()),
            column: None,
        });
    }

    fn anomaly(
        &self,
        rule: &'static str,
        kind: &'static str,
        severity: &'static str,
        row: &Row<'_>,
        message: String,
    ) -> Anomaly {
        Anomaly {
            rule,
            kind,
            severity,
            message,
            location: Location {
                table: Some(self.table.id.clone()),
                ..Location::line(row.no)
            },
            expected: None,
            actual: None,
        }
    }

    fn unplaced(&mut self, row: &Row<'_>) {
        let message = format!(
            "line `{}` fits no part of the {} form; it was not read",
            texts(&row.cells).join(" | "),
            self.table.id
        );
        let a = self.anomaly("L003", "unplaced_line", "info", row, message);
        self.findings.push(a);
    }

    fn unplaced_cells<S: AsRef<str> + std::fmt::Debug>(&mut self, row: &Row<'_>, cells: &[S]) {
        if cells.is_empty() {
            return;
        }
        let message = format!(
            "cells {:?} of line `{}` fit no column; they were not read",
            cells,
            texts(&row.cells).join(" | ")
        );
        let a = self.anomaly("L003", "unplaced_cell", "info", row, message);
        self.findings.push(a);
    }

    fn column_mismatch(&mut self, row: &Row<'_>, name: &str, expected: usize, actual: usize) {
        let message =
            format!("row `{name}` has {actual} value cells but the block has {expected} columns");
        let mut a = self.anomaly("L002", "column_count_mismatch", "warning", row, message);
        a.location.row = Some(name.to_owned());
        a.expected = Some(expected.to_string());
        a.actual = Some(actual.to_string());
        self.findings.push(a);
    }
}

/// The rest of `s` after `word`, compared folded (whitespace skipped, brackets and colons
/// normalised): `部门（单位）名称 武昌区…` less `部门(单位)名称` → ` 武昌区…`.
fn strip_folded_prefix<'s>(s: &'s str, word: &str) -> Option<&'s str> {
    let mut want = folded_chars(word).peekable();
    want.peek()?;
    for (i, c) in s.char_indices() {
        if want.peek().is_none() {
            return Some(&s[i..]);
        }
        if c.is_whitespace() {
            continue;
        }
        if want.next() != Some(fold_char(c)) {
            return None;
        }
    }
    want.peek().is_none().then_some("")
}

/// `长期目标 1: text` / `年度绩效目标 1` / `目标 2:` → (`长期目标 1`, `text`). After the word come an
/// optional number and colon; anything else after it (`长期绩效目标表`, `目标名称`) is no goal label.
#[cfg(test)]
fn split_goal_label(cell: &str, words: &[String]) -> Option<(String, String)> {
    split_goal_label_sorted(cell, &longest_first(words))
}

/// The words, longest first, so a word that extends another is tried before it.
fn longest_first(words: &[String]) -> Vec<&String> {
    let mut words: Vec<&String> = words.iter().collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    words
}

/// [`split_goal_label`] with the words sorted by [`longest_first`] (once per table, not per cell).
fn split_goal_label_sorted(cell: &str, words: &[&String]) -> Option<(String, String)> {
    let t = cell.trim();
    words.iter().find_map(|w| {
        let after = t.strip_prefix(w.as_str())?.trim_start();
        let digits_len = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        let (digits, after) = after.split_at(digits_len);
        let after = after.trim_start();
        let (colon, rest) = match after.strip_prefix([':', '：']) {
            Some(r) => (true, r.trim()),
            None => (false, after),
        };
        if !colon && !rest.is_empty() {
            return None;
        }
        let label = if digits.is_empty() {
            (*w).clone()
        } else {
            format!("{w} {digits}")
        };
        Some((label, rest.to_owned()))
    })
}

/// A line printed as a placeholder: only dots, dashes or slashes (`.....`, `- - -`).
fn is_filler(row: &Row<'_>) -> bool {
    row.cells
        .iter()
        .all(|c| c.text.chars().all(|ch| ".。…·-—－/ ".contains(ch)))
}

/// A share (`53.9%`).
fn percent(cell: &str) -> Option<Quantity> {
    parse_quantity(cell).filter(|q| q.value.is_some() && q.unit.as_deref() == Some("%"))
}

/// A funding value cell: blank, amount or share — anything but a label.
fn is_value(cell: &str) -> bool {
    percent(cell).is_some() || !matches!(read_amount(cell, None), Reading::Unreadable)
}

/// Appends a cell to text, a space between.
fn append_text(text: &mut String, cell: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(cell);
}

fn joined(cells: &[Cell<'_>]) -> Option<String> {
    (!cells.is_empty()).then(|| texts(cells).join(" "))
}

/// Joins a wrapped fragment to its cell: directly between Chinese characters, else with a space.
fn join_wrapped(head: &str, tail: &str) -> String {
    let cjk_seam =
        head.chars().last().is_some_and(is_cjk) || tail.chars().next().is_some_and(is_cjk);
    if cjk_seam || head.is_empty() {
        format!("{head}{tail}")
    } else {
        format!("{head} {tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::GrammarSet;
    use std::sync::LazyLock;

    static GRAMMARS: LazyLock<GrammarSet> =
        LazyLock::new(|| GrammarSet::builtin().expect("builtin grammars"));

    fn grammar(name: &str) -> &'static Grammar {
        GRAMMARS
            .tables
            .iter()
            .find(|g| g.name == name)
            .expect("grammar")
    }

    /// A table whose body is `lines` (tab-separated cells), numbered from `first`.
    fn table(grammar_name: &str, id: &str, first: usize, lines: &[&str]) -> RawTable<'static> {
        let body: Vec<Line> = lines
            .iter()
            .enumerate()
            .map(|(i, t)| Line {
                no: first + i,
                text: (*t).to_owned(),
            })
            .collect();
        RawTable {
            id: id.into(),
            grammar: grammar(grammar_name),
            title: String::new(),
            caption: None,
            department: None,
            unit: Some("万元".into()),
            header: Vec::new(),
            body,
            columns: Vec::new(),
            code_cells: 1,
            note: None,
            start: first,
            end: first + lines.len(),
        }
    }

    struct Parsed {
        perf: Performance,
        repairs: Vec<Repair>,
        findings: Vec<Anomaly>,
    }

    fn parse(t: &RawTable<'_>) -> Parsed {
        let mut repairs = Vec::new();
        let mut findings = Vec::new();
        let perf = parse_performance(t, &mut repairs, &mut findings);
        Parsed {
            perf,
            repairs,
            findings,
        }
    }

    fn project(first: usize, lines: &[&str]) -> Parsed {
        parse(&table("project_performance", "表12-1", first, lines))
    }

    fn overall(first: usize, lines: &[&str]) -> Parsed {
        parse(&table("overall_performance", "表11", first, lines))
    }

    fn fields(p: &Performance) -> Vec<(&str, &str)> {
        p.fields
            .iter()
            .map(|f| (f.label.as_str(), f.value.as_str()))
            .collect()
    }

    /// (level1, level2, level3, basis) of an indicator.
    type Levels<'a> = (Option<&'a str>, Option<&'a str>, &'a str, Option<&'a str>);

    fn levels(i: &Indicator) -> Levels<'_> {
        (
            i.level1.as_deref(),
            i.level2.as_deref(),
            i.level3.as_str(),
            i.basis.as_deref(),
        )
    }

    fn target_raws(i: &Indicator) -> Vec<Option<&str>> {
        i.targets
            .iter()
            .map(|t| t.as_ref().map(|t| t.raw.as_str()))
            .collect()
    }

    fn q(raw: &str, value: Option<&str>, unit: Option<&str>) -> Quantity {
        Quantity {
            raw: raw.into(),
            value: value.map(Into::into),
            unit: unit.map(Into::into),
        }
    }

    #[test]
    fn several_fields_on_a_line() {
        let p = project(
            479,
            &[
                "项目名称\t产业促进经费\t项目编号\t",
                "项目负责人\t贺小闯\t联系电话\t027-88936946",
                "项目总预算\t30 万元\t项目当年预算\t30 万元",
                "项目前两年预算及当年预算变动情况\t2024 年预算为 145 万，2025 年为 78.4 万元\t\t",
            ],
        );
        assert_eq!(
            fields(&p.perf),
            vec![
                ("项目名称", "产业促进经费"),
                ("项目编号", ""),
                ("项目负责人", "贺小闯"),
                ("联系电话", "027-88936946"),
                ("项目总预算", "30 万元"),
                ("项目当年预算", "30 万元"),
                (
                    "项目前两年预算及当年预算变动情况",
                    "2024 年预算为 145 万，2025 年为 78.4 万元"
                ),
            ]
        );
        assert_eq!(p.perf.fields[2].loc, Loc::line(480));
        assert!(p.findings.is_empty());
    }

    #[test]
    fn field_labels_shifted_right_still_pair() {
        let p = project(
            557,
            &[
                "项目名称\t网络建设运转维护经费\t\t项目编码\t",
                "项目负责人\t付晓旭\t\t联系电话\t027-88936946",
            ],
        );
        assert_eq!(
            fields(&p.perf),
            vec![
                ("项目名称", "网络建设运转维护经费"),
                ("项目编码", ""),
                ("项目负责人", "付晓旭"),
                ("联系电话", "027-88936946"),
            ]
        );
    }

    /// A lost tab (or a single space in layout-preserving text) runs a label into its value.
    #[test]
    fn glued_labels_are_split() {
        let p = overall(
            406,
            &[
                "部门职能概述1.贯彻落实上级关于工业信息化的相关部署； 2.组织实施全区工业布局调整。",
                "部门（单位）名称 武昌区经济信息化和科技创新局",
            ],
        );
        assert_eq!(
            fields(&p.perf),
            vec![
                (
                    "部门职能概述",
                    "1.贯彻落实上级关于工业信息化的相关部署； 2.组织实施全区工业布局调整。"
                ),
                ("部门（单位）名称", "武昌区经济信息化和科技创新局"),
            ]
        );
        assert!(
            p.repairs
                .iter()
                .any(|r| r.rule == GLUED_LABEL && r.loc == Loc::line(406))
        );
    }

    #[test]
    fn folded_prefixes() {
        assert_eq!(
            strip_folded_prefix("部门（单位）名称 武昌区", "部门(单位)名称"),
            Some(" 武昌区")
        );
        assert_eq!(
            strip_folded_prefix("部门 职能概述", "部门职能概述"),
            Some("")
        );
        assert_eq!(strip_folded_prefix("部门", "部门职能概述"), None);
        assert_eq!(strip_folded_prefix("填报日期", "填报人"), None);
    }

    #[test]
    fn sources_keep_empty_lines() {
        let p = project(
            490,
            &[
                "项目当年资金来源\t来源项目\t\t金额",
                "\t合计\t\t30 万元",
                "",
                "\t1.一般公共预算财政拨款\t30万元\t\t\t",
                "\t其中：申请本级财力年初安排\t30万元\t\t\t",
                "\t2.政府性基金预算财政拨款\t\t\t\t",
                "使用上年度财政拨款结转\t\t\t\t",
            ],
        );
        let s = &p.perf.sources;
        let names: Vec<&str> = s.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "合计",
                "1.一般公共预算财政拨款",
                "其中：申请本级财力年初安排",
                "2.政府性基金预算财政拨款",
                "使用上年度财政拨款结转"
            ]
        );
        assert_eq!(
            s[1].values.get("金额"),
            Some(&q("30万元", Some("30"), Some("万元")))
        );
        assert!(s[3].values.is_empty());
        assert_eq!(s[1].loc, Loc::line(493));
        assert!(p.findings.is_empty(), "{:?}", p.findings);
    }

    #[test]
    fn budget_lines() {
        let p = project(
            500,
            &[
                "项目支出明细测算\t\t\t\t\t",
                "项目活动\t活动内容表述\t支出经济分类\t金额\t测算依据及说明\t备注",
                "招商引资经费\t外出考察、招商洽谈、接待企业以及举办招商活动\t商品和服务支出-办公费\t20万元\t依据工作职能和历年情况\t",
                "安全生产经费\t企业安全生产检查、安全生产培训、安全生产宣传\t商品和服务支出-办公费\t4万元\t按照往年合同及实际情况预估\t",
            ],
        );
        let b = &p.perf.budget_lines;
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].activity, "招商引资经费");
        assert_eq!(
            b[0].description.as_deref(),
            Some("外出考察、招商洽谈、接待企业以及举办招商活动")
        );
        assert_eq!(
            b[0].economic_class.as_deref(),
            Some("商品和服务支出-办公费")
        );
        assert_eq!(b[0].amount, Some(q("20万元", Some("20"), Some("万元"))));
        assert_eq!(b[0].basis.as_deref(), Some("依据工作职能和历年情况"));
        assert_eq!(b[0].remark, None);
        assert_eq!(
            b[1].amount.as_ref().and_then(|a| a.value.as_deref()),
            Some("4")
        );
        assert!(p.findings.is_empty());
    }

    #[test]
    fn procurement_none_rows() {
        for none in ["-\t\t-\t\t-\t", "无\t\t\t\t\t\t\t"] {
            let p = project(506, &["项目采购\t\t\t\t\t", "品名\t\t数量\t\t金额\t", none]);
            assert!(p.perf.procurement.is_empty(), "{none}");
            assert!(p.findings.is_empty(), "{none}");
        }
    }

    #[test]
    fn procurement_lines_including_a_shifted_one() {
        let p = project(
            583,
            &[
                "项目采购\t\t\t\t\t",
                "品名\t\t\t数量\t金额\t",
                "平板移动流量\t\t\t1项\t14.98万元\t",
                "线路租赁(2026年项目首付款及2025年项目尾款)\t\t\t489条线路、3条互联网出口\t251.67万元\t",
                "",
                "三级等保测评\t3套系统\t\t18万元\t\t",
            ],
        );
        let pr = &p.perf.procurement;
        assert_eq!(pr.len(), 3);
        assert_eq!(pr[0].item, "平板移动流量");
        assert_eq!(pr[0].quantity.as_deref(), Some("1项"));
        assert_eq!(
            pr[0].amount,
            Some(q("14.98万元", Some("14.98"), Some("万元")))
        );
        assert_eq!(pr[1].quantity.as_deref(), Some("489条线路、3条互联网出口"));
        assert_eq!(
            pr[1].amount.as_ref().and_then(|a| a.value.as_deref()),
            Some("251.67")
        );
        assert_eq!(pr[2].item, "三级等保测评");
        assert_eq!(pr[2].quantity.as_deref(), Some("3套系统"));
        assert_eq!(
            pr[2].amount.as_ref().and_then(|a| a.value.as_deref()),
            Some("18")
        );
        assert_eq!(pr[2].loc, Loc::line(588));
    }

    #[test]
    fn project_goals() {
        let p = project(
            594,
            &[
                "项目绩效总目标\t\t\t\t\t",
                "名称\t目标说明\t\t\t\t",
                "长期绩效目标 1\t贯彻执行国家、省、市电子政务。\t\t\t\t",
                "年度绩效目标\t\t1、推动全区营商 环境明显提升。 2、构建企业主导的创新格局。\t\t\t",
                ".....\t\t\t\t\t",
            ],
        );
        let g: Vec<(&str, &str)> = p
            .perf
            .goals
            .iter()
            .map(|g| (g.label.as_str(), g.text.as_str()))
            .collect();
        assert_eq!(
            g,
            [
                ("长期绩效目标 1", "贯彻执行国家、省、市电子政务。"),
                (
                    "年度绩效目标",
                    "1、推动全区营商环境明显提升。 2、构建企业主导的创新格局。"
                ),
            ]
        );
        assert!(
            p.repairs
                .iter()
                .any(|r| r.rule == CJK_SPACE && r.loc == Loc::line(597))
        );
        assert!(p.findings.is_empty());
    }

    /// 表12-1 lines 514–528: one target column, levels carried down, cells shifted on 524–525,
    /// wrap spaces inside cells.
    #[test]
    fn long_term_grid_with_shifted_rows() {
        let p = project(
            514,
            &[
                "长期绩效目标表\t\t\t\t\t",
                "目标名称\t一级指标\t二级指标\t三级指标\t指标值\t指标值确定依据",
                "长期绩效目标\t成本指标\t经济成本 指标\t成本控制\t≤30 万元\t计划标准",
                "\t产出指标\t数量指标\t开展安全生产检查\t≥20 次\t历史标准",
                "\t\t\t全年开展安全生产培 训\t≥2 场\t计划标准",
                "\t\t时效指标\t企业安全突发事件及时处理率\t100%\t计划标准",
                "\t\t\t时效指标\t企业安全突发事件及 时处理率\t100%",
                "\t安全生产检查报告提 交时间\t≤48 小时\t\t计划标准\t",
                "\t满意度 指标\t服务对象 满意度 指标\t参展企业对拓展市场 效果的满意度\t≥95%\t计划标准",
            ],
        );
        let [set] = p.perf.indicator_sets.as_slice() else {
            panic!("one set expected: {:?}", p.perf.indicator_sets);
        };
        assert_eq!(set.label, "长期绩效目标表");
        assert_eq!(set.horizon, "long_term");
        assert_eq!(set.target_columns, ["指标值"]);
        let rows: Vec<Levels<'_>> = set.indicators.iter().map(levels).collect();
        assert_eq!(
            rows,
            [
                (
                    Some("成本指标"),
                    Some("经济成本指标"),
                    "成本控制",
                    Some("计划标准")
                ),
                (
                    Some("产出指标"),
                    Some("数量指标"),
                    "开展安全生产检查",
                    Some("历史标准")
                ),
                (
                    Some("产出指标"),
                    Some("数量指标"),
                    "全年开展安全生产培训",
                    Some("计划标准")
                ),
                (
                    Some("产出指标"),
                    Some("时效指标"),
                    "企业安全突发事件及时处理率",
                    Some("计划标准")
                ),
                (
                    Some("产出指标"),
                    Some("时效指标"),
                    "企业安全突发事件及时处理率",
                    None
                ),
                (
                    Some("产出指标"),
                    Some("时效指标"),
                    "安全生产检查报告提交时间",
                    Some("计划标准")
                ),
                (
                    Some("满意度指标"),
                    Some("服务对象满意度指标"),
                    "参展企业对拓展市场效果的满意度",
                    Some("计划标准")
                ),
            ]
        );
        let t = set.indicators[0].targets[0].as_ref().expect("target");
        assert_eq!(
            (
                t.comparator.as_deref(),
                t.value.as_deref(),
                t.unit.as_deref()
            ),
            (Some("≤"), Some("30"), Some("万元"))
        );
        assert_eq!(target_raws(&set.indicators[5]), [Some("≤48 小时")]);
        let closed: Vec<&str> = p
            .repairs
            .iter()
            .filter(|r| r.rule == CJK_SPACE)
            .map(|r| r.repaired.as_str())
            .collect();
        assert!(closed.contains(&"全年开展安全生产培训"), "{closed:?}");
        assert!(closed.contains(&"服务对象满意度指标"), "{closed:?}");
        assert!(
            p.repairs
                .iter()
                .all(|r| r.table.as_deref() == Some("表12-1"))
        );
        assert!(p.findings.is_empty(), "{:?}", p.findings);
    }

    /// 表12-2 lines 617–641: three target columns from a two-line header, a wrapped name fragment
    /// on its own line (`率`), and a level 2 printed without its level 1.
    #[test]
    fn annual_grid_with_three_target_columns() {
        let p = project(
            617,
            &[
                "年度绩效目标表\t\t\t\t\t\t\t\t",
                "目标名称\t一级指标\t二级指标\t三级指标\t指标值\t\t\t指标值确定依据\t",
                "\t\t\t\t前年\t上年\t预计当年实现\t\t",
                "年度绩效目标 1\t成本指标\t经济成本指标\t成本控制\t-\t≤910.02万元\t≤910.02万元\t计划标准\t",
                "\t产出指标\t数量指标\t政务网互联网出口带宽\t≥2G\t≥2G\t≥2G\t计划标准\t",
                "\t\t\t质量指标\t政务网运行正常率\t≥95%\t≥95%\t≥95%\t历史标准",
                "\t\t\t\t视频共享平台升级改造和视频智能平台的部署\t-\t完成\t完成\t计划标准",
                "\t\t\t\t政务视频会议系统故障解决\t=100%\t100%\t100%\t历史标准",
                "",
                "\t\t\t率\t\t\t\t",
                "\t\t\t数据更新频率\t年度更新\t年度更新\t年度更新\t历史标准",
                "\t\t社会效益指标\t重大信息网络安全事故发生率\t-\t0\t0\t历史标准",
            ],
        );
        let [set] = p.perf.indicator_sets.as_slice() else {
            panic!("one set expected");
        };
        assert_eq!(set.horizon, "annual");
        assert_eq!(set.target_columns, ["前年", "上年", "预计当年实现"]);
        let ind = &set.indicators;
        assert_eq!(ind.len(), 7);
        assert!(ind.iter().all(|i| i.targets.len() == 3));
        assert_eq!(
            target_raws(&ind[0]),
            [None, Some("≤910.02万元"), Some("≤910.02万元")]
        );
        assert_eq!(ind[2].level2.as_deref(), Some("质量指标"));
        assert_eq!(ind[2].level1.as_deref(), Some("产出指标"));
        assert_eq!(ind[3].level2.as_deref(), Some("质量指标"));
        assert_eq!(
            ind[3].targets[1].as_ref().and_then(|t| t.text.as_deref()),
            Some("完成")
        );
        assert_eq!(ind[4].level3, "政务视频会议系统故障解决率");
        let wrap = p
            .repairs
            .iter()
            .find(|r| r.rule == WRAPPED_CELL)
            .expect("wrapped_cell repair");
        assert_eq!(
            (wrap.loc, wrap.raw.as_str(), wrap.repaired.as_str()),
            (Loc::line(626), "率", "政务视频会议系统故障解决率")
        );
        assert_eq!(
            ind[5].targets[2].as_ref().and_then(|t| t.text.as_deref()),
            Some("年度更新")
        );
        assert_eq!(ind[6].level1.as_deref(), Some("效益指标"));
        assert_eq!(ind[6].level2.as_deref(), Some("社会效益指标"));
        let zero = ind[6].targets[2].as_ref().expect("target");
        assert_eq!(
            (zero.value.as_deref(), zero.unit.as_deref()),
            (Some("0"), None)
        );
        assert!(p.findings.is_empty(), "{:?}", p.findings);
    }

    #[test]
    fn a_short_row_is_padded_and_reported() {
        let p = project(
            690,
            &[
                "年度绩效目标表\t\t\t\t\t\t\t",
                "目标名称\t一级指标\t二级指标\t三级指标\t指标值\t\t\t指标值确定依据",
                "\t\t\t\t前年\t上年\t预计当年实现\t",
                "目标名称\t产出指标\t数量指标\t入驻率\t=100%\t计划标准",
            ],
        );
        let ind = &p.perf.indicator_sets[0].indicators[0];
        assert_eq!(ind.level3, "入驻率");
        assert_eq!(target_raws(ind), [None, None, Some("=100%")]);
        assert_eq!(p.findings.len(), 1);
        assert_eq!(
            (p.findings[0].rule, p.findings[0].expected.as_deref()),
            ("L002", Some("3"))
        );
    }

    /// Found by the property test below: a header printed again under the first indicators (as
    /// after a page break) must not add target columns the rows above do not have.
    #[test]
    fn a_repeated_header_changes_no_columns() {
        let p = project(
            1,
            &[
                "长期绩效目标表",
                "目标名称\t一级指标\t二级指标\t三级指标\t指标值\t指标值确定依据",
                "\t产出指标\t数量指标\t入驻率\t=100%\t计划标准",
                "\t\t\t\t前年\t上年\t预计当年实现",
                "目标名称\t一级指标\t二级指标\t三级指标\t指标值\t指标值确定依据",
                "\t\t质量指标\t新机房等级保护级别\t≥2 级\t计划标准",
            ],
        );
        let set = &p.perf.indicator_sets[0];
        assert_eq!(set.target_columns, ["指标值"]);
        assert_eq!(set.indicators.len(), 2);
        assert!(p.findings.is_empty(), "{:?}", p.findings);
    }

    #[test]
    fn funding_summary() {
        let p = overall(
            396,
            &[
                "部门总体 资金情况\t总体资金情况\t\t当年金额\t占比\t近两年收支金额\t",
                "\t\t\t\t\t2025 年\t2024 年",
                "\t收入 构成\t财政拨款\t4335.95\t100%\t2539.05\t1272.07",
                "\t\t财政专户管理资金\t\t\t\t",
                "\t\t合 计\t4335.95\t100%\t2539.05\t1272.07",
                "\t支出 构成\t人员类项目支出\t2334.64\t53.9%\t1340.31\t995.07",
                "\t\t运转类项目支出\t330.77\t7.6%\t160.32\t82",
            ],
        );
        let f = &p.perf.funding;
        let rows: Vec<(Option<&str>, &str)> = f
            .iter()
            .map(|l| (l.group.as_deref(), l.name.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (Some("收入构成"), "财政拨款"),
                (Some("收入构成"), "财政专户管理资金"),
                (Some("收入构成"), "合计"),
                (Some("支出构成"), "人员类项目支出"),
                (Some("支出构成"), "运转类项目支出"),
            ]
        );
        let keys: Vec<&str> = f[0].values.keys().map(String::as_str).collect();
        assert_eq!(keys, ["2024年", "2025年", "占比", "当年金额"]);
        assert_eq!(f[3].values["当年金额"], q("2334.64", Some("2334.64"), None));
        assert_eq!(f[3].values["占比"], q("53.9%", Some("53.9"), Some("%")));
        assert_eq!(f[4].values["2024年"].value.as_deref(), Some("82"));
        assert!(f[1].values.is_empty());
        assert!(p.findings.is_empty(), "{:?}", p.findings);
    }

    #[test]
    fn project_list() {
        let p = overall(
            409,
            &[
                "项目支出情况\t项目名称\t支出项目类别\t项目总预算\t项目本年度预算\t项目主要支出方向和用途",
                "\t产业促进项目\t常年性项目\t30 万元\t30 万元\t用于招商引资活动资金。",
                "\t网络建设运转维护经费\t常年性项目\t910.02 万元\t910.02 万元\t用于政务网及机房运维。",
            ],
        );
        let pl = &p.perf.projects;
        assert_eq!(pl.len(), 2);
        assert_eq!(pl[0].name, "产业促进项目");
        assert_eq!(pl[0].category.as_deref(), Some("常年性项目"));
        assert_eq!(
            pl[0].total_budget,
            Some(q("30 万元", Some("30"), Some("万元")))
        );
        assert_eq!(
            pl[1].year_budget.as_ref().and_then(|b| b.value.as_deref()),
            Some("910.02")
        );
        assert_eq!(pl[0].purpose.as_deref(), Some("用于招商引资活动资金。"));
        assert!(p.findings.is_empty());
    }

    #[test]
    fn overall_goals_and_grids() {
        let p = overall(
            413,
            &[
                "整体绩效总目标\t长期目标(截止 2030 年)\t\t年度目标\t\t",
                "\t目标 1: 推动全区营商环境明显提升。\t\t目标 1: 推动全区营商环境明显提升。\t\t",
                "长期目标 1:\t推动全区营商环境明显提升。\t\t\t\t",
                "长期绩效指标 1\t一级指标\t二级指标\t三级指标\t指标值\t指标值确定依据",
                "\t产出指标\t数量指标\t引育重点企业\t20 家\t历史标准",
                "\t效益指标\t社会效益指标\t科技计划项目监督能力\t提升\t历史标准",
                "\t长期目标 2:\t贯彻执行国家、省、市电子政务。\t\t\t",
                "年度绩效指标 2\t一级指标\t二级指标\t三级指标\t指标值\t指标值确定依据",
                "\t\t\t协同办公系统注册用户量\t≥ 6500 人\t历史标准",
                "效益指标\t社会效益指标\t重大信息网络安全事故发生率\t0\t历史标准\t",
            ],
        );
        let goals: Vec<&str> = p.perf.goals.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(
            goals,
            [
                "长期目标(截止 2030 年)/目标 1",
                "年度目标/目标 1",
                "长期目标 1",
                "长期目标 2"
            ]
        );
        assert_eq!(p.perf.goals[0].text, "推动全区营商环境明显提升。");
        assert_eq!(p.perf.goals[3].loc, Loc::line(419));
        let sets: Vec<(&str, &str, usize)> = p
            .perf
            .indicator_sets
            .iter()
            .map(|s| (s.label.as_str(), s.horizon, s.indicators.len()))
            .collect();
        assert_eq!(
            sets,
            [
                ("长期绩效指标 1", "long_term", 2),
                ("年度绩效指标 2", "annual", 2)
            ]
        );
        let annual = &p.perf.indicator_sets[1];
        // A new grid carries nothing over from the one before.
        assert_eq!(annual.indicators[0].level1, None);
        let t = annual.indicators[0].targets[0].as_ref().expect("target");
        assert_eq!(
            (
                t.comparator.as_deref(),
                t.value.as_deref(),
                t.unit.as_deref()
            ),
            (Some("≥"), Some("6500"), Some("人"))
        );
        assert_eq!(annual.indicators[1].level1.as_deref(), Some("效益指标"));
        assert!(p.findings.is_empty(), "{:?}", p.findings);
    }

    #[test]
    fn lines_that_fit_nowhere_are_reported_not_dropped() {
        let p = project(
            1,
            &[
                "随便写的一行\t没有标签",
                "长期绩效目标表",
                "\t产出指标\t数量指标\t入驻率\t=100%\t计划标准\t多余的字\t还有",
            ],
        );
        assert_eq!(p.findings.len(), 2, "{:?}", p.findings);
        assert_eq!(
            (
                p.findings[0].rule,
                p.findings[0].kind,
                p.findings[0].location.line
            ),
            ("L003", "unplaced_line", 1)
        );
        assert!(p.findings[0].message.contains("随便写的一行"));
        assert_eq!(p.findings[1].kind, "unplaced_cell");
        assert_eq!(p.perf.indicator_sets[0].indicators.len(), 1);
    }

    #[test]
    fn goal_labels() {
        let words: Vec<String> = ["长期目标", "长期绩效目标", "目标"]
            .map(String::from)
            .to_vec();
        let split = |s: &str| split_goal_label(s, &words);
        assert_eq!(
            split("长期目标 1:"),
            Some(("长期目标 1".into(), String::new()))
        );
        assert_eq!(
            split("长期绩效目标 1"),
            Some(("长期绩效目标 1".into(), String::new()))
        );
        assert_eq!(
            split("目标 2: 推动"),
            Some(("目标 2".into(), "推动".into()))
        );
        assert_eq!(split("目标：推动"), Some(("目标".into(), "推动".into())));
        assert_eq!(split("长期绩效目标表"), None);
        assert_eq!(split("目标名称"), None);
        assert_eq!(split("产出指标"), None);
    }

    #[test]
    fn other_layouts_give_nothing() {
        let mut t = table(
            "project_performance",
            "表12-1",
            1,
            &["项目名称\t产业促进经费"],
        );
        t.grammar = grammar("expenditure_summary");
        let p = parse(&t);
        assert!(p.perf.fields.is_empty() && p.findings.is_empty());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Cells drawn from what the forms print: section and grid words, levels, targets, blanks,
        /// shifted or wrapped text, and arbitrary characters.
        fn cell() -> impl Strategy<Value = String> {
            let printed = prop::sample::select(vec![
                "",
                "",
                "项目采购",
                "项目支出明细测算",
                "项目当年资金来源",
                "长期绩效目标表",
                "年度绩效目标表",
                "目标名称",
                "前年",
                "上年",
                "预计当年实现",
                "指标值",
                "产出指标",
                "满意度 指标",
                "数量指标",
                "社会效益指标",
                "服务对象满意度",
                "计划标准",
                "≥95%",
                "≤ 24 小时",
                "-",
                "无",
                "提升",
                "率",
                "30万元",
                "1项",
                "长期绩效目标 1",
                "年度目标 2:",
                "项目名称",
                "部门职能概述1.贯彻",
                ".....",
            ])
            .prop_map(str::to_owned);
            prop_oneof![4 => printed, 1 => "\\PC{0,8}"]
        }

        proptest! {
            /// Whatever the lines hold, reading never panics and every indicator has one target
            /// per column of its grid.
            #[test]
            fn any_form_reads_without_panic(
                lines in prop::collection::vec(prop::collection::vec(cell(), 0..9), 0..30),
            ) {
                let texts: Vec<String> = lines.iter().map(|cells| cells.join("\t")).collect();
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                for g in ["project_performance", "overall_performance"] {
                    let p = parse(&table(g, "表12-1", 1, &refs));
                    for set in &p.perf.indicator_sets {
                        for i in &set.indicators {
                            prop_assert_eq!(i.targets.len(), set.target_columns.len());
                        }
                    }
                }
            }
        }
    }

    // ---- the sample document ----

    const SAMPLE: &str = "samples/000_163e4aab9eba8502.txt";

    /// The sample's lines `first..=last` after the character repairs, as a table body. `first` is
    /// the form's first line: the parser hands over the lines after a block's title and meta lines.
    fn sample_table(grammar_name: &str, id: &str, first: usize, last: usize) -> RawTable<'static> {
        let source = crate::ingest::read_text(std::path::Path::new(SAMPLE)).expect("sample");
        let (lines, _) = crate::normalize::canonicalize(&source);
        let body: Vec<Line> = lines
            .into_iter()
            .filter(|l| (first..=last).contains(&l.no))
            .collect();
        let mut t = table(grammar_name, id, first, &[]);
        t.body = body;
        t.end = last;
        t
    }

    fn counts(p: &Performance) -> [usize; 8] {
        [
            p.fields.len(),
            p.funding.len(),
            p.projects.len(),
            p.sources.len(),
            p.budget_lines.len(),
            p.procurement.len(),
            p.goals.len(),
            p.indicator_sets.len(),
        ]
    }

    fn set_sizes(p: &Performance) -> Vec<(usize, usize)> {
        p.indicator_sets
            .iter()
            .map(|s| (s.target_columns.len(), s.indicators.len()))
            .collect()
    }

    /// Every indicator has a name and as many targets as its grid has columns.
    fn assert_grids_well_formed(p: &Performance) {
        for s in &p.indicator_sets {
            for i in &s.indicators {
                assert!(!i.level3.is_empty(), "{i:?}");
                assert_eq!(i.targets.len(), s.target_columns.len(), "{i:?}");
                assert!(i.level1.is_some() && i.level2.is_some(), "{i:?}");
            }
        }
    }

    #[test]
    fn sample_table_12_1() {
        let p = parse(&sample_table("project_performance", "表12-1", 479, 545));
        assert_eq!(counts(&p.perf), [17, 0, 0, 8, 4, 0, 2, 2]);
        assert_eq!(set_sizes(&p.perf), [(1, 13), (3, 13)]);
        assert_grids_well_formed(&p.perf);
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        let annual = &p.perf.indicator_sets[1];
        assert_eq!(
            target_raws(&annual.indicators[0]),
            [Some("145"), Some("78.4"), Some("≤30 万元")]
        );
        assert_eq!(annual.indicators[9].level3, "安全生产检查报告提交时间");
        assert_eq!(annual.indicators[9].level2.as_deref(), Some("时效指标"));
        assert_eq!(
            annual.indicators[12].level2.as_deref(),
            Some("服务对象满意度")
        );
    }

    #[test]
    fn sample_table_12_2() {
        let p = parse(&sample_table("project_performance", "表12-2", 557, 641));
        assert_eq!(counts(&p.perf), [17, 0, 0, 8, 3, 8, 2, 2]);
        assert_eq!(set_sizes(&p.perf), [(1, 15), (3, 20)]);
        assert_grids_well_formed(&p.perf);
        // Line 615 prints 效益指标 in the 二级指标 column and no basis.
        let last = p.perf.indicator_sets[0]
            .indicators
            .last()
            .expect("indicator");
        assert_eq!(
            (last.level1.as_deref(), last.basis.as_deref()),
            (Some("效益指标"), None)
        );
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        assert_eq!(
            p.repairs.iter().filter(|r| r.rule == WRAPPED_CELL).count(),
            1
        );
    }

    #[test]
    fn sample_table_12_3() {
        let p = parse(&sample_table("project_performance", "表12-3", 653, 696));
        assert_eq!(counts(&p.perf), [17, 0, 0, 8, 1, 0, 2, 2]);
        assert_eq!(set_sizes(&p.perf), [(1, 4), (3, 4)]);
        assert_grids_well_formed(&p.perf);
        assert!(p.findings.is_empty(), "{:?}", p.findings);
    }

    #[test]
    fn sample_table_11() {
        let p = parse(&sample_table("overall_performance", "表11", 394, 467));
        assert_eq!(counts(&p.perf), [5, 8, 3, 0, 0, 0, 12, 6]);
        assert_eq!(
            set_sizes(&p.perf),
            [(1, 8), (1, 6), (1, 4), (1, 8), (1, 6), (1, 4)]
        );
        assert_grids_well_formed(&p.perf);
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        let groups: Vec<Option<&str>> = p.perf.funding.iter().map(|l| l.group.as_deref()).collect();
        assert_eq!(groups[..4], [Some("收入构成"); 4]);
        assert_eq!(groups[4..], [Some("支出构成"); 4]);
        // Lines 452, 461, 467 start in column 0.
        let annual1 = &p.perf.indicator_sets[3];
        assert_eq!(annual1.indicators[7].level1.as_deref(), Some("满意度指标"));
        assert_eq!(annual1.indicators[7].basis.as_deref(), Some("计划标准"));
    }

    /// Through the real parser: the four performance blocks of the sample place every line.
    #[test]
    fn sample_through_the_parser() {
        let source = crate::ingest::read_text(std::path::Path::new(SAMPLE)).expect("sample");
        let (lines, _) = crate::normalize::canonicalize(&source);
        let doc = crate::parse::parse(&lines, &GRAMMARS);
        let perf_tables: Vec<&RawTable<'_>> = doc
            .tables
            .iter()
            .filter(|t| {
                matches!(
                    t.grammar.layout,
                    Layout::OverallPerformance | Layout::ProjectPerformance
                )
            })
            .collect();
        assert_eq!(perf_tables.len(), 4);
        for t in perf_tables {
            let p = parse(t);
            assert!(p.findings.is_empty(), "{}: {:?}", t.id, p.findings);
            assert!(!p.perf.indicator_sets.is_empty(), "{}", t.id);
        }
    }
}
