//! Properties of the unit list reader ([`reports::unit_sheet::read_units`]): it never panics on
//! any bytes or any cell text; every row is either a unit or has a problem reported at its row;
//! and well-formed units written to a sheet come back as they were.

use chrono::NaiveDate;
use proptest::prelude::*;
use reports::unit_sheet::{headers, read_units};
use reports::{SheetSpec, write_xlsx};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
}

/// Cell text: anything, or what people type into a unit list.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \u{3000}\t\r\n,;、0-9\\-/学校幼儿园培训机构公办民办一二三级]{0,8}",
        Just("学校".to_string()),
        Just("民办".to_string()),
        Just("2021-06-30".to_string()),
        Just(String::new()),
    ]
}

fn rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(cell(), 9), 0..8)
}

/// A well-formed unit row (单位名称 … 备注) with its name.
fn good_row() -> impl Strategy<Value = Vec<String>> {
    ("[\u{4e00}-\u{9fa5}]{2,20}", 0..5usize, any::<bool>(), 0..4usize, proptest::option::of(0..3000u32)).prop_map(
        |(name, t, private, level, charter)| {
            let types = ["学校", "幼儿园", "培训机构", "机关事业单位", "其他"];
            let levels = ["", "一级", "二级", "三级"];
            let (on, doc) = match charter {
                Some(days) => {
                    let d = today() - chrono::Days::new(u64::from(days));
                    (d.format("%Y-%m-%d").to_string(), format!("{name}章程"))
                }
                None => (String::new(), String::new()),
            };
            vec![
                name,
                types[t].to_string(),
                if private { "民办" } else { "公办" }.to_string(),
                "县教育局".to_string(),
                levels[level].to_string(),
                String::new(),
                on,
                doc,
                String::new(),
            ]
        },
    )
}

fn sheet(rows: &[Vec<String>]) -> Vec<u8> {
    let h = headers();
    write_xlsx(&[SheetSpec { name: "单位名单", title: None, headers: &h, rows, text_columns: &[5, 6] }]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn reading_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = read_units(&bytes, today());
    }

    #[test]
    fn arbitrary_cells_give_units_or_problems_at_their_rows(rows in rows()) {
        let Ok(read) = read_units(&sheet(&rows), today()) else { return Ok(()) };
        for (_, u) in &read.units {
            prop_assert!(!u.name.is_empty());
            prop_assert!(u.charter_on.is_none_or(|d| d <= today()));
        }
        if read.errors.iter().all(|e| e.row_number > read.table.header_row) {
            for row in &read.table.rows {
                let accepted = read.units.iter().any(|(n, _)| *n == row.number);
                let reported = read.errors.iter().any(|e| e.row_number == row.number);
                prop_assert!(accepted != reported, "row {} is either a unit or has a problem", row.number);
            }
        }
    }

    #[test]
    fn well_formed_units_come_back_as_written(good in prop::collection::vec(good_row(), 1..6)) {
        let mut seen = std::collections::HashSet::new();
        let rows: Vec<Vec<String>> = good.into_iter().filter(|r| seen.insert(r[0].clone())).collect();
        let read = read_units(&sheet(&rows), today()).unwrap();
        prop_assert!(read.errors.is_empty(), "{:?}", read.errors);
        let names: Vec<&str> = read.units.iter().map(|(_, u)| u.name.as_str()).collect();
        let expected: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        prop_assert_eq!(names, expected);
        for ((_, u), r) in read.units.iter().zip(&rows) {
            prop_assert_eq!(u.unit_type.label(), r[1].as_str());
            prop_assert_eq!(u.ownership.label(), r[2].as_str());
            prop_assert_eq!(u.charter_on.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(), r[6].clone());
        }
    }
}
