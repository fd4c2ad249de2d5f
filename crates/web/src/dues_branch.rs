//! A branch's dues pages: the year's collection sheet (应交 / 实交 / 欠交 per member and month,
//! with .xlsx and PDF), a month's collection recorded on one phone-friendly page (everyone paid
//! the due unless marked), and the yearly publication to the members (DUES-PUBLISH).

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use chrono::Datelike;
use domain::FieldErrors;
use domain::dates::format_cn;
use domain::family::dues::statement::{MonthState, month_label, month_of};
use services::ServiceError;
use services::dues::ledger::{SHEET_HEADERS, publication_rows, sheet_rows};
use services::ledger::{LedgerFile, LedgerFormat};

use crate::AppState;
use crate::auth::{PageViewer, Viewer};
use crate::dues::{method_choices, query, year_param};
use crate::fix::FindingLine;
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/dues", get(sheet_page))
        .route("/orgs/{id}/dues/sheet.xlsx", get(sheet_xlsx))
        .route("/orgs/{id}/dues/sheet.pdf", get(sheet_pdf))
        .route("/orgs/{id}/dues/collect", get(collect_page).post(collect_post))
        .route("/orgs/{id}/dues/publish", get(publish_page).post(publish_post))
        .route("/orgs/{id}/dues/publish.xlsx", get(publish_xlsx))
        .route("/orgs/{id}/dues/publish.pdf", get(publish_pdf))
}

pub(crate) fn file_response(f: LedgerFile) -> PageResult {
    Ok(crate::roster::download(f.bytes, &f.file_name, f.content_type))
}

/// One month's column of the monthly totals.
struct MonthFigure {
    label: String,
    due: String,
    paid: String,
    arrears: String,
    in_arrears: u32,
    /// Paid as a share of due, 0–100, for the bar.
    share: u32,
}

#[derive(Template)]
#[template(path = "branch_dues.html")]
struct SheetPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    year: i32,
    headers: Vec<&'static str>,
    /// Each row with the member it is about (none for the totals).
    rows: Vec<(Option<i64>, Vec<String>)>,
    months: Vec<MonthFigure>,
    due: String,
    paid: String,
    arrears: String,
    in_arrears: u32,
    missing_base: u32,
    settings: String,
    published: String,
    findings: Vec<FindingLine>,
    can_edit: bool,
    this_month: String,
}

async fn sheet_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let today = state.services.today();
    let year = year_param(&query(q), today);
    let d = state.services.branch_dues(&v.actor, id, year).await?;
    let months = d
        .months
        .iter()
        .map(|m| MonthFigure {
            label: format!("{}月", m.month.month()),
            due: m.due.to_string(),
            paid: m.paid.to_string(),
            arrears: m.arrears.to_string(),
            in_arrears: m.in_arrears,
            share: if m.due.fen() > 0 {
                u32::try_from((m.paid.fen().min(m.due.fen()) * 100) / m.due.fen()).unwrap_or(0)
            } else {
                0
            },
        })
        .collect();
    let page = SheetPage {
        nav: nav(&v),
        org_id: id,
        org_name: d.org.name.clone(),
        year,
        headers: SHEET_HEADERS.to_vec(),
        rows: sheet_rows(&d).into_iter().enumerate().map(|(i, r)| (d.rows.get(i).map(|m| m.member.id), r)).collect(),
        months,
        due: d.total.due.to_string(),
        paid: d.total.paid.to_string(),
        arrears: d.total.arrears.to_string(),
        in_arrears: d.total.in_arrears,
        missing_base: d.missing_base,
        settings: d.settings.label(),
        published: d.published.as_ref().map(|p| format_cn(p.published_on)).unwrap_or_default(),
        findings: d.findings.iter().map(|f| FindingLine::of(f, &d.org.name)).collect(),
        can_edit: d.can_edit,
        this_month: format!("{}-{:02}", today.year(), today.month()),
    };
    render_status(StatusCode::OK, &page)
}

async fn export(
    state: &AppState,
    v: &Viewer,
    id: &str,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    format: LedgerFormat,
    publication: bool,
) -> PageResult {
    let id = id_param(id)?;
    let year = year_param(&query(q), state.services.today());
    let file = if publication {
        state.services.dues_publication_file(&v.actor, id, year, format).await?
    } else {
        state.services.dues_sheet_file(&v.actor, id, year, format).await?
    };
    file_response(file)
}

async fn sheet_xlsx(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    export(&state, &v, &id, q, LedgerFormat::Xlsx, false).await
}

async fn sheet_pdf(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    export(&state, &v, &id, q, LedgerFormat::Pdf, false).await
}

async fn publish_xlsx(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    export(&state, &v, &id, q, LedgerFormat::Xlsx, true).await
}

async fn publish_pdf(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    export(&state, &v, &id, q, LedgerFormat::Pdf, true).await
}

// ---------------------------------------------------------------------------------------------
// A month's collection
// ---------------------------------------------------------------------------------------------

/// One member on the collection page.
struct Owing {
    id: i64,
    name: String,
    owed: String,
    /// Already paid, exempt or without a base: nothing to collect.
    settled: &'static str,
}

#[derive(Template)]
#[template(path = "dues_collect.html")]
struct CollectPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    month: String,
    month_label: String,
    owing: Vec<Owing>,
    total: String,
    fields: Vec<Field>,
    error: String,
    /// Members marked as not having paid (kept after an error).
    unpaid: Vec<i64>,
}

