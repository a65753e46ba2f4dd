//! Golden tests for the real Shanghai Putuo disclosures in `tests/fixtures/realdocs/` (see its
//! `SOURCES.md`): each document's facts and tables as text, held as an insta snapshot.
//!
//! Every snapshot was checked by hand against an independent reading of the PDF
//! (`pdftotext -layout FILE -`, positions from `pdftotext -bbox` where the layout was ambiguous):
//! every table present, every row, every amount in its column, codes joined into 3/5/7-digit 功能
//! codes and 3/5-digit 经济 codes, sides right (收入/支出; 人员经费/公用经费 in the 决算 基本支出
//! table). What the snapshots hold that is known to be wrong or doubtful is listed at each test.
//!
//! The totals tests assert figures read from the pdftotext output by hand (not from cnbudget's
//! output), each with the page it comes from; the amounts are written as printed, thousands
//! separators included, and compared with the extracted value with the separators removed.

use crate::golden::tables_as_text;
use cnbudget::grammar::GrammarSet;
use cnbudget::model::{Dataset, Table};
use cnbudget::pipeline::process_file;
use std::path::Path;

fn realdoc(name: &str) -> Dataset {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/realdocs")
        .join(name);
    let grammars = GrammarSet::builtin().expect("built-in grammars load");
    process_file(&path, &grammars).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The document's facts, the department and unit of every table, the findings about reading
/// (unreadable cells, malformed codes, unrecognised tables, missing or empty tables), then the
/// tables row by row.
fn facts_and_tables(d: &Dataset) -> String {
    let doc = &d.document;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut out = format!(
        "kind={} scope={} year={} department={} unit={}\ntitle={}\n",
        opt(&doc.kind),
        opt(&doc.scope),
        doc.year
            .map(|y| y.to_string())
            .unwrap_or_else(|| "-".into()),
        opt(&doc.department),
        opt(&doc.unit),
        opt(&doc.title),
    );
    for t in &d.tables {
        out.push_str(&format!(
            "{} p{} [{}/{}] department={} unit={} rows={}{}\n",
            t.id,
            t.loc.page.unwrap_or(0),
            t.grammar,
            t.variant,
            opt(&t.department),
            opt(&t.unit),
            t.rows.len(),
            if t.empty { " empty" } else { "" },
        ));
    }
    for a in &d.anomalies {
        if a.rule.starts_with('X')
            || a.rule.starts_with('L')
            || a.rule == "K003"
            || a.rule == "K005"
        {
            out.push_str(&format!(
                "finding {} p{}:{} {}\n",
                a.rule,
                a.location.page.unwrap_or(0),
                a.location.line,
                a.message
            ));
        }
    }
    out.push('\n');
    out.push_str(&tables_as_text(d, true));
    out
}

const WANLI_2024: &str = "上海市普陀区人民政府万里街道办事处24年预算.pdf";
const WANLI_2025: &str = "上海市普陀区人民政府万里街道办事处25年预算.pdf";
const OFFICE_2025: &str = "上海市普陀区人民政府办公室25年预算.pdf";
const OFFICE_UNIT_2025: &str = "上海市普陀区人民政府办公室单位25年预算.pdf";
const COMMERCE_2025: &str = "上海市普陀区商务委员会25年预算.pdf";
const COMMERCE_UNIT_2025: &str = "上海市普陀区商务委员会单位25年预算.pdf";
const PLANNING_2024: &str = "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf";
const FINANCE_2024: &str = "上海市普陀区财政局2024年度部门决算.pdf";
const SOCIAL_WORK_2024: &str = "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf";
const FINANCE_2024_INJECTED: &str = "24年普陀区财政局（测试问题版本）.pdf";
const FINAL_TEMPLATE: &str = "附件2：部门决算模板.pdf";

macro_rules! golden {
    ($test:ident, $file:expr) => {
        #[test]
        fn $test() {
            let d = realdoc($file);
            insta::assert_snapshot!(stringify!($test), facts_and_tables(&d));
        }
    };
}

// Budgets: 表1–表8 in 元, 表9 三公 in 万元. Every table, row and amount checked; no defect found.
// (万里 2024 p31: the 三公 table prints amounts under a note saying the table is empty — the
// document's own contradiction, read as printed and reported as K008.)
golden!(wanli_2024_budget, WANLI_2024);
golden!(wanli_2025_budget, WANLI_2025);
golden!(office_2025_budget, OFFICE_2025);
golden!(office_unit_2025_budget, OFFICE_UNIT_2025);
golden!(commerce_2025_budget, COMMERCE_2025);
golden!(commerce_unit_2025_budget, COMMERCE_UNIT_2025);

// 决算, all in 万元. Every table, row and amount checked. A note runs to the table's end
// (`注：本表反映…` then `说明：…本年度没有…故本表无数据。`: social work p14 表7, p15 表8, p16 表9;
// planning p18 表8, p19 表9); a table of blank rows (表8, 表9: a 合计 row and nothing else) is empty.
golden!(planning_2024_final, PLANNING_2024);
golden!(finance_2024_final, FINANCE_2024);
golden!(social_work_2024_final, SOCIAL_WORK_2024);
golden!(finance_2024_final_injected, FINANCE_2024_INJECTED);
// The template's `…` placeholder lines (p6, p7, p10) stand for rows left out: no row, no finding.
golden!(final_template, FINAL_TEMPLATE);

/// Looks up one extracted amount: the table by id (its grammar checked), the row by side and
/// name (`None`: the unlabelled row), the column by its path.
struct Amounts<'a>(&'a Dataset);

