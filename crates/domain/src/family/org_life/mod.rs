//! The organizational-life family (组织生活): how often each kind of meeting is held (MTG-*), the
//! quorum of those that need one, the local rule sets a committee may switch on, and CON-LAPSE.
//!
//! | ID | check | severity |
//! |---|---|---|
//! | MTG-ASSEMBLY | 党员大会 ≥1 per quarter; vote quorum ≥½ (branches) | warning ("一般") |
//! | MTG-COMMITTEE | 支委会 ≥1 per month; quorum ≥½ (branches with a committee in the period) | warning ("一般") |
//! | MTG-GROUP | 党小组会 ≥1 per month (groups) | warning ("一般") |
//! | MTG-THEME-DAY | 主题党日 ≥1 per month (branches) | violation |
//! | MTG-ORG-LIFE | 组织生活会 ≥1 per year, generally in Q4 (branches) | violation |
//! | MTG-EVAL | 民主评议党员 ≥1 per year (branches) | warning ("一般") |
//! | MTG-TALK | 谈心谈话 ≥1 per year (branches) | warning ("一般") |
//! | MTG-LESSON | the 党委 secretary lectures ≥1 per year (committees with a secretary) | violation |
//! | SANZHONG-YIDA | 三重一大 decided at a quorate committee meeting; kept when written ([`crate::major_decision`]) | violation |
//! | REPORT-ONE-MATTER | a request from below answered within the deadline (30 days, may be shortened) | warning |
//! | CON-LAPSE | 6 consecutive months of no organizational life, no dues or no assigned work (branches) | violation |
//!
//! Local rule sets ([`local`]): LOCAL-LESSON-QUARTER, STUDY-GROUP, STUDY-FIRST-TOPIC, SZK-LECTURE (per
//! semester, [`semester`]), IDEOLOGY-RESP.
//!
//! The quarterly 党课 for branches is not here: it is UNVERIFIED as national (rules.md §11.2); see
//! [`local_quarterly_lesson`].
//!
//! **Time.** Records dated after `as_of` are ignored. Periods are checked one by one within the
//! requested year, each by the version of the rule in force on its first day:
//! - a period that has ended (its last day lies before `as_of`) gives a finding of the rule's
//!   severity when its requirement was not met, and a [`RequirementStatus`] either way;
//! - the period still open on `as_of` gives a [`Severity::Upcoming`] finding when the requirement is
//!   not met yet and the period ends within the notice days (on its last day it is still open);
//! - future periods give nothing.
//!
//! **Facts on their own dates.** A condition of a rule (a committee in office for MTG-COMMITTEE, a
//! secretary for MTG-LESSON) is read on the period's last day (on `as_of` for the open period): a
//! branch that elects its first committee in July owes no 支委会 for January–June, and owes July's.
//! A lecture counts for MTG-LESSON when its lecturer was the org's secretary on the lecture's date.
//!
//! **Part of a period.** An org set up or closed during a period is judged for the part it existed
//! (pro rata): the count required is the rule's count times the share of the period's days on which
//! the org existed, rounded half up; a period whose share rounds to nothing is not judged. The
//! finding says so. The quarter window of MTG-ORG-LIFE is judged only when the org existed through
//! that whole quarter.
//!
//! The exception is a quorum failure (MTG-ASSEMBLY, MTG-COMMITTEE): a fact about a meeting already
//! held, reported as a violation as soon as the record exists.

mod lapse;
mod requests;
mod semester;
mod votes;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::compliance::RequirementStatus;
use crate::dates::format_cn;
use crate::family::OrgFacts;
use crate::findings::{Evaluation, Finding, FixLink, RecordRef, Subject, When, pages};
use crate::org::UnitKind;
use crate::org_life::{Attendee, MeetingKind, VotePurpose, VoterCount, Votes, voter_count};
use crate::period::{Period, PeriodKind, quarter_numeral};
use crate::rules::{Condition, FamilyId, Loosening, Param, Rule, RuleCheck, RuleSet, Severity, Weaker};
use crate::semester::Semester;

pub const FAMILY: FamilyId = FamilyId { id: "org_life", label: "组织生活" };

/// How a meeting's quorum is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quorum {
    /// MTG-ASSEMBLY: a vote needs half or more of the voting members present. A meeting without
    /// the quorum still counts as held, but its vote is flagged.
    VoteNeedsHalf,
    /// MTG-COMMITTEE: the meeting itself needs half or more of its members present. A meeting
    /// without the quorum is flagged and does not count.
    MeetingNeedsHalf,
}

