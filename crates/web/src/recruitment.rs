//! Recruitment (发展党员): the pipeline board of a subtree with the form for a new application,
//! and one person's page (their steps in order, what is due, the form for the next step and the
//! probation's extension), as pages and in the API.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::FieldErrors;
use domain::dates::format_cn;
use domain::family::recruitment::{Stage, Step};
use serde::Deserialize;
use services::ServiceError;
use services::ledger::LedgerFormat;
use services::recruitment::{ApplicantForm, BoardFilter, BoardLine, RecruitView, StepForm};

use crate::AppState;
use crate::auth::{PageViewer, Viewer};
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other, summary_of};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/recruitment", get(board_page).post(apply))
        .route("/recruits/{id}", get(person_page).post(record_step))
        .route("/recruits/{id}/extension", post(extend))
        .route("/recruits/{id}/move", post(move_page))
        .route("/orgs/{id}/recruitment/filings.xlsx", get(filings_xlsx))
        .route("/orgs/{id}/recruitment/filings.pdf", get(filings_pdf))
        .route("/recruits/{id}/record.xlsx", get(record_xlsx))
        .route("/recruits/{id}/record.pdf", get(record_pdf))
}

// ---- the papers: 备案 lists and 纪实表 ----

async fn filings(state: &AppState, v: &Viewer, id: &str, format: LedgerFormat) -> PageResult {
    let id = id_param(id)?;
    crate::dues_branch::file_response(state.services.recruitment_filings(&v.actor, id, format).await?)
}

async fn filings_xlsx(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    filings(&state, &v, &id, LedgerFormat::Xlsx).await
}

async fn filings_pdf(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    filings(&state, &v, &id, LedgerFormat::Pdf).await
}

async fn record_sheet(state: &AppState, v: &Viewer, id: &str, format: LedgerFormat) -> PageResult {
    let id = id_param(id)?;
    crate::dues_branch::file_response(state.services.recruitment_record_sheet(&v.actor, id, format).await?)
}

async fn record_xlsx(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    record_sheet(&state, &v, &id, LedgerFormat::Xlsx).await
}

async fn record_pdf(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    record_sheet(&state, &v, &id, LedgerFormat::Pdf).await
}

// ---- the board ----

struct BoardRow {
    id: i64,
    name: String,
    branch: String,
    stage: &'static str,
    step: String,
    since: String,
    key_teacher: bool,
    overdue: usize,
}

#[derive(Template)]
#[template(path = "recruitment_board.html")]
struct BoardPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    /// (stage, people).
    stages: Vec<(&'static str, usize)>,
    key_teachers: usize,
    /// 双培养: members who are key teachers, of all members of the subtree.
    member_key_teachers: (i64, i64),
    /// The actor may import the sheet a branch keeps.
    can_import: bool,
    rows: Vec<BoardRow>,
    can_apply: bool,
    fields: Vec<Field>,
    error: String,
    /// The filter form: (value, label, selected) per branch and per stage; overdue only.
    branches: Vec<(i64, String, bool)>,
    stage_choices: Vec<(&'static str, &'static str, bool)>,
    overdue_only: bool,
    filtered: bool,
}

/// The board's query: `?branch=ID&stage=code&overdue=1`; what does not parse is ignored.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct BoardQuery {
    branch: Option<String>,
    stage: Option<String>,
    overdue: Option<String>,
}

impl BoardQuery {
    pub(crate) fn filter(&self) -> BoardFilter {
        BoardFilter {
            branch: self.branch.as_deref().and_then(|b| b.parse().ok()),
            stage: self.stage.as_deref().and_then(|s| Stage::ALL.into_iter().find(|x| x.as_str() == s)),
            overdue: self.overdue.as_deref() == Some("1"),
        }
    }
}

fn stage_counts(lines: &[BoardLine]) -> Vec<(&'static str, usize)> {
    Stage::ALL.iter().map(|s| (s.short(), lines.iter().filter(|l| l.stage == *s).count())).collect()
}

