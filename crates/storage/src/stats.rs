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

/// Table 1 of branches between `last` (last year's reference date) and `on`: members counted at
/// a branch on one day and not the other, by the reason the records give (see
/// `domain::stats::changes`). `now` are the branches that exist on `on`, `before` those that
/// existed on `last` (a branch set up later, or closed before, counts nobody that day). Two
/// statements run at once: the increases and the decreases, each grouped by branch and reason.
pub async fn branch_changes(
    db: &Db,
    now: &[i64],
    before: &[i64],
    last: NaiveDate,
    on: NaiveDate,
) -> Result<Vec<BranchChanges>> {
    let agg = string_agg(db);
    let leaving: Vec<String> = Change::LEAVING_DECISIONS.iter().map(|c| quote(c.as_str())).collect();
    let leaving = leaving.join(",");

    let grouped = |inner: String| {
        format!(
            "SELECT org_id, kind, COUNT(*) AS n, {agg}(CASE WHEN kind LIKE 'unexplained%' THEN CAST(member_id AS TEXT) END, ',') \
             AS ids FROM ({inner}) x GROUP BY org_id, kind ORDER BY org_id, kind"
        )
    };
    // Increases: counted at the branch this year, not last year.
    let mut b = SqlBuf::new("");
    let (l, o) = (b.arg(last.to_string()), b.arg(on.to_string()));
    let covers = crate::member::span_covers_sql(&o);
    let status_on = crate::member::status_on_sql(&o);
    let (in_now, in_before) = (in_sql(&mut b, "s.org_id", now), in_sql(&mut b, "s.org_id", before));
    let inner = format!(
        "SELECT s.org_id, m.id AS member_id, CASE \
         WHEN m.joined_on > {l} THEN 'recruited' \
         WHEN EXISTS (SELECT 1 FROM member_decisions d WHERE d.member_id = m.id AND d.kind = 'restore' \
           AND d.decided_on > {l} AND d.decided_on <= {o}) THEN 'restored' \
         WHEN {moved} THEN 'transferred_in' \
         WHEN EXISTS (SELECT 1 FROM transfers t WHERE t.member_id = m.id AND t.to_org_id = s.org_id \
           AND t.state = 'received' AND t.settled_on > {l} AND t.settled_on <= {o}) THEN 'transferred_in' \
         ELSE 'unexplained_in' END AS kind \
         FROM member_org_spans s JOIN members m ON m.id = s.member_id WHERE {in_now} \
         AND s.kind = 'branch' AND {covers} AND {status_on} IN ('full','probationary') AND NOT ({in_before} AND {same})",
        moved = counted_at(&l, "s.org_id", false),
        same = counted_at(&l, "s.org_id", true),
    );
    b.push(&inner);
    let increases_sql = (grouped(b.text.clone()), b.args.clone());

    // Decreases: counted at the branch last year, not this year.
    let mut b = SqlBuf::new("");
    let (l, o) = (b.arg(last.to_string()), b.arg(on.to_string()));
    let covers = crate::member::span_covers_sql(&l);
    let (status_last, status_on) = (crate::member::status_on_sql(&l), crate::member::status_on_sql(&o));
    let (in_now, in_before) = (in_sql(&mut b, "s.org_id", now), in_sql(&mut b, "s.org_id", before));
    let inner = format!(
        "SELECT s.org_id, m.id AS member_id, CASE \
         WHEN {moved} THEN 'transferred_out' \
         WHEN {status_on} = 'suspended' THEN 'suspended' \
         WHEN {status_on} = 'deceased' THEN 'died' \
         WHEN {status_on} = 'transferred_out' THEN 'transferred_out' \
         WHEN {status_on} = 'left' THEN COALESCE((SELECT d.kind FROM member_decisions d WHERE d.member_id = m.id \
           AND d.kind IN ({leaving}) AND d.decided_on > {l} AND d.decided_on <= {o} ORDER BY d.decided_on DESC, d.id DESC \
           LIMIT 1), 'left_other') \
         ELSE 'unexplained_out' END AS kind \
         FROM member_org_spans s JOIN members m ON m.id = s.member_id WHERE {in_before} \
         AND s.kind = 'branch' AND {covers} AND {status_last} IN ('full','probationary') AND NOT ({in_now} AND {same})",
        moved = counted_at(&o, "s.org_id", false),
        same = counted_at(&o, "s.org_id", true),
    );
    b.push(&inner);
    let decreases_sql = (grouped(b.text.clone()), b.args.clone());
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
/// and admissions in `(last, on]`, and the recruitment pipeline on `on`, as (branch, cell,
/// count). Four statements, each grouped by branch.
pub async fn branch_tallies(
    db: &Db,
    branch_ids: &[i64],
    last: NaiveDate,
    on: NaiveDate,
) -> Result<Vec<(i64, Tally, u64)>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let (mut out, admitted, confirmed, pipeline, appraised, away) = tokio::try_join!(
        sanctions(db, branch_ids, last, on),
        admissions(db, branch_ids, last, on),
        confirmations(db, branch_ids, last, on),
        pipeline(db, branch_ids, on),
        appraisals(db, branch_ids, last, on),
        away_and_lost(db, branch_ids, on),
    )?;
    out.extend(admitted);
    out.extend(confirmed);
    out.extend(pipeline);
    out.extend(appraised);
    out.extend(away);
    Ok(out)
}

