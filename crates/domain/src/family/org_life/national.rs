//! The national organizational-life rules (rules.md §2, §12), in the order findings are reported.

use super::{Check, Quorum};
use crate::org::OrgKind;
use crate::org_life::{MeetingKind, VotePurpose};
use crate::period::PeriodKind;
use crate::rules::{Applicability, Condition, Rule, RuleSet, Severity};

fn national_rule(
    id: &'static str,
    title: &'static str,
    citation: &'static str,
    applies_to: Applicability,
    check: Check,
    severity: Severity,
) -> Rule<Check> {
    Rule::national(id, title, citation, applies_to, check, severity)
}

/// The national organizational-life rules, in the order findings are reported.
pub fn national_rules() -> Vec<Rule<Check>> {
    use MeetingKind as M;
    use OrgKind::{Branch, Committee, Group};
    use PeriodKind::{Month, Quarter, Year};
    let branch = || Applicability::kinds(&[Branch]);
    let frequency = Check::frequency;
    vec![
        national_rule(
            "MTG-ASSEMBLY",
            "支部党员大会一般每季度召开1次",
            "《中国共产党支部工作条例（试行）》第十一条",
            branch(),
            frequency(M::BranchAssembly, Quarter, 1).with_quorum(Quorum::VoteNeedsHalf),
            Severity::Warning,
        ),
        national_rule(
            "MTG-COMMITTEE",
            "支部委员会会议一般每月召开1次",
            "《中国共产党支部工作条例（试行）》第十二条",
            branch().with(Condition::HasCommittee),
            frequency(M::CommitteeMeeting, Month, 1).with_quorum(Quorum::MeetingNeedsHalf),
            Severity::Warning,
        ),
        national_rule(
            "MTG-GROUP",
            "党小组会一般每月召开1次",
            "《中国共产党支部工作条例（试行）》第十三条",
            Applicability::kinds(&[Group]),
            frequency(M::GroupMeeting, Month, 1),
            Severity::Warning,
        ),
        national_rule(
            "MTG-THEME-DAY",
            "党支部每月开展1次主题党日",
            "《中国共产党支部工作条例（试行）》第十六条；《中国共产党党员教育管理工作条例》第十六条",
            branch(),
            frequency(M::ThemedDay, Month, 1),
            Severity::Violation,
        ),
        national_rule(
            "MTG-ORG-LIFE",
            "每年至少召开1次组织生活会，一般安排在第四季度",
            "《中国共产党支部工作条例（试行）》第十七条",
            branch(),
            Check::Frequency {
                record: M::LifeMeeting,
                period: Year,
                min_count: 1,
                within: Some(4),
                by_secretary: false,
                quorum: None,
            },
            Severity::Violation,
        ),
        national_rule(
            "MTG-EVAL",
            "一般每年开展1次民主评议党员",
            "《中国共产党支部工作条例（试行）》第十八条",
            branch(),
            frequency(M::MemberAppraisal, Year, 1),
            Severity::Warning,
        ),
        national_rule(
            "MTG-TALK",
            "谈心谈话一般每年至少开展1次",
            "《中国共产党支部工作条例（试行）》第十九条",
            branch(),
            frequency(M::Talk, Year, 1),
            Severity::Warning,
        ),
        national_rule(
            "MTG-LESSON",
            "党委书记每年至少讲1次党课",
            "《中国共产党支部工作条例（试行）》第十六条",
            Applicability::kinds(&[Committee]).with(Condition::HasSecretary),
            Check::Frequency {
                record: M::PartyLecture,
                period: Year,
                min_count: 1,
                within: None,
                by_secretary: true,
                quorum: None,
            },
            Severity::Violation,
        ),
        national_rule(
            "DEV-ASM-QUORUM",
            "支部大会讨论接收预备党员（预备党员转正），有表决权的到会人数必须超过应到会有表决权人数的半数",
            "《中国共产党发展党员工作细则》第二十条、第二十五条",
            branch(),
            Check::VoteQuorum { purpose: VotePurpose::Admission },
            Severity::Violation,
        ),
        national_rule(
            "EL-QUORUM",
            "党员大会进行选举，有选举权的到会人数超过应到会人数的五分之四，会议有效",
            "《中国共产党基层组织选举工作条例》（条款序号待核实）",
            branch(),
            Check::VoteQuorum { purpose: VotePurpose::Election },
            Severity::Violation,
        ),
        national_rule(
            "SANZHONG-YIDA",
            "重大决策、重要干部任免、重大项目安排和大额资金使用（“三重一大”）须经委员会会议集体讨论决定",
            crate::major_decision::CITATION,
            Applicability::kinds(&[Committee, OrgKind::GeneralBranch, Branch]),
            Check::CollectiveDecision { record: M::CommitteeMeeting },
            Severity::Violation,
        ),
        national_rule(
            "REPORT-ONE-MATTER",
            "请示一文一事、逐级请示，报告不得夹带请示事项；上级党组织应及时答复请示",
            crate::major_matter_report::CITATION,
            Applicability::kinds(&[Committee, OrgKind::GeneralBranch, Branch]),
            Check::AnswerWithin { days: 30 },
            Severity::Warning,
        ),
        national_rule(
            "CON-LAPSE",
            "连续6个月不参加党的组织生活、不交纳党费或不做党所分配的工作，又无正当理由，视为自行脱党",
            "《中国共产党章程》第九条",
            branch(),
            Check::Lapse { months: 6 },
            Severity::Violation,
        ),
    ]
}

/// The national organizational-life rules as a rule set.
pub fn national() -> RuleSet<Check> {
    RuleSet::of(national_rules())
}
