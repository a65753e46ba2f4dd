//! Flat CSV views of a dataset, for pandas, R, DuckDB and spreadsheets: `cells.csv` (one row per
//! table value), `anomalies.csv` (one row per finding), `documents.csv` (one row per document).
//!
//! Each function renders one document's rows without the header; the batch writes the header once
//! ([`CELLS_HEADER`] …) and concatenates documents in input order. `datapackage.json` describes these
//! columns (see [`super::datapackage`]); keep the two in step.

use crate::model::{Dataset, Row, Table};
use crate::normalize::number::unit_factor;
use rust_decimal::Decimal;
use std::str::FromStr;

pub const CELLS_HEADER: &[&str] = &[
    "document_id",
    "fiscal_year",
    "phase",
    "department",
    "table_id",
    "table_title",
    "side",
    "row_code",
    "row_name",
    "row_parent",
    "code_system",
    "class_code",
    "item_code",
    "subitem_code",
    "column",
    "value",
    "unit",
    "value_yuan",
    "line",
    "page",
];

pub const ANOMALIES_HEADER: &[&str] = &[
    "document_id",
    "rule",
    "kind",
    "severity",
    "message",
    "line",
    "page",
    "table_id",
    "row",
    "column",
    "expected",
    "actual",
];

pub const DOCUMENTS_HEADER: &[&str] = &[
    "document_id",
    "path",
    "sha256",
    "status",
    "error",
    "title",
    "department",
    "fiscal_year",
    "phase",
    "scope",
    "unit",
    "total_income",
    "total_expenditure",
    "tables",
    "repairs",
    "anomalies",
    "errors",
    "warnings",
    "infos",
];

