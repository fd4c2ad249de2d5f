//! The study rules of the organizational-life family (rules.md §12): STUDY-GROUP (the committee's
//! theory study group every two months by default, monthly or quarterly by a setting) and STUDY-FIRST-TOPIC (第一议题), both local rule sets.

use chrono::NaiveDate;
use domain::family::org_life::{self, Check as LifeCheck, RecordFact};
use domain::family::{AnyRule, OrgFacts, Rules, evaluate};
use domain::findings::Finding;
use domain::org::OrgKind;
use domain::org_life::MeetingKind;
use domain::period::{Period, PeriodKind};
use domain::rules::{RuleSource, Severity};

const ORG: i64 = 3;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn committee() -> OrgFacts {
    OrgFacts::new(ORG, OrgKind::Committee).with_committee(5, d(2024, 1, 1))
}

fn with_study_group() -> Rules {
    let local: Vec<AnyRule> =
        org_life::local_study_group(PeriodKind::TwoMonths).into_iter().map(AnyRule::from).collect();
    Rules::national().tighten(&local).unwrap()
}

fn found(rules: &Rules, records: &[RecordFact], as_of: NaiveDate) -> Vec<Finding> {
    evaluate(rules, &committee(), records, 2026, as_of, 10).into_iter().filter(|f| f.rule_id == "STUDY-GROUP").collect()
}

#[test]
fn study_group_is_local_and_off_by_default() {
    assert!(Rules::national().info("STUDY-GROUP").is_none());
    assert_eq!(
        org_life::local_study_group(PeriodKind::TwoMonths)[0].source,
        RuleSource::Local(org_life::LOCAL_STUDY_GROUP.to_string())
    );
    assert!(found(&Rules::national(), &[], d(2026, 12, 31)).is_empty());
}

#[test]
fn study_group_periods_are_two_calendar_months() {
    let p = Period::containing(PeriodKind::TwoMonths, d(2026, 4, 30));
    assert_eq!((p.start(), p.end(), p.label()), (d(2026, 3, 1), d(2026, 4, 30), "2026年3–4月".to_string()));
    assert_eq!(Period::in_year(PeriodKind::TwoMonths, 2026).len(), 6);
    assert_eq!(Period::containing(PeriodKind::TwoMonths, d(2026, 5, 1)).start(), d(2026, 5, 1));
}

#[test]
fn study_group_on_the_last_day_of_a_two_month_period_and_the_day_after() {
    let rules = with_study_group();
    // A session in January and one in May: March–April has none.
    let records = [
        RecordFact::new(1, ORG, MeetingKind::StudyGroupSession, d(2026, 1, 15)),
        RecordFact::new(2, ORG, MeetingKind::StudyGroupSession, d(2026, 5, 20)),
    ];
    let missing = |as_of| {
        found(&rules, &records, as_of)
            .into_iter()
            .filter(|f| f.severity != Severity::Upcoming)
            .map(|f| f.period.unwrap().label())
            .collect::<Vec<_>>()
    };
    // On 30 April the period is still open; on 1 May it is missed.
    assert!(missing(d(2026, 4, 30)).is_empty());
    assert_eq!(missing(d(2026, 5, 1)), ["2026年3–4月"]);
    // Still open, within the notice days: upcoming.
    let upcoming: Vec<_> =
        found(&rules, &records, d(2026, 4, 25)).into_iter().filter(|f| f.severity == Severity::Upcoming).collect();
    assert_eq!(upcoming.len(), 1, "{upcoming:?}");
    // A session on 30 April counts for March–April.
    let mut held = records.to_vec();
    held.push(RecordFact::new(3, ORG, MeetingKind::StudyGroupSession, d(2026, 4, 30)));
    assert!(found(&rules, &held, d(2026, 5, 1)).iter().all(|f| f.period.unwrap().label() != "2026年3–4月"));
}

#[test]
fn study_group_applies_to_committees_only() {
    let rules = with_study_group();
    let branch = OrgFacts::new(ORG, OrgKind::Branch);
    let f = evaluate(&rules, &branch, &[], 2026, d(2026, 12, 31), 0);
    assert!(f.iter().all(|f| f.rule_id != "STUDY-GROUP"));
}

