//! CON-LAPSE: 6 consecutive months absent without excuse from organizational life.

use chrono::NaiveDate;
use domain::family::org_life::RecordFact;
use domain::family::{OrgFacts, Rules, evaluate};
use domain::findings::Finding;
use domain::org::OrgKind;
use domain::org_life::{Attendance, Attendee, MeetingKind};
use domain::rules::Severity;

const ORG: i64 = 5;
const LAPSING: i64 = 1;
const KEEN: i64 = 2;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn branch() -> OrgFacts {
    let mut org = OrgFacts::new(ORG, OrgKind::Branch);
    org.full_members = 5;
    org.term_start = Some(d(2024, 1, 1));
    org
}

/// A themed day on the 15th of the month with id `yyyymm`, LAPSING with `attendance`, KEEN present.
fn meeting(y: i32, m: u32, attendance: Attendance) -> RecordFact {
    let mut r = RecordFact::new(i64::from(y) * 100 + i64::from(m), ORG, MeetingKind::ThemedDay, d(y, m, 15));
    r.attendance = vec![Attendee::full(LAPSING, attendance), Attendee::full(KEEN, Attendance::Present)];
    r
}

/// Monthly meetings from (y, m) for `n` months, all missed by LAPSING.
fn absent_months(y: i32, m: u32, n: u32) -> Vec<RecordFact> {
    (0..n)
        .map(|i| {
            let month0 = m - 1 + i;
            meeting(y + (month0 / 12) as i32, month0 % 12 + 1, Attendance::Absent)
        })
        .collect()
}

fn lapse(records: &[RecordFact], year: i32, as_of: NaiveDate, notice_days: u32) -> Vec<Finding> {
    evaluate(&Rules::national(), &branch(), records, year, as_of, notice_days)
        .into_iter()
        .filter(|f| f.rule_id == "CON-LAPSE")
        .collect()
}

#[test]
fn con_lapse_six_consecutive_months_absent_without_excuse_is_a_violation() {
    let records = absent_months(2025, 1, 6);
    let found = lapse(&records, 2025, d(2025, 7, 1), 0);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.severity, Severity::Violation);
    assert_eq!(f.member_id(), Some(LAPSING));
    assert_eq!(f.period.unwrap().label(), "2025年6月");
    assert_eq!(f.record_ids("meeting"), vec![202501, 202502, 202503, 202504, 202505, 202506]);
    assert_eq!(
        f.message,
        "党员（编号1）2025年1月至2025年6月连续6个月无正当理由未参加党的组织生活，按党章规定应视为自行脱党，请核实后提交支部党员大会讨论"
    );
    assert_eq!(f.citation, "《中国共产党章程》第九条");
    // The review list leads to the decision it ends in: 自行脱党除名 on the member's decision form.
    let fix = f.fix.as_ref().expect("a fix link");
    assert_eq!(fix.page, domain::findings::pages::MEMBER_DECISION);
    assert_eq!((fix.get("id"), fix.get("kind")), (Some("1"), Some("lapse_removed")));
}

#[test]
fn con_lapse_five_months_are_not_enough() {
    let mut records = vec![meeting(2025, 1, Attendance::Present)];
    records.extend(absent_months(2025, 2, 5));
    assert!(lapse(&records, 2025, d(2025, 7, 1), 0).is_empty());
}

#[test]
fn con_lapse_an_excused_absence_breaks_the_run() {
    let mut records = absent_months(2025, 1, 6);
    records[2] = meeting(2025, 3, Attendance::Excused);
    assert!(lapse(&records, 2025, d(2025, 7, 1), 0).is_empty());
}

#[test]
fn con_lapse_attending_any_meeting_of_the_month_breaks_the_run() {
    let mut records = absent_months(2025, 1, 6);
    let mut assembly = RecordFact::new(1, ORG, MeetingKind::BranchAssembly, d(2025, 3, 28));
    assembly.attendance = vec![Attendee::full(LAPSING, Attendance::Present)];
    records.push(assembly);
    assert!(lapse(&records, 2025, d(2025, 7, 1), 0).is_empty());
}

