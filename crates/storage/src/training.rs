//! Training classes (培训班), their enrolments, class hours on 党课 and study-session records, and
//! yearly totals imported from outside platforms: what a member's class hours of a year add up
//! from (EDU-TRAIN-HOURS, EDU-SEC-HOURS).
//!
//! Hours are integer tenths in every table and every sum ([`domain::family::study::Hours`]).

use chrono::NaiveDate;
use domain::family::study::{Hours, TrainingClass, TrainingKind};
use domain::scope::Scope;
use serde::Serialize;

use crate::{Db, Result, SqlBuf, Tx, now_ms, scope_filter};

crate::typed_row! {
    /// A training class with how many enrolled and completed it.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct ClassRow in "training_classes" {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub kind: TrainingKind,
        pub title: String,
        pub organiser: String,
        pub starts_on: NaiveDate,
        pub ends_on: NaiveDate,
        pub hours: Hours,
        pub concentrated: bool,
        pub place: String,
        pub enrolled: i64,
        pub completed: i64,
    }
}

crate::typed_row! {
    /// A member enrolled in a class.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct EnrolmentRow in "training_enrolments" {
        pub member_id: i64,
        pub name: String,
        pub branch_id: i64,
        pub branch_name: String,
        pub completed: bool,
    }
}

/// Records a class of the org at `org_path` with its enrolments: (member, completed).
pub async fn insert_class(
    tx: &mut Tx,
    org_id: i64,
    org_path: &str,
    c: &TrainingClass,
    enrolled: &[(i64, bool)],
    by: i64,
) -> Result<i64> {
    let now = now_ms();
    let id = tx
        .insert_returning_id(
            "INSERT INTO training_classes (org_id, org_path, kind, title, organiser, starts_on, ends_on, hours, \
             concentrated, place, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12) \
             RETURNING id",
            &[
                org_id.into(),
                org_path.into(),
                c.kind.as_str().into(),
                c.title.as_str().into(),
                c.organiser.as_str().into(),
                c.starts_on.into(),
                c.ends_on.into(),
                c.hours.into(),
                i64::from(c.concentrated).into(),
                c.place.as_str().into(),
                by.into(),
                now.into(),
            ],
        )
        .await?;
    set_enrolments(tx, id, enrolled).await?;
    Ok(id)
}

/// Replaces a class's enrolments: (member, completed); the hours of those enrolled before and
/// after are refreshed.
pub async fn set_enrolments(tx: &mut Tx, class_id: i64, enrolled: &[(i64, bool)]) -> Result<()> {
    let before: Vec<(i64,)> =
        tx.fetch_all("SELECT member_id FROM training_enrolments WHERE class_id = $1", &[class_id.into()]).await?;
    let ends: Option<(String,)> =
        tx.fetch_optional("SELECT ends_on FROM training_classes WHERE id = $1", &[class_id.into()]).await?;
    tx.execute("DELETE FROM training_enrolments WHERE class_id = $1", &[class_id.into()]).await?;
    for (member_id, completed) in enrolled {
        tx.execute(
            "INSERT INTO training_enrolments (class_id, member_id, completed) VALUES ($1,$2,$3)",
            &[class_id.into(), (*member_id).into(), i64::from(*completed).into()],
        )
        .await?;
    }
    tx.execute("UPDATE training_classes SET updated_at = $1 WHERE id = $2", &[now_ms().into(), class_id.into()])
        .await?;
    if let Some((ends_on,)) = ends {
        let year = year_of(&ends_on, "training_classes.ends_on")?;
        let mut people: Vec<i64> = before.into_iter().map(|(m,)| m).chain(enrolled.iter().map(|(m, _)| *m)).collect();
        people.sort_unstable();
        people.dedup();
        refresh(tx, &people, year).await?;
    }
    Ok(())
}

/// The year of a stored ISO date; anything else is corrupt data in `what`.
fn year_of(day: &str, what: &'static str) -> Result<i32> {
    domain::dates::parse_iso(day)
        .map(|d| chrono::Datelike::year(&d))
        .ok_or_else(|| crate::StorageError::corrupt(what, format!("not a date: {day}")))
}

