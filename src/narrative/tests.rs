//! Tests of the whole narrative reader: one per sentence shape, with Chinese text written for the
//! test, then the reference sample's narrative part.

use super::*;
use crate::grammar::{Grammar, parse_grammar};
use crate::model::{Narrative, Statement};
use std::collections::BTreeMap;

const NARRATIVE_GRAMMAR: &str = include_str!("../../grammars/narrative.layout");

fn grammars() -> GrammarSet {
    GrammarSet::builtin().expect("built-in grammars load")
}

fn lines(texts: &[&str]) -> Vec<Line> {
    Line::numbered(texts)
}

fn run_with(texts: &[&str], tables: &[Table], g: &GrammarSet) -> (Narrative, Vec<Repair>) {
    let mut repairs = Vec::new();
    let n = extract(&lines(texts), tables, g, Some(2026), &mut repairs);
    (n, repairs)
}

fn run(texts: &[&str]) -> Narrative {
    run_with(texts, &[], &grammars()).0
}

fn only(n: &Narrative) -> &Statement {
    assert_eq!(n.statements.len(), 1, "{:#?}", n.statements);
    &n.statements[0]
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

#[test]
fn subject_path_with_change_growth_and_reason() {
    let n = run(&[
        "1.教育支出（类）普通教育（款）小学教育（项）2025年预算数1,200.5万元，比2024年预算减少30万元，下降2.4%，主要是学生人数减少。",
    ]);
    let st = only(&n);
    assert_eq!(st.subject_kind, "科目");
    assert_eq!(st.path, vec!["教育支出", "普通教育", "小学教育"]);
    assert_eq!(st.subject, "教育支出（类）普通教育（款）小学教育（项）");
    assert_eq!((st.year, st.compared_year), (Some(2025), Some(2024)));
    assert_eq!(st.amount, s("1200.5"));
    assert_eq!(st.unit, s("万元"));
    assert_eq!(st.change, s("-30"));
    assert_eq!(st.growth_pct, s("-2.4"));
    assert_eq!(st.reason, s("主要是学生人数减少"));
    assert!(st.text.starts_with("教育支出（类）") && st.text.ends_with("学生人数减少"));
    assert_eq!(st.code, None, "no tables, no code");
}

#[test]
fn a_list_of_items() {
    let n = run(&["教育支出 1,000 万元、文化旅游体育与传媒支出 20.5 万元、节能环保支出 3 万元。"]);
    let got: Vec<_> = n
        .statements
        .iter()
        .map(|s| (s.subject.as_str(), s.subject_kind, s.amount.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("教育支出", "item", Some("1000")),
            ("文化旅游体育与传媒支出", "item", Some("20.5")),
            ("节能环保支出", "item", Some("3")),
        ]
    );
    assert_eq!(n.statements[1].text, "文化旅游体育与传媒支出 20.5 万元");
}

#[test]
fn a_total_with_its_change() {
    let n = run(&[
        "2025 年部门收支总预算 1,234.5 万元，比 2024 年预算增加 100 万元，增长 8.8%，主要原因是新增项目。",
    ]);
    let st = only(&n);
    assert_eq!(
        (st.subject.as_str(), st.subject_kind),
        ("部门收支总预算", "total")
    );
    assert_eq!((st.year, st.compared_year), (Some(2025), Some(2024)));
    assert_eq!(
        (st.change.as_deref(), st.growth_pct.as_deref()),
        (Some("100"), Some("8.8"))
    );
}

#[test]
fn shares_after_a_breakdown() {
    let n = run(&[
        "部门预算支出 1,200 万元。其中：基本支出 800 万元，占比 66.7%；项目支出 400 万元，占 33.3%。",
    ]);
    let got: Vec<_> = n
        .statements
        .iter()
        .map(|s| (s.subject.as_str(), s.subject_kind, s.share_pct.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("部门预算支出", "total", None),
            ("基本支出", "item", Some("66.7")),
            ("项目支出", "item", Some("33.3")),
        ]
    );
}

#[test]
fn three_public_items_flat_and_not_flat() {
    let n = run(&[
        "(1)公务用车购置费 0 万元，比 2024 年预算持平。",
        "",
        "(2)公务用车运行维护费 5 万元，比 2024 年预算不持平，主要原因是车辆老化。",
        "",
        "3.公务接待费 2 万元，与上年持平。",
    ]);
    let got: Vec<_> = n
        .statements
        .iter()
        .map(|s| {
            (
                s.subject.as_str(),
                s.subject_kind,
                s.compared_year,
                s.change.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("公务用车购置费", "item", Some(2024), Some("0")),
            ("公务用车运行维护费", "item", Some(2024), None),
            // `上年` is the budget year − 1.
            ("公务接待费", "item", Some(2025), Some("0")),
        ]
    );
    assert_eq!(n.statements[1].reason, s("主要原因是车辆老化"));
}

#[test]
fn procurement_total_and_its_breakdown() {
    let n = run(&[
        "2025年政府采购预算支出合计300万元，比2024年增加50万元。其中：货物类100万元，工程类0万元，服务类200万元。",
    ]);
    let got: Vec<_> = n
        .statements
        .iter()
        .map(|s| (s.subject.as_str(), s.subject_kind, s.amount.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("政府采购预算支出", "total", Some("300")),
            ("货物类", "item", Some("100")),
            ("工程类", "item", Some("0")),
            ("服务类", "item", Some("200")),
        ]
    );
    assert_eq!(n.statements[0].change, s("50"));
    assert_eq!(
        n.statements[1].change, None,
        "the breakdown does not inherit the change"
    );
}

#[test]
fn malformed_growth_is_null_with_a_malformed_fact() {
    let n = run(&[
        "1.某支出（类）某事务（款）行政运行（项）2026年预算数 10 万元，比 2025 预算增加 1 万元，增长 1.2.4%。",
    ]);
    let st = only(&n);
    assert_eq!(
        (st.change.as_deref(), st.growth_pct.as_deref()),
        (Some("1"), None)
    );
    assert_eq!(st.compared_year, Some(2025));
    let malformed: Vec<_> = n.facts.iter().filter(|f| f.kind == "malformed").collect();
    assert_eq!(malformed.len(), 1);
    assert_eq!(
        (malformed[0].raw.as_str(), malformed[0].value.as_ref()),
        ("1.2.4%", None)
    );
}

#[test]
fn a_subject_wrapped_across_a_page_break() {
    let (n, repairs) = run_with(
        &[
            "3.教育支出（类）普通教育",
            "",
            "（款）小学教育（项）2025年预算数 100 万元，比 2",
            "",
            "024 年预算增加 10 万元，增长 11.1%。",
        ],
        &[],
        &grammars(),
    );
    let st = only(&n);
    assert_eq!(st.path, vec!["教育支出", "普通教育", "小学教育"]);
    assert_eq!(st.loc.line, 1, "the subject starts on line 1");
    assert_eq!(st.compared_year, Some(2024));
    assert_eq!(st.growth_pct, s("11.1"));
    let joins: Vec<_> = repairs.iter().map(|r| (r.rule, r.loc.line)).collect();
    assert_eq!(joins, vec![("page_break_join", 1), ("page_break_join", 3)]);
    let lines: Vec<_> = n
        .facts
        .iter()
        .map(|f| (f.raw.as_str(), f.loc.line))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("2025年", 3),
            ("100 万元", 3),
            ("2024 年", 3),
            ("10 万元", 5),
            ("11.1%", 5)
        ]
    );
}

