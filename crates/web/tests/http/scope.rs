//! The scope matrix: every route refuses objects outside the viewer's subtree and reaches those inside.

use super::common::*;

test_support::on_both_backends!(
    scope_matrix_pages_refuse_out_of_scope_objects,
    scope_matrix_api_refuses_out_of_scope_objects,
    in_scope_keeper_reaches_everything,
    references_to_rows_that_do_not_exist_are_400_naming_the_field,
    every_route_is_in_the_scope_matrix,
    routes_without_an_object_refuse_members_and_visitors,
    in_scope_admin_reaches_every_route,
);

/// A 主题党日 recorded in branch A, for the organizational-life rows of the matrix.
async fn meeting_in_a(f: &Fixture) -> i64 {
    let input = services::org_life::MeetingInput {
        kind: "themed_day".into(),
        held_on: "2026-01-15".into(),
        topic: "主题党日".into(),
        host_member_id: Some(f.member_a),
        recorder_member_id: Some(f.member_a),
        ..Default::default()
    };
    f.services.record_meeting(&console_actor(), f.branch_a, &input).await.unwrap()
}

/// A dues base and a payment of A's member, for the dues rows of the matrix.
async fn dues_payment_in_a(f: &Fixture, month: &str) -> i64 {
    let c = console_actor();
    let base = services::dues::BaseInput {
        from_month: "2026-01".into(),
        category: "employed".into(),
        base: "5000".into(),
        ..Default::default()
    };
    f.services.record_dues_base(&c, f.member_a, &base).await.unwrap();
    let pay =
        services::dues::PaymentInput { month: month.into(), paid_on: format!("{month}-28"), ..Default::default() };
    f.services.record_dues_payment(&c, f.member_a, &pay).await.unwrap()
}

/// The dues forms' bodies for a member.
const DUES_PAYMENT: &str = "month=2026-02&paid_on=2026-02-10&amount=50";
const DUES_BASE: &str = "from_month=2026-02&category=employed&base=6000";
const DUES_HARDSHIP: &str =
    "from_month=2026-03&amount=0&studied_on=2026-03-01&approved_by=教育局党委&approved_on=2026-03-05&reason=家庭困难";
const DUES_QUARTERLY: &str = "from_month=2026-04&agreed_on=2026-03-20";

