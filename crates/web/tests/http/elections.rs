//! Term elections over HTTP (EL-*): the page, the tally and the API refused outside the viewer's
//! reach and answered inside it (the scope matrix runs [`election_routes_both_ways`]), and a
//! refusal by rule as a structured 400 with `rule_id` and `citation`.

use super::common::*;

test_support::on_both_backends!(election_routes_both_ways);

pub(crate) async fn election_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let c = services::console_actor();
    let mut ids = Vec::new();
    for (i, n) in ["选举甲", "选举乙", "选举丙"].iter().enumerate() {
        ids.push(
            f.services
                .create_member(&c, f.branch_a, None, &member(n, &id("19880101", 71 + 2 * i as u16)))
                .await
                .unwrap(),
        );
    }
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let a = f.branch_a;
    let on = f.services.today().to_string();

    // The page: B's worker does not see A's elections.
    assert!(refused(page_get(&f, &wb, &format!("/orgs/{a}/elections")).await.status));
    let r = page_get(&f, &wa, &format!("/orgs/{a}/elections")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"election-form\"") && r.body.contains("选举乙"), "{}", r.body);
    // One seat (the secretary), two candidates; every voter present.
    let voters = f.services.election_setup(&c, a, f.services.today()).await.unwrap().voters_expected;
    assert!(voters >= 4, "the fixture's members and the three above");
    let form = format!(
        "held_on={on}&term_years=3&voters_present={voters}&seats=1&ballots_issued={voters}&ballots_returned={voters}\
         &approval_no=县教党〔2026〕9号&approved_on={on}&timing_approval_no=县委组〔2026〕1号\
         &cand_{}=1&votes_{}=3&cand_{}=1&votes_{}=1&secretary_id={}",
        ids[0], ids[0], ids[1], ids[1], ids[0]
    );
    assert!(refused(page_post(&f, &wb, &format!("/orgs/{a}/elections"), &form).await.status));
    // Bad counts: a field error, nothing written.
    let bad = form.replace(&format!("ballots_returned={voters}"), &format!("ballots_returned={}", voters + 1));
    let r = page_post(&f, &wa, &format!("/orgs/{a}/elections"), &bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("EL-BALLOTS"), "{}", r.body);
    let r = page_post(&f, &wa, &format!("/orgs/{a}/elections"), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let e: i64 = r.location.trim_start_matches("/elections/").parse().unwrap();
    assert!(refused(page_get(&f, &wb, &format!("/elections/{e}")).await.status));
    let r = page_get(&f, &wa, &format!("/elections/{e}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("当选（书记）"), "{}", r.body);
    // The ballot and tally sheet as PDF.
    assert!(refused(page_get(&f, &wb, &format!("/elections/{e}/sheets.pdf")).await.status));
    let r = page_get(&f, &wa, &format!("/elections/{e}/sheets.pdf")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.starts_with("%PDF"));

    // The API, the same way.
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    assert!(refused(api(&f, &tb, "GET", &format!("/api/v1/orgs/{a}/elections"), None).await.status));
    let r = api(&f, &ta, "GET", &format!("/api/v1/orgs/{a}/elections"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(&format!("\"id\":{e}")));
    assert!(refused(api(&f, &tb, "GET", &format!("/api/v1/orgs/{a}/elections/setup?on={on}"), None).await.status));
    let r = api(&f, &ta, "GET", &format!("/api/v1/orgs/{a}/elections/setup?on={on}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["voters_expected"], voters);
    assert!(refused(api(&f, &tb, "GET", &format!("/api/v1/elections/{e}"), None).await.status));
    let r = api(&f, &ta, "GET", &format!("/api/v1/elections/{e}"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = |returned: u32| {
        serde_json::json!({"held_on": on, "term_years": "3", "voters_present": voters.to_string(), "seats": "1",
            "ballots_issued": voters.to_string(), "ballots_returned": returned.to_string(), "approval_no": "县教党〔2026〕10号",
            "approved_on": on, "timing_approval_no": "县委组〔2026〕2号",
            "candidates": [{"member_id": ids[1], "votes": "3"}, {"member_id": ids[2], "votes": "1"}],
            "secretary_id": ids[1]})
    };
    assert!(refused(api(&f, &tb, "POST", &format!("/api/v1/orgs/{a}/elections"), Some(body(voters))).await.status));
    let r = api(&f, &ta, "POST", &format!("/api/v1/orgs/{a}/elections"), Some(body(voters + 1))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"]["rule_id"], "EL-BALLOTS", "{v}");
    assert!(v["error"]["citation"].as_str().is_some_and(|c| !c.is_empty()));
    let r = api(&f, &ta, "POST", &format!("/api/v1/orgs/{a}/elections"), Some(body(voters))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // The term calendar: the committee's shows its branches, each refused outside the subtree.
    assert!(refused(page_get(&f, &wb, &format!("/orgs/{a}/terms")).await.status));
    let r = page_get(&f, &wa, &format!("/orgs/{a}/terms")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"terms\"") && r.body.contains("任期内"), "{}", r.body);
    assert!(refused(api(&f, &tb, "GET", &format!("/api/v1/orgs/{a}/terms"), None).await.status));
    let r = api(&f, &ta, "GET", &format!("/api/v1/orgs/{a}/terms"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["terms"][0]["start"], serde_json::json!(on), "{v}");
}