#[test]
fn other_phrasings() {
    // Shanghai: a percent after the change word is the growth rate; any words may follow the year.
    let n = run(&["2024年部门预算支出 50 万元，比2023年预算执行数增加5.2%。"]);
    let st = only(&n);
    assert_eq!(
        (
            st.compared_year,
            st.growth_pct.as_deref(),
            st.change.as_deref()
        ),
        (Some(2023), Some("5.2"), None)
    );
    // The subject in the clause before its amount; a year in a clause of its own.
    let n = run(&["1.教育支出（类）普通教育（款）小学教育（项），2025年预算数 100 万元。"]);
    assert_eq!(only(&n).path.len(), 3);
    assert_eq!(only(&n).year, Some(2025));
    let n = run(&["2026年，预算支出1,670.54万元全面实施预算绩效目标管理。"]);
    assert_eq!(
        (only(&n).subject.as_str(), only(&n).year),
        ("预算支出", Some(2026))
    );
    // A share word with no percent after it is just a word.
    let n = run(&["公用经费 10 万元，国有资产占有使用费另列，比上年增加 1 万元。"]);
    assert_eq!(
        (only(&n).change.as_deref(), only(&n).compared_year),
        (Some("1"), Some(2025))
    );
    // Units and percent words.
    let n = run(&["全年收入 1.2 亿元，占百分之 60。"]);
    assert_eq!(
        (only(&n).unit.as_deref(), only(&n).share_pct.as_deref()),
        (Some("亿元"), Some("60"))
    );
}

