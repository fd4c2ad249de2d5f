//! Reading roster files: round trips through our writers, the 附件4 shape, encodings, header
//! synonyms, and every distinct error.

mod common;

use calamine::Reader;
use common::{handmade_xlsx, noise, strings, zip_stored};
use reports::roster::{MemberColumn, TEMPLATE_COLUMNS, map_member_columns, template_example};
use reports::sheet::PRECISION_LOST;
use reports::write::ERROR_COLUMN_HEADER;
use reports::{
    CellError, ReadError, SheetSpec, Table, error_report_xlsx, is_member_header, member_template_xlsx, read_table,
    write_csv, write_xlsx,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn texts(table: &Table) -> Vec<Vec<String>> {
    table.rows.iter().map(|r| r.cells.iter().map(|c| c.text.clone()).collect()).collect()
}

fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    read_table(bytes, &is_member_header)
}

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

#[test]
fn the_member_template_reads_back_with_every_column_and_the_example_row() {
    let bytes = member_template_xlsx().unwrap();
    let table = read(&bytes).unwrap();
    assert_eq!(table.sheet_name, "党员信息");
    assert_eq!(table.header_row, 1);
    let map = map_member_columns(&table.headers);
    let columns: Vec<MemberColumn> = map.columns.iter().map(|(c, _)| *c).collect();
    assert_eq!(columns, TEMPLATE_COLUMNS);
    assert!(map.unknown.is_empty() && map.duplicates.is_empty(), "{map:?}");
    assert!(table.headers[0].ends_with('*'), "required columns are marked: {:?}", table.headers);

    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].number, 2);
    let example: Vec<String> = template_example().into_iter().map(|(_, v)| v).collect();
    assert_eq!(texts(&table)[0], example);
    assert!(table.rows[0].cells.iter().all(|c| c.problem.is_none()));

    let workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(workbook.sheet_names(), ["党员信息", "填写说明", "代码表"]);
}

#[test]
fn the_template_explains_dates_and_org_paths() {
    let bytes = member_template_xlsx().unwrap();
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let help = workbook.worksheet_range("填写说明").unwrap();
    let all: String = help.used_cells().map(|(_, _, v)| v.to_string()).collect::<Vec<_>>().join("\n");
    for needle in
        ["2020-01-05", "2020/1/5", "2020.1.5", "2020年1月5日", "20200105", "教育局党委/第一中学党总支/高一年级党支部"]
    {
        assert!(all.contains(needle), "填写说明 mentions {needle}");
    }
    for c in TEMPLATE_COLUMNS {
        assert!(all.contains(c.header()), "填写说明 explains {}", c.header());
    }
    let codes = workbook.worksheet_range("代码表").unwrap();
    let codes: Vec<String> = codes.used_cells().map(|(_, _, v)| v.to_string()).collect();
    for needle in ["汉族", "基诺族", "大学", "正式党员", "预备党员", "男", "女"] {
        assert!(codes.iter().any(|c| c == needle), "代码表 lists {needle}");
    }
}

#[test]
fn xlsx_keeps_id_number_text_and_leading_zeros() {
    let rows = vec![
        strings(&["张三", "11010519850312123X", "13800138000", "02088886666"]),
        strings(&["李四", "110105198503121234", "", "0571-8765432"]),
    ];
    let headers = ["姓名", "公民身份号码", "手机号码", "固定电话"];
    let bytes = write_xlsx(&[SheetSpec {
        name: "党员名单",
        title: Some("第一中学党支部党员名单"),
        headers: &headers,
        rows: &rows,
        text_columns: &[1, 2, 3],
    }])
    .unwrap();
    let table = read(&bytes).unwrap();
    assert_eq!(table.sheet_name, "党员名单");
    assert_eq!(table.header_row, 2);
    assert_eq!(table.headers, headers);
    assert_eq!(texts(&table), rows);
    assert_eq!(table.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [3, 4]);
    assert!(table.rows.iter().flat_map(|r| &r.cells).all(|c| c.problem.is_none()));
}

#[test]
fn several_sheets_are_written_and_the_first_is_read() {
    let rows = vec![strings(&["张三", "1"])];
    let other = vec![strings(&["x"])];
    let bytes = write_xlsx(&[
        SheetSpec { name: "名单", title: None, headers: &["姓名", "序号"], rows: &rows, text_columns: &[] },
        SheetSpec { name: "名单", title: Some("统计"), headers: &["项目"], rows: &other, text_columns: &[] },
    ])
    .unwrap();
    let workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(workbook.sheet_names(), ["名单", "名单(2)"]);
    assert_eq!(texts(&read(&bytes).unwrap()), rows);
}

