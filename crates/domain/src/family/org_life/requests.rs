//! REPORT-ONE-MATTER's answer deadline: a request (请示) that reached this org from an org below is
//! answered within the rule's days. A request still pending after its due day is a finding of the
//! rule's severity for this org, the superior (so the flow measures the upper level too); one due
//! within the notice days is upcoming. The day it reached the org is the day it was submitted, or
//! forwarded to it.

use super::{Check, Ctx, PendingRequest};
use crate::dates::format_cn;
use crate::findings::{Finding, FixLink, RecordRef, pages};
use crate::major_matter_report::answer_due;
use crate::rules::{Rule, Severity};

pub(super) fn check_answers(
    rule: &Rule<Check>,
    days: u32,
    requests: &[PendingRequest],
    ctx: &Ctx<'_>,
    out: &mut Vec<Finding>,
) {
    let as_of = ctx.when.as_of;
    for r in requests.iter().filter(|r| r.received_on <= as_of) {
        if !rule.in_force_on(r.received_on) {
            continue;
        }
        let due = answer_due(r.received_on, days);
        let fix = FixLink::to("答复请示", pages::MAJOR_MATTER_REPORT).param("id", r.id);
        let what = format!("{}的请示《{}》（{}收到）", r.from_org_name, r.title, format_cn(r.received_on));
        let finding = if as_of > due {
            let message = format!("{what}超过{days}天未答复，应于{}前答复", format_cn(due));
            Finding::new(rule, ctx.org.org_id, rule.severity, message)
        } else if ctx.when.within_notice(due) {
            Finding::new(rule, ctx.org.org_id, Severity::Upcoming, format!("{what}应于{}前答复", format_cn(due)))
        } else {
            continue;
        };
        out.push(finding.records([RecordRef::major_matter_report(r.id)]).fix(fix).due(due));
    }
}
