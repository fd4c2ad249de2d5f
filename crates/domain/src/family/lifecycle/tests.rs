//! The lifecycle rules at their boundaries, named by rule ID.

use chrono::NaiveDate;

use super::away::{AwayFact, AwayKind};
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
    LifecycleFacts { sent: vec![t], ..LifecycleFacts::default() }
}

fn incoming(t: TransferFact) -> LifecycleFacts {
    LifecycleFacts { incoming: vec![t], ..LifecycleFacts::default() }
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
    let national = Check::Transfer { receipt_months: 1, away_months: 6 };
    assert!(Check::Transfer { receipt_months: 2, away_months: 6 }.at_least_as_strict(&national).is_err());
    assert!(Check::Transfer { receipt_months: 1, away_months: 7 }.at_least_as_strict(&national).is_err());
    assert!(Check::Transfer { receipt_months: 1, away_months: 3 }.at_least_as_strict(&national).is_ok());
    assert!(Check::Transfer { receipt_months: 0, away_months: 6 }.well_formed().is_err());
    assert!(Check::Transfer { receipt_months: 1, away_months: 0 }.well_formed().is_err());
}

// ---- decisions: EDU-SUSPEND, EL-RIGHTS ----

use super::decision::{self as dec, DecisionInput, ObservationFact, SuspensionFact};
use crate::codes::MemberStatus;

fn suspended(on: NaiveDate, as_of: NaiveDate) -> Vec<(Severity, Option<NaiveDate>, String)> {
    let facts = LifecycleFacts {
        suspended: vec![SuspensionFact { member_id: 9, member_name: "李四".into(), suspended_on: on }],
        ..LifecycleFacts::default()
    };
    let org = OrgFacts::new(1, OrgKind::Branch);
    evaluate_org(&national(), &org, &facts, &When::new(2026, as_of, 30))
        .into_iter()
        .inspect(|f| assert_eq!(f.rule_id, "EDU-SUSPEND"))
        .map(|f| (f.severity, f.due, f.fix.map(|x| x.page.to_string()).unwrap_or_default()))
        .collect()
}

#[test]
fn edu_suspend_removal_due_two_years_after_the_suspension() {
    let on = d(2024, 3, 15);
    assert_eq!(dec::removal_due(on, 2), Some(d(2026, 3, 15)));
    // The day before and the day itself: upcoming; the day after: overdue.
    assert_eq!(suspended(on, d(2026, 3, 14))[0].0, Severity::Upcoming);
    assert_eq!(suspended(on, d(2026, 3, 15))[0].0, Severity::Upcoming);
    let late = suspended(on, d(2026, 3, 16));
    assert_eq!(late[0].0, Severity::Violation);
    assert_eq!(late[0].1, Some(d(2026, 3, 15)));
    assert_eq!(late[0].2, crate::findings::pages::MEMBER_DECISION);
    // Outside the notice window nothing is said yet.
    assert!(suspended(on, d(2026, 2, 12)).is_empty());
    assert_eq!(suspended(on, d(2026, 2, 13)).len(), 1);
    // 29 February: two years on is 28 February.
    assert_eq!(dec::removal_due(d(2024, 2, 29), 2), Some(d(2026, 2, 28)));
}

#[test]
fn edu_suspend_a_committee_may_shorten_the_deadline_not_lengthen_it() {
    use crate::rules::RuleCheck;
    let national = Check::Suspension { removal_years: 2 };
    assert!(Check::Suspension { removal_years: 1 }.at_least_as_strict(&national).is_ok());
    assert!(Check::Suspension { removal_years: 3 }.at_least_as_strict(&national).is_err());
    assert!(Check::Suspension { removal_years: 0 }.well_formed().is_err());
}

