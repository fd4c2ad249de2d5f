//! The org tree (组织): the tree, an org's page with its committee posts and members, creating, editing, moving and closing orgs.

use crate::AppState;
use crate::auth::{PageViewer, check_csrf};
use crate::error::PageError;
use crate::ui::Routes;
use crate::ui::*;
use crate::view::*;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::FieldErrors;
use domain::codes::MemberStatus;
use domain::dates::Iso;
use domain::org::{OrgKind, OrgStatus};
use domain::scope::{Action, Target, can};
use serde::Deserialize;
use services::ServiceError;
use services::orgs::OrgInput;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .route("/orgs", get(org_tree).post(org_create))
        .route("/orgs/new", get(org_new))
        .route("/orgs/{id}", get(org_detail))
        .route("/orgs/{id}/edit", get(org_edit).post(org_update))
        .route("/orgs/{id}/move", post(org_move))
        .route("/orgs/{id}/close", post(org_close))
        .route("/orgs/{id}/posts", post(post_add))
        .route("/posts/{id}/end", post(post_end))
}

struct TreeRow {
    id: i64,
    name: String,
    kind_label: &'static str,
    depth: usize,
    closed: bool,
    /// The org matches the search.
    hit: bool,
    /// How many orgs are directly below it (it then opens a foldable level).
    children: usize,
    /// Its level starts unfolded: the top two levels, or every level when searching.
    open: bool,
    /// How many foldable levels end after this row.
    close: usize,
}

/// Levels shown unfolded when the tree opens (a committee and the orgs right below it).
const OPEN_LEVELS: usize = 2;

#[derive(Template)]
#[template(path = "org_tree.html")]
struct OrgTreePage {
    nav: Nav,
    rows: Vec<TreeRow>,
    can_create_root: bool,
    show_closed: bool,
    search: String,
    matches: usize,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TreeQuery {
    closed: String,
    /// Part of an org's name: the tree shows the orgs whose name contains it, with the orgs
    /// above them.
    q: String,
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
                    kind_label: o.kind.label(),
                    depth: o.path.matches('/').count().saturating_sub(min_depth),
                    closed: o.status == OrgStatus::Closed,
                    hit: false,
                    children: by_parent.get(&Some(o.id)).map_or(0, Vec::len),
                    open: false,
                    close: 0,
                });
                walk(Some(o.id), by_parent, min_depth, out);
            }
        }
    }
    walk(None, &by_parent, min_depth, &mut out);
    // A leaf ends the levels between it and the next row (the last row ends them all).
    let depths: Vec<usize> = out.iter().map(|r| r.depth).collect();
    for (i, r) in out.iter_mut().enumerate() {
        r.open = r.depth < OPEN_LEVELS;
        if r.children == 0 {
            let next = depths.get(i + 1).copied().unwrap_or(0);
            r.close = r.depth.saturating_sub(next);
        }
    }
    out
}

fn kind_rank(kind: &OrgKind) -> u8 {
    match kind {
        OrgKind::Committee => 0,
        OrgKind::GeneralBranch => 1,
        OrgKind::Branch => 2,
        OrgKind::Group => 3,
    }
}

async fn org_tree(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    q: Result<Query<TreeQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let show_closed = q.closed == "1";
    let mut orgs = state.services.org_tree(&v.actor, show_closed).await?;
    let search = q.q.trim().to_string();
    let mut matches = 0;
    if !search.is_empty() {
        // The matching orgs and every org above them, so each match stands in its place.
        let hits: Vec<&services::rows::OrgRow> = orgs.iter().filter(|o| o.name.contains(&search)).collect();
        matches = hits.len();
        let keep: std::collections::HashSet<String> = hits
            .iter()
            .flat_map(|o| o.path.trim_matches('/').split('/').map(str::to_string).collect::<Vec<_>>())
            .collect();
        orgs.retain(|o| keep.contains(&o.id.to_string()));
    }
    let mut rows = tree_rows(&orgs);
    for r in &mut rows {
        r.hit = !search.is_empty() && r.name.contains(&search);
        // A search shows the matches in place: every level on their way is unfolded.
        r.open |= !search.is_empty();
    }
    render(&OrgTreePage {
        can_create_root: can(&v.actor, Action::CreateChildOrg(OrgKind::Committee), Target::Global),
        rows,
        nav: nav(&v),
        show_closed,
        search,
        matches,
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
    q: Result<Query<NewOrgQuery>, QueryRejection>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
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
    /// 政治生日 of this month (POL-BIRTHDAY), for a branch or general branch.
    birthdays: Option<services::political_birthdays::BirthdayList>,
}

fn post_view(p: &services::rows::PostRow) -> PostView {
    PostView {
        id: p.id,
        label: p.post.label(),
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
    let kind = d.org.kind;
    let target = Target::Org(&path);
    let closed = d.org.status == OrgStatus::Closed;
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
            .filter(|m| m.status == MemberStatus::Full)
            .map(|m| Opt {
                value: m.id.to_string(),
                // The name as typed: the form finds the member by it.
                label: m.name.clone(),
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
                    && kind.may_sit_under(Some(o.kind))
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
    let birthdays = if matches!(kind, OrgKind::Branch | OrgKind::GeneralBranch) && !closed {
        Some(state.services.political_birthdays(&v.actor, id, "").await?)
    } else {
        None
    };
    let page = OrgDetailPage {
        birthdays,
        kind_label: kind.label(),
        unit_kind_label: d.org.unit_kind.label(),
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
                kind_label: c.kind.label(),
                closed: c.status == OrgStatus::Closed,
            })
            .collect(),
        members: members_rows
            .iter()
            .map(|m| OrgMemberView {
                id: m.id,
                name: m.name.clone(),
                gender: m.gender.label(),
                status: m.status.label(),
                group: m.group_name.clone().unwrap_or_default(),
                joined_on: m.joined_on.to_string(),
            })
            .collect(),
        member_options,
        post_options: post_choices().into_iter().map(|(value, label)| Opt { value, label, selected: false }).collect(),
        parent_options,
        today: state.services.today().iso(),
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
    Path(id): Path<String>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
    let id = id_param(&id)?;
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

async fn org_move(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
    let id = id_param(&id)?;
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
    Path(id): Path<String>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
    let id = id_param(&id)?;
    // The member is typed by name (or ID number, when two share a name) and found in the
    // viewer's scope; a numeric member_id is taken as it is.
    let member_id = match get_s(&f, "member_id").parse::<i64>() {
        Ok(id) => id,
        Err(_) => state.services.member_named(&v.actor, &get_s(&f, "member"), "member").await.map_err(inline_error)?.id,
    };
    state
        .services
        .add_post(&v.actor, id, member_id, &get_s(&f, "post"), &get_s(&f, "start_on"))
        .await
        .map_err(inline_error)?;
    see_other(&format!("/orgs/{id}"))
}

async fn post_end(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
    let id = id_param(&id)?;
    let org = state.services.end_post(&v.actor, id, &get_s(&f, "end_on")).await.map_err(inline_error)?;
    see_other(&format!("/orgs/{org}"))
}
