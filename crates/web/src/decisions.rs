//! Decisions on a member's membership and party discipline (党籍处置, 纪律处分): the member's
//! decisions and the form that records one (the only way to 停止党籍, 出党, 去世 or 留党察看),
//! as a page and in the API.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use chrono::NaiveDate;
use domain::FieldErrors;
use domain::dates::format_cn;
use domain::family::lifecycle::DecisionKind;
use serde::Serialize;
use services::ServiceError;
use services::decisions::{DecisionForm, DecisionsView};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer};
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new().route("/members/{id}/decisions", get(page).post(record))
}

pub fn api_routes() -> Routes {
    Routes::new().route("/members/{id}/decisions", get(api_list).post(api_record))
}

/// One decision as lists show it.
struct Line {
    kind: &'static str,
    sanction: bool,
    decided_on: String,
    body: String,
    document_no: String,
    reason: String,
    /// "一年（至2027年3月9日）", for a 留党察看.
    period: String,
    status: String,
}

#[derive(Template)]
#[template(path = "decisions.html")]
struct DecisionsPage {
    nav: crate::ui::Nav,
    member_id: i64,
    name: String,
    status: &'static str,
    lines: Vec<Line>,
    can_decide: bool,
    fields: Vec<Field>,
    error: String,
}

fn period(months: Option<i64>, last_day: Option<NaiveDate>, restored_on: Option<NaiveDate>) -> String {
    let (Some(m), Some(last)) = (months, last_day) else { return String::new() };
    let length = if m == 24 { "两年" } else { "一年" };
    match restored_on {
        Some(r) => format!("{length}（{}恢复党员权利）", format_cn(r)),
        None => format!("{length}（至{}）", format_cn(last)),
    }
}

fn kind_choices(kinds: &[DecisionKind]) -> Vec<(String, String)> {
    kinds
        .iter()
        .map(|k| {
            let group = if k.is_sanction() { "纪律处分" } else { "党籍处置" };
            (k.as_str().to_string(), format!("{}（{group}）", k.label()))
        })
        .collect()
}

async fn view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    values: &HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let d = state.services.decisions_of_member(&v.actor, id).await?;
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    let today = state.services.today().to_string();
    let decided_on = values.get("decided_on").cloned().unwrap_or(today);
    let months = vec![("12".to_string(), "一年".to_string()), ("24".to_string(), "两年".to_string())];
    let fields = vec![
        Field::select("kind", "决定类型", &g("kind"), kind_choices(&d.applicable), Some("请选择"), &errors).required(),
        Field::text("decided_on", "决定日期", &decided_on, &errors)
            .kind("date")
            .required()
            .hint("纪律处分为批准之日；状态自该日起变更"),
        Field::text("body", "决定机关", &g("body"), &errors).required().hint("如：中共某某支部委员会、某某党委"),
        Field::text("document_no", "文号", &g("document_no"), &errors).hint("死亡不需要文号"),
        Field::text("reason", "事由", &g("reason"), &errors).required(),
        Field::select("months", "留党察看期限", &g("months"), months, Some("（仅留党察看）"), &errors),
    ];
    let lines = d
        .decisions
        .iter()
        .map(|r| Line {
            kind: r.kind.label(),
            sanction: r.kind.is_sanction(),
            decided_on: format_cn(r.decided_on),
            body: r.body.clone(),
            document_no: r.document_no.clone(),
            reason: r.reason.clone(),
            period: period(r.months, r.last_day, r.restored_on),
            status: if r.status_before == r.status_after {
                String::new()
            } else {
                format!("{} → {}", r.status_before.label(), r.status_after.label())
            },
        })
        .collect();
    let page = DecisionsPage {
        nav: nav(v),
        member_id: id,
        name: d.name,
        status: d.status.label(),
        lines,
        can_decide: d.can_decide && !d.applicable.is_empty(),
        fields,
        error: crate::ui::summary_of(&errors),
    };
    render_status(status, &page)
}

/// `?kind=` proposes a decision (CON-LAPSE's review proposes 自行脱党除名); nothing else is taken.
async fn page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let id = id_param(&id)?;
    let values: HashMap<String, String> = q.into_iter().filter(|(k, _)| k == "kind").collect();
    view(&state, &v, id, &values, FieldErrors::new(), StatusCode::OK).await
}

fn form_of(f: &HashMap<String, String>) -> DecisionForm {
    DecisionForm {
        kind: get_s(f, "kind"),
        decided_on: get_s(f, "decided_on"),
        body: get_s(f, "body"),
        document_no: get_s(f, "document_no"),
        reason: get_s(f, "reason"),
        months: get_s(f, "months"),
    }
}

async fn record(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    match state.services.record_decision(&f.viewer.actor, id, &form_of(&f.fields)).await {
        Ok(_) => see_other(&format!("/members/{id}/decisions")),
        Err(ServiceError::Invalid(e)) => view(&state, &f.viewer, id, &f.fields, e, StatusCode::BAD_REQUEST).await,
        Err(e) => Err(e.into()),
    }
}

/// A member's decisions in the API.
#[derive(Serialize, ToSchema)]
pub(crate) struct Decisions {
    pub member_id: i64,
    /// The member's status today.
    pub status: String,
    pub decisions: Vec<Decision>,
    /// The decision kinds that apply to the member's status today.
    pub applicable: Vec<String>,
    pub can_decide: bool,
}

/// One decision on a member's membership, or a discipline sanction.
#[derive(Serialize, ToSchema)]
pub(crate) struct Decision {
    pub id: i64,
    pub kind: String,
    pub sanction: bool,
    pub decided_on: NaiveDate,
    pub body: String,
    pub document_no: String,
    pub reason: String,
    /// A 留党察看's length in months.
    pub months: Option<i64>,
    /// A 留党察看's last day.
    pub last_day: Option<NaiveDate>,
    pub restored_on: Option<NaiveDate>,
    pub status_before: String,
    pub status_after: String,
}

fn api_view(d: DecisionsView) -> Decisions {
    Decisions {
        member_id: d.member_id,
        status: d.status.as_str().into(),
        decisions: d
            .decisions
            .into_iter()
            .map(|r| Decision {
                id: r.id,
                kind: r.kind.as_str().into(),
                sanction: r.kind.is_sanction(),
                decided_on: r.decided_on,
                body: r.body,
                document_no: r.document_no,
                reason: r.reason,
                months: r.months,
                last_day: r.last_day,
                restored_on: r.restored_on,
                status_before: r.status_before.as_str().into(),
                status_after: r.status_after.as_str().into(),
            })
            .collect(),
        applicable: d.applicable.iter().map(|k| k.as_str().to_string()).collect(),
        can_decide: d.can_decide,
    }
}

async fn api_list(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    ok(api_view(state.services.decisions_of_member(&v.actor, id).await?))
}

async fn api_record(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<DecisionForm>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_decision(&v.actor, id, &b).await? })
}
