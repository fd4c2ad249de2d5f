//! Demo units (COVER-PRIVATE), generated inside the database at every scale. Each school's branch
//! gets its unit, registered by the branch's parent and linked to the branch (its own org). Each
//! committee also oversees private units without an org of their own: a kindergarten served by a
//! party-building instructor (a member of the committee's first branch), two training
//! institutions taken into the first private school's branch (which makes it a joint branch, so
//! that school, with its members, should have an org of its own), and, for every other committee,
//! a private school nobody covers yet (a finding). Private units have their level, most their
//! charter, and last year's inspection.

use chrono::{Datelike, Days, NaiveDate};

use crate::bulk_life::lit;
use crate::{Arg, Result, Tx};

/// How many units, links, instructors and inspections were written.
#[derive(Debug, Default, Clone, Copy)]
pub struct UnitCounts {
    pub units: u64,
    pub links: u64,
    pub instructors: u64,
    pub inspections: u64,
}

/// SQL: the end of the subtree of the path expression `path` (paths end with '/', and '0' is the
/// character after it).
fn subtree_hi(path: &str) -> String {
    format!("substr({path}, 1, length({path}) - 1) || '0'")
}

/// Generates the units of the subtree `[lo, hi)`.
pub async fn generate(tx: &mut Tx, lo: &str, hi: &str, as_of: NaiveDate, now: i64) -> Result<UnitCounts> {
    let day = |days: u64| lit(&as_of.checked_sub_days(Days::new(days)).unwrap_or(as_of).to_string());
    let range = || vec![Arg::Str(lo.to_string()), Arg::Str(hi.to_string())];
    let mut n = UnitCounts::default();
    // The schools' own units, one per parent and unit name (several branches of one school share
    // it), linked to their branches.
    let sql = format!(
        "INSERT INTO units (committee_id, org_path, name, unit_type, ownership, supervisor, level, credit_code, \
         charter_on, charter_doc, note, created_by, created_at, updated_at) \
         SELECT p.id, p.path, o.unit_name, 'school', \
         CASE WHEN o.unit_kind = 'private_school' THEN 'private' ELSE 'public' END, '县教育局', \
         CASE WHEN o.unit_kind = 'private_school' THEN 1 + MIN(o.id) % 3 END, '', \
         CASE WHEN o.unit_kind = 'private_school' AND MIN(o.id) % 4 <> 0 THEN {charter} END, \
         CASE WHEN o.unit_kind = 'private_school' AND MIN(o.id) % 4 <> 0 THEN o.unit_name || '章程（党建工作写入总则）' ELSE '' END, \
         '', NULL, {now}, {now} \
         FROM orgs o JOIN orgs p ON p.id = o.parent_id \
         WHERE o.status = 'active' AND o.kind = 'branch' AND o.unit_kind IN ('public_school','private_school') \
         AND o.unit_name <> '' AND o.path >= $1 AND o.path < $2 AND p.kind <> 'group' \
         GROUP BY p.id, p.path, o.unit_name, o.unit_kind ORDER BY MIN(o.id)",
        charter = day(900),
    );
    n.units += tx.execute(&sql, &range()).await?;
    let sql = format!(
        "INSERT INTO org_units (org_id, unit_id, created_at) \
         SELECT o.id, u.id, {now} FROM orgs o JOIN units u ON u.committee_id = o.parent_id AND u.name = o.unit_name \
         WHERE o.status = 'active' AND o.kind = 'branch' AND o.unit_kind IN ('public_school','private_school') \
         AND o.path >= $1 AND o.path < $2 ORDER BY o.id, u.id"
    );
    n.links += tx.execute(&sql, &range()).await?;
    // The committees' private units without an org of their own.
    for (name, unit_type, every_other) in [
        ("民办启明幼儿园", "kindergarten", false),
        ("民办阳光培训学校", "training_institution", false),
        ("民办育才艺术培训中心", "training_institution", false),
        ("民办新星实验学校", "school", true),
    ] {
        let sql = format!(
            "INSERT INTO units (committee_id, org_path, name, unit_type, ownership, supervisor, level, credit_code, \
             charter_on, charter_doc, note, created_by, created_at, updated_at) \
             SELECT o.id, o.path, {name}, {unit_type}, 'private', '县教育局', 3, '', NULL, '', '', NULL, {now}, {now} \
             FROM orgs o WHERE o.status = 'active' AND o.kind = 'committee' AND o.path >= $1 AND o.path < $2 \
             AND EXISTS (SELECT 1 FROM orgs b WHERE b.parent_id = o.id AND b.kind = 'branch' \
                         AND b.unit_kind IN ('public_school','private_school')) {other} ORDER BY o.id",
            name = lit(name),
            unit_type = lit(unit_type),
            other = if every_other { "AND o.id % 2 = 1" } else { "" },
        );
        n.units += tx.execute(&sql, &range()).await?;
    }
    // The training institutions join the committee's first private school's branch.
    let sql = format!(
        "INSERT INTO org_units (org_id, unit_id, created_at) \
         SELECT (SELECT MIN(b.id) FROM orgs b WHERE b.parent_id = u.committee_id AND b.kind = 'branch' \
                 AND b.status = 'active' AND b.unit_kind = 'private_school'), u.id, {now} \
         FROM units u WHERE u.org_path >= $1 AND u.org_path < $2 AND u.unit_type = 'training_institution' \
         AND EXISTS (SELECT 1 FROM orgs b WHERE b.parent_id = u.committee_id AND b.kind = 'branch' \
                     AND b.status = 'active' AND b.unit_kind = 'private_school') ORDER BY u.id"
    );
    n.links += tx.execute(&sql, &range()).await?;
    // The kindergarten's instructor: a full member of the committee's first branch, serving since
    // last spring; before them, another served a year and left.
    for (start, end) in [(day(700), Some(day(400))), (day(300), None)] {
        let sql = format!(
            "INSERT INTO unit_instructors (unit_id, member_id, start_on, end_on, created_at) \
             SELECT u.id, (SELECT MIN(m.id) FROM members m WHERE m.status = 'full' \
                AND m.branch_path >= u.org_path AND m.branch_path < {hi_u} AND m.id % 2 = {parity}), \
             {start}, {end}, {now} \
             FROM units u WHERE u.org_path >= $1 AND u.org_path < $2 AND u.unit_type = 'kindergarten' \
             AND EXISTS (SELECT 1 FROM members m WHERE m.status = 'full' AND m.branch_path >= u.org_path \
                         AND m.branch_path < {hi_u} AND m.id % 2 = {parity}) ORDER BY u.id",
            hi_u = subtree_hi("u.org_path"),
            parity = i32::from(end.is_some()),
            end = end.unwrap_or_else(|| "NULL".into()),
        );
        n.instructors += tx.execute(&sql, &range()).await?;
    }
    // Last year's inspection of the private units; one in five without party building.
    let sql = format!(
        "INSERT INTO unit_inspections (unit_id, year, inspected_on, party_building, document, created_at) \
         SELECT u.id, {year}, {on}, CASE WHEN u.id % 5 = 0 THEN 0 ELSE 1 END, '县教育局' || {year_text} || '年度年检结论', {now} \
         FROM units u WHERE u.org_path >= $1 AND u.org_path < $2 AND u.ownership = 'private' ORDER BY u.id",
        year = as_of.year() - 1,
        year_text = lit(&(as_of.year() - 1).to_string()),
        on = day(240),
    );
    n.inspections += tx.execute(&sql, &range()).await?;
    Ok(n)
}
