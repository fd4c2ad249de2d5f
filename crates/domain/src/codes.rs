//! Code lists: gender, member status, dues category, and the national code tables embedded from
//! `crates/domain/data/*.csv` (ethnicities, education, occupations, ID-number province codes).
//!
//! Every type here serializes as its stable identifier or national code (never the Chinese label),
//! and `parse` accepts both the identifier/code and the Chinese label, so the same function serves
//! HTML forms, JSON and spreadsheet imports. `parse` never panics; it returns `None` for anything
//! it does not recognise.

use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

// ---------------------------------------------------------------------------------------------
// Stored codes
// ---------------------------------------------------------------------------------------------

/// A code list whose values are stored in the database by their identifier (`as_str`).
/// Reading a stored value back is strict: only the identifier is accepted, never a label or a
/// national code, and an unknown value is `None` (the storage layer reports it as a corrupt
/// row naming its table, row and column, never as a default).
pub trait StoredCode: Copy + Sized + 'static {
    /// What the code is, for error messages ("org kind").
    const WHAT: &'static str;
    /// Every value.
    fn values() -> &'static [Self];
    /// The stored identifier.
    fn code(self) -> &'static str;
    /// The value stored as `s`, if any.
    fn from_stored(s: &str) -> Option<Self> {
        Self::values().iter().copied().find(|v| v.code() == s)
    }
}

/// Implements [`StoredCode`] from a type's `ALL` and `as_str`.
#[macro_export]
macro_rules! stored_code {
    ($($t:ty => $what:literal),* $(,)?) => {$(
        impl $crate::codes::StoredCode for $t {
            const WHAT: &'static str = $what;
            fn values() -> &'static [Self] {
                &<$t>::ALL
            }
            fn code(self) -> &'static str {
                self.as_str()
            }
        }
    )*};
}

stored_code!(Gender => "gender", MemberStatus => "member status", DuesCategory => "dues category");

// ---------------------------------------------------------------------------------------------
// Small enums
// ---------------------------------------------------------------------------------------------

/// 性别.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub const ALL: [Gender; 2] = [Self::Male, Self::Female];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Male => "男",
            Self::Female => "女",
        }
    }

    /// Accepts "male"/"female" (any case), "男"/"女", "男性"/"女性", and the GB/T 2261.1 codes
    /// "1" (male) and "2" (female).
    pub fn parse(s: &str) -> Option<Gender> {
        let s = s.trim();
        match s.to_ascii_lowercase().as_str() {
            "male" | "男" | "男性" | "1" => Some(Self::Male),
            "female" | "女" | "女性" | "2" => Some(Self::Female),
            _ => None,
        }
    }
}

/// 党员状态: where a member's record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MemberStatus {
    /// 预备党员: admitted, in probation (CON-PROBATION).
    Probationary,
    /// 正式党员.
    Full,
    /// 已转出: membership transferred to an org outside this system.
    TransferredOut,
    /// 停止党籍.
    Suspended,
    /// 已去世.
    Deceased,
    /// 已出党 (开除、除名、退党 …).
    Left,
}

impl MemberStatus {
    pub const ALL: [MemberStatus; 6] =
        [Self::Probationary, Self::Full, Self::TransferredOut, Self::Suspended, Self::Deceased, Self::Left];

    /// Probationary or full: a member of a branch today, who owes dues and attends.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Probationary | Self::Full)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Probationary => "probationary",
            Self::Full => "full",
            Self::TransferredOut => "transferred_out",
            Self::Suspended => "suspended",
            Self::Deceased => "deceased",
            Self::Left => "left",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Probationary => "预备党员",
            Self::Full => "正式党员",
            Self::TransferredOut => "已转出",
            Self::Suspended => "停止党籍",
            Self::Deceased => "已去世",
            Self::Left => "已出党",
        }
    }

    /// Accepts the identifier or the label (also the short forms "预备"/"正式").
    pub fn parse(s: &str) -> Option<MemberStatus> {
        let s = s.trim();
        match s {
            "预备" => return Some(Self::Probationary),
            "正式" => return Some(Self::Full),
            _ => {}
        }
        Self::ALL.into_iter().find(|v| v.as_str() == s || v.label() == s)
    }

    /// Whether the member still counts in their branch (probationary or full).
    pub fn is_current(self) -> bool {
        matches!(self, Self::Probationary | Self::Full)
    }
}

