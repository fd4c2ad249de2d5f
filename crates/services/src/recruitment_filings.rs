//! Recruitment's papers, generated from the records (forms.md §2.7): the 备案 lists a branch files
//! with the committee above (activists, candidates, admissions) for a subtree, and a person's
//! 纪实表 (the whole path, step by step), each as .xlsx and PDF from one table document.

use chrono::NaiveDate;
use domain::dates::format_cn;
use domain::family::recruitment::{Step, path};
use domain::member::mask_id_number;
use domain::scope::{Action, Actor, Target, can};
use reports::table_doc::{Section, TableDoc};

use crate::ledger::{LedgerFile, LedgerFormat};
use crate::recruitment::{RecruitRow, StepRow};
use crate::{Result, ServiceError, Services};

/// A step's record in words (the people named, the counts, the conclusion); an error names a
/// row whose detail does not decode.
pub fn step_words(s: &StepRow) -> Result<String> {
    let v: serde_json::Value = serde_json::from_str(&s.detail)
        .map_err(|e| ServiceError::Internal(format!("recruit_steps {}: detail is not JSON: {e}", s.id)))?;
    let n = |k: &str| v.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0);
    let people = |what: &str| {
        let named: Vec<&str> = v
            .get("people")
            .and_then(|p| p.as_array())
            .map(|p| p.iter().filter_map(|x| x.as_str()).collect())
            .unwrap_or_default();
        if named.is_empty() { String::new() } else { format!("{what}：{}", named.join("、")) }
    };
    let publicity = v.get("publicity").map(|p| {
        let day = |k: &str| {
            p.get(k).and_then(|x| x.as_str()).and_then(domain::dates::parse_iso).map(format_cn).unwrap_or_default()
        };
        format!(
            "公示：{}至{}（{}个工作日）",
            day("from"),
            day("to"),
            p.get("working_days").and_then(serde_json::Value::as_u64).unwrap_or(0)
        )
    });
    let words = match s.step {
        Step::Mentors | Step::Sponsors => v
            .get("members")
            .and_then(|m| m.as_array())
            .map(|m| m.iter().filter_map(|x| x.get("name").and_then(|n| n.as_str())).collect::<Vec<_>>().join("、"))
            .unwrap_or_default(),
        Step::Talk | Step::HqTalk => people("谈话人"),
        Step::PoliticalReview => {
            let conclusion = match v.get("passed").and_then(serde_json::Value::as_bool) {
                Some(true) => "合格",
                Some(false) => "不合格",
                None => "",
            };
            let mobile = if v.get("mobile").and_then(serde_json::Value::as_bool) == Some(true) {
                "流动人员，已征求户籍所在地和现居住地党组织意见"
            } else {
                ""
            };
            [conclusion.to_string(), people("审查人"), mobile.to_string()]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join("；")
        }
        Step::Training => format!("{}天，{}学时", n("days"), n("hours")),
        Step::AdmissionAssembly | Step::ConfirmationAssembly => format!(
            "应到{}人，实到{}人，赞成{}票（含书面意见{}票）",
            n("expected"),
            n("present"),
            n("yes") + n("written_yes"),
            n("written_yes")
        ),
        _ => String::new(),
    };
    Ok(match publicity {
        Some(p) if words.is_empty() => p,
        Some(p) => format!("{words}；{p}"),
        None => words,
    })
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(format_cn).unwrap_or_default()
}