#[test]
fn el_rights_observation_covers_its_period_and_ends_early_on_restoration() {
    let decided = d(2026, 3, 10);
    let last = dec::observation_last_day(decided, 12).unwrap_or(decided);
    assert_eq!(last, d(2027, 3, 9));
    let o = ObservationFact { decided_on: decided, last_day: last, restored_on: None };
    // Excluded from voters on the day of the decision, counted again the day after the period.
    assert!(dec::votes_on(MemberStatus::Full, &[o], d(2026, 3, 9)));
    assert!(!dec::votes_on(MemberStatus::Full, &[o], d(2026, 3, 10)));
    assert!(!dec::votes_on(MemberStatus::Full, &[o], d(2027, 3, 9)));
    assert!(dec::votes_on(MemberStatus::Full, &[o], d(2027, 3, 10)));
    // Restored on 1 October: voting again that day.
    let r = ObservationFact { restored_on: Some(d(2026, 10, 1)), ..o };
    assert!(!dec::votes_on(MemberStatus::Full, &[r], d(2026, 9, 30)));
    assert!(dec::votes_on(MemberStatus::Full, &[r], d(2026, 10, 1)));
    // Probationary members never vote.
    assert!(!dec::votes_on(MemberStatus::Probationary, &[], d(2026, 10, 1)));
}

#[test]
fn decisions_move_the_status_only_where_they_apply() {
    use DecisionKind as K;
    use MemberStatus as S;
    assert_eq!(K::Suspend.status_after(S::Full), Ok(S::Suspended));
    assert!(K::Suspend.status_after(S::Suspended).is_err());
    assert_eq!(K::Restore.status_after(S::Suspended), Ok(S::Full));
    assert!(K::Restore.status_after(S::Full).is_err());
    assert_eq!(K::LapseRemoved.status_after(S::Suspended), Ok(S::Left));
    assert_eq!(K::ProbationCancelled.status_after(S::Probationary), Ok(S::Left));
    assert!(K::ProbationCancelled.status_after(S::Full).is_err());
    assert_eq!(K::Death.status_after(S::Probationary), Ok(S::Deceased));
    assert_eq!(K::Observation.status_after(S::Full), Ok(S::Full));
    // Sanctions are for full members; a probationary member's probation is extended or cancelled.
    assert!(K::Observation.status_after(S::Probationary).is_err());
    assert_eq!(K::Expelled.status_after(S::Full), Ok(S::Left));
    for k in K::ALL {
        assert!(k.status_after(S::Left).is_err(), "{k:?} after 已出党");
        assert!(k.status_after(S::Deceased).is_err(), "{k:?} after 已去世");
        assert!(k.status_after(S::TransferredOut).is_err(), "{k:?} after 已转出");
    }
    assert!(K::applicable(S::Suspended).contains(&K::Restore));
    assert!(!K::applicable(S::Full).contains(&K::Restore));
}

#[test]
fn decision_input_names_each_missing_field() {
    let today = d(2026, 12, 3);
    let good = DecisionInput {
        kind: DecisionKind::Observation,
        decided_on: today,
        body: "中共某县教育局委员会".into(),
        document_no: "县教党〔2026〕12号".into(),
        reason: "违反工作纪律，情节较重".into(),
        months: Some(12),
    };
    assert!(good.validate(today).is_ok());
    let fields = |i: &DecisionInput| -> Vec<&'static str> {
        i.validate(today).err().unwrap_or_default().into_iter().map(|e| e.field).collect()
    };
    assert_eq!(fields(&DecisionInput { months: Some(18), ..good.clone() }), vec!["months"]);
    assert_eq!(fields(&DecisionInput { months: None, ..good.clone() }), vec!["months"]);
    assert_eq!(fields(&DecisionInput { decided_on: d(2026, 12, 4), ..good.clone() }), vec!["decided_on"]);
    assert_eq!(
        fields(&DecisionInput { body: " ".into(), document_no: String::new(), reason: "无".into(), ..good.clone() }),
        vec!["body", "document_no", "reason"]
    );
    // A death needs no document number, and no period.
    let death = DecisionInput { kind: DecisionKind::Death, document_no: String::new(), months: None, ..good };
    assert!(death.validate(today).is_ok());
}

// ---- term elections: EL-QUORUM, EL-MARGIN, EL-BALLOTS, EL-ELECTED, EL-ONTIME, EL-CONGRESS ----

use super::election::{self as el, CandidateVotes, ElectionCounts, ElectionMode};
use crate::org_life::MajorityBase;

