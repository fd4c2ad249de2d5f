//! The meeting rules (MTG-*): frequencies per period, their boundaries, quorums, and the time rules
//! of `evaluate` (ended periods, the open period, future periods).

use chrono::NaiveDate;
use domain::family::org_life::RecordFact;
use domain::family::{OrgFacts, Rules, evaluate};
use domain::findings::Finding;
use domain::org::OrgKind;
use domain::org_life::{Attendance, Attendee, MeetingKind};
use domain::period::PeriodKind;
use domain::rules::{RuleSource, Severity};

const ORG: i64 = 7;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn branch() -> OrgFacts {
    let mut org = OrgFacts::new(ORG, OrgKind::Branch);
    org.full_members = 5;
    org = org.with_post(1, domain::org::PostKind::Secretary, d(2020, 1, 1));
    org.term_start = Some(d(2024, 1, 1));
    org
}

fn with_committee() -> OrgFacts {
    let mut org = branch();
    org.full_members = 9;
    org = org.with_committee(5, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    org
}

fn rec(id: i64, kind: MeetingKind, date: NaiveDate) -> RecordFact {
    RecordFact::new(id, ORG, kind, date)
}

fn run(org: &OrgFacts, records: &[RecordFact], year: i32, as_of: NaiveDate, notice_days: u32) -> Vec<Finding> {
    evaluate(&Rules::national(), org, records, year, as_of, notice_days)
}

fn only(findings: &[Finding], rule_id: &str) -> Vec<Finding> {
    findings.iter().filter(|f| f.rule_id == rule_id).cloned().collect()
}

fn labels(findings: &[Finding]) -> Vec<String> {
    findings.iter().map(|f| f.period.map(|p| p.label()).unwrap_or_default()).collect()
}

// ---------------------------------------------------------------------------------------------
// MTG-ASSEMBLY
// ---------------------------------------------------------------------------------------------

#[test]
fn mtg_assembly_meeting_on_last_day_of_quarter_counts() {
    let records = [rec(1, MeetingKind::BranchAssembly, d(2025, 3, 31))];
    let found = only(&run(&branch(), &records, 2025, d(2025, 7, 15), 0), "MTG-ASSEMBLY");
    assert_eq!(labels(&found), vec!["2025年第二季度"]);
}

#[test]
fn mtg_assembly_meeting_on_first_day_of_next_quarter_does_not_count_for_the_previous() {
    let records = [rec(1, MeetingKind::BranchAssembly, d(2025, 4, 1))];
    let found = only(&run(&branch(), &records, 2025, d(2025, 7, 15), 0), "MTG-ASSEMBLY");
    assert_eq!(labels(&found), vec!["2025年第一季度"]);
}

#[test]
fn mtg_assembly_missing_quarter_is_a_warning_with_citation_and_fix() {
    let found = only(&run(&branch(), &[], 2025, d(2025, 4, 1), 0), "MTG-ASSEMBLY");
    assert_eq!(found.len(), 1);
    let f = &found[0];
    assert_eq!(f.severity, Severity::Warning, "worded 一般 in Art. 11");
    assert_eq!(f.message, "2025年第一季度未召开支部党员大会");
    assert_eq!(f.citation, "《中国共产党支部工作条例（试行）》第十一条");
    assert_eq!(f.source, RuleSource::National);
    assert_eq!(f.org_id, ORG);
    assert_eq!(f.due, Some(d(2025, 3, 31)));
    assert!(f.records.is_empty());
    let fix = f.fix.as_ref().unwrap();
    assert_eq!(fix.label, "补录第一季度党员大会");
    assert_eq!(fix.get("kind"), Some(MeetingKind::BranchAssembly.as_str()));
    assert_eq!(fix.get("date"), Some("2025-01-01"));
}

#[test]
fn mtg_assembly_last_day_of_open_quarter_is_upcoming_and_the_next_day_a_finding() {
    let on_last_day = only(&run(&branch(), &[], 2025, d(2025, 3, 31), 0), "MTG-ASSEMBLY");
    assert_eq!(on_last_day.len(), 1);
    assert_eq!(on_last_day[0].severity, Severity::Upcoming);
    assert_eq!(on_last_day[0].due, Some(d(2025, 3, 31)));
    assert_eq!(on_last_day[0].message, "2025年第一季度尚未召开支部党员大会，应于2025年3月31日前召开");
    assert_eq!(on_last_day[0].fix.as_ref().unwrap().label, "录入第一季度党员大会");
    let next_day = only(&run(&branch(), &[], 2025, d(2025, 4, 1), 0), "MTG-ASSEMBLY");
    assert_eq!(next_day.len(), 1);
    assert_eq!(next_day[0].severity, Severity::Warning);
}

#[test]
fn mtg_assembly_open_quarter_is_upcoming_only_within_the_notice_days() {
    // 30 days from 1 March to 31 March.
    let within = only(&run(&branch(), &[], 2025, d(2025, 3, 1), 30), "MTG-ASSEMBLY");
    assert_eq!(within.len(), 1);
    assert_eq!(within[0].severity, Severity::Upcoming);
    assert!(only(&run(&branch(), &[], 2025, d(2025, 3, 1), 29), "MTG-ASSEMBLY").is_empty());
}

#[test]
fn mtg_assembly_met_requirement_in_open_quarter_gives_nothing() {
    let records = [rec(1, MeetingKind::BranchAssembly, d(2025, 3, 2))];
    assert!(only(&run(&branch(), &records, 2025, d(2025, 3, 30), 30), "MTG-ASSEMBLY").is_empty());
}

#[test]
fn mtg_assembly_future_quarters_give_nothing() {
    assert!(only(&run(&branch(), &[], 2025, d(2025, 1, 10), 0), "MTG-ASSEMBLY").is_empty());
    assert!(run(&branch(), &[], 2026, d(2025, 12, 31), 400).iter().all(|f| f.period.is_none()));
}

#[test]
fn mtg_assembly_whole_past_year_gives_four_findings() {
    let found = only(&run(&branch(), &[], 2024, d(2025, 6, 1), 0), "MTG-ASSEMBLY");
    assert_eq!(labels(&found), vec!["2024年第一季度", "2024年第二季度", "2024年第三季度", "2024年第四季度"]);
}

#[test]
fn mtg_assembly_records_of_other_orgs_and_after_as_of_do_not_count() {
    let records = [
        RecordFact::new(1, ORG + 1, MeetingKind::BranchAssembly, d(2025, 2, 1)),
        rec(2, MeetingKind::BranchAssembly, d(2025, 4, 2)),
    ];
    let found = only(&run(&branch(), &records, 2025, d(2025, 4, 1), 0), "MTG-ASSEMBLY");
    assert_eq!(labels(&found), vec!["2025年第一季度"]);
    // As of 25 June the second quarter's assembly is due within the notice days; the one held on
    // 28 June lies after as_of and is ignored, so the reminder stands.
    let records =
        [rec(2, MeetingKind::BranchAssembly, d(2025, 4, 2)), rec(3, MeetingKind::BranchAssembly, d(2025, 6, 28))];
    let q2 = |as_of| {
        only(&run(&branch(), &records, 2025, as_of, 10), "MTG-ASSEMBLY")
            .into_iter()
            .filter(|f| f.severity == Severity::Upcoming)
            .count()
    };
    // Held on 2 April, the quarter is already met: first a branch without it.
    let records_q2 = [rec(3, MeetingKind::BranchAssembly, d(2025, 6, 28))];
    let upcoming = |as_of| {
        only(&run(&branch(), &records_q2, 2025, as_of, 10), "MTG-ASSEMBLY")
            .into_iter()
            .filter(|f| f.severity == Severity::Upcoming && f.period.is_some_and(|p| p.label() == "2025年第二季度"))
            .count()
    };
    assert_eq!(upcoming(d(2025, 6, 25)), 1);
    // Positive control: on the day it is held it counts.
    assert_eq!(upcoming(d(2025, 6, 28)), 0);
    assert_eq!(q2(d(2025, 6, 25)), 0, "a quarter met in April has no reminder");
}

/// An org that existed for part of a period is judged for that part (pro rata): the count times
/// the share of the period's days, rounded half up. The second quarter has 91 days.
#[test]
fn mtg_assembly_a_quarter_the_branch_existed_in_part_is_judged_pro_rata() {
    let mut org = branch();
    org.established_on = Some(d(2025, 4, 1));
    let found = only(&run(&org, &[], 2025, d(2026, 1, 5), 0), "MTG-ASSEMBLY");
    assert_eq!(labels(&found), vec!["2025年第二季度", "2025年第三季度", "2025年第四季度"]);
    assert_eq!(found[0].message, "2025年第二季度未召开支部党员大会", "a whole quarter says nothing of pro rata");
    // Set up on 2 April: 90 of 91 days, still one 党员大会, and the finding says why.
    org.established_on = Some(d(2025, 4, 2));
    let found = only(&run(&org, &[], 2025, d(2026, 1, 5), 0), "MTG-ASSEMBLY");
    assert_eq!(labels(&found), vec!["2025年第二季度", "2025年第三季度", "2025年第四季度"]);
    assert_eq!(found[0].message, "2025年第二季度未召开支部党员大会（本组织该期间存续90天，按存续期间折算应至少1次）");
    // 16 May: 46 of 91 days rounds to one; 17 May: 45 of 91 rounds to none.
    org.established_on = Some(d(2025, 5, 16));
    assert_eq!(labels(&only(&run(&org, &[], 2025, d(2026, 1, 5), 0), "MTG-ASSEMBLY"))[0], "2025年第二季度");
    org.established_on = Some(d(2025, 5, 17));
    assert_eq!(labels(&only(&run(&org, &[], 2025, d(2026, 1, 5), 0), "MTG-ASSEMBLY"))[0], "2025年第三季度");
}

#[test]
fn mtg_assembly_closed_branch_is_judged_until_closing() {
    let mut org = branch();
    org.closed_on = Some(d(2025, 7, 1));
    let found = only(&run(&org, &[], 2025, d(2026, 1, 5), 0), "MTG-ASSEMBLY");
    assert_eq!(labels(&found), vec!["2025年第一季度", "2025年第二季度"]);
    // Closed on 30 June: it existed 90 of the quarter's 91 days and still owed one.
    org.closed_on = Some(d(2025, 6, 30));
    let found = only(&run(&org, &[], 2025, d(2026, 1, 5), 0), "MTG-ASSEMBLY");
    assert_eq!(labels(&found), vec!["2025年第一季度", "2025年第二季度"]);
    // Closed on 15 May: 44 days, less than half the quarter: nothing owed for it.
    org.closed_on = Some(d(2025, 5, 15));
    let found = only(&run(&org, &[], 2025, d(2026, 1, 5), 0), "MTG-ASSEMBLY");
    assert_eq!(labels(&found), vec!["2025年第一季度"]);
}

fn assembly_vote(id: i64, date: NaiveDate, full_present: i64, full_absent: i64, prob_present: i64) -> RecordFact {
    let mut r = rec(id, MeetingKind::BranchAssembly, date);
    r.has_vote = true;
    r.attendance.extend((0..full_present).map(|m| Attendee::full(100 + m, Attendance::Present)));
    r.attendance.extend((0..full_absent).map(|m| Attendee::full(200 + m, Attendance::Absent)));
    r.attendance.extend((0..prob_present).map(|m| Attendee::probationary(300 + m, Attendance::Present)));
    r
}

#[test]
fn mtg_assembly_vote_without_quorum_is_a_violation_and_the_meeting_still_counts() {
    // 1 of 4 voters present; 3 probationary members present do not count (CON-PROB-RIGHTS).
    let records = [assembly_vote(5, d(2025, 2, 10), 1, 3, 3)];
    let found = only(&run(&branch(), &records, 2025, d(2025, 4, 1), 0), "MTG-ASSEMBLY");
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.severity, Severity::Violation);
    assert_eq!(f.record_ids("meeting"), vec![5]);
    assert_eq!(f.message, "2025年2月10日支部党员大会表决时有表决权的党员到会不足半数（应到4人，实到1人），表决无效");
    let fix = f.fix.as_ref().unwrap();
    assert_eq!((fix.page, fix.get("id")), (domain::findings::pages::MEETING, Some("5")));
    assert_eq!(f.subject.key(), "meeting:5", "the subject is the record");
}

