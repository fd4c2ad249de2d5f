//! Bulk loading of a large org tree and registry into an empty database (the city and
//! province demos): explicit ids, multi-row `INSERT`s of up to ~20,000 arguments in large
//! transactions, secondary indexes dropped during the load and rebuilt at the end (a sort
//! instead of millions of random b-tree inserts), and the rows that [`crate::member::insert`]
//! writes next to each member (its branch span, its group span, its first status record)
//! derived from the members in the database with `INSERT … SELECT`.
//!
//! Records are streamed in: the loader holds at most one statement's worth of each kind, so
//! memory stays bounded whatever the size of the load. Parents must come before their
//! children (orgs before the orgs and members in them, members before their posts).
//!
//! The whole load is one transaction (index drops and rebuilds included: DDL is transactional
//! on both backends), so a load that fails leaves the database as it was; on SQLite it also
//! keeps the load on one connection, whose page cache is enlarged for it. The loader refuses
//! a database that holds any org or member.

use crate::member::MemberData;
use crate::{Arg, Db, DbKind, Result, StorageError, Tx, now_ms};
use std::collections::HashMap;

/// One org with its id and materialized path chosen by the caller (`/1/7/23/`).
#[derive(Debug, Clone)]
pub struct OrgRecord {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub name: String,
    pub kind: String,
    pub unit_name: String,
    pub unit_kind: String,
    pub established_on: Option<String>,
    pub term_start_on: Option<String>,
    pub term_years: Option<i64>,
}

/// One member, placed in a branch (and optionally a group in it) since `since`, as
/// [`crate::member::insert`] would place them: the branch span and the group span start on
/// `since`, and the status history is [`crate::member::first_statuses`]: a full member confirmed
/// after `since` was probationary from `since` (which must then be the day of admission,
/// `joined_on`) and full from `confirmed_on`; `status_changed_on` is the last of those days.
#[derive(Debug, Clone)]
pub struct MemberRecord {
    pub id: i64,
    pub data: MemberData,
    pub branch_id: i64,
    pub branch_path: String,
    pub group_id: Option<i64>,
    pub since: String,
}

/// A post on an org's committee, held from `start_on`.
#[derive(Debug, Clone)]
pub struct PostRecord {
    pub id: i64,
    pub org_id: i64,
    pub member_id: i64,
    pub post: String,
    pub start_on: String,
}

/// What a load wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadStats {
    pub orgs: u64,
    pub members: u64,
    pub spans: u64,
    pub status_changes: u64,
    pub posts: u64,
}

impl LoadStats {
    pub fn rows(&self) -> u64 {
        self.orgs + self.members + self.spans + self.status_changes + self.posts
    }
}

/// The tables a load writes, parents first.
const TABLES: [&str; 5] = ["orgs", "members", "member_org_spans", "member_status_changes", "org_posts"];

/// The tables written with `VALUES` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Table {
    Orgs,
    Members,
    Posts,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Orgs => "orgs",
            Table::Members => "members",
            Table::Posts => "org_posts",
        }
    }
}

/// Arguments per statement: below SQLite's limit of 32,766 variables (PostgreSQL's is 65,535).
const MAX_ARGS: usize = 20_000;

const ORG_COLS: &str = "id, parent_id, path, name, kind, unit_name, unit_kind, established_on, term_start_on, \
                        term_years, status, created_at, updated_at";
const ORG_ARGS: usize = 10;
const MEMBER_COLS: &str = "id, name_key, name, gender, ethnicity, birth_date, id_number, phone, education, degree, \
                           occupation, post, unit_name, joined_on, confirmed_on, probation_extension_months, status, \
                           dues_category, status_changed_on, branch_id, group_id, branch_path, created_at, updated_at";
const MEMBER_ARGS: usize = 22;
const POST_COLS: &str = "id, org_id, member_id, post, start_on, created_at";
const POST_ARGS: usize = 5;

/// `head VALUES (…), (…)`: `rows` rows of `per_row` placeholders each, then `tail` (literal
/// SQL, e.g. `,'active',1700000000000`). SQLite gets anonymous `?` placeholders: with numbered
/// or named ones it looks each one up in a list when preparing and binding, which is quadratic
/// in the number of placeholders (half a second for a statement of 20,000).
fn values_sql(kind: DbKind, head: &str, rows: usize, per_row: usize, tail: &str) -> String {
    let mut s = String::with_capacity(head.len() + rows * (per_row * 7 + tail.len() + 4));
    s.push_str(head);
    s.push_str(" VALUES ");
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..per_row {
            if c > 0 {
                s.push(',');
            }
            n += 1;
            match kind {
                DbKind::Sqlite => s.push('?'),
                DbKind::Postgres => {
                    s.push('$');
                    s.push_str(&n.to_string());
                }
            }
        }
        s.push_str(tail);
        s.push(')');
    }
    s
}

