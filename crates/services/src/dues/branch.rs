//! A branch's dues: the collection sheet for a year (应交 / 实交 / 欠交 per member and month,
//! forms.md §2.6), a month's collection recorded on one page, and the yearly publication to the
//! members (DUES-PUBLISH).

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::FieldErrors;
use domain::dates::Iso;
use domain::family::dues::payment::{self, Payer, PaymentDraft, PaymentKind};
use domain::family::dues::statement::{self, MonthState, Statement, month_of};
use domain::family::dues::{DuesSettings, evaluate_publication};
use domain::findings::{Finding, When};
use domain::money::Fen;
use domain::org::OrgKind;
use domain::scope::{Action, Actor, Target, can};
use serde::Serialize;
use storage::dues::{BaseRow, HardshipRow, PaymentRow, PublicationRow, QuarterlyRow, Whose};
use storage::member::MemberRow;
use storage::org::OrgRow;

use super::{NOTICE_DAYS, member_facts, month_start};
use crate::{Entry, Result, ServiceError, Services};

/// One member's line of the collection sheet.
#[derive(Debug, Clone)]
pub struct BranchDuesRow {
    pub member: MemberRow,
    pub statement: Statement,
}

/// A month's totals over the branch's members.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MonthTotal {
    pub month: NaiveDate,
    pub due: Fen,
    pub paid: Fen,
    /// Due and not paid, for months whose day has passed.
    pub arrears: Fen,
    /// Members with a month in arrears.
    pub in_arrears: u32,
}

/// A branch's dues for a year.
#[derive(Debug, Clone)]
pub struct BranchDues {
    pub org: OrgRow,
    pub year: i32,
    pub rows: Vec<BranchDuesRow>,
    pub months: Vec<MonthTotal>,
    pub total: MonthTotal,
    /// Members with no base recorded for some month of the year.
    pub missing_base: u32,
    pub settings: DuesSettings,
    /// The year's publication, when recorded.
    pub published: Option<PublicationRow>,
    /// The branch's dues findings as of today: arrears of its members, the publication.
    pub findings: Vec<Finding>,
    pub can_edit: bool,
}

/// What a month's collection recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Collected {
    pub payments: u32,
    pub amount: Fen,
    /// Members left out: listed as exceptions, already paid, or without a base.
    pub skipped: u32,
}

