//! Reading an uploaded roster file into a [`Table`] of normalized strings.
//!
//! The format comes from the bytes, never from the file name: a ZIP archive is read as xlsx, an
//! OLE compound file as xls, anything else as CSV text (UTF-8, UTF-16 with a byte-order mark, or
//! GB18030/GBK as Excel saves it on Chinese Windows). Of a workbook only the first visible
//! worksheet is read. The header row is found among the first 20 rows by asking the caller which
//! texts are known column names; title rows above it are skipped.
//!
//! Cells become text the way a person reads them in Excel (see [`Cell`]); where the file itself
//! has already lost information — an 18-digit ID number stored as a number, an Excel error
//! value — the cell carries a Chinese note in [`Cell::problem`] for the caller to show.
//!
//! Memory is bounded by [`MAX_UPLOAD_BYTES`], by a cap on the number of cells, by a cap on one
//! cell's length ([`MAX_CELL_CHARS`], a per-cell note beyond it) and by a budget for all the text
//! decoded from a sheet ([`MAX_DECODED_BYTES`]): a shared string is counted once for every cell
//! that refers to it, so a small workbook whose one long string is referenced by thousands of
//! cells is refused instead of being copied into gigabytes. The parsers of the third-party crates
//! run under `catch_unwind`, so arbitrary bytes give an error, never a panic. xls and xlsx files are checked by [`crate::xls_guard`] and [`crate::xlsx_guard`] before
//! calamine parses them, because some crafted files make it allocate without bound, which aborts
//! the process.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, DataRef, ExcelDateTime, Reader, Sheet, SheetType, SheetVisible, Xls, XlsError, Xlsx, XlsxError};
use serde::Serialize;
use thiserror::Error;

use crate::xls_guard::{self, Verdict};
use crate::xlsx_guard;

/// The largest upload read, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// The header row must be among this many first rows of the sheet.
pub const HEADER_SEARCH_ROWS: u32 = 20;

/// The most non-empty cells read from one sheet.
const MAX_CELLS: usize = 1_000_000;

/// The most cells of a [`Table`] after padding every row to the header's width.
const MAX_TABLE_CELLS: usize = 5_000_000;

/// The most columns a header row may span.
const MAX_COLUMNS: u32 = 1_000;

/// The longest cell kept, in characters. No roster field comes near it; a longer cell becomes
/// empty text with a note naming its length, so one crafted cell cannot fill the memory.
pub const MAX_CELL_CHARS: usize = 5_000;

/// The most bytes of text (cell texts and notes, UTF-8) read from one sheet. A shared string
/// counts once for every cell that refers to it. A 50,000-row roster holds about 10 MB.
pub const MAX_DECODED_BYTES: usize = 64 * 1024 * 1024;

/// The note on a number that Excel has cut to 15 significant digits.
pub const PRECISION_LOST: &str =
    "该单元格被 Excel 存成了数字，超过 15 位的数字已丢失精度；请把这一列设为“文本”格式后重新输入";

/// A sheet read into strings: the header row and the non-empty rows below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// The worksheet's name; empty for a CSV file.
    pub sheet_name: String,
    /// The 1-based sheet row number of the header row.
    pub header_row: usize,
    /// The header texts, trimmed; `""` for a blank header cell between named ones. The table is
    /// as wide as the header row up to its last named cell, starting at column A.
    pub headers: Vec<String>,
    /// The rows below the header that have any content within the header's width, in order.
    pub rows: Vec<TableRow>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRow {
    /// The 1-based row number as Excel shows it (for CSV: the line as Excel would number it).
    pub number: usize,
    /// Exactly `headers.len()` cells; index `i` is column `i` of the sheet (A = 0).
    pub cells: Vec<Cell>,
}

