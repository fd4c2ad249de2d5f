//! Term elections (换届选举, EL-*): an org's elections with the form that records one (the
//! voters on the day, candidates and their votes, the secretary and deputy chosen, the higher
//! level's approval), one election's tally, and the same in the API.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use chrono::NaiveDate;
use domain::FieldErrors;
use domain::codes::MemberStatus;
use domain::dates::format_cn;
use serde::Serialize;
use services::ServiceError;
use services::elections::{
    CandidateInput, ElectionForm, ElectionRow, ElectionSetup, ElectionView, TermLine, TermState,
};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer};
use crate::dues::query;
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/elections", get(page).post(record))
        .route("/elections/{id}", get(show))
        .route("/elections/{id}/sheets.pdf", get(sheets))
        .route("/orgs/{id}/terms", get(terms))
}

pub fn api_routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/elections", get(api_list).post(api_record))
        .route("/orgs/{id}/elections/setup", get(api_setup))
        .route("/elections/{id}", get(api_one))
        .route("/orgs/{id}/terms", get(api_terms))
}

/// How many terms the calendar lists.
const TERMS_SHOWN: usize = 300;

#[derive(Template)]
#[template(path = "terms.html")]
struct TermsPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    rows: Vec<TermRowView>,
    shown: usize,
}

/// One org's term on the calendar page.
struct TermRowView {
    org_id: i64,
    name: String,
    kind: String,
    start: String,
    years: String,
    end: String,
    state: &'static str,
    /// overdue, due, current or unknown (a CSS class).
    code: &'static str,
}

async fn terms(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    let org = state.services.org(&v.actor, id).await?;
    let lines = state.services.term_calendar(&v.actor, id, state.services.today(), TERMS_SHOWN).await?;
    let rows = lines
        .iter()
        .map(|l| {
            let code = match l.state {
                TermState::Overdue => "overdue",
                TermState::Due => "due",
                TermState::Current => "current",
                TermState::Unknown => "unknown",
            };
            TermRowView {
                org_id: l.org_id,
                name: l.name.clone(),
                kind: l.kind.clone(),
                start: l.start.map(format_cn).unwrap_or_default(),
                years: l.years.map(|y| format!("{y}年")).unwrap_or_default(),
                end: l.end.map(format_cn).unwrap_or_default(),
                state: l.state.label(),
                code,
            }
        })
        .collect();
    render_status(StatusCode::OK, &TermsPage { nav: nav(&v), org_id: id, org_name: org.name, rows, shown: TERMS_SHOWN })
}

/// The term calendar of an org's subtree in the API.
#[derive(Serialize, ToSchema)]
pub(crate) struct TermCalendar {
    pub org_id: i64,
    pub terms: Vec<TermLine>,
}

async fn api_terms(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let terms = state.services.term_calendar(&v.actor, id, state.services.today(), TERMS_SHOWN).await?;
    ok(TermCalendar { org_id: id, terms })
}

/// A member on the form: may they stand and vote, and what was typed for them.
struct Person {
    id: i64,
    name: String,
    /// Why they do not vote (预备党员, 留党察看), empty for a voter.
    no_vote: &'static str,
    candidate: bool,
    votes: String,
    secretary: bool,
    deputy: bool,
}

struct Past {
    id: i64,
    held_on: String,
    mode: &'static str,
    term: String,
    counts: String,
}

#[derive(Template)]
#[template(path = "elections.html")]
struct ElectionsPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    held_on: String,
    term: String,
    voters_expected: u32,
    base: &'static str,
    people: Vec<Person>,
    past: Vec<Past>,
    can_record: bool,
    fields: Vec<Field>,
    candidates_error: String,
    secretary_error: String,
    error: String,
}

fn past_line(e: &ElectionRow) -> Past {
    let counts = match (e.voters_expected, e.voters_present, e.seats) {
        (Some(x), Some(p), Some(s)) => format!("应到{x}人，实到{p}人，应选{s}名"),
        _ => "仅有选举日期".to_string(),
    };
    Past {
        id: e.id,
        held_on: format_cn(e.held_on),
        mode: e.mode.label(),
        term: e.term_years.map(|y| format!("{y}年")).unwrap_or_default(),
        counts,
    }
}

fn term_text(s: &ElectionSetup) -> String {
    match (s.term_start, s.term_end) {
        (Some(start), Some(end)) => format!("{}起，{}届满", format_cn(start), format_cn(end)),
        (Some(start), None) => format!("{}起", format_cn(start)),
        _ => "未录入".to_string(),
    }
}

