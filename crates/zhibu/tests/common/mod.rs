//! Helpers for end-to-end tests that run the real `zhibu` binary: a fresh data
//! directory filled by `zhibu demo`, `zhibu serve` on a free loopback port,
//! child-process guards and a minimal blocking HTTP/1.1 client.

// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test, built by cargo for the integration tests.
pub const ZHIBU: &str = env!("CARGO_BIN_EXE_zhibu");

/// How long `zhibu serve` may take to answer its health check.
const SERVE_READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Timeout of each request made by [`http_get`].
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a probe socket on 127.0.0.1");
    listener.local_addr().expect("probe socket address").port()
}

/// A `zhibu` command for `data_dir`, isolated from the caller's ZHIBU_*
/// settings and from a `./zhibu.toml` (it runs inside the data directory).
pub fn zhibu(data_dir: &Path) -> Command {
    let mut cmd = Command::new(ZHIBU);
    cmd.arg("--data-dir").arg(data_dir).current_dir(data_dir).stdin(Stdio::null());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("ZHIBU_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

/// One line `演示账号 <username> <password> <role_label>` printed by `zhibu demo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: String,
    pub password: String,
    pub role: String,
}

/// Parses the account lines of `zhibu demo`'s output: those whose first
/// token is exactly `演示账号` (the header line may start with the same word).
pub fn parse_demo_accounts(stdout: &str) -> Vec<DemoAccount> {
    stdout
        .lines()
        .filter(|line| line.split_whitespace().next() == Some("演示账号"))
        .map(|line| {
            let tokens: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(tokens.len(), 4, "a demo account line has 4 tokens: {line:?}");
            DemoAccount { username: tokens[1].to_owned(), password: tokens[2].to_owned(), role: tokens[3].to_owned() }
        })
        .collect()
}

/// Runs `zhibu --data-dir DIR demo --scale SCALE` and returns its accounts.
pub fn run_demo(data_dir: &Path, scale: &str) -> Vec<DemoAccount> {
    let out = zhibu(data_dir).args(["demo", "--scale", scale]).output().expect("run zhibu demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "zhibu demo --scale {scale} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let accounts = parse_demo_accounts(&stdout);
    assert!(!accounts.is_empty(), "zhibu demo printed no `演示账号` lines:\n{stdout}");
    accounts
}

/// A child process that is stopped (SIGKILL) and reaped when dropped.
pub struct ChildGuard {
    pub name: String,
    pub child: Child,
    pub log_path: PathBuf,
}

impl ChildGuard {
    /// Spawns `cmd` with stdout and stderr appended to `log_path`.
    pub fn spawn(name: &str, mut cmd: Command, log_path: &Path) -> ChildGuard {
        let log = fs::File::create(log_path).unwrap_or_else(|e| panic!("create {}: {e}", log_path.display()));
        cmd.stdout(log.try_clone().expect("clone log file handle")).stderr(log);
        let child = cmd.spawn().unwrap_or_else(|e| panic!("start {name} ({:?}): {e}", cmd.get_program()));
        ChildGuard { name: name.to_owned(), child, log_path: log_path.to_path_buf() }
    }

    /// What the child wrote so far.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Panics (with the child's log) if it has exited.
    pub fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().expect("poll child") {
            panic!("{} exited early ({status}); its output:\n{}", self.name, self.log());
        }
    }

    /// Polls `ready` every 100 ms until it returns true; panics with the
    /// child's log if the child exits or `timeout` passes first.
    pub fn wait_until(&mut self, what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            if ready() {
                return;
            }
            self.assert_running();
            if Instant::now() >= deadline {
                panic!("{} was not {what} within {}s; its output:\n{}", self.name, timeout.as_secs(), self.log());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// `zhibu serve` on a free loopback port, over a fresh data directory filled
/// with demo data. Everything is stopped and removed on drop.
pub struct App {
    pub port: u16,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
    pub accounts: Vec<DemoAccount>,
    /// Declared before `data_dir` so that the server stops before its files go.
    pub server: ChildGuard,
    pub data_dir: tempfile::TempDir,
}

impl App {
    /// `zhibu demo --scale SCALE`, then `zhibu serve`, ready to answer.
    pub fn start(scale: &str) -> App {
        let data_dir = tempfile::Builder::new().prefix("zhibu-e2e-").tempdir().expect("create a temp data dir");
        eprintln!("data dir: {}", data_dir.path().display());
        let accounts = run_demo(data_dir.path(), scale);
        eprintln!("demo accounts: {}", accounts.iter().map(|a| a.username.as_str()).collect::<Vec<_>>().join(", "));

        let port = free_port();
        let mut cmd = zhibu(data_dir.path());
        cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")]);
        let mut server = ChildGuard::spawn("zhibu serve", cmd, &data_dir.path().join("serve.log"));
        server.wait_until("answering GET /api/v1/health", SERVE_READY_TIMEOUT, || {
            http_get(port, "/api/v1/health", &[]).is_ok_and(|r| r.status == 200)
        });
        let health = http_get(port, "/api/v1/health", &[]).expect("GET /api/v1/health");
        assert!(
            health.text().replace(' ', "").contains(r#""status":"ok""#),
            "GET /api/v1/health answered {:?}",
            health.text()
        );
        eprintln!("zhibu serve is ready on 127.0.0.1:{port}");
        App { port, base_url: format!("http://127.0.0.1:{port}"), accounts, server, data_dir }
    }

    /// The demo account with this username.
    pub fn account(&self, username: &str) -> &DemoAccount {
        self.accounts
            .iter()
            .find(|a| a.username == username)
            .unwrap_or_else(|| panic!("zhibu demo printed no account {username:?}: {:?}", self.accounts))
    }
}

/// A response read by [`http_get`].
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A minimal blocking HTTP/1.1 GET to 127.0.0.1:`port` (asks for
/// `Connection: close`, but reads by Content-Length or chunks for servers that
/// keep the connection open). Redirects are not followed.
pub fn http_get(port: u16, path: &str, headers: &[(&str, &str)]) -> std::io::Result<Response> {
    let addr = SocketAddrV4::new(Ipv4Addr::LOCALHOST, port);
    let mut stream = TcpStream::connect_timeout(&addr.into(), HTTP_TIMEOUT)?;
    stream.set_read_timeout(Some(HTTP_TIMEOUT))?;
    stream.set_write_timeout(Some(HTTP_TIMEOUT))?;
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return parse_response(&raw, true).map_err(invalid)?.ok_or_else(|| invalid("incomplete response".into()));
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(response) = parse_response(&raw, false).map_err(invalid)? {
            return Ok(response);
        }
    }
}

/// Parses a response; `None` while more bytes are needed (`eof`: no more come).
fn parse_response(raw: &[u8], eof: bool) -> Result<Option<Response>, String> {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return if eof { Err("no end of the HTTP headers".to_owned()) } else { Ok(None) };
    };
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| "HTTP headers are not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad HTTP status line {status_line:?}"))?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    let header = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    let chunked = header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length: Option<usize> = header("content-length").and_then(|v| v.parse().ok());
    let rest = &raw[end + 4..];
    let body = if chunked {
        match dechunk(rest) {
            Ok(body) => body,
            Err(_) if !eof => return Ok(None),
            Err(err) => return Err(err),
        }
    } else if let Some(length) = length {
        if rest.len() < length {
            return if eof { Err("truncated body".to_owned()) } else { Ok(None) };
        }
        rest[..length].to_vec()
    } else if eof {
        rest.to_vec()
    } else {
        return Ok(None);
    };
    Ok(Some(Response { status, headers, body }))
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").ok_or("truncated chunk size")?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| format!("bad chunk size {size_text:?}"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        if data.len() < size {
            return Err("truncated chunk".to_owned());
        }
        body.extend_from_slice(&data[..size]);
        data = data.get(size + 2..).unwrap_or_default();
    }
}

/// Percent-encodes a query-string value (UTF-8; unreserved characters kept).
pub fn url_encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