#[test]
fn csv_from_write_csv_reads_back() {
    let headers = ["姓名", "身份证号", "备注"];
    let rows = vec![
        strings(&["张三", "11010519850312123X", "说\"明\"，含逗号, 和换行\n第二行"]),
        strings(&["", "", ""]),
        strings(&["李四", "110105198503121234", "  前后空格  "]),
    ];
    let bytes = write_csv(&headers, &rows);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let table = read(&bytes).unwrap();
    assert_eq!(table.sheet_name, "");
    assert_eq!(table.headers, headers);
    assert_eq!(
        texts(&table),
        vec![
            strings(&["张三", "11010519850312123X", "说\"明\"，含逗号, 和换行\n第二行"]),
            strings(&["李四", "110105198503121234", "前后空格"])
        ]
    );
    // The blank row is row 3 as Excel numbers it; the quoted line break does not add a row.
    assert_eq!(table.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [2, 4]);
}

#[test]
fn gbk_csv_reads_correctly() {
    let text = "党员信息汇总表,,\r\n姓名,身份证号,所在党支部\r\n张三,11010519850312123X,第一中学党支部\r\n王五,1.10105E+17,\r\n";
    let (encoded, _, had_errors) = encoding_rs::GBK.encode(text);
    assert!(!had_errors);
    assert!(std::str::from_utf8(&encoded).is_err(), "the test data is not UTF-8");
    let table = read(&encoded).unwrap();
    assert_eq!(table.header_row, 2);
    assert_eq!(table.headers, ["姓名", "身份证号", "所在党支部"]);
    assert_eq!(
        texts(&table),
        vec![strings(&["张三", "11010519850312123X", "第一中学党支部"]), strings(&["王五", "1.10105E+17", ""])]
    );
    assert_eq!(table.rows[1].cells[1].problem.as_deref(), Some(PRECISION_LOST));
}

#[test]
fn tab_and_semicolon_csv_are_sniffed() {
    for sep in ["\t", ";"] {
        let text = format!("姓名{sep}身份证号{sep}备注\n张三{sep}11010519850312123X{sep}a,b\n");
        let table = read(text.as_bytes()).unwrap();
        assert_eq!(table.headers, ["姓名", "身份证号", "备注"], "{sep:?}");
        assert_eq!(texts(&table), vec![strings(&["张三", "11010519850312123X", "a,b"])]);
    }
}

#[test]
fn utf16_text_as_excel_saves_unicode_text_reads() {
    let text = "姓名\t身份证号\r\n张三\t11010519850312123X\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let table = read(&bytes).unwrap();
    assert_eq!(texts(&table), vec![strings(&["张三", "11010519850312123X"])]);
}

