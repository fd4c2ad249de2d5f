//! Installs the system packages and Rust components the test suite needs.

use std::process::Command;

use anyhow::{Result, bail};

use crate::pg;
use crate::process::{find_in_path, is_root, run_step, succeeds};

/// A Debian package and how to tell whether it is already there.
struct Requirement {
    package: &'static str,
    present: fn() -> bool,
}

const REQUIREMENTS: &[Requirement] = &[
    Requirement { package: "postgresql", present: || pg::find_bin_dir().is_some() },
    Requirement { package: "chromium", present: || find_in_path("chromium").is_some() },
    Requirement { package: "chromium-driver", present: || find_in_path("chromedriver").is_some() },
    Requirement { package: "fonts-wqy-microhei", present: || dpkg_installed("fonts-wqy-microhei") },
    Requirement { package: "wrk", present: || find_in_path("wrk").is_some() },
    // The browser tests' WebDriver client links OpenSSL.
    Requirement { package: "libssl-dev", present: || dpkg_installed("libssl-dev") },
    Requirement { package: "pkg-config", present: || find_in_path("pkg-config").is_some() },
];

/// Whether dpkg knows `package` as fully installed.
fn dpkg_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${db:Status-Status}", package])
        .output()
        .map(|o| o.status.success() && o.stdout == b"installed")
        .unwrap_or(false)
}

/// Installs what is missing: Debian packages (through apt-get, as root only)
/// and the rustfmt/clippy components (through rustup).
pub fn ensure() -> Result<()> {
    ensure_debian_packages()?;
    ensure_rust_components()
}

fn ensure_debian_packages() -> Result<()> {
    let missing: Vec<&str> = REQUIREMENTS.iter().filter(|r| !(r.present)()).map(|r| r.package).collect();
    if missing.is_empty() {
        println!("xtask: system packages already present");
        return Ok(());
    }
    let list = missing.join(" ");
    if !is_root() {
        bail!(
            "missing system packages: {list}\n\
             install them first, e.g.:\n    \
             sudo apt-get install --no-install-recommends {list}"
        );
    }
    if find_in_path("apt-get").is_none() {
        bail!("missing system packages: {list}, and apt-get is not available to install them");
    }
    println!("xtask: installing {list}");
    run_step(Command::new("apt-get").arg("update"))?;
    run_step(
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "--no-install-recommends"])
            .args(&missing),
    )?;
    let still_missing: Vec<&str> = REQUIREMENTS.iter().filter(|r| !(r.present)()).map(|r| r.package).collect();
    if !still_missing.is_empty() {
        bail!("apt-get install succeeded but these still look missing: {}", still_missing.join(" "));
    }
    Ok(())
}

fn ensure_rust_components() -> Result<()> {
    let fmt_ok = succeeds(Command::new("cargo").args(["fmt", "--version"]));
    let clippy_ok = succeeds(Command::new("cargo").args(["clippy", "--version"]));
    if fmt_ok && clippy_ok {
        return Ok(());
    }
    if find_in_path("rustup").is_none() {
        bail!("cargo fmt and/or cargo clippy are missing and rustup is not on PATH to add them");
    }
    println!("xtask: adding the rustfmt and clippy components");
    run_step(Command::new("rustup").args(["component", "add", "rustfmt", "clippy"]))
}
