//! `zhibu import members` and `zhibu import orgs`: a file checked as a whole, its errors reported
//! by row and column (or written back as a workbook), committed only when every row passes.

use anyhow::{Context, Result};
use services::{Services, console_actor};

pub async fn import_members(
    services: &Services,
    file: &std::path::Path,
    dry_run: bool,
    branch: Option<String>,
    errors_out: Option<std::path::PathBuf>,
) -> Result<std::process::ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let actor = console_actor();
    let branch_id = match branch {
        Some(b) => Some(services.find_org(&actor, &b).await.map_err(|e| anyhow::anyhow!("{e}"))?.id),
        None => None,
    };
    let plan = match services.plan_member_import(&actor, &bytes, branch_id, services.today()).await {
        Ok(p) => p,
        Err(services::ServiceError::Invalid(e)) => {
            eprintln!("{}：{}", file.display(), e.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"));
            return Ok(std::process::ExitCode::from(1));
        }
        Err(e) => return Err(anyhow::anyhow!("{e}")),
    };
    if let Some(code) = print_plan(file, &plan, errors_out, dry_run)? {
        return Ok(code);
    }
    let outcome = services.commit_member_import(&actor, &plan).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("已导入：新增 {}，变更 {}，未变 {}。", outcome.new, outcome.changed, outcome.unchanged);
    Ok(std::process::ExitCode::SUCCESS)
}

/// Prints what checking an import file found (counts, then every issue by row and column),
/// writes the annotated workbook when asked, and returns the exit code when the import stops
/// here: issues (nothing is written) or a dry run.
fn print_plan(
    file: &std::path::Path,
    plan: &services::import::PlanCheck,
    errors_out: Option<std::path::PathBuf>,
    dry_run: bool,
) -> Result<Option<std::process::ExitCode>> {
    println!(
        "{}：共 {} 行数据（表头在第 {} 行）：新增 {}，变更 {}，未变 {}，错误 {} 处",
        file.display(),
        plan.rows,
        plan.table.header_row,
        plan.new,
        plan.changed,
        plan.unchanged,
        plan.issues.len()
    );
    for i in &plan.issues {
        let col = if i.column_name.is_empty() { String::new() } else { format!("“{}”列", i.column_name) };
        println!("第 {} 行{}：{}", i.row_number, col, i.message);
    }
    if !plan.is_clean() {
        if let Some(out) = errors_out {
            std::fs::write(&out, plan.error_workbook().map_err(|e| anyhow::anyhow!("{e}"))?)?;
            println!("标注了错误的文件已写到 {}", out.display());
        }
        println!("有错误，未导入任何数据。请改正后重新导入。");
        return Ok(Some(std::process::ExitCode::from(1)));
    }
    if dry_run {
        println!("检查通过（--dry-run：未写入）。");
        return Ok(Some(std::process::ExitCode::SUCCESS));
    }
    Ok(None)
}

pub async fn import_orgs(services: &Services, file: &std::path::Path, dry_run: bool) -> Result<std::process::ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let actor = console_actor();
    let plan = match services.plan_org_import(&actor, &bytes).await {
        Ok(p) => p,
        Err(services::ServiceError::Invalid(e)) => {
            eprintln!("{}：{}", file.display(), e.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"));
            return Ok(std::process::ExitCode::from(1));
        }
        Err(e) => return Err(anyhow::anyhow!("{e}")),
    };
    if let Some(code) = print_plan(file, &plan, None, dry_run)? {
        return Ok(code);
    }
    let (new, changed) = services.commit_org_import(&actor, &plan).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("已导入：新增 {new}，变更 {changed}。");
    Ok(std::process::ExitCode::SUCCESS)
}
