//! Records of organizational life: meetings with their attendance, and explanations of
//! findings.

use crate::{Arg, Db, Result, SqlBuf, Tx, now_ms, scope_filter};
use chrono::NaiveDate;
use domain::codes::MemberStatus;
use domain::org_life::{AppraisalRating, Attendance, MeetingKind, VotePurpose};
use domain::scope::Scope;
use serde::Serialize;

crate::typed_row! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct MeetingRow in "meetings" {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub kind: MeetingKind,
        pub held_on: NaiveDate,
        pub start_time: Option<String>,
        pub place: String,
        pub topic: String,
        pub host_member_id: Option<i64>,
        pub recorder_member_id: Option<i64>,
        pub lecturer_member_id: Option<i64>,
        pub first_agenda_item: Option<String>,
        pub minutes: String,
        pub has_vote: bool,
        /// The other party of a talk (谈心谈话); the talker is `host_member_id`.
        pub partner_member_id: Option<i64>,
        pub talk_reason: Option<String>,
        /// The day the record was voided (作废), if it was; it then counts for nothing.
        pub voided_on: Option<NaiveDate>,
        pub void_reason: Option<String>,
        /// The class hours the meeting gave those present (a 党课 or study session), if counted.
        pub class_hours: Option<domain::family::study::Hours>,
        /// A 思政课 given by the school's principal (SZK-LECTURE).
        pub by_principal: bool,
        /// The guidance of the level above at a 民主生活会 (上级指导).
        pub guidance: Option<String>,
    }
}

const COLS: &str = "id, org_id, org_path, kind, held_on, start_time, place, topic, host_member_id, recorder_member_id, \
                    lecturer_member_id, first_agenda_item, minutes, has_vote, partner_member_id, talk_reason, \
                    voided_on, void_reason, class_hours, by_principal, guidance";

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
    pub partner_member_id: Option<i64>,
    pub talk_reason: Option<String>,
    /// Class hours given to those present (tenths), when the record counts them.
    pub class_hours: Option<domain::family::study::Hours>,
    /// A 思政课 given by the school's principal.
    pub by_principal: bool,
    /// The guidance of the level above at a 民主生活会.
    pub guidance: Option<String>,
}

/// One expected attendee as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttendance {
    pub member_id: i64,
    pub probationary: bool,
    /// A leading cadre present under 双重组织生活 (no vote here).
    pub dual_org_life: bool,
    pub attendance: String,
    pub reason: Option<String>,
}

crate::typed_row! {
    /// One resolution with its votes.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct ResolutionRow in "meeting_resolutions" {
        pub meeting_id: i64,
        pub position: i64,
        pub text: String,
        /// What the vote decided: ordinary, admission, confirmation or election (each has its own
        /// quorum and majority).
        pub purpose: VotePurpose,
        pub voters_expected: i64,
        pub voters_present: i64,
        pub yes: i64,
        pub no: i64,
        pub abstain: i64,
    }
}

crate::typed_row! {
    /// One expected attendee and how they attended.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct AttendanceRow in "meeting_attendance" {
        pub meeting_id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub probationary: bool,
        pub dual_org_life: bool,
        pub attendance: Attendance,
        pub reason: Option<String>,
    }
}

/// Everything recorded about one meeting besides its own row.
#[derive(Debug, Clone, Default)]
pub struct MeetingDetails {
    pub attendance: Vec<NewAttendance>,
    pub resolutions: Vec<ResolutionRow>,
    /// member id → rating (民主评议).
    pub ratings: Vec<(i64, String)>,
}

pub async fn insert(tx: &mut Tx, m: &NewMeeting, details: &MeetingDetails, by: i64) -> Result<i64> {
    let now = now_ms();
    let id = tx
        .insert_returning_id(
            "INSERT INTO meetings (org_id, org_path, kind, held_on, start_time, place, topic, host_member_id, \
             recorder_member_id, lecturer_member_id, first_agenda_item, minutes, has_vote, created_by, created_at, \
             updated_at, partner_member_id, talk_reason, class_hours, by_principal, guidance) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15,$16,$17,$18,$19,$20) RETURNING id",
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
                m.partner_member_id.into(),
                m.talk_reason.clone().into(),
                m.class_hours.into(),
                i64::from(m.by_principal).into(),
                m.guidance.clone().into(),
            ],
        )
        .await?;
    insert_details(tx, id, details).await?;
    crate::training::MeetingHours::new(id).refresh(tx).await?;
    Ok(id)
}