/// The meeting's year and the people on its attendance list, when it gives class hours.
async fn meeting_people(tx: &mut Tx, meeting_id: i64) -> Result<Option<(i32, Vec<i64>)>> {
    let m: Option<(Option<i64>, String)> =
        tx.fetch_optional("SELECT class_hours, held_on FROM meetings WHERE id = $1", &[meeting_id.into()]).await?;
    let Some((Some(_), held_on)) = m else { return Ok(None) };
    let people: Vec<(i64,)> =
        tx.fetch_all("SELECT member_id FROM meeting_attendance WHERE meeting_id = $1", &[meeting_id.into()]).await?;
    Ok(Some((year_of(&held_on, "meetings.held_on")?, people.into_iter().map(|(m,)| m).collect())))
}

/// What a meeting's change must refresh: read before the change, refreshed after it
/// ([`MeetingHours::refresh`]).
pub struct MeetingHours {
    id: i64,
    before: Option<(i32, Vec<i64>)>,
}

impl MeetingHours {
    /// A meeting just written: only its hours now.
    pub fn new(meeting_id: i64) -> MeetingHours {
        MeetingHours { id: meeting_id, before: None }
    }

    /// Reads the meeting's hours and people as they stand (nothing for a new meeting).
    pub async fn before(tx: &mut Tx, meeting_id: i64) -> Result<MeetingHours> {
        Ok(MeetingHours { id: meeting_id, before: meeting_people(tx, meeting_id).await? })
    }

    /// Refreshes the hours of the people the meeting listed before and lists now.
    pub async fn refresh(self, tx: &mut Tx) -> Result<()> {
        if let Some((year, people)) = self.before {
            refresh(tx, &people, year).await?;
        }
        if let Some((year, people)) = meeting_people(tx, self.id).await? {
            refresh(tx, &people, year).await?;
        }
        Ok(())
    }
}

const CLASS_COLUMNS: &str = "c.id, c.org_id, c.org_path, o.name AS org_name, c.kind, c.title, c.organiser, \
     c.starts_on, c.ends_on, c.hours, c.concentrated, c.place, \
     (SELECT COUNT(*) FROM training_enrolments e WHERE e.class_id = c.id) AS enrolled, \
     (SELECT COUNT(*) FROM training_enrolments e WHERE e.class_id = c.id AND e.completed = 1) AS completed \
     FROM training_classes c JOIN orgs o ON o.id = c.org_id";

/// One class, if the scope sees the org that recorded it.
pub async fn get_class(db: &Db, scope: &Scope, id: i64) -> Result<Option<ClassRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {CLASS_COLUMNS} WHERE "));
    b.push_arg("c.id = ", id);
    scope_filter(&mut b, scope, "c.org_path", None);
    Ok(db.fetch_buf(&b).await?.into_iter().next())
}

/// The classes recorded by the orgs with `lo <= path < hi` or by the orgs above them (whose
/// classes their members attend), that end between `from` and `to`, newest first.
pub async fn classes_of(db: &Db, lo: &str, hi: &str, above: &[String], from: &str, to: &str) -> Result<Vec<ClassRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {CLASS_COLUMNS} WHERE (("));
    b.push_arg("c.org_path >= ", lo);
    b.push_arg(" AND c.org_path < ", hi);
    b.push(")");
    for path in above {
        b.push_arg(" OR c.org_path = ", path.as_str());
    }
    b.push(")");
    b.push_arg(" AND c.ends_on >= ", from);
    b.push_arg(" AND c.ends_on <= ", to);
    b.push(" ORDER BY c.ends_on DESC, c.id DESC");
    db.fetch_buf(&b).await
}

/// The people enrolled in a class, by branch and name.
pub async fn enrolments_of(db: &Db, class_id: i64) -> Result<Vec<EnrolmentRow>> {
    db.fetch_all(
        "SELECT e.member_id, m.name, m.branch_id, o.name AS branch_name, e.completed FROM training_enrolments e \
         JOIN members m ON m.id = e.member_id JOIN orgs o ON o.id = m.branch_id WHERE e.class_id = $1 \
         ORDER BY m.branch_path, m.name_key, m.id",
        &[class_id.into()],
    )
    .await
}

crate::typed_row! {
    /// One person's class hours of a year by where they came from, with the org they are
    /// counted in (their branch, or the org whose post they hold).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct HoursRow in "training_enrolments" {
        pub org_id: i64,
        pub member_id: i64,
        pub name: String,
        pub classes: Hours,
        pub concentrated: i64,
        pub meetings: Hours,
        pub imported: Hours,
    }
}

