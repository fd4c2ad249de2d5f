//! The dues family (党费): what a member owes each month, what counts as arrears, and which
//! payments and spending the regulation refuses. Rules of rules.md §5 (《关于中国共产党党费收缴、
//! 使用和管理的规定》, 中组发〔2008〕3号) and CON-LAPSE's dues condition.
//!
//! | ID | check | where |
//! |---|---|---|
//! | DUES-EMPLOYED-BRACKETS, DUES-WHOLE-AMOUNT | one rate on the whole base: 0.5 / 1 / 1.5 / 2 % | [`quote`] |
//! | DUES-RETIREE | pensions: 0.5 / 1 % | [`quote`] |
//! | DUES-FLAT | farmers 0.2–1 yuan, students, unemployed, relief 0.2 yuan | [`quote`] |
//! | DUES-BASE, DUES-ANNUAL-SALARY, DUES-SELF-EMPLOYED, DUES-CHANGE | what the base is, from which month | [`statement`] |
//! | DUES-PROBATIONARY | dues from the month of the admitting 支部大会 | [`statement`] |
//! | DUES-HARDSHIP | less or nothing, studied by the branch, approved above | [`statement`] |
//! | DUES-ARREARS | N months unpaid: warning; 6: violation (自行脱党 review) | [`statement::evaluate`] |
//! | DUES-PERIOD, DUES-ORG-NO-PREPAY, DUES-VOLUNTARY | refused or marked payments | [`payment`] |
//! | DUES-PUBLISH | the branch publishes last year's collection by the committee's date | [`evaluate_publication`] |
//!
//! The amounts are integer fen ([`Fen`]). The committee settings a due depends on (rounding, what
//! "税后" deducts) are [`DuesSettings`], resolved by the caller for the month concerned.

/// A code list of the dues records (payment kinds, methods, payers; account entries and
/// purposes): stable identifiers, Chinese labels, `parse` of either, and `StoredCode`.
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$vdoc:meta])* $v:ident => $id:literal, $label:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name { $($(#[$vdoc])* $v),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$v),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $id),* }
            }

            pub fn label(self) -> &'static str {
                match self { $(Self::$v => $label),* }
            }

            /// The identifier or the Chinese label.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == s || v.label() == s)
            }
        }

        impl $crate::codes::StoredCode for $name {
            const WHAT: &'static str = $what;
            fn values() -> &'static [Self] {
                Self::ALL
            }
            fn code(self) -> &'static str {
                self.as_str()
            }
        }
    };
}

pub mod account;
pub mod payment;
pub mod quote;
pub mod statement;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::codes::DuesCategory;
use crate::findings::{Finding, FixLink, When, pages};
use crate::money::Fen;
use crate::org::OrgKind;
use crate::period::{Period, PeriodKind};
use crate::rules::{Applicability, FamilyId, Loosening, Param, Rule, RuleCheck, RuleSet, Severity, Weaker};

pub use quote::{Quote, QuoteError, quote};
pub use statement::month_label;

pub const FAMILY: FamilyId = FamilyId { id: "dues", label: "党费" };

/// The regulation's name, for citations.
pub const REGULATION: &str = "《关于中国共产党党费收缴、使用和管理的规定》";

/// One bracket of a rate table: bases up to `up_to` (inclusive; `None`: no ceiling) pay `rate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bracket {
    pub up_to: Option<Fen>,
    pub rate: Rate,
}

/// A flat amount between `min` and `max` a month (the member chooses within it) for `categories`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlatGroup {
    pub categories: Vec<DuesCategory>,
    pub min: Fen,
    pub max: Fen,
}

/// A rate in basis points (万分之): 0.5 % is 50.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Rate(pub u32);

impl Rate {
    /// "0.5%", "1%", "1.5%".
    pub fn label(self) -> String {
        let whole = self.0 / 100;
        let frac = self.0 % 100;
        if frac == 0 {
            format!("{whole}%")
        } else if frac.is_multiple_of(10) {
            format!("{whole}.{}%", frac / 10)
        } else {
            format!("{whole}.{frac:02}%")
        }
    }
}

