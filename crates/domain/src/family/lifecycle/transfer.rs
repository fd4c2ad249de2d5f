//! Transfers of membership (组织关系转接, EDU-TRANSFER): inside the system (one branch to
//! another, the receiving org accepting or returning it), out of it (a letter, 介绍信, whose
//! receipt, 回执, comes back) and into it (from a letter received).
//!
//! Readings:
//! - **Receipt** (组通字〔2015〕33号: the receiving org returns the receipt within 1 month): due
//!   `receipt_months` calendar months after the letter's date, clamped to the month's end (a
//!   letter of 31 January is due back by 28 February); the due day itself is in time.
//! - **Validity** (local, rules.md §6): a letter of `valid_days` days issued on day D is valid
//!   through D + `valid_days`. A transfer inside the system still pending after that is overdue
//!   for the receiving org, which must accept it or return it with a reason.
//! - **Refusal**: the receiving org may not refuse without cause (EDU-TRANSFER), so returning a
//!   transfer needs a reason ([`check_return`]).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Check, LifecycleFacts};
use crate::dates::{add_months, format_cn};
use crate::findings::Subject;
use crate::findings::{Finding, FixLink, When, pages};
use crate::rules::Rule;

/// Where a transfer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TransferKind {
    /// 系统内转接: to another branch in the system; the receiver accepts or returns it.
    Internal,
    /// 转出: to an org outside the system, by a printed letter whose receipt comes back.
    Out,
    /// 转入: from an org outside the system, by the letter it sent.
    In,
}

impl TransferKind {
    pub const ALL: [TransferKind; 3] = [Self::Internal, Self::Out, Self::In];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::Out => "out",
            Self::In => "in",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Internal => "系统内转接",
            Self::Out => "转出",
            Self::In => "转入",
        }
    }
}

impl crate::codes::StoredCode for TransferKind {
    const WHAT: &'static str = "transfer kind";
    fn values() -> &'static [Self] {
        &Self::ALL
    }
    fn code(self) -> &'static str {
        self.as_str()
    }
}

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TransferState {
    /// Issued, not yet received (inside: not accepted; out: no receipt yet).
    Pending,
    /// Received: accepted by the receiving branch, or the receipt came back, or (into the
    /// system) the member taken in.
    Received,
    /// Returned by the receiving org, with its reason; the member stays where they were.
    Returned,
    /// Withdrawn by the sender before it was received.
    Cancelled,
}

impl TransferState {
    pub const ALL: [TransferState; 4] = [Self::Pending, Self::Received, Self::Returned, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Received => "received",
            Self::Returned => "returned",
            Self::Cancelled => "cancelled",
        }
    }

    /// The label of this state for a transfer of `kind`.
    pub fn label(self, kind: TransferKind) -> &'static str {
        match (self, kind) {
            (Self::Pending, TransferKind::Out) => "待回执",
            (Self::Pending, _) => "待接收",
            (Self::Received, TransferKind::Out) => "回执已退回",
            (Self::Received, _) => "已接收",
            (Self::Returned, _) => "已退回",
            (Self::Cancelled, _) => "已撤销",
        }
    }
}

impl crate::codes::StoredCode for TransferState {
    const WHAT: &'static str = "transfer state";
    fn values() -> &'static [Self] {
        &Self::ALL
    }
    fn code(self) -> &'static str {
        self.as_str()
    }
}

/// One transfer as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransferFact {
    pub id: i64,
    pub member_id: i64,
    /// The member's name, for the message (the receiving org cannot look it up).
    pub member_name: String,
    pub kind: TransferKind,
    pub state: TransferState,
    /// The letter's number (第 号).
    pub letter_no: String,
    pub issued_on: NaiveDate,
    pub valid_days: u32,
}

impl TransferFact {
    /// The letter's last valid day.
    pub fn valid_until(&self) -> NaiveDate {
        valid_until(self.issued_on, self.valid_days)
    }
}

