//! `C` rules: identities that tie the tables together (表1–表12).
//!
//! A disclosure restates the same figures in several tables: 表1's 本年收入合计 is 表2's total, 表5's
//! 人员经费 is 表6's, a project's 表12 budget is its 表10 row. Each rule here compares such restatements
//! (or sums of them) under the rounding policy of [`Cx::compare`].
//!
//! Rows are found by the words of vocabulary lists in `grammars/document.layout` (compared folded),
//! never by position. When a table an identity needs is not in the document the rule stays silent
//! (the completeness family reports missing tables); when the table is there but the row, column or
//! cell it needs is missing or unreadable, the identity says so once with `V001` (info).
//!
//! Where a mismatch points: at the restating figure, unless only the other figure's row fails its
//! own table's arithmetic (an `A` finding on that line), which makes it the likelier culprit.

use super::names::{same_project, similarity};
use super::rules::{Rule, Severity};
use super::table::CHECK_SKIPPED;
use super::{Cx, Outcome, Sum, cell_location, row_label, total_row, unreadable, value};
use crate::grammar::Grammar;
use crate::model::{FundingLine, Loc, Location, Performance, Quantity, Row, Table};
use crate::normalize::cells::{fold, fold_cow};
use crate::normalize::number::{canonical_amount, unit_factor};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

pub const SUMMARY_TOTAL: Rule = Rule {
    code: "C001",
    name: "summary-total-mismatch",
    kind: "cross_table_mismatch",
    severity: Severity::Error,
    summary: "a total of 表1 收支总表 differs from the same total in 表2 or 表3",
    doc: "## What it checks\n表1's 收入 side restates 表2 部门收入总表's total row: 本年收入合计 = 表2 total \
          本年收入小计 (or 合计 when 表2 has no 上年结转 column), 收入总计 = 表2 total 合计, 上年结转结余 = 表2 \
          total 上年结转结余, and each income line (一般公共预算拨款收入, 事业收入, …) = 表2's column of that \
          source. 表1's 支出 side restates 表3 部门支出总表: 本年支出合计 = 表3 total 合计. 表1 does not \
          split 基本支出/项目支出, so those columns are not compared.\n\n## Why it matters\nThese are the \
          headline figures of the disclosure; two tables printing different totals means one of them was \
          compiled from other data or edited by hand.\n\n## Example\n表1 本年收入合计 4,335.95 but 表2 total \
          本年收入小计 4,300.00 → C001.",
};

pub const FUNCTION_CLASS: Rule = Rule {
    code: "C002",
    name: "function-class-mismatch",
    kind: "cross_table_mismatch",
    severity: Severity::Error,
    summary: "a 功能类 line of a summary table differs from the 类 row of the detail tables",
    doc: "## What it checks\nEach 功能类 line on 表1's 支出 side equals the 表3 row with that 类 code \
          (matched by name, folded, with the class names of earlier editions from the `function_class:NNN` \
          lists); each 功能类 line on 表4's 支出 side equals the 表5-1 类 row plus the 表8/表9 rows of that \
          class (表4 is all 财政拨款). A class with a non-zero amount in one table and none in the other is a \
          mismatch too.\n\n## Why it matters\nThe summary's breakdown by function must be the detail \
          table's; a difference means an amount was moved between classes in one table only.\n\n## \
          Example\n表1 五、科学技术支出 2,848.72 but 表3 row 206 合计 2,838.72 → C002.",
};

pub const GPB_APPROPRIATION: Rule = Rule {
    code: "C003",
    name: "gpb-appropriation-mismatch",
    kind: "cross_table_mismatch",
    severity: Severity::Error,
    summary: "the 一般公共预算 appropriation or the 财政拨款 spending differs between 表1, 表4 and 表5, 表8, 表9",
    doc: "## What it checks\nThe 一般公共预算 money is printed three times: 表1 一般公共预算拨款收入, 表4 \
          （一）一般公共预算拨款 under 本年收入, and 表5-1's total 合计 (which may also include 表4's 上年结转 \
          一般公共预算 money). When two agree and the third differs, the third is reported. And 表4 本年支出 = \
          表5-1 total + 表8 total + 表9 total (an absent 表8/表9 counts as zero when 表4 shows no money of \
          that fund).\n\n## Why it matters\nThe appropriation is the figure the 人大 approved; every table \
          must show the same one.\n\n## Example\n表4 （一）一般公共预算拨款 4,000.00 while 表1 and 表5-1 give \
          4,335.95 → C003 on 表4.",
};

pub const GPB_SPLIT: Rule = Rule {
    code: "C004",
    name: "gpb-split-mismatch",
    kind: "cross_table_mismatch",
    severity: Severity::Error,
    summary: "表5-1 (by function) and 表5-2 (by unit) give different totals",
    doc: "## What it checks\nThe 一般公共预算支出表 printed by 功能科目 (表5-1) and by unit (表5-2) have the \
          same total row in every column they share (合计, 基本支出 小计/人员经费/公用经费, 项目支出).\n\n## Why \
          it matters\nThey are two views of the same spending; different totals mean one view is \
          incomplete.\n\n## Example\n表5-1 total 合计 4,335.95 but 表5-2 total 合计 4,336.95 → C004.",
};

pub const BASIC_EXPENDITURE: Rule = Rule {
    code: "C005",
    name: "basic-expenditure-mismatch",
    kind: "cross_table_mismatch",
    severity: Severity::Error,
    summary: "表5's 基本支出 (人员经费, 公用经费) differs from 表6's total",
    doc: "## What it checks\n表5's total 基本支出 小计, 人员经费 and 公用经费 equal 表6 一般公共预算基本支出表's \
          total 合计, 人员经费 and 公用经费.\n\n## Why it matters\n表6 breaks the same 基本支出 down by economic \
          class; its total must be 表5's.\n\n## Example\n表5-1 total 人员经费 2,334.64 but 表6 total 人员经费 \
          2,344.64 → C005.",
};

pub const PROJECT_EXPENDITURE: Rule = Rule {
    code: "C006",
    name: "project-expenditure-mismatch",
    kind: "cross_table_mismatch",
    severity: Severity::Error,
    summary: "项目支出 in 表3 or 表5 differs from the 项目支出表 (表10) total",
    doc: "## What it checks\nWhen 表10 项目支出表 has rows: 表5 total 项目支出 = 表10 total 本年拨款 一般公共预算 \
          (or that plus 财政拨款结转结余 一般公共预算), and 表3 total 项目支出 = 表10 total 合计.\n\n## Why it \
          matters\n表10 lists the projects that make up 项目支出; a different total means projects are \
          missing or mis-stated.\n\n## Example\n表3 total 项目支出 1,670.54 but 表10 total 合计 1,680.54 → \
          C006.",
};

pub const THREE_PUBLIC_BASIC: Rule = Rule {
    code: "C007",
    name: "three-public-basic-exceeds",
    kind: "cross_table_mismatch",
    severity: Severity::Error,
    summary: "a \"三公\" line of 表6 基本支出 exceeds the 表7 \"三公\" amount it is part of",
    doc: "## What it checks\n表6's 公务接待费 (30217), 公务用车运行维护费 (30231), 因公出国(境)费用 (30212) and \
          公务用车购置 (31013) lines — found by code and name, or by name when the code differs — are the \
          基本支出 part of 表7's 公务接待费, 公务用车运行费, 因公出国(境)费 and 公务用车购置费. 表6 more than \
          表7 is an error; 表6 less than 表7 is reported as info only (the rest may be project \
          spending).\n\n## Why it matters\nA part cannot exceed its whole: the \"三公\" table would \
          understate the money spent.\n\n## Example\n表6 row 30217 公务接待费 2.46 but 表7 公务接待费 1.46 → \
          C007.",
};

pub const FUNDING_TOTAL: Rule = Rule {
    code: "C008",
    name: "funding-total-mismatch",
    kind: "sum_mismatch",
    severity: Severity::Error,
    summary: "in 表11's funding summary, a group's 合计 does not equal the sum of its lines",
    doc: "## What it checks\nIn the 部门总体资金情况 block of 表11 整体支出绩效目标表, each group (收入构成, \
          支出构成) has a 合计 line equal to the sum of its lines, in every amount column (当年金额 and the \
          prior-year columns).\n\n## Why it matters\nThe funding summary is the department's own account of \
          its money; a total that does not add up was mis-keyed.\n\n## Example\n收入构成 合计 2025年 \
          2,549.05 over lines summing to 2,539.05 → C008.",
};

pub const FUNDING_RESTATED: Rule = Rule {
    code: "C009",
    name: "funding-restated-mismatch",
    kind: "cross_table_mismatch",
    severity: Severity::Error,
    summary: "表11's 收入 合计 当年金额 differs from 表1's 本年收入合计",
    doc: "## What it checks\nThe current-year total income of 表11's funding summary (收入构成 合计, 当年金额) \
          equals 表1's 本年收入合计 (or its 收入总计, for forms that include the carry-over).\n\n## Why it \
          matters\n表11 restates the budget the tables publish; a different total means the form was filled \
          from other figures.\n\n## Example\n表11 收入构成 合计 4,345.95 but 表1 本年收入合计 4,335.95 → C009.",
};

pub const FUNDING_CATEGORY: Rule = Rule {
    code: "C010",
    name: "funding-category-mismatch",
    kind: "cross_table_mismatch",
    severity: Severity::Warning,
    summary: "表11's 人员类 / 运转类 / 特定目标类 spending differs from 表5's 人员经费 / 公用经费 / 项目支出",
    doc: "## What it checks\nIn 表11's 支出构成, 人员类项目支出 = 表5 total 人员经费, 运转类项目支出 = 公用经费, \
          特定目标类项目支出 = 项目支出 (当年金额). When the department also has money other than this year's \
          一般公共预算 (表1's 本年收入合计 or 上年结转结余 says so), 特定目标类 is compared with 表3's 项目支出 and 人员类 + 运转类 with \
          表3's 基本支出. A 运转类/特定目标类 split that differs while their sum agrees is reported as info: \
          some provinces count recurring projects (其他运转类) as 运转类.\n\n## Why it matters\nThe categories \
          are the budget's 基本支出/项目支出 split under other names; a difference means the form and the \
          tables disagree. A warning, because the category conventions vary.\n\n## Example\n表11 \
          人员类项目支出 2,344.64 but 表5-1 人员经费 2,334.64 → C010.",
};

pub const FUNDING_SHARE: Rule = Rule {
    code: "C011",
    name: "funding-share-mismatch",
    kind: "percentage_mismatch",
    severity: Severity::Warning,
    summary: "a 占比 of 表11's funding summary is not its 当年金额 ÷ the group's 合计",
    doc: "## What it checks\nEach 占比 in 表11's funding summary equals the line's 当年金额 divided by its \
          group's 合计, rounded to the printed precision (allowing for the amounts' own rounding). When the \
          printed shares add up to exactly 100% while the correctly rounded ones do not, the message says \
          the difference looks like a sum-to-100 adjustment; it is still reported, because the printed \
          share is not the share of the printed amounts.\n\n## Why it matters\nReaders quote shares; a \
          share that does not follow from the amounts is wrong or was forced to add up.\n\n## Example\n\
          人员类项目支出 2,334.64 of 4,335.95 printed as 53.9% (53.84% → 53.8%) → C011.",
};

pub const PROJECT_BUDGET_LINES: Rule = Rule {
    code: "C012",
    name: "project-budget-lines-mismatch",
    kind: "sum_mismatch",
    severity: Severity::Error,
    summary: "a 表12 project's 项目支出明细测算 lines do not add up to its 项目当年预算",
    doc: "## What it checks\nIn each 项目支出绩效目标表 (表12-n), the amounts of the 项目支出明细测算 lines add up \
          to the 项目当年预算 field (or to 项目总预算, when the lines cost the whole project).\n\n## Why it \
          matters\nThe 测算 justifies the requested amount; lines that do not reach it leave money \
          unexplained.\n\n## Example\n项目当年预算 30 万元 over lines of 21 + 3 + 3 + 4 万元 → C012.",
};

pub const PROJECT_SOURCES: Rule = Rule {
    code: "C013",
    name: "project-sources-mismatch",
    kind: "sum_mismatch",
    severity: Severity::Error,
    summary: "a 表12 project's 资金来源 合计 differs from its 项目当年预算 or from its numbered sources",
    doc: "## What it checks\nIn each 表12-n, the 项目当年资金来源 合计 equals the 项目当年预算 field, and the \
          numbered source lines (1. 一般公共预算财政拨款, 2. …) add up to that 合计 (the `其中` lines under \
          them are not counted).\n\n## Why it matters\nThe sources must fund exactly the budget \
          requested.\n\n## Example\n资金来源 合计 31 万元 but 项目当年预算 30 万元 → C013.",
};

pub const PROCUREMENT_EXCEEDS: Rule = Rule {
    code: "C014",
    name: "procurement-exceeds-budget",
    kind: "cross_table_mismatch",
    severity: Severity::Error,
    summary: "a 表12 project's 项目采购 amounts add up to more than its 项目当年预算",
    doc: "## What it checks\nIn each 表12-n, the sum of the 项目采购 amounts is at most the 项目当年预算 field \
          (within rounding).\n\n## Why it matters\nA project cannot buy more than it is budgeted; the \
          procurement plan or the budget is wrong.\n\n## Example\n项目当年预算 910.02 万元 but procurement \
          lines summing to 1,010.02 万元 → C014.",
};

