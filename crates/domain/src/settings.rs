//! Committee settings (党委设置): what a committee sets for its subtree, inherited down the tree
//! and dated — a change applies from its date, and earlier periods keep the old value.
//!
//! Three kinds of setting ([`Effect`]):
//! - **local rule sets** (rules.md **L**): switched on for the subtree; a lower committee may not
//!   switch off one a higher committee switched on;
//! - **parameters of a national rule** that may only be tightened: the value in force is the
//!   strictest one set at the org or above, and a value looser than the national rule or than the
//!   one inherited from above is refused, naming the rule;
//! - **plain settings** the modules read (dues rounding, arrears warning months, the election
//!   majority base, inspection quotas): the value set nearest the org wins.
//!
//! [`rules_for`] turns the settings that reach an org into the rules in force for it, one version
//! of a rule per window between changes ([`crate::rules::RuleSet::from_windows`]).

use chrono::NaiveDate;
use serde::Serialize;

use crate::family::{Rules, dues, org_life, recruitment, study};
use crate::rules::{Rule, RuleCheck, RuleSet, RuleSetError, RuleSource};

/// The values a setting takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ValueKind {
    /// "on" or "off".
    Switch,
    /// A whole number within bounds.
    Count { min: u32, max: u32 },
    /// One of the listed values: (value, label).
    Choice { options: &'static [(&'static str, &'static str)] },
    /// A list of days and ranges ([`crate::calendar::parse_days`]), empty for none.
    Days,
    /// A list of semesters, each a range of days ([`crate::semester::parse_semesters`]).
    Semesters,
}

/// What a setting changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Effect {
    /// Switches a local rule set on (a rule-set name of the family).
    RuleSet { family: &'static str, name: &'static str },
    /// Sets a parameter of a rule, which may only tighten it.
    Param { rule_id: &'static str, param: &'static str },
    /// A value a module reads.
    Plain,
}

/// One setting a committee may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SettingDef {
    /// "MTG-ASSEMBLY.min_count", "rule_set.党课每季度1次", "dues.rounding".
    pub key: &'static str,
    pub label: &'static str,
    /// What it does, and where its default comes from.
    pub help: &'static str,
    pub value: ValueKind,
    pub effect: Effect,
    /// The value when nobody set it: the national rule's, or the documented default.
    pub default: &'static str,
}

/// Dues rounding precision (rules.md §5, open point: no national rule; default to fen).
pub const DUES_ROUNDING: &str = "dues.rounding";
/// Dues rounding mode: half up or up.
pub const DUES_ROUNDING_MODE: &str = "dues.rounding_mode";
/// What "税后" deducts for the dues base.
pub const DUES_AFTER_TAX: &str = "dues.after_tax";
/// The month of the following year by whose end a branch publishes last year's dues.
pub const DUES_PUBLISH_BY_MONTH: &str = "dues.publish_by_month";
/// The share of dues collected an org keeps (DUES-RETAIN), in percent; the rest is remitted.
pub const DUES_RETAIN_PERCENT: &str = "dues.retain_percent";
/// Months of unpaid dues after which the member and the branch are warned (CON-LAPSE is 6).
pub const DUES_ARREARS_WARNING_MONTHS: &str = "dues.arrears_warning_months";
/// The validity of a transfer letter in days, proposed when one is issued (rules.md §6: local; 0,
/// the default, proposes nothing and the sender types it).
pub const TRANSFER_LETTER_VALID_DAYS: &str = "transfer.letter_valid_days";
/// 政治生日 (POL-BIRTHDAY, a local practice): list the members whose joining anniversary falls in
/// the month on the branch's page and its 主题党日 record.
pub const POL_BIRTHDAY_LIST: &str = "pol_birthday.list";
/// The committee's working-day calendar: holidays on weekdays, and weekend days worked.
pub const CALENDAR_HOLIDAYS: &str = "calendar.holidays";
pub const CALENDAR_WORKDAYS: &str = "calendar.workdays";
/// The base of an election's majority (EL-ELECTED: 实到会 nationally; local rules use 应到会).
pub const ELECTION_MAJORITY_BASE: &str = "election.majority_base";
/// The large sum of 三重一大 (SANZHONG-YIDA), in whole yuan (0: not set, every sum is large).
pub const SANZHONG_LARGE_SUM_YUAN: &str = "sanzhong.large_sum_yuan";
/// The period of STUDY-GROUP: "month", "two_months" (the default) or "quarter".
pub const STUDY_GROUP_PERIOD: &str = "study_group.period";
/// The school semesters of SZK-LECTURE (empty: the usual calendar).
pub const SZK_SEMESTERS: &str = "szk.semesters";
/// The sensitive days of IDEOLOGY-RESP: events held on them need their approval beforehand.
pub const IDEOLOGY_SENSITIVE_DAYS: &str = "ideology.sensitive_days";
/// The share of branches an inspection samples each year, in percent.
pub const INSPECTION_SAMPLE_PERCENT: &str = "inspection.sample_percent";

