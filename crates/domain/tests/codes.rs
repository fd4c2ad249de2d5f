//! Code lists: parsing by identifier, code and label; the embedded national tables.

use domain::codes::{
    DuesCategory, Education, EducationLevel, Ethnicity, Gender, MemberStatus, Occupation, province_name,
};
use serde::Deserialize;
use serde::de::IntoDeserializer;
use serde::de::value::{Error as DeError, StrDeserializer};

fn de<'a, T: Deserialize<'a>>(s: &'a str) -> Result<T, DeError> {
    let d: StrDeserializer<'a, DeError> = s.into_deserializer();
    T::deserialize(d)
}

#[test]
fn gender_parses_identifiers_labels_and_codes() {
    for s in ["male", "Male", " 男 ", "男性", "1"] {
        assert_eq!(Gender::parse(s), Some(Gender::Male), "{s}");
    }
    for s in ["female", "女", "女性", "2"] {
        assert_eq!(Gender::parse(s), Some(Gender::Female), "{s}");
    }
    for s in ["", "0", "3", "m", "f", "未知"] {
        assert_eq!(Gender::parse(s), None, "{s}");
    }
    assert_eq!(Gender::Male.as_str(), "male");
    assert_eq!(Gender::Female.label(), "女");
}

#[test]
fn member_status_round_trips_and_knows_who_is_current() {
    for s in MemberStatus::ALL {
        assert_eq!(MemberStatus::parse(s.as_str()), Some(s));
        assert_eq!(MemberStatus::parse(s.label()), Some(s));
        assert_eq!(de::<MemberStatus>(s.as_str()).unwrap(), s);
    }
    assert_eq!(MemberStatus::TransferredOut.as_str(), "transferred_out");
    assert_eq!(MemberStatus::Suspended.label(), "停止党籍");
    assert_eq!(MemberStatus::parse("预备"), Some(MemberStatus::Probationary));
    assert_eq!(MemberStatus::parse("正式"), Some(MemberStatus::Full));
    assert_eq!(MemberStatus::parse("active"), None);
    let current: Vec<_> = MemberStatus::ALL.into_iter().filter(|s| s.is_current()).collect();
    assert_eq!(current, [MemberStatus::Probationary, MemberStatus::Full]);
}

#[test]
fn dues_category_round_trips() {
    for c in DuesCategory::ALL {
        assert_eq!(DuesCategory::parse(c.as_str()), Some(c));
        assert_eq!(DuesCategory::parse(c.label()), Some(c));
        assert_eq!(de::<DuesCategory>(c.as_str()).unwrap(), c);
    }
    assert_eq!(DuesCategory::LowIncome.as_str(), "low_income");
    assert_eq!(DuesCategory::Unemployed.label(), "失业/下岗");
    assert_eq!(DuesCategory::parse("退休"), Some(DuesCategory::Retired));
    assert_eq!(DuesCategory::parse("下岗"), Some(DuesCategory::Unemployed));
    assert_eq!(DuesCategory::parse(""), None);
}

#[test]
fn ethnicity_by_code_short_code_and_name() {
    assert_eq!(Ethnicity::all().len(), 58);
    let han = Ethnicity::parse("01").unwrap();
    assert_eq!((han.code(), han.name()), ("01", "汉族"));
    assert_eq!(Ethnicity::parse("1"), Some(han));
    assert_eq!(Ethnicity::parse("汉族"), Some(han));
    assert_eq!(Ethnicity::parse("汉"), Some(han));
    assert!(!han.is_minority());
    let jino = Ethnicity::parse("56").unwrap();
    assert_eq!(jino.name(), "基诺族");
    assert!(jino.is_minority());
    assert_eq!(Ethnicity::parse("维吾尔族").unwrap().code(), "05");
    assert_eq!(Ethnicity::parse("蒙古").unwrap().code(), "02");
    // The national member system's two codes after GB 3304's 56 (forms.md §1.3).
    let other = Ethnicity::parse("57").unwrap();
    assert_eq!((other.name(), other.is_minority()), ("其他", false));
    assert_eq!(Ethnicity::parse("外国血统中国籍人士").map(|e| e.code()), Some("58"));
    for bad in ["", "0", "00", "59", "100", "+1", "-1", "火星族", "族"] {
        assert_eq!(Ethnicity::parse(bad), None, "{bad}");
    }
    assert_eq!(de::<Ethnicity>("08").unwrap().name(), "壮族");
    assert!(de::<Ethnicity>("99").is_err());
}

#[test]
fn education_by_code_name_and_everyday_word() {
    assert_eq!(Education::all().len(), 20);
    let uni = Education::parse("21").unwrap();
    assert_eq!((uni.code(), uni.name()), ("21", "大学"));
    assert_eq!(uni.level(), EducationLevel::Bachelor);
    assert!(uni.college_plus());
    assert_eq!(Education::parse("本科"), Some(uni));
    assert_eq!(Education::parse("大学"), Some(uni));
    let party_school = Education::parse("1a").unwrap();
    assert_eq!(party_school.name(), "中央党校研究生");
    assert_eq!(party_school.level(), EducationLevel::Postgraduate);
    let senior = Education::parse("普通高中").unwrap();
    assert_eq!(senior.code(), "61");
    assert!(!senior.college_plus());
    assert_eq!(Education::parse("22").unwrap().level(), EducationLevel::College);
    assert!(Education::parse("22").unwrap().college_plus());
    assert!(!Education::parse("中专").unwrap().college_plus());
    assert_eq!(Education::parse("9").unwrap().name(), "其他");
    assert_eq!(Education::parse("99"), None);
    assert_eq!(Education::parse(""), None);
    for level in EducationLevel::ALL {
        assert_eq!(EducationLevel::parse(level.as_str()), Some(level));
        assert_eq!(EducationLevel::parse(level.label()), Some(level));
    }
}

#[test]
fn occupation_by_identifier_and_name() {
    assert_eq!(Occupation::all().len(), 8);
    let w = Occupation::parse("worker").unwrap();
    assert_eq!((w.identifier(), w.name()), ("worker", "工人"));
    assert_eq!(Occupation::parse("工人"), Some(w));
    assert_eq!(Occupation::parse("离退休人员").unwrap().identifier(), "retired");
    assert_eq!(Occupation::parse("astronaut"), None);
    for o in Occupation::all() {
        assert_eq!(Occupation::parse(o.identifier()), Some(*o));
        assert_eq!(Occupation::parse(o.name()), Some(*o));
    }
}

#[test]
fn province_names() {
    assert_eq!(province_name("11"), Some("北京"));
    assert_eq!(province_name("65"), Some("新疆"));
    assert_eq!(province_name("82"), Some("澳门"));
    assert_eq!(province_name("10"), None);
    assert_eq!(province_name(""), None);
    assert_eq!(province_name("110"), None);
}
