//! One person's recruitment path and the checks made when a step is recorded.
//!
//! Readings (rules.md §4):
//! - **Order.** Steps are recorded in order, each on or after the day of the one before; the two
//!   recurring steps (6 培养教育考察, 21 继续教育考察) are recorded once per assessment, and the
//!   next step needs at least one.
//! - **Months and years** are calendar ones, clamped to the month's end ([`add_months`]): a talk
//!   is due on the same date one month later, the day itself in time. A year of cultivation is
//!   complete on the same date a year later.
//! - **Probation** runs one year from the admission assembly (DEV-PROBATION): it ends the day
//!   before the same date a year later, plus an extension's months; the member is full from the
//!   day after it ends (党龄 from then, DEV-CONVERT-TIME).

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::Check;
use super::step::Step;
use crate::dates::{add_months, add_years, age_on, anniversary, format_cn};
use crate::rules::{Rule, RuleSet};

/// A step as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StepRecord {
    pub step: Step,
    pub on: NaiveDate,
}

/// What the rules know of one person in recruitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathFacts {
    pub person_id: i64,
    pub name: String,
    /// The branch responsible for them now.
    pub org_id: i64,
    pub birth_date: NaiveDate,
    /// The steps recorded, in order of their day.
    pub steps: Vec<StepRecord>,
    /// The political review's conclusion, once recorded (DEV-POLREVIEW).
    pub review_passed: Option<bool>,
    /// The months the probation was extended by (DEV-PROBATION).
    pub extension_months: Option<u32>,
    /// The day a probationary member was received by transfer (DEV-TRANSFER-PROB).
    pub transferred_in_on: Option<NaiveDate>,
    /// The recruitment ended without admission or confirmation (withdrawn, cancelled).
    pub ended: bool,
}

impl PathFacts {
    /// The first day this step was recorded.
    pub fn first(&self, step: Step) -> Option<NaiveDate> {
        self.steps.iter().filter(|s| s.step == step).map(|s| s.on).min()
    }

    /// The last day this step was recorded.
    pub fn last(&self, step: Step) -> Option<NaiveDate> {
        self.steps.iter().filter(|s| s.step == step).map(|s| s.on).max()
    }

    pub fn has(&self, step: Step) -> bool {
        self.steps.iter().any(|s| s.step == step)
    }

    /// The furthest step reached.
    pub fn reached(&self) -> Option<Step> {
        self.steps.iter().map(|s| s.step).max()
    }
}

/// The day the member is full (转正 takes effect, 党龄 from it): `years` after the admission
/// assembly, on its anniversary (29 February → 1 March, as the member registry reads it,
/// [`crate::member::probation_end`]), plus the extension's months (DEV-PROBATION).
pub fn confirmation_day(assembly_on: NaiveDate, years: u32, extension_months: Option<u32>) -> NaiveDate {
    add_months(anniversary(assembly_on, years), extension_months.unwrap_or(0))
}

/// The last day of the probation: the day before [`confirmation_day`].
pub fn probation_end(assembly_on: NaiveDate, years: u32, extension_months: Option<u32>) -> NaiveDate {
    let full = confirmation_day(assembly_on, years, extension_months);
    full.checked_sub_days(Days::new(1)).unwrap_or(full)
}

/// The probation's length in years under the rules in force on `day` (DEV-PROBATION).
pub fn probation_years(rules: &RuleSet<Check>, day: NaiveDate) -> u32 {
    rules
        .in_force_on(day)
        .find_map(|r| match r.check {
            Check::Probation { years, .. } => Some(years),
            _ => None,
        })
        .unwrap_or(1)
}

/// The counts of a branch assembly on an admission or a confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AssemblyCount {
    /// Full members with voting rights who should attend (EL-RIGHTS on the day).
    pub expected: u32,
    /// Of them, present.
    pub present: u32,
    /// Yes votes cast at the meeting.
    pub yes: u32,
    /// Yes votes of absent voters handed in writing before the meeting (DEV-ASM-VOTE).
    pub written_yes: u32,
}