/// 党费类别: which dues rate table applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DuesCategory {
    Employed,
    /// 年薪制: the base is the pay actually received that month (DUES-ANNUAL-SALARY).
    AnnualSalary,
    /// 个体经营等无固定工资: the previous quarter's average monthly net income (DUES-SELF-EMPLOYED).
    SelfEmployed,
    Retired,
    Farmer,
    Student,
    Unemployed,
    LowIncome,
    Other,
}

impl DuesCategory {
    pub const ALL: [DuesCategory; 9] = [
        Self::Employed,
        Self::AnnualSalary,
        Self::SelfEmployed,
        Self::Retired,
        Self::Farmer,
        Self::Student,
        Self::Unemployed,
        Self::LowIncome,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Employed => "employed",
            Self::AnnualSalary => "annual_salary",
            Self::SelfEmployed => "self_employed",
            Self::Retired => "retired",
            Self::Farmer => "farmer",
            Self::Student => "student",
            Self::Unemployed => "unemployed",
            Self::LowIncome => "low_income",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Employed => "在职",
            Self::AnnualSalary => "年薪制",
            Self::SelfEmployed => "个体经营等",
            Self::Retired => "离退休",
            Self::Farmer => "农民",
            Self::Student => "学生",
            Self::Unemployed => "失业/下岗",
            Self::LowIncome => "低保/救济",
            Self::Other => "其他",
        }
    }

    /// Accepts the identifier, the label, and the common single words of the label
    /// ("离休", "退休", "失业", "下岗", "低保", "困难").
    pub fn parse(s: &str) -> Option<DuesCategory> {
        let s = s.trim();
        match s {
            "离休" | "退休" => return Some(Self::Retired),
            "失业" | "下岗" => return Some(Self::Unemployed),
            "低保" | "困难" | "救济" | "抚恤" => return Some(Self::LowIncome),
            "年薪" => return Some(Self::AnnualSalary),
            "个体" | "个体经营" | "个体工商户" => return Some(Self::SelfEmployed),
            _ => {}
        }
        Self::ALL.into_iter().find(|v| v.as_str() == s || v.label() == s)
    }
}

// ---------------------------------------------------------------------------------------------
// Embedded code tables
// ---------------------------------------------------------------------------------------------

const ETHNICITIES_CSV: &str = include_str!("../data/ethnicities.csv");
const EDUCATION_CSV: &str = include_str!("../data/education.csv");
const PROVINCES_CSV: &str = include_str!("../data/id-number-province-codes.csv");
const OCCUPATIONS_CSV: &str = include_str!("../data/occupations.csv");

/// Split an embedded CSV (no quoting; the tables contain no commas) into rows of exactly
/// `header.len()` non-empty fields, after checking the header. Errors name the line.
fn csv_rows(text: &'static str, header: &[&str]) -> Result<Vec<Vec<&'static str>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty());
    let Some((_, first)) = lines.next() else {
        return Err("empty file".to_string());
    };
    let got: Vec<&str> = first.split(',').map(str::trim).collect();
    if got != header {
        return Err(format!("header {got:?}, expected {header:?}"));
    }
    let mut rows = Vec::new();
    for (n, line) in lines {
        let fields: Vec<&'static str> = line.split(',').map(str::trim).collect();
        if fields.len() != header.len() || fields.iter().any(|f| f.is_empty()) {
            return Err(format!("line {}: {line:?}", n + 1));
        }
        rows.push(fields);
    }
    Ok(rows)
}

