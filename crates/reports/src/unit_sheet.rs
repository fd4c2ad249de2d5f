//! The unit list's sheet (单位名单): columns 单位名称, 单位类别, 办学性质, 主管部门, 分级管理,
//! 统一社会信用代码, 章程写入党建日期, 章程文件, 备注, one unit a row. [`read_units`] reads an
//! upload into checked units and every problem by row and column (the caller writes nothing
//! unless there are none); [`template_xlsx`] is the blank template with examples.

use chrono::NaiveDate;
use domain::unit::{Unit, UnitInput};

use crate::sheet::{ReadError, Table, read_table};
use crate::write::{CellError, SheetSpec, WriteError, write_xlsx};

pub const NAME: &str = "单位名称";
pub const TYPE: &str = "单位类别";
pub const OWNERSHIP: &str = "办学性质";
pub const SUPERVISOR: &str = "主管部门";
pub const LEVEL: &str = "分级管理";
pub const CREDIT_CODE: &str = "统一社会信用代码";
pub const CHARTER_ON: &str = "章程写入党建日期";
pub const CHARTER_DOC: &str = "章程文件";
pub const NOTE: &str = "备注";

/// The most units one sheet may hold.
pub const MAX_ROWS: usize = 20_000;

/// The headers of the template, in order.
pub fn headers() -> Vec<&'static str> {
    vec![NAME, TYPE, OWNERSHIP, SUPERVISOR, LEVEL, CREDIT_CODE, CHARTER_ON, CHARTER_DOC, NOTE]
}

/// Synonyms people write for the columns, mapped to ours.
fn canonical(h: &str) -> Option<&'static str> {
    let h: String = h.chars().filter(|c| !c.is_whitespace() && *c != '*').collect();
    match h.as_str() {
        "单位名称" | "学校名称" | "单位" | "学校" | "机构名称" => Some(NAME),
        "单位类别" | "单位类型" | "类别" | "类型" => Some(TYPE),
        "办学性质" | "性质" | "公办民办" | "举办性质" => Some(OWNERSHIP),
        "主管部门" | "业务主管部门" | "主管单位" => Some(SUPERVISOR),
        "分级管理" | "分级管理级别" | "管理级别" | "级别" => Some(LEVEL),
        "统一社会信用代码" | "信用代码" => Some(CREDIT_CODE),
        "章程写入党建日期" | "章程写入日期" | "党建入章日期" => Some(CHARTER_ON),
        "章程文件" | "章程" | "章程文号" => Some(CHARTER_DOC),
        "备注" => Some(NOTE),
        _ => None,
    }
}

/// Whether a header cell is one of ours (to find the header row).
pub fn is_unit_header(h: &str) -> bool {
    canonical(h).is_some_and(|c| c != NOTE)
}

/// An upload read: the table as read, the units of the good rows (with their row numbers) and
/// every problem.
#[derive(Debug, Clone)]
pub struct UnitSheet {
    pub table: Table,
    pub units: Vec<(usize, Unit)>,
    pub errors: Vec<CellError>,
}

/// Reads a unit list (.xlsx, .xls or CSV) as of `today` (a charter's day may not be later). A
/// file that is no table at all is a [`ReadError`]; anything wrong in the table is a
/// [`CellError`] of its row and column, a name written twice among them.
pub fn read_units(bytes: &[u8], today: NaiveDate) -> Result<UnitSheet, ReadError> {
    let table = read_table(bytes, &is_unit_header)?;
    let col = |name: &str| table.headers.iter().position(|h| canonical(h) == Some(name));
    let columns: Vec<(&str, Option<usize>)> = headers().into_iter().map(|h| (h, col(h))).collect();
    let at = |name: &str| columns.iter().find(|(h, _)| *h == name).and_then(|(_, c)| *c);
    let mut errors = Vec::new();
    for name in [NAME, TYPE, OWNERSHIP] {
        if at(name).is_none() {
            errors.push(CellError {
                row_number: table.header_row,
                column: None,
                message: format!("缺少“{name}”列，请使用单位名单导入模板"),
            });
        }
    }
    if table.rows.len() > MAX_ROWS {
        errors.push(CellError {
            row_number: table.header_row,
            column: None,
            message: format!("一次最多导入{MAX_ROWS}个单位，请拆分后分批导入"),
        });
    }
    let mut units = Vec::new();
    if !errors.is_empty() {
        return Ok(UnitSheet { table, units, errors });
    }
    let mut names: Vec<(String, usize)> = Vec::new();
    for row in &table.rows {
        let cell = |name: &str| at(name).and_then(|c| row.cells.get(c)).map(|x| x.text.clone()).unwrap_or_default();
        let mut problem = false;
        for c in columns.iter().filter_map(|(_, c)| *c) {
            if let Some(p) = row.cells.get(c).and_then(|x| x.problem.clone()) {
                errors.push(CellError { row_number: row.number, column: Some(c), message: p });
                problem = true;
            }
        }
        let input = UnitInput {
            name: cell(NAME),
            unit_type: cell(TYPE),
            ownership: cell(OWNERSHIP),
            supervisor: cell(SUPERVISOR),
            level: cell(LEVEL),
            credit_code: cell(CREDIT_CODE),
            charter_on: cell(CHARTER_ON),
            charter_doc: cell(CHARTER_DOC),
            note: cell(NOTE),
        };
        match input.check(today) {
            Ok(u) if !problem => {
                if let Some((_, first)) = names.iter().find(|(n, _)| *n == u.name) {
                    errors.push(CellError {
                        row_number: row.number,
                        column: at(NAME),
                        message: format!("与第 {first} 行的单位名称相同"),
                    });
                } else {
                    names.push((u.name.clone(), row.number));
                    units.push((row.number, u));
                }
            }
            Ok(_) => {}
            Err(fe) => {
                for e in fe.0 {
                    let column = match e.field.as_str() {
                        "name" => at(NAME),
                        "unit_type" => at(TYPE),
                        "ownership" => at(OWNERSHIP),
                        "supervisor" => at(SUPERVISOR),
                        "level" => at(LEVEL),
                        "credit_code" => at(CREDIT_CODE),
                        "charter_on" => at(CHARTER_ON),
                        "charter_doc" => at(CHARTER_DOC),
                        "note" => at(NOTE),
                        _ => None,
                    };
                    // A field the sheet has no column for (a charter's document when only the
                    // day is given): the message names it.
                    errors.push(CellError { row_number: row.number, column, message: e.message });
                }
            }
        }
    }
    Ok(UnitSheet { table, units, errors })
}

