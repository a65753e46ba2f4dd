//! The narrative word lists (`grammars/narrative.layout`), sorted and compiled for matching.
//!
//! Takes the `narrative` vocabulary grammar of the run (a required grammar, so every set has one). Gives [`Vocab`]: word lists that answer "which word starts/ends/occurs here", longest
//! word first, and the few regexes built from them. Never holds a phrase of its own: every word comes
//! from the grammar, so an empty list simply matches nothing.

use crate::grammar::{Grammar, GrammarSet};
use aho_corasick::{AhoCorasick, Input, MatchKind};
use regex::Regex;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A grammar's named word lists, as [`Grammar::vocab`] holds them.
type WordLists = BTreeMap<String, Vec<String>>;

/// A word list, longest word first (so the first hit at a position is the longest), each word with
/// a tag (what it says: a unit's kind, a change's direction; `()` for a plain list). A repeated word
/// keeps its first tag, as the first hit in the list would.
///
/// Finding the first word in a text is one pass of an Aho–Corasick automaton (leftmost-longest), not
/// a comparison of every word at every position: the narrative reader searches every clause for
/// several lists.
#[derive(Debug, Clone)]
pub(crate) struct Words<T = ()> {
    words: Vec<(String, T)>,
    /// The words as patterns, pattern `i` being `words[i]`; None for an empty list (or, never in
    /// practice, an automaton that could not be built: then the list is scanned).
    matcher: Option<AhoCorasick>,
}

impl<T> Default for Words<T> {
    fn default() -> Self {
        Words {
            words: Vec::new(),
            matcher: None,
        }
    }
}

impl Words {
    fn new(words: &[String]) -> Self {
        Self::tagged(words.iter().map(|w| (w.clone(), ())).collect())
    }
}

impl<T: Copy> Words<T> {
    fn tagged(mut words: Vec<(String, T)>) -> Self {
        words.retain(|(w, _)| !w.is_empty());
        // Stable: words of one length keep the grammar's order.
        words.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
        let mut seen = std::collections::HashSet::new();
        words.retain(|(w, _)| seen.insert(w.clone()));
        let matcher = if words.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(words.iter().map(|(w, _)| w))
                .ok()
        };
        Words { words, matcher }
    }

    /// The words, longest first.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|(w, _)| w.as_str())
    }

    /// The longest word `text` starts with, and its tag.
    pub fn tagged_prefix_of(&self, text: &str) -> Option<(&str, T)> {
        self.words
            .iter()
            .find(|(w, _)| text.starts_with(w.as_str()))
            .map(|(w, t)| (w.as_str(), *t))
    }

    /// The longest word `text` starts with.
    pub fn prefix_of(&self, text: &str) -> Option<&str> {
        self.tagged_prefix_of(text).map(|(w, _)| w)
    }

    /// The longest word `text` ends with.
    pub fn suffix_of(&self, text: &str) -> Option<&str> {
        self.words
            .iter()
            .find(|(w, _)| text.ends_with(w.as_str()))
            .map(|(w, _)| w.as_str())
    }

    /// The first occurrence in `text` at or after byte `from` (the longest word there): its span and
    /// tag. None when `from` is past the end or not on a char boundary.
    pub fn find_from(&self, text: &str, from: usize) -> Option<(usize, usize, T)> {
        if !text.is_char_boundary(from) {
            return None;
        }
        match &self.matcher {
            Some(ac) => ac.find(Input::new(text).range(from..)).and_then(|m| {
                Some((
                    m.start(),
                    m.end(),
                    self.words.get(m.pattern().as_usize())?.1,
                ))
            }),
            None => self.scan_from(text, from),
        }
    }

    /// [`Words::find_from`] by trying every word at every position: the definition the automaton
    /// must agree with.
    fn scan_from(&self, text: &str, from: usize) -> Option<(usize, usize, T)> {
        let rest = text.get(from..)?;
        rest.char_indices().find_map(|(i, _)| {
            self.tagged_prefix_of(&rest[i..])
                .map(|(w, t)| (from + i, from + i + w.len(), t))
        })
    }

    /// The first occurrence in `text`.
    pub fn find(&self, text: &str) -> Option<(usize, usize)> {
        self.find_from(text, 0).map(|(s, e, _)| (s, e))
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
    pub units: Words<UnitKind>,
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
    pub change: Words<Sign>,
    /// `opener + digits`: the year of a comparison (`比2025年`, `与 2025 年`).
    pub compare: Option<Regex>,
    /// `X（类）Y（款）Z（项）` over a whole subject; group i is the name of level i.
    pub path: Option<Regex>,
    /// The first level word (`类`), which every path names.
    path_level: String,
    /// The level words of [`Vocab::path`], read by [`PathMatch`] instead of the regex when none
    /// starts with a space (then the regex's spaces before a level word are unambiguous).
    path_levels: Vec<String>,
    path_by_hand: bool,
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
            path_level: g
                .vocab("subject_level")
                .iter()
                .find(|l| !l.is_empty())
                .cloned()
                .unwrap_or_default(),
            path_levels: path_levels(g.vocab("subject_level")),
            path_by_hand: path_levels(g.vocab("subject_level"))
                .iter()
                .all(|l| !l.starts_with(char::is_whitespace)),
        }
    }

    /// The level names of `text` when all of it is a 科目 path (`X（类）Y（款）Z（项）`), as
    /// [`Vocab::path`] captures them (untrimmed, root first); None when it is no path. Read by hand:
    /// the regex (a lazy capture per level) cost thousands of instructions a subject.
    pub fn path_names<'t>(&self, text: &'t str) -> Option<Vec<&'t str>> {
        let re = self.path_for(text)?;
        if !self.path_by_hand {
            let caps = re.captures(text)?;
            return Some(caps.iter().skip(1).flatten().map(|m| m.as_str()).collect());
        }
        path_spans(text, &self.path_levels)
            .map(|spans| spans.iter().map(|&(s, e)| &text[s..e]).collect())
    }

    /// [`Vocab::path`], when `text` may be a path at all: the regex (a lazy capture per level) is
    /// slow to fail, and most subjects do not name the first level.
    pub fn path_for(&self, text: &str) -> Option<&Regex> {
        self.path
            .as_ref()
            .filter(|_| text.contains(self.path_level.as_str()))
    }

    /// The longest unit `text` starts with.
    pub fn unit_at(&self, text: &str) -> Option<(&str, UnitKind)> {
        self.units.tagged_prefix_of(text)
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
        let sep = self.path_separator.iter().find(|s| text.contains(s))?;
        let parts: Vec<String> = text.split(sep).map(|p| p.trim().to_owned()).collect();
        let ok = (2..=3).contains(&parts.len())
            && parts
                .iter()
                .all(|p| !p.is_empty() && !p.chars().any(|c| c.is_ascii_digit()));
        ok.then_some(parts)
    }
}

