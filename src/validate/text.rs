//! `Y` and `T` rules: years against the budget year, and the text quality of the narrative and of
//! the tables' text cells.
//!
//! Years (`Y`) read the narrative's statements (a statement's own year, the year it compares with)
//! and the document's titles: table titles and notes, part and section headings, the prior-year
//! columns of 表11. Text quality (`T`) reads the lines themselves: the narrative part rebuilt into
//! blocks (page breaks joined, as the narrative reader does) and the text cells of the table blocks.
//! Placeholders and doubled punctuation are looked for in every line but the table of contents.
//! Every word that varies by province comes from a vocabulary grammar (`placeholder` in
//! `document.layout`; `year_point_before`, `compare_actuals`, `reason_opener`, … in
//! `narrative.layout`).

use super::rules::{Rule, Severity};
use super::{Cx, value};
use crate::model::{Location, Statement, Table};
use crate::normalize::Line;
use crate::normalize::cells::{fold, fold_preimages, folded_chars, split_ordinal};
use crate::normalize::prose::{self, ProseBlock};
use crate::parse::markers;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::str::FromStr;

pub const STATEMENT_YEAR: Rule = Rule {
    code: "Y001",
    name: "statement-year-mismatch",
    kind: "year_mismatch",
    severity: Severity::Error,
    summary: "a 科目 or total figure of the narrative is given for a year other than the document's",
    doc: "## What it checks\nA statement of the narrative that gives a 科目's or a total's figure for a \
          year (`行政单位医疗(项) 2026年预算数 24.67 万元`, `2026 年部门收支总预算 4,335.95 万元`) must name \
          the document's year: the budget year of a 预算 document, the closed year of a 决算 document. \
          Checked for 科目 statements and for totals that compare with another year.\n\n## Why it \
          matters\nThe figure is this year's; a wrong year is a sentence copied from last year's \
          disclosure and not updated, and casts doubt on the figure itself.\n\n## Example\n\
          `7. 卫生健康支出(类) 行政事业单位医疗(款) 行政单位医疗(项) 2025年预算数 24.67 万元, 比 2025 预算增加…` \
          in a 2026 budget → Y001.",
};

pub const COMPARED_YEAR: Rule = Rule {
    code: "Y002",
    name: "comparison-year-mismatch",
    kind: "year_mismatch",
    severity: Severity::Error,
    summary: "a change is stated against a year other than the one the document compares with",
    doc: "## What it checks\nA budget (预算) compares with the previous year's budget: `比2025年预算` in a \
          2026 budget. A comparison with actuals (`比2024年决算数`, `预计执行数`) may name the previous year \
          or the one before. A final-accounts (决算) document compares with its own year's budget (决算 \
          vs 年初预算) or with the previous year's accounts; both are accepted. Comparisons with a point \
          in time (`比2024年末`) are not checked.\n\n## Why it matters\nA change against the wrong year is \
          either a stale sentence or a wrong figure; either way the reader cannot verify it.\n\n\
          ## Example\n`比2024年预算增加960.28万元` in a 2026 budget → Y002 (expected 2025).",
};

pub const HEADING_YEAR: Rule = Rule {
    code: "Y003",
    name: "heading-year-mismatch",
    kind: "year_mismatch",
    severity: Severity::Warning,
    summary: "a table title, table note, heading or 表11 year column names the wrong year",
    doc: "## What it checks\nYears printed in table titles and captions, table notes (`备注:本单位 2026 年没有…`), \
          part and section headings must be the document's year; the prior-year columns of 表11 \
          (`近两年收支金额`: `2025年`, `2024年`) must be the two years before it. Years that are a point in \
          time or a target (`截至2025年12月31日`, `截止 2030 年`, `2025年末`) are not the budget year and \
          are left alone.\n\n## Why it matters\nA heading with last year's date is the most visible trace \
          of a template that was copied and not updated.\n\n## Example\n`备注:本单位 2025 年没有使用政府性\
          基金拨款安排的支出` in a 2026 budget → Y003.",
};

pub const AS_OF_YEAR: Rule = Rule {
    code: "Y004",
    name: "as-of-date-year-mismatch",
    kind: "year_mismatch",
    severity: Severity::Warning,
    summary: "an `截至…` date (assets, vehicles) is not the date the document reports at",
    doc: "## What it checks\nThe narrative's state-of-assets sentences are dated `截至YYYY年M月D日` (the \
          `as_of_word` words of `narrative.layout`). A final-accounts (决算) document reports the state at \
          the end of its year: a year-end date (`12月31日`) must be in the document's year. A budget (预算) \
          is drafted during the year before: its `截至` date must be in the previous year.\n\n\
          ## Why it matters\nA stale date means the figures after it (vehicles, equipment) were copied from \
          an earlier disclosure and may not describe the year reported.\n\n## Example\n`截至2023年12月31日，\
          某局共有车辆0辆` in a 2024 决算 → Y004 (expected 2024).",
};

pub const DOUBLED_PUNCTUATION: Rule = Rule {
    code: "T001",
    name: "doubled-punctuation",
    kind: "text_quality",
    severity: Severity::Warning,
    summary: "a punctuation mark is printed twice in a row (`。。`, `，，`)",
    doc: "## What it checks\nA line with a doubled Chinese punctuation mark: `。。`, `，，`, `、、`, `；；`, \
          `：：`. Leader dots of a table of contents are not punctuation and are skipped.\n\n## Why it \
          matters\nA doubled mark is an editing slip; it often marks a place where a word or a figure \
          was deleted.\n\n## Example\n`主要原因是新招录人员。。` → T001.",
};

pub const UNBALANCED_BRACKETS: Rule = Rule {
    code: "T002",
    name: "unbalanced-brackets",
    kind: "text_quality",
    severity: Severity::Warning,
    summary: "a bracket or quotation mark is not closed, or closes nothing",
    doc: "## What it checks\nIn each paragraph of the narrative, and in the text cells of each table read \
          in order (a long cell wraps onto the next line), round \
          brackets (`（…）`, `(…)`; a full-width and a half-width mark make a pair), quotation marks \
          (`“…”`), `《…》` and `【…】` are balanced: every opening mark is closed and no closing mark \
          stands alone. A list marker such as `1）` is not a stray bracket.\n\n## Why it matters\nAn \
          unclosed bracket usually means text was cut; a stray closing quote, a mark typed the wrong \
          way round.\n\n## Example\n`社会保障和就业支出（类）行政事业单位养老支出（款 行政单位离退休（项）` → \
          T002.",
};

pub const TRUNCATED_SENTENCE: Rule = Rule {
    code: "T003",
    name: "truncated-sentence",
    kind: "text_quality",
    severity: Severity::Warning,
    summary: "a sentence of the narrative stops short, or a paragraph ends without a full stop",
    doc: "## What it checks\nA reason opener or connector followed directly by the end of the sentence \
          (`主要原因是。`, `主要用于：。`), an announcement (`其中：`) that nothing follows before the next \
          top-level heading or the end of the narrative (warning); and a paragraph that is not a heading \
          but ends without terminal punctuation (info).\n\n## Why it matters\nThe reason or the list the \
          sentence announces was left out, or the end of the sentence was lost.\n\n## Example\n\
          `…比2025年预算增加960.28万元，增长28.4%，主要原因是。` → T003; a paragraph ending \
          `…二是新增云平台改造项目` → T003 (info).",
};

pub const PLACEHOLDER: Rule = Rule {
    code: "T004",
    name: "template-placeholder",
    kind: "text_quality",
    severity: Severity::Error,
    summary: "a template placeholder (`XX`, `××`, `某某`, `增加（减少）`) was left in the text",
    doc: "## What it checks\nEvery line but the table of contents, for the placeholders of the \
          disclosure templates (the `placeholder` list of `document.layout`): `XX`, `XXX`, `××`, `某某`, \
          `XX局`, and the either-or wording the template leaves to the author (`增加（减少）`, `增长（下降）`, \
          `大于（小于）`). A Latin placeholder counts only when no Latin letter or digit touches it, so codes \
          and words (`XXL`) are not placeholders.\n\n## Why it matters\nA published document must not \
          contain template text; where a placeholder stands, a figure or a name is missing.\n\n\
          ## Example\n`XX局2026年部门预算收入…` → T004.",
};

pub const DOUBLED_CHARACTER: Rule = Rule {
    code: "T005",
    name: "doubled-character-across-wrap",
    kind: "text_quality",
    severity: Severity::Info,
    summary: "a Chinese character is repeated on both sides of a line wrap (`蓬勃 勃发展`)",
    doc: "## What it checks\nInside a narrative line or a table cell, the same Chinese character right \
          before and right after a space, with text attached on both sides (`新兴产业蓬勃 勃发展`): the \
          mark of a wrap where the character was typed twice. Letter-spaced headings (`收 入 总 计`) \
          are not affected.\n\n## Why it matters\nA typo to correct; reported as info because a word can \
          legitimately repeat a character.\n\n## Example\n`新兴产业蓬勃 勃发展` in a 表12 goal → T005.",
};

pub static RULES: &[&Rule] = &[
    &STATEMENT_YEAR,
    &COMPARED_YEAR,
    &HEADING_YEAR,
    &AS_OF_YEAR,
    &DOUBLED_PUNCTUATION,
    &UNBALANCED_BRACKETS,
    &TRUNCATED_SENTENCE,
    &PLACEHOLDER,
    &DOUBLED_CHARACTER,
];

