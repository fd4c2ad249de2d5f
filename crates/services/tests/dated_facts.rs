//! Facts on their own dates, through the service's check on both backends (issue: the rules
//! engine for every module, item 5): members are counted on the day asked, committee and
//! secretary per period from the dated posts.

use chrono::NaiveDate;
use domain::findings::Finding;
use domain::member::{IdNumber, MemberInput};
use services::orgs::OrgInput;
use services::{HashCost, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;

fn services(db: Db) -> Services {
    let mut s = Services::new(db, AuditKey::new(vec![5u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2026, 11, 20);
    s
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn person(name: &str, seq: u16) -> MemberInput {
    let birth = d(1980, 1, 1);
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

/// A name without digits: "党员甲", "党员乙", …
fn name(prefix: &str, i: u16) -> String {
    const NAMES: [&str; 10] = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];
    format!("{prefix}{}", NAMES[usize::from(i) % 10])
}

/// The findings of a rule, reminders of open periods left out.
fn of<'a>(findings: &'a [Finding], rule_id: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.rule_id == rule_id && f.severity != domain::rules::Severity::Upcoming).collect()
}

test_support::on_both_backends!(
    org_committee_counts_the_members_of_the_as_of_date,
    mtg_committee_is_owed_from_the_month_the_first_committee_is_in_office,
    mtg_lesson_follows_the_secretary_in_office_on_the_lectures_date,
);

/// ORG-COMMITTEE / ORG-BRANCH-MIN: a check as of a past day counts the members of that day, by
/// their status then (a member who died on 1 June counts before, not from; one confirmed on 1
/// March was probationary before).
async fn org_committee_counts_the_members_of_the_as_of_date(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..7u16 {
        ids.push(s.create_member(&c, b.id, None, &person(&name("党员", i), i * 2 + 1)).await.unwrap());
    }
    s.add_post(&c, b.id, ids[0], "secretary", "2024-06-01").await.unwrap();
    // Recorded as full, confirmed on 2026-03-01 after joining on 2025-03-01.
    let mut late = person("新转正", 41);
    late.joined_on = "2025-03-01".into();
    late.confirmed_on = "2026-03-01".into();
    let late = s.create_member(&c, b.id, None, &late).await.unwrap();
    // One of the seven died on 2026-06-01.
    let died = services::decisions::DecisionForm {
        kind: "death".into(),
        decided_on: "2026-06-01".into(),
        body: "党支部".into(),
        reason: "因病去世，家属告知".into(),
        ..Default::default()
    };
    s.record_decision(&c, ids[6], &died).await.unwrap();
    let branch = storage::org::get(s.fixture_db(), &domain::scope::Scope::everything(), b.id).await.unwrap().unwrap();
    let findings = |on: NaiveDate| {
        let s = &s;
        let branch = branch.clone();
        async move { s.console().findings_for(&branch, 2026, on).await.unwrap() }
    };
    let committee = |f: &[Finding]| of(f, "ORG-COMMITTEE").iter().map(|f| f.message.clone()).collect::<Vec<_>>();
    // 28 February: seven full members (the late one still probationary): a committee is due.
    assert_eq!(committee(&findings(d(2026, 2, 28)).await), vec!["正式党员7名，达到7名以上，应设立支部委员会"]);
    // 1 March: eight full members.
    assert_eq!(committee(&findings(d(2026, 3, 1)).await), vec!["正式党员8名，达到7名以上，应设立支部委员会"]);
    // 1 June: the deceased member no longer counts; 31 May they still did.
    assert_eq!(committee(&findings(d(2026, 5, 31)).await), vec!["正式党员8名，达到7名以上，应设立支部委员会"]);
    assert_eq!(committee(&findings(d(2026, 6, 1)).await), vec!["正式党员7名，达到7名以上，应设立支部委员会"]);
    // The day before the late member joined, seven; the day they joined, still seven full.
    assert_eq!(committee(&findings(d(2025, 2, 28)).await), vec!["正式党员7名，达到7名以上，应设立支部委员会"]);
    let _ = late;
}

/// MTG-COMMITTEE: a branch whose first committee is elected on 10 July owes no 支委会 for
/// January–June, and owes July's (the committee is in office on its last day).
async fn mtg_committee_is_owed_from_the_month_the_first_committee_is_in_office(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..8u16 {
        ids.push(s.create_member(&c, b.id, None, &person(&name("党员", i), i * 2 + 1)).await.unwrap());
    }
    s.add_post(&c, b.id, ids[0], "secretary", "2024-06-01").await.unwrap();
    s.add_post(&c, b.id, ids[1], "organization_officer", "2026-07-10").await.unwrap();
    s.add_post(&c, b.id, ids[2], "publicity_officer", "2026-07-10").await.unwrap();
    let found = s.org_findings(&c, b.id, 2026, d(2026, 11, 21)).await.unwrap();
    let months: Vec<String> = of(&found, "MTG-COMMITTEE").iter().map(|f| f.period.unwrap().label()).collect();
    assert_eq!(months, vec!["2026年7月", "2026年8月", "2026年9月", "2026年10月"]);
    // Elected on 1 August instead: July is not owed either.
    let later = s.create_org(&c, Some(root.id), &org("二支部", "branch")).await.unwrap();
    let mut more = Vec::new();
    for i in 0..8u16 {
        more.push(s.create_member(&c, later.id, None, &person(&name("二支部党员", i), 40 + i * 2 + 1)).await.unwrap());
    }
    s.add_post(&c, later.id, more[0], "secretary", "2024-06-01").await.unwrap();
    s.add_post(&c, later.id, more[1], "organization_officer", "2026-08-01").await.unwrap();
    let found = s.org_findings(&c, later.id, 2026, d(2026, 11, 21)).await.unwrap();
    let months: Vec<String> = of(&found, "MTG-COMMITTEE").iter().map(|f| f.period.unwrap().label()).collect();
    assert_eq!(months, vec!["2026年8月", "2026年9月", "2026年10月"]);
}

/// MTG-LESSON counts a 党课 when its lecturer was the committee's secretary on the lecture's
/// date: the old secretary's lecture after handing over does not count for the year.
async fn mtg_lesson_follows_the_secretary_in_office_on_the_lectures_date(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let old = s.create_member(&c, b.id, None, &person("老书记", 1)).await.unwrap();
    let new = s.create_member(&c, b.id, None, &person("新书记", 3)).await.unwrap();
    let post = s.add_post(&c, root.id, old, "secretary", "2020-01-01").await.unwrap();
    s.end_post(&c, post, "2026-05-31").await.unwrap();
    s.add_post(&c, root.id, new, "secretary", "2026-06-01").await.unwrap();
    let lecture = |on: &str, by: i64| services::org_life::MeetingInput {
        kind: "party_lecture".into(),
        held_on: on.into(),
        topic: "党课".into(),
        host_member_id: Some(by),
        recorder_member_id: Some(by),
        lecturer_member_id: Some(by),
        ..Default::default()
    };
    // The old secretary lectures in the branch on 1 July, after handing over.
    s.record_meeting(&c, b.id, &lecture("2026-07-01", old)).await.unwrap();
    let lesson = |f: &[Finding]| of(f, "MTG-LESSON").len();
    let year_end = d(2027, 1, 1);
    assert_eq!(lesson(&s.org_findings(&c, root.id, 2026, year_end).await.unwrap()), 1);
    // The same lecture on 31 May, while he was secretary, counts.
    s.record_meeting(&c, b.id, &lecture("2026-05-31", old)).await.unwrap();
    assert_eq!(lesson(&s.org_findings(&c, root.id, 2026, year_end).await.unwrap()), 0);
}
