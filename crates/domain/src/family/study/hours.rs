//! Class hours (学时), kept in tenths of an hour: 31.5 hours is 315. A class, a 党课 and an
//! imported total all give hours with at most one decimal, so tenths add up exactly where a float
//! would drift past a threshold (31.9999… against 32).

use serde::Serialize;
use std::fmt;

/// Class hours in tenths of an hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Hours(pub u32);

/// The most hours one record may carry (a year of full-time study is some 2,000).
pub const MAX_HOURS: u32 = 2_000;

impl Hours {
    pub const ZERO: Hours = Hours(0);

    /// Whole hours.
    pub const fn whole(h: u32) -> Hours {
        Hours(h * 10)
    }

    pub fn tenths(self) -> u32 {
        self.0
    }

    /// Reads "32", "31.5" or "0.5" (full-width digits and a trailing "学时" accepted); at most
    /// one decimal, at most [`MAX_HOURS`].
    pub fn parse(s: &str) -> Result<Hours, &'static str> {
        let s: String = s
            .trim()
            .trim_end_matches("学时")
            .trim_end_matches('h')
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '．' => '.',
                c => c,
            })
            .collect();
        if s.is_empty() {
            return Err("请填写学时");
        }
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s.as_str(), ""),
        };
        let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
        if !digits(whole) || (!frac.is_empty() && !digits(frac)) || (s.contains('.') && frac.is_empty()) {
            return Err("学时应为数字，最多一位小数，如“32”或“31.5”");
        }
        if frac.len() > 1 {
            return Err("学时最多一位小数");
        }
        let whole: u32 = whole.parse().map_err(|_| "学时过大")?;
        if whole > MAX_HOURS {
            return Err("学时过大（不超过2000）");
        }
        let tenth: u32 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| "学时应为数字")? };
        let h = Hours(whole * 10 + tenth);
        if h.0 > MAX_HOURS * 10 {
            return Err("学时过大（不超过2000）");
        }
        Ok(h)
    }

    /// From a stored number of tenths; a negative or oversized value is corrupt data.
    pub fn from_stored(tenths: i64) -> Option<Hours> {
        u32::try_from(tenths).ok().map(Hours)
    }

    pub fn saturating_add(self, other: Hours) -> Hours {
        Hours(self.0.saturating_add(other.0))
    }

    /// What is missing to reach `target` (zero when reached).
    pub fn short_of(self, target: Hours) -> Hours {
        Hours(target.0.saturating_sub(self.0))
    }
}

impl std::iter::Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        iter.fold(Hours::ZERO, Hours::saturating_add)
    }
}

/// "32" or "31.5".
impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(10) {
            write!(f, "{}", self.0 / 10)
        } else {
            write!(f, "{}.{}", self.0 / 10, self.0 % 10)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hours_read_and_print_with_one_decimal() {
        assert_eq!(Hours::parse("32"), Ok(Hours(320)));
        assert_eq!(Hours::parse("31.5"), Ok(Hours(315)));
        assert_eq!(Hours::parse(" ３１．５学时"), Ok(Hours(315)));
        assert_eq!(Hours::parse("0.5"), Ok(Hours(5)));
        assert_eq!(Hours(315).to_string(), "31.5");
        assert_eq!(Hours(320).to_string(), "32");
        for bad in ["", "3.25", "-1", "1e3", ".5", "5.", "2000.1", "abc", "99999999999"] {
            assert!(Hours::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Hours::parse("2000"), Ok(Hours(20_000)));
    }

    proptest! {
        #[test]
        fn hours_parse_never_panics_and_prints_back(s in "\\PC{0,12}") {
            if let Ok(h) = Hours::parse(&s) {
                prop_assert_eq!(Hours::parse(&h.to_string()), Ok(h));
            }
        }

        #[test]
        fn hours_print_and_read_back(t in 0u32..=20_000) {
            prop_assert_eq!(Hours::parse(&Hours(t).to_string()), Ok(Hours(t)));
        }
    }
}
