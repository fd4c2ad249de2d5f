//! Rule families: each is a domain module's rules plus the facts they need, evaluated for an
//! explicit `as_of` into findings ([`crate::findings`]).
//!
//! | family | rules | facts |
//! |---|---|---|
//! | [`structure`] (组织设置) | ORG-BRANCH-MIN, ORG-COMMITTEE, ORG-TERM, ORG-RENEWAL | [`OrgFacts`] |
//! | [`org_life`] (组织生活) | MTG-*, CON-LAPSE, local sets | [`OrgFacts`] and [`org_life::LifeFacts`] |
//! | [`dues`] (党费) | DUES-* | [`dues::statement::MemberDuesFacts`] per member; publications per org |
//! | [`lifecycle`] (党员管理) | EDU-*, EL-* | [`lifecycle::LifecycleFacts`]: the transfers an org sent and is sent, suspensions, members away |
//! | [`recruitment`] (发展党员) | DEV-* | [`recruitment::PathFacts`] per person in recruitment |
//! | [`study`] (学习培训) | EDU-TRAIN-HOURS, EDU-SEC-HOURS | [`study::StudyFacts`]: members' and post holders' hours of the year |
//! | [`coverage`] (组织覆盖) | COVER-PRIVATE | [`coverage::CoverageFacts`]: the units an org registered and what covers each |
//!
//! A family owns its check type ([`crate::rules::RuleCheck`]), its national rules and its
//! evaluation; [`Rules`] holds the rule set of every family in force for one org, and
//! [`evaluate_org`] runs every family whose subject is an org. A new family (dues, lifecycle,
//! recruitment, …) adds its module, a field here and a line in `evaluate_org`; no other family's
//! types change.
//!
//! [`OrgFacts`] are the org's own facts, **dated**: posts are spans, so a period is judged with
//! the committee and secretary of that period, not of today.

pub mod coverage;
pub mod dues;
pub mod lifecycle;
pub mod org_life;
pub mod recruitment;
pub mod structure;
pub mod study;

use chrono::NaiveDate;
use serde::Serialize;

use crate::findings::{Evaluation, When};
use crate::org::{OrgKind, PostKind, UnitKind};
use crate::period::Period;
use crate::rules::{Rule, RuleInfo, RuleSet, RuleSetError};

/// One member's span in one post, `end` inclusive (the last day in office).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PostSpan {
    pub member_id: i64,
    pub post: PostKind,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

impl PostSpan {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|e| day <= e)
    }
}

/// The facts about one org that the rules look at. Member counts are those of `as_of` (the day the
/// check is made, or a past day asked for); posts carry their dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgFacts {
    pub org_id: i64,
    pub kind: OrgKind,
    pub unit_kind: UnitKind,
    /// 正式党员 of the org on `as_of`: membership span covering the day, full on that day.
    pub full_members: u32,
    /// 预备党员 of the org on `as_of`.
    pub probationary_members: u32,
    /// Every post held during the years checked, ended or not.
    pub posts: Vec<PostSpan>,
    /// The day the current committee (or secretary) was elected: the start of the term.
    pub term_start: Option<NaiveDate>,
    /// Length of the term in years (ORG-TERM).
    pub term_years: u32,
    /// The day the org was set up; `None` when unknown (the org is taken to have always existed).
    pub established_on: Option<NaiveDate>,
    /// The day the org was closed (撤销), if it was: it no longer exists on that day.
    pub closed_on: Option<NaiveDate>,
}

impl OrgFacts {
    /// An org with no members, no posts and no recorded term, of unknown age; the term length is
    /// the usual one of its kind and unit (ORG-TERM).
    pub fn new(org_id: i64, kind: OrgKind) -> OrgFacts {
        OrgFacts::of_unit(org_id, kind, UnitKind::Other)
    }

    /// As [`OrgFacts::new`], in a unit of `unit_kind` (village and community branches serve 5 years).
    pub fn of_unit(org_id: i64, kind: OrgKind, unit_kind: UnitKind) -> OrgFacts {
        OrgFacts {
            org_id,
            kind,
            unit_kind,
            full_members: 0,
            probationary_members: 0,
            posts: Vec::new(),
            term_start: None,
            term_years: crate::org::usual_term_years(kind, unit_kind),
            established_on: None,
            closed_on: None,
        }
    }

    /// This org with `member_id` in `post` from `start` (still in office).
    pub fn with_post(mut self, member_id: i64, post: PostKind, start: NaiveDate) -> OrgFacts {
        self.posts.push(PostSpan { member_id, post, start, end: None });
        self
    }

