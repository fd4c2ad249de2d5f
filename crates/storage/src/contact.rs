//! The contact log of mobile members (流动党员, EDU-FLOATING), read by the member's branch subtree.

use chrono::NaiveDate;
use domain::scope::Scope;
use serde::Serialize;

use crate::{Db, Result, SqlBuf, Tx, now_ms, scope_filter};

crate::typed_row! {
    /// One contact with a member away.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct ContactRow in "member_contacts" {
        pub id: i64,
        pub member_id: i64,
        pub contacted_on: NaiveDate,
        pub way: String,
        pub by_name: String,
        pub note: String,
    }
}

pub async fn insert(
    tx: &mut Tx,
    member_id: i64,
    on: NaiveDate,
    way: &str,
    by_name: &str,
    note: &str,
    by: i64,
) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO member_contacts (member_id, contacted_on, way, by_name, note, created_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
        &[member_id.into(), on.into(), way.into(), by_name.into(), note.into(), by.into(), now_ms().into()],
    )
    .await
}

/// The member's contacts, newest first, if the member is in the scope.
pub async fn of_member(db: &Db, scope: &Scope, member_id: i64) -> Result<Vec<ContactRow>> {
    let mut b = SqlBuf::new(
        "SELECT c.id, c.member_id, c.contacted_on, c.way, c.by_name, c.note FROM member_contacts c \
         JOIN members m ON m.id = c.member_id WHERE ",
    );
    b.push_arg("c.member_id = ", member_id);
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    b.push(" ORDER BY c.contacted_on DESC, c.id DESC");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A mobile member of a page's branches with their latest contact on or before the day.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct MobileRow in "members" {
        pub branch_id: i64,
        pub member_id: i64,
        pub name: String,
        pub destination: String,
        /// The day they left, from their open mobile record (外出登记), if recorded.
        pub left_on: Option<NaiveDate>,
        pub last_contact: Option<NaiveDate>,
    }
}

/// The mobile members of these branches (full or probationary, flagged 流动党员), with the day
/// they left (their latest mobile record begun by `on`) and their latest contact on or before `on`.
pub async fn mobile_of(db: &Db, branch_ids: &[i64], on: &str) -> Result<Vec<MobileRow>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("");
    let on = b.arg(on);
    b.push(&format!(
        "SELECT m.branch_id, m.id AS member_id, m.name, COALESCE(m.mobile_destination, '') AS destination, \
         (SELECT MAX(a.left_on) FROM member_away a WHERE a.member_id = m.id AND a.kind = 'mobile' \
         AND a.left_on <= {on} AND (a.ended_on IS NULL OR a.ended_on > {on})) AS left_on, \
         (SELECT MAX(c.contacted_on) FROM member_contacts c WHERE c.member_id = m.id AND c.contacted_on <= {on}) \
         AS last_contact FROM members m WHERE m.mobile_member = 1 AND m.status IN ('probationary','full') \
         AND "
    ));
    crate::check::push_in(&mut b, "m.branch_id", branch_ids);
    b.push(" ORDER BY m.branch_id, m.id");
    db.fetch_buf(&b).await
}
