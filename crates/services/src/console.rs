//! The console facade: what only the `zhibu` binary does, acting as the operator at the
//! console with full scope (see [`crate::console_actor`]). Web handlers never call these: they
//! act for a signed-in person, whose scope the other use cases apply.

use crate::{HashCost, Result, ServiceError, Services};
use domain::scope::{Actor, Scope};
use storage::Db;
pub use storage::audit::{AuditKey, Verdict};

/// The database as the binary opens it, before the services exist: migrations, and the
/// audit chain's first seal when the key is created.
pub struct Database(Db);

impl Database {
    /// Opens the database at `url` (`sqlite://PATH` or `postgres://…`).
    pub async fn open(url: &str) -> Result<Self> {
        Ok(Self(Db::connect(url).await?))
    }

    /// Runs the pending migrations.
    pub async fn migrate(&self) -> Result<()> {
        Ok(self.0.migrate().await?)
    }

    /// Whether the audit chain has never been written (a new key may then be made for it).
    pub async fn audit_unwritten(&self) -> Result<bool> {
        Ok(storage::audit::is_unwritten(&self.0).await?)
    }

    /// Seals the head of the empty chain with a newly made key.
    pub async fn seal_empty_chain(&self, key: &AuditKey) -> Result<()> {
        storage::audit::seal_head(&self.0, key).await?;
        Ok(())
    }

    /// The services over this database.
    pub fn into_services(self, key: AuditKey, cost: HashCost) -> Services {
        Services::new(self.0, key, cost)
    }
}

/// Use cases of the operator at the console that read every org with no one's scope: the
/// full check of a tree (`zhibu check`) and its per-org form. Reached only through
/// [`Services::console`]; web handlers use the scoped use cases (a test keeps them out).
pub struct Console<'a>(&'a Services);

impl Console<'_> {
    /// The services behind the console, for the console's use cases in other modules.
    pub(crate) fn services(&self) -> &Services {
        self.0
    }
}

impl Console<'_> {
    /// The committee settings of the whole tree, dated (see [`crate::settings::rules_in_force`]).
    pub async fn setting_changes(&self) -> Result<Vec<domain::settings::SettingChange>> {
        self.0.setting_changes().await
    }

    /// The full check of the subtree under `root` (everything when `None`) in pages of
    /// `page_size` orgs ([`crate::compliance::CHECK_BATCH`] unless a test wants small pages);
    /// see [`crate::compliance`].
    pub async fn check_subtree_paged<R, S>(
        &self,
        root: Option<&domain::org::OrgPath>,
        year: i32,
        as_of: chrono::NaiveDate,
        page_size: usize,
        rules_for: R,
        sink: S,
    ) -> Result<crate::compliance::CheckStats>
    where
        R: Fn(&crate::rows::OrgRow) -> std::sync::Arc<domain::family::Rules>,
        S: FnMut(crate::compliance::OrgResult),
    {
        self.0.check_subtree_paged(root, year, as_of, page_size, rules_for, sink).await
    }

    /// The recruitment deadlines of every branch of a subtree (`zhibu recruitment deadlines`).
    pub async fn recruitment_deadlines_paged<R, S>(
        &self,
        root: Option<&domain::org::OrgPath>,
        as_of: chrono::NaiveDate,
        page_size: usize,
        rules_for: R,
        sink: S,
    ) -> Result<crate::recruitment_deadlines::DeadlineStats>
    where
        R: Fn(&crate::rows::OrgRow) -> std::sync::Arc<domain::family::Rules>,
        S: FnMut(&crate::rows::OrgRow, Vec<domain::findings::Finding>),
    {
        self.0.recruitment_deadlines_paged(root, as_of, page_size, rules_for, sink).await
    }

    /// The findings of one org with the rules in force for it: the full check over a page of
    /// that org alone.
    pub async fn findings_for(
        &self,
        org: &crate::rows::OrgRow,
        year: i32,
        as_of: chrono::NaiveDate,
    ) -> Result<Vec<domain::findings::Finding>> {
        self.0.findings_for(org, year, as_of).await
    }
}

impl Services {
    /// The console's unscoped use cases (see [`Console`]).
    pub fn console(&self) -> Console<'_> {
        Console(self)
    }
}

impl Console<'_> {
    /// The migrations applied, by version.
    pub fn migration_versions(&self) -> Vec<i64> {
        self.0.db.migration_versions()
    }

    /// Whether the database holds no org yet (`zhibu serve --demo` fills only an empty one).
    pub async fn has_no_orgs(&self) -> Result<bool> {
        Ok(storage::org::list(&self.0.db, &Scope::everything(), None, true).await?.is_empty())
    }

    /// Seals the audit chain's head (`zhibu audit seal`), after the caller verified the chain.
    pub async fn seal_audit_head(&self) -> Result<bool> {
        Ok(storage::audit::seal_head(&self.0.db, &self.0.audit_key).await?)
    }

    /// Walks the whole audit chain (`zhibu audit verify`).
    pub async fn verify_audit_chain(&self) -> Result<storage::audit::Verdict> {
        self.0.verify_audit_chain().await
    }

    /// Creates the first system administrator with a one-time password when there is no
    /// account yet (`zhibu serve` on a new database); the password is returned once.
    pub async fn ensure_first_admin(&self) -> Result<Option<String>> {
        self.0.ensure_first_admin().await
    }

    /// Sets an account's password at the console (`zhibu admin reset-password`); its sessions
    /// and tokens end.
    pub async fn reset_password(&self, username: &str, new: &str) -> Result<()> {
        self.0.reset_password(username, new).await
    }

    /// The actor of an account by name, for console commands made on its behalf (`zhibu admin
    /// token`); `None` when there is no such account.
    pub async fn console_actor_of(&self, username: &str) -> Result<Option<Actor>> {
        let Some(account) = storage::account::by_username(&self.0.db, username).await? else { return Ok(None) };
        Ok(Some(storage::account::actor(&self.0.db, &account).await?))
    }

    /// The ids of the orgs with this name, anywhere in the tree (CLI arguments name orgs).
    pub async fn org_ids_named(&self, name: &str) -> Result<Vec<i64>> {
        Ok(storage::org::find_by_name(&self.0.db, &Scope::everything(), name)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect())
    }

    /// Writes a consistent copy of an SQLite database to `out` while the server keeps running
    /// (`VACUUM INTO`); PostgreSQL is backed up with its own `pg_dump`.
    pub async fn backup_sqlite_to(&self, out: &str) -> Result<()> {
        if self.0.db.kind() != storage::DbKind::Sqlite {
            return Err(ServiceError::Internal("backup_sqlite_to: not an SQLite database".into()));
        }
        self.0.db.execute("VACUUM INTO $1", &[out.into()]).await?;
        Ok(())
    }
}
