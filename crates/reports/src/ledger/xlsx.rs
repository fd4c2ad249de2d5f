//! The ledger as an xlsx workbook: a cover with a table of contents, then one sheet per part.
//!
//! Text is always written with `write_string` (or a merged text cell), never as a formula, so a
//! topic like `=HYPERLINK(…)` or `+1` stays text (no formula injection).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Url, Workbook, Worksheet};

use super::check::{ConsistencyIssue, check};
use super::{LedgerDoc, LedgerMeeting};
use crate::chart::{format_permille, permille};
use crate::error::ReportError;
use crate::write::{header_format, title_format};

/// The sheets, in order.
pub(crate) const SHEETS: [&str; 7] = ["目录", "会议记录", "签到", "民主评议", "谈心谈话", "合规汇总", "一致性检查"];

/// Excel holds at most this many characters in a cell; longer text is cut with [`CUT_NOTE`].
const MAX_CELL_CHARS: usize = 32_767;
const CUT_NOTE: &str = "……（内容过长，已截断，全文见 PDF 台账）";

/// A cell of a data row.
enum Cell {
    Text(String),
    Number(u32),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&String> for Cell {
    fn from(s: &String) -> Self {
        Cell::Text(s.clone())
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Self {
        Cell::Number(n)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Self {
        Cell::Number(u32::try_from(n).unwrap_or(u32::MAX))
    }
}

/// Text that fits an Excel cell.
fn fit(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= MAX_CELL_CHARS {
        return text.into();
    }
    let keep = MAX_CELL_CHARS - CUT_NOTE.chars().count();
    (text.chars().take(keep).collect::<String>() + CUT_NOTE).into()
}

fn wrap_format() -> Format {
    Format::new().set_text_wrap().set_align(FormatAlign::Top).set_border(FormatBorder::Thin)
}

fn number_format() -> Format {
    Format::new().set_align(FormatAlign::Top).set_align(FormatAlign::Center).set_border(FormatBorder::Thin)
}

fn label_format() -> Format {
    Format::new().set_bold().set_align(FormatAlign::VerticalCenter)
}

fn row_num(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

fn col_num(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Writes a header row at `header_row` (bold, wrapped) and the rows below it; returns the row
/// after the last one written.
fn write_rows(
    ws: &mut Worksheet,
    header_row: usize,
    headers: &[&str],
    rows: Vec<Vec<Cell>>,
) -> Result<usize, ReportError> {
    let header = header_format();
    let wrap = wrap_format();
    let number = number_format();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row_num(header_row), col_num(c), *h, &header)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = row_num(header_row + 1 + i);
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(text) => ws.write_string_with_format(r, col_num(c), fit(text), &wrap)?,
                Cell::Number(n) => ws.write_number_with_format(r, col_num(c), f64::from(*n), &number)?,
            };
        }
    }
    Ok(header_row + 1 + rows.len())
}

/// A data sheet: column widths, a frozen header row repeated on printed pages, A4.
fn data_sheet<'a>(
    wb: &'a mut Workbook,
    name: &str,
    widths: &[f64],
    landscape: bool,
) -> Result<&'a mut Worksheet, ReportError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(col_num(c), *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_repeat_rows(0, 0)?;
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    }
    Ok(ws)
}

/// The ledger as an xlsx workbook with the sheets 目录 (cover and contents), 会议记录 (one row
/// per meeting, in the record book's field order of forms.md §2.1, then the vote and quorum
/// fields), 签到 (one row per meeting and person), 民主评议, 谈心谈话, 合规汇总 (the
/// requirements, then the findings) and 一致性检查 (the issues of [`check`], or 未发现问题).
pub fn write_xlsx(doc: &LedgerDoc) -> Result<Vec<u8>, ReportError> {
    let issues = check(doc);
    let mut wb = Workbook::new();
    write_cover(&mut wb, doc, &issues)?;
    write_meetings(&mut wb, doc)?;
    write_attendance(&mut wb, doc)?;
    write_appraisals(&mut wb, doc)?;
    write_talks(&mut wb, doc)?;
    write_compliance(&mut wb, doc)?;
    write_issues(&mut wb, &issues)?;
    Ok(wb.save_to_buffer()?)
}

