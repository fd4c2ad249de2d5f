//! Who is asking: browser sessions and personal API tokens, how they start, how they are read
//! back on each request, and what ends them.
//!
//! A session is a random token held by the browser (the web crate puts it in a cookie); the
//! database keeps only its SHA-256, with the account and the session's CSRF token. A personal
//! API token (`zb_…`) is likewise kept as a hash. A password change ends every other session
//! and revokes every other token of the account, on every front end (page, API, console): the
//! credential that made the change stays valid, so the person is not logged out mid-step.

use crate::{Result, ServiceError, Services};
use domain::scope::Actor;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::time::Duration;
use storage::account::{self, AccountRow};
use storage::session;

/// How a request proved who it is: the credential a password change keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A browser session, by the hash of its token.
    Session(String),
    /// A personal API token, by id.
    Token(i64),
}

/// A signed-in person, as one request sees them.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: AccountRow,
    pub actor: Actor,
    /// The session's CSRF token (empty for API tokens, which need none).
    pub csrf: String,
    pub credential: Credential,
}

/// What the database keeps of a session besides its account.
#[derive(serde::Serialize, serde::Deserialize)]
struct SessionData {
    csrf: String,
}

/// How long a token's account and roles are reused without asking the database (in the
/// services' token memo, see `storage::memo`). A change of accounts, roles, tokens or the org
/// tree's paths committed through this server (`Db::auth_count`), a revocation among them,
/// ends the reuse at once; other servers of the same database notice within this time. Other
/// writes leave it: a transfer accepted does not make the next request read the account again.
pub const TOKEN_CACHE_SECONDS: u64 = 15;

/// The SHA-256 of a secret, as kept in the database.
pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

impl Services {
    /// Starts a session of `hours` for an account that has just logged in; returns the token
    /// the browser keeps (only its hash is stored).
    pub async fn start_session(&self, account_id: i64, hours: i64) -> Result<String> {
        let token = random_hex(32);
        let data = serde_json::to_string(&SessionData { csrf: random_hex(16) })
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let expires = storage::now_ms() + hours.saturating_mul(3_600_000);
        session::save(&self.db, &secret_hash(&token), Some(account_id), &data, expires).await?;
        Ok(token)
    }

    /// The person behind a live session token, or `None` when the session has ended or expired,
    /// or its account is gone or disabled.
    pub async fn session(&self, token: &str) -> Result<Option<SignedIn>> {
        let id = secret_hash(token);
        let Some((Some(account_id), data)) = session::load(&self.db, &id, storage::now_ms()).await? else {
            return Ok(None);
        };
        // A session whose data does not decode has no CSRF token to check forms against: it is
        // corrupt, not a session with an empty token.
        let data: SessionData = serde_json::from_str(&data)
            .map_err(|e| ServiceError::Storage(storage::StorageError::corrupt("sessions", format!("data: {e}"))))?;
        let Some((account, actor)) = self.actor_of_account(account_id).await? else { return Ok(None) };
        Ok(Some(SignedIn { account, actor, csrf: data.csrf, credential: Credential::Session(id) }))
    }

    /// The person owning a live personal API token, or `None`.
    pub async fn bearer(&self, token: &str) -> Result<Option<SignedIn>> {
        let hash = secret_hash(token);
        let writes = self.db.auth_count();
        if let Some(hit) = self.token_cache.get(&hash, writes, Duration::from_secs(TOKEN_CACHE_SECONDS)) {
            return Ok(Some(hit));
        }
        let Some((token_id, account_id)) = account::live_token(&self.db, &hash).await? else { return Ok(None) };
        let Some((account, actor)) = self.actor_of_account(account_id).await? else { return Ok(None) };
        let who = SignedIn { account, actor, csrf: String::new(), credential: Credential::Token(token_id) };
        self.token_cache.put(hash, writes, who.clone());
        Ok(Some(who))
    }

    /// Ends the session of this token (logging out); nothing happens for an unknown token.
    pub async fn end_session(&self, token: &str) -> Result<()> {
        session::delete(&self.db, &secret_hash(token)).await?;
        Ok(())
    }

    /// Ends every session and revokes every token of an account except `keep`, inside the
    /// transaction of the change that requires it; returns (sessions ended, tokens revoked).
    /// The token cache is cleared by the caller after the commit.
    pub(crate) async fn end_credentials(
        &self,
        tx: &mut storage::Tx,
        account_id: i64,
        keep: Option<&Credential>,
    ) -> Result<(u64, u64)> {
        let keep_session = match keep {
            Some(Credential::Session(id)) => Some(id.as_str()),
            _ => None,
        };
        let keep_token = match keep {
            Some(Credential::Token(id)) => Some(*id),
            _ => None,
        };
        let sessions = session::delete_for_account(tx, account_id, keep_session).await?;
        let tokens = account::revoke_tokens_except(tx, account_id, keep_token).await?;
        Ok((sessions, tokens))
    }

    /// Periodic housekeeping: removes expired sessions and failed-login records older than a
    /// day (the throttling window is much shorter). Returns how many of each were removed.
    pub async fn housekeeping(&self) -> Result<(u64, u64)> {
        let now = storage::now_ms();
        let sessions = session::delete_expired(&self.db, now).await?;
        let failures = account::delete_login_failures_before(&self.db, now - 86_400_000).await?;
        Ok((sessions, failures))
    }
}
