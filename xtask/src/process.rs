//! Helpers for running external commands and for reacting to termination signals.

use std::ffi::OsStr;
use std::fmt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use anyhow::{Context, Result, bail};

/// Set once SIGINT, SIGTERM or SIGHUP has been received.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// The signal that set [`INTERRUPTED`] (0 if none).
static LAST_SIGNAL: AtomicI32 = AtomicI32::new(0);
/// Pid of the foreground child started by [`run_step`] (0 if none).
static CHILD_PID: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(signal: libc::c_int) {
    // Only async-signal-safe operations here: atomics and kill(2).
    INTERRUPTED.store(true, Ordering::SeqCst);
    LAST_SIGNAL.store(signal, Ordering::SeqCst);
    // A Ctrl-C from a terminal already reaches every process of the foreground
    // process group, children included. SIGTERM/SIGHUP are usually sent to us
    // alone, so pass them on to the running child.
    if signal != libc::SIGINT {
        let pid = CHILD_PID.load(Ordering::SeqCst);
        if pid > 0 {
            // SAFETY: kill(2) is async-signal-safe; a stale pid is harmless
            // because the child is only reaped after CHILD_PID is cleared.
            unsafe {
                libc::kill(pid, signal);
            }
        }
    }
}

/// Installs handlers so that SIGINT, SIGTERM and SIGHUP no longer kill xtask
/// outright: the running step ends, then destructors (e.g. the PostgreSQL
/// cluster guard) run before we exit.
pub fn install_signal_handlers() -> Result<()> {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: plain sigaction(2) with a handler that only touches atomics
        // and calls kill(2).
        let ok = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut()) == 0
        };
        if !ok {
            bail!("sigaction({signal}) failed: {}", std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Whether a termination signal has been received.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The exit code conventionally used after being stopped by the last signal.
pub fn interrupted_exit_code() -> i32 {
    128 + LAST_SIGNAL.load(Ordering::SeqCst)
}

/// Whether the effective user is root.
pub fn is_root() -> bool {
    // SAFETY: geteuid(2) cannot fail and has no side effects.
    unsafe { libc::geteuid() == 0 }
}

/// Looks `name` up on PATH like `command -v` does for external commands.
pub fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

/// Renders a command the way a user could paste it into a shell (roughly).
pub fn display(cmd: &Command) -> String {
    std::iter::once(cmd.get_program()).chain(cmd.get_args()).map(shell_word).collect::<Vec<_>>().join(" ")
}

fn shell_word(word: &OsStr) -> String {
    let s = word.to_string_lossy();
    let plain = !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:@,+%".contains(c));
    if plain { s.into_owned() } else { format!("'{}'", s.replace('\'', r"'\''")) }
}

/// A command that ran but did not succeed.
#[derive(Debug)]
pub struct CommandFailed {
    pub what: String,
    pub status: ExitStatus,
}

impl CommandFailed {
    /// The exit code to pass on: the child's, or 128+signal if it was killed.
    pub fn exit_code(&self) -> i32 {
        exit_code(self.status)
    }
}

impl fmt::Display for CommandFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed ({})", self.what, self.status)
    }
}

impl std::error::Error for CommandFailed {}

/// The shell-style exit code of a finished process.
pub fn exit_code(status: ExitStatus) -> i32 {
    status.code().or_else(|| status.signal().map(|s| 128 + s)).unwrap_or(1)
}

/// Runs a command with inherited stdio and fails with [`CommandFailed`]
/// (carrying the exit status) if it does not succeed.
pub fn run_step(cmd: &mut Command) -> Result<()> {
    let what = display(cmd);
    let mut child = cmd.spawn().with_context(|| format!("could not start `{what}`"))?;
    CHILD_PID.store(child.id() as i32, Ordering::SeqCst);
    let waited = child.wait();
    CHILD_PID.store(0, Ordering::SeqCst);
    let status = waited.with_context(|| format!("could not wait for `{what}`"))?;
    if status.success() { Ok(()) } else { Err(CommandFailed { what, status }.into()) }
}

/// Runs a command, capturing its output; fails with the output included in the
/// error message if it does not succeed.
pub fn run_captured(cmd: &mut Command) -> Result<Output> {
    let what = display(cmd);
    let output = cmd.output().with_context(|| format!("could not start `{what}`"))?;
    if output.status.success() {
        Ok(output)
    } else {
        bail!(
            "`{what}` failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    }
}

/// Whether a command runs and exits successfully (output discarded).
pub fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}
