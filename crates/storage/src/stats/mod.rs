//! The reads of party statistics (党内统计): each branch's members on a day, counted by profile
//! (`domain::stats::Profile`), one packed row per branch.
//!
//! The profile code is computed in SQL with the same mixed radix as `Profile::code`, from
//! lists the domain provides (education levels, occupations, minority ethnicities, the age
//! bands' birth-date bounds on the day, the join periods' first days), so a province's five
//! million members leave the database as some 180,000 rows of `code:count,…`. A test on both
//! backends compares the counts with the domain's own `Profile::of` for every member.

use chrono::NaiveDate;
use domain::codes::{Education, Ethnicity, Gender, Occupation};
use domain::dates::AgeBand;
use domain::family::recruitment::{Stage, Step};
use domain::stats::{Change, EDUCATION_SLOTS, JoinPeriod, Profile, Tally};

use crate::check::{push_in, string_agg};
use crate::{Db, Result, SqlBuf, StorageError};

mod checks;
mod drill;

pub use checks::{NamedMember, RosterCheck, admitted_without_record, named_members, roster_check};
pub use drill::{CellMember, FigureRow, admissions_by_year, cell_members, figure_orgs, figure_people};

/// One branch's members on the day, as (profile code, count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchProfiles {
    pub branch_id: i64,
    pub counts: Vec<(u32, u64)>,
}

#[derive(sqlx::FromRow)]
struct Packed {
    org_id: i64,
    packed: String,
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// SQL: the profile code of row `x` (columns `st`, `gender`, `ethnicity`, `education`,
/// `occupation`, `birth_date`, `joined_on`) on `on`.
fn code_sql(on: NaiveDate) -> String {
    let prob = "CASE WHEN x.st = 'probationary' THEN 1 ELSE 0 END".to_string();
    let female = format!("CASE WHEN x.gender = {} THEN 1 ELSE 0 END", quote(Gender::Female.as_str()));
    let minorities: Vec<String> =
        Ethnicity::all().iter().filter(|e| e.is_minority()).map(|e| quote(e.code())).collect();
    let minority = format!("CASE WHEN x.ethnicity IN ({}) THEN 1 ELSE 0 END", minorities.join(","));
    let levels = domain::codes::EducationLevel::ALL;
    let edu_whens: Vec<String> = Education::all()
        .iter()
        .filter_map(|e| {
            levels.iter().position(|l| *l == e.level()).map(|i| format!("WHEN {} THEN {i}", quote(e.code())))
        })
        .collect();
    let edu = format!("CASE x.education {} ELSE {} END", edu_whens.join(" "), EDUCATION_SLOTS - 1);
    let occ_whens: Vec<String> =
        Occupation::all().iter().enumerate().map(|(i, o)| format!("WHEN {} THEN {i}", quote(o.identifier()))).collect();
    let occ = format!("CASE x.occupation {} ELSE {} END", occ_whens.join(" "), Profile::occupation_slots() - 1);
    // Youngest band first: the first band whose earliest birth date the member's is not before.
    let age_whens: Vec<String> = AgeBand::ALL
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.birth_date_bounds(on).0.map(|after| format!("WHEN x.birth_date >= '{after}' THEN {i}")))
        .collect();
    let age = format!("CASE {} ELSE {} END", age_whens.join(" "), AgeBand::ALL.len() - 1);
    let join_whens: Vec<String> =
        JoinPeriod::starts().iter().enumerate().map(|(i, s)| format!("WHEN x.joined_on < '{s}' THEN {i}")).collect();
    let joined = format!("CASE {} ELSE {} END", join_whens.join(" "), JoinPeriod::ALL.len() - 1);
    let parts = [prob, female, minority, edu, occ, age, joined];
    let radices = Profile::code_parts();
    let mut code = String::from("0");
    for (part, radix) in parts.iter().zip(radices) {
        code = format!("(({code}) * {radix} + ({part}))");
    }
    code
}

