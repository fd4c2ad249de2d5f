//! Property tests: parsers never panic, ID numbers round-trip and detect single-digit errors,
//! masks never reveal the middle, age bands agree with ages.

use chrono::{Datelike, NaiveDate};
use domain::codes::Gender;
use domain::dates::{
    AgeBand, add_months, add_years, age_on, birthday, format_cn, format_iso, parse_date, parse_excel_serial,
};
use domain::member::{IdNumber, PersonName, Phone, mask_id_number, mask_phone};
use proptest::prelude::*;

const PROVINCES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44",
    "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
];

fn date_between(from: NaiveDate, to: NaiveDate) -> impl Strategy<Value = NaiveDate> {
    let span = (to - from).num_days();
    (0..=span).prop_map(move |n| from + chrono::Duration::days(n))
}

/// Any date in 1900..=2100.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    date_between(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2100, 12, 31).unwrap())
}

fn area6() -> impl Strategy<Value = String> {
    (prop::sample::select(&PROVINCES[..]), "[0-9]{4}").prop_map(|(p, rest)| format!("{p}{rest}"))
}

fn valid_id() -> impl Strategy<Value = IdNumber> {
    (area6(), any_date(), 0u16..=999).prop_filter_map("valid parts", |(a, b, s)| IdNumber::from_parts(&a, b, s))
}

/// Strings that look like ID numbers, dates or phones, to reach the deeper checks.
fn lookalike() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9xX ]{0,20}",
        "[0-9]{17}[0-9xX]",
        "[0-9]{1,5}[-/.年][0-9]{1,3}[-/.月][0-9]{1,3}日?",
        "[0-9+()（）\\- ]{0,20}",
        "\\PC{0,60}",
    ]
}

