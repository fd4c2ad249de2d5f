//! The full check (组织生活规则检查) of a subtree, and the compliance figures of a dashboard.
//!
//! [`Services::check_subtree`] walks the orgs of a subtree in path order (the active ones, and those
//! closed during the year checked or later, which answer for the months they existed), a page at a time
//! (keyset paging on the path): for each page it reads the orgs' open posts, their member counts
//! on `as_of`, their meetings of the year (and of the half-year before, for CON-LAPSE) with
//! attendance, and those of the branches' groups (a member who attends the 党小组会 has not
//! lapsed), in six statements whatever the page size, evaluates every org of the page, hands
//! each [`OrgResult`] to the caller's sink and drops the page. The next page is read while one is
//! evaluated, so at most two pages are held: memory is bounded by the page size, not by the
//! subtree, and a province is checked like a county.
//!
//! The facts are those the per-org check ([`Services::findings_for`]) gathers, read in bulk, so
//! both give the same findings for every org (a test compares them on the county demo).
//!
//! [`SubtreeCompliance`] rolls results up: each org's own tally and its subtree's (the org and
//! all its descendants, by path prefix), per rule, per month, and findings per severity.
//! [`Services::compliance`] is the dashboard's view of one org: its roll-up, each direct child's
//! (for drill-down), per rule and per month.

use crate::org_life::NOTICE_DAYS;
use crate::{Result, ServiceError, Services};
use chrono::NaiveDate;
use domain::compliance::{RequirementStatus, Tally, evaluate_with_statuses};
use domain::findings::{Finding, OrgFacts, RecordFact};
use domain::org::{OrgKind, OrgPath};
use domain::org_life::{Attendance, Attendee, MeetingKind};
use domain::rules::{RuleSet, Severity};
use domain::scope::{Action, Actor, Target, can};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use storage::check;
use storage::org::OrgRow;

/// Orgs per page of the full check. Large enough that the five statements of a page are few
/// (300 pages for a province), small enough that a page's meetings and attendance stay a few
/// megabytes.
pub const CHECK_BATCH: usize = 1000;

/// What the rules found for one org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgResult {
    pub org_id: i64,
    pub path: String,
    pub kind: OrgKind,
    pub name: String,
    /// When the org was closed (撤销), if it was: during the year checked or later.
    pub closed_on: Option<String>,
    pub findings: Vec<Finding>,
    pub statuses: Vec<RequirementStatus>,
}

/// What a full check read and found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CheckStats {
    pub orgs: u64,
    pub pages: u64,
    pub meetings: u64,
    pub findings: u64,
}

/// The national rules for every org (one shared rule set).
pub fn national_rules() -> impl Fn(&OrgRow) -> Arc<RuleSet> {
    let set = Arc::new(RuleSet::national());
    move |_| Arc::clone(&set)
}

/// The rules in force for each org: the national rules tightened by the local rule sets
/// switched on at or above it (see [`crate::org_life::rule_set_for`]). Orgs under the same local
/// sets share one [`RuleSet`].
pub fn rules_in_force(rows: Vec<storage::meeting::RuleSetRow>) -> impl Fn(&OrgRow) -> Arc<RuleSet> {
    let national = Arc::new(RuleSet::national());
    let memo: std::sync::Mutex<HashMap<Vec<String>, Arc<RuleSet>>> = Default::default();
    move |org: &OrgRow| {
        let applicable: Vec<&storage::meeting::RuleSetRow> =
            rows.iter().filter(|r| org.path.starts_with(&r.org_path)).collect();
        if applicable.is_empty() {
            return Arc::clone(&national);
        }
        let mut key: Vec<String> = applicable.iter().map(|r| r.rule_set.clone()).collect();
        key.sort();
        key.dedup();
        if let Ok(mut memo) = memo.lock() {
            if let Some(set) = memo.get(&key) {
                return Arc::clone(set);
            }
            let owned: Vec<storage::meeting::RuleSetRow> = applicable.into_iter().cloned().collect();
            let set = crate::org_life::rule_set_for(&owned, &org.path)
                .map(Arc::new)
                .unwrap_or_else(|_| Arc::clone(&national));
            memo.insert(key, Arc::clone(&set));
            return set;
        }
        Arc::clone(&national)
    }
}