fn counts(expected: u32, present: u32, seats: u32, votes: &[u32]) -> ElectionCounts {
    ElectionCounts {
        mode: ElectionMode::Assembly,
        held_on: d(2026, 6, 1),
        voters_expected: expected,
        voters_present: present,
        seats,
        ballots_issued: present,
        ballots_returned: present,
        ballots_invalid: 0,
        candidates: votes
            .iter()
            .enumerate()
            .map(|(i, v)| CandidateVotes { member_id: i as i64 + 1, name: format!("候选人{i}"), votes: *v })
            .collect(),
        base: MajorityBase::Present,
        members: 50,
        congress_approval: String::new(),
        term: Some((d(2023, 6, 1), 3)),
        timing_approval: String::new(),
    }
}

fn refused_by(c: &ElectionCounts) -> Vec<&'static str> {
    match el::tally(c) {
        Ok(_) => Vec::new(),
        Err(e) => e.into_iter().filter_map(|e| e.rule_id).collect(),
    }
}

#[test]
fn el_quorum_40_of_50_is_not_enough_41_is() {
    assert_eq!(refused_by(&counts(50, 40, 1, &[30, 10])), vec!["EL-QUORUM"]);
    assert!(refused_by(&counts(50, 41, 1, &[30, 11])).is_empty());
}

#[test]
fn el_margin_5_seats_6_candidates_pass_7_seats_8_candidates_fail() {
    assert!(el::margin_met(5, 6));
    assert!(!el::margin_met(7, 8));
    assert!(el::margin_met(7, 9));
    assert_eq!(el::fewest_candidates(7), 9);
    assert!(refused_by(&counts(50, 45, 5, &[40, 39, 38, 37, 36, 5])).is_empty());
    assert_eq!(refused_by(&counts(50, 45, 7, &[40, 39, 38, 37, 36, 35, 34, 5])), vec!["EL-MARGIN"]);
    // One seat (a branch electing its secretary): no margin is required.
    assert!(el::margin_met(1, 1));
}

#[test]
fn el_elected_more_than_half_of_those_present_or_expected() {
    // 45 present of 50: 23 votes is more than half of 45; under the 应到 base it needs 26.
    let c = counts(50, 45, 3, &[40, 30, 23, 22]);
    let names = |r: Vec<CandidateVotes>| r.into_iter().map(|x| x.votes).collect::<Vec<_>>();
    assert_eq!(el::tally(&c).map(names), Ok(vec![40, 30, 23]));
    let expected = ElectionCounts { base: MajorityBase::Expected, ..c.clone() };
    assert_eq!(el::tally(&expected).map(names), Ok(vec![40, 30]));
    // More passing than seats: the most votes; a tie at the last seat is a new vote.
    let c = counts(50, 45, 2, &[40, 30, 30]);
    assert_eq!(refused_by(&c), vec!["EL-ELECTED"]);
    let c = counts(50, 45, 2, &[40, 31, 30]);
    assert_eq!(el::tally(&c).map(names), Ok(vec![40, 31]));
}

#[test]
fn el_ballots_more_returned_than_issued_voids_the_election() {
    let mut c = counts(50, 45, 1, &[30, 10]);
    c.ballots_issued = 44;
    c.ballots_returned = 45;
    assert_eq!(refused_by(&c), vec!["EL-BALLOTS"]);
    c.ballots_returned = 44;
    assert!(refused_by(&c).is_empty());
    // Votes above the valid ballots.
    c.ballots_invalid = 20;
    assert_eq!(refused_by(&c), vec!["EL-BALLOTS"]);
}

#[test]
fn el_ontime_delay_or_early_advance_needs_approval() {
    // The term of 1 June 2023 (3 years) ends on 1 June 2026.
    let mut c = counts(50, 45, 1, &[30, 10]);
    for (held, refused) in [((2025, 11, 30), true), ((2025, 12, 1), false), ((2026, 6, 1), false), ((2026, 6, 2), true)]
    {
        c.held_on = d(held.0, held.1, held.2);
        assert_eq!(refused_by(&c) == vec!["EL-ONTIME"], refused, "{held:?}");
    }
    c.timing_approval = "县委组〔2026〕5号".into();
    assert!(refused_by(&c).is_empty());
}

