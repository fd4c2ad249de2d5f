//! 党内统计 (party statistics): the member tables and organization counts of a subtree on a
//! day, added up the tree as the orgs are read (see `domain::stats`).
//!
//! One walk serves every caller: the orgs of the subtree are read a page at a time in path
//! order, each page's branches' members counted by profile in one statement while the previous
//! page is added up, and [`domain::stats::Rollup`] hands over each org's subtree figures when
//! its last descendant has been read. Memory is a page plus the depth of the tree.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use domain::FieldErrors;
use domain::org::{OrgKind, OrgPath};
use domain::scope::{Action, Actor, Target, can};
use domain::stats::{Behind, Drill, Figures, MemberChanges, MemberTables, OrgTables, Profile, Rollup, Tallies};
use serde::Serialize;
use storage::org::OrgRow;

use crate::console::Console;
use crate::{Result, ServiceError, Services};

/// Orgs read per page.
pub const STATS_PAGE: usize = 1_000;

/// An org's figures: its own members (a branch's; zero for other kinds) and its subtree's.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgStats {
    pub own: MemberTables,
    pub members: MemberTables,
    pub orgs: OrgTables,
    /// Table 1 of the subtree.
    pub changes: MemberChanges,
    /// The event tables (12–13, 15, 16–17, 18–20) of the subtree.
    pub events: Tallies,
}

/// One org in a report, with its figures.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsRow {
    pub org_id: i64,
    pub name: String,
    pub path: String,
    pub kind: OrgKind,
    pub stats: OrgStats,
}

/// The statistics of a subtree on a day: its root's figures, and each child's.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsReport {
    pub on: NaiveDate,
    /// Last year's reference date: 31 December of the year before `on`'s (table 1's start).
    pub last: NaiveDate,
    /// `None` for the whole tree (the console's report without `--org`).
    pub root: Option<StatsRow>,
    /// The whole tree's figures when there is no root; the root's otherwise.
    pub total: OrgStats,
    pub children: Vec<StatsRow>,
    /// The consistency checks that failed (empty when every check holds).
    pub inconsistencies: Vec<Inconsistency>,
    /// Whether the roster check ran (only today's roster exists: it runs when `on` is today).
    pub roster_checked: bool,
    pub pages: u64,
    pub orgs_read: u64,
    /// The same subtree's figures on `last` (the two-year comparison of the annual report), when
    /// asked for.
    pub previous: Option<OrgStats>,
}

/// A consistency check that failed: what does not agree, and the members behind it (the first
/// [`CHECK_LISTED`] of them).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inconsistency {
    pub message: String,
    pub members: Vec<CheckMember>,
}

/// A member named by a failed check.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckMember {
    pub id: i64,
    pub name: String,
}

impl From<storage::stats::NamedMember> for CheckMember {
    fn from(m: storage::stats::NamedMember) -> Self {
        CheckMember { id: m.id, name: m.name }
    }
}

impl Inconsistency {
    fn new(message: impl Into<String>) -> Self {
        Inconsistency { message: message.into(), members: Vec::new() }
    }
}

/// How many members a failed check names.
pub const CHECK_LISTED: i64 = 50;
/// How many branches a failed check of the admissions reads its members' names from.
const CHECK_BRANCHES: usize = 50;

/// The reference date of a request: `as_of` when given, else 31 December of `year`, else of the
/// last year whose 31 December has passed on `today`. Bad input is a field error in Chinese.
pub fn reference_date(today: NaiveDate, year: &str, as_of: &str) -> std::result::Result<NaiveDate, FieldErrors> {
    let mut errors = FieldErrors::new();
    if !as_of.trim().is_empty() {
        return domain::dates::parse_date(as_of).map_err(|e| {
            errors.add("as_of", format!("统计时点{}", e.message()));
            errors
        });
    }
    let default = if today.month() == 12 && today.day() == 31 { today.year() } else { today.year() - 1 };
    let year = if year.trim().is_empty() {
        default
    } else {
        match year.trim().parse::<i32>() {
            Ok(y) if (1921..=today.year()).contains(&y) => y,
            _ => {
                errors.add("year", format!("年度应为1921至{}之间的四位数字", today.year()));
                return Err(errors);
            }
        }
    };
    NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| {
        errors.add("year", "年度不正确");
        errors
    })
}

/// Whether `org` exists on `on`: established by then and not closed on or before it.
fn exists_on(org: &OrgRow, on: NaiveDate) -> bool {
    org.established_on.is_none_or(|e| e <= on) && org.closed_on.is_none_or(|c| c > on)
}

