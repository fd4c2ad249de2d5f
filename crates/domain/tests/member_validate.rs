//! `MemberInput::validate`: required fields, agreement with the ID number, CON-APPLY-AGE and
//! CON-PROBATION, with the day before / the day / the day after each boundary.

use chrono::NaiveDate;
use domain::FieldErrors;
use domain::codes::{DuesCategory, Gender, MemberStatus};
use domain::member::{MemberFields, MemberInput};
use serde::Deserialize;
use serde::de::value::{Error as DeError, MapDeserializer};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const AS_OF: (i32, u32, u32) = (2025, 6, 30);

fn as_of() -> NaiveDate {
    d(AS_OF.0, AS_OF.1, AS_OF.2)
}

/// A full member born 1990-01-02 (male), joined 2015-07-01, confirmed 2016-07-01.
fn valid() -> MemberInput {
    MemberInput {
        name: "张三".into(),
        gender: "男".into(),
        ethnicity: "汉族".into(),
        birth_date: "1990-01-02".into(),
        id_number: "110105199001021238".into(),
        phone: "13812345678".into(),
        education: "21".into(),
        degree: "学士".into(),
        occupation: "professional_technical".into(),
        post: "小学语文教师".into(),
        unit_name: "城关第一小学".into(),
        joined_on: "2015-07-01".into(),
        confirmed_on: "2016-07-01".into(),
        status: "full".into(),
        dues_category: "employed".into(),
        ..Default::default()
    }
}

fn ok(input: &MemberInput, as_of: NaiveDate) -> MemberFields {
    match input.validate(as_of) {
        Ok(f) => f,
        Err(e) => panic!("expected valid, got: {e}"),
    }
}

fn err(input: &MemberInput, as_of: NaiveDate) -> FieldErrors {
    match input.validate(as_of) {
        Ok(f) => panic!("expected errors, got {f:?}"),
        Err(e) => e,
    }
}

/// The messages for `field`, in order.
fn messages<'a>(e: &'a FieldErrors, field: &str) -> Vec<&'a str> {
    e.0.iter().filter(|x| x.field == field).map(|x| x.message.as_str()).collect()
}

fn fields(e: &FieldErrors) -> Vec<&str> {
    e.0.iter().map(|x| x.field.as_str()).collect()
}

#[test]
fn a_complete_member_validates() {
    let f = ok(&valid(), as_of());
    assert_eq!(f.name.as_str(), "张三");
    assert_eq!(f.gender, Gender::Male);
    assert_eq!(f.ethnicity.code(), "01");
    assert_eq!(f.birth_date, d(1990, 1, 2));
    assert_eq!(f.id_number.as_str(), "110105199001021238");
    assert_eq!(f.phone.unwrap().as_str(), "13812345678");
    assert_eq!(f.education.unwrap().name(), "大学");
    assert_eq!(f.degree.as_deref(), Some("学士"));
    assert_eq!(f.occupation.unwrap().identifier(), "professional_technical");
    assert_eq!(f.post.as_deref(), Some("小学语文教师"));
    assert_eq!(f.unit_name.as_deref(), Some("城关第一小学"));
    assert_eq!(f.joined_on, d(2015, 7, 1));
    assert_eq!(f.confirmed_on, Some(d(2016, 7, 1)));
    assert_eq!(f.status, MemberStatus::Full);
    assert_eq!(f.dues_category, DuesCategory::Employed);
}

#[test]
fn optional_fields_may_be_empty() {
    let input = MemberInput {
        phone: String::new(),
        education: " ".into(),
        degree: String::new(),
        occupation: String::new(),
        post: String::new(),
        unit_name: String::new(),
        ..valid()
    };
    let f = ok(&input, as_of());
    assert_eq!(
        (f.phone, f.education, f.degree, f.occupation, f.post, f.unit_name),
        (None, None, None, None, None, None)
    );
}

