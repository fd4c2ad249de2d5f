//! Study and training (学习培训): training classes with their class hours and the members who
//! completed them, and each member's hours of a year (EDU-TRAIN-HOURS, EDU-SEC-HOURS), which add
//! up from the classes, the 党课 and study sessions whose record states hours
//! ([`crate::org_life::HOURS_KINDS`]) and totals imported from an outside platform
//! ([`crate::training_import`]).
//!
//! Only hours count: nothing here reads or keeps time online, clicks or check-ins (seed 000).

use domain::FieldErrors;
use domain::dates::Iso;
use domain::family::study::{self, ClassInput, Hours, YearHours};
use domain::org::{OrgKind, OrgStatus};
use domain::scope::{Action, Actor, Target, can};
use serde::{Deserialize, Serialize};
pub use storage::training::{ClassRow, EnrolmentRow, HoursSource};

use crate::{Entry, Result, ServiceError, Services};

/// A class as typed, with the people enrolled.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassForm {
    #[serde(flatten)]
    pub class: ClassInput,
    /// The people enrolled: names or ID numbers, one per line (members of the org's subtree).
    #[serde(default)]
    pub people: String,
    /// Those of them who did not complete the class, one per line; everyone else completed it.
    #[serde(default)]
    pub not_completed: String,
}

/// An org's classes of a year.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassList {
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub classes: Vec<ClassRow>,
    pub can_record: bool,
}

/// One class with its enrolments.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassPage {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub class: ClassRow,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub enrolments: Vec<EnrolmentRow>,
    pub can_edit: bool,
}

/// One member's hours of a year, with where they came from and the target in force.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberHours {
    pub member_id: i64,
    pub name: String,
    pub year: i32,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub hours: YearHours,
    /// The total, "31.5".
    pub total: String,
    /// EDU-TRAIN-HOURS in force for the member's branch, "32".
    pub target: String,
    pub reached: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub sources: Vec<HoursSource>,
    /// Whether the viewer may record the member's platform totals.
    pub can_record: bool,
}

/// One line of an org's hours register.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoursLine {
    pub member_id: i64,
    pub name: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub classes: String,
    pub meetings: String,
    pub imported: String,
    pub total: String,
    pub concentrated: u32,
    pub reached: bool,
}

/// The hours register of an org's subtree for a year: each current member's hours.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoursRegister {
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    /// EDU-TRAIN-HOURS in force for the org, "32".
    pub target: String,
    pub members: usize,
    pub reached: usize,
    pub lines: Vec<HoursLine>,
}

/// The most members the training register lists (a county's are some 3,000; a larger subtree's
/// register is taken branch by branch).
pub const LEDGER_LINES: i64 = 50_000;

/// Reads the lines of a text area: trimmed, without blanks.
fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

impl Services {
    /// The target of EDU-TRAIN-HOURS in force for the org at `path` on the year's last day.
    pub(crate) async fn hours_target(&self, path: &str, year: i32) -> Result<Hours> {
        let rules = self.rules_for(path).await?;
        let end = chrono::NaiveDate::from_ymd_opt(year, 12, 31).ok_or(ServiceError::NotFound)?;
        let hours = rules
            .study
            .in_force_on(end)
            .find_map(|r| match r.check {
                study::Check::MemberHours { hours } => Some(hours),
                study::Check::PostHolderHours { .. } => None,
            })
            .unwrap_or(32);
        Ok(Hours::whole(hours))
    }