/// Writes a meeting's attendance, resolutions and ratings.
async fn insert_details(tx: &mut Tx, id: i64, details: &MeetingDetails) -> Result<()> {
    for chunk in details.attendance.chunks(20) {
        let mut b = SqlBuf::new(
            "INSERT INTO meeting_attendance (meeting_id, member_id, probationary, dual_org_life, attendance, reason) \
             VALUES ",
        );
        let mid = b.arg(id);
        let values: Vec<String> = chunk
            .iter()
            .map(|a| {
                let (m, p, d, t, r) = (
                    b.arg(a.member_id),
                    b.arg(i64::from(a.probationary)),
                    b.arg(i64::from(a.dual_org_life)),
                    b.arg(a.attendance.clone()),
                    b.arg(Arg::OptStr(a.reason.clone())),
                );
                format!("({mid},{m},{p},{d},{t},{r})")
            })
            .collect();
        b.push(&values.join(","));
        tx.execute(&b.text, &b.args).await?;
    }
    // The check reads the attendance packed in the meeting's row.
    let repack = format!("{} WHERE id = $1", crate::check::repack_attendance_sql(tx.kind()));
    tx.execute(&repack, &[id.into()]).await?;
    for (i, r) in details.resolutions.iter().enumerate() {
        tx.execute(
            "INSERT INTO meeting_resolutions (meeting_id, position, text, purpose, voters_expected, voters_present, \
             yes, no, abstain) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
            &[
                id.into(),
                (i as i64).into(),
                r.text.clone().into(),
                r.purpose.into(),
                r.voters_expected.into(),
                r.voters_present.into(),
                r.yes.into(),
                r.no.into(),
                r.abstain.into(),
            ],
        )
        .await?;
    }
    for chunk in details.ratings.chunks(100) {
        let mut b = SqlBuf::new("INSERT INTO appraisal_ratings (meeting_id, member_id, rating) VALUES ");
        let mid = b.arg(id);
        let values: Vec<String> = chunk
            .iter()
            .map(|(member, rating)| {
                let (m, r) = (b.arg(*member), b.arg(rating.clone()));
                format!("({mid},{m},{r})")
            })
            .collect();
        b.push(&values.join(","));
        tx.execute(&b.text, &b.args).await?;
    }
    Ok(())
}

crate::typed_row! {
    /// A meeting a member was expected at, and how they attended.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ExpectedAt in "meeting_attendance" {
        pub meeting_id: i64,
        pub kind: MeetingKind,
        pub held_on: NaiveDate,
        pub topic: String,
        pub attendance: Attendance,
    }
}

/// The (not voided) meetings this member was expected at between two dates, newest first,
/// within the scope (a member's own scope reaches their own attendance).
pub async fn expected_at(db: &Db, scope: &Scope, member_id: i64, from: &str, to: &str) -> Result<Vec<ExpectedAt>> {
    let mut b = SqlBuf::new(
        "SELECT mt.id AS meeting_id, mt.kind, mt.held_on, mt.topic, a.attendance FROM meeting_attendance a \
         JOIN meetings mt ON mt.id = a.meeting_id WHERE mt.voided_on IS NULL AND ",
    );
    b.push_arg("a.member_id = ", member_id);
    b.push_arg(" AND mt.held_on >= ", from);
    b.push_arg(" AND mt.held_on <= ", to);
    scope_filter(&mut b, scope, "mt.org_path", Some("a.member_id"));
    b.push(" ORDER BY mt.held_on DESC, mt.id DESC");
    db.fetch_buf(&b).await
}

/// The voided records of one org held between two dates, oldest first: kept for auditors.
pub async fn voided_of_org(db: &Db, scope: &Scope, org_id: i64, from: &str, to: &str) -> Result<Vec<MeetingRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM meetings WHERE voided_on IS NOT NULL AND "));
    b.push_arg("org_id = ", org_id);
    b.push_arg(" AND held_on >= ", from);
    b.push_arg(" AND held_on <= ", to);
    scope_filter(&mut b, scope, "org_path", None);
    b.push(" ORDER BY held_on, id");
    db.fetch_buf(&b).await
}

/// Voids a meeting record (作废) on a day with a reason: it stays, marked, and counts for
/// nothing in checks, lists and ledgers.
pub async fn void(tx: &mut Tx, id: i64, on: &str, reason: &str) -> Result<()> {
    let hours = crate::training::MeetingHours::before(tx, id).await?;
    tx.execute(
        "UPDATE meetings SET voided_on = $1, void_reason = $2, updated_at = $3 WHERE id = $4",
        &[on.into(), reason.into(), now_ms().into(), id.into()],
    )
    .await?;
    hours.refresh(tx).await
}

