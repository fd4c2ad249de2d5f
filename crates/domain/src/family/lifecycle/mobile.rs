//! Mobile members (流动党员, EDU-FLOATING, 《中国共产党党员教育管理工作条例》第三十二条): a member away
//! six months or more without transferring is kept in regular contact. The branch records each
//! contact (date, way, who, note); a mobile member is one flagged so in the registry (the national
//! system's 是否为流动党员 and 外出流向, not a parallel field).
//!
//! Reading: contact at least every `months` months. The next contact is due `months` calendar
//! months after the last one (clamped to the month's end); the due day itself is in time and the
//! day after it is overdue. With no contact on record, the first is due `months` after the day
//! they left (外出登记); when the registry does not say since when they are away, it is a warning
//! without a deadline, asking the branch to record the last contact.

use chrono::NaiveDate;
use serde::Serialize;

use super::Check;
use crate::dates::{add_months, format_cn};
use crate::findings::{Finding, FixLink, Subject, When, pages};
use crate::rules::{Rule, Severity};

/// A mobile member of a branch as the rule sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MobileFact {
    pub member_id: i64,
    pub member_name: String,
    pub destination: String,
    /// The day they left, from their open 外出登记, if recorded.
    pub left_on: Option<NaiveDate>,
    /// The latest contact recorded on or before the day checked.
    pub last_contact: Option<NaiveDate>,
}

/// The day the next contact is due after one on `last`.
pub fn next_contact_due(last: NaiveDate, months: u32) -> NaiveDate {
    add_months(last, months)
}

/// EDU-FLOATING for one branch.
pub fn evaluate(rule: &Rule<Check>, months: u32, org_id: i64, mobile: &[MobileFact], when: &When) -> Vec<Finding> {
    let mut out = Vec::new();
    for m in mobile {
        let fix = FixLink::to("记录联系情况", pages::MEMBER_CONTACTS).param("id", m.member_id);
        let subject = Subject::Member { id: m.member_id };
        let away =
            if m.destination.is_empty() { String::new() } else { format!("（外出流向：{}）", m.destination) };
        let Some(from) = m.last_contact.or(m.left_on) else {
            let message = format!("流动党员{}{away}尚无联系记录，请记录最近一次联系情况", m.member_name);
            out.push(Finding::new(rule, org_id, Severity::Warning, message).subject(subject).fix(fix));
            continue;
        };
        let due = next_contact_due(from, months);
        let since = match m.last_contact {
            Some(last) => format!("最近一次联系在{}", format_cn(last)),
            None => format!("自{}外出后尚无联系记录", format_cn(from)),
        };
        if when.as_of > due {
            let message = format!(
                "流动党员{}{away}{since}，已超过{months}个月未联系（应于{}前联系）",
                m.member_name,
                format_cn(due)
            );
            out.push(Finding::new(rule, org_id, rule.severity, message).subject(subject).due(due).fix(fix));
        } else if when.within_notice(due) {
            let message = format!("流动党员{}{away}应于{}前再次联系", m.member_name, format_cn(due));
            out.push(Finding::new(rule, org_id, Severity::Upcoming, message).subject(subject).due(due).fix(fix));
        }
    }
    out
}