impl Services {
    /// The branch, if the actor sees it; and whether they may record its dues.
    pub(super) async fn dues_branch(&self, actor: &Actor, org_id: i64) -> Result<(OrgRow, bool)> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::ViewOrg, Target::Org(&path)) {
            return Err(ServiceError::NotFound);
        }
        if org.kind != OrgKind::Branch {
            return Err(ServiceError::field("org", "党费按党支部登记，请选择一个党支部"));
        }
        Ok((org, can(actor, Action::CreateMember, Target::Org(&path))))
    }

    /// The collection sheet of a branch for `year`, as of today.
    pub async fn branch_dues(&self, actor: &Actor, org_id: i64, year: i32) -> Result<BranchDues> {
        let (org, can_edit) = self.dues_branch(actor, org_id).await?;
        let scope = actor.scope();
        let today = self.today();
        let (from, to) = super::check_window(year, today);
        let whose = Whose::Branch(org_id);
        let path = org.org_path()?;
        let ids = [org_id];
        let (members, bases, hardships, quarterly, payments, published) = tokio::try_join!(
            storage::member::of_org(&self.db, &scope, &path, None),
            storage::dues::bases(&self.db, &scope, whose),
            storage::dues::hardships(&self.db, &scope, whose),
            storage::dues::quarterly(&self.db, &scope, whose),
            storage::dues::payments(&self.db, &scope, whose, from, to),
            storage::dues::publications(&self.db, &ids),
        )?;
        let ctx = self.dues_context(&org.path).await?;
        let settings = ctx.settings(today);
        let when = When::new(year, today, NOTICE_DAYS);
        let by_member = ByMember::of(&bases, &hardships, &quarterly, &payments);
        let mut rows = Vec::new();
        let mut months: Vec<MonthTotal> =
            (1..=12).map(|m| MonthTotal { month: month_start(year, m), ..MonthTotal::default() }).collect();
        let mut missing_base = 0;
        let mut findings = Vec::new();
        for m in members {
            let facts = by_member.facts(&m);
            let window = statement::statement(&ctx.rules, |d| ctx.settings(d), &facts, from, to, today);
            findings.extend(statement::evaluate(&ctx.rules, &settings, org_id, &window, &when));
            let year_lines: Vec<_> = window.lines.iter().filter(|l| chrono::Datelike::year(&l.month) == year).collect();
            if year_lines.iter().any(|l| l.state == MonthState::NoBase) {
                missing_base += 1;
            }
            for l in &year_lines {
                if let Some(t) = months.iter_mut().find(|t| t.month == l.month) {
                    if l.state != MonthState::NoBase {
                        t.due = t.due.saturating_add(l.due);
                    }
                    t.paid = t.paid.saturating_add(l.paid);
                    if l.state == MonthState::Unpaid {
                        t.arrears = t.arrears.saturating_add(l.outstanding());
                        t.in_arrears += 1;
                    }
                }
            }
            let year_statement = statement::statement(
                &ctx.rules,
                |d| ctx.settings(d),
                &facts,
                month_start(year, 1),
                month_start(year, 12),
                today,
            );
            rows.push(BranchDuesRow { member: m, statement: year_statement });
        }
        let published_years: Vec<i32> = published.iter().filter_map(|p| i32::try_from(p.year).ok()).collect();
        findings.extend(evaluate_publication(
            &ctx.rules,
            &settings,
            org_id,
            org.kind,
            org.established_on,
            &published_years,
            &When::new(chrono::Datelike::year(&today), today, NOTICE_DAYS),
        ));
        let mut total = MonthTotal { month: month_start(year, 1), ..MonthTotal::default() };
        for t in &months {
            total.due = total.due.saturating_add(t.due);
            total.paid = total.paid.saturating_add(t.paid);
            total.arrears = total.arrears.saturating_add(t.arrears);
        }
        total.in_arrears = rows.iter().filter(|r| r.statement.arrears > Fen::ZERO).count() as u32;
        let published = published.into_iter().find(|p| p.year == i64::from(year));
        Ok(BranchDues { org, year, rows, months, total, missing_base, settings, published, findings, can_edit })
    }

    /// Records a month's collection for a branch in one go: every member who still owes for
    /// `month` paid what they owe on `paid_on` by `method`, except the members in `except`. Each
    /// payment passes the payment rules; one refusal refuses the whole collection.
    pub async fn collect_dues_month(
        &self,
        actor: &Actor,
        org_id: i64,
        month: &str,
        paid_on: &str,
        method: &str,
        except: &[i64],
    ) -> Result<Collected> {
        let (org, can_edit) = self.dues_branch(actor, org_id).await?;
        if !can_edit {
            return Err(ServiceError::Forbidden);
        }
        let today = self.today();
        let mut e = FieldErrors::new();
        let input = super::PaymentInput {
            month: month.to_string(),
            paid_on: paid_on.to_string(),
            method: method.to_string(),
            ..super::PaymentInput::default()
        };
        let draft = Self::payment_draft(&input, today, &mut e);
        let Some(draft) = draft else { return Err(ServiceError::Invalid(e)) };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let month = month_of(draft.month);
        let scope = actor.scope();
        let whose = Whose::Branch(org_id);
        let path = org.org_path()?;
        let (members, bases, hardships, quarterly, payments) = tokio::try_join!(
            storage::member::of_org(&self.db, &scope, &path, None),
            storage::dues::bases(&self.db, &scope, whose),
            storage::dues::hardships(&self.db, &scope, whose),
            storage::dues::quarterly(&self.db, &scope, whose),
            storage::dues::payments(&self.db, &scope, whose, month, month),
        )?;
        let ctx = self.dues_context(&org.path).await?;
        let by_member = ByMember::of(&bases, &hardships, &quarterly, &payments);
        let mut out = Collected::default();
        let mut rows = Vec::new();
        for m in &members {
            let facts = by_member.facts(m);
            let owed = statement::statement(&ctx.rules, |d| ctx.settings(d), &facts, month, month, today)
                .lines
                .first()
                .map(|l| l.outstanding())
                .unwrap_or_default();
            if except.contains(&m.id) || owed == Fen::ZERO {
                out.skipped += 1;
                continue;
            }
            let one = PaymentDraft { amount: owed, kind: PaymentKind::Regular, payer: Payer::Member, ..draft.clone() };
            let quarterly =
                facts.quarterly.iter().any(|q| month_of(q.from) <= month && q.to.is_none_or(|t| month <= t));
            if let Err(refused) = payment::check(&ctx.rules, &one, quarterly) {
                let mut named = FieldErrors::new();
                for err in refused.0 {
                    named.0.push(domain::FieldError { message: format!("{}：{}", m.name, err.message), ..err });
                }
                return Err(ServiceError::Invalid(named));
            }
            out.payments += 1;
            out.amount = out.amount.saturating_add(owed);
            rows.push(PaymentRow {
                id: 0,
                member_id: m.id,
                org_id,
                month,
                amount_fen: owed,
                paid_on: one.paid_on,
                method: one.method,
                payer: Payer::Member,
                proxy_name: String::new(),
                kind: PaymentKind::Regular,
                reason: String::new(),
                to_centre: false,
                created_by: Some(actor.account_id),
            });
        }
        if rows.is_empty() {
            return Ok(out);
        }
        let mut tx = self.db.begin().await?;
        for row in &rows {
            storage::dues::insert_payment(&mut tx, row, actor.account_id).await?;
        }
        let paid: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| serde_json::json!({"member_id": r.member_id, "amount": r.amount_fen.to_string()}))
            .collect();
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "dues.collect_month",
                entity: "org",
                entity_id: Some(org_id),
                org_path: Some(org.path.clone()),
                before: None,
                after: Some(serde_json::json!({
                    "month": month.iso(), "paid_on": draft.paid_on.iso(), "method": draft.method.as_str(),
                    "except": except, "payments": paid,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Records that the branch published `year`'s dues to its members on `on` (DUES-PUBLISH).
    pub async fn publish_dues(&self, actor: &Actor, org_id: i64, year: i32, on: &str, note: &str) -> Result<i64> {
        let (org, can_edit) = self.dues_branch(actor, org_id).await?;
        if !can_edit {
            return Err(ServiceError::Forbidden);
        }
        let today = self.today();
        let mut e = FieldErrors::new();
        if !(1949..=chrono::Datelike::year(&today)).contains(&year) {
            e.add("year", "公布的年度应在1949年至今年之间");
        }
        let on = match domain::dates::parse_date(on) {
            Ok(d) if d > today => {
                e.add("published_on", "日期不能晚于今天");
                None
            }
            Ok(d) if chrono::Datelike::year(&d) < year => {
                e.add("published_on", "公布日期不能早于所公布的年度");
                None
            }
            Ok(d) => Some(d),
            Err(err) => {
                e.add("published_on", err.message().to_string());
                None
            }
        };
        if note.chars().count() > 500 {
            e.add("note", "不能超过 500 个字");
        }
        let Some(on) = on else { return Err(ServiceError::Invalid(e)) };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        if storage::dues::publications(&self.db, &[org_id]).await?.iter().any(|p| p.year == i64::from(year)) {
            return Err(ServiceError::field("year", format!("{year}年度的党费收缴情况已登记公布")));
        }
        let mut tx = self.db.begin().await?;
        let id = storage::dues::insert_publication(&mut tx, org_id, year, on, note.trim(), actor.account_id).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "dues.publish",
                entity: "org",
                entity_id: Some(org_id),
                org_path: Some(org.path.clone()),
                before: None,
                after: Some(serde_json::json!({"year": year, "published_on": on.iso(), "note": note.trim()})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// A branch's dues rows grouped by member.
pub(crate) struct ByMember<'a> {
    bases: HashMap<i64, Vec<&'a BaseRow>>,
    hardships: HashMap<i64, Vec<&'a HardshipRow>>,
    quarterly: HashMap<i64, Vec<&'a QuarterlyRow>>,
    payments: HashMap<i64, Vec<&'a PaymentRow>>,
}

impl<'a> ByMember<'a> {
    pub fn of(
        bases: &'a [BaseRow],
        hardships: &'a [HardshipRow],
        quarterly: &'a [QuarterlyRow],
        payments: &'a [PaymentRow],
    ) -> ByMember<'a> {
        fn group<T>(rows: &[T], key: impl Fn(&T) -> i64) -> HashMap<i64, Vec<&T>> {
            let mut out: HashMap<i64, Vec<&T>> = HashMap::new();
            for r in rows {
                out.entry(key(r)).or_default().push(r);
            }
            out
        }
        ByMember {
            bases: group(bases, |r| r.member_id),
            hardships: group(hardships, |r| r.member_id),
            quarterly: group(quarterly, |r| r.member_id),
            payments: group(payments, |r| r.member_id),
        }
    }

    pub fn facts(&self, m: &MemberRow) -> statement::MemberDuesFacts {
        let empty = Vec::new();
        member_facts(
            m,
            self.bases.get(&m.id).unwrap_or(&empty),
            self.hardships.get(&m.id).map_or(&[][..], |v| v),
            self.quarterly.get(&m.id).map_or(&[][..], |v| v),
            self.payments.get(&m.id).map_or(&[][..], |v| v),
        )
    }
}
