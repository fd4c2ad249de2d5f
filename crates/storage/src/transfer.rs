//! Transfers of membership (组织关系转接). A transfer is visible to the viewers of the sending
//! branch's subtree and of the receiving branch's subtree (and to the member): the receiver sees
//! the letter's data kept on the transfer, not the member's record, until it takes them in.

use chrono::NaiveDate;
use domain::codes::{Gender, MemberStatus};
use domain::family::lifecycle::{TransferKind, TransferState};
use domain::org::OrgPath;
use domain::scope::Scope;
use serde::Serialize;

use crate::{Arg, Db, Result, SqlBuf, Tx, now_ms, scope_filter_any};

crate::typed_row! {
    /// A transfer with the names of the orgs at both ends.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct TransferRow in "transfers" {
        pub id: i64,
        pub member_id: i64,
        pub kind: TransferKind,
        pub state: TransferState,
        pub from_org_id: Option<i64>,
        /// The sending branch's name, or the origin outside the system.
        pub from_name: String,
        /// The sending branch's path (inside the system).
        pub from_path: Option<String>,
        pub to_org_id: Option<i64>,
        /// The receiving branch's name, or the destination outside the system.
        pub to_name: String,
        /// The receiving branch's path (inside the system).
        pub to_path: Option<String>,
        pub counterpart: String,
        pub member_name: String,
        pub gender: Gender,
        pub ethnicity: String,
        pub birth_date: NaiveDate,
        pub id_number: Option<String>,
        pub member_status: MemberStatus,
        pub letter_no: String,
        pub issued_on: NaiveDate,
        pub valid_days: i64,
        /// The month dues are paid up to (its first day).
        pub dues_paid_to: Option<NaiveDate>,
        pub reason: String,
        pub settled_on: Option<NaiveDate>,
        /// The reason a transfer was returned, or a note on its receipt.
        pub settled_note: String,
        pub receipt_handler: String,
        pub created_by: Option<i64>,
        pub created_at: i64,
    }
}

const SELECT: &str = "SELECT x.id, x.member_id, x.kind, x.state, x.from_org_id, \
     COALESCE(f.name, x.counterpart) AS from_name, f.path AS from_path, x.to_org_id, \
     COALESCE(t.name, x.counterpart) AS to_name, t.path AS to_path, \
     x.counterpart, x.member_name, x.gender, x.ethnicity, x.birth_date, x.id_number, x.member_status, x.letter_no, \
     x.issued_on, x.valid_days, x.dues_paid_to, x.reason, x.settled_on, x.settled_note, x.receipt_handler, \
     x.created_by, x.created_at FROM transfers x LEFT JOIN orgs f ON f.id = x.from_org_id \
     LEFT JOIN orgs t ON t.id = x.to_org_id WHERE 1=1";

/// `SELECT … WHERE 1=1 AND <scope>`: the sender's or the receiver's subtree, or the member.
fn scoped(scope: &Scope) -> SqlBuf {
    let mut b = SqlBuf::new(SELECT);
    scope_filter_any(&mut b, scope, &["f.path", "t.path"], Some("x.member_id"));
    b
}

/// A transfer as issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransfer {
    pub member_id: i64,
    pub kind: TransferKind,
    pub state: TransferState,
    pub from_org_id: Option<i64>,
    pub to_org_id: Option<i64>,
    pub counterpart: String,
    pub member_name: String,
    pub gender: Gender,
    pub ethnicity: String,
    pub birth_date: NaiveDate,
    pub id_number: Option<String>,
    pub member_status: MemberStatus,
    pub letter_no: String,
    pub issued_on: NaiveDate,
    pub valid_days: i64,
    pub dues_paid_to: Option<NaiveDate>,
    pub reason: String,
    /// Set for a transfer into the system, received when it is recorded.
    pub settled_on: Option<NaiveDate>,
}

