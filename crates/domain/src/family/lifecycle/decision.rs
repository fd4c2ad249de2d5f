//! Decisions on a member's membership (党籍处置) and party discipline (纪律处分): the only way a
//! member's status becomes 停止党籍, 已出党 or 已去世, or a member loses the rights to vote, stand
//! and introduce (EL-RIGHTS). Each decision has its day, the deciding body, the document number
//! and a reason; the status it leads to follows from its kind ([`DecisionKind::status_after`]).
//!
//! Readings:
//! - **Suspension** (EDU-SUSPEND, 《中国共产党党员教育管理工作条例》第二十四条): a member out of contact
//!   whose membership was suspended is to be removed as 自行脱党 when contact is still impossible 2
//!   years after the suspension. The deadline is the suspension day plus `removal_years`
//!   calendar years; on that day it is due, the day after it is overdue ([`evaluate_suspended`]).
//! - **留党察看** (`Observation`, 《中国共产党纪律处分条例》: one or two years): the member keeps
//!   their status but has no right to vote, stand or introduce from the decision day until the
//!   period ends or an earlier 恢复党员权利 decision ([`ObservationFact::covers`]).
//! - **Sanctions apply to full members.** A probationary member who breaks discipline has the
//!   probation extended or the qualification cancelled (取消预备党员资格), not a sanction.
//! - **Ways out of the party** are those of the national statistics (forms.md, table 10): 开除党籍,
//!   退党除名, 劝退, 劝而不退除名, 自行脱党除名, 取消预备党员资格.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::Check;
use crate::codes::MemberStatus;
use crate::dates::format_cn;
use crate::findings::{Finding, FixLink, Subject, When, pages};
use crate::rules::{Rule, Severity};

/// What a decision decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DecisionKind {
    /// 停止党籍 (EDU-SUSPEND).
    Suspend,
    /// 恢复党籍: a suspended member back in contact.
    Restore,
    /// 自行脱党除名 (EDU-REMOVE-LAPSE; EDU-SUSPEND after 2 years).
    LapseRemoved,
    /// 退党除名: the member asked to leave.
    WithdrawRemoved,
    /// 劝退: an unqualified member persuaded to leave.
    Persuaded,
    /// 劝而不退除名.
    PersuadedRemoved,
    /// 取消预备党员资格.
    ProbationCancelled,
    /// 死亡.
    Death,
    /// 警告 (sanction).
    Warning,
    /// 严重警告 (sanction).
    SeriousWarning,
    /// 撤销党内职务 (sanction).
    PostsRevoked,
    /// 留党察看 (sanction, one or two years): no rights to vote, stand or introduce.
    Observation,
    /// 恢复党员权利: the end of a 留党察看 before its period is out.
    RightsRestored,
    /// 开除党籍 (sanction).
    Expelled,
}

