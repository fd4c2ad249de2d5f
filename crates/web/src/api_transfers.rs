//! The transfers API (组织关系转接, EDU-TRANSFER): an org's incoming and sent transfers, one
//! transfer, issuing one for a member, and the receiver's and sender's actions on it.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::family::lifecycle::TransferState;
use serde::{Deserialize, Serialize};
use services::transfers::Direction;
use services::transfers::{BranchChoice, TransferInput, TransferView};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, done, id_of, ok};
use crate::auth::ApiViewer;
use crate::error::ApiError;
use crate::ui::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .route("/branches", get(branches))
        .route("/orgs/{id}/transfers", get(of_org))
        .route("/members/{id}/transfers", post(issue))
        .route("/transfers/{id}", get(one))
        .route("/transfers/{id}/accept", post(accept))
        .route("/transfers/{id}/return", post(give_back))
        .route("/transfers/{id}/cancel", post(cancel))
        .route("/transfers/{id}/receipt", post(receipt))
}

/// A transfer as the API shows it. The ID number is masked unless the viewer may see it.
#[derive(Serialize, ToSchema)]
pub(crate) struct Transfer {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    /// internal, out or in.
    pub kind: String,
    /// pending, received, returned or cancelled.
    pub state: String,
    pub from_org_id: Option<i64>,
    pub from_name: String,
    pub to_org_id: Option<i64>,
    pub to_name: String,
    pub gender: String,
    pub ethnicity: String,
    pub id_number: Option<String>,
    /// full or probationary, as on the letter.
    pub member_status: String,
    pub letter_no: String,
    pub issued_on: NaiveDate,
    pub valid_days: i64,
    pub valid_until: NaiveDate,
    /// "YYYY-MM".
    pub dues_paid_to: Option<String>,
    pub reason: String,
    /// The day the receipt is due back (out of the system; EDU-TRANSFER).
    pub receipt_due: Option<NaiveDate>,
    pub settled_on: Option<NaiveDate>,
    /// The reason it was returned.
    pub settled_note: String,
    pub receipt_handler: String,
    /// The viewer may accept or return it.
    pub can_receive: bool,
    /// The viewer may withdraw it or record its receipt.
    pub can_send: bool,
}

fn transfer(t: TransferView) -> Transfer {
    let r = t.row;
    Transfer {
        id: r.id,
        member_id: r.member_id,
        member_name: r.member_name,
        kind: r.kind.as_str().into(),
        state: r.state.as_str().into(),
        from_org_id: r.from_org_id,
        from_name: r.from_name,
        to_org_id: r.to_org_id,
        to_name: r.to_name,
        gender: r.gender.as_str().into(),
        ethnicity: r.ethnicity,
        id_number: r.id_number,
        member_status: r.member_status.as_str().into(),
        letter_no: r.letter_no,
        issued_on: r.issued_on,
        valid_days: r.valid_days,
        valid_until: t.valid_until,
        dues_paid_to: r.dues_paid_to.map(|d| d.format("%Y-%m").to_string()),
        reason: r.reason,
        receipt_due: t.receipt_due,
        settled_on: r.settled_on,
        settled_note: r.settled_note,
        receipt_handler: r.receipt_handler,
        can_receive: t.can_receive,
        can_send: t.can_send,
    }
}

/// An org's transfers.
#[derive(Serialize, ToSchema)]
pub(crate) struct TransferList {
    pub org_id: i64,
    /// incoming or sent.
    pub direction: String,
    pub transfers: Vec<Transfer>,
}

/// Branches to address a transfer to.
#[derive(Serialize, ToSchema)]
pub(crate) struct BranchChoices {
    pub branches: Vec<BranchChoice>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    direction: String,
    state: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SearchQuery {
    q: String,
}

/// The day a transfer is received (accepted, or its receipt back).
#[derive(Deserialize, ToSchema)]
pub(crate) struct AcceptBody {
    pub on: String,
}

/// Why a transfer is returned (EDU-TRANSFER: required).
#[derive(Deserialize, ToSchema)]
pub(crate) struct ReturnBody {
    pub reason: String,
}

/// The receipt of a letter out of the system: the day received and the receiving side's handler.
#[derive(Deserialize, ToSchema)]
pub(crate) struct ReceiptBody {
    pub on: String,
    pub handler: String,
}

fn query<T: Default>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(format!("查询参数无效：{}", e.body_text())))
}

async fn branches(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    q: Result<Query<SearchQuery>, QueryRejection>,
) -> ApiResult {
    let q = query(q)?;
    ok(BranchChoices { branches: state.services.branch_choices(&v.actor, &q.q).await? })
}

async fn of_org(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = query(q)?;
    let direction = match q.direction.as_str() {
        "" | "incoming" => Direction::Incoming,
        "sent" => Direction::Sent,
        other => return Err(ApiError::BadRequest(format!("direction 应为 incoming 或 sent，而不是 {other:?}"))),
    };
    let filter = match q.state.as_str() {
        "" => None,
        s => match TransferState::ALL.iter().copied().find(|x| x.as_str() == s) {
            Some(x) => Some(x),
            None => return Err(ApiError::BadRequest(format!("未知的状态 {s:?}"))),
        },
    };
    let list = state.services.transfers_of_org(&v.actor, id, direction, filter).await?;
    ok(TransferList {
        org_id: id,
        direction: if direction == Direction::Sent { "sent" } else { "incoming" }.into(),
        transfers: list.into_iter().map(transfer).collect(),
    })
}

async fn issue(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<TransferInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    created(Created { id: state.services.issue_transfer(&v.actor, id, &b).await? })
}

async fn one(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    ok(transfer(state.services.transfer(&v.actor, id).await?))
}

async fn accept(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<AcceptBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.accept_transfer(&v.actor, id, &b.on).await?;
    done()
}

async fn give_back(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ReturnBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.return_transfer(&v.actor, id, &b.reason).await?;
    done()
}

async fn cancel(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    let id = id_of(&id)?;
    state.services.cancel_transfer(&v.actor, id).await?;
    done()
}

async fn receipt(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ReceiptBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.record_receipt(&v.actor, id, &b.on, &b.handler).await?;
    done()
}
