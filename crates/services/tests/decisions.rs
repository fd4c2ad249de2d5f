//! Decisions on membership and discipline on both backends (EDU-SUSPEND, EL-RIGHTS): a status
//! changes only by a decision, on the decision's day; a suspension's removal deadline becomes a
//! finding; a member under 留党察看 is left out of the voters on the day and counted again after.

use chrono::NaiveDate;
use domain::codes::MemberStatus;
use domain::member::{IdNumber, MemberInput};
use domain::org_life::MeetingKind;
use services::decisions::DecisionForm;
use services::orgs::OrgInput;
use services::{HashCost, ServiceError, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;

fn member(name: &str, seq: u16) -> MemberInput {
    let birth = NaiveDate::from_ymd_opt(1980, 2, 3).unwrap();
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

fn decision(kind: &str, on: &str) -> DecisionForm {
    DecisionForm {
        kind: kind.into(),
        decided_on: on.into(),
        body: "中共某县教育局委员会".into(),
        document_no: "县教党〔2026〕3号".into(),
        reason: "经党组织研究决定".into(),
        months: if kind == "observation" { "12".into() } else { String::new() },
    }
}

fn fields(e: ServiceError) -> Vec<String> {
    match e {
        ServiceError::Invalid(f) => f.0.iter().map(|x| x.field.clone()).collect(),
        other => panic!("{other:?}"),
    }
}

fn day(s: &str) -> NaiveDate {
    domain::dates::parse_iso(s).unwrap()
}

test_support::on_both_backends!(
    status_changes_outside_the_decision_flow_are_refused,
    edu_suspend_removal_deadline_is_a_finding,
    el_rights_observation_leaves_the_voters_and_comes_back
);

async fn setup(db: Db, today: (i32, u32, u32)) -> (Services, i64, i64) {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(today.0, today.1, today.2);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县教育局党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("一中党支部", "branch")).await.unwrap();
    (s, root.id, b.id)
}

async fn status_changes_outside_the_decision_flow_are_refused(db: Db) {
    let (s, _, b) = setup(db, (2026, 7, 10)).await;
    let c = console_actor();
    let m = s.create_member(&c, b, None, &member("张三", 1)).await.unwrap();
    // The edit form may correct full ↔ probationary, not suspend, remove or record a death.
    for status in ["suspended", "left", "deceased", "transferred_out"] {
        let input = MemberInput { status: status.into(), ..member("张三", 1) };
        assert_eq!(fields(s.update_member(&c, m, &input, "").await.unwrap_err()), vec!["status"], "{status}");
        // Nor may a new member start with that status.
        let other = MemberInput { status: status.into(), ..member("李四", 3) };
        assert_eq!(fields(s.create_member(&c, b, None, &other).await.unwrap_err()), vec!["status"]);
    }
    assert_eq!(s.member_for_edit(&c, m).await.unwrap().status, MemberStatus::Full);
    // A decision does it, from its day; an inapplicable one is refused and writes nothing.
    assert_eq!(fields(s.record_decision(&c, m, &decision("restore", "2026-07-01")).await.unwrap_err()), vec!["kind"]);
    let e = s.record_decision(&c, m, &decision("suspend", "2026-07-11")).await.unwrap_err();
    assert_eq!(fields(e), vec!["decided_on"], "after today");
    s.record_decision(&c, m, &decision("suspend", "2026-07-01")).await.unwrap();
    let row = s.member_for_edit(&c, m).await.unwrap();
    assert_eq!((row.status, row.status_changed_on), (MemberStatus::Suspended, day("2026-07-01")));
    // Not before the last change, and not with a suspended status edited back.
    let e = s.record_decision(&c, m, &decision("restore", "2026-06-30")).await.unwrap_err();
    assert_eq!(fields(e), vec!["decided_on"]);
    let input = MemberInput { status: "full".into(), ..member("张三", 1) };
    assert_eq!(fields(s.update_member(&c, m, &input, "").await.unwrap_err()), vec!["status"]);
    s.record_decision(&c, m, &decision("restore", "2026-07-05")).await.unwrap();
    assert_eq!(s.member_for_edit(&c, m).await.unwrap().status, MemberStatus::Full);
    let view = s.decisions_of_member(&c, m).await.unwrap();
    assert_eq!(view.decisions.len(), 2);
    assert!(view.can_decide && view.applicable.contains(&domain::family::lifecycle::DecisionKind::Observation));
    // A death needs no document; a sanction is not for a probationary member.
    let p = s
        .create_member(
            &c,
            b,
            None,
            &MemberInput {
                joined_on: "2026-03-02".into(),
                confirmed_on: String::new(),
                status: "probationary".into(),
                ..member("王五", 5)
            },
        )
        .await
        .unwrap();
    assert_eq!(
        fields(s.record_decision(&c, p, &decision("observation", "2026-07-01")).await.unwrap_err()),
        vec!["kind"]
    );
    let death = DecisionForm { document_no: String::new(), ..decision("death", "2026-07-02") };
    s.record_decision(&c, p, &death).await.unwrap();
    assert_eq!(s.member_for_edit(&c, p).await.unwrap().status, MemberStatus::Deceased);
    // Each decision is audited.
    let (n,): (i64,) = s
        .fixture_db()
        .fetch_one("SELECT COUNT(*) FROM audit_entries WHERE action = 'member.decision'", &[])
        .await
        .unwrap();
    assert_eq!(n, 3);
}

async fn edu_suspend_removal_deadline_is_a_finding(db: Db) {
    let (s, _, b) = setup(db, (2026, 11, 20)).await;
    let c = console_actor();
    let m = s.create_member(&c, b, None, &member("赵六", 7)).await.unwrap();
    s.record_decision(&c, m, &decision("suspend", "2024-11-16")).await.unwrap();
    let of = |findings: Vec<domain::findings::Finding>| -> Vec<(domain::rules::Severity, Option<NaiveDate>)> {
        findings
            .into_iter()
            .filter(|f| f.rule_id == "EDU-SUSPEND")
            .inspect(|f| assert_eq!(f.subject, domain::findings::Subject::Member { id: m }))
            .map(|f| (f.severity, f.due))
            .collect()
    };
    use domain::rules::Severity::*;
    // Due on 16 November 2026: upcoming on the day, overdue the day after.
    let due = Some(day("2026-11-16"));
    assert_eq!(of(s.org_findings(&c, b, 2026, day("2026-11-16")).await.unwrap()), vec![(Upcoming, due)]);
    assert_eq!(of(s.org_findings(&c, b, 2026, day("2026-11-17")).await.unwrap()), vec![(Violation, due)]);
    // Removed as 自行脱党: no finding.
    s.record_decision(&c, m, &decision("lapse_removed", "2026-11-18")).await.unwrap();
    assert_eq!(s.member_for_edit(&c, m).await.unwrap().status, MemberStatus::Left);
    assert!(of(s.org_findings(&c, b, 2026, day("2026-11-19")).await.unwrap()).is_empty());
}

async fn el_rights_observation_leaves_the_voters_and_comes_back(db: Db) {
    let (s, _, b) = setup(db, (2027, 6, 1)).await;
    let c = console_actor();
    let m = s.create_member(&c, b, None, &member("孙七", 9)).await.unwrap();
    s.create_member(&c, b, None, &member("周八", 11)).await.unwrap();
    s.record_decision(&c, m, &decision("observation", "2026-03-10")).await.unwrap();
    let org = s.org(&c, b).await.unwrap();
    let votes_on = |on: &'static str| {
        let (s, org) = (&s, &org);
        async move {
            let people = services::org_life::expected(s, org, MeetingKind::BranchAssembly, on).await.unwrap();
            let p = people.iter().find(|p| p.member_id == m).unwrap();
            (p.votes(), people.iter().filter(|p| p.votes()).count())
        }
    };
    // Counted the day before, left out from the decision day through the period's last day
    // (a year: through 9 March 2027), counted again the day after.
    assert_eq!(votes_on("2026-03-09").await, (true, 2));
    assert_eq!(votes_on("2026-03-10").await, (false, 1));
    assert_eq!(votes_on("2027-03-09").await, (false, 1));
    assert_eq!(votes_on("2027-03-10").await, (true, 2));
    // Still a full member throughout: the status does not change.
    assert_eq!(s.member_for_edit(&c, m).await.unwrap().status, MemberStatus::Full);
    // A second 留党察看 during the first is refused; an early restoration ends it that day.
    assert_eq!(
        fields(s.record_decision(&c, m, &decision("observation", "2026-05-01")).await.unwrap_err()),
        vec!["kind"]
    );
    s.record_decision(&c, m, &decision("rights_restored", "2026-10-01")).await.unwrap();
    assert_eq!(votes_on("2026-09-30").await, (false, 1));
    assert_eq!(votes_on("2026-10-01").await, (true, 2));
    // Restoring rights needs a 留党察看 in course.
    assert_eq!(
        fields(s.record_decision(&c, m, &decision("rights_restored", "2027-01-01")).await.unwrap_err()),
        vec!["kind"]
    );
}

