//! Members by the month they joined in: the political birthdays (政治生日, POL-BIRTHDAY) of a
//! month are the anniversaries of joining that fall in it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::{Db, Result, SqlBuf};

crate::typed_row! {
    /// A current member whose joining day falls in a month (political birthdays, POL-BIRTHDAY).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct JoinedRow in "members" {
        pub id: i64,
        pub name: String,
        pub branch_id: i64,
        pub branch_name: String,
        pub joined_on: NaiveDate,
    }
}

/// The full and probationary members of the branches with `lo <= path < hi` who joined in one of
/// `months` (1–12) of any year, by joining day's month and day, then name.
pub async fn joined_in_months(db: &Db, lo: &str, hi: &str, months: &[u32]) -> Result<Vec<JoinedRow>> {
    let months: Vec<String> = months.iter().filter(|m| (1..=12).contains(*m)).map(|m| format!("'{m:02}'")).collect();
    if months.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new(
        "SELECT m.id, m.name, m.branch_id, o.name AS branch_name, m.joined_on FROM members m \
         JOIN orgs o ON o.id = m.branch_id WHERE ",
    );
    b.push_arg("m.branch_path >= ", lo);
    b.push_arg(" AND m.branch_path < ", hi);
    b.push(&format!(
        " AND m.status IN ('full','probationary') AND substr(m.joined_on, 6, 2) IN ({}) \
         ORDER BY substr(m.joined_on, 6, 5), m.name, m.id",
        months.join(",")
    ));
    db.fetch_buf(&b).await
}
