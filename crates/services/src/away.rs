//! Members away (外出登记): the day a member left to work or live elsewhere (and whether the place
//! is relatively fixed, EDU-TRANSFER), a graduate kept by the school, a member studying abroad
//! (EDU-GRADS). Recording or ending a mobile record keeps the registry's national items
//! (是否为流动党员, 外出流向) in step, in the same transaction.

use chrono::NaiveDate;
use domain::FieldErrors;
use domain::family::lifecycle::away::{self, AwayKind};
use domain::family::lifecycle::{self, Check};
use domain::scope::{Action, Actor, Target, can};
use serde::Deserialize;
pub use storage::away::AwayRow;
use storage::away::NewAway;

use crate::dues::records::{day, text};
use crate::{Entry, Result, ServiceError, Services};

/// A record of a member away as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AwayForm {
    /// mobile（外出流动）, graduate（毕业生保留组织关系）, abroad（出国（境）学习研究）.
    pub kind: String,
    /// The day they left, graduated or went abroad.
    pub left_on: String,
    /// Where to (province / city / county, or the country).
    #[serde(default)]
    pub destination: String,
    /// 地点相对固定 (mobile only): six months there and the membership must be transferred.
    #[serde(default)]
    pub fixed_place: bool,
}

/// The end of a record, or a graduate's extension, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AwayChange {
    /// end: returned or otherwise over on `on`; extend: a graduate kept to `on` by `document`.
    pub action: String,
    pub on: String,
    #[serde(default)]
    pub document: String,
}

fn kind_of(e: &mut FieldErrors, s: &str) -> Option<AwayKind> {
    let k = AwayKind::ALL.into_iter().find(|k| k.as_str() == s.trim() || k.label() == s.trim());
    if k.is_none() {
        e.add("kind", "请选择外出类别");
    }
    k
}

impl Services {
    /// The member to record about, for update, if the actor may edit them.
    pub(crate) async fn member_to_edit(
        &self,
        tx: &mut storage::Tx,
        actor: &Actor,
        member_id: i64,
    ) -> Result<storage::member::MemberRow> {
        let m = storage::member::get_in_tx(tx, &actor.scope(), member_id).await?.ok_or(ServiceError::NotFound)?;
        let branch = m.branch_org_path()?;
        if !can(actor, Action::EditMember, Target::Member { member_id, branch: &branch }) {
            return Err(ServiceError::Forbidden);
        }
        Ok(m)
    }

