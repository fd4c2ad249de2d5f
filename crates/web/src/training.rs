//! Study and training (学习培训): an org's training classes and hours register, the form to record
//! a class, a class with who completed it, a member's hours and where they came from, and the
//! import of hours from an outside platform; as pages and in the API.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::FieldErrors;
use domain::dates::format_cn;
use domain::family::study::{ClassInput, TrainingKind};
use serde::{Deserialize, Serialize};
use services::ServiceError;
use services::ledger::LedgerFormat;
use services::training::{ClassForm, HoursRegister, MemberHours};
use services::training_import::HoursImport;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, done, id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer};
use crate::dues::{query, year_param};
use crate::error::{ApiError, PageError};
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

use crate::roster::BODY_LIMIT;

/// The register lines a page lists; the ledger has them all.
const PAGE_LINES: i64 = 300;

/// The register lines an API page carries.
const API_PAGE: i64 = 1_000;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/training", get(org_page))
        .route("/orgs/{id}/training/new", get(new_page).post(record))
        .route("/orgs/{id}/training/ledger.xlsx", get(ledger_xlsx))
        .route("/orgs/{id}/training/ledger.pdf", get(ledger_pdf))
        .route(
            "/orgs/{id}/training/import",
            get(import_page).post(import_upload).layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .route("/training/{id}", get(class_page).post(completions))
        .route("/members/{id}/hours", get(member_page).post(member_import))
}

pub fn api_routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/training/classes", get(api_classes).post(api_record))
        .route("/orgs/{id}/training/hours", get(api_register))
        .route("/orgs/{id}/training/import", post(api_import).layer(DefaultBodyLimit::max(BODY_LIMIT)))
        .route("/training/classes/{id}", get(api_class))
        .route("/training/classes/{id}/completions", post(api_completions))
        .route("/members/{id}/hours", get(api_member).post(api_member_import))
}

// ---------------------------------------------------------------------------------------------
// An org's classes and register
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "training.html")]
struct OrgPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    year: i32,
    can_record: bool,
    /// (id, title, kind, organiser, dates, hours, enrolled, completed).
    classes: Vec<[String; 8]>,
    register: HoursRegister,
    shown: usize,
}

async fn org_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let year = year_param(&query(q), state.services.today());
    let list = state.services.training_classes(&v.actor, id, year).await?;
    let register = state.services.hours_register(&v.actor, id, year, PAGE_LINES, 0).await?;
    let shown = register.lines.len();
    let classes = list
        .classes
        .iter()
        .map(|c| {
            [
                c.id.to_string(),
                c.title.clone(),
                c.kind.label().to_string(),
                c.organiser.clone(),
                format!("{}—{}", format_cn(c.starts_on), format_cn(c.ends_on)),
                c.hours.to_string(),
                c.enrolled.to_string(),
                c.completed.to_string(),
            ]
        })
        .collect();
    let page = OrgPage {
        nav: nav(&v),
        org_id: id,
        org_name: list.org_name,
        year,
        can_record: list.can_record,
        classes,
        register,
        shown,
    };
    render_status(StatusCode::OK, &page)
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
    crate::dues_branch::file_response(state.services.training_ledger_file(&v.actor, id, year, format).await?)
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
// Recording a class
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "training_form.html")]
struct FormPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    fields: Vec<Field>,
    error: String,
}

