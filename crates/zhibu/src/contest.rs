//! `zhibu contest`: the "学条例" knowledge contests an org sees, a contest's results per org
//! (participation and average score; the ranking only when the contest was set with 竞赛排名) as
//! a table or JSON lines, its results ledger as .xlsx or PDF, the import of a question sheet and
//! its blank template; read and written through the services with the console's scope.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use services::{Services, console_actor};

#[derive(clap::Subcommand, Debug)]
pub enum ContestCommand {
    /// The contests the org sees (set in its subtree or above it), newest first.
    List {
        /// The org (id, unique name or name path).
        #[arg(long)]
        org: String,
    },
    /// A contest's results for an org's subtree: each org below with its members eligible on the
    /// window's first day, those who answered, participation and average score. Ends with a
    /// `RESULTS …` line of the totals and the seconds taken.
    Results {
        /// The contest's id.
        #[arg(long)]
        contest: i64,
        /// The org whose subtree to count (default: the contest's org).
        #[arg(long)]
        org: Option<String>,
        /// table, json (one org per line) or summary (the RESULTS line only).
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// The contest's results ledger of an org's subtree, to FILE (.xlsx or .pdf).
    Ledger {
        #[arg(long)]
        contest: i64,
        #[arg(long)]
        org: Option<String>,
        file: PathBuf,
    },
    /// Import questions into the org's bank from a sheet (.xlsx/.xls/.csv: 题型, 题干, 选项A …
    /// 选项F, 正确答案, 出处). Any error imports nothing, is listed by row and column, and exits 1.
    Import {
        #[arg(long)]
        org: String,
        file: PathBuf,
        /// Check only.
        #[arg(long)]
        dry_run: bool,
        /// On errors, write the file back with its bad cells marked (the error report) to this .xlsx.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Write the blank question sheet template to FILE.
    Template { file: PathBuf },
}

pub async fn run(services: &Services, command: &ContestCommand) -> Result<std::process::ExitCode> {
    let actor = console_actor();
    match command {
        ContestCommand::List { org } => {
            let org = crate::resolve_org(services, org).await?;
            let list = services.contests(&actor, org).await?;
            println!("id\t竞赛\t举办组织\t开始\t截止\t每人题数\t竞赛排名\t状态");
            for l in &list.contests {
                let c = &l.contest;
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    c.id,
                    c.title,
                    c.org_name,
                    c.starts_on,
                    c.ends_on,
                    c.question_count,
                    if c.ranking { "是" } else { "否" },
                    l.state.label()
                );
            }
        }
        ContestCommand::Results { contest, org, format } => {
            let org = match org {
                Some(o) => Some(crate::resolve_org(services, o).await?),
                None => None,
            };
            let started = std::time::Instant::now();
            let r = services.contest_results(&actor, *contest, org).await?;
            let seconds = started.elapsed().as_secs_f64();
            match format.as_str() {
                "json" => {
                    for l in &r.lines {
                        println!(
                            "{}",
                            serde_json::json!({
                                "org_id": l.org_id, "org_name": l.org_name, "eligible": l.participation.eligible,
                                "answered": l.participation.answered, "rate": l.participation.rate(),
                                "average": l.participation.average(),
                            })
                        );
                    }
                }
                "table" => {
                    println!("党组织\t应参加\t已参加\t参与率（%）\t平均分");
                    for l in &r.lines {
                        let p = &l.participation;
                        println!("{}\t{}\t{}\t{}\t{}", l.org_name, p.eligible, p.answered, p.rate(), p.average());
                    }
                    if let Some(ranking) = &r.ranking {
                        println!("名次\t姓名\t所在支部\t得分");
                        for (i, x) in ranking.iter().enumerate() {
                            println!("{}\t{}\t{}\t{}", i + 1, x.name, x.branch_name, x.score);
                        }
                    }
                }
                "summary" => {}
                other => bail!("--format must be table, json or summary, not {other:?}"),
            }
            println!(
                "RESULTS contest={} org={} orgs={} eligible={} answered={} rate={} average={} seconds={seconds:.2}",
                contest,
                r.org_id,
                r.lines.len(),
                r.total.eligible,
                r.total.answered,
                r.total.rate(),
                r.total.average()
            );
        }
        ContestCommand::Ledger { contest, org, file } => {
            let org = match org {
                Some(o) => Some(crate::resolve_org(services, o).await?),
                None => None,
            };
            let f = services.contest_ledger_file(&actor, *contest, org, crate::recruitment::format_of(file)?).await?;
            std::fs::write(file, &f.bytes).with_context(|| format!("cannot write {}", file.display()))?;
            println!("{} written to {}", f.file_name, file.display());
        }
        ContestCommand::Import { org, file, dry_run, report } => {
            let org = crate::resolve_org(services, org).await?;
            let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let r = services.import_questions_file(&actor, org, &bytes, *dry_run).await?;
            println!("共 {} 行，错误 {} 处", r.rows, r.issues.len());
            for (row, column, message) in &r.issues {
                println!("第 {row} 行“{column}”列：{message}");
            }
            if !r.issues.is_empty() {
                if let (Some(path), Some(bytes)) = (report, &r.report) {
                    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
                    println!("错误报告 written to {}", path.display());
                }
                println!("未导入任何题目");
                return Ok(std::process::ExitCode::from(1));
            }
            if !dry_run {
                println!("已导入 {} 道题", r.imported);
            }
        }
        ContestCommand::Template { file } => {
            let bytes = reports::question_bank::template_xlsx().map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(file, bytes).with_context(|| format!("cannot write {}", file.display()))?;
            println!("题库导入模板 written to {}", file.display());
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
