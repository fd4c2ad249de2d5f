//! `cargo xtask bench-dues`: the month's close of every branch (`zhibu dues run --format
//! summary`) after loading a demo, on SQLite and PostgreSQL: wall time and peak memory.
//!
//! Builds `zhibu` in release mode; for each backend it loads the demo into a fresh data directory
//! (which includes every member's dues base and the months' payments), then runs the close of the
//! last month before the as-of date twice (right after the load, then with warm caches), each
//! under `/usr/bin/time`. The result is a markdown snippet with the machine and the command.

use crate::bench_check::{database_mib, machine, measured, postgres_version, zhibu, zhibu_binary};
use crate::pg::PgCluster;
use anyhow::{Context, Result, bail};
use std::fmt::Write as _;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Demo to load: county, city or province.
    #[arg(long, default_value = "city")]
    scale: String,
    /// Backends to measure, comma-separated.
    #[arg(long, default_value = "sqlite,postgres")]
    backend: String,
    /// The demo's date; the month closed is the one before it.
    #[arg(long, default_value = "2026-11-21")]
    as_of: String,
    /// Use the existing release binary instead of running `cargo build --release -p zhibu`.
    #[arg(long)]
    no_build: bool,
}

pub fn run(args: Args) -> Result<()> {
    let as_of =
        chrono::NaiveDate::parse_from_str(args.as_of.trim(), "%Y-%m-%d").context("--as-of must be YYYY-MM-DD")?;
    let month_day = as_of.checked_sub_months(chrono::Months::new(1)).context("--as-of too early")?;
    let month = month_day.format("%Y-%m").to_string();
    let as_of = args.as_of.trim().to_string();
    let bin = zhibu_binary(!args.no_build)?;
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for backend in args.backend.split(',').map(str::trim).filter(|b| !b.is_empty()) {
        if !matches!(backend, "sqlite" | "postgres") {
            bail!("unknown backend {backend}: use sqlite or postgres");
        }
        let dir = std::env::temp_dir().join(format!("zhibu-bench-dues-{}-{backend}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let cluster = if backend == "postgres" { Some(PgCluster::start()?) } else { None };
        let url = cluster.as_ref().map(|c| c.url.clone());
        eprintln!("xtask bench-dues: {backend}: zhibu demo --scale {} --as-of {as_of}", args.scale);
        let demo = measured(&zhibu(&bin, &dir, url.as_deref(), &["demo", "--scale", &args.scale, "--as-of", &as_of]))?;
        eprintln!("xtask bench-dues: {backend}: demo loaded in {:.1} s", demo.seconds);
        let size = database_mib(&dir, url.as_deref());
        for run in ["first", "warm"] {
            let m = measured(&zhibu(
                &bin,
                &dir,
                url.as_deref(),
                &["dues", "run", "--month", &month, "--format", "summary"],
            ))?;
            let line = m.stdout.lines().last().unwrap_or_default().trim().to_string();
            eprintln!("xtask bench-dues: {backend} ({run}): {:.2} s, {:.0} MiB: {line}", m.seconds, m.peak_mib);
            rows.push(format!("| {backend} | {run} | {:.2} s | {:.0} MiB | {line} |", m.seconds, m.peak_mib));
        }
        notes.push(format!(
            "- {backend}: demo load {:.1} s (peak {:.0} MiB); database {}",
            demo.seconds,
            demo.peak_mib,
            size.map(|s| format!("{s:.0} MiB")).unwrap_or_else(|| "size unknown".into())
        ));
        drop(cluster);
        let _ = std::fs::remove_dir_all(&dir);
    }
    let mut out = String::new();
    let _ = writeln!(out, "\n## Dues month close ({} demo, {month}, as of {as_of})\n", args.scale);
    let _ = writeln!(out, "| backend | run | wall (process) | peak RSS | zhibu dues run's summary |");
    let _ = writeln!(out, "|---|---|---:|---:|---|");
    for r in &rows {
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
        "\n**Command:** `cargo xtask bench-dues --scale {} --backend {} --as-of {as_of}` (each run: `zhibu dues run \
         --month {month} --format summary` under `/usr/bin/time`).",
        args.scale, args.backend
    );
    println!("{out}");
    Ok(())
}
