//! `datapackage.json`: a Frictionless Data Package describing the CSV files of a batch (fields, types,
//! primary and foreign keys), with a Fiscal Data Package `model` for the amounts: the measure is the
//! value in 元 (`value_yuan`, currency CNY), the dimensions are the fiscal year, the phase (预算/决算),
//! the 功能/经济 classification levels (类/款/项) and the administrative unit.
//!
//! The field lists mirror [`super::tabular`]'s headers; a test checks they agree.

use super::tabular::{ANOMALIES_HEADER, CELLS_HEADER, DOCUMENTS_HEADER};
use serde_json::{Value, json};

/// The type of each CSV column, by name (everything not listed is a string).
fn field_type(name: &str) -> &'static str {
    match name {
        "fiscal_year" | "line" | "page" | "tables" | "repairs" | "anomalies" | "errors"
        | "warnings" | "infos" => "integer",
        "value" | "value_yuan" | "total_income" | "total_expenditure" => "number",
        _ => "string",
    }
}

fn description(name: &str) -> &'static str {
    match name {
        "document_id" => "The document's output name (its JSON file is <document_id>.json)",
        "fiscal_year" => "The budget year the document is for",
        "phase" => "预算 (budget) or 决算 (final accounts)",
        "scope" => "部门 (a department's consolidated disclosure) or 单位 (one budget unit's)",
        "table_id" => "The table as the document numbers it (表1, 表5-1)",
        "row_code" => "The row's 科目 or unit code",
        "row_parent" => "The code of the row one level up in the 类/款/项 hierarchy",
        "code_system" => "function (功能分类), economic (经济分类) or unit",
        "class_code" => "类 (3-digit) code of the row",
        "item_code" => "款 (5-digit) code of the row",
        "subitem_code" => "项 (7-digit) code of the row",
        "column" => "The column's header path (基本支出/人员经费)",
        "value" => "The amount as printed after repair, in `unit`",
        "unit" => "The money unit the table states: 万元 or 元",
        "value_yuan" => "The amount in 元 (yuan)",
        "line" => "Source line in the extracted text",
        "page" => "Source page (PDF input)",
        "rule" => "Rule code; `cnbudget explain CODE` describes it",
        "severity" => "error, warning or info",
        _ => "",
    }
}

fn schema(columns: &[&str], primary_key: Option<&[&str]>, foreign: bool) -> Value {
    let fields: Vec<Value> = columns
        .iter()
        .map(|c| {
            let mut f = json!({ "name": c, "type": field_type(c) });
            let d = description(c);
            if !d.is_empty() {
                f["description"] = json!(d);
            }
            if *c == "document_id" {
                f["constraints"] = json!({ "required": true });
            }
            f
        })
        .collect();
    let mut s = json!({ "fields": fields, "missingValues": [""] });
    if let Some(pk) = primary_key {
        s["primaryKey"] = json!(pk);
    }
    if foreign {
        s["foreignKeys"] = json!([{
            "fields": "document_id",
            "reference": { "resource": "documents", "fields": "document_id" }
        }]);
    }
    s
}

fn resource(name: &str, path: &str, title: &str, schema: Value) -> Value {
    json!({
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    })
}

/// The package descriptor of a batch's CSV files.
pub fn descriptor(tool_version: &str) -> Value {
    json!({
        "profile": "tabular-data-package",
        "name": "cnbudget-dataset",
        "title": "Chinese department budget disclosures (部门预算/部门决算) as data",
        "description": format!("Extracted and validated by cnbudget {tool_version}."),
        "resources": [
            resource(
                "documents",
                "documents.csv",
                "One row per input document",
                schema(DOCUMENTS_HEADER, Some(&["document_id"]), false),
            ),
            resource(
                "cells",
                "cells.csv",
                "One row per printed amount of a table",
                schema(CELLS_HEADER, Some(&["document_id", "table_id", "line", "column"]), true),
            ),
            resource(
                "anomalies",
                "anomalies.csv",
                "One row per finding of the validation",
                schema(ANOMALIES_HEADER, None, true),
            ),
        ],
        "model": {
            "measures": {
                "amount": { "resource": "cells", "source": "value_yuan", "currency": "CNY", "factor": 1 }
            },
            "dimensions": {
                "fiscal_year": {
                    "dimensionType": "datetime",
                    "primaryKey": "fiscal_year",
                    "attributes": { "fiscal_year": { "resource": "cells", "source": "fiscal_year" } }
                },
                "phase": {
                    "dimensionType": "other",
                    "primaryKey": "phase",
                    "attributes": { "phase": { "resource": "cells", "source": "phase" } }
                },
                "classification": {
                    "dimensionType": "classification",
                    "classificationType": "functional",
                    "primaryKey": ["class_code", "item_code", "subitem_code"],
                    "attributes": {
                        "code_system": { "resource": "cells", "source": "code_system" },
                        "class_code": { "resource": "cells", "source": "class_code" },
                        "item_code": { "resource": "cells", "source": "item_code", "parent": "class_code" },
                        "subitem_code": { "resource": "cells", "source": "subitem_code", "parent": "item_code" },
                        "row_name": { "resource": "cells", "source": "row_name", "labelfor": "subitem_code" }
                    }
                },
                "administrative_unit": {
                    "dimensionType": "entity",
                    "primaryKey": "department",
                    "attributes": { "department": { "resource": "cells", "source": "department" } }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_csv_column_is_described_once() {
        let d = descriptor("0");
        for (i, header) in [DOCUMENTS_HEADER, CELLS_HEADER, ANOMALIES_HEADER]
            .iter()
            .enumerate()
        {
            let fields = d["resources"][i]["schema"]["fields"].as_array().unwrap();
            let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
            assert_eq!(names, header.to_vec());
        }
    }
}
