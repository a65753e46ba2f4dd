//! The bundle a document leaves under `.parts/`: its summary entry and its share of each batch file,
//! in one file. An `--incremental` run leaves one per document as its record; any run sets a share
//! aside in one when it must wait on disk for an earlier document (see `writer`).
//!
//! Layout (bytes): a header line `cnbudget-part 2 json=<form> lengths=<n>,<n>,<n>,<n>,<n>` (the
//! length in bytes of each section of [`SECTIONS`]), the entry as one line of JSON, then the sections'
//! bytes back to back. The sections are opaque bytes, so CSV or Markdown text needs no escaping; the
//! lengths up front let the batch copy a section file-to-file without reading it (the kernel copies
//! it), and let a reader notice a cut or foreign file instead of splicing it into a batch file.

use crate::emit::SummaryEntry;
use std::io::BufRead;

/// The batch files a document contributes to, in the order the bundle stores them. The
/// `dataset.jsonl` section is empty when the document's `<id>.json` is compact: that file is the line.
pub const SECTIONS: [&str; 5] = [
    "dataset.jsonl",
    "cells.csv",
    "anomalies.csv",
    "documents.csv",
    "report.md",
];

/// Changed whenever the layout changes: a bundle in another layout is not reused.
const MAGIC: &str = "cnbudget-part 2";

/// Why bytes are not a bundle.
#[derive(Debug, thiserror::Error)]
pub enum PartError {
    #[error("no `{MAGIC}` header")]
    Header,
    #[error("its summary entry does not parse: {0}")]
    Entry(#[from] serde_json::Error),
    #[error("it cannot be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("its sections need {expected} bytes and {actual} follow the header")]
    Length { expected: usize, actual: usize },
}

/// One document's bundle.
#[derive(Debug)]
pub struct DocumentParts {
    pub entry: SummaryEntry,
    /// The form of the document's `<id>.json` (`compact` or `pretty`): a rerun asking for the other
    /// form does the document again.
    pub json_form: String,
    /// The bytes for each of [`SECTIONS`], in that order.
    pub sections: [Vec<u8>; 5],
}

/// What precedes a bundle's sections.
#[derive(Debug)]
pub struct PartHead {
    pub entry: SummaryEntry,
    pub json_form: String,
    /// The length of each of [`SECTIONS`], in bytes.
    pub lengths: [usize; 5],
    /// Where the first section starts.
    pub body_offset: usize,
}

impl PartHead {
    /// Reads the header and entry lines; the reader is left at the first section.
    pub fn read(reader: &mut impl BufRead) -> Result<Self, PartError> {
        let mut header = Vec::new();
        reader.read_until(b'\n', &mut header)?;
        let mut entry = Vec::new();
        reader.read_until(b'\n', &mut entry)?;
        if header.pop() != Some(b'\n') || entry.pop() != Some(b'\n') {
            return Err(PartError::Header);
        }
        let (json_form, lengths) = parse_header(&header).ok_or(PartError::Header)?;
        Ok(PartHead {
            entry: serde_json::from_slice(&entry)?,
            json_form,
            lengths,
            body_offset: header.len() + entry.len() + 2,
        })
    }

    /// Opens a bundle and reads its head; the file must be as long as the head says (a cut or
    /// padded file is refused). The sections are left unread, for the caller to copy.
    pub fn open(path: &std::path::Path) -> Result<(std::fs::File, Self), PartError> {
        let file = std::fs::File::open(path)?;
        let head = Self::read(&mut std::io::BufReader::new(&file))?;
        let file_len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
        if head.total_len() != Some(file_len) {
            return Err(head.length_error(file_len));
        }
        Ok((file, head))
    }

