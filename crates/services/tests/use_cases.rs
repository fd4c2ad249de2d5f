//! Use cases on both backends: the org tree's rules, posts, the registry's history, accounts,
//! the audit chain and the demo data.

use chrono::NaiveDate;
use domain::member::{IdNumber, MemberInput};
use domain::scope::{Actor, Grant, RoleKind};
use services::accounts::{NewAccount, RoleGrant};
use services::orgs::OrgInput;
use services::{HashCost, ServiceError, Services, console_actor};
use storage::Db;
use storage::audit::{AuditKey, Verdict};

fn services(db: Db) -> Services {
    Services::new(db, AuditKey::new(vec![9u8; 32]), HashCost::cheap_for_tests())
}

fn org(name: &str, kind: &str) -> OrgInput {
    OrgInput { name: name.into(), kind: kind.into(), ..Default::default() }
}

fn id(birth: &str, seq: u16) -> String {
    let d = NaiveDate::parse_from_str(birth, "%Y%m%d").unwrap();
    IdNumber::from_parts("110105", d, seq).unwrap().as_str().to_string()
}

fn person(name: &str, id_number: &str, status: &str) -> MemberInput {
    MemberInput {
        name: name.into(),
        id_number: id_number.into(),
        ethnicity: "01".into(),
        joined_on: "2015-06-01".into(),
        confirmed_on: if status == "full" { "2016-06-01".into() } else { String::new() },
        status: status.into(),
        dues_category: "employed".into(),
        ..Default::default()
    }
}

fn invalid_field(e: ServiceError, field: &str) -> String {
    match e {
        ServiceError::Invalid(f) => f.get(field).unwrap_or_else(|| panic!("no error on {field}: {f}")).to_string(),
        other => panic!("expected a field error on {field}, got {other:?}"),
    }
}

test_support::on_both_backends!(
    tree_kinds_nest_as_the_rules_say,
    move_refuses_cycles_and_orphaned_members_and_carries_members,
    close_keeps_history_and_refuses_nonempty_orgs,
    posts_follow_org_committee_and_probation_rights,
    registry_keeps_history_and_refuses_duplicates,
    accounts_login_throttle_and_password_policy,
    every_write_is_audited_and_the_chain_verifies,
    org_admins_grant_only_what_they_hold,
    demo_is_deterministic_realistic_and_valid,
    dev_probation_home_lists_probation_ending_within_60_days_and_overdue,
    names_list_by_pinyin_and_a_prefix_finds_only_its_characters,
);

/// DEV-PROBATION on the home page: as of 2026-11-21, probationary members whose year ends
/// between today and the 60th day (joined 2025-11-21 … 2026-01-20) are listed, and so is one whose
/// year ended yesterday without a decision (overdue); one ending on day 61 is not. A recorded
/// extension moves the end.
async fn dev_probation_home_lists_probation_ending_within_60_days_and_overdue(db: Db) {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let mut s = services(db);
    s.today_override = Some(as_of);
    s.list_cache_ms = 0;
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let br = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let mut names = Vec::new();
    for (i, joined) in ["2025-11-20", "2025-11-21", "2026-01-20", "2026-01-21"].iter().enumerate() {
        let mut p =
            person(&format!("预备党员{}", ["甲", "乙", "丙", "丁"][i]), &id("19950101", 11 + i as u16), "probationary");
        p.joined_on = joined.to_string();
        s.create_member(&c, br.id, None, &p).await.unwrap();
        names.push(p.name);
    }
    // Joined 2025-05-01 with a 6-month extension: ends 2026-11-01, overdue by 20 days; one
    // with a 12-month extension from 2025-03-01 ends 2027-03-01, not yet listed.
    for (i, (joined, months)) in [("2025-05-01", "6"), ("2025-03-01", "12")].iter().enumerate() {
        let mut p = person(&format!("延长预备{}", ["甲", "乙"][i]), &id("19950101", 21 + i as u16), "probationary");
        p.joined_on = joined.to_string();
        p.probation_extension_months = months.to_string();
        s.create_member(&c, br.id, None, &p).await.unwrap();
    }
    let figures = s.home_figures(&c, as_of).await.unwrap();
    let mut listed: Vec<(&str, String, i64, bool)> = figures
        .probation_ending
        .iter()
        .map(|p| (p.member.row.name.as_str(), p.ends_on.to_string(), p.days_left, p.overdue))
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        vec![
            ("延长预备甲", "2026-11-01".to_string(), -20, true),
            ("预备党员丙", "2027-01-20".to_string(), 60, false),
            ("预备党员乙", "2026-11-21".to_string(), 0, false),
            ("预备党员甲", "2026-11-20".to_string(), -1, true),
        ]
    );
}