#[test]
fn only_the_id_number_is_needed_for_gender_and_birth_date() {
    let input = MemberInput {
        gender: String::new(),
        birth_date: String::new(),
        id_number: "11010519491231002X".into(),
        joined_on: "1970-07-01".into(),
        confirmed_on: "1971-07-01".into(),
        ..valid()
    };
    let f = ok(&input, as_of());
    assert_eq!(f.gender, Gender::Female);
    assert_eq!(f.birth_date, d(1949, 12, 31));
}

#[test]
fn an_empty_form_reports_every_required_field_in_field_order() {
    let e = err(&MemberInput::default(), as_of());
    assert_eq!(
        fields(&e),
        ["name", "gender", "ethnicity", "birth_date", "id_number", "joined_on", "status", "dues_category"]
    );
    assert_eq!(e.get("name"), Some("请填写姓名"));
    assert_eq!(e.get("id_number"), Some("请填写身份证号"));
    assert_eq!(e.get("gender"), Some("请选择性别"));
    for m in &e.0 {
        assert!(m.message.contains('请'), "{}: {}", m.field, m.message);
    }
}

#[test]
fn every_field_error_is_collected_in_one_pass() {
    let input = MemberInput {
        name: "张3".into(),
        gender: "未知".into(),
        ethnicity: "火星族".into(),
        birth_date: "1990-02-30".into(),
        id_number: "110105199001021239".into(),
        phone: "12345".into(),
        education: "博士后".into(),
        degree: "学".repeat(51),
        occupation: "astronaut".into(),
        post: "岗".repeat(101),
        unit_name: "单位\n名称".into(),
        joined_on: "someday".into(),
        confirmed_on: "2016-13-01".into(),
        status: "active".into(),
        dues_category: "rich".into(),
        address: "住\n址".into(),
        lost_contact: "也许".into(),
        lost_contact_since: "2024-13".into(),
        mobile_member: "maybe".into(),
        mobile_destination: "远方".into(),
        remark: "备".repeat(201),
        probation_extension_months: "三年".into(),
    };
    let e = err(&input, as_of());
    assert_eq!(fields(&e), MemberInput::FIELDS);
    assert!(e.get("id_number").unwrap().contains("校验位应为 8"));
    assert!(e.get("birth_date").unwrap().contains("“1990-02-30”无效"));
    assert!(e.get("status").unwrap().contains("预备党员"));
    assert!(e.get("degree").unwrap().contains("50"));
    assert!(e.get("post").unwrap().contains("100"));
    assert!(e.get("unit_name").unwrap().contains("控制字符"));
    assert!(e.get("lost_contact").unwrap().contains("“是”或“否”"));
    assert!(e.get("lost_contact_since").unwrap().contains("2024-13"));
    assert!(e.get("mobile_destination").unwrap().contains("流动党员"));
    assert!(e.get("remark").unwrap().contains("200"));
}

/// The national system's items: 是 / 否 flags, 失去联系日期 as a month in the forms people type,
/// and a date or destination only with its flag.
#[test]
fn national_items_lost_contact_and_mobile_member() {
    let lost = |since: &str| MemberInput { lost_contact: "是".into(), lost_contact_since: since.into(), ..valid() };
    for since in ["2024-03", "2024-3", "2024/3", "2024.3", "2024年3月", "202403", "2024-03-15"] {
        let f = ok(&lost(since), as_of());
        assert!(f.lost_contact);
        assert_eq!(f.lost_contact_since, Some(d(2024, 3, 1)), "{since}");
    }
    // Boundary: the month of today (2025-06-30) is allowed, the next month is not.
    assert_eq!(ok(&lost("2025-06"), as_of()).lost_contact_since, Some(d(2025, 6, 1)));
    assert!(err(&lost("2025-07"), as_of()).get("lost_contact_since").unwrap().contains("不能晚于"));
    let unflagged = MemberInput { lost_contact_since: "2024-03".into(), ..valid() };
    assert!(err(&unflagged, as_of()).get("lost_contact_since").unwrap().contains("失联党员"));
    let mobile =
        MemberInput { mobile_member: "是".into(), mobile_destination: "广东省深圳市".into(), ..valid() };
    let f = ok(&mobile, as_of());
    assert!(f.mobile_member && !f.lost_contact);
    assert_eq!(f.mobile_destination.as_deref(), Some("广东省深圳市"));
    assert!(!ok(&valid(), as_of()).mobile_member, "empty is 否");
}