/// The members of these branches on `on` (their membership span of kind `branch` covers the day
/// and their status that day is full or probationary), counted by profile. Branches with no
/// such member are absent.
pub async fn branch_profiles(db: &Db, branch_ids: &[i64], on: NaiveDate) -> Result<Vec<BranchProfiles>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let agg = string_agg(db);
    let mut b = SqlBuf::new("");
    let on_ph = b.arg(on.to_string());
    let covers = crate::member::span_covers_sql(&on_ph);
    let status = crate::member::status_on_sql(&on_ph);
    let code = code_sql(on);
    b.push(&format!(
        "SELECT org_id, {agg}(CAST(code AS TEXT) || ':' || CAST(n AS TEXT), ',') AS packed FROM (\
         SELECT org_id, code, COUNT(*) AS n FROM (SELECT x.org_id, {code} AS code FROM (\
         SELECT s.org_id, {status} AS st, m.gender, m.ethnicity, m.education, m.occupation, m.birth_date, \
         m.joined_on FROM member_org_spans s JOIN members m ON m.id = s.member_id WHERE "
    ));
    push_in(&mut b, "s.org_id", branch_ids);
    b.push(&format!(
        " AND s.kind = 'branch' AND {covers}) x WHERE x.st IN ('full','probationary')) c GROUP BY org_id, code) g \
         GROUP BY org_id ORDER BY org_id"
    ));
    let rows: Vec<Packed> = db.fetch_buf(&b).await?;
    rows.into_iter().map(unpack).collect()
}

fn unpack(p: Packed) -> Result<BranchProfiles> {
    let corrupt = |e: &str| StorageError::corrupt("members", format!("branch {}: profile count {e:?}", p.org_id));
    let counts = p
        .packed
        .split(',')
        .filter(|e| !e.is_empty())
        .map(|e| {
            let (code, n) = e.split_once(':').ok_or_else(|| corrupt(e))?;
            let code: u32 = code.parse().map_err(|_| corrupt(e))?;
            let n: u64 = n.parse().map_err(|_| corrupt(e))?;
            Profile::from_code(code).ok_or_else(|| corrupt(e))?;
            Ok((code, n))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(BranchProfiles { branch_id: p.org_id, counts })
}

/// Table 1 of one branch: its changes by reason, and the members no record explains. Last
/// year's count follows from this year's: every member counted on one day and not the other is
/// a change, so last year = this year − increases + decreases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BranchChanges {
    pub branch_id: i64,
    pub counts: Vec<(Change, u64)>,
    pub unexplained: Vec<i64>,
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    org_id: i64,
    kind: String,
    n: i64,
    ids: Option<String>,
}

/// SQL: member `m` is counted (full or probationary) on the day at placeholder `on` in a branch
/// span of org `org` (an SQL expression) other than span `s` (`same`: at that org; else at
/// another).
fn counted_at(on: &str, org: &str, same: bool) -> String {
    let status = crate::member::status_on_sql(on);
    let op = if same { "=" } else { "<>" };
    format!(
        "({status} IN ('full','probationary') AND EXISTS (SELECT 1 FROM member_org_spans s2 WHERE s2.member_id = m.id \
         AND s2.kind = 'branch' AND s2.org_id {op} {org} AND s2.start_on <= {on} AND (s2.end_on IS NULL OR s2.end_on >= {on})))"
    )
}

/// SQL: `col IN (…)` over `ids` with their placeholders in `b`; false for no ids.
fn in_sql(b: &mut SqlBuf, col: &str, ids: &[i64]) -> String {
    if ids.is_empty() {
        return "1 = 0".to_string();
    }
    let ph: Vec<String> = ids.iter().map(|id| b.arg(*id)).collect();
    format!("{col} IN ({})", ph.join(","))
}

/// The branches a statistics read covers. Every figure is defined once, as rows over a set of
/// branches: the walk counts them a page at a time, the drill-down lists them for a subtree, so
/// a figure and the people listed behind it cannot disagree.
#[derive(Debug, Clone, Copy)]
pub enum Branches<'a> {
    /// A page of the walk: the branches that exist on the reference date (`now`) and on last
    /// year's (`before`), and the committees, general branches and branches that exist on the
    /// reference date (`orgs`, for table 24).
    Page { now: &'a [i64], before: &'a [i64], orgs: &'a [i64] },
    /// Every branch with `lo <= path < hi` (the drill-down of a subtree).
    Subtree { lo: &'a str, hi: &'a str },
}

/// The day(s) a branch must exist on to count.
#[derive(Debug, Clone, Copy)]
enum Exists {
    On,
    Last,
    Either,
}

impl Branches<'_> {
    /// Whether there is no branch to read (a page with none).
    fn is_empty(&self) -> bool {
        matches!(self, Branches::Page { now, before, orgs } if now.is_empty() && before.is_empty() && orgs.is_empty())
    }

    /// SQL: `col` is a branch of the set that exists on the day(s) `when`; `l` and `o` are the
    /// placeholders of last year's reference date and this year's. A branch exists on a day it
    /// was set up by and not closed on or before (as the walk's `exists_on`), and a closed one
    /// counts only if it closed on or after `l` (as the walk's page).
    fn filter(&self, b: &mut SqlBuf, col: &str, when: Exists, l: &str, o: &str) -> String {
        match *self {
            Branches::Page { now, before, .. } => {
                let ids: Vec<i64> = match when {
                    Exists::On => now.to_vec(),
                    Exists::Last => before.to_vec(),
                    Exists::Either => {
                        let mut all: Vec<i64> = now.iter().chain(before).copied().collect();
                        all.sort_unstable();
                        all.dedup();
                        all
                    }
                };
                in_sql(b, col, &ids)
            }
            Branches::Subtree { lo, hi } => {
                let (lo, hi) = (b.arg(lo.to_string()), b.arg(hi.to_string()));
                let on = |d: &str| {
                    format!(
                        "((bo.established_on IS NULL OR bo.established_on <= {d}) AND (bo.closed_on IS NULL OR bo.closed_on > {d}))"
                    )
                };
                let exists = match when {
                    Exists::On => on(o),
                    Exists::Last => on(l),
                    Exists::Either => format!("({} OR {})", on(o), on(l)),
                };
                format!(
                    "{col} IN (SELECT bo.id FROM orgs bo WHERE bo.path >= {lo} AND bo.path < {hi} AND bo.kind = 'branch' \
                     AND (bo.status = 'active' OR bo.closed_on >= {l}) AND {exists})"
                )
            }
        }
    }
}

