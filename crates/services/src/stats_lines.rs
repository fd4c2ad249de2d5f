//! The rows of the statistics tables as every view prints them (the page, the workbook and
//! PDF, the CLI): one list per table, so the three cannot word or order a row differently.

use domain::codes::{EducationLevel, Occupation};
use domain::org::OrgKind;
use domain::org::UnitKind;
use domain::stats::{Cell, Change, Drill, JoinPeriod, MemberChanges, OrgCell, Tallies, Tally};

use crate::stats::OrgStats;

/// One row: its label, its count, how far it is indented under the row above (0: none), and
/// the figure it opens to (the drill-down: the people or orgs behind it), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatLine {
    pub label: String,
    pub n: u64,
    pub depth: u8,
    pub cell: Option<Drill>,
}

fn row(label: &str, n: u64, depth: u8) -> StatLine {
    StatLine { label: label.to_string(), n, depth, cell: None }
}

fn linked(label: &str, n: u64, depth: u8, cell: impl Into<Drill>) -> StatLine {
    StatLine { cell: Some(cell.into()), ..row(label, n, depth) }
}

/// 基本情况: the orgs by kind and unit kind, and the members.
pub fn basic(s: &OrgStats) -> Vec<StatLine> {
    let (m, o) = (&s.members, &s.orgs);
    let mut out = vec![
        linked("党委", o.committees, 0, OrgCell::Kind(OrgKind::Committee)),
        linked("党总支", o.general_branches, 0, OrgCell::Kind(OrgKind::GeneralBranch)),
        linked("党支部", o.branches, 0, OrgCell::Kind(OrgKind::Branch)),
        linked("其中：无党员的党支部", o.empty_branches, 1, OrgCell::EmptyBranches),
    ];
    for kind in UnitKind::ALL {
        if let Some(n) = o.by_unit_kind.get(kind.as_str()) {
            out.push(linked(&format!("设在{}的党组织", kind.label()), *n, 1, OrgCell::UnitKind(kind)));
        }
    }
    out.extend([
        linked("党员总数", m.total, 0, Cell::All),
        row("正式党员", m.total - m.probationary, 1),
        linked("预备党员", m.probationary, 1, Cell::Probationary),
        linked("女党员", m.women, 1, Cell::Women),
        linked("少数民族党员", m.minorities, 1, Cell::Minorities),
        linked("大专及以上学历", m.college_plus, 1, Cell::CollegePlus),
    ]);
    out
}

/// 表1: last year, the increases and decreases by reason, this year, and the unexplained
/// changes when there are any.
pub fn table1(c: &MemberChanges) -> Vec<StatLine> {
    let mut out = vec![row("上年党员数", c.last_year, 0), row("增加", c.increases(), 0)];
    let explained = Change::ALL.iter().filter(|k| !k.is_unexplained());
    out.extend(explained.clone().filter(|k| k.is_increase()).map(|k| linked(k.label(), c.count(*k), 1, *k)));
    out.push(row("减少", c.decreases(), 0));
    out.push(row("出党", c.left(), 1));
    out.extend(
        explained
            .filter(|k| !k.is_increase())
            .map(|k| linked(k.label(), c.count(*k), if k.is_leaving() { 2 } else { 1 }, *k)),
    );
    out.push(row("本年党员数", c.this_year, 0));
    for k in [Change::UnexplainedIn, Change::UnexplainedOut] {
        if c.count(k) > 0 {
            out.push(linked(k.label(), c.count(k), 0, k));
        }
    }
    out
}

/// 表2's row labels: the occupations, then 未填.
pub fn occupation_labels() -> impl Iterator<Item = &'static str> {
    Occupation::all().iter().map(|o| o.name()).chain(["未填"])
}

/// 表3: by join period.
pub fn table3(s: &OrgStats) -> Vec<StatLine> {
    let periods = JoinPeriod::ALL.iter().zip(s.members.join_period).enumerate();
    periods.map(|(k, (p, n))| linked(p.label(), n, 0, Cell::Joined(k))).collect()
}

/// 表4: by education level, then 未填.
pub fn table4(s: &OrgStats) -> Vec<StatLine> {
    let levels = EducationLevel::ALL.iter().map(|l| l.label()).chain(["未填"]);
    levels.zip(s.members.education).enumerate().map(|(k, (l, n))| linked(l, n, 0, Cell::Education(k))).collect()
}

/// The event tables (8, 12–13, 15, 16–20, 33–35, 43), each with its title.
pub fn events(t: &Tallies) -> Vec<(&'static str, Vec<StatLine>)> {
    let mut out: Vec<(&'static str, Vec<StatLine>)> = Vec::new();
    for k in Tally::ALL {
        // The parts of 表16–17 and 其中 rows stand under their whole.
        let depth = u8::from(k.label().starts_with("其中") || k.table().starts_with("表16") && k != Tally::Recruited);
        let line = linked(k.label(), t.get(k), depth, k);
        match out.last_mut() {
            Some((title, lines)) if *title == k.table() => lines.push(line),
            _ => out.push((k.table(), vec![line])),
        }
    }
    out
}
