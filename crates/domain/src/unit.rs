//! Units (所在单位) a committee oversees: schools, kindergartens, training institutions, organs,
//! including those without a party organization yet. Each has its type, ownership (公办 / 民办),
//! the supervising department (谁主管谁负责) and its level in the three-level scheme of
//! management (三级分类管理); orgs are linked to their unit (a joint branch to several). Whether
//! party building is written into its charter, and its yearly inspections, are recorded with
//! dates and documents (COVER-PRIVATE, see [`crate::family::coverage`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::dates::parse_date;

/// The type of unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UnitType {
    /// 中小学、职业学校、高校.
    School,
    /// 幼儿园.
    Kindergarten,
    /// 校外培训机构.
    TrainingInstitution,
    /// 机关、事业单位.
    Organ,
    Other,
}

impl UnitType {
    pub const ALL: [UnitType; 5] =
        [Self::School, Self::Kindergarten, Self::TrainingInstitution, Self::Organ, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::School => "school",
            Self::Kindergarten => "kindergarten",
            Self::TrainingInstitution => "training_institution",
            Self::Organ => "organ",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::School => "学校",
            Self::Kindergarten => "幼儿园",
            Self::TrainingInstitution => "培训机构",
            Self::Organ => "机关事业单位",
            Self::Other => "其他",
        }
    }

    pub fn parse(s: &str) -> Option<UnitType> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.label() == s)
    }

    /// Whether it is an education unit (a 民办 one falls under COVER-PRIVATE).
    pub fn is_education(self) -> bool {
        matches!(self, Self::School | Self::Kindergarten | Self::TrainingInstitution)
    }
}

crate::stored_code!(UnitType => "unit type");

/// Who runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Ownership {
    /// 公办.
    Public,
    /// 民办.
    Private,
}

impl Ownership {
    pub const ALL: [Ownership; 2] = [Self::Public, Self::Private];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Public => "公办",
            Self::Private => "民办",
        }
    }

    pub fn parse(s: &str) -> Option<Ownership> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.label() == s)
    }
}

crate::stored_code!(Ownership => "unit ownership");

/// A unit as typed (the form, the API and a row of the import).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitInput {
    /// 单位名称, as the members' 工作单位 names it.
    pub name: String,
    /// "school", "kindergarten", "training_institution", "organ", "other" (or the label).
    pub unit_type: String,
    /// "public" or "private" (公办 / 民办).
    pub ownership: String,
    /// 主管部门.
    pub supervisor: String,
    /// 分级管理级别: "1", "2", "3", or empty when the unit is not graded.
    pub level: String,
    /// 统一社会信用代码 (optional; 18 characters).
    pub credit_code: String,
    /// The day party building was written into its charter (章程), empty when it is not.
    pub charter_on: String,
    /// The charter's document (文号 or title) stating it.
    pub charter_doc: String,
    pub note: String,
}

/// A unit that reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub name: String,
    pub unit_type: UnitType,
    pub ownership: Ownership,
    pub supervisor: String,
    pub level: Option<u8>,
    pub credit_code: String,
    pub charter_on: Option<NaiveDate>,
    pub charter_doc: String,
    pub note: String,
}

/// The label of a level of the three-level scheme.
pub fn level_label(level: Option<u8>) -> &'static str {
    match level {
        Some(1) => "一级",
        Some(2) => "二级",
        Some(3) => "三级",
        _ => "未分级",
    }
}

impl UnitInput {
    /// Checks the typed unit; every field that does not read is named.
    pub fn check(&self, today: NaiveDate) -> Result<Unit, FieldErrors> {
        let mut e = FieldErrors::new();
        let text = |e: &mut FieldErrors, field: &str, label: &str, value: &str, max: usize, required: bool| {
            let v = value.trim();
            if v.is_empty() && required {
                e.add(field, format!("请填写{label}"));
            } else if v.chars().count() > max {
                e.add(field, format!("{label}不能超过 {max} 个字"));
            }
            v.to_string()
        };
        let name = text(&mut e, "name", "单位名称", &self.name, 100, true);
        let unit_type = UnitType::parse(&self.unit_type);
        if unit_type.is_none() {
            e.add("unit_type", "请选择单位类别：学校、幼儿园、培训机构、机关事业单位或其他");
        }
        let ownership = Ownership::parse(&self.ownership);
        if ownership.is_none() {
            e.add("ownership", "请选择办学性质：公办或民办");
        }
        let supervisor = text(&mut e, "supervisor", "主管部门", &self.supervisor, 100, false);
        let level = match self.level.trim() {
            "" => None,
            "1" | "一级" => Some(1),
            "2" | "二级" => Some(2),
            "3" | "三级" => Some(3),
            _ => {
                e.add("level", "分级管理级别应为一级、二级、三级或留空");
                None
            }
        };
        let credit_code = self.credit_code.trim().to_ascii_uppercase();
        if !credit_code.is_empty()
            && (credit_code.chars().count() != 18 || !credit_code.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            e.add("credit_code", "统一社会信用代码应为18位数字或大写字母");
        }
        let charter_on = if self.charter_on.trim().is_empty() {
            None
        } else {
            match parse_date(&self.charter_on) {
                Ok(d) if d > today => {
                    e.add("charter_on", "日期不能晚于今天");
                    None
                }
                Ok(d) => Some(d),
                Err(err) => {
                    e.add("charter_on", err.to_string());
                    None
                }
            }
        };
        let charter_doc = text(&mut e, "charter_doc", "章程文件", &self.charter_doc, 200, false);
        if charter_on.is_some() && charter_doc.is_empty() {
            e.add("charter_doc", "请填写写入党建工作的章程文件（名称或文号）");
        }
        let note = text(&mut e, "note", "备注", &self.note, 500, false);
        match (unit_type, ownership) {
            (Some(unit_type), Some(ownership)) if e.is_empty() => {
                Ok(Unit { name, unit_type, ownership, supervisor, level, credit_code, charter_on, charter_doc, note })
            }
            _ => Err(e),
        }
    }
}

