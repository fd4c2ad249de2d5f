//! The JSON API under `/api/v1`: everything the pages do, for scripts and other systems.
//! Errors are `{"error": {"code", "message", "fields"}}` with a 4xx status for bad input.

use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::ApiError;
use crate::ui::Routes;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use domain::scope::RoleKind;
use serde::Serialize;
use utoipa::ToSchema;

pub(crate) type ApiResult = Result<Response, ApiError>;
pub fn routes() -> Routes {
    Routes::new()
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

/// A 200 answer. Only the API's own documented types may be sent (`ToSchema`): never a
/// database row or an ad-hoc `json!` value, so the OpenAPI document describes every answer.
pub(crate) fn ok<T: Serialize + ToSchema>(v: T) -> ApiResult {
    Ok(Json(v).into_response())
}

/// A 201 answer (see [`ok`]).
pub(crate) fn created<T: Serialize + ToSchema>(v: T) -> ApiResult {
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// `{"ok": true}`: the change was made.
#[derive(Serialize, ToSchema)]
pub(crate) struct Done {
    pub ok: bool,
}

pub(crate) fn done() -> ApiResult {
    ok(Done { ok: true })
}

/// `{"id": …}`: the id of what was created.
#[derive(Serialize, ToSchema)]
pub(crate) struct Created {
    pub id: i64,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Health {
    /// Always "ok".
    pub status: String,
}

/// The signed-in account as the API shows it (never its password hash).
#[derive(Serialize, ToSchema)]
pub(crate) struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub member_id: Option<i64>,
    /// A one-time password must be replaced before anything else is done.
    pub must_change_password: bool,
    pub disabled: bool,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub password_changed_at: i64,
}

impl From<&services::accounts::AccountView> for Account {
    fn from(a: &services::accounts::AccountView) -> Self {
        Self {
            id: a.id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            member_id: a.member_id,
            must_change_password: a.must_change_password,
            disabled: a.disabled,
            created_at: a.created_at,
            password_changed_at: a.password_changed_at,
        }
    }
}

/// A role of an account, with the org it is held over.
#[derive(Serialize, ToSchema)]
pub(crate) struct Role {
    pub role: RoleKind,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Me {
    pub account: Account,
    pub roles: Vec<Role>,
}

/// A figure of the home page: what is counted, its Chinese label, and the count.
#[derive(Serialize, ToSchema)]
pub(crate) struct Count {
    pub key: String,
    pub label: String,
    pub count: i64,
}

/// A probationer whose probation ends soon or has ended without a decision (DEV-PROBATION).
#[derive(Serialize, ToSchema)]
pub(crate) struct ProbationEnd {
    pub member: crate::api_members::Member,
    pub ends_on: NaiveDate,
    /// Negative when overdue.
    pub days_left: i64,
    pub overdue: bool,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Home {
    pub as_of: NaiveDate,
    pub orgs_by_kind: Vec<Count>,
    pub members_by_status: Vec<Count>,
    pub current_members: i64,
    pub probation_ending: Vec<ProbationEnd>,
}

impl From<&services::home::HomeFigures> for Home {
    fn from(h: &services::home::HomeFigures) -> Self {
        let counts = |c: &[services::home::Count]| {
            c.iter().map(|c| Count { key: c.key.into(), label: c.label.into(), count: c.count }).collect()
        };
        Self {
            as_of: h.as_of,
            orgs_by_kind: counts(&h.orgs_by_kind),
            members_by_status: counts(&h.members_by_status),
            current_members: h.current_members,
            probation_ending: h
                .probation_ending
                .iter()
                .map(|p| ProbationEnd {
                    member: (&p.member).into(),
                    ends_on: p.ends_on,
                    days_left: p.days_left,
                    overdue: p.overdue,
                })
                .collect(),
        }
    }
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
    Json(Health { status: "ok".into() }).into_response()
}

async fn openapi() -> Response {
    Json(crate::openapi::document()).into_response()
}

async fn me(State(state): State<AppState>, ApiViewer(v): ApiViewer) -> ApiResult {
    let roles = state.services.own_roles(&v).await?;
    let roles = roles.into_iter().map(|r| Role { role: r.role, org_id: r.org_id, org_name: r.org_name }).collect();
    ok(Me { account: Account::from(&services::accounts::AccountView::from(&v.account)), roles })
}

async fn home(State(state): State<AppState>, ApiViewer(v): ApiViewer) -> ApiResult {
    ok(Home::from(&*state.services.home_figures(&v.actor, state.services.today()).await?))
}
