//! The recruitment rules at their calendar boundaries, named by rule ID (issue: recruitment,
//! item 8).

use chrono::NaiveDate;

use super::path::{AssemblyCount, NamedMember, Outcome, StepDetail, StepInput, check_extension, check_step};
use super::*;
use crate::findings::When;
use crate::rules::Severity;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

const TODAY: (i32, u32, u32) = (2030, 1, 1);

fn today() -> NaiveDate {
    d(TODAY.0, TODAY.1, TODAY.2)
}

fn person(birth: NaiveDate, steps: &[(Step, NaiveDate)]) -> PathFacts {
    PathFacts {
        person_id: 3,
        name: "周申请".into(),
        org_id: 1,
        birth_date: birth,
        steps: steps.iter().map(|&(step, on)| StepRecord { step, on }).collect(),
        review_passed: None,
        extension_months: None,
        transferred_in_on: None,
        ended: false,
    }
}

fn input(step: Step, on: NaiveDate, detail: StepDetail) -> StepInput {
    StepInput { step, on, detail, reason: String::new(), publicity: None }
}

/// The rule IDs that refuse (or warn without a reason for) the step; empty when it is accepted.
fn refused_by(p: &PathFacts, i: &StepInput) -> Vec<&'static str> {
    match check_step(&national(), p, i, today()) {
        Outcome::Accepted { .. } => Vec::new(),
        Outcome::Refused(problems) => problems.into_iter().map(|p| p.rule_id).collect(),
    }
}

/// Every step up to and including `last`, a day apart from `start` (the recurring ones once).
fn walk(start: NaiveDate, last: Step) -> Vec<(Step, NaiveDate)> {
    Step::ALL
        .iter()
        .take(usize::from(last.number()))
        .enumerate()
        .map(|(i, s)| (*s, start + chrono::Days::new(i as u64)))
        .collect()
}

#[test]
fn dev_age_eighteen_on_the_application_day() {
    let birth = d(2008, 3, 15);
    let p = person(birth, &[]);
    assert_eq!(refused_by(&p, &input(Step::Apply, d(2026, 3, 14), StepDetail::Plain)), vec!["DEV-AGE"]);
    assert!(refused_by(&p, &input(Step::Apply, d(2026, 3, 15), StepDetail::Plain)).is_empty());
    // Born on 29 February: eighteen on 1 March in a year without 29 February.
    let leap = person(d(2008, 2, 29), &[]);
    assert_eq!(refused_by(&leap, &input(Step::Apply, d(2026, 2, 28), StepDetail::Plain)), vec!["DEV-AGE"]);
    assert!(refused_by(&leap, &input(Step::Apply, d(2026, 3, 1), StepDetail::Plain)).is_empty());
}

#[test]
fn dev_talk_within_a_month_of_the_application() {
    let p = person(d(1990, 1, 1), &[(Step::Apply, d(2026, 1, 31))]);
    // The same date a month later, clamped: 28 February is in time, 1 March is late (a warning
    // that needs its reason).
    assert!(refused_by(&p, &input(Step::Talk, d(2026, 2, 28), StepDetail::Plain)).is_empty());
    assert_eq!(refused_by(&p, &input(Step::Talk, d(2026, 3, 1), StepDetail::Plain)), vec!["DEV-TALK"]);
    let with_reason =
        StepInput { reason: "申请人外出学习".into(), ..input(Step::Talk, d(2026, 3, 1), StepDetail::Plain) };
    assert!(
        matches!(check_step(&national(), &p, &with_reason, today()), Outcome::Accepted { warnings } if warnings.len() == 1)
    );
    // The finding: upcoming on the due day, late the day after.
    let when = |day| When::new(2026, day, 0);
    let found = |day| deadlines::evaluate(&national(), std::slice::from_ref(&p), &when(day));
    assert_eq!(found(d(2026, 2, 28)).len(), 1);
    assert_eq!(found(d(2026, 2, 28))[0].severity, Severity::Upcoming);
    assert_eq!(found(d(2026, 3, 1))[0].severity, Severity::Violation);
    assert_eq!(found(d(2026, 3, 1))[0].rule_id, "DEV-TALK");
}