async fn board_view(
    state: &AppState,
    v: &Viewer,
    org_id: i64,
    query: &BoardQuery,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let org = state.services.org(&v.actor, org_id).await?;
    let all = state.services.recruitment_board(&v.actor, org_id).await?;
    let filter = query.filter();
    let mut branches: Vec<(i64, String, bool)> =
        all.iter().map(|l| (l.branch_id, l.branch_name.clone(), filter.branch == Some(l.branch_id))).collect();
    branches.sort();
    branches.dedup();
    let lines: Vec<BoardLine> = all.into_iter().filter(|l| filter.keeps(l)).collect();
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let applied = values.get("applied_on").cloned().unwrap_or_else(|| state.services.today().to_string());
    let fields = vec![
        Field::text("name", "姓名", &g("name"), &errors).required(),
        Field::text("id_number", "公民身份号码", &g("id_number"), &errors).required(),
        Field::select("ethnicity", "民族", &g("ethnicity"), crate::view::ethnicity_choices(), Some("请选择"), &errors)
            .required(),
        Field::select(
            "education",
            "学历",
            &g("education"),
            crate::view::education_choices(),
            Some("（不填）"),
            &errors,
        ),
        Field::text("unit_name", "工作单位", &g("unit_name"), &errors),
        Field::text("post", "工作岗位", &g("post"), &errors),
        Field::text("phone", "联系电话", &g("phone"), &errors).kind("tel"),
        Field::select(
            "key_teacher",
            "骨干教师（双培养）",
            &g("key_teacher"),
            vec![("no".into(), "否".into()), ("yes".into(), "是".into())],
            None,
            &errors,
        ),
        Field::text("applied_on", "递交入党申请书日期", &applied, &errors).kind("date").required(),
    ];
    let can_apply = org.kind == domain::org::OrgKind::Branch
        && domain::scope::can(
            &v.actor,
            domain::scope::Action::CreateMember,
            domain::scope::Target::Org(&org.org_path().map_err(|e| ServiceError::Internal(e.to_string()))?),
        );
    let page = BoardPage {
        nav: nav(v),
        org_id,
        org_name: org.name.clone(),
        stages: stage_counts(&lines),
        key_teachers: lines.iter().filter(|l| l.key_teacher).count(),
        member_key_teachers: state.services.key_teacher_members(&v.actor, org_id).await?,
        can_import: state.services.authorize_import(&v.actor).is_ok()
            && domain::scope::can(
                &v.actor,
                domain::scope::Action::CreateMember,
                domain::scope::Target::Org(&org.org_path().map_err(|e| ServiceError::Internal(e.to_string()))?),
            ),
        rows: lines
            .iter()
            .map(|l| BoardRow {
                id: l.id,
                name: l.name.clone(),
                branch: l.branch_name.clone(),
                stage: l.stage.short(),
                step: l.reached.map(Step::title).unwrap_or_default(),
                since: l.since.map(format_cn).unwrap_or_default(),
                key_teacher: l.key_teacher,
                overdue: l.overdue,
            })
            .collect(),
        can_apply,
        fields,
        error: summary_of(&errors),
        branches,
        stage_choices: Stage::ALL.iter().map(|s| (s.as_str(), s.short(), filter.stage == Some(*s))).collect(),
        overdue_only: filter.overdue,
        filtered: filter != BoardFilter::default(),
    };
    render_status(status, &page)
}

async fn board_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<BoardQuery>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    board_view(&state, &v, id, &q, &HashMap::new(), FieldErrors::new(), StatusCode::OK).await
}

fn applicant_of(f: &HashMap<String, String>) -> ApplicantForm {
    ApplicantForm {
        name: get_s(f, "name"),
        id_number: get_s(f, "id_number"),
        ethnicity: get_s(f, "ethnicity"),
        education: get_s(f, "education"),
        phone: get_s(f, "phone"),
        unit_name: get_s(f, "unit_name"),
        post: get_s(f, "post"),
        key_teacher: get_s(f, "key_teacher") == "yes",
        applied_on: get_s(f, "applied_on"),
    }
}