async fn form_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let today = state.services.today();
    let list = state.services.training_classes(&v.actor, id, chrono::Datelike::year(&today)).await?;
    if !list.can_record {
        return Err(ServiceError::Forbidden.into());
    }
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let e = &errors;
    let kinds = TrainingKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect();
    let yes_no = vec![("".to_owned(), "否".to_owned()), ("on".to_owned(), "是".to_owned())];
    let fields = vec![
        Field::select("kind", "培训班类别", &g("kind"), kinds, Some("请选择"), e).required(),
        Field::text("title", "培训班名称", &g("title"), e).required(),
        Field::text("organiser", "主办单位", &g("organiser"), e).required().hint("如 县委党校、县委教育工委"),
        Field::text("starts_on", "开始日期", &g("starts_on"), e).kind("date").required(),
        Field::text("ends_on", "结束日期", &g("ends_on"), e).kind("date").required(),
        Field::text("hours", "学时", &g("hours"), e).required().hint("整个培训班的学时，如 24 或 31.5"),
        Field::select("concentrated", "集中培训", &g("concentrated"), yes_no, None, e)
            .hint("书记和委员每年至少参加1次集中培训（EDU-SEC-HOURS，党委启用时）"),
        Field::text("place", "培训地点", &g("place"), e),
        Field::text("people", "参训人员", &g("people"), e)
            .kind("textarea")
            .required()
            .hint("每行一人，填姓名；同名的填身份证号"),
        Field::text("not_completed", "未结业人员", &g("not_completed"), e)
            .kind("textarea")
            .hint("每行一人；其余参训人员均视为结业，计入学时"),
    ];
    let page = FormPage { nav: nav(v), org_id: id, org_name: list.org_name, fields, error: crate::ui::summary_of(e) };
    render_status(status, &page)
}

async fn new_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    form_view(&state, &v, id, &HashMap::new(), FieldErrors::new(), StatusCode::OK).await
}

fn class_form(f: &HashMap<String, String>) -> ClassForm {
    ClassForm {
        class: ClassInput {
            kind: get_s(f, "kind"),
            title: get_s(f, "title"),
            organiser: get_s(f, "organiser"),
            starts_on: get_s(f, "starts_on"),
            ends_on: get_s(f, "ends_on"),
            hours: get_s(f, "hours"),
            concentrated: get_s(f, "concentrated"),
            place: get_s(f, "place"),
        },
        people: get_s(f, "people"),
        not_completed: get_s(f, "not_completed"),
    }
}

async fn record(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    match state.services.record_training_class(&f.viewer.actor, id, &class_form(&f.fields)).await {
        Ok(class_id) => see_other(&format!("/training/{class_id}")),
        Err(ServiceError::Invalid(e)) => form_view(&state, &f.viewer, id, &f.fields, e, StatusCode::BAD_REQUEST).await,
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// A class
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "training_class.html")]
struct ClassPageView {
    nav: crate::ui::Nav,
    page: services::training::ClassPage,
    dates: String,
    saved: bool,
}

async fn class_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let saved = query(q).contains_key("saved");
    let page = state.services.training_class(&v.actor, id).await?;
    let dates = format!("{}—{}", format_cn(page.class.starts_on), format_cn(page.class.ends_on));
    render_status(StatusCode::OK, &ClassPageView { nav: nav(&v), page, dates, saved })
}

async fn completions(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let completed: Vec<i64> = f
        .fields
        .iter()
        .filter(|(_, v)| v.as_str() == "1")
        .filter_map(|(k, _)| k.strip_prefix("done_").and_then(|m| m.parse().ok()))
        .collect();
    state.services.set_class_completions(&f.viewer.actor, id, &completed).await?;
    see_other(&format!("/training/{id}?saved=1"))
}

// ---------------------------------------------------------------------------------------------
// A member's hours
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "member_hours.html")]
struct MemberPage {
    nav: crate::ui::Nav,
    h: MemberHours,
    /// (date, where from, title, hours, link).
    sources: Vec<[String; 5]>,
    can_record: bool,
    fields: Vec<Field>,
    error: String,
}

