//! Server-side session records (the web crate's session store sits on these).

use crate::{Db, Result, Tx};

/// Loads the account and data of a live session (not expired at `now_ms`).
pub async fn load(db: &Db, id: &str, now_ms: i64) -> Result<Option<(Option<i64>, String)>> {
    db.fetch_optional(
        "SELECT account_id, data FROM sessions WHERE id = $1 AND expires_at > $2",
        &[id.into(), now_ms.into()],
    )
    .await
}

/// Whether a session id is taken (live or not), for collision-free creation.
pub async fn exists(db: &Db, id: &str) -> Result<bool> {
    Ok(db.fetch_optional::<(String,)>("SELECT id FROM sessions WHERE id = $1", &[id.into()]).await?.is_some())
}

/// Inserts or replaces a session record.
pub async fn save(db: &Db, id: &str, account_id: Option<i64>, data: &str, expires_at: i64) -> Result<()> {
    let n = db
        .execute(
            "UPDATE sessions SET account_id = $1, data = $2, expires_at = $3 WHERE id = $4",
            &[account_id.into(), data.into(), expires_at.into(), id.into()],
        )
        .await?;
    if n == 0 {
        db.execute(
            "INSERT INTO sessions (id, account_id, data, expires_at) VALUES ($1,$2,$3,$4)",
            &[id.into(), account_id.into(), data.into(), expires_at.into()],
        )
        .await?;
    }
    Ok(())
}

pub async fn delete(db: &Db, id: &str) -> Result<()> {
    db.execute("DELETE FROM sessions WHERE id = $1", &[id.into()]).await?;
    Ok(())
}

/// Ends every session of an account (after a password change or when it is disabled), except
/// `keep` (the hash of the session making the change); returns how many ended.
pub async fn delete_for_account(tx: &mut Tx, account_id: i64, keep: Option<&str>) -> Result<u64> {
    tx.execute(
        "DELETE FROM sessions WHERE account_id = $1 AND id <> $2",
        &[account_id.into(), keep.unwrap_or("").into()],
    )
    .await
}

pub async fn delete_expired(db: &Db, now_ms: i64) -> Result<u64> {
    db.execute("DELETE FROM sessions WHERE expires_at <= $1", &[now_ms.into()]).await
}