test_support::on_both_backends!(edu_floating_findings_follow_the_contact_log);

async fn edu_floating_findings_follow_the_contact_log(db: Db) {
    let (s, _, b) = setup(db, (2026, 11, 20)).await;
    let c = console_actor();
    let mut input = member("吴流动", 13);
    input.mobile_member = "true".into();
    input.mobile_destination = "浙江省杭州市".into();
    let m = s.create_member(&c, b, None, &input).await.unwrap();
    let of = |findings: Vec<domain::findings::Finding>| -> Vec<domain::rules::Severity> {
        findings.into_iter().filter(|f| f.rule_id == "EDU-FLOATING").map(|f| f.severity).collect()
    };
    use domain::rules::Severity::*;
    // No contact on record: a warning.
    assert_eq!(of(s.org_findings(&c, b, 2026, day("2026-11-20")).await.unwrap()), vec![Warning]);
    let contact = services::contacts::ContactForm {
        contacted_on: "2026-05-10".into(),
        way: "电话".into(),
        by_name: "支部书记".into(),
        note: String::new(),
    };
    s.record_contact(&c, m, &contact).await.unwrap();
    // Due by 10 November: overdue on the 11th; a contact read only up to the day checked.
    assert_eq!(of(s.org_findings(&c, b, 2026, day("2026-11-10")).await.unwrap()), vec![Upcoming]);
    assert_eq!(of(s.org_findings(&c, b, 2026, day("2026-11-11")).await.unwrap()), vec![Violation]);
    assert_eq!(of(s.org_findings(&c, b, 2026, day("2026-05-09")).await.unwrap()), vec![Warning]);
    // A contact in the future is refused.
    let late = services::contacts::ContactForm { contacted_on: "2026-11-21".into(), ..contact };
    assert!(matches!(s.record_contact(&c, m, &late).await, Err(ServiceError::Invalid(_))));
}

