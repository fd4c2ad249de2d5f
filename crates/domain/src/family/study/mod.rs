//! The study family (学习培训): members' yearly class hours (学时) and the training classes they
//! come from. Rules of rules.md §6 and §12.
//!
//! | ID | check | where |
//! |---|---|---|
//! | EDU-TRAIN-HOURS | each member's concentrated study and training is generally at least 32 class hours a year | [`evaluate`] |
//! | EDU-SEC-HOURS (local: the 2019–2023 plan, successor unverified) | secretaries and committee members at least 56 hours and one concentrated training a year | [`evaluate`] |
//!
//! A member's hours of a year add up from the classes they completed that ended in the year, the
//! 党课 and study sessions they attended whose record states class hours, and totals imported
//! from an outside platform ([`YearHours`]). Time online, clicks and check-ins are never a
//! measure (seed 000): nothing here reads them.
//!
//! Findings come near the year's end (within the check's notice days of 31 December: who is
//! still short) and once it is over (who fell short), never earlier in the year, when every
//! member is "short" and the list would only be noise.

pub mod class;
pub mod hours;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::dates::format_cn;
use crate::findings::{Finding, FixLink, Subject, When, pages};
use crate::org::OrgKind;
use crate::period::{Period, PeriodKind};
use crate::rules::{Applicability, FamilyId, Loosening, Param, Rule, RuleCheck, RuleSet, RuleSource, Severity, Weaker};

pub use class::{ClassInput, TrainingClass, TrainingKind};
pub use hours::Hours;

pub const FAMILY: FamilyId = FamilyId { id: "study", label: "学习培训" };

/// What a study rule checks, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Check {
    /// EDU-TRAIN-HOURS: every member at least `hours` class hours a year.
    MemberHours { hours: u32 },
    /// EDU-SEC-HOURS: secretaries and committee members at least `hours` class hours and
    /// `concentrated` concentrated trainings (集中培训) a year.
    PostHolderHours { hours: u32, concentrated: u32 },
}

impl RuleCheck for Check {
    const FAMILY: FamilyId = FAMILY;

    fn same_kind(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// A committee may ask for more hours, never fewer.
    fn at_least_as_strict(&self, other: &Self) -> Result<(), Weaker> {
        let looser = match (self, other) {
            (Check::MemberHours { hours: l }, Check::MemberHours { hours: e }) => l < e,
            (
                Check::PostHolderHours { hours: l, concentrated: lc },
                Check::PostHolderHours { hours: e, concentrated: ec },
            ) => l < e || lc < ec,
            _ => false,
        };
        if looser { Err(Weaker::Loosens(Loosening::Threshold)) } else { Ok(()) }
    }

    fn well_formed(&self) -> Result<(), &'static str> {
        match self {
            Check::MemberHours { hours: 0 } | Check::PostHolderHours { hours: 0, .. } => Err("学时应大于0"),
            _ => Ok(()),
        }
    }

    fn params(&self) -> Vec<Param> {
        match self {
            Check::MemberHours { hours } => vec![Param::new("hours", "每年不少于（学时）", hours)],
            Check::PostHolderHours { hours, concentrated } => vec![
                Param::new("hours", "每年不少于（学时）", hours),
                Param::new("concentrated", "集中培训不少于（次）", concentrated),
            ],
        }
    }

    fn with_param(&self, name: &str, value: u32) -> Option<Self> {
        match (self, name) {
            (Check::MemberHours { .. }, "hours") => Some(Check::MemberHours { hours: value }),
            (Check::PostHolderHours { concentrated, .. }, "hours") => {
                Some(Check::PostHolderHours { hours: value, concentrated: *concentrated })
            }
            _ => None,
        }
    }
}

/// The national study rules.
pub fn national_rules() -> Vec<Rule<Check>> {
    vec![Rule::national(
        "EDU-TRAIN-HOURS",
        "党员每年集中学习培训时间一般不少于32学时",
        "《中国共产党党员教育管理工作条例》第二十条",
        Applicability::kinds(&[OrgKind::Branch]),
        Check::MemberHours { hours: 32 },
        Severity::Warning,
    )]
}

pub fn national() -> RuleSet<Check> {
    RuleSet::of(national_rules())
}

/// The name of the local rule set of [`local_rules`].
pub const POST_HOLDER_HOURS: &str = "书记和委员每年56学时";

/// The local rule sets a committee can switch on for its subtree: (name, what it requires).
pub const LOCAL_RULE_SETS: [(&str, &str); 1] = [(
    POST_HOLDER_HOURS,
    "基层党组织书记和班子成员每年学习培训不少于56学时，至少参加1次集中培训（出自2019–2023年全国党员教育培训工作规划，2024–2028年规划的要求未经核实，故不作为全国默认规则）",
)];