/// Replaces a meeting's record by its corrected version: the row's fields, its attendance,
/// resolutions and ratings (its attachments stay). The caller keeps the old version in
/// [`add_correction`] and the audit log.
pub async fn replace(tx: &mut Tx, id: i64, m: &NewMeeting, details: &MeetingDetails) -> Result<()> {
    let hours = crate::training::MeetingHours::before(tx, id).await?;
    tx.execute(
        "UPDATE meetings SET kind = $1, held_on = $2, start_time = $3, place = $4, topic = $5, host_member_id = $6, \
         recorder_member_id = $7, lecturer_member_id = $8, first_agenda_item = $9, minutes = $10, has_vote = $11, \
         partner_member_id = $12, talk_reason = $13, updated_at = $14, class_hours = $16, by_principal = $17, \
         guidance = $18 WHERE id = $15",
        &[
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
            m.partner_member_id.into(),
            m.talk_reason.clone().into(),
            now_ms().into(),
            id.into(),
            m.class_hours.into(),
            i64::from(m.by_principal).into(),
            m.guidance.clone().into(),
        ],
    )
    .await?;
    for table in ["meeting_attendance", "meeting_resolutions", "appraisal_ratings"] {
        tx.execute(&format!("DELETE FROM {table} WHERE meeting_id = $1"), &[id.into()]).await?;
    }
    insert_details(tx, id, details).await?;
    hours.refresh(tx).await
}

crate::typed_row! {
    /// A correction of a meeting record: why, by whom, when, and the record as it was before.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct CorrectionRow in "meeting_corrections" {
        pub id: i64,
        pub meeting_id: i64,
        pub reason: String,
        /// The record before the correction (fields, attendance, resolutions, ratings), as JSON.
        pub before_json: String,
        pub account_name: Option<String>,
        pub created_at: i64,
    }
}

pub async fn add_correction(
    tx: &mut Tx,
    meeting_id: i64,
    org_path: &str,
    reason: &str,
    before_json: &str,
    by: i64,
) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO meeting_corrections (meeting_id, org_path, reason, before_json, account_id, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
        &[meeting_id.into(), org_path.into(), reason.into(), before_json.into(), by.into(), now_ms().into()],
    )
    .await
}

/// Records that the org's ledger for the year was exported now.
pub async fn record_ledger_export(tx: &mut Tx, org_id: i64, org_path: &str, year: i32, by: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO ledger_exports (org_id, org_path, year, exported_at, account_id) VALUES ($1,$2,$3,$4,$5)",
        &[org_id.into(), org_path.into(), i64::from(year).into(), now_ms().into(), by.into()],
    )
    .await?;
    Ok(())
}

/// When the org's ledger for the year was last exported (epoch ms), within the scope.
pub async fn last_ledger_export(db: &Db, scope: &Scope, org_id: i64, year: i32) -> Result<Option<i64>> {
    let mut b = SqlBuf::new("SELECT MAX(exported_at) FROM ledger_exports WHERE ");
    b.push_arg("org_id = ", org_id);
    b.push_arg(" AND year = ", i64::from(year));
    scope_filter(&mut b, scope, "org_path", None);
    let (at,): (Option<i64>,) = db.fetch_one(&b.text, &b.args).await?;
    Ok(at)
}

/// The corrections of these meetings, oldest first, within the scope.
pub async fn corrections(db: &Db, scope: &Scope, meeting_ids: &[i64]) -> Result<Vec<CorrectionRow>> {
    let mut out = Vec::new();
    for chunk in meeting_ids.chunks(200) {
        let mut b = SqlBuf::new(
            "SELECT c.id, c.meeting_id, c.reason, c.before_json, a.username AS account_name, c.created_at \
             FROM meeting_corrections c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.meeting_id IN (",
        );
        let ph: Vec<String> = chunk.iter().map(|id| b.arg(*id)).collect();
        b.push(&ph.join(","));
        b.push(")");
        scope_filter(&mut b, scope, "c.org_path", None);
        b.push(" ORDER BY c.meeting_id, c.id");
        out.extend(db.fetch_buf::<CorrectionRow>(&b).await?);
    }
    Ok(out)
}

