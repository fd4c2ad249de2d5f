//! The coverage family (党的组织和工作覆盖): every private education unit a committee oversees
//! has party organization and party work. Rules of rules.md §12.
//!
//! | ID | check | where |
//! |---|---|---|
//! | COVER-PRIVATE | a 民办 school, kindergarten or training institution is covered by its own org, a joint branch or a 党建指导员; one with ≥ 3 full members has its own org | [`evaluate`] |
//!
//! The facts are the units the org registered ([`CoverageFacts`]), each with what covers it on
//! the day checked: the orgs linked to it that exist on that day (its own when linked to it
//! alone, a joint branch when linked to several units), the instructors whose service spans the
//! day, and the full members whose 工作单位 is the unit.

use serde::Serialize;

use crate::findings::{Finding, FixLink, RecordRef, Subject, When, pages};
use crate::org::OrgKind;
use crate::rules::{Applicability, FamilyId, Loosening, Param, Rule, RuleCheck, RuleSet, Severity, Weaker};
use crate::unit::{Ownership, UnitType};

pub const FAMILY: FamilyId = FamilyId { id: "coverage", label: "组织覆盖" };

/// What a coverage rule checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Check {
    /// COVER-PRIVATE: every private education unit covered; with at least `min_full` full
    /// members, by an org of its own.
    PrivateCovered { min_full: u32 },
}

impl RuleCheck for Check {
    const FAMILY: FamilyId = FAMILY;

    fn same_kind(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// A committee may ask for an org of its own with fewer members, never more.
    fn at_least_as_strict(&self, other: &Self) -> Result<(), Weaker> {
        let Check::PrivateCovered { min_full: l } = self;
        let Check::PrivateCovered { min_full: e } = other;
        if l > e { Err(Weaker::Loosens(Loosening::Threshold)) } else { Ok(()) }
    }

    fn well_formed(&self) -> Result<(), &'static str> {
        match self {
            Check::PrivateCovered { min_full: 0 } => Err("人数应至少为1"),
            _ => Ok(()),
        }
    }

    fn params(&self) -> Vec<Param> {
        let Check::PrivateCovered { min_full } = self;
        vec![Param::new("min_full", "正式党员达到（名）应单独建立党组织", min_full)]
    }
}

/// The citation of COVER-PRIVATE.
pub const CITATION: &str = "中共中央办公厅《关于加强民办学校党的建设工作的意见（试行）》（2016年）";

/// The national coverage rules.
pub fn national_rules() -> Vec<Rule<Check>> {
    vec![Rule::national(
        "COVER-PRIVATE",
        "民办学校党的组织和党的工作全覆盖：正式党员3名以上的单独建立党组织，不足3名的建立联合党支部或选派党建指导员",
        CITATION,
        Applicability::kinds(&[OrgKind::Committee, OrgKind::GeneralBranch, OrgKind::Branch]),
        Check::PrivateCovered { min_full: 3 },
        Severity::Violation,
    )]
}

pub fn national() -> RuleSet<Check> {
    RuleSet::of(national_rules())
}

/// How a unit is covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CoverWay {
    /// 单独建立党组织.
    OwnOrg,
    /// 联合党支部.
    JointBranch,
    /// 选派党建指导员.
    Instructor,
}

impl CoverWay {
    pub fn label(self) -> &'static str {
        match self {
            Self::OwnOrg => "单独建立党组织",
            Self::JointBranch => "联合党支部",
            Self::Instructor => "党建指导员",
        }
    }
}

/// One unit as the rule sees it on the day checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnitFact {
    pub id: i64,
    pub name: String,
    pub unit_type: Option<UnitType>,
    pub ownership: Option<Ownership>,
    /// Orgs linked to this unit alone that exist on the day.
    pub own_orgs: u32,
    /// Orgs linked to it and to other units (joint branches) that exist on the day.
    pub joint_orgs: u32,
    /// Instructors serving it on the day.
    pub instructors: u32,
    /// Full members whose 工作单位 is the unit, on the day.
    pub full_members: u32,
}

impl UnitFact {
    /// The ways it is covered, strongest first.
    pub fn ways(&self) -> Vec<CoverWay> {
        let mut out = Vec::new();
        if self.own_orgs > 0 {
            out.push(CoverWay::OwnOrg);
        }
        if self.joint_orgs > 0 {
            out.push(CoverWay::JointBranch);
        }
        if self.instructors > 0 {
            out.push(CoverWay::Instructor);
        }
        out
    }

    /// Whether COVER-PRIVATE judges it: a 民办 school, kindergarten or training institution.
    pub fn private_education(&self) -> bool {
        self.ownership == Some(Ownership::Private) && self.unit_type.is_some_and(UnitType::is_education)
    }
}

/// The units an org registered, on the day checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CoverageFacts {
    pub units: Vec<UnitFact>,
}

/// The coverage findings of the org that registered the units, on `when.as_of` (coverage is a
/// state, not a period: what is uncovered today).
pub fn evaluate(
    rules: &RuleSet<Check>,
    org_id: i64,
    org_kind: OrgKind,
    facts: &CoverageFacts,
    when: &When,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in rules.in_force_on(when.as_of) {
        if !rule.applies_to.org_kinds.contains(&org_kind) {
            continue;
        }
        let Check::PrivateCovered { min_full } = rule.check;
        for u in facts.units.iter().filter(|u| u.private_education()) {
            let message = if u.ways().is_empty() {
                format!(
                    "民办{}“{}”未建立党组织，也未纳入联合党支部或选派党建指导员（正式党员{}名）",
                    u.unit_type.map(UnitType::label).unwrap_or_default(),
                    u.name,
                    u.full_members
                )
            } else if u.own_orgs == 0 && u.full_members >= min_full {
                format!(
                    "“{}”有正式党员{}名（{}名以上），应单独建立党组织，目前为{}",
                    u.name,
                    u.full_members,
                    min_full,
                    u.ways().iter().map(|w| w.label()).collect::<Vec<_>>().join("、")
                )
            } else {
                continue;
            };
            out.push(
                Finding::new(rule, org_id, rule.severity, message)
                    .subject(Subject::Record { record: RecordRef::unit(u.id) })
                    .records(vec![RecordRef::unit(u.id)])
                    .fix(FixLink::to("处理覆盖情况", pages::UNIT).param("id", u.id)),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests;
