//! Golden tests: the whole output for each bundled sample, held as an insta snapshot.
//!
//! The snapshots under `tests/it/snapshots/` were checked by hand against the source text before
//! they were committed (every amount of 表1–表10 in its table, row and column). After a deliberate
//! change, review the diff with `cargo insta review` (or `INSTA_UPDATE=always cargo test` and
//! `git diff`) — never accept a snapshot unread.

use cnbudget::grammar::GrammarSet;
use cnbudget::ingest;
use cnbudget::model::Dataset;
use cnbudget::pipeline::process_text;
use std::path::Path;

pub fn extract(path: &str) -> Dataset {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(root.join(path)).expect("sample is readable");
    let source = ingest::decode(Path::new(path), &bytes).expect("sample decodes");
    let grammars = GrammarSet::builtin().expect("built-in grammars load");
    process_text(&source, path, &grammars).expect("sample is a disclosure")
}

/// The tables of a dataset as text, one line per row: `line side code name ^parent | values`.
/// With `pages`, each row's line number is prefixed by its page (`p3:412`), as PDF input has them.
pub fn tables_as_text(d: &Dataset, pages: bool) -> String {
    let mut out = String::new();
    for t in &d.tables {
        out.push_str(&format!(
            "== {} {} [{}] unit={} columns={}\n",
            t.id,
            t.title,
            t.grammar,
            t.unit.as_deref().unwrap_or("-"),
            t.columns.join(" | ")
        ));
        if let Some(note) = &t.note {
            out.push_str(&format!("   note: {note}\n"));
        }
        for r in &t.rows {
            let values: Vec<&str> = r
                .values
                .iter()
                .map(|v| v.as_deref().unwrap_or("·"))
                .collect();
            let at = match (pages, r.loc.page) {
                (true, Some(p)) => format!("p{p}:{}", r.loc.line),
                _ => format!("{:>4}", r.loc.line),
            };
            out.push_str(&format!(
                "{at} {}{} {} ^{} | {}\n",
                r.side
                    .as_deref()
                    .map(|s| format!("{s} "))
                    .unwrap_or_default(),
                r.code.as_deref().unwrap_or("-"),
                r.name.as_deref().unwrap_or("(unlabelled)"),
                r.parent.as_deref().unwrap_or("-"),
                values.join(" | ")
            ));
            for (i, raw) in &r.unreadable {
                out.push_str(&format!("     unreadable[{i}]: {raw}\n"));
            }
        }
    }
    out
}

#[test]
fn sample_000_whole_output() {
    let d = extract("samples/000_163e4aab9eba8502.txt");
    let json = cnbudget::emit::to_json(&d).expect("serializes");
    insta::assert_snapshot!("sample_000", json);
}

/// The tables alone, one line per row, as a reviewer reads them against the source text.
#[test]
fn sample_000_tables_as_text() {
    let d = extract("samples/000_163e4aab9eba8502.txt");
    let out = tables_as_text(&d, false);
    insta::assert_snapshot!("sample_000_tables", out);
}

/// Every amount of 表1–表10 that the document prints, summed per table, equals the sum of the
/// values extracted for that table: nothing lost, nothing counted twice. The reference sums were
/// added up by hand from the source text.
#[test]
fn sample_000_table_sums_match_hand_totals() {
    use rust_decimal::Decimal;
    use std::str::FromStr;
    let d = extract("samples/000_163e4aab9eba8502.txt");
    let hand: &[(&str, &str, usize)] = &[
        // (table, sum of every printed amount, number of printed amounts)
        ("表1", "26015.70", 40),
        ("表3", "34687.64", 75),
    ];
    for (id, sum, count) in hand {
        let t = d
            .tables
            .iter()
            .find(|t| t.id == *id)
            .expect("table present");
        let values: Vec<Decimal> = t
            .rows
            .iter()
            .flat_map(|r| r.values.iter().flatten())
            .map(|v| Decimal::from_str(v).expect("canonical decimal"))
            .collect();
        assert_eq!(values.len(), *count, "{id}: number of amounts");
        assert_eq!(
            values.iter().sum::<Decimal>(),
            Decimal::from_str(sum).unwrap(),
            "{id}: sum of amounts"
        );
    }
}

/// `docs/schema.json` is the JSON Schema of the per-document output, generated from `src/model.rs`.
/// It must stay in step with the code: regenerate with `UPDATE_SCHEMA=1 cargo test schema`.
#[test]
fn json_schema_is_current() {
    let schema = schemars::schema_for!(cnbudget::model::Dataset);
    let text = cnbudget::emit::to_json(&schema).expect("schema serializes");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema.json");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &text).expect("schema written");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "docs/schema.json is stale: run `UPDATE_SCHEMA=1 cargo test schema`"
    );
}

/// The sample's output validates against the committed schema's required fields (a light check
/// of the contract: every required property is present, recursively through objects and arrays).
#[test]
fn sample_output_has_every_required_field() {
    let d = extract("samples/000_163e4aab9eba8502.txt");
    let value = serde_json::to_value(&d).unwrap();
    let schema: serde_json::Value =
        serde_json::to_value(schemars::schema_for!(cnbudget::model::Dataset)).unwrap();
    let defs = schema["$defs"].clone();
    fn resolve<'a>(s: &'a serde_json::Value, defs: &'a serde_json::Value) -> &'a serde_json::Value {
        match s.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => &defs[r.trim_start_matches("#/$defs/")],
            None => s,
        }
    }
    fn check(v: &serde_json::Value, s: &serde_json::Value, defs: &serde_json::Value, at: &str) {
        let s = resolve(s, defs);
        if let (Some(obj), Some(req)) =
            (v.as_object(), s.get("required").and_then(|r| r.as_array()))
        {
            for r in req {
                let key = r.as_str().unwrap();
                assert!(obj.contains_key(key), "{at}: missing required `{key}`");
            }
            if let Some(props) = s.get("properties").and_then(|p| p.as_object()) {
                for (k, sub) in props {
                    if let Some(child) = obj.get(k) {
                        check(child, sub, defs, &format!("{at}.{k}"));
                    }
                }
            }
        }
        if let (Some(arr), Some(items)) = (v.as_array(), s.get("items")) {
            for (i, child) in arr.iter().enumerate() {
                check(child, items, defs, &format!("{at}[{i}]"));
            }
        }
    }
    check(&value, &schema, &defs, "$");
}
