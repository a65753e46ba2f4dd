//! `K` rules: counts stated in words against what is listed, missing tables and items, the same thing
//! under different names.
//!
//! The projects of 表10 (its rows with a 项目单位) are the reference list: each should have its 表12-n
//! performance table, appear in the narrative's project section and in 表11's project list, and keep
//! one name everywhere. A project is recognised in another list by name ([`names::same_project`], or
//! [`names::similarity`] ≥ 0.8); two names count as the same project under different names only
//! when their amounts agree too. Counts (`3个项目支出绩效目标`, `共有车辆N辆。其中：…`) come from the
//! narrative's count facts and the words around them; standard tables from the `standard_tables_*`
//! lists of `document.layout` and from the table of contents.

use super::names::{project_key, same_project, similarity};
use super::rules::{Rule, Severity};
use super::table::CHECK_SKIPPED;
use super::text::{excerpt, is_han, prefix_word, search_for, suffix_word, to_wan, vocab};
use super::{Cx, cell_location, value};
use crate::grammar::GrammarSet;
use crate::model::{Location, Row, Statement, Table};
use crate::normalize::cells::{fold, split_ordinal};
use crate::parse::markers::{self, PartKind};
use aho_corasick::{AhoCorasick, MatchKind};
use rust_decimal::Decimal;
use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::str::FromStr;

pub const COUNT_MISMATCH: Rule = Rule {
    code: "K001",
    name: "count-mismatch",
    kind: "count_mismatch",
    severity: Severity::Warning,
    summary: "a count stated in words disagrees with what is listed or with the items it breaks into",
    doc: "## What it checks\nA number of projects stated in the narrative (`设置了整体支出绩效目标、3个项目支出\
          绩效目标`) equals the number of projects of 表10 (the message also names the number of 表12-n \
          tables); and the items of a count breakdown add up to the stated count (`共有车辆3辆。其中：一般\
          公务用车1辆、执法执勤用车2辆`). The phrases are the `project_count_noun` and `count_total_word` \
          lists of `narrative.layout`.\n\n## Why it matters\nA count that disagrees with the list means a \
          project was added or dropped without updating the text, or an item of the breakdown is \
          missing.\n\n## Example\n`3个项目支出绩效目标` with four projects in 表10 → K001.",
};

pub const MISSING_PERFORMANCE_TABLE: Rule = Rule {
    code: "K002",
    name: "project-without-performance-table",
    kind: "missing_item",
    severity: Severity::Warning,
    summary: "a project of 表10 has no 表12-n performance-target table",
    doc: "## What it checks\nEvery project row of the project expenditure table (表10) has a project \
          performance-target table (表12-n) whose 项目名称 names it (same name once generic words such as \
          项目/经费 are dropped, or a similarity of at least 0.8). Not checked when the document has no \
          表12 at all.\n\n## Why it matters\nEvery project in the budget must carry performance targets; \
          a project without them is either missing its form or was added to 表10 late.\n\n## Example\n\
          表10 `国密改造项目 280.00` with 表12-1…12-3 for three other projects → K002.",
};

pub const MISSING_TABLE: Rule = Rule {
    code: "K003",
    name: "missing-standard-table",
    kind: "missing_item",
    severity: Severity::Error,
    summary: "a standard table, or a table the table of contents lists, is not in the document",
    doc: "## What it checks\nA budget (预算) document contains the standard tables (the \
          `standard_tables_budget` list of `document.layout`, by grammar name: the nine core tables \
          from 收支总表 to 国有资本经营预算支出表), and every table its table of contents lists \
          (`一、部门收支总表……6`). When a table block could not be recognised the finding is a warning, \
          since the missing table may be that block; when the table's title is printed outside the \
          contents and the prose (the table is there but was not read), nothing is reported. The \
          standard set is required of whole disclosures whose tables carry `表 N` markers, not of \
          extracts.\n\n## Why it matters\nThe standard tables must be \
          published even when empty (with a note); a table listed in the contents but absent was \
          dropped from the document.\n\n## Example\nNo `一般公共预算基本支出表` in a 2026 部门预算 → K003.",
};

pub const MISSING_PROJECT: Rule = Rule {
    code: "K004",
    name: "project-not-described",
    kind: "missing_item",
    severity: Severity::Warning,
    summary: "a project of 表10 is missing from the narrative's project list or from 表11's",
    doc: "## What it checks\nEvery project row of 表10 is mentioned in the narrative's project section \
          (the section whose heading contains a `project_section` word such as 项目支出, with its \
          sub-sections) and in 表11's project list (项目支出情况), when the document has them.\n\n\
          ## Why it matters\nThe narrative and the overall performance table describe the projects the \
          budget funds; a project left out of them is unexplained spending.\n\n## Example\n表10 `国密改造\
          项目 280.00`, absent from `十、项目支出安排情况` and from 表11 → K004.",
};

pub const EMPTY_TABLE_WITHOUT_NOTE: Rule = Rule {
    code: "K005",
    name: "empty-table-without-note",
    kind: "missing_item",
    severity: Severity::Warning,
    summary: "a table has no rows and no note explaining why",
    doc: "## What it checks\nA table printed without any row (a header only) carries a note \
          (`备注:本单位 2026 年没有使用政府性基金拨款安排的支出`).\n\n## Why it matters\nThe disclosure rules \
          require an empty table to be published with an explanation (`没有数据的表格应当列出空表并说明`); \
          without it, a reader cannot tell an empty table from a table whose rows were lost.\n\n\
          ## Example\n表9 with its header and nothing else → K005.",
};

pub const NOTE_CONTRADICTS_TABLE: Rule = Rule {
    code: "K008",
    name: "note-contradicts-table",
    kind: "inconsistent_note",
    severity: Severity::Warning,
    summary: "a table's note says the table is empty, but the table prints amounts",
    doc: "## What it checks\nA table whose note says it has no data (`故本表为空表`, `本表无数据`: the \
          `note_empty` words of `document.layout`) prints no amount other than zero.\n\n## Why it matters\n\
          One of the two is wrong: either the amounts were filled into a table whose note was copied from \
          an empty template, or the note is right and the amounts do not belong there. A reader cannot tell \
          which without asking.\n\n## Example\n`47.91  0  1.35  46.56  25  21.56  443.18` above \
          `注:本部门2024年无“三公”经费和机关运行经费预算，故本表为空表。` → K008.",
};

pub const PROJECT_NAME_MISMATCH: Rule = Rule {
    code: "K006",
    name: "project-name-mismatch",
    kind: "name_mismatch",
    severity: Severity::Warning,
    summary: "the same project is named differently in different tables or in the narrative",
    doc: "## What it checks\nA project of 表10 found, with the same amount, under a similar name in 表11, \
          a 表12-n or the narrative's project section is named the same everywhere (a trailing \
          `project_suffix` word such as 项目 aside). One finding per project lists every variant and \
          where it is printed.\n\n## Why it matters\nNames are how a reader (or a program) follows a \
          project from the budget to its targets and its results; two names for one project break that \
          trail.\n\n## Example\n表10 `产业促进经费` vs 表11 and the narrative `产业促进项目` (30 万元) → K006.",
};