/// Runs this family's checks.
pub fn check(cx: &mut Cx<'_>) {
    statement_years(cx);
    heading_years(cx);
    line_checks(cx);
    // The narrative's lines and the tables' text cells are read by several checks: found once.
    let narrative = narrative_lines(cx);
    let blocks = prose::join_page_breaks(&narrative, &mut Vec::new());
    as_of_years(cx, &blocks);
    unbalanced_in_blocks(cx, &blocks);
    truncated(cx, &blocks);
    let d = cx.d;
    let cells: Vec<Vec<(usize, &str)>> = d.tables.iter().map(|t| text_cells(cx, t)).collect();
    unbalanced_in_cells(cx, &cells);
    doubled_characters(cx, &narrative, &cells);
}

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by the K rules).

/// A word list of a vocabulary grammar (`document`, `narrative`); empty when absent.
pub(crate) fn vocab<'a>(cx: &Cx<'a>, grammar: &str, name: &str) -> &'a [String] {
    let grammars = cx.grammars;
    grammars.vocabulary(grammar).map_or(&[], |g| g.vocab(name))
}

/// The longest word of `words` that `text` starts with.
pub(crate) fn prefix_word<'w>(text: &str, words: &'w [String]) -> Option<&'w str> {
    words
        .iter()
        .filter(|w| !w.is_empty() && text.starts_with(w.as_str()))
        .max_by_key(|w| w.len())
        .map(String::as_str)
}

/// The longest word of `words` that `text` ends with.
pub(crate) fn suffix_word<'w>(text: &str, words: &'w [String]) -> Option<&'w str> {
    words
        .iter()
        .filter(|w| !w.is_empty() && text.ends_with(w.as_str()))
        .max_by_key(|w| w.len())
        .map(String::as_str)
}

/// The text of line `no` (1-based), or "" when there is none.
pub(crate) fn line_text<'a>(cx: &Cx<'a>, no: usize) -> &'a str {
    let lines: &'a [Line] = cx.lines;
    no.checked_sub(1)
        .and_then(|i| lines.get(i))
        .map_or("", |l| l.text.as_str())
}

/// The narrative parts' lines, in order, as the parser delimits them.
pub(crate) fn narrative_lines(cx: &Cx<'_>) -> Vec<Line> {
    crate::parse::narrative_lines(cx.lines, cx.parts())
        .into_iter()
        .cloned()
        .collect()
}

/// The lines of a table block (`t.loc.line..=t.end_line`).
pub(crate) fn table_lines<'a>(cx: &Cx<'a>, t: &Table) -> &'a [Line] {
    let lines: &'a [Line] = cx.lines;
    let start = t.loc.line.saturating_sub(1);
    let end = t.end_line.min(lines.len());
    lines.get(start..end).unwrap_or(&[])
}

/// True for a Han character (not punctuation).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// The first `n` characters of a text, with `…` when cut.
pub(crate) fn excerpt(text: &str, n: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= n {
        t.to_owned()
    } else {
        format!("{}…", t.chars().take(n).collect::<String>())
    }
}

/// A table-of-contents entry (dot leaders or a trailing page number).
fn is_toc(text: &str) -> bool {
    markers::is_toc_line(text)
}

/// `第三部分 …` (also as a table-of-contents entry).
fn is_part_heading(text: &str) -> bool {
    let t = text.trim_start();
    let Some(rest) = t.strip_prefix('第') else {
        return false;
    };
    let numerals: String = rest
        .chars()
        .take_while(|c| "一二三四五六七八九十廿".contains(*c))
        .collect();
    !numerals.is_empty() && rest[numerals.len()..].starts_with("部分")
}

// ---------------------------------------------------------------------------------------------
// Years.

/// A year printed as `2026 年` / `2026年度`: byte range of the digits, and the end of `年`/`年度`.
#[derive(Debug, Clone, Copy)]
struct YearAt {
    start: usize,
    end: usize,
    year: i32,
}

/// Every `NNNN 年` of a text (1990–2099; a four-digit run, not part of a longer number).
fn years_in(text: &str) -> Vec<YearAt> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let before_ok = start == 0 || !matches!(bytes[start - 1], b'.' | b',');
        if i - start != 4 || !before_ok {
            continue;
        }
        let Ok(year) = text[start..i].parse::<i32>() else {
            continue;
        };
        if !(1990..=2099).contains(&year) {
            continue;
        }
        let rest = &text[i..];
        let trimmed = rest.trim_start();
        let Some(after) = trimmed.strip_prefix('年') else {
            continue;
        };
        let after = after.strip_prefix('度').unwrap_or(after);
        out.push(YearAt {
            start,
            end: text.len() - after.len(),
            year,
        });
    }
    out
}

/// True when the year is a point in time, a range bound or a target rather than the year a figure is
/// for: `截至2025年12月31日`, `截止 2030 年`, `2025年末`, `2024—2026年`.
fn is_point_year(cx: &Cx<'_>, text: &str, y: &YearAt) -> bool {
    let before = text[..y.start].trim_end();
    if suffix_word(before, vocab(cx, "narrative", "year_point_before")).is_some()
        || before.ends_with(['-', '—', '–', '~', '～', '－'])
    {
        return true;
    }
    let after = text[y.end..].trim_start();
    if prefix_word(after, vocab(cx, "narrative", "year_point_after")).is_some() {
        return true;
    }
    // `2025年12月`: a date.
    let digits = after.trim_start_matches(|c: char| c.is_ascii_digit());
    digits.len() < after.len() && digits.trim_start().starts_with('月')
}

/// The document year and kind, when both are known.
fn budget_year(cx: &Cx<'_>) -> Option<(i32, &'static str)> {
    let doc = &cx.d.document;
    let year = doc.year?;
    let kind = doc.kind.as_deref()?;
    let budget = vocab(cx, "document", "kind_budget");
    let final_ = vocab(cx, "document", "kind_final");
    if final_.iter().any(|w| kind.contains(w.as_str())) {
        Some((year, "决算"))
    } else if budget.iter().any(|w| kind.contains(w.as_str())) {
        Some((year, "预算"))
    } else {
        None
    }
}

/// True when `text` prints `year` as a budget/final year: `2025年预算数`, `2026 年部门收支总预算`
/// (the year, then within the clause a `year_context` word).
fn year_of_figure(cx: &Cx<'_>, text: &str, year: i32) -> bool {
    let context = vocab(cx, "narrative", "year_context");
    years_in(text).iter().filter(|y| y.year == year).any(|y| {
        let clause: String = text[y.end..]
            .chars()
            .take_while(|c| !"，。；,;：:".contains(*c))
            .take(16)
            .collect();
        context.iter().any(|w| clause.contains(w.as_str()))
    })
}

fn statement_location(s: &Statement) -> Location {
    Location {
        line: s.loc.line,
        page: s.loc.page,
        ..Location::default()
    }
}

/// Y001 and Y002 over the narrative's statements.
fn statement_years(cx: &mut Cx<'_>) {
    let Some((year, kind)) = budget_year(cx) else {
        return;
    };
    let d = cx.d;
    for s in &d.narrative.statements {
        if let Some(y) = s.year
            && y != year
            && (s.subject_kind == "科目"
                || (s.subject_kind == "total"
                    && (s.change.is_some()
                        || s.compared_year.is_some()
                        || in_tables(cx, s))))
            && year_of_figure(cx, &s.text, y)
            // `2025年预算数…，2026年预算数…`: a prior-year figure given beside this year's.
            && !year_of_figure(cx, line_text(cx, s.loc.line), year)
            && is_current_figure(cx, s)
        {
            cx.emit_with(
                &STATEMENT_YEAR,
                STATEMENT_YEAR.severity,
                format!(
                    "statement `{}` gives its {kind} figure {} for {y}年 in a {year} {kind} document",
                    excerpt(&s.subject, 40),
                    s.amount.as_deref().unwrap_or("?"),
                ),
                statement_location(s),
                Some(year.to_string()),
                Some(y.to_string()),
            );
        }
        if let Some(cy) = s.compared_year {
            compared_year(cx, s, cy, year, kind);
        }
    }
}

/// An amount in 万元, from a value in `unit` (`元`, `万元`, `亿元`; none: 万元).
pub(crate) fn to_wan(v: Decimal, unit: Option<&str>) -> Option<Decimal> {
    match unit {
        None | Some("万元") => Some(v),
        Some("元") => Some(v / Decimal::from(10_000)),
        Some("千元") => Some(v / Decimal::from(10)),
        Some("亿元") => Some(v * Decimal::from(10_000)),
        Some(_) => None,
    }
}

/// False when the statement's 科目 has a row in a 功能 table whose total differs from the stated
/// amount: then the figure may well be the other year's, and the year is not known to be wrong.
fn is_current_figure(cx: &Cx<'_>, s: &Statement) -> bool {
    let Some(code) = s.code.as_deref() else {
        return true;
    };
    let Some(amount) = statement_amount(s) else {
        return true;
    };
    let d = cx.d;
    let mut printed = d.tables.iter().filter_map(|t| {
        let row = t.rows.iter().find(|r| r.code.as_deref() == Some(code))?;
        let col = t.columns.first()?;
        value(t, row, col).and_then(|v| to_wan(v, cx.unit_of(t)))
    });
    printed.next().is_none_or(|v| v == amount)
}