async fn member_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    year: i32,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let h = state.services.member_hours(&v.actor, id, year).await?;
    let can_record = h.can_record;
    let sources = h
        .sources
        .iter()
        .map(|s| {
            let (from, link) = match s.source.as_str() {
                "class" => ("培训班", format!("/training/{}", s.id)),
                "meeting" => ("党课及学习", format!("/meetings/{}", s.id)),
                _ => ("外部平台", String::new()),
            };
            let title = if s.concentrated { format!("{}（集中培训）", s.title) } else { s.title.clone() };
            [format_cn(s.on_date), from.to_string(), title, s.hours.to_string(), link]
        })
        .collect();
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let e = &errors;
    let fields = vec![
        Field::text("source", "来源平台", &g("source"), e)
            .required()
            .hint("如 党员教育平台；同一平台同一年度再次登记将替换"),
        Field::text("hours", "年度学时", &g("hours"), e).required().hint("平台统计的该年度学时合计"),
    ];
    let error = crate::ui::summary_of(e);
    render_status(status, &MemberPage { nav: nav(v), h, sources, can_record, fields, error })
}

async fn member_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let year = year_param(&query(q), state.services.today());
    member_view(&state, &v, id, year, &HashMap::new(), FieldErrors::new(), StatusCode::OK).await
}

