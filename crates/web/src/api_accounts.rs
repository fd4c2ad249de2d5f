//! Accounts and API tokens through the API (see `accounts` for the pages).

use crate::AppState;
use crate::api::{ApiResult, body, created, id_of, ok};
use crate::auth::ApiViewer;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(tokens).post(token_create))
        .route("/tokens/{id}", axum::routing::delete(token_revoke))
        .route("/account/password", post(password))
        .route("/accounts", get(accounts).post(account_create))
        .route("/accounts/{id}/disable", post(account_disable))
        .route("/accounts/{id}/enable", post(account_enable))
}

async fn tokens(State(state): State<AppState>, ApiViewer(v): ApiViewer) -> ApiResult {
    ok(json!({"tokens": state.services.tokens(&v.actor).await?}))
}

#[derive(Deserialize)]
struct TokenBody {
    name: String,
}

async fn token_create(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    b: Result<Json<TokenBody>, JsonRejection>,
) -> ApiResult {
    let (id, token) = state.services.create_token(&v.actor, &body(b)?.name).await?;
    created(json!({"id": id, "token": token}))
}

async fn token_revoke(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    state.services.revoke_token(&v.actor, id_of(&id)?).await?;
    ok(json!({"ok": true}))
}

#[derive(Deserialize)]
struct PasswordBody {
    current: String,
    new: String,
    confirm: String,
}

async fn password(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    b: Result<Json<PasswordBody>, JsonRejection>,
) -> ApiResult {
    let b = body(b)?;
    state.services.change_password(&v, &b.current, &b.new, &b.confirm).await?;
    ok(json!({"ok": true}))
}

async fn accounts(State(state): State<AppState>, ApiViewer(v): ApiViewer) -> ApiResult {
    ok(json!({"accounts": state.services.accounts_overview(&v.actor).await?}))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewAccountBody {
    username: String,
    display_name: String,
    role: String,
    org_id: Option<i64>,
    member_id: Option<i64>,
}

/// Creates an account with a one-time password, returned once in the response.
async fn account_create(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    b: Result<Json<NewAccountBody>, JsonRejection>,
) -> ApiResult {
    let b = body(b)?;
    let role = domain::scope::RoleKind::parse(&b.role).ok_or_else(|| {
        services::ServiceError::field("role", "角色应为 system_admin、org_admin、party_worker 或 member")
    })?;
    let password = services::accounts::generate_password();
    let id = state
        .services
        .create_account(
            &v.actor,
            services::accounts::NewAccount {
                username: b.username.trim().to_string(),
                display_name: b.display_name,
                password: password.clone(),
                member_id: b.member_id,
                must_change_password: true,
                roles: vec![services::accounts::RoleGrant { role, org_id: b.org_id }],
            },
        )
        .await?;
    created(json!({"id": id, "one_time_password": password}))
}

async fn account_disable(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    state.services.set_account_disabled(&v.actor, id_of(&id)?, true).await?;
    ok(json!({"ok": true}))
}

async fn account_enable(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    state.services.set_account_disabled(&v.actor, id_of(&id)?, false).await?;
    ok(json!({"ok": true}))
}
