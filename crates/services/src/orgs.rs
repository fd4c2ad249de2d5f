//! The organization tree: create, edit, move, close; committee posts.

use crate::{Entry, Result, ServiceError, Services, to_json};
use domain::FieldErrors;
use domain::codes::MemberStatus;
use domain::dates::Iso;
use domain::dates::parse_date;
use domain::org::{MoveError, OrgKind, OrgStatus, PostKind, UnitKind, check_move};
use domain::scope::{Action, Actor, Scope, Target, can};
use serde::{Deserialize, Serialize};
use storage::org::{self, OrgFields, OrgRow, PostRow};

/// The raw form of an org, as typed on a page or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgInput {
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = domain::org::OrgKind))]
    pub kind: String,
    pub unit_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = domain::org::UnitKind))]
    pub unit_kind: String,
    pub established_on: String,
    pub term_start_on: String,
    pub term_years: String,
}

impl OrgInput {
    pub fn from_row(o: &OrgRow) -> Self {
        Self {
            name: o.name.clone(),
            kind: o.kind.as_str().to_string(),
            unit_name: o.unit_name.clone(),
            unit_kind: o.unit_kind.as_str().to_string(),
            established_on: o.established_on.map(|d| d.to_string()).unwrap_or_default(),
            term_start_on: o.term_start_on.map(|d| d.to_string()).unwrap_or_default(),
            term_years: o.term_years.map(|y| y.to_string()).unwrap_or_default(),
        }
    }

    /// Parses every field, collecting all errors. CON-TERM: a committee's term is 3–5 years.
    pub fn validate(&self) -> std::result::Result<(OrgKind, OrgFields), FieldErrors> {
        let mut e = FieldErrors::new();
        let name = self.name.trim();
        if name.is_empty() {
            e.add("name", "请填写组织名称");
        } else if name.chars().count() > 100 {
            e.add("name", "组织名称不能超过 100 个字");
        }
        let kind = OrgKind::parse(&self.kind);
        if kind.is_none() {
            e.add("kind", "请选择组织类别（党委、党总支、党支部或党小组）");
        }
        let unit_kind =
            if self.unit_kind.trim().is_empty() { Some(UnitKind::Other) } else { UnitKind::parse(&self.unit_kind) };
        if unit_kind.is_none() {
            e.add("unit_kind", "请选择单位类别");
        }
        if self.unit_name.trim().chars().count() > 100 {
            e.add("unit_name", "单位名称不能超过 100 个字");
        }
        let mut date = |field: &str, v: &str| -> Option<String> {
            if v.trim().is_empty() {
                return None;
            }
            match parse_date(v) {
                Ok(d) => Some(d.iso()),
                Err(err) => {
                    e.add(field, err.to_string());
                    None
                }
            }
        };
        let established_on = date("established_on", &self.established_on);
        let term_start_on = date("term_start_on", &self.term_start_on);
        let term_years = if self.term_years.trim().is_empty() {
            None
        } else {
            match self.term_years.trim().parse::<i64>() {
                Ok(y) if (3..=5).contains(&y) => Some(y),
                _ => {
                    e.add("term_years", "任期应为 3 至 5 年（党章第三十一条）");
                    None
                }
            }
        };
        if term_start_on.is_some() && term_years.is_none() && e.get("term_years").is_none() {
            e.add("term_years", "填写了本届任期开始日期时，请同时填写任期年限");
        }
        match (kind, unit_kind, e.is_empty()) {
            (Some(kind), Some(unit_kind), true) => Ok((
                kind,
                OrgFields {
                    name: name.to_string(),
                    kind: kind.as_str().to_string(),
                    unit_name: self.unit_name.trim().to_string(),
                    unit_kind: unit_kind.as_str().to_string(),
                    established_on,
                    term_start_on,
                    term_years,
                },
            )),
            _ => Err(e),
        }
    }
}

/// An org with what its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct OrgDetail {
    pub org: OrgRow,
    /// The orgs above it that the viewer can see, root first.
    pub ancestors: Vec<OrgRow>,
    pub children: Vec<OrgRow>,
    pub posts: Vec<PostRow>,
    pub past_posts: Vec<PostRow>,
    pub current_members: i64,
}

fn move_error(e: MoveError) -> ServiceError {
    ServiceError::field("parent_id", e.to_string())
}

impl Services {
    /// Every active org the actor can see (closed ones too when asked), in tree order.
    pub async fn org_tree(&self, actor: &Actor, include_closed: bool) -> Result<Vec<OrgRow>> {
        Ok(org::list(&self.db, &actor.scope(), None, include_closed).await?)
    }