pub const SUBJECT_NAME_MISMATCH: Rule = Rule {
    code: "K007",
    name: "subject-name-mismatch",
    kind: "name_mismatch",
    severity: Severity::Warning,
    summary: "a 功能 科目 is named differently in the narrative or in 表1 than in the tables",
    doc: "## What it checks\nA 科目 statement of the narrative (`X（类）Y（款）Z（项）…N万元`) whose path does not \
          resolve through the tables is resolved by its 项 name and amount; each level of its path must \
          then carry the name the table gives that code. And each 功能类 line of 表1 must carry the name \
          of the 表3 类 row with the same amount.\n\n## Why it matters\n科目 names changed over the years \
          (210 医疗卫生与计划生育支出 → 卫生健康支出); an outdated name in one place means text copied from \
          an old disclosure.\n\n## Example\n`医疗卫生与计划生育支出（类）行政事业单位医疗（款）行政单位医疗（项）\
          24.67万元` with 表3 `210 卫生健康支出` → K007.",
};

pub static RULES: &[&Rule] = &[
    &COUNT_MISMATCH,
    &MISSING_PERFORMANCE_TABLE,
    &MISSING_TABLE,
    &MISSING_PROJECT,
    &EMPTY_TABLE_WITHOUT_NOTE,
    &PROJECT_NAME_MISMATCH,
    &SUBJECT_NAME_MISMATCH,
    &NOTE_CONTRADICTS_TABLE,
];

/// Runs this family's checks.
pub fn check(cx: &mut Cx<'_>) {
    let projects = projects(cx);
    counts(cx, &projects);
    performance_tables(cx, &projects);
    standard_tables(cx);
    described(cx, &projects);
    empty_tables(cx);
    notes_of_empty_tables(cx);
    project_names(cx, &projects);
    subject_names(cx);
}

/// Records that a check could not run (info: what it needed is missing, not wrong).
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

/// Two project names that name the same project.
const SIMILAR: f64 = 0.8;

fn same_name(a: &str, b: &str) -> bool {
    same_project(a, b) || similarity(a, b) >= SIMILAR
}

/// The amount a text starts with, in 万元 (`30 万元`, `910.02万元`, `1,670.54`).
fn amount_in(text: &str, default_unit: Option<&str>) -> Option<Decimal> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    let num: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let v = Decimal::from_str(&num).ok()?;
    let rest = &t[num.len()..];
    let unit = ["亿元", "万元", "千元", "元"]
        .into_iter()
        .find(|u| rest.starts_with(u))
        .or(default_unit);
    to_wan(v, unit)
}

/// A project row of 表10.
struct Project<'a> {
    name: &'a str,
    /// 合计, in 万元.
    amount: Option<Decimal>,
    row: &'a Row,
    table: &'a Table,
}

/// The project rows of 表10: rows with a name and a 项目单位 (the subtotal rows above them have none).
fn projects<'a>(cx: &Cx<'a>) -> Vec<Project<'a>> {
    let d = cx.d;
    let mut out = Vec::new();
    for t in d
        .tables
        .iter()
        .filter(|t| t.grammar == "project_expenditure")
    {
        let unit = cx.unit_of(t).map(str::to_owned);
        let total_col = t.columns.first().map_or("合计", String::as_str);
        for row in &t.rows {
            let Some(name) = row.name.as_deref() else {
                continue;
            };
            if !row.attrs.values().any(|v| !v.trim().is_empty()) {
                continue;
            }
            out.push(Project {
                name,
                amount: value(t, row, total_col).and_then(|v| to_wan(v, unit.as_deref())),
                row,
                table: t,
            });
        }
    }
    out
}

fn project_location(p: &Project<'_>) -> Location {
    cell_location(p.table, p.row, None)
}

fn show_amount(v: Option<Decimal>) -> String {
    v.map_or_else(|| "?".to_owned(), |v| format!("{v}万元"))
}

/// The 表12-n tables and the project name each is for: its 项目名称 with that field's line, else its
/// title (which names the form too: `…项目申报表`), and its 项目当年预算 in 万元.
fn performance_names<'a>(cx: &Cx<'a>) -> Vec<(&'a Table, String, Option<usize>, Option<Decimal>)> {
    let d = cx.d;
    let mut out = Vec::new();
    for t in d
        .tables
        .iter()
        .filter(|t| t.grammar == "project_performance")
    {
        let unit = cx.unit_of(t).map(str::to_owned);
        let fields = t
            .performance
            .as_ref()
            .map(|p| p.fields.as_slice())
            .unwrap_or(&[]);
        let field = |label: &str| {
            fields
                .iter()
                .find(|f| fold(&f.label) == label && !f.value.trim().is_empty())
        };
        let amount = field("项目当年预算").and_then(|f| amount_in(&f.value, unit.as_deref()));
        match field("项目名称") {
            Some(f) => out.push((t, f.value.trim().to_owned(), Some(f.loc.line), amount)),
            None => out.push((t, t.title.clone(), None, amount)),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// K001: counts.

/// A count fact located in its paragraph (after page-break and wrap joins): byte range and value.
struct Count<'d> {
    line: usize,
    /// The paragraph's text, and which paragraph it is (counts compare positions only within one).
    text: &'d str,
    para: usize,
    start: usize,
    end: usize,
    value: Decimal,
    unit: String,
}

/// The narrative's count facts, each located in the text of the paragraph holding its line. Working
/// on paragraphs, not lines, keeps a phrase that wraps (a PDF's narrow column) in one piece.
fn located_counts<'d>(cx: &Cx<'d>) -> Vec<Count<'d>> {
    let d = cx.d;
    let paragraphs: Vec<(&'d str, &'d [usize])> = d
        .narrative
        .sections
        .iter()
        .flat_map(|s| s.paragraphs.iter())
        .map(|p| (p.text.as_str(), p.lines.as_slice()))
        .collect();
    let mut out: Vec<Count<'d>> = Vec::new();
    let mut cursor: Option<(usize, usize)> = None;
    for f in d.narrative.facts.iter().filter(|f| f.kind == "count") {
        let line = f.loc.line;
        let Some(para) = paragraphs
            .iter()
            .position(|(_, lines)| lines.contains(&line))
        else {
            continue;
        };
        let text = paragraphs[para].0;
        let from = match cursor {
            Some((p, end)) if p == para => end,
            _ => 0,
        };
        let (Some(value), Some(i)) = (
            f.value.as_deref().and_then(|v| Decimal::from_str(v).ok()),
            text.get(from..).and_then(|t| t.find(f.raw.as_str())),
        ) else {
            continue;
        };
        let start = from + i;
        let end = start + f.raw.len();
        cursor = Some((para, end));
        out.push(Count {
            line,
            text,
            para,
            start,
            end,
            value,
            unit: f.unit.clone().unwrap_or_default(),
        });
    }
    out
}

/// The clause before byte `at` (back to the last comma, stop or colon).
fn clause_before(text: &str, at: usize) -> &str {
    let before = &text[..at];
    let from = before
        .rfind(['，', '。', '；', '：', ',', ';', ':'])
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
    &before[from..]
}

fn counts(cx: &mut Cx<'_>, projects: &[Project<'_>]) {
    let counts = located_counts(cx);
    project_counts(cx, &counts, projects);
    breakdown_counts(cx, &counts);
}