/// A statement's amount in 万元.
fn statement_amount(s: &Statement) -> Option<Decimal> {
    s.amount
        .as_deref()
        .and_then(|v| Decimal::from_str(v).ok())
        .and_then(|v| to_wan(v, s.unit.as_deref()))
}

/// True when a non-zero amount of the statement is printed in a table: a figure of the document's
/// own year.
fn in_tables(cx: &Cx<'_>, s: &Statement) -> bool {
    let Some(amount) = statement_amount(s).filter(|a| !a.is_zero()) else {
        return false;
    };
    let d = cx.d;
    d.tables.iter().any(|t| {
        let unit = cx.unit_of(t);
        t.rows.iter().any(|r| {
            t.columns
                .iter()
                .any(|c| value(t, r, c).and_then(|v| to_wan(v, unit)) == Some(amount))
        })
    })
}

/// What the words after a compared year say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Against {
    Budget,
    Actuals,
    Point,
}

fn comparison_kind(cx: &Cx<'_>, text: &str, cy: i32) -> Against {
    let actuals = vocab(cx, "narrative", "compare_actuals");
    let digits = cy.to_string();
    let mut pos = 0;
    while let Some(i) = text.get(pos..).and_then(|t| t.find(&digits)) {
        let at = pos + i;
        let end = at + digits.len();
        pos = end;
        let y = YearAt {
            start: at,
            end,
            year: cy,
        };
        let after = text[end..].trim_start();
        let after = after.strip_prefix('年').unwrap_or(after);
        let after = after.strip_prefix('度').unwrap_or(after);
        let y = YearAt {
            end: text.len() - after.len(),
            ..y
        };
        if is_point_year(cx, text, &y) {
            return Against::Point;
        }
        let clause: String = after.chars().take(8).collect();
        if actuals.iter().any(|w| clause.contains(w.as_str())) {
            return Against::Actuals;
        }
    }
    Against::Budget
}

fn compared_year(cx: &mut Cx<'_>, s: &Statement, cy: i32, year: i32, kind: &str) {
    let against = comparison_kind(cx, &s.text, cy);
    let allowed: Vec<i32> = match (kind, against) {
        (_, Against::Point) => return,
        ("决算", _) => vec![year, year - 1],
        (_, Against::Actuals) => vec![year - 1, year - 2],
        _ => vec![year - 1],
    };
    if allowed.contains(&cy) {
        return;
    }
    let expected = allowed
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(" or ");
    cx.emit_with(
        &COMPARED_YEAR,
        COMPARED_YEAR.severity,
        format!(
            "statement `{}` compares with {cy}年 in a {year} {kind} document, expected {expected}年",
            excerpt(&s.subject, 40)
        ),
        statement_location(s),
        Some(expected),
        Some(cy.to_string()),
    );
}

/// The first line of a table block whose folded text contains `text` folded.
fn line_of(cx: &Cx<'_>, t: &Table, text: &str) -> usize {
    let want = fold(text);
    if want.is_empty() {
        return t.loc.line;
    }
    table_lines(cx, t)
        .iter()
        .find(|l| fold(&l.text).contains(&want))
        .map_or(t.loc.line, |l| l.no)
}

/// Years of `text` that are neither the document year nor a point in time.
/// Years inside `《…》` or `“…”` (the title of a document cited) are not checked.
fn wrong_years(cx: &Cx<'_>, text: &str, year: i32) -> Vec<i32> {
    let quoted = |at: usize| {
        let before = &text[..at];
        before.matches('《').count() > before.matches('》').count()
            || before.matches('“').count() > before.matches('”').count()
    };
    let mut out: Vec<i32> = years_in(text)
        .iter()
        .filter(|y| y.year != year && !is_point_year(cx, text, y) && !quoted(y.start))
        .map(|y| y.year)
        .collect();
    out.dedup();
    out
}

/// Clause punctuation: a numbered sentence, not a title.
fn has_clause_punctuation(text: &str) -> bool {
    text.contains(['，', '。', '；', ';'])
}

/// Y003: titles, notes, headings and 表11's year columns.
fn heading_years(cx: &mut Cx<'_>) {
    let Some((year, kind)) = budget_year(cx) else {
        return;
    };
    let d = cx.d;
    let mut found: Vec<(String, String, Location, Vec<i32>)> = Vec::new();
    for t in &d.tables {
        let titles = std::iter::once(("title", Some(t.title.as_str())))
            .chain(std::iter::once(("caption", t.caption.as_deref())))
            .chain(std::iter::once(("note", t.note.as_deref())));
        for (what, text) in titles {
            let Some(text) = text else { continue };
            let wrong = wrong_years(cx, text, year);
            if wrong.is_empty() {
                continue;
            }
            let location = Location {
                table: Some(t.id.clone()),
                ..Location::line(line_of(cx, t, text))
            };
            found.push((format!("{} {what}", t.id), text.to_owned(), location, wrong));
        }
    }
    let past = vocab(cx, "narrative", "year_past_heading");
    for s in &d.narrative.sections {
        // A numbered sentence is not a title; a heading on last year's execution names that year.
        if has_clause_punctuation(&s.heading)
            || (kind == "预算" && past.iter().any(|w| s.heading.contains(w.as_str())))
        {
            continue;
        }
        let wrong = wrong_years(cx, &s.heading, year);
        if !wrong.is_empty() {
            found.push((
                "section heading".into(),
                s.heading.clone(),
                Location::line(s.loc.line),
                wrong,
            ));
        }
    }
    for l in cx.lines.iter().filter(|l| is_part_heading(&l.text)) {
        let wrong = wrong_years(cx, &l.text, year);
        if !wrong.is_empty() {
            let what = if is_toc(&l.text) {
                "table-of-contents entry"
            } else {
                "part heading"
            };
            found.push((
                what.into(),
                l.text.trim().to_owned(),
                Location::line(l.no),
                wrong,
            ));
        }
    }
    for (what, text, location, wrong) in found {
        let years = wrong
            .iter()
            .map(|y| format!("{y}年"))
            .collect::<Vec<_>>()
            .join(", ");
        cx.emit_with(
            &HEADING_YEAR,
            HEADING_YEAR.severity,
            format!(
                "{what} `{}` names {years} in a {year} {kind} document",
                excerpt(&text, 50)
            ),
            location,
            Some(year.to_string()),
            Some(years),
        );
    }
    if kind == "预算" {
        prior_year_columns(cx, year);
    }
}