/// `(org, stored kind, count)` rows as tally cells, by the table of stored kinds each cell
/// counts; an unknown kind is corrupt data in `table`.
fn tallied(
    rows: Vec<(i64, String, i64)>,
    kinds: &[(Tally, &str)],
    table: &'static str,
) -> Result<Vec<(i64, Tally, u64)>> {
    rows.into_iter()
        .map(|(org, kind, n)| {
            let tally = kinds.iter().find(|(_, k)| *k == kind).map(|(t, _)| *t);
            let tally = tally.ok_or_else(|| StorageError::corrupt(table, format!("org {org}: {kind}")))?;
            Ok((org, tally, u64::try_from(n).unwrap_or(0)))
        })
        .collect()
}

/// Tables 12–13: sanctions decided in the year, at the branch that decided them.
async fn sanctions(db: &Db, branch_ids: &[i64], last: NaiveDate, on: NaiveDate) -> Result<Vec<(i64, Tally, u64)>> {
    let mut b = SqlBuf::new("SELECT d.org_id, d.kind, COUNT(*) AS n FROM member_decisions d WHERE ");
    push_in(&mut b, "d.org_id", branch_ids);
    let kinds: Vec<String> = Tally::SANCTIONS.iter().map(|(_, k)| quote(k)).collect();
    b.push(&format!(" AND d.kind IN ({})", kinds.join(",")));
    b.push_arg(" AND d.decided_on > ", last.to_string());
    b.push_arg(" AND d.decided_on <= ", on.to_string());
    b.push(" GROUP BY d.org_id, d.kind");
    tallied(db.fetch_all(&b.text, &b.args).await?, &Tally::SANCTIONS, "member_decisions")
}

/// Tables 16–17: members admitted in the year, at the branch whose span covers the day.
async fn admissions(db: &Db, branch_ids: &[i64], last: NaiveDate, on: NaiveDate) -> Result<Vec<(i64, Tally, u64)>> {
    let mut out = Vec::new();
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let sum = |cond: &str| format!("SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)");
    let minorities: Vec<String> =
        Ethnicity::all().iter().filter(|e| e.is_minority()).map(|e| quote(e.code())).collect();
    let college: Vec<String> = Education::all().iter().filter(|e| e.college_plus()).map(|e| quote(e.code())).collect();
    let postgraduate: Vec<String> = Education::all()
        .iter()
        .filter(|e| e.level() == domain::codes::EducationLevel::Postgraduate)
        .map(|e| quote(e.code()))
        .collect();
    let to35 = match db.kind() {
        crate::DbKind::Sqlite => "m.birth_date > date(m.joined_on, '-36 years')".to_string(),
        crate::DbKind::Postgres => {
            "m.birth_date > to_char(CAST(m.joined_on AS DATE) - INTERVAL '36 years', 'YYYY-MM-DD')".to_string()
        }
    };
    let mut b = SqlBuf::new("");
    let (l, o) = (b.arg(last.to_string()), b.arg(on.to_string()));
    b.push(&format!(
        "SELECT s.org_id, COUNT(*) AS n, {women}, {minority}, {young}, {college}, {postgraduate}, {key} \
         FROM members m JOIN member_org_spans s ON s.member_id = m.id AND s.kind = 'branch' \
         AND s.start_on <= m.joined_on AND (s.end_on IS NULL OR s.end_on >= m.joined_on) \
         WHERE m.joined_on > {l} AND m.joined_on <= {o} AND ",
        women = sum(&format!("m.gender = {}", quote(Gender::Female.as_str()))),
        minority = sum(&format!("m.ethnicity IN ({})", minorities.join(","))),
        young = sum(&to35),
        college = sum(&format!("m.education IN ({})", college.join(","))),
        postgraduate = sum(&format!("m.education IN ({})", postgraduate.join(","))),
        key = sum("m.key_teacher = 1"),
    ));
    push_in(&mut b, "s.org_id", branch_ids);
    b.push(" GROUP BY s.org_id");
    type Admitted = (i64, i64, i64, i64, i64, i64, i64, i64);
    let rows: Vec<Admitted> = db.fetch_all(&b.text, &b.args).await?;
    for (org, n, women, minority, young, college, postgraduate, key) in rows {
        for (t, v) in [
            (Tally::Recruited, n),
            (Tally::RecruitedWomen, women),
            (Tally::RecruitedMinorities, minority),
            (Tally::RecruitedTo35, young),
            (Tally::RecruitedCollegePlus, college),
            (Tally::RecruitedPostgraduates, postgraduate),
            (Tally::RecruitedKeyTeachers, key),
        ] {
            out.push((org, t, count(v)));
        }
    }
    Ok(out)
}

