//! The "学条例" knowledge contest (知识竞赛): an org sets a contest over its question bank (题库)
//! with a window (starts_on..=ends_on, local dates) and a question count; every full and
//! probationary member of its subtree answers it once, all answers at once.
//!
//! - **The paper.** When the contest is set, the bank's questions of that day are its pool, in
//!   order. Each member gets `question_count` consecutive questions of the pool, starting at an
//!   offset set by the contest's and the member's ids ([`draw`]): the same member always gets the
//!   same paper, and neighbours get different ones.
//! - **Scoring.** One point a question; a multiple-choice answer counts only when exactly right
//!   ([`answer_is_right`]).
//! - **Results.** Per org: the members eligible (full and probationary on the window's first
//!   day, in the subtree), those who answered, participation and the average score
//!   ([`Participation`]). A per-person ranking only when the committee chose 竞赛排名 for the
//!   contest; otherwise a person's score is theirs alone.
//!
//! Less burden (principle 7): nothing measures time online, log-ins, check-ins, streaks or
//! likes. A submission keeps the answers and the score, never when or how long.

pub mod question;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::dates::parse_date;
pub use question::{
    LETTERS, MAX_OPTIONS, Question, QuestionInput, QuestionKind, TRUE_FALSE, answer_is_right, parse_answer,
};

/// The most questions a paper has.
pub const MAX_QUESTIONS: u32 = 100;

/// The longest window, in days.
const MAX_WINDOW_DAYS: i64 = 366;

/// A contest as typed on the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContestInput {
    /// 竞赛名称.
    pub title: String,
    /// The window's first day, "2026-03-01".
    pub starts_on: String,
    /// The window's last day, "2026-03-15".
    pub ends_on: String,
    /// 每人题数, "20".
    pub question_count: String,
    /// 竞赛排名: "on" to show a per-person ranking; otherwise only per-org results.
    #[serde(default)]
    pub ranking: String,
}

/// A checked contest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contest {
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub question_count: u32,
    pub ranking: bool,
}

impl ContestInput {
    /// The contest, or every field's error in Chinese. `today` bounds the window (a contest is
    /// not set for a window already over); `bank` is how many questions the bank holds.
    pub fn check(&self, today: NaiveDate, bank: usize) -> Result<Contest, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = self.title.trim().to_string();
        if title.is_empty() {
            e.add("title", "请填写竞赛名称");
        } else if title.chars().count() > 60 {
            e.add("title", "竞赛名称不超过60字");
        }
        let starts_on = parse_date(&self.starts_on).map_err(|err| e.add("starts_on", err.message())).ok();
        let ends_on = parse_date(&self.ends_on).map_err(|err| e.add("ends_on", err.message())).ok();
        if let (Some(s), Some(t)) = (starts_on, ends_on) {
            if t < s {
                e.add("ends_on", "截止日期不能早于开始日期");
            } else if (t - s).num_days() >= MAX_WINDOW_DAYS {
                e.add("ends_on", "答题时间不超过一年");
            }
        }
        if ends_on.is_some_and(|t| t < today) {
            e.add("ends_on", "截止日期已过，请重新选择");
        }
        let count = match self.question_count.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_QUESTIONS).contains(&n) => Some(n),
            _ => {
                e.add("question_count", format!("每人题数应为1到{MAX_QUESTIONS}的整数"));
                None
            }
        };
        if let Some(n) = count
            && usize::try_from(n).unwrap_or(usize::MAX) > bank
        {
            e.add("question_count", format!("题库只有{bank}道题，每人题数不能多于题库的题数"));
        }
        let ranking = match self.ranking.trim() {
            "" | "off" | "false" | "否" => false,
            "on" | "true" | "是" => true,
            _ => {
                e.add("ranking", "应为“是”或“否”");
                false
            }
        };
        match (starts_on, ends_on, count) {
            (Some(starts_on), Some(ends_on), Some(question_count)) if e.is_empty() => {
                Ok(Contest { title, starts_on, ends_on, question_count, ranking })
            }
            _ => Err(e),
        }
    }
}

