//! The per-document dataset: the JSON contract other tools read.
//!
//! Every type here is plain data with `serde` derives; nothing in this module computes. The stages fill
//! these types, and `emit` is the only place that serializes them. Field order is the JSON order, and
//! all collections are `Vec`s or `BTreeMap`s, so the same document always gives the same bytes.
//! The contract is described field by field in `docs/schema.json` and `README.md`; bump
//! [`SCHEMA_VERSION`] whenever a field changes meaning or disappears.

use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the per-document JSON contract.
pub const SCHEMA_VERSION: &str = "1.0";

/// Where a value, repair or finding came from. Text input carries `line` (1-based, as in the input
/// file); PDF input will carry `page` as well.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct Loc {
    pub line: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
}

impl Loc {
    pub fn line(line: usize) -> Self {
        Loc { line, page: None }
    }
}

/// One processed disclosure.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Dataset {
    pub schema_version: &'static str,
    pub tool_version: &'static str,
    pub source: Source,
    pub document: DocumentInfo,
    pub tables: Vec<Table>,
    pub narrative: Narrative,
    pub repairs: Vec<Repair>,
    pub anomalies: Vec<Anomaly>,
}

/// The input file as read.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Source {
    pub path: String,
    pub sha256: String,
    /// `text` or `pdf`.
    pub format: &'static str,
    /// The detected encoding: `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE`, `UTF-16BE`, `GB18030`.
    pub encoding: String,
    /// Line endings seen: `LF`, `CRLF`, `CR` or `mixed`.
    pub line_endings: &'static str,
    pub lines: usize,
    pub pages: Option<usize>,
}

/// What the document says about itself.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct DocumentInfo {
    pub title: Option<String>,
    pub department: Option<String>,
    pub year: Option<i32>,
    /// `预算` (budget) or `决算` (final accounts), when the title says.
    pub kind: Option<String>,
    /// `部门` (a department's consolidated disclosure) or `单位` (one budget unit's), with the kind.
    pub scope: Option<String>,
    /// The money unit most tables use (`万元` or `元`).
    pub unit: Option<String>,
    pub sub_units: Vec<SubUnit>,
    pub loc: Option<Loc>,
}

/// A budget unit belonging to the department, as listed in the unit-keyed tables.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct SubUnit {
    pub code: Option<String>,
    pub name: String,
    pub loc: Loc,
}

/// One standard table.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Table {
    /// The id exactly as the document numbers it (`表1`, `表5-1`, `表12-2`).
    pub id: String,
    /// The standard table it is (`expenditure_summary`): the grammar's `table` name.
    pub grammar: String,
    /// The grammar file that read it (file stem in `grammars/`), one of the table's layout variants.
    pub variant: String,
    /// `grid`, `two_sided`, `project_performance` or `overall_performance`.
    pub layout: &'static str,
    /// The code system of the row codes: `function` (功能分类 类/款/项), `economic` (经济分类), `unit`.
    pub code_system: Option<String>,
    pub title: String,
    /// The caption line before the table, when it differs from the title (`部门收支总表`).
    pub caption: Option<String>,
    pub department: Option<String>,
    pub unit: Option<String>,
    /// Column paths of the value columns, in order (`基本支出/人员经费`).
    pub columns: Vec<String>,
    /// Names of the key columns as the document heads them (`科目编码`, `科目名称`).
    pub key_columns: Vec<String>,
    pub rows: Vec<Row>,
    /// The note printed with the table (`备注:本单位 2026 年没有…`), always present for empty tables.
    pub note: Option<String>,
    pub empty: bool,
    /// Performance-target content (表11, 表12-n).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance: Option<Performance>,
    pub loc: Loc,
    pub end_line: usize,
}

/// One printed row of a table (a two-sided table gives one row per side).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Row {
    /// `收入` or `支出` for two-sided tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
    pub code: Option<String>,
    /// The row label without its ordinal; null when the row prints none (an unlabelled total).
    pub name: Option<String>,
    /// The ordinal the label printed (`一`, `（一）`, `廿一`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordinal: Option<String>,
    /// The code of the nearest row above whose code is a proper prefix of this one.
    pub parent: Option<String>,
    /// Text columns other than code and name (`项目单位`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, String>,
    /// One entry per column: the amount as printed after repair, or null for an empty cell.
    pub values: Vec<Option<String>>,
    /// Cells that had no single sound reading, left as printed (column index → raw text).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unreadable: BTreeMap<usize, String>,
    /// Where each value was printed on its page (PDF input): one box per value, aligned with `values`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boxes: Vec<Option<BBox>>,
    /// The position of each value's cell among its source line's cells, for attaching boxes.
    #[serde(skip)]
    #[schemars(skip)]
    pub value_cells: Vec<Option<usize>>,
    pub loc: Loc,
}

/// An axis-aligned box in PDF page points (origin bottom-left, y up). Positions, never money.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, JsonSchema)]
pub struct BBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// Performance targets (绩效目标) of 表11 and 表12-n.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Performance {
    /// Label → value pairs of the form part (项目名称, 项目负责人, 填报人, 起始年度, …).
    pub fields: Vec<Field>,
    /// 表11: the funding summary (收入构成/支出构成 × 当年金额/占比/prior years).
    pub funding: Vec<FundingLine>,
    /// 表11: the project list; 表12-n: empty.
    pub projects: Vec<ProjectLine>,
    /// 表12-n: 项目当年资金来源.
    pub sources: Vec<FundingLine>,
    /// 表12-n: 项目支出明细测算.
    pub budget_lines: Vec<BudgetLine>,
    /// 表12-n: 项目采购.
    pub procurement: Vec<ProcurementLine>,
    /// Goal statements (长期目标 1, 年度绩效目标 …).
    pub goals: Vec<Goal>,
    /// Indicator grids (长期绩效指标 1, 年度绩效目标表 …).
    pub indicator_sets: Vec<IndicatorSet>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Field {
    pub label: String,
    pub value: String,
    pub loc: Loc,
}

