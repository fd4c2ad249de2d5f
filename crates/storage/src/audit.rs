//! The audit chain. Every write appends an entry in the same transaction; each entry's MAC is
//! HMAC-SHA256 over its own fields and the previous entry's MAC, and `audit_head` holds the
//! last id and MAC. Editing, deleting or reordering rows (or cutting the tail) breaks the chain
//! at the first affected entry, which [`verify`] names. Without the key nobody can re-forge it.

use crate::{Db, DbKind, Result, SqlBuf, Tx, now_ms, scope_filter};
use domain::scope::Scope;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The secret of the chain (at least 32 bytes), kept outside the database.
#[derive(Clone)]
pub struct AuditKey(Vec<u8>);

impl AuditKey {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

/// What happened, by whom, to what; `before`/`after` are JSON snapshots of the changed entity.
#[derive(Debug, Clone, Default)]
pub struct NewEntry {
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub org_path: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EntryRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub org_path: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_mac: String,
    pub mac: String,
}

fn mac_of(key: &AuditKey, e: &EntryRow) -> String {
    // A fixed, unambiguous encoding of every field but the MAC itself: JSON of a tuple.
    let canonical = serde_json::json!([
        e.id,
        e.at,
        e.actor_id,
        e.actor,
        e.action,
        e.entity,
        e.entity_id,
        e.org_path,
        e.before_json,
        e.after_json,
        e.prev_mac
    ])
    .to_string();
    // HMAC accepts keys of any length, so new_from_slice cannot fail here.
    let mut m = match HmacSha256::new_from_slice(&key.0) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    m.update(canonical.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// Appends an entry to the chain inside `tx` and returns its id.
pub async fn append(tx: &mut Tx, key: &AuditKey, e: NewEntry) -> Result<i64> {
    let head_sql = match tx.kind() {
        DbKind::Sqlite => "SELECT last_id, last_mac FROM audit_head WHERE singleton = 1",
        // Serializes appenders: each waits for the previous transaction's head.
        DbKind::Postgres => "SELECT last_id, last_mac FROM audit_head WHERE singleton = 1 FOR UPDATE",
    };
    let (last_id, last_mac): (i64, String) = tx.fetch_one(head_sql, &[]).await?;
    let mut row = EntryRow {
        id: last_id + 1,
        at: now_ms(),
        actor_id: e.actor_id,
        actor: e.actor,
        action: e.action,
        entity: e.entity,
        entity_id: e.entity_id,
        org_path: e.org_path,
        before_json: e.before.map(|v| v.to_string()),
        after_json: e.after.map(|v| v.to_string()),
        prev_mac: last_mac,
        mac: String::new(),
    };
    row.mac = mac_of(key, &row);
    tx.execute(
        "INSERT INTO audit_entries (id, at, actor_id, actor, action, entity, entity_id, org_path, before_json, \
         after_json, prev_mac, mac) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
        &[
            row.id.into(),
            row.at.into(),
            row.actor_id.into(),
            row.actor.clone().into(),
            row.action.clone().into(),
            row.entity.clone().into(),
            row.entity_id.into(),
            row.org_path.clone().into(),
            row.before_json.clone().into(),
            row.after_json.clone().into(),
            row.prev_mac.clone().into(),
            row.mac.clone().into(),
        ],
    )
    .await?;
    tx.execute(
        "UPDATE audit_head SET last_id = $1, last_mac = $2 WHERE singleton = 1",
        &[row.id.into(), row.mac.clone().into()],
    )
    .await?;
    Ok(row.id)
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Verdict {
    Intact { entries: i64 },
    Broken { entry_id: i64, reason: String },
}

/// Walks the whole chain in id order, in batches (bounded memory), and names the first entry
/// where it breaks.
pub async fn verify(db: &Db, key: &AuditKey) -> Result<Verdict> {
    let mut expected_id = 1i64;
    let mut prev_mac = String::new();
    loop {
        let batch: Vec<EntryRow> = db
            .fetch_all(
                "SELECT id, at, actor_id, actor, action, entity, entity_id, org_path, before_json, after_json, prev_mac, mac \
                 FROM audit_entries WHERE id >= $1 ORDER BY id LIMIT 2000",
                &[expected_id.into()],
            )
            .await?;
        if batch.is_empty() {
            break;
        }
        for row in batch {
            if row.id != expected_id {
                return Ok(Verdict::Broken {
                    entry_id: expected_id,
                    reason: format!("entry {expected_id} is missing (next entry is {})", row.id),
                });
            }
            if row.prev_mac != prev_mac {
                return Ok(Verdict::Broken {
                    entry_id: row.id,
                    reason: "link to the previous entry does not match (an entry was deleted or reordered)".into(),
                });
            }
            if mac_of(key, &row) != row.mac {
                return Ok(Verdict::Broken {
                    entry_id: row.id,
                    reason: "content does not match its MAC (the entry was edited)".into(),
                });
            }
            prev_mac = row.mac;
            expected_id += 1;
        }
    }
    let (last_id, last_mac): (i64, String) =
        db.fetch_one("SELECT last_id, last_mac FROM audit_head WHERE singleton = 1", &[]).await?;
    let seen = expected_id - 1;
    if last_id != seen || last_mac != prev_mac {
        return Ok(Verdict::Broken {
            entry_id: seen + 1,
            reason: format!(
                "the chain head records entry {last_id} but the chain ends at entry {seen} (entries were cut off)"
            ),
        });
    }
    Ok(Verdict::Intact { entries: seen })
}

/// Filters of the audit page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor: Option<String>,
    /// Entries with ids below this (keyset paging, newest first).
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// Newest entries first, restricted to the scope: entries about orgs in the viewer's subtrees.
/// Entries without an org (account changes) are visible to system admins only.
pub async fn list(db: &Db, scope: &Scope, f: &AuditFilter) -> Result<Vec<EntryRow>> {
    let mut b = SqlBuf::new(
        "SELECT id, at, actor_id, actor, action, entity, entity_id, org_path, before_json, after_json, prev_mac, mac \
         FROM audit_entries WHERE 1=1",
    );
    if let Some(e) = &f.entity {
        b.push_arg(" AND entity = ", e.as_str());
    }
    if let Some(id) = f.entity_id {
        b.push_arg(" AND entity_id = ", id);
    }
    if let Some(a) = &f.actor {
        b.push_arg(" AND actor = ", a.as_str());
    }
    if let Some(id) = f.before_id {
        b.push_arg(" AND id < ", id);
    }
    let org_scope = Scope { own_member_id: None, ..scope.clone() };
    scope_filter(&mut b, &org_scope, "org_path", None);
    b.push_arg(" ORDER BY id DESC LIMIT ", f.limit.clamp(1, 500));
    db.fetch_buf(&b).await
}
