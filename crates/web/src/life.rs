//! Organizational life on the web: an org's findings and records for a year, and the quick
//! form that records a meeting (everyone expected starts as present; only exceptions are marked).

use crate::AppState;
use crate::auth::{PageViewer, Viewer, check_csrf};
use crate::error::PageError;
use crate::view::Field;
use askama::Template;
use axum::Router;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::Datelike;
use domain::FieldErrors;
use domain::org::OrgKind;
use domain::org_life::MeetingKind;
use domain::scope::{Action, Target, can};
use serde::Deserialize;
use services::ServiceError;
use services::org_life::{MeetingInput, kinds_for};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{id}/life", get(life))
        .route("/orgs/{id}/meetings/new", get(new_meeting))
        .route("/orgs/{id}/meetings", axum::routing::post(record))
}

type PageResult = Result<Response, PageError>;

fn render<T: Template>(t: &T, status: StatusCode) -> PageResult {
    let html = t.render().map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok((status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

fn id_of(raw: &str) -> Result<i64, PageError> {
    raw.parse().map_err(|_| PageError::Service(ServiceError::NotFound))
}

struct FindingView {
    rule_id: &'static str,
    severity: &'static str,
    severity_label: &'static str,
    period: String,
    message: String,
    citation: &'static str,
    fix_href: String,
    fix_label: String,
}

struct MeetingLine {
    held_on: String,
    kind: &'static str,
    topic: String,
    expected: usize,
    present: usize,
    excused: usize,
    absent: usize,
}

#[derive(Template)]
#[template(path = "life.html")]
struct LifePage {
    nav: crate::pages::Nav,
    org_id: i64,
    org_name: String,
    year: i32,
    prev_year: i32,
    next_year: i32,
    show_next: bool,
    as_of: String,
    can_record: bool,
    findings: Vec<FindingView>,
    meetings: Vec<MeetingLine>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: String,
}

async fn life(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> PageResult {
    let id = id_of(&id)?;
    let today = services::today();
    let year = q.ok().and_then(|Query(q)| q.year.parse::<i32>().ok()).filter(|y| (1949..=today.year()).contains(y));
    let year = year.unwrap_or(today.year());
    let org = state.services.org(&v.actor, id).await?;
    let as_of =
        if year < today.year() { chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(today) } else { today };
    let findings = state.services.org_findings(&v.actor, id, year, as_of).await?;
    let meetings = state.services.meetings_of(&v.actor, id, year).await?;
    let count =
        |m: &services::org_life::MeetingView, a: &str| m.attendance.iter().filter(|x| x.attendance == a).count();
    render(
        &LifePage {
            can_record: org.status == "active" && can(&v.actor, Action::EditOrg, Target::Org(&org.org_path()?)),
            org_id: org.id,
            org_name: org.name.clone(),
            year,
            prev_year: year - 1,
            next_year: year + 1,
            show_next: year < today.year(),
            as_of: domain::dates::format_cn(as_of),
            findings: findings
                .iter()
                .map(|f| FindingView {
                    rule_id: f.rule_id,
                    severity: f.severity.as_str(),
                    severity_label: f.severity.label(),
                    period: f.period.as_ref().map(|p| p.label()).unwrap_or_default(),
                    message: f.message.clone(),
                    citation: f.citation,
                    fix_href: match &f.fix {
                        Some(fix) => match (fix.record_kind, fix.date_hint) {
                            (Some(k), d) => format!(
                                "/orgs/{}/meetings/new?kind={}&date={}",
                                org.id,
                                k.as_str(),
                                d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
                            ),
                            _ => String::new(),
                        },
                        None => String::new(),
                    },
                    fix_label: f.fix.as_ref().map(|x| x.label.clone()).unwrap_or_default(),
                })
                .collect(),
            meetings: meetings
                .iter()
                .map(|m| MeetingLine {
                    held_on: m.meeting.held_on.clone(),
                    kind: MeetingKind::parse(&m.meeting.kind).map(|k| k.label()).unwrap_or("—"),
                    topic: m.meeting.topic.clone(),
                    expected: m.attendance.len(),
                    present: count(m, "present"),
                    excused: count(m, "excused"),
                    absent: count(m, "absent"),
                })
                .collect(),
            nav: crate::pages::nav(&v),
        },
        StatusCode::OK,
    )
}

struct PersonLine {
    id: i64,
    name: String,
    probationary: bool,
    attendance: String,
    reason: String,
    error: String,
}

#[derive(Template)]
#[template(path = "meeting_form.html")]
struct MeetingFormPage {
    nav: crate::pages::Nav,
    org_id: i64,
    org_name: String,
    fields: Vec<Field>,
    minutes: String,
    has_vote: bool,
    people: Vec<PersonLine>,
    summary: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    kind: String,
    date: String,
}

async fn form_page(
    state: &AppState,
    v: &Viewer,
    org_id: i64,
    values: &HashMap<String, String>,
    errors: &FieldErrors,
    status: StatusCode,
) -> PageResult {
    let org = state.services.org(&v.actor, org_id).await?;
    if !can(&v.actor, Action::EditOrg, Target::Org(&org.org_path()?)) || org.status != "active" {
        return Err(ServiceError::Forbidden.into());
    }
    let org_kind = OrgKind::parse(&org.kind).unwrap_or(OrgKind::Branch);
    let kinds = kinds_for(org_kind);
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let kind = MeetingKind::parse(&get("kind")).filter(|k| kinds.contains(k)).unwrap_or(kinds[0]);
    let today = services::today();
    let held_on = domain::dates::parse_date(&get("held_on")).ok().filter(|d| *d <= today).unwrap_or(today);
    // Last time's topic and place of this kind, as defaults.
    let last = state.services.last_meeting(&v.actor, org.id, kind).await?;
    let topic = if values.contains_key("topic") {
        get("topic")
    } else {
        last.as_ref().map(|m| m.topic.clone()).unwrap_or_default()
    };
    let place = if values.contains_key("place") {
        get("place")
    } else {
        last.as_ref().map(|m| m.place.clone()).unwrap_or_default()
    };
    let people =
        services::org_life::expected(&state.services, &org, kind, &held_on.format("%Y-%m-%d").to_string()).await?;
    let choices: Vec<(String, String)> =
        kinds.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect();
    let fields = vec![
        Field::select("kind", "会议类型", kind.as_str(), choices, None, errors).required(),
        Field::text("held_on", "日期", &held_on.format("%Y-%m-%d").to_string(), errors).kind("date").required(),
        Field::text("start_time", "开始时间", &get("start_time"), errors).hint("如 15:30"),
        Field::text("place", "地点", &place, errors),
        Field::text("topic", "主题", &topic, errors).required(),
        Field::text("first_agenda_item", "第一议题", &get("first_agenda_item"), errors),
    ];
    let lines = people
        .into_iter()
        .map(|p| PersonLine {
            attendance: values.get(&format!("att_{}", p.member_id)).cloned().unwrap_or_else(|| "present".into()),
            reason: values.get(&format!("reason_{}", p.member_id)).cloned().unwrap_or_default(),
            error: errors.get(&format!("reason_{}", p.member_id)).unwrap_or_default().to_string(),
            probationary: p.status == "probationary",
            id: p.member_id,
            name: p.name,
        })
        .collect();
    render(
        &MeetingFormPage {
            org_id: org.id,
            org_name: org.name,
            fields,
            minutes: get("minutes"),
            has_vote: get("has_vote") == "1",
            people: lines,
            summary: if errors.is_empty() {
                String::new()
            } else {
                format!("有 {} 处需要修改。", errors.0.len())
            },
            nav: crate::pages::nav(v),
        },
        status,
    )
}

async fn new_meeting(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<NewQuery>, QueryRejection>,
) -> PageResult {
    let id = id_of(&id)?;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let mut values = HashMap::new();
    if !q.kind.is_empty() {
        values.insert("kind".to_string(), q.kind);
    }
    if !q.date.is_empty() {
        values.insert("held_on".to_string(), q.date);
    }
    form_page(&state, &v, id, &values, &FieldErrors::new(), StatusCode::OK).await
}

async fn record(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> PageResult {
    let id = id_of(&id)?;
    let f = form.map(|Form(f)| f).map_err(|_| PageError::BadRequest("提交的表单格式不正确，请返回重新填写".into()))?;
    check_csrf(&v, f.get("_csrf").map(String::as_str).unwrap_or_default())?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let mut exceptions = HashMap::new();
    for (k, att) in &f {
        if let Some(mid) = k.strip_prefix("att_").and_then(|m| m.parse::<i64>().ok())
            && att != "present"
        {
            exceptions.insert(mid, (att.clone(), f.get(&format!("reason_{mid}")).cloned().unwrap_or_default()));
        }
    }
    let input = MeetingInput {
        kind: get("kind"),
        held_on: get("held_on"),
        start_time: get("start_time"),
        place: get("place"),
        topic: get("topic"),
        first_agenda_item: get("first_agenda_item"),
        minutes: get("minutes"),
        has_vote: get("has_vote") == "1",
        lecturer_member_id: None,
        exceptions,
    };
    match state.services.record_meeting(&v.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{id}/life")).into_response()),
        Err(ServiceError::Invalid(errors)) => form_page(&state, &v, id, &f, &errors, StatusCode::BAD_REQUEST).await,
        Err(e) => Err(e.into()),
    }
}
