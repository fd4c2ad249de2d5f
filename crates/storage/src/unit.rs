//! The units a committee oversees (COVER-PRIVATE): the registry, the orgs linked to each unit,
//! the party-building instructors serving it, its yearly inspections, and the coverage facts the
//! rule reads, within the viewer's scope (a unit belongs to its registering committee's path).

use chrono::NaiveDate;
use domain::family::coverage::UnitFact;
use domain::org::OrgPath;
use domain::scope::Scope;
use domain::unit::{Inspection, Ownership, Unit, UnitType};
use serde::Serialize;

use crate::{Db, Result, SqlBuf, Tx, now_ms, scope_filter};

crate::typed_row! {
    /// A unit with its committee's name.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct UnitRow in "units" {
        pub id: i64,
        pub committee_id: i64,
        pub org_path: String,
        pub committee_name: String,
        pub name: String,
        pub unit_type: UnitType,
        pub ownership: Ownership,
        pub supervisor: String,
        pub level: Option<i64>,
        pub credit_code: String,
        pub charter_on: Option<NaiveDate>,
        pub charter_doc: String,
        pub note: String,
    }
}

crate::typed_row! {
    /// An org linked to a unit, with how many units it serves (one: its own; more: joint).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct LinkRow in "org_units" {
        pub unit_id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub closed_on: Option<NaiveDate>,
        pub units: i64,
    }
}

crate::typed_row! {
    /// A party-building instructor's service to a unit.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct InstructorRow in "unit_instructors" {
        pub id: i64,
        pub unit_id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub branch_id: i64,
        pub branch_name: String,
        pub start_on: NaiveDate,
        pub end_on: Option<NaiveDate>,
    }
}

crate::typed_row! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct InspectionRow in "unit_inspections" {
        pub id: i64,
        pub unit_id: i64,
        pub year: i64,
        pub inspected_on: NaiveDate,
        pub party_building: bool,
        pub document: String,
    }
}

crate::typed_row! {
    /// What covers a unit on a day (before its members are counted).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CoverRow in "units" {
        pub id: i64,
        pub committee_id: i64,
        pub name: String,
        pub unit_type: UnitType,
        pub ownership: Ownership,
        pub own_orgs: i64,
        pub joint_orgs: i64,
        pub instructors: i64,
    }
}

fn unit_args(u: &Unit) -> Vec<crate::Arg> {
    vec![
        u.name.as_str().into(),
        u.unit_type.as_str().into(),
        u.ownership.as_str().into(),
        u.supervisor.as_str().into(),
        u.level.map(i64::from).into(),
        u.credit_code.as_str().into(),
        u.charter_on.into(),
        u.charter_doc.as_str().into(),
        u.note.as_str().into(),
    ]
}

pub async fn insert(tx: &mut Tx, committee_id: i64, committee_path: &str, u: &Unit, by: i64) -> Result<i64> {
    let mut args = unit_args(u);
    let now = now_ms();
    args.extend([committee_id.into(), committee_path.into(), by.into(), now.into(), now.into()]);
    tx.insert_returning_id(
        "INSERT INTO units (name, unit_type, ownership, supervisor, level, credit_code, charter_on, charter_doc, \
         note, committee_id, org_path, created_by, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id",
        &args,
    )
    .await
}

pub async fn update(tx: &mut Tx, id: i64, u: &Unit) -> Result<u64> {
    let mut args = unit_args(u);
    args.extend([now_ms().into(), id.into()]);
    tx.execute(
        "UPDATE units SET name = $1, unit_type = $2, ownership = $3, supervisor = $4, level = $5, credit_code = $6, \
         charter_on = $7, charter_doc = $8, note = $9, updated_at = $10 WHERE id = $11",
        &args,
    )
    .await
}

/// The id of the committee's unit named `name`, if any.
pub async fn by_name(tx: &mut Tx, committee_id: i64, name: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT id FROM units WHERE committee_id = $1 AND name = $2",
            &[committee_id.into(), name.into()],
        )
        .await?;
    Ok(row.map(|(id,)| id))
}

const SELECT: &str = "SELECT u.id, u.committee_id, u.org_path, c.name AS committee_name, u.name, u.unit_type, \
                      u.ownership, u.supervisor, u.level, u.credit_code, u.charter_on, u.charter_doc, u.note \
                      FROM units u JOIN orgs c ON c.id = u.committee_id WHERE ";

/// The units registered by the committees of a subtree, by committee and name, within the scope.
pub async fn of_subtree(db: &Db, scope: &Scope, lo: &str, hi: &str) -> Result<Vec<UnitRow>> {
    let mut b = SqlBuf::new(SELECT);
    b.push_arg("u.org_path >= ", lo.to_string());
    b.push_arg(" AND u.org_path < ", hi.to_string());
    scope_filter(&mut b, scope, "u.org_path", None);
    // Sorted here by name bytewise, the same on both backends (PostgreSQL sorting 300,000 names
    // by the locale's collation took a second).
    let mut rows: Vec<UnitRow> = db.fetch_buf(&b).await?;
    rows.sort_by(|a, b| (&a.org_path, &a.name, a.id).cmp(&(&b.org_path, &b.name, b.id)));
    Ok(rows)
}

