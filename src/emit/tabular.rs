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
/// of its tables (blank cells are not rows). Every field but the value and its amount in 元 is shared
/// by a table's cells (document, table, unit, column), or by a row's (side, code, name, 类/款/项,
/// line, page): those are rendered once and copied per value, since a document has a thousand-odd
/// values and most of each record repeats the one before.
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
    let mut row_end = Vec::new();
    for t in &d.tables {
        let unit = t.unit.as_deref().or(d.document.unit.as_deref());
        let factor = unit.and_then(unit_factor);
        let zeros = factor.and_then(power_of_ten);
        let mut unit_field = Vec::new();
        push_field(&mut unit_field, unit.unwrap_or_default());
        let mut columns = ColumnFields::default();
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
            row_end.clear();
            push_field(&mut row_end, &row.loc.line.to_string());
            push_last_field(&mut row_end, &opt(row.loc.page));
            let column_fields = columns.for_side(row.side.as_deref(), &t.columns);
            for (column, value) in column_fields.iter().zip(&row.values) {
                let Some(value) = value else { continue };
                out.extend_from_slice(&table);
                out.extend_from_slice(&row_fields);
                out.extend_from_slice(column);
                push_field(&mut out, value);
                out.extend_from_slice(&unit_field);
                if !zeros.is_some_and(|zeros| push_shifted(&mut out, value, zeros)) {
                    push_field(&mut out, &in_yuan(value, unit));
                }
                out.extend_from_slice(&row_end);
            }
        }
    }
    out
}

/// A table's `column` fields (rendered, with their `,`) for each side its rows have: the side leads
/// the column path, so the fields differ per side, and a table has one or two.
#[derive(Default)]
struct ColumnFields<'t> {
    sides: Vec<(Option<&'t str>, Vec<Vec<u8>>)>,
}

impl<'t> ColumnFields<'t> {
    fn for_side(&mut self, side: Option<&'t str>, columns: &[String]) -> &[Vec<u8>] {
        let at = match self.sides.iter().position(|(s, _)| *s == side) {
            Some(at) => at,
            None => {
                let fields = columns
                    .iter()
                    .map(|column| {
                        let mut field = Vec::new();
                        push_field(&mut field, &side_column(side, column));
                        field
                    })
                    .collect();
                self.sides.push((side, fields));
                self.sides.len() - 1
            }
        };
        &self.sides[at].1
    }
}

/// `k` when `factor` is 10^k (the 元 factors of [`unit_factor`]).
fn power_of_ten(factor: Decimal) -> Option<usize> {
    if factor.scale() != 0 || factor.mantissa() <= 0 {
        return None;
    }
    let mut m = factor.mantissa();
    let mut k = 0;
    while m % 10 == 0 {
        m /= 10;
        k += 1;
    }
    (m == 1).then_some(k)
}

/// Appends the field of `value × 10^zeros` as [`in_yuan`] renders it, for a plain unsigned amount
/// (`4335.95`, `0.5`, `12`), without parsing it into a `Decimal`: the product keeps the value's
/// decimals (4335.95 × 10⁴ = 43359500.00), so its digits are the value's followed by `zeros` zeros,
/// with the point as many digits from the end as the value had decimals; a zero product is `0`. Anything else (a sign,
/// leading zeros, more than 18 digits) gives false with nothing written, for `in_yuan` to render.
fn push_shifted(out: &mut Vec<u8>, value: &str, zeros: usize) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (int, frac) = match value.split_once('.') {
        Some((int, frac)) if digits(frac) => (int, frac),
        Some(_) => return false,
        None => (value, ""),
    };
    let len = int.len() + frac.len() + zeros;
    if !digits(int) || (int.len() > 1 && int.starts_with('0')) || len > 26 {
        return false;
    }
    if int == "0" && frac.bytes().all(|b| b == b'0') {
        // `Decimal` multiplication gives a zero product without decimals.
        out.extend_from_slice(b"0,");
        return true;
    }
    let mut shifted = [b'0'; 26];
    shifted[..int.len()].copy_from_slice(int.as_bytes());
    shifted[int.len()..int.len() + frac.len()].copy_from_slice(frac.as_bytes());
    let point = len - frac.len();
    // `0.05` gives `00500.00`: the integer part loses its leading zeros, keeping one digit.
    let lead = shifted[..point - 1]
        .iter()
        .take_while(|&&b| b == b'0')
        .count();
    out.extend_from_slice(&shifted[lead..point]);
    if !frac.is_empty() {
        out.push(b'.');
        out.extend_from_slice(&shifted[point..len]);
    }
    out.push(b',');
    true
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

    /// The `value_yuan` field [`push_shifted`] writes, or None when it leaves the value to `in_yuan`.
    fn shifted_field(value: &str, unit: &str) -> Option<String> {
        let zeros = power_of_ten(unit_factor(unit)?)?;
        let mut out = Vec::new();
        push_shifted(&mut out, value, zeros).then(|| String::from_utf8(out).unwrap())
    }

    #[test]
    fn shifting_the_digits_is_what_decimal_multiplication_writes() {
        for (value, unit, yuan) in [
            ("4335.95", "万元", Some("43359500.00,")),
            ("0.05", "万元", Some("500.00,")),
            ("0.00", "万元", Some("0,")),
            ("0.00", "元", Some("0,")),
            ("0.010", "元", Some("0.010,")),
            ("0", "亿元", Some("0,")),
            ("12.5", "元", Some("12.5,")),
            ("7", "千元", Some("7000,")),
            ("-1.5", "万元", None),
            ("01.5", "万元", None),
            ("1.", "万元", None),
            (".5", "万元", None),
            ("1,000", "万元", None),
            ("123456789012345678.9", "亿元", None),
        ] {
            assert_eq!(
                shifted_field(value, unit).as_deref(),
                yuan,
                "{value} {unit}"
            );
            if let Some(yuan) = yuan {
                assert_eq!(format!("{},", in_yuan(value, Some(unit))), yuan);
            }
        }
        assert_eq!(power_of_ten(Decimal::new(15, 1)), None);
        assert_eq!(power_of_ten(Decimal::from(20)), None);
    }

    proptest::proptest! {
        /// Where the digit shift applies it writes what `Decimal` multiplication writes.
        #[test]
        fn shifted_amounts_are_the_decimal_products(
            value in "-?[0-9]{1,19}(\\.[0-9]{0,9})?",
            unit in "元|千元|万元|亿元",
        ) {
            if let Some(field) = shifted_field(&value, &unit) {
                proptest::prop_assert_eq!(field, format!("{},", in_yuan(&value, Some(&unit))));
            }
        }
    }

    #[test]
    fn yuan_conversion_is_exact() {
        assert_eq!(in_yuan("4335.95", Some("万元")), "43359500.00");
        assert_eq!(in_yuan("12.5", Some("元")), "12.5");
        assert_eq!(in_yuan("1", None), "");
    }
}
