//! A throwaway PostgreSQL cluster for tests and benchmarks.
//!
//! [`PgCluster::start`] runs `initdb` in a fresh temporary directory, starts the
//! server on a free loopback port and returns a guard: dropping it stops the
//! server (`pg_ctl stop -m immediate`) and removes the directory.

use std::fs;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};

use crate::process::{display, is_root, run_captured};

/// Where Debian installs the server binaries: `/usr/lib/postgresql/<ver>/bin`.
const PG_LIB_DIR: &str = "/usr/lib/postgresql";
/// The superuser created by `initdb -U`.
pub const SUPERUSER: &str = "zhibu";
/// How long to wait for the server to accept connections after `pg_ctl start`.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts at starting the server (a fresh port each time, in case the one we
/// picked was taken between probing it and the server binding it).
const START_ATTEMPTS: u32 = 3;

/// The `bin` directory of the highest PostgreSQL version under
/// `/usr/lib/postgresql` that has both `initdb` and `pg_ctl`.
pub fn find_bin_dir() -> Option<PathBuf> {
    let entries = fs::read_dir(PG_LIB_DIR).ok()?;
    entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let version = parse_version(entry.file_name().to_str()?)?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((version, bin))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, bin)| bin)
}

/// Parses a directory name like `15` or `9.6` into comparable numbers.
fn parse_version(name: &str) -> Option<Vec<u32>> {
    name.split('.').map(|part| part.parse().ok()).collect()
}

/// A running throwaway PostgreSQL cluster. Dropping it stops the server and
/// deletes its files.
pub struct PgCluster {
    /// Connection URL for the `postgres` database as the trusted superuser,
    /// e.g. `postgres://zhibu@127.0.0.1:54321/postgres`.
    pub url: String,
    /// The loopback TCP port the server listens on.
    pub port: u16,
    bin_dir: PathBuf,
    data_dir: PathBuf,
    /// Run the PostgreSQL tools as the `postgres` user (we are root).
    as_postgres: bool,
    /// Whether `pg_ctl start` was attempted and no stop has happened since.
    running: bool,
    /// Declared last so the directory is removed after the server is stopped
    /// (fields are dropped after `Drop::drop` runs).
    dir: TempDir,
}

impl PgCluster {
    /// Initialises and starts a new cluster, waiting until it accepts
    /// connections. Everything is cleaned up if any step fails.
    pub fn start() -> Result<PgCluster> {
        let bin_dir = find_bin_dir().with_context(|| {
            format!(
                "no PostgreSQL server found ({PG_LIB_DIR}/<version>/bin/initdb); \
                 install the `postgresql` package (`cargo xtask deps` does it as root)"
            )
        })?;
        let as_postgres = is_root();
        let owner = if as_postgres { Some(postgres_user_ids()?) } else { None };
        let dir = TempDir::new(owner)?;
        let mut cluster = PgCluster {
            url: String::new(),
            port: 0,
            bin_dir,
            data_dir: dir.path().join("data"),
            as_postgres,
            running: false,
            dir,
        };
        cluster.initdb()?;
        cluster.start_server()?;
        Ok(cluster)
    }