pub async fn insert(tx: &mut Tx, t: &NewTransfer, by: i64) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO transfers (member_id, kind, state, from_org_id, to_org_id, counterpart, member_name, gender, \
         ethnicity, birth_date, id_number, member_status, letter_no, issued_on, valid_days, dues_paid_to, reason, \
         settled_on, created_by, created_at, settled_by) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21) RETURNING id",
        &[
            t.member_id.into(),
            t.kind.as_str().into(),
            t.state.as_str().into(),
            t.from_org_id.into(),
            t.to_org_id.into(),
            t.counterpart.as_str().into(),
            t.member_name.as_str().into(),
            t.gender.into(),
            t.ethnicity.as_str().into(),
            t.birth_date.into(),
            t.id_number.clone().into(),
            t.member_status.into(),
            t.letter_no.as_str().into(),
            t.issued_on.into(),
            t.valid_days.into(),
            t.dues_paid_to.into(),
            t.reason.as_str().into(),
            t.settled_on.into(),
            by.into(),
            now_ms().into(),
            t.settled_on.map(|_| by).into(),
        ],
    )
    .await
}

/// One transfer, if the scope sees it.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Option<TransferRow>> {
    let mut b = scoped(scope);
    b.push_arg(" AND x.id = ", id);
    db.fetch_optional(&b.text, &b.args).await
}

/// One transfer, if the scope sees it, inside a write.
pub async fn get_in_tx(tx: &mut Tx, scope: &Scope, id: i64) -> Result<Option<TransferRow>> {
    let mut b = scoped(scope);
    b.push_arg(" AND x.id = ", id);
    tx.fetch_optional(&b.text, &b.args).await
}

/// Which end of a transfer an org's list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Sent by a branch of the org's subtree (inside or out of the system).
    Sent,
    /// Addressed to a branch of the org's subtree (inside the system, or received into it).
    Incoming,
}

/// The transfers of an org's subtree that the scope sees, newest first; `state` filters.
pub async fn of_org(
    db: &Db,
    scope: &Scope,
    org: &OrgPath,
    direction: Direction,
    state: Option<TransferState>,
    limit: i64,
) -> Result<Vec<TransferRow>> {
    let mut b = scoped(scope);
    let (lo, hi) = org.subtree_bounds();
    let col = match direction {
        Direction::Sent => "f.path",
        Direction::Incoming => "t.path",
    };
    b.push_arg(&format!(" AND {col} >= "), Arg::Str(lo));
    b.push_arg(&format!(" AND {col} < "), Arg::Str(hi));
    if let Some(s) = state {
        b.push_arg(" AND x.state = ", s.as_str());
    }
    b.push_arg(" ORDER BY x.issued_on DESC, x.id DESC LIMIT ", limit);
    db.fetch_buf(&b).await
}

/// A member's transfers the scope sees, oldest first.
pub async fn of_member(db: &Db, scope: &Scope, member_id: i64) -> Result<Vec<TransferRow>> {
    let mut b = scoped(scope);
    b.push_arg(" AND x.member_id = ", member_id);
    b.push(" ORDER BY x.issued_on, x.id");
    db.fetch_buf(&b).await
}

/// The member's pending transfer, if any (one at a time).
pub async fn pending_of_member(tx: &mut Tx, member_id: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT id FROM transfers WHERE member_id = $1 AND state = 'pending' ORDER BY id LIMIT 1",
            &[member_id.into()],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// Settles a pending transfer: received, returned or cancelled on `on`, with a note (the
/// reason of a return) and, for a receipt, its handler. False when it was no longer pending
/// (someone settled it first).
pub async fn settle(
    tx: &mut Tx,
    id: i64,
    state: TransferState,
    on: NaiveDate,
    note: &str,
    handler: &str,
    by: i64,
) -> Result<bool> {
    let n = tx
        .execute(
            "UPDATE transfers SET state = $1, settled_on = $2, settled_note = $3, receipt_handler = $4, \
             settled_by = $5 WHERE id = $6 AND state = 'pending'",
            &[state.as_str().into(), on.into(), note.into(), handler.into(), by.into(), id.into()],
        )
        .await?;
    Ok(n == 1)
}

/// The next letter number of `year` for letters sent from `org_id`: "2026-007".
pub async fn next_letter_no(tx: &mut Tx, org_id: i64, year: i32) -> Result<String> {
    let (n,): (i64,) = tx
        .fetch_one(
            "SELECT COUNT(*) FROM transfers WHERE from_org_id = $1 AND issued_on >= $2 AND issued_on < $3",
            &[org_id.into(), format!("{year:04}-01-01").into(), format!("{:04}-01-01", year + 1).into()],
        )
        .await?;
    Ok(format!("{year:04}-{:03}", n + 1))
}

crate::typed_row! {
    /// What the lifecycle rules read of a transfer ([`domain::family::lifecycle::TransferFact`]),
    /// with the org it belongs to for a check.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct TransferFactRow in "transfers" {
        pub org_id: i64,
        pub id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub kind: TransferKind,
        pub state: TransferState,
        pub letter_no: String,
        pub issued_on: NaiveDate,
        pub valid_days: i64,
    }
}

