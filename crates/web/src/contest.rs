//! The "学条例" knowledge contest (知识竞赛) pages: an org's contests, its question bank with the
//! form to add a question and the sheet import, the form to set a contest, a contest with the
//! member's paper (answered once, at phone width), and the results per org with their ledger.
//! The API is in [`crate::api_contest`].

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use domain::FieldErrors;
use domain::contest::{ContestInput, LETTERS, QuestionInput, QuestionKind};
use domain::dates::format_cn;
use services::ServiceError;
use services::contest::{AnswersIn, ContestView, Results};
use services::contest_import::QuestionImport;
use services::ledger::LedgerFormat;

use crate::AppState;
use crate::auth::{PageViewer, Viewer};
use crate::dues::query;
use crate::error::PageError;
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub(crate) use crate::roster::BODY_LIMIT;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/contests", get(list_page))
        .route("/orgs/{id}/contests/new", get(new_page).post(set))
        .route("/orgs/{id}/questions", get(bank_page).post(add_question))
        .route(
            "/orgs/{id}/questions/import",
            get(import_page).post(import_upload).layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .route("/questions/template.xlsx", get(template))
        .route("/contests/{id}", get(contest_page).post(submit))
        .route("/contests/{id}/results", get(results_page))
        .route("/contests/{id}/results.xlsx", get(results_xlsx))
        .route("/contests/{id}/results.pdf", get(results_pdf))
}

fn window(starts_on: chrono::NaiveDate, ends_on: chrono::NaiveDate) -> String {
    format!("{}—{}", format_cn(starts_on), format_cn(ends_on))
}

// ---------------------------------------------------------------------------------------------
// An org's contests
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "contests.html")]
struct ListPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    can_set: bool,
    /// (id, title, set by, window, state, questions, ranking).
    contests: Vec<[String; 7]>,
}

async fn list_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    let list = state.services.contests(&v.actor, id).await?;
    let contests = list
        .contests
        .iter()
        .map(|l| {
            let c = &l.contest;
            [
                c.id.to_string(),
                c.title.clone(),
                c.org_name.clone(),
                window(c.starts_on, c.ends_on),
                l.state.label().to_string(),
                c.question_count.to_string(),
                if c.ranking { "是" } else { "否" }.to_string(),
            ]
        })
        .collect();
    let page = ListPage { nav: nav(&v), org_id: id, org_name: list.org_name, can_set: list.can_set, contests };
    render_status(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------------------
// Setting a contest
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "contest_form.html")]
struct FormPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    bank: usize,
    fields: Vec<Field>,
    error: String,
}

async fn form_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let bank = state.services.question_bank(&v.actor, id).await?;
    if !bank.can_edit {
        return Err(ServiceError::Forbidden.into());
    }
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let e = &errors;
    let yes_no = vec![("".to_owned(), "否".to_owned()), ("on".to_owned(), "是".to_owned())];
    let fields = vec![
        Field::text("title", "竞赛名称", &g("title"), e).required().hint("如 2026年“学条例”知识竞赛"),
        Field::text("starts_on", "开始日期", &g("starts_on"), e).kind("date").required(),
        Field::text("ends_on", "截止日期", &g("ends_on"), e).kind("date").required(),
        Field::text("question_count", "每人题数", &g("question_count"), e)
            .required()
            .hint("每名党员从题库中抽取的题数，每题1分"),
        Field::select("ranking", "竞赛排名", &g("ranking"), yes_no, None, e)
            .hint("选“是”时结果列出个人排名；选“否”时只公布各组织参与率和平均分，个人得分仅本人可见"),
    ];
    let page = FormPage {
        nav: nav(v),
        org_id: id,
        org_name: bank.org_name,
        bank: bank.questions.len(),
        fields,
        error: crate::ui::summary_of(e),
    };
    render_status(status, &page)
}

async fn new_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    form_view(&state, &v, id, &HashMap::new(), FieldErrors::new(), StatusCode::OK).await
}

