//! Decisions on a member's membership and party discipline (党籍处置, 纪律处分): written with the
//! status change they make in one transaction, read by the member's branch subtree.

use chrono::NaiveDate;
use domain::codes::MemberStatus;
use domain::family::lifecycle::DecisionKind;
use domain::scope::Scope;
use serde::Serialize;

use crate::{Db, Result, SqlBuf, Tx, now_ms, scope_filter};

crate::typed_row! {
    /// A recorded decision.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct DecisionRow in "member_decisions" {
        pub id: i64,
        pub member_id: i64,
        pub org_id: i64,
        pub kind: DecisionKind,
        pub decided_on: NaiveDate,
        pub body: String,
        pub document_no: String,
        pub reason: String,
        pub months: Option<i64>,
        /// A 留党察看's last day.
        pub last_day: Option<NaiveDate>,
        /// An earlier 恢复党员权利 ending a 留党察看.
        pub restored_on: Option<NaiveDate>,
        pub status_before: MemberStatus,
        pub status_after: MemberStatus,
        pub created_by: Option<i64>,
        pub created_at: i64,
    }
}

const COLS: &str = "d.id, d.member_id, d.org_id, d.kind, d.decided_on, d.body, d.document_no, d.reason, d.months, \
                    d.last_day, d.restored_on, d.status_before, d.status_after, d.created_by, d.created_at";

/// A decision as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    pub member_id: i64,
    pub org_id: i64,
    pub kind: DecisionKind,
    pub decided_on: NaiveDate,
    pub body: String,
    pub document_no: String,
    pub reason: String,
    pub months: Option<u32>,
    pub last_day: Option<NaiveDate>,
    pub status_before: MemberStatus,
    pub status_after: MemberStatus,
}

pub async fn insert(tx: &mut Tx, d: &NewDecision, by: i64) -> Result<i64> {
    let row: (i64,) = tx
        .fetch_one(
            "INSERT INTO member_decisions (member_id, org_id, kind, decided_on, body, document_no, reason, months, \
             last_day, status_before, status_after, created_by, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id",
            &[
                d.member_id.into(),
                d.org_id.into(),
                d.kind.into(),
                d.decided_on.into(),
                d.body.as_str().into(),
                d.document_no.as_str().into(),
                d.reason.as_str().into(),
                d.months.map(i64::from).into(),
                d.last_day.into(),
                d.status_before.into(),
                d.status_after.into(),
                by.into(),
                now_ms().into(),
            ],
        )
        .await?;
    Ok(row.0)
}

/// The member's decisions, newest first, if the member is in the scope.
pub async fn of_member(db: &Db, scope: &Scope, member_id: i64) -> Result<Vec<DecisionRow>> {
    let mut b =
        SqlBuf::new(&format!("SELECT {COLS} FROM member_decisions d JOIN members m ON m.id = d.member_id WHERE "));
    b.push_arg("d.member_id = ", member_id);
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    b.push(" ORDER BY d.decided_on DESC, d.id DESC");
    db.fetch_buf(&b).await
}

/// The member's 留党察看 not yet over on `on` (restored or past its last day), if any.
pub async fn open_observation(tx: &mut Tx, member_id: i64, on: NaiveDate) -> Result<Option<DecisionRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM member_decisions d WHERE d.kind = 'observation'"));
    b.push_arg(" AND d.member_id = ", member_id);
    b.push_arg(" AND d.decided_on <= ", on);
    b.push_arg(" AND d.last_day >= ", on);
    b.push(" AND d.restored_on IS NULL ORDER BY d.decided_on DESC, d.id DESC LIMIT 1");
    tx.fetch_optional(&b.text, &b.args).await
}

/// Ends a 留党察看 early: the member votes again from `on`.
pub async fn restore_rights(tx: &mut Tx, observation_id: i64, on: NaiveDate) -> Result<()> {
    tx.execute(
        "UPDATE member_decisions SET restored_on = $1 WHERE id = $2 AND kind = 'observation'",
        &[on.into(), observation_id.into()],
    )
    .await?;
    Ok(())
}

/// SQL: whether member `m` is under 留党察看 on the day `on` (a placeholder) (EL-RIGHTS).
pub fn under_observation_sql(on: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM member_decisions od WHERE od.member_id = m.id AND od.kind = 'observation' \
         AND od.decided_on <= {on} AND od.last_day >= {on} AND (od.restored_on IS NULL OR od.restored_on > {on}))"
    )
}

crate::typed_row! {
    /// A member of a page's branches whose membership is suspended on the day (EDU-SUSPEND).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct SuspendedRow in "members" {
        pub branch_id: i64,
        pub member_id: i64,
        pub name: String,
        pub suspended_on: NaiveDate,
    }
}

/// The members of these branches suspended today whose suspension began on or before `on`.
pub async fn suspended_of(db: &Db, branch_ids: &[i64], on: &str) -> Result<Vec<SuspendedRow>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new(
        "SELECT m.branch_id, m.id AS member_id, m.name, m.status_changed_on AS suspended_on FROM members m \
         WHERE m.status = 'suspended' AND ",
    );
    crate::check::push_in(&mut b, "m.branch_id", branch_ids);
    b.push_arg(" AND m.status_changed_on <= ", on);
    b.push(" ORDER BY m.branch_id, m.id");
    db.fetch_buf(&b).await
}

/// The latest decision that changed each of these members' status (for a roster export, whose
/// 党籍处置 columns carry it), by member.
pub async fn latest_status_decisions(
    db: &Db,
    member_ids: &[i64],
) -> Result<std::collections::HashMap<i64, DecisionRow>> {
    let mut out = std::collections::HashMap::new();
    if member_ids.is_empty() {
        return Ok(out);
    }
    let mut b =
        SqlBuf::new(&format!("SELECT {COLS} FROM member_decisions d WHERE d.status_after <> d.status_before AND "));
    crate::check::push_in(&mut b, "d.member_id", member_ids);
    b.push(" ORDER BY d.decided_on, d.id");
    for row in db.fetch_buf::<DecisionRow>(&b).await? {
        out.insert(row.member_id, row);
    }
    Ok(out)
}
