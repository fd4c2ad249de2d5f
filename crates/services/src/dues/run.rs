//! The month's close (`zhibu dues run`): for every branch of a subtree, the month's dues due,
//! paid and outstanding and the members in arrears, a page of branches at a time so memory stays
//! bounded however large the tree. Nothing is stored: the close is computed from the records
//! each time, so it always agrees with them.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use domain::dates::add_months;
use domain::family::Rules;
use domain::family::dues::DuesFacts;
use domain::family::dues::statement::{self, MemberDuesFacts, MonthState, month_of};
use domain::money::Fen;
use domain::org::{OrgKind, OrgPath};
use serde::Serialize;
use storage::check;
use storage::org::OrgRow;

use crate::console::Console;
use crate::{Result, ServiceError};

/// The dues facts of a page's branches, by branch, members in member order. A member owes
/// from the month of joining (DUES-PROBATIONARY).
pub(crate) fn dues_facts(page: check::DuesPage) -> HashMap<i64, DuesFacts> {
    let mut out: HashMap<i64, DuesFacts> = HashMap::new();
    for m in page.members {
        let facts = MemberDuesFacts { owes_from: Some(statement::owes_from(m.joined_on, m.owed_from)), ..m.facts };
        out.entry(facts.org_id).or_default().members.push(facts);
    }
    for (org, year) in page.published {
        if let Ok(y) = i32::try_from(year) {
            out.entry(org).or_default().published.push(y);
        }
    }
    out
}

/// One branch's month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuesClose {
    pub org_id: i64,
    pub path: String,
    pub name: String,
    /// Members owing dues that month (with a base or a hardship decision).
    pub members: u32,
    pub due: Fen,
    pub paid: Fen,
    /// Due and not yet paid for the month.
    pub outstanding: Fen,
    /// Members with a month in arrears in the six months up to this one.
    pub in_arrears: u32,
    /// Members without a base for the month.
    pub missing_base: u32,
}

/// The totals of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DuesRunStats {
    pub branches: u64,
    pub members: u64,
    pub pages: u64,
    pub due: i64,
    pub paid: i64,
    pub outstanding: i64,
    pub in_arrears: u64,
    pub missing_base: u64,
}

/// The month's close of one branch from its facts.
fn close_of(org: &OrgRow, rules: &Rules, facts: &DuesFacts, month: NaiveDate, as_of: NaiveDate) -> DuesClose {
    let mut out = DuesClose {
        org_id: org.id,
        path: org.path.clone(),
        name: org.name.clone(),
        members: 0,
        due: Fen::ZERO,
        paid: Fen::ZERO,
        outstanding: Fen::ZERO,
        in_arrears: 0,
        missing_base: 0,
    };
    let from = add_months_back(month, 5);
    for m in &facts.members {
        let s = statement::statement(&rules.dues, |d| rules.dues_settings.on(d), m, from, month, as_of);
        if s.lines.iter().any(|l| l.state == MonthState::Unpaid) {
            out.in_arrears += 1;
        }
        match s.lines.iter().find(|l| l.month == month) {
            Some(l) if l.state == MonthState::NoBase => out.missing_base += 1,
            Some(l) => {
                out.members += 1;
                out.due = out.due.saturating_add(l.due);
                out.paid = out.paid.saturating_add(l.paid);
                out.outstanding = out.outstanding.saturating_add(l.due.saturating_sub(l.paid));
            }
            None => {}
        }
    }
    out
}

/// The first day of the month `n` months before `month`.
fn add_months_back(month: NaiveDate, n: u32) -> NaiveDate {
    month.checked_sub_months(chrono::Months::new(n)).map(month_of).unwrap_or(month)
}

impl Console<'_> {
    /// The month's close of every branch under `root` (the whole tree when `None`) as of
    /// `as_of`, in path order, `page_size` orgs at a time; each branch's close goes to `sink`.
    pub async fn dues_month_close<R, S>(
        &self,
        root: Option<&OrgPath>,
        month: NaiveDate,
        as_of: NaiveDate,
        page_size: usize,
        rules_for: R,
        mut sink: S,
    ) -> Result<DuesRunStats>
    where
        R: Fn(&OrgRow) -> Arc<Rules>,
        S: FnMut(DuesClose),
    {
        let db = &self.services().db;
        let month = month_of(month);
        let (lo, hi) = match root {
            Some(r) => r.subtree_bounds(),
            None => ("/".to_string(), "0".to_string()),
        };
        let page_size = page_size.max(1);
        let (from, to) = (add_months_back(month, 5).to_string(), add_months(month, 1).to_string());
        let closed_since = month.to_string();
        let mut stats = DuesRunStats::default();
        let mut after: Option<String> = None;
        loop {
            let page = check::orgs_page(db, &lo, &hi, after.as_deref(), page_size, &closed_since).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.path.clone());
            let full = page.len() >= page_size;
            let branches: Vec<&OrgRow> = page.iter().filter(|o| o.kind == OrgKind::Branch).collect();
            let ids: Vec<i64> = branches.iter().map(|o| o.id).collect();
            let mut facts = dues_facts(check::dues_of(db, &ids, &from, &to).await?);
            stats.pages += 1;
            for org in branches {
                let f = facts.remove(&org.id).unwrap_or_default();
                let rules = rules_for(org);
                let close = close_of(org, &rules, &f, month, as_of);
                stats.branches += 1;
                stats.members += u64::from(close.members);
                stats.due += close.due.fen();
                stats.paid += close.paid.fen();
                stats.outstanding += close.outstanding.fen();
                stats.in_arrears += u64::from(close.in_arrears);
                stats.missing_base += u64::from(close.missing_base);
                sink(close);
            }
            if !full {
                break;
            }
        }
        Ok(stats)
    }
}

/// Reads "YYYY-MM" (or any form `parse_year_month` takes) as a month, for the CLI.
pub fn parse_month(s: &str) -> Result<NaiveDate> {
    domain::dates::parse_year_month(s).map_err(|e| ServiceError::field("month", e.message().to_string()))
}