/// The blank template: sheet 单位名单 with the headers and examples, sheet 填写说明 with what to
/// write in each column.
pub fn template_xlsx() -> Result<Vec<u8>, WriteError> {
    let h = headers();
    let row = |cells: &[&str]| cells.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let examples = vec![
        row(&[
            "某某民办实验学校",
            "学校",
            "民办",
            "县教育局",
            "二级",
            "52330000MJ0000000X",
            "2021-06-30",
            "《某某民办实验学校章程》（2021年修订）第三条",
            "",
        ]),
        row(&["某某幼儿园", "幼儿园", "民办", "县教育局", "三级", "", "", "", "尚未建立党组织"]),
        row(&["县第一中学", "学校", "公办", "县教育局", "", "", "", "", ""]),
    ];
    let help = vec![
        row(&[NAME, "必填，不超过100字；同一文件中不能重复。已登记的单位按名称更新"]),
        row(&[TYPE, "必填：学校、幼儿园、培训机构、机关事业单位或其他"]),
        row(&[OWNERSHIP, "必填：公办或民办"]),
        row(&[SUPERVISOR, "谁主管谁负责：业务主管部门，可不填"]),
        row(&[LEVEL, "三级分类管理：一级、二级、三级，未分级的不填"]),
        row(&[CREDIT_CODE, "18位，可不填"]),
        row(&[CHARTER_ON, "党建工作写入章程的日期，如 2021-06-30；未写入的不填"]),
        row(&[CHARTER_DOC, "填了章程写入日期时必填：章程名称或文号"]),
        row(&["说明", "有任何一行出错时整个文件都不导入，请按错误报告修改后重新上传"]),
    ];
    write_xlsx(&[
        SheetSpec { name: "单位名单", title: None, headers: &h, rows: &examples, text_columns: &[5, 6] },
        SheetSpec {
            name: "填写说明", title: None, headers: &["列", "填写要求"], rows: &help, text_columns: &[]
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    #[test]
    fn the_template_reads_back_as_its_three_examples() {
        let bytes = template_xlsx().unwrap();
        let sheet = read_units(&bytes, today()).unwrap();
        assert!(sheet.errors.is_empty(), "{:?}", sheet.errors);
        let names: Vec<&str> = sheet.units.iter().map(|(_, u)| u.name.as_str()).collect();
        assert_eq!(names, ["某某民办实验学校", "某某幼儿园", "县第一中学"]);
        assert_eq!(sheet.units[0].1.level, Some(2));
        assert_eq!(sheet.units[0].1.charter_on, NaiveDate::from_ymd_opt(2021, 6, 30));
    }

    #[test]
    fn a_bad_row_is_reported_by_row_and_column() {
        let csv = "单位名称,单位类别,办学性质,分级管理,章程写入党建日期,章程文件\n\
                   甲校,学校,民办,二级,,\n\
                   乙校,大学,民办,,,\n\
                   丙校,学校,私立,四级,,\n\
                   甲校,学校,公办,,,\n\
                   丁校,学校,民办,,2027-01-01,章程\n";
        let sheet = read_units(csv.as_bytes(), today()).unwrap();
        let found: Vec<(usize, Option<usize>)> = sheet.errors.iter().map(|e| (e.row_number, e.column)).collect();
        assert_eq!(found, [(3, Some(1)), (4, Some(2)), (4, Some(3)), (5, Some(0)), (6, Some(4))], "{:?}", sheet.errors);
        assert_eq!(sheet.units.len(), 1);
    }

    #[test]
    fn a_sheet_without_the_ownership_column_is_refused_at_its_header() {
        let sheet = read_units("单位名称,单位类别\n甲校,学校\n".as_bytes(), today()).unwrap();
        assert_eq!(sheet.errors.len(), 1);
        assert!(sheet.errors[0].message.contains("缺少“办学性质”列"));
    }
}