impl Services {
    /// The path of `org_id`, whose statistics the viewer asks for: not found outside the
    /// viewer's scope, forbidden without the right to view it.
    async fn stats_path(&self, actor: &Actor, org_id: i64) -> Result<OrgPath> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::ViewOrg, Target::Org(&path)) {
            return Err(ServiceError::Forbidden);
        }
        Ok(path)
    }

    /// The statistics of `org_id`'s subtree on `on`, for a viewer who may see that org.
    pub async fn stats(&self, actor: &Actor, org_id: i64, on: NaiveDate) -> Result<StatsReport> {
        let path = self.stats_path(actor, org_id).await?;
        stats_of(self, Some(&path), on, STATS_PAGE).await
    }
}

impl Services {
    /// [`Services::stats`] with last year's figures beside (`previous`): two walks.
    pub async fn stats_compared(&self, actor: &Actor, org_id: i64, on: NaiveDate) -> Result<StatsReport> {
        let mut report = self.stats(actor, org_id, on).await?;
        report.previous = Some(self.stats(actor, org_id, report.last).await?.total);
        Ok(report)
    }
}

impl Console<'_> {
    /// The statistics of the subtree under `root` (the whole tree when `None`) on `on`.
    pub async fn stats(&self, root: Option<&OrgPath>, on: NaiveDate, page_size: usize) -> Result<StatsReport> {
        stats_of(self.services(), root, on, page_size).await
    }
}