async fn set(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let input = ContestInput {
        title: get_s(&f.fields, "title"),
        starts_on: get_s(&f.fields, "starts_on"),
        ends_on: get_s(&f.fields, "ends_on"),
        question_count: get_s(&f.fields, "question_count"),
        ranking: get_s(&f.fields, "ranking"),
    };
    match state.services.set_contest(&f.viewer.actor, id, &input).await {
        Ok(contest_id) => see_other(&format!("/contests/{contest_id}")),
        Err(ServiceError::Invalid(e)) => form_view(&state, &f.viewer, id, &f.fields, e, StatusCode::BAD_REQUEST).await,
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The question bank
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "question_bank.html")]
struct BankPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    can_edit: bool,
    /// (kind, stem, options "A. … B. …", answer, source).
    questions: Vec<[String; 5]>,
    fields: Vec<Field>,
    error: String,
    added: bool,
}

fn lettered(options: &[String]) -> String {
    options.iter().zip(LETTERS).map(|(o, l)| format!("{l}. {o}")).collect::<Vec<_>>().join("　")
}

async fn bank_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
    added: bool,
) -> PageResult {
    let bank = state.services.question_bank(&v.actor, id).await?;
    let questions = bank
        .questions
        .iter()
        .map(|q| {
            let options = q.option_list();
            let answer = if q.kind == QuestionKind::TrueFalse {
                options.get(if q.answer == "A" { 0 } else { 1 }).cloned().unwrap_or_default()
            } else {
                q.answer.clone()
            };
            let shown = if q.kind == QuestionKind::TrueFalse { String::new() } else { lettered(&options) };
            [q.kind.label().to_string(), q.stem.clone(), shown, answer, q.source.clone()]
        })
        .collect();
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let e = &errors;
    let kinds = QuestionKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect();
    let mut fields = vec![
        Field::select("kind", "题型", &g("kind"), kinds, Some("请选择"), e).required(),
        Field::text("stem", "题干", &g("stem"), e).kind("textarea").required(),
    ];
    for (name, label) in [
        ("option_a", "选项A"),
        ("option_b", "选项B"),
        ("option_c", "选项C"),
        ("option_d", "选项D"),
        ("option_e", "选项E"),
        ("option_f", "选项F"),
    ] {
        let mut f = Field::text(name, label, &g(name), e);
        if name == "option_a" && f.error.is_empty() {
            // The options' error ("选项C为空……") stands by the first option.
            f.error = e.get("options").unwrap_or_default().to_string();
        }
        fields.push(f.hint(if name == "option_a" {
            "选择题从选项A起连续填写；判断题不填选项"
        } else {
            ""
        }));
    }
    fields.push(
        Field::text("answer", "正确答案", &g("answer"), e)
            .required()
            .hint("选项字母，如 B 或 ACD；判断题填“正确”或“错误”"),
    );
    fields.push(Field::text("source", "出处", &g("source"), e).hint("如《中国共产党支部工作条例（试行）》第十五条"));
    let page = BankPage {
        nav: nav(v),
        org_id: id,
        org_name: bank.org_name,
        can_edit: bank.can_edit,
        questions,
        fields,
        error: crate::ui::summary_of(e),
        added,
    };
    render_status(status, &page)
}

async fn bank_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let added = query(q).contains_key("added");
    bank_view(&state, &v, id, &HashMap::new(), FieldErrors::new(), StatusCode::OK, added).await
}

