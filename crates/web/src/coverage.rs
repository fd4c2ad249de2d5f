//! Coverage of every unit (COVER-PRIVATE): a subtree's coverage by unit type and ownership with
//! the uncovered units, the form to register a unit, the unit list's import and template, the
//! coverage register as .xlsx and PDF; and one unit's page with its orgs, party-building
//! instructors (党建指导员), charter and yearly inspections. The API is in `api_coverage`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use domain::FieldErrors;
use domain::dates::{Iso, format_cn, parse_date};
use domain::unit::{InspectionInput, Ownership, UnitInput, UnitType, level_label};
use services::ServiceError;
use services::coverage::{Coverage, UnitDetail, UnitView};
use services::coverage_import::UnitImport;
use services::ledger::LedgerFormat;

use crate::AppState;
use crate::auth::{PageViewer, Viewer};
use crate::dues::query;
use crate::error::PageError;
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

/// The most units a page lists (the register has them all).
const PAGE_LINES: usize = 2_000;
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/coverage", get(coverage_page))
        .route("/orgs/{id}/coverage/ledger.xlsx", get(ledger_xlsx))
        .route("/orgs/{id}/coverage/ledger.pdf", get(ledger_pdf))
        .route("/orgs/{id}/units", post(record))
        .route(
            "/orgs/{id}/units/import",
            get(import_page).post(import_upload).layer(DefaultBodyLimit::max(crate::roster::BODY_LIMIT)),
        )
        .route("/units/template.xlsx", get(template))
        .route("/units/{id}", get(unit_page).post(update))
        .route("/units/{id}/links", post(link))
        .route("/units/{id}/instructors", post(add_instructor))
        .route("/units/{id}/instructors/{instructor}/end", post(end_instructor))
        .route("/units/{id}/inspections", post(add_inspection))
}

/// How a unit is covered, in words ("未覆盖" when it is not).
pub(crate) fn ways_text(u: &UnitView) -> String {
    if u.ways.is_empty() {
        "未覆盖".into()
    } else {
        u.ways.iter().map(|w| w.label()).collect::<Vec<_>>().join("、")
    }
}

fn type_choices() -> Vec<(String, String)> {
    UnitType::ALL.iter().map(|t| (t.as_str().into(), t.label().into())).collect()
}

fn ownership_choices() -> Vec<(String, String)> {
    Ownership::ALL.iter().map(|t| (t.as_str().into(), t.label().into())).collect()
}

fn level_choices() -> Vec<(String, String)> {
    (1..=3u8).map(|l| (l.to_string(), level_label(Some(l)).to_string())).collect()
}

/// The registry fields of a unit, as the register and edit forms show them.
fn unit_fields(values: &HashMap<String, String>, er: &FieldErrors) -> Vec<Field> {
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    vec![
        Field::text("name", "单位名称", &g("name"), er).required().hint("与党员“工作单位”填写一致"),
        Field::select("unit_type", "单位类别", &g("unit_type"), type_choices(), Some("请选择"), er).required(),
        Field::select("ownership", "办学性质", &g("ownership"), ownership_choices(), Some("请选择"), er).required(),
        Field::text("supervisor", "主管部门", &g("supervisor"), er).hint("谁主管谁负责"),
        Field::select("level", "分级管理", &g("level"), level_choices(), Some("未分级"), er),
        Field::text("credit_code", "统一社会信用代码", &g("credit_code"), er),
        Field::text("charter_on", "党建工作写入章程日期", &g("charter_on"), er).kind("date").hint("未写入的不填"),
        Field::text("charter_doc", "章程文件", &g("charter_doc"), er).hint("章程名称或文号"),
        Field::text("note", "备注", &g("note"), er),
    ]
}

fn unit_input(f: &HashMap<String, String>) -> UnitInput {
    UnitInput {
        name: get_s(f, "name"),
        unit_type: get_s(f, "unit_type"),
        ownership: get_s(f, "ownership"),
        supervisor: get_s(f, "supervisor"),
        level: get_s(f, "level"),
        credit_code: get_s(f, "credit_code"),
        charter_on: get_s(f, "charter_on"),
        charter_doc: get_s(f, "charter_doc"),
        note: get_s(f, "note"),
    }
}

