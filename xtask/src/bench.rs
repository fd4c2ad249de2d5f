//! `cargo xtask bench`: HTTP throughput of the real binary on loopback.
//!
//! For each backend (SQLite, then a throwaway PostgreSQL cluster) this builds
//! `zhibu` in release mode, fills a fresh database with `zhibu demo --scale
//! county`, creates an API token for the education bureau's organization
//! administrator, starts `zhibu serve` on a free loopback port and measures
//! three endpoints with `wrk`:
//!
//! * the ceiling: `GET /api/v1/health` (fixed JSON, no database);
//! * a member list: `GET /api/v1/members?org=<general branch>&status=full&per_page=20`;
//! * a member record: `GET /api/v1/members/<id>`;
//! * the home page's to-do list of that administrator: `GET /api/v1/todo` (the subtree's orgs with
//!   the most overdue, from a full check of the subtree, kept until the next write);
//!
//! and, on a second server with the member-list cache off, the same list and two searches
//! whose every request differs, and the to-do list computed afresh each time, (a wrk Lua script cycles through the URLs, so no cache can
//! answer): a name prefix (`?q=王&status=all`, some 300 prefixes) and a subtree with a status
//! (`?org=<id>&status=full`, up to 300 committees, 300 general branches and 300 branches).
//! `--scale city|province` loads the bulk demos instead of the county one.
//!
//! The result is a markdown table (plus the machine and the exact command) on
//! stdout, ready for docs/benchmarks.md; progress goes to stderr.

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use serde_json::Value;

use crate::pg::PgCluster;
use crate::process::{display, find_in_path, interrupted, run_captured};
use crate::workspace_root;

/// How long `zhibu serve` may take to answer its health check.
const SERVE_READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Timeout of each request made by the built-in HTTP client.
pub(crate) const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Seconds each wrk run lasts.
    #[arg(long, default_value_t = 10)]
    duration: u32,
    /// wrk threads (-t).
    #[arg(long, default_value_t = 2)]
    threads: u32,
    /// wrk connections (-c).
    #[arg(long, default_value_t = 32)]
    connections: u32,
    /// Backends to measure (repeat or comma-separate; default: both).
    #[arg(long = "backend", value_enum, value_delimiter = ',')]
    backends: Vec<Backend>,
    /// Use the existing release binary instead of running `cargo build --release -p zhibu`.
    #[arg(long)]
    no_build: bool,
    /// Demo to load: county (~3,000 members), city (~50,000) or province (~5,000,000).
    #[arg(long, value_enum, default_value_t = Scale::County)]
    scale: Scale,
    /// Seconds of wrk before each search run, not measured (fills the caches of the database).
    #[arg(long, default_value_t = 5)]
    warmup: u32,
    /// PostgreSQL only: measure against this database, already filled by `zhibu demo`, instead
    /// of a throwaway cluster (for repeated runs at province scale; the load is not timed).
    #[arg(long)]
    database_url: Option<String>,
    /// Measure only the two searches (cache off), not the other endpoints.
    #[arg(long)]
    search_only: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Scale {
    County,
    City,
    Province,
}