impl Branches<'_> {
    /// SQL: `col` is a committee, general branch or branch of the set (a page's, or the
    /// subtree's) that exists on the reference date `o` (table 24's orgs).
    fn orgs_filter(&self, b: &mut SqlBuf, col: &str, l: &str, o: &str) -> String {
        match *self {
            Branches::Page { orgs, .. } => in_sql(b, col, orgs),
            Branches::Subtree { lo, hi } => {
                let (lo, hi) = (b.arg(lo.to_string()), b.arg(hi.to_string()));
                format!(
                    "{col} IN (SELECT bo.id FROM orgs bo WHERE bo.path >= {lo} AND bo.path < {hi} \
                     AND bo.kind IN ('committee','general_branch','branch') AND (bo.status = 'active' OR bo.closed_on >= {l}) \
                     AND (bo.established_on IS NULL OR bo.established_on <= {o}) AND (bo.closed_on IS NULL OR bo.closed_on > {o}))"
                )
            }
        }
    }
}

/// SQL: the day org `g`'s term in force on the day at placeholder `d` ends (the anniversary of
/// its start, as text; 29 February compares as `anniversary` does): the term begun by the last
/// election held by then, else the term recorded with the org if it had begun; NULL without
/// either.
fn term_end_sql(d: &str) -> String {
    let end = |start: &str, years: &str| {
        format!("CAST(CAST(substr({start}, 1, 4) AS INTEGER) + {years} AS TEXT) || substr({start}, 5)")
    };
    format!(
        "COALESCE((SELECT {e} FROM elections e WHERE e.org_id = g.id AND e.held_on <= {d} AND e.term_years IS NOT NULL \
         ORDER BY e.held_on DESC, e.id DESC LIMIT 1), CASE WHEN g.term_start_on <= {d} AND g.term_years IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM elections e2 WHERE e2.org_id = g.id AND e2.held_on <= {d}) THEN {o} END)",
        e = end("e.held_on", "e.term_years"),
        o = end("g.term_start_on", "g.term_years"),
    )
}

/// Table 24 as rows `(org_id, pid, kind)` (`pid` the org itself): orgs whose term in force at
/// the start of the year ended in the year (`ended`), that held an election in the year
/// (`renewed`), and whose term in force on the reference date had ended before it (`overdue`).
fn terms_rows(b: &mut SqlBuf, br: Branches, l: &str, o: &str) -> String {
    let f1 = br.orgs_filter(b, "g.id", l, o);
    let f2 = br.orgs_filter(b, "g.id", l, o);
    let f3 = br.orgs_filter(b, "g.id", l, o);
    let (end_last, end_on) = (term_end_sql(l), term_end_sql(o));
    format!(
        "SELECT g.id AS org_id, g.id AS pid, 'ended' AS kind FROM orgs g WHERE {f1} AND {end_last} > {l} \
         AND {end_last} <= {o} UNION ALL \
         SELECT g.id AS org_id, g.id AS pid, 'renewed' AS kind FROM orgs g WHERE {f2} AND EXISTS (SELECT 1 FROM elections e \
         WHERE e.org_id = g.id AND e.held_on > {l} AND e.held_on <= {o}) UNION ALL \
         SELECT g.id AS org_id, g.id AS pid, 'overdue' AS kind FROM orgs g WHERE {f3} AND {end_on} < {o}"
    )
}

