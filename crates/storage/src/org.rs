//! Orgs of the tree and the posts on their committees.

use crate::{Db, Result, SqlBuf, StorageError, Tx, now_ms, scope_filter};
use chrono::NaiveDate;
use domain::org::OrgPath;
use domain::org::{OrgKind, OrgStatus, PostKind, UnitKind};
use domain::scope::Scope;
use serde::Serialize;

crate::typed_row! {
    /// An org as stored, each column in its domain type.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct OrgRow in "orgs" {
        pub id: i64,
        pub parent_id: Option<i64>,
        pub path: String,
        pub name: String,
        pub kind: OrgKind,
        pub unit_name: String,
        pub unit_kind: UnitKind,
        pub established_on: Option<NaiveDate>,
        pub term_start_on: Option<NaiveDate>,
        pub term_years: Option<i64>,
        pub status: OrgStatus,
        pub closed_on: Option<NaiveDate>,
    }
}

impl OrgRow {
    pub fn org_path(&self) -> Result<OrgPath> {
        OrgPath::parse(&self.path).map_err(|e| StorageError::corrupt("orgs", format!("row {}, path: {e}", self.id)))
    }
}

const COLS: &str = "o.id, o.parent_id, o.path, o.name, o.kind, o.unit_name, o.unit_kind, o.established_on, \
                    o.term_start_on, o.term_years, o.status, o.closed_on";

/// The fields of an org that a person edits.
#[derive(Debug, Clone, Default)]
pub struct OrgFields {
    pub name: String,
    pub kind: String,
    pub unit_name: String,
    pub unit_kind: String,
    pub established_on: Option<String>,
    pub term_start_on: Option<String>,
    pub term_years: Option<i64>,
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Option<OrgRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM orgs o WHERE "));
    b.push_arg("o.id = ", id);
    scope_filter(&mut b, scope, "o.path", None);
    // By primary key: the same plan for every id (and it runs on every member search by org).
    Ok(db.fetch_buf_fixed_plan(&b).await?.into_iter().next())
}

pub async fn get_in_tx(tx: &mut Tx, scope: &Scope, id: i64) -> Result<Option<OrgRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM orgs o WHERE "));
    b.push_arg("o.id = ", id);
    scope_filter(&mut b, scope, "o.path", None);
    tx.fetch_optional(&b.text, &b.args).await
}

/// Finds orgs by exact name within the scope (for imports and the CLI).
pub async fn find_by_name(db: &Db, scope: &Scope, name: &str) -> Result<Vec<OrgRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM orgs o WHERE "));
    b.push_arg("o.name = ", name);
    scope_filter(&mut b, scope, "o.path", None);
    b.push(" ORDER BY o.path");
    db.fetch_buf(&b).await
}

/// Every org of the scope, optionally only within one subtree, in path order.
pub async fn list(db: &Db, scope: &Scope, within: Option<&OrgPath>, include_closed: bool) -> Result<Vec<OrgRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM orgs o WHERE 1=1"));
    if let Some(root) = within {
        let (lo, hi) = root.subtree_bounds();
        b.push_arg(" AND o.path >= ", lo);
        b.push_arg(" AND o.path < ", hi);
    }
    if !include_closed {
        b.push(" AND o.status = 'active'");
    }
    scope_filter(&mut b, scope, "o.path", None);
    b.push(" ORDER BY o.path");
    db.fetch_buf(&b).await
}

/// The active orgs at the top of the tree (those without a parent), in path order.
pub async fn roots(db: &Db) -> Result<Vec<OrgRow>> {
    let b = SqlBuf::new(&format!(
        "SELECT {COLS} FROM orgs o WHERE o.parent_id IS NULL AND o.status = 'active' ORDER BY o.path"
    ));
    db.fetch_buf(&b).await
}

/// The orgs with the given ids that the scope sees (for breadcrumbs and labels).
pub async fn by_ids(db: &Db, scope: &Scope, ids: &[i64]) -> Result<Vec<OrgRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM orgs o WHERE o.id IN ("));
    let ph: Vec<String> = ids.iter().map(|id| b.arg(*id)).collect();
    b.push(&ph.join(","));
    b.push(")");
    scope_filter(&mut b, scope, "o.path", None);
    b.push(" ORDER BY o.path");
    db.fetch_buf(&b).await
}

/// Inserts an org under `parent` (or as a root) and returns it. The path needs the new id,
/// so the row is inserted with a unique temporary path and then given its real one.
pub async fn insert(tx: &mut Tx, parent: Option<&OrgRow>, f: &OrgFields) -> Result<OrgRow> {
    let now = now_ms();
    let temp_path = format!("~{}-{}", now, f.name.len());
    let id = tx
        .insert_returning_id(
            "INSERT INTO orgs (parent_id, path, name, kind, unit_name, unit_kind, established_on, term_start_on, \
             term_years, status, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'active',$10,$10) RETURNING id",
            &[
                parent.map(|p| p.id).into(),
                temp_path.into(),
                f.name.clone().into(),
                f.kind.clone().into(),
                f.unit_name.clone().into(),
                f.unit_kind.clone().into(),
                f.established_on.clone().into(),
                f.term_start_on.clone().into(),
                f.term_years.into(),
                now.into(),
            ],
        )
        .await?;
    let path = match parent {
        Some(p) => p.org_path()?.child(id),
        None => OrgPath::root(id),
    };
    tx.execute("UPDATE orgs SET path = $1 WHERE id = $2", &[path.as_str().into(), id.into()]).await?;
    get_in_tx(tx, &Scope::everything(), id).await?.ok_or_else(|| StorageError::corrupt("orgs", "inserted org vanished"))
}