/// `3个项目支出绩效目标` against 表10 (and 表12).
fn project_counts(cx: &mut Cx<'_>, counts: &[Count<'_>], projects: &[Project<'_>]) {
    let nouns = vocab(cx, "narrative", "project_count_noun");
    let partial = vocab(cx, "narrative", "count_partial_word");
    let n12 = cx.tables("project_performance").count();
    let has_10 = cx.table("project_expenditure").is_some();
    let (listed, source) = if has_10 {
        (projects.len(), "表10 lists")
    } else if n12 > 0 {
        (n12, "the document has")
    } else {
        return;
    };
    for c in counts {
        let text = c.text;
        let after = text[c.end..].trim_start();
        let Some(noun) = prefix_word(after, nouns) else {
            continue;
        };
        // A short noun must end the word (`3个项目，`), not begin another one (`3个项目单位`).
        if noun.chars().count() <= 2 && after[noun.len()..].chars().next().is_some_and(is_han) {
            continue;
        }
        let clause = clause_before(text, c.start);
        if partial.iter().any(|w| clause.contains(w.as_str())) {
            continue;
        }
        let stated = c.value;
        if stated == Decimal::from(listed) {
            continue;
        }
        let tables12 = if has_10 {
            format!(" projects (表12 has {n12} project performance tables)")
        } else {
            " project performance tables".to_owned()
        };
        cx.emit_with(
            &COUNT_MISMATCH,
            COUNT_MISMATCH.severity,
            format!(
                "the narrative states {} {noun} but {source} {listed}{tables12}",
                stated.normalize(),
            ),
            Location::line(c.line),
            Some(listed.to_string()),
            Some(stated.normalize().to_string()),
        );
    }
}

/// Bracket depth at byte `at` of `text` (inside `（含…）` an item is a sub-item).
fn bracket_depth(text: &str, at: usize) -> i32 {
    text[..at].chars().fold(0, |d, c| match c {
        '（' | '(' => d + 1,
        '）' | ')' => (d - 1).max(0),
        _ => d,
    })
}