/// SQL: table 1's increases as rows `(org_id, pid, kind)`: members counted at a branch on `o`
/// and not on `l`, with the reason the records give.
fn increases_rows(b: &mut SqlBuf, br: Branches, l: &str, o: &str) -> String {
    let covers = crate::member::span_covers_sql(o);
    let status_on = crate::member::status_on_sql(o);
    let in_now = br.filter(b, "s.org_id", Exists::On, l, o);
    let in_before = br.filter(b, "s.org_id", Exists::Last, l, o);
    let existed = br.filter(b, "s.org_id", Exists::Last, l, o);
    // Only a member whose span began, status changed or joining fell after last year's date, or
    // whose branch did not exist then, can be an increase: the span covers both days and the
    // status is the same on both otherwise. A cheap test on the row first, so the probes below
    // run for the few.
    let changed = format!("(s.start_on > {l} OR m.status_changed_on > {l} OR m.joined_on > {l} OR NOT {existed})");
    format!(
        "SELECT s.org_id, m.id AS pid, CASE \
         WHEN m.joined_on > {l} THEN 'recruited' \
         WHEN EXISTS (SELECT 1 FROM member_decisions d WHERE d.member_id = m.id AND d.kind = 'restore' \
           AND d.decided_on > {l} AND d.decided_on <= {o}) THEN 'restored' \
         WHEN {moved} THEN 'transferred_in' \
         WHEN EXISTS (SELECT 1 FROM transfers t WHERE t.member_id = m.id AND t.to_org_id = s.org_id \
           AND t.state = 'received' AND t.settled_on > {l} AND t.settled_on <= {o}) THEN 'transferred_in' \
         ELSE 'unexplained_in' END AS kind \
         FROM member_org_spans s JOIN members m ON m.id = s.member_id WHERE {in_now} \
         AND s.kind = 'branch' AND {covers} AND {changed} AND {status_on} IN ('full','probationary') \
         AND NOT ({in_before} AND {same})",
        moved = counted_at(l, "s.org_id", false),
        same = counted_at(l, "s.org_id", true),
    )
}

/// SQL: table 1's decreases as rows `(org_id, pid, kind)`: members counted at a branch on `l`
/// and not on `o`, with the reason the records give.
fn decreases_rows(b: &mut SqlBuf, br: Branches, l: &str, o: &str) -> String {
    let leaving: Vec<String> = Change::LEAVING_DECISIONS.iter().map(|c| quote(c.as_str())).collect();
    let leaving = leaving.join(",");
    let covers = crate::member::span_covers_sql(l);
    let (status_last, status_on) = (crate::member::status_on_sql(l), crate::member::status_on_sql(o));
    let in_now = br.filter(b, "s.org_id", Exists::On, l, o);
    let in_before = br.filter(b, "s.org_id", Exists::Last, l, o);
    let exists = br.filter(b, "s.org_id", Exists::On, l, o);
    // Only a member whose span ended, or status changed, after last year's date, or whose branch
    // no longer exists, can be a decrease (see the increases).
    let changed = format!("(s.end_on < {o} OR m.status_changed_on > {l} OR NOT {exists})");
    format!(
        "SELECT s.org_id, m.id AS pid, CASE \
         WHEN {moved} THEN 'transferred_out' \
         WHEN {status_on} = 'suspended' THEN 'suspended' \
         WHEN {status_on} = 'deceased' THEN 'died' \
         WHEN {status_on} = 'transferred_out' THEN 'transferred_out' \
         WHEN {status_on} = 'left' THEN COALESCE((SELECT d.kind FROM member_decisions d WHERE d.member_id = m.id \
           AND d.kind IN ({leaving}) AND d.decided_on > {l} AND d.decided_on <= {o} ORDER BY d.decided_on DESC, d.id DESC \
           LIMIT 1), 'left_other') \
         ELSE 'unexplained_out' END AS kind \
         FROM member_org_spans s JOIN members m ON m.id = s.member_id WHERE {in_before} \
         AND s.kind = 'branch' AND {covers} AND {changed} AND {status_last} IN ('full','probationary') \
         AND NOT ({in_now} AND {same})",
        moved = counted_at(o, "s.org_id", false),
        same = counted_at(o, "s.org_id", true),
    )
}