#[test]
fn gender_must_agree_with_the_id_number() {
    let e = err(&MemberInput { gender: "女".into(), ..valid() }, as_of());
    assert_eq!(fields(&e), ["gender"]);
    assert!(e.get("gender").unwrap().starts_with("性别与身份证号不一致"));
    assert!(e.get("gender").unwrap().contains("男"));
    // Codes are accepted.
    assert_eq!(ok(&MemberInput { gender: "1".into(), ..valid() }, as_of()).gender, Gender::Male);
}

#[test]
fn birth_date_must_agree_with_the_id_number() {
    let e = err(&MemberInput { birth_date: "1990-01-03".into(), ..valid() }, as_of());
    assert_eq!(fields(&e), ["birth_date"]);
    assert!(e.get("birth_date").unwrap().starts_with("出生日期与身份证号不一致（身份证号为 1990年1月2日）"));
    // Any accepted spelling of the same day agrees.
    ok(&MemberInput { birth_date: "1990年1月2日".into(), ..valid() }, as_of());
}

#[test]
fn birth_date_not_in_the_future() {
    // ID born 2007-06-01; as_of the day before.
    let input = MemberInput {
        birth_date: String::new(),
        id_number: "110105200706010016".into(),
        joined_on: "2025-06-01".into(),
        confirmed_on: String::new(),
        status: "probationary".into(),
        ..valid()
    };
    let e = err(&input, d(2007, 5, 31));
    assert!(e.get("id_number").unwrap().contains("晚于"), "{e}");
    let e = err(&MemberInput { birth_date: "2007-06-01".into(), ..input.clone() }, d(2007, 5, 31));
    assert!(e.get("birth_date").unwrap().contains("晚于"), "{e}");
}

fn joining(birth_id: &str, joined_on: &str) -> MemberInput {
    MemberInput {
        birth_date: String::new(),
        gender: String::new(),
        id_number: birth_id.into(),
        joined_on: joined_on.into(),
        confirmed_on: String::new(),
        status: "probationary".into(),
        ..valid()
    }
}

#[test]
fn con_apply_age_18th_birthday_on_joined_on() {
    // Born 2007-06-01; 18th birthday 2025-06-01.
    let id = "110105200706010016";
    let e = err(&joining(id, "2025-05-31"), as_of());
    assert_eq!(fields(&e), ["joined_on"]);
    let m = e.get("joined_on").unwrap();
    assert!(m.starts_with("入党时应年满十八岁"), "{m}");
    assert!(m.contains("2025年6月1日"), "{m}");
    ok(&joining(id, "2025-06-01"), as_of());
    ok(&joining(id, "2025-06-02"), as_of());
}

#[test]
fn con_apply_age_feb_29_birthday_turns_18_on_mar_1() {
    // Born 2000-02-29; 2018 has no Feb 29, so the 18th birthday is 2018-03-01.
    let id = "440304200002290014";
    let as_of = d(2019, 6, 30);
    let e = err(&joining(id, "2018-02-28"), as_of);
    assert!(e.get("joined_on").unwrap().contains("2018年3月1日"));
    ok(&joining(id, "2018-03-01"), as_of);
}

#[test]
fn con_apply_age_uses_the_given_birth_date_when_the_id_is_invalid() {
    let input = MemberInput {
        id_number: "bad".into(),
        birth_date: "2007-06-01".into(),
        gender: "男".into(),
        ..joining("", "2025-05-31")
    };
    let e = err(&input, as_of());
    assert_eq!(fields(&e), ["id_number", "joined_on"]);
}

