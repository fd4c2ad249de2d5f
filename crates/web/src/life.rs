//! Organizational life on the web: an org's findings and records for a year, explanations,
//! leading cadres under 双重组织生活, and the ledger files. Recording a meeting and its own page
//! are in `meetings`.

use crate::AppState;
use crate::auth::{PageViewer, Viewer, check_csrf};
use crate::error::PageError;
use crate::ui::Routes;
use crate::ui::{PageResult, id_param};
use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::Datelike;
use domain::dates::Iso;
use domain::org::{OrgKind, OrgStatus};
use domain::org_life::Attendance;
use domain::scope::{Action, Target, can};
use serde::Deserialize;
use services::ServiceError;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/life", get(life))
        .route("/orgs/{id}/findings/explain", post(explain))
        .route("/orgs/{id}/dual", post(dual_add))
        .route("/orgs/{id}/dual/{did}/end", post(dual_end))
        .route("/orgs/{id}/ledger.xlsx", get(ledger_xlsx))
        .route("/orgs/{id}/ledger.pdf", get(ledger_pdf))
}

struct FindingView {
    rule_id: &'static str,
    /// The rule's requirement in words, shown first; the ID is shown small beside it.
    title: &'static str,
    severity: &'static str,
    severity_label: &'static str,
    period: String,
    period_start: String,
    message: String,
    citation: &'static str,
    source: String,
    /// The finding's subject key, which its explanation is kept by.
    subject: String,
    fix_href: String,
    fix_label: String,
    /// "已说明（张三，2025-04-02）：……", when someone explained it.
    explanation: String,
    /// Whether it can be explained (violations and warnings; upcoming ones are still open).
    explainable: bool,
}

struct MeetingLine {
    id: i64,
    held_on: String,
    kind: &'static str,
    topic: String,
    expected: usize,
    present: usize,
    excused: usize,
    absent: usize,
}

#[derive(Template)]
#[template(path = "life.html")]
struct LifePage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    year: i32,
    prev_year: i32,
    next_year: i32,
    show_next: bool,
    as_of: String,
    can_record: bool,
    is_branch: bool,
    notice: String,
    findings: Vec<FindingView>,
    meetings: Vec<MeetingLine>,
    duals: Vec<services::rows::DualRow>,
    /// The year's voided records, for those who read the audit log.
    voided: Vec<services::rows::MeetingRow>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: String,
}

async fn life(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let year = q.ok().and_then(|Query(q)| q.year.parse::<i32>().ok());
    life_page(&state, &v, id, year, String::new(), StatusCode::OK).await
}

/// The as-of date of a year's findings: today for this year, the day after it for past years.
fn as_of_for(year: i32, today: chrono::NaiveDate) -> chrono::NaiveDate {
    if year < today.year() { chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(today) } else { today }
}

async fn life_page(
    state: &AppState,
    v: &Viewer,
    id: i64,
    year: Option<i32>,
    notice: String,
    status: StatusCode,
) -> PageResult {
    let today = state.services.today();
    let year = year.filter(|y| (1949..=today.year()).contains(y)).unwrap_or(today.year());
    let org = state.services.org(&v.actor, id).await?;
    let as_of = as_of_for(year, state.services.today());
    let findings = state.services.org_findings(&v.actor, id, year, as_of).await?;
    let explanations = state.services.explanations(&v.actor, id).await?;
    let meetings = state.services.meetings_of(&v.actor, id, year).await?;
    let voided = state.services.voided_meetings(&v.actor, id, year).await?;
    let can_edit = can(&v.actor, Action::EditOrg, Target::Org(&org.org_path()?));
    let count =
        |m: &services::org_life::MeetingView, a: Attendance| m.attendance.iter().filter(|x| x.attendance == a).count();
    let is_branch = org.kind == OrgKind::Branch;
    crate::ui::render_status(
        status,
        &LifePage {
            can_record: org.status == OrgStatus::Active && can_edit,
            is_branch,
            org_id: org.id,
            org_name: org.name.clone(),
            year,
            prev_year: year - 1,
            next_year: year + 1,
            show_next: year < today.year(),
            as_of: domain::dates::format_cn(as_of),
            notice,
            findings: findings
                .iter()
                .map(|f| {
                    let period_start = f.period.as_ref().map(|p| p.start().iso());
                    let period_start = period_start.unwrap_or_default();
                    let explanation = explanations
                        .iter()
                        .rev()
                        .find(|e| services::findings::explains(e, f, &period_start))
                        .map(|e| {
                            format!(
                                "已说明（{}，{}）：{}",
                                e.account_name.as_deref().unwrap_or("—"),
                                crate::view::cn_time(e.created_at),
                                e.reason
                            )
                        })
                        .unwrap_or_default();
                    FindingView {
                        rule_id: f.rule_id,
                        title: f.title,
                        severity: f.severity.as_str(),
                        severity_label: f.severity.label(),
                        period: f.period.as_ref().map(|p| p.label()).unwrap_or_default(),
                        period_start,
                        message: f.message.clone(),
                        citation: f.citation,
                        source: if f.source.is_local() { f.source.label() } else { String::new() },
                        subject: f.subject.key(),
                        fix_href: f.fix.as_ref().and_then(crate::fix::href).unwrap_or_default(),
                        fix_label: f.fix.as_ref().map(|x| x.label.clone()).unwrap_or_default(),
                        explainable: can_edit && f.severity != domain::rules::Severity::Upcoming,
                        explanation,
                    }
                })
                .collect(),
            voided,
            meetings: meetings
                .iter()
                .map(|m| MeetingLine {
                    id: m.meeting.id,
                    held_on: m.meeting.held_on.to_string(),
                    kind: m.meeting.kind.label(),
                    topic: m.meeting.topic.clone(),
                    expected: m.attendance.len(),
                    present: count(m, Attendance::Present),
                    excused: count(m, Attendance::Excused),
                    absent: count(m, Attendance::Absent),
                })
                .collect(),
            duals: if is_branch { state.services.duals(&v.actor, id).await? } else { Vec::new() },
            nav: crate::ui::nav(v),
        },
    )
}