/// A statement and its arguments, built over fresh placeholders for `last` and `on`.
fn dated(last: NaiveDate, on: NaiveDate, build: impl FnOnce(&mut SqlBuf, &str, &str) -> String) -> SqlBuf {
    let mut b = SqlBuf::new("");
    let (l, o) = (b.arg(last.to_string()), b.arg(on.to_string()));
    let text = build(&mut b, &l, &o);
    b.push(&text);
    b
}

/// Table 1 of branches between `last` (last year's reference date) and `on`: members counted at
/// a branch on one day and not the other, by the reason the records give (see
/// `domain::stats::changes`). A branch set up later, or closed before, counts nobody that day.
/// Two statements run at once: the increases and the decreases, each grouped by branch and
/// reason.
pub async fn branch_changes(db: &Db, br: Branches<'_>, last: NaiveDate, on: NaiveDate) -> Result<Vec<BranchChanges>> {
    if br.is_empty() {
        return Ok(Vec::new());
    }
    let agg = string_agg(db);
    let grouped = |b: SqlBuf| {
        let text = format!(
            "SELECT org_id, kind, COUNT(*) AS n, {agg}(CASE WHEN kind LIKE 'unexplained%' THEN CAST(pid AS TEXT) END, ',') \
             AS ids FROM ({}) x GROUP BY org_id, kind ORDER BY org_id, kind",
            b.text
        );
        (text, b.args)
    };
    let increases_sql = grouped(dated(last, on, |b, l, o| increases_rows(b, br, l, o)));
    let decreases_sql = grouped(dated(last, on, |b, l, o| decreases_rows(b, br, l, o)));
    let (increases, decreases): (Vec<ChangeRow>, Vec<ChangeRow>) = tokio::try_join!(
        db.fetch_all(&increases_sql.0, &increases_sql.1),
        db.fetch_all(&decreases_sql.0, &decreases_sql.1)
    )?;

    let mut out: std::collections::BTreeMap<i64, BranchChanges> = std::collections::BTreeMap::new();
    for r in increases.into_iter().chain(decreases) {
        let corrupt = || StorageError::corrupt("members", format!("branch {}: change {:?}", r.org_id, r.kind));
        let kind = Change::parse(&r.kind).ok_or_else(corrupt)?;
        let e = out.entry(r.org_id).or_insert_with(|| BranchChanges { branch_id: r.org_id, ..Default::default() });
        e.counts.push((kind, u64::try_from(r.n).unwrap_or(0)));
        for id in r.ids.as_deref().unwrap_or("").split(',').filter(|s| !s.is_empty()) {
            e.unexplained.push(id.parse().map_err(|_| corrupt())?);
        }
    }
    Ok(out.into_values().collect())
}

/// The event tables of these branches (see `domain::stats::events`): sanctions, confirmations
/// and admissions in `(last, on]`, the recruitment pipeline on `on`, the appraisals of the year
/// and the members away or lost on `on`, as (branch, cell, count). Six statements at once, each
/// grouped by branch.
pub async fn branch_tallies(
    db: &Db,
    br: Branches<'_>,
    last: NaiveDate,
    on: NaiveDate,
) -> Result<Vec<(i64, Tally, u64)>> {
    if br.is_empty() {
        return Ok(Vec::new());
    }
    let (admission, confirmation, pipeline, away) =
        (admission_conds(db), confirmation_conds(), pipeline_conds(), away_kinds());
    let (mut out, admitted, confirmed, pipeline, appraised, away, terms, trained) = tokio::try_join!(
        by_kind(db, dated(last, on, |b, l, o| sanctions_rows(b, br, l, o)), &Tally::SANCTIONS, "member_decisions"),
        summed(db, dated(last, on, |b, l, o| admissions_from(b, br, l, o)), &admission),
        summed(db, dated(last, on, |b, l, o| confirmations_from(b, br, l, o)), &confirmation),
        summed(db, dated(last, on, |b, l, o| pipeline_from(b, br, l, o)), &pipeline),
        by_kind(db, dated(last, on, |b, l, o| appraisals_rows(b, br, l, o)), &Tally::APPRAISALS, "appraisal_ratings"),
        by_kind(db, dated(last, on, |b, l, o| away_rows(b, br, l, o)), &away, "member_away"),
        by_kind(db, dated(last, on, |b, l, o| terms_rows(b, br, l, o)), &Tally::TERMS, "elections"),
        by_kind(db, dated(last, on, |b, l, o| training_rows(b, br, l, o)), &Tally::TRAINING, "training_classes"),
    )?;
    out.extend(admitted);
    out.extend(confirmed);
    out.extend(pipeline);
    out.extend(appraised);
    out.extend(away);
    out.extend(terms);
    out.extend(trained);
    Ok(out)
}

