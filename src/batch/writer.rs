//! The batch files, written in input order while documents finish in any order.
//!
//! Workers hand each finished document's share of the batch files to an [`OrderedWriter`] with its
//! input index. Shares that arrive early wait (in memory, up to [`PENDING_BUDGET`] bytes; beyond that
//! the worker sets them aside in a bundle on disk); whichever worker delivers the next expected index
//! writes it and every waiting share after it. So each byte of a batch file is written once, straight
//! from the document's buffers, and the bytes do not depend on the thread count or timing.
//!
//! The batch files grow under temporary names and are renamed into place by [`OrderedWriter::finish`]
//! once every document is in: a killed run leaves no partial batch file under a real name. The
//! report's header counts the whole batch, so its sections go to a body file that `finish` copies
//! after the header.

use super::parts::{self, DocumentParts, PartHead};
use crate::emit::SummaryEntry;
use anyhow::Context;
use std::collections::BTreeMap;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// How many bytes of shares may wait in memory for an earlier document. In a steady batch a share
/// waits only for the documents other threads hold; one slow document (a large PDF) can hold back
/// many, and those beyond this budget wait on disk instead, so memory stays flat.
pub const PENDING_BUDGET: usize = 64 << 20;

/// A document's share of the batch files, as handed to the writer.
pub enum Share {
    /// In memory: the bytes for each of [`parts::SECTIONS`] (the dataset.jsonl line included).
    Memory([Vec<u8>; 5]),
    /// In a bundle on disk (a reused document, or one set aside while earlier ones were still being
    /// processed). A `temporary` bundle is removed once copied.
    Bundle { path: PathBuf, temporary: bool },
}

impl Share {
    fn memory_len(&self) -> usize {
        match self {
            Share::Memory(sections) => sections.iter().map(Vec::len).sum(),
            Share::Bundle { .. } => 0,
        }
    }
}

/// The shares waiting for their turn, and the entries of all documents delivered so far.
struct Pending {
    next: usize,
    waiting: BTreeMap<usize, Share>,
    waiting_bytes: usize,
    /// A worker is writing: the others only leave their shares.
    writing: bool,
    entries: Vec<Option<SummaryEntry>>,
    /// The first write that failed; later shares are not written (the batch fails at `finish`).
    error: Option<anyhow::Error>,
}

/// Writes the batch files in input order from shares delivered in any order.
pub struct OrderedWriter<'a> {
    out: &'a Path,
    /// [`PENDING_BUDGET`], smaller in tests.
    budget: usize,
    pending: Mutex<Pending>,
    /// Held only by the writing worker (see `Pending::writing`), so never contended.
    files: Mutex<Vec<BatchFile>>,
}

impl<'a> OrderedWriter<'a> {
    /// Starts the batch files (with their headers) for `documents` shares; the report's header is
    /// written by [`finish`](Self::finish).
    pub fn create(out: &'a Path, documents: usize, headers: [Vec<u8>; 4]) -> anyhow::Result<Self> {
        let mut files = Vec::with_capacity(parts::SECTIONS.len());
        for (name, header) in parts::SECTIONS.iter().zip(headers) {
            files.push(BatchFile::create(out, name, &header)?);
        }
        files.push(BatchFile::create(out, "report.md.body", &[])?);
        Ok(OrderedWriter {
            out,
            budget: PENDING_BUDGET,
            pending: Mutex::new(Pending {
                next: 0,
                waiting: BTreeMap::new(),
                waiting_bytes: 0,
                writing: false,
                entries: vec![None; documents],
                error: None,
            }),
            files: Mutex::new(files),
        })
    }

    /// Whether a share of `len` bytes for document `index` should wait on disk rather than in memory.
    pub fn must_set_aside(&self, index: usize, len: usize) -> bool {
        let pending = lock(&self.pending);
        index != pending.next && pending.waiting_bytes.saturating_add(len) > self.budget
    }