pub const PROJECT_BUDGET: Rule = Rule {
    code: "C015",
    name: "project-budget-mismatch",
    kind: "cross_table_mismatch",
    severity: Severity::Error,
    summary: "a project's current-year budget in 表11 or 表12 differs from its 表10 row",
    doc: "## What it checks\nEach 表12-n project's 项目当年预算, and each project of 表11's 项目支出情况 list \
          (项目本年度预算), equals the 合计 of the 表10 项目支出表 row of that project — matched by name \
          (`names::same_project`, else a unique similarity ≥ 0.8). The 表10 row and its restatements are \
          compared together: when the others agree, the odd one out is reported. A project with no 表10 \
          row is left to the completeness rules.\n\n## Why it matters\nThe performance forms must describe the projects \
          actually budgeted, with their amounts.\n\n## Example\n表12-1 产业促进经费 项目当年预算 31 万元 but 表10 \
          row 产业促进经费 合计 30.00 → C015.",
};

pub static RULES: &[&Rule] = &[
    &SUMMARY_TOTAL,
    &FUNCTION_CLASS,
    &GPB_APPROPRIATION,
    &GPB_SPLIT,
    &BASIC_EXPENDITURE,
    &PROJECT_EXPENDITURE,
    &THREE_PUBLIC_BASIC,
    &FUNDING_TOTAL,
    &FUNDING_RESTATED,
    &FUNDING_CATEGORY,
    &FUNDING_SHARE,
    &PROJECT_BUDGET_LINES,
    &PROJECT_SOURCES,
    &PROCUREMENT_EXCEEDS,
    &PROJECT_BUDGET,
];

// Grammar names of the tables (file stems in `grammars/`).
const T1: &str = "income_expenditure_summary";
const T2: &str = "income_summary";
const T3: &str = "expenditure_summary";
const T4: &str = "fiscal_appropriation_summary";
const T5_FUNCTION: &str = "gpb_expenditure_by_function";
const T5_UNIT: &str = "gpb_expenditure_by_unit";
const T6: &str = "gpb_basic_expenditure";
const T7: &str = "three_public";
const T8: &str = "gov_fund_expenditure";
const T9: &str = "state_capital_expenditure";
const T10: &str = "project_expenditure";
const T11: &str = "overall_performance";
const T12: &str = "project_performance";

// Column paths, as the grammars define them.
const TOTAL: &str = "合计";
const T2_CURRENT: &str = "本年收入/小计";
const T2_SOURCE_PREFIX: &str = "本年收入/";
const T2_CARRYOVER: &str = "上年结转结余";
const BASIC: &str = "基本支出";
const BASIC_SUBTOTAL: &str = "基本支出/小计";
const BASIC_PERSONNEL: &str = "基本支出/人员经费";
const BASIC_PUBLIC: &str = "基本支出/公用经费";
const PROJECT: &str = "项目支出";
const T6_PERSONNEL: &str = "人员经费";
const T6_PUBLIC: &str = "公用经费";
const T10_GPB: &str = "本年拨款/一般公共预算";
const T10_GPB_CARRYOVER: &str = "财政拨款结转结余/一般公共预算";

/// 表6 "三公" lines (name list, code list) and the 表7 column each is part of.
const THREE_PUBLIC: &[(&str, &str, &str)] = &[
    (
        "three_public_abroad",
        "three_public_abroad_code",
        "因公出国(境)费",
    ),
    (
        "three_public_vehicle_buy",
        "three_public_vehicle_buy_code",
        "公务用车购置及运行费/公务用车购置费",
    ),
    (
        "three_public_vehicle_run",
        "three_public_vehicle_run_code",
        "公务用车购置及运行费/公务用车运行费",
    ),
    (
        "three_public_reception",
        "three_public_reception_code",
        "公务接待费",
    ),
];

/// Runs this family's checks.
pub fn check(cx: &mut Cx<'_>) {
    summary_totals(cx);
    function_classes(cx);
    gpb_appropriation(cx);
    gpb_split(cx);
    basic_expenditure(cx);
    project_expenditure(cx);
    three_public(cx);
    funding(cx);
    project_forms(cx);
}

// ---------------------------------------------------------------------------------------------
// Figures and how they are compared
// ---------------------------------------------------------------------------------------------

/// One printed figure, with how messages name it and where it is.
#[derive(Debug, Clone)]
struct Fig {
    label: String,
    value: Decimal,
    unit: Option<String>,
    loc: Location,
}

/// Why a figure is not available.
enum Miss {
    /// Its table is not in the document: the identity stays silent.
    Absent,
    /// Its table is there but the row, column or cell is missing or unreadable: say so (`V001`).
    Unread(String, Location),
}

type Got = Result<Fig, Miss>;

/// Amounts beyond this are not read as money (no budget comes near it), which keeps every sum,
/// difference and unit conversion of this module far from `Decimal`'s limits.
fn in_range(v: Decimal) -> bool {
    v.abs() <= Decimal::from(1_000_000_000_000_000_i64)
}

/// A figure, or why not when its value is out of range.
fn fig(label: String, value: Decimal, unit: Option<String>, loc: Location) -> Got {
    if in_range(value) {
        Ok(Fig {
            label,
            value,
            unit,
            loc,
        })
    } else {
        Err(Miss::Unread(
            format!("{label} {value} is out of range"),
            loc,
        ))
    }
}

/// The unit to compare figures in: theirs when they agree, else the coarsest (its rounding governs).
fn common_unit<'f>(figs: impl IntoIterator<Item = &'f Fig>) -> Option<String> {
    let mut best: Option<(Decimal, &str)> = None;
    for f in figs {
        if let Some(u) = f.unit.as_deref()
            && let Some(k) = unit_factor(u)
            && best.is_none_or(|(b, _)| k > b)
        {
            best = Some((k, u));
        }
    }
    best.map(|(_, u)| u.to_owned())
}

fn in_unit(f: &Fig, unit: Option<&str>) -> Decimal {
    match (
        f.unit.as_deref().and_then(unit_factor),
        unit.and_then(unit_factor),
    ) {
        (Some(from), Some(to)) if from != to => f
            .value
            .checked_mul(from)
            .and_then(|v| v.checked_div(to))
            .unwrap_or(f.value),
        _ => f.value,
    }
}

/// Records that an identity could not be checked (info: the missing piece is reported elsewhere).
fn skip(cx: &mut Cx<'_>, what: &str, why: &str, location: Location) {
    cx.emit_with(
        &CHECK_SKIPPED,
        Severity::Info,
        format!("{what} could not be checked: {why}"),
        location,
        None,
        None,
    );
}

/// All the figures of one identity; None when one is absent (silent) or unreadable (said once).
fn gather(cx: &mut Cx<'_>, what: &str, gots: Vec<Got>) -> Option<Vec<Fig>> {
    if gots.iter().any(|g| matches!(g, Err(Miss::Absent))) {
        return None;
    }
    let mut figs = Vec::with_capacity(gots.len());
    for g in gots {
        match g {
            Ok(f) => figs.push(f),
            Err(Miss::Unread(why, loc)) => {
                skip(cx, what, &why, loc);
                return None;
            }
            Err(Miss::Absent) => return None,
        }
    }
    Some(figs)
}

/// True when a figure's line fails its own table's arithmetic (an `A` finding on the same line, on
/// the same side of a two-sided table).
fn suspicious(cx: &Cx<'_>, loc: &Location) -> bool {
    if loc.line == 0 || loc.table.is_none() {
        return false;
    }
    let two_sided =
        cx.d.tables
            .iter()
            .find(|t| Some(&t.id) == loc.table.as_ref())
            .is_some_and(|t| t.layout == "two_sided");
    let side = |c: &Option<String>| {
        c.as_deref()
            .and_then(|c| c.split('/').next().map(str::to_owned))
    };
    cx.out.iter().any(|a| {
        a.rule.starts_with('A')
            && a.location.table == loc.table
            && a.location.line == loc.line
            && (!two_sided || side(&a.location.column) == side(&loc.column))
    })
}

/// Where a mismatch between `actual` and its `parts` points (see the module docs).
fn blame(cx: &Cx<'_>, actual: &Fig, parts: &[Fig]) -> Location {
    if !suspicious(cx, &actual.loc) {
        let suspects: Vec<&Fig> = parts.iter().filter(|f| suspicious(cx, &f.loc)).collect();
        if let [one] = suspects.as_slice() {
            return one.loc.clone();
        }
    }
    actual.loc.clone()
}

/// Compares `actual` with Σ `parts` under the rounding policy, reporting a mismatch under `rule`
/// with `severity`.
fn check_sum(
    cx: &mut Cx<'_>,
    rule: &Rule,
    severity: Severity,
    what: &str,
    actual: &Fig,
    parts: &[Fig],
    location: Option<Location>,
) -> Outcome {
    let unit = common_unit(std::iter::once(actual).chain(parts));
    let expected: Decimal = parts.iter().map(|f| in_unit(f, unit.as_deref())).sum();
    let addends = parts.iter().filter(|f| !f.value.is_zero()).count().max(1);
    let location = location.unwrap_or_else(|| blame(cx, actual, parts));
    let before = cx.out.len();
    let outcome = cx.compare(
        rule,
        Sum {
            what: what.to_owned(),
            expected,
            actual: in_unit(actual, unit.as_deref()),
            addends,
            unit: unit.as_deref(),
            location,
        },
    );
    if severity != rule.severity {
        for a in cx.out.iter_mut().skip(before) {
            if a.rule == rule.code {
                a.severity = severity.as_str();
            }
        }
    }
    outcome
}

/// `actual` = Σ `parts`, each read from a table: silent when a table is absent.
fn identity(cx: &mut Cx<'_>, rule: &Rule, what: &str, actual: Got, parts: Vec<Got>) {
    let mut all = vec![actual];
    all.extend(parts);
    let Some(mut figs) = gather(cx, what, all) else {
        return;
    };
    let actual = figs.remove(0);
    check_sum(cx, rule, rule.severity, what, &actual, &figs, None);
}

/// Figures that all restate one amount. Absent ones drop out; an unreadable one is said (once)
/// and the others are still compared. When most agree, each one that does not is reported against
/// them; otherwise each is reported against the first (the reference).
fn agree(cx: &mut Cx<'_>, rule: &Rule, what: &str, gots: Vec<Got>) {
    let mut figs = Vec::new();
    let mut said = false;
    for g in gots {
        match g {
            Ok(f) => figs.push(f),
            Err(Miss::Absent) => {}
            Err(Miss::Unread(why, loc)) => {
                if !said {
                    skip(cx, what, &why, loc);
                    said = true;
                }
            }
        }
    }
    if figs.len() < 2 {
        return;
    }
    let unit = common_unit(&figs);
    let allowance = cx.cfg.tolerance.allowance(1, unit.as_deref());
    let vals: Vec<Decimal> = figs.iter().map(|f| in_unit(f, unit.as_deref())).collect();
    let support = |x: Decimal| vals.iter().filter(|v| (**v - x).abs() <= allowance).count();
    let supports: Vec<usize> = vals.iter().map(|v| support(*v)).collect();
    let mut best = 0;
    let mut most = 0;
    for (i, n) in supports.iter().enumerate() {
        if *n > most {
            (best, most) = (i, *n);
        }
    }
    let majority = most * 2 > figs.len();
    let reference = if majority { best } else { 0 };
    let Some(r) = figs.get(reference).cloned() else {
        return;
    };
    for (i, f) in figs.iter().enumerate() {
        if i == reference {
            continue;
        }
        let what = format!("{} = {}", f.label, r.label);
        // The odd one out of a majority is the finding's place; a pair is blamed as usual.
        let location = majority.then(|| f.loc.clone());
        check_sum(
            cx,
            rule,
            rule.severity,
            &what,
            f,
            std::slice::from_ref(&r),
            location,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Reading figures from tables
// ---------------------------------------------------------------------------------------------

/// A vocabulary list of `document.layout`, folded (when the grammar was loaded).
fn words<'a>(cx: &Cx<'a>, list: &str) -> &'a [String] {
    let grammars = cx.grammars;
    grammars.document().folded_vocab(list)
}

fn named(words: &[String], name: Option<&str>) -> bool {
    name.is_some_and(|n| {
        let f = fold_cow(n);
        words.iter().any(|w| *w == f)
    })
}

/// The first word of a list, for messages.
fn first(words: &[String], fallback: &str) -> String {
    words
        .first()
        .cloned()
        .unwrap_or_else(|| fallback.to_owned())
}

fn table_location(t: &Table) -> Location {
    Location {
        line: t.loc.line,
        page: t.loc.page,
        table: Some(t.id.clone()),
        ..Location::default()
    }
}

fn form_location(t: &Table, loc: Loc, row: &str, column: Option<&str>) -> Location {
    Location {
        line: loc.line,
        page: loc.page,
        table: Some(t.id.clone()),
        row: Some(row.to_owned()),
        column: column.map(str::to_owned),
    }
}

fn unit_of(cx: &Cx<'_>, t: &Table) -> Option<String> {
    cx.unit_of(t).map(str::to_owned)
}

/// A table printed empty with its note (`本单位没有…`): every amount in it is zero.
fn empty_with_note(t: &Table) -> bool {
    t.empty && t.note.is_some()
}

/// A row's cell as a figure; a blank cell reads as zero.
fn cell(cx: &Cx<'_>, t: &Table, row: &Row, col: &str, label: String) -> Got {
    if !t.columns.iter().any(|c| c == col) {
        return Err(Miss::Unread(
            format!("{} has no column {col}", t.id),
            table_location(t),
        ));
    }
    if unreadable(t, row, col) {
        return Err(Miss::Unread(
            format!(
                "{} row {} column {col} was unreadable",
                t.id,
                row_label(row)
            ),
            cell_location(t, row, Some(col)),
        ));
    }
    fig(
        label,
        value(t, row, col).unwrap_or(Decimal::ZERO),
        unit_of(cx, t),
        cell_location(t, row, Some(col)),
    )
}

/// A column of a grid table's total row (zero for a table printed empty with its note).
fn total_cell(cx: &Cx<'_>, t: Option<&Table>, col: &str) -> Got {
    let Some(t) = t else {
        return Err(Miss::Absent);
    };
    let label = format!("{} total {col}", t.id);
    if empty_with_note(t) {
        return Ok(Fig {
            label: format!("{} (empty) {col}", t.id),
            value: Decimal::ZERO,
            unit: unit_of(cx, t),
            loc: table_location(t),
        });
    }
    let Some(row) = total_row(t, cx.grammars.document()) else {
        return Err(Miss::Unread(
            format!("{} has no total row", t.id),
            table_location(t),
        ));
    };
    cell(cx, t, row, col, label)
}

fn has_column(t: &Table, col: &str) -> bool {
    t.columns.iter().any(|c| c == col)
}

/// The two sides of a two-sided table, as its grammar names them.
fn sides_of(cx: &Cx<'_>, t: &Table) -> Option<(String, String)> {
    let g = cx.grammars.of(t)?;
    match g.sides.as_slice() {
        [a, b] => Some((a.clone(), b.clone())),
        _ => None,
    }
}

/// Side 0 (收入) or 1 (支出) of a two-sided table.
fn side_name(cx: &Cx<'_>, t: &Table, side: usize) -> Option<String> {
    sides_of(cx, t).map(|(a, b)| if side == 0 { a } else { b })
}

fn side_column<'t>(t: &'t Table, side: &str) -> Option<&'t str> {
    t.columns
        .iter()
        .find(|c| c.split('/').next() == Some(side))
        .map(String::as_str)
}

