//! Training classes (培训班): the party school's classes, secretary and party-worker training,
//! members' rotation training and activists' training, with their class hours and the people
//! who completed them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::hours::Hours;
use crate::FieldErrors;
use crate::dates::parse_date;

/// 培训班类别.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TrainingKind {
    /// 党校主体班 (万名党员进党校 and the like).
    PartySchool,
    /// 党组织书记培训.
    Secretary,
    /// 党务干部培训.
    PartyWorker,
    /// 党员集中轮训.
    Rotation,
    /// 入党积极分子、发展对象培训 (DEV-TRAINING).
    Activist,
    /// 其他专题培训.
    Other,
}

impl TrainingKind {
    pub const ALL: [TrainingKind; 6] =
        [Self::PartySchool, Self::Secretary, Self::PartyWorker, Self::Rotation, Self::Activist, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PartySchool => "party_school",
            Self::Secretary => "secretary",
            Self::PartyWorker => "party_worker",
            Self::Rotation => "rotation",
            Self::Activist => "activist",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::PartySchool => "党校主体班",
            Self::Secretary => "党组织书记培训",
            Self::PartyWorker => "党务干部培训",
            Self::Rotation => "党员集中轮训",
            Self::Activist => "入党积极分子、发展对象培训",
            Self::Other => "其他专题培训",
        }
    }

    /// The identifier or the label.
    pub fn parse(s: &str) -> Option<TrainingKind> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.label() == s)
    }
}

crate::stored_code!(TrainingKind => "training kind");

/// A training class as typed on the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassInput {
    /// A training kind: "party_school", "secretary", "party_worker", "rotation", "activist", "other".
    pub kind: String,
    /// 培训班名称.
    pub title: String,
    /// 主办单位 ("县委党校", "县委教育工委").
    pub organiser: String,
    /// First day, "2026-05-11".
    pub starts_on: String,
    /// Last day, "2026-05-13".
    pub ends_on: String,
    /// Class hours of the whole class, "24" or "31.5".
    pub hours: String,
    /// 集中培训: "on" when the class is a concentrated training (EDU-SEC-HOURS counts them).
    #[serde(default)]
    pub concentrated: String,
    /// 培训地点.
    #[serde(default)]
    pub place: String,
}

/// A checked training class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainingClass {
    pub kind: TrainingKind,
    pub title: String,
    pub organiser: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub hours: Hours,
    pub concentrated: bool,
    pub place: String,
}

/// The longest a class may run: a party school's long course is one semester.
const MAX_DAYS: i64 = 366;

impl ClassInput {
    /// The class, or every field's error in Chinese. `today` bounds the dates: a class is
    /// recorded once it has started.
    pub fn check(&self, today: NaiveDate) -> Result<TrainingClass, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = TrainingKind::parse(&self.kind);
        if kind.is_none() {
            e.add("kind", "请选择培训班类别");
        }
        let title = self.title.trim().to_string();
        if title.is_empty() {
            e.add("title", "请填写培训班名称");
        } else if title.chars().count() > 100 {
            e.add("title", "名称不超过100字");
        }
        let organiser = self.organiser.trim().to_string();
        if organiser.is_empty() {
            e.add("organiser", "请填写主办单位");
        } else if organiser.chars().count() > 60 {
            e.add("organiser", "主办单位不超过60字");
        }
        let starts_on = parse_date(&self.starts_on).map_err(|err| e.add("starts_on", err.message())).ok();
        let ends_on = parse_date(&self.ends_on).map_err(|err| e.add("ends_on", err.message())).ok();
        if let (Some(s), Some(t)) = (starts_on, ends_on) {
            if t < s {
                e.add("ends_on", "结束日期不能早于开始日期");
            } else if (t - s).num_days() >= MAX_DAYS {
                e.add("ends_on", "培训时间不超过一年");
            }
        }
        if starts_on.is_some_and(|s| s > today) {
            e.add("starts_on", "培训开始后再登记");
        }
        let hours = match Hours::parse(&self.hours) {
            Ok(h) if h == Hours::ZERO => {
                e.add("hours", "学时应大于0");
                None
            }
            Ok(h) => Some(h),
            Err(m) => {
                e.add("hours", m);
                None
            }
        };
        let concentrated = match self.concentrated.trim() {
            "" | "off" | "false" | "否" => false,
            "on" | "true" | "是" => true,
            _ => {
                e.add("concentrated", "应为“是”或“否”");
                false
            }
        };
        let place = self.place.trim().to_string();
        if place.chars().count() > 60 {
            e.add("place", "地点不超过60字");
        }
        match (kind, starts_on, ends_on, hours) {
            (Some(kind), Some(starts_on), Some(ends_on), Some(hours)) if e.is_empty() => {
                Ok(TrainingClass { kind, title, organiser, starts_on, ends_on, hours, concentrated, place })
            }
            _ => Err(e),
        }
    }
}
