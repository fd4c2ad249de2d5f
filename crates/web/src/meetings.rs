//! Recording a meeting (the quick form: everyone expected starts as present; only exceptions
//! are marked) and a meeting's own page with its attachments.

use crate::AppState;
use crate::auth::{PageViewer, Viewer, check_csrf};
use crate::error::PageError;
use crate::ui::{CheckedForm, Routes};
use crate::ui::{PageResult, id_param};
use crate::view::Field;
use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Multipart};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::Datelike;
use domain::FieldErrors;
use domain::codes::MemberStatus;
use domain::dates::Iso;
use domain::org::{OrgKind, OrgStatus};
use domain::org_life::{AppraisalRating, Attendance, MeetingKind};
use domain::scope::{Action, Target, can};
use serde::Deserialize;
use services::ServiceError;
use services::org_life::{MeetingInput, ResolutionInput, kinds_for};
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/meetings/new", get(new_meeting))
        .route("/orgs/{id}/meetings", post(record))
        .route("/meetings/{id}", get(meeting_page))
        .route("/meetings/{id}/edit", get(edit_meeting).post(correct))
        .route("/meetings/{id}/void", post(void))
        .route(
            "/meetings/{id}/attachments",
            post(attach).layer(DefaultBodyLimit::max(services::attachments::MAX_ATTACHMENT_BYTES + 64 * 1024)),
        )
        .route("/meetings/{id}/attachments/{aid}", get(attachment))
}

struct PersonLine {
    id: i64,
    name: String,
    probationary: bool,
    dual: bool,
    /// Under 留党察看 on the day: present, no vote (EL-RIGHTS).
    observed: bool,
    attendance: String,
    reason: String,
    error: String,
    rating: String,
}

struct ResolutionLine {
    index: usize,
    text: String,
    /// The vote's purpose as chosen, and the choices (a 党员大会 only: admission, confirmation,
    /// election are judged by their own quorum and majority).
    purpose: String,
    purposes: Vec<(&'static str, &'static str)>,
    yes: String,
    no: String,
    abstain: String,
    error: String,
}

#[derive(Template)]
#[template(path = "meeting_form.html")]
struct MeetingFormPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    kind: &'static str,
    fields: Vec<Field>,
    minutes: String,
    has_vote: bool,
    people: Vec<PersonLine>,
    votes: bool,
    resolutions: Vec<ResolutionLine>,
    appraisal: bool,
    ratings_error: String,
    rating_choices: Vec<(&'static str, &'static str)>,
    summary: String,
    /// Where the form is sent: a new record, or the correction of a saved one.
    action: String,
    /// The record corrected, when correcting (its reason is asked for).
    correcting: Option<i64>,
    reason: String,
    reason_error: String,
    /// 政治生日 of the meeting's month, on a 主题党日 (POL-BIRTHDAY), where listed.
    birthdays: Option<services::political_birthdays::BirthdayList>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    kind: String,
    date: String,
}

fn people_choices(people: &[services::org_life::Expected]) -> Vec<(String, String)> {
    people
        .iter()
        .map(|p| (p.member_id.to_string(), if p.dual { format!("{}（双重组织生活）", p.name) } else { p.name.clone() }))
        .collect()
}

async fn form_page(
    state: &AppState,
    v: &Viewer,
    org_id: i64,
    values: &HashMap<String, String>,
    errors: &FieldErrors,
    status: StatusCode,
) -> PageResult {
    form_page_for(state, v, org_id, values, errors, status, None).await
}