/// Loads orgs, members and posts into an empty database; see the module documentation.
pub struct Loader {
    db: Db,
    /// The one transaction of the whole load.
    tx: Tx,
    now: i64,
    orgs: Vec<OrgRecord>,
    members: Vec<MemberRecord>,
    posts: Vec<PostRecord>,
    /// Members written since their spans and status records were last derived, by id.
    pending_members: Option<(i64, i64)>,
    /// Secondary indexes dropped for the load: name and the statement that recreates it.
    dropped: Vec<(String, String)>,
    /// SQLite's page cache size before the load (restored before the indexes are built).
    sqlite_cache: Option<i64>,
    stats: LoadStats,
    /// The text of each statement (table, rows), built once.
    sql: HashMap<(Table, usize), String>,
}

/// Spans and status records are derived after this many members.
const DERIVE_EVERY: i64 = 250_000;

impl Loader {
    /// Starts a load in one transaction: refuses a database with orgs or members, and drops
    /// the secondary (non-unique) indexes of the tables it fills. Nothing is visible to
    /// others until [`Loader::finish`] commits; a load that fails or is dropped leaves the
    /// database as it was.
    pub async fn begin(db: &Db) -> Result<Loader> {
        let mut tx = db.begin().await?;
        for t in ["orgs", "members"] {
            let (n,): (i64,) =
                tx.fetch_one(&format!("SELECT COUNT(*) FROM (SELECT 1 FROM {t} LIMIT 1) x"), &[]).await?;
            if n > 0 {
                return Err(StorageError::Conflict(format!("bulk load into a database whose {t} table is not empty")));
            }
        }
        let list = TABLES.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(",");
        let indexes: Vec<(String, String)> = match db.kind() {
            // Indexes written as CREATE INDEX have their statement; the ones behind UNIQUE and
            // PRIMARY KEY constraints have none and stay.
            DbKind::Sqlite => {
                tx.fetch_all(
                    &format!(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
                         AND tbl_name IN ({list}) ORDER BY name"
                    ),
                    &[],
                )
                .await?
            }
            DbKind::Postgres => {
                tx.fetch_all(
                    &format!(
                        "SELECT i.indexname::TEXT, i.indexdef::TEXT FROM pg_indexes i \
                         WHERE i.schemaname = current_schema() AND i.tablename IN ({list}) \
                         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname \
                         AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())) \
                         ORDER BY i.indexname"
                    ),
                    &[],
                )
                .await?
            }
        };
        for (name, _) in &indexes {
            tx.execute(&format!("DROP INDEX {name}"), &[]).await?;
        }
        let sqlite_cache = match db.kind() {
            DbKind::Sqlite => {
                let (size,): (i64,) = tx.fetch_one("PRAGMA cache_size", &[]).await?;
                // A bigger page cache (128 MiB) for the load, on the one connection it uses:
                // the unique indexes still take their inserts one by one.
                tx.execute("PRAGMA cache_size = -131072", &[]).await?;
                Some(size)
            }
            DbKind::Postgres => None,
        };
        Ok(Loader {
            db: db.clone(),
            tx,
            now: now_ms(),
            orgs: Vec::new(),
            members: Vec::new(),
            posts: Vec::new(),
            pending_members: None,
            dropped: indexes,
            sqlite_cache,
            stats: LoadStats::default(),
            sql: HashMap::new(),
        })
    }

    /// The indexes this load dropped and will rebuild (name, statement).
    pub fn dropped_indexes(&self) -> &[(String, String)] {
        &self.dropped
    }

    pub async fn org(&mut self, o: OrgRecord) -> Result<()> {
        self.orgs.push(o);
        if self.orgs.len() >= MAX_ARGS / ORG_ARGS {
            self.flush_orgs().await?;
        }
        Ok(())
    }

    pub async fn member(&mut self, m: MemberRecord) -> Result<()> {
        self.members.push(m);
        if self.members.len() >= MAX_ARGS / MEMBER_ARGS {
            self.flush_members().await?;
        }
        Ok(())
    }

    pub async fn post(&mut self, p: PostRecord) -> Result<()> {
        self.posts.push(p);
        if self.posts.len() >= MAX_ARGS / POST_ARGS {
            self.flush_posts().await?;
        }
        Ok(())
    }

