//! Findings (提醒): what the rules engine finds when it applies a [`RuleSet`] to one org's facts.
//!
//! [`evaluate`] takes plain facts (the org, its records) and an explicit `as_of` date; it never
//! reads the clock, and the same inputs give the same findings, in the same order, on any machine
//! (design.md principle 3). Each [`Finding`] names its rule, citation and rule set, the org, the
//! period, a severity, the records it looked at, and a [`FixLink`] ("补录3月支委会").
//!
//! **Time.** Records dated after `as_of` are ignored. Periods are checked one by one within the
//! requested `year`:
//! - a period that has ended (its last day lies before `as_of`) gives a finding of the rule's
//!   severity when its requirement was not met;
//! - the period still open on `as_of` gives a [`Severity::Upcoming`] finding when the requirement is
//!   not met yet and the period ends within `notice_days` days (on its last day it is still open);
//! - future periods give nothing;
//! - a period is checked only if the org existed on each of its days (`established_on` on or
//!   before its first day; not closed before its last day).
//!
//! The exception is a quorum failure (MTG-ASSEMBLY, MTG-COMMITTEE): a fact about a meeting already
//! held, reported as a violation as soon as the record exists. The structural checks (ORG-BRANCH-MIN,
//! ORG-COMMITTEE, ORG-TERM, ORG-RENEWAL) describe the org as of `as_of`, whatever `year`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::dates::{add_months, add_years, format_cn};
use crate::org::OrgKind;
use crate::org_life::{Attendance, Attendee, MeetingKind, VoterCount, voter_count};
use crate::period::{Period, PeriodKind, quarter_numeral};
use crate::rules::{Check, Condition, Quorum, Rule, RuleSet, RuleSource, Severity};

/// The facts about one org that the rules look at, as of the evaluation date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgFacts {
    pub org_id: i64,
    pub kind: OrgKind,
    /// Whether the org has a committee (支部委员会) in office. Compare with
    /// [`OrgFacts::should_have_committee`].
    pub has_committee: bool,
    /// 正式党员 in the org.
    pub full_members: u32,
    /// 预备党员 in the org.
    pub probationary_members: u32,
    /// Committee members in office (委员, the 书记 and 副书记 included).
    pub committee_posts: u32,
    /// The member who holds the secretary post, if any.
    pub secretary_member_id: Option<i64>,
    /// The day the current committee (or secretary) was elected: the start of the term.
    pub term_start: Option<NaiveDate>,
    /// Length of the term in years (ORG-TERM: 3 for branches, 5 for villages, communities and
    /// 基层委员会).
    pub term_years: u32,
    /// The day the org was set up; `None` when unknown (the org is taken to have always existed).
    pub established_on: Option<NaiveDate>,
    /// The day the org was closed (撤销), if it was.
    pub closed_on: Option<NaiveDate>,
}

impl OrgFacts {
    /// An org with no members, no committee, no secretary and no recorded term, of unknown age;
    /// the term length defaults to the usual one of its kind (ORG-TERM).
    pub fn new(org_id: i64, kind: OrgKind) -> OrgFacts {
        OrgFacts {
            org_id,
            kind,
            has_committee: false,
            full_members: 0,
            probationary_members: 0,
            committee_posts: 0,
            secretary_member_id: None,
            term_start: None,
            term_years: kind.usual_term_years(),
            established_on: None,
            closed_on: None,
        }
    }

    /// Full and probationary members.
    pub fn total_members(&self) -> u32 {
        self.full_members.saturating_add(self.probationary_members)
    }

    /// ORG-COMMITTEE: a branch with 7 or more full members sets up a committee.
    pub fn should_have_committee(&self) -> bool {
        self.full_members >= 7
    }

    /// Whether the org exists on `date`: set up on or before it, and not closed on or before it.
    pub fn exists_on(&self, date: NaiveDate) -> bool {
        self.established_on.is_none_or(|e| e <= date) && self.closed_on.is_none_or(|c| date < c)
    }

