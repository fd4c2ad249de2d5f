//! Compliance statuses (达标情况) of the frequency rules, named by rule ID: which periods count, the
//! boundaries of `as_of`, quorum, the MTG-ORG-LIFE window, and the arithmetic of tallies.

use chrono::NaiveDate;
use domain::compliance::{RequirementStatus, Tally};
use domain::family::org_life::{LifeFacts, RecordFact};
use domain::family::{OrgFacts, Rules, evaluate_org};
use domain::findings::{Finding, When};
use domain::org::OrgKind;
use domain::org_life::{Attendance, Attendee, MeetingKind};
use domain::rules::Severity;

const ORG: i64 = 7;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn with_committee() -> OrgFacts {
    let mut org = OrgFacts::new(ORG, OrgKind::Branch);
    org.full_members = 9;
    org = org.with_committee(5, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    org = org.with_post(100, domain::org::PostKind::Secretary, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    org.term_start = Some(d(2024, 1, 1));
    org
}

fn rec(id: i64, kind: MeetingKind, date: NaiveDate) -> RecordFact {
    RecordFact::new(id, ORG, kind, date)
}

fn run(org: &OrgFacts, records: &[RecordFact], year: i32, as_of: NaiveDate) -> (Vec<Finding>, Vec<RequirementStatus>) {
    let dues = domain::family::dues::DuesFacts::default();
    let none = domain::family::lifecycle::LifecycleFacts::default();
    let life = LifeFacts::of(records.to_vec());
    let e = evaluate_org(&Rules::national(), org, life, &dues, &none, &[], &When::new(year, as_of, 30));
    (e.findings, e.statuses)
}

fn status<'a>(statuses: &'a [RequirementStatus], rule: &str, label: &str) -> Option<&'a RequirementStatus> {
    statuses.iter().find(|s| s.rule_id == rule && s.period.label() == label)
}

#[test]
fn mtg_committee_march_met_on_31st() {
    let records = [rec(1, MeetingKind::CommitteeMeeting, d(2025, 3, 31))];
    let (_, statuses) = run(&with_committee(), &records, 2025, d(2025, 4, 1));
    let march = status(&statuses, "MTG-COMMITTEE", "2025年3月").unwrap();
    assert_eq!((march.required, march.held, march.met), (1, 1, true));
    assert_eq!(march.month(), 3);
}

#[test]
fn mtg_committee_period_ending_the_day_before_as_of_counts_and_on_as_of_does_not() {
    // As of 1 April, March ended the day before: it is counted, and missed without a meeting.
    let (findings, statuses) = run(&with_committee(), &[], 2025, d(2025, 4, 1));
    let march = status(&statuses, "MTG-COMMITTEE", "2025年3月").unwrap();
    assert!(!march.met);
    assert_eq!(march.held, 0);
    assert!(findings.iter().any(|f| f.rule_id == "MTG-COMMITTEE" && f.severity == Severity::Warning));
    // As of 31 March, March is still open: no status, only an upcoming finding.
    let (findings, statuses) = run(&with_committee(), &[], 2025, d(2025, 3, 31));
    assert!(status(&statuses, "MTG-COMMITTEE", "2025年3月").is_none());
    assert!(findings.iter().any(|f| f.rule_id == "MTG-COMMITTEE"
        && f.severity == Severity::Upcoming
        && f.period.is_some_and(|p| p.label() == "2025年3月")));
    assert_eq!(statuses.iter().filter(|s| s.rule_id == "MTG-COMMITTEE").count(), 2, "January and February");
}

#[test]
fn mtg_committee_meeting_without_quorum_is_not_held() {
    let mut r = rec(1, MeetingKind::CommitteeMeeting, d(2025, 5, 12));
    r.attendance = vec![
        Attendee::full(100, Attendance::Present),
        Attendee::full(101, Attendance::Absent),
        Attendee::full(102, Attendance::Absent),
        Attendee::full(103, Attendance::Excused),
    ];
    let (findings, statuses) = run(&with_committee(), &[r], 2025, d(2025, 6, 1));
    let may = status(&statuses, "MTG-COMMITTEE", "2025年5月").unwrap();
    assert_eq!((may.held, may.met), (0, false));
    let may_findings: Vec<_> = findings
        .iter()
        .filter(|f| f.rule_id == "MTG-COMMITTEE" && f.period.is_some_and(|p| p.label() == "2025年5月"))
        .collect();
    assert_eq!(may_findings.len(), 2, "the shortfall and the quorum finding");
}

