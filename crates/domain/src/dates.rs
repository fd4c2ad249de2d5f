//! Dates as people type them, ages, and the age bands of party statistics.
//!
//! Nothing here reads the clock: every function that depends on "today" takes an `as_of` date.
//!
//! **Birthdays on 29 February.** A person born on 29 February turns a year older on
//! 1 March in years that have no 29 February ([`age_on`], [`birthday`]). Adding whole years to a
//! date ([`add_years`]) instead clamps 29 February to 28 February, as calendar arithmetic does.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The years a date may fall in (birth dates, joining dates, record dates).
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2100;

/// A date that could not be read. `Display` is the Chinese message for the user.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct DateError {
    message: String,
}

impl DateError {
    fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }

    fn invalid(input: &str) -> Self {
        Self::new(format!("日期“{}”无效，请按 2020-01-05 的格式填写", quote(input)))
    }

    /// The Chinese message (same as `Display`).
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The user's input for an error message, cut to a readable length.
fn quote(input: &str) -> String {
    const MAX: usize = 20;
    let mut out: String = input.chars().take(MAX).collect();
    if input.chars().count() > MAX {
        out.push('…');
    }
    out
}

/// Full-width digits and separators (as typed with a Chinese input method) to ASCII.
fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' | '—' | '–' => '-',
            '／' => '/',
            '．' | '。' => '.',
            _ => c,
        })
        .collect()
}

fn number(part: &str, min_len: usize, max_len: usize) -> Option<u32> {
    let part = part.trim();
    if part.len() < min_len || part.len() > max_len || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// Year, month and day from the accepted spellings, without checking that the date exists.
fn split_ymd(s: &str) -> Option<(u32, u32, u32)> {
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Some((number(&s[..4], 4, 4)?, number(&s[4..6], 2, 2)?, number(&s[6..], 2, 2)?));
    }
    if let Some((y, rest)) = s.split_once('年') {
        let (m, d) = rest.split_once('月')?;
        let d = d.trim();
        let d = d.strip_suffix('日').or_else(|| d.strip_suffix('号')).unwrap_or(d);
        return Some((number(y, 4, 4)?, number(m, 1, 2)?, number(d, 1, 2)?));
    }
    let sep = s.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let mut parts = s.split(sep);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((number(y, 4, 4)?, number(m, 1, 2)?, number(d, 1, 2)?))
}

/// A date from a year, month and day, if it exists and lies in [`MIN_YEAR`]..=[`MAX_YEAR`].
fn ymd_in_range(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    let y = i32::try_from(y).ok()?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Reads a date as people type it. After trimming, accepts `2020-01-05`, `2020-1-5`,
/// `2020/1/5`, `2020.1.5`, `2020年1月5日` and `20200105` (full-width digits too).
/// The year must be within 1900..=2100 and the date must exist (no 2023-02-29).
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let input = s.trim();
    if input.is_empty() {
        return Err(DateError::new("请填写日期，格式如 2020-01-05"));
    }
    let normalized = normalize(input);
    let (y, m, d) = split_ymd(&normalized).ok_or_else(|| DateError::invalid(input))?;
    if !(MIN_YEAR as u32..=MAX_YEAR as u32).contains(&y) {
        return Err(DateError::new(format!(
            "日期“{}”的年份应在 {MIN_YEAR} 至 {MAX_YEAR} 年之间，请核对",
            quote(input)
        )));
    }
    ymd_in_range(y, m, d).ok_or_else(|| DateError::invalid(input))
}

/// Reads a month as the national system writes it (失去联系日期 yyyy-mm): `2020-03`, `2020-3`,
/// `2020/3`, `2020.3`, `2020年3月` or `202003`; a whole date is accepted too and gives its month.
/// Returns the first day of the month.
pub fn parse_year_month(s: &str) -> Result<NaiveDate, DateError> {
    let input = s.trim();
    if input.is_empty() {
        return Err(DateError::new("请填写年月，格式如 2020-03"));
    }
    if let Ok(d) = parse_date(input) {
        return Ok(d.with_day(1).unwrap_or(d));
    }
    let normalized = normalize(input);
    let ym = if normalized.len() == 6 && normalized.bytes().all(|b| b.is_ascii_digit()) {
        number(&normalized[..4], 4, 4).zip(number(&normalized[4..], 2, 2))
    } else if let Some((y, rest)) = normalized.split_once('年') {
        let m = rest.trim().strip_suffix('月').unwrap_or(rest.trim());
        number(y, 4, 4).zip(number(m, 1, 2))
    } else {
        normalized
            .chars()
            .find(|c| matches!(c, '-' | '/' | '.'))
            .and_then(|sep| normalized.split_once(sep))
            .and_then(|(y, m)| number(y, 4, 4).zip(number(m, 1, 2)))
    };
    let invalid = || DateError::new(format!("年月“{}”无效，请按 2020-03 的格式填写", quote(input)));
    let (y, m) = ym.ok_or_else(invalid)?;
    ymd_in_range(y, m, 1).ok_or_else(invalid)
}

