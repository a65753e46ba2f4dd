//! The `cnbudget` command: parses arguments, loads grammars, runs the batch, reports.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use cnbudget::batch::{BatchOptions, run_batch};
use cnbudget::emit::{Summary, SummaryEntry};
use cnbudget::grammar::GrammarSet;
use cnbudget::ingest;
use cnbudget::validate::{self, rules};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Documents are built from many small strings and vectors; mimalloc's per-thread free lists make those
/// allocations cheaper than glibc's (measured in BENCHMARKS.md) and keep threads from sharing an arena lock.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "cnbudget",
    version,
    about = "Chinese budget disclosures (部门预算/决算) → verified open data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The lowest severity that makes `extract` exit with status 1.
#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Extract and validate each document: JSON per document, summary.json and report.md.
    Extract {
        /// Files or folders (searched recursively for .txt). Default: samples/
        paths: Vec<PathBuf>,
        /// Output directory.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Load layout grammars from this directory instead of the built-in set.
        #[arg(long)]
        grammars: Option<PathBuf>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Exit with status 1 when any finding has at least this severity.
        #[arg(long, value_enum, default_value = "never")]
        fail_on: FailOn,
        /// Keep a record of each document (under .parts/) and skip documents whose record has the
        /// same content and tool version (a run without this flag removes the records).
        #[arg(long)]
        incremental: bool,
        /// Indent each document's JSON for reading (default: one line, the same bytes as its
        /// dataset.jsonl line; `jq .` indents it too).
        #[arg(long)]
        pretty: bool,
        /// No progress bar and no closing summary line on stderr.
        #[arg(long, short)]
        quiet: bool,
        /// Largest size one PDF stream may decompress to, in bytes.
        #[arg(long, default_value_t = ingest::pdf::Limits::default().max_decompressed_bytes_per_stream)]
        max_stream_bytes: usize,
        /// Largest total a PDF's streams may decompress to, in bytes.
        #[arg(long, default_value_t = ingest::pdf::Limits::default().max_decompressed_bytes_per_document)]
        max_document_bytes: usize,
        /// Most content operators interpreted on one PDF page.
        #[arg(long, default_value_t = ingest::pdf::Limits::default().max_ops_per_page)]
        max_ops_per_page: usize,
        /// Most content operators interpreted in one PDF document.
        #[arg(long, default_value_t = ingest::pdf::Limits::default().max_ops_per_document)]
        max_ops_per_document: usize,
        /// Deepest nesting of PDF Form XObjects.
        #[arg(long, default_value_t = ingest::pdf::Limits::default().max_form_depth)]
        max_depth: usize,
        /// Time budget per document, in seconds (0: none).
        #[arg(long, default_value_t = 120)]
        timeout: u64,
        /// Rounding allowance per added part for amounts in 万元 (尾差).
        #[arg(long, default_value = "0.01")]
        tolerance_wan: Decimal,
        /// Rounding allowance per added part for amounts in 元 (default: exact).
        #[arg(long, default_value = "0")]
        tolerance_yuan: Decimal,
    },
    /// List every validation rule.
    Rules {
        /// Print the catalogue as Markdown (the content of CHECKS.md).
        #[arg(long)]
        markdown: bool,
    },
    /// Print a file's lines as the parser sees them (`page:line<TAB>text`; PDF cells TAB-separated),
    /// for writing and debugging grammars.
    Text {
        /// The file (PDF or text).
        file: PathBuf,
    },
    /// Describe one rule: what it checks, why it matters, an example.
    Explain {
        /// The rule's code, e.g. A001.
        code: String,
    },
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("cnbudget: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn total(summary: &Summary, f: fn(&SummaryEntry) -> usize) -> usize {
    summary.documents.iter().map(f).sum()
}

