//! The audit log through the API (see `audit` for the page).

use crate::AppState;
use crate::api::{ApiResult, ok};
use crate::auth::ApiViewer;
use crate::error::ApiError;
use crate::ui::Routes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Routes {
    Routes::new().route("/audit", get(audit))
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
        // The document's maximum; the page's export may read more.
        limit: q.limit.unwrap_or(100).min(1000),
        ..Default::default()
    };
    let entries = state.services.audit_entries(&v.actor, &f).await?;
    ok(AuditEntries { entries: entries.into_iter().map(AuditEntry::from).collect() })
}

/// An entry of the audit log: who did what to which record, with the record before and after,
/// chained by MACs so that an edit, a deletion or a reordering is detected.
#[derive(Serialize, ToSchema)]
pub(crate) struct AuditEntry {
    pub id: i64,
    /// Epoch milliseconds.
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub org_path: Option<String>,
    /// The record before the change, as JSON text.
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_mac: String,
    pub mac: String,
}

impl From<services::rows::EntryRow> for AuditEntry {
    fn from(e: services::rows::EntryRow) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            org_path: e.org_path,
            before_json: e.before_json,
            after_json: e.after_json,
            prev_mac: e.prev_mac,
            mac: e.mac,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AuditEntries {
    pub entries: Vec<AuditEntry>,
}
