//! The rules of shared/rules.md as data: an ID, a Chinese title, a citation, the orgs a rule applies
//! to, what it checks, its severity, and the rule set it comes from. [`crate::findings::evaluate`]
//! applies a [`RuleSet`] to an org's facts.
//!
//! The national set ([`national_rules`]) ships as the default. A committee may switch on local rule
//! sets for its subtree ([`RuleSet::tighten`]); a local rule may add a requirement or tighten a
//! national one, never loosen or remove it — loosening is refused with a [`RuleSetError`].
//!
//! **Severity.** Rules worded "一般" (generally) in the regulation are warnings (rules.md, "How to use
//! it"). A rule's [`Severity`] is that of its main requirement; the parts of an article worded
//! "一般" give [`Severity::Warning`] whatever the rule's severity (the 50-member ceiling of
//! ORG-BRANCH-MIN, the fourth quarter of MTG-ORG-LIFE, a committee above 7 of ORG-COMMITTEE, the
//! first overdue year of ORG-RENEWAL, a term other than the usual of ORG-TERM), and quorum failures
//! (the article says "方可") are always [`Severity::Violation`]. One reading of our own: a branch
//! that still has a committee with fewer than 7 full members (ORG-COMMITTEE) is a warning, because
//! members leaving mid-term do not dissolve an elected committee; the structure is adjusted at the
//! next election, which the finding asks for.

use serde::Serialize;
use thiserror::Error;

use crate::org::OrgKind;
use crate::org_life::MeetingKind;
use crate::period::PeriodKind;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A firm requirement was not met in a period that is over.
    Violation,
    /// A requirement worded "一般" was not met; the org may record a reason.
    Warning,
    /// A deadline lies ahead and the requirement is not met yet.
    Upcoming,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Self::Violation, Self::Warning, Self::Upcoming];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Violation => "violation",
            Self::Warning => "warning",
            Self::Upcoming => "upcoming",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Violation => "违规",
            Self::Warning => "提示",
            Self::Upcoming => "临近期限",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        let s = s.trim();
        Self::ALL.into_iter().find(|v| v.as_str() == s || v.label() == s)
    }

    /// 3 for a violation, 2 for a warning, 1 for an upcoming deadline.
    pub fn weight(self) -> u8 {
        match self {
            Self::Violation => 3,
            Self::Warning => 2,
            Self::Upcoming => 1,
        }
    }
}

/// Where a rule comes from. Every finding names it (rules.md: "the finding names which rule set it
/// came from").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleSource {
    /// The national regulations (rules.md **H** rules): the defaults that ship with the product.
    National,
    /// A local rule set a committee switched on for its subtree, by name.
    Local(String),
}

impl RuleSource {
    pub fn is_local(&self) -> bool {
        matches!(self, Self::Local(_))
    }

    /// "全国性规定", or the local rule set's name.
    pub fn label(&self) -> &str {
        match self {
            Self::National => "全国性规定",
            Self::Local(name) => name,
        }
    }
}

/// A condition on an org besides its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The org has a committee (支部委员会): MTG-COMMITTEE.
    HasCommittee,
    /// The org has a secretary in office: MTG-LESSON (the 党委书记 lectures).
    HasSecretary,
}

impl Condition {
    pub fn label(self) -> &'static str {
        match self {
            Self::HasCommittee => "设有支部委员会",
            Self::HasSecretary => "有在任书记",
        }
    }
}

/// The orgs a rule applies to: one of `org_kinds`, meeting every condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applicability {
    pub org_kinds: Vec<OrgKind>,
    pub conditions: Vec<Condition>,
}

impl Applicability {
    pub fn kinds(kinds: &[OrgKind]) -> Applicability {
        Applicability { org_kinds: kinds.to_vec(), conditions: Vec::new() }
    }

    pub fn with(mut self, condition: Condition) -> Applicability {
        self.conditions.push(condition);
        self
    }

