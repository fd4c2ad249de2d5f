//! The working-day calendar a committee keeps: the 法定节假日 that fall on weekdays and the
//! 调休上班日 that fall on weekends, set each year by the State Council and typed in by the
//! committee (rules.md §4: the 公示 of the local practice lasts five working days "with a holiday
//! calendar the committee keeps"). Without entries a working day is Monday to Friday.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::dates::parse_iso;

/// The most days one list may name (a few years of holidays).
const MAX_DAYS: usize = 2_000;

/// Which days are working days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// The calendar of two lists as [`parse_days`] reads them.
    pub fn new(holidays: &str, workdays: &str) -> Result<Self, String> {
        Ok(WorkCalendar { holidays: parse_days(holidays)?, workdays: parse_days(workdays)? })
    }

    /// A 调休上班日 works; a holiday does not; otherwise Monday to Friday.
    pub fn is_working(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        !self.holidays.contains(&day) && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The working days from `from` to `to`, both included (0 when `to` is before `from`).
    pub fn working_days(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut day = from;
        while day <= to {
            n += u32::from(self.is_working(day));
            match day.checked_add_days(Days::new(1)) {
                Some(next) => day = next,
                None => break,
            }
        }
        n
    }
}

/// One item of a list of days: a day, or a range `2026-10-01..2026-10-08` (or `至`).
pub(crate) struct DayItem<'a> {
    pub text: &'a str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Whether the item was written as a range.
    pub range: bool,
}

/// Reads the items of a list of days and ranges separated by "、", "，", ",", ";", "；" or white
/// space. A range must run forwards and name at most a year.
pub(crate) fn day_items(text: &str) -> Result<Vec<DayItem<'_>>, String> {
    let separators = ['、', '，', ',', ';', '；', ' ', '\n', '\t', '\r', '　'];
    let mut out = Vec::new();
    for item in text.split(separators).map(str::trim).filter(|s| !s.is_empty()) {
        let (a, b, range) = match item.split_once("..").or_else(|| item.split_once('至')) {
            Some((a, b)) => (a.trim(), b.trim(), true),
            None => (item, item, false),
        };
        let day = |s: &str| parse_iso(s).ok_or_else(|| format!("“{s}”不是日期（应如 2026-10-01）"));
        let (from, to) = (day(a)?, day(b)?);
        if to < from {
            return Err(format!("“{item}”的结束日期早于开始日期"));
        }
        if (to - from).num_days() > 366 {
            return Err(format!("“{item}”超过一年"));
        }
        out.push(DayItem { text: item, from, to, range });
    }
    Ok(out)
}

/// Reads a list of days: ISO dates and ranges `2026-10-01..2026-10-08` (or `至`), separated by
/// "、", "，", ",", ";", "；" or white space. A range must run forwards and name at most a year.
pub fn parse_days(text: &str) -> Result<BTreeSet<NaiveDate>, String> {
    let mut out = BTreeSet::new();
    for item in day_items(text)? {
        let mut d = item.from;
        while d <= item.to {
            out.insert(d);
            if out.len() > MAX_DAYS {
                return Err(format!("日期过多（最多{MAX_DAYS}天）"));
            }
            match d.checked_add_days(Days::new(1)) {
                Some(next) => d = next,
                None => break,
            }
        }
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
    fn weekends_holidays_and_the_weekends_worked() {
        // National Day 2026: 1–7 October off, Saturday 10 October worked (an example calendar).
        let c = WorkCalendar::new("2026-10-01..2026-10-07", "2026-10-10").unwrap();
        assert!(!c.is_working(d(2026, 10, 1)) && c.is_working(d(2026, 10, 9)) && c.is_working(d(2026, 10, 10)));
        // 28 September (Monday) to 12 October (Monday): 28, 29, 30 Sep, 8, 9, 10, 12 Oct.
        assert_eq!(c.working_days(d(2026, 9, 28), d(2026, 10, 12)), 7);
        assert_eq!(WorkCalendar::default().working_days(d(2026, 9, 28), d(2026, 10, 12)), 11);
        assert_eq!(c.working_days(d(2026, 10, 2), d(2026, 10, 1)), 0);
        assert_eq!(parse_days("2027-01-01、2027-02-16至2027-02-18").map(|s| s.len()), Ok(4));
        assert!(parse_days("2026-10-08..2026-10-01").is_err());
        assert!(parse_days("国庆").unwrap_err().contains("不是日期"));
        assert!(parse_days("2026-01-01..2028-01-01").unwrap_err().contains("超过一年"));
        assert_eq!(parse_days(" "), Ok(BTreeSet::new()));
    }

    proptest! {
        #[test]
        fn any_text_is_read_or_refused_without_panicking(text in "\\PC{0,60}") {
            let _ = parse_days(&text);
        }

        #[test]
        fn listed_days_read_back(days in proptest::collection::btree_set(0u32..3000, 0..20)) {
            let base = d(2025, 1, 1);
            let set: BTreeSet<NaiveDate> = days.iter().filter_map(|n| base.checked_add_days(Days::new(u64::from(*n)))).collect();
            let text = set.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("、");
            prop_assert_eq!(parse_days(&text), Ok(set));
        }
    }
}
