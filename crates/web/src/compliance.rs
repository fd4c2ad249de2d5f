//! The compliance dashboard (合规看板) of a subtree: per requirement and period, met or missed,
//! rates rolled up the tree, drill-down to each child and to an org's records; charts as
//! server-rendered SVG (the same code the PDF ledger uses).

use crate::AppState;
use crate::api::{ApiResult, id_of as api_id_of, ok};
use crate::auth::{ApiViewer, PageViewer};
use crate::error::{ApiError, PageError};
use crate::ui::Routes;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use domain::org::OrgKind;
use domain::rules::Severity;
use reports::chart::{Bar, MonthCell, monthly_columns, rate_bars};
use serde::{Deserialize, Serialize};
use services::ServiceError;
use services::compliance::ComplianceReport;
use utoipa::ToSchema;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/compliance", get(page))
        .route("/orgs/{id}/compliance.xlsx", get(export))
        .route("/orgs/{id}/findings", get(findings_page))
}

pub fn api_routes() -> Routes {
    Routes::new().route("/orgs/{id}/compliance", get(api))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: String,
    /// The child orgs' order: "rate" (lowest first), "open" (most open findings first) or the
    /// tree's (default).
    sort: String,
    /// "below" keeps the child orgs below 100 %, "violations" those with a violation.
    only: String,
    /// The findings page: one severity ("violation", "warning", "upcoming") or all.
    severity: String,
    /// An org kind keeps the child orgs of that kind.
    kind: String,
}

/// The year asked for (this year by default) and its as-of date: today for this year, the
/// first day of the next for a past year.
fn year_of(q: Result<Query<YearQuery>, QueryRejection>, today: NaiveDate) -> (i32, NaiveDate) {
    let year = q.ok().and_then(|Query(q)| q.year.parse::<i32>().ok());
    year_and_as_of(year, today)
}

fn year_and_as_of(year: Option<i32>, today: NaiveDate) -> (i32, NaiveDate) {
    let year = year.filter(|y| (1949..=today.year()).contains(y)).unwrap_or(today.year());
    let as_of = if year < today.year() { NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(today) } else { today };
    (year, as_of)
}

struct ChildLine {
    org_id: i64,
    name: String,
    kind: &'static str,
    rate: String,
    detail: String,
    own_rate: String,
    findings: services::compliance::FindingCounts,
}

struct RuleLine {
    rule_id: &'static str,
    title: &'static str,
    rate: String,
    met: u64,
    required: u64,
}

#[derive(Template)]
#[template(path = "compliance.html")]
struct CompliancePage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    year: i32,
    prev_year: i32,
    next_year: i32,
    show_next: bool,
    as_of: String,
    rate: String,
    met: u64,
    required: u64,
    orgs_checked: u64,
    severities: Vec<(&'static str, &'static str, u64)>,
    children_chart: String,
    month_chart: String,
    rules_chart: String,
    children: Vec<ChildLine>,
    rules: Vec<RuleLine>,
    sort: String,
    only: String,
    kind: String,
}

/// The child orgs as the table shows them: filtered (below 100 %, of one kind) and sorted
/// (lowest rate first, then by name), or in the tree's order.
fn children_shown<'a>(
    children: &'a [services::compliance::OrgCompliance],
    q: &YearQuery,
) -> Vec<&'a services::compliance::OrgCompliance> {
    let mut shown: Vec<&services::compliance::OrgCompliance> = children
        .iter()
        .filter(|c| q.only != "below" || c.subtree.met_periods < c.subtree.required_periods)
        .filter(|c| q.only != "violations" || c.findings.violations > 0)
        .filter(|c| q.kind.is_empty() || c.kind.as_str() == q.kind)
        .collect();
    match q.sort.as_str() {
        "rate" => shown.sort_by_key(|c| (c.subtree.rate_permille().unwrap_or(1000), c.name.clone())),
        "open" => shown.sort_by_key(|c| {
            let f = c.findings;
            (std::cmp::Reverse((f.violations, f.total())), c.name.clone())
        }),
        _ => {}
    }
    shown
}

/// A child org's name, with its closing date if it was closed (撤销) during the year or later.
fn child_name(c: &services::compliance::OrgCompliance) -> String {
    match &c.closed_on {
        Some(on) => {
            let on = domain::dates::format_cn(*on);
            format!("{}（{on}撤销）", c.name)
        }
        None => c.name.clone(),
    }
}

