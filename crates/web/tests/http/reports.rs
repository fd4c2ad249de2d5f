//! 请示报告 (REPORT-ONE-MATTER) over HTTP: a branch sends a request to its committee, which
//! answers it; both sides see the thread, another branch sees nothing; a request with two matters
//! is a field-level 400 naming the rule that writes nothing. The scope matrix runs
//! [`report_routes_both_ways`].

use super::common::*;

test_support::on_both_backends!(report_routes_both_ways);

pub(crate) async fn report_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let a = f.branch_a;
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let root = login(&f, "rootadmin").await;
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let troot = token(&f, "rootadmin").await;

    // On the page: two matters in one request are refused by their field, naming the rule.
    let new = format!("/orgs/{a}/reports/new");
    let two = "kind=request&title=%E5%85%B3%E4%BA%8E%E5%A2%9E%E8%AE%BE%E5%85%9A%E5%B0%8F%E7%BB%84%E7%9A%84%E8%AF%B7%E7%A4%BA&matters=%E5%A2%9E%E8%AE%BE%E5%85%9A%E5%B0%8F%E7%BB%84%0A%E5%A2%9E%E8%A1%A5%E5%A7%94%E5%91%98";
    let r = page_post(&f, &wa, &new, two).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("一文一事") && r.body.contains("REPORT-ONE-MATTER"), "{}", r.body);
    assert!(f.services.reports_of(&services::console_actor(), a).await.unwrap().sent.is_empty());
    let one = "kind=request&title=%E5%85%B3%E4%BA%8E%E5%A2%9E%E8%AE%BE%E5%85%9A%E5%B0%8F%E7%BB%84%E7%9A%84%E8%AF%B7%E7%A4%BA&matters=%E5%A2%9E%E8%AE%BE%E5%85%9A%E5%B0%8F%E7%BB%84";
    assert!(refused(page_post(&f, &wb, &new, one).await.status));
    let r = page_post(&f, &wa, &new, one).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location.trim_start_matches("/reports/").parse().unwrap();
    for uri in [
        format!("/orgs/{a}/reports"),
        new.clone(),
        format!("/reports/{id}"),
        format!("/orgs/{a}/reports/ledger.xlsx"),
        format!("/orgs/{a}/reports/ledger.pdf"),
    ] {
        let r = page_get(&f, &wa, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        assert!(refused(page_get(&f, &wb, &uri).await.status), "{uri}");
    }
    // Either side adds files to the thread; another branch can neither add nor read them.
    let upload = |s: &Session, bytes: &'static [u8]| {
        let (ct, body) = multipart(&s.csrf, "依据.pdf", bytes);
        let cookie = s.cookie.clone();
        let router = f.router.clone();
        async move {
            send(
                &router,
                Request::post(format!("/reports/{id}/attachments"))
                    .header(header::COOKIE, cookie)
                    .header(header::CONTENT_TYPE, ct)
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
        }
    };
    let r = upload(&wa, b"not a pdf").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("data-field=\"file\""), "{}", r.body);
    assert!(refused(upload(&wb, b"%PDF-1.7 basis").await.status));
    let r = upload(&wa, b"%PDF-1.7 basis").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = page_get(&f, &wa, &format!("/reports/{id}")).await;
    let link = page.body.split("href=\"/reports/").find(|p| p.contains("/attachments/")).unwrap();
    let link = format!("/reports/{}", link.split('"').next().unwrap());
    assert_eq!(page_get(&f, &wa, &link).await.status, StatusCode::OK, "{link}");
    assert_eq!(page_get(&f, &root, &link).await.status, StatusCode::OK, "the superior reads it too");
    assert!(refused(page_get(&f, &wb, &link).await.status), "{link}");
    // The committee answers on the page; the sender cannot answer its own request.
    let answer = "action=answer&text=%E5%90%8C%E6%84%8F";
    assert!(refused(page_post(&f, &wa, &format!("/reports/{id}"), answer).await.status));
    assert!(refused(page_post(&f, &wb, &format!("/reports/{id}"), answer).await.status));
    let r = page_get(&f, &root, &format!("/reports/{id}")).await;
    assert!(r.body.contains("respond-form") && r.body.contains("应于"), "{}", r.body);
    let r = page_post(&f, &root, &format!("/reports/{id}"), answer).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = page_get(&f, &wa, &format!("/reports/{id}")).await;
    assert!(r.body.contains("已批复") && r.body.contains("同意"), "the sender sees the answer: {}", r.body);

    // The API.
    let body = serde_json::json!({"kind": "request", "title": "关于调整支部委员的请示", "matters": "调整支部委员"});
    let uri = format!("/api/v1/orgs/{a}/reports");
    assert!(refused(api(&f, &tb, "POST", &uri, Some(body.clone())).await.status));
    let mut skip = body.clone();
    skip["to_org_id"] = serde_json::json!(f.branch_b);
    let r = api(&f, &ta, "POST", &uri, Some(skip)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(e["error"]["rule_id"].as_str(), Some("REPORT-ONE-MATTER"), "{e}");
    let r = api(&f, &ta, "POST", &uri, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let api_id = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    for uri in [format!("/api/v1/orgs/{a}/reports"), format!("/api/v1/reports/{api_id}")] {
        assert_eq!(api(&f, &ta, "GET", &uri, None).await.status, StatusCode::OK, "{uri}");
        assert!(refused(api(&f, &tb, "GET", &uri, None).await.status), "{uri}");
    }
    let ret = serde_json::json!({"action": "return", "text": "请补充支部委员会讨论情况"});
    let uri = format!("/api/v1/reports/{api_id}/responses");
    assert!(refused(api(&f, &ta, "POST", &uri, Some(ret.clone())).await.status));
    assert_eq!(api(&f, &troot, "POST", &uri, Some(ret)).await.status, StatusCode::OK);
    let v: serde_json::Value =
        serde_json::from_str(&api(&f, &ta, "GET", &format!("/api/v1/reports/{api_id}"), None).await.body).unwrap();
    assert_eq!(v["report"]["state"].as_str(), Some("returned"), "{v}");
    assert_eq!(v["replies"].as_array().map(Vec::len), Some(1), "{v}");
}
