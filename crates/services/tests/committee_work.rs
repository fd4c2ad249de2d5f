//! The committee's own work on both backends: 思政课 (SZK-LECTURE), 意识形态工作专题研究
//! (IDEOLOGY-RESP) and the 民主生活会's guidance from the level above, recorded as organizational-
//! life records of their own kinds and judged once a committee switches the local rule set on; and
//! the 三重一大 register (SANZHONG-YIDA), each matter tied to a committee meeting with its quorum.

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
    sanzhong_yida_a_matter_needs_a_committee_meeting_with_its_quorum,
    sanzhong_yida_marks_large_sums_against_the_committees_threshold,
    report_one_matter_refuses_two_matters_a_skipped_level_and_a_report_with_a_request,
    report_one_matter_an_overdue_answer_is_the_superiors_finding_and_a_forward_goes_up,
    ideology_resp_positions_are_registered_and_due_for_review_a_year_on,
    ideology_resp_an_event_on_a_sensitive_day_needs_its_approval_beforehand,
    study_group_record_book_and_every_ledger_of_the_set_come_from_the_records,
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

/// The root committee with three members, and two committee meetings: 5 March with two of three
/// present (a quorum), 5 April with one (none).
async fn committee_meetings(s: &Services, root: i64, ids: [i64; 3]) -> (i64, i64) {
    let c = console_actor();
    for (i, post) in ["secretary", "deputy_secretary", "organization_officer"].into_iter().enumerate() {
        s.add_post(&c, root, ids[i], post, "2024-06-01").await.unwrap();
    }
    let meeting = |held_on: &str, absent: &[i64]| MeetingInput {
        kind: "committee_meeting".into(),
        held_on: held_on.into(),
        topic: "党委会".into(),
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[1]),
        exceptions: absent.iter().map(|id| (*id, ("absent".to_string(), String::new()))).collect(),
        ..Default::default()
    };
    let quorate = s.record_meeting(&c, root, &meeting("2026-03-05", &[ids[2]])).await.unwrap();
    let short = s.record_meeting(&c, root, &meeting("2026-04-05", &[ids[1], ids[2]])).await.unwrap();
    (quorate, short)
}

fn matter(meeting_id: Option<i64>, amount: &str) -> services::major_decisions::MajorDecisionForm {
    services::major_decisions::MajorDecisionForm {
        category: "funds".into(),
        title: "购置党员教育电教设备".into(),
        amount: amount.into(),
        meeting_id,
        yes: 2,
        ..Default::default()
    }
}

async fn sanzhong_yida_a_matter_needs_a_committee_meeting_with_its_quorum(db: Db) {
    let School { s, root, branch, ids } = school(db).await;
    let c = console_actor();
    let (quorate, short) = committee_meetings(&s, root, ids).await;
    let refused = |r: Result<i64, ServiceError>| match r {
        Err(ServiceError::Invalid(e)) => (e.get("meeting_id").map(str::to_string), e.rule().map(|r| r.rule_id.clone())),
        other => panic!("refused: {other:?}"),
    };
    // No meeting.
    let (field, rule) = refused(s.record_major_decision(&c, root, &matter(None, "5000")).await);
    assert!(field.unwrap().contains("集体讨论决定"));
    assert_eq!(rule.as_deref(), Some("SANZHONG-YIDA"));
    // A meeting with one of three committee members present.
    let (field, _) = refused(s.record_major_decision(&c, root, &matter(Some(short), "5000")).await);
    assert!(field.unwrap().contains("应到3人，实到1人"));
    // Another org's meeting: the branch cannot cite the committee's.
    let (field, _) = refused(s.record_major_decision(&c, branch, &matter(Some(quorate), "5000")).await);
    assert!(field.unwrap().contains("不是本组织"));
    // Nothing was written.
    assert!(s.major_decisions(&c, root, 2026).await.unwrap().decisions.is_empty());
    // At the quorate meeting: 2 yes of 3 passes; with the third stepping aside (not present) refused.
    let id = s.record_major_decision(&c, root, &matter(Some(quorate), "5000")).await.unwrap();
    let d = s.major_decision(&c, id).await.unwrap();
    assert!(d.row.passed && d.row.voters == 3 && d.large == Some(true));
    let aside = services::major_decisions::MajorDecisionForm { recused: vec![ids[2]], ..matter(Some(quorate), "5000") };
    let Err(ServiceError::Invalid(e)) = s.record_major_decision(&c, root, &aside).await else { panic!("refused") };
    assert!(e.get("recused").is_some());
    // The one present stepping aside: 2 take part, 1 yes is not more than half.
    let aside = services::major_decisions::MajorDecisionForm {
        recused: vec![ids[1]],
        yes: 1,
        category: "appointment".into(),
        amount: String::new(),
        title: "任命学校德育处主任".into(),
        ..matter(Some(quorate), "")
    };
    let id = s.record_major_decision(&c, root, &aside).await.unwrap();
    let d = s.major_decision(&c, id).await.unwrap();
    assert!(!d.row.passed && d.row.voters == 2 && d.row.recused_names == "王老师", "{d:?}");
    assert_eq!(s.major_decisions(&c, root, 2026).await.unwrap().decisions.len(), 2);
    let meetings = s.decision_meetings(&c, root, 2026).await.unwrap();
    assert_eq!(meetings.iter().map(|m| m.id).collect::<Vec<_>>(), [short, quorate]);
}