#[test]
fn mtg_assembly_vote_with_exactly_half_present_is_valid() {
    let records = [assembly_vote(5, d(2025, 2, 10), 2, 2, 0)];
    assert!(only(&run(&branch(), &records, 2025, d(2025, 4, 1), 0), "MTG-ASSEMBLY").is_empty());
}

#[test]
fn mtg_assembly_meeting_without_a_vote_needs_no_quorum() {
    let mut record = assembly_vote(5, d(2025, 2, 10), 1, 3, 0);
    record.has_vote = false;
    assert!(only(&run(&branch(), &[record], 2025, d(2025, 4, 1), 0), "MTG-ASSEMBLY").is_empty());
}

// ---------------------------------------------------------------------------------------------
// MTG-COMMITTEE
// ---------------------------------------------------------------------------------------------

#[test]
fn mtg_committee_missing_month_says_what_to_record() {
    let found = only(&run(&with_committee(), &[], 2025, d(2025, 4, 1), 0), "MTG-COMMITTEE");
    assert_eq!(labels(&found), vec!["2025年1月", "2025年2月", "2025年3月"]);
    let march = &found[2];
    assert_eq!(march.message, "2025年3月未召开支部委员会会议");
    assert_eq!(march.severity, Severity::Warning);
    assert_eq!(march.fix.as_ref().unwrap().label, "补录3月支委会");
    assert_eq!(march.period.unwrap().kind(), PeriodKind::Month);
}