/// CON-LAPSE reading: a month in which the member was expected at no meeting neither counts
/// toward the run nor breaks it, so a branch that stops meeting cannot hide a member who had
/// stopped coming (its missing meetings are its own MTG-* findings).
#[test]
fn con_lapse_a_month_without_meetings_neither_counts_nor_breaks_the_run() {
    // January–March absent, no meeting in April, May–July absent: six months absent.
    let mut records = absent_months(2025, 1, 3);
    records.extend(absent_months(2025, 5, 3));
    let found = lapse(&records, 2025, d(2025, 8, 1), 0);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].period.unwrap().label(), "2025年7月", "completed by the sixth month absent");
    assert!(found[0].message.contains("其间未安排组织生活的月份不计"), "{}", found[0].message);
    // On the sixth absent month's last day it is not over: only the reminder.
    assert!(lapse(&records, 2025, d(2025, 7, 31), 0).iter().all(|f| f.severity == Severity::Upcoming));
    // Five absent months around a gap are not enough.
    let mut five = absent_months(2025, 1, 3);
    five.extend(absent_months(2025, 5, 2));
    assert!(lapse(&five, 2025, d(2025, 8, 1), 0).is_empty());
}

/// CON-LAPSE: the other two conditions, six consecutive calendar months of unpaid dues or of
/// refused assigned work, each alone.
#[test]
fn con_lapse_six_months_of_unpaid_dues_or_refused_work() {
    use domain::family::org_life::LifeFacts;
    use domain::findings::When;
    let months = |n: u32| (1..=n).map(|m| d(2025, m, 1)).collect::<std::collections::BTreeSet<_>>();
    let run = |facts: &LifeFacts, as_of: NaiveDate| -> Vec<Finding> {
        let dues = domain::family::dues::DuesFacts::default();
        let none = domain::family::lifecycle::LifecycleFacts::default();
        domain::family::evaluate_org(
            &Rules::national(),
            &branch(),
            facts.clone(),
            &dues,
            &none,
            &[],
            &When::new(2025, as_of, 0),
        )
        .findings
        .into_iter()
        .filter(|f| f.rule_id == "CON-LAPSE")
        .collect()
    };
    let mut dues = LifeFacts::default();
    dues.unpaid_dues.insert(LAPSING, months(6));
    let found = run(&dues, d(2025, 7, 1));
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("未交纳党费"), "{}", found[0].message);
    assert_eq!(found[0].member_id(), Some(LAPSING));
    // June not over yet: nothing.
    assert!(run(&dues, d(2025, 6, 30)).is_empty());
    // Five months, or six with a paid month between, are not enough.
    dues.unpaid_dues.insert(LAPSING, months(5));
    assert!(run(&dues, d(2025, 8, 1)).is_empty());
    let mut gap = months(7);
    gap.remove(&d(2025, 4, 1));
    dues.unpaid_dues.insert(LAPSING, gap);
    assert!(run(&dues, d(2025, 8, 1)).is_empty());
    let mut work = LifeFacts::default();
    work.no_assigned_work.insert(KEEN, months(6));
    let found = run(&work, d(2025, 7, 1));
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("不做党所分配的工作"), "{}", found[0].message);
}

#[test]
fn con_lapse_counts_group_meetings_passed_with_the_branch() {
    let mut records = absent_months(2025, 1, 5);
    let mut group = RecordFact::new(9, ORG + 100, MeetingKind::GroupMeeting, d(2025, 6, 3));
    group.attendance = vec![Attendee::full(LAPSING, Attendance::Absent)];
    records.push(group);
    let found = lapse(&records, 2025, d(2025, 7, 1), 0);
    assert_eq!(found.len(), 1);
    assert!(found[0].record_ids("meeting").contains(&9));
}

