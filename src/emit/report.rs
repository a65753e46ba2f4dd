//! `report.md`: the batch's findings for a person to act on.
//!
//! Per document: a heading, the counts, then the findings grouped by severity (errors first), each
//! with its rule code and name, the message, where it points (line, table, row, column), and the
//! source excerpt — the line and its neighbours — so a reader can check it at once. Failed documents
//! are listed with their error. Sections are rendered per document by the worker that processed it
//! and joined in input order, so the report is the same whatever the thread count.

use super::Summary;
use crate::model::{Anomaly, Dataset};
use crate::normalize::Line;
use crate::validate::rules;

/// Longest excerpt line shown, in characters.
const EXCERPT_WIDTH: usize = 160;

/// The report section of one processed document.
pub fn document_section(d: &Dataset, lines: &[Line]) -> String {
    let mut out = String::new();
    let title = d.document.title.as_deref().unwrap_or("(untitled)");
    out.push_str(&format!("## {}\n\n", d.source.path));
    out.push_str(&format!(
        "{title} · {} tables · {} repairs · findings: {} errors, {} warnings, {} info\n\n",
        d.tables.len(),
        d.repairs.len(),
        by_severity(d, "error").len(),
        by_severity(d, "warning").len(),
        by_severity(d, "info").len()
    ));
    if d.anomalies.is_empty() {
        out.push_str("No findings.\n\n");
        return out;
    }
    for (severity, heading) in [
        ("error", "Errors"),
        ("warning", "Warnings"),
        ("info", "Info"),
    ] {
        let found = by_severity(d, severity);
        if found.is_empty() {
            continue;
        }
        out.push_str(&format!("### {heading} ({})\n\n", found.len()));
        for a in found {
            finding(&mut out, a, lines);
        }
    }
    out
}

/// The report section of a document that could not be processed.
pub fn failed_section(input: &str, error: &str) -> String {
    format!("## {input}\n\n**Failed:** {error}\n\n")
}

/// The whole report: a summary line, then each document's section in input order.
pub fn batch_report(summary: &Summary, sections: &[String]) -> String {
    let total =
        |f: fn(&super::SummaryEntry) -> usize| summary.documents.iter().map(f).sum::<usize>();
    let mut out = String::from("# cnbudget report\n\n");
    out.push_str(&format!(
        "{} documents: {} ok, {} failed. Findings: {} errors, {} warnings, {} info. \
         `cnbudget explain CODE` describes a rule.\n\n",
        summary.documents.len(),
        summary.ok,
        summary.failed,
        total(|e| e.errors),
        total(|e| e.warnings),
        total(|e| e.infos)
    ));
    for s in sections {
        out.push_str(s);
    }
    out
}

fn by_severity<'d>(d: &'d Dataset, severity: &str) -> Vec<&'d Anomaly> {
    d.anomalies
        .iter()
        .filter(|a| a.severity == severity)
        .collect()
}

fn finding(out: &mut String, a: &Anomaly, lines: &[Line]) {
    let name = rules::find(a.rule).map_or("", |r| r.name);
    out.push_str(&format!("- **{}** `{name}` — {}\n", a.rule, a.message));
    let mut place = vec![format!("line {}", a.location.line)];
    if let Some(p) = a.location.page {
        place.push(format!("page {p}"));
    }
    for (label, v) in [
        ("table", &a.location.table),
        ("row", &a.location.row),
        ("column", &a.location.column),
    ] {
        if let Some(v) = v {
            place.push(format!("{label} {v}"));
        }
    }
    if let (Some(e), Some(x)) = (&a.expected, &a.actual) {
        place.push(format!("expected {e}, printed {x}"));
    }
    out.push_str(&format!("  {}\n", place.join(" · ")));
    let excerpt = excerpt(lines, a.location.line);
    if !excerpt.is_empty() {
        out.push_str("  ```text\n");
        for (no, text) in excerpt {
            let marker = if no == a.location.line { '>' } else { ' ' };
            out.push_str(&format!("  {marker}{no:>5} │ {text}\n"));
        }
        out.push_str("  ```\n");
    }
    out.push('\n');
}

/// The line and its nearest non-blank neighbours, tabs shown as ` ⇥ `, long lines cut.
fn excerpt(lines: &[Line], line: usize) -> Vec<(usize, String)> {
    let Some(idx) = line.checked_sub(1).filter(|&i| i < lines.len()) else {
        return Vec::new();
    };
    let non_blank = |i: &usize| !lines[*i].text.trim().is_empty();
    let before = (0..idx).rev().find(non_blank);
    let after = (idx + 1..lines.len()).find(non_blank);
    [before, Some(idx), after]
        .into_iter()
        .flatten()
        .map(|i| (lines[i].no, shorten(&lines[i].text.replace('\t', " ⇥ "))))
        .collect()
}

fn shorten(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_WIDTH) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn lines(texts: &[&str]) -> Vec<Line> {
        Line::numbered(texts)
    }

    #[test]
    fn excerpt_shows_the_line_and_its_non_blank_neighbours() {
        let l = lines(&["a", "", "b\tc", "", "", "d"]);
        assert_eq!(
            excerpt(&l, 3),
            vec![(1, "a".into()), (3, "b ⇥ c".into()), (6, "d".into())]
        );
        assert_eq!(excerpt(&l, 1), vec![(1, "a".into()), (3, "b ⇥ c".into())]);
        assert!(excerpt(&l, 0).is_empty());
        assert!(excerpt(&l, 99).is_empty());
    }
}
