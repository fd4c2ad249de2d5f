use super::*;
use crate::font::find_cjk_font;
use crate::pdf::document_text;

fn sample() -> TableDoc {
    TableDoc {
        title: "第一党支部2026年党费收缴台账".into(),
        cover: vec!["截至2026年7月10日".into()],
        sections: vec![Section {
            heading: "党费收缴".into(),
            headers: vec!["姓名".into(), "应交".into(), "实交".into()],
            rows: vec![
                vec!["张三".into(), "76.50".into(), "76.50".into()],
                vec!["#panic(\"x\")".into(), "0.20".into(), "0.00".into()],
            ],
            numeric: vec![1, 2],
            notes: vec!["计算到分，四舍五入".into()],
        }],
        footer: "zhibu".into(),
        landscape: true,
        font_size: 9,
        as_of: "2026-07-10".into(),
    }
}

#[test]
fn the_pdf_shows_every_row_and_never_evaluates_user_text() {
    let font = match find_cjk_font(None) {
        Ok(f) => f,
        Err(ReportError::FontMissing { .. }) if std::env::var("ZHIBU_REQUIRE_FONT").as_deref() == Ok("0") => return,
        Err(e) => panic!("{e}"),
    };
    let document = layout(&sample(), &font).unwrap();
    let text: String = document_text(&document).concat().chars().filter(|c| !c.is_whitespace()).collect();
    for s in ["第一党支部2026年党费收缴台账", "张三", "76.50", "#panic(\"x\")", "计算到分，四舍五入"]
    {
        assert!(text.contains(s), "{s} missing from {text}");
    }
    assert!(write_pdf(&sample(), &font).unwrap().starts_with(b"%PDF"));
}

#[test]
fn the_xlsx_reads_back_with_the_same_rows() {
    let bytes = write_xlsx(&sample()).unwrap();
    let table = crate::read_table(&bytes, &|h| ["姓名", "应交", "实交"].contains(&h)).unwrap();
    assert_eq!(table.headers, vec!["姓名", "应交", "实交"]);
    let rows: Vec<Vec<String>> = table.rows.iter().map(|r| r.cells.iter().map(|c| c.text.clone()).collect()).collect();
    assert_eq!(rows[0], vec!["张三", "76.50", "76.50"]);
    assert_eq!(rows[1], vec!["#panic(\"x\")", "0.20", "0.00"]);
}
