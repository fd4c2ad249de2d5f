//! 意识形态阵地 (IDEOLOGY-RESP): the register of an org's ideological positions, each with the
//! person responsible, its approval and its last review; a position a year past its last review
//! is marked due. Written by the org's administrators, read by its subtree's viewers.

use chrono::NaiveDate;
use domain::dates::Iso;
use domain::ideology_position::{PositionInput, review_due};
use domain::org::{OrgKind, OrgStatus};
use domain::scope::{Action, Actor, Target, can};
use serde::Serialize;
pub use storage::ideology_position::PositionRow;

use crate::{Entry, Result, ServiceError, Services};

/// A position with its review due day.
#[derive(Debug, Clone, Serialize)]
pub struct PositionView {
    #[serde(flatten)]
    pub row: PositionRow,
    pub kind_label: &'static str,
    pub review_due: NaiveDate,
    /// Whether the review is overdue today.
    pub overdue: bool,
}

/// An org subtree's register.
#[derive(Debug, Clone, Serialize)]
pub struct Positions {
    pub org_id: i64,
    pub org_name: String,
    pub positions: Vec<PositionView>,
    pub can_record: bool,
}

impl Services {
    fn position_view(&self, row: PositionRow) -> PositionView {
        let due = review_due(row.approved_on, row.reviewed_on);
        PositionView { kind_label: row.kind.label(), overdue: due < self.today(), review_due: due, row }
    }

    /// Records a position in the org's register, with its audit entry.
    pub async fn record_position(&self, actor: &Actor, org_id: i64, input: &PositionInput) -> Result<i64> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::EditOrg, Target::Org(&path)) || org.status != OrgStatus::Active {
            return Err(ServiceError::Forbidden);
        }
        if org.kind == OrgKind::Group {
            return Err(ServiceError::field("kind", "意识形态阵地由党支部或上级党组织登记"));
        }
        let p = input.check(self.today()).map_err(ServiceError::Invalid)?;
        let mut tx = self.db.begin().await?;
        let id = storage::ideology_position::insert(&mut tx, org.id, &org.path, &p, actor.account_id).await?;
        let entry = Entry {
            action: "ideology_position.record",
            entity: "ideology_position",
            entity_id: Some(id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(serde_json::json!({
                "kind": p.kind.as_str(), "name": p.name, "responsible": p.responsible,
                "approved_by": p.approved_by, "approved_on": p.approved_on.iso(),
            })),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records today's review of a position.
    pub async fn review_position(&self, actor: &Actor, id: i64) -> Result<()> {
        let row = storage::ideology_position::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let path = domain::org::OrgPath::parse(&row.org_path)
            .map_err(|e| ServiceError::Internal(format!("ideology_positions {id}: {e}")))?;
        if !can(actor, Action::EditOrg, Target::Org(&path)) {
            return Err(ServiceError::Forbidden);
        }
        let today = self.today();
        let mut tx = self.db.begin().await?;
        storage::ideology_position::reviewed(&mut tx, id, today).await?;
        let entry = Entry {
            action: "ideology_position.review",
            entity: "ideology_position",
            entity_id: Some(id),
            org_path: Some(row.org_path.clone()),
            before: Some(serde_json::json!({"reviewed_on": row.reviewed_on.map(|d| d.iso())})),
            after: Some(serde_json::json!({"reviewed_on": today.iso()})),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The register of an org's subtree.
    pub async fn positions(&self, actor: &Actor, org_id: i64) -> Result<Positions> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        let (lo, hi) = path.subtree_bounds();
        let rows = storage::ideology_position::of_subtree(&self.db, &scope, &lo, &hi).await?;
        Ok(Positions {
            org_id,
            org_name: org.name.clone(),
            positions: rows.into_iter().map(|r| self.position_view(r)).collect(),
            can_record: can(actor, Action::EditOrg, Target::Org(&path))
                && org.status == OrgStatus::Active
                && org.kind != OrgKind::Group,
        })
    }

    /// The register as an .xlsx or PDF ledger (意识形态阵地登记台账), audited.
    pub async fn positions_ledger_file(
        &self,
        actor: &Actor,
        org_id: i64,
        format: crate::ledger::LedgerFormat,
    ) -> Result<crate::ledger::LedgerFile> {
        let r = self.positions(actor, org_id).await?;
        let today = self.today();
        let rows = r
            .positions
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let x = &p.row;
                vec![
                    (i + 1).to_string(),
                    x.org_name.clone(),
                    p.kind_label.to_string(),
                    x.name.clone(),
                    x.responsible.clone(),
                    x.approved_by.clone(),
                    x.approved_on.iso(),
                    x.reviewed_on.map(|d| d.iso()).unwrap_or_else(|| "未复查".into()),
                    format!("{}{}", p.review_due.iso(), if p.overdue { "（已逾期）" } else { "" }),
                ]
            })
            .collect();
        let headers = ["序号", "组织", "类别", "阵地名称", "责任人", "审批", "审批日期", "最近复查", "下次复查"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let overdue = r.positions.iter().filter(|p| p.overdue).count();
        let doc = reports::table_doc::TableDoc {
            title: format!("{}意识形态阵地登记台账", r.org_name),
            cover: vec![format!(
                "截至{}　登记阵地{}个，逾期未复查{}个",
                domain::dates::format_cn(today),
                r.positions.len(),
                overdue
            )],
            sections: vec![reports::table_doc::Section {
                heading: "意识形态阵地".into(),
                headers,
                rows,
                numeric: Vec::new(),
                notes: vec![
                    "党委落实意识形态工作责任制，对论坛、讲座、报告会、研讨会、网络平台、出版物、宣传栏等阵地明确责任人，按“谁主管谁负责”审批，每年复查（IDEOLOGY-RESP，地方规定）。".into(),
                ],
            }],
            footer: format!("{} 由 zhibu 根据意识形态阵地登记生成", r.org_name),
            landscape: true,
            font_size: 9,
            as_of: today.iso(),
        };
        self.exported_table_file(actor, org_id, doc, format, "ideology_position.ledger_export", serde_json::Map::new())
            .await
    }
}
