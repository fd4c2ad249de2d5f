//! 三重一大 (SANZHONG-YIDA, rules.md §12): major decisions, the appointment and removal of
//! important cadres, major project arrangements and the use of large sums are decided collectively
//! at a meeting of the org's committee, never by one person.
//!
//! The register (`major_decision`) records each such matter with the committee meeting that
//! decided it, the votes, and who stepped aside for a conflict of interest (回避). A matter
//! recorded without a meeting, at a meeting of another org, at a meeting that is not a committee
//! meeting, or at one without its quorum (half or more of the committee present, MTG-COMMITTEE),
//! is refused, naming the rule.
//!
//! **Votes.** A matter passes when more than half of the committee members who should take part
//! vote yes: those expected at the meeting less those who stepped aside (they neither vote nor
//! count). The votes cast may not exceed the members present less those who stepped aside.
//!
//! **Large sums.** What counts as large is the committee's setting (`sanzhong.large_sum_yuan`);
//! a sum of the threshold or more is large. The register marks each sum against the threshold in
//! force on the meeting's day; without a threshold every sum recorded is taken as large.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::money::Fen;
use crate::org_life::{MeetingKind, committee_quorum_met, motion_passes};

/// The rule's ID, for refusals.
pub const RULE_ID: &str = "SANZHONG-YIDA";
/// The rule's citation.
pub const CITATION: &str = "中共中央办公厅、国务院办公厅《关于进一步推进国有企业贯彻落实“三重一大”决策制度的意见》（2010）；党委（党组）议事规则";

/// What kind of matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Category {
    /// 重大决策.
    Decision,
    /// 重要干部任免.
    Appointment,
    /// 重大项目安排.
    Project,
    /// 大额资金使用.
    Funds,
}

impl Category {
    pub const ALL: [Category; 4] = [Self::Decision, Self::Appointment, Self::Project, Self::Funds];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Decision => "decision",
            Self::Appointment => "appointment",
            Self::Project => "project",
            Self::Funds => "funds",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Decision => "重大决策",
            Self::Appointment => "重要干部任免",
            Self::Project => "重大项目安排",
            Self::Funds => "大额资金使用",
        }
    }

    /// Accepts the identifier or the label.
    pub fn parse(s: &str) -> Option<Category> {
        let s = s.trim();
        Self::ALL.into_iter().find(|c| c.as_str() == s || c.label() == s)
    }

    /// Whether a matter of this kind states a sum.
    pub fn has_sum(self) -> bool {
        matches!(self, Self::Project | Self::Funds)
    }
}

/// The meeting a matter cites, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingFacts {
    pub org_id: i64,
    pub kind: MeetingKind,
    pub held_on: NaiveDate,
    pub voided: bool,
    /// The committee members expected (应到).
    pub expected: u32,
    /// Those present, by member id.
    pub present: Vec<i64>,
}

/// A matter as typed, with the meeting it cites looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The org whose register it goes into.
    pub org_id: i64,
    pub category: Option<Category>,
    pub title: String,
    /// The sum, for a project or a use of funds.
    pub amount: Option<Fen>,
    /// `None`: no meeting was named, or the one named does not exist.
    pub meeting: Option<MeetingFacts>,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    /// Committee members who stepped aside for a conflict of interest (回避).
    pub recused: Vec<i64>,
}

/// What the register says of a matter accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// More than half of those who should take part voted yes.
    pub passed: bool,
    /// Those who should take part: expected less those who stepped aside.
    pub voters: u32,
}

/// Whether `amount` is a large sum under `threshold` (the threshold or more; every sum when no
/// threshold is set).
pub fn is_large(amount: Fen, threshold: Option<Fen>) -> bool {
    threshold.is_none_or(|t| amount >= t)
}

