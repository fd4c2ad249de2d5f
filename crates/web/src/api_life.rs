//! Organizational life in the JSON API: records, findings with their explanations, and the
//! compliance roll-up, for scripts and the systems above a committee.

use crate::AppState;
use crate::api::{ApiResult, body, created, id_of, ok};
use crate::auth::ApiViewer;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde_json::json;
use services::org_life::MeetingInput;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{id}/meetings", get(meetings).post(record))
        .route("/meetings/{id}", get(meeting))
        .route("/orgs/{id}/findings", get(findings))
        .route("/orgs/{id}/findings/explain", post(explain))
        .route("/orgs/{id}/ledger", get(ledger))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<i32>,
    as_of: Option<String>,
    format: Option<String>,
}

/// The year asked for (this year by default) and the as-of date: given, or today for this
/// year and the first day of the next for a past year.
fn year_and_as_of(q: Result<Query<YearQuery>, QueryRejection>, today: NaiveDate) -> Result<(i32, NaiveDate), ApiError> {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(format!("查询参数有误：{}", e.body_text())))?;
    let year = q.year.unwrap_or(today.year());
    if !(1949..=today.year() + 1).contains(&year) {
        return Err(ApiError::BadRequest(format!("年份 {year} 超出范围")));
    }
    let as_of = match q.as_of.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => domain::dates::parse_date(s).map_err(|e| ApiError::BadRequest(format!("as_of：{e}")))?,
        None if year < today.year() => NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(today),
        None => today,
    };
    Ok((year, as_of))
}

async fn meetings(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let (year, _) = year_and_as_of(q, state.services.today())?;
    let list = state.services.meetings_of(&v.actor, id_of(&id)?, year).await?;
    ok(json!({ "year": year, "meetings": list }))
}

async fn record(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<MeetingInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let meeting_id = state.services.record_meeting(&v.actor, id, &body(b)?).await?;
    created(json!({ "id": meeting_id }))
}

async fn meeting(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    ok(state.services.meeting_detail(&v.actor, id_of(&id)?).await?)
}

async fn findings(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let (year, as_of) = year_and_as_of(q, state.services.today())?;
    let findings = state.services.org_findings(&v.actor, id, year, as_of).await?;
    let explanations = state.services.explanations(&v.actor, id).await?;
    ok(json!({ "year": year, "as_of": as_of, "findings": findings, "explanations": explanations }))
}

#[derive(Deserialize)]
struct ExplainBody {
    rule_id: String,
    #[serde(default)]
    period_start: String,
    /// The finding's subject ("member:12"); the org itself when left out.
    #[serde(default)]
    subject: String,
    reason: String,
}

async fn explain(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ExplainBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    let eid = state.services.explain_finding(&v.actor, id, &b.rule_id, &b.period_start, &b.subject, &b.reason).await?;
    created(json!({ "id": eid }))
}

async fn ledger(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let format = match q.as_ref().ok().and_then(|Query(q)| q.format.as_deref()) {
        None | Some("xlsx") => services::ledger::LedgerFormat::Xlsx,
        Some("pdf") => services::ledger::LedgerFormat::Pdf,
        Some(other) => return Err(ApiError::BadRequest(format!("format 只能是 xlsx 或 pdf，不是 {other}"))),
    };
    let (year, as_of) = year_and_as_of(q, state.services.today())?;
    let f = state.services.ledger(&v.actor, id, year, as_of, format).await?;
    Ok(crate::roster::download(f.bytes, &f.file_name, f.content_type))
}
