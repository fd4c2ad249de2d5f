//! The dues pages and API: the calculator, a member's dues and its forms, the branch's sheet
//! and exports, a month collected on one page, the publication; refusals name their rule and
//! change nothing.

use super::common::*;

test_support::on_both_backends!(dues_pages_record_and_refuse, dues_api_answers_and_refuses_with_the_rule);

async fn payments_of(f: &Fixture) -> i64 {
    let (n,): (i64,) = f.services.fixture_db().fetch_one("SELECT COUNT(*) FROM dues_payments", &[]).await.unwrap();
    n
}

async fn dues_pages_record_and_refuse(db: Db) {
    let f = fixture(db).await;
    let s = login(&f, "worker_a").await;
    let (a, m) = (f.branch_a, f.member_a);

    // The calculator: 5100 pays 76.50 by DUES-EMPLOYED-BRACKETS; a bad base is a field error.
    let r = page_get(&f, &s, "/dues/quote?category=employed&base=5%2C100").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"quote-due\">76.50<"), "{}", r.body);
    assert!(r.body.contains("DUES-EMPLOYED-BRACKETS"));
    let r = page_get(&f, &s, "/dues/quote?category=employed&base=abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("data-field=\"base\""), "{}", r.body);

    // A base, then a payment by the page's form.
    let r =
        page_post(&f, &s, &format!("/members/{m}/dues/bases"), "from_month=2026-01&category=employed&base=5100").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r =
        page_post(&f, &s, &format!("/members/{m}/dues/payments"), "month=2026-01&paid_on=2026-01-15&method=cash").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = page_get(&f, &s, &format!("/members/{m}/dues?year=2026")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("76.50"), "{}", page.body);
    assert!(page.body.contains("id=\"dues-months\""));

    // DUES-ORG-NO-PREPAY: paying on the member's behalf is refused next to the field, naming
    // the rule; nothing is written.
    let before = payments_of(&f).await;
    let r = page_post(
        &f,
        &s,
        &format!("/members/{m}/dues/payments"),
        "month=2026-02&paid_on=2026-02-15&payer=organization",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("data-field=\"payer\""), "{}", r.body);
    assert!(r.body.contains("DUES-ORG-NO-PREPAY"));
    assert!(r.body.contains("value=\"2026-02-15\""), "what was typed is kept");
    assert_eq!(payments_of(&f).await, before);

    // The month's collection: everyone pays except the member marked.
    let r = page_get(&f, &s, &format!("/orgs/{a}/dues/collect?month=2026-02")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!("name=\"unpaid_{m}\"")), "{}", r.body);
    let r = page_post(
        &f,
        &s,
        &format!("/orgs/{a}/dues/collect"),
        &format!("month=2026-02&paid_on=2026-02-20&method=cash&unpaid_{m}=1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(payments_of(&f).await, before, "the only member with a base was marked unpaid");

    // The sheet and its exports.
    let r = page_get(&f, &s, &format!("/orgs/{a}/dues?year=2026")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"dues-sheet\"") && r.body.contains("甲党员"));
    let x = page_get(&f, &s, &format!("/orgs/{a}/dues/sheet.xlsx?year=2026")).await;
    assert_eq!(x.status, StatusCode::OK);
    let p = page_get(&f, &s, &format!("/orgs/{a}/dues/publish.pdf?year=2026")).await;
    assert_eq!(p.status, StatusCode::OK);

    // The publication is recorded once.
    let r =
        page_post(&f, &s, &format!("/orgs/{a}/dues/publish"), "year=2025&published_on=2026-01-10&note=党员大会上公布")
            .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = page_post(&f, &s, &format!("/orgs/{a}/dues/publish"), "year=2025&published_on=2026-01-11").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // A plain member sees their own dues and no forms.
    let own = login(&f, "member_b").await;
    let r = page_get(&f, &own, &format!("/members/{}/dues", f.member_b)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("id=\"payment-form\""));
}

