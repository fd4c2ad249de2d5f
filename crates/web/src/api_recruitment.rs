//! Recruitment (发展党员) in the API: the board of a subtree, a person with their steps, the
//! steps, the probation's extension, a move before admission, and the papers as files.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use services::ServiceError;
use services::ledger::LedgerFormat;
use services::recruitment::{ApplicantForm, BoardLine, StepForm};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, done, id_of, ok};
use crate::auth::ApiViewer;
use crate::recruitment::{BoardQuery, detail_json};
use crate::ui::Routes;

pub fn api_routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/recruitment", get(api_board).post(api_apply))
        .route("/recruits/{id}", get(api_person).post(api_step))
        .route("/recruits/{id}/extension", post(api_extend))
        .route("/recruits/{id}/move", post(api_move))
        .route("/orgs/{id}/recruitment/filings", get(api_filings))
        .route("/recruits/{id}/record", get(api_record))
}

/// `?format=xlsx|pdf` of the API's file routes.
#[derive(Deserialize)]
pub(crate) struct FormatQuery {
    format: Option<String>,
}

fn format_of(q: Result<Query<FormatQuery>, QueryRejection>) -> Result<LedgerFormat, crate::error::ApiError> {
    let Query(q) = q.map_err(|e| crate::error::ApiError::BadRequest(format!("查询参数无效：{e}")))?;
    match q.format.as_deref() {
        None | Some("xlsx") => Ok(LedgerFormat::Xlsx),
        Some("pdf") => Ok(LedgerFormat::Pdf),
        Some(other) => Err(crate::error::ApiError::BadRequest(format!("format 只能是 xlsx 或 pdf，不是 {other}"))),
    }
}

async fn api_filings(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<FormatQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let f = state.services.recruitment_filings(&v.actor, id, format_of(q)?).await?;
    Ok(crate::roster::download(f.bytes, &f.file_name, f.content_type))
}

async fn api_record(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<FormatQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let f = state.services.recruitment_record_sheet(&v.actor, id, format_of(q)?).await?;
    Ok(crate::roster::download(f.bytes, &f.file_name, f.content_type))
}

// ---- the API ----

/// A move to another branch before admission (DEV-TRANSFER-ACT).
#[derive(Deserialize, ToSchema)]
pub(crate) struct Move {
    pub to_branch: i64,
}

async fn api_move(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<Move>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.move_recruit(&v.actor, id, b.to_branch).await?;
    done()
}

/// A subtree's pipeline.
#[derive(Serialize, ToSchema)]
pub(crate) struct Board {
    pub org_id: i64,
    pub people: Vec<BoardPerson>,
}

/// One person on the board.
#[derive(Serialize, ToSchema)]
pub(crate) struct BoardPerson {
    pub id: i64,
    pub name: String,
    pub branch_name: String,
    /// application, activist, candidate, admission, probation.
    pub stage: String,
    /// The furthest step recorded (its code).
    pub step: Option<String>,
    pub since: Option<chrono::NaiveDate>,
    pub key_teacher: bool,
    pub overdue: usize,
}

/// One person with their steps.
#[derive(Serialize, ToSchema)]
pub(crate) struct Recruit {
    pub id: i64,
    pub name: String,
    pub branch_id: i64,
    pub stage: String,
    pub next_step: Option<String>,
    pub member_id: Option<i64>,
    pub probation_ends: Option<chrono::NaiveDate>,
    pub steps: Vec<RecruitStep>,
    /// The deadlines about the person today: rule ID, severity, message.
    pub findings: Vec<RecruitFinding>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct RecruitStep {
    pub step: String,
    pub number: u8,
    pub on: chrono::NaiveDate,
    /// What the step recorded (JSON).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub reason: String,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct RecruitFinding {
    pub rule_id: String,
    pub severity: String,
    pub message: String,
    pub due: Option<chrono::NaiveDate>,
}

/// The probation's extension (DEV-PROBATION).
#[derive(Deserialize, ToSchema)]
pub(crate) struct Extension {
    pub months: u32,
    /// The day of the decision.
    pub on: String,
    /// The deciding body (决定机关).
    pub body: String,
}

async fn api_board(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<BoardQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let Query(q) = q.map_err(|e| crate::error::ApiError::BadRequest(format!("查询参数无效：{e}")))?;
    let filter = q.filter();
    let lines: Vec<BoardLine> =
        state.services.recruitment_board(&v.actor, id).await?.into_iter().filter(|l| filter.keeps(l)).collect();
    ok(Board {
        org_id: id,
        people: lines
            .into_iter()
            .map(|l| BoardPerson {
                id: l.id,
                name: l.name,
                branch_name: l.branch_name,
                stage: l.stage.as_str().to_string(),
                step: l.reached.map(|s| s.as_str().to_string()),
                since: l.since,
                key_teacher: l.key_teacher,
                overdue: l.overdue,
            })
            .collect(),
    })
}

async fn api_apply(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ApplicantForm>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.create_applicant(&v.actor, id, &b).await? })
}

async fn api_person(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let r = state.services.recruit(&v.actor, id).await?;
    ok(Recruit {
        id,
        name: r.row.name.clone(),
        branch_id: r.row.branch_id,
        stage: r.stage.as_str().to_string(),
        next_step: r.next.map(|s| s.as_str().to_string()),
        member_id: r.row.member_id,
        probation_ends: r.probation_ends,
        steps: r
            .steps
            .iter()
            .map(|s| {
                Ok(RecruitStep {
                    step: s.step.as_str().to_string(),
                    number: s.step.number(),
                    on: s.on_date,
                    detail: detail_json(s)?,
                    reason: s.reason.clone(),
                    note: s.note.clone(),
                })
            })
            .collect::<Result<_, ServiceError>>()?,
        findings: r
            .findings
            .iter()
            .map(|f| RecruitFinding {
                rule_id: f.rule_id.to_string(),
                severity: f.severity.as_str().to_string(),
                message: f.message.clone(),
                due: f.due,
            })
            .collect(),
    })
}

async fn api_step(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<StepForm>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_step(&v.actor, id, &b).await? })
}

async fn api_extend(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<Extension>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.extend_probation(&v.actor, id, b.months, &b.on, &b.body).await?;
    done()
}
