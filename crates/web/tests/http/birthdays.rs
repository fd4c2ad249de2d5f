//! 政治生日 (POL-BIRTHDAY) over HTTP: listed only where a committee switched the local practice
//! on; the org page, the month's 主题党日 form and the API; refused outside the viewer's reach;
//! a bad month a structured 400. The scope matrix runs [`birthday_routes_both_ways`].

use super::common::*;

test_support::on_both_backends!(birthday_routes_both_ways);

pub(crate) async fn birthday_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let a = f.branch_a;
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let url = |month: &str| format!("/api/v1/orgs/{a}/political-birthdays?month={month}");
    // Not listed until a committee switches it on (a local practice, off by default).
    let r = api(&f, &ta, "GET", &url("2025-06"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!((v["listed"].clone(), v["members"].clone()), (serde_json::json!(false), serde_json::json!([])), "{v}");
    f.services.set_setting(&services::console_actor(), f.root, "pol_birthday.list", "on", "2020-01-01").await.unwrap();
    // A's two members joined on 1 June 2015: their tenth political birthday in June 2025.
    let r = api(&f, &ta, "GET", &url("2025-06"), None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["listed"], serde_json::json!(true), "{v}");
    let names: Vec<&str> = v["members"].as_array().unwrap().iter().filter_map(|m| m["name"].as_str()).collect();
    assert_eq!(names, ["甲书记", "甲党员"], "{v}");
    assert_eq!(
        (v["members"][0]["years"].clone(), v["members"][0]["round"].clone()),
        (serde_json::json!(10), serde_json::json!(true))
    );
    assert_eq!(v["members"][0]["day"], serde_json::json!("2025-06-01"));
    // Not in May; B's worker does not see A's.
    let v: serde_json::Value = serde_json::from_str(&api(&f, &ta, "GET", &url("2025-05"), None).await.body).unwrap();
    assert_eq!(v["members"], serde_json::json!([]), "{v}");
    assert!(refused(api(&f, &tb, "GET", &url("2025-06"), None).await.status));
    let r = api(&f, &ta, "GET", &url("2025-13"), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(v["error"]["fields"]["month"].is_string(), "{v}");

    // The org page lists this month's; the 主题党日 form of a June day lists June's.
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let r = page_get(&f, &wa, &format!("/orgs/{a}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"pol-birthdays\""), "{}", r.body);
    let form = format!("/orgs/{a}/meetings/new?kind=themed_day&date=2026-06-15");
    let r = page_get(&f, &wa, &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"pol-birthdays\"") && r.body.contains("甲党员：6月1日，入党 11 周年"), "{}", r.body);
    assert!(refused(page_get(&f, &wb, &form).await.status));
    // Another kind of meeting does not list them.
    let r = page_get(&f, &wa, &format!("/orgs/{a}/meetings/new?kind=committee_meeting&date=2026-06-15")).await;
    assert!(!r.body.contains("id=\"pol-birthdays\""), "{}", r.body);
}
