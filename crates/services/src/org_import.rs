//! Org tree import: a sheet of orgs (the shape `export orgs` writes), checked in one pass,
//! then created or updated in one transaction. An org is identified by its name path, so the
//! same sheet imports once; a row's parent may be a row above it in the same sheet.

use crate::import::{ImportIssue, OrgFinder};
use crate::orgs::OrgInput;
use crate::{Entry, Result, ServiceError, Services};
use domain::org::{OrgKind, OrgPath};
use domain::scope::{Action, Actor, Target, can};
use std::collections::HashMap;
use storage::org::{OrgFields, OrgRow};

/// The columns of an org sheet and what people call them.
const COLUMNS: &[(&str, &[&str])] = &[
    ("name", &["组织名称", "党组织名称", "名称"]),
    ("kind", &["组织类别", "类别", "组织类型"]),
    ("parent", &["上级组织", "上级党组织", "隶属关系", "上级"]),
    ("path", &["组织路径", "路径"]),
    ("unit_name", &["所在单位", "单位名称", "单位"]),
    ("unit_kind", &["单位类别", "单位类型"]),
    ("established_on", &["成立日期", "成立时间"]),
    ("term_start_on", &["本届任期开始日期", "任期开始日期", "换届日期", "本届换届日期"]),
    ("term_years", &["任期（年）", "任期(年)", "任期年限", "任期"]),
];

fn column_key(header: &str) -> Option<&'static str> {
    let h: String = header.chars().filter(|c| !c.is_whitespace() && *c != '*').collect();
    COLUMNS.iter().find(|(_, names)| names.contains(&h.as_str())).map(|(k, _)| *k)
}

fn is_org_header(header: &str) -> bool {
    column_key(header).is_some()
}

#[derive(Debug, Clone)]
enum PlannedOrg {
    New { parent: ParentRef, fields: OrgFields, path_names: Vec<String> },
    Update { org: Box<OrgRow>, fields: OrgFields },
    Same,
}

