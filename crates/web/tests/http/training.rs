//! Study and training over HTTP: every page and API route of classes, hours and imports
//! reaches the viewer's own branch and refuses another's; a bad class is a field-level 400 that
//! writes nothing; a bad import sheet is a row-and-column report that writes nothing. The scope
//! matrix runs [`training_routes_both_ways`].

use super::common::*;

test_support::on_both_backends!(training_routes_both_ways);

fn upload_body(csrf: Option<&str>, year: &str, source: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "zhibu-test-boundary";
    let mut body = Vec::new();
    let mut field = |name: &str, value: &str| {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    };
    if let Some(csrf) = csrf {
        field("_csrf", csrf);
    }
    field("year", year);
    field("source", source);
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"学时.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend(file);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn page_upload(f: &Fixture, s: &Session, org: i64, source: &str, file: &[u8]) -> Reply {
    let (ct, body) = upload_body(Some(&s.csrf), "2026", source, file);
    send(
        &f.router,
        Request::post(format!("/orgs/{org}/training/import"))
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

pub(crate) async fn training_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let (a, m) = (f.branch_a, f.member_a);
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;

    // A class recorded on the page: a bad one is a field-level 400 that writes nothing.
    let bad = "kind=rotation&title=&organiser=%E5%8E%BF%E5%A7%94&starts_on=2026-05-11&ends_on=2026-05-10&hours=abc&people=%E6%97%A0%E6%AD%A4%E4%BA%BA";
    let r = page_post(&f, &wa, &format!("/orgs/{a}/training/new"), bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("请填写培训班名称") && r.body.contains("“无此人”不是本组织的党员"), "{}", r.body);
    assert_eq!(f.services.training_classes(&services::console_actor(), a, 2026).await.unwrap().classes.len(), 0);
    let good = "kind=rotation&title=%E8%BD%AE%E8%AE%AD&organiser=%E5%8E%BF%E5%A7%94&starts_on=2026-05-11&ends_on=2026-05-13&hours=24&concentrated=on&people=%E7%94%B2%E5%85%9A%E5%91%98%0A%E7%94%B2%E4%B9%A6%E8%AE%B0";
    assert!(refused(page_post(&f, &wb, &format!("/orgs/{a}/training/new"), good).await.status));
    let r = page_post(&f, &wa, &format!("/orgs/{a}/training/new"), good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let class: i64 = r.location.trim_start_matches("/training/").parse().unwrap();
    for uri in [
        format!("/orgs/{a}/training"),
        format!("/orgs/{a}/training/new"),
        format!("/orgs/{a}/training/import"),
        format!("/training/{class}"),
        format!("/members/{m}/hours?year=2026"),
        format!("/orgs/{a}/training/ledger.xlsx?year=2026"),
        format!("/orgs/{a}/training/ledger.pdf?year=2026"),
    ] {
        let r = page_get(&f, &wa, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        assert!(refused(page_get(&f, &wb, &uri).await.status), "{uri}");
    }
    let r = page_get(&f, &wa, &format!("/members/{m}/hours?year=2026")).await;
    assert!(r.body.contains("<strong>24</strong> 学时"), "{}", r.body);
    // Completions: 甲党员 did not complete it after all.
    assert!(refused(page_post(&f, &wb, &format!("/training/{class}"), "").await.status));
    let enrolled = f.services.training_class(&services::console_actor(), class).await.unwrap().enrolments;
    let secretary = enrolled.iter().find(|e| e.name == "甲书记").unwrap().member_id;
    let r = page_post(&f, &wa, &format!("/training/{class}"), &format!("done_{secretary}=1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = page_get(&f, &wa, &format!("/members/{m}/hours?year=2026")).await;
    assert!(r.body.contains("<strong>0</strong> 学时"), "{}", r.body);
    // A member's imported total on the page.
    assert!(refused(page_post(&f, &wb, &format!("/members/{m}/hours"), "year=2026&source=x&hours=1").await.status));
    let r = page_post(&f, &wa, &format!("/members/{m}/hours"), "year=2026&source=x&hours=1.25").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = page_post(&f, &wa, &format!("/members/{m}/hours"), "year=2026&source=x&hours=1.5").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // An import sheet: a bad row refuses the file with its row and column.
    let sheet = "姓名,学时\n甲党员,12\n乙党员,8\n".as_bytes();
    let r = page_upload(&f, &wa, a, "党员教育平台", sheet).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("第 3 行") && r.body.contains("没有名为“乙党员”的在册党员"), "{}", r.body);
    assert!(refused(page_upload(&f, &wb, a, "党员教育平台", "姓名,学时\n甲党员,12\n".as_bytes()).await.status));
    let r = page_upload(&f, &wa, a, "党员教育平台", "姓名,学时\n甲党员,12\n".as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("已导入 1 名党员的学时"), "{}", r.body);

    // The API.
    let body = serde_json::json!({
        "kind": "party_school", "title": "党校主体班", "organiser": "县委党校", "starts_on": "2026-06-01",
        "ends_on": "2026-06-03", "hours": "20", "people": "甲党员",
    });
    assert!(refused(
        api(&f, &tb, "POST", &format!("/api/v1/orgs/{a}/training/classes"), Some(body.clone())).await.status
    ));
    let r = api(&f, &ta, "POST", &format!("/api/v1/orgs/{a}/training/classes"), Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    let mut wrong = body.clone();
    wrong["hours"] = serde_json::json!("-3");
    let r = api(&f, &ta, "POST", &format!("/api/v1/orgs/{a}/training/classes"), Some(wrong)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("\"hours\""), "{}", r.body);
    for uri in [
        format!("/api/v1/orgs/{a}/training/classes?year=2026"),
        format!("/api/v1/orgs/{a}/training/hours?year=2026"),
        format!("/api/v1/training/classes/{id}"),
        format!("/api/v1/members/{m}/hours?year=2026"),
    ] {
        assert_eq!(api(&f, &ta, "GET", &uri, None).await.status, StatusCode::OK, "{uri}");
        assert!(refused(api(&f, &tb, "GET", &uri, None).await.status), "{uri}");
    }
    let v: serde_json::Value =
        serde_json::from_str(&api(&f, &ta, "GET", &format!("/api/v1/members/{m}/hours?year=2026"), None).await.body)
            .unwrap();
    // 20 (the API's class) + 1.5 (typed) + 12 (imported).
    assert_eq!((v["total"].as_str(), v["classes"].as_str()), (Some("33.5"), Some("20")), "{v}");
    let done = serde_json::json!({ "completed": [] });
    let uri = format!("/api/v1/training/classes/{id}/completions");
    assert!(refused(api(&f, &tb, "POST", &uri, Some(done.clone())).await.status));
    assert_eq!(api(&f, &ta, "POST", &uri, Some(done)).await.status, StatusCode::OK);
    let total = serde_json::json!({ "year": 2026, "source": "学习平台", "hours": "2" });
    let uri = format!("/api/v1/members/{m}/hours");
    assert!(refused(api(&f, &tb, "POST", &uri, Some(total.clone())).await.status));
    assert_eq!(api(&f, &ta, "POST", &uri, Some(total)).await.status, StatusCode::OK);
    let import = |t: String, file: &'static str| {
        let f = &f;
        async move {
            send(
                &f.router,
                Request::post(format!("/api/v1/orgs/{a}/training/import?year=2026&source=%E5%B9%B3%E5%8F%B0"))
                    .header(header::AUTHORIZATION, format!("Bearer {t}"))
                    .header(header::CONTENT_TYPE, "text/csv")
                    .body(Body::from(file))
                    .unwrap(),
            )
            .await
        }
    };
    assert!(refused(import(tb.clone(), "姓名,学时\n甲党员,3\n").await.status));
    let r = import(ta.clone(), "姓名,学时\n甲党员,3.25\n").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("\"row_number\":2") && r.body.contains("学时最多一位小数"), "{}", r.body);
    let r = import(ta.clone(), "姓名,学时\n甲党员,3\n").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