async fn member_import(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let year = year_param(&f.fields, state.services.today());
    let (source, hours) = (get_s(&f.fields, "source"), get_s(&f.fields, "hours"));
    match state.services.import_training_hours(&f.viewer.actor, id, year, &source, &hours).await {
        Ok(()) => see_other(&format!("/members/{id}/hours?year={year}")),
        Err(ServiceError::Invalid(e)) => {
            member_view(&state, &f.viewer, id, year, &f.fields, e, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Importing a platform's hours
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "training_import.html")]
struct ImportPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    year: i32,
    source: String,
    error: String,
    /// rows, imported, dry run.
    done: Option<(usize, usize, bool)>,
    issues: Vec<(usize, String, String)>,
}

struct ImportState {
    year: i32,
    source: String,
    error: String,
    result: Option<(HoursImport, bool)>,
}

async fn import_view(state: &AppState, v: &Viewer, id: i64, s: ImportState) -> PageResult {
    let list = state.services.training_classes(&v.actor, id, s.year).await?;
    if !list.can_record {
        return Err(ServiceError::Forbidden.into());
    }
    let refused = !s.error.is_empty() || s.result.as_ref().is_some_and(|(r, _)| !r.issues.is_empty());
    let status = if refused { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let (done, issues) = match s.result {
        Some((r, dry)) => (Some((r.rows, r.imported, dry)), r.issues),
        None => (None, Vec::new()),
    };
    let page = ImportPage {
        nav: nav(v),
        org_id: id,
        org_name: list.org_name,
        year: s.year,
        source: s.source,
        error: s.error,
        done,
        issues,
    };
    render_status(status, &page)
}

async fn import_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let year = year_param(&query(q), state.services.today());
    import_view(&state, &v, id, ImportState { year, source: String::new(), error: String::new(), result: None }).await
}

async fn import_upload(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let id = id_param(&id)?;
    let today = state.services.today();
    let (bytes, fields) = match crate::roster::sheet_upload_fields(&v, m).await? {
        Ok(x) => x,
        Err(error) => {
            let s = ImportState { year: chrono::Datelike::year(&today), source: String::new(), error, result: None };
            return import_view(&state, &v, id, s).await;
        }
    };
    let year = year_param(&fields, today);
    let source = get_s(&fields, "source");
    let dry = fields.get("dry_run").is_some_and(|x| x == "1");
    let mut s = ImportState { year, source: source.clone(), error: String::new(), result: None };
    match state.services.import_training_hours_file(&v.actor, id, year, &source, &bytes, dry).await {
        Ok(r) => s.result = Some((r, dry)),
        Err(ServiceError::Invalid(e)) => s.error = e.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"),
        Err(e) => return Err(e.into()),
    }
    import_view(&state, &v, id, s).await
}

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

/// A training class in the API.
#[derive(Serialize, ToSchema)]
pub(crate) struct TrainingClass {
    pub id: i64,
    pub org_id: i64,
    /// party_school, secretary, party_worker, rotation, activist, other.
    pub kind: String,
    pub title: String,
    pub organiser: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    /// Class hours, "24" or "31.5".
    pub hours: String,
    pub concentrated: bool,
    pub place: String,
    pub enrolled: i64,
    pub completed: i64,
}

impl From<&services::training::ClassRow> for TrainingClass {
    fn from(c: &services::training::ClassRow) -> Self {
        TrainingClass {
            id: c.id,
            org_id: c.org_id,
            kind: c.kind.as_str().to_string(),
            title: c.title.clone(),
            organiser: c.organiser.clone(),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            hours: c.hours.to_string(),
            concentrated: c.concentrated,
            place: c.place.clone(),
            enrolled: c.enrolled,
            completed: c.completed,
        }
    }
}

/// An org's classes of a year (those recorded in its subtree that ended in the year).
#[derive(Serialize, ToSchema)]
pub(crate) struct TrainingClasses {
    pub org_id: i64,
    pub year: i32,
    pub classes: Vec<TrainingClass>,
}

/// A class with the people enrolled.
#[derive(Serialize, ToSchema)]
pub(crate) struct TrainingClassDetail {
    pub class: TrainingClass,
    pub enrolments: Vec<Enrolment>,
}

/// One person enrolled in a class.
#[derive(Serialize, ToSchema)]
pub(crate) struct Enrolment {
    pub member_id: i64,
    pub name: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub completed: bool,
}

/// Who completed a class: member ids among its enrolments; the others did not.
#[derive(Deserialize, ToSchema)]
pub(crate) struct Completions {
    pub completed: Vec<i64>,
}

/// One source of a member's hours.
#[derive(Serialize, ToSchema)]
pub(crate) struct HoursSourceOut {
    /// class, meeting or imported.
    pub source: String,
    /// The class or meeting id (0 for an imported total).
    pub id: i64,
    pub on_date: chrono::NaiveDate,
    pub title: String,
    pub hours: String,
    pub concentrated: bool,
}

/// A member's class hours of a year (EDU-TRAIN-HOURS).
#[derive(Serialize, ToSchema)]
pub(crate) struct MemberHoursOut {
    pub member_id: i64,
    pub year: i32,
    pub classes: String,
    pub meetings: String,
    pub imported: String,
    pub total: String,
    pub concentrated: u32,
    /// The target in force for the member's branch.
    pub target: String,
    pub reached: bool,
    pub sources: Vec<HoursSourceOut>,
}

/// An imported total for one member.
#[derive(Deserialize, ToSchema)]
pub(crate) struct HoursTotalIn {
    pub year: i32,
    /// The platform's name.
    pub source: String,
    /// "32" or "31.5".
    pub hours: String,
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
    page: Option<i64>,
}

fn year_of(q: Result<Query<YearQuery>, QueryRejection>, state: &AppState) -> Result<(i32, i64), ApiError> {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let page = q.page.unwrap_or(1);
    if !(1..=1_000_000).contains(&page) {
        return Err(ApiError::BadRequest("page 应为 1 到 1000000".into()));
    }
    Ok((q.year.unwrap_or_else(|| chrono::Datelike::year(&state.services.today())), page))
}

async fn api_classes(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let (year, _) = year_of(q, &state)?;
    let list = state.services.training_classes(&v.actor, id, year).await?;
    ok(TrainingClasses { org_id: id, year, classes: list.classes.iter().map(TrainingClass::from).collect() })
}

async fn api_record(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ClassForm>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_training_class(&v.actor, id, &b).await? })
}

async fn api_class(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let p = state.services.training_class(&v.actor, id).await?;
    ok(TrainingClassDetail {
        class: TrainingClass::from(&p.class),
        enrolments: p
            .enrolments
            .into_iter()
            .map(|e| Enrolment {
                member_id: e.member_id,
                name: e.name,
                branch_id: e.branch_id,
                branch_name: e.branch_name,
                completed: e.completed,
            })
            .collect(),
    })
}

