//! Coverage of every unit (COVER-PRIVATE) in the API: a subtree's coverage, registering and
//! importing units, one unit with its orgs, instructors and inspections, and their changes.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use chrono::NaiveDate;
use domain::family::coverage::CoverWay;
use domain::unit::{InspectionInput, Ownership, UnitInput, UnitType};
use serde::{Deserialize, Serialize};
use services::coverage::UnitView;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, done, id_of, ok};
use crate::auth::ApiViewer;
use crate::error::ApiError;
use crate::roster::BODY_LIMIT;
use crate::ui::Routes;

pub fn api_routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/coverage", get(api_coverage))
        .route("/orgs/{id}/units", post(api_record))
        .route("/orgs/{id}/units/import", post(api_import).layer(DefaultBodyLimit::max(BODY_LIMIT)))
        .route("/units/{id}", get(api_unit).put(api_update))
        .route("/units/{id}/orgs", post(api_link))
        .route("/units/{id}/orgs/{org}", delete(api_unlink))
        .route("/units/{id}/instructors", post(api_add_instructor))
        .route("/units/{id}/instructors/{instructor}/end", post(api_end_instructor))
        .route("/units/{id}/inspections", post(api_add_inspection))
}

/// A unit with what covers it on the day.
#[derive(Serialize, ToSchema)]
pub(crate) struct UnitOut {
    pub id: i64,
    /// The org that registered it (a committee, general branch or branch).
    pub committee_id: i64,
    pub committee_name: String,
    pub name: String,
    pub unit_type: UnitType,
    pub ownership: Ownership,
    /// 主管部门.
    pub supervisor: String,
    /// 分级管理: 1, 2 or 3; absent when not graded.
    pub level: Option<i64>,
    pub credit_code: String,
    /// The day party building was written into its charter.
    pub charter_on: Option<NaiveDate>,
    pub charter_doc: String,
    pub note: String,
    /// The ways it is covered, strongest first; empty when uncovered.
    pub ways: Vec<CoverWay>,
    /// Full members whose 工作单位 is the unit.
    pub full_members: u32,
    /// What COVER-PRIVATE finds about it.
    pub finding: Option<String>,
}

impl From<&UnitView> for UnitOut {
    fn from(u: &UnitView) -> Self {
        let r = &u.row;
        Self {
            id: r.id,
            committee_id: r.committee_id,
            committee_name: r.committee_name.clone(),
            name: r.name.clone(),
            unit_type: r.unit_type,
            ownership: r.ownership,
            supervisor: r.supervisor.clone(),
            level: r.level,
            credit_code: r.credit_code.clone(),
            charter_on: r.charter_on,
            charter_doc: r.charter_doc.clone(),
            note: r.note.clone(),
            ways: u.ways.clone(),
            full_members: u.fact.full_members,
            finding: u.finding.clone(),
        }
    }
}

/// One line of the coverage by unit type and ownership; each unit counts once, by the
/// strongest way that covers it.
#[derive(Serialize, ToSchema)]
pub(crate) struct CoverageKindOut {
    pub unit_type: UnitType,
    pub ownership: Ownership,
    pub total: u32,
    pub own_org: u32,
    pub joint_branch: u32,
    pub instructor: u32,
    pub uncovered: u32,
    /// Party building written into the charter.
    pub charter: u32,
}

/// The coverage of the units registered in an org's subtree, on a day.
#[derive(Serialize, ToSchema)]
pub(crate) struct CoverageOut {
    pub org_id: i64,
    pub org_name: String,
    pub on: NaiveDate,
    pub kinds: Vec<CoverageKindOut>,
    pub units: Vec<UnitOut>,
}

/// An org linked to a unit.
#[derive(Serialize, ToSchema)]
pub(crate) struct UnitOrgOut {
    pub org_id: i64,
    pub org_name: String,
    /// How many units it is linked to: more than one makes it a joint branch (联合党支部).
    pub units: i64,
    pub closed_on: Option<NaiveDate>,
}

/// A party-building instructor (党建指导员) serving a unit.
#[derive(Serialize, ToSchema)]
pub(crate) struct InstructorOut {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
}

/// A yearly inspection (年检) of a unit.
#[derive(Serialize, ToSchema)]
pub(crate) struct InspectionOut {
    pub id: i64,
    pub year: i64,
    pub inspected_on: NaiveDate,
    /// Whether party building was part of it.
    pub party_building: bool,
    pub document: String,
}

/// One unit in full.
#[derive(Serialize, ToSchema)]
pub(crate) struct UnitDetailOut {
    pub unit: UnitOut,
    pub orgs: Vec<UnitOrgOut>,
    pub instructors: Vec<InstructorOut>,
    pub inspections: Vec<InspectionOut>,
    /// Whether the viewer may change it.
    pub can_edit: bool,
}

#[derive(Deserialize)]
struct OnQuery {
    on: Option<String>,
}