impl Amounts<'_> {
    fn table(&self, id: &str, grammar: &str) -> &Table {
        let t = self
            .0
            .tables
            .iter()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("{id}: no such table"));
        assert_eq!(t.grammar, grammar, "{id}: grammar");
        t
    }

    fn get(
        &self,
        (id, grammar): (&str, &str),
        side: Option<&str>,
        row: Option<&str>,
        column: &str,
    ) -> Option<String> {
        let t = self.table(id, grammar);
        let col = t
            .columns
            .iter()
            .position(|c| c == column)
            .unwrap_or_else(|| panic!("{id}: no column {column} in {:?}", t.columns));
        let rows: Vec<_> = t
            .rows
            .iter()
            .filter(|r| r.side.as_deref() == side && r.name.as_deref() == row && r.code.is_none())
            .collect();
        assert_eq!(rows.len(), 1, "{id}: rows {side:?} {row:?}");
        rows[0].values[col].clone()
    }

    /// Asserts an amount as printed (`2,995.39`): the extracted value is the same digits.
    #[track_caller]
    fn is(
        &self,
        table: (&str, &str),
        side: Option<&str>,
        row: Option<&str>,
        column: &str,
        printed: &str,
    ) {
        let want = printed.replace(',', "");
        assert_eq!(
            self.get(table, side, row, column).as_deref(),
            Some(want.as_str()),
            "{}: {side:?} {row:?} {column}",
            table.0
        );
    }

    /// Asserts a cell the document leaves blank.
    #[track_caller]
    fn blank(&self, table: (&str, &str), side: Option<&str>, row: Option<&str>, column: &str) {
        assert_eq!(
            self.get(table, side, row, column),
            None,
            "{}: {side:?} {row:?} {column}",
            table.0
        );
    }
}

const IN: Option<&str> = Some("收入");
const OUT: Option<&str> = Some("支出");
const TOTAL: Option<&str> = Some("合计");

/// The totals of a Shanghai budget, as printed: 表1 收入总计/支出总计, 表2/表3/表5 合计 row ×
/// 合计 column, 表4 收入总计/支出总计, 表8 合计, 表9 三公 合计 and 机关运行经费.
struct BudgetTotals<'a> {
    total: &'a str,
    basic: &'a str,
    three_public: &'a str,
    running: &'a str,
}

#[track_caller]
fn budget_totals(a: &Amounts, t: &BudgetTotals) {
    let s1 = ("表1", "income_expenditure_summary");
    a.is(s1, IN, Some("收入总计"), "收入/预算数", t.total);
    a.is(s1, OUT, Some("支出总计"), "支出/预算数", t.total);
    a.is(("表2", "income_summary"), None, TOTAL, "合计", t.total);
    a.is(("表3", "expenditure_summary"), None, TOTAL, "合计", t.total);
    let s4 = ("表4", "fiscal_appropriation_summary");
    a.is(s4, IN, Some("收入总计"), "收入/预算数", t.total);
    a.is(s4, OUT, Some("支出总计"), "支出/合计", t.total);
    a.is(
        ("表5", "gpb_expenditure_by_function"),
        None,
        TOTAL,
        "合计",
        t.total,
    );
    a.is(
        ("表8", "gpb_basic_expenditure"),
        None,
        TOTAL,
        "合计",
        t.basic,
    );
    let s9 = ("表9", "three_public");
    a.is(s9, None, None, "合计", t.three_public);
    a.is(s9, None, None, "机关运行经费", t.running);
}

