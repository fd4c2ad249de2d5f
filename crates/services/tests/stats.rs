//! Party statistics (党内统计, rules.md §9) on both backends: members counted where their
//! membership sits on the reference date, with their status of that day; orgs that did not exist
//! yet left out; a subtree's figures the sum of its children's; and the database's profile
//! counts equal to the domain's own reading of every member of the county demo.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::codes::{Education, Ethnicity, Occupation};
use domain::member::{IdNumber, MemberInput};
use domain::stats::{Change, Profile, Tally};
use services::decisions::DecisionForm;
use services::demo::Scale;
use services::orgs::OrgInput;
use services::transfers::TransferInput;
use services::{HashCost, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;

test_support::on_both_backends!(
    stats_count_members_where_they_are_on_the_reference_date,
    stats_agree_with_the_domain_for_every_member_of_the_county_demo,
    stats_table1_balances_across_a_year_with_every_kind_of_change,
);

/// Every figure of the page that opens to the people or orgs behind it lists as many as it
/// counts (the drill-down reads the rows the walk counts).
async fn every_figure_opens_to_its_rows(s: &Services, org: i64, on: NaiveDate) {
    use services::stats_lines as lines;
    let r = s.stats(&console_actor(), org, on).await.unwrap();
    let mut all = lines::basic(&r.total);
    all.extend(lines::table1(&r.total.changes));
    all.extend(lines::table3(&r.total));
    all.extend(lines::table4(&r.total));
    all.extend(lines::events(&r.total.events).into_iter().flat_map(|(_, l)| l));
    let mut opened = 0;
    for l in all {
        let Some(cell) = l.cell else { continue };
        let page = s.stats_cell(&console_actor(), org, on, &cell.name(), 1).await.unwrap();
        assert_eq!(page.total, i64::try_from(l.n).unwrap(), "{} ({})", l.label, cell.name());
        assert_eq!(page.rows.len(), usize::try_from(l.n.min(100)).unwrap(), "{}", l.label);
        assert_eq!(page.behind, cell.behind());
        opened += 1;
    }
    assert!(opened > 50, "{opened} figures opened");
}

fn day(s: &str) -> NaiveDate {
    domain::dates::parse_iso(s).unwrap()
}

fn org(name: &str, kind: &str, established: &str) -> OrgInput {
    OrgInput {
        name: name.into(),
        kind: kind.into(),
        established_on: established.into(),
        term_start_on: "2024-06-01".into(),
        term_years: "3".into(),
        ..Default::default()
    }
}

struct Person<'a> {
    seq: u16,
    female: bool,
    ethnicity: &'a str,
    education: &'a str,
    occupation: &'a str,
    birth: &'a str,
    joined: &'a str,
    confirmed: &'a str,
}

fn member(p: &Person) -> MemberInput {
    let birth = day(p.birth);
    // Odd sequence digits are men, even ones women (GB 11643).
    let seq = if p.female { p.seq * 2 } else { p.seq * 2 + 1 };
    MemberInput {
        name: ["张一", "王二", "李三", "赵四", "刘五", "陈六"][usize::from(p.seq) - 1].into(),
        gender: if p.female { "female".into() } else { "male".into() },
        id_number: IdNumber::from_parts("110105", birth, seq).unwrap().as_str().to_string(),
        ethnicity: p.ethnicity.into(),
        birth_date: p.birth.into(),
        education: p.education.into(),
        occupation: p.occupation.into(),
        joined_on: p.joined.into(),
        confirmed_on: p.confirmed.into(),
        status: if p.confirmed.is_empty() { "probationary".into() } else { "full".into() },
        dues_category: "employed".into(),
        ..Default::default()
    }
}

