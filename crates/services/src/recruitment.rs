//! Recruitment (发展党员) use cases: a person enters with their application (step 1), each later
//! step is recorded once checked against the recruitment family's rules in force on its day
//! ([`domain::family::recruitment::path::check_step`]); approval (step 17) makes them a
//! probationary member of the branch from the admission assembly's day, confirmation (step 24)
//! a full member from the day after the probation ends. Every write is audited.

use chrono::{Datelike, NaiveDate};
use domain::FieldErrors;
use domain::codes::{DuesCategory, Education, Ethnicity};
use domain::family::recruitment::path::{
    self, AssemblyCount, NamedMember, Outcome, Problem, StepDetail, StepInput, probation_end,
};
use domain::family::recruitment::{self, Check, PathFacts, Stage, Step, StepRecord};
use domain::findings::{Finding, When};
use domain::member::{IdNumber, PersonName};
use domain::org::OrgPath;
use domain::scope::{Action, Actor, Target, can};
use serde::{Deserialize, Serialize};
use storage::recruit::{NewRecruit, NewStep};
pub use storage::recruit::{RecruitRow, StepRow};

use crate::dues::records::{day, text};
use crate::org_life::NOTICE_DAYS;
use crate::{Entry, Result, ServiceError, Services};

/// A person entering recruitment, with their application (step 1).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicantForm {
    pub name: String,
    pub id_number: String,
    /// 民族 (name or code).
    pub ethnicity: String,
    #[serde(default)]
    pub education: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub unit_name: String,
    #[serde(default)]
    pub post: String,
    /// 骨干教师 (双培养).
    #[serde(default)]
    pub key_teacher: bool,
    /// The day the application was handed in.
    pub applied_on: String,
}

/// A step as typed. Only the fields of the step concerned are read.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepForm {
    /// The step's code (talk, activist, …) or number (2–25).
    pub step: String,
    pub on: String,
    /// Why a rule worded "一般" is departed from, when the step draws a warning.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
    /// Step 2 or 16: who talked (required); step 10: who reviewed. Names separated by "、", "，"
    /// or spaces.
    #[serde(default)]
    pub people: String,
    /// Step 5 (mentors) or 9 (sponsors): the members named.
    #[serde(default)]
    pub member_ids: Vec<i64>,
    /// Step 10: the review passed.
    #[serde(default)]
    pub passed: Option<bool>,
    /// Step 10: the candidate is a mobile person (流动人员), and the party organizations of their
    /// household registration and residence were consulted (DEV-POLREVIEW).
    #[serde(default)]
    pub mobile: bool,
    #[serde(default)]
    pub consulted: bool,
    /// Step 11: the training's days and class hours.
    #[serde(default)]
    pub days: u32,
    #[serde(default)]
    pub hours: u32,
    /// Step 13: the candidate leaves their unit within 3 months.
    #[serde(default)]
    pub leaving_soon: bool,
    /// Steps 15 and 23: the assembly's counts.
    #[serde(default)]
    pub expected: u32,
    #[serde(default)]
    pub present: u32,
    #[serde(default)]
    pub yes: u32,
    #[serde(default)]
    pub written_yes: u32,
    /// Steps 7 and 23: the public notice's first and last day (DEV-L-PUBLICITY).
    #[serde(default)]
    pub publicity_from: String,
    #[serde(default)]
    pub publicity_to: String,
    /// Step 17: the new member's dues category.
    #[serde(default)]
    pub dues_category: String,
}

/// A person in recruitment with their steps, what comes next and what is due.
#[derive(Debug, Clone, Serialize)]
pub struct RecruitView {
    pub row: RecruitRow,
    pub steps: Vec<StepRow>,
    pub stage: Stage,
    /// The next step to record, if the path is not complete.
    pub next: Option<Step>,
    /// The steps that may be recorded now: the next, and the stage's recurring assessment again.
    pub choices: Vec<Step>,
    /// The last day of the probation, once admitted.
    pub probation_ends: Option<NaiveDate>,
    pub findings: Vec<Finding>,
    pub can_record: bool,
    /// The branch's full members not under 留党察看 today: who may be named mentor or sponsor,
    /// and how many vote at an assembly (EL-RIGHTS).
    pub voters: Vec<(i64, String)>,
}

