//! The dues API (党费): the calculator, a member's dues with the records behind them, the
//! branch's sheet, and the writes (bases, payments, hardship decisions, quarterly consents, a
//! month's collection, the yearly publication). Money is a string in yuan with two decimals
//! ("76.50"), never a float; months are "YYYY-MM".

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::{delete, get, post};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use services::dues::account::AccountEntryInput;
use services::dues::{BaseInput, HardshipInput, PaymentInput, QuarterlyInput};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, id_of, ok};
use crate::api_life::Finding;
use crate::auth::ApiViewer;
use crate::error::ApiError;
use crate::ui::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .route("/dues/quote", get(quote))
        .route("/members/{id}/dues", get(member_dues))
        .route("/members/{id}/dues/payments", post(payment))
        .route("/members/{id}/dues/bases", post(base))
        .route("/members/{id}/dues/hardships", post(hardship))
        .route("/members/{id}/dues/quarterly", post(quarterly))
        .route("/dues/payments/{id}", delete(payment_delete))
        .route("/orgs/{id}/dues", get(branch_dues))
        .route("/orgs/{id}/dues/collect", post(collect))
        .route("/orgs/{id}/dues/publications", post(publish))
        .route("/orgs/{id}/dues/account", get(account))
        .route("/orgs/{id}/dues/account/entries", post(account_entry))
}

/// A statement's months as the API shows them.
fn months_of(s: &domain::family::dues::statement::Statement) -> Vec<DuesMonth> {
    s.lines
        .iter()
        .map(|l| DuesMonth {
            month: month_text(l.month),
            due: l.due.to_string(),
            paid: l.paid.to_string(),
            state: serde_json::to_value(l.state).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
            falls_due: l.falls_due,
        })
        .collect()
}

fn month_text(d: NaiveDate) -> String {
    format!("{}-{:02}", d.year(), d.month())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct QuoteQuery {
    category: String,
    base: String,
    chosen: String,
    month: String,
    org: Option<i64>,
}

/// The monthly due of a base: the amount, the rate and bracket, and the rule.
#[derive(Serialize, ToSchema)]
pub(crate) struct DuesQuote {
    pub category: String,
    pub base: String,
    pub due: String,
    /// "1.5%"; absent for a flat amount.
    pub rate: Option<String>,
    pub bracket: String,
    pub rule_id: String,
    pub citation: String,
    /// The rule saying what the base is.
    pub base_rule_id: Option<String>,
    /// The rounding and the meaning of "税后" the amount follows.
    pub settings: String,
}

async fn quote(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    q: Result<Query<QuoteQuery>, QueryRejection>,
) -> ApiResult {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(format!("查询参数有误：{}", e.body_text())))?;
    let today = state.services.today();
    let month = if q.month.trim().is_empty() {
        today
    } else {
        domain::dates::parse_year_month(&q.month)
            .map_err(|e| ApiError::BadRequest(format!("month：{}", e.message())))?
    };
    let quote = match q.org {
        Some(org) => state.services.dues_quote_for_org(&v.actor, org, &q.category, &q.base, &q.chosen, month).await?,
        None => services::Services::dues_quote(&q.category, &q.base, &q.chosen, Some(month))?,
    };
    ok(DuesQuote {
        category: quote.category.as_str().into(),
        base: quote.base.to_string(),
        due: quote.due.to_string(),
        rate: quote.rate.map(|r| r.label()),
        bracket: quote.bracket.to_string(),
        rule_id: quote.rule_id.into(),
        citation: quote.citation.into(),
        base_rule_id: quote.base_rule_id.map(Into::into),
        settings: quote.settings.label(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<i32>,
}

fn year_of(q: Result<Query<YearQuery>, QueryRejection>, today: NaiveDate) -> Result<i32, ApiError> {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(format!("查询参数有误：{}", e.body_text())))?;
    let year = q.year.unwrap_or(today.year());
    if !(1949..=today.year() + 1).contains(&year) {
        return Err(ApiError::BadRequest(format!("年份 {year} 超出范围")));
    }
    Ok(year)
}

/// One month of a member's dues.
#[derive(Serialize, ToSchema)]
pub(crate) struct DuesMonth {
    pub month: String,
    pub due: String,
    pub paid: String,
    /// `paid`, `unpaid` (arrears), `open` (still within its time), `exempt`, `no_base`.
    pub state: String,
    /// The last day to pay.
    pub falls_due: NaiveDate,
}

/// A payment as recorded.
#[derive(Serialize, ToSchema)]
pub(crate) struct DuesPayment {
    pub id: i64,
    pub month: String,
    pub amount: String,
    pub paid_on: NaiveDate,
    pub method: String,
    pub payer: String,
    pub proxy_name: String,
    pub kind: String,
    pub reason: String,
    /// A voluntary payment of 1,000 yuan or more, remitted in full to the Centre.
    pub to_centre: bool,
}

/// A dated base.
#[derive(Serialize, ToSchema)]
pub(crate) struct DuesBase {
    pub id: i64,
    pub from_month: String,
    pub category: String,
    pub base: String,
    pub chosen: Option<String>,
    pub note: String,
}

/// A member's dues for a year.
#[derive(Serialize, ToSchema)]
pub(crate) struct MemberDues {
    pub member_id: i64,
    pub name: String,
    pub year: i32,
    pub months: Vec<DuesMonth>,
    pub due: String,
    pub paid: String,
    pub arrears: String,
    pub voluntary: String,
    pub bases: Vec<DuesBase>,
    pub payments: Vec<DuesPayment>,
    /// DUES-ARREARS findings as of today.
    pub findings: Vec<Finding>,
    pub settings: String,
}

async fn member_dues(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let year = year_of(q, state.services.today())?;
    let d = state.services.member_dues(&v.actor, id, year).await?;
    ok(MemberDues {
        member_id: id,
        name: d.member.name.clone(),
        year,
        months: months_of(&d.statement),
        due: d.statement.due.to_string(),
        paid: d.statement.paid.to_string(),
        arrears: d.statement.arrears.to_string(),
        voluntary: d.statement.voluntary.to_string(),
        bases: d
            .bases
            .iter()
            .map(|b| DuesBase {
                id: b.id,
                from_month: month_text(b.from_month),
                category: b.category.as_str().into(),
                base: b.base_fen.to_string(),
                chosen: b.chosen_fen.map(|c| c.to_string()),
                note: b.note.clone(),
            })
            .collect(),
        payments: d
            .payments
            .iter()
            .map(|p| DuesPayment {
                id: p.id,
                month: month_text(p.month),
                amount: p.amount_fen.to_string(),
                paid_on: p.paid_on,
                method: p.method.as_str().into(),
                payer: p.payer.as_str().into(),
                proxy_name: p.proxy_name.clone(),
                kind: p.kind.as_str().into(),
                reason: p.reason.clone(),
                to_centre: p.to_centre,
            })
            .collect(),
        findings: d.findings.iter().map(Finding::from).collect(),
        settings: d.settings.label(),
    })
}

async fn payment(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<PaymentInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_dues_payment(&v.actor, id, &b).await? })
}

