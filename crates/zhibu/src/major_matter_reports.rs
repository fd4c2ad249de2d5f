//! `zhibu reports`: an org's requests and reports (请示报告, REPORT-ONE-MATTER), sent up and
//! received from below, as a table or JSON lines, and its log as a ledger (.xlsx or PDF); and the
//! register of ideological positions and the year's events on the ideological front (IDEOLOGY-RESP);
//! read through the services with the console's scope.

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
    /// The register of ideological positions (意识形态阵地, IDEOLOGY-RESP) of the org's subtree,
    /// with the reviews due; with FILE (.xlsx or .pdf), its ledger instead. Ends with a
    /// `POSITIONS …` line.
    Positions {
        #[arg(long)]
        org: String,
        file: Option<PathBuf>,
    },
    /// The year's events (报告会、研讨会、讲座、论坛等) of the org's subtree with their approval and
    /// whether their day was sensitive (IDEOLOGY-RESP); with FILE (.xlsx or .pdf), its ledger
    /// instead. Ends with an `EVENTS …` line.
    Events {
        #[arg(long)]
        org: String,
        /// The year (default: this year).
        #[arg(long)]
        year: Option<i32>,
        file: Option<PathBuf>,
    },
}

impl ReportCommand {
    pub fn org(&self) -> &str {
        match self {
            Self::List { org, .. }
            | Self::Ledger { org, .. }
            | Self::Positions { org, .. }
            | Self::Events { org, .. } => org,
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
        ReportCommand::Positions { file: Some(file), .. } => {
            let f = services.positions_ledger_file(&actor, org, crate::recruitment::format_of(file)?).await?;
            std::fs::write(file, &f.bytes).with_context(|| format!("cannot write {}", file.display()))?;
            println!("{} written to {}", f.file_name, file.display());
        }
        ReportCommand::Positions { file: None, .. } => {
            let p = services.positions(&actor, org).await?;
            println!("组织\t类别\t阵地名称\t责任人\t审批日期\t最近复查\t下次复查");
            for x in &p.positions {
                let r = &x.row;
                let reviewed = r.reviewed_on.map(|d| d.iso()).unwrap_or_else(|| "未复查".into());
                let late = if x.overdue { "（已逾期）" } else { "" };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{reviewed}\t{}{late}",
                    r.org_name,
                    x.kind_label,
                    r.name,
                    r.responsible,
                    r.approved_on.iso(),
                    x.review_due.iso()
                );
            }
            let overdue = p.positions.iter().filter(|x| x.overdue).count();
            println!("POSITIONS org={} positions={} overdue={overdue}", p.org_id, p.positions.len());
        }
        ReportCommand::Events { year, file, .. } => {
            let year = year.unwrap_or_else(|| chrono::Datelike::year(&services.today()));
            if let Some(file) = file {
                let format = crate::recruitment::format_of(file)?;
                let f = services.ideology_events_ledger_file(&actor, org, year, format).await?;
                std::fs::write(file, &f.bytes).with_context(|| format!("cannot write {}", file.display()))?;
                println!("{} written to {}", f.file_name, file.display());
            } else {
                let e = services.ideology_events(&actor, org, year).await?;
                println!("日期\t组织\t类别\t活动名称\t地点或平台\t主办和责任人\t审批\t敏感时间节点");
                for x in &e.events {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        x.held_on.iso(),
                        x.org_name,
                        x.kind.label(),
                        x.title,
                        x.place,
                        x.responsible,
                        services::ideology_events::approval_text(x),
                        if x.sensitive { "是" } else { "否" }
                    );
                }
                let sensitive = e.events.iter().filter(|x| x.sensitive).count();
                println!("EVENTS org={} year={year} events={} sensitive={sensitive}", e.org_id, e.events.len());
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