/// A member named on a step (a mentor, a sponsor) as they stood on its day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedMember {
    pub member_id: i64,
    pub name: String,
    /// A full member on the day.
    pub full: bool,
    /// Under 留党察看 on the day (no right to introduce, DEV-INTRODUCERS).
    pub under_observation: bool,
}

/// What a step records beyond its day.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub enum StepDetail {
    #[default]
    Plain,
    /// Steps 2 and 16: who talked with the person (DEV-TALK; DEV-HQ-TALK: a committee member or
    /// an 组织员).
    Talk { people: Vec<String> },
    /// Step 5: the mentors.
    Mentors(Vec<NamedMember>),
    /// Step 9: the sponsors.
    Sponsors(Vec<NamedMember>),
    /// Step 10: the review's conclusion; for a mobile person (流动人员) whether the party
    /// organizations of their household registration and residence were consulted (DEV-POLREVIEW).
    Review { passed: bool, mobile: bool, consulted: bool },
    /// Step 11: the training.
    Training { days: u32, hours: u32 },
    /// Step 13: whether the candidate leaves their unit within the months of DEV-PREREVIEW.
    PreReview { leaving_soon: bool },
    /// Steps 15 and 23: the assembly.
    Assembly(AssemblyCount),
    /// Steps 17 and 24: whether the approving org may approve admissions (DEV-APPROVER).
    Approval { may_approve: bool },
}

/// A step to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepInput {
    pub step: Step,
    pub on: NaiveDate,
    pub detail: StepDetail,
    /// Why a rule worded "一般" is departed from; needed when the step draws a warning.
    pub reason: String,
    /// Steps 7 and 23: the public notice before them (DEV-L-PUBLICITY).
    pub publicity: Option<Publicity>,
}

/// A public notice (公示): its first and last day and the working days between them, counted
/// with the committee's calendar ([`crate::calendar::WorkCalendar`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Publicity {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub working_days: u32,
}

/// A rule a step breaks: which, and what to say, on which field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The rule's ID, or empty for the order of the steps.
    pub rule_id: &'static str,
    pub citation: &'static str,
    pub field: &'static str,
    pub message: String,
}

/// What recording a step would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// Recorded; with the warnings its reason answers.
    Accepted { warnings: Vec<Problem> },
    /// Not recorded.
    Refused(Vec<Problem>),
}

struct Checker<'a> {
    rules: &'a RuleSet<Check>,
    on: NaiveDate,
    refusals: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Checker<'_> {
    fn rule(&self, id: &str) -> Option<&Rule<Check>> {
        self.rules.in_force_on(self.on).find(|r| r.id == id)
    }

    fn refuse(&mut self, id: &'static str, field: &'static str, message: String) {
        let citation = self.rule(id).map(|r| r.citation).unwrap_or_default();
        self.refusals.push(Problem { rule_id: id, citation, field, message });
    }

    fn warn(&mut self, id: &'static str, field: &'static str, message: String) {
        let citation = self.rule(id).map(|r| r.citation).unwrap_or_default();
        self.warnings.push(Problem { rule_id: id, citation, field, message });
    }

    fn check_of(&self, id: &str) -> Option<Check> {
        self.rule(id).map(|r| r.check.clone())
    }
}

