//! The org's ledger set (台账): every ledger the org keeps, for a year, each downloadable as .xlsx
//! or PDF generated from the records; as a page and in the API.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use services::ledger::LedgerFormat;
use services::ledger_set::{LedgerKind, LedgerSet};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, id_of, ok};
use crate::auth::{ApiViewer, PageViewer};
use crate::dues::query;
use crate::error::ApiError;
use crate::error::PageError;
use crate::ui::{PageResult, Routes, id_param, nav, render_status};

pub fn routes() -> Routes {
    Routes::new().route("/orgs/{id}/ledgers", get(org_page)).route("/orgs/{id}/ledgers/{kind}", get(download))
}

pub fn api_routes() -> Routes {
    Routes::new().route("/orgs/{id}/ledgers", get(api_set)).route("/orgs/{id}/ledgers/{kind}", get(api_download))
}

/// A ledger's line on the page: (kind, title, what it holds, whether it is of one year).
type Line = (&'static str, &'static str, &'static str, bool);

#[derive(Template)]
#[template(path = "ledger_set.html")]
struct OrgPage {
    nav: crate::ui::Nav,
    set: LedgerSet,
    /// (area, [(kind, title, holds, by_year)]) in the set's order.
    areas: Vec<(&'static str, Vec<Line>)>,
    this_year: i32,
}

/// The year asked for: this year by default; a year outside 1949 to this year is refused.
fn year_of(q: &HashMap<String, String>, this_year: i32) -> Result<i32, String> {
    match q.get("year").map(|y| y.trim()).filter(|y| !y.is_empty()) {
        None => Ok(this_year),
        Some(y) => match y.parse::<i32>() {
            Ok(y) if (1949..=this_year).contains(&y) => Ok(y),
            _ => Err(format!("年度应为1949至{this_year}之间的四位数字")),
        },
    }
}

fn format_of(q: &HashMap<String, String>) -> Result<LedgerFormat, String> {
    match q.get("format").map(String::as_str) {
        None | Some("xlsx") => Ok(LedgerFormat::Xlsx),
        Some("pdf") => Ok(LedgerFormat::Pdf),
        Some(other) => Err(format!("format 只能是 xlsx 或 pdf，不是 {other}")),
    }
}

fn kind_of(kind: &str) -> Result<LedgerKind, String> {
    LedgerKind::parse(kind).ok_or_else(|| format!("没有“{kind}”这种台账"))
}

async fn org_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let this_year = chrono::Datelike::year(&state.services.today());
    let year = year_of(&query(q), this_year).map_err(PageError::BadRequest)?;
    let set = state.services.ledger_set(&v.actor, id, year).await?;
    let mut areas: Vec<(&'static str, Vec<Line>)> = Vec::new();
    for l in &set.ledgers {
        let line = (l.kind.as_str(), l.title, l.holds, l.by_year);
        match areas.iter_mut().find(|(a, _)| *a == l.area) {
            Some((_, lines)) => lines.push(line),
            None => areas.push((l.area, vec![line])),
        }
    }
    render_status(StatusCode::OK, &OrgPage { nav: nav(&v), set, areas, this_year })
}

async fn download(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, kind)): Path<(String, String)>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let q = query(q);
    let this_year = chrono::Datelike::year(&state.services.today());
    let year = year_of(&q, this_year).map_err(PageError::BadRequest)?;
    let format = format_of(&q).map_err(PageError::BadRequest)?;
    let kind = kind_of(&kind).map_err(PageError::BadRequest)?;
    crate::dues_branch::file_response(state.services.ledger_of_set(&v.actor, id, kind, year, format).await?)
}

/// One ledger of an org's set.
#[derive(Serialize, ToSchema)]
pub(crate) struct LedgerOut {
    /// The identifier used to download it: `GET /api/v1/orgs/{id}/ledgers/{kind}`.
    pub kind: LedgerKind,
    pub title: String,
    /// 组织生活、学习培训、党委工作、意识形态工作、党费、发展党员、党内统计.
    pub area: String,
    /// What it holds and the rules it shows.
    pub holds: String,
    /// Whether it is of one year (the others are the register as it stands).
    pub by_year: bool,
}

/// The ledgers an org keeps, for a year.
#[derive(Serialize, ToSchema)]
pub(crate) struct LedgerSetOut {
    pub org_id: i64,
    pub year: i32,
    pub ledgers: Vec<LedgerOut>,
}

#[derive(Deserialize)]
struct FileQuery {
    year: Option<String>,
    format: Option<String>,
}

fn file_query(q: Result<Query<FileQuery>, QueryRejection>) -> Result<HashMap<String, String>, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let mut out = HashMap::new();
    out.extend(q.year.map(|y| ("year".to_string(), y)));
    out.extend(q.format.map(|f| ("format".to_string(), f)));
    Ok(out)
}

async fn api_set(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<FileQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = file_query(q)?;
    let year = year_of(&q, chrono::Datelike::year(&state.services.today())).map_err(ApiError::BadRequest)?;
    let set = state.services.ledger_set(&v.actor, id, year).await?;
    ok(LedgerSetOut {
        org_id: id,
        year,
        ledgers: set
            .ledgers
            .iter()
            .map(|l| LedgerOut {
                kind: l.kind,
                title: l.title.to_string(),
                area: l.area.to_string(),
                holds: l.holds.to_string(),
                by_year: l.by_year,
            })
            .collect(),
    })
}

async fn api_download(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path((id, kind)): Path<(String, String)>,
    q: Result<Query<FileQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = file_query(q)?;
    let year = year_of(&q, chrono::Datelike::year(&state.services.today())).map_err(ApiError::BadRequest)?;
    let format = format_of(&q).map_err(ApiError::BadRequest)?;
    let kind = kind_of(&kind).map_err(ApiError::BadRequest)?;
    let f = state.services.ledger_of_set(&v.actor, id, kind, year, format).await?;
    Ok(crate::roster::download(f.bytes, &f.file_name, f.content_type))
}
