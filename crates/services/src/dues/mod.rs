//! Party dues (党费): a member's dated bases, hardship decisions and quarterly consents, their
//! payments, and what follows from them: each month's due, arrears as findings of the dues
//! family (DUES-ARREARS), the branch's collection sheet and its yearly publication.
//!
//! Reads need [`Action::ViewMember`] (a member sees their own dues); writes need
//! [`Action::EditMember`] (the branch's workers and the admins above). Every write is audited.
//! The committee settings a due depends on (rounding, what "税后" deducts, the warning months)
//! are read for the member's branch and printed with every figure that uses them.

pub mod account;
mod branch;
pub mod import;
pub mod ledger;
pub(crate) mod records;
pub mod review;
pub mod run;

pub use branch::{BranchDues, BranchDuesRow, Collected, MonthTotal};
pub use records::{BaseInput, HardshipInput, PaymentInput, QuarterlyInput};

use chrono::{Datelike, NaiveDate};
use domain::codes::{DuesCategory, MemberStatus};
use domain::family::dues::statement::{self, BaseFact, HardshipFact, MemberDuesFacts, PaymentFact, QuarterlyFact};
use domain::family::dues::{self, DuesSettings, Quote};
use domain::findings::{Finding, When};
use domain::money::Fen;
use domain::rules::RuleSet;
use domain::scope::{Action, Actor, Target, can};
use storage::dues::{BaseRow, HardshipRow, PaymentRow, QuarterlyRow, Whose};
use storage::member::MemberRow;

use crate::{Result, ServiceError, Services};

/// How many days before a deadline a finding is given, as in the full check.
const NOTICE_DAYS: u32 = crate::compliance::NOTICE_DAYS;

/// One member's dues for a year: the records and the statement they give.
#[derive(Debug, Clone)]
pub struct MemberDues {
    pub member: MemberRow,
    pub year: i32,
    /// January to December of the year (to the month the member left, if they did).
    pub statement: statement::Statement,
    pub bases: Vec<BaseRow>,
    pub hardships: Vec<HardshipRow>,
    pub quarterly: Vec<QuarterlyRow>,
    /// The year's payments, newest first.
    pub payments: Vec<PaymentRow>,
    /// The settings in force today for the member's branch.
    pub settings: DuesSettings,
    /// DUES-ARREARS findings about the member as of today.
    pub findings: Vec<Finding>,
    /// The due of the month containing today (what the member owes now), if a base is recorded.
    pub current: Option<Quote>,
    /// Whether the viewer may record payments and bases.
    pub can_edit: bool,
}

/// The rules and settings of the dues family for a branch.
pub(crate) struct DuesContext {
    pub rules: RuleSet<dues::Check>,
    settings: dues::DatedSettings,
}

impl DuesContext {
    /// The settings in force for the branch on `day`.
    pub fn settings(&self, day: NaiveDate) -> DuesSettings {
        self.settings.on(day)
    }
}

/// The dues facts of one member from their rows (all of the member's, in any order).
pub(crate) fn member_facts(
    m: &MemberRow,
    bases: &[&BaseRow],
    hardships: &[&HardshipRow],
    quarterly: &[&QuarterlyRow],
    payments: &[&PaymentRow],
) -> MemberDuesFacts {
    let left = !matches!(m.status, MemberStatus::Full | MemberStatus::Probationary);
    MemberDuesFacts {
        member_id: m.id,
        org_id: m.branch_id,
        // DUES-PROBATIONARY: from the month of the 支部大会 that admitted the member, the
        // registry's joined_on, or after the "paid up to" month of the letter that brought them.
        owes_from: Some(statement::owes_from(m.joined_on, m.dues_owed_from)),
        owes_until: left.then(|| statement::month_of(m.status_changed_on)),
        bases: bases
            .iter()
            .map(|b| BaseFact {
                id: b.id,
                from: b.from_month,
                category: b.category,
                base: b.base_fen,
                chosen: b.chosen_fen,
            })
            .collect(),
        hardships: hardships
            .iter()
            .map(|h| HardshipFact { id: h.id, from: h.from_month, to: h.to_month, amount: h.amount_fen })
            .collect(),
        quarterly: quarterly.iter().map(|q| QuarterlyFact { from: q.from_month, to: q.to_month }).collect(),
        payments: payments
            .iter()
            .map(|p| PaymentFact {
                id: p.id,
                month: p.month,
                amount: p.amount_fen,
                paid_on: p.paid_on,
                voluntary: p.kind == dues::payment::PaymentKind::Voluntary,
            })
            .collect(),
    }
}