async fn add_question(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let input = QuestionInput {
        kind: get_s(&f.fields, "kind"),
        stem: get_s(&f.fields, "stem"),
        options: ["option_a", "option_b", "option_c", "option_d", "option_e", "option_f"]
            .iter()
            .map(|k| get_s(&f.fields, k))
            .collect(),
        answer: get_s(&f.fields, "answer"),
        source: get_s(&f.fields, "source"),
    };
    match state.services.add_question(&f.viewer.actor, id, &input).await {
        Ok(_) => see_other(&format!("/orgs/{id}/questions?added=1")),
        Err(ServiceError::Invalid(e)) => {
            bank_view(&state, &f.viewer, id, &f.fields, e, StatusCode::BAD_REQUEST, false).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn template(PageViewer(_v): PageViewer) -> Result<Response, PageError> {
    let bytes = reports::question_bank::template_xlsx()
        .map_err(|e| PageError::Service(ServiceError::Internal(e.to_string())))?;
    Ok(crate::roster::download(bytes, "题库导入模板.xlsx", XLSX))
}

// ---------------------------------------------------------------------------------------------
// Importing questions
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "question_import.html")]
struct ImportPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    error: String,
    /// rows, imported, dry run.
    done: Option<(usize, usize, bool)>,
    issues: Vec<(usize, String, String)>,
}

async fn import_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    error: String,
    result: Option<(QuestionImport, bool)>,
) -> PageResult {
    let bank = state.services.question_bank(&v.actor, id).await?;
    if !bank.can_edit {
        return Err(ServiceError::Forbidden.into());
    }
    let refused = !error.is_empty() || result.as_ref().is_some_and(|(r, _)| !r.issues.is_empty());
    let status = if refused { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let (done, issues) = match result {
        Some((r, dry)) => (Some((r.rows, r.imported, dry)), r.issues),
        None => (None, Vec::new()),
    };
    render_status(status, &ImportPage { nav: nav(v), org_id: id, org_name: bank.org_name, error, done, issues })
}

async fn import_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    import_view(&state, &v, id, String::new(), None).await
}

