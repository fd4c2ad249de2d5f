//! Transfers of membership on both backends (EDU-TRANSFER): between branches of two subtrees
//! with both org admins acting and a third seeing nothing; returning needs a reason; a letter
//! out of the system and its receipt; the findings of an overdue receipt and a stale incoming
//! transfer; the check reads transfers as they stood on the day checked.

use chrono::NaiveDate;
use domain::codes::MemberStatus;
use domain::family::lifecycle::TransferState;
use domain::member::{IdNumber, MemberInput};
use domain::scope::{Actor, Grant};
use services::orgs::OrgInput;
use services::transfers::TransferInput;
use services::{HashCost, ServiceError, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;
use storage::transfer::Direction;

fn member(name: &str, seq: u16, status: &str) -> MemberInput {
    let birth = NaiveDate::from_ymd_opt(1985, 4, 5).unwrap();
    MemberInput {
        name: name.into(),
        id_number: IdNumber::from_parts("110105", birth, seq).unwrap().as_str().to_string(),
        ethnicity: "01".into(),
        joined_on: if status == "full" { "2010-06-01".into() } else { "2026-03-02".into() },
        confirmed_on: if status == "full" { "2011-06-01".into() } else { String::new() },
        status: status.into(),
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

fn admin(id: i64, path: domain::org::OrgPath) -> Actor {
    Actor { account_id: id, username: format!("a{id}"), grants: vec![Grant::OrgAdmin { org: path }] }
}

fn to_branch(to: i64, issued_on: &str) -> TransferInput {
    TransferInput {
        kind: "internal".into(),
        to_org_id: Some(to),
        issued_on: issued_on.into(),
        valid_days: "30".into(),
        reason: "工作调动".into(),
        ..Default::default()
    }
}

fn rule_of(e: ServiceError) -> String {
    match e {
        ServiceError::Invalid(f) => f.rule().map(|r| r.rule_id.clone()).unwrap_or_else(|| format!("{f}")),
        other => format!("{other:?}"),
    }
}

fn day(s: &str) -> NaiveDate {
    domain::dates::parse_iso(s).unwrap()
}

test_support::on_both_backends!(edu_transfer_between_two_subtrees);

async fn edu_transfer_between_two_subtrees(db: Db) {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2026, 7, 10);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县委组织部", "committee")).await.unwrap();
    let ca = s.create_org(&c, Some(root.id), &org("教育局党委", "committee")).await.unwrap();
    let cb = s.create_org(&c, Some(root.id), &org("卫健局党委", "committee")).await.unwrap();
    let cc = s.create_org(&c, Some(root.id), &org("交通局党委", "committee")).await.unwrap();
    let a1 = s.create_org(&c, Some(ca.id), &org("一中党支部", "branch")).await.unwrap();
    let b1 = s.create_org(&c, Some(cb.id), &org("人民医院党支部", "branch")).await.unwrap();
    let c1 = s.create_org(&c, Some(cc.id), &org("运输所党支部", "branch")).await.unwrap();
    let m = s.create_member(&c, a1.id, None, &member("张三", 1, "full")).await.unwrap();
    let p = s.create_member(&c, a1.id, None, &member("李四", 3, "probationary")).await.unwrap();
    let (sender, receiver, third) =
        (admin(11, ca.org_path().unwrap()), admin(12, cb.org_path().unwrap()), admin(13, cc.org_path().unwrap()));

    // The sender addresses a branch outside its scope by name.
    let found = s.branch_choices(&sender, "人民医院").await.unwrap();
    assert_eq!(found.iter().map(|b| b.id).collect::<Vec<_>>(), vec![b1.id]);
    // Validation: the kind, the validity, the receiving branch; nothing is written.
    let bad = TransferInput { valid_days: "0".into(), to_org_id: Some(a1.id), ..to_branch(b1.id, "2026-07-01") };
    match s.issue_transfer(&sender, m, &bad).await.unwrap_err() {
        ServiceError::Invalid(e) => {
            assert!(e.get("valid_days").is_some(), "{e}");
            assert!(e.get("to_org_id").is_some(), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // The receiver and the third admin cannot issue a transfer of a member they do not see.
    assert!(matches!(
        s.issue_transfer(&receiver, m, &to_branch(b1.id, "2026-07-01")).await,
        Err(ServiceError::NotFound)
    ));
    let t = s.issue_transfer(&sender, m, &to_branch(b1.id, "2026-07-01")).await.unwrap();
    // One pending transfer at a time.
    assert!(s.issue_transfer(&sender, m, &to_branch(c1.id, "2026-07-02")).await.is_err());

    // The receiver sees the incoming transfer (the letter's data, the ID number masked), not the
    // member; the third admin sees neither.
    let incoming = s.transfers_of_org(&receiver, cb.id, Direction::Incoming, None).await.unwrap();
    assert_eq!(incoming.len(), 1);
    let view = &incoming[0];
    assert_eq!((view.row.member_name.as_str(), view.can_receive, view.can_send), ("张三", true, false));
    assert!(view.row.id_number.as_deref().is_some_and(|n| n.contains('*')), "{:?}", view.row.id_number);
    assert!(matches!(s.member_for_edit(&receiver, m).await, Err(ServiceError::NotFound)));
    assert!(matches!(s.transfer(&third, t).await, Err(ServiceError::NotFound)));
    assert!(s.transfers_of_org(&third, cc.id, Direction::Incoming, None).await.unwrap().is_empty());
    assert!(matches!(s.accept_transfer(&third, t, "2026-07-05").await, Err(ServiceError::NotFound)));
    // The sender cannot accept it for the receiver; the sender sees it whole.
    assert!(matches!(s.accept_transfer(&sender, t, "2026-07-05").await, Err(ServiceError::Forbidden)));
    let sent = s.transfer(&sender, t).await.unwrap();
    assert!(sent.can_send && !sent.can_receive);

    // Until received, the member is the sender's (EDU-TRANSFER).
    assert_eq!(s.member_for_edit(&sender, m).await.unwrap().branch_id, a1.id);
    // Accepted on 5 July: the member is the receiver's from that day.
    assert!(s.accept_transfer(&receiver, t, "2026-06-30").await.is_err(), "before the letter");
    s.accept_transfer(&receiver, t, "2026-07-05").await.unwrap();
    let moved = s.member_for_edit(&receiver, m).await.unwrap();
    assert_eq!(moved.branch_id, b1.id);
    assert!(matches!(s.member_for_edit(&sender, m).await, Err(ServiceError::NotFound)));
    // Settled once: a second accept is a conflict.
    assert!(matches!(s.accept_transfer(&receiver, t, "2026-07-05").await, Err(ServiceError::Conflict(_))));
    // The sender still sees the transfer, received.
    assert_eq!(s.transfer(&sender, t).await.unwrap().row.state, TransferState::Received);

    // A probationary member keeps the day their probation began (DEV-TRANSFER-PROB reads it).
    let tp = s.issue_transfer(&sender, p, &to_branch(c1.id, "2026-07-01")).await.unwrap();
    // EDU-TRANSFER: no return without a reason; nothing changes.
    assert_eq!(rule_of(s.return_transfer(&third, tp, "无").await.unwrap_err()), "EDU-TRANSFER");
    assert_eq!(s.transfer(&third, tp).await.unwrap().row.state, TransferState::Pending);
    s.return_transfer(&third, tp, "本单位无此人员调入计划，请核实").await.unwrap();
    let back = s.member_for_edit(&sender, p).await.unwrap();
    assert_eq!((back.branch_id, back.joined_on), (a1.id, day("2026-03-02")));
    let returned = s.transfer(&sender, tp).await.unwrap();
    assert_eq!(returned.row.state, TransferState::Returned);
    assert!(returned.row.settled_note.contains("核实"));
}

test_support::on_both_backends!(edu_transfer_letter_out_and_its_receipt);

async fn edu_transfer_letter_out_and_its_receipt(db: Db) {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2026, 5, 20);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("一支部", "branch")).await.unwrap();
    let other = s.create_org(&c, Some(root.id), &org("二支部", "branch")).await.unwrap();
    let m = s.create_member(&c, b.id, None, &member("王五", 5, "full")).await.unwrap();
    let n = s.create_member(&c, other.id, None, &member("赵六", 7, "full")).await.unwrap();
    let out = TransferInput {
        kind: "out".into(),
        destination: "某市某区机关工委".into(),
        issued_on: "2026-04-01".into(),
        valid_days: "30".into(),
        dues_paid_to: "2026-03".into(),
        reason: "迁居".into(),
        ..Default::default()
    };
    let t = s.issue_transfer(&c, m, &out).await.unwrap();
    let v = s.transfer(&c, t).await.unwrap();
    assert_eq!(v.row.letter_no, "2026-001");
    assert_eq!(v.receipt_due, Some(day("2026-05-01")));
    assert_eq!(v.row.dues_paid_to, Some(day("2026-03-01")));
    // A letter into the system from an inside branch at the same time: pending past validity.
    let inside = to_branch(b.id, "2026-04-01");
    let ti = s.issue_transfer(&c, n, &inside).await.unwrap();

    // On 20 May the receipt is overdue (due 1 May) and the incoming transfer is past its
    // validity (through 1 May): both findings name EDU-TRANSFER and the transfer.
    let findings = s.org_findings(&c, b.id, 2026, day("2026-05-20")).await.unwrap();
    let ours: Vec<_> = findings.iter().filter(|f| f.rule_id == "EDU-TRANSFER").collect();
    assert_eq!(ours.len(), 2, "{ours:#?}");
    assert!(
        ours.iter().any(|f| f.subject == domain::findings::Subject::Transfer { id: t } && f.message.contains("回执"))
    );
    assert!(ours.iter().any(|f| f.subject == domain::findings::Subject::Transfer { id: ti }));
    // The day it was due, the receipt is still in time.
    let on_due = s.org_findings(&c, b.id, 2026, day("2026-05-01")).await.unwrap();
    assert!(
        on_due.iter().filter(|f| f.rule_id == "EDU-TRANSFER").all(|f| f.severity == domain::rules::Severity::Upcoming)
    );

    // The receipt came back on 10 May: the member is 已转出 from that day.
    assert!(s.record_receipt(&c, t, "2026-03-31", "刘").await.is_err(), "before the letter");
    s.record_receipt(&c, t, "2026-05-10", "刘干事").await.unwrap();
    let gone = s.member_for_edit(&c, m).await.unwrap();
    assert_eq!((gone.status, gone.status_changed_on), (MemberStatus::TransferredOut, day("2026-05-10")));
    // Checked as of a day before the receipt, the receipt was still outstanding.
    let then = s.org_findings(&c, b.id, 2026, day("2026-05-05")).await.unwrap();
    assert!(then.iter().any(|f| f.subject == domain::findings::Subject::Transfer { id: t }));
    let now = s.org_findings(&c, b.id, 2026, day("2026-05-20")).await.unwrap();
    assert!(!now.iter().any(|f| f.subject == domain::findings::Subject::Transfer { id: t }));
    // The sender withdraws the stale one.
    s.cancel_transfer(&c, ti).await.unwrap();
    assert_eq!(s.transfer(&c, ti).await.unwrap().row.state, TransferState::Cancelled);
}

test_support::on_both_backends!(edu_transfer_in_from_a_letter_creates_or_reactivates);

async fn edu_transfer_in_from_a_letter_creates_or_reactivates(db: Db) {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2026, 11, 20);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县委组织部", "committee")).await.unwrap();
    let a = s.create_org(&c, Some(root.id), &org("一中党支部", "branch")).await.unwrap();
    let letter = |seq: u16| services::transfer_in::LetterIn {
        letter_no: "外-2026-015".into(),
        origin: "中共某市某区机关工委".into(),
        issued_on: "2026-09-01".into(),
        received_on: "2026-09-10".into(),
        dues_paid_to: "2026-08".into(),
        member: member("王转入", seq, "full"),
    };
    // A new member: in the branch from the day received; dues owed from September, so August
    // and before are not arrears here.
    let r = s.receive_letter(&c, a.id, &letter(21)).await.unwrap();
    assert!(!r.reactivated);
    let m = s.member_for_edit(&c, r.member_id).await.unwrap();
    assert_eq!((m.branch_id, m.status), (a.id, MemberStatus::Full));
    assert_eq!(m.dues_owed_from, Some(day("2026-09-01")));
    let t = s.transfer(&c, r.transfer_id).await.unwrap();
    assert_eq!((t.row.kind, t.row.state), (domain::family::lifecycle::TransferKind::In, TransferState::Received));
    // The same letter again: the member is in the registry, so it is refused.
    match s.receive_letter(&c, a.id, &letter(21)).await.unwrap_err() {
        ServiceError::Invalid(e) => assert!(e.get("id_number").is_some(), "{e}"),
        other => panic!("{other:?}"),
    }
    // A member transferred out earlier comes back: re-activated, with their history.
    let gone = s.create_member(&c, a.id, None, &member("李回来", 23, "full")).await.unwrap();
    let out = TransferInput {
        kind: "out".into(),
        destination: "外省某党委".into(),
        issued_on: "2026-03-01".into(),
        valid_days: "30".into(),
        reason: "迁居".into(),
        ..Default::default()
    };
    let t = s.issue_transfer(&c, gone, &out).await.unwrap();
    s.record_receipt(&c, t, "2026-03-20", "刘").await.unwrap();
    assert_eq!(s.member_for_edit(&c, gone).await.unwrap().status, MemberStatus::TransferredOut);
    let back = services::transfer_in::LetterIn { member: member("李回来", 23, "full"), ..letter(23) };
    let r = s.receive_letter(&c, a.id, &back).await.unwrap();
    assert!(r.reactivated);
    assert_eq!(r.member_id, gone);
    assert_eq!(s.member_for_edit(&c, gone).await.unwrap().status, MemberStatus::Full);
    // Bad input: every field named, nothing written.
    let bad = services::transfer_in::LetterIn {
        letter_no: String::new(),
        dues_paid_to: "2026-13".into(),
        member: member("赵新", 25, "full"),
        ..letter(25)
    };
    match s.receive_letter(&c, a.id, &bad).await.unwrap_err() {
        ServiceError::Invalid(e) => assert!(e.get("letter_no").is_some() && e.get("dues_paid_to").is_some(), "{e}"),
        other => panic!("{other:?}"),
    }
}

test_support::on_both_backends!(dev_transfer_prob_a_probationary_member_keeps_the_end_of_probation);

/// DEV-TRANSFER-PROB (recruitment's rule) needs one fact from a transfer: a probationary member
/// moved keeps the day their probation ends, and the receiving branch sees it due.
async fn dev_transfer_prob_a_probationary_member_keeps_the_end_of_probation(db: Db) {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2026, 7, 10);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县委组织部", "committee")).await.unwrap();
    let ca = s.create_org(&c, Some(root.id), &org("教育局党委", "committee")).await.unwrap();
    let cb = s.create_org(&c, Some(root.id), &org("卫健局党委", "committee")).await.unwrap();
    let a1 = s.create_org(&c, Some(ca.id), &org("一中党支部", "branch")).await.unwrap();
    let b1 = s.create_org(&c, Some(cb.id), &org("人民医院党支部", "branch")).await.unwrap();
    // Joined 2 March 2026: the probation ends on 2 March 2027.
    let p = s.create_member(&c, a1.id, None, &member("李预备", 31, "probationary")).await.unwrap();
    let (sender, receiver) = (admin(11, ca.org_path().unwrap()), admin(12, cb.org_path().unwrap()));
    let t = s.issue_transfer(&sender, p, &to_branch(b1.id, "2026-07-01")).await.unwrap();
    assert_eq!(s.transfer(&sender, t).await.unwrap().row.member_status, MemberStatus::Probationary);
    s.accept_transfer(&receiver, t, "2026-07-05").await.unwrap();
    let due = |actor: Actor| {
        let s = &s;
        async move {
            s.home_figures(&actor, day("2027-02-20"))
                .await
                .unwrap()
                .probation_ending
                .iter()
                .map(|x| (x.member.row.name.clone(), x.ends_on.to_string()))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(due(receiver.clone()).await, vec![("李预备".to_string(), "2027-03-02".to_string())]);
    assert!(due(sender.clone()).await.is_empty(), "no longer the sender's to confirm");
}