impl Scale {
    fn name(self) -> &'static str {
        match self {
            Scale::County => "county",
            Scale::City => "city",
            Scale::Province => "province",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// One measured endpoint.
struct Endpoint {
    label: &'static str,
    path: String,
    /// The server that answers it (`127.0.0.1:PORT`).
    listen: String,
    /// A wrk Lua script that cycles through many paths (then `path` is only the first).
    script: Option<PathBuf>,
    /// Connections for this endpoint instead of `--connections`: a request that checks a whole
    /// subtree is measured one or two at a time, as people open their home pages, not 32 at once.
    connections: Option<u32>,
}

/// One row of the result table.
struct Row {
    backend: Backend,
    endpoint: &'static str,
    stats: WrkStats,
    ceiling_rps: f64,
}

/// What one backend's setup produced, for the notes under the table.
struct BackendNotes {
    backend: Backend,
    demo_seconds: f64,
    /// What `zhibu demo` reported loading.
    demo_summary: Option<String>,
    /// SQLite: the database file; PostgreSQL: `pg_database_size`.
    database_bytes: Option<u64>,
    members_total: Option<u64>,
    orgs: usize,
    list_total: Option<u64>,
    prefixes: usize,
    subtrees: usize,
    server_version: Option<String>,
}

pub fn run(args: BenchArgs) -> Result<()> {
    if find_in_path("wrk").is_none() {
        bail!("wrk is not installed (Debian package `wrk`; `cargo xtask deps` installs it as root)");
    }
    let backends =
        if args.backends.is_empty() { vec![Backend::Sqlite, Backend::Postgres] } else { args.backends.clone() };

    let zhibu = if args.no_build { default_release_binary() } else { build_release()? };
    if !zhibu.is_file() {
        bail!("{} does not exist (build it with `cargo build --release -p zhibu`)", zhibu.display());
    }
    eprintln!("xtask bench: using {}", zhibu.display());

    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut wrk_commands = Vec::new();
    for backend in backends {
        check_interrupted()?;
        let (backend_rows, backend_notes, commands) =
            bench_backend(&zhibu, backend, &args).with_context(|| format!("benchmark on {} failed", backend.name()))?;
        rows.extend(backend_rows);
        notes.push(backend_notes);
        for command in commands {
            if !wrk_commands.contains(&command) {
                wrk_commands.push(command);
            }
        }
    }

    println!("{}", report(args.scale, &rows, &notes, &wrk_commands));
    Ok(())
}

fn check_interrupted() -> Result<()> {
    if interrupted() {
        bail!("interrupted");
    }
    Ok(())
}

/// `cargo build --release -p zhibu`, returning the path of the built binary
/// as cargo reports it (so CARGO_TARGET_DIR and cargo config are honoured).
fn build_release() -> Result<PathBuf> {
    let mut cmd = Command::new("cargo");
    cmd.args(["build", "--release", "-p", "zhibu", "--message-format=json-render-diagnostics"])
        .current_dir(workspace_root())
        .stdout(Stdio::piped());
    eprintln!("xtask bench: cargo build --release -p zhibu");
    let what = display(&cmd);
    let mut child = cmd.spawn().with_context(|| format!("could not start `{what}`"))?;
    let stdout = child.stdout.take().context("cargo's stdout was not captured")?;
    let mut executable = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.context("could not read cargo's output")?;
        let Ok(message) = serde_json::from_str::<Value>(&line) else { continue };
        if message["reason"] == "compiler-artifact"
            && message["target"]["name"] == "zhibu"
            && let Some(path) = message["executable"].as_str()
        {
            executable = Some(PathBuf::from(path));
        }
    }
    let status = child.wait().with_context(|| format!("could not wait for `{what}`"))?;
    if !status.success() {
        bail!("`{what}` failed ({status})");
    }
    Ok(executable.unwrap_or_else(default_release_binary))
}

fn default_release_binary() -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    };
    target.join("release").join("zhibu")
}