/// The walk (see the module documentation).
async fn stats_of(services: &Services, root: Option<&OrgPath>, on: NaiveDate, page_size: usize) -> Result<StatsReport> {
    let db = &services.db;
    let (lo, hi) = match root {
        Some(r) => r.subtree_bounds(),
        None => ("/".to_string(), "0".to_string()),
    };
    let root_id = root.and_then(OrgPath::id);
    let root_depth = root.map_or(0, OrgPath::depth);
    let page_size = page_size.max(1);
    // The orgs whose figures the report shows: the root and its children (the whole tree's
    // top-level orgs without a root), kept by id until their subtree is complete.
    let mut shown: HashMap<i64, OrgRow> = HashMap::new();
    let mut rows: HashMap<i64, OrgStats> = HashMap::new();
    let mut rollup: Rollup<Cells> = Rollup::new();
    let mut report_pages = 0u64;
    let mut orgs_read = 0u64;
    let mut unrecorded_at: Vec<i64> = Vec::new();
    let last = last_reference_date(on);
    let mut next = Some(tokio::spawn(read_page(db.clone(), lo.clone(), hi.clone(), None, page_size, last, on)));
    while let Some(handle) = next.take() {
        let (page, profiles, mut changes, mut events) =
            handle.await.map_err(|e| ServiceError::Internal(format!("stats page: {e}")))??;
        let Some(final_org) = page.last() else { break };
        if page.len() >= page_size {
            // Read the next page while this one is added up.
            let after = Some(final_org.path.clone());
            next = Some(tokio::spawn(read_page(db.clone(), lo.clone(), hi.clone(), after, page_size, last, on)));
        }
        report_pages += 1;
        // An org closed during the year still answers for last year's members (table 1).
        for org in page.into_iter().filter(|o| (exists_on(o, on) || exists_on(o, last)) && o.kind != OrgKind::Group) {
            orgs_read += 1;
            let depth = org.path.split('/').filter(|p| !p.is_empty()).count();
            let is_shown = Some(org.id) == root_id || depth == root_depth + 1;
            let mut own = MemberTables::default();
            if let Some(counts) = profiles.get(&org.id) {
                for (code, n) in counts {
                    let p = Profile::from_code(*code)
                        .ok_or_else(|| ServiceError::Internal(format!("org {}: profile {code}", org.id)))?;
                    own.add_profile(&p, *n);
                }
            }
            let mut orgs = OrgTables::default();
            if exists_on(&org, on) {
                orgs.add_org(org.kind, org.unit_kind.as_str(), own.total);
            }
            let mut table1 = MemberChanges { this_year: own.total, ..MemberChanges::default() };
            if let Some(c) = changes.remove(&org.id) {
                table1.changes = c.counts.into_iter().collect();
                table1.unexplained = c.unexplained;
            }
            // Every member counted on one day and not the other is a change (unexplained ones
            // included), so last year's count follows.
            let (mut up, mut down) = (0u64, 0u64);
            for (kind, n) in &table1.changes {
                if kind.is_increase() { up += n } else { down += n }
            }
            table1.last_year = (table1.this_year + down).saturating_sub(up);
            let path = org.path.clone();
            if is_shown {
                shown.insert(org.id, org.clone());
            }
            let events = events.remove(&org.id).unwrap_or_default();
            // The first branches whose admissions lack a recruitment record, to name them.
            if events.get(domain::stats::Tally::RecruitedWithoutRecord) > 0 && unrecorded_at.len() < CHECK_BRANCHES {
                unrecorded_at.push(org.id);
            }
            let figures = Figures { members: own, orgs, changes: table1, events };
            rollup.push(org.id, &path, figures, &mut record(&shown, &mut rows));
        }
    }
    rollup.finish(&mut record(&shown, &mut rows));
    let row = |id: i64, rows: &mut HashMap<i64, OrgStats>, shown: &HashMap<i64, OrgRow>| {
        shown.get(&id).map(|o| StatsRow {
            org_id: o.id,
            name: o.name.clone(),
            path: o.path.clone(),
            kind: o.kind,
            stats: rows.remove(&id).unwrap_or_default(),
        })
    };
    let root_row = root_id.and_then(|id| row(id, &mut rows, &shown));
    let mut children: Vec<StatsRow> =
        shown.keys().copied().filter(|id| Some(*id) != root_id).filter_map(|id| row(id, &mut rows, &shown)).collect();
    children.sort_by(|a, b| a.path.cmp(&b.path));
    let total = match &root_row {
        Some(r) => r.stats.clone(),
        None => {
            let mut t = OrgStats::default();
            for c in &children {
                t.members.add(&c.stats.members);
                t.orgs.add(&c.stats.orgs);
                t.changes.add(&c.stats.changes);
                t.events.add(&c.stats.events);
            }
            t
        }
    };
    let mut inconsistencies: Vec<Inconsistency> = total
        .members
        .inconsistencies()
        .iter()
        .map(|t| Inconsistency::new(format!("{t}的合计不等于党员总数")))
        .collect();
    inconsistencies
        .extend(total.events.inconsistencies().iter().map(|t| Inconsistency::new(format!("“{t}”大于其总数"))));
    let c = &total.changes;
    if !c.balances() {
        let listed: Vec<i64> = c.unexplained.iter().copied().take(usize::try_from(CHECK_LISTED).unwrap_or(0)).collect();
        inconsistencies.push(Inconsistency {
            message: format!(
                "表1 党员数量变化不平衡：上年 {} + 增加 {} − 减少 {} ≠ 本年 {}（{} 名党员的变化没有记录说明，请补录其组织关系转接、党籍处置或入党记录）",
                c.last_year,
                c.increases(),
                c.decreases(),
                c.this_year,
                c.count(domain::stats::Change::UnexplainedIn) + c.count(domain::stats::Change::UnexplainedOut)
            ),
            members: storage::stats::named_members(db, &listed).await?.into_iter().map(CheckMember::from).collect(),
        });
    }
    // Every parent = its own + the sum of its children (the additive check an inspector runs).
    if root_row.is_some() {
        let mut sum = total.own.clone();
        for c in &children {
            sum.add(&c.stats.members);
        }
        if sum != total.members {
            inconsistencies.push(Inconsistency::new("下级合计加本级党员与本级汇总不符"));
        }
    }
    // The admissions counted equal the recruitment records: each member admitted in the year
    // came through the 25 steps on record.
    let without = total.events.get(domain::stats::Tally::RecruitedWithoutRecord);
    if without > 0 {
        let named = storage::stats::admitted_without_record(db, &unrecorded_at, last, on, CHECK_LISTED).await?;
        inconsistencies.push(Inconsistency {
            message: format!(
                "表16 发展党员 {} 名中，{without} 名没有发展党员记录（从入党申请到支部大会接收的各步骤），请在“发展党员”中补录",
                total.events.get(domain::stats::Tally::Recruited)
            ),
            members: named.into_iter().map(CheckMember::from).collect(),
        });
    }
    // Table 2's total equals the roster of the same day; only today's roster exists.
    let roster_checked = on == services.today();
    if roster_checked {
        let r = storage::stats::roster_check(db, &lo, &hi, on, CHECK_LISTED).await?;
        let total_members = i64::try_from(total.members.total).unwrap_or(i64::MAX);
        if r.roster != total_members || !r.roster_only.is_empty() || !r.counted_only.is_empty() {
            let mut members: Vec<CheckMember> = r.roster_only.into_iter().map(CheckMember::from).collect();
            members.extend(r.counted_only.into_iter().map(CheckMember::from));
            inconsistencies.push(Inconsistency {
                message: format!(
                    "表2 党员总数 {} 与当天党员名册的 {} 名不符：下列党员的所在党支部或党籍状态与其组织关系记录不一致",
                    total.members.total, r.roster
                ),
                members,
            });
        }
    }
    Ok(StatsReport {
        on,
        last,
        root: root_row,
        total,
        children,
        inconsistencies,
        roster_checked,
        pages: report_pages,
        orgs_read,
        previous: None,
    })
}