/// The active orgs of the subtree at `path` a unit may be linked to (not groups), in tree order,
/// at most `limit`, within the scope.
pub async fn link_choices(db: &Db, scope: &Scope, path: &OrgPath, limit: i64) -> Result<Vec<(i64, String)>> {
    let (lo, hi) = path.subtree_bounds();
    let mut b = SqlBuf::new("SELECT o.id, o.name FROM orgs o WHERE o.status = 'active' AND o.kind <> 'group'");
    b.push_arg(" AND o.path >= ", lo);
    b.push_arg(" AND o.path < ", hi);
    scope_filter(&mut b, scope, "o.path", None);
    b.push_arg(" ORDER BY o.path LIMIT ", limit);
    db.fetch_buf(&b).await
}

/// One unit, if it is in the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Option<UnitRow>> {
    let mut b = SqlBuf::new(SELECT);
    b.push_arg("u.id = ", id);
    scope_filter(&mut b, scope, "u.org_path", None);
    Ok(db.fetch_buf(&b).await?.into_iter().next())
}

/// Links an org to a unit (nothing when it already is).
pub async fn link(tx: &mut Tx, org_id: i64, unit_id: i64) -> Result<bool> {
    let found: Option<(i64,)> = tx
        .fetch_optional("SELECT 1 FROM org_units WHERE org_id = $1 AND unit_id = $2", &[org_id.into(), unit_id.into()])
        .await?;
    if found.is_some() {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO org_units (org_id, unit_id, created_at) VALUES ($1, $2, $3)",
        &[org_id.into(), unit_id.into(), now_ms().into()],
    )
    .await?;
    Ok(true)
}

pub async fn unlink(tx: &mut Tx, org_id: i64, unit_id: i64) -> Result<u64> {
    tx.execute("DELETE FROM org_units WHERE org_id = $1 AND unit_id = $2", &[org_id.into(), unit_id.into()]).await
}

/// The orgs linked to `unit_ids`, each with the number of units it serves.
pub async fn links(db: &Db, unit_ids: &[i64]) -> Result<Vec<LinkRow>> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new(
        "SELECT ou.unit_id, o.id AS org_id, o.name AS org_name, o.path AS org_path, o.closed_on, \
         (SELECT COUNT(*) FROM org_units x WHERE x.org_id = o.id) AS units \
         FROM org_units ou JOIN orgs o ON o.id = ou.org_id WHERE ou.unit_id IN (",
    );
    b.push_ids(unit_ids).push(") ORDER BY ou.unit_id, o.path");
    db.fetch_buf(&b).await
}

pub async fn add_instructor(tx: &mut Tx, unit_id: i64, member_id: i64, start_on: NaiveDate) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO unit_instructors (unit_id, member_id, start_on, end_on, created_at) \
         VALUES ($1, $2, $3, NULL, $4) RETURNING id",
        &[unit_id.into(), member_id.into(), start_on.into(), now_ms().into()],
    )
    .await
}

pub async fn end_instructor(tx: &mut Tx, id: i64, end_on: NaiveDate) -> Result<u64> {
    tx.execute("UPDATE unit_instructors SET end_on = $1 WHERE id = $2 AND end_on IS NULL", &[end_on.into(), id.into()])
        .await
}

/// The instructors of `unit_ids`, newest first.
pub async fn instructors(db: &Db, unit_ids: &[i64]) -> Result<Vec<InstructorRow>> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new(
        "SELECT i.id, i.unit_id, i.member_id, m.name AS member_name, m.branch_id, \
         o.name AS branch_name, i.start_on, i.end_on \
         FROM unit_instructors i JOIN members m ON m.id = i.member_id JOIN orgs o ON o.id = m.branch_id WHERE i.unit_id IN (",
    );
    b.push_ids(unit_ids).push(") ORDER BY i.unit_id, i.start_on DESC, i.id DESC");
    db.fetch_buf(&b).await
}

pub async fn add_inspection(tx: &mut Tx, unit_id: i64, i: &Inspection) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO unit_inspections (unit_id, year, inspected_on, party_building, document, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &[
            unit_id.into(),
            i64::from(i.year).into(),
            i.inspected_on.into(),
            i64::from(i.party_building).into(),
            i.document.as_str().into(),
            now_ms().into(),
        ],
    )
    .await
}

/// The inspections of `unit_ids`, latest year first.
pub async fn inspections(db: &Db, unit_ids: &[i64]) -> Result<Vec<InspectionRow>> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new(
        "SELECT id, unit_id, year, inspected_on, party_building, document FROM unit_inspections WHERE unit_id IN (",
    );
    b.push_ids(unit_ids).push(") ORDER BY unit_id, year DESC, id DESC");
    db.fetch_buf(&b).await
}

