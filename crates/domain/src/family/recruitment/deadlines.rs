//! The deadlines of recruitment as findings about each person in it (subject
//! [`Subject::Candidate`], the person's id; the org that must act is their branch):
//! - DEV-TALK: the talk due a month after the application;
//! - DEV-HALFYEAR: an activist's assessment due six months after the last (or after becoming an
//!   activist);
//! - DEV-OBJECT: an activist who can be made a candidate (a year of cultivation complete), as a
//!   notice;
//! - DEV-APPROVAL-TIME: approval due three months after the assembly (a warning past it, a
//!   violation past six);
//! - DEV-PROBATION: the probation ending (notices 60 and 30 days before its last day and on it) and
//!   the confirmation not discussed after it (DEV-TRANSFER-PROB: a member transferred in may wait
//!   up to six months more);
//! - DEV-CONVERT-TIME: the confirmation approved three months after its assembly;
//! - the local practice, when switched on: DEV-L-REVIEW-VALID (a candidate's political review
//!   expiring before the assembly), DEV-L-PREREVIEW-TIME and DEV-L-ASSEMBLY-TIME.
//!
//! Each deadline's day itself is in time; the day after it is late.

use chrono::NaiveDate;

use super::Check;
use super::path::{PathFacts, probation_end};
use super::step::Step;
use crate::dates::{add_months, add_years, format_cn};
use crate::findings::{Finding, FixLink, Subject, When, pages};
use crate::rules::{Rule, RuleSet, Severity};

/// The days before the probation's last day on which a notice is given (60, 30, and the day).
pub const PROBATION_NOTICES: [i64; 3] = [60, 30, 0];

fn finding(rule: &Rule<Check>, p: &PathFacts, severity: Severity, due: NaiveDate, message: String) -> Finding {
    let fix = FixLink::to("记录下一步", pages::RECRUIT).param("id", p.person_id);
    Finding::new(rule, p.org_id, severity, message).subject(Subject::Candidate { id: p.person_id }).due(due).fix(fix)
}

/// A deadline: late the day after `due` (the rule's severity), a notice within the notice days.
fn deadline(
    out: &mut Vec<Finding>,
    rule: &Rule<Check>,
    p: &PathFacts,
    due: NaiveDate,
    when: &When,
    late: String,
    soon: String,
) {
    if when.as_of > due {
        out.push(finding(rule, p, rule.severity, due, late));
    } else if when.within_notice(due) {
        out.push(finding(rule, p, Severity::Upcoming, due, soon));
    }
}

/// The recruitment findings for these people on `when.as_of`. Steps recorded after the day are
/// not seen: a past day is judged as it stood.
pub fn evaluate(rules: &RuleSet<Check>, people: &[PathFacts], when: &When) -> Vec<Finding> {
    let mut out = Vec::new();
    for whole in people.iter().filter(|p| !p.ended) {
        let p =
            PathFacts { steps: whole.steps.iter().filter(|s| s.on <= when.as_of).copied().collect(), ..whole.clone() };
        let postpone = postpone_months(rules, when.as_of);
        for rule in rules.in_force_on(when.as_of) {
            evaluate_rule(rule, &p, postpone, when, &mut out);
        }
    }
    out
}

