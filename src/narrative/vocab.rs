//! The narrative word lists (`grammars/narrative.layout`), sorted and compiled for matching.
//!
//! Takes the `narrative` vocabulary grammar of the run (a required grammar, so every set has one). Gives [`Vocab`]: word lists that answer "which word starts/ends/occurs here", longest
//! word first, and the few regexes built from them. Never holds a phrase of its own: every word comes
//! from the grammar, so an empty list simply matches nothing.

use crate::grammar::{Grammar, GrammarSet};
use regex::Regex;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A grammar's named word lists, as [`Grammar::vocab`] holds them.
type WordLists = BTreeMap<String, Vec<String>>;

/// A word list, longest word first (so the first hit at a position is the longest).
#[derive(Debug, Clone, Default)]
pub(crate) struct Words(Vec<String>);

impl Words {
    fn new(words: &[String]) -> Self {
        let mut w: Vec<String> = words.iter().filter(|w| !w.is_empty()).cloned().collect();
        w.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        Words(w)
    }

    /// The longest word `text` starts with.
    pub fn prefix_of(&self, text: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|w| text.starts_with(w.as_str()))
            .map(String::as_str)
    }

    /// The longest word `text` ends with.
    pub fn suffix_of(&self, text: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|w| text.ends_with(w.as_str()))
            .map(String::as_str)
    }

    /// The first occurrence in `text`.
    pub fn find(&self, text: &str) -> Option<(usize, usize)> {
        text.char_indices()
            .find_map(|(i, _)| self.prefix_of(&text[i..]).map(|w| (i, i + w.len())))
    }

    pub fn contains_in(&self, text: &str) -> bool {
        self.find(text).is_some()
    }
}

/// The kind of number a unit makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnitKind {
    Amount,
    Percent,
    Count,
}

/// The direction a change word gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sign {
    Up,
    Down,
    Flat,
}

/// All narrative word lists, ready for matching.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vocab {
    /// Units after a number, longest first, with the kind they make.
    pub units: Vec<(String, UnitKind)>,
    pub percent_prefix: Words,
    pub year_suffix: Words,
    pub year_context: Words,
    pub connector: Words,
    pub subject_suffix: Words,
    pub total_word: Words,
    pub previous_year: Words,
    pub negation: Words,
    pub share_word: Words,
    pub reason_opener: Words,
    pub compare_opener: Words,
    /// Separators of a 科目 path printed with dashes (`一般公共服务支出-…-行政运行`).
    pub path_separator: Words,
    /// The word after such a path (`…”科目`).
    pub path_word: Words,
    /// Quote pairs that may enclose a whole subject, each as its opening and closing mark.
    pub quotes: Vec<(char, char)>,
    /// 决算: the words naming the budget figure and the final figure of a pair.
    pub final_budget: Words,
    pub final_actual: Words,
    /// Change words, longest first, with their direction.
    pub change: Vec<(String, Sign)>,
    /// `opener + digits`: the year of a comparison (`比2025年`, `与 2025 年`).
    pub compare: Option<Regex>,
    /// `X（类）Y（款）Z（项）` over a whole subject; group i is the name of level i.
    pub path: Option<Regex>,
}

impl Vocab {
    /// The vocabulary of a run: its `narrative` grammar (documents use [`Vocab::shared`]).
    #[cfg(test)]
    pub fn from_grammars(grammars: &GrammarSet) -> Self {
        grammars
            .vocabulary("narrative")
            .map(Self::from_grammar)
            .unwrap_or_default()
    }