async fn sanzhong_yida_marks_large_sums_against_the_committees_threshold(db: Db) {
    let School { s, root, ids, .. } = school(db).await;
    let c = console_actor();
    let (quorate, _) = committee_meetings(&s, root, ids).await;
    s.set_setting(&c, root, "sanzhong.large_sum_yuan", "3000", "2026-01-01").await.unwrap();
    let mut large = Vec::new();
    for amount in ["2999.99", "3000.00", "3000.01"] {
        let id = s.record_major_decision(&c, root, &matter(Some(quorate), amount)).await.unwrap();
        large.push(s.major_decision(&c, id).await.unwrap().large);
    }
    assert_eq!(large, [Some(false), Some(true), Some(true)]);
    let register = s.major_decisions(&c, root, 2026).await.unwrap();
    assert_eq!(register.large_sum.map(|f| f.to_yuan()).as_deref(), Some("3000.00"));
    // The ledger: .xlsx and PDF from the records.
    for format in [services::ledger::LedgerFormat::Xlsx, services::ledger::LedgerFormat::Pdf] {
        let file = s.major_decision_ledger_file(&c, root, 2026, format).await.unwrap();
        assert!(file.bytes.len() > 1_000 && file.file_name.contains("三重一大"), "{}", file.file_name);
    }
    // A sum refused as money that does not read, naming the field.
    let Err(ServiceError::Invalid(e)) = s.record_major_decision(&c, root, &matter(Some(quorate), "三千")).await
    else {
        panic!("refused")
    };
    assert!(e.get("amount").is_some());
}

fn request(matters: &str) -> services::major_matter_reports::ReportForm {
    services::major_matter_reports::ReportForm {
        kind: "request".into(),
        title: "关于增设年级党支部的请示".into(),
        matters: matters.into(),
        body: "妥否，请批示。".into(),
        to_org_id: None,
    }
}

async fn report_one_matter_refuses_two_matters_a_skipped_level_and_a_report_with_a_request(db: Db) {
    let School { s, root, branch, .. } = school(db).await;
    let c = console_actor();
    let refused = |r: Result<i64, ServiceError>, field: &str| match r {
        Err(ServiceError::Invalid(e)) => {
            assert_eq!(e.rule().map(|r| r.rule_id.as_str()), Some("REPORT-ONE-MATTER"), "{e:?}");
            e.get(field).unwrap_or_else(|| panic!("{field}: {e:?}")).to_string()
        }
        other => panic!("refused: {other:?}"),
    };
    let two = refused(s.send_report(&c, branch, &request("增设年级党支部\n增补支部委员")).await, "matters");
    assert!(two.contains("一文一事"), "{two}");
    // A grandchild branch sending to the top committee skips its general branch.
    let gb = s.create_org(&c, Some(root), &org("高中部党总支", "general_branch", "public_school")).await.unwrap().id;
    let low = s.create_org(&c, Some(gb), &org("高一年级党支部", "branch", "public_school")).await.unwrap().id;
    let skip = services::major_matter_reports::ReportForm { to_org_id: Some(root), ..request("增设党小组") };
    assert!(refused(s.send_report(&c, low, &skip).await, "to_org_id").contains("不得越级"));
    let report = services::major_matter_reports::ReportForm {
        kind: "report".into(),
        title: "关于上半年党建工作的报告".into(),
        matters: String::new(),
        body: "上半年开展主题党日6次。另拟调整支部委员分工，请批准。".into(),
        to_org_id: None,
    };
    assert!(refused(s.send_report(&c, branch, &report).await, "body").contains("请批准"));
    // Nothing was written; the same report without the request is filed, needing no answer.
    assert!(s.reports_of(&c, branch).await.unwrap().sent.is_empty());
    let plain =
        services::major_matter_reports::ReportForm { body: "上半年开展主题党日6次。".into(), ..report };
    let id = s.send_report(&c, branch, &plain).await.unwrap();
    let t = s.report_thread(&c, id).await.unwrap();
    assert_eq!(t.report.state.as_str(), "filed");
    assert!(!t.can_respond && t.due.is_none());
    // The top committee has no superior.
    assert!(refused(s.send_report(&c, root, &request("增设党支部")).await, "to_org_id").contains("没有上级"));
}

