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

pub(crate) use crate::org_life::NOTICE_DAYS;

mod page_facts;

use crate::{Result, ServiceError, Services};
use chrono::NaiveDate;
use domain::compliance::{RequirementStatus, Tally};
use domain::dates::Iso;
use domain::family::{Rules, evaluate_org};
use domain::findings::{Finding, When};
use domain::org::{OrgKind, OrgPath};
use domain::rules::Severity;
use domain::scope::{Action, Actor, Target, can};
pub(crate) use page_facts::year_hours;
use page_facts::{PageFacts, check_range, org_facts, spawn_page_facts};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use storage::check;
use storage::org::OrgRow;

/// Orgs per page of the full check. Large enough that the statements of a page are few (300
/// pages for a province), small enough that a page's meetings and attendance stay a few
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
    pub closed_on: Option<NaiveDate>,
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

/// The national rules of every family for every org (one shared set).
pub fn national_rules() -> impl Fn(&OrgRow) -> Arc<Rules> {
    let set = Arc::new(Rules::national());
    move |_| Arc::clone(&set)
}

/// The number of ids in a path (`/1/7/23/` → 3).
fn depth_of(path: &str) -> usize {
    path.bytes().filter(|b| *b == b'/').count().saturating_sub(1)
}

/// Evaluates every registered family for each org of a page, in path order.
fn evaluate_page<R, S>(
    orgs: Vec<OrgRow>,
    mut facts: PageFacts,
    year: i32,
    as_of: NaiveDate,
    rules_for: &R,
    stats: &mut CheckStats,
    sink: &mut S,
) -> Result<()>
where
    R: Fn(&OrgRow) -> Arc<Rules>,
    S: FnMut(OrgResult),
{
    stats.pages += 1;
    stats.orgs += orgs.len() as u64;
    stats.meetings += facts.meetings;
    let when = When::new(year, as_of, NOTICE_DAYS);
    for org in orgs {
        let (org_facts, life, dues, lifecycle, recruits, study) = org_facts(&org, &mut facts)?;
        let rules = rules_for(&org);
        let mut evaluation = evaluate_org(&rules, &org_facts, life, &dues, &lifecycle, &recruits, &when);
        evaluation.findings.extend(domain::family::study::evaluate(
            &rules.study,
            org.id,
            org_facts.kind,
            &study,
            &when,
        ));
        let coverage = page_facts::coverage_of(&mut facts, org.id);
        evaluation.findings.extend(domain::family::coverage::evaluate(
            &rules.coverage,
            org.id,
            org_facts.kind,
            &coverage,
            &when,
        ));
        stats.findings += evaluation.findings.len() as u64;
        sink(OrgResult {
            org_id: org.id,
            path: org.path,
            kind: org_facts.kind,
            name: org.name,
            closed_on: org.closed_on,
            findings: evaluation.findings,
            statuses: evaluation.statuses,
        });
    }
    Ok(())
}

impl Services {
    /// Checks every active org of the subtree under `root` (every org when `None`) for `year` as
    /// of `as_of`, with the rules `rules_for` gives each org, and hands each org's result to
    /// `sink` in path order. See the module documentation.
    pub(crate) async fn check_subtree<R, S>(
        &self,
        root: Option<&OrgPath>,
        year: i32,
        as_of: NaiveDate,
        rules_for: R,
        sink: S,
    ) -> Result<CheckStats>
    where
        R: Fn(&OrgRow) -> Arc<Rules>,
        S: FnMut(OrgResult),
    {
        self.check_subtree_paged(root, year, as_of, CHECK_BATCH, rules_for, sink).await
    }

    /// [`Services::check_subtree`] under `root` with the rules in force at each org (the
    /// national set as each committee's settings tighten it).
    pub(crate) async fn check_subtree_in_force<S>(
        &self,
        root: &OrgPath,
        year: i32,
        as_of: NaiveDate,
        sink: S,
    ) -> Result<CheckStats>
    where
        S: FnMut(OrgResult),
    {
        let changes = self.setting_changes().await?;
        self.check_subtree(Some(root), year, as_of, crate::settings::rules_in_force(changes), sink).await
    }

