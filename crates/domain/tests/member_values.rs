//! ID numbers, phone numbers, names and the masking of stored strings.

use chrono::NaiveDate;
use domain::codes::Gender;
use domain::member::{
    IdNumber, IdNumberError, PersonName, PersonNameError, Phone, PhoneError, mask_id_number, mask_phone,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn real_example_id_number_is_valid() {
    let id = IdNumber::parse("11010519491231002X").unwrap();
    assert_eq!(id.as_str(), "11010519491231002X");
    assert_eq!(id.birth_date(), d(1949, 12, 31));
    assert_eq!(id.gender(), Gender::Female);
    assert_eq!(id.masked(), "110105********002X");
}

#[test]
fn id_number_lowercase_x_spaces_and_full_width_are_normalized() {
    let id = IdNumber::parse(" 110105 19491231 002x ").unwrap();
    assert_eq!(id.as_str(), "11010519491231002X");
    let full_width = IdNumber::parse("１１０１０５１９４９１２３１００２Ｘ").unwrap();
    assert_eq!(full_width, id);
}

#[test]
fn id_number_male_when_digit_17_is_odd() {
    let id = IdNumber::parse("110105199001021238").unwrap();
    assert_eq!(id.gender(), Gender::Male);
    assert_eq!(id.birth_date(), d(1990, 1, 2));
    assert_eq!(id.masked(), "110105********1238");
    let id = IdNumber::parse("440304200002290014").unwrap();
    assert_eq!(id.birth_date(), d(2000, 2, 29));
}

#[test]
fn id_number_errors_say_what_is_wrong() {
    assert_eq!(IdNumber::parse(""), Err(IdNumberError::Empty));
    assert_eq!(IdNumber::parse("   "), Err(IdNumberError::Empty));
    let e = IdNumber::parse("11010519491231002").unwrap_err();
    assert_eq!(e, IdNumberError::Length { actual: 17 });
    assert_eq!(e.to_string(), "身份证号应为 18 位，现为 17 位，请核对");
    // A 15-digit first-generation number is rejected by length.
    assert_eq!(IdNumber::parse("110105491231002"), Err(IdNumberError::Length { actual: 15 }));
    assert_eq!(IdNumber::parse("1101051949123100XX"), Err(IdNumberError::Characters));
    assert_eq!(IdNumber::parse("11010519491231002Y"), Err(IdNumberError::Characters));
    assert_eq!(IdNumber::parse("11010519491231002中"), Err(IdNumberError::Characters));
    let e = IdNumber::parse("10010519491231002X").unwrap_err();
    assert!(matches!(&e, IdNumberError::Province { code } if code == "10"));
    assert!(e.to_string().contains("“10”"));
    // Feb 29 in a common year.
    let first17 = "11010520230229001";
    let id = format!("{first17}{}", IdNumber::check_digit(first17).unwrap());
    let e = IdNumber::parse(&id).unwrap_err();
    assert_eq!(e, IdNumberError::BirthDate { digits: "20230229".into() });
    assert!(e.to_string().contains("20230229"));
    // Year before 1900.
    let first17 = "11010518991231001";
    let id = format!("{first17}{}", IdNumber::check_digit(first17).unwrap());
    assert!(matches!(IdNumber::parse(&id), Err(IdNumberError::BirthDate { .. })));
}

#[test]
fn id_number_wrong_check_digit_names_the_expected_one() {
    let e = IdNumber::parse("110105194912310021").unwrap_err();
    assert_eq!(e, IdNumberError::CheckDigit { expected: 'X' });
    assert_eq!(e.to_string(), "身份证号校验位应为 X，请核对");
    let e = IdNumber::parse("11010519900102123X").unwrap_err();
    assert_eq!(e.to_string(), "身份证号校验位应为 8，请核对");
}

#[test]
fn check_digit_needs_exactly_17_digits() {
    assert_eq!(IdNumber::check_digit("11010519491231002"), Some('X'));
    assert_eq!(IdNumber::check_digit("32010219800101456"), Some('X'));
    assert_eq!(IdNumber::check_digit("11010519900102123"), Some('8'));
    assert_eq!(IdNumber::check_digit("1101051949123100"), None);
    assert_eq!(IdNumber::check_digit("110105194912310021"), None);
    assert_eq!(IdNumber::check_digit("1101051949123100X"), None);
    assert_eq!(IdNumber::check_digit(""), None);
}

#[test]
fn from_parts_builds_valid_numbers() {
    let id = IdNumber::from_parts("110105", d(1949, 12, 31), 2).unwrap();
    assert_eq!(id.as_str(), "11010519491231002X");
    let id = IdNumber::from_parts("110105", d(1990, 1, 2), 123).unwrap();
    assert_eq!(id.as_str(), "110105199001021238");
    assert_eq!(IdNumber::from_parts("110105", d(1990, 1, 2), 999).unwrap().gender(), Gender::Male);
    assert_eq!(IdNumber::from_parts("11010", d(1990, 1, 2), 1), None);
    assert_eq!(IdNumber::from_parts("11010a", d(1990, 1, 2), 1), None);
    assert_eq!(IdNumber::from_parts("990105", d(1990, 1, 2), 1), None, "unknown province");
    assert_eq!(IdNumber::from_parts("110105", d(1990, 1, 2), 1000), None);
    assert_eq!(IdNumber::from_parts("110105", d(1899, 1, 2), 1), None);
}

#[test]
fn debug_of_id_number_is_masked() {
    let id = IdNumber::parse("11010519491231002X").unwrap();
    let debug = format!("{id:?}");
    assert!(!debug.contains("19491231"), "{debug}");
}

#[test]
fn mask_id_number_on_stored_strings() {
    assert_eq!(mask_id_number("110105194912310021"), "110105********0021");
    assert_eq!(mask_id_number("11010519491231"), "110105****1231", "14 chars");
    assert_eq!(mask_id_number("1101051949123"), "*************", "13 chars: all hidden");
    assert_eq!(mask_id_number("110105491231002"), "110105*****1002", "15-digit legacy");
    assert_eq!(mask_id_number(""), "");
    assert_eq!(mask_id_number("abc"), "***");
    assert_eq!(mask_id_number("abcdefghijklmnopqr"), "abcdef********opqr");
    assert_eq!(mask_id_number("一二三四五六七八九十一二三四五六七八"), "一二三四五六********五六七八");
}

#[test]
fn phone_mobile() {
    for s in ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "１３８１２３４５６７８"]
    {
        let p = Phone::parse(s).unwrap();
        assert_eq!(p.as_str(), "13812345678", "{s}");
        assert!(p.is_mobile());
        assert_eq!(p.masked(), "138****5678");
    }
    assert_eq!(Phone::parse("19912345678").unwrap().as_str(), "19912345678");
}

