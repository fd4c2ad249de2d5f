//! A table document: a title, cover lines and sections of rows and columns, written as xlsx (one
//! sheet per section) and as PDF (typst, `src/table_doc.typ`) from the same data, so the two
//! never differ. The dues ledgers (党费收缴台账, the yearly publication) are table documents.

use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use serde::Serialize;
use typst::foundations::Bytes;

use crate::error::ReportError;
use crate::font::CjkFont;
use crate::write::{header_format, title_format};

const TEMPLATE: &str = include_str!("../table_doc.typ");

/// One table of a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Section {
    /// The heading above the table (empty: none); the sheet's name in xlsx.
    pub heading: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns aligned right (amounts).
    pub numeric: Vec<usize>,
    /// Lines under the table: the rules and settings the figures follow.
    pub notes: Vec<String>,
}

/// A document of tables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TableDoc {
    pub title: String,
    /// Lines under the title: the org, the period, the as-of date.
    pub cover: Vec<String>,
    pub sections: Vec<Section>,
    /// Printed in the PDF's footer.
    pub footer: String,
    /// Lay the PDF out on landscape A4 (wide tables such as twelve months).
    pub landscape: bool,
    /// The body text size in points (8 for the widest tables).
    pub font_size: u8,
    /// `YYYY-MM-DD`, the date the document is as of.
    pub as_of: String,
}

#[derive(Serialize)]
struct PdfData<'a> {
    font_family: &'a str,
    title: &'a str,
    cover: &'a [String],
    sections: &'a [Section],
    footer: &'a str,
    landscape: bool,
    font_size: u8,
}

/// The document as PDF. Typesetting takes CPU time: call it off the async threads.
pub fn write_pdf(doc: &TableDoc, font: &CjkFont) -> Result<Vec<u8>, ReportError> {
    let document = layout(doc, font)?;
    crate::pdf::export(&document, &format!("zhibu/table/{}", doc.title))
}

fn layout(doc: &TableDoc, font: &CjkFont) -> Result<typst_layout::PagedDocument, ReportError> {
    let data = PdfData {
        font_family: font.family(),
        title: &doc.title,
        cover: &doc.cover,
        sections: &doc.sections,
        footer: &doc.footer,
        landscape: doc.landscape,
        font_size: if doc.font_size == 0 { 10 } else { doc.font_size },
    };
    let json = serde_json::to_vec(&data).map_err(|e| ReportError::Pdf(e.to_string()))?;
    crate::pdf::layout(TEMPLATE, vec![("/data.json", Bytes::new(json))], font, &doc.as_of)
}

/// The document as xlsx: a sheet per section, the title and cover above the header row, the
/// notes below the rows. Every cell is text, as on the page.
pub fn write_xlsx(doc: &TableDoc) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut used: Vec<String> = Vec::new();
    for (i, section) in doc.sections.iter().enumerate() {
        let sheet = book.add_worksheet();
        let mut name: String = if section.heading.is_empty() { doc.title.clone() } else { section.heading.clone() }
            .chars()
            .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
            .take(28)
            .collect();
        if used.contains(&name) {
            name = format!("{name}{}", i + 1);
        }
        used.push(name.clone());
        sheet.set_name(&name).map_err(xlsx)?;
        let width = u16::try_from(section.headers.len().max(1)).unwrap_or(u16::MAX);
        let last = width.saturating_sub(1);
        let mut row: u32 = 0;
        let lines = std::iter::once(doc.title.as_str()).chain(doc.cover.iter().map(String::as_str));
        for (j, line) in lines.enumerate() {
            let format = if j == 0 { title_format() } else { Format::new().set_align(FormatAlign::Center) };
            if last > 0 {
                sheet.merge_range(row, 0, row, last, line, &format).map_err(xlsx)?;
            } else {
                sheet.write_string_with_format(row, 0, line, &format).map_err(xlsx)?;
            }
            row += 1;
        }
        for (c, h) in section.headers.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            sheet.write_string_with_format(row, col, h, &header_format()).map_err(xlsx)?;
            let chars = section.rows.iter().filter_map(|r| r.get(c)).map(|v| v.chars().count()).max().unwrap_or(0);
            let w = (chars.max(h.chars().count()) as f64 * 1.8 + 2.0).min(40.0);
            sheet.set_column_width(col, w).map_err(xlsx)?;
        }
        sheet.set_freeze_panes(row + 1, 0).map_err(xlsx)?;
        row += 1;
        for r in &section.rows {
            for (c, v) in r.iter().enumerate() {
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                sheet.write_string_with_format(row, col, v, &wrap).map_err(xlsx)?;
            }
            row += 1;
        }
        for note in &section.notes {
            sheet.write_string(row, 0, note).map_err(xlsx)?;
            row += 1;
        }
    }
    book.save_to_buffer().map_err(xlsx)
}

fn xlsx(e: rust_xlsxwriter::XlsxError) -> ReportError {
    ReportError::Write(e.into())
}

#[cfg(test)]
mod tests;
