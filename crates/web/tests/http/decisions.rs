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
    // CON-LAPSE's fix link proposes 自行脱党除名: the form opens with it chosen.
    let r = page_get(&f, &wa, &format!("{uri}?kind=lapse_removed")).await;
    assert!(r.body.contains("value=\"lapse_removed\" selected"), "{}", r.body);
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

test_support::on_both_backends!(contact_routes_both_ways);

/// A mobile member's contact log (EDU-FLOATING): page and API, refused outside the subtree.
pub(crate) async fn contact_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let c = services::console_actor();
    let mut input = member("流动党员甲", &id("19910101", 81));
    input.mobile_member = "true".into();
    input.mobile_destination = "广东省深圳市南山区".into();
    let m = f.services.create_member(&c, f.branch_a, None, &input).await.unwrap();
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let uri = format!("/members/{m}/contacts");
    assert!(refused(page_get(&f, &wb, &uri).await.status));
    let r = page_get(&f, &wa, &uri).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("外出流向：广东省深圳市南山区") && r.body.contains("id=\"contact-log-form\""),
        "{}",
        r.body
    );
    let form = "contacted_on=2026-03-15&way=电话&by_name=王书记&note=在深圳务工，参加当地流动党员活动";
    assert!(refused(page_post(&f, &wb, &uri, form).await.status));
    let r = page_post(&f, &wa, &uri, "contacted_on=2026-03-15&way=&by_name=王书记").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("请填写联系方式"), "{}", r.body);
    assert_eq!(page_post(&f, &wa, &uri, form).await.status, StatusCode::SEE_OTHER);
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let api_uri = format!("/api/v1/members/{m}/contacts");
    assert!(refused(api(&f, &tb, "GET", &api_uri, None).await.status));
    let r = api(&f, &ta, "GET", &api_uri, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("\"way\":\"电话\""), "{}", r.body);
    let body = serde_json::json!({"contacted_on": "2026-06-01", "way": "微信", "by_name": "王书记"});
    assert!(refused(api(&f, &tb, "POST", &api_uri, Some(body.clone())).await.status));
    assert_eq!(api(&f, &ta, "POST", &api_uri, Some(body)).await.status, StatusCode::CREATED);
}

test_support::on_both_backends!(away_routes_both_ways);

/// 外出登记 (EDU-TRANSFER, EDU-GRADS): recorded, ended and extended by page and API, refused
/// outside the subtree; a refusal by EDU-GRADS names the rule.
pub(crate) async fn away_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let c = services::console_actor();
    let m = f.services.create_member(&c, f.branch_a, None, &member("外出党员甲", &id("19920101", 82))).await.unwrap();
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let uri = format!("/members/{m}/away");
    let form = "kind=mobile&left_on=2026-03-01&destination=江苏省苏州市&fixed_place=yes";
    assert!(refused(page_post(&f, &wb, &uri, form).await.status));
    let r = page_post(&f, &wa, &uri, "kind=mobile&left_on=2026-03-01&destination=&fixed_place=yes").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("请填写外出流向"), "{}", r.body);
    assert_eq!(page_post(&f, &wa, &uri, form).await.status, StatusCode::SEE_OTHER);
    let r = page_get(&f, &wa, &format!("/members/{m}/contacts")).await;
    assert!(r.body.contains("id=\"away\"") && r.body.contains("江苏省苏州市"), "{}", r.body);
    let away_id = r.body.split("id=\"end-away-").nth(1).and_then(|s| s.split('"').next()).unwrap().to_owned();
    let change_uri = format!("/members/{m}/away/{away_id}");
    assert!(refused(page_post(&f, &wb, &change_uri, "action=end&on=2026-06-01").await.status));
    assert_eq!(page_post(&f, &wa, &change_uri, "action=end&on=2026-06-01").await.status, StatusCode::SEE_OTHER);

    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let api_uri = format!("/api/v1/members/{m}/away");
    let body = serde_json::json!({"kind": "graduate", "left_on": "2024-06-30"});
    assert!(refused(api(&f, &tb, "POST", &api_uri, Some(body.clone())).await.status));
    let r = api(&f, &ta, "POST", &api_uri, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let g: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let g = g["id"].as_i64().unwrap();
    let change = format!("/api/v1/members/{m}/away/{g}");
    let too_long = serde_json::json!({"action": "extend", "on": "2027-07-01", "document": "县委组〔2026〕9号"});
    assert!(refused(api(&f, &tb, "POST", &change, Some(too_long.clone())).await.status));
    let r = api(&f, &ta, "POST", &change, Some(too_long)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("EDU-GRADS"), "{}", r.body);
    let ok = serde_json::json!({"action": "extend", "on": "2027-06-30", "document": "县委组〔2026〕9号"});
    assert_eq!(api(&f, &ta, "POST", &change, Some(ok)).await.status, StatusCode::OK);
    let r = api(&f, &ta, "GET", &format!("/api/v1/members/{m}/contacts"), None).await;
    assert!(r.body.contains("\"extended_to\":\"2027-06-30\""), "{}", r.body);
}