test_support::on_both_backends!(edu_transfer_and_edu_grads_follow_the_away_records);

/// 外出登记: a mobile record at a fixed place asks for a transfer 6 months on (EDU-TRANSFER) and
/// keeps the registry's national items in step; a graduate's keeping is extended once within
/// EDU-GRADS's limit; ending a record ends its findings.
async fn edu_transfer_and_edu_grads_follow_the_away_records(db: Db) {
    use domain::rules::Severity::*;
    use services::away::{AwayChange, AwayForm};
    let (s, _, b) = setup(db, (2026, 11, 20)).await;
    let c = console_actor();
    let m = s.create_member(&c, b, None, &member("郑外出", 14)).await.unwrap();
    let of = |rule: &'static str, findings: Vec<domain::findings::Finding>| -> Vec<domain::rules::Severity> {
        findings.into_iter().filter(|f| f.rule_id == rule).map(|f| f.severity).collect()
    };
    let away = AwayForm {
        kind: "mobile".into(),
        left_on: "2026-03-31".into(),
        destination: "江苏省苏州市".into(),
        fixed_place: true,
    };
    // The destination is required for a mobile record; a record in the future is refused.
    let blank = AwayForm { destination: String::new(), ..away.clone() };
    assert!(matches!(s.record_away(&c, m, &blank).await, Err(ServiceError::Invalid(_))));
    let later = AwayForm { left_on: "2026-11-21".into(), ..away.clone() };
    assert!(matches!(s.record_away(&c, m, &later).await, Err(ServiceError::Invalid(_))));
    let a = s.record_away(&c, m, &away).await.unwrap();
    let v = s.contacts_of_member(&c, m).await.unwrap();
    assert!(v.mobile_member && v.destination == "江苏省苏州市", "the national items follow the record");
    // One open mobile record at a time.
    assert!(matches!(s.record_away(&c, m, &away).await, Err(ServiceError::Invalid(_))));
    // Due by 30 September: in time that day (notice), late the day after; the record is read on its date.
    assert_eq!(of("EDU-TRANSFER", s.org_findings(&c, b, 2026, day("2026-09-30")).await.unwrap()), vec![Upcoming]);
    assert_eq!(of("EDU-TRANSFER", s.org_findings(&c, b, 2026, day("2026-10-01")).await.unwrap()), vec![Violation]);
    assert!(of("EDU-TRANSFER", s.org_findings(&c, b, 2026, day("2026-03-30")).await.unwrap()).is_empty());
    // EDU-FLOATING counts the first contact from the day they left.
    assert_eq!(of("EDU-FLOATING", s.org_findings(&c, b, 2026, day("2026-10-01")).await.unwrap()), vec![Violation]);
    // Back on 1 November: nothing owed after that, and the registry's flag is cleared.
    let end = AwayChange { action: "end".into(), on: "2026-11-01".into(), document: String::new() };
    s.change_away(&c, m, a, &end).await.unwrap();
    assert!(!s.contacts_of_member(&c, m).await.unwrap().mobile_member);
    assert!(of("EDU-TRANSFER", s.org_findings(&c, b, 2026, day("2026-11-02")).await.unwrap()).is_empty());
    assert!(matches!(s.change_away(&c, m, a, &end).await, Err(ServiceError::Conflict(_))));

    // A graduate of 30 June 2024: kept through 30 June 2026; extended once, to at most 30 June 2027.
    let g = s
        .record_away(
            &c,
            m,
            &AwayForm {
                kind: "graduate".into(),
                left_on: "2024-06-30".into(),
                destination: String::new(),
                fixed_place: false,
            },
        )
        .await
        .unwrap();
    s.record_contact(
        &c,
        m,
        &services::contacts::ContactForm {
            contacted_on: "2026-11-15".into(),
            way: "电话".into(),
            by_name: "支部书记".into(),
            note: String::new(),
        },
    )
    .await
    .unwrap();
    assert_eq!(of("EDU-GRADS", s.org_findings(&c, b, 2026, day("2026-11-20")).await.unwrap()), vec![Violation]);
    let extend =
        |on: &str| AwayChange { action: "extend".into(), on: on.into(), document: "县委组〔2026〕9号".into() };
    let err = s.change_away(&c, m, g, &extend("2027-07-01")).await.unwrap_err();
    let ServiceError::Invalid(e) = err else { panic!("refused by EDU-GRADS: {err:?}") };
    assert_eq!(e.rule().map(|r| r.rule_id.as_str()), Some("EDU-GRADS"));
    s.change_away(&c, m, g, &extend("2027-06-30")).await.unwrap();
    assert!(of("EDU-GRADS", s.org_findings(&c, b, 2026, day("2026-11-20")).await.unwrap()).is_empty());
    // Only once.
    assert!(matches!(s.change_away(&c, m, g, &extend("2027-06-01")).await, Err(ServiceError::Invalid(_))));
}