/// The parent of a new org: one that exists, or one created by an earlier row.
#[derive(Debug, Clone)]
enum ParentRef {
    Existing(Box<OrgRow>),
    Planned(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct OrgImportPlan {
    pub check: crate::import::PlanCheck,
    planned: Vec<PlannedOrg>,
}

impl std::ops::Deref for OrgImportPlan {
    type Target = crate::import::PlanCheck;
    fn deref(&self) -> &crate::import::PlanCheck {
        &self.check
    }
}

fn split_path(text: &str) -> Vec<String> {
    text.split(['/', '／', '\\', '>', '＞']).map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

/// An org created by an earlier row whose name path ends with `names` (exactly one).
fn planned_parent(planned: &HashMap<Vec<String>, OrgKind>, names: &[String]) -> Option<(Vec<String>, OrgKind)> {
    let mut hits =
        planned.iter().filter(|(path, _)| path.len() >= names.len() && path[path.len() - names.len()..] == *names);
    let (path, kind) = hits.next()?;
    if hits.next().is_some() {
        return None;
    }
    Some((path.clone(), *kind))
}

impl Services {
    /// Checks an org sheet without changing anything.
    pub async fn plan_org_import(&self, actor: &Actor, bytes: &[u8]) -> Result<OrgImportPlan> {
        self.authorize_import(actor)?;
        let table = self.read_upload(bytes, is_org_header).await?;
        let cols: HashMap<&str, usize> =
            table.headers.iter().enumerate().filter_map(|(i, h)| column_key(h).map(|k| (k, i))).collect();
        for required in ["name", "kind"] {
            if !cols.contains_key(required) {
                let label = COLUMNS.iter().find(|(k, _)| *k == required).map(|(_, n)| n[0]).unwrap_or(required);
                return Err(ServiceError::field("file", format!("表头中缺少必需的列：{label}")));
            }
        }
        let finder = OrgFinder::new(storage::org::list(&self.db, &actor.scope(), None, false).await?);
        // Kinds of orgs created by earlier rows, by their name path.
        let mut planned_paths: HashMap<Vec<String>, OrgKind> = HashMap::new();
        let mut issues = Vec::new();
        let mut planned = Vec::new();
        for row in &table.rows {
            let cell = |k: &str| {
                cols.get(k).and_then(|i| row.cells.get(*i)).map(|c| c.text.trim().to_string()).unwrap_or_default()
            };
            let issue = |key: Option<&str>, message: String| {
                let column = key.and_then(|k| cols.get(k).copied());
                ImportIssue {
                    row_number: row.number,
                    column,
                    column_name: column.and_then(|c| table.headers.get(c)).cloned().unwrap_or_default(),
                    message,
                }
            };
            let input = OrgInput {
                name: cell("name"),
                kind: cell("kind"),
                unit_name: cell("unit_name"),
                unit_kind: cell("unit_kind"),
                established_on: cell("established_on"),
                term_start_on: cell("term_start_on"),
                term_years: cell("term_years"),
            };
            let (kind, fields) = match input.validate() {
                Ok(v) => v,
                Err(errs) => {
                    for e in errs.0 {
                        issues.push(issue(Some(e.field.as_str()), e.message));
                    }
                    continue;
                }
            };
            // The parent: from the 组织路径 column (the full name path) when the sheet has one,
            // else from the 上级组织 column (a name or a name path).
            let parent_names = match (cell("path"), cell("parent")) {
                (path, _) if !path.is_empty() => {
                    let mut parts = split_path(&path);
                    parts.pop();
                    parts
                }
                (_, p) => split_path(&p),
            };
            let mut own_path = parent_names.clone();
            own_path.push(fields.name.clone());
            // Is the org itself there already? (An ambiguous path is an error, never a new org.)
            let existing = match finder.find(&own_path.join("/")) {
                Ok(o) => Some(o),
                Err(m) if m.starts_with("有 ") => {
                    issues.push(issue(Some("name"), m));
                    continue;
                }
                Err(_) => None,
            };
            if let Some(existing) = existing {
                if existing.kind != kind {
                    issues.push(issue(Some("kind"), format!("已有同名组织“{}”，但类别不同", existing.name)));
                    continue;
                }
                // The term comes from the elections: a blank cell keeps it, another start is a new
                // term, recorded as an election, not imported.
                let mut fields = fields;
                let current = existing.term_start_on.map(|d| d.to_string());
                if fields.term_start_on.is_none() {
                    fields.term_start_on = current.clone();
                    fields.term_years = fields.term_years.or(existing.term_years);
                } else if current.is_some() && fields.term_start_on != current {
                    issues.push(issue(
                        Some("term_start_on"),
                        "本届起始日期由换届选举记录确定，导入不能修改；新一届请在“换届选举”中录入".into(),
                    ));
                    continue;
                }
                let same = existing.unit_name == fields.unit_name
                    && existing.unit_kind.as_str() == fields.unit_kind
                    && existing.established_on.map(|d| d.to_string()) == fields.established_on
                    && existing.term_start_on.map(|d| d.to_string()) == fields.term_start_on
                    && existing.term_years == fields.term_years;
                let path = existing.org_path()?;
                if same {
                    planned.push(PlannedOrg::Same);
                } else if can(actor, Action::EditOrg, Target::Org(&path)) {
                    planned.push(PlannedOrg::Update { org: Box::new(existing.clone()), fields });
                } else {
                    issues.push(issue(Some("name"), "您无权修改该组织".into()));
                }
                continue;
            }
            let parent = if parent_names.is_empty() {
                None
            } else if let Some((full, k)) = planned_parent(&planned_paths, &parent_names) {
                Some((ParentRef::Planned(full), k, None))
            } else {
                match finder.find(&parent_names.join("/")) {
                    Ok(p) => {
                        let pk = p.kind;
                        Some((ParentRef::Existing(Box::new(p.clone())), pk, Some(p.org_path()?)))
                    }
                    Err(m) => {
                        issues.push(issue(Some(if cols.contains_key("parent") { "parent" } else { "path" }), m));
                        continue;
                    }
                }
            };
            let parent_kind = parent.as_ref().map(|(_, k, _)| *k);
            if !kind.may_sit_under(parent_kind) {
                let msg = match parent_kind {
                    Some(pk) => format!("{}不能设在{}之下", kind.label(), pk.label()),
                    None => format!("{}必须填写上级组织", kind.label()),
                };
                issues.push(issue(Some("parent"), msg));
                continue;
            }
            let allowed = match &parent {
                None => can(actor, Action::CreateChildOrg(kind), Target::Global),
                Some((_, _, Some(path))) => can(actor, Action::CreateChildOrg(kind), Target::Org(path)),
                // Under an org this sheet creates: allowed when its own ancestor was.
                Some((_, _, None)) => true,
            };
            if !allowed {
                issues.push(issue(Some("parent"), "您无权在该组织下新建组织".into()));
                continue;
            }
            planned_paths.insert(own_path.clone(), kind);
            let parent = match parent {
                Some((p, _, _)) => p,
                None => ParentRef::Planned(Vec::new()),
            };
            planned.push(PlannedOrg::New { parent, fields, path_names: own_path });
        }
        let count = |f: fn(&PlannedOrg) -> bool| planned.iter().filter(|p| f(p)).count();
        Ok(OrgImportPlan {
            check: crate::import::PlanCheck {
                rows: table.rows.len(),
                new: count(|p| matches!(p, PlannedOrg::New { .. })),
                changed: count(|p| matches!(p, PlannedOrg::Update { .. })),
                unchanged: count(|p| matches!(p, PlannedOrg::Same)),
                table,
                issues,
            },
            planned,
        })
    }

    /// Applies a clean org plan in one transaction with one audit entry.
    pub async fn commit_org_import(&self, actor: &Actor, plan: &OrgImportPlan) -> Result<(usize, usize)> {
        if !plan.is_clean() {
            return Err(ServiceError::Conflict(format!("文件中还有 {} 处错误，全部改正后才能导入", plan.issues.len())));
        }
        let mut tx = self.db.begin().await?;
        let mut created: HashMap<Vec<String>, OrgRow> = HashMap::new();
        let (mut new, mut changed) = (Vec::new(), Vec::new());
        for p in &plan.planned {
            match p {
                PlannedOrg::New { parent, fields, path_names } => {
                    let parent_row = match parent {
                        ParentRef::Existing(o) => Some((**o).clone()),
                        ParentRef::Planned(names) if names.is_empty() => None,
                        ParentRef::Planned(names) => Some(
                            created
                                .get(names)
                                .cloned()
                                .ok_or_else(|| ServiceError::Internal("planned parent missing".into()))?,
                        ),
                    };
                    let row = storage::org::insert(&mut tx, parent_row.as_ref(), fields).await?;
                    crate::elections::typed_term(&mut tx, None, row.id, fields).await?;
                    new.push(row.id);
                    created.insert(path_names.clone(), row);
                }
                PlannedOrg::Update { org, fields } => {
                    crate::elections::typed_term(&mut tx, Some(org), org.id, fields).await?;
                    storage::org::update_fields(&mut tx, org.id, fields).await?;
                    changed.push(org.id);
                }
                PlannedOrg::Same => {}
            }
        }
        let root = created.values().map(|o| o.path.clone()).min_by_key(|p| p.len());
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "org.import",
                entity: "org",
                entity_id: None,
                org_path: root.and_then(|p| OrgPath::parse(&p).ok()).map(|p| p.as_str().to_string()),
                before: None,
                after: Some(serde_json::json!({"rows": plan.rows, "new": new, "changed": changed})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok((new.len(), changed.len()))
    }
}