async fn report_one_matter_an_overdue_answer_is_the_superiors_finding_and_a_forward_goes_up(db: Db) {
    let School { mut s, root, branch, .. } = school(db).await;
    let c = console_actor();
    s.today_override = Some(day("2026-11-02"));
    let id = s.send_report(&c, branch, &request("增设年级党支部")).await.unwrap();
    let found = |on: &'static str| {
        let s = &s;
        async move {
            s.org_findings(&console_actor(), root, 2026, day(on))
                .await
                .unwrap()
                .into_iter()
                .filter(|f| f.rule_id == "REPORT-ONE-MATTER")
                .map(|f| (f.severity.as_str().to_string(), f.message))
                .collect::<Vec<_>>()
        }
    };
    // Due 30 days after it arrived: 2 December. The due day is upcoming, the day after a warning
    // for the committee (the superior), not for the branch.
    assert!(found("2026-11-20").await.iter().all(|f| f.0 == "upcoming"));
    assert_eq!(found("2026-12-02").await[0].0, "upcoming");
    let late = found("2026-12-03").await;
    assert_eq!(late[0].0, "warning");
    assert!(late[0].1.contains("一中党支部的请示《关于增设年级党支部的请示》") && late[0].1.contains("超过30天未答复"));
    let branch_found = s.org_findings(&c, branch, 2026, day("2026-12-03")).await.unwrap();
    assert!(branch_found.iter().all(|f| f.rule_id != "REPORT-ONE-MATTER"));
    // The committee shortens the deadline to 15 days: overdue from 18 November.
    s.set_setting(&c, root, "REPORT-ONE-MATTER.days", "15", "2026-01-01").await.unwrap();
    assert_eq!(found("2026-11-18").await[0].0, "warning");
    assert_eq!(s.report_thread(&c, id).await.unwrap().due, Some(day("2026-11-17")));
    // An answer needs its text; once answered, the finding goes and the thread shows it.
    let answer = services::major_matter_reports::ResponseForm { action: "answer".into(), text: String::new() };
    assert!(matches!(s.respond_to_report(&c, id, &answer).await, Err(ServiceError::Invalid(_))));
    let answer = services::major_matter_reports::ResponseForm { text: "同意增设。".into(), ..answer };
    s.respond_to_report(&c, id, &answer).await.unwrap();
    assert!(found("2026-12-03").await.is_empty());
    let t = s.report_thread(&c, id).await.unwrap();
    assert_eq!((t.report.state.as_str(), t.replies.len()), ("answered", 1));
    assert!(matches!(s.respond_to_report(&c, id, &answer).await, Err(ServiceError::Invalid(_))));
    // A forward: the branch under a general branch asks; the general branch sends it up, where it
    // is pending from the day forwarded.
    let gb = s.create_org(&c, Some(root), &org("初中部党总支", "general_branch", "public_school")).await.unwrap().id;
    let low = s.create_org(&c, Some(gb), &org("初一年级党支部", "branch", "public_school")).await.unwrap().id;
    let asked = s.send_report(&c, low, &request("调整支部委员")).await.unwrap();
    s.today_override = Some(day("2026-11-05"));
    let forward = services::major_matter_reports::ResponseForm {
        action: "forward".into(),
        text: "拟同意，请党委审定。".into(),
    };
    s.respond_to_report(&c, asked, &forward).await.unwrap();
    let t = s.report_thread(&c, asked).await.unwrap();
    assert_eq!((t.report.state.as_str(), t.forwarded_to.len()), ("forwarded", 1));
    let copy = s.report_thread(&c, t.forwarded_to[0]).await.unwrap();
    assert_eq!((copy.report.from_org_id, copy.report.to_org_id), (gb, root));
    assert_eq!(copy.report.received_on, day("2026-11-05"));
    assert_eq!(copy.replies.len(), 1, "the thread carries the forward's note");
    assert!(s.reports_of(&c, root).await.unwrap().received.iter().any(|r| r.id == copy.report.id));
}