fn serialize_code<S: Serializer>(code: &str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(code)
}

/// 民族, GB 3304 (01 汉族 … 56 基诺族), then the national member system's 57 其他 and
/// 58 外国血统中国籍人士.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ethnicity {
    code: &'static str,
    name: &'static str,
}

fn parse_ethnicities(text: &'static str) -> Result<Vec<Ethnicity>, String> {
    csv_rows(text, &["code", "name"])?
        .into_iter()
        .map(|r| match r.as_slice() {
            [code, name] if code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) => Ok(Ethnicity { code, name }),
            other => Err(format!("bad ethnicity row {other:?}")),
        })
        .collect()
}

/// The two codes the national member system adds after GB 3304's 56 groups (forms.md §1.3).
const NATIONAL_SYSTEM_ETHNICITIES: [Ethnicity; 2] =
    [Ethnicity { code: "57", name: "其他" }, Ethnicity { code: "58", name: "外国血统中国籍人士" }];

static ETHNICITIES: LazyLock<Vec<Ethnicity>> = LazyLock::new(|| {
    let mut all = parse_ethnicities(ETHNICITIES_CSV).unwrap_or_default();
    all.extend(NATIONAL_SYSTEM_ETHNICITIES);
    all
});

impl Ethnicity {
    /// Accepts the two-digit code ("01"), the code without its leading zero ("1"), the name
    /// ("汉族") or the name without "族" ("汉", "蒙古").
    pub fn parse(s: &str) -> Option<Ethnicity> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        if s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit()) {
            let n: u32 = s.parse().ok()?;
            let code = format!("{n:02}");
            return Self::all().iter().copied().find(|e| e.code == code);
        }
        Self::all().iter().copied().find(|e| e.name == s || e.name.strip_suffix('族') == Some(s))
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Every ethnicity except 汉族 counts as a minority (少数民族) in party statistics.
    /// One of the 55 minority groups (not 汉族, not 57 其他 or 58 外国血统中国籍人士).
    pub fn is_minority(&self) -> bool {
        self.code != "01" && !NATIONAL_SYSTEM_ETHNICITIES.iter().any(|e| e.code == self.code)
    }

    /// All 58, in code order.
    pub fn all() -> &'static [Ethnicity] {
        &ETHNICITIES
    }
}

impl Serialize for Ethnicity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_code(self.code, serializer)
    }
}

impl<'de> Deserialize<'de> for Ethnicity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown ethnicity {s:?}")))
    }
}

/// The level that party statistics roll an education code up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EducationLevel {
    Postgraduate,
    Bachelor,
    College,
    SecondaryVocational,
    HighSchool,
    JuniorHighOrBelow,
}

impl EducationLevel {
    pub const ALL: [EducationLevel; 6] = [
        Self::Postgraduate,
        Self::Bachelor,
        Self::College,
        Self::SecondaryVocational,
        Self::HighSchool,
        Self::JuniorHighOrBelow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Postgraduate => "postgraduate",
            Self::Bachelor => "bachelor",
            Self::College => "college",
            Self::SecondaryVocational => "secondary_vocational",
            Self::HighSchool => "high_school",
            Self::JuniorHighOrBelow => "junior_high_or_below",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Postgraduate => "研究生",
            Self::Bachelor => "本科",
            Self::College => "专科",
            Self::SecondaryVocational => "中专中技",
            Self::HighSchool => "高中",
            Self::JuniorHighOrBelow => "初中及以下",
        }
    }

    pub fn parse(s: &str) -> Option<EducationLevel> {
        let s = s.trim();
        Self::ALL.into_iter().find(|v| v.as_str() == s || v.label() == s)
    }
}

/// 学历, from the national member system's two-character code list (forms.md §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Education {
    code: &'static str,
    name: &'static str,
    level: EducationLevel,
    college_plus: bool,
}