const SWITCH: ValueKind = ValueKind::Switch;

/// Every setting, in the order of the settings page.
pub fn catalogue() -> Vec<SettingDef> {
    let param = |key, label, help, min, max, rule_id, param, default| SettingDef {
        key,
        label,
        help,
        value: ValueKind::Count { min, max },
        effect: Effect::Param { rule_id, param },
        default,
    };
    let sets = |family: &'static str, sets: &'static [(&'static str, &'static str)]| {
        sets.iter().map(move |(name, help)| SettingDef {
            key: rule_set_key(name),
            label: name,
            help,
            value: SWITCH,
            effect: Effect::RuleSet { family, name },
            default: "off",
        })
    };
    let mut out: Vec<SettingDef> = sets(org_life::FAMILY.id, &org_life::LOCAL_RULE_SETS)
        .chain(sets(recruitment::FAMILY.id, &recruitment::LOCAL_RULE_SETS))
        .chain(sets(study::FAMILY.id, &study::LOCAL_RULE_SETS))
        .collect();
    out.extend([
        param(
            "EDU-TRAIN-HOURS.hours",
            "党员每年学习培训最少学时",
            "《中国共产党党员教育管理工作条例》规定一般不少于32学时（EDU-TRAIN-HOURS），只能调高",
            1,
            200,
            "EDU-TRAIN-HOURS",
            "hours",
            "32",
        ),
        param(
            "IDEOLOGY-RESP.min_count",
            "意识形态工作每年专题研究最少次数",
            "启用地方规则集“意识形态工作每年专题研究2次”后生效（IDEOLOGY-RESP），只能调高",
            2,
            12,
            "IDEOLOGY-RESP",
            "min_count",
            "2",
        ),
        param(
            "REPORT-ONE-MATTER.days",
            "上级答复请示的期限（天）",
            "下级请示送达后，上级党组织应在该期限内答复（REPORT-ONE-MATTER），逾期列为上级的问题；默认30天，只能缩短",
            1,
            30,
            "REPORT-ONE-MATTER",
            "days",
            "30",
        ),
        param(
            "MTG-ASSEMBLY.min_count",
            "党员大会每季度最少次数",
            "全国性规定为每季度1次（MTG-ASSEMBLY），只能调高",
            1,
            6,
            "MTG-ASSEMBLY",
            "min_count",
            "1",
        ),
        param(
            "MTG-COMMITTEE.min_count",
            "支委会每月最少次数",
            "全国性规定为每月1次（MTG-COMMITTEE），只能调高",
            1,
            4,
            "MTG-COMMITTEE",
            "min_count",
            "1",
        ),
        param(
            "MTG-GROUP.min_count",
            "党小组会每月最少次数",
            "全国性规定为每月1次（MTG-GROUP），只能调高",
            1,
            4,
            "MTG-GROUP",
            "min_count",
            "1",
        ),
        param(
            "MTG-THEME-DAY.min_count",
            "主题党日每月最少次数",
            "全国性规定为每月1次（MTG-THEME-DAY），只能调高",
            1,
            4,
            "MTG-THEME-DAY",
            "min_count",
            "1",
        ),
        param(
            "MTG-TALK.min_count",
            "谈心谈话每年最少次数",
            "全国性规定为每年至少1次（MTG-TALK），只能调高",
            1,
            12,
            "MTG-TALK",
            "min_count",
            "1",
        ),
        param(
            "MTG-LESSON.min_count",
            "党委书记每年讲党课最少次数",
            "全国性规定为每年至少1次（MTG-LESSON），只能调高",
            1,
            4,
            "MTG-LESSON",
            "min_count",
            "1",
        ),
        param(
            "ORG-RENEWAL.warn_months",
            "任期届满前提醒月数",
            "全国性做法为届满前6个月提醒（ORG-RENEWAL），只能提前",
            6,
            12,
            "ORG-RENEWAL",
            "warn_months",
            "6",
        ),
        param(
            "ORG-BRANCH-MIN.max_members",
            "党支部党员人数一般上限",
            "全国性规定一般不超过50名（ORG-BRANCH-MIN），只能调低",
            3,
            50,
            "ORG-BRANCH-MIN",
            "max_members",
            "50",
        ),
        SettingDef {
            key: DUES_ROUNDING,
            label: "党费计算精度",
            help: "全国性规定未明确（rules.md §5 待核实），默认计算到分；印在使用该设置的台账上",
            value: ValueKind::Choice {
                options: &[("fen", "计算到分"), ("jiao", "计算到角"), ("yuan", "计算到元")]
            },
            effect: Effect::Plain,
            default: "fen",
        },
        SettingDef {
            key: DUES_ROUNDING_MODE,
            label: "党费取整方式",
            help: "不足一个计算单位的部分如何处理；默认四舍五入",
            value: ValueKind::Choice { options: &[("half_up", "四舍五入"), ("up", "向上取整")] },
            effect: Effect::Plain,
            default: "half_up",
        },
        SettingDef {
            key: DUES_AFTER_TAX,
            label: "党费基数“税后”的含义",
            help: "中组部答复为只扣除个人所得税；部分地方还扣除社会保险和住房公积金（rules.md §5）",
            value: ValueKind::Choice {
                options: &[
                    ("income_tax", "扣除个人所得税"),
                    ("income_tax_and_insurance", "扣除个人所得税、社会保险和住房公积金"),
                ],
            },
            effect: Effect::Plain,
            default: "income_tax",
        },
        SettingDef {
            key: DUES_RETAIN_PERCENT,
            label: "党费留存比例（%）",
            help: "本组织留存的党费比例，由省级党委确定（DUES-RETAIN）；其余上缴上级。未设定时按全部上缴计算",
            value: ValueKind::Count { min: 0, max: 100 },
            effect: Effect::Plain,
            default: "0",
        },
        SettingDef {
            key: DUES_PUBLISH_BY_MONTH,
            label: "上年度党费收缴情况公布截止月份",
            help: "党支部每年向党员公布一次党费收缴情况（DUES-PUBLISH）；默认次年3月底前公布上年度情况",
            value: ValueKind::Count { min: 1, max: 12 },
            effect: Effect::Plain,
            default: "3",
        },
        SettingDef {
            key: DUES_ARREARS_WARNING_MONTHS,
            label: "欠缴党费提醒月数",
            help: "连续欠缴达到该月数时提醒党员和支部（连续6个月视为自行脱党，CON-LAPSE）",
            value: ValueKind::Count { min: 1, max: 5 },
            effect: Effect::Plain,
            default: "3",
        },
        SettingDef {
            key: POL_BIRTHDAY_LIST,
            label: "列出当月政治生日（POL-BIRTHDAY）",
            help: "地方做法（rules.md §12）：开启后，党支部页面和主题党日的记录页列出入党纪念日在当月的党员，逢十周年标出",
            value: ValueKind::Switch,
            effect: Effect::Plain,
            default: "off",
        },
        SettingDef {
            key: TRANSFER_LETTER_VALID_DAYS,
            label: "组织关系介绍信有效期（天）",
            help: "全国性规定未明确，各地做法不一（rules.md §6）；设定后开具介绍信时自动填入，0 表示不预填、开具时填写",
            value: ValueKind::Count { min: 0, max: 366 },
            effect: Effect::Plain,
            default: "0",
        },
        SettingDef {
            key: ELECTION_MAJORITY_BASE,
            label: "选举当选票数基数",
            help: "全国性规定以实到会有选举权的党员为基数（EL-ELECTED）；地方可规定以应到会为基数",
            value: ValueKind::Choice { options: &[("present", "实到会人数"), ("expected", "应到会人数")] },
            effect: Effect::Plain,
            default: "present",
        },
        SettingDef {
            key: CALENDAR_HOLIDAYS,
            label: "法定节假日",
            help: "按工作日计算的期限（如发展党员公示，DEV-L-PUBLICITY）不计入的日期，如 2026-10-01..2026-10-07、2027-01-01；未设定时周一至周五为工作日",
            value: ValueKind::Days,
            effect: Effect::Plain,
            default: "",
        },
        SettingDef {
            key: CALENDAR_WORKDAYS,
            label: "调休上班日",
            help: "按工作日计算时计入的周末日期，如 2026-10-10",
            value: ValueKind::Days,
            effect: Effect::Plain,
            default: "",
        },
        SettingDef {
            key: SANZHONG_LARGE_SUM_YUAN,
            label: "“三重一大”大额资金标准（元）",
            help: "达到该金额的资金使用属于大额（SANZHONG-YIDA），须经委员会会议集体决定；0 表示未设定，登记的每笔资金都按大额对待",
            value: ValueKind::Count { min: 0, max: 1_000_000_000 },
            effect: Effect::Plain,
            default: "0",
        },
        SettingDef {
            key: STUDY_GROUP_PERIOD,
            label: "中心组学习频次",
            help: "启用“中心组定期学习”（STUDY-GROUP，地方规定）后，理论学习中心组在每个周期内至少集体学习1次；默认每两个月",
            value: ValueKind::Choice {
                options: &[("month", "每月"), ("two_months", "每两个月"), ("quarter", "每季度")]
            },
            effect: Effect::Plain,
            default: "two_months",
        },
        SettingDef {
            key: SZK_SEMESTERS,
            label: "学期（校历）",
            help: "思政课每学期的要求（SZK-LECTURE）按此判断，如 2026-02-24..2026-07-09、2026-09-01..2027-01-22；未设定时按秋季学期9月1日至次年1月31日、春季学期2月1日至7月31日",
            value: ValueKind::Semesters,
            effect: Effect::Plain,
            default: "",
        },
        SettingDef {
            key: IDEOLOGY_SENSITIVE_DAYS,
            label: "敏感时间节点",
            help: "在这些日期举办的报告会、研讨会、讲座、论坛、展览等活动须事先经审批并登记审批情况（IDEOLOGY-RESP，地方规定），如 2026-06-01..2026-06-05、2026-10-01",
            value: ValueKind::Days,
            effect: Effect::Plain,
            default: "",
        },
        SettingDef {
            key: INSPECTION_SAMPLE_PERCENT,
            label: "年度抽查党支部比例（%）",
            help: "督查抽查的党支部占比，由党委确定",
            value: ValueKind::Count { min: 1, max: 100 },
            effect: Effect::Plain,
            default: "10",
        },
    ]);
    out
}

