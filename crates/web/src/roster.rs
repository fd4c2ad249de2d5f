//! Roster in and out on the web: the import template, the two-phase import (check and
//! preview, then commit), and exports of the member list and the org tree.
//!
//! An uploaded file is kept in the upload directory between the two phases under a random
//! token, with the uploading account's id beside it; the commit checks the file again against
//! the registry as it is then, so nothing stale is written.

use crate::AppState;
use crate::auth::{ApiViewer, PageViewer, Viewer, check_csrf};
use crate::error::{ApiError, PageError};
use crate::ui::Routes;
use crate::view::Opt;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rand::RngCore;
use reports::sheet::MAX_UPLOAD_BYTES;
use serde::{Deserialize, Serialize};
use services::ServiceError;
use services::export::{ExportFile, ExportFormat, ExportShape};
use services::import::{ImportIssue, ImportPlan};
use services::members::ListQuery;
use std::collections::HashMap;
use utoipa::ToSchema;

/// Room for the multipart envelope around a file of the maximum size, so that an oversize file
/// reaches our own size check and its Chinese message.
/// The body limit of a sheet upload: the file's limit and room for the form around it.
pub(crate) const BODY_LIMIT: usize = MAX_UPLOAD_BYTES + 1024 * 1024;

/// The bytes of a sheet posted to the API as the request body; too large is a 400 that says so.
pub(crate) async fn sheet_bytes(body: axum::body::Body) -> Result<Bytes, crate::error::ApiError> {
    axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        crate::error::ApiError::BadRequest(format!(
            "文件超过 {} MB 的上限，请拆分后分批导入",
            MAX_UPLOAD_BYTES / 1024 / 1024
        ))
    })
}

pub fn routes() -> Routes {
    Routes::new()
        .route("/members/template.xlsx", get(template))
        .route("/members/export", get(export_members))
        .route("/orgs/export", get(export_orgs))
        .route("/members/import", get(import_page).post(import_upload).layer(DefaultBodyLimit::max(BODY_LIMIT)))
        .route("/members/import/{token}/errors.xlsx", get(import_errors))
        .route("/members/import/{token}/commit", post(import_commit))
}

pub fn api_routes() -> Routes {
    Routes::new()
        .route("/members/template.xlsx", get(template))
        .route("/members/export", get(api_export_members))
        .route("/orgs/export", get(api_export_orgs))
        .route("/members/import", post(api_import).layer(DefaultBodyLimit::max(BODY_LIMIT)))
}

fn internal(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(e.to_string())
}

/// The error of an uploaded file refused for its `issues` problems: nothing was imported.
pub(crate) fn file_refused(issues: usize) -> crate::error::ErrorDetail {
    crate::error::ErrorDetail {
        code: "invalid_file".into(),
        message: format!("文件中有 {issues} 处错误，未导入任何数据"),
        fields: Default::default(),
        rule_id: None,
        citation: None,
    }
}

/// A download with a Chinese file name (RFC 6266 `filename*`).
pub(crate) fn download(bytes: Vec<u8>, file_name: &str, content_type: &'static str) -> Response {
    let encoded = crate::error::urlencode(file_name).replace('/', "%2F");
    let disposition = format!("attachment; filename=\"export\"; filename*=UTF-8''{encoded}");
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}

fn file_response(f: ExportFile) -> Response {
    download(f.bytes, &f.file_name, f.content_type)
}

