//! zhibu's project automation, run as `cargo xtask <command>`.

mod bench;
mod bench_check;
mod bench_dues;
mod bench_import;
mod bench_transfer;
mod counts;
mod deps;
mod fuzz;
mod pg;
mod process;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use crate::pg::PgCluster;
use crate::process::{CommandFailed, interrupted, run_step};

#[derive(Parser)]
#[command(name = "xtask", bin_name = "cargo xtask", about = "zhibu project automation")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// The CI pipeline: install missing system packages, check formatting,
    /// run clippy, then run every test against a throwaway PostgreSQL and a
    /// headless Chromium.
    Ci,
    /// Start a throwaway PostgreSQL cluster, print `ZHIBU_TEST_PG_URL=...` and
    /// keep it running until Ctrl-C or until stdin is closed.
    Pg,
    /// Install the missing system packages (Debian) and Rust components.
    Deps,
    /// Measure the HTTP API of a release build with wrk, on SQLite and on a
    /// throwaway PostgreSQL, over loopback; prints a markdown table.
    Bench(bench::BenchArgs),
    /// Measure importing a generated 50,000-row member workbook end to end (validation
    /// included) with a release build, on SQLite and PostgreSQL: wall time and peak memory.
    BenchImport(bench_import::Args),
    /// Fuzz the JSON API from its OpenAPI document with schemathesis against a debug build on
    /// loopback (bounded in time); fails on any 5xx or undocumented answer.
    FuzzApi,
    /// Measure the full rules check of every org for one year (zhibu check --format summary) with
    /// a release build after loading a demo, on SQLite and PostgreSQL: time, org-years per
    /// second, findings, peak memory.
    BenchCheck(bench_check::Args),
    /// Measure the dues month close of every branch (zhibu dues run --format summary) with a
    /// release build after loading a demo, on SQLite and PostgreSQL: time and peak memory.
    BenchDues(bench_dues::Args),
    /// Measure transfers of membership accepted while 32 clients read member lists, with a
    /// release build after loading a demo, on SQLite and PostgreSQL: the accepts' latency.
    BenchTransfer(bench_transfer::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(err) = process::install_signal_handlers() {
        eprintln!("xtask: error: {err:#}");
        return ExitCode::FAILURE;
    }
    let result = match cli.command {
        Cmd::Ci => ci(),
        Cmd::Pg => pg(),
        Cmd::Deps => deps::ensure(),
        Cmd::Bench(args) => bench::run(args),
        Cmd::BenchImport(args) => bench_import::run(args),
        Cmd::BenchCheck(args) => bench_check::run(args),
        Cmd::BenchDues(args) => bench_dues::run(args),
        Cmd::BenchTransfer(args) => bench_transfer::run(args),
        Cmd::FuzzApi => fuzz::run(),
    };
    // Every guard (e.g. the PostgreSQL cluster) has been dropped by now.
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            let code = if interrupted() {
                process::interrupted_exit_code()
            } else if let Some(failed) = err.downcast_ref::<CommandFailed>() {
                failed.exit_code()
            } else {
                1
            };
            ExitCode::from(u8::try_from(code).ok().filter(|&c| c != 0).unwrap_or(1))
        }
    }
}

/// The workspace root (the parent of this crate's directory).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives inside the workspace").to_path_buf()
}

fn cargo<const N: usize>(args: [&str; N]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(args).current_dir(workspace_root());
    cmd
}

/// Runs numbered steps, printing a banner before each and naming the step
/// that failed.
struct Pipeline {
    total: usize,
    done: usize,
    started: Instant,
}

impl Pipeline {
    fn new(total: usize) -> Pipeline {
        Pipeline { total, done: 0, started: Instant::now() }
    }

