//! The citizen ID number (公民身份号码): 18 characters, check digit, birth date and gender.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::compact_ascii;
use crate::codes::{Gender, province_name};
use crate::dates::{MAX_YEAR, MIN_YEAR};

/// Why an ID number was rejected. `Display` is the Chinese message for the user.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdNumberError {
    #[error("请填写身份证号")]
    Empty,
    #[error("身份证号应为 18 位，现为 {actual} 位，请核对")]
    Length { actual: usize },
    #[error("身份证号前 17 位应为数字，最后一位为数字或 X，请核对")]
    Characters,
    #[error("身份证号前两位“{code}”不是有效的省级行政区划代码，请核对")]
    Province { code: String },
    #[error("身份证号第 7–14 位“{digits}”不是有效的出生日期（应为 {MIN_YEAR} 至 {MAX_YEAR} 年间的真实日期），请核对")]
    BirthDate { digits: String },
    #[error("身份证号校验位应为 {expected}，请核对")]
    CheckDigit { expected: char },
}

/// 公民身份号码: 18 characters (GB 11643), the last a digit or `X` (stored uppercase).
/// A value of this type has a known province code, a real birth date in 1900..=2100, and a
/// correct check digit. `Debug` shows it masked.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct IdNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Year, month, day of 8 ASCII digits "YYYYMMDD", if it is a real date in 1900..=2100.
fn id_birth_date(digits8: &str) -> Option<NaiveDate> {
    if digits8.len() != 8 || !digits8.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = digits8[..4].parse().ok()?;
    let m: u32 = digits8[4..6].parse().ok()?;
    let d: u32 = digits8[6..].parse().ok()?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

impl IdNumber {
    /// Checks, in this order: not empty, 18 characters, 17 digits then a digit or X (lowercase x
    /// accepted), a known province code, a real birth date, the GB 11643 check digit. Spaces and
    /// full-width characters are tolerated.
    pub fn parse(s: &str) -> Result<IdNumber, IdNumberError> {
        let s = compact_ascii(s).to_ascii_uppercase();
        if s.is_empty() {
            return Err(IdNumberError::Empty);
        }
        let len = s.chars().count();
        if len != 18 {
            return Err(IdNumberError::Length { actual: len });
        }
        let bytes = s.as_bytes();
        // 18 chars; any non-ASCII char makes the byte length exceed 18.
        if bytes.len() != 18
            || !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdNumberError::Characters);
        }
        if province_name(&s[..2]).is_none() {
            return Err(IdNumberError::Province { code: s[..2].to_string() });
        }
        if id_birth_date(&s[6..14]).is_none() {
            return Err(IdNumberError::BirthDate { digits: s[6..14].to_string() });
        }
        let expected = Self::check_digit(&s[..17]).ok_or(IdNumberError::Characters)?;
        if char::from(bytes[17]) != expected {
            return Err(IdNumberError::CheckDigit { expected });
        }
        Ok(IdNumber(s))
    }

    /// The GB 11643 check character of the first 17 digits: weights 7 9 10 5 8 4 2 1 6 3 7 9 10
    /// 5 8 4 2, sum mod 11 mapped 0..=10 → 1 0 X 9 8 7 6 5 4 3 2. `None` unless `first17` is
    /// exactly 17 ASCII digits.
    pub fn check_digit(first17: &str) -> Option<char> {
        let bytes = first17.as_bytes();
        if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let sum: u32 = bytes.iter().zip(ID_WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        ID_CHECK_CHARS.get((sum % 11) as usize).copied()
    }

    /// Builds a valid ID number from a 6-digit area code, a birth date and a 3-digit sequence
    /// number (0..=999; odd = male), computing the check digit. `None` if any part is invalid.
    pub fn from_parts(area6: &str, birth: NaiveDate, seq3: u16) -> Option<IdNumber> {
        if area6.len() != 6 || !area6.bytes().all(|b| b.is_ascii_digit()) || seq3 > 999 {
            return None;
        }
        if !(MIN_YEAR..=MAX_YEAR).contains(&birth.year()) {
            return None;
        }
        let first17 = format!("{area6}{}{seq3:03}", birth.format("%Y%m%d"));
        let check = Self::check_digit(&first17)?;
        Self::parse(&format!("{first17}{check}")).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date in digits 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        // Always valid by construction; the fallback is unreachable.
        self.0.get(6..14).and_then(id_birth_date).unwrap_or(NaiveDate::MIN)
    }

    /// Digit 17 odd = male, even = female.
    pub fn gender(&self) -> Gender {
        match self.0.as_bytes().get(16).map(|b| b % 2) {
            Some(1) => Gender::Male,
            _ => Gender::Female,
        }
    }

    /// The first 6 and last 4 characters, with the 8 birth-date digits hidden:
    /// "110105********1234".
    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdNumber").field(&self.masked()).finish()
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<IdNumber> for String {
    fn from(id: IdNumber) -> String {
        id.0
    }
}

impl TryFrom<String> for IdNumber {
    type Error = IdNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

/// Masks any stored ID-number string, valid or not: with 14 or more characters, keeps the first
/// 6 and the last 4 and replaces the rest with `*`; shorter strings become all `*`. Surrounding
/// whitespace is dropped. Never reveals the characters in between.
pub fn mask_id_number(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let n = chars.len();
    if n < 14 {
        return "*".repeat(n);
    }
    let mut out: String = chars[..6].iter().collect();
    out.push_str(&"*".repeat(n - 10));
    out.extend(&chars[n - 4..]);
    out
}
