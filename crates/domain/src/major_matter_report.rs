//! 重大事项请示报告 (REPORT-ONE-MATTER, rules.md §12): a request (请示) deals with one matter and
//! goes to one superior, the next level up, never skipping one; a report (报告) carries no request
//! inside it; the superior answers in good time.
//!
//! What is kept when a request or report is written ([`check_submission`]): a request names
//! exactly one matter; it goes to the org's parent (the superior the form offers; any other org
//! is refused as skipping a level); a report's text asks for nothing ("请批示", "请批准", "妥否" …
//! are a request's words). What the engine finds ([`crate::family::org_life`],
//! `Check::AnswerWithin`): a request pending with its superior longer than the answer deadline, a
//! finding for the superior, so the flow measures the upper level too.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::FieldErrors;

/// The rule's ID, for refusals and findings.
pub const RULE_ID: &str = "REPORT-ONE-MATTER";
/// The rule's citation.
pub const CITATION: &str = "《中国共产党重大事项请示报告条例》（2019）（条款序号待核实）";

/// The words with which a text asks its superior to decide: a report that uses them carries a
/// request inside it.
pub const REQUEST_WORDS: [&str; 8] = ["请批示", "请批准", "请审批", "请予批准", "妥否", "请审定", "请予审批", "请核准"];

/// 请示 or 报告.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReportKind {
    /// 请示: asks the superior to decide one matter; answered.
    Request,
    /// 报告: tells the superior; carries no request and needs no answer.
    Report,
}

impl ReportKind {
    pub const ALL: [ReportKind; 2] = [Self::Request, Self::Report];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Report => "report",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Request => "请示",
            Self::Report => "报告",
        }
    }

    pub fn parse(s: &str) -> Option<ReportKind> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.label() == s)
    }
}

/// Where a request or report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReportState {
    /// A request awaiting its superior's answer.
    Pending,
    /// Answered (批复).
    Answered,
    /// Returned for more information (退回补充); the sender may submit it again.
    Returned,
    /// Forwarded by the superior to the level above (转报); the forwarded copy awaits its answer.
    Forwarded,
    /// A report, received (已报送).
    Filed,
}

impl ReportState {
    pub const ALL: [ReportState; 5] = [Self::Pending, Self::Answered, Self::Returned, Self::Forwarded, Self::Filed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Answered => "answered",
            Self::Returned => "returned",
            Self::Forwarded => "forwarded",
            Self::Filed => "filed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待答复",
            Self::Answered => "已批复",
            Self::Returned => "退回补充",
            Self::Forwarded => "已转报上级",
            Self::Filed => "已报送",
        }
    }
}

/// What the superior does with a pending request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Response {
    /// 批复.
    Answer,
    /// 退回补充.
    Return,
    /// 转报上级.
    Forward,
}

impl Response {
    pub fn parse(s: &str) -> Option<Response> {
        match s.trim() {
            "answer" | "批复" => Some(Self::Answer),
            "return" | "退回补充" => Some(Self::Return),
            "forward" | "转报上级" => Some(Self::Forward),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Answer => "批复",
            Self::Return => "退回补充",
            Self::Forward => "转报上级",
        }
    }

    /// The state it leaves the request in.
    pub fn state(self) -> ReportState {
        match self {
            Self::Answer => ReportState::Answered,
            Self::Return => ReportState::Returned,
            Self::Forward => ReportState::Forwarded,
        }
    }
}

/// A request or report as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission<'a> {
    pub kind: Option<ReportKind>,
    pub title: &'a str,
    /// The matters a request asks about, one per line.
    pub matters: &'a str,
    pub body: &'a str,
    /// The org it is sent to, as named (None: the parent).
    pub to_org: Option<i64>,
    /// The sender's parent (None: the sender is at the top of the tree).
    pub parent: Option<i64>,
}