    /// Whether the org existed on every day of `period`.
    pub fn existed_throughout(&self, period: &Period) -> bool {
        self.exists_on(period.start()) && self.exists_on(period.end())
    }

    fn meets(&self, condition: Condition) -> bool {
        match condition {
            Condition::HasCommittee => self.has_committee,
            Condition::HasSecretary => self.secretary_member_id.is_some(),
        }
    }

    /// Whether `rule` applies to this org.
    pub fn is_subject_to(&self, rule: &Rule) -> bool {
        rule.applies_to.org_kinds.contains(&self.kind) && rule.applies_to.conditions.iter().all(|c| self.meets(*c))
    }
}

/// One organizational-life record, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RecordFact {
    pub id: i64,
    /// The org that held it. Frequencies count only the evaluated org's own records; CON-LAPSE
    /// reads every record passed (so a branch's evaluation may include its groups' meetings).
    pub org_id: i64,
    pub kind: MeetingKind,
    pub date: NaiveDate,
    /// Everyone expected, with their attendance; probationary members are marked.
    pub attendance: Vec<Attendee>,
    /// Who gave the lecture (党课), for MTG-LESSON.
    pub lecturer_id: Option<i64>,
    /// Whether a vote was taken (for the MTG-ASSEMBLY quorum).
    pub has_vote: bool,
}

impl RecordFact {
    /// A record without attendance, lecturer or vote.
    pub fn new(id: i64, org_id: i64, kind: MeetingKind, date: NaiveDate) -> RecordFact {
        RecordFact { id, org_id, kind, date, attendance: Vec::new(), lecturer_id: None, has_vote: false }
    }

    /// The voters of this record's attendance (CON-PROB-RIGHTS).
    pub fn voter_count(&self) -> VoterCount {
        voter_count(&self.attendance)
    }
}

/// Where to go to fix a finding: the web layer turns it into a link (a new record of
/// `record_kind` dated `date_hint`, or the record `record_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixLink {
    /// "补录3月支委会".
    pub label: String,
    pub record_kind: Option<MeetingKind>,
    pub date_hint: Option<NaiveDate>,
    /// The record to correct, when the finding is about one record.
    pub record_id: Option<i64>,
}

/// What the rules engine found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule_id: &'static str,
    pub citation: &'static str,
    pub title: &'static str,
    /// The rule set the rule came from.
    pub source: RuleSource,
    pub org_id: i64,
    pub period: Option<Period>,
    pub severity: Severity,
    /// What is wrong, in Chinese: "2025年3月未召开支部委员会会议".
    pub message: String,
    /// The records the rule looked at, ascending; empty when their absence is the finding.
    pub records: Vec<i64>,
    /// The member concerned (CON-LAPSE).
    pub member_id: Option<i64>,
    pub fix: Option<FixLink>,
    /// The deadline, when there is one.
    pub due: Option<NaiveDate>,
}

impl Finding {
    fn new(rule: &Rule, org: &OrgFacts, severity: Severity, message: String) -> Finding {
        Finding {
            rule_id: rule.id,
            citation: rule.citation,
            title: rule.title,
            source: rule.source.clone(),
            org_id: org.org_id,
            period: None,
            severity,
            message,
            records: Vec::new(),
            member_id: None,
            fix: None,
            due: None,
        }
    }

    fn period(mut self, period: Period) -> Finding {
        self.period = Some(period);
        self
    }

    fn records(mut self, ids: impl IntoIterator<Item = i64>) -> Finding {
        self.records = sorted_ids(ids);
        self
    }

    fn fix(mut self, label: String, record_kind: Option<MeetingKind>, date_hint: Option<NaiveDate>) -> Finding {
        self.fix = Some(FixLink { label, record_kind, date_hint, record_id: None });
        self
    }

