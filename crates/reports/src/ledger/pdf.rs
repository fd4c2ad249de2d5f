//! The ledger as a PDF, typeset by typst from `src/ledger.typ`.
//!
//! The escaping strategy: the template is fixed, and the ledger reaches it only as the virtual
//! file `/data.json` (and the compliance chart as `/compliance.svg`), which the template reads
//! with `json(…)`. Strings from JSON are shown as text and never evaluated, so no user text can
//! become typst markup or code.

use serde::Serialize;
use typst::foundations::Bytes;
use typst_layout::PagedDocument;

use super::check::{ConsistencyIssue, check};
use super::{ComplianceLine, LedgerDoc, LedgerMeeting};
use crate::chart::{Bar, format_permille, permille, rate_bars};
use crate::error::ReportError;
use crate::font::CjkFont;

/// The template, compiled into the binary.
const TEMPLATE: &str = include_str!("../ledger.typ");

const DATA_PATH: &str = "/data.json";
const CHART_PATH: &str = "/compliance.svg";

/// What the template reads from `/data.json`: the ledger itself plus text derived here, so the
/// template only lays out.
#[derive(Serialize)]
struct PdfData<'a> {
    /// The font family for `set text(font: …)`.
    font_family: &'a str,
    /// The PDF's title metadata.
    title: String,
    doc: &'a LedgerDoc,
    /// (label, value) pairs under the title.
    cover: Vec<(&'static str, String)>,
    meetings: Vec<MeetingView<'a>>,
    appraisal_summary: String,
    compliance: Vec<ComplianceView<'a>>,
    /// The chart's virtual path, when there is one.
    chart: Option<&'static str>,
    issues: Vec<ConsistencyIssue>,
}

#[derive(Serialize)]
struct MeetingView<'a> {
    #[serde(flatten)]
    meeting: &'a LedgerMeeting,
    /// "1、2025-03-05 支部党员大会".
    title: String,
    time_text: String,
    absentees_text: String,
    attendees_text: String,
    attachments_text: String,
}

#[derive(Serialize)]
struct ComplianceView<'a> {
    #[serde(flatten)]
    line: &'a ComplianceLine,
    /// "91.7%", or "—" when nothing was required.
    rate: String,
}

/// "优秀 3 人，合格 8 人，基本合格 1 人", in order of first appearance.
fn appraisal_summary(doc: &LedgerDoc) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for a in &doc.appraisals {
        match counts.iter_mut().find(|(label, _)| *label == a.rating_label) {
            Some((_, n)) => *n += 1,
            None => counts.push((&a.rating_label, 1)),
        }
    }
    let parts: Vec<String> = counts.iter().map(|(label, n)| format!("{label} {n} 人")).collect();
    format!("共评议 {} 人：{}。", doc.appraisals.len(), parts.join("，"))
}

fn compliance_chart(doc: &LedgerDoc) -> Option<String> {
    let bars: Vec<Bar> = doc
        .compliance
        .iter()
        .filter_map(|c| {
            Some(Bar {
                label: c.requirement.clone(),
                rate_permille: permille(c.held, c.required)?,
                detail: format!("{}/{}", c.held, c.required),
                href: None,
            })
        })
        .collect();
    (!bars.is_empty()).then(|| rate_bars("年度各项要求完成率", &bars))
}

impl<'a> PdfData<'a> {
    fn new(doc: &'a LedgerDoc, font: &'a CjkFont, has_chart: bool) -> PdfData<'a> {
        let org = if doc.org_path_names.trim().is_empty() { &doc.org_name } else { &doc.org_path_names };
        let issues = check(doc);
        let cover = vec![
            ("党组织", org.clone()),
            ("年度", format!("{}年", doc.year)),
            ("统计截至", doc.as_of.clone()),
            ("生成人", doc.generated_by.clone()),
            ("会议记录", format!("{} 次", doc.meetings.len())),
            ("民主评议", format!("{} 人", doc.appraisals.len())),
            ("谈心谈话", format!("{} 次", doc.talks.len())),
            ("发现的问题", format!("{} 个", doc.findings.len())),
            ("一致性问题", format!("{} 处", issues.len())),
        ];
        let meetings = doc
            .meetings
            .iter()
            .enumerate()
            .map(|(i, m)| MeetingView {
                meeting: m,
                title: format!("{}、{}", i + 1, m.name()),
                time_text: m.time_text(),
                absentees_text: m.absentees_text(),
                attendees_text: m.attendees.join("、"),
                attachments_text: m.attachments.join("、"),
            })
            .collect();
        let compliance = doc
            .compliance
            .iter()
            .map(|line| ComplianceView {
                line,
                rate: permille(line.held, line.required).map_or_else(|| "—".to_string(), format_permille),
            })
            .collect();
        PdfData {
            font_family: font.family(),
            title: format!("{} {}年组织生活台账", doc.org_name, doc.year),
            doc,
            cover,
            meetings,
            appraisal_summary: appraisal_summary(doc),
            compliance,
            chart: has_chart.then_some(CHART_PATH),
            issues,
        }
    }
}

/// Lays the ledger out (for [`write_pdf`] and the tests, which read the laid-out text).
pub(crate) fn layout(doc: &LedgerDoc, font: &CjkFont) -> Result<PagedDocument, ReportError> {
    let chart = compliance_chart(doc);
    let data = PdfData::new(doc, font, chart.is_some());
    let json = serde_json::to_vec(&data).map_err(|e| ReportError::Pdf(e.to_string()))?;
    let mut files = vec![(DATA_PATH, Bytes::new(json))];
    if let Some(svg) = chart {
        files.push((CHART_PATH, Bytes::from_string(svg)));
    }
    crate::pdf::layout(TEMPLATE, files, font, &doc.as_of)
}