fn parse_date(s: &Option<String>) -> Option<NaiveDate> {
    s.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// The number of ids in a path (`/1/7/23/` → 3).
fn depth_of(path: &str) -> usize {
    path.bytes().filter(|b| *b == b'/').count().saturating_sub(1)
}

fn kind_of(o: &OrgRow) -> OrgKind {
    OrgKind::parse(&o.kind).unwrap_or(OrgKind::Branch)
}

/// The dates of a check: members are counted on `on`; meetings are read from `from` to `to`.
struct Range {
    on: String,
    from: String,
    to: String,
}

/// What the rules need about one page of orgs, by org id.
#[derive(Default)]
struct PageFacts {
    posts: HashMap<i64, Vec<check::OpenPost>>,
    /// By org, span kind and status.
    counts: HashMap<(i64, String, String), i64>,
    /// By org: the page's orgs', and those of the groups of the page's branches that fall
    /// outside the page.
    records: HashMap<i64, Vec<RecordFact>>,
    /// The groups of each branch of the page (CON-LAPSE reads their meetings with the branch's).
    groups: HashMap<i64, Vec<i64>>,
    /// Meetings of the page's orgs.
    meetings: u64,
}

/// Reads the facts of `orgs` on a task of its own (nothing to read for an empty page).
fn spawn_page_facts(
    db: &storage::Db,
    orgs: &[OrgRow],
    range: &Arc<Range>,
) -> tokio::task::JoinHandle<Result<PageFacts>> {
    let db = db.clone();
    let range = Arc::clone(range);
    let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let member_orgs: Vec<i64> =
        orgs.iter().filter(|o| matches!(kind_of(o), OrgKind::Branch | OrgKind::Group)).map(|o| o.id).collect();
    let branches: Vec<i64> = orgs.iter().filter(|o| kind_of(o) == OrgKind::Branch).map(|o| o.id).collect();
    tokio::spawn(async move { page_facts(&db, &ids, &member_orgs, &branches, &range).await })
}

/// The facts of one page: the groups of its branches, then four statements run at once on
/// separate connections, unpacked.
async fn page_facts(
    db: &storage::Db,
    ids: &[i64],
    member_orgs: &[i64],
    branches: &[i64],
    range: &Range,
) -> Result<PageFacts> {
    let mut out = PageFacts::default();
    if ids.is_empty() {
        return Ok(out);
    }
    // A branch's groups follow it in path order, but a page may end between them (and a closed
    // group is never in a page): the meetings of those are read with the page's.
    let in_page: HashSet<i64> = ids.iter().copied().collect();
    let mut read = ids.to_vec();
    for (group, branch) in check::groups_of(db, branches).await? {
        if !in_page.contains(&group) {
            read.push(group);
        }
        out.groups.entry(branch).or_default().push(group);
    }
    let (page_posts, page_counts, page_attendance, page_meetings) = tokio::try_join!(
        check::open_posts(db, ids),
        check::member_counts_on(db, member_orgs, &range.on),
        check::attendance_of(db, &read, &range.from, &range.to),
        check::meetings_of(db, &read, &range.from, &range.to),
    )?;
    // MTG-LESSON: the lectures the page's secretaries gave in other orgs (their own orgs'
    // lectures come with the meetings below).
    let mut secretaries: HashMap<i64, Vec<i64>> = HashMap::new();
    for p in page_posts.iter().filter(|p| p.post == "secretary") {
        secretaries.entry(p.member_id).or_default().push(p.org_id);
    }
    let mut ids_of_secretaries: Vec<i64> = secretaries.keys().copied().collect();
    ids_of_secretaries.sort_unstable();
    let lectures = check::lectures_by(db, &ids_of_secretaries, &range.from, &range.to).await?;
    for p in page_posts {
        out.posts.entry(p.org_id).or_default().push(p);
    }
    out.counts = page_counts.into_iter().map(|c| ((c.org_id, c.kind, c.status), c.n)).collect();
    let mut attendance: HashMap<i64, Vec<Attendee>> = HashMap::new();
    for org_attendance in &page_attendance {
        for a in org_attendance.entries()? {
            attendance.entry(a.meeting_id).or_default().push(Attendee {
                member_id: a.member_id,
                probationary: a.probationary,
                attendance: Attendance::parse(a.attendance).unwrap_or(Attendance::Present),
                guest: a.dual_org_life,
            });
        }
    }
    drop(page_attendance);
    for org_meetings in &page_meetings {
        let mut list = Vec::new();
        for m in org_meetings.meetings()? {
            if in_page.contains(&org_meetings.org_id) {
                out.meetings += 1;
            }
            let (Some(kind), Ok(date)) = (MeetingKind::parse(m.kind), NaiveDate::parse_from_str(m.held_on, "%Y-%m-%d"))
            else {
                continue;
            };
            let mut r = RecordFact::new(m.id, org_meetings.org_id, kind, date);
            r.attendance = attendance.remove(&m.id).unwrap_or_default();
            r.lecturer_id = m.lecturer_member_id;
            r.has_vote = m.has_vote != 0;
            list.push(r);
        }
        out.records.insert(org_meetings.org_id, list);
    }
    for l in lectures {
        let Ok(date) = NaiveDate::parse_from_str(&l.held_on, "%Y-%m-%d") else { continue };
        for org in secretaries.get(&l.lecturer_member_id).into_iter().flatten() {
            if *org == l.org_id {
                continue;
            }
            let mut r = RecordFact::new(l.id, l.org_id, MeetingKind::PartyLecture, date);
            r.lecturer_id = Some(l.lecturer_member_id);
            out.records.entry(*org).or_default().push(r);
        }
    }
    Ok(out)
}

/// Adds to a branch's records its groups' own meetings (as the per-org check reads them, for
/// CON-LAPSE). A 党课 the branch secretary gave in a group is already among the branch's records
/// (MTG-LESSON), without attendance: the group's record, with its attendance, takes its place.
fn with_group_meetings(records: &mut Vec<RecordFact>, groups: &[i64], by_org: &HashMap<i64, Vec<RecordFact>>) {
    let of_groups: Vec<RecordFact> = groups
        .iter()
        .flat_map(|g| by_org.get(g).into_iter().flatten().filter(move |r| r.org_id == *g))
        .cloned()
        .collect();
    if of_groups.is_empty() {
        return;
    }
    let ids: HashSet<i64> = of_groups.iter().map(|r| r.id).collect();
    records.retain(|r| !ids.contains(&r.id));
    records.extend(of_groups);
}

impl Services {
    /// Checks every active org of the subtree under `root` (every org when `None`) for `year` as
    /// of `as_of`, with the rules `rules_for` gives each org, and hands each org's result to
    /// `sink` in path order. See the module documentation.
    pub async fn check_subtree<R, S>(
        &self,
        root: Option<&OrgPath>,
        year: i32,
        as_of: NaiveDate,
        rules_for: R,
        sink: S,
    ) -> Result<CheckStats>
    where
        R: Fn(&OrgRow) -> Arc<RuleSet>,
        S: FnMut(OrgResult),
    {
        self.check_subtree_paged(root, year, as_of, CHECK_BATCH, rules_for, sink).await
    }

    /// [`Services::check_subtree`] with pages of `page_size` orgs.
    pub async fn check_subtree_paged<R, S>(
        &self,
        root: Option<&OrgPath>,
        year: i32,
        as_of: NaiveDate,
        page_size: usize,
        rules_for: R,
        mut sink: S,
    ) -> Result<CheckStats>
    where
        R: Fn(&OrgRow) -> Arc<RuleSet>,
        S: FnMut(OrgResult),
    {
        // Every path starts with '/', and '0' is the byte after it: ["/", "0") is the whole tree.
        let (lo, hi) = match root {
            Some(r) => r.subtree_bounds(),
            None => ("/".to_string(), "0".to_string()),
        };
        let on = as_of.format("%Y-%m-%d").to_string();
        // The year, and the half-year before it for CON-LAPSE's six months (as findings_for).
        let from = format!("{}-07-01", year - 1);
        let to = format!("{year}-12-31");
        let page_size = page_size.max(1);
        let range = Arc::new(Range { on, from, to });
        let mut stats = CheckStats::default();
        // Pipelined: while one page is evaluated here, the next page's facts are read (and
        // unpacked) by a spawned task, so the database and the rules work at the same time.
        let closed_since = format!("{year}-01-01");
        let mut current = check::orgs_page(&self.db, &lo, &hi, None, page_size, &closed_since).await?;
        let mut facts_task = spawn_page_facts(&self.db, &current, &range);
        while let Some(last) = current.last() {
            let next = if current.len() >= page_size {
                check::orgs_page(&self.db, &lo, &hi, Some(&last.path), page_size, &closed_since).await?
            } else {
                Vec::new()
            };
            let next_task = spawn_page_facts(&self.db, &next, &range);
            let mut facts = facts_task.await.map_err(|e| ServiceError::Internal(format!("check page: {e}")))??;
            stats.pages += 1;
            stats.orgs += current.len() as u64;
            stats.meetings += facts.meetings;
            for org in current {
                let kind = kind_of(&org);
                let mut org_facts = OrgFacts::new(org.id, kind);
                if matches!(kind, OrgKind::Branch | OrgKind::Group) {
                    // A branch counts its 'branch' spans, a group its 'group' spans.
                    let span = if kind == OrgKind::Group { "group" } else { "branch" };
                    let n = |status: &str| {
                        facts.counts.get(&(org.id, span.to_string(), status.to_string())).copied().unwrap_or(0)
                    };
                    org_facts.full_members = u32::try_from(n("full")).unwrap_or(u32::MAX);
                    org_facts.probationary_members = u32::try_from(n("probationary")).unwrap_or(u32::MAX);
                }
                let org_posts = facts.posts.remove(&org.id).unwrap_or_default();
                org_facts.committee_posts = u32::try_from(org_posts.len()).unwrap_or(u32::MAX);
                org_facts.has_committee =
                    org_posts.iter().any(|p| !matches!(p.post.as_str(), "secretary" | "deputy_secretary"));
                org_facts.secretary_member_id = org_posts.iter().find(|p| p.post == "secretary").map(|p| p.member_id);
                org_facts.term_start = parse_date(&org.term_start_on);
                // Exactly as the per-org check reads it (a stored term length, else the usual one
                // of the kind), so that both give the same findings even for an odd stored value.
                org_facts.term_years = org.term_years.map(|y| y as u32).unwrap_or(kind.usual_term_years());
                org_facts.established_on = parse_date(&org.established_on);
                org_facts.closed_on = parse_date(&org.closed_on);
                let mut org_records = facts.records.remove(&org.id).unwrap_or_default();
                if let Some(groups) = facts.groups.get(&org.id) {
                    with_group_meetings(&mut org_records, groups, &facts.records);
                }
                let rules = rules_for(&org);
                let (findings, statuses) =
                    evaluate_with_statuses(&rules, &org_facts, &org_records, year, as_of, NOTICE_DAYS);
                stats.findings += findings.len() as u64;
                sink(OrgResult {
                    org_id: org.id,
                    path: org.path,
                    kind,
                    name: org.name,
                    closed_on: org.closed_on,
                    findings,
                    statuses,
                });
            }
            current = next;
            facts_task = next_task;
        }
        Ok(stats)
    }

    /// The compliance of the subtree under `org_id` for `year` as of `as_of`, for the dashboard:
    /// its roll-up, each direct child's, per rule, per month, and findings per severity. The
    /// actor must see the org ([`Action::ViewOrg`]).
    pub async fn compliance(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        as_of: NaiveDate,
    ) -> Result<ComplianceReport> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::ViewOrg, Target::Org(&path)) {
            return Err(ServiceError::Forbidden);
        }
        let depth = path.depth();
        let rule_rows = storage::meeting::rule_sets(&self.db).await?;
        let mut roll = SubtreeCompliance::within(&path, Some(depth + 1));
        let mut children: Vec<(i64, String, String, OrgKind, Option<String>)> = Vec::new();
        let stats = self
            .check_subtree(Some(&path), year, as_of, rules_in_force(rule_rows.clone()), |r| {
                roll.add(&r);
                if depth_of(&r.path) == depth + 1 {
                    children.push((r.org_id, r.path, r.name, r.kind, r.closed_on));
                }
            })
            .await?;
        let root_kind = OrgKind::parse(&org.kind).unwrap_or(OrgKind::Branch);
        let tally_of = |p: &str| roll.by_org.get(p).copied().unwrap_or_default();
        let root_tally = tally_of(&org.path);
        // The national rules, then every local rule switched on anywhere (in the order of the set).
        let mut rules = RuleSet::national().rules().to_vec();
        for (name, _) in domain::rules::LOCAL_RULE_SETS {
            if rule_rows.iter().any(|r| r.rule_set == name) {
                rules.extend(domain::rules::local_rule_set(name).unwrap_or_default());
            }
        }
        let by_rule = rules
            .iter()
            .filter_map(|rule| {
                roll.by_rule.get(rule.id).map(|t| RuleCompliance { rule_id: rule.id, title: rule.title, tally: *t })
            })
            .collect();
        Ok(ComplianceReport {
            year,
            as_of,
            root: OrgCompliance {
                org_id: org.id,
                path: org.path.clone(),
                name: org.name.clone(),
                kind: root_kind,
                closed_on: org.closed_on.clone(),
                own: root_tally.own,
                subtree: root_tally.subtree,
            },
            children: children
                .into_iter()
                .map(|(org_id, path, name, kind, closed_on)| {
                    let t = tally_of(&path);
                    OrgCompliance { org_id, path, name, kind, closed_on, own: t.own, subtree: t.subtree }
                })
                .collect(),
            by_rule,
            by_month: roll.by_month.to_vec(),
            findings_by_severity: Severity::ALL
                .iter()
                .map(|s| (*s, roll.findings_by_severity.get(s.as_str()).copied().unwrap_or(0)))
                .collect(),
            orgs_checked: stats.orgs,
        })
    }
}