    /// [`Services::check_subtree`] with pages of `page_size` orgs.
    pub(crate) async fn check_subtree_paged<R, S>(
        &self,
        root: Option<&OrgPath>,
        year: i32,
        as_of: NaiveDate,
        page_size: usize,
        rules_for: R,
        mut sink: S,
    ) -> Result<CheckStats>
    where
        R: Fn(&OrgRow) -> Arc<Rules>,
        S: FnMut(OrgResult),
    {
        // Every path starts with '/', and '0' is the byte after it: ["/", "0") is the whole tree.
        let (lo, hi) = match root {
            Some(r) => r.subtree_bounds(),
            None => ("/".to_string(), "0".to_string()),
        };
        let page_size = page_size.max(1);
        let range = check_range(year, as_of);
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
            let facts = facts_task.await.map_err(|e| ServiceError::Internal(format!("check page: {e}")))??;
            evaluate_page(current, facts, year, as_of, &rules_for, &mut stats, &mut sink)?;
            current = next;
            facts_task = next_task;
        }
        Ok(stats)
    }

    /// The check of one org: the full check over a page of that org alone, so the two can never
    /// disagree. Findings and the status of each requirement-period.
    pub(crate) async fn check_org(
        &self,
        org: &OrgRow,
        year: i32,
        as_of: NaiveDate,
    ) -> Result<(Vec<Finding>, Vec<RequirementStatus>)> {
        let rules = Arc::new(self.rules_for(&org.path).await?);
        let range = check_range(year, as_of);
        let facts = spawn_page_facts(&self.db, std::slice::from_ref(org), &range)
            .await
            .map_err(|e| ServiceError::Internal(format!("check page: {e}")))??;
        let mut result = None;
        let mut stats = CheckStats::default();
        evaluate_page(vec![org.clone()], facts, year, as_of, &|_| Arc::clone(&rules), &mut stats, &mut |r| {
            result = Some(r)
        })?;
        let r = result.ok_or_else(|| ServiceError::Internal(format!("org {} was not checked", org.id)))?;
        Ok((r.findings, r.statuses))
    }

    /// The findings of one org (see [`Services::check_org`]).
    pub(crate) async fn findings_for(&self, org: &OrgRow, year: i32, as_of: NaiveDate) -> Result<Vec<Finding>> {
        Ok(self.check_org(org, year, as_of).await?.0)
    }

    /// The compliance of the subtree under `org_id` for `year` as of `as_of`, for the dashboard:
    /// its roll-up, each direct child's, per rule, per month, and findings per severity. The
    /// actor must see the org ([`Action::ViewOrg`]).
    /// The dashboard's tables as a workbook (child orgs, requirements), for a meeting or an
    /// inspection; audited like every export.
    pub async fn compliance_xlsx(&self, actor: &Actor, org_id: i64, year: i32, as_of: NaiveDate) -> Result<Vec<u8>> {
        let r = self.compliance(actor, org_id, year, as_of).await?;
        let children: Vec<Vec<String>> = r
            .children
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    c.kind.label().to_string(),
                    c.subtree.rate_label(),
                    c.subtree.met_periods.to_string(),
                    c.subtree.required_periods.to_string(),
                    c.own.rate_label(),
                    c.findings.violations.to_string(),
                    c.findings.warnings.to_string(),
                    c.findings.upcoming.to_string(),
                    c.closed_on.map(|d| d.iso()).unwrap_or_default(),
                ]
            })
            .collect();
        let rules: Vec<Vec<String>> = r
            .by_rule
            .iter()
            .map(|x| {
                vec![
                    x.title.to_string(),
                    x.tally.rate_label(),
                    x.tally.met_periods.to_string(),
                    x.tally.required_periods.to_string(),
                    x.rule_id.to_string(),
                ]
            })
            .collect();
        let title = format!("{} {}年 组织生活落实情况（截至 {}）", r.root.name, year, as_of.iso());
        let bytes = reports::write::write_xlsx(&[
            reports::write::SheetSpec {
                name: "下级组织",
                title: Some(&title),
                headers: &[
                    "组织",
                    "类别",
                    "落实率（含下级）",
                    "已落实周期",
                    "应落实周期",
                    "本组织落实率",
                    "违规",
                    "提示",
                    "临近期限",
                    "撤销日期",
                ],
                rows: &children,
                text_columns: &[],
            },
            reports::write::SheetSpec {
                name: "各项要求",
                title: Some(&title),
                headers: &["要求", "落实率", "已落实周期", "应落实周期", "规则编号"],
                rows: &rules,
                text_columns: &[],
            },
        ])
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        self.audit(
            &mut tx,
            actor,
            crate::Entry {
                action: "compliance.export",
                entity: "org",
                entity_id: Some(r.root.org_id),
                org_path: Some(r.root.path.clone()),
                before: None,
                after: Some(serde_json::json!({ "year": year, "as_of": as_of.iso() })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
    }

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
        let changes = self.setting_changes().await?;
        let mut roll = SubtreeCompliance::within(&path, Some(depth + 1));
        let mut children: Vec<(i64, String, String, OrgKind, Option<NaiveDate>)> = Vec::new();
        let stats = self
            .check_subtree(Some(&path), year, as_of, crate::settings::rules_in_force(changes.clone()), |r| {
                roll.add(&r);
                if depth_of(&r.path) == depth + 1 {
                    children.push((r.org_id, r.path, r.name, r.kind, r.closed_on));
                }
            })
            .await?;
        let root_kind = org.kind;
        let tally_of = |p: &str| roll.by_org.get(p).copied().unwrap_or_default();
        let root_tally = tally_of(&org.path);
        // The rules in force at the root, then any other rule that required something below it
        // (a local set switched on for part of the subtree), in the order of the catalogue.
        let reaching = domain::settings::reaching(&changes, &org.path);
        let mut catalogue = domain::settings::rules_for(&reaching, &org.path)
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .catalogue();
        for c in &changes {
            if c.org_path.starts_with(&org.path) {
                let below = domain::settings::reaching(&changes, &c.org_path);
                if let Ok(rules) = domain::settings::rules_for(&below, &c.org_path) {
                    catalogue.extend(rules.catalogue());
                }
            }
        }
        let mut seen = HashSet::new();
        let by_rule = catalogue
            .iter()
            .filter(|rule| seen.insert(rule.id))
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
                closed_on: org.closed_on,
                own: root_tally.own,
                subtree: root_tally.subtree,
                findings: root_tally.findings,
            },
            children: children
                .into_iter()
                .map(|(org_id, path, name, kind, closed_on)| {
                    let t = tally_of(&path);
                    OrgCompliance {
                        org_id,
                        path,
                        name,
                        kind,
                        closed_on,
                        own: t.own,
                        subtree: t.subtree,
                        findings: t.findings,
                    }
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

/// An org's own tally and its subtree's (itself and every org below it), and the subtree's
/// findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OrgTally {
    pub own: Tally,
    pub subtree: Tally,
    pub findings: FindingCounts,
}

/// Findings by severity. None is marked resolved: all are open until the records change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FindingCounts {
    pub violations: u64,
    pub warnings: u64,
    pub upcoming: u64,
}

impl FindingCounts {
    pub fn of(findings: &[Finding]) -> FindingCounts {
        let mut c = FindingCounts::default();
        for f in findings {
            match f.severity {
                Severity::Violation => c.violations += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Upcoming => c.upcoming += 1,
            }
        }
        c
    }

    pub fn merge(&mut self, other: FindingCounts) {
        self.violations += other.violations;
        self.warnings += other.warnings;
        self.upcoming += other.upcoming;
    }

    /// Every open finding.
    pub fn total(&self) -> u64 {
        self.violations + self.warnings + self.upcoming
    }
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
        let found = FindingCounts::of(&r.findings);
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
                entry.findings.merge(found);
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
    pub closed_on: Option<NaiveDate>,
    pub own: Tally,
    pub subtree: Tally,
    /// The subtree's findings by severity.
    pub findings: FindingCounts,
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
