//! Accounts: login with throttling, passwords (argon2id), roles and personal API tokens.

use crate::sessions::SignedIn;
use crate::{Entry, HashCost, Result, ServiceError, Services, console_actor};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use domain::FieldErrors;
use domain::org::OrgPath;
use domain::scope::{Action, Actor, Grant, RoleKind, Target, can};
use rand::Rng;
use storage::account::{self, AccountRow, TokenRow};

/// Failed logins within this window count towards throttling.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// After this many failures in the window, the account refuses logins until the window passes.
pub const THROTTLE_MAX_FAILURES: i64 = 5;

fn argon(cost: HashCost) -> Result<Argon2<'static>> {
    let params = Params::new(cost.m_kib, cost.t, 1, None).map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password with argon2id off the async threads.
pub async fn hash_password(cost: HashCost, password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        argon(cost)?
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))?
}

/// Checks a password against a stored hash off the async threads. The hash carries its own
/// parameters, so hashes made with another cost still verify.
pub async fn verify_password(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || match PasswordHash::new(&hash) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    })
    .await
    .unwrap_or(false)
}

/// The password policy: at least 10 characters, two kinds of characters, not the username.
pub fn check_password(password: &str, username: &str) -> std::result::Result<(), String> {
    let n = password.chars().count();
    if n < 10 {
        return Err(format!("密码至少需要 10 个字符，现为 {n} 个"));
    }
    if n > 128 {
        return Err("密码不能超过 128 个字符".into());
    }
    let kinds = [
        password.chars().any(|c| c.is_ascii_alphabetic()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if kinds < 2 {
        return Err("密码须至少包含字母、数字、符号中的两种".into());
    }
    if password.eq_ignore_ascii_case(username) {
        return Err("密码不能与用户名相同".into());
    }
    Ok(())
}

/// A random password for one-time use (first start, demo accounts): 16 characters from an
/// alphabet without look-alikes.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let mut s: Vec<char> = (0..14).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect();
    // Guarantee the two character kinds the policy asks for, at random places.
    s.insert(rng.gen_range(0..=s.len()), char::from(b'2' + rng.gen_range(0..8u8)));
    s.insert(rng.gen_range(0..=s.len()), char::from(b'a' + rng.gen_range(0..8u8)));
    s.into_iter().collect()
}

fn valid_username(u: &str) -> std::result::Result<(), String> {
    let n = u.chars().count();
    if !(3..=32).contains(&n) {
        return Err("用户名须为 3 到 32 个字符".into());
    }
    if !u.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        return Err("用户名只能包含字母、数字、下划线、连字符和点".into());
    }
    Ok(())
}

/// A role to grant a new account.
#[derive(Debug, Clone)]
pub struct RoleGrant {
    pub role: RoleKind,
    pub org_id: Option<i64>,
}

/// An account as the API and the pages show it: never the password hash (the stored row has
/// no `Serialize` at all, so it cannot leak by accident).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub member_id: Option<i64>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub created_at: i64,
    pub password_changed_at: i64,
}

impl From<&AccountRow> for AccountView {
    fn from(a: &AccountRow) -> Self {
        Self {
            id: a.id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            member_id: a.member_id,
            must_change_password: a.must_change_password,
            disabled: a.disabled,
            created_at: a.created_at,
            password_changed_at: a.password_changed_at,
        }
    }
}

/// An account with its roles in words, for the accounts page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AccountSummary {
    pub account: AccountView,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub member_id: Option<i64>,
    pub must_change_password: bool,
    pub roles: Vec<RoleGrant>,
}

impl Services {
    /// Logs in by username and password. Refuses for a while after repeated failures.
    ///
    /// The attempt is counted before the password is checked: it is stored as a failure first
    /// (one committed insert), then the attempts of the window are counted. Inserts commit one
    /// after another, so the k-th attempt of a burst always counts at least k, and at most
    /// [`THROTTLE_MAX_FAILURES`] attempts of any burst reach the password check; the others are
    /// refused however many arrive at once. A successful login clears the account's failures.
    pub async fn login(&self, username: &str, password: &str) -> Result<(AccountRow, Actor)> {
        let username = username.trim();
        let since = storage::now_ms() - THROTTLE_WINDOW_MINUTES * 60_000;
        account::record_login_failure(&self.db, username).await?;
        if account::login_failures_since(&self.db, username, since).await? > THROTTLE_MAX_FAILURES {
            return Err(ServiceError::Throttled { minutes: THROTTLE_WINDOW_MINUTES });
        }
        let found = account::by_username(&self.db, username).await?;
        let ok = match &found {
            Some(a) if !a.disabled => verify_password(a.password_hash.clone(), password.to_string()).await,
            _ => {
                // Spend the same time on unknown names, so timing does not reveal which exist.
                let _ = hash_password(self.hash_cost, password.to_string()).await;
                false
            }
        };
        match found {
            Some(a) if ok => {
                account::clear_login_failures(&self.db, username).await?;
                let actor = account::actor(&self.db, &a).await?;
                Ok((a, actor))
            }
            // The failure was recorded before the check.
            _ => Err(ServiceError::BadCredentials),
        }
    }

