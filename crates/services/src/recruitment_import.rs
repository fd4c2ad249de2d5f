//! Import of people already on the recruitment path (a branch's own sheet): one row per person,
//! their data and the day of each step reached, up to 14 (the 志愿书; the assembly's vote and
//! what follows are recorded on the person's page). Every row is checked as the steps would be
//! one by one (`check_step`, with the rules in force on each day); any problem, by row and
//! column, imports nothing.

use chrono::NaiveDate;
use domain::codes::Ethnicity;
use domain::dates::parse_date;
use domain::family::recruitment::path::{self, NamedMember, Outcome, StepDetail, StepInput};
use domain::family::recruitment::{PathFacts, Step, StepRecord};
use domain::member::{IdNumber, PersonName};
use domain::org::OrgKind;
use domain::scope::{Action, Actor, Target, can};
use reports::roster::normalize_header;
use reports::sheet::read_table;
use storage::recruit::{NewRecruit, NewStep};

use crate::import::{ImportIssue, OrgFinder};
use crate::{Entry, Result, ServiceError, Services};

/// The steps a sheet may carry, each with its column's header.
const STEP_COLUMNS: [(Step, &str); 14] = [
    (Step::Apply, "递交入党申请书"),
    (Step::Talk, "派人谈话"),
    (Step::Activist, "确定入党积极分子"),
    (Step::ActivistFiled, "积极分子备案"),
    (Step::Mentors, "指定培养联系人"),
    (Step::Cultivation, "培养教育考察"),
    (Step::Candidate, "确定发展对象"),
    (Step::CandidateFiled, "发展对象备案"),
    (Step::Sponsors, "确定入党介绍人"),
    (Step::PoliticalReview, "政治审查"),
    (Step::Training, "集中培训"),
    (Step::CommitteeReview, "支部委员会审查"),
    (Step::PreReview, "上级党委预审"),
    (Step::VolunteerForm, "填写入党志愿书"),
];

/// The other columns: the person, their branch, and what steps 5, 9 and 11 name.
const NAME: &str = "姓名";
const ID_NUMBER: &str = "公民身份号码";
const ETHNICITY: &str = "民族";
const BRANCH: &str = "所在党支部";
const KEY_TEACHER: &str = "骨干教师";
const MENTORS: &str = "培养联系人";
const SPONSORS: &str = "入党介绍人";
const HOURS: &str = "培训学时";

/// A checked sheet: every issue, and what committing would write.
#[derive(Debug, Clone)]
pub struct RecruitImportPlan {
    pub rows: usize,
    pub issues: Vec<ImportIssue>,
    people: Vec<(NewRecruit, Vec<NewStep>, bool)>,
}

/// What an import of the pipeline sheet read and wrote.
#[derive(Debug, Clone)]
pub struct RecruitImport {
    pub rows: usize,
    pub people: usize,
    /// People written (0 for a dry run or a sheet with issues).
    pub imported: usize,
    pub issues: Vec<ImportIssue>,
}

impl RecruitImportPlan {
    pub fn people(&self) -> usize {
        self.people.len()
    }
}

impl Services {
    /// Checks a sheet of people on the path; nothing is written.
    pub async fn plan_recruit_import(
        &self,
        actor: &Actor,
        bytes: &[u8],
        as_of: NaiveDate,
    ) -> Result<RecruitImportPlan> {
        self.plan_recruit_import_within(actor, bytes, as_of, None).await
    }

    /// Imports the sheet of people on the path into `org_id`'s subtree (a branch outside it is an
    /// issue of its row): everything or, with any issue or `dry_run`, nothing.
    pub async fn import_recruit_sheet(
        &self,
        actor: &Actor,
        org_id: i64,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<RecruitImport> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let within = org.org_path()?;
        if !can(actor, Action::CreateMember, Target::Org(&within)) {
            return Err(ServiceError::Forbidden);
        }
        let plan = self.plan_recruit_import_within(actor, bytes, self.today(), Some(&within)).await?;
        let imported =
            if plan.issues.is_empty() && !dry_run { self.commit_recruit_import(actor, &plan).await? } else { 0 };
        Ok(RecruitImport { rows: plan.rows, people: plan.people(), imported, issues: plan.issues })
    }

