//! Roster import: a branch's spreadsheet, taken as it is, checked in one pass (every error by
//! row and column, in Chinese), previewed as new / changed / unchanged rows, then committed in
//! one transaction or not at all. Rows match registered members by ID number, so importing the
//! same sheet again changes nothing, and a changed row becomes a dated update with history.

use crate::members::input_of;
use crate::{Entry, Result, ServiceError, Services};
use chrono::NaiveDate;
use domain::codes::{DuesCategory, MemberStatus};
use domain::dates::Iso;
use domain::dates::parse_excel_serial;
use domain::member::MemberInput;
use domain::org::OrgKind;
use domain::scope::{Action, Actor, Target, can};
use reports::roster::{MemberColumn, is_member_header, map_member_columns};
use reports::sheet::{Table, read_table};
use serde::Serialize;
use std::collections::HashMap;
use storage::member::{MemberData, MemberRow, Placement};
use storage::org::OrgRow;

/// One problem found in the file: where (row as Excel numbers it, column) and what to do.
#[derive(Debug, Clone, Serialize)]
pub struct ImportIssue {
    pub row_number: usize,
    pub column: Option<usize>,
    pub column_name: String,
    pub message: String,
}

/// What one valid row will do.
#[derive(Debug, Clone)]
enum Planned {
    /// A new member; one already 停止党籍, 出党 or 去世 is written active, then with the
    /// decision the row carries.
    New {
        data: MemberData,
        placement: Placement,
        decision: Option<crate::import_decision::HistoricDecision>,
    },
    Change {
        member: Box<MemberRow>,
        data: MemberData,
        placement: Option<Placement>,
        status_changed: bool,
    },
    Same,
}

/// What checking an uploaded table found before anything is written: the shape the member and
/// org import plans share (both deref to it), shown and printed the same way.
#[derive(Debug, Clone)]
pub struct PlanCheck {
    pub table: Table,
    pub rows: usize,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub issues: Vec<ImportIssue>,
}

/// The checked member file: counts, every issue, and (privately) what committing would do.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    pub check: PlanCheck,
    pub as_of: NaiveDate,
    planned: Vec<(usize, Planned)>,
}

impl std::ops::Deref for ImportPlan {
    type Target = PlanCheck;
    fn deref(&self) -> &PlanCheck {
        &self.check
    }
}

impl PlanCheck {
    pub fn is_clean(&self) -> bool {
        self.issues.is_empty()
    }

    /// The uploaded table with each bad cell marked and explained, to fix and upload again.
    pub fn error_workbook(&self) -> Result<Vec<u8>> {
        let errors: Vec<reports::write::CellError> = self
            .issues
            .iter()
            .map(|i| reports::write::CellError {
                row_number: i.row_number,
                column: i.column,
                message: i.message.clone(),
            })
            .collect();
        reports::write::error_report_xlsx(&self.table, &errors).map_err(|e| ServiceError::Internal(e.to_string()))
    }
}

/// What a commit did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportOutcome {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// The column each validation field comes from, for placing its errors.
fn column_of(field: &str) -> &'static [MemberColumn] {
    use MemberColumn::*;
    match field {
        "name" => &[Name],
        "gender" => &[Gender],
        "ethnicity" => &[Ethnicity],
        "birth_date" => &[BirthDate],
        "id_number" => &[IdNumber],
        "phone" => &[Phone, Landline],
        "education" => &[Education],
        "degree" => &[Degree],
        "occupation" => &[Occupation],
        "post" => &[Post],
        "unit_name" => &[UnitName],
        "joined_on" => &[JoinedOn],
        "confirmed_on" => &[ConfirmedOn],
        "probation_extension_months" => &[ProbationExtension],
        "status" => &[Category, PartyStatus],
        "dues_category" => &[DuesCategory],
        "address" => &[Address],
        "lost_contact" => &[LostContact],
        "lost_contact_since" => &[LostContactSince],
        "mobile_member" => &[Mobile],
        "mobile_destination" => &[MobileDestination],
        "remark" => &[Remark],
        _ => &[],
    }
}