#[test]
fn phone_mobile_errors() {
    assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
    assert_eq!(Phone::parse("1381234567"), Err(PhoneError::MobileLength { actual: 10 }));
    assert_eq!(Phone::parse("138123456789").unwrap_err().to_string(), "手机号应为 11 位，现为 12 位，请核对");
    assert_eq!(Phone::parse("12812345678"), Err(PhoneError::MobilePrefix));
    assert_eq!(Phone::parse("10812345678"), Err(PhoneError::MobilePrefix));
    assert_eq!(Phone::parse("23812345678"), Err(PhoneError::Format));
    assert_eq!(Phone::parse("138abc45678"), Err(PhoneError::Format));
    assert!(Phone::parse("abc").unwrap_err().to_string().contains("010-12345678"));
}

#[test]
fn phone_landline() {
    let p = Phone::parse("010-12345678").unwrap();
    assert!(!p.is_mobile());
    assert_eq!(p.masked(), "010-******78");
    assert_eq!(Phone::parse("0571-8765432").unwrap().masked(), "0571-*****32");
    assert_eq!(Phone::parse("010 - 12345678").unwrap().as_str(), "010-12345678");
    assert_eq!(Phone::parse("(010)12345678").unwrap().as_str(), "010-12345678");
    assert_eq!(Phone::parse("（010）12345678").unwrap().as_str(), "010-12345678");
    let ext = Phone::parse("010-12345678-123").unwrap();
    assert_eq!(ext.as_str(), "010-12345678-123");
    assert_eq!(ext.masked(), "010-******78-***");
    for bad in [
        "01012345678",
        "010-123456",
        "010-123456789",
        "010-02345678",
        "001-12345678",
        "01-12345678",
        "01234-1234567",
        "010-12345678-",
        "010-12345678-1234567",
        "010-1234567a",
    ] {
        assert_eq!(Phone::parse(bad), Err(PhoneError::Format), "{bad}");
    }
}

#[test]
fn mask_phone_on_stored_strings() {
    assert_eq!(mask_phone("13812345678"), "138****5678");
    assert_eq!(mask_phone("010-12345678"), "010-******78");
    assert_eq!(mask_phone("12345"), "*****");
    assert_eq!(mask_phone("12812345678"), "128******78", "invalid but long: first 3, last 2");
    assert_eq!(mask_phone(""), "");
}

#[test]
fn person_names() {
    assert_eq!(PersonName::parse("  张三 ").unwrap().as_str(), "张三");
    assert_eq!(PersonName::parse("阿依古丽·买买提").unwrap().as_str(), "阿依古丽·买买提");
    assert_eq!(PersonName::parse("阿依古丽•买买提").unwrap().as_str(), "阿依古丽·买买提");
    assert_eq!(PersonName::parse("李〇").unwrap().as_str(), "李〇");
    assert_eq!(PersonName::parse("John   Smith").unwrap().as_str(), "John Smith");
    assert_eq!(PersonName::parse("王").unwrap().as_str(), "王");
    assert_eq!(PersonName::parse(""), Err(PersonNameError::Empty));
    assert_eq!(PersonName::parse(" \t"), Err(PersonNameError::Empty));
    assert_eq!(PersonName::parse("张三1"), Err(PersonNameError::Digits));
    assert_eq!(PersonName::parse("张三２"), Err(PersonNameError::Digits));
    assert_eq!(PersonName::parse("张\u{0}三"), Err(PersonNameError::Character { found: '\u{0}' }));
    assert!(PersonName::parse("张三<script>").unwrap_err().to_string().contains("“<”"));
    let fifty = "张".repeat(50);
    assert!(PersonName::parse(&fifty).is_ok());
    let e = PersonName::parse(&"张".repeat(51)).unwrap_err();
    assert_eq!(e, PersonNameError::TooLong { max: 50, actual: 51 });
    assert_eq!(e.to_string(), "姓名不能超过 50 个字，现为 51 个字，请核对");
}