    /// This org with a committee of `size` people from `start`: a secretary (member 1), then
    /// the organization, publicity and discipline officers and plain 委员 (members 2, 3, …).
    pub fn with_committee(mut self, size: u32, start: NaiveDate) -> OrgFacts {
        let named = [
            PostKind::Secretary,
            PostKind::OrganizationOfficer,
            PostKind::PublicityOfficer,
            PostKind::DisciplineOfficer,
        ];
        for i in 0..size {
            let post = named.get(i as usize).copied().unwrap_or(PostKind::Member);
            self.posts.push(PostSpan { member_id: i64::from(i) + 1, post, start, end: None });
        }
        self
    }

    /// Full and probationary members on `as_of`.
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

    /// The days of `period` on which the org existed.
    pub fn days_existed(&self, period: &Period) -> i64 {
        let from = self.established_on.map_or(period.start(), |e| e.max(period.start()));
        let to = self.closed_on.and_then(|c| c.pred_opt()).map_or(period.end(), |c| c.min(period.end()));
        if to < from { 0 } else { (to - from).num_days() + 1 }
    }

    /// Whether a committee (支部委员会) was in office on `day`: someone held a post other than
    /// secretary and deputy secretary (a branch of fewer than 7 full members has those two only).
    pub fn committee_on(&self, day: NaiveDate) -> bool {
        self.posts.iter().any(|p| p.covers(day) && !matches!(p.post, PostKind::Secretary | PostKind::DeputySecretary))
    }

    /// The people on the committee on `day`: one person holding two posts counts once.
    pub fn committee_size_on(&self, day: NaiveDate) -> u32 {
        let mut ids: Vec<i64> = self.posts.iter().filter(|p| p.covers(day)).map(|p| p.member_id).collect();
        ids.sort_unstable();
        ids.dedup();
        u32::try_from(ids.len()).unwrap_or(u32::MAX)
    }

    /// The secretary in office on `day` (the latest appointed, should two spans overlap).
    pub fn secretary_on(&self, day: NaiveDate) -> Option<i64> {
        self.posts
            .iter()
            .filter(|p| p.post == PostKind::Secretary && p.covers(day))
            .max_by_key(|p| p.start)
            .map(|p| p.member_id)
    }

    /// Everyone who was secretary on some day between `from` and `to`.
    pub fn secretaries_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .posts
            .iter()
            .filter(|p| p.post == PostKind::Secretary && p.start <= to && p.end.is_none_or(|e| from <= e))
            .map(|p| p.member_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// The rule set of every family in force for one org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rules {
    pub structure: RuleSet<structure::Check>,
    pub org_life: RuleSet<org_life::Check>,
    pub dues: RuleSet<dues::Check>,
    pub lifecycle: RuleSet<lifecycle::Check>,
    pub recruitment: RuleSet<recruitment::Check>,
    pub study: RuleSet<study::Check>,
    pub coverage: RuleSet<coverage::Check>,
    /// The committee's dues settings over time (rounding, warning months …): plain settings,
    /// not rules, carried here so that every check of an org has them with its rules.
    pub dues_settings: dues::DatedSettings,
}

impl Default for Rules {
    fn default() -> Self {
        Self::national()
    }
}

impl Rules {
    /// The national rules of every family.
    pub fn national() -> Rules {
        Rules {
            structure: structure::national(),
            org_life: org_life::national(),
            dues: dues::national(),
            lifecycle: lifecycle::national(),
            recruitment: recruitment::national(),
            study: study::national(),
            coverage: coverage::national(),
            dues_settings: dues::DatedSettings::default(),
        }
    }

    /// The catalogue of every rule in force (every version, in family order).
    pub fn catalogue(&self) -> Vec<RuleInfo> {
        let mut out: Vec<RuleInfo> = self.structure.rules().iter().map(|r| r.info()).collect();
        out.extend(self.org_life.rules().iter().map(|r| r.info()));
        out.extend(self.dues.rules().iter().map(|r| r.info()));
        out.extend(self.lifecycle.rules().iter().map(|r| r.info()));
        out.extend(self.recruitment.rules().iter().map(|r| r.info()));
        out.extend(self.study.rules().iter().map(|r| r.info()));
        out.extend(self.coverage.rules().iter().map(|r| r.info()));
        out
    }

