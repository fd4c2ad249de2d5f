//! Who may do what, decided in one place.
//!
//! Every page, API route and CLI command asks [`can`] before it acts, and every storage query is
//! filtered by the [`Scope`] of the same [`Actor`], so an object outside the viewer's subtrees
//! is neither shown nor changed, whether it was reached by a link or by a guessed id.

use crate::org::{OrgKind, OrgPath};
use serde::Serialize;

/// The kind of role an account holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RoleKind {
    /// Everything, everywhere.
    SystemAdmin,
    /// Reads and writes everything in one subtree (an org and all orgs below it).
    OrgAdmin,
    /// Keeps the records of one branch (党务工作者): its members, posts and groups.
    PartyWorker,
    /// An ordinary member: sees their own record, edits their own contact fields.
    Member,
}

impl RoleKind {
    pub const ALL: [RoleKind; 4] = [Self::SystemAdmin, Self::OrgAdmin, Self::PartyWorker, Self::Member];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SystemAdmin => "system_admin",
            Self::OrgAdmin => "org_admin",
            Self::PartyWorker => "party_worker",
            Self::Member => "member",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SystemAdmin => "系统管理员",
            Self::OrgAdmin => "组织管理员",
            Self::PartyWorker => "党务工作者",
            Self::Member => "党员",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim() || r.label() == s.trim())
    }
}

/// One role of an account: where it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Grant {
    SystemAdmin,
    OrgAdmin { org: OrgPath },
    PartyWorker { branch: OrgPath },
    Member { member_id: i64 },
}

impl Grant {
    pub fn kind(&self) -> RoleKind {
        match self {
            Self::SystemAdmin => RoleKind::SystemAdmin,
            Self::OrgAdmin { .. } => RoleKind::OrgAdmin,
            Self::PartyWorker { .. } => RoleKind::PartyWorker,
            Self::Member { .. } => RoleKind::Member,
        }
    }
}

/// The person acting: an account with its grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub account_id: i64,
    pub username: String,
    pub grants: Vec<Grant>,
}

/// What an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ViewOrg,
    /// Create an org of this kind under the target org.
    CreateChildOrg(OrgKind),
    /// Rename or edit the fields of the target org.
    EditOrg,
    /// Move or close the target org: a change to the tree's shape.
    ReshapeOrg,
    ManagePosts,
    ViewMember,
    /// Create a member in the target branch.
    CreateMember,
    EditMember,
    /// Edit the contact fields (phone) of one's own member record.
    EditOwnContact,
    /// See an id_number or phone whole (audited each time).
    RevealPersonalData,
    ViewAudit,
    ManageAccounts,
    /// Make a committee setting (党委设置) for the target org's subtree: its administrators only,
    /// not the branch workers whose work the settings judge.
    SetCommitteeSettings,
}

/// What the action is aimed at: an org (by its path) or a member (by id and the path of the
/// branch they belong to).
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Global,
    Org(&'a OrgPath),
    Member { member_id: i64, branch: &'a OrgPath },
}

/// The rows a storage query may return for an actor: everything, or the orgs (and the members
/// of the orgs) in some subtrees plus, for members, their own record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope {
    pub all: bool,
    pub subtrees: Vec<OrgPath>,
    pub own_member_id: Option<i64>,
}

impl Scope {
    /// A scope that sees everything; for the CLI run by the operator and for system admins.
    pub fn everything() -> Self {
        Self { all: true, subtrees: Vec::new(), own_member_id: None }
    }

    pub fn contains_org(&self, path: &OrgPath) -> bool {
        self.all || self.subtrees.iter().any(|s| path.is_within(s))
    }

    pub fn contains_member(&self, member_id: i64, branch: &OrgPath) -> bool {
        self.contains_org(branch) || self.own_member_id == Some(member_id)
    }

    /// Whether the scope sees nothing at all in the tree (a plain member).
    pub fn is_own_record_only(&self) -> bool {
        !self.all && self.subtrees.is_empty()
    }
}

impl Actor {
    pub fn is_system_admin(&self) -> bool {
        self.grants.iter().any(|g| matches!(g, Grant::SystemAdmin))
    }