/// What an organizational-life rule checks, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Check {
    /// At least `min_count` records of kind `record` in every `period` (MTG-*).
    Frequency {
        record: MeetingKind,
        period: PeriodKind,
        min_count: u32,
        /// The quarter of the year (1–4) in which the records are generally held: a period whose
        /// records all lie outside it gives a warning (MTG-ORG-LIFE: Q4).
        within: Option<u32>,
        /// Count only records whose lecturer was the org's secretary on the record's date, in any
        /// org (MTG-LESSON); otherwise count the org's own records.
        by_secretary: bool,
        quorum: Option<Quorum>,
    },
    /// CON-LAPSE: `months` consecutive months of any one of its three conditions.
    Lapse { months: u32 },
    /// DEV-ASM-QUORUM / EL-QUORUM: a 党员大会 vote of `purpose` without its own quorum is void.
    VoteQuorum { purpose: VotePurpose },
    /// STUDY-FIRST-TOPIC (local): a record of kind `record` names the 第一议题 studied first;
    /// enforced when the record is written.
    FirstTopic { record: MeetingKind },
    /// SZK-LECTURE (local): in every semester of the committee's calendar (the usual one when it
    /// keeps none), a record of kind `record` given by the org's secretary on its day, and one
    /// marked as given by the principal. See [`semester`].
    PerSemester { record: MeetingKind, semesters: Vec<Semester> },
    /// SANZHONG-YIDA: a 三重一大 matter is decided at a `record` with its quorum; kept when the
    /// matter is written ([`crate::major_decision::check`]).
    CollectiveDecision { record: MeetingKind },
    /// REPORT-ONE-MATTER: a request (请示) pending with this org is answered within `days` of
    /// reaching it; a finding for the superior otherwise (see [`requests`]).
    AnswerWithin { days: u32 },
}

impl Check {
    /// The frequency check of the meeting rules, without window, lecturer condition or quorum.
    pub fn frequency(record: MeetingKind, period: PeriodKind, min_count: u32) -> Check {
        Check::Frequency { record, period, min_count, within: None, by_secretary: false, quorum: None }
    }

    fn with_quorum(self, q: Quorum) -> Check {
        match self {
            Check::Frequency { record, period, min_count, within, by_secretary, .. } => {
                Check::Frequency { record, period, min_count, within, by_secretary, quorum: Some(q) }
            }
            other => other,
        }
    }
}

impl RuleCheck for Check {
    const FAMILY: FamilyId = FAMILY;