/// One cell as text.
///
/// - Text is trimmed (whitespace including the full-width space U+3000, and zero-width
///   characters).
/// - Numbers: integers without a fraction (`13800138000`, not `13800138000.0`), other numbers
///   rounded to Excel's 15 significant digits and printed shortest (`0.3`).
/// - Booleans: `是` / `否`. Dates (cells Excel formats as dates): `YYYY-MM-DD`; a time of day
///   alone: `HH:MM` or `HH:MM:SS`. Plain numbers are never turned into dates here (an Excel
///   serial date in an unformatted cell stays a number; see `domain::dates::parse_excel_serial`).
/// - An Excel error value (`#N/A`, `#REF!` …) gives empty text and a [`Cell::problem`].
/// - A number of 16 or more digits (or scientific notation such as `1.10105E+17` in text) keeps
///   its text but carries [`PRECISION_LOST`] as its problem: Excel has already dropped the digits
///   after the 15th, so an ID number in such a cell cannot be trusted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub text: String,
    /// A Chinese note when the raw cell lost information; the caller decides whether it is an
    /// error for its column.
    pub problem: Option<String>,
}

impl Cell {
    fn text(text: String) -> Cell {
        Cell { text, problem: None }
    }

    /// No text and no problem.
    pub fn is_blank(&self) -> bool {
        self.text.is_empty() && self.problem.is_none()
    }
}

/// Why a file could not be read as a table. `Display` is the Chinese message for the user.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReadError {
    #[error("文件超过 20 MB 的上限（当前 {:.1} MB），请拆分后分批导入", *.bytes as f64 / 1_048_576.0)]
    TooLarge { bytes: usize },
    #[error("文件是空的，没有任何内容，请检查是否选错了文件")]
    Empty,
    #[error("无法识别的文件格式：请上传 .xlsx、.xls 或 .csv 文件（若是从其他格式改名为 .xlsx，请用 Excel 另存为）")]
    UnknownFormat,
    /// The message says what is wrong with the file and what to do.
    #[error("{0}")]
    Corrupt(String),
    #[error(
        "在前 20 行中找不到表头行（应包含“姓名”“公民身份号码”等列名），请使用系统提供的导入模板，或检查表头是否填写正确"
    )]
    NoHeaderRow,
    #[error("表头下面没有数据行，请在表头下方逐行填写数据后重新上传")]
    NoDataRows,
    #[error("无法识别文件的文字编码，请用 Excel 打开后另存为 .xlsx，或另存为“CSV UTF-8（逗号分隔）”格式后重新上传")]
    Encoding,
}

fn damaged() -> ReadError {
    ReadError::Corrupt("文件已损坏，无法读取：请用 Excel 或 WPS 打开确认文件完好，另存为 .xlsx 后重新上传".to_string())
}

fn too_much_text() -> ReadError {
    ReadError::Corrupt(format!(
        "表格中的文字内容过多（解码后超过 {} MB），请删除多余的内容，或拆分成多个文件后分批导入",
        MAX_DECODED_BYTES / 1024 / 1024
    ))
}

fn too_many_cells() -> ReadError {
    ReadError::Corrupt(format!("表格中的数据过多（超过 {MAX_CELLS} 个单元格），请拆分成多个文件后分批导入"))
}

/// Reads the first worksheet of an xlsx or xls file, or a CSV file, into a [`Table`].
///
/// `known_headers` is called with trimmed cell texts of the first 20 rows; the header row is the
/// first of them with at least two cells it accepts (for the member roster:
/// [`crate::roster::is_member_header`]).
pub fn read_table(bytes: &[u8], known_headers: &dyn Fn(&str) -> bool) -> Result<Table, ReadError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ReadError::TooLarge { bytes: bytes.len() });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Empty);
    }
    let (sheet_name, grid) = if bytes.starts_with(b"PK\x03\x04") {
        guarded(|| read_xlsx(bytes))?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        guarded(|| read_xls(bytes))?
    } else {
        guarded(|| read_csv(bytes, known_headers))?
    };
    build_table(sheet_name, grid, known_headers)
}

/// Runs a parser, turning a panic inside a third-party crate into a "damaged file" error.
fn guarded<T>(f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(damaged()))
}

// ---------------------------------------------------------------------------------------------
// The sparse grid every format is read into
// ---------------------------------------------------------------------------------------------