/// Table 15: members confirmed in the year, at the branch whose span covers the day.
async fn confirmations(db: &Db, branch_ids: &[i64], last: NaiveDate, on: NaiveDate) -> Result<Vec<(i64, Tally, u64)>> {
    let mut out = Vec::new();
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let sum = |cond: &str| format!("SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)");
    let mut b = SqlBuf::new("");
    let (l, o) = (b.arg(last.to_string()), b.arg(on.to_string()));
    b.push(&format!(
        "SELECT s.org_id, COUNT(*) AS n, {extended} FROM members m JOIN member_org_spans s ON s.member_id = m.id \
         AND s.kind = 'branch' AND s.start_on <= m.confirmed_on AND (s.end_on IS NULL OR s.end_on >= m.confirmed_on) \
         WHERE m.confirmed_on > {l} AND m.confirmed_on <= {o} AND m.confirmed_on > m.joined_on AND ",
        extended = sum("COALESCE(m.probation_extension_months, 0) > 0"),
    ));
    push_in(&mut b, "s.org_id", branch_ids);
    b.push(" GROUP BY s.org_id");
    let rows: Vec<(i64, i64, i64)> = db.fetch_all(&b.text, &b.args).await?;
    for (org, n, extended) in rows {
        out.push((org, Tally::Confirmed, count(n)));
        out.push((org, Tally::ConfirmedAfterExtension, count(extended)));
    }

    Ok(out)
}

/// Tables 18–20: people on the path on the day.
async fn pipeline(db: &Db, branch_ids: &[i64], on: NaiveDate) -> Result<Vec<(i64, Tally, u64)>> {
    let mut out = Vec::new();
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    // 18–20: people on the path on the day, by the stage of their furthest step recorded by
    // then; not ended by then and not yet members.
    let step_numbers: Vec<String> =
        Step::ALL.iter().map(|s| format!("WHEN {} THEN {}", quote(s.as_str()), s.number())).collect();
    let bucket =
        |stage: Stage| -> Vec<u8> { Step::ALL.iter().filter(|s| s.stage() == stage).map(|s| s.number()).collect() };
    let range = |stages: &[Stage]| -> (u8, u8) {
        let n: Vec<u8> = stages.iter().flat_map(|s| bucket(*s)).collect();
        (n.iter().copied().min().unwrap_or(0), n.iter().copied().max().unwrap_or(0))
    };
    let (apply_lo, apply_hi) = range(&[Stage::Application]);
    let (act_lo, act_hi) = range(&[Stage::Activist]);
    let (cand_lo, cand_hi) = range(&[Stage::Candidate, Stage::Admission]);
    let mut b = SqlBuf::new("");
    let o = b.arg(on.to_string());
    b.push(&format!(
        "SELECT branch_id, \
         SUM(CASE WHEN furthest BETWEEN {apply_lo} AND {apply_hi} THEN 1 ELSE 0 END), \
         SUM(CASE WHEN furthest BETWEEN {act_lo} AND {act_hi} THEN 1 ELSE 0 END), \
         SUM(CASE WHEN furthest BETWEEN {cand_lo} AND {cand_hi} THEN 1 ELSE 0 END) FROM (\
         SELECT r.branch_id, (SELECT MAX(CASE st.step {whens} ELSE 0 END) FROM recruit_steps st \
         WHERE st.recruit_id = r.id AND st.on_date <= {o}) AS furthest FROM recruits r \
         WHERE (r.ended_on IS NULL OR r.ended_on > {o}) \
         AND (r.member_id IS NULL OR NOT EXISTS (SELECT 1 FROM members m WHERE m.id = r.member_id AND m.joined_on <= {o})) AND ",
        whens = step_numbers.join(" "),
    ));
    push_in(&mut b, "r.branch_id", branch_ids);
    b.push(") p GROUP BY branch_id");
    type Pipeline = (i64, Option<i64>, Option<i64>, Option<i64>);
    let rows: Vec<Pipeline> = db.fetch_all(&b.text, &b.args).await?;
    for (org, applicants, activists, candidates) in rows {
        out.push((org, Tally::Applicants, count(applicants.unwrap_or(0))));
        out.push((org, Tally::Activists, count(activists.unwrap_or(0))));
        out.push((org, Tally::Candidates, count(candidates.unwrap_or(0))));
    }
    Ok(out)
}