/// The meeting form, for a new record or (`correcting`) the correction of a saved one.
async fn form_page_for(
    state: &AppState,
    v: &Viewer,
    org_id: i64,
    values: &HashMap<String, String>,
    errors: &FieldErrors,
    status: StatusCode,
    correcting: Option<i64>,
) -> PageResult {
    let org = state.services.org(&v.actor, org_id).await?;
    if !can(&v.actor, Action::EditOrg, Target::Org(&org.org_path()?)) || org.status != OrgStatus::Active {
        return Err(ServiceError::Forbidden.into());
    }
    let org_kind = org.kind;
    let kinds = kinds_for(org_kind);
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let kind = MeetingKind::parse(&get("kind")).filter(|k| kinds.contains(k)).unwrap_or(kinds[0]);
    let today = state.services.today();
    let held_on = domain::dates::parse_date(&get("held_on")).ok().filter(|d| *d <= today).unwrap_or(today);
    let on = held_on.iso();
    // Last time's topic and place of this kind, as defaults for a new record.
    let last = match correcting {
        None => state.services.last_meeting(&v.actor, org.id, kind).await?,
        Some(_) => None,
    };
    // The topic starts empty: last month's topic is never this month's.
    let topic = get("topic");
    let place = if values.contains_key("place") {
        get("place")
    } else {
        last.as_ref().map(|m| m.place.clone()).unwrap_or_default()
    };
    let people = services::org_life::expected(&state.services, &org, kind, &on).await?;
    // The month's political birthdays are usually marked at its 主题党日.
    let birthdays = if kind == MeetingKind::ThemedDay {
        let month = format!("{:04}-{:02}", held_on.year(), held_on.month());
        Some(state.services.political_birthdays(&v.actor, org.id, &month).await?).filter(|b| b.listed)
    } else {
        None
    };
    // Who can be chosen as host, recorder, talker: those expected, or for a talk the org's members.
    let pool = if kind == MeetingKind::Talk {
        let as_kind = if org_kind == OrgKind::Group { MeetingKind::GroupMeeting } else { MeetingKind::BranchAssembly };
        let mut pool = services::org_life::expected(&state.services, &org, as_kind, &on).await?;
        for p in services::org_life::expected(&state.services, &org, MeetingKind::CommitteeMeeting, &on).await? {
            if !pool.iter().any(|x| x.member_id == p.member_id) {
                pool.push(p);
            }
        }
        pool
    } else {
        people.clone()
    };
    let choices: Vec<(String, String)> =
        kinds.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect();
    // A new record's 主持人 is the secretary on the day and its 记录人 the one recording it, when
    // they are among those who can be chosen; a typed or saved choice is kept.
    let in_pool = |id: Option<i64>| id.filter(|i| pool.iter().any(|p| p.member_id == *i)).map(|i| i.to_string());
    let host = match values.get("host_member_id") {
        Some(h) => h.clone(),
        None => in_pool(services::org_life::secretary_on(&state.services, &org, &on).await?).unwrap_or_default(),
    };
    let recorder = match values.get("recorder_member_id") {
        Some(r) => r.clone(),
        None => in_pool(v.account.member_id).unwrap_or_default(),
    };
    let mut fields = vec![
        Field::select("kind", "会议类型", kind.as_str(), choices, None, errors).required(),
        Field::text("held_on", "日期", &on, errors).kind("date").required(),
        Field::text("start_time", "开始时间", &get("start_time"), errors).hint("如 15:30"),
        Field::text("place", "地点", &place, errors),
        Field::text("topic", "主题", &topic, errors).required(),
    ];
    if kind == MeetingKind::Talk {
        fields.push(
            Field::select(
                "host_member_id",
                "谈话人",
                &get("host_member_id"),
                people_choices(&pool),
                Some("请选择"),
                errors,
            )
            .required(),
        );
        fields.push(
            Field::select(
                "partner_member_id",
                "谈话对象",
                &get("partner_member_id"),
                people_choices(&pool),
                Some("请选择"),
                errors,
            )
            .required(),
        );
        let reasons = services::org_life::TALK_REASONS.iter().map(|r| (r.to_string(), r.to_string())).collect();
        fields.push(Field::select("talk_reason", "谈话原因", &get("talk_reason"), reasons, None, errors));
    } else {
        fields.push(Field::text("first_agenda_item", "第一议题", &get("first_agenda_item"), errors));
        // Required: the ledger prints both.
        fields.push(
            Field::select("host_member_id", "主持人", &host, people_choices(&pool), Some("请选择"), errors).required(),
        );
        fields.push(
            Field::select("recorder_member_id", "记录人", &recorder, people_choices(&pool), Some("请选择"), errors)
                .required(),
        );
    }
    if matches!(kind, MeetingKind::PartyLecture | MeetingKind::IdeologyLesson) {
        let lecturers = services::org_life::lecturer_choices(&state.services, &org, &on).await?;
        let field = Field::select(
            "lecturer_member_id",
            "授课人",
            &get("lecturer_member_id"),
            people_choices(&lecturers),
            Some("请选择"),
            errors,
        );
        // A 思政课 may be the principal's, who need not be in the register (SZK-LECTURE).
        fields.push(if kind == MeetingKind::PartyLecture {
            field.required()
        } else {
            field.hint("学校党组织书记讲授的选书记；校长讲授且不在名册中的，可不选")
        });
    }
    if kind == MeetingKind::IdeologyLesson {
        let principal = if get("by_principal") == "1" { "1" } else { "" };
        fields.push(
            Field::select(
                "by_principal",
                "校长讲授",
                principal,
                vec![(String::new(), "否".into()), ("1".into(), "是".into())],
                None,
                errors,
            )
            .hint("SZK-LECTURE：书记、校长每学期各至少讲1次思政课"),
        );
    }
    if kind == MeetingKind::DemocraticLifeMeeting {
        fields.push(
            Field::text("guidance", "上级指导", &get("guidance"), errors)
                .hint("上级到会指导的单位、人员和指导意见；无上级到会的填“无”")
                .required(),
        );
    }
    if services::org_life::HOURS_KINDS.contains(&kind) {
        fields.push(
            Field::text("class_hours", "计入学时", &get("class_hours"), errors)
                .hint("出席者计入年度学习培训学时（EDU-TRAIN-HOURS），如 2 或 1.5；不计入的留空"),
        );
    }
    let votes = matches!(kind, MeetingKind::BranchAssembly | MeetingKind::CommitteeMeeting);
    let resolutions = (0..3)
        .map(|i| ResolutionLine {
            index: i,
            text: get(&format!("res_{i}_text")),
            purpose: get(&format!("res_{i}_purpose")),
            purposes: if kind == MeetingKind::BranchAssembly {
                domain::org_life::VotePurpose::ALL.iter().map(|p| (p.as_str(), p.label())).collect()
            } else {
                vec![(
                    domain::org_life::VotePurpose::Ordinary.as_str(),
                    domain::org_life::VotePurpose::Ordinary.label(),
                )]
            },
            yes: get(&format!("res_{i}_yes")),
            no: get(&format!("res_{i}_no")),
            abstain: get(&format!("res_{i}_abstain")),
            error: errors.get(&format!("res_{i}")).unwrap_or_default().to_string(),
        })
        .collect();
    let lines = people
        .into_iter()
        .map(|p| PersonLine {
            attendance: values.get(&format!("att_{}", p.member_id)).cloned().unwrap_or_else(|| "present".into()),
            reason: values.get(&format!("reason_{}", p.member_id)).cloned().unwrap_or_default(),
            error: errors.get(&format!("reason_{}", p.member_id)).unwrap_or_default().to_string(),
            rating: values.get(&format!("rating_{}", p.member_id)).cloned().unwrap_or_else(|| "qualified".into()),
            probationary: p.status == MemberStatus::Probationary,
            dual: p.dual,
            observed: p.observed,
            id: p.member_id,
            name: p.name,
        })
        .collect();
    crate::ui::render_status(
        status,
        &MeetingFormPage {
            org_id: org.id,
            org_name: org.name,
            kind: kind.as_str(),
            fields,
            minutes: get("minutes"),
            has_vote: get("has_vote") == "1",
            people: lines,
            votes,
            resolutions,
            appraisal: kind == MeetingKind::MemberAppraisal,
            ratings_error: errors.get("ratings").unwrap_or_default().to_string(),
            rating_choices: AppraisalRating::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
            summary: if errors.is_empty() {
                String::new()
            } else {
                format!("有 {} 处需要修改。", errors.0.len())
            },
            action: match correcting {
                Some(mid) => format!("/meetings/{mid}/edit"),
                None => format!("/orgs/{}/meetings", org.id),
            },
            correcting,
            reason: get("reason"),
            reason_error: errors.get("reason").unwrap_or_default().to_string(),
            birthdays,
            nav: crate::ui::nav(v),
        },
    )
}