/// An org's own tally and its subtree's (itself and every org below it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OrgTally {
    pub own: Tally,
    pub subtree: Tally,
}

/// Roll-ups of check results: by org path (own and subtree), by rule, by month in which the
/// period ends, and the findings by severity. Built one result at a time, so it can follow a
/// streamed check; its size is one entry per org kept (see [`SubtreeCompliance::within`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SubtreeCompliance {
    pub by_org: BTreeMap<String, OrgTally>,
    pub by_rule: BTreeMap<&'static str, Tally>,
    /// January first.
    pub by_month: [Tally; 12],
    /// By [`Severity::as_str`].
    pub findings_by_severity: BTreeMap<&'static str, u64>,
    pub orgs: u64,
    /// Orgs (and ancestors) of fewer ids than this are not kept in `by_org`.
    #[serde(skip)]
    min_depth: usize,
    /// Orgs of more ids than this are not kept in `by_org` (they still count in their ancestors').
    #[serde(skip)]
    max_depth: Option<usize>,
}

impl SubtreeCompliance {
    /// Keeps every org and every ancestor of the results in `by_org`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps in `by_org` only the orgs of the subtree of `root`, down to `max_depth` ids deep
    /// (the root and its children for a dashboard: `root.depth() + 1`).
    pub fn within(root: &OrgPath, max_depth: Option<usize>) -> Self {
        Self { min_depth: root.depth(), max_depth, ..Self::default() }
    }

