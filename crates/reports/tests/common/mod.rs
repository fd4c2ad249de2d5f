//! Builders for test files made in the tests themselves: a minimal BIFF8 workbook in an OLE
//! compound file (an .xls as Excel 97–2003 saves it), a ZIP archive, pseudo-random bytes.
#![allow(dead_code)]

pub enum XlsValue {
    Text(&'static str),
    Number(f64),
    Bool(bool),
    /// An Excel error value by its BIFF code (0x07 = #DIV/0!, 0x2A = #N/A).
    Error(u8),
}

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

fn bof(dt: u16) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&0x0600u16.to_le_bytes());
    d.extend_from_slice(&dt.to_le_bytes());
    d.extend_from_slice(&[0; 12]);
    d
}

/// A DIMENSIONS record body (BIFF8, 14 bytes).
pub fn dimensions(first_row: u32, last_row_plus_1: u32, first_col: u16, last_col_plus_1: u16) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&first_row.to_le_bytes());
    d.extend_from_slice(&last_row_plus_1.to_le_bytes());
    d.extend_from_slice(&first_col.to_le_bytes());
    d.extend_from_slice(&last_col_plus_1.to_le_bytes());
    d.extend_from_slice(&[0, 0]);
    d
}

/// The start of a one-sheet workbook's globals: BOF and the BoundSheet8 record, and where in it
/// the sheet's offset is to be written.
fn globals_start(sheet_name: &str) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    record(&mut out, 0x0809, &bof(0x0005));
    let mut bound = vec![0, 0, 0, 0, 0, 0];
    let units: Vec<u16> = sheet_name.encode_utf16().collect();
    bound.push(units.len() as u8);
    bound.push(1);
    for u in &units {
        bound.extend_from_slice(&u.to_le_bytes());
    }
    let offset_at = out.len() + 4;
    record(&mut out, 0x0085, &bound);
    (out, offset_at)
}

/// The DIMENSIONS record body of the rectangle the cells at these (row, column) positions span.
fn used_range(positions: impl Iterator<Item = (u16, u16)> + Clone) -> Vec<u8> {
    let rows = positions.clone().map(|(r, _)| u32::from(r));
    let cols = positions.map(|(_, c)| c);
    dimensions(
        rows.clone().min().unwrap_or(0),
        rows.max().map_or(0, |r| r + 1),
        cols.clone().min().unwrap_or(0),
        cols.max().map_or(0, |c| c + 1),
    )
}

