//! Properties: reading never panics on any bytes; any text survives our writers and the reader.

mod common;

use proptest::prelude::*;
use reports::roster::MemberColumn;
use reports::sheet::clean_text;
use reports::{SheetSpec, is_member_header, read_table, write_csv, write_xlsx};

const HEADERS: [&str; 3] = ["姓名", "公民身份号码", "备注"];

/// Rows as the reader gives them back: cells trimmed, rows that are blank after trimming dropped.
fn expected(rows: &[Vec<String>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|s| clean_text(s).to_string()).collect::<Vec<_>>())
        .filter(|r| r.iter().any(|s| !s.is_empty()))
        .collect()
}

fn read_back(bytes: &[u8]) -> Vec<Vec<String>> {
    match read_table(bytes, &is_member_header) {
        Ok(t) => {
            assert_eq!(t.headers, HEADERS);
            t.rows.iter().map(|r| r.cells.iter().map(|c| c.text.clone()).collect()).collect()
        }
        Err(reports::ReadError::NoDataRows) => Vec::new(),
        Err(e) => panic!("{e:?}"),
    }
}

/// Cell text: any characters, with whitespace, quotes, separators and line breaks made likely.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \u{3000}\t\r\n,;\"'=+\\-_x0-9A-F张三党支部]{0,12}",
        "[0-9]{15,18}",
        Just("_x0041_".to_string()),
        Just("1.10105E+17".to_string()),
    ]
}

fn rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(cell_text(), 3), 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn reading_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = read_table(&bytes, &is_member_header);
    }

    #[test]
    fn reading_zip_like_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend_from_slice(&bytes);
        let _ = read_table(&zip, &is_member_header);
    }

    #[test]
    fn reading_ole_like_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        ole.extend_from_slice(&bytes);
        let _ = read_table(&ole, &is_member_header);
        let mut short = b"\xD0\xCF\x11\xE0".to_vec();
        short.extend_from_slice(&bytes);
        let _ = read_table(&short, &is_member_header);
    }

    #[test]
    fn reading_mutated_workbooks_never_panics(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        xlsx in any::<bool>(),
    ) {
        let mut bytes = if xlsx {
            let rows = vec![vec!["张三".to_string(), "11010519850312123X".to_string(), String::new()]];
            write_xlsx(&[SheetSpec { name: "S", title: None, headers: &HEADERS, rows: &rows, text_columns: &[] }]).unwrap()
        } else {
            common::xls("S", &[(0, 0, common::XlsValue::Text("姓名")), (0, 1, common::XlsValue::Text("身份证号")), (1, 0, common::XlsValue::Number(1.0))])
        };
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let _ = read_table(&bytes, &is_member_header);
    }

    #[test]
    fn any_text_survives_xlsx(rows in rows(), text_columns in prop::collection::vec(0usize..3, 0..3)) {
        let bytes = write_xlsx(&[SheetSpec { name: "名单", title: None, headers: &HEADERS, rows: &rows, text_columns: &text_columns }]).unwrap();
        prop_assert_eq!(read_back(&bytes), expected(&rows));
    }

    #[test]
    fn any_text_survives_csv(rows in rows()) {
        let bytes = write_csv(&HEADERS, &rows);
        prop_assert_eq!(read_back(&bytes), expected(&rows));
    }

    #[test]
    fn parse_header_never_panics(text in any::<String>()) {
        let _ = MemberColumn::parse_header(&text);
        let _ = is_member_header(&text);
    }
}