#[test]
fn mtg_committee_applies_only_to_branches_with_a_committee() {
    assert!(only(&run(&branch(), &[], 2025, d(2025, 4, 1), 0), "MTG-COMMITTEE").is_empty());
}

#[test]
fn mtg_committee_meeting_on_last_day_of_month_counts_and_first_day_of_next_does_not() {
    let records = [
        rec(1, MeetingKind::CommitteeMeeting, d(2025, 1, 31)),
        rec(2, MeetingKind::CommitteeMeeting, d(2025, 3, 1)),
        rec(3, MeetingKind::CommitteeMeeting, d(2025, 3, 31)),
    ];
    let found = only(&run(&with_committee(), &records, 2025, d(2025, 4, 1), 0), "MTG-COMMITTEE");
    assert_eq!(labels(&found), vec!["2025年2月"]);
}

fn committee_meeting(id: i64, date: NaiveDate, present: usize, absent: usize) -> RecordFact {
    let mut r = rec(id, MeetingKind::CommitteeMeeting, date);
    let mut member = 200;
    for _ in 0..present {
        r.attendance.push(Attendee::full(member, Attendance::Present));
        member += 1;
    }
    for _ in 0..absent {
        r.attendance.push(Attendee::full(member, Attendance::Absent));
        member += 1;
    }
    r
}

