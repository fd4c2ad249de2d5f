//! The member registry: masking, field errors.

use super::common::*;

test_support::on_both_backends!(
    lists_mask_personal_data_and_reveal_is_audited,
    member_form_shows_chinese_field_errors_and_saves_nothing,
    the_audit_log_reads_as_words_filters_and_exports,
    a_member_sees_their_own_view_and_no_link_fails,
);

async fn lists_mask_personal_data_and_reveal_is_audited(db: Db) {
    let f = fixture(db).await;
    let t = token(&f, "rootadmin").await;
    let whole = id("19900101", 11);
    let r = api(&f, &t, "GET", "/api/v1/members?status=all", None).await;
    assert!(!r.body.contains(&whole), "the list leaks a whole ID number");
    assert!(r.body.contains(&domain::member::mask_id_number(&whole)));
    assert!(!r.body.contains("13800138000"), "the list leaks a whole phone");
    let r = api(&f, &t, "GET", &format!("/api/v1/members/{}", f.member_a), None).await;
    assert!(!r.body.contains(&whole));
    let n = audit_len(&f).await;
    let r = api(&f, &t, "GET", &format!("/api/v1/members/{}?reveal=true", f.member_a), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&whole));
    assert_eq!(audit_len(&f).await, n + 1, "a whole view must be audited");
    let (action,): (String,) = f
        .services
        .fixture_db()
        .fetch_one("SELECT action FROM audit_entries ORDER BY id DESC LIMIT 1", &[])
        .await
        .unwrap();
    assert_eq!(action, "member.reveal");
    // The audit chain never holds a whole ID number either.
    let rows: Vec<(Option<String>,)> =
        f.services.fixture_db().fetch_all("SELECT after_json FROM audit_entries", &[]).await.unwrap();
    assert!(rows.iter().all(|(j,)| !j.as_deref().unwrap_or_default().contains(&whole)));
}

async fn member_form_shows_chinese_field_errors_and_saves_nothing(db: Db) {
    let f = fixture(db).await;
    let s = login(&f, "worker_a").await;
    let good = id("19850315", 52);
    let mut bad = good.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    let before = member_snapshot(&f).await.len();
    let form = |idn: &str| {
        format!(
            "name=新党员&id_number={idn}&ethnicity=01&joined_on=2010-06-01&confirmed_on=2011-06-01&status=full&dues_category=employed"
        )
    };
    let r = page_post(&f, &s, &format!("/members?branch={}", f.branch_a), &form(&bad)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("data-field=\"id_number\""));
    assert!(r.body.contains("校验位"), "{}", r.body);
    assert_eq!(member_snapshot(&f).await.len(), before, "nothing may be saved");
    let r = page_post(&f, &s, &format!("/members?branch={}", f.branch_a), &form(&good)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location.starts_with("/members/"));
    // The same ID again is refused with a Chinese message.
    let r = page_post(&f, &s, &format!("/members?branch={}", f.branch_a), &form(&good)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("已登记"));
    // Groups of another branch cannot be used.
    let r = page_post(&f, &s, &format!("/members?branch={}&group=abc", f.branch_a), &form(&id("19850316", 62))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// The audit log for people: the action in Chinese, the member by name, the change field by
/// field; filters by who, what, which org and which days, refused with a message when a date
/// does not read; the filtered range as a workbook, itself audited.
async fn the_audit_log_reads_as_words_filters_and_exports(db: Db) {
    let f = fixture(db).await;
    let s = login(&f, "worker_a").await;
    let r = page_post(&f, &s, &format!("/members/{}/contact", f.member_a), "phone=13900139000").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let admin = login(&f, "rootadmin").await;
    let r = page_get(&f, &admin, "/audit?action=member.update_contact&actor=worker_a").await;
    assert_eq!(r.status, StatusCode::OK);
    let rows: Vec<&str> = r.body.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 1, "one entry by worker_a of that kind: {}", r.body);
    let row = rows[0];
    assert!(row.contains("修改联系电话") && row.contains("党员 甲党员") && row.contains("甲校党支部"), "{row}");
    // The log keeps personal data masked, as it was recorded.
    assert!(row.contains("联系电话") && row.contains("139****9000"), "field by field: {row}");
    assert!(!row.contains("{&quot;") && !row.contains("{\""), "no raw JSON: {row}");
    // Which org and which days.
    let r = page_get(&f, &admin, &format!("/audit?org={}&action=member.update_contact", f.branch_b)).await;
    assert!(r.body.contains("没有符合条件的记录"), "branch B's entries hold none of A's");
    let r = page_get(&f, &admin, "/audit?from=2000-01-01&to=2000-12-31").await;
    assert!(r.body.contains("没有符合条件的记录"));
    let r = page_get(&f, &admin, "/audit?from=2026-13-45").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("起始日期"), "{}", r.body);
    // The filtered range as a workbook, audited.
    let r = send(
        &f.router,
        Request::get("/audit/export.xlsx?action=member.update_contact")
            .header(header::COOKIE, &admin.cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = page_get(&f, &admin, "/audit?action=audit.export").await;
    assert!(r.body.contains("导出审计日志"), "{}", r.body);
}

/// A plain member's home is their own: their record, branch and group, the meetings they were
/// expected at with how they attended, and what their branch has due; the menu offers no lists
/// they cannot open, and every link on the page opens.
async fn a_member_sees_their_own_view_and_no_link_fails(db: Db) {
    let f = fixture(db).await;
    let input = services::org_life::MeetingInput {
        kind: "themed_day".into(),
        held_on: format!("{}-01-15", services::today().format("%Y")),
        topic: "重温入党誓词".into(),
        host_member_id: Some(f.member_b),
        recorder_member_id: Some(f.member_b),
        exceptions: [(f.member_b, ("excused".to_string(), "出差".to_string()))].into_iter().collect(),
        ..Default::default()
    };
    f.services.record_meeting(&console_actor(), f.branch_b, &input).await.unwrap();
    let s = login(&f, "member_b").await;
    let home = page_get(&f, &s, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("乙党员") && home.body.contains("乙校党支部"), "{}", home.body);
    let meetings = home.body.split("id=\"own-meetings\"").nth(1).unwrap();
    assert!(meetings.contains("重温入党誓词") && meetings.contains("请假"), "{meetings}");
    assert!(!home.body.contains("href=\"/orgs\"") && !home.body.contains("href=\"/members\""), "no lists");
    assert!(home.body.contains(&format!("href=\"/members/{}\"", f.member_b)), "my record");
    for href in home.body.split("href=\"").skip(1).filter_map(|h| h.split('"').next()) {
        if !href.starts_with('/') || href.starts_with("/assets") {
            continue;
        }
        let r = page_get(&f, &s, href).await;
        assert_eq!(r.status, StatusCode::OK, "member_b follows {href}");
    }
}