    fn fix_record(mut self, label: String, record: &RecordFact) -> Finding {
        self.fix = Some(FixLink {
            label,
            record_kind: Some(record.kind),
            date_hint: Some(record.date),
            record_id: Some(record.id),
        });
        self
    }

    fn due(mut self, due: NaiveDate) -> Finding {
        self.due = Some(due);
        self
    }
}

fn sorted_ids(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Days from `as_of` to `end` (negative when `end` is past).
fn days_until(as_of: NaiveDate, end: NaiveDate) -> i64 {
    (end - as_of).num_days()
}

/// What one evaluation looks at.
struct Ctx<'a> {
    org: &'a OrgFacts,
    /// Records dated on or before `as_of`, in a canonical order.
    records: Vec<&'a RecordFact>,
    year: i32,
    as_of: NaiveDate,
    notice_days: u32,
}

impl Ctx<'_> {
    fn within_notice(&self, end: NaiveDate) -> bool {
        let days = days_until(self.as_of, end);
        days >= 0 && days <= i64::from(self.notice_days)
    }
}

/// Applies `rules` to one org. `records` are the org's records (and, for CON-LAPSE, those of its
/// groups; for MTG-LESSON, any lecture its secretary gave). Periods are those of `year`; see the
/// module documentation for how `as_of` and `notice_days` decide between violation, warning,
/// upcoming and nothing. Findings come in the order of the rule set, then by period.
pub fn evaluate(
    rules: &RuleSet,
    org: &OrgFacts,
    records: &[RecordFact],
    year: i32,
    as_of: NaiveDate,
    notice_days: u32,
) -> Vec<Finding> {
    let mut sorted: Vec<&RecordFact> = records.iter().filter(|r| r.date <= as_of).collect();
    sorted.sort_by(|a, b| (a.date, a.id).cmp(&(b.date, b.id)).then_with(|| a.cmp(b)));
    let ctx = Ctx { org, records: sorted, year, as_of, notice_days };
    let mut out = Vec::new();
    for rule in rules.rules() {
        if !org.is_subject_to(rule) {
            continue;
        }
        match &rule.check {
            Check::Frequency { record, period, min_count, within, by_secretary, quorum } => {
                let f = Frequency {
                    record: *record,
                    period: *period,
                    min_count: *min_count,
                    within: *within,
                    by_secretary: *by_secretary,
                    quorum: *quorum,
                };
                check_frequency(rule, &f, &ctx, &mut out);
            }
            Check::CommitteeStructure { min_full_members, min_size, max_size } => {
                check_committee(rule, *min_full_members, *min_size, *max_size, &ctx, &mut out)
            }
            Check::BranchSize { min_full, max_members } => {
                check_branch_size(rule, *min_full, *max_members, &ctx, &mut out)
            }
            Check::TermLength { min_years, max_years } => {
                check_term_length(rule, *min_years, *max_years, &ctx, &mut out)
            }
            Check::Term { warn_months, grace_years } => check_renewal(rule, *warn_months, *grace_years, &ctx, &mut out),
            Check::Lapse { months } => check_lapse(rule, *months, &ctx, &mut out),
        }
    }
    out
}

struct Frequency {
    record: MeetingKind,
    period: PeriodKind,
    min_count: u32,
    within: Option<u32>,
    by_secretary: bool,
    quorum: Option<Quorum>,
}

impl Frequency {
    fn counts(&self, r: &RecordFact, org: &OrgFacts) -> bool {
        r.kind == self.record
            && if self.by_secretary {
                org.secretary_member_id.is_some() && r.lecturer_id == org.secretary_member_id
            } else {
                r.org_id == org.org_id
            }
    }

    /// "未召开支部委员会会议" / "仅召开1次党课，应至少2次" for `n` of the required count.
    fn shortfall(&self, n: usize) -> String {
        let min = self.min_count;
        if self.by_secretary {
            return if n == 0 {
                format!("书记未讲{}", self.record.label())
            } else {
                format!("书记仅讲{n}次{}，应至少{min}次", self.record.label())
            };
        }
        let (verb, label) = (self.record.verb(), self.record.label());
        match (n, min) {
            (0, 1) => format!("未{verb}{label}"),
            (0, _) => format!("未{verb}{label}，应至少{min}次"),
            _ => format!("仅{verb}{n}次{label}，应至少{min}次"),
        }
    }