    /// The temporary directory holding the data directory, socket and log.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server log file.
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("log")
    }

    /// A command running the PostgreSQL tool `tool`, as the `postgres` user if
    /// we are root (PostgreSQL refuses to run as root).
    fn tool(&self, tool: &str) -> Command {
        let program = self.bin_dir.join(tool);
        let mut cmd = if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        };
        // The postgres user may not be able to read the caller's working
        // directory; the tools complain about that.
        cmd.current_dir(self.dir.path());
        cmd
    }

    fn initdb(&self) -> Result<()> {
        let mut first_error = None;
        for locale in ["C.UTF-8", "C"] {
            let mut cmd = self.tool("initdb");
            cmd.arg("-D")
                .arg(&self.data_dir)
                .args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8"])
                .arg(format!("--locale={locale}"));
            match run_captured(&mut cmd) {
                Ok(_) => return Ok(()),
                Err(err) => {
                    // initdb removes what it created on failure, but make sure.
                    let _ = fs::remove_dir_all(&self.data_dir);
                    first_error.get_or_insert(err);
                }
            }
        }
        Err(first_error.expect("at least one initdb attempt").context("initdb failed"))
    }

    fn start_server(&mut self) -> Result<()> {
        let mut attempt = 1;
        loop {
            let port = free_loopback_port()?;
            match self.pg_ctl_start(port) {
                Ok(()) => break,
                Err(err) => {
                    let log = fs::read_to_string(self.log_path()).unwrap_or_default();
                    self.stop();
                    let port_taken = log.contains("could not bind") || log.contains("in use");
                    if port_taken && attempt < START_ATTEMPTS {
                        attempt += 1;
                        continue;
                    }
                    return Err(err.context(format!("could not start PostgreSQL; server log:\n{log}")));
                }
            }
        }
        self.wait_until_ready()?;
        self.url = format!("postgres://{SUPERUSER}@127.0.0.1:{}/postgres", self.port);
        Ok(())
    }

    fn pg_ctl_start(&mut self, port: u16) -> Result<()> {
        self.port = port;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k '{}' \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
             -c max_connections=200 -c shared_buffers=1GB",
            self.dir.path().display()
        );
        let mut cmd = self.tool("pg_ctl");
        cmd.arg("-D").arg(&self.data_dir).arg("-l").arg(self.log_path()).arg("-o").arg(options).args(["-w", "start"]);
        // Set before starting: a timed-out start may still leave a server behind.
        self.running = true;
        run_captured(&mut cmd).map(drop)
    }

    /// `pg_ctl -w` already waits for the server; double-check over TCP with
    /// `pg_isready` (or a plain connect if it is missing).
    fn wait_until_ready(&self) -> Result<()> {
        let deadline = Instant::now() + READY_TIMEOUT;
        let pg_isready = self.bin_dir.join("pg_isready");
        loop {
            let ready = if pg_isready.is_file() {
                Command::new(&pg_isready)
                    .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
                    .args(["-U", SUPERUSER, "-d", "postgres", "-t", "2", "-q"])
                    .status()
                    .map(|s| s.success())
                    .unwrap_or(false)
            } else {
                let addr = SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.port);
                TcpStream::connect_timeout(&addr.into(), Duration::from_secs(2)).is_ok()
            };
            if ready {
                return Ok(());
            }
            if Instant::now() >= deadline {
                let log = fs::read_to_string(self.log_path()).unwrap_or_default();
                bail!(
                    "PostgreSQL did not accept connections on port {} within {}s; server log:\n{log}",
                    self.port,
                    READY_TIMEOUT.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Stops the server immediately (no checkpoint; the data is thrown away).
    fn stop(&mut self) {
        if !self.running {
            return;
        }
        self.running = false;
        let postmaster = self.postmaster_pid();
        let mut cmd = self.tool("pg_ctl");
        cmd.arg("-D").arg(&self.data_dir).args(["-m", "immediate", "-w", "stop"]);
        let what = display(&cmd);
        let result = cmd.output();
        let Some(pid) = postmaster else {
            // No pid file: the server never came up (or is already gone).
            return;
        };
        if wait_for_exit(pid, Duration::from_secs(10)) {
            return;
        }
        // pg_ctl could not stop it: kill the postmaster directly.
        match result {
            Ok(out) => eprintln!(
                "xtask: warning: `{what}` did not stop the server ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(err) => eprintln!("xtask: warning: could not run `{what}`: {err}"),
        }
        eprintln!("xtask: killing postmaster {pid}");
        // SAFETY: kill(2) on the pid from the cluster's own postmaster.pid.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
        if !wait_for_exit(pid, Duration::from_secs(5)) {
            eprintln!("xtask: warning: postmaster {pid} is still running");
        }
    }

    /// The postmaster's pid, from the first line of `postmaster.pid`.
    fn postmaster_pid(&self) -> Option<i32> {
        fs::read_to_string(self.data_dir.join("postmaster.pid"))
            .ok()?
            .lines()
            .next()?
            .trim()
            .parse()
            .ok()
            .filter(|&pid| pid > 0)
    }
}

/// Waits until process `pid` has exited (a zombie counts as exited: its parent
/// is not us). Returns whether it did within `timeout`.
fn wait_for_exit(pid: i32, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        let alive = fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| {
                // The state follows the parenthesised command name.
                let state = stat.rsplit_once(')')?.1.split_whitespace().next()?;
                Some(state != "Z" && state != "X")
            })
            .unwrap_or(false);
        if !alive {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A freshly created directory that is removed (recursively) on drop.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates a private (0700) directory, owned by `owner` (uid, gid) if given.
    fn new(owner: Option<(u32, u32)>) -> Result<TempDir> {
        // When handing the directory to the postgres user, use /tmp: $TMPDIR
        // may live under root's home, which postgres cannot enter. Unix socket
        // paths are limited to ~107 bytes, so avoid long $TMPDIRs too.
        let base = match std::env::temp_dir() {
            dir if owner.is_none() && dir.as_os_str().len() <= 60 => dir,
            _ => PathBuf::from("/tmp"),
        };
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        for attempt in 0..100u32 {
            let path = base.join(format!("zhibu-pg-{}-{:x}", std::process::id(), nanos.wrapping_add(attempt)));
            match fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => {
                    let dir = TempDir { path };
                    if let Some((uid, gid)) = owner {
                        std::os::unix::fs::chown(&dir.path, Some(uid), Some(gid))
                            .with_context(|| format!("could not chown {} to postgres", dir.path.display()))?;
                    }
                    return Ok(dir);
                }
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(err) => {
                    return Err(err).with_context(|| format!("could not create {}", path.display()));
                }
            }
        }
        bail!("could not create a temporary directory under {}", base.display())
    }

    fn path(&self) -> &Path {
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

/// The uid and gid of the `postgres` system user.
fn postgres_user_ids() -> Result<(u32, u32)> {
    let id = |flag: &str| -> Result<u32> {
        let out = Command::new("id").args([flag, "postgres"]).output().context("could not run `id`")?;
        if !out.status.success() {
            bail!(
                "running as root, but there is no `postgres` system user to run PostgreSQL as \
                 (the Debian `postgresql` package creates it; or run as a normal user)"
            );
        }
        String::from_utf8_lossy(&out.stdout).trim().parse().context("unexpected output from `id`")
    };
    Ok((id("-u")?, id("-g")?))
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
fn free_loopback_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("could not bind a probe socket on 127.0.0.1")?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::parse_version;

    #[test]
    fn versions_compare_numerically() {
        assert!(parse_version("15").unwrap() > parse_version("9.6").unwrap());
        assert!(parse_version("16").unwrap() > parse_version("15").unwrap());
        assert_eq!(parse_version("main"), None);
    }
}
