//! The `cnbudget` binary end to end: outputs written, failures reported, the others still run.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cnbudget"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cnbudget-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `dir/in`, holding a copy of the bundled sample under each of `names`.
fn sample_inputs(dir: &Path, names: &[&str]) -> PathBuf {
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/000_163e4aab9eba8502.txt");
    for name in names {
        std::fs::copy(&sample, inputs.join(name)).unwrap();
    }
    inputs
}

/// `extract --quiet --out OUT INPUTS EXTRA…`, which must succeed.
fn extract_ok(out: &Path, inputs: &Path, extra: &[&str]) {
    let s = bin()
        .args(["extract", "--quiet", "--out"])
        .arg(out)
        .arg(inputs)
        .args(extra)
        .status()
        .unwrap();
    assert!(s.success());
}

#[test]
fn extract_writes_documents_and_summary_and_survives_bad_inputs() {
    let dir = temp_dir("batch");
    let inputs = dir.join("in");
    std::fs::create_dir_all(inputs.join("a")).unwrap();
    std::fs::create_dir_all(inputs.join("b")).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/000_163e4aab9eba8502.txt");
    // Two inputs with the same file name in different folders must not overwrite each other.
    std::fs::copy(&sample, inputs.join("a/doc.txt")).unwrap();
    std::fs::copy(&sample, inputs.join("b/doc.txt")).unwrap();
    std::fs::write(inputs.join("b/empty.txt"), b"").unwrap();
    std::fs::write(
        inputs.join("b/prose.txt"),
        "这是一段普通的新闻稿，没有任何预算表格。\n".as_bytes(),
    )
    .unwrap();
    let out = dir.join("out");
    let status = bin()
        .arg("extract")
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert_eq!(
        status.status.code(),
        Some(1),
        "some inputs failed: {stderr}"
    );
    assert!(stderr.contains("empty.txt: file is empty"), "{stderr}");
    assert!(
        stderr.contains("prose.txt: not a budget disclosure"),
        "{stderr}"
    );

    let summary = read_json(&out.join("summary.json"));
    let docs = summary["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 4);
    assert_eq!(summary["ok"], 2);
    assert_eq!(summary["failed"], 2);
    let outputs: Vec<&str> = docs.iter().filter_map(|d| d["output"].as_str()).collect();
    assert_eq!(outputs, vec!["doc.json", "doc-2.json"]);
    for name in outputs {
        let d = read_json(&out.join(name));
        assert_eq!(d["document"]["year"], 2026);
        assert_eq!(d["tables"].as_array().unwrap().len(), 15);
    }
    let ok = docs.iter().find(|d| d["status"] == "ok").unwrap();
    assert_eq!(ok["tables"], 15);
    assert!(ok["repairs"].as_u64().unwrap() > 0);
}

#[test]
fn output_is_the_same_bytes_whatever_the_thread_count() {
    let dir = temp_dir("determinism");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let out = dir.join(format!("out{jobs}"));
        let s = bin()
            .args(["extract", "--jobs", jobs, "--out"])
            .arg(&out)
            .arg(&sample)
            .status()
            .unwrap();
        assert!(s.success());
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&out)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(&out).unwrap().display().to_string(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        outputs.push(files);
    }
    assert!(!outputs[0].is_empty());
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn missing_path_is_reported_by_name() {
    let dir = temp_dir("missing");
    let out = bin()
        .args(["extract", "no/such/file.txt", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let summary = read_json(&dir.join("summary.json"));
    assert_eq!(summary["documents"][0]["status"], "failed");
    assert!(
        summary["documents"][0]["error"]
            .as_str()
            .unwrap()
            .contains("no/such/file.txt")
    );
}

#[test]
fn malformed_grammar_names_file_and_line() {
    let dir = temp_dir("grammar");
    let g = dir.join("grammars");
    std::fs::create_dir_all(&g).unwrap();
    std::fs::write(g.join("document.layout"), "layout vocabulary\n").unwrap();
    std::fs::write(
        g.join("broken.layout"),
        "layout grid\ncaption 收支总表\ncolumn\n",
    )
    .unwrap();
    let out = bin()
        .args(["extract", "--grammars"])
        .arg(&g)
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.layout:3:"), "{stderr}");
}

#[test]
fn rules_and_explain() {
    let out = bin().arg("rules").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().any(|l| l.starts_with("A001  error")), "{text}");
    let out = bin().args(["explain", "r001"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("**R001** `rounding-difference`"), "{text}");
    assert!(text.contains("### Why it matters"));
    let out = bin().args(["explain", "Z999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rule has the code `Z999`"));
}

/// `CHECKS.md` is generated from the rule catalogue and must stay in step with it.
#[test]
fn checks_md_is_current() {
    let out = bin().args(["rules", "--markdown"]).output().unwrap();
    let generated = String::from_utf8(out.stdout).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("CHECKS.md");
    if std::env::var_os("UPDATE_CHECKS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "CHECKS.md is stale: run `UPDATE_CHECKS=1 cargo test checks_md`"
    );
}

#[test]
fn fail_on_gates_the_exit_status_and_report_is_written() {
    let dir = temp_dir("failon");
    let doc = dir.join("bad.txt");
    // 表3 whose row does not add up: an error finding.
    std::fs::write(
        &doc,
        "某局 2026 年部门预算\n表 3\n支出总表\n单位：万元\n科目编码\t科目名称\t合计\t基本支出\t项目支出\n\
         \t合计\t10.00\t6.00\t4.00\n206\t科学技术支出\t10.00\t6.00\t5.00\n",
    )
    .unwrap();
    let run = |fail_on: &str| {
        bin()
            .args(["extract", "--fail-on", fail_on, "--out"])
            .arg(dir.join("out"))
            .arg(&doc)
            .output()
            .unwrap()
    };
    assert_eq!(run("never").status.code(), Some(0));
    assert_eq!(run("error").status.code(), Some(1));
    assert_eq!(run("warning").status.code(), Some(1));
    let report = std::fs::read_to_string(dir.join("out/report.md")).unwrap();
    assert!(report.contains("### Errors"), "{report}");
    assert!(
        report.contains("**A001** `row-identity-mismatch`"),
        "{report}"
    );
    assert!(report.contains(">    7 │ 206 ⇥ 科学技术支出"), "{report}");
}

#[test]
fn incremental_rerun_skips_unchanged_documents() {
    let dir = temp_dir("incremental");
    let inputs = sample_inputs(&dir, &["a.txt", "b.txt"]);
    let sample = inputs.join("a.txt");
    let out = dir.join("out");
    let run = || extract_ok(&out, &inputs, &["--incremental"]);
    run();
    let mtime = |name: &str| {
        std::fs::metadata(out.join(name))
            .unwrap()
            .modified()
            .unwrap()
    };
    let (a1, b1) = (mtime("a.json"), mtime("b.json"));
    let cells1 = std::fs::read_to_string(out.join("cells.csv")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    // b changes (one amount of the narrative), a does not.
    let text = std::fs::read_to_string(&sample).unwrap().replacen(
        "4,335.95 万元，比",
        "4,335.96 万元，比",
        1,
    );
    std::fs::write(inputs.join("b.txt"), text).unwrap();
    run();
    assert_eq!(
        mtime("a.json"),
        a1,
        "unchanged document was processed again"
    );
    assert_ne!(
        mtime("b.json"),
        b1,
        "changed document was not processed again"
    );
    // The batch files still hold both documents, in input order.
    let cells2 = std::fs::read_to_string(out.join("cells.csv")).unwrap();
    // (The edit touched the narrative only, so the table values are the same.)
    assert_eq!(cells1, cells2);
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["ok"], 2);
    // A deleted output is rebuilt even when the input did not change.
    std::fs::remove_file(out.join("a.json")).unwrap();
    run();
    assert!(out.join("a.json").exists());
}

/// A folder without inputs is not an error, but the user is told nothing was found.
#[test]
fn an_empty_folder_is_reported() {
    let dir = temp_dir("empty");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::write(inputs.join("notes.docx"), "x").unwrap();
    let out = bin()
        .args(["extract", "--quiet", "--out"])
        .arg(dir.join("out"))
        .arg(&inputs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no input found in") && stderr.contains(".txt, .text, .pdf"),
        "{stderr}"
    );
}

/// Records for `--incremental` are kept only by incremental runs: a plain run rewrites the outputs
/// and drops the records, so a later incremental run cannot trust a record of outputs since replaced.
#[test]
fn a_plain_run_keeps_no_records_and_the_next_incremental_run_redoes_all() {
    let dir = temp_dir("plain");
    let inputs = sample_inputs(&dir, &["a.txt"]);
    let out = dir.join("out");
    let run = |extra: &[&str]| {
        extract_ok(&out, &inputs, extra);
        std::fs::metadata(out.join("a.json"))
            .unwrap()
            .modified()
            .unwrap()
    };
    run(&["--incremental"]);
    assert!(out.join(".parts/a.part").exists());
    // What an older version or a killed run left beside the records goes; the records stay.
    let stale = [
        ".parts/a.jsonl",
        ".parts/a.entry.json",
        ".parts/.a.part.tmp-1",
    ];
    for name in stale {
        std::fs::write(out.join(name), "old").unwrap();
    }
    let kept = run(&["--incremental"]);
    assert!(out.join(".parts/a.part").exists());
    for name in stale {
        assert!(
            !out.join(name).exists(),
            "{name} outlived an incremental run"
        );
    }
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(run(&["--incremental"]), kept, "a record was not reused");
    let plain = run(&[]);
    assert!(!out.join(".parts").exists(), "records outlived a plain run");
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_ne!(run(&["--incremental"]), plain, "reused without a record");
    assert!(out.join(".parts/a.part").exists());
}

/// A document's JSON is its dataset.jsonl line; `--pretty` indents it (the line stays one line), and
/// an incremental rerun asking for the other form writes the documents again.
#[test]
fn document_json_is_its_dataset_line_or_indented_with_pretty() {
    let dir = temp_dir("pretty");
    let inputs = sample_inputs(&dir, &["a.txt"]);
    let out = dir.join("out");
    let run = |extra: &[&str]| {
        extract_ok(&out, &inputs, &[&["--incremental"], extra].concat());
        (
            std::fs::read_to_string(out.join("a.json")).unwrap(),
            std::fs::read_to_string(out.join("dataset.jsonl")).unwrap(),
        )
    };
    let (json, line) = run(&[]);
    assert_eq!(json, line);
    assert_eq!(json.lines().count(), 1);
    let (pretty, line2) = run(&["--pretty"]);
    assert_eq!(line2, line);
    assert!(pretty.lines().count() > 1000, "not indented");
    let compact: serde_json::Value = serde_json::from_str(&json).unwrap();
    let indented: serde_json::Value = serde_json::from_str(&pretty).unwrap();
    assert_eq!(compact, indented);
    let (again, _) = run(&[]);
    assert_eq!(again, json);
}

/// Resource limits are flags; a document past one fails with a message naming the limit and the flag.
#[test]
fn limit_flags_fail_a_document_naming_the_limit() {
    let dir = temp_dir("limits");
    let pdf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/pdf/000_163e4aab9eba8502.chromium.pdf");
    let out = bin()
        .args(["extract", "--quiet", "--max-ops-per-page", "1000", "--out"])
        .arg(dir.join("out"))
        .arg(&pdf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("resource limit exceeded: content operators per page"),
        "{stderr}"
    );
    assert!(
        stderr.contains("raise it with --max-ops-per-page"),
        "{stderr}"
    );
    let ok = bin()
        .args(["extract", "--quiet", "--out"])
        .arg(dir.join("out2"))
        .arg(&pdf)
        .status()
        .unwrap();
    assert!(ok.success());
}
