//! The "学条例" knowledge contest (知识竞赛): an org's question bank (题库), the contests it sets
//! with a window and a question count, members answering once, and the results per org
//! (participation and average score) with a per-person ranking only when the contest was set
//! with 竞赛排名 ([`domain::contest`]).
//!
//! Who sees what: the administrators of the org that set a contest see it all; an administrator
//! or party worker of an org inside its subtree sees it and the results of their own subtree; a
//! member sees the contests of their branch and the orgs above it, answers them, and sees their
//! own score. Without 竞赛排名 nobody but the member sees a person's score.
//!
//! Nothing here reads or keeps time online, log-ins, check-ins or streaks (principle 7).

use std::collections::BTreeMap;

use domain::FieldErrors;
use domain::contest::{self, ContestInput, Participation, QuestionInput, Refusal, WindowState};
use domain::org::{OrgKind, OrgPath, OrgStatus};
use domain::scope::{Action, Actor, Target, can};
use serde::{Deserialize, Serialize};
pub use storage::contest::{ContestRow, OwnScore, QuestionRow, RankRow};

use crate::{Entry, Result, ServiceError, Services};

/// An org's question bank.
#[derive(Debug, Clone, Serialize)]
pub struct Bank {
    pub org_id: i64,
    pub org_name: String,
    pub questions: Vec<QuestionRow>,
    pub can_edit: bool,
}

/// A contest with where today stands in its window.
#[derive(Debug, Clone, Serialize)]
pub struct ContestLine {
    pub contest: ContestRow,
    pub state: WindowState,
}

/// The contests an org sees: those its subtree set and those of the orgs above it.
#[derive(Debug, Clone, Serialize)]
pub struct ContestList {
    pub org_id: i64,
    pub org_name: String,
    pub contests: Vec<ContestLine>,
    /// Whether the viewer may set a contest for the org (and keep its bank).
    pub can_set: bool,
}

/// One question of a member's paper: the question, and once the paper is in, the answer
/// given and whether it was right.
#[derive(Debug, Clone, Serialize)]
pub struct PaperQuestion {
    /// 1, 2, 3 … on the paper.
    pub number: usize,
    pub question: QuestionRow,
    pub options: Vec<String>,
    pub given: Option<String>,
    pub correct: Option<bool>,
}

/// The viewer's own paper of a contest.
#[derive(Debug, Clone, Serialize)]
pub struct Paper {
    pub member_id: i64,
    /// Why the member may not hand in a paper now (already answered, outside the window, not of
    /// the subtree); `None` when they may.
    pub refusal: Option<&'static str>,
    pub questions: Vec<PaperQuestion>,
    /// The score, once the paper is in.
    pub score: Option<i64>,
}

/// A contest as its viewer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ContestView {
    pub contest: ContestRow,
    pub state: WindowState,
    /// Whether the viewer administers the org that set it.
    pub can_edit: bool,
    /// The org whose results the viewer may read (the contest's org or the viewer's own
    /// subtree inside it).
    pub results_org: Option<i64>,
    /// The viewer's paper, when the viewer is a member.
    pub paper: Option<Paper>,
}

/// A member's answers: question id → the letters chosen ("A", "ACD"; 正确 / 错误 for true /
/// false).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswersIn {
    pub answers: BTreeMap<i64, String>,
}

/// One line of a contest's results: an org of the subtree (or the org itself) with its members'
/// participation.
#[derive(Debug, Clone, Serialize)]
pub struct ResultLine {
    pub org_id: i64,
    pub org_name: String,
    pub participation: Participation,
}

/// A contest's results for an org's subtree.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub contest: ContestRow,
    pub org_id: i64,
    pub org_name: String,
    pub total: Participation,
    /// One line per org directly below (each with its subtree), or the branch itself.
    pub lines: Vec<ResultLine>,
    /// The per-person ranking, only for a contest set with 竞赛排名.
    pub ranking: Option<Vec<RankRow>>,
}

/// The most lines a ranking lists.
pub const RANKING_LINES: i64 = 50_000;