fn units(g: &Grammar) -> Words<UnitKind> {
    // `个百分点` must win over `个`: longest first across all lists.
    tagged_lists(
        g,
        &[
            ("amount_unit", UnitKind::Amount),
            ("percent_unit", UnitKind::Percent),
            ("count_unit", UnitKind::Count),
        ],
    )
}

fn changes(g: &Grammar) -> Words<Sign> {
    tagged_lists(
        g,
        &[
            ("change_up", Sign::Up),
            ("change_down", Sign::Down),
            ("change_flat", Sign::Flat),
        ],
    )
}

/// One word list of several grammar lists, each word tagged with its list's tag.
fn tagged_lists<T: Copy>(g: &Grammar, lists: &[(&str, T)]) -> Words<T> {
    Words::tagged(
        lists
            .iter()
            .flat_map(|(list, tag)| g.vocab(list).iter().map(|w| (w.clone(), *tag)))
            .collect(),
    )
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

/// The non-empty level words, in order.
fn path_levels(levels: &[String]) -> Vec<String> {
    levels.iter().filter(|l| !l.is_empty()).cloned().collect()
}

/// The spans of the level names where [`path_regex`] of `levels` matches all of `text` (levels
/// starting with a space aside): the regex's own backtracking order, tried by hand.
fn path_spans(text: &str, levels: &[String]) -> Option<Vec<(usize, usize)>> {
    let mut m = PathMatch {
        text,
        levels,
        spans: Vec::new(),
        failed: Vec::new(),
    };
    m.level(0, 0).then_some(m.spans)
}

/// `^L0 (?:L1 (?:L2)?)? \s*$`, each `Lk` being `\s*(.+?)\s*[（(]\s*level\s*[)）]`, matched as a
/// backtracking engine would: `\s*` takes the most spaces first, `.+?` the shortest name first, an
/// optional level is tried before it is skipped, and the first success gives the spans.
struct PathMatch<'a> {
    text: &'a str,
    levels: &'a [String],
    spans: Vec<(usize, usize)>,
    /// (level, position) pairs whose rest is known not to match: each is tried once, so a text
    /// with many brackets stays polynomial.
    failed: Vec<(usize, usize)>,
}

impl PathMatch<'_> {
    /// `Lk` at `at`, then the rest of the pattern.
    fn level(&mut self, k: usize, at: usize) -> bool {
        let text = self.text;
        let Some(word) = self.levels.get(k) else {
            return false;
        };
        let spaces_end = skip_spaces(text, at);
        let spaces = text.get(at..spaces_end).unwrap_or_default();
        let starts =
            std::iter::once(spaces_end).chain(spaces.char_indices().rev().map(|(i, _)| at + i));
        for start in starts {
            let name = text.get(start..).unwrap_or_default();
            for (i, c) in name.char_indices() {
                if c == '\n' {
                    break;
                }
                let end = start + i + c.len_utf8();
                if let Some(after) = level_mark(text, end, word) {
                    self.spans.push((start, end));
                    if self.rest(k + 1, after) {
                        return true;
                    }
                    self.spans.pop();
                }
            }
        }
        false
    }

    /// `(?:Lk …)?\s*$` at `at`.
    fn rest(&mut self, k: usize, at: usize) -> bool {
        if self.failed.contains(&(k, at)) {
            return false;
        }
        let ok = self.level(k, at) || skip_spaces(self.text, at) == self.text.len();
        if !ok {
            self.failed.push((k, at));
        }
        ok
    }
}