pub async fn update_fields(tx: &mut Tx, id: i64, f: &OrgFields) -> Result<()> {
    tx.execute(
        "UPDATE orgs SET name = $1, unit_name = $2, unit_kind = $3, established_on = $4, term_start_on = $5, \
         term_years = $6, updated_at = $7 WHERE id = $8",
        &[
            f.name.clone().into(),
            f.unit_name.clone().into(),
            f.unit_kind.clone().into(),
            f.established_on.clone().into(),
            f.term_start_on.clone().into(),
            f.term_years.into(),
            now_ms().into(),
            id.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Moves the subtree rooted at `org` under `new_parent`: rewrites the paths of the org, its
/// descendants and the cached branch paths of their members, in the caller's transaction.
pub async fn move_subtree(tx: &mut Tx, org: &OrgRow, new_parent: &OrgRow) -> Result<OrgPath> {
    // The paths of roles' orgs change: scopes held in memos are stale.
    tx.auth_changed();
    let old = org.org_path()?;
    let new = new_parent.org_path()?.child(org.id);
    let (lo, hi) = old.subtree_bounds();
    let old_len = old.as_str().chars().count() as i64;
    // substr is 1-based on both backends; paths are ASCII so chars = bytes.
    tx.execute(
        "UPDATE orgs SET path = $1 || substr(path, CAST($2 AS INTEGER)), updated_at = $3 WHERE path >= $4 AND path < $5",
        &[new.as_str().into(), (old_len + 1).into(), now_ms().into(), lo.clone().into(), hi.clone().into()],
    )
    .await?;
    tx.execute(
        "UPDATE members SET branch_path = $1 || substr(branch_path, CAST($2 AS INTEGER)) WHERE branch_path >= $3 AND branch_path < $4",
        &[new.as_str().into(), (old_len + 1).into(), lo.clone().into(), hi.clone().into()],
    )
    .await?;
    // Every table that keeps its org's path for scoping follows the move.
    for table in ["meetings", "finding_explanations", "committee_settings", "member_work_refusals"] {
        tx.execute(
            &format!(
                "UPDATE {table} SET org_path = $1 || substr(org_path, CAST($2 AS INTEGER)) \
                 WHERE org_path >= $3 AND org_path < $4"
            ),
            &[new.as_str().into(), (old_len + 1).into(), lo.clone().into(), hi.clone().into()],
        )
        .await?;
    }
    tx.execute("UPDATE orgs SET parent_id = $1 WHERE id = $2", &[new_parent.id.into(), org.id.into()]).await?;
    Ok(new)
}

pub async fn close(tx: &mut Tx, id: i64, on: &str) -> Result<()> {
    tx.execute(
        "UPDATE orgs SET status = 'closed', closed_on = $1, updated_at = $2 WHERE id = $3",
        &[on.into(), now_ms().into(), id.into()],
    )
    .await?;
    Ok(())
}

/// Members still in the org (as their branch or group), counting only current statuses.
pub async fn current_member_count(tx: &mut Tx, org: &OrgRow) -> Result<i64> {
    let (n,): (i64,) = if org.kind == OrgKind::Group {
        tx.fetch_one(
            "SELECT COUNT(*) FROM members WHERE group_id = $1 AND status IN ('probationary','full')",
            &[org.id.into()],
        )
        .await?
    } else {
        let (lo, hi) = org.org_path()?.subtree_bounds();
        tx.fetch_one(
            "SELECT COUNT(*) FROM members WHERE branch_path >= $1 AND branch_path < $2 AND status IN ('probationary','full')",
            &[lo.into(), hi.into()],
        )
        .await?
    };
    Ok(n)
}

pub async fn active_child_count(tx: &mut Tx, id: i64) -> Result<i64> {
    let (n,): (i64,) =
        tx.fetch_one("SELECT COUNT(*) FROM orgs WHERE parent_id = $1 AND status = 'active'", &[id.into()]).await?;
    Ok(n)
}

crate::typed_row! {
    /// A post held by a member on an org's committee.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct PostRow in "org_posts" {
        pub id: i64,
        pub org_id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub post: PostKind,
        pub start_on: NaiveDate,
        pub end_on: Option<NaiveDate>,
    }
}

/// The posts on an org's committee, if the org is in the scope.
pub async fn posts(db: &Db, scope: &Scope, org_id: i64, include_ended: bool) -> Result<Vec<PostRow>> {
    let mut b = SqlBuf::new(
        "SELECT p.id, p.org_id, p.member_id, m.name AS member_name, p.post, p.start_on, p.end_on \
         FROM org_posts p JOIN members m ON m.id = p.member_id JOIN orgs o ON o.id = p.org_id WHERE ",
    );
    b.push_arg("p.org_id = ", org_id);
    scope_filter(&mut b, scope, "o.path", None);
    if !include_ended {
        b.push(" AND p.end_on IS NULL");
    }
    b.push(" ORDER BY p.end_on IS NOT NULL, p.start_on DESC, p.id");
    db.fetch_buf(&b).await
}

/// Who held a post on an org's committee on a day, if anyone.
pub async fn holder_on(db: &Db, org_id: i64, post: PostKind, on: &str) -> Result<Option<i64>> {
    let rows: Vec<(i64,)> = db
        .fetch_all(
            "SELECT member_id FROM org_posts WHERE org_id = $1 AND post = $2 AND start_on <= $3 \
             AND (end_on IS NULL OR end_on >= $3) ORDER BY start_on DESC, id DESC LIMIT 1",
            &[org_id.into(), post.into(), on.into()],
        )
        .await?;
    Ok(rows.first().map(|(id,)| *id))
}

pub async fn post_in_tx(tx: &mut Tx, post_id: i64) -> Result<Option<PostRow>> {
    tx.fetch_optional(
        "SELECT p.id, p.org_id, p.member_id, m.name AS member_name, p.post, p.start_on, p.end_on \
         FROM org_posts p JOIN members m ON m.id = p.member_id WHERE p.id = $1",
        &[post_id.into()],
    )
    .await
}

/// The open post of this kind on the org, if someone holds it.
pub async fn open_post(tx: &mut Tx, org_id: i64, post: &str) -> Result<Option<PostRow>> {
    tx.fetch_optional(
        "SELECT p.id, p.org_id, p.member_id, m.name AS member_name, p.post, p.start_on, p.end_on \
         FROM org_posts p JOIN members m ON m.id = p.member_id WHERE p.org_id = $1 AND p.post = $2 AND p.end_on IS NULL",
        &[org_id.into(), post.into()],
    )
    .await
}

/// The org's open posts (an election ends them).
pub async fn open_posts_in_tx(tx: &mut Tx, org_id: i64) -> Result<Vec<PostRow>> {
    tx.fetch_all(
        "SELECT p.id, p.org_id, p.member_id, m.name AS member_name, p.post, p.start_on, p.end_on \
         FROM org_posts p JOIN members m ON m.id = p.member_id WHERE p.org_id = $1 AND p.end_on IS NULL ORDER BY p.id",
        &[org_id.into()],
    )
    .await
}

pub async fn insert_post(tx: &mut Tx, org_id: i64, member_id: i64, post: &str, start_on: &str) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO org_posts (org_id, member_id, post, start_on, created_at) VALUES ($1,$2,$3,$4,$5) RETURNING id",
        &[org_id.into(), member_id.into(), post.into(), start_on.into(), now_ms().into()],
    )
    .await
}

