//! Batched reads for a full check of many orgs (services::compliance): a page of orgs in path
//! order, then everything the rules need about that page in a fixed number of statements (ids
//! in `IN` lists), whatever the number of orgs in it. Each function answers for the orgs it is
//! given; the caller keeps at most one page in memory.
//!
//! These are the only reads of the rules' facts: the per-org check is the full check over a page
//! of one org. Posts come with their dates (a period is judged with the committee of that
//! period), members are counted with their status on the day asked, and meetings come with
//! their attendance.

use crate::org::OrgRow;
use crate::{Db, DbKind, Result, SqlBuf, StorageError};
use chrono::NaiveDate;
use domain::codes::MemberStatus;
use domain::org::PostKind;
use serde::Serialize;

mod dues;
pub use dues::{DuesMember, DuesPage, dues_of, stale_dues_cards};
pub(crate) use dues::{repack_card, repack_paid};

const ORG_COLS: &str = "o.id, o.parent_id, o.path, o.name, o.kind, o.unit_name, o.unit_kind, o.established_on, \
                        o.term_start_on, o.term_years, o.status, o.closed_on";

/// Up to `limit` orgs with `lo <= path < hi` and a path after `after`, in path order (keyset
/// paging over the unique path index): the active ones, and those closed on or after
/// `closed_since` (an org closed during the year checked answers for the months it existed).
pub async fn orgs_page(
    db: &Db,
    lo: &str,
    hi: &str,
    after: Option<&str>,
    limit: usize,
    closed_since: &str,
) -> Result<Vec<OrgRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {ORG_COLS} FROM orgs o WHERE "));
    b.push_arg("o.path >= ", lo);
    b.push_arg(" AND o.path < ", hi);
    if let Some(after) = after {
        b.push_arg(" AND o.path > ", after);
    }
    b.push_arg(" AND (o.status = 'active' OR o.closed_on >= ", closed_since);
    b.push(") ORDER BY o.path");
    b.push_arg(" LIMIT ", i64::try_from(limit).unwrap_or(i64::MAX));
    db.fetch_buf(&b).await
}

/// `col IN ($1,$2,…)` for `ids` (never empty: callers skip empty lists).
pub(crate) fn push_in(b: &mut SqlBuf, col: &str, ids: &[i64]) {
    let ph: Vec<String> = ids.iter().map(|id| b.arg(*id)).collect();
    b.push(col);
    b.push(" IN (");
    b.push(&ph.join(","));
    b.push(")");
}

/// The party groups (党小组) under these branches, as (group, branch), open or closed: a
/// closed group's meetings of the year still count towards its members' CON-LAPSE months.
pub async fn groups_of(db: &Db, branch_ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("SELECT o.id, o.parent_id FROM orgs o WHERE ");
    push_in(&mut b, "o.parent_id", branch_ids);
    b.push(" AND o.kind = 'group' ORDER BY o.parent_id, o.id");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A post on an org's committee, held for a dated span (`end_on` the last day in office).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct PostSpanRow in "org_posts" {
        pub org_id: i64,
        pub member_id: i64,
        pub post: PostKind,
        pub start_on: NaiveDate,
        pub end_on: Option<NaiveDate>,
    }
}

/// The posts of these orgs held on some day between `from` and `to` (inclusive), ended or not,
/// by org, then newest first. The holder is not joined: the foreign key guarantees the member
/// exists.
pub async fn posts_between(db: &Db, org_ids: &[i64], from: &str, to: &str) -> Result<Vec<PostSpanRow>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("SELECT p.org_id, p.member_id, p.post, p.start_on, p.end_on FROM org_posts p WHERE ");
    push_in(&mut b, "p.org_id", org_ids);
    b.push_arg(" AND p.start_on <= ", to);
    b.push_arg(" AND (p.end_on IS NULL OR p.end_on >= ", from);
    b.push(") ORDER BY p.org_id, p.start_on DESC, p.id");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// Members of one status in one org on a date, by the kind of their span ('branch' or 'group').
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct MemberCount in "member_org_spans" {
        pub org_id: i64,
        pub kind: String,
        pub status: MemberStatus,
        pub n: i64,
    }
}