/// `共有车辆3辆。其中：业务用车1辆、…`: the items must add up to the total.
fn breakdown_counts(cx: &mut Cx<'_>, counts: &[Count<'_>]) {
    let totals = vocab(cx, "narrative", "count_total_word");
    let connectors = vocab(cx, "narrative", "connector");
    for (k, total) in counts.iter().enumerate() {
        let text = total.text;
        let clause = clause_before(text, total.start);
        if !totals.iter().any(|w| clause.contains(w.as_str())) {
            continue;
        }
        // The breakdown opens within the total's sentence or at the start of the next one.
        let rest = &text[total.end..];
        let Some((open, word)) = rest
            .char_indices()
            .find_map(|(i, _)| prefix_word(&rest[i..], connectors).map(|w| (i, w)))
        else {
            continue;
        };
        let between = &rest[..open];
        let stops = between.matches(['。', '；', ';']).count();
        let next_sentence = between.trim_end().ends_with(['。', '；', ';']);
        if stops > 1 || (stops == 1 && !next_sentence) {
            continue;
        }
        let list_start = total.end + open + word.len();
        // The items run to the end of the sentence (`；` may separate them).
        let list_end = text[list_start..]
            .find(['。', '！', '？'])
            .map_or(text.len(), |i| list_start + i);
        let items: Vec<&Count> = counts[k + 1..]
            .iter()
            .filter(|c| c.para == total.para && c.unit == total.unit)
            .filter(|c| c.start >= list_start && c.end <= list_end)
            .filter(|c| bracket_depth(&text[list_start..], c.start - list_start) == 0)
            .collect();
        let between_counts = counts[k + 1..]
            .iter()
            .any(|c| c.para == total.para && c.start >= total.end && c.end <= list_start);
        if items.is_empty() || between_counts {
            continue;
        }
        let sum: Decimal = items.iter().map(|c| c.value).sum();
        if sum == total.value {
            continue;
        }
        let parts = items
            .iter()
            .map(|c| c.value.normalize().to_string())
            .collect::<Vec<_>>()
            .join(" + ");
        cx.emit_with(
            &COUNT_MISMATCH,
            COUNT_MISMATCH.severity,
            format!(
                "the narrative states a count of {}{u} whose items add up to {}{u} ({parts}) in `{}`",
                total.value.normalize(),
                sum.normalize(),
                excerpt(
                    text.get(total.start - clause.len()..list_end).unwrap_or_default(),
                    40
                ),
                u = total.unit
            ),
            Location::line(total.line),
            Some(sum.normalize().to_string()),
            Some(total.value.normalize().to_string()),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// K002: 表12 for every project.

fn performance_tables(cx: &mut Cx<'_>, projects: &[Project<'_>]) {
    let forms = performance_names(cx);
    if forms.is_empty() {
        return;
    }
    for p in projects {
        if forms.iter().any(|(_, name, _, _)| same_name(p.name, name)) {
            continue;
        }
        let ids: Vec<&str> = forms.iter().map(|(t, _, _, _)| t.id.as_str()).collect();
        cx.emit_with(
            &MISSING_PERFORMANCE_TABLE,
            MISSING_PERFORMANCE_TABLE.severity,
            format!(
                "{} project {} ({}) has no performance-target table: none of {} names it",
                p.table.id,
                p.name,
                show_amount(p.amount),
                ids.join(", ")
            ),
            project_location(p),
            Some(p.name.to_owned()),
            None,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// K003: standard tables and the table of contents.

/// The table grammars' caption aliases, folded (when the grammars were loaded; empty ones left
/// out), and one search for all of them: a table-of-contents title is read once, not once per
/// alias.
struct Captions<'g> {
    /// (grammar index, grammar name, alias) in grammar order; an alias's index is its pattern in
    /// `search`.
    aliases: Vec<(usize, &'g str, &'g str)>,
    search: Option<Rc<AhoCorasick>>,
}

impl<'g> Captions<'g> {
    fn new(grammars: &'g GrammarSet) -> Self {
        let aliases: Vec<(usize, &'g str, &'g str)> = grammars
            .tables
            .iter()
            .enumerate()
            .flat_map(|(k, g)| {
                g.folded_captions
                    .iter()
                    .filter(|c| !c.is_empty())
                    .map(move |c| (k, g.name.as_str(), c.as_str()))
            })
            .collect();
        let words: Vec<String> = aliases.iter().map(|&(_, _, c)| c.to_owned()).collect();
        let search = search_for(&words, MatchKind::Standard);
        Captions { aliases, search }
    }

    /// Whether each alias occurs in the folded text `f`.
    fn contained(&self, f: &str) -> Vec<bool> {
        match &self.search {
            Some(search) => {
                let mut found = vec![false; self.aliases.len()];
                for m in search.find_overlapping_iter(f) {
                    if let Some(x) = found.get_mut(m.pattern().as_usize()) {
                        *x = true;
                    }
                }
                found
            }
            None => self
                .aliases
                .iter()
                .map(|&(_, _, c)| f.contains(c))
                .collect(),
        }
    }
}

/// The grammars whose longest caption alias the folded text contains.
fn grammars_named<'g>(captions: &Captions<'g>, text: &str) -> Vec<&'g str> {
    let f = fold(text);
    let contained = captions.contained(&f);
    let mut best = 0;
    let mut out: Vec<&'g str> = Vec::new();
    // The aliases of one grammar are adjacent: take them a grammar at a time, as listed.
    let mut i = 0;
    while let Some(&(grammar, name, _)) = captions.aliases.get(i) {
        let n = captions.aliases[i..]
            .iter()
            .take_while(|(g, _, _)| *g == grammar)
            .count();
        let len = (i..i + n)
            .filter(|&k| contained[k])
            .map(|k| captions.aliases[k].2.chars().count())
            .max();
        i += n;
        let Some(len) = len else {
            continue;
        };
        if len > best {
            best = len;
            out.clear();
        }
        if len == best {
            out.push(name);
        }
    }
    out
}

/// A table-of-contents entry's title: ordinal, leaders and page number removed.
fn toc_title(text: &str) -> &str {
    let (_, rest) = split_ordinal(text.trim());
    let end = rest
        .find(['\t', '…', '·'])
        .into_iter()
        .chain(rest.find(".."))
        .min()
        .unwrap_or(rest.len());
    rest[..end].trim()
}

fn standard_tables(cx: &mut Cx<'_>) {
    let d = cx.d;
    let doc = cx.grammars.document();
    let parts = cx.parts().to_vec();
    let toc = toc_tables(cx, &parts);
    if d.tables.is_empty() {
        if !toc.is_empty() || d.document.kind.is_some() {
            skip(
                cx,
                "the standard tables",
                "no table of the document was read",
                Location::line(d.document.loc.map_or(1, |l| l.line)),
            );
        }
        return;
    }
    let unrecognised = d.anomalies.iter().filter(|a| a.rule == "L001").count();
    let (severity, caveat) = if unrecognised > 0 {
        (
            Severity::Warning,
            format!(" ({unrecognised} table block(s) could not be recognised)"),
        )
    } else {
        (MISSING_TABLE.severity, String::new())
    };
    let present: BTreeSet<&str> = d.tables.iter().map(|t| t.grammar.as_str()).collect();
    let unread = UnreadTitles::new(&parts);
    let mut reported: BTreeSet<&str> = BTreeSet::new();

    for (line, title, named) in toc {
        if named
            .iter()
            .any(|g| present.contains(g) || unread.printed(cx, g))
        {
            continue;
        }
        reported.extend(named.iter().copied());
        cx.emit_with(
            &MISSING_TABLE,
            severity,
            format!(
                "the table of contents lists `{title}` but the document has no such table{caveat}"
            ),
            Location::line(line),
            Some(title.clone()),
            None,
        );
    }

    let kind = d.document.kind.as_deref().unwrap_or_default();
    let says = |list: &str| doc.vocab(list).iter().any(|w| kind.contains(w.as_str()));
    let list = if says("kind_final") {
        "standard_tables_final"
    } else if says("kind_budget") {
        "standard_tables_budget"
    } else {
        return;
    };
    // Only a whole disclosure must hold the whole set: one with a tables part (`第二部分 …预算表`) or
    // with at least half of the set; an extract of a few tables is not held to it.
    let set = doc.vocab(list);
    let has_part = parts
        .iter()
        .any(|p| p.kind == PartKind::Tables && !p.at_caption);
    let held = set.iter().filter(|n| present.contains(n.as_str())).count();
    if !has_part && held * 2 < set.len() {
        return;
    }
    let location = Location::line(d.document.loc.map_or(1, |l| l.line));
    for name in set {
        let name = name.as_str();
        if present.contains(name) || reported.contains(name) || unread.printed(cx, name) {
            continue;
        }
        let caption = cx
            .grammars
            .tables
            .iter()
            .find(|g| g.name == name)
            .and_then(|g| g.captions.first())
            .map_or(name, String::as_str);
        cx.emit_with(
            &MISSING_TABLE,
            severity,
            format!("the standard table {caption} (`{name}`) is not in the document{caveat}"),
            location.clone(),
            Some(caption.to_owned()),
            None,
        );
    }
}

/// The tables the table of contents lists: (line, title, grammars its title names). Entries under
/// the tables part's entry, before the first part heading of the body.
fn toc_tables<'g>(cx: &Cx<'g>, parts: &[markers::Part]) -> Vec<(usize, String, Vec<&'g str>)> {
    let lines = cx.lines;
    let first_part = parts.first().map_or(0, |p| p.heading_line);
    let tables_words = cx.grammars.document().vocab("tables_part");
    let mut in_tables = true;
    // Entries after a `目录` line count even without leaders or page numbers (决算 contents).
    let mut in_contents = false;
    let mut toc = Vec::new();
    let captions = OnceCell::new();
    for l in lines.iter().take(first_part.saturating_sub(1)) {
        if markers::is_contents_heading(&l.text) {
            in_contents = true;
            continue;
        }
        if !in_contents && !markers::is_toc_line(&l.text) {
            continue;
        }
        let t = l.text.trim();
        if t.starts_with('第') && t.contains("部分") {
            in_tables = tables_words.iter().any(|w| t.contains(w.as_str()));
            continue;
        }
        if !in_tables {
            continue;
        }
        let title = toc_title(t);
        let named = grammars_named(captions.get_or_init(|| Captions::new(cx.grammars)), title);
        if !named.is_empty() {
            toc.push((l.no, title.to_owned(), named));
        }
    }
    toc
}

/// Lines that may print the title of a table that was not read: outside the contents, the prose
/// parts, and the marker and title lines of the tables that were read (`一般公共预算支出表(分单位)`
/// names 表5-2, not a missing 表5-1).
///
/// The lines are folded only when first asked for: a document that has every table it lists never
/// needs them, and folding every line was a large share of a document's validation time.
struct UnreadTitles<'p> {
    parts: &'p [markers::Part],
    lines: OnceCell<Vec<String>>,
}

impl<'p> UnreadTitles<'p> {
    fn new(parts: &'p [markers::Part]) -> Self {
        UnreadTitles {
            parts,
            lines: OnceCell::new(),
        }
    }

    fn lines(cx: &Cx<'_>, parts: &[markers::Part]) -> Vec<String> {
        let in_prose = |no: usize| {
            parts.iter().any(|p| {
                matches!(p.kind, PartKind::Narrative | PartKind::Glossary)
                    && (p.start + 1..=p.end).contains(&no)
            })
        };
        let mut titles: BTreeSet<usize> = BTreeSet::new();
        for t in &cx.d.tables {
            let names: Vec<String> = std::iter::once(&t.title)
                .chain(t.caption.as_ref())
                .map(|n| fold(n))
                .collect();
            for l in super::text::table_lines(cx, t) {
                if markers::is_table_marker(&l.text) || names.contains(&fold(&l.text)) {
                    titles.insert(l.no);
                }
            }
        }
        // The contents: from a `目录` line to the first part heading.
        let first_part = parts.first().map_or(0, |p| p.heading_line);
        let contents_start = cx
            .lines
            .iter()
            .find(|l| l.no < first_part && markers::is_contents_heading(&l.text))
            .map_or(first_part, |l| l.no);
        let in_contents = |no: usize| (contents_start..first_part).contains(&no);
        cx.lines
            .iter()
            .filter(|l| {
                !markers::is_toc_line(&l.text)
                    && !in_contents(l.no)
                    && !in_prose(l.no)
                    && !titles.contains(&l.no)
            })
            .map(|l| fold(&l.text))
            .filter(|f| !f.is_empty())
            .collect()
    }