    fn step<T>(&mut self, name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if interrupted() {
            bail!("interrupted");
        }
        self.done += 1;
        let step = format!("step {}/{} ({name})", self.done, self.total);
        println!("\n==> xtask ci: {step}");
        let started = Instant::now();
        let value = f().with_context(|| format!("{step} failed"))?;
        if interrupted() {
            bail!("{step}: interrupted");
        }
        println!("==> xtask ci: {step} ok in {:.1}s", started.elapsed().as_secs_f64());
        Ok(value)
    }

    fn command(&mut self, cmd: &mut Command) -> Result<()> {
        let name = process::display(cmd);
        self.step(&name, || run_step(cmd))
    }
}

fn ci() -> Result<()> {
    let mut pipeline = Pipeline::new(9);

    pipeline.step("install missing system packages", deps::ensure)?;
    pipeline.step("install the OpenAPI validator if missing (pip)", fuzz::ensure_openapi_validator)?;
    pipeline.step("install cargo-nextest if missing", || {
        if process::succeeds(&mut cargo(["nextest", "--version"])) {
            return Ok(());
        }
        run_step(&mut cargo(["install", "cargo-nextest", "--locked"]))
    })?;
    pipeline.command(&mut cargo(["fmt", "--all", "--", "--check"]))?;
    pipeline.command(&mut cargo(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    let cluster = pipeline.step("start a throwaway PostgreSQL cluster", || {
        let cluster = PgCluster::start()?;
        println!("ZHIBU_TEST_PG_URL={}", cluster.url);
        Ok(cluster)
    })?;

    let test_env = [
        ("ZHIBU_TEST_PG_URL", cluster.url.as_str()),
        ("ZHIBU_REQUIRE_PG", "1"),
        ("ZHIBU_REQUIRE_BROWSER", "1"),
        ("ZHIBU_REQUIRE_FONT", "1"),
        ("ZHIBU_CHROMEDRIVER", "/usr/bin/chromedriver"),
        ("ZHIBU_CHROMIUM", "/usr/bin/chromium"),
    ];
    let junit = workspace_root().join("target/nextest/ci/junit.xml");
    let _ = std::fs::remove_file(&junit);
    let tests = pipeline.command(cargo(["nextest", "run", "--workspace", "--profile", "ci"]).envs(test_env));
    // The counts are printed whether or not a test failed.
    let counts = counts::report(&junit);
    tests?;
    counts?;
    pipeline.command(cargo(["test", "--workspace", "--doc"]).envs(test_env))?;

    drop(cluster);
    pipeline.step("fuzz the JSON API from its OpenAPI document (schemathesis)", fuzz::run)?;
    println!("\n==> xtask ci: all {} steps passed in {:.0}s", pipeline.total, pipeline.started.elapsed().as_secs_f64());
    Ok(())
}

fn pg() -> Result<()> {
    let cluster = PgCluster::start()?;
    println!("ZHIBU_TEST_PG_URL={}", cluster.url);
    eprintln!(
        "xtask: PostgreSQL is running in {} (log: {}); press Ctrl-C or close stdin to stop it",
        cluster.dir().display(),
        cluster.log_path().display()
    );

    let stdin_closed = Arc::new(AtomicBool::new(false));
    watch_stdin(Arc::clone(&stdin_closed));
    while !interrupted() && !stdin_closed.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("xtask: stopping PostgreSQL");
    drop(cluster);
    Ok(())
}

/// Sets `closed` once stdin reaches end of file (or can no longer be read).
fn watch_stdin(closed: Arc<AtomicBool>) {
    // Reading a terminal from a background job would stop the whole process
    // (SIGTTIN); ignore that signal so the read fails with EIO instead.
    // SAFETY: setting a signal's disposition to SIG_IGN.
    unsafe {
        libc::signal(libc::SIGTTIN, libc::SIG_IGN);
    }
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = [0u8; 4096];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                // A background job on a terminal: wait to be foregrounded.
                Err(err) if err.raw_os_error() == Some(libc::EIO) => {
                    std::thread::sleep(Duration::from_secs(1));
                }
                Err(_) => break,
            }
        }
        closed.store(true, Ordering::SeqCst);
    });
}