async fn ideology_resp_positions_are_registered_and_due_for_review_a_year_on(db: Db) {
    let School { mut s, root, branch, .. } = school(db).await;
    let c = console_actor();
    let position = domain::ideology_position::PositionInput {
        kind: "online_account".into(),
        name: "校园公众号".into(),
        responsible: "王老师（宣传委员）".into(),
        approved_by: "一中党支部".into(),
        approved_on: "2025-12-20".into(),
        ..Default::default()
    };
    let id = s.record_position(&c, branch, &position).await.unwrap();
    // Due a year after its approval: on 20 December 2026 in time, the day after overdue.
    let overdue = |s: &Services| {
        let s = s.clone();
        async move { s.positions(&console_actor(), root).await.unwrap().positions[0].overdue }
    };
    assert!(!overdue(&s).await);
    s.today_override = Some(day("2026-12-21"));
    assert!(overdue(&s).await);
    s.review_position(&c, id).await.unwrap();
    let p = s.positions(&c, branch).await.unwrap();
    assert_eq!(p.positions[0].review_due, day("2027-12-21"));
    assert!(!p.positions[0].overdue);
    // A position that does not read is refused field by field, and nothing is written.
    let bad = domain::ideology_position::PositionInput { approved_on: "2027-01-01".into(), ..position };
    let Err(ServiceError::Invalid(e)) = s.record_position(&c, branch, &bad).await else { panic!("refused") };
    assert!(e.get("approved_on").is_some());
    assert_eq!(s.positions(&c, root).await.unwrap().positions.len(), 1);
    let file = s.positions_ledger_file(&c, root, services::ledger::LedgerFormat::Xlsx).await.unwrap();
    assert!(file.bytes.len() > 1_000);
}

fn event(held_on: &str, approved_on: &str) -> domain::ideology_event::EventInput {
    domain::ideology_event::EventInput {
        kind: "report_meeting".into(),
        title: "形势政策报告会".into(),
        held_on: held_on.into(),
        place: "学校报告厅".into(),
        responsible: "一中党支部（王老师）".into(),
        approved_by: if approved_on.is_empty() { String::new() } else { "县教育局党委".into() },
        approved_on: approved_on.into(),
        ..Default::default()
    }
}

