//! Study and training (学习培训) on both backends: a member's class hours add up from classes
//! completed, 党课 attended with hours and imported totals; EDU-TRAIN-HOURS and EDU-SEC-HOURS are
//! found near the year's end and after it, with 31.5 against 32 and 55.5 against 56.

use chrono::NaiveDate;
use domain::family::study::ClassInput;
use domain::member::{IdNumber, MemberInput};
use services::org_life::MeetingInput;
use services::orgs::OrgInput;
use services::training::ClassForm;
use services::{HashCost, ServiceError, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;

test_support::on_both_backends!(
    edu_train_hours_add_up_from_classes_lessons_and_imports,
    edu_sec_hours_judges_the_post_holders_once_switched_on,
    training_class_refuses_people_outside_the_org,
    study_first_topic_refuses_a_committee_meeting_without_it_once_switched_on,
    study_group_finds_a_two_month_period_without_a_session,
);

fn day(s: &str) -> NaiveDate {
    domain::dates::parse_iso(s).unwrap()
}

fn org(name: &str, kind: &str) -> OrgInput {
    OrgInput {
        name: name.into(),
        kind: kind.into(),
        established_on: "2015-01-01".into(),
        term_start_on: "2024-06-01".into(),
        term_years: "3".into(),
        ..Default::default()
    }
}

fn member(name: &str, seq: u16) -> MemberInput {
    let birth = day("1985-03-01");
    MemberInput {
        name: name.into(),
        gender: "male".into(),
        id_number: IdNumber::from_parts("110105", birth, seq * 2 + 1).unwrap().as_str().to_string(),
        ethnicity: "01".into(),
        birth_date: "1985-03-01".into(),
        education: "21".into(),
        joined_on: "2010-07-01".into(),
        confirmed_on: "2011-07-01".into(),
        status: "full".into(),
        dues_category: "employed".into(),
        ..Default::default()
    }
}

fn class(title: &str, ends_on: &str, hours: &str, concentrated: bool) -> ClassInput {
    ClassInput {
        kind: "rotation".into(),
        title: title.into(),
        organiser: "县委教育工委".into(),
        starts_on: ends_on.into(),
        ends_on: ends_on.into(),
        hours: hours.into(),
        concentrated: if concentrated { "on".into() } else { String::new() },
        place: String::new(),
    }
}

struct County {
    s: Services,
    root: i64,
    branch: i64,
    /// 张一, 王二, 李三.
    ids: [i64; 3],
}

async fn county(db: Db) -> County {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = Some(day("2026-12-20"));
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县教育局党委", "committee")).await.unwrap().id;
    let branch = s.create_org(&c, Some(root), &org("一中党支部", "branch")).await.unwrap().id;
    let mut ids = [0; 3];
    for (i, name) in ["张一", "王二", "李三"].into_iter().enumerate() {
        ids[i] = s.create_member(&c, branch, None, &member(name, u16::try_from(i).unwrap() + 1)).await.unwrap();
    }
    County { s, root, branch, ids }
}

fn hours_findings(f: &[domain::findings::Finding], rule: &str) -> Vec<(i64, String)> {
    let mut out: Vec<(i64, String)> = f
        .iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| (f.member_id().unwrap(), f.severity.as_str().to_string()))
        .collect();
    out.sort();
    out
}

