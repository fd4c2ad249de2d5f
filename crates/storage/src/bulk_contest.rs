//! The knowledge contest for the demos (知识竞赛), generated inside the database like the other
//! bulk records, deterministic on ids, for the members of the branches whose path is in `lo..hi`:
//! - a past contest (ranking chosen) that one member in five (`id % 5 = 2`) did not take part in;
//! - a contest open on `as_of` (no ranking) that one member in three (`id % 3 = 1`) has answered
//!   so far, never the demo member (`exclude`), who answers it in the browser test.
//!
//! Each paper is the member's draw ([`domain::contest::draw`], computed here in SQL: positions
//! `(member × 31 + contest) mod pool + k`); an answer is wrong for some members and positions
//! (`(member × 7 + k × 13) mod 10 < 1 + member mod 4`), so scores spread. Scores are summed
//! from the answers.

use crate::{Arg, Result, Tx};

/// One contest to fill with papers.
#[derive(Debug, Clone)]
pub struct PaperPlan {
    pub contest_id: i64,
    pub lo: String,
    pub hi: String,
    /// Members who joined by this day (the window's first day) may answer.
    pub joined_by: String,
    /// SQL condition on `m.id` choosing who answered (`m.id % 5 <> 2`).
    pub who: &'static str,
    /// A member who has not answered (the demo member of the browser test).
    pub exclude: Option<i64>,
}

/// Writes the papers of a contest: its submissions, their answers and their scores. Returns the
/// number of submissions.
pub async fn papers(tx: &mut Tx, plan: &PaperPlan) -> Result<u64> {
    let (pool, count): (i64, i64) = tx
        .fetch_one(
            "SELECT (SELECT COUNT(*) FROM contest_questions WHERE contest_id = $1), \
             (SELECT question_count FROM contests WHERE id = $1)",
            &[plan.contest_id.into()],
        )
        .await?;
    if pool == 0 {
        return Ok(0);
    }
    let c = plan.contest_id;
    let exclude = plan.exclude.map(|id| format!(" AND m.id <> {id}")).unwrap_or_default();
    let range = || vec![Arg::Str(plan.lo.clone()), Arg::Str(plan.hi.clone()), Arg::Str(plan.joined_by.clone())];
    let n = tx
        .execute(
            &format!(
                "INSERT INTO contest_submissions (contest_id, member_id, branch_id, branch_path, score) \
                 SELECT {c}, m.id, m.branch_id, m.branch_path, 0 FROM members m WHERE m.branch_path >= $1 \
                 AND m.branch_path < $2 AND m.status IN ('probationary', 'full') AND m.joined_on <= $3 \
                 AND {who}{exclude}",
                who = plan.who
            ),
            &range(),
        )
        .await?;
    tx.execute(
        &format!(
            "INSERT INTO contest_answers (submission_id, position, question_id, answer, correct) \
             SELECT s.id, k.position, q.id, \
             CASE WHEN (s.member_id * 7 + k.position * 13) % 10 < 1 + s.member_id % 4 \
             THEN (CASE WHEN q.answer = 'A' THEN 'B' ELSE 'A' END) ELSE q.answer END, \
             CASE WHEN (s.member_id * 7 + k.position * 13) % 10 < 1 + s.member_id % 4 THEN 0 ELSE 1 END \
             FROM contest_submissions s JOIN contest_questions k ON k.contest_id = s.contest_id AND k.position < {count} \
             JOIN contest_questions p ON p.contest_id = s.contest_id \
             AND p.position = ((s.member_id * 31 + s.contest_id) % {pool} + k.position) % {pool} \
             JOIN questions q ON q.id = p.question_id WHERE s.contest_id = {c}"
        ),
        &[],
    )
    .await?;
    tx.execute(
        &format!(
            "UPDATE contest_submissions SET score = (SELECT COALESCE(SUM(a.correct), 0) FROM contest_answers a \
             WHERE a.submission_id = contest_submissions.id) WHERE contest_id = {c}"
        ),
        &[],
    )
    .await?;
    Ok(n)
}