/// The ledger as an A4 PDF: a title with the org, the year and the as-of date, then 一、会议记录
/// (each meeting with the record book's fields, attendance, absentees with reasons, the quorum
/// statement, the minutes and the resolutions with their votes), 二、民主评议, 三、谈心谈话,
/// 四、年度合规情况 (the requirements, a chart of their rates and the findings) and
/// 五、一致性检查 ([`check`]); "第 N 页 / 共 M 页" in the footer. The font is embedded.
///
/// Typesetting takes CPU time (about a second for a year's records): call it off the async
/// threads (`spawn_blocking`).
pub fn write_pdf(doc: &LedgerDoc, font: &CjkFont) -> Result<Vec<u8>, ReportError> {
    let document = layout(doc, font)?;
    crate::pdf::export(&document, &format!("zhibu/ledger/{}/{}", doc.org_path_names, doc.year))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::find_cjk_font;
    use crate::ledger::sample::{TYPST_INJECTION, injection_doc, sample_doc};
    use crate::pdf::document_text;

    /// The system's CJK font, or `None` (with a note) on a machine without one.
    fn font() -> Option<CjkFont> {
        match find_cjk_font(None) {
            Ok(font) => Some(font),
            Err(ReportError::FontMissing { .. }) => {
                assert!(
                    std::env::var("ZHIBU_REQUIRE_FONT").as_deref() == Ok("0"),
                    "no CJK font on this machine (apt-get install fonts-wqy-microhei); \
                     set ZHIBU_REQUIRE_FONT=0 to skip the font tests in a quick local loop"
                );
                eprintln!("skipped: no CJK font on this machine (apt-get install fonts-wqy-microhei)");
                None
            }
            Err(e) => panic!("{e}"),
        }
    }

    /// All laid-out text without whitespace (line breaks may fall anywhere).
    fn squeezed(document: &PagedDocument) -> String {
        document_text(document).concat().chars().filter(|c| !c.is_whitespace()).collect()
    }

    fn squeeze(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn a_year_of_meetings_makes_a_paged_pdf() {
        let Some(font) = font() else { return };
        let doc = sample_doc(30);
        let document = layout(&doc, &font).unwrap();
        let pages = document.pages().len();
        assert!(pages >= 2, "{pages} pages");
        let text = squeezed(&document);
        for expected in [
            "组织生活台账",
            "一、会议记录",
            "二、民主评议",
            "三、谈心谈话",
            "四、年度合规情况",
            "五、一致性检查",
            "教育局党委/第一中学党总支/高一年级党支部",
            "30、2025-06-03 支部委员会会议",
            "张三（请假：外出培训）；李四（缺席）",
            "有表决权的党员应到12人，实到10人，超过半数",
            "通过本季度党员发展工作计划",
            "91.7%",
            "2月未召开支委会",
            "春节假期，已于3月补开",
            "共评议12人：优秀3人，合格6人，基本合格3人。",
        ] {
            assert!(text.contains(&squeeze(expected)), "missing {expected}");
        }
        assert!(text.contains(&format!("第1页/共{pages}页")), "footer");
        assert!(text.contains(&format!("第{pages}页/共{pages}页")), "footer");

        let pdf = write_pdf(&doc, &font).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf == write_pdf(&doc, &font).unwrap(), "the same ledger gives the same bytes");
    }

    #[test]
    fn user_text_is_never_markup() {
        let Some(font) = font() else { return };
        let doc = injection_doc();
        let document = layout(&doc, &font).expect("compiles despite markup-like text");
        let text = squeezed(&document);
        assert!(text.contains(&squeeze(TYPST_INJECTION)), "{text}");
        assert!(text.contains(&squeeze("#import \"/etc/passwd\"")));
        assert!(text.contains(&squeeze("#read(\"/data.json\")")));
        assert!(text.contains(&squeeze("]) #panic(\"y\") ([")));
        assert!(text.contains(&squeeze(&doc.meetings[0].topic)));
        assert!(write_pdf(&doc, &font).unwrap().starts_with(b"%PDF-"));
    }

    #[test]
    fn an_empty_ledger_still_renders() {
        let Some(font) = font() else { return };
        let doc =
            LedgerDoc { org_name: "空支部".into(), year: 2025, as_of: "2025-01-01".into(), ..Default::default() };
        let document = layout(&doc, &font).unwrap();
        let text = squeezed(&document);
        assert!(text.contains("本年度暂无会议记录。"));
        assert!(text.contains("未发现问题。"));
        assert!(write_pdf(&doc, &font).unwrap().starts_with(b"%PDF-"));
    }

    #[test]
    fn inconsistencies_are_listed() {
        let Some(font) = font() else { return };
        let mut doc = sample_doc(2);
        doc.meetings[1].topic = String::new();
        let text = squeezed(&layout(&doc, &font).unwrap());
        assert!(text.contains(&squeeze("未填写会议主题")));
    }

    #[test]
    fn the_summary_counts_ratings() {
        let doc = sample_doc(0);
        assert_eq!(appraisal_summary(&doc), "共评议 12 人：优秀 3 人，合格 6 人，基本合格 3 人。");
    }
}
