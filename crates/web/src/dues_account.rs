//! An org's dues account page (DUES-ACCOUNT): the year's income and spending with the balance,
//! the form to record interest, allocations, remittances and spending (refused, naming the rule,
//! outside the five purposes of DUES-USE or without a collective decision), and the yearly
//! report to the 党员大会 (DUES-REPORT) as .xlsx and PDF.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use domain::FieldErrors;
use domain::dates::format_cn;
use domain::family::dues::account::{EntryKind, Purpose};
use domain::money::Fen;
use services::ServiceError;
use services::dues::account::AccountEntryInput;
use services::ledger::LedgerFormat;

use crate::AppState;
use crate::auth::{PageViewer, Viewer};
use crate::dues::{choices, query, year_param};
use crate::dues_branch::file_response;
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/dues/account", get(page).post(post))
        .route("/orgs/{id}/dues/account/report.xlsx", get(report_xlsx))
        .route("/orgs/{id}/dues/account/report.pdf", get(report_pdf))
}

#[derive(Template)]
#[template(path = "dues_account.html")]
struct AccountPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    year: i32,
    /// (label, amount) lines of the year.
    lines: Vec<(String, String)>,
    closing: String,
    /// (date, kind, purpose, amount, decision, note).
    entries: Vec<[String; 6]>,
    can_edit: bool,
    fields: Vec<Field>,
    error: String,
}

async fn view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    year: i32,
    values: HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let a = state.services.dues_account(&v.actor, id, year).await?;
    let y = Fen::signed_yuan;
    let mut lines = vec![
        ("上年结余".to_string(), y(a.opening)),
        ("党费收入（党员交纳）".into(), y(a.collected - a.to_centre)),
        ("利息收入".into(), y(a.interest)),
        ("上级下拨".into(), y(a.allocated)),
        ("上缴上级".into(), y(a.remitted)),
        (format!("按留存比例{}%应上缴（DUES-RETAIN）", a.retain_percent), y(a.to_remit)),
    ];
    lines.extend(a.spent.iter().map(|(p, amount)| (format!("支出：{}", p.label()), y(*amount))));
    if a.to_centre > 0 {
        lines.push(("自愿多交1000元以上，全额上缴中央（不计入）".into(), y(a.to_centre)));
    }
    let entries = a
        .entries
        .iter()
        .map(|e| {
            [
                format_cn(e.entry_on),
                e.kind.label().to_string(),
                e.purpose.map(|p| p.label().to_string()).unwrap_or_default(),
                e.amount_fen.to_string(),
                match (&e.meeting_held_on, &e.meeting_topic) {
                    (Some(d), Some(t)) => format!("{} {t}", format_cn(*d)),
                    _ => String::new(),
                },
                e.note.clone(),
            ]
        })
        .collect();
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let on = if g("entry_on").is_empty() { state.services.today().to_string() } else { g("entry_on") };
    let decisions: Vec<(String, String)> = a.decisions.iter().map(|(id, l)| (id.to_string(), l.clone())).collect();
    let fields = vec![
        Field::select(
            "kind",
            "类别",
            &g("kind"),
            choices(EntryKind::ALL, EntryKind::as_str, EntryKind::label),
            None,
            &errors,
        ),
        Field::text("amount", "金额（元）", &g("amount"), &errors).required(),
        Field::text("entry_on", "日期", &on, &errors).kind("date").required(),
        Field::select(
            "purpose",
            "用途（支出时）",
            &g("purpose"),
            choices(Purpose::ALL, Purpose::as_str, Purpose::label),
            Some("—"),
            &errors,
        )
        .hint("党费只能用于这五项（DUES-USE）"),
        Field::select("meeting_id", "集体研究的会议（支出时）", &g("meeting_id"), decisions, Some("—"), &errors)
            .hint("支委会或党员大会记录（DUES-COLLECTIVE）"),
        Field::text("note", "说明", &g("note"), &errors),
    ];
    let page = AccountPage {
        nav: nav(v),
        org_id: id,
        org_name: a.org.name.clone(),
        year,
        lines,
        closing: y(a.closing),
        entries,
        can_edit: a.can_edit,
        fields,
        error: crate::ui::summary_of(&errors),
    };
    render_status(status, &page)
}

async fn page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let year = year_param(&query(q), state.services.today());
    view(&state, &v, id, year, HashMap::new(), FieldErrors::new(), StatusCode::OK).await
}

async fn post(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let g = |k: &str| get_s(&f.fields, k);
    let meeting_id = match g("meeting_id").trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| ServiceError::field("meeting_id", "会议记录无效"))?),
    };
    let input = AccountEntryInput {
        kind: g("kind"),
        amount: g("amount"),
        entry_on: g("entry_on"),
        purpose: g("purpose"),
        meeting_id,
        note: g("note"),
    };
    let year = domain::dates::parse_date(&input.entry_on)
        .map(|d| chrono::Datelike::year(&d))
        .unwrap_or_else(|_| chrono::Datelike::year(&state.services.today()));
    match state.services.record_account_entry(&f.viewer.actor, id, &input).await {
        Ok(_) => see_other(&format!("/orgs/{id}/dues/account?year={year}")),
        Err(ServiceError::Invalid(e)) => {
            view(&state, &f.viewer, id, year, f.fields.clone(), e, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn report(
    state: &AppState,
    v: &Viewer,
    id: &str,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    format: LedgerFormat,
) -> PageResult {
    let id = id_param(id)?;
    let year = year_param(&query(q), state.services.today());
    file_response(state.services.dues_account_report(&v.actor, id, year, format).await?)
}

async fn report_xlsx(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    report(&state, &v, &id, q, LedgerFormat::Xlsx).await
}

async fn report_pdf(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    report(&state, &v, &id, q, LedgerFormat::Pdf).await
}
