//! 重大事项请示报告 (REPORT-ONE-MATTER): requests and reports from an org to its parent, with the
//! superior's answers, returns and forwards. Both sides see the thread: a row is in the scope of
//! whoever sees the sender or the receiver.

use chrono::NaiveDate;
use domain::major_matter_report::{ReportKind, ReportState};
use domain::scope::Scope;
use serde::Serialize;

use crate::{Arg, Db, Result, SqlBuf, Tx, now_ms, scope_filter_any};

crate::typed_row! {
    /// A request or report, with the names of both orgs.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct ReportRow in "major_matter_reports" {
        pub id: i64,
        pub kind: ReportKind,
        pub from_org_id: i64,
        pub from_org_path: String,
        pub from_org_name: String,
        pub to_org_id: i64,
        pub to_org_path: String,
        pub to_org_name: String,
        pub title: String,
        pub matter: String,
        pub body: String,
        pub state: ReportState,
        pub received_on: NaiveDate,
        pub closed_on: Option<NaiveDate>,
        pub forwarded_from: Option<i64>,
    }
}

crate::typed_row! {
    /// One step of the thread.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct ReplyRow in "major_matter_replies" {
        pub id: i64,
        pub report_id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub action: String,
        pub text: String,
        pub on_date: NaiveDate,
    }
}

/// A request or report as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    pub kind: ReportKind,
    pub from_org_id: i64,
    pub from_org_path: String,
    pub to_org_id: i64,
    pub to_org_path: String,
    pub title: String,
    pub matter: String,
    pub body: String,
    pub state: ReportState,
    pub received_on: NaiveDate,
    pub forwarded_from: Option<i64>,
}

pub async fn insert(tx: &mut Tx, r: &NewReport, by: i64) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO major_matter_reports (kind, from_org_id, from_org_path, to_org_id, to_org_path, title, matter, \
         body, state, received_on, forwarded_from, created_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id",
        &[
            r.kind.as_str().into(),
            r.from_org_id.into(),
            r.from_org_path.as_str().into(),
            r.to_org_id.into(),
            r.to_org_path.as_str().into(),
            r.title.as_str().into(),
            r.matter.as_str().into(),
            r.body.as_str().into(),
            r.state.as_str().into(),
            r.received_on.into(),
            r.forwarded_from.into(),
            by.into(),
            now_ms().into(),
        ],
    )
    .await
}

/// The superior's response to a pending request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReply<'a> {
    pub report_id: i64,
    /// The superior.
    pub org_id: i64,
    /// The state it leaves the request in.
    pub state: ReportState,
    /// "answer", "return" or "forward".
    pub action: &'a str,
    pub text: &'a str,
    pub on: NaiveDate,
}

/// Records the superior's response and the state it leaves the request in; returns false when the
/// request was no longer pending (someone answered first).
pub async fn respond(tx: &mut Tx, r: &NewReply<'_>, by: i64) -> Result<bool> {
    let NewReply { report_id: id, org_id, state, action, text, on } = *r;
    let changed = tx
        .execute(
            "UPDATE major_matter_reports SET state = $1, closed_on = $2 WHERE id = $3 AND state = 'pending'",
            &[state.as_str().into(), on.into(), id.into()],
        )
        .await?;
    if changed == 0 {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO major_matter_replies (report_id, org_id, action, text, on_date, created_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7)",
        &[id.into(), org_id.into(), action.into(), text.into(), on.into(), by.into(), now_ms().into()],
    )
    .await?;
    Ok(true)
}

fn push_ids(b: &mut SqlBuf, ids: &[i64]) {
    b.push_ids(ids);
}

const SELECT: &str = "SELECT r.id, r.kind, r.from_org_id, r.from_org_path, fo.name AS from_org_name, r.to_org_id, \
                      r.to_org_path, tor.name AS to_org_name, r.title, r.matter, r.body, r.state, r.received_on, \
                      r.closed_on, r.forwarded_from FROM major_matter_reports r \
                      JOIN orgs fo ON fo.id = r.from_org_id JOIN orgs tor ON tor.id = r.to_org_id WHERE ";

