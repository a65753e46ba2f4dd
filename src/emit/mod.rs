//! Emit: the only module that knows the JSON wire format and writes output files.
//!
//! ## Wire format
//! - `<name>.json`, one per document: a [`Dataset`] (see `docs/schema.json`), pretty-printed UTF-8
//!   with a trailing newline. Amounts are strings; objects keep the field order of `model.rs`.
//! - `summary.json`: a [`Summary`] with one [`SummaryEntry`] per input, in input order.
//! - `report.md`: the findings of the batch for people ([`report`]).
//!
//! Files are written to a temporary name in the same directory and renamed into place, so a reader
//! never sees a half-written file.

pub mod datapackage;
pub mod report;
pub mod tabular;

use crate::model::Dataset;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// The batch summary.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub schema_version: &'static str,
    pub tool_version: &'static str,
    pub documents: Vec<SummaryEntry>,
    pub ok: usize,
    pub failed: usize,
}

/// One input's outcome.
#[derive(Debug, Serialize, Deserialize)]
pub struct SummaryEntry {
    pub input: String,
    /// The output file name inside the output directory (null when failed).
    pub output: Option<String>,
    /// `ok` or `failed`.
    pub status: String,
    /// The input's content hash (empty when it could not be read).
    #[serde(default)]
    pub sha256: String,
    /// The cnbudget version that produced this entry (`--incremental` reuses only its own).
    #[serde(default)]
    pub tool_version: String,
    pub error: Option<String>,
    pub tables: usize,
    pub repairs: usize,
    pub anomalies: usize,
    /// Findings by severity.
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl SummaryEntry {
    pub fn ok(input: String, output: String, d: &Dataset) -> Self {
        SummaryEntry {
            input,
            output: Some(output),
            status: "ok".into(),
            sha256: String::new(),
            tool_version: crate::pipeline::TOOL_VERSION.into(),
            error: None,
            tables: d.tables.len(),
            repairs: d.repairs.len(),
            anomalies: d.anomalies.len(),
            errors: count(d, "error"),
            warnings: count(d, "warning"),
            infos: count(d, "info"),
        }
    }

    pub fn failed(input: String, error: String) -> Self {
        SummaryEntry {
            input,
            output: None,
            status: "failed".into(),
            sha256: String::new(),
            tool_version: crate::pipeline::TOOL_VERSION.into(),
            error: Some(error),
            tables: 0,
            repairs: 0,
            anomalies: 0,
            errors: 0,
            warnings: 0,
            infos: 0,
        }
    }
}

impl SummaryEntry {
    /// The same entry with the input's content hash recorded.
    pub fn with_sha256(mut self, sha256: &str) -> Self {
        self.sha256 = sha256.to_owned();
        self
    }
}

fn count(d: &Dataset, severity: &str) -> usize {
    d.anomalies
        .iter()
        .filter(|a| a.severity == severity)
        .count()
}

/// Serializes a value as pretty JSON with a trailing newline.
pub fn to_json<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}

/// Writes `bytes` to `path` atomically (temporary file in the same directory, then rename): a reader,
/// or a run killed midway, never sees a partial file. Not flushed to the disk: per-document files can
/// be rebuilt by an `--incremental` rerun, and an fsync each would dominate a batch's wall time.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_via_temp(path, bytes, false)
}

/// [`write_atomic`], and the data is on the disk before the rename (for the batch-wide files).
pub fn write_durable(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_via_temp(path, bytes, true)
}

fn write_via_temp(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if durable {
            f.sync_all()?;
        }
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