#[test]
fn order_steps_in_order_and_not_before_the_day_of_the_last() {
    let p = person(d(1990, 1, 1), &[(Step::Apply, d(2026, 1, 10))]);
    assert_eq!(refused_by(&p, &input(Step::Activist, d(2026, 2, 1), StepDetail::Plain)), vec![""]);
    assert_eq!(refused_by(&p, &input(Step::Talk, d(2026, 1, 9), StepDetail::Plain)), vec![""]);
    assert_eq!(refused_by(&p, &input(Step::Apply, d(2026, 1, 10), StepDetail::Plain)), vec![""]);
}

#[test]
fn dev_object_one_year_of_cultivation_to_the_day() {
    let mut steps = walk(d(2025, 3, 1), Step::Cultivation);
    steps.retain(|(s, _)| *s != Step::Activist);
    steps.push((Step::Activist, d(2025, 3, 10)));
    steps.sort_by_key(|(s, _)| *s);
    let p = person(d(1990, 1, 1), &steps);
    assert_eq!(refused_by(&p, &input(Step::Candidate, d(2026, 3, 9), StepDetail::Plain)), vec!["DEV-OBJECT"]);
    assert!(refused_by(&p, &input(Step::Candidate, d(2026, 3, 10), StepDetail::Plain)).is_empty());
}

fn member(name: &str, full: bool, under_observation: bool) -> NamedMember {
    NamedMember { member_id: 1, name: name.into(), full, under_observation }
}

#[test]
fn dev_introducers_two_full_members_none_under_observation() {
    let p = person(d(1990, 1, 1), &walk(d(2024, 1, 1), Step::CandidateFiled));
    let on = d(2026, 1, 1);
    let sponsors = |list: Vec<NamedMember>| input(Step::Sponsors, on, StepDetail::Sponsors(list));
    assert!(refused_by(&p, &sponsors(vec![member("甲", true, false), member("乙", true, false)])).is_empty());
    assert_eq!(refused_by(&p, &sponsors(vec![member("甲", true, false)])), vec!["DEV-INTRODUCERS"]);
    assert_eq!(
        refused_by(&p, &sponsors(vec![member("甲", true, false), member("乙", true, true)])),
        vec!["DEV-INTRODUCERS"]
    );
    assert_eq!(
        refused_by(&p, &sponsors(vec![member("甲", true, false), member("丙", false, false)])),
        vec!["DEV-INTRODUCERS"]
    );
}

#[test]
fn dev_contact_one_or_two_full_members() {
    let p = person(d(1990, 1, 1), &walk(d(2024, 1, 1), Step::ActivistFiled));
    let on = d(2026, 1, 1);
    let mentors = |list: Vec<NamedMember>| input(Step::Mentors, on, StepDetail::Mentors(list));
    assert!(refused_by(&p, &mentors(vec![member("甲", true, false)])).is_empty());
    assert_eq!(refused_by(&p, &mentors(vec![])), vec!["DEV-CONTACT"]);
    let three = vec![member("甲", true, false), member("乙", true, false), member("丙", true, false)];
    assert_eq!(refused_by(&p, &mentors(three)), vec!["DEV-CONTACT"]);
}

fn reviewed(steps: &[(Step, NaiveDate)]) -> PathFacts {
    PathFacts { review_passed: Some(true), ..person(d(1990, 1, 1), steps) }
}

#[test]
fn dev_polreview_no_admission_without_a_passed_review() {
    let steps = walk(d(2024, 1, 1), Step::Training);
    let on = d(2026, 1, 1);
    let unreviewed = person(d(1990, 1, 1), &steps);
    assert_eq!(refused_by(&unreviewed, &input(Step::CommitteeReview, on, StepDetail::Plain)), vec!["DEV-POLREVIEW"]);
    let failed = PathFacts { review_passed: Some(false), ..unreviewed };
    assert_eq!(refused_by(&failed, &input(Step::CommitteeReview, on, StepDetail::Plain)), vec!["DEV-POLREVIEW"]);
    assert!(refused_by(&reviewed(&steps), &input(Step::CommitteeReview, on, StepDetail::Plain)).is_empty());
}

