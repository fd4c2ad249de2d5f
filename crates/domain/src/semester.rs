//! The school semesters (学期) a committee keeps, for SZK-LECTURE (a 思政课 by the secretary and
//! the principal every semester). Schools set their own calendars each year, so the calendar is a
//! committee setting; without one, the usual calendar stands: the autumn semester from 1 September
//! to the end of January, the spring semester from 1 February to the end of July.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::dates::format_cn;

/// The most semesters one calendar may list (ten years of two).
const MAX_SEMESTERS: usize = 40;

/// One semester: its first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Semester {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Semester {
    /// "2025年秋季学期" for one starting in August or later, else "2026年春季学期".
    pub fn label(&self) -> String {
        let season = if self.start.month() >= 8 { "秋季" } else { "春季" };
        format!("{}年{season}学期", self.start.year())
    }

    /// "2025年秋季学期（2025年9月1日至2026年1月31日）".
    pub fn long_label(&self) -> String {
        format!("{}（{}至{}）", self.label(), format_cn(self.start), format_cn(self.end))
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    /// The usual semesters that end in `year`: the autumn one begun the year before and the
    /// spring one.
    pub fn usual(year: i32) -> Vec<Semester> {
        let d = |y: i32, m: u32, day: u32| NaiveDate::from_ymd_opt(y, m, day);
        let autumn = d(year - 1, 9, 1).zip(d(year, 1, 31));
        let spring = d(year, 2, 1).zip(d(year, 7, 31));
        [autumn, spring].into_iter().flatten().map(|(start, end)| Semester { start, end }).collect()
    }
}

/// The semesters of a calendar that end in `year`: those listed, or the usual ones when the list
/// is empty.
pub fn ending_in(calendar: &[Semester], year: i32) -> Vec<Semester> {
    if calendar.is_empty() {
        return Semester::usual(year);
    }
    calendar.iter().copied().filter(|s| s.end.year() == year).collect()
}

/// Reads a semester calendar: ranges `2026-09-01..2027-01-22` (or `至`), separated by "、", "，",
/// ",", ";", "；" or white space. Each runs forwards, lasts at most a year, and overlaps no other.
pub fn parse_semesters(text: &str) -> Result<Vec<Semester>, String> {
    let mut out = Vec::new();
    for item in crate::calendar::day_items(text)? {
        if !item.range {
            return Err(format!("“{}”不是日期范围（应如 2026-09-01..2027-01-22）", item.text));
        }
        out.push(Semester { start: item.from, end: item.to });
        if out.len() > MAX_SEMESTERS {
            return Err(format!("学期过多（最多{MAX_SEMESTERS}个）"));
        }
    }
    out.sort_unstable();
    if let Some(w) = out.windows(2).find(|w| w[1].start <= w[0].end) {
        return Err(format!("{}与{}重叠", w[0].long_label(), w[1].long_label()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn szk_lecture_semester_calendar_reads_ranges_and_refuses_overlaps() {
        let s = parse_semesters("2026-09-01..2027-01-22、2026-02-24至2026-07-09").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].label(), "2026年春季学期");
        assert_eq!(s[1].label(), "2026年秋季学期");
        assert!(parse_semesters("2026-09-01").unwrap_err().contains("不是日期范围"));
        assert!(parse_semesters("2026-09-01..2026-08-01").unwrap_err().contains("早于"));
        assert!(parse_semesters("2026-09-01..2027-01-22、2027-01-22..2027-07-01").unwrap_err().contains("重叠"));
        assert_eq!(parse_semesters(" "), Ok(Vec::new()));
        assert_eq!(ending_in(&s, 2027).len(), 1);
        assert_eq!(ending_in(&[], 2026), Semester::usual(2026));
        assert_eq!(Semester::usual(2026)[0], Semester { start: d(2025, 9, 1), end: d(2026, 1, 31) });
    }

    proptest! {
        #[test]
        fn szk_lecture_semester_parser_never_panics(text in "\\PC{0,60}") {
            let _ = parse_semesters(&text);
        }

        #[test]
        fn szk_lecture_semesters_read_back_sorted_and_apart(a in 0u32..3000, len in 0u32..400, gap in 1u32..100) {
            let start = d(2020, 1, 1) + chrono::Days::new(u64::from(a));
            let end = start + chrono::Days::new(u64::from(len.min(366)));
            let next = end + chrono::Days::new(u64::from(gap));
            let next_end = next + chrono::Days::new(30);
            let text = format!("{next}..{next_end}、{start}..{end}");
            let s = parse_semesters(&text).unwrap();
            prop_assert_eq!(s, vec![Semester { start, end }, Semester { start: next, end: next_end }]);
        }
    }
}
