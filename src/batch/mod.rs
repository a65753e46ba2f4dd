//! Batch: many documents in parallel, each written as soon as it is done, then the batch-wide files.
//!
//! Each input gets an id (its file stem, `-2`, `-3`… added in input order on a collision) and, once
//! processed, two files: `<id>.json` and `.parts/<id>.part`, a [`DocumentParts`] bundle holding the
//! document's summary entry and its share of each batch file (`cells.csv`, `anomalies.csv` and
//! `documents.csv` rows, `report.md` section; its `dataset.jsonl` line is the compact `<id>.json`
//! itself, or with `--pretty` a section of the bundle). Nothing of a document is kept in
//! memory after its files are written, so memory stays flat however large the batch. When every
//! document is done the batch files — `summary.json`, `dataset.jsonl`, `cells.csv`, `anomalies.csv`,
//! `documents.csv`, `report.md`, `datapackage.json` — are assembled from the bundles in input order,
//! so the bytes do not depend on the thread count.
//!
//! Every file is written atomically (temporary name, then rename), the bundle last: a killed run
//! leaves only complete files, and a bundle says its document is done. With `incremental`, a document
//! whose bundle records the same content hash, tool version and JSON form is not processed again, so
//! a rerun finishes what a killed run left. One bundle per document, rather than a file per batch
//! file, keeps a document's file-system work to two files.
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
use std::io::{Read, Seek, Write};
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

pub use parts::{DocumentParts, PartError, PartHead};

/// Where one document's bundle lives.
struct Parts {
    dir: PathBuf,
    id: String,
}

impl Parts {
    fn path(&self) -> PathBuf {
        self.dir.join(format!("{}.part", self.id))
    }

    /// Writes the bundle: last, so that its presence says the document is done.
    fn write(&self, bundle: &DocumentParts) -> std::io::Result<()> {
        let bytes = bundle.encode().map_err(std::io::Error::other)?;
        emit::write_atomic(&self.path(), &bytes)
    }
}

/// The form of each document's `<id>.json`.
fn json_form(pretty: bool) -> &'static str {
    if pretty { "pretty" } else { "compact" }
}

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
        let entry = SummaryEntry::failed(input.clone(), error.clone());
        parts.write(&failed_parts(
            &id,
            &input,
            "",
            &error,
            entry.clone(),
            opts.pretty,
        )?)?;
        extra_parts.push(id.clone());
        entries.push(entry);
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
        && let Some(entry) = reusable(parts, &sha256(), opts.pretty)
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
        let entry = SummaryEntry::ok(input.clone(), format!("{}.json", parts.id), &d)
            .with_sha256(&d.source.sha256);
        write_ok(parts, &json_path, &d, &lines, entry.clone(), opts.pretty)
            .map_err(|e| format!("{input}: cannot write output: {e}"))?;
        Ok(entry)
    });
    match written {
        Ok(entry) => entry,
        Err(error) => {
            // A stale JSON from an earlier, successful run must not outlive this failure.
            let _ = std::fs::remove_file(&json_path);
            let sha256 = sha256();
            let entry = SummaryEntry::failed(input.clone(), error.clone()).with_sha256(&sha256);
            let recorded = failed_parts(
                &parts.id,
                &input,
                &sha256,
                &error,
                entry.clone(),
                opts.pretty,
            )
            .and_then(|bundle| parts.write(&bundle));
            match recorded {
                Ok(()) => entry,
                Err(e) => SummaryEntry::failed(
                    input,
                    format!("{error}; and cannot write its record: {e}"),
                ),
            }
        }
    }
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

/// Writes a processed document: its JSON, then its bundle.
fn write_ok(
    parts: &Parts,
    json_path: &Path,
    d: &crate::model::Dataset,
    lines: &[crate::normalize::Line],
    entry: SummaryEntry,
    pretty: bool,
) -> std::io::Result<()> {
    // A compact `<id>.json` is the document's dataset.jsonl line as well: the bundle leaves that
    // section empty and the batch copies the file (see `jsonl_section`), so the line is written once.
    let line = if pretty {
        let (json, line) = emit::to_json_and_line(d).map_err(std::io::Error::other)?;
        emit::write_atomic(json_path, &json)?;
        line
    } else {
        let line = emit::to_json_line(d).map_err(std::io::Error::other)?;
        emit::write_atomic(json_path, &line)?;
        Vec::new()
    };
    let cells = tabular::cells_csv(&parts.id, d);
    let bundle = DocumentParts {
        entry,
        json_form: json_form(pretty).into(),
        sections: [
            line,
            cells,
            csv_bytes(&tabular::anomalies(&parts.id, d))?,
            csv_bytes(&[tabular::document(&parts.id, d)])?,
            report::document_section(d, lines).into_bytes(),
        ],
    };
    parts.write(&bundle)
}

