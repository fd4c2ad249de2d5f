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

/// Replaces a class's enrolments: (member, completed).
pub async fn set_enrolments(tx: &mut Tx, class_id: i64, enrolled: &[(i64, bool)]) -> Result<()> {
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
    Ok(())
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

/// The hours of the member whose id is `member`, as four SQL expressions: classes completed
/// that ended in the year, how many of them were concentrated trainings, meetings attended whose
/// record states class hours, and imported totals. Each is one indexed lookup by member.
fn hours_exprs(member: &str, y: &YearArgs) -> [String; 4] {
    let YearArgs { from, to, year } = y;
    let classes = |what: &str| {
        format!(
            "CAST(COALESCE((SELECT SUM({what}) FROM training_enrolments e JOIN training_classes c ON c.id = e.class_id \
             WHERE e.member_id = {member} AND e.completed = 1 AND c.ends_on >= {from} AND c.ends_on <= {to}), 0) AS BIGINT)"
        )
    };
    [
        classes("c.hours"),
        classes("c.concentrated"),
        format!(
            "CAST(COALESCE((SELECT SUM(mt.class_hours) FROM meeting_attendance a JOIN meetings mt ON mt.id = a.meeting_id \
             WHERE a.member_id = {member} AND a.attendance = 'present' AND mt.class_hours IS NOT NULL \
             AND mt.voided_on IS NULL AND mt.held_on >= {from} AND mt.held_on <= {to}), 0) AS BIGINT)"
        ),
        format!(
            "CAST(COALESCE((SELECT SUM(h.hours) FROM training_hours_imported h WHERE h.member_id = {member} \
             AND h.year = {year}), 0) AS BIGINT)"
        ),
    ]
}

/// [`hours_exprs`] as the columns of [`HoursRow`].
fn hours_columns(member: &str, y: &YearArgs) -> String {
    let [classes, concentrated, meetings, imported] = hours_exprs(member, y);
    format!("{classes} AS classes, {concentrated} AS concentrated, {meetings} AS meetings, {imported} AS imported")
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
        "SELECT x.org_id, x.member_id, x.name, {} FROM (SELECT s.org_id, m.id AS member_id, m.name, {status} AS status \
         FROM member_org_spans s JOIN members m ON m.id = s.member_id WHERE s.kind = 'branch' AND {covers} AND ",
        hours_columns("x.member_id", &y)
    ));
    crate::check::push_in(&mut b, "s.org_id", branch_ids);
    b.push(") x WHERE x.status IN ('probationary','full') ORDER BY x.org_id, x.member_id");
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
        "SELECT x.org_id, x.member_id, m.name, {} FROM (SELECT DISTINCT p.org_id, p.member_id FROM org_posts p WHERE \
         p.start_on <= {on} AND (p.end_on IS NULL OR p.end_on >= {on}) AND ",
        hours_columns("x.member_id", &y)
    ));
    crate::check::push_in(&mut b, "p.org_id", org_ids);
    b.push(") x JOIN members m ON m.id = x.member_id ORDER BY x.org_id, x.member_id");
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
        "SELECT m.branch_id AS org_id, m.id AS member_id, m.name, {} FROM members m WHERE ",
        hours_columns("m.id", &y)
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
        "SELECT m.branch_id AS org_id, m.id AS member_id, m.name, {} FROM members m WHERE ",
        hours_columns("m.id", &y)
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
        "SELECT m.branch_id AS org_id, m.id AS member_id, m.name, {} FROM (SELECT m.id, m.branch_id, m.name FROM members m \
         WHERE m.status IN ('probationary','full') AND ",
        hours_columns("m.id", &y)
    ));
    b.push_arg("m.branch_path >= ", lo);
    b.push_arg(" AND m.branch_path < ", hi);
    b.push(" ORDER BY m.branch_path, m.name_key, m.id");
    b.push_arg(" LIMIT ", limit);
    b.push_arg(" OFFSET ", offset);
    b.push(") m");
    db.fetch_buf(&b).await
}