/// Rows `(org_id, pid, kind)` counted by branch and stored kind, each kind a tally cell by the
/// table `kinds`; an unknown kind is corrupt data in `table`.
async fn by_kind(
    db: &Db,
    rows: SqlBuf,
    kinds: &[(Tally, &str)],
    table: &'static str,
) -> Result<Vec<(i64, Tally, u64)>> {
    let text = format!("SELECT org_id, kind, COUNT(*) AS n FROM ({}) x GROUP BY org_id, kind", rows.text);
    let found: Vec<(i64, String, i64)> = db.fetch_all(&text, &rows.args).await?;
    found
        .into_iter()
        .map(|(org, kind, n)| {
            let tally = kinds.iter().find(|(_, k)| *k == kind).map(|(t, _)| *t);
            let tally = tally.ok_or_else(|| StorageError::corrupt(table, format!("org {org}: {kind}")))?;
            Ok((org, tally, u64::try_from(n).unwrap_or(0)))
        })
        .collect()
}

/// `FROM … WHERE …` (with `org_id` and `pid` in scope as `x.org_id`, `x.pid`) counted by branch
/// once per cell, each cell the rows meeting its condition: one statement for all the cells.
async fn summed(db: &Db, from: SqlBuf, conds: &[(Tally, String)]) -> Result<Vec<(i64, Tally, u64)>> {
    if conds.is_empty() {
        return Ok(Vec::new());
    }
    // The sums leave as one text per branch: the number of cells varies by table.
    let sums: Vec<String> =
        conds.iter().map(|(_, c)| format!("CAST(SUM(CASE WHEN {c} THEN 1 ELSE 0 END) AS TEXT)")).collect();
    let text = format!("SELECT x.org_id, {} AS sums FROM {} GROUP BY x.org_id", sums.join(" || ',' || "), from.text);
    let rows: Vec<(i64, String)> = db.fetch_all(&text, &from.args).await?;
    let mut out = Vec::new();
    for (org, packed) in rows {
        let corrupt = || StorageError::corrupt("members", format!("org {org}: sums {packed:?}"));
        let values: Vec<&str> = packed.split(',').collect();
        if values.len() != conds.len() {
            return Err(corrupt());
        }
        for ((t, _), v) in conds.iter().zip(values) {
            out.push((org, *t, v.parse::<u64>().map_err(|_| corrupt())?));
        }
    }
    Ok(out)
}

/// Tables 12–13: sanctions decided in the year, at the branch that decided them.
fn sanctions_rows(b: &mut SqlBuf, br: Branches, l: &str, o: &str) -> String {
    let in_br = br.filter(b, "d.org_id", Exists::Either, l, o);
    let kinds: Vec<String> = Tally::SANCTIONS.iter().map(|(_, k)| quote(k)).collect();
    format!(
        "SELECT d.org_id, d.member_id AS pid, d.kind FROM member_decisions d WHERE {in_br} AND d.kind IN ({}) \
         AND d.decided_on > {l} AND d.decided_on <= {o}",
        kinds.join(",")
    )
}

/// Tables 16–17: members admitted in the year, at the branch whose span covers the day, as
/// `(x.org_id, x.pid)` with the member as `m`.
fn admissions_from(b: &mut SqlBuf, br: Branches, l: &str, o: &str) -> String {
    let in_br = br.filter(b, "s.org_id", Exists::Either, l, o);
    format!(
        "(SELECT s.org_id, m.id AS pid, m.gender, m.ethnicity, m.education, m.birth_date, m.joined_on, m.key_teacher \
         FROM members m JOIN member_org_spans s ON s.member_id = m.id AND s.kind = 'branch' \
         AND s.start_on <= m.joined_on AND (s.end_on IS NULL OR s.end_on >= m.joined_on) \
         WHERE m.joined_on > {l} AND m.joined_on <= {o} AND {in_br}) x"
    )
}