    /// Hands over document `index`'s entry and share; writes it now if its turn has come, with every
    /// waiting share after it.
    pub fn deliver(&self, index: usize, entry: SummaryEntry, share: Share) {
        let mut pending = lock(&self.pending);
        if let Some(slot) = pending.entries.get_mut(index) {
            *slot = Some(entry);
        }
        pending.waiting_bytes += share.memory_len();
        pending.waiting.insert(index, share);
        if pending.writing {
            return;
        }
        pending.writing = true;
        loop {
            let mut run = Vec::new();
            loop {
                let next = pending.next;
                let Some(share) = pending.waiting.remove(&next) else {
                    break;
                };
                pending.waiting_bytes -= share.memory_len();
                pending.next += 1;
                run.push(share);
            }
            if run.is_empty() {
                pending.writing = false;
                return;
            }
            let failed = pending.error.is_some();
            drop(pending);
            let written = if failed { Ok(()) } else { self.write(run) };
            pending = lock(&self.pending);
            if let Err(e) = written {
                pending.error.get_or_insert(e);
            }
        }
    }

    fn write(&self, run: Vec<Share>) -> anyhow::Result<()> {
        let mut files = lock(&self.files);
        for share in run {
            match share {
                Share::Memory(sections) => {
                    for (file, section) in files.iter_mut().zip(&sections) {
                        file.append(section)?;
                    }
                }
                Share::Bundle { path, temporary } => {
                    append_bundle(self.out, &path, &mut files)
                        .with_context(|| format!("reading {}", path.display()))?;
                    if temporary {
                        let _ = std::fs::remove_file(&path);
                    }
                }
            }
        }
        Ok(())
    }