    /// True when some line prints a caption of grammar `name`: the table is there but was not read
    /// as one (the reading's own findings say why).
    fn printed(&self, cx: &Cx<'_>, name: &str) -> bool {
        let aliases: Vec<String> = cx
            .grammars
            .tables
            .iter()
            .filter(|g| g.name == name)
            .flat_map(|g| &g.captions)
            .map(|c| fold(c))
            .filter(|c| !c.is_empty())
            .collect();
        self.lines
            .get_or_init(|| Self::lines(cx, self.parts))
            .iter()
            .any(|f| aliases.iter().any(|a| f.contains(a.as_str())))
    }
}

// ---------------------------------------------------------------------------------------------
// K004 and K006: the narrative's project section.

/// Line ranges `[start, end)` of the narrative's project sections.
fn project_sections(cx: &Cx<'_>) -> Vec<(String, usize, usize)> {
    let words = vocab(cx, "narrative", "project_section");
    let sections = &cx.d.narrative.sections;
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    for (i, s) in sections.iter().enumerate() {
        if !words.iter().any(|w| s.heading.contains(w.as_str())) {
            continue;
        }
        let start = s.loc.line;
        if out.iter().any(|(_, a, b)| (*a..*b).contains(&start)) {
            continue;
        }
        let top = s.parent.is_none();
        let end = sections[i + 1..]
            .iter()
            .find(|n| !top || n.parent.is_none())
            .map_or(usize::MAX, |n| n.loc.line);
        out.push((s.heading.clone(), start, end));
    }
    out
}

/// The narrative's project list: the statements and the folded text of the project sections.
struct NarrativeProjects<'a> {
    statements: Vec<&'a Statement>,
    text: String,
}

fn narrative_projects<'a>(cx: &Cx<'a>, ranges: &[(String, usize, usize)]) -> NarrativeProjects<'a> {
    let d = cx.d;
    let inside = |line: usize| ranges.iter().any(|(_, a, b)| (*a..*b).contains(&line));
    let statements = d
        .narrative
        .statements
        .iter()
        .filter(|s| inside(s.loc.line) && s.subject_kind != "total" && s.subject_kind != "科目")
        .collect();
    let mut text = String::new();
    for s in d.narrative.sections.iter().filter(|s| inside(s.loc.line)) {
        text.push_str(&fold(&s.heading));
        for p in &s.paragraphs {
            text.push_str(&fold(&p.text));
        }
    }
    NarrativeProjects { statements, text }
}