/// Which of the write-time duties a [`Check::Duty`] rule states: the payment, spending and base
/// rules the services enforce when a record is entered, listed in the catalogue like the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    /// DUES-BASE: after-tax regular pay.
    Base,
    /// DUES-ANNUAL-SALARY.
    AnnualSalary,
    /// DUES-SELF-EMPLOYED.
    SelfEmployed,
    /// DUES-WHOLE-AMOUNT: one rate on the whole base.
    WholeAmount,
    /// DUES-CHANGE: a new base applies from the month the new pay is first received.
    Change,
    /// DUES-HARDSHIP.
    Hardship,
    /// DUES-PROBATIONARY.
    Probationary,
    /// DUES-WHERE: paid to the branch holding the membership relation.
    Where,
    /// DUES-ORG-NO-PREPAY.
    NoOrgPrepay,
    /// DUES-USE-PRINCIPLE.
    UsePrinciple,
    /// DUES-USE: the five purposes.
    Use,
    /// DUES-COLLECTIVE.
    Collective,
    /// DUES-ACCOUNT.
    Account,
    /// DUES-REPORT.
    Report,
    /// DUES-RETAIN.
    Retain,
    /// DUES-UPLINE.
    Upline,
}

/// What a dues rule checks, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Check {
    /// A rate table on the whole base for `categories` (DUES-EMPLOYED-BRACKETS, DUES-RETIREE).
    Brackets { categories: Vec<DuesCategory>, brackets: Vec<Bracket> },
    /// Fixed amounts a month (DUES-FLAT), by group of categories.
    Flat { groups: Vec<FlatGroup> },
    /// DUES-ARREARS: `months` consecutive unpaid months are treated as lapsing.
    Arrears { months: u32 },
    /// DUES-PERIOD: back payment covers at most `back_months` months (more needs a reason).
    Period { back_months: u32 },
    /// DUES-VOLUNTARY: a single extra payment of `to_centre` or more goes to the Centre.
    Voluntary { to_centre: Fen },
    /// DUES-PUBLISH: the branch publishes collection to its members once a year.
    Publish,
    /// A duty enforced when records are entered.
    Duty { duty: Duty },
}

impl RuleCheck for Check {
    const FAMILY: FamilyId = FAMILY;

    fn same_kind(&self, other: &Self) -> bool {
        match (self, other) {
            (Check::Duty { duty: a }, Check::Duty { duty: b }) => a == b,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }

    fn same_requirement(&self, other: &Self) -> bool {
        match (self, other) {
            (Check::Brackets { categories: a, .. }, Check::Brackets { categories: b, .. }) => {
                a.iter().any(|c| b.contains(c))
            }
            _ => self.same_kind(other),
        }
    }

    /// The rates are national and fixed; arrears may only be reviewed sooner, back payment only
    /// shortened.
    fn at_least_as_strict(&self, other: &Self) -> Result<(), Weaker> {
        match (self, other) {
            (Check::Arrears { months: l }, Check::Arrears { months: e }) if l > e => {
                Err(Weaker::Loosens(Loosening::Threshold))
            }
            (Check::Period { back_months: l }, Check::Period { back_months: e }) if l > e => {
                Err(Weaker::Loosens(Loosening::Threshold))
            }
            (Check::Brackets { .. }, Check::Brackets { .. })
            | (Check::Flat { .. }, Check::Flat { .. })
            | (Check::Voluntary { .. }, Check::Voluntary { .. })
                if self != other =>
            {
                Err(Weaker::Fixed)
            }
            (l, e) if !l.same_kind(e) => Err(Weaker::Loosens(Loosening::CheckKind)),
            _ => Ok(()),
        }
    }

    fn well_formed(&self) -> Result<(), &'static str> {
        match self {
            Check::Brackets { brackets, .. } => {
                let ceilings: Vec<Fen> = brackets.iter().filter_map(|b| b.up_to).collect();
                if brackets.last().is_none_or(|b| b.up_to.is_some()) {
                    Err("费率表的最后一档应无上限")
                } else if ceilings.windows(2).any(|w| w[0] >= w[1]) {
                    Err("费率表各档上限应递增")
                } else {
                    Ok(())
                }
            }
            Check::Flat { groups } if groups.iter().any(|g| g.min > g.max) => Err("定额上限小于下限"),
            Check::Arrears { months: 0 } | Check::Period { back_months: 0 } => Err("月数应大于0"),
            _ => Ok(()),
        }
    }