/// Checks a matter against SANZHONG-YIDA; refusals name the rule on the field that caused them.
pub fn check(draft: &Draft) -> Result<Outcome, FieldErrors> {
    let mut e = FieldErrors::new();
    let refuse = |e: &mut FieldErrors, field: &str, message: String| e.add_rule(field, message, RULE_ID, CITATION);
    if draft.category.is_none() {
        e.add("category", "请选择事项类别：重大决策、重要干部任免、重大项目安排或大额资金使用");
    }
    let title = draft.title.trim();
    if title.is_empty() {
        e.add("title", "请填写事项名称");
    } else if title.chars().count() > 200 {
        e.add("title", "事项名称不能超过 200 个字");
    }
    match (draft.category, draft.amount) {
        (Some(Category::Funds), None) => e.add("amount", "大额资金使用须填写金额"),
        (Some(c), Some(_)) if !c.has_sum() => e.add("amount", "只有重大项目安排和大额资金使用填写金额"),
        (_, Some(a)) if a == Fen::ZERO => e.add("amount", "金额应大于0"),
        _ => {}
    }
    let Some(m) = &draft.meeting else {
        refuse(&mut e, "meeting_id", "“三重一大”事项须经委员会会议集体讨论决定，请选择作出决定的会议记录".into());
        return Err(e);
    };
    if m.org_id != draft.org_id {
        refuse(&mut e, "meeting_id", "所选会议不是本组织召开的委员会会议".into());
    } else if m.kind != MeetingKind::CommitteeMeeting {
        refuse(&mut e, "meeting_id", format!("所选会议是{}，“三重一大”事项须由委员会会议集体决定", m.kind.label()));
    } else if m.voided {
        refuse(&mut e, "meeting_id", "所选会议记录已作废".into());
    } else if !committee_quorum_met(m.expected, u32::try_from(m.present.len()).unwrap_or(u32::MAX)) {
        refuse(
            &mut e,
            "meeting_id",
            format!(
                "该会议到会委员不足半数（应到{}人，实到{}人），不能决定“三重一大”事项",
                m.expected,
                m.present.len()
            ),
        );
    }
    let mut recused = draft.recused.clone();
    recused.sort_unstable();
    recused.dedup();
    if recused.iter().any(|id| !m.present.contains(id)) {
        e.add("recused", "回避的委员应是出席该会议的委员");
    }
    let recused_n = u32::try_from(recused.len()).unwrap_or(u32::MAX);
    let voting_present = u32::try_from(m.present.len()).unwrap_or(u32::MAX).saturating_sub(recused_n);
    let cast = draft.yes.saturating_add(draft.no).saturating_add(draft.abstain);
    if cast > voting_present {
        e.add("yes", format!("赞成、反对、弃权票数之和（{cast}）超过参加表决的委员人数（{voting_present}）"));
    }
    let voters = m.expected.saturating_sub(recused_n);
    e.into_result(Outcome { passed: motion_passes(voters, draft.yes), voters })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    fn meeting(expected: u32, present: &[i64]) -> MeetingFacts {
        MeetingFacts {
            org_id: 1,
            kind: MeetingKind::CommitteeMeeting,
            held_on: d(2026, 3, 5),
            voided: false,
            expected,
            present: present.to_vec(),
        }
    }

    fn draft(meeting: Option<MeetingFacts>) -> Draft {
        Draft {
            org_id: 1,
            category: Some(Category::Funds),
            title: "购置党员教育设备".into(),
            amount: Fen::parse("3000.00").ok(),
            meeting,
            yes: 4,
            no: 0,
            abstain: 0,
            recused: Vec::new(),
        }
    }

    fn rule_of(e: &FieldErrors) -> Option<String> {
        e.rule().map(|r| r.rule_id.clone())
    }

    #[test]
    fn sanzhong_yida_without_a_meeting_is_refused() {
        let e = check(&draft(None)).unwrap_err();
        assert!(e.get("meeting_id").is_some());
        assert_eq!(rule_of(&e).as_deref(), Some(RULE_ID));
    }

    #[test]
    fn sanzhong_yida_at_a_meeting_without_quorum_is_refused() {
        // 7 members: 3 present is short of half, 4 is half or more (MTG-COMMITTEE).
        let e = check(&Draft { yes: 3, ..draft(Some(meeting(7, &[1, 2, 3]))) }).unwrap_err();
        assert!(e.get("meeting_id").unwrap().contains("不足半数"), "{e:?}");
        assert!(check(&draft(Some(meeting(7, &[1, 2, 3, 4])))).unwrap().passed);
        // Not a committee meeting, another org's, voided.
        let lecture = MeetingFacts { kind: MeetingKind::PartyLecture, ..meeting(7, &[1, 2, 3, 4]) };
        assert!(check(&draft(Some(lecture))).is_err());
        let other = MeetingFacts { org_id: 2, ..meeting(7, &[1, 2, 3, 4]) };
        assert!(check(&draft(Some(other))).is_err());
        let voided = MeetingFacts { voided: true, ..meeting(7, &[1, 2, 3, 4]) };
        assert!(check(&draft(Some(voided))).is_err());
    }

    #[test]
    fn sanzhong_yida_passes_with_more_than_half_of_those_taking_part() {
        // 5 expected, one steps aside: 4 take part; 2 yes is not more than half, 3 is.
        let m = meeting(5, &[1, 2, 3, 4, 5]);
        let with = |yes, recused: Vec<i64>| check(&Draft { yes, recused, ..draft(Some(m.clone())) });
        assert!(!with(2, vec![5]).unwrap().passed);
        let o = with(3, vec![5]).unwrap();
        assert_eq!((o.passed, o.voters), (true, 4));
        // Someone absent cannot step aside; votes beyond those taking part are refused.
        let m2 = meeting(5, &[1, 2, 3]);
        assert!(check(&Draft { recused: vec![5], ..draft(Some(m2.clone())) }).unwrap_err().get("recused").is_some());
        assert!(check(&Draft { yes: 3, no: 1, ..draft(Some(m2)) }).unwrap_err().get("yes").is_some());
    }

    #[test]
    fn sanzhong_yida_large_sum_boundary() {
        let t = Fen::parse("3000.00").ok();
        let at = |s: &str| is_large(Fen::parse(s).unwrap(), t);
        assert!(!at("2999.99"));
        assert!(at("3000.00"));
        assert!(at("3000.01"));
        assert!(is_large(Fen::parse("0.01").unwrap(), None));
    }

    #[test]
    fn sanzhong_yida_sums_belong_to_projects_and_funds() {
        let m = Some(meeting(5, &[1, 2, 3, 4, 5]));
        let no_sum = Draft { amount: None, ..draft(m.clone()) };
        assert!(check(&no_sum).unwrap_err().get("amount").is_some());
        let appointment = Draft { category: Some(Category::Appointment), ..draft(m.clone()) };
        assert!(check(&appointment).unwrap_err().get("amount").is_some());
        assert!(check(&Draft { category: Some(Category::Appointment), amount: None, ..draft(m) }).is_ok());
        assert_eq!(Category::parse("大额资金使用"), Some(Category::Funds));
    }
}
crate::stored_code!(Category => "三重一大 category");
