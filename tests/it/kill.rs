//! A batch killed with SIGKILL in the middle leaves only complete files, and a rerun with
//! `--incremental` finishes the rest without redoing what was done (an `--incremental` run keeps a
//! record of each document it finishes; a nightly job passes the flag every time).

#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

const DOCUMENTS: usize = 200;

/// Documents done before the kill.
const DONE_BEFORE_KILL: usize = 3;

/// No step may take longer than this (the rerun of 200 documents in a debug build: about 20 s).
const BOUND: Duration = Duration::from_secs(120);

/// What each document leaves under `.parts/`, besides its `<id>.json` in the output directory.
const PART_SUFFIX: &str = ".part";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cnbudget-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `DOCUMENTS` copies of the sample under different names.
fn inputs(dir: &Path) -> PathBuf {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/000_163e4aab9eba8502.txt");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    for i in 0..DOCUMENTS {
        std::fs::copy(&sample, inputs.join(format!("doc_{i:03}.txt"))).unwrap();
    }
    inputs
}

fn extract(input: &Path, out: &Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cnbudget"))
        .arg("extract")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The documents' own JSON files in the output directory (not the batch's, not temporaries).
fn document_jsons(out: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("doc_") && name.ends_with(".json")
        })
        .collect()
}

/// Waits until `done` holds, or panics past [`BOUND`].
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < BOUND, "{what}: not within {BOUND:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Every file that is named like an output is complete; anything else is a temporary file.
fn check_only_complete_files(out: &Path) {
    for path in walk(out) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let kind = name.rsplit('.').next().unwrap_or_default();
        if name.starts_with('.') && name.contains(".tmp") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let complete = match kind {
            "json" => serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "jsonl" => text
                .lines()
                .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
            "csv" => csv::Reader::from_reader(text.as_bytes())
                .records()
                .all(|r| r.is_ok()),
            "md" => true,
            "part" => cnbudget::batch::DocumentParts::decode(text.as_bytes()).is_ok(),
            _ => panic!(
                "{} is neither an output nor a temporary file",
                path.display()
            ),
        };
        let cut = !text.is_empty() && !text.ends_with('\n') && kind != "json" && kind != "part";
        assert!(complete && !cut, "{} is not complete", path.display());
    }
    check_parts_alike(&out.join(".parts"));
}

/// The inputs are one text under names of one length, so every bundle is the same bytes once its
/// name is taken out: a bundle cut short would differ.
fn check_parts_alike(parts: &Path) {
    let mut first: Option<(String, String)> = None;
    for path in walk(parts) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(id) = name.strip_suffix(PART_SUFFIX) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap().replace(id, "ID");
        let (seen, reference) = first.get_or_insert_with(|| (name.clone(), text.clone()));
        assert!(
            &text == reference,
            "{name} differs from {seen} beyond the name"
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The modification time of each document finished before the kill: those whose bundle, written
/// last, is there.
fn finished(out: &Path) -> BTreeMap<PathBuf, SystemTime> {
    document_jsons(out)
        .into_iter()
        .filter(|json| {
            let id = json.file_stem().unwrap().to_string_lossy();
            out.join(".parts")
                .join(format!("{id}{PART_SUFFIX}"))
                .exists()
        })
        .map(|json| {
            let modified = std::fs::metadata(&json).unwrap().modified().unwrap();
            (json, modified)
        })
        .collect()
}

#[test]
fn killed_batch_leaves_complete_files_and_a_rerun_finishes_it() {
    let dir = temp_dir("kill");
    let input = inputs(&dir);
    let out = dir.join("out");

    let mut child = extract(&input, &out, &["--jobs", "1", "--incremental"]);
    wait_until("documents written", || {
        document_jsons(&out).len() >= DONE_BEFORE_KILL
    });
    assert!(
        child.try_wait().unwrap().is_none(),
        "the batch finished before it could be killed"
    );
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "{status:?}");
    assert!(!out.join("summary.json").exists());
    check_only_complete_files(&out);
    let before = finished(&out);
    assert!(before.len() >= DONE_BEFORE_KILL - 1, "{}", before.len());
    assert!(before.len() < DOCUMENTS);

    let mut rerun = extract(&input, &out, &["--incremental"]);
    wait_until("the rerun", || rerun.try_wait().unwrap().is_some());
    assert_eq!(rerun.wait().unwrap().code(), Some(0));

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["ok"], DOCUMENTS);
    assert_eq!(summary["failed"], 0);
    let docs = summary["documents"].as_array().unwrap();
    assert_eq!(docs.len(), DOCUMENTS);
    assert!(docs.iter().all(|d| d["status"] == "ok"));
    for (json, modified) in &before {
        let now = std::fs::metadata(json).unwrap().modified().unwrap();
        assert_eq!(&now, modified, "{} was processed again", json.display());
    }
    let dataset = std::fs::read_to_string(out.join("dataset.jsonl")).unwrap();
    assert_eq!(dataset.lines().count(), DOCUMENTS);
    check_only_complete_files(&out);
    let _ = std::fs::remove_dir_all(&dir);
}
