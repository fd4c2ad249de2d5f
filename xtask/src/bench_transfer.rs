//! `cargo xtask bench-transfer`: transfers of membership accepted while 32 clients read member
//! lists (issue: member lifecycle, item 8). For each backend: a release build serves a fresh
//! demo; `wrk` reads member lists of many orgs (a Lua script cycles through them) at 32
//! connections while this tool, as the committee's administrator, issues transfers between
//! branches and accepts each one, timing every accept (`POST /api/v1/transfers/{id}/accept`).
//! Reports the accepts' p50/p95/p99/max and what wrk saw meanwhile.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddrV4, TcpStream};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::bench::{HTTP_TIMEOUT, Response, Server, TempDir, free_loopback_port, parse_response, parse_wrk};
use crate::bench_check::{machine, zhibu, zhibu_binary};
use crate::pg::PgCluster;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Demo to load: county, city or province.
    #[arg(long, default_value = "city")]
    scale: String,
    /// Backends to measure, comma-separated.
    #[arg(long, default_value = "sqlite,postgres")]
    backend: String,
    /// Transfers to issue and accept on each backend.
    #[arg(long, default_value_t = 200)]
    transfers: usize,
    /// wrk connections reading member lists meanwhile.
    #[arg(long, default_value_t = 32)]
    connections: u32,
    /// Use the existing release binary instead of running `cargo build --release -p zhibu`.
    #[arg(long)]
    no_build: bool,
}

/// One HTTP/1.1 request to 127.0.0.1:`port` with a JSON body (or none).
fn request(port: u16, method: &str, path: &str, auth: &str, body: Option<&Value>) -> Result<Response> {
    let addr = SocketAddrV4::new(Ipv4Addr::LOCALHOST, port);
    let mut stream = TcpStream::connect_timeout(&addr.into(), HTTP_TIMEOUT)?;
    stream.set_read_timeout(Some(HTTP_TIMEOUT))?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\nAuthorization: {auth}\r\n\
         Connection: close\r\n"
    );
    if !body.is_empty() {
        let _ = write!(req, "Content-Type: application/json\r\nContent-Length: {}\r\n", body.len());
    }
    req.push_str("\r\n");
    req.push_str(&body);
    stream.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return parse_response(&raw, true)?.context("incomplete HTTP response");
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(r) = parse_response(&raw, false)? {
            return Ok(r);
        }
    }
}

