//! The local rule sets of organizational life (rules.md **L**): requirements a committee switches
//! on for its subtree, never national defaults.

use super::Check;
use crate::org::OrgKind;
use crate::org_life::MeetingKind;
use crate::period::PeriodKind;
use crate::rules::{Applicability, Rule, RuleSource, Severity};

/// The name of the local rule set of [`local_quarterly_lesson`].
pub const LOCAL_QUARTERLY_LESSON: &str = "党课每季度1次";

/// A local rule set (rules.md **L**, §11.2): every branch holds a 党课 each quarter. Widely
/// attributed to the 支部工作条例, but not in its text, so it is never a national default; a
/// committee may switch it on for its subtree. Its findings are warnings and name the set.
pub fn local_quarterly_lesson() -> Vec<Rule<Check>> {
    vec![Rule {
        source: RuleSource::Local(LOCAL_QUARTERLY_LESSON.to_string()),
        ..Rule::national(
            "LOCAL-LESSON-QUARTER",
            "党支部每季度至少开展1次党课",
            "地方规定（全国性条例未规定党支部党课的频次）",
            Applicability::kinds(&[OrgKind::Branch]),
            Check::frequency(MeetingKind::PartyLecture, PeriodKind::Quarter, 1),
            Severity::Warning,
        )
    }]
}

/// The name of the local rule set of [`local_study_group`].
pub const LOCAL_STUDY_GROUP: &str = "中心组每两个月学习1次";

/// STUDY-GROUP (rules.md §12, **L**): the committee's theory study group (理论学习中心组) studies
/// together at least once every two months. The 2017 rules' article and figure are unverified
/// and local rules vary (monthly, quarterly), so it is a local rule set a committee switches on.
pub fn local_study_group() -> Vec<Rule<Check>> {
    vec![Rule {
        source: RuleSource::Local(LOCAL_STUDY_GROUP.to_string()),
        ..Rule::national(
            "STUDY-GROUP",
            "党委（党组）理论学习中心组每两个月至少集体学习1次，一般不少于半天",
            "《中国共产党党委（党组）理论学习中心组学习规则》（条文未经核实，地方规定）",
            Applicability::kinds(&[OrgKind::Committee]),
            Check::frequency(MeetingKind::StudyGroupSession, PeriodKind::TwoMonths, 1),
            Severity::Warning,
        )
    }]
}

/// The name of the local rule set of [`local_first_topic`].
pub const LOCAL_FIRST_TOPIC: &str = "第一议题制度";

/// STUDY-FIRST-TOPIC (rules.md §12, **L**, seed 003): a committee meeting opens by studying the
/// latest important speeches and instructions, and its record names what was studied. Switched
/// on by a committee for its subtree; a 委员会会议 record without its 第一议题 is then refused.
pub fn local_first_topic() -> Vec<Rule<Check>> {
    vec![Rule {
        source: RuleSource::Local(LOCAL_FIRST_TOPIC.to_string()),
        ..Rule::national(
            "STUDY-FIRST-TOPIC",
            "委员会会议第一项议题学习习近平总书记最新重要讲话和重要指示批示精神，记录写明学习内容",
            "“第一议题”制度（地方规定）",
            Applicability::kinds(&[OrgKind::Committee, OrgKind::GeneralBranch, OrgKind::Branch]),
            Check::FirstTopic { record: MeetingKind::CommitteeMeeting },
            Severity::Violation,
        )
    }]
}

/// The local rule sets a committee can switch on for its subtree: (name, what it requires).
pub const LOCAL_RULE_SETS: [(&str, &str); 3] = [
    (LOCAL_QUARTERLY_LESSON, "党支部每季度至少开展1次党课（地方规定，比全国性条例更严）"),
    (LOCAL_STUDY_GROUP, "党委理论学习中心组每两个月至少集体学习1次（STUDY-GROUP，地方规定）"),
    (LOCAL_FIRST_TOPIC, "委员会会议记录须写明“第一议题”学习内容，否则不予保存（STUDY-FIRST-TOPIC，地方规定）"),
];

/// The rules of a local rule set by its name.
pub fn local_rule_set(name: &str) -> Option<Vec<Rule<Check>>> {
    match name {
        LOCAL_QUARTERLY_LESSON => Some(local_quarterly_lesson()),
        LOCAL_STUDY_GROUP => Some(local_study_group()),
        LOCAL_FIRST_TOPIC => Some(local_first_topic()),
        _ => None,
    }
}
