//! Accounts (账户): one's own account (password, API tokens) and the administration of accounts.

use crate::AppState;
use crate::auth::{PageViewer, Viewer, check_csrf};
use crate::ui::Routes;
use crate::ui::*;
use crate::view::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::FieldErrors;
use services::ServiceError;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .route("/account", get(account))
        .route("/account/password", post(password_change))
        .route("/account/tokens", post(token_create))
        .route("/account/tokens/{id}/revoke", post(token_revoke))
        .route("/accounts", get(accounts).post(account_create))
        .route("/accounts/{id}/disable", post(account_disable))
        .route("/accounts/{id}/enable", post(account_enable))
        .route("/accounts/{id}/reset-password", post(account_reset_password))
}

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
        .own_roles(v)
        .await?
        .into_iter()
        .map(|r| {
            let label = r.role.label();
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
            must_change: v.account.must_change_password,
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

async fn password_change(
    State(state): State<AppState>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
    match state.services.change_password(&v, &get_s(&f, "current"), &get_s(&f, "new"), &get_s(&f, "confirm")).await {
        Ok(()) => see_other("/account"),
        Err(ServiceError::Invalid(errors)) => {
            account_page(&state, &v, &errors, String::new(), String::new(), StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn token_create(State(state): State<AppState>, CheckedForm { viewer: v, fields: f }: CheckedForm) -> PageResult {
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

fn account_fields(
    f: &HashMap<String, String>,
    e: &FieldErrors,
    orgs: &[services::rows::OrgRow],
    grantable: &[domain::scope::RoleKind],
) -> Vec<Field> {
    // Only the roles the creator may grant; a party worker account is the usual one.
    let roles: Vec<(String, String)> =
        grantable.iter().map(|r| (r.as_str().to_string(), r.label().to_string())).collect();
    let role = match get_s(f, "role") {
        r if !r.is_empty() => r,
        _ if grantable.contains(&domain::scope::RoleKind::PartyWorker) => "party_worker".into(),
        _ => grantable.first().map(|r| r.as_str().to_string()).unwrap_or_default(),
    };
    let org_choices: Vec<(String, String)> = orgs
        .iter()
        .filter(|o| o.kind != domain::org::OrgKind::Group)
        .map(|o| {
            (o.id.to_string(), format!("{}{}", "　".repeat(o.path.matches('/').count().saturating_sub(2)), o.name))
        })
        .collect();
    vec![
        Field::text("username", "用户名", &get_s(f, "username"), e).required().hint("字母、数字、下划线，3–32 位"),
        Field::text("display_name", "姓名", &get_s(f, "display_name"), e).required(),
        Field::select("role", "角色", &role, roles, None, e).required(),
        Field::select("org_id", "管理的组织", &get_s(f, "org_id"), org_choices, Some("（系统管理员、党员不选）"), e)
            .hint("组织管理员：所选组织及其下级；党务工作者：所选党支部"),
        Field::text("member", "对应党员", &get_s(f, "member"), e)
            .hint("党员角色必填：填写党员姓名（同名时填身份证号）"),
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
                    state: if a.account.disabled { "已停用" } else { "正常" },
                    disabled: a.account.disabled,
                })
                .collect(),
            fields: account_fields(form, errors, &orgs, &state.services.grantable_roles(&v.actor)),
            summary: summary_of(errors),
            created,
            nav: nav(v),
        },
    )
}

async fn accounts(State(state): State<AppState>, PageViewer(v): PageViewer) -> PageResult {
    accounts_page(&state, &v, &HashMap::new(), &FieldErrors::new(), String::new(), StatusCode::OK).await
}

async fn account_create(
    State(state): State<AppState>,
    CheckedForm { viewer: v, fields: f }: CheckedForm,
) -> PageResult {
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
    // A member account is linked to the member found by name (or ID number) in the creator's
    // scope.
    let member_id = match (role, get_s(&f, "member").trim()) {
        (_, "") => None,
        (Some(domain::scope::RoleKind::Member), who) => {
            match state.services.member_named(&v.actor, who, "member").await {
                Ok(m) => Some(m.id),
                Err(ServiceError::Invalid(e)) => {
                    errors.0.extend(e.0);
                    None
                }
                Err(e) => return Err(inline_error(e)),
            }
        }
        _ => None,
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
            // Refused by scope: the form stays, saying why, rather than a bare refusal page.
            Err(ServiceError::Forbidden | ServiceError::NotFound) => errors.add(
                "org_id",
                "您只能在自己管理的组织范围内创建账户、授予角色：请选择您管理的组织，或请上级管理员办理",
            ),
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

/// An administrator resets an account's password: a one-time password is shown once, to hand
/// over; the account's sessions and tokens end.
async fn account_reset_password(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    form: Posted,
) -> PageResult {
    let id = id_param(&id)?;
    check_csrf(&v, &get_s(&posted(form)?, "_csrf"))?;
    let password = state.services.reset_account_password(&v.actor, id).await.map_err(inline_error)?;
    let username = state
        .services
        .accounts_overview(&v.actor)
        .await?
        .into_iter()
        .find(|a| a.account.id == id)
        .map(|a| a.account.username)
        .unwrap_or_default();
    let msg = format!("已重设账户 {username} 的密码，一次性密码：{password}（只显示这一次，请转交本人，登录后须修改）");
    accounts_page(&state, &v, &HashMap::new(), &FieldErrors::new(), msg, StatusCode::OK).await
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
