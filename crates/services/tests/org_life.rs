//! Recording organizational life on both backends: expected attendees from membership, quick
//! recording with exceptions only, and findings that disappear once the record is there.

use chrono::NaiveDate;
use domain::member::{IdNumber, MemberInput};
use domain::scope::{Actor, Grant};
use services::org_life::MeetingInput;
use services::orgs::OrgInput;
use services::{HashCost, ServiceError, Services, console_actor};
use std::collections::HashMap;
use storage::Db;
use storage::audit::AuditKey;

fn services(db: Db) -> Services {
    Services::new(db, AuditKey::new(vec![5u8; 32]), HashCost::cheap_for_tests())
}

fn person(name: &str, seq: u16) -> MemberInput {
    let birth = NaiveDate::from_ymd_opt(1980, 1, 1).unwrap();
    MemberInput {
        name: name.into(),
        id_number: IdNumber::from_parts("110105", birth, seq).unwrap().as_str().to_string(),
        ethnicity: "01".into(),
        joined_on: "2010-06-01".into(),
        confirmed_on: "2011-06-01".into(),
        status: "full".into(),
        dues_category: "employed".into(),
        ..Default::default()
    }
}

test_support::on_both_backends!(recording_a_committee_meeting_clears_that_months_finding);

async fn recording_a_committee_meeting_clears_that_months_finding(db: Db) {
    let s = services(db);
    let c = console_actor();
    let org = |name: &str, kind: &str| OrgInput {
        name: name.into(),
        kind: kind.into(),
        established_on: "2015-01-01".into(),
        term_start_on: "2024-06-01".into(),
        term_years: "3".into(),
        ..Default::default()
    };
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let other = s.create_org(&c, Some(root.id), &org("他支部", "branch")).await.unwrap();
    let names = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"];
    let mut ids = Vec::new();
    for (i, n) in names.iter().enumerate() {
        ids.push(s.create_member(&c, b.id, None, &person(&format!("党员{n}"), i as u16 * 2 + 1)).await.unwrap());
    }
    for (post, m) in ["secretary", "organization_officer", "publicity_officer"].iter().zip(&ids) {
        s.add_post(&c, b.id, *m, post, "2024-06-01").await.unwrap();
    }
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let oct = |f: &domain::findings::Finding| {
        f.rule_id == "MTG-COMMITTEE" && f.period.as_ref().is_some_and(|p| p.label() == "2026年10月")
    };
    let before = s.org_findings(&c, b.id, 2026, as_of).await.unwrap();
    assert!(before.iter().any(oct), "{:?}", before.iter().map(|f| (&f.rule_id, &f.message)).collect::<Vec<_>>());
    let fix = before.iter().find(|f| oct(f)).and_then(|f| f.fix.clone()).unwrap();
    assert!(fix.label.contains("支委会"), "{}", fix.label);

    let mut input = MeetingInput {
        kind: "committee_meeting".into(),
        held_on: "2026-10-15".into(),
        topic: "研究十月份工作".into(),
        ..Default::default()
    };
    // An excused absence needs a reason; the error names the member's field.
    input.exceptions = HashMap::from([(ids[1], ("excused".to_string(), String::new()))]);
    match s.record_meeting(&c, b.id, &input).await {
        Err(ServiceError::Invalid(e)) => assert!(e.get(&format!("reason_{}", ids[1])).is_some()),
        other => panic!("{other:?}"),
    }
    input.exceptions = HashMap::from([(ids[1], ("excused".to_string(), "外出培训".to_string()))]);
    let mid = s.record_meeting(&c, b.id, &input).await.unwrap();
    let after = s.org_findings(&c, b.id, 2026, as_of).await.unwrap();
    assert!(!after.iter().any(oct), "the October finding is gone once the meeting is recorded");
    let views = s.meetings_of(&c, b.id, 2026).await.unwrap();
    assert_eq!(views[0].meeting.id, mid);
    // Expected at a committee meeting: the three post holders, one excused.
    assert_eq!(views[0].attendance.len(), 3);
    assert_eq!(views[0].attendance.iter().filter(|a| a.attendance == "excused").count(), 1);
    // Groups' meetings are not a branch's; dates cannot be in the future.
    let mut wrong = input.clone();
    wrong.kind = "group_meeting".into();
    assert!(matches!(s.record_meeting(&c, b.id, &wrong).await, Err(ServiceError::Invalid(_))));
    let mut future = input.clone();
    future.held_on = "2999-01-01".into();
    assert!(matches!(s.record_meeting(&c, b.id, &future).await, Err(ServiceError::Invalid(_))));
    // Another branch's keeper neither sees nor records here.
    let worker = Actor {
        account_id: 9,
        username: "w".into(),
        grants: vec![Grant::PartyWorker { branch: other.org_path().unwrap() }],
    };
    assert!(matches!(s.record_meeting(&worker, b.id, &input).await, Err(ServiceError::NotFound)));
    assert!(matches!(s.org_findings(&worker, b.id, 2026, as_of).await, Err(ServiceError::NotFound)));
    let (n,): (i64,) =
        s.db.fetch_one("SELECT COUNT(*) FROM audit_entries WHERE action = 'meeting.record'", &[]).await.unwrap();
    assert_eq!(n, 1);
}
