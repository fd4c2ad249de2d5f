//! Committee settings (党委设置) and the rule catalogue (规则目录) of an org: pages and API.

use crate::AppState;
use crate::api::{ApiResult, body, created, id_of as api_id_of, ok};
use crate::auth::{ApiViewer, PageViewer, Viewer, check_csrf};
use crate::error::PageError;
use crate::ui::Routes;
use askama::Template;
use axum::Json;
use axum::extract::rejection::{FormRejection, JsonRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::NaiveDate;
use domain::dates::Iso;
use domain::rules::Severity;
use domain::scope::{Action, Target, can};
use domain::settings::ValueKind;
use serde::{Deserialize, Serialize};
use services::ServiceError;
use std::collections::HashMap;
use utoipa::ToSchema;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/settings", get(settings_page).post(settings_post))
        .route("/orgs/{id}/rules", get(rules_page))
}

pub fn api_routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/settings", get(settings_api).post(settings_api_post))
        .route("/orgs/{id}/rules", get(rules_api))
}

use crate::ui::PageResult;

#[derive(Deserialize, Default)]
#[serde(default)]
struct OnQuery {
    /// The day asked for (YYYY-MM-DD); today when empty.
    on: String,
}

/// The day of a query, today by default; a malformed day is refused with a message.
fn day_of(q: Result<Query<OnQuery>, QueryRejection>, today: NaiveDate) -> Result<NaiveDate, String> {
    let raw = q.map(|Query(q)| q.on).unwrap_or_default();
    if raw.trim().is_empty() {
        return Ok(today);
    }
    domain::dates::parse_date(raw.trim()).map_err(|e| e.message().to_string())
}

/// A value a setting may take.
#[derive(Serialize, ToSchema)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
}

/// The confirmation of a setting before it is made.
#[derive(Template)]
#[template(path = "settings_confirm.html")]
struct SettingConfirmPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    label: &'static str,
    key: String,
    value: String,
    value_label: String,
    from: String,
    from_cn: String,
    orgs_below: i64,
}

struct SettingLine {
    key: &'static str,
    label: &'static str,
    help: &'static str,
    value_label: String,
    source: String,
    from: String,
    choices: Vec<Choice>,
    /// The hint of a typed value.
    placeholder: &'static str,
    history: Vec<String>,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    can_set: bool,
    today: String,
    error: String,
    error_key: String,
    lines: Vec<SettingLine>,
}

fn value_label(kind: ValueKind, value: &str) -> String {
    match kind {
        ValueKind::Switch => if value == "on" { "已启用" } else { "未启用" }.to_string(),
        ValueKind::Count { .. } => value.to_string(),
        ValueKind::Days | ValueKind::Semesters if value.is_empty() => "（未设定）".to_string(),
        ValueKind::Days | ValueKind::Semesters => value.to_string(),
        ValueKind::Choice { options } => {
            options.iter().find(|(v, _)| *v == value).map(|(_, l)| (*l).to_string()).unwrap_or(value.to_string())
        }
    }
}

fn choices(kind: ValueKind) -> Vec<Choice> {
    match kind {
        ValueKind::Switch => vec![
            Choice { value: "on".into(), label: "启用".into() },
            Choice { value: "off".into(), label: "停用".into() },
        ],
        // A short range is a list to choose from; a long one (a sum in yuan) is typed.
        ValueKind::Count { min, max } if max.saturating_sub(min) <= 400 => {
            (min..=max).map(|n| Choice { value: n.to_string(), label: n.to_string() }).collect()
        }
        ValueKind::Count { .. } => Vec::new(),
        ValueKind::Choice { options } => {
            options.iter().map(|(v, l)| Choice { value: (*v).into(), label: (*l).into() }).collect()
        }
        // Typed in a text box.
        ValueKind::Days | ValueKind::Semesters => Vec::new(),
    }
}

