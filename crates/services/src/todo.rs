//! The to-do list of the home page (待办): what an org must still do, most urgent first, and for
//! an org admin which orgs of the subtree have the most overdue.
//!
//! A party worker's list is every finding of their branch (and its groups) as of today, from every
//! registered rule family, grouped by when it is due ([`DueBucket`]), with the month's calendar of
//! what is due and what was already recorded, and the requirements of the current periods with
//! how far each is met. Findings someone has explained (情况说明) are counted, not listed: the
//! branch has answered for them, the inspector decides whether they stand.
//!
//! An org admin's list is the subtree's orgs with open findings, the most violations first, with
//! their count by severity; each opens the org's own list (its organizational-life page).

use crate::compliance::OrgResult;
use crate::findings::explains;
use crate::{Result, ServiceError, Services};
use chrono::{Datelike, Days, NaiveDate};
use domain::findings::Finding;
use domain::org::{OrgKind, OrgPath};
use domain::period::{Period, PeriodKind};
use domain::rules::Severity;
use domain::scope::{Actor, Grant};
use serde::Serialize;
use std::sync::Arc;

/// Above this many orgs a subtree's to-do list is not computed on the home page (a province's
/// check takes half a minute); the home page points to the compliance dashboard instead.
pub const SUBTREE_TODO_MAX_ORGS: i64 = 5_000;

/// Orgs shown in an org admin's list; the dashboard has them all.
pub const SUBTREE_TODO_SHOWN: usize = 30;

/// How long a computed to-do list may be reused when nothing was written meanwhile: a write
/// anywhere drops it, and the day is part of its key, so the time only bounds its memory.
pub const TODO_CACHE_MS: u64 = 600_000;

/// When a finding is due, as the home page groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueBucket {
    /// A period that ended short, a deadline passed, or something wrong now (a violation or a
    /// warning without a deadline): to correct or explain.
    Overdue,
    /// Due within seven days, today included.
    ThisWeek,
    /// Due later this month.
    ThisMonth,
    /// Due after this month.
    Later,
}

impl DueBucket {
    pub const ALL: [DueBucket; 4] = [DueBucket::Overdue, DueBucket::ThisWeek, DueBucket::ThisMonth, DueBucket::Later];

    pub fn label(self) -> &'static str {
        match self {
            DueBucket::Overdue => "已逾期或待纠正",
            DueBucket::ThisWeek => "本周内到期",
            DueBucket::ThisMonth => "本月内到期",
            DueBucket::Later => "以后到期",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DueBucket::Overdue => "overdue",
            DueBucket::ThisWeek => "this_week",
            DueBucket::ThisMonth => "this_month",
            DueBucket::Later => "later",
        }
    }

    /// The bucket of a finding on `as_of`: anything that is already wrong is overdue; an upcoming
    /// finding by its deadline (one without a deadline counts as this week's: it is open now).
    pub fn of(f: &Finding, as_of: NaiveDate) -> DueBucket {
        if f.severity != Severity::Upcoming {
            return DueBucket::Overdue;
        }
        match f.due {
            Some(due) if due < as_of => DueBucket::Overdue,
            Some(due) if due < as_of + Days::new(7) => DueBucket::ThisWeek,
            Some(due) if due.year() == as_of.year() && due.month() == as_of.month() => DueBucket::ThisMonth,
            Some(_) => DueBucket::Later,
            None => DueBucket::ThisWeek,
        }
    }
}

/// One open finding on the list, with the name of the org that must act.
#[derive(Debug, Clone, Serialize)]
pub struct TodoItem {
    pub org_name: String,
    pub finding: Finding,
}

/// The findings of one bucket, most urgent first.
#[derive(Debug, Clone, Serialize)]
pub struct TodoGroup {
    pub bucket: DueBucket,
    pub items: Vec<TodoItem>,
}

/// A requirement of the current period: "支委会 · 2026年12月 · 1 of 1".
#[derive(Debug, Clone, Serialize)]
pub struct CurrentRequirement {
    pub rule_id: &'static str,
    pub title: &'static str,
    pub period: Period,
    pub required: u32,
    pub held: u32,
    pub met: bool,
}

