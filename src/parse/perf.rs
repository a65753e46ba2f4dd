//! Performance-target forms (表11 整体支出绩效目标表, 表12-n 项目支出绩效目标表). Placeholder.

use crate::model::{Anomaly, Performance, Repair};
use crate::parse::RawTable;

/// Reads a performance form's body lines into [`Performance`].
pub fn parse_performance(_table: &RawTable<'_>, _repairs: &mut Vec<Repair>, _findings: &mut Vec<Anomaly>) -> Performance {
    Performance::default()
}
