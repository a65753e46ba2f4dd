//! 功能 codes for the subjects of statements, found through the document's tables.
//!
//! Takes the parsed tables; keeps those whose rows carry 7-digit codes (the 功能分类 tables: 类 3,
//! 款 5, 项 7 digits) and indexes every coded row by its chain of names, root first. Gives the code of
//! a 科目 path (`科学技术支出 / 科学技术管理事务 / 行政运行` → `2060101`) or of a 类 name
//! (`科学技术支出` → `206`) when exactly one code fits; null when none or several do. Never guesses from
//! a partial match: names compare equal after folding (whitespace, bracket width), or not at all.

use crate::model::Table;
use crate::normalize::cells::fold;
use std::collections::{BTreeMap, BTreeSet};

/// The code length of a 项 row: a table with such rows is a 功能 table.
const ITEM_CODE_LEN: usize = 7;
/// The code length of a 类 row.
const CLASS_CODE_LEN: usize = 3;

/// Coded rows of the 功能 tables by their folded name chain.
#[derive(Debug, Clone, Default)]
pub(crate) struct CodeIndex {
    by_chain: BTreeMap<Vec<String>, BTreeSet<String>>,
}

impl CodeIndex {
    pub fn new(tables: &[Table]) -> Self {
        let mut index = CodeIndex::default();
        for table in tables.iter().filter(|t| is_function_table(t)) {
            index.add_table(table);
        }
        index
    }

    fn add_table(&mut self, table: &Table) {
        // Names by code within this table: a row's parents are printed in the same table.
        let names: BTreeMap<&str, String> = table
            .rows
            .iter()
            .filter_map(|r| Some((r.code.as_deref()?, fold(r.name.as_deref()?))))
            .collect();
        for row in &table.rows {
            let Some(code) = row.code.as_deref().filter(|c| is_code(c)) else {
                continue;
            };
            if let Some(chain) = chain(code, row.parent.as_deref(), &names) {
                self.by_chain
                    .entry(chain)
                    .or_default()
                    .insert(code.to_owned());
            }
        }
    }

    /// The code of a 科目 path (names root first), when exactly one row has that chain.
    pub fn path(&self, names: &[String]) -> Option<String> {
        let key: Vec<String> = names.iter().map(|n| fold(n)).collect();
        single(self.by_chain.get(&key)?)
    }

    /// The code of a 类 named `name`, when exactly one 类 row has that name.
    pub fn class(&self, name: &str) -> Option<String> {
        let codes = self.by_chain.get(std::slice::from_ref(&fold(name)))?;
        let mut classes = codes.iter().filter(|c| c.len() == CLASS_CODE_LEN);
        match (classes.next(), classes.next()) {
            (Some(code), None) => Some(code.clone()),
            _ => None,
        }
    }
}

fn single(codes: &BTreeSet<String>) -> Option<String> {
    match codes.len() {
        1 => codes.first().cloned(),
        _ => None,
    }
}

fn is_code(code: &str) -> bool {
    !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit())
}

fn is_function_table(table: &Table) -> bool {
    table.rows.iter().any(|r| {
        r.code
            .as_deref()
            .is_some_and(|c| c.len() == ITEM_CODE_LEN && is_code(c))
    })
}

/// The folded names from the root to the row; None when a parent's name is not printed.
fn chain(code: &str, parent: Option<&str>, names: &BTreeMap<&str, String>) -> Option<Vec<String>> {
    let mut chain = vec![names.get(code)?.clone()];
    let mut current = code.to_owned();
    let mut parent = parent.map(str::to_owned);
    // Codes shrink at each step, so the walk ends.
    loop {
        let up = parent.take().or_else(|| prefix_parent(&current));
        let Some(up) = up.filter(|p| p.len() < current.len()) else {
            break;
        };
        chain.push(names.get(up.as_str())?.clone());
        current = up;
    }
    chain.reverse();
    Some(chain)
}

