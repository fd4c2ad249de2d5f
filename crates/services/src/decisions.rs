//! Decisions on a member's membership and party discipline (党籍处置, 纪律处分): the one way a
//! member becomes 停止党籍, 已出党 or 已去世, or loses the rights to vote and stand under 留党察看
//! (EL-RIGHTS). The member edit form and the roster import point here
//! ([`crate::members::DECISION_FLOW`]).
//!
//! A decision is written with the status change it makes, on its own day, in one transaction:
//! the member's status history shows the change from that day, so counts and voters taken on
//! earlier days are unchanged.

use domain::FieldErrors;
use domain::codes::{MemberStatus, StoredCode};
use domain::dates::Iso;
use domain::family::lifecycle::decision::{self, DecisionInput, DecisionKind};
use domain::scope::{Action, Actor, Target, can};
use serde::{Deserialize, Serialize};
pub use storage::decision::DecisionRow;
use storage::decision::NewDecision;

use crate::dues::records::{day, text};
use crate::{Entry, Result, ServiceError, Services};

/// A decision as typed on the form.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionForm {
    /// A decision kind: "suspend", "restore", "lapse_removed", "observation" …
    pub kind: String,
    /// The day decided (for a sanction, the day approved), "2026-03-10".
    pub decided_on: String,
    /// 决定机关.
    pub body: String,
    /// 文号 (not needed for a death).
    #[serde(default)]
    pub document_no: String,
    /// 事由.
    pub reason: String,
    /// A 留党察看's length: "12" or "24" months.
    #[serde(default)]
    pub months: String,
}

/// What the decision page shows about a member: the decisions on record and the kinds that
/// apply to the member's status today.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionsView {
    pub member_id: i64,
    pub name: String,
    pub status: MemberStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub decisions: Vec<DecisionRow>,
    pub applicable: Vec<DecisionKind>,
    /// Whether the viewer may record a decision.
    pub can_decide: bool,
}

impl Services {
    /// The member's decisions and what may be decided now.
    pub async fn decisions_of_member(&self, actor: &Actor, member_id: i64) -> Result<DecisionsView> {
        let m = storage::member::get(&self.db, &actor.scope(), member_id).await?.ok_or(ServiceError::NotFound)?;
        let branch = m.branch_org_path()?;
        if !can(actor, Action::ViewMember, Target::Member { member_id, branch: &branch }) {
            return Err(ServiceError::NotFound);
        }
        let decisions = storage::decision::of_member(&self.db, &actor.scope(), member_id).await?;
        Ok(DecisionsView {
            member_id,
            name: m.name.clone(),
            status: m.status,
            decisions,
            applicable: DecisionKind::applicable(m.status),
            can_decide: can(actor, Action::EditMember, Target::Member { member_id, branch: &branch }),
        })
    }

    /// Records a decision and the status change it makes, on its day. Refused (nothing written)
    /// when a field is missing, the decision does not apply to the member's status, its day
    /// precedes the member's last status change, or the member is being transferred.
    pub async fn record_decision(&self, actor: &Actor, member_id: i64, form: &DecisionForm) -> Result<i64> {
        let today = self.today();
        let mut tx = self.db.begin().await?;
        let m = storage::member::get_in_tx(&mut tx, &actor.scope(), member_id).await?.ok_or(ServiceError::NotFound)?;
        let branch = m.branch_org_path()?;
        if !can(actor, Action::EditMember, Target::Member { member_id, branch: &branch }) {
            return Err(ServiceError::Forbidden);
        }
        let mut e = FieldErrors::new();
        let kind = DecisionKind::from_stored(form.kind.trim());
        if kind.is_none() {
            e.add("kind", "请选择决定类型");
        }
        let decided_on = day(&mut e, "decided_on", &form.decided_on, today);
        let body = text(&mut e, "body", &form.body, None, 200);
        let document_no = text(&mut e, "document_no", &form.document_no, None, 200);
        let reason = text(&mut e, "reason", &form.reason, None, 200);
        let months = match form.months.trim() {
            "" => None,
            s => match s.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    e.add("months", "期限应为月数（12或24）");
                    None
                }
            },
        };
        let (Some(kind), Some(decided_on)) = (kind, decided_on) else {
            return Err(ServiceError::Invalid(e));
        };
        let input = DecisionInput { kind, decided_on, body, document_no, reason, months };
        if let Err(errors) = input.validate(today) {
            for err in errors {
                if !e.0.iter().any(|f| f.field == err.field) {
                    e.add(err.field, err.message);
                }
            }
        }
        let after = match kind.status_after(m.status) {
            Ok(s) => Some(s),
            Err(why) => {
                e.add("kind", why);
                None
            }
        };
        if decided_on < m.status_changed_on {
            e.add(
                "decided_on",
                format!(
                    "决定日期不能早于该党员最近一次党籍状态变更（{}）",
                    domain::dates::format_cn(m.status_changed_on)
                ),
            );
        }
        if decided_on < m.joined_on {
            e.add("decided_on", "决定日期不能早于入党日期");
        }
        let open = storage::decision::open_observation(&mut tx, member_id, decided_on).await?;
        match (kind, &open) {
            (DecisionKind::RightsRestored, None) => e.add("kind", "该党员在决定日期不在留党察看期间"),
            (DecisionKind::Observation, Some(o)) => {
                e.add("kind", format!("该党员已于{}受留党察看处分，尚在察看期内", o.decided_on.iso()));
            }
            _ => {}
        }
        if after.is_some_and(|a| a != m.status)
            && storage::transfer::pending_of_member(&mut tx, member_id).await?.is_some()
        {
            e.add("kind", "该党员有未办结的组织关系转接，请先办结或撤回");
        }
        let Some(after) = after.filter(|_| e.is_empty()) else {
            return Err(ServiceError::Invalid(e));
        };
        let last_day = match (kind, input.months) {
            (DecisionKind::Observation, Some(n)) => decision::observation_last_day(decided_on, n),
            _ => None,
        };
        let row = NewDecision {
            member_id,
            org_id: m.branch_id,
            kind,
            decided_on,
            body: input.body.clone(),
            document_no: input.document_no.clone(),
            reason: input.reason.clone(),
            months: input.months,
            last_day,
            status_before: m.status,
            status_after: after,
        };
        let id = storage::decision::insert(&mut tx, &row, actor.account_id).await?;
        if let (DecisionKind::RightsRestored, Some(o)) = (kind, &open) {
            storage::decision::restore_rights(&mut tx, o.id, decided_on).await?;
        }
        if after != m.status {
            storage::transfer::set_member_status(&mut tx, member_id, after, decided_on).await?;
        }
        // DEV-PROBATION: a cancelled qualification ends the member's recruitment path.
        if kind == DecisionKind::ProbationCancelled {
            storage::recruit::end_for_member(&mut tx, member_id, decided_on, kind.label()).await?;
        }
        let snapshot = serde_json::json!({
            "kind": kind.as_str(), "decided_on": decided_on.iso(), "body": input.body, "document_no": input.document_no,
            "reason": input.reason, "months": input.months, "status_before": m.status.as_str(),
            "status_after": after.as_str(),
        });
        let entry = Entry {
            action: "member.decision",
            entity: "member",
            entity_id: Some(member_id),
            org_path: Some(m.branch_path.clone()),
            before: None,
            after: Some(snapshot),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(id)
    }
}
