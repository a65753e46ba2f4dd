//! `S` rules: the narrative's figures (statements) against the tables, and among themselves; `M001`:
//! numbers in the narrative that do not read as one number.
//!
//! A statement's subject is mapped to a table figure by its 功能 code (表5-1, else 表3 …), by role words
//! (the `subject:ROLE` lists of `grammars/narrative.layout`: 基本支出, 人员经费, “三公”经费, …), by 经济分类
//! class name (表6) or by project name (表10). A subject that maps to nothing is not checked, and a
//! role word inside a breakdown whose total maps to nothing (or in a section about another fund) is
//! not mapped either: its scope is unknown. Each role lists every table figure it may legitimately
//! equal; a statement is accepted when it equals any of them at its printed precision.
//!
//! Every comparison honours the printed precision of its figures (`3 万元` is 3.00, `30 万元` may be
//! 30.40) and the rounding policy ([`super::Tolerance`]): a difference within it is an `R001` tail.
//! Percentages are recomputed over the box of values the inputs' own rounding allows.

use super::names::{project_key, same_project, similarity};
use super::rules::{Rule, Severity};
use super::table::{CHECK_SKIPPED, ROUNDING_DIFFERENCE};
use super::{Cx, cell_location, row_label, total_row, unreadable, value};
use crate::grammar::{Check, Grammar, SideTerms};
use crate::model::{Fact, Location, Row, Statement, Table};
use crate::normalize::cells::{fold, folded_chars};
use crate::normalize::number::unit_factor;
use rust_decimal::{Decimal, RoundingStrategy};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;
use std::str::FromStr;

pub const AMOUNT_MISMATCH: Rule = Rule {
    code: "S001",
    name: "narrative-amount-mismatch",
    kind: "narrative_mismatch",
    severity: Severity::Error,
    summary: "an amount the narrative states differs from the table figure its subject names",
    doc: "## What it checks\nEvery narrative statement whose subject names a table figure states that \
          figure: a 科目 (`X（类）Y（款）Z（项）`, or a 类 name) → its 表5-1 row, column 合计 (or 表3, 表4, 表1); \
          the department total (`部门收支总预算`, `部门预算收入`) → 表1 收入总计 / 本年收入合计; `一般公共预算拨款` → 表1 \
          一般公共预算拨款收入 or 表5-1 合计; 基本支出 / 项目支出 / 人员经费 / 公用经费 → the 表5-1, 表3 or 表6 total \
          columns; 经济分类 classes (`工资福利支出`) → the 表6 row; “三公”经费 and its parts → 表7; 机关运行经费 → 表6 \
          公用经费 (a Hubei convention: warning); projects → their 表10 row (warning when the names are only \
          similar). Role words come from `subject:ROLE` lists in `grammars/narrative.layout`; a leading year \
          and the qualifiers 一般公共预算 / 财政拨款 are dropped (`一般公共预算基本支出` is 基本支出, but \
          `一般公共预算拨款` stays itself). A figure equal at its printed precision passes (a document that \
          prints `2,665.41` elsewhere drops trailing zeros, so its `30 万元` is 30.00; a table in 元 is \
          compared after conversion); a difference within the rounding policy (one addend) is an R001 tail. \
          A 万元 figure against a table in 元 stands for the range its rounding allows (1,202.95万元 is \
          12,029,450–12,029,550 元), and findings give both figures with their units. Totals named after \
          the department and year (`某局2024年度收入支出总计` → 表1 总计, `财政拨款收入支出总计` → 表4 \
          总计) are mapped too. In a 决算 document the final figure of a pair (`年初预算为 A 万元，支出决算为 \
          B 万元`) must equal the table, and a “三公” budget figure is compared with the 决算 table's 预算数 \
          (a blank cell, or a table printed empty, is 0); other statements, whose sentences may pair \
          the budget with the final figure, pass when any amount of their paragraph matches, and a \
          mismatch is a warning. Subjects that cannot be mapped are not reported.\n\n## Why it matters\nThe narrative is what readers quote; a figure that \
          disagrees with the tables was copied from another year or section, or mistyped.\n\n## Example\n\
          `2026 年一般公共预算基本支出 4,335.95 万元` while 表5-1 合计 基本支出/小计 is 2,665.41 → S001.",
};

pub const GROWTH_MISMATCH: Rule = Rule {
    code: "S002",
    name: "narrative-growth-mismatch",
    kind: "percentage_mismatch",
    severity: Severity::Error,
    summary: "a stated growth rate does not follow from the stated amount and change",
    doc: "## What it checks\nFor a statement with amount A, change C and growth rate g (`…4,335.95 万元，比 \
          2025 年预算增加 960.28 万元，增长 28.4%`): the prior figure is P = A − C and the growth C ÷ P × 100. \
          Every value the rounding of A and C allows (each ± half a unit of its last printed digit) is tried, \
          and g passes when it lies in that range widened by half a unit of g's last digit. The sign must \
          agree (增加 with 增长, 减少 with 下降), and 持平 (a zero change) cannot come with a non-zero rate. \
          Rates in 个百分点 are not growth rates and are skipped.\n\n## Why it matters\nGrowth rates are \
          computed by hand and often copied from last year's text.\n\n## Example\n`113.25 万元，比 2025 预算增加 \
          12.45 万元，增长 21.4%` (12.45 ÷ 100.80 = 12.35%) → S002.",
};

pub const SHARE_MISMATCH: Rule = Rule {
    code: "S003",
    name: "narrative-share-mismatch",
    kind: "percentage_mismatch",
    severity: Severity::Warning,
    summary: "a stated share (占 X%) matches no plausible denominator",
    doc: "## What it checks\nA statement with a share s (`基本支出 2,665.41 万元，占比 61.5%`) is divided by the \
          denominator the text names (`占基本支出的 87.6%`: the statements and table figures of that name; \
          a name that maps to nothing leaves the share unchecked), else by the total it belongs to (`其中：` \
          breakdown), the nearest preceding total of its section, or the document totals (表1 收入总计, \
          本年收入合计, 表5-1 合计). It passes when any of them gives s at s's printed precision, allowing \
          for the rounding of both amounts. A warning: the text may mean a denominator cnbudget does not \
          read. Shares of the items of one total that exceed 100% while the items do not exceed the total \
          are reported as info.\n\n## Why it matters\nShares are computed by hand and are not re-derived \
          when an amount changes.\n\n## Example\n`基本支出 2,665.41 万元，占比 65.1%` of 4,335.95 (61.47%) → \
          S003.",
};

pub const BREAKDOWN_MISMATCH: Rule = Rule {
    code: "S004",
    name: "narrative-breakdown-mismatch",
    kind: "narrative_mismatch",
    severity: Severity::Error,
    summary: "the items of a narrative breakdown (其中：…) do not add up to their total",
    doc: "## What it checks\nFor a total followed by at least two items in the same unit (`政府采购预算支出合计 \
          1198.22 万元 … 其中：货物类 5.5 万元，工程类 0 万元，服务类 915.17 万元`), Σ items = total under the \
          rounding policy (n addends, widened for figures printed with fewer decimals). When the total and \
          every item state a change (`“三公”经费 … 增加 0.18 万元`), Σ item changes = the total's change. A \
          breakdown's only item cannot exceed its total. An item listed beside its own parts (`公务用车购置及\
          运行费 3 万元（其中，购置费 0 万元，运行费 3 万元）`) is not counted twice, and a total already \
          reported by S001 whose items agree with the table is not reported again.\n\n\
          ## Why it matters\nA breakdown that does not add up has a wrong or missing item.\n\n## Example\n\
          `1198.22` over 5.5 + 0 + 915.17 = 920.67 → S004.",
};

pub const FLAT_WORDING: Rule = Rule {
    code: "S005",
    name: "narrative-flat-wording",
    kind: "narrative_mismatch",
    severity: Severity::Warning,
    summary: "a flat wording (持平) that states no fact or contradicts the figures around it",
    doc: "## What it checks\nA negated flat word (`不持平`, `未持平`; the `negation` and `change_flat` lists of \
          `grammars/narrative.layout`) with no change figure states nothing; when it is an item of a total \
          that is 持平 and every other item is 持平 too, it contradicts them (the item must be 持平). \
          Contradictions that carry figures are S002 (持平 with a rate) and S004 (changes that do not add \
          up).\n\n## Why it matters\nSuch wording is usually a template edited by hand.\n\n## Example\n\
          `公务用车运行维护费 3 万元，比 2025 年预算不持平` under a 持平 total with 持平 siblings → S005.",
};

pub const PRIOR_YEAR_MISMATCH: Rule = Rule {
    code: "S006",
    name: "narrative-prior-year-mismatch",
    kind: "narrative_mismatch",
    severity: Severity::Warning,
    summary: "the prior-year total implied by the narrative's change differs from the performance table's",
    doc: "## What it checks\nWhen the narrative states the department total and its change against a year \
          (`4,335.95 万元，比 2025 年预算增加 960.28 万元` → 3,375.67 for 2025) and 表11's funding summary gives \
          that year's column (`2025年` of its 合计 line), the two agree. A warning: the narrative compares \
          with the prior year's budget as published, 表11 may give the prior year's execution or a \
          differently scoped total.\n\n## Why it matters\nThe change is the figure readers remember; if \
          the prior-year base does not match any published figure it was probably miscomputed.\n\n\
          ## Example\nImplied 2025 total 3,375.67 vs 表11 合计 2025年 2,539.05 → S006.",
};

pub const MALFORMED_NUMBER: Rule = Rule {
    code: "M001",
    name: "malformed-narrative-number",
    kind: "malformed_number",
    severity: Severity::Error,
    summary: "a number in the narrative does not read as one number",
    doc: "## What it checks\nEvery narrative number with a unit that is not one well-formed number (`1.2.4%`, \
          `12,45 万元`). When it is the growth rate (or share) of a statement whose other figures allow the \
          rate to be recomputed, each reading of its digits (keeping one of the dots: `12.4`, `1.24`) is \
          compared with the recomputation at its own precision; if exactly one agrees it is given as the \
          expected value.\n\n## Why it matters\nThe figure cannot be quoted or checked as printed.\n\n\
          ## Example\n`增长 1.2.4%` where 12.45 ÷ (113.25 − 12.45) = 12.35% → M001, expected 12.4%.",
};

pub const FINAL_WORDING: Rule = Rule {
    code: "S007",
    name: "final-budget-wording-mismatch",
    kind: "narrative_mismatch",
    severity: Severity::Error,
    summary: "a 决算 sentence says the final figure is larger, smaller or the same as the budget, and the figures say otherwise",
    doc: "## What it checks\nIn a 决算 (final accounts) narrative, a budget figure and a final figure are \
          paired (`年初预算为 X 万元，支出决算为 Y 万元`; the `final_budget_word` and `final_actual_word` lists of \
          `grammars/narrative.layout`), and the text then compares them (`决算数大于预算数`, `决算数小于预算数`, \
          `决算数与预算数基本持平`, `决算数等于预算数`; the `final_more`, `final_less` and `final_equal` lists). \
          The comparison must hold: 大于 needs Y > X, 小于 needs Y < X, 持平/等于 needs Y = X within the \
          rounding policy (one addend: 0.01 万元). The wording is matched to the last pair before it in \
          the same numbered item or paragraph.\n\n## Why it matters\nThe sentence is a template whose \
          comparison word is chosen by hand; a wrong word tells the reader the department overspent \
          when it underspent, or that the budget was met when it was not.\n\n## Example\n`年初预算为 \
          1560.05 万元，支出决算为 1511.89 万元。决算数大于预算数的主要原因：…` → S007 (1511.89 < 1560.05: \
          小于).",
};

pub const COMPLETION_RATE: Rule = Rule {
    code: "S008",
    name: "completion-rate-mismatch",
    kind: "percentage_mismatch",
    severity: Severity::Error,
    summary: "a 决算 completion rate (完成年初预算的 Z%) is not the final figure ÷ the budget",
    doc: "## What it checks\nFor a 决算 pair `年初预算为 X 万元，支出决算为 Y 万元` followed by a completion \
          rate (`完成年初预算的 Z%`, `完成预算的 Z%`; the `final_completion_word` list of \
          `grammars/narrative.layout`), Z = Y ÷ X × 100 at Z's printed precision, allowing for the rounding \
          of X and Y (each ± half a unit of its last digit). A budget of 0 has no rate and is skipped.\n\n\
          ## Why it matters\nThe rate is computed by hand and is not updated when a figure changes.\n\n\
          ## Example\n`年初预算为 2993.92 万元，支出决算为 2940.05 万元，完成年初预算的 96.20%` (98.20%) → S008.",
};

pub static RULES: &[&Rule] = &[
    &AMOUNT_MISMATCH,
    &GROWTH_MISMATCH,
    &SHARE_MISMATCH,
    &BREAKDOWN_MISMATCH,
    &FLAT_WORDING,
    &PRIOR_YEAR_MISMATCH,
    &MALFORMED_NUMBER,
    &FINAL_WORDING,
    &COMPLETION_RATE,
];

/// Runs this family's checks.
pub fn check(cx: &mut Cx<'_>) {
    let sx = Sx::new(cx);
    let flagged = amounts(cx, &sx);
    growth(cx, &sx);
    shares(cx, &sx);
    breakdowns(cx, &sx, &flagged);
    flat_wording(cx, &sx);
    malformed(cx, &sx);
    prior_year(cx, &sx);
    final_pairs(cx, &sx);
}

// ---------------------------------------------------------------------------------------------
// Numbers

fn dec(s: &str) -> Option<Decimal> {
    Decimal::from_str(s.trim()).ok()
}

/// Half a unit of the last printed digit (`4335.95` → 0.005, `3` → 0.5).
fn half_unit(v: Decimal) -> Decimal {
    Decimal::try_new(5, v.scale() + 1).unwrap_or(Decimal::ZERO)
}

/// `v` in `from` expressed in `to`; unknown units are taken as equal.
fn convert(v: Decimal, from: Option<&str>, to: Option<&str>) -> Option<Decimal> {
    match (from.and_then(unit_factor), to.and_then(unit_factor)) {
        (Some(f), Some(t)) if f != t => v.checked_mul(f)?.checked_div(t),
        _ => Some(v),
    }
}

fn pct(v: Decimal) -> String {
    v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

/// The range of `num / den × 100` over `num ± dn`, `den ± dd` (None when a denominator can reach 0).
fn ratio_range(num: Decimal, dn: Decimal, den: Decimal, dd: Decimal) -> Option<(Decimal, Decimal)> {
    corners(&[
        (num.saturating_sub(dn), den.saturating_sub(dd)),
        (num.saturating_sub(dn), den.saturating_add(dd)),
        (num.saturating_add(dn), den.saturating_sub(dd)),
        (num.saturating_add(dn), den.saturating_add(dd)),
    ])
}

/// The range of growth `C / (A − C) × 100` over `A ± da`, `C ± dc` (None when the prior can reach 0).
fn growth_range(a: Decimal, da: Decimal, c: Decimal, dc: Decimal) -> Option<(Decimal, Decimal)> {
    let mut pts = Vec::new();
    for av in [a.checked_sub(da)?, a.checked_add(da)?] {
        for cv in [c.checked_sub(dc)?, c.checked_add(dc)?] {
            pts.push((cv, av.checked_sub(cv)?));
        }
    }
    corners(&pts)
}

/// Min and max of `n / d × 100` over the given points (the extremes of a ratio monotonic in each
/// variable lie at the corners of the box); None when a denominator is not positive.
fn corners(points: &[(Decimal, Decimal)]) -> Option<(Decimal, Decimal)> {
    let mut lo: Option<Decimal> = None;
    let mut hi: Option<Decimal> = None;
    for &(n, d) in points {
        if d <= Decimal::ZERO {
            return None;
        }
        let r = n.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(d)?;
        lo = Some(lo.map_or(r, |l| l.min(r)));
        hi = Some(hi.map_or(r, |h| h.max(r)));
    }
    Some((lo?, hi?))
}

/// True when the printed percentage `p` can be the rounding of a value in `range`.
fn within(p: Decimal, (lo, hi): (Decimal, Decimal)) -> bool {
    let h = half_unit(p);
    p >= lo.saturating_sub(h) && p <= hi.saturating_add(h)
}

/// How a stated figure compares with the figure it should equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Equal,
    Tail,
    Mismatch,
}

// ---------------------------------------------------------------------------------------------
// Context: word lists, sections, subject mapping

/// What a subject names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    TotalBudget,
    FiscalTotal,
    GpbAppropriation,
    Basic,
    Project,
    Personnel,
    PublicFunds,
    ThreePublic,
    GoingAbroad,
    Vehicles,
    VehiclePurchase,
    VehicleOperation,
    Reception,
    AdminOperating,
}