proptest! {
    #[test]
    fn id_number_parse_never_panics(s in lookalike()) {
        let _ = IdNumber::parse(&s);
    }

    #[test]
    fn parse_date_never_panics(s in lookalike()) {
        if let Ok(d) = parse_date(&s) {
            prop_assert!((1900..=2100).contains(&d.year()));
        }
    }

    #[test]
    fn phone_parse_never_panics(s in lookalike()) {
        if let Ok(p) = Phone::parse(&s) {
            let masked = p.masked();
            prop_assert!(masked.contains('*'));
        }
    }

    #[test]
    fn person_name_parse_never_panics(s in lookalike()) {
        if let Ok(n) = PersonName::parse(&s) {
            prop_assert!(!n.as_str().chars().any(|c| c.is_ascii_digit() || c.is_control()));
            prop_assert!((1..=50).contains(&n.as_str().chars().count()));
        }
    }

    #[test]
    fn excel_serial_never_panics(x in any::<f64>()) {
        let _ = parse_excel_serial(x);
    }

    #[test]
    fn masks_never_panic_and_keep_the_length(s in lookalike()) {
        let masked = mask_id_number(&s);
        prop_assert_eq!(masked.chars().count(), s.trim().chars().count());
        let _ = mask_phone(&s);
    }

    #[test]
    fn from_parts_round_trips(area in area6(), birth in any_date(), seq in 0u16..=999) {
        let id = IdNumber::from_parts(&area, birth, seq);
        prop_assert!(id.is_some());
        let id = id.unwrap();
        let back = IdNumber::parse(id.as_str()).unwrap();
        prop_assert_eq!(back.birth_date(), birth);
        let expected = if seq % 2 == 1 { Gender::Male } else { Gender::Female };
        prop_assert_eq!(back.gender(), expected);
        prop_assert_eq!(&back, &id);
        prop_assert_eq!(&id.as_str()[..6], area.as_str());
        // Lowercase x is accepted.
        prop_assert_eq!(IdNumber::parse(&id.as_str().to_lowercase()).unwrap(), id);
    }

    #[test]
    fn a_single_changed_character_is_always_detected(
        id in valid_id(),
        pos in 0usize..18,
        delta in 1u8..=10,
    ) {
        let mut chars: Vec<char> = id.as_str().chars().collect();
        if pos < 17 {
            let digit = chars[pos].to_digit(10).unwrap() as u8;
            let changed = (digit + (delta - 1) % 9 + 1) % 10; // a different digit
            chars[pos] = char::from(b'0' + changed);
        } else {
            const CHECKS: [char; 11] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'];
            let i = CHECKS.iter().position(|c| *c == chars[17]).unwrap();
            chars[17] = CHECKS[(i + usize::from(delta)) % 11];
        }
        let changed: String = chars.into_iter().collect();
        prop_assert!(IdNumber::parse(&changed).is_err(), "{} accepted", changed);
    }

    #[test]
    fn masked_id_never_contains_the_middle(id in valid_id()) {
        let masked = id.masked();
        let s = id.as_str();
        prop_assert_eq!(&masked[..6], &s[..6]);
        prop_assert_eq!(&masked[6..14], "********");
        prop_assert_eq!(&masked[14..], &s[14..]);
        prop_assert!(!masked.contains(&s[6..14]));
        prop_assert_eq!(mask_id_number(s), masked.clone());
        let debug = format!("{id:?}");
        prop_assert!(!debug.contains(&s[6..14]));
    }

    #[test]
    fn masked_mobile_never_contains_the_middle(rest in "[3-9][0-9]{9}") {
        let number = format!("1{rest}");
        let p = Phone::parse(&number).unwrap();
        let masked = p.masked();
        prop_assert_eq!(&masked[..3], &number[..3]);
        prop_assert_eq!(&masked[3..7], "****");
        prop_assert_eq!(&masked[7..], &number[7..]);
        prop_assert_eq!(mask_phone(&number), masked.clone());
        prop_assert_eq!(format!("{p:?}"), format!("Phone({masked:?})"));
    }

    #[test]
    fn masked_landline_keeps_area_and_last_two(area in "0[1-9][0-9]{1,2}", local in "[2-9][0-9]{6,7}") {
        let p = Phone::parse(&format!("{area}-{local}")).unwrap();
        let masked = p.masked();
        let hidden = "*".repeat(local.len() - 2);
        prop_assert_eq!(masked, format!("{area}-{hidden}{}", &local[local.len() - 2..]));
    }

    #[test]
    fn dates_round_trip_through_both_formats(d in any_date()) {
        prop_assert_eq!(parse_date(&format_iso(d)), Ok(d));
        prop_assert_eq!(parse_date(&format_cn(d)), Ok(d));
        prop_assert_eq!(parse_date(&d.format("%Y%m%d").to_string()), Ok(d));
        prop_assert_eq!(parse_date(&d.format("%Y/%-m/%-d").to_string()), Ok(d));
    }

    #[test]
    fn age_band_bounds_agree_with_age_on(birth in any_date(), as_of in any_date()) {
        let band = AgeBand::of(age_on(birth, as_of));
        for b in AgeBand::ALL {
            let (after, before) = b.birth_date_bounds(as_of);
            let inside = after.is_none_or(|a| birth >= a) && before.is_none_or(|z| birth <= z);
            prop_assert_eq!(inside, b == band, "band {:?} birth {} as_of {}", b, birth, as_of);
        }
    }

    #[test]
    fn age_on_and_birthday_agree(birth in any_date(), age in 0u32..120) {
        let day = birthday(birth, age);
        prop_assert_eq!(age_on(birth, day), age);
        if age > 0 {
            prop_assert_eq!(age_on(birth, day.pred_opt().unwrap()), age - 1);
        }
    }

    #[test]
    fn add_years_is_twelve_months(d in any_date(), years in 0u32..200) {
        prop_assert_eq!(add_years(d, years), add_months(d, years * 12));
        prop_assert_eq!(add_years(d, years).month(), d.month());
    }
}