fn bench_backend(zhibu: &Path, backend: Backend, args: &BenchArgs) -> Result<(Vec<Row>, BackendNotes, Vec<String>)> {
    eprintln!("\n==> xtask bench: {}", backend.name());
    let data_dir = TempDir::new("zhibu-bench")?;
    // Declared before the server so that it is dropped after it.
    let cluster = match backend {
        Backend::Sqlite => None,
        Backend::Postgres if args.database_url.is_some() => None,
        Backend::Postgres => {
            eprintln!("xtask bench: starting a throwaway PostgreSQL cluster");
            Some(PgCluster::start()?)
        }
    };
    let database_url = match backend {
        Backend::Postgres => args.database_url.clone().or_else(|| cluster.as_ref().map(|c| c.url.clone())),
        Backend::Sqlite => None,
    };
    let zhibu_cmd = |args: &[&str]| {
        let mut cmd = Command::new(zhibu);
        cmd.arg("--data-dir").arg(data_dir.path());
        if let Some(url) = &database_url {
            cmd.arg("--database-url").arg(url);
        }
        // Run inside the data directory (no stray ./zhibu.toml) and without
        // the caller's ZHIBU_* settings.
        cmd.args(args).current_dir(data_dir.path()).stdin(Stdio::null());
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("ZHIBU_") {
                cmd.env_remove(name);
            }
        }
        cmd
    };

    let scale = args.scale.name();
    let reused = backend == Backend::Postgres && args.database_url.is_some();
    let (demo_seconds, demo_summary) = if reused {
        eprintln!("xtask bench: measuring the database given by --database-url (its demo load is not timed)");
        (f64::NAN, None)
    } else {
        eprintln!("xtask bench: zhibu demo --scale {scale}");
        let started = Instant::now();
        let out = run_captured(&mut zhibu_cmd(&["demo", "--scale", scale]))?;
        let demo_seconds = started.elapsed().as_secs_f64();
        // "演示数据已装入：N 个组织，M 名党员。"
        let demo_summary = String::from_utf8_lossy(&out.stdout)
            .lines()
            .find(|l| l.starts_with("演示数据已装入"))
            .map(|l| l.trim().to_owned());
        eprintln!("xtask bench: demo data loaded in {demo_seconds:.1}s");
        (demo_seconds, demo_summary)
    };
    let database_bytes = match &database_url {
        None => Some(
            ["zhibu.db", "zhibu.db-wal"]
                .iter()
                .filter_map(|f| fs::metadata(data_dir.path().join(f)).map(|m| m.len()).ok())
                .sum::<u64>(),
        ),
        Some(url) => postgres_database_size(url),
    };
    check_interrupted()?;

    let out = run_captured(&mut zhibu_cmd(&["admin", "token", "--username", "jiaoyuju", "--name", "bench"]))?;
    let token = String::from_utf8(out.stdout).context("the token is not UTF-8")?.trim().to_owned();
    if !token.starts_with("zb_") || token.contains(char::is_whitespace) {
        bail!("`zhibu admin token` printed {token:?}, expected one token starting with zb_");
    }

    let port = free_loopback_port()?;
    let listen = format!("127.0.0.1:{port}");
    let log_path = data_dir.path().join("serve.log");
    let mut server = Server::spawn(zhibu_cmd(&["serve", "--listen", &listen]), &log_path)?;
    server.wait_ready(port)?;
    eprintln!("xtask bench: zhibu serve is ready on {listen}");
    // A second server on the same database with the member-list cache off, so the table shows
    // what a list costs when it must be computed (a first visit, or right after a write).
    let port_nc = free_loopback_port()?;
    let listen_nc = format!("127.0.0.1:{port_nc}");
    let mut cmd_nc = zhibu_cmd(&["serve", "--listen", &listen_nc]);
    cmd_nc.env("ZHIBU_LIST_CACHE_MS", "0");
    let mut server_nc = Server::spawn(cmd_nc, &data_dir.path().join("serve-nocache.log"))?;
    server_nc.wait_ready(port_nc)?;

    let auth = format!("Bearer {token}");
    let orgs = get_json(port, "/api/v1/orgs", &auth)?;
    let orgs = orgs["orgs"].as_array().context("GET /api/v1/orgs: no `orgs` array")?;
    let general_branch = orgs
        .iter()
        .find(|org| org["kind"] == "general_branch")
        .context("GET /api/v1/orgs: no org of kind general_branch")?;
    let gb_id = id_string(&general_branch["id"]).context("the general branch has no id")?;
    let members = get_json(port, "/api/v1/members?per_page=1", &auth)?;
    let member_id = members["members"]
        .as_array()
        .and_then(|m| m.first())
        .and_then(|m| id_string(&m["id"]))
        .context("GET /api/v1/members?per_page=1: no member with an id")?;
    let members_total = members["total"].as_u64();

    // The searches: every request a different URL, on the server without the list cache.
    let prefix_paths: Vec<String> =
        search_prefixes().iter().map(|p| format!("/api/v1/members?q={}&status=all", percent_encode(p))).collect();
    let subtree_paths: Vec<String> =
        sample_orgs(orgs).iter().map(|id| format!("/api/v1/members?org={id}&status=full")).collect();
    let prefix_script = data_dir.path().join("search-prefix.lua");
    let subtree_script = data_dir.path().join("search-subtree.lua");
    write_script(&prefix_script, &prefix_paths)?;
    write_script(&subtree_script, &subtree_paths)?;

    let endpoints = [
        Endpoint {
            label: "ceiling: GET /api/v1/health",
            path: "/api/v1/health".to_owned(),
            listen: listen.clone(),
            script: None,
            connections: None,
        },
        Endpoint {
            label: "member list: GET /api/v1/members?org=…&status=full&per_page=20",
            path: format!("/api/v1/members?org={gb_id}&status=full&per_page=20"),
            listen: listen.clone(),
            script: None,
            connections: None,
        },
        Endpoint {
            label: "member detail: GET /api/v1/members/{id}",
            path: format!("/api/v1/members/{member_id}"),
            listen: listen.clone(),
            script: None,
            connections: None,
        },
        Endpoint {
            label: "member list, cache off (ZHIBU_LIST_CACHE_MS=0)",
            path: format!("/api/v1/members?org={gb_id}&status=full&per_page=20"),
            listen: listen_nc.clone(),
            script: None,
            connections: None,
        },
        Endpoint {
            label: "search by name prefix, cache off: ?q=<one of many prefixes>&status=all",
            path: prefix_paths[0].clone(),
            listen: listen_nc.clone(),
            script: Some(prefix_script),
            connections: None,
        },
        Endpoint {
            label: "search by subtree + status, cache off: ?org=<one of many orgs>&status=full",
            path: subtree_paths.first().cloned().context("no org to search in")?,
            listen: listen_nc.clone(),
            script: Some(subtree_script),
            connections: None,
        },
        Endpoint {
            label: "home to-do of the committee's admin: GET /api/v1/todo",
            path: "/api/v1/todo".to_owned(),
            listen: listen.clone(),
            script: None,
            connections: None,
        },
        Endpoint {
            label: "home to-do, cache off (the subtree's full check every request), 2 connections",
            path: "/api/v1/todo".to_owned(),
            listen: listen_nc.clone(),
            script: None,
            connections: Some(2),
        },
    ];
    // One request each first, so a broken endpoint fails with its body
    // rather than as a count of non-2xx responses.
    let list = get_json(port, &endpoints[1].path, &auth)?;
    let list_total = list["total"].as_u64();
    if list["members"].as_array().is_none_or(|m| m.is_empty()) {
        bail!("GET {}: the member list is empty; nothing to measure", endpoints[1].path);
    }
    get_json(port, &endpoints[2].path, &auth)?;
    get_json(port, &endpoints[0].path, "")?;
    let todo = get_json(port_nc, "/api/v1/todo", &auth)?;
    if todo["subtrees"].as_array().is_none_or(|t| t.is_empty()) {
        bail!("GET /api/v1/todo: the committee's admin has no subtree list: {todo}");
    }
    for path in prefix_paths.iter().take(3).chain(subtree_paths.iter().take(3)) {
        get_json(port_nc, path, &auth)?;
    }

    let mut rows: Vec<Row> = Vec::new();
    let mut commands = Vec::new();
    let mut ceiling_rps = f64::NAN;
    for (i, endpoint) in endpoints.iter().enumerate() {
        check_interrupted()?;
        if args.search_only && endpoint.script.is_none() {
            continue;
        }
        let url = match &endpoint.script {
            Some(_) => format!("http://{}", endpoint.listen),
            None => format!("http://{}{}", endpoint.listen, endpoint.path),
        };
        let wrk_cmd = |seconds: u32| {
            let mut wrk = Command::new("wrk");
            wrk.arg(format!("-t{}", args.threads))
                .arg(format!("-c{}", endpoint.connections.unwrap_or(args.connections)))
                .arg(format!("-d{seconds}s"))
                .arg("--timeout")
                .arg("30s")
                .arg("--latency")
                .arg("-H")
                .arg(format!("Authorization: {auth}"));
            if let Some(script) = &endpoint.script {
                wrk.arg("-s").arg(script);
            }
            wrk.arg(&url).stdin(Stdio::null());
            wrk
        };
        if endpoint.script.is_some() && args.warmup > 0 {
            eprintln!("xtask bench: {}s of warm-up for {}", args.warmup, endpoint.label);
            run_captured(&mut wrk_cmd(args.warmup))?;
        }
        let mut wrk = wrk_cmd(args.duration);
        let shown = display(&wrk).replace(&token, "$TOKEN").replace(&data_dir.path().display().to_string(), "$DATA");
        eprintln!("xtask bench: {shown}");
        commands.push(shown.replace(&listen, "127.0.0.1:$PORT").replace(&listen_nc, "127.0.0.1:$PORT_NOCACHE"));
        let out = run_captured(&mut wrk)?;
        let text = String::from_utf8_lossy(&out.stdout);
        let stats = parse_wrk(&text).with_context(|| format!("could not parse wrk's output:\n{text}"))?;
        if stats.non_2xx > 0 {
            bail!(
                "{}: {} of {} responses were not 2xx/3xx (see {}):\n{text}",
                endpoint.label,
                stats.non_2xx,
                stats.requests,
                log_path.display()
            );
        }
        if i == 0 {
            ceiling_rps = stats.requests_per_sec;
        }
        eprintln!(
            "xtask bench: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
            stats.requests_per_sec, stats.p50_ms, stats.p99_ms
        );
        rows.push(Row { backend, endpoint: endpoint.label, stats, ceiling_rps });
    }

    server.stop()?;
    server_nc.stop()?;
    let server_version = database_url.as_ref().and_then(|_| postgres_version());
    drop(cluster);
    let notes = BackendNotes {
        backend,
        demo_seconds,
        demo_summary,
        database_bytes,
        members_total,
        orgs: orgs.len(),
        list_total,
        prefixes: prefix_paths.len(),
        subtrees: subtree_paths.len(),
        server_version,
    };
    Ok((rows, notes, commands))
}

