//! The lifecycle family (党员管理): a member's membership relation as it moves, transfers of
//! membership (组织关系转接) first. Rules of rules.md §6 (《中国共产党党员教育管理工作条例》) and
//! 组通字〔2015〕33号.
//!
//! | ID | check | where |
//! |---|---|---|
//! | EDU-TRANSFER | a letter out of the system gets its receipt (回执) back within 1 month; a transfer inside the system is received or returned within its letter's validity; returning needs a reason | [`transfer::evaluate`], [`transfer::check_return`] |
//! | EDU-SUSPEND | a suspended membership (停止党籍) ends in restoration or removal within 2 years | [`decision::evaluate_suspended`] |
//! | EDU-TRANSFER | a member away 6 months at a fixed place has their membership transferred | [`away::evaluate_fixed_place`] |
//! | EDU-FLOATING | a mobile member (流动党员) is contacted at least every 6 months | [`mobile::evaluate`] |
//! | EDU-GRADS | a graduate is kept at most 2 years (extended once by 1), a member abroad at most 5; both contacted every 6 months | [`away::evaluate_kept`] |
//! | EL-RIGHTS | only full members vote and stand, and not under 留党察看 (at write time: the voters expected at a meeting or an election) | [`decision::votes_on`] |
//! | EL-MARGIN, EL-BALLOTS, EL-ONTIME, EL-CONGRESS (and EL-QUORUM, EL-ELECTED of the org_life family) | an election record is refused when its counts break them | [`election::tally`] |
//!
//! A member's status changes only by a decision ([`decision`]): 停止党籍, 恢复党籍, the ways out
//! of the party, death, and the discipline sanctions with their dates.
//!
//! The sending org stays responsible for the member until the receiving org takes them in
//! (EDU-TRANSFER): until then the member is in the sender's branch, counted and checked there.
//! The letter's validity is local (rules.md §6: no central text), so it is the letter's own
//! number of days, proposed from the committee's setting; no national default is assumed.

pub mod away;
pub mod decision;
pub mod election;
pub mod mobile;
pub mod transfer;

use chrono::NaiveDate;
use serde::Serialize;

use crate::findings::{Finding, When};
use crate::org::OrgKind;
use crate::rules::{Applicability, FamilyId, Loosening, Param, Rule, RuleCheck, RuleSet, Severity, Weaker};

pub use decision::{DecisionKind, ObservationFact, SuspensionFact};
pub use transfer::{TransferFact, TransferKind, TransferState};

pub const FAMILY: FamilyId = FamilyId { id: "lifecycle", label: "党员管理" };

/// What a lifecycle rule checks, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Check {
    /// EDU-TRANSFER: the receipt of a letter out of the system is back within `receipt_months`;
    /// a transfer inside the system is settled within its letter's validity; a refusal has a
    /// reason; a member away `away_months` at a fixed place has their membership transferred.
    Transfer { receipt_months: u32, away_months: u32 },
    /// EDU-SUSPEND: a suspension ends in restoration or removal within `removal_years`.
    Suspension { removal_years: u32 },
    /// EL-RIGHTS, enforced when a meeting's or an election's voters are counted.
    Rights,
    /// EDU-FLOATING: a mobile member is contacted at least every `months` months.
    Floating { months: u32 },
    /// EDU-GRADS: a graduate is kept at most `keep_years` (extended once by at most
    /// `extension_years`), a member studying abroad at most `abroad_years`; both are contacted at
    /// least every `contact_months`.
    Graduates { keep_years: u32, extension_years: u32, abroad_years: u32, contact_months: u32 },
    /// A rule an election record is checked against when it is entered ([`election::tally`]).
    Election { duty: ElectionDuty },
}

/// Which election rule a [`Check::Election`] states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionDuty {
    /// EL-MARGIN: candidates exceed seats by at least 20%.
    Margin,
    /// EL-BALLOTS: no more ballots returned than issued.
    Ballots,
    /// EL-ONTIME: a delayed or advanced election has the higher level's approval.
    OnTime,
    /// EL-CONGRESS: a 党员代表大会 needs 500 members or approval.
    Congress,
}

impl RuleCheck for Check {
    const FAMILY: FamilyId = FAMILY;

