//! `zhibu coverage`: the coverage of every unit (COVER-PRIVATE) in a subtree by unit type and
//! ownership, with the uncovered units and the rule's findings; optionally importing a unit list
//! first and writing the coverage register. Read through the services with the console's scope.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use services::ledger::LedgerFormat;
use services::{Services, console_actor};

#[derive(clap::Args, Debug)]
pub struct CoverageArgs {
    /// Only this org's subtree (id, unique name or name path); default: every top org.
    #[arg(long)]
    pub org: Option<String>,
    /// The day the coverage is taken on (default: today).
    #[arg(long)]
    pub on: Option<String>,
    /// First import this unit list (.xlsx, .xls or CSV; 单位名称, 单位类别, 办学性质 …) into
    /// --org; a file with any problem is refused whole, its problems listed by row and column.
    #[arg(long, requires = "org")]
    pub import: Option<PathBuf>,
    /// With --import: only check the file.
    #[arg(long, requires = "import")]
    pub dry_run: bool,
    /// Also write the coverage register (党组织覆盖情况登记台账) of --org to FILE, .xlsx or .pdf by
    /// its extension.
    #[arg(long, requires = "org")]
    pub ledger: Option<PathBuf>,
}

pub async fn run(services: &Services, args: &CoverageArgs) -> Result<std::process::ExitCode> {
    let actor = console_actor();
    let on = match &args.on {
        Some(s) => Some(domain::dates::parse_date(s).map_err(|e| anyhow!("--on {s}: {e}"))?),
        None => None,
    };
    let orgs: Vec<i64> = match &args.org {
        Some(o) => vec![services.find_org(&actor, o).await.map_err(|e| anyhow!("{e}"))?.id],
        None => services.top_org_ids(&actor).await?,
    };
    if let (Some(file), Some(&org)) = (&args.import, orgs.first()) {
        let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let r = services.import_units_file(&actor, org, &bytes, args.dry_run).await.map_err(|e| anyhow!("{e}"))?;
        for (row, column, message) in &r.issues {
            println!("第 {row} 行\t{column}\t{message}");
        }
        println!(
            "IMPORT rows={} added={} updated={} issues={}{}",
            r.rows,
            r.added,
            r.updated,
            r.issues.len(),
            if args.dry_run { " dry_run" } else { "" }
        );
        if !r.issues.is_empty() {
            return Ok(std::process::ExitCode::from(1));
        }
    }
    for org in orgs {
        let c = services.coverage(&actor, org, on).await.map_err(|e| anyhow!("{e}"))?;
        println!("{}　截至{}", c.org_name, c.on);
        println!("单位类别\t单位数\t单独建立党组织\t联合党支部\t党建指导员\t未覆盖\t章程写入党建");
        for k in &c.kinds {
            println!(
                "{}{}\t{}\t{}\t{}\t{}\t{}\t{}",
                k.ownership.label(),
                k.unit_type.label(),
                k.total,
                k.own_org,
                k.joint_branch,
                k.instructor,
                k.uncovered,
                k.charter
            );
        }
        let uncovered: Vec<_> = c.units.iter().filter(|u| u.ways.is_empty()).collect();
        if !uncovered.is_empty() {
            println!("未覆盖的单位：");
            for u in &uncovered {
                println!(
                    "  {}（{}{}，{}）",
                    u.row.name,
                    u.row.ownership.label(),
                    u.row.unit_type.label(),
                    u.row.committee_name
                );
            }
        }
        let findings: Vec<_> = c.units.iter().filter_map(|u| u.finding.as_ref().map(|f| (u, f))).collect();
        for (u, f) in &findings {
            println!("COVER-PRIVATE\t{}\t{}", u.row.name, f);
        }
        println!(
            "COVERAGE org={} units={} uncovered={} findings={}",
            c.org_id,
            c.units.len(),
            uncovered.len(),
            findings.len()
        );
        if let Some(file) = &args.ledger {
            let format = match file.extension().and_then(|e| e.to_str()) {
                Some("xlsx") => LedgerFormat::Xlsx,
                Some("pdf") => LedgerFormat::Pdf,
                _ => bail!("--ledger {}: the file must end in .xlsx or .pdf", file.display()),
            };
            let f = services.coverage_ledger_file(&actor, org, format).await.map_err(|e| anyhow!("{e}"))?;
            std::fs::write(file, &f.bytes).with_context(|| format!("cannot write {}", file.display()))?;
            println!("{} written to {}", f.file_name, file.display());
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
