//! `cargo xtask bench-check`: the full rules check (组织生活规则检查) of every org for one year,
//! and the recruitment deadlines of every open path (`zhibu recruitment deadlines`).
//!
//! Builds `zhibu` in release mode; for each backend (SQLite, a throwaway PostgreSQL cluster) it
//! loads a demo into a fresh data directory (`zhibu demo --scale S --as-of D`, which includes a
//! year of organizational-life records), then runs `zhibu check --year Y --as-of D --format
//! summary` twice (the first run right after the load, the second with warm caches), each under
//! `/usr/bin/time` for the wall time and the child's peak resident memory. The check prints a
//! `CHECK …` line with its own figures (orgs, findings, meetings read, seconds inside the
//! process). The result is a markdown snippet on stdout, with the machine and the exact command.

use crate::pg::PgCluster;
use crate::process::find_in_path;
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Demo to load: county, city or province.
    #[arg(long, default_value = "city")]
    scale: String,
    /// Backends to measure, comma-separated.
    #[arg(long, default_value = "sqlite,postgres")]
    backend: String,
    /// The demo's date and the check's as-of date.
    #[arg(long, default_value = "2026-11-21")]
    as_of: String,
    /// The year checked (default: the year before the as-of date's, the demo's full year).
    #[arg(long)]
    year: Option<i32>,
    /// Use the existing release binary instead of running `cargo build --release -p zhibu`.
    #[arg(long)]
    no_build: bool,
}

pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => crate::workspace_root().join(dir),
        _ => crate::workspace_root().join("target"),
    }
}

pub(crate) fn zhibu_binary(build: bool) -> Result<PathBuf> {
    if build {
        eprintln!("xtask bench-check: cargo build --release -p zhibu");
        let status = Command::new("cargo")
            .args(["build", "--release", "-p", "zhibu"])
            .current_dir(crate::workspace_root())
            .status()
            .context("run cargo build")?;
        if !status.success() {
            bail!("cargo build --release -p zhibu failed");
        }
    }
    let bin = target_dir().join("release").join("zhibu");
    if !bin.is_file() {
        bail!("{} does not exist (build it with `cargo build --release -p zhibu`)", bin.display());
    }
    Ok(bin)
}

