//! Batch: many documents in parallel, each written as soon as it is done, the batch files in input order.
//!
//! Each input gets an id (its file stem, `-2`, `-3`… added in input order on a collision). Worker
//! threads take inputs in order from a shared counter; each processed document writes its
//! `<id>.json` and hands its share of each batch file (`dataset.jsonl` line, `cells.csv`,
//! `anomalies.csv` and `documents.csv` rows, `report.md` section) to the [`writer`], which appends
//! shares in input order as they become next, so every byte is written once and the bytes do not
//! depend on the thread count. Nothing of a document is kept after its turn is written (and shares
//! waiting for a slow document beyond a budget wait on disk), so memory stays flat however large
//! the batch. When every document is in, the batch files — `dataset.jsonl`, `cells.csv`,
//! `anomalies.csv`, `documents.csv`, `report.md` — are renamed into place, then `summary.json` and
//! `datapackage.json` written.
//!
//! Every file is written atomically (temporary name, then rename): a killed run leaves only complete
//! files. With `incremental`, each document also leaves a record, `.parts/<id>.part`, a
//! [`DocumentParts`] bundle of its summary entry and its shares, written last so that its presence
//! says the document is done; a document whose record has the same content hash, tool version and
//! JSON form is not processed again (its shares are copied from the record), so a rerun finishes
//! what a killed run left. A run without `incremental` rewrites the outputs, so it removes the
//! records, which would no longer describe them.
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
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// File extensions picked up when a folder is searched.
pub const INPUT_EXTENSIONS: &[&str] = &["txt", "text", "pdf"];

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
    /// Write each document's JSON indented for reading (the default is one line, as in dataset.jsonl).
    pub pretty: bool,
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

mod parts;
mod writer;

pub use parts::{DocumentParts, PartError, PartHead};
use writer::{OrderedWriter, Share, encode_bundle};

/// Where one document's bundle lives.
struct Parts {
    dir: PathBuf,
    id: String,
}

impl Parts {
    fn path(&self) -> PathBuf {
        self.dir.join(format!("{}.part", self.id))
    }

    /// Writes the bundle: last, so that its presence says the document is done. (The folder is made
    /// at the start of an incremental run, or before a share is set aside.)
    fn write(&self, bundle: &mut DocumentParts) -> std::io::Result<()> {
        emit::write_atomic(&self.path(), &encode_bundle(bundle)?)
    }
}

/// The form of each document's `<id>.json`.
fn json_form(pretty: bool) -> &'static str {
    if pretty { "pretty" } else { "compact" }
}