    /// Inserts `args.len() / per_row` rows into `table` with as few statements as it takes.
    /// Statements have a full batch of rows or 256, 64, 16, 4 or 1: a handful of distinct
    /// texts per table, each prepared once.
    async fn write(&mut self, table: Table, args: Vec<Arg>) -> Result<()> {
        let (head, per_row, tail) = match table {
            Table::Orgs => (ORG_COLS, ORG_ARGS, format!(",'active',{0},{0}", self.now)),
            Table::Members => (MEMBER_COLS, MEMBER_ARGS, format!(",{0},{0}", self.now)),
            Table::Posts => (POST_COLS, POST_ARGS, format!(",{}", self.now)),
        };
        let full = MAX_ARGS / per_row;
        let mut rows_left = args.len() / per_row;
        let mut args = args.into_iter();
        while rows_left > 0 {
            let rows = [full, 256, 64, 16, 4, 1].into_iter().find(|n| *n <= rows_left).unwrap_or(1);
            let kind = self.db.kind();
            let sql = self
                .sql
                .entry((table, rows))
                .or_insert_with(|| {
                    values_sql(kind, &format!("INSERT INTO {} ({head})", table.name()), rows, per_row, &tail)
                })
                .clone();
            let chunk: Vec<Arg> = args.by_ref().take(rows * per_row).collect();
            self.tx.execute(&sql, &chunk).await?;
            rows_left -= rows;
        }
        Ok(())
    }

    async fn flush_orgs(&mut self) -> Result<()> {
        if self.orgs.is_empty() {
            return Ok(());
        }
        let orgs = std::mem::take(&mut self.orgs);
        let n = orgs.len();
        let mut args = Vec::with_capacity(n * ORG_ARGS);
        for o in orgs {
            args.extend([
                Arg::I64(o.id),
                Arg::OptI64(o.parent_id),
                Arg::Str(o.path),
                Arg::Str(o.name),
                Arg::Str(o.kind),
                Arg::Str(o.unit_name),
                Arg::Str(o.unit_kind),
                Arg::OptStr(o.established_on),
                Arg::OptStr(o.term_start_on),
                Arg::OptI64(o.term_years),
            ]);
        }
        self.write(Table::Orgs, args).await?;
        self.stats.orgs += n as u64;
        Ok(())
    }

    async fn flush_members(&mut self) -> Result<()> {
        // Their branches and groups first.
        self.flush_orgs().await?;
        if self.members.is_empty() {
            return Ok(());
        }
        let members = std::mem::take(&mut self.members);
        let n = members.len();
        let (first, last) = (members[0].id, members[n - 1].id);
        let mut args = Vec::with_capacity(n * MEMBER_ARGS);
        for m in members {
            let d = m.data;
            let statuses = crate::member::first_statuses(&d, &m.since);
            if statuses.len() > 1 && m.since != d.joined_on {
                return Err(StorageError::Conflict(format!(
                    "member {}: a full member confirmed after joining the branch must be loaded from the day of \
                     admission ({}), not {}",
                    m.id, d.joined_on, m.since
                )));
            }
            let status_since = statuses.last().map(|(_, on)| on.clone()).unwrap_or_else(|| m.since.clone());
            let key = domain::collation::name_key(&d.name);
            args.extend([
                Arg::I64(m.id),
                Arg::Str(key),
                Arg::Str(d.name),
                Arg::Str(d.gender),
                Arg::Str(d.ethnicity),
                Arg::Str(d.birth_date),
                Arg::Str(d.id_number),
                Arg::OptStr(d.phone),
                Arg::OptStr(d.education),
                Arg::OptStr(d.degree),
                Arg::OptStr(d.occupation),
                Arg::OptStr(d.post),
                Arg::OptStr(d.unit_name),
                Arg::Str(d.joined_on),
                Arg::OptStr(d.confirmed_on),
                Arg::OptI64(d.probation_extension_months),
                Arg::Str(d.status),
                Arg::Str(d.dues_category),
                Arg::Str(status_since),
                Arg::I64(m.branch_id),
                Arg::OptI64(m.group_id),
                Arg::Str(m.branch_path),
            ]);
        }
        self.write(Table::Members, args).await?;
        self.stats.members += n as u64;
        let (lo, hi) = match self.pending_members {
            Some((lo, hi)) => (lo.min(first), hi.max(last)),
            None => (first, last),
        };
        self.pending_members = Some((lo, hi));
        if hi - lo + 1 >= DERIVE_EVERY {
            self.derive().await?;
        }
        Ok(())
    }

    async fn flush_posts(&mut self) -> Result<()> {
        self.flush_members().await?;
        if self.posts.is_empty() {
            return Ok(());
        }
        let posts = std::mem::take(&mut self.posts);
        let n = posts.len();
        let mut args = Vec::with_capacity(n * POST_ARGS);
        for p in posts {
            args.extend([
                Arg::I64(p.id),
                Arg::I64(p.org_id),
                Arg::I64(p.member_id),
                Arg::Str(p.post),
                Arg::Str(p.start_on),
            ]);
        }
        self.write(Table::Posts, args).await?;
        self.stats.posts += n as u64;
        Ok(())
    }

