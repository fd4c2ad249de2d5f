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

/// The day these scenarios take place: their records are dated in 2026, so "today" is pinned
/// (a probationary member who joined on 2026-03-01 is still one), whatever the clock says.
const TODAY: (i32, u32, u32) = (2026, 11, 20);

fn services(db: Db) -> Services {
    let mut s = Services::new(db, AuditKey::new(vec![5u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2);
    s
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

/// An org established in 2015 whose committee's term began in June 2024.
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

test_support::on_both_backends!(recording_a_committee_meeting_clears_that_months_finding);

async fn recording_a_committee_meeting_clears_that_months_finding(db: Db) {
    let s = services(db);
    let c = console_actor();
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
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[0]),
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
    assert_eq!(views[0].attendance.iter().filter(|a| a.attendance == domain::org_life::Attendance::Excused).count(), 1);
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
    let (n,): (i64,) = s
        .fixture_db()
        .fetch_one("SELECT COUNT(*) FROM audit_entries WHERE action = 'meeting.record'", &[])
        .await
        .unwrap();
    assert_eq!(n, 1);
}

/// A branch of 8 full members and a probationary one, with a 3-member committee, under a
/// committee whose secretary is a cadre of another branch.
struct Branch {
    s: Services,
    root: storage::org::OrgRow,
    b: storage::org::OrgRow,
    ids: Vec<i64>,
    probationary: i64,
    cadre: i64,
}

async fn branch(db: Db) -> Branch {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let organs = s.create_org(&c, Some(root.id), &org("机关支部", "branch")).await.unwrap();
    let mut ids = Vec::new();
    for (i, n) in ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"].iter().enumerate() {
        ids.push(s.create_member(&c, b.id, None, &person(&format!("党员{n}"), i as u16 * 2 + 1)).await.unwrap());
    }
    let mut p = person("预备党员", 41);
    p.status = "probationary".into();
    p.joined_on = "2026-03-01".into();
    p.confirmed_on = String::new();
    let probationary = s.create_member(&c, b.id, None, &p).await.unwrap();
    for (post, m) in ["secretary", "organization_officer", "publicity_officer"].iter().zip(&ids) {
        s.add_post(&c, b.id, *m, post, "2024-06-01").await.unwrap();
    }
    let cadre = s.create_member(&c, organs.id, None, &person("王局长", 61)).await.unwrap();
    s.add_post(&c, root.id, cadre, "secretary", "2024-01-01").await.unwrap();
    Branch { s, root, b, ids, probationary, cadre }
}

test_support::on_both_backends!(resolutions_ratings_talks_and_dual_org_life);

async fn resolutions_ratings_talks_and_dual_org_life(db: Db) {
    let Branch { s, root, b, ids, probationary, cadre } = branch(db).await;
    let c = console_actor();
    // 双重组织生活: the committee secretary joins this branch's organizational life.
    s.add_dual(&c, b.id, "王局长", "2026-01-01").await.unwrap();
    assert!(matches!(s.add_dual(&c, b.id, "王局长", "2026-01-01").await, Err(ServiceError::Invalid(_))));
    assert!(matches!(s.add_dual(&c, b.id, "没有这个人", "2026-01-01").await, Err(ServiceError::Invalid(_))));

    // A 党员大会 with a vote: 8 voters expected (the probationary member and the cadre do not
    // vote); two absent → 6 present.
    let mut input = MeetingInput {
        kind: "branch_assembly".into(),
        held_on: "2026-09-10".into(),
        topic: "讨论接收预备党员".into(),
        minutes: "<p>会议<b>讨论</b>了……</p><script>alert(1)</script><img src=x onerror=alert(1)>".into(),
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[1]),
        ..Default::default()
    };
    input.exceptions = HashMap::from([
        (ids[6], ("absent".to_string(), String::new())),
        (ids[7], ("excused".to_string(), "病假".to_string())),
    ]);
    // MTG-ASSEMBLY: votes must reconcile with those present.
    input.resolutions = vec![services::org_life::ResolutionInput {
        text: "同意接收".into(),
        yes: 6,
        no: 1,
        abstain: 0,
        ..Default::default()
    }];
    match s.record_meeting(&c, b.id, &input).await {
        Err(ServiceError::Invalid(e)) => assert!(e.get("res_0").unwrap().contains("超过"), "{e:?}"),
        other => panic!("{other:?}"),
    }
    input.resolutions[0].no = 0;
    let mid = s.record_meeting(&c, b.id, &input).await.unwrap();
    let d = s.meeting_detail(&c, mid).await.unwrap();
    assert_eq!(d.attendance.len(), 10, "8 full, 1 probationary, 1 cadre");
    assert_eq!(d.attendance.iter().filter(|a| a.dual_org_life).count(), 1);
    let r = &d.resolutions[0];
    assert_eq!((r.votes.voters_expected, r.votes.voters_present, r.votes.yes), (8, 6, 6));
    assert!(r.passed, "6 of 8 expected voters is more than half");
    assert_eq!(d.quorum.as_deref(), Some("有表决权的党员应到8人，实到6人，达到半数，可以表决（MTG-ASSEMBLY）"));
    assert!(!d.meeting.minutes.contains("script") && !d.meeting.minutes.contains("onerror"), "{}", d.meeting.minutes);
    assert!(d.meeting.minutes.contains("<b>讨论</b>"), "{}", d.meeting.minutes);
    assert_eq!(d.host_name.as_deref(), Some("党员甲"));
    assert!(d.meeting.has_vote);
    // The probationary member is expected but holds no vote.
    assert!(d.attendance.iter().any(|a| a.member_id == probationary && a.probationary));

    // 民主评议: at most a third rated 优秀 (forms.md §2.4).
    let mut appraisal = MeetingInput {
        kind: "member_appraisal".into(),
        held_on: "2026-11-05".into(),
        topic: "2026年度民主评议党员".into(),
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[0]),
        ..Default::default()
    };
    appraisal.ratings = (0..4).map(|i| (ids[i], "excellent".to_string())).collect();
    match s.record_meeting(&c, b.id, &appraisal).await {
        Err(ServiceError::Invalid(e)) => assert!(e.get("ratings").unwrap().contains("三分之一"), "{e:?}"),
        other => panic!("{other:?}"),
    }
    appraisal.ratings = (0..3).map(|i| (ids[i], "excellent".to_string())).collect();
    appraisal.ratings.insert(ids[7], "basically_qualified".into());
    let aid = s.record_meeting(&c, b.id, &appraisal).await.unwrap();
    let d = s.meeting_detail(&c, aid).await.unwrap();
    assert_eq!(d.ratings.len(), 9, "every member of the branch, not the cadre");
    assert_eq!(d.ratings.iter().filter(|r| r.rating == domain::org_life::AppraisalRating::Excellent).count(), 3);

    // 谈心谈话: between two people, with a reason; no attendance list.
    let mut talk = MeetingInput {
        kind: "talk".into(),
        held_on: "2026-08-01".into(),
        topic: "了解思想和工作情况".into(),
        talk_reason: "岗位变动".into(),
        host_member_id: Some(ids[0]),
        ..Default::default()
    };
    assert!(matches!(s.record_meeting(&c, b.id, &talk).await, Err(ServiceError::Invalid(_))));
    talk.partner_member_id = Some(ids[0]);
    assert!(matches!(s.record_meeting(&c, b.id, &talk).await, Err(ServiceError::Invalid(_))));
    talk.partner_member_id = Some(ids[3]);
    let tid = s.record_meeting(&c, b.id, &talk).await.unwrap();
    let d = s.meeting_detail(&c, tid).await.unwrap();
    assert_eq!((d.host_name.as_deref(), d.partner_name.as_deref()), (Some("党员甲"), Some("党员丁")));
    assert!(d.attendance.is_empty());

    // A 党课 needs its lecturer; the committee secretary lecturing here counts for the
    // committee's MTG-LESSON.
    let lesson = MeetingInput {
        kind: "party_lecture".into(),
        held_on: "2026-07-01".into(),
        topic: "七一专题党课".into(),
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[0]),
        ..Default::default()
    };
    assert!(matches!(s.record_meeting(&c, b.id, &lesson).await, Err(ServiceError::Invalid(_))));
    let lesson = MeetingInput { lecturer_member_id: Some(cadre), ..lesson };
    s.record_meeting(&c, b.id, &lesson).await.unwrap();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let committee = s.org_findings(&c, root.id, 2026, as_of).await.unwrap();
    assert!(!committee.iter().any(|f| f.rule_id == "MTG-LESSON"), "{committee:?}");
    streaming_agrees(&s, as_of).await;
}

