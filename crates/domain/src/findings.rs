//! Findings (提醒): what the rules engine finds, whatever the family.
//!
//! A [`Finding`] names its rule (ID, citation, title, family and where the rule came from), its
//! **subject** (an org, a member, a person in recruitment, a transfer, a record), the org that
//! must act, the period or the due date, the records behind it (typed: which kind of record and
//! which id), and a [`FixLink`] that names a page and its parameters ("补录3月支委会" → the new
//! meeting page for March). The web layer turns the page into an address; nothing here knows
//! URLs.
//!
//! Families evaluate pure facts for an explicit `as_of` ([`When`]) and never read the clock; the
//! same inputs give the same findings, in the same order, on any machine (design.md principle 3).

use chrono::NaiveDate;
use serde::Serialize;

use crate::compliance::RequirementStatus;
use crate::dates::format_iso;
use crate::period::Period;
use crate::rules::{FamilyId, Rule, RuleCheck, RuleSource, Severity};

/// A record behind a finding: which kind of record ("meeting") and which id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RecordRef {
    pub kind: &'static str,
    pub id: i64,
}

impl RecordRef {
    /// A meeting record (组织生活记录).
    pub fn meeting(id: i64) -> RecordRef {
        RecordRef { kind: "meeting", id }
    }

    /// A request or report (请示报告).
    pub fn major_matter_report(id: i64) -> RecordRef {
        RecordRef { kind: "major_matter_report", id }
    }

    /// A unit of the committee's registry (COVER-PRIVATE).
    pub fn unit(id: i64) -> RecordRef {
        RecordRef { kind: "unit", id }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Subject {
    /// An org's own duty (a meeting not held, a committee not set up).
    Org { id: i64 },
    /// One member (CON-LAPSE, a probation ended without a decision).
    Member { id: i64 },
    /// A person in recruitment (入党申请人, 积极分子, 发展对象).
    Candidate { id: i64 },
    /// A transfer of membership (组织关系转接).
    Transfer { id: i64 },
    /// One record (a meeting whose quorum failed).
    Record { record: RecordRef },
}

impl Subject {
    /// A stable key: "org:12", "member:345", "meeting:7". Explanations (情况说明) are kept by it.
    pub fn key(&self) -> String {
        match self {
            Self::Org { id } => format!("org:{id}"),
            Self::Member { id } => format!("member:{id}"),
            Self::Candidate { id } => format!("candidate:{id}"),
            Self::Transfer { id } => format!("transfer:{id}"),
            Self::Record { record } => format!("{}:{}", record.kind, record.id),
        }
    }

    /// The subject of a key made by [`Subject::key`]; `None` for anything else. A record key
    /// names a kind of record this engine knows ("meeting").
    pub fn parse_key(key: &str) -> Option<Subject> {
        let (kind, id) = key.split_once(':')?;
        if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let id: i64 = id.parse().ok()?;
        Some(match kind {
            "org" => Subject::Org { id },
            "member" => Subject::Member { id },
            "candidate" => Subject::Candidate { id },
            "transfer" => Subject::Transfer { id },
            "meeting" => Subject::Record { record: RecordRef::meeting(id) },
            "major_matter_report" => Subject::Record { record: RecordRef::major_matter_report(id) },
            "unit" => Subject::Record { record: RecordRef::unit(id) },
            _ => return None,
        })
    }

    /// The member, when the subject is one.
    pub fn member_id(&self) -> Option<i64> {
        match self {
            Self::Member { id } => Some(*id),
            _ => None,
        }
    }
}

/// The pages a fix link may name, with the parameters each takes. The web layer maps every one
/// to an address (a test checks that none is left out).
pub mod pages {
    /// Record a new meeting: `org`, `kind` (a meeting kind), `date`.
    pub const NEW_MEETING: &str = "meeting.new";
    /// One meeting record: `id`.
    pub const MEETING: &str = "meeting.show";
    /// An org's settings (structure, term): `org`.
    pub const ORG_EDIT: &str = "org.edit";
    /// An org's committee posts: `org`.
    pub const ORG_POSTS: &str = "org.posts";
    /// One member's record: `id`.
    pub const MEMBER: &str = "member.show";
    /// One member's dues, where payments and back payments are recorded: `id`.
    pub const DUES_MEMBER: &str = "dues.member";
    /// A branch's yearly dues publication: `org`, `year`.
    pub const DUES_PUBLISH: &str = "dues.publish";
    /// One transfer of membership, where it is accepted, returned or its receipt recorded: `id`.
    pub const TRANSFER: &str = "transfer.show";
    /// The form for a decision on a member's membership or a sanction: `id` (the member), and
    /// optionally `kind`, the decision proposed (CON-LAPSE proposes 自行脱党除名).
    pub const MEMBER_DECISION: &str = "member.decision";
    /// A mobile member's contact log, where a contact is recorded: `id` (the member).
    pub const MEMBER_CONTACTS: &str = "member.contacts";
    /// The form to issue a transfer of a member's membership: `id` (the member).
    pub const MEMBER_TRANSFER: &str = "member.transfer";
    /// A person in recruitment, where their next step is recorded: `id` (the person).
    pub const RECRUIT: &str = "recruit.show";
    /// One member's class hours of a year, with where they came from: `id` (the member), `year`.
    pub const MEMBER_HOURS: &str = "member.hours";
    /// One request or report (请示报告) with its thread, where the superior answers: `id`.
    pub const MAJOR_MATTER_REPORT: &str = "report.show";
    /// One unit of the registry, with what covers it: `id`.
    pub const UNIT: &str = "unit.show";
    pub const ALL: [&str; 15] = [
        NEW_MEETING,
        MEETING,
        ORG_EDIT,
        ORG_POSTS,
        MEMBER,
        DUES_MEMBER,
        DUES_PUBLISH,
        TRANSFER,
        MEMBER_DECISION,
        MEMBER_CONTACTS,
        MEMBER_TRANSFER,
        RECRUIT,
        MEMBER_HOURS,
        MAJOR_MATTER_REPORT,
        UNIT,
    ];
}

/// Where to go to fix a finding: a page of [`pages`] and its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixLink {
    /// "补录3月支委会".
    pub label: String,
    pub page: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl FixLink {
    pub fn to(label: impl Into<String>, page: &'static str) -> FixLink {
        FixLink { label: label.into(), page, params: Vec::new() }
    }

    pub fn param(mut self, name: &'static str, value: impl ToString) -> FixLink {
        self.params.push((name, value.to_string()));
        self
    }

    /// The value of parameter `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// Record a new meeting of `kind` for `org`, dated `date`.
    pub fn new_meeting(label: impl Into<String>, org: i64, kind: &str, date: Option<NaiveDate>) -> FixLink {
        let link = FixLink::to(label, pages::NEW_MEETING).param("org", org).param("kind", kind);
        match date {
            Some(d) => link.param("date", format_iso(d)),
            None => link,
        }
    }
}

/// What the rules engine found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule_id: &'static str,
    pub citation: &'static str,
    pub title: &'static str,
    pub family: FamilyId,
    /// The rule set the rule came from.
    pub source: RuleSource,
    pub subject: Subject,
    /// The org that must act.
    pub org_id: i64,
    pub period: Option<Period>,
    pub severity: Severity,
    /// What is wrong, in Chinese: "2025年3月未召开支部委员会会议".
    pub message: String,
    /// The records the rule looked at, ascending; empty when their absence is the finding.
    pub records: Vec<RecordRef>,
    pub fix: Option<FixLink>,
    /// The deadline, when there is one.
    pub due: Option<NaiveDate>,
}

impl Finding {
    /// A finding of `rule` about the org `org_id`'s own duty.
    pub fn new<C: RuleCheck>(rule: &Rule<C>, org_id: i64, severity: Severity, message: String) -> Finding {
        Finding {
            rule_id: rule.id,
            citation: rule.citation,
            title: rule.title,
            family: C::FAMILY,
            source: rule.source.clone(),
            subject: Subject::Org { id: org_id },
            org_id,
            period: None,
            severity,
            message,
            records: Vec::new(),
            fix: None,
            due: None,
        }
    }