#[test]
fn dev_training_three_days_or_twenty_four_hours() {
    let p = reviewed(&walk(d(2024, 1, 1), Step::PoliticalReview));
    let on = d(2026, 1, 1);
    let training = |days, hours| input(Step::Training, on, StepDetail::Training { days, hours });
    assert!(refused_by(&p, &training(3, 0)).is_empty());
    assert!(refused_by(&p, &training(0, 24)).is_empty());
    assert_eq!(refused_by(&p, &training(2, 23)), vec!["DEV-TRAINING"]);
}

fn assembly(expected: u32, present: u32, yes: u32, written_yes: u32) -> StepDetail {
    StepDetail::Assembly(AssemblyCount { expected, present, yes, written_yes })
}

#[test]
fn dev_asm_quorum_and_vote_of_seven_voters() {
    let p = reviewed(&walk(d(2024, 1, 1), Step::VolunteerForm));
    let on = d(2026, 1, 1);
    let vote = |detail| refused_by(&p, &input(Step::AdmissionAssembly, on, detail));
    // 7 voting members: 3 present is not more than half; 4 is.
    assert_eq!(vote(assembly(7, 3, 3, 1)), vec!["DEV-ASM-QUORUM"]);
    assert!(vote(assembly(7, 4, 4, 0)).is_empty());
    // 3 yes of 7 refused; 4 accepted, and a written vote counts.
    assert_eq!(vote(assembly(7, 5, 3, 0)), vec!["DEV-ASM-VOTE"]);
    assert!(vote(assembly(7, 5, 3, 1)).is_empty());
    // Counts that do not add up.
    assert_eq!(vote(assembly(7, 8, 4, 0)), vec![""]);
}

#[test]
fn dev_approval_time_three_months_warned_six_refused() {
    let mut steps = walk(d(2025, 1, 1), Step::HqTalk);
    for s in &mut steps {
        if s.0 == Step::AdmissionAssembly {
            s.1 = d(2025, 10, 31);
        }
        if s.0 == Step::HqTalk {
            s.1 = d(2025, 11, 2);
        }
    }
    let p = reviewed(&steps);
    let approve = |on| refused_by(&p, &input(Step::AdmissionApproval, on, StepDetail::Approval { may_approve: true }));
    // Three months after 31 October: 31 January, the last day in time.
    assert!(approve(d(2026, 1, 31)).is_empty());
    assert_eq!(approve(d(2026, 2, 1)), vec!["DEV-APPROVAL-TIME"], "a warning that needs its reason");
    let late = StepInput {
        reason: "上级党委换届".into(),
        ..input(Step::AdmissionApproval, d(2026, 4, 30), StepDetail::Approval { may_approve: true })
    };
    assert!(matches!(check_step(&national(), &p, &late, today()), Outcome::Accepted { .. }));
    let too_late = StepInput { on: d(2026, 5, 1), ..late };
    assert!(
        matches!(check_step(&national(), &p, &too_late, today()), Outcome::Refused(v) if v[0].rule_id == "DEV-APPROVAL-TIME")
    );
    // A general branch may not approve.
    let by_general = input(Step::AdmissionApproval, d(2026, 1, 5), StepDetail::Approval { may_approve: false });
    assert_eq!(refused_by(&p, &by_general), vec!["DEV-APPROVER"]);
    // The findings: a notice until the due day, a warning after it, a violation after six months.
    let found = |day| deadlines::evaluate(&national(), std::slice::from_ref(&p), &When::new(2026, day, 0));
    assert_eq!(found(d(2026, 1, 31))[0].severity, Severity::Upcoming);
    assert_eq!(found(d(2026, 2, 1))[0].severity, Severity::Warning);
    assert_eq!(found(d(2026, 5, 1))[0].severity, Severity::Violation);
}

fn probationary(assembly_on: NaiveDate) -> PathFacts {
    let mut steps = walk(d(2024, 1, 1), Step::ProbationEducation);
    for s in &mut steps {
        if s.0 >= Step::AdmissionAssembly {
            s.1 = assembly_on + chrono::Days::new(u64::from(s.0.number() - 15));
        }
    }
    reviewed(&steps)
}

