//! Transfers of membership (组织关系转接, EDU-TRANSFER): the sending branch's form on a member,
//! one transfer's page (accept, return with a reason, withdraw, record the receipt), and an
//! org's incoming and sent lists.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::FieldErrors;
use domain::dates::format_cn;
use domain::family::lifecycle::{TransferKind, TransferState};
use services::ServiceError;
use services::transfers::Direction;
use services::transfers::{BranchChoice, TransferInput, TransferView};

use crate::AppState;
use crate::auth::{PageViewer, Viewer};
use crate::dues::query;
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new()
        .route("/members/{id}/transfer", get(form_page).post(form_post))
        .route("/transfers/{id}", get(show))
        .route("/transfers/{id}/accept", post(accept))
        .route("/transfers/{id}/return", post(give_back))
        .route("/transfers/{id}/cancel", post(cancel))
        .route("/transfers/{id}/receipt", post(receipt))
        .route("/transfers/{id}/letter.pdf", get(letter))
        .route("/orgs/{id}/transfers", get(org_list))
}

// ---------------------------------------------------------------------------------------------
// Issuing
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "transfer_form.html")]
struct FormPage {
    nav: crate::ui::Nav,
    member_id: i64,
    member_name: String,
    kind: String,
    q: String,
    to_org_id: String,
    choices: Vec<BranchChoice>,
    searched: bool,
    fields: Vec<Field>,
    error: String,
    to_error: String,
}

fn input_of(f: &HashMap<String, String>) -> TransferInput {
    TransferInput {
        kind: get_s(f, "kind"),
        to_org_id: get_s(f, "to_org_id").trim().parse().ok(),
        destination: get_s(f, "destination"),
        letter_no: get_s(f, "letter_no"),
        issued_on: get_s(f, "issued_on"),
        valid_days: get_s(f, "valid_days"),
        dues_paid_to: get_s(f, "dues_paid_to"),
        reason: get_s(f, "reason"),
    }
}

async fn form_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    mut values: HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let m = state.services.member_for_edit(&v.actor, id).await?;
    let d = state.services.transfer_defaults(&v.actor, id).await?;
    let today = state.services.today();
    values.entry("issued_on".into()).or_insert(today.to_string());
    values.entry("letter_no".into()).or_insert(d.letter_no);
    if let Some(days) = d.valid_days {
        values.entry("valid_days".into()).or_insert(days.to_string());
    }
    if let Some(paid) = d.dues_paid_to {
        values.entry("dues_paid_to".into()).or_insert(paid.format("%Y-%m").to_string());
    }
    let q = values.get("q").cloned().unwrap_or_default();
    let choices = state.services.branch_choices(&v.actor, &q).await?;
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let fields = vec![
        Field::text("destination", "转往党组织（系统外）", &g("destination"), &errors)
            .hint("转出系统外时填写接收党组织全称"),
        Field::text("letter_no", "介绍信编号", &g("letter_no"), &errors).hint("第 号，由转出方填写"),
        Field::text("issued_on", "开具日期", &g("issued_on"), &errors).kind("date").required(),
        Field::text("valid_days", "有效期（天）", &g("valid_days"), &errors)
            .required()
            .hint("各地规定不一，按本地党委规定填写"),
        Field::text("dues_paid_to", "党费交到", &g("dues_paid_to"), &errors).hint("如 2026-10；不填按已交的最后月份"),
        Field::text("reason", "转接原因", &g("reason"), &errors).required().hint("如：工作调动、迁居"),
    ];
    let page = FormPage {
        nav: nav(v),
        member_id: id,
        member_name: m.name,
        kind: values.get("kind").cloned().unwrap_or_else(|| "internal".into()),
        searched: !q.trim().is_empty(),
        q,
        to_org_id: g("to_org_id"),
        choices,
        to_error: errors.get("to_org_id").unwrap_or_default().to_string(),
        error: crate::ui::summary_of(&errors),
        fields,
    };
    render_status(status, &page)
}

async fn form_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    form_view(&state, &v, id, query(q), FieldErrors::new(), StatusCode::OK).await
}

