//! 三重一大 (SANZHONG-YIDA): an org's register of matters decided collectively, the form to record
//! one against the committee meeting that decided it, one matter, and the ledger; as pages and in
//! the API.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use domain::FieldErrors;
use domain::dates::format_cn;
use domain::major_decision::Category;
use serde::{Deserialize, Serialize};
use services::ServiceError;
use services::ledger::LedgerFormat;
use services::major_decisions::{DecisionMeeting, MajorDecisionForm, MajorDecisionView, Register};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer};
use crate::dues::{query, year_param};
use crate::error::ApiError;
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/major-decisions", get(org_page))
        .route("/orgs/{id}/major-decisions/new", get(new_page).post(record))
        .route("/orgs/{id}/major-decisions/ledger.xlsx", get(ledger_xlsx))
        .route("/orgs/{id}/major-decisions/ledger.pdf", get(ledger_pdf))
        .route("/major-decisions/{id}", get(decision_page))
}

pub fn api_routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/major-decisions", get(api_register).post(api_record))
        .route("/major-decisions/{id}", get(api_decision))
}

/// "3000.00元（大额）" for a sum, empty without one.
fn sum_text(d: &MajorDecisionView) -> String {
    match (d.row.amount, d.large) {
        (Some(a), Some(true)) => format!("{}元（大额）", a.to_yuan()),
        (Some(a), _) => format!("{}元", a.to_yuan()),
        (None, _) => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// The register
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "major_decisions.html")]
struct OrgPage {
    nav: crate::ui::Nav,
    register: Register,
    /// (id, date, org, category, title, sum, votes, recused, result).
    lines: Vec<[String; 9]>,
    large_sum: String,
}

async fn org_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let year = year_param(&query(q), state.services.today());
    let register = state.services.major_decisions(&v.actor, id, year).await?;
    let lines = register
        .decisions
        .iter()
        .map(|d| {
            let r = &d.row;
            [
                r.id.to_string(),
                format_cn(r.decided_on),
                r.org_name.clone(),
                d.category_label.to_string(),
                r.title.clone(),
                sum_text(d),
                format!("{}/{}/{}", r.yes, r.no, r.abstain),
                r.recused_names.clone(),
                if r.passed { "通过" } else { "未通过" }.to_string(),
            ]
        })
        .collect();
    let large_sum = register.large_sum.map(|f| format!("{}元", f.to_yuan())).unwrap_or_default();
    render_status(StatusCode::OK, &OrgPage { nav: nav(&v), register, lines, large_sum })
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
    crate::dues_branch::file_response(state.services.major_decision_ledger_file(&v.actor, id, year, format).await?)
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

// ---------------------------------------------------------------------------------------------
// Recording a matter
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "major_decision_form.html")]
struct FormPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    year: i32,
    fields: Vec<Field>,
    /// Committee members present at the year's meetings: (id, name, checked).
    recusable: Vec<(i64, String, bool)>,
    recused_error: String,
    has_meetings: bool,
    error: String,
}

fn meeting_label(m: &DecisionMeeting) -> String {
    format!("{} {}（出席委员{}人）", format_cn(m.held_on), m.topic, m.present.len())
}

async fn form_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    year: i32,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let register = state.services.major_decisions(&v.actor, id, year).await?;
    if !register.can_record {
        return Err(ServiceError::Forbidden.into());
    }
    let meetings = state.services.decision_meetings(&v.actor, id, year).await?;
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let e = &errors;
    let categories = Category::ALL.iter().map(|c| (c.as_str().to_owned(), c.label().to_owned())).collect();
    let meeting_choices = meetings.iter().map(|m| (m.id.to_string(), meeting_label(m))).collect();
    let fields = vec![
        Field::select("category", "事项类别", &g("category"), categories, Some("请选择"), e).required(),
        Field::text("title", "事项名称", &g("title"), e).required(),
        Field::text("amount", "金额（元）", &g("amount"), e)
            .hint("重大项目安排、大额资金使用填写，如 50000.00")
            .kind("text"),
        Field::select("meeting_id", "决策会议", &g("meeting_id"), meeting_choices, Some("请选择委员会会议"), e)
            .required()
            .hint("须经委员会会议集体讨论决定，且到会委员达到半数（SANZHONG-YIDA）"),
        Field::text("yes", "赞成票", &g("yes"), e).kind("number").required(),
        Field::text("no", "反对票", &g("no"), e).kind("number"),
        Field::text("abstain", "弃权票", &g("abstain"), e).kind("number"),
        Field::text("note", "备注", &g("note"), e).kind("textarea").hint("决定的内容、条件等"),
    ];
    let mut recusable: Vec<(i64, String, bool)> = Vec::new();
    for (mid, name) in meetings.iter().flat_map(|m| m.present.iter()) {
        if !recusable.iter().any(|(id, _, _)| id == mid) {
            recusable.push((*mid, name.clone(), values.get(&format!("recused_{mid}")).is_some_and(|v| v == "1")));
        }
    }
    let page = FormPage {
        nav: nav(v),
        org_id: id,
        org_name: register.org_name,
        year,
        fields,
        recusable,
        recused_error: e.get("recused").unwrap_or_default().to_string(),
        has_meetings: !meetings.is_empty(),
        error: crate::ui::summary_of(e),
    };
    render_status(status, &page)
}

