//! Exports of the member list and the org tree to .xlsx and .csv, in our template's columns or
//! in the national system's 附件4 summary shape, so a branch never types its roster twice.
//! ID numbers and phones are whole only for members whose data the viewer may reveal; every
//! export is audited.

use crate::import::OrgFinder;
use crate::members::ListQuery;
use crate::{Entry, Result, ServiceError, Services, today};
use domain::codes::{Education, Ethnicity, MemberStatus, Occupation};
use domain::dates::format_cn;
use domain::member::{mask_address, mask_id_number, mask_phone};
use domain::scope::{Action, Actor, Target, can};
use reports::roster::{ANNEX4_COLUMNS, MemberColumn, TEMPLATE_COLUMNS};
use reports::write::{SheetSpec, write_csv, write_xlsx};
use storage::member::MemberRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "xlsx" | "" => Some(Self::Xlsx),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// Which columns a member export has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportShape {
    /// Our import template's columns: exports re-import unchanged.
    Template,
    /// The national member system's 附件4 summary sheet (columns A–U).
    Annex4,
}

impl ExportShape {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "" | "template" => Some(Self::Template),
            "annex4" => Some(Self::Annex4),
            _ => None,
        }
    }
}

/// A finished export file.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub rows: usize,
    pub file_name: String,
    pub content_type: &'static str,
}

fn is_mobile(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.chars().all(|c| c.is_ascii_digit())
}

/// A stored code that decodes, or an error naming the row and column: an export never turns a
/// value it does not know into an empty cell.
fn coded<T>(parsed: Option<T>, table: &'static str, id: i64, column: &str, raw: &str) -> Result<T> {
    parsed.ok_or_else(|| {
        ServiceError::Storage(storage::StorageError::corrupt(
            table,
            format!("row {id}, {column}: unknown value {raw:?}"),
        ))
    })
}

/// An optional stored code: empty when absent, an error when it does not decode.
fn optional_coded<T>(
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    label: impl Fn(T) -> String,
    id: i64,
    column: &str,
) -> Result<String> {
    match raw.filter(|r| !r.is_empty()) {
        None => Ok(String::new()),
        Some(r) => Ok(label(coded(parse(r), "members", id, column, r)?)),
    }
}

/// The text of one column for one member.
fn value(
    col: MemberColumn,
    m: &MemberRow,
    reveal: bool,
    org_path: &str,
    seq: usize,
    decision: Option<&storage::decision::DecisionRow>,
) -> Result<String> {
    use MemberColumn as C;
    let phone = m.phone.clone().unwrap_or_default();
    let shown_phone = if reveal { phone.clone() } else { mask_phone(&phone) };
    Ok(match col {
        C::Seq => seq.to_string(),
        C::Name => m.name.clone(),
        C::Gender => m.gender.label().to_string(),
        C::Ethnicity => {
            coded(Ethnicity::parse(&m.ethnicity), "members", m.id, "ethnicity", &m.ethnicity)?.name().to_string()
        }
        C::BirthDate => m.birth_date.to_string(),
        C::IdNumber => {
            if reveal {
                m.id_number.clone()
            } else {
                mask_id_number(&m.id_number)
            }
        }
        C::Phone if is_mobile(&phone) => shown_phone,
        C::Landline if !phone.is_empty() && !is_mobile(&phone) => shown_phone,
        C::Phone | C::Landline => String::new(),
        C::Education => {
            optional_coded(m.education.as_deref(), Education::parse, |e| e.name().to_string(), m.id, "education")?
        }
        C::Degree => m.degree.clone().unwrap_or_default(),
        C::Occupation => {
            optional_coded(m.occupation.as_deref(), Occupation::parse, |o| o.name().to_string(), m.id, "occupation")?
        }
        C::Post => m.post.clone().unwrap_or_default(),
        C::UnitName => m.unit_name.clone().unwrap_or_default(),
        C::JoinedOn => m.joined_on.to_string(),
        C::ConfirmedOn => m.confirmed_on.map(|d| d.to_string()).unwrap_or_default(),
        C::Category => match m.status {
            MemberStatus::Probationary => "预备党员".into(),
            MemberStatus::Full | MemberStatus::Suspended => "正式党员".into(),
            other => other.label().to_string(),
        },
        C::PartyStatus => if m.status == MemberStatus::Suspended { "停止党籍" } else { "正常" }.into(),
        C::Org => org_path.to_string(),
        C::Group => m.group_name.clone().unwrap_or_default(),
        C::DuesCategory => m.dues_category.label().to_string(),
        C::Address => match &m.address {
            Some(a) if reveal => a.clone(),
            Some(a) => mask_address(a),
            None => String::new(),
        },
        C::LostContact => crate::members::yes_no(m.lost_contact),
        C::LostContactSince => m.lost_contact_since.clone().unwrap_or_default(),
        C::Mobile => crate::members::yes_no(m.mobile_member),
        C::MobileDestination => m.mobile_destination.clone().unwrap_or_default(),
        C::ProbationExtension => m.probation_extension_months.map(|n| n.to_string()).unwrap_or_default(),
        C::Remark => m.remark.clone().unwrap_or_default(),
        // The decision behind a status other than active, so that the file imports elsewhere
        // as historical data.
        C::DecisionKind => decision.map(|d| d.kind.label().to_string()).unwrap_or_default(),
        C::DecisionOn => decision.map(|d| d.decided_on.to_string()).unwrap_or_default(),
        C::DecisionDocument => decision.map(|d| d.document_no.clone()).unwrap_or_default(),
    })
}

