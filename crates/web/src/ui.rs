//! What every page shares: rendering, redirects, the navigation bar, posted forms, id
//! parameters, and the error and not-found pages. Each area (orgs, members, org life, …) has a
//! module of its own with its routes; this one has none.

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{PageError, error_page};
use askama::Template;
use axum::Router;
use axum::extract::Form;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
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
    /// A plain member, who sees only their own record: no lists of orgs or members to offer.
    pub own_member: Option<i64>,
}

pub(crate) fn nav(v: &Viewer) -> Nav {
    let can_audit = v.actor.audit_scope().is_some();
    let flash = if v.account.must_change_password {
        "请先在“账户”页面修改一次性密码。".into()
    } else {
        String::new()
    };
    let own_member = v.actor.own_member_id().filter(|_| v.actor.scope().is_own_record_only());
    Nav { display_name: v.account.display_name.clone(), csrf: v.csrf.clone(), can_audit, flash, own_member }
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

/// A router that remembers the paths it routes, so that tests enumerate the routes from the
/// router itself (a new route cannot be left out of the scope matrix). Areas build their
/// routes with it; [`crate::router`] turns the whole into an axum `Router`.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    paths: Vec<String>,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn route(mut self, path: &str, methods: MethodRouter<AppState>) -> Self {
        self.paths.push(path.to_string());
        self.router = self.router.route(path, methods);
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.paths.extend(other.paths);
        self.router = self.router.merge(other.router);
        self
    }

    pub fn nest(mut self, prefix: &str, other: Routes) -> Self {
        self.paths.extend(other.paths.into_iter().map(|p| format!("{prefix}{p}")));
        self.router = self.router.nest(prefix, other.router);
        self
    }

    /// What answers a path nothing routes.
    pub fn fallback<H, T>(mut self, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.fallback(handler);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<String>) {
        (self.router, self.paths)
    }
}