async fn new_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let q = query(q);
    let year = year_param(&q, state.services.today());
    let mut values = HashMap::new();
    if let Some(m) = q.get("meeting") {
        values.insert("meeting_id".to_string(), m.clone());
    }
    form_view(&state, &v, id, year, &values, FieldErrors::new(), StatusCode::OK).await
}

/// A count typed on the form: empty is 0; anything else that is not a count is a field error.
fn count(f: &HashMap<String, String>, k: &str, e: &mut FieldErrors) -> u32 {
    match f.get(k).map(|s| s.trim()).unwrap_or_default() {
        "" => 0,
        s => s.parse().unwrap_or_else(|_| {
            e.add(k, "请填写人数（0或正整数）");
            0
        }),
    }
}

fn decision_form(f: &HashMap<String, String>, e: &mut FieldErrors) -> MajorDecisionForm {
    let meeting_id = match get_s(f, "meeting_id").trim() {
        "" => None,
        s => match s.parse() {
            Ok(id) => Some(id),
            Err(_) => {
                e.add("meeting_id", "请选择委员会会议");
                None
            }
        },
    };
    MajorDecisionForm {
        category: get_s(f, "category"),
        title: get_s(f, "title"),
        amount: get_s(f, "amount"),
        meeting_id,
        yes: count(f, "yes", e),
        no: count(f, "no", e),
        abstain: count(f, "abstain", e),
        recused: f
            .iter()
            .filter(|(_, v)| v.as_str() == "1")
            .filter_map(|(k, _)| k.strip_prefix("recused_").and_then(|m| m.parse().ok()))
            .collect(),
        note: get_s(f, "note"),
    }
}

async fn record(
    State(state): State<AppState>,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    f: CheckedForm,
) -> PageResult {
    let id = id_param(&id)?;
    let year = year_param(&query(q), state.services.today());
    let mut typed = FieldErrors::new();
    let form = decision_form(&f.fields, &mut typed);
    let outcome = if typed.is_empty() {
        state.services.record_major_decision(&f.viewer.actor, id, &form).await
    } else {
        Err(ServiceError::Invalid(typed))
    };
    match outcome {
        Ok(decision) => see_other(&format!("/major-decisions/{decision}")),
        Err(ServiceError::Invalid(e)) => {
            form_view(&state, &f.viewer, id, year, &f.fields, e, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// A matter
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "major_decision.html")]
struct DecisionPage {
    nav: crate::ui::Nav,
    d: MajorDecisionView,
    date: String,
    sum: String,
}

async fn decision_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    let d = state.services.major_decision(&v.actor, id).await?;
    let date = format_cn(d.row.decided_on);
    let sum = sum_text(&d);
    render_status(StatusCode::OK, &DecisionPage { nav: nav(&v), d, date, sum })
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

/// A 三重一大 matter (SANZHONG-YIDA).
#[derive(Serialize, ToSchema)]
pub(crate) struct MajorDecisionOut {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    /// The committee meeting that decided it.
    pub meeting_id: i64,
    pub decided_on: chrono::NaiveDate,
    pub category: Category,
    pub title: String,
    /// Yuan with two decimals, for a project or a use of funds.
    pub amount: Option<String>,
    /// Whether the sum reaches the committee's large-sum threshold (every sum when none is set).
    pub large: Option<bool>,
    /// Committee members who should take part (expected less those who stepped aside).
    pub voters: i64,
    pub yes: i64,
    pub no: i64,
    pub abstain: i64,
    pub passed: bool,
    /// Names of those who stepped aside (回避), joined by "、".
    pub recused: String,
    pub note: String,
}

impl From<&MajorDecisionView> for MajorDecisionOut {
    fn from(d: &MajorDecisionView) -> Self {
        let r = &d.row;
        Self {
            id: r.id,
            org_id: r.org_id,
            org_name: r.org_name.clone(),
            meeting_id: r.meeting_id,
            decided_on: r.decided_on,
            category: r.category,
            title: r.title.clone(),
            amount: r.amount.map(|a| a.to_yuan()),
            large: d.large,
            voters: r.voters,
            yes: r.yes,
            no: r.no,
            abstain: r.abstain,
            passed: r.passed,
            recused: r.recused_names.clone(),
            note: r.note.clone(),
        }
    }
}

/// An org subtree's 三重一大 register for a year.
#[derive(Serialize, ToSchema)]
pub(crate) struct MajorDecisionRegister {
    pub org_id: i64,
    pub year: i32,
    /// The large-sum threshold in force, yuan; none when the committee has not set one.
    pub large_sum: Option<String>,
    pub decisions: Vec<MajorDecisionOut>,
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn api_register(
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
    let r = state.services.major_decisions(&v.actor, id, year).await?;
    ok(MajorDecisionRegister {
        org_id: id,
        year,
        large_sum: r.large_sum.map(|f| f.to_yuan()),
        decisions: r.decisions.iter().map(MajorDecisionOut::from).collect(),
    })
}

async fn api_record(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<MajorDecisionForm>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_major_decision(&v.actor, id, &b).await? })
}

async fn api_decision(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    ok(MajorDecisionOut::from(&state.services.major_decision(&v.actor, id).await?))
}