    fn params(&self) -> Vec<Param> {
        match self {
            Check::Brackets { brackets, .. } => {
                let table: Vec<String> = brackets
                    .iter()
                    .map(|b| match b.up_to {
                        Some(c) => format!("≤{}元 {}", c, b.rate.label()),
                        None => format!("以上 {}", b.rate.label()),
                    })
                    .collect();
                vec![Param::new("brackets", "费率", table.join("；"))]
            }
            Check::Flat { groups } => groups
                .iter()
                .map(|g| {
                    let who: Vec<&str> = g.categories.iter().map(|c| c.label()).collect();
                    let amount =
                        if g.min == g.max { format!("{}元", g.min) } else { format!("{}至{}元", g.min, g.max) };
                    Param::new("amount", "每月", format!("{}：{amount}", who.join("、")))
                })
                .collect(),
            Check::Arrears { months } => vec![Param::new("months", "连续月数", months)],
            Check::Period { back_months } => vec![Param::new("back_months", "补交最多月数", back_months)],
            Check::Voluntary { to_centre } => vec![Param::new("to_centre", "全额上缴中央（元）", to_centre)],
            Check::Publish | Check::Duty { .. } => Vec::new(),
        }
    }
}

/// Rounding precision of a computed due (rules.md §5 open point; a committee setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Fen,
    Jiao,
    Yuan,
}

impl Precision {
    pub fn parse(s: &str) -> Option<Precision> {
        match s {
            "fen" => Some(Self::Fen),
            "jiao" => Some(Self::Jiao),
            "yuan" => Some(Self::Yuan),
            _ => None,
        }
    }

    /// The step in fen: 1, 10 or 100.
    pub fn step(self) -> i64 {
        match self {
            Self::Fen => 1,
            Self::Jiao => 10,
            Self::Yuan => 100,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Fen => "计算到分",
            Self::Jiao => "计算到角",
            Self::Yuan => "计算到元",
        }
    }
}

/// How a due between two steps is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    HalfUp,
    Up,
}

impl RoundingMode {
    pub fn parse(s: &str) -> Option<RoundingMode> {
        match s {
            "half_up" => Some(Self::HalfUp),
            "up" => Some(Self::Up),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::HalfUp => "四舍五入",
            Self::Up => "向上取整",
        }
    }
}

/// What "税后" deducts from pay for the base (rules.md §5 open point; a committee setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterTax {
    /// Personal income tax only: the 中组部 answer (national reading).
    IncomeTax,
    /// Income tax, social insurance and the housing fund (a local reading).
    IncomeTaxAndInsurance,
}

impl AfterTax {
    pub fn parse(s: &str) -> Option<AfterTax> {
        match s {
            "income_tax" => Some(Self::IncomeTax),
            "income_tax_and_insurance" => Some(Self::IncomeTaxAndInsurance),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::IncomeTax => "扣除个人所得税",
            Self::IncomeTaxAndInsurance => "扣除个人所得税、社会保险和住房公积金",
        }
    }
}

/// The committee settings dues depend on, as in force for the month concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DuesSettings {
    pub precision: Precision,
    pub mode: RoundingMode,
    pub after_tax: AfterTax,
    /// Consecutive unpaid months after which the branch is warned (DUES-ARREARS; default 3).
    pub warn_months: u32,
    /// The month (1–12) of the following year by whose end a branch publishes (DUES-PUBLISH).
    pub publish_by_month: u32,
    /// The share of dues collected the org keeps, in percent (DUES-RETAIN); the rest is remitted.
    pub retain_percent: u32,
}

impl Default for DuesSettings {
    fn default() -> Self {
        DuesSettings {
            precision: Precision::Fen,
            mode: RoundingMode::HalfUp,
            after_tax: AfterTax::IncomeTax,
            warn_months: 3,
            publish_by_month: 3,
            retain_percent: 0,
        }
    }
}

impl DuesSettings {
    /// What the org remits of `collected` fen (DUES-RETAIN): all but its retained share, the
    /// retained share rounded down to the fen.
    pub fn to_remit(&self, collected: i64) -> i64 {
        collected - collected * i64::from(self.retain_percent.min(100)) / 100
    }

    /// "计算到分，四舍五入；税后指扣除个人所得税": what every ledger using a due prints.
    pub fn label(&self) -> String {
        format!("{}，{}；基数“税后”指{}", self.precision.label(), self.mode.label(), self.after_tax.label())
    }
}

/// The dues settings of an org over time: each entry in force from its day until the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatedSettings(Vec<(NaiveDate, DuesSettings)>);

impl Default for DatedSettings {
    fn default() -> Self {
        DatedSettings(vec![(NaiveDate::MIN, DuesSettings::default())])
    }
}