    /// [`Self::plan_recruit_import`], each branch required within `within` when given.
    async fn plan_recruit_import_within(
        &self,
        actor: &Actor,
        bytes: &[u8],
        as_of: NaiveDate,
        within: Option<&domain::org::OrgPath>,
    ) -> Result<RecruitImportPlan> {
        let known = |h: &str| {
            let h = normalize_header(h);
            [NAME, ID_NUMBER, BRANCH].contains(&h.as_str()) || STEP_COLUMNS.iter().any(|(_, c)| *c == h)
        };
        let table = read_table(bytes, &known).map_err(|e| ServiceError::field("file", e.to_string()))?;
        let col = |name: &str| table.headers.iter().position(|h| normalize_header(h) == name);
        let missing: Vec<&str> =
            [NAME, ID_NUMBER, ETHNICITY, BRANCH, "递交入党申请书"].into_iter().filter(|c| col(c).is_none()).collect();
        if !missing.is_empty() {
            return Err(ServiceError::field("file", format!("表头中缺少必需的列：{}", missing.join("、"))));
        }
        let finder = OrgFinder::new(storage::org::list(&self.db, &actor.scope(), None, false).await?);
        let mut issues = Vec::new();
        let mut people = Vec::new();
        let mut seen = std::collections::HashSet::new();
        // One snapshot for the registry lookups of every row, and each branch's rules read once.
        let mut registry = self.db.begin_read().await?;
        let mut rules_of: std::collections::HashMap<
            String,
            domain::rules::RuleSet<domain::family::recruitment::Check>,
        > = std::collections::HashMap::new();
        for row in &table.rows {
            let cell = |name: &str| {
                col(name).and_then(|c| row.cells.get(c)).map(|c| c.text.trim().to_string()).unwrap_or_default()
            };
            let mut problems: Vec<(Option<usize>, String)> = Vec::new();
            let mut problem = |name: &str, message: String| problems.push((col(name), message));
            let name = PersonName::parse(&cell(NAME)).map_err(|e| problem(NAME, e.to_string())).ok();
            let id_number = IdNumber::parse(&cell(ID_NUMBER)).map_err(|e| problem(ID_NUMBER, e.to_string())).ok();
            let ethnicity = Ethnicity::parse(&cell(ETHNICITY));
            if ethnicity.is_none() {
                problem(ETHNICITY, "请填写民族".into());
            }
            let branch = match finder.find(&cell(BRANCH)) {
                Ok(o) if o.kind == OrgKind::Branch => {
                    let path = o.org_path()?;
                    if within.is_some_and(|w| !path.is_within(w)) {
                        problem(BRANCH, "该党支部不在本组织范围内".into());
                        None
                    } else if can(actor, Action::CreateMember, Target::Org(&path)) {
                        Some(o.clone())
                    } else {
                        problem(BRANCH, "您无权在该党支部录入".into());
                        None
                    }
                }
                Ok(_) => {
                    problem(BRANCH, "请填写党支部".into());
                    None
                }
                Err(m) => {
                    problem(BRANCH, m);
                    None
                }
            };
            if let Some(id) = &id_number {
                if !seen.insert(id.as_str().to_string()) {
                    problem(ID_NUMBER, "身份证号与前面的行重复".into());
                } else if let Some(m) = registered(&mut registry, id.as_str()).await? {
                    problem(ID_NUMBER, m.into());
                }
            }
            let (Some(name), Some(id_number), Some(ethnicity), Some(branch)) = (name, id_number, ethnicity, branch)
            else {
                issues.extend(problems.into_iter().map(|(c, m)| issue(&table.headers, row.number, c, m)));
                continue;
            };
            // The path, step by step, as the rules would take it.
            if !rules_of.contains_key(&branch.path) {
                rules_of.insert(branch.path.clone(), self.rules_for(&branch.path).await?.recruitment);
            }
            let Some(rules) = rules_of.get(&branch.path) else { continue };
            let mut facts = PathFacts {
                person_id: 0,
                name: name.as_str().to_string(),
                org_id: branch.id,
                birth_date: id_number.birth_date(),
                steps: Vec::new(),
                review_passed: None,
                extension_months: None,
                transferred_in_on: None,
                ended: false,
            };
            let mut steps = Vec::new();
            for (step, header) in STEP_COLUMNS {
                let text = cell(header);
                if text.is_empty() {
                    continue;
                }
                let on = match parse_date(&crate::import::date_text(&text)) {
                    Ok(d) => d,
                    Err(e) => {
                        problem(header, e.message().to_string());
                        break;
                    }
                };
                let (detail, json) = match step {
                    Step::Mentors | Step::Sponsors => {
                        let column = if step == Step::Mentors { MENTORS } else { SPONSORS };
                        match self.named(&branch, &cell(column), on).await? {
                            Ok(named) => {
                                let json = serde_json::json!({"members": named.iter().map(|m| serde_json::json!({"id": m.member_id, "name": m.name})).collect::<Vec<_>>()});
                                let d = if step == Step::Mentors {
                                    StepDetail::Mentors(named)
                                } else {
                                    StepDetail::Sponsors(named)
                                };
                                (d, json)
                            }
                            Err(m) => {
                                problem(column, m);
                                break;
                            }
                        }
                    }
                    Step::PoliticalReview => (
                        StepDetail::Review { passed: true, mobile: false, consulted: false },
                        serde_json::json!({"passed": true}),
                    ),
                    Step::Training => match cell(HOURS).parse::<u32>() {
                        Ok(hours) => {
                            (StepDetail::Training { days: 0, hours }, serde_json::json!({"days": 0, "hours": hours}))
                        }
                        Err(_) => {
                            problem(HOURS, "请填写集中培训的学时（整数）".into());
                            break;
                        }
                    },
                    _ => (StepDetail::Plain, serde_json::json!({})),
                };
                let input = StepInput { step, on, detail, reason: String::new(), publicity: None };
                if let Outcome::Refused(found) = path::check_step(rules, &facts, &input, as_of) {
                    for p in found {
                        let rule =
                            if p.rule_id.is_empty() { String::new() } else { format!("（规则 {}）", p.rule_id) };
                        problem(header, format!("{}{rule}", p.message));
                    }
                    break;
                }
                if step == Step::PoliticalReview {
                    facts.review_passed = Some(true);
                }
                facts.steps.push(StepRecord { step, on });
                steps.push(NewStep {
                    recruit_id: 0,
                    step,
                    on,
                    detail: json.to_string(),
                    reason: String::new(),
                    note: "导入".into(),
                });
            }
            if !problems.is_empty() {
                issues.extend(problems.into_iter().map(|(c, m)| issue(&table.headers, row.number, c, m)));
                continue;
            }
            let person = NewRecruit {
                name: name.as_str().to_string(),
                id_number: id_number.as_str().to_string(),
                birth_date: id_number.birth_date(),
                gender: id_number.gender(),
                ethnicity: ethnicity.code().to_string(),
                education: None,
                phone: None,
                unit_name: String::new(),
                post: String::new(),
                key_teacher: cell(KEY_TEACHER) == "是",
                branch_id: branch.id,
                branch_path: branch.path.clone(),
            };
            people.push((person, steps, facts.review_passed == Some(true)));
        }
        registry.commit().await?;
        Ok(RecruitImportPlan { rows: table.rows.len(), issues, people })
    }