/// Table 8: the ratings given at the 民主评议党员 meetings the branches held in the year.
async fn appraisals(db: &Db, branch_ids: &[i64], last: NaiveDate, on: NaiveDate) -> Result<Vec<(i64, Tally, u64)>> {
    let mut b = SqlBuf::new(
        "SELECT mt.org_id, r.rating, COUNT(*) AS n FROM appraisal_ratings r JOIN meetings mt ON mt.id = r.meeting_id WHERE ",
    );
    push_in(&mut b, "mt.org_id", branch_ids);
    b.push(" AND mt.voided_on IS NULL");
    b.push_arg(" AND mt.held_on > ", last.to_string());
    b.push_arg(" AND mt.held_on <= ", on.to_string());
    b.push(" GROUP BY mt.org_id, r.rating");
    tallied(db.fetch_all(&b.text, &b.args).await?, &Tally::APPRAISALS, "appraisal_ratings")
}

/// Tables 33–35 and 43: members counted at a branch on the day who were away that day, by the
/// kind of their 外出登记, and those marked out of contact since a day on or before it.
async fn away_and_lost(db: &Db, branch_ids: &[i64], on: NaiveDate) -> Result<Vec<(i64, Tally, u64)>> {
    let mut b = SqlBuf::new("");
    let o = b.arg(on.to_string());
    let (covers, status) = (crate::member::span_covers_sql(&o), crate::member::status_on_sql(&o));
    let kinds: Vec<String> = Tally::AWAY.iter().map(|(_, k)| quote(k)).collect();
    b.push(&format!(
        "SELECT org_id, kind, COUNT(*) AS n FROM (SELECT s.org_id, a.kind FROM member_org_spans s \
         JOIN members m ON m.id = s.member_id JOIN member_away a ON a.member_id = m.id AND a.kind IN ({kinds}) \
         AND a.left_on <= {o} AND (a.ended_on IS NULL OR a.ended_on > {o}) WHERE ",
        kinds = kinds.join(",")
    ));
    push_in(&mut b, "s.org_id", branch_ids);
    b.push(&format!(" AND s.kind = 'branch' AND {covers} AND {status} IN ('full','probationary') UNION ALL "));
    b.push(&format!(
        "SELECT s.org_id, 'lost_contact' AS kind FROM member_org_spans s JOIN members m ON m.id = s.member_id \
         WHERE m.lost_contact = 1 AND m.lost_contact_since <= {o} AND "
    ));
    push_in(&mut b, "s.org_id", branch_ids);
    b.push(&format!(
        " AND s.kind = 'branch' AND {covers} AND {status} IN ('full','probationary')) x GROUP BY org_id, kind"
    ));
    let kinds: Vec<(Tally, &str)> = Tally::AWAY.into_iter().chain([(Tally::LostContact, "lost_contact")]).collect();
    tallied(db.fetch_all(&b.text, &b.args).await?, &kinds, "member_away")
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