#[test]
fn mtg_committee_meeting_without_quorum_does_not_count() {
    let records = [committee_meeting(9, d(2025, 3, 12), 2, 3)];
    let org = with_committee();
    let found: Vec<Finding> = only(&run(&org, &records, 2025, d(2025, 4, 1), 0), "MTG-COMMITTEE")
        .into_iter()
        .filter(|f| f.period.unwrap().label() == "2025年3月")
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].message, "2025年3月未召开支部委员会会议（另有1次会议到会人数不足，不计入）");
    assert_eq!(found[0].record_ids("meeting"), vec![9]);
    assert_eq!(found[1].severity, Severity::Violation);
    assert_eq!(
        found[1].message,
        "2025年3月12日支部委员会会议到会委员不足半数（应到5人，实到2人），会议不应召开，不计入会议次数"
    );
}

#[test]
fn mtg_committee_meeting_with_exactly_half_present_counts() {
    let records = [committee_meeting(9, d(2025, 3, 12), 2, 2)];
    let found = only(&run(&with_committee(), &records, 2025, d(2025, 4, 1), 0), "MTG-COMMITTEE");
    assert_eq!(labels(&found), vec!["2025年1月", "2025年2月"]);
}

// ---------------------------------------------------------------------------------------------
// MTG-GROUP, MTG-THEME-DAY
// ---------------------------------------------------------------------------------------------

