//! SZK-LECTURE (rules.md §12, **L**, seed 003 item 18): a school's party secretary and its
//! principal each give at least one 思政课 to teachers and students every semester.
//!
//! Semesters are judged in the year they end (the autumn semester of 2025 ends in January 2026 and
//! is judged with 2026). A semester that has ended gives a finding of the rule's severity for each
//! of the two who gave none; the semester still open on `as_of` gives an upcoming finding when it
//! ends within the notice days. The secretary is the org's secretary on the lesson's day (a lesson
//! by someone who became secretary later does not count); the principal's lesson is the one the
//! record marks as given by the principal (the principal need not hold a party post). The
//! secretary's half is judged only while the org has a secretary (on the semester's last day, or
//! on `as_of` for the open one).

use super::{Ctx, RecordFact};
use crate::dates::format_cn;
use crate::findings::{Finding, FixLink, RecordRef};
use crate::org_life::MeetingKind;
use crate::rules::{Param, Rule, Severity};
use crate::semester::{Semester, ending_in};

use super::Check;

pub(super) fn params(record: MeetingKind, semesters: &[Semester]) -> Vec<Param> {
    let calendar = if semesters.is_empty() {
        "未设定（按秋季学期9月1日至次年1月31日、春季学期2月1日至7月31日）".to_string()
    } else {
        semesters.iter().map(Semester::long_label).collect::<Vec<_>>().join("；")
    };
    vec![
        Param::new("record", "记录", record.label()),
        Param::new("who", "讲授人", "党组织书记、校长各至少1次"),
        Param::new("semesters", "学期", calendar),
    ]
}

pub(super) fn check_semesters(
    rule: &Rule<Check>,
    record: MeetingKind,
    semesters: &[Semester],
    ctx: &Ctx<'_>,
    out: &mut Vec<Finding>,
) {
    let org = ctx.org;
    let as_of = ctx.when.as_of;
    for s in ending_in(semesters, ctx.when.year) {
        if s.start > as_of || !rule.in_force_on(s.start) {
            continue;
        }
        let ended = s.end < as_of;
        if !ended && !ctx.when.within_notice(s.end) {
            continue;
        }
        let judged_on = if ended { s.end } else { as_of };
        if !org.exists_on(judged_on) || !super::conditions_hold(rule, org, judged_on) {
            continue;
        }
        let lessons: Vec<&RecordFact> = ctx
            .records
            .iter()
            .copied()
            .filter(|r| r.kind == record && r.org_id == org.org_id && s.contains(r.date))
            .collect();
        let by_secretary = lessons.iter().any(|r| r.lecturer_id.is_some() && r.lecturer_id == org.secretary_on(r.date));
        let by_principal = lessons.iter().any(|r| r.by_principal);
        let mut missing = Vec::new();
        if !by_secretary && org.secretary_on(judged_on).is_some() {
            missing.push("书记");
        }
        if !by_principal {
            missing.push("校长");
        }
        if missing.is_empty() {
            continue;
        }
        let who = missing.join("、");
        let looked_at = lessons.iter().map(|r| RecordRef::meeting(r.id));
        let finding = if ended {
            let fix =
                FixLink::new_meeting(format!("补录{}思政课", s.label()), org.org_id, record.as_str(), Some(s.start));
            Finding::new(rule, org.org_id, rule.severity, format!("{}{who}未讲思政课", s.long_label())).fix(fix)
        } else {
            let fix = FixLink::new_meeting("录入思政课", org.org_id, record.as_str(), Some(as_of));
            let message = format!("{}{who}尚未讲思政课，应于{}前讲授", s.label(), format_cn(s.end));
            Finding::new(rule, org.org_id, Severity::Upcoming, message).fix(fix)
        };
        out.push(finding.records(looked_at).due(s.end));
    }
}