/// How many current full and probationary members the branches with `lo <= path < hi` have.
pub async fn subtree_members(db: &Db, lo: &str, hi: &str) -> Result<i64> {
    let mut b = SqlBuf::new("SELECT COUNT(*) AS n FROM members m WHERE m.status IN ('probationary','full') AND ");
    b.push_arg("m.branch_path >= ", lo);
    b.push_arg(" AND m.branch_path < ", hi);
    let rows: Vec<(i64,)> = db.fetch_buf(&b).await?;
    Ok(rows.first().map_or(0, |(n,)| *n))
}

/// The members of a subtree and how many reached a number of hours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct HoursSummary {
    pub members: i64,
    pub reached: i64,
    /// Their hours together, in tenths.
    pub hours: i64,
}

/// How the roll-up reads the hours: member by member (each an indexed lookup, the fast way for
/// a branch or a county), or each source of the year grouped once by member and joined (the
/// fast way for a province, where most members of the database are counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollup {
    ByMember,
    BySource,
}

/// The current full and probationary members of the branches with `lo <= path < hi`, how many
/// of them reached `target` class hours in `year`, and their hours together.
pub async fn subtree_summary(
    db: &Db,
    lo: &str,
    hi: &str,
    year: i32,
    target: Hours,
    how: Rollup,
) -> Result<HoursSummary> {
    let mut b = SqlBuf::new("");
    let y = YearArgs::of(&mut b, year);
    let target = b.arg(i64::from(target.tenths()));
    let total = match how {
        Rollup::ByMember => {
            let [classes, _, meetings, imported] = hours_exprs("m.id", &y);
            format!("{classes} + {meetings} + {imported}")
        }
        Rollup::BySource => "COALESCE(c.h, 0) + COALESCE(g.h, 0) + COALESCE(i.h, 0)".to_string(),
    };
    let YearArgs { from, to, year } = &y;
    let joins = match how {
        Rollup::ByMember => String::new(),
        Rollup::BySource => format!(
            "LEFT JOIN (SELECT e.member_id, SUM(c.hours) AS h FROM training_classes c JOIN training_enrolments e \
             ON e.class_id = c.id WHERE e.completed = 1 AND c.ends_on >= {from} AND c.ends_on <= {to} \
             GROUP BY e.member_id) c ON c.member_id = m.id \
             LEFT JOIN (SELECT a.member_id, SUM(mt.class_hours) AS h FROM meetings mt JOIN meeting_attendance a \
             ON a.meeting_id = mt.id WHERE mt.class_hours IS NOT NULL AND mt.voided_on IS NULL \
             AND mt.held_on >= {from} AND mt.held_on <= {to} AND a.attendance = 'present' GROUP BY a.member_id) g \
             ON g.member_id = m.id \
             LEFT JOIN (SELECT h.member_id, SUM(h.hours) AS h FROM training_hours_imported h WHERE h.year = {year} \
             GROUP BY h.member_id) i ON i.member_id = m.id "
        ),
    };
    b.push(&format!(
        "SELECT COUNT(*) AS members, CAST(COALESCE(SUM(CASE WHEN t >= {target} THEN 1 ELSE 0 END), 0) AS BIGINT) AS reached, \
         CAST(COALESCE(SUM(t), 0) AS BIGINT) AS hours FROM (SELECT {total} AS t FROM members m {joins}WHERE \
         m.status IN ('probationary','full') AND "
    ));
    b.push_arg("m.branch_path >= ", lo);
    b.push_arg(" AND m.branch_path < ", hi);
    b.push(") x");
    Ok(db.fetch_buf(&b).await?.into_iter().next().unwrap_or_default())
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
    Ok(())
}

/// Sets the class hours a meeting gave those present (`None`: not counted).
pub async fn set_meeting_hours(tx: &mut Tx, meeting_id: i64, hours: Option<Hours>) -> Result<()> {
    tx.execute("UPDATE meetings SET class_hours = $1 WHERE id = $2", &[hours.into(), meeting_id.into()]).await?;
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
