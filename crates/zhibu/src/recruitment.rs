//! `zhibu recruitment`: the pipeline of a subtree (发展党员) as a table or JSON lines, and its
//! papers (the 备案 lists, a person's 纪实表) as .xlsx or PDF, read through the services with the
//! console's scope.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use domain::dates::format_cn;
use services::ledger::LedgerFormat;
use services::{Services, console_actor};

#[derive(clap::Subcommand, Debug)]
pub enum RecruitmentCommand {
    /// The people on the way in the org's subtree: stage, step reached, overdue deadlines.
    Board {
        /// The org (id, unique name or name path).
        #[arg(long)]
        org: String,
        /// table or json (one object per line).
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// The 备案 lists (activists, candidates, admissions) of the org's subtree, to FILE (.xlsx or .pdf).
    Filings {
        #[arg(long)]
        org: String,
        file: PathBuf,
    },
    /// Import people already on the path from a sheet (.xlsx/.xls/.csv): 姓名, 公民身份号码, 民族,
    /// 所在党支部, [骨干教师], and the day of each step reached up to 填写入党志愿书 (with 培养联系人,
    /// 入党介绍人 and 培训学时 where those steps are given). Every row is checked step by step; any
    /// error imports nothing, is listed by row and column, and exits 1.
    Import {
        file: PathBuf,
        /// Check only.
        #[arg(long)]
        dry_run: bool,
    },
    /// The recruitment deadlines (DEV-*) of every open path in the subtree (the whole tree without
    /// --org) on a day: talks, assessments, approvals, probations, confirmations. Streams a page of
    /// orgs at a time, and ends with a `DEADLINES …` line of counts and the seconds taken.
    Deadlines {
        #[arg(long)]
        org: Option<String>,
        /// The day judged (default today).
        #[arg(long)]
        as_of: Option<String>,
        /// table, json (one finding per line) or summary (the counts and the time taken).
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// A person's 纪实表, to FILE (.xlsx or .pdf).
    Record {
        /// The person's id (as the board lists it).
        #[arg(long)]
        id: i64,
        file: PathBuf,
    },
}

pub(crate) fn format_of(file: &std::path::Path) -> Result<LedgerFormat> {
    match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("xlsx") => Ok(LedgerFormat::Xlsx),
        Some("pdf") => Ok(LedgerFormat::Pdf),
        _ => bail!("{}: the file name must end in .xlsx or .pdf", file.display()),
    }
}

pub async fn run(
    services: &Services,
    org: Option<i64>,
    command: &RecruitmentCommand,
) -> Result<std::process::ExitCode> {
    let actor = console_actor();
    match command {
        RecruitmentCommand::Board { format, .. } => {
            let Some(org) = org else { bail!("--org is required") };
            let lines = services.recruitment_board(&actor, org).await?;
            match format.as_str() {
                "json" => {
                    for l in &lines {
                        println!("{}", serde_json::to_string(l)?);
                    }
                }
                "table" => {
                    println!("编号\t姓名\t党支部\t阶段\t已到步骤\t日期\t骨干教师\t逾期事项");
                    for l in &lines {
                        println!(
                            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                            l.id,
                            l.name,
                            l.branch_name,
                            l.stage.short(),
                            l.reached.map(|s| s.title()).unwrap_or_default(),
                            l.since.map(format_cn).unwrap_or_default(),
                            if l.key_teacher { "是" } else { "" },
                            l.overdue
                        );
                    }
                    println!("共 {} 人", lines.len());
                }
                other => bail!("--format must be table or json, not {other:?}"),
            }
        }
        RecruitmentCommand::Filings { file, .. } => {
            let Some(org) = org else { bail!("--org is required") };
            let f = services.recruitment_filings(&actor, org, format_of(file)?).await?;
            std::fs::write(file, &f.bytes).with_context(|| format!("cannot write {}", file.display()))?;
            println!("{} written to {}", f.file_name, file.display());
        }
        RecruitmentCommand::Import { file, dry_run } => {
            let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let plan = services.plan_recruit_import(&actor, &bytes, services.today()).await?;
            println!("共 {} 行：可导入 {} 人，错误 {} 处", plan.rows, plan.people(), plan.issues.len());
            for i in &plan.issues {
                println!("第 {} 行“{}”列：{}", i.row_number, i.column_name, i.message);
            }
            if !plan.issues.is_empty() {
                println!("未导入任何数据");
                return Ok(std::process::ExitCode::from(1));
            }
            if !dry_run {
                let n = services.commit_recruit_import(&actor, &plan).await?;
                println!("已导入 {n} 人");
            }
        }
        RecruitmentCommand::Deadlines { as_of, format, .. } => return deadlines(services, org, as_of, format).await,
        RecruitmentCommand::Record { id, file } => {
            let f = services.recruitment_record_sheet(&actor, *id, format_of(file)?).await?;
            std::fs::write(file, &f.bytes).with_context(|| format!("cannot write {}", file.display()))?;
            println!("{} written to {}", f.file_name, file.display());
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// `zhibu recruitment deadlines`: streamed branch by branch, with the committee settings of each.
async fn deadlines(
    services: &Services,
    org: Option<i64>,
    as_of: &Option<String>,
    format: &str,
) -> Result<std::process::ExitCode> {
    use std::io::Write;
    if !matches!(format, "table" | "json" | "summary") {
        bail!("--format must be table, json or summary, not {format:?}");
    }
    let actor = console_actor();
    let as_of = match as_of {
        Some(s) => domain::dates::parse_date(s).map_err(|e| anyhow::anyhow!("{e}"))?,
        None => services.today(),
    };
    let within = match org {
        Some(id) => Some(services.org(&actor, id).await?.org_path()?),
        None => None,
    };
    let started = std::time::Instant::now();
    let rules = services::settings::rules_in_force(services.console().setting_changes().await?);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut written: std::io::Result<()> = Ok(());
    if format == "table" {
        written = writeln!(out, "党支部\t规则\t程度\t期限\t情况");
    }
    let stats = services
        .console()
        .recruitment_deadlines_paged(within.as_ref(), as_of, services::compliance::CHECK_BATCH, rules, |o, found| {
            if written.is_err() || format == "summary" {
                return;
            }
            for f in &found {
                written = match format {
                    "json" => {
                        let mut v = serde_json::to_value(f).unwrap_or_default();
                        v["org_name"] = serde_json::Value::String(o.name.clone());
                        writeln!(out, "{v}")
                    }
                    _ => writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}",
                        o.name,
                        f.rule_id,
                        f.severity.label(),
                        f.due.map(format_cn).unwrap_or_default(),
                        f.message
                    ),
                };
                if written.is_err() {
                    return;
                }
            }
        })
        .await?;
    written?;
    let secs = started.elapsed().as_secs_f64();
    let c = stats.findings;
    writeln!(
        out,
        "DEADLINES branches={} people={} steps={} violations={} warnings={} upcoming={} seconds={secs:.3}",
        stats.branches, stats.people, stats.steps, c.violations, c.warnings, c.upcoming
    )?;
    out.flush()?;
    Ok(std::process::ExitCode::SUCCESS)
}