/// 表11's `近两年收支金额` columns must be the two years before the budget year, latest first.
fn prior_year_columns(cx: &mut Cx<'_>, year: i32) {
    let d = cx.d;
    for t in d
        .tables
        .iter()
        .filter(|t| t.grammar == "overall_performance")
    {
        let Some(p) = &t.performance else { continue };
        let mut labels: BTreeSet<(i32, String)> = BTreeSet::new();
        for line in &p.funding {
            for key in line.values.keys() {
                if let [y] = years_in(key).as_slice()
                    && fold(key).len() == fold(&key[y.start..y.end]).len()
                {
                    labels.insert((y.year, key.clone()));
                }
            }
        }
        if labels.is_empty() {
            continue;
        }
        let printed: Vec<i32> = labels.iter().rev().map(|(y, _)| *y).collect();
        let expected: Vec<i32> = (1..=printed.len() as i32).map(|k| year - k).collect();
        if printed == expected {
            continue;
        }
        let show = |v: &[i32]| {
            v.iter()
                .map(|y| format!("{y}年"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let first = labels
            .iter()
            .next_back()
            .map(|(_, k)| k.clone())
            .unwrap_or_default();
        let line = line_of(cx, t, &first);
        cx.emit_with(
            &HEADING_YEAR,
            HEADING_YEAR.severity,
            format!(
                "{} prior-year columns are {} in a {year} budget, expected {}",
                t.id,
                show(&printed),
                show(&expected)
            ),
            Location {
                table: Some(t.id.clone()),
                ..Location::line(line)
            },
            Some(show(&expected)),
            Some(show(&printed)),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Text quality.

/// Marks that are never doubled in prose.
const DOUBLED_MARKS: &[char] = &['。', '，', '、', '；', '：'];

/// A small set of characters, found in a text by its bytes: a character ends with one of few pairs
/// of bytes, so a table of the members' last two bytes passes over nearly every byte of a text
/// without decoding it. (The last byte alone is shared by about one Chinese character in four: a
/// table of last bytes decodes far more characters than it finds.)
struct CharSet {
    /// Bit `prev << 8 | last` is set when a member's UTF-8 encoding ends with the bytes `prev, last`
    /// (for a one-byte member, with `last` after any byte).
    pairs: Box<[u64; 1024]>,
    /// Whether a member's UTF-8 encoding ends with this byte: the first, cheapest test.
    last: [bool; 256],
    chars: Vec<char>,
}

impl CharSet {
    fn new(chars: impl IntoIterator<Item = char>) -> Self {
        let mut chars: Vec<char> = chars.into_iter().collect();
        chars.sort_unstable();
        chars.dedup();
        let mut pairs = Box::new([0u64; 1024]);
        let mut last = [false; 256];
        let mut set = |key: usize| pairs[key >> 6] |= 1 << (key & 63);
        for c in &chars {
            let mut buf = [0; 4];
            match *c.encode_utf8(&mut buf).as_bytes() {
                [b] => {
                    last[usize::from(b)] = true;
                    (0..256).for_each(|prev| set(prev << 8 | usize::from(b)));
                }
                [.., prev, b] => {
                    last[usize::from(b)] = true;
                    set(usize::from(prev) << 8 | usize::from(b));
                }
                [] => {}
            }
        }
        CharSet { pairs, last, chars }
    }

    fn contains(&self, c: char) -> bool {
        self.chars.contains(&c)
    }

    /// Whether a member may end with the bytes `prev, last`.
    fn may_end(&self, prev: u8, last: u8) -> bool {
        let key = usize::from(prev) << 8 | usize::from(last);
        self.pairs[key >> 6] & (1 << (key & 63)) != 0
    }

    /// The members in `text`, in order: (byte offset, character).
    fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, char)> + 't {
        let bytes = text.as_bytes();
        bytes
            .iter()
            .enumerate()
            .filter(|&(_, &b)| self.last[usize::from(b)])
            .filter(move |&(i, &b)| {
                let prev = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
                self.may_end(prev.unwrap_or(0), b)
            })
            .filter_map(move |(i, _)| {
                // The character that ends at this byte, if one does.
                let c = text.get(..=i)?.chars().next_back()?;
                self.contains(c).then(|| (i + 1 - c.len_utf8(), c))
            })
    }
}

/// T001 and T004: every line but the table of contents. One pass over a line's characters tells
/// whether it may hold either finding; the few lines that may are then read for it.
fn line_checks(cx: &mut Cx<'_>) {
    let words = vocab(cx, "document", "placeholder");
    let placeholders = (!words.is_empty()).then(|| Placeholders::new(words));
    let no_words = CharSet::new([]);
    let starts = placeholders.as_ref().map_or(&no_words, |p| &p.starts);
    let either = CharSet::new(starts.chars.iter().chain(DOUBLED_MARKS).copied());
    let lines: &[Line] = cx.lines;
    for l in lines {
        let (doubled, start) = line_flags(&l.text, &either, starts);
        if doubled {
            doubled_punctuation(cx, l);
        }
        if start && let Some(p) = &placeholders {
            placeholders_in(cx, l, p);
        }
    }
}

/// (Does `text` print a mark of [`DOUBLED_MARKS`] twice in a row, does it hold a character of
/// `starts`?), in one pass over its bytes; `either` is `starts` and the marks.
fn line_flags(text: &str, either: &CharSet, starts: &CharSet) -> (bool, bool) {
    let (mut doubled, mut start) = (false, false);
    for (at, c) in either.find_iter(text) {
        start = start || starts.contains(c);
        doubled =
            doubled || (DOUBLED_MARKS.contains(&c) && text[at + c.len_utf8()..].starts_with(c));
        if doubled && start {
            break;
        }
    }
    (doubled, start)
}

/// T001 on a line that doubles a mark.
fn doubled_punctuation(cx: &mut Cx<'_>, l: &Line) {
    if is_toc(&l.text) {
        return;
    }
    let chars: Vec<char> = l.text.chars().collect();
    let mut marks: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        // Four or more is a leader, not a slip.
        if DOUBLED_MARKS.contains(&c) && (2..=3).contains(&run) {
            let m: String = std::iter::repeat_n(c, run).collect();
            if !marks.contains(&m) {
                marks.push(m);
            }
        }
        i += run.max(1);
    }
    if !marks.is_empty() {
        found_in_line(
            cx,
            &DOUBLED_PUNCTUATION,
            "doubled punctuation",
            "in",
            &marks,
            l,
        );
    }
}

/// A finding on line `l` that names what was `found` in it (each in backticks) and shows the line.
fn found_in_line(cx: &mut Cx<'_>, rule: &Rule, what: &str, how: &str, found: &[String], l: &Line) {
    let shown = found.join("`, `");
    cx.emit_with(
        rule,
        rule.severity,
        format!("{what} `{shown}` {how} `{}`", excerpt(&l.text, 40)),
        Location::line(l.no),
        None,
        Some(found.join(" ")),
    );
}

fn is_ascii_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// The placeholder words as lines are searched for them: folded, longest first. Built once per
/// document, not once per line.
struct Placeholders {
    words: Vec<String>,
    /// The first character of each word.
    firsts: Vec<char>,
    /// The characters of a line as printed that fold to one of `firsts`. Folding maps characters
    /// one to one and drops whitespace, so it never splits a character: a line with none of these
    /// holds no placeholder, and is passed over without folding it.
    starts: CharSet,
    /// Finds any of `words` in a folded line: one without any holds no placeholder.
    any: Option<Rc<AhoCorasick>>,
}

impl Placeholders {
    fn new(words: &[String]) -> Self {
        let mut words: Vec<String> = words
            .iter()
            .map(|w| fold(w))
            .filter(|w| !w.is_empty())
            .collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let mut firsts: Vec<char> = words.iter().filter_map(|w| w.chars().next()).collect();
        firsts.sort_unstable();
        firsts.dedup();
        let starts = CharSet::new(firsts.iter().flat_map(|&c| fold_preimages(c)));
        let any = search_for(&words, MatchKind::Standard);
        Placeholders {
            words,
            firsts,
            starts,
            any,
        }
    }

    /// The placeholders of a line (folded), in order of appearance, each once. (A line without a
    /// character of `starts` has none: callers skip it.)
    fn find_in(&self, text: &str) -> Vec<String> {
        if self.any.is_some() && !self.may_hold(text) {
            return Vec::new();
        }
        let f = fold(text);
        if self.any.as_ref().is_some_and(|any| !any.is_match(&f)) {
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        let mut skip_to = 0;
        for (i, c) in f.char_indices() {
            if i < skip_to || !self.firsts.contains(&c) {
                continue;
            }
            let rest = &f[i..];
            let before = f[..i].chars().next_back();
            for w in &self.words {
                if !rest.starts_with(w.as_str()) {
                    continue;
                }
                let after = rest[w.len()..].chars().next();
                let latin_start = w.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
                let latin_end = w
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
                if (latin_start && is_ascii_word_char(before))
                    || (latin_end && is_ascii_word_char(after))
                {
                    continue;
                }
                if !out.contains(w) {
                    out.push(w.clone());
                }
                skip_to = i + w.len();
                break;
            }
        }
        out
    }
}

impl Placeholders {
    /// Whether `fold(text)` holds a word, found without folding the text: a word of the folded text
    /// begins at a character of `starts` of the text, and the folded characters from there spell it
    /// (folding maps the characters left one to one). Lines are long and placeholders rare: most
    /// lines are passed over after a few characters are read at each start.
    fn may_hold(&self, text: &str) -> bool {
        self.starts.find_iter(text).any(|(at, _)| {
            let rest = &text[at..];
            self.words.iter().any(|w| starts_folded(rest, w))
        })
    }
}

/// Whether the folded characters of `text` begin with `word`.
fn starts_folded(text: &str, word: &str) -> bool {
    let mut folded = folded_chars(text);
    word.chars().all(|c| folded.next() == Some(c))
}

/// T004 on a line that may hold a placeholder.
fn placeholders_in(cx: &mut Cx<'_>, l: &Line, words: &Placeholders) {
    let found = words.find_in(&l.text);
    if !found.is_empty() && !is_toc(&l.text) {
        found_in_line(
            cx,
            &PLACEHOLDER,
            "template placeholder",
            "left in",
            &found,
            l,
        );
    }
}

/// A family of paired marks.
struct Pair {
    open: &'static [char],
    close: &'static [char],
    name: &'static str,
}

const PAIRS: &[Pair] = &[
    Pair {
        open: &['（', '('],
        close: &['）', ')'],
        name: "bracket",
    },
    Pair {
        open: &['“'],
        close: &['”'],
        name: "quotation mark",
    },
    Pair {
        open: &['《'],
        close: &['》'],
        name: "title mark",
    },
    Pair {
        open: &['【'],
        close: &['】'],
        name: "square bracket",
    },
];

/// True for a mark of [`PAIRS`]: the cheap test that lets the bracket check pass over every other
/// character (kept in step with `PAIRS` by a test).
fn is_pair_mark(c: char) -> bool {
    matches!(
        c,
        '（' | '(' | '）' | ')' | '“' | '”' | '《' | '》' | '【' | '】'
    )
}

/// The first UTF-8 bytes of the marks of [`PAIRS`] (kept in step with it by a test): the bracket
/// check decodes only the characters that start with one of these, found by a vectorised search.
const PAIR_LEADS: [u8; 5] = [b'(', b')', 0xE2, 0xE3, 0xEF];

/// Byte offsets of the characters of `text` that start with a byte of [`PAIR_LEADS`], in order.
fn pair_candidates(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let [a1, a2, w1, w2, w3] = PAIR_LEADS;
    let mut ascii = memchr::memchr2_iter(a1, a2, bytes).peekable();
    let mut wide = memchr::memchr3_iter(w1, w2, w3, bytes).peekable();
    std::iter::from_fn(move || match (ascii.peek(), wide.peek()) {
        (Some(&a), Some(&w)) if a < w => ascii.next(),
        (Some(_), None) => ascii.next(),
        _ => wide.next(),
    })
}

/// True when the closing mark at byte `at` ends a list marker (`1）`, `a)`, `一)`), not a bracket.
fn is_list_marker(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let label: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || "一二三四五六七八九十".contains(*c))
        .collect();
    let n = label.chars().count();
    if n == 0 || n > 2 {
        return false;
    }
    let head = &before[..before.len() - label.len()];
    head.chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || "，。；：、,;:".contains(c))
}

/// The first imbalance of each family in `text`: (family, byte offset, what is wrong).
///
/// The families are independent; they are followed in one pass over the text (each stops at its
/// first stray closing mark), rather than one pass per family.
fn imbalances(text: &str) -> Vec<(&'static str, usize, &'static str, char)> {
    // Each family's open marks as a stack, kept as its depth and its bottom (the first mark still
    // open): nothing else of the stack is ever read.
    let mut depth = [0usize; PAIRS.len()];
    let mut bottom: [Option<(usize, char)>; PAIRS.len()] = [None; PAIRS.len()];
    let mut problem: [Option<(usize, &'static str, char)>; PAIRS.len()] = [None; PAIRS.len()];
    for i in pair_candidates(text) {
        let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
            continue;
        };
        if !is_pair_mark(c) {
            continue;
        }
        for (k, pair) in PAIRS.iter().enumerate() {
            if problem[k].is_some() {
                continue;
            }
            if pair.open.contains(&c) {
                if depth[k] == 0 {
                    bottom[k] = Some((i, c));
                }
                depth[k] += 1;
            } else if pair.close.contains(&c) {
                if depth[k] > 0 {
                    depth[k] -= 1;
                } else if !is_list_marker(text, i) {
                    problem[k] = Some((i, "closes nothing", c));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (k, pair) in PAIRS.iter().enumerate() {
        if problem[k].is_none()
            && depth[k] > 0
            && let Some((i, c)) = bottom[k]
        {
            problem[k] = Some((i, "is never closed", c));
        }
        if let Some((i, what, c)) = problem[k] {
            out.push((pair.name, i, what, c));
        }
    }
    out
}

/// The date after an `as_of_word` (` 2023 年 12 月 31 日`): (year, month, day); spaces may separate the
/// parts.
fn as_of_date(text: &str) -> Option<(i32, u32, u32)> {
    let mut rest = text.trim_start();
    let mut number = |max: usize, unit: char| -> Option<u32> {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > max {
            return None;
        }
        let n = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start().strip_prefix(unit)?.trim_start();
        Some(n)
    };
    let year = number(4, '年')?;
    let month = number(2, '月')?;
    let day = number(2, '日')?;
    Some((i32::try_from(year).ok()?, month, day))
}

/// Y004 over the narrative's blocks.
fn as_of_years(cx: &mut Cx<'_>, blocks: &[ProseBlock]) {
    let d = cx.d;
    let (Some(year), Some(kind)) = (d.document.year, d.document.kind.as_deref()) else {
        return;
    };
    let finals = cx.grammars.document().vocab("kind_final");
    let is_final = finals.iter().any(|w| kind.contains(w.as_str()));
    let words = vocab(cx, "narrative", "as_of_word");
    for b in blocks {
        for w in words {
            for (at, _) in b.text.match_indices(w.as_str()) {
                let Some((y, month, day)) = as_of_date(&b.text[at + w.len()..]) else {
                    continue;
                };
                let expected = if is_final {
                    if (month, day) != (12, 31) {
                        continue;
                    }
                    year
                } else {
                    year - 1
                };
                if y == expected {
                    continue;
                }
                let what = if is_final {
                    format!("a {year} 决算 reports the state at {year}年12月31日")
                } else {
                    format!("a {year} budget is drafted in {}", year - 1)
                };
                cx.emit_with(
                    &AS_OF_YEAR,
                    AS_OF_YEAR.severity,
                    format!(
                        "`{w}{y}年{month}月{day}日` in `{}`: {what}",
                        excerpt(&b.text[at..], 30)
                    ),
                    Location::line(b.line_at(at)),
                    Some(expected.to_string()),
                    Some(y.to_string()),
                );
            }
        }
    }
}

/// T002 over the narrative's blocks. A bracket left open at a paragraph's end and closed at the start
/// of the next, adjacent one is one paragraph split at a `。` inside the brackets, not an error.
fn unbalanced_in_blocks(cx: &mut Cx<'_>, blocks: &[ProseBlock]) {
    let adjacent = |a: &ProseBlock, b: &ProseBlock| matches!((a.lines.last(), b.lines.first()), (Some(&x), Some(&y)) if y == x + 1);
    let mut joined = vec![false; blocks.len()];
    for i in 1..blocks.len() {
        let (a, b) = (&blocks[i - 1], &blocks[i]);
        if adjacent(a, b)
            && !imbalances(&a.text).is_empty()
            && imbalances(&format!("{}{}", a.text, b.text)).is_empty()
        {
            joined[i - 1] = true;
            joined[i] = true;
        }
    }
    for (b, _) in blocks.iter().zip(&joined).filter(|(_, j)| !**j) {
        for (name, at, what, c) in imbalances(&b.text) {
            cx.emit_with(
                &UNBALANCED_BRACKETS,
                UNBALANCED_BRACKETS.severity,
                format!(
                    "{name} `{c}` {what} in the paragraph `{}`",
                    excerpt(&b.text, 40)
                ),
                Location::line(b.line_at(at)),
                None,
                Some(c.to_string()),
            );
        }
    }
}

/// The text cells of a table block that the cell checks may report on: (line, cell) for cells
/// holding a Chinese character, on lines that [`may_matter`].
fn text_cells<'a>(cx: &Cx<'a>, t: &Table) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    for l in table_lines(cx, t) {
        if !may_matter(&l.text) || markers::is_table_marker(&l.text) {
            continue;
        }
        for cell in cells(&l.text) {
            if cell.chars().any(is_han) {
                out.push((l.no, cell));
            }
        }
    }
    out
}

/// True when a line holds a space or a paired mark: the only lines whose cells the cell checks read.
/// T005 ([`doubled_in`]) looks at spaces only; T002 ([`imbalances`]) at paired marks only, and a
/// cell without one neither changes the count nor where a finding is placed (each cell is its own
/// line of the text read, so a list marker never reaches back into another cell). Most lines of a
/// table hold neither and are passed over without splitting them into cells.
fn may_matter(line: &str) -> bool {
    memchr::memchr(b' ', line.as_bytes()).is_some()
        || pair_candidates(line).any(|i| {
            line.get(i..)
                .and_then(|t| t.chars().next())
                .is_some_and(is_pair_mark)
        })
}

/// The cells of a line as [`split_cells`](crate::normalize::cells::split_cells) splits them (at tabs, else at runs of two or more
/// spaces), one at a time rather than collected: every line of every table block is split.
fn cells(line: &str) -> Cells<'_> {
    if memchr::memchr(b'\t', line.as_bytes()).is_some() {
        Cells::Tabs(Some(line))
    } else {
        Cells::Spaces(Some(line))
    }
}

/// The iterator of [`cells`].
enum Cells<'a> {
    /// The rest of the line, None once its last cell is given (cells are short: a plain scan
    /// finds each tab faster than a searcher set up per cell).
    Tabs(Option<&'a str>),
    /// The rest of the line, None once its last cell is given.
    Spaces(Option<&'a str>),
}

impl<'a> Iterator for Cells<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            Cells::Tabs(rest) => {
                let line = (*rest)?;
                match line.bytes().position(|b| b == b'\t') {
                    Some(k) => {
                        *rest = Some(&line[k + 1..]);
                        Some(&line[..k])
                    }
                    None => {
                        *rest = None;
                        Some(line)
                    }
                }
            }
            Cells::Spaces(rest) => {
                let line = (*rest)?;
                let bytes = line.as_bytes();
                let mut from = 0;
                while let Some(k) = memchr::memchr(b' ', &bytes[from..]) {
                    let at = from + k;
                    if bytes.get(at + 1) == Some(&b' ') {
                        let end = at + bytes[at..].iter().take_while(|&&b| b == b' ').count();
                        *rest = Some(&line[end..]);
                        return Some(&line[..at]);
                    }
                    from = at + 1;
                }
                *rest = None;
                Some(line)
            }
        }
    }
}

/// T002 over each table's text cells, read in order as one text: a long cell wraps onto the next
/// line, and a bracket opened before the wrap closes after it.
/// `cells[i]` are the text cells of table `i`.
fn unbalanced_in_cells(cx: &mut Cx<'_>, cells: &[Vec<(usize, &str)>]) {
    let d = cx.d;
    for (t, cells) in d.tables.iter().zip(cells) {
        let mut text = String::new();
        let mut offsets: Vec<(usize, usize)> = Vec::new();
        for &(line, cell) in cells {
            offsets.push((text.len(), line));
            text.push_str(cell);
            text.push('\n');
        }
        let line_at = |at: usize| {
            offsets
                .iter()
                .rev()
                .find(|(start, _)| *start <= at)
                .map_or(t.loc.line, |&(_, line)| line)
        };
        for (name, at, what, c) in imbalances(&text) {
            let cell_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let cell = text[cell_start..].lines().next().unwrap_or_default();
            cx.emit_with(
                &UNBALANCED_BRACKETS,
                UNBALANCED_BRACKETS.severity,
                format!(
                    "{name} `{c}` {what} in the {} cell `{}`",
                    t.id,
                    excerpt(cell, 40)
                ),
                Location {
                    table: Some(t.id.clone()),
                    ..Location::line(line_at(at))
                },
                None,
                Some(c.to_string()),
            );
        }
    }
}

/// Sentence ends that may not follow an opener directly.
const SENTENCE_ENDS: &[char] = &['。', '；', ';', '！', '!', '？', '?'];

/// A block that opens a top-level section or a part (`十一、…`, `第四部分`).
fn is_top_heading(text: &str) -> bool {
    is_part_heading(text)
        || matches!(split_ordinal(text), (Some(n), _) if !n.starts_with('（') && !n.starts_with('('))
}

/// What follows an opener or connector once `是`/`为`/a colon are skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// A sentence end with more text after it (`主要原因是。另…`).
    Stop,
    /// A sentence end that ends the block (`…主要原因是。`).
    StopAtEnd,
    /// A colon that ends the block (`其中：`): a list should follow.
    Announce,
    /// The end of the block, without punctuation (`…主要原因是`).
    Bare,
}