/// The resolutions of these meetings, in order.
pub async fn resolutions(db: &Db, scope: &Scope, meeting_ids: &[i64]) -> Result<Vec<ResolutionRow>> {
    let mut out = Vec::new();
    for chunk in meeting_ids.chunks(200) {
        let mut b = SqlBuf::new(
            "SELECT r.meeting_id, r.position, r.text, r.purpose, r.voters_expected, r.voters_present, r.yes, r.no, \
             r.abstain FROM meeting_resolutions r JOIN meetings mt ON mt.id = r.meeting_id WHERE r.meeting_id IN (",
        );
        let ph: Vec<String> = chunk.iter().map(|id| b.arg(*id)).collect();
        b.push(&ph.join(","));
        b.push(")");
        scope_filter(&mut b, scope, "mt.org_path", None);
        b.push(" ORDER BY r.meeting_id, r.position");
        out.extend(db.fetch_buf::<ResolutionRow>(&b).await?);
    }
    Ok(out)
}

crate::typed_row! {
    /// A member's rating in a 民主评议.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct RatingRow in "appraisal_ratings" {
        pub meeting_id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub rating: AppraisalRating,
    }
}

/// The appraisal ratings of these meetings, by member name.
pub async fn ratings(db: &Db, scope: &Scope, meeting_ids: &[i64]) -> Result<Vec<RatingRow>> {
    let mut out = Vec::new();
    for chunk in meeting_ids.chunks(200) {
        let mut b = SqlBuf::new(
            "SELECT r.meeting_id, r.member_id, m.name AS member_name, r.rating FROM appraisal_ratings r \
             JOIN members m ON m.id = r.member_id JOIN meetings mt ON mt.id = r.meeting_id WHERE r.meeting_id IN (",
        );
        let ph: Vec<String> = chunk.iter().map(|id| b.arg(*id)).collect();
        b.push(&ph.join(","));
        b.push(")");
        scope_filter(&mut b, scope, "mt.org_path", None);
        b.push(" ORDER BY r.meeting_id, m.name, r.member_id");
        out.extend(db.fetch_buf::<RatingRow>(&b).await?);
    }
    Ok(out)
}

crate::typed_row! {
    /// A file attached to a meeting record (stored under the data directory by its SHA-256).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct AttachmentRow in "meeting_attachments" {
        pub id: i64,
        pub meeting_id: i64,
        pub file_name: String,
        pub content_type: String,
        pub size_bytes: i64,
        pub sha256: String,
        pub created_at: i64,
    }
}

pub async fn add_attachment(
    tx: &mut Tx,
    meeting_id: i64,
    file_name: &str,
    content_type: &str,
    size_bytes: i64,
    sha256: &str,
    by: i64,
) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO meeting_attachments (meeting_id, file_name, content_type, size_bytes, sha256, created_by, \
         created_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
        &[
            meeting_id.into(),
            file_name.into(),
            content_type.into(),
            size_bytes.into(),
            sha256.into(),
            by.into(),
            now_ms().into(),
        ],
    )
    .await
}

/// The attachments of these meetings.
pub async fn attachments(db: &Db, scope: &Scope, meeting_ids: &[i64]) -> Result<Vec<AttachmentRow>> {
    let mut out = Vec::new();
    for chunk in meeting_ids.chunks(200) {
        let mut b = SqlBuf::new(
            "SELECT f.id, f.meeting_id, f.file_name, f.content_type, f.size_bytes, f.sha256, f.created_at \
             FROM meeting_attachments f JOIN meetings mt ON mt.id = f.meeting_id WHERE f.meeting_id IN (",
        );
        let ph: Vec<String> = chunk.iter().map(|id| b.arg(*id)).collect();
        b.push(&ph.join(","));
        b.push(")");
        scope_filter(&mut b, scope, "mt.org_path", None);
        b.push(" ORDER BY f.meeting_id, f.id");
        out.extend(db.fetch_buf::<AttachmentRow>(&b).await?);
    }
    Ok(out)
}

crate::typed_row! {
    /// Leading cadres who take part in an org's organizational life (双重组织生活).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct DualRow in "dual_org_life" {
        pub id: i64,
        pub member_id: i64,
        pub name: String,
        pub org_id: i64,
        pub start_on: NaiveDate,
        pub end_on: Option<NaiveDate>,
    }
}