/// 1 when a document failed or the `--fail-on` gate is reached, else 0.
fn exit_status(summary: &Summary, fail_on: FailOn) -> ExitCode {
    let (errors, warnings) = (total(summary, |d| d.errors), total(summary, |d| d.warnings));
    let gate = match fail_on {
        FailOn::Error => errors > 0,
        FailOn::Warning => errors + warnings > 0,
        FailOn::Never => false,
    };
    if summary.failed > 0 || gate {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A progress display on stderr, drawn only when stderr is a terminal and not `--quiet`.
fn progress_bar(quiet: bool) -> ProgressBar {
    let target = if quiet {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(None, target);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {pos} documents [{elapsed}] {per_sec} {msg}")
    {
        bar.set_style(style);
    }
    bar
}

/// Writes to stdout; a closed pipe (`cnbudget rules | head`) is not an error.
fn print_stdout(text: &str) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The lines of one file as ingested, each prefixed with its page (PDF) and line number.
fn source_lines(path: &std::path::Path) -> anyhow::Result<String> {
    let bytes = ingest::read_bytes(path)?;
    let source = match ingest::sniff(path, &bytes)? {
        ingest::Kind::Pdf => {
            let pdf = ingest::pdf::read(path, &bytes, &ingest::pdf::Limits::default())?;
            ingest::SourceText::from_pdf(path, &bytes, pdf)
        }
        ingest::Kind::Text => ingest::decode(path, &bytes)?,
    };
    let mut out = String::new();
    for (i, line) in source.lines.iter().enumerate() {
        let n = i + 1;
        match source.page_of(n) {
            Some(p) => out.push_str(&format!("p{p}:{n}\t{line}\n")),
            None => out.push_str(&format!("{n}\t{line}\n")),
        }
    }
    Ok(out)
}

fn run() -> anyhow::Result<ExitCode> {
    match Cli::parse().command {
        Command::Rules { markdown } => {
            let text = if markdown {
                rules::catalogue_markdown()
            } else {
                rules::all()
                    .iter()
                    .map(|r| {
                        format!(
                            "{}  {:<7}  {:<32} {}\n",
                            r.code,
                            r.severity.as_str(),
                            r.name,
                            r.summary
                        )
                    })
                    .collect()
            };
            print_stdout(&text)
        }
        Command::Text { file } => print_stdout(&source_lines(&file)?),
        Command::Explain { code } => match rules::find(&code) {
            Some(r) => print_stdout(&rules::explain(r)),
            None => bail!("no rule has the code `{code}` (see `cnbudget rules`)"),
        },
        Command::Extract {
            paths,
            out,
            grammars,
            jobs,
            fail_on,
            tolerance_wan,
            tolerance_yuan,
            incremental,
            pretty,
            quiet,
            max_stream_bytes,
            max_document_bytes,
            max_ops_per_page,
            max_ops_per_document,
            max_depth,
            timeout,
        } => {
            let grammars = match grammars {
                Some(dir) => GrammarSet::load_dir(&dir)?,
                None => GrammarSet::builtin().context("loading the built-in grammars")?,
            };
            if let Some(n) = jobs {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .build_global()
                    .context("starting the worker threads")?;
            }
            let limits = ingest::pdf::Limits {
                max_decompressed_bytes_per_stream: max_stream_bytes,
                max_decompressed_bytes_per_document: max_document_bytes,
                max_ops_per_page,
                max_ops_per_document,
                max_form_depth: max_depth,
                ..ingest::pdf::Limits::default()
            };
            let timeout = (timeout > 0).then(|| std::time::Duration::from_secs(timeout));
            let validation = validate::Config {
                tolerance: validate::Tolerance {
                    per_addend_wan: tolerance_wan,
                    per_addend_yuan: tolerance_yuan,
                },
            };
            let paths = if paths.is_empty() {
                vec![PathBuf::from("samples")]
            } else {
                paths
            };
            let bar = progress_bar(quiet);
            let failures = AtomicUsize::new(0);
            let on_done = |e: &SummaryEntry| {
                if e.status == "failed" {
                    let n = failures.fetch_add(1, Ordering::Relaxed) + 1;
                    bar.set_message(format!("{n} failed"));
                }
                bar.inc(1);
            };
            let summary = run_batch(
                &paths,
                &BatchOptions {
                    out_dir: &out,
                    grammars: &grammars,
                    validation: &validation,
                    limits: &limits,
                    timeout,
                    incremental,
                    pretty,
                    progress: Some(&on_done),
                },
            )?;
            bar.finish_and_clear();
            if summary.documents.is_empty() {
                let given: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                eprintln!(
                    "cnbudget: warning: no input found in {} (files ending in .{})",
                    given.join(", "),
                    cnbudget::batch::INPUT_EXTENSIONS.join(", .")
                );
            }
            for doc in summary.documents.iter().filter(|d| d.status == "failed") {
                eprintln!(
                    "cnbudget: failed: {}",
                    doc.error.as_deref().unwrap_or("unknown error")
                );
            }
            if quiet {
                return Ok(exit_status(&summary, fail_on));
            }
            eprintln!(
                "cnbudget: {} document(s) processed, {} ok, {} failed; findings: {} errors, {} warnings, {} info; output in {}",
                summary.documents.len(),
                summary.ok,
                summary.failed,
                total(&summary, |d| d.errors),
                total(&summary, |d| d.warnings),
                total(&summary, |d| d.infos),
                out.display()
            );
            Ok(exit_status(&summary, fail_on))
        }
    }
}
