//! Glue: runs the stages for one document ([`process_text`]) and for a batch ([`run_batch`]).
//!
//! Holds no parsing or repair logic of its own. A batch collects its inputs (folders searched
//! recursively, sorted), processes them in parallel with rayon, and writes each document's JSON and
//! the summary in input order, so the output bytes do not depend on the thread count.

use crate::emit::{self, Summary, SummaryEntry, report};
use crate::grammar::GrammarSet;
use crate::ingest::{self, SourceText};
use crate::model::{Dataset, DocumentInfo, Loc, SCHEMA_VERSION, Source, SubUnit, Table};
use crate::normalize::{self, tables::read_table};
use crate::{narrative, parse, validate};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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
        "{path}: unsupported file type `{ext}` (text files are read; PDF support is not built yet)"
    )]
    Unsupported { path: String, ext: String },
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
        return Err(DocError::NotADisclosure {
            path: display_path.to_owned(),
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
            format: "text",
            encoding: source.encoding.to_owned(),
            line_endings: source.line_endings,
            lines: source.lines.len(),
            pages: None,
        },
        document,
        tables,
        narrative,
        repairs,
        anomalies,
    };
    let findings = validate::validate(&dataset, &lines, grammars, validation);
    dataset.anomalies.extend(findings);
    dataset
        .anomalies
        .sort_by(|a, b| (&a.location, a.rule, &a.message).cmp(&(&b.location, b.rule, &b.message)));
    Ok((dataset, lines))
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

/// Reads and processes one file with the default validation settings.
pub fn process_file(path: &Path, grammars: &GrammarSet) -> Result<Dataset, DocError> {
    process_path(path, grammars, &validate::Config::default()).map(|(d, _)| d)
}

/// Reads and processes one file; also gives back its canonical lines.
fn process_path(
    path: &Path,
    grammars: &GrammarSet,
    validation: &validate::Config,
) -> Result<(Dataset, Vec<normalize::Line>), DocError> {
    let display = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext == "pdf" {
        return Err(DocError::Unsupported { path: display, ext });
    }
    let source = ingest::read_text(path)?;
    process_source(&source, &display, grammars, validation)
}

/// File extensions picked up when a folder is searched.
const INPUT_EXTENSIONS: &[&str] = &["txt", "text"];

/// Expands the command-line paths: files as given, folders searched recursively for inputs.
/// Returns the inputs sorted and deduplicated, and the paths that could not be read.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = BTreeSet::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            for entry in walkdir::WalkDir::new(p).follow_links(true) {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let ext = e
                            .path()
                            .extension()
                            .map(|x| x.to_string_lossy().to_lowercase());
                        if ext.is_some_and(|x| INPUT_EXTENSIONS.contains(&x.as_str())) {
                            files.insert(e.into_path());
                        }
                    }
                    Ok(_) => {}
                    Err(err) => errors.push((err.path().unwrap_or(p).to_owned(), err.to_string())),
                }
            }
        } else if p.exists() {
            files.insert(p.clone());
        } else {
            errors.push((p.clone(), "no such file or directory".into()));
        }
    }
    (files.into_iter().collect(), errors)
}

/// Output file names: the input's stem, with `-2`, `-3`… added in input order when stems collide.
pub fn output_names(inputs: &[PathBuf]) -> Vec<String> {
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    inputs
        .iter()
        .map(|p| {
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "document".into());
            let n = used.entry(stem.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                format!("{stem}.json")
            } else {
                format!("{stem}-{n}.json")
            }
        })
        .collect()
}

/// Options of one batch run.
pub struct BatchOptions<'a> {
    pub out_dir: &'a Path,
    pub grammars: &'a GrammarSet,
    pub validation: &'a validate::Config,
}

/// Processes every input and writes the outputs; returns the summary (already written).
pub fn run_batch(paths: &[PathBuf], opts: &BatchOptions<'_>) -> anyhow::Result<Summary> {
    use anyhow::Context;
    std::fs::create_dir_all(opts.out_dir)
        .with_context(|| format!("creating output directory {}", opts.out_dir.display()))?;
    let (inputs, walk_errors) = collect_inputs(paths);
    let names = output_names(&inputs);
    let results: Vec<(SummaryEntry, String)> = inputs
        .par_iter()
        .zip(names.par_iter())
        .map(|(path, name)| {
            let input = path.display().to_string();
            let result = process_path(path, opts.grammars, opts.validation)
                .map_err(|e| e.to_string())
                .and_then(|(d, lines)| {
                    let json =
                        emit::to_json(&d).map_err(|e| format!("{input}: cannot serialize: {e}"))?;
                    emit::write_atomic(&opts.out_dir.join(name), json.as_bytes())
                        .map_err(|e| format!("{input}: cannot write {name}: {e}"))?;
                    Ok((d, lines))
                });
            match result {
                Ok((d, lines)) => {
                    let section = report::document_section(&d, &lines);
                    (SummaryEntry::ok(input, name.clone(), &d), section)
                }
                Err(e) => {
                    let section = report::failed_section(&input, &e);
                    (SummaryEntry::failed(input, e), section)
                }
            }
        })
        .collect();
    let (mut entries, mut sections): (Vec<SummaryEntry>, Vec<String>) = results.into_iter().unzip();
    for (path, err) in walk_errors {
        let input = path.display().to_string();
        let error = format!("{input}: {err}");
        sections.push(report::failed_section(&input, &error));
        entries.push(SummaryEntry::failed(input, error));
    }
    let failed = entries.iter().filter(|e| e.status == "failed").count();
    let summary = Summary {
        schema_version: SCHEMA_VERSION,
        tool_version: TOOL_VERSION,
        ok: entries.len() - failed,
        failed,
        documents: entries,
    };
    let json = emit::to_json(&summary)?;
    emit::write_atomic(&opts.out_dir.join("summary.json"), json.as_bytes())
        .with_context(|| format!("writing {}", opts.out_dir.join("summary.json").display()))?;
    let markdown = report::batch_report(&summary, &sections);
    emit::write_atomic(&opts.out_dir.join("report.md"), markdown.as_bytes())
        .with_context(|| format!("writing {}", opts.out_dir.join("report.md").display()))?;
    Ok(summary)
}
