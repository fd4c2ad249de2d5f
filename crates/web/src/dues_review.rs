//! The yearly base review page (党费基数年度核定): every member of the branch with the base in
//! force, a new category and base for each, a preview of every change (old and new base, old
//! and new due), then one click applies them all in one transaction.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use chrono::Datelike;
use domain::FieldErrors;
use domain::codes::DuesCategory;
use services::ServiceError;
use services::dues::review::{BaseChange, ReviewLine};

use crate::AppState;
use crate::auth::{PageViewer, Viewer};
use crate::dues::query;
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};

pub fn routes() -> Routes {
    Routes::new().route("/orgs/{id}/dues/bases", get(page).post(post))
}

/// One member's row of the form.
struct Row {
    id: i64,
    name: String,
    current: String,
    category: String,
    base: String,
    chosen: String,
    error: String,
}

#[derive(Template)]
#[template(path = "dues_review.html")]
struct ReviewPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    month: String,
    rows: Vec<Row>,
    categories: Vec<(String, String)>,
    /// The preview's changes: (name, old, new, changed).
    preview: Vec<(String, String, String, bool)>,
    changed: usize,
    error: String,
}

fn terms(c: &BaseChange) -> (String, String) {
    let old = c
        .old
        .map_or_else(|| "未登记".to_string(), |(cat, base, due)| format!("{}，基数{base}，月交{due}", cat.label()));
    let new = format!(
        "{}，{}，月交{}",
        c.new.category.label(),
        if c.new.rate.is_some() { format!("基数{}", c.new.base) } else { c.new.bracket.to_string() },
        c.new.due
    );
    (old, new)
}

async fn view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: HashMap<String, String>,
    preview: Vec<BaseChange>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let today = state.services.today();
    let month = values.get("from_month").cloned().unwrap_or_else(|| {
        let next = if today.month() == 12 { (today.year() + 1, 1) } else { (today.year(), today.month()) };
        format!("{}-{:02}", next.0, next.1)
    });
    let d = state.services.branch_dues(&v.actor, id, today.year()).await?;
    if !d.can_edit {
        return Err(ServiceError::Forbidden.into());
    }
    let rows = d
        .rows
        .iter()
        .map(|r| {
            let (category, base, _, due) = services::dues::ledger::current_terms(&r.statement);
            let q = r.statement.lines.iter().rev().find_map(|l| l.quote.clone());
            let g = |k: &str, default: String| values.get(&format!("{k}_{}", r.member.id)).cloned().unwrap_or(default);
            Row {
                id: r.member.id,
                name: r.member.name.clone(),
                current: format!("{category}，基数{base}，月交{due}"),
                category: g(
                    "category",
                    q.as_ref().map_or(r.member.dues_category.as_str(), |q| q.category.as_str()).to_string(),
                ),
                base: g(
                    "base",
                    q.as_ref().filter(|q| q.rate.is_some()).map(|q| q.base.to_string()).unwrap_or_default(),
                ),
                chosen: g(
                    "chosen",
                    q.as_ref()
                        .filter(|q| q.rate.is_none() && q.category == DuesCategory::Farmer)
                        .map(|q| q.due.to_string())
                        .unwrap_or_default(),
                ),
                error: ["category", "base", "chosen"]
                    .iter()
                    .filter_map(|f| errors.get(&format!("{f}_{}", r.member.id)))
                    .collect::<Vec<_>>()
                    .join("；"),
            }
        })
        .collect();
    let changed = preview.iter().filter(|c| c.changed).count();
    let preview = preview
        .iter()
        .map(|c| {
            let (old, new) = terms(c);
            (c.name.clone(), old, new, c.changed)
        })
        .collect();
    let mut error = crate::ui::summary_of(&errors);
    if let Some(e) = errors.get("from_month") {
        error = e.to_string();
    }
    let page = ReviewPage {
        nav: nav(v),
        org_id: id,
        org_name: d.org.name.clone(),
        month,
        rows,
        categories: DuesCategory::ALL.iter().map(|c| (c.as_str().to_string(), c.label().to_string())).collect(),
        preview,
        changed,
        error,
    };
    render_status(status, &page)
}

async fn page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    view(&state, &v, id, query(q), Vec::new(), FieldErrors::new(), StatusCode::OK).await
}

fn lines_of(fields: &HashMap<String, String>) -> Vec<ReviewLine> {
    let mut ids: Vec<i64> =
        fields.keys().filter_map(|k| k.strip_prefix("category_")).filter_map(|id| id.parse().ok()).collect();
    ids.sort_unstable();
    ids.into_iter()
        .map(|id| ReviewLine {
            member_id: id,
            category: get_s(fields, &format!("category_{id}")),
            base: get_s(fields, &format!("base_{id}")),
            chosen: get_s(fields, &format!("chosen_{id}")),
        })
        .collect()
}

async fn post(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let lines = lines_of(&f.fields);
    let month = get_s(&f.fields, "from_month");
    let apply = get_s(&f.fields, "action") == "apply";
    let result = if apply {
        state.services.apply_base_review(&f.viewer.actor, id, &month, &lines).await.map(|_| Vec::new())
    } else {
        state.services.preview_base_review(&f.viewer.actor, id, &month, &lines).await.map(|r| r.changes)
    };
    match result {
        Ok(_) if apply => {
            let year = domain::dates::parse_year_month(&month).map(|m| m.year()).unwrap_or_default();
            see_other(&format!("/orgs/{id}/dues?year={year}"))
        }
        Ok(changes) => view(&state, &f.viewer, id, f.fields.clone(), changes, FieldErrors::new(), StatusCode::OK).await,
        Err(ServiceError::Invalid(e)) => {
            view(&state, &f.viewer, id, f.fields.clone(), Vec::new(), e, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_gives_one_line_per_member_in_id_order() {
        let f: HashMap<String, String> =
            [("category_12", "employed"), ("base_12", "5000"), ("category_3", "student"), ("from_month", "2027-01")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let lines = lines_of(&f);
        assert_eq!(lines.iter().map(|l| l.member_id).collect::<Vec<_>>(), vec![3, 12]);
        assert_eq!(lines[1].base, "5000");
    }
}
