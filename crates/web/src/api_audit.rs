//! The audit log through the API (see `audit` for the page).

use crate::AppState;
use crate::api::{ApiResult, ok};
use crate::auth::ApiViewer;
use crate::error::ApiError;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(audit))
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