async fn settings_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    error: (String, String),
    status: StatusCode,
) -> PageResult {
    let org = state.services.org(&v.actor, id).await?;
    let today = state.services.today();
    let states = state.services.settings_of(&v.actor, id, today).await?;
    let kind_ok = matches!(org.kind.as_str(), "committee" | "general_branch");
    let can_set = kind_ok && can(&v.actor, Action::SetCommitteeSettings, Target::Org(&org.org_path()?));
    let lines = states
        .into_iter()
        .map(|s| SettingLine {
            key: s.def.key,
            label: s.def.label,
            help: s.def.help,
            value_label: value_label(s.def.value, &s.value),
            source: s.source,
            from: s.from.map(domain::dates::format_cn).unwrap_or_default(),
            choices: choices(s.def.value),
            placeholder: match s.def.value {
                ValueKind::Count { .. } => "填写整数（留空则恢复继承）",
                ValueKind::Semesters => "如 2026-09-01..2027-01-22（留空则恢复继承）",
                _ => "如 2026-10-01..2026-10-07（留空则恢复继承）",
            },
            history: s
                .history
                .iter()
                .map(|c| {
                    let v = if c.value.is_empty() {
                        "恢复继承".to_string()
                    } else {
                        value_label(s.def.value, &c.value)
                    };
                    format!("{}起：{v}", domain::dates::format_cn(c.from))
                })
                .collect(),
        })
        .collect();
    crate::ui::render_status(
        status,
        &SettingsPage {
            nav: crate::ui::nav(v),
            org_id: org.id,
            org_name: org.name,
            can_set,
            today: today.iso(),
            error: error.1,
            error_key: error.0,
            lines,
        },
    )
}

async fn settings_page(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = crate::ui::id_param(&id)?;
    settings_view(&state, &v, id, (String::new(), String::new()), StatusCode::OK).await
}

