//! Test databases for either backend. Every storage and service scenario runs on a fresh
//! SQLite file and on a fresh database of a real PostgreSQL server (`ZHIBU_TEST_PG_URL`, which
//! `cargo xtask ci` starts). Without that variable the PostgreSQL half fails, since
//! `.cargo/config.toml` sets `ZHIBU_REQUIRE_PG=1` for every test run; only an explicit
//! `ZHIBU_REQUIRE_PG=0` in the environment (a quick local loop, never the README's test
//! command) skips it.

use rand::Rng;
use storage::Db;

/// The storage layer, for fixtures that set up or inspect rows directly. Production code in
/// `web` and `zhibu` cannot reach it: those crates depend on `services` only.
pub use storage;

/// A migrated, empty database that lives as long as this value.
pub struct TestDb {
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh SQLite database in a temporary directory.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let db = Db::connect(&url).await.expect("open sqlite");
    db.migrate().await.expect("migrate sqlite");
    TestDb { db, _dir: Some(dir) }
}

/// The PostgreSQL server URL for tests, or `None` (skip) when none is configured.
pub fn pg_url() -> Option<String> {
    match std::env::var("ZHIBU_TEST_PG_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var("ZHIBU_REQUIRE_PG").as_deref() != Ok("0") {
                panic!(
                    "ZHIBU_TEST_PG_URL is not set: run the tests with `cargo xtask ci`, or start a server with \
                     `cargo xtask pg`; ZHIBU_REQUIRE_PG=0 skips the PostgreSQL half in a quick local loop"
                );
            }
            eprintln!("skipping the PostgreSQL half: ZHIBU_TEST_PG_URL is not set (cargo xtask pg starts a server)");
            None
        }
    }
}

/// A fresh database on the test PostgreSQL server, or `None` when none is configured.
pub async fn postgres() -> Option<TestDb> {
    let url = pg_url()?;
    let name = format!("zt_{:016x}", rand::thread_rng().r#gen::<u64>());
    let admin = Db::connect(&url).await.expect("connect to the test PostgreSQL server");
    admin.execute(&format!("CREATE DATABASE {name}"), &[]).await.expect("create test database");
    admin.close().await;
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    let db = Db::connect(&format!("{base}/{name}")).await.expect("connect to test database");
    db.migrate().await.expect("migrate postgres");
    Some(TestDb { db, _dir: None })
}

/// A fresh, migrated database of the same backend as `db` (a scenario that needs a second,
/// empty database runs it where it runs).
pub async fn fresh_like(db: &Db) -> TestDb {
    match db.kind() {
        storage::DbKind::Sqlite => sqlite().await,
        storage::DbKind::Postgres => postgres().await.expect("a PostgreSQL scenario has a server"),
    }
}

/// Runs an async scenario `fn(Db)` on both backends, as two tests named `sqlite` and
/// `postgres` in a module named after the scenario.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    let t = $crate::sqlite().await;
                    super::$name(t.db.clone()).await;
                }
                #[tokio::test]
                async fn postgres() {
                    if let Some(t) = $crate::postgres().await {
                        super::$name(t.db.clone()).await;
                    }
                }
            }
        )+
    };
}
