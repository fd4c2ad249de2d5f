//! Coverage of every unit (COVER-PRIVATE) over HTTP: a private school without party
//! organization is a finding on the coverage page until an instructor or an org covers it; a
//! unit form with a bad field is a field-level 400 that writes nothing; the unit list's import
//! refuses a bad file by row and column; another branch's worker is refused every page and API
//! route. The scope matrix runs [`coverage_routes_both_ways`].

use super::common::*;

test_support::on_both_backends!(coverage_routes_both_ways);

async fn page_upload(f: &Fixture, s: &Session, org: i64, file: &[u8]) -> Reply {
    let (ct, body) = multipart(&s.csrf, "单位名单.csv", file);
    send(
        &f.router,
        Request::post(format!("/orgs/{org}/units/import"))
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn api_upload(f: &Fixture, token: &str, org: i64, file: &str) -> Reply {
    send(
        &f.router,
        Request::post(format!("/api/v1/orgs/{org}/units/import?dry_run=true"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(file.to_string()))
            .unwrap(),
    )
    .await
}

pub(crate) async fn coverage_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let a = f.branch_a;
    let c = console_actor();
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let day = f.services.today().format("%Y-%m-%d").to_string();

    // A unit without its ownership: a field-level 400 that writes nothing.
    let bad = format!("name={}&unit_type=school", enc("甲民办学校"));
    let r = page_post(&f, &wa, &format!("/orgs/{a}/units"), &bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("data-field=\"ownership\""), "{}", r.body);
    assert!(f.services.coverage(&c, a, None).await.unwrap().units.is_empty());
    let good = format!("{bad}&ownership=private&supervisor={}&level=2", enc("县教育局"));
    assert!(refused(page_post(&f, &wb, &format!("/orgs/{a}/units"), &good).await.status));
    let r = page_post(&f, &wa, &format!("/orgs/{a}/units"), &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let unit = f.services.coverage(&c, a, None).await.unwrap().units[0].row.id;
    assert_eq!(r.location, format!("/units/{unit}"));

    // Uncovered: COVER-PRIVATE names it on the coverage page and the unit's page.
    let r = page_get(&f, &wa, &format!("/orgs/{a}/coverage")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("<strong>未覆盖</strong>") && r.body.contains("id=\"coverage-findings\""), "{}", r.body);
    assert!(page_get(&f, &wa, &format!("/units/{unit}")).await.body.contains("id=\"unit-finding\""));

    // An instructor from branch A covers it (A is not linked to the unit yet).
    let uri = format!("/units/{unit}/instructors");
    let form = format!("member_name={}&start_on={day}", enc("甲党员"));
    assert!(refused(page_post(&f, &wb, &uri, &form).await.status));
    let r = page_post(&f, &wa, &uri, &format!("member_name={}&start_on={day}", enc("无此人"))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("data-field=\"member_name\""), "{}", r.body);
    assert_eq!(page_post(&f, &wa, &uri, &form).await.status, StatusCode::SEE_OTHER);
    let r = page_get(&f, &wa, &format!("/units/{unit}")).await;
    assert!(r.body.contains("党建指导员") && !r.body.contains("id=\"unit-finding\""), "{}", r.body);
    let instructor = f.services.unit_detail(&c, unit).await.unwrap().instructors[0].id;
    let end = format!("/units/{unit}/instructors/{instructor}/end");
    assert!(refused(page_post(&f, &wb, &end, &format!("end_on={day}")).await.status));
    assert_eq!(page_post(&f, &wa, &end, &format!("end_on={day}")).await.status, StatusCode::SEE_OTHER);

    // Linked to branch A: its own org.
    let link = format!("/units/{unit}/links");
    assert!(refused(page_post(&f, &wb, &link, &format!("org_id={a}")).await.status));
    assert_eq!(page_post(&f, &wa, &link, &format!("org_id={a}")).await.status, StatusCode::SEE_OTHER);
    assert!(page_get(&f, &wa, &format!("/units/{unit}")).await.body.contains("单独建立党组织"));

    // An inspection, then the registry changed.
    let inspection = format!("year=2025&inspected_on=2026-03-01&party_building=%E6%98%AF&document={}", enc("年检结论"));
    assert!(refused(page_post(&f, &wb, &format!("/units/{unit}/inspections"), &inspection).await.status));
    assert_eq!(
        page_post(&f, &wa, &format!("/units/{unit}/inspections"), &inspection).await.status,
        StatusCode::SEE_OTHER
    );
    let edit = format!("{good}&charter_on=2021-06-30&charter_doc={}", enc("学校章程"));
    assert!(refused(page_post(&f, &wb, &format!("/units/{unit}"), &edit).await.status));
    assert_eq!(page_post(&f, &wa, &format!("/units/{unit}"), &edit).await.status, StatusCode::SEE_OTHER);

    for uri in [
        format!("/orgs/{a}/coverage"),
        format!("/orgs/{a}/coverage/ledger.xlsx"),
        format!("/orgs/{a}/coverage/ledger.pdf"),
        format!("/orgs/{a}/units/import"),
        format!("/units/{unit}"),
    ] {
        let r = page_get(&f, &wa, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        assert!(refused(page_get(&f, &wb, &uri).await.status), "{uri}");
    }
    assert!(page_get(&f, &wa, &format!("/orgs/{a}/coverage?on=2026-13-01")).await.status == StatusCode::BAD_REQUEST);

    // The import: a bad row refuses the file with its row and column; a good one adds.
    let sheet = "单位名称,单位类别,办学性质,主管部门\n乙民办幼儿园,幼儿园,民办,县教育局\n";
    let broken = format!("{sheet}丙校,大学,民办,\n");
    let r = page_upload(&f, &wa, a, broken.as_bytes()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("第 3 行") && r.body.contains("单位类别"), "{}", r.body);
    assert_eq!(f.services.coverage(&c, a, None).await.unwrap().units.len(), 1);
    assert!(refused(page_upload(&f, &wb, a, sheet.as_bytes()).await.status));
    let r = page_upload(&f, &wa, a, sheet.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("新增 1 个"), "{}", r.body);
    assert_eq!(page_get(&f, &wa, "/units/template.xlsx").await.status, StatusCode::OK);
    let visitor = send(&f.router, Request::get("/units/template.xlsx").body(Body::empty()).unwrap()).await;
    assert_eq!(visitor.status, StatusCode::SEE_OTHER);

    // The API, both ways.
    let api_uri = format!("/api/v1/orgs/{a}/coverage");
    let r = api(&f, &ta, "GET", &api_uri, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["units"].as_array().map(Vec::len), Some(2), "{v}");
    assert!(refused(api(&f, &tb, "GET", &api_uri, None).await.status));
    assert_eq!(api(&f, &ta, "GET", &format!("{api_uri}?on=x"), None).await.status, StatusCode::BAD_REQUEST);
    let body = serde_json::json!({"name": "丁培训机构", "unit_type": "training_institution", "ownership": "private"});
    let units = format!("/api/v1/orgs/{a}/units");
    assert!(refused(api(&f, &tb, "POST", &units, Some(body.clone())).await.status));
    let r = api(&f, &ta, "POST", &units, Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    let r = api(&f, &ta, "POST", &units, Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "the same name twice: {}", r.body);
    assert!(refused(api_upload(&f, &tb, a, sheet).await.status));
    let r = api_upload(&f, &ta, a, "单位名称,单位类别,办学性质\n戊校,大学,民办\n").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("\"row_number\":2") && r.body.contains("\"column\":\"单位类别\""), "{}", r.body);
    assert_eq!(api_upload(&f, &ta, a, sheet).await.status, StatusCode::OK);
    let one = format!("/api/v1/units/{id}");
    assert_eq!(api(&f, &ta, "GET", &one, None).await.status, StatusCode::OK);
    assert!(refused(api(&f, &tb, "GET", &one, None).await.status));
    let mut changed = body;
    changed["supervisor"] = "县教育局".into();
    assert!(refused(api(&f, &tb, "PUT", &one, Some(changed.clone())).await.status));
    assert_eq!(api(&f, &ta, "PUT", &one, Some(changed)).await.status, StatusCode::OK);
    let orgs = format!("{one}/orgs");
    assert!(refused(api(&f, &tb, "POST", &orgs, Some(serde_json::json!({"org_id": a}))).await.status));
    assert_eq!(api(&f, &ta, "POST", &orgs, Some(serde_json::json!({"org_id": a}))).await.status, StatusCode::OK);
    assert!(refused(api(&f, &tb, "DELETE", &format!("{orgs}/{a}"), None).await.status));
    assert_eq!(api(&f, &ta, "DELETE", &format!("{orgs}/{a}"), None).await.status, StatusCode::OK);
    let instructors = format!("{one}/instructors");
    let who = serde_json::json!({"member_id": f.member_a, "start_on": day});
    assert!(refused(api(&f, &tb, "POST", &instructors, Some(who.clone())).await.status));
    let r = api(&f, &ta, "POST", &instructors, Some(who)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let iid = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    let end = format!("{instructors}/{iid}/end");
    assert!(refused(api(&f, &tb, "POST", &end, Some(serde_json::json!({"end_on": day}))).await.status));
    assert_eq!(api(&f, &ta, "POST", &end, Some(serde_json::json!({"end_on": day}))).await.status, StatusCode::OK);
    let inspections = format!("{one}/inspections");
    let i =
        serde_json::json!({"year": "2025", "inspected_on": "2026-03-01", "party_building": "true", "document": "结论"});
    assert!(refused(api(&f, &tb, "POST", &inspections, Some(i.clone())).await.status));
    assert_eq!(api(&f, &ta, "POST", &inspections, Some(i)).await.status, StatusCode::CREATED);
}