/// The non-blank cells of one sheet by 0-based (row, column).
#[derive(Debug, Default)]
struct Grid {
    rows: BTreeMap<u32, BTreeMap<u32, Cell>>,
    count: usize,
    /// Bytes of text held (cell texts and notes), against [`MAX_DECODED_BYTES`].
    bytes: usize,
}

impl Grid {
    fn insert(&mut self, row: u32, col: u32, cell: Cell) -> Result<(), ReadError> {
        if cell.is_blank() {
            return Ok(());
        }
        if self.count >= MAX_CELLS {
            return Err(too_many_cells());
        }
        let bytes = cell.text.len() + cell.problem.as_ref().map_or(0, String::len);
        self.bytes = self.bytes.saturating_add(bytes);
        if self.bytes > MAX_DECODED_BYTES {
            return Err(too_much_text());
        }
        if let Some(old) = self.rows.entry(row).or_default().insert(col, cell) {
            // The same position twice (a crafted sheet): the new cell replaces the old one.
            self.bytes -= old.text.len() + old.problem.as_ref().map_or(0, String::len);
        } else {
            self.count += 1;
        }
        Ok(())
    }

    /// The header row: among the first [`HEADER_SEARCH_ROWS`] rows, the one with the most known
    /// headers, at least two; the first of them on a tie. (So a title row such as
    /// `填报单位 … 联系电话 …` above the real header is not taken for it.)
    fn header_row(&self, known_headers: &dyn Fn(&str) -> bool) -> Option<u32> {
        let mut best: Option<(u32, usize)> = None;
        for (row, cells) in self.rows.range(..HEADER_SEARCH_ROWS) {
            let known = cells.values().filter(|c| !c.text.is_empty() && known_headers(&c.text)).count();
            if known >= 2 && best.is_none_or(|(_, most)| known > most) {
                best = Some((*row, known));
            }
        }
        best.map(|(row, _)| row)
    }
}

fn build_table(sheet_name: String, grid: Grid, known_headers: &dyn Fn(&str) -> bool) -> Result<Table, ReadError> {
    if grid.rows.is_empty() {
        return Err(ReadError::Empty);
    }
    let header_row = grid.header_row(known_headers).ok_or(ReadError::NoHeaderRow)?;
    let mut grid_rows = grid.rows;
    let body = grid_rows.split_off(&header_row.saturating_add(1));
    let header_cells = grid_rows.get(&header_row).ok_or(ReadError::NoHeaderRow)?;
    let width = header_cells.iter().filter(|(_, c)| !c.text.is_empty()).map(|(col, _)| *col).max().map_or(0, |c| c + 1);
    if width > MAX_COLUMNS {
        return Err(ReadError::Corrupt(format!(
            "表头行在第 {width} 列还有内容，超出了 {MAX_COLUMNS} 列的上限，请删除表头右侧多余的内容后重新上传"
        )));
    }
    let width = width as usize;
    let mut headers = vec![String::new(); width];
    for (col, cell) in header_cells {
        if let Some(h) = headers.get_mut(*col as usize) {
            h.clone_from(&cell.text);
        }
    }

    let mut rows = Vec::new();
    let mut total = 0usize;
    // The cells move from the grid into the table, so the text is held once.
    for (row, cells) in body {
        if !cells.iter().any(|(col, c)| (*col as usize) < width && !c.is_blank()) {
            continue;
        }
        total = total.saturating_add(width);
        if total > MAX_TABLE_CELLS {
            return Err(too_many_cells());
        }
        let mut padded = vec![Cell::default(); width];
        for (col, cell) in cells {
            if let Some(slot) = padded.get_mut(col as usize) {
                *slot = cell;
            }
        }
        rows.push(TableRow { number: row as usize + 1, cells: padded });
    }
    if rows.is_empty() {
        return Err(ReadError::NoDataRows);
    }
    Ok(Table { sheet_name, header_row: header_row as usize + 1, headers, rows })
}

// ---------------------------------------------------------------------------------------------
// Cell normalization
// ---------------------------------------------------------------------------------------------

/// Whitespace (Unicode, so also U+3000 and U+00A0) and zero-width characters.
fn is_trimmed(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}')
}

