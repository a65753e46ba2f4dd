//! Layout grammars: what each standard table looks like, loaded from `grammars/*.layout`.
//!
//! A grammar is data, not code: caption aliases, the key columns and their code system, the value
//! columns as header paths, and word lists (`vocab`) the parsers consult. Supporting a new variant of a
//! table means adding or editing a grammar file. The notation is documented in `grammars/README.md`;
//! in short, one directive per line, `#` to end of line is a comment, `|` separates alternatives:
//!
//! ```text
//! layout   grid
//! caption  支出总表 | 部门支出总表
//! key      code  = 科目编码 | 功能分类科目编码
//! key      name  = 科目名称
//! codes    function
//! column   合计
//! column   基本支出/小计 = 小计
//! column?  上缴上级支出
//! ```
//!
//! The built-in grammars are compiled into the binary (`include_str!`), so the tool stands alone;
//! `--grammars DIR` loads another set. Loading happens once, before any document is read, and a
//! malformed file is a [`GrammarError`] naming the file and line.

use crate::normalize::cells::fold;
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_till1, take_while, take_while1},
    character::complete::{char, space0, space1},
    combinator::{all_consuming, map, opt, rest},
    multi::separated_list1,
    sequence::preceded,
};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// A grammar file that could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GrammarError {
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("{dir}: cannot read grammar directory: {source}")]
    Io {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// How a table's rows are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Key columns then value columns, one row per line.
    Grid,
    /// Two independent halves side by side (收入 | 支出).
    TwoSided,
    /// 表12-n: a project's application form with its indicator grids.
    ProjectPerformance,
    /// 表11: the department's overall performance form.
    OverallPerformance,
    /// Not a table: document-wide word lists only (`document.layout`).
    Vocabulary,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Grid => "grid",
            Layout::TwoSided => "two_sided",
            Layout::ProjectPerformance => "project_performance",
            Layout::OverallPerformance => "overall_performance",
            Layout::Vocabulary => "vocabulary",
        }
    }
}

/// The role of a key (non-amount) column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    /// A hierarchical code (功能/经济 科目, unit code).
    Code,
    /// The row label.
    Name,
    /// Another text column, kept as a row attribute under its header.
    Attr,
}

#[derive(Debug, Clone)]
pub struct KeyColumn {
    pub role: KeyRole,
    /// Output name (the first header alias).
    pub name: String,
    /// Header texts that identify this column.
    pub headers: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Column {
    /// The output path, `基本支出/人员经费`.
    pub path: String,
    /// Header words that identify it (default: the path's last segment).
    pub headers: Vec<String>,
    pub optional: bool,
}

/// One table grammar.
#[derive(Debug, Clone)]
pub struct Grammar {
    /// The standard table this grammar reads, e.g. `expenditure_summary`: the `table` directive, or
    /// the file stem. Several files (variants of one table) may share it; checks look tables up by it.
    pub name: String,
    /// The file stem, e.g. `expenditure_summary_shanghai`: which variant read the table.
    pub variant: String,
    pub layout: Layout,
    pub captions: Vec<String>,
    pub keys: Vec<KeyColumn>,
    /// Allowed code lengths for the code key column (empty: any).
    pub code_lengths: Vec<usize>,
    /// The code system's name (`function`, `economic`, `unit`).
    pub code_system: Option<String>,
    /// Header words of the code's levels when a table prints them in separate cells (`类 | 款 | 项`):
    /// `201⇥03⇥01` is read as one code `2010301`.
    pub code_levels: Vec<String>,
    pub columns: Vec<Column>,
    /// For two-sided tables: the side names, in print order. For a grid: the grid is printed once
    /// per side, side by side (`301 工资福利支出 … | 302 商品和服务支出 …`), and each copy's rows
    /// carry its side name.
    pub sides: Vec<String>,
    /// Named word lists (`vocab level1 产出指标 | 效益指标`).
    pub vocab: BTreeMap<String, Vec<String>>,
    /// Arithmetic identities the table must satisfy (`check …` directives), in file order.
    pub checks: Vec<Check>,
    /// `captions`, each [`fold`]ed, in the same order. Comparisons with document text fold both
    /// sides; folding the grammar's side once here, when the grammar is loaded, saves refolding it
    /// for every candidate line of every document.
    pub folded_captions: Vec<String>,
    /// `vocab` with every word [`fold`]ed, same lists and order (see `folded_captions`).
    pub folded_vocab: BTreeMap<String, Vec<String>>,
    /// Every folded `vocab` word with the lists that hold it: a cell tested against many lists is
    /// folded and looked up once (the performance forms test each cell against a dozen lists).
    pub vocab_index: VocabIndex,
}

/// A word list of one grammar, as [`Grammar::list_id`] names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListId(u16);

/// Folded word → the lists that hold it, for one grammar (see [`Grammar::vocab_index`]).
#[derive(Debug, Clone, Default)]
pub struct VocabIndex {
    ids: BTreeMap<String, ListId>,
    words: HashMap<String, Vec<ListId>>,
}

impl VocabIndex {
    /// Indexes `folded` (list name → folded words).
    pub fn new(folded: &BTreeMap<String, Vec<String>>) -> Self {
        let mut index = VocabIndex::default();
        for (i, (name, words)) in folded.iter().enumerate() {
            // More than 65,536 lists in one grammar file is not a grammar; such lists match nothing.
            let Ok(id) = u16::try_from(i).map(ListId) else {
                break;
            };
            index.ids.insert(name.clone(), id);
            for w in words {
                let lists = index.words.entry(w.clone()).or_default();
                if !lists.contains(&id) {
                    lists.push(id);
                }
            }
        }
        index
    }