/// `zhibu --data-dir DIR [--database-url URL] ARGS…`, run in the data directory without the
/// caller's ZHIBU_* settings.
pub(crate) fn zhibu(bin: &Path, data_dir: &Path, url: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("--data-dir").arg(data_dir).current_dir(data_dir).stdin(Stdio::null());
    if let Some(u) = url {
        cmd.arg("--database-url").arg(u);
    }
    cmd.args(args);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("ZHIBU_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

/// A run under `/usr/bin/time`: wall seconds, peak RSS in MiB, stdout.
pub(crate) struct Measured {
    pub seconds: f64,
    pub peak_mib: f64,
    pub stdout: String,
}

pub(crate) fn measured(cmd: &Command) -> Result<Measured> {
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
    let seconds: f64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(wall);
    let kib: f64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    Ok(Measured { seconds, peak_mib: kib / 1024.0, stdout })
}

/// The `key=value` pairs of the `CHECK …` line of `zhibu check --format summary` (or of the line
/// starting with `tag`).
fn check_line(stdout: &str) -> Result<BTreeMap<String, String>> {
    tagged_line(stdout, "CHECK ")
}

fn tagged_line(stdout: &str, tag: &str) -> Result<BTreeMap<String, String>> {
    let line = stdout.lines().find(|l| l.starts_with(tag)).with_context(|| format!("no {tag}line in the output"))?;
    Ok(line
        .split_whitespace()
        .skip(1)
        .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect())
}

pub(crate) fn machine() -> String {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    format!("{cpus} CPUs ({model}), {mem_gib:.1} GiB RAM, {}", std::env::consts::OS)
}

pub(crate) fn postgres_version() -> Option<String> {
    let bin = crate::pg::find_bin_dir()?;
    let out = Command::new(bin.join("postgres")).arg("--version").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned()).filter(|v| !v.is_empty())
}

pub(crate) fn database_mib(data_dir: &Path, url: Option<&str>) -> Option<f64> {
    let bytes: u64 = match url {
        None => ["zhibu.db", "zhibu.db-wal"]
            .iter()
            .filter_map(|f| std::fs::metadata(data_dir.join(f)).map(|m| m.len()).ok())
            .sum(),
        Some(u) => {
            let psql = crate::pg::find_bin_dir()?.join("psql");
            let out =
                Command::new(psql).args([u, "-Atc", "SELECT pg_database_size(current_database())"]).output().ok()?;
            String::from_utf8_lossy(&out.stdout).trim().parse().ok()?
        }
    };
    Some(bytes as f64 / 1024.0 / 1024.0)
}

pub fn run(args: Args) -> Result<()> {
    if find_in_path("time").is_none() && !Path::new("/usr/bin/time").is_file() {
        bail!("/usr/bin/time is not installed (Debian package `time`)");
    }
    let as_of = args.as_of.trim().to_string();
    let year = match args.year {
        Some(y) => y,
        None => as_of.get(..4).and_then(|y| y.parse::<i32>().ok()).context("--as-of must be YYYY-MM-DD")? - 1,
    };
    let bin = zhibu_binary(!args.no_build)?;
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut deadline_rows = Vec::new();
    for backend in args.backend.split(',').map(str::trim).filter(|b| !b.is_empty()) {
        if !matches!(backend, "sqlite" | "postgres") {
            bail!("unknown backend {backend}: use sqlite or postgres");
        }
        let dir = std::env::temp_dir().join(format!("zhibu-bench-check-{}-{backend}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let cluster = if backend == "postgres" { Some(PgCluster::start()?) } else { None };
        let url = cluster.as_ref().map(|c| c.url.clone());
        eprintln!("xtask bench-check: {backend}: zhibu demo --scale {} --as-of {as_of}", args.scale);
        let demo = measured(&zhibu(&bin, &dir, url.as_deref(), &["demo", "--scale", &args.scale, "--as-of", &as_of]))?;
        let loaded: Vec<String> = demo
            .stdout
            .lines()
            .filter(|l| l.starts_with("演示数据已装入") || l.starts_with("组织生活记录"))
            .map(|l| l.trim().to_string())
            .collect();
        eprintln!("xtask bench-check: {backend}: demo loaded in {:.1} s: {}", demo.seconds, loaded.join(" "));
        let size = database_mib(&dir, url.as_deref());
        let year_s = year.to_string();
        let check_args = ["check", "--year", year_s.as_str(), "--as-of", as_of.as_str(), "--format", "summary"];
        for run in ["first", "warm"] {
            let m = measured(&zhibu(&bin, &dir, url.as_deref(), &check_args))?;
            let c = check_line(&m.stdout)?;
            let get = |k: &str| c.get(k).cloned().unwrap_or_default();
            eprintln!(
                "xtask bench-check: {backend} ({run}): {:.2} s, {:.0} MiB: {}",
                m.seconds,
                m.peak_mib,
                get("orgs")
            );
            rows.push(format!(
                "| {backend} | {run} | {} | {} | {} | {} s | {} | {:.2} s | {:.0} MiB |",
                get("orgs"),
                get("meetings"),
                get("findings"),
                get("seconds"),
                get("org_years_per_second"),
                m.seconds,
                m.peak_mib
            ));
        }
        // The recruitment family alone over the whole tree: every open path's deadlines.
        let deadline_args = ["recruitment", "deadlines", "--as-of", as_of.as_str(), "--format", "summary"];
        for run in ["first", "warm"] {
            let m = measured(&zhibu(&bin, &dir, url.as_deref(), &deadline_args))?;
            let c = tagged_line(&m.stdout, "DEADLINES ")?;
            let get = |k: &str| c.get(k).cloned().unwrap_or_default();
            eprintln!("xtask bench-check: {backend} deadlines ({run}): {:.2} s: {} people", m.seconds, get("people"));
            deadline_rows.push(format!(
                "| {backend} | {run} | {} | {} | {} | {} | {} s | {:.2} s | {:.0} MiB |",
                get("branches"),
                get("people"),
                get("steps"),
                [get("violations"), get("warnings"), get("upcoming")].join(" / "),
                get("seconds"),
                m.seconds,
                m.peak_mib
            ));
        }
        notes.push(format!(
            "- {backend}: demo load {:.1} s (peak {:.0} MiB); {}; database {}",
            demo.seconds,
            demo.peak_mib,
            loaded.join(" "),
            size.map(|s| format!("{s:.0} MiB")).unwrap_or_else(|| "size unknown".into())
        ));
        drop(cluster);
        let _ = std::fs::remove_dir_all(&dir);
    }
    let mut out = String::new();
    let _ = writeln!(out, "\n## Full check ({} demo, year {year}, as of {as_of})\n", args.scale);
    let _ = writeln!(
        out,
        "| backend | run | orgs (org-years) | meetings read | findings | check (in process) | org-years/s | wall (process) | peak RSS |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        let _ = writeln!(out, "{r}");
    }
    let _ = writeln!(
        out,
        "\n### Recruitment deadlines of every open path (`zhibu recruitment deadlines --as-of {as_of}`)\n"
    );
    let _ = writeln!(
        out,
        "| backend | run | branches | people on the path | steps read | violations / warnings / upcoming | in process | wall (process) | peak RSS |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in &deadline_rows {
        let _ = writeln!(out, "{r}");
    }
    let _ = writeln!(out);
    for n in &notes {
        let _ = writeln!(out, "{n}");
    }
    let _ = writeln!(out, "\n**Machine:** {}", machine());
    if args.backend.contains("postgres")
        && let Some(v) = postgres_version()
    {
        let _ = writeln!(out, "PostgreSQL: {v} (throwaway cluster started by the tool).");
    }
    let _ = writeln!(
        out,
        "\n**Command:** `cargo xtask bench-check --scale {} --backend {} --as-of {as_of}` (each check: \
         `zhibu check --year {year} --as-of {as_of} --format summary` under `/usr/bin/time`).",
        args.scale, args.backend
    );
    println!("{out}");
    Ok(())
}