#[test]
fn mtg_assembly_vote_without_quorum_still_counts_as_held() {
    let mut r = rec(1, MeetingKind::BranchAssembly, d(2025, 2, 20));
    r.has_vote = true;
    r.attendance = vec![Attendee::full(100, Attendance::Present), Attendee::full(101, Attendance::Absent)];
    r.attendance.extend((102..106).map(|m| Attendee::full(m, Attendance::Absent)));
    let (findings, statuses) = run(&with_committee(), &[r], 2025, d(2025, 4, 1));
    let q1 = status(&statuses, "MTG-ASSEMBLY", "2025年第一季度").unwrap();
    assert_eq!((q1.held, q1.met), (1, true));
    assert!(findings.iter().any(|f| f.rule_id == "MTG-ASSEMBLY" && f.severity == Severity::Violation));
}

#[test]
fn mtg_assembly_quarter_counts_in_its_last_month() {
    let (_, statuses) = run(&with_committee(), &[], 2025, d(2025, 7, 1));
    let q2 = status(&statuses, "MTG-ASSEMBLY", "2025年第二季度").unwrap();
    assert_eq!(q2.month(), 6);
    assert!(!q2.met);
}

#[test]
fn mtg_org_life_outside_q4_is_met_but_still_a_warning() {
    let records = [rec(1, MeetingKind::LifeMeeting, d(2025, 9, 20))];
    let (findings, statuses) = run(&with_committee(), &records, 2025, d(2026, 1, 1));
    let year = status(&statuses, "MTG-ORG-LIFE", "2025年").unwrap();
    assert_eq!((year.held, year.met), (1, true));
    assert!(findings.iter().any(|f| f.rule_id == "MTG-ORG-LIFE" && f.severity == Severity::Warning));
    // On 31 December the year is still open: no status.
    let (_, statuses) = run(&with_committee(), &records, 2025, d(2025, 12, 31));
    assert!(status(&statuses, "MTG-ORG-LIFE", "2025年").is_none());
}

#[test]
fn mtg_org_life_missing_is_missed() {
    let (_, statuses) = run(&with_committee(), &[], 2025, d(2026, 1, 1));
    assert!(!status(&statuses, "MTG-ORG-LIFE", "2025年").unwrap().met);
}