/// The number of rows of the 签到 sheet: attendees and absentees of every meeting.
fn attendance_rows(doc: &LedgerDoc) -> usize {
    doc.meetings.iter().map(|m| m.attendees.len() + m.absentees.len()).sum()
}

fn write_cover(wb: &mut Workbook, doc: &LedgerDoc, issues: &[ConsistencyIssue]) -> Result<(), ReportError> {
    let ws = wb.add_worksheet();
    ws.set_name(SHEETS[0])?;
    ws.set_paper_size(9);
    for (c, w) in [8.0, 16.0, 52.0, 12.0].into_iter().enumerate() {
        ws.set_column_width(col_num(c), w)?;
    }
    let title = format!("{} {}年组织生活台账", doc.org_name, doc.year);
    ws.merge_range(0, 0, 0, 3, &fit(&title), &title_format())?;
    ws.set_row_height(0, 36)?;
    let org = if doc.org_path_names.trim().is_empty() { &doc.org_name } else { &doc.org_path_names };
    let value = Format::new().set_text_wrap().set_align(FormatAlign::VerticalCenter);
    let label = label_format();
    let facts = [
        ("党组织", org.clone()),
        ("年度", format!("{}年", doc.year)),
        ("统计截至", doc.as_of.clone()),
        ("生成人", doc.generated_by.clone()),
    ];
    for (i, (name, text)) in facts.iter().enumerate() {
        let r = row_num(2 + i);
        ws.write_string_with_format(r, 0, *name, &label)?;
        ws.merge_range(r, 1, r, 3, &fit(text), &value)?;
    }

    let header_row = 7;
    let contents: [(&str, &str, usize); 6] = [
        (SHEETS[1], "三会一课、主题党日、组织生活会等会议记录，按日期排列", doc.meetings.len()),
        (SHEETS[2], "每次会议的出勤、请假、缺席人员及原因（人次）", attendance_rows(doc)),
        (SHEETS[3], "民主评议党员结果（人）", doc.appraisals.len()),
        (SHEETS[4], "谈心谈话记录（次）", doc.talks.len()),
        (SHEETS[5], "年度各项要求完成情况（项），及发现的问题", doc.compliance.len()),
        (SHEETS[6], "会议记录中人数、票数等不一致之处（处）", issues.len()),
    ];
    write_rows(ws, header_row, &["序号", "工作表", "内容", "条数"], Vec::new())?;
    let wrap = wrap_format();
    let number = number_format();
    let link = Format::new()
        .set_font_color(rust_xlsxwriter::Color::Blue)
        .set_underline(rust_xlsxwriter::FormatUnderline::Single)
        .set_border(FormatBorder::Thin);
    for (i, (sheet, what, count)) in contents.iter().enumerate() {
        let r = row_num(header_row + 1 + i);
        ws.write_number_with_format(r, 0, (i + 1) as f64, &number)?;
        ws.write_url_with_format(r, 1, Url::new(format!("internal:'{sheet}'!A1")).set_text(*sheet), &link)?;
        let what = if i == 4 { format!("{what}（{}个）", doc.findings.len()) } else { (*what).to_string() };
        ws.write_string_with_format(r, 2, what, &wrap)?;
        ws.write_number_with_format(r, 3, *count as f64, &number)?;
    }
    Ok(())
}

/// The 会议决议 cell: each resolution with its vote.
fn resolutions_text(m: &LedgerMeeting) -> String {
    m.resolutions
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{}. {}（{}）", i + 1, r.text, r.vote_text()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn write_meetings(wb: &mut Workbook, doc: &LedgerDoc) -> Result<(), ReportError> {
    const HEADERS: [&str; 21] = [
        "序号",
        "类型",
        "主题",
        "时间",
        "地点",
        "主持人",
        "记录人",
        "应到人数",
        "实到人数",
        "缺席人员及原因",
        "主要内容",
        "会议决议",
        "请假人数",
        "缺席人数",
        "有表决权应到",
        "有表决权实到",
        "法定人数情况",
        "授课人",
        "第一议题",
        "附件",
        "更正记录",
    ];
    let widths = [
        6.0, 14.0, 28.0, 17.0, 16.0, 10.0, 10.0, 8.0, 8.0, 28.0, 60.0, 48.0, 8.0, 8.0, 10.0, 10.0, 28.0, 10.0, 24.0,
        24.0, 30.0,
    ];
    let ws = data_sheet(wb, SHEETS[1], &widths, true)?;
    let rows = doc
        .meetings
        .iter()
        .enumerate()
        .map(|(i, m)| {
            vec![
                Cell::from(i + 1),
                (&m.kind_label).into(),
                (&m.topic).into(),
                m.time_text().into(),
                (&m.place).into(),
                (&m.host).into(),
                (&m.recorder).into(),
                m.expected.into(),
                m.present.into(),
                m.absentees_text().into(),
                (&m.minutes_text).into(),
                resolutions_text(m).into(),
                m.excused.into(),
                m.absent.into(),
                m.voting_expected.into(),
                m.voting_present.into(),
                (&m.quorum_note).into(),
                (&m.lecturer).into(),
                (&m.first_agenda_item).into(),
                m.attachments.join("\n").into(),
                (&m.corrections).into(),
            ]
        })
        .collect();
    write_rows(ws, 0, &HEADERS, rows)?;
    Ok(())
}

