//! 重大事项请示报告 (REPORT-ONE-MATTER): an org's requests and reports sent up and received from
//! below, the form to send one to the parent, one with its thread where the superior answers,
//! returns or forwards it, and the log as a ledger; as pages and in the API.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::FieldErrors;
use domain::dates::format_cn;
use domain::major_matter_report::{ReportKind, ReportState};
use serde::Serialize;
use services::ServiceError;
use services::ledger::LedgerFormat;
use services::major_matter_reports::{ReportForm, ReportRow, ReportThread, Reports, ResponseForm};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, done, id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer};
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/reports", get(org_page))
        .route("/orgs/{id}/reports/new", get(new_page).post(send))
        .route("/orgs/{id}/reports/ledger.xlsx", get(ledger_xlsx))
        .route("/orgs/{id}/reports/ledger.pdf", get(ledger_pdf))
        .route("/reports/{id}", get(thread_page).post(respond))
        .route(
            "/reports/{id}/attachments",
            post(attach).layer(DefaultBodyLimit::max(services::attachments::MAX_ATTACHMENT_BYTES + 64 * 1024)),
        )
        .route("/reports/{id}/attachments/{aid}", get(attachment))
}

pub fn api_routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/reports", get(api_reports).post(api_send))
        .route("/reports/{id}", get(api_thread))
        .route("/reports/{id}/responses", post(api_respond))
}

/// (id, date, kind, title, other org, state) of a list line.
fn line(r: &ReportRow, other: &str) -> [String; 6] {
    [
        r.id.to_string(),
        format_cn(r.received_on),
        r.kind.label().to_string(),
        r.title.clone(),
        other.to_string(),
        r.state.label().to_string(),
    ]
}

// ---------------------------------------------------------------------------------------------
// An org's requests and reports
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "reports.html")]
struct OrgPage {
    nav: crate::ui::Nav,
    r: Reports,
    sent: Vec<[String; 6]>,
    received: Vec<[String; 6]>,
    pending: usize,
}

async fn org_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    let r = state.services.reports_of(&v.actor, id).await?;
    let sent = r.sent.iter().map(|x| line(x, &x.to_org_name)).collect();
    let received = r.received.iter().map(|x| line(x, &x.from_org_name)).collect();
    let pending = r.received.iter().filter(|x| x.state == ReportState::Pending).count();
    render_status(StatusCode::OK, &OrgPage { nav: nav(&v), r, sent, received, pending })
}

async fn export(state: &AppState, v: &Viewer, id: &str, format: LedgerFormat) -> PageResult {
    let id = id_param(id)?;
    crate::dues_branch::file_response(state.services.report_ledger_file(&v.actor, id, format).await?)
}

async fn ledger_xlsx(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    export(&state, &v, &id, LedgerFormat::Xlsx).await
}

async fn ledger_pdf(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    export(&state, &v, &id, LedgerFormat::Pdf).await
}

// ---------------------------------------------------------------------------------------------
// Sending one
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "report_form.html")]
struct FormPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    parent: String,
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
    let r = state.services.reports_of(&v.actor, id).await?;
    if !r.can_send {
        return Err(ServiceError::Forbidden.into());
    }
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let e = &errors;
    let kinds = ReportKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect();
    let kind = if g("kind").is_empty() { "request".to_string() } else { g("kind") };
    let fields = vec![
        Field::select("kind", "类别", &kind, kinds, None, e)
            .required()
            .hint("请示：请上级决定一个事项；报告：向上级报告情况，不得夹带请示"),
        Field::text("title", "标题", &g("title"), e).required().hint("如 关于增设年级党支部的请示"),
        Field::text("matters", "请示事项", &g("matters"), e)
            .kind("textarea")
            .hint("一份请示只写一个事项（一文一事，REPORT-ONE-MATTER）；报告留空"),
        Field::text("body", "正文", &g("body"), e).kind("textarea"),
    ];
    let parent = r.parent.map(|(_, name)| name).unwrap_or_default();
    let page =
        FormPage { nav: nav(v), org_id: id, org_name: r.org_name, parent, fields, error: crate::ui::summary_of(e) };
    render_status(status, &page)
}

async fn new_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    form_view(&state, &v, id, &HashMap::new(), FieldErrors::new(), StatusCode::OK).await
}