#[test]
fn a_reason_opener_before_a_list_is_a_breakdown() {
    let n = run(&[
        "2026 年财政拨款支出 300 万元，主要用于：教育支出 200 万元、科学技术支出 100 万元。",
    ]);
    let got: Vec<_> = n
        .statements
        .iter()
        .map(|s| (s.subject.as_str(), s.subject_kind, s.reason.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("财政拨款支出", "total", None),
            ("教育支出", "item", None),
            ("科学技术支出", "item", None),
        ]
    );
}

#[test]
fn a_comparison_of_something_else_does_not_attach() {
    let n = run(&["2026年基本支出 500 万元，其中人员经费比上年增加 10 万元，增长 5%。"]);
    let st = only(&n);
    assert_eq!(
        (st.change.as_deref(), st.growth_pct.as_deref()),
        (None, None)
    );
}

#[test]
fn no_statement_without_a_subject_and_amount() {
    let n = run(&[
        "收入包括：一般公共预算财政拨款收入。",
        "",
        "2026 年没有使用政府性基金预算拨款安排的支出。",
        "",
        "截至2025年12月31日，部门共有车辆1辆。",
    ]);
    assert!(n.statements.is_empty());
    let kinds: Vec<_> = n.facts.iter().map(|f| (f.kind, f.raw.as_str())).collect();
    assert_eq!(
        kinds,
        vec![("year", "2026 年"), ("year", "2025年"), ("count", "1辆")]
    );
}

#[test]
fn codes_resolve_through_the_tables() {
    let tables = [
        codes::tests::function_table("表3"),
        codes::tests::function_table("表5"),
    ];
    let (n, _) = run_with(
        &[
            "1.科学技术支出（类）科学技术管理事务（款）行政运行（项）2026年预算数 10 万元。",
            "",
            "科学技术支出 12 万元、住房保障支出 3 万元、其他支出 1 万元。",
            "",
            "2.科学技术支出（类）技术与开发（款）行政运行（项）2026年预算数 2 万元。",
        ],
        &tables,
        &grammars(),
    );
    let got: Vec<_> = n
        .statements
        .iter()
        .map(|s| (s.subject_kind, s.code.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("科目", Some("2060101")),
            ("item", Some("206")),
            ("item", Some("221")),
            ("item", None),
            // `技术与开发` is not the 款 of any 行政运行 row in the tables.
            ("科目", None),
        ]
    );
}

#[test]
fn phrases_come_from_the_grammar() {
    let mut g = grammars();
    let extra = format!("{NARRATIVE_GRAMMAR}\nvocab change_up 多\n");
    let narrative: Grammar =
        parse_grammar("grammars/narrative.layout", &extra).expect("grammar loads");
    g.vocabularies.insert("narrative".to_owned(), narrative);
    let text = ["公务接待费 2 万元，比上年多 0.5 万元。"];
    assert_eq!(run_with(&text, &[], &g).0.statements[0].change, s("0.5"));
    assert_eq!(run(&text).statements[0].change, None);
    // Without any narrative words nothing is a figure, and nothing breaks.
    let empty =
        parse_grammar("grammars/narrative.layout", "layout vocabulary\n").expect("grammar loads");
    g.vocabularies.insert("narrative".to_owned(), empty);
    let (n, _) = run_with(&text, &[], &g);
    assert!(n.facts.is_empty() && n.statements.is_empty());
}

#[test]
fn text_before_the_first_heading_has_an_untitled_section() {
    let n = run(&[
        "按照综合预算的原则编制。",
        "",
        "一、收支预算总体安排情况",
        "",
        "部门收支总预算 10 万元。",
    ]);
    let got: Vec<_> = n
        .sections
        .iter()
        .map(|s| (s.number.as_deref(), s.heading.as_str(), s.paragraphs.len()))
        .collect();
    assert_eq!(
        got,
        vec![(None, "", 1), (Some("一"), "收支预算总体安排情况", 1)]
    );
}

