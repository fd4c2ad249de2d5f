//! The API fuzzing step of `cargo xtask ci`: schemathesis (from PyPI) generates requests from the
//! served OpenAPI document against a debug build serving the tiny demo on loopback, for a bounded
//! time, and fails on any 5xx and on any status, media type or body the document does not
//! describe.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::bench::{Server, TempDir, free_loopback_port};
use crate::process::{find_in_path, run_captured, run_step};
use crate::workspace_root;

/// The schemathesis release the step is written against (its command-line options changed
/// between major versions).
const SCHEMATHESIS: &str = "4.32.5";
/// The time budget of the generated requests.
const MAX_TIME_SECONDS: &str = "240";
/// The OpenAPI validator the web tests run on the document (`openapi_document_validates`).
const OPENAPI_SPEC_VALIDATOR: &str = "0.9.0";
/// A fixed seed, so a failure can be reproduced with the same command.
const SEED: &str = "20261202";

/// Operations left out (by the document's operationId), with the reason: each would end the
/// fuzzer's own access halfway (revoking its token, disabling its account, changing its
/// password). The HTTP tests cover them.
const EXCLUDED: &[&str] = &["delete_tokens_id", "post_accounts_id_disable", "post_account_password"];

/// The schemathesis command: its console script, or the module through python3 when pip put the
/// script where PATH does not reach (a pyenv whose shims were not rehashed).
fn schemathesis() -> Command {
    if find_in_path("schemathesis").is_some() {
        Command::new("schemathesis")
    } else {
        let mut cmd = Command::new("python3");
        cmd.args(["-m", "schemathesis.cli"]);
        cmd
    }
}

fn schemathesis_installed() -> bool {
    schemathesis()
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(SCHEMATHESIS))
}

/// Installs the pinned schemathesis with pip when it is missing.
pub fn ensure_schemathesis() -> Result<()> {
    if schemathesis_installed() {
        return Ok(());
    }
    let pip = if find_in_path("pip3").is_some() { "pip3" } else { "pip" };
    run_step(
        Command::new(pip)
            .args(["install", "--quiet", "--disable-pip-version-check", &format!("schemathesis=={SCHEMATHESIS}")])
            .env("PIP_ROOT_USER_ACTION", "ignore"),
    )?;
    if !schemathesis_installed() {
        bail!("pip installed schemathesis {SCHEMATHESIS}, but `schemathesis --version` does not report it");
    }
    Ok(())
}

fn validator_installed() -> bool {
    Command::new("python3")
        .args(["-c", "import importlib.metadata as m; print(m.version('openapi-spec-validator'))"])
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == OPENAPI_SPEC_VALIDATOR)
}

/// Installs the pinned openapi-spec-validator with pip when it is missing: the web tests
/// validate the API's document with it.
pub fn ensure_openapi_validator() -> Result<()> {
    if validator_installed() {
        return Ok(());
    }
    let pip = if find_in_path("pip3").is_some() { "pip3" } else { "pip" };
    run_step(
        Command::new(pip)
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                &format!("openapi-spec-validator=={OPENAPI_SPEC_VALIDATOR}"),
            ])
            .env("PIP_ROOT_USER_ACTION", "ignore"),
    )?;
    if !validator_installed() {
        bail!("pip installed openapi-spec-validator {OPENAPI_SPEC_VALIDATOR}, but python3 does not find it");
    }
    Ok(())
}

fn zhibu(bin: &Path, data: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("--data-dir").arg(data).stdin(Stdio::null());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("ZHIBU_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

pub fn run() -> Result<()> {
    ensure_schemathesis()?;
    let root = workspace_root();
    // The same selection as the test step's build (the workspace's tests, which build the
    // binary), so after `cargo nextest run --workspace` nothing is compiled again.
    run_step(Command::new("cargo").args(["build", "--workspace", "--tests"]).current_dir(&root))?;
    let bin = root.join("target/debug/zhibu");
    let dir = TempDir::new("zhibu-fuzz")?;
    let data = dir.path().join("data");

    let out = run_captured(zhibu(&bin, &data).args(["demo", "--scale", "tiny"]))?;
    if !out.status.success() {
        bail!("zhibu demo failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let mut create = zhibu(&bin, &data)
        .args(["admin", "create", "--username", "fuzzer", "--role", "system_admin", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("could not run zhibu admin create")?;
    if let Some(mut stdin) = create.stdin.take() {
        use std::io::Write;
        stdin.write_all(b"fuzz-the-api-2026\n")?;
    }
    let out = create.wait_with_output()?;
    if !out.status.success() {
        bail!("zhibu admin create failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = run_captured(zhibu(&bin, &data).args(["admin", "token", "--username", "fuzzer", "--name", "fuzz"]))?;
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || !token.starts_with("zb_") {
        bail!("zhibu admin token failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    let port = free_loopback_port()?;
    let mut serve = zhibu(&bin, &data);
    serve.args(["serve", "--listen", &format!("127.0.0.1:{port}")]);
    let mut server = Server::spawn(serve, &dir.path().join("serve.log"))?;
    server.wait_ready(port)?;

    let base = format!("http://127.0.0.1:{port}/api/v1");
    let mut cmd = schemathesis();
    cmd.args(["run", &format!("{base}/openapi.json"), "--url", &base])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        // Every answer must also match the schema of its type in the document.
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        ])
        // One worker: with two, Python 3.11's `ast.parse` (which hypothesis calls to describe
        // filters) can fail with "AST constructor recursion depth mismatch" when two threads parse
        // at once, an error of the tool that would fail the step for nothing the server did.
        .args(["--max-time", MAX_TIME_SECONDS, "--seed", SEED, "--workers", "1", "--no-color"])
        .args(["--generation-database", "none", "--request-timeout", "30"])
        .current_dir(dir.path());
    for id in EXCLUDED {
        cmd.args(["--exclude-operation-id", id]);
    }
    let result = run_step(&mut cmd);
    let died = server.stop();
    if let Err(e) = result {
        bail!("schemathesis found answers the OpenAPI document does not describe: {e:#}");
    }
    died
}