/// Checks recording `input` on `path` against the rules in force on its day. `today` bounds the
/// day (no step in the future).
pub fn check_step(rules: &RuleSet<Check>, path: &PathFacts, input: &StepInput, today: NaiveDate) -> Outcome {
    let on = input.on;
    let mut c = Checker { rules, on, refusals: Vec::new(), warnings: Vec::new() };
    if on > today {
        c.refusals.push(problem("on", "日期不能晚于今天".into()));
    }
    if path.ended {
        c.refusals.push(problem("step", "该发展党员记录已终止".into()));
    }
    check_order(path, input, &mut c);
    // Who talked: named on the step when it is typed (an imported historical step may not say).
    if let StepDetail::Talk { people } = &input.detail
        && people.iter().all(|p| p.trim().is_empty())
    {
        let (id, who) = if input.step == Step::HqTalk {
            ("DEV-HQ-TALK", "谈话的党委委员或组织员")
        } else {
            ("DEV-TALK", "党组织派去谈话的人")
        };
        c.refuse(id, "people", format!("请填写{who}"));
    }
    match (&input.step, &input.detail) {
        (Step::Apply, _) => {
            if let Some(Check::Age { years }) = c.check_of("DEV-AGE")
                && age_on(path.birth_date, on) < years
            {
                c.refuse(
                    "DEV-AGE",
                    "on",
                    format!("递交入党申请书时须年满{years}周岁（出生于{}）", format_cn(path.birth_date)),
                );
            }
        }
        (Step::Talk, _) => {
            if let (Some(Check::Talk { months }), Some(applied)) = (c.check_of("DEV-TALK"), path.first(Step::Apply)) {
                let due = add_months(applied, months);
                if on > due {
                    c.warn(
                        "DEV-TALK",
                        "on",
                        format!("谈话应在收到入党申请书后{months}个月内（{}前）进行", format_cn(due)),
                    );
                }
            }
        }
        (Step::Mentors, detail) => {
            let named = match detail {
                StepDetail::Mentors(m) => m.as_slice(),
                _ => &[],
            };
            if let Some(Check::Mentors { min, max }) = c.check_of("DEV-CONTACT") {
                let n = u32::try_from(named.len()).unwrap_or(u32::MAX);
                if n < min || n > max {
                    c.refuse("DEV-CONTACT", "mentors", format!("培养联系人应为{min}至{max}名正式党员"));
                }
                for m in named.iter().filter(|m| !m.full) {
                    c.refuse(
                        "DEV-CONTACT",
                        "mentors",
                        format!("{}在{}不是正式党员，不能作培养联系人", m.name, format_cn(on)),
                    );
                }
            }
        }
        (Step::Candidate, _) => {
            if let (Some(Check::Cultivation { years }), Some(since)) =
                (c.check_of("DEV-OBJECT"), path.first(Step::Activist))
            {
                let ready = add_years(since, years);
                if on < ready {
                    c.refuse(
                        "DEV-OBJECT",
                        "on",
                        format!(
                            "确定为入党积极分子（{}）满{years}年后方可列为发展对象（{}起）",
                            format_cn(since),
                            format_cn(ready)
                        ),
                    );
                }
            }
        }
        (Step::Sponsors, detail) => {
            let named = match detail {
                StepDetail::Sponsors(m) => m.as_slice(),
                _ => &[],
            };
            if let Some(Check::Sponsors { count }) = c.check_of("DEV-INTRODUCERS") {
                if u32::try_from(named.len()).ok() != Some(count) {
                    c.refuse("DEV-INTRODUCERS", "sponsors", format!("入党介绍人应为{count}名正式党员"));
                }
                for m in named {
                    if !m.full {
                        c.refuse(
                            "DEV-INTRODUCERS",
                            "sponsors",
                            format!("{}在{}不是正式党员，不能作入党介绍人", m.name, format_cn(on)),
                        );
                    } else if m.under_observation {
                        c.refuse(
                            "DEV-INTRODUCERS",
                            "sponsors",
                            format!("{}在{}受留党察看处分、尚未恢复党员权利，不能作入党介绍人", m.name, format_cn(on)),
                        );
                    }
                }
            }
        }
        (Step::PoliticalReview, StepDetail::Review { mobile: true, consulted: false, .. }) => {
            c.refuse(
                "DEV-POLREVIEW",
                "consulted",
                "对流动人员进行政治审查，须征求其户籍所在地和现居住地党组织的意见".into(),
            );
        }
        (Step::Training, StepDetail::Training { days, hours }) => {
            if let Some(Check::Training { days: min_days, hours: min_hours }) = c.check_of("DEV-TRAINING")
                && *days < min_days
                && *hours < min_hours
            {
                c.warn("DEV-TRAINING", "training", format!("集中培训一般不少于{min_days}天或{min_hours}学时"));
            }
        }
        (Step::PreReview, StepDetail::PreReview { leaving_soon: true }) => {
            if let Some(Check::PreReview { months }) = c.check_of("DEV-PREREVIEW") {
                c.warn(
                    "DEV-PREREVIEW",
                    "leaving_soon",
                    format!("{months}个月内将离开工作、学习单位的，一般不办理接收预备党员的手续"),
                );
            }
        }
        (Step::AdmissionAssembly | Step::ConfirmationAssembly, detail) => {
            let count = match detail {
                StepDetail::Assembly(a) => *a,
                _ => AssemblyCount::default(),
            };
            check_assembly(&mut c, count, input.step == Step::ConfirmationAssembly);
            if input.step == Step::ConfirmationAssembly {
                check_confirmation_day(&mut c, rules, path, on);
            }
        }
        (Step::AdmissionApproval | Step::ConfirmationApproval, detail) => {
            if matches!(detail, StepDetail::Approval { may_approve: false }) {
                c.refuse("DEV-APPROVER", "approver", "审批须由有审批权的党委（含工委）进行，党总支只能审议".into());
            }
            check_approval_time(&mut c, path, input.step, on);
        }
        _ => {}
    }
    check_local(&mut c, path, input);
    // DEV-POLREVIEW: nothing from the branch committee's review on without a passed review.
    if input.step >= Step::CommitteeReview && input.step <= Step::AdmissionApproval && path.review_passed != Some(true)
    {
        c.refuse("DEV-POLREVIEW", "step", "未经政治审查或政治审查不合格的，不能发展入党".into());
    }
    if !c.refusals.is_empty() {
        return Outcome::Refused(c.refusals);
    }
    if !c.warnings.is_empty() && input.reason.trim().is_empty() {
        let mut refusals = c.warnings;
        for w in &mut refusals {
            w.message.push_str("；确有特殊情况的，请填写理由");
        }
        return Outcome::Refused(refusals);
    }
    Outcome::Accepted { warnings: c.warnings }
}