#[test]
fn dev_probation_one_year_from_the_assembly_and_one_extension_of_six_to_twelve_months() {
    let p = probationary(d(2025, 6, 10));
    assert_eq!(path::probation_end(d(2025, 6, 10), 1, None), d(2026, 6, 9));
    assert_eq!(path::probation_end(d(2025, 6, 10), 1, Some(6)), d(2026, 12, 9));
    // The member registry's reading of the day a member is full, 29 February included.
    for (assembly, ext) in [(d(2025, 6, 10), None), (d(2024, 2, 29), None), (d(2024, 2, 29), Some(6))] {
        assert_eq!(path::confirmation_day(assembly, 1, ext), crate::member::probation_end(assembly, ext));
    }
    assert_eq!(path::probation_end(d(2024, 2, 29), 1, None), d(2025, 2, 28));
    let rules = national();
    let on = d(2026, 6, 12);
    assert_eq!(check_extension(&rules, &p, 5, on).map_err(|e| e.rule_id), Err("DEV-PROBATION"));
    assert_eq!(check_extension(&rules, &p, 13, on).map_err(|e| e.rule_id), Err("DEV-PROBATION"));
    assert!(check_extension(&rules, &p, 6, on).is_ok());
    assert!(check_extension(&rules, &p, 12, on).is_ok());
    let extended = PathFacts { extension_months: Some(6), ..p.clone() };
    assert_eq!(check_extension(&rules, &extended, 6, on).map_err(|e| e.rule_id), Err("DEV-PROBATION"), "only once");
    // The finding: the probation's last day is in time, the day after overdue.
    let found = |p: &PathFacts, day| deadlines::evaluate(&rules, std::slice::from_ref(p), &When::new(2026, day, 60));
    let on_end = found(&p, d(2026, 6, 9));
    assert_eq!((on_end[0].rule_id, on_end[0].severity), ("DEV-PROBATION", Severity::Upcoming));
    assert_eq!(found(&p, d(2026, 6, 10))[0].severity, Severity::Violation);
    // 60 days before its end: noticed; 61: not yet.
    assert_eq!(found(&p, d(2026, 4, 10)).len(), 1);
    assert!(found(&p, d(2026, 4, 9)).is_empty());
    // DEV-TRANSFER-PROB: transferred in, the discussion may wait six months more.
    let moved = PathFacts { transferred_in_on: Some(d(2026, 3, 1)), ..p };
    assert!(
        found(&moved, d(2026, 6, 10)).is_empty() || found(&moved, d(2026, 6, 10))[0].severity == Severity::Upcoming
    );
    assert_eq!(found(&moved, d(2026, 12, 10))[0].severity, Severity::Violation);
}

#[test]
fn dev_convert_the_confirmation_assembly_counts_as_the_admission_and_comes_at_the_end() {
    let mut p = probationary(d(2025, 6, 10));
    p.steps.push(StepRecord { step: Step::ConfirmationRequest, on: d(2026, 5, 20) });
    let vote = |on, detail| refused_by(&p, &input(Step::ConfirmationAssembly, on, detail));
    assert!(vote(d(2026, 6, 10), assembly(7, 4, 4, 0)).is_empty());
    assert_eq!(vote(d(2026, 6, 10), assembly(7, 3, 3, 1)), vec!["DEV-ASM-QUORUM"]);
    assert_eq!(vote(d(2026, 6, 1), assembly(7, 5, 5, 0)), vec!["DEV-PROBATION"], "before the end: a reason");
}

#[test]
fn dev_catalogue_lists_every_recruitment_rule_once_with_its_citation() {
    let rules = national_rules();
    let mut ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n);
    assert!(rules.iter().all(|r| r.id.starts_with("DEV-") && !r.citation.is_empty()));
    assert_eq!(Step::ALL.iter().map(|s| s.number()).collect::<Vec<_>>(), (1..=25).collect::<Vec<u8>>());
    assert_eq!(Step::parse("15"), Some(Step::AdmissionAssembly));
    assert_eq!(Step::parse("oath"), Some(Step::Oath));
}

