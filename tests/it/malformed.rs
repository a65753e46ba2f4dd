//! Untrusted input: the malformed corpus (`tests/fixtures/malformed/`, made by
//! `scripts/make_malformed.py`, listed in its README) runs through the `cnbudget` binary in one
//! batch with the good samples. Every file gets its expected status — `ok`, or `failed` with an
//! error that names the file and the problem (the limit, for a bomb) — the good documents come
//! out exactly as they do alone, and the run neither crashes (exit status 1, never a signal) nor
//! hangs (it is killed past [`BOUND`]).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The whole batch must finish within this (debug build, two threads: about 20 s of CPU; the bound
/// only catches a runaway document, with room for a machine busy with other builds).
const BOUND: Duration = Duration::from_secs(150);

/// What a corpus file must give: `ok`, or `failed` with every one of these in its error.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Ok,
    Failed(&'static [&'static str]),
}

use Expect::Failed;

const OK: Expect = Expect::Ok;
const UNREADABLE: Expect = Failed(&["not a readable PDF"]);
const NOT_A_DISCLOSURE: Expect = Failed(&["not a budget disclosure"]);
/// Pages read, but their fonts were cut off: the error says so rather than "not a disclosure".
const UNDECODABLE: Expect = Failed(&["in fonts that cannot be decoded"]);
const STREAM_LIMIT: Expect = Failed(&[
    "resource limit exceeded: decompressed bytes per stream",
    "--max-stream-bytes",
]);

/// Every file of the corpus, with its expected status (the README says why).
const EXPECTED: &[(&str, Expect)] = &[
    ("broken_xref.pdf", OK),
    ("contents_loop.pdf", NOT_A_DISCLOSURE),
    ("deep_nesting_content.pdf", Failed(&["no text layer"])),
    ("deep_nesting_objects.pdf", NOT_A_DISCLOSURE),
    (
        "empty.pdf",
        Failed(&["named .pdf but is not a PDF (the file is empty)"]),
    ),
    (
        "encrypted_user_password.pdf",
        Failed(&["encrypted PDF that does not open with an empty password"]),
    ),
    (
        "form_draws_itself.pdf",
        Failed(&[
            "resource limit exceeded: Form XObject nesting depth",
            "--max-depth",
        ]),
    ),
    (
        "form_fanout.pdf",
        Failed(&[
            "resource limit exceeded: content operators per page",
            "--max-ops-per-page",
        ]),
    ),
    (
        "gbk_invalid_sequences.txt",
        Failed(&["not valid UTF-8, UTF-16 or GB18030 text"]),
    ),
    (
        "glyph_flood.pdf",
        Failed(&[
            "resource limit exceeded: content operators per document",
            "--max-ops-per-document",
        ]),
    ),
    (
        "html_error_page.pdf",
        Failed(&["named .pdf but is not a PDF (it is an HTML page)"]),
    ),
    (
        "kids_loop.pdf",
        Failed(&["not a readable PDF: no pages found"]),
    ),
    (
        "pages_20000_empty.pdf",
        Failed(&["no text layer", "20000 page(s)"]),
    ),
    ("pages_claims_a_million.pdf", NOT_A_DISCLOSURE),
    ("parent_loop.pdf", NOT_A_DISCLOSURE),
    ("ragged_table_rows.txt", OK),
    (
        "random_bytes.pdf",
        Failed(&["named .pdf but is not a PDF (no %PDF- header)"]),
    ),
    ("random_bytes.txt", Failed(&["binary data, not text"])),
    (
        "shared_stream_bomb.pdf",
        Failed(&[
            "resource limit exceeded: decompressed bytes per document",
            "--max-document-bytes",
        ]),
    ),
    ("truncated_01.pdf", UNREADABLE),
    ("truncated_02.pdf", UNREADABLE),
    ("truncated_03.pdf", UNREADABLE),
    ("truncated_04.pdf", UNREADABLE),
    ("truncated_05.pdf", UNREADABLE),
    ("truncated_06.pdf", UNREADABLE),
    ("truncated_07.pdf", UNREADABLE),
    ("truncated_08.pdf", UNREADABLE),
    ("truncated_09.pdf", UNREADABLE),
    ("truncated_10.pdf", UNDECODABLE),
    ("truncated_11.pdf", UNDECODABLE),
    ("truncated_12.pdf", OK),
    ("zlib_bomb.pdf", STREAM_LIMIT),
    ("zlib_bomb_object_stream.pdf", STREAM_LIMIT),
    ("zlib_bomb_one_layer.pdf", STREAM_LIMIT),
    // Written by this test (too big to commit): a text line of four megabytes.
    (LONG_LINE, OK),
];

