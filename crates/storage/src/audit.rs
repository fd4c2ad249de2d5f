//! The audit chain. Every write appends an entry in the same transaction; each entry's MAC is
//! HMAC-SHA256 over its own fields and the previous entry's MAC, and `audit_head` holds the
//! last id and MAC together with a MAC of those two (`head_mac`). Editing, deleting or
//! reordering rows breaks the chain at the first affected entry, which [`verify`] names; cutting
//! the tail off and editing the head to match breaks the head's MAC. Without the key nobody can
//! re-forge either.
//!
//! What it does not prove: someone holding a copy of the key can rewrite history and re-sign
//! it; and someone who restores an earlier copy of the whole database (entries and head
//! together) rolls the chain back to a state that was once genuine. Operations compare the
//! count and head MAC that `zhibu audit verify` prints with a copy kept elsewhere.

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

crate::typed_row! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct EntryRow in "audit_entries" {
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

/// The MAC of the chain head: the last entry's id and MAC under the audit key.
fn head_mac_of(key: &AuditKey, last_id: i64, last_mac: &str) -> String {
    let canonical = serde_json::json!(["audit_head", last_id, last_mac]).to_string();
    let mut m = match HmacSha256::new_from_slice(&key.0) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    m.update(canonical.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// Whether the chain has never been written: no entry and an unsealed, empty head.
pub async fn is_unwritten(db: &Db) -> Result<bool> {
    let (last_id, head_mac): (i64, String) =
        db.fetch_one("SELECT last_id, head_mac FROM audit_head WHERE singleton = 1", &[]).await?;
    let (entries,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM audit_entries", &[]).await?;
    Ok(last_id == 0 && head_mac.is_empty() && entries == 0)
}

/// Seals the head of a chain as it stands. Called when the key is created for an unwritten
/// database (so that deleting every later entry and resetting the head is detected), and by
/// `zhibu audit seal` for a database whose head predates `head_mac`, after [`verify`] found its
/// entries intact. Refuses a head that is already sealed.
pub async fn seal_head(db: &Db, key: &AuditKey) -> Result<bool> {
    let (last_id, last_mac, head_mac): (i64, String, String) =
        db.fetch_one("SELECT last_id, last_mac, head_mac FROM audit_head WHERE singleton = 1", &[]).await?;
    if !head_mac.is_empty() {
        return Ok(false);
    }
    let n = db
        .execute(
            "UPDATE audit_head SET head_mac = $1 WHERE singleton = 1 AND head_mac = ''",
            &[head_mac_of(key, last_id, &last_mac).into()],
        )
        .await?;
    Ok(n == 1)
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
        "UPDATE audit_head SET last_id = $1, last_mac = $2, head_mac = $3 WHERE singleton = 1",
        &[row.id.into(), row.mac.clone().into(), head_mac_of(key, row.id, &row.mac).into()],
    )
    .await?;
    Ok(row.id)
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// `head_mac` is printed so that operators can keep it elsewhere and compare later.
    Intact {
        entries: i64,
        head_mac: String,
    },
    Broken {
        entry_id: i64,
        reason: String,
    },
    /// Every entry checks out but the head carries no MAC: either the head was reset, or the
    /// database predates sealed heads and `zhibu audit seal` was never run. Not intact.
    Unsealed {
        entries: i64,
    },
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
    let (last_id, last_mac, head_mac): (i64, String, String) =
        db.fetch_one("SELECT last_id, last_mac, head_mac FROM audit_head WHERE singleton = 1", &[]).await?;
    let seen = expected_id - 1;
    if last_id != seen || last_mac != prev_mac {
        return Ok(Verdict::Broken {
            entry_id: seen + 1,
            reason: format!(
                "the chain head records entry {last_id} but the chain ends at entry {seen} (entries were cut off)"
            ),
        });
    }
    if head_mac.is_empty() {
        return Ok(Verdict::Unsealed { entries: seen });
    }
    if head_mac != head_mac_of(key, last_id, &last_mac) {
        return Ok(Verdict::Broken {
            entry_id: seen + 1,
            reason: format!(
                "the chain head (entry {last_id}) does not match its MAC: the head was edited, so entries after \
                 entry {seen} may have been cut off"
            ),
        });
    }
    Ok(Verdict::Intact { entries: seen, head_mac })
}

/// Filters of the audit page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Entries about this org and everything below it.
    pub within: Option<domain::org::OrgPath>,
    /// Entries at or after this instant (epoch ms).
    pub from_ms: Option<i64>,
    /// Entries before this instant (epoch ms).
    pub to_ms: Option<i64>,
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
    if let Some(a) = &f.action {
        b.push_arg(" AND action = ", a.as_str());
    }
    if let Some(p) = &f.within {
        let (lo, hi) = p.subtree_bounds();
        b.push_arg(" AND org_path >= ", lo);
        b.push_arg(" AND org_path < ", hi);
    }
    if let Some(t) = f.from_ms {
        b.push_arg(" AND at >= ", t);
    }
    if let Some(t) = f.to_ms {
        b.push_arg(" AND at < ", t);
    }
    if let Some(id) = f.before_id {
        b.push_arg(" AND id < ", id);
    }
    let org_scope = Scope { own_member_id: None, ..scope.clone() };
    scope_filter(&mut b, &org_scope, "org_path", None);
    b.push_arg(" ORDER BY id DESC LIMIT ", f.limit.clamp(1, 5000));
    db.fetch_buf(&b).await
}