#[test]
fn mtg_group_applies_to_groups_monthly() {
    let group = OrgFacts::new(ORG, OrgKind::Group);
    let records = [rec(1, MeetingKind::GroupMeeting, d(2025, 1, 31)), rec(2, MeetingKind::GroupMeeting, d(2025, 3, 1))];
    let findings = run(&group, &records, 2025, d(2025, 4, 1), 0);
    assert!(findings.iter().all(|f| f.rule_id == "MTG-GROUP"), "{findings:#?}");
    assert_eq!(labels(&findings), vec!["2025年2月"]);
    assert_eq!(findings[0].message, "2025年2月未召开党小组会");
    assert!(only(&run(&branch(), &[], 2025, d(2025, 4, 1), 0), "MTG-GROUP").is_empty());
}

#[test]
fn mtg_theme_day_missing_month_is_a_violation() {
    let records = [rec(1, MeetingKind::ThemedDay, d(2025, 1, 15)), rec(2, MeetingKind::ThemedDay, d(2025, 3, 1))];
    let found = only(&run(&branch(), &records, 2025, d(2025, 4, 1), 0), "MTG-THEME-DAY");
    assert_eq!(labels(&found), vec!["2025年2月"]);
    assert_eq!(found[0].severity, Severity::Violation);
    assert_eq!(found[0].message, "2025年2月未开展主题党日");
    assert_eq!(found[0].fix.as_ref().unwrap().label, "补录2月主题党日");
}

#[test]
fn mtg_theme_day_on_leap_day_counts_for_february() {
    let records = [
        rec(1, MeetingKind::ThemedDay, d(2024, 1, 31)),
        rec(2, MeetingKind::ThemedDay, d(2024, 2, 29)),
        rec(3, MeetingKind::ThemedDay, d(2024, 3, 1)),
    ];
    assert!(only(&run(&branch(), &records, 2024, d(2024, 4, 1), 0), "MTG-THEME-DAY").is_empty());
}

// ---------------------------------------------------------------------------------------------
// MTG-ORG-LIFE, MTG-EVAL, MTG-TALK
// ---------------------------------------------------------------------------------------------

#[test]
fn mtg_org_life_missing_in_the_year_is_a_violation() {
    let found = only(&run(&branch(), &[], 2025, d(2026, 1, 1), 0), "MTG-ORG-LIFE");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Violation);
    assert_eq!(found[0].message, "2025年未召开组织生活会");
    assert_eq!(found[0].fix.as_ref().unwrap().label, "补录2025年组织生活会");
    assert_eq!(found[0].due, Some(d(2025, 12, 31)));
}

#[test]
fn mtg_org_life_on_first_day_of_q4_is_in_the_window() {
    let records = [rec(1, MeetingKind::LifeMeeting, d(2025, 10, 1))];
    assert!(only(&run(&branch(), &records, 2025, d(2026, 1, 1), 0), "MTG-ORG-LIFE").is_empty());
    let records = [rec(1, MeetingKind::LifeMeeting, d(2025, 12, 31))];
    assert!(only(&run(&branch(), &records, 2025, d(2026, 1, 1), 0), "MTG-ORG-LIFE").is_empty());
}

#[test]
fn mtg_org_life_on_last_day_of_q3_is_a_warning() {
    let records = [rec(1, MeetingKind::LifeMeeting, d(2025, 9, 30))];
    let found = only(&run(&branch(), &records, 2025, d(2026, 1, 1), 0), "MTG-ORG-LIFE");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].message, "2025年组织生活会未在第四季度召开，一般应安排在第四季度");
    assert_eq!(found[0].record_ids("meeting"), vec![1]);
    assert_eq!(
        found[0].fix.as_ref().unwrap().get("date").map(String::from),
        Some(domain::dates::format_iso(d(2025, 10, 1)))
    );
}

#[test]
fn mtg_org_life_outside_q4_is_not_flagged_while_the_year_is_open() {
    let records = [rec(1, MeetingKind::LifeMeeting, d(2025, 5, 30))];
    assert!(only(&run(&branch(), &records, 2025, d(2025, 12, 31), 30), "MTG-ORG-LIFE").is_empty());
}

