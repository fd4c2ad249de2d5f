//! The home page's to-do list on both backends: a branch's open findings by deadline, with the
//! month's calendar and requirements, following the records at once; an org admin's orgs with
//! the most overdue first.

use chrono::NaiveDate;
use domain::member::{IdNumber, MemberInput};
use domain::scope::{Actor, Grant};
use services::org_life::MeetingInput;
use services::orgs::OrgInput;
use services::todo::{DueBucket, OrgTodo, SubtreeTodo, Todo};
use services::{HashCost, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;

fn person(name: &str, seq: u16) -> MemberInput {
    let birth = NaiveDate::from_ymd_opt(1981, 2, 3).unwrap();
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

fn branch_todo(todo: &[Todo]) -> &OrgTodo {
    match todo {
        [Todo::Org(t)] => t,
        other => panic!("one branch list expected, got {other:?}"),
    }
}

fn subtree_todo(todo: &[Todo]) -> &SubtreeTodo {
    match todo {
        [Todo::Subtree(t)] => t,
        other => panic!("one subtree list expected, got {other:?}"),
    }
}

/// Whether `t` lists the finding of `rule` for `period` in `bucket`.
fn listed(t: &OrgTodo, bucket: DueBucket, rule: &str, period: &str) -> bool {
    t.groups
        .iter()
        .filter(|g| g.bucket == bucket)
        .flat_map(|g| &g.items)
        .any(|i| i.finding.rule_id == rule && i.finding.period.as_ref().is_some_and(|p| p.label() == period))
}

test_support::on_both_backends!(home_todo_follows_the_records_and_ranks_the_subtree);

async fn home_todo_follows_the_records_and_ranks_the_subtree(db: Db) {
    let s = Services::new(db, AuditKey::new(vec![6u8; 32]), HashCost::cheap_for_tests());
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("一支部", "branch")).await.unwrap();
    let other = s.create_org(&c, Some(root.id), &org("二支部", "branch")).await.unwrap();
    let mut ids = Vec::new();
    for (i, n) in ["甲", "乙", "丙", "丁", "戊", "己", "庚"].iter().enumerate() {
        ids.push(s.create_member(&c, b.id, None, &person(&format!("党员{n}"), i as u16 * 2 + 1)).await.unwrap());
    }
    s.create_member(&c, other.id, None, &person("党员辛", 21)).await.unwrap();
    for (post, m) in ["secretary", "organization_officer", "publicity_officer"].iter().zip(&ids) {
        s.add_post(&c, b.id, *m, post, "2024-06-01").await.unwrap();
    }
    let worker = Actor {
        account_id: 9,
        username: "w".into(),
        grants: vec![Grant::PartyWorker { branch: b.org_path().unwrap() }],
    };
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();

    // MTG-COMMITTEE: October's 支委会 is overdue, November's due this month (the 30th is
    // more than six days ahead). The fourth quarter's 党员大会 (MTG-ASSEMBLY) is due in 41 days,
    // beyond the 30 days of notice: not a finding yet, but a requirement of the current period.
    let todo = s.todo(&worker, as_of).await.unwrap();
    let t = branch_todo(&todo);
    assert_eq!(t.org_id, b.id);
    assert_eq!(t.groups[0].bucket, DueBucket::Overdue, "the most urgent first");
    assert!(listed(t, DueBucket::Overdue, "MTG-COMMITTEE", "2026年10月"), "{:#?}", t.groups);
    assert!(listed(t, DueBucket::ThisMonth, "MTG-COMMITTEE", "2026年11月"));
    assert!(listed(t, DueBucket::Overdue, "MTG-ASSEMBLY", "2026年第三季度"));
    assert!(DueBucket::ALL.iter().all(|b| !listed(t, *b, "MTG-ASSEMBLY", "2026年第四季度")));
    let q4 = t.requirements.iter().find(|r| r.rule_id == "MTG-ASSEMBLY").unwrap();
    assert_eq!((q4.period.label().as_str(), q4.held, q4.met), ("2026年第四季度", 0, false));
    let oct = t.groups[0].items.iter().find(|i| i.finding.rule_id == "MTG-COMMITTEE").unwrap();
    let fix = oct.finding.fix.clone().unwrap();
    assert_eq!(fix.get("kind"), Some("committee_meeting"));
    let nov = t.requirements.iter().find(|r| r.rule_id == "MTG-COMMITTEE").unwrap();
    assert_eq!((nov.period.label().as_str(), nov.held, nov.required, nov.met), ("2026年11月", 0, 1, false));
    assert_eq!(t.calendar.month, 11);
    let last_day = t.calendar.weeks.iter().flatten().flatten().find(|d| d.date.to_string() == "2026-11-30").unwrap();
    assert!(last_day.due.contains(&"支部委员会会议一般每月召开1次"), "{:?}", last_day.due);

    // Recording October's and November's 支委会: both leave the list at once, November's
    // shows on its day and the requirement is met.
    for held_on in ["2026-10-15", "2026-11-10"] {
        let input = MeetingInput {
            kind: "committee_meeting".into(),
            held_on: held_on.into(),
            topic: "研究支部工作".into(),
            host_member_id: Some(ids[0]),
            recorder_member_id: Some(ids[0]),
            ..Default::default()
        };
        s.record_meeting(&c, b.id, &input).await.unwrap();
    }
    let todo = s.todo(&worker, as_of).await.unwrap();
    let t = branch_todo(&todo);
    assert!(!listed(t, DueBucket::Overdue, "MTG-COMMITTEE", "2026年10月"));
    assert!(!listed(t, DueBucket::ThisMonth, "MTG-COMMITTEE", "2026年11月"));
    let nov = t.requirements.iter().find(|r| r.rule_id == "MTG-COMMITTEE").unwrap();
    assert_eq!((nov.held, nov.met), (1, true));
    let tenth = t.calendar.weeks.iter().flatten().flatten().find(|d| d.date.to_string() == "2026-11-10").unwrap();
    assert_eq!(tenth.records.iter().map(|r| r.label).collect::<Vec<_>>(), vec!["支委会"]);

    // An explained finding (MTG-THEME-DAY, October) is counted, not listed.
    assert!(listed(t, DueBucket::Overdue, "MTG-THEME-DAY", "2026年10月"));
    s.explain_finding(&c, b.id, "MTG-THEME-DAY", "2026-10-01", "", "10月与11月主题党日合并开展").await.unwrap();
    let todo = s.todo(&worker, as_of).await.unwrap();
    let t = branch_todo(&todo);
    assert!(!listed(t, DueBucket::Overdue, "MTG-THEME-DAY", "2026年10月"));
    assert_eq!(t.explained, 1);

    // The committee's admin sees the subtree: the branch with no records at all (more
    // violations) before the one that recorded its 支委会; each names its counts.
    let admin =
        Actor { account_id: 8, username: "a".into(), grants: vec![Grant::OrgAdmin { org: root.org_path().unwrap() }] };
    let todo = s.todo(&admin, as_of).await.unwrap();
    let sub = subtree_todo(&todo);
    assert_eq!(sub.root_id, root.id);
    assert_eq!(sub.orgs_checked, 3);
    let order: Vec<i64> = sub.orgs.iter().map(|o| o.org_id).collect();
    assert_eq!(order.first(), Some(&other.id), "{:#?}", sub.orgs);
    assert!(order.contains(&b.id));
    assert!(sub.orgs.windows(2).all(|w| w[0].violations >= w[1].violations));
    assert!(sub.orgs.iter().all(|o| o.overdue > 0 && o.overdue <= o.violations + o.warnings + o.upcoming));

    // A plain member has no list here (their own home shows what concerns them); a worker of
    // the other branch sees only that branch.
    let member = Actor { account_id: 7, username: "m".into(), grants: vec![Grant::Member { member_id: ids[4] }] };
    assert!(s.todo(&member, as_of).await.unwrap().is_empty());
    let other_worker = Actor {
        account_id: 6,
        username: "o".into(),
        grants: vec![Grant::PartyWorker { branch: other.org_path().unwrap() }],
    };
    assert_eq!(branch_todo(&s.todo(&other_worker, as_of).await.unwrap()).org_id, other.id);
}
