//! Batch: many documents in parallel, each written as soon as it is done, then the batch-wide files.
//!
//! Each input gets an id (its file stem, `-2`, `-3`… added in input order on a collision) and, once
//! processed, its own files: `<id>.json` and the parts the batch files are made of, under `.parts/`
//! (`<id>.jsonl`, `<id>.cells.csv`, `<id>.anomalies.csv`, `<id>.documents.csv`, `<id>.report.md`,
//! `<id>.entry.json`). Nothing of a document is kept in memory after its parts are written, so memory
//! stays flat however large the batch. When every document is done the batch files — `summary.json`,
//! `dataset.jsonl`, `cells.csv`, `anomalies.csv`, `documents.csv`, `report.md`, `datapackage.json` —
//! are assembled by concatenating the parts in input order, so the bytes do not depend on the thread
//! count.
//!
//! Every file is written atomically (temporary name, then rename): a killed run leaves only complete
//! files. With `incremental`, a document whose `.entry.json` records the same content hash and tool
//! version is not processed again, so a rerun finishes what a killed run left.
//!
//! A document that fails — unreadable, not a disclosure, or a bug that panics — is recorded with its
//! error, and the batch goes on.

use crate::emit::{self, Summary, SummaryEntry, datapackage, report, tabular};
use crate::grammar::GrammarSet;
use crate::ingest;
use crate::model::SCHEMA_VERSION;
use crate::pipeline::{self, TOOL_VERSION};
use crate::validate;
use anyhow::Context;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// File extensions picked up when a folder is searched.
const INPUT_EXTENSIONS: &[&str] = &["txt", "text", "pdf"];

/// Where the per-document parts live inside the output directory.
const PARTS_DIR: &str = ".parts";

/// Options of one batch run.
pub struct BatchOptions<'a> {
    pub out_dir: &'a Path,
    pub grammars: &'a GrammarSet,
    pub validation: &'a validate::Config,
    /// Resource limits for reading a PDF.
    pub limits: &'a ingest::pdf::Limits,
    /// Time budget per document (PDF reading checks it as it goes).
    pub timeout: Option<std::time::Duration>,
    /// Skip documents whose content hash and tool version match their existing output.
    pub incremental: bool,
    /// Called after each document (for a progress display): `(done, failed)` so far.
    pub progress: Option<&'a (dyn Fn(&SummaryEntry) + Sync)>,
}

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

/// Document ids: the input's stem, with `-2`, `-3`… added in input order when stems collide.
pub fn document_ids(inputs: &[PathBuf]) -> Vec<String> {
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    inputs
        .iter()
        .map(|p| {
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "document".into());
            let n = used.entry(stem.clone()).or_insert(0);
            loop {
                *n += 1;
                let id = if *n == 1 {
                    stem.clone()
                } else {
                    format!("{stem}-{n}")
                };
                // `a-2.txt` next to two `a.txt`: the suffix must not hit a real stem.
                if taken.insert(id.clone()) {
                    return id;
                }
            }
        })
        .collect()
}

/// The part files of one document.
struct Parts {
    dir: PathBuf,
    id: String,
}

impl Parts {
    fn path(&self, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", self.id))
    }

    fn write(&self, ext: &str, bytes: &[u8]) -> std::io::Result<()> {
        emit::write_atomic(&self.path(ext), bytes)
    }
}

const PART_EXTS: &[&str] = &[
    "jsonl",
    "cells.csv",
    "anomalies.csv",
    "documents.csv",
    "report.md",
];