async fn send(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let form = ReportForm {
        kind: get_s(&f.fields, "kind"),
        title: get_s(&f.fields, "title"),
        matters: get_s(&f.fields, "matters"),
        body: get_s(&f.fields, "body"),
        to_org_id: None,
    };
    match state.services.send_report(&f.viewer.actor, id, &form).await {
        Ok(report) => see_other(&format!("/reports/{report}")),
        Err(ServiceError::Invalid(e)) => form_view(&state, &f.viewer, id, &f.fields, e, StatusCode::BAD_REQUEST).await,
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// One request or report, and the superior's response
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "report.html")]
struct ThreadPage {
    nav: crate::ui::Nav,
    t: ReportThread,
    received_on: String,
    due: String,
    /// (date, org, action, text).
    replies: Vec<[String; 4]>,
    fields: Vec<Field>,
    error: String,
    /// The file input's `accept`.
    accept: String,
    /// Why an upload was refused.
    file_error: String,
}

fn action_label(action: &str) -> &'static str {
    match action {
        "answer" => "批复",
        "return" => "退回补充",
        "forward" => "转报上级",
        _ => "办理",
    }
}

async fn thread_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let t = state.services.report_thread(&v.actor, id).await?;
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let e = &errors;
    let actions = [("answer", "批复"), ("return", "退回补充"), ("forward", "转报上级")]
        .iter()
        .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
        .collect();
    let fields = vec![
        Field::select("action", "办理", &g("action"), actions, Some("请选择"), e).required(),
        Field::text("text", "意见", &g("text"), e).kind("textarea").required().hint("批复意见、需补充的内容或转报说明"),
    ];
    let replies = t
        .replies
        .iter()
        .map(|r| [format_cn(r.on_date), r.org_name.clone(), action_label(&r.action).to_string(), r.text.clone()])
        .collect();
    let page = ThreadPage {
        nav: nav(v),
        received_on: format_cn(t.report.received_on),
        due: t.due.map(format_cn).unwrap_or_default(),
        t,
        replies,
        fields,
        error: if e.get("file").is_some() { String::new() } else { crate::ui::summary_of(e) },
        accept: services::attachments::accepted(),
        file_error: e.get("file").unwrap_or_default().to_string(),
    };
    render_status(status, &page)
}

async fn thread_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    thread_view(&state, &v, id, &HashMap::new(), FieldErrors::new(), StatusCode::OK).await
}

async fn respond(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let form = ResponseForm { action: get_s(&f.fields, "action"), text: get_s(&f.fields, "text") };
    match state.services.respond_to_report(&f.viewer.actor, id, &form).await {
        Ok(()) => see_other(&format!("/reports/{id}")),
        Err(ServiceError::Invalid(e)) => {
            thread_view(&state, &f.viewer, id, &f.fields, e, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A file added to the thread from the page (multipart: `_csrf`, `file`); a refusal is shown on
/// the thread's page by the file input.
async fn attach(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let refuse = |message: String, status: StatusCode| {
        let mut e = FieldErrors::new();
        e.add("file", message);
        (e, status)
    };
    let too_big = format!("附件不能超过 {} MB", services::attachments::MAX_ATTACHMENT_BYTES / 1024 / 1024);
    let mut csrf = String::new();
    let mut file = None;
    let mut refused = None;
    match m {
        Err(_) => refused = Some(refuse("请选择要上传的文件".into(), StatusCode::BAD_REQUEST)),
        Ok(mut m) => loop {
            let field = match m.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    refused = Some(refuse(too_big.clone(), StatusCode::PAYLOAD_TOO_LARGE));
                    break;
                }
                Err(_) => {
                    refused = Some(refuse("上传不完整，请重试".into(), StatusCode::BAD_REQUEST));
                    break;
                }
            };
            match field.name().unwrap_or_default() {
                "_csrf" => csrf = field.text().await.unwrap_or_default(),
                "file" => {
                    let name = field.file_name().unwrap_or("附件").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b.to_vec())),
                        Err(_) => {
                            refused = Some(refuse("文件没有完整上传，请重试".into(), StatusCode::BAD_REQUEST));
                            break;
                        }
                    }
                }
                _ => {}
            }
        },
    }
    if refused.is_none() {
        crate::auth::check_csrf(&v, &csrf)?;
    }
    let outcome = match (refused, file) {
        (Some(r), _) => Err(r),
        (None, None) => Err(refuse("请选择要上传的文件".into(), StatusCode::BAD_REQUEST)),
        (None, Some((name, bytes))) => match state.services.attach_to_report(&v.actor, id, &name, &bytes).await {
            Ok(_) => Ok(()),
            Err(ServiceError::Invalid(e)) => Err((e, StatusCode::BAD_REQUEST)),
            Err(e) => return Err(e.into()),
        },
    };
    match outcome {
        Ok(()) => see_other(&format!("/reports/{id}")),
        Err((e, status)) => thread_view(&state, &v, id, &HashMap::new(), e, status).await,
    }
}