async fn stats_count_members_where_they_are_on_the_reference_date(db: Db) {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2026, 7, 10);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县教育局党委", "committee", "2015-01-01")).await.unwrap();
    let a = s.create_org(&c, Some(root.id), &org("一中党支部", "branch", "2015-01-01")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("二中党支部", "branch", "2015-01-01")).await.unwrap();
    let g = s.create_org(&c, Some(root.id), &org("三中党总支", "general_branch", "2015-01-01")).await.unwrap();
    let d = s.create_org(&c, Some(g.id), &org("三中初中部党支部", "branch", "2026-03-01")).await.unwrap();
    let person = |seq, female, ethnicity, education, occupation, birth, joined, confirmed| Person {
        seq,
        female,
        ethnicity,
        education,
        occupation,
        birth,
        joined,
        confirmed,
    };
    // A: a woman of the Mongol minority with a degree; a probationary member since July 2025; a
    // member with a master's degree who moves to B in February 2026.
    let m1 = person(1, true, "02", "21", "professional_technical", "1990-05-01", "2015-01-01", "2016-01-01");
    let m2 = person(2, false, "01", "61", "", "2000-01-01", "2025-07-01", "");
    let m3 = person(3, false, "01", "12", "manager", "1964-12-31", "1988-06-01", "1989-06-01");
    // B: a member suspended on 1 October 2025, and one admitted in January 2026.
    let m4 = person(4, false, "01", "22", "worker", "1975-03-01", "2005-06-01", "2006-06-01");
    let m5 = person(5, true, "01", "22", "worker", "1998-03-01", "2026-01-10", "");
    // D, a branch set up in March 2026.
    let m6 = person(6, true, "01", "21", "worker", "1992-03-01", "2012-11-08", "2013-11-08");
    let id1 = s.create_member(&c, a.id, None, &member(&m1)).await.unwrap();
    s.create_member(&c, a.id, None, &member(&m2)).await.unwrap();
    let id3 = s.create_member(&c, a.id, None, &member(&m3)).await.unwrap();
    let id4 = s.create_member(&c, b.id, None, &member(&m4)).await.unwrap();
    s.create_member(&c, b.id, None, &member(&m5)).await.unwrap();
    let id6 = s.create_member(&c, d.id, None, &member(&m6)).await.unwrap();
    let suspend = DecisionForm {
        kind: "suspend".into(),
        decided_on: "2025-10-01".into(),
        body: "中共某县教育局委员会".into(),
        document_no: "县教党〔2025〕9号".into(),
        reason: "与党组织失去联系".into(),
        months: String::new(),
    };
    s.record_decision(&c, id4, &suspend).await.unwrap();
    let warning = DecisionForm { kind: "warning".into(), decided_on: "2025-05-05".into(), ..suspend.clone() };
    s.record_decision(&c, id1, &warning).await.unwrap();
    // m1 went away on 1 December 2025 (a 流动党员 on the reference date, not the day before).
    let away = services::away::AwayForm {
        kind: "mobile".into(),
        left_on: "2025-12-01".into(),
        destination: "江苏省苏州市".into(),
        fixed_place: false,
    };
    s.record_away(&c, id1, &away).await.unwrap();
    let transfer = TransferInput {
        kind: "internal".into(),
        to_org_id: Some(b.id),
        issued_on: "2026-01-20".into(),
        valid_days: "30".into(),
        reason: "工作调动".into(),
        ..Default::default()
    };
    let t = s.issue_transfer(&c, id3, &transfer).await.unwrap();
    s.accept_transfer(&c, t, "2026-02-01").await.unwrap();

    // On 31 December 2025: A's three members; B's suspended member is out, its new one not yet
    // in; D did not exist.
    let r = s.stats(&c, root.id, day("2025-12-31")).await.unwrap();
    let t = &r.total.members;
    assert_eq!((t.total, t.probationary, t.women, t.minorities, t.college_plus), (3, 1, 1, 1, 2));
    // 入党时间: 1988 (to the 18th Congress), 2015 and 2025 (since).
    assert_eq!(t.join_period, [0, 0, 1, 2]);
    // 学历: 硕士 (研究生), 大学 (本科), 普通高中 (高中).
    assert_eq!(t.education, [1, 1, 0, 0, 1, 0, 0]);
    // 61 on 31 December 2025 (born 31 December 1964); 35; 25.
    let occ = |id: &str| Occupation::all().iter().position(|o| o.identifier() == id).unwrap();
    assert_eq!(t.occupation_by_age[occ("manager")][7], 1);
    assert_eq!(t.occupation_by_age[occ("professional_technical")][1], 1);
    // The age pyramid's women: the one woman, 35.
    assert_eq!(t.women_by_age, [0, 1, 0, 0, 0, 0, 0, 0]);
    assert_eq!(t.occupation_by_age[Profile::occupation_slots() - 1][0], 1, "occupation not recorded");
    let o = &r.total.orgs;
    assert_eq!((o.committees, o.general_branches, o.branches, o.empty_branches), (1, 1, 2, 1));
    let children: Vec<(&str, u64)> = r.children.iter().map(|c| (c.name.as_str(), c.stats.members.total)).collect();
    assert_eq!(children, [("一中党支部", 3), ("二中党支部", 0), ("三中党总支", 0)]);
    // The one check that fails: the member admitted in 2025 was entered without the 25 steps on
    // record, and is named.
    let checks: Vec<(&str, Vec<&str>)> = r
        .inconsistencies
        .iter()
        .map(|i| (i.message.as_str(), i.members.iter().map(|m| m.name.as_str()).collect()))
        .collect();
    assert_eq!(checks.len(), 1, "{checks:?}");
    assert!(checks[0].0.starts_with("表16 发展党员 1 名中，1 名没有发展党员记录"), "{checks:?}");
    assert_eq!(checks[0].1, ["王二"]);
    assert!(!r.roster_checked, "only today's roster exists");
    // Table 1 for 2025: three members at the end of 2024; one admitted, one suspended.
    let t1 = &r.total.changes;
    assert_eq!((t1.last_year, t1.this_year, t1.increases(), t1.decreases()), (3, 3, 1, 1));
    assert_eq!((t1.count(Change::Recruited), t1.count(Change::Suspended)), (1, 1));
    assert!(t1.balances() && t1.unexplained.is_empty());
    // The event tables of 2025: the admission (a man of 25 with 高中), the warning.
    let e = &r.total.events;
    assert_eq!((e.get(Tally::Recruited), e.get(Tally::RecruitedTo35), e.get(Tally::RecruitedWomen)), (1, 1, 0));
    assert_eq!((e.get(Tally::RecruitedCollegePlus), e.get(Tally::SanctionWarning), e.get(Tally::Confirmed)), (0, 1, 0));
    assert_eq!((e.get(Tally::Mobile), e.get(Tally::Abroad), e.get(Tally::LostContact)), (1, 0, 0));
    let r = s.stats(&c, root.id, day("2025-11-30")).await.unwrap();
    assert_eq!(r.total.events.get(Tally::Mobile), 0, "the day before they left");

    // The five-year trend of admissions: the one of July 2025 (m6's of 2012 is outside).
    let trend = s.admissions_trend(&c, root.id, day("2025-12-31")).await.unwrap();
    assert_eq!(trend, [(2021, 0), (2022, 0), (2023, 0), (2024, 0), (2025, 1)]);

    // The day before the suspension, B's member counts.
    let r = s.stats(&c, root.id, day("2025-09-30")).await.unwrap();
    assert_eq!(r.total.members.total, 4);
    // On 30 June 2026: the transferred member in B, the new member in B, D's member.
    let r = s.stats(&c, root.id, day("2026-06-30")).await.unwrap();
    let children: Vec<(&str, u64)> = r.children.iter().map(|c| (c.name.as_str(), c.stats.members.total)).collect();
    assert_eq!(children, [("一中党支部", 2), ("二中党支部", 2), ("三中党总支", 1)]);
    assert_eq!(r.total.orgs.branches, 3);
    // Table 1 since the end of 2025: the move is out of A and into B; B's new member was
    // admitted; D's member came with no letter on record: an unexplained increase, listed, and
    // the balance does not close.
    let t1 = &r.total.changes;
    assert_eq!((t1.last_year, t1.this_year), (3, 5));
    assert_eq!(
        (t1.count(Change::TransferredOut), t1.count(Change::TransferredIn), t1.count(Change::Recruited)),
        (1, 1, 1)
    );
    assert_eq!(t1.count(Change::UnexplainedIn), 1);
    assert_eq!(t1.unexplained, [id6]);
    assert!(!t1.balances());
    let table1 = r.inconsistencies.iter().find(|i| i.message.starts_with("表1"));
    let named: Vec<i64> = table1.map(|i| i.members.iter().map(|m| m.id).collect()).unwrap_or_default();
    assert_eq!(named, [id6], "{:?}", r.inconsistencies);
    // Today's statistics agree with today's roster; a member whose registry entry was moved to
    // another branch around the records (written past the services) is named by the roster check
    // of the subtree they left.
    let today = s.today();
    let r = s.stats(&c, g.id, today).await.unwrap();
    assert!(r.roster_checked);
    assert!(!r.inconsistencies.iter().any(|i| i.message.starts_with("表2")), "{:?}", r.inconsistencies);
    let db = s.fixture_db();
    let moved = format!("UPDATE members SET branch_id = {} WHERE id = {id6} RETURNING id", a.id);
    db.fetch_all::<(i64,)>(&moved, &[]).await.unwrap();
    let r = s.stats(&c, g.id, today).await.unwrap();
    let roster = r.inconsistencies.iter().find(|i| i.message.starts_with("表2")).unwrap();
    assert!(roster.message.contains("与当天党员名册的 0 名不符"), "{}", roster.message);
    assert_eq!(roster.members.iter().map(|m| m.id).collect::<Vec<_>>(), [id6]);
    let back = format!("UPDATE members SET branch_id = {} WHERE id = {id6} RETURNING id", d.id);
    db.fetch_all::<(i64,)>(&back, &[]).await.unwrap();
    // A branch's own report: its members are its own.
    let r = s.stats(&c, b.id, day("2026-06-30")).await.unwrap();
    assert_eq!((r.total.own.total, r.total.members.total, r.children.len()), (2, 2, 0));
    // A viewer sees only their own subtree's statistics.
    let viewer = domain::scope::Actor {
        account_id: 9,
        username: "a9".into(),
        grants: vec![domain::scope::Grant::OrgAdmin { org: a.org_path().unwrap() }],
    };
    assert!(s.stats(&viewer, a.id, day("2025-12-31")).await.is_ok());
    assert!(matches!(s.stats(&viewer, root.id, day("2025-12-31")).await, Err(services::ServiceError::NotFound)));
}