/// The ID and citation of a local rule set's first rule, for refusals naming it.
fn first<C: RuleCheck>(rules: Option<Vec<Rule<C>>>) -> Option<(&'static str, &'static str)> {
    rules.and_then(|r| r.into_iter().next()).map(|r| (r.id, r.citation))
}

/// The key of a local rule set's switch: "rule_set.党课每季度1次".
pub fn rule_set_key(name: &'static str) -> &'static str {
    match name {
        org_life::LOCAL_QUARTERLY_LESSON => "rule_set.党课每季度1次",
        // The key predates the period setting, when the set was named for its two months.
        org_life::LOCAL_STUDY_GROUP => "rule_set.中心组每两个月学习1次",
        org_life::LOCAL_FIRST_TOPIC => "rule_set.第一议题制度",
        org_life::LOCAL_IDEOLOGY_LESSON => "rule_set.思政课每学期1次",
        org_life::LOCAL_IDEOLOGY_STUDY => "rule_set.意识形态工作每年专题研究2次",
        recruitment::LOCAL_PRACTICE => "rule_set.发展党员地方规程",
        study::POST_HOLDER_HOURS => "rule_set.书记和委员每年56学时",
        _ => "rule_set.unknown",
    }
}

/// The setting of `key`.
pub fn def(key: &str) -> Option<SettingDef> {
    catalogue().into_iter().find(|d| d.key == key)
}

/// A setting made at one org, from a date; `value` empty means cleared (back to what is inherited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingChange {
    pub org_id: i64,
    pub org_path: String,
    /// The committee's name, for findings ("某党委设定").
    pub org_name: String,
    pub key: String,
    pub value: String,
    pub from: NaiveDate,
    /// Later changes of the same org, key and date replace earlier ones.
    pub seq: i64,
}

