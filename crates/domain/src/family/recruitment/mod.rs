//! The recruitment family (发展党员): one person's path from applicant to full member, the 25
//! steps of rules.md §4 (《中国共产党发展党员工作细则》), checked when a step is recorded
//! ([`path::check_step`]) and watched for deadlines ([`deadlines::evaluate`]).
//!
//! | ID | check | where |
//! |---|---|---|
//! | DEV-AGE | an applicant is 18 on the day they apply | [`path::check_step`] |
//! | DEV-TALK | the talk within 1 month of the application | [`path::check_step`], [`deadlines::evaluate`] |
//! | DEV-CONTACT | 1–2 full members as mentors (培养联系人) | [`path::check_step`] |
//! | DEV-HALFYEAR | an activist is assessed every 6 months | [`deadlines::evaluate`] |
//! | DEV-OBJECT | a candidate after at least 1 year as an activist | [`path::check_step`], [`deadlines::evaluate`] |
//! | DEV-INTRODUCERS | 2 full members as sponsors, none under 留党察看 on the day | [`path::check_step`] |
//! | DEV-POLREVIEW | no admission without a passed political review | [`path::check_step`] |
//! | DEV-TRAINING | training of at least 3 days or 24 class hours | [`path::check_step`] |
//! | DEV-PREREVIEW | admission generally not processed for someone leaving within 3 months | [`path::check_step`] |
//! | DEV-ASM-VOTE (and DEV-ASM-QUORUM, a rule of the org_life family) | the assembly: more than half present; yes votes (written ones counted) more than half of those who should attend | [`path::check_step`] |
//! | DEV-APPROVER | only an org that may approve admissions approves | [`path::check_step`] |
//! | DEV-APPROVAL-TIME | approval within 3 months of the assembly (6 in special cases, never more) | [`path::check_step`], [`deadlines::evaluate`] |
//! | DEV-PROBATION | one year from the assembly; one extension of 6–12 months | [`path::probation_end`], [`path::check_extension`], [`deadlines::evaluate`] |
//! | DEV-CONVERT | the confirmation assembly with the admission's quorum and majority | [`path::check_step`] |
//! | DEV-CONVERT-TIME | confirmation approved within 3 months of its assembly | [`path::check_step`], [`deadlines::evaluate`] |
//! | DEV-TRANSFER-PROB | a probationary member transferred in: the discussion may wait up to 6 months | [`deadlines::evaluate`] |
//!
//! | DEV-L-ACTIVIST-WAIT, DEV-L-REVIEW-VALID, DEV-L-PREREVIEW-TIME, DEV-L-ASSEMBLY-TIME, DEV-L-PUBLICITY | the local practice ([`local_rules`], switched on by a committee) | [`path::check_step`], [`deadlines::evaluate`] |
//!
//! A rule worded "一般" (in general) or allowing special cases is a warning at write time, which
//! the step may pass only with a recorded reason; a firm rule refuses the step.

pub mod deadlines;
pub mod path;
pub mod step;

use serde::Serialize;

use crate::org::OrgKind;
use crate::rules::{Applicability, FamilyId, Loosening, Param, Rule, RuleCheck, RuleSet, Severity, Weaker};

pub use path::{PathFacts, StepRecord};
pub use step::{Stage, Step};

pub const FAMILY: FamilyId = FamilyId { id: "recruitment", label: "发展党员" };