// ---------------------------------------------------------------------------------------------
// A subtree's coverage
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "coverage.html")]
struct CoveragePage {
    nav: crate::ui::Nav,
    c: Coverage,
    on: String,
    /// (类别, total, own org, joint branch, instructor, uncovered, charter).
    kinds: Vec<(String, [u32; 6], bool)>,
    /// (id, name, 类别, 主管部门, 分级, 覆盖方式, full members, charter, finding).
    lines: Vec<(i64, [String; 7], u32, String)>,
    more: usize,
    findings: usize,
    fields: Vec<Field>,
    error: String,
}

async fn coverage_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    on: Option<chrono::NaiveDate>,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let c = state.services.coverage(&v.actor, id, on).await?;
    let kinds = c
        .kinds
        .iter()
        .map(|k| {
            (
                format!("{}{}", k.ownership.label(), k.unit_type.label()),
                [k.total, k.own_org, k.joint_branch, k.instructor, k.uncovered, k.charter],
                k.uncovered > 0,
            )
        })
        .collect();
    // Units with a finding first, then the uncovered ones, then the rest by name.
    let mut order: Vec<&UnitView> = c.units.iter().collect();
    order.sort_by_key(|u| (u.finding.is_none(), !u.ways.is_empty(), u.row.name.clone()));
    let lines = order
        .iter()
        .take(PAGE_LINES)
        .map(|u| {
            let r = &u.row;
            (
                r.id,
                [
                    r.name.clone(),
                    format!("{}{}", r.ownership.label(), r.unit_type.label()),
                    r.supervisor.clone(),
                    level_label(r.level.and_then(|l| u8::try_from(l).ok())).to_string(),
                    ways_text(u),
                    r.charter_on.map(format_cn).unwrap_or_else(|| "未写入".into()),
                    r.committee_name.clone(),
                ],
                u.fact.full_members,
                u.finding.clone().unwrap_or_default(),
            )
        })
        .collect();
    let findings = c.units.iter().filter(|u| u.finding.is_some()).count();
    let more = c.units.len().saturating_sub(PAGE_LINES);
    let fields = unit_fields(values, &errors);
    let on = c.on.iso();
    let page = CoveragePage {
        nav: nav(v),
        c,
        on,
        kinds,
        lines,
        more,
        findings,
        fields,
        error: crate::ui::summary_of(&errors),
    };
    render_status(status, &page)
}

/// The `on` day of a query ("2026-12-01"); a day that does not read is a 400.
fn on_param(q: &HashMap<String, String>) -> Result<Option<chrono::NaiveDate>, PageError> {
    match q.get("on").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse_date(s).map(Some).map_err(|e| PageError::BadRequest(format!("日期“{s}”：{e}"))),
    }
}

async fn coverage_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let on = on_param(&query(q))?;
    coverage_view(&state, &v, id, on, &HashMap::new(), FieldErrors::new(), StatusCode::OK).await
}

async fn record(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    match state.services.record_unit(&f.viewer.actor, id, &unit_input(&f.fields)).await {
        Ok(unit) => see_other(&format!("/units/{unit}")),
        Err(ServiceError::Invalid(e)) => {
            coverage_view(&state, &f.viewer, id, None, &f.fields, e, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn export(state: &AppState, v: &Viewer, id: &str, format: LedgerFormat) -> PageResult {
    let id = id_param(id)?;
    crate::dues_branch::file_response(state.services.coverage_ledger_file(&v.actor, id, format).await?)
}

async fn ledger_xlsx(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    export(&state, &v, &id, LedgerFormat::Xlsx).await
}

async fn ledger_pdf(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    export(&state, &v, &id, LedgerFormat::Pdf).await
}

// ---------------------------------------------------------------------------------------------
// The unit list's import
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "unit_import.html")]
struct ImportPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    error: String,
    /// rows, added, updated, dry run.
    done: Option<(usize, usize, usize, bool)>,
    issues: Vec<(usize, String, String)>,
}

async fn import_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    error: String,
    result: Option<(UnitImport, bool)>,
) -> PageResult {
    let c = state.services.coverage(&v.actor, id, None).await?;
    if !c.can_record {
        return Err(ServiceError::Forbidden.into());
    }
    let refused = !error.is_empty() || result.as_ref().is_some_and(|(r, _)| !r.issues.is_empty());
    let status = if refused { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let (done, issues) = match result {
        Some((r, dry)) => (Some((r.rows, r.added, r.updated, dry)), r.issues),
        None => (None, Vec::new()),
    };
    render_status(status, &ImportPage { nav: nav(v), org_id: id, org_name: c.org_name, error, done, issues })
}

async fn import_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    import_view(&state, &v, id, String::new(), None).await
}

