//! The organization tree (党组织): kinds, units, posts and the materialized path.
//!
//! The tree is stored as a materialized path (`/1/7/23/`) so that a subtree is one indexed range
//! query; [`OrgPath::subtree_bounds`] gives the bounds.

use serde::Serialize;
use thiserror::Error;

/// The kind of a node of the organization tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrgKind {
    /// 党委 / 基层党委 / 工委: nests to any depth.
    Committee,
    /// 党总支: between a committee and branches.
    GeneralBranch,
    /// 党支部: the basic unit; every member belongs to exactly one branch.
    Branch,
    /// 党小组: only inside a branch.
    Group,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [Self::Committee, Self::GeneralBranch, Self::Branch, Self::Group];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Committee => "committee",
            Self::GeneralBranch => "general_branch",
            Self::Branch => "branch",
            Self::Group => "group",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Committee => "党委",
            Self::GeneralBranch => "党总支",
            Self::Branch => "党支部",
            Self::Group => "党小组",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim() || k.label() == s.trim())
    }

    /// Whether an org of kind `self` may sit directly under an org of kind `parent`
    /// (`None` = a root). Committees nest to any depth; general branches sit under committees;
    /// branches under committees or general branches; groups only under branches.
    pub fn may_sit_under(self, parent: Option<OrgKind>) -> bool {
        matches!(
            (self, parent),
            (Self::Committee, None | Some(Self::Committee))
                | (Self::GeneralBranch, Some(Self::Committee))
                | (Self::Branch, Some(Self::Committee | Self::GeneralBranch))
                | (Self::Group, Some(Self::Branch))
        )
    }

    /// Members are attached to branches (and optionally to a group inside their branch).
    pub fn holds_members(self) -> bool {
        matches!(self, Self::Branch | Self::Group)
    }

    /// Kinds that elect a committee with a term (CON-TERM): all but groups.
    pub fn has_term(self) -> bool {
        !matches!(self, Self::Group)
    }

    /// The usual term of its committee in years, whatever the unit: a 基层党委 generally serves 5,
    /// a 总支 or 支部 3. See [`usual_term_years`] for village and community branches.
    pub fn usual_term_years(self) -> u32 {
        match self {
            Self::Committee => 5,
            _ => 3,
        }
    }
}

/// The usual term in years of an org's committee (ORG-TERM, 支部工作条例 Art. 21): 5 for a
/// 基层党委 and for the branches (and general branches) of villages and communities, 3 for other
/// 总支 and 支部.
pub fn usual_term_years(kind: OrgKind, unit: UnitKind) -> u32 {
    match (kind, unit) {
        (OrgKind::Branch | OrgKind::GeneralBranch, UnitKind::Village | UnitKind::Community) => 5,
        _ => kind.usual_term_years(),
    }
}

/// The kind of unit (所在单位) an org sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UnitKind {
    PublicSchool,
    PrivateSchool,
    Kindergarten,
    Organ,
    Enterprise,
    /// A village (村): its branch committee serves 5 years (ORG-TERM).
    Village,
    /// A residential community (社区): its branch committee serves 5 years (ORG-TERM).
    Community,
    Other,
}

impl UnitKind {
    pub const ALL: [UnitKind; 8] = [
        Self::PublicSchool,
        Self::PrivateSchool,
        Self::Kindergarten,
        Self::Organ,
        Self::Enterprise,
        Self::Village,
        Self::Community,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PublicSchool => "public_school",
            Self::PrivateSchool => "private_school",
            Self::Kindergarten => "kindergarten",
            Self::Organ => "organ",
            Self::Enterprise => "enterprise",
            Self::Village => "village",
            Self::Community => "community",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::PublicSchool => "公办学校",
            Self::PrivateSchool => "民办学校",
            Self::Kindergarten => "幼儿园",
            Self::Organ => "机关",
            Self::Enterprise => "企业",
            Self::Village => "村",
            Self::Community => "社区",
            Self::Other => "其他",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim() || k.label() == s.trim())
    }
}

/// A post on an org's committee, held by a member for a dated span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PostKind {
    Secretary,
    DeputySecretary,
    OrganizationOfficer,
    PublicityOfficer,
    DisciplineOfficer,
    /// 委员 without a named post: a committee may have more members than the named posts
    /// (ORG-COMMITTEE: 3–5, generally no more than 7).
    Member,
}