/// Text as [`read_table`] keeps it: without leading and trailing whitespace and zero-width
/// characters.
pub fn clean_text(s: &str) -> &str {
    s.trim_matches(is_trimmed)
}

/// Scientific notation of a number of 16 or more digits, as Excel shows a long number in a
/// "General" cell (`1.10105E+17`).
fn is_long_scientific(s: &str) -> bool {
    let Some((mantissa, exponent)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let mantissa = mantissa.strip_prefix(['+', '-']).unwrap_or(mantissa);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || exponent.is_empty() || !digits(exponent) {
        return false;
    }
    s.parse::<f64>().is_ok_and(|v| v.abs() >= 1e15)
}

/// The note on a cell longer than [`MAX_CELL_CHARS`].
fn too_long() -> Cell {
    Cell {
        text: String::new(),
        problem: Some(format!("单元格内容过长（超过 {MAX_CELL_CHARS} 个字符），请删减该单元格的内容后重新上传")),
    }
}

/// Whether `s` is longer than [`MAX_CELL_CHARS`] characters, decided without copying it and
/// without counting more than four times the cap in bytes (a long shared string may be
/// referenced by a million cells).
fn over_cap(s: &str) -> bool {
    match s.len() {
        n if n <= MAX_CELL_CHARS => false,   // at most one character per byte
        n if n > 4 * MAX_CELL_CHARS => true, // at most four bytes per character
        _ => s.chars().count() > MAX_CELL_CHARS,
    }
}

fn text_cell(s: &str) -> Cell {
    if over_cap(s) {
        return too_long();
    }
    let text = clean_text(s);
    let problem = is_long_scientific(text).then(|| PRECISION_LOST.to_string());
    Cell { text: text.to_string(), problem }
}

fn int_cell(i: i64) -> Cell {
    let problem = (i.unsigned_abs() >= 1_000_000_000_000_000).then(|| PRECISION_LOST.to_string());
    Cell { text: i.to_string(), problem }
}

fn float_cell(f: f64) -> Cell {
    if !f.is_finite() {
        return Cell::text(f.to_string());
    }
    if f == 0.0 {
        return Cell::text("0".to_string());
    }
    let problem = (f.abs() >= 1e15).then(|| PRECISION_LOST.to_string());
    let text = if f.fract() == 0.0 {
        // `Display` prints whole floats without a fraction or exponent.
        f.to_string()
    } else {
        // Excel shows at most 15 significant digits: 0.1 + 0.2 is 0.3 there.
        format!("{f:.14e}").parse::<f64>().unwrap_or(f).to_string()
    };
    Cell { text, problem }
}

fn datetime_cell(dt: &ExcelDateTime) -> Cell {
    let value = dt.as_f64();
    if dt.is_duration() {
        return float_cell(value);
    }
    let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
    if (0.0..1.0).contains(&value) {
        return Cell::text(if ss == 0 { format!("{hh:02}:{mm:02}") } else { format!("{hh:02}:{mm:02}:{ss:02}") });
    }
    Cell::text(format!("{y:04}-{m:02}-{d:02}"))
}

fn iso_cell(s: &str) -> Cell {
    if over_cap(s) {
        return too_long();
    }
    let s = clean_text(s);
    let date = s.get(..10).filter(|d| {
        let b = d.as_bytes();
        b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    });
    Cell::text(date.unwrap_or(s).to_string())
}

fn error_cell(e: &dyn std::fmt::Display) -> Cell {
    Cell {
        text: String::new(),
        problem: Some(format!(
            "单元格包含 Excel 错误值 {e}，请在 Excel 中改正该单元格（修正公式，或直接填写内容）后重新上传"
        )),
    }
}

fn bool_cell(b: bool) -> Cell {
    Cell::text(if b { "是" } else { "否" }.to_string())
}

fn data_cell(d: &Data) -> Cell {
    match d {
        Data::Int(i) => int_cell(*i),
        Data::Float(f) => float_cell(*f),
        Data::String(s) => text_cell(s),
        Data::Bool(b) => bool_cell(*b),
        Data::DateTime(dt) => datetime_cell(dt),
        Data::DateTimeIso(s) => iso_cell(s),
        Data::DurationIso(s) => text_cell(s),
        Data::Error(e) => error_cell(e),
        Data::Empty => Cell::default(),
    }
}

fn data_ref_cell(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Int(i) => int_cell(*i),
        DataRef::Float(f) => float_cell(*f),
        DataRef::String(s) => text_cell(s),
        DataRef::SharedString(s) => text_cell(s),
        DataRef::Bool(b) => bool_cell(*b),
        DataRef::DateTime(dt) => datetime_cell(dt),
        DataRef::DateTimeIso(s) => iso_cell(s),
        DataRef::DurationIso(s) => text_cell(s),
        DataRef::Error(e) => error_cell(e),
        DataRef::Empty => Cell::default(),
    }
}

