//! Dates as typed, Excel serials, ages and age bands.

use chrono::NaiveDate;
use domain::dates::{
    AgeBand, add_months, add_years, age_on, birthday, format_cn, format_iso, parse_date, parse_excel_serial,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn parse_date_accepts_the_usual_spellings() {
    for s in [
        "2020-01-05",
        "2020-1-5",
        "2020/1/5",
        "2020/01/05",
        "2020.1.5",
        "2020年1月5日",
        "2020年01月05日",
        "2020年1月5",
        "20200105",
        "  2020-01-05\t",
        "２０２０－０１－０５",
        "２０２０年１月５日",
    ] {
        assert_eq!(parse_date(s), Ok(d(2020, 1, 5)), "{s:?}");
    }
    assert_eq!(parse_date("2024-02-29"), Ok(d(2024, 2, 29)));
    assert_eq!(parse_date("1900-01-01"), Ok(d(1900, 1, 1)));
    assert_eq!(parse_date("2100-12-31"), Ok(d(2100, 12, 31)));
}

#[test]
fn parse_date_rejects_impossible_dates_naming_the_input() {
    let e = parse_date("2023-02-29").unwrap_err();
    assert_eq!(e.to_string(), "日期“2023-02-29”无效，请按 2020-01-05 的格式填写");
    for s in [
        "2023-13-01",
        "2023-00-10",
        "2023-04-31",
        "2020-1/5",
        "2020-1-5-1",
        "20-1-5",
        "2020105",
        "202001055",
        "2020年1月",
        "2020年1月5日后",
        "yesterday",
        "2020--5",
        "1/5/2020",
        "2020-1-5 00:00",
    ] {
        let e = parse_date(s).unwrap_err();
        assert!(e.to_string().contains("请"), "{s}: {e}");
    }
    assert!(parse_date("").unwrap_err().to_string().contains("请填写日期"));
    let long = "x".repeat(200);
    assert!(parse_date(&long).unwrap_err().to_string().chars().count() < 80);
}

#[test]
fn parse_date_years_1900_to_2100_only() {
    assert!(parse_date("1899-12-31").unwrap_err().to_string().contains("1900 至 2100"));
    assert!(parse_date("2101-01-01").unwrap_err().to_string().contains("1900 至 2100"));
    assert!(parse_date("0000-01-01").is_err());
}

#[test]
fn excel_serials_in_the_1900_date_system() {
    assert_eq!(parse_excel_serial(1.0), Ok(d(1900, 1, 1)));
    assert_eq!(parse_excel_serial(59.0), Ok(d(1900, 2, 28)));
    assert!(parse_excel_serial(60.0).unwrap_err().to_string().contains("1900年2月29日"));
    assert_eq!(parse_excel_serial(61.0), Ok(d(1900, 3, 1)));
    assert_eq!(parse_excel_serial(45000.0), Ok(d(2023, 3, 15)));
    assert_eq!(parse_excel_serial(45000.75), Ok(d(2023, 3, 15)), "time of day ignored");
    assert_eq!(parse_excel_serial(43831.0), Ok(d(2020, 1, 1)));
    assert_eq!(parse_excel_serial(73415.0), Ok(d(2100, 12, 31)));
    for bad in [0.0, 0.5, -1.0, 73416.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300] {
        let e = parse_excel_serial(bad).unwrap_err().to_string();
        assert!(e.contains('请') && e.chars().count() < 80, "{bad}: {e}");
    }
}

#[test]
fn formats() {
    assert_eq!(format_cn(d(2025, 3, 1)), "2025年3月1日");
    assert_eq!(format_cn(d(2025, 12, 31)), "2025年12月31日");
    assert_eq!(format_iso(d(2025, 3, 1)), "2025-03-01");
    assert_eq!(parse_date(&format_cn(d(1949, 10, 1))), Ok(d(1949, 10, 1)));
}

#[test]
fn age_counts_the_birthday_on_the_day() {
    let birth = d(1990, 6, 15);
    assert_eq!(age_on(birth, d(2008, 6, 14)), 17);
    assert_eq!(age_on(birth, d(2008, 6, 15)), 18);
    assert_eq!(age_on(birth, d(2008, 6, 16)), 18);
    assert_eq!(age_on(birth, birth), 0);
    assert_eq!(age_on(birth, d(1980, 1, 1)), 0, "before birth");
}

#[test]
fn feb_29_birthdays_fall_on_mar_1_in_common_years() {
    let birth = d(2000, 2, 29);
    assert_eq!(age_on(birth, d(2018, 2, 28)), 17);
    assert_eq!(age_on(birth, d(2018, 3, 1)), 18);
    assert_eq!(birthday(birth, 18), d(2018, 3, 1));
    // ... and on Feb 29 in leap years.
    assert_eq!(age_on(birth, d(2020, 2, 28)), 19);
    assert_eq!(age_on(birth, d(2020, 2, 29)), 20);
    assert_eq!(birthday(birth, 20), d(2020, 2, 29));
    assert_eq!(birthday(d(1990, 6, 15), 18), d(2008, 6, 15));
}

#[test]
fn add_years_and_months_clamp() {
    assert_eq!(add_years(d(2020, 2, 29), 1), d(2021, 2, 28));
    assert_eq!(add_years(d(2020, 2, 29), 4), d(2024, 2, 29));
    assert_eq!(add_years(d(2020, 7, 1), 2), d(2022, 7, 1));
    assert_eq!(add_months(d(2021, 1, 31), 1), d(2021, 2, 28));
    assert_eq!(add_months(d(2020, 1, 31), 1), d(2020, 2, 29));
    assert_eq!(add_months(d(2020, 8, 31), 1), d(2020, 9, 30));
    assert_eq!(add_months(d(2020, 11, 15), 3), d(2021, 2, 15));
    assert_eq!(add_months(d(2020, 11, 15), 0), d(2020, 11, 15));
    assert_eq!(add_years(d(2020, 1, 1), u32::MAX), NaiveDate::MAX, "saturates, no panic");
    assert_eq!(add_months(d(2020, 1, 1), u32::MAX), NaiveDate::MAX);
}

#[test]
fn age_band_boundaries() {
    let cases = [
        (0, AgeBand::To30),
        (30, AgeBand::To30),
        (31, AgeBand::From31To35),
        (35, AgeBand::From31To35),
        (36, AgeBand::From36To40),
        (40, AgeBand::From36To40),
        (41, AgeBand::From41To45),
        (46, AgeBand::From46To50),
        (51, AgeBand::From51To55),
        (56, AgeBand::From56To60),
        (60, AgeBand::From56To60),
        (61, AgeBand::From61),
        (120, AgeBand::From61),
    ];
    for (age, band) in cases {
        assert_eq!(AgeBand::of(age), band, "{age}");
    }
}

#[test]
fn age_band_identifiers_and_labels() {
    let ids: Vec<_> = AgeBand::ALL.iter().map(|b| b.as_str()).collect();
    assert_eq!(ids, ["to30", "31_35", "36_40", "41_45", "46_50", "51_55", "56_60", "61up"]);
    assert_eq!(AgeBand::To30.label(), "30岁及以下");
    assert_eq!(AgeBand::From31To35.label(), "31-35岁");
    assert_eq!(AgeBand::From61.label(), "61岁及以上");
    for b in AgeBand::ALL {
        assert_eq!(AgeBand::parse(b.as_str()), Some(b));
        assert_eq!(AgeBand::parse(b.label()), Some(b));
    }
    assert_eq!(AgeBand::parse("30"), None);
}

#[test]
fn age_band_birth_date_bounds_on_a_reference_date() {
    let as_of = d(2024, 12, 31);
    assert_eq!(AgeBand::To30.birth_date_bounds(as_of), (Some(d(1994, 1, 1)), None));
    assert_eq!(AgeBand::From31To35.birth_date_bounds(as_of), (Some(d(1989, 1, 1)), Some(d(1993, 12, 31))));
    assert_eq!(AgeBand::From61.birth_date_bounds(as_of), (None, Some(d(1963, 12, 31))));
    // The day before / on / after the 31st birthday.
    assert_eq!(AgeBand::of(age_on(d(1993, 12, 31), as_of)), AgeBand::From31To35);
    assert_eq!(AgeBand::of(age_on(d(1994, 1, 1), as_of)), AgeBand::To30);
}

#[test]
fn age_band_bounds_on_feb_29() {
    let as_of = d(2024, 2, 29);
    // 31 on 2024-02-29 means born on or before 1993-02-28 (1993 has no Feb 29).
    let (_, before) = AgeBand::From31To35.birth_date_bounds(as_of);
    assert_eq!(before, Some(d(1993, 2, 28)));
    assert_eq!(age_on(d(1993, 2, 28), as_of), 31);
    assert_eq!(age_on(d(1993, 3, 1), as_of), 30);
    // A Feb 29 birth on a common-year as_of.
    let as_of = d(2025, 2, 28);
    let (after, _) = AgeBand::To30.birth_date_bounds(as_of);
    assert_eq!(after, Some(d(1994, 3, 1)));
    assert_eq!(AgeBand::of(age_on(d(1996, 2, 29), as_of)), AgeBand::To30);
}

/// Stored dates are read strictly: exactly `YYYY-MM-DD`, a real day.
#[test]
fn parse_iso_reads_only_stored_dates() {
    use domain::dates::{Iso, parse_iso};
    let d = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    assert_eq!(parse_iso("2025-03-01"), Some(d));
    assert_eq!(d.iso(), "2025-03-01");
    for bad in ["2025-3-1", "2025-02-30", "+2025-03-01", "2025/03/01", " 2025-03-01", "2025-03-0１", ""] {
        assert_eq!(parse_iso(bad), None, "{bad:?}");
    }
}