/// What a recruitment rule checks, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Check {
    /// DEV-AGE: at least `years` old on the day of the application.
    Age { years: u32 },
    /// DEV-TALK: the talk within `months` of the application.
    Talk { months: u32 },
    /// DEV-CONTACT: `min`–`max` full members as mentors.
    Mentors { min: u32, max: u32 },
    /// DEV-HALFYEAR: an activist is assessed every `months`.
    Assessment { months: u32 },
    /// DEV-OBJECT: at least `years` as an activist before becoming a candidate.
    Cultivation { years: u32 },
    /// DEV-INTRODUCERS: `count` full members, none under 留党察看.
    Sponsors { count: u32 },
    /// DEV-POLREVIEW: a passed review before the branch committee's review.
    PoliticalReview,
    /// DEV-TRAINING: at least `days` days or `hours` class hours.
    Training { days: u32, hours: u32 },
    /// DEV-PREREVIEW: generally not admitted when leaving within `months`.
    PreReview { months: u32 },
    /// DEV-ASM-VOTE: yes votes (written ones counted) exceed half of those who should attend.
    AssemblyVote,
    /// DEV-APPROVER: the approving org may approve admissions.
    Approver,
    /// DEV-APPROVAL-TIME: approved within `months` of the assembly; never after `hard_months`.
    ApprovalTime { months: u32, hard_months: u32 },
    /// DEV-PROBATION: `years` from the assembly; one extension of `min_extension`–`max_extension` months.
    Probation { years: u32, min_extension: u32, max_extension: u32 },
    /// DEV-CONVERT: the confirmation assembly as the admission's.
    Confirmation,
    /// DEV-CONVERT-TIME: confirmation approved within `months` of its assembly.
    ConfirmationTime { months: u32 },
    /// DEV-TRANSFER-PROB: the discussion of a member transferred in may wait `months`.
    TransferPostpone { months: u32 },
    /// DEV-L-ACTIVIST-WAIT (local): an application at least `months` old before its author is made
    /// an activist.
    ActivistWait { months: u32 },
    /// DEV-L-REVIEW-VALID (local): the political review valid `years` up to the admission assembly.
    ReviewValid { years: u32 },
    /// DEV-L-PREREVIEW-TIME (local): the pre-review within `months` of the branch committee's review.
    PreReviewTime { months: u32 },
    /// DEV-L-ASSEMBLY-TIME (local): the admission assembly within `months` of the pre-review.
    AssemblyTime { months: u32 },
    /// DEV-L-PUBLICITY (local): a public notice of at least `working_days` before a person is made
    /// a candidate and before the confirmation is discussed.
    Publicity { working_days: u32 },
    /// A duty of procedure the step records (who decided, the resolution, the oath …): listed in
    /// the catalogue, kept by recording the step.
    Procedure,
}

impl RuleCheck for Check {
    const FAMILY: FamilyId = FAMILY;

    fn same_kind(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// A committee may ask for more, sooner, never less or later.
    fn at_least_as_strict(&self, other: &Self) -> Result<(), Weaker> {
        use Check::*;
        let looser = match (self, other) {
            (Age { years: l }, Age { years: e }) => l < e,
            (Talk { months: l }, Talk { months: e }) => l > e,
            (Assessment { months: l }, Assessment { months: e }) => l > e,
            (Cultivation { years: l }, Cultivation { years: e }) => l < e,
            (Training { days: ld, hours: lh }, Training { days: ed, hours: eh }) => ld < ed || lh < eh,
            (ApprovalTime { months: l, hard_months: lh }, ApprovalTime { months: e, hard_months: eh }) => {
                l > e || lh > eh
            }
            (ConfirmationTime { months: l }, ConfirmationTime { months: e }) => l > e,
            (TransferPostpone { months: l }, TransferPostpone { months: e }) => l > e,
            (ActivistWait { months: l }, ActivistWait { months: e }) => l < e,
            (ReviewValid { years: l }, ReviewValid { years: e }) => l > e,
            (PreReviewTime { months: l }, PreReviewTime { months: e }) => l > e,
            (AssemblyTime { months: l }, AssemblyTime { months: e }) => l > e,
            (Publicity { working_days: l }, Publicity { working_days: e }) => l < e,
            _ => false,
        };
        if looser { Err(Weaker::Loosens(Loosening::Threshold)) } else { Ok(()) }
    }

    fn well_formed(&self) -> Result<(), &'static str> {
        use Check::*;
        match self {
            Talk { months: 0 }
            | Assessment { months: 0 }
            | ConfirmationTime { months: 0 }
            | PreReviewTime { months: 0 }
            | AssemblyTime { months: 0 } => Err("月数应大于0"),
            ReviewValid { years: 0 } => Err("年数应大于0"),
            Publicity { working_days: 0 } => Err("工作日数应大于0"),
            Mentors { min, max } if min > max || *max == 0 => Err("人数范围无效"),
            ApprovalTime { months, hard_months } if months > hard_months || *months == 0 => Err("期限无效"),
            Probation { min_extension, max_extension, .. } if min_extension > max_extension => Err("延长期限无效"),
            _ => Ok(()),
        }
    }