impl PostKind {
    pub const ALL: [PostKind; 6] = [
        Self::Secretary,
        Self::DeputySecretary,
        Self::OrganizationOfficer,
        Self::PublicityOfficer,
        Self::DisciplineOfficer,
        Self::Member,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Secretary => "secretary",
            Self::DeputySecretary => "deputy_secretary",
            Self::OrganizationOfficer => "organization_officer",
            Self::PublicityOfficer => "publicity_officer",
            Self::DisciplineOfficer => "discipline_officer",
            Self::Member => "committee_member",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Secretary => "书记",
            Self::DeputySecretary => "副书记",
            Self::OrganizationOfficer => "组织委员",
            Self::PublicityOfficer => "宣传委员",
            Self::DisciplineOfficer => "纪检委员",
            Self::Member => "委员",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim() || k.label() == s.trim())
    }

    /// Only one person holds a secretary or deputy secretary post at a time
    /// (ORG-COMMITTEE allows at most one 副书记); officers are likewise single posts; plain 委员
    /// may be several.
    pub fn single_holder(self) -> bool {
        self != Self::Member
    }
}

/// Whether an org is in daily use or closed (kept for history, hidden from daily lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrgStatus {
    Active,
    Closed,
}

impl OrgStatus {
    pub const ALL: [OrgStatus; 2] = [Self::Active, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Closed => "closed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "正常",
            Self::Closed => "已撤销",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum OrgPathError {
    #[error("组织路径“{0}”格式不正确")]
    Malformed(String),
}

/// The materialized path of an org: the ids from the root down to the org itself, written
/// `/1/7/23/`. Every path starts and ends with `/`, so a prefix test never confuses
/// `/1/7/` with `/1/70/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct OrgPath(String);

impl OrgPath {
    pub fn root(id: i64) -> Self {
        Self(format!("/{id}/"))
    }

    pub fn child(&self, id: i64) -> Self {
        Self(format!("{}{id}/", self.0))
    }

    pub fn parse(s: &str) -> Result<Self, OrgPathError> {
        let bad = || OrgPathError::Malformed(s.to_string());
        let inner = s.strip_prefix('/').and_then(|r| r.strip_suffix('/')).ok_or_else(bad)?;
        if inner.is_empty() {
            return Err(bad());
        }
        for part in inner.split('/') {
            let id: i64 = part.parse().map_err(|_| bad())?;
            if id <= 0 || part.starts_with('0') {
                return Err(bad());
            }
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ids from the root to this org.
    pub fn ids(&self) -> Vec<i64> {
        self.0.split('/').filter_map(|p| p.parse().ok()).collect()
    }

    pub fn id(&self) -> Option<i64> {
        self.ids().last().copied()
    }

    /// Number of ids in the path: a root has depth 1.
    pub fn depth(&self) -> usize {
        self.ids().len()
    }

    /// `[lower, upper)` bounds of every path in this subtree (this org included), for
    /// `path >= lower AND path < upper`. `'/'` is followed by `'0'` in byte order, so replacing
    /// the trailing slash with `'0'` gives the first string after all paths with this prefix.
    /// SQLite uses an index for this range but not for `LIKE ? || '%'` with a bound parameter.
    pub fn subtree_bounds(&self) -> (String, String) {
        let mut upper = self.0.clone();
        upper.pop();
        upper.push('0');
        (self.0.clone(), upper)
    }

    /// Whether `self` lies in the subtree rooted at `ancestor` (itself included).
    pub fn is_within(&self, ancestor: &OrgPath) -> bool {
        self.0.starts_with(&ancestor.0)
    }

    /// The path this org (and each descendant path) gets when the subtree rooted at
    /// `old_root` moves so that its root's path becomes `new_root`.
    pub fn rebase(&self, old_root: &OrgPath, new_root: &OrgPath) -> Option<OrgPath> {
        self.0.strip_prefix(&old_root.0).map(|rest| OrgPath(format!("{}{rest}", new_root.0)))
    }
}

impl std::fmt::Display for OrgPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a move of an org in the tree is refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum MoveError {
    #[error("不能把组织移动到它自己或它的下级组织之下")]
    Cycle,
    #[error("{child}不能设在{parent}之下")]
    KindNotAllowed { child: &'static str, parent: &'static str },
    #[error("{0}必须设在上级组织之下")]
    NeedsParent(&'static str),
    #[error("不能移动到已撤销的组织之下")]
    ParentClosed,
    #[error("该组织下仍有党员，移动后党员将不在任何党支部内")]
    MembersWouldLeaveBranch,
}

/// Checks a move of the org at `org` (of `kind`) under `new_parent` (its path and kind).
/// Refuses cycles and moves that break the kind rules. A group moved to another branch would
/// take its members out of their branch, so groups with members may not move (ORG tree rule:
/// every member belongs to exactly one branch); branches carry their members with them.
pub fn check_move(
    org: &OrgPath,
    kind: OrgKind,
    new_parent: Option<(&OrgPath, OrgKind, OrgStatus)>,
    org_has_members: bool,
) -> Result<(), MoveError> {
    match new_parent {
        None => {
            if kind != OrgKind::Committee {
                return Err(MoveError::NeedsParent(kind.label()));
            }
        }
        Some((parent_path, parent_kind, status)) => {
            if parent_path.is_within(org) {
                return Err(MoveError::Cycle);
            }
            if status == OrgStatus::Closed {
                return Err(MoveError::ParentClosed);
            }
            if !kind.may_sit_under(Some(parent_kind)) {
                return Err(MoveError::KindNotAllowed { child: kind.label(), parent: parent_kind.label() });
            }
        }
    }
    if kind == OrgKind::Group && org_has_members {
        return Err(MoveError::MembersWouldLeaveBranch);
    }
    Ok(())
}

crate::stored_code!(OrgKind => "org kind", UnitKind => "unit kind", PostKind => "post", OrgStatus => "org status");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_bounds_exclude_sibling_with_longer_id() {
        let p = OrgPath::parse("/1/7/").unwrap();
        let (lo, hi) = p.subtree_bounds();
        assert_eq!((lo.as_str(), hi.as_str()), ("/1/7/", "/1/70"));
        for inside in ["/1/7/", "/1/7/23/", "/1/7/999/1/"] {
            assert!(inside >= lo.as_str() && inside < hi.as_str(), "{inside}");
        }
        for outside in ["/1/70/", "/1/8/", "/1/", "/1/6/99/", "/2/"] {
            assert!(!(outside >= lo.as_str() && outside < hi.as_str()), "{outside}");
        }
    }

    #[test]
    fn parse_rejects_malformed_paths() {
        for bad in ["", "/", "1/2/", "/1/2", "/a/", "/0/", "/01/", "//"] {
            assert!(OrgPath::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(OrgPath::parse("/1/22/").unwrap().ids(), vec![1, 22]);
    }

    #[test]
    fn kinds_nest_as_the_tree_allows() {
        use OrgKind::*;
        assert!(Committee.may_sit_under(None));
        assert!(Committee.may_sit_under(Some(Committee)));
        assert!(!Committee.may_sit_under(Some(Branch)));
        assert!(GeneralBranch.may_sit_under(Some(Committee)));
        assert!(!GeneralBranch.may_sit_under(Some(GeneralBranch)));
        assert!(Branch.may_sit_under(Some(GeneralBranch)));
        assert!(!Branch.may_sit_under(None));
        assert!(Group.may_sit_under(Some(Branch)));
        assert!(!Group.may_sit_under(Some(Committee)));
        assert!(!Group.may_sit_under(Some(Group)));
    }

    #[test]
    fn move_refuses_cycles() {
        let org = OrgPath::parse("/1/7/").unwrap();
        let below = OrgPath::parse("/1/7/9/").unwrap();
        let err = check_move(&org, OrgKind::Committee, Some((&below, OrgKind::Committee, OrgStatus::Active)), false);
        assert_eq!(err, Err(MoveError::Cycle));
        let itself = org.clone();
        let err = check_move(&org, OrgKind::Committee, Some((&itself, OrgKind::Committee, OrgStatus::Active)), false);
        assert_eq!(err, Err(MoveError::Cycle));
        let sibling = OrgPath::parse("/1/70/").unwrap();
        assert!(
            check_move(&org, OrgKind::Committee, Some((&sibling, OrgKind::Committee, OrgStatus::Active)), false)
                .is_ok()
        );
    }

    #[test]
    fn move_refuses_group_with_members_and_closed_parents() {
        let group = OrgPath::parse("/1/5/6/").unwrap();
        let other_branch = OrgPath::parse("/1/8/").unwrap();
        assert_eq!(
            check_move(&group, OrgKind::Group, Some((&other_branch, OrgKind::Branch, OrgStatus::Active)), true),
            Err(MoveError::MembersWouldLeaveBranch)
        );
        assert!(
            check_move(&group, OrgKind::Group, Some((&other_branch, OrgKind::Branch, OrgStatus::Active)), false)
                .is_ok()
        );
        assert_eq!(
            check_move(&group, OrgKind::Group, Some((&other_branch, OrgKind::Branch, OrgStatus::Closed)), false),
            Err(MoveError::ParentClosed)
        );
    }

    #[test]
    fn rebase_moves_descendants() {
        let old = OrgPath::parse("/1/7/").unwrap();
        let new = OrgPath::parse("/1/3/7/").unwrap();
        let d = OrgPath::parse("/1/7/23/").unwrap();
        assert_eq!(d.rebase(&old, &new).unwrap().as_str(), "/1/3/7/23/");
    }
}