fn view(r: &ComplianceReport) -> (String, String, String) {
    let children: Vec<Bar> = r
        .children
        .iter()
        .filter(|c| c.subtree.required_periods > 0)
        .map(|c| Bar {
            label: child_name(c),
            rate_permille: c.subtree.rate_permille().unwrap_or(0),
            detail: format!("{}/{}", c.subtree.met_periods, c.subtree.required_periods),
            href: Some(format!("/orgs/{}/compliance?year={}", c.org_id, r.year)),
        })
        .collect();
    let months: Vec<MonthCell> = r
        .by_month
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let month_end = NaiveDate::from_ymd_opt(r.year, i as u32 + 1, 1)
                .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                .and_then(|d| d.pred_opt());
            MonthCell {
                met: u32::try_from(t.met_periods).unwrap_or(u32::MAX),
                required: u32::try_from(t.required_periods).unwrap_or(u32::MAX),
                due: month_end.is_some_and(|e| e < r.as_of),
            }
        })
        .collect();
    let rules: Vec<Bar> = r
        .by_rule
        .iter()
        .map(|x| Bar {
            label: format!("{} {}", x.rule_id, x.title),
            rate_permille: x.tally.rate_permille().unwrap_or(0),
            detail: format!("{}/{}", x.tally.met_periods, x.tally.required_periods),
            href: None,
        })
        .collect();
    (
        rate_bars("下级组织落实率（含其下级）", &children),
        monthly_columns("各月应开与已开（按周期截止月份）", &months),
        rate_bars("各项要求落实率", &rules),
    )
}

