//! Recruitment beside the steps, as pages and in the API: a path's documents (uploaded to the
//! step they belong to), ending a path before admission, the import of the sheet a branch keeps,
//! and the key-teacher flag of members (双培养).

use askama::Template;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use reports::sheet::MAX_UPLOAD_BYTES;
use serde::{Deserialize, Serialize};
use services::ServiceError;
use services::attachments::MAX_ATTACHMENT_BYTES;
use services::recruitment_import::RecruitImport;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, done, id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer, check_csrf};
use crate::error::{ApiError, PageError};
use crate::recruitment::{Side, person_refused};
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};

const IMPORT_LIMIT: usize = MAX_UPLOAD_BYTES + 1024 * 1024;
const DOCUMENT_LIMIT: usize = MAX_ATTACHMENT_BYTES + 1024 * 1024;

pub fn routes() -> Routes {
    Routes::new()
        .route("/recruits/{id}/documents", post(upload_document).layer(DefaultBodyLimit::max(DOCUMENT_LIMIT)))
        .route("/recruits/{id}/documents/{doc}", get(document))
        .route("/recruits/{id}/end", post(end))
        .route(
            "/orgs/{id}/recruitment/import",
            get(import_page).post(import_upload).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/members/{id}/key-teacher", post(key_teacher))
}

pub fn api_routes() -> Routes {
    Routes::new()
        .route(
            "/recruits/{id}/documents",
            get(api_documents).post(api_upload).layer(DefaultBodyLimit::max(DOCUMENT_LIMIT)),
        )
        .route("/recruits/{id}/documents/{doc}", get(api_document))
        .route("/recruits/{id}/end", post(api_end))
        .route("/orgs/{id}/recruitment/import", post(api_import).layer(DefaultBodyLimit::max(IMPORT_LIMIT)))
        .route("/members/{id}/key-teacher", post(api_key_teacher))
}

// ---- documents ----

async fn upload_document(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let again = |message: String| person_refused(&state, &v, id, Side::document(message));
    let Ok(m) = m else { return again("请选择要上传的文件".into()).await };
    let (fields, file) = match crate::roster::read_multipart(m).await {
        Ok(x) => x,
        Err(_) => return again(format!("文件不能超过 {} MB", MAX_ATTACHMENT_BYTES / 1024 / 1024)).await,
    };
    check_csrf(&v, fields.get("_csrf").map(String::as_str).unwrap_or_default())?;
    let Some((name, bytes)) = file.filter(|(n, b)| !n.is_empty() && !b.is_empty()) else {
        return again("请选择要上传的文件".into()).await;
    };
    let step = fields.get("step").cloned().unwrap_or_default();
    match state.services.attach_recruit_document(&v.actor, id, &step, &name, &bytes).await {
        Ok(_) => see_other(&format!("/recruits/{id}")),
        Err(ServiceError::Invalid(e)) => {
            again(e.0.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("；")).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn document(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, doc)): Path<(String, String)>,
) -> PageResult {
    let (id, doc) = (id_param(&id)?, id_param(&doc)?);
    let (row, bytes) = state.services.recruit_document(&v.actor, id, doc).await?;
    Ok(crate::roster::stored_file(&row.file_name, row.content_type, bytes))
}

// ---- ending a path ----

async fn end(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    match state.services.end_recruit(&f.viewer.actor, id, &get_s(&f.fields, "on"), &get_s(&f.fields, "reason")).await {
        Ok(()) => see_other(&format!("/recruits/{id}")),
        Err(ServiceError::Invalid(e)) => person_refused(&state, &f.viewer, id, Side::end(&e)).await,
        Err(e) => Err(e.into()),
    }
}

// ---- the import ----

#[derive(Template)]
#[template(path = "recruitment_import.html")]
struct ImportPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    error: String,
    /// The result of an upload: rows, people, imported, dry run.
    done: Option<(usize, usize, usize, bool)>,
    /// (row, column, message).
    issues: Vec<(usize, String, String)>,
}

async fn import_show(
    state: &AppState,
    v: &Viewer,
    id: i64,
    error: String,
    result: Option<(RecruitImport, bool)>,
) -> PageResult {
    let org = state.services.org(&v.actor, id).await?;
    let status = if !error.is_empty() || result.as_ref().is_some_and(|(r, _)| !r.issues.is_empty()) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (done, issues) = match result {
        Some((r, dry)) => (
            Some((r.rows, r.people, r.imported, dry)),
            r.issues.into_iter().map(|i| (i.row_number, i.column_name, i.message)).collect(),
        ),
        None => (None, Vec::new()),
    };
    render_status(status, &ImportPage { nav: nav(v), org_id: id, org_name: org.name.clone(), error, done, issues })
}

async fn import_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    state.services.authorize_import(&v.actor)?;
    import_show(&state, &v, id, String::new(), None).await
}