/// The line of one side of a two-sided table named by a vocabulary list.
fn side_fig(cx: &Cx<'_>, t: Option<&Table>, side: usize, list: &str) -> Got {
    let Some(t) = t else {
        return Err(Miss::Absent);
    };
    let names = words(cx, list);
    let Some(side) = side_name(cx, t, side) else {
        return Err(Miss::Unread(
            format!("{} has no sides", t.id),
            table_location(t),
        ));
    };
    let what = first(names, list);
    let Some(col) = side_column(t, &side) else {
        return Err(Miss::Unread(
            format!("{} has no {side} column", t.id),
            table_location(t),
        ));
    };
    let on_side = |names: &[String]| {
        t.rows
            .iter()
            .find(|r| r.side.as_deref() == Some(side.as_str()) && named(names, r.name.as_deref()))
    };
    let Some(row) = on_side(names).or_else(|| current_as_grand_total(cx, t, &side, list)) else {
        return Err(Miss::Unread(
            format!("{} has no {side} line {what}", t.id),
            table_location(t),
        ));
    };
    let label = format!("{} {side} {}", t.id, row.name.as_deref().unwrap_or(&what));
    cell(cx, t, row, col, label)
}

/// Word lists that name a current-year total line.
const CURRENT_TOTALS: &[&str] = &[
    "income_current_total",
    "expenditure_current_total",
    "appropriation_expenditure_head",
];

/// A side without carry-over lines (the Shanghai 财务收支预算总表 prints none) has no separate 本年
/// total: its grand total (`收入总计`) is the current year's.
fn current_as_grand_total<'t>(
    cx: &Cx<'_>,
    t: &'t Table,
    side: &str,
    list: &str,
) -> Option<&'t Row> {
    if !CURRENT_TOTALS.contains(&list) {
        return None;
    }
    let carryover = words(cx, "carryover_line");
    let grand = words(cx, "grand_total");
    let rows = || t.rows.iter().filter(|r| r.side.as_deref() == Some(side));
    let has_carryover = rows().any(|r| {
        r.name
            .as_deref()
            .is_some_and(|n| carryover.iter().any(|w| fold(n).contains(w.as_str())))
    });
    if has_carryover {
        return None;
    }
    rows().find(|r| named(grand, r.name.as_deref()))
}

fn bracketed(row: &Row) -> bool {
    row.ordinal
        .as_deref()
        .is_some_and(|o| o.starts_with('（') || o.starts_with('('))
}

/// In an outlined two-sided table (表4), the bracketed line named by `list` under the head line
/// named by `head` (`一、本年收入` → `（一）一般公共预算拨款`).
fn outline_fig(cx: &Cx<'_>, t: Option<&Table>, side: usize, head: &str, list: &str) -> Got {
    let Some(t) = t else {
        return Err(Miss::Absent);
    };
    let heads = words(cx, head);
    let names = words(cx, list);
    let (Some(side), true) = (side_name(cx, t, side), !heads.is_empty()) else {
        return Err(Miss::Unread(
            format!("{} has no sides", t.id),
            table_location(t),
        ));
    };
    let Some(col) = side_column(t, &side) else {
        return Err(Miss::Unread(
            format!("{} has no {side} column", t.id),
            table_location(t),
        ));
    };
    let rows: Vec<&Row> = t
        .rows
        .iter()
        .filter(|r| r.side.as_deref() == Some(side.as_str()))
        .collect();
    let head_word = first(heads, head);
    let line_word = first(names, list);
    let outlined = rows.iter().any(|r| bracketed(r));
    let is_named = |r: &&&Row| named(names, r.name.as_deref());
    let found = match rows.iter().position(|r| named(heads, r.name.as_deref())) {
        Some(at) if outlined => rows
            .iter()
            .skip(at + 1)
            .take_while(|r| bracketed(r))
            .find(is_named),
        // Without bracketed sub-lines (决算): the numbered lines right after the head, or, for a
        // total printed after its lines (`本年收入合计`), right before it.
        Some(at) => {
            let after = rows[at + 1..].iter().take_while(|r| r.ordinal.is_some());
            let before = rows[..at].iter().rev().take_while(|r| r.ordinal.is_some());
            match after.clone().next() {
                Some(_) => after.clone().find(is_named),
                None => before.clone().find(is_named),
            }
        }
        // No head at all (Shanghai: `一、一般公共预算资金` at the top level): the line of that name.
        None if !outlined => rows.iter().find(is_named),
        None => {
            return Err(Miss::Unread(
                format!("{} has no {side} line {head_word}", t.id),
                table_location(t),
            ));
        }
    };
    let Some(row) = found else {
        return Err(Miss::Unread(
            format!("{} has no {side} line {line_word} under {head_word}", t.id),
            table_location(t),
        ));
    };
    let label = format!(
        "{} {side} {head_word}/{}",
        t.id,
        row.name.as_deref().unwrap_or(&line_word)
    );
    cell(cx, t, row, col, label)
}

/// 表5: by function, else by unit.
fn table5<'a>(cx: &Cx<'a>) -> Option<&'a Table> {
    cx.table(T5_FUNCTION).or_else(|| cx.table(T5_UNIT))
}

// ---------------------------------------------------------------------------------------------
// C001: 表1 totals restated in 表2 and 表3
// ---------------------------------------------------------------------------------------------

fn summary_totals(cx: &mut Cx<'_>) {
    let Some(t1) = cx.table(T1) else {
        return;
    };
    let current = side_fig(cx, Some(t1), 0, "income_current_total");
    if let Some(t2) = cx.table(T2) {
        let l1 = label_of(&current, &t1.id, "本年收入合计");
        if has_column(t2, T2_CURRENT) {
            let got = total_cell(cx, Some(t2), T2_CURRENT);
            let what = format!("{} total {T2_CURRENT} = {l1}", t2.id);
            identity(cx, &SUMMARY_TOTAL, &what, got, vec![clone_got(&current)]);
        }
        if has_column(t2, T2_CARRYOVER) {
            let grand = side_fig(cx, Some(t1), 0, "income_grand_total");
            let what = format!(
                "{} total {TOTAL} = {}",
                t2.id,
                label_of(&grand, &t1.id, "收入总计")
            );
            let got = total_cell(cx, Some(t2), TOTAL);
            identity(cx, &SUMMARY_TOTAL, &what, got, vec![grand]);
            let carry = side_fig(cx, Some(t1), 0, "income_carryover");
            let what = format!(
                "{} total {T2_CARRYOVER} = {}",
                t2.id,
                label_of(&carry, &t1.id, "上年结转结余")
            );
            let got = total_cell(cx, Some(t2), T2_CARRYOVER);
            identity(cx, &SUMMARY_TOTAL, &what, got, vec![carry]);
        } else {
            let what = format!("{} total {TOTAL} = {l1}", t2.id);
            let got = total_cell(cx, Some(t2), TOTAL);
            identity(cx, &SUMMARY_TOTAL, &what, got, vec![clone_got(&current)]);
        }
        income_sources(cx, t1, t2);
    }
    if let Some(t3) = cx.table(T3) {
        let spent = side_fig(cx, Some(t1), 1, "expenditure_current_total");
        let what = format!(
            "{} total {TOTAL} = {}",
            t3.id,
            label_of(&spent, &t1.id, "本年支出合计")
        );
        let got = total_cell(cx, Some(t3), TOTAL);
        identity(cx, &SUMMARY_TOTAL, &what, got, vec![spent]);
    }
}

fn clone_got(g: &Got) -> Got {
    match g {
        Ok(f) => Ok(f.clone()),
        Err(Miss::Absent) => Err(Miss::Absent),
        Err(Miss::Unread(w, l)) => Err(Miss::Unread(w.clone(), l.clone())),
    }
}

fn label_of(g: &Got, table: &str, fallback: &str) -> String {
    match g {
        Ok(f) => f.label.clone(),
        Err(_) => format!("{table} {fallback}"),
    }
}

/// 表2's total of each income source = 表1's income line of that source (`一般公共预算` ↔
/// `一般公共预算拨款收入`): the line whose name starts with the column's name, when exactly one does.
fn income_sources(cx: &mut Cx<'_>, t1: &Table, t2: &Table) {
    let Some(income) = side_name(cx, t1, 0) else {
        return;
    };
    let Some(col1) = side_column(t1, &income) else {
        return;
    };
    for col in &t2.columns {
        let Some(source) = col.strip_prefix(T2_SOURCE_PREFIX) else {
            continue;
        };
        if col == T2_CURRENT {
            continue;
        }
        let key = fold(source);
        let lines: Vec<&Row> = t1
            .rows
            .iter()
            .filter(|r| {
                r.side.as_deref() == Some(income.as_str())
                    && r.name.as_deref().is_some_and(|n| fold(n).starts_with(&key))
            })
            .collect();
        let [line] = lines.as_slice() else {
            continue;
        };
        let label = format!(
            "{} {income} {}",
            t1.id,
            line.name.as_deref().unwrap_or(source)
        );
        let l1 = cell(cx, t1, line, col1, label.clone());
        let what = format!("{} total {col} = {label}", t2.id);
        let got = total_cell(cx, Some(t2), col);
        identity(cx, &SUMMARY_TOTAL, &what, got, vec![l1]);
    }
}

// ---------------------------------------------------------------------------------------------
// C002: 功能类 lines of 表1 / 表4 against the 类 rows of 表3 / 表5-1 + 表8 + 表9
// ---------------------------------------------------------------------------------------------

/// A class name for matching: folded, without the generic suffix (`科学技术支出` → `科学技术`).
fn class_key(name: &str, suffixes: &[String]) -> String {
    strip_class_suffix(fold(name), suffixes)
}

/// [`class_key`] of a name already folded.
fn strip_class_suffix(f: String, suffixes: &[String]) -> String {
    for s in suffixes {
        if let Some(k) = f.strip_suffix(s.as_str())
            && !k.is_empty()
        {
            return k.to_owned();
        }
    }
    f
}

/// Class names (keyed) → 类 code, from the `function_class:NNN` lists (read pre-folded: folding is
/// idempotent, so a folded word keys as the word does).
fn class_vocab(doc: &Grammar, suffixes: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (list, names) in &doc.folded_vocab {
        if let Some(code) = list.strip_prefix("function_class:") {
            for n in names {
                out.entry(strip_class_suffix(n.clone(), suffixes))
                    .or_insert_with(|| code.to_owned());
            }
        }
    }
    out
}

/// The 类 rows (three-digit codes without parent) of the detail tables, by code.
struct Class {
    name: String,
    figs: Vec<Fig>,
}