test_support::on_both_backends!(con_lapse_counts_the_groups_meetings);

/// CON-LAPSE: organizational life is the group's 党小组会 as well as the branch's meetings. A
/// member absent from seven months of 党员大会 but present at the group's meetings has not
/// lapsed; one absent from both has, and the finding lists the group's meetings too.
async fn con_lapse_counts_the_groups_meetings(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let g = s.create_org(&c, Some(b.id), &org("第一党小组", "group")).await.unwrap();
    let mut ids = Vec::new();
    for (i, n) in ["甲", "乙", "丙", "丁"].iter().enumerate() {
        let group = (i < 2).then_some(g.id);
        ids.push(s.create_member(&c, b.id, group, &person(&format!("党员{n}"), i as u16 * 2 + 1)).await.unwrap());
    }
    let (attends_group, skips_both) = (ids[0], ids[1]);
    let mut group_meetings = Vec::new();
    for month in 3..=9 {
        let mut assembly = MeetingInput {
            kind: "branch_assembly".into(),
            held_on: format!("2026-{month:02}-10"),
            topic: "党员大会".into(),
            host_member_id: Some(ids[2]),
            recorder_member_id: Some(ids[2]),
            ..Default::default()
        };
        assembly.exceptions =
            [attends_group, skips_both].into_iter().map(|m| (m, ("absent".to_string(), String::new()))).collect();
        s.record_meeting(&c, b.id, &assembly).await.unwrap();
        let mut group_meeting = MeetingInput {
            kind: "group_meeting".into(),
            held_on: format!("2026-{month:02}-20"),
            topic: "党小组会".into(),
            host_member_id: Some(attends_group),
            recorder_member_id: Some(attends_group),
            ..Default::default()
        };
        group_meeting.exceptions = HashMap::from([(skips_both, ("absent".to_string(), String::new()))]);
        group_meetings.push(s.record_meeting(&c, g.id, &group_meeting).await.unwrap());
    }
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let branch = storage::org::get(s.fixture_db(), &domain::scope::Scope::everything(), b.id).await.unwrap().unwrap();
    let findings = s.console().findings_for(&branch, 2026, as_of).await.unwrap();
    let lapses: Vec<_> = findings.iter().filter(|f| f.rule_id == "CON-LAPSE").collect();
    assert_eq!(lapses.len(), 1, "{lapses:?}");
    assert_eq!(lapses[0].member_id(), Some(skips_both));
    assert!(lapses[0].message.contains("2026年3月至2026年9月连续7个月"), "{}", lapses[0].message);
    for id in &group_meetings {
        assert!(
            lapses[0].record_ids("meeting").contains(id),
            "the group's meeting {id} is among the finding's records"
        );
    }
    streaming_agrees(&s, as_of).await;
}