/// A sheet shaped like the national system's 附件4: two title rows, the header on row 3, data
/// from row 4, ID numbers and phones typed into number cells, dates as date cells.
fn annex4_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("附件4").unwrap();
    let headers: Vec<&str> = reports::ANNEX4_COLUMNS.iter().map(|(_, h)| *h).collect();
    ws.merge_range(0, 0, 0, 20, "党员信息采集汇总表", &Format::new().set_bold()).unwrap();
    ws.write_string(1, 0, "填报单位（盖章）：教育局党委").unwrap();
    ws.write_string(1, 15, "填报日期：2024年1月5日").unwrap();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    // Row 4: 序号 as a number, the ID number typed into a General cell, dates as dates.
    ws.write_number(3, 0, 1).unwrap();
    ws.write_string(3, 1, " 张三\u{3000}").unwrap();
    ws.write_string(3, 2, "高一年级党支部").unwrap();
    ws.write_number(3, 3, 110105198503121234.0).unwrap();
    ws.write_string(3, 4, "男").unwrap();
    ws.write_datetime_with_format(3, 6, ExcelDateTime::from_ymd(1985, 3, 12).unwrap(), &date).unwrap();
    ws.write_datetime_with_format(3, 9, ExcelDateTime::from_ymd(2010, 7, 1).unwrap(), &date).unwrap();
    ws.write_number(3, 10, 40725).unwrap(); // 2011-07-01 as a bare serial number
    ws.write_number(3, 12, 13800138000.0).unwrap();
    ws.write_boolean(3, 16, false).unwrap();
    // Row 5 left empty; row 6: a second member.
    ws.write_number(5, 0, 2).unwrap();
    ws.write_string(5, 1, "李四").unwrap();
    ws.write_string(5, 3, "11010519850312123X").unwrap();
    ws.write_number(5, 13, 0.1 + 0.2).unwrap();
    // Beyond the header's width: ignored.
    ws.write_string(6, 30, "表外备注").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn the_annex4_shape_is_found_below_two_title_rows() {
    let table = read(&annex4_xlsx()).unwrap();
    assert_eq!(table.sheet_name, "附件4");
    assert_eq!(table.header_row, 3);
    assert_eq!(table.headers.len(), 21);
    let map = map_member_columns(&table.headers);
    let expected: Vec<(MemberColumn, usize)> =
        reports::ANNEX4_COLUMNS.iter().enumerate().map(|(i, (c, _))| (*c, i)).collect();
    assert_eq!(map.columns, expected);
    assert_eq!(table.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [4, 6]);

    let first = &table.rows[0].cells;
    assert_eq!(first.len(), 21);
    assert_eq!(first[0].text, "1");
    assert_eq!(first[1].text, "张三");
    assert_eq!(first[3].text, "110105198503121230");
    assert_eq!(first[3].problem.as_deref(), Some(PRECISION_LOST));
    assert_eq!(first[6].text, "1985-03-12");
    assert_eq!(first[9].text, "2010-07-01");
    assert_eq!(first[10].text, "40725");
    assert_eq!(first[12].text, "13800138000");
    assert!(first[12].problem.is_none());
    assert_eq!(first[16].text, "否");

    let second = &table.rows[1].cells;
    assert_eq!(second[3].text, "11010519850312123X");
    assert!(second[3].problem.is_none());
    assert_eq!(second[13].text, "0.3");
}

#[test]
fn synonyms_and_decorated_headers_map() {
    let headers =
        ["序号", " 姓 名 ", "身份证号码*", "入党时间（必填）", "转正时间(必填)", "所在支部", "联系电话", "爱好"];
    let rows =
        vec![strings(&["1", "张三", "11010519850312123X", "2010-07-01", "2011-07-01", "一支部", "13800138000", "x"])];
    let bytes =
        write_xlsx(&[SheetSpec { name: "Sheet1", title: None, headers: &headers, rows: &rows, text_columns: &[] }])
            .unwrap();
    let table = read(&bytes).unwrap();
    assert_eq!(table.headers[1], "姓 名", "header text is trimmed");
    let map = map_member_columns(&table.headers);
    assert_eq!(
        map.columns,
        vec![
            (MemberColumn::Seq, 0),
            (MemberColumn::Name, 1),
            (MemberColumn::IdNumber, 2),
            (MemberColumn::JoinedOn, 3),
            (MemberColumn::ConfirmedOn, 4),
            (MemberColumn::Org, 5),
            (MemberColumn::Phone, 6),
        ]
    );
    assert_eq!(map.unknown, vec![(7, "爱好".to_string())]);
}

#[test]
fn a_title_row_with_one_known_word_is_not_the_header() {
    let text = "姓名登记表,,\n序号,姓名,身份证号\n1,张三,11010519850312123X\n";
    let table = read(text.as_bytes()).unwrap();
    assert_eq!(table.header_row, 2);
}

#[test]
fn a_title_row_with_two_known_labels_loses_to_the_real_header() {
    let text = "党员信息汇总表,,,\n单位：,教育局,联系电话：,12345678\n序号,姓名,身份证号,联系电话\n1,张三,11010519850312123X,13800138000\n";
    let table = read(text.as_bytes()).unwrap();
    assert_eq!(table.header_row, 3);
    assert_eq!(table.headers, ["序号", "姓名", "身份证号", "联系电话"]);
    // Alone, a row with two known labels is the header.
    let table = read("单位,电话\n教育局,12345678\n".as_bytes()).unwrap();
    assert_eq!(table.header_row, 1);
}

#[test]
fn the_header_must_be_within_the_first_20_rows() {
    let mut text = "说明\n".repeat(20);
    text.push_str("姓名,身份证号\n张三,11010519850312123X\n");
    assert_eq!(read(text.as_bytes()), Err(ReadError::NoHeaderRow));
    let mut text = "说明\n".repeat(19);
    text.push_str("姓名,身份证号\n张三,11010519850312123X\n");
    assert_eq!(read(text.as_bytes()).unwrap().header_row, 20);
}

