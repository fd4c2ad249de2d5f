//! A cell of the member tables, named in a link (`?cell=edu-1`), and the profile-code
//! positions that select its members (the drill-down from a figure to the people behind it).

use serde::Serialize;

use super::{Change, EDUCATION_SLOTS, JoinPeriod, Profile, Tally};
use crate::codes::{EducationLevel, Occupation};
use crate::dates::AgeBand;
use crate::org::{OrgKind, UnitKind};

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

/// The orgs behind a figure of the organisation counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgCell {
    /// Orgs of a kind (committee, general branch, branch).
    Kind(OrgKind),
    /// Branches with no member counted on the day.
    EmptyBranches,
    /// Orgs (of every kind but the party group) set up in units of a kind.
    UnitKind(UnitKind),
}

/// Any figure of the statistics page a reader can open to the people or orgs behind it: a cell
/// of the member tables, a change of table 1, a cell of the event tables, or an org count. Its
/// name is the `cell` of the drill-down link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drill {
    Members(Cell),
    Change(Change),
    Event(Tally),
    Orgs(OrgCell),
}

impl From<Cell> for Drill {
    fn from(c: Cell) -> Drill {
        Drill::Members(c)
    }
}

impl From<Change> for Drill {
    fn from(c: Change) -> Drill {
        Drill::Change(c)
    }
}

impl From<Tally> for Drill {
    fn from(t: Tally) -> Drill {
        Drill::Event(t)
    }
}

impl From<OrgCell> for Drill {
    fn from(c: OrgCell) -> Drill {
        Drill::Orgs(c)
    }
}

impl Drill {
    /// Reads `change-K` (a [`Change`]), `event-K` (a [`Tally`]), `orgs-K` (an org kind),
    /// `orgs-empty`, `unit-K` (a unit kind), or a [`Cell`]'s name.
    pub fn parse(s: &str) -> Option<Drill> {
        if let Some(k) = s.strip_prefix("change-") {
            return Change::parse(k).map(Drill::Change);
        }
        if let Some(k) = s.strip_prefix("event-") {
            return Tally::parse(k).map(Drill::Event);
        }
        if s == "orgs-empty" {
            return Some(Drill::Orgs(OrgCell::EmptyBranches));
        }
        if let Some(k) = s.strip_prefix("orgs-") {
            return OrgKind::parse(k).filter(|k| *k != OrgKind::Group).map(|k| Drill::Orgs(OrgCell::Kind(k)));
        }
        if let Some(k) = s.strip_prefix("unit-") {
            return UnitKind::ALL.into_iter().find(|u| u.as_str() == k).map(|u| Drill::Orgs(OrgCell::UnitKind(u)));
        }
        Cell::parse(s).map(Drill::Members)
    }

    /// The name [`Drill::parse`] reads.
    pub fn name(self) -> String {
        match self {
            Drill::Members(c) => c.name(),
            Drill::Change(c) => format!("change-{}", c.as_str()),
            Drill::Event(t) => format!("event-{}", t.as_str()),
            Drill::Orgs(OrgCell::Kind(k)) => format!("orgs-{}", k.as_str()),
            Drill::Orgs(OrgCell::EmptyBranches) => "orgs-empty".into(),
            Drill::Orgs(OrgCell::UnitKind(u)) => format!("unit-{}", u.as_str()),
        }
    }

    /// What the figure counts, in Chinese, with its table where the label alone is ambiguous.
    pub fn label(self) -> String {
        match self {
            Drill::Members(c) => c.label(),
            Drill::Change(c) => {
                let side = if c.is_increase() { "增加" } else { "减少" };
                format!("表1 党员数量变化：{side}，{}", c.label())
            }
            Drill::Event(t) => format!("{}：{}", t.table(), t.label().trim_start_matches("其中：")),
            Drill::Orgs(OrgCell::Kind(k)) => k.label().into(),
            Drill::Orgs(OrgCell::EmptyBranches) => "无党员的党支部".into(),
            Drill::Orgs(OrgCell::UnitKind(u)) => format!("设在{}的党组织", u.label()),
        }
    }

    /// Whether the figure counts the events of the year (after last year's reference date, up to
    /// this one) rather than the state on the reference date: table 1 and the event tables, but
    /// 18–20, 33–35, 43 and the overdue terms of 24, which are taken on the day.
    pub fn in_year(self) -> bool {
        match self {
            Drill::Change(_) => true,
            Drill::Event(t) => !matches!(
                t,
                Tally::Candidates
                    | Tally::Activists
                    | Tally::Applicants
                    | Tally::Mobile
                    | Tally::GraduatesKept
                    | Tally::Abroad
                    | Tally::LostContact
                    | Tally::RenewalOverdue
            ),
            Drill::Members(_) | Drill::Orgs(_) => false,
        }
    }

    /// What a row of the drill-down is: a member, a person on the path to membership (tables
    /// 18–20), or an org.
    pub fn behind(self) -> Behind {
        match self {
            Drill::Event(Tally::Candidates | Tally::Activists | Tally::Applicants) => Behind::Recruit,
            Drill::Orgs(_) | Drill::Event(Tally::TermsEnded | Tally::Renewed | Tally::RenewalOverdue) => Behind::Org,
            _ => Behind::Member,
        }
    }
}

/// What the rows behind a figure are.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Behind {
    Member,
    Recruit,
    Org,
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
    fn every_figure_name_round_trips_and_unknown_ones_are_refused() {
        let mut all: Vec<Drill> = Change::ALL.into_iter().map(Drill::Change).collect();
        all.extend(Tally::ALL.into_iter().map(Drill::Event));
        all.extend(
            [OrgKind::Committee, OrgKind::GeneralBranch, OrgKind::Branch].map(|k| Drill::Orgs(OrgCell::Kind(k))),
        );
        all.push(Drill::Orgs(OrgCell::EmptyBranches));
        all.extend(UnitKind::ALL.into_iter().map(|u| Drill::Orgs(OrgCell::UnitKind(u))));
        all.extend([Cell::All, Cell::Education(2), Cell::Occupation(1, Some(3))].map(Drill::Members));
        for d in all {
            assert_eq!(Drill::parse(&d.name()), Some(d), "{}", d.name());
            assert!(!d.label().is_empty());
        }
        for bad in ["change-", "change-x", "event-recruited_all", "orgs-group", "orgs-", "unit-farm", "event-"] {
            assert_eq!(Drill::parse(bad), None, "{bad}");
        }
        assert_eq!(Drill::Event(Tally::Activists).behind(), Behind::Recruit);
        assert_eq!(Drill::Event(Tally::Recruited).behind(), Behind::Member);
        assert!(Drill::Change(Change::Died).in_year() && Drill::Event(Tally::Renewed).in_year());
        assert!(!Drill::Event(Tally::RenewalOverdue).in_year() && !Drill::Members(Cell::All).in_year());
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
