//! The school and ideological-work rules of the organizational-life family (rules.md §12), both
//! local rule sets: SZK-LECTURE (a 思政课 by the secretary and by the principal every semester)
//! and IDEOLOGY-RESP (the committee studies ideological work as a topic twice a year).

use chrono::NaiveDate;
use domain::family::org_life::{self, RecordFact};
use domain::family::{AnyRule, OrgFacts, Rules, evaluate};
use domain::findings::Finding;
use domain::org::{OrgKind, PostKind, UnitKind};
use domain::org_life::MeetingKind;
use domain::rules::Severity;
use domain::semester::{Semester, parse_semesters};

const ORG: i64 = 7;
const SECRETARY: i64 = 70;
const TEACHER: i64 = 71;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A school's branch whose secretary took office on 1 March 2026.
fn school() -> OrgFacts {
    OrgFacts::of_unit(ORG, OrgKind::Branch, UnitKind::PublicSchool).with_post(
        SECRETARY,
        PostKind::Secretary,
        d(2026, 3, 1),
    )
}

fn with_lessons(semesters: Vec<Semester>) -> Rules {
    let local: Vec<AnyRule> = org_life::local_ideology_lesson(semesters).into_iter().map(AnyRule::from).collect();
    Rules::national().tighten(&local).unwrap()
}

fn lesson(id: i64, lecturer: Option<i64>, by_principal: bool, date: NaiveDate) -> RecordFact {
    let mut r = RecordFact::new(id, ORG, MeetingKind::IdeologyLesson, date);
    r.lecturer_id = lecturer;
    r.by_principal = by_principal;
    r
}

fn szk(rules: &Rules, org: &OrgFacts, records: &[RecordFact], year: i32, as_of: NaiveDate) -> Vec<Finding> {
    evaluate(rules, org, records, year, as_of, 10).into_iter().filter(|f| f.rule_id == "SZK-LECTURE").collect()
}

/// The spring semester of 2026 as a committee set it.
fn spring() -> Vec<Semester> {
    parse_semesters("2026-02-24..2026-07-09、2026-09-01..2027-01-22").unwrap()
}

#[test]
fn szk_lecture_is_local_and_off_by_default() {
    assert!(Rules::national().info("SZK-LECTURE").is_none());
    assert!(szk(&Rules::national(), &school(), &[], 2026, d(2026, 12, 31)).is_empty());
}

#[test]
fn szk_lecture_on_a_semesters_last_day_and_the_day_after() {
    let rules = with_lessons(spring());
    let held = [lesson(1, Some(SECRETARY), false, d(2026, 4, 10))];
    let ended = |as_of| {
        szk(&rules, &school(), &held, 2026, as_of)
            .into_iter()
            .filter(|f| f.severity != Severity::Upcoming)
            .collect::<Vec<_>>()
    };
    // On the semester's last day it is still open: an upcoming finding for the principal only.
    assert!(ended(d(2026, 7, 9)).is_empty());
    let open = szk(&rules, &school(), &held, 2026, d(2026, 7, 9));
    assert_eq!(open.len(), 1, "{open:?}");
    assert!(open[0].message.contains("校长尚未讲思政课"), "{}", open[0].message);
    // The day after, the principal's lesson is missing.
    let missed = ended(d(2026, 7, 10));
    assert_eq!(missed.len(), 1, "{missed:?}");
    assert_eq!(missed[0].severity, Severity::Warning);
    assert_eq!(missed[0].message, "2026年春季学期（2026年2月24日至2026年7月9日）校长未讲思政课");
    assert_eq!(missed[0].due, Some(d(2026, 7, 9)));
    // A principal's lesson on the last day counts.
    let mut both = held.to_vec();
    both.push(lesson(2, None, true, d(2026, 7, 9)));
    assert!(szk(&rules, &school(), &both, 2026, d(2026, 7, 10)).is_empty());
    // One the day after the semester does not.
    let late = [held[0].clone(), lesson(3, None, true, d(2026, 7, 10))];
    assert_eq!(szk(&rules, &school(), &late, 2026, d(2026, 7, 11)).len(), 1);
}