async fn tree_kinds_nest_as_the_rules_say(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let sub = s.create_org(&c, Some(root.id), &org("下级党委", "committee")).await.unwrap();
    let sub2 = s.create_org(&c, Some(sub.id), &org("再下级党委", "committee")).await.unwrap();
    assert_eq!(sub2.path, format!("/{}/{}/{}/", root.id, sub.id, sub2.id));
    let gb = s.create_org(&c, Some(sub2.id), &org("总支", "general_branch")).await.unwrap();
    let br = s.create_org(&c, Some(gb.id), &org("支部", "branch")).await.unwrap();
    s.create_org(&c, Some(br.id), &org("小组", "group")).await.unwrap();
    let e = s.create_org(&c, Some(root.id), &org("小组", "group")).await.unwrap_err();
    assert!(invalid_field(e, "kind").contains("不能设在"));
    let e = s.create_org(&c, None, &org("支部", "branch")).await.unwrap_err();
    assert!(invalid_field(e, "kind").contains("上级"));
    let e = s.create_org(&c, Some(gb.id), &org("总支", "general_branch")).await.unwrap_err();
    invalid_field(e, "kind");
    // CON-TERM: 3 to 5 years.
    let mut bad = org("支部二", "branch");
    bad.term_start_on = "2024-01-01".into();
    for (years, ok) in [("2", false), ("3", true), ("5", true), ("6", false)] {
        bad.term_years = years.into();
        bad.name = format!("支部{years}");
        let r = s.create_org(&c, Some(gb.id), &bad).await;
        assert_eq!(r.is_ok(), ok, "term of {years} years");
    }
    // A subtree is one query: the committee sees everything below it.
    let admin =
        Actor { account_id: 99, username: "a".into(), grants: vec![Grant::OrgAdmin { org: sub.org_path().unwrap() }] };
    let tree = s.org_tree(&admin, false).await.unwrap();
    assert!(tree.iter().all(|o| o.path.starts_with(&sub.path)));
    assert_eq!(tree.len(), 7);
}

