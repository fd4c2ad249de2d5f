//! The knowledge contest (知识竞赛) in the API: an org's question bank and its import, its
//! contests, a contest with the viewer's paper, handing in the paper once, and the results per
//! org. The pages are in [`crate::contest`].

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::contest::{ContestInput, QuestionInput};
use serde::{Deserialize, Serialize};
use services::contest::{AnswersIn, ContestRow, QuestionRow};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, id_of, ok};
use crate::auth::ApiViewer;
use crate::contest::BODY_LIMIT;
use crate::error::ApiError;
use crate::ui::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs/{id}/questions", get(api_bank).post(api_add_question))
        .route("/orgs/{id}/questions/import", post(api_import).layer(DefaultBodyLimit::max(BODY_LIMIT)))
        .route("/orgs/{id}/contests", get(api_contests).post(api_set))
        .route("/contests/{id}", get(api_contest))
        .route("/contests/{id}/answers", post(api_submit))
        .route("/contests/{id}/results", get(api_results))
}

/// A question of a bank. `answer` is empty on a paper not yet handed in.
#[derive(Serialize, ToSchema)]
pub(crate) struct QuestionOut {
    pub id: i64,
    pub kind: domain::contest::QuestionKind,
    pub stem: String,
    /// The options A, B, … in order (正确, 错误 for a true / false question).
    pub options: Vec<String>,
    /// The right letters ("AC").
    pub answer: String,
    pub source: String,
}

impl From<&QuestionRow> for QuestionOut {
    fn from(q: &QuestionRow) -> Self {
        QuestionOut {
            id: q.id,
            kind: q.kind,
            stem: q.stem.clone(),
            options: q.option_list(),
            answer: q.answer.clone(),
            source: q.source.clone(),
        }
    }
}

/// An org's question bank.
#[derive(Serialize, ToSchema)]
pub(crate) struct QuestionBankOut {
    pub org_id: i64,
    pub questions: Vec<QuestionOut>,
}

/// A contest.
#[derive(Serialize, ToSchema)]
pub(crate) struct ContestOut {
    pub id: i64,
    /// The org that set it.
    pub org_id: i64,
    pub org_name: String,
    pub title: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub question_count: i64,
    /// 竞赛排名: whether the results list a per-person ranking.
    pub ranking: bool,
    /// The questions of its pool.
    pub pool: i64,
    pub state: domain::contest::WindowState,
}

fn contest_out(c: &ContestRow, state: domain::contest::WindowState) -> ContestOut {
    ContestOut {
        id: c.id,
        org_id: c.org_id,
        org_name: c.org_name.clone(),
        title: c.title.clone(),
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        question_count: c.question_count,
        ranking: c.ranking,
        pool: c.pool,
        state,
    }
}

/// The contests an org sees: set in its subtree or by the orgs above it.
#[derive(Serialize, ToSchema)]
pub(crate) struct ContestsOut {
    pub org_id: i64,
    pub contests: Vec<ContestOut>,
}

/// One question of the viewer's paper.
#[derive(Serialize, ToSchema)]
pub(crate) struct PaperQuestionOut {
    pub number: usize,
    pub question: QuestionOut,
    /// The letters given, once handed in.
    pub given: Option<String>,
    pub correct: Option<bool>,
}

/// The viewer's paper of a contest.
#[derive(Serialize, ToSchema)]
pub(crate) struct PaperOut {
    pub member_id: i64,
    /// Why the viewer may not hand in a paper now; null when they may.
    pub refusal: Option<String>,
    pub questions: Vec<PaperQuestionOut>,
    /// The score, once handed in.
    pub score: Option<i64>,
}

/// A contest as the viewer sees it.
#[derive(Serialize, ToSchema)]
pub(crate) struct ContestDetail {
    pub contest: ContestOut,
    /// The org whose results the viewer may read, if any.
    pub results_org_id: Option<i64>,
    /// The viewer's own paper, when the viewer is a member of the contest's subtree.
    pub paper: Option<PaperOut>,
}

/// A paper handed in.
#[derive(Serialize, ToSchema)]
pub(crate) struct Submitted {
    pub contest_id: i64,
    pub score: i64,
}

/// The participation of an org's subtree.
#[derive(Serialize, ToSchema)]
pub(crate) struct ParticipationOut {
    pub org_id: i64,
    pub org_name: String,
    /// Full and probationary members on the window's first day.
    pub eligible: u64,
    pub answered: u64,
    /// Percent with one decimal, "87.5" ("—" with nobody eligible).
    pub rate: String,
    /// Average score of those who answered, "8.3" ("—" when nobody did).
    pub average: String,
}