async fn edu_train_hours_add_up_from_classes_lessons_and_imports(db: Db) {
    let County { s, root, branch, ids } = county(db).await;
    let c = console_actor();
    // A 24-hour class: 张一 and 王二 enrolled, 王二 did not complete it.
    let form = ClassForm {
        class: class("2026年党员集中轮训", "2026-05-13", "24", true),
        people: "张一\n王二".into(),
        not_completed: "王二".into(),
    };
    let class_id = s.record_training_class(&c, root, &form).await.unwrap();
    let page = s.training_class(&c, class_id).await.unwrap();
    assert_eq!((page.class.enrolled, page.class.completed), (2, 1));
    // A 党课 of 6 hours; 李三 absent. A 7.5-hour study 主题党日 attended by all.
    let lesson = MeetingInput {
        kind: "party_lecture".into(),
        held_on: "2026-07-01".into(),
        topic: "七一专题党课".into(),
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[1]),
        lecturer_member_id: Some(ids[0]),
        class_hours: "6".into(),
        exceptions: [(ids[2], ("absent".to_string(), String::new()))].into_iter().collect(),
        ..Default::default()
    };
    let lesson_id = s.record_meeting(&c, branch, &lesson).await.unwrap();
    let day_of_study = MeetingInput {
        kind: "themed_day".into(),
        held_on: "2026-09-15".into(),
        topic: "学习党章".into(),
        class_hours: "1.5".into(),
        ..lesson.clone()
    };
    let day_of_study = MeetingInput { exceptions: Default::default(), ..day_of_study };
    s.record_meeting(&c, branch, &day_of_study).await.unwrap();
    // Hours on a committee meeting are refused, field by field.
    let committee_meeting = MeetingInput { kind: "committee_meeting".into(), ..day_of_study.clone() };
    let Err(ServiceError::Invalid(e)) = s.record_meeting(&c, branch, &committee_meeting).await else { panic!() };
    assert!(e.get("class_hours").is_some());

    // 张一: 24 + 6 + 1.5 = 31.5, half an hour short of 32.
    let h = s.member_hours(&c, ids[0], 2026).await.unwrap();
    assert_eq!((h.total.as_str(), h.target.as_str(), h.reached), ("31.5", "32", false));
    assert_eq!(h.sources.len(), 3);
    // 王二: 6 + 1.5 (the class not completed); 李三: 1.5.
    assert_eq!(s.member_hours(&c, ids[1], 2026).await.unwrap().total, "7.5");
    assert_eq!(s.member_hours(&c, ids[2], 2026).await.unwrap().total, "1.5");

    // EDU-TRAIN-HOURS: silent on 30 November, upcoming on 20 December, a shortfall on 1 January.
    let found = |on: &'static str| {
        let s = &s;
        async move { s.org_findings(&console_actor(), branch, 2026, day(on)).await.unwrap() }
    };
    assert!(hours_findings(&found("2026-11-30").await, "EDU-TRAIN-HOURS").is_empty());
    let upcoming = hours_findings(&found("2026-12-20").await, "EDU-TRAIN-HOURS");
    assert_eq!(upcoming, [(ids[0], "upcoming".into()), (ids[1], "upcoming".into()), (ids[2], "upcoming".into())]);
    // Half an hour more for 张一 from an outside platform: 32, enough.
    s.import_training_hours(&c, ids[0], 2026, "党员教育平台", "0.5").await.unwrap();
    let after = hours_findings(&found("2027-01-01").await, "EDU-TRAIN-HOURS");
    assert_eq!(after, [(ids[1], "warning".into()), (ids[2], "warning".into())]);
    assert_eq!(s.member_hours(&c, ids[0], 2026).await.unwrap().total, "32");

    // The register of the committee: three members, one reached.
    let r = s.hours_register(&c, root, 2026, 2, 0).await.unwrap();
    assert_eq!((r.members, r.reached, r.target.as_str(), r.lines.len()), (3, 1, "32", 2));
    assert_eq!(s.hours_register(&c, root, 2026, 2, 2).await.unwrap().lines.len(), 1);
    // The roll-up's sum, and the summary kept on write agrees with the sources.
    let target = domain::family::study::Hours::whole(32);
    let sum = storage::training::subtree_summary(s.fixture_db(), "/", "0", 2026, target).await.unwrap();
    assert_eq!((sum.members, sum.reached, sum.hours), (3, 1, 320 + 75 + 15));
    assert_eq!(storage::training::stale_hours(s.fixture_db(), &[2025, 2026]).await.unwrap(), 0);
    // Table 9 of the statistics: 张一 completed a rotation class; 张一 alone reached 32 hours.
    use domain::stats::Tally;
    let r = s.stats(&c, root, day("2026-12-20")).await.unwrap();
    let e = &r.total.events;
    assert_eq!((e.get(Tally::Trained), e.get(Tally::TrainedRotation), e.get(Tally::TrainedPartySchool)), (1, 1, 0));
    assert_eq!(e.get(Tally::HoursReached), 1);
    let page = s.stats_cell(&c, root, day("2026-12-20"), "event-hours_reached", 1).await.unwrap();
    assert_eq!(page.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["张一"]);
    let page = s.stats_cell(&c, root, day("2026-12-20"), "event-trained", 1).await.unwrap();
    assert_eq!(page.total, 1);
    // The class is listed for the committee and the year it ended in.
    assert_eq!(s.training_classes(&c, root, 2026).await.unwrap().classes.len(), 1);
    assert!(s.training_classes(&c, root, 2025).await.unwrap().classes.is_empty());
    // A correction that marks 王二 absent from the 党课, then voiding it: the hours follow.
    let corrected = MeetingInput {
        exceptions: [(ids[1], ("absent".to_string(), String::new())), (ids[2], ("absent".to_string(), String::new()))]
            .into_iter()
            .collect(),
        ..lesson.clone()
    };
    s.correct_meeting(&c, lesson_id, &corrected, "王二实际缺席").await.unwrap();
    assert_eq!(s.member_hours(&c, ids[1], 2026).await.unwrap().total, "1.5");
    s.void_meeting(&c, lesson_id, "重复录入").await.unwrap();
    assert_eq!(s.member_hours(&c, ids[0], 2026).await.unwrap().total, "26");
    assert_eq!(storage::training::stale_hours(s.fixture_db(), &[2025, 2026]).await.unwrap(), 0);
}

