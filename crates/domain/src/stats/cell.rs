//! A cell of the member tables, named in a link (`?cell=edu-1`), and the profile-code
//! positions that select its members (the drill-down from a figure to the people behind it).

use super::{EDUCATION_SLOTS, JoinPeriod, Profile};
use crate::codes::{EducationLevel, Occupation};
use crate::dates::AgeBand;

/// One cell of the basic counts or of tables 2–4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    All,
    Probationary,
    Women,
    Minorities,
    CollegePlus,
    /// Table 4: an education level's index (`EducationLevel::ALL`, then 未填).
    Education(usize),
    /// Table 3: a join period's index.
    Joined(usize),
    /// Table 2: an occupation's index (`Occupation::all`, then 未填) and, optionally, an age
    /// band's.
    Occupation(usize, Option<usize>),
    /// Table 2's column: an age band's index.
    Age(usize),
}

// The positions of `Profile::code_parts`.
const PROBATIONARY: usize = 0;
const FEMALE: usize = 1;
const MINORITY: usize = 2;
const EDUCATION: usize = 3;
const OCCUPATION: usize = 4;
const AGE: usize = 5;
const JOINED: usize = 6;

impl Cell {
    /// Reads a cell's name: `all`, `probationary`, `women`, `minorities`, `college_plus`,
    /// `edu-K`, `joined-K`, `occ-J`, `occ-J-age-I`, `age-I`; `None` for anything else or an
    /// index out of range.
    pub fn parse(s: &str) -> Option<Cell> {
        let index = |t: &str, n: usize| t.parse::<usize>().ok().filter(|i| *i < n);
        let occupations = Profile::occupation_slots();
        let bands = AgeBand::ALL.len();
        match s.split('-').collect::<Vec<_>>().as_slice() {
            ["all"] => Some(Cell::All),
            ["probationary"] => Some(Cell::Probationary),
            ["women"] => Some(Cell::Women),
            ["minorities"] => Some(Cell::Minorities),
            ["college_plus"] => Some(Cell::CollegePlus),
            ["edu", k] => index(k, EDUCATION_SLOTS).map(Cell::Education),
            ["joined", k] => index(k, JoinPeriod::ALL.len()).map(Cell::Joined),
            ["occ", j] => index(j, occupations).map(|j| Cell::Occupation(j, None)),
            ["occ", j, "age", i] => Some(Cell::Occupation(index(j, occupations)?, Some(index(i, bands)?))),
            ["age", i] => index(i, bands).map(Cell::Age),
            _ => None,
        }
    }

    /// The name [`Cell::parse`] reads.
    pub fn name(self) -> String {
        match self {
            Cell::All => "all".into(),
            Cell::Probationary => "probationary".into(),
            Cell::Women => "women".into(),
            Cell::Minorities => "minorities".into(),
            Cell::CollegePlus => "college_plus".into(),
            Cell::Education(k) => format!("edu-{k}"),
            Cell::Joined(k) => format!("joined-{k}"),
            Cell::Occupation(j, None) => format!("occ-{j}"),
            Cell::Occupation(j, Some(i)) => format!("occ-{j}-age-{i}"),
            Cell::Age(i) => format!("age-{i}"),
        }
    }

    /// What the cell counts, in Chinese.
    pub fn label(self) -> String {
        let occupation = |j: usize| Occupation::all().get(j).map_or("职业未填", |o| o.name());
        let band = |i: usize| AgeBand::ALL.get(i).map_or("", |b| b.label());
        match self {
            Cell::All => "全部党员".into(),
            Cell::Probationary => "预备党员".into(),
            Cell::Women => "女党员".into(),
            Cell::Minorities => "少数民族党员".into(),
            Cell::CollegePlus => "大专及以上学历".into(),
            Cell::Education(k) => EducationLevel::ALL.get(k).map_or("学历未填", |l| l.label()).into(),
            Cell::Joined(k) => JoinPeriod::ALL.get(k).map_or("", |p| p.label()).into(),
            Cell::Occupation(j, None) => occupation(j).into(),
            Cell::Occupation(j, Some(i)) => format!("{}，{}", occupation(j), band(i)),
            Cell::Age(i) => band(i).into(),
        }
    }

    /// The positions of the profile code and the values there that select the cell's members.
    pub fn parts(self) -> Vec<(usize, Vec<usize>)> {
        match self {
            Cell::All => Vec::new(),
            Cell::Probationary => vec![(PROBATIONARY, vec![1])],
            Cell::Women => vec![(FEMALE, vec![1])],
            Cell::Minorities => vec![(MINORITY, vec![1])],
            Cell::CollegePlus => vec![(EDUCATION, vec![0, 1, 2])],
            Cell::Education(k) => vec![(EDUCATION, vec![k])],
            Cell::Joined(k) => vec![(JOINED, vec![k])],
            Cell::Occupation(j, None) => vec![(OCCUPATION, vec![j])],
            Cell::Occupation(j, Some(i)) => vec![(OCCUPATION, vec![j]), (AGE, vec![i])],
            Cell::Age(i) => vec![(AGE, vec![i])],
        }
    }

    /// Whether a member of profile `p` is in the cell (what `parts` selects in SQL).
    pub fn contains(self, p: &Profile) -> bool {
        let code = usize::try_from(p.code()).unwrap_or(usize::MAX);
        let radices = Profile::code_parts();
        self.parts().iter().all(|(pos, values)| {
            let div: usize = radices[pos + 1..].iter().product();
            values.contains(&((code / div) % radices[*pos]))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_out_of_range_is_refused() {
        for name in ["all", "women", "edu-0", "edu-6", "joined-3", "occ-8", "occ-2-age-7", "age-0", "college_plus"] {
            assert_eq!(Cell::parse(name).map(Cell::name).as_deref(), Some(name));
        }
        for bad in ["edu-7", "joined-4", "occ-9", "age-8", "occ-1-age-9", "edu", "edu-x", "", "women-1"] {
            assert_eq!(Cell::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_cell_selects_the_profiles_the_tables_count_there() {
        let parts = Profile::code_parts();
        let count: usize = parts.iter().product();
        for code in (0..u32::try_from(count).unwrap_or(0)).step_by(7) {
            let Some(p) = Profile::from_code(code) else { continue };
            let mut t = super::super::MemberTables::default();
            t.add_profile(&p, 1);
            assert_eq!(Cell::Women.contains(&p), t.women == 1);
            assert_eq!(Cell::CollegePlus.contains(&p), t.college_plus == 1);
            assert_eq!(Cell::Probationary.contains(&p), t.probationary == 1);
            for k in 0..EDUCATION_SLOTS {
                assert_eq!(Cell::Education(k).contains(&p), t.education[k] == 1);
            }
            for (j, row) in t.occupation_by_age.iter().enumerate() {
                for (i, n) in row.iter().enumerate() {
                    assert_eq!(Cell::Occupation(j, Some(i)).contains(&p), *n == 1);
                }
            }
        }
    }
}
