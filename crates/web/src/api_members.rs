//! The member registry through the API (see `members` for the pages).

use crate::AppState;
use crate::api::{ApiResult, body, created, done, id_of, ok};
use crate::auth::ApiViewer;
use crate::error::ApiError;
use crate::ui::Routes;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::codes::{DuesCategory, Gender, MemberStatus};
use domain::member::MemberInput;
use domain::org::PostKind;
use serde::{Deserialize, Serialize};
use services::members::{ListQuery, MemberView};
use utoipa::ToSchema;

pub fn routes() -> Routes {
    Routes::new()
        .route("/members", get(members).post(member_create))
        .route("/members/{id}", get(member_get).patch(member_update))
        .route("/members/{id}/contact", post(member_contact))
        .route("/members/{id}/relocate", post(member_relocate))
}

async fn members(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let page = state.services.member_list(&v.actor, &q).await?;
    // A cached page is serialized once, not once per request.
    let json = page
        .cached_json(|p| serde_json::to_string(&MemberPage::from(p)))
        .map_err(|e| ApiError::Service(services::ServiceError::Internal(format!("member page JSON: {e}"))))?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], json.to_string()).into_response())
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub(crate) struct NewMember {
    branch_id: i64,
    group_id: Option<i64>,
    #[serde(flatten)]
    member: MemberInput,
}

