//! Glue: runs the stages for one document ([`process_text`], [`process_file`]); [`crate::batch`]
//! runs many. Holds no parsing, repair or validation logic of its own.

use crate::grammar::GrammarSet;
use crate::ingest::{self, SourceText};
use crate::model::{
    Anomaly, Dataset, DocumentInfo, Loc, Location, SCHEMA_VERSION, Source, SubUnit, Table,
};
use crate::normalize::{self, tables::read_table};
use crate::{narrative, parse, validate};
use std::collections::BTreeSet;
use std::path::Path;

pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why one document failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocError {
    #[error(transparent)]
    Ingest(#[from] ingest::IngestError),
    #[error(
        "{path}: not a budget disclosure (no standard table and no narrative part was recognised)"
    )]
    NotADisclosure { path: String },
    #[error(
        "{path}: no standard table or narrative could be read: the text of page(s) {pages} is in fonts that cannot be decoded"
    )]
    UndecodableText { path: String, pages: String },
    #[error(transparent)]
    Pdf(#[from] ingest::pdf::PdfError),
}

/// Runs every stage on one decoded text, validating with the default settings.
pub fn process_text(
    source: &SourceText,
    display_path: &str,
    grammars: &GrammarSet,
) -> Result<Dataset, DocError> {
    process_text_with(source, display_path, grammars, &validate::Config::default())
}

/// Runs every stage on one decoded text.
pub fn process_text_with(
    source: &SourceText,
    display_path: &str,
    grammars: &GrammarSet,
    validation: &validate::Config,
) -> Result<Dataset, DocError> {
    process_source(source, display_path, grammars, validation).map(|(d, _)| d)
}

/// Runs every stage; also gives back the canonical lines (for report excerpts).
fn process_source(
    source: &SourceText,
    display_path: &str,
    grammars: &GrammarSet,
    validation: &validate::Config,
) -> Result<(Dataset, Vec<normalize::Line>), DocError> {
    let (lines, mut repairs) = normalize::canonicalize(source);
    let parsed = parse::parse(&lines, grammars);
    if parsed.tables.is_empty() && parsed.narrative.is_empty() {
        let path = display_path.to_owned();
        // Say why when the reason is text we could not decode, not the document itself.
        return Err(if source.undecodable_pages.is_empty() {
            DocError::NotADisclosure { path }
        } else {
            let pages: Vec<String> = source
                .undecodable_pages
                .iter()
                .map(|p| p.to_string())
                .collect();
            DocError::UndecodableText {
                path,
                pages: pages.join(", "),
            }
        });
    }
    let mut anomalies = parsed.findings;
    let mut tables = Vec::with_capacity(parsed.tables.len());
    for raw in &parsed.tables {
        let out = read_table(raw, grammars.document());
        repairs.extend(out.repairs);
        anomalies.extend(out.findings);
        tables.push(out.table);
    }
    let narrative = narrative::extract(
        &parsed.narrative,
        &tables,
        grammars,
        parsed.year,
        &mut repairs,
    );
    // Stable: repairs on one line keep their left-to-right order.
    repairs.sort_by_key(|r| r.loc);
    anomalies
        .sort_by(|a, b| (&a.location, a.rule, &a.message).cmp(&(&b.location, b.rule, &b.message)));
    let document = DocumentInfo {
        title: parsed.title.as_ref().map(|t| t.text.trim().to_owned()),
        department: parsed.department,
        year: parsed.year,
        kind: parsed.kind,
        scope: parsed.scope,
        unit: main_unit(&tables),
        sub_units: sub_units(&tables),
        loc: parsed.title.as_ref().map(|t| Loc::line(t.no)),
    };
    let mut dataset = Dataset {
        schema_version: SCHEMA_VERSION,
        tool_version: TOOL_VERSION,
        source: Source {
            path: display_path.to_owned(),
            sha256: source.sha256.clone(),
            format: source.format,
            encoding: source.encoding.to_owned(),
            line_endings: source.line_endings,
            lines: source.lines.len(),
            pages: source.pages,
        },
        document,
        tables,
        narrative,
        repairs,
        anomalies,
    };
    let findings = validate::validate(&dataset, &lines, &parsed.parts, grammars, validation);
    dataset.anomalies.extend(findings);
    dataset.anomalies.extend(page_findings(source));
    if source.format == "pdf" {
        attach_pages(&mut dataset, source);
    }
    dataset
        .anomalies
        .sort_by(|a, b| (&a.location, a.rule, &a.message).cmp(&(&b.location, b.rule, &b.message)));
    Ok((dataset, lines))
}