fn text_columns(headers: &[MemberColumn]) -> Vec<usize> {
    headers
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            matches!(c, MemberColumn::IdNumber | MemberColumn::Phone | MemberColumn::Landline | MemberColumn::BirthDate)
                || matches!(c, MemberColumn::JoinedOn | MemberColumn::ConfirmedOn | MemberColumn::LostContactSince)
                || **c == MemberColumn::DecisionOn
        })
        .map(|(i, _)| i)
        .collect()
}

fn stamp() -> String {
    domain::dates::Iso::compact(&today())
}

impl Services {
    /// The member list, filtered as on the list page, as a file.
    pub async fn export_members(
        &self,
        actor: &Actor,
        q: &ListQuery,
        shape: ExportShape,
        format: ExportFormat,
    ) -> Result<ExportFile> {
        let (mut f, org_id) = q.to_filter(today()).map_err(ServiceError::Invalid)?;
        let scope = actor.scope();
        let mut unit = None;
        if let Some(org_id) = org_id {
            let o = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
            f.subtree = Some(o.org_path()?);
            unit = Some(o.name);
        }
        let orgs = storage::org::list(&self.db, &scope, None, true).await?;
        // 填报单位: the org exported, else the first (highest) org the viewer sees.
        let scope_name = unit.or_else(|| orgs.first().map(|o| o.name.clone())).unwrap_or_default();
        let finder = OrgFinder::new(orgs);
        let columns: Vec<(MemberColumn, &str)> = match shape {
            ExportShape::Template => TEMPLATE_COLUMNS.iter().map(|c| (*c, c.header())).collect(),
            ExportShape::Annex4 => ANNEX4_COLUMNS.to_vec(),
        };
        let headers: Vec<&str> = columns.iter().map(|(_, h)| *h).collect();
        let cols: Vec<MemberColumn> = columns.iter().map(|(c, _)| *c).collect();
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut whole = 0usize;
        let mut after = 0i64;
        loop {
            let batch = storage::roster::export_batch(&self.db, &scope, &f, after, 2_000).await?;
            let Some(last) = batch.last() else { break };
            after = last.id;
            let gone: Vec<i64> = batch
                .iter()
                .filter(|m| !m.status.is_active() && m.status != MemberStatus::TransferredOut)
                .map(|m| m.id)
                .collect();
            let decisions = storage::decision::latest_status_decisions(&self.db, &gone).await?;
            for m in &batch {
                let branch = m.branch_org_path()?;
                let reveal =
                    can(actor, Action::RevealPersonalData, Target::Member { member_id: m.id, branch: &branch });
                whole += usize::from(reveal);
                let org_path = match shape {
                    // A member of a group is placed by the group's path, which names the branch too.
                    ExportShape::Template => finder.path_text(m.group_id.unwrap_or(m.branch_id)),
                    ExportShape::Annex4 => m.branch_name.clone(),
                };
                let seq = rows.len() + 1;
                let decision = decisions.get(&m.id).filter(|d| d.status_after == m.status);
                rows.push(
                    cols.iter().map(|c| value(*c, m, reveal, &org_path, seq, decision)).collect::<Result<Vec<_>>>()?,
                );
            }
        }
        let bytes = match format {
            ExportFormat::Xlsx => {
                // 附件4: its title and a 填报单位 line, so that the data starts on row 4 as the
                // national system's sheet does (forms.md §1.1).
                let title = (shape == ExportShape::Annex4)
                    .then(|| format!("党员信息汇总表\n填报单位：{}　　导出日期：{}", scope_name, format_cn(today())));
                write_xlsx(&[SheetSpec {
                    name: "党员信息",
                    title: title.as_deref(),
                    headers: &headers,
                    rows: &rows,
                    text_columns: &text_columns(&cols),
                }])
                .map_err(|e| ServiceError::Internal(e.to_string()))?
            }
            ExportFormat::Csv => write_csv(&headers, &rows),
        };
        let mut tx = self.db.begin().await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "member.export",
                entity: "member",
                entity_id: None,
                org_path: f.subtree.as_ref().map(|p| p.as_str().to_string()),
                before: None,
                after: Some(serde_json::json!({
                    "rows": rows.len(), "whole_personal_data": whole, "format": format.extension(),
                    "shape": if shape == ExportShape::Annex4 { "annex4" } else { "template" }, "query": q,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        let prefix = if shape == ExportShape::Annex4 { "党员信息汇总表" } else { "党员名册" };
        Ok(ExportFile {
            rows: rows.len(),
            bytes,
            file_name: format!("{prefix}-{}.{}", stamp(), format.extension()),
            content_type: format.content_type(),
        })
    }

    /// The org tree of the viewer's scope as a file (closed orgs included, marked).
    pub async fn export_orgs(&self, actor: &Actor, format: ExportFormat) -> Result<ExportFile> {
        let orgs = storage::org::list(&self.db, &actor.scope(), None, true).await?;
        let finder = OrgFinder::new(orgs.clone());
        let headers = [
            "组织名称",
            "组织类别",
            "上级组织",
            "组织路径",
            "所在单位",
            "单位类别",
            "成立日期",
            "本届任期开始日期",
            "任期（年）",
            "状态",
        ];
        let name_of = |id: Option<i64>| id.and_then(|p| orgs.iter().find(|o| o.id == p)).map(|o| o.name.clone());
        let rows: Vec<Vec<String>> = orgs
            .iter()
            .map(|o| {
                vec![
                    o.name.clone(),
                    o.kind.label().to_string(),
                    name_of(o.parent_id).unwrap_or_default(),
                    finder.path_text(o.id),
                    o.unit_name.clone(),
                    o.unit_kind.label().to_string(),
                    o.established_on.map(|d| d.to_string()).unwrap_or_default(),
                    o.term_start_on.map(|d| d.to_string()).unwrap_or_default(),
                    o.term_years.map(|y| y.to_string()).unwrap_or_default(),
                    o.status.label().to_string(),
                ]
            })
            .collect();
        let bytes = match format {
            ExportFormat::Xlsx => write_xlsx(&[SheetSpec {
                name: "组织",
                title: None,
                headers: &headers,
                rows: &rows,
                text_columns: &[6, 7],
            }])
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
            ExportFormat::Csv => write_csv(&headers, &rows),
        };
        let mut tx = self.db.begin().await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "org.export",
                entity: "org",
                entity_id: None,
                org_path: None,
                before: None,
                after: Some(serde_json::json!({"rows": rows.len(), "format": format.extension()})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ExportFile {
            rows: rows.len(),
            bytes,
            file_name: format!("组织-{}.{}", stamp(), format.extension()),
            content_type: format.content_type(),
        })
    }
}