async fn dues_api_answers_and_refuses_with_the_rule(db: Db) {
    let f = fixture(db).await;
    let t = token(&f, "worker_a").await;
    let m = f.member_a;
    let r = api(&f, &t, "GET", "/api/v1/dues/quote?category=retired&base=5000.01", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        (v["due"].as_str(), v["rule_id"].as_str(), v["rate"].as_str()),
        (Some("50.00"), Some("DUES-RETIREE"), Some("1%"))
    );
    let r = api(&f, &t, "GET", "/api/v1/dues/quote?category=farmer&chosen=1.01", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"]["rule_id"].as_str(), Some("DUES-FLAT"), "{}", r.body);

    let base = serde_json::json!({"from_month": "2026-01", "category": "employed", "base": "3000.01"});
    assert_eq!(
        api(&f, &t, "POST", &format!("/api/v1/members/{m}/dues/bases"), Some(base)).await.status,
        StatusCode::CREATED
    );
    let before = payments_of(&f).await;
    let special = serde_json::json!({"month": "2026-01", "paid_on": "2026-01-05", "amount": "100", "kind": "special"});
    let r = api(&f, &t, "POST", &format!("/api/v1/members/{m}/dues/payments"), Some(special)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"]["rule_id"].as_str(), Some("DUES-ORG-NO-PREPAY"));
    assert!(v["error"]["citation"].as_str().unwrap_or_default().contains("第十四条"), "{}", r.body);
    assert_eq!(payments_of(&f).await, before);

    let pay = serde_json::json!({"month": "2026-01", "paid_on": "2026-01-05"});
    assert_eq!(
        api(&f, &t, "POST", &format!("/api/v1/members/{m}/dues/payments"), Some(pay)).await.status,
        StatusCode::CREATED
    );
    let r = api(&f, &t, "GET", &format!("/api/v1/members/{m}/dues?year=2026"), None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["months"][0]["paid"].as_str(), Some("30.00"), "3000.01 pays 1%: {}", r.body);
    assert_eq!(v["months"][0]["state"].as_str(), Some("paid"));
    assert_eq!(v["months"][1]["state"].as_str(), Some("unpaid"));
    let r = api(&f, &t, "GET", &format!("/api/v1/orgs/{}/dues?year=2026", f.branch_a), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["rule_id"] == "DUES-ARREARS"), "{}", r.body);
}

test_support::on_both_backends!(dues_account_and_base_review_pages);

async fn dues_account_and_base_review_pages(db: Db) {
    let f = fixture(db).await;
    let s = login(&f, "worker_a").await;
    let (a, m) = (f.branch_a, f.member_a);
    let c = console_actor();
    // 100 yuan of dues collected: a base of 10,000 pays 150 a month; one month paid.
    let base = services::dues::BaseInput {
        from_month: "2026-01".into(),
        category: "employed".into(),
        base: "10000".into(),
        ..Default::default()
    };
    f.services.record_dues_base(&c, m, &base).await.unwrap();
    let pay =
        services::dues::PaymentInput { month: "2026-01".into(), paid_on: "2026-01-20".into(), ..Default::default() };
    f.services.record_dues_payment(&c, m, &pay).await.unwrap();
    let meeting = services::org_life::MeetingInput {
        kind: "committee_meeting".into(),
        held_on: "2026-02-02".into(),
        topic: "研究党费使用".into(),
        host_member_id: Some(m),
        recorder_member_id: Some(m),
        ..Default::default()
    };
    let mtg = f.services.record_meeting(&c, a, &meeting).await.unwrap();
    let entries = |f: &Fixture| {
        let db = f.services.fixture_db().clone();
        async move { db.fetch_one::<(i64,)>("SELECT COUNT(*) FROM dues_account_entries", &[]).await.unwrap().0 }
    };
    // DUES-USE: a dinner is not one of the five purposes.
    let r = page_post(
        &f,
        &s,
        &format!("/orgs/{a}/dues/account"),
        &format!("kind=spent&amount=50&entry_on=2026-02-10&purpose=聚餐&meeting_id={mtg}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("DUES-USE"), "{}", r.body);
    // DUES-COLLECTIVE: spending without the meeting that decided it.
    let r = page_post(
        &f,
        &s,
        &format!("/orgs/{a}/dues/account"),
        "kind=spent&amount=50&entry_on=2026-02-10&purpose=training",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("DUES-COLLECTIVE"), "{}", r.body);
    // DUES-USE-PRINCIPLE: no more than the balance (150.00 collected).
    let r = page_post(
        &f,
        &s,
        &format!("/orgs/{a}/dues/account"),
        &format!("kind=spent&amount=150.01&entry_on=2026-02-10&purpose=training&meeting_id={mtg}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("DUES-USE-PRINCIPLE"), "{}", r.body);
    assert_eq!(entries(&f).await, 0, "refusals write nothing");
    let r = page_post(
        &f,
        &s,
        &format!("/orgs/{a}/dues/account"),
        &format!("kind=spent&amount=150.00&entry_on=2026-02-10&purpose=training&meeting_id={mtg}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = page_get(&f, &s, &format!("/orgs/{a}/dues/account?year=2026")).await;
    assert!(page.body.contains("id=\"account-closing\">0.00<"), "{}", page.body);
    assert!(page.body.contains("研究党费使用"));
    let report = page_get(&f, &s, &format!("/orgs/{a}/dues/account/report.pdf?year=2026")).await;
    assert_eq!(report.status, StatusCode::OK);

    // The base review: preview, then apply in one go.
    let form = format!("from_month=2026-12&category_{m}=employed&base_{m}=12000&action=preview");
    let r = page_post(&f, &s, &format!("/orgs/{a}/dues/bases"), &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"review-preview\"") && r.body.contains("月交240.00"), "{}", r.body);
    let bases = |f: &Fixture| {
        let db = f.services.fixture_db().clone();
        async move { db.fetch_one::<(i64,)>("SELECT COUNT(*) FROM dues_bases", &[]).await.unwrap().0 }
    };
    assert_eq!(bases(&f).await, 1, "a preview writes nothing");
    let bad = format!("from_month=2026-12&category_{m}=employed&base_{m}=abc&action=apply");
    let r = page_post(&f, &s, &format!("/orgs/{a}/dues/bases"), &bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(bases(&f).await, 1);
    let apply = format!("from_month=2026-12&category_{m}=employed&base_{m}=12000&action=apply");
    let r = page_post(&f, &s, &format!("/orgs/{a}/dues/bases"), &apply).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(bases(&f).await, 2);
}

test_support::on_both_backends!(a_dues_sheet_imports_whole_or_not_at_all);

async fn a_dues_sheet_imports_whole_or_not_at_all(db: Db) {
    let f = fixture(db).await;
    let t = token(&f, "worker_a").await;
    let (a, m) = (f.branch_a, f.member_a);
    let base = serde_json::json!({"from_month": "2026-01", "category": "employed", "base": "5100"});
    assert_eq!(
        api(&f, &t, "POST", &format!("/api/v1/members/{m}/dues/bases"), Some(base)).await.status,
        StatusCode::CREATED
    );
    let upload = |csv: &'static str| {
        let router = f.router.clone();
        let t = t.clone();
        async move {
            send(
                &router,
                Request::post(format!("/api/v1/orgs/{a}/dues/import"))
                    .header(header::AUTHORIZATION, format!("Bearer {t}"))
                    .body(Body::from(csv))
                    .unwrap(),
            )
            .await
        }
    };
    // A deduction from pay (DUES-ORG-NO-PREPAY), an unknown name and a bad date: each reported by
    // row and column, nothing imported.
    let bad = "姓名,月份,实交,交纳日期,交纳方式\n甲党员,2026-01,76.50,2026-01-15,现金\n甲党员,2026-02,76.50,2026-02-15,工资代扣\n\
               无此人,2026-03,76.50,2026-03-15,现金\n甲党员,2026-04,76.50,2026-13-40,现金\n";
    let r = upload(bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let issues = v["report"]["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 3, "{}", r.body);
    assert!(
        issues.iter().any(|i| i["row_number"] == 3
            && i["column"] == "交纳方式"
            && i["message"].as_str().unwrap_or_default().contains("DUES-ORG-NO-PREPAY")),
        "{}",
        r.body
    );
    assert!(issues.iter().any(|i| i["row_number"] == 4 && i["column"] == "姓名"));
    assert!(issues.iter().any(|i| i["row_number"] == 5 && i["column"] == "交纳日期"));
    let (n,): (i64,) = f.services.fixture_db().fetch_one("SELECT COUNT(*) FROM dues_payments", &[]).await.unwrap();
    assert_eq!(n, 0, "a refused sheet writes nothing");
    let good = "姓名,年,月,实缴,缴纳日期\n甲党员,2026,1,76.50,2026-01-15\n甲党员,2026,2,76.50,2026-02-15\n";
    let r = upload(good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!((v["imported"].as_u64(), v["amount"].as_str()), (Some(2), Some("153.00")));
}

test_support::on_both_backends!(dues_roster_import_writes_a_base_record);

/// DUES-CHANGE: a category imported with the roster becomes a dated base record, not an
/// overwrite; a flat category's base is known at once.
async fn dues_roster_import_writes_a_base_record(db: Db) {
    let f = fixture(db).await;
    let t = token(&f, "worker_a").await;
    let csv = format!(
        "姓名,身份证号,民族,入党时间,转正时间,党费类别\n学生党员,{},汉族,2020/7/1,2021/7/1,学生\n",
        id("20000101", 91)
    );
    let r = send(
        &f.router,
        Request::post(format!("/api/v1/members/import?branch={}", f.branch_a))
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::from(csv))
            .unwrap(),
    )
    .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.body);
    let (category, base): (String, i64) = f
        .services
        .fixture_db()
        .fetch_one(
            "SELECT b.category, b.base_fen FROM dues_bases b JOIN members m ON m.id = b.member_id WHERE m.name = '学生党员'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!((category.as_str(), base), ("student", 0));
}