/// One finding per PDF page whose text could not be decoded or that has no text layer. They point
/// at the page's first line (or line 1 when the page gave none).
fn page_findings(source: &SourceText) -> Vec<Anomaly> {
    use validate::rules::extraction::{IMAGE_ONLY_PAGE, UNDECODABLE_TEXT};
    let first_line = |page: usize| {
        source
            .line_pages
            .iter()
            .position(|&p| p == page)
            .map_or(1, |i| i + 1)
    };
    let finding = |rule: &validate::rules::Rule, page: usize, message: String| Anomaly {
        rule: rule.code,
        kind: rule.kind,
        severity: rule.severity.as_str(),
        message,
        location: Location {
            line: first_line(page),
            page: Some(page),
            ..Location::default()
        },
        expected: None,
        actual: None,
    };
    let undecodable = source.undecodable_pages.iter().map(|&p| {
        finding(
            &UNDECODABLE_TEXT,
            p,
            format!("page {p} shows text in a font that cannot be decoded; that text is left out"),
        )
    });
    let images = source.image_only_pages.iter().map(|&p| {
        finding(
            &IMAGE_ONLY_PAGE,
            p,
            format!("page {p} is an image with no text layer (scanned); its content is not read"),
        )
    });
    undecodable.chain(images).collect()
}

/// PDF provenance: the page of every located item, and the box of every table value.
fn attach_pages(d: &mut Dataset, source: &SourceText) {
    let page = |loc: &mut Loc| loc.page = source.page_of(loc.line);
    for t in &mut d.tables {
        page(&mut t.loc);
        for row in &mut t.rows {
            page(&mut row.loc);
            row.boxes = row
                .value_cells
                .iter()
                .map(|c| c.and_then(|c| source.cell_box(row.loc.line, c)))
                .collect();
        }
    }
    for r in &mut d.repairs {
        page(&mut r.loc);
    }
    for f in &mut d.narrative.facts {
        page(&mut f.loc);
    }
    for s in &mut d.narrative.statements {
        page(&mut s.loc);
    }
    for s in &mut d.narrative.sections {
        page(&mut s.loc);
    }
    for a in &mut d.anomalies {
        a.location.page = a.location.page.or_else(|| source.page_of(a.location.line));
    }
    if let Some(l) = d.document.loc.as_mut() {
        page(l);
    }
}

/// The unit most tables state (ties go to the first in document order).
fn main_unit(tables: &[Table]) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for u in tables.iter().filter_map(|t| t.unit.as_ref()) {
        match counts.iter_mut().find(|(x, _)| x == u) {
            Some((_, n)) => *n += 1,
            None => counts.push((u.clone(), 1)),
        }
    }
    let max = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == max).map(|(u, _)| u)
}

/// Budget units listed in unit-coded tables, below the department's own code.
fn sub_units(tables: &[Table]) -> Vec<SubUnit> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for t in tables.iter().filter(|t| {
        t.key_columns
            .iter()
            .any(|k| k.contains("单位") || k.contains("部门"))
    }) {
        for row in &t.rows {
            let (Some(code), Some(name)) = (&row.code, &row.name) else {
                continue;
            };
            if row.parent.is_some() && seen.insert(code.clone()) {
                out.push(SubUnit {
                    code: Some(code.clone()),
                    name: name.clone(),
                    loc: row.loc,
                });
            }
        }
    }
    out.sort();
    out
}

/// Reads and processes one file with the default validation settings and limits.
pub fn process_file(path: &Path, grammars: &GrammarSet) -> Result<Dataset, DocError> {
    let bytes = ingest::read_bytes(path)?;
    let limits = ingest::pdf::Limits::default();
    process_bytes(
        path,
        &bytes,
        grammars,
        &validate::Config::default(),
        &limits,
    )
    .map(|(d, _)| d)
}

/// Processes one file's bytes (PDF or text, told apart by content); also gives back its canonical
/// lines, for report excerpts.
pub(crate) fn process_bytes(
    path: &Path,
    bytes: &[u8],
    grammars: &GrammarSet,
    validation: &validate::Config,
    limits: &ingest::pdf::Limits,
) -> Result<(Dataset, Vec<normalize::Line>), DocError> {
    let display = path.display().to_string();
    let source = match ingest::sniff(path, bytes)? {
        ingest::Kind::Pdf => {
            let pdf = ingest::pdf::read(path, bytes, limits)?;
            ingest::SourceText::from_pdf(path, bytes, pdf)
        }
        ingest::Kind::Text => ingest::decode(path, bytes)?,
    };
    process_source(&source, &display, grammars, validation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undecodable_and_scanned_pages_are_findings_on_their_page() {
        let mut source = ingest::decode(Path::new("x.pdf"), "a\nb\nc".as_bytes()).unwrap();
        source.line_pages = vec![1, 2, 2];
        source.undecodable_pages = vec![2];
        source.image_only_pages = vec![5];
        let f = page_findings(&source);
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].rule, f[0].location.line, f[0].location.page),
            ("X003", 2, Some(2))
        );
        assert_eq!(
            (f[1].rule, f[1].location.line, f[1].location.page),
            ("X004", 1, Some(5))
        );
        assert!(f[1].message.contains("page 5"));
    }
}