/// Why a setting value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error("没有这项设置")]
    Unknown,
    #[error("取值无效：{0}")]
    Invalid(String),
    /// Loosens a rule (national, or as tightened above): names the rule.
    #[error("{message}")]
    Loosens { rule_id: &'static str, citation: &'static str, message: String },
}

/// Checks a value's form against its setting.
pub fn check_value(def: &SettingDef, value: &str) -> Result<(), SettingError> {
    if value.is_empty() {
        return Ok(());
    }
    match def.value {
        ValueKind::Switch if matches!(value, "on" | "off") => Ok(()),
        ValueKind::Switch => Err(SettingError::Invalid("应为“启用”或“停用”".into())),
        ValueKind::Count { min, max } => match value.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Ok(()),
            _ => Err(SettingError::Invalid(format!("应为{min}至{max}之间的整数"))),
        },
        ValueKind::Choice { options } if options.iter().any(|(v, _)| *v == value) => Ok(()),
        ValueKind::Choice { .. } => Err(SettingError::Invalid("不是可选的值".into())),
        ValueKind::Days => crate::calendar::parse_days(value).map(|_| ()).map_err(SettingError::Invalid),
        ValueKind::Semesters => crate::semester::parse_semesters(value).map(|_| ()).map_err(SettingError::Invalid),
    }
}

