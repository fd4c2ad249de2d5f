//! What the HTTP tests share: a fixture (a committee with two branches, members, accounts of
//! every role), requests in process, sessions and tokens, and the routes the crate declares.

pub use axum::Router;

pub use axum::body::Body;

pub use axum::http::{Request, StatusCode, header};

pub use domain::member::MemberInput;

pub use domain::scope::RoleKind;

pub use http_body_util::BodyExt;

pub use services::accounts::{NewAccount, RoleGrant};

pub use services::orgs::OrgInput;

pub use services::{HashCost, Services, console_actor};

pub use test_support::storage::Db;

pub use test_support::storage::audit::AuditKey;

pub use tower::ServiceExt;

pub const PW: &str = "correct-horse-9";

pub struct Fixture {
    pub router: Router,
    pub services: Services,
    /// The committee above both branches.
    pub root: i64,
    pub branch_a: i64,
    pub branch_b: i64,
    pub group_a: i64,
    pub member_a: i64,
    pub member_b: i64,
    pub post_a: i64,
    /// The attachments folder of this fixture alone (tests run concurrently on both backends).
    pub _files: tempfile::TempDir,
}

pub fn member(name: &str, id_number: &str) -> MemberInput {
    MemberInput {
        name: name.into(),
        id_number: id_number.into(),
        ethnicity: "01".into(),
        joined_on: "2015-06-01".into(),
        confirmed_on: "2016-06-01".into(),
        status: "full".into(),
        dues_category: "employed".into(),
        phone: "13800138000".into(),
        ..Default::default()
    }
}

/// A valid ID number with the given birth date digits and sequence.
pub fn id(birth: &str, seq: u16) -> String {
    let d = chrono::NaiveDate::parse_from_str(birth, "%Y%m%d").unwrap();
    domain::member::IdNumber::from_parts("110105", d, seq).unwrap().as_str().to_string()
}

pub async fn fixture(db: Db) -> Fixture {
    let mut services = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    let files = tempfile::tempdir().unwrap();
    services.files_dir = Some(files.path().to_path_buf());
    let c = console_actor();
    let org = |name: &str, kind: &str| OrgInput {
        name: name.into(),
        kind: kind.into(),
        unit_name: "单位".into(),
        unit_kind: "public_school".into(),
        ..Default::default()
    };
    let root = services.create_org(&c, None, &org("教育局党委", "committee")).await.unwrap();
    let a = services.create_org(&c, Some(root.id), &org("甲校党支部", "branch")).await.unwrap();
    let b = services.create_org(&c, Some(root.id), &org("乙校党支部", "branch")).await.unwrap();
    let g = services.create_org(&c, Some(a.id), &org("第一党小组", "group")).await.unwrap();
    let member_a = services.create_member(&c, a.id, Some(g.id), &member("甲党员", &id("19900101", 11))).await.unwrap();
    let member_a2 = services.create_member(&c, a.id, None, &member("甲书记", &id("19800101", 21))).await.unwrap();
    let member_b = services.create_member(&c, b.id, None, &member("乙党员", &id("19910101", 31))).await.unwrap();
    let post_a = services.add_post(&c, a.id, member_a2, "secretary", "2023-01-01").await.unwrap();
    let accounts: Vec<(&str, RoleKind, Option<i64>, Option<i64>)> = vec![
        ("sysadmin", RoleKind::SystemAdmin, None, None),
        ("rootadmin", RoleKind::OrgAdmin, Some(root.id), None),
        ("worker_a", RoleKind::PartyWorker, Some(a.id), None),
        ("worker_b", RoleKind::PartyWorker, Some(b.id), None),
        ("admin_b", RoleKind::OrgAdmin, Some(b.id), None),
        ("member_b", RoleKind::Member, None, Some(member_b)),
    ];
    for (u, role, org_id, member_id) in accounts {
        services
            .create_account(
                &c,
                NewAccount {
                    username: u.into(),
                    display_name: u.into(),
                    password: PW.into(),
                    member_id,
                    must_change_password: false,
                    roles: vec![RoleGrant { role, org_id }],
                },
            )
            .await
            .unwrap();
    }
    let router = web::router(web::AppState { services: services.clone(), config: web::WebConfig::default() });
    Fixture {
        root: root.id,
        router,
        services,
        branch_a: a.id,
        branch_b: b.id,
        group_a: g.id,
        member_a,
        member_b,
        post_a,
        _files: files,
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub location: String,
    pub cookie: String,
    pub body: String,
}

/// Every request the tests sent in this process, as (method, path without query, status): the
/// route-coverage test reads it.
pub static SENT: std::sync::Mutex<Vec<(String, String, u16)>> = std::sync::Mutex::new(Vec::new());

pub async fn send(router: &Router, req: Request<Body>) -> Reply {
    let (method, path) = (req.method().to_string(), req.uri().path().to_string());
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    if let Ok(mut sent) = SENT.lock() {
        // A page that sends the visitor to log in has refused them (the API answers 401).
        let to_login = status == StatusCode::SEE_OTHER
            && res
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|l| l.starts_with("/login"));
        sent.push((method, path, if to_login { 401 } else { status.as_u16() }));
    }
    let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_string();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Reply { status, location, cookie, body: String::from_utf8_lossy(&bytes).to_string() }
}