fn json(port: u16, method: &str, path: &str, auth: &str, body: Option<&Value>) -> Result<Value> {
    let r = request(port, method, path, auth, body)?;
    if !(200..300).contains(&r.status) {
        bail!("{method} {path}: HTTP {}: {}", r.status, String::from_utf8_lossy(&r.body));
    }
    serde_json::from_slice(&r.body).with_context(|| format!("{method} {path}: not JSON"))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub fn run(args: Args) -> Result<()> {
    let bin = zhibu_binary(!args.no_build)?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n## Transfers accepted under load ({} demo, {} transfers, {} wrk connections on member lists)\n",
        args.scale, args.transfers, args.connections
    );
    let _ = writeln!(
        out,
        "| backend | accepts | p50 ms | p95 ms | p99 ms | max ms | wrk req/s | wrk p99 ms | wrk non-2xx |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for backend in args.backend.split(',').map(str::trim).filter(|b| !b.is_empty()) {
        if !matches!(backend, "sqlite" | "postgres") {
            bail!("unknown backend {backend}: use sqlite or postgres");
        }
        let dir = TempDir::new("zhibu-bench-transfer")?;
        let cluster = if backend == "postgres" { Some(PgCluster::start()?) } else { None };
        let url = cluster.as_ref().map(|c| c.url.clone());
        eprintln!("xtask bench-transfer: {backend}: zhibu demo --scale {}", args.scale);
        let status = zhibu(&bin, dir.path(), url.as_deref(), &["demo", "--scale", &args.scale])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        if !status.success() {
            bail!("zhibu demo failed");
        }
        let token =
            zhibu(&bin, dir.path(), url.as_deref(), &["admin", "token", "--username", "jiaoyuju", "--name", "bench"])
                .output()?;
        let token = String::from_utf8(token.stdout).context("token")?.trim().to_owned();
        let auth = format!("Bearer {token}");
        let port = free_loopback_port()?;
        let listen = format!("127.0.0.1:{port}");
        let mut server = Server::spawn(
            zhibu(&bin, dir.path(), url.as_deref(), &["serve", "--listen", &listen]),
            &dir.path().join("serve.log"),
        )?;
        server.wait_ready(port)?;
        // Members to move, each to another branch of the tree.
        let orgs = json(port, "GET", "/api/v1/orgs", &auth, None)?;
        let orgs = orgs["orgs"].as_array().context("no orgs")?.clone();
        let branches: Vec<i64> =
            orgs.iter().filter(|o| o["kind"] == "branch").filter_map(|o| o["id"].as_i64()).collect();
        if branches.len() < 2 {
            bail!("the demo has fewer than two branches");
        }
        let members =
            json(port, "GET", &format!("/api/v1/members?status=full&per_page={}", args.transfers), &auth, None)?;
        let members: Vec<(i64, i64)> = members["members"]
            .as_array()
            .context("no members")?
            .iter()
            .filter_map(|m| Some((m["id"].as_i64()?, m["branch_id"].as_i64()?)))
            .collect();
        // The readers: member lists of many orgs, cycled by a wrk script.
        let paths: Vec<String> =
            crate::bench::sample_orgs(&orgs).iter().map(|id| format!("/api/v1/members?org={id}&status=full")).collect();
        let script = dir.path().join("lists.lua");
        crate::bench::write_script(&script, &paths)?;
        let mut wrk = Command::new("wrk");
        wrk.arg("-t2")
            .arg(format!("-c{}", args.connections))
            .arg("-d30s")
            .arg("--latency")
            .arg("-H")
            .arg(format!("Authorization: {auth}"))
            .arg("-s")
            .arg(&script)
            .arg(format!("http://{listen}/"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let readers = wrk.spawn().context("start wrk")?;
        std::thread::sleep(std::time::Duration::from_secs(2));
        // Yesterday (UTC): never after the server's today, whatever its time zone.
        let on = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
        let mut times = Vec::new();
        let started = Instant::now();
        for (i, (member, from)) in members.iter().enumerate() {
            if started.elapsed().as_secs() >= 26 {
                break;
            }
            let to = branches.iter().copied().find(|b| b != from && (b + i as i64) % 3 == 0).unwrap_or(branches[0]);
            if to == *from {
                continue;
            }
            let issue = serde_json::json!({"kind": "internal", "to_org_id": to, "issued_on": on, "valid_days": "30", "reason": "工作调动"});
            let t = match json(port, "POST", &format!("/api/v1/members/{member}/transfers"), &auth, Some(&issue)) {
                Ok(v) => v["id"].as_i64().context("no transfer id")?,
                // A member already being transferred by the demo: skip.
                Err(_) => continue,
            };
            let accept = serde_json::json!({"on": on});
            let t0 = Instant::now();
            let r = request(port, "POST", &format!("/api/v1/transfers/{t}/accept"), &auth, Some(&accept))?;
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            if r.status != 200 {
                // Accepting on the day the member joined their branch is refused; not a measurement.
                continue;
            }
            times.push(ms);
        }
        let wrk_out = readers.wait_with_output()?;
        let stats = parse_wrk(&String::from_utf8_lossy(&wrk_out.stdout))?;
        drop(server);
        times.sort_by(|a, b| a.total_cmp(b));
        let _ = writeln!(
            out,
            "| {backend} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0} | {:.2} | {} |",
            times.len(),
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            percentile(&times, 0.99),
            times.last().copied().unwrap_or(f64::NAN),
            stats.requests_per_sec,
            stats.p99_ms,
            stats.non_2xx
        );
        eprintln!("xtask bench-transfer: {backend}: {} accepts timed", times.len());
        drop(cluster);
    }
    let _ = writeln!(out, "\n**Machine:** {}", machine());
    let _ = writeln!(
        out,
        "\n**Command:** `cargo xtask bench-transfer --scale {} --backend {} --transfers {} --connections {}`",
        args.scale, args.backend, args.transfers, args.connections
    );
    println!("{out}");
    Ok(())
}