fn form_of(
    form: Result<Form<HashMap<String, String>>, FormRejection>,
    v: &Viewer,
) -> Result<HashMap<String, String>, PageError> {
    let f = form.map(|Form(f)| f).map_err(|_| PageError::BadRequest("提交的表单格式不正确，请返回重新填写".into()))?;
    check_csrf(v, f.get("_csrf").map(String::as_str).unwrap_or_default())?;
    Ok(f)
}

/// Re-shows the life page with the first error of a refused change, or goes back to it.
async fn back_to_life(state: &AppState, v: &Viewer, id: i64, year: Option<i32>, r: services::Result<()>) -> PageResult {
    match r {
        Ok(()) => {
            let q = year.map(|y| format!("?year={y}")).unwrap_or_default();
            Ok(Redirect::to(&format!("/orgs/{id}/life{q}")).into_response())
        }
        Err(ServiceError::Invalid(e)) => {
            let msg = e.0.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("；");
            life_page(state, v, id, year, msg, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn explain(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let f = form_of(form, &v)?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let year = get("year").parse().ok();
    let r = state
        .services
        .explain_finding(&v.actor, id, &get("rule_id"), &get("period_start"), &get("subject"), &get("reason"))
        .await
        .map(|_| ());
    back_to_life(&state, &v, id, year, r).await
}

async fn dual_add(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let f = form_of(form, &v)?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let start = if get("start_on").trim().is_empty() { state.services.today().iso() } else { get("start_on") };
    let r = state.services.add_dual(&v.actor, id, &get("who"), &start).await.map(|_| ());
    back_to_life(&state, &v, id, None, r).await
}

async fn dual_end(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, did)): Path<(String, String)>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> PageResult {
    let (id, did) = (id_param(&id)?, id_param(&did)?);
    form_of(form, &v)?;
    let r = state.services.end_dual(&v.actor, id, did).await;
    back_to_life(&state, &v, id, None, r).await
}

async fn ledger_file(
    state: &AppState,
    v: &Viewer,
    id: &str,
    q: Result<Query<YearQuery>, QueryRejection>,
    format: services::ledger::LedgerFormat,
) -> PageResult {
    let id = id_param(id)?;
    let today = state.services.today();
    let year = q.ok().and_then(|Query(q)| q.year.parse::<i32>().ok());
    let year = year.filter(|y| (1949..=today.year()).contains(y)).unwrap_or(today.year());
    let f = state.services.ledger(&v.actor, id, year, as_of_for(year, state.services.today()), format).await?;
    Ok(crate::roster::download(f.bytes, &f.file_name, f.content_type))
}

async fn ledger_xlsx(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> PageResult {
    ledger_file(&state, &v, &id, q, services::ledger::LedgerFormat::Xlsx).await
}

async fn ledger_pdf(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> PageResult {
    ledger_file(&state, &v, &id, q, services::ledger::LedgerFormat::Pdf).await
}
