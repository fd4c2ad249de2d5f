//! Accounts, their roles, personal API tokens and failed-login records.

use crate::{Db, Result, StorageError, Tx, now_ms};
use domain::org::OrgPath;
use domain::scope::RoleKind;
use domain::scope::{Actor, Grant};
use serde::Serialize;

crate::typed_row! {
    /// An account as stored. Not `Serialize`: what is shown of it is `services::accounts::AccountView`,
    /// which has no password hash.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AccountRow in "accounts" {
        pub id: i64,
        pub username: String,
        pub display_name: String,
        pub password_hash: String,
        pub member_id: Option<i64>,
        pub must_change_password: bool,
        pub disabled: bool,
        pub created_at: i64,
        pub password_changed_at: i64,
    }
}

const COLS: &str = "id, username, display_name, password_hash, member_id, must_change_password, disabled, created_at, password_changed_at";

crate::typed_row! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct RoleRow in "account_roles" {
        pub id: i64,
        pub account_id: i64,
        pub role: RoleKind,
        pub org_id: Option<i64>,
        pub org_path: Option<String>,
        pub org_name: Option<String>,
    }
}

pub async fn by_username(db: &Db, username: &str) -> Result<Option<AccountRow>> {
    db.fetch_optional(&format!("SELECT {COLS} FROM accounts WHERE username = $1"), &[username.into()]).await
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<AccountRow>> {
    db.fetch_optional(&format!("SELECT {COLS} FROM accounts WHERE id = $1"), &[id.into()]).await
}

pub async fn count(db: &Db) -> Result<i64> {
    let (n,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM accounts", &[]).await?;
    Ok(n)
}

pub async fn list(db: &Db) -> Result<Vec<AccountRow>> {
    db.fetch_all(&format!("SELECT {COLS} FROM accounts ORDER BY id"), &[]).await
}

pub async fn insert(
    tx: &mut Tx,
    username: &str,
    display_name: &str,
    password_hash: &str,
    member_id: Option<i64>,
    must_change_password: bool,
) -> Result<i64> {
    let now = now_ms();
    tx.insert_returning_id(
        "INSERT INTO accounts (username, display_name, password_hash, member_id, must_change_password, disabled, \
         created_at, password_changed_at) VALUES ($1,$2,$3,$4,$5,0,$6,$6) RETURNING id",
        &[
            username.into(),
            display_name.into(),
            password_hash.into(),
            member_id.into(),
            i64::from(must_change_password).into(),
            now.into(),
        ],
    )
    .await
}

pub async fn add_role(tx: &mut Tx, account_id: i64, role: &str, org_id: Option<i64>) -> Result<i64> {
    tx.auth_changed();
    tx.insert_returning_id(
        "INSERT INTO account_roles (account_id, role, org_id) VALUES ($1,$2,$3) RETURNING id",
        &[account_id.into(), role.into(), org_id.into()],
    )
    .await
}

pub async fn set_password(tx: &mut Tx, account_id: i64, hash: &str) -> Result<()> {
    tx.auth_changed();
    tx.execute(
        "UPDATE accounts SET password_hash = $1, must_change_password = 0, password_changed_at = $2 WHERE id = $3",
        &[hash.into(), now_ms().into(), account_id.into()],
    )
    .await?;
    Ok(())
}

/// Sets a one-time password: the account must replace it at its next login.
pub async fn set_one_time_password(tx: &mut Tx, account_id: i64, hash: &str) -> Result<()> {
    tx.auth_changed();
    tx.execute(
        "UPDATE accounts SET password_hash = $1, must_change_password = 1, password_changed_at = $2 WHERE id = $3",
        &[hash.into(), now_ms().into(), account_id.into()],
    )
    .await?;
    Ok(())
}

pub async fn roles(db: &Db, account_id: i64) -> Result<Vec<RoleRow>> {
    db.fetch_all(
        "SELECT r.id, r.account_id, r.role, r.org_id, o.path AS org_path, o.name AS org_name FROM account_roles r \
         LEFT JOIN orgs o ON o.id = r.org_id WHERE r.account_id = $1 ORDER BY r.id",
        &[account_id.into()],
    )
    .await
}

crate::typed_row! {
    /// A role with the path it applies to: the org's, or for a member role the member's branch.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct RoleScopeRow in "account_roles" {
        pub account_id: i64,
        pub role: RoleKind,
        pub org_name: Option<String>,
        pub scope_path: Option<String>,
    }
}

/// Every role of every account, with where it applies.
pub async fn all_roles(db: &Db) -> Result<Vec<RoleScopeRow>> {
    db.fetch_all(
        "SELECT r.account_id, r.role, COALESCE(o.name, b.name) AS org_name, COALESCE(o.path, m.branch_path) AS scope_path \
         FROM account_roles r JOIN accounts a ON a.id = r.account_id LEFT JOIN orgs o ON o.id = r.org_id \
         LEFT JOIN members m ON m.id = a.member_id AND r.role = 'member' LEFT JOIN orgs b ON b.id = m.branch_id \
         ORDER BY r.account_id, r.id",
        &[],
    )
    .await
}

pub async fn set_disabled(tx: &mut Tx, account_id: i64, disabled: bool) -> Result<()> {
    tx.auth_changed();
    tx.execute("UPDATE accounts SET disabled = $1 WHERE id = $2", &[i64::from(disabled).into(), account_id.into()])
        .await?;
    Ok(())
}

/// Builds the actor of an account from its roles. A role whose org is gone grants nothing.
pub async fn actor(db: &Db, account: &AccountRow) -> Result<Actor> {
    let mut grants = Vec::new();
    for r in roles(db, account.id).await? {
        let path = r.org_path.as_deref().map(OrgPath::parse).transpose();
        let path = path.map_err(|e| StorageError::corrupt("orgs", e.to_string()))?;
        match (r.role, path) {
            (RoleKind::SystemAdmin, _) => grants.push(Grant::SystemAdmin),
            (RoleKind::OrgAdmin, Some(org)) => grants.push(Grant::OrgAdmin { org }),
            (RoleKind::PartyWorker, Some(branch)) => grants.push(Grant::PartyWorker { branch }),
            (RoleKind::Member, _) => {
                if let Some(member_id) = account.member_id {
                    grants.push(Grant::Member { member_id });
                }
            }
            // An org role whose org is gone grants nothing.
            (RoleKind::OrgAdmin | RoleKind::PartyWorker, None) => {}
        }
    }
    Ok(Actor { account_id: account.id, username: account.username.clone(), grants })
}

// ---- failed logins (throttling) ----

pub async fn record_login_failure(db: &Db, username: &str) -> Result<()> {
    db.execute("INSERT INTO login_failures (username, at) VALUES ($1,$2)", &[username.into(), now_ms().into()]).await?;
    Ok(())
}

pub async fn login_failures_since(db: &Db, username: &str, since_ms: i64) -> Result<i64> {
    let (n,): (i64,) = db
        .fetch_one(
            "SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at >= $2",
            &[username.into(), since_ms.into()],
        )
        .await?;
    Ok(n)
}

/// Forgets failed logins older than `before_ms` (they no longer count towards throttling).
pub async fn delete_login_failures_before(db: &Db, before_ms: i64) -> Result<u64> {
    db.execute("DELETE FROM login_failures WHERE at < $1", &[before_ms.into()]).await
}

pub async fn clear_login_failures(db: &Db, username: &str) -> Result<()> {
    db.execute("DELETE FROM login_failures WHERE username = $1", &[username.into()]).await?;
    Ok(())
}

// ---- API tokens ----

crate::typed_row! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct TokenRow in "api_tokens" {
        pub id: i64,
        pub account_id: i64,
        pub name: String,
        pub prefix: String,
        pub created_at: i64,
        pub last_used_at: Option<i64>,
        pub revoked_at: Option<i64>,
    }
}