fn function_classes(cx: &mut Cx<'_>) {
    if let (Some(t1), Some(t3)) = (cx.table(T1), cx.table(T3)) {
        class_lines(cx, t1, &[t3]);
    }
    if let (Some(t4), Some(t5)) = (cx.table(T4), cx.table(T5_FUNCTION)) {
        // 表4 is all 财政拨款: its classes are 表5's plus 表8's and 表9's.
        let mut details = vec![t5];
        for (g, fund) in [
            (T8, "appropriation_gov_fund"),
            (T9, "appropriation_state_capital"),
        ] {
            match cx.table(g) {
                Some(t) => details.push(t),
                None if fund_is_zero(cx, t4, fund) => {}
                None => return,
            }
        }
        class_lines(cx, t4, &details);
    }
}

/// True when 表4 shows no money of a fund on its 收入 side (so an absent fund table is zero).
fn fund_is_zero(cx: &Cx<'_>, t4: &Table, list: &str) -> bool {
    let names = words(cx, list);
    let Some(income) = side_name(cx, t4, 0) else {
        return false;
    };
    let Some(col) = side_column(t4, &income) else {
        return false;
    };
    t4.rows
        .iter()
        .filter(|r| r.side.as_deref() == Some(income.as_str()) && named(names, r.name.as_deref()))
        .all(|r| !unreadable(t4, r, col) && value(t4, r, col).is_none_or(|v| v.is_zero()))
}

