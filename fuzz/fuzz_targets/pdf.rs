//! Fuzz target: arbitrary bytes as a PDF — `ingest::pdf::read` (lopdf loading, content streams,
//! fonts and CMaps, layout) under the default limits and a time budget, and, when a text layer
//! comes out, the rest of the pipeline on it. A clean error (malformed, encrypted, no text layer,
//! a limit reached) is fine; a panic, a hang or a blow-up in memory is a bug.

#![no_main]

use cnbudget::grammar::GrammarSet;
use cnbudget::ingest::{self, pdf};
use cnbudget::pipeline::process_text;
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

static GRAMMARS: LazyLock<GrammarSet> =
    LazyLock::new(|| GrammarSet::builtin().expect("the built-in grammars load"));

/// Longer than any real document needs, shorter than libFuzzer's `-timeout` in `scripts/fuzz.sh`:
/// a run that the budget cannot stop (outside the interpreter's checks) shows up as a timeout.
const BUDGET: Duration = Duration::from_secs(10);

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.pdf");
    let limits = pdf::Limits {
        deadline: Some(Instant::now() + BUDGET),
        ..pdf::Limits::default()
    };
    if let Ok(text) = pdf::read(path, data, &limits) {
        let source = ingest::SourceText::from_pdf(path, data, text);
        let _ = process_text(&source, "fuzz.pdf", &GRAMMARS);
    }
});
