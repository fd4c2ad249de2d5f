//! A check of an xls file (an OLE compound file holding a BIFF workbook) before calamine parses
//! it.
//!
//! calamine's xls reader trusts sizes in the file: a FAT chain that loops makes it read forever,
//! a DIMENSIONS record can make it reserve terabytes, and two value cells far apart make it
//! allocate the whole rectangle between them. An allocation failure aborts the process (it is no
//! panic that `catch_unwind` could stop), so a 1 KB crafted upload could stop the server. This
//! module follows the compound file the way calamine 0.38 does (same DIFAT, FAT, directory and
//! mini-stream rules) and walks the workbook stream's records, and refuses a file that is
//! malformed or whose sheets would need too much memory. Well-formed files written by Excel, WPS
//! or LibreOffice pass.

use std::collections::HashSet;

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// calamine follows the DIFAT chain while the next id is below this.
const MAXREGSECT_END: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
/// Streams shorter than this live in the mini stream.
const MINI_STREAM_CUTOFF: usize = 4096;
const MINI_SECTOR: usize = 64;

/// The most cells between a sheet's first and last value (calamine allocates the rectangle).
pub(crate) const MAX_SHEET_AREA: u64 = 4_000_000;
/// The same for all sheets of the workbook together (calamine parses them all).
const MAX_WORKBOOK_AREA: u64 = 8_000_000;
/// The largest used range a DIMENSIONS record may declare (BIFF8's 65,536 rows × 256 columns);
/// calamine reserves (but does not fill) memory for it.
const MAX_DIMENSIONS_AREA: u64 = 65_536 * 256;

/// What the check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Safe to hand to calamine.
    Ok,
    /// An encrypted OOXML package (an xlsx with an open password is an OLE file).
    Encrypted,
    /// A compound file without a workbook stream: a .doc, .ppt or .msg renamed.
    NotWorkbook,
    /// The compound file or the workbook stream is malformed.
    Malformed,
    /// A sheet's values are spread over too large a rectangle.
    RangeTooLarge,
    /// The cells refer to more shared-string text than the budget of a read: calamine copies a
    /// shared string into every cell that refers to it.
    TooMuchText,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at.checked_add(8)?)?.try_into().ok()?))
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

struct Compound<'a> {
    bytes: &'a [u8],
    header_len: usize,
    sector_size: usize,
    /// calamine refuses sector ids above this (file length / sector size).
    max_id: usize,
}

impl Compound<'_> {
    /// A sector, cut short by the end of the file as calamine reads it; `None` if its id is out
    /// of range or it starts at or after the end of the file (where calamine would panic).
    fn sector(&self, id: u32) -> Option<&[u8]> {
        let id = id as usize;
        if id > self.max_id {
            return None;
        }
        let start = id.checked_mul(self.sector_size)?.checked_add(self.header_len)?;
        if start >= self.bytes.len() {
            return None;
        }
        let end = start.checked_add(self.sector_size)?.min(self.bytes.len());
        self.bytes.get(start..end)
    }
}

/// Follows a chain as calamine's `Sectors::get_chain` does (read a sector, keep at most `len`
/// bytes, stop at `len` or ENDOFCHAIN), but refuses loops and ids outside `fat`.
fn chain<'s>(start: u32, fat: &[u32], len: usize, mut sector: impl FnMut(u32) -> Option<&'s [u8]>) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut id = start;
    while id != ENDOFCHAIN {
        if !seen.insert(id) {
            return None;
        }
        let data = sector(id)?;
        let take = data.len().min(len - out.len());
        out.extend_from_slice(&data[..take]);
        if out.len() >= len {
            break;
        }
        id = *fat.get(id as usize)?;
    }
    Some(out)
}

struct Entry {
    name: String,
    start: u32,
    len: usize,
}

/// Checks an OLE compound file (the caller has seen its magic number).
pub(crate) fn check(bytes: &[u8]) -> Verdict {
    check_inner(bytes).unwrap_or(Verdict::Malformed)
}