async fn settings_post(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> PageResult {
    let id = crate::ui::id_param(&id)?;
    let f = form.map(|Form(f)| f).map_err(|_| PageError::BadRequest("提交的表单格式不正确，请返回重新填写".into()))?;
    check_csrf(&v, f.get("_csrf").map(String::as_str).unwrap_or_default())?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let key = get("key");
    // A setting reaches every org below from its date: the committee sees what it is about to
    // do and confirms it (a refused value is shown at once, before any confirmation).
    if get("confirmed") != "1" {
        return match state.services.preview_setting(&v.actor, id, &key, &get("value"), &get("from")).await {
            Ok(p) => {
                let value_label = if p.value.is_empty() {
                    "恢复继承上级设定（或全国性规定）".to_string()
                } else {
                    value_label(p.def.value, &p.value)
                };
                crate::ui::render(&SettingConfirmPage {
                    nav: crate::ui::nav(&v),
                    org_id: id,
                    org_name: p.org_name,
                    label: p.def.label,
                    key,
                    value: p.value,
                    value_label,
                    from: p.from.iso(),
                    from_cn: domain::dates::format_cn(p.from),
                    orgs_below: p.orgs_below,
                })
            }
            Err(ServiceError::Invalid(e)) => {
                let msg = e.0.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("；");
                settings_view(&state, &v, id, (key, msg), StatusCode::BAD_REQUEST).await
            }
            Err(e) => Err(e.into()),
        };
    }
    match state.services.set_setting(&v.actor, id, &key, &get("value"), &get("from")).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{id}/settings")).into_response()),
        Err(ServiceError::Invalid(e)) => {
            let msg = e.0.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("；");
            settings_view(&state, &v, id, (key, msg), StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

struct RuleLine {
    id: &'static str,
    title: &'static str,
    citation: &'static str,
    family: &'static str,
    applies_to: String,
    severity: &'static str,
    severity_label: &'static str,
    params: String,
    source: String,
    tightened: bool,
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    nav: crate::ui::Nav,
    org_id: i64,
    org_name: String,
    on: String,
    rules: Vec<RuleLine>,
}

async fn rules_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<OnQuery>, QueryRejection>,
) -> PageResult {
    let id = crate::ui::id_param(&id)?;
    let on = day_of(q, state.services.today()).map_err(PageError::BadRequest)?;
    let org = state.services.org(&v.actor, id).await?;
    let rules = state.services.rule_catalogue(&v.actor, id, on).await?;
    crate::ui::render_status(
        StatusCode::OK,
        &RulesPage {
            nav: crate::ui::nav(&v),
            org_id: org.id,
            org_name: org.name,
            on: domain::dates::format_cn(on),
            rules: rules
                .into_iter()
                .map(|r| RuleLine {
                    id: r.id,
                    title: r.title,
                    citation: r.citation,
                    family: r.family.label,
                    applies_to: r.applies_to.clone(),
                    severity: r.severity.as_str(),
                    severity_label: r.severity.label(),
                    params: r.params_label(),
                    source: r.source_label.clone(),
                    tightened: r.tightened(),
                })
                .collect(),
        },
    )
}

async fn settings_api(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = api_id_of(&id)?;
    ok(SettingList {
        settings: state
            .services
            .settings_of(&v.actor, id, state.services.today())
            .await?
            .iter()
            .map(Setting::from)
            .collect(),
    })
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct SettingBody {
    key: String,
    /// Empty clears the org's own setting from `from`.
    #[serde(default)]
    value: String,
    /// YYYY-MM-DD: the first day the value applies.
    from: String,
}

async fn settings_api_post(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<SettingBody>, JsonRejection>,
) -> ApiResult {
    let id = api_id_of(&id)?;
    let b = body(b)?;
    let sid = state.services.set_setting(&v.actor, id, &b.key, &b.value, &b.from).await?;
    created(crate::api::Created { id: sid })
}

async fn rules_api(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<OnQuery>, QueryRejection>,
) -> ApiResult {
    let id = api_id_of(&id)?;
    let on = day_of(q, state.services.today()).map_err(crate::error::ApiError::BadRequest)?;
    ok(RuleCatalogue {
        on,
        rules: state.services.rule_catalogue(&v.actor, id, on).await?.iter().map(Rule::from).collect(),
    })
}

/// An earlier or later value of a setting made at one org.
#[derive(Serialize, ToSchema)]
pub(crate) struct SettingChange {
    pub org_id: i64,
    pub org_name: String,
    /// Empty: cleared, back to what is inherited.
    pub value: String,
    pub from: NaiveDate,
}

/// A committee setting: what it is, its value in force here, and where that value comes from.
#[derive(Serialize, ToSchema)]
pub(crate) struct Setting {
    pub key: String,
    pub label: String,
    pub help: String,
    /// `switch` (on/off), `count` (a whole number within min–max), `choice` (one of `options`) or
    /// `days` (dates and ranges such as `2026-10-01..2026-10-07`, separated by "、").
    pub value_type: String,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub options: Vec<Choice>,
    /// The rule whose parameter it tightens, when it does.
    pub rule_id: Option<String>,
    /// The value when nobody set it.
    pub default: String,
    pub value: String,
    /// Where the value comes from (本组织、上级 or 默认), in Chinese.
    pub source: String,
    pub from: Option<NaiveDate>,
    /// Whether this org made the setting in force.
    pub here: bool,
    pub history: Vec<SettingChange>,
}

impl From<&services::settings::SettingState> for Setting {
    fn from(s: &services::settings::SettingState) -> Self {
        let (value_type, min, max, options) = match s.def.value {
            ValueKind::Switch => ("switch", None, None, Vec::new()),
            ValueKind::Count { min, max } => ("count", Some(min), Some(max), Vec::new()),
            ValueKind::Days => ("days", None, None, Vec::new()),
            ValueKind::Semesters => ("semesters", None, None, Vec::new()),
            ValueKind::Choice { options } => (
                "choice",
                None,
                None,
                options.iter().map(|(v, l)| Choice { value: (*v).into(), label: (*l).into() }).collect(),
            ),
        };
        let rule_id = match s.def.effect {
            domain::settings::Effect::Param { rule_id, .. } => Some(rule_id.to_string()),
            _ => None,
        };
        Self {
            key: s.def.key.into(),
            label: s.def.label.into(),
            help: s.def.help.into(),
            value_type: value_type.into(),
            min,
            max,
            options,
            rule_id,
            default: s.def.default.into(),
            value: s.value.clone(),
            source: s.source.clone(),
            from: s.from,
            here: s.here,
            history: s
                .history
                .iter()
                .map(|c| SettingChange {
                    org_id: c.org_id,
                    org_name: c.org_name.clone(),
                    value: c.value.clone(),
                    from: c.from,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct SettingList {
    pub settings: Vec<Setting>,
}

/// A parameter of a rule in force ("次数" = "2").
#[derive(Serialize, ToSchema)]
pub(crate) struct RuleParam {
    pub name: String,
    pub label: String,
    pub value: String,
}

/// A rule in force at an org (规则目录).
#[derive(Serialize, ToSchema)]
pub(crate) struct Rule {
    pub id: String,
    pub title: String,
    pub citation: String,
    pub family: String,
    /// The orgs it applies to, in Chinese.
    pub applies_to: String,
    pub severity: Severity,
    /// National, a local rule set, or a committee's setting, in Chinese.
    pub source: String,
    /// Whether a committee tightened or added it.
    pub tightened: bool,
    pub params: Vec<RuleParam>,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl From<&domain::rules::RuleInfo> for Rule {
    fn from(r: &domain::rules::RuleInfo) -> Self {
        Self {
            id: r.id.into(),
            title: r.title.into(),
            citation: r.citation.into(),
            family: r.family.id.into(),
            applies_to: r.applies_to.clone(),
            severity: r.severity,
            source: r.source_label.clone(),
            tightened: r.tightened(),
            params: r
                .params
                .iter()
                .map(|p| RuleParam { name: p.name.into(), label: p.label.into(), value: p.value.clone() })
                .collect(),
            from: r.from,
            until: r.until,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct RuleCatalogue {
    pub on: NaiveDate,
    pub rules: Vec<Rule>,
}