async fn edu_sec_hours_judges_the_post_holders_once_switched_on(db: Db) {
    let County { s, root, branch, ids } = county(db).await;
    let c = console_actor();
    s.add_post(&c, branch, ids[0], "secretary", "2024-06-01").await.unwrap();
    // 55.5 hours with a concentrated training.
    let form = ClassForm {
        class: class("书记培训班", "2026-04-20", "55.5", true),
        people: "张一".into(),
        not_completed: String::new(),
    };
    s.record_training_class(&c, root, &form).await.unwrap();
    let sec = |f: &[domain::findings::Finding]| hours_findings(f, "EDU-SEC-HOURS");
    // Off by default (a local rule set).
    assert!(sec(&s.org_findings(&c, branch, 2026, day("2027-01-01")).await.unwrap()).is_empty());
    s.set_setting(&c, root, "rule_set.书记和委员每年56学时", "on", "2026-01-01").await.unwrap();
    let f = s.org_findings(&c, branch, 2026, day("2027-01-01")).await.unwrap();
    assert_eq!(sec(&f), [(ids[0], "warning".into())]);
    assert!(f.iter().any(|f| f.rule_id == "EDU-SEC-HOURS" && f.message.contains("差0.5学时")), "{f:?}");
    // Half an hour more: 56, enough.
    s.import_training_hours(&c, ids[0], 2026, "党员教育平台", "0.5").await.unwrap();
    assert!(sec(&s.org_findings(&c, branch, 2026, day("2027-01-01")).await.unwrap()).is_empty());
}