    fn same_kind(&self, other: &Self) -> bool {
        match (self, other) {
            (Check::Election { duty: a }, Check::Election { duty: b }) => a == b,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }

    /// A committee may ask for the receipt sooner, never later.
    fn at_least_as_strict(&self, other: &Self) -> Result<(), Weaker> {
        match (self, other) {
            (
                Check::Transfer { receipt_months: l, away_months: la },
                Check::Transfer { receipt_months: e, away_months: ea },
            ) if l > e || la > ea => Err(Weaker::Loosens(Loosening::Threshold)),
            (
                Check::Graduates { keep_years: lk, extension_years: lx, abroad_years: la, contact_months: lc },
                Check::Graduates { keep_years: ek, extension_years: ex, abroad_years: ea, contact_months: ec },
            ) if lk > ek || lx > ex || la > ea || lc > ec => Err(Weaker::Loosens(Loosening::Threshold)),
            (Check::Suspension { removal_years: l }, Check::Suspension { removal_years: e }) if l > e => {
                Err(Weaker::Loosens(Loosening::Threshold))
            }
            (Check::Floating { months: l }, Check::Floating { months: e }) if l > e => {
                Err(Weaker::Loosens(Loosening::Threshold))
            }
            _ => Ok(()),
        }
    }

    fn well_formed(&self) -> Result<(), &'static str> {
        match self {
            Check::Transfer { receipt_months: 0, .. } | Check::Transfer { away_months: 0, .. } => Err("月数应大于0"),
            Check::Graduates { keep_years: 0, .. } | Check::Graduates { abroad_years: 0, .. } => Err("年数应大于0"),
            Check::Graduates { contact_months: 0, .. } => Err("月数应大于0"),
            Check::Suspension { removal_years: 0 } => Err("年数应大于0"),
            Check::Floating { months: 0 } => Err("月数应大于0"),
            Check::Transfer { .. }
            | Check::Suspension { .. }
            | Check::Floating { .. }
            | Check::Graduates { .. }
            | Check::Rights
            | Check::Election { .. } => Ok(()),
        }
    }

    fn params(&self) -> Vec<Param> {
        match self {
            Check::Transfer { receipt_months, away_months } => vec![
                Param::new("receipt_months", "回执退回期限（月）", receipt_months),
                Param::new("away_months", "外出地点相对固定应转接（月）", away_months),
            ],
            Check::Graduates { keep_years, extension_years, abroad_years, contact_months } => vec![
                Param::new("keep_years", "毕业生保留组织关系（年）", keep_years),
                Param::new("extension_years", "经批准可延长（年）", extension_years),
                Param::new("abroad_years", "出国（境）学习研究保留（年）", abroad_years),
                Param::new("contact_months", "联系间隔（月）", contact_months),
            ],
            Check::Suspension { removal_years } => {
                vec![Param::new("removal_years", "停止党籍后处置期限（年）", removal_years)]
            }
            Check::Floating { months } => vec![Param::new("months", "联系间隔（月）", months)],
            Check::Rights | Check::Election { .. } => Vec::new(),
        }
    }
}

/// What the lifecycle family knows of one org: the transfers it sent that are not settled, and
/// those addressed to it that it has not settled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LifecycleFacts {
    /// Transfers whose member left this branch (or is leaving it).
    pub sent: Vec<TransferFact>,
    /// Transfers inside the system addressed to this branch.
    pub incoming: Vec<TransferFact>,
    /// The branch's members whose membership is suspended.
    pub suspended: Vec<SuspensionFact>,
    /// The branch's mobile members with their latest contact.
    pub mobile: Vec<mobile::MobileFact>,
    /// The branch's members away on the day (外出登记): mobile, graduates kept, abroad.
    pub away: Vec<away::AwayFact>,
}