/// The cells of tables 16–17 and the condition on an admitted member (`x`) each counts.
fn admission_conds(db: &Db) -> Vec<(Tally, String)> {
    let minorities: Vec<String> =
        Ethnicity::all().iter().filter(|e| e.is_minority()).map(|e| quote(e.code())).collect();
    let college: Vec<String> = Education::all().iter().filter(|e| e.college_plus()).map(|e| quote(e.code())).collect();
    let postgraduate: Vec<String> = Education::all()
        .iter()
        .filter(|e| e.level() == domain::codes::EducationLevel::Postgraduate)
        .map(|e| quote(e.code()))
        .collect();
    // 35 or younger on the day admitted: born after the day 36 years before it.
    let to35 = match db.kind() {
        crate::DbKind::Sqlite => "x.birth_date > date(x.joined_on, '-36 years')".to_string(),
        crate::DbKind::Postgres => {
            "x.birth_date > to_char(CAST(x.joined_on AS DATE) - INTERVAL '36 years', 'YYYY-MM-DD')".to_string()
        }
    };
    vec![
        (Tally::Recruited, "1 = 1".to_string()),
        (Tally::RecruitedWomen, format!("x.gender = {}", quote(Gender::Female.as_str()))),
        (Tally::RecruitedMinorities, format!("x.ethnicity IN ({})", minorities.join(","))),
        (Tally::RecruitedTo35, to35),
        (Tally::RecruitedCollegePlus, format!("x.education IN ({})", college.join(","))),
        (Tally::RecruitedPostgraduates, format!("x.education IN ({})", postgraduate.join(","))),
        (Tally::RecruitedKeyTeachers, "x.key_teacher = 1".to_string()),
        (Tally::RecruitedWithoutRecord, "NOT EXISTS (SELECT 1 FROM recruits r WHERE r.member_id = x.pid)".to_string()),
    ]
}

/// Table 15: members confirmed in the year, at the branch whose span covers the day.
fn confirmations_from(b: &mut SqlBuf, br: Branches, l: &str, o: &str) -> String {
    let in_br = br.filter(b, "s.org_id", Exists::Either, l, o);
    format!(
        "(SELECT s.org_id, m.id AS pid, m.probation_extension_months FROM members m JOIN member_org_spans s \
         ON s.member_id = m.id AND s.kind = 'branch' AND s.start_on <= m.confirmed_on \
         AND (s.end_on IS NULL OR s.end_on >= m.confirmed_on) \
         WHERE m.confirmed_on > {l} AND m.confirmed_on <= {o} AND m.confirmed_on > m.joined_on AND {in_br}) x"
    )
}

fn confirmation_conds() -> Vec<(Tally, String)> {
    vec![
        (Tally::Confirmed, "1 = 1".to_string()),
        (Tally::ConfirmedAfterExtension, "COALESCE(x.probation_extension_months, 0) > 0".to_string()),
    ]
}

/// Tables 18–20: people on the path on the day, by the stage of their furthest step recorded by
/// then; not ended by then and not yet members. `pid` is the recruit's id.
fn pipeline_from(b: &mut SqlBuf, br: Branches, l: &str, o: &str) -> String {
    let in_br = br.filter(b, "r.branch_id", Exists::Either, l, o);
    let step_numbers: Vec<String> =
        Step::ALL.iter().map(|s| format!("WHEN {} THEN {}", quote(s.as_str()), s.number())).collect();
    format!(
        "(SELECT r.branch_id AS org_id, r.id AS pid, (SELECT MAX(CASE st.step {whens} ELSE 0 END) FROM recruit_steps st \
         WHERE st.recruit_id = r.id AND st.on_date <= {o}) AS furthest FROM recruits r \
         WHERE (r.ended_on IS NULL OR r.ended_on > {o}) \
         AND (r.member_id IS NULL OR NOT EXISTS (SELECT 1 FROM members m WHERE m.id = r.member_id AND m.joined_on <= {o})) \
         AND {in_br}) x",
        whens = step_numbers.join(" "),
    )
}

fn pipeline_conds() -> Vec<(Tally, String)> {
    let range = |stages: &[Stage]| -> String {
        let n: Vec<u8> = Step::ALL.iter().filter(|s| stages.contains(&s.stage())).map(|s| s.number()).collect();
        let (lo, hi) = (n.iter().copied().min().unwrap_or(0), n.iter().copied().max().unwrap_or(0));
        format!("x.furthest BETWEEN {lo} AND {hi}")
    };
    vec![
        (Tally::Applicants, range(&[Stage::Application])),
        (Tally::Activists, range(&[Stage::Activist])),
        (Tally::Candidates, range(&[Stage::Candidate, Stage::Admission])),
    ]
}

/// Table 8: the ratings given at the 民主评议党员 meetings the branches held in the year.
fn appraisals_rows(b: &mut SqlBuf, br: Branches, l: &str, o: &str) -> String {
    let in_br = br.filter(b, "mt.org_id", Exists::Either, l, o);
    format!(
        "SELECT mt.org_id, r.member_id AS pid, r.rating AS kind FROM appraisal_ratings r \
         JOIN meetings mt ON mt.id = r.meeting_id WHERE {in_br} AND mt.voided_on IS NULL \
         AND mt.held_on > {l} AND mt.held_on <= {o}"
    )
}

