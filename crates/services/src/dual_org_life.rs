//! 双重组织生活: leading cadres who take part in a branch's organizational life, and finding the
//! member a form names (by name, or by ID number when two share a name).

use crate::{Entry, Result, ServiceError, Services};
use domain::dates::{Iso, parse_date};
use domain::org::{OrgKind, OrgStatus};
use domain::scope::{Action, Actor, Target, can};
use storage::meeting::{self, DualRow};

impl Services {
    /// Leading cadres taking part in the org's organizational life (双重组织生活).
    pub async fn duals(&self, actor: &Actor, org_id: i64) -> Result<Vec<DualRow>> {
        storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        Ok(meeting::duals(&self.db, &actor.scope(), org_id).await?)
    }

    /// Adds a leading cadre to an org's organizational life from `start_on`. The cadre is found
    /// by ID number, or by a name that is unique among the members the actor can see.
    pub async fn add_dual(&self, actor: &Actor, org_id: i64, who: &str, start_on: &str) -> Result<i64> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        if !can(actor, Action::EditOrg, Target::Org(&org.org_path()?)) || org.status != OrgStatus::Active {
            return Err(ServiceError::Forbidden);
        }
        if org.kind != OrgKind::Branch {
            return Err(ServiceError::field("who", "双重组织生活只能编入党支部"));
        }
        let start = parse_date(start_on).map_err(|e| ServiceError::field("start_on", e.to_string()))?;
        let who = who.trim();
        let member = self.find_member(actor, who).await?;
        if member.branch_id == org.id {
            return Err(ServiceError::field("who", format!("{}是本支部党员，无需编入", member.name)));
        }
        let current = meeting::duals(&self.db, &actor.scope(), org.id).await?;
        if current.iter().any(|d| d.member_id == member.id && d.end_on.is_none()) {
            return Err(ServiceError::field("who", format!("{}已参加本支部组织生活", member.name)));
        }
        let on = start.iso();
        let mut tx = self.db.begin().await?;
        let id = meeting::add_dual(&mut tx, member.id, org.id, &on, actor.account_id).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "dual_org_life.add",
                entity: "org",
                entity_id: Some(org.id),
                org_path: Some(org.path.clone()),
                before: None,
                after: Some(serde_json::json!({ "member_id": member.id, "start_on": on })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Ends a cadre's participation from today (the history stays).
    pub async fn end_dual(&self, actor: &Actor, org_id: i64, dual_id: i64) -> Result<()> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        if !can(actor, Action::EditOrg, Target::Org(&org.org_path()?)) {
            return Err(ServiceError::Forbidden);
        }
        let on = self.today().iso();
        let mut tx = self.db.begin().await?;
        if meeting::end_dual(&mut tx, dual_id, org.id, &on).await? == 0 {
            return Err(ServiceError::NotFound);
        }
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "dual_org_life.end",
                entity: "org",
                entity_id: Some(org.id),
                org_path: Some(org.path.clone()),
                before: Some(serde_json::json!({ "dual_id": dual_id })),
                after: Some(serde_json::json!({ "end_on": on })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A member the actor can see, by ID number or by a unique name.
    async fn find_member(&self, actor: &Actor, who: &str) -> Result<storage::member::MemberRow> {
        self.member_named(actor, who, "who").await
    }

    /// The current member the actor can see with this name or ID number; a field error under
    /// `field` when there is none, or several of that name.
    pub async fn member_named(&self, actor: &Actor, who: &str, field: &str) -> Result<storage::member::MemberRow> {
        let scope = actor.scope();
        let who = who.trim();
        if who.is_empty() {
            return Err(ServiceError::field(field, "请填写党员姓名或身份证号"));
        }
        let by_number = who.len() == 18 && who.chars().all(|c| c.is_ascii_alphanumeric());
        let not_found = || ServiceError::field(field, format!("在您的管理范围内找不到党员“{who}”"));
        if by_number {
            let found = storage::roster::by_id_numbers(&self.db, &[who.to_uppercase()]).await?;
            let Some(r) = found.first() else { return Err(not_found()) };
            return storage::member::get(&self.db, &scope, r.id).await?.ok_or_else(not_found);
        }
        let filter = storage::member::MemberFilter {
            per_page: 5,
            name_prefix: Some(who.to_string()),
            statuses: vec!["full".into(), "probationary".into()],
            ..Default::default()
        };
        let (rows, _) = storage::member::list(&self.db, &scope, &filter).await?;
        let mut exact: Vec<_> = rows.into_iter().filter(|m| m.name == who).collect();
        match exact.len() {
            0 => Err(not_found()),
            1 => exact.pop().ok_or_else(not_found),
            _ => Err(ServiceError::field(field, format!("有多名党员叫“{who}”，请改填身份证号"))),
        }
    }
}