/// An id as it appears in a URL: a JSON number or string.
fn id_string(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// Name prefixes to search for: common surnames, then surname and a first given character.
fn search_prefixes() -> Vec<String> {
    const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程\
                            苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾\
                            毛郝龚邵万钱严覃武戴莫孔向汤常牛";
    const GIVEN: &str = "建国明文华小晓海志红春永立子思一嘉安晨秋";
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    let mut out: Vec<String> = surnames.iter().map(|s| s.to_string()).collect();
    for (i, g) in given.iter().enumerate() {
        for s in surnames.iter().skip(i % 3).step_by(3).take(10) {
            out.push(format!("{s}{g}"));
        }
    }
    out
}

/// Up to 300 each of the committees, general branches and branches, spread over the tree.
pub(crate) fn sample_orgs(orgs: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for kind in ["committee", "general_branch", "branch"] {
        let mut ids: Vec<i64> = orgs.iter().filter(|o| o["kind"] == kind).filter_map(|o| o["id"].as_i64()).collect();
        ids.sort_unstable();
        let k = ids.len().min(300);
        out.extend((0..k).map(|i| ids[i * ids.len() / k].to_string()));
    }
    // Interleaved, so that a run of the script mixes sizes.
    let mut mixed = Vec::with_capacity(out.len());
    let third = out.len().div_ceil(3);
    for i in 0..third {
        mixed.extend(out.iter().skip(i).step_by(third).cloned());
    }
    mixed
}

/// Percent-encodes everything but unreserved ASCII (for a query value).
fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A wrk script that sends `paths` in turn; each thread starts at its own place in the list.
pub(crate) fn write_script(file: &Path, paths: &[String]) -> Result<()> {
    let mut lua = String::from("-- generated by cargo xtask bench\nlocal paths = {\n");
    for p in paths {
        let _ = writeln!(lua, "  \"{p}\",");
    }
    lua.push_str(
        "}\nlocal threads = 0\nfunction setup(thread)\n  thread:set(\"first\", threads * 97)\n  threads = threads + 1\nend\n\
         local i = 0\nfunction init(args)\n  i = (first or 0) % #paths\nend\n\
         function request()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n",
    );
    fs::write(file, lua).with_context(|| format!("could not write {}", file.display()))
}

/// `pg_database_size` of the database at `url`, with psql from the server's bin directory.
fn postgres_database_size(url: &str) -> Option<u64> {
    let psql = crate::pg::find_bin_dir()?.join("psql");
    let out = Command::new(psql).args([url, "-Atc", "SELECT pg_database_size(current_database())"]).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn postgres_version() -> Option<String> {
    let bin = crate::pg::find_bin_dir()?;
    let out = Command::new(bin.join("postgres")).arg("--version").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned()).filter(|v| !v.is_empty())
}

fn report(scale: Scale, rows: &[Row], notes: &[BackendNotes], wrk_commands: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n## zhibu HTTP benchmark\n");
    let _ = writeln!(out, "| backend | endpoint | req/s | p50 ms | p99 ms | % of ceiling |");
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|");
    for row in rows {
        let pct = 100.0 * row.stats.requests_per_sec / row.ceiling_rps;
        let pct = if pct.is_finite() { format!("{pct:.0}%") } else { "–".to_owned() };
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {:.2} | {:.2} | {pct} |",
            row.backend.name(),
            row.endpoint,
            row.stats.requests_per_sec,
            row.stats.p50_ms,
            row.stats.p99_ms,
        );
    }
    let socket_errors: Vec<String> = rows
        .iter()
        .filter_map(|r| r.stats.socket_errors.as_ref().map(|e| format!("{} / {}: {e}", r.backend.name(), r.endpoint)))
        .collect();
    if !socket_errors.is_empty() {
        let _ = writeln!(out, "\nwrk reported socket errors:");
        for line in socket_errors {
            let _ = writeln!(out, "- {line}");
        }
    }

    let _ = writeln!(out, "\nData: `zhibu demo --scale {}`.", scale.name());
    for n in notes {
        if n.demo_seconds.is_nan() {
            let _ = write!(out, "- {}: an existing demo database (--database-url)", n.backend.name());
        } else {
            let _ = write!(out, "- {}: demo loaded in {:.1} s", n.backend.name(), n.demo_seconds);
        }
        if let Some(summary) = &n.demo_summary {
            let _ = write!(out, " ({summary})");
        }
        if let Some(bytes) = n.database_bytes {
            let _ = write!(out, "; database {:.1} MiB", bytes as f64 / 1024.0 / 1024.0);
        }
        if let Some(total) = n.members_total {
            let _ = write!(out, "; jiaoyuju's member list counts {total} (counting stops past 1,000)");
        }
        let _ = write!(out, "; {} orgs", n.orgs);
        if let Some(total) = n.list_total {
            let _ = write!(out, "; the measured general branch lists {total} full members");
        }
        let _ = write!(out, "; the searches cycle through {} name prefixes and {} orgs", n.prefixes, n.subtrees);
        if let Some(version) = &n.server_version {
            let _ = write!(out, "; {version} (xtask's cluster, fsync off)");
        }
        let _ = writeln!(out, ".");
    }

    let _ = writeln!(out, "\nMachine: {}.", machine_info());
    let _ = writeln!(
        out,
        "wrk and the server share this machine and talk over loopback; {}; each endpoint is measured once, \
         after one request to check it works (the searches also after a warm-up run of wrk).",
        wrk_version().unwrap_or_else(|| "wrk".to_owned())
    );
    let _ = writeln!(out, "\nCommand: `{}`", invocation());
    let _ = writeln!(out, "\nwrk runs (the token is created by `zhibu admin token --username jiaoyuju --name bench`):");
    let _ = writeln!(out, "```");
    for command in wrk_commands {
        let _ = writeln!(out, "{command}");
    }
    let _ = writeln!(out, "```");
    out
}

