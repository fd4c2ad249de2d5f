//! Demo ideological positions (意识形态阵地, IDEOLOGY-RESP), generated inside the database at every
//! scale: every committee and a third of the schools' branches register a public account and an exhibition
//! board, approved a year and a half ago; a third of the committees never reviewed theirs since
//! (overdue). And their events (IDEOLOGY-RESP): each committee holds a report meeting on a
//! sensitive day of early June, approved a week before, and a seminar in March without one, in the
//! year before `as_of` and, when they have passed, in its own year.

use chrono::{Days, NaiveDate};

use crate::bulk_life::lit;
use crate::{Arg, Result, Tx};

/// Generates the positions of the subtree `[lo, hi)`; returns how many.
pub async fn generate(tx: &mut Tx, lo: &str, hi: &str, as_of: NaiveDate, now: i64) -> Result<u64> {
    let day = |days: u64| lit(&as_of.checked_sub_days(Days::new(days)).unwrap_or(as_of).to_string());
    let (approved, reviewed) = (day(500), day(120));
    let mut n = 0;
    for (kind, name, responsible) in
        [("online_account", "公众号", "宣传委员"), ("exhibition_board", "宣传栏", "组织委员")]
    {
        let sql = format!(
            "INSERT INTO ideology_positions (org_id, org_path, kind, name, responsible, approved_by, approved_on, \
             reviewed_on, note, created_by, created_at) \
             SELECT o.id, o.path, {kind}, o.name || {name}, {responsible}, COALESCE(p.name, o.name), {approved}, \
             CASE WHEN o.id % 3 = 1 THEN NULL ELSE {reviewed} END, '', NULL, {now} \
             FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id \
             WHERE o.status = 'active' AND o.path >= $1 AND o.path < $2 AND (o.kind = 'committee' \
             OR (o.kind = 'branch' AND o.unit_kind IN ('public_school','private_school') AND o.id % 3 = 0)) ORDER BY o.id",
            kind = lit(kind),
            name = lit(name),
            responsible = lit(responsible),
        );
        n += tx.execute(&sql, &[Arg::Str(lo.to_string()), Arg::Str(hi.to_string())]).await?;
    }
    Ok(n)
}

/// Generates the events of the subtree `[lo, hi)` (the demo marks 1–5 June and 1–7 October of both
/// years sensitive); returns how many.
pub async fn generate_events(tx: &mut Tx, lo: &str, hi: &str, as_of: NaiveDate, now: i64) -> Result<u64> {
    use chrono::Datelike;
    let mut n = 0;
    for year in [as_of.year() - 1, as_of.year()] {
        for (kind, title, held, approved) in [
            ("report_meeting", "形势政策报告会", (6, 3), Some((5, 27))),
            ("seminar", "思政课教学研讨会", (3, 15), None),
        ] {
            let Some(held_on) = NaiveDate::from_ymd_opt(year, held.0, held.1).filter(|d| *d <= as_of) else {
                continue;
            };
            let approved_on = approved.and_then(|(m, d)| NaiveDate::from_ymd_opt(year, m, d));
            let (by, on) = match approved_on {
                Some(d) => ("COALESCE(p.name, o.name)".to_string(), lit(&d.to_string())),
                None => ("NULL".to_string(), "NULL".to_string()),
            };
            let sql = format!(
                "INSERT INTO ideology_events (org_id, org_path, kind, title, held_on, place, speaker, responsible, \
                 approved_by, approved_on, sensitive, note, created_by, created_at) \
                 SELECT o.id, o.path, {kind}, {title}, {held}, '报告厅', '', o.name || '宣传委员', {by}, {on}, {sensitive}, \
                 '', NULL, {now} FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id \
                 WHERE o.status = 'active' AND o.path >= $1 AND o.path < $2 AND o.kind = 'committee' ORDER BY o.id",
                kind = lit(kind),
                title = lit(title),
                held = lit(&held_on.to_string()),
                sensitive = i64::from(approved_on.is_some()),
            );
            n += tx.execute(&sql, &[Arg::Str(lo.to_string()), Arg::Str(hi.to_string())]).await?;
        }
    }
    Ok(n)
}
