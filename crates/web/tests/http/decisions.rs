//! Decisions on membership and discipline over HTTP (EDU-SUSPEND, EL-RIGHTS): the page and the
//! API refused outside the viewer's reach and answered inside it (the scope matrix runs
//! [`decision_routes_both_ways`]), field errors in Chinese, and the edit form refusing a status
//! that only a decision may set.

use super::common::*;

test_support::on_both_backends!(decision_routes_both_ways);

pub(crate) async fn decision_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let c = services::console_actor();
    let m1 = f.services.create_member(&c, f.branch_a, None, &member("处置党员甲", &id("19900101", 61))).await.unwrap();
    let m2 = f.services.create_member(&c, f.branch_a, None, &member("处置党员乙", &id("19900101", 63))).await.unwrap();
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let uri = format!("/members/{m1}/decisions");

    // The page: B's worker sees nothing of A's member; A's worker sees the form.
    assert!(refused(page_get(&f, &wb, &uri).await.status));
    let r = page_get(&f, &wa, &uri).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"decision-form\"") && r.body.contains("停止党籍（党籍处置）"), "{}", r.body);
    assert!(!r.body.contains("value=\"restore\""), "a full member cannot be restored");
    // Bad input: field errors in Chinese, nothing written.
    let before = audit_len(&f).await;
    let r = page_post(&f, &wa, &uri, "kind=suspend&decided_on=2026-01-05&body=&document_no=&reason=").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("请填写决定机关") && r.body.contains("请填写决定文号"), "{}", r.body);
    assert_eq!(audit_len(&f).await, before);
    let form = "kind=suspend&decided_on=2026-01-05&body=某县教育局党委&document_no=教党〔2026〕1号&reason=失去联系6个月以上无法查找";
    assert!(refused(page_post(&f, &wb, &uri, form).await.status));
    let r = page_post(&f, &wa, &uri, form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = page_get(&f, &wa, &uri).await;
    assert!(r.body.contains("正式党员 → 停止党籍") && r.body.contains("value=\"restore\""), "{}", r.body);
    // The member page links here, and its timeline shows the decision beside the joining.
    let page = page_get(&f, &wa, &format!("/members/{m1}")).await.body;
    assert!(page.contains("id=\"decisions-link\"") && page.contains("id=\"member-timeline\""), "{page}");
    assert!(page.contains("党籍处置：停止党籍（教党〔2026〕1号）") && page.contains("入党（预备党员）"), "{page}");

    // The API, the same way.
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let api_uri = format!("/api/v1/members/{m2}/decisions");
    assert!(refused(api(&f, &tb, "GET", &api_uri, None).await.status));
    let r = api(&f, &ta, "GET", &api_uri, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["status"], "full");
    assert!(v["applicable"].as_array().unwrap().iter().any(|k| k == "observation"));
    let body = serde_json::json!({"kind": "observation", "decided_on": "2026-02-01", "body": "某县纪委",
        "document_no": "县纪〔2026〕2号", "reason": "违反工作纪律情节较重", "months": "12"});
    assert!(refused(api(&f, &tb, "POST", &api_uri, Some(body.clone())).await.status));
    let bad = serde_json::json!({"kind": "observation", "decided_on": "2026-02-01", "body": "某县纪委",
        "document_no": "县纪〔2026〕2号", "reason": "违反工作纪律情节较重", "months": "18"});
    let r = api(&f, &ta, "POST", &api_uri, Some(bad)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("months"), "{}", r.body);
    let r = api(&f, &ta, "POST", &api_uri, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&api(&f, &ta, "GET", &api_uri, None).await.body).unwrap();
    assert_eq!(v["decisions"][0]["last_day"], "2027-01-31");
    assert_eq!(v["decisions"][0]["status_after"], "full");
}