/// The dates and year of a year's hours, as SQL placeholders.
struct YearArgs {
    from: String,
    to: String,
    year: String,
}

impl YearArgs {
    fn of(b: &mut SqlBuf, year: i32) -> YearArgs {
        YearArgs {
            from: b.arg(format!("{year:04}-01-01")),
            to: b.arg(format!("{year:04}-12-31")),
            year: b.arg(i64::from(year)),
        }
    }
}

/// The hours columns of [`HoursRow`], read from `training_hours` joined as `t` by [`hours_join`]
/// (zero when the member has no row that year).
const HOURS_COLUMNS: &str = "COALESCE(t.classes, 0) AS classes, COALESCE(t.concentrated, 0) AS concentrated, \
     COALESCE(t.meetings, 0) AS meetings, COALESCE(t.imported, 0) AS imported";

/// The join of `training_hours` as `t` for the member whose id is `member`: one indexed row.
fn hours_join(member: &str, y: &YearArgs) -> String {
    format!("LEFT JOIN training_hours t ON t.member_id = {member} AND t.year = {}", y.year)
}

/// The full and probationary members of `branch_ids` on `on` (their membership span covers the
/// day) with their hours of `year`, by branch and member.
pub async fn branch_hours(db: &Db, branch_ids: &[i64], on: &str, year: i32) -> Result<Vec<HoursRow>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("");
    let on = b.arg(on);
    let y = YearArgs::of(&mut b, year);
    let status = crate::member::status_on_sql(&on);
    let covers = crate::member::span_covers_sql(&on);
    b.push(&format!(
        "SELECT x.org_id, x.member_id, x.name, {HOURS_COLUMNS} FROM (SELECT s.org_id, m.id AS member_id, m.name, \
         {status} AS status FROM member_org_spans s JOIN members m ON m.id = s.member_id WHERE s.kind = 'branch' \
         AND {covers} AND "
    ));
    crate::check::push_in(&mut b, "s.org_id", branch_ids);
    b.push(&format!(
        ") x {} WHERE x.status IN ('probationary','full') ORDER BY x.org_id, x.member_id",
        hours_join("x.member_id", &y)
    ));
    db.fetch_buf(&b).await
}

/// The people holding a post (secretary, deputy, committee member) in `org_ids` on `on`, with
/// their hours of `year`, by org and member (one row per person per org).
pub async fn post_holder_hours(db: &Db, org_ids: &[i64], on: &str, year: i32) -> Result<Vec<HoursRow>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("");
    let on = b.arg(on);
    let y = YearArgs::of(&mut b, year);
    b.push(&format!(
        "SELECT x.org_id, x.member_id, m.name, {HOURS_COLUMNS} FROM (SELECT DISTINCT p.org_id, p.member_id FROM org_posts p \
         WHERE p.start_on <= {on} AND (p.end_on IS NULL OR p.end_on >= {on}) AND "
    ));
    crate::check::push_in(&mut b, "p.org_id", org_ids);
    b.push(&format!(
        ") x JOIN members m ON m.id = x.member_id {} ORDER BY x.org_id, x.member_id",
        hours_join("x.member_id", &y)
    ));
    db.fetch_buf(&b).await
}

/// The hours of `year` of these members (their current branch as the org), by member.
pub async fn members_hours(db: &Db, member_ids: &[i64], year: i32) -> Result<Vec<HoursRow>> {
    if member_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("");
    let y = YearArgs::of(&mut b, year);
    b.push(&format!(
        "SELECT m.branch_id AS org_id, m.id AS member_id, m.name, {HOURS_COLUMNS} FROM members m {} WHERE ",
        hours_join("m.id", &y)
    ));
    crate::check::push_in(&mut b, "m.id", member_ids);
    b.push(" ORDER BY m.id");
    db.fetch_buf(&b).await
}