/// A date from an Excel serial number in the 1900 date system (1 = 1900-01-01).
/// Excel counts a 29 February 1900 that never existed: serial 60 is rejected, and serials from
/// 61 (= 1900-03-01) on are shifted back by that day. A fractional part (time of day) is ignored.
pub fn parse_excel_serial(serial: f64) -> Result<NaiveDate, DateError> {
    let invalid = || {
        DateError::new(format!(
            "Excel 日期值“{}”无效，请把该单元格设为日期格式，或按 2020-01-05 的格式填写",
            quote(&serial.to_string())
        ))
    };
    if !serial.is_finite() || !(1.0..1.0e7).contains(&serial) {
        return Err(invalid());
    }
    // In range 1..1e7, so the truncation is exact and lossless.
    let days = serial.floor() as u64;
    if days == 60 {
        return Err(DateError::new("Excel 日期值 60 对应的 1900年2月29日 并不存在，请核对该单元格"));
    }
    let epoch = if days < 60 { NaiveDate::from_ymd_opt(1899, 12, 31) } else { NaiveDate::from_ymd_opt(1899, 12, 30) };
    let date = epoch.and_then(|e| e.checked_add_days(Days::new(days))).ok_or_else(invalid)?;
    if date.year() > MAX_YEAR {
        return Err(invalid());
    }
    Ok(date)
}

/// "2025年3月1日".
pub fn format_cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// "2025-03-01".
pub fn format_iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// An instant (epoch milliseconds, as rows stamp them) in Beijing time, "2025-03-01 08:30:00"; empty when
/// out of range.
pub fn format_instant_cn(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| (t + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// A local time as a file-name stamp, "20250301-083000".
pub fn file_stamp(t: chrono::NaiveDateTime) -> String {
    t.format("%Y%m%d-%H%M%S").to_string()
}

/// A stored date ("2025-03-01", as [`format_iso`] writes it), strictly; `None` for anything
/// else. Dates typed by people go through [`parse_date`], which accepts more forms.
pub fn parse_iso(s: &str) -> Option<NaiveDate> {
    // The shape first, then chrono's ISO reader: it is several times faster than reading a
    // format string, and the full check reads a few hundred thousand dates.
    let b = s.as_bytes();
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return None;
    }
    s.parse().ok()
}

/// Dates written as stored and as sent in forms: `d.iso()` is [`format_iso`]`(d)`.
pub trait Iso {
    /// `2025-03-01`.
    fn iso(&self) -> String;
    /// The month, `2025-03` (how 失联 months are stored).
    fn iso_month(&self) -> String;
    /// `20250301`, for file names.
    fn compact(&self) -> String;
}

impl Iso for NaiveDate {
    fn iso(&self) -> String {
        format_iso(*self)
    }
    fn iso_month(&self) -> String {
        format!("{:04}-{:02}", self.year(), self.month())
    }
    fn compact(&self) -> String {
        format!("{:04}{:02}{:02}", self.year(), self.month(), self.day())
    }
}

/// Age in full years on `as_of`. The birthday counts on the day itself. Someone born on
/// 29 February has their birthday on 1 March in years without 29 February. Returns 0 when
/// `as_of` is before `birth`.
pub fn age_on(birth: NaiveDate, as_of: NaiveDate) -> u32 {
    if as_of <= birth {
        return 0;
    }
    let years = as_of.year() - birth.year();
    let before_birthday = (as_of.month(), as_of.day()) < (birth.month(), birth.day());
    u32::try_from(years - i32::from(before_birthday)).unwrap_or(0)
}

/// The day on which someone born on `birth` turns `age`, consistent with [`age_on`]
/// (29 February birthdays fall on 1 March in years without 29 February).
/// Saturates at `NaiveDate::MAX`.
pub fn birthday(birth: NaiveDate, age: u32) -> NaiveDate {
    let clamped = add_years(birth, age);
    if birth.month() == 2 && birth.day() == 29 && clamped.day() == 28 {
        clamped.succ_opt().unwrap_or(clamped)
    } else {
        clamped
    }
}

/// The `years`-th anniversary of `d`, by the project's anniversary convention: a date of
/// 29 February has its anniversary on 1 March in years without 29 February, as birthdays do
/// ([`birthday`]). Terms of office end on it (ORG-RENEWAL).
pub fn anniversary(d: NaiveDate, years: u32) -> NaiveDate {
    birthday(d, years)
}

/// `d` plus whole years; 29 February becomes 28 February in a year without it.
/// Saturates at `NaiveDate::MAX`.
pub fn add_years(d: NaiveDate, years: u32) -> NaiveDate {
    add_months(d, years.saturating_mul(12))
}

/// `d` plus whole months, clamping the day to the end of the month (31 January + 1 month =
/// 28 or 29 February). Saturates at `NaiveDate::MAX`.
pub fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// `d` minus whole years, clamping 29 February to 28 February. Saturates at `NaiveDate::MIN`.
fn sub_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(years.saturating_mul(12))).unwrap_or(NaiveDate::MIN)
}