/// A line of a ranking.
#[derive(Serialize, ToSchema)]
pub(crate) struct RankOut {
    pub rank: usize,
    pub member_id: i64,
    pub name: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub score: i64,
}

/// A contest's results for an org's subtree.
#[derive(Serialize, ToSchema)]
pub(crate) struct ContestResultsOut {
    pub contest_id: i64,
    pub total: ParticipationOut,
    /// One line per org directly below (each with its subtree).
    pub lines: Vec<ParticipationOut>,
    /// Only for a contest set with 竞赛排名; null otherwise.
    pub ranking: Option<Vec<RankOut>>,
}

async fn api_bank(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let bank = state.services.question_bank(&v.actor, id).await?;
    ok(QuestionBankOut { org_id: id, questions: bank.questions.iter().map(QuestionOut::from).collect() })
}

async fn api_add_question(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<QuestionInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.add_question(&v.actor, id, &b).await? })
}

async fn api_contests(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let list = state.services.contests(&v.actor, id).await?;
    ok(ContestsOut { org_id: id, contests: list.contests.iter().map(|l| contest_out(&l.contest, l.state)).collect() })
}

async fn api_set(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ContestInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.set_contest(&v.actor, id, &b).await? })
}

async fn api_contest(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    let c = state.services.contest(&v.actor, id).await?;
    ok(ContestDetail {
        contest: contest_out(&c.contest, c.state),
        results_org_id: c.results_org,
        paper: c.paper.map(|p| PaperOut {
            member_id: p.member_id,
            refusal: p.refusal.map(str::to_string),
            questions: p
                .questions
                .iter()
                .map(|q| PaperQuestionOut {
                    number: q.number,
                    question: QuestionOut::from(&q.question),
                    given: q.given.clone(),
                    correct: q.correct,
                })
                .collect(),
            score: p.score,
        }),
    })
}

async fn api_submit(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<AnswersIn>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    let score = state.services.submit_answers(&v.actor, id, &b).await?;
    ok(Submitted { contest_id: id, score })
}

#[derive(Deserialize)]
struct ResultsQuery {
    org_id: Option<i64>,
}

fn participation(org_id: i64, org_name: &str, p: &domain::contest::Participation) -> ParticipationOut {
    ParticipationOut {
        org_id,
        org_name: org_name.to_string(),
        eligible: p.eligible,
        answered: p.answered,
        rate: p.rate(),
        average: p.average(),
    }
}

async fn api_results(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<ResultsQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let r = state.services.contest_results(&v.actor, id, q.org_id).await?;
    ok(ContestResultsOut {
        contest_id: id,
        total: participation(r.org_id, &r.org_name, &r.total),
        lines: r.lines.iter().map(|l| participation(l.org_id, &l.org_name, &l.participation)).collect(),
        ranking: r.ranking.map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, x)| RankOut {
                    rank: i + 1,
                    member_id: x.member_id,
                    name: x.name,
                    branch_id: x.branch_id,
                    branch_name: x.branch_name,
                    score: x.score,
                })
                .collect()
        }),
    })
}

#[derive(Deserialize)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

/// One problem of an uploaded question sheet.
#[derive(Serialize, ToSchema)]
pub(crate) struct QuestionImportIssue {
    pub row_number: usize,
    /// The column's header, empty for a problem of the whole row or file.
    pub column: String,
    pub message: String,
}

/// What a question import read and wrote.
#[derive(Serialize, ToSchema)]
pub(crate) struct QuestionImportResult {
    pub rows: usize,
    /// Questions added (0 for a dry run).
    pub imported: usize,
    pub issues: Vec<QuestionImportIssue>,
}

/// A question sheet refused: nothing was imported; every problem by row and column.
#[derive(Serialize, ToSchema)]
pub(crate) struct QuestionImportRefused {
    pub error: crate::error::ErrorDetail,
    pub report: QuestionImportResult,
}

async fn api_import(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<ImportQuery>, QueryRejection>,
    body: axum::body::Body,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let bytes = crate::roster::sheet_bytes(body).await?;
    let r = state.services.import_questions_file(&v.actor, id, &bytes, q.dry_run).await?;
    let report = QuestionImportResult {
        rows: r.rows,
        imported: r.imported,
        issues: r
            .issues
            .iter()
            .map(|(row, col, msg)| QuestionImportIssue { row_number: *row, column: col.clone(), message: msg.clone() })
            .collect(),
    };
    if !report.issues.is_empty() {
        let body = QuestionImportRefused { error: crate::roster::file_refused(report.issues.len()), report };
        return Ok((StatusCode::BAD_REQUEST, Json(body)).into_response());
    }
    ok(report)
}
