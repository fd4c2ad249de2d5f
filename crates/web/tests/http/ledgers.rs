//! The org's ledger set (台账) over HTTP: a branch's set lists the branch's ledgers (its dues sheets,
//! no 中心组 record book), each downloads as .xlsx (and PDF), another branch's worker is refused,
//! a ledger the org does not keep or an unknown one is a 400. The scope matrix runs
//! [`ledger_set_routes_both_ways`].

use super::common::*;

test_support::on_both_backends!(ledger_set_routes_both_ways);

pub(crate) async fn ledger_set_routes_both_ways(db: Db) {
    let f = fixture(db).await;
    let a = f.branch_a;
    let wa = login(&f, "worker_a").await;
    let wb = login(&f, "worker_b").await;
    let ta = token(&f, "worker_a").await;
    let tb = token(&f, "worker_b").await;
    let year = chrono::Datelike::year(&f.services.today());
    let uri = format!("/orgs/{a}/ledgers");
    let r = page_get(&f, &wa, &uri).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for kind in ["org_life", "training", "reports", "dues_sheet", "statistics"] {
        assert!(r.body.contains(&format!("id=\"ledger-{kind}\"")), "{kind}: {}", r.body);
    }
    assert!(!r.body.contains("ledger-study_group") && !r.body.contains("ledger-dues_account"), "{}", r.body);
    assert!(refused(page_get(&f, &wb, &uri).await.status));
    let kinds = [
        "org_life",
        "training",
        "reports",
        "major_decisions",
        "positions",
        "ideology_events",
        "dues_sheet",
        "dues_publication",
        "recruitment_filings",
        "statistics",
    ];
    for kind in kinds {
        let file = format!("{uri}/{kind}?year={year}&format=xlsx");
        let r = page_get(&f, &wa, &file).await;
        assert_eq!(r.status, StatusCode::OK, "{file}: {}", r.body);
        assert!(refused(page_get(&f, &wb, &file).await.status), "{file}");
    }
    assert_eq!(page_get(&f, &wa, &format!("{uri}/training?format=pdf")).await.status, StatusCode::OK);
    // Not kept by a branch, unknown, a bad format or year: 400, naming what is wrong.
    let r = page_get(&f, &wa, &format!("{uri}/study_group")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("理论学习中心组学习记录"), "{}", r.body);
    for bad in ["nothing", "training?format=doc", "training?year=1800"] {
        assert_eq!(page_get(&f, &wa, &format!("{uri}/{bad}")).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    // The committee keeps the 中心组 record book and the dues account, not a branch's dues sheets.
    let admin = login(&f, "rootadmin").await;
    let r = page_get(&f, &admin, &format!("/orgs/{}/ledgers", f.root)).await;
    assert!(r.body.contains("ledger-study_group") && !r.body.contains("ledger-dues_sheet"), "{}", r.body);
    let book = format!("/orgs/{}/ledgers/study_group?year={year}&format=pdf", f.root);
    assert_eq!(page_get(&f, &admin, &book).await.status, StatusCode::OK);

    // The API.
    let api_uri = format!("/api/v1/orgs/{a}/ledgers");
    let r = api(&f, &ta, "GET", &format!("{api_uri}?year={year}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(v["ledgers"].as_array().is_some_and(|l| l.iter().any(|x| x["kind"] == "dues_sheet")), "{v}");
    assert!(refused(api(&f, &tb, "GET", &api_uri, None).await.status));
    let file = format!("{api_uri}/positions?format=xlsx");
    assert_eq!(api(&f, &ta, "GET", &file, None).await.status, StatusCode::OK);
    assert!(refused(api(&f, &tb, "GET", &file, None).await.status));
    assert_eq!(api(&f, &ta, "GET", &format!("{api_uri}/study_group"), None).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(api(&f, &ta, "GET", &format!("{api_uri}?year=abc"), None).await.status, StatusCode::BAD_REQUEST);
}
