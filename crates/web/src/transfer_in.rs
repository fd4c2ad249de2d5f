//! A transfer into the system from a paper letter (转入): the receiving branch's form and the
//! API. The member is created, or re-activated when recorded here as 已转出.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use domain::FieldErrors;
use services::ServiceError;
use services::transfer_in::LetterIn;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, id_of};
use crate::auth::{ApiViewer, PageViewer, Viewer};
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new().route("/orgs/{id}/transfers/in", get(page).post(record))
}

pub fn api_routes() -> Routes {
    Routes::new().route("/orgs/{id}/transfers/in", axum::routing::post(api_record))
}

#[derive(Template)]
#[template(path = "transfer_in.html")]
struct LetterPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    letter: Vec<Field>,
    member: Vec<Field>,
    error: String,
}

async fn view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let org = state.services.org(&v.actor, id).await?;
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let today = state.services.today().to_string();
    let received = values.get("received_on").cloned().unwrap_or(today);
    let letter = vec![
        Field::text("letter_no", "介绍信编号", &g("letter_no"), &errors).required(),
        Field::text("origin", "转出党组织", &g("origin"), &errors).required().hint("介绍信上开具的党组织全称"),
        Field::text("issued_on", "开具日期", &g("issued_on"), &errors).kind("date").required(),
        Field::text("received_on", "接收日期", &received, &errors).kind("date").required(),
        Field::text("dues_paid_to", "党费交到", &g("dues_paid_to"), &errors)
            .required()
            .hint("如 2026-10；次月起在本支部交纳"),
    ];
    let member = crate::members::member_fields(&crate::members::member_input_of(values), &errors, None);
    let page = LetterPage {
        nav: nav(v),
        org_id: id,
        org_name: org.name,
        letter,
        member,
        error: crate::ui::summary_of(&errors),
    };
    render_status(status, &page)
}

async fn page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    view(&state, &v, id, &HashMap::new(), FieldErrors::new(), StatusCode::OK).await
}

async fn record(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let letter = LetterIn {
        letter_no: get_s(&f.fields, "letter_no"),
        origin: get_s(&f.fields, "origin"),
        issued_on: get_s(&f.fields, "issued_on"),
        received_on: get_s(&f.fields, "received_on"),
        dues_paid_to: get_s(&f.fields, "dues_paid_to"),
        member: crate::members::member_input_of(&f.fields),
    };
    match state.services.receive_letter(&f.viewer.actor, id, &letter).await {
        Ok(r) => see_other(&format!("/members/{}", r.member_id)),
        Err(ServiceError::Invalid(e)) => view(&state, &f.viewer, id, &f.fields, e, StatusCode::BAD_REQUEST).await,
        Err(e) => Err(e.into()),
    }
}

async fn api_record(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<LetterIn>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    let r = state.services.receive_letter(&v.actor, id, &b).await?;
    created(Created { id: r.member_id })
}