async fn view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let today = state.services.today();
    let held_on =
        values.get("held_on").and_then(|d| domain::dates::parse_iso(d.trim())).filter(|d| *d <= today).unwrap_or(today);
    let setup = state.services.election_setup(&v.actor, id, held_on).await?;
    let past = state.services.elections_of_org(&v.actor, id).await?;
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let people = setup
        .members
        .iter()
        .map(|m| Person {
            id: m.member_id,
            name: m.name.clone(),
            no_vote: if m.status != MemberStatus::Full {
                "预备党员"
            } else if m.observed {
                "留党察看"
            } else {
                ""
            },
            candidate: values.contains_key(&format!("cand_{}", m.member_id)),
            votes: g(&format!("votes_{}", m.member_id)),
            secretary: g("secretary_id") == m.member_id.to_string(),
            deputy: g("deputy_id") == m.member_id.to_string(),
        })
        .collect();
    let years = values.get("term_years").cloned().unwrap_or_else(|| setup.usual_term_years.to_string());
    let modes =
        vec![("assembly".to_string(), "党员大会".to_string()), ("congress".to_string(), "党员代表大会".to_string())];
    let fields = vec![
        Field::select("mode", "选举方式", &g("mode"), modes, None, &errors),
        Field::text("term_years", "本届任期（年）", &years, &errors).required(),
        Field::text("voters_expected", "应到代表人数", &g("voters_expected"), &errors).hint("仅党员代表大会填写"),
        Field::text("voters_present", "实到有选举权人数", &g("voters_present"), &errors).required(),
        Field::text("seats", "应选人数", &g("seats"), &errors).required().hint("不设委员会的支部选书记1名"),
        Field::text("ballots_issued", "发出选票", &g("ballots_issued"), &errors).required(),
        Field::text("ballots_returned", "收回选票", &g("ballots_returned"), &errors).required(),
        Field::text("ballots_invalid", "无效票", &g("ballots_invalid"), &errors),
        Field::text("approval_no", "上级批复文号", &g("approval_no"), &errors).required(),
        Field::text("approved_on", "批复日期", &g("approved_on"), &errors).kind("date").required(),
        Field::text("timing_approval_no", "延期或提前换届批准文号", &g("timing_approval_no"), &errors)
            .hint("任期届满后或届满前6个月以前换届的填写（EL-ONTIME）"),
        Field::text("congress_approval_no", "召开党员代表大会批准文号", &g("congress_approval_no"), &errors)
            .hint("党员不足500名召开党员代表大会的填写（EL-CONGRESS）"),
    ];
    let page = ElectionsPage {
        nav: nav(v),
        org_id: id,
        org_name: setup.org_name.clone(),
        held_on: held_on.to_string(),
        term: term_text(&setup),
        voters_expected: setup.voters_expected,
        base: if setup.majority_base == "expected" { "应到会人数" } else { "实到会人数" },
        people,
        past: past.iter().map(past_line).collect(),
        can_record: setup.can_record,
        fields,
        candidates_error: errors.get("candidates").unwrap_or_default().to_string(),
        secretary_error: [errors.get("secretary_id"), errors.get("deputy_id")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("；"),
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
    view(&state, &v, id, &query(q), FieldErrors::new(), StatusCode::OK).await
}

fn form_of(f: &HashMap<String, String>) -> ElectionForm {
    let mut candidates: Vec<CandidateInput> = f
        .keys()
        .filter_map(|k| k.strip_prefix("cand_").and_then(|id| id.parse::<i64>().ok()))
        .map(|id| CandidateInput { member_id: id, votes: get_s(f, &format!("votes_{id}")) })
        .collect();
    candidates.sort_by_key(|c| c.member_id);
    ElectionForm {
        mode: get_s(f, "mode"),
        held_on: get_s(f, "held_on"),
        term_years: get_s(f, "term_years"),
        voters_expected: get_s(f, "voters_expected"),
        voters_present: get_s(f, "voters_present"),
        seats: get_s(f, "seats"),
        ballots_issued: get_s(f, "ballots_issued"),
        ballots_returned: get_s(f, "ballots_returned"),
        ballots_invalid: get_s(f, "ballots_invalid"),
        candidates,
        secretary_id: get_s(f, "secretary_id").trim().parse().ok(),
        deputy_id: get_s(f, "deputy_id").trim().parse().ok(),
        approval_no: get_s(f, "approval_no"),
        approved_on: get_s(f, "approved_on"),
        timing_approval_no: get_s(f, "timing_approval_no"),
        congress_approval_no: get_s(f, "congress_approval_no"),
    }
}

async fn record(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    // "更新名单" posts the form back with the members of the day typed, keeping what was typed.
    if get_s(&f.fields, "action") == "reload" {
        return view(&state, &f.viewer, id, &f.fields, FieldErrors::new(), StatusCode::OK).await;
    }
    match state.services.record_election(&f.viewer.actor, id, &form_of(&f.fields)).await {
        Ok(e) => see_other(&format!("/elections/{e}")),
        Err(ServiceError::Invalid(e)) => view(&state, &f.viewer, id, &f.fields, e, StatusCode::BAD_REQUEST).await,
        Err(e) => Err(e.into()),
    }
}

async fn sheets(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    crate::dues_branch::file_response(state.services.election_sheets(&v.actor, id).await?)
}

#[derive(Template)]
#[template(path = "election.html")]
struct ShowPage {
    nav: crate::ui::Nav,
    v: ElectionView,
    held_on: String,
    approved_on: String,
    mode: &'static str,
    /// (name, votes, result).
    rows: Vec<(String, i64, &'static str)>,
}

async fn show(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    let e = state.services.election(&v.actor, id).await?;
    let rows = e
        .candidates
        .iter()
        .map(|c| {
            let result = match c.post.as_deref() {
                Some("secretary") => "当选（书记）",
                Some("deputy_secretary") => "当选（副书记）",
                Some(_) => "当选（委员）",
                None => "未当选",
            };
            (c.name.clone(), c.votes, result)
        })
        .collect();
    let page = ShowPage {
        nav: nav(&v),
        held_on: format_cn(e.election.held_on),
        approved_on: e.election.approved_on.map(format_cn).unwrap_or_default(),
        mode: e.election.mode.label(),
        rows,
        v: e,
    };
    render_status(StatusCode::OK, &page)
}

/// An org's elections in the API.
#[derive(Serialize, ToSchema)]
pub(crate) struct ElectionList {
    pub org_id: i64,
    pub elections: Vec<Election>,
}

/// One election: its counts (empty for a past election recorded by its day) and candidates.
#[derive(Serialize, ToSchema)]
pub(crate) struct Election {
    pub id: i64,
    pub org_id: i64,
    pub held_on: NaiveDate,
    /// assembly, congress or recorded.
    pub mode: String,
    pub term_years: Option<i64>,
    pub voters_expected: Option<i64>,
    pub voters_present: Option<i64>,
    pub seats: Option<i64>,
    pub ballots_issued: Option<i64>,
    pub ballots_returned: Option<i64>,
    pub ballots_invalid: Option<i64>,
    pub approval_no: String,
    pub approved_on: Option<NaiveDate>,
    pub candidates: Vec<Candidate>,
}

/// A candidate and their votes; `post` is the post an elected one took.
#[derive(Serialize, ToSchema)]
pub(crate) struct Candidate {
    pub member_id: i64,
    pub name: String,
    pub votes: i64,
    pub elected: bool,
    pub post: Option<String>,
}

fn election(e: ElectionRow, candidates: Vec<services::elections::CandidateRow>) -> Election {
    Election {
        id: e.id,
        org_id: e.org_id,
        held_on: e.held_on,
        mode: e.mode.as_str().into(),
        term_years: e.term_years,
        voters_expected: e.voters_expected,
        voters_present: e.voters_present,
        seats: e.seats,
        ballots_issued: e.ballots_issued,
        ballots_returned: e.ballots_returned,
        ballots_invalid: e.ballots_invalid,
        approval_no: e.approval_no,
        approved_on: e.approved_on,
        candidates: candidates
            .into_iter()
            .map(|c| Candidate {
                member_id: c.member_id,
                name: c.name,
                votes: c.votes,
                elected: c.elected,
                post: c.post,
            })
            .collect(),
    }
}

async fn api_list(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let list = state.services.elections_of_org(&v.actor, id).await?;
    ok(ElectionList { org_id: id, elections: list.into_iter().map(|e| election(e, Vec::new())).collect() })
}

async fn api_one(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let e = state.services.election(&v.actor, id).await?;
    ok(election(e.election, e.candidates))
}

/// The voters of an election held on a day.
#[derive(Serialize, ToSchema)]
pub(crate) struct Setup {
    pub org_id: i64,
    pub held_on: NaiveDate,
    /// Full members not under 留党察看 on the day (EL-RIGHTS).
    pub voters_expected: u32,
    /// present or expected (EL-ELECTED's base in force).
    pub majority_base: String,
    pub voters: Vec<Voter>,
}

/// A member of the org on the day.
#[derive(Serialize, ToSchema)]
pub(crate) struct Voter {
    pub member_id: i64,
    pub name: String,
    /// May vote and stand (EL-RIGHTS).
    pub votes: bool,
}

async fn api_setup(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = query(q);
    let today = state.services.today();
    let on = match q.get("on").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => today,
        Some(s) => domain::dates::parse_iso(s).filter(|d| *d <= today).ok_or_else(|| {
            crate::error::ApiError::BadRequest(format!("on 应为不晚于今天的日期 YYYY-MM-DD，而不是 {s:?}"))
        })?,
    };
    let s = state.services.election_setup(&v.actor, id, on).await?;
    ok(Setup {
        org_id: id,
        held_on: on,
        voters_expected: s.voters_expected,
        majority_base: s.majority_base,
        voters: s
            .members
            .into_iter()
            .map(|m| Voter {
                votes: m.status == MemberStatus::Full && !m.observed,
                member_id: m.member_id,
                name: m.name,
            })
            .collect(),
    })
}

async fn api_record(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ElectionForm>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_election(&v.actor, id, &b).await? })
}
