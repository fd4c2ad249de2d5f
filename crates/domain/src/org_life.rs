//! Organizational life (组织生活): the kinds of meeting records, attendance, appraisal ratings,
//! and the quorum and majority rules of votes.
//!
//! Rules applied here (shared/rules.md):
//! - **MTG-ASSEMBLY**: a vote of the 党员大会 needs half or more (半数以上, ≥ ½) of the voting members
//!   present; a motion passes when yes-votes exceed half of the voting members who should attend.
//! - **MTG-COMMITTEE**: a 支委会 needs half or more of the committee members present.
//! - **DEV-ASM-QUORUM / DEV-ASM-VOTE** (and DEV-CONVERT): the admission vote needs strictly more than
//!   half present, and passes with yes-votes exceeding half of those who should attend.
//! - **EL-QUORUM / EL-ELECTED**: an election needs more than 4/5 present; a candidate needs yes-votes
//!   exceeding half of those actually present.
//! - **CON-PROB-RIGHTS**: probationary members attend, but have no vote and do not count as voters,
//!   neither among those who should attend nor among those present.
//!
//! All counts are "voting members" (有表决权的党员). Every function returns `false` when nobody
//! should attend: with no voters there is nothing to decide.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The kind of an organizational-life record (glossary: 三会一课, 主题党日, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// 支部党员大会 (MTG-ASSEMBLY).
    BranchAssembly,
    /// 支部委员会会议 (MTG-COMMITTEE).
    CommitteeMeeting,
    /// 党小组会 (MTG-GROUP).
    GroupMeeting,
    /// 党课 (MTG-LESSON).
    PartyLecture,
    /// 主题党日 (MTG-THEME-DAY).
    ThemedDay,
    /// 组织生活会 (MTG-ORG-LIFE).
    LifeMeeting,
    /// 民主生活会: the organizational-life meeting of a leading team.
    DemocraticLifeMeeting,
    /// 民主评议党员 (MTG-EVAL).
    MemberAppraisal,
    /// 谈心谈话 (MTG-TALK).
    Talk,
    /// 理论学习中心组学习.
    StudyGroupSession,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 10] = [
        Self::BranchAssembly,
        Self::CommitteeMeeting,
        Self::GroupMeeting,
        Self::PartyLecture,
        Self::ThemedDay,
        Self::LifeMeeting,
        Self::DemocraticLifeMeeting,
        Self::MemberAppraisal,
        Self::Talk,
        Self::StudyGroupSession,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BranchAssembly => "branch_assembly",
            Self::CommitteeMeeting => "committee_meeting",
            Self::GroupMeeting => "group_meeting",
            Self::PartyLecture => "party_lecture",
            Self::ThemedDay => "themed_day",
            Self::LifeMeeting => "life_meeting",
            Self::DemocraticLifeMeeting => "democratic_life_meeting",
            Self::MemberAppraisal => "member_appraisal",
            Self::Talk => "talk",
            Self::StudyGroupSession => "study_group_session",
        }
    }

    /// The full Chinese name: "支部委员会会议".
    pub fn label(self) -> &'static str {
        match self {
            Self::BranchAssembly => "支部党员大会",
            Self::CommitteeMeeting => "支部委员会会议",
            Self::GroupMeeting => "党小组会",
            Self::PartyLecture => "党课",
            Self::ThemedDay => "主题党日",
            Self::LifeMeeting => "组织生活会",
            Self::DemocraticLifeMeeting => "民主生活会",
            Self::MemberAppraisal => "民主评议党员",
            Self::Talk => "谈心谈话",
            Self::StudyGroupSession => "理论学习中心组学习",
        }
    }

    /// The short name used in buttons and fix links: "支委会" (as in "补录3月支委会").
    pub fn short_label(self) -> &'static str {
        match self {
            Self::BranchAssembly => "党员大会",
            Self::CommitteeMeeting => "支委会",
            Self::GroupMeeting => "党小组会",
            Self::PartyLecture => "党课",
            Self::ThemedDay => "主题党日",
            Self::LifeMeeting => "组织生活会",
            Self::DemocraticLifeMeeting => "民主生活会",
            Self::MemberAppraisal => "民主评议",
            Self::Talk => "谈心谈话",
            Self::StudyGroupSession => "中心组学习",
        }
    }

    /// The verb used with the kind in messages: meetings are "召开", the others "开展".
    pub fn verb(self) -> &'static str {
        match self {
            Self::BranchAssembly
            | Self::CommitteeMeeting
            | Self::GroupMeeting
            | Self::LifeMeeting
            | Self::DemocraticLifeMeeting => "召开",
            Self::PartyLecture | Self::ThemedDay | Self::MemberAppraisal | Self::Talk | Self::StudyGroupSession => {
                "开展"
            }
        }
    }

    /// Accepts the identifier, the full label or the short label.
    pub fn parse(s: &str) -> Option<MeetingKind> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.label() == s || k.short_label() == s)
    }
}

