//! Periods of organizational life: month, two months, quarter, half-year and year.
//!
//! The frequencies of rules.md are stated per period (§10: 党员大会 once per quarter, MTG-ASSEMBLY;
//! 支委会, 党小组会 and 主题党日 once per month, MTG-COMMITTEE / MTG-GROUP / MTG-THEME-DAY;
//! 组织生活会, 民主评议 and 谈心谈话 at least once per year, MTG-ORG-LIFE / MTG-EVAL / MTG-TALK; the
//! theory study group's sessions once every two months, STUDY-GROUP).
//! A [`Period`] is computed from a local calendar date only; nothing here reads the clock.
//!
//! Every period is aligned to the calendar: months start on the 1st, quarters in January, April,
//! July and October, two months in January, March, May, July, September and November, half-years
//! in January and July, years on 1 January. `end` is inclusive.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The length of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    TwoMonths,
    Quarter,
    HalfYear,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 5] = [Self::Month, Self::TwoMonths, Self::Quarter, Self::HalfYear, Self::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::TwoMonths => "two_months",
            Self::Quarter => "quarter",
            Self::HalfYear => "half_year",
            Self::Year => "year",
        }
    }

    /// "月", "季度", "半年", "年".
    pub fn label(self) -> &'static str {
        match self {
            Self::Month => "月",
            Self::TwoMonths => "两个月",
            Self::Quarter => "季度",
            Self::HalfYear => "半年",
            Self::Year => "年",
        }
    }

    /// "每月", "每季度", "每半年", "每年": for rule texts.
    pub fn every(self) -> &'static str {
        match self {
            Self::Month => "每月",
            Self::TwoMonths => "每两个月",
            Self::Quarter => "每季度",
            Self::HalfYear => "每半年",
            Self::Year => "每年",
        }
    }

    /// Accepts the identifier, the label or the "每…" form.
    pub fn parse(s: &str) -> Option<PeriodKind> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.label() == s || k.every() == s)
    }

    /// Length in months: 1, 2, 3, 6 or 12.
    pub fn months(self) -> u32 {
        match self {
            Self::Month => 1,
            Self::TwoMonths => 2,
            Self::Quarter => 3,
            Self::HalfYear => 6,
            Self::Year => 12,
        }
    }

    /// How many periods of this kind make a year: 12, 6, 4, 2 or 1.
    pub fn per_year(self) -> u32 {
        12 / self.months()
    }
}

/// A calendar-aligned period, from `start` to `end` inclusive. Only [`Period::containing`] and
/// [`Period::in_year`] make one, so a value always is a real month, quarter, half-year or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    kind: PeriodKind,
    start: NaiveDate,
    end: NaiveDate,
}

/// The last day of a month (28, 29, 30 or 31).
fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    (28..=31).rev().find_map(|day| NaiveDate::from_ymd_opt(year, month, day))
}

const QUARTER_NUMERALS: [&str; 4] = ["一", "二", "三", "四"];

/// "一", "二", "三", "四" for quarter 1..=4 (the number itself otherwise).
pub fn quarter_numeral(quarter: u32) -> String {
    usize::try_from(quarter)
        .ok()
        .and_then(|q| q.checked_sub(1))
        .and_then(|i| QUARTER_NUMERALS.get(i))
        .map_or_else(|| quarter.to_string(), |s| (*s).to_string())
}

impl Period {
    /// The period of `kind` that contains `date`. Total: works for every representable date.
    pub fn containing(kind: PeriodKind, date: NaiveDate) -> Period {
        let months = kind.months();
        let first_month = date.month0() / months * months + 1;
        let last_month = first_month + months - 1;
        // Day 1 of a month in 1..=12 and the last day of a month always exist for a year that
        // `date` itself lies in; the fallbacks are unreachable.
        let start = NaiveDate::from_ymd_opt(date.year(), first_month, 1).unwrap_or(date);
        let end = last_day_of_month(date.year(), last_month).unwrap_or(date);
        Period { kind, start, end }
    }

    /// The periods of `kind` in calendar year `year`, in order (12 months, 4 quarters, 2
    /// half-years or 1 year). Empty for a year outside the dates chrono can represent.
    pub fn in_year(kind: PeriodKind, year: i32) -> Vec<Period> {
        (0..kind.per_year())
            .filter_map(|i| NaiveDate::from_ymd_opt(year, i * kind.months() + 1, 1))
            .map(|first| Period::containing(kind, first))
            .collect()
    }

    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last day (inclusive).
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The calendar year the period lies in.
    pub fn year(&self) -> i32 {
        self.start.year()
    }

    /// The position of the period in its year, from 1: the month number, the quarter number
    /// (1–4), the half (1–2), or 1 for a year.
    pub fn index(&self) -> u32 {
        self.start.month0() / self.kind.months() + 1
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Whether the period is over on `as_of`: its last day lies before `as_of`. On its last day
    /// a period is still open (a meeting may still be held that day).
    pub fn has_ended(&self, as_of: NaiveDate) -> bool {
        self.end < as_of
    }

    /// Whether the period has not begun on `as_of`.
    pub fn is_future(&self, as_of: NaiveDate) -> bool {
        as_of < self.start
    }

    /// The following period of the same kind; `None` after the last representable date.
    pub fn next(&self) -> Option<Period> {
        self.end.succ_opt().map(|d| Period::containing(self.kind, d))
    }

    /// The preceding period of the same kind; `None` before the first representable date.
    pub fn prev(&self) -> Option<Period> {
        self.start.pred_opt().map(|d| Period::containing(self.kind, d))
    }

    /// Number of days in the period.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// "2025年3月", "2025年第一季度", "2025年上半年", "2025年".
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Year => format!("{}年", self.year()),
            _ => format!("{}年{}", self.year(), self.short_label()),
        }
    }

    /// The label without the year, for short texts such as "补录3月支委会": "3月", "第一季度",
    /// "上半年"; a year keeps its number ("2025年").
    pub fn short_label(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("{}月", self.start.month()),
            PeriodKind::TwoMonths => format!("{}–{}月", self.start.month(), self.end.month()),
            PeriodKind::Quarter => format!("第{}季度", quarter_numeral(self.index())),
            PeriodKind::HalfYear => (if self.index() == 1 { "上半年" } else { "下半年" }).to_string(),
            PeriodKind::Year => format!("{}年", self.year()),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}
