//! A person's name as the registry keeps it.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a name was rejected. `Display` is the Chinese message for the user.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PersonNameError {
    #[error("请填写姓名")]
    Empty,
    #[error("姓名不能超过 {max} 个字，现为 {actual} 个字，请核对")]
    TooLong { max: usize, actual: usize },
    #[error("姓名不能包含数字，请核对")]
    Digits,
    #[error("姓名只能包含汉字、字母、空格和间隔号“·”，请删除“{found}”")]
    Character { found: char },
}

/// 姓名: 1–50 characters of letters (any script, so 汉字 too), the middle dot `·` of minority
/// and foreign names ("阿依古丽·买买提"; the variants `•` `・` `．` are stored as `·`), and single
/// spaces between words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 50;

    pub fn parse(s: &str) -> Result<PersonName, PersonNameError> {
        let words: Vec<&str> = s.split_whitespace().collect();
        let name: String = words
            .join(" ")
            .chars()
            .map(|c| if matches!(c, '•' | '・' | '．' | '\u{2027}') { '·' } else { c })
            .collect();
        if name.is_empty() {
            return Err(PersonNameError::Empty);
        }
        if let Some(found) = name.chars().find(|c| !(c.is_alphabetic() || *c == '·' || *c == ' ')) {
            return Err(if found.is_numeric() {
                PersonNameError::Digits
            } else {
                PersonNameError::Character { found }
            });
        }
        let actual = name.chars().count();
        if actual > Self::MAX_CHARS {
            return Err(PersonNameError::TooLong { max: Self::MAX_CHARS, actual });
        }
        Ok(PersonName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<PersonName> for String {
    fn from(n: PersonName) -> String {
        n.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = PersonNameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}
