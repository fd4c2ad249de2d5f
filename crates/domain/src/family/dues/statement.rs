//! One member's dues month by month: what was due (the base in force that month, DUES-CHANGE;
//! a hardship decision, DUES-HARDSHIP; from the admitting 支部大会's month, DUES-PROBATIONARY),
//! what was paid, and which months are in arrears (DUES-ARREARS, CON-LAPSE's dues condition).
//!
//! **When a month becomes unpaid.** A month's dues are due by its last day and count as unpaid
//! from the next day. A member whose branch agreed to quarterly payment (DUES-PERIOD) pays a
//! quarter at once: its months are due by the quarter's last day, so nothing is in arrears
//! inside the quarter. A month paid in part is in arrears for the rest. A month whose due is zero
//! (an exemption) or for which no base was recorded is never in arrears: the branch is shown the
//! missing base instead.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{Check, DuesSettings, Quote, quote};
use crate::codes::DuesCategory;
use crate::dates::{add_months, format_cn};
use crate::findings::{Finding, FixLink, Subject, When, pages};
use crate::money::Fen;
use crate::period::{Period, PeriodKind};
use crate::rules::{RuleSet, Severity};

/// A dated base record (党费基数): in force from the month `from` until the next record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseFact {
    pub id: i64,
    /// The first day of the month it applies from.
    pub from: NaiveDate,
    pub category: DuesCategory,
    pub base: Fen,
    /// A farmer's chosen amount (DUES-FLAT).
    pub chosen: Option<Fen>,
}

/// A hardship decision (DUES-HARDSHIP): from the month `from` to `to` (inclusive; `None`: until
/// revoked), the member pays `amount` a month (zero: exempt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HardshipFact {
    pub id: i64,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub amount: Fen,
}

/// The branch's consent to quarterly payment (DUES-PERIOD), for the months `from`–`to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarterlyFact {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// A payment for one month; voluntary extra payments (DUES-VOLUNTARY) never settle a due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentFact {
    pub id: i64,
    pub month: NaiveDate,
    pub amount: Fen,
    pub paid_on: NaiveDate,
    pub voluntary: bool,
}

/// What the dues family knows of one member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MemberDuesFacts {
    pub member_id: i64,
    /// The branch holding the membership relation (DUES-WHERE): the org that must act.
    pub org_id: i64,
    /// The first month dues are owed: the month of the admitting 支部大会 (DUES-PROBATIONARY),
    /// or the month after the "paid up to" month of a transfer in.
    pub owes_from: Option<NaiveDate>,
    /// The last month owed, when the member left (died, left the party).
    pub owes_until: Option<NaiveDate>,
    pub bases: Vec<BaseFact>,
    pub hardships: Vec<HardshipFact>,
    pub quarterly: Vec<QuarterlyFact>,
    pub payments: Vec<PaymentFact>,
}

/// Where a month stands on `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthState {
    /// Paid in full.
    Paid,
    /// Not paid in full, and its day has passed: arrears.
    Unpaid,
    /// Not paid in full yet, and still within its time.
    Open,
    /// Nothing due (an exemption).
    Exempt,
    /// No base recorded for the month: the due is unknown.
    NoBase,
}

impl MonthState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Paid => "已交",
            Self::Unpaid => "欠交",
            Self::Open => "未到期",
            Self::Exempt => "免交",
            Self::NoBase => "未登记基数",
        }
    }

    pub fn in_arrears(self) -> bool {
        self == Self::Unpaid
    }
}

/// One month of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthLine {
    /// The month's first day.
    pub month: NaiveDate,
    /// The due and how it was computed; `None` without a base.
    pub quote: Option<Quote>,
    /// The due after any hardship decision.
    pub due: Fen,
    /// The hardship decision that set the due, if any.
    pub hardship: Option<i64>,
    pub paid: Fen,
    /// The last day to pay (the month's, or the quarter's for a quarterly payer).
    pub falls_due: NaiveDate,
    pub state: MonthState,
}