    /// Once every document is delivered: hands the entries, in input order, to `summarize`, which
    /// returns the report's header and a summary; writes the header before the report's sections,
    /// flushes every batch file to the disk, renames them into place and returns the summary.
    pub fn finish<S>(
        self,
        summarize: impl FnOnce(Vec<SummaryEntry>) -> (Vec<u8>, S),
    ) -> anyhow::Result<S> {
        let pending = self.pending.into_inner().unwrap_or_else(|e| e.into_inner());
        if let Some(error) = pending.error {
            return Err(error);
        }
        let all_written = pending.next == pending.entries.len() && pending.waiting.is_empty();
        let Some(entries) = pending.entries.into_iter().collect::<Option<Vec<_>>>() else {
            anyhow::bail!("internal error: a document was not handed to the batch files");
        };
        if !all_written {
            anyhow::bail!("internal error: a document's share was not written to the batch files");
        }
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        let body = files.pop().context("internal error: no report body")?;
        let (report_header, summary) = summarize(entries);
        let mut report = BatchFile::create(self.out, "report.md", &report_header)?;
        let (mut body_file, body_path) = body.into_file()?;
        body_file
            .seek(std::io::SeekFrom::Start(0))
            .and_then(|_| std::fs::remove_file(&body_path))
            .with_context(|| format!("reading {}", body_path.display()))?;
        report.copy_from(&mut body_file)?;
        files.push(report);
        for file in files {
            file.commit()?;
        }
        Ok(summary)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A worker that panicked while holding the lock left consistent data: shares are moved in and
    // out whole.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
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

/// Encodes a bundle; a compact document's dataset.jsonl line is left out (its `<id>.json` is the line).
pub fn encode_bundle(bundle: &mut DocumentParts) -> std::io::Result<Vec<u8>> {
    let line = if bundle.json_form == "compact" {
        std::mem::take(&mut bundle.sections[0])
    } else {
        Vec::new()
    };
    let bytes = bundle.encode().map_err(std::io::Error::other);
    if !line.is_empty() {
        bundle.sections[0] = line;
    }
    bytes
}

/// A batch file being written under a temporary name, renamed into place once complete.
struct BatchFile {
    tmp: PathBuf,
    target: PathBuf,
    writer: std::io::BufWriter<std::fs::File>,
}

impl BatchFile {
    fn create(out: &Path, name: &str, header: &[u8]) -> anyhow::Result<Self> {
        let target = out.join(name);
        let tmp = out.join(format!(".{name}.tmp-{}", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .with_context(|| format!("creating {}", tmp.display()))?;
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
    fn copy_from(&mut self, reader: &mut impl Read) -> anyhow::Result<()> {
        std::io::copy(reader, &mut self.writer)
            .map(drop)
            .with_context(|| format!("writing {}", self.tmp.display()))
    }

    fn append(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.writer
            .write_all(bytes)
            .with_context(|| format!("writing {}", self.tmp.display()))
    }

    /// Flushes the buffer and gives back the file (open for reading too) and its temporary name.
    fn into_file(self) -> anyhow::Result<(std::fs::File, PathBuf)> {
        let file = self
            .writer
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("writing {}", self.tmp.display()))?;
        Ok((file, self.tmp))
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

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cnbudget-writer-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn share(i: usize) -> [Vec<u8>; 5] {
        [
            format!("{{\"doc\":{i}}}\n").into_bytes(),
            format!("cell {i}\n").into_bytes(),
            Vec::new(),
            format!("document {i}\n").into_bytes(),
            format!("## {i}\n").into_bytes(),
        ]
    }

    fn entry(i: usize) -> SummaryEntry {
        SummaryEntry::failed(format!("in/{i}.txt"), "x".into())
    }

    fn headers() -> [Vec<u8>; 4] {
        [
            Vec::new(),
            b"cells\n".to_vec(),
            b"anomalies\n".to_vec(),
            b"documents\n".to_vec(),
        ]
    }

    fn expected(n: usize, section: usize, header: &str) -> String {
        let body: String = (0..n)
            .map(|i| String::from_utf8(share(i)[section].clone()).unwrap())
            .collect();
        format!("{header}{body}")
    }

    #[test]
    fn shares_delivered_in_any_order_are_written_in_input_order() {
        let dir = temp_dir("order");
        let n = 50;
        let writer = OrderedWriter::create(&dir, n, headers()).unwrap();
        // Reverse order, from several threads: everything waits until document 0 arrives last.
        std::thread::scope(|scope| {
            for t in 0..3 {
                let writer = &writer;
                scope.spawn(move || {
                    for i in (1..n).rev().filter(|i| i % 3 == t) {
                        writer.deliver(i, entry(i), Share::Memory(share(i)));
                    }
                });
            }
        });
        assert!(!dir.join("cells.csv").exists(), "renamed before the end");
        writer.deliver(0, entry(0), Share::Memory(share(0)));
        let entries = writer
            .finish(|e| (format!("# {} documents\n", e.len()).into_bytes(), e))
            .unwrap();
        assert_eq!(entries.len(), n);
        assert!(
            entries
                .iter()
                .enumerate()
                .all(|(i, e)| e.input == format!("in/{i}.txt"))
        );
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(read("dataset.jsonl"), expected(n, 0, ""));
        assert_eq!(read("cells.csv"), expected(n, 1, "cells\n"));
        assert_eq!(read("anomalies.csv"), "anomalies\n");
        assert_eq!(read("documents.csv"), expected(n, 3, "documents\n"));
        assert_eq!(read("report.md"), expected(n, 4, "# 50 documents\n"));
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 5, "temporary files left: {left:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn shares_over_the_budget_wait_on_disk_and_are_copied_in_order() {
        let dir = temp_dir("budget");
        let n = 4;
        let mut writer = OrderedWriter::create(&dir, n, headers()).unwrap();
        writer.budget = 40;
        let len = |i: usize| share(i).iter().map(Vec::len).sum::<usize>();
        // The next expected document never waits; the first later one fits, the second does not.
        assert!(!writer.must_set_aside(0, 1000));
        assert!(!writer.must_set_aside(1, len(1)));
        writer.deliver(1, entry(1), Share::Memory(share(1)));
        assert!(writer.must_set_aside(2, len(2)));
        let path = dir.join("2.part");
        let mut bundle = DocumentParts {
            entry: entry(2),
            json_form: "pretty".into(),
            sections: share(2),
        };
        std::fs::write(&path, encode_bundle(&mut bundle).unwrap()).unwrap();
        let aside = Share::Bundle {
            path: path.clone(),
            temporary: true,
        };
        writer.deliver(2, entry(2), aside);
        writer.deliver(3, entry(3), Share::Memory(share(3)));
        writer.deliver(0, entry(0), Share::Memory(share(0)));
        writer.finish(|_| (Vec::new(), ())).unwrap();
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(read("cells.csv"), expected(n, 1, "cells\n"));
        assert_eq!(read("dataset.jsonl"), expected(n, 0, ""));
        assert_eq!(read("report.md"), expected(n, 4, ""));
        assert!(!path.exists(), "a temporary bundle outlived its copy");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_missing_share_fails_the_batch_instead_of_a_short_file() {
        let dir = temp_dir("missing");
        let writer = OrderedWriter::create(&dir, 2, headers()).unwrap();
        writer.deliver(1, entry(1), Share::Memory(share(1)));
        assert!(writer.finish(|_| (Vec::new(), ())).is_err());
        assert!(!dir.join("cells.csv").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
