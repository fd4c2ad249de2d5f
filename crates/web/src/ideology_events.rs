//! Events on sensitive dates (敏感时间节点活动, IDEOLOGY-RESP): an org subtree's events of a year
//! with the form to record one (refused, naming the rule, on a sensitive day without its approval
//! beforehand); the ledger; as pages and in the API.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use domain::FieldErrors;
use domain::dates::format_cn;
use domain::ideology_event::EventInput;
use domain::ideology_position::PositionKind;
use serde::{Deserialize, Serialize};
use services::ServiceError;
use services::ideology_events::{EventRow, Events, approval_text};
use services::ledger::LedgerFormat;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer};
use crate::dues::{query, year_param};
use crate::error::ApiError;
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

/// The most events a page lists (a province's root may hold many more; the ledger has them all).
const PAGE_LINES: usize = 2_000;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/ideology-events", get(org_page).post(record))
        .route("/orgs/{id}/ideology-events/ledger.xlsx", get(ledger_xlsx))
        .route("/orgs/{id}/ideology-events/ledger.pdf", get(ledger_pdf))
}

pub fn api_routes() -> Routes {
    Routes::new().route("/orgs/{id}/ideology-events", get(api_events).post(api_record))
}

#[derive(Template)]
#[template(path = "ideology_events.html")]
struct OrgPage {
    nav: crate::ui::Nav,
    e: Events,
    /// (date, org, kind, title, place, speaker, responsible, approval) and whether sensitive.
    lines: Vec<([String; 8], bool)>,
    more: usize,
    sensitive_days: String,
    fields: Vec<Field>,
    error: String,
}

/// The sensitive days as ranges: "6月1日至6月5日、10月1日".
fn days_text(days: &[chrono::NaiveDate]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let mut j = i;
        while j + 1 < days.len() && days[j].succ_opt() == Some(days[j + 1]) {
            j += 1;
        }
        let md = |d: chrono::NaiveDate| format!("{}月{}日", chrono::Datelike::month(&d), chrono::Datelike::day(&d));
        out.push(if i == j { md(days[i]) } else { format!("{}至{}", md(days[i]), md(days[j])) });
        i = j + 1;
    }
    out.join("、")
}

#[allow(clippy::too_many_arguments)]
async fn page_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    year: i32,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let e = state.services.ideology_events(&v.actor, id, year).await?;
    let more = e.events.len().saturating_sub(PAGE_LINES);
    let lines = e
        .events
        .iter()
        .take(PAGE_LINES)
        .map(|x| {
            (
                [
                    format_cn(x.held_on),
                    x.org_name.clone(),
                    x.kind.label().to_string(),
                    x.title.clone(),
                    x.place.clone(),
                    x.speaker.clone(),
                    x.responsible.clone(),
                    approval_text(x),
                ],
                x.sensitive,
            )
        })
        .collect();
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let er = &errors;
    let kinds = PositionKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect();
    let fields = vec![
        Field::select("kind", "类别", &g("kind"), kinds, Some("请选择"), er).required(),
        Field::text("title", "活动名称", &g("title"), er).required().hint("如 “七一”形势政策报告会"),
        Field::text("held_on", "举办日期", &g("held_on"), er).kind("date").required(),
        Field::text("place", "地点或平台", &g("place"), er).required(),
        Field::text("speaker", "主讲人或发布人", &g("speaker"), er),
        Field::text("responsible", "主办单位和责任人", &g("responsible"), er).required(),
        Field::text("approved_by", "审批单位或审批人", &g("approved_by"), er).hint("敏感时间节点的活动必填"),
        Field::text("approved_on", "审批日期", &g("approved_on"), er).kind("date").hint("不晚于举办日期"),
        Field::text("note", "备注", &g("note"), er),
    ];
    let sensitive_days = days_text(&e.sensitive_days);
    let page = OrgPage { nav: nav(v), e, lines, more, sensitive_days, fields, error: crate::ui::summary_of(er) };
    render_status(status, &page)
}

