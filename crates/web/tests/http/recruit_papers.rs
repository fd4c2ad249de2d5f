//! Recruitment beside its steps over HTTP, by page and API: documents, the end of a path, the
//! import of the branch's sheet and the key-teacher flag, each refused outside the viewer's reach
//! and answered inside it (the scope matrix runs [`recruit_papers_routes_both_ways`]); and a
//! whole path from application to confirmation through the API alone.

use super::common::*;
use services::recruitment::ApplicantForm;

test_support::on_both_backends!(recruit_papers_routes_both_ways);
test_support::on_both_backends!(a_whole_path_through_the_api);

/// A multipart form of `fields` and one file.
fn form_with_file(fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "zhibu-papers-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend(file);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_multipart(
    f: &Fixture,
    s: &Session,
    uri: &str,
    fields: &[(&str, &str)],
    name: &str,
    file: &[u8],
) -> Reply {
    let mut all = vec![("_csrf", s.csrf.as_str())];
    all.extend_from_slice(fields);
    let (ct, body) = form_with_file(&all, name, file);
    send(
        &f.router,
        Request::post(uri)
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn api_bytes(f: &Fixture, token: &str, uri: &str, body: &[u8]) -> Reply {
    let req = Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(body.to_vec()))
        .unwrap();
    send(&f.router, req).await
}

async fn applicant(f: &Fixture, name: &str, seq: u16) -> i64 {
    let form = ApplicantForm {
        name: name.into(),
        id_number: id("19960101", seq),
        ethnicity: "汉族".into(),
        applied_on: "2024-01-10".into(),
        ..Default::default()
    };
    f.services.create_applicant(&services::console_actor(), f.branch_a, &form).await.unwrap()
}

const PDF: &[u8] = b"%PDF-1.4\n% zhibu recruitment\n";

pub(crate) async fn recruit_papers_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let (wa, wb) = (login(&f, "worker_a").await, login(&f, "worker_b").await);
    let (ta, tb) = (token(&f, "worker_a").await, token(&f, "worker_b").await);
    let p = applicant(&f, "冯材料", 41).await;

    // Documents: uploaded to a recorded step, downloaded as a file that is never rendered.
    let docs = format!("/recruits/{p}/documents");
    let step = [("step", "apply")];
    assert!(refused(post_multipart(&f, &wb, &docs, &step, "申请书.pdf", PDF).await.status));
    let r = post_multipart(&f, &wa, &docs, &[("step", "talk")], "谈话记录.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"document-error\"") && r.body.contains("请选择已记录的步骤"), "{}", r.body);
    let r = post_multipart(&f, &wa, &docs, &step, "申请书.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = page_get(&f, &wa, &format!("/recruits/{p}")).await;
    assert!(page.body.contains("id=\"recruit-documents\"") && page.body.contains("申请书.pdf"), "{}", page.body);
    let api_docs = format!("/api/v1/recruits/{p}/documents");
    assert!(refused(api(&f, &tb, "GET", &api_docs, None).await.status));
    let r = api(&f, &ta, "GET", &api_docs, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let doc = v["documents"][0]["id"].as_i64().unwrap();
    assert_eq!(v["documents"][0]["step"], "apply");
    let one = format!("/recruits/{p}/documents/{doc}");
    assert!(refused(page_get(&f, &wb, &one).await.status));
    let r = page_get(&f, &wa, &one).await;
    assert_eq!((r.status, r.body.as_bytes()), (StatusCode::OK, PDF));
    let api_one = format!("/api/v1{one}");
    assert!(refused(api(&f, &tb, "GET", &api_one, None).await.status));
    assert_eq!(api(&f, &ta, "GET", &api_one, None).await.status, StatusCode::OK);
    let upload = format!("{api_docs}?step=1&file_name=%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf");
    assert!(refused(api_bytes(&f, &tb, &upload, PDF).await.status));
    assert_eq!(api_bytes(&f, &ta, &upload, PDF).await.status, StatusCode::CREATED);
    let r = api_bytes(&f, &ta, &format!("{api_docs}?step=1&file_name=a.png"), PDF).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // Ending a path before admission: a reason is required.
    let end = format!("/recruits/{p}/end");
    assert!(refused(page_post(&f, &wb, &end, "on=2024-02-01&reason=本人撤回入党申请").await.status));
    let r = page_post(&f, &wa, &end, "on=2024-02-01&reason=撤回").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"end-error\""), "{}", r.body);
    assert_eq!(page_post(&f, &wa, &end, "on=2024-02-01&reason=本人撤回入党申请").await.status, StatusCode::SEE_OTHER);
    assert!(page_get(&f, &wa, &format!("/recruits/{p}")).await.body.contains("id=\"recruit-ended\""));
    let q = applicant(&f, "褚接口", 43).await;
    let api_end = format!("/api/v1/recruits/{q}/end");
    let body = serde_json::json!({"on": "2024-02-01", "reason": "不再列为入党积极分子"});
    assert!(refused(api(&f, &tb, "POST", &api_end, Some(body.clone())).await.status));
    assert_eq!(api(&f, &ta, "POST", &api_end, Some(body)).await.status, StatusCode::OK);

    // The import of the sheet a branch keeps, into the org's subtree only.
    let sheet = format!(
        "姓名,公民身份号码,民族,所在党支部,递交入党申请书\n卫导入,{},汉族,甲校党支部,2025-03-01\n",
        id("19970101", 45)
    );
    let import = format!("/orgs/{}/recruitment/import", f.branch_a);
    assert!(refused(page_get(&f, &wb, &import).await.status));
    assert_eq!(page_get(&f, &wa, &import).await.status, StatusCode::OK);
    let dry = [("dry_run", "1")];
    assert!(refused(post_multipart(&f, &wb, &import, &dry, "台账.csv", sheet.as_bytes()).await.status));
    let r = post_multipart(&f, &wa, &import, &dry, "台账.csv", sheet.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("检查通过") && r.body.contains("1 人"), "{}", r.body);
    let outside = format!(
        "姓名,公民身份号码,民族,所在党支部,递交入党申请书\n蒋越界,{},汉族,乙校党支部,2025-03-01\n",
        id("19970101", 47)
    );
    let root = login(&f, "rootadmin").await;
    let r = post_multipart(&f, &root, &import, &[], "台账.csv", outside.as_bytes()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("不在本组织范围内"), "{}", r.body);
    let api_import = format!("/api/v1{import}");
    assert!(refused(api_bytes(&f, &tb, &api_import, sheet.as_bytes()).await.status));
    let r = api_bytes(&f, &ta, &api_import, sheet.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("\"imported\":1"), "{}", r.body);
    let r = api_bytes(&f, &ta, &api_import, sheet.as_bytes()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "the same person again: {}", r.body);
    assert!(r.body.contains("\"row_number\":2"), "{}", r.body);

    // The committee's working-day calendar (DEV-L-PUBLICITY counts with it): typed as days and
    // ranges; a value that is not one is refused on the page.
    let settings = format!("/orgs/{}/settings", f.root);
    let r = page_get(&f, &root, &settings).await;
    assert!(r.body.contains("法定节假日") && r.body.contains("placeholder=\"如 2026-10-01..2026-10-07"), "{}", r.body);
    let r = page_post(&f, &root, &settings, "key=calendar.holidays&value=国庆&from=2026-01-01").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("不是日期"), "{}", r.body);
    let ok = "key=calendar.holidays&value=2026-10-01..2026-10-07&from=2026-01-01&confirmed=1";
    assert_eq!(page_post(&f, &root, &settings, ok).await.status, StatusCode::SEE_OTHER);
    assert!(page_get(&f, &root, &settings).await.body.contains("2026-10-01..2026-10-07"));

    // 双培养: the key-teacher flag of a member, counted on the board.
    let flag = format!("/members/{}/key-teacher", f.member_a);
    assert!(refused(page_post(&f, &wb, &flag, "key_teacher=yes").await.status));
    assert_eq!(page_post(&f, &wa, &flag, "key_teacher=yes").await.status, StatusCode::SEE_OTHER);
    let r = page_get(&f, &wa, &format!("/members/{}", f.member_a)).await;
    assert!(r.body.contains("<td id=\"key-teacher\">是"), "{}", r.body);
    let r = page_get(&f, &wa, &format!("/orgs/{}/recruitment", f.branch_a)).await;
    assert!(r.body.contains("党员中骨干教师 <strong>1</strong> 人"), "{}", r.body);
    let api_flag = format!("/api/v1{flag}");
    let off = serde_json::json!({"key_teacher": false});
    assert!(refused(api(&f, &tb, "POST", &api_flag, Some(off.clone())).await.status));
    assert_eq!(api(&f, &ta, "POST", &api_flag, Some(off)).await.status, StatusCode::OK);
    assert!(!f.services.is_key_teacher(&services::console_actor(), f.member_a).await.unwrap());
}

