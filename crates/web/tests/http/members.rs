//! The member registry: masking, field errors.

use super::common::*;

test_support::on_both_backends!(
    lists_mask_personal_data_and_reveal_is_audited,
    member_form_shows_chinese_field_errors_and_saves_nothing,
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
