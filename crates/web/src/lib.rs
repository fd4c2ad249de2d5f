//! The web front of zhibu: server-rendered pages in Simplified Chinese, the JSON API under
//! `/api/v1`, sessions, CSRF and error pages. Handlers only translate HTTP to use cases of
//! [`services::Services`]; authorization happens there and in storage's scope filter.

mod accounts;
pub mod api;
mod api_accounts;
mod api_audit;
mod api_contest;
mod api_coverage;
mod api_dues;
mod api_life;
mod api_members;
mod api_orgs;
mod api_recruitment;
mod api_todo;
mod api_transfers;
mod audit;
pub mod auth;
mod compliance;
mod contacts;
mod contest;
mod coverage;
mod decisions;
mod dues;
mod dues_account;
mod dues_branch;
mod dues_import;
mod dues_review;
mod elections;
pub mod error;
mod fix;
mod home;
mod ideology_events;
mod lapse;
mod ledger_set;
pub mod life;
mod major_decisions;
mod meetings;
mod member_timeline;
mod members;
pub mod openapi;
mod orgs;
mod positions;
mod recruit_papers;
mod recruitment;
pub mod redirect;
mod reports;
pub mod roster;
mod settings;
mod stats;
mod training;
mod transfer_in;
mod transfers;
pub mod ui;
pub mod view;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use services::Services;
use tower_http::set_header::SetResponseHeaderLayer;

/// Settings of the web front.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark the session cookie `Secure` (set when serving behind TLS).
    pub cookie_secure: bool,
    /// Hours a login lasts.
    pub session_hours: i64,
    /// Where uploaded import files wait between the check and the commit.
    pub upload_dir: std::path::PathBuf,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { cookie_secure: false, session_hours: 12, upload_dir: std::env::temp_dir().join("zhibu-uploads") }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub config: WebConfig,
}

const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");

async fn css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], CSS)
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
}

/// Every route of the application, pages and API.
fn routes() -> ui::Routes {
    ui::Routes::new()
        .merge(home::routes())
        .merge(orgs::routes())
        .merge(members::routes())
        .merge(audit::routes())
        .merge(accounts::routes())
        .merge(roster::routes())
        .merge(life::routes())
        .merge(meetings::routes())
        .merge(compliance::routes())
        .merge(settings::routes())
        .merge(lapse::routes())
        .merge(dues::routes())
        .merge(dues_branch::routes())
        .merge(dues_account::routes())
        .merge(dues_review::routes())
        .merge(dues_import::routes())
        .merge(transfers::routes())
        .merge(decisions::routes())
        .merge(elections::routes())
        .merge(stats::routes())
        .merge(transfer_in::routes())
        .merge(contacts::routes())
        .merge(recruitment::routes())
        .merge(recruit_papers::routes())
        .merge(training::routes())
        .merge(major_decisions::routes())
        .merge(reports::routes())
        .merge(positions::routes())
        .merge(ideology_events::routes())
        .merge(ledger_set::routes())
        .merge(contest::routes())
        .merge(coverage::routes())
        .nest(
            "/api/v1",
            api::routes()
                .merge(roster::api_routes())
                .merge(api_life::routes())
                .merge(compliance::api_routes())
                .merge(settings::api_routes())
                .merge(lapse::api_routes())
                .merge(api_todo::routes())
                .merge(api_dues::routes())
                .merge(dues_import::api_routes())
                .merge(api_transfers::routes())
                .merge(decisions::api_routes())
                .merge(elections::api_routes())
                .merge(stats::api_routes())
                .merge(transfer_in::api_routes())
                .merge(contacts::api_routes())
                .merge(api_recruitment::api_routes())
                .merge(recruit_papers::api_routes())
                .merge(training::api_routes())
                .merge(major_decisions::api_routes())
                .merge(reports::api_routes())
                .merge(positions::api_routes())
                .merge(ideology_events::api_routes())
                .merge(ledger_set::api_routes())
                .merge(api_contest::routes())
                .merge(api_coverage::api_routes()),
        )
        .route("/assets/app.css", get(css))
        .route("/assets/app.js", get(js))
}

/// The path of every route the router serves (`/members/{id}` form), taken from the router as
/// it is built: the scope matrix and the OpenAPI checks enumerate routes from this.
pub fn route_paths() -> Vec<String> {
    routes().into_parts().1
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    routes()
        .into_parts()
        .0
        .fallback(ui::not_found)
        .layer(DefaultBodyLimit::max(2 * 1024 * 1024))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .with_state(state)
}