#[test]
fn wanli_2024_budget_totals() {
    let d = realdoc(WANLI_2024);
    budget_totals(
        &Amounts(&d),
        &BudgetTotals {
            // p10 表1, p15 表2, p20 表3, p21 表4, p26 表5: 156,211,123 each
            total: "156,211,123",
            // p30 表8 合计
            basic: "99,706,020",
            // p31 表9 (万元)
            three_public: "47.91",
            running: "443.18",
        },
    );
}

#[test]
fn wanli_2025_budget_totals() {
    let d = realdoc(WANLI_2025);
    budget_totals(
        &Amounts(&d),
        &BudgetTotals {
            // p9 表1, p13 表2, p18 表3, p19 表4, p24 表5
            total: "189,767,551",
            // p28 表8
            basic: "101,341,746",
            // p29 表9 (万元)
            three_public: "37.91",
            running: "464.64",
        },
    );
}

#[test]
fn office_2025_budget_totals() {
    // The 部门 and the 单位 disclosure print the same figures on the same pages.
    for file in [OFFICE_2025, OFFICE_UNIT_2025] {
        let d = realdoc(file);
        budget_totals(
            &Amounts(&d),
            &BudgetTotals {
                // p8 表1, p10 表2, p12 表3, p13 表4, p15 表5
                total: "91,016,775.35",
                // p19 表8
                basic: "24,606,775.35",
                // p20 表9 (万元)
                three_public: "867.50",
                running: "213.28",
            },
        );
    }
    // p8 of the 单位 disclosure: 表1 splits 支出总计 into 人员经费, 公用经费 and 项目支出.
    let d = realdoc(OFFICE_UNIT_2025);
    let a = Amounts(&d);
    let s1 = ("表1", "income_expenditure_summary");
    a.is(s1, OUT, Some("支出总计"), "支出/人员经费", "22,473,997.81");
    a.is(s1, OUT, Some("支出总计"), "支出/公用经费", "2,132,777.54");
    a.is(s1, OUT, Some("支出总计"), "支出/项目支出", "66,410,000.00");
}

#[test]
fn commerce_2025_budget_totals() {
    for file in [COMMERCE_2025, COMMERCE_UNIT_2025] {
        let d = realdoc(file);
        budget_totals(
            &Amounts(&d),
            &BudgetTotals {
                // p9 表1, p11 表2, p13 表3, p14 表4, p16 表5
                total: "371,514,655.00",
                // p20 表8
                basic: "19,830,655.00",
                // p21 表9 (万元): 合计 1.00, all of it 公务接待费
                three_public: "1.00",
                running: "171.01",
            },
        );
    }
    // p9 of the 单位 disclosure.
    let d = realdoc(COMMERCE_UNIT_2025);
    let a = Amounts(&d);
    let s1 = ("表1", "income_expenditure_summary");
    a.is(s1, OUT, Some("支出总计"), "支出/人员经费", "18,120,593.00");
    a.is(s1, OUT, Some("支出总计"), "支出/公用经费", "1,710,062.00");
    a.is(s1, OUT, Some("支出总计"), "支出/项目支出", "351,684,000.00");
}

/// The totals of a 决算, as printed: 表1 总计 on both sides, 表2/表3/表5 合计 row × 合计 column,
/// 表4 总计 (收入, 支出 合计), 表6 人员经费合计 and 公用经费合计, 表7 三公 合计 预算数/决算数
/// (`None`: blank). `expenditure` is `None` for a document without 表3.
struct FinalTotals<'a> {
    grand_total: Option<&'a str>,
    income: Option<&'a str>,
    expenditure: Option<&'a str>,
    appropriation_total: Option<&'a str>,
    gpb: Option<&'a str>,
    personnel: Option<&'a str>,
    public: Option<&'a str>,
    three_public_budget: Option<&'a str>,
    three_public_final: Option<&'a str>,
}