impl DatedSettings {
    /// Settings from the given days on (sorted here).
    pub fn of(mut windows: Vec<(NaiveDate, DuesSettings)>) -> DatedSettings {
        windows.sort_by_key(|(d, _)| *d);
        if windows.is_empty() { DatedSettings::default() } else { DatedSettings(windows) }
    }

    /// The settings in force on `day` (the defaults before the first change).
    pub fn on(&self, day: NaiveDate) -> DuesSettings {
        self.0.iter().rev().find(|(from, _)| *from <= day).map(|(_, s)| *s).unwrap_or_default()
    }
}

/// What the dues family knows of one branch: its members' dues and the years it published.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DuesFacts {
    pub members: Vec<statement::MemberDuesFacts>,
    pub published: Vec<i32>,
}

/// The dues family for one org: DUES-ARREARS for each member, DUES-PUBLISH for the org; and the
/// months each member is in arrears, which CON-LAPSE reads as its dues condition. Members are
/// read from the half-year before the year checked (a run of six may start there) to `as_of`.
pub fn evaluate_org(
    rules: &RuleSet<Check>,
    settings: &DatedSettings,
    org: &crate::family::OrgFacts,
    facts: &DuesFacts,
    when: &When,
) -> (Vec<Finding>, std::collections::BTreeMap<i64, std::collections::BTreeSet<NaiveDate>>) {
    let mut findings = Vec::new();
    let mut unpaid = std::collections::BTreeMap::new();
    if org.kind != OrgKind::Branch {
        return (findings, unpaid);
    }
    let from = NaiveDate::from_ymd_opt(when.year - 1, 7, 1).unwrap_or(NaiveDate::MIN);
    let to = statement::month_of(when.as_of);
    let now = settings.on(when.as_of);
    for m in &facts.members {
        let s = statement::statement(rules, |d| settings.on(d), m, from, to, when.as_of);
        findings.extend(statement::evaluate(rules, &now, org.org_id, &s, when));
        let months: std::collections::BTreeSet<NaiveDate> = s.unpaid_months().collect();
        if !months.is_empty() {
            unpaid.insert(m.member_id, months);
        }
    }
    findings.extend(evaluate_publication(
        rules,
        &now,
        org.org_id,
        org.kind,
        org.established_on,
        &facts.published,
        when,
    ));
    (findings, unpaid)
}