/// `postpone`: the months DEV-TRANSFER-PROB allows a member transferred in.
fn evaluate_rule(rule: &Rule<Check>, p: &PathFacts, postpone: u32, when: &When, out: &mut Vec<Finding>) {
    let name = &p.name;
    match rule.check {
        Check::Talk { months } => {
            if let (Some(applied), false) = (p.first(Step::Apply), p.has(Step::Talk)) {
                let due = add_months(applied, months);
                let late =
                    format!("{name}于{}递交入党申请书，应在{}前派人谈话，尚未谈话", format_cn(applied), format_cn(due));
                deadline(out, rule, p, due, when, late, format!("{name}的入党谈话应在{}前进行", format_cn(due)));
            }
        }
        Check::Assessment { months } => {
            if let (Some(since), false) = (p.first(Step::Activist), p.has(Step::Candidate)) {
                let last = p.last(Step::Cultivation).unwrap_or(since).max(since);
                let due = add_months(last, months);
                let late = format!("入党积极分子{name}上次考察在{}，应在{}前再次考察", format_cn(last), format_cn(due));
                deadline(
                    out,
                    rule,
                    p,
                    due,
                    when,
                    late,
                    format!("入党积极分子{name}应在{}前进行半年考察", format_cn(due)),
                );
            }
        }
        Check::Cultivation { years } => {
            if let (Some(since), false) = (p.first(Step::Activist), p.has(Step::Candidate)) {
                let ready = add_years(since, years);
                if when.as_of >= ready || when.within_notice(ready) {
                    let message = format!(
                        "入党积极分子{name}自{}起培养教育，{}满{years}年，可经支部委员会讨论列为发展对象",
                        format_cn(since),
                        format_cn(ready)
                    );
                    out.push(finding(rule, p, Severity::Upcoming, ready, message));
                }
            }
        }
        Check::ApprovalTime { months, hard_months } => {
            if let (Some(assembly), false) = (p.first(Step::AdmissionAssembly), p.has(Step::AdmissionApproval)) {
                let (due, hard) = (add_months(assembly, months), add_months(assembly, hard_months));
                let passed = format!("{name}经支部大会（{}）通过接收", format_cn(assembly));
                if when.as_of > hard {
                    let m = format!("{passed}已超过{hard_months}个月未审批，须重新履行接收手续");
                    out.push(finding(rule, p, Severity::Violation, hard, m));
                } else if when.as_of > due {
                    let m = format!("{passed}，应在{}前审批，特殊情况最迟{}", format_cn(due), format_cn(hard));
                    out.push(finding(rule, p, Severity::Warning, hard, m));
                } else if when.within_notice(due) {
                    let m = format!("{passed}，上级党委应在{}前审批", format_cn(due));
                    out.push(finding(rule, p, Severity::Upcoming, due, m));
                }
            }
        }
        Check::Probation { years, .. } => {
            let approved = p.has(Step::AdmissionApproval);
            if let (Some(assembly), true, false) =
                (p.first(Step::AdmissionAssembly), approved, p.has(Step::ConfirmationAssembly))
            {
                let end = probation_end(assembly, years, p.extension_months);
                // DEV-TRANSFER-PROB: a member transferred in may be discussed up to the rule's
                // months later (the confirmation still dates from the end of probation).
                let due = add_months(end, if p.transferred_in_on.is_some() { postpone } else { 0 });
                let days_left = (end - when.as_of).num_days();
                if when.as_of > due {
                    let late = format!("预备党员{name}的预备期已于{}期满，尚未召开支部大会讨论转正", format_cn(end));
                    out.push(finding(rule, p, rule.severity, due, late));
                } else if when.as_of > end {
                    let m = format!(
                        "预备党员{name}的预备期已于{}期满，转入后可推迟至{}前讨论转正",
                        format_cn(end),
                        format_cn(due)
                    );
                    out.push(finding(rule, p, Severity::Upcoming, due, m));
                } else if let Some(tier) = PROBATION_NOTICES.iter().rev().find(|t| days_left <= **t) {
                    // The notices of the probation's end: 60, 30 days before, and the day itself.
                    let m = if *tier == 0 {
                        format!("预备党员{name}的预备期今天（{}）期满，请召开支部大会讨论转正", format_cn(end))
                    } else {
                        format!(
                            "预备党员{name}的预备期将于{}期满（{tier}天内，还有{days_left}天），请准备转正",
                            format_cn(end)
                        )
                    };
                    out.push(finding(rule, p, Severity::Upcoming, end, m));
                }
            }
        }
        Check::ReviewValid { years } => {
            if let (Some(reviewed), Some(true), false) =
                (p.last(Step::PoliticalReview), p.review_passed, p.has(Step::AdmissionAssembly))
            {
                let valid = add_years(reviewed, years);
                let late = format!(
                    "发展对象{name}的政治审查（{}）已于{}届满{years}年有效期，应重新审查",
                    format_cn(reviewed),
                    format_cn(valid)
                );
                let soon = format!("发展对象{name}的政治审查将于{}届满有效期，请在此前召开支部大会", format_cn(valid));
                deadline(out, rule, p, valid, when, late, soon);
            }
        }
        Check::PreReviewTime { months } => {
            if let (Some(reviewed), false) = (p.first(Step::CommitteeReview), p.has(Step::PreReview)) {
                let due = add_months(reviewed, months);
                let late =
                    format!("发展对象{name}经支部委员会审查（{}），应在{}前预审", format_cn(reviewed), format_cn(due));
                deadline(out, rule, p, due, when, late, format!("发展对象{name}的预审应在{}前完成", format_cn(due)));
            }
        }
        Check::AssemblyTime { months } => {
            if let (Some(pre), false) = (p.first(Step::PreReview), p.has(Step::AdmissionAssembly)) {
                let due = add_months(pre, months);
                let late = format!("发展对象{name}预审（{}）后，应在{}前召开支部大会", format_cn(pre), format_cn(due));
                deadline(
                    out,
                    rule,
                    p,
                    due,
                    when,
                    late,
                    format!("发展对象{name}的支部大会应在{}前召开", format_cn(due)),
                );
            }
        }
        Check::ConfirmationTime { months } => {
            if let (Some(assembly), false) = (p.first(Step::ConfirmationAssembly), p.has(Step::ConfirmationApproval)) {
                let due = add_months(assembly, months);
                let late = format!(
                    "预备党员{name}的转正经支部大会（{}）讨论，应在{}前审批，尚未审批",
                    format_cn(assembly),
                    format_cn(due)
                );
                deadline(out, rule, p, due, when, late, format!("预备党员{name}的转正应在{}前审批", format_cn(due)));
            }
        }
        _ => {}
    }
}

/// The months DEV-TRANSFER-PROB allows in `rules` on `day` (none without the rule).
pub fn postpone_months(rules: &RuleSet<Check>, day: NaiveDate) -> u32 {
    rules
        .in_force_on(day)
        .find_map(|r| match r.check {
            Check::TransferPostpone { months } => Some(months),
            _ => None,
        })
        .unwrap_or(0)
}