async fn api_coverage(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<OnQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let on = match q.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(domain::dates::parse_date(s).map_err(|e| ApiError::BadRequest(format!("on：{e}")))?),
    };
    let c = state.services.coverage(&v.actor, id, on).await?;
    ok(CoverageOut {
        org_id: c.org_id,
        org_name: c.org_name.clone(),
        on: c.on,
        kinds: c
            .kinds
            .iter()
            .map(|k| CoverageKindOut {
                unit_type: k.unit_type,
                ownership: k.ownership,
                total: k.total,
                own_org: k.own_org,
                joint_branch: k.joint_branch,
                instructor: k.instructor,
                uncovered: k.uncovered,
                charter: k.charter,
            })
            .collect(),
        units: c.units.iter().map(UnitOut::from).collect(),
    })
}

async fn api_record(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<UnitInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_unit(&v.actor, id, &b).await? })
}

#[derive(Deserialize)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

/// One problem of an uploaded unit list.
#[derive(Serialize, ToSchema)]
pub(crate) struct UnitImportIssue {
    pub row_number: usize,
    /// The column's header, empty for a problem of the whole row or file.
    pub column: String,
    pub message: String,
}

/// What a unit import read and wrote (for a dry run: what it would write).
#[derive(Serialize, ToSchema)]
pub(crate) struct UnitImportResult {
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub issues: Vec<UnitImportIssue>,
}

/// A unit list refused: nothing was imported; every problem by row and column.
#[derive(Serialize, ToSchema)]
pub(crate) struct UnitImportRefused {
    pub error: crate::error::ErrorDetail,
    pub report: UnitImportResult,
}

async fn api_import(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<ImportQuery>, QueryRejection>,
    body: axum::body::Body,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let bytes = crate::roster::sheet_bytes(body).await?;
    let r = state.services.import_units_file(&v.actor, id, &bytes, q.dry_run).await?;
    let report = UnitImportResult {
        rows: r.rows,
        added: r.added,
        updated: r.updated,
        issues: r
            .issues
            .iter()
            .map(|(row, col, msg)| UnitImportIssue { row_number: *row, column: col.clone(), message: msg.clone() })
            .collect(),
    };
    if !report.issues.is_empty() {
        let body = UnitImportRefused { error: crate::roster::file_refused(report.issues.len()), report };
        return Ok((StatusCode::BAD_REQUEST, Json(body)).into_response());
    }
    ok(report)
}

async fn api_unit(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let d = state.services.unit_detail(&v.actor, id).await?;
    ok(UnitDetailOut {
        unit: UnitOut::from(&d.view),
        orgs: d
            .links
            .iter()
            .map(|l| UnitOrgOut {
                org_id: l.org_id,
                org_name: l.org_name.clone(),
                units: l.units,
                closed_on: l.closed_on,
            })
            .collect(),
        instructors: d
            .instructors
            .iter()
            .map(|i| InstructorOut {
                id: i.id,
                member_id: i.member_id,
                member_name: i.member_name.clone(),
                branch_id: i.branch_id,
                branch_name: i.branch_name.clone(),
                start_on: i.start_on,
                end_on: i.end_on,
            })
            .collect(),
        inspections: d
            .inspections
            .iter()
            .map(|i| InspectionOut {
                id: i.id,
                year: i.year,
                inspected_on: i.inspected_on,
                party_building: i.party_building,
                document: i.document.clone(),
            })
            .collect(),
        can_edit: d.can_edit,
    })
}

async fn api_update(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<UnitInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.update_unit(&v.actor, id, &b).await?;
    done()
}

/// An org to link to a unit.
#[derive(Deserialize, ToSchema)]
pub(crate) struct UnitLinkIn {
    pub org_id: i64,
}

async fn api_link(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<UnitLinkIn>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.link_unit(&v.actor, id, b.org_id, true).await?;
    done()
}

async fn api_unlink(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path((id, org)): Path<(String, String)>,
) -> ApiResult {
    let (id, org) = (id_of(&id)?, id_of(&org)?);
    state.services.link_unit(&v.actor, id, org, false).await?;
    done()
}

/// A member sent as the unit's party-building instructor from a day.
#[derive(Deserialize, ToSchema)]
pub(crate) struct InstructorIn {
    pub member_id: i64,
    /// "2026-03-01".
    pub start_on: String,
}

async fn api_add_instructor(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<InstructorIn>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.add_instructor(&v.actor, id, b.member_id, &b.start_on).await? })
}

/// The day an instructor's service ended.
#[derive(Deserialize, ToSchema)]
pub(crate) struct InstructorEndIn {
    pub end_on: String,
}

async fn api_end_instructor(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path((id, instructor)): Path<(String, String)>,
    b: Result<Json<InstructorEndIn>, JsonRejection>,
) -> ApiResult {
    let (id, instructor) = (id_of(&id)?, id_of(&instructor)?);
    let b = body(b)?;
    state.services.end_instructor(&v.actor, id, instructor, &b.end_on).await?;
    done()
}

async fn api_add_inspection(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<InspectionInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.add_inspection(&v.actor, id, &b).await? })
}
