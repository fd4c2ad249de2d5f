//! The storage seam: one small enum over the two backends, chosen from the URL at start.

use crate::{Result, StorageError};
use sqlx::postgres::{PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{AssertSqlSafe, FromRow, PgPool, Postgres, Sqlite, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which backend a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

/// A connection pool to either backend, and a counter of committed writes that in-process
/// caches of derived views compare against.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    /// PostgreSQL: a second pool whose connections keep one generic plan per prepared
    /// statement (`plan_cache_mode = force_generic_plan`); see [`Db::fetch_buf_fixed_plan`].
    fixed_plan: Option<PgPool>,
    writes: Arc<AtomicU64>,
    /// Commits of this process that changed who may do what: accounts, roles, tokens, the org
    /// tree's paths (see [`Tx::auth_changed`]). A memo of signed-in people is current while
    /// this count is unchanged.
    auth: Arc<AtomicU64>,
    /// Org names recently read, for lists that show a name per row (see [`Db::org_names`]).
    names: crate::memo::Memo<i64, String>,
    /// Whether a subtree is small, for the member list's choice of plan (see
    /// [`crate::member::list`]): the org tree changes rarely.
    pub(crate) probes: crate::memo::Memo<String, bool>,
    /// SQLite: the turn to write. SQLite lets one writer in at a time and makes the others
    /// retry until its busy timeout, then fail with "database is locked"; a long write (an
    /// 80,000-row import in one transaction) outlasts any timeout. Writers of this process
    /// instead queue here, first come first served (tokio's mutex is fair), for up to
    /// [`WRITE_WAIT`]; past that they get [`StorageError::Busy`] (503 with Retry-After).
    write_turn: Arc<tokio::sync::Mutex<()>>,
}

/// How long a writer waits for its turn on SQLite before giving up with [`StorageError::Busy`].
pub const WRITE_WAIT: Duration = Duration::from_secs(30);

/// How long an org name read by [`Db::org_names`] is reused at most (which bounds how long a
/// rename by another process goes unseen), and how many are kept.
const NAMES_TTL: Duration = Duration::from_secs(60);
/// At most this many names are kept (a few megabytes); past it the memo starts again.
const NAMES_MAX: usize = 100_000;

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A query argument. Nulls carry their type, because PostgreSQL checks parameter types.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    I64(i64),
    Str(String),
    OptI64(Option<i64>),
    OptStr(Option<String>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::I64(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Str(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Str(v)
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::OptI64(v)
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::OptStr(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::OptStr(v.map(str::to_string))
    }
}

/// SQL text with its arguments; [`SqlBuf::arg`] appends an argument and returns its `$N`.
#[derive(Debug, Clone, Default)]
pub struct SqlBuf {
    pub text: String,
    pub args: Vec<Arg>,
}

impl SqlBuf {
    pub fn new(text: &str) -> Self {
        Self { text: text.to_string(), args: Vec::new() }
    }
    pub fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }
    /// Registers an argument and returns its placeholder, for use in pushed text.
    pub fn arg(&mut self, a: impl Into<Arg>) -> String {
        self.args.push(a.into());
        format!("${}", self.args.len())
    }
    /// Pushes `text` followed by the placeholder of `a`.
    /// Appends `ids` as the placeholders of an `IN (…)` list (the caller writes the parentheses).
    pub fn push_ids(&mut self, ids: &[i64]) -> &mut Self {
        let ph: Vec<String> = ids.iter().map(|id| self.arg(*id)).collect();
        self.text.push_str(&ph.join(","));
        self
    }

    pub fn push_arg(&mut self, text: &str, a: impl Into<Arg>) -> &mut Self {
        let p = self.arg(a);
        self.text.push_str(text);
        self.text.push_str(&p);
        self
    }
}

/// A row type that decodes from both backends.
pub trait Row: Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> {}
impl<T> Row for T where T: Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> {}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::I64(v) => q.bind(*v),
                Arg::Str(v) => q.bind(v.clone()),
                Arg::OptI64(v) => q.bind(*v),
                Arg::OptStr(v) => q.bind(v.clone()),
            };
        }
        q
    }};
}

macro_rules! fetch_with {
    ($db:ty, $exec:expr, $sql:expr, $args:expr, $method:ident) => {{
        let q = bind_all!(sqlx::query_as::<$db, T>(AssertSqlSafe($sql.to_string())), $args);
        q.$method($exec).await
    }};
}