    fn pending(&self, n: usize, due: NaiveDate) -> String {
        let (verb, label) =
            if self.by_secretary { ("讲", self.record.label()) } else { (self.record.verb(), self.record.label()) };
        let who = if self.by_secretary { "书记" } else { "" };
        let due = format_cn(due);
        if n == 0 {
            format!("{who}尚未{verb}{label}，应于{due}前{verb}")
        } else {
            let missing = u64::from(self.min_count).saturating_sub(n as u64);
            format!("{who}已{verb}{n}次{label}，还需{missing}次，应于{due}前完成")
        }
    }

    fn fix_label(&self, prefix: &str, period: &Period) -> String {
        let who = if self.by_secretary { "书记" } else { "" };
        format!("{prefix}{}{who}{}", period.short_label(), self.record.short_label())
    }
}

fn quarter_of(date: NaiveDate) -> u32 {
    Period::containing(PeriodKind::Quarter, date).index()
}

fn check_frequency(rule: &Rule, f: &Frequency, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let org = ctx.org;
    let min = usize::try_from(f.min_count).unwrap_or(usize::MAX);
    for p in Period::in_year(f.period, ctx.year) {
        if p.is_future(ctx.as_of) || !org.existed_throughout(&p) {
            continue;
        }
        let found: Vec<&RecordFact> =
            ctx.records.iter().copied().filter(|r| p.contains(r.date) && f.counts(r, org)).collect();
        let mut counted: Vec<&RecordFact> = Vec::new();
        let mut quorum_findings = Vec::new();
        for r in &found {
            let votes = r.voter_count();
            match f.quorum {
                Some(Quorum::MeetingNeedsHalf) if votes.expected > 0 && !votes.committee_quorum_met() => {
                    let message = format!(
                        "{}{}到会委员不足半数（应到{}人，实到{}人），会议不应召开，不计入会议次数",
                        format_cn(r.date),
                        r.kind.label(),
                        votes.expected,
                        votes.present
                    );
                    quorum_findings.push(quorum_finding(rule, org, p, r, message));
                }
                Some(Quorum::VoteNeedsHalf) if r.has_vote && votes.expected > 0 && !votes.assembly_quorum_met() => {
                    let message = format!(
                        "{}{}表决时有表决权的党员到会不足半数（应到{}人，实到{}人），表决无效",
                        format_cn(r.date),
                        r.kind.label(),
                        votes.expected,
                        votes.present
                    );
                    quorum_findings.push(quorum_finding(rule, org, p, r, message));
                    counted.push(r);
                }
                _ => counted.push(r),
            }
        }
        let looked_at = || found.iter().map(|r| r.id);
        let excluded = found.len() - counted.len();
        let n = counted.len();
        if n >= min {
            if let Some(q) = f.within
                && p.has_ended(ctx.as_of)
                && counted.iter().filter(|r| quarter_of(r.date) == q).count() < min
            {
                let numeral = quarter_numeral(q);
                let message = format!(
                    "{}{}未在第{numeral}季度{}，一般应安排在第{numeral}季度",
                    p.label(),
                    f.record.label(),
                    f.record.verb()
                );
                let window_start = Period::in_year(PeriodKind::Quarter, p.year())
                    .into_iter()
                    .find(|quarter| quarter.index() == q)
                    .map(|quarter| quarter.start());
                out.push(Finding::new(rule, org, Severity::Warning, message).period(p).records(looked_at()).fix(
                    format!("补录第{numeral}季度{}", f.record.short_label()),
                    Some(f.record),
                    window_start,
                ));
            }
        } else if p.has_ended(ctx.as_of) {
            let mut message = format!("{}{}", p.label(), f.shortfall(n));
            if excluded > 0 {
                message.push_str(&format!("（另有{excluded}次会议到会人数不足，不计入）"));
            }
            out.push(
                Finding::new(rule, org, rule.severity, message)
                    .period(p)
                    .records(looked_at())
                    .fix(f.fix_label("补录", &p), Some(f.record), Some(p.start()))
                    .due(p.end()),
            );
        } else if ctx.within_notice(p.end()) {
            let message = format!("{}{}", p.label(), f.pending(n, p.end()));
            out.push(
                Finding::new(rule, org, Severity::Upcoming, message)
                    .period(p)
                    .records(looked_at())
                    .fix(f.fix_label("录入", &p), Some(f.record), Some(ctx.as_of))
                    .due(p.end()),
            );
        }
        out.extend(quorum_findings);
    }
}

