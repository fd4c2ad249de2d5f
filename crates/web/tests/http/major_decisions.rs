//! 三重一大 (SANZHONG-YIDA) over HTTP: every page and API route of the register reaches the
//! viewer's own org and refuses another's; a matter without a committee meeting is a field-level
//! 400 naming the rule that writes nothing. The scope matrix runs [`major_decision_routes_both_ways`].

use super::common::*;

test_support::on_both_backends!(major_decision_routes_both_ways);

pub(crate) async fn major_decision_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let a = f.branch_a;
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    // The branch's committee (its secretary) meets on 5 March.
    let meeting = services::org_life::MeetingInput {
        kind: "committee_meeting".into(),
        held_on: "2026-03-05".into(),
        topic: "支委会".into(),
        host_member_id: Some(f.member_a),
        recorder_member_id: Some(f.member_a),
        ..Default::default()
    };
    let mtg = f.services.record_meeting(&services::console_actor(), a, &meeting).await.unwrap();

    // On the page: without a meeting, refused by its field, naming the rule; nothing written.
    let new = format!("/orgs/{a}/major-decisions/new?year=2026");
    let bad = "category=funds&title=%E8%B4%AD%E7%BD%AE%E8%AE%BE%E5%A4%87&amount=5000&yes=1";
    let r = page_post(&f, &wa, &new, bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("集体讨论决定") && r.body.contains("SANZHONG-YIDA"), "{}", r.body);
    let none = f.services.major_decisions(&services::console_actor(), a, 2026).await.unwrap();
    assert!(none.decisions.is_empty());
    let good = format!("{bad}&meeting_id={mtg}");
    assert!(refused(page_post(&f, &wb, &new, &good).await.status));
    let r = page_post(&f, &wa, &new, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location.trim_start_matches("/major-decisions/").parse().unwrap();
    for uri in [
        format!("/orgs/{a}/major-decisions?year=2026"),
        new.clone(),
        format!("/major-decisions/{id}"),
        format!("/orgs/{a}/major-decisions/ledger.xlsx?year=2026"),
        format!("/orgs/{a}/major-decisions/ledger.pdf?year=2026"),
    ] {
        let r = page_get(&f, &wa, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        assert!(refused(page_get(&f, &wb, &uri).await.status), "{uri}");
    }
    let r = page_get(&f, &wa, &format!("/major-decisions/{id}")).await;
    assert!(r.body.contains("5000.00元（大额）") && r.body.contains("通过"), "{}", r.body);

    // The API.
    let body = serde_json::json!({
        "category": "appointment", "title": "任命德育处主任", "meeting_id": mtg, "yes": 1,
    });
    let uri = format!("/api/v1/orgs/{a}/major-decisions");
    assert!(refused(api(&f, &tb, "POST", &uri, Some(body.clone())).await.status));
    let mut wrong = body.clone();
    wrong["meeting_id"] = serde_json::Value::Null;
    let r = api(&f, &ta, "POST", &uri, Some(wrong)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(e["error"]["rule_id"].as_str(), Some("SANZHONG-YIDA"), "{e}");
    let r = api(&f, &ta, "POST", &uri, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let api_id = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    for uri in [format!("/api/v1/orgs/{a}/major-decisions?year=2026"), format!("/api/v1/major-decisions/{api_id}")] {
        assert_eq!(api(&f, &ta, "GET", &uri, None).await.status, StatusCode::OK, "{uri}");
        assert!(refused(api(&f, &tb, "GET", &uri, None).await.status), "{uri}");
    }
    let v: serde_json::Value = serde_json::from_str(
        &api(&f, &ta, "GET", &format!("/api/v1/orgs/{a}/major-decisions?year=2026"), None).await.body,
    )
    .unwrap();
    assert_eq!(v["decisions"].as_array().map(Vec::len), Some(2), "{v}");
}