#[test]
fn el_congress_needs_500_members_or_approval() {
    let mut c = counts(120, 110, 1, &[80, 30]);
    c.mode = ElectionMode::Congress;
    c.members = 499;
    assert_eq!(refused_by(&c), vec!["EL-CONGRESS"]);
    c.members = 500;
    assert!(refused_by(&c).is_empty());
    c.members = 300;
    c.congress_approval = "县委组〔2026〕8号".into();
    assert!(refused_by(&c).is_empty());
}

// ---- mobile members: EDU-FLOATING ----

fn floating(last: Option<NaiveDate>, as_of: NaiveDate) -> Vec<(Severity, Option<NaiveDate>)> {
    let facts = LifecycleFacts {
        mobile: vec![super::mobile::MobileFact {
            member_id: 5,
            member_name: "钱流动".into(),
            destination: "广东省深圳市南山区".into(),
            left_on: None,
            last_contact: last,
        }],
        ..LifecycleFacts::default()
    };
    let org = OrgFacts::new(1, OrgKind::Branch);
    evaluate_org(&national(), &org, &facts, &When::new(2026, as_of, 30))
        .into_iter()
        .inspect(|f| assert_eq!(f.rule_id, "EDU-FLOATING"))
        .map(|f| (f.severity, f.due))
        .collect()
}

#[test]
fn edu_floating_contact_every_six_months() {
    // Last contact 15 March: due by 15 September; the day itself in time, the day after late.
    let last = Some(d(2026, 3, 15));
    assert_eq!(floating(last, d(2026, 9, 15)), vec![(Severity::Upcoming, Some(d(2026, 9, 15)))]);
    assert_eq!(floating(last, d(2026, 9, 16)), vec![(Severity::Violation, Some(d(2026, 9, 15)))]);
    assert!(floating(last, d(2026, 8, 15)).is_empty(), "outside the notice days");
    // 31 August: the month's end clamps to 28 February.
    assert_eq!(super::mobile::next_contact_due(d(2026, 8, 31), 6), d(2027, 2, 28));
    // No contact on record: a warning without a deadline.
    assert_eq!(floating(None, d(2026, 9, 16)), vec![(Severity::Warning, None)]);
}

#[test]
fn decision_input_names_the_field_that_is_too_long() {
    let today = d(2026, 12, 3);
    let input = DecisionInput {
        kind: DecisionKind::Warning,
        decided_on: today,
        body: "党".repeat(201),
        document_no: "县纪〔2026〕1号".into(),
        reason: "违反工作纪律".into(),
        months: None,
    };
    let fields: Vec<&str> = input.validate(today).err().unwrap_or_default().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, vec!["body"]);
    assert!(DecisionInput { body: "党".repeat(200), ..input }.validate(today).is_ok());
}

#[test]
fn edu_floating_first_contact_counts_from_the_day_they_left() {
    let facts = LifecycleFacts {
        mobile: vec![super::mobile::MobileFact {
            member_id: 5,
            member_name: "钱流动".into(),
            destination: String::new(),
            left_on: Some(d(2026, 3, 15)),
            last_contact: None,
        }],
        ..LifecycleFacts::default()
    };
    let org = OrgFacts::new(1, OrgKind::Branch);
    let on = |as_of| {
        evaluate_org(&national(), &org, &facts, &When::new(2026, as_of, 30))
            .into_iter()
            .map(|f| (f.rule_id, f.severity, f.due))
            .collect::<Vec<_>>()
    };
    assert_eq!(on(d(2026, 9, 15)), vec![("EDU-FLOATING", Severity::Upcoming, Some(d(2026, 9, 15)))]);
    assert_eq!(on(d(2026, 9, 16)), vec![("EDU-FLOATING", Severity::Violation, Some(d(2026, 9, 15)))]);
}

// ---- members away: EDU-TRANSFER (fixed place), EDU-GRADS ----

fn away_fact(kind: AwayKind, left_on: NaiveDate) -> AwayFact {
    AwayFact {
        member_id: 9,
        member_name: "孙外出".into(),
        kind,
        left_on,
        destination: "江苏省苏州市".into(),
        fixed_place: kind == AwayKind::Mobile,
        extended_to: None,
        last_contact: None,
        transfer_pending: false,
    }
}