    /// Records that a member went away (one open record of each kind at a time).
    pub async fn record_away(&self, actor: &Actor, member_id: i64, form: &AwayForm) -> Result<i64> {
        let today = self.today();
        let mut tx = self.db.begin().await?;
        let m = self.member_to_edit(&mut tx, actor, member_id).await?;
        let mut e = FieldErrors::new();
        let kind = kind_of(&mut e, &form.kind);
        let left_on = day(&mut e, "left_on", &form.left_on, today);
        let destination = text(&mut e, "destination", &form.destination, None, 100);
        if let Some(k) = kind {
            if storage::away::open_of_member(&mut tx, member_id, k).await?.is_some() {
                e.add("kind", format!("该党员已有未结束的“{}”登记，请先结束原登记", k.label()));
            }
            if k == AwayKind::Mobile && destination.is_empty() {
                e.add("destination", "请填写外出流向");
            }
        }
        if left_on.is_some_and(|left| left < m.joined_on) {
            e.add("left_on", "日期不能早于入党日期");
        }
        let (Some(kind), Some(left_on)) = (kind, left_on.filter(|_| e.is_empty())) else {
            return Err(ServiceError::Invalid(e));
        };
        let row = NewAway {
            member_id,
            kind,
            left_on,
            destination: destination.clone(),
            fixed_place: kind == AwayKind::Mobile && form.fixed_place,
            extended_to: None,
            extension_doc: String::new(),
        };
        let id = storage::away::insert(&mut tx, &row, actor.account_id).await?;
        if kind == AwayKind::Mobile {
            storage::away::set_mobile_items(&mut tx, member_id, true, Some(&destination)).await?;
        }
        let after = serde_json::json!({
            "kind": kind.as_str(), "left_on": left_on.to_string(), "destination": destination,
            "fixed_place": row.fixed_place,
        });
        let entry = Entry {
            action: "member.away",
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

    /// Ends a record (the member is back, or no longer kept), or extends a graduate's keeping
    /// once, within EDU-GRADS's limit, by the approving document.
    pub async fn change_away(&self, actor: &Actor, member_id: i64, away_id: i64, change: &AwayChange) -> Result<()> {
        let today = self.today();
        let mut tx = self.db.begin().await?;
        let m = self.member_to_edit(&mut tx, actor, member_id).await?;
        let a = storage::away::get_of_member(&mut tx, member_id, away_id).await?.ok_or(ServiceError::NotFound)?;
        let mut e = FieldErrors::new();
        if a.ended_on.is_some() {
            return Err(ServiceError::Conflict("该登记已结束".into()));
        }
        let before = serde_json::json!({"extended_to": a.extended_to.map(|d| d.to_string())});
        let after = match change.action.as_str() {
            "end" => {
                let on = day(&mut e, "on", &change.on, today);
                if on.is_some_and(|on| on < a.left_on) {
                    e.add("on", "结束日期不能早于外出日期");
                }
                let Some(on) = on.filter(|_| e.is_empty()) else { return Err(ServiceError::Invalid(e)) };
                storage::away::end(&mut tx, away_id, on).await?;
                if a.kind == AwayKind::Mobile {
                    storage::away::set_mobile_items(&mut tx, member_id, false, None).await?;
                }
                serde_json::json!({"ended_on": on.to_string()})
            }
            "extend" => {
                let to = domain::dates::parse_date(&change.on).map_err(|err| {
                    let mut e = FieldErrors::new();
                    e.add("on", err.message().to_string());
                    ServiceError::Invalid(e)
                })?;
                let document = text(&mut e, "document", &change.document, Some("批准文件"), 100);
                self.check_extension(&m.branch_path, &a, to, &mut e).await?;
                if !e.is_empty() {
                    return Err(ServiceError::Invalid(e));
                }
                storage::away::extend(&mut tx, away_id, to, &document).await?;
                serde_json::json!({"extended_to": to.to_string(), "document": document})
            }
            _ => {
                e.add("action", "未知的操作");
                return Err(ServiceError::Invalid(e));
            }
        };
        let entry = Entry {
            action: "member.away_change",
            entity: "member",
            entity_id: Some(member_id),
            org_path: Some(m.branch_path.clone()),
            before: Some(before),
            after: Some(after),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// EDU-GRADS: only a graduate's keeping is extended, once, past the usual years and not past
    /// the longest the rule in force on the graduation day allows.
    async fn check_extension(&self, path: &str, a: &AwayRow, to: NaiveDate, e: &mut FieldErrors) -> Result<()> {
        let rules = self.rules_for(path).await?.lifecycle;
        let Some(rule) = lifecycle::rule_on(&rules, "EDU-GRADS", a.left_on) else { return Ok(()) };
        let Check::Graduates { keep_years, extension_years, .. } = rule.check else { return Ok(()) };
        let usual = away::graduate_kept_until(a.left_on, None, keep_years);
        let longest = away::longest_extension(a.left_on, keep_years, extension_years);
        let refuse = if a.kind != AwayKind::Graduate {
            Some("只有毕业生保留组织关系可以延长".to_string())
        } else if a.extended_to.is_some() {
            Some("保留期只能延长一次".to_string())
        } else if to <= usual || to > longest {
            Some(format!(
                "延长后的保留期应晚于{}，且不超过{}",
                domain::dates::format_cn(usual),
                domain::dates::format_cn(longest)
            ))
        } else {
            None
        };
        if let Some(message) = refuse {
            e.add_rule("on", message, rule.id, rule.citation);
        }
        Ok(())
    }
}