/// The transfers sent from (`Sent`) or addressed to (`Incoming`) the branches `org_ids` that
/// were pending on `on` (issued by then, settled after it or not at all), each with the org it
/// belongs to and marked pending: what the full check reads a page of orgs at a time.
pub async fn pending_facts(db: &Db, org_ids: &[i64], direction: Direction, on: &str) -> Result<Vec<TransferFactRow>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let col = match direction {
        Direction::Sent => "from_org_id",
        Direction::Incoming => "to_org_id",
    };
    let mut b = SqlBuf::new(&format!(
        "SELECT {col} AS org_id, id, member_id, member_name, kind, 'pending' AS state, letter_no, issued_on, \
         valid_days FROM transfers WHERE {col} IN ("
    ));
    for (i, id) in org_ids.iter().enumerate() {
        if i > 0 {
            b.push(",");
        }
        b.push_arg("", *id);
    }
    b.push_arg(") AND issued_on <= ", on);
    b.push_arg(" AND (state = 'pending' OR settled_on > ", on);
    b.push(") ORDER BY id");
    db.fetch_buf(&b).await
}

/// The member's status from `on`, recorded as a status change (a letter's receipt back: 已转出).
pub async fn set_member_status(tx: &mut Tx, member_id: i64, status: MemberStatus, on: NaiveDate) -> Result<()> {
    let now = now_ms();
    tx.execute(
        "UPDATE members SET status = $1, status_changed_on = $2, updated_at = $3 WHERE id = $4",
        &[status.into(), on.into(), now.into(), member_id.into()],
    )
    .await?;
    tx.execute(
        "INSERT INTO member_status_changes (member_id, status, changed_on, created_at) VALUES ($1,$2,$3,$4)",
        &[member_id.into(), status.into(), on.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// The latest month the member paid dues for (its first day), for a letter's "党费交到".
pub async fn last_paid_month(tx: &mut Tx, member_id: i64) -> Result<Option<NaiveDate>> {
    let row: Option<(Option<String>,)> = tx
        .fetch_optional(
            "SELECT MAX(month) FROM dues_payments WHERE member_id = $1 AND kind = 'regular'",
            &[member_id.into()],
        )
        .await?;
    match row.and_then(|r| r.0) {
        None => Ok(None),
        Some(m) => domain::dates::parse_iso(&m)
            .map(Some)
            .ok_or_else(|| crate::StorageError::corrupt("dues_payments", format!("month is not a date: {m:?}"))),
    }
}

/// The day the member's open branch span began (their current branch since).
pub async fn branch_since(tx: &mut Tx, member_id: i64) -> Result<Option<NaiveDate>> {
    let row: Option<(String,)> = tx
        .fetch_optional(
            "SELECT start_on FROM member_org_spans WHERE member_id = $1 AND kind = 'branch' AND end_on IS NULL \
             ORDER BY start_on DESC LIMIT 1",
            &[member_id.into()],
        )
        .await?;
    match row {
        None => Ok(None),
        Some((s,)) => domain::dates::parse_iso(&s)
            .map(Some)
            .ok_or_else(|| crate::StorageError::corrupt("member_org_spans", format!("start_on is not a date: {s:?}"))),
    }
}

/// Active branches anywhere in the system whose name contains `q`, with the name of the org
/// above each: a sender addresses a transfer to a branch outside its own scope. Names only.
pub async fn branch_choices(db: &Db, q: &str, limit: i64) -> Result<Vec<(i64, String, Option<String>)>> {
    let pattern = format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    db.fetch_all(
        "SELECT o.id, o.name, p.name FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id \
         WHERE o.kind = 'branch' AND o.status = 'active' AND o.name LIKE $1 ESCAPE '\\' ORDER BY o.name, o.id LIMIT $2",
        &[pattern.into(), limit.into()],
    )
    .await
}

/// The first month the member owes dues here (the month after a letter's "dues paid up to").
pub async fn set_dues_owed_from(tx: &mut Tx, member_id: i64, month: NaiveDate) -> Result<()> {
    tx.execute("UPDATE members SET dues_owed_from = $1 WHERE id = $2", &[month.into(), member_id.into()]).await?;
    Ok(())
}