/// The bundle of a document that failed: its row in documents.csv and its report section.
fn failed_parts(
    id: &str,
    input: &str,
    sha256: &str,
    error: &str,
    entry: SummaryEntry,
    pretty: bool,
) -> std::io::Result<DocumentParts> {
    let row = tabular::failed_document(id, input, sha256, error);
    Ok(DocumentParts {
        entry,
        json_form: json_form(pretty).into(),
        sections: [
            Vec::new(),
            Vec::new(),
            Vec::new(),
            csv_bytes(&[row])?,
            report::failed_section(input, error).into_bytes(),
        ],
    })
}

/// Writes the batch-wide files from the bundles, in input order.
fn assemble(out: &Path, parts_dir: &Path, ids: &[String], summary: &Summary) -> anyhow::Result<()> {
    let write = |name: &str, bytes: &[u8]| {
        emit::write_durable(&out.join(name), bytes)
            .with_context(|| format!("writing {}", out.join(name).display()))
    };
    write("summary.json", emit::to_json(summary)?.as_bytes())?;
    let descriptor = datapackage::descriptor(TOOL_VERSION);
    write("datapackage.json", emit::to_json(&descriptor)?.as_bytes())?;
    let headers = [
        Vec::new(),
        tabular::header(tabular::CELLS_HEADER)?,
        tabular::header(tabular::ANOMALIES_HEADER)?,
        tabular::header(tabular::DOCUMENTS_HEADER)?,
        report::batch_report(summary, &[]).into_bytes(),
    ];
    let mut files = Vec::with_capacity(parts::SECTIONS.len());
    for (name, header) in parts::SECTIONS.iter().zip(&headers) {
        files.push(BatchFile::create(out, name, header)?);
    }
    for id in ids {
        let path = parts_dir.join(format!("{id}.part"));
        // Every id was given a bundle in this run or reused one that decoded; one that is gone now
        // was removed under the running batch.
        append_bundle(out, &path, &mut files)
            .with_context(|| format!("reading {}", path.display()))?;
    }
    for file in files {
        file.commit()?;
    }
    Ok(())
}

/// Appends one bundle's sections to the batch files. Large sections are copied file to file (the
/// kernel copies them, without reading them into memory); a compact document's dataset.jsonl line is
/// its `<id>.json`, which the bundle does not repeat.
fn append_bundle(out: &Path, path: &Path, files: &mut [BatchFile]) -> anyhow::Result<()> {
    let (file, head) = PartHead::open(path)?;
    let mut offset = head.body_offset;
    for (i, (batch_file, &len)) in files.iter_mut().zip(&head.lengths).enumerate() {
        match (i, head.json_form.as_str(), &head.entry.output) {
            (0, "compact", Some(name)) => {
                let json = out.join(name);
                let mut json_file = std::fs::File::open(&json)
                    .with_context(|| format!("reading {}", json.display()))?;
                batch_file.copy_from(&mut json_file)?;
            }
            _ => {
                let mut section = &file;
                section.seek(std::io::SeekFrom::Start(offset as u64))?;
                batch_file.copy_from(&mut section.take(len as u64))?;
            }
        }
        offset += len;
    }
    Ok(())
}

/// A batch file being assembled under a temporary name, renamed into place once complete.
struct BatchFile {
    tmp: PathBuf,
    target: PathBuf,
    writer: std::io::BufWriter<std::fs::File>,
}

impl BatchFile {
    fn create(out: &Path, name: &str, header: &[u8]) -> anyhow::Result<Self> {
        let target = out.join(name);
        let tmp = out.join(format!(".{name}.tmp-{}", std::process::id()));
        let file =
            std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut batch_file = BatchFile {
            tmp,
            target,
            writer: std::io::BufWriter::with_capacity(1 << 20, file),
        };
        batch_file.append(header)?;
        Ok(batch_file)
    }

    /// Appends what `reader` yields; from a file, std's `io::copy` has the kernel copy the bytes
    /// (`copy_file_range`) after flushing the buffer.
    fn copy_from(&mut self, reader: &mut impl std::io::Read) -> anyhow::Result<()> {
        std::io::copy(reader, &mut self.writer)
            .map(drop)
            .with_context(|| format!("writing {}", self.tmp.display()))
    }

    fn append(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.writer
            .write_all(bytes)
            .with_context(|| format!("writing {}", self.tmp.display()))
    }

    /// Flushes to the disk and renames into place.
    fn commit(self) -> anyhow::Result<()> {
        let context = || format!("writing {}", self.target.display());
        let file = self
            .writer
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(context)?;
        file.sync_all().with_context(context)?;
        std::fs::rename(&self.tmp, &self.target).with_context(context)
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