    pub async fn org(&self, actor: &Actor, id: i64) -> Result<OrgRow> {
        org::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)
    }

    pub async fn org_detail(&self, actor: &Actor, id: i64) -> Result<OrgDetail> {
        let scope = actor.scope();
        let o = org::get(&self.db, &scope, id).await?.ok_or(ServiceError::NotFound)?;
        let path = o.org_path()?;
        let ancestor_ids: Vec<i64> = path.ids().into_iter().filter(|i| *i != o.id).collect();
        let ancestors = org::by_ids(&self.db, &scope, &ancestor_ids).await?;
        let mut children: Vec<OrgRow> = org::list(&self.db, &scope, Some(&path), true)
            .await?
            .into_iter()
            .filter(|c| c.parent_id == Some(o.id))
            .collect();
        children
            .sort_by(|a, b| (a.status != OrgStatus::Active, &a.name).cmp(&(b.status != OrgStatus::Active, &b.name)));
        let all_posts = org::posts(&self.db, &actor.scope(), o.id, true).await?;
        let (posts, past_posts) = all_posts.into_iter().partition(|p| p.end_on.is_none());
        let mut tx = self.db.begin_read().await?;
        let current_members = org::current_member_count(&mut tx, &o).await?;
        tx.commit().await?;
        Ok(OrgDetail { org: o, ancestors, children, posts, past_posts, current_members })
    }

    /// Creates an org under `parent_id` (or a root committee when `None`).
    pub async fn create_org(&self, actor: &Actor, parent_id: Option<i64>, input: &OrgInput) -> Result<OrgRow> {
        let (kind, fields) = input.validate().map_err(ServiceError::Invalid)?;
        let mut tx = self.db.begin().await?;
        let parent = match parent_id {
            // Out of scope and nonexistent read the same (a field error, never a database error).
            Some(pid) => Some(
                org::get_in_tx(&mut tx, &actor.scope(), pid)
                    .await?
                    .ok_or_else(|| ServiceError::field("parent_id", "找不到该上级组织，或您无权管理"))?,
            ),
            None => None,
        };
        let allowed = match &parent {
            Some(p) => can(actor, Action::CreateChildOrg(kind), Target::Org(&p.org_path()?)),
            None => can(actor, Action::CreateChildOrg(kind), Target::Global),
        };
        if !allowed {
            return Err(ServiceError::Forbidden);
        }
        let parent_kind = parent.as_ref().map(|p| p.kind);
        if !kind.may_sit_under(parent_kind) {
            let msg = match parent_kind {
                Some(pk) => format!("{}不能设在{}之下", kind.label(), pk.label()),
                None => format!("{}必须设在上级组织之下", kind.label()),
            };
            return Err(ServiceError::field("kind", msg));
        }
        if parent.as_ref().is_some_and(|p| p.status == OrgStatus::Closed) {
            return Err(ServiceError::field("parent_id", "上级组织已撤销"));
        }
        let row = org::insert(&mut tx, parent.as_ref(), &fields).await?;
        crate::elections::typed_term(&mut tx, None, row.id, &fields).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "org.create",
                entity: "org",
                entity_id: Some(row.id),
                org_path: Some(row.path.clone()),
                before: None,
                after: to_json(&row),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Renames or edits an org's fields; its kind never changes.
    pub async fn update_org(&self, actor: &Actor, id: i64, input: &OrgInput) -> Result<OrgRow> {
        let mut tx = self.db.begin().await?;
        let before = org::get_in_tx(&mut tx, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        if !can(actor, Action::EditOrg, Target::Org(&before.org_path()?)) {
            return Err(ServiceError::Forbidden);
        }
        let mut input = input.clone();
        input.kind = before.kind.as_str().to_string();
        let (_, fields) = input.validate().map_err(ServiceError::Invalid)?;
        crate::elections::typed_term(&mut tx, Some(&before), id, &fields).await?;
        org::update_fields(&mut tx, id, &fields).await?;
        let after = org::get_in_tx(&mut tx, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "org.update",
                entity: "org",
                entity_id: Some(id),
                org_path: Some(after.path.clone()),
                before: to_json(&before),
                after: to_json(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Moves an org (with everything below it) under another parent. Refuses cycles, kind
    /// rules and moves that would take members out of their branch.
    pub async fn move_org(&self, actor: &Actor, id: i64, new_parent_id: i64) -> Result<OrgRow> {
        let scope = actor.scope();
        let mut tx = self.db.begin().await?;
        let o = org::get_in_tx(&mut tx, &scope, id).await?.ok_or(ServiceError::NotFound)?;
        let parent = org::get_in_tx(&mut tx, &scope, new_parent_id)
            .await?
            .ok_or_else(|| ServiceError::field("parent_id", "找不到该上级组织，或您无权管理"))?;
        let kind = o.kind;
        let path = o.org_path()?;
        let parent_path = parent.org_path()?;
        if !can(actor, Action::ReshapeOrg, Target::Org(&path))
            || !can(actor, Action::CreateChildOrg(kind), Target::Org(&parent_path))
        {
            return Err(ServiceError::Forbidden);
        }
        if o.parent_id == Some(parent.id) {
            return Err(ServiceError::field("parent_id", "该组织已在此上级组织之下"));
        }
        let members = org::current_member_count(&mut tx, &o).await? > 0;
        let parent_status = parent.status;
        check_move(&path, kind, Some((&parent_path, parent.kind, parent_status)), members).map_err(move_error)?;
        org::move_subtree(&mut tx, &o, &parent).await?;
        let after = org::get_in_tx(&mut tx, &Scope::everything(), id).await?.ok_or(ServiceError::NotFound)?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "org.move",
                entity: "org",
                entity_id: Some(id),
                org_path: Some(after.path.clone()),
                before: to_json(&o),
                after: to_json(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Closes an org (kept for history, hidden from daily lists). It must be empty: no active
    /// orgs below it and no current members in it.
    pub async fn close_org(&self, actor: &Actor, id: i64) -> Result<OrgRow> {
        let mut tx = self.db.begin().await?;
        let o = org::get_in_tx(&mut tx, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        if !can(actor, Action::ReshapeOrg, Target::Org(&o.org_path()?)) {
            return Err(ServiceError::Forbidden);
        }
        if o.status == OrgStatus::Closed {
            return Err(ServiceError::Conflict("该组织已撤销".into()));
        }
        if org::active_child_count(&mut tx, id).await? > 0 {
            return Err(ServiceError::Conflict("该组织下仍有未撤销的下级组织，请先撤销或移走下级组织".into()));
        }
        let n = org::current_member_count(&mut tx, &o).await?;
        if n > 0 {
            return Err(ServiceError::Conflict(format!("该组织仍有 {n} 名党员，请先将党员转到其他组织")));
        }
        org::close(&mut tx, id, &self.today().iso()).await?;
        let after = org::get_in_tx(&mut tx, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "org.close",
                entity: "org",
                entity_id: Some(id),
                org_path: Some(after.path.clone()),
                before: to_json(&o),
                after: to_json(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Appoints a member to a post on an org's committee from `start_on`. The member must be a
    /// current member within the org's subtree, and the post must be vacant.
    pub async fn add_post(
        &self,
        actor: &Actor,
        org_id: i64,
        member_id: i64,
        post: &str,
        start_on: &str,
    ) -> Result<i64> {
        let scope = actor.scope();
        let mut e = FieldErrors::new();
        let post_kind = PostKind::parse(post);
        if post_kind.is_none() {
            e.add("post", "请选择职务");
        }
        let start = match parse_date(start_on) {
            Ok(d) => Some(d),
            Err(err) => {
                e.add("start_on", err.to_string());
                None
            }
        };
        let mut tx = self.db.begin().await?;
        let o = org::get_in_tx(&mut tx, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = o.org_path()?;
        if !can(actor, Action::ManagePosts, Target::Org(&path)) {
            return Err(ServiceError::Forbidden);
        }
        if o.kind == OrgKind::Group {
            e.add("post", "党小组不设委员会职务");
        }
        let m = storage::member::get_in_tx(&mut tx, &scope, member_id).await?;
        match &m {
            Some(m) if m.branch_org_path()?.is_within(&path) && m.status.is_current() => {
                if m.status == MemberStatus::Probationary {
                    // CON-PROB-RIGHTS: probationary members cannot be elected.
                    e.add("member_id", "预备党员没有被选举权，不能担任委员会职务");
                }
            }
            _ => e.add("member_id", "请选择本组织内的在册党员"),
        }
        let (Some(post_kind), Some(start)) = (post_kind, start) else {
            return Err(ServiceError::Invalid(e));
        };
        if let Some(holder) = org::open_post(&mut tx, org_id, post_kind.as_str()).await? {
            e.add("post", format!("{}目前由{}担任，请先办理卸任", post_kind.label(), holder.member_name));
        }
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let start = start.iso();
        let id = org::insert_post(&mut tx, org_id, member_id, post_kind.as_str(), &start).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "post.appoint",
                entity: "org_post",
                entity_id: Some(id),
                org_path: Some(o.path.clone()),
                before: None,
                after: Some(serde_json::json!({"org_id": org_id, "member_id": member_id, "post": post_kind.as_str(), "start_on": start})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Ends a post on `end_on` (not before it started); returns the org's id.
    pub async fn end_post(&self, actor: &Actor, post_id: i64, end_on: &str) -> Result<i64> {
        let end = parse_date(end_on).map_err(|e| ServiceError::field("end_on", e.to_string()))?;
        let mut tx = self.db.begin().await?;
        let p = org::post_in_tx(&mut tx, post_id).await?.ok_or(ServiceError::NotFound)?;
        let o = org::get_in_tx(&mut tx, &actor.scope(), p.org_id).await?.ok_or(ServiceError::NotFound)?;
        if !can(actor, Action::ManagePosts, Target::Org(&o.org_path()?)) {
            return Err(ServiceError::Forbidden);
        }
        if p.end_on.is_some() {
            return Err(ServiceError::Conflict("该职务已卸任".into()));
        }
        if end < p.start_on {
            return Err(ServiceError::field("end_on", "卸任日期不能早于任职日期"));
        }
        org::end_post(&mut tx, post_id, &end.iso()).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "post.end",
                entity: "org_post",
                entity_id: Some(post_id),
                org_path: Some(o.path.clone()),
                before: to_json(&p),
                after: Some(serde_json::json!({"end_on": end})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(o.id)
    }
}
