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
            out.push_str(&format!(
                "{:>4} {}{} {} ^{} | {}\n",
                r.loc.line,
                r.side
                    .as_deref()
                    .map(|s| format!("{s} "))
                    .unwrap_or_default(),
                r.code.as_deref().unwrap_or("-"),
                r.name.as_deref().unwrap_or("(unlabelled)"),
                r.parent.as_deref().unwrap_or("-"),
                values.join(" | ")
            ));
        }
    }
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