// ---------------------------------------------------------------------------------------------
// xlsx and xls
// ---------------------------------------------------------------------------------------------

/// The first visible worksheet, else the first worksheet.
fn first_worksheet(sheets: &[Sheet]) -> Result<String, ReadError> {
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
        .map(|s| s.name.clone())
        .ok_or_else(|| ReadError::Corrupt("文件中没有工作表，请检查是否选错了文件".to_string()))
}

fn read_xlsx(bytes: &[u8]) -> Result<(String, Grid), ReadError> {
    match xlsx_guard::check(bytes) {
        xlsx_guard::Verdict::Ok => {}
        xlsx_guard::Verdict::TooLarge => {
            return Err(ReadError::Corrupt(
                "文件解压后的内容过大，请删除多余的工作表、图片和空白行列，另存为 .xlsx 后重新上传".to_string(),
            ));
        }
        xlsx_guard::Verdict::TooManyStrings => return Err(too_many_cells()),
        xlsx_guard::Verdict::TooMuchText => return Err(too_much_text()),
    }
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        // A ZIP archive without a workbook inside: a .docx, an .ods or another archive renamed.
        XlsxError::FileNotFound(_) | XlsxError::RelationshipNotFound | XlsxError::WorksheetNotFound(_) => {
            ReadError::UnknownFormat
        }
        XlsxError::Password => {
            ReadError::Corrupt("文件设置了打开密码，无法读取：请在 Excel 中取消密码后另存为 .xlsx 再上传".to_string())
        }
        _ => damaged(),
    })?;
    let name = first_worksheet(workbook.sheets_metadata())?;
    let mut grid = Grid::default();
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(|_| damaged())?;
    while let Some(cell) = cells.next_cell().map_err(|_| damaged())? {
        let (row, col) = cell.get_position();
        grid.insert(row, col, data_ref_cell(cell.get_value()))?;
    }
    Ok((name, grid))
}

fn read_xls(bytes: &[u8]) -> Result<(String, Grid), ReadError> {
    match xls_guard::check(bytes) {
        Verdict::Ok => {}
        Verdict::Encrypted => {
            return Err(ReadError::Corrupt(
                "文件设置了打开密码，无法读取：请在 Excel 中取消密码后另存为 .xlsx 再上传".to_string(),
            ));
        }
        // An OLE file without a workbook: a .doc or .ppt renamed.
        Verdict::NotWorkbook => return Err(ReadError::UnknownFormat),
        Verdict::Malformed => return Err(damaged()),
        Verdict::RangeTooLarge => {
            return Err(ReadError::Corrupt(
                "工作表的使用区域过大（有内容的单元格分布超过 400 万格），请删除数据区以外多余的行和列，或另存为 .xlsx 后重新上传"
                    .to_string(),
            ));
        }
        Verdict::TooMuchText => return Err(too_much_text()),
    }
    let mut workbook = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        XlsError::Password => {
            ReadError::Corrupt("文件设置了密码，无法读取：请在 Excel 中取消密码后另存为 .xlsx 再上传".to_string())
        }
        _ => damaged(),
    })?;
    let name = first_worksheet(workbook.sheets_metadata())?;
    let range = workbook.worksheet_range(&name).map_err(|_| damaged())?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut grid = Grid::default();
    for (r, c, value) in range.used_cells() {
        let row = u32::try_from(r).ok().and_then(|r| row0.checked_add(r));
        let col = u32::try_from(c).ok().and_then(|c| col0.checked_add(c));
        if let (Some(row), Some(col)) = (row, col) {
            grid.insert(row, col, data_cell(value))?;
        }
    }
    Ok((name, grid))
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/// Signatures of common files that are not spreadsheets (and would otherwise be read as text).
const OTHER_FORMATS: &[&[u8]] = &[
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xFF\xD8\xFF",
    b"Rar!",
    b"7z\xBC\xAF",
    b"\x1F\x8B",
    b"BM",
    b"{\\rtf",
    b"PK\x05\x06",
    b"PK\x07\x08",
    b"\x7FELF",
    b"MZ",
];