    pub fn own_member_id(&self) -> Option<i64> {
        self.grants.iter().find_map(|g| match g {
            Grant::Member { member_id } => Some(*member_id),
            _ => None,
        })
    }

    /// The scope of every read: the union of the subtrees the actor administers or keeps.
    pub fn scope(&self) -> Scope {
        if self.is_system_admin() {
            return Scope::everything();
        }
        let subtrees = self
            .grants
            .iter()
            .filter_map(|g| match g {
                Grant::OrgAdmin { org } => Some(org.clone()),
                Grant::PartyWorker { branch } => Some(branch.clone()),
                _ => None,
            })
            .collect();
        Scope { all: false, subtrees, own_member_id: self.own_member_id() }
    }

    /// The part of the tree whose audit entries the actor may read, by [`Action::ViewAudit`]:
    /// everything when the global log is allowed, else the subtrees of the actor's grants where
    /// it is; `None` when there is none.
    pub fn audit_scope(&self) -> Option<Scope> {
        if can(self, Action::ViewAudit, Target::Global) {
            return Some(Scope::everything());
        }
        let subtrees: Vec<OrgPath> = self
            .grants
            .iter()
            .filter_map(|g| match g {
                Grant::OrgAdmin { org } => Some(org),
                Grant::PartyWorker { branch } => Some(branch),
                _ => None,
            })
            .filter(|org| can(self, Action::ViewAudit, Target::Org(org)))
            .cloned()
            .collect();
        (!subtrees.is_empty()).then_some(Scope { all: false, subtrees, own_member_id: None })
    }

    fn admin_of(&self, path: &OrgPath) -> bool {
        self.is_system_admin()
            || self.grants.iter().any(|g| matches!(g, Grant::OrgAdmin { org } if path.is_within(org)))
    }

    /// Org admin of a strict ancestor: may reshape the org itself (move, close), which an
    /// admin of exactly that org may not, since that would change the tree above them.
    fn admin_above(&self, path: &OrgPath) -> bool {
        self.is_system_admin()
            || self.grants.iter().any(|g| matches!(g, Grant::OrgAdmin { org } if path.is_within(org) && path != org))
    }

    fn worker_of(&self, path: &OrgPath) -> bool {
        self.grants.iter().any(|g| matches!(g, Grant::PartyWorker { branch } if path.is_within(branch)))
    }

    /// Whether the roles of this actor allow seeing personal data whole (id_number, phone).
    /// Party workers and members see them masked, except members for their own record.
    pub fn may_reveal_for(&self, member_id: i64, branch: &OrgPath) -> bool {
        self.admin_of(branch) || self.own_member_id() == Some(member_id)
    }
}

/// The permission policy: may `actor` do `action` to `target`?
pub fn can(actor: &Actor, action: Action, target: Target<'_>) -> bool {
    use Action::*;
    match (action, target) {
        (ManageAccounts, Target::Global) => actor.is_system_admin(),
        (ManageAccounts, Target::Org(p)) => actor.admin_of(p),
        (ViewAudit, Target::Global) => actor.is_system_admin(),
        (ViewAudit, Target::Org(p)) => actor.admin_of(p),
        (ViewOrg, Target::Org(p)) => actor.admin_of(p) || actor.worker_of(p),
        (CreateChildOrg(kind), Target::Org(p)) => actor.admin_of(p) || (kind == OrgKind::Group && actor.worker_of(p)),
        (CreateChildOrg(_), Target::Global) => actor.is_system_admin(),
        (EditOrg | ManagePosts, Target::Org(p)) => actor.admin_of(p) || actor.worker_of(p),
        (ReshapeOrg, Target::Org(p)) => actor.admin_above(p),
        (SetCommitteeSettings, Target::Org(p)) => actor.admin_of(p),
        (CreateMember, Target::Org(p)) => actor.admin_of(p) || actor.worker_of(p),
        (ViewMember, Target::Member { member_id, branch }) => {
            actor.admin_of(branch) || actor.worker_of(branch) || actor.own_member_id() == Some(member_id)
        }
        (EditMember, Target::Member { branch, .. }) => actor.admin_of(branch) || actor.worker_of(branch),
        (EditOwnContact, Target::Member { member_id, branch }) => {
            actor.own_member_id() == Some(member_id) || actor.admin_of(branch) || actor.worker_of(branch)
        }
        (RevealPersonalData, Target::Member { member_id, branch }) => actor.may_reveal_for(member_id, branch),
        _ => false,
    }
}