async fn member_create(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    b: Result<Json<NewMember>, JsonRejection>,
) -> ApiResult {
    let b = body(b)?;
    let id = state.services.create_member(&v.actor, b.branch_id, b.group_id, &b.member).await?;
    let detail = state.services.member_detail(&v.actor, id, false).await?;
    created(Member::from(&detail.member))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RevealQuery {
    reveal: bool,
}

async fn member_get(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<RevealQuery>, QueryRejection>,
) -> ApiResult {
    let reveal = q.map(|Query(q)| q.reveal).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    ok(MemberDetail::from(&state.services.member_detail(&v.actor, id_of(&id)?, reveal).await?))
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub(crate) struct MemberUpdate {
    status_on: String,
    #[serde(flatten)]
    member: MemberInput,
}

async fn member_update(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<MemberUpdate>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.update_member(&v.actor, id, &b.member, &b.status_on).await?;
    ok(Member::from(&state.services.member_detail(&v.actor, id, false).await?.member))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct ContactBody {
    phone: String,
}

async fn member_contact(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<ContactBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    state.services.update_member_contact(&v.actor, id, &body(b)?.phone).await?;
    done()
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct RelocateBody {
    branch_id: i64,
    group_id: Option<i64>,
    on: String,
}

async fn member_relocate(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<RelocateBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    state.services.relocate_member(&v.actor, id, b.branch_id, b.group_id, &b.on).await?;
    done()
}

/// A member as the API shows them: ID number, phone and address masked unless `revealed`.
/// Codes are identifiers (`gender = "female"`, `ethnicity = "01"`, education and occupation by
/// their national codes); dates are `YYYY-MM-DD`.
#[derive(Serialize, ToSchema)]
pub(crate) struct Member {
    pub id: i64,
    pub name: String,
    pub gender: Gender,
    /// GB/T 3304 code.
    pub ethnicity: String,
    pub birth_date: NaiveDate,
    pub id_number: String,
    pub phone: Option<String>,
    pub education: Option<String>,
    pub degree: Option<String>,
    pub occupation: Option<String>,
    pub post: Option<String>,
    pub unit_name: Option<String>,
    /// The day the branch assembly admitted the member (start of probation).
    pub joined_on: NaiveDate,
    pub confirmed_on: Option<NaiveDate>,
    pub status: MemberStatus,
    pub status_changed_on: NaiveDate,
    pub dues_category: DuesCategory,
    pub address: Option<String>,
    pub lost_contact: bool,
    /// The month contact was lost, `YYYY-MM`.
    pub lost_contact_since: Option<String>,
    pub mobile_member: bool,
    pub mobile_destination: Option<String>,
    pub remark: Option<String>,
    /// 延长预备期 in months (DEV-PROBATION).
    pub probation_extension_months: Option<i64>,
    pub branch_id: i64,
    pub branch_name: String,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    /// Whether ID number, phone and address are shown in full (an audited reveal).
    pub revealed: bool,
}

impl From<&MemberView> for Member {
    fn from(v: &MemberView) -> Self {
        let m = &v.row;
        Self {
            id: m.id,
            name: m.name.clone(),
            gender: m.gender,
            ethnicity: m.ethnicity.clone(),
            birth_date: m.birth_date,
            id_number: m.id_number.clone(),
            phone: m.phone.clone(),
            education: m.education.clone(),
            degree: m.degree.clone(),
            occupation: m.occupation.clone(),
            post: m.post.clone(),
            unit_name: m.unit_name.clone(),
            joined_on: m.joined_on,
            confirmed_on: m.confirmed_on,
            status: m.status,
            status_changed_on: m.status_changed_on,
            dues_category: m.dues_category,
            address: m.address.clone(),
            lost_contact: m.lost_contact,
            lost_contact_since: m.lost_contact_since.clone(),
            mobile_member: m.mobile_member,
            mobile_destination: m.mobile_destination.clone(),
            remark: m.remark.clone(),
            probation_extension_months: m.probation_extension_months,
            branch_id: m.branch_id,
            branch_name: m.branch_name.clone(),
            group_id: m.group_id,
            group_name: m.group_name.clone(),
            revealed: v.revealed,
        }
    }
}

/// One page of the member list.
#[derive(Serialize, ToSchema)]
pub(crate) struct MemberPage {
    pub members: Vec<Member>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// More members match than are counted: `total` is then a lower bound.
    pub total_capped: bool,
}

impl From<&services::members::MemberPage> for MemberPage {
    fn from(p: &services::members::MemberPage) -> Self {
        Self {
            members: p.members.iter().map(Member::from).collect(),
            total: p.total,
            page: p.page,
            per_page: p.per_page,
            total_capped: p.total_capped,
        }
    }
}

/// A span of membership in a branch or a group (history kept across transfers).
#[derive(Serialize, ToSchema)]
pub(crate) struct Span {
    pub org_id: i64,
    pub org_name: String,
    /// "branch" or "group".
    pub kind: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct StatusChange {
    pub status: MemberStatus,
    pub changed_on: NaiveDate,
}

/// A committee post the member held.
#[derive(Serialize, ToSchema)]
pub(crate) struct MemberPost {
    pub org_id: i64,
    pub org_name: String,
    pub post: PostKind,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
}

/// A member with their history, and what the viewer may do.
#[derive(Serialize, ToSchema)]
pub(crate) struct MemberDetail {
    pub member: Member,
    pub spans: Vec<Span>,
    pub status_changes: Vec<StatusChange>,
    pub posts: Vec<MemberPost>,
    pub can_edit: bool,
    pub can_edit_contact: bool,
    pub can_reveal: bool,
}

impl From<&services::members::MemberDetail> for MemberDetail {
    fn from(d: &services::members::MemberDetail) -> Self {
        Self {
            member: (&d.member).into(),
            spans: d
                .spans
                .iter()
                .map(|s| Span {
                    org_id: s.org_id,
                    org_name: s.org_name.clone(),
                    kind: s.kind.clone(),
                    start_on: s.start_on,
                    end_on: s.end_on,
                })
                .collect(),
            status_changes: d
                .status_changes
                .iter()
                .map(|c| StatusChange { status: c.status, changed_on: c.changed_on })
                .collect(),
            posts: d
                .posts
                .iter()
                .map(|p| MemberPost {
                    org_id: p.org_id,
                    org_name: p.org_name.clone(),
                    post: p.post,
                    start_on: p.start_on,
                    end_on: p.end_on,
                })
                .collect(),
            can_edit: d.can_edit,
            can_edit_contact: d.can_edit_contact,
            can_reveal: d.can_reveal,
        }
    }
}