async fn attachment(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, aid)): Path<(String, String)>,
) -> PageResult {
    let (id, aid) = (id_param(&id)?, id_param(&aid)?);
    let (row, bytes) = state.services.report_attachment(&v.actor, id, aid).await?;
    Ok(crate::roster::stored_file(&row.file_name, row.content_type, bytes))
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

/// A request (请示) or report (报告) between an org and its parent.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReportOut {
    pub id: i64,
    pub kind: ReportKind,
    pub from_org_id: i64,
    pub from_org_name: String,
    pub to_org_id: i64,
    pub to_org_name: String,
    pub title: String,
    /// A request's one matter (empty for a report).
    pub matter: String,
    pub body: String,
    pub state: ReportState,
    /// The day it reached `to_org` (sent, or forwarded).
    pub received_on: chrono::NaiveDate,
    pub closed_on: Option<chrono::NaiveDate>,
    /// The request it is a forwarded copy of.
    pub forwarded_from: Option<i64>,
}

impl From<&ReportRow> for ReportOut {
    fn from(r: &ReportRow) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            from_org_id: r.from_org_id,
            from_org_name: r.from_org_name.clone(),
            to_org_id: r.to_org_id,
            to_org_name: r.to_org_name.clone(),
            title: r.title.clone(),
            matter: r.matter.clone(),
            body: r.body.clone(),
            state: r.state,
            received_on: r.received_on,
            closed_on: r.closed_on,
            forwarded_from: r.forwarded_from,
        }
    }
}

/// An org's requests and reports.
#[derive(Serialize, ToSchema)]
pub(crate) struct OrgReports {
    pub org_id: i64,
    pub sent: Vec<ReportOut>,
    pub received: Vec<ReportOut>,
}

/// One step of a thread.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReplyOut {
    pub on_date: chrono::NaiveDate,
    pub org_id: i64,
    pub org_name: String,
    /// answer, return or forward.
    pub action: String,
    pub text: String,
}

/// A request or report with its thread.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReportThreadOut {
    pub report: ReportOut,
    pub replies: Vec<ReplyOut>,
    pub forwarded_to: Vec<i64>,
    /// The day an answer is due, for a pending request (REPORT-ONE-MATTER).
    pub due: Option<chrono::NaiveDate>,
    /// Files either side added (download on the thread's page).
    pub attachments: Vec<ReportAttachmentOut>,
}

/// A file of a thread.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReportAttachmentOut {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

async fn api_reports(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let r = state.services.reports_of(&v.actor, id).await?;
    ok(OrgReports {
        org_id: id,
        sent: r.sent.iter().map(ReportOut::from).collect(),
        received: r.received.iter().map(ReportOut::from).collect(),
    })
}

async fn api_send(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ReportForm>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.send_report(&v.actor, id, &b).await? })
}

async fn api_thread(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let t = state.services.report_thread(&v.actor, id).await?;
    ok(ReportThreadOut {
        report: ReportOut::from(&t.report),
        replies: t
            .replies
            .iter()
            .map(|r| ReplyOut {
                on_date: r.on_date,
                org_id: r.org_id,
                org_name: r.org_name.clone(),
                action: r.action.clone(),
                text: r.text.clone(),
            })
            .collect(),
        forwarded_to: t.forwarded_to,
        due: t.due,
        attachments: t
            .attachments
            .iter()
            .map(|a| ReportAttachmentOut {
                id: a.id,
                org_id: a.org_id,
                org_name: a.org_name.clone(),
                file_name: a.file_name.clone(),
                content_type: a.content_type.clone(),
                size: a.size,
            })
            .collect(),
    })
}

async fn api_respond(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ResponseForm>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.respond_to_report(&v.actor, id, &b).await?;
    done()
}
