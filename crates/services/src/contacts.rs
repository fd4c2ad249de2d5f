//! The contact log of mobile members (流动党员, EDU-FLOATING): the branch records each contact
//! with a member away; the full check reads the latest one.

use domain::FieldErrors;
use domain::scope::{Action, Actor, Target, can};
use serde::{Deserialize, Serialize};
pub use storage::contact::ContactRow;

use crate::dues::records::{day, text};
use crate::{Entry, Result, ServiceError, Services};

/// A contact as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactForm {
    pub contacted_on: String,
    /// 电话, 微信, 走访, 信函 ….
    pub way: String,
    /// Who made the contact.
    pub by_name: String,
    #[serde(default)]
    pub note: String,
}

/// A member's contact log.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactsView {
    pub member_id: i64,
    pub name: String,
    pub mobile_member: bool,
    pub destination: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub contacts: Vec<ContactRow>,
    /// The member's records of being away (外出登记), newest first.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub away: Vec<storage::away::AwayRow>,
    pub can_record: bool,
}

impl Services {
    /// The member's contact log.
    pub async fn contacts_of_member(&self, actor: &Actor, member_id: i64) -> Result<ContactsView> {
        let m = storage::member::get(&self.db, &actor.scope(), member_id).await?.ok_or(ServiceError::NotFound)?;
        let branch = m.branch_org_path()?;
        Ok(ContactsView {
            member_id,
            name: m.name.clone(),
            mobile_member: m.mobile_member,
            destination: m.mobile_destination.clone().unwrap_or_default(),
            contacts: storage::contact::of_member(&self.db, &actor.scope(), member_id).await?,
            away: storage::away::of_member(&self.db, &actor.scope(), member_id).await?,
            can_record: can(actor, Action::EditMember, Target::Member { member_id, branch: &branch }),
        })
    }

    /// Records a contact with a member (not after today).
    pub async fn record_contact(&self, actor: &Actor, member_id: i64, form: &ContactForm) -> Result<i64> {
        let today = self.today();
        let mut tx = self.db.begin().await?;
        let m = self.member_to_edit(&mut tx, actor, member_id).await?;
        let mut e = FieldErrors::new();
        let on = day(&mut e, "contacted_on", &form.contacted_on, today);
        let way = text(&mut e, "way", &form.way, Some("联系方式"), 50);
        let by_name = text(&mut e, "by_name", &form.by_name, Some("联系人"), 50);
        let note = text(&mut e, "note", &form.note, None, 500);
        let Some(on) = on.filter(|_| e.is_empty()) else { return Err(ServiceError::Invalid(e)) };
        let id = storage::contact::insert(&mut tx, member_id, on, &way, &by_name, &note, actor.account_id).await?;
        let after = serde_json::json!({"contacted_on": on.to_string(), "way": way, "by_name": by_name, "note": note});
        let entry = Entry {
            action: "member.contact",
            entity: "member",
            entity_id: Some(member_id),
            org_path: Some(m.branch_path.clone()),
            before: None,
            after: Some(after),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(id)
    }
}
