//! The dues account of an org that keeps one (DUES-ACCOUNT): income (the dues its members paid,
//! interest, allocations from above), amounts remitted to the level above, and spending — only
//! on the five purposes of DUES-USE, only as decided collectively (DUES-COLLECTIVE), never beyond
//! the balance (DUES-USE-PRINCIPLE: 量入为出). The dues collected are not typed into the account:
//! they are the members' payments, summed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Check;
use crate::FieldErrors;
use crate::money::Fen;
use crate::rules::RuleSet;

code_enum!(
    /// What an account entry is.
    EntryKind, "dues account entry kind" {
        /// 利息: interest is dues income (DUES-ACCOUNT).
        Interest => "interest", "利息收入",
        /// 上级下拨: dues allocated by the level above.
        Allocated => "allocated", "上级下拨",
        /// 上缴: remitted to the level above (DUES-RETAIN, DUES-UPLINE).
        Remitted => "remitted", "上缴上级",
        /// 支出: spending on one of the five purposes (DUES-USE).
        Spent => "spent", "使用支出",
    }
);

code_enum!(
    /// The five purposes dues may be spent on (DUES-USE, 《规定》第十九条).
    Purpose, "dues purpose" {
        Training => "training", "培训党员",
        Materials => "materials", "订阅或购买党员教育报刊、资料、音像制品和设备",
        Commendation => "commendation", "表彰先进基层党组织、优秀共产党员和优秀党务工作者",
        Hardship => "hardship", "补助生活困难的党员",
        Disaster => "disaster", "补助遭受严重自然灾害的党员和修缮党员教育设施",
    }
);

impl EntryKind {
    /// Whether the entry adds to the balance.
    pub fn is_income(self) -> bool {
        matches!(self, Self::Interest | Self::Allocated)
    }
}

/// The collective decision a spending cites (DUES-COLLECTIVE): a meeting of the org's committee
/// or assembly, with its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub meeting_id: i64,
    pub held_on: NaiveDate,
    /// Whether the meeting is one that decides collectively: a 支委会, 党员大会 or a
    /// committee's own meeting (not a talk or a lecture).
    pub collective: bool,
}

/// An entry as typed, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDraft {
    pub kind: EntryKind,
    pub amount: Fen,
    pub on: NaiveDate,
    /// For spending: the purpose as typed (checked against the five).
    pub purpose: String,
    pub decision: Option<Decision>,
}

/// Checks an entry: a spending names one of the five purposes (DUES-USE), cites a collective
/// decision taken on or before it (DUES-COLLECTIVE), and stays within the balance (DUES-USE-
/// PRINCIPLE); a remittance stays within the balance too. Refusals name the rule.
pub fn check_entry(rules: &RuleSet<Check>, draft: &EntryDraft, balance: i64) -> Result<Option<Purpose>, FieldErrors> {
    let mut e = FieldErrors::new();
    let refuse = |e: &mut FieldErrors, field: &str, id: &str, message: &str| match super::rule_on(rules, id, draft.on) {
        Some(r) => e.add_rule(field, message, r.id, r.citation),
        None => e.add(field, message),
    };
    if draft.amount == Fen::ZERO {
        e.add("amount", "金额应大于0");
    }
    let mut purpose = None;
    if draft.kind == EntryKind::Spent {
        purpose = Purpose::parse(&draft.purpose);
        if purpose.is_none() {
            refuse(
                &mut e,
                "purpose",
                "DUES-USE",
                "党费只能用于党的活动：培训党员、党员教育资料设备、表彰先进、补助困难党员、补助受灾党员和修缮党员教育设施",
            );
        }
        match draft.decision {
            None => {
                refuse(&mut e, "meeting_id", "DUES-COLLECTIVE", "党费的使用应经集体研究决定，请选择作出决定的会议记录")
            }
            Some(d) if !d.collective => refuse(
                &mut e,
                "meeting_id",
                "DUES-COLLECTIVE",
                "所选会议不是支委会、党员大会或党委会，不能作为集体决定",
            ),
            Some(d) if d.held_on > draft.on => {
                refuse(&mut e, "meeting_id", "DUES-COLLECTIVE", "集体研究的会议应在支出之前或当天召开")
            }
            Some(_) => {}
        }
    }
    if !draft.kind.is_income() && draft.amount.fen() > balance {
        refuse(
            &mut e,
            "amount",
            "DUES-USE-PRINCIPLE",
            &format!("超出党费结余（{}元）：党费使用应量入为出", Fen::signed_yuan(balance)),
        );
    }
    e.into_result(purpose)
}
