//! The monthly due of one base: the treasurer's everyday question, "how much does 5,100 yuan
//! pay?" (DUES-EMPLOYED-BRACKETS, DUES-RETIREE, DUES-FLAT, DUES-WHOLE-AMOUNT).

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

use super::{Check, DuesSettings, Precision, Rate, RoundingMode};
use crate::codes::DuesCategory;
use crate::money::Fen;
use crate::rules::RuleSet;

/// A computed due, with the rule and the bracket it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub category: DuesCategory,
    /// The monthly base (zero for flat categories).
    pub base: Fen,
    pub due: Fen,
    /// The rate applied to the whole base; `None` for a flat amount.
    pub rate: Option<Rate>,
    /// "3000元以上至5000元（含）", "每月0.20元", "每月0.20至1.00元（自选）" when printed.
    pub bracket: Bracket,
    /// The rule that sets the amount and its citation.
    pub rule_id: &'static str,
    pub citation: &'static str,
    /// The rule saying what the base is (DUES-BASE, DUES-ANNUAL-SALARY, …); `None` for flat
    /// amounts.
    pub base_rule_id: Option<&'static str>,
    /// How the amount was rounded and what "税后" deducts: printed with every due
    /// ([`DuesSettings::label`]).
    #[serde(serialize_with = "settings_label")]
    pub settings: DuesSettings,
}

/// The bracket or flat range a due comes from. Kept as numbers and printed on demand: the full
/// check quotes every member's every month and prints none of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bracket {
    /// A share of the base between two bounds (`None`: unbounded on that side).
    Range { lower: Option<Fen>, upper: Option<Fen> },
    /// A flat amount, fixed (`min == max`) or chosen within the range.
    Flat { min: Fen, max: Fen },
}

impl std::fmt::Display for Bracket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Bracket::Range { lower, upper } => f.write_str(&bracket_label(lower, upper)),
            Bracket::Flat { min, max } if min == max => write!(f, "每月{min}元"),
            Bracket::Flat { min, max } => write!(f, "每月{min}至{max}元（自选）"),
        }
    }
}

impl Serialize for Bracket {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn settings_label<S: serde::Serializer>(settings: &DuesSettings, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&settings.label())
}

/// Why no due could be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QuoteError {
    /// No rule in force sets the amount for this category (a broken local rule set).
    #[error("没有适用于“{0}”的党费标准")]
    NoRule(&'static str),
    /// A chosen flat amount outside the rule's range.
    #[error("{label}党员每月交纳{min}至{max}元，不能选择{chosen}元")]
    OutOfRange { label: &'static str, min: Fen, max: Fen, chosen: Fen, rule_id: &'static str, citation: &'static str },
}

impl QuoteError {
    /// The rule that refused the amount, with its citation.
    pub fn rule(&self) -> Option<(&'static str, &'static str)> {
        match self {
            QuoteError::OutOfRange { rule_id, citation, .. } => Some((rule_id, citation)),
            QuoteError::NoRule(_) => None,
        }
    }
}

/// The due of `base` for a member of `category` in a month starting `month` (the rules in force
/// then). Flat categories ignore the base; a farmer's `chosen` amount must lie in the rule's
/// range (the lowest when none was chosen); for the other flat categories a chosen amount must
/// equal the fixed one.
pub fn quote(
    rules: &RuleSet<Check>,
    settings: &DuesSettings,
    category: DuesCategory,
    base: Fen,
    chosen: Option<Fen>,
    month: NaiveDate,
) -> Result<Quote, QuoteError> {
    for rule in rules.in_force_on(month) {
        match &rule.check {
            Check::Brackets { categories, brackets } if categories.contains(&category) => {
                let mut lower: Option<Fen> = None;
                for b in brackets {
                    if b.up_to.is_none_or(|c| base <= c) {
                        return Ok(Quote {
                            category,
                            base,
                            due: round(base, b.rate, settings.precision, settings.mode),
                            rate: Some(b.rate),
                            bracket: Bracket::Range { lower, upper: b.up_to },
                            rule_id: rule.id,
                            citation: rule.citation,
                            base_rule_id: Some(base_rule(category)),
                            settings: *settings,
                        });
                    }
                    lower = b.up_to;
                }
            }
            Check::Flat { groups } => {
                let Some(g) = groups.iter().find(|g| g.categories.contains(&category)) else { continue };
                let due = chosen.unwrap_or(g.min);
                if due < g.min || due > g.max {
                    return Err(QuoteError::OutOfRange {
                        label: category.label(),
                        min: g.min,
                        max: g.max,
                        chosen: due,
                        rule_id: rule.id,
                        citation: rule.citation,
                    });
                }
                return Ok(Quote {
                    category,
                    base: Fen::ZERO,
                    due,
                    rate: None,
                    bracket: Bracket::Flat { min: g.min, max: g.max },
                    rule_id: rule.id,
                    citation: rule.citation,
                    base_rule_id: None,
                    settings: *settings,
                });
            }
            _ => {}
        }
    }
    Err(QuoteError::NoRule(category.label()))
}

/// Whether `category` pays a flat amount rather than a share of a base.
pub fn is_flat(rules: &RuleSet<Check>, category: DuesCategory, month: NaiveDate) -> bool {
    rules.in_force_on(month).any(|r| match &r.check {
        Check::Flat { groups } => groups.iter().any(|g| g.categories.contains(&category)),
        _ => false,
    })
}

/// The rule that says what a category's base is.
fn base_rule(category: DuesCategory) -> &'static str {
    match category {
        DuesCategory::AnnualSalary => "DUES-ANNUAL-SALARY",
        DuesCategory::SelfEmployed => "DUES-SELF-EMPLOYED",
        DuesCategory::Retired => "DUES-RETIREE",
        _ => "DUES-BASE",
    }
}

/// "3000元以下（含）", "3000元以上至5000元（含）", "10000元以上".
fn bracket_label(lower: Option<Fen>, upper: Option<Fen>) -> String {
    let whole = |f: Fen| if f.fen() % 100 == 0 { (f.fen() / 100).to_string() } else { f.to_string() };
    match (lower, upper) {
        (None, Some(u)) => format!("{}元以下（含）", whole(u)),
        (Some(l), Some(u)) => format!("{}元以上至{}元（含）", whole(l), whole(u)),
        (Some(l), None) => format!("{}元以上", whole(l)),
        (None, None) => "全部基数".to_string(),
    }
}

/// `base × rate` rounded to the precision's step: half a step or more up (half-up), or any
/// remainder up (up). Integer arithmetic throughout, so 5100 × 1.5 % is exactly 76.50.
pub fn round(base: Fen, rate: Rate, precision: Precision, mode: RoundingMode) -> Fen {
    let unit = 10_000_i128 * i128::from(precision.step());
    let num = i128::from(base.fen()) * i128::from(rate.0);
    let (q, r) = (num / unit, num % unit);
    let up = match mode {
        RoundingMode::HalfUp => 2 * r >= unit,
        RoundingMode::Up => r > 0,
    };
    let steps = q + i128::from(up);
    let fen = i64::try_from(steps * i128::from(precision.step())).unwrap_or(i64::MAX);
    Fen::new(fen).unwrap_or(Fen::new(crate::money::MAX_FEN).unwrap_or_default())
}
