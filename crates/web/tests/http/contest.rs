//! The knowledge contest over HTTP: every page and API route of banks, contests, papers and
//! results reaches the viewer's own branch and refuses another's; a bad question or sheet is a
//! field-level or row-and-column 400 that writes nothing; a member's second paper is refused on
//! the page (next to the answers) and in the API (a structured 400). The scope matrix runs
//! [`contest_routes_both_ways`].

use super::common::*;

test_support::on_both_backends!(contest_routes_both_ways);

fn upload_body(csrf: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "zhibu-test-boundary";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n").into_bytes();
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"题库.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend(file);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn page_upload(f: &Fixture, s: &Session, org: i64, file: &[u8]) -> Reply {
    let (ct, body) = upload_body(&s.csrf, file);
    send(
        &f.router,
        Request::post(format!("/orgs/{org}/questions/import"))
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

const SHEET: &str = "题型,题干,选项A,选项B,选项C,选项D,正确答案,出处\n\
单选题,党支部党员大会一般每季度召开几次？,1次,2次,3次,,A,支部工作条例第十五条\n\
多选题,“三会一课”包括哪些？,支部党员大会,支部委员会会议,党小组会,党课,ABCD,支部工作条例第十五条\n\
判断题,党员应当按月交纳党费。,,,,,正确,党章第八条\n";

/// The form body of a member's right answers to their paper (radios `q_{id}`, checkboxes
/// `q_{id}_{letter}`).
async fn right_answers_form(f: &Fixture, contest: i64, member_id: i64, org: i64) -> String {
    let actor = domain::scope::Actor {
        account_id: 0,
        username: "m".into(),
        grants: vec![domain::scope::Grant::Member { member_id }],
    };
    let bank = f.services.question_bank(&console_actor(), org).await.unwrap().questions;
    let paper = f.services.contest(&actor, contest).await.unwrap().paper.unwrap();
    let mut parts = Vec::new();
    for q in paper.questions {
        let key = &bank.iter().find(|b| b.id == q.question.id).unwrap().answer;
        if q.question.kind == domain::contest::QuestionKind::MultipleChoice {
            parts.extend(key.chars().map(|l| format!("q_{}_{l}=1", q.question.id)));
        } else {
            parts.push(format!("q_{}={key}", q.question.id));
        }
    }
    parts.join("&")
}

pub(crate) async fn contest_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let (a, m) = (f.branch_a, f.member_a);
    // 甲党员's own account.
    f.services
        .create_account(
            &console_actor(),
            NewAccount {
                username: "member_a".into(),
                display_name: "甲党员".into(),
                password: PW.into(),
                member_id: Some(m),
                must_change_password: false,
                roles: vec![RoleGrant { role: RoleKind::Member, org_id: None }],
            },
        )
        .await
        .unwrap();
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let ma = login(&f, "member_a").await;
    let mb = login(&f, "member_b").await;
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let tma = token(&f, "member_a").await;

    // A question typed on the page: a bad one is a field-level 400 that writes nothing.
    let bad = format!("kind=single_choice&stem={}&option_a=%E7%94%B2&option_c=%E4%B8%99&answer=D", enc("第一题"));
    let r = page_post(&f, &wa, &format!("/orgs/{a}/questions"), &bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("选项B为空"), "{}", r.body);
    let good = format!("kind=single_choice&stem={}&option_a=1&option_b=2&answer=B", enc("党小组会每月召开几次？"));
    assert!(refused(page_post(&f, &wb, &format!("/orgs/{a}/questions"), &good).await.status));
    let r = page_post(&f, &wa, &format!("/orgs/{a}/questions"), &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The sheet: a bad row refuses the file with its row and column.
    let broken = format!("{SHEET}判断题,党员可以不交党费。,,,,,也许,\n");
    let r = page_upload(&f, &wa, a, broken.as_bytes()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("第 5 行") && r.body.contains("判断题的正确答案应为"), "{}", r.body);
    assert_eq!(f.services.question_bank(&console_actor(), a).await.unwrap().questions.len(), 1);
    // Asked for, the error report: the file back with its bad cells marked.
    let (ct, mut body) = upload_body(&wa.csrf, broken.as_bytes());
    let extra = "--zhibu-test-boundary\r\nContent-Disposition: form-data; name=\"report\"\r\n\r\n1\r\n";
    body.splice(0..0, extra.bytes());
    let r = send(
        &f.router,
        Request::post(format!("/orgs/{a}/questions/import"))
            .header(header::COOKIE, &wa.cookie)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with("PK"), "an xlsx file");
    assert!(refused(page_upload(&f, &wb, a, SHEET.as_bytes()).await.status));
    let r = page_upload(&f, &wa, a, SHEET.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("已导入 3 道题"), "{}", r.body);
    // The template, for anyone logged in.
    assert_eq!(page_get(&f, &wa, "/questions/template.xlsx").await.status, StatusCode::OK);
    let visitor = send(&f.router, Request::get("/questions/template.xlsx").body(Body::empty()).unwrap()).await;
    assert_eq!(visitor.status, StatusCode::SEE_OTHER);

    // A contest set on the page.
    let today = f.services.today();
    let (start, end) = (today.to_string(), (today + chrono::Days::new(7)).to_string());
    let form = |n: &str| format!("title={}&starts_on={start}&ends_on={end}&question_count={n}", enc("学条例知识竞赛"));
    let r = page_post(&f, &wa, &format!("/orgs/{a}/contests/new"), &form("9")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("题库只有4道题"), "{}", r.body);
    assert!(refused(page_post(&f, &wb, &format!("/orgs/{a}/contests/new"), &form("3")).await.status));
    let r = page_post(&f, &wa, &format!("/orgs/{a}/contests/new"), &form("3")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let contest: i64 = r.location.trim_start_matches("/contests/").parse().unwrap();
    for uri in [
        format!("/orgs/{a}/contests"),
        format!("/orgs/{a}/contests/new"),
        format!("/orgs/{a}/questions"),
        format!("/orgs/{a}/questions/import"),
        format!("/contests/{contest}"),
        format!("/contests/{contest}/results"),
        format!("/contests/{contest}/results.xlsx"),
        format!("/contests/{contest}/results.pdf"),
    ] {
        let r = page_get(&f, &wa, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        assert!(refused(page_get(&f, &wb, &uri).await.status), "{uri}");
    }
    // 甲党员 answers on the page, sees the score, and is refused a second paper.
    let r = page_get(&f, &ma, &format!("/contests/{contest}")).await;
    assert!(r.body.contains("id=\"paper-form\""), "{}", r.body);
    let r = page_post(&f, &ma, &format!("/contests/{contest}"), "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("第1题还没有作答"), "{}", r.body);
    let answers = right_answers_form(&f, contest, m, a).await;
    assert!(refused(page_post(&f, &mb, &format!("/contests/{contest}"), &answers).await.status));
    let r = page_post(&f, &ma, &format!("/contests/{contest}"), &answers).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = page_get(&f, &ma, &format!("/contests/{contest}?submitted=1")).await;
    assert!(r.body.contains("您的得分：<strong>3</strong>"), "{}", r.body);
    let r = page_post(&f, &ma, &format!("/contests/{contest}"), &answers).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("id=\"answer-error\"") && r.body.contains("每人只能答一次"), "{}", r.body);
    // The results: A's members (甲党员 and 甲书记), one answered; no ranking.
    let r = page_get(&f, &wa, &format!("/contests/{contest}/results")).await;
    assert!(
        r.body.contains("<dd id=\"results-rate\">50.0%</dd>") && r.body.contains("id=\"no-ranking\""),
        "{}",
        r.body
    );
    // The branch's home shows the open contest's participation.
    let r = page_get(&f, &wa, "/").await;
    assert!(r.body.contains("id=\"home-contests\"") && r.body.contains("已参加 1 / 2 人（50.0%）"), "{}", r.body);
    // The member's own page lists the score.
    let r = page_get(&f, &ma, "/").await;
    assert!(r.body.contains("id=\"own-contests\""), "{}", r.body);

    // The API.
    let q = serde_json::json!({ "kind": "true_false", "stem": "预备党员的预备期为一年。", "answer": "对" });
    assert!(refused(api(&f, &tb, "POST", &format!("/api/v1/orgs/{a}/questions"), Some(q.clone())).await.status));
    let r = api(&f, &ta, "POST", &format!("/api/v1/orgs/{a}/questions"), Some(q.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = api(&f, &ta, "POST", &format!("/api/v1/orgs/{a}/questions"), Some(q)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("\"stem\""), "{}", r.body);
    let import = |t: String, file: String| {
        let f = &f;
        async move {
            send(
                &f.router,
                Request::post(format!("/api/v1/orgs/{a}/questions/import?dry_run=true"))
                    .header(header::AUTHORIZATION, format!("Bearer {t}"))
                    .header(header::CONTENT_TYPE, "text/csv")
                    .body(Body::from(file))
                    .unwrap(),
            )
            .await
        }
    };
    assert!(refused(import(tb.clone(), "题型,题干,正确答案\n判断题,新题,对\n".into()).await.status));
    let r = import(ta.clone(), "题型,题干,正确答案\n判断题,新题,也许\n".into()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("\"row_number\":2") && r.body.contains("\"column\":\"正确答案\""), "{}", r.body);
    let r = import(ta.clone(), "题型,题干,正确答案\n判断题,新题,对\n".into()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body = serde_json::json!({
        "title": "竞赛排名赛", "starts_on": start, "ends_on": end, "question_count": "2", "ranking": "on",
    });
    assert!(refused(api(&f, &tb, "POST", &format!("/api/v1/orgs/{a}/contests"), Some(body.clone())).await.status));
    let r = api(&f, &ta, "POST", &format!("/api/v1/orgs/{a}/contests"), Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let ranked = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    for uri in [
        format!("/api/v1/orgs/{a}/questions"),
        format!("/api/v1/orgs/{a}/contests"),
        format!("/api/v1/contests/{ranked}"),
        format!("/api/v1/contests/{ranked}/results"),
    ] {
        assert_eq!(api(&f, &ta, "GET", &uri, None).await.status, StatusCode::OK, "{uri}");
        assert!(refused(api(&f, &tb, "GET", &uri, None).await.status), "{uri}");
    }
    // The member's paper in the API carries no key until handed in.
    let v: serde_json::Value =
        serde_json::from_str(&api(&f, &tma, "GET", &format!("/api/v1/contests/{ranked}"), None).await.body).unwrap();
    let questions = v["paper"]["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 2, "{v}");
    assert!(questions.iter().all(|q| q["question"]["answer"] == ""), "{v}");
    let bank = f.services.question_bank(&console_actor(), a).await.unwrap().questions;
    let answers: serde_json::Map<String, serde_json::Value> = questions
        .iter()
        .map(|q| {
            let id = q["question"]["id"].as_i64().unwrap();
            (id.to_string(), serde_json::json!(bank.iter().find(|b| b.id == id).unwrap().answer))
        })
        .collect();
    let paper = serde_json::json!({ "answers": answers });
    let uri = format!("/api/v1/contests/{ranked}/answers");
    let tmb = token(&f, "member_b").await;
    assert!(refused(api(&f, &tmb, "POST", &uri, Some(paper.clone())).await.status));
    let r = api(&f, &tma, "POST", &uri, Some(paper.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("\"score\":2"), "{}", r.body);
    let r = api(&f, &tma, "POST", &uri, Some(paper)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("\"answers\"") && r.body.contains("每人只能答一次"), "{}", r.body);
    let v: serde_json::Value =
        serde_json::from_str(&api(&f, &ta, "GET", &format!("/api/v1/contests/{ranked}/results"), None).await.body)
            .unwrap();
    assert_eq!((v["total"]["answered"].as_u64(), v["ranking"][0]["score"].as_i64()), (Some(1), Some(2)), "{v}");
}
