//! Variants of the reference sample, built by `scripts/make_variants.py` into
//! `tests/fixtures/variants/` (their README says how each was made), run through the library
//! pipeline.
//!
//! The reference is always the pipeline's own extraction of the sample, computed here, never a
//! stored copy: these tests check that the output does not depend on the encoding, the line
//! endings, the money unit, wrap damage, full-width forms, the department or the numbers. The text
//! variants keep the sample's line numbering, so a value's source line is the same everywhere.

use cnbudget::grammar::GrammarSet;
use cnbudget::ingest::{self, IngestError, SourceText};
use cnbudget::model::{Dataset, Repair, Table};
use cnbudget::pipeline::{self, DocError};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::str::FromStr;
use std::sync::LazyLock;

const SAMPLE: &str = "samples/000_163e4aab9eba8502.txt";
const VARIANTS: &str = "tests/fixtures/variants";

// The substitutions `scripts/make_variants.py` makes for `other_dept.txt` (keep in sync).
const OLD_DEPT: &str = "武昌区经济信息化和科技创新局";
const NEW_DEPT: &str = "江汉区城市管理执法局";
const OLD_SUB2: &str = "武昌区商业行业离退休人员管理服务中心";
const NEW_SUB2: &str = "江汉区环境卫生服务中心";
const OLD_DISTRICT: &str = "武昌";
const NEW_DISTRICT: &str = "江汉";
const UNIT_CODES: [(&str, &str); 3] = [("328", "512"), ("328001", "512001"), ("328003", "512002")];
/// `other_dept.txt` amounts are the sample's × 0.73, rounded half away from zero to 2 decimals.
const SCALE: &str = "0.73";

/// The tables `wrapped.txt` breaks cells in.
const WRAPPED_TABLES: [&str; 4] = ["表1", "表3", "表5-1", "表6"];
/// Rules of the cell repairs that close wrap breaks.
const SPLIT_RULES: [&str; 3] = ["split_number", "split_code", "stray_trailing_zero"];

static GRAMMARS: LazyLock<GrammarSet> =
    LazyLock::new(|| GrammarSet::builtin().expect("built-in grammars load"));

/// A decoded input and what the pipeline made of it.
struct Doc {
    source: SourceText,
    data: Dataset,
}

static SAMPLE_DOC: LazyLock<Doc> = LazyLock::new(|| load(SAMPLE));

fn bytes_of(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run `python3 scripts/make_variants.py`)",
            path.display()
        )
    })
}

fn load(rel: &str) -> Doc {
    let source = ingest::decode(Path::new(rel), &bytes_of(rel))
        .unwrap_or_else(|e| panic!("{rel}: does not decode: {e}"));
    let data = pipeline::process_text(&source, rel, &GRAMMARS)
        .unwrap_or_else(|e| panic!("{rel}: pipeline failed: {e}"));
    Doc { source, data }
}

fn variant(name: &str) -> Doc {
    load(&format!("{VARIANTS}/{name}"))
}

fn sample() -> &'static Doc {
    &SAMPLE_DOC
}

/// 表1 … 表10, 表5-1 and 表5-2 included.
fn in_tables_1_to_10(id: &str) -> bool {
    id.strip_prefix('表')
        .and_then(|n| n.split('-').next())
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| (1..=10).contains(&n))
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("`{s}` is not a canonical decimal: {e}"))
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// The table whose block holds `line`.
fn table_at(d: &Dataset, line: usize) -> Option<&Table> {
    d.tables
        .iter()
        .find(|t| t.loc.line <= line && line <= t.end_line)
}

/// Number of value columns of a two-sided table's first side.
fn left_width(t: &Table) -> usize {
    let first = t.columns.first().and_then(|c| c.split('/').next());
    t.columns
        .iter()
        .filter(|c| c.split('/').next() == first)
        .count()
}

/// True when tab cell `i` of a table line holds a key (code, name, attribute) or a row label.
fn is_key_cell(t: &Table, i: usize) -> bool {
    match t.layout {
        "two_sided" => i == 0 || i == 1 + left_width(t),
        _ => i < t.key_columns.len(),
    }
}

/// The value column tab cell `i` of a table line is read into.
fn value_column(t: &Table, i: usize) -> Option<&str> {
    let index = match t.layout {
        "two_sided" if i == 0 || i == 1 + left_width(t) => return None,
        "two_sided" if i <= left_width(t) => i - 1,
        "two_sided" => i - 2,
        _ => i.checked_sub(t.key_columns.len())?,
    };
    t.columns.get(index).map(String::as_str)
}