#[test]
fn study_first_topic_is_local_and_kept_at_write_time() {
    assert!(Rules::national().info("STUDY-FIRST-TOPIC").is_none());
    let rule = &org_life::local_first_topic()[0];
    assert_eq!(rule.check, LifeCheck::FirstTopic { record: MeetingKind::CommitteeMeeting });
    // It gives no finding of its own: a record without its 第一议题 is refused when written.
    let local: Vec<AnyRule> = org_life::local_first_topic().into_iter().map(AnyRule::from).collect();
    let rules = Rules::national().tighten(&local).unwrap();
    let records = [RecordFact::new(1, ORG, MeetingKind::CommitteeMeeting, d(2026, 1, 15))];
    let f = evaluate(&rules, &committee(), &records, 2026, d(2026, 12, 31), 0);
    assert!(f.iter().all(|f| f.rule_id != "STUDY-FIRST-TOPIC"));
}

#[test]
fn study_group_every_two_months_is_at_least_once_a_quarter() {
    use domain::rules::RuleCheck;
    let two = LifeCheck::frequency(MeetingKind::StudyGroupSession, PeriodKind::TwoMonths, 1);
    let quarter = LifeCheck::frequency(MeetingKind::StudyGroupSession, PeriodKind::Quarter, 1);
    assert!(two.at_least_as_strict(&quarter).is_ok());
    assert!(quarter.at_least_as_strict(&two).is_err());
}

#[test]
fn study_group_period_is_the_committees_setting() {
    use domain::settings::{SettingChange, rule_set_key, rules_on};
    let change = |key: &str, value: &str| SettingChange {
        org_id: 1,
        org_path: "/1/".into(),
        org_name: "县委教育工委".into(),
        key: key.into(),
        value: value.into(),
        from: d(2026, 1, 1),
        seq: 1,
    };
    let on = change(rule_set_key(org_life::LOCAL_STUDY_GROUP), "on");
    let records = [RecordFact::new(1, ORG, MeetingKind::StudyGroupSession, d(2026, 1, 15))];
    let missed = |rules: &Rules, as_of| -> Vec<String> {
        found(rules, &records, as_of)
            .into_iter()
            .filter(|f| f.severity != Severity::Upcoming)
            .map(|f| f.period.unwrap().label())
            .collect()
    };
    // Monthly: February is missed on 1 March, not on 28 February.
    let monthly = change(domain::settings::STUDY_GROUP_PERIOD, "month");
    let rules = rules_on(&[&on, &monthly], "/1/", d(2026, 1, 1)).unwrap();
    assert!(rules.info("STUDY-GROUP").unwrap().title.contains("每月"));
    assert!(missed(&rules, d(2026, 2, 28)).is_empty());
    assert_eq!(missed(&rules, d(2026, 3, 1)), ["2026年2月"]);
    // Quarterly: the January session covers the first quarter, missed only from 1 July for Q2.
    let quarterly = change(domain::settings::STUDY_GROUP_PERIOD, "quarter");
    let rules = rules_on(&[&on, &quarterly], "/1/", d(2026, 1, 1)).unwrap();
    assert!(missed(&rules, d(2026, 6, 30)).is_empty());
    assert_eq!(missed(&rules, d(2026, 7, 1)), ["2026年第二季度"]);
    // Not set: every two months.
    let rules = rules_on(&[&on], "/1/", d(2026, 1, 1)).unwrap();
    assert_eq!(missed(&rules, d(2026, 5, 1)), ["2026年3–4月"]);
    // The period alone switches nothing on.
    let rules = rules_on(&[&monthly], "/1/", d(2026, 1, 1)).unwrap();
    assert!(rules.info("STUDY-GROUP").is_none());
    // A stored value that no longer reads is an error naming the setting.
    let bad = change(domain::settings::STUDY_GROUP_PERIOD, "weekly");
    let err = rules_on(&[&on, &bad], "/1/", d(2026, 1, 1)).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("STUDY-GROUP") || err.contains("study_group.period"), "{err}");
}
