//! Party dues pages (党费): the calculator anyone signed in may use, and one member's dues with
//! the forms to record payments, bases, hardship decisions and quarterly consents. The branch's
//! pages (sheet, month collection, publication) are in [`crate::dues_branch`].

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use domain::FieldErrors;
use domain::codes::DuesCategory;
use domain::dates::format_cn;
use domain::family::dues::payment::{Payer, PaymentKind, PaymentMethod};
use domain::family::dues::statement::month_label;
use services::ServiceError;
use services::dues::{BaseInput, HardshipInput, MemberDues, PaymentInput, QuarterlyInput};

use crate::AppState;
use crate::auth::{PageViewer, Viewer};
use crate::fix::FindingLine;
use crate::ui::{CheckedForm, PageResult, Routes, get_s, id_param, nav, render_status, see_other};
use crate::view::Field;

pub fn routes() -> Routes {
    Routes::new()
        .route("/dues/quote", get(quote_page))
        .route("/members/{id}/dues", get(member_page))
        .route("/members/{id}/dues/payments", post(payment_post))
        .route("/members/{id}/dues/bases", post(base_post))
        .route("/members/{id}/dues/hardships", post(hardship_post))
        .route("/members/{id}/dues/quarterly", post(quarterly_post))
        .route("/dues/payments/{id}/delete", post(payment_delete))
}

/// The choices of a code list as (value, label).
pub(crate) fn choices<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter().map(|v| (value(*v).to_string(), label(*v).to_string())).collect()
}

fn category_choices() -> Vec<(String, String)> {
    choices(&DuesCategory::ALL, DuesCategory::as_str, DuesCategory::label)
}

/// Payment methods offered on forms: never payroll deduction (DUES-ORG-NO-PREPAY).
pub(crate) fn method_choices() -> Vec<(String, String)> {
    let offered: Vec<PaymentMethod> =
        PaymentMethod::ALL.iter().copied().filter(|m| *m != PaymentMethod::PayrollDeduction).collect();
    choices(&offered, PaymentMethod::as_str, PaymentMethod::label)
}

/// A year from `?year=`, within 1949 and next year; this year otherwise.
pub(crate) fn year_param(q: &HashMap<String, String>, today: NaiveDate) -> i32 {
    q.get("year")
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (1949..=today.year() + 1).contains(y))
        .unwrap_or(today.year())
}

