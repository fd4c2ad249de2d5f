//! Transfers over HTTP (EDU-TRANSFER): every transfer route refused outside the viewer's reach
//! and answered inside it (the scope matrix runs [`transfer_routes_both_ways`]), the receiver's
//! view of the letter, and a return without a reason refused with its rule.

use super::common::*;

test_support::on_both_backends!(transfer_routes_both_ways, edu_transfer_return_without_reason_is_400_with_the_rule);

/// Members of branch A to transfer, one per action (one pending transfer per member).
async fn members_of_a(f: &Fixture, n: u16) -> Vec<i64> {
    let c = services::console_actor();
    let mut out = Vec::new();
    for i in 0..n {
        let m = member(
            &format!("转接党员{}", ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"][usize::from(i)]),
            &id("19920101", 41 + i),
        );
        out.push(f.services.create_member(&c, f.branch_a, None, &m).await.unwrap());
    }
    out
}

fn internal_form(to: i64) -> String {
    format!("kind=internal&to_org_id={to}&issued_on=2026-01-05&valid_days=30&reason=工作调动")
}

fn internal_json(to: i64) -> serde_json::Value {
    serde_json::json!({"kind": "internal", "to_org_id": to, "issued_on": "2026-01-05", "valid_days": "30", "reason": "工作调动"})
}

fn out_json() -> serde_json::Value {
    serde_json::json!({"kind": "out", "destination": "外省某党委", "issued_on": "2026-01-05", "valid_days": "30", "reason": "迁居"})
}

/// The id in a `/transfers/{id}` redirect.
fn transfer_id(location: &str) -> i64 {
    location.trim_start_matches("/transfers/").parse().unwrap()
}

pub(crate) async fn transfer_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let (a, b) = (f.branch_a, f.branch_b);
    let ms = members_of_a(&f, 8).await;
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let mb = login(&f, "member_b").await;

    // Pages. Issuing: B's worker does not see A's member; A's worker issues.
    assert!(refused(page_get(&f, &wb, &format!("/members/{}/transfer", ms[0])).await.status));
    assert!(refused(page_post(&f, &wb, &format!("/members/{}/transfer", ms[0]), &internal_form(b)).await.status));
    let r = page_get(&f, &wa, &format!("/members/{}/transfer?q=乙校", ms[0])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("乙校党支部"), "the search finds B");
    let r = page_post(&f, &wa, &format!("/members/{}/transfer", ms[0]), &internal_form(b)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let t1 = transfer_id(&r.location);
    // The receiver sees it; a plain member of B does not.
    assert!(refused(page_get(&f, &mb, &format!("/transfers/{t1}")).await.status));
    let r = page_get(&f, &wb, &format!("/transfers/{t1}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("accept-transfer") && r.body.contains("转接党员甲"));
    // The member's page lists the transfer.
    let r = page_get(&f, &wa, &format!("/members/{}", ms[0])).await;
    assert!(r.body.contains("id=\"member-transfers\"") && r.body.contains(&format!("/transfers/{t1}")), "{}", r.body);
    // The lists: A's sent, B's incoming; each refused to the other branch's worker.
    assert!(refused(page_get(&f, &wb, &format!("/orgs/{a}/transfers?direction=sent")).await.status));
    let r = page_get(&f, &wa, &format!("/orgs/{a}/transfers?direction=sent")).await;
    assert!(r.status == StatusCode::OK && r.body.contains("转接党员甲"));
    let r = page_get(&f, &wb, &format!("/orgs/{b}/transfers")).await;
    assert!(r.status == StatusCode::OK && r.body.contains("转接党员甲"));
    // Accepting is the receiver's: refused to the sender.
    assert!(refused(page_post(&f, &wa, &format!("/transfers/{t1}/accept"), "on=2026-01-10").await.status));
    let r = page_post(&f, &wb, &format!("/transfers/{t1}/accept"), "on=2026-01-10").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Returning likewise.
    let r = page_post(&f, &wa, &format!("/members/{}/transfer", ms[1]), &internal_form(b)).await;
    let t2 = transfer_id(&r.location);
    assert!(refused(page_post(&f, &wa, &format!("/transfers/{t2}/return"), "reason=人员信息有误请核实").await.status));
    let r = page_post(&f, &wb, &format!("/transfers/{t2}/return"), "reason=人员信息有误请核实").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Withdrawing is the sender's.
    let r = page_post(&f, &wa, &format!("/members/{}/transfer", ms[2]), &internal_form(b)).await;
    let t3 = transfer_id(&r.location);
    assert!(refused(page_post(&f, &wb, &format!("/transfers/{t3}/cancel"), "").await.status));
    assert_eq!(page_post(&f, &wa, &format!("/transfers/{t3}/cancel"), "").await.status, StatusCode::SEE_OTHER);
    // A letter out of the system: its receipt is the sender's to record; B does not see it.
    let form = "kind=out&destination=外省某党委&issued_on=2026-01-05&valid_days=30&reason=迁居";
    let r = page_post(&f, &wa, &format!("/members/{}/transfer", ms[3]), form).await;
    let t4 = transfer_id(&r.location);
    assert!(refused(page_post(&f, &wb, &format!("/transfers/{t4}/receipt"), "on=2026-01-20&handler=刘").await.status));
    // The letter is the sender's to print.
    assert!(refused(page_get(&f, &wb, &format!("/transfers/{t4}/letter.pdf")).await.status));
    let r = page_get(&f, &wa, &format!("/transfers/{t4}/letter.pdf")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.starts_with("%PDF"));
    let r = page_post(&f, &wa, &format!("/transfers/{t4}/receipt"), "on=2026-01-20&handler=刘").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The API, the same way.
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let tm = token(&f, "member_b").await;
    assert!(refused(
        api(&f, &tb, "POST", &format!("/api/v1/members/{}/transfers", ms[4]), Some(internal_json(b))).await.status
    ));
    let r = api(&f, &ta, "POST", &format!("/api/v1/members/{}/transfers", ms[4]), Some(internal_json(b))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let t5 = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    assert!(refused(api(&f, &tm, "GET", &format!("/api/v1/transfers/{t5}"), None).await.status));
    let r = api(&f, &tb, "GET", &format!("/api/v1/transfers/{t5}"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!((v["can_receive"].as_bool(), v["state"].as_str()), (Some(true), Some("pending")));
    assert!(v["id_number"].as_str().unwrap_or_default().contains('*'), "masked for the receiver: {v}");
    assert!(refused(api(&f, &tb, "GET", &format!("/api/v1/orgs/{a}/transfers?direction=sent"), None).await.status));
    let r = api(&f, &tb, "GET", &format!("/api/v1/orgs/{b}/transfers?direction=incoming&state=pending"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!("\"id\":{t5}")), "{}", r.body);
    let on = serde_json::json!({"on": "2026-01-10"});
    assert!(refused(api(&f, &ta, "POST", &format!("/api/v1/transfers/{t5}/accept"), Some(on.clone())).await.status));
    assert_eq!(api(&f, &tb, "POST", &format!("/api/v1/transfers/{t5}/accept"), Some(on)).await.status, StatusCode::OK);
    let r = api(&f, &ta, "POST", &format!("/api/v1/members/{}/transfers", ms[5]), Some(internal_json(b))).await;
    let t6 = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    let why = serde_json::json!({"reason": "人员信息有误请核实"});
    assert!(refused(api(&f, &ta, "POST", &format!("/api/v1/transfers/{t6}/return"), Some(why.clone())).await.status));
    assert_eq!(api(&f, &tb, "POST", &format!("/api/v1/transfers/{t6}/return"), Some(why)).await.status, StatusCode::OK);
    let r = api(&f, &ta, "POST", &format!("/api/v1/members/{}/transfers", ms[6]), Some(internal_json(b))).await;
    let t7 = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    assert!(refused(api(&f, &tb, "POST", &format!("/api/v1/transfers/{t7}/cancel"), None).await.status));
    assert_eq!(api(&f, &ta, "POST", &format!("/api/v1/transfers/{t7}/cancel"), None).await.status, StatusCode::OK);
    let r = api(&f, &ta, "POST", &format!("/api/v1/members/{}/transfers", ms[7]), Some(out_json())).await;
    let t8 = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    let receipt = serde_json::json!({"on": "2026-01-20", "handler": "刘"});
    assert!(refused(
        api(&f, &tb, "POST", &format!("/api/v1/transfers/{t8}/receipt"), Some(receipt.clone())).await.status
    ));
    assert_eq!(
        api(&f, &ta, "POST", &format!("/api/v1/transfers/{t8}/receipt"), Some(receipt)).await.status,
        StatusCode::OK
    );
    // The directory of branches: names only, for anyone who may issue; a visitor is refused.
    let r = api(&f, &ta, "GET", "/api/v1/branches?q=乙校", None).await;
    assert!(r.status == StatusCode::OK && r.body.contains("乙校党支部"), "{}", r.body);
    let r = send(&f.router, Request::get("/api/v1/branches?q=乙校").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // A letter into the system: the receiving branch's page and API; the other branch's worker
    // is refused.
    assert!(refused(page_get(&f, &wb, &format!("/orgs/{a}/transfers/in")).await.status));
    let r = page_get(&f, &wa, &format!("/orgs/{a}/transfers/in")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"transfer-in-form\""));
    let person = format!(
        "name=转入党员&id_number={}&ethnicity=01&joined_on=2015-06-01&confirmed_on=2016-06-01&status=full&dues_category=employed",
        id("19900303", 51)
    );
    let form = format!(
        "letter_no=外-001&origin=外省某党委&issued_on=2026-01-05&received_on=2026-01-10&dues_paid_to=2025-12&{person}"
    );
    assert!(refused(page_post(&f, &wb, &format!("/orgs/{a}/transfers/in"), &form).await.status));
    let r =
        page_post(&f, &wa, &format!("/orgs/{a}/transfers/in"), &form.replace("letter_no=外-001&", "letter_no=&")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("请填写介绍信编号"), "{}", r.body);
    let r = page_post(&f, &wa, &format!("/orgs/{a}/transfers/in"), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut json = serde_json::json!({"letter_no": "外-002", "origin": "外省某党委", "issued_on": "2026-01-05",
        "received_on": "2026-01-10", "dues_paid_to": "2025-12"});
    let mut person = serde_json::to_value(member("转入党员乙", &id("19900303", 53))).unwrap();
    json["member"] = person.take();
    assert!(refused(api(&f, &tb, "POST", &format!("/api/v1/orgs/{a}/transfers/in"), Some(json.clone())).await.status));
    let r = api(&f, &ta, "POST", &format!("/api/v1/orgs/{a}/transfers/in"), Some(json)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

async fn edu_transfer_return_without_reason_is_400_with_the_rule(db: Db) {
    let f = fixture(db).await;
    let ms = members_of_a(&f, 1).await;
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let r =
        api(&f, &ta, "POST", &format!("/api/v1/members/{}/transfers", ms[0]), Some(internal_json(f.branch_b))).await;
    let t = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    let before = audit_len(&f).await;
    let r =
        api(&f, &tb, "POST", &format!("/api/v1/transfers/{t}/return"), Some(serde_json::json!({"reason": "无"}))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"]["rule_id"].as_str(), Some("EDU-TRANSFER"), "{v}");
    assert!(v["error"]["citation"].as_str().unwrap_or_default().contains("第二十五条"), "{v}");
    assert_eq!(audit_len(&f).await, before, "nothing written");
    // The page names the field in Chinese.
    let wb = login(&f, "worker_b").await;
    let r = page_post(&f, &wb, &format!("/transfers/{t}/return"), "reason=").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("不得无故拒绝"), "{}", r.body);
}