/// Processes every input and writes the outputs; returns the summary (already written).
pub fn run_batch(paths: &[PathBuf], opts: &BatchOptions<'_>) -> anyhow::Result<Summary> {
    let parts_dir = opts.out_dir.join(PARTS_DIR);
    std::fs::create_dir_all(opts.out_dir)
        .with_context(|| format!("creating output directory {}", opts.out_dir.display()))?;
    if opts.incremental {
        std::fs::create_dir_all(&parts_dir)
            .and_then(|()| remove_foreign_records(&parts_dir))
            .with_context(|| format!("preparing {}", parts_dir.display()))?;
    } else {
        // Records of an earlier run describe outputs this run rewrites: a later `--incremental`
        // run must not trust them.
        match std::fs::remove_dir_all(&parts_dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing {}", parts_dir.display()));
            }
            _ => {}
        }
    }
    let (inputs, walk_errors) = collect_inputs(paths);
    let ids = document_ids(&inputs);
    let headers = [
        Vec::new(),
        tabular::header(tabular::CELLS_HEADER)?,
        tabular::header(tabular::ANOMALIES_HEADER)?,
        tabular::header(tabular::DOCUMENTS_HEADER)?,
    ];
    let writer = OrderedWriter::create(opts.out_dir, inputs.len() + walk_errors.len(), headers)?;
    // Workers take the next input from a shared counter, so documents finish roughly in input order
    // and few shares wait for an earlier one (rayon's split ranges would hold half the batch back).
    let next = std::sync::atomic::AtomicUsize::new(0);
    rayon::scope(|scope| {
        for _ in 0..rayon::current_num_threads() {
            scope.spawn(|_| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let (Some(path), Some(id)) = (inputs.get(i), ids.get(i)) else {
                        break;
                    };
                    let parts = Parts {
                        dir: parts_dir.clone(),
                        id: id.clone(),
                    };
                    let (entry, share) = one_document(path, &parts, opts, &writer, i);
                    if let Some(p) = opts.progress {
                        p(&entry);
                    }
                    writer.deliver(i, entry, share);
                }
            });
        }
    });
    for (n, (path, err)) in walk_errors.into_iter().enumerate() {
        let input = path.display().to_string();
        let error = format!("{input}: {err}");
        let id = format!("unreadable-{}", n + 1);
        let entry = SummaryEntry::failed(input.clone(), error.clone());
        let bundle = failed_parts(&id, &input, "", &error, entry.clone(), opts.pretty);
        writer.deliver(inputs.len() + n, entry, Share::Memory(bundle.sections));
    }
    let summary = writer.finish(|documents| {
        let failed = documents.iter().filter(|e| e.status == "failed").count();
        let summary = Summary {
            schema_version: SCHEMA_VERSION,
            tool_version: TOOL_VERSION,
            ok: documents.len() - failed,
            failed,
            documents,
        };
        (report::batch_report(&summary, &[]).into_bytes(), summary)
    })?;
    let write = |name: &str, bytes: &[u8]| {
        let path = opts.out_dir.join(name);
        emit::write_durable(&path, bytes).with_context(|| format!("writing {}", path.display()))
    };
    write("summary.json", emit::to_json(&summary)?.as_bytes())?;
    let descriptor = datapackage::descriptor(TOOL_VERSION);
    write("datapackage.json", emit::to_json(&descriptor)?.as_bytes())?;
    Ok(summary)
}

/// Removes what is not a record from the records' folder: files an older version kept there
/// (`<id>.jsonl`, `<id>.entry.json`, …) and temporaries of a killed run. Such files are never
/// read, so they would only pile up.
fn remove_foreign_records(parts_dir: &Path) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(parts_dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        other => other?,
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let record = name.ends_with(".part") && !name.starts_with('.');
        if !record && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Processes one document (or reuses its previous output) and writes its JSON (and with
/// `incremental` its bundle); returns its entry and its share of the batch files.
fn one_document(
    path: &Path,
    parts: &Parts,
    opts: &BatchOptions<'_>,
    writer: &OrderedWriter<'_>,
    index: usize,
) -> (SummaryEntry, Share) {
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
        && let Some(entry) = reusable(parts, &sha256(), opts.pretty)
    {
        let share = Share::Bundle {
            path: parts.path(),
            temporary: false,
        };
        return (entry, share);
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
        let entry = SummaryEntry::ok(input.clone(), format!("{}.json", parts.id), &d)
            .with_sha256(&d.source.sha256);
        // Rendering the outputs runs code on the document's data too: a panic there is this
        // document's failure as well, not the batch's.
        let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            write_ok(parts, &json_path, &d, &lines, entry, opts)
        }));
        match rendered {
            Ok(r) => r.map_err(|e| format!("{input}: cannot write output: {e}")),
            Err(panic) => Err(format!(
                "{input}: internal error while writing its output (please report): {}",
                panic_message(&panic)
            )),
        }
    });
    let bundle = match written {
        Ok(bundle) => bundle,
        Err(error) => {
            // A stale JSON from an earlier, successful run must not outlive this failure.
            let _ = std::fs::remove_file(&json_path);
            failed_bundle(parts, &input, &sha256(), error, opts)
        }
    };
    share_of(bundle, parts, opts, writer, index)
}

/// The bundle of a failed document (with `incremental` also written as its record; a record that
/// cannot be written is named in the error).
fn failed_bundle(
    parts: &Parts,
    input: &str,
    sha256: &str,
    error: String,
    opts: &BatchOptions<'_>,
) -> DocumentParts {
    let bundle = |error: &str| {
        let entry = SummaryEntry::failed(input.to_owned(), error.to_owned()).with_sha256(sha256);
        failed_parts(&parts.id, input, sha256, error, entry, opts.pretty)
    };
    let mut first = bundle(&error);
    match opts.incremental.then(|| parts.write(&mut first)) {
        Some(Err(e)) => bundle(&format!("{error}; and cannot write its record: {e}")),
        _ => first,
    }
}