    /// The actor of a logged-in account, or `None` when it is gone or disabled.
    pub(crate) async fn actor_of_account(&self, account_id: i64) -> Result<Option<(AccountRow, Actor)>> {
        match account::by_id(&self.db, account_id).await? {
            Some(a) if !a.disabled => {
                let actor = account::actor(&self.db, &a).await?;
                Ok(Some((a, actor)))
            }
            _ => Ok(None),
        }
    }

    /// Creates an account. Only system admins (and the console) may; org admins may create
    /// accounts for their subtree's orgs.
    pub async fn create_account(&self, actor: &Actor, new: NewAccount) -> Result<i64> {
        let mut errors = FieldErrors::new();
        if let Err(m) = valid_username(&new.username) {
            errors.add("username", m);
        }
        if let Err(m) = check_password(&new.password, &new.username) {
            errors.add("password", m);
        }
        if new.display_name.trim().is_empty() {
            errors.add("display_name", "请填写姓名");
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        if new.roles.is_empty() {
            return Err(ServiceError::field("role", "请至少授予一个角色"));
        }
        let mut tx = self.db.begin().await?;
        let scope = actor.scope();
        // The linked member is checked whatever the roles: a nonexistent id is a field error,
        // never a foreign-key failure at the insert.
        if let Some(member_id) = new.member_id
            && storage::member::get_in_tx(&mut tx, &scope, member_id).await?.is_none()
        {
            return Err(ServiceError::field("member_id", "找不到该党员，或您无权管理"));
        }
        for r in &new.roles {
            // Each role is checked against what it grants: nobody hands out more than they hold.
            let allowed = match r.role {
                RoleKind::SystemAdmin => {
                    if r.org_id.is_some() {
                        return Err(ServiceError::field("org_id", "系统管理员不对应具体组织"));
                    }
                    can(actor, Action::ManageAccounts, Target::Global)
                }
                RoleKind::OrgAdmin | RoleKind::PartyWorker => {
                    let Some(org_id) = r.org_id else {
                        return Err(ServiceError::field("org_id", "请选择该角色管理的组织"));
                    };
                    let o = storage::org::get_in_tx(&mut tx, &scope, org_id)
                        .await?
                        .ok_or_else(|| ServiceError::field("org_id", "找不到该组织，或您无权管理"))?;
                    if r.role == RoleKind::PartyWorker && o.kind != domain::org::OrgKind::Branch {
                        return Err(ServiceError::field("org_id", "党务工作者须对应一个党支部"));
                    }
                    can(actor, Action::ManageAccounts, Target::Org(&o.org_path()?))
                }
                RoleKind::Member => {
                    let Some(member_id) = new.member_id else {
                        return Err(ServiceError::field("member_id", "党员账户须对应一名党员（填写党员编号）"));
                    };
                    let m = storage::member::get_in_tx(&mut tx, &scope, member_id)
                        .await?
                        .ok_or_else(|| ServiceError::field("member_id", "找不到该党员，或您无权管理"))?;
                    can(actor, Action::ManageAccounts, Target::Org(&m.branch_org_path()?))
                }
            };
            if !allowed {
                return Err(ServiceError::Forbidden);
            }
        }
        if account::by_username(&self.db, &new.username).await?.is_some() {
            return Err(ServiceError::field("username", "该用户名已被使用"));
        }
        let hash = hash_password(self.hash_cost, new.password.clone()).await?;
        let id = account::insert(
            &mut tx,
            &new.username,
            new.display_name.trim(),
            &hash,
            new.member_id,
            new.must_change_password,
        )
        .await?;
        for r in &new.roles {
            account::add_role(&mut tx, id, r.role.as_str(), r.org_id).await?;
        }
        let roles: Vec<String> =
            new.roles.iter().map(|r| format!("{}@{}", r.role.as_str(), r.org_id.unwrap_or(0))).collect();
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "account.create",
                entity: "account",
                entity_id: Some(id),
                org_path: None,
                before: None,
                after: Some(serde_json::json!({"username": new.username, "roles": roles, "member_id": new.member_id})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// On the very first start (no accounts at all), creates `admin` with a random one-time
    /// password that must be changed at first login, and returns that password to print once.
    pub(crate) async fn ensure_first_admin(&self) -> Result<Option<String>> {
        if account::count(&self.db).await? > 0 {
            return Ok(None);
        }
        let password = generate_password();
        self.create_account(
            &console_actor(),
            NewAccount {
                username: "admin".into(),
                display_name: "系统管理员".into(),
                password: password.clone(),
                member_id: None,
                must_change_password: true,
                roles: vec![RoleGrant { role: RoleKind::SystemAdmin, org_id: None }],
            },
        )
        .await?;
        Ok(Some(password))
    }

    /// Changes the signed-in person's own password after checking the current one, and ends
    /// every other session and token of the account (the credential making the change stays).
    pub async fn change_password(&self, who: &SignedIn, current: &str, new: &str, confirm: &str) -> Result<()> {
        let actor = &who.actor;
        let Some(a) = account::by_id(&self.db, actor.account_id).await? else {
            return Err(ServiceError::NotFound);
        };
        let mut errors = FieldErrors::new();
        if !verify_password(a.password_hash.clone(), current.to_string()).await {
            errors.add("current", "当前密码不正确");
        }
        if let Err(m) = check_password(new, &a.username) {
            errors.add("new", m);
        } else if new != confirm {
            errors.add("confirm", "两次输入的新密码不一致");
        } else if new == current {
            errors.add("new", "新密码不能与当前密码相同");
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let hash = hash_password(self.hash_cost, new.to_string()).await?;
        let mut tx = self.db.begin().await?;
        account::set_password(&mut tx, a.id, &hash).await?;
        let (sessions, tokens) = self.end_credentials(&mut tx, a.id, Some(&who.credential)).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "account.password_change",
                entity: "account",
                entity_id: Some(a.id),
                org_path: None,
                before: None,
                after: Some(serde_json::json!({"sessions_ended": sessions, "tokens_revoked": tokens})),
            },
        )
        .await?;
        tx.commit().await?;
        self.token_cache.clear();
        Ok(())
    }

    /// Sets a password from the console (`zhibu admin create` of an existing name is refused;
    /// this is for `zhibu admin reset-password`).
    pub(crate) async fn reset_password(&self, username: &str, new: &str) -> Result<()> {
        let Some(a) = account::by_username(&self.db, username).await? else {
            return Err(ServiceError::NotFound);
        };
        check_password(new, username).map_err(|m| ServiceError::field("password", m))?;
        let hash = hash_password(self.hash_cost, new.to_string()).await?;
        let mut tx = self.db.begin().await?;
        account::set_password(&mut tx, a.id, &hash).await?;
        // A reset is made for someone who lost access (or should lose it): nothing stays.
        let (sessions, tokens) = self.end_credentials(&mut tx, a.id, None).await?;
        self.audit(
            &mut tx,
            &console_actor(),
            Entry {
                action: "account.password_reset",
                entity: "account",
                entity_id: Some(a.id),
                org_path: None,
                before: None,
                after: Some(serde_json::json!({"sessions_ended": sessions, "tokens_revoked": tokens})),
            },
        )
        .await?;
        tx.commit().await?;
        self.token_cache.clear();
        account::clear_login_failures(&self.db, username).await?;
        Ok(())
    }

    /// Creates a personal API token; the plaintext is returned once and only its hash is kept.
    pub async fn create_token(&self, actor: &Actor, name: &str) -> Result<(i64, String)> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            return Err(ServiceError::field("name", "请填写令牌名称（不超过 50 个字）"));
        }
        let mut bytes = [0u8; 24];
        rand::thread_rng().fill(&mut bytes);
        let token = format!("zb_{}", hex::encode(bytes));
        let prefix: String = token.chars().take(9).collect();
        let mut tx = self.db.begin().await?;
        let id = account::insert_token(&mut tx, actor.account_id, name, &crate::sessions::secret_hash(&token), &prefix)
            .await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "token.create",
                entity: "api_token",
                entity_id: Some(id),
                org_path: None,
                before: None,
                after: Some(serde_json::json!({"name": name, "prefix": prefix})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok((id, token))
    }

    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<TokenRow>> {
        Ok(account::tokens(&self.db, actor.account_id).await?)
    }

    pub async fn revoke_token(&self, actor: &Actor, token_id: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !account::revoke_token(&mut tx, actor.account_id, token_id).await? {
            return Err(ServiceError::NotFound);
        }
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "token.revoke",
                entity: "api_token",
                entity_id: Some(token_id),
                org_path: None,
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        // After the commit, so no request can re-cache the token in between.
        self.token_cache.clear();
        Ok(())
    }

    /// The signed-in person's own roles (their account page, `/api/v1/me`).
    pub async fn own_roles(&self, who: &SignedIn) -> Result<Vec<storage::account::RoleRow>> {
        Ok(account::roles(&self.db, who.account.id).await?)
    }

    /// Accounts the actor manages: all for system admins; for org admins, the accounts whose
    /// every role lies in their subtrees.
    pub async fn accounts_overview(&self, actor: &Actor) -> Result<Vec<AccountSummary>> {
        if !actor.is_system_admin() && !actor.grants.iter().any(|g| matches!(g, Grant::OrgAdmin { .. })) {
            return Err(ServiceError::Forbidden);
        }
        let roles = account::all_roles(&self.db).await?;
        let mut out = Vec::new();
        for a in account::list(&self.db).await? {
            let mine: Vec<&account::RoleScopeRow> = roles.iter().filter(|r| r.account_id == a.id).collect();
            if !self.manages(actor, &mine) {
                continue;
            }
            let labels = mine
                .iter()
                .map(|r| {
                    let label = r.role.label();
                    match &r.org_name {
                        Some(o) => format!("{label}：{o}"),
                        None => label.to_string(),
                    }
                })
                .collect();
            out.push(AccountSummary { account: AccountView::from(&a), roles: labels });
        }
        Ok(out)
    }

    /// Whether the actor may manage an account with these roles: every role must lie within
    /// the actor's administered subtrees (system admins manage all).
    fn manages(&self, actor: &Actor, roles: &[&account::RoleScopeRow]) -> bool {
        if actor.is_system_admin() {
            return true;
        }
        !roles.is_empty()
            && roles.iter().all(|r| match r.scope_path.as_deref().map(OrgPath::parse) {
                Some(Ok(p)) if r.role != RoleKind::SystemAdmin => can(actor, Action::ManageAccounts, Target::Org(&p)),
                _ => false,
            })
    }

    /// Disables or re-enables an account; a disabled account can neither log in nor use its
    /// tokens, and its sessions end.
    /// An administrator resets an account's password to a one-time password (returned once, to
    /// hand over): the account must replace it at its next login, and its sessions and tokens
    /// end. Only for accounts the actor manages, never the actor's own (that is a change).
    pub async fn reset_account_password(&self, actor: &Actor, account_id: i64) -> Result<String> {
        if account_id == actor.account_id {
            return Err(ServiceError::Conflict("自己的密码请在“账户”页面修改".into()));
        }
        let roles = account::all_roles(&self.db).await?;
        let mine: Vec<&account::RoleScopeRow> = roles.iter().filter(|r| r.account_id == account_id).collect();
        let Some(a) = account::by_id(&self.db, account_id).await? else { return Err(ServiceError::NotFound) };
        if !self.manages(actor, &mine) {
            return Err(ServiceError::NotFound);
        }
        let password = generate_password();
        let hash = hash_password(self.hash_cost, password.clone()).await?;
        let mut tx = self.db.begin().await?;
        account::set_one_time_password(&mut tx, a.id, &hash).await?;
        let (sessions, tokens) = self.end_credentials(&mut tx, a.id, None).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "account.password_reset",
                entity: "account",
                entity_id: Some(a.id),
                org_path: mine.iter().find_map(|r| r.scope_path.clone()),
                before: Some(serde_json::json!({"username": a.username})),
                after: Some(
                    serde_json::json!({"sessions_ended": sessions, "tokens_revoked": tokens, "one_time": true}),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        self.token_cache.clear();
        account::clear_login_failures(&self.db, &a.username).await?;
        Ok(password)
    }

    /// The roles the actor may grant: a system administrator any, others all but system
    /// administrator (within the orgs they administer, which the grant itself checks).
    pub fn grantable_roles(&self, actor: &Actor) -> Vec<RoleKind> {
        RoleKind::ALL.into_iter().filter(|r| actor.is_system_admin() || *r != RoleKind::SystemAdmin).collect()
    }

    pub async fn set_account_disabled(&self, actor: &Actor, account_id: i64, disabled: bool) -> Result<()> {
        if account_id == actor.account_id {
            return Err(ServiceError::Conflict("不能停用自己的账户".into()));
        }
        let roles = account::all_roles(&self.db).await?;
        let mine: Vec<&account::RoleScopeRow> = roles.iter().filter(|r| r.account_id == account_id).collect();
        let Some(a) = account::by_id(&self.db, account_id).await? else { return Err(ServiceError::NotFound) };
        if !self.manages(actor, &mine) {
            return Err(ServiceError::NotFound);
        }
        let mut tx = self.db.begin().await?;
        account::set_disabled(&mut tx, account_id, disabled).await?;
        if disabled {
            storage::session::delete_for_account(&mut tx, account_id, None).await?;
        }
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: if disabled { "account.disable" } else { "account.enable" },
                entity: "account",
                entity_id: Some(account_id),
                org_path: mine.iter().find_map(|r| r.scope_path.clone()),
                before: Some(serde_json::json!({"username": a.username, "disabled": a.disabled})),
                after: Some(serde_json::json!({"disabled": disabled})),
            },
        )
        .await?;
        tx.commit().await?;
        self.token_cache.clear();
        Ok(())
    }
}
