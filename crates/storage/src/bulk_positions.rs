//! Demo ideological positions (意识形态阵地, IDEOLOGY-RESP), generated inside the database at every
//! scale: every committee and a third of the schools' branches register a public account and an exhibition
//! board, approved a year and a half ago; a third of the committees never reviewed theirs since
//! (overdue).

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