pub async fn add_dual(tx: &mut Tx, member_id: i64, org_id: i64, start_on: &str, by: i64) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO dual_org_life (member_id, org_id, start_on, created_by, created_at) VALUES ($1,$2,$3,$4,$5) \
         RETURNING id",
        &[member_id.into(), org_id.into(), start_on.into(), by.into(), now_ms().into()],
    )
    .await
}

/// Ends a cadre's participation (kept as history).
pub async fn end_dual(tx: &mut Tx, id: i64, org_id: i64, end_on: &str) -> Result<u64> {
    tx.execute(
        "UPDATE dual_org_life SET end_on = $1 WHERE id = $2 AND org_id = $3 AND end_on IS NULL",
        &[end_on.into(), id.into(), org_id.into()],
    )
    .await
}

/// The org's current and past 双重组织生活 participants, current first.
pub async fn duals(db: &Db, scope: &Scope, org_id: i64) -> Result<Vec<DualRow>> {
    let mut b = SqlBuf::new(
        "SELECT d.id, d.member_id, m.name, d.org_id, d.start_on, d.end_on FROM dual_org_life d \
         JOIN members m ON m.id = d.member_id JOIN orgs o ON o.id = d.org_id WHERE ",
    );
    b.push_arg("d.org_id = ", org_id);
    scope_filter(&mut b, scope, "o.path", None);
    b.push(" ORDER BY CASE WHEN d.end_on IS NULL THEN 0 ELSE 1 END, d.start_on DESC, d.id");
    db.fetch_buf(&b).await
}

/// Cadres taking part in the org's organizational life on `on` (full or probationary members).
pub async fn duals_on(db: &Db, org_id: i64, on: &str) -> Result<Vec<ExpectedRow>> {
    db.fetch_all(
        &format!(
            "SELECT DISTINCT m.id AS member_id, m.name, m.name_key, m.status, CAST(CASE WHEN {} THEN 1 ELSE 0 END AS BIGINT) AS observed \
             FROM dual_org_life d JOIN members m ON m.id = d.member_id \
             WHERE d.org_id = $1 AND d.start_on <= $2 AND (d.end_on IS NULL OR d.end_on >= $2) \
             AND m.status IN ('probationary','full') ORDER BY m.name_key, m.id",
            crate::decision::under_observation_sql("$2")
        ),
        &[org_id.into(), on.into()],
    )
    .await
}

/// Local rule sets switched on at an org (for its whole subtree).
pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Option<MeetingRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM meetings WHERE "));
    b.push_arg("id = ", id);
    scope_filter(&mut b, scope, "org_path", None);
    Ok(db.fetch_buf(&b).await?.into_iter().next())
}

/// Meetings of one org between two dates (inclusive), oldest first; voided records are left
/// out ([`voided_of_org`] lists them).
pub async fn of_org(db: &Db, scope: &Scope, org_id: i64, from: &str, to: &str) -> Result<Vec<MeetingRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM meetings WHERE voided_on IS NULL AND "));
    b.push_arg("org_id = ", org_id);
    b.push_arg(" AND held_on >= ", from);
    b.push_arg(" AND held_on <= ", to);
    scope_filter(&mut b, scope, "org_path", None);
    b.push(" ORDER BY held_on, id");
    db.fetch_buf(&b).await
}

/// Meetings of a whole subtree between two dates, for checks over many orgs.
pub async fn in_subtree(db: &Db, scope: &Scope, lo: &str, hi: &str, from: &str, to: &str) -> Result<Vec<MeetingRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM meetings WHERE voided_on IS NULL AND "));
    b.push_arg("org_path >= ", lo);
    b.push_arg(" AND org_path < ", hi);
    b.push_arg(" AND held_on >= ", from);
    b.push_arg(" AND held_on <= ", to);
    scope_filter(&mut b, scope, "org_path", None);
    b.push(" ORDER BY org_id, held_on, id");
    db.fetch_buf(&b).await
}

/// The attendance of these meetings, with names.
pub async fn attendance(db: &Db, scope: &Scope, meeting_ids: &[i64]) -> Result<Vec<AttendanceRow>> {
    let mut out = Vec::new();
    for chunk in meeting_ids.chunks(200) {
        let mut b = SqlBuf::new(
            "SELECT a.meeting_id, a.member_id, m.name AS member_name, a.probationary, a.dual_org_life, a.attendance, \
             a.reason FROM meeting_attendance a JOIN members m ON m.id = a.member_id \
             JOIN meetings mt ON mt.id = a.meeting_id WHERE a.meeting_id IN (",
        );
        let ph: Vec<String> = chunk.iter().map(|id| b.arg(*id)).collect();
        b.push(&ph.join(","));
        b.push(")");
        scope_filter(&mut b, scope, "mt.org_path", None);
        b.push(" ORDER BY a.meeting_id, m.name, a.member_id");
        out.extend(db.fetch_buf::<AttendanceRow>(&b).await?);
    }
    Ok(out)
}

