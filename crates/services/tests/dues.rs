//! Party dues on both backends: bases, payments, a month collected on one page, arrears as
//! findings, refusals that name their rule and write nothing, the publication, and scope.

use chrono::NaiveDate;
use domain::family::dues::statement::MonthState;
use domain::member::{IdNumber, MemberInput};
use domain::rules::Severity;
use domain::scope::{Actor, Grant};
use services::dues::{BaseInput, HardshipInput, PaymentInput, QuarterlyInput};
use services::orgs::OrgInput;
use services::{HashCost, ServiceError, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;

fn person(name: &str, seq: u16, joined_on: &str) -> MemberInput {
    let birth = NaiveDate::from_ymd_opt(1985, 4, 5).unwrap();
    MemberInput {
        name: name.into(),
        id_number: IdNumber::from_parts("110105", birth, seq).unwrap().as_str().to_string(),
        ethnicity: "01".into(),
        joined_on: joined_on.into(),
        confirmed_on: String::new(),
        status: "probationary".into(),
        dues_category: "employed".into(),
        ..Default::default()
    }
}

fn full(name: &str, seq: u16) -> MemberInput {
    MemberInput { confirmed_on: "2011-06-01".into(), status: "full".into(), ..person(name, seq, "2010-06-01") }
}

fn org(name: &str, kind: &str) -> OrgInput {
    OrgInput {
        name: name.into(),
        kind: kind.into(),
        established_on: "2015-01-01".into(),
        term_start_on: "2024-06-01".into(),
        term_years: "3".into(),
        ..Default::default()
    }
}

fn base(from: &str, category: &str, amount: &str) -> BaseInput {
    BaseInput { from_month: from.into(), category: category.into(), base: amount.into(), ..Default::default() }
}

fn pay(month: &str, amount: &str, paid_on: &str) -> PaymentInput {
    PaymentInput { month: month.into(), amount: amount.into(), paid_on: paid_on.into(), ..Default::default() }
}

fn rule_of(e: ServiceError) -> String {
    match e {
        ServiceError::Invalid(f) => f.rule().map(|r| r.rule_id.clone()).unwrap_or_else(|| format!("{f}")),
        other => format!("{other:?}"),
    }
}

test_support::on_both_backends!(dues_bases_payments_arrears_and_publication);

async fn dues_bases_payments_arrears_and_publication(db: Db) {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = NaiveDate::from_ymd_opt(2026, 7, 10);
    let c = console_actor();
    let root = s.create_org(&c, None, &org("党委", "committee")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("一支部", "branch")).await.unwrap();
    let other = s.create_org(&c, Some(root.id), &org("二支部", "branch")).await.unwrap();
    let a = s.create_member(&c, b.id, None, &full("党员甲", 1)).await.unwrap();
    let st = s.create_member(&c, b.id, None, &full("党员乙", 3)).await.unwrap();
    // DUES-PROBATIONARY: admitted by the 支部大会 on 2026-04-20, pays from April.
    let p = s.create_member(&c, b.id, None, &person("党员丙", 5, "2026-04-20")).await.unwrap();
    let x = s.create_member(&c, other.id, None, &full("党员丁", 7)).await.unwrap();
    let worker = Actor {
        account_id: 9,
        username: "w".into(),
        grants: vec![Grant::PartyWorker { branch: b.org_path().unwrap() }],
    };
    let outsider = Actor {
        account_id: 10,
        username: "o".into(),
        grants: vec![Grant::PartyWorker { branch: other.org_path().unwrap() }],
    };

    // DUES-WHOLE-AMOUNT: 5100 pays 76.50; the member's category follows the base.
    s.record_dues_base(&worker, a, &base("2026-01", "employed", "5,100")).await.unwrap();
    s.record_dues_base(&worker, st, &base("2026-01", "student", "")).await.unwrap();
    s.record_dues_base(&worker, p, &base("2026-04", "employed", "3000")).await.unwrap();
    s.record_dues_base(&c, x, &base("2026-01", "retired", "5000.01")).await.unwrap();
    assert_eq!(s.member_for_edit(&worker, st).await.unwrap().dues_category.as_str(), "student");
    // DUES-FLAT: a farmer's choice above 1 yuan is refused; before joining is refused.
    let farmer = BaseInput { chosen: "1.5".into(), ..base("2026-01", "farmer", "") };
    assert_eq!(rule_of(s.record_dues_base(&worker, st, &farmer).await.unwrap_err()), "DUES-FLAT");
    assert!(s.record_dues_base(&worker, p, &base("2026-03", "employed", "3000")).await.is_err());
    // Outside the scope: not found, as if it did not exist.
    assert!(matches!(
        s.record_dues_base(&outsider, a, &base("2026-01", "employed", "1")).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(s.member_dues(&outsider, a, 2026).await, Err(ServiceError::NotFound)));

    // An empty amount pays the month's due.
    s.record_dues_payment(&worker, a, &pay("2026-01", "", "2026-01-15")).await.unwrap();
    // The month's collection on one page: everyone who owes February pays, except 甲.
    let got = s.collect_dues_month(&worker, b.id, "2026-02", "2026-02-20", "cash", &[a]).await.unwrap();
    assert_eq!((got.payments, got.amount.to_string()), (1, "0.20".into()), "乙 pays 0.20; 丙 owed nothing yet");
    // DUES-ORG-NO-PREPAY and DUES-PERIOD refusals write nothing.
    let before = s.member_dues(&worker, a, 2026).await.unwrap().payments.len();
    let by_org = PaymentInput { payer: "organization".into(), ..pay("2026-03", "", "2026-03-10") };
    assert_eq!(rule_of(s.record_dues_payment(&worker, a, &by_org).await.unwrap_err()), "DUES-ORG-NO-PREPAY");
    let withheld = PaymentInput { method: "工资代扣".into(), ..pay("2026-03", "", "2026-03-10") };
    assert_eq!(rule_of(s.record_dues_payment(&worker, a, &withheld).await.unwrap_err()), "DUES-ORG-NO-PREPAY");
    let special = PaymentInput { kind: "special".into(), ..pay("2026-03", "100", "2026-03-10") };
    assert_eq!(rule_of(s.record_dues_payment(&worker, a, &special).await.unwrap_err()), "DUES-ORG-NO-PREPAY");
    let advance = pay("2026-08", "", "2026-07-01");
    assert_eq!(rule_of(s.record_dues_payment(&worker, a, &advance).await.unwrap_err()), "DUES-PERIOD");
    assert_eq!(s.member_dues(&worker, a, 2026).await.unwrap().payments.len(), before);

    // DUES-ARREARS: 甲 paid January only: February to June are five months in arrears on
    // 10 July, a warning with the deadline of the sixth month's end.
    let d = s.member_dues(&worker, a, 2026).await.unwrap();
    assert_eq!(d.statement.lines[0].state, MonthState::Paid);
    assert_eq!(d.statement.lines[0].paid.to_string(), "76.50");
    assert_eq!(d.statement.lines[5].state, MonthState::Unpaid);
    assert_eq!(d.statement.lines[6].state, MonthState::Open);
    assert_eq!(d.statement.arrears.to_string(), "382.50");
    let f = &d.findings;
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!((f[0].rule_id, f[0].severity), ("DUES-ARREARS", Severity::Warning));
    assert_eq!(f[0].due, NaiveDate::from_ymd_opt(2026, 7, 31));
    // 丙 owes from April (DUES-PROBATIONARY): three months, the warning's threshold.
    let dp = s.member_dues(&worker, p, 2026).await.unwrap();
    assert_eq!(dp.statement.lines.first().map(|l| l.month.to_string()), Some("2026-04-01".into()));
    assert_eq!(dp.findings.len(), 1);

    // A hardship exemption for 乙 from March, approved above: no arrears for those months.
    let hardship = HardshipInput {
        from_month: "2026-03".into(),
        amount: "0".into(),
        studied_on: "2026-03-02".into(),
        approved_by: "党委".into(),
        approved_on: "2026-03-05".into(),
        reason: "家庭遭遇重大变故".into(),
        ..Default::default()
    };
    s.record_dues_hardship(&worker, st, &hardship).await.unwrap();
    let without_study = HardshipInput { studied_on: String::new(), ..hardship.clone() };
    assert!(s.record_dues_hardship(&worker, st, &without_study).await.is_err());
    let ds = s.member_dues(&worker, st, 2026).await.unwrap();
    assert_eq!(ds.statement.lines[2].state, MonthState::Exempt);
    assert!(ds.findings.is_empty());
    // Quarterly consent for 丙 from July: July's dues may be paid ahead within the quarter.
    let q = QuarterlyInput { from_month: "2026-07".into(), agreed_on: "2026-07-01".into(), ..Default::default() };
    s.record_dues_quarterly(&worker, p, &q).await.unwrap();
    s.record_dues_payment(&worker, p, &pay("2026-09", "", "2026-07-05")).await.unwrap();

    // The sheet: month totals, the warnings, the publication finding of last year.
    let sheet = s.branch_dues(&worker, b.id, 2026).await.unwrap();
    assert_eq!(sheet.rows.len(), 3);
    assert_eq!(sheet.months[0].paid.to_string(), "76.50");
    assert_eq!(sheet.months[1].paid.to_string(), "0.20");
    assert_eq!(sheet.months[1].arrears.to_string(), "76.50");
    let rules: Vec<&str> = sheet.findings.iter().map(|f| f.rule_id).collect();
    assert_eq!(rules.iter().filter(|r| **r == "DUES-ARREARS").count(), 2, "{rules:?}");
    assert!(rules.contains(&"DUES-PUBLISH"), "2025 was not published by March 2026: {rules:?}");
    s.publish_dues(&worker, b.id, 2025, "2026-07-01", "支部党员大会上公布").await.unwrap();
    assert!(s.publish_dues(&worker, b.id, 2025, "2026-07-02", "").await.is_err(), "once a year");
    let sheet = s.branch_dues(&worker, b.id, 2026).await.unwrap();
    assert!(!sheet.findings.iter().any(|f| f.rule_id == "DUES-PUBLISH"));

    // The member's own view.
    let own = Actor { account_id: 11, username: "m".into(), grants: vec![Grant::Member { member_id: a }] };
    let mine = s.member_dues(&own, a, 2026).await.unwrap();
    assert!(!mine.can_edit);
    assert!(matches!(s.member_dues(&own, st, 2026).await, Err(ServiceError::NotFound)));
    assert!(matches!(
        s.record_dues_payment(&own, a, &pay("2026-03", "", "2026-03-10")).await,
        Err(ServiceError::Forbidden)
    ));

    // The full check carries the dues family: 甲 has not paid since January; on 1 August
    // February to July are six months, DUES-ARREARS's violation, and CON-LAPSE's dues condition.
    let aug = NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
    let found = s.org_findings(&worker, b.id, 2026, aug).await.unwrap();
    let about_a = |rule: &str| found.iter().any(|f| f.rule_id == rule && f.member_id() == Some(a));
    assert!(about_a("DUES-ARREARS"), "{found:#?}");
    assert!(about_a("CON-LAPSE"), "{found:#?}");
    assert!(found.iter().any(|f| f.rule_id == "DUES-ARREARS" && f.severity == Severity::Violation));
    let july = s.org_findings(&worker, b.id, 2026, NaiveDate::from_ymd_opt(2026, 7, 31).unwrap()).await.unwrap();
    assert!(!july.iter().any(|f| f.rule_id == "CON-LAPSE" && f.member_id() == Some(a)), "five months: not yet");

    // A payment entered in error is removed, audited.
    let id = s.record_dues_payment(&worker, a, &pay("2026-03", "", "2026-07-01")).await.unwrap();
    s.delete_dues_payment(&worker, id).await.unwrap();
    assert!(s.delete_dues_payment(&outsider, id).await.is_err());
}