fn parse_education(text: &'static str) -> Result<Vec<Education>, String> {
    csv_rows(text, &["national_code", "name", "level", "counts_as_college_plus"])?
        .into_iter()
        .map(|r| match r.as_slice() {
            [code, name, level, plus] => Ok(Education {
                code,
                name,
                level: EducationLevel::parse(level).ok_or(format!("bad level {level:?}"))?,
                college_plus: match *plus {
                    "yes" => true,
                    "no" => false,
                    other => return Err(format!("bad yes/no {other:?}")),
                },
            }),
            other => Err(format!("bad education row {other:?}")),
        })
        .collect()
}

static EDUCATIONS: LazyLock<Vec<Education>> = LazyLock::new(|| parse_education(EDUCATION_CSV).unwrap_or_default());

/// Everyday words for an education, mapped to the code they mean.
const EDUCATION_ALIASES: &[(&str, &str)] = &[
    ("博士", "11"),
    ("硕士", "12"),
    ("本科", "21"),
    ("大学本科", "21"),
    ("专科", "22"),
    ("大学专科", "22"),
    ("中专", "41"),
    ("职高", "44"),
    ("技校", "47"),
    ("高中", "61"),
];

impl Education {
    /// Accepts the national code (case-insensitive: "1a" = "1A"), the name ("大学"), or an
    /// everyday word ("本科", "硕士", "中专" …).
    pub fn parse(s: &str) -> Option<Education> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let upper = s.to_ascii_uppercase();
        let code = EDUCATION_ALIASES.iter().find(|(alias, _)| *alias == s).map_or(upper.as_str(), |(_, code)| code);
        Self::all().iter().copied().find(|e| e.code == code || e.name == s)
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn level(&self) -> EducationLevel {
        self.level
    }

    /// Whether it counts as 大专及以上 in party statistics.
    pub fn college_plus(&self) -> bool {
        self.college_plus
    }

    pub fn all() -> &'static [Education] {
        &EDUCATIONS
    }
}

impl Serialize for Education {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_code(self.code, serializer)
    }
}

impl<'de> Deserialize<'de> for Education {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown education {s:?}")))
    }
}

/// 职业: the occupation categories of party statistics (rules.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Occupation {
    identifier: &'static str,
    name: &'static str,
}

fn parse_occupations(text: &'static str) -> Result<Vec<Occupation>, String> {
    csv_rows(text, &["identifier", "name"])?
        .into_iter()
        .map(|r| match r.as_slice() {
            [identifier, name] if identifier.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') => {
                Ok(Occupation { identifier, name })
            }
            other => Err(format!("bad occupation row {other:?}")),
        })
        .collect()
}

static OCCUPATIONS: LazyLock<Vec<Occupation>> =
    LazyLock::new(|| parse_occupations(OCCUPATIONS_CSV).unwrap_or_default());

impl Occupation {
    /// Accepts the identifier ("worker") or the name ("工人").
    pub fn parse(s: &str) -> Option<Occupation> {
        let s = s.trim();
        Self::all().iter().copied().find(|o| o.identifier == s || o.name == s)
    }

    pub fn identifier(&self) -> &'static str {
        self.identifier
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn all() -> &'static [Occupation] {
        &OCCUPATIONS
    }
}

impl Serialize for Occupation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_code(self.identifier, serializer)
    }
}

impl<'de> Deserialize<'de> for Occupation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown occupation {s:?}")))
    }
}

fn parse_provinces(text: &'static str) -> Result<Vec<(&'static str, &'static str)>, String> {
    csv_rows(text, &["code", "province"])?
        .into_iter()
        .map(|r| match r.as_slice() {
            [code, name] if code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) => Ok((*code, *name)),
            other => Err(format!("bad province row {other:?}")),
        })
        .collect()
}