/// An inspection of a unit as typed: the year inspected, the day, whether party building was
/// part of it, and the document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionInput {
    /// 年检年度.
    pub year: String,
    /// 年检日期.
    pub inspected_on: String,
    /// Whether party building was part of the inspection: "on" / "true" (a ticked box).
    pub party_building: String,
    /// 年检结论文件.
    pub document: String,
}

/// An inspection that reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    pub year: i32,
    pub inspected_on: NaiveDate,
    pub party_building: bool,
    pub document: String,
}

impl InspectionInput {
    pub fn check(&self, today: NaiveDate) -> Result<Inspection, FieldErrors> {
        let mut e = FieldErrors::new();
        let year = match self.year.trim().parse::<i32>() {
            Ok(y) if (1949..=chrono::Datelike::year(&today)).contains(&y) => Some(y),
            _ => {
                e.add("year", "请填写年检年度（四位数字，不晚于今年）");
                None
            }
        };
        let inspected_on = match parse_date(&self.inspected_on) {
            Ok(d) if d > today => {
                e.add("inspected_on", "日期不能晚于今天");
                None
            }
            Ok(d) => Some(d),
            Err(err) => {
                e.add("inspected_on", err.to_string());
                None
            }
        };
        let document = self.document.trim().to_string();
        if document.is_empty() {
            e.add("document", "请填写年检结论文件（名称或文号）");
        } else if document.chars().count() > 200 {
            e.add("document", "年检结论文件不能超过 200 个字");
        }
        let party_building = matches!(self.party_building.trim(), "on" | "true" | "1" | "是");
        match (year, inspected_on) {
            (Some(year), Some(inspected_on)) if e.is_empty() => {
                Ok(Inspection { year, inspected_on, party_building, document })
            }
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn cover_private_a_unit_reads_or_names_its_fields() {
        let good = UnitInput {
            name: "育才民办学校".into(),
            unit_type: "学校".into(),
            ownership: "民办".into(),
            level: "二级".into(),
            credit_code: "52330100mj0000000x".into(),
            charter_on: "2025-09-01".into(),
            charter_doc: "育才学校章程（2025年修订）".into(),
            ..UnitInput::default()
        };
        let u = good.check(d(2026, 12, 1)).unwrap();
        assert_eq!((u.unit_type, u.ownership, u.level), (UnitType::School, Ownership::Private, Some(2)));
        assert_eq!(u.credit_code, "52330100MJ0000000X");
        let bad = UnitInput {
            name: " ".into(),
            unit_type: "工厂".into(),
            ownership: "".into(),
            level: "4".into(),
            credit_code: "123".into(),
            charter_on: "2025-09-01".into(),
            ..UnitInput::default()
        };
        let e = bad.check(d(2026, 12, 1)).unwrap_err();
        for f in ["name", "unit_type", "ownership", "level", "credit_code", "charter_doc"] {
            assert!(e.get(f).is_some(), "{f}: {e:?}");
        }
    }

    #[test]
    fn cover_private_an_inspection_reads_or_names_its_fields() {
        let i = InspectionInput {
            year: "2025".into(),
            inspected_on: "2026-03-10".into(),
            party_building: "on".into(),
            document: "民办学校年检结论".into(),
        };
        assert!(i.check(d(2026, 12, 1)).unwrap().party_building);
        let e = InspectionInput { year: "2027".into(), ..i }.check(d(2026, 12, 1)).unwrap_err();
        assert!(e.get("year").is_some());
    }
}
