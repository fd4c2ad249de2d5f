//! The audit log (操作日志) as the viewer may read it.

use crate::AppState;
use crate::auth::PageViewer;
use crate::ui::Routes;
use crate::ui::*;
use crate::view::*;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new().route("/audit", get(audit))
}

struct AuditView {
    id: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Nav,
    entries: Vec<AuditView>,
    more: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AuditQuery {
    before: String,
    entity: String,
    entity_id: String,
}

async fn audit(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let f = services::rows::AuditFilter {
        entity: (!q.entity.is_empty()).then(|| q.entity.clone()),
        entity_id: q.entity_id.parse().ok(),
        before_id: q.before.parse().ok(),
        limit: 100,
        ..Default::default()
    };
    let entries = state.services.audit_entries(&v.actor, &f).await?;
    let more = match entries.last() {
        Some(last) if entries.len() == 100 && last.id > 1 => format!("/audit?before={}", last.id),
        _ => String::new(),
    };
    render(&AuditPage {
        entries: entries
            .into_iter()
            .map(|e| AuditView {
                id: e.id,
                at: cn_time(e.at),
                actor: e.actor,
                action: e.action,
                entity: format!("{} #{}", e.entity, e.entity_id.map(|i| i.to_string()).unwrap_or_default()),
                after: e.after_json.unwrap_or_default().chars().take(160).collect(),
            })
            .collect(),
        more,
        nav: nav(&v),
    })
}
