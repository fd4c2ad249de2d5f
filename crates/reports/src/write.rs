//! Writing xlsx and CSV: exports, the member import template and the error report of an import.
//!
//! Every cell is written as a text cell, so Excel never turns an ID number into `1.10105E+17` or
//! drops a phone number's leading zero; columns named in [`SheetSpec::text_columns`] are also
//! formatted as text, so values typed into them later stay text.

use std::collections::{BTreeMap, HashSet};

use domain::codes::{DuesCategory, Education, Ethnicity, Gender, MemberStatus, Occupation};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula, Note, Workbook,
    Worksheet, XlsxError,
};
use thiserror::Error;

use crate::roster::{MemberColumn, TEMPLATE_COLUMNS, TEMPLATE_REQUIRED, template_example};
use crate::sheet::Table;

/// Excel's limits.
const MAX_ROWS: usize = 1_048_576;
const MAX_COLS: usize = 16_384;
const MAX_CELL_CHARS: usize = 32_767;

/// Why a spreadsheet could not be written. `Display` is the Chinese message for the user.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WriteError {
    #[error(
        "工作表“{sheet}”第 {row} 行第 {column} 列的内容有 {chars} 个字，超过了 Excel 单元格 32767 个字的上限，请缩短后重试"
    )]
    CellTooLong { sheet: String, row: usize, column: usize, chars: usize },
    #[error("工作表“{sheet}”有 {rows} 行，超过了 Excel 1048576 行的上限，请缩小范围后分批导出")]
    TooManyRows { sheet: String, rows: usize },
    #[error("工作表“{sheet}”有 {columns} 列，超过了 Excel 16384 列的上限，请减少导出的列")]
    TooManyColumns { sheet: String, columns: usize },
    /// An error of the xlsx library (not expected for checked input).
    #[error("生成 Excel 文件失败（{0}），请重试；如仍失败，请联系系统管理员")]
    Xlsx(String),
}

impl From<XlsxError> for WriteError {
    fn from(e: XlsxError) -> Self {
        WriteError::Xlsx(e.to_string())
    }
}

/// One worksheet to write.
#[derive(Debug, Clone, Copy)]
pub struct SheetSpec<'a> {
    /// The sheet's name; characters Excel forbids (`[]:*?/\`) become `_`, and it is cut to 31
    /// characters and made unique.
    pub name: &'a str,
    /// Title rows above the header, one per line, merged across the header's width (附件4 has
    /// its title and a 填报单位 line, so that its data starts on row 4).
    pub title: Option<&'a str>,
    pub headers: &'a [&'a str],
    pub rows: &'a [Vec<String>],
    /// Columns formatted as text (ID numbers, phones), so values typed into them later stay
    /// text. Every cell written is a text cell in any case.
    pub text_columns: &'a [usize],
}

// ---------------------------------------------------------------------------------------------
// Formats and sizes
// ---------------------------------------------------------------------------------------------

pub(crate) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border(FormatBorder::Thin)
}

pub(crate) fn title_format() -> Format {
    Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter)
}

fn text_format() -> Format {
    Format::new().set_num_format("@")
}