/// The local practice a committee switched on ([`super::local_rules`]): each a warning.
fn check_local(c: &mut Checker<'_>, path: &PathFacts, input: &StepInput) {
    let on = input.on;
    match input.step {
        Step::Activist => {
            if let (Some(Check::ActivistWait { months }), Some(applied)) =
                (c.check_of("DEV-L-ACTIVIST-WAIT"), path.first(Step::Apply))
            {
                let ready = add_months(applied, months);
                if on < ready {
                    c.warn(
                        "DEV-L-ACTIVIST-WAIT",
                        "on",
                        format!(
                            "递交入党申请书（{}）满{months}个月后（{}起）方可确定为入党积极分子",
                            format_cn(applied),
                            format_cn(ready)
                        ),
                    );
                }
            }
        }
        Step::PreReview => {
            if let (Some(Check::PreReviewTime { months }), Some(reviewed)) =
                (c.check_of("DEV-L-PREREVIEW-TIME"), path.first(Step::CommitteeReview))
            {
                let due = add_months(reviewed, months);
                if on > due {
                    c.warn(
                        "DEV-L-PREREVIEW-TIME",
                        "on",
                        format!("支部委员会审查后应在{months}个月内（{}前）预审", format_cn(due)),
                    );
                }
            }
        }
        Step::AdmissionAssembly => {
            if let (Some(Check::AssemblyTime { months }), Some(pre)) =
                (c.check_of("DEV-L-ASSEMBLY-TIME"), path.first(Step::PreReview))
            {
                let due = add_months(pre, months);
                if on > due {
                    c.warn(
                        "DEV-L-ASSEMBLY-TIME",
                        "on",
                        format!("预审后应在{months}个月内（{}前）召开支部大会", format_cn(due)),
                    );
                }
            }
            if let (Some(Check::ReviewValid { years }), Some(reviewed)) =
                (c.check_of("DEV-L-REVIEW-VALID"), path.last(Step::PoliticalReview))
            {
                let valid = add_years(reviewed, years);
                if on > valid {
                    c.warn(
                        "DEV-L-REVIEW-VALID",
                        "on",
                        format!(
                            "政治审查（{}）有效期{years}年，已于{}届满，应重新审查",
                            format_cn(reviewed),
                            format_cn(valid)
                        ),
                    );
                }
            }
        }
        _ => {}
    }
    if matches!(input.step, Step::Candidate | Step::ConfirmationAssembly)
        && let Some(Check::Publicity { working_days }) = c.check_of("DEV-L-PUBLICITY")
    {
        let what = if input.step == Step::Candidate { "确定发展对象" } else { "讨论转正" };
        match input.publicity {
            None => c.warn(
                "DEV-L-PUBLICITY",
                "publicity_from",
                format!("{what}前应公示不少于{working_days}个工作日，请填写公示起止日期"),
            ),
            Some(p) if p.working_days < working_days => c.warn(
                "DEV-L-PUBLICITY",
                "publicity_to",
                format!(
                    "公示（{}至{}）只有{}个工作日，应不少于{working_days}个工作日",
                    format_cn(p.from),
                    format_cn(p.to),
                    p.working_days
                ),
            ),
            Some(p) if p.to >= on => {
                c.warn("DEV-L-PUBLICITY", "publicity_to", format!("公示期满（{}）后方可{what}", format_cn(p.to)))
            }
            Some(_) => {}
        }
    }
}

