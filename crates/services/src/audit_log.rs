//! The audit log as the viewer may see it, and verification of the chain.

use crate::{Entry, Result, ServiceError, Services};
use domain::audit::{action_label, field_label};
use domain::scope::Actor;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use storage::audit::{self, AuditFilter, EntryRow, Verdict};

/// At most this many entries go into one export.
pub const EXPORT_LIMIT: i64 = 5000;

/// An audit entry as people read it.
#[derive(Debug, Clone)]
pub struct AuditLine {
    pub entry: EntryRow,
    /// "修改党员信息".
    pub action_label: String,
    /// What the entry is about, by name: "党员 张三", "组织 第一党支部", "会议记录 #12".
    pub subject: String,
    /// The org the entry belongs to, by name (empty for account entries).
    pub org_name: String,
    /// What changed: (field, before, after), in Chinese where the field is known.
    pub changes: Vec<(String, String, String)>,
}

/// A value of a recorded field as text: lists and records are summarised, not dumped.
fn shown(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(b) => if *b { "是" } else { "否" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => s.chars().take(80).collect(),
        Value::Array(a) => format!("（{} 项）", a.len()),
        Value::Object(o) => format!("（{} 项内容）", o.len()),
    }
}

/// The fields that differ between an entry's before and after (all of after for a creation,
/// all of before for a removal), at most 20.
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    let parse = |s: Option<&str>| s.and_then(|t| serde_json::from_str::<Value>(t).ok());
    let (b, a) = (parse(before), parse(after));
    let empty = serde_json::Map::new();
    let bo = b.as_ref().and_then(Value::as_object).unwrap_or(&empty);
    let ao = a.as_ref().and_then(Value::as_object).unwrap_or(&empty);
    let keys: BTreeSet<&String> = bo.keys().chain(ao.keys()).collect();
    keys.into_iter()
        .filter(|k| bo.get(*k) != ao.get(*k))
        .take(20)
        .map(|k| {
            let show = |o: &serde_json::Map<String, Value>| o.get(k).map(shown).unwrap_or_else(|| "—".into());
            (field_label(k).to_string(), show(bo), show(ao))
        })
        .collect()
}

impl Services {
    /// Audit entries about the orgs the viewer administers (system admins: everything).
    pub async fn audit_entries(&self, actor: &Actor, f: &AuditFilter) -> Result<Vec<EntryRow>> {
        let scope = actor.audit_scope().ok_or(ServiceError::Forbidden)?;
        Ok(audit::list(&self.db, &scope, f).await?)
    }

    /// Audit entries as people read them: actions in Chinese, orgs and members by name, and
    /// what changed field by field.
    pub async fn audit_lines(&self, actor: &Actor, f: &AuditFilter) -> Result<Vec<AuditLine>> {
        let entries = self.audit_entries(actor, f).await?;
        let scope = actor.scope();
        let ids_of = |entity: &str| -> Vec<i64> {
            let mut ids: Vec<i64> = entries.iter().filter(|e| e.entity == entity).filter_map(|e| e.entity_id).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let mut org_ids = ids_of("org");
        for e in &entries {
            if let Some(p) = e.org_path.as_deref().and_then(|p| domain::org::OrgPath::parse(p).ok())
                && let Some(last) = p.ids().last()
            {
                org_ids.push(*last);
            }
        }
        org_ids.sort_unstable();
        org_ids.dedup();
        let orgs: HashMap<i64, String> =
            storage::org::by_ids(&self.db, &scope, &org_ids).await?.into_iter().map(|o| (o.id, o.name)).collect();
        let members: HashMap<i64, String> =
            storage::member::names(&self.db, &scope, &ids_of("member")).await?.into_iter().collect();
        Ok(entries
            .into_iter()
            .map(|e| {
                let name = |names: &HashMap<i64, String>, what: &str| match e.entity_id {
                    Some(id) => match names.get(&id) {
                        Some(n) => format!("{what} {n}"),
                        None => format!("{what} #{id}"),
                    },
                    None => what.to_string(),
                };
                let subject = match e.entity.as_str() {
                    "org" => name(&orgs, "组织"),
                    "member" => name(&members, "党员"),
                    "meeting" => name(&HashMap::new(), "会议记录"),
                    "account" => name(&HashMap::new(), "账户"),
                    other => name(&HashMap::new(), other),
                };
                let org_name = e
                    .org_path
                    .as_deref()
                    .and_then(|p| domain::org::OrgPath::parse(p).ok())
                    .and_then(|p| p.ids().last().and_then(|id| orgs.get(id).cloned()))
                    .unwrap_or_default();
                AuditLine {
                    action_label: action_label(&e.action).to_string(),
                    subject,
                    org_name,
                    changes: changes(e.before_json.as_deref(), e.after_json.as_deref()),
                    entry: e,
                }
            })
            .collect())
    }

    /// The filtered entries as a workbook for an inspection; the export itself is audited.
    pub async fn export_audit(&self, actor: &Actor, f: &AuditFilter) -> Result<Vec<u8>> {
        let scope = actor.audit_scope().ok_or(ServiceError::Forbidden)?;
        let f = AuditFilter { limit: EXPORT_LIMIT, ..f.clone() };
        let lines = self.audit_lines(actor, &f).await?;
        let rows: Vec<Vec<String>> = lines
            .iter()
            .map(|l| {
                let changed: Vec<String> = l.changes.iter().map(|(k, b, a)| format!("{k}：{b} → {a}")).collect();
                vec![
                    l.entry.id.to_string(),
                    domain::dates::format_instant_cn(l.entry.at),
                    l.entry.actor.clone(),
                    l.action_label.clone(),
                    l.subject.clone(),
                    l.org_name.clone(),
                    changed.join("\n"),
                ]
            })
            .collect();
        let headers = ["序号", "时间", "操作人", "操作", "对象", "组织", "变更内容"];
        let bytes = reports::write::write_xlsx(&[reports::write::SheetSpec {
            name: "审计日志",
            title: None,
            headers: &headers,
            rows: &rows,
            text_columns: &[],
        }])
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "audit.export",
                entity: "audit",
                entity_id: None,
                org_path: scope.subtrees.first().map(|p| p.as_str().to_string()),
                before: None,
                after: Some(serde_json::json!({ "entries": rows.len() })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
    }

    /// Walks the whole chain (for `zhibu audit verify`).
    pub(crate) async fn verify_audit_chain(&self) -> Result<Verdict> {
        Ok(audit::verify(&self.db, &self.audit_key).await?)
    }
}