/// A record on the calendar.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarRecord {
    pub meeting_id: i64,
    pub label: &'static str,
}

/// One day of the month's calendar.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub is_today: bool,
    pub records: Vec<CalendarRecord>,
    /// The requirements whose period ends this day and are not yet met ("主题党日截止").
    pub due: Vec<&'static str>,
}

/// The month of `as_of` in weeks, Monday first; days of other months are `None`.
#[derive(Debug, Clone, Serialize)]
pub struct MonthCalendar {
    pub year: i32,
    pub month: u32,
    pub weeks: Vec<[Option<CalendarDay>; 7]>,
}

/// The to-do list of one branch (with its groups), or of any org a worker keeps.
#[derive(Debug, Clone, Serialize)]
pub struct OrgTodo {
    pub org_id: i64,
    pub org_name: String,
    pub as_of: NaiveDate,
    /// Non-empty groups, in the order of [`DueBucket::ALL`].
    pub groups: Vec<TodoGroup>,
    /// Open findings someone has explained; left off the list.
    pub explained: usize,
    pub requirements: Vec<CurrentRequirement>,
    pub calendar: MonthCalendar,
}

/// One org of an admin's subtree list: what is overdue there, by severity.
#[derive(Debug, Clone, Serialize)]
pub struct OrgOpen {
    pub org_id: i64,
    pub name: String,
    pub kind: OrgKind,
    /// Findings in [`DueBucket::Overdue`].
    pub overdue: u64,
    pub violations: u64,
    pub warnings: u64,
    pub upcoming: u64,
}

/// An org admin's to-do list: the subtree's orgs with something overdue, the most violations
/// first.
#[derive(Debug, Clone, Serialize)]
pub struct SubtreeTodo {
    pub root_id: i64,
    pub root_name: String,
    pub as_of: NaiveDate,
    /// At most [`SUBTREE_TODO_SHOWN`].
    pub orgs: Vec<OrgOpen>,
    /// How many orgs of the subtree have something overdue (the orgs listed, up to the limit).
    pub orgs_overdue: usize,
    /// How many others have only findings due later.
    pub orgs_only_upcoming: usize,
    pub orgs_checked: u64,
    /// The subtree was too large to check on the home page ([`SUBTREE_TODO_MAX_ORGS`]).
    pub too_large: bool,
}

/// What the home page lists for one grant of the viewer.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Todo {
    Org(Box<OrgTodo>),
    Subtree(SubtreeTodo),
}

/// Groups `items` by bucket, each group by deadline (none first: they are open now), then by
/// severity (violations first), then org and rule, so the same findings always list alike.
pub fn group_by_due(mut items: Vec<TodoItem>, as_of: NaiveDate) -> Vec<TodoGroup> {
    items.sort_by(|a, b| {
        let key = |i: &TodoItem| {
            (DueBucket::of(&i.finding, as_of), i.finding.due, std::cmp::Reverse(i.finding.severity.weight()))
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| (a.finding.org_id, a.finding.rule_id).cmp(&(b.finding.org_id, b.finding.rule_id)))
    });
    let mut groups: Vec<TodoGroup> = Vec::new();
    for item in items {
        let bucket = DueBucket::of(&item.finding, as_of);
        match groups.last_mut() {
            Some(g) if g.bucket == bucket => g.items.push(item),
            _ => groups.push(TodoGroup { bucket, items: vec![item] }),
        }
    }
    groups
}