#[test]
fn joined_on_not_after_as_of() {
    let input = joining("110105199001021238", "2025-07-01");
    let e = err(&input, as_of());
    assert_eq!(fields(&e), ["joined_on"]);
    assert!(e.get("joined_on").unwrap().contains("不能晚于 2025年6月30日"));
    ok(&joining("110105199001021238", "2025-06-30"), as_of());
}

#[test]
fn con_apply_age_and_joined_on_after_as_of_are_both_reported() {
    let input = joining("110105200706010016", "2025-05-31");
    let e = err(&input, d(2025, 5, 30));
    let m = messages(&e, "joined_on");
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(m[0].contains("不能晚于"));
    assert!(m[1].contains("入党时应年满十八岁"));
}

fn confirmed(joined_on: &str, confirmed_on: &str) -> MemberInput {
    MemberInput { joined_on: joined_on.into(), confirmed_on: confirmed_on.into(), ..valid() }
}

/// DEV-PROBATION: without an extension, the only valid 转正 date is the first anniversary of
/// joining; the day before and the day after are refused, naming the rule and its citation.
#[test]
fn dev_probation_confirmation_is_the_day_probation_ends() {
    let e = err(&confirmed("2015-07-01", "2016-06-30"), as_of());
    assert_eq!(fields(&e), ["confirmed_on"]);
    let m = e.get("confirmed_on").unwrap();
    assert!(m.contains("预备期满之日 2016年7月1日"), "{m}");
    assert!(m.contains("规则 DEV-PROBATION"), "{m}");
    assert_eq!(e.rule().map(|r| r.rule_id.as_str()), Some("DEV-PROBATION"));
    assert!(e.rule().is_some_and(|r| r.citation.contains("第三十二条")));
    ok(&confirmed("2015-07-01", "2016-07-01"), as_of());
    assert!(err(&confirmed("2015-07-01", "2016-07-02"), as_of()).get("confirmed_on").is_some());
    assert!(
        err(&confirmed("2015-07-01", "2017-07-01"), as_of()).get("confirmed_on").is_some(),
        "no extension recorded"
    );
}

fn extended(joined_on: &str, confirmed_on: &str, months: &str) -> MemberInput {
    MemberInput { probation_extension_months: months.into(), ..confirmed(joined_on, confirmed_on) }
}

/// DEV-PROBATION: after a recorded extension of 6 to 12 months, the 转正 date is that much later;
/// an extension of 5 or 13 months is refused.
#[test]
fn dev_probation_an_extension_of_six_to_twelve_months_moves_the_date() {
    ok(&extended("2015-07-01", "2017-01-01", "6"), as_of());
    ok(&extended("2015-07-01", "2017-07-01", "12"), as_of());
    ok(&extended("2015-07-01", "2017-04-01", "9个月"), as_of());
    let e = err(&extended("2015-07-01", "2016-07-01", "6"), as_of());
    assert!(e.get("confirmed_on").unwrap().contains("预备期延长6个月，转正日期应为预备期满之日 2017年1月1日"), "{e}");
    for bad in ["5", "13", "半年"] {
        let e = err(&extended("2015-07-01", "2017-01-01", bad), as_of());
        assert_eq!(e.rule().map(|r| r.rule_id.as_str()), Some("DEV-PROBATION"), "{bad}: {e}");
        assert!(e.get("probation_extension_months").is_some(), "{bad}");
    }
    // No extension may be written as empty, 0 or 无.
    for none in ["", "0", "无"] {
        ok(&extended("2015-07-01", "2016-07-01", none), as_of());
    }
}