/// One member's hours of `year` (their current branch as the org), if the scope sees them.
pub async fn member_hours(db: &Db, scope: &Scope, member_id: i64, year: i32) -> Result<Option<HoursRow>> {
    let mut b = SqlBuf::new("");
    let y = YearArgs::of(&mut b, year);
    b.push(&format!(
        "SELECT m.branch_id AS org_id, m.id AS member_id, m.name, {HOURS_COLUMNS} FROM members m {} WHERE ",
        hours_join("m.id", &y)
    ));
    b.push_arg("m.id = ", member_id);
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    Ok(db.fetch_buf(&b).await?.into_iter().next())
}

/// The current full and probationary members of the branches with `lo <= path < hi`, with
/// their hours of `year`, by branch path and name: `limit` of them after skipping `offset`.
pub async fn subtree_hours(db: &Db, lo: &str, hi: &str, year: i32, limit: i64, offset: i64) -> Result<Vec<HoursRow>> {
    let mut b = SqlBuf::new("");
    let y = YearArgs::of(&mut b, year);
    b.push(&format!(
        "SELECT m.branch_id AS org_id, m.id AS member_id, m.name, {HOURS_COLUMNS} FROM (SELECT m.id, m.branch_id, m.name, \
         m.branch_path, m.name_key FROM members m WHERE m.status IN ('probationary','full') AND "
    ));
    b.push_arg("m.branch_path >= ", lo);
    b.push_arg(" AND m.branch_path < ", hi);
    b.push(" ORDER BY m.branch_path, m.name_key, m.id");
    b.push_arg(" LIMIT ", limit);
    b.push_arg(" OFFSET ", offset);
    b.push(&format!(") m {} ORDER BY m.branch_path, m.name_key, m.id", hours_join("m.id", &y)));
    db.fetch_buf(&b).await
}

/// The members of a subtree and how many reached a number of hours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct HoursSummary {
    pub members: i64,
    pub reached: i64,
    /// Their hours together, in tenths.
    pub hours: i64,
}

/// The current full and probationary members of the branches with `lo <= path < hi`, how many
/// of them reached `target` class hours in `year`, and their hours together: one pass over the
/// members joined with `training_hours`.
pub async fn subtree_summary(db: &Db, lo: &str, hi: &str, year: i32, target: Hours) -> Result<HoursSummary> {
    let mut b = SqlBuf::new("");
    let year = b.arg(i64::from(year));
    let target = b.arg(i64::from(target.tenths()));
    b.push(&format!(
        "SELECT COUNT(*) AS members, CAST(COALESCE(SUM(CASE WHEN t >= {target} THEN 1 ELSE 0 END), 0) AS BIGINT) AS reached, \
         CAST(COALESCE(SUM(t), 0) AS BIGINT) AS hours FROM (SELECT COALESCE(h.classes + h.meetings + h.imported, 0) AS t \
         FROM members m LEFT JOIN training_hours h ON h.member_id = m.id AND h.year = {year} \
         WHERE m.status IN ('probationary','full') AND "
    ));
    b.push_arg("m.branch_path >= ", lo);
    b.push_arg(" AND m.branch_path < ", hi);
    b.push(") x");
    Ok(db.fetch_buf(&b).await?.into_iter().next().unwrap_or_default())
}

/// Rewrites `training_hours` of `members` for `year` from the sources. Every write of a source
/// (a class and its enrolments, a meeting with class hours and its attendance, an imported
/// total) calls it in its transaction for the people and year it touched.
pub async fn refresh(tx: &mut Tx, members: &[i64], year: i32) -> Result<()> {
    for chunk in members.chunks(500) {
        // Ids are integers: written into the statement, they let each source use its member index.
        let ids: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let ids = ids.join(",");
        let mut b = SqlBuf::new("");
        let y = YearArgs::of(&mut b, year);
        tx.execute(&format!("DELETE FROM training_hours WHERE year = {} AND member_id IN ({ids})", y.year), &b.args)
            .await?;
        let text = format!(
            "INSERT INTO training_hours (member_id, year, classes, concentrated, meetings, imported) \
             SELECT m.id, {year}, COALESCE(c.h, 0), COALESCE(c.n, 0), COALESCE(g.h, 0), COALESCE(i.h, 0) FROM members m \
             {sources} WHERE m.id IN ({ids})",
            year = y.year,
            sources = grouped_sources(&y, Some(&ids))
        );
        tx.execute(&text, &b.args).await?;
    }
    Ok(())
}