#[test]
fn dev_halfyear_and_dev_object_deadlines_of_an_activist() {
    let steps = [
        (Step::Apply, d(2025, 1, 5)),
        (Step::Talk, d(2025, 1, 20)),
        (Step::Activist, d(2025, 3, 10)),
        (Step::ActivistFiled, d(2025, 3, 20)),
        (Step::Mentors, d(2025, 3, 20)),
    ];
    let p = person(d(1990, 1, 1), &steps);
    let found = |p: &PathFacts, day| -> Vec<(&str, Severity, Option<NaiveDate>)> {
        deadlines::evaluate(&national(), std::slice::from_ref(p), &When::new(2025, day, 0))
            .into_iter()
            .map(|f| (f.rule_id, f.severity, f.due))
            .collect()
    };
    // Six months after becoming an activist: the day itself in time, the day after late.
    assert_eq!(found(&p, d(2025, 9, 10)), vec![("DEV-HALFYEAR", Severity::Upcoming, Some(d(2025, 9, 10)))]);
    assert_eq!(found(&p, d(2025, 9, 11)), vec![("DEV-HALFYEAR", Severity::Violation, Some(d(2025, 9, 10)))]);
    // Assessed on 1 September: the next is due on 1 March; a year after 10 March 2025 the
    // activist may be made a candidate (a notice).
    let mut assessed = p.clone();
    assessed.steps.push(StepRecord { step: Step::Cultivation, on: d(2025, 9, 1) });
    assert!(found(&assessed, d(2025, 9, 11)).is_empty());
    assert_eq!(found(&assessed, d(2026, 3, 2))[0], ("DEV-HALFYEAR", Severity::Violation, Some(d(2026, 3, 1))));
    assessed.steps.push(StepRecord { step: Step::Cultivation, on: d(2026, 3, 1) });
    assert_eq!(found(&assessed, d(2026, 3, 10)), vec![("DEV-OBJECT", Severity::Upcoming, Some(d(2026, 3, 10)))]);
    // A step dated after the day checked is not seen: the assessment of 12 September leaves
    // 11 September late.
    let mut late = p.clone();
    late.steps.push(StepRecord { step: Step::Cultivation, on: d(2025, 9, 12) });
    assert_eq!(found(&late, d(2025, 9, 11)), vec![("DEV-HALFYEAR", Severity::Violation, Some(d(2025, 9, 10)))]);
}

#[test]
fn dev_probation_notices_sixty_and_thirty_days_before_and_on_the_last_day() {
    let p = probationary(d(2025, 6, 10));
    // The notices do not depend on the committee's notice days.
    let found = |day| deadlines::evaluate(&national(), std::slice::from_ref(&p), &When::new(2026, day, 0));
    let message = |day| found(day).first().map(|f| (f.severity, f.message.clone()));
    assert!(found(d(2026, 4, 9)).is_empty(), "61 days before the last day (9 June 2026)");
    for (day, words) in [
        (d(2026, 4, 10), "60天内，还有60天"),
        (d(2026, 5, 9), "60天内，还有31天"),
        (d(2026, 5, 10), "30天内，还有30天"),
        (d(2026, 6, 8), "30天内，还有1天"),
        (d(2026, 6, 9), "今天"),
    ] {
        let (severity, text) = message(day).unwrap_or((Severity::Violation, String::new()));
        assert_eq!(severity, Severity::Upcoming, "{day}");
        assert!(text.contains(words), "{day}: {text}");
    }
    assert_eq!(message(d(2026, 6, 10)).map(|m| m.0), Some(Severity::Violation));
}

fn local() -> RuleSet<Check> {
    national().tighten(&local_rules()).unwrap_or_else(|e| panic!("{e:?}"))
}

fn refused_locally(p: &PathFacts, i: &StepInput) -> Vec<&'static str> {
    match check_step(&local(), p, i, today()) {
        Outcome::Accepted { .. } => Vec::new(),
        Outcome::Refused(problems) => problems.into_iter().map(|p| p.rule_id).collect(),
    }
}