    fn params(&self) -> Vec<Param> {
        use Check::*;
        match self {
            Age { years } => vec![Param::new("years", "年满（周岁）", years)],
            Talk { months } => vec![Param::new("months", "收到申请后谈话期限（月）", months)],
            Mentors { min, max } => vec![Param::new("min", "至少（人）", min), Param::new("max", "至多（人）", max)],
            Assessment { months } => vec![Param::new("months", "考察间隔（月）", months)],
            Cultivation { years } => vec![Param::new("years", "培养教育时间（年）", years)],
            Sponsors { count } => vec![Param::new("count", "入党介绍人（人）", count)],
            Training { days, hours } => {
                vec![Param::new("days", "集中培训（天）", days), Param::new("hours", "或（学时）", hours)]
            }
            PreReview { months } => vec![Param::new("months", "即将离开（月）", months)],
            ApprovalTime { months, hard_months } => {
                vec![
                    Param::new("months", "审批期限（月）", months),
                    Param::new("hard_months", "特殊情况至多（月）", hard_months),
                ]
            }
            Probation { years, min_extension, max_extension } => vec![
                Param::new("years", "预备期（年）", years),
                Param::new("min_extension", "延长至少（月）", min_extension),
                Param::new("max_extension", "延长至多（月）", max_extension),
            ],
            ConfirmationTime { months } => vec![Param::new("months", "转正审批期限（月）", months)],
            TransferPostpone { months } => vec![Param::new("months", "转入后可推迟讨论（月）", months)],
            ActivistWait { months } => vec![Param::new("months", "申请后至少（月）", months)],
            ReviewValid { years } => vec![Param::new("years", "政治审查有效期（年）", years)],
            PreReviewTime { months } => vec![Param::new("months", "支委会审查后预审期限（月）", months)],
            AssemblyTime { months } => vec![Param::new("months", "预审后召开支部大会期限（月）", months)],
            Publicity { working_days } => vec![Param::new("working_days", "公示（工作日）", working_days)],
            PoliticalReview | AssemblyVote | Approver | Confirmation | Procedure => Vec::new(),
        }
    }
}

fn rule(
    id: &'static str,
    title: &'static str,
    citation: &'static str,
    check: Check,
    severity: Severity,
) -> Rule<Check> {
    Rule::national(id, title, citation, Applicability::kinds(&[OrgKind::Branch]), check, severity)
}

