//! The unit list's import (单位名单导入) from a sheet (.xlsx, .xls or CSV; see
//! [`reports::unit_sheet`]): a unit already registered by the committee under the same name is
//! updated, any other is added. One bad cell refuses the whole file with a report by row and
//! column, and nothing is written.

use serde::Serialize;

use crate::{Entry, Result, ServiceError, Services};

/// What a unit import read and wrote.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitImport {
    pub rows: usize,
    /// (row number, column header or "", message).
    pub issues: Vec<(usize, String, String)>,
    /// Units added (0 for a dry run or a refused file).
    pub added: usize,
    /// Units already registered whose fields the file replaced.
    pub updated: usize,
    /// For a refused file: a copy of it with every bad cell marked and a column 错误说明.
    #[serde(skip)]
    pub report: Option<Vec<u8>>,
}

impl Services {
    /// Reads a unit list for the committee `org_id`; unless `dry_run`, writes every unit in one
    /// transaction when no row has a problem.
    pub async fn import_units_file(
        &self,
        actor: &domain::scope::Actor,
        org_id: i64,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<UnitImport> {
        let org = self.unit_committee(actor, org_id).await?;
        let today = self.today();
        let _slot = self.read_slots.acquire().await.map_err(|e| ServiceError::Internal(e.to_string()))?;
        let owned = bytes.to_vec();
        let sheet = tokio::task::spawn_blocking(move || reports::unit_sheet::read_units(&owned, today))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .map_err(|e| ServiceError::field("file", e.to_string()))?;
        let mut out = UnitImport {
            rows: sheet.table.rows.len(),
            issues: sheet
                .errors
                .iter()
                .map(|e| {
                    let col = e.column.and_then(|c| sheet.table.headers.get(c)).cloned().unwrap_or_default();
                    (e.row_number, col, e.message.clone())
                })
                .collect(),
            ..UnitImport::default()
        };
        if !sheet.errors.is_empty() {
            let table = sheet.table.clone();
            let marked = sheet.errors.clone();
            out.report = tokio::task::spawn_blocking(move || reports::error_report_xlsx(&table, &marked).ok())
                .await
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            return Ok(out);
        }
        let mut tx = self.db.begin().await?;
        for (_, u) in &sheet.units {
            match storage::unit::by_name(&mut tx, org.id, &u.name).await? {
                Some(id) => {
                    storage::unit::update(&mut tx, id, u).await?;
                    out.updated += 1;
                }
                None => {
                    storage::unit::insert(&mut tx, org.id, &org.path, u, actor.account_id).await?;
                    out.added += 1;
                }
            }
        }
        if dry_run {
            // The counts of a dry run say what the file would do; dropping the transaction
            // keeps nothing.
            drop(tx);
            return Ok(out);
        }
        let entry = Entry {
            action: "unit.import",
            entity: "org",
            entity_id: Some(org.id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(serde_json::json!({"rows": out.rows, "added": out.added, "updated": out.updated})),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(out)
    }
}
