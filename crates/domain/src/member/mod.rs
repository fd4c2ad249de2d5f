//! A party member's personal data: ID number, phone, name, and the member form with its checks.
//!
//! Rules checked here (shared/rules.md):
//! - **CON-APPLY-AGE**: a member must have been at least 18 on the day they joined.
//! - **DEV-PROBATION** (and CON-PROBATION): probation is 1 year from joining and may be extended
//!   once, by 6 to 12 months; confirmation (转正) takes effect the day probation ends, so the only
//!   valid 转正 dates are the first anniversary of joining or, after a recorded extension, that
//!   day plus the extension.
//!
//! A refusal by one of these rules names it and its citation ([`FieldErrors::add_rule`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::codes::{DuesCategory, Education, Ethnicity, Gender, MemberStatus, Occupation};
use crate::dates::{self, add_months, age_on, format_cn, parse_date};

/// Full-width digits and letters (typed with a Chinese input method) to ASCII; all whitespace
/// (including the ideographic space) removed.
fn compact_ascii(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

mod id_number;
mod name;
mod phone;
mod political_birthday;

pub use id_number::{IdNumber, IdNumberError, mask_id_number};
pub use name::{PersonName, PersonNameError};
pub use phone::{Phone, PhoneError, mask_address, mask_phone};
pub use political_birthday::{PoliticalBirthday, joined_months_for, next_political_birthday, political_birthday};

/// A member as typed into a form, a JSON body or a spreadsheet row: every field a string, an
/// empty string meaning "not given". [`MemberInput::validate`] turns it into [`MemberFields`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberInput {
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_date: String,
    pub id_number: String,
    pub phone: String,
    pub education: String,
    pub degree: String,
    pub occupation: String,
    /// 工作岗位, free text.
    pub post: String,
    pub unit_name: String,
    pub joined_on: String,
    pub confirmed_on: String,
    /// 延长预备期 in months (6–12), when the branch extended the probation; empty when not.
    pub probation_extension_months: String,
    pub status: String,
    pub dues_category: String,
    /// 家庭住址.
    pub address: String,
    /// 是否为失联党员: 是 / 否 (empty: 否).
    pub lost_contact: String,
    /// 失去联系日期, a month (yyyy-mm).
    pub lost_contact_since: String,
    /// 是否为流动党员: 是 / 否 (empty: 否).
    pub mobile_member: String,
    /// 外出流向.
    pub mobile_destination: String,
    /// 备注.
    pub remark: String,
}

/// A validated member: every field holds a valid value and the fields agree with each other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberFields {
    pub name: PersonName,
    pub gender: Gender,
    pub ethnicity: Ethnicity,
    pub birth_date: NaiveDate,
    pub id_number: IdNumber,
    pub phone: Option<Phone>,
    pub education: Option<Education>,
    /// 学位, ≤ 50 characters.
    pub degree: Option<String>,
    pub occupation: Option<Occupation>,
    /// 工作岗位, ≤ 100 characters.
    pub post: Option<String>,
    /// 工作单位, ≤ 100 characters.
    pub unit_name: Option<String>,
    /// The day the 支部大会 admitted the member: the start of probation (CON-PROBATION).
    pub joined_on: NaiveDate,
    /// The day the member became full (转正); the start of 党龄.
    pub confirmed_on: Option<NaiveDate>,
    /// A recorded extension of the probation (延长预备期), 6 to 12 months (DEV-PROBATION).
    pub probation_extension_months: Option<u32>,
    pub status: MemberStatus,
    pub dues_category: DuesCategory,
    /// 家庭住址, ≤ 200 characters.
    pub address: Option<String>,
    /// 失联党员 (the national system's item 15).
    pub lost_contact: bool,
    /// The first day of the month contact was lost.
    pub lost_contact_since: Option<NaiveDate>,
    /// 流动党员 (item 16).
    pub mobile_member: bool,
    /// 外出流向, ≤ 100 characters.
    pub mobile_destination: Option<String>,
    /// 备注, ≤ 200 characters.
    pub remark: Option<String>,
}