/// EDU-SEC-HOURS (rules.md §6, **M/L**: a five-year plan's figure, not the 条例): never a national
/// default; a committee switches it on for its subtree.
pub fn local_rules() -> Vec<Rule<Check>> {
    vec![Rule {
        source: RuleSource::Local(POST_HOLDER_HOURS.to_string()),
        ..Rule::national(
            "EDU-SEC-HOURS",
            "基层党组织书记和班子成员每年学习培训不少于56学时，至少参加1次集中培训",
            "《2019—2023年全国党员教育培训工作规划》",
            Applicability::kinds(&[OrgKind::Committee, OrgKind::GeneralBranch, OrgKind::Branch]),
            Check::PostHolderHours { hours: 56, concentrated: 1 },
            Severity::Warning,
        )
    }]
}

/// The rules of a local rule set by its name.
pub fn local_rule_set(name: &str) -> Option<Vec<Rule<Check>>> {
    (name == POST_HOLDER_HOURS).then(local_rules)
}

/// One person's class hours of a year, by where they came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct YearHours {
    pub member_id: i64,
    pub member_name: String,
    /// From the training classes completed that ended in the year.
    pub classes: Hours,
    /// From the 党课 and study sessions attended whose record states class hours.
    pub meetings: Hours,
    /// Totals imported from an outside platform.
    pub imported: Hours,
    /// Concentrated trainings (集中培训) completed in the year.
    pub concentrated: u32,
}

impl YearHours {
    pub fn total(&self) -> Hours {
        self.classes.saturating_add(self.meetings).saturating_add(self.imported)
    }
}

/// What the study family knows of one org for one year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StudyFacts {
    /// The branch's members on the day checked (the year's last day once it is over), with their
    /// hours of the year.
    pub members: Vec<YearHours>,
    /// The org's secretary, deputy secretaries and committee members on the same day.
    pub post_holders: Vec<YearHours>,
}

/// The day a year's hours are judged on: the year's last day once it is over, else the day of
/// the check.
pub fn judged_on(when: &When) -> Option<NaiveDate> {
    let end = NaiveDate::from_ymd_opt(when.year, 12, 31)?;
    Some(if when.as_of > end { end } else { when.as_of })
}

/// Whether the study family has anything to say for `when`: near the year's end or after it.
/// The check reads no hours otherwise.
pub fn in_season(when: &When) -> bool {
    NaiveDate::from_ymd_opt(when.year, 12, 31).is_some_and(|end| when.as_of > end || when.within_notice(end))
}

/// The study findings of one org for `when.year`.
pub fn evaluate(
    rules: &RuleSet<Check>,
    org_id: i64,
    org_kind: OrgKind,
    facts: &StudyFacts,
    when: &When,
) -> Vec<Finding> {
    let Some(end) = NaiveDate::from_ymd_opt(when.year, 12, 31) else { return Vec::new() };
    if !in_season(when) {
        return Vec::new();
    }
    let over = when.as_of > end;
    let period = Period::containing(PeriodKind::Year, end);
    let mut out = Vec::new();
    for rule in rules.in_force_on(end) {
        if !rule.applies_to.org_kinds.contains(&org_kind) {
            continue;
        }
        let (people, target, concentrated, who) = match rule.check {
            Check::MemberHours { hours } if org_kind == OrgKind::Branch => (&facts.members, hours, 0, "党员"),
            Check::PostHolderHours { hours, concentrated } => (&facts.post_holders, hours, concentrated, "书记、委员"),
            Check::MemberHours { .. } => continue,
        };
        let target = Hours::whole(target);
        for p in people {
            let total = p.total();
            let short_hours = total < target;
            let short_trainings = p.concentrated < concentrated;
            if !short_hours && !short_trainings {
                continue;
            }
            let mut missing = Vec::new();
            if short_hours {
                missing.push(format!("已记录{total}学时，差{}学时", total.short_of(target)));
            }
            if short_trainings {
                missing.push(format!("集中培训{}次（应不少于{concentrated}次）", p.concentrated));
            }
            let fix = FixLink::to("查看学时", pages::MEMBER_HOURS).param("id", p.member_id).param("year", when.year);
            let (severity, message) = if over {
                (
                    rule.severity,
                    format!("{who}{}{}年学习培训未达{target}学时：{}", p.member_name, when.year, missing.join("，")),
                )
            } else {
                (
                    Severity::Upcoming,
                    format!(
                        "{who}{}本年度{}，应于{}前达到{target}学时",
                        p.member_name,
                        missing.join("，"),
                        format_cn(end)
                    ),
                )
            };
            out.push(
                Finding::new(rule, org_id, severity, message)
                    .subject(Subject::Member { id: p.member_id })
                    .period(period)
                    .due(end)
                    .fix(fix),
            );
        }
    }
    out
}

/// The year a day belongs to, for the hours of a class (the year its last day falls in).
pub fn hours_year(day: NaiveDate) -> i32 {
    day.year()
}

#[cfg(test)]
mod tests;