/// The changes of `key` at one org in force on `day`: the latest dated on or before it.
fn at_org<'a>(
    changes: &'a [&'a SettingChange],
    org_path: &str,
    key: &str,
    day: NaiveDate,
) -> Option<&'a SettingChange> {
    changes
        .iter()
        .copied()
        .filter(|c| c.org_path == org_path && c.key == key && c.from <= day)
        .max_by_key(|c| (c.from, c.seq))
        .filter(|c| !c.value.is_empty())
}

/// The changes that reach `org_path`: those made at it or above.
pub fn reaching<'a>(changes: &'a [SettingChange], org_path: &str) -> Vec<&'a SettingChange> {
    changes.iter().filter(|c| org_path.starts_with(&c.org_path)).collect()
}

/// The value of a setting in force for the org at `org_path` on `day`, from the changes that
/// reach it, and the change it comes from (`None`: the default). Local rule sets: on when some
/// org at or above has it on. Parameters: the strictest value set at or above. Plain settings: the
/// value set nearest the org.
pub fn value_on<'a>(
    def: &SettingDef,
    changes: &'a [&'a SettingChange],
    org_path: &str,
    day: NaiveDate,
) -> Option<&'a SettingChange> {
    let mut paths: Vec<&str> = changes.iter().filter(|c| c.key == def.key).map(|c| c.org_path.as_str()).collect();
    paths.sort_unstable_by_key(|p| std::cmp::Reverse(p.len()));
    paths.dedup();
    let current: Vec<&SettingChange> =
        paths.iter().filter(|p| org_path.starts_with(**p)).filter_map(|p| at_org(changes, p, def.key, day)).collect();
    match def.effect {
        Effect::RuleSet { .. } => current.into_iter().filter(|c| c.value == "on").min_by_key(|c| c.org_path.len()),
        Effect::Param { rule_id, param } => current.into_iter().reduce(|a, b| {
            let (va, vb) = (a.value.parse::<u32>().unwrap_or(0), b.value.parse::<u32>().unwrap_or(0));
            if stricter(rule_id, param, vb, va) { b } else { a }
        }),
        Effect::Plain => current.into_iter().next(),
    }
}

/// Whether value `a` of a rule parameter is strictly stricter than `b`. Counts and reminders are
/// stricter when higher; a ceiling on members when lower.
fn stricter(rule_id: &str, param: &str, a: u32, b: u32) -> bool {
    match (rule_id, param) {
        ("ORG-BRANCH-MIN", "max_members") | ("REPORT-ONE-MATTER", "days") => a < b,
        _ => a > b,
    }
}

/// The rule of a parameter setting, with the parameter set to `value`, if it exists.
fn tightened<C: RuleCheck>(set: &RuleSet<C>, rule_id: &str, param: &str, value: u32) -> Option<Rule<C>> {
    let rule = set.get(rule_id)?;
    let check = rule.check.with_param(param, value)?;
    Some(Rule { check, ..rule.clone() })
}

