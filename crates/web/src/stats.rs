//! 党内统计 (party statistics) of an org's subtree on a reference date: the page with the tables,
//! each child's figures linking to its own statistics, two charts drawn on the server as SVG,
//! and the same report in the API.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use domain::FieldErrors;
use domain::dates::{AgeBand, format_cn};
use domain::stats::{Behind, Drill};
use reports::chart::{count_bars, pyramid};
use services::ServiceError;
use services::ledger::LedgerFormat;
use services::stats::{StatsReport, reference_date};
use services::stats_lines::{self, StatLine};

use crate::AppState;
use crate::api::{ApiResult, id_of, ok};
use crate::auth::{ApiViewer, PageViewer};
use crate::dues::query;
use crate::error::{ApiError, PageError};
use crate::ui::{PageResult, Routes, get_s, id_param, nav, render_status};

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/stats", get(page))
        .route("/orgs/{id}/stats.xlsx", get(stats_xlsx))
        .route("/orgs/{id}/stats.pdf", get(stats_pdf))
        .route("/orgs/{id}/stats/members", get(cell_page))
}

pub fn api_routes() -> Routes {
    Routes::new().route("/orgs/{id}/stats", get(api_stats)).route("/orgs/{id}/stats/members", get(api_cell))
}

/// A labelled row of counts.
struct Line {
    label: String,
    n: u64,
    /// Em spaces, one per level the row stands under the row above.
    indent: String,
    /// Last year's count and the change, when compared ("" otherwise).
    before: String,
    change: String,
    /// The cell the count opens (the members behind it), or "" for none.
    cell: String,
}

struct Child {
    org_id: i64,
    name: String,
    orgs: u64,
    members: u64,
    probationary: u64,
    women: u64,
    minorities: u64,
    college_plus: u64,
    last_year: u64,
    increases: u64,
    decreases: u64,
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    year: String,
    as_of: String,
    /// Last year's figures are shown beside this year's.
    compared: bool,
    year_error: String,
    as_of_error: String,
    /// Empty when the form was refused.
    on: String,
    last: String,
    summary: Vec<Line>,
    table1: Vec<Line>,
    age_bands: Vec<String>,
    /// Table 2: occupation, total, then one count per age band.
    table2: Vec<(String, u64, Vec<u64>)>,
    table3: Vec<Line>,
    table4: Vec<Line>,
    /// The event tables: (title, lines).
    events: Vec<(String, Vec<Line>)>,
    children: Vec<Child>,
    inconsistencies: Vec<services::stats::Inconsistency>,
    roster_checked: bool,
    age_chart: String,
    education_chart: String,
    org_chart: String,
    trend_chart: String,
}

impl From<StatLine> for Line {
    fn from(l: StatLine) -> Line {
        Line {
            label: l.label,
            n: l.n,
            indent: "\u{2003}".repeat(usize::from(l.depth)),
            before: String::new(),
            change: String::new(),
            cell: l.cell.map(Drill::name).unwrap_or_default(),
        }
    }
}

fn lines(from: Vec<StatLine>) -> Vec<Line> {
    from.into_iter().map(Line::from).collect()
}

/// Puts last year's counts beside this year's, line by line (the two lists have the same rows).
fn compare(lines: &mut [Line], before: &[Line]) {
    for (l, b) in lines.iter_mut().zip(before) {
        l.before = b.n.to_string();
        l.change = match l.n.cmp(&b.n) {
            std::cmp::Ordering::Greater => format!("+{}", l.n - b.n),
            std::cmp::Ordering::Less => format!("−{}", b.n - l.n),
            std::cmp::Ordering::Equal => "0".to_string(),
        };
    }
}

/// The lines of the tables that compare year to year: the basic counts, tables 3, 4 and the
/// events, from one org's figures.
/// The lines of the basic counts, tables 3 and 4, and the event tables by title.
struct Comparable {
    summary: Vec<Line>,
    table3: Vec<Line>,
    table4: Vec<Line>,
    events: Vec<(String, Vec<Line>)>,
}

fn comparable(stats: &services::stats::OrgStats) -> Comparable {
    Comparable {
        summary: lines(stats_lines::basic(stats)),
        table3: lines(stats_lines::table3(stats)),
        table4: lines(stats_lines::table4(stats)),
        events: stats_lines::events(&stats.events).into_iter().map(|(t, l)| (t.to_string(), lines(l))).collect(),
    }
}

