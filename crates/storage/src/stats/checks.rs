//! The statistics' checks against other records: the admissions' recruitment records and the
//! roster of the day, naming the members behind a failure.

use chrono::NaiveDate;
use domain::stats::Tally;

use super::{Branches, admission_conds, admissions_from, dated};
use crate::check::push_in;
use crate::{Db, Result, SqlBuf};

/// A member named in a failed consistency check.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NamedMember {
    pub id: i64,
    pub name: String,
}

/// The members of these ids, by id (the unexplained changes of table 1, named).
pub async fn named_members(db: &Db, ids: &[i64]) -> Result<Vec<NamedMember>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("SELECT m.id, m.name FROM members m WHERE ");
    push_in(&mut b, "m.id", ids);
    b.push(" ORDER BY m.id");
    db.fetch_buf(&b).await
}

/// The members admitted in `(last, on]` at these branches (table 16's rows) with no recruitment
/// record (发展党员 25 步) that made them members (the cell `RecruitedWithoutRecord` counts them
/// in the walk): the first `limit` by name, to name them when the check fails.
pub async fn admitted_without_record(
    db: &Db,
    branch_ids: &[i64],
    last: NaiveDate,
    on: NaiveDate,
    limit: i64,
) -> Result<Vec<NamedMember>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let br = Branches::Page { now: branch_ids, before: branch_ids, orgs: &[] };
    let b = dated(last, on, |b, l, o| {
        let cond = admission_conds(db)
            .into_iter()
            .find(|(t, _)| *t == Tally::RecruitedWithoutRecord)
            .map_or_else(|| "1 = 0".to_string(), |(_, c)| c);
        format!("SELECT m.id, m.name FROM {} JOIN members m ON m.id = x.pid WHERE {cond}", admissions_from(b, br, l, o))
    });
    let mut args = b.args.clone();
    let sql = format!("SELECT id, name FROM ({}) z ORDER BY name, id LIMIT ${}", b.text, args.len() + 1);
    args.push(crate::Arg::I64(limit));
    db.fetch_all(&sql, &args).await
}

/// The member roster (花名册) of a subtree against the statistics of the same day: the roster
/// reads each member's current branch and status (as the roster export does), the statistics
/// their membership spans and dated status. Only today's roster exists, so the caller runs
/// this for today.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterCheck {
    /// Full and probationary members whose branch is in the subtree.
    pub roster: i64,
    /// On the roster, not counted by the statistics (the first `limit`).
    pub roster_only: Vec<NamedMember>,
    /// Counted by the statistics, not on the roster (the first `limit`).
    pub counted_only: Vec<NamedMember>,
}

/// See [`RosterCheck`].
pub async fn roster_check(db: &Db, lo: &str, hi: &str, on: NaiveDate, limit: i64) -> Result<RosterCheck> {
    let mut b = SqlBuf::new("");
    let o = b.arg(on.to_string());
    let (lo_ph, hi_ph) = (b.arg(lo.to_string()), b.arg(hi.to_string()));
    let (covers, status) = (crate::member::span_covers_sql(&o), crate::member::status_on_sql(&o));
    let roster = format!(
        "SELECT m.id FROM members m JOIN orgs ro ON ro.id = m.branch_id WHERE ro.path >= {lo_ph} AND ro.path < {hi_ph} \
         AND m.status IN ('full','probationary')"
    );
    let counted = format!(
        "SELECT m.id FROM member_org_spans s JOIN members m ON m.id = s.member_id JOIN orgs co ON co.id = s.org_id \
         WHERE co.path >= {lo_ph} AND co.path < {hi_ph} AND co.kind = 'branch' AND s.kind = 'branch' AND {covers} \
         AND (co.established_on IS NULL OR co.established_on <= {o}) AND (co.closed_on IS NULL OR co.closed_on > {o}) \
         AND {status} IN ('full','probationary')"
    );
    let (n,): (i64,) = db.fetch_one(&format!("SELECT COUNT(*) FROM ({roster}) z"), &b.args).await?;
    let mut args = b.args.clone();
    let lim = format!("${}", args.len() + 1);
    args.push(crate::Arg::I64(limit));
    let only = |a: &str, not_in: &str| {
        format!(
            "SELECT m.id, m.name FROM members m WHERE m.id IN ({a}) AND m.id NOT IN ({not_in}) ORDER BY m.name, m.id LIMIT {lim}"
        )
    };
    let (roster_only_sql, counted_only_sql) = (only(&roster, &counted), only(&counted, &roster));
    let (roster_only, counted_only) = tokio::try_join!(
        db.fetch_all::<NamedMember>(&roster_only_sql, &args),
        db.fetch_all::<NamedMember>(&counted_only_sql, &args),
    )?;
    Ok(RosterCheck { roster: n, roster_only, counted_only })
}
