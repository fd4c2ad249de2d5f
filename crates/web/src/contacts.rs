//! A member away and their contact log (流动党员 EDU-FLOATING; 外出登记 EDU-TRANSFER, EDU-GRADS):
//! the records of being away with the forms to record, end or extend one, the contacts recorded
//! and the form to record one, as a page and in the API.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::FieldErrors;
use domain::dates::format_cn;
use domain::family::lifecycle::away::AwayKind;
use serde::Serialize;
use services::ServiceError;
use services::away::{AwayChange, AwayForm};
use services::contacts::ContactForm;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, done, id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer};
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new()
        .route("/members/{id}/contacts", get(page).post(record))
        .route("/members/{id}/away", post(record_away))
        .route("/members/{id}/away/{away_id}", post(change_away))
}

pub fn api_routes() -> Routes {
    Routes::new()
        .route("/members/{id}/contacts", get(api_list).post(api_record))
        .route("/members/{id}/away", post(api_record_away))
        .route("/members/{id}/away/{away_id}", post(api_change_away))
}

/// Which form of the page an error belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Contact,
    Away,
    Change,
}

/// A record of being away as listed: its cells and what may be done with it.
struct AwayLine {
    id: i64,
    kind: &'static str,
    left_on: String,
    destination: String,
    fixed_place: &'static str,
    extended: String,
    ended: String,
    open: bool,
    graduate: bool,
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
    away: Vec<AwayLine>,
    away_fields: Vec<Field>,
    away_error: String,
    change_error: String,
    today: String,
}

async fn view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    form: Form,
    status: StatusCode,
) -> PageResult {
    let c = state.services.contacts_of_member(&v.actor, id).await?;
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let none = FieldErrors::new();
    let errors_of = |f: Form| if f == form { &errors } else { &none };
    let today = state.services.today().to_string();
    let kinds = AwayKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect();
    let yes_no = vec![("no".to_owned(), "否".to_owned()), ("yes".to_owned(), "是".to_owned())];
    let ae = errors_of(Form::Away);
    let away_fields = vec![
        Field::select("kind", "外出类别", &g("kind"), kinds, Some("请选择"), ae).required(),
        Field::text("left_on", "外出（毕业、出国）日期", &g("left_on"), ae).kind("date").required(),
        Field::text("destination", "外出流向", &g("destination"), ae).hint("省、市、县，或国家（地区）"),
        Field::select("fixed_place", "地点相对固定", &g("fixed_place"), yes_no, None, ae)
            .hint("外出6个月以上且地点相对固定的，应转接组织关系（EDU-TRANSFER）"),
    ];
    let away = c
        .away
        .iter()
        .map(|a| AwayLine {
            id: a.id,
            kind: a.kind.label(),
            left_on: format_cn(a.left_on),
            destination: a.destination.clone(),
            fixed_place: if a.kind != AwayKind::Mobile {
                "—"
            } else if a.fixed_place {
                "是"
            } else {
                "否"
            },
            extended: a.extended_to.map(|d| format!("{}（{}）", format_cn(d), a.extension_doc)).unwrap_or_default(),
            ended: a.ended_on.map(format_cn).unwrap_or_default(),
            open: a.ended_on.is_none(),
            graduate: a.kind == AwayKind::Graduate && a.extended_to.is_none(),
        })
        .collect();
    let errors = errors_of(Form::Contact);
    let on = values.get("contacted_on").cloned().unwrap_or_else(|| state.services.today().to_string());
    let fields = vec![
        Field::text("contacted_on", "联系日期", &on, errors).kind("date").required(),
        Field::text("way", "联系方式", &g("way"), errors).required().hint("电话、微信、走访、信函等"),
        Field::text("by_name", "联系人", &g("by_name"), errors).required(),
        Field::text("note", "联系情况", &g("note"), errors),
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
        error: crate::ui::summary_of(errors),
        away,
        away_fields,
        away_error: crate::ui::summary_of(errors_of(Form::Away)),
        change_error: crate::ui::summary_of(errors_of(Form::Change)),
        today,
    };
    render_status(status, &page)
}

async fn page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    view(&state, &v, id, &HashMap::new(), FieldErrors::new(), Form::Contact, StatusCode::OK).await
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
        Err(ServiceError::Invalid(e)) => {
            view(&state, &f.viewer, id, &f.fields, e, Form::Contact, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

fn away_form(fields: &HashMap<String, String>) -> AwayForm {
    AwayForm {
        kind: get_s(fields, "kind"),
        left_on: get_s(fields, "left_on"),
        destination: get_s(fields, "destination"),
        fixed_place: get_s(fields, "fixed_place") == "yes",
    }
}

async fn record_away(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    match state.services.record_away(&f.viewer.actor, id, &away_form(&f.fields)).await {
        Ok(_) => see_other(&format!("/members/{id}/contacts")),
        Err(ServiceError::Invalid(e)) => {
            view(&state, &f.viewer, id, &f.fields, e, Form::Away, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn change_away(
    State(state): State<AppState>,
    Path((id, away_id)): Path<(String, String)>,
    f: CheckedForm,
) -> PageResult {
    let id = id_param(&id)?;
    let away_id = id_param(&away_id)?;
    let change = AwayChange {
        action: get_s(&f.fields, "action"),
        on: get_s(&f.fields, "on"),
        document: get_s(&f.fields, "document"),
    };
    match state.services.change_away(&f.viewer.actor, id, away_id, &change).await {
        Ok(()) => see_other(&format!("/members/{id}/contacts")),
        Err(ServiceError::Invalid(e)) => {
            view(&state, &f.viewer, id, &HashMap::new(), e, Form::Change, StatusCode::BAD_REQUEST).await
        }
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
    /// The member's records of being away (外出登记), newest first.
    pub away: Vec<Away>,
}

/// One record of a member away.
#[derive(Serialize, ToSchema)]
pub(crate) struct Away {
    pub id: i64,
    /// mobile, graduate, abroad.
    pub kind: String,
    pub left_on: chrono::NaiveDate,
    pub destination: String,
    pub fixed_place: bool,
    pub extended_to: Option<chrono::NaiveDate>,
    pub extension_doc: String,
    pub ended_on: Option<chrono::NaiveDate>,
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
        away: c
            .away
            .into_iter()
            .map(|a| Away {
                id: a.id,
                kind: a.kind.as_str().to_owned(),
                left_on: a.left_on,
                destination: a.destination,
                fixed_place: a.fixed_place,
                extended_to: a.extended_to,
                extension_doc: a.extension_doc,
                ended_on: a.ended_on,
            })
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

async fn api_record_away(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<AwayForm>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_away(&v.actor, id, &b).await? })
}

async fn api_change_away(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path((id, away_id)): Path<(String, String)>,
    b: Result<Json<AwayChange>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let away_id = id_of(&away_id)?;
    let b = body(b)?;
    state.services.change_away(&v.actor, id, away_id, &b).await?;
    done()
}
