//! Money (党费): integer fen (分), never a float. [`Fen`] parses what treasurers type ("3000",
//! "3,000.50", "3000.5元", "￥76.50") and prints yuan with two decimals ("76.50").

use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// An amount of money in fen (1 yuan = 100 fen). Never negative: payments, bases and balances
/// that may go below zero are computed as `i64` and shown with [`Fen::signed_yuan`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Fen(i64);

/// The largest amount accepted: 100 million yuan, far above any base or account, so that sums of
/// millions of amounts never overflow an `i64`.
pub const MAX_FEN: i64 = 10_000_000_000;

/// Why a typed amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("请填写金额")]
    Empty,
    #[error("金额“{0}”不是数字，应如 3000 或 3000.50")]
    NotANumber(String),
    #[error("金额最多精确到分（两位小数）")]
    TooPrecise,
    #[error("金额不能为负数")]
    Negative,
    #[error("金额过大")]
    TooLarge,
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// `fen` fen; `None` when negative or above [`MAX_FEN`].
    pub fn new(fen: i64) -> Option<Fen> {
        (0..=MAX_FEN).contains(&fen).then_some(Fen(fen))
    }

    /// `yuan` whole yuan (for constants and tests); `None` when out of range.
    pub fn yuan(yuan: i64) -> Option<Fen> {
        yuan.checked_mul(100).and_then(Fen::new)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    /// "76.50".
    pub fn to_yuan(self) -> String {
        Fen::signed_yuan(self.0)
    }

    /// Any fen amount, negative ones too, as yuan with two decimals: "-12.05".
    pub fn signed_yuan(fen: i64) -> String {
        let sign = if fen < 0 { "-" } else { "" };
        let abs = fen.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// The sum, saturating at [`MAX_FEN`].
    pub fn saturating_add(self, other: Fen) -> Fen {
        Fen(self.0.saturating_add(other.0).min(MAX_FEN))
    }

    /// The difference, or zero when `other` is larger.
    pub fn saturating_sub(self, other: Fen) -> Fen {
        Fen((self.0 - other.0).max(0))
    }

    /// Parses an amount in yuan: digits with an optional decimal point and at most two decimals;
    /// thousands separators (",", "，"), spaces, a leading "¥"/"￥" and a trailing "元" are
    /// allowed. Full-width digits are read as digits.
    pub fn parse(input: &str) -> Result<Fen, MoneyError> {
        let mut s: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{3000}'))
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '．' => '.',
                other => other,
            })
            .collect();
        for prefix in ["¥", "￥", "RMB"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.to_string();
            }
        }
        if let Some(rest) = s.strip_suffix('元') {
            s = rest.to_string();
        }
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        if s.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) || s.matches('.').count() > 1 {
            return Err(MoneyError::NotANumber(input.trim().to_string()));
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 12 {
            return Err(MoneyError::TooLarge);
        }
        let yuan: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| MoneyError::TooLarge)? };
        let cents: i64 = match frac.len() {
            0 => 0,
            1 => i64::from(frac.as_bytes()[0] - b'0') * 10,
            _ => frac.parse().map_err(|_| MoneyError::NotANumber(input.trim().to_string()))?,
        };
        yuan.checked_mul(100).and_then(|f| f.checked_add(cents)).and_then(Fen::new).ok_or(MoneyError::TooLarge)
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_yuan())
    }
}

impl std::str::FromStr for Fen {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Fen, MoneyError> {
        Fen::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn parses_what_treasurers_type() {
        for (input, fen) in [
            ("3000", 300_000),
            ("3,000.50", 300_050),
            ("3000.5元", 300_050),
            ("￥76.50", 7_650),
            ("0.2", 20),
            (".5", 50),
            ("0", 0),
            ("３０００", 300_000),
            ("10，000", 1_000_000),
        ] {
            assert_eq!(Fen::parse(input).map(Fen::fen), Ok(fen), "{input}");
        }
    }

    #[test]
    fn refuses_what_is_not_money() {
        assert_eq!(Fen::parse(""), Err(MoneyError::Empty));
        assert_eq!(Fen::parse("元"), Err(MoneyError::Empty));
        assert_eq!(Fen::parse("-5"), Err(MoneyError::Negative));
        assert_eq!(Fen::parse("1.005"), Err(MoneyError::TooPrecise));
        assert_eq!(Fen::parse("1e3"), Err(MoneyError::NotANumber("1e3".into())));
        assert_eq!(Fen::parse("1.2.3"), Err(MoneyError::NotANumber("1.2.3".into())));
        assert_eq!(Fen::parse("."), Err(MoneyError::NotANumber(".".into())));
        assert_eq!(Fen::parse("99999999999999"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn prints_two_decimals() {
        assert_eq!(Fen::new(7_650).map(|f| f.to_string()), Some("76.50".into()));
        assert_eq!(Fen::new(5).map(|f| f.to_string()), Some("0.05".into()));
        assert_eq!(Fen::signed_yuan(-1_205), "-12.05");
        assert_eq!(Fen::new(-1), None);
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = Fen::parse(&s);
        }

        #[test]
        fn printed_amounts_read_back(fen in 0..=MAX_FEN) {
            let f = Fen::new(fen).unwrap_or_default();
            prop_assert_eq!(Fen::parse(&f.to_string()), Ok(f));
        }
    }
}