impl Db {
    /// Opens the database at `url` (`sqlite://path` or `postgres://…`), creating an SQLite
    /// file if missing. Does not run migrations; see [`Db::migrate`].
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-32000")
                .pragma("mmap_size", "17179869184");
            let pool = SqlitePoolOptions::new()
                .max_connections(std::env::var("ZHIBU_SQLITE_POOL").ok().and_then(|v| v.parse().ok()).unwrap_or(8))
                .min_connections(1)
                .connect_with(opts)
                .await?;
            Ok(Db {
                pool: Pool::Sqlite(pool),
                fixed_plan: None,
                writes: Default::default(),
                auth: Default::default(),
                names: crate::memo::Memo::new(NAMES_MAX),
                probes: crate::memo::Memo::new(10_000),
                write_turn: Default::default(),
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            // JIT compilation pays off for long analytical queries; ours are short and many, and a
            // capped count over a large range can cross jit_above_cost and spend milliseconds
            // compiling for a query that runs in one. Parallel workers likewise: the full check
            // runs several statements at once already, and a member count over a page that
            // PostgreSQL split over three processes took 150 ms of CPU where one took 85.
            let opts = url
                .parse::<sqlx::postgres::PgConnectOptions>()?
                .options([("jit", "off"), ("max_parallel_workers_per_gather", "0")]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts.clone())
                .await?;
            let fixed_plan = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_lazy_with(opts.options([("plan_cache_mode", "force_generic_plan")]));
            Ok(Db {
                pool: Pool::Postgres(pool),
                fixed_plan: Some(fixed_plan),
                writes: Default::default(),
                auth: Default::default(),
                names: crate::memo::Memo::new(NAMES_MAX),
                probes: crate::memo::Memo::new(10_000),
                write_turn: Default::default(),
            })
        } else {
            Err(StorageError::UnsupportedUrl(url.to_string()))
        }
    }

    /// How many writes this process has committed through this pool. A cached view built at
    /// count N is current as long as the count is still N (writes by other processes are not
    /// counted: caches also expire by time).
    pub fn write_count(&self) -> u64 {
        self.writes.load(Ordering::Acquire)
    }

    /// How many commits of this process changed accounts, roles, tokens or the org tree's paths.
    pub fn auth_count(&self) -> u64 {
        self.auth.load(Ordering::Acquire)
    }

    pub fn kind(&self) -> DbKind {
        match &self.pool {
            Pool::Sqlite(_) => DbKind::Sqlite,
            Pool::Postgres(_) => DbKind::Postgres,
        }
    }