fn quorum_finding(rule: &Rule, org: &OrgFacts, p: Period, r: &RecordFact, message: String) -> Finding {
    let label = format!("核对{}{}出席情况", format_cn(r.date), r.kind.short_label());
    Finding::new(rule, org, Severity::Violation, message).period(p).records([r.id]).fix_record(label, r)
}

/// ORG-COMMITTEE.
fn check_committee(rule: &Rule, min_full: u32, min_size: u32, max_size: u32, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let org = ctx.org;
    if !org.exists_on(ctx.as_of) {
        return;
    }
    let full = org.full_members;
    let elect = || (format!("召开{}", MeetingKind::BranchAssembly.short_label()), Some(MeetingKind::BranchAssembly));
    if !org.has_committee {
        if full >= min_full {
            let message = format!("正式党员{full}名，达到{min_full}名以上，应设立支部委员会");
            let (verb, kind) = elect();
            out.push(Finding::new(rule, org, rule.severity, message).fix(format!("{verb}选举支部委员会"), kind, None));
        }
        return;
    }
    if full < min_full {
        let message = format!(
            "正式党员{full}名，不足{min_full}名的党支部不设支部委员会（设书记1名，必要时设副书记1名），换届时应调整"
        );
        out.push(Finding::new(rule, org, Severity::Warning, message).fix("调整组织设置".to_string(), None, None));
    } else if org.committee_posts < min_size {
        let message = format!("支部委员会现有委员{}名，少于{min_size}名，应及时补选", org.committee_posts);
        let (verb, kind) = elect();
        out.push(Finding::new(rule, org, rule.severity, message).fix(format!("{verb}补选支部委员"), kind, None));
    }
    if org.committee_posts > max_size {
        let message = format!("支部委员会现有委员{}名，一般不超过{max_size}名", org.committee_posts);
        out.push(Finding::new(rule, org, Severity::Warning, message).fix("调整组织设置".to_string(), None, None));
    }
}

/// ORG-BRANCH-MIN.
fn check_branch_size(rule: &Rule, min_full: u32, max_members: u32, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let org = ctx.org;
    if !org.exists_on(ctx.as_of) {
        return;
    }
    if org.full_members < min_full {
        let message =
            format!("正式党员{}名，少于{min_full}名，应调整组织设置（如与其他单位成立联合党支部）", org.full_members);
        out.push(Finding::new(rule, org, rule.severity, message).fix("调整组织设置".to_string(), None, None));
    }
    let total = org.total_members();
    if total > max_members {
        let message = format!("党员{total}名，超过{max_members}名，一般应分设党支部或成立党总支");
        out.push(Finding::new(rule, org, Severity::Warning, message).fix("调整组织设置".to_string(), None, None));
    }
}

fn election_fix(org: &OrgFacts) -> Option<MeetingKind> {
    (org.kind == OrgKind::Branch).then_some(MeetingKind::BranchAssembly)
}

