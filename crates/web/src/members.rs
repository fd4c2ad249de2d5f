//! The member registry (党员): list with filters, a member's page, creating and editing members, contact, relocation.

use crate::AppState;
use crate::auth::PageViewer;
use crate::error::{PageError, urlencode};
use crate::ui::Routes;
use crate::ui::*;
use crate::view::*;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::FieldErrors;
use domain::dates::Iso;
use domain::member::MemberInput;
use domain::org::OrgKind;
use domain::scope::{Action, Target, can};
use serde::Deserialize;
use services::ServiceError;
use services::members::{ListQuery, input_of};
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .route("/members", get(member_list).post(member_create))
        .route("/members/new", get(member_new))
        .route("/members/{id}", get(member_detail))
        .route("/members/{id}/edit", get(member_edit).post(member_update))
        .route("/members/{id}/contact", post(member_contact))
        .route("/members/{id}/relocate", post(member_relocate))
}

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
        .filter(|o| o.kind != OrgKind::Group)
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
                    gender: m.row.gender.label(),
                    id_number: m.row.id_number.clone(),
                    birth_date: m.row.birth_date.to_string(),
                    branch: m.row.branch_name.clone(),
                    joined_on: m.row.joined_on.to_string(),
                    status: m.row.status.label(),
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

/// The statuses the edit form offers: probationary and full (a correction), and the member's own
/// status when it is another one (changed only by a decision or a transfer).
fn editable_statuses(current: &str) -> Vec<(String, String)> {
    status_choices()
        .into_iter()
        .filter(|(v, _)| v == current || matches!(v.as_str(), "probationary" | "full"))
        .collect()
}

pub(crate) fn member_fields(i: &MemberInput, e: &FieldErrors, with_status_on: Option<&str>) -> Vec<Field> {
    let status = if i.status.is_empty() { "full" } else { i.status.as_str() };
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
        Field::select("status", "党员状态", status, editable_statuses(status), None, e)
            .required()
            .hint("停止党籍、恢复党籍、出党、去世和纪律处分请在党员页面“党籍处置”中办理"),
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

pub(crate) fn member_input_of(f: &HashMap<String, String>) -> MemberInput {
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
    if branch.kind != OrgKind::Branch || !can(&v.actor, Action::CreateMember, Target::Org(&branch.org_path()?)) {
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
    q: Result<Query<NewMemberQuery>, QueryRejection>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
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
    /// "2024年3月1日至2025年2月28日", or "2024年3月1日起" while held.
    period: String,
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
    /// The member's transfers of membership, oldest first.
    transfers: Vec<TransferLine>,
    /// Joining, confirmation, branches, transfers, decisions and posts, newest first.
    timeline: Vec<crate::member_timeline::Event>,
    targets: Vec<Opt>,
    today: String,
    /// 双培养: marked a key teacher (骨干教师).
    key_teacher: bool,
}

/// One transfer of membership on a member's page.
struct TransferLine {
    id: i64,
    issued: String,
    kind: &'static str,
    from: String,
    to: String,
    state: &'static str,
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
    let transfer_views = state.services.transfers_of_member(&v.actor, id).await?;
    let decisions = state.services.decisions_of_member(&v.actor, id).await?.decisions;
    let timeline = crate::member_timeline::timeline(&d, &transfer_views, &decisions);
    let key_teacher = state.services.is_key_teacher(&v.actor, id).await?;
    let transfers = transfer_views
        .into_iter()
        .map(|t| TransferLine {
            id: t.row.id,
            issued: cn_date(&t.row.issued_on),
            kind: t.row.kind.label(),
            from: t.row.from_name.clone(),
            to: t.row.to_name.clone(),
            state: t.row.state.label(t.row.kind),
        })
        .collect();
    let targets = if d.can_edit {
        let orgs = state.services.org_tree(&v.actor, false).await?;
        let names: HashMap<i64, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
        orgs.iter()
            .filter(|o| matches!(o.kind, OrgKind::Branch | OrgKind::Group))
            .filter(|o| !(o.id == m.branch_id && m.group_id.is_none()) && Some(o.id) != m.group_id)
            .map(|o| {
                let label = if o.kind == OrgKind::Group {
                    format!("{} · {}", o.parent_id.and_then(|p| names.get(&p).cloned()).unwrap_or_default(), o.name)
                } else {
                    o.name.clone()
                };
                let value = if o.kind == OrgKind::Group {
                    format!("{}:{}", o.parent_id.unwrap_or(0), o.id)
                } else {
                    o.id.to_string()
                };
                Opt { value, label, selected: false }
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&MemberDetailPage {
        key_teacher,
        revealed: d.member.revealed,
        can_reveal: d.can_reveal,
        can_edit: d.can_edit,
        can_edit_contact: d.can_edit_contact,
        gender: m.gender.label(),
        status: m.status.label(),
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
        dues: m.dues_category.label(),
        address: m.address.clone().unwrap_or_else(|| "—".into()),
        lost_contact: match (m.lost_contact, &m.lost_contact_since) {
            (false, _) => "否".into(),
            (true, Some(since)) => format!("是（{since} 起失去联系）"),
            (true, None) => "是".into(),
        },
        mobile_member: match (m.mobile_member, &m.mobile_destination) {
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
                end_on: s.end_on.as_ref().map(cn_date).unwrap_or_else(|| "至今".into()),
            })
            .collect(),
        status_changes: d
            .status_changes
            .iter()
            .map(|s| StatusView { changed_on: cn_date(&s.changed_on), status: s.status.label() })
            .collect(),
        transfers,
        timeline,
        posts: d
            .posts
            .iter()
            .map(|p| MemberPostView {
                org_name: p.org_name.clone(),
                post: p.post.label(),
                period: match &p.end_on {
                    Some(end) => format!("{}至{}", cn_date(&p.start_on), cn_date(end)),
                    None => format!("{}起", cn_date(&p.start_on)),
                },
            })
            .collect(),
        targets,
        today: state.services.today().iso(),
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
    Path(id): Path<String>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
    let id = id_param(&id)?;
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
    Path(id): Path<String>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
    let id = id_param(&id)?;
    state.services.update_member_contact(&v.actor, id, &get_s(&f, "phone")).await.map_err(inline_error)?;
    see_other(&format!("/members/{id}"))
}

async fn member_relocate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
    let id = id_param(&id)?;
    let target = get_s(&f, "target");
    let bad = || PageError::BadRequest("请选择转入的党支部或党小组".into());
    let (branch, group) = match target.split_once(':') {
        Some((b, g)) => (b.parse::<i64>().map_err(|_| bad())?, Some(g.parse::<i64>().map_err(|_| bad())?)),
        None => (target.parse::<i64>().map_err(|_| bad())?, None),
    };
    state.services.relocate_member(&v.actor, id, branch, group, &get_s(&f, "on")).await.map_err(inline_error)?;
    see_other(&format!("/members/{id}"))
}