async fn move_refuses_cycles_and_orphaned_members_and_carries_members(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let gb1 = s.create_org(&c, Some(root.id), &org("总支一", "general_branch")).await.unwrap();
    let gb2 = s.create_org(&c, Some(root.id), &org("总支二", "general_branch")).await.unwrap();
    let br = s.create_org(&c, Some(gb1.id), &org("支部", "branch")).await.unwrap();
    let br2 = s.create_org(&c, Some(gb2.id), &org("支部二", "branch")).await.unwrap();
    let grp = s.create_org(&c, Some(br.id), &org("小组", "group")).await.unwrap();
    let m = s.create_member(&c, br.id, Some(grp.id), &person("张三", &id("19900101", 11), "full")).await.unwrap();
    // Cycle: a committee under its own descendant.
    let sub = s.create_org(&c, Some(root.id), &org("下级党委", "committee")).await.unwrap();
    let subsub = s.create_org(&c, Some(sub.id), &org("再下级", "committee")).await.unwrap();
    let e = s.move_org(&c, sub.id, subsub.id).await.unwrap_err();
    assert!(invalid_field(e, "parent_id").contains("下级"));
    // A group with members would take them out of their branch.
    let e = s.move_org(&c, grp.id, br2.id).await.unwrap_err();
    assert!(invalid_field(e, "parent_id").contains("党员"));
    // A branch moves with its members and groups.
    let moved = s.move_org(&c, br.id, gb2.id).await.unwrap();
    assert_eq!(moved.path, format!("{}{}/", gb2.path, br.id));
    let member = s.member_detail(&c, m, false).await.unwrap().member.row;
    assert_eq!(member.branch_path, moved.path);
    let g = s.org(&c, grp.id).await.unwrap();
    assert_eq!(g.path, format!("{}{}/", moved.path, grp.id));
    // An admin of the old general branch no longer sees the moved branch or its member.
    let admin =
        Actor { account_id: 99, username: "a".into(), grants: vec![Grant::OrgAdmin { org: gb1.org_path().unwrap() }] };
    assert!(matches!(s.member_detail(&admin, m, false).await, Err(ServiceError::NotFound)));
}

async fn close_keeps_history_and_refuses_nonempty_orgs(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let br = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let empty = s.create_org(&c, Some(root.id), &org("空支部", "branch")).await.unwrap();
    s.create_member(&c, br.id, None, &person("张三", &id("19900101", 11), "full")).await.unwrap();
    assert!(matches!(s.close_org(&c, br.id).await, Err(ServiceError::Conflict(m)) if m.contains("1 名党员")));
    assert!(matches!(s.close_org(&c, root.id).await, Err(ServiceError::Conflict(_))));
    let closed = s.close_org(&c, empty.id).await.unwrap();
    assert_eq!(closed.status, domain::org::OrgStatus::Closed);
    assert!(closed.closed_on.is_some());
    let daily = s.org_tree(&c, false).await.unwrap();
    assert!(!daily.iter().any(|o| o.id == empty.id));
    let all = s.org_tree(&c, true).await.unwrap();
    assert!(all.iter().any(|o| o.id == empty.id));
    // Nothing new can be put in a closed org.
    let e = s.create_member(&c, empty.id, None, &person("李四", &id("19910101", 21), "full")).await.unwrap_err();
    invalid_field(e, "branch_id");
}

async fn posts_follow_org_committee_and_probation_rights(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let br = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let other = s.create_org(&c, Some(root.id), &org("他支部", "branch")).await.unwrap();
    let full = s.create_member(&c, br.id, None, &person("张三", &id("19900101", 11), "full")).await.unwrap();
    let mut p = person("李四", &id("19950101", 21), "probationary");
    p.joined_on = (services::today() - chrono::Days::new(100)).format("%Y-%m-%d").to_string();
    let prob = s.create_member(&c, br.id, None, &p).await.unwrap();
    let outsider = s.create_member(&c, other.id, None, &person("王五", &id("19900201", 31), "full")).await.unwrap();
    // CON-PROB-RIGHTS: probationary members cannot be elected.
    let e = s.add_post(&c, br.id, prob, "secretary", "2024-01-01").await.unwrap_err();
    assert!(invalid_field(e, "member_id").contains("预备党员"));
    let e = s.add_post(&c, br.id, outsider, "secretary", "2024-01-01").await.unwrap_err();
    invalid_field(e, "member_id");
    let post = s.add_post(&c, br.id, full, "secretary", "2024-01-01").await.unwrap();
    let e = s.add_post(&c, br.id, full, "secretary", "2024-02-01").await.unwrap_err();
    assert!(invalid_field(e, "post").contains("卸任"));
    // The root committee's secretary may come from any branch below it.
    s.add_post(&c, root.id, outsider, "secretary", "2024-01-01").await.unwrap();
    assert!(matches!(s.end_post(&c, post, "2023-12-31").await, Err(ServiceError::Invalid(_))));
    assert_eq!(s.end_post(&c, post, "2024-01-01").await.unwrap(), br.id);
    let d = s.org_detail(&c, br.id).await.unwrap();
    assert!(d.posts.is_empty());
    assert_eq!(d.past_posts.len(), 1);
}

