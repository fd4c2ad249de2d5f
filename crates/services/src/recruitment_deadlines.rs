//! The recruitment deadlines of a whole subtree (`zhibu recruitment deadlines`): every open path
//! of every branch, a page of orgs at a time, judged by the recruitment family with the rules in
//! force for each branch. The same reads and rules as the full check's recruitment part, without
//! the other families' facts, so a committee can list who waits where across a province.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use domain::family::Rules;
use domain::findings::{Finding, When};
use domain::org::{OrgKind, OrgPath};

use crate::compliance::FindingCounts;
use crate::org_life::NOTICE_DAYS;
use crate::recruitment::path_facts_of;
use crate::rows::OrgRow;
use crate::{Result, Services};

/// What a run over the subtree read and found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeadlineStats {
    pub branches: usize,
    /// Open paths judged.
    pub people: usize,
    pub steps: usize,
    pub findings: FindingCounts,
}

impl Services {
    /// Every branch's recruitment findings on `as_of`, handed to `sink` branch by branch (only
    /// branches with findings), reading `page_size` orgs at a time.
    pub(crate) async fn recruitment_deadlines_paged<R, S>(
        &self,
        root: Option<&OrgPath>,
        as_of: NaiveDate,
        page_size: usize,
        rules_for: R,
        mut sink: S,
    ) -> Result<DeadlineStats>
    where
        R: Fn(&OrgRow) -> Arc<Rules>,
        S: FnMut(&OrgRow, Vec<Finding>),
    {
        let (lo, hi) = match root {
            Some(r) => r.subtree_bounds(),
            None => ("/".to_string(), "0".to_string()),
        };
        let closed_since = as_of.to_string();
        let when = When::new(as_of.year(), as_of, NOTICE_DAYS);
        let mut stats = DeadlineStats::default();
        let page_size = page_size.max(1);
        // Pipelined like the full check: the next page's people are read (on the driver's thread)
        // while this page is judged.
        let read = |page: &[OrgRow]| {
            let db = self.db.clone();
            let ids: Vec<i64> = page.iter().filter(|o| o.kind == OrgKind::Branch).map(|o| o.id).collect();
            tokio::spawn(async move { storage::recruit::open_paths_of_branches(&db, &ids).await })
        };
        let mut page = storage::check::orgs_page(&self.db, &lo, &hi, None, page_size, &closed_since).await?;
        let mut reading = read(&page);
        while let Some(last) = page.last() {
            let next = if page.len() >= page_size {
                storage::check::orgs_page(&self.db, &lo, &hi, Some(&last.path), page_size, &closed_since).await?
            } else {
                Vec::new()
            };
            let next_reading = read(&next);
            let paths = reading.await.map_err(|e| crate::ServiceError::Internal(format!("deadlines page: {e}")))??;
            let branches: Vec<&OrgRow> = page.iter().filter(|o| o.kind == OrgKind::Branch).collect();
            stats.branches += branches.len();
            stats.people += paths.len();
            let mut by_branch: std::collections::HashMap<i64, Vec<domain::family::recruitment::PathFacts>> =
                std::collections::HashMap::new();
            for (row, steps) in &paths {
                stats.steps += steps.len();
                by_branch.entry(row.branch_id).or_default().push(path_facts_of(row, steps));
            }
            for org in branches {
                let Some(people) = by_branch.remove(&org.id) else { continue };
                let rules = rules_for(org);
                let found = domain::family::recruitment::deadlines::evaluate(&rules.recruitment, &people, &when);
                if !found.is_empty() {
                    stats.findings.merge(FindingCounts::of(&found));
                    sink(org, found);
                }
            }
            page = next;
            reading = next_reading;
        }
        Ok(stats)
    }
}