impl DecisionKind {
    pub const ALL: [DecisionKind; 14] = [
        Self::Suspend,
        Self::Restore,
        Self::LapseRemoved,
        Self::WithdrawRemoved,
        Self::Persuaded,
        Self::PersuadedRemoved,
        Self::ProbationCancelled,
        Self::Death,
        Self::Warning,
        Self::SeriousWarning,
        Self::PostsRevoked,
        Self::Observation,
        Self::RightsRestored,
        Self::Expelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suspend => "suspend",
            Self::Restore => "restore",
            Self::LapseRemoved => "lapse_removed",
            Self::WithdrawRemoved => "withdraw_removed",
            Self::Persuaded => "persuaded",
            Self::PersuadedRemoved => "persuaded_removed",
            Self::ProbationCancelled => "probation_cancelled",
            Self::Death => "death",
            Self::Warning => "warning",
            Self::SeriousWarning => "serious_warning",
            Self::PostsRevoked => "posts_revoked",
            Self::Observation => "observation",
            Self::RightsRestored => "rights_restored",
            Self::Expelled => "expelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Suspend => "停止党籍",
            Self::Restore => "恢复党籍",
            Self::LapseRemoved => "自行脱党除名",
            Self::WithdrawRemoved => "退党除名",
            Self::Persuaded => "劝退",
            Self::PersuadedRemoved => "劝而不退除名",
            Self::ProbationCancelled => "取消预备党员资格",
            Self::Death => "死亡",
            Self::Warning => "警告",
            Self::SeriousWarning => "严重警告",
            Self::PostsRevoked => "撤销党内职务",
            Self::Observation => "留党察看",
            Self::RightsRestored => "恢复党员权利",
            Self::Expelled => "开除党籍",
        }
    }

    /// A party discipline sanction (纪律处分), as opposed to a decision on membership.
    pub fn is_sanction(self) -> bool {
        matches!(self, Self::Warning | Self::SeriousWarning | Self::PostsRevoked | Self::Observation | Self::Expelled)
    }

    /// Whether the decision needs a document number (文号): all but a death.
    pub fn needs_document(self) -> bool {
        self != Self::Death
    }

    /// The status the member has after the decision, from `before`; `Err` with the reason in
    /// Chinese when the decision does not apply to a member with that status.
    pub fn status_after(self, before: MemberStatus) -> Result<MemberStatus, &'static str> {
        use MemberStatus::*;
        let active = matches!(before, Probationary | Full);
        match self {
            Self::Suspend if active => Ok(Suspended),
            Self::Suspend => Err("只能对正式党员或预备党员停止党籍"),
            Self::Restore if before == Suspended => Ok(Full),
            Self::Restore => Err("只有停止党籍的党员才能恢复党籍"),
            Self::ProbationCancelled if before == Probationary => Ok(Left),
            Self::ProbationCancelled => Err("只有预备党员才能取消预备党员资格"),
            Self::LapseRemoved | Self::WithdrawRemoved | Self::Persuaded | Self::PersuadedRemoved
                if active || before == Suspended =>
            {
                Ok(Left)
            }
            Self::Death if active || before == Suspended => Ok(Deceased),
            Self::Expelled if before == Full || before == Suspended => Ok(Left),
            Self::Warning | Self::SeriousWarning | Self::PostsRevoked | Self::Observation | Self::RightsRestored
                if before == Full =>
            {
                Ok(Full)
            }
            _ if self.is_sanction() && before == Probationary => {
                Err("预备党员违犯党纪的，应延长预备期或取消预备党员资格，不适用纪律处分")
            }
            Self::RightsRestored => Err("只有正式党员在留党察看期间才能恢复党员权利"),
            _ => Err("该党员当前的状态不适用这项决定"),
        }
    }

    /// The kinds a member with status `status` may be the subject of, in menu order.
    pub fn applicable(status: MemberStatus) -> Vec<DecisionKind> {
        Self::ALL.into_iter().filter(|k| k.status_after(status).is_ok()).collect()
    }
}

impl crate::codes::StoredCode for DecisionKind {
    const WHAT: &'static str = "decision kind";
    fn values() -> &'static [Self] {
        &Self::ALL
    }
    fn code(self) -> &'static str {
        self.as_str()
    }
}

/// The lengths of a 留党察看 in months (one year, two years).
pub const OBSERVATION_MONTHS: [u32; 2] = [12, 24];

/// The last day of a 留党察看 of `months` decided on `decided_on`: the day before the same date
/// `months` later (a period of one year from 2026-03-10 runs through 2027-03-09).
pub fn observation_last_day(decided_on: NaiveDate, months: u32) -> Option<NaiveDate> {
    decided_on.checked_add_months(Months::new(months))?.pred_opt()
}

/// A 留党察看 as the rules see it: the decision day, the period's last day and, when the rights
/// were restored earlier, the day of that decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ObservationFact {
    pub decided_on: NaiveDate,
    pub last_day: NaiveDate,
    pub restored_on: Option<NaiveDate>,
}

impl ObservationFact {
    /// EL-RIGHTS: whether the member is under 留党察看 on `day` (no right to vote, stand or
    /// introduce): from the decision day through the period's last day, ending the day before
    /// an earlier restoration.
    pub fn covers(&self, day: NaiveDate) -> bool {
        day >= self.decided_on && day <= self.last_day && self.restored_on.is_none_or(|r| day < r)
    }
}