/// A date cell as text: Excel serial numbers (a date typed into a number cell) become ISO
/// dates; every other form is left to the date parser, which accepts the forms people type.
pub(crate) fn date_text(cell: &str) -> String {
    let t = cell.trim();
    if !t.is_empty()
        && t.len() <= 5
        && t.chars().all(|c| c.is_ascii_digit())
        && let Ok(n) = t.parse::<f64>()
        && let Ok(d) = parse_excel_serial(n)
    {
        return d.iso();
    }
    t.to_string()
}

/// Orgs of the viewer's scope, found by name or by a name path written from any level down
/// (教育局党委/第一中学党总支/高一年级党支部, or just 高一年级党支部 when that name is unique).
pub(crate) struct OrgFinder {
    orgs: Vec<OrgRow>,
    /// Names from the top of the scope down to each org.
    name_paths: Vec<Vec<String>>,
    /// Orgs by their own name, so a lookup checks only the orgs that can match.
    by_name: HashMap<String, Vec<usize>>,
    by_id: HashMap<i64, usize>,
}

impl OrgFinder {
    pub(crate) fn new(orgs: Vec<OrgRow>) -> Self {
        let by_id: HashMap<i64, usize> = orgs.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        let name_paths = orgs
            .iter()
            .map(|o| {
                let mut names = vec![o.name.clone()];
                let mut cur = o.parent_id;
                while let Some(p) = cur.and_then(|id| by_id.get(&id)) {
                    names.push(orgs[*p].name.clone());
                    cur = orgs[*p].parent_id;
                }
                names.reverse();
                names
            })
            .collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, o) in orgs.iter().enumerate() {
            by_name.entry(o.name.clone()).or_default().push(i);
        }
        let by_id = orgs.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        Self { orgs, name_paths, by_name, by_id }
    }

    pub(crate) fn find(&self, text: &str) -> std::result::Result<&OrgRow, String> {
        let parts: Vec<String> =
            text.split(['/', '／', '\\', '>', '＞']).map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
        if parts.is_empty() {
            return Err("请填写所在党组织".into());
        }
        let last = parts.last().map(String::as_str).unwrap_or_default();
        let hits: Vec<&OrgRow> = self
            .by_name
            .get(last)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(|i| {
                let path = &self.name_paths[**i];
                path.len() >= parts.len() && path[path.len() - parts.len()..] == parts[..]
            })
            .map(|i| &self.orgs[*i])
            .collect();
        match hits.as_slice() {
            [one] => Ok(one),
            [] => Err(format!("找不到组织“{text}”，或您无权管理；请核对名称，或写出完整路径如“上级党委/党支部”")),
            many => Err(format!(
                "有 {} 个组织名为“{}”，请写出上级组织以区分，如“{}”",
                many.len(),
                text,
                self.path_text(many[0].id)
            )),
        }
    }

    /// The org's name path, e.g. 教育局党委/第一中学党总支/高一年级党支部.
    pub(crate) fn path_text(&self, id: i64) -> String {
        self.index_of(id).map(|i| self.name_paths[i].join("/")).unwrap_or_default()
    }

    fn index_of(&self, id: i64) -> Option<usize> {
        self.by_id.get(&id).copied()
    }
}

/// How many uploaded files are parsed at once. A parse takes a core and up to a few hundred MB
/// (bounded by the reader's text budget); more uploads wait for a slot.
pub const PARALLEL_READS: usize = 2;

impl Services {
    /// Refuses an import to an account that cannot create anything anywhere (a plain member),
    /// before its file is read: the web handlers call this before they take the request body.
    pub fn authorize_import(&self, actor: &Actor) -> Result<()> {
        if actor.scope().is_own_record_only() { Err(ServiceError::Forbidden) } else { Ok(()) }
    }