#[track_caller]
fn final_totals(a: &Amounts, t: &FinalTotals) {
    #[track_caller]
    fn check(
        a: &Amounts,
        table: (&str, &str),
        side: Option<&str>,
        row: &str,
        col: &str,
        want: Option<&str>,
    ) {
        match want {
            Some(v) => a.is(table, side, Some(row), col, v),
            None => a.blank(table, side, Some(row), col),
        }
    }
    let s1 = ("表1", "income_expenditure_summary");
    check(a, s1, IN, "总计", "收入/决算数", t.grand_total);
    check(a, s1, OUT, "总计", "支出/决算数", t.grand_total);
    check(a, ("表2", "income_summary"), None, "合计", "合计", t.income);
    if t.expenditure.is_some() {
        check(
            a,
            ("表3", "expenditure_summary"),
            None,
            "合计",
            "合计",
            t.expenditure,
        );
    }
    let s4 = ("表4", "fiscal_appropriation_summary");
    check(a, s4, IN, "总计", "收入/决算数", t.appropriation_total);
    check(a, s4, OUT, "总计", "支出/合计", t.appropriation_total);
    check(
        a,
        ("表5", "gpb_expenditure_by_function"),
        None,
        "合计",
        "合计",
        t.gpb,
    );
    let s6 = ("表6", "gpb_basic_expenditure");
    check(
        a,
        s6,
        Some("人员经费"),
        "人员经费合计",
        "决算数",
        t.personnel,
    );
    check(a, s6, Some("公用经费"), "公用经费合计", "决算数", t.public);
    let s7 = a.table("表7", "three_public");
    match (t.three_public_budget, t.three_public_final) {
        (None, None) => assert!(s7.rows.is_empty() && s7.empty, "表7: {:?}", s7.rows),
        (budget, fin) => {
            for (col, want) in [("合计/预算数", budget), ("合计/决算数", fin)] {
                match want {
                    Some(v) => a.is(("表7", "three_public"), None, None, col, v),
                    None => a.blank(("表7", "three_public"), None, None, col),
                }
            }
        }
    }
}

#[test]
fn finance_2024_final_totals() {
    let d = realdoc(FINANCE_2024);
    final_totals(
        &Amounts(&d),
        &FinalTotals {
            grand_total: Some("2,995.39"),         // p7 表1 总计 | 总计
            income: Some("2,946.25"),              // p8 表2 合计
            expenditure: Some("2,940.05"),         // p10 表3 合计
            appropriation_total: Some("2,961.68"), // p13 表4 总计 | 总计 合计
            gpb: Some("2,940.05"),                 // p15 表5 合计
            personnel: Some("2,152.26"),           // p17 表6 人员经费合计
            public: Some("184.65"),                // p17 表6 公用经费合计
            three_public_budget: Some("0.95"),     // p18 表7 合计 预算数
            three_public_final: None,              // p18 表7 合计 决算数: blank
        },
    );
}

#[test]
fn finance_2024_final_injected_totals() {
    let d = realdoc(FINANCE_2024_INJECTED);
    final_totals(
        &Amounts(&d),
        &FinalTotals {
            grand_total: Some("2,995.39"),         // p7 表1
            income: Some("2,946.25"),              // p8 表2
            expenditure: None,                     // 支出决算表 deleted
            appropriation_total: Some("2,961.68"), // p11 表4
            gpb: Some("2,940.05"),                 // p12 表5
            personnel: Some("2,152.26"),           // p14 表6
            public: Some("184.65"),                // p14 表6
            three_public_budget: None,             // p15 表7: header only, values blanked
            three_public_final: None,
        },
    );
}

#[test]
fn planning_2024_final_totals() {
    let d = realdoc(PLANNING_2024);
    final_totals(
        &Amounts(&d),
        &FinalTotals {
            grand_total: Some("9859.38"),         // p7 表1
            income: Some("9746.50"),              // p8 表2
            expenditure: Some("9759.38"),         // p10 表3
            appropriation_total: Some("9746.50"), // p13 表4
            gpb: Some("9746.50"),                 // p15 表5
            personnel: Some("4884.09"),           // p16 表6
            public: Some("480.66"),               // p16 表6
            three_public_budget: Some("2.85"),    // p17 表7
            three_public_final: Some("0.39"),     // p17 表7
        },
    );
}

#[test]
fn social_work_2024_final_totals() {
    let d = realdoc(SOCIAL_WORK_2024);
    final_totals(
        &Amounts(&d),
        &FinalTotals {
            grand_total: Some("307.82"),         // p5 表1
            income: Some("307.82"),              // p6 表2
            expenditure: Some("307.82"),         // p8 表3
            appropriation_total: Some("307.82"), // p11 表4
            gpb: Some("307.82"),                 // p12 表5
            personnel: Some("95.36"),            // p13 表6
            public: Some("10.23"),               // p13 表6
            three_public_budget: None,           // p14 表7: empty table with 说明
            three_public_final: None,
        },
    );
}

