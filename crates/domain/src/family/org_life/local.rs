//! The local rule sets of organizational life (rules.md **L**): requirements a committee switches
//! on for its subtree, never national defaults.

use super::Check;
use crate::org::OrgKind;
use crate::org_life::MeetingKind;
use crate::period::PeriodKind;
use crate::rules::{Applicability, Condition, Rule, RuleSource, Severity};
use crate::semester::Semester;

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
pub const LOCAL_STUDY_GROUP: &str = "中心组定期学习";

/// The periods a committee may choose for STUDY-GROUP (setting `study_group.period`).
pub const STUDY_GROUP_PERIODS: [PeriodKind; 3] = [PeriodKind::Month, PeriodKind::TwoMonths, PeriodKind::Quarter];

/// STUDY-GROUP (rules.md §12, **L**): the committee's theory study group (理论学习中心组) studies
/// together at least once in every `period`: every two months by default, monthly or quarterly
/// where the committee's setting `study_group.period` says so (local rules vary). The 2017 rules'
/// article and figure are unverified, so it is a local rule set a committee switches on.
pub fn local_study_group(period: PeriodKind) -> Vec<Rule<Check>> {
    let title = match period {
        PeriodKind::Month => "党委（党组）理论学习中心组每月至少集体学习1次，一般不少于半天",
        PeriodKind::Quarter => "党委（党组）理论学习中心组每季度至少集体学习1次，一般不少于半天",
        _ => "党委（党组）理论学习中心组每两个月至少集体学习1次，一般不少于半天",
    };
    let period = match period {
        PeriodKind::Month | PeriodKind::Quarter => period,
        _ => PeriodKind::TwoMonths,
    };
    vec![Rule {
        source: RuleSource::Local(LOCAL_STUDY_GROUP.to_string()),
        ..Rule::national(
            "STUDY-GROUP",
            title,
            "《中国共产党党委（党组）理论学习中心组学习规则》（条文未经核实，地方规定；频次由党委设定）",
            Applicability::kinds(&[OrgKind::Committee]),
            Check::frequency(MeetingKind::StudyGroupSession, period, 1),
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

/// The name of the local rule set of [`local_ideology_lesson`].
pub const LOCAL_IDEOLOGY_LESSON: &str = "思政课每学期1次";

/// SZK-LECTURE (rules.md §12, **L**, seed 003 item 18): in a school, the party secretary and the
/// principal each give at least one 思政课 every semester. The semesters are the committee's
/// calendar (setting `szk.semesters`), filled in by [`crate::settings::rules_on`]; without one the
/// usual calendar stands. Applies to the party orgs of schools with a secretary.
pub fn local_ideology_lesson(semesters: Vec<Semester>) -> Vec<Rule<Check>> {
    vec![Rule {
        source: RuleSource::Local(LOCAL_IDEOLOGY_LESSON.to_string()),
        ..Rule::national(
            "SZK-LECTURE",
            "学校党组织书记、校长每学期至少为师生讲授1次思政课",
            "学校思政课建设有关要求（地方规定；学期由党委设定）",
            Applicability::kinds(&[OrgKind::Committee, OrgKind::GeneralBranch, OrgKind::Branch])
                .with(Condition::InSchool),
            Check::PerSemester { record: MeetingKind::IdeologyLesson, semesters },
            Severity::Warning,
        )
    }]
}

/// The name of the local rule set of [`local_ideology_study`].
pub const LOCAL_IDEOLOGY_STUDY: &str = "意识形态工作每年专题研究2次";

/// IDEOLOGY-RESP (rules.md §12, **L**, seed 003 item 19): under the responsibility system for
/// ideological work, the committee studies ideological work as a topic at least twice a year (the
/// count is a setting that may only rise). The figure is unverified, so it is a local rule set.
pub fn local_ideology_study() -> Vec<Rule<Check>> {
    vec![Rule {
        source: RuleSource::Local(LOCAL_IDEOLOGY_STUDY.to_string()),
        ..Rule::national(
            "IDEOLOGY-RESP",
            "党委（党组）落实意识形态工作责任制，每年至少2次专题研究意识形态工作",
            "意识形态工作责任制有关规定（次数未经核实，地方规定）",
            Applicability::kinds(&[OrgKind::Committee]),
            Check::frequency(MeetingKind::IdeologyStudy, PeriodKind::Year, 2),
            Severity::Warning,
        )
    }]
}

/// The local rule sets a committee can switch on for its subtree: (name, what it requires).
pub const LOCAL_RULE_SETS: [(&str, &str); 5] = [
    (LOCAL_QUARTERLY_LESSON, "党支部每季度至少开展1次党课（地方规定，比全国性条例更严）"),
    (
        LOCAL_STUDY_GROUP,
        "党委理论学习中心组定期集体学习，默认每两个月至少1次，频次见“中心组学习频次”（STUDY-GROUP，地方规定）",
    ),
    (LOCAL_FIRST_TOPIC, "委员会会议记录须写明“第一议题”学习内容，否则不予保存（STUDY-FIRST-TOPIC，地方规定）"),
    (
        LOCAL_IDEOLOGY_LESSON,
        "学校党组织书记、校长每学期各至少讲1次思政课，学期按党委设定的校历（SZK-LECTURE，地方规定）",
    ),
    (LOCAL_IDEOLOGY_STUDY, "党委每年至少2次专题研究意识形态工作（IDEOLOGY-RESP，地方规定，次数可调高）"),
];

/// The rules of a local rule set by its name.
pub fn local_rule_set(name: &str) -> Option<Vec<Rule<Check>>> {
    match name {
        LOCAL_QUARTERLY_LESSON => Some(local_quarterly_lesson()),
        LOCAL_STUDY_GROUP => Some(local_study_group(PeriodKind::TwoMonths)),
        LOCAL_FIRST_TOPIC => Some(local_first_topic()),
        LOCAL_IDEOLOGY_LESSON => Some(local_ideology_lesson(Vec::new())),
        LOCAL_IDEOLOGY_STUDY => Some(local_ideology_study()),
        _ => None,
    }
}
