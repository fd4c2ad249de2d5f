//! One error type per front: pages render a Chinese error page, the API a structured JSON body
//! `{"error": {"code", "message", "fields"}}`. Neither ever shows a stack trace.

use crate::ui::ErrorPage;
use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use services::ServiceError;
use std::collections::BTreeMap;
use utoipa::ToSchema;

fn status_of(e: &ServiceError) -> StatusCode {
    match e {
        ServiceError::NotFound => StatusCode::NOT_FOUND,
        ServiceError::Forbidden => StatusCode::FORBIDDEN,
        ServiceError::Invalid(_) => StatusCode::BAD_REQUEST,
        ServiceError::Conflict(_) => StatusCode::CONFLICT,
        ServiceError::BadCredentials => StatusCode::UNAUTHORIZED,
        ServiceError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        e if e.is_busy() => StatusCode::SERVICE_UNAVAILABLE,
        ServiceError::Storage(s) if s.is_foreign_key_violation() => StatusCode::BAD_REQUEST,
        ServiceError::Storage(_) | ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Seconds after which a request refused as busy may be repeated.
const RETRY_AFTER_SECONDS: &str = "5";

/// A 503 tells when to try again.
fn with_retry_after(status: StatusCode, mut response: Response) -> Response {
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static(RETRY_AFTER_SECONDS));
    }
    response
}

fn public_message(e: &ServiceError) -> String {
    match e {
        ServiceError::Storage(s) if s.is_foreign_key_violation() => {
            tracing::warn!(error = %e, "a request referred to a row that does not exist");
            "提交的数据引用了不存在的记录（如组织或党员编号），请检查后重试".to_string()
        }
        e if e.is_busy() => {
            tracing::warn!(error = %e, "write refused: the database stayed busy");
            "系统正忙：另一项数据写入（如大批量导入）尚未完成，请稍候几秒后重试".to_string()
        }
        // Details of internal failures go to the log, not to the person.
        ServiceError::Storage(_) | ServiceError::Internal(_) => {
            tracing::error!(error = %e, "request failed");
            "系统内部错误，请稍后重试；如果问题持续，请联系管理员".to_string()
        }
        other => other.to_string(),
    }
}

#[derive(Debug)]
pub enum PageError {
    Service(ServiceError),
    LoginRequired(Option<String>),
    PasswordChangeRequired,
    Csrf,
    BadRequest(String),
}

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        PageError::Service(e)
    }
}

/// A stored value that does not decode (a row method such as `org_path()`): an internal error.
impl From<services::StorageError> for PageError {
    fn from(e: services::StorageError) -> Self {
        PageError::Service(ServiceError::Storage(e))
    }
}

pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage { title: title.to_string(), message: message.to_string(), status: status.as_u16() };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::LoginRequired(next) => {
                let to = match next {
                    Some(n) if crate::redirect::is_local_path(&n) => {
                        format!("/login?next={}", urlencode(&n))
                    }
                    _ => "/login".to_string(),
                };
                Redirect::to(&to).into_response()
            }
            PageError::PasswordChangeRequired => Redirect::to("/account").into_response(),
            PageError::Csrf => {
                error_page(StatusCode::FORBIDDEN, "请求已过期", "页面已过期或来源不明，请返回上一页刷新后重新提交")
            }
            PageError::BadRequest(m) => error_page(StatusCode::BAD_REQUEST, "请求有误", &m),
            PageError::Service(e) => {
                let status = status_of(&e);
                let title = match status {
                    StatusCode::NOT_FOUND => "找不到页面",
                    StatusCode::FORBIDDEN => "没有权限",
                    StatusCode::BAD_REQUEST => "填写有误",
                    StatusCode::CONFLICT => "无法完成操作",
                    StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => "请稍后再试",
                    _ => "出错了",
                };
                with_retry_after(status, error_page(status, title, &public_message(&e)))
            }
        }
    }
}

/// Percent-encodes a string for a query parameter.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Debug)]
pub enum ApiError {
    Service(ServiceError),
    Unauthorized,
    Csrf,
    BadRequest(String),
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError::Service(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut rule: Option<domain::RuleRef> = None;
        let (status, code, message, fields) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "请先登录，或在 Authorization 头中提供有效的 API 令牌".into(),
                None,
            ),
            ApiError::Csrf => (StatusCode::FORBIDDEN, "csrf", "缺少或错误的 X-CSRF-Token 请求头".into(), None),
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m, None),
            ApiError::Service(e) => {
                let fields = match &e {
                    ServiceError::Invalid(f) => {
                        let mut map = BTreeMap::new();
                        for fe in &f.0 {
                            map.entry(fe.field.clone()).or_insert_with(|| fe.message.clone());
                        }
                        Some(map)
                    }
                    _ => None,
                };
                let message = match &e {
                    ServiceError::Invalid(_) => "提交的数据有误，请按 fields 中的提示修改".to_string(),
                    other => public_message(other),
                };
                rule = match &e {
                    ServiceError::Invalid(f) => f.rule().cloned(),
                    _ => None,
                };
                (status_of(&e), e.code(), message, fields)
            }
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message,
                fields: fields.unwrap_or_default(),
                // A refusal by a firm rule names it (rules.md ID and citation).
                rule_id: rule.as_ref().map(|r| r.rule_id.clone()),
                citation: rule.map(|r| r.citation),
            },
        };
        with_retry_after(status, (status, Json(body)).into_response())
    }
}

/// Every error of the API: `{"error": {...}}` with a 4xx status (503 when the database is busy).
#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorDetail {
    /// not_found, forbidden, invalid, conflict, bad_credentials, throttled, busy, unauthorized,
    /// csrf, bad_request, invalid_file or internal.
    pub code: String,
    /// What went wrong, in Chinese.
    pub message: String,
    /// Field name → what is wrong with it, in Chinese.
    pub fields: BTreeMap<String, String>,
    /// The rule that refused the request, when a rule did (rules.md ID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// That rule's citation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
}