#[test]
fn szk_lecture_counts_the_secretary_of_the_lessons_day() {
    let rules = with_lessons(spring());
    // Given on 27 February, two days before the teacher became secretary: not the secretary's.
    let early = [lesson(1, Some(SECRETARY), true, d(2026, 2, 27))];
    let f = szk(&rules, &school(), &early, 2026, d(2026, 7, 10));
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].message.ends_with("书记未讲思政课"), "{}", f[0].message);
    // Someone else's lesson is not the secretary's either; nothing at all names both.
    let other = [lesson(1, Some(TEACHER), false, d(2026, 4, 1))];
    assert!(szk(&rules, &school(), &other, 2026, d(2026, 7, 10))[0].message.ends_with("书记、校长未讲思政课"));
}

#[test]
fn szk_lecture_applies_to_schools_only_and_judges_a_semester_in_the_year_it_ends() {
    let rules = with_lessons(spring());
    let organ = OrgFacts::of_unit(ORG, OrgKind::Branch, UnitKind::Organ).with_post(
        SECRETARY,
        PostKind::Secretary,
        d(2026, 3, 1),
    );
    assert!(szk(&rules, &organ, &[], 2026, d(2026, 12, 31)).is_empty());
    // The autumn semester of 2026 ends in January 2027: judged with 2027, not 2026.
    let f = szk(&rules, &school(), &[], 2026, d(2026, 12, 31));
    assert!(f.iter().all(|f| f.message.contains("春季")), "{f:?}");
    let next = szk(&rules, &school(), &[], 2027, d(2027, 1, 23));
    assert_eq!(next.len(), 1);
    assert!(next[0].message.starts_with("2026年秋季学期"), "{}", next[0].message);
}

#[test]
fn szk_lecture_without_a_calendar_uses_the_usual_semesters() {
    let rules = with_lessons(Vec::new());
    let f = szk(&rules, &school(), &[], 2026, d(2026, 8, 1));
    let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "2025年秋季学期（2025年9月1日至2026年1月31日）校长未讲思政课",
            "2026年春季学期（2026年2月1日至2026年7月31日）书记、校长未讲思政课",
        ]
    );
}

fn committee() -> OrgFacts {
    OrgFacts::new(ORG, OrgKind::Committee).with_committee(5, d(2024, 1, 1))
}

fn ideology(rules: &Rules, records: &[RecordFact], as_of: NaiveDate) -> Vec<Finding> {
    evaluate(rules, &committee(), records, 2026, as_of, 10)
        .into_iter()
        .filter(|f| f.rule_id == "IDEOLOGY-RESP")
        .collect()
}

#[test]
fn ideology_resp_twice_a_year_is_local_and_judged_at_the_years_end() {
    assert!(Rules::national().info("IDEOLOGY-RESP").is_none());
    let local: Vec<AnyRule> = org_life::local_ideology_study().into_iter().map(AnyRule::from).collect();
    let rules = Rules::national().tighten(&local).unwrap();
    let once = [RecordFact::new(1, ORG, MeetingKind::IdeologyStudy, d(2026, 3, 5))];
    // 31 December: still open; 1 January: one study of two.
    assert!(ideology(&rules, &once, d(2026, 12, 31)).iter().all(|f| f.severity == Severity::Upcoming));
    let after = evaluate(&rules, &committee(), &once, 2026, d(2027, 1, 1), 10);
    let missed: Vec<_> = after.iter().filter(|f| f.rule_id == "IDEOLOGY-RESP").collect();
    assert_eq!(missed.len(), 1);
    assert!(missed[0].message.contains("仅开展1次意识形态工作专题研究，应至少2次"), "{}", missed[0].message);
    let twice = [once[0].clone(), RecordFact::new(2, ORG, MeetingKind::IdeologyStudy, d(2026, 12, 31))];
    assert!(
        evaluate(&rules, &committee(), &twice, 2026, d(2027, 1, 1), 10).iter().all(|f| f.rule_id != "IDEOLOGY-RESP")
    );
}