    fn same_kind(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// Frequencies count the same thing when they count the same records.
    fn same_requirement(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Check::Frequency { record: lr, by_secretary: ls, .. },
                Check::Frequency { record: er, by_secretary: es, .. },
            ) => lr == er && ls == es,
            (l, e) => l.same_kind(e),
        }
    }

    fn at_least_as_strict(&self, other: &Self) -> Result<(), Weaker> {
        let loosens = |what| Err(Weaker::Loosens(what));
        match (self, other) {
            (
                Check::Frequency { record: lr, period: lp, min_count: lm, within: lw, by_secretary: ls, quorum: lq },
                Check::Frequency { record: er, period: ep, min_count: em, within: ew, by_secretary: es, quorum: eq },
            ) => {
                if lr != er || ls != es {
                    return loosens(Loosening::Record);
                }
                // Periods are 1, 2, 3, 6 or 12 months. A shorter period is stricter when its count,
                // times the whole shorter periods every longer one contains, still reaches the
                // longer period's count: 1 a month is at least 1 a quarter; 1 every two months is
                // at least 1 a quarter (each quarter holds one whole two-month period: Jan–Feb,
                // May–Jun, Jul–Aug, Nov–Dec); 4 a year is not 1 a quarter (all four may fall in
                // one quarter).
                if lp.months() > ep.months() {
                    return loosens(Loosening::Period);
                }
                let ratio = u64::from(ep.months() / lp.months());
                if u64::from(*lm) * ratio < u64::from(*em) {
                    return loosens(Loosening::MinCount);
                }
                if ew.is_some() && lw != ew {
                    return loosens(Loosening::Window);
                }
                if eq.is_some() && lq != eq {
                    return loosens(Loosening::Quorum);
                }
                Ok(())
            }
            // CON-LAPSE: the 6 months are the constitution's definition of 自行脱党, not a frequency a
            // committee may tighten; they may not change in either direction.
            (Check::Lapse { months: lm }, Check::Lapse { months: em }) if lm != em => Err(Weaker::Fixed),
            (Check::Lapse { .. }, Check::Lapse { .. }) => Ok(()),
            // The quorum of a vote is the regulation's; another purpose is another requirement.
            (Check::VoteQuorum { purpose: l }, Check::VoteQuorum { purpose: e }) if l != e => {
                loosens(Loosening::Record)
            }
            (Check::VoteQuorum { .. }, Check::VoteQuorum { .. }) => Ok(()),
            (Check::FirstTopic { record: l }, Check::FirstTopic { record: e }) if l != e => loosens(Loosening::Record),
            (Check::FirstTopic { .. }, Check::FirstTopic { .. }) => Ok(()),
            // The calendar is the committee's own fact, not a strictness: only the record counts.
            (Check::PerSemester { record: l, .. }, Check::PerSemester { record: e, .. }) if l != e => {
                loosens(Loosening::Record)
            }
            (Check::PerSemester { .. }, Check::PerSemester { .. }) => Ok(()),
            (Check::CollectiveDecision { record: l }, Check::CollectiveDecision { record: e }) if l != e => {
                loosens(Loosening::Record)
            }
            (Check::CollectiveDecision { .. }, Check::CollectiveDecision { .. }) => Ok(()),
            // Fewer days is stricter.
            (Check::AnswerWithin { days: l }, Check::AnswerWithin { days: e }) if l > e => loosens(Loosening::MinCount),
            (Check::AnswerWithin { .. }, Check::AnswerWithin { .. }) => Ok(()),
            _ => loosens(Loosening::CheckKind),
        }
    }

    fn well_formed(&self) -> Result<(), &'static str> {
        match *self {
            Check::Frequency { min_count: 0, .. } => Err("次数应至少为1"),
            Check::AnswerWithin { days: 0 } => Err("答复期限应至少为1天"),
            Check::Frequency { within: Some(q), .. } if !(1..=4).contains(&q) => Err("季度应为1至4"),
            _ => Ok(()),
        }
    }

    fn params(&self) -> Vec<Param> {
        if let Check::PerSemester { record, semesters } = self {
            return semester::params(*record, semesters);
        }
        match *self {
            Check::Frequency { record, period, min_count, within, by_secretary, quorum } => {
                let mut p = vec![
                    Param::new("record", "记录", record.label()),
                    Param::new("period", "周期", period.label()),
                    Param::new("min_count", "最少次数", min_count),
                ];
                if let Some(q) = within {
                    p.push(Param::new("within", "一般安排在", format!("第{}季度", quarter_numeral(q))));
                }
                if by_secretary {
                    p.push(Param::new("by_secretary", "讲授人", "书记本人"));
                }
                match quorum {
                    Some(Quorum::VoteNeedsHalf) => p.push(Param::new("quorum", "表决到会", "有表决权的党员半数以上")),
                    Some(Quorum::MeetingNeedsHalf) => p.push(Param::new("quorum", "会议到会", "委员半数以上")),
                    None => {}
                }
                p
            }
            Check::Lapse { months } => vec![Param::new("months", "连续月数", months)],
            Check::VoteQuorum { purpose } => {
                let quorum = match purpose {
                    VotePurpose::Election => "有选举权的党员超过五分之四",
                    VotePurpose::Ordinary => "有表决权的党员半数以上",
                    _ => "有表决权的党员超过半数",
                };
                vec![Param::new("purpose", "表决事项", purpose.label()), Param::new("quorum", "到会", quorum)]
            }
            Check::FirstTopic { record } => vec![Param::new("record", "记录", record.label())],
            Check::PerSemester { .. } => Vec::new(),
            Check::AnswerWithin { days } => vec![Param::new("days", "答复期限（天）", days)],
            Check::CollectiveDecision { record } => vec![
                Param::new("record", "决定会议", record.label()),
                Param::new("quorum", "会议到会", "委员半数以上"),
                Param::new("large_sum", "大额资金标准", "由党委设定（sanzhong.large_sum_yuan）"),
            ],
        }
    }

    fn with_param(&self, name: &str, value: u32) -> Option<Self> {
        match (self, name) {
            (Check::Frequency { record, period, within, by_secretary, quorum, .. }, "min_count") => {
                Some(Check::Frequency {
                    record: *record,
                    period: *period,
                    min_count: value,
                    within: *within,
                    by_secretary: *by_secretary,
                    quorum: *quorum,
                })
            }
            (Check::AnswerWithin { .. }, "days") => Some(Check::AnswerWithin { days: value }),
            _ => None,
        }
    }
}

