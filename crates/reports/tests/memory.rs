//! Peak memory of reading crafted workbooks (issue: a 13 KB spreadsheet must not take the
//! server down). A shared string is stored once in a file but copied into every cell that refers
//! to it, so a small file can expand to gigabytes; the reader must count every reference against
//! its text budget and cap one cell's length. The peak is measured by a counting allocator in
//! this test binary, so only the tests of this file run in it, one at a time.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{biff8_sst_workbook, compound_file, shared_string_bomb};
use reports::sheet::{MAX_CELL_CHARS, MAX_DECODED_BYTES};
use reports::{ReadError, is_member_header, read_table};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grow(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::SeqCst) + by;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

// SAFETY: every call is passed on to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grow(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::SeqCst);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One measurement at a time: the counters are global.
static SERIAL: Mutex<()> = Mutex::new(());

/// The bytes allocated at the peak of `f`, above what was allocated before it, and its result.
fn peak_of<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let out = f();
    (PEAK.load(Ordering::SeqCst) - before, out)
}

const MB: usize = 1024 * 1024;

/// The bound every crafted file below must stay under: the text budget, with room for the
/// cells' bookkeeping and the parser's buffers.
const PEAK_BOUND: usize = 3 * MAX_DECODED_BYTES;

fn message(e: &ReadError) -> String {
    e.to_string()
}

#[test]
fn an_xlsx_with_one_long_shared_string_in_every_row_stays_bounded() {
    // Excel's longest cell (32,767 characters, 96 KB of UTF-8) referred to by 60,000 rows:
    // 5.6 GB if every reference were copied.
    let long = "党".repeat(32_767);
    let file = shared_string_bomb(&["姓名", "公民身份号码"], &long, 60_000);
    let (peak, read) = peak_of(|| read_table(&file, &is_member_header));
    eprintln!("xlsx, long string: file {} KB, peak {} MB", file.len() / 1024, peak / MB);
    assert!(peak < PEAK_BOUND, "peak {} MB", peak / MB);
    // Every cell over the cap carries a note; the note is counted too, so the read either
    // succeeds with the notes or is refused for too much text, never copies the string.
    match read {
        Ok(table) => {
            let note = table.rows[0].cells[0].problem.as_deref().unwrap_or_default();
            assert!(note.contains(&format!("超过 {MAX_CELL_CHARS} 个字符")), "{note}");
            assert!(table.rows[0].cells[0].text.is_empty());
        }
        Err(e) => assert!(message(&e).contains("文字内容过多"), "{e}"),
    }
}

#[test]
fn an_xlsx_with_a_string_just_under_the_cell_cap_in_every_row_is_refused_within_budget() {
    // 4,999 characters (15 KB) in 60,000 rows: 880 MB of copies, over the budget of a read.
    let long = "党".repeat(MAX_CELL_CHARS - 1);
    let file = shared_string_bomb(&["姓名", "公民身份号码"], &long, 60_000);
    let (peak, read) = peak_of(|| read_table(&file, &is_member_header));
    eprintln!("xlsx, under the cap: file {} KB, peak {} MB", file.len() / 1024, peak / MB);
    assert!(peak < PEAK_BOUND, "peak {} MB", peak / MB);
    let err = read.expect_err("over the text budget");
    assert!(message(&err).contains("文字内容过多"), "{err}");
}

#[test]
fn an_xls_whose_cells_refer_to_one_long_shared_string_is_refused_before_calamine_copies_it() {
    // calamine copies a LabelSst's string into every cell as it parses the sheet; the guard
    // adds up the references first. 32,767 characters × 40,000 cells ≈ 3.7 GB.
    let shared = vec!["姓名".to_string(), "公民身份号码".to_string(), "党".repeat(32_767)];
    let mut cells = vec![(0, 0, 0), (0, 1, 1)];
    cells.extend((1..=40_000u16).map(|r| (r, 0, 2)));
    let file = compound_file("Workbook", &biff8_sst_workbook("名单", &shared, &cells), &[]);
    let (peak, read) = peak_of(|| read_table(&file, &is_member_header));
    eprintln!("xls, long string: file {} KB, peak {} MB", file.len() / 1024, peak / MB);
    assert!(peak < PEAK_BOUND, "peak {} MB", peak / MB);
    let err = read.expect_err("over the text budget");
    assert!(message(&err).contains("文字内容过多"), "{err}");
}

#[test]
fn an_xls_with_shared_strings_across_continue_records_is_read() {
    // The positive control of the guard's SST reading: strings that cross record boundaries
    // (a CONTINUE record with its flag byte) are read, and a cell just at the cap is kept.
    let at_cap = "党".repeat(MAX_CELL_CHARS);
    let shared = vec!["姓名".to_string(), "公民身份号码".to_string(), "张三".to_string(), at_cap.clone()];
    let cells = vec![(0, 0, 0), (0, 1, 1), (1, 0, 2), (1, 1, 3), (2, 0, 3)];
    let file = compound_file("Workbook", &biff8_sst_workbook("名单", &shared, &cells), &[]);
    let table = read_table(&file, &is_member_header).expect("a well-formed xls");
    assert_eq!(table.rows[0].cells[0].text, "张三");
    assert_eq!(table.rows[0].cells[1].text, at_cap);
    assert_eq!(table.rows[1].cells[0].text, at_cap);
}

#[test]
fn a_csv_cell_over_the_cap_gets_a_note_and_the_cell_at_the_cap_is_kept() {
    for (chars, kept) in [(MAX_CELL_CHARS - 1, true), (MAX_CELL_CHARS, true), (MAX_CELL_CHARS + 1, false)] {
        let text = format!("姓名,公民身份号码,备注\n张三,11010519850312123X,{}\n", "注".repeat(chars));
        let table = read_table(text.as_bytes(), &is_member_header).unwrap();
        let cell = &table.rows[0].cells[2];
        if kept {
            assert_eq!(cell.text.chars().count(), chars);
            assert!(cell.problem.is_none());
        } else {
            assert!(cell.text.is_empty());
            assert!(cell.problem.as_deref().unwrap_or_default().contains("单元格内容过长"), "{cell:?}");
        }
    }
}

#[test]
fn an_xlsx_cell_over_the_cap_is_noted_at_the_boundary() {
    for (chars, kept) in [(MAX_CELL_CHARS, true), (MAX_CELL_CHARS + 1, false)] {
        let file = shared_string_bomb(&["姓名", "公民身份号码"], &"党".repeat(chars), 3);
        let table = read_table(&file, &is_member_header).unwrap();
        let cell = &table.rows[0].cells[0];
        assert_eq!(cell.problem.is_none(), kept, "{chars}: {:?}", cell.problem);
        assert_eq!(cell.text.chars().count(), if kept { chars } else { 0 });
    }
}