test_support::on_both_backends!(an_org_closed_during_the_year_answers_for_its_months);

/// A branch closed (撤销) in June still answers for January to June in the full check and on the
/// dashboard, with the per-org check's findings; one closed before the year is not checked.
async fn an_org_closed_during_the_year_answers_for_its_months(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let open = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let merged = s.create_org(&c, Some(root.id), &org("合并支部", "branch")).await.unwrap();
    let earlier = s.create_org(&c, Some(root.id), &org("早撤支部", "branch")).await.unwrap();
    let mut tx = s.fixture_db().begin().await.unwrap();
    storage::org::close(&mut tx, merged.id, "2026-06-30").await.unwrap();
    storage::org::close(&mut tx, earlier.id, "2025-12-31").await.unwrap();
    tx.commit().await.unwrap();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let closed_on = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let mut results = Vec::new();
    s.console()
        .check_subtree_paged(
            None,
            2026,
            as_of,
            services::compliance::CHECK_BATCH,
            services::compliance::national_rules(),
            |r| results.push(r),
        )
        .await
        .unwrap();
    let checked: Vec<i64> = results.iter().map(|r| r.org_id).collect();
    assert!(checked.contains(&open.id) && checked.contains(&merged.id), "{checked:?}");
    assert!(!checked.contains(&earlier.id), "closed before 2026");
    let r = results.iter().find(|r| r.org_id == merged.id).unwrap();
    assert_eq!(r.closed_on.map(|d| d.to_string()).as_deref(), Some("2026-06-30"));
    assert!(!r.findings.is_empty() && !r.statuses.is_empty());
    for f in &r.findings {
        assert!(f.period.is_none_or(|p| p.end() <= closed_on), "{f:?}");
    }
    let row = storage::org::get(s.fixture_db(), &domain::scope::Scope::everything(), merged.id).await.unwrap().unwrap();
    assert_eq!(r.findings, s.console().findings_for(&row, 2026, as_of).await.unwrap());
    let report = s.compliance(&c, root.id, 2026, as_of).await.unwrap();
    let line = report.children.iter().find(|l| l.org_id == merged.id).unwrap();
    assert_eq!(line.closed_on.map(|d| d.to_string()).as_deref(), Some("2026-06-30"));
    assert!(line.own.required_periods > 0);
    assert!(!report.children.iter().any(|l| l.org_id == earlier.id));
}