/// Each role, its word list, and whether a qualifier (`一般公共预算`) may be dropped to reach it.
const ROLES: &[(Role, &str, bool)] = &[
    (Role::TotalBudget, "subject:total_budget", false),
    (Role::FiscalTotal, "subject:fiscal_total", false),
    (Role::GpbAppropriation, "subject:gpb_appropriation", false),
    (Role::Basic, "subject:basic_expenditure", true),
    (Role::Project, "subject:project_expenditure", true),
    (Role::Personnel, "subject:personnel", true),
    (Role::PublicFunds, "subject:public_funds", true),
    (Role::ThreePublic, "subject:three_public", true),
    (Role::GoingAbroad, "subject:going_abroad", true),
    (Role::Vehicles, "subject:vehicles", true),
    (Role::VehiclePurchase, "subject:vehicle_purchase", true),
    (Role::VehicleOperation, "subject:vehicle_operation", true),
    (Role::Reception, "subject:reception", true),
    (Role::AdminOperating, "subject:admin_operating", true),
];

impl Role {
    fn describe(self) -> &'static str {
        match self {
            Role::TotalBudget => "the department total",
            Role::FiscalTotal => "the fiscal appropriations total",
            Role::GpbAppropriation => "the 一般公共预算 appropriation",
            Role::Basic => "基本支出",
            Role::Project => "项目支出",
            Role::Personnel => "人员经费",
            Role::PublicFunds => "公用经费",
            Role::ThreePublic => "“三公”经费",
            Role::GoingAbroad => "因公出国(境)费",
            Role::Vehicles => "公务用车购置及运行费",
            Role::VehiclePurchase => "公务用车购置费",
            Role::VehicleOperation => "公务用车运行费",
            Role::Reception => "公务接待费",
            Role::AdminOperating => "机关运行经费",
        }
    }

    /// The tables the role's figures come from, for the skipped-check note.
    fn tables(self) -> &'static str {
        match self {
            Role::TotalBudget => "表1/表2/表3",
            Role::FiscalTotal => "表4",
            Role::GpbAppropriation => "表1/表4/表5",
            Role::Basic | Role::Personnel | Role::PublicFunds | Role::AdminOperating => {
                "表3/表5/表6"
            }
            Role::Project => "表3/表5/表10",
            _ => "表7",
        }
    }

    /// The “三公” figures (表7 / 表9 columns).
    fn is_three_public(self) -> bool {
        matches!(
            self,
            Role::ThreePublic
                | Role::GoingAbroad
                | Role::Vehicles
                | Role::VehiclePurchase
                | Role::VehicleOperation
                | Role::Reception
        )
    }

    /// The column of the “三公” table the role names.
    fn three_public_column(self) -> Option<&'static str> {
        Some(match self {
            Role::ThreePublic => "合计",
            Role::GoingAbroad => "因公出国(境)费",
            Role::Vehicles => "公务用车购置及运行费/小计",
            Role::VehiclePurchase => "公务用车购置及运行费/公务用车购置费",
            Role::VehicleOperation => "公务用车购置及运行费/公务用车运行费",
            Role::Reception => "公务接待费",
            _ => return None,
        })
    }

    /// Roles whose breakdown items are 经济分类 classes.
    fn is_basic_scope(self) -> bool {
        matches!(
            self,
            Role::Basic | Role::Personnel | Role::PublicFunds | Role::AdminOperating
        )
    }
}

/// The table figure(s) a statement's subject names.
#[derive(Debug, Clone)]
enum Target<'a> {
    Code(String),
    Role(Role),
    /// The budget figure of a 决算 pair about a “三公” figure: the table's 预算数.
    Budget(Role),
    /// A 表6 class row; `scoped` when the statement sits in a breakdown of 基本支出.
    Econ {
        table: &'a Table,
        row: &'a Row,
        scoped: bool,
    },
    /// 表10 project rows; `exact` when the names are the same once reduced.
    Project {
        rows: Vec<&'a Row>,
        exact: bool,
    },
}

/// One table figure a statement may equal.
#[derive(Debug, Clone)]
struct Figure {
    value: Decimal,
    unit: Option<String>,
    /// `表5-1 row 合计 基本支出/小计`
    label: String,
    location: Location,
}

/// Subject keys: folded, quotes removed.
fn key(s: &str) -> String {
    // One pass with one allocation (a key is never longer than `s`): keys are made for every row
    // name a figure is looked up among.
    let mut out = String::with_capacity(s.len());
    out.extend(key_chars(s));
    out
}

/// The characters of [`key`]`(s)`, without allocating.
fn key_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    folded_chars(s).filter(|c| !matches!(c, '"' | '\'' | '「' | '」' | '『' | '』'))
}

/// The key after its first `YYYY年` / `YYYY年度` when a name without digits comes before it.
fn after_named_year(k: &str) -> Option<&str> {
    let bytes = k.as_bytes();
    let at = (0..bytes.len().saturating_sub(3)).find(|&i| {
        bytes[i..i + 4].iter().all(u8::is_ascii_digit)
            && k.get(i + 4..).is_some_and(|r| r.starts_with('年'))
            && (i == 0 || !bytes[i - 1].is_ascii_digit())
    })?;
    if at == 0 || k[..at].chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = strip_year(k.get(at..)?);
    (!rest.is_empty() && rest.len() < k.len() - at).then_some(rest)
}

/// Drops a leading year (`2026年`, `2026年度`).
fn strip_year(k: &str) -> &str {
    let digits = k.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 4 {
        return k;
    }
    let Some(rest) = k.get(digits..) else {
        return k;
    };
    rest.strip_prefix("年度")
        .or_else(|| rest.strip_prefix('年'))
        .unwrap_or(k)
}

/// The subject word lists: roles, qualifiers, other funds.
struct Lexicon {
    roles: Vec<(Role, Vec<String>, bool)>,
    /// Longest first.
    qualifiers: Vec<String>,
    other_fund: Vec<String>,
    /// The department's name (key), which a subject may start with (`上海市普陀区财政局2024年度收入支出总计`).
    department: Option<String>,
    /// 决算: the words naming a pair's budget figure, longest first.
    budget_words: Vec<String>,
}

impl Lexicon {
    fn new(g: Option<&Grammar>, department: Option<&str>) -> Self {
        let words = |name: &str| -> Vec<String> {
            g.map(|g| {
                g.vocab(name)
                    .iter()
                    .map(|w| key(w))
                    .filter(|w| !w.is_empty())
                    .collect()
            })
            .unwrap_or_default()
        };
        let mut qualifiers = words("subject_qualifier");
        qualifiers.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let mut budget_words = words("final_budget_word");
        budget_words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        Lexicon {
            roles: ROLES
                .iter()
                .map(|&(r, list, q)| (r, words(list), q))
                .collect(),
            qualifiers,
            other_fund: words("scope_other_fund"),
            department: department.map(key).filter(|k| !k.is_empty()),
            budget_words,
        }
    }

    /// The subject of a 决算 pair's budget figure without its budget word (`“三公”经费财政拨款支出年初预算`
    /// → `“三公”经费财政拨款支出`).
    fn budget_base<'s>(&self, subject: &'s str) -> &'s str {
        let k = key(subject);
        let Some(w) = self.budget_words.iter().find(|w| k.ends_with(w.as_str())) else {
            return subject;
        };
        let n = w.chars().count();
        let cut = subject
            .char_indices()
            .rev()
            .nth(n - 1)
            .map_or(0, |(i, _)| i);
        subject.get(..cut).unwrap_or(subject).trim()
    }

    /// The ways a subject key may name its figure: whole; without the department's name; without a
    /// leading `name + year` (`某局2024年度收入支出总计`); the part after the last `的`
    /// (`某委员会财政拨款的机关运行经费预算`). The first that names a role wins.
    fn readings(&self, subject: &str) -> Vec<String> {
        let whole = key(subject);
        let mut out = vec![strip_year(&whole).to_owned()];
        if let Some(d) = &self.department
            && let Some(rest) = whole.strip_prefix(d.as_str())
        {
            out.push(strip_year(rest).to_owned());
        }
        if let Some(rest) = after_named_year(&whole) {
            out.push(rest.to_owned());
        }
        if let Some((_, rest)) = whole.rsplit_once('的') {
            out.push(strip_year(rest).to_owned());
        }
        out.retain(|r| !r.is_empty());
        out
    }

    /// The role a subject names, and the subject's key without year and qualifiers. The whole key is
    /// looked up first; the stripped one only for roles a qualifier does not change.
    fn role(&self, subject: &str) -> (Option<Role>, String) {
        let readings = self.readings(subject);
        let mut first = None;
        for r in &readings {
            let found = self.role_of(r);
            if found.0.is_some() {
                return found;
            }
            first.get_or_insert(found);
        }
        first.unwrap_or((None, String::new()))
    }

    /// [`Self::role`] of one reading.
    fn role_of(&self, whole: &str) -> (Option<Role>, String) {
        let whole = whole.to_owned();
        let mut stripped = whole.clone();
        loop {
            let before = stripped.len();
            for q in &self.qualifiers {
                if let Some(rest) = stripped.strip_prefix(q.as_str())
                    && !rest.is_empty()
                {
                    stripped = rest.to_owned();
                }
            }
            if stripped.len() == before {
                break;
            }
        }
        let role = self
            .roles
            .iter()
            .find(|(_, ws, _)| ws.contains(&whole))
            .or_else(|| {
                (stripped != whole)
                    .then(|| {
                        self.roles
                            .iter()
                            .find(|(_, ws, q)| *q && ws.contains(&stripped))
                    })
                    .flatten()
            })
            .map(|(r, _, _)| *r);
        (role, stripped)
    }
}

/// What every check of this family reads.
struct Sx<'a> {
    statements: &'a [Statement],
    /// Index of the section each statement is in.
    section: Vec<Option<usize>>,
    /// The lines of the block each statement was read from.
    block: Vec<(usize, usize)>,
    targets: Vec<Option<Target<'a>>>,
    negation: Vec<String>,
    flat: Vec<String>,
    change_words: Vec<String>,
    share_words: Vec<String>,
    points: Vec<String>,
    lexicon: Lexicon,
    doc_unit: Option<String>,
    /// The most decimals any narrative amount in a unit prints: a document that prints `2,665.41`
    /// and `5.5` drops trailing zeros, so its `5.5` is 5.50, not 5.45…5.55.
    scales: BTreeMap<String, u32>,
    /// The items of each statement (indices of the statements whose `part_of` it is), in order.
    children: Vec<Vec<usize>>,
    /// [`role_figures`] of each role asked for so far: the same figures are looked up for every
    /// statement of a role, by several checks.
    role_figures: RefCell<Vec<(Role, Rc<Vec<Figure>>)>>,
}