fn problem(field: &'static str, message: String) -> Problem {
    Problem { rule_id: "", citation: "", field, message }
}

/// Steps in order, each on or after the days before it.
fn check_order(path: &PathFacts, input: &StepInput, c: &mut Checker<'_>) {
    let step = input.step;
    if path.has(step) && !step.recurs() {
        c.refusals.push(problem("step", format!("“{}”已记录", step.title())));
        return;
    }
    if let Some(prev) = step.previous()
        && !path.has(prev)
    {
        c.refusals.push(problem("step", format!("请先记录“{}”", prev.title())));
    }
    if let Some(later) = path.steps.iter().find(|s| s.step > step) {
        c.refusals.push(problem("step", format!("已记录后面的步骤“{}”", later.step.title())));
    }
    if let Some(latest) = path.steps.iter().filter(|s| s.step < step).map(|s| s.on).max()
        && input.on < latest
    {
        c.refusals.push(problem("on", format!("日期不能早于上一步骤的日期（{}）", format_cn(latest))));
    }
}

const QUORUM_CITATION: &str = "《中国共产党发展党员工作细则》第二十条、第二十五条";

fn check_assembly(c: &mut Checker<'_>, a: AssemblyCount, confirmation: bool) {
    let quorum_id = "DEV-ASM-QUORUM";
    let vote_id = "DEV-ASM-VOTE";
    let what = if confirmation {
        "讨论转正的支部大会（与接收预备党员相同，DEV-CONVERT）"
    } else {
        "讨论接收预备党员的支部大会"
    };
    if a.present > a.expected || a.yes > a.present || a.present + a.written_yes > a.expected {
        c.refusals.push(problem("assembly", "人数不一致：到会人数不能多于应到人数，赞成票不能多于到会人数".into()));
        return;
    }
    // DEV-ASM-QUORUM is a rule of the org_life family (it voids a meeting's vote); the step
    // applies it too, with its citation.
    if a.present * 2 <= a.expected {
        c.refusals.push(Problem {
            rule_id: quorum_id,
            citation: QUORUM_CITATION,
            field: "present",
            message: format!(
                "{what}有表决权的到会人数（{}）须超过应到会有表决权人数（{}）的半数",
                a.present, a.expected
            ),
        });
    }
    let yes = a.yes + a.written_yes;
    if c.rule(vote_id).is_some() && yes * 2 <= a.expected {
        c.refuse(
            vote_id,
            "yes",
            format!(
                "赞成票（含书面意见{}票，共{yes}票）须超过应到会有表决权的正式党员（{}）的半数",
                a.written_yes, a.expected
            ),
        );
    }
}