/// The calendar of `as_of`'s month: the records on their days, and each unmet requirement on the
/// day its period ends.
pub fn month_calendar(
    as_of: NaiveDate,
    records: &[(NaiveDate, CalendarRecord)],
    requirements: &[CurrentRequirement],
) -> MonthCalendar {
    let month = Period::containing(PeriodKind::Month, as_of);
    let mut weeks = Vec::new();
    let mut week: [Option<CalendarDay>; 7] = Default::default();
    let mut day = month.start();
    while day <= month.end() {
        let slot = day.weekday().num_days_from_monday() as usize;
        let due = requirements.iter().filter(|r| !r.met && r.period.end() == day).map(|r| r.title).collect::<Vec<_>>();
        let on_day = records.iter().filter(|(d, _)| *d == day).map(|(_, r)| r.clone()).collect();
        if let Some(cell) = week.get_mut(slot) {
            *cell = Some(CalendarDay { date: day, is_today: day == as_of, records: on_day, due });
        }
        if slot == 6 {
            weeks.push(std::mem::take(&mut week));
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    if week.iter().any(Option::is_some) {
        weeks.push(week);
    }
    MonthCalendar { year: as_of.year(), month: as_of.month(), weeks }
}

impl Services {
    /// The to-do lists of the home page, one per grant of the actor that keeps or administers
    /// part of the tree (a system admin's covers the whole tree).
    pub async fn todo(&self, actor: &Actor, as_of: NaiveDate) -> Result<Arc<Vec<Todo>>> {
        let writes = self.db.write_count();
        let ttl = std::time::Duration::from_millis(TODO_CACHE_MS);
        let key = format!("{}|{as_of}", crate::members::scope_key(actor));
        if self.list_cache_ms > 0
            && let Some(hit) = self.todo_cache.get(&key, writes, ttl)
        {
            return Ok(hit);
        }
        if self.list_cache_ms == 0 {
            return Ok(Arc::new(self.compute_todo(actor, as_of).await?));
        }
        // One computation per list at a time: an admin who opens the home page on two devices,
        // or reloads it while it is computed, waits for the check under way instead of starting
        // another (a city's is half a second of both cores).
        let lock = {
            let mut locks = self.todo_locks.lock().unwrap_or_else(|e| e.into_inner());
            locks.retain(|_, l| Arc::strong_count(l) > 1);
            Arc::clone(locks.entry(key.clone()).or_default())
        };
        let _turn = lock.lock().await;
        let writes = self.db.write_count();
        if let Some(hit) = self.todo_cache.get(&key, writes, ttl) {
            return Ok(hit);
        }
        let todo = Arc::new(self.compute_todo(actor, as_of).await?);
        self.todo_cache.put(key, writes, todo.clone());
        Ok(todo)
    }

    async fn compute_todo(&self, actor: &Actor, as_of: NaiveDate) -> Result<Vec<Todo>> {
        let scope = actor.scope();
        let mut roots: Vec<OrgPath> = Vec::new();
        if scope.all {
            for o in storage::org::roots(&self.db).await? {
                roots.push(o.org_path()?);
            }
        } else {
            for g in &actor.grants {
                if let Grant::OrgAdmin { org } | Grant::PartyWorker { branch: org } = g
                    && !roots.contains(org)
                {
                    roots.push(org.clone());
                }
            }
        }
        let mut out = Vec::new();
        for root in roots {
            let Some(id) = root.id() else { continue };
            let Some(org) = storage::org::get(&self.db, &scope, id).await? else { continue };
            if org.status != domain::org::OrgStatus::Active {
                continue;
            }
            if matches!(org.kind, OrgKind::Branch | OrgKind::Group) {
                out.push(Todo::Org(Box::new(self.org_todo(actor, &org, as_of).await?)));
            } else {
                out.push(Todo::Subtree(self.subtree_todo(&org, as_of).await?));
            }
        }
        Ok(out)
    }

    async fn org_todo(&self, actor: &Actor, org: &storage::org::OrgRow, as_of: NaiveDate) -> Result<OrgTodo> {
        let path = org.org_path()?;
        let year = as_of.year();
        let mut results: Vec<OrgResult> = Vec::new();
        self.check_subtree_in_force(&path, year, as_of, |r| results.push(r)).await?;
        let mut items = Vec::new();
        let mut explained = 0;
        for r in results {
            let explanations = storage::meeting::explanations(&self.db, &actor.scope(), r.org_id).await?;
            let findings = self.name_members(actor, r.findings).await?;
            for finding in findings {
                if explanations.iter().any(|e| explains(e, &finding, &finding.period_key())) {
                    explained += 1;
                } else {
                    items.push(TodoItem { org_name: r.name.clone(), finding });
                }
            }
        }
        // The current periods' requirements: checked as of the day after the year, every period
        // of the year has ended and has a status; those containing today are the current ones.
        let after_year =
            NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(|| ServiceError::Internal(format!("year {year}")))?;
        let rules = self.rules_for(&org.path).await?;
        let (_, statuses) = self.check_org(org, year, after_year).await?;
        let requirements: Vec<CurrentRequirement> = statuses
            .into_iter()
            .filter(|s| s.period.contains(as_of))
            .map(|s| CurrentRequirement {
                rule_id: s.rule_id,
                title: rules.info(s.rule_id).map_or(s.rule_id, |i| i.title),
                period: s.period,
                required: s.required,
                held: s.held,
                met: s.met,
            })
            .collect();
        let month = Period::containing(PeriodKind::Month, as_of);
        let records: Vec<(NaiveDate, CalendarRecord)> = storage::meeting::of_org(
            &self.db,
            &actor.scope(),
            org.id,
            &domain::dates::format_iso(month.start()),
            &domain::dates::format_iso(month.end()),
        )
        .await?
        .into_iter()
        .filter(|m| m.voided_on.is_none())
        .map(|m| (m.held_on, CalendarRecord { meeting_id: m.id, label: m.kind.short_label() }))
        .collect();
        let calendar = month_calendar(as_of, &records, &requirements);
        Ok(OrgTodo {
            org_id: org.id,
            org_name: org.name.clone(),
            as_of,
            groups: group_by_due(items, as_of),
            explained,
            requirements,
            calendar,
        })
    }

    async fn subtree_todo(&self, org: &storage::org::OrgRow, as_of: NaiveDate) -> Result<SubtreeTodo> {
        let path = org.org_path()?;
        let mut todo = SubtreeTodo {
            root_id: org.id,
            root_name: org.name.clone(),
            as_of,
            orgs: Vec::new(),
            orgs_overdue: 0,
            orgs_only_upcoming: 0,
            orgs_checked: 0,
            too_large: false,
        };
        if storage::org::count_below_up_to(&self.db, &path, SUBTREE_TODO_MAX_ORGS).await? >= SUBTREE_TODO_MAX_ORGS {
            todo.too_large = true;
            return Ok(todo);
        }
        let mut open: Vec<OrgOpen> = Vec::new();
        let mut only_upcoming = 0;
        let stats = self
            .check_subtree_in_force(&path, as_of.year(), as_of, |r| {
                let overdue =
                    r.findings.iter().filter(|f| DueBucket::of(f, as_of) == DueBucket::Overdue).count() as u64;
                if overdue == 0 {
                    if !r.findings.is_empty() {
                        only_upcoming += 1;
                    }
                    return;
                }
                let n = |s: Severity| r.findings.iter().filter(|f| f.severity == s).count() as u64;
                open.push(OrgOpen {
                    org_id: r.org_id,
                    name: r.name,
                    kind: r.kind,
                    overdue,
                    violations: n(Severity::Violation),
                    warnings: n(Severity::Warning),
                    upcoming: n(Severity::Upcoming),
                });
            })
            .await?;
        // The most violations first, then the most overdue; ties in tree order (stable).
        open.sort_by_key(|o| std::cmp::Reverse((o.violations, o.overdue, o.upcoming)));
        todo.orgs_overdue = open.len();
        todo.orgs_only_upcoming = only_upcoming;
        todo.orgs_checked = stats.orgs;
        open.truncate(SUBTREE_TODO_SHOWN);
        todo.orgs = open;
        Ok(todo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::family::org_life::national_rules;

    fn d(s: &str) -> NaiveDate {
        domain::dates::parse_iso(s).unwrap()
    }

    fn finding(severity: Severity, due: Option<&str>) -> Finding {
        let rule = national_rules().into_iter().find(|r| r.id == "MTG-COMMITTEE").unwrap();
        let f = Finding::new(&rule, 7, severity, "……".into());
        match due {
            Some(due) => f.due(d(due)),
            None => f,
        }
    }

    /// An upcoming finding is this week's up to six days ahead, this month's up to the month's
    /// end, later after it; one whose deadline passed is overdue, and so is anything already a
    /// violation or a warning.
    #[test]
    fn buckets_by_deadline_around_their_boundaries() {
        let as_of = d("2026-11-20");
        let bucket = |due: &str| DueBucket::of(&finding(Severity::Upcoming, Some(due)), as_of);
        assert_eq!(bucket("2026-11-19"), DueBucket::Overdue, "the day before");
        assert_eq!(bucket("2026-11-20"), DueBucket::ThisWeek, "the day");
        assert_eq!(bucket("2026-11-26"), DueBucket::ThisWeek, "the sixth day ahead");
        assert_eq!(bucket("2026-11-27"), DueBucket::ThisMonth, "the seventh day ahead");
        assert_eq!(bucket("2026-11-30"), DueBucket::ThisMonth, "the month's last day");
        assert_eq!(bucket("2026-12-01"), DueBucket::Later, "the next month's first day");
        assert_eq!(DueBucket::of(&finding(Severity::Upcoming, None), as_of), DueBucket::ThisWeek);
        assert_eq!(DueBucket::of(&finding(Severity::Warning, Some("2026-12-31")), as_of), DueBucket::Overdue);
        assert_eq!(DueBucket::of(&finding(Severity::Violation, None), as_of), DueBucket::Overdue);
        // Late in a month the week runs into the next one: still this week's.
        assert_eq!(
            DueBucket::of(&finding(Severity::Upcoming, Some("2026-12-02")), d("2026-11-28")),
            DueBucket::ThisWeek
        );
    }

    #[test]
    fn groups_come_most_urgent_first_and_each_by_deadline() {
        let as_of = d("2026-11-20");
        let item = |s, due| TodoItem { org_name: "支部".into(), finding: finding(s, due) };
        let groups = group_by_due(
            vec![
                item(Severity::Upcoming, Some("2026-12-31")),
                item(Severity::Upcoming, Some("2026-11-30")),
                item(Severity::Warning, Some("2026-10-31")),
                item(Severity::Upcoming, Some("2026-11-22")),
                item(Severity::Violation, Some("2026-10-31")),
                item(Severity::Warning, None),
            ],
            as_of,
        );
        let buckets: Vec<DueBucket> = groups.iter().map(|g| g.bucket).collect();
        assert_eq!(buckets, DueBucket::ALL.to_vec());
        let overdue: Vec<(Option<NaiveDate>, Severity)> =
            groups[0].items.iter().map(|i| (i.finding.due, i.finding.severity)).collect();
        // No deadline first (it is wrong now), then by deadline, violations before warnings.
        assert_eq!(
            overdue,
            vec![
                (None, Severity::Warning),
                (Some(d("2026-10-31")), Severity::Violation),
                (Some(d("2026-10-31")), Severity::Warning)
            ]
        );
    }

    /// December 2026 begins on a Tuesday and has five calendar rows; the records sit on their
    /// days and an unmet requirement on the last day of its period.
    #[test]
    fn the_month_calendar_is_laid_out_monday_first() {
        let as_of = d("2026-12-03");
        let records = vec![(d("2026-12-01"), CalendarRecord { meeting_id: 5, label: "支委会" })];
        let month = Period::containing(PeriodKind::Month, as_of);
        let requirement = |met| CurrentRequirement {
            rule_id: "MTG-THEME-DAY",
            title: "党支部每月开展1次主题党日",
            period: month,
            required: 1,
            held: u32::from(met),
            met,
        };
        let cal = month_calendar(as_of, &records, &[requirement(false)]);
        assert_eq!((cal.year, cal.month, cal.weeks.len()), (2026, 12, 5));
        assert!(cal.weeks[0][0].is_none(), "Monday 30 November is not December's");
        let first = cal.weeks[0][1].as_ref().unwrap();
        assert_eq!((first.date, first.records.len()), (d("2026-12-01"), 1));
        assert!(cal.weeks[0][3].as_ref().unwrap().is_today);
        let last = cal.weeks[4][3].as_ref().unwrap();
        assert_eq!((last.date, last.due.clone()), (d("2026-12-31"), vec!["党支部每月开展1次主题党日"]));
        assert!(cal.weeks[4][4].is_none());
        let met = month_calendar(as_of, &records, &[requirement(true)]);
        assert!(met.weeks[4][3].as_ref().unwrap().due.is_empty(), "a met requirement is not due");
    }
}
