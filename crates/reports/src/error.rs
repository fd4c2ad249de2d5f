//! The error of the ledger renderers (xlsx and PDF) and of finding the CJK font.

use rust_xlsxwriter::XlsxError;
use thiserror::Error;

use crate::write::WriteError;

/// Why a report could not be made. `Display` is the Chinese message for the user.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReportError {
    /// Writing the xlsx workbook failed.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// No CJK font was found: none was configured and none is in the usual places, or the
    /// configured file does not exist (`configured` is then its path).
    #[error("{}", font_missing_message(.configured.as_deref()))]
    FontMissing { configured: Option<String> },
    /// The configured font file could not be read.
    #[error("无法读取配置的字体文件 {path}（{reason}），请检查字体路径和文件权限")]
    FontUnreadable { path: String, reason: String },
    /// The configured font file holds no font face with Chinese glyphs.
    #[error(
        "配置的字体文件 {path} 不是含中文字形的字体，请改用 Noto Sans CJK、文泉驿微米黑等中文字体文件（.ttc/.ttf/.otf）"
    )]
    NotCjkFont { path: String },
    /// Typst could not compile or export the document (not expected for any data).
    #[error("生成 PDF 文件失败（{0}），请重试；如仍失败，请联系系统管理员")]
    Pdf(String),
}

impl From<XlsxError> for ReportError {
    fn from(e: XlsxError) -> Self {
        ReportError::Write(WriteError::from(e))
    }
}

fn font_missing_message(configured: Option<&str>) -> String {
    let found = match configured {
        Some(path) => format!("配置的中文字体文件 {path} 不存在"),
        None => "未找到中文字体".to_string(),
    };
    format!(
        "{found}，无法生成 PDF。请在服务器上安装中文字体（Debian/Ubuntu：apt-get install fonts-noto-cjk 或 fonts-wqy-microhei），或在配置中设置中文字体文件（.ttc/.ttf/.otf）的路径"
    )
}