fn view(page: &mut StatsPage, r: &StatsReport) {
    let m = &r.total.members;
    page.on = format_cn(r.on);
    page.last = format_cn(r.last);
    let c = &r.total.changes;
    page.table1 = lines(stats_lines::table1(c));
    page.age_bands = AgeBand::ALL.iter().map(|b| b.label().to_string()).collect();
    page.table2 = stats_lines::occupation_labels()
        .zip(&m.occupation_by_age)
        .map(|(name, row)| (name.to_string(), row.iter().sum(), row.to_vec()))
        .collect();
    let mut now = comparable(&r.total);
    if let Some(before) = &r.previous {
        let then = comparable(before);
        page.compared = true;
        compare(&mut now.summary, &then.summary);
        compare(&mut now.table3, &then.table3);
        compare(&mut now.table4, &then.table4);
        for ((_, lines), (_, b)) in now.events.iter_mut().zip(&then.events) {
            compare(lines, b);
        }
    }
    page.summary = now.summary;
    page.table3 = now.table3;
    page.table4 = now.table4;
    page.events = now.events;
    page.children = r
        .children
        .iter()
        .map(|c| {
            let (s, o, t) = (&c.stats.members, &c.stats.orgs, &c.stats.changes);
            Child {
                org_id: c.org_id,
                name: c.name.clone(),
                orgs: o.committees + o.general_branches + o.branches,
                members: s.total,
                probationary: s.probationary,
                women: s.women,
                minorities: s.minorities,
                college_plus: s.college_plus,
                last_year: t.last_year,
                increases: t.increases(),
                decreases: t.decreases(),
            }
        })
        .collect();
    page.inconsistencies = r.inconsistencies.clone();
    page.roster_checked = r.roster_checked;
    let by_age = m.by_age();
    let ages: Vec<(String, u64, u64)> = AgeBand::ALL
        .iter()
        .enumerate()
        .map(|(i, b)| (b.label().to_string(), by_age[i] - m.women_by_age[i].min(by_age[i]), m.women_by_age[i]))
        .collect();
    page.age_chart = pyramid("党员年龄结构（分性别）", &ages);
    let edu: Vec<(String, u64)> = page.table4.iter().map(|l| (l.label.clone(), l.n)).collect();
    page.education_chart = count_bars("党员学历结构", &edu);
    let o = &r.total.orgs;
    let orgs = [("党委", o.committees), ("党总支", o.general_branches), ("党支部", o.branches)];
    let orgs: Vec<(String, u64)> = orgs.iter().map(|(l, n)| (l.to_string(), *n)).collect();
    page.org_chart = count_bars("基层党组织", &orgs);
}

async fn page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let q = query(q);
    let org = state.services.org(&v.actor, id).await?;
    let (year, as_of) = (get_s(&q, "year"), get_s(&q, "as_of"));
    let mut page = StatsPage {
        nav: nav(&v),
        org_id: id,
        org_name: org.name,
        year: year.clone(),
        as_of: as_of.clone(),
        compared: false,
        year_error: String::new(),
        as_of_error: String::new(),
        on: String::new(),
        last: String::new(),
        summary: Vec::new(),
        table1: Vec::new(),
        age_bands: Vec::new(),
        table2: Vec::new(),
        table3: Vec::new(),
        table4: Vec::new(),
        events: Vec::new(),
        children: Vec::new(),
        inconsistencies: Vec::new(),
        roster_checked: false,
        age_chart: String::new(),
        education_chart: String::new(),
        org_chart: String::new(),
        trend_chart: String::new(),
    };
    match reference_of(&state, &q) {
        Ok(on) => {
            let report = if get_s(&q, "compare") == "1" {
                state.services.stats_compared(&v.actor, id, on).await?
            } else {
                state.services.stats(&v.actor, id, on).await?
            };
            view(&mut page, &report);
            let trend = state.services.admissions_trend(&v.actor, id, on).await?;
            // The year of a date other than 31 December is the year so far.
            let items: Vec<(String, u64)> = trend.iter().map(|(y, n)| (format!("{y}年"), *n)).collect();
            page.trend_chart = count_bars("近五年发展党员", &items);
            render_status(StatusCode::OK, &page)
        }
        Err(errors) => {
            page.year_error = errors.get("year").unwrap_or_default().to_string();
            page.as_of_error = errors.get("as_of").unwrap_or_default().to_string();
            render_status(StatusCode::BAD_REQUEST, &page)
        }
    }
}

/// `GET /api/v1/orgs/{id}/stats[?year=Y|as_of=DATE]`: the report (the subtree's figures, its
/// own members', and each child's), or 400 with the field that is wrong.
async fn api_stats(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = query(q);
    let on = reference_of(&state, &q).map_err(|e| ApiError::Service(ServiceError::Invalid(e)))?;
    if matches!(get_s(&q, "compare").as_str(), "true" | "1") {
        ok(state.services.stats_compared(&v.actor, id, on).await?)
    } else {
        ok(state.services.stats(&v.actor, id, on).await?)
    }
}

