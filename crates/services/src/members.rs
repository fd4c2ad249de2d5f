//! The member registry: list with filters, detail with history, create, edit, move between
//! branches. id_number and phone leave this module masked unless the viewer may see them whole
//! and asked to; every whole view is audited.

use crate::{Entry, Result, ServiceError, Services, to_json};
use chrono::NaiveDate;
use domain::FieldErrors;
use domain::codes::{Education, Gender, MemberStatus};
use domain::dates::Iso;
use domain::dates::{AgeBand, parse_date};
use domain::member::{MemberFields, MemberInput, Phone, mask_id_number, mask_phone};
use domain::org::{OrgKind, OrgStatus};
use domain::scope::{Action, Actor, Target, can};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use storage::member::{
    self, MemberData, MemberFilter, MemberPostRow, MemberRow, Placement, SortKey, SpanRow, StatusChangeRow,
};
use storage::org;

/// The query string of the member list, as typed. Empty means "any".
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    /// Name prefix.
    pub q: String,
    /// Only members in this org's subtree.
    pub org: String,
    /// A status identifier, or empty for the current members (probationary and full), or
    /// `all`.
    pub status: String,
    pub gender: String,
    pub education: String,
    pub joined_from: String,
    pub joined_to: String,
    pub age_band: String,
    pub sort: String,
    pub dir: String,
    pub page: String,
    pub per_page: String,
}

impl ListQuery {
    /// Parses the query into a storage filter, naming every bad field.
    pub fn to_filter(&self, as_of: NaiveDate) -> std::result::Result<(MemberFilter, Option<i64>), FieldErrors> {
        let mut e = FieldErrors::new();
        let mut f = MemberFilter { per_page: 20, page: 1, ..Default::default() };
        let q = self.q.trim();
        if !q.is_empty() {
            f.name_prefix = Some(q.chars().take(50).collect());
        }
        let org_id = if self.org.trim().is_empty() {
            None
        } else {
            match self.org.trim().parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    e.add("org", "组织编号无效");
                    None
                }
            }
        };
        match self.status.trim() {
            "" => f.statuses = vec!["probationary".into(), "full".into()],
            "all" => {}
            s => match MemberStatus::parse(s) {
                Some(st) => f.statuses = vec![st.as_str().into()],
                None => e.add("status", "党员状态无效"),
            },
        }
        if !self.gender.trim().is_empty() {
            match Gender::parse(&self.gender) {
                Some(g) => f.gender = Some(g.as_str().into()),
                None => e.add("gender", "性别无效"),
            }
        }
        if !self.education.trim().is_empty() {
            match Education::parse(&self.education) {
                Some(ed) => f.education = Some(ed.code().into()),
                None => e.add("education", "学历无效"),
            }
        }
        for (field, raw, slot) in
            [("joined_from", &self.joined_from, &mut f.joined_from), ("joined_to", &self.joined_to, &mut f.joined_to)]
        {
            if !raw.trim().is_empty() {
                match parse_date(raw) {
                    Ok(d) => *slot = Some(d.iso()),
                    Err(err) => e.add(field, err.to_string()),
                }
            }
        }
        if !self.age_band.trim().is_empty() {
            match AgeBand::parse(&self.age_band) {
                Some(band) => {
                    let (from, to) = band.birth_date_bounds(as_of);
                    f.born_from = from.map(|d| d.iso());
                    f.born_to = to.map(|d| d.iso());
                }
                None => e.add("age_band", "年龄段无效"),
            }
        }
        if !self.sort.trim().is_empty() {
            match SortKey::parse(self.sort.trim()) {
                Some(s) => f.sort = s,
                None => e.add("sort", "排序字段无效"),
            }
        }
        f.descending = self.dir.trim() == "desc";
        if !self.page.trim().is_empty() {
            match self.page.trim().parse::<i64>() {
                Ok(p) if p >= 1 => f.page = p,
                _ => e.add("page", "页码应为正整数"),
            }
        }
        if !self.per_page.trim().is_empty() {
            match self.per_page.trim().parse::<i64>() {
                Ok(p) if (1..=200).contains(&p) => f.per_page = p,
                _ => e.add("per_page", "每页条数应为 1 到 200"),
            }
        }
        e.into_result((f, org_id))
    }
}

