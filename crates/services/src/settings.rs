//! Committee settings (党委设置) and the rule catalogue (规则目录): the only way to change which
//! rules are in force for a subtree, and the list of those rules for an org.
//!
//! Settings are dated rows (storage::settings); domain::settings reads them. A change is refused
//! with the rule's ID and citation when it would loosen a national rule or one tightened above.

use crate::{Entry, Result, ServiceError, Services};
use chrono::NaiveDate;
use domain::FieldErrors;
use domain::dates::Iso;
use domain::dates::parse_date;
use domain::family::Rules;
use domain::org::OrgKind;
use domain::rules::RuleInfo;
use domain::scope::{Action, Actor, Target, can};
use domain::settings::{self, SettingChange, SettingDef, SettingError};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use storage::org::OrgRow;

/// One setting as an org sees it on a day.
/// What a setting would do, before the committee confirms it.
#[derive(Debug, Clone)]
pub struct SettingPreview {
    pub org_name: String,
    pub def: SettingDef,
    /// Empty: back to what is inherited.
    pub value: String,
    pub from: NaiveDate,
    /// The active orgs below the committee that the setting reaches.
    pub orgs_below: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SettingState {
    pub def: SettingDef,
    /// The value in force ("on", "2", "fen").
    pub value: String,
    /// Where it comes from: "全国性规定（默认）", "本组织", or the org above that set it.
    pub source: String,
    /// When the value in force took effect, if somebody set it.
    pub from: Option<NaiveDate>,
    /// Set at this org (not inherited).
    pub here: bool,
    /// Changes made at this org, oldest first (the history).
    pub history: Vec<SettingChange>,
}

fn to_change(r: storage::settings::SettingRow) -> Result<SettingChange> {
    let from = r.effective_from;
    Ok(SettingChange {
        org_id: r.org_id,
        org_path: r.org_path,
        org_name: r.org_name,
        key: r.setting_key,
        value: r.value,
        from,
        seq: r.id,
    })
}

fn refusal(e: SettingError, field: &str) -> ServiceError {
    let mut errors = FieldErrors::new();
    match e {
        SettingError::Loosens { rule_id, citation, message } => errors.add_rule(field, message, rule_id, citation),
        other => errors.add(field, other.to_string()),
    }
    ServiceError::Invalid(errors)
}

/// The rules in force for each org of a full check, from every setting change: orgs reached by
/// the same changes share one [`Rules`].
pub fn rules_in_force(changes: Vec<SettingChange>) -> impl Fn(&OrgRow) -> Arc<Rules> {
    let national = Arc::new(Rules::national());
    let memo: Mutex<HashMap<Vec<i64>, Arc<Rules>>> = Mutex::default();
    move |org: &OrgRow| {
        let reaching = settings::reaching(&changes, &org.path);
        if reaching.is_empty() {
            return Arc::clone(&national);
        }
        let key: Vec<i64> = reaching.iter().map(|c| c.seq).collect();
        let Ok(mut memo) = memo.lock() else { return Arc::clone(&national) };
        if let Some(r) = memo.get(&key) {
            return Arc::clone(r);
        }
        // Stored settings were checked when made; should the rules have changed since so that
        // one no longer applies, the org is judged by the national rules rather than not at all.
        let rules = settings::rules_for(&reaching, &org.path).map(Arc::new).unwrap_or_else(|e| {
            tracing::warn!(org = org.id, error = %e, "a stored setting no longer applies");
            Arc::clone(&national)
        });
        memo.insert(key, Arc::clone(&rules));
        rules
    }
}

impl Services {
    /// Every setting change, as the rules read them.
    pub(crate) async fn setting_changes(&self) -> Result<Vec<SettingChange>> {
        storage::settings::all(&self.db).await?.into_iter().map(to_change).collect()
    }

    /// The rules in force for the org at `org_path`, over time (one version per window between
    /// setting changes).
    pub(crate) async fn rules_for(&self, org_path: &str) -> Result<Rules> {
        let changes = self.setting_changes().await?;
        let reaching = settings::reaching(&changes, org_path);
        settings::rules_for(&reaching, org_path).map_err(|e| ServiceError::Internal(e.to_string()))
    }

    /// The settings of an org on a day: each setting's value in force, where it comes from, and
    /// the changes made at the org. Anyone who sees the org may read them.
    pub async fn settings_of(&self, actor: &Actor, org_id: i64, on: NaiveDate) -> Result<Vec<SettingState>> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let changes = self.setting_changes().await?;
        let reaching = settings::reaching(&changes, &org.path);
        Ok(settings::catalogue()
            .into_iter()
            .map(|def| {
                let in_force = settings::value_on(&def, &reaching, &org.path, on);
                let (value, source, from, here) = match in_force {
                    Some(c) => {
                        let here = c.org_id == org.id;
                        let source = if here { "本组织".to_string() } else { c.org_name.clone() };
                        (c.value.clone(), source, Some(c.from), here)
                    }
                    None if matches!(def.effect, settings::Effect::Plain) => {
                        (def.default.to_string(), "默认".to_string(), None, false)
                    }
                    None => (def.default.to_string(), "全国性规定（默认）".to_string(), None, false),
                };
                let history =
                    reaching.iter().filter(|c| c.org_id == org.id && c.key == def.key).map(|c| (*c).clone()).collect();
                SettingState { def, value, source, from, here, history }
            })
            .collect())
    }

