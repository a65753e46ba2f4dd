//! The `cnbudget` command: parses arguments, loads grammars, runs the batch, reports.

use anyhow::Context;
use clap::{Parser, Subcommand};
use cnbudget::grammar::GrammarSet;
use cnbudget::pipeline::{BatchOptions, run_batch};
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

#[derive(Subcommand)]
enum Command {
    /// Extract each document's tables, narrative and repairs as JSON.
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

fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Extract {
            paths,
            out,
            grammars,
            jobs,
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
                },
            )?;
            for doc in summary.documents.iter().filter(|d| d.status == "failed") {
                eprintln!(
                    "cnbudget: failed: {}",
                    doc.error.as_deref().unwrap_or("unknown error")
                );
            }
            eprintln!(
                "cnbudget: {} document(s) processed, {} ok, {} failed; output in {}",
                summary.documents.len(),
                summary.ok,
                summary.failed,
                out.display()
            );
            Ok(if summary.failed > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