/// Which people of the board to show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BoardFilter {
    pub branch: Option<i64>,
    pub stage: Option<Stage>,
    /// Only those with a deadline past (a violation or a warning today).
    pub overdue: bool,
}

impl BoardFilter {
    pub fn keeps(&self, l: &BoardLine) -> bool {
        self.branch.is_none_or(|b| b == l.branch_id)
            && self.stage.is_none_or(|s| s == l.stage)
            && (!self.overdue || l.overdue > 0)
    }
}

/// One line of the pipeline board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardLine {
    pub id: i64,
    pub name: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub stage: Stage,
    pub reached: Option<Step>,
    /// The day of the latest step.
    pub since: Option<NaiveDate>,
    pub key_teacher: bool,
    /// Findings about the person today that are overdue (violations and warnings).
    pub overdue: usize,
}

fn stage_of(reached: Option<Step>) -> Stage {
    match reached {
        None => Stage::Application,
        Some(s) if s >= Step::AdmissionApproval => Stage::Probation,
        Some(s) => s.stage(),
    }
}

/// Steps grouped by person, each person's in the order read (a subtree's board or lists read
/// every person's steps at once).
pub(crate) fn steps_by_person(steps: Vec<StepRow>) -> std::collections::HashMap<i64, Vec<StepRow>> {
    let mut out: std::collections::HashMap<i64, Vec<StepRow>> = std::collections::HashMap::new();
    for s in steps {
        out.entry(s.recruit_id).or_default().push(s);
    }
    out
}

/// What the recruitment family knows of a person: their record and steps.
pub(crate) fn path_facts(row: &RecruitRow, steps: &[StepRow]) -> PathFacts {
    let steps: Vec<(Step, NaiveDate)> = steps.iter().map(|s| (s.step, s.on_date)).collect();
    path_facts_of(row, &steps)
}

/// [`path_facts`] from the steps as (step, day).
pub(crate) fn path_facts_of(row: &RecruitRow, steps: &[(Step, NaiveDate)]) -> PathFacts {
    PathFacts {
        person_id: row.id,
        name: row.name.clone(),
        org_id: row.branch_id,
        birth_date: row.birth_date,
        steps: steps.iter().map(|&(step, on)| StepRecord { step, on }).collect(),
        review_passed: row.review_passed.map(|v| v == 1),
        extension_months: row.extension_months.and_then(|m| u32::try_from(m).ok()),
        transferred_in_on: row.transferred_in_on,
        ended: row.ended_on.is_some(),
    }
}

/// The people named on a step: names separated by "、", "，", "," or spaces, each checked like a
/// member's name.
fn names(text: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for part in text.split(['、', '，', ',', ' ', '　']).map(str::trim).filter(|p| !p.is_empty()) {
        let name = PersonName::parse(part).map_err(|e| ServiceError::field("people", format!("{part}：{e}")))?;
        out.push(name.as_str().to_string());
    }
    if out.len() > 10 {
        return Err(ServiceError::field("people", "最多填写10人"));
    }
    Ok(out)
}

