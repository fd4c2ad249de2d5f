//! Use cases of zhibu, the only way in for the web pages, the JSON API and the CLI alike.
//! Each one authorizes the actor ([`domain::scope::can`]), applies the domain rules, and writes
//! in one transaction together with its audit entry.

pub mod accounts;
pub mod attachments;
pub mod audit_log;
pub mod away;
pub mod compliance;
pub mod console;
pub mod contacts;
pub mod contest;
pub mod contest_import;
pub mod corrections;
pub mod coverage;
pub mod coverage_import;
pub mod decisions;
pub mod demo;
pub mod dual_org_life;
pub mod dues;
pub mod elections;
pub mod export;
pub mod findings;
pub mod home;
pub mod ideology_events;
pub mod ideology_positions;
pub mod import;
mod import_decision;
pub mod ledger;
pub mod ledger_set;
pub mod major_decisions;
pub mod major_matter_reports;
pub mod members;
pub mod org_import;
pub mod org_life;
pub mod orgs;
pub mod own;
pub mod political_birthdays;
pub mod recruitment;
pub mod recruitment_deadlines;
pub mod recruitment_documents;
pub mod recruitment_filings;
pub mod recruitment_import;
pub mod sessions;
pub mod settings;
pub mod stats;
pub mod stats_doc;
pub mod stats_lines;
pub mod todo;
pub mod training;
pub mod training_import;
pub mod transfer_in;
pub mod transfers;

/// The stored rows the use cases hand out, as the front ends receive them (the front ends do
/// not depend on `storage` itself: every read and write goes through a use case here).
pub mod rows {
    pub use storage::account::{AccountRow, RoleRow, TokenRow};
    pub use storage::audit::{AuditFilter, EntryRow};
    pub use storage::meeting::{AttendanceRow, CorrectionRow, DualRow, ExplanationRow, MeetingRow};
    pub use storage::member::MemberRow;
    pub use storage::org::{OrgRow, PostRow};
}

use domain::FieldErrors;
use domain::scope::Actor;
pub use storage::StorageError;
use storage::audit::{AuditKey, NewEntry};
use storage::memo::Memo;
use storage::{Db, Tx};
use thiserror::Error;

/// Why a use case did not happen. Every variant renders as a Chinese message for people and a
/// stable `code` for the API.
#[derive(Debug, Error)]
pub enum ServiceError {
    /// The object does not exist or lies outside the actor's scope (the two are not told apart,
    /// so guessing ids reveals nothing).
    #[error("找不到该记录，或您无权查看")]
    NotFound,
    #[error("您没有进行此操作的权限")]
    Forbidden,
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("用户名或密码错误")]
    BadCredentials,
    #[error("登录失败次数过多，请 {minutes} 分钟后再试")]
    Throttled { minutes: i64 },
    #[error("内部错误：{0}")]
    Storage(#[from] StorageError),
    #[error("内部错误：{0}")]
    Internal(String),
}

impl ServiceError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Forbidden => "forbidden",
            Self::Invalid(_) => "invalid",
            Self::Conflict(_) => "conflict",
            Self::BadCredentials => "bad_credentials",
            Self::Throttled { .. } => "throttled",
            Self::Storage(e) if e.is_busy() => "busy",
            Self::Storage(e) if e.is_foreign_key_violation() => "invalid",
            Self::Storage(_) | Self::Internal(_) => "internal",
        }
    }

    /// Whether the database was busy with another write for longer than a writer waits: the
    /// request may simply be repeated (503 with Retry-After).
    pub fn is_busy(&self) -> bool {
        matches!(self, Self::Storage(e) if e.is_busy())
    }

    /// A single-field validation error.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut e = FieldErrors::new();
        e.add(field, message);
        Self::Invalid(e)
    }
}

pub type Result<T> = std::result::Result<T, ServiceError>;

/// Default lifetime of a cached member-list page, in milliseconds.
pub const DEFAULT_LIST_CACHE_MS: u64 = 2_000;

/// Cost parameters of argon2id. Production uses the defaults of the argon2 crate (19 MiB, two
/// passes); tests use a cheaper setting so that they stay fast.
#[derive(Debug, Clone, Copy)]
pub struct HashCost {
    pub m_kib: u32,
    pub t: u32,
}

impl Default for HashCost {
    fn default() -> Self {
        Self { m_kib: 19 * 1024, t: 2 }
    }
}

