//! Configuration: defaults, then an optional TOML file, then `ZHIBU_*` environment variables,
//! then command-line flags (later wins).

use anyhow::{Context, Result};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use rand::RngCore;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    pub data_dir: String,
    /// Empty: SQLite at DATA_DIR/zhibu.db.
    pub database_url: String,
    pub listen: String,
    pub cookie_secure: bool,
    pub session_hours: i64,
    /// Empty: DATA_DIR/audit.key.
    pub audit_key_file: String,
    /// How long a computed member-list page may be reused, in ms (0: off).
    pub list_cache_ms: u64,
    /// A CJK font (.ttf/.otf/.ttc) for PDF ledgers. Empty: the usual Debian locations
    /// (fonts-noto-cjk, fonts-wqy-microhei).
    pub font_path: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: "./zhibu-data".into(),
            database_url: String::new(),
            listen: "127.0.0.1:8080".into(),
            cookie_secure: false,
            session_hours: 12,
            audit_key_file: String::new(),
            list_cache_ms: services::DEFAULT_LIST_CACHE_MS,
            font_path: String::new(),
        }
    }
}

impl Config {
    pub fn load(file: Option<&str>, data_dir: Option<&str>, database_url: Option<&str>) -> Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(f) => {
                if !std::path::Path::new(f).exists() {
                    anyhow::bail!("configuration file {f} does not exist");
                }
                fig = fig.merge(Toml::file(f));
            }
            None => fig = fig.merge(Toml::file("zhibu.toml")),
        }
        fig = fig.merge(Env::prefixed("ZHIBU_").only(&[
            "data_dir",
            "database_url",
            "listen",
            "cookie_secure",
            "session_hours",
            "audit_key_file",
            "list_cache_ms",
            "font_path",
        ]));
        let mut cfg: Config = fig.extract().context("invalid configuration")?;
        if let Some(d) = data_dir {
            cfg.data_dir = d.to_string();
        }
        if let Some(u) = database_url {
            cfg.database_url = u.to_string();
        }
        Ok(cfg)
    }

    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}/zhibu.db", self.data_dir.trim_end_matches('/'))
        } else {
            self.database_url.clone()
        }
    }
}

/// Where the audit chain's HMAC key is kept.
pub fn audit_key_path(cfg: &Config) -> std::path::PathBuf {
    if cfg.audit_key_file.is_empty() {
        std::path::Path::new(&cfg.data_dir).join("audit.key")
    } else {
        std::path::PathBuf::from(&cfg.audit_key_file)
    }
}

/// Reads the audit chain's HMAC key; `None` when the file does not exist. Keep it with the
/// backups: without it the chain cannot be verified.
pub fn read_audit_key(cfg: &Config) -> Result<Option<Vec<u8>>> {
    let path = audit_key_path(cfg);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let key = hex::decode(text.trim()).with_context(|| format!("{} is not a hex key", path.display()))?;
    anyhow::ensure!(key.len() >= 32, "{} holds a key shorter than 32 bytes", path.display());
    Ok(Some(key))
}

/// Creates a random audit key, readable by the owner only. Only for a database whose chain has
/// never been written: a new key for a written chain would make it unverifiable.
pub fn create_audit_key(cfg: &Config) -> Result<Vec<u8>> {
    let path = audit_key_path(cfg);
    let mut key = vec![0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    write_private(&path, &hex::encode(&key))?;
    Ok(key)
}

/// The message for a missing key.
pub fn missing_key(cfg: &Config) -> String {
    format!(
        "the audit key is missing: expected it at {} (set audit_key_file or ZHIBU_AUDIT_KEY_FILE if it lives \
         elsewhere; restore it from the backup kept with the database). No new key was created: the audit chain \
         of this database can only be verified and continued with the key it was written with",
        audit_key_path(cfg).display()
    )
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot create {}", path.display()))
}
