//! Members away (外出登记): a mobile member's departure, a graduate whose membership relation the
//! school keeps, a member studying abroad. Each is a dated record of the branch (the day they
//! left or graduated), so the deadlines below can be computed; the registry's 是否为流动党员 and
//! 外出流向 stay the national items, kept in step with the open mobile record.
//!
//! Readings:
//! - **EDU-TRANSFER** (《党员教育管理工作条例》第二十五条): a member away 6 months or more at a
//!   place that is relatively fixed (地点相对固定) transfers their membership relation. Due
//!   `away_months` calendar months after the day they left (clamped to the month's end); the due
//!   day itself is in time; a transfer already issued (pending) settles it.
//! - **EDU-GRADS** (第三十四条; 组通字〔2015〕33号): a school keeps a graduate's membership relation
//!   for at most `keep_years` years from graduation, extended once by at most `extension_years`
//!   with approval; a member studying abroad is kept for at most `abroad_years` years (beyond that
//!   the membership is normally suspended, EDU-SUSPEND). Either is contacted at least every
//!   `contact_months` months, counted from the last contact or, with none, from the day they left.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::{add_months, add_years, format_cn};
use crate::findings::{Finding, FixLink, Subject, When, pages};
use crate::rules::{Rule, Severity};

/// Why a member is away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AwayKind {
    /// 外出流动: working or living away (流动党员).
    Mobile,
    /// 毕业生: a graduate whose membership relation the school keeps.
    Graduate,
    /// 出国（境）学习研究: studying abroad.
    Abroad,
}

impl AwayKind {
    pub const ALL: [AwayKind; 3] = [Self::Mobile, Self::Graduate, Self::Abroad];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mobile => "mobile",
            Self::Graduate => "graduate",
            Self::Abroad => "abroad",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Mobile => "外出流动",
            Self::Graduate => "毕业生保留组织关系",
            Self::Abroad => "出国（境）学习研究",
        }
    }

    /// The label of the day the record starts from.
    pub fn since_label(self) -> &'static str {
        match self {
            Self::Mobile => "外出日期",
            Self::Graduate => "毕业日期",
            Self::Abroad => "出国（境）日期",
        }
    }
}

impl crate::codes::StoredCode for AwayKind {
    const WHAT: &'static str = "away kind";
    fn values() -> &'static [Self] {
        &Self::ALL
    }
    fn code(self) -> &'static str {
        self.as_str()
    }
}

/// A member away on the day checked, as the rules see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwayFact {
    pub member_id: i64,
    pub member_name: String,
    pub kind: AwayKind,
    /// The day they left, graduated or went abroad.
    pub left_on: NaiveDate,
    pub destination: String,
    /// 地点相对固定 (mobile members only).
    pub fixed_place: bool,
    /// A graduate's keeping extended, with approval, to this day.
    pub extended_to: Option<NaiveDate>,
    /// The latest contact on or before the day checked.
    pub last_contact: Option<NaiveDate>,
    /// A transfer of the member is issued and not yet settled on the day checked.
    pub transfer_pending: bool,
}

/// The last day a graduate may be kept: `keep_years` after graduating, or the approved
/// extension, which may not reach past `keep_years + extension_years`.
pub fn graduate_kept_until(left_on: NaiveDate, extended_to: Option<NaiveDate>, keep_years: u32) -> NaiveDate {
    let base = add_years(left_on, keep_years);
    match extended_to {
        Some(e) if e > base => e,
        _ => base,
    }
}

/// The latest day an extension may run to (EDU-GRADS: once, by at most `extension_years`).
pub fn longest_extension(left_on: NaiveDate, keep_years: u32, extension_years: u32) -> NaiveDate {
    add_years(left_on, keep_years + extension_years)
}

