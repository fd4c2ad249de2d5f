//! Compliance (达标情况): for each frequency requirement (MTG-*) and each period that is over, whether
//! the org met it, and roll-ups of those answers into rates for a dashboard.
//!
//! A [`RequirementStatus`] says how many records a period required and how many counted. Whether
//! it was **met** is not recomputed from the counts: it is read from the findings of
//! [`crate::findings::evaluate`] for the same inputs, so the rate and the list of findings can
//! never disagree. A period is missed exactly when `evaluate` reports the rule's shortfall finding
//! (of the rule's severity, a violation or a warning) for it.
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

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::findings::{Finding, OrgFacts, RecordFact, evaluate};
use crate::period::Period;
use crate::rules::{Check, Quorum, Rule, RuleSet, Severity};

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

/// Whether `f` is the shortfall finding of `rule` for the ended period `p`: the finding `evaluate`
/// gives when too few records counted. It carries the period's last day as its deadline; the
/// window warning (MTG-ORG-LIFE) has no deadline and a quorum finding points at its record, so
/// neither is taken for a shortfall.
fn is_shortfall(f: &Finding, rule: &Rule, p: &Period) -> bool {
    f.rule_id == rule.id
        && f.period.as_ref() == Some(p)
        && f.severity != Severity::Upcoming
        && f.due == Some(p.end())
        && f.fix.as_ref().is_none_or(|fix| fix.record_id.is_none())
}

/// Whether record `r` counts towards a frequency requirement of `record` kind for `org`, as
/// `evaluate` counts it.
fn counts(org: &OrgFacts, r: &RecordFact, record: crate::org_life::MeetingKind, by_secretary: bool) -> bool {
    r.kind == record
        && if by_secretary {
            org.secretary_member_id.is_some() && r.lecturer_id == org.secretary_member_id
        } else {
            r.org_id == org.org_id
        }
}

/// The status of every frequency requirement of `rules` that applies to `org`, for every period
/// of `year` that has ended on `as_of` and during which the org existed, in the order of the rule
/// set, then by period. `findings` must be those of [`evaluate`] for the same `rules`, `org`,
/// `records`, `year` and `as_of` (any `notice_days`): `met` is read from them. See
/// [`evaluate_with_statuses`] to get both at once.
pub fn requirement_statuses(
    rules: &RuleSet,
    org: &OrgFacts,
    records: &[RecordFact],
    year: i32,
    as_of: NaiveDate,
    findings: &[Finding],
) -> Vec<RequirementStatus> {
    let mut out = Vec::new();
    for rule in rules.rules() {
        if !org.is_subject_to(rule) {
            continue;
        }
        let Check::Frequency { record, period, min_count, by_secretary, quorum, .. } = &rule.check else {
            continue;
        };
        for p in Period::in_year(*period, year) {
            if !p.has_ended(as_of) || !org.existed_throughout(&p) {
                continue;
            }
            let held = records
                .iter()
                .filter(|r| r.date <= as_of && p.contains(r.date) && counts(org, r, *record, *by_secretary))
                .filter(|r| match quorum {
                    // A 支委会 without its quorum is not a meeting held (MTG-COMMITTEE).
                    Some(Quorum::MeetingNeedsHalf) => {
                        let votes = r.voter_count();
                        votes.expected == 0 || votes.committee_quorum_met()
                    }
                    _ => true,
                })
                .count();
            let met = !findings.iter().any(|f| is_shortfall(f, rule, &p));
            out.push(RequirementStatus {
                rule_id: rule.id,
                period: p,
                required: *min_count,
                held: u32::try_from(held).unwrap_or(u32::MAX),
                met,
            });
        }
    }
    out
}

/// [`evaluate`] and [`requirement_statuses`] of the same inputs.
pub fn evaluate_with_statuses(
    rules: &RuleSet,
    org: &OrgFacts,
    records: &[RecordFact],
    year: i32,
    as_of: NaiveDate,
    notice_days: u32,
) -> (Vec<Finding>, Vec<RequirementStatus>) {
    let findings = evaluate(rules, org, records, year, as_of, notice_days);
    let statuses = requirement_statuses(rules, org, records, year, as_of, &findings);
    (findings, statuses)
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
