//! Members away (外出登记, EDU-TRANSFER, EDU-FLOATING, EDU-GRADS): written with the registry's
//! mobile items they keep in step, read by the member's branch subtree and, for the full check,
//! a page of branches at a time.

use chrono::NaiveDate;
use domain::family::lifecycle::away::AwayKind;
use domain::scope::Scope;
use serde::Serialize;

use crate::{Db, Result, SqlBuf, Tx, now_ms, scope_filter};

crate::typed_row! {
    /// One record of a member away.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct AwayRow in "member_away" {
        pub id: i64,
        pub member_id: i64,
        pub kind: AwayKind,
        pub left_on: NaiveDate,
        pub destination: String,
        pub fixed_place: bool,
        pub extended_to: Option<NaiveDate>,
        pub extension_doc: String,
        pub ended_on: Option<NaiveDate>,
    }
}

const COLS: &str =
    "a.id, a.member_id, a.kind, a.left_on, a.destination, a.fixed_place, a.extended_to, a.extension_doc, a.ended_on";

/// A record of a member away as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAway {
    pub member_id: i64,
    pub kind: AwayKind,
    pub left_on: NaiveDate,
    pub destination: String,
    pub fixed_place: bool,
    pub extended_to: Option<NaiveDate>,
    pub extension_doc: String,
}

pub async fn insert(tx: &mut Tx, a: &NewAway, by: i64) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO member_away (member_id, kind, left_on, destination, fixed_place, extended_to, extension_doc, \
         created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id",
        &[
            a.member_id.into(),
            a.kind.into(),
            a.left_on.into(),
            a.destination.as_str().into(),
            i64::from(a.fixed_place).into(),
            a.extended_to.into(),
            a.extension_doc.as_str().into(),
            by.into(),
            now_ms().into(),
        ],
    )
    .await
}

/// The member's open record of this kind (not ended), if any.
pub async fn open_of_member(tx: &mut Tx, member_id: i64, kind: AwayKind) -> Result<Option<AwayRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM member_away a WHERE a.ended_on IS NULL"));
    b.push_arg(" AND a.member_id = ", member_id);
    b.push_arg(" AND a.kind = ", kind);
    b.push(" ORDER BY a.id DESC LIMIT 1");
    tx.fetch_optional(&b.text, &b.args).await
}

/// One record of the member, for update.
pub async fn get_of_member(tx: &mut Tx, member_id: i64, id: i64) -> Result<Option<AwayRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM member_away a WHERE "));
    b.push_arg("a.id = ", id);
    b.push_arg(" AND a.member_id = ", member_id);
    tx.fetch_optional(&b.text, &b.args).await
}

/// Ends a record on `on` (returned, transferred, or otherwise over).
pub async fn end(tx: &mut Tx, id: i64, on: NaiveDate) -> Result<()> {
    tx.execute("UPDATE member_away SET ended_on = $1 WHERE id = $2 AND ended_on IS NULL", &[on.into(), id.into()])
        .await?;
    Ok(())
}

/// Extends a graduate's keeping to `to` by the approving document (EDU-GRADS).
pub async fn extend(tx: &mut Tx, id: i64, to: NaiveDate, doc: &str) -> Result<()> {
    tx.execute(
        "UPDATE member_away SET extended_to = $1, extension_doc = $2 WHERE id = $3",
        &[to.into(), doc.into(), id.into()],
    )
    .await?;
    Ok(())
}

/// Keeps the registry's national items (是否为流动党员, 外出流向) in step with the open mobile record.
pub async fn set_mobile_items(tx: &mut Tx, member_id: i64, mobile: bool, destination: Option<&str>) -> Result<()> {
    tx.execute(
        "UPDATE members SET mobile_member = $1, mobile_destination = $2, updated_at = $3 WHERE id = $4",
        &[i64::from(mobile).into(), destination.into(), now_ms().into(), member_id.into()],
    )
    .await?;
    Ok(())
}

/// The member's records, newest first, if the member is in the scope.
pub async fn of_member(db: &Db, scope: &Scope, member_id: i64) -> Result<Vec<AwayRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM member_away a JOIN members m ON m.id = a.member_id WHERE "));
    b.push_arg("a.member_id = ", member_id);
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    b.push(" ORDER BY a.left_on DESC, a.id DESC");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A member of a page's branches away on the day, with their latest contact and whether a
    /// transfer of them was pending then.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct AwayFactRow in "member_away" {
        pub branch_id: i64,
        pub member_id: i64,
        pub name: String,
        pub kind: AwayKind,
        pub left_on: NaiveDate,
        pub destination: String,
        pub fixed_place: bool,
        pub extended_to: Option<NaiveDate>,
        pub last_contact: Option<NaiveDate>,
        pub transfer_pending: bool,
    }
}

/// The members of these branches (full or probationary) away on `on`: records begun by then and
/// not ended by then.
pub async fn away_of(db: &Db, branch_ids: &[i64], on: &str) -> Result<Vec<AwayFactRow>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("");
    let on = b.arg(on);
    b.push(&format!(
        "SELECT m.branch_id, m.id AS member_id, m.name, a.kind, a.left_on, a.destination, a.fixed_place, \
         a.extended_to, \
         (SELECT MAX(c.contacted_on) FROM member_contacts c WHERE c.member_id = m.id AND c.contacted_on <= {on}) \
         AS last_contact, \
         CASE WHEN EXISTS (SELECT 1 FROM transfers t WHERE t.member_id = m.id AND t.issued_on <= {on} \
         AND (t.state = 'pending' OR t.settled_on > {on})) THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS transfer_pending \
         FROM member_away a JOIN members m ON m.id = a.member_id \
         WHERE a.left_on <= {on} AND (a.ended_on IS NULL OR a.ended_on > {on}) \
         AND m.status IN ('probationary','full') AND "
    ));
    crate::check::push_in(&mut b, "m.branch_id", branch_ids);
    b.push(" ORDER BY m.branch_id, m.id, a.id");
    db.fetch_buf(&b).await
}
