//! Party statistics over HTTP: the page and the API refused outside the viewer's reach and
//! answered inside it (the scope matrix runs [`stats_routes_both_ways`]), a bad year or date a
//! Chinese field error (page) or a structured 400 (API), and the figures of the fixture's branch.

use super::common::*;

test_support::on_both_backends!(stats_routes_both_ways);

pub(crate) async fn stats_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let a = f.branch_a;
    let today = f.services.today().to_string();
    let members_a =
        f.services.stats(&services::console_actor(), a, f.services.today()).await.unwrap().total.members.total;
    assert!(members_a > 0, "the fixture's branch has members");

    // The page: B's worker does not see A's statistics.
    assert!(refused(page_get(&f, &wb, &format!("/orgs/{a}/stats")).await.status));
    let r = page_get(&f, &wa, &format!("/orgs/{a}/stats?as_of={today}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for id in [
        "stats-summary",
        "stats-table1",
        "stats-table2",
        "stats-table3",
        "stats-table4",
        "chart-age",
        "chart-education",
        "chart-orgs",
        "chart-trend",
    ] {
        assert!(r.body.contains(&format!("id=\"{id}\"")), "{id}: {}", r.body);
    }
    assert!(r.body.contains("id=\"stats-consistent\""), "{}", r.body);
    assert!(r.body.contains(&format!("cell=all\">{members_a}</a>")), "{}", r.body);
    // Last year beside this year.
    let r = page_get(&f, &wa, &format!("/orgs/{a}/stats?as_of={today}&compare=1")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("<th>增减</th>") && r.body.contains("checked"), "{}", r.body);
    // Bad input: the field named in Chinese, a 400, no figures.
    let r = page_get(&f, &wa, &format!("/orgs/{a}/stats?year=19")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("id=\"year-error\"") && r.body.contains("年度应为"), "{}", r.body);
    assert!(!r.body.contains("id=\"stats-table1\""));
    let r = page_get(&f, &wa, &format!("/orgs/{a}/stats?as_of=2025-02-30")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("id=\"as-of-error\""), "{}", r.body);

    // The drill-down: the members behind a figure, refused outside the viewer's reach.
    let cell = format!("/orgs/{a}/stats/members?as_of={today}&cell=all");
    assert!(refused(page_get(&f, &wb, &cell).await.status));
    let r = page_get(&f, &wa, &cell).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(&format!("{members_a} 名党员")) && r.body.contains("id=\"cell-members\""), "{}", r.body);
    let r = page_get(&f, &wa, &format!("/orgs/{a}/stats/members?as_of={today}&cell=edu-9")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // The page's figures link to it: the member tables, table 1, the event tables, the org counts.
    let r = page_get(&f, &wa, &format!("/orgs/{a}/stats?as_of={today}")).await;
    for cell in ["cell=occ-0-age-0", "cell=change-died", "cell=event-recruited_women", "cell=orgs-branch"] {
        assert!(r.body.contains(cell), "{cell}: {}", r.body);
    }
    // An org count opens to the orgs, an event of the year to the members, with the year's span.
    let r = page_get(&f, &wa, &format!("/orgs/{a}/stats/members?as_of={today}&cell=orgs-branch")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("1 个党组织") && r.body.contains(&format!("href=\"/orgs/{a}\"")), "{}", r.body);
    let r = page_get(&f, &wa, &format!("/orgs/{a}/stats/members?as_of={today}&cell=change-recruited")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("之后至"), "{}", r.body);

    // The workbook and the PDF.
    for ext in ["xlsx", "pdf"] {
        assert!(refused(page_get(&f, &wb, &format!("/orgs/{a}/stats.{ext}")).await.status));
        let r = page_get(&f, &wa, &format!("/orgs/{a}/stats.{ext}?as_of={today}")).await;
        assert_eq!(r.status, StatusCode::OK, "{ext}: {}", r.body);
        assert!(r.body.starts_with(if ext == "pdf" { "%PDF" } else { "PK" }), "{ext}");
        let r = page_get(&f, &wa, &format!("/orgs/{a}/stats.{ext}?year=abc")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{ext}: {}", r.body);
    }

    // The API, the same way.
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    assert!(refused(api(&f, &tb, "GET", &format!("/api/v1/orgs/{a}/stats"), None).await.status));
    let r = api(&f, &ta, "GET", &format!("/api/v1/orgs/{a}/stats?as_of={today}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["total"]["members"]["total"], serde_json::json!(members_a), "{v}");
    assert_eq!(v["on"], serde_json::json!(today));
    assert!(v["previous"].is_null(), "{v}");
    let r = api(&f, &ta, "GET", &format!("/api/v1/orgs/{a}/stats?as_of={today}&compare=true"), None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(v["previous"]["members"]["total"].is_u64(), "{v}");
    assert!(refused(api(&f, &tb, "GET", &format!("/api/v1/orgs/{a}/stats/members?cell=all"), None).await.status));
    let r = api(&f, &ta, "GET", &format!("/api/v1/orgs/{a}/stats/members?as_of={today}&cell=all"), None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["total"], serde_json::json!(members_a), "{v}");
    assert_eq!(v["behind"], serde_json::json!("member"), "{v}");
    let r =
        api(&f, &ta, "GET", &format!("/api/v1/orgs/{a}/stats/members?as_of={today}&cell=event-activists"), None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["behind"], serde_json::json!("recruit"), "{v}");
    let r = api(&f, &ta, "GET", &format!("/api/v1/orgs/{a}/stats/members?cell=nonsense"), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = api(&f, &ta, "GET", &format!("/api/v1/orgs/{a}/stats?year=abc"), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(v["error"]["fields"]["year"].is_string(), "{v}");
}