crate::typed_row! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct ExplanationRow in "finding_explanations" {
        pub id: i64,
        pub org_id: i64,
        pub rule_id: String,
        pub period_start: String,
        /// The finding's subject ("member:12"); empty for explanations given before subjects were
        /// recorded, which explain every finding of the org's rule and period.
        pub subject: String,
        pub reason: String,
        pub account_id: i64,
        pub account_name: Option<String>,
        pub created_at: i64,
    }
}

/// An explanation (情况说明) of a finding, as written.
pub struct NewExplanation<'a> {
    pub org_id: i64,
    pub org_path: &'a str,
    pub rule_id: &'a str,
    pub period_start: &'a str,
    /// The finding's subject ("member:12").
    pub subject: &'a str,
    pub reason: &'a str,
    pub account_id: i64,
}

pub async fn explain(tx: &mut Tx, e: &NewExplanation<'_>) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO finding_explanations (org_id, org_path, rule_id, period_start, subject, reason, account_id, \
         created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
        &[
            e.org_id.into(),
            e.org_path.into(),
            e.rule_id.into(),
            e.period_start.into(),
            e.subject.into(),
            e.reason.into(),
            e.account_id.into(),
            now_ms().into(),
        ],
    )
    .await
}

/// The explanations given for an org's findings, if the org is in the scope.
pub async fn explanations(db: &Db, scope: &Scope, org_id: i64) -> Result<Vec<ExplanationRow>> {
    let mut b = SqlBuf::new(
        "SELECT e.id, e.org_id, e.rule_id, e.period_start, e.subject, e.reason, e.account_id, \
         a.username AS account_name, e.created_at FROM finding_explanations e \
         LEFT JOIN accounts a ON a.id = e.account_id WHERE ",
    );
    b.push_arg("e.org_id = ", org_id);
    scope_filter(&mut b, scope, "e.org_path", None);
    b.push(" ORDER BY e.id");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A member expected at a meeting on a date, and whether they were probationary.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct ExpectedRow in "members" {
        pub member_id: i64,
        pub name: String,
        pub status: MemberStatus,
        /// Under 留党察看 on the day: no vote (EL-RIGHTS).
        pub observed: bool,
    }
}

/// Members whose membership span of `kind` ('branch' or 'group') in the org covers `on` and who
/// were probationary or full on that day (their status on the day, [`crate::member::status_on_sql`]),
/// with that status: the expected attendees of a meeting held on `on`.
pub async fn members_on(db: &Db, org_id: i64, kind: &str, on: &str) -> Result<Vec<ExpectedRow>> {
    let mut b = SqlBuf::new("");
    let (org, kind, on) = (b.arg(org_id), b.arg(kind), b.arg(on));
    let status = crate::member::status_on_sql(&on);
    let observed = crate::decision::under_observation_sql(&on);
    b.push(&format!(
        "SELECT member_id, name, status, observed FROM (SELECT m.id AS member_id, m.name, {status} AS status, \
         CAST(CASE WHEN {observed} THEN 1 ELSE 0 END AS BIGINT) AS observed FROM member_org_spans s JOIN members m ON m.id = s.member_id WHERE s.org_id = {org} AND s.kind = {kind} \
         AND {}) x WHERE status IN ('probationary','full') ORDER BY name, member_id",
        crate::member::span_covers_sql(&on)
    ));
    db.fetch_buf(&b).await
}

/// Members holding a post on the org's committee on `on`.
pub async fn committee_on(db: &Db, org_id: i64, on: &str) -> Result<Vec<ExpectedRow>> {
    db.fetch_all(
        &format!(
            "SELECT DISTINCT m.id AS member_id, m.name, m.name_key, m.status, CAST(CASE WHEN {} THEN 1 ELSE 0 END AS BIGINT) AS observed \
             FROM org_posts p JOIN members m ON m.id = p.member_id WHERE p.org_id = $1 AND p.start_on <= $2 \
             AND (p.end_on IS NULL OR p.end_on >= $2) ORDER BY m.name_key, m.id",
            crate::decision::under_observation_sql("$2")
        ),
        &[org_id.into(), on.into()],
    )
    .await
}
