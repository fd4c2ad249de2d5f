//! Logging in and out, and the home page.

use crate::AppState;
use crate::auth::{PageViewer, check_csrf, end_session, same_origin, start_session};
use crate::error::PageError;
use crate::ui::Routes;
use crate::ui::*;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use services::ServiceError;

pub fn routes() -> Routes {
    Routes::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/", get(home))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    username: String,
    error: String,
    next: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NextQuery {
    next: String,
}

async fn login_page(q: Result<Query<NextQuery>, QueryRejection>) -> PageResult {
    let next = q.map(|Query(q)| q.next).unwrap_or_default();
    let next = crate::redirect::safe_next(&next).to_string();
    render(&LoginPage { username: String::new(), error: String::new(), next })
}

async fn login_submit(State(state): State<AppState>, headers: HeaderMap, form: Posted) -> PageResult {
    if !same_origin(&headers) {
        return Err(PageError::Csrf);
    }
    let f = posted(form)?;
    let username = get_s(&f, "username");
    let next = get_s(&f, "next");
    match state.services.login(&username, &get_s(&f, "password")).await {
        Ok((account, _)) => {
            let cookie = start_session(&state, account.id).await?;
            let to = if account.must_change_password { "/account" } else { crate::redirect::safe_next(&next) };
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to(to)).into_response())
        }
        Err(e @ (ServiceError::BadCredentials | ServiceError::Throttled { .. })) => {
            let status = if matches!(e, ServiceError::Throttled { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            render_status(status, &LoginPage { username, error: e.to_string(), next })
        }
        Err(e) => Err(e.into()),
    }
}

async fn logout(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    headers: HeaderMap,
    form: Posted,
) -> PageResult {
    check_csrf(&v, &get_s(&posted(form)?, "_csrf"))?;
    let cookie = end_session(&state, &headers).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

// ---------------------------------------------------------------- home

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    nav: Nav,
    as_of_cn: String,
    figures: std::sync::Arc<services::home::HomeFigures>,
    branches: Vec<BranchTodo>,
    subtrees: Vec<services::todo::SubtreeTodo>,
    /// Open knowledge contests with their participation in the viewer's subtree.
    contests: Vec<(services::contest::ContestRow, i64, domain::contest::Participation)>,
}

struct TodoGroupView {
    key: &'static str,
    label: &'static str,
    items: Vec<crate::fix::FindingLine>,
}

/// One requirement of the current period, with its period in words.
struct RequirementLine {
    rule_id: &'static str,
    title: &'static str,
    period: String,
    required: u32,
    held: u32,
    met: bool,
    due: String,
}

/// A branch's to-do list as the page shows it.
struct BranchTodo {
    org_id: i64,
    org_name: String,
    open: usize,
    explained: usize,
    groups: Vec<TodoGroupView>,
    requirements: Vec<RequirementLine>,
    calendar: services::todo::MonthCalendar,
}

fn branch_view(t: &services::todo::OrgTodo) -> BranchTodo {
    let groups: Vec<TodoGroupView> = t
        .groups
        .iter()
        .map(|g| TodoGroupView {
            key: g.bucket.as_str(),
            label: g.bucket.label(),
            items: g.items.iter().map(|i| crate::fix::FindingLine::of(&i.finding, &i.org_name)).collect(),
        })
        .collect();
    BranchTodo {
        org_id: t.org_id,
        org_name: t.org_name.clone(),
        open: groups.iter().map(|g| g.items.len()).sum(),
        explained: t.explained,
        groups,
        requirements: t
            .requirements
            .iter()
            .map(|r| RequirementLine {
                rule_id: r.rule_id,
                title: r.title,
                period: r.period.label(),
                required: r.required,
                held: r.held,
                met: r.met,
                due: domain::dates::format_cn(r.period.end()),
            })
            .collect(),
        calendar: t.calendar.clone(),
    }
}

#[derive(Template)]
#[template(path = "own_home.html")]
struct OwnHomePage {
    nav: Nav,
    as_of_cn: String,
    o: services::own::OwnOverview,
}

async fn home(State(state): State<AppState>, PageViewer(v): PageViewer) -> PageResult {
    let as_of = state.services.today();
    // A plain member's home is their own: their record, meetings, results and what is due.
    if v.actor.own_member_id().is_some() && v.actor.scope().is_own_record_only() {
        let o = state.services.own_overview(&v.actor, as_of).await?;
        return render(&OwnHomePage { nav: nav(&v), as_of_cn: domain::dates::format_cn(as_of), o });
    }
    let figures = state.services.home_figures(&v.actor, as_of).await?;
    let mut branches = Vec::new();
    let mut subtrees = Vec::new();
    for t in state.services.todo(&v.actor, as_of).await?.iter() {
        match t {
            services::todo::Todo::Org(t) => branches.push(branch_view(t)),
            services::todo::Todo::Subtree(t) => subtrees.push(t.clone()),
        }
    }
    let contests = state.services.open_contests_home(&v.actor).await?;
    render(&HomePage { nav: nav(&v), as_of_cn: domain::dates::format_cn(as_of), figures, branches, subtrees, contests })
}
