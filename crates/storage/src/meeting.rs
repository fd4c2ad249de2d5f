//! Records of organizational life: meetings with their attendance, and explanations of
//! findings.

use crate::{Arg, Db, Result, SqlBuf, Tx, now_ms, scope_filter};
use domain::scope::Scope;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MeetingRow {
    pub id: i64,
    pub org_id: i64,
    pub org_path: String,
    pub kind: String,
    pub held_on: String,
    pub start_time: Option<String>,
    pub place: String,
    pub topic: String,
    pub host_member_id: Option<i64>,
    pub recorder_member_id: Option<i64>,
    pub lecturer_member_id: Option<i64>,
    pub first_agenda_item: Option<String>,
    pub minutes: String,
    pub has_vote: i64,
}

const COLS: &str = "id, org_id, org_path, kind, held_on, start_time, place, topic, host_member_id, recorder_member_id, \
                    lecturer_member_id, first_agenda_item, minutes, has_vote";

/// A meeting as recorded (dates ISO, kind an identifier).
#[derive(Debug, Clone, Default)]
pub struct NewMeeting {
    pub org_id: i64,
    pub org_path: String,
    pub kind: String,
    pub held_on: String,
    pub start_time: Option<String>,
    pub place: String,
    pub topic: String,
    pub host_member_id: Option<i64>,
    pub recorder_member_id: Option<i64>,
    pub lecturer_member_id: Option<i64>,
    pub first_agenda_item: Option<String>,
    pub minutes: String,
    pub has_vote: bool,
}

/// One expected attendee and how they attended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AttendanceRow {
    pub meeting_id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub probationary: i64,
    pub attendance: String,
    pub reason: Option<String>,
}

pub async fn insert(
    tx: &mut Tx,
    m: &NewMeeting,
    attendance: &[(i64, bool, String, Option<String>)],
    by: i64,
) -> Result<i64> {
    let now = now_ms();
    let id = tx
        .insert_returning_id(
            "INSERT INTO meetings (org_id, org_path, kind, held_on, start_time, place, topic, host_member_id, \
             recorder_member_id, lecturer_member_id, first_agenda_item, minutes, has_vote, created_by, created_at, \
             updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15) RETURNING id",
            &[
                m.org_id.into(),
                m.org_path.clone().into(),
                m.kind.clone().into(),
                m.held_on.clone().into(),
                m.start_time.clone().into(),
                m.place.clone().into(),
                m.topic.clone().into(),
                m.host_member_id.into(),
                m.recorder_member_id.into(),
                m.lecturer_member_id.into(),
                m.first_agenda_item.clone().into(),
                m.minutes.clone().into(),
                i64::from(m.has_vote).into(),
                by.into(),
                now.into(),
            ],
        )
        .await?;
    for chunk in attendance.chunks(20) {
        let mut b = SqlBuf::new(
            "INSERT INTO meeting_attendance (meeting_id, member_id, probationary, attendance, reason) VALUES ",
        );
        let mid = b.arg(id);
        let values: Vec<String> = chunk
            .iter()
            .map(|(member, prob, att, reason)| {
                let (a, p, t, r) =
                    (b.arg(*member), b.arg(i64::from(*prob)), b.arg(att.clone()), b.arg(Arg::OptStr(reason.clone())));
                format!("({mid},{a},{p},{t},{r})")
            })
            .collect();
        b.push(&values.join(","));
        tx.execute(&b.text, &b.args).await?;
    }
    Ok(id)
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Option<MeetingRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM meetings WHERE "));
    b.push_arg("id = ", id);
    scope_filter(&mut b, scope, "org_path", None);
    Ok(db.fetch_buf(&b).await?.into_iter().next())
}

/// Meetings of one org between two dates (inclusive), oldest first.
pub async fn of_org(db: &Db, scope: &Scope, org_id: i64, from: &str, to: &str) -> Result<Vec<MeetingRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM meetings WHERE "));
    b.push_arg("org_id = ", org_id);
    b.push_arg(" AND held_on >= ", from);
    b.push_arg(" AND held_on <= ", to);
    scope_filter(&mut b, scope, "org_path", None);
    b.push(" ORDER BY held_on, id");
    db.fetch_buf(&b).await
}

