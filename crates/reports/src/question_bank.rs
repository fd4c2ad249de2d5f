//! The question bank's sheet (题库): columns 题型, 题干, 选项A … 选项F, 正确答案, 出处, one
//! question a row. [`read_questions`] reads an upload into checked questions and every problem by
//! row and column (the caller writes nothing unless there are none); [`template_xlsx`] is the
//! blank template with examples.

use domain::contest::{LETTERS, Question, QuestionInput};

use crate::sheet::{ReadError, Table, read_table};
use crate::write::{CellError, SheetSpec, WriteError, write_xlsx};

pub const KIND: &str = "题型";
pub const STEM: &str = "题干";
pub const ANSWER: &str = "正确答案";
pub const SOURCE: &str = "出处";
const OPTIONS: [&str; 6] = ["选项A", "选项B", "选项C", "选项D", "选项E", "选项F"];

/// The most questions one sheet may hold.
pub const MAX_ROWS: usize = 5_000;

/// The headers of the template, in order.
pub fn headers() -> Vec<&'static str> {
    let mut h = vec![KIND, STEM];
    h.extend(OPTIONS);
    h.extend([ANSWER, SOURCE]);
    h
}

/// Synonyms people write for the columns, mapped to ours.
fn canonical(h: &str) -> Option<&'static str> {
    let h: String = h.chars().filter(|c| !c.is_whitespace() && *c != '*').collect();
    let h = h.as_str();
    match h {
        "题型" | "题目类型" | "试题类型" => Some(KIND),
        "题干" | "题目" | "试题" | "题目内容" => Some(STEM),
        "正确答案" | "答案" | "标准答案" => Some(ANSWER),
        "出处" | "依据" | "答案出处" | "来源" => Some(SOURCE),
        _ => OPTIONS.iter().zip(LETTERS).find_map(|(o, l)| {
            let alt = [format!("选项{}", l.to_ascii_lowercase()), l.to_string()];
            (h == *o || alt.iter().any(|a| a == h)).then_some(*o)
        }),
    }
}

/// Whether a header cell is one of ours (to find the header row).
pub fn is_question_header(h: &str) -> bool {
    canonical(h).is_some_and(|c| c != SOURCE)
}

/// An upload read: the table as read, the questions of the good rows (with their row numbers)
/// and every problem.
#[derive(Debug, Clone)]
pub struct QuestionSheet {
    pub table: Table,
    pub questions: Vec<(usize, Question)>,
    pub errors: Vec<CellError>,
}

/// Reads a question sheet (.xlsx, .xls or CSV). A file that is no table at all is a
/// [`ReadError`]; anything wrong in the table is a [`CellError`] of its row and column.
pub fn read_questions(bytes: &[u8]) -> Result<QuestionSheet, ReadError> {
    let table = read_table(bytes, &is_question_header)?;
    let col = |name: &str| table.headers.iter().position(|h| canonical(h) == Some(name));
    let (kind, stem, answer, source) = (col(KIND), col(STEM), col(ANSWER), col(SOURCE));
    let options: Vec<Option<usize>> = OPTIONS.iter().map(|o| col(o)).collect();
    let mut errors = Vec::new();
    for (c, name) in [(kind, KIND), (stem, STEM), (answer, ANSWER)] {
        if c.is_none() {
            errors.push(CellError {
                row_number: table.header_row,
                column: None,
                message: format!("缺少“{name}”列，请使用题库导入模板"),
            });
        }
    }
    if table.rows.len() > MAX_ROWS {
        errors.push(CellError {
            row_number: table.header_row,
            column: None,
            message: format!("一次最多导入{MAX_ROWS}道题，请拆分后分批导入"),
        });
    }
    let mut questions = Vec::new();
    if !errors.is_empty() {
        return Ok(QuestionSheet { table, questions, errors });
    }
    let mut stems: Vec<(String, usize)> = Vec::new();
    for row in &table.rows {
        let cell = |c: Option<usize>| c.and_then(|c| row.cells.get(c)).map(|x| x.text.clone()).unwrap_or_default();
        let mut problem = false;
        for c in [kind, stem, answer, source].into_iter().chain(options.iter().copied()).flatten() {
            if let Some(p) = row.cells.get(c).and_then(|x| x.problem.clone()) {
                errors.push(CellError { row_number: row.number, column: Some(c), message: p });
                problem = true;
            }
        }
        let input = QuestionInput {
            kind: cell(kind),
            stem: cell(stem),
            options: options.iter().map(|c| cell(*c)).collect(),
            answer: cell(answer),
            source: cell(source),
        };
        match input.check() {
            Ok(q) if !problem => {
                if let Some((_, first)) = stems.iter().find(|(s, _)| *s == q.stem) {
                    errors.push(CellError {
                        row_number: row.number,
                        column: stem,
                        message: format!("与第 {first} 行的题干相同"),
                    });
                } else {
                    stems.push((q.stem.clone(), row.number));
                    questions.push((row.number, q));
                }
            }
            Ok(_) => {}
            Err(fe) => {
                for e in fe.0 {
                    let column = match e.field.as_str() {
                        "kind" => kind,
                        "stem" => stem,
                        "answer" => answer,
                        "source" => source,
                        _ => options.iter().flatten().next().copied(),
                    };
                    errors.push(CellError { row_number: row.number, column, message: e.message });
                }
            }
        }
    }
    Ok(QuestionSheet { table, questions, errors })
}

