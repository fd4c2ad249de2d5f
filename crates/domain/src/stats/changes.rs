//! Table 1 党员数量变化: how an org's membership changed between last year's reference date and
//! this one (forms.md §1.3 "Additions and removals"), each change taken from a dated record.
//!
//! A member counted at an org on this year's date and not last year's is an increase there; one
//! counted last year and not this year, a decrease. Each is given the reason the records show:
//! admitted in the year (发展党员), restored (恢复党籍), moved from another branch or received by
//! letter (转入组织关系); left the party by a decision of one of the kinds of table 10 (出党),
//! suspended (停止党籍), died, moved to another branch or transferred out (转出组织关系). A change
//! no record explains (a status typed in, a member entered without a letter) is **unexplained**:
//! it keeps the balance (last year + increases − decreases = this year) from closing, and the
//! members behind it are listed, never hidden.

use std::collections::BTreeMap;

use serde::Serialize;

/// The reason of a change, as stored in SQL results (`as_str`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = StatsChange))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Recruited,
    Restored,
    TransferredIn,
    /// An increase no record explains.
    UnexplainedIn,
    Expelled,
    WithdrawRemoved,
    Persuaded,
    PersuadedRemoved,
    LapseRemoved,
    ProbationCancelled,
    /// Left the party (已出党) without a decision of a table-10 kind on record.
    LeftOther,
    Suspended,
    Died,
    TransferredOut,
    /// A decrease no record explains.
    UnexplainedOut,
}

impl Change {
    pub const ALL: [Change; 15] = [
        Self::Recruited,
        Self::Restored,
        Self::TransferredIn,
        Self::UnexplainedIn,
        Self::Expelled,
        Self::WithdrawRemoved,
        Self::Persuaded,
        Self::PersuadedRemoved,
        Self::LapseRemoved,
        Self::ProbationCancelled,
        Self::LeftOther,
        Self::Suspended,
        Self::Died,
        Self::TransferredOut,
        Self::UnexplainedOut,
    ];

    /// The kinds of decision that are 出党 (table 10's columns), as stored.
    pub const LEAVING_DECISIONS: [Change; 6] = [
        Self::Expelled,
        Self::WithdrawRemoved,
        Self::Persuaded,
        Self::PersuadedRemoved,
        Self::LapseRemoved,
        Self::ProbationCancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recruited => "recruited",
            Self::Restored => "restored",
            Self::TransferredIn => "transferred_in",
            Self::UnexplainedIn => "unexplained_in",
            Self::Expelled => "expelled",
            Self::WithdrawRemoved => "withdraw_removed",
            Self::Persuaded => "persuaded",
            Self::PersuadedRemoved => "persuaded_removed",
            Self::LapseRemoved => "lapse_removed",
            Self::ProbationCancelled => "probation_cancelled",
            Self::LeftOther => "left_other",
            Self::Suspended => "suspended",
            Self::Died => "died",
            Self::TransferredOut => "transferred_out",
            Self::UnexplainedOut => "unexplained_out",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Recruited => "发展党员",
            Self::Restored => "恢复党籍",
            Self::TransferredIn => "转入组织关系",
            Self::UnexplainedIn => "未能由记录说明的增加",
            Self::Expelled => "开除党籍",
            Self::WithdrawRemoved => "退党除名",
            Self::Persuaded => "劝退",
            Self::PersuadedRemoved => "劝而不退除名",
            Self::LapseRemoved => "自行脱党除名",
            Self::ProbationCancelled => "取消预备党员资格",
            Self::LeftOther => "其他出党",
            Self::Suspended => "停止党籍",
            Self::Died => "死亡",
            Self::TransferredOut => "转出组织关系",
            Self::UnexplainedOut => "未能由记录说明的减少",
        }
    }

    pub fn parse(s: &str) -> Option<Change> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn is_increase(self) -> bool {
        matches!(self, Self::Recruited | Self::Restored | Self::TransferredIn | Self::UnexplainedIn)
    }

    pub fn is_unexplained(self) -> bool {
        matches!(self, Self::UnexplainedIn | Self::UnexplainedOut)
    }

    /// 出党: one of table 10's kinds.
    pub fn is_leaving(self) -> bool {
        Self::LEAVING_DECISIONS.contains(&self) || self == Self::LeftOther
    }
}

/// How many members behind unexplained changes a subtree lists (all are counted).
pub const UNEXPLAINED_LISTED: usize = 1_000;

/// Table 1 of one org (its own branch, or its subtree).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MemberChanges {
    /// Members counted on last year's reference date.
    pub last_year: u64,
    /// Members counted on this year's.
    pub this_year: u64,
    /// Changes by reason.
    pub changes: BTreeMap<Change, u64>,
    /// The members behind unexplained changes, by id: a branch's own; a subtree's, the first
    /// [`UNEXPLAINED_LISTED`] of its branches' (the count is in `changes`).
    pub unexplained: Vec<i64>,
}

impl MemberChanges {
    pub fn count(&self, c: Change) -> u64 {
        self.changes.get(&c).copied().unwrap_or(0)
    }

    /// Increases the records explain.
    pub fn increases(&self) -> u64 {
        Change::ALL.iter().filter(|c| c.is_increase() && !c.is_unexplained()).map(|c| self.count(*c)).sum()
    }

    /// Decreases the records explain.
    pub fn decreases(&self) -> u64 {
        Change::ALL.iter().filter(|c| !c.is_increase() && !c.is_unexplained()).map(|c| self.count(*c)).sum()
    }

    /// 出党 in all.
    pub fn left(&self) -> u64 {
        Change::ALL.iter().filter(|c| c.is_leaving()).map(|c| self.count(*c)).sum()
    }

    /// Whether last year + increases − decreases = this year with the explained changes alone.
    pub fn balances(&self) -> bool {
        self.last_year + self.increases() == self.this_year + self.decreases()
    }

    pub fn add(&mut self, other: &MemberChanges) {
        self.last_year += other.last_year;
        self.this_year += other.this_year;
        for (c, n) in &other.changes {
            *self.changes.entry(*c).or_default() += n;
        }
        let room = UNEXPLAINED_LISTED.saturating_sub(self.unexplained.len());
        self.unexplained.extend(other.unexplained.iter().take(room));
    }
}

impl super::rollup::Cells for MemberChanges {
    fn add(&mut self, other: &Self) {
        MemberChanges::add(self, other);
    }
}
