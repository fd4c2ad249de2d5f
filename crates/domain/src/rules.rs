//! The rules engine's data: a rule is an ID, a Chinese title, a citation, the orgs it applies
//! to, what it checks, its severity, and where it comes from. Rules come in **families**
//! ([`crate::family`]): a domain module's rules plus the facts they need. A family brings its own
//! check type (`C: RuleCheck`), so adding a family adds a type and never changes another's;
//! everything here is shared: severities, sources, applicability, rule sets and how they may be
//! tightened, and the catalogue row ([`RuleInfo`]) every family's rule is listed as.
//!
//! The national set of each family ships as the default. A committee may switch on local rule
//! sets or tighten a parameter for its subtree ([`RuleSet::tighten`], [`RuleSet::tighten_from`]);
//! a local rule may add a requirement or tighten a national one, never loosen or remove it —
//! loosening is refused with a [`RuleSetError`] that names the rule.
//!
//! **Severity.** Rules worded "一般" (generally) in the regulation are warnings (rules.md, "How to use
//! it"). A rule's [`Severity`] is that of its main requirement; the parts of an article worded
//! "一般" give [`Severity::Warning`] whatever the rule's severity (see each family), and quorum
//! failures (the article says "方可") are always [`Severity::Violation`].
//!
//! **Dated rules.** A rule may be in force from a date (a committee setting that applies from
//! then) and until a date (the version a setting replaced). A period is judged by the version in
//! force on its first day, so earlier periods keep the old value; a finding about a state on
//! `as_of` (the structure rules) by the version in force on `as_of`.

use std::fmt::Debug;

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

use crate::dates::format_cn;
use crate::org::OrgKind;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// A parameter a committee tightened for its subtree (a committee setting), from a date.
    Setting { committee: String, from: NaiveDate },
}

impl RuleSource {
    pub fn is_local(&self) -> bool {
        !matches!(self, Self::National)
    }

    /// "全国性规定", the local rule set's name, or "某党委设定（2026年7月1日起）".
    pub fn label(&self) -> String {
        match self {
            Self::National => "全国性规定".to_string(),
            Self::Local(name) => name.clone(),
            Self::Setting { committee, from } => format!("{committee}设定（{}起）", format_cn(*from)),
        }
    }

    /// "national", "local" or "setting".
    pub fn kind(&self) -> &'static str {
        match self {
            Self::National => "national",
            Self::Local(_) => "local",
            Self::Setting { .. } => "setting",
        }
    }
}

/// A condition on an org besides its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The org has a committee (支部委员会) in the period judged: MTG-COMMITTEE.
    HasCommittee,
    /// The org has a secretary in office: MTG-LESSON (the 党委书记 lectures).
    HasSecretary,
    /// The org sits in a school (公办 or 民办): SZK-LECTURE.
    InSchool,
}

impl Condition {
    pub fn label(self) -> &'static str {
        match self {
            Self::HasCommittee => "设有支部委员会",
            Self::HasSecretary => "有在任书记",
            Self::InSchool => "所在单位为学校",
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

    /// "党支部（设有支部委员会）".
    pub fn label(&self) -> String {
        let kinds: Vec<&str> = self.org_kinds.iter().map(|k| k.label()).collect();
        let mut s = kinds.join("、");
        if !self.conditions.is_empty() {
            let c: Vec<&str> = self.conditions.iter().map(|c| c.label()).collect();
            s.push_str(&format!("（{}）", c.join("，")));
        }
        s
    }
}

/// A family of rules: an identifier and a Chinese name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct FamilyId {
    /// "org_life".
    pub id: &'static str,
    /// "组织生活".
    pub label: &'static str,
}

/// One parameter of a rule, for the catalogue: "min_count" "次数" "1".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Param {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
}

impl Param {
    pub fn new(name: &'static str, label: &'static str, value: impl ToString) -> Param {
        Param { name, label, value: value.to_string() }
    }
}

/// Why a check is not at least as strict as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weaker {
    /// It loosens the other in this respect.
    Loosens(Loosening),
    /// The parameter is fixed by the Party Constitution and may not change.
    Fixed,
}

/// What a family's rules check: one type per family. The engine compares checks to refuse a
/// local rule or a setting that would loosen a national rule.
pub trait RuleCheck: Clone + PartialEq + Eq + Serialize + Debug {
    /// The family this check belongs to.
    const FAMILY: FamilyId;

    /// Whether `self` and `other` are the same kind of check.
    fn same_kind(&self, other: &Self) -> bool;