/// `\s*[（(]\s*word\s*[)）]` at `at`: where it ends.
fn level_mark(text: &str, at: usize, word: &str) -> Option<usize> {
    let rest = text
        .get(skip_spaces(text, at)..)?
        .strip_prefix(['（', '('])?;
    let rest = text.get(skip_spaces(text, text.len() - rest.len())..)?;
    let rest = rest.strip_prefix(word)?;
    let rest = text.get(skip_spaces(text, text.len() - rest.len())..)?;
    let rest = rest.strip_prefix([')', '）'])?;
    Some(text.len() - rest.len())
}

/// The end of the whitespace (`\s*`) from byte `at`.
fn skip_spaces(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or_default();
    at + rest.len() - rest.trim_start().len()
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
        assert_eq!(
            v.change.tagged_prefix_of("减少 6.4%"),
            Some(("减少", Sign::Down))
        );
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
        assert!(v.path_for("基本支出").is_none());
        assert!(v.path_for("科学技术支出（类）").is_some());
        let cmp = v.compare.as_ref().expect("compare regex");
        assert_eq!(&cmp.captures("比 2025 预算").expect("year")[1], "2025");
        assert!(cmp.captures("技术与开发").is_none());
    }

    /// The regex's spans for `text`, the definition [`path_spans`] must agree with.
    fn path_spans_by_regex(text: &str, levels: &[String]) -> Option<Vec<(usize, usize)>> {
        let re = path_regex(levels)?;
        let caps = re.captures(text)?;
        Some(
            caps.iter()
                .skip(1)
                .flatten()
                .map(|m| (m.start(), m.end()))
                .collect(),
        )
    }

    fn levels(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn paths_by_hand_edge_cases() {
        let l = levels(&["类", "款", "项"]);
        for t in [
            "科学技术支出（类）科学技术管理事务（款）行政运行（项）",
            "  （类）",
            " a (类) b ( 款 ) ",
            "a（类）b（类）（款）c（项）x",
            "a（类）\nb（款）",
            "a（类）b（款）c（项）d（项）",
            "（类）（类）",
            "a（类",
            "",
        ] {
            assert_eq!(path_spans(t, &l), path_spans_by_regex(t, &l), "{t:?}");
        }
        assert_eq!(
            path_spans("a（类）b（款）", &l),
            Some(vec![(0, 1), (10, 11)])
        );
    }

    proptest::proptest! {
        /// Reading a path by hand gives the regex's captures.
        #[test]
        fn paths_by_hand_agree_with_the_regex(
            text in "[类款项（）() \u{3000}\na一]{0,16}",
            two in proptest::bool::ANY,
        ) {
            let l = if two { levels(&["类", "款 "]) } else { levels(&["类", "款", "项"]) };
            proptest::prop_assert_eq!(path_spans(&text, &l), path_spans_by_regex(&text, &l));
        }
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

    fn words(list: &[&str]) -> Words {
        Words::new(&list.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn find_is_leftmost_then_longest() {
        let w = words(&["比", "相比", "比例", "abcd", "bc", "比"]);
        assert_eq!(w.find("与上年相比例"), Some((9, 15)));
        assert_eq!(w.find("xabcd"), Some((1, 5)));
        assert_eq!(w.find_from("比例比", 3), Some((6, 9, ())));
        assert_eq!(w.find_from("比例", 1), None);
        assert_eq!(w.find_from("比例", 7), None);
        assert_eq!(
            w.iter().collect::<Vec<_>>(),
            ["abcd", "相比", "比例", "bc", "比"]
        );
    }

    proptest::proptest! {
        /// The automaton finds what trying every word at every position finds.
        #[test]
        fn find_agrees_with_scanning(
            list in proptest::collection::vec("[比较相例增加减少a-c]{1,3}", 0..8),
            text in "[比较相例增加减少a-c 。]{0,24}",
            from in 0usize..30,
        ) {
            let w = Words::new(&list);
            let from = text.char_indices().map(|(i, _)| i).nth(from).unwrap_or(text.len());
            proptest::prop_assert_eq!(w.find_from(&text, from), w.scan_from(&text, from));
        }
    }

    #[test]
    fn empty_lists_match_nothing() {
        let v = Vocab::default();
        assert!(v.unit_at("万元").is_none());
        assert!(v.path.is_none());
        assert!(!Words::<()>::default().contains_in("其中"));
        assert!(path_regex(&[]).is_none());
    }
}