type Cells = Figures;

/// The roll-up's sink: keeps the figures of the orgs shown.
fn record<'a>(
    shown: &'a HashMap<i64, OrgRow>,
    rows: &'a mut HashMap<i64, OrgStats>,
) -> impl FnMut(i64, &Cells, &Cells) + 'a {
    move |id, own, sub| {
        if shown.contains_key(&id) {
            rows.insert(
                id,
                OrgStats {
                    own: own.members.clone(),
                    members: sub.members.clone(),
                    orgs: sub.orgs.clone(),
                    changes: sub.changes.clone(),
                    events: sub.events.clone(),
                },
            );
        }
    }
}

/// What one page brings: its orgs, its branches' member profiles on `on`, and their table 1.
type Page =
    (Vec<OrgRow>, HashMap<i64, Vec<(u32, u64)>>, HashMap<i64, storage::stats::BranchChanges>, HashMap<i64, Tallies>);

/// One page of orgs in path order after `after`, its branches' member profiles on `on`, and
/// their changes since `last`.
async fn read_page(
    db: storage::Db,
    lo: String,
    hi: String,
    after: Option<String>,
    page_size: usize,
    last: NaiveDate,
    on: NaiveDate,
) -> Result<Page> {
    let page = storage::check::orgs_page(&db, &lo, &hi, after.as_deref(), page_size, &last.to_string()).await?;
    let branch = |o: &&OrgRow| o.kind == OrgKind::Branch;
    let now: Vec<i64> = page.iter().filter(branch).filter(|o| exists_on(o, on)).map(|o| o.id).collect();
    let before: Vec<i64> = page.iter().filter(branch).filter(|o| exists_on(o, last)).map(|o| o.id).collect();
    let orgs: Vec<i64> = page
        .iter()
        .filter(|o| matches!(o.kind, OrgKind::Committee | OrgKind::GeneralBranch | OrgKind::Branch))
        .filter(|o| exists_on(o, on))
        .map(|o| o.id)
        .collect();
    let branches = storage::stats::Branches::Page { now: &now, before: &before, orgs: &orgs };
    let (profiles, changes, tallies) = tokio::try_join!(
        storage::stats::branch_profiles(&db, &now, on),
        storage::stats::branch_changes(&db, branches, last, on),
        storage::stats::branch_tallies(&db, branches, last, on),
    )?;
    let mut events: HashMap<i64, Tallies> = HashMap::new();
    for (org, tally, n) in tallies {
        events.entry(org).or_default().add_count(tally, n);
    }
    Ok((
        page,
        profiles.into_iter().map(|p| (p.branch_id, p.counts)).collect(),
        changes.into_iter().map(|c| (c.branch_id, c)).collect(),
        events,
    ))
}

/// The people or orgs behind a figure of the statistics on a day: a page of them and how many.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CellPage {
    pub on: NaiveDate,
    /// Last year's reference date (table 1 and the event tables count from the day after).
    pub last: NaiveDate,
    /// The figure's name (`edu-1`, `change-died`, `event-recruited_women`, `orgs-branch` …)
    /// and what it counts, in Chinese.
    pub cell: String,
    pub label: String,
    /// What the rows are: members, people on the path to membership (tables 18–20), or orgs.
    pub behind: Behind,
    /// The figure counts events after `last` up to `on`, not the state on `on`.
    pub in_year: bool,
    pub total: i64,
    pub rows: Vec<CellRow>,
}

/// One member, recruit or org behind a figure, with the org it is counted at (an org's parent).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CellRow {
    pub id: i64,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
}

/// Rows listed per page of a figure.
pub const CELL_PAGE: i64 = 100;