/// A 29 February join ends its probation on 1 March in a year without one (the anniversary
/// convention of dates.rs).
#[test]
fn dev_probation_feb_29_join_ends_on_1_march() {
    ok(&confirmed("2016-02-29", "2017-03-01"), as_of());
    assert!(err(&confirmed("2016-02-29", "2017-02-28"), as_of()).get("confirmed_on").is_some());
    ok(&extended("2016-02-29", "2017-09-01", "6"), as_of());
    assert_eq!(domain::member::probation_end(d(2016, 2, 29), None), d(2017, 3, 1));
    assert_eq!(domain::member::probation_end(d(2020, 2, 29), Some(12)), d(2022, 3, 1));
}

#[test]
fn con_probation_confirmation_not_after_as_of() {
    let input = confirmed("2024-07-01", "2025-07-01");
    let e = err(&input, as_of());
    assert_eq!(fields(&e), ["confirmed_on"]);
    assert!(e.get("confirmed_on").unwrap().contains("不能晚于"));
    ok(&confirmed("2024-06-30", "2025-06-30"), as_of());
}

#[test]
fn con_probation_full_member_needs_confirmed_on() {
    let e = err(&confirmed("2015-07-01", ""), as_of());
    assert_eq!(fields(&e), ["confirmed_on"]);
    assert_eq!(e.get("confirmed_on"), Some("正式党员请填写转正日期"));
}

#[test]
fn con_probation_probationary_member_has_no_confirmed_on() {
    let input = MemberInput { status: "预备党员".into(), ..confirmed("2024-01-01", "2025-01-01") };
    let e = err(&input, as_of());
    assert_eq!(fields(&e), ["confirmed_on"]);
    assert!(e.get("confirmed_on").unwrap().contains("请把状态改为正式党员"));
}

/// DEV-PROBATION: a probationary member half a year past the end of probation without a decision
/// is refused as a record (the branch decides "promptly"; the home page lists those overdue).
#[test]
fn dev_probation_probationary_half_a_year_past_its_end_is_an_error() {
    let probationary = MemberInput { status: "probationary".into(), ..confirmed("2023-06-30", "") };
    // Probation ended 2024-06-30; half a year later is 2024-12-30.
    ok(&probationary, d(2024, 12, 29));
    ok(&probationary, d(2024, 12, 30));
    let e = err(&probationary, d(2024, 12, 31));
    assert_eq!(fields(&e), ["status"]);
    assert!(e.get("status").unwrap().starts_with("预备期已于 2024年6月30日 期满半年以上仍未转正"), "{e}");
    // With a recorded extension of 12 months it ends a year later.
    let longer = MemberInput { probation_extension_months: "12".into(), ..probationary };
    ok(&longer, d(2025, 12, 30));
    assert!(err(&longer, d(2025, 12, 31)).get("status").is_some());
}

#[test]
fn other_statuses_need_no_confirmation_date() {
    for status in ["transferred_out", "suspended", "deceased", "left"] {
        ok(&MemberInput { status: status.into(), ..confirmed("2015-07-01", "") }, as_of());
        ok(&MemberInput { status: status.into(), ..valid() }, as_of());
    }
}

#[test]
fn deserializes_from_a_partial_form() {
    let pairs = vec![("name", "李四"), ("id_number", "11010519491231002X"), ("status", "full")];
    let de: MapDeserializer<_, DeError> = MapDeserializer::new(pairs.into_iter());
    let input = MemberInput::deserialize(de).unwrap();
    assert_eq!(input.name, "李四");
    assert_eq!(input.id_number, "11010519491231002X");
    assert_eq!(input.phone, "");
    assert_eq!(input.joined_on, "");
}

#[test]
fn con_apply_age_rule_function() {
    use domain::member::meets_joining_age;
    let birth = d(2007, 6, 1);
    assert!(!meets_joining_age(birth, d(2025, 5, 31)));
    assert!(meets_joining_age(birth, d(2025, 6, 1)));
    assert!(meets_joining_age(birth, d(2025, 6, 2)));
}