/// Display width in Excel's character units: East Asian wide characters count 2.
fn display_width(s: &str) -> usize {
    s.lines()
        .map(|line| {
            line.chars()
                .map(|c| {
                    let u = c as u32;
                    let wide = (0x1100..=0x115F).contains(&u)
                        || (0x2E80..=0xA4CF).contains(&u)
                        || (0xAC00..=0xD7A3).contains(&u)
                        || (0xF900..=0xFAFF).contains(&u)
                        || (0xFE30..=0xFE4F).contains(&u)
                        || (0xFF00..=0xFF60).contains(&u)
                        || (0xFFE0..=0xFFE6).contains(&u)
                        || (0x20000..=0x3FFFD).contains(&u);
                    if wide { 2 } else { 1 }
                })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

/// Column widths fitting the header and the first 1,000 rows, between 8 and 60 units.
fn column_widths(headers: &[&str], rows: &[Vec<String>], width: usize) -> Vec<f64> {
    (0..width)
        .map(|c| {
            let header = headers.get(c).map_or(0, |h| display_width(h));
            let data = rows.iter().take(1000).filter_map(|r| r.get(c)).map(|s| display_width(s)).max().unwrap_or(0);
            (header.max(data) + 2).clamp(8, 60) as f64
        })
        .collect()
}

/// Row and column indices for rust_xlsxwriter, checked against Excel's limits by the caller.
fn row_num(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

fn col_num(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// A valid, unique sheet name.
fn sheet_name(wanted: &str, fallback: &str, used: &mut HashSet<String>) -> String {
    let cleaned: String = wanted
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim();
    let base: String = if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        fallback.to_string()
    } else {
        cleaned.chars().take(31).collect()
    };
    let mut name = base.clone();
    let mut n = 2;
    while used.contains(&name.to_lowercase()) {
        let suffix = format!("({n})");
        name = base.chars().take(31 - suffix.chars().count()).collect::<String>() + &suffix;
        n += 1;
    }
    used.insert(name.to_lowercase());
    name
}

fn check_size(sheet: &str, first_data_row: usize, headers: &[&str], rows: &[Vec<String>]) -> Result<(), WriteError> {
    let total_rows = first_data_row + rows.len();
    if total_rows > MAX_ROWS {
        return Err(WriteError::TooManyRows { sheet: sheet.to_string(), rows: total_rows });
    }
    let columns = rows.iter().map(Vec::len).chain([headers.len()]).max().unwrap_or(0);
    if columns > MAX_COLS {
        return Err(WriteError::TooManyColumns { sheet: sheet.to_string(), columns });
    }
    let too_long = |text: &str, row: usize, column: usize| {
        let chars = text.chars().count();
        (chars > MAX_CELL_CHARS).then(|| WriteError::CellTooLong { sheet: sheet.to_string(), row, column, chars })
    };
    for (c, h) in headers.iter().enumerate() {
        if let Some(e) = too_long(h, first_data_row, c + 1) {
            return Err(e);
        }
    }
    for (i, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if let Some(e) = too_long(text, first_data_row + i + 1, c + 1) {
                return Err(e);
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// xlsx
// ---------------------------------------------------------------------------------------------

/// Writes one header row (bold, frozen) at `header_row` and the rows below it, all as text.
fn write_table(
    ws: &mut Worksheet,
    header_row: usize,
    headers: &[&str],
    rows: &[Vec<String>],
    text_columns: &[usize],
) -> Result<(), WriteError> {
    let header_fmt = header_format();
    let text_fmt = text_format();
    let width = rows.iter().map(Vec::len).chain([headers.len()]).max().unwrap_or(0);
    for (c, w) in column_widths(headers, rows, width).into_iter().enumerate() {
        ws.set_column_width(col_num(c), w)?;
    }
    for &c in text_columns.iter().filter(|c| **c < MAX_COLS) {
        ws.set_column_format(col_num(c), &text_fmt)?;
    }
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row_num(header_row), col_num(c), *h, &header_fmt)?;
    }
    ws.set_freeze_panes(row_num(header_row + 1), 0)?;
    for (i, row) in rows.iter().enumerate() {
        let r = row_num(header_row + 1 + i);
        for (c, text) in row.iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            if text_columns.contains(&c) {
                ws.write_string_with_format(r, col_num(c), text, &text_fmt)?;
            } else {
                ws.write_string(r, col_num(c), text)?;
            }
        }
    }
    Ok(())
}

/// Writes the title's lines, one row each from row 0, merged across `width` columns; the first
/// is the title proper, the others (填报单位, date) are plain.
fn write_title(ws: &mut Worksheet, title: &str, width: usize) -> Result<(), WriteError> {
    for (i, line) in title.lines().enumerate() {
        let row = row_num(i);
        let fmt = if i == 0 { title_format() } else { Format::new() };
        if width > 1 {
            ws.merge_range(row, 0, row, col_num(width - 1), line, &fmt)?;
        } else {
            ws.write_string_with_format(row, 0, line, &fmt)?;
        }
        if i == 0 {
            ws.set_row_height(row, 30)?;
        }
    }
    Ok(())
}

/// An xlsx workbook with one worksheet per spec: an optional merged title row, a bold frozen
/// header row, the rows as text cells, column widths fitted to the content.
pub fn write_xlsx(sheets: &[SheetSpec]) -> Result<Vec<u8>, WriteError> {
    let mut wb = Workbook::new();
    let mut used = HashSet::new();
    for (i, spec) in sheets.iter().enumerate() {
        let name = sheet_name(spec.name, &format!("Sheet{}", i + 1), &mut used);
        let header_row = spec.title.map_or(0, |t| t.lines().count());
        check_size(&name, header_row + 1, spec.headers, spec.rows)?;
        if let Some(chars) =
            spec.title.and_then(|t| t.lines().map(|l| l.chars().count()).max()).filter(|n| *n > MAX_CELL_CHARS)
        {
            return Err(WriteError::CellTooLong { sheet: name, row: 1, column: 1, chars });
        }
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        if let Some(title) = spec.title {
            write_title(ws, title, spec.headers.len())?;
        }
        write_table(ws, header_row, spec.headers, spec.rows, spec.text_columns)?;
    }
    if sheets.is_empty() {
        wb.add_worksheet();
    }
    Ok(wb.save_to_buffer()?)
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/// The first characters with which a spreadsheet program reads a CSV field as a formula (or, for
/// tab and carriage return, lets it start one after trimming).
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A field as it is written to CSV: one that would start a formula gets a leading apostrophe, so
/// Excel, WPS and LibreOffice show it as text instead of running it (`=HYPERLINK(…)`, `@SUM(…)`,
/// `-2+3`). A value that itself begins with an apostrophe gets one more, so that our reader,
/// which drops one leading apostrophe before a formula character or another apostrophe
/// ([`crate::sheet`]), reads every value written here back unchanged.
pub fn csv_safe(field: &str) -> std::borrow::Cow<'_, str> {
    if field.starts_with(FORMULA_STARTS) || field.starts_with('\'') { format!("'{field}").into() } else { field.into() }
}

fn push_csv_record(out: &mut Vec<u8>, fields: impl Iterator<Item = impl AsRef<str>>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let field = csv_safe(field.as_ref());
        let field = field.as_ref();
        if field.contains([',', '"', '\r', '\n']) {
            out.push(b'"');
            out.extend_from_slice(field.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(field.as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
}

/// CSV as Excel opens it directly: UTF-8 with a byte-order mark, comma-separated, CRLF line
/// ends, fields quoted when they contain a comma, a quote or a line break, and no field that a
/// spreadsheet would run as a formula ([`csv_safe`]). Every CSV the product writes goes through
/// here.
///
/// Note: Excel still shows long digit strings in a CSV as numbers (an ID number becomes
/// `1.10105E+17` on screen and is lost if saved again); give people xlsx, keep CSV for programs.
pub fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    push_csv_record(&mut out, headers.iter());
    for row in rows {
        push_csv_record(&mut out, row.iter());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The member import template
// ---------------------------------------------------------------------------------------------

/// Rows of the template that get the dropdowns and text format.
const TEMPLATE_ROWS: u32 = 10_000;

const DATE_FORMS: &str = "2020-01-05、2020/1/5、2020.1.5、2020年1月5日 或 20200105";

fn joined<T>(items: impl IntoIterator<Item = T>, label: impl Fn(T) -> &'static str) -> String {
    items.into_iter().map(label).collect::<Vec<_>>().join("、")
}

/// What the 填写说明 sheet says about a column.
fn template_help(c: MemberColumn) -> String {
    match c {
        MemberColumn::Name => "与身份证一致的姓名，不超过 50 个字。".to_string(),
        MemberColumn::IdNumber => "18 位居民身份证号码，最后一位可以是 X。本列已设为“文本”格式，请勿改为数字格式，否则后几位会变成 0。".to_string(),
        MemberColumn::Gender => "男 或 女。可留空，留空时按身份证号自动判断；填写时须与身份证号一致。".to_string(),
        MemberColumn::Ethnicity => "民族全称，如“汉族”“蒙古族”，可从下拉列表选择（也可只写“汉”“蒙古”）。".to_string(),
        MemberColumn::BirthDate => format!("可留空，留空时按身份证号自动得出；填写时须与身份证号一致。日期写法：{DATE_FORMS}。"),
        MemberColumn::Org => "党员所在的党支部。填写从上级党委到党支部的完整名称路径，各级之间用“/”分隔，如“教育局党委/第一中学党总支/高一年级党支部”；如果党支部名称在系统中是唯一的，也可只写党支部名称，如“高一年级党支部”。".to_string(),
        MemberColumn::Category => "正式党员 或 预备党员。".to_string(),
        MemberColumn::JoinedOn => format!("支部大会通过接收为预备党员的日期，入党时应年满 18 周岁。日期写法：{DATE_FORMS}。"),
        MemberColumn::ConfirmedOn => format!("正式党员必填，预备党员不填。为预备期满之日：入党日期满一年之日；延长过预备期的，再加延长的月数。日期写法：{DATE_FORMS}。"),
        MemberColumn::ProbationExtension => "曾延长预备期的，填写延长的月数（6 至 12），未延长的留空。".to_string(),
        MemberColumn::Education => format!(
            "按学历代码表填写，可从下拉列表选择：{}；也可写“本科”“专科”“硕士”“博士”“中专”“高中”。",
            joined(Education::all().iter(), |e| e.name())
        ),
        MemberColumn::Degree => "如“学士”“硕士”“博士”，没有学位可留空。不超过 50 个字。".to_string(),
        MemberColumn::Occupation => format!("从下拉列表选择：{}。", joined(Occupation::all().iter(), |o| o.name())),
        MemberColumn::Post => "如“教师”“校长”“会计”，不超过 100 个字。".to_string(),
        MemberColumn::UnitName => "如“第一中学”，不超过 100 个字。".to_string(),
        MemberColumn::Phone => "11 位手机号码，或带区号的固定电话，如“010-12345678”。本列已设为“文本”格式。".to_string(),
        MemberColumn::DuesCategory => format!("从下拉列表选择：{}。", joined(DuesCategory::ALL, DuesCategory::label)),
        MemberColumn::Address => "家庭住址，具体到门牌号，不超过 200 个字。".to_string(),
        MemberColumn::LostContact => "是 或 否（留空为否）。".to_string(),
        MemberColumn::LostContactSince => {
            "失联党员填写失去联系的年月，如“2024-03”“2024年3月”；“是否为失联党员”为“是”时才填写。".to_string()
        }
        MemberColumn::Mobile => "是 或 否（留空为否）：外出工作、生活的流动党员。".to_string(),
        MemberColumn::MobileDestination => {
            "流动党员填写外出流向（省、市、县），不超过 100 个字；“是否为流动党员”为“是”时才填写。".to_string()
        }
        MemberColumn::Remark => "其他需要说明的情况，不超过 200 个字。".to_string(),
        MemberColumn::DecisionKind => "仅用于导入历史数据：已停止党籍、已出党或已去世的党员，填写作出该状态的党籍处置：停止党籍、自行脱党除名、退党除名、劝而不退除名、取消预备党员资格、开除党籍 或 死亡；正常党员留空。".to_string(),
        MemberColumn::DecisionOn => format!("党籍处置的决定日期（去世的为去世日期），填写了党籍处置类别时必填。日期写法：{DATE_FORMS}。"),
        MemberColumn::DecisionDocument => "党籍处置的批准文号，去世的可留空，不超过 200 个字。".to_string(),
        other => format!("{}。", other.header()),
    }
}

/// The header our template writes: the canonical header, with `*` when required.
fn template_header(c: MemberColumn) -> String {
    if TEMPLATE_REQUIRED.contains(&c) { format!("{}*", c.header()) } else { c.header().to_string() }
}

/// The code lists of the 代码表 sheet: (title, values) per column, and which template column each
/// feeds.
fn code_lists() -> Vec<(MemberColumn, &'static str, Vec<&'static str>)> {
    vec![
        (MemberColumn::Gender, "性别", Gender::ALL.iter().map(|g| g.label()).collect()),
        (MemberColumn::Ethnicity, "民族", Ethnicity::all().iter().map(|e| e.name()).collect()),
        (MemberColumn::Category, "人员类别", vec![MemberStatus::Full.label(), MemberStatus::Probationary.label()]),
        (MemberColumn::Education, "学历", Education::all().iter().map(|e| e.name()).collect()),
        (MemberColumn::Occupation, "职业", Occupation::all().iter().map(|o| o.name()).collect()),
        (MemberColumn::DuesCategory, "党费类别", DuesCategory::ALL.iter().map(|d| d.label()).collect()),
        (MemberColumn::LostContact, "是否为失联党员", vec!["否", "是"]),
        (MemberColumn::Mobile, "是否为流动党员", vec!["否", "是"]),
    ]
}

/// Excel's column letters for a 0-based index.
fn column_letters(mut c: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// Our member import template: sheet 党员信息 (the [`TEMPLATE_COLUMNS`] headers, required ones
/// marked `*`, every column text-formatted, one example row, dropdowns where a code list
/// exists), sheet 填写说明 (what to write in each column) and sheet 代码表 (the lists behind the
/// dropdowns).
pub fn member_template_xlsx() -> Result<Vec<u8>, WriteError> {
    let mut wb = Workbook::new();
    let text_fmt = text_format();
    let lists = code_lists();

    // 党员信息
    let ws = wb.add_worksheet();
    ws.set_name("党员信息")?;
    let headers: Vec<String> = TEMPLATE_COLUMNS.iter().map(|c| template_header(*c)).collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let example: Vec<String> = template_example().into_iter().map(|(_, v)| v).collect();
    let text_columns: Vec<usize> = (0..TEMPLATE_COLUMNS.len()).collect();
    write_table(ws, 0, &header_refs, std::slice::from_ref(&example), &text_columns)?;
    let example_fmt = text_format().set_italic().set_font_color(Color::RGB(0x808080));
    for (c, v) in example.iter().enumerate() {
        ws.write_string_with_format(1, col_num(c), v, &example_fmt)?;
    }
    let example_note = Note::new("第 2 行是填写示例，导入前请删除这一行。").add_author_prefix(false);
    ws.insert_note(1, 0, &example_note)?;
    for (c, _) in TEMPLATE_COLUMNS.iter().enumerate() {
        ws.set_column_format(col_num(c), &text_fmt)?;
    }
    for (list_index, (column, title, values)) in lists.iter().enumerate() {
        let Some(c) = TEMPLATE_COLUMNS.iter().position(|t| t == column) else {
            continue;
        };
        let letters = column_letters(list_index);
        let source = Formula::new(format!("='代码表'!${letters}$2:${letters}${}", values.len() + 1));
        let validation = DataValidation::new()
            .allow_list_formula(source)
            .ignore_blank(true)
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title(format!("{title}不在列表中"))?
            .set_error_message(format!("“{title}”请从下拉列表中选择，否则可能无法导入。要保留填写的内容吗？"))?;
        ws.add_data_validation(1, col_num(c), TEMPLATE_ROWS, col_num(c), &validation)?;
    }

    // 填写说明
    let help = wb.add_worksheet();
    help.set_name("填写说明")?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top).set_border(FormatBorder::Thin);
    let header_fmt = header_format();
    help.set_column_width(0, 16)?;
    help.set_column_width(1, 10)?;
    help.set_column_width(2, 90)?;
    write_title(help, "党员信息导入模板填写说明", 3)?;
    let general = [
        "1. “党员信息”表的第 1 行是表头，请勿修改或删除；从第 2 行起每行填写一名党员。第 2 行是示例，导入前请删除。",
        "2. 列名带“*”的必须填写；转正日期对正式党员必填。",
        &format!("3. 日期可以写成 {DATE_FORMS}。"),
        "4. 表中各列已设为“文本”格式，请勿改为数字或日期格式；从其他表格复制数据时，请用“选择性粘贴 → 数值”。",
        "5. 所在党组织：写从上级党委到党支部的完整名称路径，用“/”分隔，如“教育局党委/第一中学党总支/高一年级党支部”；党支部名称在系统中唯一时，也可只写党支部名称。",
        "6. 文件可保存为 .xlsx、.xls 或 .csv，大小不超过 20 MB。导入时如有错误，系统会给出一份标出错误单元格的表格，按“错误说明”列修改后重新上传即可。",
    ];
    let note_fmt = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut row = 1u32;
    for line in general {
        help.merge_range(row, 0, row, 2, line, &note_fmt)?;
        help.set_row_height(row, 32)?;
        row += 1;
    }
    row += 1;
    for (c, h) in ["列名", "是否必填", "填写要求"].iter().enumerate() {
        help.write_string_with_format(row, col_num(c), *h, &header_fmt)?;
    }
    row += 1;
    for column in TEMPLATE_COLUMNS {
        let required = if TEMPLATE_REQUIRED.contains(column) {
            "必填"
        } else if *column == MemberColumn::ConfirmedOn {
            "正式党员必填"
        } else {
            "选填"
        };
        help.write_string_with_format(row, 0, column.header(), &wrap)?;
        help.write_string_with_format(row, 1, required, &wrap)?;
        let text = template_help(*column);
        help.write_string_with_format(row, 2, &text, &wrap)?;
        let lines = display_width(&text) / 88 + 1;
        help.set_row_height(row, (lines as f64 * 16.0).max(20.0))?;
        row += 1;
    }

    // 代码表
    let codes = wb.add_worksheet();
    codes.set_name("代码表")?;
    for (c, (_, title, values)) in lists.iter().enumerate() {
        codes.write_string_with_format(0, col_num(c), *title, &header_fmt)?;
        codes.set_column_width(col_num(c), 16)?;
        for (r, v) in values.iter().enumerate() {
            codes.write_string(row_num(r + 1), col_num(c), *v)?;
        }
    }
    codes.set_freeze_panes(1, 0)?;

    Ok(wb.save_to_buffer()?)
}

// ---------------------------------------------------------------------------------------------
// The error report of an import
// ---------------------------------------------------------------------------------------------

/// One error found in an uploaded table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// The 1-based row number as in [`crate::TableRow::number`] (or [`Table::header_row`]).
    pub row_number: usize,
    /// The column index in [`Table::headers`]; `None` for an error of the whole row.
    pub column: Option<usize>,
    /// The Chinese message, saying what to do.
    pub message: String,
}

/// Text cut to what an Excel cell holds (a CSV upload may have longer cells).
fn fit_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() > MAX_CELL_CHARS {
        (text.chars().take(MAX_CELL_CHARS - 1).collect::<String>() + "…").into()
    } else {
        text.into()
    }
}

/// The header of the column the error report adds.
pub const ERROR_COLUMN_HEADER: &str = "错误说明";

/// A copy of the uploaded table with every bad cell filled light red and carrying a note with
/// its message, and an added last column 错误说明 listing each row's messages. Rows and the
/// header keep their row numbers (so "第 12 行" in a message is row 12 in the file); rows without
/// errors are kept, so the person can fix this file and upload it again. Errors without a column
/// (or with a column outside the table) appear only in 错误说明; errors of the header row are
/// noted on the header.
pub fn error_report_xlsx(table: &Table, errors: &[CellError]) -> Result<Vec<u8>, WriteError> {
    let mut used = HashSet::new();
    let name = sheet_name(&table.sheet_name, "导入数据", &mut used);
    let width = table.headers.len();
    let error_col = width;
    let header_row = table.header_row.max(1) - 1;
    let last_row = table.rows.iter().map(|r| r.number).chain([table.header_row]).max().unwrap_or(1);
    if last_row > MAX_ROWS || header_row >= MAX_ROWS {
        return Err(WriteError::TooManyRows { sheet: name, rows: last_row });
    }
    if width + 1 > MAX_COLS {
        return Err(WriteError::TooManyColumns { sheet: name, columns: width + 1 });
    }

    // Messages by 0-based sheet row: per cell, and all of the row in order.
    let mut cell_messages: BTreeMap<(usize, usize), Vec<&str>> = BTreeMap::new();
    let mut row_messages: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for e in errors {
        let row = e.row_number.clamp(1, MAX_ROWS) - 1;
        if let Some(c) = e.column.filter(|c| *c < width) {
            cell_messages.entry((row, c)).or_default().push(&e.message);
        }
        row_messages.entry(row).or_default().push(&e.message);
    }
    let joined_messages = |msgs: &[&str]| -> String { fit_cell(&msgs.join("；")).into_owned() };

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(&name)?;
    let header_fmt = header_format();
    let error_header_fmt = header_format().set_font_color(Color::RGB(0xC00000));
    let bad_fmt = Format::new().set_num_format("@").set_background_color(Color::RGB(0xFFC7CE));
    let text_fmt = text_format();
    let message_fmt = Format::new().set_num_format("@").set_font_color(Color::RGB(0xC00000)).set_text_wrap();

    let headers: Vec<&str> = table.headers.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = table.rows.iter().map(|r| r.cells.iter().map(|c| c.text.clone()).collect()).collect();
    for (c, w) in column_widths(&headers, &rows, width).into_iter().enumerate() {
        ws.set_column_width(col_num(c), w)?;
        ws.set_column_format(col_num(c), &text_fmt)?;
    }
    ws.set_column_width(col_num(error_col), 60)?;

    if header_row > 0 {
        let banner = Format::new().set_bold().set_font_color(Color::RGB(0xC00000));
        ws.write_string_with_format(
            0,
            0,
            "导入未成功：请按最后一列“错误说明”修改标红的单元格（鼠标移到单元格上可看到批注），改好后重新上传本文件。",
            &banner,
        )?;
    }
    for (c, h) in headers.iter().enumerate() {
        let fmt = if cell_messages.contains_key(&(header_row, c)) { &bad_fmt } else { &header_fmt };
        ws.write_string_with_format(row_num(header_row), col_num(c), fit_cell(h), fmt)?;
    }
    ws.write_string_with_format(row_num(header_row), col_num(error_col), ERROR_COLUMN_HEADER, &error_header_fmt)?;
    ws.set_freeze_panes(row_num(header_row + 1), 0)?;

    for row in &table.rows {
        let r = row.number.clamp(1, MAX_ROWS) - 1;
        for (c, cell) in row.cells.iter().enumerate().take(width) {
            let bad = cell_messages.contains_key(&(r, c));
            let text = fit_cell(&cell.text);
            if bad {
                ws.write_string_with_format(row_num(r), col_num(c), text, &bad_fmt)?;
            } else if !text.is_empty() {
                ws.write_string_with_format(row_num(r), col_num(c), text, &text_fmt)?;
            }
        }
    }
    for ((r, c), msgs) in &cell_messages {
        let note = Note::new(joined_messages(msgs)).add_author_prefix(false).set_width(240).set_height(100);
        ws.insert_note(row_num(*r), col_num(*c), &note)?;
    }
    for (r, msgs) in &row_messages {
        let text = joined_messages(msgs);
        if *r == header_row {
            let note = Note::new(text).add_author_prefix(false).set_width(300).set_height(120);
            ws.insert_note(row_num(*r), col_num(error_col), &note)?;
        } else {
            ws.write_string_with_format(row_num(*r), col_num(error_col), &text, &message_fmt)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_cleaned_and_unique() {
        let mut used = HashSet::new();
        assert_eq!(sheet_name("党员/名单?", "X", &mut used), "党员_名单_");
        assert_eq!(sheet_name("党员/名单?", "X", &mut used), "党员_名单_(2)");
        assert_eq!(sheet_name("  ", "X", &mut used), "X");
        assert_eq!(sheet_name(&"长".repeat(40), "X", &mut used).chars().count(), 31);
    }

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn widths_count_cjk_double() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("公民身份号码"), 12);
        assert_eq!(display_width("ab\n公民"), 4);
    }

    #[test]
    fn csv_fields_that_would_start_a_formula_are_written_as_text() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://x\",\"y\")".to_string(),
            "+1".into(),
            "-2+3".into(),
            "@SUM(A1)".into(),
            "\t=1".into(),
            "\r=1".into(),
            "张三".into(),
            "a=b".into(),
        ]];
        let out = String::from_utf8(write_csv(&["a"], &rows)).unwrap();
        let line = out.lines().nth(1).unwrap();
        let expected = "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+1,'-2+3,'@SUM(A1),'\t=1,\"'\r=1\",张三,a=b";
        assert_eq!(line, expected);
        // Read back, the values are what was written.
        let table = crate::sheet::read_table(
            &write_csv(&["姓名", "公民身份号码"], &[vec!["=1+1".into(), "-5".into()]]),
            &crate::roster::is_member_header,
        )
        .unwrap();
        assert_eq!(table.rows[0].cells[0].text, "=1+1");
        assert_eq!(table.rows[0].cells[1].text, "-5");
    }

    #[test]
    fn xlsx_stores_formula_like_values_as_text() {
        let rows = vec![vec!["=1+1".to_string(), "@SUM(A1)".to_string()]];
        let bytes = write_xlsx(&[SheetSpec {
            name: "名单",
            title: None,
            headers: &["姓名", "公民身份号码"],
            rows: &rows,
            text_columns: &[],
        }])
        .unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let mut sheet = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut sheet).unwrap();
        assert!(!sheet.contains("<f>"), "no formula cell: {sheet}");
        let table = crate::sheet::read_table(&bytes, &crate::roster::is_member_header).unwrap();
        assert_eq!(table.rows[0].cells[0].text, "=1+1");
        assert_eq!(table.rows[0].cells[1].text, "@SUM(A1)");
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        let out = write_csv(&["a", "b"], &[vec!["x,y".into(), "say \"hi\"".into()], vec!["1".into()]]);
        assert_eq!(out, b"\xEF\xBB\xBFa,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n1\r\n".to_vec());
    }
}
