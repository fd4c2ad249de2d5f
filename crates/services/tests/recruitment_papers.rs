//! Recruitment beside its steps, through the services on both backends: documents kept to the
//! step they belong to (DEV-ARCHIVE), a path ended before admission or by the decision
//! 取消预备党员资格, the key-teacher flag of members (双培养), the local practice switched on by a
//! committee (DEV-L-*), and the import of the sheet a branch keeps into one org's subtree.

use chrono::NaiveDate;
use domain::member::{IdNumber, MemberInput};
use services::decisions::DecisionForm;
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

fn step(step: &str, on: &str) -> StepForm {
    StepForm { step: step.into(), on: on.into(), people: "王书记".into(), ..Default::default() }
}

fn field_of(e: ServiceError) -> (String, String) {
    match e {
        ServiceError::Invalid(f) => {
            let first = f.0.first().cloned().unwrap();
            (first.field.to_string(), f.rule().map(|r| r.rule_id.clone()).unwrap_or_default())
        }
        other => panic!("{other:?}"),
    }
}

struct Setup {
    s: Services,
    root: i64,
    b: i64,
    voters: Vec<i64>,
}

async fn setup(db: Db) -> Setup {
    let mut s = Services::new(db, AuditKey::new(vec![6u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2027, 12, 1);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县教育局党委", "committee")).await.unwrap().id;
    let b = s.create_org(&c, Some(root), &org("一中党支部", "branch")).await.unwrap().id;
    let mut voters = Vec::new();
    for (i, name) in ["甲老师", "乙老师", "丙老师"].iter().enumerate() {
        voters.push(s.create_member(&c, b, None, &full_member(name, 80 + i as u16)).await.unwrap());
    }
    Setup { s, root, b, voters }
}

async fn applicant(s: &Services, b: i64, name: &str, seq: u16, key_teacher: bool) -> i64 {
    let form = ApplicantForm {
        name: name.into(),
        id_number: id((1995, 5, 20), seq),
        ethnicity: "汉族".into(),
        key_teacher,
        applied_on: "2025-01-10".into(),
        ..Default::default()
    };
    s.create_applicant(&console_actor(), b, &form).await.unwrap()
}

/// Takes person `p` through step 17: a probationary member of the branch from 2026-03-10.
async fn admit(st: &Setup, p: i64) {
    let c = console_actor();
    let v = &st.voters;
    for form in [
        step("talk", "2025-01-20"),
        step("activist", "2025-02-01"),
        step("activist_filed", "2025-02-05"),
        StepForm { member_ids: vec![v[0]], ..step("mentors", "2025-02-05") },
        step("cultivation", "2025-08-01"),
        step("candidate", "2026-02-01"),
        step("candidate_filed", "2026-02-02"),
        StepForm { member_ids: vec![v[0], v[1]], ..step("sponsors", "2026-02-03") },
        StepForm { passed: Some(true), ..step("political_review", "2026-02-10") },
        StepForm { hours: 24, ..step("training", "2026-02-20") },
        step("committee_review", "2026-02-25"),
        step("pre_review", "2026-03-01"),
        step("volunteer_form", "2026-03-05"),
        StepForm { expected: 3, present: 3, yes: 3, ..step("admission_assembly", "2026-03-10") },
        step("hq_talk", "2026-03-20"),
        StepForm { dues_category: "employed".into(), ..step("admission_approval", "2026-04-10") },
    ] {
        st.s.record_step(&c, p, &form).await.unwrap_or_else(|e| panic!("{}: {e:?}", form.step));
    }
}

test_support::on_both_backends!(dev_archive_documents_belong_to_a_recorded_step);

async fn dev_archive_documents_belong_to_a_recorded_step(db: Db) {
    let mut st = setup(db).await;
    let dir = tempfile::tempdir().unwrap();
    st.s.files_dir = Some(dir.path().to_path_buf());
    let s = &st.s;
    let c = console_actor();
    let p = applicant(s, st.b, "周材料", 11, false).await;
    let pdf = b"%PDF-1.4\n% application\n";
    // Only a recorded step takes a document, and the bytes must be what the name says.
    assert_eq!(field_of(s.attach_recruit_document(&c, p, "talk", "谈话记录.pdf", pdf).await.unwrap_err()).0, "step");
    assert_eq!(field_of(s.attach_recruit_document(&c, p, "apply", "申请书.png", pdf).await.unwrap_err()).0, "file");
    let doc = s.attach_recruit_document(&c, p, "1", "../入党申请书.pdf", pdf).await.unwrap();
    let docs = s.recruit_documents(&c, p).await.unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!((docs[0].step.as_str(), docs[0].file_name.as_str()), ("apply", "入党申请书.pdf"));
    let (row, bytes) = s.recruit_document(&c, p, doc).await.unwrap();
    assert_eq!((row.content_type.as_str(), bytes.as_slice()), ("application/pdf", pdf.as_slice()));
    assert!(matches!(s.recruit_document(&c, p, doc + 1000).await, Err(ServiceError::NotFound)));
    // The talk names who talked (DEV-TALK); the person's record shows them.
    let nobody = StepForm { people: String::new(), ..step("talk", "2025-01-20") };
    assert_eq!(field_of(s.record_step(&c, p, &nobody).await.unwrap_err()), ("people".into(), "DEV-TALK".into()));
    s.record_step(&c, p, &StepForm { people: "王书记、李委员".into(), ..step("talk", "2025-01-20") }).await.unwrap();
    let v = s.recruit(&c, p).await.unwrap();
    let talk = v.steps.iter().find(|x| x.step == domain::family::recruitment::Step::Talk).unwrap();
    assert_eq!(services::recruitment_filings::step_words(talk).unwrap(), "谈话人：王书记、李委员");
}

test_support::on_both_backends!(a_path_ends_before_admission_or_with_the_cancelled_qualification);

async fn a_path_ends_before_admission_or_with_the_cancelled_qualification(db: Db) {
    let st = setup(db).await;
    let s = &st.s;
    let c = console_actor();
    let p = applicant(s, st.b, "吴撤回", 12, false).await;
    s.record_step(&c, p, &step("talk", "2025-01-20")).await.unwrap();
    // A reason is required, the day not before the last step.
    assert_eq!(field_of(s.end_recruit(&c, p, "2025-02-01", "撤回").await.unwrap_err()).0, "reason");
    assert_eq!(field_of(s.end_recruit(&c, p, "2025-01-19", "本人撤回入党申请").await.unwrap_err()).0, "on");
    s.end_recruit(&c, p, "2025-02-01", "本人撤回入党申请").await.unwrap();
    assert!(s.recruitment_board(&c, st.root).await.unwrap().is_empty());
    let v = s.recruit(&c, p).await.unwrap();
    assert_eq!((v.row.ended_on, v.row.end_reason.as_str()), (NaiveDate::from_ymd_opt(2025, 2, 1), "本人撤回入党申请"));
    assert!(v.next.is_none() && v.findings.is_empty());
    assert!(matches!(s.record_step(&c, p, &step("activist", "2025-03-01")).await, Err(ServiceError::Invalid(_))));
    assert_eq!(field_of(s.end_recruit(&c, p, "2025-03-01", "本人撤回入党申请").await.unwrap_err()).0, "on");
    // A probationary member's path does not end here but with 取消预备党员资格 (DEV-PROBATION).
    let q = applicant(s, st.b, "郑预备", 13, false).await;
    admit(&st, q).await;
    assert_eq!(field_of(s.end_recruit(&c, q, "2026-05-01", "不具备党员条件").await.unwrap_err()).0, "on");
    let member = s.recruit(&c, q).await.unwrap().row.member_id.unwrap();
    let cancel = DecisionForm {
        kind: "probation_cancelled".into(),
        decided_on: "2026-06-01".into(),
        body: "县教育局党委".into(),
        document_no: "教党〔2026〕5号".into(),
        reason: "预备期内不履行党员义务".into(),
        ..Default::default()
    };
    s.record_decision(&c, member, &cancel).await.unwrap();
    let v = s.recruit(&c, q).await.unwrap();
    assert_eq!(v.row.ended_on, NaiveDate::from_ymd_opt(2026, 6, 1));
    assert!(v.findings.is_empty() && v.next.is_none());
}

test_support::on_both_backends!(key_teachers_among_members_and_in_the_pipeline);

async fn key_teachers_among_members_and_in_the_pipeline(db: Db) {
    let st = setup(db).await;
    let s = &st.s;
    let c = console_actor();
    assert_eq!(s.key_teacher_members(&c, st.root).await.unwrap(), (0, 3));
    s.set_key_teacher(&c, st.voters[2], true).await.unwrap();
    assert!(s.is_key_teacher(&c, st.voters[2]).await.unwrap());
    assert_eq!(s.key_teacher_members(&c, st.root).await.unwrap(), (1, 3));
    // A key teacher admitted from recruitment is a key-teacher member.
    let p = applicant(s, st.b, "钱骨干", 14, true).await;
    admit(&st, p).await;
    let member = s.recruit(&c, p).await.unwrap().row.member_id.unwrap();
    assert!(s.is_key_teacher(&c, member).await.unwrap());
    assert_eq!(s.key_teacher_members(&c, st.b).await.unwrap(), (2, 4));
    s.set_key_teacher(&c, st.voters[2], false).await.unwrap();
    assert_eq!(s.key_teacher_members(&c, st.root).await.unwrap(), (1, 4));
}

test_support::on_both_backends!(dev_l_the_local_practice_applies_where_a_committee_switched_it_on);

async fn dev_l_the_local_practice_applies_where_a_committee_switched_it_on(db: Db) {
    let st = setup(db).await;
    let s = &st.s;
    let c = console_actor();
    let p = applicant(s, st.b, "孙地方", 15, false).await;
    s.record_step(&c, p, &step("talk", "2025-01-20")).await.unwrap();
    let key = domain::settings::rule_set_key(domain::family::recruitment::LOCAL_PRACTICE);
    s.set_setting(&c, st.root, key, "on", "2025-01-01").await.unwrap();
    // Six months from the application (10 January): 9 July is short, 10 July in time.
    let early = step("activist", "2025-07-09");
    assert_eq!(field_of(s.record_step(&c, p, &early).await.unwrap_err()).1, "DEV-L-ACTIVIST-WAIT");
    let reasoned = StepForm { reason: "经县委组织部同意提前确定".into(), ..early };
    s.record_step(&c, p, &reasoned).await.unwrap();
    // The rule is a committee's: listed in the branch's catalogue as local.
    let catalogue = s.rule_catalogue(&c, st.b, NaiveDate::from_ymd_opt(2025, 8, 1).unwrap()).await.unwrap();
    assert!(catalogue.iter().any(|r| r.id == "DEV-L-REVIEW-VALID" && r.tightened()));
}

test_support::on_both_backends!(dev_l_publicity_counts_working_days_with_the_committees_calendar);

async fn dev_l_publicity_counts_working_days_with_the_committees_calendar(db: Db) {
    let st = setup(db).await;
    let s = &st.s;
    let c = console_actor();
    let p = applicant(s, st.b, "蒋公示", 16, false).await;
    for form in [
        step("talk", "2025-01-20"),
        step("activist", "2025-02-01"),
        step("activist_filed", "2025-02-05"),
        StepForm { member_ids: vec![st.voters[0]], ..step("mentors", "2025-02-05") },
        step("cultivation", "2025-08-01"),
    ] {
        s.record_step(&c, p, &form).await.unwrap();
    }
    s.set_setting(
        &c,
        st.root,
        domain::settings::rule_set_key(domain::family::recruitment::LOCAL_PRACTICE),
        "on",
        "2025-01-01",
    )
    .await
    .unwrap();
    // A holiday on Wednesday 25 February 2026 (the committee's calendar): Monday to Friday is four working days.
    assert!(matches!(
        s.set_setting(&c, st.root, domain::settings::CALENDAR_HOLIDAYS, "春节后", "2025-01-01").await,
        Err(ServiceError::Invalid(_))
    ));
    s.set_setting(&c, st.root, domain::settings::CALENDAR_HOLIDAYS, "2026-02-25", "2025-01-01").await.unwrap();
    let candidate = |from: &str, to: &str| StepForm {
        publicity_from: from.into(),
        publicity_to: to.into(),
        ..step("candidate", "2026-03-02")
    };
    assert_eq!(
        field_of(s.record_step(&c, p, &candidate("2026-02-23", "2026-02-27")).await.unwrap_err()).1,
        "DEV-L-PUBLICITY"
    );
    assert_eq!(
        field_of(s.record_step(&c, p, &candidate("2026-02-27", "2026-02-23")).await.unwrap_err()).0,
        "publicity_to"
    );
    s.record_step(&c, p, &candidate("2026-02-20", "2026-02-27")).await.unwrap();
    let v = s.recruit(&c, p).await.unwrap();
    let made = v.steps.iter().find(|x| x.step == domain::family::recruitment::Step::Candidate).unwrap();
    assert_eq!(
        services::recruitment_filings::step_words(made).unwrap(),
        "公示：2026年2月20日至2026年2月27日（5个工作日）"
    );
}