async fn page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| PageError::Service(ServiceError::NotFound))?;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let (year, as_of) = year_and_as_of(q.year.parse::<i32>().ok(), state.services.today());
    let r = state.services.compliance(&v.actor, id, year, as_of).await?;
    let (children_chart, month_chart, rules_chart) = view(&r);
    let today = state.services.today();
    let p = CompliancePage {
        org_id: r.root.org_id,
        org_name: r.root.name.clone(),
        year,
        prev_year: year - 1,
        next_year: year + 1,
        show_next: year < today.year(),
        as_of: domain::dates::format_cn(as_of),
        rate: r.root.subtree.rate_label(),
        met: r.root.subtree.met_periods,
        required: r.root.subtree.required_periods,
        orgs_checked: r.orgs_checked,
        severities: r.findings_by_severity.iter().map(|(s, n)| (s.as_str(), s.label(), *n)).collect(),
        children_chart,
        month_chart,
        rules_chart,
        sort: q.sort.clone(),
        only: q.only.clone(),
        kind: q.kind.clone(),
        children: children_shown(&r.children, &q)
            .into_iter()
            .map(|c| ChildLine {
                org_id: c.org_id,
                name: child_name(c),
                kind: c.kind.label(),
                rate: c.subtree.rate_label(),
                detail: format!("{}/{}", c.subtree.met_periods, c.subtree.required_periods),
                own_rate: c.own.rate_label(),
                findings: c.findings,
            })
            .collect(),
        rules: r
            .by_rule
            .iter()
            .map(|x| RuleLine {
                rule_id: x.rule_id,
                title: x.title,
                rate: x.tally.rate_label(),
                met: x.tally.met_periods,
                required: x.tally.required_periods,
            })
            .collect(),
        nav: crate::ui::nav(&v),
    };
    let html = p.render().map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok((StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

#[derive(Template)]
#[template(path = "subtree_findings.html")]
struct FindingsPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    heading: String,
    year: i32,
    as_of: String,
    /// The severity shown ("" for all).
    severity: String,
    severities: Vec<(&'static str, &'static str)>,
    total: usize,
    findings: Vec<crate::fix::FindingLine>,
}

/// `GET /orgs/{id}/findings`: the findings of the whole subtree behind a dashboard's counts, of
/// one severity or all, each with the org that must act and its fix link.
async fn findings_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| PageError::Service(ServiceError::NotFound))?;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let (year, as_of) = year_and_as_of(q.year.parse::<i32>().ok(), state.services.today());
    let severity = Severity::parse(&q.severity);
    let r = state.services.subtree_findings(&v.actor, id, year, as_of, severity).await?;
    let heading = match severity {
        Some(s) => format!("{}提醒", s.label()),
        None => "全部提醒".to_string(),
    };
    let p = FindingsPage {
        org_id: id,
        org_name: r.org_name.clone(),
        heading,
        year,
        as_of: domain::dates::format_cn(as_of),
        severity: severity.map(|s| s.as_str().to_string()).unwrap_or_default(),
        severities: Severity::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        total: r.total,
        findings: r.findings.iter().map(|(org_name, f)| crate::fix::FindingLine::of(f, org_name)).collect(),
        nav: crate::ui::nav(&v),
    };
    let html = p.render().map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok((StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

/// `GET /orgs/{id}/compliance.xlsx`: the dashboard's tables as a workbook (audited).
async fn export(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| PageError::Service(ServiceError::NotFound))?;
    let (year, as_of) = year_of(q, state.services.today());
    let bytes = state.services.compliance_xlsx(&v.actor, id, year, as_of).await?;
    Ok(crate::roster::download(
        bytes,
        &format!("组织生活落实情况{year}.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ))
}

async fn api(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let id = api_id_of(&id)?;
    if let Err(e) = &q {
        return Err(ApiError::BadRequest(format!("查询参数有误：{}", e.body_text())));
    }
    let (year, as_of) = year_of(q, state.services.today());
    ok(Compliance::from(&state.services.compliance(&v.actor, id, year, as_of).await?))
}

/// Periods required and met: a rate is `met_periods / required_periods`.
#[derive(Serialize, ToSchema, Clone, Copy)]
pub(crate) struct Tally {
    pub required_periods: u64,
    pub met_periods: u64,
}

impl From<domain::compliance::Tally> for Tally {
    fn from(t: domain::compliance::Tally) -> Self {
        Self { required_periods: t.required_periods, met_periods: t.met_periods }
    }
}

/// An org's own tally and its whole subtree's.
#[derive(Serialize, ToSchema)]
pub(crate) struct OrgCompliance {
    pub org_id: i64,
    pub path: String,
    pub name: String,
    pub kind: OrgKind,
    /// When the org was closed: it answers for the months before.
    pub closed_on: Option<NaiveDate>,
    pub own: Tally,
    pub subtree: Tally,
    /// The subtree's open findings by severity.
    pub findings: FindingCounts,
}

/// Findings by severity.
#[derive(Serialize, ToSchema, Clone, Copy)]
pub(crate) struct FindingCounts {
    pub violations: u64,
    pub warnings: u64,
    pub upcoming: u64,
}

impl From<services::compliance::FindingCounts> for FindingCounts {
    fn from(c: services::compliance::FindingCounts) -> Self {
        Self { violations: c.violations, warnings: c.warnings, upcoming: c.upcoming }
    }
}

impl From<&services::compliance::OrgCompliance> for OrgCompliance {
    fn from(c: &services::compliance::OrgCompliance) -> Self {
        Self {
            org_id: c.org_id,
            path: c.path.clone(),
            name: c.name.clone(),
            kind: c.kind,
            closed_on: c.closed_on,
            own: c.own.into(),
            subtree: c.subtree.into(),
            findings: c.findings.into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct RuleCompliance {
    pub rule_id: String,
    pub title: String,
    pub tally: Tally,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct SeverityCount {
    pub severity: Severity,
    pub findings: u64,
}

/// The compliance of an org and everything below it for a year (合规看板).
#[derive(Serialize, ToSchema)]
pub(crate) struct Compliance {
    pub year: i32,
    pub as_of: NaiveDate,
    pub root: OrgCompliance,
    pub children: Vec<OrgCompliance>,
    pub by_rule: Vec<RuleCompliance>,
    /// January to December.
    pub by_month: Vec<Tally>,
    pub findings_by_severity: Vec<SeverityCount>,
    pub orgs_checked: u64,
}

impl From<&ComplianceReport> for Compliance {
    fn from(r: &ComplianceReport) -> Self {
        Self {
            year: r.year,
            as_of: r.as_of,
            root: (&r.root).into(),
            children: r.children.iter().map(OrgCompliance::from).collect(),
            by_rule: r
                .by_rule
                .iter()
                .map(|x| RuleCompliance { rule_id: x.rule_id.into(), title: x.title.into(), tally: x.tally.into() })
                .collect(),
            by_month: r.by_month.iter().copied().map(Tally::from).collect(),
            findings_by_severity: r
                .findings_by_severity
                .iter()
                .map(|(severity, findings)| SeverityCount { severity: *severity, findings: *findings })
                .collect(),
            orgs_checked: r.orgs_checked,
        }
    }
}