/// Applies one parameter setting to whichever family has the rule; a looser value is refused with
/// the rule's ID.
fn apply_param(
    rules: &mut Rules,
    rule_id: &'static str,
    param: &str,
    change: &SettingChange,
) -> Result<(), RuleSetError> {
    let value: u32 =
        change.value.parse().map_err(|_| RuleSetError::Malformed { id: rule_id, reason: "参数应为整数" })?;
    let source = RuleSource::Setting { committee: change.org_name.clone(), from: change.from };
    if let Some(r) = tightened(&rules.structure, rule_id, param, value) {
        rules.structure = rules.structure.tighten(&[Rule { source, ..r }])?;
    } else if let Some(r) = tightened(&rules.org_life, rule_id, param, value) {
        rules.org_life = rules.org_life.tighten(&[Rule { source, ..r }])?;
    } else if let Some(r) = tightened(&rules.study, rule_id, param, value) {
        rules.study = rules.study.tighten(&[Rule { source, ..r }])?;
    }
    Ok(())
}

/// The rules in force on `day` for the org at `org_path`, given the changes that reach it.
pub fn rules_on(changes: &[&SettingChange], org_path: &str, day: NaiveDate) -> Result<Rules, RuleSetError> {
    let mut rules = Rules::national();
    for def in catalogue() {
        let Some(change) = value_on(&def, changes, org_path, day) else { continue };
        match def.effect {
            Effect::RuleSet { name, .. } => {
                if name == org_life::LOCAL_STUDY_GROUP {
                    // The committee chooses how often its study group meets.
                    let local = org_life::local_study_group(study_group_period_on(changes, org_path, day)?);
                    rules.org_life = rules.org_life.tighten(&local)?;
                } else if name == org_life::LOCAL_IDEOLOGY_LESSON {
                    // The rule judges the semesters of the committee's calendar.
                    let local = org_life::local_ideology_lesson(semesters_on(changes, org_path, day)?);
                    rules.org_life = rules.org_life.tighten(&local)?;
                } else if let Some(local) = org_life::local_rule_set(name) {
                    rules.org_life = rules.org_life.tighten(&local)?;
                }
                if let Some(local) = recruitment::local_rule_set(name) {
                    rules.recruitment = rules.recruitment.tighten(&local)?;
                }
                if let Some(local) = study::local_rule_set(name) {
                    rules.study = rules.study.tighten(&local)?;
                }
            }
            Effect::Param { rule_id, param } => apply_param(&mut rules, rule_id, param, change)?,
            Effect::Plain => {}
        }
    }
    rules.dues_settings = dues::DatedSettings::of(vec![(day, dues_settings_on(changes, org_path, day))]);
    Ok(rules)
}

/// The rules in force for the org at `org_path` over time, from the changes that reach it: one
/// version of a rule per window between the dates of those changes.
pub fn rules_for(changes: &[&SettingChange], org_path: &str) -> Result<Rules, RuleSetError> {
    let mut days: Vec<NaiveDate> = changes.iter().map(|c| c.from).collect();
    days.sort_unstable();
    days.dedup();
    if days.is_empty() {
        return Ok(Rules::national());
    }
    let mut structure_windows = Vec::new();
    let mut life_windows = Vec::new();
    let mut dues_windows = Vec::new();
    let mut lifecycle_windows = Vec::new();
    let mut recruitment_windows = Vec::new();
    let mut study_windows = Vec::new();
    let mut coverage_windows = Vec::new();
    let mut dues_settings = Vec::new();
    let mut starts: Vec<Option<NaiveDate>> = vec![None];
    starts.extend(days.iter().copied().map(Some));
    for (i, start) in starts.iter().enumerate() {
        let until = starts.get(i + 1).copied().flatten();
        let day = start.unwrap_or(NaiveDate::MIN);
        let rules = rules_on(changes, org_path, day)?;
        structure_windows.push((*start, until, rules.structure));
        life_windows.push((*start, until, rules.org_life));
        dues_windows.push((*start, until, rules.dues));
        lifecycle_windows.push((*start, until, rules.lifecycle));
        recruitment_windows.push((*start, until, rules.recruitment));
        study_windows.push((*start, until, rules.study));
        coverage_windows.push((*start, until, rules.coverage));
        dues_settings.push((day, dues_settings_on(changes, org_path, day)));
    }
    Ok(Rules {
        structure: RuleSet::from_windows(structure_windows),
        org_life: RuleSet::from_windows(life_windows),
        dues: RuleSet::from_windows(dues_windows),
        lifecycle: RuleSet::from_windows(lifecycle_windows),
        recruitment: RuleSet::from_windows(recruitment_windows),
        study: RuleSet::from_windows(study_windows),
        coverage: RuleSet::from_windows(coverage_windows),
        dues_settings: dues::DatedSettings::of(dues_settings),
    })
}