/// For each of `org_ids`: how many membership spans (of kind 'branch' or 'group') cover `on`
/// whose member was full or probationary on that day (the same reading as the expected
/// attendees of a meeting, [`crate::meeting::members_on`]), by span kind and status. The caller
/// keeps the kind that matches the org (a branch's 'branch' spans, a group's 'group' spans). One
/// `IN` list, not one per kind: PostgreSQL planned `(kind = … AND org_id IN …) OR (kind = … AND
/// org_id IN …)` as a scan of all spans.
pub async fn member_counts_on(db: &Db, org_ids: &[i64], on: &str) -> Result<Vec<MemberCount>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    // One pass: the status on the day reads the member's own row unless it changed after `on`
    // (`status_on_sql`'s CASE, which both databases evaluate lazily), through the covering
    // `members_facts` index.
    let mut b = SqlBuf::new("");
    let on_ph = b.arg(on);
    let covers = crate::member::span_covers_sql(&on_ph);
    let status = crate::member::status_on_sql(&on_ph);
    b.push(&format!(
        "SELECT org_id, kind, COALESCE(status, '') AS status, COUNT(*) AS n FROM (SELECT s.org_id, s.kind, \
         {status} AS status FROM member_org_spans s JOIN members m ON m.id = s.member_id WHERE "
    ));
    push_in(&mut b, "s.org_id", org_ids);
    b.push(&format!(" AND s.kind IN ('branch','group') AND {covers}"));
    // Grouped by every status and filtered here: a filter on the status expression in SQL made
    // PostgreSQL misjudge how many members pass it (1 in 200) and plan a city page's count as
    // 340 ms instead of 65.
    b.push(") x GROUP BY org_id, kind, status ORDER BY org_id, kind, status");
    let mut counts: Vec<MemberCount> = db.fetch_buf(&b).await?;
    counts.retain(|c| matches!(c.status.as_str(), "probationary" | "full"));
    Ok(counts)
}

fn meetings_where(b: &mut SqlBuf, org_ids: &[i64], from: &str, to: &str) {
    push_in(b, "mt.org_id", org_ids);
    // A voided record (作废) counts for nothing.
    b.push(" AND mt.voided_on IS NULL");
    b.push_arg(" AND mt.held_on >= ", from);
    b.push_arg(" AND mt.held_on <= ", to);
}

/// The string aggregate of the backend (the same concatenation works on both; only the
/// aggregate's name differs).
pub(crate) fn string_agg(db: &Db) -> &'static str {
    match db.kind() {
        DbKind::Sqlite => "group_concat",
        DbKind::Postgres => "string_agg",
    }
}

/// An org's meetings with their attendance and votes, packed into one row:
/// `id:kind:held_on:lecturer:flags:attendance:votes` entries (flags: has_vote + 2 × by_principal) joined by commas, the attendance
/// being the attendees' codes joined by spaces, the votes `purpose/expected/present/yes` joined
/// by semicolons (see [`OrgMeetings::meetings`], [`MeetingFact::attendees`] and
/// [`MeetingFact::votes`]).
///
/// Why packed: a city's year is 80,000 meetings and 1.5 million attendance rows, and the
/// database driver hands rows over one at a time (some 20 µs each on SQLite), which cost more
/// than the whole check besides; one row per org cuts that by the number of records per org.
/// Each attendee is one integer, `member × 16 + attendance × 4 + flags`, because building text
/// per attendee (`meeting || ':' || member …`) was where both databases spent most of the
/// check: 0.53 s of a city page on SQLite, against 0.27 s for meetings and attendance together
/// this way. Kinds and dates are identifiers without ',', ':' or ' '.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OrgMeetings {
    pub org_id: i64,
    pub packed: String,
}

/// A meeting as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingFact<'a> {
    pub id: i64,
    pub kind: &'a str,
    pub held_on: &'a str,
    pub lecturer_member_id: Option<i64>,
    pub has_vote: i64,
    /// A 思政课 given by the school's principal (SZK-LECTURE).
    pub by_principal: bool,
    /// The attendees' codes joined by spaces, empty when no attendance was recorded.
    attendance: &'a str,
    /// The votes of a meeting that voted, `purpose/expected/present/yes` joined by semicolons.
    votes: &'a str,
}

/// One attendee of one meeting, attendance as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttendanceEntry {
    pub member_id: i64,
    pub probationary: bool,
    /// A leading cadre under 双重组织生活 (no vote here).
    pub dual_org_life: bool,
    /// The stored value: `present`, `excused` or `absent`.
    pub attendance: &'static str,
}

/// The stored attendance values, in the order of their codes.
const ATTENDANCE_VALUES: [&str; 3] = ["present", "excused", "absent"];

