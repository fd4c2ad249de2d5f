//! CON-LAPSE (党章第九条): six consecutive months of no organizational life, no dues or no
//! assigned work.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Check, Ctx, LifeFacts};
use crate::family::lifecycle::DecisionKind;
use crate::findings::{Finding, FixLink, RecordRef, Subject, pages};
use crate::org_life::Attendance;
use crate::period::{Period, PeriodKind};
use crate::rules::{Rule, Severity};

/// What CON-LAPSE saw of a member in one calendar month.
#[derive(Default)]
struct LapseMonth {
    /// Expected at some organizational-life meeting of the month.
    expected: bool,
    /// Present, or excused (a good reason), at some meeting of the month.
    attended: bool,
    /// Records the member missed without excuse.
    absent: Vec<i64>,
}

/// Which of CON-LAPSE's three conditions a run is of: no organizational life, no dues, no
/// assigned work.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LapseKind {
    Life,
    Dues,
    Work,
}

impl LapseKind {
    fn label(self) -> &'static str {
        match self {
            Self::Life => "无正当理由未参加党的组织生活",
            Self::Dues => "无正当理由未交纳党费",
            Self::Work => "无正当理由不做党所分配的工作",
        }
    }
}

/// CON-LAPSE (党章第九条): a member lapses after `months` consecutive months of any one of
/// three conditions, without good reason: no organizational life, no dues, no assigned work.
///
/// Reading of "no organizational life": a month counts when the member was expected at one or
/// more meetings (any kind of record passed in) and missed all of them without excuse; attending
/// any meeting, or an excused absence (请假, a good reason), breaks the run. **A month in which the
/// member was expected at no meeting neither counts toward nor breaks the run**: the member had no
/// life to miss, the branch's missing meetings are its own MTG-* findings, and so a branch that
/// stops meeting cannot hide members who had stopped coming. The other two conditions are
/// recorded per month (unpaid dues from the dues family, refused work as a recorded fact): their
/// months must be consecutive calendar months.
///
/// Only months that have ended on `as_of` count. A run is reported when the months from the one
/// that completes it to its last overlap the year checked. The open month gives an upcoming
/// finding when a run of organizational life lacks only that month and it ends within the notice
/// days.
pub(super) fn check_lapse(rule: &Rule<Check>, months: u32, ctx: &Ctx<'_>, facts: &LifeFacts, out: &mut Vec<Finding>) {
    let org = ctx.org;
    if !org.exists_on(ctx.when.as_of) {
        return;
    }
    let required = usize::try_from(months.max(1)).unwrap_or(usize::MAX);
    let mut by_member: BTreeMap<i64, BTreeMap<NaiveDate, LapseMonth>> = BTreeMap::new();
    for r in &ctx.records {
        let month = Period::containing(PeriodKind::Month, r.date).start();
        for a in r.attendance.iter().filter(|a| !a.guest) {
            let entry = by_member.entry(a.member_id).or_default().entry(month).or_default();
            entry.expected = true;
            match a.attendance {
                Attendance::Present | Attendance::Excused => entry.attended = true,
                Attendance::Absent => entry.absent.push(r.id),
            }
        }
    }
    let current = Period::containing(PeriodKind::Month, ctx.when.as_of);
    for (member_id, member_months) in &by_member {
        // Only the months the member was expected at something: the others are skipped.
        let mut run: Vec<(Period, Vec<i64>)> = Vec::new();
        for (start, month) in member_months.iter().filter(|(_, m)| m.expected) {
            let p = Period::containing(PeriodKind::Month, *start);
            if !p.has_ended(ctx.when.as_of) {
                continue;
            }
            if month.attended {
                report_lapse(rule, ctx, *member_id, LapseKind::Life, &run, required, out);
                run.clear();
            } else {
                run.push((p, month.absent.clone()));
            }
        }
        report_lapse(rule, ctx, *member_id, LapseKind::Life, &run, required, out);
        // Upcoming: the run lacks only the open month.
        let attended_now = member_months.get(&current.start()).is_some_and(|m| m.attended);
        if required >= 2
            && run.len() == required - 1
            && !attended_now
            && current.year() == ctx.when.year
            && ctx.when.within_notice(current.end())
        {
            let message = format!(
                "党员（编号{member_id}）已连续{}个月无正当理由未参加党的组织生活，{}仍不参加将满{months}个月",
                run.len(),
                current.label()
            );
            out.push(
                Finding::new(rule, org.org_id, Severity::Upcoming, message)
                    .subject(Subject::Member { id: *member_id })
                    .period(current)
                    .records(run.iter().flat_map(|(_, ids)| ids.iter().map(|id| RecordRef::meeting(*id))))
                    .due(current.end()),
            );
        }
    }
    for (kind, by_month) in [(LapseKind::Dues, &facts.unpaid_dues), (LapseKind::Work, &facts.no_assigned_work)] {
        for (member_id, member_months) in by_month {
            let mut run: Vec<(Period, Vec<i64>)> = Vec::new();
            for start in member_months {
                let p = Period::containing(PeriodKind::Month, *start);
                if !p.has_ended(ctx.when.as_of) {
                    continue;
                }
                if run.last().is_some_and(|(last, _)| last.next() != Some(p)) {
                    report_lapse(rule, ctx, *member_id, kind, &run, required, out);
                    run.clear();
                }
                run.push((p, Vec::new()));
            }
            report_lapse(rule, ctx, *member_id, kind, &run, required, out);
        }
    }
}

fn report_lapse(
    rule: &Rule<Check>,
    ctx: &Ctx<'_>,
    member_id: i64,
    kind: LapseKind,
    run: &[(Period, Vec<i64>)],
    required: usize,
    out: &mut Vec<Finding>,
) {
    let (Some((first, _)), Some((completed, _)), Some((last, _))) =
        (run.first(), run.get(required.saturating_sub(1)), run.last())
    else {
        return;
    };
    let year = ctx.when.year;
    if run.len() < required || !(completed.year() <= year && year <= last.year()) {
        return;
    }
    // Months are consecutive in the calendar unless a month without any meeting lay between
    // (organizational life only): the message says which.
    let span = (last.year() - first.year()) * 12 + last.index() as i32 - first.index() as i32 + 1;
    let message = if usize::try_from(span).is_ok_and(|s| s == run.len()) {
        format!(
            "党员（编号{member_id}）{}至{}连续{}个月{}，按党章规定应视为自行脱党，请核实后提交支部党员大会讨论",
            first.label(),
            last.label(),
            run.len(),
            kind.label()
        )
    } else {
        format!(
            "党员（编号{member_id}）{}至{}期间，应参加组织生活的连续{}个月均{}（其间未安排组织生活的月份不计），按党章规定应视为自行脱党，请核实后提交支部党员大会讨论",
            first.label(),
            last.label(),
            run.len(),
            kind.label()
        )
    };
    // The review ends in a decision: the branch assembly discusses it (the message says so), and
    // the 自行脱党除名 it decides is recorded through the decision flow, which ends the finding.
    let fix = FixLink::to("党员大会讨论后记录自行脱党除名", pages::MEMBER_DECISION)
        .param("id", member_id)
        .param("kind", DecisionKind::LapseRemoved.as_str());
    out.push(
        Finding::new(rule, ctx.org.org_id, rule.severity, message)
            .subject(Subject::Member { id: member_id })
            .period(*completed)
            .records(run.iter().flat_map(|(_, ids)| ids.iter().map(|id| RecordRef::meeting(*id))))
            .fix(fix),
    );
}