    pub fn subject(mut self, subject: Subject) -> Finding {
        self.subject = subject;
        self
    }

    pub fn period(mut self, period: Period) -> Finding {
        self.period = Some(period);
        self
    }

    /// The records behind the finding, sorted and without duplicates.
    pub fn records(mut self, records: impl IntoIterator<Item = RecordRef>) -> Finding {
        let mut r: Vec<RecordRef> = records.into_iter().collect();
        r.sort_unstable();
        r.dedup();
        self.records = r;
        self
    }

    pub fn fix(mut self, fix: FixLink) -> Finding {
        self.fix = Some(fix);
        self
    }

    pub fn due(mut self, due: NaiveDate) -> Finding {
        self.due = Some(due);
        self
    }

    /// The member concerned, when the subject is one.
    pub fn member_id(&self) -> Option<i64> {
        self.subject.member_id()
    }

    /// The ids of the records of one kind behind the finding.
    pub fn record_ids(&self, kind: &str) -> Vec<i64> {
        self.records.iter().filter(|r| r.kind == kind).map(|r| r.id).collect()
    }

    /// The start of the period ("" when none): with the rule and the subject, what an
    /// explanation (情况说明) is kept by.
    pub fn period_key(&self) -> String {
        self.period.map(|p| format_iso(p.start())).unwrap_or_default()
    }
}

/// When a check is made: the year whose periods are judged, the day it is made, and how many days
/// before a deadline an upcoming finding is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct When {
    pub year: i32,
    pub as_of: NaiveDate,
    pub notice_days: u32,
}

impl When {
    pub fn new(year: i32, as_of: NaiveDate, notice_days: u32) -> When {
        When { year, as_of, notice_days }
    }

    /// Whether `end` lies within the notice days after `as_of` (today included).
    pub fn within_notice(&self, end: NaiveDate) -> bool {
        let days = (end - self.as_of).num_days();
        days >= 0 && days <= i64::from(self.notice_days)
    }
}

/// What the families found for one subject of a check: findings, and for the frequency
/// requirements the status of each period that is over (for the compliance rates).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub statuses: Vec<RequirementStatus>,
}

impl Evaluation {
    pub fn extend(&mut self, other: Evaluation) {
        self.findings.extend(other.findings);
        self.statuses.extend(other.statuses);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_keys_read_back() {
        for s in [
            Subject::Org { id: 1 },
            Subject::Member { id: 12 },
            Subject::Candidate { id: 5 },
            Subject::Transfer { id: 6 },
            Subject::Record { record: RecordRef::meeting(3) },
        ] {
            assert_eq!(Subject::parse_key(&s.key()), Some(s));
        }
        for bad in ["member:", "member:x", "person:1", "org", "org:-1", "org:1234567890123456789"] {
            assert_eq!(Subject::parse_key(bad), None, "{bad}");
        }
    }
}
