//! Events on sensitive dates (敏感时间节点活动, IDEOLOGY-RESP, rules.md §12, **L**): under the
//! responsibility system for ideological work, a report meeting, seminar, lecture, forum or
//! exhibition held on a day the committee marks as sensitive is approved beforehand ("一会一报",
//! 谁主办谁负责), and the record says who approved it and when.
//!
//! Which days are sensitive is the committee's setting (`ideology.sensitive_days`, a list of days
//! and ranges), read as of the event's own day. On such a day the approval is required and must
//! precede the event; an event recorded without it is refused, naming the rule. On other days the
//! approval is recorded when there was one.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::dates::parse_date;
use crate::ideology_position::PositionKind;

/// The rule an event on a sensitive day answers to.
pub const RULE_ID: &str = "IDEOLOGY-RESP";
pub const CITATION: &str = "意识形态工作责任制有关规定（敏感时间节点由党委设定，地方规定）";

/// How far ahead an event may be registered: a year (events are approved before they are held).
const AHEAD_DAYS: u64 = 366;

/// An event as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventInput {
    /// The kind of event, as for a position: "forum", "lecture", "report_meeting", "seminar",
    /// "online_account", "publication", "exhibition_board" (or its label).
    pub kind: String,
    /// 活动名称.
    pub title: String,
    /// 举办日期, "2026-06-03" (may lie ahead: an event is registered when approved).
    pub held_on: String,
    /// 地点或平台.
    pub place: String,
    /// 主讲人或发布人 (empty when none).
    pub speaker: String,
    /// 主办单位和责任人.
    pub responsible: String,
    /// 审批单位或审批人 (required on a sensitive day).
    pub approved_by: String,
    /// 审批日期 (required on a sensitive day; on or before the event's day).
    pub approved_on: String,
    /// 备注.
    pub note: String,
}

/// An event that reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: PositionKind,
    pub title: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub speaker: String,
    pub responsible: String,
    /// Who approved it and when, when it was approved.
    pub approval: Option<(String, NaiveDate)>,
    /// Whether its day is sensitive under the committee's setting on that day.
    pub sensitive: bool,
    pub note: String,
}

impl EventInput {
    /// The day the event is held, if it reads: the day whose setting decides whether it is
    /// sensitive.
    pub fn held_on(&self) -> Option<NaiveDate> {
        parse_date(&self.held_on).ok()
    }

