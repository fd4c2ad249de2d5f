//! `GET /api/v1/todo`: the home page's to-do lists (待办事项) as JSON, for a phone app or a
//! script: a branch's open findings by deadline with the current requirements and the month's
//! calendar, or an admin's orgs with the most overdue.

use crate::AppState;
use crate::api::{ApiResult, ok};
use crate::api_life::Finding;
use crate::auth::ApiViewer;
use crate::ui::Routes;
use axum::extract::State;
use axum::routing::get;
use chrono::NaiveDate;
use domain::org::OrgKind;
use serde::Serialize;
use services::todo::Todo;
use utoipa::ToSchema;

pub fn routes() -> Routes {
    Routes::new().route("/todo", get(todo))
}

async fn todo(State(state): State<AppState>, ApiViewer(v): ApiViewer) -> ApiResult {
    let as_of = state.services.today();
    let lists = state.services.todo(&v.actor, as_of).await?;
    let mut out = TodoLists { as_of, branches: Vec::new(), subtrees: Vec::new() };
    for t in lists.iter() {
        match t {
            Todo::Org(t) => out.branches.push(BranchTodo::from(t.as_ref())),
            Todo::Subtree(t) => out.subtrees.push(SubtreeTodo::from(t)),
        }
    }
    ok(out)
}

/// What is left to do for each org the viewer keeps or administers, as of today.
#[derive(Serialize, ToSchema)]
pub(crate) struct TodoLists {
    pub as_of: NaiveDate,
    /// One per branch (or group) the viewer keeps.
    pub branches: Vec<BranchTodo>,
    /// One per subtree the viewer administers.
    pub subtrees: Vec<SubtreeTodo>,
}

/// A branch's open findings, most urgent first.
#[derive(Serialize, ToSchema)]
pub(crate) struct BranchTodo {
    pub org_id: i64,
    pub org_name: String,
    pub groups: Vec<TodoGroup>,
    /// Open findings someone explained (情况说明): counted, not listed.
    pub explained: usize,
    pub requirements: Vec<Requirement>,
    /// The days of the month with records and deadlines (days with neither are left out).
    pub calendar: Vec<CalendarDay>,
}

/// The findings due alike: `overdue`, `this_week`, `this_month`, `later`.
#[derive(Serialize, ToSchema)]
pub(crate) struct TodoGroup {
    pub bucket: String,
    pub label: String,
    pub items: Vec<TodoItem>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct TodoItem {
    /// The org that must act (the branch or one of its groups).
    pub org_name: String,
    pub finding: Finding,
}

/// A requirement of the current period and how far it is met.
#[derive(Serialize, ToSchema)]
pub(crate) struct Requirement {
    pub rule_id: String,
    pub title: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub required: u32,
    pub held: u32,
    pub met: bool,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CalendarDay {
    pub date: NaiveDate,
    /// Records held that day: `meeting:56` with its kind in words.
    pub records: Vec<CalendarRecord>,
    /// Requirements whose period ends that day and are not met yet.
    pub due: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CalendarRecord {
    pub meeting_id: i64,
    pub label: String,
}

/// An admin's subtree: the orgs with something overdue, the most violations first.
#[derive(Serialize, ToSchema)]
pub(crate) struct SubtreeTodo {
    pub root_id: i64,
    pub root_name: String,
    pub orgs: Vec<OrgOpen>,
    pub orgs_overdue: usize,
    pub orgs_only_upcoming: usize,
    pub orgs_checked: u64,
    /// Too many orgs to check here: see the compliance dashboard.
    pub too_large: bool,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct OrgOpen {
    pub org_id: i64,
    pub name: String,
    pub kind: OrgKind,
    pub overdue: u64,
    pub violations: u64,
    pub warnings: u64,
    pub upcoming: u64,
}

impl From<&services::todo::OrgTodo> for BranchTodo {
    fn from(t: &services::todo::OrgTodo) -> Self {
        Self {
            org_id: t.org_id,
            org_name: t.org_name.clone(),
            groups: t
                .groups
                .iter()
                .map(|g| TodoGroup {
                    bucket: g.bucket.as_str().into(),
                    label: g.bucket.label().into(),
                    items: g
                        .items
                        .iter()
                        .map(|i| TodoItem { org_name: i.org_name.clone(), finding: Finding::from(&i.finding) })
                        .collect(),
                })
                .collect(),
            explained: t.explained,
            requirements: t
                .requirements
                .iter()
                .map(|r| Requirement {
                    rule_id: r.rule_id.into(),
                    title: r.title.into(),
                    period_start: r.period.start(),
                    period_end: r.period.end(),
                    required: r.required,
                    held: r.held,
                    met: r.met,
                })
                .collect(),
            calendar: t
                .calendar
                .weeks
                .iter()
                .flatten()
                .flatten()
                .filter(|d| !d.records.is_empty() || !d.due.is_empty())
                .map(|d| CalendarDay {
                    date: d.date,
                    records: d
                        .records
                        .iter()
                        .map(|r| CalendarRecord { meeting_id: r.meeting_id, label: r.label.into() })
                        .collect(),
                    due: d.due.iter().map(|t| t.to_string()).collect(),
                })
                .collect(),
        }
    }
}

impl From<&services::todo::SubtreeTodo> for SubtreeTodo {
    fn from(t: &services::todo::SubtreeTodo) -> Self {
        Self {
            root_id: t.root_id,
            root_name: t.root_name.clone(),
            orgs: t
                .orgs
                .iter()
                .map(|o| OrgOpen {
                    org_id: o.org_id,
                    name: o.name.clone(),
                    kind: o.kind,
                    overdue: o.overdue,
                    violations: o.violations,
                    warnings: o.warnings,
                    upcoming: o.upcoming,
                })
                .collect(),
            orgs_overdue: t.orgs_overdue,
            orgs_only_upcoming: t.orgs_only_upcoming,
            orgs_checked: t.orgs_checked,
            too_large: t.too_large,
        }
    }
}