/// The Workbook stream of a one-sheet BIFF8 workbook. `dims` overrides the DIMENSIONS record.
pub fn biff8_workbook(sheet_name: &str, cells: &[(u16, u16, XlsValue)], dims: Option<Vec<u8>>) -> Vec<u8> {
    let (mut out, offset_at) = globals_start(sheet_name);
    record(&mut out, 0x000A, &[]);
    let sheet_offset = out.len() as u32;
    out[offset_at..offset_at + 4].copy_from_slice(&sheet_offset.to_le_bytes());

    record(&mut out, 0x0809, &bof(0x0010));
    let dims = dims.unwrap_or_else(|| used_range(cells.iter().map(|c| (c.0, c.1))));
    record(&mut out, 0x0200, &dims);
    for (row, col, value) in cells {
        let mut d = Vec::new();
        d.extend_from_slice(&row.to_le_bytes());
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        match value {
            XlsValue::Text(s) => {
                let units: Vec<u16> = s.encode_utf16().collect();
                d.extend_from_slice(&(units.len() as u16).to_le_bytes());
                d.push(1);
                for u in &units {
                    d.extend_from_slice(&u.to_le_bytes());
                }
                record(&mut out, 0x0204, &d);
            }
            XlsValue::Number(f) => {
                d.extend_from_slice(&f.to_le_bytes());
                record(&mut out, 0x0203, &d);
            }
            XlsValue::Bool(b) => {
                d.extend_from_slice(&[u8::from(*b), 0]);
                record(&mut out, 0x0205, &d);
            }
            XlsValue::Error(code) => {
                d.extend_from_slice(&[*code, 1]);
                record(&mut out, 0x0205, &d);
            }
        }
    }
    record(&mut out, 0x000A, &[]);
    out
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FREESECT: u32 = 0xFFFF_FFFF;
const FATSECT: u32 = 0xFFFF_FFFD;

fn dir_entry(name: &str, typ: u8, start: u32, size: u32) -> Vec<u8> {
    let mut e = vec![0u8; 128];
    let units: Vec<u16> = name.encode_utf16().collect();
    for (i, u) in units.iter().enumerate() {
        e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
    }
    let name_len = if name.is_empty() { 0 } else { (units.len() as u16 + 1) * 2 };
    e[64..66].copy_from_slice(&name_len.to_le_bytes());
    e[66] = typ;
    e[67] = 1;
    for at in [68, 72, 76] {
        e[at..at + 4].copy_from_slice(&FREESECT.to_le_bytes());
    }
    e[116..120].copy_from_slice(&start.to_le_bytes());
    e[120..124].copy_from_slice(&size.to_le_bytes());
    e
}

/// An OLE compound file (version 3, 512-byte sectors) holding one stream, padded to 4096 bytes
/// so it lives in regular sectors. The FAT takes as many sectors as the stream needs (sectors
/// 0..k), the directory follows, then the stream; with one FAT sector the stream starts at
/// sector 2. `fat_patch` edits FAT entries (to make chains loop).
pub fn compound_file(stream_name: &str, stream: &[u8], fat_patch: &[(usize, u32)]) -> Vec<u8> {
    let mut stream = stream.to_vec();
    if stream.len() < 4096 {
        stream.resize(4096, 0);
    }
    let size = stream.len() as u32;
    stream.resize(stream.len().div_ceil(512) * 512, 0);
    let n = stream.len() / 512;
    let fat_sectors = (n + 1).div_ceil(127);
    assert!(fat_sectors <= 109, "test streams fit the header's DIFAT");
    let dir_sector = fat_sectors;
    let first = dir_sector + 1;

    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    header[24..26].copy_from_slice(&0x003Eu16.to_le_bytes());
    header[26..28].copy_from_slice(&3u16.to_le_bytes());
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[30..32].copy_from_slice(&9u16.to_le_bytes());
    header[32..34].copy_from_slice(&6u16.to_le_bytes());
    header[44..48].copy_from_slice(&(fat_sectors as u32).to_le_bytes()); // FAT sectors
    header[48..52].copy_from_slice(&(dir_sector as u32).to_le_bytes()); // first directory sector
    header[56..60].copy_from_slice(&4096u32.to_le_bytes());
    header[60..64].copy_from_slice(&ENDOFCHAIN.to_le_bytes()); // no mini FAT
    header[68..72].copy_from_slice(&ENDOFCHAIN.to_le_bytes()); // no DIFAT chain
    for i in 0..109 {
        let id = if i < fat_sectors { i as u32 } else { FREESECT };
        header[76 + 4 * i..80 + 4 * i].copy_from_slice(&id.to_le_bytes());
    }

    let mut fat = vec![FREESECT; 128 * fat_sectors];
    for f in fat.iter_mut().take(fat_sectors) {
        *f = FATSECT;
    }
    fat[dir_sector] = ENDOFCHAIN;
    for i in 0..n {
        fat[first + i] = if i + 1 == n { ENDOFCHAIN } else { (first + 1 + i) as u32 };
    }
    for (at, value) in fat_patch {
        fat[*at] = *value;
    }

    let mut out = header;
    for id in fat {
        out.extend_from_slice(&id.to_le_bytes());
    }
    out.extend(dir_entry("Root Entry", 5, ENDOFCHAIN, 0));
    out.extend(dir_entry(stream_name, 2, first as u32, size));
    out.extend(dir_entry("", 0, FREESECT, 0));
    out.extend(dir_entry("", 0, FREESECT, 0));
    out.extend(stream);
    out
}

/// An .xls file with one sheet.
pub fn xls(sheet_name: &str, cells: &[(u16, u16, XlsValue)]) -> Vec<u8> {
    compound_file("Workbook", &biff8_workbook(sheet_name, cells, None), &[])
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A ZIP archive with stored (uncompressed) entries.
pub fn zip_stored(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let mut common = Vec::new();
        common.extend_from_slice(&20u16.to_le_bytes()); // version needed
        common.extend_from_slice(&0u16.to_le_bytes()); // flags
        common.extend_from_slice(&0u16.to_le_bytes()); // stored
        common.extend_from_slice(&0u32.to_le_bytes()); // time, date
        common.extend_from_slice(&crc.to_le_bytes());
        common.extend_from_slice(&(data.len() as u32).to_le_bytes());
        common.extend_from_slice(&(data.len() as u32).to_le_bytes());
        common.extend_from_slice(&(name.len() as u16).to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes()); // extra
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&common);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        central.extend_from_slice(&common);
        central.extend_from_slice(&[0; 10]); // comment length, disk, attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// Deterministic pseudo-random bytes.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

pub fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A minimal xlsx written by hand (stored entries, no styles): a sheet whose cells are shared
/// strings, with `unique_count` as sharedStrings.xml's `uniqueCount` attribute.
pub fn handmade_xlsx(rows: &[&[&str]], unique_count: &str) -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let workbook_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let mut strings = Vec::new();
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, text) in row.iter().enumerate() {
            let col = char::from(b'A' + c as u8);
            sheet.push_str(&format!(r#"<c r="{col}{}" t="s"><v>{}</v></c>"#, r + 1, strings.len()));
            strings.push(format!("<si><t>{text}</t></si>"));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let shared = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{}" uniqueCount="{unique_count}">{}</sst>"#,
        strings.len(),
        strings.concat()
    );
    zip_stored(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ("xl/sharedStrings.xml", shared.as_bytes()),
    ])
}

/// The Workbook stream of a one-sheet BIFF8 workbook whose text cells are LabelSst records
/// referring to a shared-string table (SST), as Excel writes them. `cells` are (row, column,
/// index into `shared`). Every string is written with two bytes a character; a string that
/// crosses the end of a record goes on in a CONTINUE record after a flag byte, as Excel does.
pub fn biff8_sst_workbook(sheet_name: &str, shared: &[String], cells: &[(u16, u16, u32)]) -> Vec<u8> {
    let (mut out, offset_at) = globals_start(sheet_name);

    // SST: records of at most 8,224 bytes; a string's characters may be split between records,
    // the next record then starting with the flag byte.
    let mut fragments: Vec<Vec<u8>> = vec![Vec::new()];
    let push = |fragments: &mut Vec<Vec<u8>>, bytes: &[u8]| {
        fragments.last_mut().unwrap().extend_from_slice(bytes);
    };
    push(&mut fragments, &(shared.len() as u32).to_le_bytes());
    push(&mut fragments, &(shared.len() as u32).to_le_bytes());
    for s in shared {
        let units: Vec<u16> = s.encode_utf16().collect();
        if fragments.last().unwrap().len() + 3 + 2 > 8224 {
            fragments.push(Vec::new());
        }
        push(&mut fragments, &(units.len() as u16).to_le_bytes());
        push(&mut fragments, &[1]);
        for u in &units {
            if fragments.last().unwrap().len() + 2 > 8224 {
                fragments.push(vec![1]);
            }
            push(&mut fragments, &u.to_le_bytes());
        }
    }
    for (i, f) in fragments.iter().enumerate() {
        record(&mut out, if i == 0 { 0x00FC } else { 0x003C }, f);
    }
    record(&mut out, 0x000A, &[]);
    let sheet_offset = out.len() as u32;
    out[offset_at..offset_at + 4].copy_from_slice(&sheet_offset.to_le_bytes());

    record(&mut out, 0x0809, &bof(0x0010));
    record(&mut out, 0x0200, &used_range(cells.iter().map(|c| (c.0, c.1))));
    for (row, col, isst) in cells {
        let mut d = Vec::new();
        d.extend_from_slice(&row.to_le_bytes());
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&isst.to_le_bytes());
        record(&mut out, 0x00FD, &d);
    }
    record(&mut out, 0x000A, &[]);
    out
}