/// The paths of an org and every org above it ("/1/", "/1/7/", "/1/7/23/").
fn with_ancestors(path: &OrgPath) -> Vec<String> {
    let ids = path.ids();
    (1..=ids.len())
        .map(|n| format!("/{}/", ids[..n].iter().map(i64::to_string).collect::<Vec<_>>().join("/")))
        .collect()
}

fn contest_path(c: &ContestRow) -> Result<OrgPath> {
    OrgPath::parse(&c.org_path).map_err(|_| ServiceError::Internal(format!("contests {}: bad org_path", c.id)))
}

impl Services {
    /// An org the actor keeps (bank, contests): in scope, active, not a group.
    async fn contest_org(&self, actor: &Actor, org_id: i64) -> Result<storage::org::OrgRow> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::EditOrg, Target::Org(&path)) || org.status != OrgStatus::Active {
            return Err(ServiceError::Forbidden);
        }
        if org.kind == OrgKind::Group {
            return Err(ServiceError::field("org", "知识竞赛由党支部或上级党组织举办"));
        }
        Ok(org)
    }

    /// The org's question bank.
    pub async fn question_bank(&self, actor: &Actor, org_id: i64) -> Result<Bank> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        let questions = storage::contest::bank_of(&self.db, org_id).await?;
        let can_edit = can(actor, Action::EditOrg, Target::Org(&path)) && org.status == OrgStatus::Active;
        Ok(Bank { org_id, org_name: org.name, questions, can_edit })
    }

    /// Adds one question to the org's bank.
    pub async fn add_question(&self, actor: &Actor, org_id: i64, input: &QuestionInput) -> Result<i64> {
        let org = self.contest_org(actor, org_id).await?;
        let q = input.check().map_err(ServiceError::Invalid)?;
        if !storage::contest::stems_in_bank(&self.db, org_id, std::slice::from_ref(&q.stem)).await?.is_empty() {
            return Err(ServiceError::field("stem", "题库中已有相同题干的题目"));
        }
        let mut tx = self.db.begin().await?;
        let ids =
            storage::contest::insert_questions(&mut tx, org.id, &org.path, std::slice::from_ref(&q), actor.account_id)
                .await?;
        let id = ids.first().copied().ok_or_else(|| ServiceError::Internal("question not written".into()))?;
        let entry = Entry {
            action: "contest.question_add",
            entity: "question",
            entity_id: Some(id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(serde_json::json!({ "kind": q.kind.as_str(), "stem": q.stem, "answer": q.answer })),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Sets a contest of the org over its bank as it stands.
    pub async fn set_contest(&self, actor: &Actor, org_id: i64, input: &ContestInput) -> Result<i64> {
        let org = self.contest_org(actor, org_id).await?;
        let bank = storage::contest::bank_of(&self.db, org_id).await?.len();
        if bank == 0 {
            return Err(ServiceError::field("question_count", "题库中还没有题目，请先录入或导入题库"));
        }
        let c = input.check(self.today(), bank).map_err(ServiceError::Invalid)?;
        let mut tx = self.db.begin().await?;
        let id = storage::contest::insert_contest(&mut tx, org.id, &org.path, &c, actor.account_id).await?;
        let entry = Entry {
            action: "contest.set",
            entity: "contest",
            entity_id: Some(id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(serde_json::json!({
                "title": c.title, "starts_on": c.starts_on.to_string(), "ends_on": c.ends_on.to_string(),
                "question_count": c.question_count, "ranking": c.ranking, "pool": bank,
            })),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The contests the org sees: set in its subtree or by the orgs above it.
    pub async fn contests(&self, actor: &Actor, org_id: i64) -> Result<ContestList> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        let (lo, hi) = path.subtree_bounds();
        let mut above = with_ancestors(&path);
        above.pop();
        let today = self.today();
        let contests = storage::contest::contests_of(&self.db, &lo, &hi, &above)
            .await?
            .into_iter()
            .map(|c| ContestLine { state: WindowState::of(c.starts_on, c.ends_on, today), contest: c })
            .collect();
        let can_set = can(actor, Action::EditOrg, Target::Org(&path))
            && org.status == OrgStatus::Active
            && org.kind != OrgKind::Group;
        Ok(ContestList { org_id, org_name: org.name, contests, can_set })
    }

    /// The viewer's own member record's branch path, when the viewer is a member.
    async fn own_branch(&self, actor: &Actor) -> Result<Option<(i64, OrgPath)>> {
        let Some(id) = actor.own_member_id() else { return Ok(None) };
        let Some(m) = storage::member::get(&self.db, &actor.scope(), id).await? else { return Ok(None) };
        Ok(Some((id, m.branch_org_path()?)))
    }

    /// The org whose results the viewer reads by default: the contest's org when they see it,
    /// else the first of their subtrees inside the contest's.
    fn results_org_of(actor: &Actor, path: &OrgPath) -> Option<i64> {
        if can(actor, Action::ViewOrg, Target::Org(path)) {
            return path.id();
        }
        actor.scope().subtrees.iter().find(|s| s.is_within(path)).and_then(OrgPath::id)
    }

    /// One contest as the viewer sees it, with their paper when they are a member of its
    /// subtree. `NotFound` for a viewer with no part in it.
    pub async fn contest(&self, actor: &Actor, id: i64) -> Result<ContestView> {
        let c = storage::contest::get_contest(&self.db, id).await?.ok_or(ServiceError::NotFound)?;
        let path = contest_path(&c)?;
        let can_edit = can(actor, Action::EditOrg, Target::Org(&path));
        let results_org = Self::results_org_of(actor, &path);
        let own = self.own_branch(actor).await?.filter(|(_, b)| b.is_within(&path));
        if results_org.is_none() && own.is_none() {
            return Err(ServiceError::NotFound);
        }
        let today = self.today();
        let paper = match own {
            Some((member_id, _)) => Some(self.paper(&c, &path, member_id).await?),
            None => None,
        };
        Ok(ContestView {
            state: WindowState::of(c.starts_on, c.ends_on, today),
            contest: c,
            can_edit,
            results_org,
            paper,
        })
    }

    /// A member's paper of a contest: their questions, and their answers once handed in.
    async fn paper(&self, c: &ContestRow, path: &OrgPath, member_id: i64) -> Result<Paper> {
        let pool = storage::contest::pool_of(&self.db, c.id).await?;
        let count = u32::try_from(c.question_count).unwrap_or(0);
        let submission = storage::contest::submission_of(&self.db, c.id, member_id).await?;
        let (lo, hi) = path.subtree_bounds();
        let eligible = storage::contest::eligible_branch(&self.db, member_id, c.starts_on, &lo, &hi).await?.is_some();
        let refusal = contest::may_answer(c.starts_on, c.ends_on, self.today(), eligible, submission.is_some())
            .err()
            .map(Refusal::message);
        let mut questions = Vec::new();
        match &submission {
            Some(s) => {
                // The paper as handed in (the pool's order may not be read again: it is the same).
                let answers = storage::contest::answers_of(&self.db, s.id).await?;
                for (i, a) in answers.into_iter().enumerate() {
                    let Some(q) = pool.iter().find(|q| q.id == a.question_id) else { continue };
                    questions.push(PaperQuestion {
                        number: i + 1,
                        options: q.option_list(),
                        question: q.clone(),
                        given: Some(a.answer),
                        correct: Some(a.correct),
                    });
                }
            }
            None if refusal.is_none() => {
                for (i, p) in contest::draw(c.id, member_id, pool.len(), count).into_iter().enumerate() {
                    let Some(q) = pool.get(p) else { continue };
                    let mut q = q.clone();
                    // The key stays on the server until the paper is in.
                    q.answer.clear();
                    questions.push(PaperQuestion {
                        number: i + 1,
                        options: q.option_list(),
                        question: q,
                        given: None,
                        correct: None,
                    });
                }
            }
            None => {}
        }
        Ok(Paper { member_id, refusal, questions, score: submission.map(|s| s.score) })
    }

    /// Hands in the viewer's paper: every question of it answered, once, within the window. The
    /// score is one point a question exactly right. Returns the score.
    pub async fn submit_answers(&self, actor: &Actor, contest_id: i64, answers: &AnswersIn) -> Result<i64> {
        let c = storage::contest::get_contest(&self.db, contest_id).await?.ok_or(ServiceError::NotFound)?;
        let path = contest_path(&c)?;
        let member_id = actor.own_member_id().ok_or(ServiceError::Forbidden)?;
        let Some((_, branch)) = self.own_branch(actor).await?.filter(|(_, b)| b.is_within(&path)) else {
            return Err(ServiceError::NotFound);
        };
        let (lo, hi) = path.subtree_bounds();
        let eligible = storage::contest::eligible_branch(&self.db, member_id, c.starts_on, &lo, &hi).await?;
        let answered = storage::contest::submission_of(&self.db, contest_id, member_id).await?.is_some();
        if let Err(r) = contest::may_answer(c.starts_on, c.ends_on, self.today(), eligible.is_some(), answered) {
            return Err(ServiceError::field("answers", r.message()));
        }
        // The member's branch of the window's first day counts the paper (the results are of that day).
        let (branch_id, branch_path) = eligible.unwrap_or((branch.id().unwrap_or_default(), branch.as_str().into()));
        let pool = storage::contest::pool_of(&self.db, contest_id).await?;
        let drawn = contest::draw(c.id, member_id, pool.len(), u32::try_from(c.question_count).unwrap_or(0));
        let mut e = FieldErrors::new();
        let mut rows = Vec::new();
        let mut score = 0;
        for (i, p) in drawn.iter().enumerate() {
            let Some(q) = pool.get(*p) else { continue };
            let field = format!("q_{}", q.id);
            let given = answers.answers.get(&q.id).map(String::as_str).unwrap_or("");
            if given.trim().is_empty() {
                e.add(&field, format!("第{}题还没有作答", i + 1));
                continue;
            }
            let Some(letters) = contest::parse_answer(q.kind, q.option_list().len(), given) else {
                e.add(&field, format!("第{}题的答案应为选项的字母", i + 1));
                continue;
            };
            let right = contest::answer_is_right(&q.answer, &letters);
            score += i64::from(right);
            rows.push((i64::try_from(i).unwrap_or(i64::MAX), q.id, letters, right));
        }
        if let Some(stranger) =
            answers.answers.keys().find(|id| !drawn.iter().any(|p| pool.get(*p).is_some_and(|q| q.id == **id)))
        {
            e.add("answers", format!("题目{stranger}不在您的答卷中"));
        }
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let mut tx = self.db.begin().await?;
        let id = match storage::contest::insert_submission(
            &mut tx,
            contest_id,
            member_id,
            (branch_id, &branch_path),
            score,
            &rows,
        )
        .await
        {
            Ok(id) => id,
            Err(storage::StorageError::Conflict(_)) => {
                return Err(ServiceError::field("answers", Refusal::Answered.message()));
            }
            Err(e) => return Err(e.into()),
        };
        // The audit entry names the paper, not the score: without 竞赛排名 a score is the member's own.
        let entry = Entry {
            action: "contest.submit",
            entity: "contest_submission",
            entity_id: Some(id),
            org_path: Some(branch_path.clone()),
            before: None,
            after: Some(
                serde_json::json!({ "contest_id": contest_id, "member_id": member_id, "questions": rows.len() }),
            ),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(score)
    }

    /// A contest's results for the subtree of `org_id` (by default the contest's org, or the
    /// viewer's own subtree inside it): participation and average score per org below, and the
    /// ranking for a contest set with 竞赛排名.
    pub async fn contest_results(&self, actor: &Actor, contest_id: i64, org_id: Option<i64>) -> Result<Results> {
        let c = storage::contest::get_contest(&self.db, contest_id).await?.ok_or(ServiceError::NotFound)?;
        let path = contest_path(&c)?;
        let org_id = org_id.or_else(|| Self::results_org_of(actor, &path)).ok_or(ServiceError::NotFound)?;
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let org_path = org.org_path()?;
        if !org_path.is_within(&path) {
            return Err(ServiceError::NotFound);
        }
        let (lo, hi) = org_path.subtree_bounds();
        let branches = storage::contest::branch_results(&self.db, contest_id, &lo, &hi, c.starts_on).await?;
        let depth = org_path.depth();
        let mut total = Participation::default();
        let mut by_child: BTreeMap<i64, (String, Participation)> = BTreeMap::new();
        for b in &branches {
            let p = Participation {
                eligible: u64::try_from(b.eligible).unwrap_or(0),
                answered: u64::try_from(b.answered).unwrap_or(0),
                score_sum: u64::try_from(b.score_sum).unwrap_or(0),
            };
            total.add(p);
            let ids: Vec<i64> = b.branch_path.split('/').filter_map(|x| x.parse().ok()).collect();
            let child = ids.get(depth).or(ids.last()).copied().unwrap_or(b.branch_id);
            let prefix = format!(
                "/{}/",
                ids[..(depth + 1).min(ids.len())].iter().map(i64::to_string).collect::<Vec<_>>().join("/")
            );
            by_child.entry(child).or_insert_with(|| (prefix, Participation::default())).1.add(p);
        }
        let ids: Vec<i64> = by_child.keys().copied().collect();
        let names = self.db.org_names(&ids).await?;
        let mut lines: Vec<(String, ResultLine)> = by_child
            .into_iter()
            .map(|(id, (prefix, participation))| {
                let org_name = names.get(&id).cloned().unwrap_or_default();
                (prefix, ResultLine { org_id: id, org_name, participation })
            })
            .collect();
        lines.sort_by(|a, b| a.0.cmp(&b.0));
        let ranking = if c.ranking {
            Some(storage::contest::ranking(&self.db, contest_id, &lo, &hi, RANKING_LINES).await?)
        } else {
            None
        };
        Ok(Results {
            contest: c,
            org_id,
            org_name: org.name,
            total,
            lines: lines.into_iter().map(|(_, l)| l).collect(),
            ranking,
        })
    }

    /// The viewer's open contests not yet answered and the scores of those answered (for their
    /// own page). Empty for an account that is not a member's.
    pub async fn own_contests(&self, actor: &Actor) -> Result<(Vec<ContestRow>, Vec<OwnScore>)> {
        let Some((member_id, branch)) = self.own_branch(actor).await? else { return Ok((Vec::new(), Vec::new())) };
        let today = self.today();
        let scores = storage::contest::scores_of(&self.db, member_id).await?;
        let open = storage::contest::contests_at(&self.db, &with_ancestors(&branch))
            .await?
            .into_iter()
            .filter(|c| WindowState::of(c.starts_on, c.ends_on, today) == WindowState::Open)
            .filter(|c| !scores.iter().any(|s| s.contest_id == c.id))
            .collect();
        Ok((open, scores))
    }
}

impl Services {
    /// The contests open today that reach the viewer's first subtree (at most three), each with
    /// its participation there: for an administrator's or party worker's home. Empty for a
    /// system administrator or a plain member.
    pub async fn open_contests_home(&self, actor: &Actor) -> Result<Vec<(ContestRow, i64, Participation)>> {
        let scope = actor.scope();
        let Some(org_id) = scope.subtrees.first().and_then(OrgPath::id).filter(|_| !scope.all) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for line in self.contests(actor, org_id).await?.contests {
            if line.state != WindowState::Open || out.len() == 3 {
                continue;
            }
            let r = self.contest_results(actor, line.contest.id, Some(org_id)).await?;
            out.push((line.contest, org_id, r.total));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_org_path_lists_itself_and_the_orgs_above() {
        let p = OrgPath::parse("/1/7/23/").unwrap();
        assert_eq!(with_ancestors(&p), ["/1/", "/1/7/", "/1/7/23/"]);
    }
}