    /// Whether this applicability covers every org `other` covers: at least its kinds and no
    /// condition it does not have.
    pub fn covers(&self, other: &Applicability) -> bool {
        other.org_kinds.iter().all(|k| self.org_kinds.contains(k))
            && self.conditions.iter().all(|c| other.conditions.contains(c))
    }

    /// Whether some kind of org is covered by both.
    pub fn overlaps(&self, other: &Applicability) -> bool {
        self.org_kinds.iter().any(|k| other.org_kinds.contains(k))
    }
}

/// How a meeting's quorum is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quorum {
    /// MTG-ASSEMBLY: a vote needs half or more of the voting members present. A meeting without
    /// the quorum still counts as held, but its vote is flagged.
    VoteNeedsHalf,
    /// MTG-COMMITTEE: the meeting itself needs half or more of its members present. A meeting
    /// without the quorum is flagged and does not count.
    MeetingNeedsHalf,
}

/// What a rule checks, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Check {
    /// At least `min_count` records of kind `record` in every `period` (MTG-*).
    Frequency {
        record: MeetingKind,
        period: PeriodKind,
        min_count: u32,
        /// The quarter of the year (1–4) in which the records are generally held: a period whose
        /// records all lie outside it gives a warning (MTG-ORG-LIFE: Q4).
        within: Option<u32>,
        /// Count only records whose lecturer is the org's secretary, in any org (MTG-LESSON);
        /// otherwise count the org's own records.
        by_secretary: bool,
        quorum: Option<Quorum>,
    },
    /// ORG-COMMITTEE: with `min_full_members` or more full members a branch sets up a committee
    /// of `min_size` or more members, generally no more than `max_size`; with fewer it has none.
    CommitteeStructure { min_full_members: u32, min_size: u32, max_size: u32 },
    /// ORG-BRANCH-MIN: at least `min_full` full members; generally at most `max_members` members.
    BranchSize { min_full: u32, max_members: u32 },
    /// ORG-TERM / CON-TERM: the term is recorded and lasts `min_years` to `max_years`.
    TermLength { min_years: u32, max_years: u32 },
    /// ORG-RENEWAL: remind `warn_months` before the term ends; a delay of up to `grace_years`
    /// (with approval) is a warning, beyond it a violation.
    Term { warn_months: u32, grace_years: u32 },
    /// CON-LAPSE: `months` consecutive months absent without excuse from all organizational life.
    Lapse { months: u32 },
}

impl Check {
    fn same_kind(&self, other: &Check) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

/// A rule: data with a citation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// The rule ID of shared/rules.md ("MTG-ASSEMBLY"), or a local rule's own ID.
    pub id: &'static str,
    /// What the rule requires, in Chinese.
    pub title: &'static str,
    /// "《中国共产党支部工作条例（试行）》第十一条".
    pub citation: &'static str,
    pub applies_to: Applicability,
    pub check: Check,
    pub severity: Severity,
    pub source: RuleSource,
}

/// The frequency check of the meeting rules, without window, lecturer condition or quorum.
fn frequency(record: MeetingKind, period: PeriodKind, min_count: u32) -> Check {
    Check::Frequency { record, period, min_count, within: None, by_secretary: false, quorum: None }
}

fn with_quorum(check: Check, q: Quorum) -> Check {
    match check {
        Check::Frequency { record, period, min_count, within, by_secretary, .. } => {
            Check::Frequency { record, period, min_count, within, by_secretary, quorum: Some(q) }
        }
        other => other,
    }
}

fn national(
    id: &'static str,
    title: &'static str,
    citation: &'static str,
    applies_to: Applicability,
    check: Check,
    severity: Severity,
) -> Rule {
    Rule { id, title, citation, applies_to, check, severity, source: RuleSource::National }
}