impl HashCost {
    pub fn cheap_for_tests() -> Self {
        Self { m_kib: 256, t: 1 }
    }
}

/// Everything a use case needs; cheap to clone.
/// The locks of the to-do lists being computed, by list.
type TodoLocks = std::collections::HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>;

#[derive(Clone, Debug)]
pub struct Services {
    /// Only use cases touch the database; see [`Services::fixture_db`] for test fixtures.
    pub(crate) db: Db,
    pub audit_key: AuditKey,
    pub hash_cost: HashCost,
    pub(crate) token_cache: Memo<String, sessions::SignedIn>,
    pub(crate) list_cache: Memo<String, std::sync::Arc<members::MemberPage>>,
    pub(crate) home_cache: Memo<String, std::sync::Arc<home::HomeFigures>>,
    /// The home page's to-do lists: a subtree's check, kept until the next write (see
    /// [`todo::TODO_CACHE_MS`]).
    pub(crate) todo_cache: Memo<String, std::sync::Arc<Vec<todo::Todo>>>,
    /// One lock per to-do list being computed (see [`Services::todo`]).
    pub(crate) todo_locks: std::sync::Arc<std::sync::Mutex<TodoLocks>>,
    /// How long a computed member-list page or home page may be reused (0 turns the caches off).
    pub list_cache_ms: u64,
    /// Where meeting attachments are kept (the data directory's `attachments`); without it,
    /// uploads are refused with a message.
    pub files_dir: Option<std::path::PathBuf>,
    /// The CJK font for PDFs; without it, the usual Debian font locations are searched.
    pub font_path: Option<std::path::PathBuf>,
    /// The date these services take as today where a use case stamps or validates a record
    /// against it; `None` (the default) is the real date in China ([`today`]). Tests pin it, so
    /// that records dated relative to a fixed day stay valid whatever the clock says.
    pub today_override: Option<chrono::NaiveDate>,
    /// Uploaded files parsed at once (see [`import::PARALLEL_READS`]).
    pub(crate) read_slots: std::sync::Arc<tokio::sync::Semaphore>,
}

impl Services {
    pub fn new(db: Db, audit_key: AuditKey, hash_cost: HashCost) -> Self {
        Self {
            db,
            audit_key,
            hash_cost,
            token_cache: Memo::new(10_000),
            list_cache: Memo::new(4_096),
            home_cache: Memo::new(4_096),
            todo_cache: Memo::new(1_024),
            todo_locks: std::sync::Arc::default(),
            list_cache_ms: DEFAULT_LIST_CACHE_MS,
            files_dir: None,
            font_path: None,
            today_override: None,
            read_slots: std::sync::Arc::new(tokio::sync::Semaphore::new(import::PARALLEL_READS)),
        }
    }

    /// The database, for test fixtures that set up or inspect rows directly. Front ends never
    /// call this (a test in the web crate reads their sources to keep it so): they reach data
    /// through the use cases, where scope and audit live.
    #[doc(hidden)]
    pub fn fixture_db(&self) -> &Db {
        &self.db
    }

    /// Today for the use cases: [`Services::today_override`] or the real date.
    pub fn today(&self) -> chrono::NaiveDate {
        self.today_override.unwrap_or_else(today)
    }

    /// Appends the audit entry of a write made by `actor` inside `tx`.
    pub(crate) async fn audit(&self, tx: &mut Tx, actor: &Actor, entry: Entry<'_>) -> Result<()> {
        storage::audit::append(
            tx,
            &self.audit_key,
            NewEntry {
                actor_id: Some(actor.account_id),
                actor: actor.username.clone(),
                action: entry.action.to_string(),
                entity: entry.entity.to_string(),
                entity_id: entry.entity_id,
                org_path: entry.org_path,
                before: entry.before,
                after: entry.after,
            },
        )
        .await?;
        Ok(())
    }
}

/// The audit entry of one write.
pub(crate) struct Entry<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub org_path: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The operator at the console (`zhibu` CLI commands): acts with full scope, audited under
/// this name.
pub fn console_actor() -> Actor {
    Actor { account_id: 0, username: "console".into(), grants: vec![domain::scope::Grant::SystemAdmin] }
}

/// Today's date in China (UTC+8, no daylight saving), for stamping records. Rules never call
/// this: they take the date as an argument. Front ends use [`Services::today`], which tests pin.
pub fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}