/// How this run was started, as the user typed it (roughly).
fn invocation() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut line = String::from("cargo xtask");
    for arg in args {
        line.push(' ');
        line.push_str(&arg);
    }
    line
}

fn machine_info() -> String {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let model = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let ram = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.1} GiB RAM", kib / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "unknown RAM".to_owned());
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").map(|s| s.trim().to_owned()).unwrap_or_default();
    format!("{cpus} CPUs ({model}), {ram}, Linux {kernel}")
}

fn wrk_version() -> Option<String> {
    let out = Command::new("wrk").arg("-v").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let first = text.lines().next()?;
    // "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer"
    let version = first.split(" Copyright").next()?.trim().to_owned();
    Some(version).filter(|v| v.starts_with("wrk"))
}

/// The numbers we take from one wrk run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WrkStats {
    pub(crate) requests_per_sec: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    requests: u64,
    pub(crate) non_2xx: u64,
    /// The "Socket errors:" line, if wrk printed one.
    socket_errors: Option<String>,
}

/// Parses wrk's `--latency` report.
pub(crate) fn parse_wrk(text: &str) -> Result<WrkStats> {
    let mut requests_per_sec = None;
    let mut p50 = None;
    let mut p99 = None;
    let mut requests = None;
    let mut non_2xx = 0;
    let mut socket_errors = None;
    let mut in_distribution = false;
    for line in text.lines() {
        let line = line.trim();
        if line == "Latency Distribution" {
            in_distribution = true;
            continue;
        }
        if let Some(rest) = line.strip_prefix("Requests/sec:") {
            requests_per_sec = Some(rest.trim().parse::<f64>().context("bad Requests/sec")?);
        } else if let Some(rest) = line.strip_prefix("Non-2xx or 3xx responses:") {
            non_2xx = rest.trim().parse().context("bad Non-2xx count")?;
        } else if let Some(rest) = line.strip_prefix("Socket errors:") {
            socket_errors = Some(rest.trim().to_owned());
        } else if in_distribution && let Some((pct, value)) = line.split_once(char::is_whitespace) {
            match pct {
                "50%" => p50 = Some(parse_duration_ms(value.trim())?),
                "99%" => p99 = Some(parse_duration_ms(value.trim())?),
                "75%" | "90%" => {}
                _ => in_distribution = false,
            }
        }
        // "12345 requests in 10.00s, 1.23MB read"
        if let Some((count, rest)) = line.split_once(' ')
            && rest.starts_with("requests in ")
        {
            requests = count.parse().ok();
        }
    }
    Ok(WrkStats {
        requests_per_sec: requests_per_sec.context("no Requests/sec line")?,
        p50_ms: p50.context("no 50% line in the latency distribution (was --latency given?)")?,
        p99_ms: p99.context("no 99% line in the latency distribution (was --latency given?)")?,
        requests: requests.context("no `N requests in` line")?,
        non_2xx,
        socket_errors,
    })
}

