//! The knowledge contest (知识竞赛): question banks, contests with their pools, and members'
//! submissions with their answers ([`domain::contest`]). A submission holds the answers and the
//! score only: nothing here records when or for how long anyone answered.

use chrono::NaiveDate;
use domain::contest::{Contest, Question, QuestionKind};
use serde::Serialize;

use crate::{Db, Result, SqlBuf, StorageError, Tx, now_ms};

crate::typed_row! {
    /// A question of a bank.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct QuestionRow in "questions" {
        pub id: i64,
        pub org_id: i64,
        pub kind: QuestionKind,
        pub stem: String,
        /// One option a line.
        pub options: String,
        pub answer: String,
        pub source: String,
    }
}

impl QuestionRow {
    /// The options in order.
    pub fn option_list(&self) -> Vec<String> {
        self.options.lines().map(str::to_string).collect()
    }
}

crate::typed_row! {
    /// A contest with the name of the org that set it and the size of its pool.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct ContestRow in "contests" {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub title: String,
        pub starts_on: NaiveDate,
        pub ends_on: NaiveDate,
        pub question_count: i64,
        pub ranking: bool,
        pub pool: i64,
    }
}

const QUESTION_COLUMNS: &str = "q.id, q.org_id, q.kind, q.stem, q.options, q.answer, q.source";

/// Adds questions to the bank of the org at `org_path`.
pub async fn insert_questions(
    tx: &mut Tx,
    org_id: i64,
    org_path: &str,
    questions: &[Question],
    by: i64,
) -> Result<Vec<i64>> {
    let now = now_ms();
    let mut ids = Vec::with_capacity(questions.len());
    for q in questions {
        ids.push(
            tx.insert_returning_id(
                "INSERT INTO questions (org_id, org_path, kind, stem, options, answer, source, retired, created_by, \
                 created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,0,$8,$9) RETURNING id",
                &[
                    org_id.into(),
                    org_path.into(),
                    q.kind.as_str().into(),
                    q.stem.as_str().into(),
                    q.options.join("\n").into(),
                    q.answer.as_str().into(),
                    q.source.as_str().into(),
                    by.into(),
                    now.into(),
                ],
            )
            .await?,
        );
    }
    Ok(ids)
}

/// The questions in the org's bank (not retired), oldest first.
pub async fn bank_of(db: &Db, org_id: i64) -> Result<Vec<QuestionRow>> {
    db.fetch_all(
        &format!("SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.org_id = $1 AND q.retired = 0 ORDER BY q.id"),
        &[org_id.into()],
    )
    .await
}

/// The stems already in the org's bank among `stems` (an import adds no question twice).
pub async fn stems_in_bank(db: &Db, org_id: i64, stems: &[String]) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for chunk in stems.chunks(200) {
        let mut b = SqlBuf::new("SELECT q.stem FROM questions q WHERE q.retired = 0 AND ");
        b.push_arg("q.org_id = ", org_id);
        b.push(" AND q.stem IN (");
        for (i, s) in chunk.iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            let a = b.arg(s.as_str());
            b.push(&a);
        }
        b.push(")");
        let rows: Vec<(String,)> = db.fetch_buf(&b).await?;
        found.extend(rows.into_iter().map(|(s,)| s));
    }
    Ok(found)
}

/// Retires a question of the org's bank: later contests no longer draw it. `false` when the
/// org's bank has no such question.
pub async fn retire_question(tx: &mut Tx, org_id: i64, id: i64) -> Result<bool> {
    Ok(tx
        .execute(
            "UPDATE questions SET retired = 1 WHERE id = $1 AND org_id = $2 AND retired = 0",
            &[id.into(), org_id.into()],
        )
        .await?
        > 0)
}

/// Sets a contest of the org at `org_path`, its pool the org's bank as it stands.
pub async fn insert_contest(tx: &mut Tx, org_id: i64, org_path: &str, c: &Contest, by: i64) -> Result<i64> {
    let id = tx
        .insert_returning_id(
            "INSERT INTO contests (org_id, org_path, title, starts_on, ends_on, question_count, ranking, created_by, \
             created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id",
            &[
                org_id.into(),
                org_path.into(),
                c.title.as_str().into(),
                c.starts_on.into(),
                c.ends_on.into(),
                i64::from(c.question_count).into(),
                i64::from(c.ranking).into(),
                by.into(),
                now_ms().into(),
            ],
        )
        .await?;
    let bank: Vec<(i64,)> = tx
        .fetch_all("SELECT id FROM questions WHERE org_id = $1 AND retired = 0 ORDER BY id", &[org_id.into()])
        .await?;
    for (position, (question_id,)) in bank.iter().enumerate() {
        tx.execute(
            "INSERT INTO contest_questions (contest_id, position, question_id) VALUES ($1,$2,$3)",
            &[id.into(), i64::try_from(position).unwrap_or(i64::MAX).into(), (*question_id).into()],
        )
        .await?;
    }
    Ok(id)
}