fn write_attendance(wb: &mut Workbook, doc: &LedgerDoc) -> Result<(), ReportError> {
    let ws = data_sheet(wb, SHEETS[2], &[6.0, 12.0, 14.0, 30.0, 12.0, 10.0, 30.0], false)?;
    let mut rows = Vec::with_capacity(attendance_rows(doc));
    for m in &doc.meetings {
        let people = m.attendees.iter().map(|name| (name.as_str(), "出勤", ""));
        let away = m.absentees.iter().map(|a| (a.name.as_str(), a.attendance_label.as_str(), a.reason.as_str()));
        for (name, attendance, reason) in people.chain(away) {
            rows.push(vec![
                Cell::from(rows.len() + 1),
                (&m.held_on).into(),
                (&m.kind_label).into(),
                (&m.topic).into(),
                name.into(),
                attendance.into(),
                reason.into(),
            ]);
        }
    }
    write_rows(ws, 0, &["序号", "日期", "会议类型", "主题", "姓名", "出勤情况", "原因"], rows)?;
    Ok(())
}

fn write_appraisals(wb: &mut Workbook, doc: &LedgerDoc) -> Result<(), ReportError> {
    let ws = data_sheet(wb, SHEETS[3], &[6.0, 16.0, 14.0], false)?;
    let rows = doc
        .appraisals
        .iter()
        .enumerate()
        .map(|(i, a)| vec![Cell::from(i + 1), (&a.member_name).into(), (&a.rating_label).into()])
        .collect();
    write_rows(ws, 0, &["序号", "姓名", "评议结果"], rows)?;
    Ok(())
}

fn write_talks(wb: &mut Workbook, doc: &LedgerDoc) -> Result<(), ReportError> {
    let ws = data_sheet(wb, SHEETS[4], &[6.0, 12.0, 16.0, 10.0, 10.0, 16.0, 60.0], true)?;
    let rows = doc
        .talks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            vec![
                Cell::from(i + 1),
                (&t.held_on).into(),
                (&t.place).into(),
                (&t.talker).into(),
                (&t.talkee).into(),
                (&t.reason).into(),
                (&t.summary).into(),
            ]
        })
        .collect();
    write_rows(ws, 0, &["序号", "日期", "地点", "谈话人", "谈话对象", "类型/原因", "主要内容"], rows)?;
    Ok(())
}

