use chrono::NaiveDate;

use super::*;

fn d(s: &str) -> NaiveDate {
    crate::dates::parse_iso(s).unwrap()
}

fn q(kind: &str, options: &[&str], answer: &str) -> QuestionInput {
    QuestionInput {
        kind: kind.into(),
        stem: "党支部党员大会一般每季度召开几次？".into(),
        options: options.iter().map(|s| s.to_string()).collect(),
        answer: answer.into(),
        source: "《中国共产党支部工作条例（试行）》第十五条".into(),
    }
}

#[test]
fn a_single_choice_question_has_one_key_letter_among_its_options() {
    let ok = q("单选", &["1次", "2次", "3次"], "a").check().unwrap();
    assert_eq!((ok.kind, ok.answer.as_str(), ok.options.len()), (QuestionKind::SingleChoice, "A", 3));
    let e = q("单选题", &["1次", "2次"], "AB").check().unwrap_err();
    assert_eq!(e.get("answer"), Some("单选题只有一个正确答案"));
    let e = q("单选题", &["1次", "2次"], "C").check().unwrap_err();
    assert!(e.get("answer").unwrap().contains("不超出已填写的选项"));
}

#[test]
fn a_multiple_choice_key_is_sorted_letters_and_needs_two() {
    let ok = q("多选题", &["甲", "乙", "丙", "丁"], "D、b，A").check().unwrap();
    assert_eq!(ok.answer, "ABD");
    assert!(q("多选题", &["甲", "乙", "丙"], "B").check().unwrap_err().get("answer").unwrap().contains("至少有两个"));
}

#[test]
fn options_run_from_a_without_gaps_or_repeats() {
    let e = q("单选题", &["甲", "", "丙"], "A").check().unwrap_err();
    assert_eq!(e.get("options"), Some("选项B为空：选项应从A起连续填写"));
    let e = q("单选题", &["甲", "乙", "甲"], "A").check().unwrap_err();
    assert_eq!(e.get("options"), Some("选项C与前面的选项重复"));
    let e = q("单选题", &["甲"], "A").check().unwrap_err();
    assert!(e.get("options").is_some());
    // Trailing blank options (the sheet's empty 选项E, 选项F) are not options.
    assert_eq!(q("单选题", &["甲", "乙", "", ""], "B").check().unwrap().options.len(), 2);
}

#[test]
fn a_true_false_question_reads_the_ways_people_write_it() {
    for (text, key) in [("对", "A"), ("错误", "B"), ("√", "A"), ("×", "B"), ("正确", "A")] {
        assert_eq!(q("判断题", &[], text).check().unwrap().answer, key, "{text}");
    }
    let t = q("判断", &[], "错").check().unwrap();
    assert_eq!(t.options, ["正确", "错误"]);
    assert!(q("判断题", &[], "也许").check().is_err());
}

#[test]
fn only_an_exactly_right_answer_scores() {
    assert!(answer_is_right("AC", "AC"));
    assert!(!answer_is_right("AC", "A"));
    assert!(!answer_is_right("AC", "ABC"));
    assert!(!answer_is_right("A", ""));
}

fn contest(starts: &str, ends: &str, n: &str) -> ContestInput {
    ContestInput {
        title: "学条例知识竞赛".into(),
        starts_on: starts.into(),
        ends_on: ends.into(),
        question_count: n.into(),
        ranking: String::new(),
    }
}

#[test]
fn a_contest_asks_no_more_questions_than_the_bank_holds() {
    let today = d("2026-03-01");
    let c = contest("2026-03-01", "2026-03-15", "10").check(today, 30).unwrap();
    assert_eq!((c.question_count, c.ranking), (10, false));
    let e = contest("2026-03-01", "2026-03-15", "40").check(today, 30).unwrap_err();
    assert!(e.get("question_count").unwrap().contains("题库只有30道题"));
    assert!(contest("2026-03-01", "2026-03-15", "0").check(today, 30).is_err());
    let e = contest("2026-03-10", "2026-03-01", "5").check(today, 30).unwrap_err();
    assert_eq!(e.get("ends_on"), Some("截止日期不能早于开始日期"));
    assert!(contest("2026-02-01", "2026-02-15", "5").check(today, 30).unwrap_err().get("ends_on").is_some());
}

#[test]
fn a_member_answers_once_within_the_window() {
    let (s, e) = (d("2026-03-01"), d("2026-03-15"));
    assert_eq!(may_answer(s, e, d("2026-03-01"), true, false), Ok(()));
    assert_eq!(may_answer(s, e, d("2026-03-15"), true, false), Ok(()));
    assert_eq!(may_answer(s, e, d("2026-03-05"), true, true), Err(Refusal::Answered));
    assert_eq!(may_answer(s, e, d("2026-02-28"), true, false), Err(Refusal::NotYet));
    assert_eq!(may_answer(s, e, d("2026-03-16"), true, false), Err(Refusal::Over));
    assert_eq!(may_answer(s, e, d("2026-03-05"), false, false), Err(Refusal::NotEligible));
}

#[test]
fn the_draw_is_the_same_for_the_same_member_and_differs_between_neighbours() {
    let a = draw(7, 100, 30, 10);
    assert_eq!(a, draw(7, 100, 30, 10));
    assert_eq!(a.len(), 10);
    assert_ne!(a, draw(7, 101, 30, 10));
    let mut sorted = a.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), 10, "no question twice");
    assert!(a.iter().all(|p| *p < 30));
    assert_eq!(draw(7, 100, 4, 10).len(), 4);
    assert!(draw(7, 100, 0, 10).is_empty());
    // The offset the demo data computes in SQL: (member × 31 + contest) mod pool.
    assert_eq!(draw(7, 100, 30, 1), vec![(100 * 31 + 7) % 30]);
}

#[test]
fn participation_and_average_round_to_one_decimal() {
    let p = Participation { eligible: 8, answered: 7, score_sum: 58 };
    assert_eq!((p.rate(), p.average()), ("87.5".to_string(), "8.3".to_string()));
    let none = Participation::default();
    assert_eq!((none.rate(), none.average()), ("—".to_string(), "—".to_string()));
}