fn away_findings(a: &AwayFact, as_of: NaiveDate) -> Vec<(&'static str, Severity, Option<NaiveDate>)> {
    let facts = LifecycleFacts { away: vec![a.clone()], ..LifecycleFacts::default() };
    let org = OrgFacts::new(1, OrgKind::Branch);
    evaluate_org(&national(), &org, &facts, &When::new(2026, as_of, 0))
        .into_iter()
        .map(|f| (f.rule_id, f.severity, f.due))
        .collect()
}

#[test]
fn edu_transfer_away_six_months_at_a_fixed_place() {
    // Left 31 March 2026: the transfer is due by 30 September (month's end clamps).
    let a = away_fact(AwayKind::Mobile, d(2026, 3, 31));
    assert_eq!(away_findings(&a, d(2026, 9, 29)), vec![]);
    assert_eq!(away_findings(&a, d(2026, 9, 30)), vec![("EDU-TRANSFER", Severity::Upcoming, Some(d(2026, 9, 30)))]);
    assert_eq!(away_findings(&a, d(2026, 10, 1)), vec![("EDU-TRANSFER", Severity::Violation, Some(d(2026, 9, 30)))]);
    // Not at a fixed place: no transfer is owed (EDU-FLOATING's contact is, on the registry's flag).
    assert_eq!(away_findings(&AwayFact { fixed_place: false, ..a.clone() }, d(2026, 10, 1)), vec![]);
    // A transfer issued and pending settles it.
    assert_eq!(away_findings(&AwayFact { transfer_pending: true, ..a }, d(2026, 10, 1)), vec![]);
}

#[test]
fn edu_grads_a_graduate_is_kept_two_years_extended_once_by_one() {
    // Graduated 30 June 2025, contacted on 1 June 2027: kept through 30 June 2027.
    let a = AwayFact { last_contact: Some(d(2027, 6, 1)), ..away_fact(AwayKind::Graduate, d(2025, 6, 30)) };
    assert_eq!(away_findings(&a, d(2027, 6, 30)), vec![("EDU-GRADS", Severity::Upcoming, Some(d(2027, 6, 30)))]);
    assert_eq!(away_findings(&a, d(2027, 7, 1)), vec![("EDU-GRADS", Severity::Violation, Some(d(2027, 6, 30)))]);
    // Extended with approval to 30 June 2028: in time on 1 July 2027.
    let extended = AwayFact { extended_to: Some(d(2028, 6, 30)), ..a.clone() };
    assert_eq!(away_findings(&extended, d(2027, 7, 1)), vec![]);
    assert_eq!(super::away::longest_extension(d(2025, 6, 30), 2, 1), d(2028, 6, 30));
    // A transfer out issued settles the keeping (not the contact).
    assert_eq!(away_findings(&AwayFact { transfer_pending: true, ..a }, d(2027, 7, 1)), vec![]);
}

#[test]
fn edu_grads_contact_every_six_months_from_the_day_they_left() {
    let a = away_fact(AwayKind::Abroad, d(2026, 1, 10));
    assert_eq!(away_findings(&a, d(2026, 7, 10)), vec![("EDU-GRADS", Severity::Upcoming, Some(d(2026, 7, 10)))]);
    assert_eq!(away_findings(&a, d(2026, 7, 11)), vec![("EDU-GRADS", Severity::Violation, Some(d(2026, 7, 10)))]);
    let contacted = AwayFact { last_contact: Some(d(2026, 7, 1)), ..a };
    assert_eq!(away_findings(&contacted, d(2026, 7, 11)), vec![]);
}

#[test]
fn edu_grads_a_member_abroad_is_kept_five_years() {
    let a = AwayFact { last_contact: Some(d(2031, 1, 5)), ..away_fact(AwayKind::Abroad, d(2026, 1, 10)) };
    assert_eq!(away_findings(&a, d(2031, 1, 9)), vec![]);
    assert_eq!(away_findings(&a, d(2031, 1, 10)), vec![("EDU-GRADS", Severity::Upcoming, Some(d(2031, 1, 10)))]);
    assert_eq!(away_findings(&a, d(2031, 1, 11)), vec![("EDU-GRADS", Severity::Violation, Some(d(2031, 1, 10)))]);
}