/// The first day of `year`'s month `month`.
pub(crate) fn month_start(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

/// The months a check as of `as_of` reads: from the half-year before `year` (a run of six may
/// start there) to the month of `as_of` or the year's end, whichever is later.
pub(crate) fn check_window(year: i32, as_of: NaiveDate) -> (NaiveDate, NaiveDate) {
    let end = statement::month_of(as_of).max(month_start(year, 12));
    (month_start(year - 1, 7), end)
}

impl Services {
    /// The dues family's rules and settings for the org at `path`.
    pub(crate) async fn dues_context(&self, path: &str) -> Result<DuesContext> {
        let rules = self.rules_for(path).await?;
        Ok(DuesContext { rules: rules.dues, settings: rules.dues_settings })
    }

    /// The due of a base with the national rules and default settings: the treasurer's
    /// calculator, no database needed (`zhibu dues quote`, the calculator page).
    /// `month` defaults to the current one.
    pub fn dues_quote(category: &str, base: &str, chosen: &str, month: Option<NaiveDate>) -> Result<Quote> {
        let month = month.unwrap_or_else(crate::today);
        Self::dues_quote_with(&dues::national(), &DuesSettings::default(), category, base, chosen, month)
    }

    /// The due of a base under an org's settings (its committee's rounding), for anyone who sees
    /// the org.
    pub async fn dues_quote_for_org(
        &self,
        actor: &Actor,
        org_id: i64,
        category: &str,
        base: &str,
        chosen: &str,
        month: NaiveDate,
    ) -> Result<Quote> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        if !can(actor, Action::ViewOrg, Target::Org(&org.org_path()?)) {
            return Err(ServiceError::NotFound);
        }
        let ctx = self.dues_context(&org.path).await?;
        Self::dues_quote_with(&ctx.rules, &ctx.settings(month), category, base, chosen, month)
    }

    fn dues_quote_with(
        rules: &RuleSet<dues::Check>,
        settings: &DuesSettings,
        category: &str,
        base: &str,
        chosen: &str,
        month: NaiveDate,
    ) -> Result<Quote> {
        let mut e = domain::FieldErrors::new();
        let category = DuesCategory::parse(category);
        if category.is_none() {
            e.add("category", "请选择党费类别");
        }
        let flat = category.is_some_and(|c| dues::quote::is_flat(rules, c, month));
        let base = match Fen::parse(base) {
            Ok(b) => b,
            Err(_) if flat && base.trim().is_empty() => Fen::ZERO,
            Err(err) => {
                e.add("base", err.to_string());
                Fen::ZERO
            }
        };
        let chosen = match chosen.trim() {
            "" => None,
            s => match Fen::parse(s) {
                Ok(c) => Some(c),
                Err(err) => {
                    e.add("chosen", err.to_string());
                    None
                }
            },
        };
        let Some(category) = category else { return Err(ServiceError::Invalid(e)) };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        dues::quote(rules, settings, category, base, chosen, month).map_err(|err| {
            let mut e = domain::FieldErrors::new();
            match err.rule() {
                Some((id, citation)) => e.add_rule("chosen", err.to_string(), id, citation),
                None => e.add("category", err.to_string()),
            }
            ServiceError::Invalid(e)
        })
    }

    /// One member's dues for `year`, as of today.
    pub async fn member_dues(&self, actor: &Actor, member_id: i64, year: i32) -> Result<MemberDues> {
        let scope = actor.scope();
        let member = storage::member::get(&self.db, &scope, member_id).await?.ok_or(ServiceError::NotFound)?;
        let branch = member.branch_org_path()?;
        if !can(actor, Action::ViewMember, Target::Member { member_id, branch: &branch }) {
            return Err(ServiceError::NotFound);
        }
        let can_edit = can(actor, Action::EditMember, Target::Member { member_id, branch: &branch });
        let today = self.today();
        let whose = Whose::Member(member_id);
        let (from, to) = check_window(year, today);
        let from = from.min(month_start(year, 1));
        let (bases, hardships, quarterly, payments) = tokio::try_join!(
            storage::dues::bases(&self.db, &scope, whose),
            storage::dues::hardships(&self.db, &scope, whose),
            storage::dues::quarterly(&self.db, &scope, whose),
            storage::dues::payments(&self.db, &scope, whose, from, to),
        )?;
        let ctx = self.dues_context(&member.branch_path).await?;
        let facts = member_facts(
            &member,
            &bases.iter().collect::<Vec<_>>(),
            &hardships.iter().collect::<Vec<_>>(),
            &quarterly.iter().collect::<Vec<_>>(),
            &payments.iter().collect::<Vec<_>>(),
        );
        let settings_on = |d: NaiveDate| ctx.settings(d);
        let window = statement::statement(&ctx.rules, settings_on, &facts, from, to, today);
        let settings = ctx.settings(today);
        let when = When::new(year, today, NOTICE_DAYS);
        let findings = statement::evaluate(&ctx.rules, &settings, member.branch_id, &window, &when);
        let current = window.lines.iter().find(|l| l.month == statement::month_of(today)).and_then(|l| l.quote.clone());
        let year_statement = statement::statement(
            &ctx.rules,
            |d| ctx.settings(d),
            &facts,
            month_start(year, 1),
            month_start(year, 12),
            today,
        );
        let mut payments: Vec<PaymentRow> = payments.into_iter().filter(|p| p.month.year() == year).collect();
        payments.sort_by_key(|p| std::cmp::Reverse((p.month, p.id)));
        Ok(MemberDues {
            member,
            year,
            statement: year_statement,
            bases,
            hardships,
            quarterly,
            payments,
            settings,
            findings,
            current,
            can_edit,
        })
    }
}
