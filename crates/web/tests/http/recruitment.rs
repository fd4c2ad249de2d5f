//! Recruitment (发展党员) over HTTP: the board, the application, a person's page, a step and the
//! probation's extension, by page and API, refused outside the viewer's reach and answered inside
//! it (the scope matrix runs [`recruitment_routes_both_ways`]); refusals name their rule.

use super::common::*;
use services::recruitment::StepForm;

test_support::on_both_backends!(recruitment_routes_both_ways);

/// Takes person `p` through step 17 (approved: a probationary member) with the console's rights.
/// `seq` keeps the sponsors made for it apart from another call's.
async fn admit(f: &Fixture, p: i64, seq: u16) {
    let c = services::console_actor();
    let sponsors: Vec<i64> = vec![
        f.services.create_member(&c, f.branch_a, None, &member("介绍人甲", &id("19700101", seq))).await.unwrap(),
        f.services.create_member(&c, f.branch_a, None, &member("介绍人乙", &id("19700101", seq + 2))).await.unwrap(),
    ];
    let s = |step: &str, on: &str| StepForm {
        step: step.into(),
        on: on.into(),
        people: "王书记".into(),
        ..Default::default()
    };
    let steps = vec![
        s("talk", "2024-01-20"),
        s("activist", "2024-02-01"),
        s("activist_filed", "2024-02-05"),
        StepForm { member_ids: vec![sponsors[0]], ..s("mentors", "2024-02-05") },
        s("cultivation", "2024-08-01"),
        s("candidate", "2025-02-01"),
        s("candidate_filed", "2025-02-05"),
        StepForm { member_ids: sponsors.clone(), ..s("sponsors", "2025-02-10") },
        StepForm { passed: Some(true), ..s("political_review", "2025-03-01") },
        StepForm { hours: 24, ..s("training", "2025-03-10") },
        s("committee_review", "2025-03-20"),
        s("pre_review", "2025-03-25"),
        s("volunteer_form", "2025-04-01"),
        StepForm { expected: 4, present: 4, yes: 4, ..s("admission_assembly", "2025-04-10") },
        s("hq_talk", "2025-04-20"),
        StepForm { dues_category: "employed".into(), ..s("admission_approval", "2025-05-10") },
    ];
    for step in steps {
        f.services.record_step(&c, p, &step).await.unwrap();
    }
}