    /// The id of the list `name`; `None` when the grammar has no such list.
    pub fn list_id(&self, name: &str) -> Option<ListId> {
        self.ids.get(name).copied()
    }

    /// The lists holding `folded` (a [`fold`]ed text), in no particular order.
    pub fn lists_of(&self, folded: &str) -> &[ListId] {
        self.words.get(folded).map_or(&[], Vec::as_slice)
    }
}

/// One arithmetic identity declared by a grammar; the validation stage evaluates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// In every row: column `lhs` = Σ columns `rhs` (absent optional columns are skipped).
    Row { lhs: String, rhs: Vec<String> },
    /// Every coded row with children = Σ its children, in every column (类 = Σ 款, 款 = Σ 项).
    Tree,
    /// The total row (unlabelled or a `total_row` word) = Σ top-level rows, in every column.
    Total,
    /// On one side of a two-sided table: the row named `lhs` = Σ the rows named in `rhs`,
    /// or Σ the rows with a top-level ordinal (`一、`).
    Side {
        side: String,
        lhs: Vec<String>,
        rhs: SideTerms,
    },
    /// The row `lhs` of the first side = the row `rhs` of the second (收入总计 = 支出总计).
    Sides { lhs: Vec<String>, rhs: Vec<String> },
    /// Each top-level ordinal row (`一、本年收入`) = Σ the bracketed rows under it (`（一）…`).
    Outline,
}

/// The right-hand side of a `check side` identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SideTerms {
    /// Each term is a row, given by its name alternatives.
    Rows(Vec<Vec<String>>),
    /// Every row of the side with a top-level ordinal.
    Ordinals,
}

impl Grammar {
    /// A word list, or an empty slice when the grammar has none of that name.
    pub fn vocab(&self, name: &str) -> &[String] {
        self.vocab.get(name).map_or(&[], Vec::as_slice)
    }