/// The one matter of a checked request (empty for a report).
pub fn matters_of(typed: &str) -> Vec<String> {
    typed.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// Checks a request or report; refusals name REPORT-ONE-MATTER on the field that caused them.
pub fn check_submission(s: &Submission<'_>) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    let refuse = |e: &mut FieldErrors, field: &str, message: String| e.add_rule(field, message, RULE_ID, CITATION);
    let title = s.title.trim();
    if title.is_empty() {
        e.add("title", "请填写标题");
    } else if title.chars().count() > 200 {
        e.add("title", "标题不能超过 200 个字");
    }
    if s.body.chars().count() > 20_000 {
        e.add("body", "正文不能超过 20000 字，较长的材料请作为附件");
    }
    let matters = matters_of(s.matters);
    match s.kind {
        None => e.add("kind", "请选择请示或报告"),
        Some(ReportKind::Request) => match matters.len() {
            0 => e.add("matters", "请填写请示事项"),
            1 if matters[0].chars().count() > 500 => e.add("matters", "请示事项不能超过 500 个字"),
            1 => {}
            n => refuse(&mut e, "matters", format!("一份请示只能请示一个事项（一文一事），现有{n}项，请分别请示")),
        },
        Some(ReportKind::Report) => {
            if !matters.is_empty() {
                refuse(&mut e, "matters", "报告中不得夹带请示事项；需要上级决定的，请另行请示".into());
            }
            if let Some(w) = REQUEST_WORDS.iter().find(|w| s.body.contains(*w) || s.title.contains(*w)) {
                refuse(&mut e, "body", format!("报告中不得夹带请示事项（出现“{w}”）；需要上级决定的，请另行请示"));
            }
        }
    }
    match (s.parent, s.to_org) {
        (None, _) => refuse(&mut e, "to_org_id", "本组织没有上级党组织，无法请示报告".into()),
        (Some(p), Some(to)) if p != to => {
            refuse(&mut e, "to_org_id", "请示报告应报送直接上级党组织，不得越级".into());
        }
        _ => {}
    }
    e.into_result(())
}

/// The day an answer is due: `days` after the request reached its superior.
pub fn answer_due(received_on: NaiveDate, days: u32) -> NaiveDate {
    received_on.checked_add_days(Days::new(u64::from(days))).unwrap_or(NaiveDate::MAX)
}

crate::stored_code!(ReportKind => "请示报告 kind", ReportState => "请示报告 state");

#[cfg(test)]
mod tests {
    use super::*;

    fn request(matters: &str) -> Submission<'_> {
        Submission {
            kind: Some(ReportKind::Request),
            title: "关于调整党支部设置的请示",
            matters,
            body: "妥否，请批示。",
            to_org: None,
            parent: Some(1),
        }
    }

    #[test]
    fn report_one_matter_refuses_a_request_with_two_matters() {
        assert!(check_submission(&request("调整党支部设置")).is_ok());
        let e = check_submission(&request("调整党支部设置\n增补支部委员")).unwrap_err();
        assert!(e.get("matters").unwrap().contains("一文一事"), "{e:?}");
        assert_eq!(e.rule().map(|r| r.rule_id.as_str()), Some(RULE_ID));
        assert!(check_submission(&request("  \n ")).unwrap_err().get("matters").is_some());
    }

    #[test]
    fn report_one_matter_refuses_a_request_that_skips_a_level() {
        let skip = Submission { to_org: Some(9), ..request("调整党支部设置") };
        assert!(check_submission(&skip).unwrap_err().get("to_org_id").unwrap().contains("不得越级"));
        assert!(check_submission(&Submission { to_org: Some(1), ..request("调整党支部设置") }).is_ok());
        let top = Submission { parent: None, ..request("调整党支部设置") };
        assert!(check_submission(&top).is_err());
    }

    #[test]
    fn report_one_matter_refuses_a_report_carrying_a_request() {
        let report = Submission {
            kind: Some(ReportKind::Report),
            title: "关于上半年党建工作情况的报告",
            matters: "",
            body: "上半年召开支部党员大会2次。",
            to_org: None,
            parent: Some(1),
        };
        assert!(check_submission(&report).is_ok());
        let asking = Submission { body: "另拟增补委员1名，妥否，请批示。", ..report.clone() };
        assert!(
            check_submission(&asking).unwrap_err().get("body").unwrap().contains("不得夹带请示事项（出现“请批示”）")
        );
        let with_matter = Submission { matters: "增补委员", ..report };
        assert!(check_submission(&with_matter).unwrap_err().get("matters").is_some());
    }

    #[test]
    fn report_one_matter_answer_due_counts_calendar_days() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or(NaiveDate::MIN);
        assert_eq!(answer_due(d(11, 2), 15), d(11, 17));
        assert_eq!(Response::parse("转报上级").map(Response::state), Some(ReportState::Forwarded));
    }
}