crate::stored_code!(RoleKind => "role");

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> OrgPath {
        OrgPath::parse(s).unwrap()
    }

    fn actor(grants: Vec<Grant>) -> Actor {
        Actor { account_id: 1, username: "t".into(), grants }
    }

    /// The audit log's scope is what ViewAudit allows, nothing re-derived: system admins read
    /// everything, org admins their subtrees, party workers and members nothing.
    #[test]
    fn audit_scope_follows_view_audit() {
        let everything = actor(vec![Grant::SystemAdmin]).audit_scope().unwrap();
        assert!(everything.all);
        let admin = actor(vec![Grant::OrgAdmin { org: p("/1/7/") }, Grant::Member { member_id: 3 }]);
        let scope = admin.audit_scope().unwrap();
        assert_eq!((scope.all, scope.subtrees, scope.own_member_id), (false, vec![p("/1/7/")], None));
        assert!(actor(vec![Grant::PartyWorker { branch: p("/1/7/23/") }]).audit_scope().is_none());
        assert!(actor(vec![Grant::Member { member_id: 3 }]).audit_scope().is_none());
    }

    #[test]
    fn org_admin_sees_its_subtree_only() {
        let a = actor(vec![Grant::OrgAdmin { org: p("/1/7/") }]);
        assert!(can(&a, Action::ViewOrg, Target::Org(&p("/1/7/"))));
        assert!(can(&a, Action::ViewOrg, Target::Org(&p("/1/7/23/"))));
        assert!(!can(&a, Action::ViewOrg, Target::Org(&p("/1/70/"))));
        assert!(!can(&a, Action::ViewOrg, Target::Org(&p("/1/"))));
        assert!(!can(&a, Action::ReshapeOrg, Target::Org(&p("/1/7/"))));
        assert!(can(&a, Action::ReshapeOrg, Target::Org(&p("/1/7/23/"))));
        assert!(!can(&a, Action::ManageAccounts, Target::Global));
    }

    #[test]
    fn party_worker_keeps_one_branch_and_sees_data_masked() {
        let a = actor(vec![Grant::PartyWorker { branch: p("/1/7/23/") }]);
        let m = Target::Member { member_id: 5, branch: &p("/1/7/23/") };
        assert!(can(&a, Action::EditMember, m));
        assert!(!can(&a, Action::RevealPersonalData, m));
        assert!(can(&a, Action::CreateChildOrg(OrgKind::Group), Target::Org(&p("/1/7/23/"))));
        assert!(!can(&a, Action::CreateChildOrg(OrgKind::Branch), Target::Org(&p("/1/7/23/"))));
        assert!(!can(&a, Action::ReshapeOrg, Target::Org(&p("/1/7/23/"))));
        let other = Target::Member { member_id: 6, branch: &p("/1/7/24/") };
        assert!(!can(&a, Action::ViewMember, other));
    }

    #[test]
    fn member_sees_and_edits_own_contact_only() {
        let a = actor(vec![Grant::Member { member_id: 5 }]);
        let own = Target::Member { member_id: 5, branch: &p("/1/7/23/") };
        let other = Target::Member { member_id: 6, branch: &p("/1/7/23/") };
        assert!(can(&a, Action::ViewMember, own));
        assert!(can(&a, Action::EditOwnContact, own));
        assert!(can(&a, Action::RevealPersonalData, own));
        assert!(!can(&a, Action::EditMember, own));
        assert!(!can(&a, Action::ViewMember, other));
        assert!(!can(&a, Action::ViewOrg, Target::Org(&p("/1/7/23/"))));
        assert!(a.scope().is_own_record_only());
    }

    #[test]
    fn system_admin_may_do_everything() {
        let a = actor(vec![Grant::SystemAdmin]);
        assert!(a.scope().all);
        assert!(can(&a, Action::ManageAccounts, Target::Global));
        assert!(can(&a, Action::ReshapeOrg, Target::Org(&p("/1/"))));
        assert!(can(&a, Action::CreateChildOrg(OrgKind::Committee), Target::Global));
    }
}