fn check_inner(bytes: &[u8]) -> Option<Verdict> {
    if bytes.get(..8)? != b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" || bytes.len() < 512 {
        return None;
    }
    let (header_len, sector_size) = match u16_at(bytes, 30)? {
        0x0009 => (512, 512),
        0x000C => (4096, 4096),
        _ => return None,
    };
    if bytes.len() < header_len || u16_at(bytes, 32)? != 0x0006 {
        return None;
    }
    let cf = Compound { bytes, header_len, sector_size, max_id: bytes.len() / sector_size };
    let dir_start = u32_at(bytes, 48)?;
    let mini_fat_start = u32_at(bytes, 60)?;
    let mini_fat_len = u32_at(bytes, 64)? as usize;
    let difat_start = u32_at(bytes, 68)?;

    // DIFAT: 109 ids in the header, then a chain whose sectors end with the next sector's id.
    let mut difat: Vec<u32> = u32s(bytes.get(76..512)?).collect();
    let mut id = difat_start;
    let mut steps = 0usize;
    while id < MAXREGSECT_END {
        steps += 1;
        if steps > cf.max_id + 1 {
            return None;
        }
        difat.extend(u32s(cf.sector(id)?));
        id = difat.pop()?;
    }
    let fat_ids: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
    // Each FAT sector once (calamine would concatenate repeats into a huge table).
    let unique: HashSet<u32> = fat_ids.iter().copied().collect();
    if unique.len() != fat_ids.len() || fat_ids.len() > cf.max_id + 1 {
        return None;
    }
    let mut fat = Vec::new();
    for id in fat_ids {
        fat.extend(u32s(cf.sector(id)?));
    }

    let dir_bytes = chain(dir_start, &fat, usize::MAX, |id| cf.sector(id))?;
    let entries: Vec<Entry> = dir_bytes
        .chunks_exact(128)
        .map(|e| {
            let units: Vec<u16> = e[..64].chunks_exact(2).map(|u| u16::from_le_bytes([u[0], u[1]])).collect();
            let mut name = String::from_utf16_lossy(&units);
            if let Some(nul) = name.find('\0') {
                name.truncate(nul);
            }
            let start = u32_at(e, 116).unwrap_or(ENDOFCHAIN);
            let len = if sector_size == 512 {
                u32_at(e, 120).map_or(0, |l| l as usize)
            } else {
                u64_at(e, 120).map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX))
            };
            Entry { name, start, len }
        })
        .collect();
    let root = entries.first()?;
    if sector_size != 512 && root.start == ENDOFCHAIN {
        return None;
    }
    let named = |name: &str| entries.iter().find(|e| e.name.eq_ignore_ascii_case(name));
    if named("EncryptedPackage").is_some() {
        return Some(Verdict::Encrypted);
    }
    let Some(workbook) = named("Workbook").or_else(|| named("Book")) else {
        return Some(Verdict::NotWorkbook);
    };

    let stream = if workbook.len < MINI_STREAM_CUTOFF {
        if mini_fat_len == 0 {
            return None;
        }
        let mini_stream = chain(root.start, &fat, root.len, |id| cf.sector(id))?;
        let mini_fat_bytes = chain(mini_fat_start, &fat, mini_fat_len.saturating_mul(sector_size), |id| cf.sector(id))?;
        let mini_fat: Vec<u32> = u32s(&mini_fat_bytes).collect();
        chain(workbook.start, &mini_fat, workbook.len, |id| {
            let start = (id as usize).checked_mul(MINI_SECTOR)?;
            mini_stream.get(start..start.checked_add(MINI_SECTOR)?)
        })?
    } else {
        if mini_fat_len > 0 {
            // calamine loads the mini stream and its FAT whenever the header declares one.
            chain(root.start, &fat, root.len, |id| cf.sector(id))?;
            chain(mini_fat_start, &fat, mini_fat_len.saturating_mul(sector_size), |id| cf.sector(id))?;
        }
        chain(workbook.start, &fat, workbook.len, |id| cf.sector(id))?
    };
    Some(check_workbook_stream(&stream))
}