/// What covers each unit registered by `committees` on `on`: its orgs that exist that day (its
/// own when linked to it alone, joint when linked to several), the instructors serving that day,
/// and its full members on that day (members whose 工作单位 is the unit's name, in the
/// committee's subtree).
/// Two statements whatever the number of units.
pub async fn coverage_facts(db: &Db, committees: &[i64], on: NaiveDate) -> Result<Vec<(i64, UnitFact)>> {
    if committees.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("");
    let day = b.arg(on);
    debug_assert_eq!(day, "$1");
    if db.kind() == crate::DbKind::Sqlite {
        // SQLite answers subqueries per unit from the indexes faster than the aggregates below
        // (measured with 300,000 units, docs/benchmarks.md).
        let org_on = "o.id = ou.org_id AND (o.established_on IS NULL OR o.established_on <= $1) \
                      AND (o.closed_on IS NULL OR o.closed_on > $1)";
        b.push(&format!(
            "SELECT u.id, u.committee_id, u.name, u.unit_type, u.ownership, \
             (SELECT COUNT(*) FROM org_units ou JOIN orgs o ON {org_on} WHERE ou.unit_id = u.id \
                AND (SELECT COUNT(*) FROM org_units x WHERE x.org_id = ou.org_id) = 1) AS own_orgs, \
             (SELECT COUNT(*) FROM org_units ou JOIN orgs o ON {org_on} WHERE ou.unit_id = u.id \
                AND (SELECT COUNT(*) FROM org_units x WHERE x.org_id = ou.org_id) > 1) AS joint_orgs, \
             (SELECT COUNT(*) FROM unit_instructors i WHERE i.unit_id = u.id AND i.start_on <= $1 \
                AND (i.end_on IS NULL OR i.end_on >= $1)) AS instructors \
             FROM units u WHERE u.committee_id IN ("
        ));
        b.push_ids(committees).push(") ORDER BY u.id");
    } else {
        // PostgreSQL is faster joining aggregates once (1.5 s against 2.5 s for subqueries per
        // unit, with 300,000 units). `links` counts every link of the orgs linked to these units (an org linked to
        // several units is a joint branch); `live` keeps the orgs that exist on the day.
        b.push("WITH these AS (SELECT id FROM units WHERE committee_id IN (");
        b.push_ids(committees).push(")), ");
        b.push(
            "links AS (SELECT org_id, COUNT(*) AS n FROM org_units WHERE org_id IN \
                (SELECT org_id FROM org_units WHERE unit_id IN (SELECT id FROM these)) GROUP BY org_id), \
             live AS (SELECT ou.unit_id, \
                CAST(SUM(CASE WHEN l.n = 1 THEN 1 ELSE 0 END) AS BIGINT) AS own_orgs, \
                CAST(SUM(CASE WHEN l.n > 1 THEN 1 ELSE 0 END) AS BIGINT) AS joint_orgs \
                FROM org_units ou JOIN links l ON l.org_id = ou.org_id JOIN orgs o ON o.id = ou.org_id \
                WHERE ou.unit_id IN (SELECT id FROM these) \
                AND (o.established_on IS NULL OR o.established_on <= $1) AND (o.closed_on IS NULL OR o.closed_on > $1) \
                GROUP BY ou.unit_id), \
             serving AS (SELECT i.unit_id, COUNT(*) AS n FROM unit_instructors i \
                WHERE i.unit_id IN (SELECT id FROM these) AND i.start_on <= $1 AND (i.end_on IS NULL OR i.end_on >= $1) \
                GROUP BY i.unit_id) \
             SELECT u.id, u.committee_id, u.name, u.unit_type, u.ownership, \
             COALESCE(live.own_orgs, 0) AS own_orgs, COALESCE(live.joint_orgs, 0) AS joint_orgs, \
             CAST(COALESCE(serving.n, 0) AS BIGINT) AS instructors \
             FROM these t JOIN units u ON u.id = t.id LEFT JOIN live ON live.unit_id = u.id \
             LEFT JOIN serving ON serving.unit_id = u.id ORDER BY u.id",
        );
    }
    let rows: Vec<CoverRow> = db.fetch_buf(&b).await?;
    // A member counts when full on the day (their status then, not today's).
    let mut b = SqlBuf::new("");
    let day = b.arg(on);
    let status = crate::member::status_on_sql(&day);
    b.push(&format!(
        "SELECT u.id, COUNT(m.id) FROM units u JOIN members m ON m.unit_name = u.name AND {status} = 'full' \
         AND m.branch_path >= u.org_path AND m.branch_path < substr(u.org_path, 1, length(u.org_path) - 1) || '0' \
         WHERE u.committee_id IN ("
    ));
    b.push_ids(committees).push(") GROUP BY u.id");
    let counts: std::collections::HashMap<i64, i64> = db.fetch_buf::<(i64, i64)>(&b).await?.into_iter().collect();
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(rows
        .into_iter()
        .map(|r| {
            let fact = UnitFact {
                id: r.id,
                full_members: n(counts.get(&r.id).copied().unwrap_or(0)),
                name: r.name,
                unit_type: Some(r.unit_type),
                ownership: Some(r.ownership),
                own_orgs: n(r.own_orgs),
                joint_orgs: n(r.joint_orgs),
                instructors: n(r.instructors),
            };
            (r.committee_id, fact)
        })
        .collect())
}