    /// Reads an uploaded file into a table on a blocking thread, at most [`PARALLEL_READS`] at
    /// a time, so the async workers (and `/health`) stay responsive while files are parsed.
    pub(crate) async fn read_upload(&self, bytes: &[u8], known_headers: fn(&str) -> bool) -> Result<Table> {
        let _slot = self.read_slots.acquire().await.map_err(|e| ServiceError::Internal(e.to_string()))?;
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || read_table(&bytes, &known_headers))
            .await
            .map_err(|e| ServiceError::Internal(format!("reading the file: {e}")))?
            .map_err(|e| ServiceError::field("file", e.to_string()))
    }

    /// Finds an org of the viewer's scope by id, unique name or name path.
    pub async fn find_org(&self, actor: &Actor, text: &str) -> Result<OrgRow> {
        let orgs = storage::org::list(&self.db, &actor.scope(), None, false).await?;
        if let Ok(id) = text.trim().parse::<i64>() {
            return orgs.into_iter().find(|o| o.id == id).ok_or(ServiceError::NotFound);
        }
        let finder = OrgFinder::new(orgs);
        finder.find(text).cloned().map_err(|m| ServiceError::field("org", m))
    }

    /// Checks a roster file against the rules and the registry, without changing anything.
    /// `default_branch` places rows that name no org (an import started from a branch's page).
    pub async fn plan_member_import(
        &self,
        actor: &Actor,
        bytes: &[u8],
        default_branch: Option<i64>,
        as_of: NaiveDate,
    ) -> Result<ImportPlan> {
        self.authorize_import(actor)?;
        let table = self.read_upload(bytes, is_member_header).await?;
        let map = map_member_columns(&table.headers);
        let mut missing = Vec::new();
        for required in [MemberColumn::Name, MemberColumn::IdNumber] {
            if map.index(required).is_none() {
                missing.push(required.header());
            }
        }
        if map.index(MemberColumn::Org).is_none() && default_branch.is_none() {
            missing.push(MemberColumn::Org.header());
        }
        if !missing.is_empty() {
            return Err(ServiceError::field(
                "file",
                format!("表头中缺少必需的列：{}（第 {} 行为表头）", missing.join("、"), table.header_row),
            ));
        }
        let scope = actor.scope();
        let finder = OrgFinder::new(storage::org::list(&self.db, &scope, None, false).await?);
        let default_branch = match default_branch {
            Some(id) => Some(
                finder.orgs.iter().find(|o| o.id == id && o.kind == OrgKind::Branch).ok_or(ServiceError::NotFound)?,
            ),
            None => None,
        };

        // Registered members with the file's ID numbers, in scope or not.
        let id_col = map.index(MemberColumn::IdNumber);
        let id_numbers: Vec<String> = table
            .rows
            .iter()
            .filter_map(|r| id_col.and_then(|c| r.cells.get(c)).map(|c| c.text.trim().to_uppercase()))
            .filter(|s| !s.is_empty())
            .collect();
        let registered = storage::roster::by_id_numbers(&self.db, &id_numbers).await?;
        let in_scope_ids: Vec<i64> = registered
            .iter()
            .filter(|r| domain::org::OrgPath::parse(&r.branch_path).is_ok_and(|p| scope.contains_org(&p)))
            .map(|r| r.id)
            .collect();
        let existing: HashMap<String, MemberRow> = storage::roster::rows_by_ids(&self.db, &scope, &in_scope_ids)
            .await?
            .into_iter()
            .map(|m| (m.id_number.clone(), m))
            .collect();
        let registered: HashMap<String, i64> = registered.into_iter().map(|r| (r.id_number, r.id)).collect();

        let mut issues = Vec::new();
        let mut planned = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for row in &table.rows {
            let mut row_issues = Vec::new();
            let issue = |col: Option<usize>, message: String| ImportIssue {
                row_number: row.number,
                column: col,
                column_name: col.and_then(|c| table.headers.get(c)).cloned().unwrap_or_default(),
                message,
            };
            for (c, cell) in row.cells.iter().enumerate() {
                if let Some(p) = &cell.problem {
                    row_issues.push(issue(Some(c), p.clone()));
                }
            }
            let cell = |c: MemberColumn| -> Option<String> {
                map.index(c).and_then(|i| row.cells.get(i)).map(|x| x.text.trim().to_string())
            };
            let id_number = cell(MemberColumn::IdNumber).unwrap_or_default().to_uppercase();
            if let Some(first) = seen.get(&id_number).filter(|_| !id_number.is_empty()) {
                row_issues.push(issue(id_col, format!("身份证号与第 {first} 行重复，同一名党员只能出现一次")));
            } else if !id_number.is_empty() {
                seen.insert(id_number.clone(), row.number);
            }
            let current = existing.get(&id_number);
            if current.is_none() && registered.contains_key(&id_number) {
                row_issues.push(issue(
                    id_col,
                    "该党员已在您管理范围以外的组织登记，请联系上级组织办理组织关系转接".to_string(),
                ));
            }
            let input = row_input(&cell, current);
            let fields = match input.validate(as_of) {
                Ok(f) if current.is_some_and(|m| !crate::members::free_status_change(m.status, f.status)) => {
                    let col = map.index(MemberColumn::PartyStatus).or(map.index(MemberColumn::Category));
                    row_issues.push(issue(col, crate::members::DECISION_FLOW.to_string()));
                    None
                }
                Ok(f) => Some(f),
                Err(errs) => {
                    for e in errs.0 {
                        let col = column_of(&e.field).iter().find_map(|c| map.index(*c));
                        row_issues.push(issue(col, e.message));
                    }
                    None
                }
            };
            // Where the member belongs.
            let org_cell = cell(MemberColumn::Org).filter(|s| !s.is_empty());
            let placement = match (&org_cell, default_branch, current) {
                (Some(text), _, _) => match finder.find(text) {
                    Ok(o) => placement_of(&finder, o, cell(MemberColumn::Group).as_deref())
                        .map_err(|m| row_issues.push(issue(map.index(MemberColumn::Org), m)))
                        .ok(),
                    Err(m) => {
                        row_issues.push(issue(map.index(MemberColumn::Org), m));
                        None
                    }
                },
                (None, Some(b), None) => placement_of(&finder, b, cell(MemberColumn::Group).as_deref())
                    .map_err(|m| row_issues.push(issue(map.index(MemberColumn::Group), m)))
                    .ok(),
                (None, _, Some(m)) => {
                    Some(Placement { branch_id: m.branch_id, branch_path: m.branch_path.clone(), group_id: m.group_id })
                }
                (None, None, None) => {
                    row_issues.push(issue(map.index(MemberColumn::Org), "请填写所在党组织".into()));
                    None
                }
            };
            if let Some(p) = &placement
                && let Ok(path) = domain::org::OrgPath::parse(&p.branch_path)
                && !can(actor, Action::CreateMember, Target::Org(&path))
            {
                row_issues.push(issue(map.index(MemberColumn::Org), "您无权在该组织中录入党员".into()));
            }
            if !row_issues.is_empty() {
                issues.extend(row_issues);
                continue;
            }
            let (Some(fields), Some(placement)) = (fields, placement) else { continue };
            let mut data = crate::members::to_data(&fields);
            let plan = match current {
                None => {
                    // Historical data: a status other than active comes with its decision.
                    let cells = crate::import_decision::DecisionCells {
                        kind: cell(MemberColumn::DecisionKind).unwrap_or_default(),
                        on: cell(MemberColumn::DecisionOn).unwrap_or_default(),
                        document: cell(MemberColumn::DecisionDocument).unwrap_or_default(),
                    };
                    let confirmed = fields.confirmed_on.is_some();
                    match crate::import_decision::read(&cells, fields.status, confirmed, fields.joined_on, as_of) {
                        Ok(decision) => {
                            if let Some(h) = &decision {
                                data.status = h.before.as_str().to_string();
                            }
                            Planned::New { data, placement, decision }
                        }
                        Err(problems) => {
                            for (c, message) in problems {
                                let col = map.index(c).or(map.index(MemberColumn::Category));
                                issues.push(issue(col, message));
                            }
                            continue;
                        }
                    }
                }
                Some(m) => {
                    // A sheet that names only the branch (附件4 has no group column) keeps the
                    // member in their group.
                    let mut placement = placement;
                    if map.index(MemberColumn::Group).is_none()
                        && placement.group_id.is_none()
                        && placement.branch_id == m.branch_id
                    {
                        placement.group_id = m.group_id;
                    }
                    let moved = m.branch_id != placement.branch_id || m.group_id != placement.group_id;
                    let before = crate::members::data_of_row(m);
                    if before == data && !moved {
                        Planned::Same
                    } else {
                        Planned::Change {
                            status_changed: before.status != data.status,
                            member: Box::new(m.clone()),
                            data,
                            placement: moved.then_some(placement),
                        }
                    }
                }
            };
            planned.push((row.number, plan));
        }
        let count = |f: fn(&Planned) -> bool| planned.iter().filter(|(_, p)| f(p)).count();
        Ok(ImportPlan {
            check: PlanCheck {
                rows: table.rows.len(),
                new: count(|p| matches!(p, Planned::New { .. })),
                changed: count(|p| matches!(p, Planned::Change { .. })),
                unchanged: count(|p| matches!(p, Planned::Same)),
                table,
                issues,
            },
            as_of,
            planned,
        })
    }

    /// Applies a clean plan in one transaction with one audit entry; a plan with any issue, or
    /// any failure on the way (e.g. the same ID number registered meanwhile), changes nothing.
    pub async fn commit_member_import(&self, actor: &Actor, plan: &ImportPlan) -> Result<ImportOutcome> {
        if !plan.is_clean() {
            return Err(ServiceError::Conflict(format!("文件中还有 {} 处错误，全部改正后才能导入", plan.issues.len())));
        }
        let on = plan.as_of.iso();
        let day_before = plan.as_of.pred_opt().unwrap_or(plan.as_of).iso();
        let mut tx = self.db.begin().await?;
        let mut changed = Vec::new();
        let mut new_rows = Vec::new();
        for (_, p) in &plan.planned {
            match p {
                Planned::New { data, placement, .. } => new_rows.push((data.clone(), placement.clone())),
                Planned::Change { member, data, placement, status_changed } => {
                    storage::member::update(&mut tx, member.id, data, *status_changed, &on).await?;
                    if data.dues_category != member.dues_category.as_str() {
                        self.category_as_base(&mut tx, actor, member.id, &data.dues_category, plan.as_of).await?;
                    }
                    if let Some(to) = placement {
                        storage::member::relocate(&mut tx, member, to, &on, &day_before).await?;
                    }
                    changed.push(member.id);
                }
                Planned::Same => {}
            }
        }
        let created = storage::roster::insert_members(&mut tx, &new_rows).await.map_err(|e| {
            if e.is_unique_violation() {
                ServiceError::Conflict("文件中有身份证号在检查之后已被登记，请重新导入（本次未导入任何数据）".into())
            } else {
                e.into()
            }
        })?;
        for (id, (data, _)) in created.iter().zip(&new_rows) {
            let joined = domain::dates::parse_iso(&data.joined_on).unwrap_or(plan.as_of);
            self.category_as_base(&mut tx, actor, *id, &data.dues_category, joined.min(plan.as_of)).await?;
        }
        // The historical decisions, in the order the new rows were inserted.
        let decisions = plan.planned.iter().filter_map(|(_, p)| match p {
            Planned::New { decision, placement, .. } => Some((decision, placement)),
            _ => None,
        });
        let mut decided = 0usize;
        for (id, (decision, placement)) in created.iter().zip(decisions) {
            let Some(h) = decision else { continue };
            let row = storage::decision::NewDecision {
                member_id: *id,
                org_id: placement.branch_id,
                kind: h.kind,
                decided_on: h.on,
                body: String::new(),
                document_no: h.document.clone(),
                reason: "历史数据导入".into(),
                months: None,
                last_day: None,
                status_before: h.before,
                status_after: h.after,
            };
            storage::decision::insert(&mut tx, &row, actor.account_id).await?;
            storage::transfer::set_member_status(&mut tx, *id, h.after, h.on).await?;
            decided += 1;
        }
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "member.import",
                entity: "member",
                entity_id: None,
                org_path: common_path(plan),
                before: None,
                after: Some(serde_json::json!({
                    "rows": plan.rows, "new": created, "changed": changed, "unchanged": plan.unchanged,
                    "decisions": decided
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ImportOutcome { new: created.len(), changed: changed.len(), unchanged: plan.unchanged })
    }
}

impl Services {
    /// The dated base records own a member's dues category (DUES-CHANGE): an imported category
    /// becomes a base record from `from`'s month, not an overwrite. A flat category's base is
    /// known (DUES-FLAT); a category paid on a base keeps the amount of the member's latest base,
    /// and without one no record is written (the branch records the base; until then the member's
    /// months show 未登记基数).
    async fn category_as_base(
        &self,
        tx: &mut storage::Tx,
        actor: &Actor,
        member_id: i64,
        category: &str,
        from: chrono::NaiveDate,
    ) -> Result<()> {
        let Some(category) = DuesCategory::parse(category) else { return Ok(()) };
        let month = domain::family::dues::statement::month_of(from);
        let flat = domain::family::dues::quote::is_flat(&domain::family::dues::national(), category, month);
        let base = match storage::dues::latest_base_in_tx(tx, member_id).await? {
            _ if flat => domain::money::Fen::ZERO,
            Some(b) => b.base_fen,
            None => return Ok(()),
        };
        let record = storage::dues::NewBase {
            member_id,
            from_month: month,
            category,
            base,
            chosen: None,
            note: "名册导入".into(),
        };
        storage::dues::insert_base(tx, &record, self.today(), actor.account_id).await?;
        Ok(())
    }
}

/// The branch (and group) a row names: a branch, or a group (its branch is its parent), with an
/// optional group column naming a group of that branch.
fn placement_of(finder: &OrgFinder, org: &OrgRow, group: Option<&str>) -> std::result::Result<Placement, String> {
    let (branch, mut group_id) = match org.kind.as_str() {
        "branch" => (org, None),
        "group" => {
            let parent = org
                .parent_id
                .and_then(|p| finder.index_of(p))
                .map(|i| &finder.orgs[i])
                .ok_or_else(|| "找不到该党小组所属的党支部".to_string())?;
            (parent, Some(org.id))
        }
        _ => return Err(format!("“{}”不是党支部：党员须编入党支部（或其党小组）", org.name)),
    };
    if let Some(g) = group.map(str::trim).filter(|g| !g.is_empty()) {
        let named = finder.by_name.get(g).map(Vec::as_slice).unwrap_or_default();
        match named
            .iter()
            .map(|i| &finder.orgs[*i])
            .find(|o| o.parent_id == Some(branch.id) && o.kind == OrgKind::Group)
        {
            Some(found) => group_id = Some(found.id),
            None => return Err(format!("{}下没有名为“{g}”的党小组", branch.name)),
        }
    }
    Ok(Placement { branch_id: branch.id, branch_path: branch.path.clone(), group_id })
}

/// The raw form of one row. Columns the sheet does not have keep the registered values (a sheet
/// without phones does not erase them); for new members they are empty or derived.
fn row_input(cell: &dyn Fn(MemberColumn) -> Option<String>, current: Option<&MemberRow>) -> MemberInput {
    use MemberColumn as C;
    let mut i = current.map(input_of).unwrap_or_default();
    let set = |c: C, slot: &mut String| {
        if let Some(v) = cell(c) {
            *slot = v;
        }
    };
    set(C::Name, &mut i.name);
    set(C::IdNumber, &mut i.id_number);
    set(C::Gender, &mut i.gender);
    set(C::Ethnicity, &mut i.ethnicity);
    set(C::Education, &mut i.education);
    set(C::Degree, &mut i.degree);
    set(C::Occupation, &mut i.occupation);
    set(C::Post, &mut i.post);
    set(C::UnitName, &mut i.unit_name);
    set(C::Address, &mut i.address);
    set(C::LostContact, &mut i.lost_contact);
    set(C::Mobile, &mut i.mobile_member);
    set(C::MobileDestination, &mut i.mobile_destination);
    set(C::ProbationExtension, &mut i.probation_extension_months);
    set(C::Remark, &mut i.remark);
    if let Some(v) = cell(C::LostContactSince) {
        i.lost_contact_since = date_text(&v);
    }
    // A sheet that says 否 without the detail column clears the registered detail (a member
    // found again, or back home), rather than reporting a conflict the sheet cannot show.
    let says_no = |c: C| cell(c).is_some_and(|v| matches!(v.trim(), "" | "否"));
    if says_no(C::LostContact) && cell(C::LostContactSince).is_none() {
        i.lost_contact_since.clear();
    }
    if says_no(C::Mobile) && cell(C::MobileDestination).is_none() {
        i.mobile_destination.clear();
    }
    if let Some(v) = cell(C::Phone).filter(|v| !v.is_empty()).or_else(|| cell(C::Landline)) {
        i.phone = v;
    }
    for (c, slot) in
        [(C::BirthDate, &mut i.birth_date), (C::JoinedOn, &mut i.joined_on), (C::ConfirmedOn, &mut i.confirmed_on)]
    {
        if let Some(v) = cell(c) {
            *slot = date_text(&v);
        }
    }
    i.id_number = i.id_number.to_uppercase();
    // 人员类别 says probationary or full; 党籍状态 停止党籍 means suspended.
    if let Some(v) = cell(C::Category).filter(|v| !v.is_empty()) {
        i.status = match v.as_str() {
            "正式" | "正式党员" => "full".into(),
            "预备" | "预备党员" => "probationary".into(),
            other => MemberStatus::parse(other).map(|s| s.as_str().to_string()).unwrap_or(v),
        };
    } else if current.is_none() {
        i.status = if i.confirmed_on.trim().is_empty() { "probationary".into() } else { "full".into() };
    }
    if cell(C::PartyStatus).is_some_and(|v| v.contains("停止")) {
        i.status = "suspended".into();
    }
    match cell(C::DuesCategory).filter(|v| !v.is_empty()) {
        Some(v) => i.dues_category = DuesCategory::parse(&v).map(|d| d.as_str().to_string()).unwrap_or(v),
        None if current.is_none() => {
            i.dues_category = match i.occupation.as_str() {
                o if o.contains("retired") || o.contains("离退休") || i.post.contains("退休") => "retired".into(),
                o if o.contains("student") || o.contains("学生") => "student".into(),
                _ => "employed".into(),
            };
        }
        None => {}
    }
    i
}

/// The deepest org path that contains every row's branch, for scoping the audit entry.
fn common_path(plan: &ImportPlan) -> Option<String> {
    let mut paths = plan.planned.iter().filter_map(|(_, p)| match p {
        Planned::New { placement, .. } => Some(placement.branch_path.clone()),
        Planned::Change { member, .. } => Some(member.branch_path.clone()),
        Planned::Same => None,
    });
    let first = paths.next()?;
    let mut common: Vec<&str> = first.split('/').collect();
    for p in paths {
        let parts: Vec<&str> = p.split('/').collect();
        let n = common.iter().zip(&parts).take_while(|(a, b)| a == b).count();
        common.truncate(n);
    }
    let joined = common.join("/");
    if joined.len() > 1 { Some(format!("{}/", joined.trim_end_matches('/'))) } else { None }
}
