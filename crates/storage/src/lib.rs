//! The database of zhibu: one [`Db`] over SQLite (embedded default) and PostgreSQL (scale-out),
//! chosen from the URL at start.
//!
//! Every query is written once, in SQL both backends accept, with `$1`-style placeholders
//! (sqlx's SQLite driver maps `$N` to the N-th argument). Dynamic filters are composed with
//! [`SqlBuf`], which numbers the placeholders. Every read of orgs or members takes the viewer's
//! [`domain::scope::Scope`] and filters by it in SQL ([`scope_filter`]), so nothing outside the
//! scope can be returned whatever id was asked for.

pub mod account;
pub mod audit;
pub mod away;
pub mod bulk;
pub mod bulk_contest;
pub mod bulk_decisions;
pub mod bulk_dues;
pub mod bulk_life;
pub mod bulk_major_decisions;
pub mod bulk_positions;
pub mod bulk_recruits;
pub mod bulk_reports;
pub mod bulk_training;
pub mod bulk_transfers;
pub mod bulk_units;
pub mod check;
pub mod column;
pub mod contact;
pub mod contest;
pub mod db;
pub mod decision;
pub mod dues;
pub mod election;
pub mod ideology_event;
pub mod ideology_position;
pub mod major_decision;
pub mod major_matter_report;
pub mod meeting;
pub mod member;
pub mod member_anniversaries;
pub mod member_history;
pub mod memo;
pub mod org;
pub mod recruit;
pub mod roster;
pub mod session;
pub mod settings;
pub mod stats;
pub mod training;
pub mod transfer;
pub mod unit;

pub use db::{Arg, Db, DbKind, Row, SqlBuf, Tx};

use domain::scope::Scope;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database url (use sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
    #[error("corrupt row in {table}: {detail}")]
    Corrupt { table: &'static str, detail: String },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    /// Another write held the database longer than a writer may wait ([`db::WRITE_WAIT`]).
    #[error("the database is busy with another write")]
    Busy,
}

impl StorageError {
    pub fn corrupt(table: &'static str, detail: impl Into<String>) -> Self {
        Self::Corrupt { table, detail: detail.into() }
    }

    /// Whether the write could not get the database in time: our own wait for the turn to
    /// write, or SQLite's "database is locked" / "database table is locked" (another process).
    /// Answered with 503 and Retry-After, never 500.
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Busy => true,
            Self::Sqlx(sqlx::Error::Database(e)) => {
                // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes (low byte).
                e.code().and_then(|c| c.parse::<i64>().ok()).is_some_and(|c| matches!(c & 0xFF, 5 | 6))
                    && e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some()
            }
            Self::Sqlx(sqlx::Error::PoolTimedOut) => true,
            _ => false,
        }
    }

    /// Whether the error is a violated foreign key: a request referred to a row that does not
    /// exist. Services check their references first and name the field; this is the net below
    /// them, answered with 400, never 500.
    pub fn is_foreign_key_violation(&self) -> bool {
        match self {
            Self::Sqlx(sqlx::Error::Database(e)) => e.is_foreign_key_violation(),
            _ => false,
        }
    }

    /// Whether the error is a violated unique constraint (a duplicate id_number, username …).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            Self::Sqlx(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}

pub type Result<T> = std::result::Result<T, StorageError>;

/// Appends `AND (…)` restricting `path_col` (a materialized org path column) to the scope's
/// subtrees, or, when `member_id_col` is given, also allowing the viewer's own member row.
/// A scope that sees nothing yields `AND 1=0`.
pub fn scope_filter(buf: &mut SqlBuf, scope: &Scope, path_col: &str, member_id_col: Option<&str>) {
    scope_filter_any(buf, scope, &[path_col], member_id_col);
}

/// [`scope_filter`] for a row that belongs to several orgs (a transfer: its sender and its
/// receiver): visible when any of `path_cols` is in the scope.
pub fn scope_filter_any(buf: &mut SqlBuf, scope: &Scope, path_cols: &[&str], member_id_col: Option<&str>) {
    if scope.all {
        return;
    }
    let mut parts: Vec<String> = Vec::new();
    for subtree in &scope.subtrees {
        let (lo, hi) = subtree.subtree_bounds();
        let a = buf.arg(Arg::Str(lo));
        let b = buf.arg(Arg::Str(hi));
        for path_col in path_cols {
            parts.push(format!("({path_col} >= {a} AND {path_col} < {b})"));
        }
    }
    if let (Some(col), Some(own)) = (member_id_col, scope.own_member_id) {
        let a = buf.arg(Arg::I64(own));
        parts.push(format!("{col} = {a}"));
    }
    if parts.is_empty() {
        buf.push(" AND 1=0");
    } else {
        buf.push(" AND (");
        buf.push(&parts.join(" OR "));
        buf.push(")");
    }
}

/// Current time as epoch milliseconds. Storage stamps rows with it; rules never read it.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
