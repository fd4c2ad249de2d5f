//! `zhibu ledgers`: an org's ledger set (台账) for a year, listed, or written out as files into a
//! folder in one go (for an inspection); read through the services with the console's scope.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use services::ledger::LedgerFormat;
use services::ledger_set::LedgerKind;
use services::{Services, console_actor};

#[derive(clap::Subcommand, Debug)]
pub enum LedgerCommand {
    /// The ledgers the org keeps: kind, title and what each holds. Ends with a `LEDGERS …` line.
    List {
        /// The org (id, unique name or name path).
        #[arg(long)]
        org: String,
        /// The year (default: this year).
        #[arg(long)]
        year: Option<i32>,
    },
    /// Writes the org's ledgers of the year into DIR (created if missing), each as .xlsx, .pdf or
    /// both; `--kind` writes one. Ends with a `LEDGERS … written=N` line.
    Write {
        #[arg(long)]
        org: String,
        #[arg(long)]
        year: Option<i32>,
        /// xlsx, pdf or both.
        #[arg(long, default_value = "both")]
        format: String,
        /// Only this ledger (a kind of `zhibu ledgers list`).
        #[arg(long)]
        kind: Option<String>,
        dir: PathBuf,
    },
}

impl LedgerCommand {
    pub fn org(&self) -> &str {
        match self {
            Self::List { org, .. } | Self::Write { org, .. } => org,
        }
    }
}

pub async fn run(services: &Services, org: i64, command: &LedgerCommand) -> Result<std::process::ExitCode> {
    let actor = console_actor();
    let this_year = chrono::Datelike::year(&services.today());
    match command {
        LedgerCommand::List { year, .. } => {
            let set = services.ledger_set(&actor, org, year.unwrap_or(this_year)).await?;
            println!("类别\t台账\t分类\t内容");
            for l in &set.ledgers {
                println!("{}\t{}\t{}\t{}", l.kind.as_str(), l.title, l.area, l.holds);
            }
            println!("LEDGERS org={} year={} ledgers={}", set.org_id, set.year, set.ledgers.len());
        }
        LedgerCommand::Write { year, format, kind, dir, .. } => {
            let formats: &[LedgerFormat] = match format.as_str() {
                "xlsx" => &[LedgerFormat::Xlsx],
                "pdf" => &[LedgerFormat::Pdf],
                "both" => &[LedgerFormat::Xlsx, LedgerFormat::Pdf],
                other => bail!("--format must be xlsx, pdf or both, not {other:?}"),
            };
            let set = services.ledger_set(&actor, org, year.unwrap_or(this_year)).await?;
            let kinds: Vec<LedgerKind> = match kind {
                Some(k) => {
                    let k = LedgerKind::parse(k)
                        .with_context(|| format!("no ledger kind {k:?}; see `zhibu ledgers list`"))?;
                    if !set.ledgers.iter().any(|l| l.kind == k) {
                        bail!("{} does not keep the {} ({})", set.org_name, k.title(), k.as_str());
                    }
                    vec![k]
                }
                None => set.ledgers.iter().map(|l| l.kind).collect(),
            };
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let mut written = 0;
            for kind in kinds {
                for format in formats {
                    let f = services.ledger_of_set(&actor, org, kind, set.year, *format).await?;
                    let path = dir.join(&f.file_name);
                    std::fs::write(&path, &f.bytes).with_context(|| format!("cannot write {}", path.display()))?;
                    println!("{}", path.display());
                    written += 1;
                }
            }
            println!("LEDGERS org={} year={} written={written}", set.org_id, set.year);
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