async fn import_upload(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let id = id_param(&id)?;
    let (bytes, fields) = match crate::roster::sheet_upload_fields(&v, m).await? {
        Ok(x) => x,
        Err(error) => return import_view(&state, &v, id, error, None).await,
    };
    let dry = fields.get("dry_run").is_some_and(|x| x == "1");
    let want_report = fields.get("report").is_some_and(|x| x == "1");
    match state.services.import_units_file(&v.actor, id, &bytes, dry).await {
        Ok(mut r) => {
            if want_report && let Some(report) = r.report.take() {
                return Ok(crate::roster::download(report, "单位名单导入错误报告.xlsx", XLSX));
            }
            import_view(&state, &v, id, String::new(), Some((r, dry))).await
        }
        Err(ServiceError::Invalid(e)) => {
            let error = e.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；");
            import_view(&state, &v, id, error, None).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn template(PageViewer(_v): PageViewer) -> Result<Response, PageError> {
    let bytes =
        reports::unit_sheet::template_xlsx().map_err(|e| PageError::Service(ServiceError::Internal(e.to_string())))?;
    Ok(crate::roster::download(bytes, "单位名单导入模板.xlsx", XLSX))
}

// ---------------------------------------------------------------------------------------------
// One unit
// ---------------------------------------------------------------------------------------------

/// An instructor as the page lists them: (id, member id, name, branch, from, to, serving).
type InstructorLine = (i64, i64, String, String, String, String, bool);

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    nav: crate::ui::Nav,
    d: UnitDetail,
    kind: String,
    level: String,
    ways: String,
    charter: String,
    /// (org id, name, how many units it serves, whether joint, closed).
    links: Vec<(i64, String, i64, bool, bool)>,
    instructors: Vec<InstructorLine>,
    /// (year, day, party building, document).
    inspections: Vec<(i64, String, bool, String)>,
    fields: Vec<Field>,
    link_fields: Vec<Field>,
    instructor_fields: Vec<Field>,
    inspection_fields: Vec<Field>,
    end_error: String,
    error: String,
}

async fn unit_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: Option<&HashMap<String, String>>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let d = state.services.unit_detail(&v.actor, id).await?;
    let r = &d.view.row;
    let current: HashMap<String, String> = [
        ("name", r.name.clone()),
        ("unit_type", r.unit_type.as_str().to_string()),
        ("ownership", r.ownership.as_str().to_string()),
        ("supervisor", r.supervisor.clone()),
        ("level", r.level.map(|l| l.to_string()).unwrap_or_default()),
        ("credit_code", r.credit_code.clone()),
        ("charter_on", r.charter_on.map(|d| d.iso()).unwrap_or_default()),
        ("charter_doc", r.charter_doc.clone()),
        ("note", r.note.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let posted = values.cloned().unwrap_or_default();
    // The registry form shows what was posted when it was that form that failed.
    let registry = if posted.contains_key("unit_type") { &posted } else { &current };
    let er = &errors;
    let g = |k: &str| posted.get(k).cloned().unwrap_or_default();
    let link_fields = if d.can_edit {
        if d.link_choices.len() < services::coverage::LINK_CHOICES {
            let choices = d.link_choices.iter().map(|(i, n)| (i.to_string(), n.clone())).collect();
            vec![Field::select("org_id", "党组织", &g("org_id"), choices, Some("请选择"), er).required()]
        } else {
            vec![Field::text("org_id", "党组织编号", &g("org_id"), er).kind("number").required()]
        }
    } else {
        Vec::new()
    };
    let instructor_fields = vec![
        Field::text("member_name", "党员姓名", &g("member_name"), er).required().hint("应为其他党组织的党员"),
        Field::text("id_number", "身份证号", &g("id_number"), er).hint("有同名党员时填写"),
        Field::text("start_on", "选派日期", &g("start_on"), er).kind("date").required(),
    ];
    let party_building = [("是".to_string(), "是".to_string()), ("否".to_string(), "否".to_string())].to_vec();
    let inspection_fields = vec![
        Field::text("year", "年检年度", &g("year"), er).kind("number").required(),
        Field::text("inspected_on", "年检日期", &g("inspected_on"), er).kind("date").required(),
        Field::select("party_building", "党建工作纳入年检", &g("party_building"), party_building, None, er),
        Field::text("document", "年检结论文件", &g("document"), er).required(),
    ];
    let page = UnitPage {
        nav: nav(v),
        kind: format!("{}{}", r.ownership.label(), r.unit_type.label()),
        level: level_label(r.level.and_then(|l| u8::try_from(l).ok())).to_string(),
        ways: ways_text(&d.view),
        charter: r
            .charter_on
            .map(|on| format!("{}写入（{}）", format_cn(on), r.charter_doc))
            .unwrap_or_else(|| "未写入".into()),
        links: d
            .links
            .iter()
            .map(|l| (l.org_id, l.org_name.clone(), l.units, l.units > 1, l.closed_on.is_some()))
            .collect(),
        instructors: d
            .instructors
            .iter()
            .map(|i| {
                (
                    i.id,
                    i.member_id,
                    i.member_name.clone(),
                    i.branch_name.clone(),
                    format_cn(i.start_on),
                    i.end_on.map(format_cn).unwrap_or_default(),
                    i.end_on.is_none(),
                )
            })
            .collect(),
        inspections: d
            .inspections
            .iter()
            .map(|i| (i.year, format_cn(i.inspected_on), i.party_building, i.document.clone()))
            .collect(),
        fields: unit_fields(registry, er),
        link_fields,
        instructor_fields,
        inspection_fields,
        end_error: errors.get("end_on").unwrap_or_default().to_string(),
        error: crate::ui::summary_of(er),
        d,
    };
    render_status(status, &page)
}

async fn unit_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    unit_view(&state, &v, id, None, FieldErrors::new(), StatusCode::OK).await
}

/// After a change: back to the unit's page, or the page again with the refusal.
async fn after(state: &AppState, f: &CheckedForm, id: i64, r: Result<(), ServiceError>, anchor: &str) -> PageResult {
    match r {
        Ok(()) => see_other(&format!("/units/{id}#{anchor}")),
        Err(ServiceError::Invalid(e)) => {
            unit_view(state, &f.viewer, id, Some(&f.fields), e, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn update(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let r = state.services.update_unit(&f.viewer.actor, id, &unit_input(&f.fields)).await;
    after(&state, &f, id, r, "registry").await
}

async fn link(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let linked = get_s(&f.fields, "unlink").is_empty();
    let r = match get_s(&f.fields, "org_id").trim().parse::<i64>() {
        Ok(org) => state.services.link_unit(&f.viewer.actor, id, org, linked).await,
        Err(_) => Err(ServiceError::field("org_id", "请选择党组织")),
    };
    after(&state, &f, id, r, "links").await
}

async fn add_instructor(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let (name, id_number, start) =
        (get_s(&f.fields, "member_name"), get_s(&f.fields, "id_number"), get_s(&f.fields, "start_on"));
    let r = state.services.add_instructor_named(&f.viewer.actor, id, &name, &id_number, &start).await.map(|_| ());
    after(&state, &f, id, r, "instructors").await
}

async fn end_instructor(
    State(state): State<AppState>,
    Path((id, instructor)): Path<(String, String)>,
    f: CheckedForm,
) -> PageResult {
    let (id, instructor) = (id_param(&id)?, id_param(&instructor)?);
    let r = state.services.end_instructor(&f.viewer.actor, id, instructor, &get_s(&f.fields, "end_on")).await;
    after(&state, &f, id, r, "instructors").await
}

async fn add_inspection(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let input = InspectionInput {
        year: get_s(&f.fields, "year"),
        inspected_on: get_s(&f.fields, "inspected_on"),
        party_building: get_s(&f.fields, "party_building"),
        document: get_s(&f.fields, "document"),
    };
    let r = state.services.add_inspection(&f.viewer.actor, id, &input).await.map(|_| ());
    after(&state, &f, id, r, "inspections").await
}
