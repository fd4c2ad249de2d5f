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
use thiserror::Error;

/// The kind of an organizational-life record (glossary: 三会一课, 主题党日, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// 思政课: an ideological-political lesson given to teachers and students by a school's
    /// party secretary or principal (SZK-LECTURE).
    IdeologyLesson,
    /// 意识形态工作专题研究: the committee studies ideological work as a topic (IDEOLOGY-RESP).
    IdeologyStudy,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 12] = [
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
        Self::IdeologyLesson,
        Self::IdeologyStudy,
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
            Self::IdeologyLesson => "ideology_lesson",
            Self::IdeologyStudy => "ideology_study",
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
            Self::IdeologyLesson => "思政课",
            Self::IdeologyStudy => "意识形态工作专题研究",
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
            Self::IdeologyLesson => "思政课",
            Self::IdeologyStudy => "意识形态专题研究",
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
            Self::PartyLecture
            | Self::ThemedDay
            | Self::MemberAppraisal
            | Self::Talk
            | Self::StudyGroupSession
            | Self::IdeologyLesson
            | Self::IdeologyStudy => "开展",
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// A leading cadre taking part in this branch's organizational life under 双重组织生活: a
    /// member of another branch, so without a vote here and not subject to this branch's
    /// CON-LAPSE count.
    #[serde(default)]
    pub guest: bool,
}

impl Attendee {
    pub fn full(member_id: i64, attendance: Attendance) -> Attendee {
        Attendee { member_id, probationary: false, attendance, guest: false }
    }

    pub fn probationary(member_id: i64, attendance: Attendance) -> Attendee {
        Attendee { member_id, probationary: true, attendance, guest: false }
    }

    pub fn guest(member_id: i64, attendance: Attendance) -> Attendee {
        Attendee { member_id, probationary: false, attendance, guest: true }
    }

    /// Whether this attendee votes here: not probationary (CON-PROB-RIGHTS), not a guest.
    pub fn votes(&self) -> bool {
        !self.probationary && !self.guest
    }
}

/// The attendees who have a vote: everyone but probationary members (CON-PROB-RIGHTS) and
/// guests under 双重组织生活.
pub fn voters(attendees: &[Attendee]) -> impl Iterator<Item = &Attendee> {
    attendees.iter().filter(|a| a.votes())
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
        entry.0 |= !a.votes();
        entry.1 |= a.attendance == Attendance::Present;
    }
    let mut count = VoterCount::default();
    for (no_vote, present) in by_member.into_values() {
        if no_vote {
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

/// The votes on one resolution (会议决议) as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Votes {
    /// Voting members who should attend (有表决权的应到人数).
    pub voters_expected: u32,
    /// Voting members present (有表决权的实到人数).
    pub voters_present: u32,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
}

/// Why recorded votes cannot be right (forms.md §3: the counts must reconcile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum VoteError {
    #[error("赞成、反对、弃权票数之和（{cast}）超过有表决权的实到人数（{present}）")]
    MoreVotesThanVoters { cast: u32, present: u32 },
    #[error("有表决权的实到人数（{present}）超过应到人数（{expected}）")]
    MorePresentThanExpected { present: u32, expected: u32 },
    #[error("没有有表决权的党员到会，不能表决")]
    NoVoters,
}

impl Votes {
    /// Checks that the counts reconcile: present ≤ expected, yes + no + abstain ≤ present.
    pub fn check(&self) -> Result<(), VoteError> {
        if self.voters_present > self.voters_expected {
            return Err(VoteError::MorePresentThanExpected {
                present: self.voters_present,
                expected: self.voters_expected,
            });
        }
        if self.voters_present == 0 {
            return Err(VoteError::NoVoters);
        }
        let cast = self.yes.saturating_add(self.no).saturating_add(self.abstain);
        if cast > self.voters_present {
            return Err(VoteError::MoreVotesThanVoters { cast, present: self.voters_present });
        }
        Ok(())
    }

    /// MTG-ASSEMBLY: the quorum for a vote (≥ ½ of the voting members present).
    pub fn quorum_met(&self) -> bool {
        assembly_quorum_met(self.voters_expected, self.voters_present)
    }

    /// MTG-ASSEMBLY: passed when the quorum is met and yes-votes exceed half of those who should
    /// attend.
    pub fn passed(&self) -> bool {
        self.quorum_met() && motion_passes(self.voters_expected, self.yes)
    }
}