/// Each source of `year` grouped once by member, joined to `members m` as `c` (classes: `h`
/// hours, `n` concentrated), `g` (meetings) and `i` (imported); with `only`, a list of member
/// ids ("1,2,3"), each source is read for those members alone, by its member index.
fn grouped_sources(y: &YearArgs, only: Option<&str>) -> String {
    let YearArgs { from, to, year } = y;
    let of = |col: &str| only.map(|ids| format!(" AND {col} IN ({ids})")).unwrap_or_default();
    format!(
        "LEFT JOIN (SELECT e.member_id, SUM(c.hours) AS h, SUM(c.concentrated) AS n FROM training_classes c \
         JOIN training_enrolments e ON e.class_id = c.id WHERE e.completed = 1 AND c.ends_on >= {from} \
         AND c.ends_on <= {to}{} GROUP BY e.member_id) c ON c.member_id = m.id \
         LEFT JOIN (SELECT a.member_id, SUM(mt.class_hours) AS h FROM meetings mt JOIN meeting_attendance a \
         ON a.meeting_id = mt.id WHERE mt.class_hours IS NOT NULL AND mt.voided_on IS NULL \
         AND mt.held_on >= {from} AND mt.held_on <= {to} AND a.attendance = 'present'{} GROUP BY a.member_id) g \
         ON g.member_id = m.id \
         LEFT JOIN (SELECT h.member_id, SUM(h.hours) AS h FROM training_hours_imported h WHERE h.year = {year}{} \
         GROUP BY h.member_id) i ON i.member_id = m.id",
        of("e.member_id"),
        of("a.member_id"),
        of("h.member_id")
    )
}

/// Rewrites `training_hours` of every member of the branches with `lo <= path < hi` for `year`,
/// each source grouped once by member (the demos, after their bulk records).
pub async fn rebuild(tx: &mut Tx, lo: &str, hi: &str, year: i32) -> Result<u64> {
    let mut b = SqlBuf::new("");
    let y = YearArgs::of(&mut b, year);
    let (lo, hi) = (b.arg(lo), b.arg(hi));
    let in_tree = format!("m.branch_path >= {lo} AND m.branch_path < {hi}");
    b.push(&format!(
        "DELETE FROM training_hours WHERE year = {} AND member_id IN (SELECT m.id FROM members m WHERE {in_tree})",
        y.year
    ));
    tx.execute(&b.text, &b.args).await?;
    let text = format!(
        "INSERT INTO training_hours (member_id, year, classes, concentrated, meetings, imported) \
         SELECT m.id, {year}, COALESCE(c.h, 0), COALESCE(c.n, 0), COALESCE(g.h, 0), COALESCE(i.h, 0) FROM members m \
         {sources} WHERE {in_tree} AND (c.h IS NOT NULL OR g.h IS NOT NULL OR i.h IS NOT NULL)",
        year = y.year,
        sources = grouped_sources(&y, None)
    );
    tx.execute(&text, &b.args).await
}

/// The members and years whose `training_hours` row differs from their sources, or who have
/// hours and no row: none unless something wrote the sources around storage. Set-based, like
/// [`rebuild`] (a lookup per member took PostgreSQL minutes on a city).
pub async fn stale_hours(db: &Db, years: &[i32]) -> Result<i64> {
    let mut n = 0;
    for year in years {
        let mut b = SqlBuf::new("");
        let y = YearArgs::of(&mut b, *year);
        b.push(&format!(
            "SELECT COUNT(*) AS n FROM members m LEFT JOIN training_hours t ON t.member_id = m.id AND t.year = {year} \
             {sources} WHERE COALESCE(t.classes, 0) <> COALESCE(c.h, 0) OR COALESCE(t.concentrated, 0) <> COALESCE(c.n, 0) \
             OR COALESCE(t.meetings, 0) <> COALESCE(g.h, 0) OR COALESCE(t.imported, 0) <> COALESCE(i.h, 0)",
            year = y.year,
            sources = grouped_sources(&y, None)
        ));
        let rows: Vec<(i64,)> = db.fetch_buf(&b).await?;
        n += rows.first().map_or(0, |(k,)| *k);
    }
    Ok(n)
}