/// EL-RIGHTS: whether a member with `status` on `day` has the rights to vote and stand there.
/// Only full members do, and not while under 留党察看.
pub fn votes_on(status: MemberStatus, observations: &[ObservationFact], day: NaiveDate) -> bool {
    status == MemberStatus::Full && !observations.iter().any(|o| o.covers(day))
}

/// What a decision form asks for, checked before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionInput {
    pub kind: DecisionKind,
    pub decided_on: NaiveDate,
    /// 决定机关: the committee or branch meeting that decided.
    pub body: String,
    /// 文号.
    pub document_no: String,
    pub reason: String,
    /// A 留党察看's length in months.
    pub months: Option<u32>,
}

/// A field the input got wrong, with the message in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionError {
    pub field: &'static str,
    pub message: String,
}

impl DecisionInput {
    /// The checks that need nothing stored: the fields each kind needs, and the day.
    pub fn validate(&self, today: NaiveDate) -> Result<(), Vec<DecisionError>> {
        let mut errors = Vec::new();
        let mut err =
            |field: &'static str, message: &str| errors.push(DecisionError { field, message: message.into() });
        if self.decided_on > today {
            err("decided_on", "决定日期不能晚于今天");
        }
        if self.body.trim().is_empty() {
            err("body", "请填写决定机关");
        }
        if self.kind.needs_document() && self.document_no.trim().is_empty() {
            err("document_no", "请填写决定文号");
        }
        if self.reason.trim().chars().count() < 4 {
            err("reason", "请写明事由（至少4个字）");
        }
        match (self.kind, self.months) {
            (DecisionKind::Observation, Some(m)) if OBSERVATION_MONTHS.contains(&m) => {}
            (DecisionKind::Observation, _) => err("months", "留党察看期限为一年或两年"),
            (_, Some(_)) => err("months", "只有留党察看需要填写期限"),
            (_, None) => {}
        }
        for (field, value) in [("body", &self.body), ("document_no", &self.document_no), ("reason", &self.reason)] {
            if value.chars().count() > 200 {
                err(field, "不能超过 200 个字");
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// A member whose membership is suspended, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuspensionFact {
    pub member_id: i64,
    pub member_name: String,
    pub suspended_on: NaiveDate,
}

/// The day by which a suspension decided on `suspended_on` must end in restoration or removal.
pub fn removal_due(suspended_on: NaiveDate, removal_years: u32) -> Option<NaiveDate> {
    suspended_on.checked_add_months(Months::new(removal_years.saturating_mul(12)))
}

/// EDU-SUSPEND for one branch: each member still suspended on the day, overdue the day after the
/// deadline, upcoming within the notice days before it.
pub fn evaluate_suspended(
    rule: &Rule<Check>,
    removal_years: u32,
    org_id: i64,
    suspended: &[SuspensionFact],
    when: &When,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in suspended.iter().filter(|s| s.suspended_on <= when.as_of) {
        let Some(due) = removal_due(s.suspended_on, removal_years) else { continue };
        let fix = FixLink::to("办理恢复党籍或除名", pages::MEMBER_DECISION).param("id", s.member_id);
        let subject = Subject::Member { id: s.member_id };
        if when.as_of > due {
            let message = format!(
                "{}自{}停止党籍已满{}年，仍无法取得联系的应按自行脱党予以除名，取得联系的应恢复党籍（期限{}）",
                s.member_name,
                format_cn(s.suspended_on),
                removal_years,
                format_cn(due)
            );
            out.push(Finding::new(rule, org_id, rule.severity, message).subject(subject).due(due).fix(fix));
        } else if when.within_notice(due) {
            let message = format!(
                "{}停止党籍将于{}满{}年，请作出恢复党籍或除名的决定",
                s.member_name,
                format_cn(due),
                removal_years
            );
            out.push(Finding::new(rule, org_id, Severity::Upcoming, message).subject(subject).due(due).fix(fix));
        }
    }
    out
}
