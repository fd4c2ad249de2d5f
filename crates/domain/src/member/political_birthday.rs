//! 政治生日 (POL-BIRTHDAY, rules.md §12, a local practice): the anniversary of the day a member
//! joined the party, usually marked at the month's 主题党日. The round ones (10, 20, 30 … years)
//! are singled out.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::dates::anniversary;

/// A member's political birthday in a month.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PoliticalBirthday {
    /// The anniversary (a joining on 29 February has it on 1 March in other years, as every
    /// anniversary here does: [`anniversary`]).
    pub day: NaiveDate,
    /// Years in the party on that day.
    pub years: u32,
    /// A round anniversary: 10, 20, 30 … years.
    pub round: bool,
}

/// The political birthday of a member who joined on `joined` that falls in `month` of `year`,
/// if one does (the first is a year after joining).
pub fn political_birthday(joined: NaiveDate, year: i32, month: u32) -> Option<PoliticalBirthday> {
    let years = u32::try_from(year - joined.year()).ok().filter(|y| *y > 0)?;
    let day = anniversary(joined, years);
    (day.year() == year && day.month() == month).then_some(PoliticalBirthday { day, years, round: years % 10 == 0 })
}

/// A member's next political birthday on or after `as_of` (today's, on the day itself).
pub fn next_political_birthday(joined: NaiveDate, as_of: NaiveDate) -> Option<PoliticalBirthday> {
    [as_of.year(), as_of.year() + 1].into_iter().find_map(|year| {
        let years = u32::try_from(year - joined.year()).ok().filter(|y| *y > 0)?;
        let day = anniversary(joined, years);
        (day >= as_of).then_some(PoliticalBirthday { day, years, round: years % 10 == 0 })
    })
}

/// The months in which an anniversary of a day in `joined_month` can fall: the month itself, and
/// March for 29 February (what a store filters on before [`political_birthday`] decides).
pub fn joined_months_for(month: u32) -> Vec<u32> {
    if month == 3 { vec![2, 3] } else { vec![month] }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn pol_birthday_is_the_anniversary_of_joining_in_its_month() {
        let b = political_birthday(d(2016, 7, 1), 2026, 7);
        assert_eq!(b, Some(PoliticalBirthday { day: d(2026, 7, 1), years: 10, round: true }));
        let b = political_birthday(d(2019, 7, 31), 2026, 7);
        assert_eq!(b, Some(PoliticalBirthday { day: d(2026, 7, 31), years: 7, round: false }));
        // Not in another month, not in the year of joining, not before it.
        assert_eq!(political_birthday(d(2016, 7, 1), 2026, 6), None);
        assert_eq!(political_birthday(d(2016, 8, 1), 2026, 7), None);
        assert_eq!(political_birthday(d(2026, 7, 1), 2026, 7), None);
        assert_eq!(political_birthday(d(2027, 7, 1), 2026, 7), None);
        // The first, a year on.
        assert_eq!(political_birthday(d(2025, 7, 1), 2026, 7).map(|b| b.years), Some(1));
    }

    #[test]
    fn pol_birthday_next_is_on_or_after_the_day() {
        let joined = d(2016, 7, 1);
        // The day before, the day, the day after.
        assert_eq!(
            next_political_birthday(joined, d(2026, 6, 30)).map(|b| (b.day, b.years)),
            Some((d(2026, 7, 1), 10))
        );
        assert_eq!(next_political_birthday(joined, d(2026, 7, 1)).map(|b| (b.day, b.years)), Some((d(2026, 7, 1), 10)));
        assert_eq!(next_political_birthday(joined, d(2026, 7, 2)).map(|b| (b.day, b.years)), Some((d(2027, 7, 1), 11)));
        // Joined this year: the first is next year.
        assert_eq!(next_political_birthday(d(2026, 3, 1), d(2026, 7, 2)).map(|b| b.years), Some(1));
    }

    #[test]
    fn pol_birthday_of_29_february_falls_on_1_march_in_other_years() {
        assert_eq!(political_birthday(d(2016, 2, 29), 2026, 2), None);
        let b = political_birthday(d(2016, 2, 29), 2026, 3);
        assert_eq!(b.map(|b| b.day), Some(d(2026, 3, 1)));
        assert_eq!(political_birthday(d(2016, 2, 29), 2028, 2).map(|b| b.day), Some(d(2028, 2, 29)));
        assert_eq!(joined_months_for(3), [2, 3]);
        assert_eq!(joined_months_for(7), [7]);
    }
}
