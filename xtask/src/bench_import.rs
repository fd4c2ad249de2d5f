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
    measured_with(cmd, true)
}

/// As [`measured`]; a failing command is an error only when `must_succeed`.
fn measured_with(cmd: Command, must_succeed: bool) -> Result<(f64, f64, String)> {
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
    if must_succeed && !out.status.success() {
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

/// The crafted workbook of the hardening issue: one shared string of Excel's longest cell
/// (32,767 characters) referenced from column A of 60,000 rows, deflated. Copied into every
/// cell it would take 5.6 GB; a few dozen KB on disk.
fn crafted_workbook() -> Result<Vec<u8>> {
    use std::io::Write;
    let long = "党".repeat(32_767);
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#,
    );
    for r in 2..60_002 {
        sheet.push_str(&format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>2</v></c></row>"#));
    }
    sheet.push_str("</sheetData></worksheet>");
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="60002" uniqueCount="3"><si><t>姓名</t></si><si><t>公民身份号码</t></si><si><t>{long}</t></si></sst>"#
    );
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", sst),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (name, text) in parts {
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// A system administrator's API token for the uploads.
fn upload_token(bin: &Path, dir: &Path) -> Result<String> {
    use std::io::Write;
    let mut create = zhibu(bin, dir, None);
    create.args(["admin", "create", "--username", "uploader", "--role", "system_admin", "--password-stdin"]);
    let mut child = create.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(b"upload-bench-2026\n")?;
    }
    if !child.wait()?.success() {
        bail!("admin create failed");
    }
    let out = zhibu(bin, dir, None).args(["admin", "token", "--username", "uploader"]).output()?;
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Ok(token)
}

/// `GET /api/v1/health` with wrk (2 threads, 8 connections, 10 s) while `uploaders` threads post
/// `file` to the import's dry run over and over: the health check must stay fast while files
/// are parsed (they are parsed on blocking threads, two at a time). Returns the wrk figures and
/// how many uploads were answered.
fn health_during_uploads(
    bin: &Path,
    dir: &Path,
    file: &Path,
    uploaders: usize,
    token: &str,
) -> Result<(crate::bench::WrkStats, usize)> {
    use std::io::{Read, Write};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let port = crate::bench::free_loopback_port()?;
    let mut serve = zhibu(bin, dir, None);
    serve.args(["serve", "--listen", &format!("127.0.0.1:{port}")]);
    let mut server = crate::bench::Server::spawn(serve, &dir.join("serve.log"))?;
    server.wait_ready(port)?;
    let body = Arc::new(std::fs::read(file)?);
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..uploaders)
        .map(|_| {
            let (body, stop, answered, token) = (body.clone(), stop.clone(), answered.clone(), token.to_string());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else { break };
                    let head = format!(
                        "POST /api/v1/members/import?dry_run=true HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    if s.write_all(head.as_bytes()).and_then(|()| s.write_all(&body)).is_err() {
                        continue;
                    }
                    let mut reply = Vec::new();
                    if s.read_to_end(&mut reply).is_ok() && reply.starts_with(b"HTTP/1.1 ") {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_secs(2));
    let out = Command::new("wrk")
        .args(["-t2", "-c8", "-d10s", "--latency", &format!("http://127.0.0.1:{port}/api/v1/health")])
        .output()
        .context("run wrk (Debian package wrk)")?;
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    server.stop()?;
    let stats = crate::bench::parse_wrk(&String::from_utf8_lossy(&out.stdout))?;
    Ok((stats, answered.load(Ordering::Relaxed)))
}

pub fn run(args: Args) -> Result<()> {
    let bin = zhibu_binary()?;
    let mut lines = Vec::new();
    let mut crafted_line = None;
    let mut health_lines: Vec<String> = Vec::new();
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
        if crafted_line.is_none() {
            let crafted = dir.join("crafted.xlsx");
            std::fs::write(&crafted, crafted_workbook()?)?;
            let kb = std::fs::metadata(&crafted)?.len() as f64 / 1024.0;
            let mut check = zhibu(&bin, &dir, url.as_deref());
            check.args(["import", "members", "--dry-run"]).arg(&crafted);
            let (secs, mb, _) = measured_with(check, false)?;
            crafted_line = Some(format!(
                "| {backend} | crafted: 1 shared string × 60,000 cells | {kb:.0} KB | {secs:.2} s | {mb:.0} MiB | | |"
            ));
            if url.is_none() {
                let token = upload_token(&bin, &dir)?;
                for uploaders in [0, 4] {
                    let (h, n) = health_during_uploads(&bin, &dir, &crafted, uploaders, &token)?;
                    health_lines.push(format!(
                        "| {uploaders} | {n} | {:.0} | {:.2} | {:.2} | {} |",
                        h.requests_per_sec, h.p50_ms, h.p99_ms, h.non_2xx
                    ));
                }
            }
        }
        drop(cluster);
        if args.keep && backend == "sqlite" {
            eprintln!("xtask bench-import: kept {}", dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    println!("| backend | rows | file | check only (--dry-run) | peak RSS | check + import | peak RSS |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for l in lines.iter().chain(crafted_line.iter()) {
        println!("{l}");
    }
    if !health_lines.is_empty() {
        println!(
            "\nGET /api/v1/health (wrk -t2 -c8 -d10s) while threads post the crafted file to the dry run (SQLite):\n"
        );
        println!("| uploading threads | uploads answered | req/s | p50 ms | p99 ms | non-2xx |");
        println!("|---:|---:|---:|---:|---:|---:|");
        for l in &health_lines {
            println!("{l}");
        }
    }
    println!("\nCommand: `cargo xtask bench-import --rows {}`", args.rows);
    Ok(())
}