    /// Runs the pending versioned migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        // Migration 0013 added the names' sort keys, which SQL cannot compute: the rows that
        // were there get theirs now (nothing to do on a database that has them).
        crate::member::fill_name_keys(self).await?;
        Ok(())
    }

    /// The versions of the migrations this build carries (same numbering on both backends).
    pub fn migration_versions(&self) -> Vec<i64> {
        let m = match &self.pool {
            Pool::Sqlite(_) => &SQLITE_MIGRATIONS,
            Pool::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        m.iter().map(|m| m.version).collect()
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
        if let Some(p) = &self.fixed_plan {
            p.close().await;
        }
    }

    /// Waits for this process's turn to write to SQLite (see `write_turn`).
    async fn write_turn(&self) -> Result<tokio::sync::OwnedMutexGuard<()>> {
        tokio::time::timeout(WRITE_WAIT, self.write_turn.clone().lock_owned()).await.map_err(|_| StorageError::Busy)
    }

    /// A write transaction. On SQLite it first waits for the process's turn to write, which it
    /// holds until it commits or rolls back.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match &self.pool {
            // IMMEDIATE takes the write lock up front, so a transaction that reads before it
            // writes cannot fail with SQLITE_BUSY_SNAPSHOT when another writer got in between.
            Pool::Sqlite(p) => {
                let turn = self.write_turn().await?;
                Tx {
                    inner: TxInner::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
                    writes: self.writes.clone(),
                    auth: self.auth.clone(),
                    auth_changed: false,
                    _turn: Some(turn),
                }
            }
            Pool::Postgres(p) => Tx {
                inner: TxInner::Postgres(p.begin().await?),
                writes: self.writes.clone(),
                auth: self.auth.clone(),
                auth_changed: false,
                _turn: None,
            },
        })
    }

    /// A read-only transaction: a consistent snapshot without taking SQLite's write lock.
    pub async fn begin_read(&self) -> Result<Tx> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Tx {
                inner: TxInner::Sqlite(p.begin().await?),
                writes: self.writes.clone(),
                auth: self.auth.clone(),
                auth_changed: false,
                _turn: None,
            },
            Pool::Postgres(p) => Tx {
                inner: TxInner::Postgres(p.begin().await?),
                writes: self.writes.clone(),
                auth: self.auth.clone(),
                auth_changed: false,
                _turn: None,
            },
        })
    }

    pub async fn fetch_all<T: Row>(&self, sql: &str, args: &[Arg]) -> Result<Vec<T>> {
        let r = match &self.pool {
            Pool::Sqlite(p) => fetch_with!(Sqlite, p, sql, args, fetch_all),
            Pool::Postgres(p) => fetch_with!(Postgres, p, sql, args, fetch_all),
        };
        r.map_err(crate::column::storage_error)
    }

    pub async fn fetch_optional<T: Row>(&self, sql: &str, args: &[Arg]) -> Result<Option<T>> {
        let r = match &self.pool {
            Pool::Sqlite(p) => fetch_with!(Sqlite, p, sql, args, fetch_optional),
            Pool::Postgres(p) => fetch_with!(Postgres, p, sql, args, fetch_optional),
        };
        r.map_err(crate::column::storage_error)
    }

    pub async fn fetch_one<T: Row>(&self, sql: &str, args: &[Arg]) -> Result<T> {
        let r = match &self.pool {
            Pool::Sqlite(p) => fetch_with!(Sqlite, p, sql, args, fetch_one),
            Pool::Postgres(p) => fetch_with!(Postgres, p, sql, args, fetch_one),
        };
        r.map_err(crate::column::storage_error)
    }

    /// One write statement outside a transaction (on SQLite in the process's turn to write).
    pub async fn execute(&self, sql: &str, args: &[Arg]) -> Result<u64> {
        self.writes.fetch_add(1, Ordering::Release);
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let _turn = self.write_turn().await?;
                bind_all!(sqlx::query::<Sqlite>(AssertSqlSafe(sql.to_string())), args).execute(p).await?.rows_affected()
            }
            Pool::Postgres(p) => bind_all!(sqlx::query::<Postgres>(AssertSqlSafe(sql.to_string())), args)
                .execute(p)
                .await?
                .rows_affected(),
        })
    }

    pub async fn fetch_buf<T: Row>(&self, buf: &SqlBuf) -> Result<Vec<T>> {
        self.fetch_all(&buf.text, &buf.args).await
    }

    /// The names of these orgs (ids not found are left out). A page of the member list shows
    /// each member's branch and group: looking the names up in the statement cost PostgreSQL
    /// two index probes per row, a quarter of a search's time, while a province's searches keep
    /// showing the same few thousand orgs. Names read here are reused while no write has been
    /// committed through this pool and for a minute at most.
    pub async fn org_names(&self, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        let mut missing: Vec<i64> = Vec::new();
        let writes = self.write_count();
        for id in ids {
            match self.names.get(id, writes, NAMES_TTL) {
                Some(name) => {
                    out.insert(*id, name);
                }
                None if !missing.contains(id) => missing.push(*id),
                None => {}
            }
        }
        if missing.is_empty() {
            return Ok(out);
        }
        let mut b = SqlBuf::new("SELECT id, name FROM orgs WHERE id IN (");
        let ph: Vec<String> = missing.iter().map(|id| b.arg(*id)).collect();
        b.push(&ph.join(","));
        b.push(")");
        let found: Vec<(i64, String)> = self.fetch_buf_fixed_plan(&b).await?;
        for (id, name) in found {
            // Under the count taken before the read: a write meanwhile makes it stale.
            self.names.put(id, writes, name.clone());
            out.insert(id, name);
        }
        Ok(out)
    }

    /// Runs statements without arguments one after another on one connection (maintenance
    /// after a bulk load: `VACUUM`, sequence updates), on PostgreSQL with every commit
    /// synchronous. `VACUUM` marks a page all-visible, which index-only scans need to skip the
    /// table, only when its rows carry the "committed" hint bit, and PostgreSQL does not set
    /// that bit while the WAL of any recent asynchronous commit near the row's transaction
    /// (ANALYZE's own, say) is not yet flushed: with `synchronous_commit = off` on the
    /// server, a VACUUM right after a load would leave most of the table to be read row by row.
    pub async fn maintain(&self, statements: &[String]) -> Result<()> {
        self.writes.fetch_add(1, Ordering::Release);
        match &self.pool {
            Pool::Sqlite(p) => {
                for sql in statements {
                    sqlx::query::<Sqlite>(AssertSqlSafe(sql.clone())).execute(p).await?;
                }
            }
            Pool::Postgres(p) => {
                let mut conn = p.acquire().await?;
                sqlx::query::<Postgres>("SET synchronous_commit = on").execute(&mut *conn).await?;
                for sql in statements {
                    sqlx::query::<Postgres>(AssertSqlSafe(sql.clone())).execute(&mut *conn).await?;
                }
                sqlx::query::<Postgres>("RESET synchronous_commit").execute(&mut *conn).await?;
            }
        }
        Ok(())
    }

    /// Runs a read whose text leaves the planner one sensible plan whatever the arguments (an
    /// equality on a unique key; a range on the one column that is indexed, the others written
    /// as expressions no index serves). On PostgreSQL it runs on connections that plan each
    /// prepared statement once, generically, instead of again at every execution with the
    /// values bound: for the member search, planning cost more than running. A statement whose
    /// best plan depends on its values (which of two indexed ranges is narrower) must not come
    /// here. SQLite plans once per prepared statement anyway.
    pub async fn fetch_buf_fixed_plan<T: Row>(&self, buf: &SqlBuf) -> Result<Vec<T>> {
        match &self.fixed_plan {
            Some(p) => fetch_with!(Postgres, p, &buf.text, &buf.args, fetch_all).map_err(crate::column::storage_error),
            None => self.fetch_all(&buf.text, &buf.args).await,
        }
    }

    /// Table name → sorted column names, for the schema-parity test.
    pub async fn schema_columns(&self) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
        let mut out = std::collections::BTreeMap::new();
        let rows: Vec<(String, String)> = match &self.pool {
            Pool::Sqlite(_) => {
                self.fetch_all(
                    "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
                    &[],
                )
                .await?
            }
            Pool::Postgres(_) => {
                self.fetch_all(
                    "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
                    &[],
                )
                .await?
            }
        };
        for (t, c) in rows {
            out.entry(t).or_insert_with(Vec::new).push(c);
        }
        for cols in out.values_mut() {
            cols.sort();
        }
        Ok(out)
    }
}