/// Processes every input and writes the outputs; returns the summary (already written).
pub fn run_batch(paths: &[PathBuf], opts: &BatchOptions<'_>) -> anyhow::Result<Summary> {
    let parts_dir = opts.out_dir.join(PARTS_DIR);
    std::fs::create_dir_all(&parts_dir)
        .with_context(|| format!("creating output directory {}", parts_dir.display()))?;
    let (inputs, walk_errors) = collect_inputs(paths);
    let ids = document_ids(&inputs);
    let mut entries: Vec<SummaryEntry> = inputs
        .par_iter()
        .zip(ids.par_iter())
        .map(|(path, id)| {
            let parts = Parts {
                dir: parts_dir.clone(),
                id: id.clone(),
            };
            let entry = one_document(path, &parts, opts);
            if let Some(p) = opts.progress {
                p(&entry);
            }
            entry
        })
        .collect();
    let mut extra_parts = Vec::new();
    for (path, err) in walk_errors {
        let input = path.display().to_string();
        let error = format!("{input}: {err}");
        let id = format!("unreadable-{}", extra_parts.len() + 1);
        let parts = Parts {
            dir: parts_dir.clone(),
            id: id.clone(),
        };
        write_failed_parts(&parts, &input, "", &error)?;
        extra_parts.push(id.clone());
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
    let all_ids: Vec<String> = ids.into_iter().chain(extra_parts).collect();
    assemble(opts.out_dir, &parts_dir, &all_ids, &summary)?;
    Ok(summary)
}

/// Processes one document (or reuses its previous output) and writes its files.
fn one_document(path: &Path, parts: &Parts, opts: &BatchOptions<'_>) -> SummaryEntry {
    let input = path.display().to_string();
    let (bytes, read_error) = match ingest::read_bytes(path) {
        Ok(bytes) => (bytes, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    // The input's hash is needed here only to reuse an earlier output, and below only for a failed
    // document (an ok one records the hash ingest computed): hashed only then, not twice per input.
    let readable = read_error.is_none();
    let sha256 = || {
        if readable {
            ingest::sha256_hex(&bytes)
        } else {
            String::new()
        }
    };
    if opts.incremental
        && let Some(entry) = reusable(parts, &sha256())
    {
        return entry;
    }
    let limits = ingest::pdf::Limits {
        deadline: opts.timeout.map(|t| std::time::Instant::now() + t),
        ..opts.limits.clone()
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if let Some(e) = read_error {
            return Err(pipeline::DocError::from(e));
        }
        pipeline::process_bytes(path, &bytes, opts.grammars, opts.validation, &limits)
    }));
    let result = match outcome {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(panic) => Err(format!(
            "{input}: internal error (please report): {}",
            panic_message(&panic)
        )),
    };
    let json_path = opts.out_dir.join(format!("{}.json", parts.id));
    let written = result.and_then(|(d, lines)| {
        write_ok_parts(parts, &json_path, &d, &lines)
            .map_err(|e| format!("{input}: cannot write output: {e}"))?;
        Ok(
            SummaryEntry::ok(input.clone(), format!("{}.json", parts.id), &d)
                .with_sha256(&d.source.sha256),
        )
    });
    match written {
        Ok(entry) => finish(parts, entry),
        Err(error) => {
            // A stale JSON from an earlier, successful run must not outlive this failure.
            let _ = std::fs::remove_file(&json_path);
            let sha256 = sha256();
            if let Err(e) = write_failed_parts(parts, &input, &sha256, &error) {
                return SummaryEntry::failed(
                    input,
                    format!("{error}; and cannot write its record: {e}"),
                );
            }
            finish(
                parts,
                SummaryEntry::failed(input, error).with_sha256(&sha256),
            )
        }
    }
}

/// Records the entry last: its presence says every other part of the document is complete.
fn finish(parts: &Parts, entry: SummaryEntry) -> SummaryEntry {
    if let Ok(json) = emit::to_json(&entry) {
        let _ = parts.write("entry.json", json.as_bytes());
    }
    entry
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// The previous entry, when it is for the same bytes, was made by this version, and all parts exist.
fn reusable(parts: &Parts, sha256: &str) -> Option<SummaryEntry> {
    let text = std::fs::read_to_string(parts.path("entry.json")).ok()?;
    let entry: SummaryEntry = serde_json::from_str(&text).ok()?;
    let same = !sha256.is_empty() && entry.sha256 == sha256 && entry.tool_version == TOOL_VERSION;
    let output_there = match (&entry.output, parts.dir.parent()) {
        (Some(name), Some(out)) => out.join(name).exists(),
        (None, _) => true,
        (Some(_), None) => false,
    };
    let complete = output_there && PART_EXTS.iter().all(|e| parts.path(e).exists());
    (same && complete).then_some(entry)
}

fn csv_bytes(rows: &[Vec<String>]) -> std::io::Result<Vec<u8>> {
    tabular::to_csv(rows).map_err(std::io::Error::other)
}

fn write_ok_parts(
    parts: &Parts,
    json_path: &Path,
    d: &crate::model::Dataset,
    lines: &[crate::normalize::Line],
) -> std::io::Result<()> {
    let (json, line) = emit::to_json_and_line(d).map_err(std::io::Error::other)?;
    emit::write_atomic(json_path, &json)?;
    parts.write("jsonl", &line)?;
    let cells = tabular::cells_csv(&parts.id, d).map_err(std::io::Error::other)?;
    parts.write("cells.csv", &cells)?;
    parts.write(
        "anomalies.csv",
        &csv_bytes(&tabular::anomalies(&parts.id, d))?,
    )?;
    parts.write(
        "documents.csv",
        &csv_bytes(&[tabular::document(&parts.id, d)])?,
    )?;
    parts.write("report.md", report::document_section(d, lines).as_bytes())
}

fn write_failed_parts(
    parts: &Parts,
    input: &str,
    sha256: &str,
    error: &str,
) -> std::io::Result<()> {
    parts.write("jsonl", b"")?;
    parts.write("cells.csv", b"")?;
    parts.write("anomalies.csv", b"")?;
    let row = tabular::failed_document(&parts.id, input, sha256, error);
    parts.write("documents.csv", &csv_bytes(&[row])?)?;
    parts.write("report.md", report::failed_section(input, error).as_bytes())
}

/// Writes the batch-wide files from the parts, in input order.
fn assemble(out: &Path, parts_dir: &Path, ids: &[String], summary: &Summary) -> anyhow::Result<()> {
    let write = |name: &str, bytes: &[u8]| {
        emit::write_durable(&out.join(name), bytes)
            .with_context(|| format!("writing {}", out.join(name).display()))
    };
    write("summary.json", emit::to_json(summary)?.as_bytes())?;
    let descriptor = datapackage::descriptor(TOOL_VERSION);
    write("datapackage.json", emit::to_json(&descriptor)?.as_bytes())?;
    let concat = |name: &str, ext: &str, header: Vec<u8>| -> anyhow::Result<()> {
        let target = out.join(name);
        let tmp = out.join(format!(".{name}.tmp-{}", std::process::id()));
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?,
        );
        f.write_all(&header)?;
        for id in ids {
            let part = parts_dir.join(format!("{id}.{ext}"));
            if let Ok(mut src) = std::fs::File::open(&part) {
                std::io::copy(&mut src, &mut f)
                    .with_context(|| format!("reading {}", part.display()))?;
            }
        }
        f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, &target).with_context(|| format!("writing {}", target.display()))?;
        Ok(())
    };
    concat("dataset.jsonl", "jsonl", Vec::new())?;
    concat(
        "cells.csv",
        "cells.csv",
        tabular::header(tabular::CELLS_HEADER)?,
    )?;
    concat(
        "anomalies.csv",
        "anomalies.csv",
        tabular::header(tabular::ANOMALIES_HEADER)?,
    )?;
    concat(
        "documents.csv",
        "documents.csv",
        tabular::header(tabular::DOCUMENTS_HEADER)?,
    )?;
    let head = report::batch_report(summary, &[]);
    concat("report.md", "report.md", head.into_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_never_collide() {
        let ids = document_ids(&[
            PathBuf::from("a/doc.txt"),
            PathBuf::from("b/doc.txt"),
            PathBuf::from("c/doc-2.txt"),
        ]);
        // The second `doc` would be `doc-2`, but that belongs to a real file later in the batch only
        // if it comes first; here it does not, so the real `doc-2` moves on.
        assert_eq!(ids.len(), 3);
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), 3, "{ids:?}");
        assert_eq!(ids[0], "doc");
    }
}