/// ORG-TERM: the term is recorded and lasts between `min_years` and `max_years` (CON-TERM: a
/// violation outside); a term other than the usual one of the org's kind (5 years for a 基层党委,
/// 3 for a 总支 or 支部: "一般") is a warning.
fn check_term_length(rule: &Rule, min_years: u32, max_years: u32, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let org = ctx.org;
    if !org.exists_on(ctx.as_of) {
        return;
    }
    if org.term_start.is_none() {
        let message = "未录入本届委员会（书记）的选举日期，无法检查任期和换届".to_string();
        out.push(Finding::new(rule, org, Severity::Warning, message).fix(
            "录入换届选举情况".to_string(),
            election_fix(org),
            None,
        ));
    } else if !(min_years..=max_years).contains(&org.term_years) {
        let message = format!("本届任期为{}年，不符合每届{min_years}至{max_years}年的规定", org.term_years);
        out.push(Finding::new(rule, org, rule.severity, message).fix("更正任期年限".to_string(), None, None));
    } else if org.term_years != org.kind.usual_term_years() {
        // Within the constitution's range but not the usual term of the kind ("一般"): a warning.
        let usual = org.kind.usual_term_years();
        let who = if org.kind == OrgKind::Committee { "基层党委" } else { "党总支、党支部委员会" };
        let message = format!("{who}每届任期一般为{usual}年，本届任期为{}年，请核对或注明上级批准", org.term_years);
        out.push(Finding::new(rule, org, Severity::Warning, message).fix("更正任期年限".to_string(), None, None));
    }
}

/// ORG-RENEWAL. The term ends `term_years` after `term_start` (the anniversary of the election is
/// the first day of the new term). Reading of the rule:
/// - the term ends within `warn_months` months of `as_of` (the end on or before `as_of` plus
///   `warn_months` months) → upcoming: the higher level reminds the org 6 months ahead;
/// - the term has ended, and `as_of` is at most `grace_years` after the end → warning: a delay
///   of up to 1 year is allowed with the higher level's approval (ORG-RENEWAL, EL-ONTIME), which
///   the facts do not show, so the org is asked to hold the election or record the approval;
/// - more than `grace_years` after the end → violation: no approval can cover it.
fn check_renewal(rule: &Rule, warn_months: u32, grace_years: u32, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let org = ctx.org;
    let as_of = ctx.as_of;
    let Some(start) = org.term_start else { return };
    if !org.exists_on(as_of) || start > as_of {
        return;
    }
    let end = add_years(start, org.term_years);
    let grace_end = add_years(end, grace_years);
    let fix = |f: Finding, label: &str| f.fix(label.to_string(), election_fix(org), None);
    if as_of < end {
        if end <= add_months(as_of, warn_months) {
            let message = format!("本届任期将于{}届满，请做好换届准备", format_cn(end));
            out.push(fix(Finding::new(rule, org, Severity::Upcoming, message).due(end), "筹备换届选举"));
        }
    } else if as_of <= grace_end {
        let message = format!(
            "本届任期已于{}届满，应按期换届；经上级党组织批准延期的，延期一般不超过{grace_years}年（至{}）",
            format_cn(end),
            format_cn(grace_end)
        );
        out.push(fix(Finding::new(rule, org, Severity::Warning, message).due(grace_end), "录入换届选举"));
    } else {
        let message = format!("本届任期已于{}届满，逾期超过{grace_years}年仍未换届", format_cn(end));
        out.push(fix(Finding::new(rule, org, rule.severity, message).due(grace_end), "录入换届选举"));
    }
}

/// A member's attendance in one calendar month.
#[derive(Default)]
struct MonthAttendance {
    /// Present, or excused (a good reason), at some meeting of the month.
    attended: bool,
    /// Records the member missed without excuse.
    absent: Vec<i64>,
}