async fn registry_keeps_history_and_refuses_duplicates(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let a = s.create_org(&c, Some(root.id), &org("甲支部", "branch")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("乙支部", "branch")).await.unwrap();
    let gb = s.create_org(&c, Some(b.id), &org("乙小组", "group")).await.unwrap();
    let idn = id("19900101", 11);
    let m = s.create_member(&c, a.id, None, &person("张三", &idn, "full")).await.unwrap();
    let e = s.create_member(&c, b.id, None, &person("张三", &idn, "full")).await.unwrap_err();
    assert!(invalid_field(e, "id_number").contains("已登记"));
    // Groups must belong to the chosen branch.
    let e = s.create_member(&c, a.id, Some(gb.id), &person("李四", &id("19900102", 21), "full")).await.unwrap_err();
    invalid_field(e, "group_id");
    s.relocate_member(&c, m, b.id, Some(gb.id), "2024-03-01").await.unwrap();
    let d = s.member_detail(&c, m, false).await.unwrap();
    assert_eq!(d.member.row.branch_id, b.id);
    assert_eq!(d.member.row.group_id, Some(gb.id));
    let a_span = d.spans.iter().find(|s| s.org_id == a.id).unwrap();
    assert_eq!(a_span.end_on.map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
    assert!(d.spans.iter().any(|s| s.org_id == gb.id && s.end_on.is_none()));
    // A relocation dated on or before the current span's start is refused.
    let e = s.relocate_member(&c, m, a.id, None, "2024-03-01").await.unwrap_err();
    invalid_field(e, "on");
    // A status change is a decision (the edit form refuses it), recorded with its date; history
    // is kept.
    let mut input = services::members::input_of(&d.member.row);
    input.status = "suspended".into();
    invalid_field(s.update_member(&c, m, &input, "2025-01-15").await.unwrap_err(), "status");
    let suspend = services::decisions::DecisionForm {
        kind: "suspend".into(),
        decided_on: "2025-01-15".into(),
        body: "某党委".into(),
        document_no: "党〔2025〕1号".into(),
        reason: "失去联系6个月以上无法查找".into(),
        ..Default::default()
    };
    s.record_decision(&c, m, &suspend).await.unwrap();
    let d = s.member_detail(&c, m, false).await.unwrap();
    assert_eq!(d.member.row.status_changed_on.to_string(), "2025-01-15");
    // 预备党员 from the admission, 正式党员 from the confirmation a year later, then the suspension.
    let history: Vec<(domain::codes::MemberStatus, String)> =
        d.status_changes.iter().map(|c| (c.status, c.changed_on.to_string())).collect();
    use domain::codes::MemberStatus::{Full, Probationary, Suspended};
    assert_eq!(
        history,
        vec![
            (Suspended, "2025-01-15".to_string()),
            (Full, "2016-06-01".to_string()),
            (Probationary, "2015-06-01".to_string())
        ]
    );
}

async fn accounts_login_throttle_and_password_policy(db: Db) {
    let s = services(db);
    let first = s.console().ensure_first_admin().await.unwrap().expect("one-time password on first start");
    assert!(s.console().ensure_first_admin().await.unwrap().is_none(), "only once");
    let (account, actor) = s.login("admin", &first).await.unwrap();
    assert!(account.must_change_password);
    assert!(actor.is_system_admin());
    let token = s.start_session(account.id, 8).await.unwrap();
    let me = s.session(&token).await.unwrap().expect("a live session");
    let actor = me.clone();
    let e = s.change_password(&actor, &first, "short", "short").await.unwrap_err();
    invalid_field(e, "new");
    let e = s.change_password(&actor, "wrong", "a-long-password-1", "a-long-password-1").await.unwrap_err();
    invalid_field(e, "current");
    let e = s.change_password(&actor, &first, "a-long-password-1", "a-long-password-2").await.unwrap_err();
    invalid_field(e, "confirm");
    s.change_password(&actor, &first, "a-long-password-1", "a-long-password-1").await.unwrap();
    assert!(matches!(s.login("admin", &first).await, Err(ServiceError::BadCredentials)));
    for _ in 0..3 {
        assert!(matches!(s.login("admin", "nope").await, Err(ServiceError::BadCredentials)));
    }
    // Unknown names are refused the same way.
    assert!(matches!(s.login("nobody", "a-long-password-1").await, Err(ServiceError::BadCredentials)));
    assert!(s.login("admin", "a-long-password-1").await.is_ok(), "4 failures then success");
    for _ in 0..5 {
        let _ = s.login("admin", "nope").await;
    }
    assert!(matches!(s.login("admin", "a-long-password-1").await, Err(ServiceError::Throttled { .. })));
    // No account may be created with a weak password or a taken name.
    let new = |u: &str, p: &str| NewAccount {
        username: u.into(),
        display_name: "x".into(),
        password: p.into(),
        member_id: None,
        must_change_password: false,
        roles: vec![RoleGrant { role: RoleKind::SystemAdmin, org_id: None }],
    };
    let e = s.create_account(&console_actor(), new("bob", "password")).await.unwrap_err();
    invalid_field(e, "password");
    let e = s.create_account(&console_actor(), new("admin", "a-long-password-1")).await.unwrap_err();
    invalid_field(e, "username");
    // Only system admins create accounts without an org.
    let worker = Actor { account_id: 5, username: "w".into(), grants: vec![] };
    assert!(matches!(s.create_account(&worker, new("carol", "a-long-password-1")).await, Err(ServiceError::Forbidden)));
    let (hash,): (String,) =
        s.fixture_db().fetch_one("SELECT password_hash FROM accounts WHERE username = 'admin'", &[]).await.unwrap();
    assert!(hash.starts_with("$argon2id$"));
}

async fn every_write_is_audited_and_the_chain_verifies(db: Db) {
    let s = services(db);
    let c = console_actor();
    let count = |s: &Services| {
        let db = s.fixture_db().clone();
        async move {
            let (n,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM audit_entries", &[]).await.unwrap();
            n
        }
    };
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    assert_eq!(count(&s).await, 1);
    let br = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let m = s.create_member(&c, br.id, None, &person("张三", &id("19900101", 11), "full")).await.unwrap();
    s.update_member_contact(&c, m, "13800138000").await.unwrap();
    let mut renamed = org("支部改", "branch");
    renamed.unit_name = "学校".into();
    s.update_org(&c, br.id, &renamed).await.unwrap();
    assert_eq!(count(&s).await, 5);
    // A refused write appends nothing.
    let _ = s.create_member(&c, br.id, None, &person("", "bad", "full")).await;
    assert_eq!(count(&s).await, 5);
    let (before, after): (Option<String>, Option<String>) = s
        .fixture_db()
        .fetch_one("SELECT before_json, after_json FROM audit_entries WHERE action = 'org.update'", &[])
        .await
        .unwrap();
    assert!(before.unwrap().contains("支部") && after.unwrap().contains("支部改"));
    assert!(matches!(s.console().verify_audit_chain().await.unwrap(), Verdict::Intact { entries: 5, .. }));
}

async fn demo_is_deterministic_realistic_and_valid(db: Db) {
    let s = services(db);
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let summary = s.seed_demo(services::demo::Scale::County, as_of).await.unwrap();
    assert!((2_700..=3_400).contains(&summary.members), "{} members", summary.members);
    assert_eq!(summary.accounts.len(), 6);
    let (branches,): (i64,) =
        s.fixture_db().fetch_one("SELECT COUNT(*) FROM orgs WHERE kind = 'branch'", &[]).await.unwrap();
    assert!((110..=140).contains(&branches), "{branches} branches");
    // The ledger prints every record's 主持人 and 记录人, a talk's 谈话人 and 谈话对象: the demo's
    // records name them (a talk is with someone other than its talker).
    let (unnamed,): (i64,) = s
        .fixture_db()
        .fetch_one(
            "SELECT COUNT(*) FROM meetings WHERE host_member_id IS NULL \
             OR (kind <> 'talk' AND recorder_member_id IS NULL) \
             OR (kind = 'talk' AND (partner_member_id IS NULL OR partner_member_id = host_member_id))",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(unnamed, 0, "records without their host, recorder or talk partner");
    // ORG-BRANCH-MIN: a branch generally has at most 50 members; each has at least 3 full.
    let sizes: Vec<(i64, i64)> = s
        .fixture_db()
        .fetch_all(
            "SELECT branch_id, SUM(CASE WHEN status = 'full' THEN 1 ELSE 0 END) FROM members \
             WHERE status IN ('full','probationary') GROUP BY branch_id HAVING COUNT(*) > 50 OR SUM(CASE WHEN status = 'full' THEN 1 ELSE 0 END) < 3",
            &[],
        )
        .await
        .unwrap();
    assert!(sizes.is_empty(), "branches outside ORG-BRANCH-MIN: {sizes:?}");
    let ids: Vec<(String, String, String)> =
        s.fixture_db().fetch_all("SELECT id_number, birth_date, gender FROM members ORDER BY id", &[]).await.unwrap();
    for (idn, birth, gender) in &ids {
        let parsed = IdNumber::parse(idn).unwrap();
        assert_eq!(parsed.birth_date().format("%Y-%m-%d").to_string(), *birth);
        assert_eq!(parsed.gender().as_str(), gender);
    }
    let women = ids.iter().filter(|r| r.2 == "female").count() as f64 / ids.len() as f64;
    assert!((0.5..0.7).contains(&women), "share of women {women}");
    // Some probation ends soon, so the home page shows something on first run.
    let figures = s.home_figures(&console_actor(), as_of).await.unwrap();
    assert!(!figures.probation_ending.is_empty());
    // Deterministic: the same seed and date give the same registry.
    let t = test_support::sqlite().await;
    let again = services(t.db.clone());
    again.seed_demo(services::demo::Scale::County, as_of).await.unwrap();
    let ids2: Vec<(String, String, String)> = again
        .fixture_db()
        .fetch_all("SELECT id_number, birth_date, gender FROM members ORDER BY id", &[])
        .await
        .unwrap();
    assert_eq!(ids, ids2);
    // A second demo into a filled database is refused.
    assert!(matches!(s.seed_demo(services::demo::Scale::Tiny, as_of).await, Err(ServiceError::Conflict(_))));
}

async fn org_admins_grant_only_what_they_hold(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let a = s.create_org(&c, Some(root.id), &org("甲支部", "branch")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("乙支部", "branch")).await.unwrap();
    let ma = s.create_member(&c, a.id, None, &person("张三", &id("19900101", 11), "full")).await.unwrap();
    let mb = s.create_member(&c, b.id, None, &person("李四", &id("19900102", 21), "full")).await.unwrap();
    let admin_a = Actor {
        account_id: 77,
        username: "admin_a".into(),
        grants: vec![Grant::OrgAdmin { org: a.org_path().unwrap() }],
    };
    let new = |u: &str, role: RoleKind, org_id: Option<i64>, member_id: Option<i64>| NewAccount {
        username: u.into(),
        display_name: u.into(),
        password: "a-long-password-1".into(),
        member_id,
        must_change_password: true,
        roles: vec![RoleGrant { role, org_id }],
    };
    // No escalation: an org admin cannot make a system admin, not even "for" their own org.
    assert!(matches!(
        s.create_account(&admin_a, new("xx1", RoleKind::SystemAdmin, None, None)).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        s.create_account(&admin_a, new("xx2", RoleKind::SystemAdmin, Some(a.id), None)).await,
        Err(ServiceError::Invalid(_))
    ));
    // Nor grant anything outside their subtree (it does not exist for them: the same field error
    // as for an org that does not exist at all).
    let outside = s.create_account(&admin_a, new("xx3", RoleKind::OrgAdmin, Some(b.id), None)).await.unwrap_err();
    let missing = s.create_account(&admin_a, new("xx4", RoleKind::OrgAdmin, Some(987_654), None)).await.unwrap_err();
    assert_eq!(outside.to_string(), missing.to_string());
    invalid_field(outside, "org_id");
    let above = s.create_account(&admin_a, new("xx5", RoleKind::OrgAdmin, Some(root.id), None)).await.unwrap_err();
    invalid_field(above, "org_id");
    let e = s.create_account(&admin_a, new("xx5", RoleKind::Member, None, Some(mb))).await.unwrap_err();
    invalid_field(e, "member_id");
    // Party workers keep a branch, not a committee.
    let e = s.create_account(&c, new("xx6", RoleKind::PartyWorker, Some(root.id), None)).await.unwrap_err();
    invalid_field(e, "org_id");
    // Within their subtree they may.
    let w = s.create_account(&admin_a, new("worker_a", RoleKind::PartyWorker, Some(a.id), None)).await.unwrap();
    s.create_account(&admin_a, new("member_a", RoleKind::Member, None, Some(ma))).await.unwrap();
    s.create_account(&c, new("worker_b", RoleKind::PartyWorker, Some(b.id), None)).await.unwrap();
    let seen: Vec<String> =
        s.accounts_overview(&admin_a).await.unwrap().into_iter().map(|a| a.account.username).collect();
    assert_eq!(seen, vec!["worker_a".to_string(), "member_a".to_string()]);
    // Disabling ends logins; only accounts they manage; never themselves.
    s.set_account_disabled(&admin_a, w, true).await.unwrap();
    assert!(matches!(s.login("worker_a", "a-long-password-1").await, Err(ServiceError::BadCredentials)));
    let wb = storage::account::by_username(s.fixture_db(), "worker_b").await.unwrap().unwrap().id;
    assert!(matches!(s.set_account_disabled(&admin_a, wb, true).await, Err(ServiceError::NotFound)));
    s.set_account_disabled(&admin_a, w, false).await.unwrap();
    assert!(s.login("worker_a", "a-long-password-1").await.is_ok());
    let worker = Actor {
        account_id: w,
        username: "worker_a".into(),
        grants: vec![Grant::PartyWorker { branch: a.org_path().unwrap() }],
    };
    assert!(matches!(s.accounts_overview(&worker).await, Err(ServiceError::Forbidden)));
}

/// The member list sorts names by pinyin (李 before 王 before 张), both ways, whichever plan the
/// list takes (a small subtree's, or the whole tree's walk along the index); a name prefix finds
/// the names that begin with it and not those that only read alike (黄 and 皇甫 are both huang2).
async fn names_list_by_pinyin_and_a_prefix_finds_only_its_characters(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let names = ["赵敏", "张伟", "王芳", "李娜", "皇甫明", "黄河", "安琪", "欧阳明"];
    for (i, n) in names.iter().enumerate() {
        s.create_member(&c, b.id, None, &person(n, &id("19800101", i as u16 * 2 + 1), "full")).await.unwrap();
    }
    let list = |q: services::members::ListQuery| {
        let s = s.clone();
        let c = c.clone();
        async move { s.member_list(&c, &q).await.unwrap().members.iter().map(|m| m.row.name.clone()).collect::<Vec<_>>() }
    };
    let sorted = ["安琪", "皇甫明", "黄河", "李娜", "欧阳明", "王芳", "张伟", "赵敏"];
    let in_branch = services::members::ListQuery { org: b.id.to_string(), ..Default::default() };
    assert_eq!(list(in_branch.clone()).await, sorted, "a small subtree, sorted");
    assert_eq!(list(services::members::ListQuery::default()).await, sorted, "the whole tree, walked");
    let desc = services::members::ListQuery { dir: "desc".into(), ..in_branch.clone() };
    let mut reversed = sorted.to_vec();
    reversed.reverse();
    assert_eq!(list(desc).await, reversed);
    for org in [b.id.to_string(), String::new()] {
        let huang = services::members::ListQuery { q: "黄".into(), org: org.clone(), ..Default::default() };
        assert_eq!(list(huang).await, ["黄河"], "黄 finds 黄河, not 皇甫明");
        let ou = services::members::ListQuery { q: "欧阳".into(), org, ..Default::default() };
        assert_eq!(list(ou).await, ["欧阳明"]);
    }
}

test_support::on_both_backends!(a_token_memo_follows_changes_of_scope_not_other_writes);

/// The token memo: an org admin's token keeps its account and roles across ordinary writes (a
/// member recorded), and sees the new scope at once when the org tree moves under it or its
/// token is revoked.
async fn a_token_memo_follows_changes_of_scope_not_other_writes(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let g1 = s.create_org(&c, Some(root.id), &org("一中党委", "committee")).await.unwrap();
    let g2 = s.create_org(&c, Some(root.id), &org("二总支", "general_branch")).await.unwrap();
    let b = s.create_org(&c, Some(g1.id), &org("甲支部", "branch")).await.unwrap();
    let account = NewAccount {
        username: "g2admin".into(),
        display_name: "二总支管理员".into(),
        password: "a-long-password-1".into(),
        member_id: None,
        must_change_password: false,
        roles: vec![RoleGrant { role: RoleKind::OrgAdmin, org_id: Some(g2.id) }],
    };
    s.create_account(&c, account).await.unwrap();
    let (_, who) = s.login("g2admin", "a-long-password-1").await.unwrap();
    let (token_id, token) = s.create_token(&who, "test").await.unwrap();
    let sees = |org_id: i64| {
        let (s, token) = (&s, &token);
        async move {
            let signed = s.bearer(token).await.unwrap().unwrap();
            s.org(&signed.actor, org_id).await.is_ok()
        }
    };
    assert!(sees(g2.id).await && !sees(b.id).await, "甲支部 is under the other general branch");
    // An ordinary write keeps the memo (and changes nothing of the scope).
    s.create_member(&c, b.id, None, &person("张三", &id("19900101", 11), "full")).await.unwrap();
    assert!(sees(g2.id).await && !sees(b.id).await);
    // 二总支 itself moves under 一中党委: its path changes, and the token's scope follows at once (a
    // memo of the old path would no longer reach the admin's own org).
    s.move_org(&c, g2.id, g1.id).await.unwrap();
    assert!(sees(g2.id).await && !sees(b.id).await);
    // Revoked: no longer signed in.
    s.revoke_token(&who, token_id).await.unwrap();
    assert!(s.bearer(&token).await.unwrap().is_none());
}

/// Every action the services write to the audit log is listed for the audit page's filter, with
/// its Chinese name: a new use case that audits under a new name fails here until it is named.
#[test]
fn every_audited_action_is_named_in_chinese() {
    fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut texts = Vec::new();
    sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut texts);
    let mut found = 0;
    for text in &texts {
        for part in text.split("action: \"").skip(1) {
            let action = part.split('"').next().unwrap_or_default();
            if !action.contains('.') {
                continue;
            }
            found += 1;
            assert!(domain::audit::ACTIONS.contains(&action), "{action} is not in domain::audit::ACTIONS");
            assert_ne!(domain::audit::action_label(action), action, "{action} has no Chinese name");
        }
    }
    assert!(found > 50, "{found} audited actions found");
}