#[test]
fn dev_l_activist_wait_six_months_from_the_application_only_where_switched_on() {
    let p = person(d(1990, 1, 1), &[(Step::Apply, d(2025, 1, 31)), (Step::Talk, d(2025, 2, 10))]);
    let activist = |on| input(Step::Activist, on, StepDetail::Plain);
    assert_eq!(refused_locally(&p, &activist(d(2025, 7, 30))), vec!["DEV-L-ACTIVIST-WAIT"]);
    assert!(refused_locally(&p, &activist(d(2025, 7, 31))).is_empty(), "31 January + 6 months = 31 July");
    assert!(refused_by(&p, &activist(d(2025, 7, 30))).is_empty(), "a local rule, never a national default");
    let with_reason = StepInput { reason: "经上级党委同意".into(), ..activist(d(2025, 7, 30)) };
    assert!(
        matches!(check_step(&local(), &p, &with_reason, today()), Outcome::Accepted { warnings } if warnings.len() == 1)
    );
    assert!(local_rules().iter().all(|r| r.source == crate::rules::RuleSource::Local(LOCAL_PRACTICE.into())));
}

fn at(last: Step, changes: &[(Step, NaiveDate)]) -> PathFacts {
    let mut steps = walk(d(2024, 1, 1), last);
    for (step, on) in changes {
        if let Some(s) = steps.iter_mut().find(|s| s.0 == *step) {
            s.1 = *on;
        }
    }
    reviewed(&steps)
}

#[test]
fn dev_l_prereview_and_assembly_within_a_month_each() {
    let p = at(Step::CommitteeReview, &[(Step::CommitteeReview, d(2025, 1, 31))]);
    let pre = |on| input(Step::PreReview, on, StepDetail::PreReview { leaving_soon: false });
    assert!(refused_locally(&p, &pre(d(2025, 2, 28))).is_empty(), "31 January + 1 month = 28 February");
    assert_eq!(refused_locally(&p, &pre(d(2025, 3, 1))), vec!["DEV-L-PREREVIEW-TIME"]);
    let found = |p: &PathFacts, day| -> Vec<(&str, Severity)> {
        deadlines::evaluate(&local(), std::slice::from_ref(p), &When::new(2025, day, 0))
            .into_iter()
            .filter(|f| f.rule_id.ends_with("-TIME"))
            .map(|f| (f.rule_id, f.severity))
            .collect()
    };
    assert_eq!(found(&p, d(2025, 2, 28)), vec![("DEV-L-PREREVIEW-TIME", Severity::Upcoming)]);
    assert_eq!(found(&p, d(2025, 3, 1)), vec![("DEV-L-PREREVIEW-TIME", Severity::Warning)]);
    let p = at(
        Step::VolunteerForm,
        &[
            (Step::PoliticalReview, d(2025, 3, 1)),
            (Step::Training, d(2025, 3, 2)),
            (Step::CommitteeReview, d(2025, 3, 3)),
            (Step::PreReview, d(2025, 3, 10)),
            (Step::VolunteerForm, d(2025, 3, 12)),
        ],
    );
    let vote = |on| input(Step::AdmissionAssembly, on, assembly(7, 5, 5, 0));
    assert!(refused_locally(&p, &vote(d(2025, 4, 10))).is_empty());
    assert_eq!(refused_locally(&p, &vote(d(2025, 4, 11))), vec!["DEV-L-ASSEMBLY-TIME"]);
    assert_eq!(found(&p, d(2025, 4, 11)), vec![("DEV-L-ASSEMBLY-TIME", Severity::Warning)]);
}