/// The national rule set, in the order findings are reported.
///
/// | ID | check | severity |
/// |---|---|---|
/// | ORG-BRANCH-MIN | ≥3 full members; generally ≤50 members (branches) | warning (see below) |
/// | ORG-COMMITTEE | ≥7 full members → committee of 3–7; <7 → none (branches) | violation |
/// | ORG-TERM | term recorded, 3–5 years (committees, general branches, branches) | violation |
/// | ORG-RENEWAL | reminder 6 months ahead; ≤1 year late warning, later violation | violation |
/// | MTG-ASSEMBLY | 党员大会 ≥1 per quarter; vote quorum ≥½ (branches) | warning ("一般") |
/// | MTG-COMMITTEE | 支委会 ≥1 per month; quorum ≥½ (branches with a committee) | warning ("一般") |
/// | MTG-GROUP | 党小组会 ≥1 per month (groups) | warning ("一般") |
/// | MTG-THEME-DAY | 主题党日 ≥1 per month (branches) | violation |
/// | MTG-ORG-LIFE | 组织生活会 ≥1 per year, generally in Q4 (branches) | violation |
/// | MTG-EVAL | 民主评议党员 ≥1 per year (branches) | warning ("一般") |
/// | MTG-TALK | 谈心谈话 ≥1 per year (branches) | warning ("一般") |
/// | MTG-LESSON | the 党委 secretary lectures ≥1 per year (committees with a secretary) | violation |
/// | CON-LAPSE | 6 consecutive months absent without excuse (branches) | violation |
///
/// ORG-BRANCH-MIN is a warning as a whole: the ceiling is worded "一般", and Art. 4 says when a
/// branch must be set up, not that one with fewer than 3 full members must be dissolved (it should
/// be merged or joined with others, ORG-JOINT). The quarterly 党课 for branches is not here: it
/// is UNVERIFIED as national (rules.md §11.2); see [`local_quarterly_lesson`].
pub fn national_rules() -> Vec<Rule> {
    use MeetingKind as M;
    use OrgKind::{Branch, Committee, GeneralBranch, Group};
    use PeriodKind::{Month, Quarter, Year};
    let branch = || Applicability::kinds(&[Branch]);
    let with_term = || Applicability::kinds(&[Committee, GeneralBranch, Branch]);
    vec![
        national(
            "ORG-BRANCH-MIN",
            "党支部正式党员不少于3名，党员一般不超过50名",
            "《中国共产党支部工作条例（试行）》第四条",
            branch(),
            Check::BranchSize { min_full: 3, max_members: 50 },
            Severity::Warning,
        ),
        national(
            "ORG-COMMITTEE",
            "正式党员7人以上的党支部设立支部委员会，由3至5人组成，一般不超过7人",
            "《中国共产党支部工作条例（试行）》第二十条",
            branch(),
            Check::CommitteeStructure { min_full_members: 7, min_size: 3, max_size: 7 },
            Severity::Violation,
        ),
        national(
            "ORG-TERM",
            "党组织委员会每届任期3至5年",
            "《中国共产党章程》第三十一条；《中国共产党支部工作条例（试行）》第二十一条",
            with_term(),
            Check::TermLength { min_years: 3, max_years: 5 },
            Severity::Violation,
        ),
        national(
            "ORG-RENEWAL",
            "任期届满按期换届，延期一般不超过1年",
            "《中国共产党支部工作条例（试行）》第二十一条；《中国共产党基层组织选举工作条例》第三条",
            with_term(),
            Check::Term { warn_months: 6, grace_years: 1 },
            Severity::Violation,
        ),
        national(
            "MTG-ASSEMBLY",
            "支部党员大会一般每季度召开1次",
            "《中国共产党支部工作条例（试行）》第十一条",
            branch(),
            with_quorum(frequency(M::BranchAssembly, Quarter, 1), Quorum::VoteNeedsHalf),
            Severity::Warning,
        ),
        national(
            "MTG-COMMITTEE",
            "支部委员会会议一般每月召开1次",
            "《中国共产党支部工作条例（试行）》第十二条",
            branch().with(Condition::HasCommittee),
            with_quorum(frequency(M::CommitteeMeeting, Month, 1), Quorum::MeetingNeedsHalf),
            Severity::Warning,
        ),
        national(
            "MTG-GROUP",
            "党小组会一般每月召开1次",
            "《中国共产党支部工作条例（试行）》第十三条",
            Applicability::kinds(&[Group]),
            frequency(M::GroupMeeting, Month, 1),
            Severity::Warning,
        ),
        national(
            "MTG-THEME-DAY",
            "党支部每月开展1次主题党日",
            "《中国共产党支部工作条例（试行）》第十六条；《中国共产党党员教育管理工作条例》第十六条",
            branch(),
            frequency(M::ThemedDay, Month, 1),
            Severity::Violation,
        ),
        national(
            "MTG-ORG-LIFE",
            "每年至少召开1次组织生活会，一般安排在第四季度",
            "《中国共产党支部工作条例（试行）》第十七条",
            branch(),
            Check::Frequency {
                record: M::LifeMeeting,
                period: Year,
                min_count: 1,
                within: Some(4),
                by_secretary: false,
                quorum: None,
            },
            Severity::Violation,
        ),
        national(
            "MTG-EVAL",
            "一般每年开展1次民主评议党员",
            "《中国共产党支部工作条例（试行）》第十八条",
            branch(),
            frequency(M::MemberAppraisal, Year, 1),
            Severity::Warning,
        ),
        national(
            "MTG-TALK",
            "谈心谈话一般每年至少开展1次",
            "《中国共产党支部工作条例（试行）》第十九条",
            branch(),
            frequency(M::Talk, Year, 1),
            Severity::Warning,
        ),
        national(
            "MTG-LESSON",
            "党委书记每年至少讲1次党课",
            "《中国共产党支部工作条例（试行）》第十六条",
            Applicability::kinds(&[Committee]).with(Condition::HasSecretary),
            Check::Frequency {
                record: M::PartyLecture,
                period: Year,
                min_count: 1,
                within: None,
                by_secretary: true,
                quorum: None,
            },
            Severity::Violation,
        ),
        national(
            "CON-LAPSE",
            "连续6个月无正当理由不参加党的组织生活，视为自行脱党",
            "《中国共产党章程》第九条",
            branch(),
            Check::Lapse { months: 6 },
            Severity::Violation,
        ),
    ]
}

