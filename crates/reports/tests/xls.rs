//! .xls (Excel 97–2003) files, built in the test as OLE compound files with a BIFF8 workbook,
//! and the checks that keep crafted ones from exhausting memory.

mod common;

use common::{XlsValue as V, biff8_workbook, compound_file, dimensions, strings, xls};
use reports::sheet::PRECISION_LOST;
use reports::{ReadError, Table, is_member_header, read_table};

fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    read_table(bytes, &is_member_header)
}

fn texts(table: &Table) -> Vec<Vec<String>> {
    table.rows.iter().map(|r| r.cells.iter().map(|c| c.text.clone()).collect()).collect()
}

fn roster_cells() -> Vec<(u16, u16, V)> {
    vec![
        (0, 0, V::Text("党员信息汇总表")),
        (2, 0, V::Text("序号")),
        (2, 1, V::Text("姓名")),
        (2, 2, V::Text("公民身份证号")),
        (2, 3, V::Text("手机号")),
        (2, 4, V::Text("是否为流动党员")),
        (2, 5, V::Text("备注")),
        (3, 0, V::Number(1.0)),
        (3, 1, V::Text("张三")),
        (3, 2, V::Number(110105198503121234.0)),
        (3, 3, V::Number(13800138000.0)),
        (3, 4, V::Bool(true)),
        (3, 5, V::Error(0x2A)),
        (5, 1, V::Text("李四")),
        (5, 2, V::Text("11010519850312123X")),
    ]
}

#[test]
fn an_xls_roster_is_read() {
    let table = read(&xls("党员", &roster_cells())).unwrap();
    assert_eq!(table.sheet_name, "党员");
    assert_eq!(table.header_row, 3);
    assert_eq!(table.headers, strings(&["序号", "姓名", "公民身份证号", "手机号", "是否为流动党员", "备注"]));
    assert_eq!(table.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [4, 6]);
    assert_eq!(
        texts(&table),
        vec![
            strings(&["1", "张三", "110105198503121230", "13800138000", "是", ""]),
            strings(&["", "李四", "11010519850312123X", "", "", ""]),
        ]
    );
    let first = &table.rows[0].cells;
    assert_eq!(first[2].problem.as_deref(), Some(PRECISION_LOST));
    assert!(first[3].problem.is_none());
    let error = first[5].problem.as_deref().unwrap();
    assert!(error.starts_with("单元格包含 Excel 错误值 #N/A"), "{error}");
    assert!(table.rows[1].cells.iter().all(|c| c.problem.is_none()));
}

#[test]
fn an_ole_file_without_a_workbook_is_unknown() {
    let doc = compound_file("WordDocument", &[0u8; 100], &[]);
    assert_eq!(read(&doc), Err(ReadError::UnknownFormat));
}

#[test]
fn an_encrypted_workbook_asks_to_remove_the_password() {
    let encrypted = compound_file("EncryptedPackage", &[0u8; 100], &[]);
    let err = read(&encrypted).unwrap_err();
    assert!(matches!(&err, ReadError::Corrupt(m) if m.contains("密码")), "{err:?}");
}

#[test]
fn a_looping_sector_chain_is_refused_not_followed() {
    // The directory sector (1) points to itself: calamine would read it forever.
    let stream = biff8_workbook("S", &roster_cells(), None);
    let looped = compound_file("Workbook", &stream, &[(1, 1)]);
    assert!(matches!(read(&looped), Err(ReadError::Corrupt(_))));
    // The workbook stream's first sector points to itself.
    let looped = compound_file("Workbook", &stream, &[(2, 2)]);
    assert!(matches!(read(&looped), Err(ReadError::Corrupt(_))));
}

#[test]
fn a_huge_dimensions_record_is_refused() {
    for dims in [
        dimensions(0, u32::MAX, 0, 256), // 4 billion rows declared
        dimensions(100, 10, 0, 5),       // last row before the first: calamine's arithmetic overflows
    ] {
        let stream = biff8_workbook("S", &roster_cells(), Some(dims));
        let err = read(&compound_file("Workbook", &stream, &[])).unwrap_err();
        assert!(matches!(err, ReadError::Corrupt(_)), "{err:?}");
    }
    // A DIMENSIONS record as Excel writes it for the largest sheet is fine.
    let stream = biff8_workbook("S", &roster_cells(), Some(dimensions(0, 65_536, 0, 256)));
    assert!(read(&compound_file("Workbook", &stream, &[])).is_ok());
}

#[test]
fn values_spread_over_a_huge_rectangle_are_refused() {
    let mut cells = roster_cells();
    cells.push((65_535, 60_000, V::Text("远处的单元格")));
    let stream = biff8_workbook("S", &cells, Some(dimensions(0, 6, 0, 6)));
    let err = read(&compound_file("Workbook", &stream, &[])).unwrap_err();
    assert!(matches!(&err, ReadError::Corrupt(m) if m.contains("使用区域过大")), "{err:?}");
}

#[test]
fn a_truncated_or_garbled_xls_is_an_error_not_a_panic() {
    let bytes = xls("S", &roster_cells());
    for cut in [8, 100, 511, 512, 600, 1030, 1100] {
        assert!(read(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    for seed in 0..200u64 {
        let mut garbled = bytes.clone();
        let noise = common::noise(8, seed);
        for (k, b) in noise.iter().enumerate() {
            let at = (usize::from(*b) * 31 + k * 977 + seed as usize * 131) % garbled.len();
            garbled[at] = garbled[at].wrapping_add(noise[(k + 1) % 8] | 1);
        }
        let _ = read(&garbled);
    }
}