#[test]
fn dev_l_review_valid_one_year_to_the_admission_assembly() {
    let p = at(
        Step::VolunteerForm,
        &[
            (Step::PoliticalReview, d(2025, 3, 1)),
            (Step::Training, d(2025, 3, 5)),
            (Step::CommitteeReview, d(2026, 2, 1)),
            (Step::PreReview, d(2026, 2, 10)),
            (Step::VolunteerForm, d(2026, 2, 12)),
        ],
    );
    let vote = |on| input(Step::AdmissionAssembly, on, assembly(7, 5, 5, 0));
    assert!(refused_locally(&p, &vote(d(2026, 3, 1))).is_empty(), "the anniversary is in time");
    assert_eq!(refused_locally(&p, &vote(d(2026, 3, 2))), vec!["DEV-L-REVIEW-VALID"]);
    let found = |day| -> Vec<(&str, Severity)> {
        deadlines::evaluate(&local(), std::slice::from_ref(&p), &When::new(2026, day, 30))
            .into_iter()
            .filter(|f| f.rule_id == "DEV-L-REVIEW-VALID")
            .map(|f| (f.rule_id, f.severity))
            .collect()
    };
    assert!(found(d(2026, 1, 29)).is_empty());
    assert_eq!(found(d(2026, 1, 30)), vec![("DEV-L-REVIEW-VALID", Severity::Upcoming)]);
    assert_eq!(found(d(2026, 3, 2)), vec![("DEV-L-REVIEW-VALID", Severity::Warning)]);
}

#[test]
fn dev_talk_and_dev_hq_talk_name_who_talked() {
    let p = person(d(1990, 1, 1), &[(Step::Apply, d(2025, 1, 31))]);
    let talk = |people: &[&str]| {
        input(Step::Talk, d(2025, 2, 10), StepDetail::Talk { people: people.iter().map(|s| s.to_string()).collect() })
    };
    assert_eq!(refused_by(&p, &talk(&[])), vec!["DEV-TALK"]);
    assert_eq!(refused_by(&p, &talk(&["  "])), vec!["DEV-TALK"]);
    assert!(refused_by(&p, &talk(&["王书记"])).is_empty());
    let q = at(Step::AdmissionAssembly, &[]);
    let hq = input(Step::HqTalk, d(2025, 1, 1), StepDetail::Talk { people: Vec::new() });
    assert_eq!(refused_by(&q, &hq), vec!["DEV-HQ-TALK"]);
}

#[test]
fn dev_polreview_a_mobile_person_is_reviewed_with_both_places_consulted() {
    let p = reviewed(&walk(d(2024, 1, 1), Step::Sponsors));
    let review = |mobile, consulted| {
        input(Step::PoliticalReview, d(2025, 1, 1), StepDetail::Review { passed: true, mobile, consulted })
    };
    assert_eq!(refused_by(&p, &review(true, false)), vec!["DEV-POLREVIEW"]);
    assert!(refused_by(&p, &review(true, true)).is_empty());
    assert!(refused_by(&p, &review(false, false)).is_empty());
}

#[test]
fn dev_l_publicity_five_working_days_ended_before_the_step() {
    let p = at(Step::Cultivation, &[]);
    let on = d(2025, 3, 3);
    let cal = crate::calendar::WorkCalendar::new("2025-02-26", "").unwrap_or_default();
    let notice = |from, to, cal: &crate::calendar::WorkCalendar| path::Publicity {
        from,
        to,
        working_days: cal.working_days(from, to),
    };
    let plain = crate::calendar::WorkCalendar::default();
    let candidate = |publicity| StepInput { publicity, ..input(Step::Candidate, on, StepDetail::Plain) };
    // Monday 24 to Friday 28 February 2025: five working days.
    assert!(refused_locally(&p, &candidate(Some(notice(d(2025, 2, 24), d(2025, 2, 28), &plain)))).is_empty());
    assert_eq!(
        refused_locally(&p, &candidate(Some(notice(d(2025, 2, 24), d(2025, 2, 27), &plain)))),
        vec!["DEV-L-PUBLICITY"]
    );
    // A holiday on the Wednesday leaves four.
    assert_eq!(
        refused_locally(&p, &candidate(Some(notice(d(2025, 2, 24), d(2025, 2, 28), &cal)))),
        vec!["DEV-L-PUBLICITY"]
    );
    assert_eq!(
        refused_locally(&p, &candidate(Some(notice(d(2025, 2, 25), d(2025, 3, 3), &plain)))),
        vec!["DEV-L-PUBLICITY"],
        "ends on the day"
    );
    assert_eq!(refused_locally(&p, &candidate(None)), vec!["DEV-L-PUBLICITY"]);
    assert!(refused_by(&p, &candidate(None)).is_empty(), "not a national rule");
}
