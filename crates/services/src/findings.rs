//! Findings (提醒) of one org and their explanations (情况说明): what the rules engine found,
//! with members named, and the reasons an org gives, kept by rule, period and subject.

use crate::{Entry, Result, ServiceError, Services};
use chrono::NaiveDate;
use domain::FieldErrors;
use domain::dates::parse_date;
use domain::findings::{Finding, Subject};
use domain::scope::{Action, Actor, Target, can};
use std::collections::HashMap;
use storage::meeting::{self, ExplanationRow};

impl Services {
    /// What the rules find for one org in one year as of a date. Findings about a member
    /// (CON-LAPSE) name the member, where the rules engine knows only the id.
    pub async fn org_findings(&self, actor: &Actor, org_id: i64, year: i32, as_of: NaiveDate) -> Result<Vec<Finding>> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let findings = self.findings_for(&org, year, as_of).await?;
        self.name_members(actor, findings).await
    }

    /// The findings of a whole subtree for a year as of a date, of one severity or all, in tree
    /// order (what a dashboard's severity count stands for). At most [`SUBTREE_FINDINGS_SHOWN`]
    /// are returned, with the total. The actor must see the org.
    pub async fn subtree_findings(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        as_of: NaiveDate,
        severity: Option<domain::rules::Severity>,
    ) -> Result<SubtreeFindings> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::ViewOrg, Target::Org(&path)) {
            return Err(ServiceError::Forbidden);
        }
        let mut out = SubtreeFindings { org_name: org.name.clone(), total: 0, findings: Vec::new() };
        let mut shown = Vec::new();
        self.check_subtree_in_force(&path, year, as_of, |r| {
            for f in r.findings {
                if severity.is_some_and(|s| s != f.severity) {
                    continue;
                }
                out.total += 1;
                if shown.len() < SUBTREE_FINDINGS_SHOWN {
                    shown.push((r.name.clone(), f));
                }
            }
        })
        .await?;
        let (names, findings): (Vec<String>, Vec<Finding>) = shown.into_iter().unzip();
        let findings = self.name_members(actor, findings).await?;
        out.findings = names.into_iter().zip(findings).collect();
        Ok(out)
    }

    /// Findings about a member (CON-LAPSE) with the member's name in place of the id the rules
    /// engine knows.
    pub(crate) async fn name_members(&self, actor: &Actor, mut findings: Vec<Finding>) -> Result<Vec<Finding>> {
        let scope = actor.scope();
        let ids: Vec<i64> = findings.iter().filter_map(|f| f.member_id()).collect();
        if !ids.is_empty() {
            let names: HashMap<i64, String> = storage::roster::rows_by_ids(&self.db, &scope, &ids)
                .await?
                .into_iter()
                .map(|m| (m.id, m.name))
                .collect();
            for f in &mut findings {
                if let Some((id, name)) = f.member_id().and_then(|id| names.get(&id).map(|n| (id, n))) {
                    f.message = f.message.replace(&format!("党员（编号{id}）"), &format!("党员{name}"));
                }
            }
        }
        Ok(findings)
    }

    /// Marks a finding explained with a reason (kept and audited): the finding of `rule_id` for
    /// the period starting `period_start` about `subject` ("org:12", "member:34"; empty means the
    /// org itself). Explaining one member's finding explains no other member's. The finding stays,
    /// with the explanation beside it; the inspector decides whether it stands.
    pub async fn explain_finding(
        &self,
        actor: &Actor,
        org_id: i64,
        rule_id: &str,
        period_start: &str,
        subject: &str,
        reason: &str,
    ) -> Result<i64> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        if !can(actor, Action::EditOrg, Target::Org(&org.org_path()?)) {
            return Err(ServiceError::Forbidden);
        }
        let rules = self.rules_for(&org.path).await?;
        let Some(rule) = rules.info(rule_id) else { return Err(ServiceError::field("rule_id", "没有这条规则")) };
        if !period_start.is_empty() && parse_date(period_start).is_err() {
            return Err(ServiceError::field("period_start", "周期无效"));
        }
        let subject = match subject.trim() {
            "" => format!("org:{}", org.id),
            s => s.to_string(),
        };
        if Subject::parse_key(&subject).is_none() {
            return Err(ServiceError::field("subject", "说明对象无效"));
        }
        let reason = reason.trim();
        let mut e = FieldErrors::new();
        if reason.chars().count() < 4 {
            e.add("reason", "请写明情况说明（至少 4 个字）");
        } else if reason.chars().count() > 500 {
            e.add("reason", "情况说明不能超过 500 个字");
        }
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let mut tx = self.db.begin().await?;
        let explanation = meeting::NewExplanation {
            org_id: org.id,
            org_path: &org.path,
            rule_id: rule.id,
            period_start,
            subject: &subject,
            reason,
            account_id: actor.account_id,
        };
        let id = meeting::explain(&mut tx, &explanation).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "finding.explain",
                entity: "org",
                entity_id: Some(org.id),
                org_path: Some(org.path.clone()),
                before: None,
                after: Some(serde_json::json!({
                    "rule_id": rule.id, "period_start": period_start, "subject": subject, "reason": reason
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The explanations given for an org's findings.
    pub async fn explanations(&self, actor: &Actor, org_id: i64) -> Result<Vec<ExplanationRow>> {
        storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        Ok(meeting::explanations(&self.db, &actor.scope(), org_id).await?)
    }
}

/// The most findings [`Services::subtree_findings`] returns.
pub const SUBTREE_FINDINGS_SHOWN: usize = 500;

/// A subtree's findings: the first of them with the name of the org that must act, and how many
/// there are.
#[derive(Debug, Clone)]
pub struct SubtreeFindings {
    pub org_name: String,
    pub total: usize,
    pub findings: Vec<(String, Finding)>,
}

/// Whether explanation `e` explains finding `f` (whose period starts on `period_start`, "" when
/// none): the same rule, period and subject. An explanation given before subjects were recorded
/// (empty subject) explains the org's findings of its rule and period, as it did then.
pub fn explains(e: &ExplanationRow, f: &Finding, period_start: &str) -> bool {
    e.rule_id == f.rule_id && e.period_start == period_start && (e.subject.is_empty() || e.subject == f.subject.key())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::findings::Subject;

    fn lapse_finding(member: i64) -> Finding {
        let rules = domain::family::org_life::national_rules();
        let rule = rules.iter().find(|r| r.id == "CON-LAPSE").cloned().unwrap();
        Finding::new(&rule, 7, domain::rules::Severity::Violation, "……".into()).subject(Subject::Member { id: member })
    }

    fn explanation(subject: &str) -> ExplanationRow {
        ExplanationRow {
            id: 1,
            org_id: 7,
            rule_id: "CON-LAPSE".into(),
            period_start: "2026-06-01".into(),
            subject: subject.into(),
            reason: "已核实".into(),
            account_id: 1,
            account_name: None,
            created_at: 0,
        }
    }

    /// CON-LAPSE explanations are per member; one given before subjects were recorded (migration
    /// 0008 left its subject empty) still explains every member's finding of its rule and period.
    #[test]
    fn con_lapse_explanations_are_per_subject_and_old_ones_stay_valid() {
        let (one, other) = (lapse_finding(12), lapse_finding(13));
        let e = explanation("member:12");
        assert!(explains(&e, &one, "2026-06-01"));
        assert!(!explains(&e, &other, "2026-06-01"), "explaining one member explains no other");
        assert!(!explains(&e, &one, "2026-07-01"), "another period");
        let legacy = explanation("");
        assert!(explains(&legacy, &one, "2026-06-01") && explains(&legacy, &other, "2026-06-01"));
    }
}