/// The age bands of party statistics (rules.md §9): ≤30, 31–35, 36–40, 41–45, 46–50, 51–55,
/// 56–60, ≥61.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgeBand {
    #[serde(rename = "to30")]
    To30,
    #[serde(rename = "31_35")]
    From31To35,
    #[serde(rename = "36_40")]
    From36To40,
    #[serde(rename = "41_45")]
    From41To45,
    #[serde(rename = "46_50")]
    From46To50,
    #[serde(rename = "51_55")]
    From51To55,
    #[serde(rename = "56_60")]
    From56To60,
    #[serde(rename = "61up")]
    From61,
}

impl AgeBand {
    pub const ALL: [AgeBand; 8] = [
        Self::To30,
        Self::From31To35,
        Self::From36To40,
        Self::From41To45,
        Self::From46To50,
        Self::From51To55,
        Self::From56To60,
        Self::From61,
    ];

    /// The band of an age in full years.
    pub fn of(age: u32) -> AgeBand {
        match age {
            0..=30 => Self::To30,
            31..=35 => Self::From31To35,
            36..=40 => Self::From36To40,
            41..=45 => Self::From41To45,
            46..=50 => Self::From46To50,
            51..=55 => Self::From51To55,
            56..=60 => Self::From56To60,
            _ => Self::From61,
        }
    }

    /// The youngest and oldest age in the band (`None` = no upper limit).
    pub fn ages(self) -> (u32, Option<u32>) {
        match self {
            Self::To30 => (0, Some(30)),
            Self::From31To35 => (31, Some(35)),
            Self::From36To40 => (36, Some(40)),
            Self::From41To45 => (41, Some(45)),
            Self::From46To50 => (46, Some(50)),
            Self::From51To55 => (51, Some(55)),
            Self::From56To60 => (56, Some(60)),
            Self::From61 => (61, None),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::To30 => "to30",
            Self::From31To35 => "31_35",
            Self::From36To40 => "36_40",
            Self::From41To45 => "41_45",
            Self::From46To50 => "46_50",
            Self::From51To55 => "51_55",
            Self::From56To60 => "56_60",
            Self::From61 => "61up",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::To30 => "30岁及以下",
            Self::From31To35 => "31-35岁",
            Self::From36To40 => "36-40岁",
            Self::From41To45 => "41-45岁",
            Self::From46To50 => "46-50岁",
            Self::From51To55 => "51-55岁",
            Self::From56To60 => "56-60岁",
            Self::From61 => "61岁及以上",
        }
    }

    /// Accepts the identifier or the label.
    pub fn parse(s: &str) -> Option<AgeBand> {
        let s = s.trim();
        Self::ALL.into_iter().find(|v| v.as_str() == s || v.label() == s)
    }

    /// Birth dates whose [`age_on`] `as_of` falls in this band, as
    /// `(born on or after, born on or before)`; `None` means unbounded on that side. So storage
    /// can select a band with `birth_date >= after AND birth_date <= before`. Agrees with
    /// `AgeBand::of(age_on(birth, as_of))` for every birth date, including the 29 February
    /// rule (births after `as_of` have age 0, hence the open upper end of [`AgeBand::To30`]).
    pub fn birth_date_bounds(self, as_of: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let (min_age, max_age) = self.ages();
        // age_on(b, as_of) >= n  <=>  b <= as_of - n years (29 February clamped down).
        let born_on_or_before = (min_age > 0).then(|| sub_years(as_of, min_age));
        // age_on(b, as_of) <= n  <=>  age < n + 1  <=>  b > as_of - (n + 1) years.
        let born_on_or_after = max_age.map(|n| {
            let limit = sub_years(as_of, n.saturating_add(1));
            limit.succ_opt().unwrap_or(limit)
        });
        (born_on_or_after, born_on_or_before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn split_rejects_mixed_separators_and_extra_parts() {
        assert_eq!(split_ymd("2020-1/5"), None);
        assert_eq!(split_ymd("2020-1-5-6"), None);
        assert_eq!(split_ymd("2020-1-5"), Some((2020, 1, 5)));
    }

    #[test]
    fn birthday_agrees_with_age_on() {
        for birth in [d(2000, 2, 29), d(2001, 3, 1), d(1999, 12, 31), d(2004, 1, 1)] {
            for age in [1, 17, 18, 19, 60] {
                let day = birthday(birth, age);
                assert_eq!(age_on(birth, day), age, "{birth} {age}");
                assert_eq!(age_on(birth, day.pred_opt().unwrap()), age - 1, "{birth} {age}");
            }
        }
    }
}