/// SQL: the code of attendee `a` (see [`OrgMeetings`]); -1 for a row whose flags are not 0 or 1,
/// attendance code 3 for an unknown value: [`MeetingFact::attendees`] reports both as corrupt.
fn attendance_code_sql() -> String {
    let values: Vec<String> =
        ATTENDANCE_VALUES.iter().enumerate().map(|(i, v)| format!("WHEN '{v}' THEN {}", i * 4)).collect();
    format!(
        "CAST(CASE WHEN a.probationary IN (0,1) AND a.dual_org_life IN (0,1) THEN a.member_id * 16 + a.probationary \
         + 2 * a.dual_org_life + (CASE a.attendance {} ELSE 12 END) ELSE -1 END AS TEXT)",
        values.join(" ")
    )
}

/// SQL: the attendance codes of the meeting `meetings` (see [`OrgMeetings`]), from
/// `meeting_attendance`: what `meetings.attendance_codes` holds.
pub fn attendance_codes_sql(kind: DbKind) -> String {
    let agg = match kind {
        DbKind::Sqlite => "group_concat",
        DbKind::Postgres => "string_agg",
    };
    format!(
        "COALESCE((SELECT {agg}({}, ' ' ORDER BY a.member_id) FROM meeting_attendance a \
         WHERE a.meeting_id = meetings.id), '')",
        attendance_code_sql()
    )
}

/// SQL: rewrites `meetings.attendance_codes` (the attendance the check reads) for the meetings a
/// `WHERE` appended to it selects. Every write of attendance runs it in its transaction; a
/// contract test and the demo test compare the two.
pub fn repack_attendance_sql(kind: DbKind) -> String {
    format!("UPDATE meetings SET attendance_codes = {}", attendance_codes_sql(kind))
}

impl OrgMeetings {
    pub fn meetings(&self) -> Result<Vec<MeetingFact<'_>>> {
        unpack::<7>(&self.packed, "meetings", self.org_id)?
            .into_iter()
            .map(|[id, kind, held_on, lecturer, flags, attendance, votes]| {
                // has_vote + 2 × by_principal, both 0 or 1.
                let flags = int(flags, "meetings")?;
                if !(0..=3).contains(&flags) {
                    return Err(StorageError::corrupt("meetings", format!("{}: flags {flags}", self.org_id)));
                }
                Ok(MeetingFact {
                    id: int(id, "meetings")?,
                    kind,
                    held_on,
                    lecturer_member_id: if lecturer.is_empty() { None } else { Some(int(lecturer, "meetings")?) },
                    has_vote: flags & 1,
                    by_principal: flags & 2 != 0,
                    attendance,
                    votes,
                })
            })
            .collect()
    }
}

impl MeetingFact<'_> {
    /// The votes recorded with their purpose (none for a meeting that did not vote).
    pub fn votes(&self) -> Result<Vec<VoteEntry<'_>>> {
        let t = "meeting_resolutions";
        self.votes
            .split(';')
            .filter(|e| !e.is_empty())
            .map(|e| {
                let mut f = e.split('/');
                let mut next = || f.next().ok_or_else(|| StorageError::corrupt(t, format!("meeting {}: {e}", self.id)));
                let purpose = next()?;
                let (expected, present, yes) = (next()?, next()?, next()?);
                Ok(VoteEntry {
                    purpose,
                    voters_expected: int(expected, t)?,
                    voters_present: int(present, t)?,
                    yes: int(yes, t)?,
                })
            })
            .collect()
    }

    pub fn attendees(&self) -> Result<Vec<AttendanceEntry>> {
        let corrupt =
            |e: &str| StorageError::corrupt("meeting_attendance", format!("meeting {}: attendee {e}", self.id));
        self.attendance
            .split(' ')
            .filter(|e| !e.is_empty())
            .map(|e| {
                let code: i64 = e.parse().map_err(|_| corrupt(e))?;
                let value = usize::try_from((code >> 2) & 3).ok().and_then(|i| ATTENDANCE_VALUES.get(i));
                match value {
                    Some(attendance) if code >= 0 => Ok(AttendanceEntry {
                        member_id: code >> 4,
                        probationary: code & 1 != 0,
                        dual_org_life: code & 2 != 0,
                        attendance,
                    }),
                    _ => Err(corrupt(e)),
                }
            })
            .collect()
    }
}

