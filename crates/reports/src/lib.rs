//! zhibu's spreadsheets, charts and PDF ledgers.
//!
//! - [`read_table`] reads an uploaded roster file (xlsx, xls or CSV, detected from the bytes) into
//!   a [`Table`] of normalized strings, finding the header row below any title rows.
//! - [`roster`] knows the member roster's columns: their canonical headers, the synonyms people
//!   write, our import template's columns and the national system's 附件4 summary sheet.
//! - [`write`] produces xlsx and CSV exports, the member import template and the error report
//!   that marks bad cells in a copy of an uploaded table.
//! - [`chart`] draws SVG charts (rates by org or requirement, an org's year by month) for pages
//!   and PDFs alike.
//! - [`ledger`] holds one org's year ledger (组织生活台账) as plain data, checks its records'
//!   consistency and renders it as xlsx and as PDF (typst as a library, with a CJK font from
//!   the system: [`find_cjk_font`]).
//!
//! - [`table_doc`] writes a document of tables (the dues ledgers) as xlsx and PDF from the same
//!   rows.
//!
//! Nothing here touches the database, the network or the clock (a ledger's date is the caller's
//! as-of date). Every error's `Display` is the Chinese message for the user, saying what to do.

pub mod chart;
pub mod election_sheets;
mod error;
pub mod font;
pub mod ledger;
mod pdf;
pub mod question_bank;
pub mod roster;
pub mod sheet;
pub mod table_doc;
pub mod transfer_letter;
pub mod unit_sheet;
pub mod write;
mod xls_guard;
mod xlsx_guard;

pub use error::ReportError;
pub use font::{CjkFont, find_cjk_font};
pub use roster::{
    ANNEX4_COLUMNS, ColumnMap, MemberColumn, TEMPLATE_COLUMNS, is_member_header, map_member_columns, template_example,
};
pub use sheet::{Cell, MAX_UPLOAD_BYTES, ReadError, Table, TableRow, read_table};
pub use write::{CellError, SheetSpec, WriteError, error_report_xlsx, member_template_xlsx, write_csv, write_xlsx};