async fn scope_matrix_pages_refuse_out_of_scope_objects(db: Db) {
    let f = fixture(db).await;
    let (a, g, m, p) = (f.branch_a, f.group_a, f.member_a, f.post_a);
    let mtg = meeting_in_a(&f).await;
    let pay = dues_payment_in_a(&f, "2026-01").await;
    // Objects that exist, so that a refusal is the scope's and not a missing row's: an
    // attachment of A's meeting and a 双重组织生活 entry of A.
    let aid = f.services.attach(&console_actor(), mtg, "签到表.pdf", b"%PDF-1.4 sign-in sheet").await.unwrap();
    let dual = f.services.add_dual(&console_actor(), a, "乙党员", "2026-01-01").await.unwrap();
    let guessed = 987_654;
    // An upload waiting between the import's phases belongs to its uploader alone.
    let keeper = login(&f, "worker_a").await;
    let bad = "姓名,身份证号,民族,入党时间,转正时间,所在党支部\n坏行,123,汉族,2012/7/1,2013/7/1,甲校党支部\n";
    let r = upload(&f, &keeper, bad.as_bytes()).await;
    let upload_token = r.body.split("/members/import/").nth(1).and_then(|x| x.split('/').next()).unwrap().to_string();
    for user in ["worker_b", "admin_b", "member_b"] {
        let s = login(&f, user).await;
        let r = page_get(&f, &s, &format!("/members/import/{upload_token}/errors.xlsx")).await;
        assert!(refused(r.status), "{user} reads worker_a's upload: {}", r.status);
        let r = page_post(&f, &s, &format!("/members/import/{upload_token}/commit"), "").await;
        assert!(refused(r.status), "{user} commits worker_a's upload: {}", r.status);
        let before = (audit_len(&f).await, member_snapshot(&f).await);
        for target in [a, guessed] {
            for uri in [
                format!("/orgs/{target}"),
                format!("/orgs/{target}/edit"),
                format!("/members/new?branch={target}"),
                format!("/members?org={target}"),
                format!("/orgs/{target}/life"),
                format!("/orgs/{target}/meetings/new"),
                format!("/orgs/{target}/compliance"),
                format!("/orgs/{target}/compliance.xlsx"),
                format!("/orgs/{target}/findings"),
                format!("/orgs/{target}/ledger.xlsx?year=2026"),
                format!("/orgs/{target}/ledger.pdf?year=2026"),
                format!("/orgs/{target}/settings"),
                format!("/orgs/{target}/rules"),
                format!("/orgs/{target}/dues"),
                format!("/orgs/{target}/dues/sheet.xlsx"),
                format!("/orgs/{target}/dues/sheet.pdf"),
                format!("/orgs/{target}/dues/collect"),
                format!("/orgs/{target}/dues/publish"),
                format!("/orgs/{target}/dues/publish.xlsx"),
                format!("/orgs/{target}/dues/publish.pdf"),
                format!("/orgs/{target}/dues/account"),
                format!("/orgs/{target}/dues/bases"),
                format!("/orgs/{target}/dues/import"),
                format!("/orgs/{target}/dues/account/report.xlsx"),
                format!("/orgs/{target}/dues/account/report.pdf"),
            ] {
                let r = page_get(&f, &s, &uri).await;
                assert!(refused(r.status), "{user} GET {uri}: {}", r.status);
            }
        }
        for target in [mtg, guessed] {
            for uri in [
                format!("/meetings/{target}"),
                format!("/meetings/{target}/edit"),
                format!("/meetings/{target}/attachments/{aid}"),
            ] {
                let r = page_get(&f, &s, &uri).await;
                assert!(refused(r.status), "{user} GET {uri}: {}", r.status);
            }
        }
        for target in [m, guessed] {
            for uri in [
                format!("/members/{target}"),
                format!("/members/{target}?reveal=1"),
                format!("/members/{target}/edit"),
                format!("/members/{target}/work-refusals"),
                format!("/members/{target}/dues"),
            ] {
                let r = page_get(&f, &s, &uri).await;
                assert!(refused(r.status), "{user} GET {uri}: {}", r.status);
                if uri.ends_with(&target.to_string()) {
                    assert!(r.body.contains("找不到该记录，或您无权查看"), "{user} GET {uri}");
                }
            }
        }
        let posts: Vec<(String, String)> = vec![
            (format!("/orgs/{a}/edit"), "name=改名".into()),
            (format!("/orgs/{a}/move"), format!("parent_id={}", f.branch_b)),
            (format!("/orgs/{a}/close"), String::new()),
            (format!("/orgs/{g}/close"), String::new()),
            (format!("/orgs/{a}/posts"), format!("member_id={m}&post=publicity_officer&start_on=2024-01-01")),
            (format!("/posts/{p}/end"), "end_on=2024-01-01".into()),
            (format!("/orgs?parent={a}"), "name=新小组&kind=group".into()),
            (
                format!("/members?branch={a}"),
                format!(
                    "name=新人&id_number={}&ethnicity=01&joined_on=2015-06-01&confirmed_on=2016-06-01&status=full&dues_category=employed",
                    id("19920202", 41)
                ),
            ),
            (
                format!("/members/{m}/edit"),
                format!(
                    "name=改名&id_number={}&ethnicity=01&joined_on=2015-06-01&confirmed_on=2016-06-01&status=full&dues_category=employed",
                    id("19900101", 11)
                ),
            ),
            (format!("/members/{m}/contact"), "phone=13900139000".into()),
            (format!("/members/{m}/relocate"), format!("target={}&on=2024-01-01", f.branch_b)),
            (format!("/members/{m}/work-refusals"), "month=2026-01&note=未完成宣传任务".into()),
            (format!("/members/{guessed}/contact"), "phone=13900139000".into()),
            (
                format!("/orgs/{a}/meetings"),
                format!(
                    "kind=themed_day&held_on=2026-02-01&topic=x&host_member_id={h}&recorder_member_id={h}",
                    h = f.member_a
                ),
            ),
            (
                format!("/meetings/{mtg}/edit"),
                format!(
                    "kind=themed_day&held_on=2026-01-15&topic=x&reason=主题录入有误&host_member_id={h}&recorder_member_id={h}",
                    h = f.member_a
                ),
            ),
            (format!("/meetings/{mtg}/void"), "void_reason=重复录入的记录".into()),
            (
                format!("/orgs/{a}/findings/explain"),
                "rule_id=MTG-THEME-DAY&period_start=2026-02-01&reason=情况说明".into(),
            ),
            (format!("/orgs/{a}/settings"), "key=MTG-ASSEMBLY.min_count&value=2&from=2026-01-01".into()),
            (format!("/orgs/{}/settings", f.root), "key=MTG-ASSEMBLY.min_count&value=2&from=2026-01-01".into()),
            (format!("/orgs/{a}/dual"), "who=乙党员".into()),
            (format!("/orgs/{a}/dual/{dual}/end"), String::new()),
            (format!("/members/{m}/dues/payments"), DUES_PAYMENT.into()),
            (format!("/members/{m}/dues/bases"), DUES_BASE.into()),
            (format!("/members/{m}/dues/hardships"), DUES_HARDSHIP.into()),
            (format!("/members/{m}/dues/quarterly"), DUES_QUARTERLY.into()),
            (format!("/dues/payments/{pay}/delete"), String::new()),
            (format!("/orgs/{a}/dues/collect"), "month=2026-02&paid_on=2026-02-10".into()),
            (format!("/orgs/{a}/dues/publish"), "year=2025&published_on=2026-01-10".into()),
            (format!("/orgs/{a}/dues/account"), "kind=interest&amount=1.23&entry_on=2026-01-20".into()),
            (
                format!("/orgs/{a}/dues/bases"),
                format!("from_month=2026-12&category_{m}=employed&base_{m}=7000&action=apply"),
            ),
            (format!("/orgs/{a}/dues/import"), String::new()),
        ];
        for (uri, form) in posts {
            let r = page_post(&f, &s, &uri, &form).await;
            assert!(
                refused(r.status),
                "{user} POST {uri}: {} {}",
                r.status,
                r.body.chars().take(200).collect::<String>()
            );
        }
        // Routes the matrix had missed: an export aimed at A, an attachment to A's meeting, an
        // import into A, A's keeper's account, another account's token.
        for uri in [format!("/members/export?org={a}"), format!("/members/export?org={a}&format=csv&status=all")] {
            let r = page_get(&f, &s, &uri).await;
            assert!(refused(r.status), "{user} GET {uri}: {}", r.status);
        }
        let send_multipart = |uri: String, body: Vec<u8>| {
            let (router, cookie) = (f.router.clone(), s.cookie.clone());
            async move {
                send(
                    &router,
                    Request::post(uri)
                        .header(header::COOKIE, cookie)
                        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=zhibu-test-boundary")
                        .body(Body::from(body))
                        .unwrap(),
                )
                .await
            }
        };
        let (_, body) = multipart(&s.csrf, "签到表.pdf", b"%PDF-1.4 sign-in sheet");
        let r = send_multipart(format!("/meetings/{mtg}/attachments"), body).await;
        assert!(refused(r.status), "{user} POST attachment to A's meeting: {}", r.status);
        let csv =
            format!("姓名,身份证号,民族,入党时间,转正时间\n新党员,{},汉族,2012/7/1,2013/7/1\n", id("19860606", 72));
        let (_, mut body) = multipart(&s.csrf, "名册.csv", csv.as_bytes());
        let branch_field =
            format!("--zhibu-test-boundary\r\nContent-Disposition: form-data; name=\"branch\"\r\n\r\n{a}\r\n");
        body.splice(0..0, branch_field.into_bytes());
        let r = send_multipart("/members/import".into(), body).await;
        assert!(
            refused(r.status),
            "{user} POST an import into branch A: {} {}",
            r.status,
            r.body.chars().take(200).collect::<String>()
        );
        let worker_a =
            test_support::storage::account::by_username(f.services.fixture_db(), "worker_a").await.unwrap().unwrap().id;
        for uri in [
            format!("/accounts/{worker_a}/disable"),
            format!("/accounts/{worker_a}/enable"),
            format!("/accounts/{worker_a}/reset-password"),
        ] {
            let r = page_post(&f, &s, &uri, "").await;
            assert!(refused(r.status), "{user} POST {uri}: {}", r.status);
        }
        let keeper_token = token(&f, "worker_a").await;
        let list = api(&f, &keeper_token, "GET", "/api/v1/tokens", None).await;
        let v: serde_json::Value = serde_json::from_str(&list.body).unwrap();
        let token_id = v["tokens"][0]["id"].as_i64().unwrap();
        let r = page_post(&f, &s, &format!("/account/tokens/{token_id}/revoke"), "").await;
        assert!(refused(r.status), "{user} revokes worker_a's token: {}", r.status);
        assert_eq!(api(&f, &keeper_token, "GET", "/api/v1/me", None).await.status, StatusCode::OK, "still valid");
        let after = (audit_len(&f).await, member_snapshot(&f).await);
        // Creating the keeper's token above was audited; nothing else may have been.
        assert_eq!((before.0 + 1, before.1), after, "{user}: a refused request changed something");
        // The list without filters shows none of branch A's members.
        let r = page_get(&f, &s, "/members?status=all").await;
        assert!(!r.body.contains("甲党员") && !r.body.contains("甲书记"), "{user} sees branch A in the list");
    }
}

