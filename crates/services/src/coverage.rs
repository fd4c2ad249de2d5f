//! Coverage of every unit (COVER-PRIVATE): the registry of units a committee oversees, the orgs
//! linked to each (a joint branch to several), the party-building instructors (党建指导员) serving
//! them, their charters and yearly inspections; and the coverage view of a subtree by unit type
//! and ownership, with the uncovered units and the findings of the rule. Written by the
//! committee's administrators, read by viewers of the committee's subtree.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::dates::Iso;
use domain::family::coverage::{CoverWay, UnitFact};
use domain::org::{OrgKind, OrgStatus};
use domain::scope::{Action, Actor, Target, can};
use domain::unit::{InspectionInput, Ownership, UnitInput, UnitType, level_label};
use serde::Serialize;
pub use storage::unit::{InspectionRow, InstructorRow, LinkRow, UnitRow};

use crate::{Entry, Result, ServiceError, Services};

/// A unit with what covers it on the day.
#[derive(Debug, Clone, Serialize)]
pub struct UnitView {
    pub row: UnitRow,
    pub fact: UnitFact,
    pub ways: Vec<CoverWay>,
    /// What COVER-PRIVATE finds about it, if anything.
    pub finding: Option<String>,
}

/// One line of the view by unit type and ownership.
#[derive(Debug, Clone, Serialize)]
pub struct KindLine {
    pub unit_type: UnitType,
    pub ownership: Ownership,
    pub total: u32,
    pub own_org: u32,
    pub joint_branch: u32,
    pub instructor: u32,
    pub uncovered: u32,
    /// Party building written into the charter.
    pub charter: u32,
}

/// The coverage of a subtree's units on a day.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub org_id: i64,
    pub org_name: String,
    pub on: NaiveDate,
    pub kinds: Vec<KindLine>,
    pub units: Vec<UnitView>,
    /// Whether the viewer may register units here (a committee's administrators).
    pub can_record: bool,
}

/// One unit in full.
#[derive(Debug, Clone, Serialize)]
pub struct UnitDetail {
    pub view: UnitView,
    pub links: Vec<LinkRow>,
    pub instructors: Vec<InstructorRow>,
    pub inspections: Vec<InspectionRow>,
    pub can_edit: bool,
    /// For an editor, the orgs the unit may be linked to (at most [`LINK_CHOICES`]; beyond, the
    /// org's id is typed).
    pub link_choices: Vec<(i64, String)>,
}

/// The most orgs a unit's page offers to link.
pub const LINK_CHOICES: usize = 2_000;

/// What COVER-PRIVATE says of a unit (the rule's own wording lives in the engine; this is the
/// short form for the lists).
fn finding_of(rules: &domain::family::Rules, u: &UnitFact, on: NaiveDate) -> Option<String> {
    let facts = domain::family::coverage::CoverageFacts { units: vec![u.clone()] };
    let when = domain::findings::When::new(chrono::Datelike::year(&on), on, 0);
    let f = domain::family::coverage::evaluate(&rules.coverage, 0, OrgKind::Committee, &facts, &when);
    f.into_iter().next().map(|f| f.message)
}

/// The path of the org that registered a unit (its scope).
fn unit_path(row: &UnitRow) -> Result<domain::org::OrgPath> {
    domain::org::OrgPath::parse(&row.org_path)
        .map_err(|e| ServiceError::Internal(format!("units {}: org_path: {e}", row.id)))
}

