//! Committee settings (党委设置): dated rows, never updated; see domain::settings for how they
//! are read.

use crate::{Db, Result, Tx, now_ms};
use chrono::NaiveDate;
use serde::Serialize;

crate::typed_row! {
    /// One setting change as stored, with the name of the org that made it.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct SettingRow in "committee_settings" {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub setting_key: String,
        pub value: String,
        pub effective_from: NaiveDate,
        pub created_by: Option<i64>,
        pub created_at: i64,
    }
}

/// Every setting change, by org path, key, date and order of entry. The store is small (a few
/// rows per committee), so checks read it whole and keep the changes that reach each org.
pub async fn all(db: &Db) -> Result<Vec<SettingRow>> {
    db.fetch_all(
        "SELECT s.id, s.org_id, s.org_path, o.name AS org_name, s.setting_key, s.value, s.effective_from, s.created_by, \
         s.created_at FROM committee_settings s JOIN orgs o ON o.id = s.org_id \
         ORDER BY s.org_path, s.setting_key, s.effective_from, s.id",
        &[],
    )
    .await
}

/// Records a change of `key` at an org from `from` (an empty value clears the org's own setting).
pub async fn insert(
    tx: &mut Tx,
    org_id: i64,
    org_path: &str,
    key: &str,
    value: &str,
    from: &str,
    by: i64,
) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO committee_settings (org_id, org_path, setting_key, value, effective_from, created_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
        &[org_id.into(), org_path.into(), key.into(), value.into(), from.into(), by.into(), now_ms().into()],
    )
    .await
}