    /// Sets `key` to `value` for an org's subtree from `from` (an empty value clears the org's own
    /// setting). Only a committee's or general branch's administrators may; a value that would
    /// loosen a rule is refused with the rule's ID and citation. Audited.
    /// Everything [`Services::set_setting`] checks, without writing: what the setting would do,
    /// for the page that asks the committee to confirm it.
    pub async fn preview_setting(
        &self,
        actor: &Actor,
        org_id: i64,
        key: &str,
        value: &str,
        from: &str,
    ) -> Result<SettingPreview> {
        let (org, def, value, from) = self.checked_setting(actor, org_id, key, value, from).await?;
        let path = org.org_path()?;
        let orgs_below = storage::org::count_below(&self.db, &actor.scope(), &path).await?;
        Ok(SettingPreview { org_name: org.name, def, value, from, orgs_below })
    }

    pub async fn set_setting(&self, actor: &Actor, org_id: i64, key: &str, value: &str, from: &str) -> Result<i64> {
        let (org, _, value, from) = self.checked_setting(actor, org_id, key, value, from).await?;
        let value = value.as_str();
        let from_s = from.iso();
        let mut tx = self.db.begin().await?;
        let id = storage::settings::insert(&mut tx, org.id, &org.path, key, value, &from_s, actor.account_id).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "setting.set",
                entity: "org",
                entity_id: Some(org.id),
                org_path: Some(org.path.clone()),
                before: None,
                after: Some(serde_json::json!({ "key": key, "value": value, "from": from_s })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The checks of a setting: the actor administers a 党委 or 党总支, the key exists, the value
    /// only tightens, and the subtree's rules still build with it.
    async fn checked_setting(
        &self,
        actor: &Actor,
        org_id: i64,
        key: &str,
        value: &str,
        from: &str,
    ) -> Result<(OrgRow, SettingDef, String, NaiveDate)> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        if !can(actor, Action::SetCommitteeSettings, Target::Org(&org.org_path()?)) {
            return Err(ServiceError::Forbidden);
        }
        if !matches!(org.kind, OrgKind::Committee | OrgKind::GeneralBranch) {
            return Err(ServiceError::field("key", "党委设置只能由党委或党总支为其所辖组织设定"));
        }
        let Some(def) = settings::def(key) else { return Err(ServiceError::field("key", "没有这项设置")) };
        let value = value.trim();
        let from = parse_date(from.trim()).map_err(|e| ServiceError::field("from", e.message().to_string()))?;
        let changes = self.setting_changes().await?;
        let reaching = settings::reaching(&changes, &org.path);
        settings::check_tightening(&def, value, &reaching, &org.path, from).map_err(|e| refusal(e, "value"))?;
        // The subtree's rules must still build with the change (a local set that a tightened
        // parameter would loosen, say): try it before writing.
        let mut trial: Vec<SettingChange> = reaching.iter().map(|c| (*c).clone()).collect();
        trial.push(SettingChange {
            org_id: org.id,
            org_path: org.path.clone(),
            org_name: org.name.clone(),
            key: key.to_string(),
            value: value.to_string(),
            from,
            seq: i64::MAX,
        });
        let trial_refs: Vec<&SettingChange> = trial.iter().collect();
        if let Err(e) = settings::rules_for(&trial_refs, &org.path) {
            let mut errors = FieldErrors::new();
            let citation = Rules::national().info(e.rule_id()).map(|i| i.citation).unwrap_or("");
            errors.add_rule("value", e.to_string(), e.rule_id(), citation);
            return Err(ServiceError::Invalid(errors));
        }
        Ok((org, def, value.to_string(), from))
    }

    /// The rule catalogue of an org on a day: every rule of every family in force for it, with its
    /// parameters and where it comes from.
    pub async fn rule_catalogue(&self, actor: &Actor, org_id: i64, on: NaiveDate) -> Result<Vec<RuleInfo>> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        if !can(actor, Action::ViewOrg, Target::Org(&org.org_path()?)) {
            return Err(ServiceError::Forbidden);
        }
        Ok(self.rules_for(&org.path).await?.catalogue().into_iter().filter(|r| in_force(r, on)).collect())
    }
}

fn in_force(r: &RuleInfo, on: NaiveDate) -> bool {
    r.from.is_none_or(|f| f <= on) && r.until.is_none_or(|u| on < u)
}