/// An xlsx written by hand whose first row holds `header` and whose next `rows` rows each hold,
/// in column A, a reference to one shared string `long` (and in column B a distinct ID-like
/// text): the shape of a small workbook that expands to gigabytes when every reference is
/// copied.
pub fn shared_string_bomb(header: &[&str], long: &str, rows: usize) -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let workbook_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let mut shared: Vec<String> = header.iter().map(|h| format!("<si><t>{h}</t></si>")).collect();
    let long_index = shared.len();
    shared.push(format!("<si><t>{long}</t></si>"));
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">"#,
    );
    for c in 0..header.len() {
        let col = char::from(b'A' + c as u8);
        sheet.push_str(&format!(r#"<c r="{col}1" t="s"><v>{c}</v></c>"#));
    }
    sheet.push_str("</row>");
    for r in 2..rows + 2 {
        sheet.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="s"><v>{long_index}</v></c><c r="B{r}" t="inlineStr"><is><t>{r}</t></is></c></row>"#
        ));
    }
    sheet.push_str("</sheetData></worksheet>");
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{}" uniqueCount="{}">{}</sst>"#,
        rows + header.len(),
        shared.len(),
        shared.concat()
    );
    zip_stored(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ("xl/sharedStrings.xml", sst.as_bytes()),
    ])
}
