//! The register of ideological positions (意识形态阵地, IDEOLOGY-RESP), read by the org's subtree.

use chrono::NaiveDate;
use domain::ideology_position::{Position, PositionKind};
use domain::scope::Scope;
use serde::Serialize;

use crate::{Db, Result, SqlBuf, Tx, now_ms, scope_filter};

crate::typed_row! {
    /// A position with its org's name.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct PositionRow in "ideology_positions" {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub kind: PositionKind,
        pub name: String,
        pub responsible: String,
        pub approved_by: String,
        pub approved_on: NaiveDate,
        pub reviewed_on: Option<NaiveDate>,
        pub note: String,
    }
}

pub async fn insert(tx: &mut Tx, org_id: i64, org_path: &str, p: &Position, by: i64) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO ideology_positions (org_id, org_path, kind, name, responsible, approved_by, approved_on, \
         reviewed_on, note, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id",
        &[
            org_id.into(),
            org_path.into(),
            p.kind.as_str().into(),
            p.name.as_str().into(),
            p.responsible.as_str().into(),
            p.approved_by.as_str().into(),
            p.approved_on.into(),
            p.reviewed_on.into(),
            p.note.as_str().into(),
            by.into(),
            now_ms().into(),
        ],
    )
    .await
}

/// Records a review of a position on `on`.
pub async fn reviewed(tx: &mut Tx, id: i64, on: NaiveDate) -> Result<u64> {
    tx.execute("UPDATE ideology_positions SET reviewed_on = $1 WHERE id = $2", &[on.into(), id.into()]).await
}

const SELECT: &str = "SELECT p.id, p.org_id, p.org_path, o.name AS org_name, p.kind, p.name, p.responsible, \
                      p.approved_by, p.approved_on, p.reviewed_on, p.note \
                      FROM ideology_positions p JOIN orgs o ON o.id = p.org_id WHERE ";

/// The positions of a subtree, by org and name, within the scope.
pub async fn of_subtree(db: &Db, scope: &Scope, lo: &str, hi: &str) -> Result<Vec<PositionRow>> {
    let mut b = SqlBuf::new(SELECT);
    b.push_arg("p.org_path >= ", lo.to_string());
    b.push_arg(" AND p.org_path < ", hi.to_string());
    scope_filter(&mut b, scope, "p.org_path", None);
    b.push(" ORDER BY p.org_path, p.kind, p.name, p.id");
    db.fetch_buf(&b).await
}

/// One position, if it is in the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Option<PositionRow>> {
    let mut b = SqlBuf::new(SELECT);
    b.push_arg("p.id = ", id);
    scope_filter(&mut b, scope, "p.org_path", None);
    Ok(db.fetch_buf(&b).await?.into_iter().next())
}