/// One BIFF record as it lies in the stream.
struct Record<'a> {
    offset: usize,
    typ: u16,
    data: &'a [u8],
}

/// Walks the records as calamine does: the globals up to the first EOF, where BoundSheet8
/// records give each sheet's offset, then each sheet from its offset to its EOF (skipping nested
/// substreams such as embedded charts), looking at DIMENSIONS and at the positions of the cell
/// records calamine keeps.
fn check_workbook_stream(stream: &[u8]) -> Verdict {
    let mut records = Vec::new();
    let mut pos = 0usize;
    while let (Some(typ), Some(len)) = (u16_at(stream, pos), u16_at(stream, pos + 2)) {
        let Some(data) = stream.get(pos + 4..pos + 4 + len as usize) else {
            break; // calamine stops with an error when it gets here
        };
        records.push(Record { offset: pos, typ, data });
        pos += 4 + len as usize;
    }

    let mut sheet_offsets = Vec::new();
    let mut sst: Vec<u64> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        match r.typ {
            0x0085 => match u32_at(r.data, 0) {
                Some(offset) => sheet_offsets.push(offset as usize),
                None => return Verdict::Malformed,
            },
            // The last SST record wins, as in calamine.
            0x00FC => {
                let cont: Vec<&[u8]> = records[i + 1..]
                    .iter()
                    .take_while(|c| c.typ == 0x003C && stream.len() - c.offset > 4)
                    .map(|c| c.data)
                    .collect();
                match sst_text_bytes(r.data, &cont) {
                    Some(lengths) => sst = lengths,
                    None => return Verdict::Malformed,
                }
            }
            0x000A => break,
            _ => {}
        }
    }

    let mut total_area = 0u64;
    let mut total_text = 0u64;
    for offset in sheet_offsets {
        if offset == stream.len() {
            continue; // an empty sheet
        }
        // A sheet must start on a record boundary, else calamine would see other records.
        let Ok(first) = records.binary_search_by_key(&offset, |r| r.offset) else {
            return Verdict::Malformed;
        };
        match sheet_area(&records[first..], &sst) {
            Ok((area, text)) => {
                total_area = total_area.saturating_add(area);
                total_text = total_text.saturating_add(text);
            }
            Err(verdict) => return verdict,
        }
    }
    if total_area > MAX_WORKBOOK_AREA {
        return Verdict::RangeTooLarge;
    }
    if total_text > crate::sheet::MAX_DECODED_BYTES as u64 {
        return Verdict::TooMuchText;
    }
    Verdict::Ok
}

/// An upper bound of the UTF-8 bytes of each shared string, read as calamine's `parse_sst` and
/// `read_rich_extended_string` read them (the SST record, then its CONTINUE records, where a
/// string's characters go on after a one-byte flag). `None` where calamine fails.
fn sst_text_bytes(first: &[u8], cont: &[&[u8]]) -> Option<Vec<u64>> {
    let mut r = Fragments { data: first.get(8..)?, rest: cont };
    let mut out = Vec::new();
    while !r.data.is_empty() || r.next_fragment() {
        if r.data.is_empty() {
            out.push(0);
            continue;
        }
        let cch = usize::from(u16_at(r.data, 0)?);
        let flags = *r.data.get(2)?;
        r.data = &r.data[3..];
        let mut high_byte = flags & 0x1 != 0;
        let mut c_run = 0usize;
        let mut cb_ext_rst = 0usize;
        if flags & 0x8 != 0 {
            c_run = usize::from(u16_at(r.data, 0)?);
            r.data = &r.data[2..];
        }
        if flags & 0x4 != 0 {
            // calamine reads an i32 and casts it; a negative size makes its skip fail.
            cb_ext_rst = usize::try_from(u32_at(r.data, 0)? as i32).ok()?;
            r.data = &r.data[4..];
        }
        let mut left = cch;
        while left > 0 {
            let take = if high_byte { (r.data.len() / 2).min(left) } else { r.data.len().min(left) };
            r.data = &r.data[if high_byte { 2 * take } else { take }..];
            left -= take;
            if left > 0 {
                if !r.next_fragment() {
                    return None;
                }
                high_byte = *r.data.first()? & 0x1 != 0;
                r.data = &r.data[1..];
            }
        }
        r.skip(c_run.checked_mul(4)?)?;
        r.skip(cb_ext_rst)?;
        // At most three bytes of UTF-8 for each UTF-16 unit.
        out.push(cch as u64 * 3);
    }
    Some(out)
}

