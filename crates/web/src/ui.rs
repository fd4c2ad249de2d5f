//! What every page shares: rendering, redirects, the navigation bar, posted forms, id
//! parameters, and the error and not-found pages. Each area (orgs, members, org life, …) has a
//! module of its own with its routes; this one has none.

use crate::auth::Viewer;
use crate::error::{PageError, error_page};
use askama::Template;
use axum::extract::Form;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::FieldErrors;
use services::ServiceError;
use std::collections::HashMap;

pub(crate) type PageResult = Result<Response, PageError>;

pub(crate) fn render<T: Template>(t: &T) -> PageResult {
    render_status(StatusCode::OK, t)
}

pub(crate) fn render_status<T: Template>(status: StatusCode, t: &T) -> PageResult {
    let html = t.render().map_err(|e| PageError::Service(ServiceError::Internal(e.to_string())))?;
    Ok((status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

pub(crate) fn see_other(to: &str) -> PageResult {
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
    let can_audit = v.actor.audit_scope().is_some();
    let flash = if v.account.must_change_password {
        "请先在“账户”页面修改一次性密码。".into()
    } else {
        String::new()
    };
    Nav { display_name: v.account.display_name.clone(), csrf: v.csrf.clone(), can_audit, flash }
}

/// A form posted by a page: its fields plus the CSRF token. Values are strings, so decoding
/// cannot fail on content; a malformed body gets a Chinese 400 page.
pub(crate) type Posted = Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>;

pub(crate) fn posted(p: Posted) -> Result<HashMap<String, String>, PageError> {
    p.map(|Form(m)| m).map_err(|_| PageError::BadRequest("提交的表单格式不正确，请返回重新填写".into()))
}

pub(crate) fn get_s(m: &HashMap<String, String>, k: &str) -> String {
    m.get(k).cloned().unwrap_or_default()
}

pub(crate) fn summary_of(e: &FieldErrors) -> String {
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

/// Use-case errors of small inline forms are shown on an error page that says what to fix.
pub(crate) fn inline_error(e: ServiceError) -> PageError {
    match e {
        ServiceError::Invalid(f) => {
            PageError::BadRequest(f.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"))
        }
        other => other.into(),
    }
}

/// A form posted by a signed-in viewer whose CSRF token matched the session's: the extractor
/// of every page that changes something (it must come last, since it reads the body).
pub(crate) struct CheckedForm {
    pub viewer: Viewer,
    pub fields: HashMap<String, String>,
}

impl axum::extract::FromRequest<crate::AppState> for CheckedForm {
    type Rejection = PageError;

    async fn from_request(req: axum::extract::Request, state: &crate::AppState) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRequestParts;
        let (mut parts, body) = req.into_parts();
        let crate::auth::PageViewer(viewer) = crate::auth::PageViewer::from_request_parts(&mut parts, state).await?;
        let req = axum::extract::Request::from_parts(parts, body);
        let fields = posted(Form::<HashMap<String, String>>::from_request(req, state).await)?;
        crate::auth::check_csrf(&viewer, &get_s(&fields, "_csrf"))?;
        Ok(Self { viewer, fields })
    }
}