/// The blank template: sheet 题库 with the headers and one example of each kind, sheet
/// 填写说明 with what to write in each column.
pub fn template_xlsx() -> Result<Vec<u8>, WriteError> {
    let h = headers();
    let row = |cells: &[&str]| cells.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let examples = vec![
        row(&[
            "单选题",
            "党支部党员大会一般每季度召开几次？",
            "1次",
            "2次",
            "3次",
            "",
            "",
            "",
            "A",
            "《中国共产党支部工作条例（试行）》第十五条",
        ]),
        row(&[
            "多选题",
            "“三会一课”包括哪些？",
            "支部党员大会",
            "支部委员会会议",
            "党小组会",
            "党课",
            "",
            "",
            "ABCD",
            "《中国共产党支部工作条例（试行）》第十五条",
        ]),
        row(&["判断题", "党员应当按月交纳党费。", "", "", "", "", "", "", "正确", "《中国共产党章程》第八条"]),
    ];
    let help = vec![
        row(&[KIND, "单选题、多选题或判断题"]),
        row(&[STEM, "题目内容，不超过500字；同一文件中题干不能重复"]),
        row(&["选项A至选项F", "选择题从选项A起连续填写，至少两个；判断题不填"]),
        row(&[ANSWER, "选项字母，如 B 或 ACD；多选题至少两个；判断题填“正确”或“错误”"]),
        row(&[SOURCE, "可不填；如《中国共产党支部工作条例（试行）》第十五条"]),
        row(&["说明", "有任何一行出错时整个文件都不导入，请按错误报告修改后重新上传"]),
    ];
    write_xlsx(&[
        SheetSpec { name: "题库", title: None, headers: &h, rows: &examples, text_columns: &[8] },
        SheetSpec {
            name: "填写说明", title: None, headers: &["列", "填写要求"], rows: &help, text_columns: &[]
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads_back_as_its_three_examples() {
        let bytes = template_xlsx().unwrap();
        let sheet = read_questions(&bytes).unwrap();
        assert!(sheet.errors.is_empty(), "{:?}", sheet.errors);
        let answers: Vec<&str> = sheet.questions.iter().map(|(_, q)| q.answer.as_str()).collect();
        assert_eq!(answers, ["A", "ABCD", "A"]);
    }

    #[test]
    fn a_bad_row_is_reported_by_row_and_column() {
        let csv = "题型,题干,选项A,选项B,正确答案\n单选题,第一题,甲,乙,C\n判断题,第二题,,,对\n填空题,第三题,,,x\n判断题,第二题,,,错\n";
        let sheet = read_questions(csv.as_bytes()).unwrap();
        let found: Vec<(usize, Option<usize>)> = sheet.errors.iter().map(|e| (e.row_number, e.column)).collect();
        assert_eq!(found, [(2, Some(4)), (4, Some(0)), (5, Some(1))], "{:?}", sheet.errors);
        assert_eq!(sheet.questions.len(), 1);
    }

    #[test]
    fn a_sheet_without_the_key_column_is_refused_at_its_header() {
        let sheet = read_questions("题型,题干,选项A\n单选题,题,甲\n".as_bytes()).unwrap();
        assert_eq!(sheet.errors.len(), 1);
        assert!(sheet.errors[0].message.contains("缺少“正确答案”列"));
    }
}