// ---------------------------------------------------------------------------------------------
// The error report
// ---------------------------------------------------------------------------------------------

#[test]
fn the_error_report_marks_cells_and_reads_back_with_its_column() {
    let table = read(&annex4_xlsx()).unwrap();
    let errors = vec![
        CellError {
            row_number: 4, column: Some(3), message: "身份证号被存成了数字，请改为文本后重新输入".into()
        },
        CellError {
            row_number: 4, column: None, message: "所在党支部“高一年级党支部”有两个，请写完整路径".into()
        },
        CellError { row_number: 6, column: Some(99), message: "列号超出也不出错".into() },
        CellError { row_number: 3, column: Some(0), message: "表头有误".into() },
    ];
    let bytes = error_report_xlsx(&table, &errors).unwrap();
    let report = read(&bytes).unwrap();
    assert_eq!(report.sheet_name, "附件4");
    assert_eq!(report.header_row, 3, "rows keep their numbers");
    assert_eq!(report.headers.len(), 22);
    assert_eq!(report.headers.last().map(String::as_str), Some(ERROR_COLUMN_HEADER));
    assert_eq!(&report.headers[..21], &table.headers[..]);
    assert_eq!(report.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [4, 6]);
    assert_eq!(
        report.rows[0].cells[21].text,
        "身份证号被存成了数字，请改为文本后重新输入；所在党支部“高一年级党支部”有两个，请写完整路径"
    );
    assert_eq!(report.rows[1].cells[21].text, "列号超出也不出错");
    for (row, original) in report.rows.iter().zip(&table.rows) {
        let cells: Vec<&str> = row.cells[..21].iter().map(|c| c.text.as_str()).collect();
        let before: Vec<&str> = original.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(cells, before, "the data is copied as text");
        assert!(row.cells.iter().all(|c| c.problem.is_none()), "numbers are now text cells");
    }
}

#[test]
fn the_error_report_of_a_csv_upload_keeps_rows_without_errors() {
    let bytes = write_csv(&["姓名", "身份证号"], &[strings(&["张三", "1"]), strings(&["李四", "2"])]);
    let table = read(&bytes).unwrap();
    let errors = vec![CellError { row_number: 2, column: Some(1), message: "身份证号应为 18 位".into() }];
    let report = read(&error_report_xlsx(&table, &errors).unwrap()).unwrap();
    assert_eq!(report.header_row, 1);
    assert_eq!(texts(&report), vec![strings(&["张三", "1", "身份证号应为 18 位"]), strings(&["李四", "2", ""])]);
}

// ---------------------------------------------------------------------------------------------
// Distinct errors
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_input_is_empty() {
    assert_eq!(read(b""), Err(ReadError::Empty));
    assert_eq!(read(b" \r\n\t "), Err(ReadError::Empty));
    assert_eq!(read(b"\xEF\xBB\xBF"), Err(ReadError::Empty));
    assert_eq!(read("\u{3000}\n".as_bytes()), Err(ReadError::Empty));
    assert_eq!(read(b",,,\r\n,,\r\n"), Err(ReadError::Empty));
}