/// The first place two JSON values differ, as a path and both sides.
fn first_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => {
                        if let Some(d) = first_difference(&format!("{path}.{k}"), p, q) {
                            return Some(d);
                        }
                    }
                    _ => return Some(format!("{path}.{k}: present on one side only")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                if let Some(d) = first_difference(&format!("{path}[{i}]"), p, q) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| format!("{path}: {} elements vs {}", x.len(), y.len()))
        }
        _ => (a != b).then(|| format!("{path}: {a} vs {b}")),
    }
}

/// Asserts that `actual` (from a variant) serializes exactly like `expected` (from the sample).
fn assert_same<T: Serialize>(what: &str, actual: &T, expected: &T) {
    let a = serde_json::to_value(actual).expect("serializes");
    let e = serde_json::to_value(expected).expect("serializes");
    if let Some(d) = first_difference(what, &a, &e) {
        panic!("{what} differs from the sample's (variant vs sample): {d}");
    }
}

/// A repair as a comparable tuple: line, table, column, rule, raw, repaired.
type RepairKey = (
    usize,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

fn repair_key(r: &Repair) -> RepairKey {
    (
        r.loc.line,
        r.table.clone(),
        r.column.clone(),
        r.rule.to_owned(),
        r.raw.clone(),
        r.repaired.clone(),
    )
}

fn repairs_with_rules(d: &Dataset, rules: &[&str]) -> BTreeSet<RepairKey> {
    d.repairs
        .iter()
        .filter(|r| rules.contains(&r.rule))
        .map(repair_key)
        .collect()
}

/// Compares a set of expected repairs with the ones the variant logged beyond the sample's own.
fn assert_repairs(name: &str, expected: &BTreeSet<RepairKey>, added: &BTreeSet<RepairKey>) {
    let missing: Vec<_> = expected.difference(added).collect();
    let unexpected: Vec<_> = added.difference(expected).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "{name}: repairs not logged as expected\n  missing ({}): {missing:#?}\n  unexpected ({}): {unexpected:#?}",
        missing.len(),
        unexpected.len()
    );
}

/// How a variant's tables are expected to relate to the sample's.
struct Expect<'a> {
    /// The unit a table of the variant states, given the sample's table.
    unit: &'a dyn Fn(&Table) -> Option<String>,
    /// Text (names, attributes, department) as the variant prints it.
    text: &'a dyn Fn(&str) -> String,
    /// A code as the variant prints it, given the sample's table.
    code: &'a dyn Fn(&Table, &str) -> String,
    /// A value of the variant, given the sample's table and value.
    value: &'a dyn Fn(&Table, Decimal) -> Decimal,
}

