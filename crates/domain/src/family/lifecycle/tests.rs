//! The lifecycle rules at their boundaries, named by rule ID.

use chrono::NaiveDate;

use super::transfer::{self, TransferFact, TransferKind, TransferState};
use super::*;
use crate::family::OrgFacts;
use crate::rules::Severity;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

fn fact(kind: TransferKind, state: TransferState, issued_on: NaiveDate, valid_days: u32) -> TransferFact {
    TransferFact {
        id: 7,
        member_id: 70,
        member_name: "张三".into(),
        kind,
        state,
        letter_no: "2026-001".into(),
        issued_on,
        valid_days,
    }
}

fn run(facts: &LifecycleFacts, as_of: NaiveDate, notice_days: u32) -> Vec<(Severity, Option<NaiveDate>)> {
    let org = OrgFacts::new(1, OrgKind::Branch);
    evaluate_org(&national(), &org, facts, &When::new(2026, as_of, notice_days))
        .into_iter()
        .inspect(|f| assert_eq!(f.rule_id, "EDU-TRANSFER"))
        .map(|f| (f.severity, f.due))
        .collect()
}

fn sent(t: TransferFact) -> LifecycleFacts {
    LifecycleFacts { sent: vec![t], incoming: Vec::new() }
}

fn incoming(t: TransferFact) -> LifecycleFacts {
    LifecycleFacts { sent: Vec::new(), incoming: vec![t] }
}

#[test]
fn edu_transfer_receipt_day_30_in_time_day_31_late() {
    // A letter of 1 April (a 30-day month): the receipt is due on 1 May, 30 days later.
    let issued = d(2026, 4, 1);
    assert_eq!(transfer::receipt_due(issued, 1), d(2026, 5, 1));
    assert!(transfer::receipt_in_time(issued, d(2026, 4, 30), 1));
    assert!(transfer::receipt_in_time(issued, d(2026, 5, 1), 1));
    assert!(!transfer::receipt_in_time(issued, d(2026, 5, 2), 1));
    // A 31-day month: 1 March's letter is due on 1 April, day 31.
    assert!(transfer::receipt_in_time(d(2026, 3, 1), d(2026, 4, 1), 1));
    assert!(!transfer::receipt_in_time(d(2026, 3, 1), d(2026, 4, 2), 1));
    // The month's end clamps: 31 January is due on 28 February.
    assert_eq!(transfer::receipt_due(d(2026, 1, 31), 1), d(2026, 2, 28));
}

#[test]
fn edu_transfer_receipt_overdue_the_day_after_it_is_due() {
    let facts = sent(fact(TransferKind::Out, TransferState::Pending, d(2026, 4, 1), 30));
    let due = Some(d(2026, 5, 1));
    assert_eq!(run(&facts, d(2026, 4, 20), 0), vec![]);
    assert_eq!(run(&facts, d(2026, 4, 20), 14), vec![(Severity::Upcoming, due)]);
    assert_eq!(run(&facts, d(2026, 5, 1), 0), vec![(Severity::Upcoming, due)]);
    assert_eq!(run(&facts, d(2026, 5, 2), 0), vec![(Severity::Violation, due)]);
    // Returned receipts, and letters dated after the day checked, are not findings.
    let back = sent(fact(TransferKind::Out, TransferState::Received, d(2026, 4, 1), 30));
    assert_eq!(run(&back, d(2026, 9, 1), 0), vec![]);
    assert_eq!(run(&facts, d(2026, 3, 31), 60), vec![]);
}

#[test]
fn edu_transfer_pending_inside_past_the_letters_validity() {
    // Valid 30 days from 1 April: through 1 May.
    let t = fact(TransferKind::Internal, TransferState::Pending, d(2026, 4, 1), 30);
    assert_eq!(t.valid_until(), d(2026, 5, 1));
    let facts = incoming(t.clone());
    let until = Some(d(2026, 5, 1));
    assert_eq!(run(&facts, d(2026, 4, 30), 0), vec![]);
    assert_eq!(run(&facts, d(2026, 5, 1), 0), vec![(Severity::Upcoming, until)]);
    assert_eq!(run(&facts, d(2026, 5, 2), 0), vec![(Severity::Violation, until)]);
    // The sender is not asked: the receiver must act.
    assert_eq!(run(&sent(t), d(2026, 6, 1), 0), vec![]);
    // Settled transfers are not findings.
    for state in [TransferState::Received, TransferState::Returned, TransferState::Cancelled] {
        let done = incoming(fact(TransferKind::Internal, state, d(2026, 4, 1), 30));
        assert_eq!(run(&done, d(2026, 6, 1), 0), vec![], "{state:?}");
    }
}

#[test]
fn edu_transfer_finding_names_the_member_the_letter_and_the_transfer() {
    let facts = sent(fact(TransferKind::Out, TransferState::Pending, d(2026, 4, 1), 30));
    let org = OrgFacts::new(1, OrgKind::Branch);
    let f = evaluate_org(&national(), &org, &facts, &When::new(2026, d(2026, 6, 1), 0));
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("张三"), "{}", f[0].message);
    assert!(f[0].message.contains("第2026-001号"), "{}", f[0].message);
    assert_eq!(f[0].subject, crate::findings::Subject::Transfer { id: 7 });
    assert_eq!(f[0].fix.as_ref().map(|l| l.page), Some(crate::findings::pages::TRANSFER));
    assert!(f[0].citation.contains("第二十五条"));
    // Only branches hold members, so only branches are checked.
    let committee = OrgFacts::new(1, OrgKind::Committee);
    assert!(evaluate_org(&national(), &committee, &facts, &When::new(2026, d(2026, 6, 1), 0)).is_empty());
}

#[test]
fn edu_transfer_refusal_needs_a_reason() {
    assert!(transfer::check_return("").is_err());
    assert!(transfer::check_return("  无  ").is_err());
    assert!(transfer::check_return("不收").is_err());
    assert!(transfer::check_return("不是本单位").is_ok());
    assert!(transfer::check_return("查无此人，请核实").is_ok());
}

#[test]
fn edu_transfer_local_rules_may_only_ask_sooner() {
    use crate::rules::RuleCheck;
    let national = Check::Transfer { receipt_months: 1 };
    assert!(Check::Transfer { receipt_months: 2 }.at_least_as_strict(&national).is_err());
    assert!(Check::Transfer { receipt_months: 1 }.at_least_as_strict(&national).is_ok());
    assert!(Check::Transfer { receipt_months: 0 }.well_formed().is_err());
}
