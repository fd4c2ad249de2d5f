//! Period arithmetic: months, quarters, half-years and years, their boundaries, leap years, labels.

use chrono::NaiveDate;
use domain::period::{Period, PeriodKind};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn span(p: Period) -> (NaiveDate, NaiveDate) {
    (p.start(), p.end())
}

#[test]
fn period_february_ends_on_the_29th_in_a_leap_year_and_the_28th_otherwise() {
    assert_eq!(span(Period::containing(PeriodKind::Month, d(2024, 2, 10))), (d(2024, 2, 1), d(2024, 2, 29)));
    assert_eq!(span(Period::containing(PeriodKind::Month, d(2025, 2, 10))), (d(2025, 2, 1), d(2025, 2, 28)));
    assert_eq!(span(Period::containing(PeriodKind::Month, d(2000, 2, 29))), (d(2000, 2, 1), d(2000, 2, 29)));
    assert_eq!(span(Period::containing(PeriodKind::Month, d(1900, 2, 1))), (d(1900, 2, 1), d(1900, 2, 28)));
}

#[test]
fn period_first_quarter_has_91_days_in_a_leap_year_and_90_otherwise() {
    assert_eq!(Period::containing(PeriodKind::Quarter, d(2024, 1, 1)).days(), 91);
    assert_eq!(Period::containing(PeriodKind::Quarter, d(2025, 1, 1)).days(), 90);
    assert_eq!(Period::containing(PeriodKind::Year, d(2024, 6, 1)).days(), 366);
    assert_eq!(Period::containing(PeriodKind::Year, d(2025, 6, 1)).days(), 365);
}

#[test]
fn period_quarter_boundaries_fall_between_the_last_and_first_days() {
    let cases = [
        (d(2025, 3, 31), d(2025, 1, 1), d(2025, 3, 31), 1),
        (d(2025, 4, 1), d(2025, 4, 1), d(2025, 6, 30), 2),
        (d(2025, 6, 30), d(2025, 4, 1), d(2025, 6, 30), 2),
        (d(2025, 7, 1), d(2025, 7, 1), d(2025, 9, 30), 3),
        (d(2025, 9, 30), d(2025, 7, 1), d(2025, 9, 30), 3),
        (d(2025, 10, 1), d(2025, 10, 1), d(2025, 12, 31), 4),
        (d(2025, 12, 31), d(2025, 10, 1), d(2025, 12, 31), 4),
    ];
    for (date, start, end, index) in cases {
        let q = Period::containing(PeriodKind::Quarter, date);
        assert_eq!((q.start(), q.end(), q.index()), (start, end, index), "{date}");
        assert!(q.contains(date));
    }
}

#[test]
fn period_half_year_boundary_is_between_june_30_and_july_1() {
    let h1 = Period::containing(PeriodKind::HalfYear, d(2025, 6, 30));
    let h2 = Period::containing(PeriodKind::HalfYear, d(2025, 7, 1));
    assert_eq!(span(h1), (d(2025, 1, 1), d(2025, 6, 30)));
    assert_eq!(span(h2), (d(2025, 7, 1), d(2025, 12, 31)));
    assert_eq!((h1.index(), h2.index()), (1, 2));
    assert_eq!(h1.next(), Some(h2));
}

#[test]
fn period_labels_are_chinese() {
    assert_eq!(Period::containing(PeriodKind::Month, d(2025, 3, 9)).label(), "2025年3月");
    assert_eq!(Period::containing(PeriodKind::Quarter, d(2025, 2, 9)).label(), "2025年第一季度");
    assert_eq!(Period::containing(PeriodKind::Quarter, d(2025, 11, 9)).label(), "2025年第四季度");
    assert_eq!(Period::containing(PeriodKind::HalfYear, d(2025, 2, 9)).label(), "2025年上半年");
    assert_eq!(Period::containing(PeriodKind::HalfYear, d(2025, 8, 9)).label(), "2025年下半年");
    assert_eq!(Period::containing(PeriodKind::Year, d(2025, 8, 9)).label(), "2025年");
    assert_eq!(Period::containing(PeriodKind::Month, d(2025, 3, 9)).short_label(), "3月");
    assert_eq!(Period::containing(PeriodKind::Quarter, d(2025, 5, 9)).short_label(), "第二季度");
    assert_eq!(Period::containing(PeriodKind::Month, d(2025, 12, 1)).to_string(), "2025年12月");
}

#[test]
fn period_next_and_prev_cross_the_year() {
    let dec = Period::containing(PeriodKind::Month, d(2024, 12, 31));
    let jan = dec.next().unwrap();
    assert_eq!(span(jan), (d(2025, 1, 1), d(2025, 1, 31)));
    assert_eq!(jan.prev(), Some(dec));
    let q4 = Period::containing(PeriodKind::Quarter, d(2024, 10, 1));
    assert_eq!(q4.next().unwrap().label(), "2025年第一季度");
    let y = Period::containing(PeriodKind::Year, d(2024, 2, 29));
    assert_eq!(y.next().unwrap().label(), "2025年");
}

#[test]
fn period_in_year_covers_the_year_without_gaps() {
    for kind in PeriodKind::ALL {
        for year in [2023, 2024, 2100] {
            let periods = Period::in_year(kind, year);
            assert_eq!(periods.len() as u32, kind.per_year(), "{kind:?} {year}");
            assert_eq!(periods.first().unwrap().start(), d(year, 1, 1));
            assert_eq!(periods.last().unwrap().end(), d(year, 12, 31));
            for pair in periods.windows(2) {
                assert_eq!(pair[0].next(), Some(pair[1]));
                assert_eq!(pair[0].end().succ_opt(), Some(pair[1].start()));
            }
            let days: i64 = periods.iter().map(|p| p.days()).sum();
            assert_eq!(days, Period::containing(PeriodKind::Year, d(year, 1, 1)).days());
        }
    }
}

#[test]
fn period_last_day_is_still_open_and_next_day_it_has_ended() {
    let q1 = Period::containing(PeriodKind::Quarter, d(2025, 1, 15));
    assert!(!q1.has_ended(d(2025, 3, 31)));
    assert!(q1.has_ended(d(2025, 4, 1)));
    assert!(q1.is_future(d(2024, 12, 31)));
    assert!(!q1.is_future(d(2025, 1, 1)));
}

#[test]
fn period_extreme_dates_do_not_panic() {
    for kind in PeriodKind::ALL {
        let last = Period::containing(kind, NaiveDate::MAX);
        assert_eq!(last.end(), NaiveDate::MAX);
        assert_eq!(last.next(), None);
        let first = Period::containing(kind, NaiveDate::MIN);
        assert_eq!(first.prev(), None);
        assert!(Period::in_year(kind, i32::MAX).is_empty());
        assert!(Period::in_year(kind, i32::MIN).is_empty());
    }
}

#[test]
fn period_kind_parses_identifiers_and_labels() {
    for kind in PeriodKind::ALL {
        assert_eq!(PeriodKind::parse(kind.as_str()), Some(kind));
        assert_eq!(PeriodKind::parse(kind.label()), Some(kind));
        assert_eq!(PeriodKind::parse(kind.every()), Some(kind));
    }
    assert_eq!(PeriodKind::parse("fortnight"), None);
}
