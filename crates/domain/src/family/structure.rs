//! The org-structure family (组织设置): branch size, the committee, its term and its renewal.
//! These describe the org as of `as_of`, whatever the year checked: members are counted on that
//! day and the committee is the one in office on it.
//!
//! | ID | check | severity |
//! |---|---|---|
//! | ORG-BRANCH-MIN | ≥3 full members; generally ≤50 members (branches) | warning (see below) |
//! | ORG-COMMITTEE | a secretary; ≥7 full members → committee of 3–7 people; <7 → none (branches) | violation |
//! | ORG-TERM | term recorded, 3–5 years (committees, general branches, branches) | violation |
//! | ORG-RENEWAL | reminder 6 months ahead; ≤1 year late warning, later violation | violation |
//!
//! ORG-BRANCH-MIN is a warning as a whole: the ceiling is worded "一般", and Art. 4 says when a
//! branch must be set up, not that one with fewer than 3 full members must be dissolved (it should
//! be merged or joined with others, ORG-JOINT). One reading of our own: a branch that still has a
//! committee with fewer than 7 full members (ORG-COMMITTEE) is a warning, because members leaving
//! mid-term do not dissolve an elected committee; the structure is adjusted at the next election,
//! which the finding asks for. The committee's size counts people, not posts: one person holding
//! two posts is one member, and 委员 without a named post count.

use serde::Serialize;

use crate::dates::{add_months, anniversary, format_cn};
use crate::family::OrgFacts;
use crate::findings::{Finding, FixLink, When, pages};
use crate::org::OrgKind;
use crate::org_life::MeetingKind;
use crate::rules::{Applicability, FamilyId, Loosening, Param, Rule, RuleCheck, RuleSet, Severity, Weaker};

/// What a structure rule checks, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Check {
    /// ORG-COMMITTEE: every branch has a secretary; with `min_full_members` or more full members
    /// a branch sets up a committee of `min_size` or more people, generally no more than
    /// `max_size`; with fewer it has none.
    CommitteeStructure { min_full_members: u32, min_size: u32, max_size: u32 },
    /// ORG-BRANCH-MIN: at least `min_full` full members; generally at most `max_members` members.
    BranchSize { min_full: u32, max_members: u32 },
    /// ORG-TERM / CON-TERM: the term is recorded and lasts `min_years` to `max_years`.
    TermLength { min_years: u32, max_years: u32 },
    /// ORG-RENEWAL: remind `warn_months` before the term ends; a delay of up to `grace_years`
    /// (with approval) is a warning, beyond it a violation.
    Term { warn_months: u32, grace_years: u32 },
}

pub const FAMILY: FamilyId = FamilyId { id: "structure", label: "组织设置" };

impl RuleCheck for Check {
    const FAMILY: FamilyId = FAMILY;

    fn same_kind(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    fn at_least_as_strict(&self, other: &Self) -> Result<(), Weaker> {
        let weaker = Err(Weaker::Loosens(Loosening::Threshold));
        match (self, other) {
            (
                Check::CommitteeStructure { min_full_members: lf, min_size: lmin, max_size: lmax },
                Check::CommitteeStructure { min_full_members: ef, min_size: emin, max_size: emax },
            ) if lf > ef || lmin < emin || lmax > emax => weaker,
            (
                Check::BranchSize { min_full: lf, max_members: lm },
                Check::BranchSize { min_full: ef, max_members: em },
            ) if lf < ef || lm > em => weaker,
            (
                Check::TermLength { min_years: lmin, max_years: lmax },
                Check::TermLength { min_years: emin, max_years: emax },
            ) if lmin < emin || lmax > emax => weaker,
            (Check::Term { warn_months: lw, grace_years: lg }, Check::Term { warn_months: ew, grace_years: eg })
                if lw < ew || lg > eg =>
            {
                weaker
            }
            (l, e) if !l.same_kind(e) => Err(Weaker::Loosens(Loosening::CheckKind)),
            _ => Ok(()),
        }
    }

    fn well_formed(&self) -> Result<(), &'static str> {
        match *self {
            Check::CommitteeStructure { min_size, max_size, .. } if min_size > max_size => Err("委员人数上限小于下限"),
            Check::TermLength { min_years, max_years } if min_years > max_years || min_years == 0 => {
                Err("任期年限范围无效")
            }
            _ => Ok(()),
        }
    }

    fn params(&self) -> Vec<Param> {
        match *self {
            Check::CommitteeStructure { min_full_members, min_size, max_size } => vec![
                Param::new("min_full_members", "设委员会的正式党员数", min_full_members),
                Param::new("min_size", "委员最少", min_size),
                Param::new("max_size", "委员一般最多", max_size),
            ],
            Check::BranchSize { min_full, max_members } => vec![
                Param::new("min_full", "正式党员最少", min_full),
                Param::new("max_members", "党员一般最多", max_members),
            ],
            Check::TermLength { min_years, max_years } => {
                vec![
                    Param::new("min_years", "任期最短（年）", min_years),
                    Param::new("max_years", "任期最长（年）", max_years),
                ]
            }
            Check::Term { warn_months, grace_years } => vec![
                Param::new("warn_months", "提前提醒（月）", warn_months),
                Param::new("grace_years", "延期一般最长（年）", grace_years),
            ],
        }
    }

