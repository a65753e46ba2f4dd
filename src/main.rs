//! The `cnbudget` command: parses arguments, loads grammars, runs the batch, reports.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use cnbudget::grammar::GrammarSet;
use cnbudget::pipeline::{BatchOptions, run_batch};
use cnbudget::validate::{self, rules};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::process::ExitCode;

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

/// Writes to stdout; a closed pipe (`cnbudget rules | head`) is not an error.
fn print_stdout(text: &str) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(ExitCode::SUCCESS),
    }
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
            let summary = run_batch(
                &paths,
                &BatchOptions {
                    out_dir: &out,
                    grammars: &grammars,
                    validation: &validation,
                },
            )?;
            for doc in summary.documents.iter().filter(|d| d.status == "failed") {
                eprintln!(
                    "cnbudget: failed: {}",
                    doc.error.as_deref().unwrap_or("unknown error")
                );
            }
            let sum = |f: fn(&cnbudget::emit::SummaryEntry) -> usize| {
                summary.documents.iter().map(f).sum::<usize>()
            };
            let (errors, warnings) = (sum(|d| d.errors), sum(|d| d.warnings));
            eprintln!(
                "cnbudget: {} document(s) processed, {} ok, {} failed; findings: {errors} errors, {warnings} warnings, {} info; output in {}",
                summary.documents.len(),
                summary.ok,
                summary.failed,
                sum(|d| d.infos),
                out.display()
            );
            let gate = match fail_on {
                FailOn::Error => errors > 0,
                FailOn::Warning => errors + warnings > 0,
                FailOn::Never => false,
            };
            Ok(if summary.failed > 0 || gate {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
