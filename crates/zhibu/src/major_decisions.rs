//! `zhibu major-decisions`: an org subtree's 三重一大 register of a year (SANZHONG-YIDA) as a table
//! or JSON lines, and as its ledger (.xlsx or PDF); read through the services with the console's
//! scope. Matters are recorded on the web page or through the API, against their meeting.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use domain::dates::Iso;
use services::{Services, console_actor};

#[derive(clap::Subcommand, Debug)]
pub enum MajorDecisionCommand {
    /// The matters of the year with their meeting, votes and result. Ends with a `DECISIONS …`
    /// line of counts.
    List {
        /// The org (id, unique name or name path).
        #[arg(long)]
        org: String,
        /// The year (default: this year).
        #[arg(long)]
        year: Option<i32>,
        /// table or json (one matter per line).
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// The register as a ledger (三重一大事项登记台账), to FILE (.xlsx or .pdf).
    Ledger {
        #[arg(long)]
        org: String,
        #[arg(long)]
        year: Option<i32>,
        file: PathBuf,
    },
}

impl MajorDecisionCommand {
    pub fn org(&self) -> &str {
        match self {
            Self::List { org, .. } | Self::Ledger { org, .. } => org,
        }
    }
}

pub async fn run(services: &Services, org: i64, command: &MajorDecisionCommand) -> Result<std::process::ExitCode> {
    let actor = console_actor();
    let this_year = chrono::Datelike::year(&services.today());
    match command {
        MajorDecisionCommand::List { year, format, .. } => {
            let r = services.major_decisions(&actor, org, year.unwrap_or(this_year)).await?;
            match format.as_str() {
                "json" => {
                    for d in &r.decisions {
                        println!("{}", serde_json::to_string(d)?);
                    }
                }
                "table" => {
                    println!("日期\t组织\t类别\t事项\t金额\t赞成/反对/弃权\t回避\t结果");
                    for d in &r.decisions {
                        let x = &d.row;
                        let sum = x.amount.map(|a| a.to_yuan()).unwrap_or_default();
                        let result = if x.passed { "通过" } else { "未通过" };
                        println!(
                            "{}\t{}\t{}\t{}\t{sum}\t{}/{}/{}\t{}\t{result}",
                            x.decided_on.iso(),
                            x.org_name,
                            d.category_label,
                            x.title,
                            x.yes,
                            x.no,
                            x.abstain,
                            x.recused_names
                        );
                    }
                }
                other => bail!("--format must be table or json, not {other:?}"),
            }
            let large = r.decisions.iter().filter(|d| d.large == Some(true)).count();
            let passed = r.decisions.iter().filter(|d| d.row.passed).count();
            println!(
                "DECISIONS org={} year={} matters={} passed={passed} large_sums={large}",
                r.org_id,
                r.year,
                r.decisions.len()
            );
        }
        MajorDecisionCommand::Ledger { year, file, .. } => {
            let f = services
                .major_decision_ledger_file(
                    &actor,
                    org,
                    year.unwrap_or(this_year),
                    crate::recruitment::format_of(file)?,
                )
                .await?;
            std::fs::write(file, &f.bytes).with_context(|| format!("cannot write {}", file.display()))?;
            println!("{} written to {}", f.file_name, file.display());
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