/// A member as the viewer may see it: id_number and phone masked unless `revealed`.
#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    #[serde(flatten)]
    pub row: MemberRow,
    pub revealed: bool,
}

impl MemberView {
    /// The member with ID number, phone and address masked.
    pub(crate) fn masked(mut row: MemberRow) -> Self {
        row.id_number = mask_id_number(&row.id_number);
        row.phone = row.phone.as_deref().map(mask_phone);
        row.address = row.address.as_deref().map(domain::member::mask_address);
        Self { row, revealed: false }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MemberPage {
    pub members: Vec<MemberView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// True when more members match than are counted: `total` is then a lower bound
    /// (counting stops after storage::member::LIST_TOTAL_CAP).
    pub total_capped: bool,
    /// The page as JSON, made once per cached page rather than once per request.
    #[serde(skip)]
    json: std::sync::OnceLock<String>,
}

impl MemberPage {
    pub fn empty(per_page: i64) -> Self {
        Self { page: 1, per_page, ..Default::default() }
    }

    /// The page as the API serializes it, made by `make` on first use and then reused while
    /// the page is cached. A failure is returned and not kept.
    pub fn cached_json<E>(
        &self,
        make: impl FnOnce(&Self) -> std::result::Result<String, E>,
    ) -> std::result::Result<&str, E> {
        if let Some(json) = self.json.get() {
            return Ok(json);
        }
        let json = make(self)?;
        Ok(self.json.get_or_init(|| json))
    }
}

/// What the detail page shows, and what the viewer may do there.
#[derive(Debug, Clone, Serialize)]
pub struct MemberDetail {
    pub member: MemberView,
    pub spans: Vec<SpanRow>,
    pub status_changes: Vec<StatusChangeRow>,
    pub posts: Vec<MemberPostRow>,
    pub can_edit: bool,
    pub can_edit_contact: bool,
    pub can_reveal: bool,
}

pub(crate) fn to_data(f: &MemberFields) -> MemberData {
    MemberData {
        name: f.name.as_str().to_string(),
        gender: f.gender.as_str().to_string(),
        ethnicity: f.ethnicity.code().to_string(),
        birth_date: f.birth_date.iso(),
        id_number: f.id_number.as_str().to_string(),
        phone: f.phone.as_ref().map(|p| p.as_str().to_string()),
        education: f.education.map(|e| e.code().to_string()),
        degree: f.degree.clone(),
        occupation: f.occupation.map(|o| o.identifier().to_string()),
        post: f.post.clone(),
        unit_name: f.unit_name.clone(),
        joined_on: f.joined_on.iso(),
        confirmed_on: f.confirmed_on.map(|d| d.iso()),
        probation_extension_months: f.probation_extension_months.map(i64::from),
        status: f.status.as_str().to_string(),
        dues_category: f.dues_category.as_str().to_string(),
        address: f.address.clone(),
        lost_contact: f.lost_contact,
        lost_contact_since: f.lost_contact_since.map(|d| d.iso_month()),
        mobile_member: f.mobile_member,
        mobile_destination: f.mobile_destination.clone(),
        remark: f.remark.clone(),
    }
}

/// The stored member as the raw form, for an edit page.
pub fn input_of(m: &MemberRow) -> MemberInput {
    MemberInput {
        name: m.name.clone(),
        gender: m.gender.as_str().to_string(),
        ethnicity: m.ethnicity.clone(),
        birth_date: m.birth_date.to_string(),
        id_number: m.id_number.clone(),
        phone: m.phone.clone().unwrap_or_default(),
        education: m.education.clone().unwrap_or_default(),
        degree: m.degree.clone().unwrap_or_default(),
        occupation: m.occupation.clone().unwrap_or_default(),
        post: m.post.clone().unwrap_or_default(),
        unit_name: m.unit_name.clone().unwrap_or_default(),
        joined_on: m.joined_on.to_string(),
        confirmed_on: m.confirmed_on.map(|d| d.to_string()).unwrap_or_default(),
        probation_extension_months: m.probation_extension_months.map(|n| n.to_string()).unwrap_or_default(),
        status: m.status.as_str().to_string(),
        dues_category: m.dues_category.as_str().to_string(),
        address: m.address.clone().unwrap_or_default(),
        lost_contact: yes_no(m.lost_contact),
        lost_contact_since: m.lost_contact_since.clone().unwrap_or_default(),
        mobile_member: yes_no(m.mobile_member),
        mobile_destination: m.mobile_destination.clone().unwrap_or_default(),
        remark: m.remark.clone().unwrap_or_default(),
    }
}

/// 是 / 否 for a stored flag, as forms and sheets write it.
pub fn yes_no(flag: bool) -> String {
    if flag { "是" } else { "否" }.to_string()
}

/// A masked snapshot for the audit log: the chain keeps no whole ID numbers either.
fn audit_snapshot(d: &MemberData) -> Option<serde_json::Value> {
    let mut d = d.clone();
    d.id_number = mask_id_number(&d.id_number);
    d.phone = d.phone.as_deref().map(mask_phone);
    to_json(&d)
}

pub(crate) fn scope_key(actor: &Actor) -> String {
    let s = actor.scope();
    let paths: Vec<&str> = s.subtrees.iter().map(|p| p.as_str()).collect();
    format!("{}:{}:{:?}", s.all, paths.join(","), s.own_member_id)
}

/// Member lists count their total up to this many (see [`MemberPage::total`]).
pub const LIST_TOTAL_CAP: i64 = storage::member::LIST_TOTAL_CAP;

impl Services {
    pub async fn member_list(&self, actor: &Actor, q: &ListQuery) -> Result<Arc<MemberPage>> {
        let as_of = self.today();
        let writes = self.db.write_count();
        let ttl = Duration::from_millis(self.list_cache_ms);
        let key = format!("{}|{as_of}|{q:?}", scope_key(actor));
        if self.list_cache_ms > 0
            && let Some(hit) = self.list_cache.get(&key, writes, ttl)
        {
            return Ok(hit);
        }
        let (mut f, org_id) = q.to_filter(as_of).map_err(ServiceError::Invalid)?;
        if let Some(org_id) = org_id {
            let o = org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
            f.subtree = Some(o.org_path()?);
        }
        let (rows, total) = member::list(&self.db, &actor.scope(), &f).await?;
        let page = Arc::new(MemberPage {
            members: rows.into_iter().map(MemberView::masked).collect(),
            total,
            page: f.page,
            per_page: f.per_page,
            total_capped: total > storage::member::LIST_TOTAL_CAP,
            json: Default::default(),
        });
        if self.list_cache_ms > 0 {
            self.list_cache.put(key, writes, page.clone());
        }
        Ok(page)
    }

    /// A member's detail. With `reveal`, id_number and phone are shown whole, if the viewer's
    /// role allows it, and the view is audited.
    pub async fn member_detail(&self, actor: &Actor, id: i64, reveal: bool) -> Result<MemberDetail> {
        let row = member::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let branch = row.branch_org_path()?;
        let target = Target::Member { member_id: id, branch: &branch };
        if !can(actor, Action::ViewMember, target) {
            return Err(ServiceError::NotFound);
        }
        let can_reveal = can(actor, Action::RevealPersonalData, target);
        let view = if reveal {
            if !can_reveal {
                return Err(ServiceError::Forbidden);
            }
            let mut tx = self.db.begin().await?;
            self.audit(
                &mut tx,
                actor,
                Entry {
                    action: "member.reveal",
                    entity: "member",
                    entity_id: Some(id),
                    org_path: Some(row.branch_path.clone()),
                    before: None,
                    after: Some(serde_json::json!({"fields": ["id_number", "phone", "address"]})),
                },
            )
            .await?;
            tx.commit().await?;
            MemberView { row, revealed: true }
        } else {
            MemberView::masked(row)
        };
        Ok(MemberDetail {
            spans: member::spans(&self.db, &actor.scope(), id).await?,
            status_changes: member::status_changes(&self.db, &actor.scope(), id).await?,
            posts: member::posts_of(&self.db, &actor.scope(), id).await?,
            can_edit: can(actor, Action::EditMember, target),
            can_edit_contact: can(actor, Action::EditOwnContact, target),
            can_reveal,
            member: view,
        })
    }

    /// Resolves a branch (and optional group inside it) for placing a member.
    pub(crate) async fn placement(
        &self,
        tx: &mut storage::Tx,
        actor: &Actor,
        branch_id: i64,
        group_id: Option<i64>,
        e: &mut FieldErrors,
    ) -> Result<Option<Placement>> {
        let scope = actor.scope();
        // A reference in the request body: a field error (400), never a database error. Out of
        // scope and nonexistent read the same, so guessed ids learn nothing.
        let Some(b) = org::get_in_tx(tx, &scope, branch_id).await? else {
            e.add("branch_id", "找不到该党支部，或您无权管理");
            return Ok(None);
        };
        if b.kind != OrgKind::Branch || b.status != OrgStatus::Active {
            e.add("branch_id", "党员只能编入正常状态的党支部");
            return Ok(None);
        }
        if !can(actor, Action::CreateMember, Target::Org(&b.org_path()?)) {
            return Err(ServiceError::Forbidden);
        }
        if let Some(gid) = group_id {
            match org::get_in_tx(tx, &scope, gid).await? {
                Some(g) if g.parent_id == Some(b.id) && g.kind == OrgKind::Group && g.status == OrgStatus::Active => {}
                _ => {
                    e.add("group_id", "党小组必须属于所选党支部");
                    return Ok(None);
                }
            }
        }
        Ok(Some(Placement { branch_id: b.id, branch_path: b.path.clone(), group_id }))
    }

    /// Registers a member in a branch. Every field error is reported at once; nothing is saved
    /// unless all are fixed.
    pub async fn create_member(
        &self,
        actor: &Actor,
        branch_id: i64,
        group_id: Option<i64>,
        input: &MemberInput,
    ) -> Result<i64> {
        let as_of = self.today();
        let mut e = FieldErrors::new();
        let fields = match input.validate(as_of) {
            Ok(f) => Some(f),
            Err(errs) => {
                e = errs;
                None
            }
        };
        let mut tx = self.db.begin().await?;
        let placement = self.placement(&mut tx, actor, branch_id, group_id, &mut e).await?;
        let (Some(fields), Some(placement)) = (fields, placement) else {
            return Err(ServiceError::Invalid(e));
        };
        if member::id_by_id_number(&mut tx, fields.id_number.as_str()).await?.is_some() {
            return Err(ServiceError::field("id_number", "该身份证号已登记在册，请勿重复录入"));
        }
        if !fields.status.is_active() {
            return Err(ServiceError::field("status", DECISION_FLOW));
        }
        let data = to_data(&fields);
        let since = fields.joined_on.iso();
        let id = member::insert(&mut tx, &data, &placement, &since).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "member.create",
                entity: "member",
                entity_id: Some(id),
                org_path: Some(placement.branch_path.clone()),
                before: None,
                after: audit_snapshot(&data),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Edits a member's fields. The status may change only between probationary and full here
    /// (a correction), recorded as of `status_on` (default today); every other change is a
    /// decision ([`crate::decisions`]) or a transfer.
    pub async fn update_member(&self, actor: &Actor, id: i64, input: &MemberInput, status_on: &str) -> Result<()> {
        let as_of = self.today();
        let mut tx = self.db.begin().await?;
        let before = member::get_in_tx(&mut tx, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let branch = before.branch_org_path()?;
        if !can(actor, Action::EditMember, Target::Member { member_id: id, branch: &branch }) {
            return Err(ServiceError::Forbidden);
        }
        // Editors who may not see personal data whole get masked values in the form; a masked
        // value sent back unchanged means "keep what is stored".
        let mut input = input.clone();
        if input.id_number.contains('*') && input.id_number == mask_id_number(&before.id_number) {
            input.id_number = before.id_number.clone();
        }
        if let Some(stored) = &before.phone
            && input.phone.contains('*')
            && input.phone == mask_phone(stored)
        {
            input.phone = stored.clone();
        }
        let fields = input.validate(as_of).map_err(ServiceError::Invalid)?;
        let on = if status_on.trim().is_empty() {
            as_of
        } else {
            parse_date(status_on).map_err(|e| ServiceError::field("status_on", e.to_string()))?
        };
        if on > as_of {
            return Err(ServiceError::field("status_on", "状态变更日期不能晚于今天"));
        }
        if let Some(other) = member::id_by_id_number(&mut tx, fields.id_number.as_str()).await?
            && other != id
        {
            return Err(ServiceError::field("id_number", "该身份证号已登记在另一名党员名下"));
        }
        if !free_status_change(before.status, fields.status) {
            return Err(ServiceError::field("status", DECISION_FLOW));
        }
        let data = to_data(&fields);
        let status_changed = data.status != before.status.as_str();
        member::update(&mut tx, id, &data, status_changed, &on.iso()).await?;
        let before_data = data_of_row(&before);
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "member.update",
                entity: "member",
                entity_id: Some(id),
                org_path: Some(before.branch_path.clone()),
                before: audit_snapshot(&before_data),
                after: audit_snapshot(&data),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A member edits their own contact fields (or a keeper edits them).
    pub async fn update_member_contact(&self, actor: &Actor, id: i64, phone: &str) -> Result<()> {
        let phone = if phone.trim().is_empty() {
            None
        } else {
            Some(Phone::parse(phone).map_err(|e| ServiceError::field("phone", e.to_string()))?)
        };
        let mut tx = self.db.begin().await?;
        let before = member::get_in_tx(&mut tx, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let branch = before.branch_org_path()?;
        if !can(actor, Action::EditOwnContact, Target::Member { member_id: id, branch: &branch }) {
            return Err(ServiceError::Forbidden);
        }
        member::update_phone(&mut tx, id, phone.as_ref().map(|p| p.as_str())).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "member.update_contact",
                entity: "member",
                entity_id: Some(id),
                org_path: Some(before.branch_path.clone()),
                before: Some(serde_json::json!({"phone": before.phone.as_deref().map(mask_phone)})),
                after: Some(serde_json::json!({"phone": phone.as_ref().map(|p| p.masked())})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The months in which a member did not do the work the party assigned (CON-LAPSE's third
    /// condition), newest first. Anyone who sees the member sees them.
    pub async fn work_refusals(&self, actor: &Actor, id: i64) -> Result<Vec<member::WorkRefusalRow>> {
        let row = member::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let branch = row.branch_org_path()?;
        if !can(actor, Action::ViewMember, Target::Member { member_id: id, branch: &branch }) {
            return Err(ServiceError::NotFound);
        }
        Ok(member::work_refusals(&self.db, &actor.scope(), id).await?)
    }

    /// Records that a member did not do the work the party assigned in `month` ("YYYY-MM"),
    /// without good reason, with what was assigned (CON-LAPSE: six such consecutive months mean the
    /// member has lapsed). Those who edit the member record it; audited.
    pub async fn record_work_refusal(&self, actor: &Actor, id: i64, month: &str, note: &str) -> Result<i64> {
        let month_day = domain::dates::parse_year_month(month.trim())
            .map_err(|e| ServiceError::field("month", e.message().to_string()))?;
        let note = note.trim();
        let mut e = FieldErrors::new();
        if month_day > self.today() {
            e.add("month", "月份不能晚于本月");
        }
        if note.chars().count() < 4 {
            e.add("note", "请写明分配的工作和未完成的情况（至少 4 个字）");
        } else if note.chars().count() > 500 {
            e.add("note", "情况说明不能超过 500 个字");
        }
        let mut tx = self.db.begin().await?;
        let m = member::get_in_tx(&mut tx, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let branch = m.branch_org_path()?;
        if !can(actor, Action::EditMember, Target::Member { member_id: id, branch: &branch }) {
            return Err(ServiceError::Forbidden);
        }
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let month_s = chrono::Datelike::with_day(&month_day, 1).unwrap_or(month_day).iso();
        if !member::add_work_refusal(&mut tx, &m, &month_s, note, actor.account_id).await? {
            return Err(ServiceError::field("month", "该月份已经记录过"));
        }
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "member.work_refusal",
                entity: "member",
                entity_id: Some(id),
                org_path: Some(m.branch_path.clone()),
                before: None,
                after: Some(serde_json::json!({"month": month_s, "note": note})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Corrects the branch or group a member was entered in, from `on`; the old spans end the
    /// day before. A move between branches is a transfer ([`crate::transfers`]); this is for a
    /// wrong entry, audited as a correction ("member.relocate", 更正所在组织).
    pub async fn relocate_member(
        &self,
        actor: &Actor,
        id: i64,
        branch_id: i64,
        group_id: Option<i64>,
        on: &str,
    ) -> Result<()> {
        let on = parse_date(on).map_err(|e| ServiceError::field("on", e.to_string()))?;
        let mut tx = self.db.begin().await?;
        let m = member::get_in_tx(&mut tx, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let branch = m.branch_org_path()?;
        if !can(actor, Action::EditMember, Target::Member { member_id: id, branch: &branch }) {
            return Err(ServiceError::Forbidden);
        }
        let mut e = FieldErrors::new();
        let to = self.placement(&mut tx, actor, branch_id, group_id, &mut e).await?;
        let Some(to) = to else { return Err(ServiceError::Invalid(e)) };
        if to.branch_id == m.branch_id && to.group_id == m.group_id {
            return Err(ServiceError::field("branch_id", "党员已在该组织"));
        }
        let current_start = member::spans(&self.db, &actor.scope(), id)
            .await?
            .into_iter()
            .find(|s| s.end_on.is_none())
            .map(|s| s.start_on);
        if current_start.is_some_and(|s| on <= s) {
            return Err(ServiceError::field("on", "转移日期须晚于当前所在组织的起始日期"));
        }
        let on_s = on.iso();
        let day_before = on.pred_opt().unwrap_or(on).iso();
        member::relocate(&mut tx, &m, &to, &on_s, &day_before).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "member.relocate",
                entity: "member",
                entity_id: Some(id),
                org_path: Some(to.branch_path.clone()),
                before: Some(serde_json::json!({"branch_id": m.branch_id, "group_id": m.group_id})),
                after: Some(serde_json::json!({"branch_id": to.branch_id, "group_id": to.group_id, "on": on_s})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The full and probationary members of an org the actor may see: a branch's whole subtree,
    /// or, with `group_id`, that party group's members. Personal data is masked where the actor
    /// may not see it.
    pub async fn members_of_org(
        &self,
        actor: &Actor,
        org_path: &domain::org::OrgPath,
        group_id: Option<i64>,
    ) -> Result<Vec<MemberRow>> {
        let rows = member::of_org(&self.db, &actor.scope(), org_path, group_id).await?;
        rows.into_iter()
            .map(|row| {
                let branch = row.branch_org_path()?;
                let target = Target::Member { member_id: row.id, branch: &branch };
                Ok(if can(actor, Action::RevealPersonalData, target) { row } else { MemberView::masked(row).row })
            })
            .collect()
    }

    /// The row of a member for an edit form: whole values for editors who may see them, masked
    /// ones otherwise (sent back unchanged, they keep the stored value).
    pub async fn member_for_edit(&self, actor: &Actor, id: i64) -> Result<MemberRow> {
        let row = member::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let branch = row.branch_org_path()?;
        let target = Target::Member { member_id: id, branch: &branch };
        if !can(actor, Action::EditMember, target) {
            return Err(ServiceError::Forbidden);
        }
        if can(actor, Action::RevealPersonalData, target) { Ok(row) } else { Ok(MemberView::masked(row).row) }
    }
}

/// The stored member in storage form, to compare with new data.
pub(crate) fn data_of_row(m: &MemberRow) -> MemberData {
    MemberData {
        name: m.name.clone(),
        gender: m.gender.as_str().to_string(),
        ethnicity: m.ethnicity.clone(),
        birth_date: m.birth_date.to_string(),
        id_number: m.id_number.clone(),
        phone: m.phone.clone(),
        education: m.education.clone(),
        degree: m.degree.clone(),
        occupation: m.occupation.clone(),
        post: m.post.clone(),
        unit_name: m.unit_name.clone(),
        joined_on: m.joined_on.to_string(),
        confirmed_on: m.confirmed_on.map(|d| d.to_string()),
        probation_extension_months: m.probation_extension_months,
        status: m.status.as_str().to_string(),
        dues_category: m.dues_category.as_str().to_string(),
        address: m.address.clone(),
        lost_contact: m.lost_contact,
        lost_contact_since: m.lost_contact_since.clone(),
        mobile_member: m.mobile_member,
        mobile_destination: m.mobile_destination.clone(),
        remark: m.remark.clone(),
    }
}

/// Why the edit form and the roster import may not make a status change: it is a decision.
pub(crate) const DECISION_FLOW: &str =
    "停止党籍、恢复党籍、出党、去世等党籍状态的变更须通过“党籍处置”办理（转出请办理组织关系转接），不能直接修改";

/// Whether editing a record (the edit form, the roster import) may change the status from
/// `before` to `after`: only between probationary and full, as a correction.
pub(crate) fn free_status_change(before: MemberStatus, after: MemberStatus) -> bool {
    before == after || (before.is_active() && after.is_active())
}
