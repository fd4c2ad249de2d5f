//! 意识形态阵地 (IDEOLOGY-RESP) over HTTP: the register of a branch reaches its own worker and
//! refuses another branch's; a position without its approval date is a field-level 400 that
//! writes nothing; a review is recorded. Events on sensitive dates: one without its approval is
//! refused naming IDEOLOGY-RESP, on the page and in the API. The scope matrix runs
//! [`position_routes_both_ways`] and [`event_routes_both_ways`].

use super::common::*;

test_support::on_both_backends!(position_routes_both_ways, event_routes_both_ways);

pub(crate) async fn position_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let a = f.branch_a;
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let uri = format!("/orgs/{a}/positions");
    let bad = "kind=online_account&name=%E6%A0%A1%E5%9B%AD%E5%85%AC%E4%BC%97%E5%8F%B7&responsible=%E7%8E%8B%E6%9F%90&approved_by=%E5%AD%A6%E6%A0%A1%E5%85%9A%E6%94%AF%E9%83%A8";
    let r = page_post(&f, &wa, &uri, bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("data-field=\"approved_on\""), "{}", r.body);
    assert!(f.services.positions(&services::console_actor(), a).await.unwrap().positions.is_empty());
    let good = format!("{bad}&approved_on=2025-03-01");
    assert!(refused(page_post(&f, &wb, &uri, &good).await.status));
    let r = page_post(&f, &wa, &uri, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = f.services.positions(&services::console_actor(), a).await.unwrap().positions[0].row.id;
    for uri in [uri.clone(), format!("{uri}/ledger.xlsx"), format!("{uri}/ledger.pdf")] {
        let r = page_get(&f, &wa, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        assert!(refused(page_get(&f, &wb, &uri).await.status), "{uri}");
    }
    let r = page_get(&f, &wa, &uri).await;
    assert!(r.body.contains("校园公众号") && r.body.contains("已逾期"), "a year past its approval: {}", r.body);
    let review = format!("/positions/{id}/review");
    assert!(refused(page_post(&f, &wb, &review, &format!("org={a}")).await.status));
    let r = page_post(&f, &wa, &review, &format!("org={a}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!page_get(&f, &wa, &uri).await.body.contains("已逾期"));

    // The API.
    let body = serde_json::json!({
        "kind": "exhibition_board", "name": "教学楼宣传栏", "responsible": "李某", "approved_by": "学校党支部",
        "approved_on": "2026-09-01",
    });
    let api_uri = format!("/api/v1/orgs/{a}/positions");
    assert!(refused(api(&f, &tb, "POST", &api_uri, Some(body.clone())).await.status));
    assert_eq!(api(&f, &ta, "POST", &api_uri, Some(body)).await.status, StatusCode::CREATED);
    assert_eq!(api(&f, &ta, "GET", &api_uri, None).await.status, StatusCode::OK);
    assert!(refused(api(&f, &tb, "GET", &api_uri, None).await.status));
    let review = format!("/api/v1/positions/{id}/review");
    assert!(refused(api(&f, &tb, "POST", &review, None).await.status));
    assert_eq!(api(&f, &ta, "POST", &review, None).await.status, StatusCode::OK);
}

pub(crate) async fn event_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let a = f.branch_a;
    let c = services::console_actor();
    let today = f.services.today();
    let day = today.format("%Y-%m-%d").to_string();
    f.services.set_setting(&c, f.root, domain::settings::IDEOLOGY_SENSITIVE_DAYS, &day, "2000-01-01").await.unwrap();
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let uri = format!("/orgs/{a}/ideology-events");
    let year = chrono::Datelike::year(&today);
    // Today is sensitive: without its approval the form is refused at the field, naming the rule.
    let bad = format!(
        "kind=report_meeting&title=%E6%8A%A5%E5%91%8A%E4%BC%9A&held_on={day}&place=%E6%8A%A5%E5%91%8A%E5%8E%85\
         &responsible=%E7%8E%8B%E6%9F%90"
    );
    let r = page_post(&f, &wa, &uri, &bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("data-field=\"approved_on\"") && r.body.contains("IDEOLOGY-RESP"), "{}", r.body);
    assert!(f.services.ideology_events(&c, a, year).await.unwrap().events.is_empty());
    let good = format!("{bad}&approved_by=%E5%85%9A%E5%A7%94&approved_on={day}");
    assert!(refused(page_post(&f, &wb, &uri, &good).await.status));
    let r = page_post(&f, &wa, &uri, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for uri in [uri.clone(), format!("{uri}/ledger.xlsx?year={year}"), format!("{uri}/ledger.pdf?year={year}")] {
        let r = page_get(&f, &wa, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        assert!(refused(page_get(&f, &wb, &uri).await.status), "{uri}");
    }
    assert!(page_get(&f, &wa, &uri).await.body.contains("敏感时间节点</strong>"));

    // The API: refused with the rule's ID and citation, then recorded.
    let body = serde_json::json!({
        "kind": "seminar", "title": "思政课教学研讨会", "held_on": day, "place": "会议室", "responsible": "李某",
    });
    let api_uri = format!("/api/v1/orgs/{a}/ideology-events");
    assert!(refused(api(&f, &tb, "POST", &api_uri, Some(body.clone())).await.status));
    let r = api(&f, &ta, "POST", &api_uri, Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(e["error"]["rule_id"].as_str(), Some("IDEOLOGY-RESP"), "{e}");
    assert!(e["error"]["citation"].as_str().is_some_and(|c| !c.is_empty()), "{e}");
    let mut approved = body;
    approved["approved_by"] = "学校党支部".into();
    approved["approved_on"] = day.clone().into();
    assert_eq!(api(&f, &ta, "POST", &api_uri, Some(approved)).await.status, StatusCode::CREATED);
    let r = api(&f, &ta, "GET", &format!("{api_uri}?year={year}"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["events"].as_array().map(Vec::len), Some(2), "{v}");
    assert!(refused(api(&f, &tb, "GET", &api_uri, None).await.status));
    assert_eq!(api(&f, &ta, "GET", &format!("{api_uri}?year=1800"), None).await.status, StatusCode::BAD_REQUEST);
}