/// The national recruitment rules, in the order of rules.md §4.
pub fn national_rules() -> Vec<Rule<Check>> {
    use Check::*;
    use Severity::{Violation, Warning};
    vec![
        rule("DEV-AGE", "年满十八岁方可申请入党", "《中国共产党发展党员工作细则》第五条", Age { years: 18 }, Violation),
        rule(
            "DEV-WHERE",
            "入党申请人一般向工作、学习所在单位党组织提出申请，没有工作、学习单位或所在单位未建立党组织的，向居住地党组织提出",
            "《中国共产党发展党员工作细则》第六条",
            Procedure,
            Warning,
        ),
        rule(
            "DEV-TALK",
            "党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话",
            "《中国共产党发展党员工作细则》第七条",
            Talk { months: 1 },
            Violation,
        ),
        rule(
            "DEV-ACTIVIST",
            "采取党员推荐、群团组织推优等方式产生人选，由支部委员会（不设支部委员会的由支部大会）研究决定入党积极分子，并报上级党委备案",
            "《中国共产党发展党员工作细则》第八条",
            Procedure,
            Violation,
        ),
        rule(
            "DEV-CONTACT",
            "党组织指定一至两名正式党员作入党积极分子的培养联系人",
            "《中国共产党发展党员工作细则》第九条",
            Mentors { min: 1, max: 2 },
            Violation,
        ),
        rule(
            "DEV-HALFYEAR",
            "党支部每半年对入党积极分子进行一次考察",
            "《中国共产党发展党员工作细则》第十一条",
            Assessment { months: 6 },
            Violation,
        ),
        rule(
            "DEV-TRANSFER-ACT",
            "入党积极分子工作、学习单位变动，原党组织及时将培养教育情况等材料转交现单位党组织，培养教育时间可连续计算",
            "《中国共产党发展党员工作细则》第十二条",
            Procedure,
            Violation,
        ),
        rule(
            "DEV-OBJECT",
            "经过一年以上培养教育和考察、基本具备党员条件的入党积极分子，经支部委员会讨论同意并报上级党委备案后，可列为发展对象",
            "《中国共产党发展党员工作细则》第十三条",
            Cultivation { years: 1 },
            Violation,
        ),
        rule(
            "DEV-INTRODUCERS",
            "发展对象应当有两名正式党员作入党介绍人；受留党察看处分、尚未恢复党员权利的党员，不能作入党介绍人",
            "《中国共产党发展党员工作细则》第十四条",
            Sponsors { count: 2 },
            Violation,
        ),
        rule(
            "DEV-POLREVIEW",
            "对发展对象进行政治审查并形成结论性材料；未经政治审查或政治审查不合格的，不能发展入党",
            "《中国共产党发展党员工作细则》第十五条、第十六条",
            PoliticalReview,
            Violation,
        ),
        rule(
            "DEV-TRAINING",
            "对发展对象进行短期集中培训，时间一般不少于三天（或不少于二十四个学时）；未经培训的，除个别特殊情况外，不能发展入党",
            "《中国共产党发展党员工作细则》第十七条",
            Training { days: 3, hours: 24 },
            Warning,
        ),
        rule(
            "DEV-PREREVIEW",
            "基层党委对发展对象进行预审；对三个月内将离开工作、学习单位的发展对象，一般不办理接收预备党员的手续",
            "《中国共产党发展党员工作细则》第十九条",
            PreReview { months: 3 },
            Warning,
        ),
        rule(
            "DEV-ASM-VOTE",
            "采取无记名投票方式表决，赞成人数超过应到会有表决权的正式党员的半数，才能通过；因故不能到会的有表决权的正式党员，在支部大会召开前正式向党支部提出书面意见的，应当统计在票数内",
            "《中国共产党发展党员工作细则》第二十一条",
            AssemblyVote,
            Violation,
        ),
        rule(
            "DEV-RESOLUTION",
            "支部大会决议写明发展对象的主要表现、应到会和实到会有表决权的党员人数、表决结果、通过决议的日期和支部书记签名",
            "《中国共产党发展党员工作细则》第二十二条",
            Procedure,
            Violation,
        ),
        rule(
            "DEV-APPROVER",
            "审批预备党员由党委（含工委）进行；党总支和设在街道、乡镇党委以下的基层党委不能审批，只能审议",
            "《中国共产党发展党员工作细则》第二十三条",
            Approver,
            Violation,
        ),
        rule(
            "DEV-HQ-TALK",
            "党委审批前，应当指派党委委员或组织员同发展对象谈话，并在入党志愿书上填写谈话情况和意见",
            "《中国共产党发展党员工作细则》第二十四条",
            Procedure,
            Violation,
        ),
        rule(
            "DEV-APPROVAL",
            "党委审批应当集体讨论和表决，审批意见写明预备期起止时间",
            "《中国共产党发展党员工作细则》第二十五条",
            Procedure,
            Violation,
        ),
        rule(
            "DEV-APPROVAL-TIME",
            "上级党委对支部大会通过接收的预备党员应当在三个月内审批，并报再上一级党委组织部门备案；遇特殊情况可适当延长审批时间，但不得超过六个月",
            "《中国共产党发展党员工作细则》第二十六条",
            ApprovalTime { months: 3, hard_months: 6 },
            Violation,
        ),
        rule(
            "DEV-OATH",
            "预备党员面向党旗进行入党宣誓，由基层党委或党支部（党总支）组织",
            "《中国共产党发展党员工作细则》第三十条",
            Procedure,
            Violation,
        ),
        rule(
            "DEV-PROBATION",
            "预备期从支部大会通过为预备党员之日起计算，为一年；可以延长一次预备考察期，时间不能少于半年，最长不超过一年",
            "《中国共产党章程》第七条；《中国共产党发展党员工作细则》第三十二条",
            Probation { years: 1, min_extension: 6, max_extension: 12 },
            Violation,
        ),
        rule(
            "DEV-CONVERT",
            "预备党员转正须本人提出书面申请，经支部委员会审查、支部大会讨论（到会和赞成人数同接收预备党员）并报上级党委审批",
            "《中国共产党发展党员工作细则》第三十三条",
            Confirmation,
            Violation,
        ),
        rule(
            "DEV-CONVERT-TIME",
            "上级党委应当在三个月内审批预备党员转正；党龄从预备期满转为正式党员之日算起",
            "《中国共产党发展党员工作细则》第三十四条",
            ConfirmationTime { months: 3 },
            Violation,
        ),
        rule(
            "DEV-TRANSFER-PROB",
            "预备党员转入后，接收党组织可推迟讨论其转正问题，但不超过六个月；转正时间仍从预备期满之日算起",
            "《中国共产党发展党员工作细则》第三十六条",
            TransferPostpone { months: 6 },
            Violation,
        ),
        rule(
            "DEV-ARCHIVE",
            "预备党员转正后，将入党志愿书、入党申请书、政治审查材料、转正申请书和培养教育考察材料等归档",
            "《中国共产党发展党员工作细则》第三十七条",
            Procedure,
            Violation,
        ),
    ]
}