async fn new_meeting(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<NewQuery>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
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

/// The form's values of a saved record, to correct it.
fn values_of(d: &services::org_life::MeetingDetail) -> HashMap<String, String> {
    let m = &d.meeting;
    let mut v: HashMap<String, String> = HashMap::new();
    let mut put = |k: &str, value: String| {
        v.insert(k.to_string(), value);
    };
    put("kind", m.kind.as_str().into());
    put("held_on", m.held_on.iso());
    put("start_time", m.start_time.clone().unwrap_or_default());
    put("place", m.place.clone());
    put("topic", m.topic.clone());
    put("first_agenda_item", m.first_agenda_item.clone().unwrap_or_default());
    put("minutes", m.minutes.clone());
    put("class_hours", m.class_hours.map(|h| h.to_string()).unwrap_or_default());
    put("has_vote", if m.has_vote { "1" } else { "" }.into());
    for (k, id) in [
        ("host_member_id", m.host_member_id),
        ("recorder_member_id", m.recorder_member_id),
        ("lecturer_member_id", m.lecturer_member_id),
        ("partner_member_id", m.partner_member_id),
    ] {
        put(k, id.map(|i| i.to_string()).unwrap_or_default());
    }
    put("talk_reason", m.talk_reason.clone().unwrap_or_default());
    put("by_principal", if m.by_principal { "1" } else { "" }.into());
    put("guidance", m.guidance.clone().unwrap_or_default());
    for a in &d.attendance {
        put(&format!("att_{}", a.member_id), a.attendance.as_str().into());
        put(&format!("reason_{}", a.member_id), a.reason.clone().unwrap_or_default());
    }
    for r in &d.ratings {
        put(&format!("rating_{}", r.member_id), r.rating.as_str().into());
    }
    for (i, r) in d.resolutions.iter().enumerate().take(3) {
        let purpose = domain::org_life::VotePurpose::ALL.iter().find(|p| p.label() == r.purpose);
        put(&format!("res_{i}_text"), r.text.clone());
        put(&format!("res_{i}_purpose"), purpose.map(|p| p.as_str()).unwrap_or("ordinary").into());
        put(&format!("res_{i}_yes"), r.votes.yes.to_string());
        put(&format!("res_{i}_no"), r.votes.no.to_string());
        put(&format!("res_{i}_abstain"), r.votes.abstain.to_string());
    }
    v
}

/// `GET /meetings/{id}/edit`: the saved record on the form, to correct it with a reason.
/// A changed kind or date (`?kind=…&date=…`, as the form's script reloads it) lists who was
/// expected for them.
async fn edit_meeting(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<NewQuery>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let d = state.services.meeting_detail(&v.actor, id).await?;
    if !d.editable {
        return Err(ServiceError::Forbidden.into());
    }
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let mut values = values_of(&d);
    if !q.kind.is_empty() {
        values.insert("kind".to_string(), q.kind);
    }
    if !q.date.is_empty() {
        values.insert("held_on".to_string(), q.date);
    }
    form_page_for(&state, &v, d.meeting.org_id, &values, &FieldErrors::new(), StatusCode::OK, Some(id)).await
}

/// `POST /meetings/{id}/edit`: the correction, checked as a new record is, with its reason.
async fn correct(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
    let id = id_param(&id)?;
    let reason = f.get("reason").cloned().unwrap_or_default();
    if refreshing(&f) {
        let d = state.services.meeting_detail(&v.actor, id).await?;
        return form_page_for(&state, &v, d.meeting.org_id, &f, &FieldErrors::new(), StatusCode::OK, Some(id)).await;
    }
    match state.services.correct_meeting(&v.actor, id, &meeting_input(&f), &reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/meetings/{id}")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let d = state.services.meeting_detail(&v.actor, id).await?;
            form_page_for(&state, &v, d.meeting.org_id, &f, &errors, StatusCode::BAD_REQUEST, Some(id)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether the form was sent with its "update" button: the kind or the date changed without
/// JavaScript, so the form comes back for that kind and day with everything typed kept, and
/// nothing is saved.
fn refreshing(f: &HashMap<String, String>) -> bool {
    f.get("_refresh").is_some_and(|v| v == "1")
}

/// The meeting typed on the form (also used by the API's form-shaped input).
pub(crate) fn meeting_input(f: &HashMap<String, String>) -> MeetingInput {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let id = |k: &str| f.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    let n = |k: &str| f.get(k).and_then(|v| v.trim().parse::<u32>().ok()).unwrap_or(0);
    let mut exceptions = HashMap::new();
    let mut ratings = HashMap::new();
    for (k, value) in f {
        if let Some(mid) = k.strip_prefix("att_").and_then(|m| m.parse::<i64>().ok())
            && value != "present"
        {
            exceptions.insert(mid, (value.clone(), f.get(&format!("reason_{mid}")).cloned().unwrap_or_default()));
        }
        if let Some(mid) = k.strip_prefix("rating_").and_then(|m| m.parse::<i64>().ok()) {
            ratings.insert(mid, value.clone());
        }
    }
    let resolutions = (0..3)
        .map(|i| ResolutionInput {
            text: get(&format!("res_{i}_text")),
            purpose: get(&format!("res_{i}_purpose")),
            yes: n(&format!("res_{i}_yes")),
            no: n(&format!("res_{i}_no")),
            abstain: n(&format!("res_{i}_abstain")),
        })
        .collect();
    MeetingInput {
        kind: get("kind"),
        held_on: get("held_on"),
        start_time: get("start_time"),
        place: get("place"),
        topic: get("topic"),
        first_agenda_item: get("first_agenda_item"),
        minutes: get("minutes"),
        has_vote: get("has_vote") == "1",
        host_member_id: id("host_member_id"),
        recorder_member_id: id("recorder_member_id"),
        lecturer_member_id: id("lecturer_member_id"),
        partner_member_id: id("partner_member_id"),
        talk_reason: get("talk_reason"),
        class_hours: get("class_hours"),
        by_principal: get("by_principal") == "1",
        guidance: get("guidance"),
        exceptions,
        resolutions,
        ratings,
    }
}

async fn record(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let f = form.map(|Form(f)| f).map_err(|_| PageError::BadRequest("提交的表单格式不正确，请返回重新填写".into()))?;
    check_csrf(&v, f.get("_csrf").map(String::as_str).unwrap_or_default())?;
    if refreshing(&f) {
        return form_page(&state, &v, id, &f, &FieldErrors::new(), StatusCode::OK).await;
    }
    match state.services.record_meeting(&v.actor, id, &meeting_input(&f)).await {
        Ok(mid) => Ok(Redirect::to(&format!("/meetings/{mid}")).into_response()),
        Err(ServiceError::Invalid(errors)) => form_page(&state, &v, id, &f, &errors, StatusCode::BAD_REQUEST).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    nav: crate::ui::Nav,
    d: services::org_life::MeetingDetail,
    year: String,
    present: usize,
    excused: usize,
    absent: usize,
    notice: String,
    accept: String,
    void_reason: String,
    void_error: String,
}

impl MeetingPage {
    /// "2026-11-20 张三更正：出席人数录错".
    fn correction(&self, c: &services::rows::CorrectionRow) -> String {
        services::ledger::correction_note(c)
    }

    fn size(&self, bytes: &i64) -> String {
        if *bytes >= 1024 * 1024 {
            format!("{}.{} MB", bytes / 1024 / 1024, bytes * 10 / 1024 / 1024 % 10)
        } else {
            format!("{} KB", (bytes + 1023) / 1024)
        }
    }
}

async fn meeting_page_with(state: &AppState, v: &Viewer, id: i64, notice: String, status: StatusCode) -> PageResult {
    meeting_page_full(state, v, id, notice, (String::new(), String::new()), status).await
}

async fn meeting_page_full(
    state: &AppState,
    v: &Viewer,
    id: i64,
    notice: String,
    (void_reason, void_error): (String, String),
    status: StatusCode,
) -> PageResult {
    let d = state.services.meeting_detail(&v.actor, id).await?;
    crate::ui::render_status(
        status,
        &MeetingPage {
            void_reason,
            void_error,
            year: d.meeting.held_on.year().to_string(),
            present: d.count(Attendance::Present),
            excused: d.count(Attendance::Excused),
            absent: d.count(Attendance::Absent),
            d,
            notice,
            accept: services::attachments::accepted(),
            nav: crate::ui::nav(v),
        },
    )
}

/// `POST /meetings/{id}/void`: voids the record with a reason (it stays, marked).
async fn void(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
    let id = id_param(&id)?;
    let reason = f.get("void_reason").cloned().unwrap_or_default();
    match state.services.void_meeting(&v.actor, id, &reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/meetings/{id}")).into_response()),
        Err(ServiceError::Invalid(e)) => {
            let error = e.get("void_reason").unwrap_or_default().to_string();
            meeting_page_full(&state, &v, id, String::new(), (reason, error), StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn meeting_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    meeting_page_with(&state, &v, id, String::new(), StatusCode::OK).await
}

async fn attach(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let too_big = format!("附件不能超过 {} MB", services::attachments::MAX_ATTACHMENT_BYTES / 1024 / 1024);
    let Ok(mut m) = m else {
        return meeting_page_with(&state, &v, id, "请选择要上传的文件".into(), StatusCode::BAD_REQUEST).await;
    };
    let mut csrf = String::new();
    let mut file = None;
    loop {
        let field = match m.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return meeting_page_with(&state, &v, id, too_big, StatusCode::PAYLOAD_TOO_LARGE).await;
            }
            Err(_) => {
                return meeting_page_with(&state, &v, id, "上传不完整，请重试".into(), StatusCode::BAD_REQUEST).await;
            }
        };
        match field.name().unwrap_or_default() {
            "_csrf" => csrf = field.text().await.unwrap_or_default(),
            "file" => {
                let name = field.file_name().unwrap_or("附件").to_string();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return meeting_page_with(&state, &v, id, too_big, StatusCode::PAYLOAD_TOO_LARGE).await;
                    }
                    Err(_) => {
                        let msg = "文件没有完整上传，请重试".to_string();
                        return meeting_page_with(&state, &v, id, msg, StatusCode::BAD_REQUEST).await;
                    }
                }
            }
            _ => {}
        }
    }
    check_csrf(&v, &csrf)?;
    let Some((name, bytes)) = file.filter(|(n, _)| !n.is_empty()) else {
        return meeting_page_with(&state, &v, id, "请选择要上传的文件".into(), StatusCode::BAD_REQUEST).await;
    };
    match state.services.attach(&v.actor, id, &name, &bytes).await {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{id}")).into_response()),
        Err(ServiceError::Invalid(e)) => {
            let msg = e.0.first().map(|x| x.message.clone()).unwrap_or_default();
            meeting_page_with(&state, &v, id, msg, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn attachment(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, aid)): Path<(String, String)>,
) -> PageResult {
    let (id, aid) = (id_param(&id)?, id_param(&aid)?);
    let (row, bytes) = state.services.attachment(&v.actor, id, aid).await?;
    Ok(crate::roster::stored_file(&row.file_name, row.content_type, bytes))
}
