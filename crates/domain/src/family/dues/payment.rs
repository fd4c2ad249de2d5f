//! Which payments a branch may record (DUES-PERIOD, DUES-ORG-NO-PREPAY, DUES-VOLUNTARY): checked
//! before a payment is stored, with the rule's ID and citation on every refusal.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::statement::month_of;
use super::{Check, month_label};
use crate::FieldErrors;
use crate::money::Fen;
use crate::period::{Period, PeriodKind};
use crate::rules::{Rule, RuleSet};

code_enum!(
    /// What a payment is for.
    PaymentKind, "dues payment kind" {
        /// The month's dues (on time, or a back payment).
        Regular => "regular", "按月交纳",
        /// A voluntary extra payment (DUES-VOLUNTARY).
        Voluntary => "voluntary", "自愿多交",
        /// A "special dues" demand: never accepted (DUES-ORG-NO-PREPAY).
        Special => "special", "特殊党费",
    }
);

code_enum!(
    /// How a payment was made.
    PaymentMethod, "dues payment method" {
        Cash => "cash", "现金",
        Transfer => "transfer", "银行转账",
        Online => "online", "网上交纳",
        /// Withheld from pay: never accepted (DUES-ORG-NO-PREPAY).
        PayrollDeduction => "payroll_deduction", "工资代扣",
    }
);

code_enum!(
    /// Who paid.
    Payer, "dues payer" {
        Member => "member", "本人",
        /// A relative or another member, named (DUES-PERIOD).
        Proxy => "proxy", "委托他人代交",
        /// The organization on the member's behalf (垫交): never accepted (DUES-ORG-NO-PREPAY).
        Organization => "organization", "组织垫交",
    }
);

/// A payment as entered, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentDraft {
    /// The month paid for (any day of it).
    pub month: NaiveDate,
    pub amount: Fen,
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
    pub payer: Payer,
    /// The proxy's name, for a payment by proxy.
    pub proxy_name: String,
    pub kind: PaymentKind,
    /// Why a back payment reaches further than the rule's months.
    pub reason: String,
}

/// What the checks add to an accepted payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Accepted {
    /// A voluntary payment of the rule's amount or more: remitted in full to the Centre.
    pub to_centre: bool,
    /// A back payment further back than the rule's months (a reason was given).
    pub beyond_back_months: bool,
}

/// Checks a payment. `quarterly` says whether the branch agreed to quarterly payment for the
/// month paid for. Refusals are field errors naming the rule.
pub fn check(rules: &RuleSet<Check>, draft: &PaymentDraft, quarterly: bool) -> Result<Accepted, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut accepted = Accepted::default();
    let day = draft.paid_on;
    let refuse = |errors: &mut FieldErrors, field: &str, id: &str, message: &str| match rule(rules, id, day) {
        Some(r) => errors.add_rule(field, message, r.id, r.citation),
        None => errors.add(field, message),
    };
    if draft.amount == Fen::ZERO {
        errors.add("amount", "交纳金额应大于0");
    }
    if draft.kind == PaymentKind::Special {
        refuse(&mut errors, "kind", "DUES-ORG-NO-PREPAY", "不得要求党员交纳“特殊党费”");
    }
    if draft.payer == Payer::Organization {
        refuse(&mut errors, "payer", "DUES-ORG-NO-PREPAY", "党组织不得替党员垫交党费");
    }
    if draft.method == PaymentMethod::PayrollDeduction {
        refuse(&mut errors, "method", "DUES-ORG-NO-PREPAY", "不得从工资中扣缴党费，应由党员本人交纳");
    }
    if draft.payer == Payer::Proxy && draft.proxy_name.trim().is_empty() {
        refuse(&mut errors, "proxy_name", "DUES-PERIOD", "委托他人代交的，请填写代交人姓名");
    }
    let month = month_of(draft.month);
    let paid_month = month_of(draft.paid_on);
    if draft.kind == PaymentKind::Regular {
        if month > paid_month {
            let same_quarter = Period::containing(PeriodKind::Quarter, month).contains(draft.paid_on);
            if !(quarterly && same_quarter) {
                let message =
                    format!("不能预交{}的党费：按月交纳，经支部同意按季度交纳的只能交本季度", month_label(month));
                refuse(&mut errors, "month", "DUES-PERIOD", &message);
            }
        }
        let back = months_between(month, paid_month);
        let limit = match rule(rules, "DUES-PERIOD", day).map(|r| r.check) {
            Some(Check::Period { back_months }) => back_months,
            _ => u32::MAX,
        };
        if back > limit {
            accepted.beyond_back_months = true;
            if draft.reason.trim().is_empty() {
                let message = format!("补交党费一般不超过{limit}个月，补交{}的党费请填写原因", month_label(month));
                refuse(&mut errors, "reason", "DUES-PERIOD", &message);
            }
        }
    }
    if draft.kind == PaymentKind::Voluntary
        && let Some(Check::Voluntary { to_centre }) = rule(rules, "DUES-VOLUNTARY", day).map(|r| r.check)
    {
        accepted.to_centre = draft.amount >= to_centre;
    }
    errors.into_result(accepted)
}

fn rule(rules: &RuleSet<Check>, id: &str, day: NaiveDate) -> Option<Rule<Check>> {
    super::rule_on(rules, id, day)
}

/// Whole months from `earlier` to `later` (first days); zero when `later` is not after it.
pub fn months_between(earlier: NaiveDate, later: NaiveDate) -> u32 {
    use chrono::Datelike;
    let n = (later.year() - earlier.year()) * 12 + later.month() as i32 - earlier.month() as i32;
    u32::try_from(n).unwrap_or(0)
}
