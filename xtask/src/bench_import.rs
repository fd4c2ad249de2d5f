//! `cargo xtask bench-import`: the roster import benchmark. Builds zhibu in release mode, loads
//! the county demo, generates a workbook of new members (valid, unique ID numbers, placed
//! round-robin in the demo's branches by name path), and times `zhibu import members` on it,
//! first checking only (`--dry-run`) and then importing, on SQLite and on a throwaway
//! PostgreSQL. Peak memory is the child's maximum resident set size (getrusage).

use crate::pg::PgCluster;
use anyhow::{Context, Result, bail};
use chrono::{Days, Months, NaiveDate};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Rows in the generated workbook.
    #[arg(long, default_value_t = 50_000)]
    rows: usize,
    /// Backends to measure, comma-separated.
    #[arg(long, default_value = "sqlite,postgres")]
    backend: String,
    /// Keep the SQLite data directory (for profiling) and print where it is.
    #[arg(long)]
    keep: bool,
}

const HEADERS: [&str; 12] = [
    "姓名",
    "性别",
    "民族",
    "公民身份号码",
    "学历",
    "入党日期",
    "转正日期",
    "人员类别",
    "所在党组织",
    "手机号",
    "工作单位",
    "党费类别",
];

fn zhibu_binary() -> Result<PathBuf> {
    let status = Command::new("cargo").args(["build", "--release", "-p", "zhibu"]).status()?;
    if !status.success() {
        bail!("cargo build --release -p zhibu failed");
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).join("target"));
    Ok(target.join("release").join("zhibu"))
}

fn zhibu(bin: &Path, data_dir: &Path, url: Option<&str>) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("--data-dir").arg(data_dir).current_dir(data_dir).stdin(Stdio::null());
    if let Some(u) = url {
        cmd.arg("--database-url").arg(u);
    }
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("ZHIBU_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

/// Runs a command under `/usr/bin/time` and returns (seconds, its peak RSS in MiB, stdout).
fn measured(cmd: Command) -> Result<(f64, f64, String)> {
    let mut timed = Command::new("/usr/bin/time");
    timed.arg("-f").arg("XTASK_TIME %e %M").arg(cmd.get_program()).args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        timed.current_dir(dir);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => timed.env(k, v),
            None => timed.env_remove(k),
        };
    }
    let started = Instant::now();
    let out = timed.stdin(Stdio::null()).output().context("run /usr/bin/time (Debian package `time`)")?;
    let wall = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    if !out.status.success() {
        bail!("{cmd:?} failed:\n{stdout}\n{stderr}");
    }
    let line = stderr.lines().rev().find(|l| l.starts_with("XTASK_TIME ")).context("no /usr/bin/time line")?;
    let mut parts = line.split_whitespace().skip(1);
    let secs: f64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(wall);
    let kib: f64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    Ok((secs, kib / 1024.0, stdout))
}

fn check_digit(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.chars().zip(W).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize]
}

fn generate(rows: usize, branches: &[String]) -> Result<Vec<u8>> {
    const SURNAMES: [&str; 12] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"];
    const GIVEN: [&str; 12] = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳"];
    let start = NaiveDate::from_ymd_opt(1965, 1, 1).context("date")?;
    let mut out = Vec::with_capacity(rows);
    for i in 0..rows {
        // 300 people per birth date with distinct sequence numbers; area 110108 (not the demo's).
        let birth = start + Days::new((i / 300) as u64);
        let female = i % 5 < 3;
        let seq = (i % 300) * 2 + usize::from(!female) + 300;
        let first17 = format!("110108{}{:03}", birth.format("%Y%m%d"), seq % 1000);
        let id = format!("{first17}{}", check_digit(&first17));
        let joined = birth.checked_add_months(Months::new(12 * 25)).context("date")? + Days::new((i % 3000) as u64);
        let confirmed = joined.checked_add_months(Months::new(12)).context("date")?;
        out.push(vec![
            format!("{}{}{}", SURNAMES[i % 12], GIVEN[(i / 12) % 12], GIVEN[(i / 144) % 12]),
            if female { "女" } else { "男" }.to_string(),
            "汉族".into(),
            id,
            "大学".into(),
            joined.format("%Y-%m-%d").to_string(),
            confirmed.format("%Y-%m-%d").to_string(),
            "正式党员".into(),
            branches[i % branches.len()].clone(),
            format!("139{:08}", i),
            "县第一小学".into(),
            "在职".into(),
        ]);
    }
    reports::write::write_xlsx(&[reports::write::SheetSpec {
        name: "党员信息",
        title: None,
        headers: &HEADERS,
        rows: &out,
        text_columns: &[3, 9],
    }])
    .map_err(|e| anyhow::anyhow!("{e}"))
}

pub fn run(args: Args) -> Result<()> {
    let bin = zhibu_binary()?;
    let mut lines = Vec::new();
    for backend in args.backend.split(',').map(str::trim) {
        let dir = std::env::temp_dir().join(format!("zhibu-bench-import-{}-{backend}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let cluster = if backend == "postgres" { Some(PgCluster::start()?) } else { None };
        let url = cluster.as_ref().map(|c| c.url.clone());
        let out = zhibu(&bin, &dir, url.as_deref()).args(["demo", "--scale", "county"]).output()?;
        if !out.status.success() {
            bail!("demo failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let orgs = dir.join("orgs.csv");
        let out = zhibu(&bin, &dir, url.as_deref()).args(["export", "orgs"]).arg(&orgs).output()?;
        if !out.status.success() {
            bail!("export orgs failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let table = reports::sheet::read_table(&std::fs::read(&orgs)?, &|h: &str| h == "组织路径" || h == "组织类别")
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let kind = table.headers.iter().position(|h| h == "组织类别").context("组织类别")?;
        let path = table.headers.iter().position(|h| h == "组织路径").context("组织路径")?;
        let branches: Vec<String> =
            table.rows.iter().filter(|r| r.cells[kind].text == "党支部").map(|r| r.cells[path].text.clone()).collect();
        let file = dir.join("members-50k.xlsx");
        std::fs::write(&file, generate(args.rows, &branches)?)?;
        let size_mb = std::fs::metadata(&file)?.len() as f64 / 1e6;
        eprintln!("xtask bench-import: {backend}: {} rows, {:.1} MB, {} branches", args.rows, size_mb, branches.len());
        let mut check = zhibu(&bin, &dir, url.as_deref());
        check.args(["import", "members", "--dry-run"]).arg(&file);
        let (check_s, check_mb, _) = measured(check)?;
        let mut import = zhibu(&bin, &dir, url.as_deref());
        import.args(["import", "members"]).arg(&file);
        let (import_s, import_mb, stdout) = measured(import)?;
        if !stdout.contains(&format!("新增 {}", args.rows)) {
            bail!("the import did not add every row:\n{stdout}");
        }
        lines.push(format!(
            "| {backend} | {} | {:.1} MB | {check_s:.2} s | {check_mb:.0} MiB | {import_s:.2} s | {import_mb:.0} MiB |",
            args.rows, size_mb
        ));
        drop(cluster);
        if args.keep && backend == "sqlite" {
            eprintln!("xtask bench-import: kept {}", dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    println!("| backend | rows | file | check only (--dry-run) | peak RSS | check + import | peak RSS |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for l in lines {
        println!("{l}");
    }
    println!("\nCommand: `cargo xtask bench-import --rows {}`", args.rows);
    Ok(())
}
