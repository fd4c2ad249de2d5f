//! The ballot (选票) and the tally sheet (计票结果报告单) of a term election as PDF, the paper forms
//! of forms.md §2.8 (`src/election_sheets.typ`).

use serde::Serialize;
use typst::foundations::Bytes;

use crate::error::ReportError;
use crate::font::CjkFont;

const TEMPLATE: &str = include_str!("election_sheets.typ");

/// One candidate as the sheets print them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SheetCandidate {
    pub name: String,
    pub votes: String,
    /// 当选（书记）, 当选, 未当选.
    pub result: String,
}

/// What the sheets print, each field as the page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ElectionSheets {
    pub org_name: String,
    /// `YYYY-MM-DD`, the election day.
    pub held_on: String,
    /// 2026年6月5日.
    pub held_cn: String,
    pub seats: String,
    pub expected: String,
    pub present: String,
    pub issued: String,
    pub returned: String,
    pub valid: String,
    pub invalid: String,
    /// In the order the ballot lists them.
    pub candidates: Vec<SheetCandidate>,
    /// Empty lines on the ballot for names written in.
    pub write_in: u32,
    /// The majority rule the result applied (EL-ELECTED and its base).
    pub note: String,
}

#[derive(Serialize)]
struct Data<'a> {
    font_family: &'a str,
    #[serde(flatten)]
    sheets: &'a ElectionSheets,
}

/// The ballot and the tally sheet as PDF. Typesetting takes CPU time: call it off the async
/// threads.
pub fn write_pdf(sheets: &ElectionSheets, font: &CjkFont) -> Result<Vec<u8>, ReportError> {
    let document = layout(sheets, font)?;
    crate::pdf::export(&document, &format!("zhibu/election/{}/{}", sheets.org_name, sheets.held_on))
}

fn layout(sheets: &ElectionSheets, font: &CjkFont) -> Result<typst_layout::PagedDocument, ReportError> {
    let data = Data { font_family: font.family(), sheets };
    let json = serde_json::to_vec(&data).map_err(|e| ReportError::Pdf(e.to_string()))?;
    crate::pdf::layout(TEMPLATE, vec![("/data.json", Bytes::new(json))], font, &sheets.held_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheets_print_the_candidates_and_the_counts() {
        let font = match crate::find_cjk_font(None) {
            Ok(f) => f,
            Err(ReportError::FontMissing { .. }) if std::env::var("ZHIBU_REQUIRE_FONT").as_deref() == Ok("0") => return,
            Err(e) => panic!("{e}"),
        };
        let c = |name: &str, votes: &str, result: &str| SheetCandidate {
            name: name.into(),
            votes: votes.into(),
            result: result.into(),
        };
        let sheets = ElectionSheets {
            org_name: "中共某县实验小学支部".into(),
            held_on: "2026-06-05".into(),
            held_cn: "2026年6月5日".into(),
            seats: "3".into(),
            expected: "10".into(),
            present: "9".into(),
            issued: "9".into(),
            returned: "9".into(),
            valid: "9".into(),
            invalid: "0".into(),
            candidates: vec![
                c("赵甲", "9", "当选（书记）"),
                c("钱乙", "8", "当选（副书记）"),
                c("孙丙", "7", "当选"),
                c("李丁", "2", "未当选"),
            ],
            write_in: 2,
            note: "得票超过实到会有选举权人数的半数为当选（EL-ELECTED）".into(),
        };
        let pdf = write_pdf(&sheets, &font).expect("write the sheets");
        assert!(pdf.starts_with(b"%PDF"));
        let document = layout(&sheets, &font).expect("lay the sheets out");
        assert_eq!(document.pages().len(), 1, "ballot and tally fit one page");
        let text: String =
            crate::pdf::document_text(&document).concat().chars().filter(|c| !c.is_whitespace()).collect();
        for part in ["选举选票", "计票结果报告单", "赵甲", "当选（书记）", "监票人", "有效票：9"]
        {
            assert!(text.contains(part), "the sheets show {part}: {text}");
        }
    }
}
