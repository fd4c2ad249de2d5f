//! Transfers into the system from a paper letter (转入, EDU-TRANSFER): the receiving branch
//! records the letter it received (number, origin, date, dues paid up to) and the member it
//! brings, creating the member, or re-activating one recorded here as 已转出. The member belongs
//! to the branch from the day received and owes dues from the month after the letter's "dues
//! paid up to" (DUES-PROBATIONARY's exception for a transfer in).

use domain::FieldErrors;
use domain::codes::MemberStatus;
use domain::dates::{Iso, add_months, parse_year_month};
use domain::family::lifecycle::{TransferKind, TransferState};
use domain::member::MemberInput;
use domain::scope::{Actor, Scope};
use serde::Deserialize;
use storage::transfer::NewTransfer;

use crate::dues::records::{day, text};
use crate::{Entry, Result, ServiceError, Services};

/// A letter received from outside the system, with the member it brings.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterIn {
    /// The letter's number (第 号).
    pub letter_no: String,
    /// The sending org (转出党组织), as the letter names it.
    pub origin: String,
    pub issued_on: String,
    /// The day the branch received the member.
    pub received_on: String,
    /// The month dues are paid up to, "2026-10".
    pub dues_paid_to: String,
    /// The member as the letter describes them (full or probationary).
    pub member: MemberInput,
}

/// What recording a letter did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    pub member_id: i64,
    pub transfer_id: i64,
    /// The member was recorded here before (已转出) and is active again.
    pub reactivated: bool,
}

impl Services {
    /// Records a letter into the system at `branch_id`: every field error at once, nothing
    /// written unless all are fixed.
    pub async fn receive_letter(&self, actor: &Actor, branch_id: i64, letter: &LetterIn) -> Result<Received> {
        let today = self.today();
        // The branch is in the path: one the actor does not see is not found, whatever the body.
        storage::org::get(&self.db, &actor.scope(), branch_id).await?.ok_or(ServiceError::NotFound)?;
        let mut e = FieldErrors::new();
        let fields = match letter.member.validate(today) {
            Ok(f) => Some(f),
            Err(errs) => {
                e = errs;
                None
            }
        };
        let letter_no = text(&mut e, "letter_no", &letter.letter_no, Some("介绍信编号"), 50);
        let origin = text(&mut e, "origin", &letter.origin, Some("转出党组织"), 100);
        let issued_on = day(&mut e, "issued_on", &letter.issued_on, today);
        let received_on = day(&mut e, "received_on", &letter.received_on, today);
        let paid_to = match parse_year_month(&letter.dues_paid_to) {
            Ok(m) => Some(m),
            Err(err) => {
                e.add("dues_paid_to", err.message().to_string());
                None
            }
        };
        let mut tx = self.db.begin().await?;
        let placement = self.placement(&mut tx, actor, branch_id, None, &mut e).await?;
        let (Some(fields), Some(placement), Some(issued_on), Some(received_on), Some(paid_to)) =
            (fields, placement, issued_on, received_on, paid_to)
        else {
            return Err(ServiceError::Invalid(e));
        };
        if received_on < issued_on {
            e.add("received_on", "接收日期不能早于介绍信开具日期");
        }
        if !fields.status.is_active() {
            e.add("status", "介绍信上的党员应为正式党员或预备党员");
        }
        if received_on <= fields.joined_on {
            e.add("received_on", "接收日期应晚于入党日期");
        }
        let existing = storage::member::id_by_id_number(&mut tx, fields.id_number.as_str()).await?;
        let before = match existing {
            Some(id) => {
                let m = storage::member::get_in_tx(&mut tx, &Scope::everything(), id)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                if m.status != MemberStatus::TransferredOut {
                    e.add("id_number", "该党员在册，系统内调动请由其所在党支部办理组织关系转接");
                } else if received_on <= m.status_changed_on {
                    e.add("received_on", "接收日期应晚于该党员转出的日期");
                }
                Some(m)
            }
            None => None,
        };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let data = crate::members::to_data(&fields);
        let on = received_on.iso();
        let member_id = match &before {
            Some(m) => {
                let day_before = received_on.pred_opt().unwrap_or(received_on).iso();
                storage::member::relocate(&mut tx, m, &placement, &on, &day_before).await?;
                storage::transfer::set_member_status(&mut tx, m.id, fields.status, received_on).await?;
                m.id
            }
            None => storage::member::insert(&mut tx, &data, &placement, &on).await?,
        };
        let owes_from = add_months(paid_to, 1);
        storage::transfer::set_dues_owed_from(&mut tx, member_id, owes_from).await?;
        let row = NewTransfer {
            member_id,
            kind: TransferKind::In,
            state: TransferState::Received,
            from_org_id: None,
            to_org_id: Some(placement.branch_id),
            counterpart: origin.clone(),
            member_name: fields.name.as_str().to_string(),
            gender: fields.gender,
            ethnicity: fields.ethnicity.code().to_string(),
            birth_date: fields.birth_date,
            id_number: Some(fields.id_number.as_str().to_string()),
            member_status: fields.status,
            letter_no,
            issued_on,
            valid_days: 0,
            dues_paid_to: Some(paid_to),
            reason: "由系统外转入".into(),
            settled_on: Some(received_on),
        };
        let transfer_id = storage::transfer::insert(&mut tx, &row, actor.account_id).await?;
        let after = serde_json::json!({
            "member_id": member_id, "origin": origin, "letter_no": row.letter_no, "issued_on": issued_on.iso(),
            "received_on": on, "dues_paid_to": paid_to.format("%Y-%m").to_string(), "reactivated": before.is_some(),
        });
        let entry = Entry {
            action: "transfer.in",
            entity: "transfer",
            entity_id: Some(transfer_id),
            org_path: Some(placement.branch_path.clone()),
            before: None,
            after: Some(after),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(Received { member_id, transfer_id, reactivated: before.is_some() })
    }
}