async fn scope_matrix_api_refuses_out_of_scope_objects(db: Db) {
    let f = fixture(db).await;
    let (a, m, p) = (f.branch_a, f.member_a, f.post_a);
    let mtg = meeting_in_a(&f).await;
    let pay = dues_payment_in_a(&f, "2026-01").await;
    let guessed = 987_654;
    for user in ["worker_b", "admin_b", "member_b"] {
        let t = token(&f, user).await;
        let before = (audit_len(&f).await, member_snapshot(&f).await);
        let calls: Vec<(&str, String, Option<serde_json::Value>)> = vec![
            ("GET", format!("/api/v1/orgs/{a}"), None),
            ("GET", format!("/api/v1/orgs/{guessed}"), None),
            ("GET", format!("/api/v1/members/{m}"), None),
            ("GET", format!("/api/v1/members/{m}?reveal=true"), None),
            ("GET", format!("/api/v1/members/{guessed}"), None),
            ("GET", format!("/api/v1/members?org={a}"), None),
            ("GET", format!("/api/v1/orgs/{a}/meetings"), None),
            ("GET", format!("/api/v1/meetings/{mtg}"), None),
            (
                "PUT",
                format!("/api/v1/meetings/{mtg}"),
                Some(
                    serde_json::json!({"reason": "主题录入有误", "kind": "themed_day", "held_on": "2026-01-15", "topic": "x", "host_member_id": f.member_a, "recorder_member_id": f.member_a}),
                ),
            ),
            ("POST", format!("/api/v1/meetings/{mtg}/void"), Some(serde_json::json!({"reason": "重复录入的记录"}))),
            ("GET", format!("/api/v1/orgs/{a}/findings"), None),
            ("GET", format!("/api/v1/orgs/{a}/compliance"), None),
            ("GET", format!("/api/v1/orgs/{a}/ledger?format=pdf"), None),
            ("GET", format!("/api/v1/orgs/{a}/settings"), None),
            ("GET", format!("/api/v1/orgs/{a}/rules"), None),
            (
                "POST",
                format!("/api/v1/orgs/{}/settings", f.root),
                Some(serde_json::json!({"key": "MTG-ASSEMBLY.min_count", "value": "2", "from": "2026-01-01"})),
            ),
            (
                "POST",
                format!("/api/v1/orgs/{a}/meetings"),
                Some(
                    serde_json::json!({"kind": "themed_day", "held_on": "2026-02-01", "topic": "x", "host_member_id": f.member_a, "recorder_member_id": f.member_a}),
                ),
            ),
            (
                "POST",
                format!("/api/v1/orgs/{a}/findings/explain"),
                Some(
                    serde_json::json!({"rule_id": "MTG-THEME-DAY", "period_start": "2026-02-01", "reason": "情况说明"}),
                ),
            ),
            ("PATCH", format!("/api/v1/orgs/{a}"), Some(serde_json::json!({"name": "改名"}))),
            ("POST", format!("/api/v1/orgs/{a}/move"), Some(serde_json::json!({"parent_id": f.branch_b}))),
            ("POST", format!("/api/v1/orgs/{a}/close"), None),
            (
                "POST",
                format!("/api/v1/orgs/{a}/posts"),
                Some(serde_json::json!({"member_id": m, "post": "publicity_officer", "start_on": "2024-01-01"})),
            ),
            ("POST", format!("/api/v1/posts/{p}/end"), Some(serde_json::json!({"end_on": "2024-01-01"}))),
            (
                "POST",
                "/api/v1/orgs".into(),
                Some(serde_json::json!({"parent_id": a, "name": "新小组", "kind": "group"})),
            ),
            (
                "POST",
                "/api/v1/members".into(),
                Some(
                    serde_json::json!({"branch_id": a, "name": "新人", "id_number": id("19920202", 41), "ethnicity": "01", "joined_on": "2015-06-01", "confirmed_on": "2016-06-01", "status": "full", "dues_category": "employed"}),
                ),
            ),
            (
                "PATCH",
                format!("/api/v1/members/{m}"),
                Some(
                    serde_json::json!({"name": "改名", "id_number": id("19900101", 11), "ethnicity": "01", "joined_on": "2015-06-01", "confirmed_on": "2016-06-01", "status": "full", "dues_category": "employed"}),
                ),
            ),
            ("POST", format!("/api/v1/members/{m}/contact"), Some(serde_json::json!({"phone": "13900139000"}))),
            (
                "POST",
                format!("/api/v1/members/{m}/relocate"),
                Some(serde_json::json!({"branch_id": f.branch_b, "on": "2024-01-01"})),
            ),
            ("GET", format!("/api/v1/members/{m}/work-refusals"), None),
            (
                "POST",
                format!("/api/v1/members/{m}/work-refusals"),
                Some(serde_json::json!({"month": "2026-01", "note": "未完成宣传任务"})),
            ),
            ("GET", format!("/api/v1/members/{m}/dues"), None),
            ("GET", format!("/api/v1/orgs/{a}/dues"), None),
            ("GET", format!("/api/v1/dues/quote?category=employed&base=5000&org={a}"), None),
            (
                "POST",
                format!("/api/v1/members/{m}/dues/payments"),
                Some(serde_json::json!({"month": "2026-02", "paid_on": "2026-02-10"})),
            ),
            (
                "POST",
                format!("/api/v1/members/{m}/dues/bases"),
                Some(serde_json::json!({"from_month": "2026-02", "category": "employed", "base": "6000"})),
            ),
            (
                "POST",
                format!("/api/v1/members/{m}/dues/hardships"),
                Some(
                    serde_json::json!({"from_month": "2026-03", "amount": "0", "studied_on": "2026-03-01", "approved_by": "教育局党委", "approved_on": "2026-03-05", "reason": "家庭困难"}),
                ),
            ),
            (
                "POST",
                format!("/api/v1/members/{m}/dues/quarterly"),
                Some(serde_json::json!({"from_month": "2026-04", "agreed_on": "2026-03-20"})),
            ),
            ("DELETE", format!("/api/v1/dues/payments/{pay}"), None),
            (
                "POST",
                format!("/api/v1/orgs/{a}/dues/collect"),
                Some(serde_json::json!({"month": "2026-02", "paid_on": "2026-02-10"})),
            ),
            (
                "POST",
                format!("/api/v1/orgs/{a}/dues/publications"),
                Some(serde_json::json!({"year": 2025, "published_on": "2026-01-10"})),
            ),
            ("GET", format!("/api/v1/orgs/{a}/dues/account"), None),
            ("POST", format!("/api/v1/orgs/{a}/dues/import?dry_run=true"), None),
            (
                "POST",
                format!("/api/v1/orgs/{a}/dues/account/entries"),
                Some(serde_json::json!({"kind": "interest", "amount": "1.23", "entry_on": "2026-01-20"})),
            ),
        ];
        for (method, uri, body) in calls {
            let r = api(&f, &t, method, &uri, body).await;
            // A create whose body refers to another subtree's org is refused as a field error
            // (400 naming the field, with the same words as for an org that does not exist).
            let field_refusal = r.status == StatusCode::BAD_REQUEST
                && (uri == "/api/v1/orgs" || uri == "/api/v1/members")
                && (r.body.contains("\"parent_id\"") || r.body.contains("\"branch_id\""));
            assert!(refused(r.status) || field_refusal, "{user} {method} {uri}: {} {}", r.status, r.body);
            let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            assert!(v["error"]["code"].is_string(), "{user} {method} {uri}: {}", r.body);
        }
        assert_eq!(
            before,
            (audit_len(&f).await, member_snapshot(&f).await),
            "{user}: a refused API call changed something"
        );
        let r = api(&f, &t, "GET", "/api/v1/members?status=all&per_page=200", None).await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        for row in v["members"].as_array().unwrap() {
            assert_ne!(row["branch_id"].as_i64(), Some(a), "{user} sees branch A via the API");
        }
        let r = api(&f, &t, "GET", "/api/v1/orgs", None).await;
        assert!(!r.body.contains("甲校党支部"), "{user} sees branch A in the org list");
    }
    // Another account's token and accounts outside the subtree are out of reach too.
    let root_token = token(&f, "rootadmin").await;
    let list = api(&f, &root_token, "GET", "/api/v1/tokens", None).await;
    let v: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    let root_token_id = v["tokens"][0]["id"].as_i64().unwrap();
    let t = token(&f, "admin_b").await;
    assert_eq!(
        api(&f, &t, "DELETE", &format!("/api/v1/tokens/{root_token_id}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(api(&f, &root_token, "GET", "/api/v1/me", None).await.status, StatusCode::OK);
    let worker_a =
        test_support::storage::account::by_username(f.services.fixture_db(), "worker_a").await.unwrap().unwrap().id;
    let r = api(&f, &t, "POST", &format!("/api/v1/accounts/{worker_a}/disable"), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = api(&f, &t, "POST", &format!("/api/v1/accounts/{worker_a}/enable"), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // An export aimed at branch A and an import into it, from outside.
    let a = f.branch_a;
    assert!(refused(api(&f, &t, "GET", &format!("/api/v1/members/export?org={a}"), None).await.status));
    let r = send(
        &f.router,
        Request::post(format!("/api/v1/members/import?dry_run=true&branch={a}"))
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::from(format!(
                "姓名,身份证号,民族,入党时间,转正时间\n新党员,{},汉族,2012/7/1,2013/7/1\n",
                id("19860606", 75)
            )))
            .unwrap(),
    )
    .await;
    assert!(refused(r.status), "an import into branch A from outside: {} {}", r.status, r.body);
    // Without any credentials, the API answers 401 with a structured error.
    let r = send(&f.router, Request::get(format!("/api/v1/members/{}", f.member_b)).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("\"code\":\"unauthorized\""));
}

async fn in_scope_keeper_reaches_everything(db: Db) {
    let f = fixture(db).await;
    let s = login(&f, "worker_a").await;
    for uri in [
        format!("/orgs/{}", f.branch_a),
        format!("/orgs/{}/edit", f.branch_a),
        format!("/members/{}", f.member_a),
        format!("/members/{}/edit", f.member_a),
        format!("/members/new?branch={}", f.branch_a),
        format!("/members?org={}", f.branch_a),
        "/".into(),
        "/orgs".into(),
        "/account".into(),
    ] {
        let r = page_get(&f, &s, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "worker_a GET {uri}");
    }
    // Party workers see personal data masked and cannot reveal it.
    let r = page_get(&f, &s, &format!("/members/{}?reveal=1", f.member_a)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The keeper edits their member with the masked form values: the stored ID is kept.
    let r = page_post(&f, &s, &format!("/members/{}/contact", f.member_a), "phone=13900139000").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let edit = page_get(&f, &s, &format!("/members/{}/edit", f.member_a)).await;
    assert!(edit.body.contains("110105********"), "edit form should show the ID masked to a party worker");
    let masked = domain::member::mask_id_number(&id("19900101", 11));
    let form = format!(
        "name=甲党员改&id_number={masked}&ethnicity=01&joined_on=2015-06-01&confirmed_on=2016-06-01&status=full&dues_category=employed"
    );
    let r = page_post(&f, &s, &format!("/members/{}/edit", f.member_a), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (name, idn): (String, String) = f
        .services
        .fixture_db()
        .fetch_one("SELECT name, id_number FROM members WHERE id = $1", &[f.member_a.into()])
        .await
        .unwrap();
    assert_eq!((name.as_str(), idn), ("甲党员改", id("19900101", 11)));
    // The positive controls of the routes the page matrix refuses to outsiders: the keeper
    // exports, attaches and imports in branch A; the committee's admin disables and enables the
    // keeper's account; the keeper revokes their own token.
    let export = page_get(&f, &s, &format!("/members/export?org={}&format=csv&status=all", f.branch_a)).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.body.contains("甲书记"), "{}", export.body);
    let mtg = meeting_in_a(&f).await;
    let (ct, body) = multipart(&s.csrf, "签到表.pdf", b"%PDF-1.4 sign-in sheet");
    let r = send(
        &f.router,
        Request::post(format!("/meetings/{mtg}/attachments"))
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, &ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let csv = format!("姓名,身份证号,民族,入党时间,转正时间\n新党员,{},汉族,2012/7/1,2013/7/1\n", id("19860606", 72));
    let (_, mut body) = multipart(&s.csrf, "名册.csv", csv.as_bytes());
    let branch_field =
        format!("--zhibu-test-boundary\r\nContent-Disposition: form-data; name=\"branch\"\r\n\r\n{}\r\n", f.branch_a);
    body.splice(0..0, branch_field.into_bytes());
    let r = send(
        &f.router,
        Request::post("/members/import")
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, &ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "the preview of an import into the keeper's branch: {}", r.body);
    assert!(r.body.contains("id=\"commit\""));
    let own = token(&f, "worker_a").await;
    let v: serde_json::Value = serde_json::from_str(&api(&f, &own, "GET", "/api/v1/tokens", None).await.body).unwrap();
    let own_id = v["tokens"][0]["id"].as_i64().unwrap();
    let r = page_post(&f, &s, &format!("/account/tokens/{own_id}/revoke"), "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(api(&f, &own, "GET", "/api/v1/me", None).await.status, StatusCode::UNAUTHORIZED, "revoked");
    let admin = login(&f, "rootadmin").await;
    let worker_a =
        test_support::storage::account::by_username(f.services.fixture_db(), "worker_a").await.unwrap().unwrap().id;
    for action in ["disable", "enable"] {
        let r = page_post(&f, &admin, &format!("/accounts/{worker_a}/{action}"), "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "rootadmin {action}s worker_a: {}", r.body);
    }
    let r = page_post(&f, &admin, &format!("/accounts/{worker_a}/reset-password"), "").await;
    assert_eq!(r.status, StatusCode::OK, "rootadmin resets worker_a's password: {}", r.body);
    // A member sees their own record and edits their phone, nothing else.
    let s = login(&f, "member_b").await;
    assert_eq!(page_get(&f, &s, &format!("/members/{}", f.member_b)).await.status, StatusCode::OK);
    let r = page_post(&f, &s, &format!("/members/{}/contact", f.member_b), "phone=13700137000").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(page_get(&f, &s, &format!("/members/{}/edit", f.member_b)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(page_get(&f, &s, "/audit").await.status, StatusCode::FORBIDDEN);
}

/// Every create and update that takes an id in its body, given one that does not exist: 400
/// with the field named, nothing written (a foreign-key failure was a 500).
async fn references_to_rows_that_do_not_exist_are_400_naming_the_field(db: Db) {
    let f = fixture(db).await;
    let t = token(&f, "sysadmin").await;
    let (a, m) = (f.branch_a, f.member_a);
    let gone = 987_654;
    let member_body = |branch: i64, group: Option<i64>| {
        serde_json::json!({"branch_id": branch, "group_id": group, "name": "新人", "id_number": id("19920202", 41),
            "ethnicity": "01", "joined_on": "2015-06-01", "confirmed_on": "2016-06-01", "status": "full",
            "dues_category": "employed"})
    };
    let calls: Vec<(&str, String, serde_json::Value, &str)> = vec![
        (
            "POST",
            "/api/v1/accounts".into(),
            serde_json::json!({"username": "ghost1", "display_name": "幽灵", "role": "member", "member_id": gone}),
            "member_id",
        ),
        (
            "POST",
            "/api/v1/accounts".into(),
            serde_json::json!({"username": "ghost2", "display_name": "幽灵", "role": "system_admin", "member_id": gone}),
            "member_id",
        ),
        (
            "POST",
            "/api/v1/accounts".into(),
            serde_json::json!({"username": "ghost3", "display_name": "幽灵", "role": "org_admin", "org_id": gone}),
            "org_id",
        ),
        (
            "POST",
            "/api/v1/orgs".into(),
            serde_json::json!({"parent_id": gone, "name": "新支部", "kind": "branch"}),
            "parent_id",
        ),
        ("POST", format!("/api/v1/orgs/{a}/move"), serde_json::json!({"parent_id": gone}), "parent_id"),
        (
            "POST",
            format!("/api/v1/orgs/{a}/posts"),
            serde_json::json!({"member_id": gone, "post": "publicity_officer", "start_on": "2024-01-01"}),
            "member_id",
        ),
        ("POST", "/api/v1/members".into(), member_body(gone, None), "branch_id"),
        ("POST", "/api/v1/members".into(), member_body(a, Some(gone)), "group_id"),
        (
            "POST",
            format!("/api/v1/members/{m}/relocate"),
            serde_json::json!({"branch_id": gone, "on": "2024-01-01"}),
            "branch_id",
        ),
        (
            "POST",
            format!("/api/v1/members/{m}/relocate"),
            serde_json::json!({"branch_id": f.branch_b, "group_id": gone, "on": "2024-01-01"}),
            "group_id",
        ),
        (
            "POST",
            format!("/api/v1/orgs/{a}/meetings"),
            serde_json::json!({"kind": "branch_assembly", "held_on": "2026-02-01", "topic": "x", "host_member_id": gone}),
            "host_member_id",
        ),
        (
            "POST",
            format!("/api/v1/orgs/{a}/meetings"),
            serde_json::json!({"kind": "branch_assembly", "held_on": "2026-02-01", "topic": "x",
                "exceptions": {gone.to_string(): ["excused", "出差"]}}),
            "exceptions",
        ),
        (
            "POST",
            format!("/api/v1/orgs/{a}/meetings"),
            serde_json::json!({"kind": "member_appraisal", "held_on": "2026-02-01", "topic": "x",
                "ratings": {gone.to_string(): "excellent"}}),
            "ratings",
        ),
    ];
    let before = (audit_len(&f).await, member_snapshot(&f).await);
    // The page forms that take an id: 400 with the form and a Chinese message, never a 500.
    let s = login(&f, "sysadmin").await;
    let pages: Vec<(String, String)> = vec![
        ("/accounts".into(), format!("username=ghost4&display_name=幽灵&role=member&member=查无此人{gone}")),
        ("/accounts".into(), format!("username=ghost5&display_name=幽灵&role=org_admin&org_id={gone}")),
        (format!("/orgs/{a}/move"), format!("parent_id={gone}")),
        (format!("/orgs/{a}/posts"), format!("member_id={gone}&post=publicity_officer&start_on=2024-01-01")),
        (format!("/members/{m}/relocate"), format!("target={gone}&on=2024-01-01")),
    ];
    for (uri, form) in pages {
        let r = page_post(&f, &s, &uri, &form).await;
        assert!(
            r.status == StatusCode::BAD_REQUEST,
            "POST {uri} {form}: {} {}",
            r.status,
            &r.body[..r.body.len().min(300)]
        );
        assert!(r.body.contains("找不到") || r.body.contains("请选择"), "POST {uri}: a Chinese message: {}", r.body);
    }
    // An id in the address (the parent or branch a form was opened from) is a page that does
    // not exist: 404, as for /orgs/{id}.
    for uri in [format!("/orgs?parent={gone}"), format!("/members?branch={gone}")] {
        let r = page_post(&f, &s, &uri, "name=新人").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "POST {uri}");
    }
    for (method, uri, body, field) in calls {
        let r = api(&f, &t, method, &uri, Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{method} {uri} {body}: {}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["error"]["code"], "invalid", "{method} {uri}: {}", r.body);
        assert!(v["error"]["fields"][field].is_string(), "{method} {uri}: the field {field} is named: {}", r.body);
    }
    assert_eq!(before, (audit_len(&f).await, member_snapshot(&f).await), "a refused call changed something");
}

/// Whether a request path matches a route pattern (`{…}` is any one segment).
fn matches_route(pattern: &str, path: &str) -> bool {
    let (p, q): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == q.len() && p.iter().zip(&q).all(|(a, b)| (a.starts_with('{') && !b.is_empty()) || a == b)
}

/// The scope matrix covers every route: each one the web crate declares (but the public ones)
/// is sent by the matrices at least once refused (403, 404, 400 naming another subtree's
/// object, or — for what concerns one's own account — 401 or the way to the login page for a
/// visitor who is not logged in) and at least once answered with success, in the same run. A
/// route added to the web crate fails this test until the matrices send it both ways.
/// Runs a scenario on a fresh database of `db`'s backend and closes it after: the matrix runs
/// some twenty, and a PostgreSQL server's connections would not last if each stayed open.
async fn in_fresh<F, Fut>(db: &Db, scenario: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let t = test_support::fresh_like(db).await;
    scenario(t.db.clone()).await;
    t.db.close().await;
}

async fn every_route_is_in_the_scope_matrix(db: Db) {
    SENT.lock().unwrap().clear();
    // Each scenario builds its own fixture, so each gets a database of its own.
    scope_matrix_pages_refuse_out_of_scope_objects(db.clone()).await;
    in_fresh(&db, in_scope_keeper_reaches_everything).await;
    in_fresh(&db, scope_matrix_api_refuses_out_of_scope_objects).await;
    in_fresh(&db, references_to_rows_that_do_not_exist_are_400_naming_the_field).await;
    in_fresh(&db, in_scope_admin_reaches_every_route).await;
    in_fresh(&db, routes_without_an_object_refuse_members_and_visitors).await;
    in_fresh(&db, super::transfers::transfer_routes_both_ways).await;
    in_fresh(&db, super::decisions::decision_routes_both_ways).await;
    in_fresh(&db, super::elections::election_routes_both_ways).await;
    in_fresh(&db, super::decisions::contact_routes_both_ways).await;
    in_fresh(&db, super::decisions::away_routes_both_ways).await;
    in_fresh(&db, super::recruitment::recruitment_routes_both_ways).await;
    in_fresh(&db, super::recruit_papers::recruit_papers_routes_both_ways).await;
    in_fresh(&db, super::stats::stats_routes_both_ways).await;
    in_fresh(&db, super::birthdays::birthday_routes_both_ways).await;
    in_fresh(&db, super::training::training_routes_both_ways).await;
    in_fresh(&db, super::major_decisions::major_decision_routes_both_ways).await;
    in_fresh(&db, super::reports::report_routes_both_ways).await;
    in_fresh(&db, super::positions::position_routes_both_ways).await;
    in_fresh(&db, super::positions::event_routes_both_ways).await;
    in_fresh(&db, super::ledgers::ledger_set_routes_both_ways).await;
    in_fresh(&db, super::contest::contest_routes_both_ways).await;
    in_fresh(&db, super::coverage::coverage_routes_both_ways).await;
    let sent = SENT.lock().unwrap().clone();
    // Public: the login, the assets, the health check, the API's document, and the blank import
    // template (it holds no data).
    let public = [
        "/login",
        "/logout",
        "/assets/app.css",
        "/assets/app.js",
        "/api/v1/health",
        "/api/v1/openapi.json",
        "/members/template.xlsx",
        "/api/v1/members/template.xlsx",
    ];
    let t6 = test_support::fresh_like(&db).await;
    let f = fixture(t6.db.clone()).await;
    let routes = declared_routes(&f.router).await;
    assert!(routes.len() > 80, "the routes were enumerated from the router: {routes:?}");
    let mut missing = Vec::new();
    for (method, pattern) in routes.iter().filter(|(_, p)| !public.contains(&p.as_str())) {
        let hits: Vec<u16> =
            sent.iter().filter(|(m, p, _)| m == method && matches_route(pattern, p)).map(|(_, _, s)| *s).collect();
        let refused = hits.iter().any(|s| matches!(s, 400 | 401 | 403 | 404));
        let allowed = hits.iter().any(|s| (200..400).contains(s));
        if !refused || !allowed {
            missing.push(format!("{method} {pattern}"));
        }
    }
    assert!(missing.is_empty(), "routes the scope matrix does not cover (add them to the matrix):\n{missing:#?}");
}

/// The routes that take no object: a plain member is refused the administrators' pages, and a
/// visitor who is not logged in is refused everything but the public pages (the API with 401,
/// pages by sending them to log in). What these pages show is scoped; the matrices above check
/// that the lists of another subtree show nothing of branch A.
async fn routes_without_an_object_refuse_members_and_visitors(db: Db) {
    let f = fixture(db).await;
    let s = login(&f, "member_b").await;
    for uri in ["/accounts", "/audit", "/audit/export.xlsx", "/members/import", "/orgs/new"] {
        let r = page_get(&f, &s, uri).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "member_b GET {uri}");
    }
    let t = token(&f, "member_b").await;
    for uri in ["/api/v1/accounts", "/api/v1/audit"] {
        assert_eq!(api(&f, &t, "GET", uri, None).await.status, StatusCode::FORBIDDEN, "member_b GET {uri}");
    }
    let get = |uri: &'static str| Request::get(uri).body(Body::empty()).unwrap();
    for uri in ["/", "/account", "/accounts", "/orgs", "/orgs/new", "/orgs/export", "/members/import", "/dues/quote"] {
        let r = send(&f.router, get(uri)).await;
        assert!(
            r.status == StatusCode::SEE_OTHER && r.location.starts_with("/login"),
            "a visitor GET {uri}: {}",
            r.status
        );
    }
    for uri in [
        "/api/v1/accounts",
        "/api/v1/audit",
        "/api/v1/home",
        "/api/v1/me",
        "/api/v1/orgs",
        "/api/v1/orgs/export",
        "/api/v1/todo",
        "/api/v1/tokens",
        "/api/v1/dues/quote",
    ] {
        assert_eq!(send(&f.router, get(uri)).await.status, StatusCode::UNAUTHORIZED, "a visitor GET {uri}");
    }
    for uri in ["/account/password", "/account/tokens"] {
        let r = send(
            &f.router,
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("name=x"))
                .unwrap(),
        )
        .await;
        assert!(
            r.status == StatusCode::SEE_OTHER && r.location.starts_with("/login") || r.status == StatusCode::FORBIDDEN,
            "a visitor POST {uri}: {}",
            r.status
        );
    }
    for uri in ["/api/v1/account/password", "/api/v1/tokens"] {
        let r = send(
            &f.router,
            Request::post(uri).header(header::CONTENT_TYPE, "application/json").body(Body::from("{}")).unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a visitor POST {uri}");
    }
}

/// The positive side of the scope matrix: the committee's org admin (whose subtree holds both
/// branches) sends every route that takes an object, API and pages, and each one succeeds. With
/// the refusals of the matrices above, this is what the route-coverage test counts.
async fn in_scope_admin_reaches_every_route(db: Db) {
    let f = fixture(db).await;
    let (a, b, m, p) = (f.branch_a, f.branch_b, f.member_a, f.post_a);
    let mtg = meeting_in_a(&f).await;
    let mtg_void = meeting_in_a(&f).await;
    let pay = dues_payment_in_a(&f, "2026-01").await;
    let pay_page = dues_payment_in_a(&f, "2026-06").await;
    let aid = f.services.attach(&console_actor(), mtg, "签到表.pdf", b"%PDF-1.4 sign-in sheet").await.unwrap();
    let t = token(&f, "rootadmin").await;
    let ok = |r: &Reply, what: &str| {
        assert!(
            (200..400).contains(&r.status.as_u16()),
            "{what}: {} {}",
            r.status,
            r.body.chars().take(300).collect::<String>()
        )
    };
    // API reads.
    for uri in [
        format!("/api/v1/orgs/{a}"),
        format!("/api/v1/members/{m}"),
        format!("/api/v1/meetings/{mtg}"),
        format!("/api/v1/orgs/{a}/compliance"),
        format!("/api/v1/orgs/{a}/findings"),
        "/api/v1/todo".to_string(),
        format!("/api/v1/orgs/{a}/ledger?format=xlsx"),
        format!("/api/v1/orgs/{a}/settings"),
        format!("/api/v1/orgs/{a}/rules"),
        format!("/api/v1/orgs/{a}/rules?on=2026-01-01"),
        format!("/api/v1/members/{m}/work-refusals"),
        format!("/api/v1/orgs/{a}/meetings"),
        format!("/api/v1/members/{m}/dues"),
        format!("/api/v1/orgs/{a}/dues"),
        format!("/api/v1/orgs/{a}/dues/account"),
        format!("/api/v1/dues/quote?category=employed&base=5100&org={a}"),
        "/api/v1/dues/quote?category=student".into(),
        "/api/v1/home".into(),
        "/api/v1/audit".into(),
        "/api/v1/accounts".into(),
        format!("/api/v1/members/export?org={a}"),
        "/api/v1/members/template.xlsx".into(),
        "/api/v1/orgs/export".into(),
    ] {
        ok(&api(&f, &t, "GET", &uri, None).await, &uri);
    }
    // API writes, the ones that change the tree last.
    let member_body = |idn: String| {
        serde_json::json!({"name": "新人", "id_number": idn, "ethnicity": "01", "joined_on": "2015-06-01",
            "confirmed_on": "2016-06-01", "status": "full", "dues_category": "employed"})
    };
    let mut new_member = member_body(id("19920303", 51));
    new_member["branch_id"] = serde_json::json!(a);
    let calls: Vec<(&str, String, serde_json::Value)> = vec![
        (
            "PATCH",
            format!("/api/v1/orgs/{a}"),
            serde_json::json!({"name": "甲校党支部", "unit_name": "单位", "unit_kind": "public_school"}),
        ),
        ("PATCH", format!("/api/v1/members/{m}"), {
            let mut b = member_body(id("19900101", 11));
            b["name"] = serde_json::json!("甲党员");
            b
        }),
        ("POST", "/api/v1/members".into(), new_member),
        ("POST", format!("/api/v1/members/{m}/contact"), serde_json::json!({"phone": "13900139001"})),
        (
            "POST",
            format!("/api/v1/orgs/{a}/posts"),
            serde_json::json!({"member_id": m, "post": "publicity_officer", "start_on": "2024-01-01"}),
        ),
        ("POST", format!("/api/v1/posts/{p}/end"), serde_json::json!({"end_on": "2024-06-01"})),
        (
            "POST",
            format!("/api/v1/orgs/{a}/findings/explain"),
            serde_json::json!({"rule_id": "MTG-THEME-DAY", "period_start": "2026-02-01", "reason": "寒假期间学校停课"}),
        ),
        (
            "POST",
            format!("/api/v1/orgs/{a}/meetings"),
            serde_json::json!({"kind": "themed_day", "held_on": "2026-02-01", "topic": "主题党日", "host_member_id": f.member_a, "recorder_member_id": f.member_a}),
        ),
        (
            "POST",
            "/api/v1/accounts".into(),
            serde_json::json!({"username": "newkeeper", "display_name": "新党务", "role": "party_worker", "org_id": a}),
        ),
        ("POST", "/api/v1/tokens".into(), serde_json::json!({"name": "脚本"})),
        (
            "PUT",
            format!("/api/v1/meetings/{mtg}"),
            serde_json::json!({"reason": "主题录入有误", "kind": "themed_day", "held_on": "2026-01-15", "topic": "主题党日", "host_member_id": f.member_a, "recorder_member_id": f.member_a}),
        ),
        ("POST", format!("/api/v1/meetings/{mtg_void}/void"), serde_json::json!({"reason": "重复录入的记录"})),
        (
            "POST",
            format!("/api/v1/orgs/{}/settings", f.root),
            serde_json::json!({"key": "MTG-GROUP.min_count", "value": "2", "from": "2026-01-01"}),
        ),
        (
            "POST",
            format!("/api/v1/members/{m}/work-refusals"),
            serde_json::json!({"month": "2026-02", "note": "未完成宣传任务"}),
        ),
        (
            "POST",
            format!("/api/v1/members/{m}/dues/bases"),
            serde_json::json!({"from_month": "2026-02", "category": "employed", "base": "6000"}),
        ),
        (
            "POST",
            format!("/api/v1/members/{m}/dues/payments"),
            serde_json::json!({"month": "2026-02", "paid_on": "2026-02-10"}),
        ),
        (
            "POST",
            format!("/api/v1/members/{m}/dues/hardships"),
            serde_json::json!({"from_month": "2026-03", "amount": "0", "studied_on": "2026-03-01", "approved_by": "教育局党委", "approved_on": "2026-03-05", "reason": "家庭困难"}),
        ),
        (
            "POST",
            format!("/api/v1/members/{m}/dues/quarterly"),
            serde_json::json!({"from_month": "2026-04", "agreed_on": "2026-03-20"}),
        ),
        (
            "POST",
            format!("/api/v1/orgs/{a}/dues/collect"),
            serde_json::json!({"month": "2026-04", "paid_on": "2026-04-10"}),
        ),
        (
            "POST",
            format!("/api/v1/orgs/{a}/dues/publications"),
            serde_json::json!({"year": 2025, "published_on": "2026-01-10"}),
        ),
        (
            "POST",
            format!("/api/v1/orgs/{a}/dues/account/entries"),
            serde_json::json!({"kind": "interest", "amount": "1.23", "entry_on": "2026-01-20"}),
        ),
    ];
    for (method, uri, body) in calls {
        ok(&api(&f, &t, method, &uri, Some(body)).await, &format!("{method} {uri}"));
    }
    ok(&api(&f, &t, "DELETE", &format!("/api/v1/dues/payments/{pay}"), None).await, "delete a payment");
    let worker_a =
        test_support::storage::account::by_username(f.services.fixture_db(), "worker_a").await.unwrap().unwrap().id;
    ok(&api(&f, &t, "POST", &format!("/api/v1/accounts/{worker_a}/disable"), None).await, "disable");
    ok(&api(&f, &t, "POST", &format!("/api/v1/accounts/{worker_a}/enable"), None).await, "enable");
    let r = send(
        &f.router,
        Request::post(format!("/api/v1/members/import?dry_run=true&branch={a}"))
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::from(format!(
                "姓名,身份证号,民族,入党时间,转正时间\n导入党员,{},汉族,2012/7/1,2013/7/1\n",
                id("19860606", 73)
            )))
            .unwrap(),
    )
    .await;
    ok(&r, "API import dry run");
    let sheet = "姓名,月份,实交,交纳日期\n甲党员,2026-03,10,2026-03-10\n";
    let r = send(
        &f.router,
        Request::post(format!("/api/v1/orgs/{a}/dues/import?dry_run=true"))
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::from(sheet))
            .unwrap(),
    )
    .await;
    ok(&r, "API dues import dry run");
    let r = api(
        &f,
        &t,
        "POST",
        "/api/v1/orgs",
        Some(serde_json::json!({"parent_id": a, "name": "新小组", "kind": "group"})),
    )
    .await;
    ok(&r, "create a group");
    let group: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let group = group["id"].as_i64().unwrap();
    ok(
        &api(&f, &t, "POST", &format!("/api/v1/orgs/{group}/move"), Some(serde_json::json!({"parent_id": b}))).await,
        "move",
    );
    ok(&api(&f, &t, "POST", &format!("/api/v1/orgs/{group}/close"), None).await, "close");
    ok(
        &api(
            &f,
            &t,
            "POST",
            &format!("/api/v1/members/{m}/relocate"),
            Some(serde_json::json!({"branch_id": b, "on": "2024-01-01"})),
        )
        .await,
        "relocate",
    );
    let own: serde_json::Value = serde_json::from_str(&api(&f, &t, "GET", "/api/v1/tokens", None).await.body).unwrap();
    let scripted =
        own["tokens"].as_array().unwrap().iter().find(|x| x["name"] == "脚本").unwrap()["id"].as_i64().unwrap();
    ok(&api(&f, &t, "DELETE", &format!("/api/v1/tokens/{scripted}"), None).await, "revoke");
    ok(
        &api(
            &f,
            &t,
            "POST",
            "/api/v1/account/password",
            Some(serde_json::json!({"current": PW, "new": "another-horse-7", "confirm": "another-horse-7"})),
        )
        .await,
        "password",
    );

    // Pages, as the same admin (logged in with the new password).
    let r = send(&f.router, login_request("rootadmin", "another-horse-7")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page =
        send(&f.router, Request::get("/account").header(header::COOKIE, &r.cookie).body(Body::empty()).unwrap()).await;
    let csrf = page.body.split("name=\"_csrf\" value=\"").nth(1).and_then(|x| x.split('"').next()).unwrap().to_string();
    let s = Session { cookie: r.cookie, csrf };
    for uri in [
        format!("/meetings/{mtg}"),
        format!("/meetings/{mtg}/edit"),
        format!("/meetings/{mtg}/attachments/{aid}"),
        format!("/orgs/{b}/compliance"),
        format!("/orgs/{b}/compliance.xlsx"),
        format!("/orgs/{b}/findings"),
        format!("/orgs/{b}/settings"),
        format!("/orgs/{b}/rules"),
        format!("/members/{}/work-refusals", f.member_b),
        format!("/orgs/{b}/ledger.xlsx?year=2026"),
        format!("/orgs/{b}/ledger.pdf?year=2026"),
        format!("/orgs/{b}/life"),
        format!("/orgs/{b}/meetings/new"),
        format!("/orgs/{b}/dues"),
        format!("/orgs/{b}/dues/sheet.xlsx"),
        format!("/orgs/{b}/dues/sheet.pdf"),
        format!("/orgs/{b}/dues/collect?month=2026-05"),
        format!("/orgs/{b}/dues/publish?year=2025"),
        format!("/orgs/{b}/dues/publish.xlsx?year=2025"),
        format!("/orgs/{b}/dues/publish.pdf?year=2025"),
        format!("/orgs/{b}/dues/account"),
        format!("/orgs/{b}/dues/bases"),
        format!("/orgs/{b}/dues/import"),
        format!("/orgs/{b}/dues/account/report.xlsx?year=2026"),
        format!("/orgs/{b}/dues/account/report.pdf?year=2026"),
        format!("/members/{}/dues", f.member_b),
        "/dues/quote?category=employed&base=5100".into(),
        "/audit".into(),
        "/audit/export.xlsx".into(),
        "/accounts".into(),
        "/members/import".into(),
        "/members/template.xlsx".into(),
        "/orgs/export".into(),
        format!("/orgs/new?parent={b}&kind=group"),
    ] {
        ok(&page_get(&f, &s, &uri).await, &uri);
    }
    let member_b2 = f.member_b;
    let posts: Vec<(String, String)> = vec![
        (format!("/orgs/{b}/edit"), "name=乙校党支部&unit_name=单位&unit_kind=public_school".into()),
        (
            format!("/orgs/{b}/findings/explain"),
            "rule_id=MTG-THEME-DAY&period_start=2026-02-01&reason=寒假期间学校停课".into(),
        ),
        (
            format!("/orgs/{b}/meetings"),
            format!(
                "kind=themed_day&held_on=2026-03-01&topic=主题党日&host_member_id={h}&recorder_member_id={h}",
                h = member_b2
            ),
        ),
        (
            format!("/meetings/{mtg}/edit"),
            format!(
                "kind=themed_day&held_on=2026-01-15&topic=主题党日（更正）&reason=主题录入有误&host_member_id={h}&recorder_member_id={h}",
                h = member_b2
            ),
        ),
        // After the correction: a voided record can no longer be corrected.
        (format!("/meetings/{mtg}/void"), "void_reason=重复录入的记录".into()),
        (format!("/orgs/{b}/posts"), format!("member_id={member_b2}&post=organization_officer&start_on=2024-01-01")),
        (format!("/orgs/{}/settings", f.root), "key=MTG-TALK.min_count&value=2&from=2026-01-01".into()),
        (format!("/members/{member_b2}/work-refusals"), "month=2026-03&note=未完成宣传任务".into()),
        (format!("/members/{member_b2}/dues/bases"), "from_month=2026-01&category=employed&base=6000".into()),
        (format!("/members/{member_b2}/dues/payments"), DUES_PAYMENT.into()),
        (format!("/members/{member_b2}/dues/hardships"), DUES_HARDSHIP.into()),
        (format!("/members/{member_b2}/dues/quarterly"), DUES_QUARTERLY.into()),
        (format!("/orgs/{b}/dues/collect"), "month=2026-05&paid_on=2026-05-10".into()),
        (format!("/orgs/{b}/dues/publish"), "year=2025&published_on=2026-01-10".into()),
        (format!("/orgs/{b}/dues/account"), "kind=interest&amount=1.23&entry_on=2026-01-20".into()),
        (
            format!("/orgs/{b}/dues/bases"),
            format!("from_month=2026-12&category_{member_b2}=employed&base_{member_b2}=7000&action=apply"),
        ),
        (format!("/dues/payments/{pay_page}/delete"), String::new()),
        (format!("/orgs/{b}/dual"), "who=甲书记&start_on=2026-01-01".into()),
        (
            format!("/members?branch={b}"),
            format!(
                "name=新人乙&id_number={}&ethnicity=01&joined_on=2015-06-01&confirmed_on=2016-06-01&status=full&dues_category=employed",
                id("19920404", 61)
            ),
        ),
        ("/account/tokens".into(), "name=页面令牌".into()),
        ("/accounts".into(), format!("username=pagekeeper&display_name=页面党务&role=party_worker&org_id={b}")),
    ];
    for (uri, form) in posts {
        ok(&page_post(&f, &s, &uri, &form).await, &format!("POST {uri}"));
    }
    let (ct, body) =
        multipart(&s.csrf, "党费台账.csv", "姓名,月份,实交,交纳日期\n乙党员,2026-04,1,2026-04-10\n".as_bytes());
    let r = send(
        &f.router,
        Request::post(format!("/orgs/{b}/dues/import"))
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, &ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    ok(&r, "import a dues sheet on the page");
    assert!(r.body.contains("id=\"import-done\""), "{}", r.body);
    let (post_id,): (i64,) = f
        .services
        .fixture_db()
        .fetch_one("SELECT id FROM org_posts WHERE member_id = $1 AND end_on IS NULL", &[member_b2.into()])
        .await
        .unwrap();
    ok(&page_post(&f, &s, &format!("/posts/{post_id}/end"), "end_on=2024-06-01").await, "end a post");
    let (dual,): (i64,) =
        f.services.fixture_db().fetch_one("SELECT id FROM dual_org_life ORDER BY id DESC LIMIT 1", &[]).await.unwrap();
    ok(&page_post(&f, &s, &format!("/orgs/{b}/dual/{dual}/end"), "").await, "end dual");
    let r = page_post(&f, &s, &format!("/orgs?parent={b}"), "name=页面小组&kind=group").await;
    ok(&r, "create a group on the page");
    let (pg,): (i64,) =
        f.services.fixture_db().fetch_one("SELECT id FROM orgs WHERE name = '页面小组'", &[]).await.unwrap();
    ok(&page_post(&f, &s, &format!("/orgs/{pg}/move"), &format!("parent_id={a}")).await, "move on the page");
    ok(&page_post(&f, &s, &format!("/orgs/{pg}/close"), "").await, "close on the page");
    ok(
        &page_post(&f, &s, &format!("/members/{member_b2}/relocate"), &format!("target={a}&on=2024-01-01")).await,
        "relocate on the page",
    );
    // The import's two phases: a file with an error (its marked-up workbook), then a clean one.
    let bad =
        "姓名,身份证号,民族,入党时间,转正时间,所在党支部\n坏行,123,汉族,2012/7/1,2013/7/1,甲校党支部\n".to_string();
    let r = upload(&f, &s, bad.as_bytes()).await;
    let token_bad = r.body.split("/members/import/").nth(1).and_then(|x| x.split('/').next()).unwrap().to_string();
    ok(&page_get(&f, &s, &format!("/members/import/{token_bad}/errors.xlsx")).await, "errors.xlsx");
    let good = format!(
        "姓名,身份证号,民族,入党时间,转正时间,所在党支部\n页面导入,{},汉族,2012/7/1,2013/7/1,甲校党支部\n",
        id("19860606", 74)
    );
    let r = upload(&f, &s, good.as_bytes()).await;
    let token_good = r.body.split("/members/import/").nth(1).and_then(|x| x.split('/').next()).unwrap().to_string();
    ok(&page_post(&f, &s, &format!("/members/import/{token_good}/commit"), "").await, "commit");
    ok(
        &page_post(&f, &s, "/account/password", "current=another-horse-7&new=third-horse-8&confirm=third-horse-8")
            .await,
        "password on the page",
    );
}
