//! The JSON API under `/api/v1`: everything the pages do, for scripts and other systems.
//! Errors are `{"error": {"code", "message", "fields"}}` with a 4xx status for bad input.

use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::member::MemberInput;
use serde::Deserialize;
use serde_json::json;
use services::members::ListQuery;
use services::orgs::OrgInput;

pub(crate) type ApiResult = Result<Response, ApiError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/me", get(me))
        .route("/home", get(home))
        .route("/orgs", get(orgs).post(org_create))
        .route("/orgs/{id}", get(org_get).patch(org_update))
        .route("/orgs/{id}/move", post(org_move))
        .route("/orgs/{id}/close", post(org_close))
        .route("/orgs/{id}/posts", post(post_add))
        .route("/posts/{id}/end", post(post_end))
        .route("/members", get(members).post(member_create))
        .route("/members/{id}", get(member_get).patch(member_update))
        .route("/members/{id}/contact", post(member_contact))
        .route("/members/{id}/relocate", post(member_relocate))
        .route("/audit", get(audit))
        .route("/tokens", get(tokens).post(token_create))
        .route("/tokens/{id}", axum::routing::delete(token_revoke))
        .route("/account/password", post(password))
        .route("/accounts", get(accounts).post(account_create))
        .route("/accounts/{id}/disable", post(account_disable))
        .route("/accounts/{id}/enable", post(account_enable))
        .fallback(not_found)
}

async fn not_found() -> ApiError {
    ApiError::Service(services::ServiceError::NotFound)
}

pub(crate) fn ok<T: serde::Serialize>(v: T) -> ApiResult {
    Ok(Json(v).into_response())
}

pub(crate) fn created<T: serde::Serialize>(v: T) -> ApiResult {
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

pub(crate) fn id_of(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::Service(services::ServiceError::NotFound))
}

pub(crate) fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    b.map(|Json(v)| v)
        .map_err(|e| ApiError::BadRequest(format!("请求体不是有效的 JSON 或字段类型不对：{}", e.body_text())))
}

/// The ceiling of the benchmark: a fixed JSON answer that touches no database.
async fn health() -> Response {
    Json(json!({"status": "ok"})).into_response()
}

async fn openapi() -> Response {
    Json(crate::openapi::document()).into_response()
}

async fn me(State(state): State<AppState>, ApiViewer(v): ApiViewer) -> ApiResult {
    let roles = state.services.roles_of(v.account.id).await?;
    ok(json!({"account": v.account, "roles": roles}))
}

async fn home(State(state): State<AppState>, ApiViewer(v): ApiViewer) -> ApiResult {
    ok(&*state.services.home_figures(&v.actor, services::today()).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OrgsQuery {
    include_closed: bool,
}

async fn orgs(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    q: Result<Query<OrgsQuery>, QueryRejection>,
) -> ApiResult {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    ok(json!({"orgs": state.services.org_tree(&v.actor, q.include_closed).await?}))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewOrg {
    parent_id: Option<i64>,
    #[serde(flatten)]
    org: OrgInput,
}

async fn org_create(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    b: Result<Json<NewOrg>, JsonRejection>,
) -> ApiResult {
    let b = body(b)?;
    created(state.services.create_org(&v.actor, b.parent_id, &b.org).await?)
}

async fn org_get(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    ok(state.services.org_detail(&v.actor, id_of(&id)?).await?)
}

async fn org_update(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<OrgInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    ok(state.services.update_org(&v.actor, id, &body(b)?).await?)
}

#[derive(Deserialize)]
struct MoveBody {
    parent_id: i64,
}

async fn org_move(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<MoveBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    ok(state.services.move_org(&v.actor, id, body(b)?.parent_id).await?)
}

async fn org_close(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    ok(state.services.close_org(&v.actor, id_of(&id)?).await?)
}

#[derive(Deserialize)]
struct PostBody {
    member_id: i64,
    post: String,
    start_on: String,
}

async fn post_add(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<PostBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    let post_id = state.services.add_post(&v.actor, id, b.member_id, &b.post, &b.start_on).await?;
    created(json!({"id": post_id}))
}

#[derive(Deserialize)]
struct EndBody {
    end_on: String,
}

async fn post_end(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<EndBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let org_id = state.services.end_post(&v.actor, id, &body(b)?.end_on).await?;
    ok(json!({"org_id": org_id}))
}

async fn members(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let page = state.services.member_list(&v.actor, &q).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], page.json().to_string()).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewMember {
    branch_id: i64,
    group_id: Option<i64>,
    #[serde(flatten)]
    member: MemberInput,
}

async fn member_create(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    b: Result<Json<NewMember>, JsonRejection>,
) -> ApiResult {
    let b = body(b)?;
    let id = state.services.create_member(&v.actor, b.branch_id, b.group_id, &b.member).await?;
    let detail = state.services.member_detail(&v.actor, id, false).await?;
    created(detail.member)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RevealQuery {
    reveal: bool,
}

async fn member_get(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<RevealQuery>, QueryRejection>,
) -> ApiResult {
    let reveal = q.map(|Query(q)| q.reveal).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    ok(state.services.member_detail(&v.actor, id_of(&id)?, reveal).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MemberUpdate {
    status_on: String,
    #[serde(flatten)]
    member: MemberInput,
}

async fn member_update(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<MemberUpdate>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.update_member(&v.actor, id, &b.member, &b.status_on).await?;
    ok(state.services.member_detail(&v.actor, id, false).await?.member)
}

#[derive(Deserialize)]
struct ContactBody {
    phone: String,
}

async fn member_contact(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ContactBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    state.services.update_member_contact(&v.actor, id, &body(b)?.phone).await?;
    ok(json!({"ok": true}))
}

#[derive(Deserialize)]
struct RelocateBody {
    branch_id: i64,
    group_id: Option<i64>,
    on: String,
}

async fn member_relocate(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<RelocateBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.relocate_member(&v.actor, id, b.branch_id, b.group_id, &b.on).await?;
    ok(json!({"ok": true}))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AuditQuery {
    before: Option<i64>,
    entity: Option<String>,
    entity_id: Option<i64>,
    limit: Option<i64>,
}

async fn audit(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> ApiResult {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let f = services::rows::AuditFilter {
        entity: q.entity,
        entity_id: q.entity_id,
        before_id: q.before,
        limit: q.limit.unwrap_or(100),
        actor: None,
    };
    ok(json!({"entries": state.services.audit_entries(&v.actor, &f).await?}))
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
