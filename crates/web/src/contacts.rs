//! A mobile member's contact log (流动党员, EDU-FLOATING): the contacts recorded and the form to
//! record one, as a page and in the API.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use domain::FieldErrors;
use domain::dates::format_cn;
use serde::Serialize;
use services::ServiceError;
use services::contacts::ContactForm;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer};
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new().route("/members/{id}/contacts", get(page).post(record))
}

pub fn api_routes() -> Routes {
    Routes::new().route("/members/{id}/contacts", get(api_list).post(api_record))
}

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactsPage {
    nav: crate::ui::Nav,
    member_id: i64,
    name: String,
    mobile: String,
    /// (day, way, who, note).
    rows: Vec<[String; 4]>,
    can_record: bool,
    fields: Vec<Field>,
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
    let c = state.services.contacts_of_member(&v.actor, id).await?;
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let on = values.get("contacted_on").cloned().unwrap_or_else(|| state.services.today().to_string());
    let fields = vec![
        Field::text("contacted_on", "联系日期", &on, &errors).kind("date").required(),
        Field::text("way", "联系方式", &g("way"), &errors).required().hint("电话、微信、走访、信函等"),
        Field::text("by_name", "联系人", &g("by_name"), &errors).required(),
        Field::text("note", "联系情况", &g("note"), &errors),
    ];
    let mobile = match (c.mobile_member, c.destination.is_empty()) {
        (false, _) => "否".to_string(),
        (true, true) => "是".to_string(),
        (true, false) => format!("是（外出流向：{}）", c.destination),
    };
    let page = ContactsPage {
        nav: nav(v),
        member_id: id,
        name: c.name,
        mobile,
        rows: c
            .contacts
            .iter()
            .map(|r| [format_cn(r.contacted_on), r.way.clone(), r.by_name.clone(), r.note.clone()])
            .collect(),
        can_record: c.can_record,
        fields,
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
    let form = ContactForm {
        contacted_on: get_s(&f.fields, "contacted_on"),
        way: get_s(&f.fields, "way"),
        by_name: get_s(&f.fields, "by_name"),
        note: get_s(&f.fields, "note"),
    };
    match state.services.record_contact(&f.viewer.actor, id, &form).await {
        Ok(_) => see_other(&format!("/members/{id}/contacts")),
        Err(ServiceError::Invalid(e)) => view(&state, &f.viewer, id, &f.fields, e, StatusCode::BAD_REQUEST).await,
        Err(e) => Err(e.into()),
    }
}

/// A member's contact log in the API.
#[derive(Serialize, ToSchema)]
pub(crate) struct Contacts {
    pub member_id: i64,
    pub mobile_member: bool,
    pub destination: String,
    pub contacts: Vec<Contact>,
}

/// One contact with a member away.
#[derive(Serialize, ToSchema)]
pub(crate) struct Contact {
    pub id: i64,
    pub contacted_on: chrono::NaiveDate,
    pub way: String,
    pub by_name: String,
    pub note: String,
}

async fn api_list(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let c = state.services.contacts_of_member(&v.actor, id).await?;
    ok(Contacts {
        member_id: id,
        mobile_member: c.mobile_member,
        destination: c.destination,
        contacts: c
            .contacts
            .into_iter()
            .map(|r| Contact { id: r.id, contacted_on: r.contacted_on, way: r.way, by_name: r.by_name, note: r.note })
            .collect(),
    })
}

async fn api_record(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ContactForm>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_contact(&v.actor, id, &b).await? })
}
