//! Emit: the only module that knows the JSON wire format and writes output files.
//!
//! ## Wire format
//! - `<name>.json`, one per document: a [`Dataset`] (see `docs/schema.json`), UTF-8 JSON on one line
//!   with a trailing newline (the same bytes as its `dataset.jsonl` line), or indented with `--pretty`.
//!   Amounts are strings; objects keep the field order of `model.rs`.
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
use serde_json::ser::{CharEscape, CompactFormatter, Formatter, PrettyFormatter};
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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

/// Serializes a value as compact JSON on one line with a trailing newline: a document's `<id>.json`
/// and its `dataset.jsonl` line.
pub fn to_json_line<T: Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut line = Vec::with_capacity(128 * 1024);
    serde_json::to_writer(&mut line, value)?;
    line.push(b'\n');
    Ok(line)
}

/// A document's JSON in its two forms, from one serialization: pretty with a trailing newline (as
/// [`to_json`]: `<name>.json`) and compact with a trailing newline (as `serde_json::to_string`: the
/// `dataset.jsonl` line). Serializing the dataset twice was a visible share of a document's time.
pub fn to_json_and_line<T: Serialize>(value: &T) -> Result<(Vec<u8>, Vec<u8>), serde_json::Error> {
    let mut pretty = Vec::with_capacity(256 * 1024);
    let mut compact = Vec::with_capacity(128 * 1024);
    let formatter = Both {
        pretty: PrettyFormatter::new(),
        compact: &mut compact,
    };
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut pretty,
        formatter,
    ))?;
    pretty.push(b'\n');
    compact.push(b'\n');
    Ok((pretty, compact))
}

/// A formatter that writes serde_json's pretty form to the serializer's writer and its compact form
/// to `compact`: every call goes to both of serde_json's own formatters, so each output is
/// byte-for-byte what that formatter alone would write.
struct Both<'c> {
    pretty: PrettyFormatter<'static>,
    compact: &'c mut Vec<u8>,
}

macro_rules! both {
    ($(fn $name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $name<W: ?Sized + Write>(&mut self, writer: &mut W $(, $arg: $ty)*) -> std::io::Result<()> {
                CompactFormatter.$name(&mut *self.compact $(, $arg)*)?;
                self.pretty.$name(writer $(, $arg)*)
            }
        )*
    };
}

impl Formatter for Both<'_> {
    both! {
        fn write_null();
        fn write_bool(value: bool);
        fn write_i8(value: i8);
        fn write_i16(value: i16);
        fn write_i32(value: i32);
        fn write_i64(value: i64);
        fn write_i128(value: i128);
        fn write_u8(value: u8);
        fn write_u16(value: u16);
        fn write_u32(value: u32);
        fn write_u64(value: u64);
        fn write_u128(value: u128);
        fn write_f32(value: f32);
        fn write_f64(value: f64);
        fn write_number_str(value: &str);
        fn begin_string();
        fn end_string();
        fn write_string_fragment(fragment: &str);
        fn begin_array();
        fn end_array();
        fn begin_array_value(first: bool);
        fn end_array_value();
        fn begin_object();
        fn end_object();
        fn begin_object_key(first: bool);
        fn end_object_key();
        fn begin_object_value();
        fn end_object_value();
        fn write_raw_fragment(fragment: &str);
    }

    /// `CharEscape` cannot be copied: rendered once (both formatters use the default rendering),
    /// then written to both outputs.
    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        char_escape: CharEscape,
    ) -> std::io::Result<()> {
        let mut escaped = Vec::with_capacity(6);
        CompactFormatter.write_char_escape(&mut escaped, char_escape)?;
        self.compact.extend_from_slice(&escaped);
        writer.write_all(&escaped)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_gives_serde_jsons_two_forms() {
        let value = serde_json::json!({
            "empty": {}, "none": [], "null": null, "n": 1.5, "i": -3, "t": true,
            "s": "a \"quoted\" \\ back\\slash / solidus, \n newline, \t tab, \r, \u{8}\u{c}\u{1} ctl, 全角　空格",
            "nested": [{"k": ["x", " y ", ""]}, [[], {}], "\\", [1, [2, [3, {}]]]],
        });
        let (pretty, line) = to_json_and_line(&value).expect("serializes");
        assert_eq!(pretty, to_json(&value).expect("serializes").into_bytes());
        let mut compact = serde_json::to_string(&value).expect("serializes");
        compact.push('\n');
        assert_eq!(line, compact.into_bytes());
    }
}
