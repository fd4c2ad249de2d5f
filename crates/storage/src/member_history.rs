//! A member's dated records: the branch and group spans (history kept across transfers), the
//! status changes, the posts held, and the months without assigned work (CON-LAPSE). Every read
//! takes the viewer's scope and filters by the member's branch path.

use crate::member::MemberRow;
use crate::{Db, Result, SqlBuf, Tx, now_ms, scope_filter};
use chrono::NaiveDate;
use domain::codes::MemberStatus;
use domain::org::PostKind;
use domain::scope::Scope;
use serde::Serialize;

crate::typed_row! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct SpanRow in "member_org_spans" {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub kind: String,
        pub start_on: NaiveDate,
        pub end_on: Option<NaiveDate>,
    }
}

/// Where the member belonged, newest first, if the member is in the scope.
pub async fn spans(db: &Db, scope: &Scope, member_id: i64) -> Result<Vec<SpanRow>> {
    let mut b = SqlBuf::new(
        "SELECT s.id, s.org_id, o.name AS org_name, s.kind, s.start_on, s.end_on FROM member_org_spans s \
         JOIN orgs o ON o.id = s.org_id JOIN members m ON m.id = s.member_id WHERE ",
    );
    b.push_arg("s.member_id = ", member_id);
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    b.push(" ORDER BY s.start_on DESC, s.id DESC");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct StatusChangeRow in "member_status_changes" {
        pub status: MemberStatus,
        pub changed_on: NaiveDate,
    }
}

/// The member's status history, newest first, if the member is in the scope.
pub async fn status_changes(db: &Db, scope: &Scope, member_id: i64) -> Result<Vec<StatusChangeRow>> {
    let mut b = SqlBuf::new(
        "SELECT c.status, c.changed_on FROM member_status_changes c JOIN members m ON m.id = c.member_id WHERE ",
    );
    b.push_arg("c.member_id = ", member_id);
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    b.push(" ORDER BY c.changed_on DESC, c.id DESC");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// Posts the member holds or held, with the org's name.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct MemberPostRow in "org_posts" {
        pub org_id: i64,
        pub org_name: String,
        pub post: PostKind,
        pub start_on: NaiveDate,
        pub end_on: Option<NaiveDate>,
    }
}

/// The posts the member holds or held, if the member is in the scope.
pub async fn posts_of(db: &Db, scope: &Scope, member_id: i64) -> Result<Vec<MemberPostRow>> {
    let mut b = SqlBuf::new(
        "SELECT p.org_id, o.name AS org_name, p.post, p.start_on, p.end_on FROM org_posts p \
         JOIN orgs o ON o.id = p.org_id JOIN members m ON m.id = p.member_id WHERE ",
    );
    b.push_arg("p.member_id = ", member_id);
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    b.push(" ORDER BY p.start_on DESC");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A recorded month without assigned work (CON-LAPSE).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct WorkRefusalRow in "member_work_refusals" {
        pub id: i64,
        pub member_id: i64,
        pub month: String,
        pub note: String,
        pub created_at: i64,
    }
}

/// The months a member did not do assigned work, newest first, if the member is in the scope.
pub async fn work_refusals(db: &Db, scope: &Scope, member_id: i64) -> Result<Vec<WorkRefusalRow>> {
    let mut b = SqlBuf::new(
        "SELECT w.id, w.member_id, w.month, w.note, w.created_at FROM member_work_refusals w \
         JOIN members m ON m.id = w.member_id WHERE ",
    );
    b.push_arg("w.member_id = ", member_id);
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    b.push(" ORDER BY w.month DESC");
    db.fetch_buf(&b).await
}

/// Records a month without assigned work; `false` when that month was recorded already.
pub async fn add_work_refusal(tx: &mut Tx, m: &MemberRow, month: &str, note: &str, by: i64) -> Result<bool> {
    let n = tx
        .execute(
            "INSERT INTO member_work_refusals (member_id, branch_id, org_path, month, note, created_by, created_at) \
             SELECT $1,$2,$3,$4,$5,$6,$7 WHERE NOT EXISTS \
             (SELECT 1 FROM member_work_refusals WHERE member_id = $1 AND month = $4)",
            &[
                m.id.into(),
                m.branch_id.into(),
                m.branch_path.clone().into(),
                month.into(),
                note.into(),
                by.into(),
                now_ms().into(),
            ],
        )
        .await?;
    Ok(n > 0)
}
