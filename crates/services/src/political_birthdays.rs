//! 政治生日 (POL-BIRTHDAY, rules.md §12): the members of a subtree whose joining anniversary
//! falls in a month, for the branch's page and the month's 主题党日. A local practice: listed
//! only where a committee above switched `pol_birthday.list` on.

use chrono::NaiveDate;
use domain::FieldErrors;
use domain::member::{joined_months_for, political_birthday};
use domain::scope::{Action, Actor, Target, can};
use serde::Serialize;

use crate::{Result, ServiceError, Services};

/// The political birthdays of a month in an org's subtree.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BirthdayList {
    /// The month, "2026-07".
    pub month: String,
    /// Whether the org's committees list political birthdays (the setting `pol_birthday.list`
    /// on the month's first day); `members` is empty when not.
    pub listed: bool,
    pub members: Vec<BirthdayRow>,
}

/// A member's political birthday in the month.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BirthdayRow {
    pub member_id: i64,
    pub name: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub joined_on: NaiveDate,
    /// The anniversary.
    pub day: NaiveDate,
    pub years: u32,
    /// 10, 20, 30 … years.
    pub round: bool,
}

/// Reads "2026-07" (or empty: the month of `today`) as (year, month, its first day).
pub fn month_of(s: &str, today: NaiveDate) -> std::result::Result<(i32, u32, NaiveDate), FieldErrors> {
    use chrono::Datelike;
    let s = s.trim();
    let first = if s.is_empty() {
        today.with_day(1)
    } else {
        s.split_once('-')
            .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
            .filter(|(y, _)| (1921..=9999).contains(y))
            .and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1))
    };
    let first = first.ok_or_else(|| {
        let mut e = FieldErrors::new();
        e.add("month", "月份应写作“2026-07”");
        e
    })?;
    Ok((first.year(), first.month(), first))
}

impl Services {
    /// The members of `org_id`'s subtree whose political birthday falls in `month` ("2026-07";
    /// empty: this month), by day then name; none when the org's committees do not list them.
    pub async fn political_birthdays(&self, actor: &Actor, org_id: i64, month: &str) -> Result<BirthdayList> {
        let (year, m, first) = month_of(month, self.today()).map_err(ServiceError::Invalid)?;
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::ViewOrg, Target::Org(&path)) {
            return Err(ServiceError::Forbidden);
        }
        let changes = self.setting_changes().await?;
        let reaching = domain::settings::reaching(&changes, path.as_str());
        let listed = domain::settings::pol_birthdays_listed_on(&reaching, path.as_str(), first);
        let label = format!("{year:04}-{m:02}");
        if !listed {
            return Ok(BirthdayList { month: label, listed, members: Vec::new() });
        }
        let (lo, hi) = path.subtree_bounds();
        let rows = storage::member::joined_in_months(&self.db, &lo, &hi, &joined_months_for(m)).await?;
        let mut members: Vec<BirthdayRow> = rows
            .into_iter()
            .filter_map(|r| {
                let b = political_birthday(r.joined_on, year, m)?;
                Some(BirthdayRow {
                    member_id: r.id,
                    name: r.name,
                    branch_id: r.branch_id,
                    branch_name: r.branch_name,
                    joined_on: r.joined_on,
                    day: b.day,
                    years: b.years,
                    round: b.round,
                })
            })
            .collect();
        members.sort_by(|a, b| a.day.cmp(&b.day).then(a.name.cmp(&b.name)).then(a.member_id.cmp(&b.member_id)));
        Ok(BirthdayList { month: label, listed, members })
    }
}