async fn collect_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let today = state.services.today();
    let month = domain::dates::parse_year_month(values.get("month").map(String::as_str).unwrap_or_default())
        .unwrap_or_else(|_| month_of(today));
    let d = state.services.branch_dues(&v.actor, id, month.year()).await?;
    if !d.can_edit {
        return Err(ServiceError::Forbidden.into());
    }
    let mut total = domain::money::Fen::ZERO;
    let owing = d
        .rows
        .iter()
        .map(|r| {
            let line = r.statement.lines.iter().find(|l| l.month == month);
            let owed = line.map(|l| l.outstanding()).unwrap_or_default();
            total = total.saturating_add(owed);
            let settled = match line.map(|l| l.state) {
                Some(MonthState::Paid) => "已交",
                Some(MonthState::Exempt) => "免交",
                Some(MonthState::NoBase) => "未登记基数",
                None => "不在交纳期",
                _ => "",
            };
            Owing { id: r.member.id, name: r.member.name.clone(), owed: owed.to_string(), settled }
        })
        .collect();
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let paid_on = if g("paid_on").is_empty() { today.to_string() } else { g("paid_on") };
    let fields = vec![
        Field::text("paid_on", "收缴日期", &paid_on, &errors).kind("date").required(),
        Field::select("method", "交纳方式", &g("method"), method_choices(), None, &errors),
    ];
    let unpaid = values
        .iter()
        .filter(|(k, v)| k.starts_with("unpaid_") && v.as_str() == "1")
        .filter_map(|(k, _)| k.trim_start_matches("unpaid_").parse().ok())
        .collect();
    let mut error = crate::ui::summary_of(&errors);
    if let Some(e) = errors.0.iter().find(|e| e.field == "month" || e.field == "kind" || e.field == "payer") {
        error = e.message.clone();
    }
    let page = CollectPage {
        nav: nav(v),
        org_id: id,
        org_name: d.org.name.clone(),
        month: format!("{}-{:02}", month.year(), month.month()),
        month_label: month_label(month),
        owing,
        total: total.to_string(),
        fields,
        error,
        unpaid,
    };
    render_status(status, &page)
}

async fn collect_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    collect_view(&state, &v, id, query(q), FieldErrors::new(), StatusCode::OK).await
}

async fn collect_post(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let g = |k: &str| get_s(&f.fields, k);
    let except: Vec<i64> = f
        .fields
        .iter()
        .filter(|(k, v)| k.starts_with("unpaid_") && v.as_str() == "1")
        .filter_map(|(k, _)| k.trim_start_matches("unpaid_").parse().ok())
        .collect();
    match state
        .services
        .collect_dues_month(&f.viewer.actor, id, &g("month"), &g("paid_on"), &g("method"), &except)
        .await
    {
        Ok(_) => {
            let month = domain::dates::parse_year_month(&g("month")).map(|m| m.year()).unwrap_or_default();
            see_other(&format!("/orgs/{id}/dues?year={month}"))
        }
        Err(ServiceError::Invalid(e)) => {
            collect_view(&state, &f.viewer, id, f.fields.clone(), e, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The yearly publication
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "dues_publish.html")]
struct PublishPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    year: i32,
    rows: Vec<Vec<String>>,
    due: String,
    paid: String,
    arrears: String,
    published: String,
    can_edit: bool,
    fields: Vec<Field>,
    error: String,
}

async fn publish_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    year: i32,
    values: HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let d = state.services.branch_dues(&v.actor, id, year).await?;
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let on = if g("published_on").is_empty() { state.services.today().to_string() } else { g("published_on") };
    let fields = vec![
        Field::text("published_on", "公布日期", &on, &errors).kind("date").required(),
        Field::text("note", "公布方式", &g("note"), &errors).hint("如：支部党员大会上公布、支部公示栏张贴"),
    ];
    let mut error = crate::ui::summary_of(&errors);
    if let Some(e) = errors.get("year") {
        error = e.to_string();
    }
    let page = PublishPage {
        nav: nav(v),
        org_id: id,
        org_name: d.org.name.clone(),
        year,
        rows: publication_rows(&d),
        due: d.total.due.to_string(),
        paid: d.total.paid.to_string(),
        arrears: d.total.arrears.to_string(),
        published: d
            .published
            .as_ref()
            .map(|p| format!("{}（{}）", format_cn(p.published_on), p.note))
            .unwrap_or_default(),
        can_edit: d.can_edit,
        fields,
        error,
    };
    render_status(status, &page)
}

async fn publish_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let q = query(q);
    let today = state.services.today();
    let year = q.get("year").map_or(today.year() - 1, |_| year_param(&q, today));
    publish_view(&state, &v, id, year, HashMap::new(), FieldErrors::new(), StatusCode::OK).await
}

async fn publish_post(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let year = year_param(&f.fields, state.services.today());
    let g = |k: &str| get_s(&f.fields, k);
    match state.services.publish_dues(&f.viewer.actor, id, year, &g("published_on"), &g("note")).await {
        Ok(_) => see_other(&format!("/orgs/{id}/dues/publish?year={year}")),
        Err(ServiceError::Invalid(e)) => {
            publish_view(&state, &f.viewer, id, year, f.fields.clone(), e, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}