impl<'a> Sx<'a> {
    fn new(cx: &Cx<'a>) -> Self {
        let d = cx.d;
        let nv = |name: &str| -> Vec<String> {
            cx.grammars
                .vocabulary("narrative")
                .map(|g| {
                    g.vocab(name)
                        .iter()
                        .map(|w| fold(w))
                        .filter(|w| !w.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        let statements = d.narrative.statements.as_slice();
        let sections = &d.narrative.sections;
        let section: Vec<Option<usize>> = statements
            .iter()
            .map(|s| sections.iter().rposition(|x| x.loc.line <= s.loc.line))
            .collect();
        // Each line's first paragraph's first and last lines, found in one pass over the paragraphs
        // rather than by searching every paragraph for every statement.
        let mut spans: HashMap<usize, (usize, usize)> = HashMap::new();
        for p in sections.iter().flat_map(|x| &x.paragraphs) {
            if let (Some(&lo), Some(&hi)) = (p.lines.iter().min(), p.lines.iter().max()) {
                for &line in &p.lines {
                    spans.entry(line).or_insert((lo, hi));
                }
            }
        }
        let block = statements
            .iter()
            .map(|s| {
                spans
                    .get(&s.loc.line)
                    .copied()
                    .unwrap_or((s.loc.line, s.loc.line))
            })
            .collect();
        let mut change_words = nv("change_up");
        change_words.extend(nv("change_down"));
        let mut sx = Sx {
            statements,
            section,
            block,
            targets: Vec::new(),
            negation: nv("negation"),
            flat: nv("change_flat"),
            change_words,
            share_words: nv("share_word"),
            points: nv("percentage_point"),
            lexicon: Lexicon::new(
                cx.grammars.vocabulary("narrative"),
                d.document.department.as_deref(),
            ),
            doc_unit: d.document.unit.clone(),
            scales: BTreeMap::new(),
            children: {
                // Built once: every check asks for the items of every total.
                let mut c = vec![Vec::new(); statements.len()];
                for (j, st) in statements.iter().enumerate() {
                    if let Some(list) = st.part_of.and_then(|p| c.get_mut(p)) {
                        list.push(j);
                    }
                }
                c
            },
            role_figures: RefCell::new(Vec::new()),
        };
        for f in d.narrative.facts.iter().filter(|f| f.kind == "amount") {
            if let (Some(v), Some(u)) = (f.value.as_deref().and_then(dec), f.unit.as_deref()) {
                let e = sx.scales.entry(u.to_owned()).or_insert(0);
                *e = (*e).max(v.scale());
            }
        }
        sx.targets = map_subjects(cx, &sx);
        sx
    }

    /// The table figures a role's statements may equal ([`role_figures`], found once per role).
    fn role_figures(&self, cx: &Cx<'_>, role: Role) -> Rc<Vec<Figure>> {
        if let Some((_, f)) = self.role_figures.borrow().iter().find(|(r, _)| *r == role) {
            return Rc::clone(f);
        }
        let f = Rc::new(role_figures(cx, role));
        self.role_figures.borrow_mut().push((role, Rc::clone(&f)));
        f
    }

    /// Half a unit of the last digit a narrative amount in `unit` stands for.
    fn half(&self, v: Decimal, unit: Option<&str>) -> Decimal {
        let doc = unit.and_then(|u| self.scales.get(u)).copied().unwrap_or(0);
        Decimal::try_new(5, v.scale().max(doc) + 1).unwrap_or(Decimal::ZERO)
    }

    fn unit(&self, st: &Statement) -> Option<String> {
        st.unit.clone().or_else(|| self.doc_unit.clone())
    }

    fn role(&self, i: usize) -> Option<Role> {
        match self.targets.get(i) {
            Some(Some(Target::Role(r))) => Some(*r),
            _ => None,
        }
    }

    /// The unit of a statement's change figure: the unit of the amount fact in its block that prints
    /// the change; the statement's unit when none does; None when the block's amounts disagree.
    fn change_unit(&self, cx: &Cx<'_>, i: usize) -> Option<String> {
        let st = self.statements.get(i)?;
        let change = dec(st.change.as_deref()?)?.abs();
        let (lo, hi) = self.block.get(i).copied()?;
        let units: BTreeSet<Option<&str>> =
            cx.d.narrative
                .facts
                .iter()
                .filter(|f| f.kind == "amount" && (lo..=hi).contains(&f.loc.line))
                .filter(|f| f.value.as_deref().and_then(dec) == Some(change))
                .map(|f| f.unit.as_deref())
                .collect();
        match units.len() {
            0 => self.unit(st),
            1 => units
                .into_iter()
                .next()
                .flatten()
                .map(str::to_owned)
                .or_else(|| self.unit(st)),
            _ => None,
        }
    }

    /// `2060101 行政运行`, or the subject as written.
    fn name(&self, st: &Statement) -> String {
        match (&st.code, st.path.last()) {
            (Some(c), Some(p)) => format!("{c} {p}"),
            (None, Some(p)) => p.clone(),
            _ => st.subject.clone(),
        }
    }

    /// Indices of the items of the total `i`.
    fn items(&self, i: usize) -> Vec<usize> {
        self.children.get(i).cloned().unwrap_or_default()
    }

    /// The denominator a share names (`占基本支出的 87.6%` → `基本支出`): the words between a share
    /// word and `的`, with no figure or punctuation between.
    fn named_denominator(&self, st: &Statement) -> Option<String> {
        let text = fold(&st.text);
        self.share_words.iter().find_map(|w| {
            text.match_indices(w.as_str()).find_map(|(at, _)| {
                let rest = text.get(at + w.len()..)?;
                let end = rest.find('的')?;
                let name = rest.get(..end)?;
                let plain = !name.is_empty()
                    && name.chars().count() <= 30
                    && !name
                        .chars()
                        .any(|c| c.is_ascii_digit() || ",.;:，。；、：".contains(c));
                plain.then(|| name.to_owned())
            })
        })
    }

    /// True when the statement's text says a negated flat word (`不持平`).
    fn negated_flat(&self, st: &Statement) -> bool {
        let text = fold(&st.text);
        self.flat.iter().any(|f| {
            text.match_indices(f.as_str()).any(|(at, _)| {
                let before = text.get(..at).unwrap_or_default();
                self.negation.iter().any(|n| before.ends_with(n.as_str()))
            })
        })
    }
}

/// Maps every statement's subject to what it names (None: not checked).
fn map_subjects<'a>(cx: &Cx<'a>, sx: &Sx<'a>) -> Vec<Option<Target<'a>>> {
    let d = cx.d;
    let other_fund = &sx.lexicon.other_fund;
    let mentions_other = |text: &str| {
        let k = key(text);
        other_fund
            .iter()
            .any(|w| !w.is_empty() && k.contains(w.as_str()))
    };
    let econ = cx.table("gpb_basic_expenditure");
    let projects: Vec<(&Row, Option<String>)> = cx
        .table("project_expenditure")
        .map(|t| {
            t.rows
                .iter()
                .filter(|r| !r.attrs.is_empty())
                .map(|r| (r, r.name.as_deref().map(project_key)))
                .collect()
        })
        .unwrap_or_default();

    // Whether each section's heading (or its parent's) names another fund: asked for every
    // statement, found once per section.
    let other_section: Vec<bool> = d
        .narrative
        .sections
        .iter()
        .map(|s| mentions_other(&s.heading) || s.parent.as_deref().is_some_and(mentions_other))
        .collect();
    let mut out: Vec<Option<Target<'a>>> = Vec::with_capacity(sx.statements.len());
    let final_accounts = d.document.kind.as_deref() == Some("决算");
    for (i, st) in sx.statements.iter().enumerate() {
        let parent = st.part_of.filter(|&p| p < i);
        let mut target = None;
        if st.subject_kind == "budget" {
            // Only a 决算 “三公” table prints the budget beside the final figure.
            let base = sx.lexicon.budget_base(&st.subject);
            target = sx
                .lexicon
                .role(base)
                .0
                .filter(|r| final_accounts && r.is_three_public())
                .map(Target::Budget);
        } else if let Some(code) = &st.code {
            target = Some(Target::Code(code.clone()));
        } else if st.subject_kind != "科目" {
            let (role, stripped) = sx.lexicon.role(&st.subject);
            // A role word's scope: not under an unmapped total, not in another fund's section.
            let heading_other = sx
                .section
                .get(i)
                .copied()
                .flatten()
                .and_then(|s| other_section.get(s).copied())
                .unwrap_or(false);
            let parent_unmapped = parent.is_some_and(|p| out.get(p).is_none_or(Option::is_none));
            let scoped_out = heading_other || parent_unmapped || mentions_other(&st.subject);
            if !scoped_out {
                target = role.map(Target::Role).or_else(|| {
                    econ_row(econ, &stripped).map(|(table, row)| Target::Econ {
                        table,
                        row,
                        scoped: ancestors(sx.statements, i)
                            .any(|a| matches!(out.get(a), Some(Some(Target::Role(r))) if r.is_basic_scope())),
                    })
                });
            }
            if target.is_none() && role.is_none() {
                target = project_target(&st.subject, &projects);
            }
        }
        out.push(target);
    }
    out
}

/// The statements a statement is (transitively) an item of.
fn ancestors(sts: &[Statement], i: usize) -> impl Iterator<Item = usize> + '_ {
    let mut cur = sts.get(i).and_then(|s| s.part_of);
    let mut steps = 0;
    std::iter::from_fn(move || {
        let p = cur?;
        steps += 1;
        if steps > sts.len() {
            return None;
        }
        cur = sts.get(p).and_then(|s| s.part_of).filter(|&q| q < p);
        Some(p)
    })
}

/// The 表6 class row (a row without a parent) whose name is `k`.
fn econ_row<'a>(t: Option<&'a Table>, k: &str) -> Option<(&'a Table, &'a Row)> {
    let t = t?;
    let row = t.rows.iter().find(|r| {
        r.code.is_some()
            && r.parent.is_none()
            && r.name
                .as_deref()
                .is_some_and(|n| key_chars(n).eq(k.chars()))
    })?;
    Some((t, row))
}

/// The 表10 project rows a subject names: the same once reduced, else one clearly similar name.
/// `projects` come with their names' [`project_key`]s, made once for all statements.
fn project_target<'a>(subject: &str, projects: &[(&'a Row, Option<String>)]) -> Option<Target<'a>> {
    let subject_key = project_key(subject);
    let exact: Vec<&Row> = projects
        .iter()
        .filter(|(_, k)| k.as_ref() == Some(&subject_key))
        .map(|&(r, _)| r)
        .collect();
    if !exact.is_empty() {
        return Some(Target::Project {
            rows: exact,
            exact: true,
        });
    }
    let sk = subject_key.chars().count();
    let similar: Vec<&Row> = projects
        .iter()
        .filter(|(r, k)| {
            let (Some(n), Some(k)) = (r.name.as_deref(), k) else {
                return false;
            };
            let nk = k.chars().count();
            let (short, long) = (sk.min(nk), sk.max(nk));
            short >= 4 && short * 4 >= long * 3 && similarity(n, subject) >= 0.9
        })
        .map(|&(r, _)| r)
        .collect();
    match similar.as_slice() {
        [one] => Some(Target::Project {
            rows: vec![*one],
            exact: false,
        }),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Table figures

fn figure(cx: &Cx<'_>, t: &Table, row: &Row, column: &str) -> Option<Figure> {
    let v = value(t, row, column)?;
    Some(Figure {
        value: v,
        unit: cx.unit_of(t).map(str::to_owned),
        label: format!("{} row {} {column}", t.id, row_label(row)),
        location: cell_location(t, row, Some(column)),
    })
}

fn grid_total(cx: &Cx<'_>, grammar: &str, column: &str) -> Option<Figure> {
    let t = cx.table(grammar)?;
    let row = total_row(t, cx.grammars.document())?;
    figure(cx, t, row, column)
}

/// The total of one side-by-side copy of a grid (决算 基本支出表: `人员经费合计`, `公用经费合计`).
fn grid_side_total(cx: &Cx<'_>, grammar: &str, side: &str) -> Option<Figure> {
    let t = cx.table(grammar)?;
    let row = crate::validate::side_total_row(t, cx.grammars.document(), side)?;
    figure(cx, t, row, t.columns.first()?)
}

fn grid_code(cx: &Cx<'_>, grammar: &str, code: &str, column: &str) -> Option<Figure> {
    let t = cx.table(grammar)?;
    let row = t.rows.iter().find(|r| r.code.as_deref() == Some(code))?;
    figure(cx, t, row, column)
}

/// The value column of one side of a two-sided table.
fn side_column<'t>(t: &'t Table, side: &str) -> Option<&'t str> {
    t.columns
        .iter()
        .find(|c| c.split('/').next() == Some(side))
        .map(String::as_str)
}

/// The first row of `side` whose name is one of `names` (folded).
fn side_figure(cx: &Cx<'_>, t: &Table, side: &str, names: &[String]) -> Option<Figure> {
    let col = side_column(t, side)?;
    // Each name keyed once, not once per row compared.
    let keys: Vec<String> = names.iter().map(|w| key(w)).collect();
    // A row's key is compared as it is made, character by character: most rows differ from every
    // name at their first character, and are passed over without keying the rest of their name.
    let row = t.rows.iter().find(|r| {
        r.side.as_deref() == Some(side)
            && r.name
                .as_deref()
                .is_some_and(|n| keys.iter().any(|k| key_chars(n).eq(k.chars())))
    })?;
    figure(cx, t, row, col)
}

/// The grand totals and 本年 totals of a two-sided table, as its grammar names them.
fn two_sided_totals(cx: &Cx<'_>, grammar: &str) -> Vec<Figure> {
    let Some(t) = cx.table(grammar) else {
        return Vec::new();
    };
    let Some(g) = cx.grammars.of(t) else {
        return Vec::new();
    };
    let mut names: Vec<(&str, &[String])> = Vec::new();
    for c in &g.checks {
        if let Check::Sides { lhs, rhs } = c
            && let [left, right] = g.sides.as_slice()
        {
            names.push((left, lhs));
            names.push((right, rhs));
        }
    }
    for c in &g.checks {
        if let Check::Side {
            side,
            lhs,
            rhs: SideTerms::Ordinals,
        } = c
        {
            names.push((side, lhs));
        }
    }
    names
        .into_iter()
        .filter_map(|(side, ns)| side_figure(cx, t, side, ns))
        .collect()
}

/// The row of `t` on `side` with the first top-level ordinal (`一、本年收入`).
fn first_top_ordinal(cx: &Cx<'_>, t: &Table, side: &str) -> Option<Figure> {
    let col = side_column(t, side)?;
    let row = t.rows.iter().find(|r| {
        r.side.as_deref() == Some(side)
            && r.ordinal
                .as_deref()
                .is_some_and(|o| !o.starts_with('（') && !o.starts_with('('))
    })?;
    figure(cx, t, row, col)
}

/// A blank or empty-table cell: nothing, printed to the cent (so its rounding allowance is a
/// cent's, not a unit's).
const NIL: Decimal = Decimal::from_parts(0, 0, 0, false, 2);

/// The “三公” table's figure in `column` (a 决算 table's `column/决算数`, or `column/预算数` when
/// `budget`): its total row, else its only row. A blank cell of that row is nothing spent (0), and a
/// table printed empty (`本部门无“三公”经费…，故本表为空表`) states 0 for every column.
fn three_public(cx: &Cx<'_>, column: &str, budget: bool) -> Option<Figure> {
    let t = cx.table("three_public")?;
    let suffix = if budget { "/预算数" } else { "/决算数" };
    let with_suffix = format!("{column}{suffix}");
    let col = if budget {
        t.columns.iter().find(|c| **c == with_suffix)?
    } else {
        t.columns
            .iter()
            .find(|c| *c == column)
            .or_else(|| t.columns.iter().find(|c| **c == with_suffix))?
    };
    let row = total_row(t, cx.grammars.document()).or(match t.rows.as_slice() {
        [one] => Some(one),
        _ => None,
    });
    let Some(row) = row else {
        return (t.empty || t.rows.is_empty()).then(|| Figure {
            value: NIL,
            unit: cx.unit_of(t).map(str::to_owned),
            label: format!("{} {col} (the table is printed empty)", t.id),
            location: Location {
                line: t.loc.line,
                page: t.loc.page,
                table: Some(t.id.clone()),
                row: None,
                column: Some(col.clone()),
            },
        });
    };
    figure(cx, t, row, col).or_else(|| {
        let i = t.columns.iter().position(|c| c == col)?;
        let blank = row.values.get(i).is_some_and(Option::is_none) && !unreadable(t, row, col);
        blank.then(|| Figure {
            value: NIL,
            unit: cx.unit_of(t).map(str::to_owned),
            label: format!("{} row {} {col} (blank)", t.id, row_label(row)),
            location: cell_location(t, row, Some(col)),
        })
    })
}

fn role_figures(cx: &Cx<'_>, role: Role) -> Vec<Figure> {
    const T5: &str = "gpb_expenditure_by_function";
    const T5U: &str = "gpb_expenditure_by_unit";
    const T3: &str = "expenditure_summary";
    const T6: &str = "gpb_basic_expenditure";
    const T10: &str = "project_expenditure";
    let mut v: Vec<Option<Figure>> = Vec::new();
    match role {
        Role::TotalBudget => {
            let mut all = two_sided_totals(cx, "income_expenditure_summary");
            all.extend(grid_total(cx, "income_summary", "合计"));
            all.extend(grid_total(cx, T3, "合计"));
            return all;
        }
        Role::FiscalTotal => {
            let mut all = two_sided_totals(cx, "fiscal_appropriation_summary");
            if let Some(t) = cx.table("fiscal_appropriation_summary") {
                for side in ["收入", "支出"] {
                    all.extend(first_top_ordinal(cx, t, side));
                }
            }
            return all;
        }
        Role::GpbAppropriation => {
            let names: Vec<String> = cx
                .grammars
                .vocabulary("narrative")
                .map(|g| g.vocab("row:gpb_income").to_vec())
                .unwrap_or_default();
            for grammar in ["income_expenditure_summary", "fiscal_appropriation_summary"] {
                if let Some(t) = cx.table(grammar) {
                    v.push(side_figure(cx, t, "收入", &names));
                }
            }
            v.push(grid_total(cx, T5, "合计"));
            v.push(grid_total(cx, T5U, "合计"));
        }
        Role::Basic => {
            v.push(grid_total(cx, T5, "基本支出/小计"));
            v.push(grid_total(cx, T5, "基本支出"));
            v.push(grid_total(cx, T3, "基本支出"));
            v.push(grid_total(cx, T6, "合计"));
            v.push(grid_total(cx, T5U, "基本支出/小计"));
        }
        Role::Project => {
            v.push(grid_total(cx, T3, "项目支出"));
            v.push(grid_total(cx, T5, "项目支出"));
            v.push(grid_total(cx, T10, "合计"));
            v.push(grid_total(cx, T10, "本年拨款/一般公共预算"));
        }
        Role::Personnel => {
            v.push(grid_total(cx, T5, "基本支出/人员经费"));
            v.push(grid_total(cx, T6, "人员经费"));
            v.push(grid_side_total(cx, T6, "人员经费"));
            v.push(grid_total(cx, T5U, "基本支出/人员经费"));
        }
        Role::PublicFunds => {
            v.push(grid_total(cx, T5, "基本支出/公用经费"));
            v.push(grid_total(cx, T6, "公用经费"));
            v.push(grid_side_total(cx, T6, "公用经费"));
            v.push(grid_total(cx, T5U, "基本支出/公用经费"));
        }
        Role::AdminOperating => {
            // Shanghai prints it in the “三公” table: that is the figure itself.
            if let Some(f) = admin_operating_column(cx) {
                return vec![f];
            }
            // Not the 决算 公用经费合计: final accounts count 机关运行经费 for 行政单位 only.
            v.push(grid_total(cx, T6, "公用经费"));
            v.push(grid_total(cx, T5, "基本支出/公用经费"));
        }
        _ => v.push(
            role.three_public_column()
                .and_then(|c| three_public(cx, c, false)),
        ),
    }
    v.into_iter().flatten().collect()
}

/// The 机关运行经费 column of the “三公” table (Shanghai budgets), when the table has one.
fn admin_operating_column(cx: &Cx<'_>) -> Option<Figure> {
    const COLUMN: &str = "机关运行经费";
    let t = cx.table("three_public")?;
    t.columns.iter().any(|c| c == COLUMN).then_some(())?;
    three_public(cx, COLUMN, false)
}

fn code_figures(cx: &Cx<'_>, code: &str) -> Vec<Figure> {
    let mut v: Vec<Figure> = [
        "gpb_expenditure_by_function",
        "expenditure_summary",
        "gov_fund_expenditure",
        "state_capital_expenditure",
    ]
    .iter()
    .filter_map(|g| grid_code(cx, g, code, "合计"))
    .collect();
    // A 类 is also a line of the expenditure side of 表4 and 表1.
    if code.len() == 3 {
        let name =
            cx.d.tables
                .iter()
                .flat_map(|t| &t.rows)
                .find(|r| r.code.as_deref() == Some(code))
                .and_then(|r| r.name.clone());
        if let Some(name) = name {
            for grammar in ["fiscal_appropriation_summary", "income_expenditure_summary"] {
                if let Some(t) = cx.table(grammar) {
                    v.extend(side_figure(cx, t, "支出", std::slice::from_ref(&name)));
                }
            }
        }
    }
    v
}

fn project_figures(cx: &Cx<'_>, rows: &[&Row]) -> Vec<Figure> {
    let mut v = Vec::new();
    if let Some(t) = cx.table("project_expenditure") {
        for row in rows {
            v.extend(figure(cx, t, row, "合计"));
        }
        for row in rows {
            v.extend(figure(cx, t, row, "本年拨款/一般公共预算"));
        }
    }
    // 表11 lists the projects with their year and total budgets.
    for t in cx.tables("overall_performance") {
        let Some(p) = &t.performance else { continue };
        for line in &p.projects {
            if !rows.iter().any(|r| {
                r.name
                    .as_deref()
                    .is_some_and(|n| same_project(n, &line.name))
            }) {
                continue;
            }
            for q in [&line.year_budget, &line.total_budget]
                .into_iter()
                .flatten()
            {
                if let Some(value) = q.value.as_deref().and_then(dec) {
                    v.push(Figure {
                        value,
                        unit: q.unit.clone().or_else(|| cx.unit_of(t).map(str::to_owned)),
                        label: format!("{} 项目 {}", t.id, line.name),
                        location: Location {
                            line: line.loc.line,
                            page: line.loc.page,
                            table: Some(t.id.clone()),
                            row: Some(line.name.clone()),
                            column: None,
                        },
                    });
                }
            }
        }
    }
    v
}

