//! PDFs with typst as a library: a fixed template (compiled into the binary) reads its data from
//! virtual files, so no user text is ever spliced into typst markup.
//!
//! The [`World`] here knows only the template, the virtual files the caller names, the one CJK
//! font and a fixed date: no file system, no packages (nothing downloads), no clock.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::error::ReportError;
use crate::font::CjkFont;

/// The standard library, built once.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// The virtual path of the template.
const MAIN_PATH: &str = "/main.typ";

fn file_id(path: &str) -> Result<FileId, ReportError> {
    let vpath = VirtualPath::new(path).map_err(|e| ReportError::Pdf(format!("{path}: {e}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One compilation's world.
struct DocWorld<'a> {
    main: Source,
    files: HashMap<FileId, Bytes>,
    font: &'a CjkFont,
    today: Option<Datetime>,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.font.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if self.files.contains_key(&id) {
            Err(FileError::NotSource)
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_string()));
        }
        self.files.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.font.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}

/// A date `YYYY-MM-DD` as typst's `datetime.today()`.
fn parse_date(date: &str) -> Option<Datetime> {
    let mut parts = date.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Datetime::from_ymd(year, month, day)
}

fn describe(diags: &[SourceDiagnostic]) -> String {
    diags.iter().filter(|d| d.severity == Severity::Error).map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")
}

/// Lays out a template: `files` are the virtual files it may read (by absolute path, e.g.
/// `/data.json`), `today` (`YYYY-MM-DD`) is what `datetime.today()` returns.
pub(crate) fn layout(
    template: &str,
    files: Vec<(&str, Bytes)>,
    font: &CjkFont,
    today: &str,
) -> Result<PagedDocument, ReportError> {
    let main = Source::new(file_id(MAIN_PATH)?, template.to_string());
    let mut map = HashMap::new();
    for (path, bytes) in files {
        map.insert(file_id(path)?, bytes);
    }
    let world = DocWorld { main, files: map, font, today: parse_date(today) };
    let result = typst::compile::<PagedDocument>(&world).output;
    // Keep typst's memoization caches from growing across many documents.
    typst::comemo::evict(10);
    result.map_err(|diags| ReportError::Pdf(describe(&diags)))
}

/// A laid-out document as PDF bytes. Deterministic: no creation date unless the template sets
/// one, and a document identifier derived from `ident`.
pub(crate) fn export(document: &PagedDocument, ident: &str) -> Result<Vec<u8>, ReportError> {
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some("zhibu".to_string())),
        ..Default::default()
    };
    typst_pdf::pdf(document, &options).map_err(|diags| ReportError::Pdf(describe(&diags)))
}

/// All text of a laid-out document, in layout order, one string per text run (for tests and
/// checks: what a reader of the PDF sees).
#[cfg(test)]
pub(crate) fn document_text(document: &PagedDocument) -> Vec<String> {
    fn walk(frame: &typst::layout::Frame, out: &mut Vec<String>) {
        for (_, item) in frame.items() {
            match item {
                typst::layout::FrameItem::Group(group) => walk(&group.frame, out),
                typst::layout::FrameItem::Text(text) => out.push(text.text.to_string()),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for page in document.pages() {
        walk(&page.frame, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse() {
        assert_eq!(parse_date("2025-03-01"), Datetime::from_ymd(2025, 3, 1));
        assert_eq!(parse_date("2025-02-30"), None);
        assert_eq!(parse_date("yesterday"), None);
    }
}