const LONG_LINE: &str = "long_line.txt";

/// The good inputs: the sample's text and its PDF rendition.
const SAMPLE_TXT: &str = "samples/000_163e4aab9eba8502.txt";
const SAMPLE_PDF: &str = "samples/pdf/000_163e4aab9eba8502.chromium.pdf";

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn corpus() -> PathBuf {
    repo("tests/fixtures/malformed")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cnbudget-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `cnbudget extract INPUTS --out OUT FLAGS`, killing it past [`BOUND`]; gives its exit
/// status and stderr.
fn extract(inputs: &[PathBuf], out: &Path, flags: &[&str]) -> (ExitStatus, String) {
    let log = out.with_extension("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cnbudget"))
        .arg("extract")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(flags)
        .stdout(Stdio::null())
        .stderr(File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!("cnbudget did not finish within {BOUND:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (status, std::fs::read_to_string(&log).unwrap_or_default())
}

/// A text disclosure with a line of four megabytes of prose, in the narrative part.
fn write_long_line(path: &Path) {
    write_with_line(path, &"部门预算支出情况说明".repeat(130_000));
}

/// The sample's text with `long` as a line of its narrative part.
fn write_with_line(path: &Path, long: &str) {
    let sample = std::fs::read_to_string(repo(SAMPLE_TXT)).unwrap();
    let mut lines: Vec<&str> = sample.lines().collect();
    let at = lines
        .iter()
        .rposition(|l| l.contains("情况说明"))
        .map_or(lines.len(), |i| i + 3)
        .min(lines.len());
    lines.insert(at, long);
    std::fs::write(path, lines.join("\n")).unwrap();
}

fn summary_entries(out: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(out.join("summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&text).unwrap();
    summary["documents"].as_array().unwrap().clone()
}

fn file_name(entry: &serde_json::Value) -> String {
    let input = entry["input"].as_str().unwrap();
    Path::new(input)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn entry<'a>(entries: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    let found: Vec<_> = entries.iter().filter(|e| file_name(e) == name).collect();
    assert_eq!(found.len(), 1, "{name} in summary.json");
    found[0]
}

/// Checks one entry against its expectation: the status, and a failure's error naming its file.
fn check(entry: &serde_json::Value, name: &str, expect: Expect) -> Result<(), String> {
    let status = entry["status"].as_str().unwrap_or_default();
    let error = entry["error"].as_str().unwrap_or_default();
    let input = entry["input"].as_str().unwrap_or_default();
    match expect {
        Expect::Ok if status == "ok" && entry["tables"].as_u64() > Some(0) => Ok(()),
        Failed(parts)
            if status == "failed"
                && error.starts_with(input)
                && parts.iter().all(|p| error.contains(p)) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "{name}: expected {expect:?}, got {status} {error:?}"
        )),
    }
}

#[test]
fn every_corpus_file_has_an_expectation() {
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf") || n.ends_with(".txt"))
        .collect();
    on_disk.sort();
    let mut expected: Vec<String> = EXPECTED
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .filter(|n| n != LONG_LINE)
        .collect();
    expected.sort();
    assert_eq!(
        on_disk, expected,
        "run scripts/make_malformed.py, or update EXPECTED"
    );
    let readme = std::fs::read_to_string(corpus().join("README.md")).unwrap();
    for (name, _) in EXPECTED {
        assert!(readme.contains(&format!("`{name}`")), "{name} in README.md");
    }
}

#[test]
fn malformed_inputs_fail_cleanly_and_the_good_ones_come_out_as_alone() {
    let dir = temp_dir("malformed");
    let long_line = dir.join(LONG_LINE);
    write_long_line(&long_line);
    let good = [repo(SAMPLE_TXT), repo(SAMPLE_PDF)];
    let mut inputs = vec![corpus(), long_line];
    inputs.extend(good.iter().cloned());
    let out = dir.join("out");
    let (status, stderr) = extract(&inputs, &out, &[]);
    // Some documents failed: 1. A crash would be a signal (no code) or 101; 2 a failed run.
    assert_eq!(status.code(), Some(1), "{status:?}\n{stderr}");

    let entries = summary_entries(&out);
    assert_eq!(entries.len(), EXPECTED.len() + good.len());
    let problems: Vec<String> = EXPECTED
        .iter()
        .filter_map(|(name, expect)| check(entry(&entries, name), name, *expect).err())
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for e in entries.iter().filter(|e| e["status"] == "failed") {
        let error = e["error"].as_str().unwrap();
        assert!(stderr.contains(error), "{error} on stderr");
    }

    // A PDF whose cross-reference data is broken or cut off reads as the intact one does.
    let intact = entry(&entries, &file_name_of(&good[1]));
    for damaged in ["broken_xref.pdf", "truncated_12.pdf"] {
        assert_eq!(
            entry(&entries, damaged)["tables"],
            intact["tables"],
            "{damaged}"
        );
    }

    // The good documents' outputs are the bytes they give alone.
    let alone = dir.join("alone");
    let (status, stderr) = extract(&good, &alone, &[]);
    assert_eq!(status.code(), Some(0), "{stderr}");
    for e in summary_entries(&alone) {
        let name = e["output"].as_str().unwrap();
        let batch = std::fs::read(out.join(name)).unwrap();
        assert!(
            batch == std::fs::read(alone.join(name)).unwrap(),
            "{name} differs"
        );
        assert_eq!(entry(&entries, &file_name(&e)), &e, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn file_name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// A paragraph of several megabytes holding 130,000 figures: reading a paragraph must stay linear in
/// its figures (it once filtered all of a block's quantities for every clause).
#[test]
fn a_long_paragraph_of_figures_reads_in_linear_time() {
    let dir = temp_dir("figures");
    let input = dir.join("figures.txt");
    write_with_line(&input, &"部门预算支出增长12.5%，".repeat(130_000));
    let (status, stderr) = extract(&[input], &dir.join("out"), &[]);
    assert_eq!(status.code(), Some(0), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The limit flags act: a bomb under a raised stream limit is read (and has no text), and a flood
/// of glyphs let past the operator limits is stopped by the time budget, soon after it runs out.
#[test]
fn raised_limits_let_a_file_through_and_the_timeout_stops_a_long_one() {
    let dir = temp_dir("raised");
    let out = dir.join("bomb");
    let bomb = corpus().join("zlib_bomb_one_layer.pdf");
    let (status, stderr) = extract(&[bomb], &out, &["--max-stream-bytes", "100000000"]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    let entries = summary_entries(&out);
    let problem = check(
        entry(&entries, "zlib_bomb_one_layer.pdf"),
        "zlib_bomb_one_layer.pdf",
        Failed(&["no text layer"]),
    );
    assert_eq!(problem, Ok(()));

    let out = dir.join("flood");
    let flood = corpus().join("glyph_flood.pdf");
    let unbounded = [
        "--max-ops-per-page",
        "1000000000",
        "--max-ops-per-document",
        "1000000000",
        "--timeout",
        "1",
    ];
    let start = Instant::now();
    let (status, stderr) = extract(&[flood], &out, &unbounded);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    let entries = summary_entries(&out);
    let problem = check(
        entry(&entries, "glyph_flood.pdf"),
        "glyph_flood.pdf",
        Failed(&["resource limit exceeded: time per document", "--timeout"]),
    );
    assert_eq!(problem, Ok(()));
    let _ = std::fs::remove_dir_all(&dir);
}