/// Attendance of one expected attendee (出席 / 请假 / 缺席).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    /// 出席.
    Present,
    /// 请假: absent with a reason; a good reason (正当理由) in the sense of CON-LAPSE.
    Excused,
    /// 缺席: absent without a reason.
    Absent,
}

impl Attendance {
    pub const ALL: [Attendance; 3] = [Self::Present, Self::Excused, Self::Absent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Excused => "excused",
            Self::Absent => "absent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Present => "出席",
            Self::Excused => "请假",
            Self::Absent => "缺席",
        }
    }

    /// Accepts the identifier or the label (also "到会", "缺勤").
    pub fn parse(s: &str) -> Option<Attendance> {
        let s = s.trim();
        match s {
            "到会" | "参加" => return Some(Self::Present),
            "缺勤" | "未到" => return Some(Self::Absent),
            _ => {}
        }
        Self::ALL.into_iter().find(|a| a.as_str() == s || a.label() == s)
    }
}

/// The rating of a member in the yearly democratic appraisal (民主评议党员, MTG-EVAL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppraisalRating {
    /// 优秀.
    Excellent,
    /// 合格.
    Qualified,
    /// 基本合格.
    BasicallyQualified,
    /// 不合格.
    Unqualified,
}

impl AppraisalRating {
    pub const ALL: [AppraisalRating; 4] =
        [Self::Excellent, Self::Qualified, Self::BasicallyQualified, Self::Unqualified];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Excellent => "excellent",
            Self::Qualified => "qualified",
            Self::BasicallyQualified => "basically_qualified",
            Self::Unqualified => "unqualified",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Excellent => "优秀",
            Self::Qualified => "合格",
            Self::BasicallyQualified => "基本合格",
            Self::Unqualified => "不合格",
        }
    }

    pub fn parse(s: &str) -> Option<AppraisalRating> {
        let s = s.trim();
        Self::ALL.into_iter().find(|r| r.as_str() == s || r.label() == s)
    }
}

/// One person expected at a meeting, with their attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Attendee {
    pub member_id: i64,
    /// A probationary member (预备党员) attends but has no vote (CON-PROB-RIGHTS).
    pub probationary: bool,
    pub attendance: Attendance,
}

impl Attendee {
    pub fn full(member_id: i64, attendance: Attendance) -> Attendee {
        Attendee { member_id, probationary: false, attendance }
    }

    pub fn probationary(member_id: i64, attendance: Attendance) -> Attendee {
        Attendee { member_id, probationary: true, attendance }
    }
}

/// The attendees who have a vote: everyone but probationary members (CON-PROB-RIGHTS).
pub fn voters(attendees: &[Attendee]) -> impl Iterator<Item = &Attendee> {
    attendees.iter().filter(|a| !a.probationary)
}

/// Voting members who should attend (应到会) and who are present (实到会).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct VoterCount {
    /// Full members expected at the meeting, excused or not.
    pub expected: u32,
    /// Full members present.
    pub present: u32,
}

impl VoterCount {
    /// MTG-ASSEMBLY quorum for these counts.
    pub fn assembly_quorum_met(&self) -> bool {
        assembly_quorum_met(self.expected, self.present)
    }

