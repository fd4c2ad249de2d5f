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

pub const COOKIE: &str = "zhibu_session";

/// The logged-in person behind a request (see [`services::sessions`]).
pub type Viewer = services::sessions::SignedIn;

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// Starts a session for an account; returns the `Set-Cookie` value.
pub async fn start_session(state: &AppState, account_id: i64) -> Result<String, services::ServiceError> {
    let token = state.services.start_session(account_id, state.config.session_hours).await?;
    let secure = if state.config.cookie_secure { "; Secure" } else { "" };
    Ok(format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        state.config.session_hours * 3600
    ))
}

/// Ends the session of this request (if any); returns the clearing `Set-Cookie` value.
pub async fn end_session(state: &AppState, headers: &HeaderMap) -> Result<String, services::ServiceError> {
    if let Some(token) = cookie_value(headers, COOKIE) {
        state.services.end_session(&token).await?;
    }
    Ok(format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"))
}

async fn from_session(state: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, services::ServiceError> {
    let Some(token) = cookie_value(headers, COOKIE) else { return Ok(None) };
    state.services.session(&token).await
}

async fn from_bearer(state: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, services::ServiceError> {
    let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else { return Ok(None) };
    let Some(token) = auth.strip_prefix("Bearer ") else { return Ok(None) };
    state.services.bearer(token.trim()).await
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
                if v.account.must_change_password && !matches!(path, "/account" | "/account/password" | "/logout") {
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