fn class_lines(cx: &mut Cx<'_>, summary: &Table, details: &[&Table]) {
    let suffixes = words(cx, "function_class_suffix");
    let vocab = class_vocab(cx.grammars.document(), suffixes);
    let detail_ids: Vec<&str> = details.iter().map(|t| t.id.as_str()).collect();
    let detail_desc = detail_ids.join(" + ");
    let what_all = format!("{} 功能类 lines = {detail_desc} 类 rows", summary.id);
    // The detail tables' 类 rows; a table that prints no 类 row for a class contributes its
    // top-level rows under that class (款 or 项 rows without a parent).
    let mut classes: BTreeMap<String, Class> = BTreeMap::new();
    let mut class_names: BTreeMap<String, String> = BTreeMap::new();
    for t in details {
        // A row whose code could not be read belongs to a class we cannot tell.
        let total = total_row(t, cx.grammars.document());
        if let Some(r) = t
            .rows
            .iter()
            .find(|r| r.code.is_none() && !total.is_some_and(|x| std::ptr::eq(x, *r)))
        {
            skip(
                cx,
                &what_all,
                &format!("{} row {} has no readable code", t.id, row_label(r)),
                cell_location(t, r, None),
            );
            return;
        }
        for row in t.rows.iter().filter(|r| r.parent.is_none()) {
            let Some(code) = row.code.as_deref() else {
                continue;
            };
            let Some(class) = code.get(..3).filter(|_| code.len() >= 3) else {
                continue;
            };
            let name = row.name.clone().unwrap_or_default();
            if code.len() == 3 {
                class_names.insert(class_key(&name, suffixes), class.to_owned());
            }
            let label = format!("{} row {code} ({name}) {TOTAL}", t.id);
            match cell(cx, t, row, TOTAL, label) {
                Ok(f) => classes
                    .entry(class.to_owned())
                    .or_insert_with(|| Class {
                        name: name.clone(),
                        figs: Vec::new(),
                    })
                    .figs
                    .push(f),
                Err(Miss::Unread(why, loc)) => {
                    skip(cx, &what_all, &why, loc);
                    return;
                }
                Err(Miss::Absent) => return,
            }
        }
    }
    let by_detail_name = class_names;
    // The summary's class lines.
    let Some(side) = side_name(cx, summary, 1) else {
        return;
    };
    let Some(col) = side_column(summary, &side) else {
        return;
    };
    let not_classes: Vec<String> = [
        "expenditure_current_total",
        "appropriation_expenditure_head",
        "total_row",
    ]
    .iter()
    .flat_map(|l| words(cx, l).iter().cloned())
    .collect();
    let mut lines: BTreeMap<String, Fig> = BTreeMap::new();
    let mut unresolved: Vec<Fig> = Vec::new();
    for row in summary
        .rows
        .iter()
        .filter(|r| r.side.as_deref() == Some(side.as_str()))
    {
        let Some(name) = row.name.as_deref() else {
            continue;
        };
        let key = class_key(name, suffixes);
        let code = vocab.get(&key).or_else(|| by_detail_name.get(&key));
        let label = format!("{} {side} {name}", summary.id);
        match (code, cell(cx, summary, row, col, label)) {
            (_, Err(Miss::Unread(why, loc))) => {
                skip(cx, &what_all, &why, loc);
                return;
            }
            (_, Err(Miss::Absent)) => return,
            (Some(code), Ok(f)) => {
                lines.entry(code.clone()).or_insert(f);
            }
            (None, Ok(f)) => {
                if row.ordinal.is_some() && !named(&not_classes, Some(name)) {
                    unresolved.push(f);
                }
            }
        }
    }
    if lines.is_empty() {
        if classes
            .values()
            .flat_map(|c| &c.figs)
            .any(|f| !f.value.is_zero())
        {
            skip(
                cx,
                &what_all,
                &format!("no {side} line of {} names a 功能类", summary.id),
                table_location(summary),
            );
        }
        return;
    }
    let codes: BTreeSet<String> = lines.keys().chain(classes.keys()).cloned().collect();
    for code in codes {
        match (lines.get(&code), classes.get(&code)) {
            (Some(line), Some(class)) => {
                let what = format!(
                    "{} = {}",
                    line.label,
                    class
                        .figs
                        .iter()
                        .map(|f| f.label.as_str())
                        .collect::<Vec<_>>()
                        .join(" + ")
                );
                check_sum(
                    cx,
                    &FUNCTION_CLASS,
                    FUNCTION_CLASS.severity,
                    &what,
                    line,
                    &class.figs,
                    None,
                );
            }
            (Some(line), None) => {
                if line.value.is_zero() {
                    continue;
                }
                let what = format!("{} = {detail_desc} row {code} (not printed)", line.label);
                check_sum(
                    cx,
                    &FUNCTION_CLASS,
                    FUNCTION_CLASS.severity,
                    &what,
                    line,
                    &[],
                    None,
                );
            }
            (None, Some(class)) => {
                let Some(first_fig) = class.figs.first() else {
                    continue;
                };
                let unit = common_unit(&class.figs);
                let total: Decimal = class.figs.iter().map(|f| in_unit(f, unit.as_deref())).sum();
                if total.is_zero() {
                    continue;
                }
                // A line of the same amount under a name we do not know is this class, renamed.
                if let Some(i) = unresolved.iter().position(|f| {
                    let u = common_unit([f, first_fig]);
                    in_unit(f, u.as_deref()) == total
                }) {
                    unresolved.remove(i);
                    continue;
                }
                let absent = Fig {
                    label: format!(
                        "{} {side} line for {code} {} (not printed)",
                        summary.id, class.name
                    ),
                    value: Decimal::ZERO,
                    unit: unit_of(cx, summary),
                    loc: first_fig.loc.clone(),
                };
                let what = format!(
                    "{} = {}",
                    absent.label,
                    class
                        .figs
                        .iter()
                        .map(|f| f.label.as_str())
                        .collect::<Vec<_>>()
                        .join(" + ")
                );
                check_sum(
                    cx,
                    &FUNCTION_CLASS,
                    FUNCTION_CLASS.severity,
                    &what,
                    &absent,
                    &class.figs,
                    Some(first_fig.loc.clone()),
                );
            }
            (None, None) => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// C003: the 一般公共预算 appropriation (表1, 表4, 表5) and 表4 本年支出 = 表5 + 表8 + 表9
// ---------------------------------------------------------------------------------------------

/// The column of a fund table that holds its spending: `合计`, or in 决算 editions that also print
/// carry-overs and income, `本年支出/小计` (the `spending_total_column` word list).
fn spending_column<'a>(cx: &Cx<'a>, t: &Table) -> &'a str {
    cx.grammars
        .document()
        .vocab("spending_total_column")
        .iter()
        .find(|c| has_column(t, c))
        .map_or(TOTAL, String::as_str)
}

fn gpb_appropriation(cx: &mut Cx<'_>) {
    let t1 = cx.table(T1);
    let t4 = cx.table(T4);
    let t5 = table5(cx);
    let g1 = side_fig(cx, t1, 0, "appropriation_gpb");
    let g4 = outline_fig(cx, t4, 0, "appropriation_current_head", "appropriation_gpb");
    let mut g5 = total_cell(cx, t5, TOTAL);
    // 表5 may include the carried-over 一般公共预算 money: then it is consistent with 本年 + 结转.
    let carry = match t4 {
        Some(_) => outline_fig(
            cx,
            t4,
            0,
            "appropriation_carryover_head",
            "appropriation_gpb",
        )
        .ok(),
        None => side_fig(cx, t1, 0, "income_carryover").ok(),
    };
    if let (Some(c), Ok(five)) = (&carry, &g5)
        && !c.value.is_zero()
    {
        let current = g4.as_ref().or(g1.as_ref()).ok();
        if let Some(cur) = current {
            let unit = common_unit([cur, c, five]);
            let with = in_unit(cur, unit.as_deref()) + in_unit(c, unit.as_deref());
            let allowance = cx.cfg.tolerance.allowance(2, unit.as_deref());
            if (in_unit(five, unit.as_deref()) - with).abs() <= allowance {
                g5 = Err(Miss::Absent);
            }
        }
    }
    // In final accounts (决算) 表5 is the year's actual spending, not the appropriation.
    let final_words = words(cx, "kind_final");
    if named(final_words, cx.d.document.kind.as_deref()) {
        g5 = Err(Miss::Absent);
    }
    let what = "一般公共预算 appropriation (表1 = 表4 = 表5)";
    agree(cx, &GPB_APPROPRIATION, what, vec![g1, g4, g5]);

    // 表4 本年支出 = 表5 + 表8 + 表9.
    let Some(t4) = t4 else {
        return;
    };
    let spent = side_fig(cx, Some(t4), 1, "appropriation_expenditure_head");
    let mut parts = vec![total_cell(cx, t5, TOTAL)];
    for (g, fund) in [
        (T8, "appropriation_gov_fund"),
        (T9, "appropriation_state_capital"),
    ] {
        match cx.table(g) {
            Some(t) => parts.push(total_cell(cx, Some(t), spending_column(cx, t))),
            None if fund_is_zero(cx, t4, fund) => {}
            None => return,
        }
    }
    let labels: Vec<String> = parts
        .iter()
        .map(|p| match p {
            Ok(f) => f.label.clone(),
            Err(_) => "?".into(),
        })
        .collect();
    let what = format!(
        "{} = {}",
        label_of(&spent, &t4.id, "本年支出"),
        labels.join(" + ")
    );
    identity(cx, &GPB_APPROPRIATION, &what, spent, parts);
}

// ---------------------------------------------------------------------------------------------
// C004: 表5-1 total = 表5-2 total; C005: 表5 基本支出 = 表6 total; C006: 项目支出 = 表10 total
// ---------------------------------------------------------------------------------------------

fn gpb_split(cx: &mut Cx<'_>) {
    let (Some(a), Some(b)) = (cx.table(T5_FUNCTION), cx.table(T5_UNIT)) else {
        return;
    };
    if a.id == b.id {
        return;
    }
    for col in a.columns.iter().filter(|c| has_column(b, c)) {
        let what = format!("{} total {col} = {} total {col}", b.id, a.id);
        let got = total_cell(cx, Some(b), col);
        let reference = total_cell(cx, Some(a), col);
        identity(cx, &GPB_SPLIT, &what, got, vec![reference]);
    }
}

fn basic_expenditure(cx: &mut Cx<'_>) {
    let (Some(t5), Some(t6)) = (table5(cx), cx.table(T6)) else {
        return;
    };
    let basic5 = if has_column(t5, BASIC_SUBTOTAL) {
        BASIC_SUBTOTAL
    } else {
        BASIC
    };
    for (c5, c6) in [
        (basic5, TOTAL),
        (BASIC_PERSONNEL, T6_PERSONNEL),
        (BASIC_PUBLIC, T6_PUBLIC),
    ] {
        if !has_column(t5, c5) || !has_column(t6, c6) {
            continue;
        }
        let what = format!("{} total {c6} = {} total {c5}", t6.id, t5.id);
        let got = total_cell(cx, Some(t6), c6);
        let reference = total_cell(cx, Some(t5), c5);
        identity(cx, &BASIC_EXPENDITURE, &what, got, vec![reference]);
    }
}

fn project_expenditure(cx: &mut Cx<'_>) {
    let Some(t10) = cx.table(T10) else {
        return;
    };
    if t10.rows.is_empty() {
        return;
    }
    if let Some(t5) = table5(cx) {
        let what = format!("{} total {T10_GPB} = {} total {PROJECT}", t10.id, t5.id);
        let got = total_cell(cx, Some(t10), T10_GPB);
        let reference = total_cell(cx, Some(t5), PROJECT);
        // 表5 may include carried-over 一般公共预算 project money (表10 prints it apart).
        let carry = if has_column(t10, T10_GPB_CARRYOVER) {
            total_cell(cx, Some(t10), T10_GPB_CARRYOVER).ok()
        } else {
            None
        };
        let consistent_with_carry = match (&got, &reference, &carry) {
            (Ok(g), Ok(r), Some(c)) if !c.value.is_zero() => {
                let unit = common_unit([g, r, c]);
                let allowance = cx.cfg.tolerance.allowance(2, unit.as_deref());
                let with = in_unit(g, unit.as_deref()) + in_unit(c, unit.as_deref());
                (in_unit(r, unit.as_deref()) - with).abs() <= allowance
            }
            _ => false,
        };
        if !consistent_with_carry {
            identity(cx, &PROJECT_EXPENDITURE, &what, got, vec![reference]);
        }
    }
    if let Some(t3) = cx.table(T3) {
        let what = format!("{} total {TOTAL} = {} total {PROJECT}", t10.id, t3.id);
        let got = total_cell(cx, Some(t10), TOTAL);
        let reference = total_cell(cx, Some(t3), PROJECT);
        identity(cx, &PROJECT_EXPENDITURE, &what, got, vec![reference]);
    }
}

// ---------------------------------------------------------------------------------------------
// C007: 表6 "三公" lines ≤ 表7
// ---------------------------------------------------------------------------------------------

fn three_public(cx: &mut Cx<'_>) {
    let (Some(t6), Some(t7)) = (cx.table(T6), cx.table(T7)) else {
        return;
    };
    for (names, codes, col7) in THREE_PUBLIC {
        let names = words(cx, names);
        let codes = words(cx, codes);
        if names.is_empty() || !has_column(t7, col7) {
            continue;
        }
        let what = format!("{} {} ≤ {} {col7}", t6.id, first(names, ""), t7.id);
        // 表7's amount: its single (total) row.
        let seven = if empty_with_note(t7) {
            Ok(Fig {
                label: format!("{} (empty) {col7}", t7.id),
                value: Decimal::ZERO,
                unit: unit_of(cx, t7),
                loc: table_location(t7),
            })
        } else {
            match total_row(t7, cx.grammars.document()).or_else(|| t7.rows.first()) {
                Some(row) => cell(cx, t7, row, col7, format!("{} {col7}", t7.id)),
                None => Err(Miss::Unread(
                    format!("{} has no rows", t7.id),
                    table_location(t7),
                )),
            }
        };
        // 表6's line: by code and name, else by name; none printed is zero.
        let row = t6
            .rows
            .iter()
            .find(|r| {
                r.code
                    .as_deref()
                    .is_some_and(|c| codes.iter().any(|k| k == c))
                    && named(names, r.name.as_deref())
            })
            .or_else(|| t6.rows.iter().find(|r| named(names, r.name.as_deref())));
        let six = match row {
            Some(r) => {
                let label = format!(
                    "{} row {} ({}) {TOTAL}",
                    t6.id,
                    row_label(r),
                    r.name.as_deref().unwrap_or_default()
                );
                cell(cx, t6, r, TOTAL, label)
            }
            None if t6.rows.is_empty() && !empty_with_note(t6) => Err(Miss::Unread(
                format!("{} has no rows", t6.id),
                table_location(t6),
            )),
            None => Ok(Fig {
                label: format!("{} (no {} line)", t6.id, first(names, "")),
                value: Decimal::ZERO,
                unit: unit_of(cx, t6),
                loc: table_location(t6),
            }),
        };
        let Some(figs) = gather(cx, &what, vec![six, seven]) else {
            continue;
        };
        let [six, seven] = figs.as_slice() else {
            continue;
        };
        let unit = common_unit([six, seven]);
        let (v6, v7) = (
            in_unit(six, unit.as_deref()),
            in_unit(seven, unit.as_deref()),
        );
        let allowance = cx.cfg.tolerance.allowance(1, unit.as_deref());
        let u = unit.as_deref().unwrap_or("");
        if v6 > v7 + allowance {
            let location = blame(cx, six, std::slice::from_ref(seven));
            cx.emit(
                &THREE_PUBLIC_BASIC,
                format!(
                    "{} {v6} exceeds {} {v7} by {}{u}: the \"三公\" money of 基本支出 is part of the \"三公\" total",
                    six.label,
                    seven.label,
                    v6 - v7
                ),
                location,
                Some(v7),
                Some(v6),
            );
        } else if v6 > v7 {
            cx.compare(
                &THREE_PUBLIC_BASIC,
                Sum {
                    what,
                    expected: v7,
                    actual: v6,
                    addends: 1,
                    unit: unit.as_deref(),
                    location: six.loc.clone(),
                },
            );
        } else if v7 > v6 + allowance {
            cx.emit_with(
                &THREE_PUBLIC_BASIC,
                Severity::Info,
                format!(
                    "{} {v7} exceeds {} {v6} by {}{u}: the rest is presumably spent from 项目支出",
                    seven.label,
                    six.label,
                    v7 - v6
                ),
                seven.loc.clone(),
                Some(v6.to_string()),
                Some(v7.to_string()),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// C008–C011: 表11's funding summary
// ---------------------------------------------------------------------------------------------

/// A Quantity as an amount: Ok(None) for a blank or a dash, Err for text that is not a number.
fn quantity(q: &Quantity) -> Result<Option<Decimal>, ()> {
    match q.value.as_deref() {
        Some(v) => Decimal::from_str(v).map(Some).map_err(|_| ()),
        None if q
            .raw
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '-' | '—' | '–' | '/' | '－')) =>
        {
            Ok(None)
        }
        None => Err(()),
    }
}

struct Group<'p> {
    name: String,
    total: Option<&'p FundingLine>,
    lines: Vec<&'p FundingLine>,
}

fn groups<'p>(cx: &Cx<'_>, perf: &'p Performance) -> Vec<Group<'p>> {
    let totals = words(cx, "total_row");
    let mut out: Vec<Group<'p>> = Vec::new();
    for line in &perf.funding {
        let Some(g) = line.group.as_deref() else {
            continue;
        };
        let at = match out.iter().position(|x| x.name == g) {
            Some(i) => i,
            None => {
                out.push(Group {
                    name: g.to_owned(),
                    total: None,
                    lines: Vec::new(),
                });
                out.len() - 1
            }
        };
        let Some(group) = out.get_mut(at) else {
            continue;
        };
        if totals.contains(&fold(&line.name)) {
            group.total.get_or_insert(line);
        } else {
            group.lines.push(line);
        }
    }
    out
}

/// The columns of a group: (amount columns, share columns), in key order.
fn funding_columns(cx: &Cx<'_>, g: &Group<'_>) -> (Vec<String>, Vec<String>) {
    let shares = words(cx, "funding_share");
    let mut keys: BTreeSet<&str> = BTreeSet::new();
    for l in g.total.iter().chain(&g.lines) {
        keys.extend(l.values.keys().map(String::as_str));
    }
    let is_share = |k: &str| {
        shares.contains(&fold(k))
            || g.total
                .iter()
                .chain(&g.lines)
                .filter_map(|l| l.values.get(k))
                .any(|q| matches!(q.unit.as_deref(), Some("%" | "％")))
    };
    let (s, a): (Vec<&str>, Vec<&str>) = keys.into_iter().partition(|k| is_share(k));
    (
        a.into_iter().map(str::to_owned).collect(),
        s.into_iter().map(str::to_owned).collect(),
    )
}

fn funding_fig(
    cx: &Cx<'_>,
    t: &Table,
    group: &str,
    line: &FundingLine,
    col: &str,
) -> Result<Option<Fig>, Miss> {
    let loc = form_location(t, line.loc, &line.name, Some(col));
    let Some(q) = line.values.get(col) else {
        return Ok(None);
    };
    match quantity(q) {
        Ok(None) => Ok(None),
        Ok(Some(v)) => fig(
            format!("{} {group} {} {col}", t.id, line.name),
            v,
            q.unit.clone().or_else(|| unit_of(cx, t)),
            loc,
        )
        .map(Some),
        Err(()) => Err(Miss::Unread(
            format!(
                "{} {group} {} {col} `{}` is not an amount",
                t.id, line.name, q.raw
            ),
            loc,
        )),
    }
}

/// A funding line's amount, blank as zero.
fn funding_amount(cx: &Cx<'_>, t: &Table, group: &str, line: &FundingLine, col: &str) -> Got {
    funding_fig(cx, t, group, line, col).map(|f| {
        f.unwrap_or_else(|| Fig {
            label: format!("{} {group} {} {col}", t.id, line.name),
            value: Decimal::ZERO,
            unit: unit_of(cx, t),
            loc: form_location(t, line.loc, &line.name, Some(col)),
        })
    })
}

fn funding(cx: &mut Cx<'_>) {
    let Some(t) = cx.table(T11) else {
        return;
    };
    let Some(perf) = t.performance.as_ref() else {
        return;
    };
    let gs = groups(cx, perf);
    let amount_words = words(cx, "funding_amount");
    let income_words = words(cx, "funding_income_group");
    let spending_words = words(cx, "funding_expenditure_group");
    for g in &gs {
        let (amounts, shares) = funding_columns(cx, g);
        let current = amounts.iter().find(|c| amount_words.contains(&fold(c)));
        funding_totals(cx, t, g, &amounts);
        if let Some(cur) = current {
            for share in &shares {
                funding_shares(cx, t, g, cur, share);
            }
            if income_words.contains(&fold(&g.name)) {
                funding_income(cx, t, g, cur);
            }
            if spending_words.contains(&fold(&g.name)) {
                funding_categories(cx, t, g, cur);
            }
        }
    }
}

/// C008: each group's 合计 = Σ its lines, per amount column.
fn funding_totals(cx: &mut Cx<'_>, t: &Table, g: &Group<'_>, amounts: &[String]) {
    let Some(total) = g.total else {
        if !g.lines.is_empty() {
            skip(
                cx,
                &format!("{} {} 合计 = Σ lines", t.id, g.name),
                "the group has no 合计 line",
                form_location(t, g.lines.first().map_or(t.loc, |l| l.loc), &g.name, None),
            );
        }
        return;
    };
    if g.lines.is_empty() {
        return;
    }
    for col in amounts {
        let what = format!(
            "{} {} {} {col} = Σ {} lines",
            t.id,
            g.name,
            total.name,
            g.lines.len()
        );
        let mut gots = vec![funding_amount(cx, t, &g.name, total, col)];
        let mut any = matches!(funding_fig(cx, t, &g.name, total, col), Ok(Some(_)));
        for l in &g.lines {
            any |= matches!(funding_fig(cx, t, &g.name, l, col), Ok(Some(_)));
            gots.push(funding_amount(cx, t, &g.name, l, col));
        }
        if !any {
            continue;
        }
        let Some(mut figs) = gather(cx, &what, gots) else {
            continue;
        };
        let actual = figs.remove(0);
        let parts: Vec<Fig> = figs;
        let n = parts.len().max(1);
        let unit = common_unit(std::iter::once(&actual).chain(&parts));
        let expected: Decimal = parts.iter().map(|f| in_unit(f, unit.as_deref())).sum();
        cx.compare(
            &FUNDING_TOTAL,
            Sum {
                what,
                expected,
                actual: in_unit(&actual, unit.as_deref()),
                addends: n,
                unit: unit.as_deref(),
                location: actual.loc.clone(),
            },
        );
    }
}

/// C009: 收入 合计 当年金额 = 表1 本年收入合计 (or 收入总计).
fn funding_income(cx: &mut Cx<'_>, t: &Table, g: &Group<'_>, cur: &str) {
    let Some(total) = g.total else {
        return;
    };
    let t1 = cx.table(T1);
    let current = side_fig(cx, t1, 0, "income_current_total");
    let grand = side_fig(cx, t1, 0, "income_grand_total").ok();
    let got = funding_amount(cx, t, &g.name, total, cur);
    if let (Ok(f), Some(gr)) = (&got, &grand) {
        let unit = common_unit([f, gr]);
        let allowance = cx.cfg.tolerance.allowance(1, unit.as_deref());
        let equal_grand =
            (in_unit(f, unit.as_deref()) - in_unit(gr, unit.as_deref())).abs() <= allowance;
        let equal_current = current.as_ref().is_ok_and(|c| {
            (in_unit(f, unit.as_deref()) - in_unit(c, unit.as_deref())).abs() <= allowance
        });
        if equal_grand && !equal_current {
            return;
        }
    }
    let what = format!(
        "{} {} {} {cur} = {}",
        t.id,
        g.name,
        total.name,
        label_of(&current, "表1", "本年收入合计")
    );
    identity(cx, &FUNDING_RESTATED, &what, got, vec![current]);
}

/// C010: 人员类 / 运转类 / 特定目标类 = 表5 人员经费 / 公用经费 / 项目支出.
fn funding_categories(cx: &mut Cx<'_>, t: &Table, g: &Group<'_>, cur: &str) {
    let Some(t5) = table5(cx) else {
        return;
    };
    let find = |list: &str| {
        let names = words(cx, list);
        g.lines
            .iter()
            .copied()
            .find(|l| named(names, Some(&l.name)))
    };
    let found = (
        find("funding_personnel"),
        find("funding_operating"),
        find("funding_targeted"),
    );
    let (Some(personnel), Some(operating), Some(targeted)) = found else {
        // A form with other categories says nothing; one with some of them says what is missing.
        if found.0.is_some() || found.1.is_some() || found.2.is_some() {
            skip(
                cx,
                &format!("{} {} categories = {} totals", t.id, g.name, t5.id),
                "the group lacks one of 人员类, 运转类, 特定目标类",
                form_location(t, g.total.map_or(t.loc, |l| l.loc), &g.name, None),
            );
        }
        return;
    };
    let line = |cx: &Cx<'_>, l: &FundingLine| funding_amount(cx, t, &g.name, l, cur);
    let what = format!("{} {} categories = {} totals", t.id, g.name, t5.id);
    // Money other than this year's 一般公共预算 (表1 says so; without 表1, 表3's total differs from
    // 表5's): compare with 表3 (all funds) instead of 表5.
    let t1 = cx.table(T1);
    let t3 = cx.table(T3);
    let differ = |cx: &Cx<'_>, a: &Fig, b: &Fig| {
        let unit = common_unit([a, b]);
        (in_unit(a, unit.as_deref()) - in_unit(b, unit.as_deref())).abs()
            > cx.cfg.tolerance.allowance(1, unit.as_deref())
    };
    let income = (
        side_fig(cx, t1, 0, "income_current_total"),
        side_fig(cx, t1, 0, "appropriation_gpb"),
    );
    let all_funds = match income {
        (Ok(all), Ok(gpb)) => {
            differ(cx, &all, &gpb)
                || side_fig(cx, t1, 0, "income_carryover").is_ok_and(|c| !c.value.is_zero())
        }
        _ => match (total_cell(cx, t3, TOTAL), total_cell(cx, Some(t5), TOTAL)) {
            (Ok(a), Ok(b)) => differ(cx, &a, &b),
            _ => false,
        },
    };
    let gots = if all_funds {
        vec![
            line(cx, personnel),
            line(cx, operating),
            line(cx, targeted),
            total_cell(cx, t3, BASIC),
            total_cell(cx, t3, PROJECT),
        ]
    } else {
        vec![
            line(cx, personnel),
            line(cx, operating),
            line(cx, targeted),
            total_cell(cx, Some(t5), BASIC_PERSONNEL),
            total_cell(cx, Some(t5), BASIC_PUBLIC),
            total_cell(cx, Some(t5), PROJECT),
        ]
    };
    let Some(figs) = gather(cx, &what, gots) else {
        return;
    };
    let unit = common_unit(&figs);
    let v = |f: &Fig| in_unit(f, unit.as_deref());
    let allowance = cx.cfg.tolerance.allowance(1, unit.as_deref());
    let close = |a: Decimal, b: Decimal| (a - b).abs() <= allowance;
    match figs.as_slice() {
        [p, o, s, basic, project] => {
            // 人员类 + 运转类 = 表3 基本支出, 特定目标类 = 表3 项目支出.
            let po = Fig {
                label: format!("{} + {}", p.label, o.label),
                value: v(p) + v(o),
                unit: unit.clone(),
                loc: p.loc.clone(),
            };
            let reclassified =
                !close(v(s), v(project)) && close(po.value + v(s), v(basic) + v(project));
            if reclassified {
                reclassification(cx, &po, s, basic, project, unit.as_deref());
                return;
            }
            check_category(cx, &po, basic);
            check_category(cx, s, project);
        }
        [p, o, s, personnel5, public5, project5] => {
            let reclassified = (!close(v(o), v(public5)) || !close(v(s), v(project5)))
                && close(v(o) + v(s), v(public5) + v(project5))
                && close(v(p), v(personnel5));
            if reclassified {
                reclassification(cx, o, s, public5, project5, unit.as_deref());
                return;
            }
            check_category(cx, p, personnel5);
            check_category(cx, o, public5);
            check_category(cx, s, project5);
        }
        _ => {}
    }
}

fn check_category(cx: &mut Cx<'_>, line: &Fig, reference: &Fig) {
    let what = format!("{} = {}", line.label, reference.label);
    check_sum(
        cx,
        &FUNDING_CATEGORY,
        FUNDING_CATEGORY.severity,
        &what,
        line,
        std::slice::from_ref(reference),
        Some(line.loc.clone()),
    );
}

/// The 运转类/特定目标类 split differs from 公用经费/项目支出 while the sums agree: a convention.
fn reclassification(
    cx: &mut Cx<'_>,
    operating: &Fig,
    targeted: &Fig,
    public: &Fig,
    project: &Fig,
    unit: Option<&str>,
) {
    let v = |f: &Fig| in_unit(f, unit);
    cx.emit_with(
        &FUNDING_CATEGORY,
        Severity::Info,
        format!(
            "{} {} and {} {} split {} {} + {} {} differently (same sum {}): recurring projects may be counted as 运转类",
            operating.label,
            v(operating),
            targeted.label,
            v(targeted),
            public.label,
            v(public),
            project.label,
            v(project),
            v(operating) + v(targeted)
        ),
        operating.loc.clone(),
        Some(v(public).to_string()),
        Some(v(operating).to_string()),
    );
}

/// Decimal places of a canonical number.
fn places(v: &str) -> u32 {
    v.split_once('.')
        .map_or(0, |(_, f)| u32::try_from(f.len()).unwrap_or(u32::MAX))
}

/// C011: each 占比 = 当年金额 ÷ the group's 合计, at the printed precision.
fn funding_shares(cx: &mut Cx<'_>, t: &Table, g: &Group<'_>, cur: &str, share: &str) {
    let Some(total) = g.total else {
        return;
    };
    let Ok(Some(whole)) = funding_fig(cx, t, &g.name, total, cur) else {
        return;
    };
    if whole.value <= Decimal::ZERO {
        return;
    }
    let hundred = Decimal::ONE_HUNDRED;
    // Shares printed as fractions (合计 = 1) or as percentages (合计 = 100%).
    let total_share = total
        .values
        .get(share)
        .and_then(|q| quantity(q).ok().flatten());
    let scale = match (
        total_share,
        total.values.get(share).and_then(|q| q.unit.as_deref()),
    ) {
        (Some(s), None) if s == Decimal::ONE => Decimal::ONE,
        _ => hundred,
    };
    struct Share<'l> {
        line: &'l FundingLine,
        printed: Decimal,
        raw: String,
        exact: Decimal,
        rounded: Decimal,
        ok: bool,
        unit: Decimal,
    }
    let mut checked: Vec<Share<'_>> = Vec::new();
    for line in g.lines.iter().copied().chain(std::iter::once(total)) {
        let Some(q) = line.values.get(share) else {
            continue;
        };
        let Ok(Some(printed)) = quantity(q) else {
            continue;
        };
        if !in_range(printed) {
            continue;
        }
        let amount = match funding_fig(cx, t, &g.name, line, cur) {
            Ok(Some(f)) => f,
            Ok(None) => Fig {
                value: Decimal::ZERO,
                ..whole.clone()
            },
            Err(_) => continue,
        };
        // Precisions beyond any printed share are not checked (and would overflow a Decimal).
        let p = places(q.value.as_deref().unwrap_or_default());
        let (ap, wp) = (
            places(&amount.value.to_string()),
            places(&whole.value.to_string()),
        );
        if p > 10 || ap > 20 || wp > 20 {
            continue;
        }
        let step = Decimal::new(1, p);
        let round =
            |x: Decimal| x.round_dp_with_strategy(p, RoundingStrategy::MidpointAwayFromZero);
        let share_of = |a: Decimal, w: Decimal| a.checked_mul(scale).and_then(|x| x.checked_div(w));
        // The amounts are rounded too: half a unit of their last printed place either way.
        let a_half = Decimal::new(5, ap + 1);
        let w_half = Decimal::new(5, wp + 1);
        let Some(exact) = share_of(amount.value, whole.value) else {
            continue;
        };
        let (lo, hi) = if whole.value > w_half {
            (
                share_of(
                    (amount.value - a_half).max(Decimal::ZERO),
                    whole.value + w_half,
                ),
                share_of(amount.value + a_half, whole.value - w_half),
            )
        } else {
            (Some(exact), Some(exact))
        };
        let (Some(lo), Some(hi)) = (lo, hi) else {
            continue;
        };
        let ok = printed >= round(lo) && printed <= round(hi);
        checked.push(Share {
            line,
            printed,
            raw: q.raw.clone(),
            exact,
            rounded: round(exact),
            ok,
            unit: step,
        });
    }
    // Printed shares of the lines adding up to the whole while the correct ones do not: a forced
    // sum-to-100.
    let lines: Vec<&Share<'_>> = checked
        .iter()
        .filter(|s| !std::ptr::eq(s.line, total))
        .collect();
    let printed_sum: Decimal = lines.iter().map(|s| s.printed).sum();
    let rounded_sum: Decimal = lines.iter().map(|s| s.rounded).sum();
    let forced = printed_sum == scale && rounded_sum != scale;
    for s in checked.iter().filter(|s| !s.ok) {
        let pct = if scale == hundred { "%" } else { "" };
        let shown = s
            .exact
            .round_dp_with_strategy(s.unit.scale() + 2, RoundingStrategy::MidpointAwayFromZero);
        let amount = funding_fig(cx, t, &g.name, s.line, cur)
            .ok()
            .flatten()
            .map_or(Decimal::ZERO, |f| f.value);
        let note = if forced && (s.printed - s.rounded).abs() == s.unit {
            format!(
                "; the printed shares add up to {}{pct} and the correctly rounded ones do not, so this looks like a sum-to-100 adjustment",
                scale.normalize()
            )
        } else {
            String::new()
        };
        cx.emit_with(
            &FUNDING_SHARE,
            FUNDING_SHARE.severity,
            format!(
                "{} {} {} {share}: printed {}, but {amount} ÷ {} = {shown}{pct}, which rounds to {}{pct}{note}",
                t.id, g.name, s.line.name, s.raw, whole.value, s.rounded
            ),
            form_location(t, s.line.loc, &s.line.name, Some(share)),
            Some(format!("{}{pct}", s.rounded)),
            Some(s.raw.clone()),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// C012–C015: 表12-n project forms (and 表11's project list) against themselves and 表10
// ---------------------------------------------------------------------------------------------

/// Money units a form may print (longest first).
fn money_units(cx: &Cx<'_>, t: &Table) -> Vec<String> {
    let mut units: Vec<String> = cx
        .grammars
        .of(t)
        .map(|g| g.vocab("money_unit").to_vec())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| cx.grammars.document().vocab("money_unit").to_vec());
    units.sort_by_key(|u| std::cmp::Reverse(u.chars().count()));
    units
}

/// `30 万元` → (30, 万元); `910.02` → (910.02, none).
fn parse_money(s: &str, units: &[String]) -> Option<(Decimal, Option<String>)> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let (number, unit) = units
        .iter()
        .find_map(|u| s.strip_suffix(u.as_str()).map(|n| (n, Some(u.clone()))))
        .unwrap_or((s.as_str(), None));
    let canonical = canonical_amount(number)?;
    Some((Decimal::from_str(&canonical).ok()?, unit))
}

/// A money field of a form (`项目当年预算`), by a vocabulary list; Absent when the form has none.
fn money_field(cx: &Cx<'_>, t: &Table, perf: &Performance, list: &str) -> Got {
    let names = words(cx, list);
    let Some(field) = perf.fields.iter().find(|f| named(names, Some(&f.label))) else {
        return Err(Miss::Absent);
    };
    let loc = form_location(t, field.loc, &field.label, None);
    match parse_money(&field.value, &money_units(cx, t)) {
        Some((v, unit)) => fig(
            format!("{} {}", t.id, field.label),
            v,
            unit.or_else(|| unit_of(cx, t)),
            loc,
        ),
        None => Err(Miss::Unread(
            format!(
                "{} {} `{}` is not an amount",
                t.id, field.label, field.value
            ),
            loc,
        )),
    }
}

/// A form line's amount (budget line, procurement line, source); blank as zero.
fn form_amount(cx: &Cx<'_>, t: &Table, q: Option<&Quantity>, label: String, loc: Location) -> Got {
    let unit = |q: &Quantity| q.unit.clone().or_else(|| unit_of(cx, t));
    match q {
        None => Ok(Fig {
            label,
            value: Decimal::ZERO,
            unit: unit_of(cx, t),
            loc,
        }),
        Some(q) => match quantity(q) {
            Ok(v) => fig(label, v.unwrap_or(Decimal::ZERO), unit(q), loc),
            Err(()) => Err(Miss::Unread(
                format!("{label} `{}` is not an amount", q.raw),
                loc,
            )),
        },
    }
}

fn project_forms(cx: &mut Cx<'_>) {
    let forms: Vec<&Table> = cx.tables(T12).collect();
    for t in forms {
        let Some(perf) = t.performance.as_ref() else {
            continue;
        };
        budget_lines(cx, t, perf);
        sources(cx, t, perf);
        procurement(cx, t, perf);
    }
    project_budgets(cx);
}

/// Requires the 项目当年预算 field: None (after saying why, when it is unreadable or missing).
fn year_budget(cx: &mut Cx<'_>, t: &Table, perf: &Performance, what: &str) -> Option<Fig> {
    match money_field(cx, t, perf, "project_year_budget") {
        Ok(f) => Some(f),
        Err(Miss::Unread(why, loc)) => {
            skip(cx, what, &why, loc);
            None
        }
        Err(Miss::Absent) => {
            let field = first(words(cx, "project_year_budget"), "项目当年预算");
            skip(
                cx,
                what,
                &format!("{} has no {field} field", t.id),
                table_location(t),
            );
            None
        }
    }
}

/// C012: Σ 项目支出明细测算 = 项目当年预算 (or 项目总预算).
/// The amounts of the 项目支出明细测算 lines (a 合计 line printed inside the block is not one).
fn budget_line_amounts(cx: &Cx<'_>, t: &Table, perf: &Performance) -> Vec<Got> {
    let totals = words(cx, "total_row");
    perf.budget_lines
        .iter()
        .filter(|b| !totals.contains(&fold(&b.activity)))
        .map(|b| {
            form_amount(
                cx,
                t,
                b.amount.as_ref(),
                format!("{} {}", t.id, b.activity),
                form_location(t, b.loc, &b.activity, None),
            )
        })
        .collect()
}

fn budget_lines(cx: &mut Cx<'_>, t: &Table, perf: &Performance) {
    let gots = budget_line_amounts(cx, t, perf);
    if gots.is_empty() {
        return;
    }
    let what = format!(
        "{} 项目当年预算 = Σ {} 项目支出明细测算 lines",
        t.id,
        gots.len()
    );
    let Some(year) = year_budget(cx, t, perf, &what) else {
        return;
    };
    let Some(parts) = gather(cx, &what, gots) else {
        return;
    };
    // Lines that cost a multi-year project's whole budget (项目总预算 above this year's) are
    // consistent too.
    if let Ok(whole) = money_field(cx, t, perf, "project_total_budget") {
        let unit = common_unit(std::iter::once(&whole).chain(&parts).chain([&year]));
        let sum: Decimal = parts.iter().map(|f| in_unit(f, unit.as_deref())).sum();
        let allowance = cx.cfg.tolerance.allowance(parts.len(), unit.as_deref());
        let w = in_unit(&whole, unit.as_deref());
        let y = in_unit(&year, unit.as_deref());
        if w > y + allowance && (sum - w).abs() <= allowance {
            return;
        }
    }
    check_sum(
        cx,
        &PROJECT_BUDGET_LINES,
        PROJECT_BUDGET_LINES.severity,
        &what,
        &year,
        &parts,
        Some(year.loc.clone()),
    );
}

/// A line of 项目当年资金来源 numbered `1.` / `2、` (not the `其中` lines under them).
fn numbered(name: &str) -> bool {
    let mut chars = name.trim_start().chars().skip_while(char::is_ascii_digit);
    let digits = name
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    digits > 0 && chars.next().is_some_and(|c| matches!(c, '.' | '、' | '．'))
}

/// C013: 资金来源 合计 = 项目当年预算, and Σ numbered sources = 合计.
fn sources(cx: &mut Cx<'_>, t: &Table, perf: &Performance) {
    if perf.sources.is_empty() {
        return;
    }
    let totals = words(cx, "total_row");
    let amount = |cx: &Cx<'_>, l: &FundingLine| {
        // The one value column (`金额`): the first value present.
        let q = l.values.values().find(|q| !q.raw.trim().is_empty());
        form_amount(
            cx,
            t,
            q,
            format!("{} 资金来源 {}", t.id, l.name),
            form_location(t, l.loc, &l.name, None),
        )
    };
    let Some(total) = perf
        .sources
        .iter()
        .find(|l| totals.contains(&fold(&l.name)))
    else {
        skip(
            cx,
            &format!("{} 项目当年资金来源 合计", t.id),
            "the sources have no 合计 line",
            table_location(t),
        );
        return;
    };
    let what = format!("{} 资金来源 {} = 项目当年预算", t.id, total.name);
    if let Some(year) = year_budget(cx, t, perf, &what)
        && let Some(figs) = gather(cx, &what, vec![amount(cx, total)])
        && let [got] = figs.as_slice()
    {
        // When the 测算 lines add up to the sources' 合计, the budget field is the odd one out.
        let lines: Option<Vec<Fig>> = budget_line_amounts(cx, t, perf)
            .into_iter()
            .map(Result::ok)
            .collect();
        let location = lines.filter(|l| !l.is_empty()).and_then(|l| {
            let unit = common_unit(l.iter().chain([got]));
            let sum: Decimal = l.iter().map(|f| in_unit(f, unit.as_deref())).sum();
            let allowance = cx.cfg.tolerance.allowance(l.len(), unit.as_deref());
            ((sum - in_unit(got, unit.as_deref())).abs() <= allowance).then(|| year.loc.clone())
        });
        let location = location.unwrap_or_else(|| got.loc.clone());
        let rule = &PROJECT_SOURCES;
        check_sum(
            cx,
            rule,
            rule.severity,
            &what,
            got,
            std::slice::from_ref(&year),
            Some(location),
        );
    }
    let lines: Vec<&FundingLine> = perf.sources.iter().filter(|l| numbered(&l.name)).collect();
    if lines.is_empty() {
        return;
    }
    let what = format!(
        "{} 资金来源 {} = Σ {} numbered sources",
        t.id,
        total.name,
        lines.len()
    );
    let got = amount(cx, total);
    let parts: Vec<Got> = lines.iter().map(|l| amount(cx, l)).collect();
    identity(cx, &PROJECT_SOURCES, &what, got, parts);
}