/// What an org sent and received, newest first, within the scope.
pub async fn of_org(db: &Db, scope: &Scope, org_id: i64) -> Result<Vec<ReportRow>> {
    let mut b = SqlBuf::new(SELECT);
    b.push_arg("(r.from_org_id = ", org_id);
    b.push_arg(" OR r.to_org_id = ", org_id);
    b.push(")");
    scope_filter_any(&mut b, scope, &["r.from_org_path", "r.to_org_path"], None);
    b.push(" ORDER BY r.received_on DESC, r.id DESC");
    db.fetch_buf(&b).await
}

/// One request or report, if either side is in the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Option<ReportRow>> {
    let mut b = SqlBuf::new(SELECT);
    b.push_arg("r.id = ", id);
    scope_filter_any(&mut b, scope, &["r.from_org_path", "r.to_org_path"], None);
    Ok(db.fetch_buf(&b).await?.into_iter().next())
}

/// The thread of a request: its own replies, and those of the copies it was forwarded as and of
/// the request it was forwarded from, oldest first.
pub async fn replies(db: &Db, ids: &[i64]) -> Result<Vec<ReplyRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new(
        "SELECT p.id, p.report_id, p.org_id, o.name AS org_name, p.action, p.text, p.on_date \
         FROM major_matter_replies p JOIN orgs o ON o.id = p.org_id WHERE p.report_id IN (",
    );
    push_ids(&mut b, ids);
    b.push(") ORDER BY p.on_date, p.id");
    db.fetch_buf(&b).await
}

/// The copies a request was forwarded as (its thread continues there).
pub async fn forwards_of(db: &Db, id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = db
        .fetch_all("SELECT id FROM major_matter_reports WHERE forwarded_from = $1 ORDER BY id", &[Arg::I64(id)])
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

crate::typed_row! {
    /// A request pending with one of a page's orgs (REPORT-ONE-MATTER's facts).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct PendingRow in "major_matter_reports" {
        pub id: i64,
        pub to_org_id: i64,
        pub received_on: NaiveDate,
        pub title: String,
        pub from_org_name: String,
    }
}

/// The requests pending on `on` with these orgs, received on or before it.
pub async fn pending_with(db: &Db, org_ids: &[i64], on: &str) -> Result<Vec<PendingRow>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new(
        "SELECT r.id, r.to_org_id, r.received_on, r.title, fo.name AS from_org_name FROM major_matter_reports r \
         JOIN orgs fo ON fo.id = r.from_org_id WHERE r.kind = 'request' AND r.state = 'pending' AND r.to_org_id IN (",
    );
    push_ids(&mut b, org_ids);
    b.push_arg(") AND r.received_on <= ", on.to_string());
    b.push(" ORDER BY r.to_org_id, r.received_on, r.id");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A file added to a request's thread, by the org that added it.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct ReportAttachmentRow in "major_matter_attachments" {
        pub id: i64,
        pub report_id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub file_name: String,
        pub content_type: String,
        pub size: i64,
        pub sha256: String,
    }
}

/// A file added to a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReportAttachment<'a> {
    pub report_id: i64,
    pub org_id: i64,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub sha256: &'a str,
}

pub async fn add_attachment(tx: &mut Tx, a: &NewReportAttachment<'_>, by: i64) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO major_matter_attachments (report_id, org_id, file_name, content_type, size, sha256, created_by, \
         created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
        &[
            a.report_id.into(),
            a.org_id.into(),
            a.file_name.into(),
            a.content_type.into(),
            a.size.into(),
            a.sha256.into(),
            by.into(),
            now_ms().into(),
        ],
    )
    .await
}

/// The files of these threads (a request and the copies it was forwarded as), oldest first.
pub async fn attachments(db: &Db, ids: &[i64]) -> Result<Vec<ReportAttachmentRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new(
        "SELECT a.id, a.report_id, a.org_id, o.name AS org_name, a.file_name, a.content_type, a.size, a.sha256 \
         FROM major_matter_attachments a JOIN orgs o ON o.id = a.org_id WHERE a.report_id IN (",
    );
    push_ids(&mut b, ids);
    b.push(") ORDER BY a.id");
    db.fetch_buf(&b).await
}