/// The person to record on, read in `tx`, with their branch's path, if the actor may record on
/// their path (refused as not found outside the actor's scope).
pub(crate) async fn recruit_to_edit(tx: &mut storage::Tx, actor: &Actor, id: i64) -> Result<(RecruitRow, OrgPath)> {
    let row = storage::recruit::get_in_tx(tx, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
    let path = OrgPath::parse(&row.branch_path).map_err(|e| ServiceError::Internal(e.to_string()))?;
    if !can(actor, Action::CreateMember, Target::Org(&path)) {
        return Err(ServiceError::Forbidden);
    }
    Ok((row, path))
}

fn invalid(problems: Vec<Problem>) -> ServiceError {
    let mut e = FieldErrors::new();
    for p in problems {
        if p.rule_id.is_empty() {
            e.add(p.field, p.message);
        } else {
            e.add_rule(p.field, p.message, p.rule_id, p.citation);
        }
    }
    ServiceError::Invalid(e)
}

impl Services {
    /// The recruitment rules in force for the org at `path` (the committee's settings apply).
    async fn recruitment_rules(&self, path: &str) -> Result<domain::rules::RuleSet<Check>> {
        Ok(self.rules_for(path).await?.recruitment)
    }

    /// A person hands in an application to `branch_id` (steps 1): registered with the member
    /// registry's checks, refused under 18 on the day (DEV-AGE).
    pub async fn create_applicant(&self, actor: &Actor, branch_id: i64, form: &ApplicantForm) -> Result<i64> {
        let today = self.today();
        let mut tx = self.db.begin().await?;
        let org = storage::org::get_in_tx(&mut tx, &actor.scope(), branch_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::CreateMember, Target::Org(&path)) {
            return Err(ServiceError::Forbidden);
        }
        let mut e = FieldErrors::new();
        if org.kind != domain::org::OrgKind::Branch {
            e.add("branch", "入党申请应向党支部递交");
        }
        let name = PersonName::parse(&form.name).map_err(|err| e.add("name", err.to_string())).ok();
        let id_number = IdNumber::parse(&form.id_number).map_err(|err| e.add("id_number", err.to_string())).ok();
        let ethnicity = Ethnicity::parse(&form.ethnicity);
        if ethnicity.is_none() {
            e.add("ethnicity", "请选择民族");
        }
        let education = match form.education.trim() {
            "" => None,
            s => match Education::parse(s) {
                Some(x) => Some(x.code().to_string()),
                None => {
                    e.add("education", "学历无效");
                    None
                }
            },
        };
        let phone = match form.phone.trim() {
            "" => None,
            s => domain::member::Phone::parse(s).map_err(|err| e.add("phone", err.to_string())).ok(),
        };
        let unit_name = text(&mut e, "unit_name", &form.unit_name, None, 100);
        let post = text(&mut e, "post", &form.post, None, 100);
        let applied_on = day(&mut e, "applied_on", &form.applied_on, today);
        if let Some(id) = &id_number
            && let Some(m) = crate::recruitment_import::registered(&mut tx, id.as_str()).await?
        {
            e.add("id_number", m);
        }
        let (Some(name), Some(id_number), Some(ethnicity), Some(applied_on)) =
            (name, id_number, ethnicity, applied_on.filter(|_| e.is_empty()))
        else {
            return Err(ServiceError::Invalid(e));
        };
        let row = NewRecruit {
            name: name.as_str().to_string(),
            id_number: id_number.as_str().to_string(),
            birth_date: id_number.birth_date(),
            gender: id_number.gender(),
            ethnicity: ethnicity.code().to_string(),
            education,
            phone: phone.map(|p| p.as_str().to_string()),
            unit_name,
            post,
            key_teacher: form.key_teacher,
            branch_id,
            branch_path: org.path.clone(),
        };
        // DEV-AGE on the application day.
        let rules = self.recruitment_rules(&row.branch_path).await?;
        let blank = PathFacts {
            person_id: 0,
            name: row.name.clone(),
            org_id: branch_id,
            birth_date: row.birth_date,
            steps: Vec::new(),
            review_passed: None,
            extension_months: None,
            transferred_in_on: None,
            ended: false,
        };
        let input = StepInput {
            step: Step::Apply,
            on: applied_on,
            detail: StepDetail::Plain,
            reason: String::new(),
            publicity: None,
        };
        if let Outcome::Refused(problems) = path::check_step(&rules, &blank, &input, today) {
            let problems = problems.into_iter().map(|p| Problem { field: "applied_on", ..p }).collect();
            return Err(invalid(problems));
        }
        let id = storage::recruit::insert(&mut tx, &row).await?;
        let step = NewStep {
            recruit_id: id,
            step: Step::Apply,
            on: applied_on,
            detail: "{}".into(),
            reason: String::new(),
            note: String::new(),
        };
        storage::recruit::insert_step(&mut tx, &step, actor.account_id).await?;
        let after = serde_json::json!({"name": row.name, "id_number": id_number.masked(), "applied_on": applied_on});
        let entry = Entry {
            action: "recruit.apply",
            entity: "recruit",
            entity_id: Some(id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(after),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The person with their steps, the next step and the deadlines about them today.
    pub async fn recruit(&self, actor: &Actor, id: i64) -> Result<RecruitView> {
        let row = storage::recruit::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let steps = storage::recruit::steps_of(&self.db, &[id]).await?;
        let f = path_facts(&row, &steps);
        let rules = self.recruitment_rules(&row.branch_path).await?;
        let today = self.today();
        let findings = recruitment::deadlines::evaluate(
            &rules,
            std::slice::from_ref(&f),
            &When::new(today.year(), today, NOTICE_DAYS),
        );
        let reached = f.reached();
        let next = if f.ended {
            None
        } else {
            match reached {
                None => Some(Step::Apply),
                Some(s) => Step::ALL.get(usize::from(s.number())).copied(),
            }
        };
        let probation_ends = match (f.first(Step::AdmissionAssembly), f.has(Step::AdmissionApproval)) {
            (Some(a), true) => Some(probation_end(a, path::probation_years(&rules, a), f.extension_months)),
            _ => None,
        };
        // The recurring step of the stage (培养教育考察, 继续教育考察) may be recorded again until
        // the next one is: an assessment every six months (DEV-HALFYEAR).
        let again = match reached {
            Some(Step::Cultivation) => Some(Step::Cultivation),
            Some(Step::ProbationEducation) => Some(Step::ProbationEducation),
            _ => None,
        };
        let choices: Vec<Step> = next.into_iter().chain(again.filter(|_| !f.ended)).collect();
        let path = OrgPath::parse(&row.branch_path).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let voters = storage::election::members_on(&self.db, &path, today)
            .await?
            .into_iter()
            .filter(|m| m.status == domain::codes::MemberStatus::Full && !m.observed)
            .map(|m| (m.member_id, m.name))
            .collect();
        Ok(RecruitView {
            choices,
            voters,
            stage: stage_of(reached),
            next,
            probation_ends,
            findings,
            can_record: can(actor, Action::CreateMember, Target::Org(&path)),
            row,
            steps,
        })
    }

    /// The pipeline of `org_id`'s subtree: each person still on the way (not ended, not yet
    /// archived) with their stage and step.
    pub async fn recruitment_board(&self, actor: &Actor, org_id: i64) -> Result<Vec<BoardLine>> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        let (lo, hi) = path.subtree_bounds();
        let rows = storage::recruit::of_subtree(&self.db, &actor.scope(), &lo, &hi).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let steps = storage::recruit::steps_of(&self.db, &ids).await?;
        let rules = self.recruitment_rules(&org.path).await?;
        let today = self.today();
        let when = When::new(today.year(), today, 0);
        let by_person = steps_by_person(steps);
        let mut out = Vec::new();
        for row in rows.iter().filter(|r| r.ended_on.is_none()) {
            let f = path_facts(row, by_person.get(&row.id).map(Vec::as_slice).unwrap_or_default());
            if f.has(Step::Archive) {
                continue;
            }
            let overdue = recruitment::deadlines::evaluate(&rules, std::slice::from_ref(&f), &when)
                .iter()
                .filter(|x| x.severity != domain::rules::Severity::Upcoming)
                .count();
            let reached = f.reached();
            out.push(BoardLine {
                id: row.id,
                name: row.name.clone(),
                branch_id: row.branch_id,
                branch_name: row.branch_name.clone(),
                stage: stage_of(reached),
                reached,
                since: f.steps.iter().map(|s| s.on).max(),
                key_teacher: row.key_teacher,
                overdue,
            });
        }
        Ok(out)
    }

    /// Records a step, refused with the rule's ID and citation when it breaks one.
    pub async fn record_step(&self, actor: &Actor, id: i64, form: &StepForm) -> Result<i64> {
        let today = self.today();
        let mut tx = self.db.begin().await?;
        let (row, path) = recruit_to_edit(&mut tx, actor, id).await?;
        let mut e = FieldErrors::new();
        let step = Step::parse(&form.step).filter(|s| *s != Step::Apply);
        if step.is_none() {
            e.add("step", "请选择步骤");
        }
        let on = day(&mut e, "on", &form.on, today);
        let reason = text(&mut e, "reason", &form.reason, None, 500);
        let note = text(&mut e, "note", &form.note, None, 2000);
        let dues = match step {
            Some(Step::AdmissionApproval) => {
                let d = DuesCategory::parse(&form.dues_category);
                if d.is_none() {
                    e.add("dues_category", "请选择新党员的党费类别");
                }
                d
            }
            _ => None,
        };
        let (Some(step), Some(on)) = (step, on.filter(|_| e.is_empty())) else {
            return Err(ServiceError::Invalid(e));
        };
        let steps = storage::recruit::steps_in_tx(&mut tx, id).await?;
        let f = path_facts(&row, &steps);
        let (detail, mut json) = self.step_detail(&mut tx, actor, &path, step, on, form).await?;
        let publicity = self.publicity(&row.branch_path, step, form, today).await?;
        if let Some(p) = &publicity {
            json["publicity"] = serde_json::json!({"from": p.from, "to": p.to, "working_days": p.working_days});
        }
        let rules = self.recruitment_rules(&row.branch_path).await?;
        let input = StepInput { step, on, detail, reason: reason.clone(), publicity };
        let warnings = match path::check_step(&rules, &f, &input, today) {
            Outcome::Refused(problems) => return Err(invalid(problems)),
            Outcome::Accepted { warnings } => warnings,
        };
        let record = NewStep { recruit_id: id, step, on, detail: json.to_string(), reason, note };
        let step_id = storage::recruit::insert_step(&mut tx, &record, actor.account_id).await?;
        match (step, &input.detail) {
            (Step::PoliticalReview, StepDetail::Review { passed, .. }) => {
                storage::recruit::set_review(&mut tx, id, *passed).await?;
            }
            (Step::AdmissionApproval, _) => {
                // check_step has seen the assembly before the approval, and the category was
                // required above.
                let (Some(joined), Some(dues)) = (f.first(Step::AdmissionAssembly), dues) else {
                    return Err(ServiceError::Internal(format!(
                        "recruits {id}: approval without assembly or category"
                    )));
                };
                let member_id = self.admit(&mut tx, &row, joined, dues).await?;
                storage::recruit::set_member(&mut tx, id, member_id).await?;
                if row.key_teacher {
                    storage::recruit::set_member_key_teacher(&mut tx, member_id, true).await?;
                }
            }
            (Step::ConfirmationApproval, _) => {
                if let (Some(member_id), Some(assembly)) = (row.member_id, f.first(Step::AdmissionAssembly)) {
                    let years = path::probation_years(&rules, assembly);
                    let from = path::confirmation_day(assembly, years, f.extension_months);
                    storage::recruit::confirm_member(&mut tx, member_id, from).await?;
                }
            }
            _ => {}
        }
        let after = serde_json::json!({
            "step": step.as_str(), "on": on, "detail": json, "reason": record.reason,
            "warnings": warnings.iter().map(|w| w.rule_id).collect::<Vec<_>>(),
        });
        let entry = Entry {
            action: "recruit.step",
            entity: "recruit",
            entity_id: Some(id),
            org_path: Some(row.branch_path.clone()),
            before: None,
            after: Some(after),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(step_id)
    }

    /// Steps 7 and 23: the public notice typed, its working days counted with the calendar the
    /// branch's committees keep (DEV-L-PUBLICITY); none when neither day is given.
    async fn publicity(
        &self,
        branch_path: &str,
        step: Step,
        form: &StepForm,
        today: NaiveDate,
    ) -> Result<Option<path::Publicity>> {
        let (from, to) = (form.publicity_from.trim(), form.publicity_to.trim());
        if !matches!(step, Step::Candidate | Step::ConfirmationAssembly) || (from.is_empty() && to.is_empty()) {
            return Ok(None);
        }
        let mut e = FieldErrors::new();
        let (from, to) = (day(&mut e, "publicity_from", from, today), day(&mut e, "publicity_to", to, today));
        let (Some(from), Some(to)) = (from, to) else { return Err(ServiceError::Invalid(e)) };
        if to < from {
            return Err(ServiceError::field("publicity_to", "公示结束日期不能早于开始日期"));
        }
        let changes = self.setting_changes().await?;
        let reaching = domain::settings::reaching(&changes, branch_path);
        let calendar =
            domain::settings::work_calendar_on(&reaching, branch_path, from).map_err(ServiceError::Internal)?;
        Ok(Some(path::Publicity { from, to, working_days: calendar.working_days(from, to) }))
    }

    /// What the rules need of the step beyond its day, read on that day, and what is stored.
    async fn step_detail(
        &self,
        tx: &mut storage::Tx,
        actor: &Actor,
        path: &OrgPath,
        step: Step,
        on: NaiveDate,
        form: &StepForm,
    ) -> Result<(StepDetail, serde_json::Value)> {
        Ok(match step {
            Step::Mentors | Step::Sponsors => {
                let mut named = Vec::new();
                for member_id in &form.member_ids {
                    let m = storage::member::get_in_tx(tx, &actor.scope(), *member_id)
                        .await?
                        .ok_or_else(|| ServiceError::field("member_ids", "找不到所选党员，或您无权查看"))?;
                    let full = m.confirmed_on.is_some_and(|c| c <= on) && m.status.is_active();
                    let under_observation = storage::decision::open_observation(tx, m.id, on).await?.is_some();
                    named.push(NamedMember { member_id: m.id, name: m.name.clone(), full, under_observation });
                }
                let json = serde_json::json!({"members": named.iter().map(|m| serde_json::json!({"id": m.member_id, "name": m.name})).collect::<Vec<_>>()});
                let detail =
                    if step == Step::Mentors { StepDetail::Mentors(named) } else { StepDetail::Sponsors(named) };
                (detail, json)
            }
            Step::Talk | Step::HqTalk => {
                let people = names(&form.people)?;
                let json = serde_json::json!({"people": people});
                (StepDetail::Talk { people }, json)
            }
            Step::PoliticalReview => {
                let Some(passed) = form.passed else {
                    return Err(ServiceError::field("passed", "请填写政治审查结论"));
                };
                let (mobile, consulted) = (form.mobile, form.consulted);
                let json = serde_json::json!({"passed": passed, "people": names(&form.people)?, "mobile": mobile, "consulted": consulted});
                (StepDetail::Review { passed, mobile, consulted }, json)
            }
            Step::Training => (
                StepDetail::Training { days: form.days, hours: form.hours },
                serde_json::json!({"days": form.days, "hours": form.hours}),
            ),
            Step::PreReview => (
                StepDetail::PreReview { leaving_soon: form.leaving_soon },
                serde_json::json!({"leaving_soon": form.leaving_soon}),
            ),
            Step::AdmissionAssembly | Step::ConfirmationAssembly => {
                let a = AssemblyCount {
                    expected: form.expected,
                    present: form.present,
                    yes: form.yes,
                    written_yes: form.written_yes,
                };
                let json = serde_json::json!({"expected": a.expected, "present": a.present, "yes": a.yes, "written_yes": a.written_yes});
                (StepDetail::Assembly(a), json)
            }
            Step::AdmissionApproval | Step::ConfirmationApproval => {
                // The approving org: the nearest org above the branch that may approve.
                let mut approver = None;
                for org_id in path.ids().into_iter().rev().skip(1) {
                    if storage::recruit::may_approve(tx, org_id).await? == Some(true) {
                        approver = Some(org_id);
                        break;
                    }
                }
                (
                    StepDetail::Approval { may_approve: approver.is_some() },
                    serde_json::json!({"approver_org_id": approver}),
                )
            }
            _ => (StepDetail::Plain, serde_json::json!({})),
        })
    }

    /// Step 17: the person becomes a probationary member of their branch from the admission
    /// assembly's day (DEV-PROBATION).
    async fn admit(&self, tx: &mut storage::Tx, r: &RecruitRow, joined: NaiveDate, dues: DuesCategory) -> Result<i64> {
        let data = storage::member::MemberData {
            name: r.name.clone(),
            gender: r.gender.as_str().to_string(),
            ethnicity: r.ethnicity.clone(),
            birth_date: r.birth_date.to_string(),
            id_number: r.id_number.clone(),
            phone: r.phone.clone(),
            education: r.education.clone(),
            degree: None,
            occupation: None,
            post: (!r.post.is_empty()).then(|| r.post.clone()),
            unit_name: (!r.unit_name.is_empty()).then(|| r.unit_name.clone()),
            joined_on: joined.to_string(),
            confirmed_on: None,
            status: "probationary".into(),
            dues_category: dues.as_str().to_string(),
            address: None,
            lost_contact: false,
            lost_contact_since: None,
            mobile_member: false,
            mobile_destination: None,
            remark: None,
            probation_extension_months: None,
        };
        if storage::member::id_by_id_number(tx, &r.id_number).await?.is_some() {
            return Err(ServiceError::Conflict("该身份证号已登记为党员".into()));
        }
        let placement =
            storage::member::Placement { branch_id: r.branch_id, branch_path: r.branch_path.clone(), group_id: None };
        Ok(storage::member::insert(tx, &data, &placement, &joined.to_string()).await?)
    }

    /// DEV-PROBATION: extends a probationary member's probation once, by 6–12 months: a decision
    /// of the branch assembly approved by the committee, with its day and the deciding body.
    pub async fn extend_probation(&self, actor: &Actor, id: i64, months: u32, on: &str, body: &str) -> Result<()> {
        let today = self.today();
        let mut tx = self.db.begin().await?;
        let (row, _) = recruit_to_edit(&mut tx, actor, id).await?;
        let mut e = FieldErrors::new();
        let on = day(&mut e, "on", on, today);
        let body = text(&mut e, "body", body, None, 100);
        if body.is_empty() && e.get("body").is_none() {
            e.add("body", "请填写决定机关");
        }
        let Some(on) = on.filter(|_| e.is_empty()) else { return Err(ServiceError::Invalid(e)) };
        let steps = storage::recruit::steps_in_tx(&mut tx, id).await?;
        let f = path_facts(&row, &steps);
        let rules = self.recruitment_rules(&row.branch_path).await?;
        path::check_extension(&rules, &f, months, on).map_err(|p| invalid(vec![p]))?;
        storage::recruit::set_extension(&mut tx, id, months, on, &body).await?;
        if let Some(member_id) = row.member_id {
            storage::recruit::extend_member_probation(&mut tx, member_id, months).await?;
        }
        let entry = Entry {
            action: "recruit.extend",
            entity: "recruit",
            entity_id: Some(id),
            org_path: Some(row.branch_path.clone()),
            before: None,
            after: Some(serde_json::json!({"months": months, "on": on, "body": body})),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Services {
    /// The branches a person may be moved to: the active branches in the actor's scope where they
    /// may record people, the person's own left out.
    pub async fn recruit_destinations(&self, actor: &Actor, id: i64) -> Result<Vec<(i64, String)>> {
        let row = storage::recruit::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let orgs = storage::org::list(&self.db, &actor.scope(), None, false).await?;
        let mut out = Vec::new();
        for o in orgs.iter().filter(|o| o.kind == domain::org::OrgKind::Branch && o.id != row.branch_id) {
            if can(actor, Action::CreateMember, Target::Org(&o.org_path()?)) {
                out.push((o.id, o.name.clone()));
            }
        }
        Ok(out)
    }

    /// DEV-TRANSFER-ACT: a person not yet admitted moves to another branch with their record;
    /// the time of cultivation goes on. The actor must be able to record people in both branches.
    pub async fn move_recruit(&self, actor: &Actor, id: i64, to_branch: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (row, _) = recruit_to_edit(&mut tx, actor, id).await?;
        let to = storage::org::get_in_tx(&mut tx, &actor.scope(), to_branch)
            .await?
            .ok_or_else(|| ServiceError::field("to_branch", "找不到该党支部，或您无权查看"))?;
        let mut e = FieldErrors::new();
        if to.kind != domain::org::OrgKind::Branch || to.closed_on.is_some() {
            e.add("to_branch", "请选择一个党支部");
        } else if to.id == row.branch_id {
            e.add("to_branch", "已在该党支部");
        } else if !can(actor, Action::CreateMember, Target::Org(&to.org_path()?)) {
            e.add("to_branch", "您无权在该党支部录入");
        }
        if row.member_id.is_some() {
            e.add("to_branch", "已接收为预备党员的，请办理组织关系转接");
        }
        if row.ended_on.is_some() {
            e.add("to_branch", "该发展党员记录已终止");
        }
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let placement = storage::member::Placement { branch_id: to.id, branch_path: to.path.clone(), group_id: None };
        storage::recruit::move_to(&mut tx, id, &placement).await?;
        let entry = Entry {
            action: "recruit.move",
            entity: "recruit",
            entity_id: Some(id),
            org_path: Some(to.path.clone()),
            before: Some(serde_json::json!({"branch_id": row.branch_id})),
            after: Some(serde_json::json!({"branch_id": to.id})),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }
}
