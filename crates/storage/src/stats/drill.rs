//! The drill-down of the statistics: the members, people on the path or orgs behind a figure,
//! read from the same rows the walk counts (see [`super::Branches`]), a page at a time.

use chrono::NaiveDate;
use domain::stats::{Behind, Drill, OrgCell, Profile, Tally};

use super::training_rows;
use super::{Branches, away_kinds, away_rows, dated, quote};
use super::{admission_conds, admissions_from, appraisals_rows, confirmation_conds, confirmations_from};
use super::{code_sql, decreases_rows, increases_rows, pipeline_conds, pipeline_from, sanctions_rows, terms_rows};
use crate::{Db, Result, SqlBuf, StorageError};

/// One row behind a figure: a member, a recruit or an org, and the org it is counted at (for
/// an org, its parent).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FigureRow {
    pub id: i64,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
}

/// SQL: the rows `(org_id, pid)` behind a figure of table 1 or the event tables, for the
/// branches `br`; `None` for a figure that is not one of those.
fn figure_rows_sql(db: &Db, b: &mut SqlBuf, br: Branches, l: &str, o: &str, drill: Drill) -> Option<String> {
    let pick = |rows: String, kind: &str| format!("SELECT org_id, pid FROM ({rows}) x WHERE x.kind = {}", quote(kind));
    let cond = |from: String, conds: Vec<(Tally, String)>, t: Tally| {
        conds.into_iter().find(|(c, _)| *c == t).map(|(_, c)| format!("SELECT x.org_id, x.pid FROM {from} WHERE {c}"))
    };
    let stored = |kinds: &[(Tally, &'static str)], t: Tally| kinds.iter().find(|(c, _)| *c == t).map(|(_, k)| *k);
    match drill {
        Drill::Change(c) if c.is_increase() => Some(pick(increases_rows(b, br, l, o), c.as_str())),
        Drill::Change(c) => Some(pick(decreases_rows(b, br, l, o), c.as_str())),
        Drill::Event(t) => {
            if let Some(k) = stored(&Tally::SANCTIONS, t) {
                Some(pick(sanctions_rows(b, br, l, o), k))
            } else if let Some(k) = stored(&Tally::APPRAISALS, t) {
                Some(pick(appraisals_rows(b, br, l, o), k))
            } else if let Some(k) = stored(&away_kinds(), t) {
                Some(pick(away_rows(b, br, l, o), k))
            } else if let Some(k) = stored(&Tally::TERMS, t) {
                Some(pick(terms_rows(b, br, l, o), k))
            } else if let Some(k) = stored(&Tally::TRAINING, t) {
                Some(pick(training_rows(b, br, l, o), k))
            } else if admission_conds(db).iter().any(|(c, _)| *c == t) {
                cond(admissions_from(b, br, l, o), admission_conds(db), t)
            } else if confirmation_conds().iter().any(|(c, _)| *c == t) {
                cond(confirmations_from(b, br, l, o), confirmation_conds(), t)
            } else {
                cond(pipeline_from(b, br, l, o), pipeline_conds(), t)
            }
        }
        Drill::Members(_) | Drill::Orgs(_) => None,
    }
}

/// The members (or recruits, for tables 18–20; orgs, for table 24) behind a figure of table 1 or the event tables
/// in the subtree `lo <= path < hi`, from the same rows the walk counts (see [`Branches`]), by
/// branch path and name, at most `limit` after skipping `offset`; and how many there are.
/// Table 1's and the appraisals' rows are changes and ratings: a member rated at two meetings
/// is listed twice, as counted.
#[allow(clippy::too_many_arguments)]
pub async fn figure_people(
    db: &Db,
    lo: &str,
    hi: &str,
    last: NaiveDate,
    on: NaiveDate,
    drill: Drill,
    limit: i64,
    offset: i64,
) -> Result<(Vec<FigureRow>, i64)> {
    let br = Branches::Subtree { lo, hi };
    let mut inner = None;
    let b = dated(last, on, |b, l, o| {
        inner = figure_rows_sql(db, b, br, l, o, drill);
        String::new()
    });
    let Some(inner) = inner else { return Ok((Vec::new(), 0)) };
    if drill.behind() == Behind::Org {
        // The orgs counted, each with its parent, by path.
        let rows_sql = format!(
            "SELECT p.id, p.name, COALESCE(o.id, p.id) AS org_id, COALESCE(o.name, '') AS org_name, p.path AS org_path \
             FROM ({inner}) d JOIN orgs p ON p.id = d.pid LEFT JOIN orgs o ON o.id = p.parent_id"
        );
        return page_of(db, &rows_sql, b.args, "org_path, id", limit, offset).await;
    }
    let people = if drill.behind() == Behind::Recruit { "recruits" } else { "members" };
    let rows_sql = format!(
        "SELECT p.id, p.name, o.id AS org_id, o.name AS org_name, o.path AS org_path FROM ({inner}) d \
         JOIN {people} p ON p.id = d.pid JOIN orgs o ON o.id = d.org_id"
    );
    page_of(db, &rows_sql, b.args, "org_path, name, id", limit, offset).await
}

/// The orgs behind a figure of the org counts in the subtree `lo <= path < hi` on `on` (those
/// the walk counts: not party groups, existing that day), each with its parent, by path.
#[allow(clippy::too_many_arguments)]
pub async fn figure_orgs(
    db: &Db,
    lo: &str,
    hi: &str,
    last: NaiveDate,
    on: NaiveDate,
    cell: OrgCell,
    limit: i64,
    offset: i64,
) -> Result<(Vec<FigureRow>, i64)> {
    let mut b = SqlBuf::new("");
    let (l, o) = (b.arg(last.to_string()), b.arg(on.to_string()));
    let (lo, hi) = (b.arg(lo.to_string()), b.arg(hi.to_string()));
    let which = match cell {
        OrgCell::Kind(k) => format!("o.kind = {}", quote(k.as_str())),
        OrgCell::UnitKind(u) => format!("o.kind <> 'group' AND o.unit_kind = {}", quote(u.as_str())),
        OrgCell::EmptyBranches => {
            let (covers, status) = (crate::member::span_covers_sql(&o), crate::member::status_on_sql(&o));
            format!(
                "o.kind = 'branch' AND NOT EXISTS (SELECT 1 FROM member_org_spans s JOIN members m ON m.id = s.member_id \
                 WHERE s.org_id = o.id AND s.kind = 'branch' AND {covers} AND {status} IN ('full','probationary'))"
            )
        }
    };
    let rows_sql = format!(
        "SELECT o.id, o.name, COALESCE(p.id, o.id) AS org_id, COALESCE(p.name, '') AS org_name, o.path AS org_path \
         FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id WHERE o.path >= {lo} AND o.path < {hi} \
         AND (o.status = 'active' OR o.closed_on >= {l}) AND (o.established_on IS NULL OR o.established_on <= {o}) \
         AND (o.closed_on IS NULL OR o.closed_on > {o}) AND {which}"
    );
    page_of(db, &rows_sql, b.args, "org_path, id", limit, offset).await
}

/// A page of `rows_sql` (columns id, name, org_id, org_name, org_path) in `order`, and the
/// number of rows in all.
async fn page_of(
    db: &Db,
    rows_sql: &str,
    mut args: Vec<crate::Arg>,
    order: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<FigureRow>, i64)> {
    let (n,): (i64,) = db.fetch_one(&format!("SELECT COUNT(*) FROM ({rows_sql}) z"), &args).await?;
    let page_sql = format!(
        "SELECT id, name, org_id, org_name FROM ({rows_sql}) z ORDER BY {order} LIMIT ${} OFFSET ${}",
        args.len() + 1,
        args.len() + 2
    );
    args.push(crate::Arg::I64(limit));
    args.push(crate::Arg::I64(offset));
    let rows: Vec<FigureRow> = db.fetch_all(&page_sql, &args).await?;
    Ok((rows, n))
}

/// A member behind a cell of the member tables.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CellMember {
    pub member_id: i64,
    pub name: String,
    pub branch_id: i64,
    pub branch_name: String,
}

/// The members counted on `on` in the branches with `lo <= path < hi` whose profile code has
/// `value` at each `(position, value)` of `Profile::code_parts` (see [`branch_profiles`]), by
/// branch path and name, at most `limit` after skipping `offset`; and how many there are in all.
pub async fn cell_members(
    db: &Db,
    lo: &str,
    hi: &str,
    on: NaiveDate,
    parts: &[(usize, Vec<usize>)],
    limit: i64,
    offset: i64,
) -> Result<(Vec<CellMember>, i64)> {
    let radices = Profile::code_parts();
    let mut b = SqlBuf::new("");
    let o = b.arg(on.to_string());
    let (covers, status) = (crate::member::span_covers_sql(&o), crate::member::status_on_sql(&o));
    let code = code_sql(on);
    let mut conds = Vec::new();
    for (pos, values) in parts {
        let Some(radix) = radices.get(*pos) else { continue };
        let div: usize = radices[pos + 1..].iter().product();
        let list: Vec<String> = values.iter().map(usize::to_string).collect();
        conds.push(format!("((x.code / {div}) % {radix}) IN ({})", list.join(",")));
    }
    let filter = if conds.is_empty() { "1 = 1".to_string() } else { conds.join(" AND ") };
    let (lo_ph, hi_ph) = (b.arg(lo.to_string()), b.arg(hi.to_string()));
    // The code reads `x.st` and the member's columns, under the name `x` (see `code_sql`).
    let rows_sql = format!(
        "SELECT member_id, name, branch_id, branch_name FROM (SELECT m.id AS member_id, m.name, o.id AS branch_id, \
         o.name AS branch_name, o.path AS branch_path, x.code FROM (SELECT x.mid, x.org_id, {code} AS code FROM (\
         SELECT s.org_id, m.id AS mid, {status} AS st, m.gender, m.ethnicity, m.education, m.occupation, \
         m.birth_date, m.joined_on FROM member_org_spans s JOIN members m ON m.id = s.member_id \
         JOIN orgs o2 ON o2.id = s.org_id WHERE o2.path >= {lo_ph} AND o2.path < {hi_ph} AND o2.kind = 'branch' \
         AND s.kind = 'branch' AND {covers} AND (o2.established_on IS NULL OR o2.established_on <= {o}) \
         AND (o2.closed_on IS NULL OR o2.closed_on > {o})) x WHERE x.st IN ('full','probationary')) x \
         JOIN members m ON m.id = x.mid JOIN orgs o ON o.id = x.org_id) x WHERE {filter}"
    );
    let count_sql = format!("SELECT COUNT(*) FROM ({rows_sql}) z");
    let (n,): (i64,) = db.fetch_one(&count_sql, &b.args).await?;
    let mut args = b.args.clone();
    let page_sql = format!(
        "{rows_sql} ORDER BY branch_path, name, member_id LIMIT ${} OFFSET ${}",
        args.len() + 1,
        args.len() + 2
    );
    args.push(crate::Arg::I64(limit));
    args.push(crate::Arg::I64(offset));
    let rows: Vec<CellMember> = db.fetch_all(&page_sql, &args).await?;
    Ok((rows, n))
}

/// Members admitted in each year from `from_year` to `to_year` (the day of the 支部大会 that
/// admitted them) at a branch with `lo <= path < hi` whose span covered that day: the
/// recruitment trend of the statistics page, as (year, count).
pub async fn admissions_by_year(db: &Db, lo: &str, hi: &str, from_year: i32, to_year: i32) -> Result<Vec<(i32, u64)>> {
    let mut b = SqlBuf::new("");
    let (lo_ph, hi_ph) = (b.arg(lo.to_string()), b.arg(hi.to_string()));
    let (from, to) = (b.arg(format!("{from_year:04}-01-01")), b.arg(format!("{to_year:04}-12-31")));
    b.push(&format!(
        "SELECT substr(m.joined_on, 1, 4) AS y, COUNT(*) AS n FROM members m JOIN member_org_spans s ON s.member_id = m.id \
         AND s.kind = 'branch' AND s.start_on <= m.joined_on AND (s.end_on IS NULL OR s.end_on >= m.joined_on) \
         JOIN orgs o ON o.id = s.org_id WHERE o.path >= {lo_ph} AND o.path < {hi_ph} AND m.joined_on >= {from} \
         AND m.joined_on <= {to} GROUP BY substr(m.joined_on, 1, 4) ORDER BY y"
    ));
    let rows: Vec<(String, i64)> = db.fetch_all(&b.text, &b.args).await?;
    rows.into_iter()
        .map(|(y, n)| {
            let year =
                y.parse::<i32>().map_err(|_| StorageError::corrupt("members", format!("joined_on year {y:?}")))?;
            Ok((year, u64::try_from(n).unwrap_or(0)))
        })
        .collect()
}