/// The national dues rules, in catalogue order.
pub fn national_rules() -> Vec<Rule<Check>> {
    use DuesCategory as D;
    let branches = || Applicability::kinds(&[OrgKind::Branch]);
    let keeping = || Applicability::kinds(&[OrgKind::Committee, OrgKind::GeneralBranch, OrgKind::Branch]);
    let yuan = |y: i64| Fen::yuan(y).unwrap_or_default();
    let fen = |f: i64| Fen::new(f).unwrap_or_default();
    let art = |n: &str| -> &'static str {
        match n {
            "1" => "《关于中国共产党党费收缴、使用和管理的规定》第一条",
            "2" => "《关于中国共产党党费收缴、使用和管理的规定》第二条",
            "3" => "《关于中国共产党党费收缴、使用和管理的规定》第三条",
            "4" => "《关于中国共产党党费收缴、使用和管理的规定》第四条",
            "5" => "《关于中国共产党党费收缴、使用和管理的规定》第五条",
            "6" => "《关于中国共产党党费收缴、使用和管理的规定》第六条",
            "7" => "《关于中国共产党党费收缴、使用和管理的规定》第七条",
            "8" => "《关于中国共产党党费收缴、使用和管理的规定》第八条",
            "9" => "《关于中国共产党党费收缴、使用和管理的规定》第九条",
            "10" => "《关于中国共产党党费收缴、使用和管理的规定》第十条",
            "11" => "《关于中国共产党党费收缴、使用和管理的规定》第十一条",
            "12" => "《关于中国共产党党费收缴、使用和管理的规定》第十二条",
            "13" => "《关于中国共产党党费收缴、使用和管理的规定》第十三条；《中国共产党章程》第九条",
            "14" => "《关于中国共产党党费收缴、使用和管理的规定》第十四条",
            "15" => "《关于中国共产党党费收缴、使用和管理的规定》第十五条",
            "17" => "《关于中国共产党党费收缴、使用和管理的规定》第十七条、第十八条",
            "19" => "《关于中国共产党党费收缴、使用和管理的规定》第十九条",
            "20" => "《关于中国共产党党费收缴、使用和管理的规定》第二十条、第二十一条",
            "23" => "《关于中国共产党党费收缴、使用和管理的规定》第二十三条、第二十四条",
            "26" => "《关于中国共产党党费收缴、使用和管理的规定》第二十六条",
            "27" => "《关于中国共产党党费收缴、使用和管理的规定》第二十七条",
            _ => "中组部党费问题解答（全额累进）",
        }
    };
    let duty = |id, title, citation, duty| {
        Rule::national(id, title, citation, branches(), Check::Duty { duty }, Severity::Violation)
    };
    let account = |id, title, citation, duty| {
        Rule::national(id, title, citation, keeping(), Check::Duty { duty }, Severity::Violation)
    };
    let employed = vec![D::Employed, D::AnnualSalary, D::SelfEmployed, D::Other];
    vec![
        duty("DUES-BASE", "按月工资收入的党员以税后固定、常规性工资收入为计算基数", art("1"), Duty::Base),
        Rule::national(
            "DUES-EMPLOYED-BRACKETS",
            "在职党员月税后收入3000元以下（含）交纳0.5%，3000至5000元（含）1%，5000至10000元（含）1.5%，10000元以上2%",
            art("2"),
            branches(),
            Check::Brackets {
                categories: employed,
                brackets: vec![
                    Bracket { up_to: Some(yuan(3_000)), rate: Rate(50) },
                    Bracket { up_to: Some(yuan(5_000)), rate: Rate(100) },
                    Bracket { up_to: Some(yuan(10_000)), rate: Rate(150) },
                    Bracket { up_to: None, rate: Rate(200) },
                ],
            },
            Severity::Violation,
        ),
        duty(
            "DUES-WHOLE-AMOUNT",
            "按全额累进：一个比例适用于全部基数（如基数5100元交76.50元）",
            art("Q&A"),
            Duty::WholeAmount,
        ),
        duty("DUES-ANNUAL-SALARY", "实行年薪制的党员以当月实际领取的工资为计算基数", art("3"), Duty::AnnualSalary),
        duty(
            "DUES-SELF-EMPLOYED",
            "没有固定工资收入的党员以上一季度月平均纯收入为计算基数",
            art("4"),
            Duty::SelfEmployed,
        ),
        Rule::national(
            "DUES-RETIREE",
            "离退休党员以实际领取的离退休费总额为基数，5000元以下（含）交纳0.5%，5000元以上1%",
            art("5"),
            branches(),
            Check::Brackets {
                categories: vec![D::Retired],
                brackets: vec![
                    Bracket { up_to: Some(yuan(5_000)), rate: Rate(50) },
                    Bracket { up_to: None, rate: Rate(100) },
                ],
            },
            Severity::Violation,
        ),
        Rule::national(
            "DUES-FLAT",
            "农民党员每月交纳0.2元至1元；学生、下岗失业、依靠抚恤或救济生活、领取最低生活保障的党员每月交纳0.2元",
            art("6"),
            branches(),
            Check::Flat {
                groups: vec![
                    FlatGroup { categories: vec![D::Farmer], min: fen(20), max: yuan(1) },
                    FlatGroup { categories: vec![D::Student, D::Unemployed, D::LowIncome], min: fen(20), max: fen(20) },
                ],
            },
            Severity::Violation,
        ),
        duty("DUES-HARDSHIP", "生活确有困难的党员经支部研究、报上一级党委批准，可少交或免交", art("7"), Duty::Hardship),
        duty("DUES-PROBATIONARY", "预备党员从支部大会通过其为预备党员之日起交纳党费", art("8"), Duty::Probationary),
        duty("DUES-WHERE", "党员向其组织关系所在党支部交纳党费", art("9"), Duty::Where),
        duty("DUES-CHANGE", "工资收入发生变化后，从按新工资标准领取工资的当月起按新基数交纳", art("10"), Duty::Change),
        Rule::national(
            "DUES-VOLUNTARY",
            "党员自愿多交党费不限；一次性自愿多交1000元以上的全部上缴中央",
            art("11"),
            branches(),
            Check::Voluntary { to_centre: yuan(1_000) },
            Severity::Warning,
        ),
        Rule::national(
            "DUES-PERIOD",
            "党员应按月交纳党费；特殊情况经党支部同意可按季度交纳或委托他人代交；补交党费一般不超过6个月",
            art("12"),
            branches(),
            Check::Period { back_months: 6 },
            Severity::Warning,
        ),
        Rule::national(
            "DUES-ARREARS",
            "不按时交纳党费的批评教育并限期改正；无正当理由连续6个月不交纳党费的按自行脱党处理",
            art("13"),
            branches(),
            Check::Arrears { months: 6 },
            Severity::Violation,
        ),
        duty(
            "DUES-ORG-NO-PREPAY",
            "党组织不得替党员垫交党费，不得从工资中扣缴党费，不得要求交纳“特殊党费”",
            art("14"),
            Duty::NoOrgPrepay,
        ),
        account("DUES-UPLINE", "省级党委按实际收缴党费的5%于次年4月底前上缴中央", art("15"), Duty::Upline),
        account("DUES-USE-PRINCIPLE", "党费使用统筹安排、量入为出、收支平衡、略有结余", art("17"), Duty::UsePrinciple),
        account(
            "DUES-USE",
            "党费只用于党的活动：培训党员；订阅或购买党员教育报刊资料、音像制品和设备；表彰先进；补助生活困难党员；补助遭受严重自然灾害的党员和修缮党员教育设施",
            art("19"),
            Duty::Use,
        ),
        account("DUES-COLLECTIVE", "党费的使用和下拨集体研究决定，不得个人或少数人决定", art("20"), Duty::Collective),
        account("DUES-ACCOUNT", "党费设立专户管理，会计和出纳分设，利息归入党费", art("23"), Duty::Account),
        Rule::national(
            "DUES-PUBLISH",
            "党支部每年向党员公布一次党费收缴情况",
            art("26"),
            branches(),
            Check::Publish,
            Severity::Violation,
        ),
        account("DUES-REPORT", "基层党委向党员大会或党员代表大会报告党费收缴、使用和管理情况", art("26"), Duty::Report),
        account("DUES-RETAIN", "地方和基层党委按省级党委确定的比例留存党费", art("27"), Duty::Retain),
    ]
}