    /// [`Self::vocab`] with each word [`fold`]ed (computed when the grammar was loaded).
    pub fn folded_vocab(&self, name: &str) -> &[String] {
        self.folded_vocab.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn key(&self, role: KeyRole) -> Option<&KeyColumn> {
        self.keys.iter().find(|k| k.role == role)
    }
}

/// All grammars of a run, immutable and shared by reference across workers.
#[derive(Debug, Clone)]
pub struct GrammarSet {
    pub tables: Vec<Grammar>,
    /// Word-list grammars (`layout vocabulary`) by file stem: `document`, `narrative`, …
    pub vocabularies: BTreeMap<String, Grammar>,
}

const BUILTIN: &[(&str, &str)] = &[
    ("document", include_str!("../grammars/document.layout")),
    ("narrative", include_str!("../grammars/narrative.layout")),
    (
        "income_expenditure_summary",
        include_str!("../grammars/income_expenditure_summary.layout"),
    ),
    (
        "income_summary",
        include_str!("../grammars/income_summary.layout"),
    ),
    (
        "expenditure_summary",
        include_str!("../grammars/expenditure_summary.layout"),
    ),
    (
        "fiscal_appropriation_summary",
        include_str!("../grammars/fiscal_appropriation_summary.layout"),
    ),
    (
        "gpb_expenditure_by_function",
        include_str!("../grammars/gpb_expenditure_by_function.layout"),
    ),
    (
        "gpb_expenditure_by_unit",
        include_str!("../grammars/gpb_expenditure_by_unit.layout"),
    ),
    (
        "gpb_basic_expenditure",
        include_str!("../grammars/gpb_basic_expenditure.layout"),
    ),
    (
        "three_public",
        include_str!("../grammars/three_public.layout"),
    ),
    (
        "gov_fund_expenditure",
        include_str!("../grammars/gov_fund_expenditure.layout"),
    ),
    (
        "state_capital_expenditure",
        include_str!("../grammars/state_capital_expenditure.layout"),
    ),
    (
        "project_expenditure",
        include_str!("../grammars/project_expenditure.layout"),
    ),
    (
        "overall_performance",
        include_str!("../grammars/overall_performance.layout"),
    ),
    (
        "project_performance",
        include_str!("../grammars/project_performance.layout"),
    ),
    (
        "income_expenditure_summary_shanghai",
        include_str!("../grammars/income_expenditure_summary_shanghai.layout"),
    ),
    (
        "income_expenditure_summary_final",
        include_str!("../grammars/income_expenditure_summary_final.layout"),
    ),
    (
        "income_summary_function",
        include_str!("../grammars/income_summary_function.layout"),
    ),
    (
        "income_final",
        include_str!("../grammars/income_final.layout"),
    ),
    (
        "expenditure_final",
        include_str!("../grammars/expenditure_final.layout"),
    ),
    (
        "fiscal_appropriation_summary_funds",
        include_str!("../grammars/fiscal_appropriation_summary_funds.layout"),
    ),
    (
        "fiscal_appropriation_summary_final",
        include_str!("../grammars/fiscal_appropriation_summary_final.layout"),
    ),
    (
        "gpb_expenditure_by_function_short",
        include_str!("../grammars/gpb_expenditure_by_function_short.layout"),
    ),
    (
        "gpb_basic_expenditure_final",
        include_str!("../grammars/gpb_basic_expenditure_final.layout"),
    ),
    (
        "three_public_admin",
        include_str!("../grammars/three_public_admin.layout"),
    ),
    (
        "three_public_final",
        include_str!("../grammars/three_public_final.layout"),
    ),
    (
        "gov_fund_final",
        include_str!("../grammars/gov_fund_final.layout"),
    ),
    (
        "state_capital_final",
        include_str!("../grammars/state_capital_final.layout"),
    ),
];

impl GrammarSet {
    /// The grammars compiled into the binary.
    pub fn builtin() -> Result<Self, GrammarError> {
        Self::from_sources(
            BUILTIN
                .iter()
                .map(|(name, text)| (format!("grammars/{name}.layout"), (*text).to_owned())),
        )
    }