    /// Keeps no org in `by_org`: only the totals by rule, by month and by severity.
    pub fn totals_only() -> Self {
        Self { max_depth: Some(0), ..Self::default() }
    }

    /// Adds one org's result: its tally to its own entry and to the subtree entry of itself and
    /// every ancestor.
    pub fn add(&mut self, r: &OrgResult) {
        let own = Tally::of(&r.statuses);
        self.orgs += 1;
        let mut depth = 0;
        for (i, b) in r.path.bytes().enumerate().skip(1) {
            if b != b'/' {
                continue;
            }
            depth += 1;
            if depth < self.min_depth {
                continue;
            }
            if self.max_depth.is_some_and(|max| depth > max) {
                break;
            }
            let prefix = &r.path[..=i];
            // Look up before allocating the key: most prefixes are there already.
            if !self.by_org.contains_key(prefix) {
                self.by_org.insert(prefix.to_string(), OrgTally::default());
            }
            if let Some(entry) = self.by_org.get_mut(prefix) {
                entry.subtree.merge(own);
                if i + 1 == r.path.len() {
                    entry.own.merge(own);
                }
            }
        }
        for s in &r.statuses {
            self.by_rule.entry(s.rule_id).or_default().add(s);
            if let Some(t) =
                usize::try_from(s.month()).ok().and_then(|m| m.checked_sub(1)).and_then(|i| self.by_month.get_mut(i))
            {
                t.add(s);
            }
        }
        for f in &r.findings {
            *self.findings_by_severity.entry(f.severity.as_str()).or_default() += 1;
        }
    }

