//! Compliance (达标情况): for each frequency requirement (MTG-*) and each period that is over, whether
//! the org met it, and roll-ups of those answers into rates for a dashboard.
//!
//! A [`RequirementStatus`] says how many records a period required and how many counted. The
//! organizational-life family ([`crate::family::org_life::evaluate`]) makes it at the very place it
//! decides whether to report the period's shortfall, so the rate and the list of findings can
//! never disagree: a period is missed exactly when the shortfall finding (of the rule's severity,
//! a violation or a warning) is reported for it.
//!
//! Which periods are counted: those of `year` that have ended on `as_of` (on its last day a period
//! is still open, as in `evaluate`) and during which the org existed throughout. The period still
//! open and future periods are not counted: nothing was due yet, and an [`Severity::Upcoming`]
//! finding is a reminder, not a miss.
//!
//! **Reading of the "一般" window (MTG-ORG-LIFE: generally in Q4).** A year whose 组织生活会 was held,
//! but outside the fourth quarter, counts as **met**: the requirement (at least once a year) was
//! fulfilled and only the customary timing was not. The warning finding stays in the findings list,
//! so the org is still told about it; it is simply not a missed period in the rate.
//!
//! **Quorum findings** (a 支委会 without half of its members, MTG-COMMITTEE; a 党员大会 vote without
//! quorum, MTG-ASSEMBLY) are about one record, not about the period. A 支委会 without quorum does not
//! count towards `held` (as in `evaluate`), so its month is missed when no other meeting was held;
//! a 党员大会 whose vote lacked quorum still counts as held.

use chrono::Datelike;
use serde::Serialize;

use crate::period::Period;

/// Whether one org met one frequency requirement in one period that is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RequirementStatus {
    pub rule_id: &'static str,
    pub period: Period,
    /// Records the period requires (the rule's minimum count).
    pub required: u32,
    /// Records that count towards it: of the rule's kind, by the org itself (or, for MTG-LESSON,
    /// given by its secretary), dated within the period and on or before `as_of`, a 支委会 only
    /// with its quorum.
    pub held: u32,
    /// Not missed: `evaluate` reports no shortfall for this rule and period.
    pub met: bool,
}

impl RequirementStatus {
    /// The month (1–12) in which the period ends: a quarter counts in its last month, a year in
    /// December. Per-month charts show when requirements fell due.
    pub fn month(&self) -> u32 {
        self.period.end().month()
    }
}

/// A count of requirement-periods and of those met: one org's, a subtree's, one rule's, one
/// month's. Tallies add up, so a committee's is the sum of its orgs'.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Tally {
    pub required_periods: u64,
    pub met_periods: u64,
}

impl Tally {
    /// The tally of these statuses.
    pub fn of<'a>(statuses: impl IntoIterator<Item = &'a RequirementStatus>) -> Tally {
        let mut t = Tally::default();
        for s in statuses {
            t.add(s);
        }
        t
    }

    /// Counts one more requirement-period.
    pub fn add(&mut self, s: &RequirementStatus) {
        self.required_periods = self.required_periods.saturating_add(1);
        if s.met {
            self.met_periods = self.met_periods.saturating_add(1);
        }
    }

    /// Adds another tally to this one.
    pub fn merge(&mut self, other: Tally) {
        self.required_periods = self.required_periods.saturating_add(other.required_periods);
        self.met_periods = self.met_periods.saturating_add(other.met_periods);
    }

    pub fn missed_periods(&self) -> u64 {
        self.required_periods.saturating_sub(self.met_periods)
    }

    /// The share met, in thousandths ([`permille`]); `None` when nothing was required (no rate
    /// rather than a made-up 100 %).
    pub fn rate_permille(&self) -> Option<u32> {
        permille(self.met_periods, self.required_periods)
    }

    /// "98.5%", or "—" when nothing was required.
    pub fn rate_label(&self) -> String {
        self.rate_permille().map_or_else(|| "—".to_string(), format_permille)
    }
}

/// The one rounding of a rate, used by the dashboard, the ledgers and their charts alike:
/// `part / whole` in thousandths, to the nearest, halves up (2/3 → 667, 1/16 → 63), capped at
/// 1000. Two exceptions keep the shown figure honest: it is 1000 (100 %) only when nothing was
/// missed (1999/2000 → 999, not 1000) and 0 only when nothing was met (1/2001 → 1). `None` when
/// `whole` is 0: nothing was required, so there is no rate.
pub fn permille(part: u64, whole: u64) -> Option<u32> {
    if whole == 0 {
        return None;
    }
    let part = part.min(whole);
    let (p, w) = (u128::from(part), u128::from(whole));
    let nearest = (p * 2000 + w) / (w * 2);
    let rate = match nearest {
        1000 if part < whole => 999,
        0 if part > 0 => 1,
        r => r,
    };
    u32::try_from(rate).ok()
}

/// A rate in thousandths as a percentage with at most one decimal: 917 → "91.7%", 900 → "90%",
/// 1000 → "100%", 0 → "0%".
pub fn format_permille(permille: u32) -> String {
    let (whole, tenth) = (permille / 10, permille % 10);
    if tenth == 0 { format!("{whole}%") } else { format!("{whole}.{tenth}%") }
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.merge(other);
    }
}
