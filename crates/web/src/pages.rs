//! The pages people use. Every page works without JavaScript; forms post back to the same
//! handlers, which re-render with field-level errors in Chinese when input is wrong.

use crate::AppState;
use crate::auth::{PageViewer, Viewer, check_csrf, end_session, same_origin, start_session};
use crate::error::{PageError, error_page, urlencode};
use crate::view::*;
use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::FieldErrors;
use domain::member::MemberInput;
use domain::org::OrgKind;
use domain::scope::{Action, Grant, Target, can};
use serde::Deserialize;
use services::ServiceError;
use services::members::{ListQuery, input_of};
use services::orgs::OrgInput;
use std::collections::HashMap;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/", get(home))
        .route("/orgs", get(org_tree).post(org_create))
        .route("/orgs/new", get(org_new))
        .route("/orgs/{id}", get(org_detail))
        .route("/orgs/{id}/edit", get(org_edit).post(org_update))
        .route("/orgs/{id}/move", post(org_move))
        .route("/orgs/{id}/close", post(org_close))
        .route("/orgs/{id}/posts", post(post_add))
        .route("/posts/{id}/end", post(post_end))
        .route("/members", get(member_list).post(member_create))
        .route("/members/new", get(member_new))
        .route("/members/{id}", get(member_detail))
        .route("/members/{id}/edit", get(member_edit).post(member_update))
        .route("/members/{id}/contact", post(member_contact))
        .route("/members/{id}/relocate", post(member_relocate))
        .route("/audit", get(audit))
        .route("/account", get(account))
        .route("/account/password", post(password_change))
        .route("/account/tokens", post(token_create))
        .route("/account/tokens/{id}/revoke", post(token_revoke))
        .route("/accounts", get(accounts).post(account_create))
        .route("/accounts/{id}/disable", post(account_disable))
        .route("/accounts/{id}/enable", post(account_enable))
}

fn render<T: Template>(t: &T) -> PageResult {
    render_status(StatusCode::OK, t)
}