    /// The tally of the org at `path` (zero when it was not checked or not kept).
    pub fn org(&self, path: &str) -> OrgTally {
        self.by_org.get(path).copied().unwrap_or_default()
    }

    /// Everything required and met in the results added.
    pub fn total(&self) -> Tally {
        let mut t = Tally::default();
        for r in self.by_rule.values() {
            t.merge(*r);
        }
        t
    }
}

/// The roll-up of these results, every org and ancestor kept.
pub fn rollup<'a>(results: impl IntoIterator<Item = &'a OrgResult>) -> SubtreeCompliance {
    let mut roll = SubtreeCompliance::new();
    for r in results {
        roll.add(r);
    }
    roll
}

/// One org's line of a compliance report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgCompliance {
    pub org_id: i64,
    pub path: String,
    pub name: String,
    pub kind: OrgKind,
    /// When the org was closed (撤销): it answers for the months of the year before that.
    pub closed_on: Option<String>,
    pub own: Tally,
    pub subtree: Tally,
}

/// One rule's tally over a subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCompliance {
    pub rule_id: &'static str,
    pub title: &'static str,
    pub tally: Tally,
}

/// The dashboard's compliance figures of one org's subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplianceReport {
    pub year: i32,
    pub as_of: NaiveDate,
    pub root: OrgCompliance,
    /// The direct children that were checked (active), in path order.
    pub children: Vec<OrgCompliance>,
    /// In the order of the rule set; rules that required nothing are left out.
    pub by_rule: Vec<RuleCompliance>,
    /// Twelve entries, January first, by the month in which each period ends.
    pub by_month: Vec<Tally>,
    /// Findings of the subtree by severity (violation, warning, upcoming). No finding is marked
    /// explained or resolved yet, so all are open.
    pub findings_by_severity: Vec<(Severity, u64)>,
    pub orgs_checked: u64,
}
