//! Term elections (换届选举) of a committee, general branch or branch: the counts of the vote
//! checked against the election rules before anything is recorded, and who was elected.
//!
//! Readings (rules.md §8, 《中国共产党基层组织选举工作条例》):
//! - **EL-QUORUM**: valid only when the voting members present exceed 4/5 of those who should
//!   attend (`5 × present > 4 × expected`). Those who should attend are computed on the day
//!   (EL-RIGHTS: full members not under 留党察看), not typed.
//! - **EL-MARGIN**: candidates exceed seats by at least 20% (`5 × candidates ≥ 6 × seats`). A
//!   branch without a committee elects only its secretary (one seat): the margin applies to
//!   committee members, so it is checked when there are two seats or more.
//! - **EL-BALLOTS**: more ballots returned than issued voids the election; ballots issued
//!   cannot exceed the voters present, invalid ballots cannot exceed those returned, and nobody
//!   gets more votes than there are valid ballots.
//! - **EL-ELECTED**: yes-votes exceeding half of the voters present (or, by committee setting,
//!   of those who should attend). More passing than seats: the most votes win; a tie at the last
//!   seat needs a new vote, so the record is refused.
//! - **EL-ONTIME**: an election after the term's end, or more than 6 months before it (the
//!   higher level's reminder comes 6 months ahead, ORG-RENEWAL), needs the higher level's
//!   approval of the delay or advance, recorded with its document number.
//! - **EL-CONGRESS**: a 党员代表大会 instead of the 党员大会 needs 500 members or more, or the
//!   higher level's approval.

use chrono::NaiveDate;
use serde::Serialize;

use crate::dates::anniversary;
use crate::org_life::MajorityBase;

/// How the election was held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ElectionMode {
    /// 党员大会.
    Assembly,
    /// 党员代表大会 (EL-CONGRESS).
    Congress,
    /// A past election known only by its day (the term's start as first recorded).
    Recorded,
}

impl ElectionMode {
    pub const ALL: [ElectionMode; 3] = [Self::Assembly, Self::Congress, Self::Recorded];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assembly => "assembly",
            Self::Congress => "congress",
            Self::Recorded => "recorded",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Assembly => "党员大会选举",
            Self::Congress => "党员代表大会选举",
            Self::Recorded => "往届记录（仅日期）",
        }
    }
}

impl crate::codes::StoredCode for ElectionMode {
    const WHAT: &'static str = "election mode";
    fn values() -> &'static [Self] {
        &Self::ALL
    }
    fn code(self) -> &'static str {
        self.as_str()
    }
}

/// The post a candidate is chosen for after the vote (书记, 副书记), if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Chosen {
    Secretary,
    Deputy,
}

/// One candidate and the votes they got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateVotes {
    pub member_id: i64,
    pub name: String,
    pub votes: u32,
}

/// The counts of an election as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionCounts {
    pub mode: ElectionMode,
    pub held_on: NaiveDate,
    /// Voters who should attend, computed on the day (EL-RIGHTS) or, at a 党员代表大会, the
    /// delegates.
    pub voters_expected: u32,
    pub voters_present: u32,
    pub seats: u32,
    pub ballots_issued: u32,
    pub ballots_returned: u32,
    pub ballots_invalid: u32,
    pub candidates: Vec<CandidateVotes>,
    pub base: MajorityBase,
    /// The org's members (EL-CONGRESS).
    pub members: u32,
    pub congress_approval: String,
    /// The current term: its start and length, if recorded (EL-ONTIME).
    pub term: Option<(NaiveDate, u32)>,
    pub timing_approval: String,
}

/// A refusal: the rule, the field and the message in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionError {
    pub rule_id: Option<&'static str>,
    pub field: &'static str,
    pub message: String,
}

fn err(rule_id: Option<&'static str>, field: &'static str, message: impl Into<String>) -> ElectionError {
    ElectionError { rule_id, field, message: message.into() }
}

/// EL-QUORUM: more than 4/5 of those who should attend.
pub fn quorum_met(expected: u32, present: u32) -> bool {
    crate::org_life::election_quorum_met(expected, present)
}

/// EL-MARGIN: at least 20% more candidates than seats, for two seats or more.
pub fn margin_met(seats: u32, candidates: u32) -> bool {
    seats < 2 || 5 * u64::from(candidates) >= 6 * u64::from(seats)
}

/// The fewest candidates EL-MARGIN allows for `seats`.
pub fn fewest_candidates(seats: u32) -> u32 {
    if seats < 2 { seats } else { (6 * seats).div_ceil(5) }
}

