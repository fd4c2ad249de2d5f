//! Importing the collection sheet a branch already keeps (page and API): every row is checked
//! like a payment typed on the page; any problem imports nothing and is listed by row and column.

use askama::Template;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use services::ServiceError;
use services::dues::import::DuesImport;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer};
use crate::error::{ApiError, PageError};
use crate::ui::{PageResult, Routes, id_param, nav, render_status};

use crate::roster::BODY_LIMIT;

pub fn routes() -> Routes {
    Routes::new().route("/orgs/{id}/dues/import", get(page).post(upload).layer(DefaultBodyLimit::max(BODY_LIMIT)))
}

pub fn api_routes() -> Routes {
    Routes::new().route("/orgs/{id}/dues/import", post(api_import).layer(DefaultBodyLimit::max(BODY_LIMIT)))
}

#[derive(Template)]
#[template(path = "dues_import.html")]
struct ImportPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    error: String,
    /// The result of an upload: rows, amount, imported, dry run.
    done: Option<(usize, String, usize, bool)>,
    issues: Vec<(usize, String, String)>,
}

async fn show(state: &AppState, v: &Viewer, id: i64, error: String, result: Option<(DuesImport, bool)>) -> PageResult {
    let d = state.services.branch_dues(&v.actor, id, chrono::Datelike::year(&state.services.today())).await?;
    if !d.can_edit {
        return Err(ServiceError::Forbidden.into());
    }
    let status = if !error.is_empty() || result.as_ref().is_some_and(|(r, _)| !r.issues.is_empty()) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (done, issues) = match result {
        Some((r, dry)) => (Some((r.rows, r.amount.to_string(), r.imported, dry)), r.issues),
        None => (None, Vec::new()),
    };
    render_status(status, &ImportPage { nav: nav(v), org_id: id, org_name: d.org.name.clone(), error, done, issues })
}

async fn page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    show(&state, &v, id, String::new(), None).await
}

async fn upload(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let id = id_param(&id)?;
    let (bytes, dry) = match crate::roster::sheet_upload(&v, m).await? {
        Ok(x) => x,
        Err(msg) => return show(&state, &v, id, msg, None).await,
    };
    match state.services.import_dues_sheet(&v.actor, id, &bytes, dry).await {
        Ok(r) => show(&state, &v, id, String::new(), Some((r, dry))).await,
        Err(ServiceError::Invalid(e)) => {
            let msg = e.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；");
            show(&state, &v, id, msg, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ImportQuery {
    dry_run: bool,
}

/// One problem of an uploaded sheet.
#[derive(Serialize, ToSchema)]
pub(crate) struct DuesImportIssue {
    pub row_number: usize,
    /// The column's header, empty for a problem of the whole row or file.
    pub column: String,
    pub message: String,
}

/// What an import read and wrote.
#[derive(Serialize, ToSchema)]
pub(crate) struct DuesImportResult {
    pub rows: usize,
    pub amount: String,
    /// Payments written (0 for a dry run).
    pub imported: usize,
    pub issues: Vec<DuesImportIssue>,
}

/// A sheet refused: nothing was imported; every problem by row and column.
#[derive(Serialize, ToSchema)]
pub(crate) struct DuesImportRefused {
    pub error: crate::error::ErrorDetail,
    pub report: DuesImportResult,
}

async fn api_import(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<ImportQuery>, QueryRejection>,
    body: axum::body::Body,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let bytes = crate::roster::sheet_bytes(body).await?;
    let r = state.services.import_dues_sheet(&v.actor, id, &bytes, q.dry_run).await?;
    let report = DuesImportResult {
        rows: r.rows,
        amount: r.amount.to_string(),
        imported: r.imported,
        issues: r
            .issues
            .iter()
            .map(|(row, col, msg)| DuesImportIssue { row_number: *row, column: col.clone(), message: msg.clone() })
            .collect(),
    };
    if !report.issues.is_empty() {
        let body = DuesImportRefused { error: crate::roster::file_refused(report.issues.len()), report };
        return Ok((StatusCode::BAD_REQUEST, Json(body)).into_response());
    }
    ok(report)
}
