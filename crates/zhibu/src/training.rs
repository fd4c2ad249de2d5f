//! `zhibu training`: an org's hours register of a year (EDU-TRAIN-HOURS) as a table or JSON
//! lines, its training register (学习培训台账) as .xlsx or PDF, and the import of an outside
//! platform's yearly hours; read and written through the services with the console's scope.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use services::{Services, console_actor};

#[derive(clap::Subcommand, Debug)]
pub enum TrainingCommand {
    /// Every current member of the org's subtree with their class hours of the year, and who
    /// reached the yearly target. Ends with a `HOURS …` line of counts and the seconds taken.
    Hours {
        /// The org (id, unique name or name path).
        #[arg(long)]
        org: String,
        /// The year (default: this year).
        #[arg(long)]
        year: Option<i32>,
        /// table, json (one member per line) or summary (the HOURS line only).
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// The training register (classes and members' hours) of the org's subtree, to FILE (.xlsx or .pdf).
    Ledger {
        #[arg(long)]
        org: String,
        #[arg(long)]
        year: Option<i32>,
        file: PathBuf,
    },
    /// Import an outside platform's yearly hours (.xlsx/.xls/.csv: 姓名, [身份证号], 学时) for the
    /// members of the org's subtree. Any error imports nothing, is listed by row and column, and
    /// exits 1.
    Import {
        #[arg(long)]
        org: String,
        #[arg(long)]
        year: i32,
        /// The platform's name; a new import of the same source and year replaces the old.
        #[arg(long)]
        source: String,
        file: PathBuf,
        /// Check only.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(services: &Services, org: i64, command: &TrainingCommand) -> Result<std::process::ExitCode> {
    let actor = console_actor();
    let this_year = chrono::Datelike::year(&services.today());
    match command {
        TrainingCommand::Hours { year, format, .. } => {
            let started = std::time::Instant::now();
            let limit = if format == "summary" { 0 } else { services::training::LEDGER_LINES };
            let r = services.hours_register(&actor, org, year.unwrap_or(this_year), limit, 0).await?;
            match format.as_str() {
                "json" => {
                    for l in &r.lines {
                        println!("{}", serde_json::to_string(l)?);
                    }
                }
                "table" => {
                    println!("姓名\t所在支部\t培训班\t党课及学习\t外部平台\t合计\t达标");
                    for l in &r.lines {
                        let reached = if l.reached { "达到" } else { "未达到" };
                        println!(
                            "{}\t{}\t{}\t{}\t{}\t{}\t{reached}",
                            l.name, l.branch_name, l.classes, l.meetings, l.imported, l.total
                        );
                    }
                }
                "summary" => {}
                other => bail!("--format must be table, json or summary, not {other:?}"),
            }
            println!(
                "HOURS org={} year={} target={} members={} reached={} seconds={:.2}",
                r.org_id,
                r.year,
                r.target,
                r.members,
                r.reached,
                started.elapsed().as_secs_f64()
            );
        }
        TrainingCommand::Ledger { year, file, .. } => {
            let f = services
                .training_ledger_file(&actor, org, year.unwrap_or(this_year), crate::recruitment::format_of(file)?)
                .await?;
            std::fs::write(file, &f.bytes).with_context(|| format!("cannot write {}", file.display()))?;
            println!("{} written to {}", f.file_name, file.display());
        }
        TrainingCommand::Import { year, source, file, dry_run, .. } => {
            let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let r = services.import_training_hours_file(&actor, org, *year, source, &bytes, *dry_run).await?;
            println!("共 {} 行，错误 {} 处", r.rows, r.issues.len());
            for (row, column, message) in &r.issues {
                println!("第 {row} 行“{column}”列：{message}");
            }
            if !r.issues.is_empty() {
                println!("未导入任何数据");
                return Ok(std::process::ExitCode::from(1));
            }
            if !dry_run {
                println!("已导入 {} 名党员的学时", r.imported);
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
