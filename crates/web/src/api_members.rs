//! The member registry through the API (see `members` for the pages).

use crate::AppState;
use crate::api::{ApiResult, body, created, id_of, ok};
use crate::auth::ApiViewer;
use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::member::MemberInput;
use serde::Deserialize;
use serde_json::json;
use services::members::ListQuery;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/members", get(members).post(member_create))
        .route("/members/{id}", get(member_get).patch(member_update))
        .route("/members/{id}/contact", post(member_contact))
        .route("/members/{id}/relocate", post(member_relocate))
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
