//! A check of an xlsx file (a ZIP archive of XML parts) before calamine parses it.
//!
//! calamine reserves memory for as many shared strings as `sharedStrings.xml` declares in its
//! `uniqueCount` attribute: a crafted `uniqueCount="1000000000000"` makes it ask for 24 TB, and
//! the failed allocation aborts the process (no panic that `catch_unwind` could stop). A ZIP
//! archive can also hold a "decompression bomb" of gigabytes of XML in a few megabytes. This
//! module inflates every entry once, with the same `zip` crate calamine uses (so it sees the same
//! archive), and refuses a file that inflates to too much or declares too many shared strings.
//!
//! calamine streams a worksheet's XML but holds the other parts whole (shared strings, styles,
//! the workbook), so those are held to a tighter limit than the worksheets: the shared strings to
//! the text budget of a whole read ([`crate::sheet::MAX_DECODED_BYTES`]).

use std::io::{Cursor, Read};

/// The most one worksheet entry may inflate to, and all entries together.
const MAX_ENTRY_BYTES: u64 = 256 * 1024 * 1024;
const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// The most any other entry (which calamine holds in memory whole) may inflate to.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// The most shared strings an xlsx may declare (calamine reserves 24 bytes for each).
pub(crate) const MAX_SHARED_STRINGS: u64 = 2_000_000;

/// What the check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Safe to hand to calamine (which reports any archive it cannot read).
    Ok,
    /// The archive inflates to more than [`MAX_ENTRY_BYTES`] / [`MAX_TOTAL_BYTES`].
    TooLarge,
    /// A part declares more than [`MAX_SHARED_STRINGS`] shared strings.
    TooManyStrings,
    /// The shared strings inflate to more than the text budget of a read.
    TooMuchText,
}

pub(crate) fn check(bytes: &[u8]) -> Verdict {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Verdict::Ok;
    };
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(i) else {
            continue;
        };
        let name = entry.name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        let (limit, over) = if name.contains("sharedstrings") {
            (crate::sheet::MAX_DECODED_BYTES as u64, Verdict::TooMuchText)
        } else if name.contains("worksheets/") {
            (MAX_ENTRY_BYTES, Verdict::TooLarge)
        } else {
            (MAX_PART_BYTES, Verdict::TooLarge)
        };
        let mut scanner = UniqueCountScanner::default();
        let mut size = 0u64;
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            size += n as u64;
            total += n as u64;
            if size > limit {
                return over;
            }
            if total > MAX_TOTAL_BYTES {
                return Verdict::TooLarge;
            }
            if scanner.feed(&buf[..n]) > MAX_SHARED_STRINGS {
                return Verdict::TooManyStrings;
            }
        }
        if scanner.finish() > MAX_SHARED_STRINGS {
            return Verdict::TooManyStrings;
        }
    }
    Verdict::Ok
}

const NAME: &[u8] = b"uniqueCount";

#[derive(Debug, Clone, Copy, Default)]
enum State {
    #[default]
    Start,
    /// Matched this many bytes of [`NAME`].
    Name(usize),
    BeforeEq,
    BeforeQuote,
    Digits(u64),
}

/// Finds the largest value of any `uniqueCount = "digits"` in a stream of bytes, as calamine's
/// raw attribute reader would read it (no entities). NUL bytes are skipped, so XML in UTF-16 is
/// scanned too.
#[derive(Debug, Default)]
struct UniqueCountScanner {
    state: State,
    max: u64,
}

impl UniqueCountScanner {
    fn restart(b: u8) -> State {
        if b == NAME[0] { State::Name(1) } else { State::Start }
    }

    fn feed(&mut self, data: &[u8]) -> u64 {
        for &b in data {
            if b == 0 {
                continue;
            }
            self.state = match self.state {
                State::Start => Self::restart(b),
                State::Name(i) if NAME.get(i) == Some(&b) => {
                    if i + 1 == NAME.len() {
                        State::BeforeEq
                    } else {
                        State::Name(i + 1)
                    }
                }
                State::Name(_) => Self::restart(b),
                State::BeforeEq if b.is_ascii_whitespace() => State::BeforeEq,
                State::BeforeEq if b == b'=' => State::BeforeQuote,
                State::BeforeQuote if b.is_ascii_whitespace() => State::BeforeQuote,
                State::BeforeQuote if b == b'"' || b == b'\'' => State::Digits(0),
                State::Digits(v) if b.is_ascii_digit() => {
                    State::Digits(v.saturating_mul(10).saturating_add(u64::from(b - b'0')))
                }
                State::Digits(v) => {
                    self.max = self.max.max(v);
                    Self::restart(b)
                }
                State::BeforeEq | State::BeforeQuote => Self::restart(b),
            };
        }
        self.max
    }

    fn finish(&mut self) -> u64 {
        if let State::Digits(v) = self.state {
            self.max = self.max.max(v);
        }
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(chunks: &[&[u8]]) -> u64 {
        let mut s = UniqueCountScanner::default();
        for c in chunks {
            s.feed(c);
        }
        s.finish()
    }

    #[test]
    fn finds_the_count_across_chunks_and_encodings() {
        assert_eq!(scan(&[br#"<sst count="3" uniqueCount="3">"#]), 3);
        assert_eq!(scan(&[b"<sst uniqueCo", b"unt  =\n '1000000", b"000000'>"]), 1_000_000_000_000);
        let utf16: Vec<u8> = "<sst uniqueCount=\"12345\">".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(scan(&[&utf16]), 12345);
        assert_eq!(scan(&[b"uniqueCount=\"99999999999999999999999999\""]), u64::MAX);
        assert_eq!(scan(&[b"uniqueCount=&quot;5&quot; uniqueCountX=\"7\" uuniqueCount=\"8\""]), 8);
        assert_eq!(scan(&[b"no count here"]), 0);
    }
}