#[test]
fn final_template_totals_are_blank() {
    // The template prints every table's total rows with no amounts (p5–p12).
    let d = realdoc(FINAL_TEMPLATE);
    final_totals(
        &Amounts(&d),
        &FinalTotals {
            grand_total: None,
            income: None,
            expenditure: None,
            appropriation_total: None,
            gpb: None,
            personnel: None,
            public: None,
            three_public_budget: None,
            three_public_final: None,
        },
    );
    let a = Amounts(&d);
    a.blank(("表3", "expenditure_summary"), None, TOTAL, "合计");
}

/// One row without provenance: side, code, name, values.
type RowContent<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    &'a [Option<String>],
);

/// A table's content without provenance.
fn content(t: &Table) -> Vec<RowContent<'_>> {
    t.rows
        .iter()
        .map(|r| {
            (
                r.side.as_deref(),
                r.code.as_deref(),
                r.name.as_deref(),
                r.values.as_slice(),
            )
        })
        .collect()
}

/// The injected-error copy of the 财政局 决算 has the original's tables, except the deleted
/// 支出决算表 (表3) and the blanked 三公 values (表7); the remaining tables keep the numbers the
/// contents give them.
#[test]
fn injected_copy_differs_from_the_original_only_where_errors_were_injected() {
    let original = realdoc(FINANCE_2024);
    let injected = realdoc(FINANCE_2024_INJECTED);
    let ids = |d: &Dataset| d.tables.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&original),
        [
            "表1", "表2", "表3", "表4", "表5", "表6", "表7", "表8", "表9"
        ]
    );
    assert_eq!(
        ids(&injected),
        ["表1", "表2", "表4", "表5", "表6", "表7", "表8", "表9"]
    );
    for t in &original.tables {
        let Some(u) = injected.tables.iter().find(|u| u.id == t.id) else {
            assert_eq!(t.id, "表3", "only the 支出决算表 is missing");
            assert_eq!(t.grammar, "expenditure_summary");
            continue;
        };
        assert_eq!(u.grammar, t.grammar, "{}", t.id);
        assert_eq!(u.columns, t.columns, "{}", t.id);
        assert_eq!(u.unit, t.unit, "{}", t.id);
        if t.id == "表7" {
            // The original prints 0.95 (合计 and 公务接待费 预算数); the copy prints the header only.
            assert!(
                t.rows.iter().any(|r| r.values.iter().any(Option::is_some)),
                "original 三公 has amounts"
            );
            assert!(
                u.rows.iter().all(|r| r.values.iter().all(Option::is_none)),
                "injected 三公 is blank: {:?}",
                u.rows
            );
        } else {
            assert_eq!(content(u), content(t), "{}", t.id);
        }
    }
    assert!(
        injected
            .anomalies
            .iter()
            .any(|a| a.rule == "K003" && a.message.contains("支出决算表")),
        "the missing table is reported"
    );
}

/// The lines of two real PDFs as `cnbudget text` prints them (TAB-separated cells, page prefixes
/// removed), kept in `tests/fixtures/shanghai_text/`: as text input they give the PDF's tables,
/// row for row, with the same findings — the layouts live in the grammars, not in the PDF reader.
#[test]
fn text_renditions_give_the_pdfs_tables() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let grammars = GrammarSet::builtin().expect("grammars");
    for pdf in [OFFICE_2025, SOCIAL_WORK_2024] {
        let from_pdf = realdoc(pdf);
        let text = root
            .join("tests/fixtures/shanghai_text")
            .join(pdf.replace(".pdf", ".txt"));
        let from_text = process_file(&text, &grammars).expect("text rendition reads");
        let rows = |d: &Dataset| {
            d.tables
                .iter()
                .map(|t| {
                    let rows: Vec<_> = t
                        .rows
                        .iter()
                        .map(|r| {
                            (
                                r.side.clone(),
                                r.code.clone(),
                                r.name.clone(),
                                r.values.clone(),
                            )
                        })
                        .collect();
                    (t.id.clone(), t.variant.clone(), t.unit.clone(), rows)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(rows(&from_text), rows(&from_pdf), "{pdf}");
        assert_eq!(from_text.tables.len(), 9, "{pdf}");
        let rules = |d: &Dataset| {
            let mut v: Vec<(&str, usize)> = d
                .anomalies
                .iter()
                .map(|a| (a.rule, a.location.line))
                .collect();
            v.sort();
            v
        };
        assert_eq!(rules(&from_text), rules(&from_pdf), "{pdf}");
    }
}
