//! The transfer letter (组织关系介绍信) as PDF: stub, letter and receipt on one A4 page, as the
//! paper form of forms.md §1.4 (`src/transfer_letter.typ`).

use serde::Serialize;
use typst::foundations::Bytes;

use crate::error::ReportError;
use crate::font::CjkFont;

const TEMPLATE: &str = include_str!("transfer_letter.typ");

/// What the letter prints, each field as the page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Letter {
    pub letter_no: String,
    pub name: String,
    pub gender: String,
    pub age: String,
    pub ethnicity: String,
    /// 正式 or 预备.
    pub status_label: String,
    pub id_number: String,
    pub from: String,
    pub to: String,
    /// In capital numerals: 二〇二六年十月.
    pub dues_paid_to: String,
    pub valid_days: String,
    /// 二〇二六年十二月四日.
    pub issued_cn: String,
    /// `YYYY-MM-DD`, the letter's date.
    pub issued_on: String,
    /// A line under the form: the rule on the receipt.
    pub note: String,
}

#[derive(Serialize)]
struct Data<'a> {
    font_family: &'a str,
    #[serde(flatten)]
    letter: &'a Letter,
}

/// The digits of `n` as 〇一二…九: years on letters are written this way (二〇二六).
pub fn cn_digits(n: u32) -> String {
    const D: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    n.to_string().chars().filter_map(|c| c.to_digit(10)).map(|d| D[d as usize]).collect()
}

/// 1–31 as 一 … 三十一 (months and days on letters).
pub fn cn_number(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "〇".to_string(),
        1..=9 => D[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        _ => format!("{}十{}", D[(n / 10 % 10) as usize], D[(n % 10) as usize]),
    }
}

/// The letter as PDF. Typesetting takes CPU time: call it off the async threads.
pub fn write_pdf(letter: &Letter, font: &CjkFont) -> Result<Vec<u8>, ReportError> {
    let document = layout(letter, font)?;
    crate::pdf::export(&document, &format!("zhibu/transfer/{}", letter.letter_no))
}

fn layout(letter: &Letter, font: &CjkFont) -> Result<typst_layout::PagedDocument, ReportError> {
    let data = Data { font_family: font.family(), letter };
    let json = serde_json::to_vec(&data).map_err(|e| ReportError::Pdf(e.to_string()))?;
    crate::pdf::layout(TEMPLATE, vec![("/data.json", Bytes::new(json))], font, &letter.issued_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_as_letters_write_them() {
        assert_eq!(cn_digits(2026), "二〇二六");
        assert_eq!(cn_number(10), "十");
        assert_eq!(cn_number(12), "十二");
        assert_eq!(cn_number(20), "二十");
        assert_eq!(cn_number(31), "三十一");
    }

    #[test]
    fn the_letter_prints_its_three_parts_with_the_number() {
        let font = match crate::find_cjk_font(None) {
            Ok(f) => f,
            Err(ReportError::FontMissing { .. }) if std::env::var("ZHIBU_REQUIRE_FONT").as_deref() == Ok("0") => return,
            Err(e) => panic!("{e}"),
        };
        let letter = Letter {
            letter_no: "2026-007".into(),
            name: "张三".into(),
            gender: "男".into(),
            age: "41".into(),
            ethnicity: "汉".into(),
            status_label: "正式".into(),
            id_number: "110105198504050011".into(),
            from: "中共某县第一中学党支部".into(),
            to: "中共某市某区机关工委".into(),
            dues_paid_to: "二〇二六年十月".into(),
            valid_days: "30".into(),
            issued_cn: "二〇二六年十一月五日".into(),
            issued_on: "2026-11-05".into(),
            note: "回执一般1个月内退回".into(),
        };
        let pdf = write_pdf(&letter, &font).expect("write the letter");
        assert!(pdf.starts_with(b"%PDF"));
        let document = layout(&letter, &font).expect("lay the letter out");
        assert_eq!(document.pages().len(), 1, "the three parts fit one page");
        let text: String =
            crate::pdf::document_text(&document).concat().chars().filter(|c| !c.is_whitespace()).collect();
        for part in ["存根", "介绍信", "回执", "2026-007", "张三", "二〇二六年十月"] {
            assert!(text.contains(part), "the letter shows {part}");
        }
    }
}