impl MonthLine {
    pub fn outstanding(&self) -> Fen {
        if self.state == MonthState::NoBase { Fen::ZERO } else { self.due.saturating_sub(self.paid) }
    }
}

/// One member's months, oldest first, and their totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub member_id: i64,
    pub lines: Vec<MonthLine>,
    pub due: Fen,
    pub paid: Fen,
    /// Due and not paid, for months whose day has passed.
    pub arrears: Fen,
    /// Voluntary extra payments in the months shown.
    pub voluntary: Fen,
}

impl Statement {
    /// The first days of the months in arrears (CON-LAPSE's dues condition).
    pub fn unpaid_months(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.lines.iter().filter(|l| l.state.in_arrears()).map(|l| l.month)
    }

    /// Maximal runs of consecutive months in arrears, oldest first: (first, last, count, owed).
    pub fn arrears_runs(&self) -> Vec<ArrearsRun> {
        let mut out: Vec<ArrearsRun> = Vec::new();
        for l in self.lines.iter().filter(|l| l.state.in_arrears()) {
            match out.last_mut() {
                Some(run) if add_months(run.last, 1) == l.month => {
                    run.last = l.month;
                    run.months += 1;
                    run.owed = run.owed.saturating_add(l.outstanding());
                }
                _ => out.push(ArrearsRun { first: l.month, last: l.month, months: 1, owed: l.outstanding() }),
            }
        }
        out
    }

    /// The month paid up to: the last month before the first month not settled (in arrears,
    /// open or without a base), or the last month shown when all are settled.
    pub fn paid_up_to(&self) -> Option<NaiveDate> {
        let mut last = None;
        for l in &self.lines {
            if matches!(l.state, MonthState::Paid | MonthState::Exempt) {
                last = Some(l.month);
            } else {
                break;
            }
        }
        last
    }
}

/// Consecutive months in arrears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ArrearsRun {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub months: u32,
    pub owed: Fen,
}

/// The first day of `d`'s month.
pub fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// DUES-PROBATIONARY: the first month a member owes dues: the month of joining (the 支部大会
/// that admitted them), or, for a member who came by a letter, `owed_from` (the month after the
/// letter's "paid up to"), whichever is later.
pub fn owes_from(joined_on: NaiveDate, owed_from: Option<NaiveDate>) -> NaiveDate {
    let joined = month_of(joined_on);
    owed_from.map_or(joined, |o| month_of(o).max(joined))
}

/// The member's statement for the months `from`–`to` (first days; clipped to the months owed),
/// as of `as_of`. `settings` gives the committee settings in force for a month.
pub fn statement(
    rules: &RuleSet<Check>,
    settings: impl Fn(NaiveDate) -> DuesSettings,
    facts: &MemberDuesFacts,
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
) -> Statement {
    let mut bases: Vec<&BaseFact> = facts.bases.iter().collect();
    bases.sort_by_key(|b| (b.from, b.id));
    let mut paid: BTreeMap<NaiveDate, Fen> = BTreeMap::new();
    let mut voluntary = Fen::ZERO;
    let mut from = month_of(from);
    if let Some(o) = facts.owes_from {
        from = from.max(month_of(o));
    }
    let to = facts.owes_until.map_or(month_of(to), |u| month_of(to).min(month_of(u)));
    for p in &facts.payments {
        let m = month_of(p.month);
        if m < from || m > to {
            continue;
        }
        if p.voluntary {
            voluntary = voluntary.saturating_add(p.amount);
        } else {
            let e = paid.entry(m).or_default();
            *e = e.saturating_add(p.amount);
        }
    }
    let mut out = Statement { member_id: facts.member_id, voluntary, ..Statement::default() };
    let mut month = from;
    while month <= to {
        let line = month_line(rules, &settings, facts, &bases, month, paid.get(&month).copied(), as_of);
        if line.state != MonthState::NoBase {
            out.due = out.due.saturating_add(line.due);
        }
        out.paid = out.paid.saturating_add(line.paid);
        if line.state == MonthState::Unpaid {
            out.arrears = out.arrears.saturating_add(line.outstanding());
        }
        out.lines.push(line);
        month = add_months(month, 1);
    }
    out
}