crate::typed_row! {
    /// One source of a member's hours, for the member's hours page.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct HoursSource in "training_classes" {
        /// "class", "meeting" or "imported".
        pub source: String,
        /// The class or meeting id (0 for an imported total).
        pub id: i64,
        /// The last day of the class, the meeting's day, or 31 December for an import.
        pub on_date: NaiveDate,
        pub title: String,
        pub hours: Hours,
        pub concentrated: bool,
    }
}

/// Where one member's hours of `year` came from, by date.
pub async fn sources_of(db: &Db, member_id: i64, year: i32) -> Result<Vec<HoursSource>> {
    let (from, to) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    db.fetch_all(
        "SELECT 'class' AS source, c.id, c.ends_on AS on_date, c.title, c.hours, c.concentrated \
         FROM training_enrolments e JOIN training_classes c ON c.id = e.class_id WHERE e.member_id = $1 \
         AND e.completed = 1 AND c.ends_on >= $2 AND c.ends_on <= $3 \
         UNION ALL SELECT 'meeting' AS source, mt.id, mt.held_on AS on_date, mt.topic AS title, mt.class_hours AS hours, \
         0 AS concentrated FROM meeting_attendance a JOIN meetings mt ON mt.id = a.meeting_id WHERE a.member_id = $1 \
         AND a.attendance = 'present' AND mt.class_hours IS NOT NULL AND mt.voided_on IS NULL AND mt.held_on >= $2 \
         AND mt.held_on <= $3 \
         UNION ALL SELECT 'imported' AS source, 0 AS id, $3 AS on_date, h.source AS title, h.hours, 0 AS concentrated \
         FROM training_hours_imported h WHERE h.member_id = $1 AND h.year = $4 \
         ORDER BY on_date, source, id",
        &[member_id.into(), from.into(), to.into(), i64::from(year).into()],
    )
    .await
}

/// Writes imported totals: one per member, year and source, replacing an earlier import of the
/// same source and year.
pub async fn import_totals(tx: &mut Tx, rows: &[(i64, i32, String, Hours)], by: i64) -> Result<()> {
    let now = now_ms();
    for (member_id, year, source, hours) in rows {
        tx.execute(
            "DELETE FROM training_hours_imported WHERE member_id = $1 AND year = $2 AND source = $3",
            &[(*member_id).into(), i64::from(*year).into(), source.as_str().into()],
        )
        .await?;
        tx.execute(
            "INSERT INTO training_hours_imported (member_id, year, source, hours, imported_by, imported_at) \
             VALUES ($1,$2,$3,$4,$5,$6)",
            &[
                (*member_id).into(),
                i64::from(*year).into(),
                source.as_str().into(),
                (*hours).into(),
                by.into(),
                now.into(),
            ],
        )
        .await?;
    }
    let mut years: Vec<i32> = rows.iter().map(|r| r.1).collect();
    years.sort_unstable();
    years.dedup();
    for year in years {
        let people: Vec<i64> = rows.iter().filter(|r| r.1 == year).map(|r| r.0).collect();
        refresh(tx, &people, year).await?;
    }
    Ok(())
}

crate::typed_row! {
    /// A current member found by name or ID number, to enrol or to match an import's row.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct NamedMember in "members" {
        pub id: i64,
        pub name: String,
        pub id_number: String,
    }
}

/// The current full and probationary members of the branches with `lo <= path < hi` whose name
/// or ID number is one of `keys`.
pub async fn members_named(db: &Db, lo: &str, hi: &str, keys: &[String]) -> Result<Vec<NamedMember>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("SELECT m.id, m.name, m.id_number FROM members m WHERE ");
    b.push_arg("m.branch_path >= ", lo);
    b.push_arg(" AND m.branch_path < ", hi);
    b.push(" AND m.status IN ('probationary','full') AND (");
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            b.push(" OR ");
        }
        b.push_arg("m.name = ", k.as_str());
        b.push_arg(" OR m.id_number = ", k.as_str());
    }
    b.push(") ORDER BY m.id");
    db.fetch_buf(&b).await
}
