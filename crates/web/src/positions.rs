//! 意识形态阵地 (IDEOLOGY-RESP): an org subtree's register of ideological positions with the form
//! to add one and a button to record a review; the ledger; as pages and in the API.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::FieldErrors;
use domain::dates::format_cn;
use domain::ideology_position::{PositionInput, PositionKind};
use serde::Serialize;
use services::ServiceError;
use services::ideology_positions::{PositionView, Positions};
use services::ledger::LedgerFormat;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, done, id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer};
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/positions", get(org_page).post(record))
        .route("/orgs/{id}/positions/ledger.xlsx", get(ledger_xlsx))
        .route("/orgs/{id}/positions/ledger.pdf", get(ledger_pdf))
        .route("/positions/{id}/review", post(review))
}

pub fn api_routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/positions", get(api_positions).post(api_record))
        .route("/positions/{id}/review", post(api_review))
}

#[derive(Template)]
#[template(path = "positions.html")]
struct OrgPage {
    nav: crate::ui::Nav,
    p: Positions,
    /// (id, org, kind, name, responsible, approval, last review, next review, overdue).
    lines: Vec<([String; 8], bool)>,
    fields: Vec<Field>,
    error: String,
}

async fn page_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let p = state.services.positions(&v.actor, id).await?;
    let lines = p
        .positions
        .iter()
        .map(|x| {
            let r = &x.row;
            (
                [
                    r.id.to_string(),
                    r.org_name.clone(),
                    x.kind_label.to_string(),
                    r.name.clone(),
                    r.responsible.clone(),
                    format!("{}（{}）", r.approved_by, format_cn(r.approved_on)),
                    r.reviewed_on.map(format_cn).unwrap_or_else(|| "未复查".into()),
                    format_cn(x.review_due),
                ],
                x.overdue,
            )
        })
        .collect();
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let e = &errors;
    let kinds = PositionKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect();
    let fields = vec![
        Field::select("kind", "类别", &g("kind"), kinds, Some("请选择"), e).required(),
        Field::text("name", "阵地名称", &g("name"), e).required().hint("如 校园公众号“一中青年”、教学楼宣传栏"),
        Field::text("responsible", "责任人", &g("responsible"), e).required().hint("姓名和职务"),
        Field::text("approved_by", "审批单位或审批人", &g("approved_by"), e).required(),
        Field::text("approved_on", "审批日期", &g("approved_on"), e).kind("date").required(),
        Field::text("reviewed_on", "最近复查日期", &g("reviewed_on"), e).kind("date").hint("未复查的留空"),
        Field::text("note", "备注", &g("note"), e),
    ];
    let page = OrgPage { nav: nav(v), p, lines, fields, error: crate::ui::summary_of(e) };
    render_status(status, &page)
}

async fn org_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    page_view(&state, &v, id, &HashMap::new(), FieldErrors::new(), StatusCode::OK).await
}

fn input(f: &HashMap<String, String>) -> PositionInput {
    PositionInput {
        kind: get_s(f, "kind"),
        name: get_s(f, "name"),
        responsible: get_s(f, "responsible"),
        approved_by: get_s(f, "approved_by"),
        approved_on: get_s(f, "approved_on"),
        reviewed_on: get_s(f, "reviewed_on"),
        note: get_s(f, "note"),
    }
}

async fn record(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    match state.services.record_position(&f.viewer.actor, id, &input(&f.fields)).await {
        Ok(_) => see_other(&format!("/orgs/{id}/positions")),
        Err(ServiceError::Invalid(e)) => page_view(&state, &f.viewer, id, &f.fields, e, StatusCode::BAD_REQUEST).await,
        Err(e) => Err(e.into()),
    }
}

async fn review(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    state.services.review_position(&f.viewer.actor, id).await?;
    let org = get_s(&f.fields, "org");
    match org.parse::<i64>() {
        Ok(org) => see_other(&format!("/orgs/{org}/positions")),
        Err(_) => see_other("/"),
    }
}

async fn export(state: &AppState, v: &Viewer, id: &str, format: LedgerFormat) -> PageResult {
    let id = id_param(id)?;
    crate::dues_branch::file_response(state.services.positions_ledger_file(&v.actor, id, format).await?)
}

async fn ledger_xlsx(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    export(&state, &v, &id, LedgerFormat::Xlsx).await
}

async fn ledger_pdf(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    export(&state, &v, &id, LedgerFormat::Pdf).await
}

/// An ideological position (意识形态阵地, IDEOLOGY-RESP).
#[derive(Serialize, ToSchema)]
pub(crate) struct PositionOut {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub kind: PositionKind,
    pub name: String,
    pub responsible: String,
    pub approved_by: String,
    pub approved_on: chrono::NaiveDate,
    pub reviewed_on: Option<chrono::NaiveDate>,
    /// A year after the last review (or the approval).
    pub review_due: chrono::NaiveDate,
    pub overdue: bool,
    pub note: String,
}

impl From<&PositionView> for PositionOut {
    fn from(p: &PositionView) -> Self {
        let r = &p.row;
        Self {
            id: r.id,
            org_id: r.org_id,
            org_name: r.org_name.clone(),
            kind: r.kind,
            name: r.name.clone(),
            responsible: r.responsible.clone(),
            approved_by: r.approved_by.clone(),
            approved_on: r.approved_on,
            reviewed_on: r.reviewed_on,
            review_due: p.review_due,
            overdue: p.overdue,
            note: r.note.clone(),
        }
    }
}

/// An org subtree's register of ideological positions.
#[derive(Serialize, ToSchema)]
pub(crate) struct PositionRegister {
    pub org_id: i64,
    pub positions: Vec<PositionOut>,
}

async fn api_positions(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let p = state.services.positions(&v.actor, id).await?;
    ok(PositionRegister { org_id: id, positions: p.positions.iter().map(PositionOut::from).collect() })
}

async fn api_record(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<PositionInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_position(&v.actor, id, &b).await? })
}

async fn api_review(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    state.services.review_position(&v.actor, id).await?;
    done()
}