/// The national recruitment rules as a rule set.
pub fn national() -> RuleSet<Check> {
    RuleSet::of(national_rules())
}

/// The name of the local rule set of [`local_rules`].
pub const LOCAL_PRACTICE: &str = "发展党员地方规程";

/// The local rule sets a committee can switch on for its subtree: (name, what it requires).
pub const LOCAL_RULE_SETS: [(&str, &str); 1] = [(
    LOCAL_PRACTICE,
    "递交申请书满6个月方可确定为入党积极分子；政治审查1年内有效；支委会审查后1个月内预审；预审后1个月内召开支部大会；确定发展对象和转正前公示不少于5个工作日（地方规程，比《发展党员工作细则》更严）",
)];

const LOCAL_CITATION: &str = "地方发展党员工作规程（《中国共产党发展党员工作细则》未规定）";

/// The local practice of rules.md §4 (**L**: provincial 规程, not the 细则): never a national
/// default; a committee switches it on for its subtree. Each is a warning: a step against it
/// needs a recorded reason, and its deadlines are findings that name the set.
pub fn local_rules() -> Vec<Rule<Check>> {
    use Check::*;
    let local = |id, title, check| Rule {
        source: crate::rules::RuleSource::Local(LOCAL_PRACTICE.to_string()),
        ..rule(id, title, LOCAL_CITATION, check, Severity::Warning)
    };
    vec![
        local("DEV-L-ACTIVIST-WAIT", "递交入党申请书满6个月后，方可确定为入党积极分子", ActivistWait { months: 6 }),
        local("DEV-L-REVIEW-VALID", "政治审查结论1年内有效，超过的应重新审查", ReviewValid { years: 1 }),
        local("DEV-L-PREREVIEW-TIME", "支部委员会审查后1个月内完成上级党委预审", PreReviewTime { months: 1 }),
        local("DEV-L-ASSEMBLY-TIME", "上级党委预审后1个月内召开支部大会讨论接收", AssemblyTime { months: 1 }),
        local(
            "DEV-L-PUBLICITY",
            "确定发展对象和讨论预备党员转正前，公示不少于5个工作日（节假日按党委设置的工作日历）",
            Publicity { working_days: 5 },
        ),
    ]
}

/// The rules of a local rule set by its name.
pub fn local_rule_set(name: &str) -> Option<Vec<Rule<Check>>> {
    (name == LOCAL_PRACTICE).then(local_rules)
}

#[cfg(test)]
mod tests;
