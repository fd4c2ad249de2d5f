//! Organizational life (组织生活记实): a branch records a meeting once, with its attendance,
//! and the rules engine says what is missing or due, with the rule and article behind it.

use crate::{Entry, Result, ServiceError, Services, today};
use chrono::{Datelike, NaiveDate};
use domain::FieldErrors;
use domain::dates::parse_date;
use domain::findings::{Finding, OrgFacts, RecordFact, evaluate};
use domain::org::OrgKind;
use domain::org_life::{Attendance, Attendee, MeetingKind};
use domain::rules::RuleSet;
use domain::scope::{Action, Actor, Target, can};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use storage::meeting::{self, AttendanceRow, ExpectedRow, MeetingRow, NewMeeting};
use storage::org::OrgRow;

/// Deadlines within this many days are findings too.
pub const NOTICE_DAYS: u32 = 30;

/// A meeting as typed on the form. Attendance lists only the exceptions: everyone expected
/// starts as present.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MeetingInput {
    pub kind: String,
    pub held_on: String,
    pub start_time: String,
    pub place: String,
    pub topic: String,
    pub first_agenda_item: String,
    pub minutes: String,
    pub has_vote: bool,
    pub lecturer_member_id: Option<i64>,
    /// member id → (attendance, reason) for those not simply present.
    pub exceptions: HashMap<i64, (String, String)>,
}

/// Which members are expected at a meeting of this kind in this org on this day.
pub async fn expected(services: &Services, org: &OrgRow, kind: MeetingKind, on: &str) -> Result<Vec<ExpectedRow>> {
    use MeetingKind::*;
    Ok(match kind {
        CommitteeMeeting | DemocraticLifeMeeting | StudyGroupSession => {
            meeting::committee_on(&services.db, org.id, on).await?
        }
        GroupMeeting => meeting::members_on(&services.db, org.id, "group", on).await?,
        Talk => Vec::new(),
        _ => meeting::members_on(&services.db, org.id, "branch", on).await?,
    })
}

/// Meeting kinds an org of this kind records.
pub fn kinds_for(org: OrgKind) -> Vec<MeetingKind> {
    use MeetingKind::*;
    match org {
        OrgKind::Group => vec![GroupMeeting, Talk],
        OrgKind::Committee => vec![CommitteeMeeting, PartyLecture, DemocraticLifeMeeting, StudyGroupSession, Talk],
        OrgKind::Branch | OrgKind::GeneralBranch => {
            vec![BranchAssembly, CommitteeMeeting, PartyLecture, ThemedDay, LifeMeeting, MemberAppraisal, Talk]
        }
    }
}

/// A recorded meeting with its attendance, for pages.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingView {
    pub meeting: MeetingRow,
    pub attendance: Vec<AttendanceRow>,
}