/// Control characters other than tab, line breaks, form feed and the DOS end-of-file mark.
fn is_binary_char(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}' | '\u{1a}') && (c as u32) < 0x80 || c == '\u{0}'
}

/// Decodes text as Excel and WPS save it. Rejects binary data.
fn decode_text(bytes: &[u8]) -> Result<String, ReadError> {
    if OTHER_FORMATS.iter().any(|sig| bytes.starts_with(sig)) {
        return Err(ReadError::UnknownFormat);
    }
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        std::str::from_utf8(rest).map_err(|_| ReadError::Encoding)?.to_string()
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        // "Unicode text" as Excel saves it.
        encoding_rs::UTF_16LE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or(ReadError::Encoding)?
            .into_owned()
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        encoding_rs::UTF_16BE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or(ReadError::Encoding)?
            .into_owned()
    } else {
        if bytes.contains(&0) {
            return Err(ReadError::UnknownFormat);
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => {
                if binary_share_too_high(bytes.iter().map(|b| char::from(*b))) {
                    return Err(ReadError::UnknownFormat);
                }
                encoding_rs::GB18030
                    .decode_without_bom_handling_and_without_replacement(bytes)
                    .ok_or(ReadError::Encoding)?
                    .into_owned()
            }
        }
    };
    if binary_share_too_high(text.chars()) || is_markup(&text) {
        return Err(ReadError::UnknownFormat);
    }
    Ok(text)
}

/// HTML or XML (an "xls" exported by a web system as an HTML table, Excel 2003 XML) or a
/// single-file web page: not CSV, and Excel can save it as xlsx.
fn is_markup(text: &str) -> bool {
    let start = clean_text(text);
    start.starts_with('<') || start.get(..13).is_some_and(|s| s.eq_ignore_ascii_case("MIME-Version:"))
}

/// Whether text has a NUL, or more than a few control characters (1 in 100).
fn binary_share_too_high(chars: impl Iterator<Item = char>) -> bool {
    let (mut total, mut binary) = (0usize, 0usize);
    for c in chars {
        if c == '\0' {
            return true;
        }
        total += 1;
        binary += usize::from(is_binary_char(c));
    }
    binary > 8.max(total / 100)
}

/// Parses CSV text as Excel does, passing each field with its 0-based row and column. Excel's
/// rules: a field is quoted only if it starts with `"`; inside quotes `""` is a quote and line
/// breaks belong to the field; `\r\n`, `\n` and `\r` end a row; a blank line is an empty row.
/// Stops after `max_rows` rows.
fn parse_csv(
    text: &str,
    delimiter: char,
    max_rows: u32,
    mut field: impl FnMut(u32, u32, &str) -> Result<(), ReadError>,
) -> Result<(), ReadError> {
    let (mut row, mut col) = (0u32, 0u32);
    let mut buf = String::new();
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    buf.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                buf.push(c);
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                in_quotes = true;
                at_field_start = false;
            }
            c if c == delimiter => {
                field(row, col, &buf)?;
                buf.clear();
                col = col.saturating_add(1);
                at_field_start = true;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                field(row, col, &buf)?;
                buf.clear();
                row = row.saturating_add(1);
                col = 0;
                at_field_start = true;
                if row >= max_rows {
                    return Ok(());
                }
            }
            c => {
                buf.push(c);
                at_field_start = false;
            }
        }
    }
    if !buf.is_empty() || col > 0 {
        field(row, col, &buf)?;
    }
    Ok(())
}

