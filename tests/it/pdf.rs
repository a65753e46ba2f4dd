//! PDF input end to end: the sample's PDF renditions (LibreOffice and Chromium, see
//! `samples/pdf/SOURCE.md`) give the same tables and amounts as its text, with pages and boxes.

use crate::golden::extract;
use cnbudget::grammar::GrammarSet;
use cnbudget::model::Dataset;
use cnbudget::pipeline::process_file;
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

fn pdf(name: &str) -> Dataset {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/pdf")
        .join(name);
    process_file(&path, &GrammarSet::builtin().unwrap()).expect("the rendition reads")
}

/// Each table as comparable rows: (id, side, code, name, values as decimals).
type Rows = Vec<(
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Vec<Option<Decimal>>,
)>;

fn rows(d: &Dataset) -> Rows {
    d.tables
        .iter()
        .flat_map(|t| {
            t.rows.iter().map(move |r| {
                let values = r
                    .values
                    .iter()
                    .map(|v| v.as_deref().and_then(|v| Decimal::from_str(v).ok()))
                    .collect();
                (
                    t.id.clone(),
                    r.side.clone(),
                    r.code.clone(),
                    r.name.clone(),
                    values,
                )
            })
        })
        .collect()
}

fn same_tables_as_text(name: &str) {
    let text = extract("samples/000_163e4aab9eba8502.txt");
    let d = pdf(name);
    assert_eq!(d.source.format, "pdf");
    assert!(d.source.pages.is_some_and(|p| p > 20));
    let ids = |d: &Dataset| {
        d.tables
            .iter()
            .map(|t| (t.id.clone(), t.grammar.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&d), ids(&text), "{name}: tables");
    let (want, got) = (rows(&text), rows(&d));
    let differing: Vec<String> = want
        .iter()
        .zip(&got)
        .filter(|(w, g)| w != g)
        .map(|(w, g)| format!("text {w:?}\n pdf {g:?}"))
        .collect();
    assert_eq!(want.len(), got.len(), "{name}: row count");
    assert!(
        differing.is_empty(),
        "{name}: rows differ:\n{}",
        differing.join("\n")
    );
    // Provenance: every value of 表3 has its page and its box on the page.
    let t3 = d.tables.iter().find(|t| t.id == "表3").unwrap();
    for r in &t3.rows {
        assert!(r.loc.page.is_some(), "{r:?}");
        assert_eq!(r.boxes.len(), r.values.len());
        for (v, b) in r.values.iter().zip(&r.boxes) {
            if v.is_some() {
                let b = b.expect("a printed value has a box");
                assert!(
                    b.x0 < b.x1 && b.y0 < b.y1 && b.x1 <= 600.0 && b.y1 <= 850.0,
                    "{b:?}"
                );
            }
        }
    }
}

#[test]
fn libreoffice_rendition_gives_the_texts_tables() {
    same_tables_as_text("000_163e4aab9eba8502.libreoffice.pdf");
}

#[test]
fn chromium_rendition_gives_the_texts_tables() {
    same_tables_as_text("000_163e4aab9eba8502.chromium.pdf");
}

#[test]
fn renditions_raise_the_texts_errors() {
    let text = extract("samples/000_163e4aab9eba8502.txt");
    let errors = |d: &Dataset| {
        let mut e: Vec<&str> = d
            .anomalies
            .iter()
            .filter(|a| a.severity == "error")
            .map(|a| a.rule)
            .collect();
        e.sort();
        e
    };
    for name in [
        "000_163e4aab9eba8502.libreoffice.pdf",
        "000_163e4aab9eba8502.chromium.pdf",
    ] {
        let d = pdf(name);
        assert_eq!(errors(&d), errors(&text), "{name}");
        assert!(
            d.anomalies.iter().all(|a| a.location.page.is_some()),
            "{name}: every finding names its page"
        );
    }
}

/// Every real disclosure PDF we have (Shanghai Putuo, three producers, see
/// `tests/fixtures/realdocs/SOURCES.md`) reads: every page has decodable text, tables come out as
/// rows of cells, and no document fails.
#[test]
fn real_pdfs_read_with_text_on_every_page() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realdocs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 11);
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let text = cnbudget::ingest::pdf::read(&path, &bytes, &Default::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let name = path.display();
        assert!(text.pages >= 20, "{name}: {} pages", text.pages);
        assert!(
            text.image_only_pages.is_empty(),
            "{name}: {:?}",
            text.image_only_pages
        );
        assert!(
            text.undecodable_pages.is_empty(),
            "{name}: {:?}",
            text.undecodable_pages
        );
        let pages_with_text: std::collections::BTreeSet<usize> = text
            .lines
            .iter()
            .filter(|l| !l.text.trim().is_empty())
            .map(|l| l.page)
            .collect();
        // A few pages are deliberately blank (财政局 决算 p.14); all others carry text.
        assert!(
            pages_with_text.len() + 2 >= text.pages,
            "{name}: text on {} of {} pages",
            pages_with_text.len(),
            text.pages
        );
        let table_rows = text
            .lines
            .iter()
            .filter(|l| l.text.matches('\t').count() >= 3)
            .count();
        assert!(table_rows >= 100, "{name}: {table_rows} table rows");
        // One box per cell of every non-blank line (blank lines, paragraph gaps, have none).
        for l in text.lines.iter().filter(|l| !l.text.is_empty()) {
            assert_eq!(l.cells.len(), l.text.split('\t').count(), "{name}: {l:?}");
        }
        let d =
            process_file(&path, &GrammarSet::builtin().unwrap()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!d.tables.is_empty(), "{name}: no table recognised");
    }
}
