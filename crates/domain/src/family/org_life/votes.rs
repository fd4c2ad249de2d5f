//! DEV-ASM-QUORUM / EL-QUORUM: a 党员大会 vote judged by its own purpose's quorum.

use super::{Check, Ctx, quorum_finding};
use crate::dates::format_cn;
use crate::findings::Finding;
use crate::org_life::{MeetingKind, VotePurpose};
use crate::period::{Period, PeriodKind};
use crate::rules::Rule;

/// DEV-ASM-QUORUM / EL-QUORUM: each 党员大会 vote of `purpose` in the year, up to `as_of`, that
/// lacked its own quorum: a violation as soon as the record exists, about the record.
pub(super) fn check_vote_quorum(rule: &Rule<Check>, purpose: VotePurpose, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let org = ctx.org;
    for r in ctx.records.iter().filter(|r| r.org_id == org.org_id && r.kind == MeetingKind::BranchAssembly) {
        let p = Period::containing(PeriodKind::Month, r.date);
        if p.year() != ctx.when.year || !rule.in_force_on(r.date) {
            continue;
        }
        for v in r.votes.iter().filter(|v| v.purpose == purpose) {
            if v.votes().quorum_met_for(purpose) {
                continue;
            }
            let (who, share, what) = match purpose {
                VotePurpose::Election => ("有选举权的党员", "未超过五分之四", "选举无效"),
                _ => ("有表决权的党员", "未超过半数", "表决无效"),
            };
            let message = format!(
                "{}{}{}，{who}到会{share}（应到{}人，实到{}人），{what}",
                format_cn(r.date),
                r.kind.label(),
                purpose.label(),
                v.voters_expected,
                v.voters_present
            );
            out.push(quorum_finding(rule, org, p, r, message));
        }
    }
}