    /// [`Vocab::from_grammars`], compiled once per thread rather than once per document: the last
    /// vocabulary built is kept with the word lists it was built from, and reused while a document's
    /// `narrative` grammar has the same lists (in a run, always). Keyed by the lists themselves, not
    /// by the grammar set, so a set whose word lists change gets a fresh vocabulary.
    pub fn shared(grammars: &GrammarSet) -> Rc<Self> {
        thread_local! {
            static LAST: RefCell<Option<(WordLists, Rc<Vocab>)>> =
                const { RefCell::new(None) };
        }
        let Some(g) = grammars.vocabulary("narrative") else {
            return Rc::new(Self::default());
        };
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if let Some((lists, vocab)) = last.as_ref()
                && *lists == g.vocab
            {
                return Rc::clone(vocab);
            }
            let vocab = Rc::new(Self::from_grammar(g));
            *last = Some((g.vocab.clone(), Rc::clone(&vocab)));
            vocab
        })
    }

    /// The vocabulary of the built-in grammars.
    #[cfg(test)]
    pub fn builtin() -> Self {
        let set = GrammarSet::builtin().expect("built-in grammars load");
        Self::from_grammars(&set)
    }

    pub fn from_grammar(g: &Grammar) -> Self {
        let w = |name: &str| Words::new(g.vocab(name));
        Vocab {
            units: units(g),
            percent_prefix: w("percent_prefix"),
            year_suffix: w("year_suffix"),
            year_context: w("year_context"),
            connector: w("connector"),
            subject_suffix: w("subject_suffix"),
            total_word: w("total_word"),
            previous_year: w("previous_year"),
            negation: w("negation"),
            share_word: w("share_word"),
            reason_opener: w("reason_opener"),
            compare_opener: w("compare_opener"),
            path_separator: w("subject_path_separator"),
            path_word: w("subject_path_word"),
            quotes: g
                .vocab("subject_quote")
                .iter()
                .filter_map(|q| {
                    let mut c = q.chars();
                    Some((c.next()?, c.next()?))
                })
                .collect(),
            final_budget: w("final_budget_word"),
            final_actual: w("final_actual_word"),
            change: changes(g),
            compare: compare_regex(g.vocab("compare_opener")),
            path: path_regex(g.vocab("subject_level")),
        }
    }

    /// The longest unit `text` starts with.
    pub fn unit_at(&self, text: &str) -> Option<(&str, UnitKind)> {
        self.units
            .iter()
            .find(|(u, _)| text.starts_with(u.as_str()))
            .map(|(u, k)| (u.as_str(), *k))
    }

    /// The subject without quotes that enclose all of it (`“X（类）Y（款）”` → `X（类）Y（款）`), and whether
    /// there were such quotes. Quotes around a part only (`“三公”经费`) stay.
    pub fn unquote<'t>(&self, text: &'t str) -> (&'t str, bool) {
        let t = text.trim();
        for &(open, close) in &self.quotes {
            if let Some(inner) = t.strip_prefix(open).and_then(|r| r.strip_suffix(close))
                && !inner.contains(open)
                && !inner.contains(close)
                && !inner.trim().is_empty()
            {
                return (inner.trim(), true);
            }
        }
        (t, false)
    }

    /// The 科目 names of a dash-joined path (`A-B-C`): two or three non-empty parts.
    pub fn dash_path(&self, text: &str) -> Option<Vec<String>> {
        let sep = self
            .path_separator
            .0
            .iter()
            .find(|s| text.contains(s.as_str()))?;
        let parts: Vec<String> = text
            .split(sep.as_str())
            .map(|p| p.trim().to_owned())
            .collect();
        let ok = (2..=3).contains(&parts.len())
            && parts
                .iter()
                .all(|p| !p.is_empty() && !p.chars().any(|c| c.is_ascii_digit()));
        ok.then_some(parts)
    }

    /// The longest change word `text` starts with.
    pub fn change_at(&self, text: &str) -> Option<(&str, Sign)> {
        self.change
            .iter()
            .find(|(w, _)| text.starts_with(w.as_str()))
            .map(|(w, s)| (w.as_str(), *s))
    }
}

fn units(g: &Grammar) -> Vec<(String, UnitKind)> {
    let mut out: Vec<(String, UnitKind)> = [
        ("amount_unit", UnitKind::Amount),
        ("percent_unit", UnitKind::Percent),
        ("count_unit", UnitKind::Count),
    ]
    .iter()
    .flat_map(|(list, kind)| g.vocab(list).iter().map(|u| (u.clone(), *kind)))
    .filter(|(u, _)| !u.is_empty())
    .collect();
    // `个百分点` must win over `个`: longest first across all lists.
    out.sort_by_key(|(u, _)| std::cmp::Reverse(u.chars().count()));
    out
}