/// The streaming full check gives every org the findings of the per-org check.
async fn streaming_agrees(s: &Services, as_of: NaiveDate) {
    let rules = services::settings::rules_in_force(s.console().setting_changes().await.unwrap());
    let mut streamed = Vec::new();
    s.console()
        .check_subtree_paged(None, 2026, as_of, services::compliance::CHECK_BATCH, rules, |r| streamed.push(r))
        .await
        .unwrap();
    assert!(!streamed.is_empty());
    for r in streamed {
        let org =
            storage::org::get(s.fixture_db(), &domain::scope::Scope::everything(), r.org_id).await.unwrap().unwrap();
        assert_eq!(r.findings, s.console().findings_for(&org, 2026, as_of).await.unwrap(), "{}", org.name);
    }
}

test_support::on_both_backends!(committee_settings_and_explanations);

/// Committee settings: a local rule set switched on at the committee reaches its branches from
/// its date (earlier periods keep the old rules); a lower org may not switch it off; a parameter
/// may only tighten a national rule (MTG-ASSEMBLY), and a refusal names the rule and changes
/// nothing. Explanations are kept per finding subject.
async fn committee_settings_and_explanations(db: Db) {
    let Branch { s, root, b, .. } = branch(db).await;
    let c = console_actor();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let lesson = |fs: &[domain::findings::Finding]| fs.iter().filter(|f| f.rule_id == "LOCAL-LESSON-QUARTER").count();
    assert_eq!(lesson(&s.org_findings(&c, b.id, 2026, as_of).await.unwrap()), 0);
    let key = domain::settings::rule_set_key(domain::family::org_life::LOCAL_QUARTERLY_LESSON);
    // Switched on at the committee from 1 April, the local rule reaches its branches for the
    // quarters from then on (Q2, Q3 ended), not for Q1.
    s.set_setting(&c, root.id, key, "on", "2026-04-01").await.unwrap();
    let found = s.org_findings(&c, b.id, 2026, as_of).await.unwrap();
    let quarters: Vec<String> =
        found.iter().filter(|f| f.rule_id == "LOCAL-LESSON-QUARTER").map(|f| f.period.unwrap().label()).collect();
    assert_eq!(quarters, vec!["2026年第二季度", "2026年第三季度"]);
    streaming_agrees(&s, as_of).await;
    let states = s.settings_of(&c, b.id, as_of).await.unwrap();
    let state = states.iter().find(|st| st.def.key == key).unwrap();
    assert_eq!((state.value.as_str(), state.here), ("on", false));
    // The catalogue of the branch lists the local rule as a committee's, in force.
    let catalogue = s.rule_catalogue(&c, b.id, as_of).await.unwrap();
    let local = catalogue.iter().find(|r| r.id == "LOCAL-LESSON-QUARTER").unwrap();
    assert!(local.tightened());
    assert!(catalogue.iter().any(|r| r.id == "CON-LAPSE"));
    assert!(
        s.rule_catalogue(&c, b.id, NaiveDate::from_ymd_opt(2026, 3, 31).unwrap())
            .await
            .unwrap()
            .iter()
            .all(|r| r.id != "LOCAL-LESSON-QUARTER")
    );

    // Refusals change nothing and are not audited: a branch may not make committee settings;
    // a loosening parameter names its rule.
    let count = |sql: &'static str| {
        let s = &s;
        async move { s.fixture_db().fetch_one::<(i64,)>(sql, &[]).await.unwrap().0 }
    };
    let stored = count("SELECT COUNT(*) FROM committee_settings").await;
    let audited = count("SELECT COUNT(*) FROM audit_entries").await;
    assert!(matches!(s.set_setting(&c, b.id, key, "off", "2026-05-01").await, Err(ServiceError::Invalid(_))));
    match s.set_setting(&c, root.id, "MTG-ASSEMBLY.min_count", "7", "2026-07-01").await {
        Err(ServiceError::Invalid(e)) => assert!(e.0[0].message.contains("1至6"), "{e}"),
        other => panic!("{other:?}"),
    }
    match s.set_setting(&c, root.id, "MTG-ASSEMBLY.min_count", "0", "2026-07-01").await {
        Err(ServiceError::Invalid(e)) => assert_eq!(e.rule().map(|r| r.rule_id.as_str()), Some("MTG-ASSEMBLY"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(s.set_setting(&c, root.id, "NO-SUCH", "1", "2026-07-01").await, Err(ServiceError::Invalid(_))));
    assert!(matches!(s.set_setting(&c, root.id, key, "on", "2026-02-30").await, Err(ServiceError::Invalid(_))));
    match s.set_setting(&c, root.id, "ORG-BRANCH-MIN.max_members", "60", "2026-07-01").await {
        Err(ServiceError::Invalid(e)) => {
            let rule = e.rule().unwrap();
            assert_eq!(rule.rule_id, "ORG-BRANCH-MIN");
            assert!(rule.citation.contains("第四条"), "{}", rule.citation);
            assert!(e.0[0].message.contains("ORG-BRANCH-MIN"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count("SELECT COUNT(*) FROM committee_settings").await, stored);
    assert_eq!(count("SELECT COUNT(*) FROM audit_entries").await, audited);
    // A tightened parameter: two 党员大会 a quarter from 1 July; Q3 then needs two, Q1 and Q2 one.
    s.set_setting(&c, root.id, "MTG-ASSEMBLY.min_count", "2", "2026-07-01").await.unwrap();
    let found = s.org_findings(&c, b.id, 2026, as_of).await.unwrap();
    let assembly: Vec<&domain::findings::Finding> = found.iter().filter(|f| f.rule_id == "MTG-ASSEMBLY").collect();
    let q3 = assembly.iter().find(|f| f.period.unwrap().label() == "2026年第三季度").unwrap();
    assert!(q3.message.contains("应至少2次"), "{}", q3.message);
    assert_eq!(q3.source.kind(), "setting");
    assert!(q3.source.label().starts_with("党委设定（2026年7月1日起）"), "{}", q3.source.label());
    let q1 = assembly.iter().find(|f| f.period.unwrap().label() == "2026年第一季度").unwrap();
    assert_eq!(q1.source.kind(), "national", "earlier periods keep the national rule");
    streaming_agrees(&s, as_of).await;
    // Switched off at the committee from 1 October: Q4 is no longer asked for.
    s.set_setting(&c, root.id, key, "off", "2026-10-01").await.unwrap();
    assert_eq!(lesson(&s.org_findings(&c, b.id, 2026, NaiveDate::from_ymd_opt(2027, 1, 2).unwrap()).await.unwrap()), 2);

    // An explanation is kept beside the finding, and audited.
    let f = s.org_findings(&c, b.id, 2026, as_of).await.unwrap();
    let march = f.iter().find(|f| f.rule_id == "MTG-COMMITTEE").unwrap();
    let start = march.period.as_ref().unwrap().start().format("%Y-%m-%d").to_string();
    let subject = march.subject.key();
    assert!(matches!(
        s.explain_finding(&c, b.id, "MTG-COMMITTEE", &start, &subject, "短").await,
        Err(ServiceError::Invalid(_))
    ));
    assert!(matches!(
        s.explain_finding(&c, b.id, "NO-SUCH", &start, &subject, "情况说明文字").await,
        Err(ServiceError::Invalid(_))
    ));
    assert!(matches!(
        s.explain_finding(&c, b.id, "MTG-COMMITTEE", &start, "member:x", "情况说明文字").await,
        Err(ServiceError::Invalid(_))
    ));
    s.explain_finding(&c, b.id, "MTG-COMMITTEE", &start, &subject, "书记外出学习，已于次月补开").await.unwrap();
    let e = s.explanations(&c, b.id).await.unwrap();
    assert_eq!((e.len(), e[0].period_start.as_str(), e[0].subject.as_str()), (1, start.as_str(), subject.as_str()));
    // The ledger's summary counts meetings per requirement from the same check: ten monthly
    // 支委会 were due by 21 November and none was held (MTG-COMMITTEE); the explanation is kept.
    let doc = s.ledger_doc(&c, b.id, 2026, as_of).await.unwrap();
    let line = doc.compliance.iter().find(|l| l.rule_id == "MTG-COMMITTEE").unwrap();
    assert_eq!((line.required, line.held, line.met), (10, 0, false));
    assert!(line.missed_periods.contains("2026年3月"), "{}", line.missed_periods);
    assert!(doc.findings.iter().any(|f| f.explanation.as_deref() == Some("书记外出学习，已于次月补开")));
    let (n,): (i64,) = s
        .fixture_db()
        .fetch_one("SELECT COUNT(*) FROM audit_entries WHERE action IN ('finding.explain','setting.set')", &[])
        .await
        .unwrap();
    assert_eq!(n, 4);
}

test_support::on_both_backends!(quorum_by_purpose_through_the_meeting_flow);

/// A 党员大会 vote is judged by its purpose's own quorum and majority: with 6 of 8 voters present
/// an ordinary matter and an admission stand (MTG-ASSEMBLY ≥ ½, DEV-ASM-QUORUM > ½), an election
/// does not (EL-QUORUM > ⁴⁄₅) and the check reports it; with 7 of 8 it stands.
async fn quorum_by_purpose_through_the_meeting_flow(db: Db) {
    use services::org_life::ResolutionInput;
    let Branch { s, b, ids, .. } = branch(db).await;
    let c = console_actor();
    let vote = |text: &str, purpose: &str, yes: u32| ResolutionInput {
        text: text.into(),
        purpose: purpose.into(),
        yes,
        ..Default::default()
    };
    let mut input = MeetingInput {
        kind: "branch_assembly".into(),
        held_on: "2026-09-10".into(),
        topic: "支部党员大会".into(),
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[0]),
        ..Default::default()
    };
    input.exceptions = HashMap::from([
        (ids[6], ("absent".to_string(), String::new())),
        (ids[7], ("excused".to_string(), "病假".to_string())),
    ]);
    input.resolutions = vec![
        vote("年度工作计划", "ordinary", 5),
        vote("接收张三为预备党员", "admission", 5),
        vote("增补支部委员", "election", 6),
    ];
    let mid = s.record_meeting(&c, b.id, &input).await.unwrap();
    let d = s.meeting_detail(&c, mid).await.unwrap();
    let outcomes: Vec<&str> = d.resolutions.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, vec!["通过（MTG-ASSEMBLY）", "通过（DEV-ASM-VOTE）", "到会人数不足，表决无效（EL-QUORUM）"]);
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let found = s.org_findings(&c, b.id, 2026, as_of).await.unwrap();
    let el: Vec<_> = found.iter().filter(|f| f.rule_id == "EL-QUORUM").collect();
    assert_eq!(el.len(), 1, "{found:#?}");
    assert_eq!(
        el[0].message,
        "2026年9月10日支部党员大会选举，有选举权的党员到会未超过五分之四（应到8人，实到6人），选举无效"
    );
    assert_eq!(el[0].subject.key(), format!("meeting:{mid}"));
    assert!(!found.iter().any(|f| f.rule_id == "DEV-ASM-QUORUM"
        || (f.rule_id == "MTG-ASSEMBLY" && f.subject.key() == format!("meeting:{mid}"))));
    streaming_agrees(&s, as_of).await;
    // With only the one excused member away, 7 of 8 exceed four fifths.
    input.held_on = "2026-10-10".into();
    input.exceptions = HashMap::from([(ids[7], ("excused".to_string(), "病假".to_string()))]);
    input.resolutions = vec![vote("增补支部委员", "election", 4)];
    let mid = s.record_meeting(&c, b.id, &input).await.unwrap();
    let d = s.meeting_detail(&c, mid).await.unwrap();
    assert_eq!(d.resolutions[0].outcome, "通过（EL-ELECTED）", "4 of 7 present is more than half");
    let found = s.org_findings(&c, b.id, 2026, as_of).await.unwrap();
    assert_eq!(found.iter().filter(|f| f.rule_id == "EL-QUORUM").count(), 1, "only September's");
    // Admission is for a 党员大会 only; an unknown purpose is refused.
    let mut committee = MeetingInput {
        kind: "committee_meeting".into(),
        held_on: "2026-10-12".into(),
        topic: "支委会".into(),
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[0]),
        ..Default::default()
    };
    committee.resolutions = vec![vote("接收", "admission", 1)];
    match s.record_meeting(&c, b.id, &committee).await {
        Err(ServiceError::Invalid(e)) => assert!(e.get("res_0").unwrap().contains("只能由支部党员大会表决"), "{e:?}"),
        other => panic!("{other:?}"),
    }
    committee.resolutions = vec![vote("接收", "whatever", 1)];
    assert!(matches!(s.record_meeting(&c, b.id, &committee).await, Err(ServiceError::Invalid(_))));
}

test_support::on_both_backends!(con_lapse_six_recorded_months_without_assigned_work);

/// CON-LAPSE's third condition through the service: the branch records months in which a member
/// did not do assigned work; five give nothing, the sixth consecutive one a finding naming the
/// member. A month is recorded once, not in the future, and only by those who edit the member.
async fn con_lapse_six_recorded_months_without_assigned_work(db: Db) {
    let Branch { s, b, ids, .. } = branch(db).await;
    let c = console_actor();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let who = ids[3];
    let lapses = |f: &[domain::findings::Finding]| {
        f.iter()
            .filter(|f| f.rule_id == "CON-LAPSE" && f.message.contains("不做党所分配的工作"))
            .map(|f| f.member_id())
            .collect::<Vec<_>>()
    };
    for month in 1..=5 {
        s.record_work_refusal(&c, who, &format!("2026-{month:02}"), "未按要求完成社区报到服务").await.unwrap();
    }
    assert!(lapses(&s.org_findings(&c, b.id, 2026, as_of).await.unwrap()).is_empty(), "five months");
    s.record_work_refusal(&c, who, "2026年6月", "未按要求完成社区报到服务").await.unwrap();
    let found = s.org_findings(&c, b.id, 2026, as_of).await.unwrap();
    assert_eq!(lapses(&found), vec![Some(who)]);
    let f = found.iter().find(|f| f.rule_id == "CON-LAPSE" && f.member_id() == Some(who)).unwrap();
    assert!(
        f.message.starts_with("党员党员丁2026年1月至2026年6月连续6个月无正当理由不做党所分配的工作"),
        "{}",
        f.message
    );
    streaming_agrees(&s, as_of).await;
    assert_eq!(s.work_refusals(&c, who).await.unwrap().len(), 6);
    // Refused: the same month again, a future month, a short note, and an outsider.
    assert!(matches!(
        s.record_work_refusal(&c, who, "2026-06", "再次记录同一个月").await,
        Err(ServiceError::Invalid(_))
    ));
    assert!(matches!(s.record_work_refusal(&c, who, "2026-12", "未来月份的记录").await, Err(ServiceError::Invalid(_))));
    assert!(matches!(s.record_work_refusal(&c, who, "2026-07", "短").await, Err(ServiceError::Invalid(_))));
    let outsider = Actor { account_id: 9, username: "w".into(), grants: vec![] };
    assert!(matches!(
        s.record_work_refusal(&outsider, who, "2026-07", "越权记录的情况").await,
        Err(ServiceError::NotFound)
    ));
    let (n,): (i64,) = s
        .fixture_db()
        .fetch_one("SELECT COUNT(*) FROM audit_entries WHERE action = 'member.work_refusal'", &[])
        .await
        .unwrap();
    assert_eq!(n, 6);
}

test_support::on_both_backends!(attachments_are_checked_and_kept);

async fn attachments_are_checked_and_kept(db: Db) {
    let Branch { mut s, b, ids, .. } = branch(db).await;
    // A folder of this run alone: the SQLite and PostgreSQL runs go on at the same time.
    let dir = tempfile::tempdir().unwrap();
    s.files_dir = Some(dir.path().to_path_buf());
    let c = console_actor();
    let input = MeetingInput {
        kind: "themed_day".into(),
        held_on: "2026-06-01".into(),
        topic: "主题党日".into(),
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[0]),
        ..Default::default()
    };
    let mid = s.record_meeting(&c, b.id, &input).await.unwrap();
    assert!(matches!(s.attach(&c, mid, "签到表.png", b"%PDF-1.4").await, Err(ServiceError::Invalid(_))));
    assert!(matches!(s.attach(&c, mid, "a.exe", b"MZ....").await, Err(ServiceError::Invalid(_))));
    let pdf = b"%PDF-1.4\n% zhibu test\n";
    let aid = s.attach(&c, mid, "../签到表.pdf", pdf).await.unwrap();
    let (row, bytes) = s.attachment(&c, mid, aid).await.unwrap();
    assert_eq!((row.file_name.as_str(), bytes.as_slice()), ("签到表.pdf", &pdf[..]));
    let outsider = Actor { account_id: 9, username: "w".into(), grants: vec![] };
    assert!(matches!(s.attachment(&outsider, mid, aid).await, Err(ServiceError::NotFound)));
    drop(dir);
}

test_support::on_both_backends!(the_member_list_names_an_org_renamed_a_moment_ago);

/// The member list fills in org names from a memo of the pool; a rename through this process
/// shows at once.
async fn the_member_list_names_an_org_renamed_a_moment_ago(db: Db) {
    let s = services(db);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("支部", "branch")).await.unwrap();
    let g = s.create_org(&c, Some(b.id), &org("党小组", "group")).await.unwrap();
    s.create_member(&c, b.id, Some(g.id), &person("党员甲", 1)).await.unwrap();
    let filter = storage::member::MemberFilter { page: 1, per_page: 20, ..Default::default() };
    let everything = domain::scope::Scope::everything();
    let (rows, _) = storage::member::list(s.fixture_db(), &everything, &filter).await.unwrap();
    assert_eq!((rows[0].branch_name.as_str(), rows[0].group_name.as_deref()), ("支部", Some("党小组")));
    s.update_org(&c, b.id, &org("第一支部", "branch")).await.unwrap();
    let (rows, _) = storage::member::list(s.fixture_db(), &everything, &filter).await.unwrap();
    assert_eq!(rows[0].branch_name, "第一支部");
}