fn described(cx: &mut Cx<'_>, projects: &[Project<'_>]) {
    if projects.is_empty() {
        return;
    }
    let d = cx.d;
    let ranges = project_sections(cx);
    let narrative = (!ranges.is_empty()).then(|| narrative_projects(cx, &ranges));
    if narrative.is_none() && !d.narrative.sections.is_empty() {
        skip(
            cx,
            "the narrative's project list",
            "the narrative has no section headed with a `project_section` word (项目支出)",
            Location::line(d.narrative.sections.first().map_or(0, |s| s.loc.line)),
        );
    }
    let t11: Vec<&str> = d
        .tables
        .iter()
        .filter(|t| t.grammar == "overall_performance")
        .filter_map(|t| t.performance.as_ref())
        .flat_map(|p| p.projects.iter().map(|x| x.name.as_str()))
        .collect();
    // Where 表11's list starts, so the message can point at it.
    let t11_line = d
        .tables
        .iter()
        .filter(|t| t.grammar == "overall_performance")
        .filter_map(|t| t.performance.as_ref())
        .find_map(|p| p.projects.first().map(|x| x.loc.line));
    let section = ranges
        .first()
        .map(|(h, _, _)| h.clone())
        .unwrap_or_default();
    let mentioned = |n: &NarrativeProjects<'_>, p: &Project<'_>| {
        let key = project_key(p.name);
        n.statements.iter().any(|s| same_name(p.name, &s.subject))
            || (!key.is_empty() && n.text.contains(&key))
    };
    // A section that names none of the projects gives the total only: it is not a project list.
    let narrative = narrative.filter(|n| projects.iter().any(|p| mentioned(n, p)));
    for p in projects {
        let mut missing = Vec::new();
        if let Some(n) = &narrative
            && !mentioned(n, p)
        {
            missing.push(format!("the narrative's project list ({section})"));
        }
        if !t11.is_empty() && !t11.iter().any(|n| same_name(p.name, n)) {
            // Named as the form heads it (项目支出情况), with the line of its first project.
            let heading = cx
                .grammars
                .tables
                .iter()
                .find(|g| g.name == "overall_performance")
                .and_then(|g| g.vocab("projects").first())
                .map_or("", String::as_str);
            missing.push(match t11_line {
                Some(l) => format!("表11's project list ({heading}, from line {l})"),
                None => "表11's project list".to_owned(),
            });
        }
        if missing.is_empty() {
            continue;
        }
        cx.emit_with(
            &MISSING_PROJECT,
            MISSING_PROJECT.severity,
            format!(
                "{} project {} ({}) is missing from {}",
                p.table.id,
                p.name,
                show_amount(p.amount),
                missing.join(" and ")
            ),
            project_location(p),
            Some(p.name.to_owned()),
            None,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// K005.

fn empty_tables(cx: &mut Cx<'_>) {
    let d = cx.d;
    // A block opened by a caption is one only when table cells follow it (`markers::
    // is_caption_start`), so a list line that names a table never gets here.
    let tables: Vec<&Table> = d
        .tables
        .iter()
        .filter(|t| t.empty && t.note.as_deref().is_none_or(|n| n.trim().is_empty()))
        .collect();
    for t in tables {
        cx.emit_with(
            &EMPTY_TABLE_WITHOUT_NOTE,
            EMPTY_TABLE_WITHOUT_NOTE.severity,
            format!("{} {} has no rows and no note saying why", t.id, t.title),
            Location {
                table: Some(t.id.clone()),
                ..Location::line(t.loc.line)
            },
            None,
            None,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// K008.

fn notes_of_empty_tables(cx: &mut Cx<'_>) {
    let d = cx.d;
    let words = cx.grammars.document().folded_vocab("note_empty");
    for t in &d.tables {
        let Some(note) = t.note.as_deref() else {
            continue;
        };
        let folded = fold(note);
        if !words.iter().any(|w| folded.contains(w.as_str())) {
            continue;
        }
        let printed = t.rows.iter().find_map(|r| {
            r.values
                .iter()
                .zip(&t.columns)
                .find(|(v, _)| {
                    v.as_deref()
                        .and_then(|v| Decimal::from_str(v).ok())
                        .is_some_and(|v| !v.is_zero())
                })
                .map(|(v, c)| (r, c, v.clone().unwrap_or_default()))
        });
        if let Some((row, column, value)) = printed {
            cx.emit_with(
                &NOTE_CONTRADICTS_TABLE,
                NOTE_CONTRADICTS_TABLE.severity,
                format!(
                    "{} {}: the note says the table is empty (`{}`) but it prints {value} in column {column}",
                    t.id,
                    t.title,
                    excerpt(note, 40)
                ),
                Location {
                    table: Some(t.id.clone()),
                    row: row.name.clone().or_else(|| row.code.clone()),
                    column: Some(column.clone()),
                    ..Location::line(row.loc.line)
                },
                None,
                Some(value),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// K006.

/// One printed name of a project outside 表10.
struct Mention {
    name: String,
    amount: Option<Decimal>,
    place: String,
    line: usize,
}

/// A name as compared for K006: folded, a trailing generic suffix (`项目`) removed.
fn display_key(name: &str, suffixes: &[String]) -> String {
    let f = fold(name);
    match suffix_word(&f, suffixes) {
        Some(s) if f.len() > s.len() => f[..f.len() - s.len()].to_owned(),
        _ => f,
    }
}

fn project_names(cx: &mut Cx<'_>, projects: &[Project<'_>]) {
    if projects.is_empty() {
        return;
    }
    let d = cx.d;
    let mut mentions: Vec<Mention> = Vec::new();
    for t in d
        .tables
        .iter()
        .filter(|t| t.grammar == "overall_performance")
    {
        let unit = cx.unit_of(t).map(str::to_owned);
        for x in t.performance.iter().flat_map(|p| &p.projects) {
            let amount = x.year_budget.as_ref().and_then(|q| {
                let v = Decimal::from_str(q.value.as_deref()?).ok()?;
                to_wan(v, q.unit.as_deref().or(unit.as_deref()))
            });
            mentions.push(Mention {
                name: x.name.clone(),
                amount,
                place: t.id.clone(),
                line: x.loc.line,
            });
        }
    }
    for (t, name, line, amount) in performance_names(cx) {
        // A title is not a printed name of the project.
        let Some(line) = line else { continue };
        mentions.push(Mention {
            name,
            amount,
            place: t.id.clone(),
            line,
        });
    }
    let ranges = project_sections(cx);
    if !ranges.is_empty() {
        for s in narrative_projects(cx, &ranges).statements {
            let amount = s
                .amount
                .as_deref()
                .and_then(|v| Decimal::from_str(v).ok())
                .and_then(|v| to_wan(v, s.unit.as_deref()));
            mentions.push(Mention {
                name: s.subject.clone(),
                amount,
                place: "the narrative".to_owned(),
                line: s.loc.line,
            });
        }
    }
    // Each mention goes to the most similar 表10 project whose amount it matches.
    let mut assigned: Vec<Vec<&Mention>> = projects.iter().map(|_| Vec::new()).collect();
    for m in &mentions {
        let best = projects
            .iter()
            .enumerate()
            .filter(|(_, p)| match (p.amount, m.amount) {
                (Some(a), Some(b)) => a == b && same_name(p.name, &m.name),
                _ => same_project(p.name, &m.name),
            })
            .max_by(|(_, a), (_, b)| {
                similarity(a.name, &m.name).total_cmp(&similarity(b.name, &m.name))
            });
        if let Some((i, _)) = best
            && let Some(v) = assigned.get_mut(i)
        {
            v.push(m);
        }
    }
    let suffixes = vocab(cx, "narrative", "project_suffix");
    for (p, ms) in projects.iter().zip(assigned) {
        // Variants in order of first appearance, 表10's first.
        let mut variants: Vec<(String, String, Vec<String>)> = vec![(
            display_key(p.name, suffixes),
            p.name.to_owned(),
            vec![format!("{} line {}", p.table.id, p.row.loc.line)],
        )];
        for m in ms {
            let key = display_key(&m.name, suffixes);
            let place = format!("{} line {}", m.place, m.line);
            match variants.iter_mut().find(|(k, _, _)| *k == key) {
                Some((_, _, places)) => places.push(place),
                None => variants.push((key, m.name.clone(), vec![place])),
            }
        }
        if variants.len() < 2 {
            continue;
        }
        let listed = variants
            .iter()
            .map(|(_, name, places)| format!("`{name}` in {}", places.join(", ")))
            .collect::<Vec<_>>()
            .join("; ");
        let others = variants
            .iter()
            .skip(1)
            .map(|(_, name, _)| name.as_str())
            .collect::<Vec<_>>()
            .join(" | ");
        cx.emit_with(
            &PROJECT_NAME_MISMATCH,
            PROJECT_NAME_MISMATCH.severity,
            format!(
                "{} project {} ({}) goes by {} names: {listed}",
                p.table.id,
                p.name,
                show_amount(p.amount),
                variants.len()
            ),
            project_location(p),
            Some(p.name.to_owned()),
            Some(others),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// K007.

/// The 功能 tables (rows with 7-digit codes), best first: 表3, then 表5-1.
fn function_tables<'a>(cx: &Cx<'a>) -> Vec<&'a Table> {
    let d = cx.d;
    let mut out: Vec<&Table> = d
        .tables
        .iter()
        .filter(|t| {
            t.rows
                .iter()
                .any(|r| r.code.as_deref().is_some_and(|c| c.len() == 7))
        })
        .collect();
    out.sort_by_key(|t| (t.grammar != "expenditure_summary", t.loc.line));
    out
}

/// The name a table gives a code.
fn name_of<'a>(t: &'a Table, code: &str) -> Option<&'a Row> {
    t.rows.iter().find(|r| r.code.as_deref() == Some(code))
}

fn subject_names(cx: &mut Cx<'_>) {
    let tables = function_tables(cx);
    let Some(&main) = tables.first() else {
        return;
    };
    statement_paths(cx, &tables);
    class_names(cx, main);
}

/// 科目 statements whose path did not resolve: resolve by 项 name and amount, compare each level.
fn statement_paths(cx: &mut Cx<'_>, tables: &[&Table]) {
    let d = cx.d;
    for s in d
        .narrative
        .statements
        .iter()
        .filter(|s| s.subject_kind == "科目" && s.code.is_none() && !s.path.is_empty())
    {
        let Some(amount) = s
            .amount
            .as_deref()
            .and_then(|v| Decimal::from_str(v).ok())
            .and_then(|v| to_wan(v, s.unit.as_deref()))
        else {
            continue;
        };
        let len = match s.path.len() {
            1 => 3,
            2 => 5,
            3 => 7,
            _ => continue,
        };
        let Some(last) = s.path.last() else { continue };
        let mut codes: BTreeSet<(String, usize)> = BTreeSet::new();
        for (k, t) in tables.iter().enumerate() {
            let unit = cx.unit_of(t).map(str::to_owned);
            let col = t.columns.first().map_or("合计", String::as_str);
            for r in &t.rows {
                let (Some(code), Some(name)) = (r.code.as_deref(), r.name.as_deref()) else {
                    continue;
                };
                if code.len() == len
                    && fold(name) == fold(last)
                    && value(t, r, col).and_then(|v| to_wan(v, unit.as_deref())) == Some(amount)
                {
                    codes.insert((code.to_owned(), k));
                }
            }
        }
        let distinct: Vec<&str> = codes
            .iter()
            .map(|(c, _)| c.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let ([code], Some((_, k))) = (distinct.as_slice(), codes.first()) else {
            continue;
        };
        let Some(t) = tables.get(*k) else { continue };
        let mut diffs = Vec::new();
        for (level, name) in s.path.iter().enumerate() {
            let Some(prefix) = code.get(..3 + 2 * level) else {
                continue;
            };
            let Some(row) = name_of(t, prefix) else {
                continue;
            };
            let Some(printed) = row.name.as_deref() else {
                continue;
            };
            if fold(printed) != fold(name) {
                diffs.push((prefix.to_owned(), name.clone(), printed.to_owned()));
            }
        }
        if diffs.is_empty() {
            continue;
        }
        let said = diffs
            .iter()
            .map(|(c, n, p)| format!("{c} `{n}` where {} names it `{p}`", t.id))
            .collect::<Vec<_>>()
            .join("; ");
        cx.emit_with(
            &SUBJECT_NAME_MISMATCH,
            SUBJECT_NAME_MISMATCH.severity,
            format!(
                "the narrative names {said} ({} {})",
                code,
                show_amount(Some(amount))
            ),
            Location::line(s.loc.line),
            Some(
                diffs
                    .iter()
                    .map(|(_, _, p)| p.as_str())
                    .collect::<Vec<_>>()
                    .join(" | "),
            ),
            Some(
                diffs
                    .iter()
                    .map(|(_, n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(" | "),
            ),
        );
    }
}

/// 表1's 功能类 lines against 表3's 类 rows: a 类 of 表3 whose name 表1 does not print, and a 表1
/// line with its amount whose name 表3 does not print, are the same class under two names.
fn class_names(cx: &mut Cx<'_>, main: &Table) {
    let Some(t1) = cx.table("income_expenditure_summary") else {
        return;
    };
    let side = "支出";
    let Some(col1) = t1
        .columns
        .iter()
        .find(|c| c.split('/').next() == Some(side))
        .map(String::as_str)
    else {
        return;
    };
    let unit1 = cx.unit_of(t1).map(str::to_owned);
    let unit3 = cx.unit_of(main).map(str::to_owned);
    let col3 = main.columns.first().map_or("合计", String::as_str);
    let classes: Vec<&Row> = main
        .rows
        .iter()
        .filter(|r| r.code.as_deref().is_some_and(|c| c.len() == 3) && r.name.is_some())
        .collect();
    let class_names: BTreeSet<String> = classes
        .iter()
        .filter_map(|r| r.name.as_deref().map(fold))
        .collect();
    let lines: Vec<&Row> = t1
        .rows
        .iter()
        .filter(|r| r.side.as_deref() == Some(side) && r.ordinal.is_some() && r.name.is_some())
        .collect();
    let line_names: BTreeSet<String> = lines
        .iter()
        .filter_map(|r| r.name.as_deref().map(fold))
        .collect();
    for c in classes {
        let Some(name) = c.name.as_deref() else {
            continue;
        };
        if line_names.contains(&fold(name)) {
            continue;
        }
        let Some(amount) = value(main, c, col3)
            .and_then(|v| to_wan(v, unit3.as_deref()))
            .filter(|v| !v.is_zero())
        else {
            continue;
        };
        let candidates: Vec<&&Row> = lines
            .iter()
            .filter(|r| {
                r.name
                    .as_deref()
                    .is_some_and(|n| !class_names.contains(&fold(n)))
                    && value(t1, r, col1).and_then(|v| to_wan(v, unit1.as_deref())) == Some(amount)
            })
            .collect();
        let [line] = candidates.as_slice() else {
            continue;
        };
        let printed = line.name.as_deref().unwrap_or_default();
        cx.emit_with(
            &SUBJECT_NAME_MISMATCH,
            SUBJECT_NAME_MISMATCH.severity,
            format!(
                "{} names 功能类 `{printed}` ({}) where {} row {} names it `{name}`",
                t1.id,
                show_amount(Some(amount)),
                main.id,
                c.code.as_deref().unwrap_or_default()
            ),
            cell_location(t1, line, Some(col1)),
            Some(name.to_owned()),
            Some(printed.to_owned()),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn grammars_named_as_one_search_per_alias() {
        use super::{Captions, grammars_named};
        use crate::normalize::cells::fold;
        let grammars = crate::grammar::GrammarSet::builtin().expect("grammars");
        // The code the one search replaced: each grammar's aliases looked for in turn.
        let reference = |text: &str| -> Vec<&str> {
            let f = fold(text);
            let mut best = 0;
            let mut out = Vec::new();
            for g in &grammars.tables {
                let Some(len) = g
                    .captions
                    .iter()
                    .map(|c| fold(c))
                    .filter(|c| !c.is_empty() && f.contains(c.as_str()))
                    .map(|c| c.chars().count())
                    .max()
                else {
                    continue;
                };
                if len > best {
                    best = len;
                    out.clear();
                }
                if len == best {
                    out.push(g.name.as_str());
                }
            }
            out
        };
        let captions = Captions::new(&grammars);
        assert!(captions.search.is_some());
        let mut titles: Vec<String> = grammars
            .tables
            .iter()
            .flat_map(|g| g.captions.iter().cloned())
            .collect();
        titles.extend(
            [
                "2026年部门收支总表",
                "一般公共预算支出表（按功能分类）及政府性基金预算支出表",
                "目录",
                "",
            ]
            .map(String::from),
        );
        for t in &titles {
            assert_eq!(grammars_named(&captions, t), reference(t), "{t}");
        }
    }

    use crate::model::Dataset;
    use crate::validate::testkit::{findings, run, sample_lines, sample_with};

    fn lines_of(d: &Dataset, code: &str) -> Vec<usize> {
        findings(d, code).iter().map(|a| a.location.line).collect()
    }

    /// The sample's line `no` with `from` replaced by `to`.
    fn edited(no: usize, from: &str, to: &str) -> String {
        let line = sample_lines()[no - 1].clone();
        assert!(line.contains(from), "line {no}: {line}");
        line.replace(from, to)
    }

    #[test]
    fn sample_findings() {
        let d = sample_with(&[]);
        let got: Vec<(&str, usize)> = d
            .anomalies
            .iter()
            .filter(|a| a.rule.starts_with('K'))
            .map(|a| (a.rule, a.location.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("K002", 380),
                ("K004", 380),
                ("K006", 381),
                ("K006", 382),
                ("K001", 840)
            ],
            "{:?}",
            d.anomalies
        );
    }

    #[test]
    fn k001_project_count() {
        let d = sample_with(&[]);
        let f = findings(&d, "K001");
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].expected.as_deref(), f[0].actual.as_deref()),
            (Some("4"), Some("3"))
        );
        assert!(f[0].message.contains("表12 has 3"), "{}", f[0].message);
        let four = edited(840, "3个项目", "4个项目");
        let d = sample_with(&[(840, &four)]);
        assert!(
            findings(&d, "K001").is_empty(),
            "{:?}",
            findings(&d, "K001")
        );
        // A count of new projects is not the number of projects.
        let new = edited(840, "3个项目支出绩效目标", "新增1个项目");
        assert!(findings(&sample_with(&[(840, &new)]), "K001").is_empty());
    }

    #[test]
    fn k001_breakdown_count() {
        let bad = "截至2025年12月31日，部门共有车辆3辆。其中：业务用车1辆、执法执勤用车1辆。";
        let d = sample_with(&[(836, bad)]);
        let f = findings(&d, "K001");
        let at: Vec<usize> = f.iter().map(|a| a.location.line).collect();
        assert!(at.contains(&836), "{f:?}");
        let good = "截至2025年12月31日，部门共有车辆3辆。其中：业务用车1辆；执法执勤用车2辆（含越野车1辆）。";
        let d = sample_with(&[(836, good)]);
        assert!(
            !lines_of(&d, "K001").contains(&836),
            "{:?}",
            findings(&d, "K001")
        );
    }

    #[test]
    fn k002_k004_project_without_table_or_description() {
        let d = sample_with(&[]);
        for code in ["K002", "K004"] {
            let f = findings(&d, code);
            assert_eq!(f.len(), 1, "{code}: {f:?}");
            assert_eq!(f[0].location.row.as_deref(), Some("国密改造项目"));
        }
        assert!(findings(&d, "K004")[0].message.contains("表11"));
        // A project section that lists no project gives the total only; 表11's list still counts.
        let d = sample_with(&[(814, ""), (816, ""), (818, "")]);
        let f = findings(&d, "K004");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(!f[0].message.contains("narrative"), "{}", f[0].message);
        // Without that project, every project has its 表12 and its description.
        let d = sample_with(&[(380, "")]);
        assert!(
            findings(&d, "K002").is_empty(),
            "{:?}",
            findings(&d, "K002")
        );
        assert!(
            findings(&d, "K004").is_empty(),
            "{:?}",
            findings(&d, "K004")
        );
    }

    #[test]
    fn k003_missing_tables() {
        assert!(findings(&sample_with(&[]), "K003").is_empty());
        // 表7 deleted: the contents still list it.
        let blank: Vec<(usize, &str)> = (320..=332).map(|n| (n, "")).collect();
        let d = sample_with(&blank);
        let f = findings(&d, "K003");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].location.line, 17);
        assert_eq!(f[0].severity, "error");
        // A budget with one table lacks the other standard tables; an extract of one table does not.
        let table = [
            "表 8",
            "政府性基金预算支出表",
            "单位：万元",
            "科目编码\t科目名称\t合计\t基本支出\t项目支出",
            "备注:本单位 2026 年没有使用政府性基金拨款安排的支出",
        ];
        let mut whole = vec!["某局 2026 年部门预算", "第二部分 某局 2026 年部门预算表"];
        whole.extend(table);
        let d = run(&whole);
        assert_eq!(findings(&d, "K003").len(), 8, "{:?}", d.anomalies);
        let mut extract = vec!["某局 2026 年部门预算"];
        extract.extend(table);
        assert!(findings(&run(&extract), "K003").is_empty());
    }

    #[test]
    fn k005_empty_table_without_note() {
        let table = |note: &'static str| {
            run(&[
                "某局 2026 年部门预算",
                "表 8",
                "政府性基金预算支出表",
                "单位：万元",
                "科目编码\t科目名称\t合计\t基本支出\t项目支出",
                note,
            ])
        };
        assert!(findings(&table("备注:本单位 2026 年没有政府性基金支出"), "K005").is_empty());
        let d = table("");
        let f = findings(&d, "K005");
        assert_eq!(f.len(), 1, "{:?}", d.anomalies);
        assert_eq!(f[0].location.table.as_deref(), Some("表8"));
        // A table of blank rows (`合计` and nothing else) is empty too.
        let d = run(&[
            "某局 2026 年部门预算",
            "表 8",
            "政府性基金预算支出表",
            "单位：万元",
            "科目编码\t科目名称\t合计\t基本支出\t项目支出",
            "\t合计\t\t\t",
        ]);
        assert_eq!(findings(&d, "K005").len(), 1, "{:?}", d.anomalies);
    }

    #[test]
    fn k008_note_says_empty_but_amounts_printed() {
        let table = |row: &'static str| {
            run(&[
                "某局 2026 年部门预算",
                "表 8",
                "政府性基金预算支出表",
                "单位：万元",
                "科目编码\t科目名称\t合计\t基本支出\t项目支出",
                row,
                "注:本部门2026年无政府性基金预算，故本表为空表。",
            ])
        };
        let d = table("\t合计\t12.50\t12.50\t");
        let f = findings(&d, "K008");
        assert_eq!(f.len(), 1, "{:?}", d.anomalies);
        assert_eq!(f[0].actual.as_deref(), Some("12.50"));
        assert!(findings(&table("\t合计\t0.00\t\t"), "K008").is_empty());
    }

    #[test]
    fn k006_project_name_variants() {
        let d = sample_with(&[]);
        let f = findings(&d, "K006");
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(
            f[1].message
                .contains("`产业促进项目` in 表11 line 410, the narrative line 818")
        );
        // One name everywhere (a trailing 项目 in the narrative is not another name).
        let r381 = edited(381, "）租赁", "）办公用房租赁");
        let r410 = edited(410, "产业促进项目", "产业促进经费");
        let r818 = edited(818, "产业促进项目", "产业促进经费项目");
        let d = sample_with(&[(381, &r381), (410, &r410), (818, &r818)]);
        assert!(
            findings(&d, "K006").is_empty(),
            "{:?}",
            findings(&d, "K006")
        );
        // A similar name with another amount is another project, not a variant.
        let r410 = edited(410, "30 万元\t30 万元", "31 万元\t31 万元");
        let d = sample_with(&[(381, &r381), (410, &r410), (818, &r818)]);
        assert!(
            findings(&d, "K006").is_empty(),
            "{:?}",
            findings(&d, "K006")
        );
    }

    fn k007_doc(class_in_t1: &str, path: &str) -> Dataset {
        let sentence = format!(
            "1.{path}2026年预算数10.00万元，比2025年预算增加1.00万元，主要原因是新招录人员。"
        );
        let lines: Vec<String> = vec![
            "某局 2026 年部门预算".into(),
            "表 1".into(),
            "收支总表".into(),
            "单位：万元".into(),
            "收 入\t\t支 出\t".into(),
            "项 目\t预算数\t项 目\t预算数".into(),
            format!("一、一般公共预算拨款收入\t10.00\t一、{class_in_t1}\t10.00"),
            "本年收入合计\t10.00\t本年支出合计\t10.00".into(),
            "收 入 总 计\t10.00\t支 出 总 计\t10.00".into(),
            "".into(),
            "表 3".into(),
            "支出总表".into(),
            "单位：万元".into(),
            "科目编码\t科目名称\t合计\t基本支出\t项目支出".into(),
            "\t合计\t10.00\t10.00\t0.00".into(),
            "210\t卫生健康支出\t10.00\t10.00\t0.00".into(),
            "21011\t行政事业单位医疗\t10.00\t10.00\t0.00".into(),
            "2101101\t行政单位医疗\t10.00\t10.00\t0.00".into(),
            "".into(),
            "第三部分 某局 2026 年部门预算情况说明".into(),
            "".into(),
            "一、一般公共预算支出安排情况".into(),
            "".into(),
            sentence,
        ];
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        run(&refs)
    }

    #[test]
    fn k007_subject_names() {
        let good = k007_doc(
            "卫生健康支出",
            "卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）",
        );
        assert!(findings(&good, "K007").is_empty(), "{:?}", good.anomalies);
        let bad = k007_doc(
            "医疗卫生与计划生育支出",
            "医疗卫生与计划生育支出（类）行政事业单位医疗（款）行政单位医疗（项）",
        );
        let f = findings(&bad, "K007");
        assert_eq!(lines_of(&bad, "K007"), vec![7, 24], "{f:?}");
        assert!(
            f.iter()
                .all(|a| a.expected.as_deref() == Some("卫生健康支出"))
        );
    }
}