/// What a 党员大会 vote decides: each purpose has its own quorum and majority (rules.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum VotePurpose {
    /// An ordinary matter: ≥ ½ present, yes > ½ of those who should attend (MTG-ASSEMBLY).
    Ordinary,
    /// Admitting a probationary member: > ½ present (DEV-ASM-QUORUM), yes > ½ of those who should
    /// attend (DEV-ASM-VOTE).
    Admission,
    /// Confirming (转正) a probationary member: as admission (DEV-CONVERT → DEV-ASM-QUORUM,
    /// DEV-ASM-VOTE).
    Confirmation,
    /// An election: > ⁴⁄₅ present (EL-QUORUM), a candidate elected with yes > ½ of those present
    /// (EL-ELECTED; a committee setting may make it ½ of those who should attend).
    Election,
}

impl VotePurpose {
    pub const ALL: [VotePurpose; 4] = [Self::Ordinary, Self::Admission, Self::Confirmation, Self::Election];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ordinary => "ordinary",
            Self::Admission => "admission",
            Self::Confirmation => "confirmation",
            Self::Election => "election",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Ordinary => "一般事项",
            Self::Admission => "接收预备党员",
            Self::Confirmation => "预备党员转正",
            Self::Election => "选举",
        }
    }

    pub fn parse(s: &str) -> Option<VotePurpose> {
        let s = s.trim();
        if s.is_empty() {
            return Some(Self::Ordinary);
        }
        Self::ALL.into_iter().find(|p| p.as_str() == s || p.label() == s)
    }

    /// The rule whose quorum the vote needs.
    pub fn quorum_rule(self) -> &'static str {
        match self {
            Self::Ordinary => "MTG-ASSEMBLY",
            Self::Admission | Self::Confirmation => "DEV-ASM-QUORUM",
            Self::Election => "EL-QUORUM",
        }
    }

    /// The rule whose majority decides the vote.
    pub fn majority_rule(self) -> &'static str {
        match self {
            Self::Ordinary => "MTG-ASSEMBLY",
            Self::Admission | Self::Confirmation => "DEV-ASM-VOTE",
            Self::Election => "EL-ELECTED",
        }
    }
}

/// The base of an election's majority (EL-ELECTED): those present nationally; those who should
/// attend where a committee set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MajorityBase {
    Present,
    Expected,
}

impl Votes {
    /// The quorum of `purpose`: MTG-ASSEMBLY ≥ ½, DEV-ASM-QUORUM > ½, EL-QUORUM > ⁴⁄₅.
    pub fn quorum_met_for(&self, purpose: VotePurpose) -> bool {
        match purpose {
            VotePurpose::Ordinary => assembly_quorum_met(self.voters_expected, self.voters_present),
            VotePurpose::Admission | VotePurpose::Confirmation => {
                admission_quorum_met(self.voters_expected, self.voters_present)
            }
            VotePurpose::Election => election_quorum_met(self.voters_expected, self.voters_present),
        }
    }

    /// Passed by the quorum and the majority of `purpose` (EL-ELECTED on `base`).
    pub fn passed_for(&self, purpose: VotePurpose, base: MajorityBase) -> bool {
        self.quorum_met_for(purpose)
            && match purpose {
                VotePurpose::Ordinary => motion_passes(self.voters_expected, self.yes),
                VotePurpose::Admission | VotePurpose::Confirmation => admission_passes(self.voters_expected, self.yes),
                VotePurpose::Election => match base {
                    MajorityBase::Present => elected(self.voters_present, self.yes),
                    MajorityBase::Expected => elected(self.voters_expected, self.yes),
                },
            }
    }
}

/// forms.md §2.4 (民主评议): no more than a third of the members rated may be rated 优秀
/// (`3 × excellent ≤ rated`).
pub fn excellent_share_ok(rated: u32, excellent: u32) -> bool {
    3 * u64::from(excellent) <= u64::from(rated)
}

/// "有表决权的党员应到12人，实到10人，达到半数，可以表决" — the quorum statement of a record
/// (forms.md §2.1, meetings that vote), for MTG-ASSEMBLY or MTG-COMMITTEE.
pub fn quorum_statement(kind: MeetingKind, count: VoterCount) -> Option<String> {
    let (who, met, rule) = match kind {
        MeetingKind::BranchAssembly => ("有表决权的党员", count.assembly_quorum_met(), "MTG-ASSEMBLY"),
        MeetingKind::CommitteeMeeting => ("支部委员", count.committee_quorum_met(), "MTG-COMMITTEE"),
        _ => return None,
    };
    if count.expected == 0 {
        return None;
    }
    let verdict = match (kind, met) {
        (MeetingKind::BranchAssembly, true) => "达到半数，可以表决",
        (MeetingKind::BranchAssembly, false) => "不足半数，不能进行表决",
        (_, true) => "达到半数，会议有效",
        (_, false) => "不足半数，会议不应召开",
    };
    Some(format!("{who}应到{}人，实到{}人，{verdict}（{rule}）", count.expected, count.present))
}

#[cfg(test)]
mod votes_tests {
    use super::*;