/// Converts wrk's durations ("812.00us", "1.91ms", "2.01s", "1.00m") to milliseconds.
fn parse_duration_ms(value: &str) -> Result<f64> {
    let split = value.find(|c: char| c.is_ascii_alphabetic()).with_context(|| format!("no unit in {value:?}"))?;
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().with_context(|| format!("bad number in {value:?}"))?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => bail!("unknown unit in {value:?}"),
    };
    Ok(number * factor)
}

/// `zhibu serve` running in the background; stopped (SIGTERM, then SIGKILL) on drop.
pub(crate) struct Server {
    child: Option<Child>,
    log_path: PathBuf,
}

impl Server {
    pub(crate) fn spawn(mut cmd: Command, log_path: &Path) -> Result<Server> {
        let log = fs::File::create(log_path).with_context(|| format!("could not create {}", log_path.display()))?;
        cmd.stdout(log.try_clone()?).stderr(log);
        let what = display(&cmd);
        let child = cmd.spawn().with_context(|| format!("could not start `{what}`"))?;
        Ok(Server { child: Some(child), log_path: log_path.to_path_buf() })
    }

    pub(crate) fn log(&self) -> String {
        fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    pub(crate) fn wait_ready(&mut self, port: u16) -> Result<()> {
        let deadline = Instant::now() + SERVE_READY_TIMEOUT;
        loop {
            check_interrupted()?;
            if let Ok(resp) = http_get(port, "/api/v1/health", "")
                && resp.status == 200
            {
                let body: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
                if body["status"] == "ok" {
                    return Ok(());
                }
                bail!("GET /api/v1/health answered 200 with {:?}", String::from_utf8_lossy(&resp.body));
            }
            if let Some(child) = &mut self.child
                && let Some(status) = child.try_wait()?
            {
                bail!("zhibu serve exited before it was ready ({status}); its log:\n{}", self.log());
            }
            if Instant::now() >= deadline {
                bail!(
                    "zhibu serve did not answer GET /api/v1/health within {}s; its log:\n{}",
                    SERVE_READY_TIMEOUT.as_secs(),
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops the server and fails if it had already died.
    pub(crate) fn stop(mut self) -> Result<()> {
        let Some(mut child) = self.child.take() else { return Ok(()) };
        if let Some(status) = child.try_wait()? {
            bail!("zhibu serve exited during the benchmark ({status}); its log:\n{}", self.log());
        }
        terminate(&mut child);
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }
}

/// SIGTERM, up to 10 s to exit, then SIGKILL.
fn terminate(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) on our own child, which has not been reaped yet.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("xtask bench: zhibu serve ignored SIGTERM; killing it");
    let _ = child.kill();
    let _ = child.wait();
}

/// A response from [`http_get`].
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

/// GET a JSON document over loopback, failing unless the status is 200.
fn get_json(port: u16, path: &str, authorization: &str) -> Result<Value> {
    let resp = http_get(port, path, authorization).with_context(|| format!("GET {path} failed"))?;
    if resp.status != 200 {
        bail!("GET {path}: HTTP {}: {}", resp.status, String::from_utf8_lossy(&resp.body));
    }
    serde_json::from_slice(&resp.body)
        .with_context(|| format!("GET {path}: not JSON: {}", String::from_utf8_lossy(&resp.body)))
}

/// A minimal HTTP/1.1 GET to 127.0.0.1:`port` (asks for `Connection: close`,
/// but reads by Content-Length or chunks in case the server keeps it open).
fn http_get(port: u16, path: &str, authorization: &str) -> Result<Response> {
    let addr = SocketAddrV4::new(Ipv4Addr::LOCALHOST, port);
    let mut stream = TcpStream::connect_timeout(&addr.into(), HTTP_TIMEOUT)?;
    stream.set_read_timeout(Some(HTTP_TIMEOUT))?;
    stream.set_write_timeout(Some(HTTP_TIMEOUT))?;
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\n");
    if !authorization.is_empty() {
        let _ = write!(request, "Authorization: {authorization}\r\n");
    }
    request.push_str("Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return parse_response(&raw, true)?.context("incomplete HTTP response");
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(response) = parse_response(&raw, false)? {
            return Ok(response);
        }
    }
}

/// Parses a response; `None` while more bytes are needed (`eof`: no more come).
pub(crate) fn parse_response(raw: &[u8], eof: bool) -> Result<Option<Response>> {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return if eof { Err(anyhow::anyhow!("no end of the HTTP headers")) } else { Ok(None) };
    };
    let head = std::str::from_utf8(&raw[..end]).context("HTTP headers are not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("bad HTTP status line {status_line:?}"))?;
    let mut chunked = false;
    let mut length = None;
    for (name, value) in lines.filter_map(|l| l.split_once(':')) {
        if name.trim().eq_ignore_ascii_case("transfer-encoding") {
            chunked |= value.to_ascii_lowercase().contains("chunked");
        } else if name.trim().eq_ignore_ascii_case("content-length") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let rest = &raw[end + 4..];
    let body = if chunked {
        match dechunk(rest) {
            Ok(body) => body,
            Err(_) if !eof => return Ok(None),
            Err(err) => return Err(err),
        }
    } else if let Some(length) = length {
        if rest.len() < length {
            return if eof { Err(anyhow::anyhow!("truncated HTTP body")) } else { Ok(None) };
        }
        rest[..length].to_vec()
    } else if eof {
        rest.to_vec()
    } else {
        return Ok(None);
    };
    Ok(Some(Response { status, body }))
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").context("truncated chunk size")?;
        let size_text = std::str::from_utf8(&data[..line_end])?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).with_context(|| format!("bad chunk size {size_text:?}"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        if data.len() < size {
            bail!("truncated chunk");
        }
        body.extend_from_slice(&data[..size]);
        data = data.get(size + 2..).unwrap_or_default();
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub(crate) fn free_loopback_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("could not bind a probe socket on 127.0.0.1")?;
    Ok(listener.local_addr()?.port())
}

/// A private directory removed (recursively) on drop.
pub(crate) struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub(crate) fn new(prefix: &str) -> Result<TempDir> {
        let base = std::env::temp_dir();
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        for attempt in 0..100u32 {
            let path = base.join(format!("{prefix}-{}-{:x}", std::process::id(), nanos.wrapping_add(attempt)));
            match fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(err) => return Err(err).with_context(|| format!("could not create {}", path.display())),
            }
        }
        bail!("could not create a temporary directory under {}", base.display())
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Err(err) = fs::remove_dir_all(&self.path)
            && err.kind() != std::io::ErrorKind::NotFound
        {
            eprintln!("xtask: warning: could not remove {}: {err}", self.path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured from `wrk -t2 -c4 -d2s --latency` (wrk debian/4.1.0-3+b2).
    const OK_RUN: &str = "\
Running 2s test @ http://127.0.0.1:18431/index.html
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.00ms  839.33us  13.67ms   83.60%
    Req/Sec     1.00k   184.57     2.12k    95.12%
  Latency Distribution
     50%    1.91ms
     75%    2.30ms
     90%    2.76ms
     99%    4.29ms
  4068 requests in 2.10s, 742.89KB read
Requests/sec:   1937.38
Transfer/sec:    353.80KB
";

    const NOT_FOUND_RUN: &str = "\
Running 2s test @ http://127.0.0.1:18431/nope
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.85ms  461.04us   5.67ms   74.12%
    Req/Sec     1.07k    39.06     1.12k    73.81%
  Latency Distribution
     50%  812.00us
     75%    2.08ms
     90%    2.38ms
     99%    1.02s
  4456 requests in 2.10s, 2.21MB read
  Socket errors: connect 0, read 3, write 0, timeout 12
  Non-2xx or 3xx responses: 4456
Requests/sec:   2121.88
Transfer/sec:      1.05MB
";

    #[test]
    fn parses_a_clean_run() {
        let stats = parse_wrk(OK_RUN).unwrap();
        assert_eq!(
            stats,
            WrkStats {
                requests_per_sec: 1937.38,
                p50_ms: 1.91,
                p99_ms: 4.29,
                requests: 4068,
                non_2xx: 0,
                socket_errors: None
            }
        );
    }

    #[test]
    fn parses_errors_and_units() {
        let stats = parse_wrk(NOT_FOUND_RUN).unwrap();
        assert_eq!(stats.non_2xx, 4456);
        assert_eq!(stats.requests, 4456);
        assert!((stats.p50_ms - 0.812).abs() < 1e-9);
        assert!((stats.p99_ms - 1020.0).abs() < 1e-9);
        assert_eq!(stats.socket_errors.as_deref(), Some("connect 0, read 3, write 0, timeout 12"));
    }

    #[test]
    fn rejects_output_without_latency_distribution() {
        let text = OK_RUN.replace("Latency Distribution", "");
        assert!(parse_wrk(&text).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("1.50ms").unwrap(), 1.5);
        assert_eq!(parse_duration_ms("2.00s").unwrap(), 2000.0);
        assert_eq!(parse_duration_ms("1.00m").unwrap(), 60_000.0);
        assert!(parse_duration_ms("3").is_err());
        assert!(parse_duration_ms("3xs").is_err());
    }

    #[test]
    fn http_responses() {
        let raw = b"HTTP/1.1 200 OK\r\ncontent-length: 15\r\n\r\n{\"status\":\"ok\"}";
        assert!(parse_response(&raw[..raw.len() - 1], false).unwrap().is_none());
        let plain = parse_response(raw, false).unwrap().unwrap();
        assert_eq!(plain.status, 200);
        assert_eq!(plain.body, b"{\"status\":\"ok\"}");
        let raw =
            b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=1\r\npedia\r\n0\r\n\r\n";
        assert!(parse_response(&raw[..raw.len() - 8], false).unwrap().is_none());
        assert!(parse_response(&raw[..raw.len() - 8], true).is_err());
        let chunked = parse_response(raw, false).unwrap().unwrap();
        assert_eq!(chunked.status, 404);
        assert_eq!(chunked.body, b"Wikipedia");
        let unsized_body = parse_response(b"HTTP/1.0 200 OK\r\n\r\nhello", true).unwrap().unwrap();
        assert_eq!(unsized_body.body, b"hello");
    }

    #[test]
    fn search_urls() {
        assert_eq!(percent_encode("王建"), "%E7%8E%8B%E5%BB%BA");
        assert_eq!(percent_encode("a-1"), "a-1");
        let prefixes = search_prefixes();
        assert!(prefixes.len() >= 300, "{}", prefixes.len());
        assert_eq!(prefixes.iter().collect::<std::collections::HashSet<_>>().len(), prefixes.len());
        let orgs: Vec<Value> = (1..=1000)
            .map(|id: i64| {
                let kind = ["committee", "branch", "group"][id as usize % 3];
                serde_json::json!({"id": id, "kind": kind})
            })
            .collect();
        let sample = sample_orgs(&orgs);
        assert_eq!(sample.len(), 300 + 300);
        assert_eq!(sample.iter().collect::<std::collections::HashSet<_>>().len(), sample.len());
    }

    #[test]
    fn ids() {
        assert_eq!(id_string(&serde_json::json!(7)).as_deref(), Some("7"));
        assert_eq!(id_string(&serde_json::json!("abc")).as_deref(), Some("abc"));
        assert_eq!(id_string(&serde_json::json!(null)), None);
    }
}
