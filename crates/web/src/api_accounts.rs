//! Accounts and API tokens through the API (see `accounts` for the pages).

use crate::AppState;
use crate::api::{Account, ApiResult, body, created, done, id_of, ok};
use crate::auth::ApiViewer;
use crate::ui::Routes;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Routes {
    Routes::new()
        .route("/tokens", get(tokens).post(token_create))
        .route("/tokens/{id}", axum::routing::delete(token_revoke))
        .route("/account/password", post(password))
        .route("/accounts", get(accounts).post(account_create))
        .route("/accounts/{id}/disable", post(account_disable))
        .route("/accounts/{id}/enable", post(account_enable))
}

async fn tokens(State(state): State<AppState>, ApiViewer(v): ApiViewer) -> ApiResult {
    let tokens = state.services.tokens(&v.actor).await?;
    ok(TokenList {
        tokens: tokens
            .into_iter()
            .map(|t| Token {
                id: t.id,
                name: t.name,
                prefix: t.prefix,
                created_at: t.created_at,
                last_used_at: t.last_used_at,
                revoked_at: t.revoked_at,
            })
            .collect(),
    })
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct TokenBody {
    name: String,
}

async fn token_create(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    b: Result<Json<TokenBody>, JsonRejection>,
) -> ApiResult {
    let (id, token) = state.services.create_token(&v.actor, &body(b)?.name).await?;
    created(NewToken { id, token })
}

async fn token_revoke(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    state.services.revoke_token(&v.actor, id_of(&id)?).await?;
    done()
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct PasswordBody {
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
    done()
}

async fn accounts(State(state): State<AppState>, ApiViewer(v): ApiViewer) -> ApiResult {
    let accounts = state.services.accounts_overview(&v.actor).await?;
    ok(AccountList {
        accounts: accounts
            .iter()
            .map(|a| AccountSummary { account: Account::from(&a.account), roles: a.roles.clone() })
            .collect(),
    })
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub(crate) struct NewAccountBody {
    username: String,
    display_name: String,
    #[schema(value_type = domain::scope::RoleKind)]
    role: String,
    /// org_admin / party_worker: the org managed.
    org_id: Option<i64>,
    /// member: the member the account is for.
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
    created(NewAccountCreated { id, one_time_password: password })
}

async fn account_disable(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    state.services.set_account_disabled(&v.actor, id_of(&id)?, true).await?;
    done()
}

async fn account_enable(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    state.services.set_account_disabled(&v.actor, id_of(&id)?, false).await?;
    done()
}

/// A personal API token (its secret is shown only once, when created).
#[derive(Serialize, ToSchema)]
pub(crate) struct Token {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct TokenList {
    pub tokens: Vec<Token>,
}

/// A new token and its secret, returned this once.
#[derive(Serialize, ToSchema)]
pub(crate) struct NewToken {
    pub id: i64,
    pub token: String,
}

/// An account the viewer manages, with its roles in Chinese ("党支部管理员：第一党支部").
#[derive(Serialize, ToSchema)]
pub(crate) struct AccountSummary {
    pub account: Account,
    pub roles: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AccountList {
    pub accounts: Vec<AccountSummary>,
}

/// A new account and its one-time password, returned this once.
#[derive(Serialize, ToSchema)]
pub(crate) struct NewAccountCreated {
    pub id: i64,
    pub one_time_password: String,
}