/// The national lifecycle rules, in catalogue order.
pub fn national_rules() -> Vec<Rule<Check>> {
    vec![
        Rule::national(
            "EDU-TRANSFER",
            "党员工作单位、经常居住地变动或外出6个月以上且地点相对固定的，应转接组织关系；转出党组织在党员转入前负责管理，接收党组织不得无故拒绝；回执一般1个月内退回",
            "《中国共产党党员教育管理工作条例》第二十五条；组通字〔2015〕33号",
            Applicability::kinds(&[OrgKind::Branch]),
            Check::Transfer { receipt_months: 1, away_months: 6 },
            Severity::Violation,
        ),
        Rule::national(
            "EDU-SUSPEND",
            "出国出境定居、出国学习研究超过5年未归、失去联系6个月以上且无法查找的党员，一般应停止党籍；停止党籍2年后仍无法取得联系的，按自行脱党予以除名",
            "《中国共产党党员教育管理工作条例》第二十四条",
            Applicability::kinds(&[OrgKind::Branch]),
            Check::Suspension { removal_years: 2 },
            Severity::Violation,
        ),
        Rule::national(
            "EL-RIGHTS",
            "只有正式党员有表决权、选举权和被选举权；预备党员和受留党察看处分的党员没有",
            "《中国共产党基层组织选举工作条例》第五条；《中国共产党纪律处分条例》",
            Applicability::kinds(&[OrgKind::Committee, OrgKind::GeneralBranch, OrgKind::Branch]),
            Check::Rights,
            Severity::Violation,
        ),
        Rule::national(
            "EDU-FLOATING",
            "外出6个月以上、组织关系暂不转移的流动党员，党组织应与其保持经常联系，至少每6个月联系一次",
            "《中国共产党党员教育管理工作条例》第三十二条",
            Applicability::kinds(&[OrgKind::Branch]),
            Check::Floating { months: 6 },
            Severity::Violation,
        ),
        Rule::national(
            "EDU-GRADS",
            "高校毕业生党员组织关系可在学校保留不超过2年，经批准可延长1年；出国（境）学习研究的党员保留组织关系不超过5年；党组织至少每6个月与其联系一次",
            "《中国共产党党员教育管理工作条例》第三十四条；组通字〔2015〕33号",
            Applicability::kinds(&[OrgKind::Branch]),
            Check::Graduates { keep_years: 2, extension_years: 1, abroad_years: 5, contact_months: 6 },
            Severity::Violation,
        ),
        election_rule(
            "EL-MARGIN",
            "委员候选人的差额一般为应选人数的20%（候选人数不少于应选人数的1.2倍）",
            "《中国共产党基层组织选举工作条例》第九条、第十三条",
            ElectionDuty::Margin,
        ),
        election_rule(
            "EL-BALLOTS",
            "收回的选票多于发出的选票，选举无效；所选人数多于应选人数的选票无效",
            "《中国共产党基层组织选举工作暂行条例》；各地选举工作规定",
            ElectionDuty::Ballots,
        ),
        election_rule(
            "EL-ONTIME",
            "党的基层委员会任期届满应按期换届；需要延期或提前换届的，应报上级党组织批准，延长或提前期限一般不超过1年",
            "《中国共产党基层组织选举工作条例》第三条",
            ElectionDuty::OnTime,
        ),
        election_rule(
            "EL-CONGRESS",
            "党员人数500名以上或者所属党组织驻地分散的，经上级党组织批准，可以召开党员代表大会进行选举",
            "《中国共产党基层组织选举工作条例》第四条",
            ElectionDuty::Congress,
        ),
    ]
}

fn election_rule(id: &'static str, title: &'static str, citation: &'static str, duty: ElectionDuty) -> Rule<Check> {
    Rule::national(
        id,
        title,
        citation,
        Applicability::kinds(&[OrgKind::Committee, OrgKind::GeneralBranch, OrgKind::Branch]),
        Check::Election { duty },
        Severity::Violation,
    )
}

/// The national lifecycle rules as a rule set.
pub fn national() -> RuleSet<Check> {
    RuleSet::of(national_rules())
}

/// The rule `id` in force on `day`: refusals name it with its citation.
pub fn rule_on(rules: &RuleSet<Check>, id: &str, day: NaiveDate) -> Option<Rule<Check>> {
    rules.in_force_on(day).find(|r| r.id == id).cloned()
}

/// The lifecycle family for one org on `when.as_of`.
pub fn evaluate_org(
    rules: &RuleSet<Check>,
    org: &crate::family::OrgFacts,
    facts: &LifecycleFacts,
    when: &When,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in rules.in_force_on(when.as_of) {
        if !rule.applies_to.org_kinds.contains(&org.kind) {
            continue;
        }
        match rule.check {
            Check::Transfer { receipt_months, away_months } => {
                out.extend(transfer::evaluate(rule, receipt_months, org.org_id, facts, when));
                out.extend(away::evaluate_fixed_place(rule, away_months, org.org_id, &facts.away, when));
            }
            Check::Graduates { keep_years, abroad_years, contact_months, .. } => {
                let limits = away::GradsLimits { keep_years, abroad_years, contact_months };
                out.extend(away::evaluate_kept(rule, limits, org.org_id, &facts.away, when));
            }
            Check::Suspension { removal_years } => {
                out.extend(decision::evaluate_suspended(rule, removal_years, org.org_id, &facts.suspended, when));
            }
            Check::Floating { months } => {
                out.extend(mobile::evaluate(rule, months, org.org_id, &facts.mobile, when));
            }
            Check::Rights | Check::Election { .. } => {}
        }
    }
    out
}

#[cfg(test)]
mod tests;
