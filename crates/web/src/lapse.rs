//! CON-LAPSE's third condition as the branch records it: months in which a member did not do
//! the work the party assigned. Page and API; the check reads the records (services::compliance).

use crate::AppState;
use crate::api::{ApiResult, body, created, id_of as api_id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer, check_csrf};
use crate::error::PageError;
use crate::ui::Routes;
use askama::Template;
use axum::Json;
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use domain::scope::{Action, Target, can};
use serde::{Deserialize, Serialize};
use services::ServiceError;
use std::collections::HashMap;
use utoipa::ToSchema;

pub fn routes() -> Routes {
    Routes::new().route("/members/{id}/work-refusals", get(page).post(page_post))
}

pub fn api_routes() -> Routes {
    Routes::new().route("/members/{id}/work-refusals", get(api_list).post(api_post))
}

use crate::ui::PageResult;

#[derive(Template)]
#[template(path = "work_refusals.html")]
struct WorkRefusalsPage {
    nav: crate::ui::Nav,
    id: i64,
    name: String,
    can_edit: bool,
    error: String,
    month: String,
    note: String,
    /// (month, note, recorded at).
    rows: Vec<(String, String, String)>,
}

async fn view(state: &AppState, v: &Viewer, id: i64, form: (String, String, String), status: StatusCode) -> PageResult {
    let d = state.services.member_detail(&v.actor, id, false).await?;
    let branch = d.member.row.branch_org_path().map_err(|e| ServiceError::Internal(e.to_string()))?;
    let can_edit = can(&v.actor, Action::EditMember, Target::Member { member_id: id, branch: &branch });
    let rows = state
        .services
        .work_refusals(&v.actor, id)
        .await?
        .into_iter()
        .map(|r| (r.month.chars().take(7).collect(), r.note, crate::view::cn_time(r.created_at)))
        .collect();
    let (error, month, note) = form;
    let page = WorkRefusalsPage {
        nav: crate::ui::nav(v),
        id,
        name: d.member.row.name.clone(),
        can_edit,
        error,
        month,
        note,
        rows,
    };
    crate::ui::render_status(status, &page)
}

async fn page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = crate::ui::id_param(&id)?;
    view(&state, &v, id, Default::default(), StatusCode::OK).await
}

async fn page_post(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> PageResult {
    let id = crate::ui::id_param(&id)?;
    let f = form.map(|Form(f)| f).map_err(|_| PageError::BadRequest("提交的表单格式不正确，请返回重新填写".into()))?;
    check_csrf(&v, f.get("_csrf").map(String::as_str).unwrap_or_default())?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    match state.services.record_work_refusal(&v.actor, id, &get("month"), &get("note")).await {
        Ok(_) => Ok(Redirect::to(&format!("/members/{id}/work-refusals")).into_response()),
        Err(ServiceError::Invalid(e)) => {
            let msg = e.0.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("；");
            view(&state, &v, id, (msg, get("month"), get("note")), StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn api_list(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = api_id_of(&id)?;
    let rows = state.services.work_refusals(&v.actor, id).await?;
    ok(WorkRefusalList {
        work_refusals: rows
            .into_iter()
            .map(|w| WorkRefusal {
                id: w.id,
                month: w.month.get(..7).unwrap_or(&w.month).to_string(),
                note: w.note,
                created_at: w.created_at,
            })
            .collect(),
    })
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct WorkRefusalBody {
    /// "YYYY-MM".
    month: String,
    note: String,
}

async fn api_post(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<WorkRefusalBody>, JsonRejection>,
) -> ApiResult {
    let id = api_id_of(&id)?;
    let b = body(b)?;
    state.services.record_work_refusal(&v.actor, id, &b.month, &b.note).await?;
    created(WorkRefusalRecorded { member_id: id, month: b.month })
}

/// A month in which the member, without good reason, did not do the work the Party assigned
/// (CON-LAPSE: six in a row are reported).
#[derive(Serialize, ToSchema)]
pub(crate) struct WorkRefusal {
    pub id: i64,
    /// `YYYY-MM`.
    pub month: String,
    pub note: String,
    /// Epoch milliseconds.
    pub created_at: i64,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct WorkRefusalList {
    pub work_refusals: Vec<WorkRefusal>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct WorkRefusalRecorded {
    pub member_id: i64,
    pub month: String,
}