/// A record's data followed by its CONTINUE records.
struct Fragments<'a> {
    data: &'a [u8],
    rest: &'a [&'a [u8]],
}

impl Fragments<'_> {
    fn next_fragment(&mut self) -> bool {
        match self.rest.split_first() {
            Some((first, rest)) => {
                self.data = first;
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn skip(&mut self, mut len: usize) -> Option<()> {
        while len > 0 {
            if self.data.is_empty() && !self.next_fragment() {
                return None;
            }
            let n = len.min(self.data.len());
            self.data = &self.data[n..];
            len -= n;
        }
        Some(())
    }
}

/// The rectangle calamine will allocate for one sheet's cells, in cells, and the bytes of the
/// shared strings its LabelSst cells refer to (each copied once per cell by calamine).
fn sheet_area(records: &[Record<'_>], sst: &[u64]) -> Result<(u64, u64), Verdict> {
    let mut text = 0u64;
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut extend = |row: u32, col: u32| {
        bounds = Some(match bounds {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    };
    let mut seen_bof = false;
    let mut depth = 0usize;
    for r in records {
        if depth > 0 {
            match r.typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let cell_pos = || Some((u32::from(u16_at(r.data, 0)?), u32::from(u16_at(r.data, 2)?)));
        match r.typ {
            0x0809 => {
                if seen_bof {
                    depth += 1;
                } else {
                    seen_bof = true;
                }
            }
            0x0200 => check_dimensions(r.data)?,
            // Number, Label, RString, BoolErr, Rk, LabelSst, Formula.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let Some((row, col)) = cell_pos() {
                    extend(row, col);
                }
                if r.typ == 0x00FD
                    && r.data.len() >= 10
                    && let Some(bytes) = u32_at(r.data, 6).and_then(|i| sst.get(i as usize))
                {
                    text = text.saturating_add(*bytes);
                }
            }
            // MulRk: one row, columns from the first on, one per 6 bytes.
            0x00BD => {
                if let Some((row, col)) = cell_pos() {
                    let count = (r.data.len().saturating_sub(6) / 6) as u32;
                    extend(row, col);
                    extend(row, col.saturating_add(count));
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    let area = bounds.map_or(0, |(r0, r1, c0, c1)| (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1));
    if area > MAX_SHEET_AREA { Err(Verdict::RangeTooLarge) } else { Ok((area, text)) }
}

/// Reads DIMENSIONS as calamine's `parse_dimensions` does and refuses what would overflow its
/// size arithmetic or reserve more than BIFF8's largest sheet.
fn check_dimensions(data: &[u8]) -> Result<(), Verdict> {
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0).unwrap_or(0)),
            u32::from(u16_at(data, 2).unwrap_or(0)),
            u32::from(u16_at(data, 4).unwrap_or(0)),
            u32::from(u16_at(data, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(data, 0).unwrap_or(0),
            u32_at(data, 4).unwrap_or(0),
            u32::from(u16_at(data, 8).unwrap_or(0)),
            u32::from(u16_at(data, 10).unwrap_or(0)),
        ),
        _ => return Ok(()), // calamine rejects the file
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    let (start, end) = if rl >= 1 && cl >= 1 { ((rf, cf), (rl - 1, cl - 1)) } else { ((rf, cf), (rf, cf)) };
    if end.0 < start.0 || end.1 < start.1 {
        return Err(Verdict::Malformed);
    }
    let area = (u64::from(end.0 - start.0) + 1) * (u64::from(end.1 - start.1) + 1);
    if area > MAX_DIMENSIONS_AREA { Err(Verdict::RangeTooLarge) } else { Ok(()) }
}