/// The reference sample's narrative part (lines 699–841), checked against a reading by hand.
#[test]
fn the_sample_narrative() {
    let text = std::fs::read_to_string("samples/000_163e4aab9eba8502.txt").expect("sample exists");
    let sample: Vec<Line> = text
        .lines()
        .enumerate()
        .map(|(i, t)| Line {
            no: i + 1,
            text: t.to_owned(),
        })
        .filter(|l| (699..=841).contains(&l.no))
        .collect();
    let mut repairs = Vec::new();
    let n = extract(&sample, &[], &grammars(), Some(2026), &mut repairs);

    // 一 … 十一, and 五(一)–(三), 六(一)–(二), 十(一)–(三), 十一(一)–(五).
    let top = n.sections.iter().filter(|s| s.parent.is_none()).count();
    let sub = n.sections.iter().filter(|s| s.parent.is_some()).count();
    assert_eq!((top, sub), (11, 13));

    let mut by_kind = BTreeMap::new();
    for f in &n.facts {
        *by_kind.entry(f.kind).or_insert(0) += 1;
    }
    // Years: 40 `YYYY年` and 10 `比 2025 预算`. Counts: `1辆` twice and `3个`.
    let want: BTreeMap<&str, i32> = [
        ("amount", 78),
        ("year", 50),
        ("percent", 23),
        ("count", 3),
        ("malformed", 1),
    ]
    .into();
    assert_eq!(by_kind, want);
    assert_eq!(n.statements.len(), 59);

    let joins: Vec<_> = repairs.iter().map(|r| (r.rule, r.loc.line)).collect();
    assert_eq!(
        joins,
        vec![
            ("page_break_join", 744),
            ("page_break_join", 758),
            ("page_break_join", 780)
        ]
    );

    let at = |line: usize| {
        n.statements
            .iter()
            .find(|s| s.loc.line == line)
            .unwrap_or_else(|| panic!("a statement on line {line}"))
    };
    let st = at(738);
    assert_eq!(
        st.path,
        vec!["科学技术支出", "科学技术管理事务", "行政运行"]
    );
    assert_eq!(st.amount, s("723.35"));
    assert_eq!(
        (st.change.as_deref(), st.growth_pct.as_deref()),
        (Some("190.5"), Some("35.8"))
    );
    assert_eq!((st.year, st.compared_year), (Some(2026), Some(2025)));
    assert_eq!(st.code, None);

    let st = at(758);
    assert_eq!(st.compared_year, Some(2025), "`比 2` ⏎ `025 预算` joined");
    assert_eq!(
        (st.amount.as_deref(), st.change.as_deref()),
        (Some("133.25"), Some("23.93"))
    );
    assert_eq!(at(744).path[2], "行政单位离退休");
    assert_eq!(at(744).change, s("-45.98"));
    // The sample's own errors, recorded as printed.
    assert_eq!(at(750).growth_pct, None);
    assert_eq!(at(752).year, Some(2025));
    assert_eq!(at(796).change, None);
    assert_eq!(at(796).compared_year, Some(2025));
    assert!(
        at(780)
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("维修(护)费"))
    );
}

mod robust {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text, Chinese or not, split anywhere: no panic, and every fact names a given line.
        #[test]
        fn never_panics(texts in proptest::collection::vec("[0-9年万元%.,，。：、（）()一二1-9比增加减少占其中主要是类款项 \u{3000}-\u{303f}a-z]{0,40}", 0..8)) {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let (n, _) = run_with(&refs, &[], &grammars());
            for f in &n.facts {
                prop_assert!((1..=texts.len()).contains(&f.loc.line));
            }
        }
    }
}

/// `part_of` links each breakdown item to its total: inside one sentence (`其中：`), closed by a `；`
/// after a `、` list, and across numbered paragraphs after a `包括：`, nested by numbering style.
#[test]
fn breakdown_items_point_to_their_total() {
    let n = run(&[
        "基本支出500万元，其中：人员经费400万元、公用经费100万元；项目支出300万元，占37.5%。",
    ]);
    let by_subject =
        |n: &Narrative, s: &str| n.statements.iter().position(|x| x.subject == s).unwrap();
    let basic = by_subject(&n, "基本支出");
    assert_eq!(
        n.statements[by_subject(&n, "人员经费")].part_of,
        Some(basic)
    );
    assert_eq!(
        n.statements[by_subject(&n, "公用经费")].part_of,
        Some(basic)
    );
    assert_eq!(n.statements[by_subject(&n, "项目支出")].part_of, None);

    let n = run(&[
        "2026年“三公”经费支出10万元。其中：",
        "",
        "1.因公出国(境)费 2 万元。",
        "",
        "2.公务用车购置及运行维护费 5 万元。包括：",
        "",
        "(1)公务用车购置费 1 万元。",
        "",
        "(2)公务用车运行维护费 4 万元。",
        "",
        "3.公务接待费 3 万元。",
        "",
        "下一段不属于任何清单，共 9 万元。",
    ]);
    let total = by_subject(&n, "“三公”经费支出");
    let car = by_subject(&n, "公务用车购置及运行维护费");
    assert_eq!(
        n.statements[by_subject(&n, "因公出国(境)费")].part_of,
        Some(total)
    );
    assert_eq!(n.statements[car].part_of, Some(total));
    assert_eq!(
        n.statements[by_subject(&n, "公务用车购置费")].part_of,
        Some(car)
    );
    assert_eq!(
        n.statements[by_subject(&n, "公务用车运行维护费")].part_of,
        Some(car)
    );
    assert_eq!(
        n.statements[by_subject(&n, "公务接待费")].part_of,
        Some(total)
    );
    assert!(n.statements.last().unwrap().part_of.is_none());
}