async fn training_class_refuses_people_outside_the_org(db: Db) {
    let County { s, root, branch, .. } = county(db).await;
    let c = console_actor();
    let other = s.create_org(&c, Some(root), &org("二中党支部", "branch")).await.unwrap().id;
    s.create_member(&c, other, None, &member("赵四", 9)).await.unwrap();
    let form = ClassForm {
        class: class("支部轮训", "2026-05-13", "8", false),
        people: "张一\n赵四\n无此人".into(),
        not_completed: String::new(),
    };
    let Err(ServiceError::Invalid(e)) = s.record_training_class(&c, branch, &form).await else { panic!() };
    let message = e.get("people").unwrap();
    assert!(message.contains("“赵四”不是本组织的党员") && message.contains("“无此人”"), "{message}");
    assert!(s.training_classes(&c, branch, 2026).await.unwrap().classes.is_empty());
    // The committee above sees both branches' members.
    let form = ClassForm { people: "张一\n赵四".into(), ..form };
    s.record_training_class(&c, root, &form).await.unwrap();
}

async fn study_first_topic_refuses_a_committee_meeting_without_it_once_switched_on(db: Db) {
    let County { s, root, branch, ids } = county(db).await;
    let c = console_actor();
    let meeting = MeetingInput {
        kind: "committee_meeting".into(),
        held_on: "2026-06-10".into(),
        topic: "研究发展党员工作".into(),
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[1]),
        ..Default::default()
    };
    s.add_post(&c, branch, ids[0], "secretary", "2024-06-01").await.unwrap();
    s.add_post(&c, branch, ids[1], "organization_officer", "2024-06-01").await.unwrap();
    // Off by default: recorded without a 第一议题.
    s.record_meeting(&c, branch, &meeting).await.unwrap();
    s.set_setting(&c, root, "rule_set.第一议题制度", "on", "2026-07-01").await.unwrap();
    // From the day it applies, refused without one, naming the rule.
    let july = MeetingInput { held_on: "2026-07-08".into(), ..meeting.clone() };
    let Err(ServiceError::Invalid(e)) = s.record_meeting(&c, branch, &july).await else { panic!("refused") };
    assert_eq!(e.rule().map(|r| r.rule_id.as_str()), Some("STUDY-FIRST-TOPIC"));
    assert!(e.get("first_agenda_item").is_some());
    // The day before it applies, taken.
    let june = MeetingInput { held_on: "2026-06-30".into(), ..meeting.clone() };
    s.record_meeting(&c, branch, &june).await.unwrap();
    let with_topic = MeetingInput { first_agenda_item: "学习习近平总书记重要讲话精神".into(), ..july };
    s.record_meeting(&c, branch, &with_topic).await.unwrap();
}

async fn study_group_finds_a_two_month_period_without_a_session(db: Db) {
    let County { s, root, ids, .. } = county(db).await;
    let c = console_actor();
    for (i, post) in ["secretary", "deputy_secretary", "organization_officer"].into_iter().enumerate() {
        s.add_post(&c, root, ids[i], post, "2024-06-01").await.unwrap();
    }
    s.set_setting(&c, root, "rule_set.中心组每两个月学习1次", "on", "2026-01-01").await.unwrap();
    for held_on in ["2026-01-15", "2026-05-20"] {
        let session = MeetingInput {
            kind: "study_group_session".into(),
            held_on: held_on.into(),
            topic: "中心组专题学习".into(),
            host_member_id: Some(ids[0]),
            recorder_member_id: Some(ids[1]),
            ..Default::default()
        };
        s.record_meeting(&c, root, &session).await.unwrap();
    }
    let missed = |on: &'static str| {
        let s = &s;
        async move {
            s.org_findings(&console_actor(), root, 2026, day(on))
                .await
                .unwrap()
                .into_iter()
                .filter(|f| f.rule_id == "STUDY-GROUP" && f.severity.as_str() != "upcoming")
                .map(|f| f.period.unwrap().label())
                .collect::<Vec<_>>()
        }
    };
    assert!(missed("2026-04-30").await.is_empty());
    assert_eq!(missed("2026-05-01").await, ["2026年3–4月"]);
    assert_eq!(missed("2026-09-01").await, ["2026年3–4月", "2026年7–8月"]);
}