/// The national dues rules as a rule set.
pub fn national() -> RuleSet<Check> {
    RuleSet::of(national_rules())
}

/// The rule `id` in force on `day`: refusals name it with its citation.
pub fn rule_on(rules: &RuleSet<Check>, id: &str, day: NaiveDate) -> Option<Rule<Check>> {
    rules.in_force_on(day).find(|r| r.id == id).cloned()
}

/// DUES-PUBLISH for one branch, for the year checked: the year before it must be published to
/// the members by the end of the settings' month of the year checked; before then an upcoming
/// finding within the notice days, after it a violation. `published` are the years whose
/// publication was recorded. A branch that did not exist in that year owes nothing, and nothing
/// is reported before the year checked begins. The finding's period is the year published.
pub fn evaluate_publication(
    rules: &RuleSet<Check>,
    settings: &DuesSettings,
    org_id: i64,
    kind: OrgKind,
    established_on: Option<NaiveDate>,
    published: &[i32],
    when: &When,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let year = when.year - 1;
    let Some(rule) = rules.in_force_on(when.as_of).find(|r| matches!(r.check, Check::Publish)) else {
        return out;
    };
    let Some(begins) = NaiveDate::from_ymd_opt(when.year, 1, 1) else { return out };
    if !rule.applies_to.org_kinds.contains(&kind)
        || published.contains(&year)
        || established_on.is_some_and(|e| e.year() > year)
        || when.as_of < begins
    {
        return out;
    }
    let due = publish_month(when.year, settings.publish_by_month).end();
    let severity = if when.as_of > due {
        Severity::Violation
    } else if when.within_notice(due) {
        Severity::Upcoming
    } else {
        return out;
    };
    let message = if severity == Severity::Violation {
        format!("{year}年度党费收缴情况未在{}前向党员公布", crate::dates::format_cn(due))
    } else {
        format!("{year}年度党费收缴情况应在{}前向党员公布", crate::dates::format_cn(due))
    };
    let fix = FixLink::to(format!("公布{year}年度党费"), pages::DUES_PUBLISH).param("org", org_id).param("year", year);
    let period = Period::containing(PeriodKind::Year, NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(begins));
    out.push(Finding::new(rule, org_id, severity, message).period(period).fix(fix).due(due));
    out
}

/// The month `month` (1–12, clamped) of `year`.
fn publish_month(year: i32, month: u32) -> Period {
    let day = NaiveDate::from_ymd_opt(year, month.clamp(1, 12), 1).unwrap_or(NaiveDate::MIN);
    Period::containing(PeriodKind::Month, day)
}

#[cfg(test)]
mod tests;
