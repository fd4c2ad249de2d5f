//! `zhibu reports`: an org's requests and reports (请示报告, REPORT-ONE-MATTER), sent up and
//! received from below, as a table or JSON lines, and its log as a ledger (.xlsx or PDF); read
//! through the services with the console's scope.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use domain::dates::Iso;
use services::{Services, console_actor};

#[derive(clap::Subcommand, Debug)]
pub enum ReportCommand {
    /// What the org sent and received, newest first. Ends with a `REPORTS …` line of counts.
    List {
        /// The org (id, unique name or name path).
        #[arg(long)]
        org: String,
        /// table or json (one request or report per line).
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// The log as a ledger (请示报告登记台账), to FILE (.xlsx or .pdf).
    Ledger {
        #[arg(long)]
        org: String,
        file: PathBuf,
    },
}

impl ReportCommand {
    pub fn org(&self) -> &str {
        match self {
            Self::List { org, .. } | Self::Ledger { org, .. } => org,
        }
    }
}

pub async fn run(services: &Services, org: i64, command: &ReportCommand) -> Result<std::process::ExitCode> {
    let actor = console_actor();
    match command {
        ReportCommand::List { format, .. } => {
            let r = services.reports_of(&actor, org).await?;
            let lines = r.sent.iter().map(|x| ("报送", x)).chain(r.received.iter().map(|x| ("收到", x)));
            match format.as_str() {
                "json" => {
                    for (_, x) in lines {
                        println!("{}", serde_json::to_string(x)?);
                    }
                }
                "table" => {
                    println!("方向\t日期\t类别\t标题\t报送单位\t报送上级\t办理情况");
                    for (dir, x) in lines {
                        println!(
                            "{dir}\t{}\t{}\t{}\t{}\t{}\t{}",
                            x.received_on.iso(),
                            x.kind.label(),
                            x.title,
                            x.from_org_name,
                            x.to_org_name,
                            x.state.label()
                        );
                    }
                }
                other => bail!("--format must be table or json, not {other:?}"),
            }
            let pending = r.received.iter().filter(|x| x.state.as_str() == "pending").count();
            println!("REPORTS org={} sent={} received={} pending={pending}", r.org_id, r.sent.len(), r.received.len());
        }
        ReportCommand::Ledger { file, .. } => {
            let f = services.report_ledger_file(&actor, org, crate::recruitment::format_of(file)?).await?;
            std::fs::write(file, &f.bytes).with_context(|| format!("cannot write {}", file.display()))?;
            println!("{} written to {}", f.file_name, file.display());
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