static PROVINCES: LazyLock<Vec<(&'static str, &'static str)>> =
    LazyLock::new(|| parse_provinces(PROVINCES_CSV).unwrap_or_default());

/// The province-level division named by the first two digits of an ID number
/// (GB/T 2260): `province_name("11") == Some("北京")`.
pub fn province_name(code2: &str) -> Option<&'static str> {
    PROVINCES.iter().find(|(code, _)| *code == code2).map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_embedded_row_parses() {
        let e = parse_ethnicities(ETHNICITIES_CSV).unwrap();
        assert_eq!(e.len(), 56);
        assert_eq!(ETHNICITIES_CSV.lines().count() - 1, 56);
        for (i, x) in e.iter().enumerate() {
            assert_eq!(x.code, format!("{:02}", i + 1), "codes are 01..56 in order");
        }

        let ed = parse_education(EDUCATION_CSV).unwrap();
        assert_eq!(ed.len(), EDUCATION_CSV.lines().count() - 1);
        assert_eq!(ed.len(), 20);

        let p = parse_provinces(PROVINCES_CSV).unwrap();
        assert_eq!(p.len(), PROVINCES_CSV.lines().count() - 1);
        assert_eq!(p.len(), 34);

        let o = parse_occupations(OCCUPATIONS_CSV).unwrap();
        assert_eq!(o.len(), OCCUPATIONS_CSV.lines().count() - 1);
        assert_eq!(o.len(), 8);

        // The lazily parsed tables are the same as the strict parse.
        assert_eq!(&Ethnicity::all()[..56], e.as_slice());
        assert_eq!(&Ethnicity::all()[56..], NATIONAL_SYSTEM_ETHNICITIES.as_slice());
        assert_eq!(Education::all(), ed.as_slice());
        assert_eq!(Occupation::all(), o.as_slice());
        assert_eq!(PROVINCES.as_slice(), p.as_slice());
    }

    #[test]
    fn codes_and_names_are_unique() {
        fn unique<'a>(it: impl Iterator<Item = &'a str>) -> bool {
            let v: Vec<&str> = it.collect();
            v.iter().collect::<HashSet<_>>().len() == v.len()
        }
        assert!(unique(Ethnicity::all().iter().map(|e| e.code)));
        assert!(unique(Ethnicity::all().iter().map(|e| e.name)));
        assert!(unique(Education::all().iter().map(|e| e.code)));
        assert!(unique(Education::all().iter().map(|e| e.name)));
        assert!(unique(Occupation::all().iter().map(|e| e.identifier)));
        assert!(unique(Occupation::all().iter().map(|e| e.name)));
        assert!(unique(PROVINCES.iter().map(|p| p.0)));
    }

    #[test]
    fn education_aliases_point_at_real_codes() {
        for (alias, code) in EDUCATION_ALIASES {
            assert!(Education::all().iter().any(|e| e.code == *code), "{alias} -> {code}");
            assert!(Education::all().iter().all(|e| e.name != *alias), "{alias} shadows a name");
        }
    }

    #[test]
    fn malformed_tables_are_rejected() {
        assert!(parse_ethnicities("").is_err());
        assert!(parse_ethnicities("code,name\n1,汉族\n").is_err());
        assert!(parse_ethnicities("code,name\n01\n").is_err());
        assert!(parse_ethnicities("id,name\n01,汉族\n").is_err());
        assert!(parse_education("national_code,name,level,counts_as_college_plus\n11,博士,phd,yes\n").is_err());
        assert!(
            parse_education("national_code,name,level,counts_as_college_plus\n11,博士,postgraduate,maybe\n").is_err()
        );
        assert!(parse_occupations("identifier,name\nWorker,工人\n").is_err());
        assert!(parse_provinces("code,province\n1,北京\n").is_err());
        assert_eq!(parse_ethnicities("\u{feff}code,name\r\n01,汉族\r\n").unwrap().len(), 1);
    }
}