async fn base(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<BaseInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_dues_base(&v.actor, id, &b).await? })
}

async fn hardship(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<HardshipInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_dues_hardship(&v.actor, id, &b).await? })
}

async fn quarterly(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<QuarterlyInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_dues_quarterly(&v.actor, id, &b).await? })
}

async fn payment_delete(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    state.services.delete_dues_payment(&v.actor, id).await?;
    crate::api::done()
}

/// One member's line of a branch's sheet.
#[derive(Serialize, ToSchema)]
pub(crate) struct BranchDuesMember {
    pub member_id: i64,
    pub name: String,
    pub due: String,
    pub paid: String,
    pub arrears: String,
    /// The month paid up to, "YYYY-MM", when any.
    pub paid_up_to: Option<String>,
    /// January to December: `paid`, `unpaid`, `open`, `exempt`, `no_base` (absent months: not
    /// owed yet).
    pub months: Vec<DuesMonth>,
}

/// A month's totals over a branch.
#[derive(Serialize, ToSchema)]
pub(crate) struct DuesMonthTotal {
    pub month: String,
    pub due: String,
    pub paid: String,
    pub arrears: String,
    pub members_in_arrears: u32,
}

/// A branch's dues for a year.
#[derive(Serialize, ToSchema)]
pub(crate) struct BranchDues {
    pub org_id: i64,
    pub year: i32,
    pub due: String,
    pub paid: String,
    pub arrears: String,
    pub members: Vec<BranchDuesMember>,
    pub months: Vec<DuesMonthTotal>,
    /// Arrears and the publication, as of today.
    pub findings: Vec<Finding>,
    /// The day the year's collection was published to the members, when recorded.
    pub published_on: Option<NaiveDate>,
    pub settings: String,
}