const CONTEST_COLUMNS: &str = "c.id, c.org_id, c.org_path, o.name AS org_name, c.title, c.starts_on, c.ends_on, \
     c.question_count, c.ranking, (SELECT COUNT(*) FROM contest_questions p WHERE p.contest_id = c.id) AS pool \
     FROM contests c JOIN orgs o ON o.id = c.org_id";

/// One contest, whoever set it (the service decides who sees it).
pub async fn get_contest(db: &Db, id: i64) -> Result<Option<ContestRow>> {
    db.fetch_optional(&format!("SELECT {CONTEST_COLUMNS} WHERE c.id = $1"), &[id.into()]).await
}

/// The contests set by the orgs with `lo <= path < hi` or by the orgs at `above` (the ancestors,
/// whose contests reach the subtree), newest window first.
pub async fn contests_of(db: &Db, lo: &str, hi: &str, above: &[String]) -> Result<Vec<ContestRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {CONTEST_COLUMNS} WHERE (("));
    b.push_arg("c.org_path >= ", lo);
    b.push_arg(" AND c.org_path < ", hi);
    b.push(")");
    for path in above {
        b.push_arg(" OR c.org_path = ", path.as_str());
    }
    b.push(") ORDER BY c.starts_on DESC, c.id DESC");
    db.fetch_buf(&b).await
}

/// The contests set by the orgs at `paths` (a member's branch and the orgs above it), newest
/// window first.
pub async fn contests_at(db: &Db, paths: &[String]) -> Result<Vec<ContestRow>> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new(&format!("SELECT {CONTEST_COLUMNS} WHERE "));
    for (i, path) in paths.iter().enumerate() {
        b.push_arg(if i == 0 { "c.org_path = " } else { " OR c.org_path = " }, path.as_str());
    }
    b.push(" ORDER BY c.starts_on DESC, c.id DESC");
    db.fetch_buf(&b).await
}

/// The contest's pool in order.
pub async fn pool_of(db: &Db, contest_id: i64) -> Result<Vec<QuestionRow>> {
    db.fetch_all(
        &format!(
            "SELECT {QUESTION_COLUMNS} FROM contest_questions p JOIN questions q ON q.id = p.question_id \
             WHERE p.contest_id = $1 ORDER BY p.position"
        ),
        &[contest_id.into()],
    )
    .await
}

crate::typed_row! {
    /// A member's submission.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct SubmissionRow in "contest_submissions" {
        pub id: i64,
        pub contest_id: i64,
        pub member_id: i64,
        pub branch_id: i64,
        pub score: i64,
    }
}

crate::typed_row! {
    /// One answer of a submission.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct AnswerRow in "contest_answers" {
        pub position: i64,
        pub question_id: i64,
        pub answer: String,
        pub correct: bool,
    }
}

/// The member's submission to the contest, if any.
pub async fn submission_of(db: &Db, contest_id: i64, member_id: i64) -> Result<Option<SubmissionRow>> {
    db.fetch_optional(
        "SELECT id, contest_id, member_id, branch_id, score FROM contest_submissions WHERE contest_id = $1 \
         AND member_id = $2",
        &[contest_id.into(), member_id.into()],
    )
    .await
}

/// The answers of a submission in the paper's order.
pub async fn answers_of(db: &Db, submission_id: i64) -> Result<Vec<AnswerRow>> {
    db.fetch_all(
        "SELECT position, question_id, answer, correct FROM contest_answers WHERE submission_id = $1 ORDER BY position",
        &[submission_id.into()],
    )
    .await
}

/// One answer to write: (position on the paper, question, the letters given, right).
pub type NewAnswer = (i64, i64, String, bool);

/// Writes a member's one submission. A second one for the same contest and member is a
/// [`StorageError::Conflict`] (the unique key), even when two arrive at once.
pub async fn insert_submission(
    tx: &mut Tx,
    contest_id: i64,
    member_id: i64,
    branch: (i64, &str),
    score: i64,
    answers: &[NewAnswer],
) -> Result<i64> {
    let id = tx
        .insert_returning_id(
            "INSERT INTO contest_submissions (contest_id, member_id, branch_id, branch_path, score) \
             VALUES ($1,$2,$3,$4,$5) RETURNING id",
            &[contest_id.into(), member_id.into(), branch.0.into(), branch.1.into(), score.into()],
        )
        .await
        .map_err(|e| if e.is_unique_violation() { StorageError::Conflict("contest_submissions".into()) } else { e })?;
    for (position, question_id, answer, correct) in answers {
        tx.execute(
            "INSERT INTO contest_answers (submission_id, position, question_id, answer, correct) VALUES ($1,$2,$3,$4,$5)",
            &[id.into(), (*position).into(), (*question_id).into(), answer.as_str().into(), i64::from(*correct).into()],
        )
        .await?;
    }
    Ok(id)
}