    /// The members named in `text` (separated by 、，, or spaces) among the branch's full members
    /// on `on`, or what is wrong.
    async fn named(
        &self,
        branch: &storage::org::OrgRow,
        text: &str,
        on: NaiveDate,
    ) -> Result<std::result::Result<Vec<NamedMember>, String>> {
        let members = storage::election::members_on(&self.db, &branch.org_path()?, on).await?;
        let mut out = Vec::new();
        for name in text.split(['、', '，', ',', ' ']).map(str::trim).filter(|n| !n.is_empty()) {
            let hits: Vec<_> = members.iter().filter(|m| m.name == name).collect();
            match hits.as_slice() {
                [m] => out.push(NamedMember {
                    member_id: m.member_id,
                    name: m.name.clone(),
                    full: m.status == domain::codes::MemberStatus::Full,
                    under_observation: m.observed,
                }),
                [] => return Ok(Err(format!("{name}不是该党支部当日的党员"))),
                _ => return Ok(Err(format!("该党支部有多名党员叫{name}，请在页面上选择"))),
            }
        }
        Ok(Ok(out))
    }

    /// Writes a clean plan in one transaction with one audit entry.
    pub async fn commit_recruit_import(&self, actor: &Actor, plan: &RecruitImportPlan) -> Result<usize> {
        if !plan.issues.is_empty() {
            return Err(ServiceError::Conflict(format!("文件中还有 {} 处错误，全部改正后才能导入", plan.issues.len())));
        }
        let mut tx = self.db.begin().await?;
        let mut ids = Vec::new();
        for (person, steps, reviewed) in &plan.people {
            let id = storage::recruit::insert(&mut tx, person).await.map_err(|e| {
                if e.is_unique_violation() {
                    ServiceError::Conflict(
                        "文件中有身份证号在检查之后已被登记，请重新导入（本次未导入任何数据）".into(),
                    )
                } else {
                    e.into()
                }
            })?;
            for s in steps {
                storage::recruit::insert_step(&mut tx, &NewStep { recruit_id: id, ..s.clone() }, actor.account_id)
                    .await?;
            }
            if *reviewed {
                storage::recruit::set_review(&mut tx, id, true).await?;
            }
            ids.push(id);
        }
        let entry = Entry {
            action: "recruit.import",
            entity: "recruit",
            entity_id: None,
            org_path: None,
            before: None,
            after: Some(serde_json::json!({"rows": plan.rows, "new": ids})),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(ids.len())
    }
}

/// Why an ID number cannot start a new path: already on one, or already a member.
pub(crate) async fn registered(tx: &mut storage::Tx, id_number: &str) -> Result<Option<&'static str>> {
    Ok(if storage::recruit::id_by_id_number(tx, id_number).await?.is_some() {
        Some("该身份证号已在发展党员记录中")
    } else if storage::member::id_by_id_number(tx, id_number).await?.is_some() {
        Some("该身份证号已登记为党员")
    } else {
        None
    })
}

fn issue(headers: &[String], row: usize, column: Option<usize>, message: String) -> ImportIssue {
    ImportIssue {
        row_number: row,
        column,
        column_name: column.and_then(|c| headers.get(c)).cloned().unwrap_or_default(),
        message,
    }
}
