//! Fuzz target: arbitrary bytes as a text disclosure — `ingest::decode` (encoding detection, line
//! splitting) and, when they decode, every stage of `pipeline::process_text`. A clean error is
//! fine; a panic, a hang or a blow-up in memory is a bug.

#![no_main]

use cnbudget::grammar::GrammarSet;
use cnbudget::ingest;
use cnbudget::pipeline::process_text;
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::LazyLock;

static GRAMMARS: LazyLock<GrammarSet> =
    LazyLock::new(|| GrammarSet::builtin().expect("the built-in grammars load"));

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.txt");
    if let Ok(source) = ingest::decode(path, data) {
        let _ = process_text(&source, "fuzz.txt", &GRAMMARS);
    }
});