/// Meetings of a whole subtree between two dates, for checks over many orgs.
pub async fn in_subtree(db: &Db, scope: &Scope, lo: &str, hi: &str, from: &str, to: &str) -> Result<Vec<MeetingRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM meetings WHERE "));
    b.push_arg("org_path >= ", lo);
    b.push_arg(" AND org_path < ", hi);
    b.push_arg(" AND held_on >= ", from);
    b.push_arg(" AND held_on <= ", to);
    scope_filter(&mut b, scope, "org_path", None);
    b.push(" ORDER BY org_id, held_on, id");
    db.fetch_buf(&b).await
}

/// The attendance of these meetings, with names.
pub async fn attendance(db: &Db, meeting_ids: &[i64]) -> Result<Vec<AttendanceRow>> {
    let mut out = Vec::new();
    for chunk in meeting_ids.chunks(200) {
        let mut b = SqlBuf::new(
            "SELECT a.meeting_id, a.member_id, m.name AS member_name, a.probationary, a.attendance, a.reason \
             FROM meeting_attendance a JOIN members m ON m.id = a.member_id WHERE a.meeting_id IN (",
        );
        let ph: Vec<String> = chunk.iter().map(|id| b.arg(*id)).collect();
        b.push(&ph.join(","));
        b.push(") ORDER BY a.meeting_id, m.name, a.member_id");
        out.extend(db.fetch_buf::<AttendanceRow>(&b).await?);
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ExplanationRow {
    pub id: i64,
    pub org_id: i64,
    pub rule_id: String,
    pub period_start: String,
    pub reason: String,
    pub account_id: i64,
    pub created_at: i64,
}

pub async fn explain(
    tx: &mut Tx,
    org_id: i64,
    rule_id: &str,
    period_start: &str,
    reason: &str,
    account_id: i64,
) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO finding_explanations (org_id, rule_id, period_start, reason, account_id, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
        &[org_id.into(), rule_id.into(), period_start.into(), reason.into(), account_id.into(), now_ms().into()],
    )
    .await
}

pub async fn explanations(db: &Db, org_id: i64) -> Result<Vec<ExplanationRow>> {
    db.fetch_all(
        "SELECT id, org_id, rule_id, period_start, reason, account_id, created_at FROM finding_explanations \
         WHERE org_id = $1 ORDER BY id",
        &[org_id.into()],
    )
    .await
}

/// A member expected at a meeting on a date, and whether they were probationary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ExpectedRow {
    pub member_id: i64,
    pub name: String,
    pub status: String,
}

/// Members whose membership span of `kind` ('branch' or 'group') in the org covers `on` and who
/// had joined by then; statuses other than probationary/full are left out.
pub async fn members_on(db: &Db, org_id: i64, kind: &str, on: &str) -> Result<Vec<ExpectedRow>> {
    db.fetch_all(
        "SELECT m.id AS member_id, m.name, m.status FROM member_org_spans s JOIN members m ON m.id = s.member_id \
         WHERE s.org_id = $1 AND s.kind = $2 AND s.start_on <= $3 AND (s.end_on IS NULL OR s.end_on >= $3) \
         AND m.joined_on <= $3 AND m.status IN ('probationary','full') ORDER BY m.name, m.id",
        &[org_id.into(), kind.into(), on.into()],
    )
    .await
}

/// Members holding a post on the org's committee on `on`.
pub async fn committee_on(db: &Db, org_id: i64, on: &str) -> Result<Vec<ExpectedRow>> {
    db.fetch_all(
        "SELECT DISTINCT m.id AS member_id, m.name, m.status FROM org_posts p JOIN members m ON m.id = p.member_id \
         WHERE p.org_id = $1 AND p.start_on <= $2 AND (p.end_on IS NULL OR p.end_on >= $2) ORDER BY m.name, m.id",
        &[org_id.into(), on.into()],
    )
    .await
}
