//! Class hours from an outside platform (学习强国, a party-education platform …): totals per member
//! for a year, typed for one member or imported from the platform's export (.xlsx, .xls or CSV:
//! 姓名, optionally 身份证号, and 学时). A total replaces the earlier total of the same source
//! and year. One bad cell refuses the whole file with a report by row and column; nothing is
//! written. Only hours are read: the platform's time online, points or check-ins are never
//! imported (seed 000).

use domain::family::study::Hours;
use domain::scope::{Action, Actor, Target, can};
use reports::{CellError, Table};
use serde::Serialize;

use crate::{Entry, Result, ServiceError, Services};

const NAME: &[&str] = &["姓名", "党员姓名"];
const ID_NUMBER: &[&str] = &["身份证号", "身份证号码", "公民身份号码"];
const HOURS: &[&str] = &["学时", "学时数", "总学时", "累计学时", "年度学时"];

fn is_header(h: &str) -> bool {
    [NAME, ID_NUMBER, HOURS].iter().any(|names| names.contains(&h))
}

fn column(table: &Table, names: &[&str]) -> Option<usize> {
    table.headers.iter().position(|h| names.contains(&h.as_str()))
}

/// The result of an import: the rows read and the problems by row and column.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoursImport {
    pub rows: usize,
    /// (row number, column header or "", message).
    pub issues: Vec<(usize, String, String)>,
    /// Rows written (0 for a dry run or a refused file).
    pub imported: usize,
}

/// The name of a source: what the platform is called, up to 30 characters.
fn source_name(source: &str) -> Result<String> {
    let s = source.trim();
    if s.is_empty() {
        return Err(ServiceError::field("source", "请填写学时来源（平台名称）"));
    }
    if s.chars().count() > 30 {
        return Err(ServiceError::field("source", "来源名称不超过30字"));
    }
    Ok(s.to_string())
}

fn year_of(year: i32, today: chrono::NaiveDate) -> Result<i32> {
    use chrono::Datelike;
    if !(2000..=today.year()).contains(&year) {
        return Err(ServiceError::field("year", "年度应在2000年至今年之间"));
    }
    Ok(year)
}

impl Services {
    /// Records one member's total of `year` from `source`.
    pub async fn import_training_hours(
        &self,
        actor: &Actor,
        member_id: i64,
        year: i32,
        source: &str,
        hours: &str,
    ) -> Result<()> {
        let year = year_of(year, self.today())?;
        let source = source_name(source)?;
        let hours = Hours::parse(hours).map_err(|m| ServiceError::field("hours", m))?;
        let mut tx = self.db.begin().await?;
        let m = self.member_to_edit(&mut tx, actor, member_id).await?;
        storage::training::import_totals(&mut tx, &[(member_id, year, source.clone(), hours)], actor.account_id)
            .await?;
        let entry = Entry {
            action: "training.hours_import",
            entity: "member",
            entity_id: Some(member_id),
            org_path: Some(m.branch_path.clone()),
            before: None,
            after: Some(serde_json::json!({"year": year, "source": source, "hours": hours.to_string()})),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reads and checks a platform's export for the members of the org's subtree; unless
    /// `dry_run`, writes every total in one transaction when no row has a problem.
    pub async fn import_training_hours_file(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        source: &str,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<HoursImport> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::EditOrg, Target::Org(&path)) {
            return Err(ServiceError::Forbidden);
        }
        let year = year_of(year, self.today())?;
        let source = source_name(source)?;
        let _slot = self.read_slots.acquire().await.map_err(|e| ServiceError::Internal(e.to_string()))?;
        let owned = bytes.to_vec();
        let table = tokio::task::spawn_blocking(move || reports::read_table(&owned, &is_header))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .map_err(|e| ServiceError::field("file", e.to_string()))?;
        let mut errors = Vec::new();
        let header = |m: &str| CellError { row_number: table.header_row, column: None, message: m.to_string() };
        let (name_col, id_col, hours_col) = (column(&table, NAME), column(&table, ID_NUMBER), column(&table, HOURS));
        if name_col.is_none() {
            errors.push(header("缺少“姓名”列"));
        }
        if hours_col.is_none() {
            errors.push(header("缺少“学时”列"));
        }
        let mut rows = Vec::new();
        if errors.is_empty() {
            let cell = |r: &reports::TableRow, c: Option<usize>| {
                c.and_then(|c| r.cells.get(c)).map(|x| x.text.trim().to_string()).unwrap_or_default()
            };
            let mut keys: Vec<String> = table.rows.iter().map(|r| cell(r, name_col)).collect();
            keys.sort();
            keys.dedup();
            let (lo, hi) = path.subtree_bounds();
            let members = storage::training::members_named(&self.db, &lo, &hi, &keys).await?;
            let mut seen = std::collections::HashSet::new();
            for r in &table.rows {
                let mut bad = |col: Option<usize>, message: String| {
                    errors.push(CellError { row_number: r.number, column: col, message });
                };
                let name = cell(r, name_col);
                let id_number = cell(r, id_col);
                let matched: Vec<_> = members
                    .iter()
                    .filter(|m| {
                        m.name == name && (id_number.is_empty() || m.id_number.eq_ignore_ascii_case(&id_number))
                    })
                    .collect();
                let member = match matched.as_slice() {
                    [one] => Some(one.id),
                    [] => {
                        bad(name_col, format!("{}没有名为“{name}”的在册党员", org.name));
                        None
                    }
                    _ => {
                        bad(name_col, format!("{}有多名“{name}”，请加一列“身份证号”区分", org.name));
                        None
                    }
                };
                let hours = Hours::parse(&cell(r, hours_col)).map_err(|m| bad(hours_col, m.to_string())).ok();
                if let Some(id) = member
                    && !seen.insert(id)
                {
                    bad(name_col, format!("“{name}”出现了不止一行"));
                    continue;
                }
                if let (Some(id), Some(h)) = (member, hours) {
                    rows.push((id, year, source.clone(), h));
                }
            }
        }
        let mut out = HoursImport {
            rows: table.rows.len(),
            issues: errors
                .iter()
                .map(|e| {
                    let col = e.column.and_then(|c| table.headers.get(c)).cloned().unwrap_or_default();
                    (e.row_number, col, e.message.clone())
                })
                .collect(),
            imported: 0,
        };
        if !out.issues.is_empty() || dry_run {
            return Ok(out);
        }
        let mut tx = self.db.begin().await?;
        storage::training::import_totals(&mut tx, &rows, actor.account_id).await?;
        let entry = Entry {
            action: "training.hours_import",
            entity: "org",
            entity_id: Some(org_id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(serde_json::json!({"year": year, "source": source, "rows": rows.len()})),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        out.imported = rows.len();
        Ok(out)
    }
}