#[test]
fn random_bytes_and_other_formats_are_unknown() {
    for seed in 0..20 {
        assert_eq!(read(&noise(2000, seed)), Err(ReadError::UnknownFormat), "seed {seed}");
    }
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
    assert_eq!(read(png), Err(ReadError::UnknownFormat));
    assert_eq!(read(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n"), Err(ReadError::UnknownFormat));
    assert_eq!(read(b"\x1F\x8B\x08\x00rest"), Err(ReadError::UnknownFormat));
    assert_eq!(read(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"), Err(ReadError::UnknownFormat));
    // Web systems often export an HTML table named .xls; Excel 2003 XML; a single-file web page.
    let html = "\u{feff}\r\n<html><body><table><tr><td>姓名</td><td>身份证号</td></tr></table></body></html>";
    assert_eq!(read(html.as_bytes()), Err(ReadError::UnknownFormat));
    assert_eq!(read(b"<?xml version=\"1.0\"?><Workbook/>"), Err(ReadError::UnknownFormat));
    assert_eq!(read(b"MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\n"), Err(ReadError::UnknownFormat));
}

#[test]
fn a_zip_that_is_not_a_workbook_is_a_clear_error() {
    let zip = zip_stored(&[("hello.txt", b"hello"), ("word/document.xml", b"<w:document/>")]);
    assert_eq!(read(&zip), Err(ReadError::UnknownFormat));

    let xlsx = member_template_xlsx().unwrap();
    for cut in [10, 100, xlsx.len() / 2, xlsx.len() - 10] {
        let err = read(&xlsx[..cut]).unwrap_err();
        assert!(matches!(err, ReadError::Corrupt(_) | ReadError::UnknownFormat), "cut {cut}: {err:?}");
        assert!(err.to_string().contains("请"), "{err}");
    }
    let mut garbled = xlsx.clone();
    for (i, b) in garbled.iter_mut().enumerate().skip(200) {
        if i % 97 == 0 {
            *b ^= 0x5A;
        }
    }
    assert!(read(&garbled).is_err());
}

#[test]
fn an_xlsx_from_another_writer_reads() {
    let bytes = handmade_xlsx(&[&["姓名", "身份证号"], &["张三", "11010519850312123X"]], "4");
    let table = read(&bytes).unwrap();
    assert_eq!(table.sheet_name, "名单");
    assert_eq!(texts(&table), vec![strings(&["张三", "11010519850312123X"])]);
}

#[test]
fn an_xlsx_declaring_absurdly_many_strings_is_refused_not_allocated() {
    // calamine would reserve 24 TB for this and abort the process.
    let bytes = handmade_xlsx(&[&["姓名", "身份证号"], &["张三", "1"]], "1000000000000");
    let err = read(&bytes).unwrap_err();
    assert!(matches!(&err, ReadError::Corrupt(m) if m.contains("拆分")), "{err:?}");
}

#[test]
fn no_recognizable_header_is_no_header_row() {
    assert_eq!(read(b"a,b,c\n1,2,3\n"), Err(ReadError::NoHeaderRow));
    let rows = vec![strings(&["1", "2"])];
    let bytes =
        write_xlsx(&[SheetSpec { name: "S", title: None, headers: &["甲", "乙"], rows: &rows, text_columns: &[] }])
            .unwrap();
    assert_eq!(read(&bytes), Err(ReadError::NoHeaderRow));
}

#[test]
fn headers_without_data_is_no_data_rows() {
    assert_eq!(read("姓名,身份证号\r\n,\r\n\r\n".as_bytes()), Err(ReadError::NoDataRows));
    let bytes = write_xlsx(&[SheetSpec {
        name: "S",
        title: Some("党员信息"),
        headers: &["姓名", "身份证号"],
        rows: &[],
        text_columns: &[],
    }])
    .unwrap();
    assert_eq!(read(&bytes), Err(ReadError::NoDataRows));
    // Content only beyond the header's width does not count.
    assert_eq!(read("姓名,身份证号\r\n,,多余\r\n".as_bytes()), Err(ReadError::NoDataRows));
}

#[test]
fn more_than_20_mb_is_too_large() {
    let bytes = vec![b'a'; reports::MAX_UPLOAD_BYTES + 1];
    let err = read(&bytes).unwrap_err();
    assert_eq!(err, ReadError::TooLarge { bytes: reports::MAX_UPLOAD_BYTES + 1 });
    assert_eq!(err.to_string(), "文件超过 20 MB 的上限（当前 20.0 MB），请拆分后分批导入");
    // Checked before anything else, even for an empty-looking file.
    assert!(matches!(read(&vec![b' '; reports::MAX_UPLOAD_BYTES + 1]), Err(ReadError::TooLarge { .. })));
}

#[test]
fn text_that_is_neither_utf8_nor_gbk_is_an_encoding_error() {
    assert_eq!(read(b"\x81\x20abc,def\n"), Err(ReadError::Encoding));
}

#[test]
fn every_error_has_its_own_chinese_message() {
    let all = [
        ReadError::TooLarge { bytes: 25 * 1024 * 1024 },
        ReadError::Empty,
        ReadError::UnknownFormat,
        ReadError::Corrupt("文件已损坏，请另存后重新上传".into()),
        ReadError::NoHeaderRow,
        ReadError::NoDataRows,
        ReadError::Encoding,
    ];
    let messages: Vec<String> = all.iter().map(ToString::to_string).collect();
    for (i, m) in messages.iter().enumerate() {
        assert!(m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{m}");
        assert!(m.contains('请'), "says what to do: {m}");
        assert!(messages.iter().skip(i + 1).all(|other| other != m));
    }
    assert!(messages[0].contains("25.0 MB"));
    assert!(messages[2].contains(".xlsx、.xls 或 .csv"));
    assert!(messages[4].starts_with("在前 20 行中找不到表头行"));
}