impl Services {
    /// The committee an actor may register units for: in scope, editable, not a group.
    pub(crate) async fn unit_committee(&self, actor: &Actor, org_id: i64) -> Result<storage::org::OrgRow> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::EditOrg, Target::Org(&path)) || org.status != OrgStatus::Active {
            return Err(ServiceError::Forbidden);
        }
        if org.kind == OrgKind::Group {
            return Err(ServiceError::field("org", "单位由党委、党总支或党支部登记"));
        }
        Ok(org)
    }

    /// A unit in scope, and whether the actor may change it.
    async fn unit_row(&self, actor: &Actor, id: i64) -> Result<(UnitRow, bool)> {
        let row = storage::unit::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let can_edit = can(actor, Action::EditOrg, Target::Org(&unit_path(&row)?));
        Ok((row, can_edit))
    }

    async fn unit_audit(
        &self,
        tx: &mut storage::Tx,
        actor: &Actor,
        action: &'static str,
        unit: (i64, &str),
        after: serde_json::Value,
    ) -> Result<()> {
        let entry = Entry {
            action,
            entity: "unit",
            entity_id: Some(unit.0),
            org_path: Some(unit.1.to_string()),
            before: None,
            after: Some(after),
        };
        self.audit(tx, actor, entry).await
    }

    /// Registers a unit the org oversees; a second unit of the same name is refused.
    pub async fn record_unit(&self, actor: &Actor, org_id: i64, input: &UnitInput) -> Result<i64> {
        let org = self.unit_committee(actor, org_id).await?;
        let u = input.check(self.today()).map_err(ServiceError::Invalid)?;
        let mut tx = self.db.begin().await?;
        if storage::unit::by_name(&mut tx, org.id, &u.name).await?.is_some() {
            return Err(ServiceError::field("name", format!("本组织已登记单位“{}”", u.name)));
        }
        let id = storage::unit::insert(&mut tx, org.id, &org.path, &u, actor.account_id).await?;
        let after = serde_json::json!({
            "name": u.name, "unit_type": u.unit_type.as_str(), "ownership": u.ownership.as_str(),
            "level": u.level, "charter_on": u.charter_on.map(|d| d.iso()),
        });
        self.unit_audit(&mut tx, actor, "unit.record", (id, &org.path), after).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a unit's registry fields (its charter among them).
    pub async fn update_unit(&self, actor: &Actor, id: i64, input: &UnitInput) -> Result<()> {
        let (row, can_edit) = self.unit_row(actor, id).await?;
        if !can_edit {
            return Err(ServiceError::Forbidden);
        }
        let u = input.check(self.today()).map_err(ServiceError::Invalid)?;
        let mut tx = self.db.begin().await?;
        if storage::unit::by_name(&mut tx, row.committee_id, &u.name).await?.is_some_and(|other| other != id) {
            return Err(ServiceError::field("name", format!("本组织已登记单位“{}”", u.name)));
        }
        storage::unit::update(&mut tx, id, &u).await?;
        let after = serde_json::json!({
            "name": u.name, "unit_type": u.unit_type.as_str(), "ownership": u.ownership.as_str(),
            "level": u.level, "charter_on": u.charter_on.map(|d| d.iso()), "charter_doc": u.charter_doc,
        });
        self.unit_audit(&mut tx, actor, "unit.update", (id, &row.org_path), after).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Links an org of the committee's subtree to the unit (or unlinks it).
    pub async fn link_unit(&self, actor: &Actor, id: i64, org_id: i64, linked: bool) -> Result<()> {
        let (row, can_edit) = self.unit_row(actor, id).await?;
        if !can_edit {
            return Err(ServiceError::Forbidden);
        }
        let org = storage::org::get(&self.db, &actor.scope(), org_id)
            .await?
            .ok_or_else(|| ServiceError::field("org_id", "找不到该党组织，或不在您的管理范围内"))?;
        if !org.path.starts_with(&row.org_path) || org.kind == OrgKind::Group {
            return Err(ServiceError::field("org_id", "只能关联登记该单位的组织及其下级的党委、党总支或党支部"));
        }
        let mut tx = self.db.begin().await?;
        let changed = if linked {
            storage::unit::link(&mut tx, org.id, id).await?
        } else {
            storage::unit::unlink(&mut tx, org.id, id).await? > 0
        };
        if changed {
            let action = if linked { "unit.link" } else { "unit.unlink" };
            let after = serde_json::json!({"org_id": org.id, "org_name": org.name});
            self.unit_audit(&mut tx, actor, action, (id, &row.org_path), after).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sends a member of another org to serve the unit as its party-building instructor from
    /// `start_on`.
    pub async fn add_instructor(&self, actor: &Actor, id: i64, member_id: i64, start_on: &str) -> Result<i64> {
        let (row, can_edit) = self.unit_row(actor, id).await?;
        if !can_edit {
            return Err(ServiceError::Forbidden);
        }
        let start = domain::dates::parse_date(start_on).map_err(|e| ServiceError::field("start_on", e.to_string()))?;
        if start > self.today() {
            return Err(ServiceError::field("start_on", "开始日期不能晚于今天"));
        }
        let member = storage::member::get(&self.db, &actor.scope(), member_id)
            .await?
            .ok_or_else(|| ServiceError::field("member_id", "找不到该党员，或不在您的管理范围内"))?;
        let links = storage::unit::links(&self.db, &[id]).await?;
        if links.iter().any(|l| l.org_id == member.branch_id) {
            return Err(ServiceError::field(
                "member_id",
                "党建指导员应由其他党组织的党员担任（该党员所在支部已关联本单位）",
            ));
        }
        let mut tx = self.db.begin().await?;
        let iid = storage::unit::add_instructor(&mut tx, id, member.id, start).await?;
        let after = serde_json::json!({"instructor_id": iid, "member_id": member.id, "start_on": start.iso()});
        self.unit_audit(&mut tx, actor, "unit.instructor_add", (id, &row.org_path), after).await?;
        tx.commit().await?;
        Ok(iid)
    }

    /// Sends the member of the registering org's subtree named `name` (told apart from a
    /// namesake by `id_number`) as the unit's instructor from `start_on`.
    pub async fn add_instructor_named(
        &self,
        actor: &Actor,
        id: i64,
        name: &str,
        id_number: &str,
        start_on: &str,
    ) -> Result<i64> {
        let (row, can_edit) = self.unit_row(actor, id).await?;
        if !can_edit {
            return Err(ServiceError::Forbidden);
        }
        let (name, id_number) = (name.trim(), id_number.trim());
        if name.is_empty() {
            return Err(ServiceError::field("member_name", "请填写党建指导员的姓名"));
        }
        let path = unit_path(&row)?;
        let (lo, hi) = path.subtree_bounds();
        let named = storage::training::members_named(&self.db, &lo, &hi, &[name.to_string()]).await?;
        let matched: Vec<_> = named
            .iter()
            .filter(|m| m.name == name && (id_number.is_empty() || m.id_number.eq_ignore_ascii_case(id_number)))
            .collect();
        match matched.as_slice() {
            [one] => self.add_instructor(actor, id, one.id, start_on).await,
            [] => Err(ServiceError::field("member_name", format!("{}没有名为“{name}”的在册党员", row.committee_name))),
            _ => Err(ServiceError::field("id_number", format!("有{}名“{name}”，请填写身份证号区分", matched.len()))),
        }
    }

    /// Ends an instructor's service on `end_on`.
    pub async fn end_instructor(&self, actor: &Actor, id: i64, instructor_id: i64, end_on: &str) -> Result<()> {
        let (row, can_edit) = self.unit_row(actor, id).await?;
        if !can_edit {
            return Err(ServiceError::Forbidden);
        }
        let end = domain::dates::parse_date(end_on).map_err(|e| ServiceError::field("end_on", e.to_string()))?;
        let instructors = storage::unit::instructors(&self.db, &[id]).await?;
        let Some(i) = instructors.iter().find(|i| i.id == instructor_id && i.end_on.is_none()) else {
            return Err(ServiceError::field("instructor_id", "没有这位在任的党建指导员"));
        };
        if end < i.start_on || end > self.today() {
            return Err(ServiceError::field("end_on", "结束日期应在开始日期和今天之间"));
        }
        let mut tx = self.db.begin().await?;
        storage::unit::end_instructor(&mut tx, instructor_id, end).await?;
        let after = serde_json::json!({"instructor_id": instructor_id, "end_on": end.iso()});
        self.unit_audit(&mut tx, actor, "unit.instructor_end", (id, &row.org_path), after).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a yearly inspection of the unit.
    pub async fn add_inspection(&self, actor: &Actor, id: i64, input: &InspectionInput) -> Result<i64> {
        let (row, can_edit) = self.unit_row(actor, id).await?;
        if !can_edit {
            return Err(ServiceError::Forbidden);
        }
        let i = input.check(self.today()).map_err(ServiceError::Invalid)?;
        let mut tx = self.db.begin().await?;
        let iid = storage::unit::add_inspection(&mut tx, id, &i).await?;
        let after = serde_json::json!({
            "year": i.year, "inspected_on": i.inspected_on.iso(), "party_building": i.party_building,
            "document": i.document,
        });
        self.unit_audit(&mut tx, actor, "unit.inspection", (id, &row.org_path), after).await?;
        tx.commit().await?;
        Ok(iid)
    }

    /// Units with what covers them on `on`, from the registering committees' facts.
    async fn unit_views(&self, rows: Vec<UnitRow>, on: NaiveDate) -> Result<Vec<UnitView>> {
        let mut committees: Vec<i64> = rows.iter().map(|r| r.committee_id).collect();
        committees.sort_unstable();
        committees.dedup();
        let mut facts: HashMap<i64, UnitFact> = storage::unit::coverage_facts(&self.db, &committees, on)
            .await?
            .into_iter()
            .map(|(_, f)| (f.id, f))
            .collect();
        // The rules depend only on the setting changes that reach the registering org: read the
        // changes once and build the rules once per distinct set (most committees share the
        // national rules), and only for the units COVER-PRIVATE judges.
        let changes = self.setting_changes().await?;
        let mut rules: HashMap<Vec<(i64, i64)>, std::sync::Arc<domain::family::Rules>> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let fact = facts.remove(&row.id).unwrap_or_default();
            let finding = if fact.private_education() {
                let reaching = domain::settings::reaching(&changes, &row.org_path);
                let key: Vec<(i64, i64)> = reaching.iter().map(|c| (c.org_id, c.seq)).collect();
                let r = match rules.get(&key) {
                    Some(r) => r.clone(),
                    None => {
                        let r = domain::settings::rules_for(&reaching, &row.org_path)
                            .map_err(|e| ServiceError::Internal(e.to_string()))?;
                        let r = std::sync::Arc::new(r);
                        rules.insert(key, r.clone());
                        r
                    }
                };
                finding_of(&r, &fact, on)
            } else {
                None
            };
            out.push(UnitView { ways: fact.ways(), fact, finding, row });
        }
        Ok(out)
    }

    /// The coverage of the units registered in an org's subtree, on `on` (today by default).
    pub async fn coverage(&self, actor: &Actor, org_id: i64, on: Option<NaiveDate>) -> Result<Coverage> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        let (lo, hi) = path.subtree_bounds();
        let on = on.unwrap_or_else(|| self.today());
        let rows = storage::unit::of_subtree(&self.db, &scope, &lo, &hi).await?;
        let units = self.unit_views(rows, on).await?;
        let mut kinds: Vec<KindLine> = Vec::new();
        for u in &units {
            let (t, o) = (u.row.unit_type, u.row.ownership);
            let i = match kinds.iter().position(|k| k.unit_type == t && k.ownership == o) {
                Some(i) => i,
                None => {
                    kinds.push(KindLine {
                        unit_type: t,
                        ownership: o,
                        total: 0,
                        own_org: 0,
                        joint_branch: 0,
                        instructor: 0,
                        uncovered: 0,
                        charter: 0,
                    });
                    kinds.len() - 1
                }
            };
            let k = &mut kinds[i];
            k.total += 1;
            // Each unit counts once, by the strongest way that covers it.
            match u.ways.first() {
                Some(CoverWay::OwnOrg) => k.own_org += 1,
                Some(CoverWay::JointBranch) => k.joint_branch += 1,
                Some(CoverWay::Instructor) => k.instructor += 1,
                None => k.uncovered += 1,
            }
            if u.row.charter_on.is_some_and(|d| d <= on) {
                k.charter += 1;
            }
        }
        kinds.sort_by_key(|k| (k.unit_type, k.ownership));
        Ok(Coverage {
            org_id,
            org_name: org.name.clone(),
            on,
            kinds,
            units,
            can_record: can(actor, Action::EditOrg, Target::Org(&path))
                && org.status == OrgStatus::Active
                && org.kind != OrgKind::Group,
        })
    }

    /// The roots of the tree the actor sees (the console sees them all).
    pub async fn top_org_ids(&self, actor: &Actor) -> Result<Vec<i64>> {
        let scope = actor.scope();
        let roots = storage::org::roots(&self.db).await?;
        let mut out: Vec<i64> = Vec::new();
        for r in roots {
            if storage::org::get(&self.db, &scope, r.id).await?.is_some() {
                out.push(r.id);
            }
        }
        Ok(out)
    }

    /// One unit with its orgs, instructors and inspections.
    pub async fn unit_detail(&self, actor: &Actor, id: i64) -> Result<UnitDetail> {
        let (row, can_edit) = self.unit_row(actor, id).await?;
        let ids = [id];
        let (links, instructors, inspections) = tokio::try_join!(
            storage::unit::links(&self.db, &ids),
            storage::unit::instructors(&self.db, &ids),
            storage::unit::inspections(&self.db, &ids),
        )?;
        let link_choices = if can_edit {
            let limit = i64::try_from(LINK_CHOICES).unwrap_or(i64::MAX);
            storage::unit::link_choices(&self.db, &actor.scope(), &unit_path(&row)?, limit).await?
        } else {
            Vec::new()
        };
        let view = self.unit_views(vec![row], self.today()).await?.into_iter().next().ok_or(ServiceError::NotFound)?;
        Ok(UnitDetail { view, links, instructors, inspections, can_edit, link_choices })
    }

    /// The coverage register (党组织覆盖情况登记台账) of a subtree as .xlsx or PDF, audited.
    pub async fn coverage_ledger_file(
        &self,
        actor: &Actor,
        org_id: i64,
        format: crate::ledger::LedgerFormat,
    ) -> Result<crate::ledger::LedgerFile> {
        use reports::table_doc::{Section, TableDoc};
        let c = self.coverage(actor, org_id, None).await?;
        let ids: Vec<i64> = c.units.iter().map(|u| u.row.id).collect();
        let inspections = storage::unit::inspections(&self.db, &ids).await?;
        let latest: HashMap<i64, &InspectionRow> = inspections.iter().rev().map(|i| (i.unit_id, i)).collect();
        let strings = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let summary = c
            .kinds
            .iter()
            .map(|k| {
                vec![
                    format!("{}{}", k.ownership.label(), k.unit_type.label()),
                    k.total.to_string(),
                    k.own_org.to_string(),
                    k.joint_branch.to_string(),
                    k.instructor.to_string(),
                    k.uncovered.to_string(),
                    k.charter.to_string(),
                ]
            })
            .collect();
        let rows = c
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let r = &u.row;
                let inspection = latest
                    .get(&r.id)
                    .map(|x| {
                        format!(
                            "{}年（{}）{}",
                            x.year,
                            x.inspected_on.iso(),
                            if x.party_building { "含党建" } else { "未含党建" }
                        )
                    })
                    .unwrap_or_else(|| "无".into());
                vec![
                    (i + 1).to_string(),
                    r.name.clone(),
                    format!("{}{}", r.ownership.label(), r.unit_type.label()),
                    r.supervisor.clone(),
                    level_label(r.level.and_then(|l| u8::try_from(l).ok())).to_string(),
                    if u.ways.is_empty() {
                        "未覆盖".into()
                    } else {
                        u.ways.iter().map(|w| w.label()).collect::<Vec<_>>().join("、")
                    },
                    u.fact.full_members.to_string(),
                    r.charter_on
                        .map(|d| format!("{}（{}）", d.iso(), r.charter_doc))
                        .unwrap_or_else(|| "未写入".into()),
                    inspection,
                ]
            })
            .collect();
        let uncovered = c.units.iter().filter(|u| u.finding.is_some()).count();
        let doc = TableDoc {
            title: format!("{}党组织覆盖情况登记台账", c.org_name),
            cover: vec![format!(
                "截至{}　登记单位{}个，民办教育机构存在问题{}个",
                domain::dates::format_cn(c.on),
                c.units.len(),
                uncovered
            )],
            sections: vec![
                Section {
                    heading: "按单位类别汇总".into(),
                    headers: strings(&[
                        "单位类别",
                        "单位数",
                        "单独建立党组织",
                        "联合党支部",
                        "党建指导员",
                        "未覆盖",
                        "章程写入党建",
                    ]),
                    rows: summary,
                    numeric: vec![1, 2, 3, 4, 5, 6],
                    notes: vec!["每个单位按其最主要的覆盖方式计一次。".into()],
                },
                Section {
                    heading: "单位明细".into(),
                    headers: strings(&[
                        "序号",
                        "单位名称",
                        "类别",
                        "主管部门",
                        "分级管理",
                        "覆盖方式",
                        "正式党员",
                        "章程写入党建",
                        "最近年检",
                    ]),
                    rows,
                    numeric: Vec::new(),
                    notes: vec![format!(
                        "民办学校正式党员3名以上的单独建立党组织，不足3名的建立联合党支部或选派党建指导员（COVER-PRIVATE，{}）。",
                        domain::family::coverage::CITATION
                    )],
                },
            ],
            footer: format!("{} 由 zhibu 根据单位登记生成", c.org_name),
            landscape: true,
            font_size: 9,
            as_of: c.on.iso(),
        };
        self.exported_table_file(actor, org_id, doc, format, "coverage.ledger_export", serde_json::Map::new()).await
    }
}
