//! 党内统计 (party statistics): the counting rules of rules.md §9 and the tables of the annual
//! report (forms.md §2.9), computed from the dated records, never typed.
//!
//! **Counting rules.** The reference date is 31 December of the year (or a chosen day). A member
//! is counted in the branch where their formal membership relation sits on that day (their
//! membership span of kind `branch`), if their status on that day is 正式党员 or 预备党员: a member
//! whose membership is suspended (停止党籍), who left, died or was transferred out is not in the
//! totals. Organizations are counted by their line of subordination: an org's figures are its own
//! members plus those of every org below it. Attributes are taken as recorded; an age is the age
//! on the reference date ([`crate::dates::age_on`]).
//!
//! Everything here is pure: storage reads each member's [`Profile`] code per branch, and
//! [`MemberTables`] and [`Rollup`] add them up.

pub mod cell;
pub mod changes;
pub mod events;
pub mod rollup;
pub mod tables;

pub use cell::{Behind, Cell, Drill, OrgCell};
pub use changes::{Change, MemberChanges};
pub use events::{Tallies, Tally};
pub use rollup::{Cells, Rollup};
pub use tables::{MemberTables, OrgTables};

/// All the figures of one org: the member tables, the org counts and table 1.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub members: MemberTables,
    pub orgs: OrgTables,
    pub changes: MemberChanges,
    pub events: Tallies,
}

impl Cells for Figures {
    fn add(&mut self, other: &Self) {
        self.members.add(&other.members);
        self.orgs.add(&other.orgs);
        self.changes.add(&other.changes);
        self.events.add(&other.events);
    }
}

use chrono::NaiveDate;
use serde::Serialize;

use crate::codes::{EducationLevel, Occupation};
use crate::dates::{AgeBand, age_on};

/// 入党时间 (table 3): the period a member joined in. The boundaries are the founding of the
/// People's Republic (1 October 1949), the end of 1978 (the Third Plenum of the 11th Central
/// Committee, December 1978) and the opening of the 18th Congress (8 November 2012).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinPeriod {
    Before1949,
    To1978,
    To18thCongress,
    Since18thCongress,
}

impl JoinPeriod {
    pub const ALL: [JoinPeriod; 4] = [Self::Before1949, Self::To1978, Self::To18thCongress, Self::Since18thCongress];

    /// The first day of each period after the first, in order.
    pub fn starts() -> [NaiveDate; 3] {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN);
        [d(1949, 10, 1), d(1979, 1, 1), d(2012, 11, 8)]
    }

    pub fn of(joined_on: NaiveDate) -> JoinPeriod {
        let starts = Self::starts();
        match starts.iter().position(|s| joined_on < *s) {
            Some(0) => Self::Before1949,
            Some(1) => Self::To1978,
            Some(2) => Self::To18thCongress,
            _ => Self::Since18thCongress,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Before1949 => "before_1949",
            Self::To1978 => "to_1978",
            Self::To18thCongress => "to_18th_congress",
            Self::Since18thCongress => "since_18th_congress",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Before1949 => "新中国成立前",
            Self::To1978 => "新中国成立后至党的十一届三中全会前",
            Self::To18thCongress => "党的十一届三中全会后至党的十八大前",
            Self::Since18thCongress => "党的十八大以来",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// One member as the member tables see them on the reference date. Stored attributes that are
/// blank (an education or occupation not recorded) are `None` and counted as 未填.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    pub probationary: bool,
    pub female: bool,
    pub minority: bool,
    pub education: Option<EducationLevel>,
    /// The index of the occupation in [`Occupation::all`].
    pub occupation: Option<usize>,
    pub age: AgeBand,
    pub joined: JoinPeriod,
}

/// The number of education levels, with 未填 last.
pub const EDUCATION_SLOTS: usize = EducationLevel::ALL.len() + 1;

impl Profile {
    /// The profile of a member with these recorded attributes on `on`.
    #[allow(clippy::too_many_arguments)]
    pub fn of(
        probationary: bool,
        female: bool,
        minority: bool,
        education: Option<EducationLevel>,
        occupation: Option<Occupation>,
        birth: NaiveDate,
        joined_on: NaiveDate,
        on: NaiveDate,
    ) -> Profile {
        Profile {
            probationary,
            female,
            minority,
            education,
            occupation: occupation.and_then(|o| Occupation::all().iter().position(|x| *x == o)),
            age: AgeBand::of(age_on(birth, on)),
            joined: JoinPeriod::of(joined_on),
        }
    }

    /// The number of occupation slots, with 未填 last.
    pub fn occupation_slots() -> usize {
        Occupation::all().len() + 1
    }

    /// The profile as one integer (storage computes the same number in SQL, see
    /// [`Profile::code_parts`]): mixed radix over the fields, in the order of `code_parts`.
    pub fn code(&self) -> u32 {
        let edu = self.education.map_or(EDUCATION_SLOTS - 1, education_index);
        let occ = self.occupation.unwrap_or(Self::occupation_slots() - 1);
        let age = AgeBand::ALL.iter().position(|a| *a == self.age).unwrap_or(0);
        let mut code = 0usize;
        for (value, radix) in [
            (usize::from(self.probationary), 2),
            (usize::from(self.female), 2),
            (usize::from(self.minority), 2),
            (edu, EDUCATION_SLOTS),
            (occ, Self::occupation_slots()),
            (age, AgeBand::ALL.len()),
            (self.joined.index(), JoinPeriod::ALL.len()),
        ] {
            code = code * radix + value;
        }
        u32::try_from(code).unwrap_or(u32::MAX)
    }

    /// The radices of [`Profile::code`], most significant first: probationary, female, minority,
    /// education, occupation, age band, join period.
    pub fn code_parts() -> [usize; 7] {
        [2, 2, 2, EDUCATION_SLOTS, Self::occupation_slots(), AgeBand::ALL.len(), JoinPeriod::ALL.len()]
    }

    /// The profile a code stands for; `None` for a number no profile has.
    pub fn from_code(code: u32) -> Option<Profile> {
        let mut rest = usize::try_from(code).ok()?;
        let parts = Self::code_parts();
        let mut values = [0usize; 7];
        for (i, radix) in parts.iter().enumerate().rev() {
            values[i] = rest % radix;
            rest /= radix;
        }
        if rest != 0 {
            return None;
        }
        let [prob, female, minority, edu, occ, age, joined] = values;
        Some(Profile {
            probationary: prob == 1,
            female: female == 1,
            minority: minority == 1,
            education: EducationLevel::ALL.get(edu).copied(),
            occupation: (occ < Occupation::all().len()).then_some(occ),
            age: *AgeBand::ALL.get(age)?,
            joined: *JoinPeriod::ALL.get(joined)?,
        })
    }
}

fn education_index(level: EducationLevel) -> usize {
    EducationLevel::ALL.iter().position(|l| *l == level).unwrap_or(EDUCATION_SLOTS - 1)
}

/// 大专及以上: the levels that count as college or above.
pub fn college_plus(level: EducationLevel) -> bool {
    matches!(level, EducationLevel::Postgraduate | EducationLevel::Bachelor | EducationLevel::College)
}

#[cfg(test)]
mod tests;