async fn ideology_resp_an_event_on_a_sensitive_day_needs_its_approval_beforehand(db: Db) {
    let School { s, root, branch, .. } = school(db).await;
    let c = console_actor();
    s.set_setting(&c, root, domain::settings::IDEOLOGY_SENSITIVE_DAYS, "2026-06-01..2026-06-05", "2026-01-01")
        .await
        .unwrap();
    // From 1 September the committee marks 1 October instead; June's days stay sensitive for
    // events held in June (each event is judged by the setting in force on its own day).
    s.set_setting(&c, root, domain::settings::IDEOLOGY_SENSITIVE_DAYS, "2026-10-01", "2026-09-01").await.unwrap();
    let refused = |r: Result<i64, ServiceError>| match r {
        Err(ServiceError::Invalid(e)) => e.rule().map(|r| r.rule_id.clone()).unwrap_or_default(),
        other => panic!("refused: {other:?}"),
    };
    // The day before and the day after the range: recorded without approval, not sensitive.
    for held in ["2026-05-31", "2026-06-06"] {
        s.record_ideology_event(&c, branch, &event(held, "")).await.unwrap();
    }
    // Its first and last day, and 1 October under the later setting: refused, naming the rule.
    for held in ["2026-06-01", "2026-06-05", "2026-10-01"] {
        assert_eq!(refused(s.record_ideology_event(&c, branch, &event(held, "")).await), "IDEOLOGY-RESP", "{held}");
    }
    // Approved the day after it was held: refused under the rule; approved beforehand: recorded.
    assert_eq!(refused(s.record_ideology_event(&c, branch, &event("2026-06-02", "2026-06-03")).await), "IDEOLOGY-RESP");
    s.record_ideology_event(&c, branch, &event("2026-06-02", "2026-05-20")).await.unwrap();
    s.record_ideology_event(&c, branch, &event("2026-10-01", "2026-10-01")).await.unwrap();
    let e = s.ideology_events(&c, root, 2026).await.unwrap();
    let marks: Vec<(String, bool)> = e.events.iter().map(|x| (x.held_on.to_string(), x.sensitive)).collect();
    assert_eq!(
        marks,
        [
            ("2026-05-31".to_string(), false),
            ("2026-06-02".to_string(), true),
            ("2026-06-06".to_string(), false),
            ("2026-10-01".to_string(), true)
        ]
    );
    assert_eq!(e.sensitive_days, [day("2026-10-01")], "the hint shows the setting in force at the year's end");
    assert!(e.can_record);
    let file = s.ideology_events_ledger_file(&c, root, 2026, services::ledger::LedgerFormat::Pdf).await.unwrap();
    assert!(file.bytes.starts_with(b"%PDF"));
}

async fn study_group_record_book_and_every_ledger_of_the_set_come_from_the_records(db: Db) {
    use services::ledger_set::LedgerKind;
    let School { s, root, branch, ids } = school(db).await;
    let c = console_actor();
    committee_meetings(&s, root, ids).await;
    let session = MeetingInput {
        kind: "study_group_session".into(),
        held_on: "2026-05-10".into(),
        topic: "学习贯彻党的二十届三中全会精神".into(),
        first_agenda_item: "学习习近平总书记最新重要讲话".into(),
        host_member_id: Some(ids[0]),
        recorder_member_id: Some(ids[1]),
        exceptions: [(ids[2], ("absent".to_string(), "外出培训".to_string()))].into_iter().collect(),
        ..Default::default()
    };
    s.record_meeting(&c, root, &session).await.unwrap();
    let book = s.study_group_book(&c, root, 2026).await.unwrap();
    let rows = &book.sections[0].rows;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][1], "2026-05-10");
    assert_eq!(rows[0][4], "学习习近平总书记最新重要讲话");
    assert_eq!(rows[0][5], "张书记");
    assert_eq!(rows[0][7], "李老师（外出培训）");
    assert!(book.sections[1].rows.is_empty(), "the committee meetings named no 第一议题");
    // The committee's set has its record book and dues account; the branch's its dues sheets.
    let kinds = |set: services::ledger_set::LedgerSet| set.ledgers.iter().map(|l| l.kind).collect::<Vec<_>>();
    let committee = kinds(s.ledger_set(&c, root, 2026).await.unwrap());
    let school = kinds(s.ledger_set(&c, branch, 2026).await.unwrap());
    assert!(committee.contains(&LedgerKind::StudyGroup) && committee.contains(&LedgerKind::DuesAccount));
    assert!(!committee.contains(&LedgerKind::DuesSheet));
    assert!(school.contains(&LedgerKind::DuesSheet) && !school.contains(&LedgerKind::StudyGroup));
    // Every ledger each keeps is generated; one it does not keep is refused by its field.
    for (org, kinds) in [(root, committee), (branch, school)] {
        for kind in kinds {
            let f = s.ledger_of_set(&c, org, kind, 2026, services::ledger::LedgerFormat::Xlsx).await;
            assert!(f.is_ok_and(|f| f.bytes.starts_with(b"PK")), "{kind:?} of {org}");
        }
    }
    let r = s.ledger_of_set(&c, branch, LedgerKind::StudyGroup, 2026, services::ledger::LedgerFormat::Xlsx).await;
    assert!(matches!(r, Err(ServiceError::Invalid(e)) if e.get("kind").is_some()));
    let r = s.ledger_set(&c, root, 2027).await;
    assert!(matches!(r, Err(ServiceError::Invalid(e)) if e.get("year").is_some()), "a year still ahead");
}
