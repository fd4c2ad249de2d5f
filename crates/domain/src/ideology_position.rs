//! 意识形态阵地 (IDEOLOGY-RESP, rules.md §12, **L**): under the responsibility system for
//! ideological work, a committee keeps a register of its ideological positions (forums, lectures,
//! report meetings, seminars, online accounts, publications, exhibition boards), each with the
//! person responsible, who approved it and when, and when it was last reviewed.
//!
//! A position is due for review a year after its last review (or its approval, when never
//! reviewed); the register marks those overdue. The frequency of review is the usual yearly
//! practice, not a national figure, so it is shown, never scored.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::dates::parse_date;

/// The kind of position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PositionKind {
    /// 论坛.
    Forum,
    /// 讲座.
    Lecture,
    /// 报告会.
    ReportMeeting,
    /// 研讨会.
    Seminar,
    /// 网站、公众号等网络平台.
    OnlineAccount,
    /// 校报、刊物等出版物.
    Publication,
    /// 宣传栏、展板.
    ExhibitionBoard,
}

impl PositionKind {
    pub const ALL: [PositionKind; 7] = [
        Self::Forum,
        Self::Lecture,
        Self::ReportMeeting,
        Self::Seminar,
        Self::OnlineAccount,
        Self::Publication,
        Self::ExhibitionBoard,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Forum => "forum",
            Self::Lecture => "lecture",
            Self::ReportMeeting => "report_meeting",
            Self::Seminar => "seminar",
            Self::OnlineAccount => "online_account",
            Self::Publication => "publication",
            Self::ExhibitionBoard => "exhibition_board",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Forum => "论坛",
            Self::Lecture => "讲座",
            Self::ReportMeeting => "报告会",
            Self::Seminar => "研讨会",
            Self::OnlineAccount => "网络平台（网站、公众号等）",
            Self::Publication => "出版物（校报、刊物等）",
            Self::ExhibitionBoard => "宣传栏、展板",
        }
    }

    pub fn parse(s: &str) -> Option<PositionKind> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.label() == s)
    }
}

crate::stored_code!(PositionKind => "ideology position kind");

/// A position as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PositionInput {
    /// A kind: "forum", "lecture", "report_meeting", "seminar", "online_account", "publication",
    /// "exhibition_board" (or its label).
    pub kind: String,
    /// 名称: "校园公众号“一中青年”".
    pub name: String,
    /// 责任人 (name and post).
    pub responsible: String,
    /// 审批单位或审批人.
    pub approved_by: String,
    /// 审批日期, "2026-03-01".
    pub approved_on: String,
    /// 最近复查日期 (empty: not reviewed yet).
    pub reviewed_on: String,
    /// 备注.
    pub note: String,
}

/// A position that reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub kind: PositionKind,
    pub name: String,
    pub responsible: String,
    pub approved_by: String,
    pub approved_on: NaiveDate,
    pub reviewed_on: Option<NaiveDate>,
    pub note: String,
}

impl PositionInput {
    /// Checks the typed position; every field that does not read is named.
    pub fn check(&self, today: NaiveDate) -> Result<Position, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = PositionKind::parse(&self.kind);
        if kind.is_none() {
            e.add("kind", "请选择阵地类别");
        }
        let text = |e: &mut FieldErrors, field: &str, label: &str, value: &str, max: usize| {
            let v = value.trim();
            if v.is_empty() {
                e.add(field, format!("请填写{label}"));
            } else if v.chars().count() > max {
                e.add(field, format!("{label}不能超过 {max} 个字"));
            }
            v.to_string()
        };
        let name = text(&mut e, "name", "阵地名称", &self.name, 100);
        let responsible = text(&mut e, "responsible", "责任人", &self.responsible, 50);
        let approved_by = text(&mut e, "approved_by", "审批单位或审批人", &self.approved_by, 100);
        let day = |e: &mut FieldErrors, field: &str, value: &str| match parse_date(value) {
            Ok(d) if d > today => {
                e.add(field, "日期不能晚于今天");
                None
            }
            Ok(d) => Some(d),
            Err(err) => {
                e.add(field, err.to_string());
                None
            }
        };
        let approved_on = day(&mut e, "approved_on", &self.approved_on);
        let reviewed_on =
            if self.reviewed_on.trim().is_empty() { None } else { day(&mut e, "reviewed_on", &self.reviewed_on) };
        if let (Some(a), Some(r)) = (approved_on, reviewed_on)
            && r < a
        {
            e.add("reviewed_on", "复查日期不能早于审批日期");
        }
        if self.note.trim().chars().count() > 500 {
            e.add("note", "备注不能超过 500 个字");
        }
        match (kind, approved_on) {
            (Some(kind), Some(approved_on)) if e.is_empty() => Ok(Position {
                kind,
                name,
                responsible,
                approved_by,
                approved_on,
                reviewed_on,
                note: self.note.trim().to_string(),
            }),
            _ => Err(e),
        }
    }
}

/// The day a position is next due for review: a year after its last review, or its approval.
pub fn review_due(approved_on: NaiveDate, reviewed_on: Option<NaiveDate>) -> NaiveDate {
    let from = reviewed_on.unwrap_or(approved_on);
    from.checked_add_months(Months::new(12)).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    fn input() -> PositionInput {
        PositionInput {
            kind: "online_account".into(),
            name: "校园公众号".into(),
            responsible: "王某（宣传委员）".into(),
            approved_by: "学校党委".into(),
            approved_on: "2025-03-01".into(),
            reviewed_on: String::new(),
            note: String::new(),
        }
    }

    #[test]
    fn ideology_resp_a_position_reads_or_names_its_fields() {
        let p = input().check(d(2026, 12, 1)).unwrap();
        assert_eq!(p.kind, PositionKind::OnlineAccount);
        let bad =
            PositionInput { kind: "x".into(), responsible: " ".into(), reviewed_on: "2025-01-01".into(), ..input() };
        let e = bad.check(d(2026, 12, 1)).unwrap_err();
        assert!(e.get("kind").is_some() && e.get("responsible").is_some() && e.get("reviewed_on").is_some(), "{e:?}");
        assert!(input().check(d(2025, 2, 28)).unwrap_err().get("approved_on").is_some());
        assert_eq!(PositionKind::parse("宣传栏、展板"), Some(PositionKind::ExhibitionBoard));
    }

    #[test]
    fn ideology_resp_a_position_is_due_for_review_a_year_after_the_last() {
        assert_eq!(review_due(d(2025, 3, 1), None), d(2026, 3, 1));
        assert_eq!(review_due(d(2025, 3, 1), Some(d(2026, 2, 28))), d(2027, 2, 28));
        assert_eq!(review_due(d(2024, 2, 29), None), d(2025, 2, 28));
    }
}
