//! Term elections on both backends (EL-*): an approved election replaces the committee's posts
//! and the term from its day; each refusal names its rule and writes nothing; voters are counted
//! on the day (EL-RIGHTS); the term start can no longer be typed once an election is recorded.

use chrono::NaiveDate;
use domain::member::{IdNumber, MemberInput};
use domain::org::PostKind;
use services::elections::{CandidateInput, ElectionForm};
use services::orgs::OrgInput;
use services::{HashCost, ServiceError, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;

fn member(name: &str, seq: u16) -> MemberInput {
    let birth = NaiveDate::from_ymd_opt(1978, 9, 1).unwrap();
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

fn branch() -> OrgInput {
    OrgInput {
        name: "实验小学党支部".into(),
        kind: "branch".into(),
        established_on: "2015-01-01".into(),
        term_start_on: "2023-06-10".into(),
        term_years: "3".into(),
        ..Default::default()
    }
}

/// The rule IDs of a refusal.
fn rules(e: ServiceError) -> Vec<String> {
    match e {
        ServiceError::Invalid(f) => f.0.iter().filter_map(|x| x.rule.as_ref().map(|r| r.rule_id.clone())).collect(),
        other => panic!("{other:?}"),
    }
}

test_support::on_both_backends!(
    el_election_replaces_posts_and_term,
    el_refusals_name_their_rules_and_write_nothing,
    term_calendar_lists_overdue_terms_first
);

async fn setup(db: Db) -> (Services, i64, Vec<i64>) {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2026, 7, 1);
    let c = console_actor();
    let root = s
        .create_org(&c, None, &OrgInput { name: "县教育局党委".into(), kind: "committee".into(), ..branch() })
        .await
        .unwrap();
    let b = s.create_org(&c, Some(root.id), &branch()).await.unwrap();
    let names = ["赵甲", "钱乙", "孙丙", "李丁", "周戊", "吴己", "郑庚", "王辛", "冯壬", "陈癸"];
    let mut ids = Vec::new();
    for (i, n) in names.iter().enumerate() {
        ids.push(s.create_member(&c, b.id, None, &member(n, 2 * i as u16 + 1)).await.unwrap());
    }
    (s, b.id, ids)
}

fn form(ids: &[i64], votes: &[u32], seats: u32, present: u32) -> ElectionForm {
    ElectionForm {
        held_on: "2026-06-05".into(),
        term_years: "3".into(),
        voters_present: present.to_string(),
        seats: seats.to_string(),
        ballots_issued: present.to_string(),
        ballots_returned: present.to_string(),
        candidates: ids
            .iter()
            .zip(votes)
            .map(|(id, v)| CandidateInput { member_id: *id, votes: v.to_string() })
            .collect(),
        secretary_id: Some(ids[0]),
        deputy_id: Some(ids[1]),
        approval_no: "县教党〔2026〕21号".into(),
        approved_on: "2026-06-12".into(),
        ..Default::default()
    }
}

async fn el_election_replaces_posts_and_term(db: Db) {
    let (s, b, ids) = setup(db).await;
    let c = console_actor();
    // The term typed at creation is a past election on record; typing another start is refused.
    let past = s.elections_of_org(&c, b).await.unwrap();
    assert_eq!(past.len(), 1);
    assert_eq!(past[0].mode, domain::family::lifecycle::election::ElectionMode::Recorded);
    let moved = OrgInput { term_start_on: "2024-01-01".into(), ..branch() };
    assert!(matches!(s.update_org(&c, b, &moved).await, Err(ServiceError::Invalid(_))));
    // The outgoing secretary.
    let old = s.add_post(&c, b, ids[9], "secretary", "2023-06-10").await.unwrap();
    // Ten voters on the day; 9 present; 3 seats, 4 candidates (EL-MARGIN: at least 4).
    let setup = s.election_setup(&c, b, NaiveDate::from_ymd_opt(2026, 6, 5).unwrap()).await.unwrap();
    assert_eq!(setup.voters_expected, 10);
    let id = s.record_election(&c, b, &form(&ids[..4], &[9, 8, 7, 2], 3, 9)).await.unwrap();
    let view = s.election(&c, id).await.unwrap();
    let elected: Vec<_> = view.candidates.iter().filter(|c| c.elected).map(|c| c.name.as_str()).collect();
    assert_eq!(elected, vec!["赵甲", "钱乙", "孙丙"]);
    // The posts: the old secretary's ended the day before; the new committee from the day.
    let posts = storage::org::posts(s.fixture_db(), &domain::scope::Scope::everything(), b, true).await.unwrap();
    let ended = posts.iter().find(|p| p.id == old).unwrap();
    assert_eq!(ended.end_on.map(|d| d.to_string()).as_deref(), Some("2026-06-04"));
    let open: Vec<(PostKind, i64)> =
        posts.iter().filter(|p| p.end_on.is_none()).map(|p| (p.post, p.member_id)).collect();
    assert!(open.contains(&(PostKind::Secretary, ids[0])));
    assert!(open.contains(&(PostKind::DeputySecretary, ids[1])));
    assert!(open.contains(&(PostKind::Member, ids[2])));
    assert_eq!(open.len(), 3);
    // The org's term is the election's.
    let org = s.org(&c, b).await.unwrap();
    assert_eq!(org.term_start_on.map(|d| d.to_string()).as_deref(), Some("2026-06-05"));
}

async fn el_refusals_name_their_rules_and_write_nothing(db: Db) {
    let (s, b, ids) = setup(db).await;
    let c = console_actor();
    // EL-QUORUM: 8 of 10 is exactly 4/5, not more.
    assert_eq!(
        rules(s.record_election(&c, b, &form(&ids[..4], &[8, 7, 6, 2], 3, 8)).await.unwrap_err()),
        ["EL-QUORUM"]
    );
    // EL-MARGIN: 3 seats need 4 candidates.
    assert_eq!(rules(s.record_election(&c, b, &form(&ids[..3], &[9, 8, 7], 3, 9)).await.unwrap_err()), ["EL-MARGIN"]);
    // EL-BALLOTS: more returned than issued.
    let mut f = form(&ids[..4], &[9, 8, 7, 2], 3, 9);
    f.ballots_issued = "8".into();
    assert_eq!(rules(s.record_election(&c, b, &f).await.unwrap_err()), ["EL-BALLOTS"]);
    // EL-ELECTED: a tie at the last seat.
    assert_eq!(
        rules(s.record_election(&c, b, &form(&ids[..4], &[9, 8, 7, 7], 3, 9)).await.unwrap_err()),
        ["EL-ELECTED"]
    );
    // EL-ONTIME: the term of 10 June 2023 ends on 10 June 2026; an election on 1 December 2025
    // is more than 6 months early.
    let mut f = form(&ids[..4], &[9, 8, 7, 2], 3, 9);
    f.held_on = "2025-12-01".into();
    assert_eq!(rules(s.record_election(&c, b, &f).await.unwrap_err()), ["EL-ONTIME"]);
    // EL-RIGHTS: a member under 留党察看 on the day cannot stand.
    let observe = services::decisions::DecisionForm {
        kind: "observation".into(),
        decided_on: "2026-01-10".into(),
        body: "县纪委".into(),
        document_no: "县纪〔2026〕1号".into(),
        reason: "违反工作纪律情节较重".into(),
        months: "12".into(),
    };
    s.record_decision(&c, ids[3], &observe).await.unwrap();
    assert_eq!(s.election_setup(&c, b, NaiveDate::from_ymd_opt(2026, 6, 5).unwrap()).await.unwrap().voters_expected, 9);
    // (Left out of the candidates, the other three no longer make EL-MARGIN's four.)
    assert_eq!(
        rules(s.record_election(&c, b, &form(&ids[..4], &[8, 7, 6, 2], 3, 8)).await.unwrap_err()),
        ["EL-RIGHTS", "EL-MARGIN"]
    );
    // Nothing was written: only the past election of the org's creation.
    assert_eq!(s.elections_of_org(&c, b).await.unwrap().len(), 1);
    // 8 of 9 voters is more than 4/5: recorded with the others as candidates.
    let ok = [ids[0], ids[1], ids[2], ids[4]];
    s.record_election(&c, b, &form(&ok, &[8, 7, 6, 2], 3, 8)).await.unwrap();
    assert_eq!(s.elections_of_org(&c, b).await.unwrap().len(), 2);
}

async fn term_calendar_lists_overdue_terms_first(db: Db) {
    let (s, b, _) = setup(db).await;
    let c = console_actor();
    let root = s.org(&c, b).await.unwrap().parent_id.unwrap();
    for (name, start) in
        [("二小党支部", "2026-03-01"), ("三小党支部", "2020-01-01"), ("四小党支部", "2023-09-01"), ("五小党支部", "")]
    {
        let input = OrgInput { name: name.into(), term_start_on: start.into(), ..branch() };
        s.create_org(&c, Some(root), &input).await.unwrap();
    }
    // As of 1 July 2026: 三小 ended 2023 (overdue); the committee and 实验小学 (10 June 2026)
    // overdue too; 四小 ends 1 September 2026 (within 6 months); 二小 current; 五小 (no term) last.
    let lines = s.term_calendar(&c, root, NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(), 50).await.unwrap();
    let order: Vec<(&str, &str)> = lines.iter().map(|l| (l.name.as_str(), l.state.label())).collect();
    assert_eq!(
        order,
        vec![
            ("三小党支部", "已届满未换届"),
            ("县教育局党委", "已届满未换届"),
            ("实验小学党支部", "已届满未换届"),
            ("四小党支部", "6个月内届满"),
            ("二小党支部", "任期内"),
            ("五小党支部", "未录入")
        ]
    );
}
