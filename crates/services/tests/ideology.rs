//! 思政课 (SZK-LECTURE), 意识形态工作专题研究 (IDEOLOGY-RESP) and the 民主生活会's guidance from
//! the level above, on both backends: recorded as organizational-life records of their own kinds,
//! judged once a committee switches the local rule set on, by the semesters it keeps.

use chrono::NaiveDate;
use domain::member::{IdNumber, MemberInput};
use services::org_life::MeetingInput;
use services::orgs::OrgInput;
use services::{HashCost, ServiceError, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;

test_support::on_both_backends!(
    szk_lecture_finds_a_semester_without_the_secretarys_or_the_principals_lesson,
    szk_lecture_refuses_a_lesson_with_neither_lecturer_nor_principal,
    ideology_resp_counts_the_committees_topic_studies,
    democratic_life_meeting_records_the_guidance_of_the_level_above,
);

fn day(s: &str) -> NaiveDate {
    domain::dates::parse_iso(s).unwrap()
}

fn org(name: &str, kind: &str, unit: &str) -> OrgInput {
    OrgInput {
        name: name.into(),
        kind: kind.into(),
        unit_kind: unit.into(),
        established_on: "2015-01-01".into(),
        term_start_on: "2024-06-01".into(),
        term_years: "3".into(),
        ..Default::default()
    }
}

fn member(name: &str, seq: u16) -> MemberInput {
    let birth = day("1980-05-01");
    MemberInput {
        name: name.into(),
        gender: "female".into(),
        id_number: IdNumber::from_parts("110105", birth, seq * 2).unwrap().as_str().to_string(),
        ethnicity: "01".into(),
        birth_date: "1980-05-01".into(),
        education: "21".into(),
        joined_on: "2005-07-01".into(),
        confirmed_on: "2006-07-01".into(),
        status: "full".into(),
        dues_category: "employed".into(),
        ..Default::default()
    }
}

struct School {
    s: Services,
    root: i64,
    branch: i64,
    /// The secretary, a teacher, a third member.
    ids: [i64; 3],
}

async fn school(db: Db) -> School {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = Some(day("2026-12-20"));
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县教育局党委", "committee", "organ")).await.unwrap().id;
    let branch = s.create_org(&c, Some(root), &org("一中党支部", "branch", "public_school")).await.unwrap().id;
    let mut ids = [0; 3];
    for (i, name) in ["张书记", "王老师", "李老师"].into_iter().enumerate() {
        ids[i] = s.create_member(&c, branch, None, &member(name, u16::try_from(i).unwrap() + 1)).await.unwrap();
    }
    s.add_post(&c, branch, ids[0], "secretary", "2024-06-01").await.unwrap();
    School { s, root, branch, ids }
}

fn lesson(held_on: &str, lecturer: Option<i64>, by_principal: bool, recorder: i64) -> MeetingInput {
    MeetingInput {
        kind: "ideology_lesson".into(),
        held_on: held_on.into(),
        topic: "新时代的青年与担当".into(),
        host_member_id: Some(recorder),
        recorder_member_id: Some(recorder),
        lecturer_member_id: lecturer,
        by_principal,
        ..Default::default()
    }
}

async fn szk(s: &Services, org: i64, year: i32, as_of: &str) -> Vec<String> {
    s.org_findings(&console_actor(), org, year, day(as_of))
        .await
        .unwrap()
        .into_iter()
        .filter(|f| f.rule_id == "SZK-LECTURE" && f.severity.as_str() != "upcoming")
        .map(|f| f.message)
        .collect()
}

async fn szk_lecture_finds_a_semester_without_the_secretarys_or_the_principals_lesson(db: Db) {
    let School { s, root, branch, ids } = school(db).await;
    let c = console_actor();
    s.record_meeting(&c, branch, &lesson("2026-04-10", Some(ids[0]), false, ids[1])).await.unwrap();
    // Off by default (a local rule set).
    assert!(szk(&s, branch, 2026, "2026-07-10").await.is_empty());
    s.set_setting(&c, root, "rule_set.思政课每学期1次", "on", "2026-01-01").await.unwrap();
    s.set_setting(&c, root, "szk.semesters", "2026-02-24..2026-07-09、2026-09-01..2027-01-22", "2026-01-01")
        .await
        .unwrap();
    // The semester's last day: still open; the day after: the principal gave none.
    assert!(szk(&s, branch, 2026, "2026-07-09").await.is_empty());
    assert_eq!(
        szk(&s, branch, 2026, "2026-07-10").await,
        ["2026年春季学期（2026年2月24日至2026年7月9日）校长未讲思政课"]
    );
    // The principal's lesson on the last day, recorded late, settles it.
    s.record_meeting(&c, branch, &lesson("2026-07-09", None, true, ids[1])).await.unwrap();
    assert!(szk(&s, branch, 2026, "2026-07-10").await.is_empty());
    // A calendar that does not read is refused, naming the field.
    let Err(ServiceError::Invalid(e)) = s.set_setting(&c, root, "szk.semesters", "2026-09-01", "2026-01-01").await
    else {
        panic!("refused")
    };
    assert!(format!("{e:?}").contains("不是日期范围"), "{e:?}");
    // The committee above is an organ, not a school: nothing asked of it.
    assert!(szk(&s, root, 2026, "2026-12-20").await.is_empty());
}

async fn szk_lecture_refuses_a_lesson_with_neither_lecturer_nor_principal(db: Db) {
    let School { s, branch, ids, .. } = school(db).await;
    let c = console_actor();
    let Err(ServiceError::Invalid(e)) = s.record_meeting(&c, branch, &lesson("2026-04-10", None, false, ids[1])).await
    else {
        panic!("refused")
    };
    assert!(e.get("lecturer_member_id").is_some());
    // "校长讲授" belongs to a 思政课 only.
    let lecture = MeetingInput { kind: "party_lecture".into(), ..lesson("2026-04-10", Some(ids[0]), true, ids[1]) };
    let Err(ServiceError::Invalid(e)) = s.record_meeting(&c, branch, &lecture).await else { panic!("refused") };
    assert!(e.get("by_principal").is_some());
    let id = s.record_meeting(&c, branch, &lesson("2026-04-10", None, true, ids[1])).await.unwrap();
    let d = s.meeting_detail(&c, id).await.unwrap();
    assert!(d.meeting.by_principal && d.lecturer_name.is_none());
}

async fn ideology_resp_counts_the_committees_topic_studies(db: Db) {
    let School { s, root, ids, .. } = school(db).await;
    let c = console_actor();
    for (i, post) in ["secretary", "deputy_secretary", "organization_officer"].into_iter().enumerate() {
        s.add_post(&c, root, ids[i], post, "2024-06-01").await.unwrap();
    }
    s.set_setting(&c, root, "rule_set.意识形态工作每年专题研究2次", "on", "2026-01-01").await.unwrap();
    let study = MeetingInput {
        kind: "ideology_study".into(),
        held_on: "2026-03-05".into(),
        topic: "专题研究意识形态工作".into(),
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[1]),
        ..Default::default()
    };
    s.record_meeting(&c, root, &study).await.unwrap();
    let found = |on: &'static str| {
        let s = &s;
        async move {
            s.org_findings(&console_actor(), root, 2026, day(on))
                .await
                .unwrap()
                .into_iter()
                .filter(|f| f.rule_id == "IDEOLOGY-RESP")
                .map(|f| (f.severity.as_str().to_string(), f.message))
                .collect::<Vec<_>>()
        }
    };
    let open = found("2026-12-20").await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].0, "upcoming");
    assert_eq!(found("2027-01-01").await[0].1, "2026年仅开展1次意识形态工作专题研究，应至少2次");
    // The committee raises it to 4 a year.
    s.set_setting(&c, root, "IDEOLOGY-RESP.min_count", "4", "2026-01-01").await.unwrap();
    assert!(found("2027-01-01").await[0].1.contains("应至少4次"));
    // Lowering below the rule set's 2 is refused.
    assert!(s.set_setting(&c, root, "IDEOLOGY-RESP.min_count", "1", "2026-01-01").await.is_err());
}

async fn democratic_life_meeting_records_the_guidance_of_the_level_above(db: Db) {
    let School { s, root, ids, .. } = school(db).await;
    let c = console_actor();
    let meeting = MeetingInput {
        kind: "democratic_life_meeting".into(),
        held_on: "2026-01-20".into(),
        topic: "2025年度民主生活会".into(),
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[1]),
        ..Default::default()
    };
    let Err(ServiceError::Invalid(e)) = s.record_meeting(&c, root, &meeting).await else { panic!("refused") };
    assert!(e.get("guidance").unwrap().contains("上级到会指导"));
    let guided = MeetingInput {
        guidance: "县委督导组王某到会指导，点评班子对照检查材料".into(), ..meeting
    };
    let id = s.record_meeting(&c, root, &guided).await.unwrap();
    let d = s.meeting_detail(&c, id).await.unwrap();
    assert_eq!(d.meeting.guidance.as_deref(), Some("县委督导组王某到会指导，点评班子对照检查材料"));
}