    /// The classes recorded in the org's subtree that ended in `year`.
    pub async fn training_classes(&self, actor: &Actor, org_id: i64, year: i32) -> Result<ClassList> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        let (lo, hi) = path.subtree_bounds();
        let classes = storage::training::classes_of(
            &self.db,
            &lo,
            &hi,
            &[],
            &format!("{year:04}-01-01"),
            &format!("{year:04}-12-31"),
        )
        .await?;
        let can_record = can(actor, Action::EditOrg, Target::Org(&path)) && org.status == OrgStatus::Active;
        Ok(ClassList { org_id, org_name: org.name, year, classes, can_record })
    }

    /// One class with its enrolments.
    pub async fn training_class(&self, actor: &Actor, id: i64) -> Result<ClassPage> {
        let class = storage::training::get_class(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let path = domain::org::OrgPath::parse(&class.org_path)
            .map_err(|_| ServiceError::Internal(format!("training_classes {id}: bad org_path")))?;
        let enrolments = storage::training::enrolments_of(&self.db, id).await?;
        let can_edit = can(actor, Action::EditOrg, Target::Org(&path));
        Ok(ClassPage { class, enrolments, can_edit })
    }

    /// The people of a text area found among the current members of the subtree at `path`: an
    /// ID number matches one person; a name must match exactly one.
    async fn people_of(
        &self,
        e: &mut FieldErrors,
        field: &str,
        path: &domain::org::OrgPath,
        typed: &[String],
    ) -> Result<Vec<i64>> {
        let (lo, hi) = path.subtree_bounds();
        let found = storage::training::members_named(&self.db, &lo, &hi, typed).await?;
        let mut ids = Vec::new();
        let mut problems = Vec::new();
        for key in typed {
            let by_number: Vec<i64> = found.iter().filter(|m| &m.id_number == key).map(|m| m.id).collect();
            let by_name: Vec<i64> = found.iter().filter(|m| &m.name == key).map(|m| m.id).collect();
            match (by_number.as_slice(), by_name.as_slice()) {
                ([id], _) | ([], [id]) => {
                    if !ids.contains(id) {
                        ids.push(*id);
                    }
                }
                ([], []) => problems.push(format!("“{key}”不是本组织的党员")),
                _ => problems.push(format!("“{key}”有重名，请填写身份证号")),
            }
        }
        if !problems.is_empty() {
            e.add(field, problems.join("；"));
        }
        Ok(ids)
    }

    /// Records a class of the org with its enrolments, in one transaction with its audit entry.
    pub async fn record_training_class(&self, actor: &Actor, org_id: i64, form: &ClassForm) -> Result<i64> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::EditOrg, Target::Org(&path)) || org.status != OrgStatus::Active {
            return Err(ServiceError::Forbidden);
        }
        if org.kind == OrgKind::Group {
            return Err(ServiceError::field("kind", "培训班由党支部或上级党组织登记"));
        }
        let mut e = FieldErrors::new();
        let class = match form.class.check(self.today()) {
            Ok(c) => Some(c),
            Err(errs) => {
                e.merge(errs);
                None
            }
        };
        let typed = lines(&form.people);
        if typed.is_empty() {
            e.add("people", "请填写参训人员（每行一人，姓名或身份证号）");
        } else if typed.len() > 5_000 {
            e.add("people", "一次最多登记5000人");
        }
        let people = self.people_of(&mut e, "people", &path, &typed).await?;
        let absent_typed = lines(&form.not_completed);
        let absent = self.people_of(&mut e, "not_completed", &path, &absent_typed).await?;
        if absent.iter().any(|id| !people.contains(id)) {
            e.add("not_completed", "未结业人员应在参训人员之中");
        }
        let Some(class) = class.filter(|_| e.is_empty()) else { return Err(ServiceError::Invalid(e)) };
        let enrolled: Vec<(i64, bool)> = people.iter().map(|id| (*id, !absent.contains(id))).collect();
        let mut tx = self.db.begin().await?;
        let id =
            storage::training::insert_class(&mut tx, org.id, &org.path, &class, &enrolled, actor.account_id).await?;
        let entry = Entry {
            action: "training.class_record",
            entity: "training_class",
            entity_id: Some(id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(serde_json::json!({
                "kind": class.kind.as_str(), "title": class.title, "starts_on": class.starts_on.iso(),
                "ends_on": class.ends_on.iso(), "hours": class.hours.to_string(), "concentrated": class.concentrated,
                "enrolled": enrolled.len(), "completed": enrolled.iter().filter(|(_, c)| *c).count(),
            })),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Sets who completed a class: `completed` are member ids among its enrolments; the others
    /// did not complete it.
    pub async fn set_class_completions(&self, actor: &Actor, class_id: i64, completed: &[i64]) -> Result<()> {
        let page = self.training_class(actor, class_id).await?;
        if !page.can_edit {
            return Err(ServiceError::Forbidden);
        }
        if let Some(stranger) = completed.iter().find(|id| !page.enrolments.iter().any(|e| e.member_id == **id)) {
            return Err(ServiceError::field("completed", format!("党员{stranger}未参加本培训班")));
        }
        let enrolled: Vec<(i64, bool)> =
            page.enrolments.iter().map(|e| (e.member_id, completed.contains(&e.member_id))).collect();
        let before = page.enrolments.iter().filter(|e| e.completed).count();
        let mut tx = self.db.begin().await?;
        storage::training::set_enrolments(&mut tx, class_id, &enrolled).await?;
        let entry = Entry {
            action: "training.completions",
            entity: "training_class",
            entity_id: Some(class_id),
            org_path: Some(page.class.org_path.clone()),
            before: Some(serde_json::json!({ "completed": before })),
            after: Some(serde_json::json!({ "completed": enrolled.iter().filter(|(_, c)| *c).count() })),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One member's hours of `year` and where they came from.
    pub async fn member_hours(&self, actor: &Actor, member_id: i64, year: i32) -> Result<MemberHours> {
        let m = storage::member::get(&self.db, &actor.scope(), member_id).await?.ok_or(ServiceError::NotFound)?;
        let row = storage::training::member_hours(&self.db, &actor.scope(), member_id, year)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let hours = crate::compliance::year_hours(row)?;
        let target = self.hours_target(&m.branch_path, year).await?;
        let sources = storage::training::sources_of(&self.db, member_id, year).await?;
        let total = hours.total();
        let branch = m.branch_org_path()?;
        let can_record = can(actor, Action::EditMember, Target::Member { member_id, branch: &branch });
        Ok(MemberHours {
            can_record,
            member_id,
            name: m.name,
            year,
            total: total.to_string(),
            target: target.to_string(),
            reached: total >= target,
            hours,
            sources,
        })
    }

    /// The hours register of the org's subtree for `year`: how many current members reached the
    /// target, and `limit` of them with their hours after skipping `offset` (by branch and name).
    pub async fn hours_register(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        limit: i64,
        offset: i64,
    ) -> Result<HoursRegister> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        let (lo, hi) = path.subtree_bounds();
        let target = self.hours_target(&org.path, year).await?;
        let summary = storage::training::subtree_summary(&self.db, &lo, &hi, year, target).await?;
        let rows =
            storage::training::subtree_hours(&self.db, &lo, &hi, year, limit.clamp(0, 100_000), offset.max(0)).await?;
        let mut branch_ids: Vec<i64> = rows.iter().map(|r| r.org_id).collect();
        branch_ids.sort_unstable();
        branch_ids.dedup();
        let names: std::collections::HashMap<i64, String> = storage::org::by_ids(&self.db, &actor.scope(), &branch_ids)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows {
            let branch_id = row.org_id;
            let h = crate::compliance::year_hours(row)?;
            let total = h.total();
            lines.push(HoursLine {
                member_id: h.member_id,
                name: h.member_name.clone(),
                branch_id,
                branch_name: names.get(&branch_id).cloned().unwrap_or_default(),
                classes: h.classes.to_string(),
                meetings: h.meetings.to_string(),
                imported: h.imported.to_string(),
                total: total.to_string(),
                concentrated: h.concentrated,
                reached: total >= target,
            });
        }
        let count = |n: i64| usize::try_from(n).unwrap_or(0);
        Ok(HoursRegister {
            org_id,
            org_name: org.name,
            year,
            target: target.to_string(),
            members: count(summary.members),
            reached: count(summary.reached),
            lines,
        })
    }
}

impl Services {
    /// The training register (学习培训台账) of the org's subtree for `year`, as a file generated
    /// from the records: the classes that ended in the year, then every member's hours; audited.
    pub async fn training_ledger_file(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        format: crate::ledger::LedgerFormat,
    ) -> Result<crate::ledger::LedgerFile> {
        let classes = self.training_classes(actor, org_id, year).await?;
        let register = self.hours_register(actor, org_id, year, LEDGER_LINES, 0).await?;
        let today = self.today();
        let class_rows = classes
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                vec![
                    (i + 1).to_string(),
                    c.title.clone(),
                    c.kind.label().to_string(),
                    c.organiser.clone(),
                    format!("{}至{}", c.starts_on.iso(), c.ends_on.iso()),
                    c.hours.to_string(),
                    if c.concentrated { "是" } else { "否" }.to_string(),
                    c.enrolled.to_string(),
                    c.completed.to_string(),
                ]
            })
            .collect();
        let member_rows = register
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                vec![
                    (i + 1).to_string(),
                    l.name.clone(),
                    l.branch_name.clone(),
                    l.classes.clone(),
                    l.meetings.clone(),
                    l.imported.clone(),
                    l.total.clone(),
                    l.concentrated.to_string(),
                    if l.reached { "达到" } else { "未达到" }.to_string(),
                ]
            })
            .collect();
        let headers = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let doc = reports::table_doc::TableDoc {
            title: format!("{}{}年学习培训台账", register.org_name, year),
            cover: vec![format!(
                "截至{}　党员{}名，达到{}学时的{}名",
                domain::dates::format_cn(today),
                register.members,
                register.target,
                register.reached
            )],
            sections: vec![
                reports::table_doc::Section {
                    heading: "培训班".into(),
                    headers: headers(&["序号", "培训班名称", "类别", "主办单位", "时间", "学时", "集中培训", "参训", "结业"]),
                    rows: class_rows,
                    numeric: vec![5, 7, 8],
                    notes: vec!["培训班按结束日期计入当年；只有结业的参训人员计入学时。".into()],
                },
                reports::table_doc::Section {
                    heading: "党员学时".into(),
                    headers: headers(&[
                        "序号", "姓名", "所在支部", "培训班", "党课及学习", "外部平台", "合计", "集中培训（次）", "是否达标",
                    ]),
                    rows: member_rows,
                    numeric: vec![3, 4, 5, 6, 7],
                    notes: [
                        (register.members > register.lines.len()).then(|| {
                            format!("只列出前{}名党员（共{}名），请按党支部分别生成台账。", register.lines.len(), register.members)
                        }),
                    ]
                    .into_iter()
                    .flatten()
                    .chain([
                        format!(
                            "党员每年集中学习培训一般不少于{}学时（EDU-TRAIN-HOURS，《中国共产党党员教育管理工作条例》第二十条）。",
                            register.target
                        ),
                        "学时只计培训班、记录了学时的党课、主题党日和中心组学习，以及外部平台导入的学时；不统计在线时长、打卡或点击。".into(),
                    ])
                    .collect(),
                },
            ],
            footer: format!("{} 由 zhibu 根据学习培训记录生成", register.org_name),
            landscape: true,
            font_size: 9,
            as_of: today.iso(),
        };
        let mut extra = serde_json::Map::new();
        extra.insert("year".into(), year.into());
        self.exported_table_file(actor, org_id, doc, format, "training.ledger_export", extra).await
    }
}
