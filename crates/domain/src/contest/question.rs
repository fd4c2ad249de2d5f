//! Questions of a question bank (题库): single choice (单选题), multiple choice (多选题) and
//! true / false (判断题), with their key (正确答案) and where they come from (出处).
//!
//! Options are lettered A to F. An answer, the key's or a member's, is the set of letters chosen,
//! kept sorted ("AC"); a true / false question has the two fixed options 正确 (A) and 错误 (B).

use serde::{Deserialize, Serialize};

use crate::FieldErrors;

/// The most options a choice question has (A to F).
pub const MAX_OPTIONS: usize = 6;

/// The letters of the options, in order.
pub const LETTERS: [char; MAX_OPTIONS] = ['A', 'B', 'C', 'D', 'E', 'F'];

/// The fixed options of a true / false question.
pub const TRUE_FALSE: [&str; 2] = ["正确", "错误"];

/// 题型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum QuestionKind {
    /// 单选题: one option is right.
    SingleChoice,
    /// 多选题: two or more options are right; an answer counts only when exactly right.
    MultipleChoice,
    /// 判断题: 正确 or 错误.
    TrueFalse,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 3] = [Self::SingleChoice, Self::MultipleChoice, Self::TrueFalse];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SingleChoice => "single_choice",
            Self::MultipleChoice => "multiple_choice",
            Self::TrueFalse => "true_false",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SingleChoice => "单选题",
            Self::MultipleChoice => "多选题",
            Self::TrueFalse => "判断题",
        }
    }

    /// The identifier, the label, or the short forms people write in a sheet (单选, 多选, 判断).
    pub fn parse(s: &str) -> Option<QuestionKind> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| {
            k.as_str() == s || k.label() == s || k.label().strip_suffix('题') == Some(s) || s == k.label_alt()
        })
    }

    fn label_alt(self) -> &'static str {
        match self {
            Self::SingleChoice => "单项选择题",
            Self::MultipleChoice => "多项选择题",
            Self::TrueFalse => "是非题",
        }
    }
}

crate::stored_code!(QuestionKind => "question kind");

/// A question as typed on the form, sent to the API or read from a sheet's row.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionInput {
    /// "single_choice", "multiple_choice" or "true_false" (or 单选题, 多选题, 判断题).
    pub kind: String,
    /// 题干.
    pub stem: String,
    /// The options A, B, C … in order (none for a true / false question).
    #[serde(default)]
    pub options: Vec<String>,
    /// 正确答案: letters ("B", "ACD"); for a true / false question 正确 or 错误 (对, 错, √, ×).
    pub answer: String,
    /// 出处 ("《中国共产党支部工作条例（试行）》第九条").
    #[serde(default)]
    pub source: String,
}

/// A checked question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub kind: QuestionKind,
    pub stem: String,
    /// The options in order; 正确, 错误 for a true / false question.
    pub options: Vec<String>,
    /// The right letters, sorted ("AC").
    pub answer: String,
    pub source: String,
}

/// Reads an answer: the letters of the options chosen, in any order, with or without
/// separators ("A,C", "c a", "A、C"), sorted and without repeats. A true / false answer may be
/// written 正确 / 错误, 对 / 错, √ / ×, 是 / 否, T / F. `None` for anything else, or a letter
/// past the question's `options`.
pub fn parse_answer(kind: QuestionKind, options: usize, text: &str) -> Option<String> {
    let t = text.trim();
    if kind == QuestionKind::TrueFalse {
        let letter = match t.to_uppercase().as_str() {
            "A" | "正确" | "对" | "√" | "✓" | "✔" | "是" | "T" | "TRUE" | "Y" => "A",
            "B" | "错误" | "错" | "×" | "✗" | "✘" | "X" | "否" | "F" | "FALSE" | "N" => "B",
            _ => return None,
        };
        return Some(letter.to_string());
    }
    let mut letters = Vec::new();
    for c in t.chars() {
        if matches!(c, ',' | '，' | '、' | ';' | '；' | ' ' | '\u{3000}' | '/') {
            continue;
        }
        let up = c.to_ascii_uppercase();
        let i = LETTERS.iter().position(|l| *l == up)?;
        if i >= options {
            return None;
        }
        if !letters.contains(&up) {
            letters.push(up);
        }
    }
    letters.sort_unstable();
    if letters.is_empty() { None } else { Some(letters.into_iter().collect()) }
}

