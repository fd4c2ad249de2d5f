//! Roster import and export.

use super::common::*;

test_support::on_both_backends!(
    roster_import_in_two_phases_and_exports,
    writes_during_a_large_import_wait_their_turn_or_get_503,
);

async fn roster_import_in_two_phases_and_exports(db: Db) {
    let f = fixture(db).await;
    let s = login(&f, "worker_a").await;
    assert_eq!(page_get(&f, &s, "/members/import").await.status, StatusCode::OK);
    let good = id("19860606", 71);
    let csv = |idn: &str| {
        format!("姓名,身份证号,民族,入党时间,转正时间,所在党支部\n新党员,{idn},汉族,2012/7/1,2013年7月1日,甲校党支部\n")
    };
    // A wrong check digit: the preview names row 2 and the column; nothing is imported.
    let mut bad = good.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '3' { '4' } else { '3' });
    let r = upload(&f, &s, csv(&bad).as_bytes()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("issue-row") && r.body.contains("校验位") && r.body.contains("身份证号"));
    let token = r.body.split("/members/import/").nth(1).and_then(|t| t.split('/').next()).unwrap().to_string();
    let wb = page_get(&f, &s, &format!("/members/import/{token}/errors.xlsx")).await;
    assert_eq!(wb.status, StatusCode::OK);
    let r = page_post(&f, &s, &format!("/members/import/{token}/commit"), "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "a file with errors cannot be committed");
    let count = || async { member_snapshot(&f).await.len() };
    let before = count().await;
    // The corrected file: preview, then commit.
    let r = upload(&f, &s, csv(&good).as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"commit\""));
    let token = r.body.split("/members/import/").nth(1).and_then(|t| t.split('/').next()).unwrap().to_string();
    // Nobody else can see or commit someone's upload.
    let other = login(&f, "rootadmin").await;
    assert_eq!(
        page_post(&f, &other, &format!("/members/import/{token}/commit"), "").await.status,
        StatusCode::NOT_FOUND
    );
    let r = page_post(&f, &s, &format!("/members/import/{token}/commit"), "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("import-done"));
    assert_eq!(count().await, before + 1);
    // Empty and non-spreadsheet files get their own messages.
    let r = upload(&f, &s, b"").await;
    assert!(r.status == StatusCode::BAD_REQUEST && r.body.contains("文件"));
    let huge = vec![b'a'; 20 * 1024 * 1024 + 1];
    let r = upload(&f, &s, &huge).await;
    assert!(r.status == StatusCode::BAD_REQUEST && r.body.contains("20 MB"), "{}", r.status);
    let r = upload(&f, &s, b"\x89PNG\r\n\x1a\n\0\0").await;
    assert!(r.status == StatusCode::BAD_REQUEST && r.body.contains("无法识别"));
    // The API: a dry run reports, errors are 400 with the report, nothing is written.
    let t = token_of(&f, "worker_a").await;
    let r = send(
        &f.router,
        Request::post("/api/v1/members/import?dry_run=true")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::from(csv(&id("19870707", 81))))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("\"imported\":false"));
    let r = send(
        &f.router,
        Request::post("/api/v1/members/import")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::from(csv(&bad)))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("invalid_file") && r.body.contains("row_number"));
    assert_eq!(count().await, before + 1);
    // Exports download with a file name; a party worker's export is masked.
    let r = page_get(&f, &s, "/members/export?format=csv&status=all").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("110105********"), "masked for a party worker");
    assert!(!r.body.contains(&good));
    let r = send(
        &f.router,
        Request::get("/members/export?format=xlsx&shape=annex4")
            .header(header::COOKIE, &other.cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(page_get(&f, &s, "/members/export?format=pdf").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(page_get(&f, &s, "/orgs/export?format=csv").await.status, StatusCode::OK);
    assert_eq!(page_get(&f, &s, "/members/template.xlsx").await.status, StatusCode::OK);
}

/// A 6,000-row import through the API and, while it runs, 30 single saves by another account:
/// every save either succeeds or is refused with 503 and Retry-After (never a 500 "database is
/// locked"), and the import is all there.
async fn writes_during_a_large_import_wait_their_turn_or_get_503(db: Db) {
    let f = fixture(db).await;
    let importer = token(&f, "worker_a").await;
    let saver = token(&f, "worker_b").await;
    let mut csv = String::from("姓名,身份证号,民族,入党时间,转正时间,所在党支部\n");
    for i in 0..6_000u16 {
        let birth = format!("1970{:02}{:02}", 1 + i % 12, 1 + (i / 12) % 28);
        // Names carry no digits: the digits of i spelled with the heavenly stems.
        let name: String = i
            .to_string()
            .chars()
            .map(|d| "甲乙丙丁戊己庚辛壬癸".chars().nth(d as usize - '0' as usize).unwrap_or('甲'))
            .collect();
        csv.push_str(&format!("党员{name},{},汉族,2012/7/1,2013/7/1,甲校党支部\n", id(&birth, 100 + i / 336)));
    }
    let before = member_snapshot(&f).await.len();
    let router = f.router.clone();
    let import = tokio::spawn(async move {
        send(
            &router,
            Request::post("/api/v1/members/import")
                .header(header::AUTHORIZATION, format!("Bearer {importer}"))
                .body(Body::from(csv))
                .unwrap(),
        )
        .await
    });
    let mut saves = tokio::task::JoinSet::new();
    for i in 0..30 {
        let router = f.router.clone();
        let (saver, member) = (saver.clone(), f.member_b);
        saves.spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(20 * i)).await;
            let r = router
                .oneshot(
                    Request::post(format!("/api/v1/members/{member}/contact"))
                        .header(header::AUTHORIZATION, format!("Bearer {saver}"))
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(format!("{{\"phone\":\"139{:08}\"}}", i)))
                        .unwrap(),
                )
                .await
                .unwrap();
            (r.status(), r.headers().contains_key(header::RETRY_AFTER))
        });
    }
    for (status, retry_after) in saves.join_all().await {
        assert!(
            status == StatusCode::OK || (status == StatusCode::SERVICE_UNAVAILABLE && retry_after),
            "a save during the import got {status}"
        );
    }
    let r = import.await.unwrap();
    assert_eq!(r.status, StatusCode::OK, "{}", &r.body[..r.body.len().min(2000)]);
    assert_eq!(member_snapshot(&f).await.len(), before + 6_000);
}
