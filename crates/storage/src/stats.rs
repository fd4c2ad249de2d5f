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
use domain::stats::{EDUCATION_SLOTS, JoinPeriod, Profile};

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