/// Errors of one validation pass, sorted into [`MemberInput::FIELDS`] order at the end.
/// A rule that refused a value: its ID and citation.
type RefusedBy = Option<(&'static str, &'static str)>;

struct Collected(Vec<(&'static str, String, RefusedBy)>);

impl Collected {
    fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into(), None));
    }

    /// A refusal by a firm rule: the message names the rule and its citation.
    fn add_rule(
        &mut self,
        field: &'static str,
        message: impl Into<String>,
        rule_id: &'static str,
        citation: &'static str,
    ) {
        self.0.push((field, message.into(), Some((rule_id, citation))));
    }

    fn into_field_errors(mut self) -> FieldErrors {
        let pos = |f: &str| MemberInput::FIELDS.iter().position(|x| *x == f).unwrap_or(usize::MAX);
        self.0.sort_by_key(|(f, _, _)| pos(f)); // stable: keeps per-field order
        let mut errors = FieldErrors::new();
        for (field, message, rule) in self.0 {
            match rule {
                Some((id, citation)) => errors.add_rule(field, message, id, citation),
                None => errors.add(field, message),
            }
        }
        errors
    }
}

/// CON-APPLY-AGE's citation.
const CITE_APPLY_AGE: &str = "《中国共产党章程》第一条";
/// DEV-PROBATION's citation.
const CITE_PROBATION: &str = "《中国共产党章程》第七条；《中国共产党发展党员工作细则》第三十二条";

/// An optional free-text field: trimmed, `None` when empty, at most `max` characters, no
/// control characters.
fn optional_text(errors: &mut Collected, field: &'static str, label: &str, value: &str, max: usize) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let n = value.chars().count();
    if n > max {
        errors.add(field, format!("{label}不能超过 {max} 个字，现为 {n} 个字，请精简"));
        return None;
    }
    if value.chars().any(char::is_control) {
        errors.add(field, format!("{label}不能包含换行等控制字符，请删除"));
        return None;
    }
    Some(value.to_string())
}

/// A date field; `None` when empty or invalid (an error is recorded when invalid).
fn optional_date(errors: &mut Collected, field: &'static str, label: &str, value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match parse_date(value) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.add(field, format!("{label}：{e}"));
            None
        }
    }
}

/// A 是 / 否 field of the national system (empty: 否); an error for anything else.
fn yes_no(errors: &mut Collected, field: &'static str, label: &str, value: &str) -> bool {
    match value.trim() {
        "" | "否" | "N" | "n" | "no" | "No" | "NO" | "false" | "0" => false,
        "是" | "Y" | "y" | "yes" | "Yes" | "YES" | "true" | "1" => true,
        other => {
            errors.add(field, format!("{label}应为“是”或“否”，现为“{}”，请重新填写", other));
            false
        }
    }
}

fn options<T: Copy>(all: impl IntoIterator<Item = T>, label: impl Fn(T) -> &'static str) -> String {
    all.into_iter().map(label).collect::<Vec<_>>().join("、")
}

/// The minimum age on the joining day (CON-APPLY-AGE: 年满十八岁).
pub const JOINING_AGE: u32 = 18;

/// CON-APPLY-AGE: whether someone born on `birth` was at least 18 on `joined_on`
/// (birthday counted on the day; see [`dates::age_on`] for 29 February).
pub fn meets_joining_age(birth: NaiveDate, joined_on: NaiveDate) -> bool {
    age_on(birth, joined_on) >= JOINING_AGE
}

/// DEV-PROBATION: an extension of the probation is 6 to 12 months.
pub const PROBATION_EXTENSION_MONTHS: (u32, u32) = (6, 12);

/// DEV-PROBATION: the day probation ends and confirmation (转正) takes effect: one year after
/// joining (the anniversary, 29 February → 1 March), or after a recorded extension of
/// `extension` months, that many months later.
pub fn probation_end(joined_on: NaiveDate, extension: Option<u32>) -> NaiveDate {
    let year = dates::anniversary(joined_on, 1);
    match extension {
        Some(m) => add_months(year, m),
        None => year,
    }
}