#[test]
fn quoted_and_dash_joined_paths() {
    let n = run(&[
        "1. “一般公共服务支出（类）商贸事务（款)行政运行（项）”938.99万元，主要用于机关行政运行。",
        "",
        "2. “一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目1,202.95万元，主要用于行政单位的基本支出。",
    ]);
    let got: Vec<_> = n
        .statements
        .iter()
        .map(|s| (s.subject_kind, s.path.len(), s.amount.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![("科目", 3, Some("938.99")), ("科目", 3, Some("1202.95"))]
    );
    assert_eq!(n.statements[0].path[2], "行政运行");
    assert_eq!(n.statements[1].path[1], "政府办公厅（室）及相关机构事务");
    assert!(!n.statements[0].subject.starts_with('“'));
}

#[test]
fn final_accounts_items_pair_budget_and_final_figures() {
    let n = run(&[
        "一般公共预算财政拨款支出年初预算为2993.92万元，支出决算为2940.05万元，完成年初预算的98.20%。决算数小于预算数的主要原因：调减。其中：",
        "",
        // The item's 科目 and its figures are cut into blocks by line breaks.
        "1、一般公共服务支出（类）财政事务（款）行政运行（项）。主要用于：",
        "",
        "基本支出。年初预算为 1560.05 万元，支出决算为1511.89万元。",
        "",
        "2、卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）。主要用于：医疗。年初预算为62.29 万元，支出决算为60.99万元。",
        "",
        "“三公”经费财政拨款支出年初预算为0.95万元，支出决算为0.00万元，完成预算的0%，其中：因公出国（境）费决算为0.00万元；公务接待费支出决算为0.00万元。",
    ]);
    let got: Vec<_> = n
        .statements
        .iter()
        .map(|s| {
            (
                s.subject.as_str(),
                s.subject_kind,
                s.amount.as_deref(),
                s.part_of,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "一般公共预算财政拨款支出年初预算",
                "budget",
                Some("2993.92"),
                None
            ),
            ("一般公共预算财政拨款支出", "total", Some("2940.05"), None),
            ("年初预算", "budget", Some("1560.05"), None),
            (
                "一般公共服务支出（类）财政事务（款）行政运行（项）",
                "科目",
                Some("1511.89"),
                Some(1)
            ),
            ("年初预算", "budget", Some("62.29"), None),
            (
                "卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）",
                "科目",
                Some("60.99"),
                Some(1)
            ),
            (
                "“三公”经费财政拨款支出年初预算",
                "budget",
                Some("0.95"),
                None
            ),
            ("“三公”经费财政拨款支出", "total", Some("0.00"), None),
            ("因公出国（境）费", "item", Some("0.00"), Some(7)),
            ("公务接待费", "item", Some("0.00"), Some(7)),
        ]
    );
}

#[test]
fn a_budget_word_without_a_final_figure_stays_a_figure() {
    let n = run(&["年初预算为 10 万元，主要用于培训。"]);
    assert_eq!(only(&n).subject_kind, "figure");
}

#[test]
fn a_breakdown_cut_after_a_semicolon_stays_one() {
    let n = run(&[
        "支出2940.05万元，主要用于以下方面：一般公共服务支出（类）2106.66万元，占71.73%；",
        "",
        "卫生健康支出（类）60.99万元，占2.07%。",
    ]);
    let parts: Vec<_> = n.statements.iter().map(|s| s.part_of).collect();
    assert_eq!(parts, vec![None, Some(0), Some(0)]);
}