fn write_compliance(wb: &mut Workbook, doc: &LedgerDoc) -> Result<(), ReportError> {
    let ws = data_sheet(wb, SHEETS[5], &[30.0, 36.0, 10.0, 10.0, 10.0, 10.0, 30.0, 16.0], true)?;
    let rows = doc
        .compliance
        .iter()
        .map(|c| {
            let rate = permille(c.held, c.required).map_or_else(|| "—".to_string(), format_permille);
            // Words first; the rule's ID last, for searching.
            vec![
                Cell::from(&c.requirement),
                (&c.citation).into(),
                c.required.into(),
                c.held.into(),
                rate.into(),
                if c.met { "达标" } else { "未达标" }.into(),
                (&c.missed_periods).into(),
                (&c.rule_id).into(),
            ]
        })
        .collect();
    let next = write_rows(
        ws,
        0,
        &["要求", "依据", "应开次数", "已开次数", "完成率", "是否达标", "未达标期间", "规则编号"],
        rows,
    )?;

    // The findings below, with 说明 merged across the last three columns.
    let title_row = next + 1;
    ws.write_string_with_format(row_num(title_row), 0, "发现的问题", &label_format())?;
    let header_row = title_row + 1;
    let header = header_format();
    for (c, h) in ["问题", "依据", "严重程度", "期间", "规则编号"].iter().enumerate() {
        ws.write_string_with_format(row_num(header_row), col_num(c), *h, &header)?;
    }
    ws.merge_range(row_num(header_row), 5, row_num(header_row), 7, "说明", &header)?;
    let wrap = wrap_format();
    if doc.findings.is_empty() {
        ws.merge_range(row_num(header_row + 1), 0, row_num(header_row + 1), 7, "未发现问题", &wrap)?;
    }
    for (i, f) in doc.findings.iter().enumerate() {
        let r = row_num(header_row + 1 + i);
        for (c, text) in [&f.message, &f.citation, &f.severity_label, &f.period, &f.rule_id].into_iter().enumerate() {
            ws.write_string_with_format(r, col_num(c), fit(text), &wrap)?;
        }
        ws.merge_range(r, 5, r, 7, &fit(f.explanation.as_deref().unwrap_or("")), &wrap)?;
    }
    Ok(())
}