/// EL-ONTIME: the window in which no approval is needed: from 6 months before the term's end
/// through the end itself. `None` without a recorded term.
pub fn ontime_window(term: Option<(NaiveDate, u32)>) -> Option<(NaiveDate, NaiveDate)> {
    let (start, years) = term?;
    let end = anniversary(start, years);
    Some((end.checked_sub_months(chrono::Months::new(6)).unwrap_or(end), end))
}

/// Checks the counts and returns the candidates elected, most votes first; every refusal at
/// once.
pub fn tally(c: &ElectionCounts) -> Result<Vec<CandidateVotes>, Vec<ElectionError>> {
    let mut errors = Vec::new();
    if c.seats == 0 {
        errors.push(err(None, "seats", "应选人数应大于0"));
    }
    if c.voters_present > c.voters_expected {
        errors.push(err(None, "voters_present", format!("实到人数不能超过应到人数{}", c.voters_expected)));
    } else if !quorum_met(c.voters_expected, c.voters_present) {
        errors.push(err(
            Some("EL-QUORUM"),
            "voters_present",
            format!(
                "有选举权的党员应到{}人，实到{}人，未超过应到人数的五分之四，选举无效",
                c.voters_expected, c.voters_present
            ),
        ));
    }
    let n = u32::try_from(c.candidates.len()).unwrap_or(u32::MAX);
    if c.seats > 0 && n < c.seats {
        errors.push(err(None, "candidates", format!("候选人{n}名，少于应选人数{}", c.seats)));
    } else if !margin_met(c.seats, n) {
        errors.push(err(
            Some("EL-MARGIN"),
            "candidates",
            format!("应选{}名，候选人{n}名，差额不足20%（至少应有{}名候选人）", c.seats, fewest_candidates(c.seats)),
        ));
    }
    if c.ballots_returned > c.ballots_issued {
        errors.push(err(
            Some("EL-BALLOTS"),
            "ballots_returned",
            format!("收回选票{}张，多于发出的{}张，选举无效", c.ballots_returned, c.ballots_issued),
        ));
    }
    if c.ballots_issued > c.voters_present {
        errors.push(err(Some("EL-BALLOTS"), "ballots_issued", "发出选票不能多于实到人数"));
    }
    if c.ballots_invalid > c.ballots_returned {
        errors.push(err(Some("EL-BALLOTS"), "ballots_invalid", "无效票不能多于收回的选票"));
    }
    let valid = c.ballots_returned.saturating_sub(c.ballots_invalid);
    if let Some(over) = c.candidates.iter().find(|x| x.votes > valid) {
        errors.push(err(
            Some("EL-BALLOTS"),
            "candidates",
            format!("{}得票{}，多于有效票{valid}张", over.name, over.votes),
        ));
    }
    if c.mode == ElectionMode::Congress && c.members < 500 && c.congress_approval.trim().is_empty() {
        errors.push(err(
            Some("EL-CONGRESS"),
            "congress_approval",
            format!("党员{}名，不足500名，召开党员代表大会须经上级党组织批准，请填写批准文号", c.members),
        ));
    }
    if let Some((from, end)) = ontime_window(c.term)
        && (c.held_on < from || c.held_on > end)
        && c.timing_approval.trim().is_empty()
    {
        let what = if c.held_on > end { "延期" } else { "提前" };
        errors.push(err(
            Some("EL-ONTIME"),
            "timing_approval",
            format!("本届任期{}届满，{what}换届须经上级党组织批准，请填写批准文号", crate::dates::format_cn(end)),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let base = match c.base {
        MajorityBase::Present => c.voters_present,
        MajorityBase::Expected => c.voters_expected,
    };
    let mut passing: Vec<CandidateVotes> =
        c.candidates.iter().filter(|x| crate::org_life::elected(base, x.votes)).cloned().collect();
    passing.sort_by(|a, b| b.votes.cmp(&a.votes).then(a.member_id.cmp(&b.member_id)));
    let seats = usize::try_from(c.seats).unwrap_or(usize::MAX);
    if seats > 0 && passing.len() > seats {
        let last = passing[seats - 1].votes;
        if passing[seats].votes == last {
            let tied: Vec<&str> = passing.iter().filter(|x| x.votes == last).map(|x| x.name.as_str()).collect();
            return Err(vec![err(
                Some("EL-ELECTED"),
                "candidates",
                format!("{}得票相同（{last}票），超过应选名额，应就得票相同的候选人重新投票", tied.join("、")),
            )]);
        }
        passing.truncate(seats);
    }
    Ok(passing)
}