pub(crate) fn render_status<T: Template>(status: StatusCode, t: &T) -> PageResult {
    let html = t.render().map_err(|e| PageError::Service(ServiceError::Internal(e.to_string())))?;
    Ok((status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

fn see_other(to: &str) -> PageResult {
    Ok(Redirect::to(to).into_response())
}

pub(crate) fn id_param(raw: &str) -> Result<i64, PageError> {
    raw.parse::<i64>().map_err(|_| PageError::Service(ServiceError::NotFound))
}

/// The navigation bar's view of the viewer.
pub struct Nav {
    pub display_name: String,
    pub csrf: String,
    pub can_audit: bool,
    pub flash: String,
}

pub(crate) fn nav(v: &Viewer) -> Nav {
    let can_audit = v.actor.grants.iter().any(|g| matches!(g, Grant::SystemAdmin | Grant::OrgAdmin { .. }));
    let flash = if v.account.must_change_password != 0 {
        "请先在“账户”页面修改一次性密码。".into()
    } else {
        String::new()
    };
    Nav { display_name: v.account.display_name.clone(), csrf: v.csrf.clone(), can_audit, flash }
}

/// A form posted by a page: its fields plus the CSRF token. Values are strings, so decoding
/// cannot fail on content; a malformed body gets a Chinese 400 page.
type Posted = Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>;

fn posted(p: Posted) -> Result<HashMap<String, String>, PageError> {
    p.map(|Form(m)| m).map_err(|_| PageError::BadRequest("提交的表单格式不正确，请返回重新填写".into()))
}

fn get_s(m: &HashMap<String, String>, k: &str) -> String {
    m.get(k).cloned().unwrap_or_default()
}

fn summary_of(e: &FieldErrors) -> String {
    if e.is_empty() {
        String::new()
    } else {
        format!("有 {} 处需要修改，请查看标红的项目。", e.0.len())
    }
}

pub async fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, "找不到页面", "您访问的页面不存在。")
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: String,
    pub message: String,
    pub status: u16,
}

// ---------------------------------------------------------------- login

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    username: String,
    error: String,
    next: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NextQuery {
    next: String,
}

async fn login_page(q: Result<Query<NextQuery>, QueryRejection>) -> PageResult {
    let next = q.map(|Query(q)| q.next).unwrap_or_default();
    let next = crate::redirect::safe_next(&next).to_string();
    render(&LoginPage { username: String::new(), error: String::new(), next })
}

async fn login_submit(State(state): State<AppState>, headers: HeaderMap, form: Posted) -> PageResult {
    if !same_origin(&headers) {
        return Err(PageError::Csrf);
    }
    let f = posted(form)?;
    let username = get_s(&f, "username");
    let next = get_s(&f, "next");
    match state.services.login(&username, &get_s(&f, "password")).await {
        Ok((account, _)) => {
            let cookie = start_session(&state, account.id).await?;
            let to = if account.must_change_password != 0 { "/account" } else { crate::redirect::safe_next(&next) };
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to(to)).into_response())
        }
        Err(e @ (ServiceError::BadCredentials | ServiceError::Throttled { .. })) => {
            let status = if matches!(e, ServiceError::Throttled { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            render_status(status, &LoginPage { username, error: e.to_string(), next })
        }
        Err(e) => Err(e.into()),
    }
}

async fn logout(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    headers: HeaderMap,
    form: Posted,
) -> PageResult {
    check_csrf(&v, &get_s(&posted(form)?, "_csrf"))?;
    let cookie = end_session(&state, &headers).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

// ---------------------------------------------------------------- home

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    nav: Nav,
    as_of_cn: String,
    figures: std::sync::Arc<services::home::HomeFigures>,
}

async fn home(State(state): State<AppState>, PageViewer(v): PageViewer) -> PageResult {
    let as_of = services::today();
    let figures = state.services.home_figures(&v.actor, as_of).await?;
    render(&HomePage { nav: nav(&v), as_of_cn: domain::dates::format_cn(as_of), figures })
}

// ---------------------------------------------------------------- orgs

struct TreeRow {
    id: i64,
    name: String,
    kind_label: &'static str,
    depth: usize,
    closed: bool,
}

#[derive(Template)]
#[template(path = "org_tree.html")]
struct OrgTreePage {
    nav: Nav,
    rows: Vec<TreeRow>,
    can_create_root: bool,
    show_closed: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TreeQuery {
    closed: String,
}

fn tree_rows(orgs: &[services::rows::OrgRow]) -> Vec<TreeRow> {
    // Depth relative to the shallowest visible org, so a branch worker's tree starts at 0.
    let min_depth = orgs.iter().map(|o| o.path.matches('/').count()).min().unwrap_or(0);
    let mut by_parent: HashMap<Option<i64>, Vec<&services::rows::OrgRow>> = HashMap::new();
    let ids: std::collections::HashSet<i64> = orgs.iter().map(|o| o.id).collect();
    for o in orgs {
        let parent = o.parent_id.filter(|p| ids.contains(p));
        by_parent.entry(parent).or_default().push(o);
    }
    for v in by_parent.values_mut() {
        v.sort_by(|a, b| (kind_rank(&a.kind), &a.name).cmp(&(kind_rank(&b.kind), &b.name)));
    }
    let mut out = Vec::new();
    fn walk(
        parent: Option<i64>,
        by_parent: &HashMap<Option<i64>, Vec<&services::rows::OrgRow>>,
        min_depth: usize,
        out: &mut Vec<TreeRow>,
    ) {
        if let Some(children) = by_parent.get(&parent) {
            for o in children {
                out.push(TreeRow {
                    id: o.id,
                    name: o.name.clone(),
                    kind_label: kind_label(&o.kind),
                    depth: o.path.matches('/').count().saturating_sub(min_depth),
                    closed: o.status == "closed",
                });
                walk(Some(o.id), by_parent, min_depth, out);
            }
        }
    }
    walk(None, &by_parent, min_depth, &mut out);
    out
}

fn kind_rank(kind: &str) -> u8 {
    match kind {
        "committee" => 0,
        "general_branch" => 1,
        "branch" => 2,
        _ => 3,
    }
}

async fn org_tree(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<TreeQuery>, QueryRejection>,
) -> PageResult {
    let show_closed = q.is_ok_and(|Query(q)| q.closed == "1");
    let orgs = state.services.org_tree(&v.actor, show_closed).await?;
    render(&OrgTreePage {
        can_create_root: can(&v.actor, Action::CreateChildOrg(OrgKind::Committee), Target::Global),
        rows: tree_rows(&orgs),
        nav: nav(&v),
        show_closed,
    })
}

#[derive(Template)]
#[template(path = "org_form.html")]
struct OrgFormPage {
    nav: Nav,
    heading: String,
    parent_name: String,
    action: String,
    cancel: String,
    fields: Vec<Field>,
    summary: String,
}

fn org_fields(input: &OrgInput, errors: &FieldErrors, kind_fixed: bool) -> Vec<Field> {
    let mut fields = vec![Field::text("name", "组织名称", &input.name, errors).required().hint("与印章一致")];
    if !kind_fixed {
        fields.push(Field::select("kind", "组织类别", &input.kind, kind_choices(), None, errors).required());
    }
    fields.extend([
        Field::text("unit_name", "所在单位", &input.unit_name, errors),
        Field::select("unit_kind", "单位类别", &input.unit_kind, unit_kind_choices(), None, errors),
        Field::text("established_on", "成立日期", &input.established_on, errors).kind("date"),
        Field::text("term_start_on", "本届任期开始日期", &input.term_start_on, errors).kind("date"),
        Field::text("term_years", "任期（年）", &input.term_years, errors)
            .kind("number")
            .hint("党章第三十一条：3至5年"),
    ]);
    fields
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewOrgQuery {
    parent: String,
    kind: String,
}

async fn org_new(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<NewOrgQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let parent =
        if q.parent.is_empty() { None } else { Some(state.services.org(&v.actor, id_param(&q.parent)?).await?) };
    // The form is offered only to those who may create an org there (the service refuses the
    // others anyway): a top-level committee needs the system administrator.
    if parent.is_none() && !can(&v.actor, Action::CreateChildOrg(OrgKind::Committee), Target::Global) {
        return Err(PageError::Service(ServiceError::Forbidden));
    }
    let input = OrgInput { kind: if q.kind.is_empty() { "committee".into() } else { q.kind }, ..Default::default() };
    render(&OrgFormPage {
        heading: "新建组织".into(),
        parent_name: parent.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
        action: match &parent {
            Some(p) => format!("/orgs?parent={}", p.id),
            None => "/orgs".into(),
        },
        cancel: parent.map(|p| format!("/orgs/{}", p.id)).unwrap_or_else(|| "/orgs".into()),
        fields: org_fields(&input, &FieldErrors::new(), false),
        summary: String::new(),
        nav: nav(&v),
    })
}

async fn org_create(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<NewOrgQuery>, QueryRejection>,
    form: Posted,
) -> PageResult {
    let f = posted(form)?;
    check_csrf(&v, &get_s(&f, "_csrf"))?;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let parent_id = if q.parent.is_empty() { None } else { Some(id_param(&q.parent)?) };
    let input = org_input_of(&f);
    match state.services.create_org(&v.actor, parent_id, &input).await {
        Ok(o) => see_other(&format!("/orgs/{}", o.id)),
        Err(ServiceError::Invalid(errors)) => {
            let parent = match parent_id {
                Some(id) => Some(state.services.org(&v.actor, id).await?),
                None => None,
            };
            render_status(
                StatusCode::BAD_REQUEST,
                &OrgFormPage {
                    heading: "新建组织".into(),
                    parent_name: parent.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
                    action: match parent_id {
                        Some(p) => format!("/orgs?parent={p}"),
                        None => "/orgs".into(),
                    },
                    cancel: "/orgs".into(),
                    summary: summary_of(&errors),
                    fields: org_fields(&input, &errors, false),
                    nav: nav(&v),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

fn org_input_of(f: &HashMap<String, String>) -> OrgInput {
    OrgInput {
        name: get_s(f, "name"),
        kind: get_s(f, "kind"),
        unit_name: get_s(f, "unit_name"),
        unit_kind: get_s(f, "unit_kind"),
        established_on: get_s(f, "established_on"),
        term_start_on: get_s(f, "term_start_on"),
        term_years: get_s(f, "term_years"),
    }
}

struct PostView {
    id: i64,
    label: &'static str,
    member_id: i64,
    member_name: String,
    start_on: String,
    end_on: String,
}

struct ChildView {
    id: i64,
    name: String,
    kind_label: &'static str,
    closed: bool,
}

struct OrgMemberView {
    id: i64,
    name: String,
    gender: &'static str,
    status: &'static str,
    group: String,
    joined_on: String,
}

#[derive(Template)]
#[template(path = "org_detail.html")]
struct OrgDetailPage {
    nav: Nav,
    d: services::orgs::OrgDetail,
    kind_label: &'static str,
    unit_kind_label: &'static str,
    established: String,
    term: String,
    closed: bool,
    can_edit: bool,
    can_add_member: bool,
    can_manage_posts: bool,
    can_reshape: bool,
    child_kinds: Vec<Opt>,
    posts: Vec<PostView>,
    past_posts: Vec<PostView>,
    children: Vec<ChildView>,
    members: Vec<OrgMemberView>,
    member_options: Vec<Opt>,
    post_options: Vec<Opt>,
    parent_options: Vec<Opt>,
    today: String,
}

fn post_view(p: &services::rows::PostRow) -> PostView {
    PostView {
        id: p.id,
        label: post_label(&p.post),
        member_id: p.member_id,
        member_name: p.member_name.clone(),
        start_on: cn_date(&p.start_on),
        end_on: opt_date(&p.end_on),
    }
}

async fn org_detail(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    let d = state.services.org_detail(&v.actor, id).await?;
    let path = d.org.org_path()?;
    let kind = OrgKind::parse(&d.org.kind).unwrap_or(OrgKind::Branch);
    let target = Target::Org(&path);
    let closed = d.org.status == "closed";
    let child_kinds = if closed {
        Vec::new()
    } else {
        OrgKind::ALL
            .iter()
            .filter(|k| k.may_sit_under(Some(kind)) && can(&v.actor, Action::CreateChildOrg(**k), target))
            .map(|k| Opt { value: k.as_str().into(), label: k.label().into(), selected: false })
            .collect()
    };
    let group_id = (kind == OrgKind::Group).then_some(d.org.id);
    let members_rows = if kind.holds_members() || kind == OrgKind::GeneralBranch {
        state.services.members_of_org(&v.actor, &path, group_id).await?
    } else {
        Vec::new()
    };
    let can_manage_posts = !closed && kind != OrgKind::Group && can(&v.actor, Action::ManagePosts, target);
    let member_options = if can_manage_posts {
        let rows = if members_rows.is_empty() {
            state.services.members_of_org(&v.actor, &path, None).await?
        } else {
            members_rows.clone()
        };
        rows.iter()
            .filter(|m| m.status == "full")
            .map(|m| Opt {
                value: m.id.to_string(),
                label: format!("{}（{}）", m.name, m.branch_name),
                selected: false,
            })
            .collect()
    } else {
        Vec::new()
    };
    let can_reshape = can(&v.actor, Action::ReshapeOrg, target);
    let parent_options = if can_reshape {
        state
            .services
            .org_tree(&v.actor, false)
            .await?
            .into_iter()
            .filter(|o| {
                o.id != d.org.id
                    && Some(o.id) != d.org.parent_id
                    && !o.path.starts_with(&d.org.path)
                    && OrgKind::parse(&o.kind).is_some_and(|pk| kind.may_sit_under(Some(pk)))
            })
            .map(|o| Opt { value: o.id.to_string(), label: o.name, selected: false })
            .collect()
    } else {
        Vec::new()
    };
    let term = match (&d.org.term_start_on, d.org.term_years) {
        (Some(s), Some(y)) => format!("{} 起，{} 年", cn_date(s), y),
        _ => "—".into(),
    };
    let page = OrgDetailPage {
        kind_label: kind.label(),
        unit_kind_label: unit_kind_label(&d.org.unit_kind),
        established: opt_date(&d.org.established_on),
        term,
        closed,
        can_edit: !closed && can(&v.actor, Action::EditOrg, target),
        can_add_member: !closed && kind == OrgKind::Branch && can(&v.actor, Action::CreateMember, target),
        can_manage_posts,
        can_reshape: can_reshape && !parent_options.is_empty(),
        child_kinds,
        posts: d.posts.iter().map(post_view).collect(),
        past_posts: d.past_posts.iter().map(post_view).collect(),
        children: d
            .children
            .iter()
            .map(|c| ChildView {
                id: c.id,
                name: c.name.clone(),
                kind_label: kind_label(&c.kind),
                closed: c.status == "closed",
            })
            .collect(),
        members: members_rows
            .iter()
            .map(|m| OrgMemberView {
                id: m.id,
                name: m.name.clone(),
                gender: gender_label(&m.gender),
                status: status_label(&m.status),
                group: m.group_name.clone().unwrap_or_default(),
                joined_on: m.joined_on.clone(),
            })
            .collect(),
        member_options,
        post_options: post_choices().into_iter().map(|(value, label)| Opt { value, label, selected: false }).collect(),
        parent_options,
        today: services::today().format("%Y-%m-%d").to_string(),
        nav: nav(&v),
        d,
    };
    render(&page)
}

async fn org_edit(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let o = state.services.org(&v.actor, id_param(&id)?).await?;
    if !can(&v.actor, Action::EditOrg, Target::Org(&o.org_path()?)) {
        return Err(ServiceError::Forbidden.into());
    }
    render(&OrgFormPage {
        heading: format!("编辑：{}", o.name),
        parent_name: String::new(),
        action: format!("/orgs/{}/edit", o.id),
        cancel: format!("/orgs/{}", o.id),
        fields: org_fields(&OrgInput::from_row(&o), &FieldErrors::new(), true),
        summary: String::new(),
        nav: nav(&v),
    })
}

async fn org_update(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Posted,
) -> PageResult {
    let id = id_param(&id)?;
    let f = posted(form)?;
    check_csrf(&v, &get_s(&f, "_csrf"))?;
    let input = org_input_of(&f);
    match state.services.update_org(&v.actor, id, &input).await {
        Ok(o) => see_other(&format!("/orgs/{}", o.id)),
        Err(ServiceError::Invalid(errors)) => render_status(
            StatusCode::BAD_REQUEST,
            &OrgFormPage {
                heading: "编辑组织".into(),
                parent_name: String::new(),
                action: format!("/orgs/{id}/edit"),
                cancel: format!("/orgs/{id}"),
                summary: summary_of(&errors),
                fields: org_fields(&input, &errors, true),
                nav: nav(&v),
            },
        ),
        Err(e) => Err(e.into()),
    }
}

/// Use-case errors of small inline forms are shown on an error page that says what to fix.
fn inline_error(e: ServiceError) -> PageError {
    match e {
        ServiceError::Invalid(f) => {
            PageError::BadRequest(f.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"))
        }
        other => other.into(),
    }
}

async fn org_move(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Posted,
) -> PageResult {
    let id = id_param(&id)?;
    let f = posted(form)?;
    check_csrf(&v, &get_s(&f, "_csrf"))?;
    let parent =
        get_s(&f, "parent_id").parse::<i64>().map_err(|_| PageError::BadRequest("请选择新的上级组织".into()))?;
    state.services.move_org(&v.actor, id, parent).await.map_err(inline_error)?;
    see_other(&format!("/orgs/{id}"))
}

async fn org_close(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Posted,
) -> PageResult {
    let id = id_param(&id)?;
    check_csrf(&v, &get_s(&posted(form)?, "_csrf"))?;
    state.services.close_org(&v.actor, id).await.map_err(inline_error)?;
    see_other(&format!("/orgs/{id}"))
}

async fn post_add(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Posted,
) -> PageResult {
    let id = id_param(&id)?;
    let f = posted(form)?;
    check_csrf(&v, &get_s(&f, "_csrf"))?;
    let member_id = get_s(&f, "member_id").parse::<i64>().map_err(|_| PageError::BadRequest("请选择党员".into()))?;
    state
        .services
        .add_post(&v.actor, id, member_id, &get_s(&f, "post"), &get_s(&f, "start_on"))
        .await
        .map_err(inline_error)?;
    see_other(&format!("/orgs/{id}"))
}

async fn post_end(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Posted,
) -> PageResult {
    let id = id_param(&id)?;
    let f = posted(form)?;
    check_csrf(&v, &get_s(&f, "_csrf"))?;
    let org = state.services.end_post(&v.actor, id, &get_s(&f, "end_on")).await.map_err(inline_error)?;
    see_other(&format!("/orgs/{org}"))
}

// ---------------------------------------------------------------- members

struct MemberRowView {
    id: i64,
    name: String,
    gender: &'static str,
    id_number: String,
    birth_date: String,
    branch: String,
    joined_on: String,
    status: &'static str,
    phone: String,
}

#[derive(Template)]
#[template(path = "member_list.html")]
struct MemberListPage {
    nav: Nav,
    filters_main: Vec<Field>,
    filters_more: Vec<Field>,
    more_open: bool,
    rows: Vec<MemberRowView>,
    page: std::sync::Arc<services::members::MemberPage>,
    pages: i64,
    prev: String,
    next: String,
    sort_name: String,
    sort_birth: String,
    sort_joined: String,
    /// The current filters as a query string, for the export links.
    export_qs: String,
    /// "3,017 人" or "1,000 人以上".
    total_text: String,
}

fn query_string(q: &ListQuery) -> String {
    let pairs = [
        ("q", &q.q),
        ("org", &q.org),
        ("status", &q.status),
        ("gender", &q.gender),
        ("education", &q.education),
        ("joined_from", &q.joined_from),
        ("joined_to", &q.joined_to),
        ("age_band", &q.age_band),
        ("sort", &q.sort),
        ("dir", &q.dir),
        ("page", &q.page),
        ("per_page", &q.per_page),
    ];
    let s: Vec<String> =
        pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
    format!("/members?{}", s.join("&"))
}

fn member_filters(q: &ListQuery, errors: &FieldErrors, orgs: &[services::rows::OrgRow]) -> Vec<Field> {
    let mut statuses = vec![("all".to_string(), "全部（含已转出等）".to_string())];
    statuses.extend(status_choices());
    let age_bands: Vec<(String, String)> =
        domain::dates::AgeBand::ALL.iter().map(|b| (b.as_str().to_string(), b.label().to_string())).collect();
    let org_choices: Vec<(String, String)> = orgs
        .iter()
        .filter(|o| o.kind != "group")
        .map(|o| {
            (o.id.to_string(), format!("{}{}", "　".repeat(o.path.matches('/').count().saturating_sub(2)), o.name))
        })
        .collect();
    vec![
        Field::text("q", "姓名", &q.q, errors),
        Field::select("org", "组织", &q.org, org_choices, Some("全部"), errors),
        Field::select("status", "状态", &q.status, statuses, Some("在册（正式和预备）"), errors),
        Field::select("gender", "性别", &q.gender, gender_choices(), Some("不限"), errors),
        Field::select("education", "学历", &q.education, education_choices(), Some("不限"), errors),
        Field::text("joined_from", "入党日期自", &q.joined_from, errors).kind("date"),
        Field::text("joined_to", "入党日期至", &q.joined_to, errors).kind("date"),
        Field::select("age_band", "年龄段", &q.age_band, age_bands, Some("不限"), errors),
    ]
}

async fn member_list(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let orgs = state.services.org_tree(&v.actor, false).await?;
    let (page, errors) = match state.services.member_list(&v.actor, &q).await {
        Ok(p) => (p, FieldErrors::new()),
        Err(ServiceError::Invalid(e)) => (std::sync::Arc::new(services::members::MemberPage::empty(20)), e),
        Err(e) => return Err(e.into()),
    };
    // Past the count's cap the total is a lower bound: offer the next page while pages are full.
    let pages = if page.total_capped {
        if page.members.len() as i64 == page.per_page { page.page + 1 } else { page.page }
    } else {
        ((page.total + page.per_page - 1) / page.per_page).max(1)
    };
    let link = |p: i64| {
        let mut q2 = q.clone();
        q2.page = p.to_string();
        query_string(&q2)
    };
    let sort_link = |key: &str| {
        let mut q2 = q.clone();
        q2.dir = if q.sort == key && q.dir != "desc" { "desc".into() } else { String::new() };
        q2.sort = key.into();
        q2.page = String::new();
        query_string(&q2)
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    // Name, org and status stay in view on a phone; the rest fold away.
    let mut filters_main = member_filters(&q, &errors, &orgs);
    let filters_more = filters_main.split_off(3);
    render_status(
        status,
        &MemberListPage {
            more_open: [&q.gender, &q.education, &q.joined_from, &q.joined_to, &q.age_band]
                .iter()
                .any(|v| !v.is_empty())
                || !errors.is_empty(),
            filters_more,
            filters_main,
            rows: page
                .members
                .iter()
                .map(|m| MemberRowView {
                    id: m.row.id,
                    name: m.row.name.clone(),
                    gender: gender_label(&m.row.gender),
                    id_number: m.row.id_number.clone(),
                    birth_date: m.row.birth_date.clone(),
                    branch: m.row.branch_name.clone(),
                    joined_on: m.row.joined_on.clone(),
                    status: status_label(&m.row.status),
                    phone: m.row.phone.clone().unwrap_or_default(),
                })
                .collect(),
            prev: if page.page > 1 { link(page.page - 1) } else { String::new() },
            next: if page.page < pages { link(page.page + 1) } else { String::new() },
            sort_name: sort_link("name"),
            sort_birth: sort_link("birth_date"),
            sort_joined: sort_link("joined_on"),
            total_text: if page.total_capped {
                format!("{} 人以上", services::members::LIST_TOTAL_CAP)
            } else {
                format!("{} 人", page.total)
            },
            export_qs: {
                let mut q2 = q.clone();
                q2.page = String::new();
                q2.per_page = String::new();
                query_string(&q2).trim_start_matches("/members?").to_string()
            },
            pages,
            page,
            nav: nav(&v),
        },
    )
}

#[derive(Template)]
#[template(path = "member_form.html")]
struct MemberFormPage {
    nav: Nav,
    heading: String,
    branch_name: String,
    action: String,
    cancel: String,
    fields: Vec<Field>,
    summary: String,
}

/// A 否 / 是 select of the national system's items, 否 when not given.
fn yes_no_field(name: &'static str, label: &'static str, value: &str, e: &FieldErrors) -> Field {
    Field::select(name, label, if value.is_empty() { "否" } else { value }, yes_no_choices(), None, e)
}

fn member_fields(i: &MemberInput, e: &FieldErrors, with_status_on: Option<&str>) -> Vec<Field> {
    let mut fields = vec![
        Field::text("name", "姓名", &i.name, e).required(),
        Field::text("id_number", "公民身份号码", &i.id_number, e).required().hint("18 位，末位可为 X"),
        Field::select("gender", "性别", &i.gender, gender_choices(), Some("按身份证号"), e),
        Field::text("birth_date", "出生日期", &i.birth_date, e).kind("date").hint("可留空，按身份证号填写"),
        Field::select(
            "ethnicity",
            "民族",
            if i.ethnicity.is_empty() { "01" } else { &i.ethnicity },
            ethnicity_choices(),
            None,
            e,
        )
        .required(),
        Field::text("phone", "联系电话", &i.phone, e).kind("tel"),
        Field::select("education", "学历", &i.education, education_choices(), Some("未填写"), e),
        Field::text("degree", "学位", &i.degree, e),
        Field::select("occupation", "职业类别", &i.occupation, occupation_choices(), Some("未填写"), e),
        Field::text("unit_name", "工作单位", &i.unit_name, e),
        Field::text("post", "工作岗位", &i.post, e),
        Field::text("joined_on", "入党日期", &i.joined_on, e).kind("date").required().hint("支部大会通过之日"),
        Field::text("confirmed_on", "转正日期", &i.confirmed_on, e).kind("date").hint("正式党员必填：预备期满之日"),
        Field::text("probation_extension_months", "延长预备期（月）", &i.probation_extension_months, e)
            .hint("曾延长预备期的填6至12，未延长的不填"),
        Field::select(
            "status",
            "党员状态",
            if i.status.is_empty() { "full" } else { &i.status },
            status_choices(),
            None,
            e,
        )
        .required(),
        Field::select(
            "dues_category",
            "党费类别",
            if i.dues_category.is_empty() { "employed" } else { &i.dues_category },
            dues_choices(),
            None,
            e,
        )
        .required(),
        Field::text("address", "家庭住址", &i.address, e).hint("具体到门牌号"),
        yes_no_field("lost_contact", "是否为失联党员", &i.lost_contact, e),
        Field::text("lost_contact_since", "失去联系日期", &i.lost_contact_since, e).hint("年月，如 2024-03"),
        yes_no_field("mobile_member", "是否为流动党员", &i.mobile_member, e),
        Field::text("mobile_destination", "外出流向", &i.mobile_destination, e).hint("省、市、县"),
        Field::text("remark", "备注", &i.remark, e),
    ];
    if let Some(on) = with_status_on {
        fields.push(Field::text("status_on", "状态变更日期", on, e).kind("date").hint("仅在状态改变时使用，默认今天"));
    }
    fields
}

fn member_input_of(f: &HashMap<String, String>) -> MemberInput {
    MemberInput {
        name: get_s(f, "name"),
        gender: get_s(f, "gender"),
        ethnicity: get_s(f, "ethnicity"),
        birth_date: get_s(f, "birth_date"),
        id_number: get_s(f, "id_number"),
        phone: get_s(f, "phone"),
        education: get_s(f, "education"),
        degree: get_s(f, "degree"),
        occupation: get_s(f, "occupation"),
        post: get_s(f, "post"),
        unit_name: get_s(f, "unit_name"),
        joined_on: get_s(f, "joined_on"),
        confirmed_on: get_s(f, "confirmed_on"),
        probation_extension_months: get_s(f, "probation_extension_months"),
        status: get_s(f, "status"),
        dues_category: get_s(f, "dues_category"),
        address: get_s(f, "address"),
        lost_contact: get_s(f, "lost_contact"),
        lost_contact_since: get_s(f, "lost_contact_since"),
        mobile_member: get_s(f, "mobile_member"),
        mobile_destination: get_s(f, "mobile_destination"),
        remark: get_s(f, "remark"),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewMemberQuery {
    branch: String,
    group: String,
}

async fn member_new(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<NewMemberQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let branch = state.services.org(&v.actor, id_param(&q.branch)?).await?;
    if branch.kind != "branch" || !can(&v.actor, Action::CreateMember, Target::Org(&branch.org_path()?)) {
        return Err(ServiceError::Forbidden.into());
    }
    let group = if q.group.is_empty() { String::new() } else { format!("&group={}", id_param(&q.group)?) };
    render(&MemberFormPage {
        heading: "录入党员".into(),
        branch_name: branch.name.clone(),
        action: format!("/members?branch={}{group}", branch.id),
        cancel: format!("/orgs/{}", branch.id),
        fields: member_fields(&MemberInput::default(), &FieldErrors::new(), None),
        summary: String::new(),
        nav: nav(&v),
    })
}

async fn member_create(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<NewMemberQuery>, QueryRejection>,
    form: Posted,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let f = posted(form)?;
    check_csrf(&v, &get_s(&f, "_csrf"))?;
    let branch_id = id_param(&q.branch)?;
    let group_id = if q.group.is_empty() { None } else { Some(id_param(&q.group)?) };
    let input = member_input_of(&f);
    match state.services.create_member(&v.actor, branch_id, group_id, &input).await {
        Ok(id) => see_other(&format!("/members/{id}")),
        Err(ServiceError::Invalid(errors)) => {
            let branch = state.services.org(&v.actor, branch_id).await?;
            render_status(
                StatusCode::BAD_REQUEST,
                &MemberFormPage {
                    heading: "录入党员".into(),
                    branch_name: branch.name,
                    action: format!(
                        "/members?branch={branch_id}{}",
                        group_id.map(|g| format!("&group={g}")).unwrap_or_default()
                    ),
                    cancel: format!("/orgs/{branch_id}"),
                    summary: summary_of(&errors),
                    fields: member_fields(&input, &errors, None),
                    nav: nav(&v),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

struct SpanView {
    org_name: String,
    kind: &'static str,
    start_on: String,
    end_on: String,
}

struct StatusView {
    changed_on: String,
    status: &'static str,
}

struct MemberPostView {
    org_name: String,
    post: &'static str,
    start_on: String,
    end_on: String,
}

#[derive(Template)]
#[template(path = "member_detail.html")]
struct MemberDetailPage {
    nav: Nav,
    m: services::rows::MemberRow,
    revealed: bool,
    can_reveal: bool,
    can_edit: bool,
    can_edit_contact: bool,
    gender: &'static str,
    status: &'static str,
    ethnicity: &'static str,
    birth_date: String,
    phone: String,
    education: &'static str,
    degree: String,
    occupation: &'static str,
    unit_name: String,
    post: String,
    joined_on: String,
    confirmed_on: String,
    status_changed_on: String,
    dues: &'static str,
    address: String,
    /// 失联党员: "否", or "是" with the month.
    lost_contact: String,
    /// 流动党员: "否", or "是" with the destination.
    mobile_member: String,
    remark: String,
    spans: Vec<SpanView>,
    status_changes: Vec<StatusView>,
    posts: Vec<MemberPostView>,
    targets: Vec<Opt>,
    today: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RevealQuery {
    reveal: String,
}

async fn member_detail(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    q: Result<Query<RevealQuery>, QueryRejection>,
) -> PageResult {
    let id = id_param(&id)?;
    let reveal = q.is_ok_and(|Query(q)| q.reveal == "1");
    let d = state.services.member_detail(&v.actor, id, reveal).await?;
    let m = d.member.row.clone();
    let targets = if d.can_edit {
        let orgs = state.services.org_tree(&v.actor, false).await?;
        let names: HashMap<i64, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
        orgs.iter()
            .filter(|o| o.kind == "branch" || o.kind == "group")
            .filter(|o| !(o.id == m.branch_id && m.group_id.is_none()) && Some(o.id) != m.group_id)
            .map(|o| {
                let label = if o.kind == "group" {
                    format!("{} · {}", o.parent_id.and_then(|p| names.get(&p).cloned()).unwrap_or_default(), o.name)
                } else {
                    o.name.clone()
                };
                let value =
                    if o.kind == "group" { format!("{}:{}", o.parent_id.unwrap_or(0), o.id) } else { o.id.to_string() };
                Opt { value, label, selected: false }
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&MemberDetailPage {
        revealed: d.member.revealed,
        can_reveal: d.can_reveal,
        can_edit: d.can_edit,
        can_edit_contact: d.can_edit_contact,
        gender: gender_label(&m.gender),
        status: status_label(&m.status),
        ethnicity: ethnicity_label(&m.ethnicity),
        birth_date: cn_date(&m.birth_date),
        phone: m.phone.clone().unwrap_or_else(|| "—".into()),
        education: m.education.as_deref().map(education_label).unwrap_or("—"),
        degree: m.degree.clone().unwrap_or_else(|| "—".into()),
        occupation: m.occupation.as_deref().map(occupation_label).unwrap_or("—"),
        unit_name: m.unit_name.clone().unwrap_or_else(|| "—".into()),
        post: m.post.clone().unwrap_or_else(|| "—".into()),
        joined_on: cn_date(&m.joined_on),
        confirmed_on: opt_date(&m.confirmed_on),
        status_changed_on: cn_date(&m.status_changed_on),
        dues: dues_label(&m.dues_category),
        address: m.address.clone().unwrap_or_else(|| "—".into()),
        lost_contact: match (m.lost_contact != 0, &m.lost_contact_since) {
            (false, _) => "否".into(),
            (true, Some(since)) => format!("是（{since} 起失去联系）"),
            (true, None) => "是".into(),
        },
        mobile_member: match (m.mobile_member != 0, &m.mobile_destination) {
            (false, _) => "否".into(),
            (true, Some(to)) => format!("是（外出流向：{to}）"),
            (true, None) => "是".into(),
        },
        remark: m.remark.clone().unwrap_or_else(|| "—".into()),
        spans: d
            .spans
            .iter()
            .map(|s| SpanView {
                org_name: s.org_name.clone(),
                kind: if s.kind == "group" { "党小组" } else { "党支部" },
                start_on: cn_date(&s.start_on),
                end_on: s.end_on.as_deref().map(cn_date).unwrap_or_else(|| "至今".into()),
            })
            .collect(),
        status_changes: d
            .status_changes
            .iter()
            .map(|s| StatusView { changed_on: cn_date(&s.changed_on), status: status_label(&s.status) })
            .collect(),
        posts: d
            .posts
            .iter()
            .map(|p| MemberPostView {
                org_name: p.org_name.clone(),
                post: post_label(&p.post),
                start_on: cn_date(&p.start_on),
                end_on: p.end_on.as_deref().map(cn_date).unwrap_or_else(|| "至今".into()),
            })
            .collect(),
        targets,
        today: services::today().format("%Y-%m-%d").to_string(),
        nav: nav(&v),
        m,
    })
}

async fn member_edit(State(state): State<AppState>, PageViewer(v): PageViewer, Path(id): Path<String>) -> PageResult {
    let id = id_param(&id)?;
    let m = state.services.member_for_edit(&v.actor, id).await?;
    render(&MemberFormPage {
        heading: format!("编辑：{}", m.name),
        branch_name: m.branch_name.clone(),
        action: format!("/members/{id}/edit"),
        cancel: format!("/members/{id}"),
        fields: member_fields(&input_of(&m), &FieldErrors::new(), Some("")),
        summary: String::new(),
        nav: nav(&v),
    })
}

async fn member_update(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Posted,
) -> PageResult {
    let id = id_param(&id)?;
    let f = posted(form)?;
    check_csrf(&v, &get_s(&f, "_csrf"))?;
    let input = member_input_of(&f);
    let status_on = get_s(&f, "status_on");
    match state.services.update_member(&v.actor, id, &input, &status_on).await {
        Ok(()) => see_other(&format!("/members/{id}")),
        Err(ServiceError::Invalid(errors)) => {
            let m = state.services.member_for_edit(&v.actor, id).await?;
            render_status(
                StatusCode::BAD_REQUEST,
                &MemberFormPage {
                    heading: format!("编辑：{}", m.name),
                    branch_name: m.branch_name,
                    action: format!("/members/{id}/edit"),
                    cancel: format!("/members/{id}"),
                    summary: summary_of(&errors),
                    fields: member_fields(&input, &errors, Some(&status_on)),
                    nav: nav(&v),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

async fn member_contact(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Posted,
) -> PageResult {
    let id = id_param(&id)?;
    let f = posted(form)?;
    check_csrf(&v, &get_s(&f, "_csrf"))?;
    state.services.update_member_contact(&v.actor, id, &get_s(&f, "phone")).await.map_err(inline_error)?;
    see_other(&format!("/members/{id}"))
}

async fn member_relocate(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Posted,
) -> PageResult {
    let id = id_param(&id)?;
    let f = posted(form)?;
    check_csrf(&v, &get_s(&f, "_csrf"))?;
    let target = get_s(&f, "target");
    let bad = || PageError::BadRequest("请选择转入的党支部或党小组".into());
    let (branch, group) = match target.split_once(':') {
        Some((b, g)) => (b.parse::<i64>().map_err(|_| bad())?, Some(g.parse::<i64>().map_err(|_| bad())?)),
        None => (target.parse::<i64>().map_err(|_| bad())?, None),
    };
    state.services.relocate_member(&v.actor, id, branch, group, &get_s(&f, "on")).await.map_err(inline_error)?;
    see_other(&format!("/members/{id}"))
}

// ---------------------------------------------------------------- audit

struct AuditView {
    id: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Nav,
    entries: Vec<AuditView>,
    more: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AuditQuery {
    before: String,
    entity: String,
    entity_id: String,
}

async fn audit(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let f = services::rows::AuditFilter {
        entity: (!q.entity.is_empty()).then(|| q.entity.clone()),
        entity_id: q.entity_id.parse().ok(),
        before_id: q.before.parse().ok(),
        limit: 100,
        ..Default::default()
    };
    let entries = state.services.audit_entries(&v.actor, &f).await?;
    let more = match entries.last() {
        Some(last) if entries.len() == 100 && last.id > 1 => format!("/audit?before={}", last.id),
        _ => String::new(),
    };
    render(&AuditPage {
        entries: entries
            .into_iter()
            .map(|e| AuditView {
                id: e.id,
                at: cn_time(e.at),
                actor: e.actor,
                action: e.action,
                entity: format!("{} #{}", e.entity, e.entity_id.map(|i| i.to_string()).unwrap_or_default()),
                after: e.after_json.unwrap_or_default().chars().take(160).collect(),
            })
            .collect(),
        more,
        nav: nav(&v),
    })
}

// ---------------------------------------------------------------- account

struct TokenView {
    id: i64,
    name: String,
    prefix: String,
    created: String,
    state: &'static str,
    live: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    nav: Nav,
    username: String,
    roles: Vec<String>,
    must_change: bool,
    password_fields: Vec<Field>,
    tokens: Vec<TokenView>,
    new_token: String,
    token_error: String,
}

async fn account_page(
    state: &AppState,
    v: &Viewer,
    errors: &FieldErrors,
    new_token: String,
    token_error: String,
    status: StatusCode,
) -> PageResult {
    let roles = state
        .services
        .roles_of(v.account.id)
        .await?
        .into_iter()
        .map(|r| {
            let label = domain::scope::RoleKind::parse(&r.role).map(|k| k.label()).unwrap_or("—");
            match r.org_name {
                Some(o) => format!("{label}：{o}"),
                None => label.to_string(),
            }
        })
        .collect();
    let tokens = state
        .services
        .tokens(&v.actor)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created: cn_time(t.created_at),
            state: if t.revoked_at.is_some() { "已吊销" } else { "有效" },
            live: t.revoked_at.is_none(),
        })
        .collect();
    render_status(
        status,
        &AccountPage {
            username: v.account.username.clone(),
            roles,
            must_change: v.account.must_change_password != 0,
            password_fields: vec![
                Field::text("current", "当前密码", "", errors).kind("password"),
                Field::text("new", "新密码", "", errors)
                    .kind("password")
                    .hint("至少 10 个字符，含字母、数字、符号中的两种"),
                Field::text("confirm", "再次输入新密码", "", errors).kind("password"),
            ],
            tokens,
            new_token,
            token_error,
            nav: nav(v),
        },
    )
}

async fn account(State(state): State<AppState>, PageViewer(v): PageViewer) -> PageResult {
    account_page(&state, &v, &FieldErrors::new(), String::new(), String::new(), StatusCode::OK).await
}

async fn password_change(State(state): State<AppState>, PageViewer(v): PageViewer, form: Posted) -> PageResult {
    let f = posted(form)?;
    check_csrf(&v, &get_s(&f, "_csrf"))?;
    match state.services.change_password(&v, &get_s(&f, "current"), &get_s(&f, "new"), &get_s(&f, "confirm")).await {
        Ok(()) => see_other("/account"),
        Err(ServiceError::Invalid(errors)) => {
            account_page(&state, &v, &errors, String::new(), String::new(), StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn token_create(State(state): State<AppState>, PageViewer(v): PageViewer, form: Posted) -> PageResult {
    let f = posted(form)?;
    check_csrf(&v, &get_s(&f, "_csrf"))?;
    match state.services.create_token(&v.actor, &get_s(&f, "name")).await {
        Ok((_, token)) => account_page(&state, &v, &FieldErrors::new(), token, String::new(), StatusCode::OK).await,
        Err(ServiceError::Invalid(errors)) => {
            let msg = errors.get("name").unwrap_or_default().to_string();
            account_page(&state, &v, &FieldErrors::new(), String::new(), msg, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn token_revoke(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Posted,
) -> PageResult {
    let id = id_param(&id)?;
    check_csrf(&v, &get_s(&posted(form)?, "_csrf"))?;
    state.services.revoke_token(&v.actor, id).await?;
    see_other("/account")
}

// ---------------------------------------------------------------- accounts (administration)

struct AccountRowView {
    id: i64,
    username: String,
    display_name: String,
    roles: Vec<String>,
    state: &'static str,
    disabled: bool,
    can_toggle: bool,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    nav: Nav,
    rows: Vec<AccountRowView>,
    fields: Vec<Field>,
    summary: String,
    created: String,
}

fn account_fields(f: &HashMap<String, String>, e: &FieldErrors, orgs: &[services::rows::OrgRow]) -> Vec<Field> {
    let roles: Vec<(String, String)> =
        domain::scope::RoleKind::ALL.iter().map(|r| (r.as_str().to_string(), r.label().to_string())).collect();
    let org_choices: Vec<(String, String)> = orgs
        .iter()
        .filter(|o| o.kind != "group")
        .map(|o| {
            (o.id.to_string(), format!("{}{}", "　".repeat(o.path.matches('/').count().saturating_sub(2)), o.name))
        })
        .collect();
    vec![
        Field::text("username", "用户名", &get_s(f, "username"), e).required().hint("字母、数字、下划线，3–32 位"),
        Field::text("display_name", "姓名", &get_s(f, "display_name"), e).required(),
        Field::select("role", "角色", &get_s(f, "role"), roles, None, e).required(),
        Field::select("org_id", "管理的组织", &get_s(f, "org_id"), org_choices, Some("（系统管理员、党员不选）"), e)
            .hint("组织管理员：所选组织及其下级；党务工作者：所选党支部"),
        Field::text("member_id", "党员编号", &get_s(f, "member_id"), e).hint("党员角色必填：党员详情页地址中的数字"),
    ]
}

async fn accounts_page(
    state: &AppState,
    v: &Viewer,
    form: &HashMap<String, String>,
    errors: &FieldErrors,
    created: String,
    status: StatusCode,
) -> PageResult {
    let list = state.services.accounts_overview(&v.actor).await?;
    let orgs = state.services.org_tree(&v.actor, false).await?;
    render_status(
        status,
        &AccountsPage {
            rows: list
                .into_iter()
                .map(|a| AccountRowView {
                    id: a.account.id,
                    can_toggle: a.account.id != v.account.id,
                    username: a.account.username,
                    display_name: a.account.display_name,
                    roles: a.roles,
                    state: if a.account.disabled != 0 { "已停用" } else { "正常" },
                    disabled: a.account.disabled != 0,
                })
                .collect(),
            fields: account_fields(form, errors, &orgs),
            summary: summary_of(errors),
            created,
            nav: nav(v),
        },
    )
}

async fn accounts(State(state): State<AppState>, PageViewer(v): PageViewer) -> PageResult {
    accounts_page(&state, &v, &HashMap::new(), &FieldErrors::new(), String::new(), StatusCode::OK).await
}

async fn account_create(State(state): State<AppState>, PageViewer(v): PageViewer, form: Posted) -> PageResult {
    let f = posted(form)?;
    check_csrf(&v, &get_s(&f, "_csrf"))?;
    let mut errors = FieldErrors::new();
    let role = domain::scope::RoleKind::parse(&get_s(&f, "role"));
    if role.is_none() {
        errors.add("role", "请选择角色");
    }
    let org_id = match get_s(&f, "org_id").trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("org_id", "请选择组织");
                None
            }
        },
    };
    let member_id = match get_s(&f, "member_id").trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("member_id", "党员编号应为数字");
                None
            }
        },
    };
    if let (Some(role), true) = (role, errors.is_empty()) {
        let password = services::accounts::generate_password();
        let username = get_s(&f, "username").trim().to_string();
        let new = services::accounts::NewAccount {
            username: username.clone(),
            display_name: get_s(&f, "display_name"),
            password: password.clone(),
            member_id,
            must_change_password: true,
            roles: vec![services::accounts::RoleGrant { role, org_id }],
        };
        match state.services.create_account(&v.actor, new).await {
            Ok(_) => {
                let msg = format!(
                    "已创建账户 {username}，一次性密码：{password}（只显示这一次，请转交本人，首次登录须修改）"
                );
                return accounts_page(&state, &v, &HashMap::new(), &FieldErrors::new(), msg, StatusCode::OK).await;
            }
            Err(ServiceError::Invalid(e)) => errors = e,
            Err(e) => return Err(inline_error(e)),
        }
    }
    accounts_page(&state, &v, &f, &errors, String::new(), StatusCode::BAD_REQUEST).await
}

async fn account_toggle(state: AppState, v: Viewer, id: String, form: Posted, disabled: bool) -> PageResult {
    let id = id_param(&id)?;
    check_csrf(&v, &get_s(&posted(form)?, "_csrf"))?;
    state.services.set_account_disabled(&v.actor, id, disabled).await.map_err(inline_error)?;
    see_other("/accounts")
}

async fn account_disable(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Posted,
) -> PageResult {
    account_toggle(state, v, id, form, true).await
}

async fn account_enable(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Posted,
) -> PageResult {
    account_toggle(state, v, id, form, false).await
}