/// Hands a document's bundle to the batch files: in memory, or — when too many shares already wait
/// for an earlier document — from disk.
fn share_of(
    mut bundle: DocumentParts,
    parts: &Parts,
    opts: &BatchOptions<'_>,
    writer: &OrderedWriter<'_>,
    index: usize,
) -> (SummaryEntry, Share) {
    let len = bundle.sections.iter().map(Vec::len).sum();
    if writer.must_set_aside(index, len) {
        // With `incremental` the bundle is on disk already; otherwise it is written now, and removed
        // once copied.
        let on_disk = opts.incremental
            || std::fs::create_dir_all(&parts.dir)
                .and_then(|()| parts.write(&mut bundle))
                .is_ok();
        if on_disk {
            let share = Share::Bundle {
                path: parts.path(),
                temporary: !opts.incremental,
            };
            return (bundle.entry, share);
        }
    }
    (bundle.entry, Share::Memory(bundle.sections))
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// The previous entry, when it is for the same bytes, was made by this version with the same JSON
/// form, and its output exists.
fn reusable(parts: &Parts, sha256: &str, pretty: bool) -> Option<SummaryEntry> {
    let (_, bundle) = PartHead::open(&parts.path()).ok()?;
    let entry = bundle.entry;
    let same = !sha256.is_empty()
        && entry.sha256 == sha256
        && entry.tool_version == TOOL_VERSION
        && bundle.json_form == json_form(pretty);
    let output_there = match (&entry.output, parts.dir.parent()) {
        (Some(name), Some(out)) => out.join(name).exists(),
        (None, _) => true,
        (Some(_), None) => false,
    };
    (same && output_there).then_some(entry)
}

fn csv_bytes(rows: &[Vec<String>]) -> std::io::Result<Vec<u8>> {
    tabular::to_csv(rows).map_err(std::io::Error::other)
}

/// Writes a processed document's JSON (and with `incremental` its bundle, last); returns the bundle.
fn write_ok(
    parts: &Parts,
    json_path: &Path,
    d: &crate::model::Dataset,
    lines: &[crate::normalize::Line],
    entry: SummaryEntry,
    opts: &BatchOptions<'_>,
) -> std::io::Result<DocumentParts> {
    let line = if opts.pretty {
        let (json, line) = emit::to_json_and_line(d).map_err(std::io::Error::other)?;
        emit::write_atomic(json_path, &json)?;
        line
    } else {
        // A compact `<id>.json` is the document's dataset.jsonl line as well.
        let line = emit::to_json_line(d).map_err(std::io::Error::other)?;
        emit::write_atomic(json_path, &line)?;
        line
    };
    let cells = tabular::cells_csv(&parts.id, d);
    let mut bundle = DocumentParts {
        entry,
        json_form: json_form(opts.pretty).into(),
        sections: [
            line,
            cells,
            csv_bytes(&tabular::anomalies(&parts.id, d))?,
            csv_bytes(&[tabular::document(&parts.id, d)])?,
            report::document_section(d, lines).into_bytes(),
        ],
    };
    if opts.incremental {
        parts.write(&mut bundle)?;
    }
    Ok(bundle)
}

/// The bundle of a document that failed: its row in documents.csv and its report section.
fn failed_parts(
    id: &str,
    input: &str,
    sha256: &str,
    error: &str,
    entry: SummaryEntry,
    pretty: bool,
) -> DocumentParts {
    let row = tabular::failed_document(id, input, sha256, error);
    DocumentParts {
        entry,
        json_form: json_form(pretty).into(),
        sections: [
            Vec::new(),
            Vec::new(),
            Vec::new(),
            // Writing CSV into memory cannot fail (the csv crate fails only on I/O errors).
            csv_bytes(&[row]).unwrap_or_default(),
            report::failed_section(input, error).into_bytes(),
        ],
    }
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