/// A transaction on either backend. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    inner: TxInner,
    writes: Arc<AtomicU64>,
    auth: Arc<AtomicU64>,
    /// The transaction changes who may do what; counted in `auth` when it commits.
    auth_changed: bool,
    /// SQLite writes: the process's turn to write, given back when the transaction ends.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

enum TxInner {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    pub fn kind(&self) -> DbKind {
        match &self.inner {
            TxInner::Sqlite(_) => DbKind::Sqlite,
            TxInner::Postgres(_) => DbKind::Postgres,
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        self.writes.fetch_add(1, Ordering::Release);
        if self.auth_changed {
            self.auth.fetch_add(1, Ordering::Release);
        }
        Ok(())
    }

    /// Marks the transaction as changing accounts, roles, tokens or org paths: memos of signed-in
    /// people end when it commits (never before, so nobody caches the old state as new).
    pub fn auth_changed(&mut self) {
        self.auth_changed = true;
    }

    pub async fn fetch_all<T: Row>(&mut self, sql: &str, args: &[Arg]) -> Result<Vec<T>> {
        let r = match &mut self.inner {
            TxInner::Sqlite(t) => fetch_with!(Sqlite, &mut **t, sql, args, fetch_all),
            TxInner::Postgres(t) => fetch_with!(Postgres, &mut **t, sql, args, fetch_all),
        };
        r.map_err(crate::column::storage_error)
    }

    pub async fn fetch_optional<T: Row>(&mut self, sql: &str, args: &[Arg]) -> Result<Option<T>> {
        let r = match &mut self.inner {
            TxInner::Sqlite(t) => fetch_with!(Sqlite, &mut **t, sql, args, fetch_optional),
            TxInner::Postgres(t) => fetch_with!(Postgres, &mut **t, sql, args, fetch_optional),
        };
        r.map_err(crate::column::storage_error)
    }

    pub async fn fetch_one<T: Row>(&mut self, sql: &str, args: &[Arg]) -> Result<T> {
        let r = match &mut self.inner {
            TxInner::Sqlite(t) => fetch_with!(Sqlite, &mut **t, sql, args, fetch_one),
            TxInner::Postgres(t) => fetch_with!(Postgres, &mut **t, sql, args, fetch_one),
        };
        r.map_err(crate::column::storage_error)
    }

    pub async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64> {
        Ok(match &mut self.inner {
            TxInner::Sqlite(t) => bind_all!(sqlx::query::<Sqlite>(AssertSqlSafe(sql.to_string())), args)
                .execute(&mut **t)
                .await?
                .rows_affected(),
            TxInner::Postgres(t) => bind_all!(sqlx::query::<Postgres>(AssertSqlSafe(sql.to_string())), args)
                .execute(&mut **t)
                .await?
                .rows_affected(),
        })
    }

    /// Inserts a row and returns its generated id (`… RETURNING id` works on both backends).
    pub async fn insert_returning_id(&mut self, sql: &str, args: &[Arg]) -> Result<i64> {
        let (id,): (i64,) = self.fetch_one(sql, args).await?;
        Ok(id)
    }
}
