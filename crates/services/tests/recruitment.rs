//! Recruitment (发展党员) through the services on both backends: a whole path from application
//! to confirmation, refusals naming their rule, and the member made at approval.

use chrono::NaiveDate;
use domain::member::{IdNumber, MemberInput};
use services::orgs::OrgInput;
use services::recruitment::{ApplicantForm, StepForm};
use services::{HashCost, ServiceError, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;

fn id(birth: (i32, u32, u32), seq: u16) -> String {
    let b = NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2).unwrap();
    IdNumber::from_parts("110105", b, seq).unwrap().as_str().to_string()
}

fn org(name: &str, kind: &str) -> OrgInput {
    OrgInput { name: name.into(), kind: kind.into(), established_on: "2015-01-01".into(), ..Default::default() }
}

fn full_member(name: &str, seq: u16) -> MemberInput {
    MemberInput {
        name: name.into(),
        id_number: id((1980, 2, 3), seq),
        ethnicity: "01".into(),
        joined_on: "2010-06-01".into(),
        confirmed_on: "2011-06-01".into(),
        status: "full".into(),
        dues_category: "employed".into(),
        ..Default::default()
    }
}

fn rule_of(e: ServiceError) -> String {
    match e {
        ServiceError::Invalid(f) => f.rule().map(|r| r.rule_id.clone()).unwrap_or_default(),
        other => panic!("{other:?}"),
    }
}

fn step(step: &str, on: &str) -> StepForm {
    StepForm { step: step.into(), on: on.into(), people: "王书记".into(), ..Default::default() }
}

test_support::on_both_backends!(a_whole_path_from_application_to_confirmation);