async fn template() -> Result<Response, PageError> {
    let bytes = reports::write::member_template_xlsx().map_err(internal)?;
    Ok(download(bytes, "党员信息导入模板.xlsx", ExportFormat::Xlsx.content_type()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ExportQuery {
    format: String,
    shape: String,
    #[serde(flatten)]
    list: ListQuery,
}

fn parse_export(q: &ExportQuery) -> Result<(ExportFormat, ExportShape), ServiceError> {
    let format = ExportFormat::parse(&q.format).ok_or_else(|| ServiceError::field("format", "格式应为 xlsx 或 csv"))?;
    let shape =
        ExportShape::parse(&q.shape).ok_or_else(|| ServiceError::field("shape", "样式应为 template 或 annex4"))?;
    Ok((format, shape))
}

async fn export_members(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, PageError> {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let (format, shape) = parse_export(&q)?;
    Ok(file_response(state.services.export_members(&v.actor, &q.list, shape, format).await?))
}

async fn api_export_members(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    q: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let (format, shape) = parse_export(&q)?;
    Ok(file_response(state.services.export_members(&v.actor, &q.list, shape, format).await?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FormatQuery {
    format: String,
}

async fn export_orgs(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<FormatQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, PageError> {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let format = ExportFormat::parse(&q.format).ok_or_else(|| ServiceError::field("format", "格式应为 xlsx 或 csv"))?;
    Ok(file_response(state.services.export_orgs(&v.actor, format).await?))
}

async fn api_export_orgs(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    q: Result<Query<FormatQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let format = ExportFormat::parse(&q.format).ok_or_else(|| ServiceError::field("format", "格式应为 xlsx 或 csv"))?;
    Ok(file_response(state.services.export_orgs(&v.actor, format).await?))
}

// ---------------------------------------------------------------- the two-phase import page

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    nav: crate::ui::Nav,
    stage: &'static str,
    error: String,
    branches: Vec<Opt>,
    file_name: String,
    token: String,
    header_row: usize,
    rows: usize,
    new: usize,
    changed: usize,
    unchanged: usize,
    issue_count: usize,
    issues: Vec<ImportIssue>,
}

impl ImportPage {
    fn new(v: &Viewer, stage: &'static str) -> Self {
        Self {
            nav: crate::ui::nav(v),
            stage,
            error: String::new(),
            branches: Vec::new(),
            file_name: String::new(),
            token: String::new(),
            header_row: 0,
            rows: 0,
            new: 0,
            changed: 0,
            unchanged: 0,
            issue_count: 0,
            issues: Vec::new(),
        }
    }
}

fn render(p: &ImportPage, status: StatusCode) -> Result<Response, PageError> {
    crate::ui::render_status(status, p)
}

async fn branch_options(state: &AppState, v: &Viewer) -> Result<Vec<Opt>, PageError> {
    Ok(state
        .services
        .org_tree(&v.actor, false)
        .await?
        .into_iter()
        .filter(|o| o.kind == domain::org::OrgKind::Branch)
        .map(|o| Opt { value: o.id.to_string(), label: o.name, selected: false })
        .collect())
}

async fn upload_page(state: &AppState, v: &Viewer, error: String) -> Result<Response, PageError> {
    let mut p = ImportPage::new(v, "upload");
    p.branches = branch_options(state, v).await?;
    let status = if error.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    p.error = error;
    render(&p, status)
}

async fn import_page(State(state): State<AppState>, PageViewer(v): PageViewer) -> Result<Response, PageError> {
    // Not offered to an account that may not import (a plain member): the upload would be refused.
    state.services.authorize_import(&v.actor)?;
    upload_page(&state, &v, String::new()).await
}

/// Where an upload waits between the phases; the token is checked to be hex, so it can never
/// name another path.
fn upload_path(state: &AppState, token: &str) -> Option<std::path::PathBuf> {
    (token.len() == 32 && token.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| state.config.upload_dir.join(format!("{token}.upload")))
}

struct Upload {
    bytes: Vec<u8>,
    file_name: String,
    branch: Option<i64>,
}

fn store_upload(state: &AppState, v: &Viewer, u: &Upload) -> Result<String, ServiceError> {
    let mut raw = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut raw);
    let token = hex::encode(raw);
    std::fs::create_dir_all(&state.config.upload_dir).map_err(internal)?;
    let path = upload_path(state, &token).ok_or_else(|| internal("bad token"))?;
    std::fs::write(&path, &u.bytes).map_err(internal)?;
    let meta = serde_json::json!({"account": v.account.id, "file_name": u.file_name, "branch": u.branch});
    std::fs::write(path.with_extension("json"), meta.to_string()).map_err(internal)?;
    Ok(token)
}

fn load_upload(state: &AppState, v: &Viewer, token: &str) -> Result<Upload, ServiceError> {
    let path = upload_path(state, token).ok_or(ServiceError::NotFound)?;
    let meta: serde_json::Value = std::fs::read_to_string(path.with_extension("json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or(ServiceError::NotFound)?;
    // Only the uploader may see or commit their file.
    if meta["account"].as_i64() != Some(v.account.id) {
        return Err(ServiceError::NotFound);
    }
    let bytes = std::fs::read(&path).map_err(|_| ServiceError::NotFound)?;
    Ok(Upload {
        bytes,
        file_name: meta["file_name"].as_str().unwrap_or_default().to_string(),
        branch: meta["branch"].as_i64(),
    })
}

fn drop_upload(state: &AppState, token: &str) {
    if let Some(path) = upload_path(state, token) {
        let _ = std::fs::remove_file(path.with_extension("json"));
        let _ = std::fs::remove_file(path);
    }
}

pub(crate) async fn read_multipart(
    mut m: Multipart,
) -> Result<(HashMap<String, String>, Option<(String, Vec<u8>)>), String> {
    let too_big = || format!("文件超过 {} MB 的上限，请拆分后分批导入", MAX_UPLOAD_BYTES / 1024 / 1024);
    let mut fields = HashMap::new();
    let mut file = None;
    loop {
        let field = match m.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_big()),
            Err(_) => return Err("上传的表单不完整，请重新选择文件上传".into()),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("上传的文件").to_string();
            let bytes = match field.bytes().await {
                Ok(b) => b,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_big()),
                Err(_) => return Err("文件没有完整上传，请重试".into()),
            };
            file = Some((file_name, bytes.to_vec()));
        } else {
            let text = field.text().await.unwrap_or_default();
            fields.insert(name, text);
        }
    }
    Ok((fields, file))
}

/// A sheet uploaded for a one-step import (the dues sheet, the recruitment sheet): its bytes and
/// whether only a check was asked for ("dry_run" = 1), once the CSRF token is checked; or what to
/// tell the user about the upload.
pub(crate) async fn sheet_upload(
    v: &Viewer,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Result<(Vec<u8>, bool), String>, PageError> {
    Ok(sheet_upload_fields(v, m).await?.map(|(bytes, fields)| (bytes, fields.get("dry_run").is_some_and(|x| x == "1"))))
}

/// [`sheet_upload`] with the form's other fields (a year, a source …).
pub(crate) async fn sheet_upload_fields(
    v: &Viewer,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Result<(Vec<u8>, HashMap<String, String>), String>, PageError> {
    let Ok(m) = m else { return Ok(Err("请选择要上传的文件".into())) };
    let (fields, file) = match read_multipart(m).await {
        Ok(x) => x,
        Err(msg) => return Ok(Err(msg)),
    };
    check_csrf(v, fields.get("_csrf").map(String::as_str).unwrap_or_default())?;
    let Some((_, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(Err("请选择要上传的文件（所选文件是空的）".into()));
    };
    Ok(Ok((bytes, fields)))
}

/// A stored file as a download that is never rendered in place (meeting attachments,
/// recruitment documents).
pub(crate) fn stored_file(file_name: &str, content_type: String, bytes: Vec<u8>) -> Response {
    let encoded = crate::error::urlencode(file_name).replace('/', "%2F");
    let disposition = format!("attachment; filename=\"attachment\"; filename*=UTF-8''{encoded}");
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

fn preview(v: &Viewer, plan: &ImportPlan, token: &str, file_name: &str) -> Result<Response, PageError> {
    let mut p = ImportPage::new(v, "preview");
    p.file_name = file_name.to_string();
    p.token = token.to_string();
    p.header_row = plan.table.header_row;
    p.rows = plan.rows;
    p.new = plan.new;
    p.changed = plan.changed;
    p.unchanged = plan.unchanged;
    p.issue_count = plan.issues.len();
    p.issues = plan.issues.iter().take(500).cloned().collect();
    let status = if plan.is_clean() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    render(&p, status)
}

async fn import_upload(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    // Refused before a byte of the file is read.
    state.services.authorize_import(&v.actor)?;
    let Ok(m) = m else { return upload_page(&state, &v, "请选择要上传的文件".into()).await };
    let (fields, file) = match read_multipart(m).await {
        Ok(x) => x,
        Err(msg) => return upload_page(&state, &v, msg).await,
    };
    check_csrf(&v, fields.get("_csrf").map(String::as_str).unwrap_or_default())?;
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return upload_page(&state, &v, "请选择要上传的文件（所选文件是空的）".into()).await;
    };
    let branch = fields.get("branch").and_then(|b| b.trim().parse::<i64>().ok());
    let plan = match state.services.plan_member_import(&v.actor, &bytes, branch, state.services.today()).await {
        Ok(p) => p,
        Err(ServiceError::Invalid(e)) => {
            let msg = e.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；");
            return upload_page(&state, &v, msg).await;
        }
        Err(e) => return Err(e.into()),
    };
    let token = store_upload(&state, &v, &Upload { bytes, file_name: file_name.clone(), branch })?;
    preview(&v, &plan, &token, &file_name)
}

async fn replan(state: &AppState, v: &Viewer, token: &str) -> Result<(Upload, ImportPlan), ServiceError> {
    let upload = load_upload(state, v, token)?;
    let plan =
        state.services.plan_member_import(&v.actor, &upload.bytes, upload.branch, state.services.today()).await?;
    Ok((upload, plan))
}

async fn import_errors(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let (upload, plan) = replan(&state, &v, &token).await?;
    let stem = upload.file_name.rsplit_once('.').map(|(s, _)| s.to_string()).unwrap_or(upload.file_name.clone());
    Ok(download(plan.error_workbook()?, &format!("{stem}-错误标注.xlsx"), ExportFormat::Xlsx.content_type()))
}

async fn import_commit(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(token): Path<String>,
    form: Result<axum::extract::Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    let f = form.map(|axum::extract::Form(f)| f).unwrap_or_default();
    check_csrf(&v, f.get("_csrf").map(String::as_str).unwrap_or_default())?;
    let (upload, plan) = replan(&state, &v, &token).await?;
    if !plan.is_clean() {
        // The registry changed since the check: show the new findings.
        return preview(&v, &plan, &token, &upload.file_name);
    }
    let outcome = state.services.commit_member_import(&v.actor, &plan).await?;
    drop_upload(&state, &token);
    let mut p = ImportPage::new(&v, "done");
    p.new = outcome.new;
    p.changed = outcome.changed;
    p.unchanged = outcome.unchanged;
    render(&p, StatusCode::OK)
}

// ---------------------------------------------------------------- the API's import

#[derive(Deserialize, Default)]
#[serde(default)]
struct ImportQuery {
    dry_run: bool,
    branch: Option<i64>,
}

/// `POST /api/v1/members/import` with the file as the request body. Always answers with the
/// report; imports only when the file is clean and `dry_run` is not set.
async fn api_import(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    q: Result<Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    // The permission is checked before the body is read, so an account that may not import
    // cannot make the server receive or parse a file.
    state.services.authorize_import(&v.actor)?;
    let body = sheet_bytes(body).await?;
    let plan = state.services.plan_member_import(&v.actor, &body, q.branch, state.services.today()).await?;
    let report = ImportReport {
        header_row: plan.table.header_row,
        rows: plan.rows,
        new: plan.new,
        changed: plan.changed,
        unchanged: plan.unchanged,
        issues: plan
            .issues
            .iter()
            .map(|i| FileIssue {
                row_number: i.row_number,
                column: i.column,
                column_name: i.column_name.clone(),
                message: i.message.clone(),
            })
            .collect(),
    };
    if !plan.is_clean() {
        let body = ImportRefused { error: file_refused(plan.issues.len()), report };
        return Ok((StatusCode::BAD_REQUEST, axum::Json(body)).into_response());
    }
    if q.dry_run {
        return crate::api::ok(ImportResult { imported: false, report, outcome: None });
    }
    let o = state.services.commit_member_import(&v.actor, &plan).await?;
    let outcome = Some(ImportOutcome { new: o.new, changed: o.changed, unchanged: o.unchanged });
    crate::api::ok(ImportResult { imported: true, report, outcome })
}

/// A problem found in an import file, at its row and column (1-based, as the spreadsheet shows).
#[derive(Serialize, ToSchema)]
pub(crate) struct FileIssue {
    pub row_number: usize,
    pub column: Option<usize>,
    pub column_name: String,
    pub message: String,
}

/// What an import file would do, row by row.
#[derive(Serialize, ToSchema)]
pub(crate) struct ImportReport {
    /// The row holding the column titles.
    pub header_row: usize,
    pub rows: usize,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub issues: Vec<FileIssue>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ImportOutcome {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// A clean file: checked (`dry_run`) or imported.
#[derive(Serialize, ToSchema)]
pub(crate) struct ImportResult {
    pub imported: bool,
    pub report: ImportReport,
    pub outcome: Option<ImportOutcome>,
}

/// A file with errors: nothing was imported; the report says where.
#[derive(Serialize, ToSchema)]
pub(crate) struct ImportRefused {
    pub error: crate::error::ErrorDetail,
    pub report: ImportReport,
}