/// Item 8: from the application to confirmation and the archive through the API alone, with the
/// member made at approval and confirmed from the day after the probation ends.
async fn a_whole_path_through_the_api(db: Db) {
    let f = fixture(db).await;
    let t = token(&f, "worker_a").await;
    let c = services::console_actor();
    let mut sponsors = Vec::new();
    for (i, name) in ["介绍人甲", "介绍人乙"].iter().enumerate() {
        let m = member(name, &id("19700101", 51 + i as u16));
        sponsors.push(f.services.create_member(&c, f.branch_a, None, &m).await.unwrap());
    }
    let voters = f.services.recruit(&c, applicant(&f, "临时人", 53).await).await.unwrap().voters.len() as u32;
    let board = format!("/api/v1/orgs/{}/recruitment", f.branch_a);
    let body = serde_json::json!({"name": "韩全程", "id_number": id("19980101", 55), "ethnicity": "汉族", "key_teacher": true, "applied_on": "2024-01-10"});
    let r = api(&f, &t, "POST", &board, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let p = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    let person = format!("/api/v1/recruits/{p}");
    let j = |v: serde_json::Value| Some(v);
    let steps = [
        j(serde_json::json!({"step": "talk", "on": "2024-01-20", "people": "甲书记"})),
        j(serde_json::json!({"step": "activist", "on": "2024-02-01"})),
        j(serde_json::json!({"step": "activist_filed", "on": "2024-02-05"})),
        j(serde_json::json!({"step": "mentors", "on": "2024-02-05", "member_ids": [sponsors[0]]})),
        j(serde_json::json!({"step": "cultivation", "on": "2024-08-01"})),
        j(serde_json::json!({"step": "candidate", "on": "2025-02-01"})),
        j(serde_json::json!({"step": "candidate_filed", "on": "2025-02-05"})),
        j(serde_json::json!({"step": "sponsors", "on": "2025-02-10", "member_ids": sponsors})),
        j(serde_json::json!({"step": "political_review", "on": "2025-03-01", "passed": true, "people": "组织员甲"})),
        j(serde_json::json!({"step": "training", "on": "2025-03-10", "days": 3})),
        j(serde_json::json!({"step": "committee_review", "on": "2025-03-20"})),
        j(serde_json::json!({"step": "pre_review", "on": "2025-03-25"})),
        j(serde_json::json!({"step": "volunteer_form", "on": "2025-04-01"})),
        j(
            serde_json::json!({"step": "admission_assembly", "on": "2025-04-10", "expected": voters, "present": voters, "yes": voters}),
        ),
        j(serde_json::json!({"step": "hq_talk", "on": "2025-04-20", "people": "党委委员乙"})),
        j(serde_json::json!({"step": "admission_approval", "on": "2025-05-10", "dues_category": "employed"})),
        j(serde_json::json!({"step": "admission_filed", "on": "2025-05-15"})),
        j(serde_json::json!({"step": "placement", "on": "2025-05-16"})),
        j(serde_json::json!({"step": "oath", "on": "2025-07-01"})),
        j(serde_json::json!({"step": "probation_education", "on": "2025-11-01"})),
        j(serde_json::json!({"step": "confirmation_request", "on": "2026-03-20"})),
        j(
            serde_json::json!({"step": "confirmation_assembly", "on": "2026-04-10", "expected": voters + 1, "present": voters + 1, "yes": voters + 1}),
        ),
        j(serde_json::json!({"step": "confirmation_approval", "on": "2026-05-01"})),
        j(serde_json::json!({"step": "archive", "on": "2026-05-10"})),
    ];
    for s in steps {
        let r = api(&f, &t, "POST", &person, s.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{s:?}: {}", r.body);
    }
    let r = api(&f, &t, "GET", &person, None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!((v["stage"].as_str(), v["next_step"].as_str()), (Some("probation"), None), "{}", r.body);
    assert_eq!(v["steps"].as_array().map(Vec::len), Some(25));
    let member = v["member_id"].as_i64().unwrap();
    let r = api(&f, &t, "GET", &format!("/api/v1/members/{member}"), None).await;
    let m = &serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["member"];
    // 党龄 from the day after the probation ends (DEV-CONVERT-TIME).
    assert_eq!((m["status"].as_str(), m["joined_on"].as_str()), (Some("full"), Some("2025-04-10")), "{}", r.body);
    assert_eq!(m["confirmed_on"].as_str(), Some("2026-04-10"), "{}", r.body);
    assert!(f.services.is_key_teacher(&c, member).await.unwrap());
    // Archived: off the board.
    let r = api(&f, &t, "GET", &board, None).await;
    assert!(!r.body.contains("韩全程"), "{}", r.body);
}