    /// MTG-COMMITTEE quorum for these counts.
    pub fn committee_quorum_met(&self) -> bool {
        committee_quorum_met(self.expected, self.present)
    }

    /// DEV-ASM-QUORUM for these counts.
    pub fn admission_quorum_met(&self) -> bool {
        admission_quorum_met(self.expected, self.present)
    }

    /// EL-QUORUM for these counts.
    pub fn election_quorum_met(&self) -> bool {
        election_quorum_met(self.expected, self.present)
    }
}

/// Counts the voters of an attendance list (CON-PROB-RIGHTS: probationary members are neither
/// expected voters nor present voters). A member listed twice counts once: as a voter unless any
/// entry marks them probationary, and as present if any entry says present.
pub fn voter_count(attendees: &[Attendee]) -> VoterCount {
    let mut by_member: BTreeMap<i64, (bool, bool)> = BTreeMap::new();
    for a in attendees {
        let entry = by_member.entry(a.member_id).or_insert((false, false));
        entry.0 |= a.probationary;
        entry.1 |= a.attendance == Attendance::Present;
    }
    let mut count = VoterCount::default();
    for (probationary, present) in by_member.into_values() {
        if probationary {
            continue;
        }
        count.expected = count.expected.saturating_add(1);
        if present {
            count.present = count.present.saturating_add(1);
        }
    }
    count
}

/// MTG-ASSEMBLY (《中国共产党支部工作条例（试行）》第十一条): a vote of the 党员大会 may proceed when
/// half or more (半数以上, read as ≥ ½) of the voting members are present: `2 × present ≥ expected`.
pub fn assembly_quorum_met(voting_expected: u32, voting_present: u32) -> bool {
    voting_expected > 0 && 2 * u64::from(voting_present) >= u64::from(voting_expected)
}

/// MTG-ASSEMBLY: a motion passes when yes-votes exceed half of the voting members who should
/// attend (应到会), not of those present: `2 × yes > expected`.
pub fn motion_passes(voting_expected: u32, yes: u32) -> bool {
    voting_expected > 0 && 2 * u64::from(yes) > u64::from(voting_expected)
}

/// MTG-COMMITTEE (第十二条): a 支委会 needs half or more of its members present:
/// `2 × present ≥ expected`.
pub fn committee_quorum_met(expected: u32, present: u32) -> bool {
    expected > 0 && 2 * u64::from(present) >= u64::from(expected)
}

/// DEV-ASM-QUORUM (《中国共产党发展党员工作细则》第二十条; also conversion, DEV-CONVERT): the 支部大会
/// on admission needs strictly more than half (超过半数) of the voting members present:
/// `2 × present > expected`.
pub fn admission_quorum_met(voting_expected: u32, voting_present: u32) -> bool {
    voting_expected > 0 && 2 * u64::from(voting_present) > u64::from(voting_expected)
}

/// DEV-ASM-VOTE (第二十一条): admission passes when yes-votes exceed half of the full members with
/// voting rights who should attend. `yes` includes the written votes of absent voting members
/// formally submitted before the meeting.
pub fn admission_passes(voting_expected: u32, yes: u32) -> bool {
    voting_expected > 0 && 2 * u64::from(yes) > u64::from(voting_expected)
}

/// EL-QUORUM (《中国共产党基层组织选举工作条例》): an election is valid only when the voting members
/// present exceed four fifths of those who should attend: `5 × present > 4 × expected`.
pub fn election_quorum_met(voting_expected: u32, voting_present: u32) -> bool {
    voting_expected > 0 && 5 * u64::from(voting_present) > 4 * u64::from(voting_expected)
}

/// EL-ELECTED: at grassroots level a candidate is elected with yes-votes exceeding half of the
/// voting members actually present (实到会): `2 × yes > present`.
pub fn elected(voting_present: u32, yes: u32) -> bool {
    voting_present > 0 && 2 * u64::from(yes) > u64::from(voting_present)
}
