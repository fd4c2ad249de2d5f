//! Organizational life in the JSON API: records, findings with their explanations, and the
//! compliance roll-up, for scripts and the systems above a committee.

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, id_of, ok};
use crate::auth::ApiViewer;
use crate::error::ApiError;
use crate::ui::Routes;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use domain::org_life::{AppraisalRating, Attendance, MeetingKind};
use domain::rules::Severity;
use serde::{Deserialize, Serialize};
use services::org_life::MeetingInput;
use utoipa::ToSchema;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/meetings", get(meetings).post(record))
        .route("/meetings/{id}", get(meeting).put(correct))
        .route("/meetings/{id}/void", post(void))
        .route("/orgs/{id}/findings", get(findings))
        .route("/orgs/{id}/findings/explain", post(explain))
        .route("/orgs/{id}/ledger", get(ledger))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<i32>,
    as_of: Option<String>,
    format: Option<String>,
}

/// The year asked for (this year by default) and the as-of date: given, or today for this
/// year and the first day of the next for a past year.
fn year_and_as_of(q: Result<Query<YearQuery>, QueryRejection>, today: NaiveDate) -> Result<(i32, NaiveDate), ApiError> {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(format!("查询参数有误：{}", e.body_text())))?;
    let year = q.year.unwrap_or(today.year());
    if !(1949..=today.year() + 1).contains(&year) {
        return Err(ApiError::BadRequest(format!("年份 {year} 超出范围")));
    }
    let as_of = match q.as_of.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => domain::dates::parse_date(s).map_err(|e| ApiError::BadRequest(format!("as_of：{e}")))?,
        None if year < today.year() => NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(today),
        None => today,
    };
    Ok((year, as_of))
}

async fn meetings(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let (year, _) = year_and_as_of(q, state.services.today())?;
    let list = state.services.meetings_of(&v.actor, id_of(&id)?, year).await?;
    ok(MeetingList { year, meetings: list.iter().map(Meeting::from).collect() })
}

async fn record(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<MeetingInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let meeting_id = state.services.record_meeting(&v.actor, id, &body(b)?).await?;
    created(Created { id: meeting_id })
}

async fn meeting(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    ok(MeetingDetail::from(&state.services.meeting_detail(&v.actor, id_of(&id)?).await?))
}

/// A correction of a saved record: the corrected record, as when recording it, and the reason.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub(crate) struct CorrectionBody {
    /// Why the record is corrected (at least 4 characters); kept with the version before.
    reason: String,
    #[serde(flatten)]
    meeting: MeetingInput,
}

async fn correct(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<CorrectionBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.correct_meeting(&v.actor, id, &b.meeting, &b.reason).await?;
    crate::api::done()
}

/// Why a record is voided.
#[derive(Deserialize, ToSchema)]
pub(crate) struct VoidBody {
    /// At least 4 characters; kept with the record.
    reason: String,
}

async fn void(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<VoidBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    state.services.void_meeting(&v.actor, id, &body(b)?.reason).await?;
    crate::api::done()
}