#[test]
fn con_lapse_applies_to_probationary_members_too() {
    let records: Vec<RecordFact> = absent_months(2025, 1, 6)
        .into_iter()
        .map(|mut r| {
            r.attendance[0].probationary = true;
            r
        })
        .collect();
    assert_eq!(lapse(&records, 2025, d(2025, 7, 1), 0).len(), 1);
}

#[test]
fn con_lapse_sixth_month_still_open_is_upcoming_not_a_violation() {
    let records = absent_months(2025, 1, 6);
    let found = lapse(&records, 2025, d(2025, 6, 30), 0);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Upcoming);
    assert_eq!(found[0].due, Some(d(2025, 6, 30)));
    assert_eq!(found[0].message, "党员（编号1）已连续5个月无正当理由未参加党的组织生活，2025年6月仍不参加将满6个月");
    assert_eq!(lapse(&records, 2025, d(2025, 7, 1), 0)[0].severity, Severity::Violation);
}

#[test]
fn con_lapse_upcoming_only_within_notice_days_and_not_after_attending() {
    let records = absent_months(2025, 1, 5);
    assert_eq!(lapse(&records, 2025, d(2025, 6, 10), 20).len(), 1);
    assert!(lapse(&records, 2025, d(2025, 6, 10), 19).is_empty());
    let mut attended = records.clone();
    attended.push(meeting(2025, 6, Attendance::Present));
    assert!(lapse(&attended, 2025, d(2025, 6, 20), 20).is_empty());
}

#[test]
fn con_lapse_records_after_as_of_are_ignored() {
    // Absent January to May; as of 25 June the run lacks only June, which ends within the
    // notice days: an upcoming finding. LAPSING attends on 28 June, after as_of: ignored.
    let mut records = absent_months(2025, 1, 5);
    let mut late = RecordFact::new(202_506, ORG, MeetingKind::ThemedDay, d(2025, 6, 28));
    late.attendance = vec![Attendee::full(LAPSING, Attendance::Present), Attendee::full(KEEN, Attendance::Present)];
    records.push(late);
    let found = lapse(&records, 2025, d(2025, 6, 25), 10);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Upcoming);
    assert_eq!(found[0].member_id(), Some(LAPSING));
    // Positive control: on the day of that meeting the attendance counts and breaks the run.
    assert!(lapse(&records, 2025, d(2025, 6, 28), 10).is_empty());
    // And a completed run is not undone by a later attendance either: as of 1 July (June absent
    // too) the lapse is reported, whatever July holds after that day.
    let mut records = absent_months(2025, 1, 6);
    let mut july = RecordFact::new(202_507, ORG, MeetingKind::ThemedDay, d(2025, 7, 2));
    july.attendance = vec![Attendee::full(LAPSING, Attendance::Present)];
    records.push(july);
    assert_eq!(lapse(&records, 2025, d(2025, 7, 1), 0).len(), 1);
}

#[test]
fn con_lapse_run_across_years_is_reported_in_the_year_it_completes() {
    // October 2024 to March 2025: completed in March 2025.
    let records = absent_months(2024, 10, 6);
    assert!(lapse(&records, 2024, d(2025, 5, 1), 0).is_empty());
    let found = lapse(&records, 2025, d(2025, 5, 1), 0);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("2024年10月至2025年3月连续6个月"), "{}", found[0].message);
}

#[test]
fn con_lapse_ongoing_run_is_reported_in_every_year_it_covers() {
    // July 2024 to January 2025: completed in December 2024, still going in January 2025.
    let records = absent_months(2024, 7, 7);
    assert_eq!(lapse(&records, 2024, d(2025, 3, 1), 0).len(), 1);
    let found = lapse(&records, 2025, d(2025, 3, 1), 0);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("连续7个月"));
    assert_eq!(found[0].period.unwrap().label(), "2024年12月");
}