async fn import_upload(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let id = id_param(&id)?;
    let (bytes, dry) = match crate::roster::sheet_upload(&v, m).await? {
        Ok(x) => x,
        Err(msg) => return import_show(&state, &v, id, msg, None).await,
    };
    match state.services.import_recruit_sheet(&v.actor, id, &bytes, dry).await {
        Ok(r) => import_show(&state, &v, id, String::new(), Some((r, dry))).await,
        Err(ServiceError::Invalid(e)) => {
            let msg = e.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；");
            import_show(&state, &v, id, msg, None).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- key teachers ----

async fn key_teacher(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let flag = get_s(&f.fields, "key_teacher") == "yes";
    state.services.set_key_teacher(&f.viewer.actor, id, flag).await?;
    see_other(&format!("/members/{id}"))
}

// ---- the API ----

/// A document of a person's path.
#[derive(Serialize, ToSchema)]
pub(crate) struct RecruitDocument {
    pub id: i64,
    /// The step it belongs to (its code).
    pub step: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// A person's documents.
#[derive(Serialize, ToSchema)]
pub(crate) struct RecruitDocuments {
    pub documents: Vec<RecruitDocument>,
}

async fn api_documents(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let docs = state.services.recruit_documents(&v.actor, id).await?;
    let documents = docs
        .into_iter()
        .map(|d| RecruitDocument {
            id: d.id,
            step: d.step.as_str().to_string(),
            file_name: d.file_name,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
        })
        .collect();
    ok(RecruitDocuments { documents })
}

/// `?step=&file_name=` of an upload whose body is the file.
#[derive(Deserialize)]
struct UploadQuery {
    step: String,
    file_name: String,
}

async fn api_upload(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<UploadQuery>, QueryRejection>,
    body: axum::body::Body,
) -> ApiResult {
    let id = id_of(&id)?;
    let Query(q) = q.map_err(|e| ApiError::BadRequest(format!("查询参数无效：{}", e.body_text())))?;
    let bytes = axum::body::to_bytes(body, DOCUMENT_LIMIT)
        .await
        .map_err(|_| ApiError::BadRequest(format!("文件不能超过 {} MB", MAX_ATTACHMENT_BYTES / 1024 / 1024)))?;
    created(Created { id: state.services.attach_recruit_document(&v.actor, id, &q.step, &q.file_name, &bytes).await? })
}

async fn api_document(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path((id, doc)): Path<(String, String)>,
) -> ApiResult {
    let (id, doc) = (id_of(&id)?, id_of(&doc)?);
    let (row, bytes) = state.services.recruit_document(&v.actor, id, doc).await?;
    Ok(crate::roster::stored_file(&row.file_name, row.content_type, bytes))
}

/// Ending a path before admission: the day and why.
#[derive(Deserialize, ToSchema)]
pub(crate) struct RecruitEnd {
    pub on: String,
    pub reason: String,
}

async fn api_end(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<RecruitEnd>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.end_recruit(&v.actor, id, &b.on, &b.reason).await?;
    done()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ImportQuery {
    dry_run: bool,
}

/// What an import of the pipeline sheet read and wrote.
#[derive(Serialize, ToSchema)]
pub(crate) struct RecruitImportResult {
    pub rows: usize,
    pub people: usize,
    /// People written (0 for a dry run).
    pub imported: usize,
    pub issues: Vec<crate::roster::FileIssue>,
}

/// A sheet refused: nothing was imported; every problem by row and column.
#[derive(Serialize, ToSchema)]
pub(crate) struct RecruitImportRefused {
    pub error: crate::error::ErrorDetail,
    pub report: RecruitImportResult,
}

async fn api_import(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<ImportQuery>, QueryRejection>,
    body: axum::body::Body,
) -> ApiResult {
    let id = id_of(&id)?;
    let Query(q) = q.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    state.services.authorize_import(&v.actor)?;
    let bytes = axum::body::to_bytes(body, IMPORT_LIMIT).await.map_err(|_| {
        ApiError::BadRequest(format!("文件超过 {} MB 的上限，请拆分后分批导入", MAX_UPLOAD_BYTES / 1024 / 1024))
    })?;
    let r = state.services.import_recruit_sheet(&v.actor, id, &bytes, q.dry_run).await?;
    let report = RecruitImportResult {
        rows: r.rows,
        people: r.people,
        imported: r.imported,
        issues: r
            .issues
            .into_iter()
            .map(|i| crate::roster::FileIssue {
                row_number: i.row_number,
                column: i.column,
                column_name: i.column_name,
                message: i.message,
            })
            .collect(),
    };
    if !report.issues.is_empty() {
        let body = RecruitImportRefused { error: crate::roster::file_refused(report.issues.len()), report };
        return Ok((StatusCode::BAD_REQUEST, Json(body)).into_response());
    }
    ok(report)
}

/// 双培养: whether the member is a key teacher (骨干教师).
#[derive(Deserialize, ToSchema)]
pub(crate) struct KeyTeacher {
    pub key_teacher: bool,
}

async fn api_key_teacher(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<KeyTeacher>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.set_key_teacher(&v.actor, id, b.key_teacher).await?;
    done()
}