async fn findings(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let (year, as_of) = year_and_as_of(q, state.services.today())?;
    let findings = state.services.org_findings(&v.actor, id, year, as_of).await?;
    let explanations = state.services.explanations(&v.actor, id).await?;
    ok(FindingList {
        year,
        as_of,
        findings: findings.iter().map(Finding::from).collect(),
        explanations: explanations.into_iter().map(Explanation::from).collect(),
    })
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct ExplainBody {
    rule_id: String,
    #[serde(default)]
    period_start: String,
    /// The finding's subject ("member:12"); the org itself when left out.
    #[serde(default)]
    subject: String,
    reason: String,
}

async fn explain(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ExplainBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    let eid = state.services.explain_finding(&v.actor, id, &b.rule_id, &b.period_start, &b.subject, &b.reason).await?;
    created(Created { id: eid })
}

async fn ledger(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let format = match q.as_ref().ok().and_then(|Query(q)| q.format.as_deref()) {
        None | Some("xlsx") => services::ledger::LedgerFormat::Xlsx,
        Some("pdf") => services::ledger::LedgerFormat::Pdf,
        Some(other) => return Err(ApiError::BadRequest(format!("format 只能是 xlsx 或 pdf，不是 {other}"))),
    };
    let (year, as_of) = year_and_as_of(q, state.services.today())?;
    let f = state.services.ledger(&v.actor, id, year, as_of, format).await?;
    Ok(crate::roster::download(f.bytes, &f.file_name, f.content_type))
}

/// Who was expected at a meeting and whether they came.
#[derive(Serialize, ToSchema)]
pub(crate) struct Attendee {
    pub member_id: i64,
    pub member_name: String,
    /// Probationary on the day (attends, does not vote: CON-PROB-RIGHTS).
    pub probationary: bool,
    /// A leading cadre taking part under 双重组织生活 (no vote here).
    pub dual_org_life: bool,
    pub attendance: Attendance,
    pub reason: Option<String>,
}

impl From<&services::rows::AttendanceRow> for Attendee {
    fn from(a: &services::rows::AttendanceRow) -> Self {
        Self {
            member_id: a.member_id,
            member_name: a.member_name.clone(),
            probationary: a.probationary,
            dual_org_life: a.dual_org_life,
            attendance: a.attendance,
            reason: a.reason.clone(),
        }
    }
}

/// A meeting record (组织生活记录) with its attendance.
#[derive(Serialize, ToSchema)]
pub(crate) struct Meeting {
    pub id: i64,
    pub org_id: i64,
    pub kind: MeetingKind,
    pub held_on: NaiveDate,
    /// `HH:MM`.
    pub start_time: Option<String>,
    pub place: String,
    pub topic: String,
    pub first_agenda_item: Option<String>,
    /// Rich text (HTML), cleaned when saved.
    pub minutes: String,
    pub host_member_id: Option<i64>,
    pub recorder_member_id: Option<i64>,
    pub lecturer_member_id: Option<i64>,
    /// The other person of a 谈心谈话.
    pub partner_member_id: Option<i64>,
    pub talk_reason: Option<String>,
    pub has_vote: bool,
    /// The day the record was voided (作废), if it was: it then counts for nothing.
    pub voided_on: Option<NaiveDate>,
    pub void_reason: Option<String>,
    /// Class hours given to those present ("2", "1.5"), when counted (EDU-TRAIN-HOURS).
    pub class_hours: Option<String>,
    /// A 思政课 given by the school's principal (SZK-LECTURE).
    pub by_principal: bool,
    /// The guidance of the level above at a 民主生活会 (上级指导).
    pub guidance: Option<String>,
    pub attendance: Vec<Attendee>,
}

impl Meeting {
    fn of(m: &services::rows::MeetingRow, attendance: &[services::rows::AttendanceRow]) -> Self {
        Self {
            id: m.id,
            org_id: m.org_id,
            kind: m.kind,
            held_on: m.held_on,
            start_time: m.start_time.clone(),
            place: m.place.clone(),
            topic: m.topic.clone(),
            first_agenda_item: m.first_agenda_item.clone(),
            minutes: m.minutes.clone(),
            host_member_id: m.host_member_id,
            recorder_member_id: m.recorder_member_id,
            lecturer_member_id: m.lecturer_member_id,
            partner_member_id: m.partner_member_id,
            talk_reason: m.talk_reason.clone(),
            class_hours: m.class_hours.map(|h| h.to_string()),
            by_principal: m.by_principal,
            guidance: m.guidance.clone(),
            has_vote: m.has_vote,
            voided_on: m.voided_on,
            void_reason: m.void_reason.clone(),
            attendance: attendance.iter().map(Attendee::from).collect(),
        }
    }
}

impl From<&services::org_life::MeetingView> for Meeting {
    fn from(v: &services::org_life::MeetingView) -> Self {
        Meeting::of(&v.meeting, &v.attendance)
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct MeetingList {
    pub year: i32,
    pub meetings: Vec<Meeting>,
}

/// A resolution and its vote, judged by the rule of its purpose.
#[derive(Serialize, ToSchema)]
pub(crate) struct Resolution {
    pub text: String,
    /// The purpose's Chinese label (一般事项、接收预备党员 …).
    pub purpose: String,
    pub voters_expected: u32,
    pub voters_present: u32,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    pub passed: bool,
    /// Why it passed or failed, in Chinese.
    pub outcome: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Rating {
    pub member_id: i64,
    pub member_name: String,
    pub rating: AppraisalRating,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Attachment {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// A meeting record with its resolutions, ratings, attachments and the people named in it.
#[derive(Serialize, ToSchema)]
pub(crate) struct MeetingDetail {
    pub meeting: Meeting,
    pub org_name: String,
    pub kind_label: String,
    pub resolutions: Vec<Resolution>,
    pub ratings: Vec<Rating>,
    pub attachments: Vec<Attachment>,
    pub host_name: Option<String>,
    pub recorder_name: Option<String>,
    pub lecturer_name: Option<String>,
    pub partner_name: Option<String>,
    /// Whether enough came for a vote, in Chinese (branch assemblies and committee meetings).
    pub quorum: Option<String>,
    pub quorum_met: Option<bool>,
    pub editable: bool,
    /// The record's corrections, oldest first (the version before each is in the audit log).
    pub corrections: Vec<Correction>,
}

/// A correction of a record: when, by whom, why.
#[derive(Serialize, ToSchema)]
pub(crate) struct Correction {
    pub reason: String,
    pub account_name: Option<String>,
    /// Epoch milliseconds.
    pub created_at: i64,
}

impl From<&services::org_life::MeetingDetail> for MeetingDetail {
    fn from(d: &services::org_life::MeetingDetail) -> Self {
        Self {
            meeting: Meeting::of(&d.meeting, &d.attendance),
            org_name: d.org_name.clone(),
            kind_label: d.kind_label.into(),
            resolutions: d
                .resolutions
                .iter()
                .map(|r| Resolution {
                    text: r.text.clone(),
                    purpose: r.purpose.into(),
                    voters_expected: r.votes.voters_expected,
                    voters_present: r.votes.voters_present,
                    yes: r.votes.yes,
                    no: r.votes.no,
                    abstain: r.votes.abstain,
                    passed: r.passed,
                    outcome: r.outcome.clone(),
                })
                .collect(),
            ratings: d
                .ratings
                .iter()
                .map(|r| Rating { member_id: r.member_id, member_name: r.member_name.clone(), rating: r.rating })
                .collect(),
            attachments: d
                .attachments
                .iter()
                .map(|a| Attachment {
                    id: a.id,
                    file_name: a.file_name.clone(),
                    content_type: a.content_type.clone(),
                    size_bytes: a.size_bytes,
                    sha256: a.sha256.clone(),
                })
                .collect(),
            host_name: d.host_name.clone(),
            recorder_name: d.recorder_name.clone(),
            lecturer_name: d.lecturer_name.clone(),
            partner_name: d.partner_name.clone(),
            quorum: d.quorum.clone(),
            quorum_met: d.quorum_met,
            editable: d.editable,
            corrections: d
                .corrections
                .iter()
                .map(|c| Correction {
                    reason: c.reason.clone(),
                    account_name: c.account_name.clone(),
                    created_at: c.created_at,
                })
                .collect(),
        }
    }
}

/// Where a finding is fixed: a label and the page's address.
#[derive(Serialize, ToSchema)]
pub(crate) struct FixLink {
    pub label: String,
    pub href: String,
}

/// A finding of the rules engine ("支委会 not held in March"), citing its rule.
#[derive(Serialize, ToSchema)]
pub(crate) struct Finding {
    pub rule_id: String,
    /// The clause of the regulation the rule comes from.
    pub citation: String,
    pub title: String,
    /// The rule family (`org_life`, `structure` …).
    pub family: String,
    /// Where the rule in force comes from: national, a local rule set, or a committee's setting.
    pub source: String,
    /// What the finding is about: `org:12`, `member:34`, `meeting:56` (used to explain it).
    pub subject: String,
    pub org_id: i64,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub severity: Severity,
    pub message: String,
    /// The records it concerns, as `meeting:56`.
    pub records: Vec<String>,
    pub fix: Option<FixLink>,
    pub due: Option<NaiveDate>,
}

impl From<&domain::findings::Finding> for Finding {
    fn from(f: &domain::findings::Finding) -> Self {
        Self {
            rule_id: f.rule_id.into(),
            citation: f.citation.into(),
            title: f.title.into(),
            family: f.family.id.into(),
            source: f.source.label(),
            subject: f.subject.key(),
            org_id: f.org_id,
            period_start: f.period.map(|p| p.start()),
            period_end: f.period.map(|p| p.end()),
            severity: f.severity,
            message: f.message.clone(),
            records: f.records.iter().map(|r| format!("{}:{}", r.kind, r.id)).collect(),
            fix: f.fix.as_ref().and_then(|x| crate::fix::href(x).map(|href| FixLink { label: x.label.clone(), href })),
            due: f.due,
        }
    }
}

/// A reason given for a finding (情况说明), kept and audited.
#[derive(Serialize, ToSchema)]
pub(crate) struct Explanation {
    pub id: i64,
    pub rule_id: String,
    pub period_start: String,
    /// The finding's subject; empty for explanations of every finding of the rule and period.
    pub subject: String,
    pub reason: String,
    pub account_name: Option<String>,
    /// Epoch milliseconds.
    pub created_at: i64,
}

impl From<services::rows::ExplanationRow> for Explanation {
    fn from(e: services::rows::ExplanationRow) -> Self {
        Self {
            id: e.id,
            rule_id: e.rule_id,
            period_start: e.period_start,
            subject: e.subject,
            reason: e.reason,
            account_name: e.account_name,
            created_at: e.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct FindingList {
    pub year: i32,
    pub as_of: NaiveDate,
    pub findings: Vec<Finding>,
    pub explanations: Vec<Explanation>,
}
