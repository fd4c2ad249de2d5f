//! REPORT-ONE-MATTER's answer deadline (rules.md §12): a request pending with the superior past
//! its due day is the superior's finding; the due day itself is still in time.

use chrono::NaiveDate;
use domain::family::org_life::{self, LifeFacts, PendingRequest};
use domain::family::{OrgFacts, Rules};
use domain::findings::When;
use domain::org::OrgKind;
use domain::rules::Severity;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn found(as_of: NaiveDate, days: Option<u32>) -> Vec<(Severity, String)> {
    let mut rules = Rules::national();
    if let Some(days) = days {
        let rule = rules.org_life.get("REPORT-ONE-MATTER").unwrap().clone();
        let check = domain::rules::RuleCheck::with_param(&rule.check, "days", days).unwrap();
        let source = domain::rules::RuleSource::Local("答复期限".into());
        rules.org_life = rules.org_life.tighten(&[domain::rules::Rule { check, source, ..rule }]).unwrap();
    }
    let facts = LifeFacts {
        requests: vec![PendingRequest {
            id: 5,
            received_on: d(2026, 11, 2),
            title: "关于调整党支部设置的请示".into(),
            from_org_name: "一中党支部".into(),
        }],
        ..LifeFacts::default()
    };
    let org = OrgFacts::new(1, OrgKind::Committee);
    let eval = org_life::evaluate(&rules.org_life, &org, &facts, &When::new(2026, as_of, 10));
    eval.findings.into_iter().filter(|f| f.rule_id == "REPORT-ONE-MATTER").map(|f| (f.severity, f.message)).collect()
}

#[test]
fn report_one_matter_an_answer_is_due_thirty_days_after_the_request_arrives() {
    // Received 2 November: due 2 December. On the due day, upcoming; the day after, a warning.
    assert!(found(d(2026, 11, 20), None).is_empty());
    let due_day = found(d(2026, 12, 2), None);
    assert_eq!(due_day.len(), 1);
    assert_eq!(due_day[0].0, Severity::Upcoming);
    let late = found(d(2026, 12, 3), None);
    assert_eq!(late[0].0, Severity::Warning);
    assert_eq!(
        late[0].1,
        "一中党支部的请示《关于调整党支部设置的请示》（2026年11月2日收到）超过30天未答复，应于2026年12月2日前答复"
    );
}

#[test]
fn report_one_matter_a_committee_may_shorten_the_deadline() {
    // 15 days: due 17 November.
    assert_eq!(found(d(2026, 11, 17), Some(15))[0].0, Severity::Upcoming);
    assert_eq!(found(d(2026, 11, 18), Some(15))[0].0, Severity::Warning);
    use domain::rules::RuleCheck;
    let thirty = org_life::Check::AnswerWithin { days: 30 };
    assert!(org_life::Check::AnswerWithin { days: 15 }.at_least_as_strict(&thirty).is_ok());
    assert!(org_life::Check::AnswerWithin { days: 40 }.at_least_as_strict(&thirty).is_err());
}
