//! Term elections (换届选举): the records, their candidates, the voters on the day, and the
//! org's term cache (`orgs.term_start_on`, `term_years`) kept from the latest election.

use chrono::NaiveDate;
use domain::codes::MemberStatus;
use domain::family::lifecycle::election::ElectionMode;
use domain::org::OrgPath;
use domain::scope::Scope;
use serde::Serialize;

use crate::{Db, Result, SqlBuf, Tx, now_ms, scope_filter};

crate::typed_row! {
    /// An election as recorded (counts are empty for a past election recorded by its day only).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct ElectionRow in "elections" {
        pub id: i64,
        pub org_id: i64,
        pub held_on: NaiveDate,
        pub mode: ElectionMode,
        pub term_years: Option<i64>,
        pub voters_expected: Option<i64>,
        pub voters_present: Option<i64>,
        pub seats: Option<i64>,
        pub ballots_issued: Option<i64>,
        pub ballots_returned: Option<i64>,
        pub ballots_invalid: Option<i64>,
        pub majority_base: Option<String>,
        pub approval_no: String,
        pub approved_on: Option<NaiveDate>,
        pub timing_approval_no: String,
        pub congress_approval_no: String,
        pub created_at: i64,
    }
}

crate::typed_row! {
    /// A candidate with their votes.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct CandidateRow in "election_candidates" {
        pub member_id: i64,
        pub name: String,
        pub votes: i64,
        pub elected: bool,
        pub post: Option<String>,
    }
}

const COLS: &str = "e.id, e.org_id, e.held_on, e.mode, e.term_years, e.voters_expected, e.voters_present, e.seats, \
                    e.ballots_issued, e.ballots_returned, e.ballots_invalid, e.majority_base, e.approval_no, \
                    e.approved_on, e.timing_approval_no, e.congress_approval_no, e.created_at";

/// An election to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewElection {
    pub org_id: i64,
    pub held_on: NaiveDate,
    pub mode: ElectionMode,
    pub term_years: i64,
    pub voters_expected: i64,
    pub voters_present: i64,
    pub seats: i64,
    pub ballots_issued: i64,
    pub ballots_returned: i64,
    pub ballots_invalid: i64,
    pub majority_base: String,
    pub approval_no: String,
    pub approved_on: NaiveDate,
    pub timing_approval_no: String,
    pub congress_approval_no: String,
}

pub async fn insert(tx: &mut Tx, e: &NewElection, by: i64) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO elections (org_id, held_on, mode, term_years, voters_expected, voters_present, seats, \
         ballots_issued, ballots_returned, ballots_invalid, majority_base, approval_no, approved_on, \
         timing_approval_no, congress_approval_no, created_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING id",
        &[
            e.org_id.into(),
            e.held_on.into(),
            e.mode.into(),
            e.term_years.into(),
            e.voters_expected.into(),
            e.voters_present.into(),
            e.seats.into(),
            e.ballots_issued.into(),
            e.ballots_returned.into(),
            e.ballots_invalid.into(),
            e.majority_base.as_str().into(),
            e.approval_no.as_str().into(),
            e.approved_on.into(),
            e.timing_approval_no.as_str().into(),
            e.congress_approval_no.as_str().into(),
            by.into(),
            now_ms().into(),
        ],
    )
    .await
}

/// A past election known by its day only (the term start typed when an org is created or first
/// given one).
pub async fn insert_recorded(tx: &mut Tx, org_id: i64, held_on: NaiveDate, term_years: Option<i64>) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO elections (org_id, held_on, mode, term_years, created_at) VALUES ($1,$2,'recorded',$3,$4) \
         RETURNING id",
        &[org_id.into(), held_on.into(), term_years.into(), now_ms().into()],
    )
    .await
}

pub async fn insert_candidate(
    tx: &mut Tx,
    election_id: i64,
    member_id: i64,
    name: &str,
    votes: i64,
    post: Option<&str>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO election_candidates (election_id, member_id, name, votes, elected, post) \
         VALUES ($1,$2,$3,$4,$5,$6)",
        &[
            election_id.into(),
            member_id.into(),
            name.into(),
            votes.into(),
            i64::from(post.is_some()).into(),
            post.into(),
        ],
    )
    .await?;
    Ok(())
}

/// The org's term cache: the latest election's day and term.
pub async fn set_term(tx: &mut Tx, org_id: i64, start: NaiveDate, years: i64) -> Result<()> {
    tx.execute(
        "UPDATE orgs SET term_start_on = $1, term_years = $2, updated_at = $3 WHERE id = $4",
        &[start.into(), years.into(), now_ms().into(), org_id.into()],
    )
    .await?;
    Ok(())
}

/// Whether any election of the org is recorded.
pub async fn any_of(tx: &mut Tx, org_id: i64) -> Result<bool> {
    let (n,): (i64,) = tx.fetch_one("SELECT COUNT(*) FROM elections WHERE org_id = $1", &[org_id.into()]).await?;
    Ok(n > 0)
}

/// The org's elections, newest first, if the org is in the scope.
pub async fn of_org(db: &Db, scope: &Scope, org_id: i64) -> Result<Vec<ElectionRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM elections e JOIN orgs o ON o.id = e.org_id WHERE "));
    b.push_arg("e.org_id = ", org_id);
    scope_filter(&mut b, scope, "o.path", None);
    b.push(" ORDER BY e.held_on DESC, e.id DESC");
    db.fetch_buf(&b).await
}

