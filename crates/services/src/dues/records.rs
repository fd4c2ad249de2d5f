//! Writing dues records: bases, hardship decisions, quarterly consents and payments. Each is
//! checked against the dues rules (refusals name the rule), written with its audit entry in one
//! transaction, or not at all.

use chrono::NaiveDate;
use domain::FieldErrors;
use domain::codes::DuesCategory;
use domain::dates::{Iso, parse_date, parse_year_month};
use domain::family::dues::payment::{self, Payer, PaymentDraft, PaymentKind, PaymentMethod};
use domain::family::dues::statement::month_of;
use domain::money::Fen;
use domain::scope::{Action, Actor, Target, can};
use serde::Deserialize;
use storage::dues::{HardshipRow, NewBase, PaymentRow, QuarterlyRow, Whose};
use storage::member::MemberRow;

use crate::{Entry, Result, ServiceError, Services, to_json};

/// A base record as typed: month "2026-01", category, base in yuan ("5,100"), a farmer's chosen
/// amount, a note.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BaseInput {
    pub from_month: String,
    pub category: String,
    #[serde(default)]
    pub base: String,
    #[serde(default)]
    pub chosen: String,
    #[serde(default)]
    pub note: String,
}

/// A payment as typed. An empty amount means the month's due (what is still owed of it).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentInput {
    pub month: String,
    #[serde(default)]
    pub amount: String,
    pub paid_on: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub payer: String,
    #[serde(default)]
    pub proxy_name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub reason: String,
}

/// A hardship decision as typed (DUES-HARDSHIP).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HardshipInput {
    pub from_month: String,
    #[serde(default)]
    pub to_month: String,
    /// The reduced monthly amount; "0" exempts.
    pub amount: String,
    pub studied_on: String,
    pub approved_by: String,
    pub approved_on: String,
    pub reason: String,
}

/// A consent to quarterly payment as typed (DUES-PERIOD).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuarterlyInput {
    pub from_month: String,
    #[serde(default)]
    pub to_month: String,
    pub agreed_on: String,
}

fn month(e: &mut FieldErrors, field: &str, s: &str) -> Option<NaiveDate> {
    match parse_year_month(s) {
        Ok(d) => Some(d),
        Err(err) => {
            e.add(field, err.message().to_string());
            None
        }
    }
}

fn optional_month(e: &mut FieldErrors, field: &str, s: &str) -> Option<NaiveDate> {
    if s.trim().is_empty() { None } else { month(e, field, s) }
}

/// A day typed in `field`, not after `today`; an error on the field otherwise.
pub(crate) fn day(e: &mut FieldErrors, field: &str, s: &str, today: NaiveDate) -> Option<NaiveDate> {
    match parse_date(s) {
        Ok(d) if d > today => {
            e.add(field, "日期不能晚于今天");
            None
        }
        Ok(d) => Some(d),
        Err(err) => {
            e.add(field, err.message().to_string());
            None
        }
    }
}

fn money(e: &mut FieldErrors, field: &str, s: &str) -> Option<Fen> {
    match Fen::parse(s) {
        Ok(f) => Some(f),
        Err(err) => {
            e.add(field, err.to_string());
            None
        }
    }
}

/// Text typed in `field`, trimmed: required (naming `what`) and at most `max` characters.
pub(crate) fn text(e: &mut FieldErrors, field: &str, s: &str, required: Option<&str>, max: usize) -> String {
    let t = s.trim().to_string();
    if let Some(what) = required
        && t.is_empty()
    {
        e.add(field, format!("请填写{what}"));
    } else if t.chars().count() > max {
        e.add(field, format!("不能超过 {max} 个字"));
    }
    t
}