/// The profile counts the database computes in SQL equal the domain's `Profile::of` for every
/// member of the county demo, branch by branch; and the whole tree's figures add up.
async fn stats_agree_with_the_domain_for_every_member_of_the_county_demo(db: Db) {
    let s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    let as_of = day("2026-11-21");
    s.seed_demo(Scale::County, as_of).await.unwrap();
    type Row = (i64, String, String, String, Option<String>, Option<String>, String, String, String);
    let members: Vec<Row> = s
        .fixture_db()
        .fetch_all(
            "SELECT branch_id, status, gender, ethnicity, education, occupation, birth_date, joined_on, \
             COALESCE(confirmed_on, '') FROM members WHERE status IN ('full','probationary')",
            &[],
        )
        .await
        .unwrap();
    assert!(members.len() > 1_000, "{} members", members.len());
    let mut expected: BTreeMap<i64, BTreeMap<u32, u64>> = BTreeMap::new();
    for (branch, status, gender, ethnicity, education, occupation, birth, joined, confirmed) in &members {
        let probationary = status == "probationary" || (!confirmed.is_empty() && day(confirmed) > as_of);
        let p = Profile::of(
            probationary,
            gender == "female",
            Ethnicity::parse(ethnicity).is_some_and(|e| e.is_minority()),
            education.as_deref().and_then(Education::parse).map(|e| e.level()),
            occupation.as_deref().and_then(Occupation::parse),
            day(birth),
            day(joined),
            as_of,
        );
        *expected.entry(*branch).or_default().entry(p.code()).or_default() += 1;
    }
    let branches: Vec<i64> = expected.keys().copied().collect();
    let mut got: BTreeMap<i64, BTreeMap<u32, u64>> = BTreeMap::new();
    for chunk in branches.chunks(500) {
        for b in storage::stats::branch_profiles(s.fixture_db(), chunk, as_of).await.unwrap() {
            got.insert(b.branch_id, b.counts.into_iter().collect());
        }
    }
    assert_eq!(got, expected);
    let report = s.console().stats(None, as_of, 100).await.unwrap();
    assert_eq!(report.total.members.total, members.len() as u64);
    assert!(report.pages > 1, "read in pages");
    assert!(report.total.members.inconsistencies().is_empty());
    assert_eq!(report.total.changes.this_year, report.total.members.total);
    // The demo's admissions came through recruitment records; its figures are consistent, this
    // year's and last year's (whose admitted members are confirmed by now).
    assert!(report.inconsistencies.is_empty(), "{:?}", report.inconsistencies);
    let last_year = s.console().stats(None, day("2025-12-31"), 1_000).await.unwrap();
    assert!(last_year.total.events.get(Tally::Recruited) > 0);
    assert!(last_year.inconsistencies.is_empty(), "{:?}", last_year.inconsistencies);
    // The drill-down lists as many members as each figure counts.
    let root = s.console().org_ids_named("县教育局党委").await.unwrap()[0];
    let r = s.stats(&console_actor(), root, as_of).await.unwrap();
    let m = &r.total.members;
    for (cell, n) in [
        ("all", m.total),
        ("women", m.women),
        ("college_plus", m.college_plus),
        ("edu-1", m.education[1]),
        ("joined-3", m.join_period[3]),
        ("occ-2-age-3", m.occupation_by_age[2][3]),
    ] {
        let page = s.stats_cell(&console_actor(), root, as_of, cell, 1).await.unwrap();
        assert_eq!(page.total, i64::try_from(n).unwrap(), "{cell}");
        assert_eq!(page.rows.len(), usize::try_from(n.min(100)).unwrap(), "{cell}");
    }
    every_figure_opens_to_its_rows(&s, root, as_of).await;
    // The demo's people on the path are counted by stage; the "of which" cells fit their wholes.
    let e = &report.total.events;
    assert!(e.get(Tally::Applicants) + e.get(Tally::Activists) + e.get(Tally::Candidates) > 0, "{e:?}");
    assert!(e.inconsistencies().is_empty(), "{:?}", e.inconsistencies());
}

