//! The JSON API under `/api/v1`: everything the pages do, for scripts and other systems.
//! Errors are `{"error": {"code", "message", "fields"}}` with a 4xx status for bad input.

use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::ApiError;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

pub(crate) type ApiResult = Result<Response, ApiError>;
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/me", get(me))
        .route("/home", get(home))
        .merge(crate::api_orgs::routes())
        .merge(crate::api_members::routes())
        .merge(crate::api_audit::routes())
        .merge(crate::api_accounts::routes())
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
    let roles = state.services.own_roles(&v).await?;
    ok(json!({"account": services::accounts::AccountView::from(&v.account), "roles": roles}))
}

async fn home(State(state): State<AppState>, ApiViewer(v): ApiViewer) -> ApiResult {
    ok(&*state.services.home_figures(&v.actor, state.services.today()).await?)
}