/// Every difference between the variant's tables and the sample's under `e` (values compared as
/// decimals), as messages.
fn table_differences(sample: &[Table], variant: &[Table], e: &Expect<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let ids = |ts: &[Table]| ts.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    if ids(sample) != ids(variant) {
        out.push(format!(
            "table ids: {:?} vs sample {:?}",
            ids(variant),
            ids(sample)
        ));
        return out;
    }
    let opt = |o: &Option<String>| o.as_deref().map(e.text);
    for (s, v) in sample.iter().zip(variant) {
        let id = &s.id;
        let fields = [
            (
                "grammar",
                format!("{:?}", v.grammar),
                format!("{:?}", s.grammar),
            ),
            (
                "layout",
                format!("{:?}", v.layout),
                format!("{:?}", s.layout),
            ),
            (
                "columns",
                format!("{:?}", v.columns),
                format!("{:?}", s.columns),
            ),
            (
                "key_columns",
                format!("{:?}", v.key_columns),
                format!("{:?}", s.key_columns),
            ),
            (
                "unit",
                format!("{:?}", v.unit),
                format!("{:?}", (e.unit)(s)),
            ),
            (
                "department",
                format!("{:?}", v.department),
                format!("{:?}", opt(&s.department)),
            ),
            (
                "row count",
                v.rows.len().to_string(),
                s.rows.len().to_string(),
            ),
        ];
        for (field, got, want) in fields {
            if got != want {
                out.push(format!("{id}: {field}: {got}, expected {want}"));
            }
        }
        for (sr, vr) in s.rows.iter().zip(&v.rows) {
            let at = format!("{id} line {}", sr.loc.line);
            let code = sr.code.as_deref().map(|c| (e.code)(s, c));
            let parent = sr.parent.as_deref().map(|c| (e.code)(s, c));
            let attrs: Vec<(String, String)> = sr
                .attrs
                .iter()
                .map(|(k, x)| (k.clone(), (e.text)(x)))
                .collect();
            let vattrs: Vec<(String, String)> = vr
                .attrs
                .iter()
                .map(|(k, x)| (k.clone(), x.clone()))
                .collect();
            let keys = [
                ("side", vr.side == sr.side),
                ("code", vr.code == code),
                ("name", vr.name == opt(&sr.name)),
                ("ordinal", vr.ordinal == sr.ordinal),
                ("parent", vr.parent == parent),
                ("attrs", vattrs == attrs),
                ("line", vr.loc == sr.loc),
                ("unreadable", vr.unreadable == sr.unreadable),
                ("width", vr.values.len() == sr.values.len()),
            ];
            for (field, ok) in keys {
                if !ok {
                    out.push(format!(
                        "{at}: {field}: variant row {:?} {:?} vs sample {:?} {:?}",
                        vr.code, vr.name, sr.code, sr.name
                    ));
                }
            }
            for (col, (sv, vv)) in sr.values.iter().zip(&vr.values).enumerate() {
                let column = s.columns.get(col).map_or("?", String::as_str);
                match (sv, vv) {
                    (None, None) => {}
                    (Some(a), Some(b)) => {
                        let want = (e.value)(s, dec(a));
                        if dec(b) != want {
                            out.push(format!(
                                "{at} [{column}]: {b}, expected {want} (sample {a})"
                            ));
                        }
                    }
                    _ => out.push(format!("{at} [{column}]: {vv:?}, sample {sv:?}")),
                }
            }
        }
    }
    out
}