/// One line of a funding breakdown; `values` align with `columns` of the enclosing list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FundingLine {
    /// `收入构成`, `支出构成`, or null.
    pub group: Option<String>,
    pub name: String,
    /// Column label → amount or share as printed after repair (`当年金额` → `4335.95`, `占比` → `100%`).
    pub values: BTreeMap<String, Quantity>,
    pub loc: Loc,
}

/// A number with its unit as printed (`30 万元`, `53.9%`, `1272.07`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Quantity {
    pub raw: String,
    pub value: Option<String>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProjectLine {
    pub name: String,
    pub category: Option<String>,
    pub total_budget: Option<Quantity>,
    pub year_budget: Option<Quantity>,
    pub purpose: Option<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BudgetLine {
    pub activity: String,
    pub description: Option<String>,
    pub economic_class: Option<String>,
    pub amount: Option<Quantity>,
    pub basis: Option<String>,
    pub remark: Option<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProcurementLine {
    pub item: String,
    pub quantity: Option<String>,
    pub amount: Option<Quantity>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Goal {
    /// `长期目标 1`, `年度目标 2`, `长期绩效目标`, …
    pub label: String,
    pub text: String,
    pub loc: Loc,
}

/// One indicator grid with its label and the target columns it has.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct IndicatorSet {
    pub label: String,
    /// `long_term` or `annual`.
    pub horizon: &'static str,
    /// Names of the target columns: `["指标值"]` or `["前年", "上年", "预计当年实现"]`.
    pub target_columns: Vec<String>,
    pub indicators: Vec<Indicator>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Indicator {
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub level3: String,
    /// One per target column.
    pub targets: Vec<Option<Target>>,
    /// 指标值确定依据.
    pub basis: Option<String>,
    pub loc: Loc,
}

/// A target value split into its parts: `≥6500 人` → `≥`, `6500`, `人`; `提升` → text only.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Target {
    pub raw: String,
    pub comparator: Option<String>,
    pub value: Option<String>,
    pub unit: Option<String>,
    /// Qualitative targets (`提升`, `达成`, `可用`).
    pub text: Option<String>,
}

/// The 情况说明 part: headed sections and typed facts.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Narrative {
    pub sections: Vec<Section>,
    pub facts: Vec<Fact>,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Section {
    /// `一`, `（一）`, …
    pub number: Option<String>,
    pub heading: String,
    /// The heading of the enclosing section, for sub-sections.
    pub parent: Option<String>,
    pub paragraphs: Vec<Paragraph>,
    pub loc: Loc,
}

/// A paragraph after page-break joins. `lines` lists every source line it spans.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Paragraph {
    pub text: String,
    pub lines: Vec<usize>,
}

/// One number mentioned in the narrative.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Fact {
    /// `amount`, `percent`, `year`, `count` or `malformed`.
    pub kind: &'static str,
    pub raw: String,
    pub value: Option<String>,
    pub unit: Option<String>,
    pub loc: Loc,
}

/// A sentence whose pattern ties figures to a subject.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Statement {
    /// What the figures are about, as written (`科学技术支出`, `基本支出`, `部门收支总预算`).
    pub subject: String,
    /// `科目` for a 类/款/项 path, `total`, `item`, …
    pub subject_kind: &'static str,
    /// The 科目 path as written (`科学技术支出`, `科学技术管理事务`, `行政运行`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
    /// The 功能 code the path resolves to through the tables.
    pub code: Option<String>,
    /// The year the amount is for, when the sentence gives one.
    pub year: Option<i32>,
    pub amount: Option<String>,
    pub unit: Option<String>,
    /// The year compared against (`比2025年预算`).
    pub compared_year: Option<i32>,
    /// Signed change: positive for 增加, negative for 减少, zero for 持平.
    pub change: Option<String>,
    /// Signed growth rate in percent (`增长 28.4%` → `28.4`).
    pub growth_pct: Option<String>,
    /// Share in percent (`占 61.5%` → `61.5`).
    pub share_pct: Option<String>,
    /// The stated reason (`主要原因…`), if any.
    pub reason: Option<String>,
    /// For a breakdown item (`其中：货物类5.5万元`): the index in `statements` of the total it breaks down.
    pub part_of: Option<usize>,
    pub text: String,
    pub loc: Loc,
}

/// One change made to the raw text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct Repair {
    pub loc: Loc,
    /// The repair rule (`split_number`, `split_code`, `page_break_join`, …).
    pub rule: &'static str,
    pub raw: String,
    pub repaired: String,
    /// The table the cell belongs to, when it is a table cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// The column (path or key column name) of the cell, when it is a table cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

/// A finding: something a person should look at, with where to look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Anomaly {
    /// The rule's stable code (`A001`); `cnbudget explain CODE` describes it.
    pub rule: &'static str,
    /// `sum_mismatch`, `rounding_difference`, `cross_table_mismatch`, `narrative_mismatch`, …
    pub kind: &'static str,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// One sentence naming the figures.
    pub message: String,
    pub location: Location,
    pub expected: Option<String>,
    pub actual: Option<String>,
}

/// Where a finding points: the line (text) or page (PDF), and the table cell where it applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct Location {
    pub line: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    pub table: Option<String>,
    /// The row's code, or its name when it has no code.
    pub row: Option<String>,
    pub column: Option<String>,
}

impl Location {
    pub fn line(line: usize) -> Self {
        Location {
            line,
            ..Location::default()
        }
    }
}