async fn branch_dues(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let year = year_of(q, state.services.today())?;
    let d = state.services.branch_dues(&v.actor, id, year).await?;
    ok(BranchDues {
        org_id: id,
        year,
        due: d.total.due.to_string(),
        paid: d.total.paid.to_string(),
        arrears: d.total.arrears.to_string(),
        members: d
            .rows
            .iter()
            .map(|r| BranchDuesMember {
                member_id: r.member.id,
                name: r.member.name.clone(),
                due: r.statement.due.to_string(),
                paid: r.statement.paid.to_string(),
                arrears: r.statement.arrears.to_string(),
                paid_up_to: r.statement.paid_up_to().map(month_text),
                months: months_of(&r.statement),
            })
            .collect(),
        months: d
            .months
            .iter()
            .map(|m| DuesMonthTotal {
                month: month_text(m.month),
                due: m.due.to_string(),
                paid: m.paid.to_string(),
                arrears: m.arrears.to_string(),
                members_in_arrears: m.in_arrears,
            })
            .collect(),
        findings: d.findings.iter().map(Finding::from).collect(),
        published_on: d.published.as_ref().map(|p| p.published_on),
        settings: d.settings.label(),
    })
}

/// A month's collection: everyone who owes for `month` paid it on `paid_on`, except `except`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CollectBody {
    /// "YYYY-MM".
    month: String,
    paid_on: String,
    #[serde(default)]
    method: String,
    /// Members who did not pay.
    #[serde(default)]
    except: Vec<i64>,
}

/// What a month's collection recorded.
#[derive(Serialize, ToSchema)]
pub(crate) struct CollectResult {
    pub payments: u32,
    pub amount: String,
    pub skipped: u32,
}

async fn collect(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<CollectBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    let c = state.services.collect_dues_month(&v.actor, id, &b.month, &b.paid_on, &b.method, &b.except).await?;
    created(CollectResult { payments: c.payments, amount: c.amount.to_string(), skipped: c.skipped })
}

/// That a year's collection was published to the members (DUES-PUBLISH).
#[derive(Deserialize, ToSchema)]
pub(crate) struct PublicationBody {
    year: i32,
    published_on: String,
    #[serde(default)]
    note: String,
}

async fn publish(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<PublicationBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.publish_dues(&v.actor, id, b.year, &b.published_on, &b.note).await? })
}

/// An account entry as recorded.
#[derive(Serialize, ToSchema)]
pub(crate) struct AccountEntry {
    pub id: i64,
    pub entry_on: NaiveDate,
    /// interest, allocated, remitted or spent.
    pub kind: String,
    pub amount: String,
    pub purpose: Option<String>,
    /// The meeting that decided a spending.
    pub meeting_id: Option<i64>,
    pub note: String,
}

/// An org's dues account for a year (amounts in yuan; a balance may be negative on paper).
#[derive(Serialize, ToSchema)]
pub(crate) struct DuesAccount {
    pub org_id: i64,
    pub year: i32,
    pub opening: String,
    /// Dues paid by the members of the org's subtree in the year, less what went to the Centre.
    pub collected: String,
    pub to_centre: String,
    pub interest: String,
    pub allocated: String,
    pub remitted: String,
    /// Spending by purpose: (purpose, amount).
    pub spent: Vec<(String, String)>,
    pub closing: String,
    pub entries: Vec<AccountEntry>,
}

async fn account(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let year = year_of(q, state.services.today())?;
    let a = state.services.dues_account(&v.actor, id, year).await?;
    let y = domain::money::Fen::signed_yuan;
    ok(DuesAccount {
        org_id: id,
        year,
        opening: y(a.opening),
        collected: y(a.collected - a.to_centre),
        to_centre: y(a.to_centre),
        interest: y(a.interest),
        allocated: y(a.allocated),
        remitted: y(a.remitted),
        spent: a.spent.iter().map(|(p, amount)| (p.as_str().to_string(), y(*amount))).collect(),
        closing: y(a.closing),
        entries: a
            .entries
            .iter()
            .map(|e| AccountEntry {
                id: e.id,
                entry_on: e.entry_on,
                kind: e.kind.as_str().into(),
                amount: e.amount_fen.to_string(),
                purpose: e.purpose.map(|p| p.as_str().to_string()),
                meeting_id: e.meeting_id,
                note: e.note.clone(),
            })
            .collect(),
    })
}

async fn account_entry(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<AccountEntryInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.record_account_entry(&v.actor, id, &b).await? })
}