impl Services {
    /// The people or orgs behind a figure (`cell`, a [`Drill`] name) of `org_id`'s statistics
    /// on `on`, `CELL_PAGE` a page from page 1: the member tables' cells read the members
    /// counted that day; table 1 and the event tables read the same rows the walk counts. Only
    /// names and orgs: personal data stays on the member's page, which checks the viewer again.
    pub async fn stats_cell(
        &self,
        actor: &Actor,
        org_id: i64,
        on: NaiveDate,
        cell: &str,
        page: i64,
    ) -> Result<CellPage> {
        let path = self.stats_path(actor, org_id).await?;
        let Some(drill) = Drill::parse(cell) else {
            let mut e = FieldErrors::new();
            e.add("cell", "统计表中没有这一项");
            return Err(ServiceError::Invalid(e));
        };
        let (lo, hi) = path.subtree_bounds();
        let last = last_reference_date(on);
        let offset = (page.max(1) - 1).saturating_mul(CELL_PAGE);
        let (rows, total) = match drill {
            Drill::Members(c) => {
                let (rows, n) =
                    storage::stats::cell_members(&self.db, &lo, &hi, on, &c.parts(), CELL_PAGE, offset).await?;
                let rows = rows
                    .into_iter()
                    .map(|r| CellRow { id: r.member_id, name: r.name, org_id: r.branch_id, org_name: r.branch_name })
                    .collect();
                (rows, n)
            }
            Drill::Orgs(c) => {
                let (rows, n) = storage::stats::figure_orgs(&self.db, &lo, &hi, last, on, c, CELL_PAGE, offset).await?;
                (rows.into_iter().map(CellRow::from).collect(), n)
            }
            Drill::Change(_) | Drill::Event(_) => {
                let (rows, n) =
                    storage::stats::figure_people(&self.db, &lo, &hi, last, on, drill, CELL_PAGE, offset).await?;
                (rows.into_iter().map(CellRow::from).collect(), n)
            }
        };
        Ok(CellPage {
            on,
            last,
            cell: drill.name(),
            label: drill.label(),
            behind: drill.behind(),
            in_year: drill.in_year(),
            total,
            rows,
        })
    }
}

impl From<storage::stats::FigureRow> for CellRow {
    fn from(r: storage::stats::FigureRow) -> Self {
        CellRow { id: r.id, name: r.name, org_id: r.org_id, org_name: r.org_name }
    }
}

/// Last year's reference date for `on`: 31 December of the year before (table 1's start).
pub fn last_reference_date(on: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(on.year() - 1, 12, 31).unwrap_or(on)
}

impl Services {
    /// Members admitted in each of the five years up to `on`'s in `org_id`'s subtree (the
    /// trend chart of the statistics page), oldest first, every year listed.
    pub async fn admissions_trend(&self, actor: &Actor, org_id: i64, on: NaiveDate) -> Result<Vec<(i32, u64)>> {
        let path = self.stats_path(actor, org_id).await?;
        let (lo, hi) = path.subtree_bounds();
        let (from, to) = (on.year() - 4, on.year());
        let found = storage::stats::admissions_by_year(&self.db, &lo, &hi, from, to).await?;
        Ok((from..=to).map(|y| (y, found.iter().find(|(fy, _)| *fy == y).map_or(0, |(_, n)| *n))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::reference_date;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn the_reference_date_is_the_last_31_december_passed_unless_asked() {
        // The day before, the day of the year's own 31 December.
        assert_eq!(reference_date(d(2026, 12, 30), "", ""), Ok(d(2025, 12, 31)));
        assert_eq!(reference_date(d(2026, 12, 31), "", ""), Ok(d(2026, 12, 31)));
        assert_eq!(reference_date(d(2026, 12, 30), " 2024 ", ""), Ok(d(2024, 12, 31)));
        // A date wins over a year.
        assert_eq!(reference_date(d(2026, 12, 30), "2024", "2026-06-30"), Ok(d(2026, 6, 30)));
        // Years from the party's founding to this one; anything else names its field.
        assert_eq!(reference_date(d(2026, 12, 30), "1921", ""), Ok(d(1921, 12, 31)));
        for bad in ["1920", "2027", "19", "abc"] {
            let e = reference_date(d(2026, 12, 30), bad, "").err().map(|e| e.get("year").is_some());
            assert_eq!(e, Some(true), "{bad}");
        }
        let e = reference_date(d(2026, 12, 30), "", "2025-02-30").err().map(|e| e.get("as_of").is_some());
        assert_eq!(e, Some(true));
    }
}
