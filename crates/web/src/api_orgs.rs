//! The org tree through the API (see `orgs` for the pages).

use crate::AppState;
use crate::api::{ApiResult, Created, body, created, id_of, ok};
use crate::auth::ApiViewer;
use crate::error::ApiError;
use crate::ui::Routes;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::org::{OrgKind, OrgStatus, PostKind, UnitKind};
use serde::{Deserialize, Serialize};
use services::orgs::OrgInput;
use utoipa::ToSchema;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs", get(orgs).post(org_create))
        .route("/orgs/{id}", get(org_get).patch(org_update))
        .route("/orgs/{id}/move", post(org_move))
        .route("/orgs/{id}/close", post(org_close))
        .route("/orgs/{id}/posts", post(post_add))
        .route("/posts/{id}/end", post(post_end))
        .route("/orgs/{id}/political-birthdays", get(political_birthdays))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MonthQuery {
    month: String,
}

/// `GET /api/v1/orgs/{id}/political-birthdays[?month=2026-07]`: the members of the org's subtree
/// whose joining anniversary falls in the month (POL-BIRTHDAY), where the committees list them.
async fn political_birthdays(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    q: Result<Query<MonthQuery>, QueryRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    ok(state.services.political_birthdays(&v.actor, id, &q.month).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OrgsQuery {
    include_closed: bool,
}

async fn orgs(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    q: Result<Query<OrgsQuery>, QueryRejection>,
) -> ApiResult {
    let q = q.map(|Query(q)| q).map_err(|e| ApiError::BadRequest(e.body_text()))?;
    ok(OrgList { orgs: state.services.org_tree(&v.actor, q.include_closed).await?.iter().map(Org::from).collect() })
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub(crate) struct NewOrg {
    parent_id: Option<i64>,
    #[serde(flatten)]
    org: OrgInput,
}

async fn org_create(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    b: Result<Json<NewOrg>, JsonRejection>,
) -> ApiResult {
    let b = body(b)?;
    created(Org::from(&state.services.create_org(&v.actor, b.parent_id, &b.org).await?))
}

async fn org_get(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    ok(OrgDetail::from(&state.services.org_detail(&v.actor, id_of(&id)?).await?))
}

async fn org_update(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<OrgInput>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    ok(Org::from(&state.services.update_org(&v.actor, id, &body(b)?).await?))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct MoveBody {
    parent_id: i64,
}

async fn org_move(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<MoveBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    ok(Org::from(&state.services.move_org(&v.actor, id, body(b)?.parent_id).await?))
}

async fn org_close(State(state): State<AppState>, ApiViewer(v): ApiViewer, Path(id): Path<String>) -> ApiResult {
    ok(Org::from(&state.services.close_org(&v.actor, id_of(&id)?).await?))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct PostBody {
    member_id: i64,
    #[schema(value_type = PostKind)]
    post: String,
    #[schema(format = Date)]
    start_on: String,
}

async fn post_add(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<PostBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let b = body(b)?;
    let post_id = state.services.add_post(&v.actor, id, b.member_id, &b.post, &b.start_on).await?;
    created(Created { id: post_id })
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct EndBody {
    #[schema(format = Date)]
    end_on: String,
}

async fn post_end(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
    b: Result<Json<EndBody>, JsonRejection>,
) -> ApiResult {
    let id = id_of(&id)?;
    let org_id = state.services.end_post(&v.actor, id, &body(b)?.end_on).await?;
    ok(PostEnded { org_id })
}

/// An org of the tree.
#[derive(Serialize, ToSchema)]
pub(crate) struct Org {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// The ids from the top committee down, `/1/7/23/`.
    pub path: String,
    pub name: String,
    pub kind: OrgKind,
    pub unit_name: String,
    pub unit_kind: UnitKind,
    pub established_on: Option<NaiveDate>,
    pub term_start_on: Option<NaiveDate>,
    pub term_years: Option<i64>,
    pub status: OrgStatus,
    pub closed_on: Option<NaiveDate>,
}

impl From<&services::rows::OrgRow> for Org {
    fn from(o: &services::rows::OrgRow) -> Self {
        Self {
            id: o.id,
            parent_id: o.parent_id,
            path: o.path.clone(),
            name: o.name.clone(),
            kind: o.kind,
            unit_name: o.unit_name.clone(),
            unit_kind: o.unit_kind,
            established_on: o.established_on,
            term_start_on: o.term_start_on,
            term_years: o.term_years,
            status: o.status,
            closed_on: o.closed_on,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct OrgList {
    pub orgs: Vec<Org>,
}

/// A post on an org's committee; `end_on` is the last day in office.
#[derive(Serialize, ToSchema)]
pub(crate) struct Post {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub post: PostKind,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
}

impl From<&services::rows::PostRow> for Post {
    fn from(p: &services::rows::PostRow) -> Self {
        Self {
            id: p.id,
            member_id: p.member_id,
            member_name: p.member_name.clone(),
            post: p.post,
            start_on: p.start_on,
            end_on: p.end_on,
        }
    }
}

/// An org with its place in the tree, its committee and its member count.
#[derive(Serialize, ToSchema)]
pub(crate) struct OrgDetail {
    pub org: Org,
    /// From the top committee down to the parent.
    pub ancestors: Vec<Org>,
    pub children: Vec<Org>,
    pub posts: Vec<Post>,
    pub past_posts: Vec<Post>,
    /// Probationary and full members in the org and below.
    pub current_members: i64,
}

impl From<&services::orgs::OrgDetail> for OrgDetail {
    fn from(d: &services::orgs::OrgDetail) -> Self {
        Self {
            org: (&d.org).into(),
            ancestors: d.ancestors.iter().map(Org::from).collect(),
            children: d.children.iter().map(Org::from).collect(),
            posts: d.posts.iter().map(Post::from).collect(),
            past_posts: d.past_posts.iter().map(Post::from).collect(),
            current_members: d.current_members,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct PostEnded {
    pub org_id: i64,
}
