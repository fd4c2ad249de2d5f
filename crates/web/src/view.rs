//! Presentation helpers shared by pages: Chinese labels of stored identifiers and form fields.

use chrono::NaiveDate;
use domain::FieldErrors;
use domain::codes::{DuesCategory, Education, Ethnicity, Gender, MemberStatus, Occupation};
use domain::org::{OrgKind, PostKind, UnitKind};

pub fn ethnicity_label(s: &str) -> &'static str {
    Ethnicity::parse(s).map(|e| e.name()).unwrap_or("—")
}
pub fn education_label(s: &str) -> &'static str {
    Education::parse(s).map(|e| e.name()).unwrap_or("—")
}
pub fn occupation_label(s: &str) -> &'static str {
    Occupation::parse(s).map(|e| e.name()).unwrap_or("—")
}

/// 2025-03-01 → 2025年3月1日.
pub fn cn_date(d: &NaiveDate) -> String {
    domain::dates::format_cn(*d)
}

pub fn opt_date(d: &Option<NaiveDate>) -> String {
    d.as_ref().map(cn_date).unwrap_or_else(|| "—".into())
}

/// Epoch milliseconds → local (UTC+8) time, for the audit log.
pub fn cn_time(ms: i64) -> String {
    domain::dates::format_instant_cn(ms)
}

#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One input of a generated form.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    /// "text", "date", "select", "tel", "number"
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Opt>,
    pub error: String,
    pub hint: String,
    pub required: bool,
}

impl Field {
    pub fn text(name: &'static str, label: &'static str, value: &str, errors: &FieldErrors) -> Self {
        Self {
            name,
            label,
            kind: "text",
            value: value.to_string(),
            options: Vec::new(),
            error: errors.get(name).unwrap_or_default().to_string(),
            hint: String::new(),
            required: false,
        }
    }
    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    /// A select; `blank` adds an empty first choice with that label.
    pub fn select(
        name: &'static str,
        label: &'static str,
        value: &str,
        choices: Vec<(String, String)>,
        blank: Option<&str>,
        errors: &FieldErrors,
    ) -> Self {
        let mut options: Vec<Opt> = Vec::new();
        if let Some(b) = blank {
            options.push(Opt { value: String::new(), label: b.to_string(), selected: value.is_empty() });
        }
        options.extend(choices.into_iter().map(|(v, l)| Opt { selected: v == value, value: v, label: l }));
        Self { kind: "select", options, ..Self::text(name, label, value, errors) }
    }
}

pub fn gender_choices() -> Vec<(String, String)> {
    Gender::ALL.iter().map(|g| (g.as_str().into(), g.label().into())).collect()
}
pub fn status_choices() -> Vec<(String, String)> {
    MemberStatus::ALL.iter().map(|g| (g.as_str().into(), g.label().into())).collect()
}
pub fn ethnicity_choices() -> Vec<(String, String)> {
    Ethnicity::all().iter().map(|e| (e.code().into(), e.name().into())).collect()
}
pub fn education_choices() -> Vec<(String, String)> {
    Education::all().iter().map(|e| (e.code().into(), e.name().into())).collect()
}
pub fn occupation_choices() -> Vec<(String, String)> {
    Occupation::all().iter().map(|e| (e.identifier().into(), e.name().into())).collect()
}
pub fn dues_choices() -> Vec<(String, String)> {
    DuesCategory::ALL.iter().map(|e| (e.as_str().into(), e.label().into())).collect()
}
pub fn kind_choices() -> Vec<(String, String)> {
    OrgKind::ALL.iter().map(|e| (e.as_str().into(), e.label().into())).collect()
}
pub fn unit_kind_choices() -> Vec<(String, String)> {
    UnitKind::ALL.iter().map(|e| (e.as_str().into(), e.label().into())).collect()
}
pub fn post_choices() -> Vec<(String, String)> {
    PostKind::ALL.iter().map(|e| (e.as_str().into(), e.label().into())).collect()
}
/// 否 / 是, as the national system's yes-or-no items (失联党员, 流动党员) are written.
pub fn yes_no_choices() -> Vec<(String, String)> {
    ["否", "是"].iter().map(|v| ((*v).into(), (*v).into())).collect()
}