/// One election, if its org is in the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Option<ElectionRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS} FROM elections e JOIN orgs o ON o.id = e.org_id WHERE "));
    b.push_arg("e.id = ", id);
    scope_filter(&mut b, scope, "o.path", None);
    Ok(db.fetch_buf(&b).await?.into_iter().next())
}

/// The candidates of an election, most votes first.
pub async fn candidates(db: &Db, election_id: i64) -> Result<Vec<CandidateRow>> {
    db.fetch_all(
        "SELECT member_id, name, votes, elected, post FROM election_candidates WHERE election_id = $1 \
         ORDER BY votes DESC, id",
        &[election_id.into()],
    )
    .await
}

crate::typed_row! {
    /// A member of an org's subtree on a day: their status then and whether they are under
    /// 留党察看 (EL-RIGHTS).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct MemberOnDay in "members" {
        pub member_id: i64,
        pub name: String,
        pub status: MemberStatus,
        pub observed: bool,
    }
}

/// The members of the subtree at `path` on `on` (full or probationary that day, by their branch
/// spans), in name order: the voters and candidates of an election held that day.
pub async fn members_on(db: &Db, path: &OrgPath, on: NaiveDate) -> Result<Vec<MemberOnDay>> {
    let (lo, hi) = path.subtree_bounds();
    let mut b = SqlBuf::new("");
    let (on, lo, hi) = (b.arg(on), b.arg(lo), b.arg(hi));
    let status = crate::member::status_on_sql(&on);
    let observed = crate::decision::under_observation_sql(&on);
    b.push(&format!(
        "SELECT member_id, name, status, observed FROM (SELECT DISTINCT m.id AS member_id, m.name, m.name_key, \
         {status} AS status, CAST(CASE WHEN {observed} THEN 1 ELSE 0 END AS BIGINT) AS observed \
         FROM member_org_spans s JOIN orgs o ON o.id = s.org_id JOIN members m ON m.id = s.member_id \
         WHERE s.kind = 'branch' AND o.path >= {lo} AND o.path < {hi} AND {}) x \
         WHERE status IN ('probationary','full') ORDER BY name_key, member_id",
        crate::member::span_covers_sql(&on)
    ));
    db.fetch_buf(&b).await
}

/// For the demos: each org of the subtree `lo..hi` with a term start and no election gets the
/// past election that started its term (as a migration of existing data would).
pub async fn record_terms(tx: &mut Tx, lo: &str, hi: &str) -> Result<u64> {
    tx.execute(
        "INSERT INTO elections (org_id, held_on, mode, term_years, created_at) \
         SELECT o.id, o.term_start_on, 'recorded', o.term_years, $3 FROM orgs o \
         WHERE o.path >= $1 AND o.path < $2 AND o.term_start_on IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM elections e WHERE e.org_id = o.id)",
        &[lo.into(), hi.into(), now_ms().into()],
    )
    .await
}

crate::typed_row! {
    /// An org's term as the term calendar reads it.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct TermRow in "orgs" {
        pub id: i64,
        pub name: String,
        pub kind: domain::org::OrgKind,
        pub term_start_on: Option<NaiveDate>,
        pub term_years: Option<i64>,
    }
}

/// The terms of the active committees, general branches and branches of the subtree at `path`
/// that end first: for each length of term, the `limit` earliest starts (by the organization
/// index's path range), so the caller can order them by their end; and up to `limit` orgs
/// without a term recorded.
pub async fn terms_ending_first(db: &Db, path: &OrgPath, limit: i64) -> Result<Vec<TermRow>> {
    let (lo, hi) = path.subtree_bounds();
    let mut out = Vec::new();
    let kinds = "o.kind IN ('committee','general_branch','branch') AND o.status = 'active'";
    let years: Vec<(Option<i64>,)> = db
        .fetch_all(
            &format!("SELECT DISTINCT o.term_years FROM orgs o WHERE o.path >= $1 AND o.path < $2 AND {kinds}"),
            &[lo.as_str().into(), hi.as_str().into()],
        )
        .await?;
    for (y,) in years {
        let (cond, args): (&str, Vec<crate::Arg>) = match y {
            Some(y) => ("o.term_years = $3 AND o.term_start_on IS NOT NULL", vec![y.into()]),
            None => ("o.term_years IS NULL", Vec::new()),
        };
        let mut all = vec![lo.as_str().into(), hi.as_str().into()];
        all.extend(args);
        let limit_ph = format!("${}", all.len() + 1);
        all.push(limit.into());
        out.extend(
            db.fetch_all::<TermRow>(
                &format!(
                    "SELECT o.id, o.name, o.kind, o.term_start_on, o.term_years FROM orgs o \
                     WHERE o.path >= $1 AND o.path < $2 AND {kinds} AND {cond} ORDER BY o.term_start_on, o.path \
                     LIMIT {limit_ph}"
                ),
                &all,
            )
            .await?,
        );
    }
    let missing: Vec<TermRow> = db
        .fetch_all(
            &format!(
                "SELECT o.id, o.name, o.kind, o.term_start_on, o.term_years FROM orgs o \
                 WHERE o.path >= $1 AND o.path < $2 AND {kinds} AND o.term_years IS NOT NULL \
                 AND o.term_start_on IS NULL ORDER BY o.path LIMIT $3"
            ),
            &[lo.as_str().into(), hi.as_str().into(), limit.into()],
        )
        .await?;
    out.extend(missing);
    Ok(out)
}
