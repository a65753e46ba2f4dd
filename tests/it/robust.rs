//! No input makes the pipeline panic: random cuts, splices and noise over the sample.

use cnbudget::grammar::GrammarSet;
use cnbudget::ingest;
use cnbudget::pipeline::process_text;
use proptest::prelude::*;
use std::path::Path;
use std::sync::LazyLock;

static SAMPLE: LazyLock<Vec<String>> = LazyLock::new(|| {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/000_163e4aab9eba8502.txt");
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
});
static GRAMMARS: LazyLock<GrammarSet> = LazyLock::new(|| GrammarSet::builtin().unwrap());

fn run(text: &str) {
    if let Ok(source) = ingest::decode(Path::new("fuzz.txt"), text.as_bytes()) {
        // Ok or a clean error are both fine; a panic fails the test.
        let _ = process_text(&source, "fuzz.txt", &GRAMMARS);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any window of the sample's lines (tables cut mid-way, narrative without tables, …).
    #[test]
    fn any_window_of_lines(start in 0usize..883, len in 0usize..400) {
        let lines = &SAMPLE[start.min(SAMPLE.len())..(start + len).min(SAMPLE.len())];
        run(&lines.join("\n"));
    }

    /// Lines dropped or duplicated at random, and tabs or noise spliced into them.
    #[test]
    fn lines_mangled(ops in proptest::collection::vec((0usize..883, 0u8..4, ".{0,6}"), 1..40)) {
        let mut lines = SAMPLE.clone();
        for (at, op, noise) in ops {
            if lines.is_empty() { break; }
            let i = at % lines.len();
            match op {
                0 => { lines.remove(i); }
                1 => { let l = lines[i].clone(); lines.insert(i, l); }
                2 => { lines[i] = lines[i].replace('\t', &noise); }
                _ => { let mut l = lines[i].clone(); let cut = l.char_indices().nth(noise.len()).map_or(l.len(), |(c, _)| c); l.insert_str(cut, &noise); lines[i] = l; }
            }
        }
        run(&lines.join("\n"));
    }

    /// Arbitrary text.
    #[test]
    fn arbitrary_text(text in "(表 ?[0-9]{1,2}(-[0-9])?|单位：万元|合计|\t|[0-9., ]{1,8}|[\\u4e00-\\u4e20]{1,4}|\n|第三部分 情况说明|（[一二]）|[一二]、){0,80}") {
        run(&text);
    }
}
