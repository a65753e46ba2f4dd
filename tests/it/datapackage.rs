//! The open-data outputs of a batch: CSVs, `dataset.jsonl` and a Data Package that the reference
//! Frictionless validator accepts.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn batch_outputs_form_a_valid_data_package() {
    let out = std::env::temp_dir().join(format!("cnbudget-it-datapackage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new(env!("CARGO_BIN_EXE_cnbudget"))
        .args(["extract", "--quiet", "--out"])
        .arg(&out)
        .arg(root().join("samples"))
        .arg(root().join("tests/fixtures/variants"))
        .status()
        .unwrap();
    // Some variants are unreadable on purpose: status 1, and they appear in documents.csv as failed.
    assert_eq!(status.code(), Some(1));

    let jsonl = std::fs::read_to_string(out.join("dataset.jsonl")).unwrap();
    let ok: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(ok.len() as u64, summary["ok"].as_u64().unwrap());
    let documents = std::fs::read_to_string(out.join("documents.csv")).unwrap();
    assert_eq!(
        documents.lines().count() - 1,
        summary["documents"].as_array().unwrap().len()
    );
    assert!(documents.contains(",failed,"));

    let result = Command::new(root().join("scripts/frictionless.sh"))
        .args(["validate", "--json"])
        .arg(out.join("datapackage.json"))
        .output()
        .expect("scripts/frictionless.sh runs (needs python3 with venv and pip)");
    let report: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap_or_else(|e| {
        panic!(
            "validator output is not JSON ({e}): {}{}",
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        )
    });
    assert_eq!(report["valid"], true, "{report:#}");
    assert_eq!(report["tasks"].as_array().unwrap().len(), 3);
}