fn write_issues(wb: &mut Workbook, issues: &[ConsistencyIssue]) -> Result<(), ReportError> {
    let ws = data_sheet(wb, SHEETS[6], &[6.0, 12.0, 16.0, 80.0], false)?;
    if issues.is_empty() {
        write_rows(ws, 0, &["序号", "日期", "会议类型", "问题"], Vec::new())?;
        ws.merge_range(1, 0, 1, 3, "未发现问题", &wrap_format())?;
        return Ok(());
    }
    let rows = issues
        .iter()
        .enumerate()
        .map(|(i, issue)| {
            vec![Cell::from(i + 1), (&issue.held_on).into(), (&issue.kind_label).into(), (&issue.message).into()]
        })
        .collect();
    write_rows(ws, 0, &["序号", "日期", "会议类型", "问题"], rows)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader, Xlsx};

    use super::*;
    use crate::ledger::sample::{injection_doc, sample_doc};

    fn open(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        Xlsx::new(std::io::Cursor::new(bytes)).expect("a readable workbook")
    }

    fn text(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
        match range.get_value((row, col)) {
            Some(Data::String(s)) => s.clone(),
            Some(Data::Float(f)) => f.to_string(),
            Some(Data::Int(i)) => i.to_string(),
            Some(Data::Empty) | None => String::new(),
            Some(other) => format!("{other:?}"),
        }
    }

    fn headers(range: &calamine::Range<Data>, row: u32) -> Vec<String> {
        (0..range.width() as u32).map(|c| text(range, row, c)).take_while(|h| !h.is_empty()).collect()
    }

    #[test]
    fn the_workbook_has_its_sheets_and_headers() {
        let doc = sample_doc(3);
        let mut wb = open(write_xlsx(&doc).unwrap());
        assert_eq!(wb.sheet_names(), SHEETS.map(String::from).to_vec());

        let cover = wb.worksheet_range("目录").unwrap();
        assert_eq!(text(&cover, 0, 0), "高一年级党支部 2025年组织生活台账");
        assert_eq!(text(&cover, 2, 1), "教育局党委/第一中学党总支/高一年级党支部");
        assert_eq!(text(&cover, 4, 1), "2025-12-31");
        assert_eq!(headers(&cover, 7), ["序号", "工作表", "内容", "条数"]);
        assert_eq!(text(&cover, 8, 1), "会议记录");
        assert_eq!(text(&cover, 8, 3), "3");

        let meetings = wb.worksheet_range("会议记录").unwrap();
        assert_eq!(
            headers(&meetings, 0)[..12],
            [
                "序号",
                "类型",
                "主题",
                "时间",
                "地点",
                "主持人",
                "记录人",
                "应到人数",
                "实到人数",
                "缺席人员及原因",
                "主要内容",
                "会议决议"
            ]
        );
        assert_eq!(meetings.height(), 4);
        assert_eq!(text(&meetings, 1, 1), "支部党员大会");
        assert_eq!(text(&meetings, 1, 7), "12");
        assert_eq!(text(&meetings, 1, 9), "张三（请假：外出培训）；李四（缺席）");
        assert!(
            text(&meetings, 1, 11).contains("到会有表决权10人，赞成10票，反对0票，弃权0票，通过"),
            "{}",
            text(&meetings, 1, 11)
        );

        let attendance = wb.worksheet_range("签到").unwrap();
        assert_eq!(headers(&attendance, 0), ["序号", "日期", "会议类型", "主题", "姓名", "出勤情况", "原因"]);
        assert_eq!(attendance.height(), 1 + 3 * 12);
        assert_eq!(text(&attendance, 11, 5), "请假");
        assert_eq!(text(&attendance, 11, 6), "外出培训");

        let appraisals = wb.worksheet_range("民主评议").unwrap();
        assert_eq!(headers(&appraisals, 0), ["序号", "姓名", "评议结果"]);
        assert_eq!(text(&appraisals, 1, 2), "优秀");

        let talks = wb.worksheet_range("谈心谈话").unwrap();
        assert_eq!(headers(&talks, 0)[..3], ["序号", "日期", "地点"]);

        let compliance = wb.worksheet_range("合规汇总").unwrap();
        // Words first; the rule's ID last, for searching.
        assert_eq!(
            headers(&compliance, 0),
            ["要求", "依据", "应开次数", "已开次数", "完成率", "是否达标", "未达标期间", "规则编号"]
        );
        assert_eq!(text(&compliance, 1, 4), "91.7%");
        let all: Vec<String> = compliance.rows().flatten().map(|d| d.to_string()).collect();
        assert!(all.iter().any(|s| s == "发现的问题"));
        assert!(all.iter().any(|s| s == "2月未召开支委会"));

        let issues = wb.worksheet_range("一致性检查").unwrap();
        assert_eq!(headers(&issues, 0), ["序号", "日期", "会议类型", "问题"]);
        assert_eq!(text(&issues, 1, 0), "未发现问题");
    }

    #[test]
    fn issues_are_listed() {
        let mut doc = sample_doc(2);
        doc.meetings[1].present = 13;
        let mut wb = open(write_xlsx(&doc).unwrap());
        let issues = wb.worksheet_range("一致性检查").unwrap();
        assert_eq!(text(&issues, 1, 1), doc.meetings[1].held_on);
        assert!(text(&issues, 1, 3).contains("实到人数（13人）超过应到人数（12人）"));
    }

    #[test]
    fn formula_like_text_stays_text() {
        let doc = injection_doc();
        let bytes = write_xlsx(&doc).unwrap();
        let mut wb = open(bytes);
        let meetings = wb.worksheet_range("会议记录").unwrap();
        assert_eq!(text(&meetings, 1, 2), doc.meetings[0].topic);
        assert_eq!(text(&meetings, 1, 4), "+1+2");
        assert_eq!(text(&meetings, 1, 5), "-3");
        assert_eq!(text(&meetings, 1, 6), "@SUM(A1)");
        let formulas = wb.worksheet_formula("会议记录").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formulas");
        let cover = wb.worksheet_range("目录").unwrap();
        assert_eq!(text(&cover, 2, 1), "=1+1");
        let formulas = wb.worksheet_formula("目录").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formulas");
    }

    #[test]
    fn overlong_text_is_cut_to_fit_a_cell() {
        let mut doc = sample_doc(1);
        doc.meetings[0].minutes_text = "记".repeat(40_000);
        let mut wb = open(write_xlsx(&doc).unwrap());
        let meetings = wb.worksheet_range("会议记录").unwrap();
        let minutes = text(&meetings, 1, 10);
        assert_eq!(minutes.chars().count(), MAX_CELL_CHARS);
        assert!(minutes.ends_with(CUT_NOTE));
    }

    #[test]
    fn an_empty_ledger_is_still_a_workbook() {
        let doc = LedgerDoc { org_name: "空支部".into(), year: 2025, ..Default::default() };
        let mut wb = open(write_xlsx(&doc).unwrap());
        assert_eq!(wb.sheet_names().len(), 7);
        let compliance = wb.worksheet_range("合规汇总").unwrap();
        let all: Vec<String> = compliance.rows().flatten().map(|d| d.to_string()).collect();
        assert!(all.iter().any(|s| s == "未发现问题"));
    }
}
