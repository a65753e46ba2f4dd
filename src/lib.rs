//! cnbudget: Chinese public budget disclosures (部门预算 / 部门决算) → clean, verified open data.
//!
//! The pipeline, one module per stage (see `ARCHITECTURE.md`):
//!
//! 1. [`ingest`] — a file's bytes → [`ingest::SourceText`] (encoding detected, lines split);
//! 2. [`normalize::canonicalize`] — character-level repairs → [`normalize::Line`]s;
//! 3. [`parse`] — lines → [`parse::ParsedDocument`]: table blocks matched to [`grammar`]s, narrative lines;
//! 4. [`normalize::tables`], [`normalize::prose`] — raw cells and prose → typed [`model::Table`]s and
//!    paragraphs, every change logged as a [`model::Repair`];
//! 5. [`narrative`] — paragraphs → sections, facts and statements;
//! 6. [`validate`] — the [`model::Dataset`] → findings ([`model::Anomaly`]), each citing a catalogued rule;
//! 7. [`emit`] — the dataset → JSON, CSV, `report.md`, the data package descriptor.
//!
//! [`pipeline`] is the glue that runs the stages for one document; [`batch`] runs many in parallel and
//! writes the batch-wide outputs.

pub mod batch;
pub mod emit;
pub mod grammar;
pub mod ingest;
pub mod model;
pub mod narrative;
pub mod normalize;
pub mod parse;
pub mod pipeline;
pub mod validate;