/// The 功能 parent by code prefix: 7 → 5 → 3 digits.
fn prefix_parent(code: &str) -> Option<String> {
    let len = match code.len() {
        7 => 5,
        5 => 3,
        _ => return None,
    };
    // A parent code printed with other characters has no prefix parent (and no char boundary there).
    code.get(..len).map(str::to_owned)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{Loc, Row};
    use std::collections::BTreeMap;

    fn row(code: &str, name: &str, parent: Option<&str>) -> Row {
        Row {
            boxes: Vec::new(),
            value_cells: Vec::new(),
            side: None,
            code: Some(code.to_owned()),
            name: Some(name.to_owned()),
            ordinal: None,
            parent: parent.map(str::to_owned),
            attrs: BTreeMap::new(),
            values: vec![Some("1.00".to_owned())],
            unreadable: BTreeMap::new(),
            loc: Loc::line(1),
        }
    }

    /// A small 功能 table: two 行政运行 rows under different 款, so the name alone is ambiguous.
    pub(crate) fn function_table(id: &str) -> Table {
        Table {
            id: id.to_owned(),
            grammar: "gpb_expenditure_by_function".to_owned(),
            variant: "gpb_expenditure_by_function".to_owned(),
            layout: "grid",
            code_system: Some("function".to_owned()),
            title: "一般公共预算支出表".to_owned(),
            caption: None,
            department: None,
            unit: Some("万元".to_owned()),
            columns: vec!["合计".to_owned()],
            key_columns: vec!["科目编码".to_owned(), "科目名称".to_owned()],
            rows: vec![
                row("206", "科学技术支出", None),
                row("20601", "科学技术管理事务", Some("206")),
                row("2060101", "行政运行", Some("20601")),
                row("20604", "技术研究与开发", Some("206")),
                row("2060401", "行政运行", Some("20604")),
                row("221", "住房保障支出", None),
                row("22102", "住房改革支出", Some("221")),
                row("2210201", "住房公积金", None),
            ],
            note: None,
            empty: false,
            performance: None,
            loc: Loc::line(1),
            end_line: 9,
        }
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn paths_resolve_through_the_parent_chain() {
        let idx = CodeIndex::new(&[function_table("表5"), function_table("表3")]);
        let p = names(&["科学技术支出", "科学技术管理事务", "行政运行"]);
        assert_eq!(idx.path(&p).as_deref(), Some("2060101"));
        // No parent recorded: the code prefix gives it.
        let p = names(&["住房保障支出", "住房改革支出", "住房公积金"]);
        assert_eq!(idx.path(&p).as_deref(), Some("2210201"));
        assert_eq!(idx.path(&names(&["行政运行"])), None);
        assert_eq!(
            idx.path(&names(&["科学技术支出", "技术与开发", "行政运行"])),
            None
        );
    }

    #[test]
    fn classes_resolve_by_exact_name() {
        let idx = CodeIndex::new(&[function_table("表5")]);
        assert_eq!(idx.class("科学技术支出").as_deref(), Some("206"));
        assert_eq!(idx.class(" 住房保障支出").as_deref(), Some("221"));
        assert_eq!(idx.class("科学技术"), None);
        assert_eq!(idx.class("住房公积金"), None);
    }

    #[test]
    fn odd_parent_codes_do_not_panic() {
        let mut t = function_table("表5");
        t.rows.push(row("2０6", "怪", None));
        t.rows.push(row("2069901", "其他", Some("2０6")));
        let idx = CodeIndex::new(&[t]);
        assert_eq!(
            idx.path(&names(&["怪", "其他"])).as_deref(),
            Some("2069901")
        );
    }

    #[test]
    fn other_tables_are_ignored() {
        let mut t = function_table("表7");
        t.rows
            .retain(|r| r.code.as_deref().is_some_and(|c| c.len() < 7));
        assert_eq!(CodeIndex::new(&[t]).class("科学技术支出"), None);
    }
}