async fn apply(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    match state.services.create_applicant(&f.viewer.actor, id, &applicant_of(&f.fields)).await {
        Ok(person) => see_other(&format!("/recruits/{person}")),
        Err(ServiceError::Invalid(e)) => {
            board_view(&state, &f.viewer, id, &BoardQuery::default(), &f.fields, e, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- one person ----

struct StepLine {
    title: String,
    on: String,
    detail: String,
    reason: String,
    note: String,
}

struct FindingLine {
    rule_id: &'static str,
    severity: &'static str,
    message: String,
}

#[derive(Template)]
#[template(path = "recruit.html")]
struct PersonPage {
    nav: crate::ui::Nav,
    id: i64,
    name: String,
    branch: String,
    stage: &'static str,
    key_teacher: bool,
    member_id: Option<i64>,
    probation_ends: String,
    steps: Vec<StepLine>,
    findings: Vec<FindingLine>,
    next: String,
    next_code: String,
    /// The steps that may be recorded now (code, title), when more than the next one.
    choices: Vec<(&'static str, String)>,
    can_record: bool,
    fields: Vec<Field>,
    /// (member id, name, checked) for a step that names members.
    people: Vec<(i64, String, bool)>,
    error: String,
    can_extend: bool,
    extend_error: String,
    end_error: String,
    document_error: String,
    /// (id, step, file name, size).
    documents: Vec<(i64, String, String, String)>,
    /// The recorded steps a document may belong to, latest first.
    document_steps: Vec<(&'static str, String)>,
    /// Before admission: the path may end (withdrawn, not kept on).
    can_end: bool,
    /// A probationary member: the qualification may be cancelled on the member's decisions page.
    can_cancel: bool,
    /// The day and reason the path ended.
    ended: String,
    today: String,
    /// The probation's extension: months, day and deciding body.
    extension: String,
    /// The actor may record on this path (documents too, also after it is complete).
    can_record_any: bool,
    accepted: String,
    /// Branches the person may move to (DEV-TRANSFER-ACT), before admission.
    destinations: Vec<(i64, String)>,
    move_error: String,
}

/// The errors of the page's smaller forms, each shown beside its form.
#[derive(Default)]
pub(crate) struct Side {
    pub extend: String,
    pub end: String,
    pub document: String,
}

impl Side {
    fn first(e: &FieldErrors) -> String {
        e.0.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("；")
    }

    pub(crate) fn extend(e: &FieldErrors) -> Self {
        Side { extend: Self::first(e), ..Side::default() }
    }

    pub(crate) fn end(e: &FieldErrors) -> Self {
        Side { end: Self::first(e), ..Side::default() }
    }

    pub(crate) fn document(message: String) -> Self {
        Side { document: message, ..Side::default() }
    }
}

/// A stored step's detail: what was written, or an error naming the row.
pub(crate) fn detail_json(s: &services::recruitment::StepRow) -> Result<serde_json::Value, ServiceError> {
    serde_json::from_str(&s.detail)
        .map_err(|e| ServiceError::Internal(format!("recruit_steps {}: detail is not JSON: {e}", s.id)))
}

fn step_fields(
    next: Step,
    values: &HashMap<String, String>,
    errors: &FieldErrors,
    today: &str,
    voters: usize,
) -> Vec<Field> {
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let on = values.get("on").cloned().unwrap_or_else(|| today.to_string());
    let mut out = vec![Field::text("on", "日期", &on, errors).kind("date").required()];
    // "否" first: the usual answer is the one chosen unless changed.
    let yes_no = || vec![("no".to_string(), "否".to_string()), ("yes".to_string(), "是".to_string())];
    match next {
        Step::Talk | Step::HqTalk => out.push(
            Field::text(
                "people",
                if next == Step::Talk { "谈话人" } else { "谈话的党委委员或组织员" },
                &g("people"),
                errors,
            )
            .required()
            .hint("多人用“、”分隔"),
        ),
        Step::PoliticalReview => {
            out.push(
                Field::select(
                    "passed",
                    "政治审查结论",
                    &g("passed"),
                    vec![("yes".into(), "合格".into()), ("no".into(), "不合格".into())],
                    Some("请选择"),
                    errors,
                )
                .required(),
            );
            out.push(Field::text("people", "审查人", &g("people"), errors).hint("多人用“、”分隔"));
            out.push(Field::select("mobile", "流动人员", &g("mobile"), yes_no(), None, errors));
            out.push(
                Field::select(
                    "consulted",
                    "已征求户籍所在地和现居住地党组织意见",
                    &g("consulted"),
                    yes_no(),
                    None,
                    errors,
                )
                .hint("流动人员须征求两地党组织意见（DEV-POLREVIEW）"),
            );
        }
        Step::Training => {
            out.push(Field::text("days", "培训天数", &g("days"), errors).kind("number"));
            out.push(
                Field::text("hours", "培训学时", &g("hours"), errors)
                    .kind("number")
                    .hint("不少于3天或24学时（DEV-TRAINING）"),
            );
        }
        Step::PreReview => out.push(
            Field::select("leaving_soon", "三个月内将离开工作、学习单位", &g("leaving_soon"), yes_no(), None, errors)
                .hint("是：一般不办理接收预备党员的手续（DEV-PREREVIEW）"),
        ),
        Step::AdmissionAssembly | Step::ConfirmationAssembly => {
            let expected = values.get("expected").cloned().unwrap_or_else(|| voters.to_string());
            out.push(Field::text("expected", "应到会有表决权的正式党员", &expected, errors).kind("number").required());
            out.push(
                Field::text("present", "实到会有表决权的正式党员", &g("present"), errors).kind("number").required(),
            );
            out.push(Field::text("yes", "赞成票", &g("yes"), errors).kind("number").required());
            out.push(
                Field::text("written_yes", "因故未到会者书面意见中的赞成票", &g("written_yes"), errors)
                    .kind("number")
                    .hint("会前正式提出的书面意见计入票数（DEV-ASM-VOTE）"),
            );
        }
        Step::AdmissionApproval => out.push(
            Field::select(
                "dues_category",
                "新党员党费类别",
                &g("dues_category"),
                crate::view::dues_choices(),
                Some("请选择"),
                errors,
            )
            .required(),
        ),
        _ => {}
    }
    if matches!(next, Step::Candidate | Step::ConfirmationAssembly) {
        out.push(Field::text("publicity_from", "公示开始日期", &g("publicity_from"), errors).kind("date"));
        out.push(
            Field::text("publicity_to", "公示结束日期", &g("publicity_to"), errors)
                .kind("date")
                .hint("启用发展党员地方规程的，公示不少于5个工作日（DEV-L-PUBLICITY）"),
        );
    }
    out.push(Field::text("reason", "理由（不符合“一般”规定时填写）", &g("reason"), errors));
    out.push(Field::text("note", "情况记录", &g("note"), errors));
    out
}

/// The person's page again, with the error of one of its smaller forms.
pub(crate) async fn person_refused(state: &AppState, v: &Viewer, id: i64, side: Side) -> PageResult {
    person_view(state, v, id, &HashMap::new(), FieldErrors::new(), side, StatusCode::BAD_REQUEST).await
}

pub(crate) async fn person_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    side: Side,
    status: StatusCode,
) -> PageResult {
    let r = state.services.recruit(&v.actor, id).await?;
    let documents = state.services.recruit_documents(&v.actor, id).await?;
    let destinations = if r.can_record && r.row.member_id.is_none() && r.row.ended_on.is_none() {
        state.services.recruit_destinations(&v.actor, id).await?
    } else {
        Vec::new()
    };
    let move_error = errors.get("to_branch").unwrap_or_default().to_string();
    let today = state.services.today().to_string();
    let next = r.next;
    let fields = next.map(|n| step_fields(n, values, &errors, &today, r.voters.len())).unwrap_or_default();
    let names_people = matches!(next, Some(Step::Mentors | Step::Sponsors));
    let people = if names_people {
        r.voters.iter().map(|(mid, name)| (*mid, name.clone(), values.contains_key(&format!("member_{mid}")))).collect()
    } else {
        Vec::new()
    };
    let admitted = r.row.member_id.is_some() && !r.steps.iter().any(|s| s.step == Step::ConfirmationApproval);
    let page = PersonPage {
        nav: nav(v),
        id,
        name: r.row.name.clone(),
        branch: r.row.branch_name.clone(),
        stage: r.stage.label(),
        key_teacher: r.row.key_teacher,
        member_id: r.row.member_id,
        probation_ends: r.probation_ends.map(format_cn).unwrap_or_default(),
        steps: steps_of(&r)?,
        findings: r
            .findings
            .iter()
            .map(|f| FindingLine { rule_id: f.rule_id, severity: f.severity.label(), message: f.message.clone() })
            .collect(),
        next: next.map(Step::title).unwrap_or_default(),
        next_code: next.map(|s| s.as_str().to_string()).unwrap_or_default(),
        choices: if r.choices.len() > 1 {
            r.choices.iter().map(|s| (s.as_str(), s.title())).collect()
        } else {
            Vec::new()
        },
        can_record: r.can_record && !r.choices.is_empty(),
        fields,
        people,
        error: summary_of(&errors),
        can_extend: r.can_record && admitted && r.row.extension_months.is_none(),
        extend_error: side.extend,
        end_error: side.end,
        document_error: side.document,
        documents: documents
            .iter()
            .map(|d| (d.id, d.step.title(), d.file_name.clone(), format!("{:.1} KB", d.size_bytes as f64 / 1024.0)))
            .collect(),
        document_steps: {
            let mut recorded: Vec<Step> = r.steps.iter().map(|s| s.step).collect();
            recorded.dedup();
            recorded.into_iter().rev().map(|s| (s.as_str(), s.title())).collect()
        },
        can_end: r.can_record && r.row.member_id.is_none() && r.row.ended_on.is_none(),
        can_cancel: r.can_record && admitted && r.row.ended_on.is_none(),
        ended: r.row.ended_on.map(|d| format!("{}：{}", format_cn(d), r.row.end_reason)).unwrap_or_default(),
        today: today.clone(),
        extension: match (r.row.extension_months, r.row.extension_on) {
            (Some(m), Some(on)) => format!("已延长预备期{m}个月（{}，{}）", format_cn(on), r.row.extension_body),
            (Some(m), None) => format!("已延长预备期{m}个月"),
            _ => String::new(),
        },
        can_record_any: r.can_record,
        accepted: services::attachments::accepted(),
        destinations,
        move_error,
    };
    render_status(status, &page)
}

fn steps_of(r: &RecruitView) -> Result<Vec<StepLine>, ServiceError> {
    r.steps
        .iter()
        .map(|s| {
            Ok(StepLine {
                title: s.step.title(),
                on: format_cn(s.on_date),
                detail: services::recruitment_filings::step_words(s)?,
                reason: s.reason.clone(),
                note: s.note.clone(),
            })
        })
        .collect()
}

async fn person_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    person_view(&state, &v, id, &HashMap::new(), FieldErrors::new(), Side::default(), StatusCode::OK).await
}

/// A whole number typed into `k` (blank is 0); anything else is a field error.
fn number(f: &HashMap<String, String>, k: &'static str, e: &mut FieldErrors) -> u32 {
    let raw = get_s(f, k);
    match raw.trim() {
        "" => 0,
        t => t.parse().unwrap_or_else(|_| {
            e.add(k, "请填写整数");
            0
        }),
    }
}

fn step_form_of(f: &HashMap<String, String>, e: &mut FieldErrors) -> StepForm {
    let member_ids = f
        .iter()
        .filter(|(k, v)| k.starts_with("member_") && v.as_str() == "on")
        .filter_map(|(k, _)| k.trim_start_matches("member_").parse().ok())
        .collect();
    StepForm {
        step: get_s(f, "step"),
        on: get_s(f, "on"),
        reason: get_s(f, "reason"),
        note: get_s(f, "note"),
        member_ids,
        people: get_s(f, "people"),
        passed: match get_s(f, "passed").as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        days: number(f, "days", e),
        hours: number(f, "hours", e),
        leaving_soon: get_s(f, "leaving_soon") == "yes",
        publicity_from: get_s(f, "publicity_from"),
        publicity_to: get_s(f, "publicity_to"),
        mobile: get_s(f, "mobile") == "yes",
        consulted: get_s(f, "consulted") == "yes",
        expected: number(f, "expected", e),
        present: number(f, "present", e),
        yes: number(f, "yes", e),
        written_yes: number(f, "written_yes", e),
        dues_category: get_s(f, "dues_category"),
    }
}

async fn record_step(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let mut e = FieldErrors::new();
    let form = step_form_of(&f.fields, &mut e);
    if !e.is_empty() {
        return person_view(&state, &f.viewer, id, &f.fields, e, Side::default(), StatusCode::BAD_REQUEST).await;
    }
    match state.services.record_step(&f.viewer.actor, id, &form).await {
        Ok(_) => see_other(&format!("/recruits/{id}")),
        Err(ServiceError::Invalid(e)) => {
            person_view(&state, &f.viewer, id, &f.fields, e, Side::default(), StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn extend(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let mut e = FieldErrors::new();
    let months = number(&f.fields, "months", &mut e);
    if !e.is_empty() {
        return person_refused(&state, &f.viewer, id, Side::extend(&e)).await;
    }
    let (on, body) = (get_s(&f.fields, "on"), get_s(&f.fields, "body"));
    match state.services.extend_probation(&f.viewer.actor, id, months, &on, &body).await {
        Ok(()) => see_other(&format!("/recruits/{id}")),
        Err(ServiceError::Invalid(e)) => person_refused(&state, &f.viewer, id, Side::extend(&e)).await,
        Err(e) => Err(e.into()),
    }
}

async fn move_page(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let to: i64 = get_s(&f.fields, "to_branch").trim().parse().unwrap_or(0);
    match state.services.move_recruit(&f.viewer.actor, id, to).await {
        Ok(()) => see_other(&format!("/recruits/{id}")),
        Err(ServiceError::Invalid(e)) => {
            person_view(&state, &f.viewer, id, &HashMap::new(), e, Side::default(), StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}