/// The name of the local rule set of [`local_quarterly_lesson`].
pub const LOCAL_QUARTERLY_LESSON: &str = "党课每季度1次";

/// A local rule set (rules.md **L**, §11.2): every branch holds a 党课 each quarter. Widely
/// attributed to the 支部工作条例, but not in its text, so it is never a national default; a
/// committee may switch it on for its subtree. Its findings are warnings and name the set.
pub fn local_quarterly_lesson() -> Vec<Rule> {
    vec![Rule {
        id: "LOCAL-LESSON-QUARTER",
        title: "党支部每季度至少开展1次党课",
        citation: "地方规定（全国性条例未规定党支部党课的频次）",
        applies_to: Applicability::kinds(&[OrgKind::Branch]),
        check: frequency(MeetingKind::PartyLecture, PeriodKind::Quarter, 1),
        severity: Severity::Warning,
        source: RuleSource::Local(LOCAL_QUARTERLY_LESSON.to_string()),
    }]
}

/// The local rule sets a committee can switch on for its subtree: (name, what it requires).
pub const LOCAL_RULE_SETS: [(&str, &str); 1] =
    [(LOCAL_QUARTERLY_LESSON, "党支部每季度至少开展1次党课（地方规定，比全国性条例更严）")];

/// The rules of a local rule set by its name.
pub fn local_rule_set(name: &str) -> Option<Vec<Rule>> {
    match name {
        LOCAL_QUARTERLY_LESSON => Some(local_quarterly_lesson()),
        _ => None,
    }
}

