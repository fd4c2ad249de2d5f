//! The audit log (操作日志) as people read it: actions in Chinese, orgs and members by name,
//! what changed field by field, filters (who, what, which org, which days), paging, and the
//! filtered range as a workbook for an inspection.

use crate::AppState;
use crate::auth::PageViewer;
use crate::error::PageError;
use crate::ui::Routes;
use crate::ui::*;
use crate::view::*;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::NaiveDate;
use domain::org::OrgKind;
use serde::Deserialize;
use services::audit_log::AuditLine;
use services::rows::AuditFilter;

pub fn routes() -> Routes {
    Routes::new().route("/audit", get(audit)).route("/audit/export.xlsx", get(export))
}

/// Entries per page.
const PAGE: i64 = 100;

struct AuditView {
    id: i64,
    at: String,
    actor: String,
    action: String,
    subject: String,
    org: String,
    changes: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Nav,
    entries: Vec<AuditView>,
    /// The filters as typed, and the query string that keeps them.
    q: AuditQuery,
    kept: String,
    actions: Vec<(&'static str, &'static str)>,
    orgs: Vec<(i64, String)>,
    error: String,
    more: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct AuditQuery {
    before: String,
    entity: String,
    entity_id: String,
    actor: String,
    action: String,
    org: String,
    from: String,
    to: String,
}

/// The start of a day in Beijing time, as epoch milliseconds.
fn day_start_ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_millis() - 8 * 3_600_000).unwrap_or(0)
}

/// The filter the query asks for, or what is wrong with it (in Chinese).
async fn filter_of(state: &AppState, v: &crate::auth::Viewer, q: &AuditQuery) -> Result<AuditFilter, String> {
    let date = |s: &str, what: &str| -> Result<Option<NaiveDate>, String> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        domain::dates::parse_date(s).map(Some).map_err(|e| format!("{what}：{}", e.message()))
    };
    let from = date(&q.from, "起始日期")?;
    let to = date(&q.to, "截止日期")?;
    let within = match q.org.trim().parse::<i64>() {
        Ok(id) => {
            let org = state.services.org(&v.actor, id).await.map_err(|_| "找不到该组织，或您无权查看".to_string())?;
            Some(org.org_path().map_err(|e| e.to_string())?)
        }
        Err(_) => None,
    };
    Ok(AuditFilter {
        entity: (!q.entity.is_empty()).then(|| q.entity.clone()),
        entity_id: q.entity_id.parse().ok(),
        before_id: q.before.parse().ok(),
        actor: Some(q.actor.trim().to_string()).filter(|a| !a.is_empty()),
        action: Some(q.action.clone()).filter(|a| !a.is_empty()),
        within,
        from_ms: from.map(day_start_ms),
        to_ms: to.and_then(|d| d.succ_opt()).map(day_start_ms),
        limit: PAGE,
    })
}

/// The query string of the filters (without the page position).
fn kept(q: &AuditQuery) -> String {
    let enc = |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
    [
        ("entity", &q.entity),
        ("entity_id", &q.entity_id),
        ("actor", &q.actor),
        ("action", &q.action),
        ("org", &q.org),
        ("from", &q.from),
        ("to", &q.to),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}", enc(v)))
    .collect::<Vec<_>>()
    .join("&")
}

fn view(l: AuditLine) -> AuditView {
    AuditView {
        id: l.entry.id,
        at: cn_time(l.entry.at),
        actor: l.entry.actor,
        action: l.action_label,
        subject: l.subject,
        org: l.org_name,
        changes: l.changes,
    }
}

async fn audit(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let (entries, error) = match filter_of(&state, &v, &q).await {
        Ok(f) => (state.services.audit_lines(&v.actor, &f).await?, String::new()),
        Err(e) => {
            // Refused before anything is read, but only for someone who may read the log.
            state.services.audit_lines(&v.actor, &AuditFilter { limit: 1, ..Default::default() }).await?;
            (Vec::new(), e)
        }
    };
    let kept = kept(&q);
    let more = match entries.last() {
        Some(last) if entries.len() as i64 == PAGE && last.entry.id > 1 => {
            format!("/audit?{}{}before={}", kept, if kept.is_empty() { "" } else { "&" }, last.entry.id)
        }
        _ => String::new(),
    };
    let orgs = state
        .services
        .org_tree(&v.actor, false)
        .await?
        .into_iter()
        .filter(|o| o.kind != OrgKind::Group)
        .map(|o| (o.id, o.name))
        .collect();
    let status = if error.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::BAD_REQUEST };
    render_status(
        status,
        &AuditPage {
            entries: entries.into_iter().map(view).collect(),
            q,
            kept,
            actions: domain::audit::ACTIONS.iter().map(|a| (*a, domain::audit::action_label(a))).collect(),
            orgs,
            error,
            more,
            nav: nav(&v),
        },
    )
}

/// `GET /audit/export.xlsx`: the filtered entries (up to 5,000) as a workbook; audited.
async fn export(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<axum::response::Response, PageError> {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let f = filter_of(&state, &v, &q).await.map_err(PageError::BadRequest)?;
    let bytes = state.services.export_audit(&v.actor, &f).await?;
    let name = format!("审计日志{}.xlsx", domain::dates::Iso::compact(&state.services.today()));
    Ok(crate::roster::download(bytes, &name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .into_response())
}