/// CON-LAPSE. Reading: a member lapses when, in each of `months` consecutive calendar months, they
/// were expected at one or more meetings (any kind of organizational-life record passed in) and
/// missed all of them without excuse. Attending any meeting, or an excused absence (请假, a good
/// reason), breaks the run; so does a month in which the member was expected at no meeting (the
/// member had no life to miss, and the org's missing meetings are findings of their own). Only
/// months that have ended on `as_of` count. A run is reported when the months from the one that
/// completes it to its last overlap `year`. The open month gives an upcoming finding when the run
/// lacks only that month and it ends within the notice days.
fn check_lapse(rule: &Rule, months: u32, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let org = ctx.org;
    if !org.exists_on(ctx.as_of) {
        return;
    }
    let required = usize::try_from(months.max(1)).unwrap_or(usize::MAX);
    let mut by_member: BTreeMap<i64, BTreeMap<NaiveDate, MonthAttendance>> = BTreeMap::new();
    for r in &ctx.records {
        let month = Period::containing(PeriodKind::Month, r.date).start();
        for a in r.attendance.iter().filter(|a| !a.guest) {
            let entry = by_member.entry(a.member_id).or_default().entry(month).or_default();
            match a.attendance {
                Attendance::Present | Attendance::Excused => entry.attended = true,
                Attendance::Absent => entry.absent.push(r.id),
            }
        }
    }
    let current = Period::containing(PeriodKind::Month, ctx.as_of);
    for (member_id, member_months) in &by_member {
        let mut run: Vec<(Period, &[i64])> = Vec::new();
        for (start, month) in member_months {
            let p = Period::containing(PeriodKind::Month, *start);
            if !p.has_ended(ctx.as_of) {
                continue;
            }
            let continues = run.last().is_some_and(|(last, _)| last.next() == Some(p));
            if month.attended || !continues {
                report_lapse(rule, ctx, *member_id, &run, required, out);
                run.clear();
            }
            if !month.attended {
                run.push((p, &month.absent));
            }
        }
        report_lapse(rule, ctx, *member_id, &run, required, out);
        // Upcoming: the run lacks only the open month.
        let attended_now = member_months.get(&current.start()).is_some_and(|m| m.attended);
        if required >= 2
            && run.len() == required - 1
            && run.last().map(|(p, _)| p.next()) == Some(Some(current))
            && !attended_now
            && current.year() == ctx.year
            && ctx.within_notice(current.end())
        {
            let message = format!(
                "党员（编号{member_id}）已连续{}个月无正当理由未参加党的组织生活，{}仍不参加将满{months}个月",
                run.len(),
                current.label()
            );
            out.push(
                Finding::new(rule, org, Severity::Upcoming, message)
                    .period(current)
                    .records(run.iter().flat_map(|(_, ids)| ids.iter().copied()))
                    .member(*member_id)
                    .due(current.end()),
            );
        }
    }
}

fn report_lapse(
    rule: &Rule,
    ctx: &Ctx<'_>,
    member_id: i64,
    run: &[(Period, &[i64])],
    required: usize,
    out: &mut Vec<Finding>,
) {
    let (Some((first, _)), Some((completed, _)), Some((last, _))) =
        (run.first(), run.get(required.saturating_sub(1)), run.last())
    else {
        return;
    };
    if run.len() < required || !(completed.year() <= ctx.year && ctx.year <= last.year()) {
        return;
    }
    let message = format!(
        "党员（编号{member_id}）{}至{}连续{}个月无正当理由未参加党的组织生活，按党章规定应视为自行脱党，请核实后提交支部党员大会讨论",
        first.label(),
        last.label(),
        run.len()
    );
    out.push(
        Finding::new(rule, ctx.org, rule.severity, message)
            .period(*completed)
            .records(run.iter().flat_map(|(_, ids)| ids.iter().copied()))
            .member(member_id)
            .fix("召开党员大会讨论处置".to_string(), Some(MeetingKind::BranchAssembly), None),
    );
}

impl Finding {
    fn member(mut self, member_id: i64) -> Finding {
        self.member_id = Some(member_id);
        self
    }
}