/// What a local rule would loosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Loosening {
    /// Fewer records per period than the rule it replaces demands.
    MinCount,
    /// A longer period than the rule it replaces.
    Period,
    /// Drops or moves the quarter the records are generally held in.
    Window,
    /// Drops the quorum check.
    Quorum,
    /// Counts different records (another kind, or not the secretary's lectures).
    Record,
    /// Applies to fewer orgs.
    Applicability,
    /// A lower severity.
    Severity,
    /// A different kind of check under the same ID.
    CheckKind,
    /// A weaker threshold (committee size, branch size, term length, reminder, grace).
    Threshold,
}

impl Loosening {
    pub fn label(self) -> &'static str {
        match self {
            Self::MinCount => "降低了次数要求",
            Self::Period => "延长了周期",
            Self::Window => "取消或改变了规定的召开时段",
            Self::Quorum => "取消了到会人数要求",
            Self::Record => "改变了计入的记录",
            Self::Applicability => "缩小了适用范围",
            Self::Severity => "降低了严重程度",
            Self::CheckKind => "改变了检查方式",
            Self::Threshold => "放宽了数量或期限要求",
        }
    }
}

/// Why a local rule set was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleSetError {
    #[error("规则“{id}”不是地方规则，地方规则集只能包含标明来源的地方规则")]
    NotLocal { id: &'static str },
    #[error("地方规则“{local}”{}，不得放宽规则“{existing}”", .what.label())]
    Loosens { local: &'static str, existing: &'static str, what: Loosening },
    #[error("规则“{id}”的参数由党章规定，地方规则不得修改")]
    Fixed { id: &'static str },
    #[error("地方规则“{id}”的参数无效：{reason}")]
    Malformed { id: &'static str, reason: &'static str },
}

/// A set of rules in force: the national rules, possibly tightened by local ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl Default for RuleSet {
    fn default() -> Self {
        Self::national()
    }
}