async fn api_completions(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<Completions>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.set_class_completions(&v.actor, id, &b.completed).await?;
    done()
}

async fn api_member(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let (year, _) = year_of(q, &state)?;
    let h = state.services.member_hours(&v.actor, id, year).await?;
    ok(MemberHoursOut {
        member_id: h.member_id,
        year: h.year,
        classes: h.hours.classes.to_string(),
        meetings: h.hours.meetings.to_string(),
        imported: h.hours.imported.to_string(),
        total: h.total,
        concentrated: h.hours.concentrated,
        target: h.target,
        reached: h.reached,
        sources: h
            .sources
            .into_iter()
            .map(|s| HoursSourceOut {
                source: s.source,
                id: s.id,
                on_date: s.on_date,
                title: s.title,
                hours: s.hours.to_string(),
                concentrated: s.concentrated,
            })
            .collect(),
    })
}

async fn api_member_import(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<HoursTotalIn>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.import_training_hours(&v.actor, id, b.year, &b.source, &b.hours).await?;
    done()
}

/// One member's line of the hours register.
#[derive(Serialize, ToSchema)]
pub(crate) struct RegisterLine {
    pub member_id: i64,
    pub name: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub classes: String,
    pub meetings: String,
    pub imported: String,
    pub total: String,
    pub concentrated: u32,
    pub reached: bool,
}

/// The hours register of an org's subtree: the counts, and a page of 1,000 members.
#[derive(Serialize, ToSchema)]
pub(crate) struct Register {
    pub org_id: i64,
    pub year: i32,
    pub target: String,
    pub members: usize,
    pub reached: usize,
    /// The page of `lines`, from 1.
    pub page: i64,
    pub lines: Vec<RegisterLine>,
}

async fn api_register(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let (year, page) = year_of(q, &state)?;
    let r = state.services.hours_register(&v.actor, id, year, API_PAGE, (page - 1) * API_PAGE).await?;
    ok(Register {
        org_id: r.org_id,
        year: r.year,
        target: r.target,
        members: r.members,
        reached: r.reached,
        page,
        lines: r
            .lines
            .into_iter()
            .map(|l| RegisterLine {
                member_id: l.member_id,
                name: l.name,
                branch_id: l.branch_id,
                branch_name: l.branch_name,
                classes: l.classes,
                meetings: l.meetings,
                imported: l.imported,
                total: l.total,
                concentrated: l.concentrated,
                reached: l.reached,
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct ImportQuery {
    year: i32,
    source: String,
    #[serde(default)]
    dry_run: bool,
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
    let r = state.services.import_training_hours_file(&v.actor, id, q.year, &q.source, &bytes, q.dry_run).await?;
    let report = HoursImportResult {
        rows: r.rows,
        imported: r.imported,
        issues: r
            .issues
            .iter()
            .map(|(row, col, msg)| HoursImportIssue { row_number: *row, column: col.clone(), message: msg.clone() })
            .collect(),
    };
    if !report.issues.is_empty() {
        let body = HoursImportRefused { error: crate::roster::file_refused(report.issues.len()), report };
        return Ok((StatusCode::BAD_REQUEST, Json(body)).into_response());
    }
    ok(report)
}

/// One problem of an uploaded hours sheet.
#[derive(Serialize, ToSchema)]
pub(crate) struct HoursImportIssue {
    pub row_number: usize,
    /// The column's header, empty for a problem of the whole row or file.
    pub column: String,
    pub message: String,
}

/// What an hours import read and wrote.
#[derive(Serialize, ToSchema)]
pub(crate) struct HoursImportResult {
    pub rows: usize,
    /// Totals written (0 for a dry run).
    pub imported: usize,
    pub issues: Vec<HoursImportIssue>,
}

/// An hours sheet refused: nothing was imported; every problem by row and column.
#[derive(Serialize, ToSchema)]
pub(crate) struct HoursImportRefused {
    pub error: crate::error::ErrorDetail,
    pub report: HoursImportResult,
}
