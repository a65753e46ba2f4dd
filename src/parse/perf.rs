//! Performance-target forms (表11 整体支出绩效目标表, 表12-n 项目支出绩效目标表). Placeholder.

use crate::model::{Anomaly, Performance, Repair};
use crate::parse::RawTable;

/// Reads a performance form's body lines into [`Performance`].
pub fn parse_performance(_table: &RawTable<'_>, _repairs: &mut Vec<Repair>, _findings: &mut Vec<Anomaly>) -> Performance {
    Performance::default()
}

#[cfg(test)]
mod scratch {
    #[test]
    fn scratch_bodies() {
        let src = crate::ingest::read_text(std::path::Path::new("samples/000_163e4aab9eba8502.txt")).unwrap();
        let (lines, _) = crate::normalize::canonicalize(&src);
        let gs = crate::grammar::GrammarSet::builtin().unwrap();
        let doc = crate::parse::parse(&lines, &gs);
        for t in &doc.tables {
            eprintln!("{} {} {:?} body {:?}..{:?} start {} end {}", t.id, t.grammar.name, t.title, t.body.first().map(|l| l.no), t.body.last().map(|l| l.no), t.start, t.end);
        }
    }
}
