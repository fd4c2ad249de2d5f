//! A member's own view (我的): their record, their branch and group, the meetings they were
//! expected at with how they attended, their appraisal results, and what their branch has due
//! soon. Only for the member themselves; nothing of anyone else.

use crate::{Result, ServiceError, Services};
use chrono::{Datelike, NaiveDate};
use domain::org_life::MeetingKind;
use domain::rules::Severity;
use domain::scope::Actor;
use storage::meeting;

/// A meeting the member was expected at.
#[derive(Debug, Clone)]
pub struct OwnMeeting {
    pub id: i64,
    pub held_on: String,
    pub kind_label: &'static str,
    pub topic: String,
    pub attendance: &'static str,
}

/// What the member's branch has due soon (a 主题党日 this month …), from the rules.
#[derive(Debug, Clone)]
pub struct BranchDue {
    pub title: &'static str,
    pub due: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct OwnOverview {
    pub member: crate::members::MemberView,
    pub meetings: Vec<OwnMeeting>,
    /// (the appraisal's date, its result) of the member's 民主评议 ratings.
    pub ratings: Vec<(String, &'static str)>,
    pub due: Vec<BranchDue>,
    /// The member's next political birthday (the anniversary of joining, POL-BIRTHDAY).
    pub political_birthday: Option<domain::member::PoliticalBirthday>,
    /// The member's class hours of the year so far (EDU-TRAIN-HOURS).
    pub hours: crate::training::MemberHours,
    /// The knowledge contests open now that the member has not answered yet.
    pub open_contests: Vec<crate::contest::ContestRow>,
    /// The contests the member answered, with their own scores (theirs alone to see).
    pub contest_scores: Vec<crate::contest::OwnScore>,
}

impl Services {
    /// The overview of the signed-in member's own record; `NotFound` for an account that is not
    /// a member's.
    pub async fn own_overview(&self, actor: &Actor, as_of: NaiveDate) -> Result<OwnOverview> {
        let id = actor.own_member_id().ok_or(ServiceError::NotFound)?;
        let scope = actor.scope();
        let detail = self.member_detail(actor, id, false).await?;
        let (from, to) = (format!("{}-01-01", as_of.year() - 1), as_of.to_string());
        let rows = meeting::expected_at(&self.db, &scope, id, &from, &to).await?;
        let appraisal_ids: Vec<i64> =
            rows.iter().filter(|r| r.kind == MeetingKind::MemberAppraisal).map(|r| r.meeting_id).collect();
        let meetings: Vec<OwnMeeting> = rows
            .into_iter()
            .map(|r| OwnMeeting {
                id: r.meeting_id,
                held_on: r.held_on.to_string(),
                kind_label: r.kind.label(),
                topic: r.topic,
                attendance: r.attendance.label(),
            })
            .collect();
        let ratings = meeting::ratings(&self.db, &scope, &appraisal_ids)
            .await?
            .into_iter()
            .filter(|r| r.member_id == id)
            .map(|r| {
                let on = meetings.iter().find(|m| m.id == r.meeting_id).map(|m| m.held_on.clone()).unwrap_or_default();
                (on, r.rating.label())
            })
            .collect();
        // What the branch has due soon: its upcoming findings (titles and dates only).
        let branch = storage::org::get(&self.db, &domain::scope::Scope::everything(), detail.member.row.branch_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        // A rule about each member (EDU-TRAIN-HOURS) gives one finding per member: the branch's
        // list names the rule once.
        let mut due: Vec<BranchDue> = Vec::new();
        for f in self.findings_for(&branch, as_of.year(), as_of).await? {
            if f.severity == Severity::Upcoming && !due.iter().any(|d| d.title == f.title && d.due == f.due) {
                due.push(BranchDue { title: f.title, due: f.due });
            }
        }
        let political_birthday = domain::member::next_political_birthday(detail.member.row.joined_on, as_of);
        let hours = self.member_hours(actor, id, as_of.year()).await?;
        let (open_contests, contest_scores) = self.own_contests(actor).await?;
        Ok(OwnOverview {
            member: detail.member,
            meetings,
            ratings,
            due,
            political_birthday,
            hours,
            open_contests,
            contest_scores,
        })
    }
}