thread_local! {
    /// The searches built on this thread, with their match kind and words: every document of a run
    /// asks for the same few, and building one costs more than using it on a whole document.
    static SEARCHES: RefCell<Vec<BuiltSearch>> = const { RefCell::new(Vec::new()) };
}

/// A search as [`search_for`] keeps it: its match kind, its words, the search.
type BuiltSearch = (MatchKind, Vec<String>, Rc<AhoCorasick>);

/// A search for `words` (none empty), built once per thread, match kind and word list; None when
/// it cannot be built.
pub(crate) fn search_for(words: &[String], kind: MatchKind) -> Option<Rc<AhoCorasick>> {
    SEARCHES.with(|built| {
        let mut built = built.borrow_mut();
        if let Some((_, _, s)) = built.iter().find(|(k, w, _)| *k == kind && w == words) {
            return Some(Rc::clone(s));
        }
        // A contiguous NFA: a DFA searches a little faster but takes far longer to build (millions
        // of instructions for the caption aliases), once per worker thread.
        let s = Rc::new(
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .match_kind(kind)
                .build(words)
                .ok()?,
        );
        // Only a run with changing grammars (tests) builds more than a few.
        if built.len() >= 16 {
            built.clear();
        }
        built.push((kind, words.to_vec(), Rc::clone(&s)));
        Some(s)
    })
}

