//! The org tree through the API (see `orgs` for the pages).

use crate::AppState;
use crate::api::{ApiResult, body, created, id_of, ok};
use crate::auth::ApiViewer;
use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use services::orgs::OrgInput;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(orgs).post(org_create))
        .route("/orgs/{id}", get(org_get).patch(org_update))
        .route("/orgs/{id}/move", post(org_move))
        .route("/orgs/{id}/close", post(org_close))
        .route("/orgs/{id}/posts", post(post_add))
        .route("/posts/{id}/end", post(post_end))
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