    /// Checks the typed event against IDEOLOGY-RESP, given the sensitive days in force on its
    /// day; every field that does not read is named, and a refusal under the rule names it.
    pub fn check(&self, today: NaiveDate, sensitive_days: &BTreeSet<NaiveDate>) -> Result<Event, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = PositionKind::parse(&self.kind);
        if kind.is_none() {
            e.add("kind", "请选择活动类别");
        }
        let text = |e: &mut FieldErrors, field: &str, label: &str, value: &str, max: usize, required: bool| {
            let v = value.trim();
            if v.is_empty() && required {
                e.add(field, format!("请填写{label}"));
            } else if v.chars().count() > max {
                e.add(field, format!("{label}不能超过 {max} 个字"));
            }
            v.to_string()
        };
        let title = text(&mut e, "title", "活动名称", &self.title, 200, true);
        let place = text(&mut e, "place", "地点或平台", &self.place, 100, true);
        let speaker = text(&mut e, "speaker", "主讲人或发布人", &self.speaker, 100, false);
        let responsible = text(&mut e, "responsible", "主办单位和责任人", &self.responsible, 100, true);
        let approved_by = text(&mut e, "approved_by", "审批单位或审批人", &self.approved_by, 100, false);
        let note = text(&mut e, "note", "备注", &self.note, 500, false);
        let latest = today.checked_add_days(Days::new(AHEAD_DAYS)).unwrap_or(today);
        let held_on = match parse_date(&self.held_on) {
            Ok(d) if d > latest => {
                e.add("held_on", "举办日期不能晚于一年以后");
                None
            }
            Ok(d) => Some(d),
            Err(err) => {
                e.add("held_on", err.to_string());
                None
            }
        };
        let approved_on = if self.approved_on.trim().is_empty() {
            None
        } else {
            match parse_date(&self.approved_on) {
                Ok(d) if d > today => {
                    e.add("approved_on", "审批日期不能晚于今天");
                    None
                }
                Ok(d) => Some(d),
                Err(err) => {
                    e.add("approved_on", err.to_string());
                    None
                }
            }
        };
        let sensitive = held_on.is_some_and(|d| sensitive_days.contains(&d));
        let refuse = |e: &mut FieldErrors, field: &str, message: &str| e.add_rule(field, message, RULE_ID, CITATION);
        match (approved_by.is_empty(), approved_on, self.approved_on.trim().is_empty()) {
            (true, None, true) if sensitive => {
                refuse(
                    &mut e,
                    "approved_on",
                    "该日期是党委设定的敏感时间节点，活动须事先经审批，请填写审批单位和审批日期",
                );
            }
            (true, Some(_), _) => e.add("approved_by", "请填写审批单位或审批人"),
            (false, None, true) => e.add("approved_on", "请填写审批日期"),
            _ => {}
        }
        if let (Some(a), Some(h)) = (approved_on, held_on)
            && a > h
        {
            if sensitive {
                refuse(&mut e, "approved_on", "敏感时间节点的活动须在举办前审批，审批日期不能晚于举办日期");
            } else {
                e.add("approved_on", "审批日期不能晚于举办日期");
            }
        }
        match (kind, held_on) {
            (Some(kind), Some(held_on)) if e.is_empty() => Ok(Event {
                kind,
                title,
                held_on,
                place,
                speaker,
                responsible,
                approval: approved_on.map(|d| (approved_by, d)),
                sensitive,
                note,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    fn input(held_on: &str) -> EventInput {
        EventInput {
            kind: "report_meeting".into(),
            title: "形势政策报告会".into(),
            held_on: held_on.into(),
            place: "学校报告厅".into(),
            speaker: "李某".into(),
            responsible: "学校党委（宣传委员王某）".into(),
            ..EventInput::default()
        }
    }

    fn sensitive() -> BTreeSet<NaiveDate> {
        crate::calendar::parse_days("2026-06-01..2026-06-05").unwrap_or_default()
    }

    #[test]
    fn ideology_resp_an_event_on_a_sensitive_day_needs_its_approval() {
        let today = d(2026, 12, 1);
        // The day before the range and the day after: no approval needed.
        assert!(!input("2026-05-31").check(today, &sensitive()).unwrap().sensitive);
        assert!(!input("2026-06-06").check(today, &sensitive()).unwrap().sensitive);
        // The first and the last day of the range: refused without approval, naming the rule.
        for day in ["2026-06-01", "2026-06-05"] {
            let e = input(day).check(today, &sensitive()).unwrap_err();
            let rule = e.rule().map(|r| r.rule_id.clone());
            assert_eq!(rule.as_deref(), Some(RULE_ID), "{day}: {e:?}");
            assert!(e.get("approved_on").is_some());
        }
        // With its approval, on the day itself: recorded and marked sensitive.
        let approved =
            EventInput {
                approved_by: "县委教育工委".into(), approved_on: "2026-06-01".into(), ..input("2026-06-01")
            };
        let ev = approved.check(today, &sensitive()).unwrap();
        assert!(ev.sensitive);
        assert_eq!(ev.approval, Some(("县委教育工委".to_string(), d(2026, 6, 1))));
        // Approved the day after the event: refused under the rule.
        let late = EventInput { approved_on: "2026-06-02".into(), ..approved };
        assert_eq!(late.check(today, &sensitive()).unwrap_err().rule().map(|r| r.rule_id.as_str()), Some(RULE_ID));
    }

    #[test]
    fn ideology_resp_an_event_names_every_field_that_does_not_read() {
        let today = d(2026, 12, 1);
        let bad = EventInput {
            kind: "x".into(),
            title: " ".into(),
            held_on: "2028-01-01".into(),
            approved_on: "2026-12-02".into(),
            ..EventInput::default()
        };
        let e = bad.check(today, &BTreeSet::new()).unwrap_err();
        for field in ["kind", "title", "held_on", "place", "responsible", "approved_on"] {
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        }
        // An approver without a day, or a day without an approver.
        let half = EventInput { approved_by: "学校党委".into(), ..input("2026-03-01") };
        assert!(half.check(today, &BTreeSet::new()).unwrap_err().get("approved_on").is_some());
        let half = EventInput { approved_on: "2026-02-01".into(), ..input("2026-03-01") };
        assert!(half.check(today, &BTreeSet::new()).unwrap_err().get("approved_by").is_some());
        // An event ahead of today, approved today, reads.
        let ahead =
            EventInput { approved_by: "学校党委".into(), approved_on: "2026-12-01".into(), ..input("2027-06-03") };
        assert!(ahead.check(today, &BTreeSet::new()).is_ok());
    }
}