async fn import_upload(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let id = id_param(&id)?;
    let (bytes, fields) = match crate::roster::sheet_upload_fields(&v, m).await? {
        Ok(x) => x,
        Err(error) => return import_view(&state, &v, id, error, None).await,
    };
    let dry = fields.get("dry_run").is_some_and(|x| x == "1");
    let want_report = fields.get("report").is_some_and(|x| x == "1");
    match state.services.import_questions_file(&v.actor, id, &bytes, dry).await {
        Ok(mut r) => {
            // The roster's error report: the file back with its bad cells marked.
            if want_report && let Some(report) = r.report.take() {
                return Ok(crate::roster::download(report, "题库导入错误报告.xlsx", XLSX));
            }
            import_view(&state, &v, id, String::new(), Some((r, dry))).await
        }
        Err(ServiceError::Invalid(e)) => {
            let error = e.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；");
            import_view(&state, &v, id, error, None).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// A contest and the member's paper
// ---------------------------------------------------------------------------------------------

/// One option of a question on the page.
struct OptionView {
    letter: String,
    text: String,
    checked: bool,
    right: bool,
}

/// One question on the page.
struct QuestionView {
    id: i64,
    number: usize,
    kind_label: &'static str,
    multiple: bool,
    stem: String,
    options: Vec<OptionView>,
    error: String,
    /// Once handed in: the answer given and the key, as letters (正确 / 错误 for true / false).
    given: String,
    key: String,
    correct: Option<bool>,
    source: String,
}

#[derive(Template)]
#[template(path = "contest.html")]
struct ContestPage {
    nav: crate::ui::Nav,
    v: ContestView,
    window: String,
    questions: Vec<QuestionView>,
    /// Whether the paper form is shown.
    answering: bool,
    refusal: String,
    error: String,
    submitted: bool,
}

fn letters_as_text(kind: QuestionKind, options: &[String], letters: &str) -> String {
    if kind == QuestionKind::TrueFalse {
        let i = if letters == "A" { 0 } else { 1 };
        return options.get(i).cloned().unwrap_or_default();
    }
    letters.to_string()
}

async fn contest_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: &AnswersIn,
    errors: FieldErrors,
    status: StatusCode,
    submitted: bool,
) -> PageResult {
    let cv = state.services.contest(&v.actor, id).await?;
    let mut questions = Vec::new();
    let mut answering = false;
    let mut refusal = String::new();
    if let Some(p) = &cv.paper {
        answering = p.refusal.is_none();
        if let Some(r) = p.refusal {
            refusal = r.to_string();
        }
        for q in &p.questions {
            let typed = values.answers.get(&q.question.id).cloned().unwrap_or_default();
            let chosen = q.given.clone().unwrap_or(typed);
            let options = q
                .options
                .iter()
                .zip(LETTERS)
                .map(|(text, l)| OptionView {
                    letter: l.to_string(),
                    text: text.clone(),
                    checked: chosen.contains(l),
                    right: q.question.answer.contains(l),
                })
                .collect();
            questions.push(QuestionView {
                id: q.question.id,
                number: q.number,
                kind_label: q.question.kind.label(),
                multiple: q.question.kind == QuestionKind::MultipleChoice,
                stem: q.question.stem.clone(),
                options,
                error: errors.get(&format!("q_{}", q.question.id)).unwrap_or_default().to_string(),
                given: q.given.as_deref().map(|g| letters_as_text(q.question.kind, &q.options, g)).unwrap_or_default(),
                key: letters_as_text(q.question.kind, &q.options, &q.question.answer),
                correct: q.correct,
                source: q.question.source.clone(),
            });
        }
    }
    let error = errors.get("answers").map(str::to_string).unwrap_or_else(|| crate::ui::summary_of(&errors));
    let window = window(cv.contest.starts_on, cv.contest.ends_on);
    let page = ContestPage { nav: nav(v), v: cv, window, questions, answering, refusal, error, submitted };
    render_status(status, &page)
}

async fn contest_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let submitted = query(q).contains_key("submitted");
    contest_view(&state, &v, id, &AnswersIn::default(), FieldErrors::new(), StatusCode::OK, submitted).await
}

/// The answers of the paper form: `q_{id}` a radio's letter, `q_{id}_{letter}` a checkbox.
pub(crate) fn answers_of_form(fields: &HashMap<String, String>) -> AnswersIn {
    let mut answers: BTreeMap<i64, String> = BTreeMap::new();
    for (k, v) in fields {
        let Some(rest) = k.strip_prefix("q_") else { continue };
        match rest.split_once('_') {
            Some((id, letter)) if v == "1" => {
                if let Ok(id) = id.parse::<i64>() {
                    answers.entry(id).or_default().push_str(letter);
                }
            }
            Some(_) => {}
            None => {
                if let Ok(id) = rest.parse::<i64>() {
                    answers.entry(id).or_default().push_str(v);
                }
            }
        }
    }
    AnswersIn { answers }
}

async fn submit(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let answers = answers_of_form(&f.fields);
    match state.services.submit_answers(&f.viewer.actor, id, &answers).await {
        Ok(_) => see_other(&format!("/contests/{id}?submitted=1")),
        Err(ServiceError::Invalid(e)) => {
            contest_view(&state, &f.viewer, id, &answers, e, StatusCode::BAD_REQUEST, false).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "contest_results.html")]
struct ResultsPage {
    nav: crate::ui::Nav,
    r: Results,
    window: String,
}

fn org_param(q: &HashMap<String, String>) -> Result<Option<i64>, PageError> {
    match q.get("org").filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(id_param(s)?)),
        None => Ok(None),
    }
}

async fn results_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let org = org_param(&query(q))?;
    let r = state.services.contest_results(&v.actor, id, org).await?;
    let window = window(r.contest.starts_on, r.contest.ends_on);
    render_status(StatusCode::OK, &ResultsPage { nav: nav(&v), r, window })
}

async fn export(
    state: &AppState,
    v: &Viewer,
    id: &str,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    format: LedgerFormat,
) -> PageResult {
    let id = id_param(id)?;
    let org = org_param(&query(q))?;
    crate::dues_branch::file_response(state.services.contest_ledger_file(&v.actor, id, org, format).await?)
}

async fn results_xlsx(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    export(&state, &v, &id, q, LedgerFormat::Xlsx).await
}

async fn results_pdf(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    export(&state, &v, &id, q, LedgerFormat::Pdf).await
}
