//! Test support for the rule families: run the whole pipeline on a small text document and look at
//! the findings of one rule.
//!
//! ```ignore
//! let doc = testkit::doc(&[TABLE_3_HEADER, "\t合计\t10.00\t6.00\t4.00", ...]);
//! assert_eq!(testkit::codes(&doc, "A001"), 0);
//! ```

use crate::grammar::GrammarSet;
use crate::ingest;
use crate::model::{Anomaly, Dataset};
use crate::pipeline::process_text;
use std::path::Path;
use std::sync::LazyLock;

static GRAMMARS: LazyLock<GrammarSet> = LazyLock::new(|| GrammarSet::builtin().expect("grammars"));

/// Runs the pipeline (parse, repair, narrative, validation) on lines of text.
pub fn run(lines: &[&str]) -> Dataset {
    let text = lines.join("\n");
    let source = ingest::decode(Path::new("test.txt"), text.as_bytes()).expect("decodes");
    process_text(&source, "test.txt", &GRAMMARS).expect("is a disclosure")
}

/// The findings of one rule.
pub fn findings<'d>(d: &'d Dataset, code: &str) -> Vec<&'d Anomaly> {
    d.anomalies.iter().filter(|a| a.rule == code).collect()
}

/// The reference sample's lines, for tests that edit one line of a real document.
pub fn sample_lines() -> Vec<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/000_163e4aab9eba8502.txt");
    std::fs::read_to_string(p)
        .expect("sample")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Runs the pipeline on the sample with some lines replaced (1-based line numbers).
pub fn sample_with(edits: &[(usize, &str)]) -> Dataset {
    let mut lines = sample_lines();
    for (no, text) in edits {
        lines[no - 1] = (*text).to_owned();
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    run(&refs)
}