/// Checks that `value` for `key` at the org at `org_path` from `from` does not loosen a rule:
/// neither the national rule nor what the orgs above set. `changes` are those reaching the org.
pub fn check_tightening(
    def: &SettingDef,
    value: &str,
    changes: &[&SettingChange],
    org_path: &str,
    from: NaiveDate,
) -> Result<(), SettingError> {
    // A parameter looser than the national rule is a refusal by that rule, whatever its range.
    if !matches!(def.effect, Effect::Param { .. }) {
        check_value(def, value)?;
    }
    let above: Vec<&SettingChange> = changes.iter().copied().filter(|c| c.org_path != org_path).collect();
    let inherited = value_on(def, &above, org_path, from);
    match def.effect {
        Effect::RuleSet { name, .. } => {
            if value != "on" && inherited.is_some() {
                let (rule_id, citation) = first(org_life::local_rule_set(name))
                    .or_else(|| first(recruitment::local_rule_set(name)))
                    .or_else(|| first(study::local_rule_set(name)))
                    .unwrap_or(("", ""));
                return Err(SettingError::Loosens {
                    rule_id,
                    citation,
                    message: format!(
                        "上级党组织（{}）已启用“{name}”，下级不得停用",
                        inherited.map(|c| c.org_name.as_str()).unwrap_or_default()
                    ),
                });
            }
            Ok(())
        }
        Effect::Param { rule_id, param } => {
            if value.is_empty() {
                return Ok(());
            }
            let national = Rules::national();
            let info = national.info(rule_id);
            let (citation, title) = info.as_ref().map(|i| (i.citation, i.title)).unwrap_or(("", ""));
            let n: u32 = value.parse().map_err(|_| SettingError::Invalid("应为整数".into()))?;
            let default: u32 = def.default.parse().unwrap_or(0);
            if stricter(rule_id, param, default, n) {
                return Err(SettingError::Loosens {
                    rule_id,
                    citation,
                    message: format!("不得放宽{rule_id}（{title}）：全国性规定为{default}，只能设定得更严"),
                });
            }
            if let Some(up) = inherited
                && let Ok(v) = up.value.parse::<u32>()
                && stricter(rule_id, param, v, n)
            {
                return Err(SettingError::Loosens {
                    rule_id,
                    citation,
                    message: format!("不得放宽{rule_id}：上级党组织（{}）已设定为{v}，只能设定得更严", up.org_name),
                });
            }
            check_value(def, value)
        }
        Effect::Plain => Ok(()),
    }
}

/// The value of a plain setting for an org on a day (the default when nobody set it).
pub fn plain_value(key: &str, changes: &[&SettingChange], org_path: &str, day: NaiveDate) -> Option<String> {
    let def = def(key)?;
    Some(value_on(&def, changes, org_path, day).map_or_else(|| def.default.to_string(), |c| c.value.clone()))
}

/// The dues settings in force for the org at `org_path` on `day` (the defaults for what nobody
/// set).
/// The working-day calendar the org's committees keep, in force on `day`; a value that no longer
/// reads (it was checked when set) is an error naming the setting.
pub fn work_calendar_on(
    changes: &[&SettingChange],
    org_path: &str,
    day: NaiveDate,
) -> Result<crate::calendar::WorkCalendar, String> {
    let holidays = plain_value(CALENDAR_HOLIDAYS, changes, org_path, day).unwrap_or_default();
    let workdays = plain_value(CALENDAR_WORKDAYS, changes, org_path, day).unwrap_or_default();
    crate::calendar::WorkCalendar::new(&holidays, &workdays)
        .map_err(|e| format!("{CALENDAR_HOLIDAYS}/{CALENDAR_WORKDAYS}: {e}"))
}