/// C014: Σ 项目采购 ≤ 项目当年预算.
fn procurement(cx: &mut Cx<'_>, t: &Table, perf: &Performance) {
    let totals = words(cx, "total_row");
    let items: Vec<_> = perf
        .procurement
        .iter()
        .filter(|p| p.amount.is_some() && !totals.contains(&fold(&p.item)))
        .collect();
    if items.is_empty() {
        return;
    }
    let what = format!("{} Σ {} 项目采购 amounts ≤ 项目当年预算", t.id, items.len());
    let Some(year) = year_budget(cx, t, perf, &what) else {
        return;
    };
    let gots: Vec<Got> = items
        .iter()
        .map(|p| {
            form_amount(
                cx,
                t,
                p.amount.as_ref(),
                format!("{} {}", t.id, p.item),
                form_location(t, p.loc, &p.item, None),
            )
        })
        .collect();
    let Some(parts) = gather(cx, &what, gots) else {
        return;
    };
    let unit = common_unit(std::iter::once(&year).chain(&parts));
    let sum: Decimal = parts.iter().map(|f| in_unit(f, unit.as_deref())).sum();
    let y = in_unit(&year, unit.as_deref());
    let allowance = cx.cfg.tolerance.allowance(parts.len(), unit.as_deref());
    if sum > y + allowance {
        let u = unit.as_deref().unwrap_or("");
        cx.emit(
            &PROCUREMENT_EXCEEDS,
            format!(
                "{} Σ {} 项目采购 amounts {sum} exceed {} {y} by {}{u}",
                t.id,
                parts.len(),
                year.label,
                sum - y
            ),
            year.loc.clone(),
            Some(y),
            Some(sum),
        );
    }
}

