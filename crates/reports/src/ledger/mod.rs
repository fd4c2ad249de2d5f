//! One org's year ledger (组织生活台账): the records of its organizational life, its compliance
//! with the rules and the consistency of its records, as plain data the caller fills from the
//! database, checked by [`check`] and rendered by [`write_xlsx`] and [`write_pdf`].
//!
//! Nothing here reads the clock: the caller gives the as-of date.

mod check;
mod pdf;
mod xlsx;

use serde::Serialize;

pub use self::check::{ConsistencyIssue, check};
pub use self::pdf::write_pdf;
pub use self::xlsx::write_xlsx;
pub use crate::font::{CjkFont, find_cjk_font};

/// The ledger of one org for one year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LedgerDoc {
    /// The org's name (高一年级党支部).
    pub org_name: String,
    /// The org's name path from the top (教育局党委/第一中学党总支/高一年级党支部).
    pub org_path_names: String,
    /// The calendar year.
    pub year: i32,
    /// The date the ledger is as of, `YYYY-MM-DD`, given by the caller (never the clock).
    pub as_of: String,
    /// Who generated it (the account's display name).
    pub generated_by: String,
    /// All meeting records of the year, by date.
    pub meetings: Vec<LedgerMeeting>,
    /// The 民主评议 ratings of the year.
    pub appraisals: Vec<AppraisalLine>,
    /// The 谈心谈话 records of the year, by date.
    pub talks: Vec<TalkLine>,
    /// The year's compliance with each requirement that applies to the org.
    pub compliance: Vec<ComplianceLine>,
    /// The findings of the rules for the year, as of [`LedgerDoc::as_of`].
    pub findings: Vec<FindingLine>,
}

/// One meeting record, with the fields of the record book (forms.md §2.1) and the votes of
/// meetings that vote (§2.1 "Meetings that vote").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LedgerMeeting {
    /// The kind's label: 支部党员大会, 支部委员会会议, 党小组会, 党课, 主题党日, 组织生活会 ….
    pub kind_label: String,
    /// The date held, `YYYY-MM-DD`.
    pub held_on: String,
    /// The start time, `HH:MM` (empty when not recorded).
    pub start_time: String,
    /// 地点.
    pub place: String,
    /// 主题 (会议名称).
    pub topic: String,
    /// 主持人.
    pub host: String,
    /// 记录人.
    pub recorder: String,
    /// 授课人 of a 党课 (empty for other kinds).
    pub lecturer: String,
    /// 第一议题: what was studied first (empty when not recorded).
    pub first_agenda_item: String,
    /// 应到人数.
    pub expected: u32,
    /// 实到人数.
    pub present: u32,
    /// 请假人数.
    pub excused: u32,
    /// 缺席人数 (absent without leave).
    pub absent: u32,
    /// Members with voting rights (full members) who should attend (有表决权的应到人数).
    pub voting_expected: u32,
    /// Members with voting rights present (有表决权的实到人数).
    pub voting_present: u32,
    /// Who did not attend, with why.
    pub absentees: Vec<Absentee>,
    /// Who attended (the sign-in list), by name.
    pub attendees: Vec<String>,
    /// 主要内容: the minutes as plain text (the caller strips any HTML); line breaks kept.
    pub minutes_text: String,
    /// 会议决议, with their votes.
    pub resolutions: Vec<Resolution>,
    /// The attachments' file names.
    pub attachments: Vec<String>,
    /// The quorum statement, e.g. "有表决权的党员应到12人，实到10人，超过半数" (empty when the
    /// meeting did not vote).
    pub quorum_note: String,
    /// The record's corrections, e.g. "2026-11-20 张三更正：出席人数录错" (empty when never
    /// corrected): a corrected record is shown as corrected, never silently rewritten.
    pub corrections: String,
}

/// Someone who did not attend a meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Absentee {
    /// The member's name.
    pub name: String,
    /// The attendance label: 请假 or 缺席.
    pub attendance_label: String,
    /// The reason given (empty when none).
    pub reason: String,
}

/// A resolution of a meeting and its vote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Resolution {
    /// What was resolved.
    pub text: String,
    /// Members with voting rights present for this vote.
    pub voters_present: u32,
    /// 赞成.
    pub yes: u32,
    /// 反对.
    pub no: u32,
    /// 弃权.
    pub abstain: u32,
    /// Whether the record says it passed (checked by [`check`] against the majority of the
    /// voting members who should attend).
    pub passed: bool,
}

/// One member's 民主评议 rating.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppraisalLine {
    /// The member's name.
    pub member_name: String,
    /// The rating's label: 优秀, 合格, 基本合格 or 不合格.
    pub rating_label: String,
}

/// One 谈心谈话 record (forms.md §2.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TalkLine {
    /// The date, `YYYY-MM-DD`.
    pub held_on: String,
    /// 地点.
    pub place: String,
    /// 谈话人.
    pub talker: String,
    /// 谈话对象.
    pub talkee: String,
    /// 类型/原因 (岗位变动, 家庭变故 …).
    pub reason: String,
    /// 主要内容, summarized, plain text.
    pub summary: String,
}

/// The year's compliance with one requirement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ComplianceLine {
    /// The rule's ID (shared/rules.md), e.g. MTG-COMMITTEE.
    pub rule_id: String,
    /// The requirement in words, e.g. "支委会每月1次".
    pub requirement: String,
    /// Where the rule comes from, e.g. 《中国共产党支部工作条例（试行）》第十二条.
    pub citation: String,
    /// Meetings required in the year so far.
    pub required: u32,
    /// Meetings held that count.
    pub held: u32,
    /// Whether the requirement is met.
    pub met: bool,
    /// The periods missed, in words (e.g. "2月、5月"); empty when none.
    pub missed_periods: String,
}

/// One finding of the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FindingLine {
    /// The rule's ID.
    pub rule_id: String,
    /// The severity's label (严重, 一般, 提示 …).
    pub severity_label: String,
    /// The period, in words (2025年3月, 2025年第一季度 …).
    pub period: String,
    /// What is wrong.
    pub message: String,
    /// Where the rule comes from.
    pub citation: String,
    /// The org's explanation, when it gave one.
    pub explanation: Option<String>,
}

impl LedgerMeeting {
    /// How the meeting is named in messages: "2025-03-05 支部党员大会".
    pub fn name(&self) -> String {
        format!("{} {}", self.held_on, self.kind_label).trim().to_string()
    }

    /// 时间: date and start time.
    pub fn time_text(&self) -> String {
        format!("{} {}", self.held_on, self.start_time).trim().to_string()
    }

    /// 缺席人员及原因: "张三（请假：出差）；李四（缺席）".
    pub fn absentees_text(&self) -> String {
        self.absentees
            .iter()
            .map(|a| {
                let what = match (a.attendance_label.trim(), a.reason.trim()) {
                    ("", "") => String::new(),
                    (label, "") => format!("（{label}）"),
                    ("", reason) => format!("（{reason}）"),
                    (label, reason) => format!("（{label}：{reason}）"),
                };
                format!("{}{what}", a.name)
            })
            .collect::<Vec<_>>()
            .join("；")
    }
}

impl Resolution {
    /// The vote in words: "到会有表决权12人，赞成11票，反对0票，弃权1票，通过".
    pub fn vote_text(&self) -> String {
        format!(
            "到会有表决权{}人，赞成{}票，反对{}票，弃权{}票，{}",
            self.voters_present,
            self.yes,
            self.no,
            self.abstain,
            if self.passed { "通过" } else { "未通过" }
        )
    }
}

#[cfg(test)]
pub(crate) mod sample;