fn changes(g: &Grammar) -> Vec<(String, Sign)> {
    let mut out: Vec<(String, Sign)> = [
        ("change_up", Sign::Up),
        ("change_down", Sign::Down),
        ("change_flat", Sign::Flat),
    ]
    .iter()
    .flat_map(|(list, sign)| g.vocab(list).iter().map(|w| (w.clone(), *sign)))
    .filter(|(w, _)| !w.is_empty())
    .collect();
    out.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    out
}

/// An alternation of the words, longest first, each escaped.
pub(crate) fn alternation(words: &[String]) -> Option<String> {
    let mut w: Vec<&String> = words.iter().filter(|w| !w.is_empty()).collect();
    if w.is_empty() {
        return None;
    }
    w.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    Some(
        w.iter()
            .map(|w| regex::escape(w))
            .collect::<Vec<_>>()
            .join("|"),
    )
}

fn compare_regex(openers: &[String]) -> Option<Regex> {
    let alt = alternation(openers)?;
    Regex::new(&format!(r"(?:{alt})\s*(\d+)")).ok()
}

/// `^(name)（类）(?:(name)（款）(?:(name)（项）)?)?$` for the levels in order; brackets of either width.
fn path_regex(levels: &[String]) -> Option<Regex> {
    let levels: Vec<&String> = levels.iter().filter(|l| !l.is_empty()).collect();
    let first = levels.first()?;
    let level = |l: &str| format!(r"\s*(.+?)\s*[（(]\s*{}\s*[)）]", regex::escape(l));
    let mut tail = String::new();
    for l in levels.iter().skip(1).rev() {
        tail = format!("(?:{}{tail})?", level(l));
    }
    Regex::new(&format!(r"^{}{tail}\s*$", level(first))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        Vocab::builtin()
    }

    #[test]
    fn longest_word_wins() {
        let v = vocab();
        assert_eq!(
            v.unit_at("个百分点，"),
            Some(("个百分点", UnitKind::Percent))
        );
        assert_eq!(v.unit_at("个项目"), Some(("个", UnitKind::Count)));
        assert_eq!(v.unit_at("万元，"), Some(("万元", UnitKind::Amount)));
        assert_eq!(v.connector.prefix_of("主要包括："), Some("主要包括"));
        assert_eq!(v.change_at("减少 6.4%"), Some(("减少", Sign::Down)));
        assert_eq!(v.share_word.find("其中占比 61.5%"), Some((6, 12)));
    }

    #[test]
    fn path_and_compare_regexes() {
        let v = vocab();
        let path = v.path.as_ref().expect("path regex");
        let c = path
            .captures("科学技术支出（类）科学技术管理事务（款）行政运行（项）")
            .expect("three levels");
        assert_eq!(&c[3], "行政运行");
        let c = path
            .captures("社会保障和就业支出(类) 行政事业单位养老支出(款)")
            .expect("two levels");
        assert_eq!(&c[2], "行政事业单位养老支出");
        assert!(c.get(3).is_none());
        assert!(!path.is_match("基本支出"));
        let cmp = v.compare.as_ref().expect("compare regex");
        assert_eq!(&cmp.captures("比 2025 预算").expect("year")[1], "2025");
        assert!(cmp.captures("技术与开发").is_none());
    }

    #[test]
    fn quotes_and_dash_paths() {
        let v = vocab();
        assert_eq!(
            v.unquote("“一般公共服务支出（类）商贸事务（款）行政运行（项）”"),
            ("一般公共服务支出（类）商贸事务（款）行政运行（项）", true)
        );
        assert_eq!(v.unquote("“三公”经费"), ("“三公”经费", false));
        assert_eq!(v.unquote("“”"), ("“”", false));
        assert_eq!(
            v.dash_path("一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行"),
            Some(vec![
                "一般公共服务支出".to_owned(),
                "政府办公厅（室）及相关机构事务".to_owned(),
                "行政运行".to_owned()
            ])
        );
        assert_eq!(v.dash_path("A-B-C-D"), None);
        assert_eq!(v.dash_path("2024-2025年"), None);
        assert_eq!(v.dash_path("行政运行"), None);
        assert_eq!(v.dash_path("-行政运行"), None);
    }

    #[test]
    fn empty_lists_match_nothing() {
        let v = Vocab::default();
        assert!(v.unit_at("万元").is_none());
        assert!(v.path.is_none());
        assert!(!Words::default().contains_in("其中"));
        assert!(path_regex(&[]).is_none());
    }
}
