//! The CJK font embedded into every PDF: taken from the system (Debian's fonts-noto-cjk or
//! fonts-wqy-microhei) or from a configured path, found once at start and shared. No font file
//! is part of the repository.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontFlags};
use typst::utils::LazyHash;

use crate::error::ReportError;

/// Where Debian and Ubuntu put the CJK fonts, in order of preference. Every `.ttc`, `.ttf` and
/// `.otf` in [`ARPHIC_DIR`] is tried after these.
pub const DEFAULT_FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
];

/// The directory of the AR PL fonts (fonts-arphic-*).
pub const ARPHIC_DIR: &str = "/usr/share/fonts/truetype/arphic";

/// A character every usable font must have: 中.
const PROBE: u32 = 0x4E2D;

/// A loaded CJK font file: all its faces (a `.ttc` holds several), their metadata for typst,
/// and the family the PDF templates ask for. Cheap to clone (the data is shared).
#[derive(Clone)]
pub struct CjkFont {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    family: String,
    fonts: Vec<Font>,
    book: LazyHash<FontBook>,
}

impl fmt::Debug for CjkFont {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CjkFont")
            .field("path", &self.inner.path)
            .field("family", &self.inner.family)
            .field("faces", &self.inner.fonts.len())
            .finish()
    }
}

impl CjkFont {
    /// Loads every face of a font file (`.ttc`, `.ttf`, `.otf`) and picks the family to use:
    /// a face with Chinese glyphs, not monospaced, Simplified Chinese ("… SC") when the file has
    /// several.
    pub fn load(path: &Path) -> Result<CjkFont, ReportError> {
        let data = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ReportError::FontMissing { configured: Some(path.display().to_string()) },
            _ => ReportError::FontUnreadable { path: path.display().to_string(), reason: e.to_string() },
        })?;
        let fonts: Vec<Font> = Font::iter(Bytes::new(data)).collect();
        let not_cjk = || ReportError::NotCjkFont { path: path.display().to_string() };
        let family = fonts
            .iter()
            .map(Font::info)
            .filter(|info| info.coverage.contains(PROBE))
            .max_by_key(|info| {
                (
                    !info.flags.contains(FontFlags::MONOSPACE),
                    info.family.ends_with(" SC") || info.family.contains(" SC "),
                    // Among equals, the first face (max_by_key keeps the last maximum).
                    std::cmp::Reverse(fonts.iter().position(|f| f.info().family == info.family)),
                )
            })
            .map(|info| info.family.clone())
            .ok_or_else(not_cjk)?;
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        Ok(CjkFont { inner: Arc::new(Inner { path: path.to_path_buf(), family, fonts, book }) })
    }

    /// The font file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The family name the PDFs use (e.g. "Noto Sans CJK SC", "WenQuanYi Micro Hei").
    pub fn family(&self) -> &str {
        &self.inner.family
    }

    /// How many faces the file holds.
    pub fn face_count(&self) -> usize {
        self.inner.fonts.len()
    }

    pub(crate) fn book(&self) -> &LazyHash<FontBook> {
        &self.inner.book
    }

    pub(crate) fn font(&self, index: usize) -> Option<Font> {
        self.inner.fonts.get(index).cloned()
    }
}

/// The CJK font for PDFs: the configured file if given (an error if it does not exist —
/// [`ReportError::FontMissing`] naming it —, cannot be read or has no Chinese glyphs), else the
/// first usable file of [`DEFAULT_FONT_PATHS`] and [`ARPHIC_DIR`]; [`ReportError::FontMissing`]
/// when there is none. Reads a few megabytes: call it once at
/// start and share the result.
pub fn find_cjk_font(configured: Option<&Path>) -> Result<CjkFont, ReportError> {
    if let Some(path) = configured {
        return CjkFont::load(path);
    }
    let mut candidates: Vec<PathBuf> = DEFAULT_FONT_PATHS.iter().map(PathBuf::from).collect();
    if let Ok(dir) = std::fs::read_dir(ARPHIC_DIR) {
        let mut arphic: Vec<PathBuf> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| ["ttc", "ttf", "otf"].contains(&e.to_ascii_lowercase().as_str()))
            })
            .collect();
        arphic.sort();
        candidates.extend(arphic);
    }
    candidates
        .iter()
        .filter(|p| p.is_file())
        .find_map(|p| CjkFont::load(p).ok())
        .ok_or(ReportError::FontMissing { configured: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_configured_font_is_an_error() {
        let err = find_cjk_font(Some(Path::new("/nonexistent/zhibu/font.ttc"))).unwrap_err();
        assert!(matches!(err, ReportError::FontMissing { configured: Some(_) }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains("/nonexistent/zhibu/font.ttc"), "{msg}");
        assert!(msg.contains("fonts-wqy-microhei"), "{msg}");
        // A directory cannot be read as a file.
        let err = find_cjk_font(Some(&std::env::temp_dir())).unwrap_err();
        assert!(matches!(err, ReportError::FontUnreadable { .. }), "{err:?}");
    }

    #[test]
    fn a_file_that_is_no_font_is_refused() {
        let dir = std::env::temp_dir().join(format!("zhibu-reports-font-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("not-a-font.ttf");
        std::fs::write(&path, b"hello").unwrap();
        let err = find_cjk_font(Some(&path)).unwrap_err();
        std::fs::remove_dir_all(&dir).ok();
        assert!(matches!(err, ReportError::NotCjkFont { .. }), "{err:?}");
    }

    #[test]
    fn the_missing_font_message_says_what_to_install() {
        let msg = ReportError::FontMissing { configured: None }.to_string();
        assert!(msg.starts_with("未找到中文字体"), "{msg}");
        assert!(msg.contains("fonts-noto-cjk"));
        assert!(msg.contains("fonts-wqy-microhei"));
        assert!(msg.contains("路径"));
    }

    #[test]
    fn a_system_font_is_found_with_all_its_faces() {
        let font = match find_cjk_font(None) {
            Ok(font) => font,
            Err(ReportError::FontMissing { .. }) => {
                assert!(
                    std::env::var("ZHIBU_REQUIRE_FONT").as_deref() == Ok("0"),
                    "no CJK font on this machine (apt-get install fonts-wqy-microhei); \
                     set ZHIBU_REQUIRE_FONT=0 to skip the font tests in a quick local loop"
                );
                eprintln!("skipped: no CJK font on this machine (apt-get install fonts-wqy-microhei)");
                return;
            }
            Err(e) => panic!("{e}"),
        };
        assert!(font.face_count() >= 1);
        assert!(!font.family().is_empty());
        assert!(!font.family().contains("Mono"), "{}", font.family());
        if font.path().ends_with("wqy-microhei.ttc") {
            assert_eq!(font.face_count(), 2);
            assert_eq!(font.family(), "WenQuanYi Micro Hei");
        }
    }
}