async fn form_post(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    // "查找" posts the form back with the branches found, keeping what was typed.
    if get_s(&f.fields, "action") == "search" {
        return form_view(&state, &f.viewer, id, f.fields.clone(), FieldErrors::new(), StatusCode::OK).await;
    }
    match state.services.issue_transfer(&f.viewer.actor, id, &input_of(&f.fields)).await {
        Ok(t) => see_other(&format!("/transfers/{t}")),
        Err(ServiceError::Invalid(e)) => {
            form_view(&state, &f.viewer, id, f.fields.clone(), e, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// One transfer
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "transfer.html")]
struct ShowPage {
    nav: crate::ui::Nav,
    t: TransferView,
    kind: &'static str,
    state: &'static str,
    pending: bool,
    out: bool,
    /// (label, value) lines of the letter.
    lines: Vec<(&'static str, String)>,
    today: String,
    error: String,
    errors: FieldErrors,
}

fn lines(t: &TransferView) -> Vec<(&'static str, String)> {
    let r = &t.row;
    let mut out = vec![
        ("姓名", r.member_name.clone()),
        ("性别", r.gender.label().to_string()),
        ("民族", crate::view::ethnicity_label(&r.ethnicity).to_string()),
        ("身份", r.member_status.label().to_string()),
        ("身份证号", r.id_number.clone().unwrap_or_default()),
        ("由", r.from_name.clone()),
        ("转到", r.to_name.clone()),
        ("介绍信编号", if r.letter_no.is_empty() { "—".into() } else { format!("第{}号", r.letter_no) }),
        ("开具日期", format_cn(r.issued_on)),
        ("有效期", format!("{}天（至{}）", r.valid_days, format_cn(t.valid_until))),
        ("党费交到", r.dues_paid_to.map_or_else(|| "—".to_string(), |d| d.format("%Y年%-m月").to_string())),
        ("转接原因", r.reason.clone()),
    ];
    if let Some(due) = t.receipt_due {
        out.push(("回执应退回", format!("{}前（EDU-TRANSFER）", format_cn(due))));
    }
    if let Some(on) = r.settled_on {
        out.push(("办结日期", format_cn(on)));
    }
    if !r.settled_note.is_empty() {
        out.push(("退回理由", r.settled_note.clone()));
    }
    if !r.receipt_handler.is_empty() {
        out.push(("回执经办人", r.receipt_handler.clone()));
    }
    out
}

async fn show_view(state: &AppState, v: &Viewer, id: i64, errors: FieldErrors, status: StatusCode) -> PageResult {
    let t = state.services.transfer(&v.actor, id).await?;
    let page = ShowPage {
        nav: nav(v),
        kind: t.row.kind.label(),
        state: t.row.state.label(t.row.kind),
        pending: t.row.state == TransferState::Pending,
        out: t.row.kind == TransferKind::Out,
        lines: lines(&t),
        today: state.services.today().to_string(),
        error: crate::ui::summary_of(&errors),
        errors,
        t,
    };
    render_status(status, &page)
}

async fn show(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    show_view(&state, &v, id, FieldErrors::new(), StatusCode::OK).await
}

/// After an action on transfer `id`: back to it, or its page with the errors.
async fn after(state: &AppState, v: &Viewer, id: i64, r: services::Result<()>) -> PageResult {
    match r {
        Ok(()) => see_other(&format!("/transfers/{id}")),
        Err(ServiceError::Invalid(e)) => show_view(state, v, id, e, StatusCode::BAD_REQUEST).await,
        Err(e) => Err(e.into()),
    }
}

async fn letter(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    crate::dues_branch::file_response(state.services.transfer_letter(&v.actor, id).await?)
}

async fn accept(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let r = state.services.accept_transfer(&f.viewer.actor, id, &get_s(&f.fields, "on")).await;
    after(&state, &f.viewer, id, r).await
}

async fn give_back(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let r = state.services.return_transfer(&f.viewer.actor, id, &get_s(&f.fields, "reason")).await;
    after(&state, &f.viewer, id, r).await
}

async fn cancel(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let r = state.services.cancel_transfer(&f.viewer.actor, id).await;
    after(&state, &f.viewer, id, r).await
}

async fn receipt(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let r =
        state.services.record_receipt(&f.viewer.actor, id, &get_s(&f.fields, "on"), &get_s(&f.fields, "handler")).await;
    after(&state, &f.viewer, id, r).await
}

// ---------------------------------------------------------------------------------------------
// An org's lists
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "org_transfers.html")]
struct ListPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    incoming: bool,
    state: String,
    rows: Vec<ListRow>,
}

/// One transfer in an org's list.
struct ListRow {
    id: i64,
    name: String,
    kind: &'static str,
    from: String,
    to: String,
    letter: String,
    issued: String,
    state: &'static str,
    pending: bool,
}

async fn org_list(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let q = query(q);
    let incoming = q.get("direction").map(String::as_str) != Some("sent");
    let direction = if incoming { Direction::Incoming } else { Direction::Sent };
    let filter = q.get("state").and_then(|s| TransferState::ALL.iter().copied().find(|x| x.as_str() == s));
    let org = state.services.org(&v.actor, id).await?;
    let list = state.services.transfers_of_org(&v.actor, id, direction, filter).await?;
    let rows = list
        .iter()
        .map(|t| {
            let r = &t.row;
            ListRow {
                id: r.id,
                name: r.member_name.clone(),
                kind: r.kind.label(),
                from: r.from_name.clone(),
                to: r.to_name.clone(),
                letter: r.letter_no.clone(),
                issued: format_cn(r.issued_on),
                state: r.state.label(r.kind),
                pending: r.state == TransferState::Pending,
            }
        })
        .collect();
    let page = ListPage {
        nav: nav(&v),
        org_id: id,
        org_name: org.name,
        incoming,
        state: filter.map(|s| s.as_str().to_string()).unwrap_or_default(),
        rows,
    };
    render_status(StatusCode::OK, &page)
}