/// Renders rows as CSV (RFC 4180 quoting), without a header.
pub fn to_csv(rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The header line of one of the CSV files.
pub fn header(columns: &[&str]) -> Result<Vec<u8>, csv::Error> {
    to_csv(&[columns.iter().map(|c| (*c).to_owned()).collect()])
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// An optional text field, empty when absent.
fn text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or_default()
}

/// The amount in 元: 万元 values × 10,000; empty when the unit is unknown.
fn in_yuan(value: &str, unit: Option<&str>) -> String {
    match (Decimal::from_str(value), unit.and_then(unit_factor)) {
        (Ok(v), Some(f)) => (v * f).to_string(),
        _ => String::new(),
    }
}

/// 类/款/项 codes of a 功能分类 code (3/5/7 digits), 类/款 of an 经济分类 code (3/5).
fn code_levels(t: &Table, row: &Row) -> [String; 3] {
    let Some(code) = row.code.as_deref() else {
        return Default::default();
    };
    let prefix = |n: usize| {
        if code.len() >= n {
            code[..n].to_owned()
        } else {
            String::new()
        }
    };
    match t.code_system.as_deref() {
        Some("function") => [prefix(3), prefix(5), prefix(7)],
        Some("economic") => [prefix(3), prefix(5), String::new()],
        _ => Default::default(),
    }
}

/// The `cells.csv` rows of a document, rendered as CSV without the header: one row per printed value
/// of its tables (blank cells are not rows). The fields shared by a table's cells (document, table)
/// and by a row's cells (side, code, name, 类/款/项) are rendered once and copied per value: a
/// document has a thousand-odd values and most of each record repeats the one before.
pub fn cells_csv(document_id: &str, d: &Dataset) -> Vec<u8> {
    let mut out = Vec::with_capacity(96 * 1024);
    let year = opt(d.document.year);
    let mut document = Vec::new();
    for field in [
        document_id,
        &year,
        text(&d.document.kind),
        text(&d.document.department),
    ] {
        push_field(&mut document, field);
    }
    let mut table = Vec::new();
    let mut row_fields = Vec::new();
    for t in &d.tables {
        let unit = t.unit.as_deref().or(d.document.unit.as_deref());
        table.clear();
        table.extend_from_slice(&document);
        push_field(&mut table, &t.id);
        push_field(&mut table, &t.title);
        for row in &t.rows {
            let [class, item, subitem] = code_levels(t, row);
            row_fields.clear();
            for field in [
                text(&row.side),
                text(&row.code),
                text(&row.name),
                text(&row.parent),
                text(&t.code_system),
                &class,
                &item,
                &subitem,
            ] {
                push_field(&mut row_fields, field);
            }
            let line = row.loc.line.to_string();
            let page = opt(row.loc.page);
            for (column, value) in t.columns.iter().zip(&row.values) {
                let Some(value) = value else { continue };
                out.extend_from_slice(&table);
                out.extend_from_slice(&row_fields);
                for field in [
                    side_column(row.side.as_deref(), column).as_str(),
                    value,
                    unit.unwrap_or_default(),
                    &in_yuan(value, unit),
                    &line,
                ] {
                    push_field(&mut out, field);
                }
                push_last_field(&mut out, &page);
            }
        }
    }
    out
}

/// Appends a field and its `,` as the csv crate writes them (quoted only when it holds a comma,
/// quote or line break; quotes doubled).
fn push_field(out: &mut Vec<u8>, field: &str) {
    push_escaped(out, field);
    out.push(b',');
}

/// Appends a record's last field and the record's `\n`.
fn push_last_field(out: &mut Vec<u8>, field: &str) {
    push_escaped(out, field);
    out.push(b'\n');
}

fn push_escaped(out: &mut Vec<u8>, field: &str) {
    let bytes = field.as_bytes();
    if !bytes
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    for &b in bytes {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// A column's path as the cell's own: a side-by-side grid's rows share their column paths
/// (`决算数`), so the side leads (`人员经费/决算数`), as it already does in two-sided tables.
fn side_column(side: Option<&str>, column: &str) -> String {
    match side {
        Some(s) if column.split('/').next() != Some(s) => format!("{s}/{column}"),
        _ => column.to_owned(),
    }
}

/// One row per finding.
pub fn anomalies(document_id: &str, d: &Dataset) -> Vec<Vec<String>> {
    d.anomalies
        .iter()
        .map(|a| {
            vec![
                document_id.to_owned(),
                a.rule.to_owned(),
                a.kind.to_owned(),
                a.severity.to_owned(),
                a.message.clone(),
                a.location.line.to_string(),
                opt(a.location.page),
                opt(a.location.table.clone()),
                opt(a.location.row.clone()),
                opt(a.location.column.clone()),
                opt(a.expected.clone()),
                opt(a.actual.clone()),
            ]
        })
        .collect()
}

/// The value of the 表1 row named one of `names` on `side`.
fn summary_total(d: &Dataset, side: &str, names: &[&str]) -> Option<String> {
    let t = d
        .tables
        .iter()
        .find(|t| t.grammar == "income_expenditure_summary")?;
    let col = t
        .columns
        .iter()
        .position(|c| c.split('/').next() == Some(side))?;
    names.iter().find_map(|n| {
        t.rows
            .iter()
            .find(|r| r.side.as_deref() == Some(side) && r.name.as_deref() == Some(*n))
            .and_then(|r| r.values.get(col).cloned().flatten())
    })
}

/// The document's row of `documents.csv`.
pub fn document(document_id: &str, d: &Dataset) -> Vec<String> {
    let count = |s: &str| {
        d.anomalies
            .iter()
            .filter(|a| a.severity == s)
            .count()
            .to_string()
    };
    vec![
        document_id.to_owned(),
        d.source.path.clone(),
        d.source.sha256.clone(),
        "ok".into(),
        String::new(),
        opt(d.document.title.clone()),
        opt(d.document.department.clone()),
        opt(d.document.year),
        opt(d.document.kind.clone()),
        opt(d.document.scope.clone()),
        opt(d.document.unit.clone()),
        opt(summary_total(d, "收入", &["本年收入合计", "收入总计"])),
        opt(summary_total(d, "支出", &["本年支出合计", "支出总计"])),
        d.tables.len().to_string(),
        d.repairs.len().to_string(),
        d.anomalies.len().to_string(),
        count("error"),
        count("warning"),
        count("info"),
    ]
}

/// The `documents.csv` row of a document that failed.
pub fn failed_document(document_id: &str, path: &str, sha256: &str, error: &str) -> Vec<String> {
    let mut row = vec![String::new(); DOCUMENTS_HEADER.len()];
    row[0] = document_id.to_owned();
    row[1] = path.to_owned();
    row[2] = sha256.to_owned();
    row[3] = "failed".into();
    row[4] = error.to_owned();
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let bytes = to_csv(&[vec!["a,b".into(), "say \"hi\"".into(), "行政运行".into()]]).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\"a,b\",\"say \"\"hi\"\"\",行政运行\n"
        );
    }

    proptest::proptest! {
        /// The hand-rolled record writer of `cells.csv` writes what the csv crate writes.
        #[test]
        fn fields_are_written_as_the_csv_crate_writes_them(
            fields in proptest::collection::vec("[a-z,\"\r\n 行政运行#'\t]{0,6}", 2..6)
        ) {
            let mut ours = Vec::new();
            let (last, rest) = fields.split_last().unwrap();
            for f in rest {
                push_field(&mut ours, f);
            }
            push_last_field(&mut ours, last);
            proptest::prop_assert_eq!(ours, to_csv(std::slice::from_ref(&fields)).unwrap());
        }
    }

    #[test]
    fn yuan_conversion_is_exact() {
        assert_eq!(in_yuan("4335.95", Some("万元")), "43359500.00");
        assert_eq!(in_yuan("12.5", Some("元")), "12.5");
        assert_eq!(in_yuan("1", None), "");
    }
}