/// The member's branch on `on` (id and path), when they were a full or probationary member of a
/// branch with `lo <= path < hi` that day: who may answer a contest of that subtree.
pub async fn eligible_branch(
    db: &Db,
    member_id: i64,
    on: NaiveDate,
    lo: &str,
    hi: &str,
) -> Result<Option<(i64, String)>> {
    let mut b = SqlBuf::new("");
    let on = b.arg(on);
    let status = crate::member::status_on_sql(&on);
    let covers = crate::member::span_covers_sql(&on);
    b.push(&format!(
        "SELECT o.id, o.path FROM member_org_spans s JOIN members m ON m.id = s.member_id JOIN orgs o ON o.id = s.org_id \
         WHERE s.kind = 'branch' AND {covers} AND {status} IN ('probationary','full') AND "
    ));
    b.push_arg("m.id = ", member_id);
    b.push_arg(" AND o.path >= ", lo);
    b.push_arg(" AND o.path < ", hi);
    Ok(db.fetch_buf(&b).await?.into_iter().next())
}

crate::typed_row! {
    /// A branch's participation in a contest.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct BranchResult in "contest_submissions" {
        pub branch_id: i64,
        pub branch_path: String,
        pub eligible: i64,
        pub answered: i64,
        pub score_sum: i64,
    }
}

/// Each branch with `lo <= path < hi`: its full and probationary members on `on` (the window's
/// first day), how many of them handed in a paper to the contest, and their scores together.
pub async fn branch_results(db: &Db, contest_id: i64, lo: &str, hi: &str, on: NaiveDate) -> Result<Vec<BranchResult>> {
    let mut b = SqlBuf::new("");
    let on = b.arg(on);
    let contest = b.arg(contest_id);
    let status = crate::member::status_on_sql(&on);
    let covers = crate::member::span_covers_sql(&on);
    let (lo, hi) = (b.arg(lo), b.arg(hi));
    b.push(&format!(
        "SELECT x.branch_id, x.branch_path, COUNT(*) AS eligible, \
         CAST(COALESCE(SUM(CASE WHEN sub.id IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT) AS answered, \
         CAST(COALESCE(SUM(sub.score), 0) AS BIGINT) AS score_sum \
         FROM (SELECT o.id AS branch_id, o.path AS branch_path, m.id AS member_id, {status} AS status \
         FROM member_org_spans s JOIN members m ON m.id = s.member_id JOIN orgs o ON o.id = s.org_id \
         WHERE s.kind = 'branch' AND {covers} AND o.path >= {lo} AND o.path < {hi}) x \
         LEFT JOIN contest_submissions sub ON sub.contest_id = {contest} AND sub.member_id = x.member_id \
         WHERE x.status IN ('probationary','full') GROUP BY x.branch_id, x.branch_path ORDER BY x.branch_path"
    ));
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A line of a contest's ranking.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct RankRow in "contest_submissions" {
        pub member_id: i64,
        pub name: String,
        pub branch_id: i64,
        pub branch_name: String,
        pub score: i64,
    }
}

/// The submissions from branches with `lo <= path < hi`, best score first, then by branch and
/// name: at most `limit`.
pub async fn ranking(db: &Db, contest_id: i64, lo: &str, hi: &str, limit: i64) -> Result<Vec<RankRow>> {
    let mut b = SqlBuf::new(
        "SELECT s.member_id, m.name, s.branch_id, o.name AS branch_name, s.score FROM contest_submissions s \
         JOIN members m ON m.id = s.member_id JOIN orgs o ON o.id = s.branch_id WHERE ",
    );
    b.push_arg("s.contest_id = ", contest_id);
    b.push_arg(" AND s.branch_path >= ", lo);
    b.push_arg(" AND s.branch_path < ", hi);
    b.push(" ORDER BY s.score DESC, s.branch_path, m.name_key, m.id");
    b.push_arg(" LIMIT ", limit);
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A contest a member answered, with their score.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct OwnScore in "contest_submissions" {
        pub contest_id: i64,
        pub title: String,
        pub ends_on: NaiveDate,
        pub score: i64,
        pub questions: i64,
    }
}

/// The contests the member answered, newest first.
pub async fn scores_of(db: &Db, member_id: i64) -> Result<Vec<OwnScore>> {
    db.fetch_all(
        "SELECT s.contest_id, c.title, c.ends_on, s.score, (SELECT COUNT(*) FROM contest_answers a \
         WHERE a.submission_id = s.id) AS questions FROM contest_submissions s JOIN contests c ON c.id = s.contest_id \
         WHERE s.member_id = $1 ORDER BY c.ends_on DESC, c.id DESC",
        &[member_id.into()],
    )
    .await
}
