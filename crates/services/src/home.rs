//! The figures of the home page, computed from the records for an as-of date.

use crate::members::MemberView;
use crate::{Result, Services};
use chrono::{Months, NaiveDate};
use domain::codes::MemberStatus;
use domain::dates::Iso;
use domain::org::OrgKind;
use domain::scope::Actor;
use serde::Serialize;
use std::sync::Arc;
use storage::{member, org};

/// Days ahead in which a probation end is shown on the home page.
pub const PROBATION_NOTICE_DAYS: u64 = 60;

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub key: &'static str,
    pub label: &'static str,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProbationEnd {
    pub member: MemberView,
    /// The day probation ends: one year after the 支部大会 admitted the member, or later by a
    /// recorded extension (DEV-PROBATION).
    pub ends_on: NaiveDate,
    /// Days until it ends; negative when it has ended without a decision (overdue).
    pub days_left: i64,
    /// Probation has ended and the member is still probationary: the branch owes its decision
    /// (DEV-PROBATION: "及时讨论").
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeFigures {
    pub as_of: NaiveDate,
    pub orgs_by_kind: Vec<Count>,
    pub members_by_status: Vec<Count>,
    pub current_members: i64,
    pub probation_ending: Vec<ProbationEnd>,
}

/// The window of join dates whose one-year probation (DEV-PROBATION) ends within
/// `[as_of, as_of + days]`.
pub fn probation_window(as_of: NaiveDate, days: u64) -> Option<(NaiveDate, NaiveDate)> {
    let from = as_of.checked_sub_months(Months::new(12))?;
    let to = (as_of + chrono::Days::new(days)).checked_sub_months(Months::new(12))?;
    Some((from, to))
}

/// Whether a probation ending on `ends` belongs on the home page on `as_of`: overdue (ended
/// before `as_of` without a decision) or ending within `days` days.
pub fn probation_listed(ends: NaiveDate, as_of: NaiveDate, days: u64) -> bool {
    ends <= as_of + chrono::Days::new(days)
}

impl Services {
    pub async fn home_figures(&self, actor: &Actor, as_of: NaiveDate) -> Result<Arc<HomeFigures>> {
        let writes = self.db.write_count();
        let ttl = std::time::Duration::from_millis(self.list_cache_ms);
        let key = format!("{}|{as_of}", crate::members::scope_key(actor));
        if self.list_cache_ms > 0
            && let Some(hit) = self.home_cache.get(&key, writes, ttl)
        {
            return Ok(hit);
        }
        let figures = Arc::new(self.compute_home_figures(actor, as_of).await?);
        if self.list_cache_ms > 0 {
            self.home_cache.put(key, writes, figures.clone());
        }
        Ok(figures)
    }

    async fn compute_home_figures(&self, actor: &Actor, as_of: NaiveDate) -> Result<HomeFigures> {
        let scope = actor.scope();
        let by_kind = org::count_by_kind(&self.db, &scope).await?;
        let orgs_by_kind = OrgKind::ALL
            .iter()
            .map(|k| Count {
                key: k.as_str(),
                label: k.label(),
                count: by_kind.iter().find(|(s, _)| s == k.as_str()).map(|(_, n)| *n).unwrap_or(0),
            })
            .collect();
        let by_status = member::count_by_status(&self.db, &scope).await?;
        let members_by_status: Vec<Count> = MemberStatus::ALL
            .iter()
            .map(|s| Count {
                key: s.as_str(),
                label: s.label(),
                count: by_status.iter().find(|(k, _)| k == s.as_str()).map(|(_, n)| *n).unwrap_or(0),
            })
            .collect();
        let current_members =
            members_by_status.iter().filter(|c| c.key == "full" || c.key == "probationary").map(|c| c.count).sum();
        let mut probation_ending = Vec::new();
        // Probationers whose probation ends within the notice days, and those whose probation
        // has ended without a decision (overdue), oldest first. An extension only moves the end
        // later, so the join dates up to one year before the window's end cover them all.
        if let Some((_, to)) = probation_window(as_of, PROBATION_NOTICE_DAYS) {
            let rows = member::probationary_joined_by(&self.db, &scope, &to.iso()).await?;
            for r in rows {
                let joined = r.joined_on;
                let extension = r.probation_extension_months.and_then(|m| u32::try_from(m).ok());
                let ends = domain::member::probation_end(joined, extension);
                if !probation_listed(ends, as_of, PROBATION_NOTICE_DAYS) {
                    continue;
                }
                probation_ending.push(ProbationEnd {
                    ends_on: ends,
                    days_left: (ends - as_of).num_days(),
                    overdue: ends < as_of,
                    member: MemberView::masked(r),
                });
            }
        }
        Ok(HomeFigures { as_of, orgs_by_kind, members_by_status, current_members, probation_ending })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        domain::dates::parse_iso(s).unwrap()
    }

    /// CON-PROBATION: probation is one year from the 支部大会; the home page lists those ending
    /// within 60 days, the as-of day and the 60th day included.
    #[test]
    fn con_probation_window_includes_both_ends() {
        let (from, to) = probation_window(d("2026-11-21"), 60).unwrap();
        assert_eq!(from, d("2025-11-21")); // ends today
        assert_eq!(to, d("2026-01-20")); // ends on day 60 (2027-01-20)
        // Members joined on the edges and just outside them are listed or not by the service:
        // services/tests/use_cases.rs, con_probation_home_lists_probation_ending_within_60_days….
    }
}