pub async fn insert_token(tx: &mut Tx, account_id: i64, name: &str, token_hash: &str, prefix: &str) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO api_tokens (account_id, name, token_hash, prefix, created_at) VALUES ($1,$2,$3,$4,$5) RETURNING id",
        &[account_id.into(), name.into(), token_hash.into(), prefix.into(), now_ms().into()],
    )
    .await
}

pub async fn tokens(db: &Db, account_id: i64) -> Result<Vec<TokenRow>> {
    db.fetch_all(
        "SELECT id, account_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens \
         WHERE account_id = $1 ORDER BY id DESC",
        &[account_id.into()],
    )
    .await
}

/// Revokes a token of this account; returns false when there is no such live token.
pub async fn revoke_token(tx: &mut Tx, account_id: i64, token_id: i64) -> Result<bool> {
    tx.auth_changed();
    let n = tx
        .execute(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL",
            &[now_ms().into(), token_id.into(), account_id.into()],
        )
        .await?;
    Ok(n == 1)
}

/// Revokes every live token of an account except `keep` (the token making a password change);
/// returns how many were revoked.
pub async fn revoke_tokens_except(tx: &mut Tx, account_id: i64, keep: Option<i64>) -> Result<u64> {
    tx.auth_changed();
    tx.execute(
        "UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL AND id <> $3",
        &[now_ms().into(), account_id.into(), keep.unwrap_or(0).into()],
    )
    .await
}

/// A live token by the hash of its plaintext: (token id, account id).
pub async fn live_token(db: &Db, token_hash: &str) -> Result<Option<(i64, i64)>> {
    db.fetch_optional(
        "SELECT id, account_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        &[token_hash.into()],
    )
    .await
}

// ---- settings ----

pub async fn setting(db: &Db, key: &str) -> Result<Option<String>> {
    Ok(db.fetch_optional::<(String,)>("SELECT value FROM settings WHERE key = $1", &[key.into()]).await?.map(|r| r.0))
}

pub async fn set_setting(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
    tx.execute("DELETE FROM settings WHERE key = $1", &[key.into()]).await?;
    tx.execute("INSERT INTO settings (key, value) VALUES ($1,$2)", &[key.into(), value.into()]).await?;
    Ok(())
}