impl RuleSet {
    /// The national rules ([`national_rules`]).
    pub fn national() -> RuleSet {
        RuleSet { rules: national_rules() }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// This set with `local` switched on. Each local rule either replaces the rule with its ID,
    /// which it must be at least as strict as, or adds a new requirement. A new rule that counts
    /// the same records for the same orgs as an existing rule must also be at least as strict as
    /// it (a weaker duplicate would read as a local standard that is lower than the national
    /// one). Nothing is removed. Errors name the first local rule refused; `self` is unchanged.
    pub fn tighten(&self, local: &[Rule]) -> Result<RuleSet, RuleSetError> {
        let mut rules = self.rules.clone();
        for l in local {
            if !l.source.is_local() {
                return Err(RuleSetError::NotLocal { id: l.id });
            }
            check_well_formed(l)?;
            if let Some(pos) = rules.iter().position(|e| e.id == l.id) {
                at_least_as_strict(l, &rules[pos])?;
                rules[pos] = l.clone();
            } else {
                for e in rules.iter().filter(|e| same_requirement(l, e)) {
                    stricter_check(l, e)?;
                }
                rules.push(l.clone());
            }
        }
        Ok(RuleSet { rules })
    }
}

fn check_well_formed(rule: &Rule) -> Result<(), RuleSetError> {
    let bad = |reason| Err(RuleSetError::Malformed { id: rule.id, reason });
    if rule.applies_to.org_kinds.is_empty() {
        return bad("未指定适用的组织类型");
    }
    match rule.check {
        Check::Frequency { min_count: 0, .. } => bad("次数应至少为1"),
        Check::Frequency { within: Some(q), .. } if !(1..=4).contains(&q) => bad("季度应为1至4"),
        Check::CommitteeStructure { min_size, max_size, .. } if min_size > max_size => bad("委员人数上限小于下限"),
        Check::TermLength { min_years, max_years } if min_years > max_years || min_years == 0 => {
            bad("任期年限范围无效")
        }
        _ => Ok(()),
    }
}

/// Whether a new rule `l` checks the same thing for some of the same orgs as `e`: the same kind of
/// check and, for frequencies, the same records.
fn same_requirement(l: &Rule, e: &Rule) -> bool {
    let same_thing = match (&l.check, &e.check) {
        (
            Check::Frequency { record: lr, by_secretary: ls, .. },
            Check::Frequency { record: er, by_secretary: es, .. },
        ) => lr == er && ls == es,
        (lc, ec) => lc.same_kind(ec),
    };
    same_thing && l.applies_to.overlaps(&e.applies_to)
}

/// A replacement `l` for `e` (same ID) must be at least as strict in every respect.
fn at_least_as_strict(l: &Rule, e: &Rule) -> Result<(), RuleSetError> {
    let loosens = |what| Err(RuleSetError::Loosens { local: l.id, existing: e.id, what });
    if !l.check.same_kind(&e.check) {
        return loosens(Loosening::CheckKind);
    }
    if !l.applies_to.covers(&e.applies_to) {
        return loosens(Loosening::Applicability);
    }
    if l.severity.weight() < e.severity.weight() {
        return loosens(Loosening::Severity);
    }
    stricter_check(l, e)
}

/// The parameters of `l`'s check demand at least what `e`'s do.
fn stricter_check(l: &Rule, e: &Rule) -> Result<(), RuleSetError> {
    let loosens = |what| Err(RuleSetError::Loosens { local: l.id, existing: e.id, what });
    match (&l.check, &e.check) {
        (
            Check::Frequency { record: lr, period: lp, min_count: lm, within: lw, by_secretary: ls, quorum: lq },
            Check::Frequency { record: er, period: ep, min_count: em, within: ew, by_secretary: es, quorum: eq },
        ) => {
            if lr != er || ls != es {
                return loosens(Loosening::Record);
            }
            // Periods are 1, 3, 6 or 12 months, so a shorter one divides a longer one. A shorter
            // period is stricter when its count, summed over the longer period, still reaches the
            // longer period's count: 1 a month is at least 1 a quarter; 4 a year is not 1 a
            // quarter (all four may fall in one quarter).
            if lp.months() > ep.months() {
                return loosens(Loosening::Period);
            }
            let ratio = u64::from(ep.months() / lp.months());
            if u64::from(*lm) * ratio < u64::from(*em) {
                return loosens(Loosening::MinCount);
            }
            if ew.is_some() && lw != ew {
                return loosens(Loosening::Window);
            }
            if eq.is_some() && lq != eq {
                return loosens(Loosening::Quorum);
            }
            Ok(())
        }
        (
            Check::CommitteeStructure { min_full_members: lf, min_size: lmin, max_size: lmax },
            Check::CommitteeStructure { min_full_members: ef, min_size: emin, max_size: emax },
        ) => {
            if lf > ef || lmin < emin || lmax > emax {
                return loosens(Loosening::Threshold);
            }
            Ok(())
        }
        (Check::BranchSize { min_full: lf, max_members: lm }, Check::BranchSize { min_full: ef, max_members: em }) => {
            if lf < ef || lm > em {
                return loosens(Loosening::Threshold);
            }
            Ok(())
        }
        (
            Check::TermLength { min_years: lmin, max_years: lmax },
            Check::TermLength { min_years: emin, max_years: emax },
        ) => {
            if lmin < emin || lmax > emax {
                return loosens(Loosening::Threshold);
            }
            Ok(())
        }
        (Check::Term { warn_months: lw, grace_years: lg }, Check::Term { warn_months: ew, grace_years: eg }) => {
            if lw < ew || lg > eg {
                return loosens(Loosening::Threshold);
            }
            Ok(())
        }
        // CON-LAPSE: the 6 months are the constitution's definition of 自行脱党, not a frequency a
        // committee may tighten; they may not change in either direction.
        (Check::Lapse { months: lm }, Check::Lapse { months: em }) => {
            if lm != em {
                return Err(RuleSetError::Fixed { id: e.id });
            }
            Ok(())
        }
        _ => loosens(Loosening::CheckKind),
    }
}