fn month_line(
    rules: &RuleSet<Check>,
    settings: &impl Fn(NaiveDate) -> DuesSettings,
    facts: &MemberDuesFacts,
    bases: &[&BaseFact],
    month: NaiveDate,
    paid: Option<Fen>,
    as_of: NaiveDate,
) -> MonthLine {
    let paid = paid.unwrap_or_default();
    let base = bases.iter().rev().find(|b| month_of(b.from) <= month);
    let quoted = base.and_then(|b| quote(rules, &settings(month), b.category, b.base, b.chosen, month).ok());
    let hardship = facts
        .hardships
        .iter()
        .filter(|h| month_of(h.from) <= month && h.to.is_none_or(|t| month <= month_of(t)))
        .max_by_key(|h| (h.from, h.id));
    let quarterly =
        facts.quarterly.iter().any(|q| month_of(q.from) <= month && q.to.is_none_or(|t| month <= month_of(t)));
    let kind = if quarterly { PeriodKind::Quarter } else { PeriodKind::Month };
    let falls_due = Period::containing(kind, month).end();
    let due = match (hardship, &quoted) {
        (Some(h), Some(q)) => h.amount.min(q.due),
        (Some(h), None) => h.amount,
        (None, Some(q)) => q.due,
        (None, None) => Fen::ZERO,
    };
    let state = if quoted.is_none() && hardship.is_none() {
        MonthState::NoBase
    } else if due == Fen::ZERO {
        MonthState::Exempt
    } else if paid >= due {
        MonthState::Paid
    } else if as_of > falls_due {
        MonthState::Unpaid
    } else {
        MonthState::Open
    };
    MonthLine { month, quote: quoted, due, hardship: hardship.map(|h| h.id), paid, falls_due, state }
}

/// DUES-ARREARS for one member's statement: every run of months still in arrears that reaches
/// the committee's warning months is a warning (the branch criticises and sets a deadline: the
/// day the run would reach the rule's months); a run of the rule's months is a violation, to be
/// put to the 支部大会 as 自行脱党. A run is reported when it ends in the year checked or is
/// still running on `as_of`.
pub fn evaluate(
    rules: &RuleSet<Check>,
    settings: &DuesSettings,
    org_id: i64,
    statement: &Statement,
    when: &When,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(rule) = rules.in_force_on(when.as_of).find(|r| matches!(r.check, Check::Arrears { .. })) else {
        return out;
    };
    let Check::Arrears { months: lapse } = rule.check else { return out };
    let warn = settings.warn_months.min(lapse);
    let last_ended = month_of(when.as_of).pred_opt().map(month_of);
    for run in statement.arrears_runs() {
        let current = Some(run.last) == last_ended;
        if run.months < warn || !(run.last.year() == when.year || current) {
            continue;
        }
        let span = format!("{}至{}", month_label(run.first), month_label(run.last));
        let member = statement.member_id;
        let fix = FixLink::to("登记补交党费", pages::DUES_MEMBER).param("id", member);
        let period = Period::containing(PeriodKind::Month, run.last);
        let finding = if run.months >= lapse {
            let message = format!(
                "{span}连续{}个月未交纳党费（欠交{}元），无正当理由的按自行脱党处理，应提交支部大会讨论",
                run.months, run.owed
            );
            Finding::new(rule, org_id, Severity::Violation, message)
        } else {
            let deadline = Period::containing(PeriodKind::Month, add_months(run.first, lapse - 1)).end();
            let message = format!(
                "{span}连续{}个月未交纳党费（欠交{}元），支部应批评教育并限期改正；{}前仍未交纳即满{lapse}个月",
                run.months,
                run.owed,
                format_cn(deadline)
            );
            Finding::new(rule, org_id, Severity::Warning, message).due(deadline)
        };
        out.push(finding.subject(Subject::Member { id: member }).period(period).fix(fix));
    }
    out
}

/// "2026年3月".
pub fn month_label(month: NaiveDate) -> String {
    format!("{}年{}月", month.year(), month.month())
}