/// The large sum of 三重一大 in force for the org on `day` (None: not set).
pub fn large_sum_on(changes: &[&SettingChange], org_path: &str, day: NaiveDate) -> Option<crate::money::Fen> {
    plain_value(SANZHONG_LARGE_SUM_YUAN, changes, org_path, day)
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|y| *y > 0)
        .and_then(crate::money::Fen::yuan)
}

/// The semester calendar the org's committees keep, in force on `day` (empty: the usual one). A
/// stored value that no longer reads (it was checked when set) is an error naming the setting.
pub fn semesters_on(
    changes: &[&SettingChange],
    org_path: &str,
    day: NaiveDate,
) -> Result<Vec<crate::semester::Semester>, RuleSetError> {
    let value = plain_value(SZK_SEMESTERS, changes, org_path, day).unwrap_or_default();
    crate::semester::parse_semesters(&value)
        .map_err(|_| RuleSetError::Malformed {
            id: "SZK-LECTURE", reason: "设置“szk.semesters”（学期）无法读取"
        })
}

/// The sensitive days the org's committees mark, as set on `day` (IDEOLOGY-RESP). A stored value
/// that no longer reads (it was checked when set) is an error naming the setting.
pub fn sensitive_days_on(
    changes: &[&SettingChange],
    org_path: &str,
    day: NaiveDate,
) -> Result<std::collections::BTreeSet<NaiveDate>, RuleSetError> {
    let value = plain_value(IDEOLOGY_SENSITIVE_DAYS, changes, org_path, day).unwrap_or_default();
    crate::calendar::parse_days(&value).map_err(|_| RuleSetError::Malformed {
        id: "IDEOLOGY-RESP",
        reason: "设置“ideology.sensitive_days”（敏感时间节点）无法读取",
    })
}

/// The period of the study group's sessions in force on `day` (STUDY-GROUP). A stored value that
/// no longer reads (it was checked when set) is an error naming the setting.
pub fn study_group_period_on(
    changes: &[&SettingChange],
    org_path: &str,
    day: NaiveDate,
) -> Result<crate::period::PeriodKind, RuleSetError> {
    use crate::period::PeriodKind;
    match plain_value(STUDY_GROUP_PERIOD, changes, org_path, day).as_deref() {
        Some("month") => Ok(PeriodKind::Month),
        Some("two_months") | None => Ok(PeriodKind::TwoMonths),
        Some("quarter") => Ok(PeriodKind::Quarter),
        Some(_) => Err(RuleSetError::Malformed {
            id: "STUDY-GROUP",
            reason: "设置“study_group.period”（中心组学习频次）无法读取",
        }),
    }
}

/// Whether the org's committees list political birthdays (POL-BIRTHDAY), on `day`.
pub fn pol_birthdays_listed_on(changes: &[&SettingChange], org_path: &str, day: NaiveDate) -> bool {
    plain_value(POL_BIRTHDAY_LIST, changes, org_path, day).is_some_and(|v| v == "on")
}

/// The transfer letter validity the org's committees set, in force on `day` (None: not set).
pub fn letter_valid_days_on(changes: &[&SettingChange], org_path: &str, day: NaiveDate) -> Option<u32> {
    plain_value(TRANSFER_LETTER_VALID_DAYS, changes, org_path, day)
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|d| *d > 0)
}

pub fn dues_settings_on(changes: &[&SettingChange], org_path: &str, day: NaiveDate) -> dues::DuesSettings {
    // Every stored value passed `check_value` when it was set; the defaults stand only for a
    // setting nobody made.
    let value = |key| plain_value(key, changes, org_path, day).unwrap_or_default();
    let d = dues::DuesSettings::default();
    dues::DuesSettings {
        precision: dues::Precision::parse(&value(DUES_ROUNDING)).unwrap_or(d.precision),
        mode: dues::RoundingMode::parse(&value(DUES_ROUNDING_MODE)).unwrap_or(d.mode),
        after_tax: dues::AfterTax::parse(&value(DUES_AFTER_TAX)).unwrap_or(d.after_tax),
        warn_months: value(DUES_ARREARS_WARNING_MONTHS).parse().unwrap_or(d.warn_months),
        publish_by_month: value(DUES_PUBLISH_BY_MONTH).parse().unwrap_or(d.publish_by_month),
        retain_percent: value(DUES_RETAIN_PERCENT).parse().unwrap_or(d.retain_percent),
    }
}