mod national;
pub use national::{national, national_rules};

mod local;
pub use local::*;

/// One organizational-life record, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RecordFact {
    pub id: i64,
    /// The org that held it. Frequencies count only the evaluated org's own records; CON-LAPSE
    /// reads every record passed (so a branch's evaluation includes its groups' meetings).
    pub org_id: i64,
    pub kind: MeetingKind,
    pub date: NaiveDate,
    /// Everyone expected, with their attendance; probationary members are marked.
    pub attendance: Vec<Attendee>,
    /// Who gave the lecture (党课), for MTG-LESSON.
    pub lecturer_id: Option<i64>,
    /// A 思政课 given by the school's principal (SZK-LECTURE).
    pub by_principal: bool,
    /// Whether a vote was taken (for the MTG-ASSEMBLY quorum).
    pub has_vote: bool,
    /// The votes taken, each with its purpose and counts: each is judged by its own quorum
    /// (MTG-ASSEMBLY, DEV-ASM-QUORUM, EL-QUORUM). Empty for a vote recorded without resolutions,
    /// which is judged by the attendance and the ordinary quorum.
    pub votes: Vec<VoteFact>,
}

/// One vote of a record: what it decided and its counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct VoteFact {
    pub purpose: VotePurpose,
    pub voters_expected: u32,
    pub voters_present: u32,
    pub yes: u32,
}

impl VoteFact {
    fn votes(&self) -> Votes {
        Votes {
            voters_expected: self.voters_expected,
            voters_present: self.voters_present,
            yes: self.yes,
            no: 0,
            abstain: 0,
        }
    }
}

impl RecordFact {
    /// A record without attendance, lecturer or vote.
    pub fn new(id: i64, org_id: i64, kind: MeetingKind, date: NaiveDate) -> RecordFact {
        RecordFact {
            id,
            org_id,
            kind,
            date,
            attendance: Vec::new(),
            lecturer_id: None,
            by_principal: false,
            has_vote: false,
            votes: Vec::new(),
        }
    }

    /// The voters of this record's attendance (CON-PROB-RIGHTS).
    pub fn voter_count(&self) -> VoterCount {
        voter_count(&self.attendance)
    }

    fn reference(&self) -> RecordRef {
        RecordRef::meeting(self.id)
    }
}

/// The facts of the organizational-life family for one org, besides [`OrgFacts`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LifeFacts {
    /// The org's records (for a branch, also its groups'; for MTG-LESSON, every lecture its
    /// secretaries gave anywhere).
    pub records: Vec<RecordFact>,
    /// CON-LAPSE's other two conditions, by member: the months (their first days) in which the
    /// member paid no dues (from the dues family; empty until it lands) …
    pub unpaid_dues: BTreeMap<i64, BTreeSet<NaiveDate>>,
    /// … and those in which the member did not do the work the party assigned (a recorded fact).
    pub no_assigned_work: BTreeMap<i64, BTreeSet<NaiveDate>>,
    /// Requests (请示) from the orgs below pending with this org on the day checked
    /// (REPORT-ONE-MATTER).
    pub requests: Vec<PendingRequest>,
}

/// A request pending with the org: since when, and what it asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingRequest {
    pub id: i64,
    pub received_on: NaiveDate,
    pub title: String,
    pub from_org_name: String,
}

impl LifeFacts {
    pub fn of(records: Vec<RecordFact>) -> LifeFacts {
        LifeFacts { records, ..LifeFacts::default() }
    }
}

/// What one evaluation looks at.
struct Ctx<'a> {
    org: &'a OrgFacts,
    /// Records dated on or before `as_of`, in a canonical order.
    records: Vec<&'a RecordFact>,
    when: When,
}