    fn with_param(&self, name: &str, value: u32) -> Option<Self> {
        match (self, name) {
            (Check::BranchSize { min_full, .. }, "max_members") => {
                Some(Check::BranchSize { min_full: *min_full, max_members: value })
            }
            (Check::Term { grace_years, .. }, "warn_months") => {
                Some(Check::Term { warn_months: value, grace_years: *grace_years })
            }
            _ => None,
        }
    }
}

/// The national structure rules, in the order findings are reported.
pub fn national_rules() -> Vec<Rule<Check>> {
    use OrgKind::{Branch, Committee, GeneralBranch};
    let branch = || Applicability::kinds(&[Branch]);
    let with_term = || Applicability::kinds(&[Committee, GeneralBranch, Branch]);
    vec![
        Rule::national(
            "ORG-BRANCH-MIN",
            "党支部正式党员不少于3名，党员一般不超过50名",
            "《中国共产党支部工作条例（试行）》第四条",
            branch(),
            Check::BranchSize { min_full: 3, max_members: 50 },
            Severity::Warning,
        ),
        Rule::national(
            "ORG-COMMITTEE",
            "党支部设书记；正式党员7人以上的党支部设立支部委员会，由3至5人组成，一般不超过7人",
            "《中国共产党支部工作条例（试行）》第二十条",
            branch(),
            Check::CommitteeStructure { min_full_members: 7, min_size: 3, max_size: 7 },
            Severity::Violation,
        ),
        Rule::national(
            "ORG-TERM",
            "党组织委员会每届任期3至5年；村、社区党支部委员会每届任期5年，其他党支部一般3年",
            "《中国共产党章程》第三十一条；《中国共产党支部工作条例（试行）》第二十一条",
            with_term(),
            Check::TermLength { min_years: 3, max_years: 5 },
            Severity::Violation,
        ),
        Rule::national(
            "ORG-RENEWAL",
            "任期届满按期换届，延期一般不超过1年",
            "《中国共产党支部工作条例（试行）》第二十一条；《中国共产党基层组织选举工作条例》第三条",
            with_term(),
            Check::Term { warn_months: 6, grace_years: 1 },
            Severity::Violation,
        ),
    ]
}

/// The national structure rules as a rule set.
pub fn national() -> RuleSet<Check> {
    RuleSet::of(national_rules())
}

/// Applies the structure rules in force on `as_of` to one org.
pub fn evaluate(rules: &RuleSet<Check>, org: &OrgFacts, when: &When) -> Vec<Finding> {
    let mut out = Vec::new();
    if !org.exists_on(when.as_of) {
        return out;
    }
    for rule in rules.in_force_on(when.as_of) {
        if !rule.applies_to.org_kinds.contains(&org.kind) {
            continue;
        }
        match rule.check {
            Check::CommitteeStructure { min_full_members, min_size, max_size } => {
                committee(rule, min_full_members, min_size, max_size, org, when, &mut out)
            }
            Check::BranchSize { min_full, max_members } => branch_size(rule, min_full, max_members, org, &mut out),
            Check::TermLength { min_years, max_years } => term_length(rule, min_years, max_years, org, &mut out),
            Check::Term { warn_months, grace_years } => renewal(rule, warn_months, grace_years, org, when, &mut out),
        }
    }
    out
}

fn adjust(org: &OrgFacts) -> FixLink {
    FixLink::to("调整组织设置", pages::ORG_EDIT).param("org", org.org_id)
}

fn elect(org: &OrgFacts, label: &str) -> FixLink {
    if org.kind == OrgKind::Branch {
        FixLink::new_meeting(label, org.org_id, MeetingKind::BranchAssembly.as_str(), None)
    } else {
        // Committees and general branches elect at their own congress: record the result.
        FixLink::to(label, pages::ORG_EDIT).param("org", org.org_id)
    }
}

/// ORG-COMMITTEE.
fn committee(
    rule: &Rule<Check>,
    min_full: u32,
    min_size: u32,
    max_size: u32,
    org: &OrgFacts,
    when: &When,
    out: &mut Vec<Finding>,
) {
    let id = org.org_id;
    let day = when.as_of;
    let full = org.full_members;
    let assembly = MeetingKind::BranchAssembly.short_label();
    if org.secretary_on(day).is_none() {
        let message = "未配备党支部书记，应及时选举产生".to_string();
        out.push(
            Finding::new(rule, id, rule.severity, message)
                .fix(FixLink::to("录入书记任职", pages::ORG_POSTS).param("org", id)),
        );
    }
    let size = org.committee_size_on(day);
    if !org.committee_on(day) {
        if full >= min_full {
            let message = format!("正式党员{full}名，达到{min_full}名以上，应设立支部委员会");
            out.push(
                Finding::new(rule, id, rule.severity, message)
                    .fix(elect(org, &format!("召开{assembly}选举支部委员会"))),
            );
        }
        return;
    }
    if full < min_full {
        let message = format!(
            "正式党员{full}名，不足{min_full}名的党支部不设支部委员会（设书记1名，必要时设副书记1名），换届时应调整"
        );
        out.push(Finding::new(rule, id, Severity::Warning, message).fix(adjust(org)));
    } else if size < min_size {
        let message = format!("支部委员会现有委员{size}名，少于{min_size}名，应及时补选");
        out.push(
            Finding::new(rule, id, rule.severity, message).fix(elect(org, &format!("召开{assembly}补选支部委员"))),
        );
    }
    if size > max_size {
        let message = format!("支部委员会现有委员{size}名，一般不超过{max_size}名");
        out.push(Finding::new(rule, id, Severity::Warning, message).fix(adjust(org)));
    }
}

