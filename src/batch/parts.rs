//! The bundle a document leaves under `.parts/`: its summary entry and its share of each batch file,
//! in one file so that a document costs the file system two writes (its JSON and this), not seven.
//!
//! Layout (bytes): a header line `cnbudget-part 1 json=<form>`, the entry as one line of JSON, then
//! each section of [`SECTIONS`] in order as its length in bytes on a line of its own followed by the
//! bytes. The sections are opaque bytes, so CSV or Markdown text needs no escaping; the lengths let a
//! reader notice a cut or foreign file instead of splicing it into a batch file.

use crate::emit::SummaryEntry;

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
const MAGIC: &str = "cnbudget-part 1";

/// Why bytes are not a bundle.
#[derive(Debug, thiserror::Error)]
pub enum PartError {
    #[error("no `{MAGIC}` header")]
    Header,
    #[error("its summary entry does not parse: {0}")]
    Entry(#[from] serde_json::Error),
    #[error("section {section} is cut short or malformed")]
    Section { section: &'static str },
    #[error("{0} bytes follow the last section")]
    Trailing(usize),
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

impl DocumentParts {
    pub fn encode(&self) -> Result<Vec<u8>, serde_json::Error> {
        let entry = serde_json::to_vec(&self.entry)?;
        let body: usize = self.sections.iter().map(|s| s.len() + 12).sum();
        let mut out = Vec::with_capacity(64 + entry.len() + body);
        out.extend_from_slice(format!("{MAGIC} json={}\n", self.json_form).as_bytes());
        out.extend_from_slice(&entry);
        out.push(b'\n');
        for section in &self.sections {
            out.extend_from_slice(format!("{}\n", section.len()).as_bytes());
            out.extend_from_slice(section);
        }
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, PartError> {
        let (header, rest) = split_line(bytes).ok_or(PartError::Header)?;
        let json_form = std::str::from_utf8(header)
            .ok()
            .and_then(|h| h.strip_prefix(MAGIC))
            .and_then(|h| h.strip_prefix(" json="))
            .ok_or(PartError::Header)?
            .to_owned();
        let (entry, mut rest) = split_line(rest).ok_or(PartError::Header)?;
        let entry: SummaryEntry = serde_json::from_slice(entry)?;
        let mut sections: [Vec<u8>; 5] = Default::default();
        for (slot, section) in sections.iter_mut().zip(SECTIONS) {
            let malformed = PartError::Section { section };
            let (len, after) = split_line(rest).ok_or(PartError::Section { section })?;
            let len: usize = std::str::from_utf8(len)
                .ok()
                .and_then(|l| l.parse().ok())
                .ok_or(malformed)?;
            let (body, after) = after
                .split_at_checked(len)
                .ok_or(PartError::Section { section })?;
            *slot = body.to_vec();
            rest = after;
        }
        if !rest.is_empty() {
            return Err(PartError::Trailing(rest.len()));
        }
        Ok(DocumentParts {
            entry,
            json_form,
            sections,
        })
    }
}

/// The bytes before the first `\n`, and those after it.
fn split_line(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = bytes.iter().position(|&b| b == b'\n')?;
    Some((&bytes[..end], &bytes[end + 1..]))
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
            Err(PartError::Trailing(1))
        ));
        assert!(matches!(
            DocumentParts::decode(b"{\"entry\":1}\n"),
            Err(PartError::Header)
        ));
    }
}