/// A logged-in browser session: cookie and CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

pub async fn login(f: &Fixture, user: &str) -> Session {
    login_with(f, user, PW).await
}

pub async fn login_with(f: &Fixture, user: &str, password: &str) -> Session {
    let r = send(&f.router, login_request(user, password)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "login {user}: {}", r.body);
    let page =
        send(&f.router, Request::get("/account").header(header::COOKIE, &r.cookie).body(Body::empty()).unwrap()).await;
    let csrf = page.body.split("name=\"_csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    Session { cookie: r.cookie, csrf }
}

pub async fn page_get(f: &Fixture, s: &Session, uri: &str) -> Reply {
    send(&f.router, Request::get(uri).header(header::COOKIE, &s.cookie).body(Body::empty()).unwrap()).await
}

pub async fn page_post(f: &Fixture, s: &Session, uri: &str, form: &str) -> Reply {
    let body = if form.is_empty() { format!("_csrf={}", s.csrf) } else { format!("_csrf={}&{form}", s.csrf) };
    send(
        &f.router,
        Request::post(uri)
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

pub async fn token_of(f: &Fixture, user: &str) -> String {
    token(f, user).await
}

pub async fn token(f: &Fixture, user: &str) -> String {
    let account = test_support::storage::account::by_username(f.services.fixture_db(), user).await.unwrap().unwrap();
    let actor = test_support::storage::account::actor(f.services.fixture_db(), &account).await.unwrap();
    f.services.create_token(&actor, "test").await.unwrap().1
}

pub async fn api(f: &Fixture, token: &str, method: &str, uri: &str, json: Option<serde_json::Value>) -> Reply {
    let mut b = Request::builder().method(method).uri(uri).header(header::AUTHORIZATION, format!("Bearer {token}"));
    if json.is_some() {
        b = b.header(header::CONTENT_TYPE, "application/json");
    }
    send(&f.router, b.body(json.map(|j| Body::from(j.to_string())).unwrap_or_else(Body::empty)).unwrap()).await
}

pub async fn audit_len(f: &Fixture) -> i64 {
    let (n,): (i64,) = f.services.fixture_db().fetch_one("SELECT COUNT(*) FROM audit_entries", &[]).await.unwrap();
    n
}

pub async fn member_snapshot(f: &Fixture) -> Vec<(i64, String, Option<String>, String, i64)> {
    f.services
        .fixture_db()
        .fetch_all("SELECT id, name, phone, status, branch_id FROM members ORDER BY id", &[])
        .await
        .unwrap()
}

pub fn refused(status: StatusCode) -> bool {
    status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN
}

pub fn login_request(user: &str, password: &str) -> Request<Body> {
    Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("username={user}&password={password}")))
        .unwrap()
}

/// Every (method, path) the router serves, enumerated from the router itself: the paths it was
/// built with (`web::route_paths`), each probed with every method by a visitor who is not
/// logged in. A method the path does not route answers 404 or 405; a routed one answers
/// anything else (401, a redirect to log in, 403 for a missing CSRF token, 200 when public).
pub async fn declared_routes(router: &Router) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in web::route_paths() {
        // Every parameter is filled with a value its extractor accepts (ids, an upload token).
        let uri: Vec<String> = path
            .split('/')
            .map(|seg| match seg {
                "{token}" => "0123456789abcdef0123456789abcdef".to_string(),
                s if s.starts_with('{') => "1".to_string(),
                s => s.to_string(),
            })
            .collect();
        let uri = uri.join("/");
        for method in ["GET", "POST", "PATCH", "PUT", "DELETE"] {
            let r = send(router, Request::builder().method(method).uri(&uri).body(Body::empty()).unwrap()).await;
            if r.status != StatusCode::NOT_FOUND && r.status != StatusCode::METHOD_NOT_ALLOWED {
                out.push((method.to_string(), path.clone()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

pub fn multipart(csrf: &str, file_name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "zhibu-test-boundary";
    let mut body = Vec::new();
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n").as_bytes());
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend(file);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn upload(f: &Fixture, s: &Session, file: &[u8]) -> Reply {
    let (ct, body) = multipart(&s.csrf, "名册.csv", file);
    send(
        &f.router,
        Request::post("/members/import")
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// A form value percent-encoded (every byte but ASCII letters and digits).
pub fn enc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}