fn assert_no_differences(name: &str, diffs: &[String]) {
    assert!(
        diffs.is_empty(),
        "{name}: {} difference(s) from the sample's tables:\n  {}",
        diffs.len(),
        diffs.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------------
// Encodings and line endings
// ---------------------------------------------------------------------------------------------

/// The whole extraction (document, tables, narrative, repairs, anomalies) equals the sample's.
fn assert_extracts_like_the_sample(name: &str, encoding: &str, line_endings: &str) {
    let s = sample();
    let v = variant(name);
    assert_eq!(
        v.data.source.encoding, encoding,
        "{name}: detected encoding"
    );
    assert_eq!(
        v.data.source.line_endings, line_endings,
        "{name}: line endings"
    );
    assert_eq!(
        v.source.lines, s.source.lines,
        "{name}: decoded lines differ"
    );
    assert_eq!(
        v.data.source.lines, s.data.source.lines,
        "{name}: line count"
    );
    assert_same(
        &format!("{name}: document"),
        &v.data.document,
        &s.data.document,
    );
    assert_same(&format!("{name}: tables"), &v.data.tables, &s.data.tables);
    assert_same(
        &format!("{name}: narrative"),
        &v.data.narrative,
        &s.data.narrative,
    );
    assert_same(
        &format!("{name}: repairs"),
        &v.data.repairs,
        &s.data.repairs,
    );
    assert_same(
        &format!("{name}: anomalies"),
        &v.data.anomalies,
        &s.data.anomalies,
    );
}

#[test]
fn gbk_with_crlf_extracts_like_the_sample() {
    assert_extracts_like_the_sample("gbk_crlf.txt", "GB18030", "CRLF");
}

#[test]
fn utf16le_with_bom_extracts_like_the_sample() {
    assert_extracts_like_the_sample("utf16le_bom.txt", "UTF-16LE", "LF");
}

#[test]
fn utf8_with_bom_and_cr_endings_extracts_like_the_sample() {
    assert_extracts_like_the_sample("utf8_bom_cr.txt", "UTF-8 (BOM)", "CR");
}

// ---------------------------------------------------------------------------------------------
// Content variants
// ---------------------------------------------------------------------------------------------

#[test]
fn yuan_tables_state_yuan_and_every_value_is_the_sample_times_10000() {
    let s = sample();
    let v = variant("yuan.txt");
    let yuan = |t: &Table| {
        if in_tables_1_to_10(&t.id) {
            Some("元".to_owned())
        } else {
            t.unit.clone()
        }
    };
    let times = |t: &Table, x: Decimal| {
        if in_tables_1_to_10(&t.id) {
            x * Decimal::from(10_000)
        } else {
            x
        }
    };
    let e = Expect {
        unit: &yuan,
        text: &|x| x.to_owned(),
        code: &|_, c| c.to_owned(),
        value: &times,
    };
    assert_no_differences(
        "yuan.txt",
        &table_differences(&s.data.tables, &v.data.tables, &e),
    );
    assert_eq!(v.data.document.unit.as_deref(), Some("元"), "document unit");
    assert_same(
        "yuan.txt: sub_units",
        &v.data.document.sub_units,
        &s.data.document.sub_units,
    );
}

#[test]
fn wrapped_cells_read_like_the_sample_and_every_break_is_logged() {
    let s = sample();
    let v = variant("wrapped.txt");
    assert_same("wrapped.txt: tables", &v.data.tables, &s.data.tables);
    assert_same("wrapped.txt: document", &v.data.document, &s.data.document);
    assert_same(
        "wrapped.txt: anomalies",
        &v.data.anomalies,
        &s.data.anomalies,
    );

    // The breaks, found by comparing the two texts cell by cell.
    let mut expected = BTreeSet::new();
    assert_eq!(v.source.lines.len(), s.source.lines.len());
    for (n, (sl, vl)) in s.source.lines.iter().zip(&v.source.lines).enumerate() {
        if sl == vl {
            continue;
        }
        let line = n + 1;
        let t = table_at(&s.data, line)
            .unwrap_or_else(|| panic!("changed line {line} lies in no table"));
        assert!(
            WRAPPED_TABLES.contains(&t.id.as_str()),
            "line {line}: {}",
            t.id
        );
        let (sc, vc): (Vec<&str>, Vec<&str>) = (sl.split('\t').collect(), vl.split('\t').collect());
        assert_eq!(sc.len(), vc.len(), "line {line}: cell count");
        for (i, (a, b)) in sc.iter().zip(&vc).enumerate() {
            if a == b {
                continue;
            }
            // The script inserts one space, and may drop the thousands separators.
            assert_eq!(
                a.replace([' ', ','], ""),
                b.replace([' ', ','], ""),
                "line {line}: not a wrap break"
            );
            let (rule, column, repaired) = if is_key_cell(t, i) {
                ("split_code", t.key_columns[i].clone(), a.trim().to_owned())
            } else {
                let column = value_column(t, i)
                    .unwrap_or_else(|| panic!("line {line}: cell {i} has no column"));
                ("split_number", column.to_owned(), a.trim().replace(',', ""))
            };
            expected.insert((
                line,
                Some(t.id.clone()),
                Some(column),
                rule.to_owned(),
                b.trim().to_owned(),
                repaired,
            ));
        }
    }
    assert!(expected.len() >= 30, "only {} breaks found", expected.len());
    let added: BTreeSet<RepairKey> = repairs_with_rules(&v.data, &SPLIT_RULES)
        .difference(&repairs_with_rules(&s.data, &SPLIT_RULES))
        .cloned()
        .collect();
    assert_repairs("wrapped.txt", &expected, &added);
}

fn rename(s: &str) -> String {
    s.replace(OLD_DEPT, NEW_DEPT)
        .replace(OLD_SUB2, NEW_SUB2)
        .replace(OLD_DISTRICT, NEW_DISTRICT)
}

/// Unit codes change in the unit-keyed tables only (表2, 表5-2); 科目 codes stay.
fn recode(t: &Table, code: &str) -> String {
    let unit_keyed = t
        .key_columns
        .iter()
        .any(|k| k.contains("单位") && k.contains("码"));
    match UNIT_CODES.iter().find(|(old, _)| *old == code) {
        Some((_, new)) if unit_keyed => (*new).to_owned(),
        _ => code.to_owned(),
    }
}

fn scaled(t: &Table, x: Decimal) -> Decimal {
    if in_tables_1_to_10(&t.id) {
        (x * dec(SCALE)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    } else {
        x
    }
}

#[test]
fn other_department_has_its_own_identity_codes_and_scaled_values() {
    let s = sample();
    let v = variant("other_dept.txt");
    let doc = &v.data.document;
    assert_eq!(doc.department.as_deref(), Some(NEW_DEPT), "department");
    assert_eq!(doc.year, Some(2025), "year");
    assert_eq!(doc.kind.as_deref(), Some("预算"), "kind");
    assert_eq!(doc.unit.as_deref(), Some("万元"), "unit");
    assert_eq!(
        doc.title.as_deref(),
        Some(format!("{NEW_DEPT} 2025 年部门预算").as_str()),
        "title"
    );
    let sub_units: Vec<(Option<&str>, &str, usize)> = doc
        .sub_units
        .iter()
        .map(|u| (u.code.as_deref(), u.name.as_str(), u.loc.line))
        .collect();
    let sample_lines: Vec<usize> = s
        .data
        .document
        .sub_units
        .iter()
        .map(|u| u.loc.line)
        .collect();
    assert_eq!(sample_lines.len(), 2, "the sample has two sub-units");
    let new_local = format!("{NEW_DEPT}本级");
    assert_eq!(
        sub_units,
        vec![
            (Some("512001"), new_local.as_str(), sample_lines[0]),
            (Some("512002"), NEW_SUB2, sample_lines[1]),
        ],
        "sub-units"
    );

    let e = Expect {
        unit: &|t| t.unit.clone(),
        text: &rename,
        code: &recode,
        value: &scaled,
    };
    assert_no_differences(
        "other_dept.txt",
        &table_differences(&s.data.tables, &v.data.tables, &e),
    );

    // The narrative amounts in full-width digits were converted, each logged on its line.
    let full_width_lines: Vec<usize> = v
        .source
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.chars().any(|c| ('０'..='９').contains(&c)))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(full_width_lines.len(), 3, "full-width lines in the fixture");
    for line in full_width_lines {
        assert!(
            v.data
                .repairs
                .iter()
                .any(|r| r.rule == "full_width" && r.loc.line == line),
            "line {line}: no full_width repair"
        );
    }
}

/// Full-width digits and the full-width point as ASCII, for comparing a cell with the sample's.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            _ => c,
        })
        .collect()
}