/// The reference date a request asks for (`year` or `as_of`; see
/// `services::stats::reference_date`).
fn reference_of(state: &AppState, q: &HashMap<String, String>) -> Result<chrono::NaiveDate, FieldErrors> {
    reference_date(state.services.today(), &get_s(q, "year"), &get_s(q, "as_of"))
}

/// The statistics as a workbook or PDF; a bad year or date is a 400 page naming it.
async fn file(
    state: &AppState,
    v: &crate::auth::Viewer,
    id: &str,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    format: LedgerFormat,
) -> PageResult {
    let id = id_param(id)?;
    let q = query(q);
    let on = reference_of(state, &q).map_err(|e| PageError::BadRequest(e.to_string()))?;
    crate::dues_branch::file_response(state.services.stats_file(&v.actor, id, on, format).await?)
}

async fn stats_xlsx(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    file(&state, &v, &id, q, LedgerFormat::Xlsx).await
}

async fn stats_pdf(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    file(&state, &v, &id, q, LedgerFormat::Pdf).await
}

#[derive(Template)]
#[template(path = "stats_members.html")]
struct CellView {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    on: String,
    label: String,
    /// The events of table 1 and the event tables fall after this day (formatted), up to `on`.
    since: String,
    /// Whether the figure counts events of the year (table 1, the event tables but 18–20 and
    /// 33–35/43, which are taken on the day).
    in_year: bool,
    total: i64,
    /// What the rows are, their link and the unit counted.
    link: &'static str,
    unit: &'static str,
    org_header: &'static str,
    rows: Vec<services::stats::CellRow>,
    /// The query of the statistics page this came from, to go back to it and to page.
    back: String,
    page: i64,
    prev: Option<i64>,
    next: Option<i64>,
}

fn page_number(q: &HashMap<String, String>) -> Result<i64, FieldErrors> {
    let raw = get_s(q, "page");
    if raw.trim().is_empty() {
        return Ok(1);
    }
    raw.trim().parse::<i64>().ok().filter(|p| (1..=1_000_000).contains(p)).ok_or_else(|| {
        let mut e = FieldErrors::new();
        e.add("page", "页码应为1至1000000之间的整数");
        e
    })
}

/// The members behind a figure of the member tables (`?cell=edu-1`), on the same reference
/// date as the statistics page it was opened from.
async fn cell_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let q = query(q);
    let org = state.services.org(&v.actor, id).await?;
    let (year, as_of) = (get_s(&q, "year"), get_s(&q, "as_of"));
    let bad = |e: FieldErrors| PageError::BadRequest(e.to_string());
    let on = reference_of(&state, &q).map_err(bad)?;
    let page = page_number(&q).map_err(bad)?;
    let cell = state.services.stats_cell(&v.actor, id, on, &get_s(&q, "cell"), page).await.map_err(|e| match e {
        ServiceError::Invalid(f) => bad(f),
        other => PageError::Service(other),
    })?;
    let pages = (cell.total + services::stats::CELL_PAGE - 1) / services::stats::CELL_PAGE;
    let view = CellView {
        nav: nav(&v),
        org_id: id,
        org_name: org.name,
        on: format_cn(on),
        since: format_cn(cell.last),
        in_year: cell.in_year,
        label: cell.label,
        total: cell.total,
        link: match cell.behind {
            Behind::Member => "/members/",
            Behind::Recruit => "/recruits/",
            Behind::Org => "/orgs/",
        },
        unit: match cell.behind {
            Behind::Member => "名党员",
            Behind::Recruit => "人",
            Behind::Org => "个党组织",
        },
        org_header: if cell.behind == Behind::Org { "上级党组织" } else { "所在党支部" },
        rows: cell.rows,
        back: format!("year={year}&as_of={as_of}&cell={}", cell.cell),
        page,
        prev: (page > 1).then_some(page - 1),
        next: (page < pages).then_some(page + 1),
    };
    render_status(StatusCode::OK, &view)
}

/// `GET /api/v1/orgs/{id}/stats/members?cell=…[&year=Y|as_of=DATE][&page=N]`.
async fn api_cell(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = query(q);
    let invalid = |e: FieldErrors| ApiError::Service(ServiceError::Invalid(e));
    let on = reference_of(&state, &q).map_err(invalid)?;
    let page = page_number(&q).map_err(invalid)?;
    ok(state.services.stats_cell(&v.actor, id, on, &get_s(&q, "cell"), page).await?)
}
