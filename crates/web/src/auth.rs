//! Sessions, API tokens and CSRF: who is asking, decided once per request.
//!
//! A session is a random token in an HttpOnly, SameSite=Lax cookie; the database keeps only its
//! SHA-256, with the account and the session's CSRF token. Every form carries that CSRF token and
//! every state-changing request must also come from our own origin. The API accepts a personal
//! token (`Authorization: Bearer zb_…`) or the session cookie plus an `X-CSRF-Token` header.

use crate::AppState;
use crate::error::{ApiError, PageError};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use domain::scope::Actor;
use rand::RngCore;
use sha2::{Digest, Sha256};
use storage::account::AccountRow;

pub const COOKIE: &str = "zhibu_session";

/// The logged-in person behind a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub account: AccountRow,
    pub actor: Actor,
    /// CSRF token of the session (empty for API tokens, which need none).
    pub csrf: String,
    /// Hash of the session token, when authenticated by cookie.
    pub session_id: Option<String>,
}

fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// Starts a session for an account; returns the `Set-Cookie` value.
pub async fn start_session(state: &AppState, account_id: i64) -> Result<String, services::ServiceError> {
    let token = random_hex(32);
    let csrf = random_hex(16);
    let expires = storage::now_ms() + state.config.session_hours * 3_600_000;
    let data = serde_json::json!({ "csrf": csrf }).to_string();
    storage::session::save(&state.services.db, &hash(&token), Some(account_id), &data, expires).await?;
    let secure = if state.config.cookie_secure { "; Secure" } else { "" };
    Ok(format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        state.config.session_hours * 3600
    ))
}

/// Ends the session of this request (if any); returns the clearing `Set-Cookie` value.
pub async fn end_session(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(token) = cookie_value(headers, COOKIE) {
        let _ = storage::session::delete(&state.services.db, &hash(&token)).await;
    }
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Ends every other session of the account (after a password change).
pub async fn end_other_sessions(state: &AppState, viewer: &Viewer) {
    let _ =
        storage::session::delete_for_account(&state.services.db, viewer.account.id, viewer.session_id.as_deref()).await;
}

async fn from_session(state: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, services::ServiceError> {
    let Some(token) = cookie_value(headers, COOKIE) else { return Ok(None) };
    let id = hash(&token);
    let Some((Some(account_id), data)) = storage::session::load(&state.services.db, &id, storage::now_ms()).await?
    else {
        return Ok(None);
    };
    let parsed: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
    let csrf = parsed.get("csrf").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let Some((account, actor)) = state.services.actor_of_account(account_id).await? else {
        return Ok(None);
    };
    Ok(Some(Viewer { account, actor, csrf, session_id: Some(id) }))
}

async fn from_bearer(state: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, services::ServiceError> {
    let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else { return Ok(None) };
    let Some(token) = auth.strip_prefix("Bearer ") else { return Ok(None) };
    Ok(state.services.actor_of_token(token.trim()).await?.map(|(account, actor)| Viewer {
        account,
        actor,
        csrf: String::new(),
        session_id: None,
    }))
}

/// A state-changing request must come from our own pages: its Origin (or Referer) must name
/// the host it was sent to. Browsers always send Origin on cross-site POSTs.
pub fn same_origin(parts_headers: &HeaderMap) -> bool {
    let host = parts_headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let origin =
        parts_headers.get(header::ORIGIN).or_else(|| parts_headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    match origin {
        None => true, // Non-browser clients; the CSRF token still guards forms.
        Some("null") => false,
        Some(o) => {
            let rest = o.split_once("://").map(|(_, r)| r).unwrap_or(o);
            let origin_host = rest.split('/').next().unwrap_or_default();
            origin_host == host
        }
    }
}

/// Extractor for pages: a logged-in viewer, or a redirect to the login page.
pub struct PageViewer(pub Viewer);

impl FromRequestParts<AppState> for PageViewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match from_session(state, &parts.headers).await.map_err(PageError::Service)? {
            Some(v) => {
                if parts.method != Method::GET && parts.method != Method::HEAD && !same_origin(&parts.headers) {
                    return Err(PageError::Csrf);
                }
                // A one-time password must be replaced before anything else is done.
                let path = parts.uri.path();
                if v.account.must_change_password != 0 && !matches!(path, "/account" | "/account/password" | "/logout")
                {
                    return Err(PageError::PasswordChangeRequired);
                }
                Ok(PageViewer(v))
            }
            None => Err(PageError::LoginRequired(parts.uri.path_and_query().map(|p| p.to_string()))),
        }
    }
}

/// Extractor for the API: a personal token, or a session with its CSRF header on writes.
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(v) = from_bearer(state, &parts.headers).await.map_err(ApiError::Service)? {
            return Ok(ApiViewer(v));
        }
        let Some(v) = from_session(state, &parts.headers).await.map_err(ApiError::Service)? else {
            return Err(ApiError::Unauthorized);
        };
        if parts.method != Method::GET && parts.method != Method::HEAD {
            let sent = parts.headers.get("x-csrf-token").and_then(|h| h.to_str().ok()).unwrap_or_default();
            if sent.is_empty() || sent != v.csrf || !same_origin(&parts.headers) {
                return Err(ApiError::Csrf);
            }
        }
        Ok(ApiViewer(v))
    }
}

/// Checks the CSRF token a form sent against the session's.
pub fn check_csrf(viewer: &Viewer, sent: &str) -> Result<(), PageError> {
    if !viewer.csrf.is_empty() && sent == viewer.csrf { Ok(()) } else { Err(PageError::Csrf) }
}
