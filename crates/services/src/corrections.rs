//! Correcting and voiding meeting records (更正、作废): a saved record is never rewritten
//! silently. A correction is checked as a new record is ([`Services::plan_meeting`]) and keeps
//! the version before with its reason; a voided record stays, marked, and counts for nothing.

use crate::org_life::{MeetingInput, Planned};
use crate::{Entry, Result, ServiceError, Services};
use domain::dates::Iso;
use domain::org::OrgStatus;
use domain::scope::{Action, Actor, Target, can};
use storage::meeting::{self, MeetingRow};

impl Services {
    /// Corrects a saved meeting record (更正): the same checks as recording it, by someone who may
    /// edit the org's records, with a reason. The record is replaced by the corrected version;
    /// the version before is kept with the reason (shown on the record and marked in the ledger)
    /// and in the audit log, and the findings follow at once.
    pub async fn correct_meeting(
        &self,
        actor: &Actor,
        meeting_id: i64,
        input: &MeetingInput,
        reason: &str,
    ) -> Result<()> {
        let scope = actor.scope();
        let m = meeting::get(&self.db, &scope, meeting_id).await?.ok_or(ServiceError::NotFound)?;
        let org = storage::org::get(&self.db, &scope, m.org_id).await?.ok_or(ServiceError::NotFound)?;
        if !can(actor, Action::EditOrg, Target::Org(&org.org_path()?)) || org.status != OrgStatus::Active {
            return Err(ServiceError::Forbidden);
        }
        if m.voided_on.is_some() {
            return Err(ServiceError::Conflict("该记录已作废，不能更正".into()));
        }
        let reason = reason.trim();
        if reason.chars().count() < 4 {
            return Err(ServiceError::field("reason", "请写明更正的原因（至少 4 个字），更正会留痕备查"));
        }
        if reason.chars().count() > 500 {
            return Err(ServiceError::field("reason", "更正原因不能超过 500 个字"));
        }
        let Planned { new, details, kind, on, topic } = self.plan_meeting(&scope, &org, input).await?;
        let ids = [m.id];
        let before = serde_json::json!({
            "meeting": m,
            "attendance": meeting::attendance(&self.db, &scope, &ids).await?,
            "resolutions": meeting::resolutions(&self.db, &scope, &ids).await?,
            "ratings": meeting::ratings(&self.db, &scope, &ids).await?,
        });
        let mut tx = self.db.begin().await?;
        meeting::replace(&mut tx, m.id, &new, &details).await?;
        meeting::add_correction(&mut tx, m.id, &org.path, reason, &before.to_string(), actor.account_id).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "meeting.correct",
                entity: "meeting",
                entity_id: Some(m.id),
                org_path: Some(org.path.clone()),
                before: Some(before),
                after: Some(serde_json::json!({
                    "reason": reason, "kind": kind.as_str(), "held_on": on, "topic": topic,
                    "expected": details.attendance.len(), "resolutions": details.resolutions.len(),
                    "ratings": details.ratings.len(),
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Voids a saved meeting record (作废), with a reason, by someone who may edit the org's
    /// records: it stays, marked with the day and the reason, visible to auditors, and counts for
    /// nothing in findings, lists and the ledger from then on. Audited with the record as it was.
    pub async fn void_meeting(&self, actor: &Actor, meeting_id: i64, reason: &str) -> Result<()> {
        let scope = actor.scope();
        let m = meeting::get(&self.db, &scope, meeting_id).await?.ok_or(ServiceError::NotFound)?;
        let org = storage::org::get(&self.db, &scope, m.org_id).await?.ok_or(ServiceError::NotFound)?;
        if !can(actor, Action::EditOrg, Target::Org(&org.org_path()?)) {
            return Err(ServiceError::Forbidden);
        }
        if m.voided_on.is_some() {
            return Err(ServiceError::Conflict("该记录已作废".into()));
        }
        let reason = reason.trim();
        if reason.chars().count() < 4 {
            return Err(ServiceError::field("void_reason", "请写明作废的原因（至少 4 个字），作废会留痕备查"));
        }
        if reason.chars().count() > 500 {
            return Err(ServiceError::field("void_reason", "作废原因不能超过 500 个字"));
        }
        let today = self.today().iso();
        let mut tx = self.db.begin().await?;
        meeting::void(&mut tx, m.id, &today, reason).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "meeting.void",
                entity: "meeting",
                entity_id: Some(m.id),
                org_path: Some(org.path.clone()),
                before: Some(serde_json::json!({ "meeting": m })),
                after: Some(serde_json::json!({ "voided_on": today, "reason": reason })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The org's voided records of a year, for those who may read its audit log (auditors).
    pub async fn voided_meetings(&self, actor: &Actor, org_id: i64, year: i32) -> Result<Vec<MeetingRow>> {
        let Some(scope) = actor.audit_scope() else { return Ok(Vec::new()) };
        let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
        Ok(meeting::voided_of_org(&self.db, &scope, org_id, &from, &to).await?)
    }
}