/// EDU-TRANSFER for members away at a fixed place: the transfer due `away_months` after leaving.
pub fn evaluate_fixed_place(
    rule: &Rule<super::Check>,
    away_months: u32,
    org_id: i64,
    away: &[AwayFact],
    when: &When,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in away.iter().filter(|a| a.kind == AwayKind::Mobile && a.fixed_place && !a.transfer_pending) {
        let due = add_months(a.left_on, away_months);
        let fix = FixLink::to("办理组织关系转接", pages::MEMBER_TRANSFER).param("id", a.member_id);
        let place = if a.destination.is_empty() { String::new() } else { format!("在{}", a.destination) };
        let subject = Subject::Member { id: a.member_id };
        if when.as_of > due {
            let message = format!(
                "{}自{}外出{place}，地点相对固定已满{away_months}个月，应于{}前转接组织关系，尚未办理",
                a.member_name,
                format_cn(a.left_on),
                format_cn(due)
            );
            out.push(Finding::new(rule, org_id, rule.severity, message).subject(subject).due(due).fix(fix));
        } else if when.within_notice(due) {
            let message = format!(
                "{}自{}外出{place}，地点相对固定，应于{}前转接组织关系",
                a.member_name,
                format_cn(a.left_on),
                format_cn(due)
            );
            out.push(Finding::new(rule, org_id, Severity::Upcoming, message).subject(subject).due(due).fix(fix));
        }
    }
    out
}

/// The parameters of EDU-GRADS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradsLimits {
    pub keep_years: u32,
    pub abroad_years: u32,
    pub contact_months: u32,
}

/// EDU-GRADS for graduates and members studying abroad: how long they are kept, and contact.
pub fn evaluate_kept(
    rule: &Rule<super::Check>,
    limits: GradsLimits,
    org_id: i64,
    away: &[AwayFact],
    when: &When,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in away.iter().filter(|a| a.kind != AwayKind::Mobile) {
        let subject = Subject::Member { id: a.member_id };
        let until = match a.kind {
            AwayKind::Graduate => graduate_kept_until(a.left_on, a.extended_to, limits.keep_years),
            _ => add_years(a.left_on, limits.abroad_years),
        };
        let what = match a.kind {
            AwayKind::Graduate => format!("毕业生党员{}（{}毕业）", a.member_name, format_cn(a.left_on)),
            _ => format!("出国（境）学习研究的党员{}（{}出国）", a.member_name, format_cn(a.left_on)),
        };
        let what = format!("{what}的组织关系保留期至{}", format_cn(until));
        if !a.transfer_pending {
            let (todo, fix) = match a.kind {
                AwayKind::Graduate => {
                    ("应转出组织关系", FixLink::to("办理组织关系转接", pages::MEMBER_TRANSFER).param("id", a.member_id))
                }
                _ => (
                    "超过保留期未归的，一般应停止党籍",
                    FixLink::to("记录停止党籍决定", pages::MEMBER_DECISION).param("id", a.member_id),
                ),
            };
            if when.as_of > until {
                let message = format!("{what}，已到期，{todo}");
                out.push(Finding::new(rule, org_id, rule.severity, message).subject(subject).due(until).fix(fix));
            } else if when.within_notice(until) {
                let message = format!("{what}，即将到期，{todo}");
                out.push(Finding::new(rule, org_id, Severity::Upcoming, message).subject(subject).due(until).fix(fix));
            }
        }
        let from = a.last_contact.unwrap_or(a.left_on);
        let due = add_months(from, limits.contact_months);
        let fix = FixLink::to("记录联系情况", pages::MEMBER_CONTACTS).param("id", a.member_id);
        let since = match a.last_contact {
            Some(last) => format!("最近一次联系在{}", format_cn(last)),
            None => {
                format!("自{}{}起尚无联系记录", format_cn(a.left_on), a.kind.since_label().trim_end_matches("日期"))
            }
        };
        if when.as_of > due {
            let message = format!(
                "{}（{}）{since}，已超过{}个月未联系（应于{}前联系）",
                a.member_name,
                a.kind.label(),
                limits.contact_months,
                format_cn(due)
            );
            out.push(Finding::new(rule, org_id, rule.severity, message).subject(subject).due(due).fix(fix));
        } else if when.within_notice(due) {
            let message = format!("{}（{}）应于{}前再次联系", a.member_name, a.kind.label(), format_cn(due));
            out.push(Finding::new(rule, org_id, Severity::Upcoming, message).subject(subject).due(due).fix(fix));
        }
    }
    out
}