#[test]
fn full_width_amounts_and_letter_spaced_labels_read_like_the_sample() {
    let s = sample();
    let v = variant("fullwidth_spaced.txt");
    assert_same(
        "fullwidth_spaced.txt: tables",
        &v.data.tables,
        &s.data.tables,
    );
    assert_same(
        "fullwidth_spaced.txt: document",
        &v.data.document,
        &s.data.document,
    );
    assert_same(
        "fullwidth_spaced.txt: anomalies",
        &v.data.anomalies,
        &s.data.anomalies,
    );

    let mut spaced = BTreeSet::new();
    let mut full_width = Vec::new();
    for (n, (sl, vl)) in s.source.lines.iter().zip(&v.source.lines).enumerate() {
        if sl == vl {
            continue;
        }
        let line = n + 1;
        let t = table_at(&s.data, line)
            .unwrap_or_else(|| panic!("changed line {line} lies in no table"));
        for (i, (a, b)) in sl.split('\t').zip(vl.split('\t')).enumerate() {
            if a == b {
                continue;
            }
            if ascii_digits(b) == *a {
                full_width.push((line, b.to_owned()));
            } else {
                assert_eq!(b.replace(' ', ""), *a, "line {line}: not letter-spacing");
                let column = match t.layout {
                    "two_sided" => {
                        let side = if i == 0 { 0 } else { left_width(t) };
                        let side = t.columns[side].split('/').next().unwrap_or_default();
                        format!("{side}/项目")
                    }
                    _ => t.key_columns[i].clone(),
                };
                spaced.insert((
                    line,
                    Some(t.id.clone()),
                    Some(column),
                    "cjk_space".to_owned(),
                    b.to_owned(),
                    a.to_owned(),
                ));
            }
        }
    }
    assert_eq!(full_width.len(), 6, "full-width cells in the fixture");
    assert_eq!(spaced.len(), 7, "letter-spaced labels in the fixture");

    // Each full-width cell: its converted runs logged on its line, and they cover every
    // full-width character of the cell.
    for (line, cell) in &full_width {
        let runs: String = v
            .data
            .repairs
            .iter()
            .filter(|r| r.rule == "full_width" && r.loc.line == *line)
            .map(|r| r.raw.as_str())
            .collect();
        let wanted: String = cell.chars().filter(|c| !c.is_ascii()).collect();
        assert_eq!(runs, wanted, "line {line}: full_width repairs of `{cell}`");
    }
    let added: BTreeSet<RepairKey> = repairs_with_rules(&v.data, &["cjk_space"])
        .difference(&repairs_with_rules(&s.data, &["cjk_space"]))
        .cloned()
        .collect();
    assert_repairs("fullwidth_spaced.txt", &spaced, &added);
}