#[test]
fn mtg_lesson_counts_the_secretarys_lecture_given_elsewhere() {
    let mut org = OrgFacts::new(ORG, OrgKind::Committee);
    org = org.with_post(100, domain::org::PostKind::Secretary, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    let mut r = RecordFact::new(1, 99, MeetingKind::PartyLecture, d(2025, 6, 1));
    r.lecturer_id = Some(100);
    let (_, statuses) = run(&org, &[r], 2025, d(2026, 1, 1));
    let year = status(&statuses, "MTG-LESSON", "2025年").unwrap();
    assert_eq!((year.held, year.met), (1, true));
    // Without a secretary, MTG-LESSON does not apply at all.
    org.posts.clear();
    let (_, statuses) = run(&org, &[], 2025, d(2026, 1, 1));
    assert!(statuses.is_empty());
}

#[test]
fn mtg_group_statuses_only_for_groups() {
    let group = OrgFacts::new(ORG, OrgKind::Group);
    let (_, statuses) = run(&group, &[rec(1, MeetingKind::GroupMeeting, d(2025, 1, 5))], 2025, d(2026, 1, 1));
    assert_eq!(statuses.len(), 12);
    assert!(statuses.iter().all(|s| s.rule_id == "MTG-GROUP"));
    assert_eq!(statuses.iter().filter(|s| s.met).count(), 1);
}

#[test]
fn mtg_theme_day_periods_before_the_org_existed_are_not_counted() {
    // Set up on 17 March: 15 of March's 31 days, under half: March owes nothing.
    let mut org = with_committee();
    org.established_on = Some(d(2025, 3, 17));
    let (_, statuses) = run(&org, &[], 2025, d(2026, 1, 1));
    let months: Vec<String> =
        statuses.iter().filter(|s| s.rule_id == "MTG-THEME-DAY").map(|s| s.period.label()).collect();
    assert_eq!(months.first().map(String::as_str), Some("2025年4月"), "March was less than half");
    assert_eq!(months.len(), 9);
    // 16 March: 16 of 31 days, over half: March owes one (pro rata).
    org.established_on = Some(d(2025, 3, 16));
    let (_, statuses) = run(&org, &[], 2025, d(2026, 1, 1));
    let march = status(&statuses, "MTG-THEME-DAY", "2025年3月").unwrap();
    assert_eq!((march.required, march.met), (1, false));
}

#[test]
fn records_after_as_of_do_not_count() {
    // As of 25 March, March's 主题党日 is due within the notice days. The record dated 28 March
    // lies after as_of: it is ignored, so the reminder for March stands and no period counts it.
    let records = [rec(1, MeetingKind::ThemedDay, d(2025, 3, 28))];
    let march_reminder = |findings: &[Finding]| {
        findings.iter().any(|f| {
            f.rule_id == "MTG-THEME-DAY"
                && f.severity == Severity::Upcoming
                && f.period.is_some_and(|p| p.label() == "2025年3月")
        })
    };
    let (findings, statuses) = run(&with_committee(), &records, 2025, d(2025, 3, 25));
    assert!(statuses.iter().all(|s| s.held == 0));
    assert!(march_reminder(&findings), "{findings:#?}");
    // Positive control: on the day of the record it counts and the reminder goes.
    let (findings, _) = run(&with_committee(), &records, 2025, d(2025, 3, 28));
    assert!(!march_reminder(&findings), "{findings:#?}");
}

#[test]
fn every_status_agrees_with_the_counts_for_the_national_rules() {
    // A branch with some meetings in a year: met is read from the findings, and agrees with
    // held >= required whenever the window warning is not involved.
    let mut records = Vec::new();
    for (i, m) in [1u32, 2, 4, 5, 7, 8, 10, 11].iter().enumerate() {
        records.push(rec(i as i64 * 3 + 1, MeetingKind::CommitteeMeeting, d(2025, *m, 10)));
        records.push(rec(i as i64 * 3 + 2, MeetingKind::ThemedDay, d(2025, *m, 11)));
    }
    records.push(rec(100, MeetingKind::BranchAssembly, d(2025, 6, 3)));
    records.push(rec(101, MeetingKind::Talk, d(2025, 6, 3)));
    let (_, statuses) = run(&with_committee(), &records, 2025, d(2026, 1, 1));
    assert!(!statuses.is_empty());
    for s in &statuses {
        assert_eq!(s.met, s.held >= s.required, "{s:?}");
    }
    let t = Tally::of(&statuses);
    // 12 + 12 months, 4 quarters, 3 yearly rules (MTG-ORG-LIFE, MTG-EVAL, MTG-TALK).
    assert_eq!(t.required_periods, 12 + 12 + 4 + 3);
    assert_eq!(t.met_periods, 8 + 8 + 1 + 1);
}

#[test]
fn one_rounding_nearest_half_up_never_100_with_a_miss_nor_0_with_a_meeting() {
    use domain::compliance::{format_permille, permille};
    assert_eq!(permille(2, 3), Some(667), "nearest: 666.67 → 667");
    assert_eq!(permille(1, 3), Some(333), "nearest: 333.33 → 333");
    assert_eq!(permille(1, 16), Some(63), "half up: 62.5 → 63");
    assert_eq!(permille(3, 16), Some(188), "half up: 187.5 → 188");
    assert_eq!(permille(1, 8), Some(125), "exact");
    assert_eq!(permille(1999, 2000), Some(999), "999.5 would round to 1000 with one missed");
    assert_eq!(permille(2000, 2000), Some(1000));
    assert_eq!(permille(2001, 2000), Some(1000), "capped");
    assert_eq!(permille(1, 2001), Some(1), "0.4998 would round to 0 with one met");
    assert_eq!(permille(0, 2001), Some(0));
    assert_eq!(permille(0, 0), None);
    assert_eq!(permille(u64::MAX - 1, u64::MAX), Some(999));
    assert_eq!(format_permille(667), "66.7%");
    assert_eq!(format_permille(900), "90%");
    // The dashboard's Tally and the ledger's chart use the same function: one figure per ratio.
    assert_eq!(reports_agree(2, 3), "66.7%");
}

/// The label the dashboard shows for `met` of `required` (Tally), which must equal the ledger's.
fn reports_agree(met: u64, required: u64) -> String {
    Tally { required_periods: required, met_periods: met }.rate_label()
}

#[test]
fn tally_rate_is_none_without_requirements() {
    assert_eq!(Tally::default().rate_permille(), None);
    assert_eq!(Tally::default().rate_label(), "—");
    let t = Tally { required_periods: 3, met_periods: 2 };
    assert_eq!(t.rate_permille(), Some(667));
    assert_eq!(t.rate_label(), "66.7%");
    let almost = Tally { required_periods: 10_000, met_periods: 9_999 };
    assert_eq!(almost.rate_permille(), Some(999), "never shown as 100% while one is missed");
    let all = Tally { required_periods: 7, met_periods: 7 };
    assert_eq!(all.rate_permille(), Some(1000));
    assert_eq!(all.missed_periods(), 0);
}

#[test]
fn tallies_merge_by_addition() {
    let mut a = Tally { required_periods: 10, met_periods: 9 };
    a.merge(Tally { required_periods: 5, met_periods: 1 });
    assert_eq!(a, Tally { required_periods: 15, met_periods: 10 });
    a += Tally::default();
    assert_eq!(a.missed_periods(), 5);
    assert_eq!(a.rate_permille(), Some(667));
    let huge = Tally { required_periods: u64::MAX, met_periods: u64::MAX };
    assert_eq!(huge.rate_permille(), Some(1000), "no overflow");
}
