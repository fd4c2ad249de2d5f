//! Events on sensitive dates (敏感时间节点活动, IDEOLOGY-RESP): an org records the report
//! meetings, seminars, lectures, forums and exhibitions it holds, with who approved them; on a
//! day its committees mark as sensitive (setting `ideology.sensitive_days`, read as of the
//! event's day) the approval is required beforehand, or the record is refused naming the rule.

use chrono::{Datelike, NaiveDate};
use domain::dates::Iso;
use domain::ideology_event::EventInput;
use domain::org::{OrgKind, OrgStatus};
use domain::scope::{Action, Actor, Target, can};
use serde::Serialize;
pub use storage::ideology_event::EventRow;

use crate::{Entry, Result, ServiceError, Services};

/// An org subtree's events of a year.
#[derive(Debug, Clone, Serialize)]
pub struct Events {
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    pub events: Vec<EventRow>,
    /// The sensitive days the org's committees mark in the year (for the form's hint).
    pub sensitive_days: Vec<NaiveDate>,
    pub can_record: bool,
}

impl Services {
    /// Records an event held by the org, with its audit entry; refused under IDEOLOGY-RESP when
    /// its day is sensitive and it has no approval from before it.
    pub async fn record_ideology_event(&self, actor: &Actor, org_id: i64, input: &EventInput) -> Result<i64> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::EditOrg, Target::Org(&path)) || org.status != OrgStatus::Active {
            return Err(ServiceError::Forbidden);
        }
        if org.kind == OrgKind::Group {
            return Err(ServiceError::field("kind", "活动由党支部或上级党组织登记"));
        }
        // The days sensitive under the setting in force on the event's own day.
        let day = input.held_on().unwrap_or_else(|| self.today());
        let changes = self.setting_changes().await?;
        let reaching = domain::settings::reaching(&changes, &org.path);
        let sensitive = domain::settings::sensitive_days_on(&reaching, &org.path, day)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let ev = input.check(self.today(), &sensitive).map_err(ServiceError::Invalid)?;
        let mut tx = self.db.begin().await?;
        let id = storage::ideology_event::insert(&mut tx, org.id, &org.path, &ev, actor.account_id).await?;
        let entry = Entry {
            action: "ideology_event.record",
            entity: "ideology_event",
            entity_id: Some(id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(serde_json::json!({
                "kind": ev.kind.as_str(), "title": ev.title, "held_on": ev.held_on.iso(),
                "sensitive": ev.sensitive,
                "approved_by": ev.approval.as_ref().map(|a| a.0.clone()),
                "approved_on": ev.approval.as_ref().map(|a| a.1.iso()),
            })),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The events of an org's subtree held in `year`.
    pub async fn ideology_events(&self, actor: &Actor, org_id: i64, year: i32) -> Result<Events> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        let (lo, hi) = path.subtree_bounds();
        let events = storage::ideology_event::of_subtree(&self.db, &scope, &lo, &hi, year).await?;
        let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| ServiceError::field("year", "年份无效"))?;
        let changes = self.setting_changes().await?;
        let reaching = domain::settings::reaching(&changes, &org.path);
        // The year's sensitive days under the setting in force at its end (the form's hint; each
        // event was judged by the setting on its own day when it was recorded).
        let sensitive_days = domain::settings::sensitive_days_on(&reaching, &org.path, to)
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .into_iter()
            .filter(|d| d.year() == year)
            .collect();
        Ok(Events {
            org_id,
            org_name: org.name.clone(),
            year,
            events,
            sensitive_days,
            can_record: can(actor, Action::EditOrg, Target::Org(&path))
                && org.status == OrgStatus::Active
                && org.kind != OrgKind::Group,
        })
    }

    /// The year's events as an .xlsx or PDF ledger (敏感时间节点活动登记台账), audited.
    pub async fn ideology_events_ledger_file(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        format: crate::ledger::LedgerFormat,
    ) -> Result<crate::ledger::LedgerFile> {
        let r = self.ideology_events(actor, org_id, year).await?;
        let rows = r
            .events
            .iter()
            .enumerate()
            .map(|(i, x)| {
                vec![
                    (i + 1).to_string(),
                    x.held_on.iso(),
                    x.org_name.clone(),
                    x.kind.label().to_string(),
                    x.title.clone(),
                    x.place.clone(),
                    x.speaker.clone(),
                    x.responsible.clone(),
                    approval_text(x),
                    if x.sensitive { "是" } else { "否" }.to_string(),
                ]
            })
            .collect();
        let headers = [
            "序号",
            "日期",
            "组织",
            "类别",
            "活动名称",
            "地点或平台",
            "主讲人",
            "主办和责任人",
            "审批",
            "敏感时间节点",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let sensitive = r.events.iter().filter(|e| e.sensitive).count();
        let doc = reports::table_doc::TableDoc {
            title: format!("{}{}年意识形态活动登记台账", r.org_name, year),
            cover: vec![format!("全年登记活动{}场，其中敏感时间节点{}场，均经事先审批", r.events.len(), sensitive)],
            sections: vec![reports::table_doc::Section {
                heading: "报告会、研讨会、讲座、论坛等活动".into(),
                headers,
                rows,
                numeric: Vec::new(),
                notes: vec![
                    "敏感时间节点由党委设定；在敏感时间节点举办的活动须事先审批，未经审批的不予登记（IDEOLOGY-RESP，地方规定）。".into(),
                ],
            }],
            footer: format!("{} 由 zhibu 根据活动登记生成", r.org_name),
            landscape: true,
            font_size: 9,
            as_of: self.today().iso(),
        };
        let mut extra = serde_json::Map::new();
        extra.insert("year".into(), year.into());
        self.exported_table_file(actor, org_id, doc, format, "ideology_event.ledger_export", extra).await
    }
}

/// "县委教育工委（2026-05-20）", or "无" when there was no approval.
pub fn approval_text(e: &EventRow) -> String {
    match (&e.approved_by, e.approved_on) {
        (Some(by), Some(on)) => format!("{by}（{}）", on.iso()),
        _ => "无".to_string(),
    }
}