/// The 表10 rows that are projects: those with a text attribute (项目单位); when the table prints
/// none, every named row but the total.
fn project_rows<'t>(cx: &Cx<'_>, t10: &'t Table) -> Vec<&'t Row> {
    let with_attrs: Vec<&Row> = t10.rows.iter().filter(|r| !r.attrs.is_empty()).collect();
    if !with_attrs.is_empty() {
        return with_attrs;
    }
    let total = total_row(t10, cx.grammars.document());
    t10.rows
        .iter()
        .filter(|r| r.name.is_some() && !total.is_some_and(|t| std::ptr::eq(t, *r)))
        .collect()
}

enum Match {
    One(usize),
    None,
    Ambiguous,
}

/// The 表10 row (an index into `rows`) of a project: the same name once reduced, else a unique
/// similarity ≥ 0.8.
fn match_project(rows: &[&Row], name: &str) -> Match {
    let exact: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.name.as_deref().is_some_and(|n| same_project(n, name)))
        .map(|(i, _)| i)
        .collect();
    match exact.as_slice() {
        [one] => return Match::One(*one),
        [] => {}
        _ => return Match::Ambiguous,
    }
    let mut best: Vec<(usize, f64)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let Some(n) = r.name.as_deref() else {
            continue;
        };
        let s = similarity(n, name);
        if s < 0.8 {
            continue;
        }
        match best.first() {
            Some((_, b)) if s < *b => {}
            Some((_, b)) if s > *b => best = vec![(i, s)],
            _ => best.push((i, s)),
        }
    }
    match best.as_slice() {
        [(one, _)] => Match::One(*one),
        [] => Match::None,
        _ => Match::Ambiguous,
    }
}

/// A project's current-year budget as a form restates it: its name, and the figure.
struct Restated {
    name: String,
    budget: Got,
}

/// 表12-n: 项目名称 (or the title, for forms that print no name field) and 项目当年预算.
fn form_restatement(cx: &Cx<'_>, t: &Table, perf: &Performance) -> Option<Restated> {
    let names = words(cx, "project_name_field");
    let name = perf
        .fields
        .iter()
        .find(|f| named(names, Some(&f.label)))
        .map(|f| f.value.trim().to_owned())
        .filter(|n| !n.is_empty())
        .or_else(|| {
            let title = fold(&t.title);
            cx.grammars
                .of(t)
                .and_then(|g| {
                    g.captions
                        .iter()
                        .map(|c| fold(c))
                        .find_map(|c| title.strip_suffix(c.as_str()).map(str::to_owned))
                })
                .filter(|n| !n.is_empty())
        })?;
    let budget = match money_field(cx, t, perf, "project_year_budget") {
        Err(Miss::Absent) => return None,
        Ok(mut f) => {
            f.label = format!("{} ({name})", f.label);
            Ok(f)
        }
        Err(e) => Err(e),
    };
    Some(Restated { name, budget })
}