/// The last valid day of a letter of `valid_days` days issued on `issued_on`.
pub fn valid_until(issued_on: NaiveDate, valid_days: u32) -> NaiveDate {
    issued_on.checked_add_days(Days::new(u64::from(valid_days))).unwrap_or(NaiveDate::MAX)
}

/// The day the receipt of a letter issued on `issued_on` is due back.
pub fn receipt_due(issued_on: NaiveDate, receipt_months: u32) -> NaiveDate {
    add_months(issued_on, receipt_months)
}

/// Whether a receipt returned on `returned_on` for a letter of `issued_on` was in time.
pub fn receipt_in_time(issued_on: NaiveDate, returned_on: NaiveDate, receipt_months: u32) -> bool {
    returned_on <= receipt_due(issued_on, receipt_months)
}

/// Why a return was refused: EDU-TRANSFER, no refusal without cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoReason;

/// EDU-TRANSFER: a receiving org returns a transfer only with its reason (at least 4 characters,
/// so that "无" is not one).
pub fn check_return(reason: &str) -> Result<(), NoReason> {
    if reason.trim().chars().count() >= 4 { Ok(()) } else { Err(NoReason) }
}

fn open(label: &str, t: &TransferFact) -> FixLink {
    FixLink::to(label, pages::TRANSFER).param("id", t.id)
}

fn letter(t: &TransferFact) -> String {
    if t.letter_no.is_empty() { String::new() } else { format!("（第{}号介绍信）", t.letter_no) }
}

/// EDU-TRANSFER for one branch: the receipts of its letters out of the system (due
/// `receipt_months` after the letter), and the transfers addressed to it still pending past their
/// letter's validity. Upcoming within the notice days before each deadline.
pub fn evaluate(
    rule: &Rule<Check>,
    receipt_months: u32,
    org_id: i64,
    facts: &LifecycleFacts,
    when: &When,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let as_of = when.as_of;
    for t in facts.sent.iter().filter(|t| t.kind == TransferKind::Out && t.state == TransferState::Pending) {
        if t.issued_on > as_of {
            continue;
        }
        let due = receipt_due(t.issued_on, receipt_months);
        let subject = Subject::Transfer { id: t.id };
        if as_of > due {
            let message =
                format!("{}的组织关系转出{}回执逾期未退回，应于{}前退回", t.member_name, letter(t), format_cn(due));
            out.push(
                Finding::new(rule, org_id, rule.severity, message)
                    .subject(subject)
                    .due(due)
                    .fix(open("登记回执或催办", t)),
            );
        } else if when.within_notice(due) {
            let message = format!("{}的组织关系转出{}回执应于{}前退回", t.member_name, letter(t), format_cn(due));
            out.push(
                Finding::new(rule, org_id, crate::rules::Severity::Upcoming, message)
                    .subject(subject)
                    .due(due)
                    .fix(open("登记回执", t)),
            );
        }
    }
    for t in facts.incoming.iter().filter(|t| t.kind == TransferKind::Internal && t.state == TransferState::Pending) {
        if t.issued_on > as_of {
            continue;
        }
        let until = t.valid_until();
        let subject = Subject::Transfer { id: t.id };
        if as_of > until {
            let message = format!(
                "{}的组织关系转入{}已超过介绍信有效期（{}）仍未接收；不得无故拒绝，确需退回的应写明理由",
                t.member_name,
                letter(t),
                format_cn(until)
            );
            out.push(
                Finding::new(rule, org_id, rule.severity, message)
                    .subject(subject)
                    .due(until)
                    .fix(open("接收或退回", t)),
            );
        } else if when.within_notice(until) {
            let message = format!("{}的组织关系转入{}请在{}前接收或退回", t.member_name, letter(t), format_cn(until));
            out.push(
                Finding::new(rule, org_id, crate::rules::Severity::Upcoming, message)
                    .subject(subject)
                    .due(until)
                    .fix(open("接收或退回", t)),
            );
        }
    }
    out
}
