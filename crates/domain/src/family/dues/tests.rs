//! The dues rules at their boundaries, named by rule ID.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::payment::{self, Payer, PaymentDraft, PaymentKind, PaymentMethod};
use super::statement::{self, BaseFact, HardshipFact, MemberDuesFacts, MonthState, PaymentFact, QuarterlyFact};
use super::*;
use crate::findings::When;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

fn yuan(s: &str) -> Fen {
    Fen::parse(s).unwrap_or_default()
}

fn due(category: DuesCategory, base: &str) -> String {
    due_with(DuesSettings::default(), category, base)
}

fn due_with(settings: DuesSettings, category: DuesCategory, base: &str) -> String {
    match quote(&national(), &settings, category, yuan(base), None, d(2026, 1, 1)) {
        Ok(q) => q.due.to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn dues_employed_brackets_at_each_boundary() {
    use DuesCategory::Employed;
    assert_eq!(due(Employed, "3000.00"), "15.00");
    assert_eq!(due(Employed, "3000.01"), "30.00");
    assert_eq!(due(Employed, "5000.00"), "50.00");
    assert_eq!(due(Employed, "5000.01"), "75.00");
    assert_eq!(due(Employed, "10000.00"), "150.00");
    assert_eq!(due(Employed, "10000.01"), "200.00");
    let q = quote(&national(), &DuesSettings::default(), Employed, yuan("4000"), None, d(2026, 1, 1));
    let q = q.ok();
    assert_eq!(q.as_ref().map(|q| q.rule_id), Some("DUES-EMPLOYED-BRACKETS"));
    assert_eq!(q.as_ref().map(|q| q.bracket.to_string()).as_deref(), Some("3000元以上至5000元（含）"));
    assert_eq!(q.as_ref().and_then(|q| q.rate).map(Rate::label), Some("1%".to_string()));
    assert_eq!(q.as_ref().and_then(|q| q.base_rule_id), Some("DUES-BASE"));
}

#[test]
fn dues_whole_amount_applies_one_rate_to_the_whole_base() {
    // The source's example: 5100 pays 76.50, not 3000×0.5% + 2000×1% + 100×1.5%.
    assert_eq!(due(DuesCategory::Employed, "5100"), "76.50");
}

#[test]
fn dues_annual_salary_and_self_employed_use_the_employed_brackets() {
    for c in [DuesCategory::AnnualSalary, DuesCategory::SelfEmployed, DuesCategory::Other] {
        assert_eq!(due(c, "5100"), "76.50", "{c:?}");
    }
    let q = quote(&national(), &DuesSettings::default(), DuesCategory::SelfEmployed, yuan("1"), None, d(2026, 1, 1));
    assert_eq!(q.ok().and_then(|q| q.base_rule_id), Some("DUES-SELF-EMPLOYED"));
}

#[test]
fn dues_retiree_pensions_at_the_boundary() {
    assert_eq!(due(DuesCategory::Retired, "5000.00"), "25.00");
    assert_eq!(due(DuesCategory::Retired, "5000.01"), "50.00");
    let q = quote(&national(), &DuesSettings::default(), DuesCategory::Retired, yuan("1"), None, d(2026, 1, 1));
    assert_eq!(q.ok().map(|q| q.rule_id), Some("DUES-RETIREE"));
}

#[test]
fn dues_flat_for_each_flat_category() {
    for c in [DuesCategory::Student, DuesCategory::Unemployed, DuesCategory::LowIncome, DuesCategory::Farmer] {
        assert_eq!(due(c, "0"), "0.20", "{c:?}");
        // The base is ignored.
        assert_eq!(due(c, "8000"), "0.20", "{c:?}");
    }
    let rules = national();
    let s = DuesSettings::default();
    let farmer = |chosen: &str| quote(&rules, &s, DuesCategory::Farmer, Fen::ZERO, Some(yuan(chosen)), d(2026, 1, 1));
    assert_eq!(farmer("1.00").map(|q| q.due.to_string()), Ok("1.00".into()));
    assert_eq!(farmer("0.20").map(|q| q.due.to_string()), Ok("0.20".into()));
    assert!(matches!(farmer("1.01"), Err(QuoteError::OutOfRange { rule_id: "DUES-FLAT", .. })));
    assert!(matches!(farmer("0.19"), Err(QuoteError::OutOfRange { rule_id: "DUES-FLAT", .. })));
    let student = quote(&rules, &s, DuesCategory::Student, Fen::ZERO, Some(yuan("0.5")), d(2026, 1, 1));
    assert!(matches!(student, Err(QuoteError::OutOfRange { rule_id: "DUES-FLAT", .. })));
    // The range printed, and in JSON as text with the settings' label.
    let q = farmer("0.50").map_err(|e| e.to_string());
    assert_eq!(q.as_ref().map(|q| q.bracket.to_string()), Ok("每月0.20至1.00元（自选）".to_string()));
    let student = quote(&rules, &s, DuesCategory::Student, Fen::ZERO, None, d(2026, 1, 1));
    assert_eq!(student.as_ref().map(|q| q.bracket.to_string()), Ok("每月0.20元".to_string()));
    let json = q.map(|q| serde_json::to_value(&q).map(|v| (v["bracket"].clone(), v["settings"].clone())));
    assert_eq!(
        json.ok().and_then(Result::ok),
        Some((serde_json::json!("每月0.20至1.00元（自选）"), serde_json::json!(s.label())))
    );
}

#[test]
fn dues_rounding_half_a_fen_under_each_setting() {
    // 3000.01 × 1% = 30.0001; 1500.50 × 0.5% = 7.5025; 2999.00 × 0.5% = 14.995 (half a fen).
    let with = |precision, mode| DuesSettings { precision, mode, ..DuesSettings::default() };
    use {Precision as P, RoundingMode as M};
    let e = DuesCategory::Employed;
    assert_eq!(due_with(with(P::Fen, M::HalfUp), e, "2999.00"), "15.00");
    assert_eq!(due_with(with(P::Fen, M::HalfUp), e, "2998.98"), "14.99");
    assert_eq!(due_with(with(P::Fen, M::Up), e, "2998.98"), "15.00");
    assert_eq!(due_with(with(P::Fen, M::Up), e, "3000.01"), "30.01");
    assert_eq!(due_with(with(P::Jiao, M::HalfUp), e, "2990.00"), "15.00"); // 14.95
    assert_eq!(due_with(with(P::Jiao, M::HalfUp), e, "2989.98"), "14.90"); // 14.9499
    assert_eq!(due_with(with(P::Jiao, M::Up), e, "2980.02"), "15.00"); // 14.9001
    assert_eq!(due_with(with(P::Yuan, M::HalfUp), e, "2900.00"), "15.00"); // 14.50
    assert_eq!(due_with(with(P::Yuan, M::HalfUp), e, "2899.98"), "14.00"); // 14.4999
    assert_eq!(due_with(with(P::Yuan, M::Up), e, "2800.02"), "15.00"); // 14.0001
    assert_eq!(due_with(with(P::Yuan, M::Up), e, "2800.00"), "14.00");
}

proptest! {
    #[test]
    fn the_quote_never_panics_nor_goes_negative(fen in 0..=crate::money::MAX_FEN, c in 0..9usize, p in 0..3usize, m in 0..2usize, chosen in proptest::option::of(0..1000i64)) {
        let settings = DuesSettings {
            precision: [Precision::Fen, Precision::Jiao, Precision::Yuan][p],
            mode: [RoundingMode::HalfUp, RoundingMode::Up][m],
            ..DuesSettings::default()
        };
        let base = Fen::new(fen).unwrap_or_default();
        let chosen = chosen.and_then(Fen::new);
        if let Ok(q) = quote(&national(), &settings, DuesCategory::ALL[c], base, chosen, d(2026, 5, 1)) {
            prop_assert!(q.due.fen() >= 0);
            if q.rate.is_some() {
                prop_assert_eq!(q.due.fen() % settings.precision.step(), 0);
            }
        }
    }
}

fn base(from: NaiveDate, category: DuesCategory, amount: &str) -> BaseFact {
    BaseFact { id: 1, from, category, base: yuan(amount), chosen: None }
}

fn paid(month: NaiveDate, amount: &str) -> PaymentFact {
    PaymentFact { id: 1, month, amount: yuan(amount), paid_on: month, voluntary: false }
}

fn facts(bases: Vec<BaseFact>, payments: Vec<PaymentFact>) -> MemberDuesFacts {
    MemberDuesFacts { member_id: 7, org_id: 3, bases, payments, ..MemberDuesFacts::default() }
}

fn statement_of(f: &MemberDuesFacts, as_of: NaiveDate) -> statement::Statement {
    statement::statement(&national(), |_| DuesSettings::default(), f, d(2026, 1, 1), d(2026, 12, 1), as_of)
}

#[test]
fn dues_change_applies_a_new_base_from_its_month() {
    let f = facts(
        vec![
            base(d(2026, 1, 1), DuesCategory::Employed, "4000"),
            BaseFact { id: 2, ..base(d(2026, 7, 1), DuesCategory::Employed, "6000") },
        ],
        vec![],
    );
    let s = statement_of(&f, d(2026, 12, 31));
    assert_eq!(s.lines[5].due.to_string(), "40.00");
    assert_eq!(s.lines[6].due.to_string(), "90.00");
    assert_eq!(s.due.to_string(), "780.00");
}

#[test]
fn dues_probationary_pay_from_the_month_of_the_assembly() {
    let f = MemberDuesFacts {
        owes_from: Some(d(2026, 4, 20)),
        ..facts(vec![base(d(2026, 1, 1), DuesCategory::Student, "0")], vec![])
    };
    let s = statement_of(&f, d(2026, 12, 31));
    assert_eq!(s.lines.first().map(|l| l.month), Some(d(2026, 4, 1)));
    assert_eq!(s.lines.len(), 9);
}

#[test]
fn dues_arrears_a_month_becomes_unpaid_the_day_after_its_last_day() {
    let f = facts(vec![base(d(2026, 3, 1), DuesCategory::Employed, "4000")], vec![]);
    let march = |s: statement::Statement| s.lines.into_iter().find(|l| l.month == d(2026, 3, 1));
    let state = |as_of| march(statement_of(&f, as_of)).map(|l| l.state);
    assert_eq!(state(d(2026, 3, 30)), Some(MonthState::Open));
    assert_eq!(state(d(2026, 3, 31)), Some(MonthState::Open));
    assert_eq!(state(d(2026, 4, 1)), Some(MonthState::Unpaid));
    let partly = facts(f.bases.clone(), vec![paid(d(2026, 3, 1), "39.99")]);
    let s = statement_of(&partly, d(2026, 4, 1));
    assert_eq!(march(s).map(|l| (l.state, l.outstanding().to_string())), Some((MonthState::Unpaid, "0.01".into())));
    let full = facts(f.bases.clone(), vec![paid(d(2026, 3, 1), "40.00")]);
    assert_eq!(march(statement_of(&full, d(2026, 4, 1))).map(|l| l.state), Some(MonthState::Paid));
}

fn arrears(f: &MemberDuesFacts, as_of: NaiveDate) -> Vec<(Severity, String)> {
    let s = statement_of(f, as_of);
    statement::evaluate(&national(), &DuesSettings::default(), 3, &s, &When::new(2026, as_of, 30))
        .into_iter()
        .map(|x| (x.severity, x.rule_id.to_string()))
        .collect()
}

#[test]
fn dues_arrears_the_third_month_warns_and_the_sixth_is_a_violation() {
    let f = facts(vec![base(d(2026, 1, 1), DuesCategory::Employed, "4000")], vec![]);
    // Two months ended unpaid: nothing yet.
    assert_eq!(arrears(&f, d(2026, 3, 31)), vec![]);
    // The third: a warning with a deadline.
    assert_eq!(arrears(&f, d(2026, 4, 1)), vec![(Severity::Warning, "DUES-ARREARS".into())]);
    let s = statement_of(&f, d(2026, 4, 1));
    let w = statement::evaluate(&national(), &DuesSettings::default(), 3, &s, &When::new(2026, d(2026, 4, 1), 30));
    assert_eq!(w.first().and_then(|w| w.due), Some(d(2026, 6, 30)));
    assert_eq!(w.first().map(|w| w.subject), Some(crate::findings::Subject::Member { id: 7 }));
    // The fifth still a warning, the sixth a violation.
    assert_eq!(arrears(&f, d(2026, 6, 30)), vec![(Severity::Warning, "DUES-ARREARS".into())]);
    assert_eq!(arrears(&f, d(2026, 7, 1)), vec![(Severity::Violation, "DUES-ARREARS".into())]);
    // A payment breaks the run.
    let broken = facts(f.bases.clone(), vec![paid(d(2026, 3, 1), "40")]);
    assert_eq!(arrears(&broken, d(2026, 7, 1)), vec![(Severity::Warning, "DUES-ARREARS".into())]);
    // The warning months are a committee setting.
    let s = statement_of(&f, d(2026, 3, 1));
    let two = DuesSettings { warn_months: 2, ..DuesSettings::default() };
    let found = statement::evaluate(&national(), &two, 3, &s, &When::new(2026, d(2026, 3, 1), 30));
    assert_eq!(found.len(), 1);
}

#[test]
fn dues_arrears_feed_con_lapse_months() {
    let f = facts(vec![base(d(2026, 1, 1), DuesCategory::Employed, "4000")], vec![paid(d(2026, 2, 1), "40")]);
    let s = statement_of(&f, d(2026, 4, 15));
    let months: Vec<NaiveDate> = s.unpaid_months().collect();
    assert_eq!(months, vec![d(2026, 1, 1), d(2026, 3, 1)]);
}

#[test]
fn dues_period_quarterly_payers_are_not_in_arrears_inside_their_quarter() {
    let f = MemberDuesFacts {
        quarterly: vec![QuarterlyFact { from: d(2026, 1, 1), to: None }],
        ..facts(vec![base(d(2026, 1, 1), DuesCategory::Employed, "4000")], vec![])
    };
    let states = |as_of| statement_of(&f, as_of).lines.iter().take(3).map(|l| l.state).collect::<Vec<_>>();
    assert_eq!(states(d(2026, 3, 31)), vec![MonthState::Open; 3]);
    assert_eq!(states(d(2026, 4, 1)), vec![MonthState::Unpaid; 3]);
    let paid_quarter = MemberDuesFacts {
        payments: vec![paid(d(2026, 1, 1), "40"), paid(d(2026, 2, 1), "40"), paid(d(2026, 3, 1), "40")],
        ..f.clone()
    };
    assert_eq!(
        statement_of(&paid_quarter, d(2026, 4, 1)).lines.iter().take(3).filter(|l| l.state == MonthState::Paid).count(),
        3
    );
}

#[test]
fn dues_hardship_reduces_or_exempts_the_due() {
    let f = MemberDuesFacts {
        hardships: vec![HardshipFact { id: 9, from: d(2026, 2, 1), to: Some(d(2026, 3, 1)), amount: Fen::ZERO }],
        ..facts(vec![base(d(2026, 1, 1), DuesCategory::Retired, "3000")], vec![])
    };
    let s = statement_of(&f, d(2026, 5, 1));
    let states: Vec<MonthState> = s.lines.iter().take(4).map(|l| l.state).collect();
    assert_eq!(states, vec![MonthState::Unpaid, MonthState::Exempt, MonthState::Exempt, MonthState::Unpaid]);
    assert_eq!(s.lines[1].hardship, Some(9));
}

#[test]
fn dues_base_months_without_a_base_are_never_arrears() {
    let f = facts(vec![base(d(2026, 6, 1), DuesCategory::Employed, "4000")], vec![]);
    let s = statement_of(&f, d(2026, 12, 31));
    assert_eq!(s.lines.iter().filter(|l| l.state == MonthState::NoBase).count(), 5);
    assert_eq!(s.arrears.to_string(), "240.00");
}

fn draft(month: NaiveDate, paid_on: NaiveDate) -> PaymentDraft {
    PaymentDraft {
        month,
        amount: yuan("40"),
        paid_on,
        method: PaymentMethod::Cash,
        payer: Payer::Member,
        proxy_name: String::new(),
        kind: PaymentKind::Regular,
        reason: String::new(),
    }
}

fn refused_by(r: Result<payment::Accepted, crate::FieldErrors>) -> Option<String> {
    r.err().and_then(|e| e.rule().map(|r| r.rule_id.clone()))
}

#[test]
fn dues_org_no_prepay_refuses_prepaying_withholding_and_special_dues() {
    let rules = national();
    let ok = draft(d(2026, 5, 1), d(2026, 5, 10));
    assert!(payment::check(&rules, &ok, false).is_ok());
    let by_org = PaymentDraft { payer: Payer::Organization, ..ok.clone() };
    assert_eq!(refused_by(payment::check(&rules, &by_org, false)), Some("DUES-ORG-NO-PREPAY".into()));
    let withheld = PaymentDraft { method: PaymentMethod::PayrollDeduction, ..ok.clone() };
    assert_eq!(refused_by(payment::check(&rules, &withheld, false)), Some("DUES-ORG-NO-PREPAY".into()));
    let special = PaymentDraft { kind: PaymentKind::Special, ..ok.clone() };
    assert_eq!(refused_by(payment::check(&rules, &special, false)), Some("DUES-ORG-NO-PREPAY".into()));
}

#[test]
fn dues_period_refuses_advance_payment_beyond_an_agreed_quarter() {
    let rules = national();
    let next_month = draft(d(2026, 6, 1), d(2026, 5, 10));
    assert_eq!(refused_by(payment::check(&rules, &next_month, false)), Some("DUES-PERIOD".into()));
    assert!(payment::check(&rules, &next_month, true).is_ok());
    let next_quarter = draft(d(2026, 7, 1), d(2026, 5, 10));
    assert_eq!(refused_by(payment::check(&rules, &next_quarter, true)), Some("DUES-PERIOD".into()));
    let by_proxy = PaymentDraft { payer: Payer::Proxy, ..draft(d(2026, 5, 1), d(2026, 5, 10)) };
    assert_eq!(refused_by(payment::check(&rules, &by_proxy, false)), Some("DUES-PERIOD".into()));
    let named = PaymentDraft { proxy_name: "王芳".into(), ..by_proxy };
    assert!(payment::check(&rules, &named, false).is_ok());
}

#[test]
fn dues_period_back_payment_beyond_six_months_needs_a_reason() {
    let rules = national();
    let six = draft(d(2026, 1, 1), d(2026, 7, 31));
    assert_eq!(payment::check(&rules, &six, false).map(|a| a.beyond_back_months), Ok(false));
    let seven = draft(d(2026, 1, 1), d(2026, 8, 1));
    assert_eq!(refused_by(payment::check(&rules, &seven, false)), Some("DUES-PERIOD".into()));
    let with_reason = PaymentDraft { reason: "外出务工，失去联系后恢复".into(), ..seven };
    assert_eq!(payment::check(&rules, &with_reason, false).map(|a| a.beyond_back_months), Ok(true));
}

#[test]
fn dues_voluntary_1000_yuan_or_more_goes_to_the_centre() {
    let rules = national();
    let v = |amount: &str| PaymentDraft {
        kind: PaymentKind::Voluntary,
        amount: yuan(amount),
        ..draft(d(2026, 5, 1), d(2026, 5, 2))
    };
    assert_eq!(payment::check(&rules, &v("999.99"), false).map(|a| a.to_centre), Ok(false));
    assert_eq!(payment::check(&rules, &v("1000.00"), false).map(|a| a.to_centre), Ok(true));
    // A voluntary payment is not an advance payment.
    let ahead = PaymentDraft { month: d(2026, 9, 1), ..v("50") };
    assert!(payment::check(&rules, &ahead, false).is_ok());
}

#[test]
fn dues_publish_is_due_by_the_committees_month() {
    let rules = national();
    let s = DuesSettings::default();
    let run = |as_of, published: &[i32]| {
        evaluate_publication(&rules, &s, 3, OrgKind::Branch, None, published, &When::new(2027, as_of, 30))
            .into_iter()
            .map(|f| f.severity)
            .collect::<Vec<_>>()
    };
    assert_eq!(run(d(2027, 2, 28), &[]), vec![]);
    assert_eq!(run(d(2027, 3, 1), &[]), vec![Severity::Upcoming]);
    assert_eq!(run(d(2027, 3, 31), &[]), vec![Severity::Upcoming]);
    assert_eq!(run(d(2027, 4, 1), &[]), vec![Severity::Violation]);
    assert_eq!(run(d(2027, 4, 1), &[2026]), vec![]);
    let young = evaluate_publication(
        &rules,
        &s,
        3,
        OrgKind::Branch,
        Some(d(2027, 1, 5)),
        &[],
        &When::new(2027, d(2027, 5, 1), 30),
    );
    assert!(young.is_empty());
}

#[test]
fn the_dues_rules_are_well_formed_and_listed() {
    let rules = national();
    for r in rules.rules() {
        assert_eq!(r.check.well_formed(), Ok(()), "{}", r.id);
    }
    let ids: Vec<&str> = rules.rules().iter().map(|r| r.id).collect();
    for id in ["DUES-BASE", "DUES-EMPLOYED-BRACKETS", "DUES-ARREARS", "DUES-PUBLISH", "DUES-USE", "DUES-COLLECTIVE"] {
        assert!(ids.contains(&id), "{id}");
    }
    // The rates are fixed nationally: a local table is refused.
    let local = Rule {
        check: Check::Arrears { months: 7 },
        ..rules.get("DUES-ARREARS").cloned().unwrap_or_else(|| rules.rules()[0].clone())
    };
    assert!(rules.tighten(&[local]).is_err());
}

fn spend(purpose: &str, decision: Option<account::Decision>, amount: &str) -> account::EntryDraft {
    account::EntryDraft {
        kind: account::EntryKind::Spent,
        amount: yuan(amount),
        on: d(2026, 6, 10),
        purpose: purpose.into(),
        decision,
    }
}

fn decided(on: NaiveDate, collective: bool) -> Option<account::Decision> {
    Some(account::Decision { meeting_id: 5, held_on: on, collective })
}

#[test]
fn dues_use_refuses_a_purpose_outside_the_five() {
    let rules = national();
    let ok = spend("training", decided(d(2026, 6, 1), true), "500");
    assert_eq!(account::check_entry(&rules, &ok, 100_000), Ok(Some(account::Purpose::Training)));
    assert_eq!(
        account::check_entry(&rules, &spend("培训党员", decided(d(2026, 6, 1), true), "500"), 100_000),
        Ok(Some(account::Purpose::Training))
    );
    let dinner = spend("聚餐", decided(d(2026, 6, 1), true), "500");
    let refused = account::check_entry(&rules, &dinner, 100_000).err();
    assert_eq!(refused.and_then(|e| e.rule().map(|r| r.rule_id.clone())), Some("DUES-USE".into()));
}

#[test]
fn dues_collective_needs_a_meeting_that_decided_before_the_spending() {
    let rules = national();
    let rule =
        |draft| account::check_entry(&rules, &draft, 100_000).err().and_then(|e| e.rule().map(|r| r.rule_id.clone()));
    assert_eq!(rule(spend("materials", None, "100")), Some("DUES-COLLECTIVE".into()));
    assert_eq!(rule(spend("materials", decided(d(2026, 6, 11), true), "100")), Some("DUES-COLLECTIVE".into()));
    assert_eq!(rule(spend("materials", decided(d(2026, 6, 1), false), "100")), Some("DUES-COLLECTIVE".into()));
    assert_eq!(rule(spend("materials", decided(d(2026, 6, 10), true), "100")), None, "the same day decides");
}

#[test]
fn dues_use_principle_spends_within_the_balance() {
    let rules = national();
    let draft = spend("hardship", decided(d(2026, 6, 1), true), "1000.00");
    assert!(account::check_entry(&rules, &draft, 100_000).is_ok());
    let over = spend("hardship", decided(d(2026, 6, 1), true), "1000.01");
    let rule = account::check_entry(&rules, &over, 100_000).err().and_then(|e| e.rule().map(|r| r.rule_id.clone()));
    assert_eq!(rule, Some("DUES-USE-PRINCIPLE".into()));
    // Income needs no purpose, no decision and no balance.
    let interest = account::EntryDraft { kind: account::EntryKind::Interest, ..spend("", None, "12.34") };
    assert_eq!(account::check_entry(&rules, &interest, 0), Ok(None));
}

proptest! {
    /// A statement never panics, covers every month asked for, and never owes more than is due.
    #[test]
    fn a_statement_never_panics_and_owes_at_most_the_due(
        bases in prop::collection::vec((0..24u32, 0..9usize, 0..2_000_000i64), 0..4),
        paid in prop::collection::vec((0..24u32, 0..20_000i64), 0..30),
        hardship in proptest::option::of((0..24u32, 0..200i64)),
        as_of_day in 0..900i64,
    ) {
        let start = d(2025, 1, 1);
        let month = |n: u32| crate::dates::add_months(start, n);
        let f = MemberDuesFacts {
            member_id: 1,
            org_id: 2,
            owes_from: Some(start),
            bases: bases.iter().enumerate().map(|(i, (m, c, b))| BaseFact {
                id: i as i64,
                from: month(*m),
                category: DuesCategory::ALL[*c],
                base: Fen::new(*b).unwrap_or_default(),
                chosen: None,
            }).collect(),
            payments: paid.iter().enumerate().map(|(i, (m, a))| PaymentFact {
                id: i as i64,
                month: month(*m),
                amount: Fen::new(*a).unwrap_or_default(),
                paid_on: month(*m),
                voluntary: false,
            }).collect(),
            hardships: hardship.iter().map(|(m, a)| HardshipFact { id: 9, from: month(*m), to: None, amount: Fen::new(*a).unwrap_or_default() }).collect(),
            ..MemberDuesFacts::default()
        };
        let as_of = start + chrono::Duration::days(as_of_day);
        let s = statement::statement(&national(), |_| DuesSettings::default(), &f, start, month(23), as_of);
        prop_assert_eq!(s.lines.len(), 24);
        prop_assert!(s.arrears <= s.due);
        for l in &s.lines {
            prop_assert!(l.outstanding() <= l.due);
        }
        let runs = s.arrears_runs();
        prop_assert_eq!(runs.iter().map(|r| r.months as usize).sum::<usize>(), s.unpaid_months().count());
        let _ = statement::evaluate(&national(), &DuesSettings::default(), 2, &s, &When::new(2025, as_of, 30));
    }
}

#[test]
fn dues_retain_keeps_the_committees_share_and_remits_the_rest() {
    let s = |retain_percent| DuesSettings { retain_percent, ..DuesSettings::default() };
    assert_eq!(s(0).to_remit(10_001), 10_001);
    assert_eq!(s(30).to_remit(10_001), 7_001, "the retained share is rounded down to the fen");
    assert_eq!(s(100).to_remit(10_001), 0);
}

#[test]
fn dues_probationary_a_member_by_letter_owes_from_the_month_after_paid_up_to() {
    // Joined in 2015, came by a letter paid up to August 2026: owes from September.
    assert_eq!(statement::owes_from(d(2015, 6, 1), Some(d(2026, 9, 1))), d(2026, 9, 1));
    // Without a letter, the month of joining.
    assert_eq!(statement::owes_from(d(2026, 3, 14), None), d(2026, 3, 1));
    // A letter month before joining (a typo) never moves the start earlier than joining.
    assert_eq!(statement::owes_from(d(2026, 3, 14), Some(d(2026, 1, 1))), d(2026, 3, 1));
}