// ---------------------------------------------------------------------------------------------
// Inputs that are not disclosures
// ---------------------------------------------------------------------------------------------

fn fixture_path(name: &str) -> String {
    format!("{VARIANTS}/{name}")
}

#[test]
fn empty_file_fails_at_ingest_naming_the_file() {
    let rel = fixture_path("empty.txt");
    assert!(bytes_of(&rel).is_empty());
    let err = ingest::decode(Path::new(&rel), &bytes_of(&rel)).unwrap_err();
    assert!(matches!(err, IngestError::Empty { .. }), "{err:?}");
    assert!(err.to_string().contains(&rel), "{err}");

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel);
    let err = pipeline::process_file(&path, &GRAMMARS)
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(err, DocError::Ingest(IngestError::Empty { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn binary_file_fails_at_ingest_naming_the_file() {
    let rel = fixture_path("binary.txt");
    let bytes = bytes_of(&rel);
    assert!(bytes.contains(&0), "the fixture holds NUL bytes");
    let err = ingest::decode(Path::new(&rel), &bytes).unwrap_err();
    assert!(matches!(err, IngestError::Binary { .. }), "{err:?}");
    assert!(err.to_string().contains(&rel), "{err}");

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel);
    let err = pipeline::process_file(&path, &GRAMMARS)
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(err, DocError::Ingest(IngestError::Binary { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn news_prose_is_not_a_disclosure() {
    let rel = fixture_path("not_a_disclosure.txt");
    let source = ingest::decode(Path::new(&rel), &bytes_of(&rel)).expect("prose decodes");
    assert_eq!(source.encoding, "UTF-8");
    match pipeline::process_text(&source, &rel, &GRAMMARS) {
        Err(DocError::NotADisclosure { path }) => assert_eq!(path, rel),
        Err(other) => panic!("wrong error: {other}"),
        Ok(d) => panic!(
            "read as a disclosure: {} table(s), title {:?}",
            d.tables.len(),
            d.document.title
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Invariant over the sample and every variant
// ---------------------------------------------------------------------------------------------

/// Every variant the pipeline should read, and the sample itself.
const READABLE: [&str; 8] = [
    SAMPLE,
    "tests/fixtures/variants/gbk_crlf.txt",
    "tests/fixtures/variants/utf16le_bom.txt",
    "tests/fixtures/variants/utf8_bom_cr.txt",
    "tests/fixtures/variants/yuan.txt",
    "tests/fixtures/variants/wrapped.txt",
    "tests/fixtures/variants/other_dept.txt",
    "tests/fixtures/variants/fullwidth_spaced.txt",
];

/// In each grid or two-sided table of 表1–表10, each source line with tab-separated cells gives
/// its row(s) exactly as many non-null values as it prints amount cells (cells outside the key
/// and label positions that hold a digit, counted on the raw decoded line): every printed amount
/// lands exactly once.
#[test]
fn every_printed_amount_of_tables_1_to_10_lands_exactly_once() {
    let mut problems = Vec::new();
    for rel in READABLE {
        let doc = if rel == SAMPLE { None } else { Some(load(rel)) };
        let doc = doc.as_ref().unwrap_or_else(|| sample());
        let mut printed_total = 0;
        for t in doc
            .data
            .tables
            .iter()
            .filter(|t| in_tables_1_to_10(&t.id) && matches!(t.layout, "grid" | "two_sided"))
        {
            for line in t.loc.line..=t.end_line {
                let raw = &doc.source.lines[line - 1];
                if !raw.contains('\t') {
                    continue;
                }
                let printed = raw
                    .split('\t')
                    .enumerate()
                    .filter(|&(i, c)| !is_key_cell(t, i) && c.chars().any(is_digit))
                    .count();
                let landed: usize = t
                    .rows
                    .iter()
                    .filter(|r| r.loc.line == line)
                    .map(|r| r.values.iter().flatten().count())
                    .sum();
                printed_total += printed;
                if printed != landed {
                    problems.push(format!(
                        "{rel}:{line} ({}): {printed} amount cell(s) printed, {landed} value(s) landed: {raw:?}",
                        t.id
                    ));
                }
            }
        }
        // 表1 40 + 表2 48 + 表3 75 + 表4 24 + 表5-1 125 + 表5-2 19 + 表6 105 + 表7 6 + 表10 64.
        if printed_total < 400 {
            problems.push(format!(
                "{rel}: only {printed_total} amount cells found in 表1–表10"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------------
// Probes beyond the fixtures: the sample with one line changed in memory
// ---------------------------------------------------------------------------------------------

/// The sample's lines edited by `edit`, run through the pipeline.
fn sample_edited(edit: impl FnOnce(&mut Vec<String>)) -> Doc {
    let mut lines = sample().source.lines.clone();
    edit(&mut lines);
    let text = lines.join("\n");
    let rel = "probe.txt";
    let source = ingest::decode(Path::new(rel), text.as_bytes()).expect("probe decodes");
    let data = pipeline::process_text(&source, rel, &GRAMMARS).expect("probe is a disclosure");
    Doc { source, data }
}

/// The sample with line `line` (1-based) replaced by `f(line)`, run through the pipeline.
fn sample_with_line(line: usize, f: impl Fn(&str) -> String) -> Doc {
    sample_edited(|lines| lines[line - 1] = f(&lines[line - 1]))
}

/// An amount typed with a full-width input method has a full-width comma as well as full-width
/// digits and point: `４，３３５．９５` in 表3's 合计 row should read as 4335.95.
#[test]
fn full_width_comma_in_a_table_amount_reads_as_a_separator() {
    let s = sample();
    let t3 = s.data.tables.iter().find(|t| t.id == "表3").expect("表3");
    let total = t3
        .rows
        .iter()
        .find(|r| r.name.as_deref() == Some("合计"))
        .expect("合计 row");
    let line = total.loc.line;
    let v = sample_with_line(line, |l| l.replacen("4,335.95", "４，３３５．９５", 1));
    let t3v = v.data.tables.iter().find(|t| t.id == "表3").expect("表3");
    let row = t3v
        .rows
        .iter()
        .find(|r| r.loc.line == line)
        .expect("合计 row");
    assert_eq!(row.values, total.values, "line {line}: values");
    assert!(
        row.unreadable.is_empty(),
        "line {line}: unreadable {:?}",
        row.unreadable
    );
    assert_same("probe: anomalies", &v.data.anomalies, &s.data.anomalies);
}

/// Markup repair (`<p>…</p>` in 表11's cells) must not merge cells: the tab before `<p>` and the
/// tabs after `</p>` are cell separators, not markup (sample lines 406 and 408).
#[test]
fn markup_repair_keeps_cell_separators() {
    let s = sample();
    let (lines, _) = cnbudget::normalize::canonicalize(&s.source);
    let mut checked = 0;
    for (raw, canon) in s.source.lines.iter().zip(&lines) {
        if raw.contains("<p>") {
            checked += 1;
            assert_eq!(
                canon.text.matches('\t').count(),
                raw.matches('\t').count(),
                "line {}: tabs lost: {:?}",
                canon.no,
                canon.text.chars().take(30).collect::<String>()
            );
        }
    }
    assert!(checked >= 2, "the sample has `<p>` lines");
}

/// A PDF's page number extracted on a line of its own inside a table (`8`, `- 9 -`) is not a row.
#[test]
fn page_number_lines_inside_tables_add_no_rows() {
    let s = sample();
    let row_after = |id: &str, n: usize| {
        let t = s.data.tables.iter().find(|t| t.id == id).expect("table");
        t.rows[n].loc.line
    };
    // After the 9th line of 表1's body and after the 10th row of 表3 (later insert first).
    let (t1, t3) = (row_after("表1", 16), row_after("表3", 10));
    let v = sample_edited(|lines| {
        lines.insert(t3, "- 9 -".to_owned());
        lines.insert(t1, "8".to_owned());
    });
    for id in ["表1", "表3"] {
        let rows = |d: &Dataset| {
            let t = d.tables.iter().find(|t| t.id == id).expect("table");
            t.rows
                .iter()
                .map(|r| {
                    (
                        r.side.clone(),
                        r.code.clone(),
                        r.name.clone(),
                        r.values.clone(),
                        r.attrs.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let (vrows, srows) = (rows(&v.data), rows(&s.data));
        let extra: Vec<_> = vrows.iter().filter(|r| !srows.contains(r)).collect();
        assert!(
            extra.is_empty() && vrows.len() == srows.len(),
            "{id}: {} rows vs the sample's {}; rows the sample does not have: {extra:?}",
            vrows.len(),
            srows.len()
        );
    }
}