/// The longest stem, option and source, in characters.
const MAX_STEM: usize = 500;
const MAX_OPTION: usize = 200;
const MAX_SOURCE: usize = 100;

/// Text made one line: line breaks and tabs become spaces, then trimmed.
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n', '\t'], " ").trim().to_string()
}

impl QuestionInput {
    /// The question, or every field's error in Chinese. Options are fields "options" (all of
    /// them) and the key is "answer".
    pub fn check(&self) -> Result<Question, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = QuestionKind::parse(&self.kind);
        if kind.is_none() {
            e.add("kind", "题型应为单选题、多选题或判断题");
        }
        let stem = one_line(&self.stem);
        if stem.is_empty() {
            e.add("stem", "请填写题干");
        } else if stem.chars().count() > MAX_STEM {
            e.add("stem", format!("题干不超过{MAX_STEM}字"));
        }
        let source = one_line(&self.source);
        if source.chars().count() > MAX_SOURCE {
            e.add("source", format!("出处不超过{MAX_SOURCE}字"));
        }
        let mut options: Vec<String> = self.options.iter().map(|o| one_line(o)).collect();
        while options.last().is_some_and(String::is_empty) {
            options.pop();
        }
        let Some(kind) = kind else { return Err(e) };
        match kind {
            QuestionKind::TrueFalse => {
                if !options.is_empty() && options != TRUE_FALSE {
                    e.add("options", "判断题不填选项（固定为“正确”“错误”）");
                }
                options = TRUE_FALSE.iter().map(|s| s.to_string()).collect();
            }
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
                if options.len() > MAX_OPTIONS {
                    e.add("options", format!("选项最多{MAX_OPTIONS}个（A至F）"));
                } else if options.len() < 2 {
                    e.add("options", "选择题至少填写选项A和选项B");
                } else if let Some(i) = options.iter().position(String::is_empty) {
                    e.add("options", format!("选项{}为空：选项应从A起连续填写", LETTERS[i]));
                } else if let Some(i) = options.iter().position(|o| o.chars().count() > MAX_OPTION) {
                    e.add("options", format!("选项{}不超过{MAX_OPTION}字", LETTERS[i]));
                } else if let Some(i) = (1..options.len()).find(|i| options[..*i].contains(&options[*i])) {
                    e.add("options", format!("选项{}与前面的选项重复", LETTERS[i]));
                }
            }
        }
        let answer = match parse_answer(kind, options.len().min(MAX_OPTIONS), &self.answer) {
            None if self.answer.trim().is_empty() => {
                e.add("answer", "请填写正确答案");
                None
            }
            None if kind == QuestionKind::TrueFalse => {
                e.add("answer", "判断题的正确答案应为“正确”或“错误”");
                None
            }
            None => {
                e.add("answer", "正确答案应为选项的字母，如 B 或 ACD，且不超出已填写的选项");
                None
            }
            Some(a) if kind == QuestionKind::SingleChoice && a.len() != 1 => {
                e.add("answer", "单选题只有一个正确答案");
                None
            }
            Some(a) if kind == QuestionKind::MultipleChoice && a.len() < 2 => {
                e.add("answer", "多选题至少有两个正确答案（只有一个的请设为单选题）");
                None
            }
            Some(a) => Some(a),
        };
        match answer {
            Some(answer) if e.is_empty() => Ok(Question { kind, stem, options, answer, source }),
            _ => Err(e),
        }
    }
}

/// Whether a member's answer counts: exactly the key's letters (a multiple-choice answer with
/// one letter missing or one too many scores nothing).
pub fn answer_is_right(key: &str, given: &str) -> bool {
    !given.is_empty() && key == given
}