pub(crate) fn query(q: Result<Query<HashMap<String, String>>, QueryRejection>) -> HashMap<String, String> {
    q.map(|Query(q)| q).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// The calculator
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "dues_quote.html")]
struct QuotePage {
    nav: crate::ui::Nav,
    fields: Vec<Field>,
    asked: bool,
    error: String,
    /// (label, value) lines of the answer.
    answer: Vec<(&'static str, String)>,
    due: String,
}

async fn quote_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let q = query(q);
    let today = state.services.today();
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let asked = q.contains_key("category");
    let mut errors = FieldErrors::new();
    let mut answer = Vec::new();
    let mut due = String::new();
    if asked {
        let month = domain::dates::parse_year_month(&get("month")).unwrap_or(today);
        let result = match get("org").trim().parse::<i64>() {
            Ok(org) => {
                state
                    .services
                    .dues_quote_for_org(&v.actor, org, &get("category"), &get("base"), &get("chosen"), month)
                    .await
            }
            Err(_) => services::Services::dues_quote(&get("category"), &get("base"), &get("chosen"), Some(month)),
        };
        match result {
            Ok(quote) => {
                due = quote.due.to_string();
                answer = vec![
                    ("类别", quote.category.label().to_string()),
                    (
                        "计算基数",
                        if quote.rate.is_some() { format!("{}元", quote.base) } else { "不按基数计算".into() },
                    ),
                    ("档次", quote.bracket.to_string()),
                    ("比例", quote.rate.map_or_else(|| "定额".to_string(), |r| r.label())),
                    ("依据", format!("{}（{}）", quote.rule_id, quote.citation)),
                    ("计算方式", quote.settings.label()),
                ];
            }
            Err(ServiceError::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    let fields = vec![
        Field::select("category", "党费类别", &get("category"), category_choices(), Some("请选择"), &errors).required(),
        Field::text("base", "月计算基数（元）", &get("base"), &errors)
            .hint("在职：税后固定、常规性工资收入；离退休：实际领取的离退休费；学生、农民等定额交纳的可不填"),
        Field::text("chosen", "农民党员自选金额（元）", &get("chosen"), &errors).hint("0.20至1.00元，不填按0.20元"),
        Field::text("month", "月份", &get("month"), &errors).hint("如 2026-03，不填为本月"),
    ];
    let error = crate::ui::summary_of(&errors);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    render_status(status, &QuotePage { nav: nav(&v), fields, asked, error, answer, due })
}

// ---------------------------------------------------------------------------------------------
// One member's dues
// ---------------------------------------------------------------------------------------------

/// One line of the member's year.
struct MonthView {
    month: String,
    due: String,
    paid: String,
    state: &'static str,
    css: &'static str,
    falls_due: String,
    basis: String,
}

/// A record listed under the statement.
struct RecordView {
    text: String,
    /// The payment's id, when it may be removed.
    delete: Option<i64>,
}

#[derive(Template)]
#[template(path = "member_dues.html")]
struct MemberDuesPage {
    nav: crate::ui::Nav,
    id: i64,
    name: String,
    branch: String,
    branch_id: i64,
    year: i32,
    current: String,
    settings: String,
    months: Vec<MonthView>,
    due: String,
    paid: String,
    arrears: String,
    voluntary: String,
    findings: Vec<FindingLine>,
    bases: Vec<RecordView>,
    hardships: Vec<RecordView>,
    quarterly: Vec<RecordView>,
    payments: Vec<RecordView>,
    can_edit: bool,
    /// Which form the errors belong to ("payment", "base", "hardship", "quarterly").
    form: &'static str,
    error: String,
    payment_fields: Vec<Field>,
    base_fields: Vec<Field>,
    hardship_fields: Vec<Field>,
    quarterly_fields: Vec<Field>,
}

/// The form that failed, with what was typed and the errors.
#[derive(Default)]
struct Failed {
    form: &'static str,
    values: HashMap<String, String>,
    errors: FieldErrors,
}

impl Failed {
    fn fields_for(&self, form: &str) -> (HashMap<String, String>, FieldErrors) {
        if self.form == form { (self.values.clone(), self.errors.clone()) } else { Default::default() }
    }
}

fn payment_fields(d: &MemberDues, failed: &Failed, today: NaiveDate) -> Vec<Field> {
    let (mut v, e) = failed.fields_for("payment");
    let this_month = format!("{}-{:02}", today.year(), today.month());
    v.entry("month".into()).or_insert(this_month);
    v.entry("paid_on".into()).or_insert(today.to_string());
    let due_hint = d.current.as_ref().map_or_else(String::new, |q| format!("本月应交{}元", q.due));
    let g = |k: &str| v.get(k).cloned().unwrap_or_default();
    let kinds: Vec<PaymentKind> = vec![PaymentKind::Regular, PaymentKind::Voluntary];
    let payers: Vec<Payer> = vec![Payer::Member, Payer::Proxy];
    let amount = if due_hint.is_empty() {
        Field::text("amount", "金额（元）", &g("amount"), &e).hint("不填即交清该月应交")
    } else {
        Field::text("amount", "金额（元）", &g("amount"), &e).hint(format!("不填即交清该月应交（{due_hint}）"))
    };
    vec![
        Field::text("month", "所交月份", &g("month"), &e).required().hint("如 2026-03；补交以前月份同样填写"),
        amount,
        Field::text("paid_on", "交纳日期", &g("paid_on"), &e).kind("date").required(),
        Field::select("method", "交纳方式", &g("method"), method_choices(), None, &e),
        Field::select("payer", "交纳人", &g("payer"), choices(&payers, Payer::as_str, Payer::label), None, &e),
        Field::text("proxy_name", "代交人姓名", &g("proxy_name"), &e).hint("委托他人代交时填写"),
        Field::select("kind", "类型", &g("kind"), choices(&kinds, PaymentKind::as_str, PaymentKind::label), None, &e),
        Field::text("reason", "补交原因", &g("reason"), &e).hint("补交超过6个月的须填写（DUES-PERIOD）"),
    ]
}

fn base_fields(failed: &Failed, today: NaiveDate) -> Vec<Field> {
    let (mut v, e) = failed.fields_for("base");
    v.entry("from_month".into()).or_insert(format!("{}-{:02}", today.year(), today.month()));
    let g = |k: &str| v.get(k).cloned().unwrap_or_default();
    vec![
        Field::text("from_month", "起始月份", &g("from_month"), &e)
            .required()
            .hint("按新工资标准领取工资的当月（DUES-CHANGE）"),
        Field::select("category", "党费类别", &g("category"), category_choices(), Some("请选择"), &e).required(),
        Field::text("base", "月计算基数（元）", &g("base"), &e).hint("定额交纳的类别可不填"),
        Field::text("chosen", "农民党员自选金额（元）", &g("chosen"), &e).hint("0.20至1.00元"),
        Field::text("note", "备注", &g("note"), &e),
    ]
}

fn hardship_fields(failed: &Failed) -> Vec<Field> {
    let (v, e) = failed.fields_for("hardship");
    let g = |k: &str| v.get(k).cloned().unwrap_or_default();
    vec![
        Field::text("from_month", "起始月份", &g("from_month"), &e).required(),
        Field::text("to_month", "截止月份", &g("to_month"), &e).hint("不填为长期，直至另行决定"),
        Field::text("amount", "每月交纳（元）", &g("amount"), &e).required().hint("填 0 为免交"),
        Field::text("studied_on", "支部研究日期", &g("studied_on"), &e).kind("date").required(),
        Field::text("approved_by", "批准的上级党委", &g("approved_by"), &e).required(),
        Field::text("approved_on", "批准日期", &g("approved_on"), &e).kind("date").required(),
        Field::text("reason", "困难情况", &g("reason"), &e).required(),
    ]
}

fn quarterly_fields(failed: &Failed) -> Vec<Field> {
    let (v, e) = failed.fields_for("quarterly");
    let g = |k: &str| v.get(k).cloned().unwrap_or_default();
    vec![
        Field::text("from_month", "起始月份", &g("from_month"), &e).required(),
        Field::text("to_month", "截止月份", &g("to_month"), &e).hint("不填为长期"),
        Field::text("agreed_on", "支部同意日期", &g("agreed_on"), &e).kind("date").required(),
    ]
}

async fn member_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    year: i32,
    failed: Failed,
    status: StatusCode,
) -> PageResult {
    let today = state.services.today();
    let d = state.services.member_dues(&v.actor, id, year).await?;
    let months = d
        .statement
        .lines
        .iter()
        .map(|l| MonthView {
            month: month_label(l.month),
            due: if l.quote.is_some() || l.hardship.is_some() { l.due.to_string() } else { "—".into() },
            paid: l.paid.to_string(),
            state: l.state.label(),
            css: match l.state {
                domain::family::dues::statement::MonthState::Unpaid => "bad",
                domain::family::dues::statement::MonthState::Paid
                | domain::family::dues::statement::MonthState::Exempt => "good",
                _ => "",
            },
            falls_due: format_cn(l.falls_due),
            basis: match (&l.quote, l.hardship) {
                (_, Some(_)) => "困难减免（DUES-HARDSHIP）".into(),
                (Some(q), None) => {
                    format!("{}：{}", q.rule_id, q.rate.map_or_else(|| q.bracket.to_string(), |r| r.label()))
                }
                (None, None) => "未登记基数".into(),
            },
        })
        .collect();
    let bases = d
        .bases
        .iter()
        .rev()
        .map(|b| RecordView {
            text: format!(
                "{}起：{}，基数{}元{}{}",
                month_label(b.from_month),
                b.category.label(),
                b.base_fen,
                b.chosen_fen.map_or_else(String::new, |c| format!("，每月{c}元")),
                if b.note.is_empty() { String::new() } else { format!("（{}）", b.note) }
            ),
            delete: None,
        })
        .collect();
    let hardships = d
        .hardships
        .iter()
        .map(|h| RecordView {
            text: format!(
                "{}至{}：每月{}元；{}支部研究，{}于{}批准；{}",
                month_label(h.from_month),
                h.to_month.map_or_else(|| "另行决定".to_string(), month_label),
                h.amount_fen,
                format_cn(h.studied_on),
                h.approved_by,
                format_cn(h.approved_on),
                h.reason
            ),
            delete: None,
        })
        .collect();
    let quarterly = d
        .quarterly
        .iter()
        .map(|q| RecordView {
            text: format!(
                "{}至{}按季度交纳，支部于{}同意",
                month_label(q.from_month),
                q.to_month.map_or_else(|| "长期".to_string(), month_label),
                format_cn(q.agreed_on)
            ),
            delete: None,
        })
        .collect();
    let payments = d
        .payments
        .iter()
        .map(|p| RecordView {
            text: format!(
                "{}：{}元，{}{}，{}{}{}{}",
                month_label(p.month),
                p.amount_fen,
                format_cn(p.paid_on),
                p.method.label(),
                p.kind.label(),
                if p.payer == Payer::Proxy { format!("，{}代交", p.proxy_name) } else { String::new() },
                if p.reason.is_empty() { String::new() } else { format!("，补交原因：{}", p.reason) },
                if p.to_centre { "，全额上缴中央（DUES-VOLUNTARY）" } else { "" }
            ),
            delete: d.can_edit.then_some(p.id),
        })
        .collect();
    let findings = d.findings.iter().map(|f| FindingLine::of(f, "")).collect();
    let current = d.current.as_ref().map_or_else(
        || "未登记党费基数".to_string(),
        |q| {
            format!(
                "{}，{}，每月应交{}元（{}）",
                q.category.label(),
                q.rate.map_or_else(|| q.bracket.to_string(), |r| format!("基数{}元，比例{}", q.base, r.label())),
                q.due,
                q.rule_id
            )
        },
    );
    let error = crate::ui::summary_of(&failed.errors);
    let page = MemberDuesPage {
        nav: nav(v),
        id,
        name: d.member.name.clone(),
        branch: d.member.branch_name.clone(),
        branch_id: d.member.branch_id,
        year,
        current,
        settings: d.settings.label(),
        months,
        due: d.statement.due.to_string(),
        paid: d.statement.paid.to_string(),
        arrears: d.statement.arrears.to_string(),
        voluntary: d.statement.voluntary.to_string(),
        findings,
        bases,
        hardships,
        quarterly,
        payments,
        can_edit: d.can_edit,
        form: failed.form,
        error,
        payment_fields: payment_fields(&d, &failed, today),
        base_fields: base_fields(&failed, today),
        hardship_fields: hardship_fields(&failed),
        quarterly_fields: quarterly_fields(&failed),
    };
    render_status(status, &page)
}

async fn member_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let year = year_param(&query(q), state.services.today());
    member_view(&state, &v, id, year, Failed::default(), StatusCode::OK).await
}

/// After a dues form: back to the member's page, or the page again with the form's errors.
async fn after(
    state: &AppState,
    v: &Viewer,
    id: i64,
    form: &'static str,
    values: HashMap<String, String>,
    result: Result<i64, ServiceError>,
) -> PageResult {
    match result {
        Ok(_) => see_other(&format!("/members/{id}/dues")),
        Err(ServiceError::Invalid(errors)) => {
            let year = state.services.today().year();
            member_view(state, v, id, year, Failed { form, values, errors }, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn payment_post(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let g = |k: &str| get_s(&f.fields, k);
    let input = PaymentInput {
        month: g("month"),
        amount: g("amount"),
        paid_on: g("paid_on"),
        method: g("method"),
        payer: g("payer"),
        proxy_name: g("proxy_name"),
        kind: g("kind"),
        reason: g("reason"),
    };
    let result = state.services.record_dues_payment(&f.viewer.actor, id, &input).await;
    after(&state, &f.viewer, id, "payment", f.fields.clone(), result).await
}

async fn base_post(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let g = |k: &str| get_s(&f.fields, k);
    let input = BaseInput {
        from_month: g("from_month"),
        category: g("category"),
        base: g("base"),
        chosen: g("chosen"),
        note: g("note"),
    };
    let result = state.services.record_dues_base(&f.viewer.actor, id, &input).await;
    after(&state, &f.viewer, id, "base", f.fields.clone(), result).await
}

async fn hardship_post(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let g = |k: &str| get_s(&f.fields, k);
    let input = HardshipInput {
        from_month: g("from_month"),
        to_month: g("to_month"),
        amount: g("amount"),
        studied_on: g("studied_on"),
        approved_by: g("approved_by"),
        approved_on: g("approved_on"),
        reason: g("reason"),
    };
    let result = state.services.record_dues_hardship(&f.viewer.actor, id, &input).await;
    after(&state, &f.viewer, id, "hardship", f.fields.clone(), result).await
}

async fn quarterly_post(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let g = |k: &str| get_s(&f.fields, k);
    let input = QuarterlyInput { from_month: g("from_month"), to_month: g("to_month"), agreed_on: g("agreed_on") };
    let result = state.services.record_dues_quarterly(&f.viewer.actor, id, &input).await;
    after(&state, &f.viewer, id, "quarterly", f.fields.clone(), result).await
}

async fn payment_delete(State(state): State<AppState>, Path(id): Path<String>, f: CheckedForm) -> PageResult {
    let id = id_param(&id)?;
    let member = state.services.delete_dues_payment(&f.viewer.actor, id).await?;
    see_other(&format!("/members/{member}/dues"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_never_offer_payroll_deduction() {
        assert!(method_choices().iter().all(|(v, _)| v != "payroll_deduction"));
    }

    #[test]
    fn the_year_parameter_is_bounded() {
        let today = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default();
        let q = |y: &str| HashMap::from([("year".to_string(), y.to_string())]);
        assert_eq!(year_param(&q("2025"), today), 2025);
        assert_eq!(year_param(&q("3000"), today), 2026);
        assert_eq!(year_param(&q("x"), today), 2026);
    }
}