fn csv_grid(text: &str, delimiter: char, max_rows: u32) -> Result<Grid, ReadError> {
    let mut grid = Grid::default();
    parse_csv(text, delimiter, max_rows, |row, col, s| grid.insert(row, col, text_cell(without_formula_guard(s))))?;
    Ok(grid)
}

/// A CSV field without the apostrophe that [`crate::write::csv_safe`] puts before a value that
/// would start a formula, so our own CSV files import back unchanged.
fn without_formula_guard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::write::FORMULA_STARTS) || rest.starts_with('\'') => rest,
        _ => s,
    }
}

fn read_csv(bytes: &[u8], known_headers: &dyn Fn(&str) -> bool) -> Result<(String, Grid), ReadError> {
    let text = decode_text(bytes)?;
    if clean_text(&text).is_empty() {
        return Err(ReadError::Empty);
    }
    // The delimiter is the one with which the header row is found (comma, then tab, then
    // semicolon); if none finds it, the comma, and reading ends with NoHeaderRow.
    let mut delimiter = ',';
    for candidate in [',', '\t', ';'] {
        if csv_grid(&text, candidate, HEADER_SEARCH_ROWS)?.header_row(known_headers).is_some() {
            delimiter = candidate;
            break;
        }
    }
    Ok((String::new(), csv_grid(&text, delimiter, u32::MAX)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str, d: char) -> Vec<(u32, u32, String)> {
        let mut out = Vec::new();
        parse_csv(text, d, u32::MAX, |r, c, s| {
            out.push((r, c, s.to_string()));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn csv_follows_excel_quoting_and_row_numbers() {
        let got = rows("a,\"b,\"\"c\"\"\nd\"\r\n\r\ne\"f\",g\rh", ',');
        assert_eq!(
            got,
            vec![
                (0, 0, "a".into()),
                (0, 1, "b,\"c\"\nd".into()),
                (1, 0, "".into()),
                (2, 0, "e\"f\"".into()),
                (2, 1, "g".into()),
                (3, 0, "h".into()),
            ]
        );
    }

    #[test]
    fn numbers_print_as_excel_shows_them() {
        assert_eq!(float_cell(13800138000.0).text, "13800138000");
        assert_eq!(float_cell(0.1 + 0.2).text, "0.3");
        assert_eq!(float_cell(-2.5).text, "-2.5");
        assert_eq!(float_cell(-0.0).text, "0");
        let id = float_cell(110105199001011234.0);
        assert_eq!(id.text, "110105199001011230");
        assert_eq!(id.problem.as_deref(), Some(PRECISION_LOST));
        assert_eq!(float_cell(999_999_999_999_999.0).problem, None);
        assert_eq!(int_cell(1_100_000_000_000_000).problem.as_deref(), Some(PRECISION_LOST));
        assert_eq!(int_cell(42).text, "42");
    }

    #[test]
    fn scientific_text_is_flagged() {
        assert!(is_long_scientific("1.10105E+17"));
        assert!(is_long_scientific("1.10105e17"));
        assert!(!is_long_scientific("1.5E+3"));
        assert!(!is_long_scientific("E+17"));
        assert!(!is_long_scientific("1.2.3E+17"));
        assert!(!is_long_scientific("张三"));
        assert_eq!(text_cell("\u{3000} 1.10105E+17 ").problem.as_deref(), Some(PRECISION_LOST));
    }

    #[test]
    fn iso_dates_keep_the_date_part() {
        assert_eq!(iso_cell("2020-01-05T10:00:00").text, "2020-01-05");
        assert_eq!(iso_cell("10:00:00").text, "10:00:00");
    }

    #[test]
    fn trimming_includes_full_width_and_zero_width_spaces() {
        assert_eq!(clean_text("\u{3000}\u{feff} 张三\u{200b}\t"), "张三");
    }
}