    /// Loads every `*.layout` file of a directory (sorted by name, so loading is deterministic).
    pub fn load_dir(dir: &Path) -> Result<Self, GrammarError> {
        let io = |source| GrammarError::Io {
            dir: dir.to_owned(),
            source,
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "layout"))
            .collect();
        paths.sort();
        let mut sources = Vec::new();
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(io)?;
            sources.push((p.display().to_string(), text));
        }
        Self::from_sources(sources)
    }

    fn from_sources(
        sources: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, GrammarError> {
        let mut tables = Vec::new();
        let mut vocabularies = BTreeMap::new();
        for (file, text) in sources {
            let g = parse_grammar(&file, &text)?;
            if g.layout == Layout::Vocabulary {
                vocabularies.insert(g.name.clone(), g);
            } else {
                tables.push(g);
            }
        }
        for required in REQUIRED_VOCABULARIES {
            if !vocabularies.contains_key(*required) {
                return Err(GrammarError::Invalid {
                    file: format!("grammars/{required}.layout"),
                    message: "missing: this vocabulary grammar is required".into(),
                });
            }
        }
        Ok(GrammarSet {
            tables,
            vocabularies,
        })
    }

    /// The grammar (variant) that read a table.
    pub fn of(&self, table: &crate::model::Table) -> Option<&Grammar> {
        self.tables.iter().find(|g| g.variant == table.variant)
    }

    /// The document-wide word lists (`document.layout`).
    pub fn document(&self) -> &Grammar {
        &self.vocabularies["document"]
    }

    /// A vocabulary grammar by name; an empty grammar when absent, so lookups simply find no words.
    pub fn vocabulary(&self, name: &str) -> Option<&Grammar> {
        self.vocabularies.get(name)
    }
}

/// Vocabulary grammars the parsers cannot do without.
const REQUIRED_VOCABULARIES: &[&str] = &["document", "narrative"];