impl Services {
    /// Audits a write to a member's dues, under the member and their branch.
    async fn audit_member(
        &self,
        tx: &mut storage::Tx,
        actor: &Actor,
        action: &str,
        m: &MemberRow,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<()> {
        let entry = Entry {
            action,
            entity: "member",
            entity_id: Some(m.id),
            org_path: Some(m.branch_path.clone()),
            before,
            after,
        };
        self.audit(tx, actor, entry).await
    }

    /// The member, if the actor may record their dues.
    async fn dues_member_for_edit(&self, actor: &Actor, member_id: i64) -> Result<MemberRow> {
        let m = storage::member::get(&self.db, &actor.scope(), member_id).await?.ok_or(ServiceError::NotFound)?;
        let branch = m.branch_org_path()?;
        if !can(actor, Action::ViewMember, Target::Member { member_id, branch: &branch }) {
            return Err(ServiceError::NotFound);
        }
        if !can(actor, Action::EditMember, Target::Member { member_id, branch: &branch }) {
            return Err(ServiceError::Forbidden);
        }
        Ok(m)
    }

    /// Records a dues base from a month on (DUES-BASE, DUES-CHANGE); the member's category
    /// follows the record in force today. A farmer's chosen amount is checked (DUES-FLAT).
    pub async fn record_dues_base(&self, actor: &Actor, member_id: i64, input: &BaseInput) -> Result<i64> {
        let m = self.dues_member_for_edit(actor, member_id).await?;
        let mut e = FieldErrors::new();
        let from = month(&mut e, "from_month", &input.from_month);
        let category = DuesCategory::parse(&input.category);
        if category.is_none() {
            e.add("category", "请选择党费类别");
        }
        let note = text(&mut e, "note", &input.note, None, 200);
        let today = self.today();
        if from.is_some_and(|f| f > month_of(today)) {
            e.add("from_month", "起始月份不能晚于本月");
        }
        if from.is_some_and(|f| f < month_of(m.joined_on)) {
            e.add("from_month", "起始月份不能早于入党（支部大会通过）的月份");
        }
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let (Some(from), Some(category)) = (from, category) else { return Err(ServiceError::Invalid(e)) };
        let ctx = self.dues_context(&m.branch_path).await?;
        let quote = Self::dues_quote_with(
            &ctx.rules,
            &ctx.settings(from),
            category.as_str(),
            &input.base,
            &input.chosen,
            from,
        )?;
        let record = NewBase {
            member_id,
            from_month: from,
            category,
            base: quote.base,
            chosen: (quote.rate.is_none()).then_some(quote.due),
            note,
        };
        let mut tx = self.db.begin().await?;
        let id = storage::dues::insert_base(&mut tx, &record, today, actor.account_id).await?;
        let after = serde_json::json!({
            "from_month": from.iso(), "category": category.as_str(), "base": record.base.to_string(),
            "due": quote.due.to_string(), "rule_id": quote.rule_id, "note": record.note,
        });
        self.audit_member(&mut tx, actor, "dues.base", &m, None, Some(after)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a hardship reduction or exemption (DUES-HARDSHIP): the branch's study, the
    /// approving committee and its date are required.
    pub async fn record_dues_hardship(&self, actor: &Actor, member_id: i64, input: &HardshipInput) -> Result<i64> {
        let m = self.dues_member_for_edit(actor, member_id).await?;
        let today = self.today();
        let mut e = FieldErrors::new();
        let from = month(&mut e, "from_month", &input.from_month);
        let to = optional_month(&mut e, "to_month", &input.to_month);
        let amount = money(&mut e, "amount", &input.amount);
        let studied_on = day(&mut e, "studied_on", &input.studied_on, today);
        let approved_on = day(&mut e, "approved_on", &input.approved_on, today);
        let approved_by = text(&mut e, "approved_by", &input.approved_by, Some("批准的上级党委"), 100);
        let reason = text(&mut e, "reason", &input.reason, Some("困难情况"), 500);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            e.add("to_month", "截止月份不能早于起始月份");
        }
        if let (Some(s), Some(a)) = (studied_on, approved_on)
            && a < s
        {
            e.add("approved_on", "上级批准日期不能早于支部研究日期");
        }
        let (Some(from), Some(amount), Some(studied_on), Some(approved_on)) = (from, amount, studied_on, approved_on)
        else {
            return Err(ServiceError::Invalid(e));
        };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let row = HardshipRow {
            id: 0,
            member_id,
            from_month: from,
            to_month: to,
            amount_fen: amount,
            studied_on,
            approved_by,
            approved_on,
            reason,
        };
        let mut tx = self.db.begin().await?;
        let id = storage::dues::insert_hardship(&mut tx, &row, actor.account_id).await?;
        self.audit_member(&mut tx, actor, "dues.hardship", &m, None, to_json(&row)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records the branch's consent to quarterly payment (DUES-PERIOD).
    pub async fn record_dues_quarterly(&self, actor: &Actor, member_id: i64, input: &QuarterlyInput) -> Result<i64> {
        let m = self.dues_member_for_edit(actor, member_id).await?;
        let mut e = FieldErrors::new();
        let from = month(&mut e, "from_month", &input.from_month);
        let to = optional_month(&mut e, "to_month", &input.to_month);
        let agreed_on = day(&mut e, "agreed_on", &input.agreed_on, self.today());
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            e.add("to_month", "截止月份不能早于起始月份");
        }
        let (Some(from), Some(agreed_on)) = (from, agreed_on) else { return Err(ServiceError::Invalid(e)) };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let row = QuarterlyRow { id: 0, member_id, from_month: from, to_month: to, agreed_on };
        let mut tx = self.db.begin().await?;
        let id = storage::dues::insert_quarterly(&mut tx, &row, actor.account_id).await?;
        self.audit_member(&mut tx, actor, "dues.quarterly", &m, None, to_json(&row)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Reads a typed payment into a draft, with field errors for what does not parse.
    pub(crate) fn payment_draft(input: &PaymentInput, today: NaiveDate, e: &mut FieldErrors) -> Option<PaymentDraft> {
        let m = month(e, "month", &input.month);
        let paid_on = day(e, "paid_on", &input.paid_on, today);
        let amount = if input.amount.trim().is_empty() { Some(Fen::ZERO) } else { money(e, "amount", &input.amount) };
        let code = |s: &str, default: &str| if s.trim().is_empty() { default.to_string() } else { s.to_string() };
        let method = PaymentMethod::parse(&code(&input.method, "cash"));
        let payer = Payer::parse(&code(&input.payer, "member"));
        let kind = PaymentKind::parse(&code(&input.kind, "regular"));
        if method.is_none() {
            e.add("method", "请选择交纳方式");
        }
        if payer.is_none() {
            e.add("payer", "请选择交纳人");
        }
        if kind.is_none() {
            e.add("kind", "请选择交纳类型");
        }
        let proxy_name = text(e, "proxy_name", &input.proxy_name, None, 50);
        let reason = text(e, "reason", &input.reason, None, 500);
        Some(PaymentDraft {
            month: m?,
            amount: amount?,
            paid_on: paid_on?,
            method: method?,
            payer: payer?,
            proxy_name,
            kind: kind?,
            reason,
        })
    }

    /// Records a payment (DUES-PERIOD, DUES-ORG-NO-PREPAY, DUES-VOLUNTARY). An empty amount pays
    /// what is still owed for the month. Refusals name the rule; nothing is written.
    pub async fn record_dues_payment(&self, actor: &Actor, member_id: i64, input: &PaymentInput) -> Result<i64> {
        let m = self.dues_member_for_edit(actor, member_id).await?;
        let today = self.today();
        let mut e = FieldErrors::new();
        let draft = Self::payment_draft(input, today, &mut e);
        let Some(mut draft) = draft else { return Err(ServiceError::Invalid(e)) };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let month = month_of(draft.month);
        let ctx = self.dues_context(&m.branch_path).await?;
        let scope = actor.scope();
        let whose = Whose::Member(member_id);
        let (bases, hardships, quarterly, payments) = tokio::try_join!(
            storage::dues::bases(&self.db, &scope, whose),
            storage::dues::hardships(&self.db, &scope, whose),
            storage::dues::quarterly(&self.db, &scope, whose),
            storage::dues::payments(&self.db, &scope, whose, month, month),
        )?;
        let facts = super::member_facts(
            &m,
            &bases.iter().collect::<Vec<_>>(),
            &hardships.iter().collect::<Vec<_>>(),
            &quarterly.iter().collect::<Vec<_>>(),
            &payments.iter().collect::<Vec<_>>(),
        );
        let line =
            domain::family::dues::statement::statement(&ctx.rules, |d| ctx.settings(d), &facts, month, month, today)
                .lines
                .into_iter()
                .next();
        if draft.kind == PaymentKind::Regular {
            if month < month_of(m.joined_on) {
                return Err(ServiceError::field("month", "该月份党员尚未入党（支部大会通过之月起交纳党费）"));
            }
            if draft.amount == Fen::ZERO {
                match &line {
                    Some(l) if l.outstanding() > Fen::ZERO => draft.amount = l.outstanding(),
                    Some(l) if l.quote.is_none() && l.hardship.is_none() => {
                        return Err(ServiceError::field("amount", "该月未登记党费基数，请填写金额或先登记基数"));
                    }
                    _ => return Err(ServiceError::field("amount", "该月党费已交清，请填写金额")),
                }
            }
        }
        let quarterly_agreed = quarterly
            .iter()
            .any(|q| month_of(q.from_month) <= month && q.to_month.is_none_or(|t| month <= month_of(t)));
        let accepted = payment::check(&ctx.rules, &draft, quarterly_agreed).map_err(ServiceError::Invalid)?;
        let row = PaymentRow {
            id: 0,
            member_id,
            org_id: m.branch_id,
            month,
            amount_fen: draft.amount,
            paid_on: draft.paid_on,
            method: draft.method,
            payer: draft.payer,
            proxy_name: draft.proxy_name,
            kind: draft.kind,
            reason: draft.reason,
            to_centre: accepted.to_centre,
            created_by: Some(actor.account_id),
        };
        let mut tx = self.db.begin().await?;
        let id = storage::dues::insert_payment(&mut tx, &row, actor.account_id).await?;
        self.audit_member(&mut tx, actor, "dues.payment", &m, None, to_json(&row)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Removes a payment entered in error; the audit entry keeps what it was.
    pub async fn delete_dues_payment(&self, actor: &Actor, payment_id: i64) -> Result<i64> {
        let p = storage::dues::payment(&self.db, &actor.scope(), payment_id).await?.ok_or(ServiceError::NotFound)?;
        let m = self.dues_member_for_edit(actor, p.member_id).await?;
        let mut tx = self.db.begin().await?;
        storage::dues::delete_payment(&mut tx, payment_id).await?;
        self.audit_member(&mut tx, actor, "dues.payment_delete", &m, to_json(&p), None).await?;
        tx.commit().await?;
        Ok(p.member_id)
    }
}