/// C015: each project's current-year budget in 表12-n and in 表11's project list = its 表10 row's
/// 合计. The 表10 row and its restatements are compared together: when the others agree, the odd
/// one out is reported.
fn project_budgets(cx: &mut Cx<'_>) {
    let Some(t10) = cx.table(T10) else {
        return;
    };
    let rows = project_rows(cx, t10);
    if rows.is_empty() {
        return;
    }
    let mut all: Vec<Restated> = Vec::new();
    for t in cx.tables(T12) {
        if let Some(r) = t
            .performance
            .as_ref()
            .and_then(|p| form_restatement(cx, t, p))
        {
            all.push(r);
        }
    }
    if let Some(t11) = cx.table(T11)
        && let Some(perf) = t11.performance.as_ref()
    {
        for p in &perf.projects {
            let Some(q) = p.year_budget.as_ref() else {
                continue;
            };
            let loc = form_location(t11, p.loc, &p.name, None);
            let label = format!("{} project {} current-year budget", t11.id, p.name);
            all.push(Restated {
                name: p.name.clone(),
                budget: form_amount(cx, t11, Some(q), label, loc),
            });
        }
    }
    let mut by_row: BTreeMap<usize, Vec<Got>> = BTreeMap::new();
    for r in all {
        match match_project(&rows, &r.name) {
            Match::One(i) => by_row.entry(i).or_default().push(r.budget),
            Match::None => {}
            Match::Ambiguous => {
                let loc = match &r.budget {
                    Ok(f) => f.loc.clone(),
                    Err(_) => table_location(t10),
                };
                skip(
                    cx,
                    &format!("project {} = its {} row", r.name, t10.id),
                    &format!("several {} rows could be this project", t10.id),
                    loc,
                );
            }
        }
    }
    for (i, restated) in by_row {
        let Some(row) = rows.get(i) else {
            continue;
        };
        let name = row.name.as_deref().unwrap_or_default();
        let label = format!("{} row {name} {TOTAL}", t10.id);
        let what = format!("{label} = its restatements in the performance forms");
        let mut gots = vec![cell(cx, t10, row, TOTAL, label)];
        gots.extend(restated);
        agree(cx, &PROJECT_BUDGET, &what, gots);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn class_vocab_from_the_folded_lists_as_from_the_words() {
        use super::{class_key, class_vocab};
        let grammars = crate::grammar::GrammarSet::builtin().expect("grammars");
        let doc = grammars.document();
        let suffixes = doc.folded_vocab("function_class_suffix");
        let mut words = std::collections::BTreeMap::new();
        for (list, names) in &doc.vocab {
            if let Some(code) = list.strip_prefix("function_class:") {
                for n in names {
                    words
                        .entry(class_key(n, suffixes))
                        .or_insert_with(|| code.to_owned());
                }
            }
        }
        assert!(!words.is_empty());
        assert_eq!(class_vocab(doc, suffixes), words);
    }

    proptest::proptest! {
        #[test]
        fn folding_twice_is_folding_once(text in "[ a（）()“”＂‘’：:科学技术支出\t\u{3000}]{0,20}") {
            use crate::normalize::cells::fold;
            proptest::prop_assert_eq!(fold(&fold(&text)), fold(&text));
        }
    }

    use crate::model::{Anomaly, Dataset};
    use crate::validate::testkit::{findings, run, sample_lines, sample_with};
    use std::sync::LazyLock;

    static SAMPLE: LazyLock<Dataset> = LazyLock::new(|| sample_with(&[]));

    /// The sample with one substring replaced on each given line.
    fn edit(edits: &[(usize, &str, &str)]) -> Dataset {
        let lines = sample_lines();
        let owned: Vec<(usize, String)> = edits
            .iter()
            .map(|(n, from, to)| {
                let line = &lines[n - 1];
                assert!(line.contains(from), "line {n} has no `{from}`: {line}");
                (*n, line.replacen(from, to, 1))
            })
            .collect();
        let refs: Vec<(usize, &str)> = owned.iter().map(|(n, s)| (*n, s.as_str())).collect();
        sample_with(&refs)
    }

    /// Findings of `code` that the unedited sample does not have.
    fn new<'d>(d: &'d Dataset, code: &str) -> Vec<&'d Anomaly> {
        let base = findings(&SAMPLE, code);
        findings(d, code)
            .into_iter()
            .filter(|a| !base.contains(a))
            .collect()
    }

    fn at(f: &[&Anomaly]) -> Vec<(usize, &'static str)> {
        f.iter().map(|a| (a.location.line, a.severity)).collect()
    }

    #[test]
    fn sample_reports_only_the_adjusted_share() {
        let mine: Vec<&Anomaly> = SAMPLE
            .anomalies
            .iter()
            .filter(|a| a.rule.starts_with('C'))
            .collect();
        assert_eq!(mine.len(), 1, "{mine:#?}");
        let a = mine[0];
        assert_eq!(
            (a.rule, a.location.line, a.severity),
            ("C011", 402, "warning")
        );
        assert_eq!(a.kind, "percentage_mismatch");
        assert_eq!(
            (a.expected.as_deref(), a.actual.as_deref()),
            (Some("53.8%"), Some("53.9%"))
        );
        assert!(a.message.contains("sum-to-100"), "{}", a.message);
    }

    #[test]
    fn c001_summary_totals() {
        // 表1 本年收入合计 edited: 表1's own side sum breaks, so the finding points there.
        let d = edit(&[(118, "4,335.95", "4,300.00")]);
        let f = new(&d, "C001");
        assert_eq!(at(&f), vec![(118, "error")], "{f:#?}");
        assert_eq!(f[0].kind, "cross_table_mismatch");
        assert_eq!(
            (f[0].expected.as_deref(), f[0].actual.as_deref()),
            (Some("4300.00"), Some("4335.95"))
        );
        // 表3's total edited.
        let d = edit(&[(150, "4,335.95\t2,665.41", "4,345.95\t2,675.41")]);
        let f = new(&d, "C001");
        assert_eq!(at(&f), vec![(150, "error")], "{f:#?}");
        // One income source of 表2 against 表1's line.
        let d = edit(&[(93, "4,335.95", "4,000.00")]);
        let f = new(&d, "C001");
        assert!(
            f.iter()
                .all(|a| a.location.line == 134 || a.location.line == 93),
            "{f:#?}"
        );
        assert!(
            f.iter()
                .any(|a| a.message.contains("本年收入/一般公共预算")),
            "{f:#?}"
        );
    }

    #[test]
    fn c002_function_classes() {
        let d = edit(&[(97, "2,838.72", "2,848.72")]);
        let f = new(&d, "C002");
        assert_eq!(at(&f), vec![(97, "error")], "{f:#?}");
        // A class printed only in 表1.
        let line = sample_lines()[97].clone();
        let changed = format!("{}5.00", line.strip_suffix("0.00").unwrap_or(&line));
        let d = sample_with(&[(98, &changed)]);
        let f = new(&d, "C002");
        assert_eq!(at(&f), vec![(98, "error")], "{f:#?}");
        // 表4's class line against 表5-1.
        let d = edit(&[(193, "2,838.72", "2,800.00")]);
        let f = new(&d, "C002");
        assert_eq!(at(&f), vec![(193, "error")], "{f:#?}");
    }

    #[test]
    fn c002_accepts_an_earlier_class_name() {
        let d = edit(&[(100, "卫生健康支出", "医疗卫生与计划生育支出")]);
        assert!(new(&d, "C002").is_empty(), "{:#?}", new(&d, "C002"));
    }

    #[test]
    fn c003_gpb_appropriation() {
        // 表4 disagrees with 表1 and 表5-1, which agree: 表4 is the odd one out.
        let d = edit(&[(189, "4,335.95", "4,000.00")]);
        let f = new(&d, "C003");
        assert_eq!(at(&f), vec![(189, "error")], "{f:#?}");
        assert_eq!(f[0].expected.as_deref(), Some("4335.95"));
        // 表4 本年支出 ≠ 表5-1 + 表8 + 表9.
        let d = edit(&[(188, "一、本年支出\t4,335.95", "一、本年支出\t4,435.95")]);
        let f = new(&d, "C003");
        assert_eq!(at(&f), vec![(188, "error")], "{f:#?}");
    }

    #[test]
    fn c004_gpb_split() {
        let d = edit(&[(267, "4,335.95", "4,336.95")]);
        let f = new(&d, "C004");
        assert_eq!(at(&f), vec![(267, "error")], "{f:#?}");
        assert_eq!(f[0].location.column.as_deref(), Some("合计"));
    }

    #[test]
    fn c005_basic_expenditure() {
        let d = edit(&[(284, "2,665.41\t2,334.64", "2,675.41\t2,344.64")]);
        let f = new(&d, "C005");
        assert_eq!(at(&f), vec![(284, "error"), (284, "error")], "{f:#?}");
    }

    #[test]
    fn c006_project_expenditure() {
        let d = edit(&[(375, "1,670.54\t1,670.54", "1,680.54\t1,680.54")]);
        let f = new(&d, "C006");
        assert_eq!(at(&f), vec![(375, "error"), (375, "error")], "{f:#?}");
    }

    #[test]
    fn c007_three_public() {
        // 表6's 公务接待费 more than 表7's: an error.
        let d = edit(&[(305, "1.46\t0.00\t1.46", "2.46\t0.00\t2.46")]);
        let f = new(&d, "C007");
        assert_eq!(at(&f), vec![(305, "error")], "{f:#?}");
        // 表7's more than 表6's: the rest may be project money, info only.
        let d = edit(&[(
            331,
            "4.46\t0.00\t3.00\t0.00\t3.00\t1.46",
            "5.46\t0.00\t3.00\t0.00\t3.00\t2.46",
        )]);
        let f = new(&d, "C007");
        assert_eq!(at(&f), vec![(331, "info")], "{f:#?}");
    }

    #[test]
    fn c008_funding_total() {
        let d = edit(&[(401, "2539.05", "2549.05")]);
        let f = new(&d, "C008");
        assert_eq!(at(&f), vec![(401, "error")], "{f:#?}");
        assert_eq!(f[0].location.column.as_deref(), Some("2025年"));
    }

    #[test]
    fn c009_funding_restated() {
        let d = edit(&[(398, "4335.95", "4345.95"), (401, "4335.95", "4345.95")]);
        assert!(new(&d, "C008").is_empty());
        let f = new(&d, "C009");
        assert_eq!(at(&f), vec![(401, "error")], "{f:#?}");
    }

    #[test]
    fn c010_funding_categories() {
        let d = edit(&[(402, "2334.64", "2344.64"), (403, "330.77", "320.77")]);
        let f = new(&d, "C010");
        assert_eq!(at(&f), vec![(402, "warning"), (403, "warning")], "{f:#?}");
        // 运转类/特定目标类 split differently with the same sum: a convention, info.
        let d = edit(&[(403, "330.77", "340.77"), (404, "1670.54", "1660.54")]);
        let f = new(&d, "C010");
        assert_eq!(at(&f), vec![(403, "info")], "{f:#?}");
    }

    #[test]
    fn c011_funding_share() {
        let d = edit(&[(403, "7.6%", "8.6%")]);
        let f = findings(&d, "C011");
        // 402 stays reported (no longer explained as a sum-to-100 adjustment: the shares add to 101%).
        assert_eq!(at(&f), vec![(402, "warning"), (403, "warning")], "{f:#?}");
        assert!(!f[0].message.contains("sum-to-100"));
        // Correctly rounded shares (adding up to 99.9%) are fine.
        let d = edit(&[(402, "53.9%", "53.8%")]);
        assert!(
            findings(&d, "C011").is_empty(),
            "{:#?}",
            findings(&d, "C011")
        );
    }

    #[test]
    fn c012_budget_lines() {
        let d = edit(&[(502, "20万元", "21万元")]);
        let f = new(&d, "C012");
        assert_eq!(at(&f), vec![(488, "error")], "{f:#?}");
        assert_eq!(f[0].kind, "sum_mismatch");
    }

    #[test]
    fn c013_sources() {
        let d = edit(&[(491, "30 万元", "31 万元")]);
        let f = new(&d, "C013");
        assert_eq!(at(&f), vec![(491, "error"), (491, "error")], "{f:#?}");
    }

    #[test]
    fn c014_procurement() {
        let d = edit(&[(591, "395.77万元", "495.77万元")]);
        let f = new(&d, "C014");
        assert_eq!(at(&f), vec![(566, "error")], "{f:#?}");
        assert!(new(&d, "C012").is_empty());
    }

    #[test]
    fn c015_project_budget() {
        let d = edit(&[(488, "项目当年预算\t30 万元", "项目当年预算\t31 万元")]);
        let f = new(&d, "C015");
        assert_eq!(at(&f), vec![(488, "error")], "{f:#?}");
        assert!(
            f[0].message.contains("表10 row 产业促进经费"),
            "{}",
            f[0].message
        );
        // 表11's project list.
        let d = edit(&[(410, "30 万元\t30 万元", "30 万元\t31 万元")]);
        let f = new(&d, "C015");
        assert_eq!(at(&f), vec![(410, "error")], "{f:#?}");
    }

    #[test]
    fn v001_when_a_needed_row_is_missing() {
        let d = edit(&[(118, "本年收入合计", "本年收入总额")]);
        let v: Vec<&Anomaly> = new(&d, "V001")
            .into_iter()
            .filter(|a| a.message.contains("表2 total 本年收入/小计"))
            .collect();
        assert_eq!(v.len(), 1, "{:#?}", new(&d, "V001"));
        assert_eq!(v[0].severity, "info");
        assert!(new(&d, "C001").is_empty());
    }

    #[test]
    fn extreme_amounts_do_not_panic() {
        let huge = "79,228,162,514,264,337,593,543,950,335";
        let tiny = "0.0000000000000000000000000001";
        let total = format!("\t合计\t{huge}\t{huge}\t{tiny}");
        let class = format!("206\t科学技术支出\t{huge}\t{tiny}\t{huge}");
        with_t3(&[&total, &class]);
        let line = format!("\t支出 构成\t人员类项目支出\t{huge}\t{tiny}%\t{tiny}\t{huge}");
        let total = format!("\t\t合 计\t{tiny}\t100%\t{huge}\t{tiny}");
        sample_with(&[
            (402, &line),
            (405, &total),
            (488, &format!("项目当年预算\t{huge} 万元")),
        ]);
    }

    const T1_YUAN: &[&str] = &[
        "某局 2026 年部门预算",
        "表 1",
        "收支总表",
        "单位：元",
        "收 入\t\t支 出\t",
        "项 目\t预算数\t项 目\t预算数",
        "一、一般公共预算拨款收入\t100,000.00\t一、科学技术支出\t60,000.00",
        "二、事业收入\t0.00\t二、住房保障支出\t40,000.00",
        "本年收入合计\t100,000.00\t本年支出合计\t100,000.00",
        "上年结转结余\t0.00\t年终结转结余\t0.00",
        "收 入 总 计\t100,000.00\t支 出 总 计\t100,000.00",
    ];

    fn with_t3(t3: &[&str]) -> Dataset {
        let mut lines = T1_YUAN.to_vec();
        lines.extend([
            "表 3",
            "支出总表",
            "单位：万元",
            "科目编码\t科目名称\t合计\t基本支出\t项目支出",
        ]);
        lines.extend(t3);
        run(&lines)
    }

    #[test]
    fn tables_in_different_units_and_absent_tables() {
        // 表1 in 元, 表3 in 万元: compared in 万元.
        let good = [
            "\t合计\t10.00\t6.00\t4.00",
            "206\t科学技术支出\t6.00\t6.00\t0.00",
            "221\t住房保障支出\t4.00\t0.00\t4.00",
        ];
        let d = with_t3(&good);
        let mine: Vec<&Anomaly> = d
            .anomalies
            .iter()
            .filter(|a| a.rule.starts_with('C'))
            .collect();
        assert!(mine.is_empty(), "{mine:#?}");
        let bad = [
            "\t合计\t11.00\t7.00\t4.00",
            "206\t科学技术支出\t7.00\t7.00\t0.00",
            "221\t住房保障支出\t4.00\t0.00\t4.00",
        ];
        let d = with_t3(&bad);
        assert_eq!(findings(&d, "C001").len(), 1, "{:#?}", d.anomalies);
        assert_eq!(findings(&d, "C002").len(), 1, "{:#?}", d.anomalies);
        // 表3 printing 款 rows without their 类 rows: the classes are the sums of its top rows.
        let no_classes = [
            "\t合计\t10.00\t6.00\t4.00",
            "20601\t科学技术管理事务\t6.00\t6.00\t0.00",
            "22102\t住房改革支出\t4.00\t0.00\t4.00",
        ];
        let d = with_t3(&no_classes);
        assert!(findings(&d, "C002").is_empty(), "{:#?}", d.anomalies);
        assert!(findings(&d, "V001").is_empty(), "{:#?}", d.anomalies);
        // Only 表1: every identity needs a table that is not there, so nothing is said.
        let d = run(T1_YUAN);
        assert!(
            d.anomalies
                .iter()
                .all(|a| !a.rule.starts_with('C') && a.rule != "V001"),
            "{:#?}",
            d.anomalies
        );
    }
}