/// Table 9: members who completed a class that ended in the year, at the branch of their
/// membership on its last day, once each (and once per kind of class counted); and the members
/// counted at a branch on the day whose class hours of the day's calendar year reached 32.
fn training_rows(b: &mut SqlBuf, br: Branches, l: &str, o: &str) -> String {
    let in_class = br.filter(b, "s.org_id", Exists::Either, l, o);
    let in_kind = br.filter(b, "s.org_id", Exists::Either, l, o);
    let in_hours = br.filter(b, "s.org_id", Exists::Either, l, o);
    let (covers, status) = (crate::member::span_covers_sql(o), crate::member::status_on_sql(o));
    let on_class_day = "s.start_on <= c.ends_on AND (s.end_on IS NULL OR s.end_on >= c.ends_on)";
    let kinds: Vec<String> = Tally::TRAINING
        .iter()
        .filter(|(t, _)| !matches!(t, Tally::Trained | Tally::HoursReached))
        .map(|(_, k)| quote(k))
        .collect();
    // From the page's spans to their members' enrolments to the classes (CROSS JOIN keeps
    // SQLite in that order; PostgreSQL plans it as an inner join): starting from the classes
    // read every enrolment of the year once per page.
    let completed = format!(
        "FROM member_org_spans s CROSS JOIN training_enrolments e CROSS JOIN training_classes c \
         WHERE e.member_id = s.member_id AND c.id = e.class_id AND s.kind = 'branch' AND {on_class_day} \
         AND e.completed = 1 AND c.ends_on > {l} AND c.ends_on <= {o}"
    );
    // The reference date's calendar year, as EDU-TRAIN-HOURS judges it, from the summary kept
    // on write (storage::training).
    let hours = format!(
        "COALESCE((SELECT t.classes + t.meetings + t.imported FROM training_hours t WHERE t.member_id = m.id \
         AND t.year = CAST(substr({o}, 1, 4) AS INTEGER)), 0)"
    );
    format!(
        "SELECT DISTINCT s.org_id, e.member_id AS pid, 'trained' AS kind {completed} AND {in_class} \
         UNION SELECT DISTINCT s.org_id, e.member_id AS pid, c.kind {completed} AND {in_kind} AND c.kind IN ({kinds}) \
         UNION SELECT s.org_id, m.id AS pid, 'hours_reached' AS kind FROM member_org_spans s JOIN members m ON m.id = s.member_id \
         WHERE {in_hours} AND s.kind = 'branch' AND {covers} AND {status} IN ('full','probationary') \
         AND {hours} >= 320",
        kinds = kinds.join(",")
    )
}

fn away_kinds() -> Vec<(Tally, &'static str)> {
    Tally::AWAY.into_iter().chain([(Tally::LostContact, "lost_contact")]).collect()
}

/// Tables 33–35 and 43: members counted at a branch on the day who were away that day, by the
/// kind of their 外出登记, and those marked out of contact since a day on or before it.
fn away_rows(b: &mut SqlBuf, br: Branches, l: &str, o: &str) -> String {
    let (covers, status) = (crate::member::span_covers_sql(o), crate::member::status_on_sql(o));
    let kinds: Vec<String> = Tally::AWAY.iter().map(|(_, k)| quote(k)).collect();
    let in_away = br.filter(b, "s.org_id", Exists::Either, l, o);
    let in_lost = br.filter(b, "s.org_id", Exists::Either, l, o);
    format!(
        "SELECT s.org_id, m.id AS pid, a.kind FROM member_org_spans s \
         JOIN members m ON m.id = s.member_id JOIN member_away a ON a.member_id = m.id AND a.kind IN ({kinds}) \
         AND a.left_on <= {o} AND (a.ended_on IS NULL OR a.ended_on > {o}) WHERE {in_away} \
         AND s.kind = 'branch' AND {covers} AND {status} IN ('full','probationary') UNION ALL \
         SELECT s.org_id, m.id AS pid, 'lost_contact' AS kind FROM member_org_spans s JOIN members m ON m.id = s.member_id \
         WHERE m.lost_contact = 1 AND m.lost_contact_since <= {o} AND {in_lost} \
         AND s.kind = 'branch' AND {covers} AND {status} IN ('full','probationary')",
        kinds = kinds.join(",")
    )
}