    fn votes(expected: u32, present: u32, yes: u32, no: u32, abstain: u32) -> Votes {
        Votes { voters_expected: expected, voters_present: present, yes, no, abstain }
    }

    #[test]
    fn mtg_assembly_votes_reconcile() {
        assert_eq!(votes(10, 8, 6, 1, 1).check(), Ok(()));
        assert_eq!(votes(10, 8, 6, 2, 1).check(), Err(VoteError::MoreVotesThanVoters { cast: 9, present: 8 }));
        assert_eq!(
            votes(10, 11, 6, 0, 0).check(),
            Err(VoteError::MorePresentThanExpected { present: 11, expected: 10 })
        );
        assert_eq!(votes(10, 10, 10, 0, 0).check(), Ok(()));
        assert_eq!(votes(10, 0, 0, 0, 0).check(), Err(VoteError::NoVoters));
    }

    #[test]
    fn mtg_assembly_motion_needs_more_than_half_of_expected() {
        // 10 expected: 5 yes is half, not more than half; 6 passes.
        assert!(!votes(10, 10, 5, 5, 0).passed());
        assert!(votes(10, 6, 6, 0, 0).passed());
        // Quorum: 4 of 10 present is below half, even if all vote yes.
        assert!(!votes(10, 4, 4, 0, 0).passed());
        assert!(votes(10, 5, 5, 0, 0).quorum_met());
    }

    /// DEV-ASM-QUORUM / DEV-ASM-VOTE, EL-QUORUM / EL-ELECTED and MTG-ASSEMBLY each by their own
    /// threshold, at the boundary.
    #[test]
    fn quorum_and_majority_by_purpose() {
        use MajorityBase::Present;
        // 10 expected, 5 present: MTG-ASSEMBLY's half suffices; admission needs more than half.
        let five = votes(10, 5, 5, 0, 0);
        assert!(five.quorum_met_for(VotePurpose::Ordinary));
        assert!(!five.quorum_met_for(VotePurpose::Admission));
        assert!(!five.quorum_met_for(VotePurpose::Confirmation));
        assert!(votes(10, 6, 6, 0, 0).quorum_met_for(VotePurpose::Admission));
        // Admission: 6 yes of 10 expected passes, 5 does not (DEV-ASM-VOTE).
        assert!(votes(10, 9, 6, 3, 0).passed_for(VotePurpose::Admission, Present));
        assert!(!votes(10, 9, 5, 4, 0).passed_for(VotePurpose::Admission, Present));
        // Election: 8 of 10 present is exactly 4/5, not more (EL-QUORUM); 9 is.
        assert!(!votes(10, 8, 8, 0, 0).quorum_met_for(VotePurpose::Election));
        assert!(votes(10, 9, 5, 4, 0).quorum_met_for(VotePurpose::Election));
        // EL-ELECTED: 5 yes of 9 present is more than half of those present; of 10 expected it is not.
        assert!(votes(10, 9, 5, 4, 0).passed_for(VotePurpose::Election, Present));
        assert!(!votes(10, 9, 5, 4, 0).passed_for(VotePurpose::Election, MajorityBase::Expected));
        assert!(!votes(10, 9, 4, 5, 0).passed_for(VotePurpose::Election, Present));
        assert_eq!(VotePurpose::parse(""), Some(VotePurpose::Ordinary));
        assert_eq!(VotePurpose::parse("选举"), Some(VotePurpose::Election));
        assert_eq!(VotePurpose::parse("别的"), None);
    }

    #[test]
    fn appraisal_excellent_at_most_a_third() {
        assert!(excellent_share_ok(9, 3));
        assert!(!excellent_share_ok(9, 4));
        assert!(excellent_share_ok(10, 3));
        assert!(!excellent_share_ok(2, 1));
        assert!(excellent_share_ok(0, 0));
    }

    #[test]
    fn quorum_statements_name_the_rule() {
        let c = VoterCount { expected: 12, present: 6 };
        assert_eq!(
            quorum_statement(MeetingKind::BranchAssembly, c).as_deref(),
            Some("有表决权的党员应到12人，实到6人，达到半数，可以表决（MTG-ASSEMBLY）")
        );
        let c = VoterCount { expected: 5, present: 2 };
        assert_eq!(
            quorum_statement(MeetingKind::CommitteeMeeting, c).as_deref(),
            Some("支部委员应到5人，实到2人，不足半数，会议不应召开（MTG-COMMITTEE）")
        );
        assert_eq!(quorum_statement(MeetingKind::ThemedDay, c), None);
    }
}
crate::stored_code!(
    MeetingKind => "meeting kind",
    Attendance => "attendance",
    AppraisalRating => "appraisal rating",
    VotePurpose => "vote purpose",
);
