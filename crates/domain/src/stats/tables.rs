//! The cells of the member tables (forms.md §2.9: 2 党员基本情况, 3 入党时间, 4 学历, and the
//! totals they share) and of the organization counts. Every cell is a count, and every table is
//! additive: an org's subtree is the sum of its own and its children's, cell by cell.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{EDUCATION_SLOTS, JoinPeriod, Profile, college_plus};
use crate::codes::EducationLevel;
use crate::dates::AgeBand;
use crate::org::OrgKind;

/// The member tables of one org (its own members, or its subtree's).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberTables {
    /// 党员总数: full and probationary members.
    pub total: u64,
    pub probationary: u64,
    /// 女党员.
    pub women: u64,
    /// 少数民族党员.
    pub minorities: u64,
    /// 大专及以上学历.
    pub college_plus: u64,
    /// Table 2: by occupation (the order of `Occupation::all`, then 未填) and age band.
    pub occupation_by_age: Vec<[u64; 8]>,
    /// Table 3: by join period.
    pub join_period: [u64; 4],
    /// Table 4: by education level (the order of `EducationLevel::ALL`, then 未填).
    pub education: [u64; EDUCATION_SLOTS],
    /// Women by age band (the age pyramid: men are the band's total less these).
    pub women_by_age: [u64; 8],
}

impl Default for MemberTables {
    fn default() -> Self {
        MemberTables {
            total: 0,
            probationary: 0,
            women: 0,
            minorities: 0,
            college_plus: 0,
            occupation_by_age: vec![[0; 8]; Profile::occupation_slots()],
            join_period: [0; 4],
            education: [0; EDUCATION_SLOTS],
            women_by_age: [0; 8],
        }
    }
}

impl MemberTables {
    /// Counts `n` members of profile `p`.
    pub fn add_profile(&mut self, p: &Profile, n: u64) {
        self.total += n;
        if p.probationary {
            self.probationary += n;
        }
        if p.female {
            self.women += n;
        }
        if p.minority {
            self.minorities += n;
        }
        if p.education.is_some_and(college_plus) {
            self.college_plus += n;
        }
        let occ = p.occupation.unwrap_or(Profile::occupation_slots() - 1);
        let age = AgeBand::ALL.iter().position(|a| *a == p.age).unwrap_or(0);
        if let Some(row) = self.occupation_by_age.get_mut(occ) {
            row[age] += n;
        }
        if p.female {
            self.women_by_age[age] += n;
        }
        let joined = JoinPeriod::ALL.iter().position(|j| *j == p.joined).unwrap_or(0);
        self.join_period[joined] += n;
        let edu = p.education.and_then(|l| EducationLevel::ALL.iter().position(|x| *x == l));
        self.education[edu.unwrap_or(EDUCATION_SLOTS - 1)] += n;
    }

    /// Adds `other` cell by cell.
    pub fn add(&mut self, other: &MemberTables) {
        self.total += other.total;
        self.probationary += other.probationary;
        self.women += other.women;
        self.minorities += other.minorities;
        self.college_plus += other.college_plus;
        for (row, o) in self.occupation_by_age.iter_mut().zip(&other.occupation_by_age) {
            for (c, x) in row.iter_mut().zip(o) {
                *c += x;
            }
        }
        for (c, x) in self.join_period.iter_mut().zip(&other.join_period) {
            *c += x;
        }
        for (c, x) in self.education.iter_mut().zip(&other.education) {
            *c += x;
        }
        for (c, x) in self.women_by_age.iter_mut().zip(&other.women_by_age) {
            *c += x;
        }
    }

    /// Members by age band (table 2's columns).
    pub fn by_age(&self) -> [u64; 8] {
        let mut out = [0; 8];
        for row in &self.occupation_by_age {
            for (c, x) in out.iter_mut().zip(row) {
                *c += x;
            }
        }
        out
    }

    /// The cross-checks an inspector runs on these tables: each table adds up to the total.
    /// Returns the names of the tables that do not (empty when consistent).
    pub fn inconsistencies(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let table2: u64 = self.occupation_by_age.iter().flatten().sum();
        if table2 != self.total {
            out.push("表2 党员基本情况");
        }
        if self.join_period.iter().sum::<u64>() != self.total {
            out.push("表3 入党时间");
        }
        if self.education.iter().sum::<u64>() != self.total {
            out.push("表4 学历");
        }
        if self.women_by_age.iter().sum::<u64>() != self.women {
            out.push("女党员年龄结构");
        }
        let by_age = self.by_age();
        if self.women_by_age.iter().zip(&by_age).any(|(w, all)| w > all) {
            out.push("分性别年龄结构");
        }
        let college: u64 = self.education[..3].iter().sum();
        if college != self.college_plus {
            out.push("大专及以上");
        }
        out
    }
}

/// The organization counts of a subtree (基层党组织数): by kind, and by the kind of unit they
/// are set up in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgTables {
    /// 基层党委 (committees).
    pub committees: u64,
    /// 党总支.
    pub general_branches: u64,
    /// 党支部.
    pub branches: u64,
    /// 党支部 with no member counted on the day (shown, so that a gap is not hidden).
    pub empty_branches: u64,
    /// By the unit kind recorded on the org.
    pub by_unit_kind: BTreeMap<String, u64>,
}

impl OrgTables {
    /// Counts one org (groups are not organizations in these counts).
    pub fn add_org(&mut self, kind: OrgKind, unit_kind: &str, members: u64) {
        match kind {
            OrgKind::Committee => self.committees += 1,
            OrgKind::GeneralBranch => self.general_branches += 1,
            OrgKind::Branch => {
                self.branches += 1;
                if members == 0 {
                    self.empty_branches += 1;
                }
            }
            OrgKind::Group => return,
        }
        *self.by_unit_kind.entry(unit_kind.to_string()).or_default() += 1;
    }

    pub fn add(&mut self, other: &OrgTables) {
        self.committees += other.committees;
        self.general_branches += other.general_branches;
        self.branches += other.branches;
        self.empty_branches += other.empty_branches;
        for (k, n) in &other.by_unit_kind {
            *self.by_unit_kind.entry(k.clone()).or_default() += n;
        }
    }
}
