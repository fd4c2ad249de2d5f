//! The deadlines of recruitment as findings about each person in it (subject
//! [`Subject::Candidate`], the person's id; the org that must act is their branch):
//! - DEV-TALK: the talk due a month after the application;
//! - DEV-HALFYEAR: an activist's assessment due six months after the last (or after becoming an
//!   activist);
//! - DEV-OBJECT: an activist who can be made a candidate (a year of cultivation complete), as a
//!   notice;
//! - DEV-APPROVAL-TIME: approval due three months after the assembly (a warning past it, a
//!   violation past six);
//! - DEV-PROBATION: the probation ending (a notice from the notice days before its last day) and
//!   the confirmation not discussed after it (DEV-TRANSFER-PROB: a member transferred in may wait
//!   up to six months more);
//! - DEV-CONVERT-TIME: the confirmation approved three months after its assembly.
//!
//! Each deadline's day itself is in time; the day after it is late.

use chrono::NaiveDate;

use super::Check;
use super::path::{PathFacts, probation_end};
use super::step::Step;
use crate::dates::{add_months, add_years, format_cn};
use crate::findings::{Finding, FixLink, Subject, When, pages};
use crate::rules::{Rule, RuleSet, Severity};

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
                let late = format!("预备党员{name}的预备期已于{}期满，尚未召开支部大会讨论转正", format_cn(end));
                let soon = format!("预备党员{name}的预备期将于{}期满，请及时讨论转正", format_cn(end));
                deadline(out, rule, p, due, when, late, soon);
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