impl Services {
    /// Records a meeting of an org with its attendance, in one transaction with its audit entry.
    pub async fn record_meeting(&self, actor: &Actor, org_id: i64, input: &MeetingInput) -> Result<i64> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::EditOrg, Target::Org(&path)) {
            return Err(ServiceError::Forbidden);
        }
        let org_kind = OrgKind::parse(&org.kind).unwrap_or(OrgKind::Branch);
        let mut e = FieldErrors::new();
        let kind = MeetingKind::parse(&input.kind);
        match kind {
            None => e.add("kind", "请选择会议类型"),
            Some(k) if !kinds_for(org_kind).contains(&k) => {
                e.add("kind", format!("{}不召开“{}”", org_kind.label(), k.label()))
            }
            _ => {}
        }
        let held_on = match parse_date(&input.held_on) {
            Ok(d) if d > today() => {
                e.add("held_on", "会议日期不能晚于今天");
                None
            }
            Ok(d) => Some(d),
            Err(err) => {
                e.add("held_on", err.to_string());
                None
            }
        };
        let topic = input.topic.trim();
        if topic.is_empty() {
            e.add("topic", "请填写会议主题");
        } else if topic.chars().count() > 200 {
            e.add("topic", "会议主题不能超过 200 个字");
        }
        if input.minutes.chars().count() > 20_000 {
            e.add("minutes", "会议记录不能超过 20000 个字，较长的材料请作为附件");
        }
        let (Some(kind), Some(held_on)) = (kind, held_on) else { return Err(ServiceError::Invalid(e)) };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let on = held_on.format("%Y-%m-%d").to_string();
        let people = expected(self, &org, kind, &on).await?;
        let mut rows = Vec::with_capacity(people.len());
        for p in &people {
            let (att, reason) = match input.exceptions.get(&p.member_id) {
                Some((a, r)) => {
                    let a = Attendance::parse(a).unwrap_or(Attendance::Present);
                    let r = r.trim();
                    if a == Attendance::Excused && r.is_empty() {
                        e.add(&format!("reason_{}", p.member_id), format!("{}请假，请填写请假原因", p.name));
                    }
                    (a, (!r.is_empty()).then(|| r.chars().take(200).collect::<String>()))
                }
                None => (Attendance::Present, None),
            };
            rows.push((p.member_id, p.status == "probationary", att.as_str().to_string(), reason));
        }
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let new = NewMeeting {
            org_id: org.id,
            org_path: org.path.clone(),
            kind: kind.as_str().to_string(),
            held_on: on.clone(),
            start_time: Some(input.start_time.trim().to_string()).filter(|s| !s.is_empty()),
            place: input.place.trim().chars().take(100).collect(),
            topic: topic.to_string(),
            host_member_id: None,
            recorder_member_id: None,
            lecturer_member_id: input.lecturer_member_id,
            first_agenda_item: Some(input.first_agenda_item.trim().to_string()).filter(|s| !s.is_empty()),
            minutes: input.minutes.trim().to_string(),
            has_vote: input.has_vote,
        };
        let mut tx = self.db.begin().await?;
        let id = meeting::insert(&mut tx, &new, &rows, actor.account_id).await?;
        let absent = rows.iter().filter(|r| r.2 != "present").count();
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "meeting.record",
                entity: "meeting",
                entity_id: Some(id),
                org_path: Some(org.path.clone()),
                before: None,
                after: Some(serde_json::json!({
                    "kind": kind.as_str(), "held_on": on, "topic": topic, "expected": rows.len(), "not_present": absent
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An org's records in a year, newest first, with attendance.
    pub async fn meetings_of(&self, actor: &Actor, org_id: i64, year: i32) -> Result<Vec<MeetingView>> {
        let scope = actor.scope();
        storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let mut rows =
            meeting::of_org(&self.db, &scope, org_id, &format!("{year}-01-01"), &format!("{year}-12-31")).await?;
        rows.reverse();
        let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
        let mut by_meeting: HashMap<i64, Vec<AttendanceRow>> = HashMap::new();
        for a in meeting::attendance(&self.db, &ids).await? {
            by_meeting.entry(a.meeting_id).or_default().push(a);
        }
        Ok(rows
            .into_iter()
            .map(|m| MeetingView { attendance: by_meeting.remove(&m.id).unwrap_or_default(), meeting: m })
            .collect())
    }

    /// The last recorded meeting of this kind in the org (for the form's defaults).
    pub async fn last_meeting(&self, actor: &Actor, org_id: i64, kind: MeetingKind) -> Result<Option<MeetingRow>> {
        let year = today().year();
        let rows =
            meeting::of_org(&self.db, &actor.scope(), org_id, &format!("{}-01-01", year - 1), "9999-12-31").await?;
        Ok(rows.into_iter().rev().find(|m| m.kind == kind.as_str()))
    }

    /// What the rules find for one org in one year as of a date.
    pub async fn org_findings(&self, actor: &Actor, org_id: i64, year: i32, as_of: NaiveDate) -> Result<Vec<Finding>> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        self.findings_for(&org, year, as_of).await
    }

    /// Gathers an org's facts and records and evaluates the national rules.
    pub async fn findings_for(&self, org: &OrgRow, year: i32, as_of: NaiveDate) -> Result<Vec<Finding>> {
        let kind = OrgKind::parse(&org.kind).unwrap_or(OrgKind::Branch);
        let mut facts = OrgFacts::new(org.id, kind);
        let on = as_of.format("%Y-%m-%d").to_string();
        let members = match kind {
            OrgKind::Group => meeting::members_on(&self.db, org.id, "group", &on).await?,
            OrgKind::Branch => meeting::members_on(&self.db, org.id, "branch", &on).await?,
            _ => Vec::new(),
        };
        facts.full_members = members.iter().filter(|m| m.status == "full").count() as u32;
        facts.probationary_members = members.iter().filter(|m| m.status == "probationary").count() as u32;
        let posts = storage::org::posts(&self.db, org.id, false).await?;
        facts.committee_posts = posts.len() as u32;
        facts.has_committee = posts.iter().any(|p| !matches!(p.post.as_str(), "secretary" | "deputy_secretary"));
        facts.secretary_member_id = posts.iter().find(|p| p.post == "secretary").map(|p| p.member_id);
        let date = |s: &Option<String>| s.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        facts.term_start = date(&org.term_start_on);
        facts.term_years = org.term_years.map(|y| y as u32).unwrap_or(3);
        facts.established_on = date(&org.established_on);
        facts.closed_on = date(&org.closed_on);
        // The year, and the half-year before it for CON-LAPSE's six months.
        let from = format!("{}-07-01", year - 1);
        let to = format!("{year}-12-31");
        let everything = domain::scope::Scope::everything();
        let rows = meeting::of_org(&self.db, &everything, org.id, &from, &to).await?;
        let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
        let mut att: HashMap<i64, Vec<Attendee>> = HashMap::new();
        for a in meeting::attendance(&self.db, &ids).await? {
            att.entry(a.meeting_id).or_default().push(Attendee {
                member_id: a.member_id,
                probationary: a.probationary != 0,
                attendance: Attendance::parse(&a.attendance).unwrap_or(Attendance::Present),
            });
        }
        let records: Vec<RecordFact> = rows
            .iter()
            .filter_map(|m| {
                let kind = MeetingKind::parse(&m.kind)?;
                let d = NaiveDate::parse_from_str(&m.held_on, "%Y-%m-%d").ok()?;
                let mut r = RecordFact::new(m.id, m.org_id, kind, d);
                r.attendance = att.remove(&m.id).unwrap_or_default();
                r.lecturer_id = m.lecturer_member_id;
                r.has_vote = m.has_vote != 0;
                Some(r)
            })
            .collect();
        Ok(evaluate(&RuleSet::national(), &facts, &records, year, as_of, NOTICE_DAYS))
    }
}
