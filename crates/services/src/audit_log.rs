//! The audit log as the viewer may see it, and verification of the chain.

use crate::{Result, ServiceError, Services};
use domain::scope::Actor;
use storage::audit::{self, AuditFilter, EntryRow, Verdict};

impl Services {
    /// Audit entries about the orgs the viewer administers (system admins: everything).
    pub async fn audit_entries(&self, actor: &Actor, f: &AuditFilter) -> Result<Vec<EntryRow>> {
        let scope = actor.audit_scope().ok_or(ServiceError::Forbidden)?;
        Ok(audit::list(&self.db, &scope, f).await?)
    }

    /// Walks the whole chain (for `zhibu audit verify`).
    pub(crate) async fn verify_audit_chain(&self) -> Result<Verdict> {
        Ok(audit::verify(&self.db, &self.audit_key).await?)
    }
}