async fn org_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let year = year_param(&query(q), state.services.today());
    page_view(&state, &v, id, year, &HashMap::new(), FieldErrors::new(), StatusCode::OK).await
}

fn input(f: &HashMap<String, String>) -> EventInput {
    EventInput {
        kind: get_s(f, "kind"),
        title: get_s(f, "title"),
        held_on: get_s(f, "held_on"),
        place: get_s(f, "place"),
        speaker: get_s(f, "speaker"),
        responsible: get_s(f, "responsible"),
        approved_by: get_s(f, "approved_by"),
        approved_on: get_s(f, "approved_on"),
        note: get_s(f, "note"),
    }
}

async fn record(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let ev = input(&f.fields);
    match state.services.record_ideology_event(&f.viewer.actor, id, &ev).await {
        Ok(_) => {
            let year = ev
                .held_on()
                .map_or_else(|| chrono::Datelike::year(&state.services.today()), |d| chrono::Datelike::year(&d));
            see_other(&format!("/orgs/{id}/ideology-events?year={year}"))
        }
        Err(ServiceError::Invalid(e)) => {
            let year = chrono::Datelike::year(&state.services.today());
            page_view(&state, &f.viewer, id, year, &f.fields, e, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn export(
    state: &AppState,
    v: &Viewer,
    id: &str,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    format: LedgerFormat,
) -> PageResult {
    let id = id_param(id)?;
    let year = year_param(&query(q), state.services.today());
    crate::dues_branch::file_response(state.services.ideology_events_ledger_file(&v.actor, id, year, format).await?)
}

async fn ledger_xlsx(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    export(&state, &v, &id, q, LedgerFormat::Xlsx).await
}

async fn ledger_pdf(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    export(&state, &v, &id, q, LedgerFormat::Pdf).await
}

/// An event on the ideological front (报告会、研讨会、讲座、论坛等, IDEOLOGY-RESP).
#[derive(Serialize, ToSchema)]
pub(crate) struct IdeologyEventOut {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub kind: PositionKind,
    pub title: String,
    pub held_on: chrono::NaiveDate,
    pub place: String,
    pub speaker: String,
    pub responsible: String,
    pub approved_by: Option<String>,
    pub approved_on: Option<chrono::NaiveDate>,
    /// Whether its day was one the committee marked as sensitive when it was recorded.
    pub sensitive: bool,
    pub note: String,
}

impl From<&EventRow> for IdeologyEventOut {
    fn from(r: &EventRow) -> Self {
        Self {
            id: r.id,
            org_id: r.org_id,
            org_name: r.org_name.clone(),
            kind: r.kind,
            title: r.title.clone(),
            held_on: r.held_on,
            place: r.place.clone(),
            speaker: r.speaker.clone(),
            responsible: r.responsible.clone(),
            approved_by: r.approved_by.clone(),
            approved_on: r.approved_on,
            sensitive: r.sensitive,
            note: r.note.clone(),
        }
    }
}

/// An org subtree's events of a year, with the year's sensitive days.
#[derive(Serialize, ToSchema)]
pub(crate) struct IdeologyEventList {
    pub org_id: i64,
    pub year: i32,
    pub sensitive_days: Vec<chrono::NaiveDate>,
    pub events: Vec<IdeologyEventOut>,
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn api_events(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&state.services.today()));
    if !(1949..=9999).contains(&year) {
        return Err(ApiError::BadRequest("year 应为 1949 到 9999".into()));
    }
    let e = state.services.ideology_events(&v.actor, id, year).await?;
    ok(IdeologyEventList {
        org_id: id,
        year,
        sensitive_days: e.sensitive_days.clone(),
        events: e.events.iter().map(IdeologyEventOut::from).collect(),
    })
}

async fn api_record(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<EventInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_ideology_event(&v.actor, id, &b).await? })
}