    /// Writes the spans and status records of the members loaded since the last time, from
    /// their own rows, as [`crate::member::insert`] writes them.
    async fn derive(&mut self) -> Result<()> {
        let Some((lo, hi)) = self.pending_members.take() else { return Ok(()) };
        let range = [Arg::I64(lo), Arg::I64(hi)];
        self.stats.spans += self
            .tx
            .execute(
                "INSERT INTO member_org_spans (member_id, org_id, kind, start_on, created_at) \
                 SELECT id, branch_id, 'branch', CASE WHEN status = 'full' AND confirmed_on = status_changed_on AND confirmed_on > joined_on THEN joined_on ELSE status_changed_on END, created_at FROM members \
                 WHERE id >= $1 AND id <= $2 ORDER BY id",
                &range,
            )
            .await?;
        self.stats.spans += self
            .tx
            .execute(
                "INSERT INTO member_org_spans (member_id, org_id, kind, start_on, created_at) \
                 SELECT id, group_id, 'group', CASE WHEN status = 'full' AND confirmed_on = status_changed_on AND confirmed_on > joined_on THEN joined_on ELSE status_changed_on END, created_at FROM members \
                 WHERE id >= $1 AND id <= $2 AND group_id IS NOT NULL ORDER BY id",
                &range,
            )
            .await?;
        self.stats.status_changes += self
            .tx
            .execute(
                "INSERT INTO member_status_changes (member_id, status, changed_on, created_at) \
                 SELECT id, CASE WHEN status = 'full' AND confirmed_on = status_changed_on AND confirmed_on > joined_on THEN 'probationary' ELSE status END, CASE WHEN status = 'full' AND confirmed_on = status_changed_on AND confirmed_on > joined_on THEN joined_on ELSE status_changed_on END, created_at FROM members \
                 WHERE id >= $1 AND id <= $2 ORDER BY id",
                &range,
            )
            .await?;
        // The confirmation of a member loaded as probationary until then.
        self.stats.status_changes += self
            .tx
            .execute(
                "INSERT INTO member_status_changes (member_id, status, changed_on, created_at) \
                 SELECT id, 'full', confirmed_on, created_at FROM members \
                 WHERE id >= $1 AND id <= $2 AND status = 'full' AND confirmed_on = status_changed_on AND confirmed_on > joined_on ORDER BY id",
                &range,
            )
            .await?;
        Ok(())
    }

    /// Writes what is buffered, rebuilds the dropped indexes and commits; then lets
    /// PostgreSQL's identity sequences continue after the explicit ids and refreshes its
    /// planner statistics (`VACUUM ANALYZE`, which also marks the pages all-visible for
    /// index-only scans), or folds SQLite's write-ahead log into the database file.
    pub async fn finish(mut self) -> Result<LoadStats> {
        self.flush_posts().await?;
        self.derive().await?;
        if let Some(size) = self.sqlite_cache {
            // The usual cache again; its size also bounds the memory of the index sorts.
            self.tx.execute(&format!("PRAGMA cache_size = {size}"), &[]).await?;
        }
        for (_, sql) in std::mem::take(&mut self.dropped) {
            self.tx.execute(&sql, &[]).await?;
        }
        if self.db.kind() == DbKind::Postgres {
            commit_synchronously(&mut self.tx).await?;
        }
        self.tx.commit().await?;
        match self.db.kind() {
            DbKind::Sqlite => {
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)", &[]).await?;
            }
            DbKind::Postgres => {
                let setvals = TABLES.iter().map(|t| {
                    format!(
                        "SELECT setval(pg_get_serial_sequence('{t}', 'id'), \
                         GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM {t}"
                    )
                });
                let vacuums = TABLES.iter().map(|t| format!("VACUUM (ANALYZE) {t}"));
                self.db.maintain(&setvals.chain(vacuums).collect::<Vec<_>>()).await?;
            }
        }
        Ok(self.stats)
    }
}

/// Makes PostgreSQL commit this transaction synchronously, whatever the server's setting, so
/// that the VACUUM after a bulk load can mark its pages all-visible (see [`Db::maintain`]).
pub async fn commit_synchronously(tx: &mut Tx) -> Result<()> {
    tx.execute("SET LOCAL synchronous_commit = on", &[]).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::values_sql;
    use crate::DbKind;

    #[test]
    fn placeholders_per_backend() {
        assert_eq!(
            values_sql(DbKind::Postgres, "INSERT INTO t (a, b, c)", 2, 2, ",7"),
            "INSERT INTO t (a, b, c) VALUES ($1,$2,7),($3,$4,7)"
        );
        assert_eq!(
            values_sql(DbKind::Sqlite, "INSERT INTO t (a, b)", 2, 2, ""),
            "INSERT INTO t (a, b) VALUES (?,?),(?,?)"
        );
    }
}
