//! The yearly base review (党费基数年度核定): every member's base updated at once, e.g. each
//! January, from a form listing the branch's members. A preview shows every change (old base,
//! new base, old and new due) before it is applied; applying writes every new base record in one
//! transaction, or none.

use chrono::NaiveDate;
use domain::FieldErrors;
use domain::codes::DuesCategory;
use domain::dates::Iso;
use domain::family::dues::statement::month_of;
use domain::family::dues::{Quote, quote};
use domain::money::Fen;
use domain::scope::Actor;
use serde::Serialize;
use storage::dues::{NewBase, Whose};

use crate::{Entry, Result, ServiceError, Services};

/// One member's line of the review as typed: the category and base from the month on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewLine {
    pub member_id: i64,
    pub category: String,
    pub base: String,
    pub chosen: String,
}

/// One member's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseChange {
    pub member_id: i64,
    pub name: String,
    /// The base in force the month before, if any: (category, base, due).
    pub old: Option<(DuesCategory, Fen, Fen)>,
    pub new: Quote,
    /// Whether anything changes (category, base or due).
    pub changed: bool,
}

/// The review of a branch from a month.
#[derive(Debug, Clone)]
pub struct BaseReview {
    pub org_id: i64,
    pub from: NaiveDate,
    pub changes: Vec<BaseChange>,
}

impl Services {
    /// The review as it would apply: every line checked (a bad line is a field error named
    /// `base_<member id>` or `category_<member id>`), nothing written.
    pub async fn preview_base_review(
        &self,
        actor: &Actor,
        org_id: i64,
        from_month: &str,
        lines: &[ReviewLine],
    ) -> Result<BaseReview> {
        let (org, can_edit) = self.dues_branch(actor, org_id).await?;
        if !can_edit {
            return Err(ServiceError::Forbidden);
        }
        let from = domain::dates::parse_year_month(from_month)
            .map_err(|e| ServiceError::field("from_month", e.message().to_string()))?;
        let today = self.today();
        if from > month_of(today).checked_add_months(chrono::Months::new(12)).unwrap_or(from) {
            return Err(ServiceError::field("from_month", "起始月份最多只能是一年以后"));
        }
        let scope = actor.scope();
        let members = storage::member::of_org(&self.db, &scope, &org.org_path()?, None).await?;
        let bases = storage::dues::bases(&self.db, &scope, Whose::Branch(org_id)).await?;
        let ctx = self.dues_context(&org.path).await?;
        let settings = ctx.settings(from);
        let mut e = FieldErrors::new();
        let mut changes = Vec::new();
        for line in lines {
            let Some(m) = members.iter().find(|m| m.id == line.member_id) else {
                e.add(&format!("member_{}", line.member_id), "该党员不在本支部");
                continue;
            };
            let Some(category) = DuesCategory::parse(&line.category) else {
                e.add(&format!("category_{}", m.id), format!("{}：请选择党费类别", m.name));
                continue;
            };
            let flat = domain::family::dues::quote::is_flat(&ctx.rules, category, from);
            let base = match Fen::parse(&line.base) {
                Ok(b) => b,
                Err(_) if flat => Fen::ZERO,
                Err(err) => {
                    e.add(&format!("base_{}", m.id), format!("{}：{err}", m.name));
                    continue;
                }
            };
            let chosen = match line.chosen.trim() {
                "" => None,
                s => match Fen::parse(s) {
                    Ok(c) => Some(c),
                    Err(err) => {
                        e.add(&format!("chosen_{}", m.id), format!("{}：{err}", m.name));
                        continue;
                    }
                },
            };
            let new = match quote(&ctx.rules, &settings, category, base, chosen, from) {
                Ok(q) => q,
                Err(err) => {
                    let field = format!("chosen_{}", m.id);
                    match err.rule() {
                        Some((id, citation)) => e.add_rule(&field, format!("{}：{err}", m.name), id, citation),
                        None => e.add(&field, format!("{}：{err}", m.name)),
                    }
                    continue;
                }
            };
            let before = from.pred_opt().map(month_of).unwrap_or(from);
            let old = bases
                .iter()
                .filter(|b| b.member_id == m.id && b.from_month <= before)
                .max_by_key(|b| (b.from_month, b.id))
                .and_then(|b| {
                    let q =
                        quote(&ctx.rules, &ctx.settings(before), b.category, b.base_fen, b.chosen_fen, before).ok()?;
                    Some((b.category, b.base_fen, q.due))
                });
            let changed = old.is_none_or(|(c, b, d)| c != new.category || b != new.base || d != new.due);
            changes.push(BaseChange { member_id: m.id, name: m.name.clone(), old, new, changed });
        }
        e.into_result(BaseReview { org_id, from, changes }).map_err(ServiceError::Invalid)
    }

    /// Applies the review: a base record from the month for every member whose terms change, in
    /// one transaction with one audit entry. Returns how many were written.
    pub async fn apply_base_review(
        &self,
        actor: &Actor,
        org_id: i64,
        from_month: &str,
        lines: &[ReviewLine],
    ) -> Result<usize> {
        let review = self.preview_base_review(actor, org_id, from_month, lines).await?;
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let today = self.today();
        let changed: Vec<&BaseChange> = review.changes.iter().filter(|c| c.changed).collect();
        if changed.is_empty() {
            return Ok(0);
        }
        let mut tx = self.db.begin().await?;
        for c in &changed {
            let record = NewBase {
                member_id: c.member_id,
                from_month: review.from,
                category: c.new.category,
                base: c.new.base,
                chosen: c.new.rate.is_none().then_some(c.new.due),
                note: "年度核定".into(),
            };
            storage::dues::insert_base(&mut tx, &record, today, actor.account_id).await?;
        }
        let after: Vec<serde_json::Value> = changed
            .iter()
            .map(|c| {
                serde_json::json!({"member_id": c.member_id, "category": c.new.category.as_str(),
                    "base": c.new.base.to_string(), "due": c.new.due.to_string()})
            })
            .collect();
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "dues.base_review",
                entity: "org",
                entity_id: Some(org_id),
                org_path: Some(org.path.clone()),
                before: None,
                after: Some(serde_json::json!({"from_month": review.from.iso(), "changes": after})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(changed.len())
    }
}