    /// The catalogue row of the version of `id` in force now.
    pub fn info(&self, id: &str) -> Option<RuleInfo> {
        self.structure
            .get(id)
            .map(|r| r.info())
            .or_else(|| self.org_life.get(id).map(|r| r.info()))
            .or_else(|| self.dues.get(id).map(|r| r.info()))
            .or_else(|| self.lifecycle.get(id).map(|r| r.info()))
            .or_else(|| self.recruitment.get(id).map(|r| r.info()))
            .or_else(|| self.study.get(id).map(|r| r.info()))
            .or_else(|| self.coverage.get(id).map(|r| r.info()))
    }
}

/// A rule of any family: what a local rule set that spans families is made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AnyRule {
    Structure(Rule<structure::Check>),
    OrgLife(Rule<org_life::Check>),
}

impl AnyRule {
    pub fn id(&self) -> &'static str {
        match self {
            AnyRule::Structure(r) => r.id,
            AnyRule::OrgLife(r) => r.id,
        }
    }
}

impl From<Rule<structure::Check>> for AnyRule {
    fn from(r: Rule<structure::Check>) -> Self {
        AnyRule::Structure(r)
    }
}

impl From<Rule<org_life::Check>> for AnyRule {
    fn from(r: Rule<org_life::Check>) -> Self {
        AnyRule::OrgLife(r)
    }
}

impl Rules {
    /// These rules with `local` switched on: each rule goes to its family's set
    /// ([`RuleSet::tighten`]). The first refusal is returned and nothing changes.
    pub fn tighten(&self, local: &[AnyRule]) -> Result<Rules, RuleSetError> {
        let mut out = self.clone();
        let structure: Vec<Rule<structure::Check>> = local
            .iter()
            .filter_map(|r| match r {
                AnyRule::Structure(r) => Some(r.clone()),
                AnyRule::OrgLife(_) => None,
            })
            .collect();
        let life: Vec<Rule<org_life::Check>> = local
            .iter()
            .filter_map(|r| match r {
                AnyRule::OrgLife(r) => Some(r.clone()),
                AnyRule::Structure(_) => None,
            })
            .collect();
        out.structure = out.structure.tighten(&structure)?;
        out.org_life = out.org_life.tighten(&life)?;
        Ok(out)
    }

    /// The number of rule versions of every family.
    pub fn len(&self) -> usize {
        self.structure.rules().len()
            + self.org_life.rules().len()
            + self.dues.rules().len()
            + self.lifecycle.rules().len()
            + self.recruitment.rules().len()
            + self.study.rules().len()
            + self.coverage.rules().len()
    }

    /// Whether no family has a rule.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Every family whose subject is an org, for one org: structure, organizational life, then
/// dues. The dues family runs first so that the months its members are in arrears reach
/// CON-LAPSE's dues condition.
pub fn evaluate_org(
    rules: &Rules,
    org: &OrgFacts,
    mut life: org_life::LifeFacts,
    dues: &dues::DuesFacts,
    lifecycle: &lifecycle::LifecycleFacts,
    recruits: &[recruitment::PathFacts],
    when: &When,
) -> Evaluation {
    let (dues_findings, unpaid) = dues::evaluate_org(&rules.dues, &rules.dues_settings, org, dues, when);
    for (member, months) in unpaid {
        life.unpaid_dues.entry(member).or_default().extend(months);
    }
    let mut out = Evaluation { findings: structure::evaluate(&rules.structure, org, when), statuses: Vec::new() };
    out.extend(org_life::evaluate(&rules.org_life, org, &life, when));
    out.findings.extend(dues_findings);
    out.findings.extend(lifecycle::evaluate_org(&rules.lifecycle, org, lifecycle, when));
    if org.kind == OrgKind::Branch {
        out.findings.extend(recruitment::deadlines::evaluate(&rules.recruitment, recruits, when));
    }
    out
}

/// [`evaluate_org`] with the records alone and the findings alone: for tests and tools that
/// look at one org's organizational life and structure.
pub fn evaluate(
    rules: &Rules,
    org: &OrgFacts,
    records: &[org_life::RecordFact],
    year: i32,
    as_of: NaiveDate,
    notice_days: u32,
) -> Vec<crate::findings::Finding> {
    let life = org_life::LifeFacts::of(records.to_vec());
    let when = When::new(year, as_of, notice_days);
    evaluate_org(rules, org, life, &dues::DuesFacts::default(), &lifecycle::LifecycleFacts::default(), &[], &when)
        .findings
}