/// Where a day stands in a contest's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum WindowState {
    /// 未开始.
    NotYet,
    /// 进行中.
    Open,
    /// 已结束.
    Over,
}

impl WindowState {
    /// The window `starts_on..=ends_on` on `day`.
    pub fn of(starts_on: NaiveDate, ends_on: NaiveDate, day: NaiveDate) -> WindowState {
        if day < starts_on {
            Self::NotYet
        } else if day > ends_on {
            Self::Over
        } else {
            Self::Open
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotYet => "not_yet",
            Self::Open => "open",
            Self::Over => "over",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotYet => "未开始",
            Self::Open => "进行中",
            Self::Over => "已结束",
        }
    }
}

/// The positions in the pool of one member's paper: `count` consecutive positions (wrapping)
/// from `(member_id × 31 + contest_id) mod pool`; all of the pool when it is no larger than
/// `count`. The same for the same ids on any machine (the demo data computes it in SQL).
pub fn draw(contest_id: i64, member_id: i64, pool: usize, count: u32) -> Vec<usize> {
    if pool == 0 {
        return Vec::new();
    }
    let n = usize::try_from(count).unwrap_or(usize::MAX).min(pool);
    let pool_i = i64::try_from(pool).unwrap_or(i64::MAX);
    let offset = member_id.wrapping_mul(31).wrapping_add(contest_id).rem_euclid(pool_i);
    let offset = usize::try_from(offset).unwrap_or(0);
    (0..n).map(|k| (offset + k) % pool).collect()
}

/// Why a member may not answer a contest, in Chinese (the message next to the answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Answered,
    NotYet,
    Over,
    NotEligible,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Self::Answered => "您已提交过本次竞赛的答卷，每人只能答一次",
            Self::NotYet => "竞赛尚未开始，请在答题时间内作答",
            Self::Over => "竞赛已结束，不能再提交答卷",
            Self::NotEligible => "本次竞赛只限举办组织所属的正式党员和预备党员参加",
        }
    }
}

/// Whether a member may hand in a paper on `day`: eligible, within the window, once.
pub fn may_answer(
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    day: NaiveDate,
    eligible: bool,
    answered: bool,
) -> Result<(), Refusal> {
    if answered {
        return Err(Refusal::Answered);
    }
    if !eligible {
        return Err(Refusal::NotEligible);
    }
    match WindowState::of(starts_on, ends_on, day) {
        WindowState::NotYet => Err(Refusal::NotYet),
        WindowState::Over => Err(Refusal::Over),
        WindowState::Open => Ok(()),
    }
}

/// The participation and scores of an org's subtree in a contest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Participation {
    /// Full and probationary members of the subtree on the window's first day.
    pub eligible: u64,
    /// Those of them who handed in a paper.
    pub answered: u64,
    /// Their scores together.
    pub score_sum: u64,
}

impl Participation {
    pub fn add(&mut self, other: Participation) {
        self.eligible += other.eligible;
        self.answered += other.answered;
        self.score_sum += other.score_sum;
    }

    /// Participation in percent with one decimal, "87.5"; "—" with nobody eligible.
    pub fn rate(&self) -> String {
        tenths(self.answered * 1000, self.eligible).map_or_else(|| "—".into(), |t| format!("{}.{}", t / 10, t % 10))
    }

    /// The average score of those who answered, one decimal, "8.3"; "—" when nobody did.
    pub fn average(&self) -> String {
        tenths(self.score_sum * 10, self.answered).map_or_else(|| "—".into(), |t| format!("{}.{}", t / 10, t % 10))
    }
}

/// `num / den` rounded half up, in whatever unit `num` carries; `None` for a zero `den`.
fn tenths(num: u64, den: u64) -> Option<u64> {
    (num + den / 2).checked_div(den)
}