/// One parsed directive line.
#[derive(Debug, PartialEq)]
enum Directive<'a> {
    Layout(&'a str),
    Table(&'a str),
    Levels(Vec<&'a str>),
    Caption(Vec<&'a str>),
    Key(&'a str, Vec<&'a str>),
    Codes(Vec<&'a str>),
    Column {
        optional: bool,
        path: &'a str,
        headers: Vec<&'a str>,
    },
    Sides(Vec<&'a str>),
    Vocab(&'a str, Vec<&'a str>),
    Check(&'a str, &'a str),
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// An alternative: any run of text up to `|` or end of line, trimmed.
fn alternative(input: &str) -> IResult<&str, &str> {
    map(take_till1(|c| c == '|'), str::trim).parse(input)
}

fn alternatives(input: &str) -> IResult<&str, Vec<&str>> {
    separated_list1(char('|'), alternative).parse(input)
}

fn word(input: &str) -> IResult<&str, &str> {
    take_while1(|c: char| !is_space(c) && c != '=' && c != '|').parse(input)
}

fn headers(input: &str) -> IResult<&str, Vec<&str>> {
    map(
        opt(preceded((space0, char('='), space0), alternatives)),
        Option::unwrap_or_default,
    )
    .parse(input)
}

fn directive(input: &str) -> IResult<&str, Directive<'_>> {
    alt((
        map(preceded((tag("layout"), space1), word), Directive::Layout),
        map(preceded((tag("table"), space1), word), Directive::Table),
        map(
            preceded((tag("levels"), space1), alternatives),
            Directive::Levels,
        ),
        map(
            preceded((tag("caption"), space1), alternatives),
            Directive::Caption,
        ),
        map(
            (preceded((tag("key"), space1), word), headers),
            |(role, h)| Directive::Key(role, h),
        ),
        map(
            preceded((tag("codes"), space1), separated_list1(space1, word)),
            Directive::Codes,
        ),
        map(
            (
                tag("column"),
                map(opt(char('?')), |q| q.is_some()),
                space1,
                word,
                headers,
            ),
            |(_, optional, _, path, headers)| Directive::Column {
                optional,
                path,
                headers,
            },
        ),
        map(
            preceded((tag("sides"), space1), alternatives),
            Directive::Sides,
        ),
        map(
            (
                preceded((tag("vocab"), space1), word),
                preceded(space1, alternatives),
            ),
            |(name, words)| Directive::Vocab(name, words),
        ),
        map(
            (preceded((tag("check"), space1), word), rest),
            |(kind, args): (&str, &str)| Directive::Check(kind, args.trim()),
        ),
    ))
    .parse(input)
}

fn directive_line(input: &str) -> IResult<&str, Directive<'_>> {
    all_consuming((directive, take_while(is_space)))
        .map(|(d, _)| d)
        .parse(input)
}

/// Strips a `#` comment (grammar text never needs a literal `#`).
fn strip_comment(line: &str) -> &str {
    line.split('#').next().unwrap_or_default()
}

/// Parses one grammar file; `file` names it in errors.
pub fn parse_grammar(file: &str, text: &str) -> Result<Grammar, GrammarError> {
    let name = Path::new(file)
        .file_stem()
        .map_or_else(|| file.to_owned(), |s| s.to_string_lossy().into_owned());
    let mut g = Grammar {
        variant: name.clone(),
        name,
        layout: Layout::Grid,
        captions: Vec::new(),
        keys: Vec::new(),
        code_lengths: Vec::new(),
        code_system: None,
        code_levels: Vec::new(),
        columns: Vec::new(),
        sides: Vec::new(),
        vocab: BTreeMap::new(),
        checks: Vec::new(),
        folded_captions: Vec::new(),
        folded_vocab: BTreeMap::new(),
        vocab_index: VocabIndex::default(),
    };
    let mut saw_layout = false;
    for (i, raw_line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = strip_comment(raw_line).trim();
        if line.is_empty() {
            continue;
        }
        let err = |message: String| GrammarError::Syntax {
            file: file.to_owned(),
            line: line_no,
            message,
        };
        let d = match directive_line(line) {
            Ok((_, d)) => d,
            Err(_) => {
                let first = line.split(is_space).next().unwrap_or(line);
                return Err(err(format!(
                    "cannot read `{line}`: expected `{first}` to be one of layout, table, caption, key, codes, levels, column, column?, sides, vocab, check, followed by its arguments"
                )));
            }
        };
        let owned = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<Vec<_>>();
        match d {
            Directive::Layout(l) => {
                g.layout = match l {
                    "grid" => Layout::Grid,
                    "two_sided" => Layout::TwoSided,
                    "project_performance" => Layout::ProjectPerformance,
                    "overall_performance" => Layout::OverallPerformance,
                    "vocabulary" => Layout::Vocabulary,
                    other => {
                        return Err(err(format!(
                            "unknown layout `{other}` (grid, two_sided, project_performance, overall_performance, vocabulary)"
                        )));
                    }
                };
                saw_layout = true;
            }
            Directive::Table(kind) => g.name = kind.to_owned(),
            Directive::Levels(words) => g.code_levels = owned(words),
            Directive::Caption(c) => g.captions.extend(owned(c)),
            Directive::Key(role, h) => {
                let role = match role {
                    "code" => KeyRole::Code,
                    "name" => KeyRole::Name,
                    "attr" => KeyRole::Attr,
                    other => {
                        return Err(err(format!(
                            "unknown key role `{other}` (code, name, attr)"
                        )));
                    }
                };
                if h.is_empty() {
                    return Err(err(
                        "a key needs its header texts: `key name = 科目名称`".into()
                    ));
                }
                let headers = owned(h);
                g.keys.push(KeyColumn {
                    role,
                    name: headers[0].clone(),
                    headers,
                });
            }
            Directive::Codes(words) => {
                for w in words {
                    match w.parse::<usize>() {
                        Ok(n) if (1..=20).contains(&n) => g.code_lengths.push(n),
                        Ok(n) => {
                            return Err(err(format!("code length {n} is out of range 1..=20")));
                        }
                        Err(_) if g.code_system.is_none() => {
                            g.code_system = Some(w.to_owned());
                        }
                        Err(_) => {
                            return Err(err(format!(
                                "`{w}` is neither a code length nor the first word (the code system's name)"
                            )));
                        }
                    }
                }
            }
            Directive::Column {
                optional,
                path,
                headers,
            } => {
                if path.split('/').any(str::is_empty) {
                    return Err(err(format!("column path `{path}` has an empty segment")));
                }
                let headers = if headers.is_empty() {
                    vec![path.rsplit('/').next().unwrap_or(path).to_owned()]
                } else {
                    owned(headers)
                };
                g.columns.push(Column {
                    path: path.to_owned(),
                    headers,
                    optional,
                });
            }
            Directive::Sides(s) => g.sides = owned(s),
            Directive::Vocab(name, words) => {
                g.vocab
                    .entry(name.to_owned())
                    .or_default()
                    .extend(owned(words));
            }
            Directive::Check(kind, rest) => {
                let check = parse_check(kind, rest).map_err(err)?;
                g.checks.push(check);
            }
        }
    }
    let invalid = |message: &str| GrammarError::Invalid {
        file: file.to_owned(),
        message: message.to_owned(),
    };
    if !saw_layout {
        return Err(invalid("missing `layout` directive"));
    }
    match g.layout {
        Layout::Vocabulary => {}
        _ if g.captions.is_empty() => {
            return Err(invalid("a table grammar needs at least one `caption`"));
        }
        Layout::Grid if g.columns.is_empty() => {
            return Err(invalid("a grid grammar needs `column`s"));
        }
        Layout::Grid if g.sides.len() == 1 => {
            return Err(invalid(
                "`sides` on a grid names each side-by-side copy: give two or more",
            ));
        }
        Layout::TwoSided => {
            if g.sides.len() != 2 {
                return Err(invalid("a two_sided grammar needs `sides A | B`"));
            }
            for c in &g.columns {
                let side = c.path.split('/').next().unwrap_or_default();
                if !g.sides.iter().any(|s| s == side) {
                    return Err(invalid(&format!(
                        "column `{}` does not start with a side name ({})",
                        c.path,
                        g.sides.join(", ")
                    )));
                }
            }
        }
        _ => {}
    }
    if g.code_system.is_some() && g.key(KeyRole::Code).is_none() {
        return Err(invalid("`codes` given but no `key code` column"));
    }
    if !g.code_levels.is_empty() && g.keys.first().map(|k| k.role) != Some(KeyRole::Code) {
        return Err(invalid(
            "`levels` needs a `key code` column, and it must be the first key",
        ));
    }
    check_references(&g).map_err(|m| invalid(&m))?;
    g.folded_captions = g.captions.iter().map(|c| fold(c)).collect();
    g.folded_vocab = g
        .vocab
        .iter()
        .map(|(name, words)| (name.clone(), words.iter().map(|w| fold(w)).collect()))
        .collect();
    g.vocab_index = VocabIndex::new(&g.folded_vocab);
    Ok(g)
}

/// Splits `a|b + c|d` into terms of alternatives.
fn terms(expr: &str) -> Vec<Vec<String>> {
    expr.split('+')
        .map(|t| {
            t.split('|')
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Parses the arguments of a `check KIND …` directive.
fn parse_check(kind: &str, rest: &str) -> Result<Check, String> {
    let equation = |text: &str| -> Result<(Vec<String>, Vec<Vec<String>>), String> {
        let (lhs, rhs) = text
            .split_once('=')
            .ok_or_else(|| format!("`check {kind}` needs an identity `A = B + C`, got `{text}`"))?;
        let lhs = terms(lhs);
        let rhs = terms(rhs);
        match (lhs.as_slice(), rhs.is_empty()) {
            ([one], false) => Ok((one.clone(), rhs)),
            _ => Err(format!(
                "`check {kind}` needs one term on the left and at least one on the right, got `{text}`"
            )),
        }
    };
    let no_args = |c: Check| {
        if rest.is_empty() {
            Ok(c)
        } else {
            Err(format!("`check {kind}` takes no arguments, got `{rest}`"))
        }
    };
    match kind {
        "row" => {
            let (lhs, rhs) = equation(rest)?;
            if lhs.len() > 1 || rhs.iter().any(|t| t.len() > 1) {
                return Err("`check row` terms are column paths, without `|` alternatives".into());
            }
            Ok(Check::Row {
                lhs: lhs[0].clone(),
                rhs: rhs.into_iter().map(|mut t| t.remove(0)).collect(),
            })
        }
        "tree" => no_args(Check::Tree),
        "total" => no_args(Check::Total),
        "outline" => no_args(Check::Outline),
        "side" => {
            let (side, expr) = rest
                .split_once([':', '：'])
                .ok_or_else(|| format!("`check side` needs `SIDE: A = B + C`, got `{rest}`"))?;
            let (lhs, rhs) = equation(expr)?;
            let rhs = if rhs.len() == 1 && rhs[0] == ["ordinals"] {
                SideTerms::Ordinals
            } else {
                SideTerms::Rows(rhs)
            };
            Ok(Check::Side {
                side: side.trim().to_owned(),
                lhs,
                rhs,
            })
        }
        "sides" => {
            let (lhs, rhs) = equation(rest)?;
            if rhs.len() != 1 {
                return Err("`check sides` compares one row of each side: `A = B`".into());
            }
            Ok(Check::Sides {
                lhs,
                rhs: rhs[0].clone(),
            })
        }
        other => Err(format!(
            "unknown check `{other}` (row, tree, total, side, sides, outline)"
        )),
    }
}

/// Column paths and side names used by `check`s must exist in the grammar.
fn check_references(g: &Grammar) -> Result<(), String> {
    for c in &g.checks {
        match c {
            Check::Row { lhs, rhs } => {
                for path in std::iter::once(lhs).chain(rhs) {
                    if !g.columns.iter().any(|col| &col.path == path) {
                        return Err(format!("`check row` names `{path}`, which is not a column"));
                    }
                }
            }
            Check::Side { side, .. } if !g.sides.contains(side) => {
                return Err(format!("`check side` names `{side}`, which is not a side"));
            }
            Check::Side { .. } | Check::Sides { .. } | Check::Outline
                if g.layout != Layout::TwoSided =>
            {
                return Err("`check side`, `sides` and `outline` apply to two_sided tables".into());
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_grammars_load() {
        let set = GrammarSet::builtin().unwrap();
        assert!(set.tables.len() >= 12);
        let t5 = set
            .tables
            .iter()
            .find(|g| g.name == "gpb_expenditure_by_function")
            .unwrap();
        assert_eq!(t5.code_lengths, vec![3, 5, 7]);
        assert_eq!(t5.columns[2].path, "基本支出/人员经费");
        assert!(!set.document().vocab("note").is_empty());
    }

    #[test]
    fn every_grammar_file_is_built_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars");
        let from_dir = GrammarSet::load_dir(&dir).unwrap();
        let builtin = GrammarSet::builtin().unwrap();
        let variants = |s: &GrammarSet| {
            let mut v: Vec<String> = s.tables.iter().map(|g| g.variant.clone()).collect();
            v.extend(s.vocabularies.keys().cloned());
            v.sort();
            v
        };
        assert_eq!(
            variants(&builtin),
            variants(&from_dir),
            "list new grammars in BUILTIN"
        );
    }

    #[test]
    fn parses_each_directive() {
        let g = parse_grammar(
            "g/x.layout",
            "# legend\nlayout grid\ncaption 支出总表 | 部门支出总表  # trailing\n\
             key code = 科目编码\nkey name = 科目名称\ncodes function 3 5 7\n\
             column 合计\ncolumn 基本支出/小计 = 小计 | 基本支出小计\ncolumn? 上缴上级支出\n",
        )
        .unwrap();
        assert_eq!(g.name, "x");
        assert_eq!(g.captions, vec!["支出总表", "部门支出总表"]);
        assert_eq!(g.code_system.as_deref(), Some("function"));
        assert_eq!(g.columns[0].headers, vec!["合计"]);
        assert_eq!(g.columns[1].headers, vec!["小计", "基本支出小计"]);
        assert!(g.columns[2].optional);
        // A variant: its table name, the file it came from, level cells, side-by-side copies.
        let g = parse_grammar(
            "g/basic_final.layout",
            "layout grid\ntable gpb_basic_expenditure\ncaption 基本支出决算表\n\
             key code = 科目编码\nlevels 类 | 款\nkey name = 科目名称\ncodes economic 3 5\n\
             sides 人员经费 | 公用经费\ncolumn 决算数\n",
        )
        .unwrap();
        assert_eq!(
            (g.name.as_str(), g.variant.as_str()),
            ("gpb_basic_expenditure", "basic_final")
        );
        assert_eq!(g.code_levels, vec!["类", "款"]);
        assert_eq!(g.sides, vec!["人员经费", "公用经费"]);
        let e = parse_grammar(
            "b.layout",
            "layout grid\ncaption x\nkey name = 名称\nlevels 类 | 款\ncolumn a\n",
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("`levels` needs a `key code` column"),
            "{e}"
        );
        let e =
            parse_grammar("b.layout", "layout grid\ncaption x\nsides a\ncolumn a\n").unwrap_err();
        assert!(e.to_string().contains("give two or more"), "{e}");
    }

    #[test]
    fn checks_parse_and_are_checked_against_columns() {
        let g = parse_grammar(
            "g.layout",
            "layout two_sided\ncaption x\nsides 收入 | 支出\ncolumn 收入/预算数\ncolumn 支出/预算数\n\
             check side 收入: 收入总计|总计 = 本年收入合计 + 上年结转结余|上年结转\n\
             check side 支出: 本年支出合计 = ordinals\ncheck sides 收入总计 = 支出总计\ncheck outline\n",
        )
        .unwrap();
        assert_eq!(
            g.checks[0],
            Check::Side {
                side: "收入".into(),
                lhs: vec!["收入总计".into(), "总计".into()],
                rhs: SideTerms::Rows(vec![
                    vec!["本年收入合计".into()],
                    vec!["上年结转结余".into(), "上年结转".into()]
                ]),
            }
        );
        assert!(matches!(
            &g.checks[1],
            Check::Side {
                rhs: SideTerms::Ordinals,
                ..
            }
        ));
        assert_eq!(g.checks[3], Check::Outline);
        let grid = "layout grid\ncaption x\ncolumn 合计\ncolumn 基本支出\n";
        let ok = parse_grammar(
            "g.layout",
            &format!("{grid}check row 合计 = 基本支出\ncheck tree\n"),
        )
        .unwrap();
        assert_eq!(ok.checks.len(), 2);
        let e =
            parse_grammar("g.layout", &format!("{grid}check row 合计 = 项目支出\n")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "g.layout: `check row` names `项目支出`, which is not a column"
        );
        let e = parse_grammar("g.layout", &format!("{grid}check row 合计\n")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("g.layout:5: `check row` needs an identity"),
            "{e}"
        );
        let e =
            parse_grammar("g.layout", &format!("{grid}check sum 合计 = 基本支出\n")).unwrap_err();
        assert!(
            e.to_string().starts_with("g.layout:5: unknown check `sum`"),
            "{e}"
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse_grammar(
            "grammars/bad.layout",
            "layout grid\ncaption x\n\ncolum 合计\n",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("grammars/bad.layout:4: cannot read `colum 合计`"),
            "{e}"
        );
        let e = parse_grammar("b.layout", "layout grids\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "b.layout:1: unknown layout `grids` (grid, two_sided, project_performance, overall_performance, vocabulary)"
        );
        let e = parse_grammar(
            "b.layout",
            "layout grid\ncaption x\ncodes function 0\ncolumn a\n",
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("b.layout:3: code length 0"),
            "{e}"
        );
        let e = parse_grammar(
            "b.layout",
            "layout two_sided\ncaption x\nsides 收入 | 支出\ncolumn 其他/预算数\n",
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("does not start with a side name"),
            "{e}"
        );
        assert!(parse_grammar("b.layout", "caption x\n").is_err());
    }
}