/// The reason openers and connectors, and a search for them that reads a text as [`prefix_word`]
/// at each character would: left to right, the longest word starting at a position, then on after
/// it.
struct Openers {
    /// The non-empty words, in vocabulary order (the search's pattern order).
    words: Vec<String>,
    /// None only when the search cannot be built: then each position is tried in turn.
    search: Option<Rc<AhoCorasick>>,
}

impl Openers {
    fn new(words: &[String]) -> Self {
        let nonempty: Vec<String> = words.iter().filter(|w| !w.is_empty()).cloned().collect();
        let search = search_for(&nonempty, MatchKind::LeftmostLongest);
        Openers {
            words: nonempty,
            search,
        }
    }

    /// The words found in `text`: (byte offset, word).
    fn find_in<'w>(&'w self, text: &str) -> Vec<(usize, &'w str)> {
        match &self.search {
            Some(search) => search
                .find_iter(text)
                .filter_map(|m| Some((m.start(), self.words.get(m.pattern().as_usize())?.as_str())))
                .collect(),
            None => self.scan(text),
        }
    }

    /// [`Self::find_in`] one character at a time.
    fn scan<'w>(&'w self, text: &str) -> Vec<(usize, &'w str)> {
        let mut out = Vec::new();
        let mut skip_to = 0;
        for (i, _) in text.char_indices() {
            if i < skip_to {
                continue;
            }
            if let Some(w) = prefix_word(&text[i..], &self.words) {
                skip_to = i + w.len();
                out.push((i, w));
            }
        }
        out
    }
}

/// Where an opener or connector is followed directly by the sentence end: (byte offset, word, how).
fn cut_openers(text: &str, openers: &Openers) -> Vec<(usize, String, Cut)> {
    let mut out = Vec::new();
    for (i, w) in openers.find_in(text) {
        let mut rest = &text[i + w.len()..];
        let mut colon = false;
        // `主要原因是：` / `主要原因为` / `其中：`.
        for _ in 0..3 {
            rest = rest.trim_start();
            if let Some(r) = rest.strip_prefix(['：', ':']) {
                colon = true;
                rest = r;
            } else {
                rest = rest.strip_prefix(['是', '为']).unwrap_or(rest);
            }
        }
        let rest = rest.trim_start();
        let cut = if rest.is_empty() {
            if colon { Cut::Announce } else { Cut::Bare }
        } else if rest.starts_with(SENTENCE_ENDS) {
            let after = rest.trim_start_matches(|c: char| {
                SENTENCE_ENDS.contains(&c) || c.is_whitespace() || "”’）)".contains(c)
            });
            if after.is_empty() {
                Cut::StopAtEnd
            } else {
                Cut::Stop
            }
        } else {
            continue;
        };
        out.push((i, w.to_owned(), cut));
    }
    out
}

/// T003 over the narrative's blocks. A reason opener needs its reason in the same sentence; a
/// connector or a colon may announce the blocks that follow (`其中：` ⏎ `1.…`), unless none does.
fn truncated(cx: &mut Cx<'_>, blocks: &[ProseBlock]) {
    let reasons = vocab(cx, "narrative", "reason_opener");
    let mut words: Vec<String> = reasons.to_vec();
    words.extend_from_slice(vocab(cx, "narrative", "connector"));
    let openers = Openers::new(&words);
    for (k, b) in blocks.iter().enumerate() {
        let text = b.text.trim_end();
        let next = blocks.get(k + 1);
        let nothing_follows = next.is_none_or(|n| is_top_heading(&n.text));
        let mut reported = false;
        for (at, w, cut) in cut_openers(text, &openers) {
            let reason = reasons.contains(&w);
            let flagged = match cut {
                Cut::Stop => true,
                Cut::StopAtEnd | Cut::Bare if reason => true,
                _ => nothing_follows,
            };
            if !flagged {
                continue;
            }
            let after = match cut {
                Cut::Stop | Cut::StopAtEnd if !nothing_follows || reason => {
                    "the end of its sentence"
                }
                _ if next.is_none() => "the end of the narrative",
                _ if cut == Cut::Bare && reason => "the end of the paragraph",
                _ => "the next section",
            };
            cx.emit_with(
                &TRUNCATED_SENTENCE,
                TRUNCATED_SENTENCE.severity,
                format!(
                    "`{w}` is followed by {after}, not by what it announces, in `{}`",
                    excerpt(&text[at..], 30)
                ),
                Location::line(b.line_at(at)),
                None,
                Some(w),
            );
            reported = true;
        }
        // Tab-separated blocks are small tables set in the text, not sentences.
        if reported || text.contains('\t') || prose::ends_sentence(text) || is_heading_block(text) {
            continue;
        }
        let tail: String = {
            let chars: Vec<char> = text.chars().collect();
            let from = chars.len().saturating_sub(15);
            chars[from..].iter().collect()
        };
        cx.emit_with(
            &TRUNCATED_SENTENCE,
            Severity::Info,
            format!("paragraph ends without a full stop: `…{tail}`"),
            Location::line(b.last_line()),
            Some("。".into()),
            None,
        );
    }
}

/// Headings, captions and other short title lines need no full stop; a numbered sentence does.
fn is_heading_block(text: &str) -> bool {
    if is_part_heading(text) {
        return true;
    }
    let (number, rest) = split_ordinal(text);
    let rest = rest.trim_end();
    if number.is_some() {
        // `（一）网络建设…910.02万元。主要用于…`: a run-in sentence is checked like a paragraph.
        let inner = rest.trim_end_matches(|c: char| !matches!(c, '。'));
        return inner.is_empty();
    }
    rest.chars().count() <= 30 && !rest.contains(['，', '。', ','])
}

/// The doubled characters of a text: (byte offset of the second, character).
///
/// A doubled character straddles a run of spaces: `蓬勃 勃发展` — two Chinese characters, the spaces,
/// the same character again and one more. Only the space runs are visited.
fn doubled_in(text: &str) -> Vec<(usize, char)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = memchr::memchr(b' ', &bytes[from..]) {
        let start = from + k;
        let end = start + bytes[start..].iter().take_while(|&&b| b == b' ').count();
        from = end;
        let mut before = text[..start].chars().rev();
        let (Some(c), Some(prev)) = (before.next(), before.next()) else {
            continue;
        };
        if !is_han(c) || !is_han(prev) {
            continue;
        }
        let mut after = text[end..].chars();
        if after.next() == Some(c) && after.next().is_some_and(is_han) {
            out.push((end, c));
        }
    }
    out
}