#[test]
fn mtg_org_life_on_first_day_of_next_year_does_not_count() {
    let records = [rec(1, MeetingKind::LifeMeeting, d(2026, 1, 1))];
    let found = only(&run(&branch(), &records, 2025, d(2026, 1, 2), 0), "MTG-ORG-LIFE");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Violation);
}

#[test]
fn mtg_org_life_near_year_end_is_upcoming() {
    let found = only(&run(&branch(), &[], 2025, d(2025, 12, 21), 10), "MTG-ORG-LIFE");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Upcoming);
    assert!(only(&run(&branch(), &[], 2025, d(2025, 12, 20), 10), "MTG-ORG-LIFE").is_empty());
}

#[test]
fn mtg_eval_on_last_day_of_year_counts_and_is_a_warning_when_missing() {
    let records = [rec(1, MeetingKind::MemberAppraisal, d(2025, 12, 31))];
    assert!(only(&run(&branch(), &records, 2025, d(2026, 1, 1), 0), "MTG-EVAL").is_empty());
    let records = [rec(1, MeetingKind::MemberAppraisal, d(2026, 1, 1))];
    let found = only(&run(&branch(), &records, 2025, d(2026, 1, 2), 0), "MTG-EVAL");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].message, "2025年未开展民主评议党员");
}

#[test]
fn mtg_talk_once_a_year_is_enough_and_missing_is_a_warning() {
    let records = [rec(1, MeetingKind::Talk, d(2025, 1, 1))];
    assert!(only(&run(&branch(), &records, 2025, d(2026, 1, 1), 0), "MTG-TALK").is_empty());
    let found = only(&run(&branch(), &[], 2025, d(2026, 1, 1), 0), "MTG-TALK");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].message, "2025年未开展谈心谈话");
}

// ---------------------------------------------------------------------------------------------
// MTG-LESSON
// ---------------------------------------------------------------------------------------------

fn committee_org() -> OrgFacts {
    let mut org = OrgFacts::new(ORG, OrgKind::Committee);
    org = org.with_post(42, domain::org::PostKind::Secretary, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    org.term_start = Some(d(2024, 1, 1));
    org.term_years = 5;
    org
}

fn lecture(id: i64, org_id: i64, lecturer: i64, date: NaiveDate) -> RecordFact {
    let mut r = RecordFact::new(id, org_id, MeetingKind::PartyLecture, date);
    r.lecturer_id = Some(lecturer);
    r
}

#[test]
fn mtg_lesson_secretary_lecture_in_a_branch_counts() {
    let records = [lecture(1, 99, 42, d(2025, 12, 31))];
    assert!(run(&committee_org(), &records, 2025, d(2026, 1, 1), 0).is_empty());
}

#[test]
fn mtg_lesson_lectures_by_others_do_not_count() {
    let records = [lecture(1, ORG, 43, d(2025, 6, 1)), lecture(2, ORG, 42, d(2026, 1, 1))];
    let found = only(&run(&committee_org(), &records, 2025, d(2026, 1, 2), 0), "MTG-LESSON");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Violation);
    assert_eq!(found[0].message, "2025年书记未讲党课");
    assert_eq!(found[0].fix.as_ref().unwrap().label, "补录2025年书记党课");
}

#[test]
fn mtg_lesson_applies_only_to_committees_with_a_secretary() {
    let mut org = committee_org();
    org.posts.clear();
    assert!(only(&run(&org, &[], 2025, d(2026, 1, 2), 0), "MTG-LESSON").is_empty());
    assert!(only(&run(&branch(), &[], 2025, d(2026, 1, 2), 0), "MTG-LESSON").is_empty());
}

#[test]
fn mtg_branch_meeting_rules_do_not_apply_to_committees() {
    let findings = run(&committee_org(), &[], 2025, d(2026, 1, 2), 0);
    let ids: Vec<&str> = findings.iter().map(|f| f.rule_id).collect();
    assert_eq!(ids, vec!["MTG-LESSON"]);
}