impl Services {
    /// The 备案 lists of `org_id`'s subtree as of today: activists (step 3 on), candidates (step
    /// 7 on) and admissions (step 15 on), each person with the dates the committee files.
    pub async fn recruitment_filings(&self, actor: &Actor, org_id: i64, format: LedgerFormat) -> Result<LedgerFile> {
        let org = self.org(actor, org_id).await?;
        let (lo, hi) = org.org_path()?.subtree_bounds();
        let rows = storage::recruit::of_subtree(&self.db, &actor.scope(), &lo, &hi).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let by_person = crate::recruitment::steps_by_person(storage::recruit::steps_of(&self.db, &ids).await?);
        let person = |r: &RecruitRow| -> Result<Vec<String>> {
            let branch = domain::org::OrgPath::parse(&r.branch_path)
                .map_err(|e| ServiceError::Internal(format!("recruits {}: branch_path: {e}", r.id)))?;
            let reveal = can(actor, Action::RevealPersonalData, Target::Org(&branch));
            let id = if reveal { r.id_number.clone() } else { mask_id_number(&r.id_number) };
            Ok(vec![r.name.clone(), r.gender.label().to_string(), id, r.branch_name.clone()])
        };
        // Each branch's rules, read once (the probation's length, DEV-PROBATION).
        let mut rules_of = std::collections::HashMap::new();
        let mut sections = Vec::new();
        let specs: [(&str, Step, Step, &[&str]); 3] = [
            ("入党积极分子备案", Step::Activist, Step::Candidate, &["确定日期", "备案日期", "培养联系人"]),
            ("发展对象备案", Step::Candidate, Step::AdmissionAssembly, &["确定日期", "备案日期", "入党介绍人"]),
            (
                "接收预备党员审批",
                Step::AdmissionAssembly,
                Step::ConfirmationApproval,
                &["支部大会", "上级党委审批", "预备期至"],
            ),
        ];
        for (heading, from, until, extra) in specs {
            let mut headers: Vec<String> =
                ["姓名", "性别", "公民身份号码", "党支部"].iter().map(|s| s.to_string()).collect();
            headers.extend(extra.iter().map(|s| s.to_string()));
            let mut out = Vec::new();
            for r in rows.iter().filter(|r| r.ended_on.is_none()) {
                let mine = by_person.get(&r.id).map(Vec::as_slice).unwrap_or_default();
                let f = crate::recruitment::path_facts(r, mine);
                if !f.has(from) || f.has(until) {
                    continue;
                }
                let mut line = person(r)?;
                let named = |step: Step| -> Result<String> {
                    mine.iter().find(|s| s.step == step).map(step_words).transpose().map(Option::unwrap_or_default)
                };
                match from {
                    Step::Activist => line.extend([
                        day(f.first(Step::Activist)),
                        day(f.first(Step::ActivistFiled)),
                        named(Step::Mentors)?,
                    ]),
                    Step::Candidate => line.extend([
                        day(f.first(Step::Candidate)),
                        day(f.first(Step::CandidateFiled)),
                        named(Step::Sponsors)?,
                    ]),
                    _ => {
                        let assembly = f.first(Step::AdmissionAssembly);
                        if !rules_of.contains_key(&r.branch_path) {
                            rules_of.insert(r.branch_path.clone(), self.rules_for(&r.branch_path).await?.recruitment);
                        }
                        let ends = match (assembly, rules_of.get(&r.branch_path)) {
                            (Some(a), Some(rules)) => {
                                Some(path::probation_end(a, path::probation_years(rules, a), f.extension_months))
                            }
                            _ => None,
                        };
                        line.extend([day(assembly), day(f.first(Step::AdmissionApproval)), day(ends)]);
                    }
                }
                out.push(line);
            }
            sections.push(Section { heading: heading.into(), headers, rows: out, ..Section::default() });
        }
        let today = self.today();
        let doc = TableDoc {
            title: "发展党员备案名册".into(),
            cover: vec![format!("党组织：{}", org.name), format!("截至：{}", format_cn(today))],
            sections,
            footer: "按发展党员记录生成（《中国共产党发展党员工作细则》第八条、第十三条、第二十六条）".into(),
            landscape: true,
            font_size: 9,
            as_of: today.to_string(),
        };
        self.table_file(doc, &format!("发展党员备案名册-{}", org.name), format).await
    }

    /// A person's 纪实表: their data and every step recorded, with what it recorded and why.
    pub async fn recruitment_record_sheet(&self, actor: &Actor, id: i64, format: LedgerFormat) -> Result<LedgerFile> {
        let v = self.recruit(actor, id).await?;
        let r = &v.row;
        let path = domain::org::OrgPath::parse(&r.branch_path).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let idn = if can(actor, Action::RevealPersonalData, Target::Org(&path)) {
            r.id_number.clone()
        } else {
            mask_id_number(&r.id_number)
        };
        let mut rows = Vec::new();
        for s in &v.steps {
            rows.push(vec![
                s.step.stage().label().to_string(),
                s.step.title(),
                format_cn(s.on_date),
                step_words(s)?,
                s.reason.clone(),
                s.note.clone(),
            ]);
        }
        let today = self.today();
        let doc = TableDoc {
            title: "发展党员全程纪实表".into(),
            cover: vec![
                format!("姓名：{}　性别：{}　出生日期：{}", r.name, r.gender.label(), format_cn(r.birth_date)),
                format!("公民身份号码：{idn}　党支部：{}", r.branch_name),
                format!(
                    "工作单位及岗位：{} {}{}",
                    r.unit_name,
                    r.post,
                    if r.key_teacher { "（骨干教师）" } else { "" }
                ),
                format!(
                    "当前阶段：{}{}",
                    v.stage.label(),
                    v.probation_ends.map(|d| format!("，预备期至{}", format_cn(d))).unwrap_or_default()
                ),
            ],
            sections: vec![Section {
                heading: "发展过程".into(),
                headers: ["阶段", "步骤", "日期", "情况", "理由", "记录"].iter().map(|s| s.to_string()).collect(),
                rows,
                notes: vec!["本人签名：　　　　组织委员签名：　　　　支部书记签名：".into()],
                ..Section::default()
            }],
            footer: "按发展党员记录生成（《中国共产党发展党员工作细则》）".into(),
            landscape: true,
            font_size: 9,
            as_of: today.to_string(),
        };
        self.table_file(doc, &format!("发展党员纪实表-{}", r.name), format).await
    }
}
