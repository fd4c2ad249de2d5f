//! The paper of a recruitment path (the application, the talk's record, the political review's
//! conclusion, the 志愿书 …) as documents attached to the step they belong to, kept in the file
//! store of meeting attachments; and the end of a path before admission.

use domain::FieldErrors;
use domain::family::recruitment::Step;
use domain::scope::Actor;
pub use storage::recruit::DocumentRow;
use storage::recruit::NewDocument;

use crate::attachments::MAX_ATTACHMENTS;
use crate::dues::records::{day, text};
use crate::recruitment::recruit_to_edit;
use crate::{Entry, Result, ServiceError, Services};

/// Documents per person: the meeting record's limit for each of the 25 steps.
pub const MAX_DOCUMENTS: usize = MAX_ATTACHMENTS * 5;

impl Services {
    /// Attaches a document to a recorded step of the person's path.
    pub async fn attach_recruit_document(
        &self,
        actor: &Actor,
        id: i64,
        step: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<i64> {
        let mut read = self.db.begin_read().await?;
        let (row, _) = recruit_to_edit(&mut read, actor, id).await?;
        read.commit().await?;
        let steps = storage::recruit::steps_of(&self.db, &[id]).await?;
        let Some(step) = Step::parse(step).filter(|s| steps.iter().any(|r| r.step == *s)) else {
            return Err(ServiceError::field("step", "请选择已记录的步骤"));
        };
        if storage::recruit::documents(&self.db, &actor.scope(), id).await?.len() >= MAX_DOCUMENTS {
            return Err(ServiceError::field("file", format!("每人最多 {MAX_DOCUMENTS} 份材料")));
        }
        let stored = self.store_file(file_name, bytes).await?;
        let doc = NewDocument {
            recruit_id: id,
            step,
            file_name: stored.name,
            content_type: stored.content_type,
            size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            sha256: stored.sha256,
        };
        let mut tx = self.db.begin().await?;
        let doc_id = storage::recruit::add_document(&mut tx, &doc, actor.account_id).await?;
        let after = serde_json::json!({"step": step.as_str(), "file_name": doc.file_name, "size": doc.size_bytes, "sha256": doc.sha256});
        let entry = Entry {
            action: "recruit.document",
            entity: "recruit",
            entity_id: Some(id),
            org_path: Some(row.branch_path.clone()),
            before: None,
            after: Some(after),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(doc_id)
    }

    /// The documents of a person's path.
    pub async fn recruit_documents(&self, actor: &Actor, id: i64) -> Result<Vec<DocumentRow>> {
        storage::recruit::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        Ok(storage::recruit::documents(&self.db, &actor.scope(), id).await?)
    }

    /// A document and its bytes, if the actor may see the person.
    pub async fn recruit_document(&self, actor: &Actor, id: i64, doc_id: i64) -> Result<(DocumentRow, Vec<u8>)> {
        let doc = storage::recruit::documents(&self.db, &actor.scope(), id)
            .await?
            .into_iter()
            .find(|d| d.id == doc_id)
            .ok_or(ServiceError::NotFound)?;
        let bytes = self.stored_bytes(&doc.sha256, &doc.file_name).await?;
        Ok((doc, bytes))
    }

    /// Ends a path before admission (the applicant withdraws, the branch no longer keeps them as
    /// an activist or candidate, the assembly did not pass them): the day and the reason, which
    /// is required. A probationary member's path ends with the lifecycle's decision
    /// 取消预备党员资格 instead.
    pub async fn end_recruit(&self, actor: &Actor, id: i64, on: &str, reason: &str) -> Result<()> {
        let today = self.today();
        let mut tx = self.db.begin().await?;
        let (row, _) = recruit_to_edit(&mut tx, actor, id).await?;
        let mut e = FieldErrors::new();
        let on = day(&mut e, "on", on, today);
        let reason = text(&mut e, "reason", reason, None, 500);
        if reason.chars().count() < 4 && e.get("reason").is_none() {
            e.add("reason", "请写明终止的原因（至少4个字）");
        }
        if row.ended_on.is_some() {
            e.add("on", "该发展党员记录已终止");
        } else if row.member_id.is_some() {
            e.add("on", "已接收为预备党员的，请在党员的党籍处置中记录“取消预备党员资格”");
        }
        let steps = storage::recruit::steps_in_tx(&mut tx, id).await?;
        if let (Some(on), Some(last)) = (on, steps.iter().map(|s| s.on_date).max())
            && on < last
        {
            e.add("on", format!("日期不能早于最后记录的步骤（{}）", domain::dates::format_cn(last)));
        }
        let Some(on) = on.filter(|_| e.is_empty()) else { return Err(ServiceError::Invalid(e)) };
        storage::recruit::end(&mut tx, id, on, &reason).await?;
        let entry = Entry {
            action: "recruit.end",
            entity: "recruit",
            entity_id: Some(id),
            org_path: Some(row.branch_path.clone()),
            before: None,
            after: Some(serde_json::json!({"on": on, "reason": reason})),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// 双培养: marks a member as a key teacher (骨干教师) or not.
    pub async fn set_key_teacher(&self, actor: &Actor, member_id: i64, key_teacher: bool) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let m = self.member_to_edit(&mut tx, actor, member_id).await?;
        storage::recruit::set_member_key_teacher(&mut tx, member_id, key_teacher).await?;
        let entry = Entry {
            action: "member.key_teacher",
            entity: "member",
            entity_id: Some(member_id),
            org_path: Some(m.branch_path.clone()),
            before: None,
            after: Some(serde_json::json!({"key_teacher": key_teacher})),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a member is marked a key teacher.
    pub async fn is_key_teacher(&self, actor: &Actor, member_id: i64) -> Result<bool> {
        storage::member::get(&self.db, &actor.scope(), member_id).await?.ok_or(ServiceError::NotFound)?;
        Ok(storage::recruit::member_key_teacher(&self.db, member_id).await?)
    }

    /// 双培养 in `org_id`'s subtree: current members who are key teachers, and all current members.
    pub async fn key_teacher_members(&self, actor: &Actor, org_id: i64) -> Result<(i64, i64)> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let (lo, hi) = org.org_path()?.subtree_bounds();
        Ok(storage::recruit::key_teacher_members(&self.db, &actor.scope(), &lo, &hi).await?)
    }
}