/// The meetings these orgs held between two dates (inclusive), with their attendance, one row
/// per org that held any. The attendance is the meeting's own `attendance_codes`, kept on write
/// ([`repack_attendance_sql`]): read through a subquery per meeting it was most of the check's
/// reading (0.46 s of the city's 81,158 meetings in sqlite3 against 0.12 s packed).
pub async fn meetings_of(db: &Db, org_ids: &[i64], from: &str, to: &str) -> Result<Vec<OrgMeetings>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let agg = string_agg(db);
    let mut b = SqlBuf::new(&format!(
        "SELECT mt.org_id, {agg}(mt.id || ':' || mt.kind || ':' || mt.held_on || ':' || \
         COALESCE(CAST(mt.lecturer_member_id AS TEXT), '') || ':' || (mt.has_vote + 2 * mt.by_principal) || ':' || \
         mt.attendance_codes || ':' || \
         (CASE WHEN mt.has_vote = 1 THEN COALESCE((SELECT {agg}(r.purpose || '/' || r.voters_expected || '/' || \
         r.voters_present || '/' || r.yes, ';') FROM meeting_resolutions r WHERE r.meeting_id = mt.id), '') ELSE '' END), \
         ',') AS packed FROM meetings mt WHERE "
    ));
    meetings_where(&mut b, org_ids, from, to);
    b.push(" GROUP BY mt.org_id ORDER BY mt.org_id");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A 党课 and who gave it (MTG-LESSON counts a secretary's lectures in any org).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct Lecture in "meetings" {
        pub id: i64,
        pub org_id: i64,
        pub lecturer_member_id: i64,
        pub held_on: NaiveDate,
    }
}

/// The lectures these members gave anywhere between two dates (inclusive), in chunks.
pub async fn lectures_by(db: &Db, member_ids: &[i64], from: &str, to: &str) -> Result<Vec<Lecture>> {
    let mut out = Vec::new();
    for chunk in member_ids.chunks(500) {
        let mut b = SqlBuf::new(
            "SELECT id, org_id, lecturer_member_id, held_on FROM meetings WHERE kind = 'party_lecture' \
             AND lecturer_member_id IN (",
        );
        let ph: Vec<String> = chunk.iter().map(|id| b.arg(*id)).collect();
        b.push(&ph.join(","));
        b.push_arg(") AND held_on >= ", from);
        b.push_arg(" AND held_on <= ", to);
        b.push(" AND voided_on IS NULL ORDER BY held_on, id");
        out.extend(db.fetch_buf::<Lecture>(&b).await?);
    }
    Ok(out)
}

/// `s` split at commas, each entry split at colons into exactly `N` fields.
fn unpack<'a, const N: usize>(s: &'a str, table: &'static str, key: i64) -> Result<Vec<[&'a str; N]>> {
    s.split(',')
        .filter(|e| !e.is_empty())
        .map(|e| {
            let mut fields = [""; N];
            let mut parts = e.split(':');
            for f in fields.iter_mut() {
                *f = parts.next().ok_or_else(|| StorageError::corrupt(table, format!("{key}: {e}")))?;
            }
            if parts.next().is_some() {
                return Err(StorageError::corrupt(table, format!("{key}: {e}")));
            }
            Ok(fields)
        })
        .collect()
}

fn int(s: &str, table: &'static str) -> Result<i64> {
    s.parse().map_err(|_| StorageError::corrupt(table, format!("not a number: {s}")))
}

/// One vote of one meeting, as recorded with its purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteEntry<'a> {
    pub purpose: &'a str,
    pub voters_expected: i64,
    pub voters_present: i64,
    pub yes: i64,
}

/// A month in which a member did not do the work the party assigned (CON-LAPSE), as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct WorkRefusal {
    pub branch_id: i64,
    pub member_id: i64,
    /// The month's first day, 'YYYY-MM-01'.
    pub month: String,
}

/// The recorded months without assigned work of these branches' members between two dates. The
/// table holds a few rows per branch at most: one statement, by the branch index.
pub async fn work_refusals_of(db: &Db, branch_ids: &[i64], from: &str, to: &str) -> Result<Vec<WorkRefusal>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("SELECT w.branch_id, w.member_id, w.month FROM member_work_refusals w WHERE ");
    push_in(&mut b, "w.branch_id", branch_ids);
    b.push_arg(" AND w.month >= ", from);
    b.push_arg(" AND w.month <= ", to);
    b.push(" ORDER BY w.branch_id, w.member_id, w.month");
    db.fetch_buf(&b).await
}