    /// Whether a new rule with `self` checks the same thing as an existing rule with `other` (so
    /// it must be at least as strict). By default, the same kind of check.
    fn same_requirement(&self, other: &Self) -> bool {
        self.same_kind(other)
    }

    /// `Ok` when `self` demands at least what `other` demands, in every respect.
    fn at_least_as_strict(&self, other: &Self) -> Result<(), Weaker>;

    /// `Err(reason)` when the parameters cannot make sense (a count of 0, a range upside down).
    fn well_formed(&self) -> Result<(), &'static str>;

    /// The parameters, for the catalogue.
    fn params(&self) -> Vec<Param>;

    /// This check with the numeric parameter `name` set to `value` (a committee setting), or
    /// `None` when it has no such parameter.
    fn with_param(&self, _name: &str, _value: u32) -> Option<Self> {
        None
    }
}

/// A rule: data with a citation, of one family (its check type `C`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule<C> {
    /// The rule ID of shared/rules.md ("MTG-ASSEMBLY"), or a local rule's own ID.
    pub id: &'static str,
    /// What the rule requires, in Chinese.
    pub title: &'static str,
    /// "《中国共产党支部工作条例（试行）》第十一条".
    pub citation: &'static str,
    pub applies_to: Applicability,
    pub check: C,
    pub severity: Severity,
    pub source: RuleSource,
    /// In force for periods that begin on or after this day (a committee setting's date).
    pub from: Option<NaiveDate>,
    /// In force for periods that begin before this day (the version a setting replaced).
    pub until: Option<NaiveDate>,
}

impl<C: RuleCheck> Rule<C> {
    /// A national rule, in force always.
    pub fn national(
        id: &'static str,
        title: &'static str,
        citation: &'static str,
        applies_to: Applicability,
        check: C,
        severity: Severity,
    ) -> Rule<C> {
        Rule { id, title, citation, applies_to, check, severity, source: RuleSource::National, from: None, until: None }
    }

    /// Whether this version is the one in force on `day` (a period's first day, or `as_of`).
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day < u)
    }

    /// The catalogue row of this rule.
    pub fn info(&self) -> RuleInfo {
        RuleInfo {
            id: self.id,
            title: self.title,
            citation: self.citation,
            family: C::FAMILY,
            applies_to: self.applies_to.label(),
            severity: self.severity,
            source: self.source.clone(),
            source_label: self.source.label(),
            params: self.check.params(),
            from: self.from,
            until: self.until,
        }
    }
}

/// One line of the rule catalogue (规则目录): a rule in force, whatever its family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    pub id: &'static str,
    pub title: &'static str,
    pub citation: &'static str,
    pub family: FamilyId,
    pub applies_to: String,
    pub severity: Severity,
    pub source: RuleSource,
    pub source_label: String,
    pub params: Vec<Param>,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl RuleInfo {
    /// Whether a committee tightened this rule or added it (not national).
    pub fn tightened(&self) -> bool {
        self.source.is_local()
    }

    /// "次数=2，周期=季度".
    pub fn params_label(&self) -> String {
        let p: Vec<String> = self.params.iter().map(|p| format!("{}={}", p.label, p.value)).collect();
        p.join("，")
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

/// Why a local rule set or a setting was refused.
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

impl RuleSetError {
    /// The ID of the rule that refused the change (the existing rule when one would be loosened).
    pub fn rule_id(&self) -> &'static str {
        match self {
            Self::NotLocal { id } | Self::Fixed { id } | Self::Malformed { id, .. } => id,
            Self::Loosens { existing, .. } => existing,
        }
    }
}

/// A set of rules of one family in force: the national rules, possibly tightened by local ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleSet<C> {
    rules: Vec<Rule<C>>,
}

impl<C: RuleCheck> RuleSet<C> {
    /// A set of exactly these rules (a family's national rules).
    pub fn of(rules: Vec<Rule<C>>) -> RuleSet<C> {
        RuleSet { rules }
    }

    pub fn rules(&self) -> &[Rule<C>] {
        &self.rules
    }

    /// The version of rule `id` in force now: the newest (a setting's version comes after the
    /// one it replaced).
    pub fn get(&self, id: &str) -> Option<&Rule<C>> {
        self.rules.iter().rev().find(|r| r.id == id && r.until.is_none())
    }

    /// The versions in force on `day`, in the order of the set.
    pub fn in_force_on(&self, day: NaiveDate) -> impl Iterator<Item = &Rule<C>> {
        self.rules.iter().filter(move |r| r.in_force_on(day))
    }