// ---------------------------------------------------------------------------------------------
// S001: stated amounts against the tables

fn statement_location(st: &Statement) -> Location {
    Location {
        line: st.loc.line,
        page: st.loc.page,
        ..Location::default()
    }
}

/// Runs S001; gives the statements reported with the figure they should have stated.
fn amounts(cx: &mut Cx<'_>, sx: &Sx<'_>) -> BTreeMap<usize, Decimal> {
    let mut flagged = BTreeMap::new();
    let mut skipped: BTreeSet<String> = BTreeSet::new();
    let doc_year = cx.d.document.year;
    let final_accounts = cx.d.document.kind.as_deref() == Some("决算");
    for (i, st) in sx.statements.iter().enumerate() {
        let Some(target) = sx.targets.get(i).and_then(Option::as_ref) else {
            continue;
        };
        // A figure for another year is the year rules' business; the tables hold this year's.
        if st.year.is_some() && doc_year.is_some() && st.year != doc_year {
            continue;
        }
        let Some(stated) = st.amount.as_deref().and_then(dec) else {
            continue;
        };
        let (figures, severity, what) = match target {
            Target::Code(code) => (
                Rc::new(code_figures(cx, code)),
                Severity::Error,
                format!("科目 {code}"),
            ),
            Target::Role(role) => (
                sx.role_figures(cx, *role),
                if *role == Role::AdminOperating && admin_operating_column(cx).is_none() {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                role.describe().to_owned(),
            ),
            Target::Budget(role) => (
                Rc::new(
                    role.three_public_column()
                        .and_then(|c| three_public(cx, c, true))
                        .into_iter()
                        .collect(),
                ),
                Severity::Error,
                format!("the budget (预算数) of {}", role.describe()),
            ),
            Target::Econ { table, row, scoped } => (
                Rc::new(figure(cx, table, row, "合计").into_iter().collect()),
                if *scoped {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                format!("经济分类 {}", row_label(row)),
            ),
            Target::Project { rows, exact } => (
                Rc::new(project_figures(cx, rows)),
                if *exact {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                "the project".to_owned(),
            ),
        };
        if figures.is_empty() {
            let kind = match target {
                Target::Code(_) => "科目".to_owned(),
                Target::Role(r) | Target::Budget(r) => r.describe().to_owned(),
                Target::Econ { .. } => "经济分类".to_owned(),
                Target::Project { .. } => "project".to_owned(),
            };
            if skipped.insert(kind.clone()) {
                let why = match target {
                    Target::Role(r) => {
                        format!("no table read ({}) gives its figure", r.tables())
                    }
                    _ => "no table read gives its figure".to_owned(),
                };
                cx.emit_with(
                    &CHECK_SKIPPED,
                    Severity::Info,
                    format!(
                        "narrative figures of {kind} (first `{}`) could not be checked: {why}",
                        st.subject
                    ),
                    statement_location(st),
                    None,
                    None,
                );
            }
            continue;
        }
        let unit = sx.unit(st);
        let u = unit.as_deref();
        let h_stated = sx.half(stated, u);
        // (figure, its value in the statement's unit, its half unit in that unit)
        let conv: Vec<(&Figure, Decimal, Decimal)> = figures
            .iter()
            .filter_map(|f| {
                let v = convert(f.value, f.unit.as_deref(), u)?;
                let h = convert(half_unit(f.value), f.unit.as_deref(), u)?;
                Some((f, v, h))
            })
            .collect();
        let policy = cx.cfg.tolerance.allowance(1, u);
        let verdict = |v: Decimal, h: Decimal| {
            let diff = stated.saturating_sub(v).abs();
            if diff <= h_stated.max(h) {
                Verdict::Equal
            } else if diff <= policy.max(h_stated.saturating_add(h)) {
                Verdict::Tail
            } else {
                Verdict::Mismatch
            }
        };
        if conv
            .iter()
            .any(|&(_, v, h)| verdict(v, h) == Verdict::Equal)
        {
            continue;
        }
        // A 决算 sentence pairs the budget with the final figure (`年初预算为 A 万元，支出决算为 B 万元`):
        // unless the reader tied this figure to its pair (or its subject names a final figure itself:
        // a 科目, a total, a “三公” column), any amount of its paragraph may be the one the tables hold.
        let paired = i
            .checked_sub(1)
            .and_then(|p| sx.statements.get(p))
            .is_some_and(|p| p.subject_kind == "budget");
        let strict = paired
            || matches!(target, Target::Code(_) | Target::Budget(_))
            || matches!(target, Target::Role(r) if r.is_three_public()
                || matches!(r, Role::TotalBudget | Role::FiscalTotal));
        if final_accounts
            && !strict
            && block_amounts(cx, sx, i, u).any(|(b, hb)| {
                conv.iter()
                    .any(|&(_, v, h)| b.saturating_sub(v).abs() <= hb.max(h))
            })
        {
            continue;
        }
        let severity = if final_accounts && !strict {
            severity.min(Severity::Warning)
        } else {
            severity
        };
        let unit_text = u.unwrap_or("");
        let loc_of = |f: &Figure| Location {
            line: st.loc.line,
            page: st.loc.page,
            ..f.location.clone()
        };
        if let Some(&(f, v, _)) = conv
            .iter()
            .find(|&&(_, v, h)| verdict(v, h) == Verdict::Tail)
        {
            cx.emit(
                &ROUNDING_DIFFERENCE,
                format!(
                    "narrative `{}` states {stated}{unit_text}, {} is {} (difference {}{unit_text}, a rounding tail)",
                    sx.name(st),
                    f.label,
                    in_units(f, v, u),
                    stated.saturating_sub(v)
                ),
                loc_of(f),
                Some(v),
                Some(stated),
            );
            continue;
        }
        let Some(&(primary, expected, _)) = conv.first() else {
            continue;
        };
        let others: Vec<String> = conv
            .iter()
            .skip(1)
            .filter(|(f, _, _)| f.label != primary.label)
            .map(|(f, v, _)| format!("{} {}", f.label, in_units(f, *v, u)))
            .collect();
        let mut message = format!(
            "narrative `{}` ({what}) states {} but {} is {}",
            sx.name(st),
            stated_range(stated, h_stated, u, primary.unit.as_deref()),
            primary.label,
            in_units(primary, expected, u)
        );
        if !others.is_empty() {
            message.push_str(&format!(" (also {})", others.join(", ")));
        }
        // The breakdown agreeing with the table shows the total is the wrong figure.
        let items = sx.items(i);
        if items.len() >= 2
            && let Some((sum, names)) = items_sum(sx, &items, u)
            && sum.saturating_sub(expected).abs() <= cx.cfg.tolerance.allowance(items.len(), u)
        {
            message.push_str(&format!(
                "; its items {} add up to {sum}{unit_text}",
                names.join(" + ")
            ));
        }
        match target {
            Target::Project { exact: false, .. } => {
                message.push_str(" (matched by a similar project name)")
            }
            Target::Econ { scoped: false, .. } => message.push_str(
                " (the statement is not inside a 基本支出 breakdown, so its scope may differ)",
            ),
            _ => {}
        }
        if matches!(target, Target::Role(Role::AdminOperating)) {
            message.push_str(" (机关运行经费 = 公用经费 is a convention that may not hold here)");
        }
        cx.emit_with(
            &AMOUNT_MISMATCH,
            severity,
            message,
            loc_of(primary),
            Some(expected.to_string()),
            Some(stated.to_string()),
        );
        flagged.insert(i, expected);
    }
    flagged
}

/// A narrative figure with its unit, and the range of the table's unit it stands for when the table
/// is in another unit (`1202.95万元 (12029450–12029550元)`).
fn stated_range(v: Decimal, half: Decimal, unit: Option<&str>, table_unit: Option<&str>) -> String {
    let u = unit.unwrap_or("");
    let other = table_unit.filter(|t| Some(*t) != unit);
    let range = other.and_then(|t| {
        let lo = convert(v.checked_sub(half)?, unit, Some(t))?;
        let hi = convert(v.checked_add(half)?, unit, Some(t))?;
        Some(format!(" ({}–{}{t})", lo.normalize(), hi.normalize()))
    });
    format!("{v}{u}{}", range.unwrap_or_default())
}

/// A table figure as printed, with its value in the narrative's unit when the units differ.
fn in_units(f: &Figure, converted: Decimal, unit: Option<&str>) -> String {
    let fu = f.unit.as_deref().unwrap_or("");
    match unit {
        Some(u) if Some(u) != f.unit.as_deref() => {
            format!("{}{fu} ({}{u})", f.value, converted.normalize())
        }
        _ => format!("{}{}", f.value, unit.unwrap_or(fu)),
    }
}

/// The amounts printed in statement `i`'s paragraph, in `unit`, with their half units.
fn block_amounts<'s>(
    cx: &'s Cx<'_>,
    sx: &'s Sx<'_>,
    i: usize,
    unit: Option<&'s str>,
) -> impl Iterator<Item = (Decimal, Decimal)> + 's {
    let (lo, hi) = sx.block.get(i).copied().unwrap_or((1, 0));
    cx.d.narrative
        .facts
        .iter()
        .filter(move |f| f.kind == "amount" && (lo..=hi).contains(&f.loc.line))
        .filter_map(move |f| {
            let v = dec(f.value.as_deref()?)?;
            let h = sx.half(v, f.unit.as_deref());
            Some((
                convert(v, f.unit.as_deref(), unit)?,
                convert(h, f.unit.as_deref(), unit)?,
            ))
        })
}

/// Σ of the items' amounts in `unit`, with their names; None when an item has no amount or another
/// unit.
fn items_sum(sx: &Sx<'_>, items: &[usize], unit: Option<&str>) -> Option<(Decimal, Vec<String>)> {
    let mut sum = Decimal::ZERO;
    let mut names = Vec::new();
    for &j in items {
        let st = sx.statements.get(j)?;
        if sx.unit(st).as_deref() != unit {
            return None;
        }
        let a = dec(st.amount.as_deref()?)?;
        sum = sum.checked_add(a)?;
        names.push(format!("{} {a}", sx.name(st)));
    }
    Some((sum, names))
}

// ---------------------------------------------------------------------------------------------
// S002: growth rates

fn growth(cx: &mut Cx<'_>, sx: &Sx<'_>) {
    for (i, st) in sx.statements.iter().enumerate() {
        let Some(g) = st.growth_pct.as_deref().and_then(dec) else {
            continue;
        };
        let Some(c) = st.change.as_deref().and_then(dec) else {
            continue;
        };
        // The text folded once for all the words, and only when there are words to look for.
        if !sx.points.is_empty() && {
            let text = fold(&st.text);
            sx.points.iter().any(|p| text.contains(p.as_str()))
        } {
            continue;
        }
        let name = sx.name(st);
        let loc = statement_location(st);
        if c.is_zero() && !g.is_zero() {
            cx.emit(
                &GROWTH_MISMATCH,
                format!("narrative `{name}` says the change is nil (持平) but states a growth rate of {g}%"),
                loc,
                Some(Decimal::ZERO),
                Some(g),
            );
            continue;
        }
        if (c.is_sign_positive() && g.is_sign_negative() && !g.is_zero())
            || (c.is_sign_negative() && !c.is_zero() && g.is_sign_positive() && !g.is_zero())
        {
            cx.emit(
                &GROWTH_MISMATCH,
                format!(
                    "narrative `{name}` states a change of {c} but a growth rate of {g}%: the directions disagree"
                ),
                loc,
                None,
                Some(g),
            );
            continue;
        }
        let Some(a) = st.amount.as_deref().and_then(dec) else {
            continue;
        };
        let Some(range) = growth_bounds(cx, sx, i, a, c) else {
            continue;
        };
        if within(g, range) {
            continue;
        }
        let Some(computed) = point_growth(a, c) else {
            continue;
        };
        let unit = sx.unit(st).unwrap_or_default();
        cx.emit(
            &GROWTH_MISMATCH,
            format!(
                "narrative `{name}` states a growth rate of {g}% but {a}{unit} with a change of {c}{unit} (prior {}{unit}) gives {}%",
                a.saturating_sub(c),
                pct(computed)
            ),
            loc,
            Some(computed.round_dp_with_strategy(g.scale(), RoundingStrategy::MidpointAwayFromZero)),
            Some(g),
        );
    }
}

/// The growth C ÷ (A − C) × 100 (None when the prior is not positive).
fn point_growth(a: Decimal, c: Decimal) -> Option<Decimal> {
    let p = a.checked_sub(c)?;
    if p <= Decimal::ZERO {
        return None;
    }
    c.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(p)
}

/// The range of growth rates A and C allow, with C converted to A's unit (a 持平 zero is exact).
fn growth_bounds(
    cx: &Cx<'_>,
    sx: &Sx<'_>,
    i: usize,
    a: Decimal,
    c: Decimal,
) -> Option<(Decimal, Decimal)> {
    let st = sx.statements.get(i)?;
    let unit = sx.unit(st);
    let cu = sx.change_unit(cx, i)?;
    let cv = convert(c, Some(&cu), unit.as_deref())?;
    let dc = if c.is_zero() {
        Decimal::ZERO
    } else {
        convert(sx.half(c, Some(&cu)), Some(&cu), unit.as_deref())?
    };
    growth_range(a, sx.half(a, unit.as_deref()), cv, dc)
}

// ---------------------------------------------------------------------------------------------
// S003: shares

/// A candidate denominator of a share.
struct Denominator {
    value: Decimal,
    half: Decimal,
    label: String,
}

fn shares(cx: &mut Cx<'_>, sx: &Sx<'_>) {
    let doc_totals: Vec<Figure> = {
        let mut v = Vec::clone(&sx.role_figures(cx, Role::TotalBudget));
        v.extend(sx.role_figures(cx, Role::GpbAppropriation).iter().cloned());
        v
    };
    let mut reported: BTreeSet<usize> = BTreeSet::new();
    for (i, st) in sx.statements.iter().enumerate() {
        let Some(s) = st.share_pct.as_deref().and_then(dec) else {
            continue;
        };
        let Some(a) = st.amount.as_deref().and_then(dec) else {
            continue;
        };
        let unit = sx.unit(st);
        let dens = denominators(cx, sx, i, &doc_totals, unit.as_deref());
        if dens.is_empty() {
            continue;
        }
        let ok = dens.iter().any(|d| {
            ratio_range(a, sx.half(a, unit.as_deref()), d.value, d.half)
                .is_some_and(|r| within(s, r))
        });
        if ok {
            continue;
        }
        let tried: Vec<String> = dens
            .iter()
            .filter_map(|d| {
                let r = a.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(d.value)?;
                Some(format!("{} of {} {} is {}%", a, d.label, d.value, pct(r)))
            })
            .collect();
        let expected = dens.first().and_then(|d| {
            a.checked_mul(Decimal::ONE_HUNDRED)?
                .checked_div(d.value)
                .map(|r| {
                    r.round_dp_with_strategy(s.scale(), RoundingStrategy::MidpointAwayFromZero)
                })
        });
        cx.emit(
            &SHARE_MISMATCH,
            format!(
                "narrative `{}` states a share of {s}% that no denominator gives: {}",
                sx.name(st),
                tried.join("; ")
            ),
            statement_location(st),
            expected,
            Some(s),
        );
        reported.insert(i);
    }
    share_sums(cx, sx, &reported);
}

/// The share's candidate denominators. When the text names one (`占基本支出的 87.6%`): the statements
/// and table figures of that name, or none at all when the name maps to nothing (the share cannot be
/// verified). Otherwise, in order: its total, the nearest preceding total of its section, the
/// document totals.
fn denominators(
    cx: &Cx<'_>,
    sx: &Sx<'_>,
    i: usize,
    doc: &[Figure],
    unit: Option<&str>,
) -> Vec<Denominator> {
    let mut out: Vec<Denominator> = Vec::new();
    let from_statement = |j: usize| -> Option<Denominator> {
        let t = sx.statements.get(j)?;
        let v = dec(t.amount.as_deref()?)?;
        let tu = sx.unit(t);
        Some(Denominator {
            value: convert(v, tu.as_deref(), unit)?,
            half: convert(sx.half(v, tu.as_deref()), tu.as_deref(), unit)?,
            label: format!("`{}`", sx.name(t)),
        })
    };
    let from_figure = |f: &Figure| -> Option<Denominator> {
        Some(Denominator {
            value: convert(f.value, f.unit.as_deref(), unit)?,
            half: convert(half_unit(f.value), f.unit.as_deref(), unit)?,
            label: f.label.clone(),
        })
    };
    let st = sx.statements.get(i);
    if let Some(name) = st.and_then(|s| sx.named_denominator(s)) {
        let (role, stripped) = sx.lexicon.role(&name);
        out.extend(
            (0..i)
                .filter(|&j| {
                    sx.statements
                        .get(j)
                        .is_some_and(|t| sx.lexicon.role(&t.subject).1 == stripped)
                })
                .filter_map(from_statement),
        );
        if let Some(r) = role {
            out.extend(sx.role_figures(cx, r).iter().filter_map(from_figure));
        }
        out.retain(|d| d.value > Decimal::ZERO);
        return out;
    }
    if let Some(p) = st.and_then(|s| s.part_of) {
        out.extend(from_statement(p));
    }
    let section = sx.section.get(i).copied().flatten();
    if let Some(j) = (0..i).rev().find(|&j| {
        sx.section.get(j).copied().flatten() == section
            && sx
                .statements
                .get(j)
                .is_some_and(|t| t.subject_kind == "total" && t.amount.is_some())
    }) {
        out.extend(from_statement(j));
    }
    // A “三公” item's share is of the “三公” total (`公务接待费支出决算 0.39 万元，占 100.00%`).
    if matches!(sx.targets.get(i), Some(Some(Target::Role(r))) if r.is_three_public() && *r != Role::ThreePublic)
    {
        out.extend(
            sx.role_figures(cx, Role::ThreePublic)
                .iter()
                .filter_map(from_figure),
        );
    }
    out.extend(doc.iter().filter_map(from_figure));
    out.retain(|d| d.value > Decimal::ZERO);
    let mut seen = BTreeSet::new();
    out.retain(|d| seen.insert((d.value, d.label.clone())));
    out
}

/// Σ shares and its rounding tolerance, when the shares exceed 100% beyond what their printed
/// precision allows.
fn shares_exceed(shares: &[Decimal]) -> Option<(Decimal, Decimal)> {
    let sum = checked_sum(shares)?;
    let tol: Decimal = shares.iter().map(|s| half_unit(*s)).sum();
    (sum > Decimal::ONE_HUNDRED + tol).then_some((sum, tol))
}

/// The shares of a total's items cannot exceed 100% when the items do not exceed the total. (They
/// may add up to less: a share may be of the document total rather than of the item's own total, and
/// each share is checked against its denominator above.) Reported as info, and only when no share of
/// the group was reported on its own.
fn share_sums(cx: &mut Cx<'_>, sx: &Sx<'_>, reported: &BTreeSet<usize>) {
    for (i, total) in sx.statements.iter().enumerate() {
        let items = sx.items(i);
        if items.len() < 2 || items.iter().any(|j| reported.contains(j)) {
            continue;
        }
        let shares: Option<Vec<Decimal>> = items
            .iter()
            .map(|&j| sx.statements.get(j)?.share_pct.as_deref().and_then(dec))
            .collect();
        let Some(shares) = shares else { continue };
        let Some((sum, _)) = shares_exceed(&shares) else {
            continue;
        };
        let unit = sx.unit(total);
        let within_total = total
            .amount
            .as_deref()
            .and_then(dec)
            .zip(items_sum(sx, &items, unit.as_deref()))
            .is_some_and(|(t, (s, _))| {
                s <= t.saturating_add(cx.cfg.tolerance.allowance(items.len(), unit.as_deref()))
            });
        if !within_total {
            continue;
        }
        let parts: Vec<String> = shares.iter().map(|s| format!("{s}%")).collect();
        cx.emit_with(
            &SHARE_MISMATCH,
            Severity::Info,
            format!(
                "the shares of the items of `{}` add up to {sum}% ({}), more than 100%",
                sx.name(total),
                parts.join(" + ")
            ),
            statement_location(total),
            Some("100".to_owned()),
            Some(sum.to_string()),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// S004: breakdowns

fn breakdowns(cx: &mut Cx<'_>, sx: &Sx<'_>, flagged: &BTreeMap<usize, Decimal>) {
    for (i, total) in sx.statements.iter().enumerate() {
        let items = sx.items(i);
        if let [only] = items.as_slice() {
            single_item(cx, sx, i, *only, flagged);
            continue;
        }
        if items.is_empty() {
            continue;
        }
        let unit = sx.unit(total);
        let u = unit.as_deref();
        let unit_text = u.unwrap_or("");
        if let Some(t) = total.amount.as_deref().and_then(dec)
            && let Some(amounts) = items
                .iter()
                .map(|&j| {
                    let s = sx.statements.get(j)?;
                    (sx.unit(s).as_deref() == u).then_some(())?;
                    dec(s.amount.as_deref()?)
                })
                .collect::<Option<Vec<Decimal>>>()
            && let Some(sum) = checked_sum(&amounts)
        {
            let already = flagged.get(&i).is_some_and(|e| {
                e.saturating_sub(sum).abs() <= cx.cfg.tolerance.allowance(items.len(), u)
            });
            if !already
                && !flattened_nesting(&amounts, t, cx.cfg.tolerance.allowance(amounts.len(), u))
            {
                let names: Vec<String> = items
                    .iter()
                    .zip(&amounts)
                    .filter_map(|(&j, a)| Some(format!("{} {a}", sx.name(sx.statements.get(j)?))))
                    .collect();
                compare_sum(
                    cx,
                    SumCheck {
                        what: format!(
                            "narrative breakdown of `{}` ({}{unit_text}) = {}",
                            sx.name(total),
                            t,
                            names.join(" + ")
                        ),
                        total: t,
                        parts: &amounts,
                        unit: u,
                        printed: printed_allowance(sx, &amounts, t, u),
                        location: statement_location(total),
                    },
                );
            }
        }
        // Σ item changes = the total's change, when every one is given.
        let Some(tc) = total.change.as_deref().and_then(dec) else {
            continue;
        };
        let Some(tcu) = sx.change_unit(cx, i) else {
            continue;
        };
        let changes: Option<Vec<Decimal>> = items
            .iter()
            .map(|&j| {
                let s = sx.statements.get(j)?;
                let c = dec(s.change.as_deref()?)?;
                (s.compared_year == total.compared_year).then_some(())?;
                let cu = sx.change_unit(cx, j)?;
                convert(c, Some(&cu), Some(&tcu))
            })
            .collect();
        let Some(changes) = changes else { continue };
        let names: Vec<String> = items
            .iter()
            .zip(&changes)
            .filter_map(|(&j, c)| Some(format!("{} {c}", sx.name(sx.statements.get(j)?))))
            .collect();
        compare_sum(
            cx,
            SumCheck {
                what: format!(
                    "narrative change of `{}` ({tc}{tcu}) = Σ its items' changes {}",
                    sx.name(total),
                    names.join(" + ")
                ),
                total: tc,
                parts: &changes,
                unit: Some(&tcu),
                printed: printed_allowance(sx, &changes, tc, Some(&tcu)),
                location: statement_location(total),
            },
        );
    }
}

/// The difference the printed precision of narrative figures allows in a sum (a printed zero, `0 万元`
/// or a 持平 change, is nothing, not a rounded figure).
fn printed_allowance(
    sx: &Sx<'_>,
    parts: &[Decimal],
    total: Decimal,
    unit: Option<&str>,
) -> Decimal {
    parts
        .iter()
        .chain(std::iter::once(&total))
        .filter(|v| !v.is_zero())
        .map(|v| sx.half(*v, unit))
        .sum()
}

/// A breakdown's only item cannot exceed its total (`项目支出 1,670.54 万元，其中：一般公共预算本年拨款
/// 1,838.59 万元`).
fn single_item(
    cx: &mut Cx<'_>,
    sx: &Sx<'_>,
    i: usize,
    j: usize,
    flagged: &BTreeMap<usize, Decimal>,
) {
    let (Some(total), Some(item)) = (sx.statements.get(i), sx.statements.get(j)) else {
        return;
    };
    let unit = sx.unit(total);
    let u = unit.as_deref();
    if sx.unit(item).as_deref() != u {
        return;
    }
    let (Some(t), Some(a)) = (
        total.amount.as_deref().and_then(dec),
        item.amount.as_deref().and_then(dec),
    ) else {
        return;
    };
    let allowance = cx
        .cfg
        .tolerance
        .allowance(1, u)
        .max(printed_allowance(sx, &[a], t, u));
    // A total already reported against the tables, which the item agrees with, is one finding.
    let already = flagged
        .get(&i)
        .is_some_and(|e| e.saturating_sub(a).abs() <= allowance);
    if a.saturating_sub(t) <= allowance || already {
        return;
    }
    cx.emit(
        &BREAKDOWN_MISMATCH,
        format!(
            "narrative breakdown of `{}` ({t}{}): its only item `{}` {a} exceeds it",
            sx.name(total),
            u.unwrap_or(""),
            sx.name(item)
        ),
        statement_location(total),
        Some(t),
        Some(a),
    );
}

fn checked_sum(v: &[Decimal]) -> Option<Decimal> {
    v.iter()
        .try_fold(Decimal::ZERO, |acc, x| acc.checked_add(*x))
}

/// True when the items over-count the total only because an item and its own parts were listed
/// side by side (`基本支出 A、人员经费 B、公用经费 C` with A = B + C).
/// `tol` is the rounding allowance for the whole breakdown.
fn flattened_nesting(amounts: &[Decimal], total: Decimal, tol: Decimal) -> bool {
    let Some(sum) = checked_sum(amounts) else {
        return false;
    };
    if sum <= total {
        return false;
    }
    for i in 0..amounts.len() {
        for k in 2..amounts.len().saturating_sub(i) {
            let Some(run) = amounts.get(i + 1..=i + k) else {
                break;
            };
            let Some(run_sum) = checked_sum(run) else {
                break;
            };
            let head = amounts.get(i).copied().unwrap_or_default();
            if head.saturating_sub(run_sum).abs() <= tol
                && sum.saturating_sub(run_sum).saturating_sub(total).abs() <= tol
            {
                return true;
            }
        }
    }
    false
}

/// A sum of narrative figures to compare.
struct SumCheck<'s> {
    what: String,
    total: Decimal,
    parts: &'s [Decimal],
    unit: Option<&'s str>,
    /// What the figures' printed precision allows.
    printed: Decimal,
    location: Location,
}

/// Compares Σ parts with the total under the rounding policy, widened for figures printed with fewer
/// decimals than the document's amounts.
fn compare_sum(cx: &mut Cx<'_>, s: SumCheck<'_>) {
    let Some(sum) = checked_sum(s.parts) else {
        return;
    };
    let diff = s.total.saturating_sub(sum);
    if diff.is_zero() {
        return;
    }
    let allowance = cx
        .cfg
        .tolerance
        .allowance(s.parts.len(), s.unit)
        .max(s.printed);
    let unit = s.unit.unwrap_or("");
    if diff.abs() <= allowance {
        cx.emit(
            &ROUNDING_DIFFERENCE,
            format!(
                "{}: printed {}, parts give {sum} (difference {diff}{unit}, within the {allowance}{unit} rounding allowance for {} parts)",
                s.what,
                s.total,
                s.parts.len()
            ),
            s.location,
            Some(sum),
            Some(s.total),
        );
    } else {
        cx.emit(
            &BREAKDOWN_MISMATCH,
            format!(
                "{}: printed {}, parts give {sum} (difference {diff}{unit})",
                s.what, s.total
            ),
            s.location,
            Some(sum),
            Some(s.total),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// S005: flat wording

fn flat_wording(cx: &mut Cx<'_>, sx: &Sx<'_>) {
    for (i, st) in sx.statements.iter().enumerate() {
        if st.change.is_some() || st.growth_pct.is_some() || !sx.negated_flat(st) {
            continue;
        }
        let name = sx.name(st);
        let mut message = format!(
            "narrative `{name}` says it is not flat (不持平) against {} but gives no change figure",
            st.compared_year
                .map_or_else(|| "the prior year".to_owned(), |y| format!("{y}"))
        );
        let mut expected = None;
        if let Some(p) = st.part_of
            && let Some(total) = sx.statements.get(p)
            && total
                .change
                .as_deref()
                .and_then(dec)
                .is_some_and(|c| c.is_zero())
        {
            let siblings: Vec<&Statement> = sx
                .items(p)
                .into_iter()
                .filter(|&j| j != i)
                .filter_map(|j| sx.statements.get(j))
                .collect();
            let all_flat = !siblings.is_empty()
                && siblings.iter().all(|s| {
                    s.change
                        .as_deref()
                        .and_then(dec)
                        .is_some_and(|c| c.is_zero())
                });
            if all_flat {
                message.push_str(&format!(
                    ", while its total `{}` is 持平 and every other item ({}) is 持平, so it must be 持平 too",
                    sx.name(total),
                    siblings
                        .iter()
                        .map(|s| sx.name(s))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                expected = Some("持平".to_owned());
            }
        }
        cx.emit_with(
            &FLAT_WORDING,
            FLAT_WORDING.severity,
            message,
            statement_location(st),
            expected,
            Some("不持平".to_owned()),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// M001: malformed numbers

fn malformed(cx: &mut Cx<'_>, sx: &Sx<'_>) {
    let d = cx.d;
    let doc_totals: Vec<Figure> = {
        let mut v = Vec::clone(&sx.role_figures(cx, Role::TotalBudget));
        v.extend(sx.role_figures(cx, Role::GpbAppropriation).iter().cloned());
        v
    };
    for fact in d.narrative.facts.iter().filter(|f| f.kind == "malformed") {
        let loc = Location {
            line: fact.loc.line,
            page: fact.loc.page,
            ..Location::default()
        };
        let mut message = format!("malformed number `{}` in the narrative", fact.raw);
        let mut expected = None;
        if let Some((i, role)) = enclosing(sx, fact)
            && let Some(st) = sx.statements.get(i)
        {
            let name = sx.name(st);
            match role {
                Position::Growth => message.push_str(&format!(" (the growth rate of `{name}`)")),
                Position::Share => message.push_str(&format!(" (the share of `{name}`)")),
            }
            if let Some((reading, why)) = sole_reading(cx, sx, i, role, fact, &doc_totals) {
                message.push_str(&format!(
                    "; {why}, and of its readings only {reading}{} agrees",
                    fact.unit.as_deref().unwrap_or("")
                ));
                expected = Some(format!("{reading}{}", fact.unit.as_deref().unwrap_or("")));
            }
        }
        cx.emit_with(
            &MALFORMED_NUMBER,
            MALFORMED_NUMBER.severity,
            message,
            loc,
            expected,
            Some(fact.raw.clone()),
        );
    }
}

/// What a percentage is to its statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Growth,
    Share,
}

/// The statement a malformed percentage belongs to, and whether it is its growth rate or share.
fn enclosing(sx: &Sx<'_>, fact: &Fact) -> Option<(usize, Position)> {
    let is_percent = fact
        .unit
        .as_deref()
        .is_some_and(|u| u.contains('%') || u.contains('％'));
    if !is_percent {
        return None;
    }
    let raw = fold(&fact.raw);
    let (i, before) = sx
        .statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s.loc.line <= fact.loc.line)
        .filter_map(|(i, s)| {
            let text = fold(&s.text);
            let at = text.find(raw.as_str())?;
            Some((i, text.get(..at)?.to_owned()))
        })
        .next_back()?;
    let st = sx.statements.get(i)?;
    if sx.change_words.iter().any(|w| before.ends_with(w.as_str())) && st.growth_pct.is_none() {
        Some((i, Position::Growth))
    } else if sx.share_words.iter().any(|w| before.ends_with(w.as_str())) && st.share_pct.is_none()
    {
        Some((i, Position::Share))
    } else {
        None
    }
}

/// The readings of a malformed number's digits: one dot kept (`1.2.4` → `12.4`, `1.24`), or none.
fn readings(raw: &str) -> Vec<Decimal> {
    let core: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '，'))
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let dots: Vec<usize> = core.match_indices('.').map(|(i, _)| i).collect();
    let mut out: Vec<String> = dots
        .iter()
        .map(|&keep| {
            core.char_indices()
                .filter(|&(i, c)| c != '.' || i == keep)
                .map(|(_, c)| c)
                .collect()
        })
        .collect();
    out.push(core.replace('.', ""));
    let mut values: Vec<Decimal> = out
        .iter()
        .filter(|s| !s.is_empty() && !s.ends_with('.') && !s.starts_with('.'))
        .filter_map(|s| dec(s))
        .collect();
    values.sort();
    values.dedup();
    values
}

/// The one reading of a malformed percentage that agrees with what its statement's other figures give,
/// with a phrase saying what they give.
fn sole_reading(
    cx: &Cx<'_>,
    sx: &Sx<'_>,
    i: usize,
    role: Position,
    fact: &Fact,
    doc_totals: &[Figure],
) -> Option<(Decimal, String)> {
    let st = sx.statements.get(i)?;
    let a = dec(st.amount.as_deref()?)?;
    let unit = sx.unit(st).unwrap_or_default();
    let (ranges, why): (Vec<(Decimal, Decimal)>, String) = match role {
        Position::Growth => {
            let c = dec(st.change.as_deref()?)?;
            let range = growth_bounds(cx, sx, i, a, c)?;
            // A reading has no sign; compare magnitudes.
            let range = if c.is_sign_negative() {
                (-range.1, -range.0)
            } else {
                range
            };
            let g = point_growth(a, c)?.abs();
            (
                vec![range],
                format!("{a}{unit} with a change of {c}{unit} gives {}%", pct(g)),
            )
        }
        Position::Share => {
            let dens = denominators(cx, sx, i, doc_totals, sx.unit(st).as_deref());
            let first = dens.first()?;
            let r = a
                .checked_mul(Decimal::ONE_HUNDRED)?
                .checked_div(first.value)?;
            (
                dens.iter()
                    .filter_map(|d| {
                        ratio_range(a, sx.half(a, sx.unit(st).as_deref()), d.value, d.half)
                    })
                    .collect(),
                format!(
                    "{a}{unit} of {} {} is {}%",
                    first.label,
                    first.value,
                    pct(r)
                ),
            )
        }
    };
    let agreeing: Vec<Decimal> = readings(&fact.raw)
        .into_iter()
        .filter(|r| ranges.iter().any(|&range| within(*r, range)))
        .collect();
    match agreeing.as_slice() {
        [one] => Some((*one, why)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// S006: the prior-year total

fn prior_year(cx: &mut Cx<'_>, sx: &Sx<'_>) {
    let d = cx.d;
    let doc = cx.grammars.document();
    let mut seen: BTreeSet<(i32, Decimal)> = BTreeSet::new();
    for (i, st) in sx.statements.iter().enumerate() {
        if sx.role(i) != Some(Role::TotalBudget) {
            continue;
        }
        let (Some(a), Some(c), Some(year)) = (
            st.amount.as_deref().and_then(dec),
            st.change.as_deref().and_then(dec),
            st.compared_year,
        ) else {
            continue;
        };
        let unit = sx.unit(st);
        let Some(cu) = sx.change_unit(cx, i) else {
            continue;
        };
        let Some(cv) = convert(c, Some(&cu), unit.as_deref()) else {
            continue;
        };
        let Some(prior) = a.checked_sub(cv) else {
            continue;
        };
        if !seen.insert((year, prior)) {
            continue;
        }
        let Some((t, line, figure)) = d
            .tables
            .iter()
            .filter(|t| t.grammar == "overall_performance")
            .find_map(|t| {
                let p = t.performance.as_ref()?;
                let mut lines: Vec<_> = p
                    .funding
                    .iter()
                    .filter(|l| {
                        doc.vocab("total_row")
                            .iter()
                            .any(|w| fold(w) == fold(&l.name))
                    })
                    .collect();
                // The income side's total first.
                lines.sort_by_key(|l| l.group.is_none());
                lines.into_iter().find_map(|l| {
                    let (col, q) = l
                        .values
                        .iter()
                        .find(|(k, _)| k.starts_with(&year.to_string()))?;
                    let v = dec(q.value.as_deref()?)?;
                    Some((t, l, (col.clone(), v, q.unit.clone())))
                })
            })
        else {
            continue;
        };
        let (col, v, qunit) = figure;
        let tunit = qunit.or_else(|| cx.unit_of(t).map(str::to_owned));
        let (Some(ref_v), Some(ref_h)) = (
            convert(v, tunit.as_deref(), unit.as_deref()),
            convert(half_unit(v), tunit.as_deref(), unit.as_deref()),
        ) else {
            continue;
        };
        let h_prior = sx
            .half(a, unit.as_deref())
            .saturating_add(sx.half(c, Some(&cu)));
        let diff = prior.saturating_sub(ref_v).abs();
        let u = unit.as_deref().unwrap_or("");
        let location = Location {
            line: st.loc.line,
            page: st.loc.page,
            table: Some(t.id.clone()),
            row: Some(line.name.clone()),
            column: Some(col.clone()),
        };
        if diff <= h_prior.max(ref_h) {
            continue;
        }
        if diff
            <= cx
                .cfg
                .tolerance
                .allowance(2, unit.as_deref())
                .max(h_prior.saturating_add(ref_h))
        {
            cx.emit(
                &ROUNDING_DIFFERENCE,
                format!(
                    "prior-year total implied by `{}` ({a} − {c} = {prior}{u} for {year}) vs {} {} {col} {ref_v}{u}: a rounding tail",
                    sx.name(st),
                    t.id,
                    line.name
                ),
                location,
                Some(ref_v),
                Some(prior),
            );
            continue;
        }
        cx.emit(
            &PRIOR_YEAR_MISMATCH,
            format!(
                "prior-year total implied by `{}` ({a} − {c} = {prior}{u} for {year}) differs from {} {} {col} {ref_v}{u}",
                sx.name(st),
                t.id,
                line.name
            ),
            location,
            Some(ref_v),
            Some(prior),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Anomaly, Dataset};
    use crate::validate::testkit::{findings, run, sample_with};

    #[test]
    fn pair_patterns_are_built_once_per_word_lists() {
        let grammars = crate::grammar::GrammarSet::builtin().unwrap();
        let g = grammars.vocabulary("narrative").unwrap();
        let first = PairPatterns::shared(g).expect("the built-in lists make patterns");
        let again = PairPatterns::shared(g).unwrap();
        assert!(Rc::ptr_eq(&first, &again));
        assert!(first.budget.is_match("年初预算为100.00万元"));
    }

    /// A small consistent document: 表1, 表5-1, 表7 and a narrative that agrees with them (line 26 on).
    const GOOD: &[&str] = &[
        "某局 2026 年部门预算",
        "表 1",
        "收支总表",
        "单位：万元",
        "收 入\t\t支 出\t",
        "项 目\t预算数\t项 目\t预算数",
        "一、一般公共预算拨款收入\t100.00\t一、科学技术支出\t100.00",
        "本年收入合计\t100.00\t本年支出合计\t100.00",
        "上年结转结余\t0.00\t年终结转结余\t0.00",
        "收 入 总 计\t100.00\t支 出 总 计\t100.00",
        "表 5-1",
        "一般公共预算支出表",
        "单位：万元",
        "科目编码\t科目名称\t合计\t基本支出\t\t\t项目支出",
        "\t\t\t小计\t人员经费\t公用经费\t",
        "\t合计\t100.00\t60.00\t50.00\t10.00\t40.00",
        "206\t科学技术支出\t100.00\t60.00\t50.00\t10.00\t40.00",
        "20601\t科学技术管理事务\t100.00\t60.00\t50.00\t10.00\t40.00",
        "2060101\t行政运行\t100.00\t60.00\t50.00\t10.00\t40.00",
        "表 7",
        "一般公共预算“三公”经费支出表",
        "单位：万元",
        "“三公”经费合计\t因公出国（境）费\t公务用车购置及运行费\t\t\t公务接待费",
        "\t\t小计\t公务用车购置费\t公务用车运行费\t",
        "4.46\t0.00\t3.00\t0.00\t3.00\t1.46",
        "第三部分 某局 2026 年部门预算情况说明",
        "一、收支预算总体安排情况",
        "2026 年部门收支总预算 100 万元，比 2025 年预算增加 20 万元，增长 25%。",
        "二、支出预算安排情况",
        "部门预算支出 100 万元。其中：基本支出 60 万元，占比 60%；项目支出 40 万元，占比 40%。",
        "三、一般公共预算支出情况",
        "2026年一般公共预算拨款100万元。",
        "1.科学技术支出（类）科学技术管理事务（款）行政运行（项）2026年预算数100万元，比2025年预算增加20万元，增长25%。",
        "2026 年一般公共预算基本支出 60 万元，其中：人员经费 50 万元、公用经费 10 万元。",
        "四、“三公”经费支出情况",
        "2026 年一般公共预算“三公”经费支出 4.46 万元，比 2025 年预算增加 0.18 万元，增长 4.2%。其中：",
        "1.因公出国(境)经费 0 万元，与 2025 年预算持平。",
        "2.公务用车购置及运行维护费 3 万元，与 2025 年预算持平。包括：",
        "(1)公务用车购置费 0 万元，比 2025 年预算持平。",
        "(2)公务用车运行维护费 3 万元，比 2025 年预算持平。",
        "3.公务接待费 1.46 万元，比 2025 年预算增加 0.18 万元，增长 14%。",
        "五、其他重要事项的情况说明",
        "2026年政府采购预算支出合计 20 万元。其中：货物类 5.5 万元，工程类 0 万元，服务类 14.5 万元。",
    ];

    /// Line numbers (1-based) of the good document's narrative lines.
    const TOTAL: usize = 28;
    const SHARES: usize = 30;
    const GPB: usize = 32;
    const ITEM: usize = 33;
    const BASIC: usize = 34;
    const THREE: usize = 36;
    const VEHICLES_RUN: usize = 40;
    const RECEPTION: usize = 41;
    const PROCUREMENT: usize = 43;

    fn edit(edits: &[(usize, &'static str)]) -> Dataset {
        let mut lines = GOOD.to_vec();
        for &(no, text) in edits {
            lines[no - 1] = text;
        }
        run(&lines)
    }

    /// This family's findings (and the R001/V001 it raises on narrative lines).
    fn ours(d: &Dataset) -> Vec<&Anomaly> {
        d.anomalies
            .iter()
            .filter(|a| {
                RULES.iter().any(|r| r.code == a.rule)
                    || (matches!(a.rule, "R001" | "V001") && a.location.line >= 26)
            })
            .collect()
    }

    fn lines_of(d: &Dataset, code: &str) -> Vec<usize> {
        findings(d, code).iter().map(|a| a.location.line).collect()
    }

    /// A 决算 document: 表7 “三公” with 预算数/决算数 and a narrative of 决算 pairs (line 12 on).
    const FINAL: &[&str] = &[
        "某局2024年度部门决算",
        "表 7",
        "财政拨款“三公”经费支出决算表",
        "单位：万元",
        "合计\t\t因公出国（境）费\t\t公务用车购置及运行费\t\t\t\t\t\t公务接待费\t",
        "\t\t\t\t小计\t\t公务用车购置费\t\t公务用车运行费\t\t\t",
        "预算数\t决算数\t预算数\t决算数\t预算数\t决算数\t预算数\t决算数\t预算数\t决算数\t预算数\t决算数",
        "2.85\t0.39\t\t\t\t\t\t\t\t\t2.85\t0.39",
        "第三部分 某局2024年度部门决算情况说明",
        "一、一般公共预算财政拨款支出决算具体情况",
        "一般公共预算财政拨款支出年初预算为2993.92万元，支出决算为2940.05万元，完成年初预算的98.20%。决算数小于预算数的主要原因：调减。其中：",
        "1、一般公共服务支出（类）财政事务（款）行政运行（项）。主要用于：",
        "基本支出。年初预算为 1560.05 万元，支出决算为1511.89万元，完成年初预算的96.91%。",
        "决算数小于预算数的主要原因：人员变化。",
        "2、卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）。主要用于：医疗。年初预算为 10.00 万元，支出决算为10.00万元。决算数与预算数基本持平。",
        "二、“三公”经费",
        "“三公”经费财政拨款支出年初预算为2.85万元，支出决算为0.39万元，完成预算的13.68%，其中：因公出国（境）费决算为0.00万元；公务接待费支出决算为0.39万元。",
    ];
    const FINAL_ITEM1: usize = 13;
    const FINAL_ITEM1_WORDING: usize = 14;
    const FINAL_ITEM2: usize = 15;
    const FINAL_THREE: usize = 17;

    fn final_with(edits: &[(usize, &'static str)]) -> Dataset {
        let mut lines = FINAL.to_vec();
        for &(no, text) in edits {
            lines[no - 1] = text;
        }
        run(&lines)
    }

    #[test]
    fn s007_s008_consistent_final_accounts_raise_nothing() {
        let d = final_with(&[]);
        assert_eq!(d.document.kind.as_deref(), Some("决算"));
        for code in ["S001", "S007", "S008"] {
            assert!(findings(&d, code).is_empty(), "{code}: {:#?}", d.anomalies);
        }
    }

    #[test]
    fn s001_personnel_and_public_funds_against_the_side_by_side_basic_table() {
        let doc = |personnel: &'static str| {
            run(&[
                "某局2024年度部门决算",
                "一般公共预算财政拨款基本支出决算表",
                "单位：万元",
                "经济分类\t\t科目名称\t决算数\t经济分类\t\t科目名称\t决算数",
                "类\t款\t\t\t类\t款\t\t",
                "301\t\t工资福利支出\t3.00\t302\t\t商品和服务支出\t2.00",
                "301\t01\t基本工资\t3.00\t302\t01\t办公费\t2.00",
                "人员经费合计\t\t\t3.00\t公用经费合计\t\t\t2.00",
                "第三部分 某局2024年度部门决算情况说明",
                "六、一般公共预算财政拨款基本支出决算情况说明",
                personnel,
            ])
        };
        let good =
            doc("一般公共预算财政拨款基本支出5.00万元。其中：人员经费3.00万元；公用经费2.00万元。");
        assert!(findings(&good, "S001").is_empty(), "{:#?}", good.anomalies);
        assert!(
            !good
                .anomalies
                .iter()
                .any(|a| a.rule == "V001" && a.message.contains("人员经费")),
            "{:#?}",
            good.anomalies
        );
        let bad =
            doc("一般公共预算财政拨款基本支出5.00万元。其中：人员经费3.10万元；公用经费2.00万元。");
        let f = findings(&bad, "S001");
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(f[0].message.contains("人员经费合计"), "{}", f[0].message);
    }

    #[test]
    fn s007_flipped_and_false_flat_wording() {
        let d = final_with(&[
            (
                FINAL_ITEM1_WORDING,
                "决算数大于预算数的主要原因：人员变化。",
            ),
            (
                FINAL_ITEM2,
                "2、卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）。主要用于：医疗。年初预算为 62.29 万元，支出决算为60.99万元。决算数等于预算数。",
            ),
        ]);
        let f = findings(&d, "S007");
        assert_eq!(f.len(), 2, "{:#?}", d.anomalies);
        // The wording's own line, though the item runs over three blocks.
        assert_eq!(f[0].location.line, FINAL_ITEM1_WORDING);
        assert_eq!(f[0].expected.as_deref(), Some("小于"));
        assert!(f[0].message.contains("`行政运行`"), "{}", f[0].message);
        assert_eq!(f[1].location.line, FINAL_ITEM2);
        assert_eq!(f[1].actual.as_deref(), Some("决算数等于"));
        // 大于 with a larger final figure holds.
        let d = final_with(&[
            (
                FINAL_ITEM1,
                "基本支出。年初预算为 1560.05 万元，支出决算为1611.89万元，完成年初预算的103.32%。",
            ),
            (
                FINAL_ITEM1_WORDING,
                "决算数大于预算数的主要原因：人员变化。",
            ),
        ]);
        assert!(findings(&d, "S007").is_empty(), "{:#?}", d.anomalies);
    }

    #[test]
    fn s008_completion_rate() {
        let d = final_with(&[(
            FINAL_ITEM1,
            "基本支出。年初预算为 1560.05 万元，支出决算为1511.89万元，完成年初预算的96.81%。",
        )]);
        let f = findings(&d, "S008");
        assert_eq!(f.len(), 1, "{:#?}", d.anomalies);
        assert_eq!(
            (f[0].expected.as_deref(), f[0].actual.as_deref()),
            (Some("96.91"), Some("96.81"))
        );
        assert_eq!(f[0].location.line, FINAL_ITEM1);
    }

    #[test]
    fn s001_three_public_final_and_budget_columns() {
        let d = final_with(&[(
            FINAL_THREE,
            "“三公”经费财政拨款支出年初预算为2.95万元，支出决算为0.49万元，完成预算的16.61%，其中：因公出国（境）费决算为0.10万元；公务接待费支出决算为0.39万元。",
        )]);
        let f = findings(&d, "S001");
        let mut cols: Vec<_> = f.iter().map(|a| a.location.column.as_deref()).collect();
        cols.sort();
        assert_eq!(
            cols,
            vec![
                Some("合计/决算数"),
                Some("合计/预算数"),
                Some("因公出国(境)费/决算数")
            ],
            "{:#?}",
            d.anomalies
        );
        assert!(f.iter().all(|a| a.severity == "error"));
    }

    #[test]
    fn s001_totals_named_after_the_department_and_year() {
        let lines = [
            "某局2026年部门预算",
            "表 1",
            "收支总表",
            "单位：万元",
            "收 入\t\t支 出\t",
            "项 目\t预算数\t项 目\t预算数",
            "一、一般公共预算拨款收入\t100.00\t一、科学技术支出\t100.00",
            "本年收入合计\t100.00\t本年支出合计\t100.00",
            "上年结转结余\t0.00\t年终结转结余\t0.00",
            "收 入 总 计\t100.00\t支 出 总 计\t100.00",
            "第三部分 某局2026年部门预算情况说明",
            "2026年，某局收入预算100万元，其中：财政拨款收入100万元。",
            "某局2026年度收入支出总计0万元。",
        ];
        let d = run(&lines);
        let f = findings(&d, "S001");
        assert_eq!(lines_of(&d, "S001"), vec![13], "{:#?}", d.anomalies);
        assert_eq!(f[0].expected.as_deref(), Some("100.00"));
    }

    #[test]
    fn s001_wan_figure_against_a_yuan_table_uses_its_range() {
        let mut lines = vec![
            "某局2025年部门预算",
            "表 5",
            "一般公共预算支出功能分类预算表",
            "单位：元",
            "科目编码\t科目名称\t合计\t基本支出\t项目支出",
            "\t合计\t12029500.00\t12029500.00\t0.00",
            "206\t科学技术支出\t12029500.00\t12029500.00\t0.00",
            "20601\t科学技术管理事务\t12029500.00\t12029500.00\t0.00",
            "2060101\t行政运行\t12029500.00\t12029500.00\t0.00",
            "第三部分 某局2025年部门预算编制说明",
            "1. “科学技术支出-科学技术管理事务-行政运行”科目1,202.95万元，主要用于行政单位的基本支出。",
        ];
        let d = run(&lines);
        assert_eq!(d.narrative.statements[0].code.as_deref(), Some("2060101"));
        assert!(findings(&d, "S001").is_empty(), "{:#?}", d.anomalies);
        lines[10] = "1. “科学技术支出-科学技术管理事务-行政运行”科目1,203.95万元，主要用于行政单位的基本支出。";
        let d = run(&lines);
        let f = findings(&d, "S001");
        assert_eq!(f.len(), 1, "{:#?}", d.anomalies);
        // Both figures, each with its unit, and the range of 元 the 万元 figure stands for.
        assert!(
            f[0].message.contains("1203.95万元 (12039450–12039550元)")
                && f[0].message.contains("12029500.00元 (1202.95万元)"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn consistent_narrative_raises_nothing() {
        let d = run(GOOD);
        assert_eq!(ours(&d), Vec::<&Anomaly>::new());
        // Every kind of subject was mapped (so silence means agreement, not neglect).
        assert!(
            d.narrative.statements.len() >= 15,
            "{:#?}",
            d.narrative.statements
        );
    }

    #[test]
    fn s001_role_amount_against_the_tables() {
        let d = edit(&[(
            BASIC,
            "2026 年一般公共预算基本支出 100 万元，其中：人员经费 50 万元、公用经费 10 万元。",
        )]);
        let f = findings(&d, "S001");
        assert_eq!(f.len(), 1, "{:#?}", ours(&d));
        assert_eq!(f[0].location.line, BASIC);
        assert_eq!(f[0].severity, "error");
        assert_eq!(f[0].location.table.as_deref(), Some("表5-1"));
        assert_eq!(f[0].location.column.as_deref(), Some("基本支出/小计"));
        assert_eq!(
            (f[0].expected.as_deref(), f[0].actual.as_deref()),
            (Some("60.00"), Some("100"))
        );
        assert!(f[0].message.contains("add up to 60"), "{}", f[0].message);
        // The breakdown agrees with the table: the total alone is wrong, reported once.
        assert!(findings(&d, "S004").is_empty(), "{:#?}", ours(&d));
    }

    #[test]
    fn s001_gpb_appropriation_is_not_basic_expenditure() {
        // `一般公共预算拨款` is the whole appropriation (100), not `基本支出` (60) with a qualifier.
        let d = edit(&[(GPB, "2026年一般公共预算拨款60万元。")]);
        let f = findings(&d, "S001");
        assert_eq!(f.len(), 1, "{:#?}", ours(&d));
        assert_eq!(f[0].expected.as_deref(), Some("100.00"));
        assert_eq!(f[0].location.column.as_deref(), Some("收入/预算数"));
    }

    #[test]
    fn s001_code_three_public_and_rounding() {
        let d = edit(&[(
            ITEM,
            "1.科学技术支出（类）科学技术管理事务（款）行政运行（项）2026年预算数90万元，比2025年预算增加20万元，增长28.6%。",
        )]);
        let f = findings(&d, "S001");
        assert_eq!(lines_of(&d, "S001"), vec![ITEM], "{:#?}", ours(&d));
        assert_eq!(f[0].location.row.as_deref(), Some("2060101"));
        let d = edit(&[(
            RECEPTION,
            "3.公务接待费 2.46 万元，比 2025 年预算增加 0.18 万元，增长 7.9%。",
        )]);
        assert!(lines_of(&d, "S001").contains(&RECEPTION), "{:#?}", ours(&d));
        // A cent off is a rounding tail, not an error.
        let d = edit(&[(GPB, "2026年一般公共预算拨款100.01万元。")]);
        assert!(findings(&d, "S001").is_empty(), "{:#?}", ours(&d));
        assert!(lines_of(&d, "R001").contains(&GPB));
    }

    #[test]
    fn s001_final_accounts_pair_budget_and_final_figures() {
        let mut lines = GOOD.to_vec();
        lines[0] = "某局 2026 年部门决算";
        lines[BASIC - 1] = "2026 年一般公共预算基本支出 55 万元，支出决算 60 万元。";
        let d = run(&lines);
        assert_eq!(d.document.kind.as_deref(), Some("决算"));
        assert!(findings(&d, "S001").is_empty(), "{:#?}", ours(&d));
        lines[BASIC - 1] = "2026 年一般公共预算基本支出 55 万元。";
        let d = run(&lines);
        let f = findings(&d, "S001");
        assert_eq!(f.len(), 1, "{:#?}", ours(&d));
        assert_eq!((f[0].location.line, f[0].severity), (BASIC, "warning"));
    }

    #[test]
    fn s001_unknown_subjects_and_other_funds_are_not_checked() {
        let d = edit(&[
            (GPB, "2026年某某专项资金123万元。"),
            (PROCUREMENT, "八、政府性基金预算支出安排情况"),
        ]);
        let mut lines = GOOD.to_vec();
        lines.push("2026年政府性基金预算支出 5 万元。其中：基本支出 0 万元，项目支出 5 万元。");
        let other = run(&lines);
        assert!(findings(&d, "S001").is_empty(), "{:#?}", ours(&d));
        assert!(findings(&other, "S001").is_empty(), "{:#?}", ours(&other));
    }

    /// S001 findings on the sample other than its own line 770.
    fn new_s001(d: &Dataset) -> Vec<&Anomaly> {
        findings(d, "S001")
            .into_iter()
            .filter(|a| a.location.line != 770)
            .collect()
    }

    #[test]
    fn s001_projects_and_hubei_conventions_on_the_sample() {
        // Same project once reduced (`产业促进项目` / `产业促进经费`): an error.
        let d = sample_with(&[(818, "（三）产业促进项目35万元。主要用于招商引资活动资金。")]);
        let f = new_s001(&d);
        assert_eq!(f.len(), 1, "{:#?}", f);
        assert_eq!((f[0].location.line, f[0].severity), (818, "error"));
        // Only similar names: a warning.
        let d = sample_with(&[(
            816,
            "（二）新生路政务中心（大数据中心区域）办公用房租赁项目460.52万元。主要用于保障新机房运行。",
        )]);
        let f = new_s001(&d);
        assert_eq!(f.len(), 1, "{:#?}", f);
        assert_eq!((f[0].location.line, f[0].severity), (816, "warning"));
        // 机关运行经费 = 公用经费 is a convention: a warning.
        let d = sample_with(&[(
            824,
            "2026年机关运行经费340.77万元，比2025年增加180.45万元，增长112.6%，主要原因是为了规范经费使用。",
        )]);
        let f = new_s001(&d);
        assert_eq!(f.len(), 1, "{:#?}", f);
        assert_eq!((f[0].location.line, f[0].severity), (824, "warning"));
    }

    #[test]
    fn s001_missing_table_is_reported_as_skipped() {
        let lines: Vec<&str> = GOOD
            .iter()
            .enumerate()
            .filter(|(i, _)| !(19..25).contains(i))
            .map(|(_, l)| *l)
            .collect();
        let d = run(&lines);
        assert!(findings(&d, "S001").is_empty(), "{:#?}", ours(&d));
        let v: Vec<_> = findings(&d, "V001")
            .into_iter()
            .filter(|a| a.message.contains("三公"))
            .collect();
        assert_eq!(v.len(), 1, "{:#?}", ours(&d));
        assert_eq!(v[0].severity, "info");
    }

    #[test]
    fn s002_growth_rates() {
        let d = edit(&[(
            TOTAL,
            "2026 年部门收支总预算 100 万元，比 2025 年预算增加 20 万元，增长 20%。",
        )]);
        let f = findings(&d, "S002");
        assert_eq!(lines_of(&d, "S002"), vec![TOTAL], "{:#?}", ours(&d));
        assert_eq!(f[0].expected.as_deref(), Some("25"));
        // Signs must agree.
        let d = edit(&[(
            TOTAL,
            "2026 年部门收支总预算 100 万元，比 2025 年预算增加 20 万元，下降 25%。",
        )]);
        assert_eq!(lines_of(&d, "S002"), vec![TOTAL], "{:#?}", ours(&d));
        // 持平 with a rate.
        let d = edit(&[(
            VEHICLES_RUN,
            "(2)公务用车运行维护费 3 万元，比 2025 年预算持平，增长 5%。",
        )]);
        assert_eq!(lines_of(&d, "S002"), vec![VEHICLES_RUN], "{:#?}", ours(&d));
        // The inputs' rounding is allowed for: 0.18 / 1.28 = 14.06%, but 0.175…0.185 over
        // 1.455…1.465 give 13.57%…14.57%, so `14.6%` passes and `14.7%` does not.
        let d = edit(&[(
            RECEPTION,
            "3.公务接待费 1.46 万元，比 2025 年预算增加 0.18 万元，增长 14.6%。",
        )]);
        assert!(findings(&d, "S002").is_empty(), "{:#?}", ours(&d));
        let d = edit(&[(
            RECEPTION,
            "3.公务接待费 1.46 万元，比 2025 年预算增加 0.18 万元，增长 14.7%。",
        )]);
        assert_eq!(lines_of(&d, "S002"), vec![RECEPTION], "{:#?}", ours(&d));
        // Percentage points are not growth rates.
        let d = edit(&[(
            TOTAL,
            "2026 年部门收支总预算 100 万元，比 2025 年预算增加 20 万元，提高 3 个百分点。",
        )]);
        assert!(findings(&d, "S002").is_empty(), "{:#?}", ours(&d));
    }

    #[test]
    fn s003_shares() {
        let d = edit(&[(
            SHARES,
            "部门预算支出 100 万元。其中：基本支出 60 万元，占比 65%；项目支出 40 万元，占比 40%。",
        )]);
        let f = findings(&d, "S003");
        assert_eq!(f.len(), 1, "{:#?}", ours(&d));
        assert_eq!((f[0].location.line, f[0].severity), (SHARES, "warning"));
        assert_eq!(f[0].expected.as_deref(), Some("60"));
        // A share of a named denominator: checked against it, and left alone when the name maps
        // to nothing.
        let d = edit(&[(
            GPB,
            "2026年一般公共预算拨款100万元，其中人员经费 50 万元，占基本支出的 83.3%。",
        )]);
        assert!(findings(&d, "S003").is_empty(), "{:#?}", ours(&d));
        let d = edit(&[(
            GPB,
            "2026年一般公共预算拨款100万元，其中人员经费 50 万元，占基本支出的 50%。",
        )]);
        assert_eq!(lines_of(&d, "S003"), vec![GPB], "{:#?}", ours(&d));
        let d = edit(&[(
            GPB,
            "2026年一般公共预算拨款100万元，其中人员经费 50 万元，占全市同类支出的 3.2%。",
        )]);
        assert!(findings(&d, "S003").is_empty(), "{:#?}", ours(&d));
        // A share of the document total (not of its own total) is accepted.
        let d = edit(&[(
            BASIC,
            "2026 年一般公共预算基本支出 60 万元，其中：人员经费 50 万元，占 50%；公用经费 10 万元，占 10%。",
        )]);
        assert!(findings(&d, "S003").is_empty(), "{:#?}", ours(&d));
    }

    #[test]
    fn s003_share_sums() {
        let d = |v: &[&str]| -> Vec<Decimal> { v.iter().filter_map(|s| dec(s)).collect() };
        assert!(shares_exceed(&d(&["61.5", "38.5"])).is_none());
        assert!(
            shares_exceed(&d(&["61.5", "38.6"])).is_none(),
            "within rounding"
        );
        assert_eq!(
            shares_exceed(&d(&["71.5", "38.5"])).map(|(s, _)| s),
            dec("110.0")
        );
    }

    #[test]
    fn s004_breakdowns() {
        let d = edit(&[(
            PROCUREMENT,
            "2026年政府采购预算支出合计 30 万元。其中：货物类 5.5 万元，工程类 0 万元，服务类 14.5 万元。",
        )]);
        let f = findings(&d, "S004");
        assert_eq!(f.len(), 1, "{:#?}", ours(&d));
        assert_eq!(f[0].location.line, PROCUREMENT);
        assert_eq!(
            (f[0].expected.as_deref(), f[0].actual.as_deref()),
            (Some("20.0"), Some("30"))
        );
        // Changes: Σ item changes = the total's change.
        let d = edit(&[(
            RECEPTION,
            "3.公务接待费 1.46 万元，比 2025 年预算增加 0.28 万元，增长 23.7%。",
        )]);
        assert_eq!(lines_of(&d, "S004"), vec![THREE], "{:#?}", ours(&d));
        // An item listed beside its own parts is not double counting.
        let d = edit(&[(
            SHARES,
            "部门预算支出 100 万元，其中：基本支出 60 万元、人员经费 50 万元、公用经费 10 万元、项目支出 40 万元。",
        )]);
        assert!(findings(&d, "S004").is_empty(), "{:#?}", ours(&d));
        let d = edit(&[(
            THREE,
            "2026年“三公”经费预算数为4.46万元，其中：因公出国（境）费0万元，公务用车购置及运行费3万元（其中，公务用车购置费0万元，公务用车运行费3万元），公务接待费1.46万元。",
        )]);
        assert!(findings(&d, "S004").is_empty(), "{:#?}", ours(&d));
        // A document that prints two decimals drops trailing zeros: its `7 万元` is 7.00, so a sum off
        // by 1 is an error, not a rounding tail.
        let d = edit(&[(
            PROCUREMENT,
            "2026年政府采购预算支出合计 20 万元。其中：货物类 5.5 万元，工程类 0 万元，服务类 15.5 万元。",
        )]);
        assert_eq!(lines_of(&d, "S004"), vec![PROCUREMENT], "{:#?}", ours(&d));
        // A breakdown's only item cannot exceed its total.
        let d = edit(&[(
            GPB,
            "2026年项目支出40万元，其中：一般公共预算本年拨款45万元。",
        )]);
        assert_eq!(lines_of(&d, "S004"), vec![GPB], "{:#?}", ours(&d));
        let d = edit(&[(
            GPB,
            "2026年项目支出40万元，其中：一般公共预算本年拨款40万元。",
        )]);
        assert!(findings(&d, "S004").is_empty(), "{:#?}", ours(&d));
    }

    #[test]
    fn s005_flat_wording() {
        let d = edit(&[(
            VEHICLES_RUN,
            "(2)公务用车运行维护费 3 万元，比 2025 年预算不持平。",
        )]);
        let f = findings(&d, "S005");
        assert_eq!(f.len(), 1, "{:#?}", ours(&d));
        assert_eq!(
            (f[0].location.line, f[0].severity),
            (VEHICLES_RUN, "warning")
        );
        assert_eq!(f[0].expected.as_deref(), Some("持平"));
        // Outside a breakdown the wording still states nothing, but there is nothing to contradict.
        let d = edit(&[(GPB, "2026年一般公共预算拨款100万元，比2025年预算不持平。")]);
        let f = findings(&d, "S005");
        assert_eq!(f.len(), 1, "{:#?}", ours(&d));
        assert_eq!(f[0].expected, None);
    }

    #[test]
    fn m001_malformed_numbers() {
        let d = edit(&[(
            TOTAL,
            "2026 年部门收支总预算 113.25 万元，比 2025 年预算增加 12.45 万元，增长 1.2.4%。",
        )]);
        let f = findings(&d, "M001");
        assert_eq!(f.len(), 1, "{:#?}", ours(&d));
        assert_eq!(f[0].location.line, TOTAL);
        assert_eq!(
            (f[0].expected.as_deref(), f[0].actual.as_deref()),
            (Some("12.4%"), Some("1.2.4%"))
        );
        // No reading agrees: the raw text alone.
        let d = edit(&[(
            TOTAL,
            "2026 年部门收支总预算 100 万元，比 2025 年预算增加 20 万元，增长 1.2.4%。",
        )]);
        let f = findings(&d, "M001");
        assert_eq!(f.len(), 1, "{:#?}", ours(&d));
        assert_eq!(f[0].expected, None);
        assert_eq!(
            readings("1.2.4%"),
            vec![
                dec("1.24").unwrap(),
                dec("12.4").unwrap(),
                dec("124").unwrap()
            ]
        );
    }

    #[test]
    fn s006_prior_year_total_against_table_11() {
        // The sample's 表11 gives 2025 as 2,539.05; a narrative change that implies it is silent.
        let d = sample_with(&[(
            708,
            "2026 年部门收支总预算 4,335.95 万元，比 2025 年预算增加 1,796.90 万元，增长 70.8%，主要原因是新招录人员。",
        )]);
        assert!(
            findings(&d, "S006").is_empty(),
            "{:#?}",
            findings(&d, "S006")
        );
        assert!(findings(&d, "S002").is_empty());
    }

    #[test]
    fn odd_numbers_do_not_panic() {
        let big = "9999999999999999999999999999";
        let lines: Vec<String> = GOOD
            .iter()
            .map(|l| l.replace("100.00", &format!("{big}.00")))
            .chain([
                format!("2026 年部门收支总预算 {big} 万元，比 2025 年预算减少 {big} 万元，增长 {big}%。"),
                format!("部门预算支出 0.000000000000000000000000001 亿元。其中：基本支出 {big} 亿元，占比 {big}%；项目支出 {big} 元，占比 0%。"),
                format!("2026年一般公共预算拨款{big}万元，比2025年预算增加{big}万元，增长1.2.3.4.5%。"),
                "2026年一般公共预算拨款0万元，比2025年预算增加0万元，增长0%，占0%。".to_owned(),
            ])
            .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let d = run(&refs);
        assert!(!d.narrative.statements.is_empty());
    }

    #[test]
    fn the_sample_reports_its_known_inconsistencies_and_nothing_else() {
        let d = sample_with(&[]);
        let got: Vec<(&str, usize)> = d
            .anomalies
            .iter()
            .filter(|a| RULES.iter().any(|r| r.code == a.rule))
            .map(|a| (a.rule, a.location.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("S006", 708),
                ("M001", 750),
                ("S001", 770),
                ("S005", 796),
                ("S004", 828)
            ]
        );
        let m = findings(&d, "M001");
        assert_eq!(m[0].expected.as_deref(), Some("12.4%"));
        let s6 = findings(&d, "S006");
        assert_eq!(s6[0].severity, "warning");
        assert_eq!(
            (s6[0].expected.as_deref(), s6[0].actual.as_deref()),
            (Some("2539.05"), Some("3375.67"))
        );
        // No rounding tails or skipped checks from the narrative either.
        assert!(
            d.anomalies
                .iter()
                .all(|a| !(matches!(a.rule, "R001" | "V001") && a.location.line >= 698)),
            "{:#?}",
            d.anomalies
        );
    }
}

// ---------------------------------------------------------------------------------------------
// S007, S008: 决算 pairs — the budget figure, the final figure, the completion rate and the wording

/// How a 决算 sentence compares the final figure with the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    More,
    Less,
    Equal,
}

impl Comparison {
    fn of(diff: Decimal, allowance: Decimal) -> Self {
        if diff.abs() <= allowance {
            Comparison::Equal
        } else if diff > Decimal::ZERO {
            Comparison::More
        } else {
            Comparison::Less
        }
    }

    /// True when the wording may describe a difference `diff` (final − budget): 大于 and 小于 hold for
    /// any strict difference, 持平 within the rounding allowance.
    fn holds(self, diff: Decimal, allowance: Decimal) -> bool {
        match self {
            Comparison::More => diff > Decimal::ZERO,
            Comparison::Less => diff < Decimal::ZERO,
            Comparison::Equal => diff.abs() <= allowance,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Comparison::More => "大于",
            Comparison::Less => "小于",
            Comparison::Equal => "持平",
        }
    }
}

/// One thing found in a 决算 text, at a byte offset.
#[derive(Debug, Clone)]
enum PairEvent {
    Budget(Decimal, Option<String>),
    Actual(Decimal, Option<String>),
    Completion(Decimal),
    Wording(Comparison, String),
}

/// The patterns of 决算 pairs, built from the narrative vocabulary.
struct PairPatterns {
    budget: regex::Regex,
    actual: regex::Regex,
    completion: regex::Regex,
    wording: regex::Regex,
    more: Vec<String>,
    less: Vec<String>,
}

/// The vocabulary lists [`PairPatterns`] are built from.
const PAIR_LISTS: [&str; 8] = [
    "final_budget_word",
    "final_actual_word",
    "amount_unit",
    "final_completion_word",
    "final_more",
    "final_less",
    "final_equal",
    "final_link",
];

/// Pair patterns as [`PairPatterns::shared`] keeps them: the word lists, the patterns.
type BuiltPairs = Vec<(Vec<Vec<String>>, Option<Rc<PairPatterns>>)>;

thread_local! {
    /// Patterns built on this thread, by the word lists they were built from: compiling the four
    /// regexes per 决算 document cost more than matching them.
    static PAIR_PATTERNS: RefCell<BuiltPairs> = const { RefCell::new(Vec::new()) };
}

impl PairPatterns {
    /// [`Self::new`], built once per thread and word lists.
    fn shared(g: &Grammar) -> Option<Rc<Self>> {
        let key: Vec<Vec<String>> = PAIR_LISTS.iter().map(|n| g.vocab(n).to_vec()).collect();
        PAIR_PATTERNS.with(|built| {
            let mut built = built.borrow_mut();
            if let Some((_, p)) = built.iter().find(|(k, _)| *k == key) {
                return p.clone();
            }
            let p = Self::new(g).map(Rc::new);
            // Only a run with changing grammars (tests) builds more than one.
            if built.len() >= 8 {
                built.clear();
            }
            built.push((key, p.clone()));
            p
        })
    }

    fn new(g: &Grammar) -> Option<Self> {
        let alt = |names: &[&str]| {
            let words: Vec<String> = names.iter().flat_map(|n| g.vocab(n)).cloned().collect();
            crate::narrative::alternation(&words)
        };
        let budget = alt(&["final_budget_word"])?;
        let actual = alt(&["final_actual_word"])?;
        let unit = alt(&["amount_unit"])?;
        let completion = alt(&["final_completion_word"])?;
        let cmp = alt(&["final_more", "final_less", "final_equal"])?;
        let link = alt(&["final_link"]).unwrap_or_else(|| "与".to_owned());
        const NUM: &str = r"(\d(?:[\d,]*\d)?(?:\.\d+)?)";
        let figure = |words: &str| {
            regex::Regex::new(&format!(
                r"(?:{words})\s*(?:为|是|[:：])?\s*{NUM}\s*({unit})"
            ))
            .ok()
        };
        Some(PairPatterns {
            budget: figure(&budget)?,
            actual: figure(&actual)?,
            completion: regex::Regex::new(&format!(r"(?:{completion})\s*{NUM}\s*[%％]")).ok()?,
            wording: regex::Regex::new(&format!(
                r"(?:{actual})\s*(?:(?:{link})\s*)*(?:(?:{budget})\s*)?(?:(?:{link})\s*)*({cmp})"
            ))
            .ok()?,
            more: g.vocab("final_more").to_vec(),
            less: g.vocab("final_less").to_vec(),
        })
    }

    /// The events of `text` in order; an amount is both a budget and a final figure only once.
    fn events(&self, text: &str) -> Vec<(usize, PairEvent)> {
        let mut out: Vec<(usize, usize, PairEvent)> = Vec::new();
        let amount = |c: &regex::Captures<'_>| -> Option<(Decimal, Option<String>)> {
            let v = crate::normalize::number::canonical_amount(c.get(1)?.as_str())?;
            Some((dec(&v)?, c.get(2).map(|u| u.as_str().to_owned())))
        };
        for c in self.budget.captures_iter(text) {
            if let (Some(m), Some((v, u))) = (c.get(0), amount(&c)) {
                out.push((m.start(), m.end(), PairEvent::Budget(v, u)));
            }
        }
        for c in self.actual.captures_iter(text) {
            if let (Some(m), Some((v, u))) = (c.get(0), amount(&c)) {
                out.push((m.start(), m.end(), PairEvent::Actual(v, u)));
            }
        }
        for c in self.completion.captures_iter(text) {
            let v = c
                .get(1)
                .and_then(|n| crate::normalize::number::canonical_amount(n.as_str()))
                .and_then(|v| dec(&v));
            if let (Some(m), Some(v)) = (c.get(0), v) {
                out.push((m.start(), m.end(), PairEvent::Completion(v)));
            }
        }
        for c in self.wording.captures_iter(text) {
            if let (Some(m), Some(w)) = (c.get(0), c.get(1)) {
                let word = w.as_str();
                let cmp = if self.more.iter().any(|x| x == word) {
                    Comparison::More
                } else if self.less.iter().any(|x| x == word) {
                    Comparison::Less
                } else {
                    Comparison::Equal
                };
                out.push((
                    m.start(),
                    m.end(),
                    PairEvent::Wording(cmp, m.as_str().to_owned()),
                ));
            }
        }
        out.sort_by_key(|e| (e.0, std::cmp::Reverse(e.1)));
        // Overlaps (`预算数` inside a wording) keep the first, longest match.
        let mut kept: Vec<(usize, PairEvent)> = Vec::new();
        let mut end = 0;
        for (s, e, ev) in out {
            if s >= end {
                kept.push((s, ev));
                end = e;
            }
        }
        kept
    }
}

/// A budget figure and the final figure after it.
#[derive(Debug, Clone)]
struct Pair {
    budget: Decimal,
    actual: Decimal,
    unit: Option<String>,
}

/// The paragraphs of each section grouped by numbered item: a numbered paragraph opens a group, and
/// the paragraphs after it belong to it until the next numbered one (a line break may cut an item);
/// an unnumbered paragraph that ends its sentence closes its own group.
fn paragraph_groups(cx: &Cx<'_>) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for section in &cx.d.narrative.sections {
        let mut open = false;
        let mut started_item = false;
        for p in &section.paragraphs {
            let item = crate::narrative::starts_item(&p.text);
            match out.last_mut() {
                Some((text, lines)) if open && !item => {
                    text.push_str(&p.text);
                    lines.extend(&p.lines);
                }
                _ => {
                    out.push((p.text.clone(), p.lines.clone()));
                    started_item = item;
                }
            }
            let ends = p.text.trim_end().ends_with(['。', '！', '？']);
            open = started_item || !ends;
        }
    }
    out
}

fn final_pairs(cx: &mut Cx<'_>, sx: &Sx<'_>) {
    if cx.d.document.kind.as_deref() != Some("决算") {
        return;
    }
    let Some(patterns) = cx
        .grammars
        .vocabulary("narrative")
        .and_then(PairPatterns::shared)
    else {
        return;
    };
    for (text, lines) in paragraph_groups(cx) {
        let mut pair: Option<Pair> = None;
        let mut budget: Option<(Decimal, Option<String>)> = None;
        // The last figure was the pair's final figure (a rate after it is the pair's).
        let mut after_pair = false;
        for (_, ev) in patterns.events(&text) {
            match ev {
                PairEvent::Budget(v, u) => {
                    budget = Some((v, u));
                    after_pair = false;
                }
                PairEvent::Actual(v, u) => {
                    after_pair = false;
                    if let Some((b, bu)) = budget.take() {
                        let unit = u.or(bu).or_else(|| sx.doc_unit.clone());
                        pair = Some(Pair {
                            budget: b,
                            actual: v,
                            unit,
                        });
                        after_pair = true;
                    }
                }
                PairEvent::Completion(z) => {
                    if after_pair && let Some(p) = &pair {
                        completion(cx, sx, p, z, &lines);
                    }
                    after_pair = false;
                }
                PairEvent::Wording(cmp, raw) => {
                    if let Some(p) = &pair {
                        wording(cx, sx, p, cmp, &raw, &lines);
                    }
                    after_pair = false;
                }
            }
        }
    }
}

/// The name of the pair's subject (the statement the reader tied to its final figure) and its location.
fn pair_subject(cx: &Cx<'_>, sx: &Sx<'_>, p: &Pair, lines: &[usize]) -> (String, Location) {
    let found = sx.statements.iter().enumerate().find(|(i, st)| {
        lines.contains(&st.loc.line)
            && st.amount.as_deref().and_then(dec) == Some(p.actual)
            && i.checked_sub(1)
                .and_then(|j| sx.statements.get(j))
                .is_some_and(|b| b.subject_kind == "budget")
    });
    match found {
        Some((_, st)) => (sx.name(st), statement_location(st)),
        None => {
            let fact = cx.d.narrative.facts.iter().find(|f| {
                f.kind == "amount"
                    && lines.contains(&f.loc.line)
                    && f.value.as_deref().and_then(dec) == Some(p.actual)
            });
            let line = fact.map_or(lines.first().copied().unwrap_or(0), |f| f.loc.line);
            let page = fact.and_then(|f| f.loc.page);
            (
                "the figure".to_owned(),
                Location {
                    line,
                    page,
                    ..Location::default()
                },
            )
        }
    }
}

/// S007: the wording against the pair's figures.
fn wording(cx: &mut Cx<'_>, sx: &Sx<'_>, p: &Pair, said: Comparison, raw: &str, lines: &[usize]) {
    let u = p.unit.as_deref();
    let diff = p.actual.saturating_sub(p.budget);
    let allowance = cx.cfg.tolerance.allowance(1, u);
    if said.holds(diff, allowance) {
        return;
    }
    let truth = Comparison::of(diff, allowance);
    let (name, mut location) = pair_subject(cx, sx, p, lines);
    // Cite the line that prints the wording when one line holds it whole.
    let folded = fold(raw);
    if let Some(l) = lines.iter().find(|&&l| {
        cx.lines
            .get(l.wrapping_sub(1))
            .is_some_and(|x| fold(&x.text).contains(&folded))
    }) {
        location.line = *l;
    }
    let unit = u.unwrap_or("");
    cx.emit_with(
        &FINAL_WORDING,
        FINAL_WORDING.severity,
        format!(
            "narrative `{name}` says `{raw}` ({}), but its final figure {}{unit} is {} its budget {}{unit} (difference {diff}{unit})",
            match said {
                Comparison::More => "the final figure exceeds the budget",
                Comparison::Less => "the final figure is below the budget",
                Comparison::Equal => "the final figure equals the budget",
            },
            p.actual,
            match truth {
                Comparison::More => "more than",
                Comparison::Less => "less than",
                Comparison::Equal => "the same as",
            },
            p.budget,
        ),
        location,
        Some(truth.word().to_owned()),
        Some(raw.to_owned()),
    );
}

/// S008: the completion rate against the pair's figures.
fn completion(cx: &mut Cx<'_>, sx: &Sx<'_>, p: &Pair, z: Decimal, lines: &[usize]) {
    if p.budget <= Decimal::ZERO {
        return;
    }
    let u = p.unit.as_deref();
    let range = ratio_range(
        p.actual,
        sx.half(p.actual, u),
        p.budget,
        sx.half(p.budget, u),
    );
    if range.is_none_or(|r| within(z, r)) {
        return;
    }
    let Some(rate) = p
        .actual
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|n| n.checked_div(p.budget))
    else {
        return;
    };
    let (name, location) = pair_subject(cx, sx, p, lines);
    let unit = u.unwrap_or("");
    cx.emit(
        &COMPLETION_RATE,
        format!(
            "narrative `{name}` states a completion rate of {z}% but its final figure {}{unit} of its budget {}{unit} is {}%",
            p.actual,
            p.budget,
            pct(rate)
        ),
        location,
        Some(rate.round_dp_with_strategy(z.scale(), RoundingStrategy::MidpointAwayFromZero)),
        Some(z),
    );
}
