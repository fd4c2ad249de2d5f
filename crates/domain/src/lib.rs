//! The pure domain of zhibu: value types that can only hold valid values, the rules of
//! shared/rules.md, and the permission policy. No I/O, no async, no database, no clock:
//! every function that depends on the date takes it as an argument.

pub mod audit;
pub mod calendar;
pub mod codes;
pub mod collation;
pub mod compliance;
pub mod contest;
pub mod dates;
pub mod family;
pub mod findings;
pub mod ideology_event;
pub mod ideology_position;
pub mod major_decision;
pub mod major_matter_report;
pub mod member;
pub mod money;
pub mod org;
pub mod org_life;
pub mod period;
pub mod rules;
pub mod scope;
pub mod semester;
pub mod settings;
pub mod stats;
pub mod unit;

/// A field-level validation failure, shown next to the field on a page and listed in the
/// `fields` object of an API error. `message` is Chinese and says what to do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    /// The rule that refused the value, when a firm rule did (its ID and citation); the message
    /// names both as well.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleRef>,
}

/// A rule named by a refusal: its ID ("MTG-ASSEMBLY") and citation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleRef {
    pub rule_id: String,
    pub citation: String,
}

/// All field errors of one form or request, in field order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_string(), message: message.into(), rule: None });
    }
    /// A refusal by a firm rule: the message gains the rule's ID and citation
    /// ("……（规则 DEV-PROBATION，《中国共产党发展党员工作细则》第三十二条）").
    pub fn add_rule(&mut self, field: &str, message: impl Into<String>, rule_id: &str, citation: &str) {
        let message = format!("{}（规则 {rule_id}，{citation}）", message.into());
        let rule = Some(RuleRef { rule_id: rule_id.to_string(), citation: citation.to_string() });
        self.0.push(FieldError { field: field.to_string(), message, rule });
    }
    /// The first rule that refused a value, if any.
    pub fn rule(&self) -> Option<&RuleRef> {
        self.0.iter().find_map(|e| e.rule.as_ref())
    }
    /// Appends the errors of `other`.
    pub fn merge(&mut self, other: FieldErrors) {
        self.0.extend(other.0);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The first message for `field`, for rendering next to that input.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
    /// Turn a collection of errors into a `Result`, `Ok(value)` when there are none.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        write!(f, "{}", parts.join("；"))
    }
}

impl std::error::Error for FieldErrors {}