/// DEV-PROBATION / DEV-CONVERT: the confirmation is discussed when the probation ends, not before.
fn check_confirmation_day(c: &mut Checker<'_>, rules: &RuleSet<Check>, path: &PathFacts, on: NaiveDate) {
    let Some(assembly) = path.first(Step::AdmissionAssembly) else { return };
    let Some(Check::Probation { years, .. }) = rules.get("DEV-PROBATION").map(|r| r.check.clone()) else { return };
    let end = probation_end(assembly, years, path.extension_months);
    if on < end {
        c.warn("DEV-PROBATION", "on", format!("预备期至{}期满，一般在期满时讨论转正", format_cn(end)));
    }
}

/// DEV-APPROVAL-TIME and DEV-CONVERT-TIME.
fn check_approval_time(c: &mut Checker<'_>, path: &PathFacts, step: Step, on: NaiveDate) {
    if step == Step::AdmissionApproval {
        let Some(assembly) = path.first(Step::AdmissionAssembly) else { return };
        if let Some(Check::ApprovalTime { months, hard_months }) = c.check_of("DEV-APPROVAL-TIME") {
            let (due, hard) = (add_months(assembly, months), add_months(assembly, hard_months));
            if on > hard {
                c.refuse(
                    "DEV-APPROVAL-TIME",
                    "on",
                    format!(
                        "支部大会（{}）后超过{hard_months}个月，不能再审批，须重新履行接收手续",
                        format_cn(assembly)
                    ),
                );
            } else if on > due {
                c.warn("DEV-APPROVAL-TIME", "on", format!("应在支部大会后{months}个月内（{}前）审批", format_cn(due)));
            }
        }
    } else if let (Some(assembly), Some(Check::ConfirmationTime { months })) =
        (path.first(Step::ConfirmationAssembly), c.check_of("DEV-CONVERT-TIME"))
    {
        let due = add_months(assembly, months);
        if on > due {
            c.warn("DEV-CONVERT-TIME", "on", format!("转正应在支部大会后{months}个月内（{}前）审批", format_cn(due)));
        }
    }
}

/// DEV-PROBATION: an extension of the probation is once, by `min`–`max` months; refusals name
/// the rule.
pub fn check_extension(rules: &RuleSet<Check>, path: &PathFacts, months: u32, on: NaiveDate) -> Result<(), Problem> {
    let Some(rule) = rules.in_force_on(on).find(|r| r.id == "DEV-PROBATION") else { return Ok(()) };
    let Check::Probation { min_extension, max_extension, .. } = rule.check else { return Ok(()) };
    let refuse = |message: String| Problem { rule_id: rule.id, citation: rule.citation, field: "months", message };
    if !path.has(Step::AdmissionApproval) || path.has(Step::ConfirmationApproval) {
        return Err(refuse("只有预备党员才能延长预备期".into()));
    }
    if path.extension_months.is_some() {
        return Err(refuse("预备期只能延长一次".into()));
    }
    if months < min_extension || months > max_extension {
        return Err(refuse(format!("延长预备期不能少于{min_extension}个月，最长不超过{max_extension}个月")));
    }
    Ok(())
}