/// Table 1 across 2026 with every kind of change the records give: each change counted under
/// its reason, the balance closing, and each figure opening to the member behind it.
async fn stats_table1_balances_across_a_year_with_every_kind_of_change(db: Db) {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2027, 1, 15);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县教育局党委", "committee", "2015-01-01")).await.unwrap();
    let a = s.create_org(&c, Some(root.id), &org("一中党支部", "branch", "2015-01-01")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("二中党支部", "branch", "2015-01-01")).await.unwrap();
    let full = |seq: u16, joined: &'static str| Person {
        seq,
        female: seq.is_multiple_of(2),
        ethnicity: "01",
        education: "21",
        occupation: "worker",
        birth: "1980-01-01",
        joined,
        confirmed: "",
    };
    let mut ids = Vec::new();
    for seq in 1..=6u16 {
        let mut p = full(seq, "2005-06-01");
        p.confirmed = "2006-06-01";
        ids.push(s.create_member(&c, a.id, None, &member(&p)).await.unwrap());
    }
    // A probationary member admitted in September 2025 (her probation is cancelled in 2026).
    let mut input = member(&full(1, "2025-09-01"));
    input.name = "钱七".into();
    input.id_number = IdNumber::from_parts("110105", day("1996-02-02"), 4).unwrap().as_str().to_string();
    input.birth_date = "1996-02-02".into();
    input.gender = "female".into();
    let probationary = s.create_member(&c, a.id, None, &input).await.unwrap();
    let form = |kind: &str, on: &str| DecisionForm {
        kind: kind.into(),
        decided_on: on.into(),
        body: "中共某县教育局委员会".into(),
        document_no: "县教党〔2026〕1号".into(),
        reason: "经支部大会讨论".into(),
        months: String::new(),
    };
    // Suspended in 2025 (not counted at its end), restored in 2026.
    s.record_decision(&c, ids[0], &form("suspend", "2025-10-01")).await.unwrap();
    s.record_decision(&c, ids[0], &form("restore", "2026-03-01")).await.unwrap();
    s.record_decision(&c, ids[1], &form("expelled", "2026-04-01")).await.unwrap();
    s.record_decision(&c, ids[2], &form("lapse_removed", "2026-05-01")).await.unwrap();
    s.record_decision(&c, ids[3], &form("death", "2026-06-01")).await.unwrap();
    s.record_decision(&c, probationary, &form("probation_cancelled", "2026-06-15")).await.unwrap();
    // Transferred out of the system by letter, and moved to B inside it.
    let out = TransferInput {
        kind: "out".into(),
        destination: "中共某市第一中学委员会".into(),
        issued_on: "2026-07-01".into(),
        valid_days: "30".into(),
        reason: "工作调动".into(),
        ..Default::default()
    };
    let sent = s.issue_transfer(&c, ids[4], &out).await.unwrap();
    s.record_receipt(&c, sent, "2026-07-20", "王干事").await.unwrap();
    let inside = TransferInput { kind: "internal".into(), to_org_id: Some(b.id), destination: String::new(), ..out };
    let t = s.issue_transfer(&c, ids[5], &inside).await.unwrap();
    s.accept_transfer(&c, t, "2026-08-01").await.unwrap();
    // Received into B by a letter from outside; admitted to B in 2026.
    let mut from_outside = member(&full(3, "2001-07-01"));
    from_outside.name = "孙八".into();
    from_outside.id_number = IdNumber::from_parts("110105", day("1981-03-03"), 5).unwrap().as_str().to_string();
    from_outside.birth_date = "1981-03-03".into();
    from_outside.confirmed_on = "2002-07-01".into();
    from_outside.status = "full".into();
    let letter = services::transfer_in::LetterIn {
        letter_no: "000123".into(),
        origin: "中共某市教育局委员会".into(),
        issued_on: "2026-09-01".into(),
        received_on: "2026-09-10".into(),
        dues_paid_to: "2026-08".into(),
        member: from_outside,
    };
    let received = s.receive_letter(&c, b.id, &letter).await.unwrap();
    let mut admitted = member(&full(5, "2026-10-01"));
    admitted.name = "周九".into();
    admitted.id_number = IdNumber::from_parts("110105", day("2000-05-05"), 9).unwrap().as_str().to_string();
    admitted.birth_date = "2000-05-05".into();
    let admitted = s.create_member(&c, b.id, None, &admitted).await.unwrap();

    // Table 24: C's term (2023-05-01, 3 years) ended on 1 May 2026 with no election since; B
    // held an election on 1 April 2026 (recorded past the services, as a term of 3 years).
    let mut late = org("三中党支部", "branch", "2015-01-01");
    late.term_start_on = "2023-05-01".into();
    s.create_org(&c, Some(root.id), &late).await.unwrap();
    let mut tx = s.fixture_db().begin().await.unwrap();
    storage::election::insert_recorded(&mut tx, b.id, day("2026-04-01"), Some(3)).await.unwrap();
    storage::election::set_term(&mut tx, b.id, day("2026-04-01"), 3).await.unwrap();
    tx.commit().await.unwrap();

    let on = day("2026-12-31");
    let r = s.stats(&c, root.id, on).await.unwrap();
    let e = &r.total.events;
    assert_eq!((e.get(Tally::TermsEnded), e.get(Tally::Renewed), e.get(Tally::RenewalOverdue)), (1, 1, 1));
    for (cell, name) in [("event-renewed", "二中党支部"), ("event-renewal_overdue", "三中党支部")] {
        let page = s.stats_cell(&c, root.id, on, cell, 1).await.unwrap();
        assert_eq!(page.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), [name], "{cell}");
        assert_eq!(page.rows[0].org_name, "县教育局党委");
    }
    // The day before C's term ended it was not overdue, and the year before nothing ended.
    let r0 = s.stats(&c, root.id, day("2026-05-01")).await.unwrap();
    assert_eq!(r0.total.events.get(Tally::RenewalOverdue), 0);
    let r0 = s.stats(&c, root.id, day("2026-05-02")).await.unwrap();
    assert_eq!(r0.total.events.get(Tally::RenewalOverdue), 1);
    let r0 = s.stats(&c, root.id, day("2025-12-31")).await.unwrap();
    assert_eq!((r0.total.events.get(Tally::TermsEnded), r0.total.events.get(Tally::Renewed)), (0, 0));
    let t1 = &r.total.changes;
    let kinds: BTreeMap<Change, u64> = t1.changes.clone();
    let expected: BTreeMap<Change, u64> = [
        (Change::Restored, 1),
        (Change::TransferredIn, 2),
        (Change::Recruited, 1),
        (Change::Expelled, 1),
        (Change::LapseRemoved, 1),
        (Change::Died, 1),
        (Change::ProbationCancelled, 1),
        (Change::TransferredOut, 2),
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds, expected);
    // End of 2025: six at A but the suspended one (5), and the probationary member (6). End of
    // 2026: the restored member at A; the moved, received and admitted ones at B.
    assert_eq!((t1.last_year, t1.increases(), t1.decreases(), t1.this_year), (6, 4, 6, 4));
    assert!(t1.balances() && t1.unexplained.is_empty(), "{t1:?}");
    // The member admitted without the 25 steps on record is the one check that fails.
    let named: Vec<Vec<i64>> = r.inconsistencies.iter().map(|i| i.members.iter().map(|m| m.id).collect()).collect();
    assert_eq!(named, [vec![admitted]], "{:?}", r.inconsistencies);
    assert_eq!(t1.left(), 3, "expelled, lapse removed, probation cancelled");
    // Each change opens to its member.
    for (cell, id) in [
        ("change-restored", ids[0]),
        ("change-expelled", ids[1]),
        ("change-lapse_removed", ids[2]),
        ("change-died", ids[3]),
        ("change-probation_cancelled", probationary),
        ("change-recruited", admitted),
    ] {
        let page = s.stats_cell(&c, root.id, on, cell, 1).await.unwrap();
        let listed: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
        assert_eq!(listed, [id], "{cell}");
    }
    let page = s.stats_cell(&c, root.id, on, "change-transferred_in", 1).await.unwrap();
    let mut listed: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
    listed.sort_unstable();
    let mut want = vec![ids[5], received.member_id];
    want.sort_unstable();
    assert_eq!(listed, want);
    // The move is out of A and into B: B's own table 1 has it as an increase only.
    let rb = s.stats(&c, b.id, on).await.unwrap();
    assert_eq!((rb.total.changes.count(Change::TransferredIn), rb.total.changes.count(Change::TransferredOut)), (2, 0));
    // The year before each change, nothing of 2026 is counted.
    let r = s.stats(&c, root.id, day("2025-12-31")).await.unwrap();
    assert_eq!(r.total.changes.count(Change::Died), 0);
    assert_eq!(r.total.members.total, 6);
    every_figure_opens_to_its_rows(&s, root.id, on).await;
}