/// Applies the organizational-life rules to one org. See the module documentation for how
/// `as_of` and the notice days decide between violation, warning, upcoming and nothing. Findings
/// come in the order of the rule set, then by period.
pub fn evaluate(rules: &RuleSet<Check>, org: &OrgFacts, facts: &LifeFacts, when: &When) -> Evaluation {
    let mut sorted: Vec<&RecordFact> = facts.records.iter().filter(|r| r.date <= when.as_of).collect();
    sorted.sort_by(|a, b| (a.date, a.id).cmp(&(b.date, b.id)).then_with(|| a.cmp(b)));
    let ctx = Ctx { org, records: sorted, when: *when };
    let mut out = Evaluation::default();
    for rule in rules.rules() {
        if !rule.applies_to.org_kinds.contains(&org.kind) {
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
            Check::Lapse { months } => {
                if rule.in_force_on(when.as_of) {
                    lapse::check_lapse(rule, *months, &ctx, facts, &mut out.findings)
                }
            }
            Check::VoteQuorum { purpose } => votes::check_vote_quorum(rule, *purpose, &ctx, &mut out.findings),
            // Kept when the record is written (services::org_life refuses a record without it).
            Check::FirstTopic { .. } => {}
            // Kept when the matter is written (services::major_decisions refuses it otherwise).
            Check::CollectiveDecision { .. } => {}
            Check::AnswerWithin { days } => {
                requests::check_answers(rule, *days, &facts.requests, &ctx, &mut out.findings)
            }
            Check::PerSemester { record, semesters } => {
                semester::check_semesters(rule, *record, semesters, &ctx, &mut out.findings)
            }
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
                r.lecturer_id.is_some() && r.lecturer_id == org.secretary_on(r.date)
            } else {
                r.org_id == org.org_id
            }
    }

    /// "未召开支部委员会会议" / "仅召开1次党课，应至少2次" for `n` of `min` required.
    fn shortfall(&self, n: usize, min: u32) -> String {
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

    fn pending(&self, n: usize, min: u32, due: NaiveDate) -> String {
        let (verb, label) =
            if self.by_secretary { ("讲", self.record.label()) } else { (self.record.verb(), self.record.label()) };
        let who = if self.by_secretary { "书记" } else { "" };
        let due = format_cn(due);
        if n == 0 {
            format!("{who}尚未{verb}{label}，应于{due}前{verb}")
        } else {
            let missing = u64::from(min).saturating_sub(n as u64);
            format!("{who}已{verb}{n}次{label}，还需{missing}次，应于{due}前完成")
        }
    }

    fn fix(&self, org: &OrgFacts, prefix: &str, period: &Period, date: NaiveDate) -> FixLink {
        let who = if self.by_secretary { "书记" } else { "" };
        let label = format!("{prefix}{}{who}{}", period.short_label(), self.record.short_label());
        FixLink::new_meeting(label, org.org_id, self.record.as_str(), Some(date))
    }
}

fn quarter_of(date: NaiveDate) -> u32 {
    Period::containing(PeriodKind::Quarter, date).index()
}

/// The count a period requires of an org that existed on `existed` of its `days` days: `min`
/// times the share, rounded half up (all of `min` when it existed throughout).
fn pro_rata(min: u32, existed: i64, days: i64) -> u32 {
    if existed >= days || days <= 0 {
        return min;
    }
    let num = i64::from(min) * existed * 2 + days;
    u32::try_from(num / (2 * days)).unwrap_or(min)
}

/// Whether the conditions of `rule` hold for the org on `day`.
fn conditions_hold(rule: &Rule<Check>, org: &OrgFacts, day: NaiveDate) -> bool {
    rule.applies_to.conditions.iter().all(|c| match c {
        Condition::HasCommittee => org.committee_on(day),
        Condition::HasSecretary => org.secretary_on(day).is_some(),
        Condition::InSchool => matches!(org.unit_kind, UnitKind::PublicSchool | UnitKind::PrivateSchool),
    })
}

fn check_frequency(rule: &Rule<Check>, f: &Frequency, ctx: &Ctx<'_>, out: &mut Evaluation) {
    let org = ctx.org;
    let as_of = ctx.when.as_of;
    for p in Period::in_year(f.period, ctx.when.year) {
        if p.is_future(as_of) || !rule.in_force_on(p.start()) {
            continue;
        }
        let existed = org.days_existed(&p);
        let min = pro_rata(f.min_count, existed, p.days());
        if existed == 0 || min == 0 {
            continue;
        }
        let condition_day = if p.has_ended(as_of) { p.end() } else { as_of };
        if !conditions_hold(rule, org, condition_day) {
            continue;
        }
        let found: Vec<&RecordFact> =
            ctx.records.iter().copied().filter(|r| p.contains(r.date) && f.counts(r, org)).collect();
        let mut counted: Vec<&RecordFact> = Vec::new();
        let mut quorum_findings = Vec::new();
        for r in &found {
            // Counting voters walks the attendance: only rules with a quorum need it.
            let votes = if f.quorum.is_some() { r.voter_count() } else { VoterCount::default() };
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
                // Votes recorded with their purpose: the ordinary ones need MTG-ASSEMBLY's half;
                // the others are judged by their own rules (check_vote_quorum).
                Some(Quorum::VoteNeedsHalf)
                    if r.votes.iter().any(|v| {
                        v.purpose == VotePurpose::Ordinary && !v.votes().quorum_met_for(VotePurpose::Ordinary)
                    }) =>
                {
                    let v = r.votes.iter().find(|v| v.purpose == VotePurpose::Ordinary).copied().unwrap_or(VoteFact {
                        purpose: VotePurpose::Ordinary,
                        voters_expected: votes.expected,
                        voters_present: votes.present,
                        yes: 0,
                    });
                    let message = format!(
                        "{}{}表决时有表决权的党员到会不足半数（应到{}人，实到{}人），表决无效",
                        format_cn(r.date),
                        r.kind.label(),
                        v.voters_expected,
                        v.voters_present
                    );
                    quorum_findings.push(quorum_finding(rule, org, p, r, message));
                    counted.push(r);
                }
                Some(Quorum::VoteNeedsHalf)
                    if r.has_vote && r.votes.is_empty() && votes.expected > 0 && !votes.assembly_quorum_met() =>
                {
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
        let looked_at = || found.iter().map(|r| r.reference());
        let excluded = found.len() - counted.len();
        let n = counted.len();
        let partial = existed < p.days();
        let pro_rata_note = || {
            if partial {
                format!("（本组织该期间存续{existed}天，按存续期间折算应至少{min}次）")
            } else {
                String::new()
            }
        };
        let met = n >= min as usize;
        if p.has_ended(as_of) {
            out.statuses.push(RequirementStatus {
                rule_id: rule.id,
                period: p,
                required: min,
                held: u32::try_from(n).unwrap_or(u32::MAX),
                met,
            });
        }
        if met {
            let window = f.within.and_then(|q| {
                Period::in_year(PeriodKind::Quarter, p.year()).into_iter().find(|quarter| quarter.index() == q)
            });
            if let (Some(window), Some(q)) = (window, f.within)
                && p.has_ended(as_of)
                && org.existed_throughout(&window)
                && counted.iter().filter(|r| quarter_of(r.date) == q).count() < min as usize
            {
                let numeral = quarter_numeral(q);
                let message = format!(
                    "{}{}未在第{numeral}季度{}，一般应安排在第{numeral}季度",
                    p.label(),
                    f.record.label(),
                    f.record.verb()
                );
                let fix = FixLink::new_meeting(
                    format!("补录第{numeral}季度{}", f.record.short_label()),
                    org.org_id,
                    f.record.as_str(),
                    Some(window.start()),
                );
                out.findings.push(
                    Finding::new(rule, org.org_id, Severity::Warning, message).period(p).records(looked_at()).fix(fix),
                );
            }
        } else if p.has_ended(as_of) {
            let mut message = format!("{}{}{}", p.label(), f.shortfall(n, min), pro_rata_note());
            if excluded > 0 {
                message.push_str(&format!("（另有{excluded}次会议到会人数不足，不计入）"));
            }
            out.findings.push(
                Finding::new(rule, org.org_id, rule.severity, message)
                    .period(p)
                    .records(looked_at())
                    .fix(f.fix(org, "补录", &p, p.start()))
                    .due(p.end()),
            );
        } else if ctx.when.within_notice(p.end()) {
            let message = format!("{}{}{}", p.label(), f.pending(n, min, p.end()), pro_rata_note());
            out.findings.push(
                Finding::new(rule, org.org_id, Severity::Upcoming, message)
                    .period(p)
                    .records(looked_at())
                    .fix(f.fix(org, "录入", &p, as_of))
                    .due(p.end()),
            );
        }
        out.findings.extend(quorum_findings);
    }
}

fn quorum_finding(rule: &Rule<Check>, org: &OrgFacts, p: Period, r: &RecordFact, message: String) -> Finding {
    let label = format!("核对{}{}出席情况", format_cn(r.date), r.kind.short_label());
    Finding::new(rule, org.org_id, Severity::Violation, message)
        .subject(Subject::Record { record: r.reference() })
        .period(p)
        .records([r.reference()])
        .fix(FixLink::to(label, pages::MEETING).param("id", r.id))
}