    /// The bundle's whole length, as the header gives it (`None` past `usize`: a foreign file).
    pub fn total_len(&self) -> Option<usize> {
        self.lengths
            .iter()
            .try_fold(self.body_offset, |sum, &len| sum.checked_add(len))
    }
}

impl PartHead {
    /// The error for a bundle of `file_len` bytes whose header gives another length.
    pub fn length_error(&self, file_len: usize) -> PartError {
        PartError::Length {
            expected: self
                .lengths
                .iter()
                .fold(0, |a: usize, &b| a.saturating_add(b)),
            actual: file_len.saturating_sub(self.body_offset),
        }
    }
}

/// `cnbudget-part 2 json=FORM lengths=A,B,C,D,E` → (FORM, lengths).
fn parse_header(header: &[u8]) -> Option<(String, [usize; 5])> {
    let rest = std::str::from_utf8(header).ok()?.strip_prefix(MAGIC)?;
    let rest = rest.strip_prefix(" json=")?;
    let (form, lengths) = rest.split_once(" lengths=")?;
    let mut out = [0; 5];
    let mut numbers = lengths.split(',');
    for slot in &mut out {
        *slot = numbers.next()?.parse().ok()?;
    }
    numbers.next().is_none().then(|| (form.to_owned(), out))
}

impl DocumentParts {
    pub fn encode(&self) -> Result<Vec<u8>, serde_json::Error> {
        let entry = serde_json::to_vec(&self.entry)?;
        let lengths: Vec<String> = self.sections.iter().map(|s| s.len().to_string()).collect();
        let header = format!(
            "{MAGIC} json={} lengths={}\n",
            self.json_form,
            lengths.join(",")
        );
        let body: usize = self.sections.iter().map(Vec::len).sum();
        let mut out = Vec::with_capacity(header.len() + entry.len() + 1 + body);
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(&entry);
        out.push(b'\n');
        for section in &self.sections {
            out.extend_from_slice(section);
        }
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, PartError> {
        let mut reader = bytes;
        let head = PartHead::read(&mut reader)?;
        if head.total_len() != Some(bytes.len()) {
            return Err(head.length_error(bytes.len()));
        }
        let mut sections: [Vec<u8>; 5] = Default::default();
        let mut rest = reader;
        for (slot, len) in sections.iter_mut().zip(head.lengths) {
            let (body, after) = rest.split_at(len);
            *slot = body.to_vec();
            rest = after;
        }
        Ok(DocumentParts {
            entry: head.entry,
            json_form: head.json_form,
            sections,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle() -> DocumentParts {
        DocumentParts {
            entry: SummaryEntry::failed("in/a.txt".into(), "in/a.txt: empty".into())
                .with_sha256("abc"),
            json_form: "compact".into(),
            sections: [
                b"{\"a\":1}\n".to_vec(),
                Vec::new(),
                b"x,\"multi\nline\"\n".to_vec(),
                b"12\n34\n".to_vec(),
                "## 标题\n\n正文\n".as_bytes().to_vec(),
            ],
        }
    }

    #[test]
    fn a_bundle_reads_back_as_written() {
        let bytes = bundle().encode().unwrap();
        let back = DocumentParts::decode(&bytes).unwrap();
        assert_eq!(back.json_form, "compact");
        assert_eq!(back.entry.sha256, "abc");
        assert_eq!(back.entry.error.as_deref(), Some("in/a.txt: empty"));
        assert_eq!(back.sections, bundle().sections);
    }

    #[test]
    fn a_cut_or_padded_bundle_is_refused() {
        let bytes = bundle().encode().unwrap();
        for cut in 0..bytes.len() {
            assert!(
                DocumentParts::decode(&bytes[..cut]).is_err(),
                "cut at {cut} accepted"
            );
        }
        let mut padded = bytes.clone();
        padded.push(b'\n');
        assert!(matches!(
            DocumentParts::decode(&padded),
            Err(PartError::Length { .. })
        ));
        assert!(matches!(
            DocumentParts::decode(b"{\"entry\":1}\n"),
            Err(PartError::Header)
        ));
        // Lengths that overflow, or too few or too many of them, are refused, never a panic.
        let entry = String::from_utf8(serde_json::to_vec(&bundle().entry).unwrap()).unwrap();
        let max = usize::MAX;
        for lengths in [
            format!("{max},{max},1,1,1"),
            "1,2".into(),
            "0,0,0,0,0,0".into(),
        ] {
            let bytes = format!("{MAGIC} json=compact lengths={lengths}\n{entry}\n");
            assert!(
                DocumentParts::decode(bytes.as_bytes()).is_err(),
                "{lengths}"
            );
        }
    }
}
