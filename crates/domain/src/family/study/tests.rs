use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn person(id: i64, classes: u32, meetings: u32, imported: u32, concentrated: u32) -> YearHours {
    YearHours {
        member_id: id,
        member_name: format!("党员{id}"),
        classes: Hours(classes),
        meetings: Hours(meetings),
        imported: Hours(imported),
        concentrated,
    }
}

fn members(people: Vec<YearHours>) -> StudyFacts {
    StudyFacts { members: people, post_holders: Vec::new() }
}

fn found(rules: &RuleSet<Check>, kind: OrgKind, facts: &StudyFacts, as_of: NaiveDate) -> Vec<Finding> {
    evaluate(rules, 7, kind, facts, &When::new(2026, as_of, 30))
}

fn with_local() -> RuleSet<Check> {
    national().tighten(&local_rules()).unwrap()
}

#[test]
fn edu_train_hours_add_up_across_classes_lessons_and_imports() {
    // 24 + 6 + 1.5 = 31.5 hours: short by half an hour once the year is over.
    let short = members(vec![person(1, 240, 60, 15, 0)]);
    let f = found(&national(), OrgKind::Branch, &short, d(2027, 1, 1));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_id, "EDU-TRAIN-HOURS");
    assert_eq!(f[0].severity, Severity::Warning);
    assert_eq!(f[0].member_id(), Some(1));
    assert!(f[0].message.contains("已记录31.5学时，差0.5学时"), "{}", f[0].message);
    assert_eq!(f[0].due, Some(d(2026, 12, 31)));
    // 24 + 6 + 2 = 32 hours: enough.
    let enough = members(vec![person(1, 240, 60, 20, 0)]);
    assert!(found(&national(), OrgKind::Branch, &enough, d(2027, 1, 1)).is_empty());
}

#[test]
fn edu_train_hours_is_upcoming_within_the_notice_before_the_year_end() {
    let short = members(vec![person(1, 100, 0, 0, 0)]);
    // 30 notice days: 1 December is inside, 30 November is not.
    assert!(found(&national(), OrgKind::Branch, &short, d(2026, 11, 30)).is_empty());
    let f = found(&national(), OrgKind::Branch, &short, d(2026, 12, 1));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Upcoming);
    assert!(f[0].message.contains("应于2026年12月31日前达到32学时"), "{}", f[0].message);
    // The year's last day is still upcoming; the day after it is the shortfall.
    assert_eq!(found(&national(), OrgKind::Branch, &short, d(2026, 12, 31))[0].severity, Severity::Upcoming);
    assert_eq!(found(&national(), OrgKind::Branch, &short, d(2027, 1, 1))[0].severity, Severity::Warning);
}

#[test]
fn edu_train_hours_is_judged_in_branches_only() {
    let short = members(vec![person(1, 0, 0, 0, 0)]);
    assert!(found(&national(), OrgKind::Committee, &short, d(2027, 1, 1)).is_empty());
    assert_eq!(found(&national(), OrgKind::Branch, &short, d(2027, 1, 1)).len(), 1);
}

#[test]
fn edu_train_hours_may_be_raised_by_a_committee_never_lowered() {
    let rule = &national_rules()[0];
    let raised =
        Rule { check: Check::MemberHours { hours: 40 }, source: RuleSource::Local("县委".into()), ..rule.clone() };
    let tightened = national().tighten(&[raised]).unwrap();
    let at_32 = members(vec![person(1, 320, 0, 0, 0)]);
    assert_eq!(found(&tightened, OrgKind::Branch, &at_32, d(2027, 1, 1)).len(), 1);
    let lowered =
        Rule { check: Check::MemberHours { hours: 30 }, source: RuleSource::Local("县委".into()), ..rule.clone() };
    assert!(national().tighten(&[lowered]).is_err());
}

#[test]
fn edu_sec_hours_is_local_and_off_by_default() {
    let holders = StudyFacts { members: Vec::new(), post_holders: vec![person(1, 0, 0, 0, 0)] };
    assert!(found(&national(), OrgKind::Branch, &holders, d(2027, 1, 1)).is_empty());
    assert!(national().get("EDU-SEC-HOURS").is_none());
    assert!(local_rules()[0].source.is_local());
}

#[test]
fn edu_sec_hours_needs_56_hours_and_one_concentrated_training() {
    let rules = with_local();
    let at = |classes, trainings| StudyFacts {
        members: Vec::new(),
        post_holders: vec![person(1, classes, 0, 0, trainings)],
    };
    // 55.5 hours with a concentrated training: short by half an hour.
    let f = found(&rules, OrgKind::Committee, &at(555, 1), d(2027, 1, 1));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_id, "EDU-SEC-HOURS");
    assert!(f[0].message.contains("差0.5学时"), "{}", f[0].message);
    // 56 hours with one: enough.
    assert!(found(&rules, OrgKind::Committee, &at(560, 1), d(2027, 1, 1)).is_empty());
    // 56 hours without a concentrated training: short of the training.
    let f = found(&rules, OrgKind::Committee, &at(560, 0), d(2027, 1, 1));
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("集中培训0次"), "{}", f[0].message);
}

#[test]
fn study_findings_are_silent_early_in_the_year() {
    let short = members(vec![person(1, 0, 0, 0, 0)]);
    assert!(found(&with_local(), OrgKind::Branch, &short, d(2026, 6, 30)).is_empty());
    assert!(!in_season(&When::new(2026, d(2026, 6, 30), 30)));
    assert_eq!(judged_on(&When::new(2026, d(2027, 3, 1), 30)), Some(d(2026, 12, 31)));
    assert_eq!(judged_on(&When::new(2026, d(2026, 12, 5), 30)), Some(d(2026, 12, 5)));
}

#[test]
fn a_training_class_is_checked_field_by_field() {
    let today = d(2026, 6, 1);
    let ok = ClassInput {
        kind: "rotation".into(),
        title: "2026年党员集中轮训".into(),
        organiser: "县委教育工委".into(),
        starts_on: "2026-05-11".into(),
        ends_on: "2026-05-13".into(),
        hours: "24".into(),
        concentrated: "on".into(),
        place: String::new(),
    };
    let class = ok.check(today).unwrap();
    assert_eq!(class.hours, Hours(240));
    assert!(class.concentrated);
    let bad = ClassInput { kind: "x".into(), ends_on: "2026-05-10".into(), hours: "0".into(), ..ok.clone() };
    let e = bad.check(today).unwrap_err();
    assert!(e.get("kind").is_some());
    assert_eq!(e.get("ends_on"), Some("结束日期不能早于开始日期"));
    assert_eq!(e.get("hours"), Some("学时应大于0"));
    let future = ClassInput { starts_on: "2026-06-02".into(), ends_on: "2026-06-03".into(), ..ok };
    assert!(future.check(today).unwrap_err().get("starts_on").is_some());
}