/// T005 over the narrative's lines and the tables' text cells (`cells[i]`: table `i`'s).
/// [`doubled_in`] gives the offset of each second copy.
fn doubled_characters(cx: &mut Cx<'_>, narrative: &[Line], cells: &[Vec<(usize, &str)>]) {
    let mut found: Vec<(Location, String, char, usize)> = Vec::new();
    for l in narrative {
        for (at, c) in doubled_in(&l.text) {
            found.push((Location::line(l.no), l.text.clone(), c, at));
        }
    }
    let d = cx.d;
    for (t, cells) in d.tables.iter().zip(cells) {
        for &(line, cell) in cells {
            for (at, c) in doubled_in(cell) {
                let location = Location {
                    table: Some(t.id.clone()),
                    ..Location::line(line)
                };
                found.push((location, cell.to_owned(), c, at));
            }
        }
    }
    for (location, text, c, second) in found {
        // The excerpt starts a few characters before the first copy, however many spaces follow it.
        let first = text.get(..second).map_or(0, |t| {
            t.trim_end_matches(' ').len().saturating_sub(c.len_utf8())
        });
        let start = text
            .get(..first)
            .and_then(|t| t.char_indices().rev().nth(5))
            .map_or(0, |(i, _)| i);
        cx.emit_with(
            &DOUBLED_CHARACTER,
            DOUBLED_CHARACTER.severity,
            format!(
                "`{c}` is printed on both sides of a wrap in `{}`",
                excerpt(&text[start..], 16)
            ),
            location,
            Some(c.to_string()),
            Some(format!("{c}{c}")),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testkit::{findings, run, sample_with};

    /// A small budget document: title, 表8 (empty, with its note), and a narrative part.
    fn doc(narrative: &[&str], note: &str) -> crate::model::Dataset {
        let mut lines = vec![
            "某局 2026 年部门预算",
            "",
            "第二部分 某局 2026 年部门预算表",
            "",
            "表 8",
            "政府性基金预算支出表",
            "单位：万元",
            "科目编码\t科目名称\t合计\t基本支出\t项目支出",
            note,
            "",
            "第三部分 某局 2026 年部门预算情况说明",
            "",
        ];
        lines.extend_from_slice(narrative);
        run(&lines)
    }

    const NOTE: &str = "备注:本单位 2026 年没有使用政府性基金拨款安排的支出";

    fn lines_of(d: &crate::model::Dataset, code: &str) -> Vec<usize> {
        findings(d, code).iter().map(|a| a.location.line).collect()
    }

    #[test]
    fn y001_statement_year() {
        let good = doc(
            &[
                "一、收支预算总体安排情况",
                "2026 年部门收支总预算 10.00 万元，比 2025 年预算增加 1.00 万元，主要原因是新招录人员。",
            ],
            NOTE,
        );
        assert!(findings(&good, "Y001").is_empty(), "{:?}", good.anomalies);
        let bad = doc(
            &[
                "一、收支预算总体安排情况",
                "2025 年部门收支总预算 10.00 万元，比 2025 年预算增加 1.00 万元，主要原因是新招录人员。",
            ],
            NOTE,
        );
        let f = findings(&bad, "Y001");
        assert_eq!(f.len(), 1, "{:?}", bad.anomalies);
        assert_eq!(f[0].location.line, 14);
        assert_eq!(f[0].severity, "error");
        assert_eq!(
            (f[0].expected.as_deref(), f[0].actual.as_deref()),
            (Some("2026"), Some("2025"))
        );
    }

    #[test]
    fn y001_prior_year_figure_beside_this_years_is_not_a_wrong_year() {
        let d = doc(
            &[
                "一、收支预算总体安排情况",
                "2025 年部门收支总预算 9.00 万元，2026 年部门收支总预算 10.00 万元，比 2025 年预算增加 1.00 万元。",
            ],
            NOTE,
        );
        assert!(findings(&d, "Y001").is_empty(), "{:?}", d.anomalies);
    }

    #[test]
    fn y002_compared_year() {
        let bad = doc(
            &[
                "一、收支预算总体安排情况",
                "2026 年部门收支总预算 10.00 万元，比 2024 年预算增加 1.00 万元。",
            ],
            NOTE,
        );
        let f = findings(&bad, "Y002");
        assert_eq!(f.len(), 1, "{:?}", bad.anomalies);
        assert_eq!(f[0].expected.as_deref(), Some("2025"));
        // Actuals of the year before last, and a point in time, are legitimate.
        let good = doc(
            &[
                "一、收支预算总体安排情况",
                "2026 年部门收支总预算 10.00 万元，比 2024 年决算数增加 1.00 万元。",
                "",
                "2026 年一般公共预算拨款 10.00 万元，比 2025 年预算增加 1.00 万元。",
            ],
            NOTE,
        );
        assert!(findings(&good, "Y002").is_empty(), "{:?}", good.anomalies);
    }

    #[test]
    fn y003_note_and_heading_years() {
        let good = doc(
            &[
                "一、国有资产占有使用情况",
                "截至2025年12月31日，部门共有车辆1辆。",
            ],
            NOTE,
        );
        assert!(findings(&good, "Y003").is_empty(), "{:?}", good.anomalies);
        // A cited document's title and a heading on last year's execution keep their years.
        let quoted = doc(
            &["一、2025年预算执行情况", "部门预算管理。"],
            "备注:根据《2025年预算管理办法》，本单位 2026 年没有政府性基金支出",
        );
        assert!(
            findings(&quoted, "Y003").is_empty(),
            "{:?}",
            quoted.anomalies
        );
        let bad = doc(
            &["一、2025年收支预算总体安排情况", "部门预算管理。"],
            "备注:本单位 2025 年没有使用政府性基金拨款安排的支出",
        );
        assert_eq!(lines_of(&bad, "Y003"), vec![9, 13], "{:?}", bad.anomalies);
    }

    #[test]
    fn y003_prior_year_columns_of_table_11() {
        let d = sample_with(&[(397, "\t\t\t\t\t2024 年\t2023 年")]);
        let f = findings(&d, "Y003");
        assert_eq!(f.len(), 1, "{:?}", f);
        assert_eq!(f[0].location.table.as_deref(), Some("表11"));
        assert_eq!(f[0].expected.as_deref(), Some("2025年, 2024年"));
    }

    #[test]
    fn pair_marks_are_the_marks_of_pairs() {
        use super::{PAIRS, is_pair_mark};
        let marks: Vec<char> = PAIRS
            .iter()
            .flat_map(|p| p.open.iter().chain(p.close))
            .copied()
            .collect();
        assert!(marks.iter().all(|&c| is_pair_mark(c)));
        for c in ('\0'..='\u{FFFF}').filter(|&c| is_pair_mark(c)) {
            assert!(marks.contains(&c), "{c}");
        }
    }

    #[test]
    fn pair_leads_are_the_first_bytes_of_the_marks() {
        for p in super::PAIRS {
            for c in p.open.iter().chain(p.close) {
                let first = c.to_string().as_bytes()[0];
                assert!(super::PAIR_LEADS.contains(&first), "{c}");
            }
        }
    }

    /// The reference implementations the faster searches are compared with: the code they replaced.
    mod reference {
        use super::super::{PAIRS, is_han, is_list_marker};

        pub fn imbalances(text: &str) -> Vec<(&'static str, usize, &'static str, char)> {
            let mut open: [Vec<(usize, char)>; PAIRS.len()] = Default::default();
            let mut problem: [Option<(usize, &'static str, char)>; PAIRS.len()] =
                [None; PAIRS.len()];
            for (i, c) in text.char_indices() {
                for (k, pair) in PAIRS.iter().enumerate() {
                    if problem[k].is_some() {
                        continue;
                    }
                    if pair.open.contains(&c) {
                        open[k].push((i, c));
                    } else if pair.close.contains(&c)
                        && open[k].pop().is_none()
                        && !is_list_marker(text, i)
                    {
                        problem[k] = Some((i, "closes nothing", c));
                    }
                }
            }
            let mut out = Vec::new();
            for (k, pair) in PAIRS.iter().enumerate() {
                if problem[k].is_none()
                    && let Some(&(i, c)) = open[k].first()
                {
                    problem[k] = Some((i, "is never closed", c));
                }
                if let Some((i, what, c)) = problem[k] {
                    out.push((pair.name, i, what, c));
                }
            }
            out
        }

        pub fn doubled_in(text: &str) -> Vec<(usize, char)> {
            let chars: Vec<(usize, char)> = text.char_indices().collect();
            let mut out = Vec::new();
            for i in 1..chars.len() {
                let (_, c) = chars[i];
                let (_, prev) = chars[i - 1];
                if !is_han(c) || !is_han(prev) {
                    continue;
                }
                let mut j = i + 1;
                while chars.get(j).is_some_and(|&(_, s)| s == ' ') {
                    j += 1;
                }
                if j == i + 1 {
                    continue;
                }
                let (Some(&(at, second)), Some(&(_, next))) = (chars.get(j), chars.get(j + 1))
                else {
                    continue;
                };
                if second == c && is_han(next) {
                    out.push((at, c));
                }
            }
            out
        }

        pub fn doubles_a_mark(text: &str) -> bool {
            text.chars()
                .zip(text.chars().skip(1))
                .any(|(a, b)| a == b && super::super::DOUBLED_MARKS.contains(&a))
        }
    }

    /// Texts made of the characters the searches care about, and some they must pass over.
    const ALPHABET: &str = "[（）()“”《》【】\"'：:。，、；;！？!?XxL×某增加减少长下降大于小局/原因是为主要其中包括用于分别 \t\u{3000}1a一二）勃]{0,40}";

    proptest::proptest! {
        #[test]
        fn imbalances_as_the_reference(text in ALPHABET) {
            proptest::prop_assert_eq!(super::imbalances(&text), reference::imbalances(&text));
        }

        #[test]
        fn doubled_in_as_the_reference(text in ALPHABET) {
            proptest::prop_assert_eq!(super::doubled_in(&text), reference::doubled_in(&text));
        }

        #[test]
        fn char_set_finds_its_members(text in "[X×某增䢞大小（(“”。，、a勃 \t]{0,30}") {
            // `䢞` ends with the same two bytes as `增`, `勃` with none of a member's.
            let set = super::CharSet::new("X×增（“。".chars());
            let got: Vec<(usize, char)> = set.find_iter(&text).collect();
            let want: Vec<(usize, char)> =
                text.char_indices().filter(|&(_, c)| "X×增（“。".contains(c)).collect();
            proptest::prop_assert_eq!(got, want);
        }

        #[test]
        fn line_flags_as_the_reference(text in ALPHABET) {
            let starts = super::CharSet::new("X×某（(".chars());
            let either = super::CharSet::new("X×某（(".chars().chain(super::DOUBLED_MARKS.iter().copied()));
            let (doubled, start) = super::line_flags(&text, &either, &starts);
            proptest::prop_assert_eq!(doubled, reference::doubles_a_mark(&text));
            proptest::prop_assert_eq!(start, text.chars().any(|c| "X×某（(".contains(c)));
        }

        #[test]
        fn lines_that_do_not_matter_hold_no_finding(text in ALPHABET) {
            if !super::may_matter(&text) {
                proptest::prop_assert!(super::imbalances(&text).is_empty());
                proptest::prop_assert!(super::doubled_in(&text).is_empty());
            }
            proptest::prop_assert_eq!(
                super::may_matter(&text),
                text.contains(' ') || text.chars().any(super::is_pair_mark)
            );
        }

        #[test]
        fn cells_as_split_cells(text in "[a 勃\t]{0,30}") {
            let got: Vec<&str> = super::cells(&text).collect();
            proptest::prop_assert_eq!(got, crate::normalize::cells::split_cells(&text));
        }

        #[test]
        fn placeholders_as_the_scan_of_every_line(text in ALPHABET) {
            let words: Vec<String> = [
                "XX", "XXX", "××", "某某", "XX局", "增加（减少）", "增长（下降）", "大于(小于)",
                "增加/减少", "：：", "“某”", "",
            ]
            .map(String::from)
            .to_vec();
            // Lines without a start character are passed over: they must hold no placeholder.
            let p = super::Placeholders::new(&words);
            let (_, start) = super::line_flags(&text, &p.starts, &p.starts);
            if !start {
                proptest::prop_assert!(p.find_in(&text).is_empty());
            }
            proptest::prop_assert!(p.any.is_some());
            let folded = crate::normalize::cells::fold(&text);
            proptest::prop_assert_eq!(
                p.may_hold(&text),
                p.any.as_ref().is_some_and(|any| any.is_match(&folded))
            );
            let scan = super::Placeholders { any: None, ..super::Placeholders::new(&words) };
            proptest::prop_assert_eq!(p.find_in(&text), scan.find_in(&text));
        }

        #[test]
        fn openers_as_the_scan_of_every_position(text in ALPHABET) {
            let words: Vec<String> = ["主要原因", "原因是", "原因为", "主要是", "主要用于", "其中", "包括", "主要包括", "分别为", "是", ""]
                .map(String::from)
                .to_vec();
            let openers = super::Openers::new(&words);
            proptest::prop_assert!(openers.search.is_some());
            proptest::prop_assert_eq!(openers.find_in(&text), openers.scan(&text));
        }
    }

    #[test]
    fn t001_doubled_punctuation() {
        let bad = doc(&["一、收支预算总体安排情况", "部门预算管理。。"], NOTE);
        assert_eq!(lines_of(&bad, "T001"), vec![14]);
        let good = doc(&["一、收支预算总体安排情况", "部门预算管理……"], NOTE);
        assert!(findings(&good, "T001").is_empty());
    }

    #[test]
    fn t002_unbalanced_brackets() {
        let bad = doc(
            &[
                "一、收支预算总体安排情况",
                "科学技术支出（类）科学技术管理事务（款 行政运行（项）10.00万元。",
                "",
                "“三公”经费”支出。",
            ],
            NOTE,
        );
        assert_eq!(lines_of(&bad, "T002"), vec![14, 16], "{:?}", bad.anomalies);
        let good = doc(
            &[
                "一、收支预算总体安排情况",
                "维修（护)费和“三公”经费。",
                "",
                "1）公务用车购置费 0 万元。",
            ],
            NOTE,
        );
        assert!(findings(&good, "T002").is_empty(), "{:?}", good.anomalies);
        // A `。` inside brackets at a line's end splits the paragraph; the bracket still closes.
        let split = doc(
            &[
                "一、收支预算总体安排情况",
                "平均得分 99.43 分（其中，评级为“优”的项目 4 个。",
                "发现问题 0 个）。",
            ],
            NOTE,
        );
        assert!(findings(&split, "T002").is_empty(), "{:?}", split.anomalies);
    }

    #[test]
    fn y004_as_of_dates() {
        // A 2026 budget is drafted in 2025.
        let d = doc(
            &[
                "五、国有资产占有使用情况",
                "截至 2024 年 8 月 31 日，某局共有车辆 0 辆。",
                "截至2025年8月31日，某局共有车辆 1 辆。",
            ],
            NOTE,
        );
        assert_eq!(lines_of(&d, "Y004"), vec![14], "{:?}", d.anomalies);
        // A 2024 决算 reports the state at the end of 2024.
        let d = run(&[
            "某局2024年度部门决算",
            "第三部分 某局2024年度部门决算情况说明",
            "十一、其他重要事项的情况说明",
            "截至2023年12月31日，某局共有车辆0辆。",
            "截至2024年12月31日，某局共有车辆0辆。",
            "截至2024年6月30日，某局共有车辆0辆。",
        ]);
        assert_eq!(lines_of(&d, "Y004"), vec![4], "{:?}", d.anomalies);
        assert_eq!(
            super::as_of_date(" 2023年 12 月 31 日，"),
            Some((2023, 12, 31))
        );
        assert_eq!(super::as_of_date("2023年"), None);
    }

    #[test]
    fn t003_truncated_sentences() {
        let bad = doc(
            &[
                "一、收支预算总体安排情况",
                "比 2025 年预算增加 1.00 万元，主要原因是。",
                "",
                "二、收入预算安排情况",
                "部门预算收入 10.00 万元，其中：",
            ],
            NOTE,
        );
        let f = findings(&bad, "T003");
        assert_eq!(f.len(), 2, "{:?}", bad.anomalies);
        assert!(f.iter().all(|a| a.severity == "warning"));
        let stop = doc(
            &[
                "一、收支预算总体安排情况",
                "部门预算收入 10.00 万元，增长 1%",
            ],
            NOTE,
        );
        let f = findings(&stop, "T003");
        assert_eq!(f.len(), 1, "{:?}", stop.anomalies);
        assert_eq!(f[0].severity, "info");
        let good = doc(
            &[
                "一、收支预算总体安排情况",
                "部门预算收入 10.00 万元，其中：",
                "",
                "1.一般公共预算财政拨款收入 10.00 万元，主要原因是新招录人员。",
                "",
                "按照支出功能分类科目，主要用于：",
                "",
                "科学技术支出 10.00 万元。",
                "",
                "现将有关情况说明具体如下。",
                "",
                "（一）人员经费 10.00 万元。",
            ],
            NOTE,
        );
        assert!(findings(&good, "T003").is_empty(), "{:?}", good.anomalies);
    }

    #[test]
    fn t004_placeholders() {
        let bad = doc(
            &[
                "一、收支预算总体安排情况",
                "XX局收入比上年增加（减少）XX万元。",
            ],
            NOTE,
        );
        let f = findings(&bad, "T004");
        assert_eq!(f.len(), 1, "{:?}", bad.anomalies);
        assert_eq!(f[0].severity, "error");
        assert_eq!(f[0].actual.as_deref(), Some("XX局 增加(减少) XX"));
        let good = doc(
            &["一、收支预算总体安排情况", "购置XXL型号设备和MAXX系统。"],
            NOTE,
        );
        assert!(findings(&good, "T004").is_empty(), "{:?}", good.anomalies);
    }

    #[test]
    fn t005_doubled_character() {
        let bad = doc(&["一、收支预算总体安排情况", "新兴产业蓬勃 勃发展。"], NOTE);
        assert_eq!(lines_of(&bad, "T005"), vec![14]);
        let good = doc(&["一、收 入 总 计", "新兴产业蓬勃 发展。"], NOTE);
        assert!(findings(&good, "T005").is_empty(), "{:?}", good.anomalies);
    }

    #[test]
    fn t005_excerpt_shows_the_wrap_however_many_spaces() {
        let line = "本年度继续推动全市数字经济和战略性新兴产业蓬勃   勃发展，加快转型。";
        let bad = doc(&["一、收支预算总体安排情况", line], NOTE);
        let f = findings(&bad, "T005");
        assert_eq!(f.len(), 1, "{:?}", bad.anomalies);
        assert!(f[0].message.contains("新兴产业蓬勃"), "{}", f[0].message);
        assert!(!f[0].message.contains("本年度"), "{}", f[0].message);
    }

    #[test]
    fn sample_findings() {
        let d = sample_with(&[]);
        let got: Vec<(&str, usize, &str)> = d
            .anomalies
            .iter()
            .filter(|a| a.rule.starts_with('Y') || a.rule.starts_with('T'))
            .map(|a| (a.rule, a.location.line, a.severity))
            .collect();
        assert_eq!(
            got,
            vec![
                ("T005", 513, "info"),
                ("T003", 730, "info"),
                ("Y001", 752, "error")
            ]
        );
    }
}