pub(crate) async fn recruitment_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let board = format!("/orgs/{}/recruitment", f.branch_a);
    assert!(refused(page_get(&f, &wb, &board).await.status));
    let r = page_get(&f, &wa, &board).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"applicant-form\""), "{}", r.body);
    let idn = id("19990101", 31);
    let form = format!("name=吴申请&id_number={idn}&ethnicity=01&key_teacher=yes&applied_on=2024-01-10");
    assert!(refused(page_post(&f, &wb, &board, &form).await.status));
    // Bad input: field errors in Chinese; under 18 names DEV-AGE.
    let r = page_post(&f, &wa, &board, "name=&id_number=&ethnicity=&applied_on=2024-01-10").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let young = format!("name=少年甲&id_number={}&ethnicity=01&applied_on=2024-01-10", id("20080101", 33));
    let r = page_post(&f, &wa, &board, &young).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("DEV-AGE"), "{}", r.body);
    let r = page_post(&f, &wa, &board, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let person_uri = r.location.clone();
    assert!(person_uri.starts_with("/recruits/"), "{person_uri}");
    assert!(person_uri.trim_start_matches("/recruits/").parse::<i64>().is_ok(), "{person_uri}");
    assert!(refused(page_get(&f, &wb, &person_uri).await.status));
    let r = page_get(&f, &wa, &person_uri).await;
    assert!(r.body.contains("2. 党组织派人谈话") && r.body.contains("id=\"step-form\""), "{}", r.body);
    assert!(refused(page_post(&f, &wb, &person_uri, "step=talk&on=2024-01-20").await.status));
    // Out of order: refused with a field error.
    let r = page_post(&f, &wa, &person_uri, "step=activist&on=2024-01-20").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // DEV-TALK: the page asks who talked.
    let r = page_post(&f, &wa, &person_uri, "step=talk&on=2024-01-20").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("DEV-TALK") && r.body.contains("请填写党组织派去谈话的人"), "{}", r.body);
    let talked = "step=talk&on=2024-01-20&people=王书记";
    assert_eq!(page_post(&f, &wa, &person_uri, talked).await.status, StatusCode::SEE_OTHER);
    // The board lists the person, marked a key teacher.
    let r = page_get(&f, &wa, &board).await;
    assert!(r.body.contains("吴申请") && r.body.contains("骨干教师"), "{}", r.body);

    // A probationary member: the extension, refused below six months naming DEV-PROBATION.
    let c = services::console_actor();
    let applicant = |name: &str, seq: u16| services::recruitment::ApplicantForm {
        name: name.into(),
        id_number: id("19980101", seq),
        ethnicity: "01".into(),
        applied_on: "2024-01-05".into(),
        ..Default::default()
    };
    let q = f.services.create_applicant(&c, f.branch_a, &applicant("郑预备", 35)).await.unwrap();
    admit(&f, q, 91).await;
    let q2 = f.services.create_applicant(&c, f.branch_a, &applicant("冯预备", 39)).await.unwrap();
    admit(&f, q2, 95).await;
    let ext = format!("/recruits/{q}/extension");
    assert!(refused(page_post(&f, &wb, &ext, "months=6&on=2026-04-01&body=教育局党委").await.status));
    let r = page_post(&f, &wa, &ext, "months=5&on=2026-04-01&body=教育局党委").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("DEV-PROBATION"), "{}", r.body);
    assert_eq!(page_post(&f, &wa, &ext, "months=6&on=2026-04-01&body=教育局党委").await.status, StatusCode::SEE_OTHER);

    // The API.
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let api_board = format!("/api/v1/orgs/{}/recruitment", f.branch_a);
    assert!(refused(api(&f, &tb, "GET", &api_board, None).await.status));
    let r = api(&f, &ta, "GET", &api_board, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("\"stage\":\"probation\""), "{}", r.body);
    // Filters: by stage, and only those with a deadline past.
    let r = api(&f, &ta, "GET", &format!("{api_board}?stage=probation"), None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let people = v["people"].as_array().unwrap();
    assert!(!people.is_empty() && people.iter().all(|p| p["stage"] == "probation"), "{}", r.body);
    let r = page_get(&f, &wa, &format!("{board}?stage=application&overdue=1")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"board-filters\"") && !r.body.contains("郑预备"), "{}", r.body);
    let body = serde_json::json!({"name": "王接口", "id_number": id("19970101", 37), "ethnicity": "汉族", "applied_on": "2026-01-05"});
    assert!(refused(api(&f, &tb, "POST", &api_board, Some(body.clone())).await.status));
    let r = api(&f, &ta, "POST", &api_board, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let api_person = format!("/api/v1/recruits/{}", v["id"]);
    assert!(refused(api(&f, &tb, "GET", &api_person, None).await.status));
    let r = api(&f, &ta, "GET", &api_person, None).await;
    assert!(r.body.contains("\"next_step\":\"talk\""), "{}", r.body);
    // DEV-TALK: who talked is named.
    let nobody = serde_json::json!({"step": "talk", "on": "2026-01-20"});
    let r = api(&f, &ta, "POST", &api_person, Some(nobody)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("\"rule_id\":\"DEV-TALK\""), "{}", r.body);
    let talk = serde_json::json!({"step": "talk", "on": "2026-01-20", "people": "王书记、李委员"});
    assert!(refused(api(&f, &tb, "POST", &api_person, Some(talk.clone())).await.status));
    assert_eq!(api(&f, &ta, "POST", &api_person, Some(talk)).await.status, StatusCode::CREATED);
    // A second extension is refused naming DEV-PROBATION; another member's first is accepted.
    let again = serde_json::json!({"months": 6, "on": "2026-04-02", "body": "教育局党委"});
    let r = api(&f, &ta, "POST", &format!("/api/v1/recruits/{q}/extension"), Some(again.clone())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("\"rule_id\":\"DEV-PROBATION\""), "{}", r.body);
    let api_ext = format!("/api/v1/recruits/{q2}/extension");
    assert!(refused(api(&f, &tb, "POST", &api_ext, Some(again.clone())).await.status));
    assert_eq!(api(&f, &ta, "POST", &api_ext, Some(again)).await.status, StatusCode::OK);

    // The papers: the 备案 lists of the branch and a person's 纪实表, as xlsx and PDF.
    for uri in [
        format!("/orgs/{}/recruitment/filings.xlsx", f.branch_a),
        format!("/orgs/{}/recruitment/filings.pdf", f.branch_a),
        format!("/recruits/{q}/record.xlsx"),
        format!("/recruits/{q}/record.pdf"),
    ] {
        assert!(refused(page_get(&f, &wb, &uri).await.status), "{uri}");
        let r = page_get(&f, &wa, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
    }
    for uri in [
        format!("/api/v1/orgs/{}/recruitment/filings?format=pdf", f.branch_a),
        format!("/api/v1/recruits/{q}/record?format=xlsx"),
    ] {
        assert!(refused(api(&f, &tb, "GET", &uri, None).await.status), "{uri}");
        assert_eq!(api(&f, &ta, "GET", &uri, None).await.status, StatusCode::OK, "{uri}");
    }
    let r = api(&f, &ta, "GET", &format!("/api/v1/recruits/{q}/record?format=doc"), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // DEV-TRANSFER-ACT: a person not yet admitted moves branch by the committee's administrator
    // (rights in both); a branch's worker may not, the other branch's worker sees nothing.
    let mover = services::recruitment::ApplicantForm {
        name: "钱积极".into(),
        id_number: id("19960101", 41),
        ethnicity: "01".into(),
        applied_on: "2026-01-05".into(),
        ..Default::default()
    };
    let m = f.services.create_applicant(&c, f.branch_a, &mover).await.unwrap();
    let root = login(&f, "rootadmin").await;
    let move_uri = format!("/recruits/{m}/move");
    let form = format!("to_branch={}", f.branch_b);
    assert!(refused(page_post(&f, &wb, &move_uri, &form).await.status));
    let r = page_post(&f, &wa, &move_uri, &form).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "worker_a cannot record in branch B: {}", r.body);
    let r = page_get(&f, &root, &format!("/recruits/{m}")).await;
    assert!(r.body.contains("id=\"move-form\""), "{}", r.body);
    assert_eq!(page_post(&f, &root, &move_uri, &form).await.status, StatusCode::SEE_OTHER);
    assert_eq!(f.services.recruit(&c, m).await.unwrap().row.branch_id, f.branch_b);
    let tr = token(&f, "rootadmin").await;
    let api_move = format!("/api/v1/recruits/{m}/move");
    let back = serde_json::json!({"to_branch": f.branch_a});
    assert!(refused(api(&f, &ta, "POST", &api_move, Some(back.clone())).await.status));
    assert_eq!(api(&f, &tr, "POST", &api_move, Some(back)).await.status, StatusCode::OK);
    assert_eq!(f.services.recruit(&c, m).await.unwrap().row.branch_id, f.branch_a);
    // DEV-HALFYEAR: an activist assessed once may be assessed again before becoming a candidate:
    // the page offers both steps, and the second assessment is recorded.
    let mentor =
        f.services.create_member(&c, f.branch_a, None, &member("联系人丙", &id("19700101", 99))).await.unwrap();
    let s6 = |step: &str, on: &str| StepForm {
        step: step.into(),
        on: on.into(),
        people: "王书记".into(),
        ..Default::default()
    };
    for form in [
        s6("talk", "2026-01-20"),
        s6("activist", "2026-02-01"),
        s6("activist_filed", "2026-02-05"),
        StepForm { member_ids: vec![mentor], ..s6("mentors", "2026-02-05") },
        s6("cultivation", "2026-08-01"),
    ] {
        f.services.record_step(&c, m, &form).await.unwrap();
    }
    let r = page_get(&f, &wa, &format!("/recruits/{m}")).await;
    assert!(
        r.body.contains("id=\"f-step\"") && r.body.contains("6. 培养教育考察") && r.body.contains("7. 确定发展对象"),
        "{}",
        r.body
    );
    let again = page_post(&f, &wa, &format!("/recruits/{m}"), "step=cultivation&on=2026-11-30").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(
        f.services.recruit(&c, m).await.unwrap().steps.iter().filter(|s| s.step.as_str() == "cultivation").count(),
        2
    );
}