impl MemberInput {
    /// The field names, in form order; [`FieldErrors`] from [`Self::validate`] use these.
    pub const FIELDS: [&'static str; 22] = [
        "name",
        "gender",
        "ethnicity",
        "birth_date",
        "id_number",
        "phone",
        "education",
        "degree",
        "occupation",
        "post",
        "unit_name",
        "joined_on",
        "confirmed_on",
        "probation_extension_months",
        "status",
        "dues_category",
        "address",
        "lost_contact",
        "lost_contact_since",
        "mobile_member",
        "mobile_destination",
        "remark",
    ];

    /// Validates every field and the rules between them in one pass, returning all errors
    /// (in [`Self::FIELDS`] order) or the validated fields. `as_of` is today's date.
    ///
    /// - Required: name, ethnicity, id_number, joined_on, status, dues_category. Gender and
    ///   birth date are taken from the ID number when left empty, and must agree with it when given.
    /// - The birth date may not be after `as_of`; the joining date may not be after `as_of`.
    /// - **CON-APPLY-AGE**: the member was at least 18 on `joined_on` (see [`dates::age_on`]).
    /// - **CON-PROBATION**: a given `confirmed_on` lies between 1 and 2 years after `joined_on`
    ///   (both ends included) and not after `as_of`; a probationary member has no `confirmed_on`
    ///   and has not been probationary for more than 2 years; a full member has a `confirmed_on`.
    pub fn validate(&self, as_of: NaiveDate) -> Result<MemberFields, FieldErrors> {
        let mut errors = Collected(Vec::new());
        let as_of_cn = format_cn(as_of);

        let name = PersonName::parse(&self.name).map_err(|e| errors.add("name", e.to_string())).ok();

        let id_number = IdNumber::parse(&self.id_number).map_err(|e| errors.add("id_number", e.to_string())).ok();

        // Gender: given, or taken from the ID number.
        let gender = if self.gender.trim().is_empty() {
            match &id_number {
                Some(id) => Some(id.gender()),
                None => {
                    errors.add("gender", "请选择性别");
                    None
                }
            }
        } else {
            match Gender::parse(&self.gender) {
                Some(g) => {
                    if let Some(id) = id_number.as_ref().filter(|id| id.gender() != g) {
                        errors.add(
                            "gender",
                            format!("性别与身份证号不一致（身份证号为{}性），请核对", id.gender().label()),
                        );
                    }
                    Some(g)
                }
                None => {
                    errors.add("gender", "性别应为“男”或“女”，请重新选择");
                    None
                }
            }
        };

        let ethnicity = if self.ethnicity.trim().is_empty() {
            errors.add("ethnicity", "请选择民族");
            None
        } else {
            let e = Ethnicity::parse(&self.ethnicity);
            if e.is_none() {
                errors.add("ethnicity", format!("民族“{}”不在 56 个民族名称中，请从列表中选择", self.ethnicity.trim()));
            }
            e
        };

        // Birth date: given, or taken from the ID number.
        let given_birth = optional_date(&mut errors, "birth_date", "出生日期", &self.birth_date);
        let birth_date = match (given_birth, &id_number) {
            (Some(b), Some(id)) if b != id.birth_date() => {
                errors.add(
                    "birth_date",
                    format!("出生日期与身份证号不一致（身份证号为 {}），请核对", format_cn(id.birth_date())),
                );
                Some(b)
            }
            (Some(b), _) => Some(b),
            (None, Some(id)) if self.birth_date.trim().is_empty() => Some(id.birth_date()),
            (None, None) if self.birth_date.trim().is_empty() => {
                errors.add("birth_date", "请填写出生日期，或填写正确的身份证号");
                None
            }
            (None, _) => None, // invalid date, already reported
        };
        if let Some(b) = birth_date.filter(|b| *b > as_of) {
            let field = if given_birth.is_some() { "birth_date" } else { "id_number" };
            errors.add(field, format!("出生日期 {} 晚于 {as_of_cn}，请核对", format_cn(b)));
        }

        let phone = if self.phone.trim().is_empty() {
            None
        } else {
            Phone::parse(&self.phone).map_err(|e| errors.add("phone", e.to_string())).ok()
        };

        let education = if self.education.trim().is_empty() {
            None
        } else {
            let e = Education::parse(&self.education);
            if e.is_none() {
                errors.add("education", format!("学历“{}”不在学历代码表中，请从列表中选择", self.education.trim()));
            }
            e
        };

        let degree = optional_text(&mut errors, "degree", "学位", &self.degree, 50);

        let occupation = if self.occupation.trim().is_empty() {
            None
        } else {
            let o = Occupation::parse(&self.occupation);
            if o.is_none() {
                errors.add(
                    "occupation",
                    format!(
                        "职业“{}”无效，应为{}之一，请重新选择",
                        self.occupation.trim(),
                        options(Occupation::all().iter(), |o| o.name())
                    ),
                );
            }
            o
        };

        let post = optional_text(&mut errors, "post", "工作岗位", &self.post, 100);
        let unit_name = optional_text(&mut errors, "unit_name", "工作单位", &self.unit_name, 100);

        // Joining date, CON-APPLY-AGE.
        let joined_on = if self.joined_on.trim().is_empty() {
            errors.add("joined_on", "请填写入党日期（支部大会通过接收预备党员的日期）");
            None
        } else {
            optional_date(&mut errors, "joined_on", "入党日期", &self.joined_on)
        };
        if let Some(j) = joined_on {
            if j > as_of {
                errors.add("joined_on", format!("入党日期不能晚于 {as_of_cn}，请核对"));
            }
            if let Some(b) = birth_date.filter(|b| !meets_joining_age(*b, j)) {
                errors.add_rule(
                    "joined_on",
                    format!(
                        "入党时应年满十八岁：按出生日期 {}，入党日期最早为 {}，请核对入党日期或出生日期",
                        format_cn(b),
                        format_cn(dates::birthday(b, JOINING_AGE))
                    ),
                    "CON-APPLY-AGE",
                    CITE_APPLY_AGE,
                );
            }
        }

        let status = if self.status.trim().is_empty() {
            errors.add("status", "请选择党员状态");
            None
        } else {
            let s = MemberStatus::parse(&self.status);
            if s.is_none() {
                errors.add(
                    "status",
                    format!(
                        "党员状态“{}”无效，应为{}之一，请重新选择",
                        self.status.trim(),
                        options(MemberStatus::ALL, MemberStatus::label)
                    ),
                );
            }
            s
        };

        // Extension of the probation, DEV-PROBATION: once, by 6 to 12 months.
        let probation_extension_months = match self.probation_extension_months.trim() {
            "" | "0" | "无" | "否" => None,
            raw => match raw.trim_end_matches("个月").trim_end_matches('月').trim().parse::<u32>() {
                Ok(n) if (PROBATION_EXTENSION_MONTHS.0..=PROBATION_EXTENSION_MONTHS.1).contains(&n) => Some(n),
                _ => {
                    errors.add_rule(
                        "probation_extension_months",
                        format!("延长预备期应为6至12个月（只能延长一次），“{raw}”无效"),
                        "DEV-PROBATION",
                        CITE_PROBATION,
                    );
                    None
                }
            },
        };
        // Confirmation date, DEV-PROBATION: the day the probation ends, one year after joining,
        // or after a recorded extension, that later day; nothing in between.
        let confirmed_on = optional_date(&mut errors, "confirmed_on", "转正日期", &self.confirmed_on);
        if let Some(c) = confirmed_on {
            if c > as_of {
                errors.add("confirmed_on", format!("转正日期不能晚于 {as_of_cn}，请核对"));
            }
            if let Some(j) = joined_on {
                let due = probation_end(j, probation_extension_months);
                if c != due {
                    let why = match probation_extension_months {
                        None => format!(
                            "转正日期应为预备期满之日 {}（入党日期满一年）；如预备期曾延长，请填写延长的月数",
                            format_cn(due)
                        ),
                        Some(n) => format!("预备期延长{n}个月，转正日期应为预备期满之日 {}", format_cn(due)),
                    };
                    errors.add_rule("confirmed_on", why, "DEV-PROBATION", CITE_PROBATION);
                }
            }
        }
        match status {
            Some(MemberStatus::Probationary) => {
                if confirmed_on.is_some() {
                    errors.add(
                        "confirmed_on",
                        "预备党员不应有转正日期：如已转正，请把状态改为正式党员；否则请清空转正日期",
                    );
                }
                if let Some(j) = joined_on
                    && as_of > add_months(probation_end(j, probation_extension_months), 6)
                {
                    // Half a year past the end of probation without a decision: the record is
                    // wrong, or the branch never decided (the home page lists those overdue).
                    errors.add_rule(
                        "status",
                        format!(
                            "预备期已于 {} 期满半年以上仍未转正，请核对状态或填写转正日期",
                            format_cn(probation_end(j, probation_extension_months))
                        ),
                        "DEV-PROBATION",
                        CITE_PROBATION,
                    );
                }
            }
            Some(MemberStatus::Full) if self.confirmed_on.trim().is_empty() => {
                errors.add("confirmed_on", "正式党员请填写转正日期");
            }
            _ => {}
        }

        let dues_category = if self.dues_category.trim().is_empty() {
            errors.add("dues_category", "请选择党费类别");
            None
        } else {
            let d = DuesCategory::parse(&self.dues_category);
            if d.is_none() {
                errors.add(
                    "dues_category",
                    format!(
                        "党费类别“{}”无效，应为{}之一，请重新选择",
                        self.dues_category.trim(),
                        options(DuesCategory::ALL, DuesCategory::label)
                    ),
                );
            }
            d
        };

        let address = optional_text(&mut errors, "address", "家庭住址", &self.address, 200);
        let lost_contact = yes_no(&mut errors, "lost_contact", "是否为失联党员", &self.lost_contact);
        let lost_contact_since = if self.lost_contact_since.trim().is_empty() {
            None
        } else {
            match dates::parse_year_month(&self.lost_contact_since) {
                Ok(month) if month > as_of => {
                    errors.add("lost_contact_since", format!("失去联系日期不能晚于今天（{as_of_cn}），请核对"));
                    None
                }
                Ok(month) => {
                    if !lost_contact {
                        errors.add("lost_contact_since", "填写了失去联系日期，“是否为失联党员”应为“是”，请核对");
                    }
                    Some(month)
                }
                Err(e) => {
                    errors.add("lost_contact_since", format!("失去联系日期：{e}"));
                    None
                }
            }
        };
        let mobile_member = yes_no(&mut errors, "mobile_member", "是否为流动党员", &self.mobile_member);
        let mobile_destination =
            optional_text(&mut errors, "mobile_destination", "外出流向", &self.mobile_destination, 100);
        if mobile_destination.is_some() && !mobile_member {
            errors.add("mobile_destination", "填写了外出流向，“是否为流动党员”应为“是”，请核对");
        }
        let remark = optional_text(&mut errors, "remark", "备注", &self.remark, 200);

        match (name, gender, ethnicity, birth_date, id_number, joined_on, status, dues_category) {
            (
                Some(name),
                Some(gender),
                Some(ethnicity),
                Some(birth_date),
                Some(id_number),
                Some(joined_on),
                Some(status),
                Some(dues_category),
            ) if errors.0.is_empty() => Ok(MemberFields {
                name,
                gender,
                ethnicity,
                birth_date,
                id_number,
                phone,
                education,
                degree,
                occupation,
                post,
                unit_name,
                joined_on,
                confirmed_on,
                probation_extension_months,
                status,
                dues_category,
                address,
                lost_contact,
                lost_contact_since,
                mobile_member,
                mobile_destination,
                remark,
            }),
            _ => {
                let mut errors = errors;
                if errors.0.is_empty() {
                    // Unreachable: every `None` above records an error. Never return Ok with
                    // a missing field, and never an empty error list.
                    errors.add("name", "表单不完整，请检查后重新提交");
                }
                Err(errors.into_field_errors())
            }
        }
    }
}