    /// One set from the sets in force over consecutive windows: `(from, until, set)`, oldest
    /// first. A rule the same in two neighbouring windows becomes one version over both; one that
    /// differs gets a version per window. Rules keep the order of their first appearance, and a
    /// rule's versions are kept together, oldest first.
    pub fn from_windows(windows: Vec<(Option<NaiveDate>, Option<NaiveDate>, RuleSet<C>)>) -> RuleSet<C> {
        let mut order: Vec<&'static str> = Vec::new();
        let mut versions: Vec<Vec<Rule<C>>> = Vec::new();
        for (from, until, set) in windows {
            for r in set.rules {
                let pos = match order.iter().position(|id| *id == r.id) {
                    Some(p) => p,
                    None => {
                        order.push(r.id);
                        versions.push(Vec::new());
                        order.len() - 1
                    }
                };
                let list = &mut versions[pos];
                let same = |v: &Rule<C>| {
                    v.check == r.check
                        && v.severity == r.severity
                        && v.source == r.source
                        && v.applies_to == r.applies_to
                        && v.until == from
                };
                match list.last_mut() {
                    Some(last) if same(last) => last.until = until,
                    _ => list.push(Rule { from: r.from.max(from), until, ..r }),
                }
            }
        }
        RuleSet { rules: versions.into_iter().flatten().collect() }
    }

    /// This set with `local` switched on for every period. See [`RuleSet::tighten_from`].
    pub fn tighten(&self, local: &[Rule<C>]) -> Result<RuleSet<C>, RuleSetError> {
        self.tighten_from(local, None)
    }

    /// This set with `local` switched on for the periods that begin on or after `from` (always
    /// when `None`). Each local rule either replaces the rule with its ID, which it must be at
    /// least as strict as, or adds a new requirement. A new rule that counts the same records
    /// for the same orgs as an existing rule must also be at least as strict as it (a weaker
    /// duplicate would read as a local standard that is lower than the national one). Nothing
    /// is removed: a replaced rule stays in force for the periods before `from`. Errors name
    /// the first local rule refused; `self` is unchanged.
    pub fn tighten_from(&self, local: &[Rule<C>], from: Option<NaiveDate>) -> Result<RuleSet<C>, RuleSetError> {
        let mut rules = self.rules.clone();
        for l in local {
            if !l.source.is_local() {
                return Err(RuleSetError::NotLocal { id: l.id });
            }
            if let Err(reason) = l.check.well_formed() {
                return Err(RuleSetError::Malformed { id: l.id, reason });
            }
            if l.applies_to.org_kinds.is_empty() {
                return Err(RuleSetError::Malformed { id: l.id, reason: "未指定适用的组织类型" });
            }
            let mut l = l.clone();
            l.from = from.or(l.from);
            let current: Vec<usize> =
                rules.iter().enumerate().filter(|(_, e)| e.id == l.id && e.until.is_none()).map(|(i, _)| i).collect();
            if let Some(&pos) = current.last() {
                at_least_as_strict(&l, &rules[pos])?;
                match l.from {
                    // The replaced version keeps the periods before the change.
                    Some(day) if rules[pos].from.is_none_or(|f| f < day) => {
                        rules[pos].until = Some(day);
                        rules.insert(pos + 1, l);
                    }
                    _ => rules[pos] = l,
                }
            } else {
                for e in rules.iter().filter(|e| e.until.is_none() && same_requirement(&l, e)) {
                    stricter_check(&l, e)?;
                }
                rules.push(l);
            }
        }
        Ok(RuleSet { rules })
    }
}

/// Whether a new rule `l` checks the same thing for some of the same orgs as `e`.
fn same_requirement<C: RuleCheck>(l: &Rule<C>, e: &Rule<C>) -> bool {
    l.check.same_requirement(&e.check) && l.applies_to.overlaps(&e.applies_to)
}

/// A replacement `l` for `e` (same ID) must be at least as strict in every respect.
fn at_least_as_strict<C: RuleCheck>(l: &Rule<C>, e: &Rule<C>) -> Result<(), RuleSetError> {
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

fn stricter_check<C: RuleCheck>(l: &Rule<C>, e: &Rule<C>) -> Result<(), RuleSetError> {
    l.check.at_least_as_strict(&e.check).map_err(|w| match w {
        Weaker::Loosens(what) => RuleSetError::Loosens { local: l.id, existing: e.id, what },
        Weaker::Fixed => RuleSetError::Fixed { id: e.id },
    })
}