async fn a_whole_path_from_application_to_confirmation(db: Db) {
    let mut s = Services::new(db, AuditKey::new(vec![5u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2028, 12, 1);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县教育局党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("一中党支部", "branch")).await.unwrap().id;
    let mut voters = Vec::new();
    for (i, name) in ["甲老师", "乙老师", "丙老师"].iter().enumerate() {
        voters.push(s.create_member(&c, b, None, &full_member(name, 70 + i as u16)).await.unwrap());
    }
    // DEV-AGE: seventeen on the application day is refused, naming the rule.
    let applicant = ApplicantForm {
        name: "周申请".into(),
        id_number: id((2007, 5, 20), 11),
        ethnicity: "汉族".into(),
        key_teacher: true,
        applied_on: "2025-05-19".into(),
        ..Default::default()
    };
    assert_eq!(rule_of(s.create_applicant(&c, b, &applicant).await.unwrap_err()), "DEV-AGE");
    let p = s
        .create_applicant(&c, b, &ApplicantForm { applied_on: "2025-05-20".into(), ..applicant.clone() })
        .await
        .unwrap();
    // DEV-TALK in the branch's findings: due a month after the application, late the day after,
    // about the person, with a link to their page.
    let talk = |on: &str| {
        let on = NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap();
        let s = &s;
        async move {
            s.org_findings(&console_actor(), b, 2025, on)
                .await
                .unwrap()
                .into_iter()
                .filter(|f| f.rule_id == "DEV-TALK")
                .map(|f| (f.severity, f.subject, f.fix.map(|x| x.page)))
                .collect::<Vec<_>>()
        }
    };
    use domain::findings::{Subject, pages};
    use domain::rules::Severity;
    let about = Subject::Candidate { id: p };
    assert_eq!(talk("2025-06-20").await, vec![(Severity::Upcoming, about, Some(pages::RECRUIT))]);
    assert_eq!(
        talk("2025-06-21").await,
        vec![(Severity::Violation, Subject::Candidate { id: p }, Some(pages::RECRUIT))]
    );
    // One person is recorded once.
    assert!(matches!(s.create_applicant(&c, b, &applicant).await, Err(ServiceError::Invalid(_))));
    // Out of order: refused.
    assert!(matches!(s.record_step(&c, p, &step("activist", "2025-06-01")).await, Err(ServiceError::Invalid(_))));
    s.record_step(&c, p, &step("talk", "2025-06-10")).await.unwrap();
    s.record_step(&c, p, &step("activist", "2025-07-01")).await.unwrap();
    s.record_step(&c, p, &step("activist_filed", "2025-07-05")).await.unwrap();
    let mentors = StepForm { member_ids: vec![voters[0]], ..step("mentors", "2025-07-05") };
    s.record_step(&c, p, &mentors).await.unwrap();
    s.record_step(&c, p, &step("cultivation", "2026-01-05")).await.unwrap();
    s.record_step(&c, p, &step("cultivation", "2026-06-30")).await.unwrap();
    // DEV-OBJECT: a day short of a year.
    assert_eq!(rule_of(s.record_step(&c, p, &step("candidate", "2026-06-30")).await.unwrap_err()), "DEV-OBJECT");
    s.record_step(&c, p, &step("candidate", "2026-07-01")).await.unwrap();
    s.record_step(&c, p, &step("candidate_filed", "2026-07-05")).await.unwrap();
    // DEV-INTRODUCERS: two full members.
    let one = StepForm { member_ids: vec![voters[0]], ..step("sponsors", "2026-07-10") };
    assert_eq!(rule_of(s.record_step(&c, p, &one).await.unwrap_err()), "DEV-INTRODUCERS");
    let two = StepForm { member_ids: vec![voters[0], voters[1]], ..step("sponsors", "2026-07-10") };
    s.record_step(&c, p, &two).await.unwrap();
    s.record_step(&c, p, &StepForm { passed: Some(true), ..step("political_review", "2026-08-01") }).await.unwrap();
    s.record_step(&c, p, &StepForm { days: 3, ..step("training", "2026-08-10") }).await.unwrap();
    for (code, on) in
        [("committee_review", "2026-08-20"), ("pre_review", "2026-08-25"), ("volunteer_form", "2026-09-01")]
    {
        s.record_step(&c, p, &step(code, on)).await.unwrap();
    }
    // DEV-ASM-VOTE: 1 yes of 3 refused; 2 accepted.
    let vote = |yes| StepForm { expected: 3, present: 3, yes, ..step("admission_assembly", "2026-09-10") };
    assert_eq!(rule_of(s.record_step(&c, p, &vote(1)).await.unwrap_err()), "DEV-ASM-VOTE");
    s.record_step(&c, p, &vote(2)).await.unwrap();
    s.record_step(&c, p, &step("hq_talk", "2026-09-20")).await.unwrap();
    // The approval names the new member's dues category; it makes a probationary member from the
    // assembly's day.
    let approve = StepForm { dues_category: "employed".into(), ..step("admission_approval", "2026-10-15") };
    s.record_step(&c, p, &approve).await.unwrap();
    let v = s.recruit(&c, p).await.unwrap();
    let member = v.row.member_id.expect("a member was made");
    let board = s.recruitment_board(&c, root.id).await.unwrap();
    assert_eq!(board.len(), 1);
    assert!(board[0].key_teacher && board[0].stage == domain::family::recruitment::Stage::Probation);
    let m = s.member_for_edit(&c, member).await.unwrap();
    assert_eq!((m.status.as_str(), m.joined_on.to_string()), ("probationary", "2026-09-10".to_string()));
    assert_eq!(v.probation_ends, NaiveDate::from_ymd_opt(2027, 9, 9));
    // DEV-TRANSFER-PROB: the probationary member moves to another branch; the path follows, with
    // the day received (the receiver may discuss the confirmation up to six months later).
    let b2 = s.create_org(&c, Some(root.id), &org("二中党支部", "branch")).await.unwrap().id;
    let move_to = services::transfers::TransferInput {
        kind: "internal".into(),
        to_org_id: Some(b2),
        issued_on: "2026-10-16".into(),
        valid_days: "30".into(),
        reason: "工作调动".into(),
        ..Default::default()
    };
    let t = s.issue_transfer(&c, member, &move_to).await.unwrap();
    s.accept_transfer(&c, t, "2026-10-18").await.unwrap();
    let moved = s.recruit(&c, p).await.unwrap();
    assert_eq!((moved.row.branch_id, moved.row.transferred_in_on), (b2, NaiveDate::from_ymd_opt(2026, 10, 18)));
    // DEV-PROBATION: an extension of 5 months refused, 6 accepted, a second refused.
    assert_eq!(rule_of(s.extend_probation(&c, p, 5, "2027-09-01", "县教育局党委").await.unwrap_err()), "DEV-PROBATION");
    assert!(matches!(s.extend_probation(&c, p, 6, "2027-09-01", " ").await, Err(ServiceError::Invalid(_))));
    s.extend_probation(&c, p, 6, "2027-09-01", "县教育局党委").await.unwrap();
    let row = s.recruit(&c, p).await.unwrap().row;
    assert_eq!((row.extension_on, row.extension_body.as_str()), (NaiveDate::from_ymd_opt(2027, 9, 1), "县教育局党委"));
    assert_eq!(rule_of(s.extend_probation(&c, p, 6, "2027-09-02", "县教育局党委").await.unwrap_err()), "DEV-PROBATION");
    for (code, on) in [
        ("admission_filed", "2026-10-16"),
        ("placement", "2026-10-20"),
        ("oath", "2026-11-01"),
        ("probation_education", "2027-03-01"),
        ("confirmation_request", "2028-02-20"),
    ] {
        s.record_step(&c, p, &step(code, on)).await.unwrap();
    }
    let confirm = StepForm { expected: 3, present: 3, yes: 3, ..step("confirmation_assembly", "2028-03-10") };
    s.record_step(&c, p, &confirm).await.unwrap();
    s.record_step(&c, p, &step("confirmation_approval", "2028-04-01")).await.unwrap();
    // Full from the day after the extended probation ends (9 March 2028), 党龄 from then.
    let m = s.member_for_edit(&c, member).await.unwrap();
    assert_eq!((m.status.as_str(), m.confirmed_on.map(|d| d.to_string())), ("full", Some("2028-03-10".to_string())));
    s.record_step(&c, p, &step("archive", "2028-04-10")).await.unwrap();
    let v = s.recruit(&c, p).await.unwrap();
    // 25 steps, 培养教育考察 twice.
    assert_eq!((v.steps.len(), v.next), (26, None));
    assert!(s.recruitment_board(&c, root.id).await.unwrap().is_empty(), "the path is complete");
}

test_support::on_both_backends!(filings_and_the_record_sheet_come_from_the_records);

/// The 备案 lists and the 纪实表, generated from the records: an activist is on the activists'
/// list with their mentor, and the 纪实表 lists the steps with what they recorded.
async fn filings_and_the_record_sheet_come_from_the_records(db: Db) {
    let mut s = Services::new(db, AuditKey::new(vec![5u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2026, 12, 1);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县教育局党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("一中党支部", "branch")).await.unwrap().id;
    let mentor = s.create_member(&c, b, None, &full_member("甲老师", 80)).await.unwrap();
    let applicant = ApplicantForm {
        name: "周申请".into(),
        id_number: id((1995, 5, 20), 11),
        ethnicity: "汉族".into(),
        applied_on: "2026-03-01".into(),
        ..Default::default()
    };
    let p = s.create_applicant(&c, b, &applicant).await.unwrap();
    for form in [
        step("talk", "2026-03-10"),
        step("activist", "2026-05-01"),
        step("activist_filed", "2026-05-05"),
        StepForm { member_ids: vec![mentor], ..step("mentors", "2026-05-05") },
    ] {
        s.record_step(&c, p, &form).await.unwrap();
    }
    use services::ledger::LedgerFormat;
    let xlsx = s.recruitment_filings(&c, root.id, LedgerFormat::Xlsx).await.unwrap();
    let table = reports::sheet::read_table(&xlsx.bytes, &|_: &str| true).unwrap();
    let text = format!("{table:?}");
    assert!(text.contains("周申请") && text.contains("甲老师") && text.contains("2026年5月5日"), "{text}");
    let pdf = s.recruitment_record_sheet(&c, p, LedgerFormat::Pdf).await.unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF"));
    let sheet = s.recruitment_record_sheet(&c, p, LedgerFormat::Xlsx).await.unwrap();
    let table = reports::sheet::read_table(&sheet.bytes, &|_: &str| true).unwrap();
    let text = format!("{table:?}");
    assert!(text.contains("5. 指定培养联系人") && text.contains("甲老师"), "{text}");
}

test_support::on_both_backends!(people_on_the_path_import_all_or_nothing_checked_step_by_step);

/// A branch's sheet of people on the path: a row that breaks a rule (a candidate a day short of
/// a year as an activist, DEV-OBJECT) is reported by row and column with its rule and nothing is
/// imported; corrected, every row is imported with its steps.
async fn people_on_the_path_import_all_or_nothing_checked_step_by_step(db: Db) {
    use reports::write::{SheetSpec, write_xlsx};
    let mut s = Services::new(db, AuditKey::new(vec![5u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2026, 12, 1);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县教育局党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("一中党支部", "branch")).await.unwrap().id;
    s.create_member(&c, b, None, &full_member("甲老师", 80)).await.unwrap();
    let headers = [
        "姓名",
        "公民身份号码",
        "民族",
        "所在党支部",
        "骨干教师",
        "递交入党申请书",
        "派人谈话",
        "确定入党积极分子",
        "积极分子备案",
        "指定培养联系人",
        "培养联系人",
        "培养教育考察",
        "确定发展对象",
    ];
    let row = |name: &str, seq: u16, candidate: &str| -> Vec<String> {
        [
            name,
            &id((1995, 1, 1), seq),
            "汉族",
            "一中党支部",
            "是",
            "2024-03-01",
            "2024-03-20",
            "2024-06-01",
            "2024-06-05",
            "2024-06-05",
            "甲老师",
            "2025-01-05",
            candidate,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let file = |rows: &[Vec<String>]| {
        write_xlsx(&[SheetSpec { name: "发展党员", title: None, headers: &headers, rows, text_columns: &[1] }]).unwrap()
    };
    let bad = file(&[row("吴一", 21, "2025-06-01"), row("郑二", 23, "2025-05-31")]);
    let plan = s.plan_recruit_import(&c, &bad, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).await.unwrap();
    let found: Vec<(usize, String)> = plan.issues.iter().map(|i| (i.row_number, i.column_name.clone())).collect();
    assert_eq!(found, vec![(3, "确定发展对象".to_string())], "{:?}", plan.issues);
    assert!(plan.issues[0].message.contains("DEV-OBJECT"));
    assert!(s.commit_recruit_import(&c, &plan).await.is_err());
    assert!(s.recruitment_board(&c, root.id).await.unwrap().is_empty(), "nothing imported");
    let good = file(&[row("吴一", 21, "2025-06-01"), row("郑二", 23, "")]);
    let plan = s.plan_recruit_import(&c, &good, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).await.unwrap();
    assert!(plan.issues.is_empty(), "{:?}", plan.issues);
    assert_eq!(s.commit_recruit_import(&c, &plan).await.unwrap(), 2);
    let board = s.recruitment_board(&c, root.id).await.unwrap();
    assert_eq!(board.len(), 2);
    assert!(board.iter().any(|l| l.name == "吴一" && l.reached == Some(domain::family::recruitment::Step::Candidate)));
    assert!(board.iter().all(|l| l.key_teacher));
}
