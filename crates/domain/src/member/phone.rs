//! Phone numbers (mobile and landline) and the masking of personal data for lists.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::compact_ascii;

/// Why a phone number was rejected. `Display` is the Chinese message for the user.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhoneError {
    #[error("请填写联系电话")]
    Empty,
    #[error("手机号应为 11 位，现为 {actual} 位，请核对")]
    MobileLength { actual: usize },
    #[error("手机号应以 13–19 开头，请核对")]
    MobilePrefix,
    #[error(
        "电话号码格式不正确：手机号填 11 位数字，固定电话按 010-12345678 的格式填写（分机号可写成 010-12345678-123）"
    )]
    Format,
}

/// 联系电话: a mobile number (11 digits, `1[3-9]…`) or a landline `0xx-xxxxxxxx` /
/// `0xxx-xxxxxxx` with an optional `-extension`. Stored without spaces; `Debug` shows it masked.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Phone(String);

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Splits a well-formed landline into (area code, local number, extension).
fn landline_parts(s: &str) -> Option<(&str, &str, Option<&str>)> {
    let mut parts = s.split('-');
    let area = parts.next()?;
    let local = parts.next()?;
    let ext = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let area_ok =
        (3..=4).contains(&area.len()) && all_digits(area) && area.starts_with('0') && !area[1..].starts_with('0');
    let local_ok = (7..=8).contains(&local.len()) && all_digits(local) && !local.starts_with('0');
    let ext_ok = ext.is_none_or(|e| (1..=6).contains(&e.len()) && all_digits(e));
    (area_ok && local_ok && ext_ok).then_some((area, local, ext))
}

impl Phone {
    /// Accepts a mobile number (optionally written with `+86`, spaces or dashes:
    /// "138 1234 5678", "138-1234-5678") or a landline "010-12345678", "0571-8765432",
    /// "(010)12345678", "010-12345678-123". Full-width characters are tolerated.
    pub fn parse(s: &str) -> Result<Phone, PhoneError> {
        let s: String = compact_ascii(s)
            .chars()
            .map(|c| match c {
                '—' | '–' => '-',
                _ => c,
            })
            .collect();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        // "(010)12345678" → "010-12345678"
        let s = match s.strip_prefix('(').and_then(|r| r.split_once(')')) {
            Some((area, rest)) => format!("{area}-{}", rest.trim_start_matches('-')),
            None => s,
        };
        if s.starts_with('0') {
            return match landline_parts(&s) {
                Some(_) => Ok(Phone(s)),
                None => Err(PhoneError::Format),
            };
        }
        let mobile = s.strip_prefix("+86").unwrap_or(&s).replace('-', "");
        if !all_digits(&mobile) || !mobile.starts_with('1') {
            return Err(PhoneError::Format);
        }
        if mobile.len() != 11 {
            return Err(PhoneError::MobileLength { actual: mobile.len() });
        }
        if !matches!(mobile.as_bytes()[1], b'3'..=b'9') {
            return Err(PhoneError::MobilePrefix);
        }
        Ok(Phone(mobile))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_mobile(&self) -> bool {
        self.0.starts_with('1')
    }

    /// Mobile: "138****5678". Landline: area code and the last 2 digits of the number
    /// ("010-******78"); an extension is hidden too ("010-******78-***").
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Phone").field(&self.masked()).finish()
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

/// Masks any stored phone string. A valid number is masked as [`Phone::masked`]; anything else
/// keeps at most the first 3 and last 2 characters when it has 8 or more, and is all `*`
/// otherwise.
/// A home address as a viewer who may not see personal data whole sees it: the first six
/// characters (the province and city, as a rule), the rest hidden.
pub fn mask_address(a: &str) -> String {
    let shown: String = a.chars().take(6).collect();
    if shown.chars().count() < a.chars().count() { format!("{shown}****") } else { shown }
}

pub fn mask_phone(s: &str) -> String {
    let s = s.trim();
    if let Ok(p) = Phone::parse(s) {
        let p = p.0;
        if p.starts_with('1') {
            return format!("{}****{}", &p[..3], &p[7..]);
        }
        if let Some((area, local, ext)) = landline_parts(&p) {
            let mut out = format!("{area}-{}{}", "*".repeat(local.len() - 2), &local[local.len() - 2..]);
            if let Some(ext) = ext {
                out.push('-');
                out.push_str(&"*".repeat(ext.len()));
            }
            return out;
        }
    }
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n < 8 {
        return "*".repeat(n);
    }
    let mut out: String = chars[..3].iter().collect();
    out.push_str(&"*".repeat(n - 5));
    out.extend(&chars[n - 2..]);
    out
}