/// ORG-BRANCH-MIN.
fn branch_size(rule: &Rule<Check>, min_full: u32, max_members: u32, org: &OrgFacts, out: &mut Vec<Finding>) {
    if org.full_members < min_full {
        let message =
            format!("正式党员{}名，少于{min_full}名，应调整组织设置（如与其他单位成立联合党支部）", org.full_members);
        out.push(Finding::new(rule, org.org_id, rule.severity, message).fix(adjust(org)));
    }
    let total = org.total_members();
    if total > max_members {
        let message = format!("党员{total}名，超过{max_members}名，一般应分设党支部或成立党总支");
        out.push(Finding::new(rule, org.org_id, Severity::Warning, message).fix(adjust(org)));
    }
}

/// ORG-TERM: the term is recorded and lasts between `min_years` and `max_years` (CON-TERM: a
/// violation outside); a term other than the usual one of the org's kind and unit (5 years for a
/// 基层党委 and for village and community branches, 3 for other 总支 and 支部: "一般") is a warning.
fn term_length(rule: &Rule<Check>, min_years: u32, max_years: u32, org: &OrgFacts, out: &mut Vec<Finding>) {
    let fix_years = || FixLink::to("更正任期年限", pages::ORG_EDIT).param("org", org.org_id);
    let usual = crate::org::usual_term_years(org.kind, org.unit_kind);
    if org.term_start.is_none() {
        let message = "未录入本届委员会（书记）的选举日期，无法检查任期和换届".to_string();
        out.push(Finding::new(rule, org.org_id, Severity::Warning, message).fix(elect(org, "录入换届选举情况")));
    } else if !(min_years..=max_years).contains(&org.term_years) {
        let message = format!("本届任期为{}年，不符合每届{min_years}至{max_years}年的规定", org.term_years);
        out.push(Finding::new(rule, org.org_id, rule.severity, message).fix(fix_years()));
    } else if org.term_years != usual {
        let who = match org.kind {
            OrgKind::Committee => "基层党委".to_string(),
            _ if usual == 5 => format!("{}党支部委员会", org.unit_kind.label()),
            _ => "党总支、党支部委员会".to_string(),
        };
        let message = format!("{who}每届任期一般为{usual}年，本届任期为{}年，请核对或注明上级批准", org.term_years);
        out.push(Finding::new(rule, org.org_id, Severity::Warning, message).fix(fix_years()));
    }
}

/// ORG-RENEWAL. The term ends on the `term_years`-th anniversary of `term_start` (the first day
/// of the new term; a term begun on 29 February ends on 1 March in a year without one, the
/// project's anniversary convention of `dates.rs`). Reading of the rule:
/// - the term ends within `warn_months` months of `as_of` → upcoming: the higher level reminds the
///   org 6 months ahead;
/// - the term has ended, and `as_of` is at most `grace_years` after the end → warning: a delay of
///   up to 1 year is allowed with the higher level's approval (ORG-RENEWAL, EL-ONTIME), which the
///   facts do not show, so the org is asked to hold the election or record the approval;
/// - more than `grace_years` after the end → violation: no approval can cover it.
fn renewal(
    rule: &Rule<Check>,
    warn_months: u32,
    grace_years: u32,
    org: &OrgFacts,
    when: &When,
    out: &mut Vec<Finding>,
) {
    let as_of = when.as_of;
    let Some(start) = org.term_start else { return };
    if start > as_of {
        return;
    }
    let end = anniversary(start, org.term_years);
    let grace_end = anniversary(end, grace_years);
    let id = org.org_id;
    if as_of < end {
        if end <= add_months(as_of, warn_months) {
            let message = format!("本届任期将于{}届满，请做好换届准备", format_cn(end));
            out.push(Finding::new(rule, id, Severity::Upcoming, message).due(end).fix(elect(org, "筹备换届选举")));
        }
    } else if as_of <= grace_end {
        let message = format!(
            "本届任期已于{}届满，应按期换届；经上级党组织批准延期的，延期一般不超过{grace_years}年（至{}）",
            format_cn(end),
            format_cn(grace_end)
        );
        out.push(Finding::new(rule, id, Severity::Warning, message).due(grace_end).fix(elect(org, "录入换届选举")));
    } else {
        let message = format!("本届任期已于{}届满，逾期超过{grace_years}年仍未换届", format_cn(end));
        out.push(Finding::new(rule, id, rule.severity, message).due(grace_end).fix(elect(org, "录入换届选举")));
    }
}