pub async fn end_post(tx: &mut Tx, post_id: i64, end_on: &str) -> Result<()> {
    tx.execute("UPDATE org_posts SET end_on = $1 WHERE id = $2", &[end_on.into(), post_id.into()]).await?;
    Ok(())
}

/// Counts of active orgs by kind within the scope.
/// The active orgs strictly below `path` (what a committee setting made there reaches).
pub async fn count_below(db: &Db, scope: &Scope, path: &OrgPath) -> Result<i64> {
    let (lo, hi) = path.subtree_bounds();
    let mut b = SqlBuf::new("SELECT COUNT(*) FROM orgs o WHERE o.status = 'active'");
    b.push_arg(" AND o.path > ", lo);
    b.push_arg(" AND o.path < ", hi);
    scope_filter(&mut b, scope, "o.path", None);
    let (n,): (i64,) = db.fetch_one(&b.text, &b.args).await?;
    Ok(n)
}

/// The active orgs strictly below `path`, counted up to `limit` (whether a subtree is larger
/// than that, without counting a province's 300,000 orgs).
pub async fn count_below_up_to(db: &Db, path: &OrgPath, limit: i64) -> Result<i64> {
    let (lo, hi) = path.subtree_bounds();
    let mut b = SqlBuf::new("SELECT COUNT(*) FROM (SELECT 1 FROM orgs o WHERE o.status = 'active'");
    b.push_arg(" AND o.path > ", lo);
    b.push_arg(" AND o.path < ", hi);
    b.push(&format!(" LIMIT {limit}) c"));
    let (n,): (i64,) = db.fetch_one(&b.text, &b.args).await?;
    Ok(n)
}

pub async fn count_by_kind(db: &Db, scope: &Scope) -> Result<Vec<(String, i64)>> {
    let mut b = SqlBuf::new("SELECT o.kind, COUNT(*) FROM orgs o WHERE o.status = 'active'");
    scope_filter(&mut b, scope, "o.path", None);
    b.push(" GROUP BY o.kind");
    db.fetch_buf(&b).await
}
