//! Properties of the question sheet reader ([`reports::question_bank::read_questions`]): it never
//! panics on any bytes or any cell text; every question it accepts is well formed (its key's
//! letters among its options, one for a single choice, two or more for a multiple choice); every
//! row is either a question or has a problem reported at its row; and well-formed questions
//! written to a sheet come back as they were.

use domain::contest::{LETTERS, QuestionKind};
use proptest::prelude::*;
use reports::question_bank::{headers, read_questions};
use reports::{SheetSpec, write_xlsx};

/// Cell text: anything, or what people type into a question sheet.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \u{3000}\t\r\n,;、，ABCDEFGabcxyz0-9对错√×正确误是否单选多判断题]{0,8}",
        Just("单选题".to_string()),
        Just("多选题".to_string()),
        Just("判断题".to_string()),
        Just(String::new()),
    ]
}

fn rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(cell(), 10), 0..8)
}

/// A well-formed question as a sheet row (题型, 题干, 选项A–F, 正确答案, 出处), with its key.
fn good_row() -> impl Strategy<Value = (Vec<String>, String)> {
    (0..3usize, "[\u{4e00}-\u{9fa5}]{1,20}", 2..=6usize, any::<u8>(), "[\u{4e00}-\u{9fa5}]{0,10}").prop_map(
        |(kind, stem, n, bits, source)| {
            let (kind, n) = match kind {
                0 => ("单选题", n),
                1 => ("多选题", n.max(2)),
                _ => ("判断题", 0),
            };
            let key: String = match kind {
                "单选题" => LETTERS[usize::from(bits) % n].to_string(),
                "多选题" => {
                    let mut picked: Vec<char> = (0..n).filter(|i| bits & (1 << i) != 0).map(|i| LETTERS[i]).collect();
                    if picked.len() < 2 {
                        picked = vec!['A', 'B'];
                    }
                    picked.into_iter().collect()
                }
                _ => if bits % 2 == 0 { "A" } else { "B" }.to_string(),
            };
            let mut row = vec![kind.to_string(), format!("{stem}？")];
            for (i, letter) in LETTERS.iter().enumerate() {
                row.push(if i < n { format!("选项{letter}{i}") } else { String::new() });
            }
            let typed = if kind == "判断题" {
                if key == "A" { "正确" } else { "错误" }.to_string()
            } else {
                key.clone()
            };
            row.push(typed);
            row.push(source);
            (row, key)
        },
    )
}

fn sheet(rows: &[Vec<String>]) -> Vec<u8> {
    let h = headers();
    write_xlsx(&[SheetSpec { name: "题库", title: None, headers: &h, rows, text_columns: &[] }]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn reading_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = read_questions(&bytes);
    }

    #[test]
    fn arbitrary_cells_give_well_formed_questions_or_problems_at_their_rows(rows in rows()) {
        let Ok(read) = read_questions(&sheet(&rows)) else { return Ok(()) };
        for (_, q) in &read.questions {
            prop_assert!(!q.stem.is_empty());
            prop_assert!(q.answer.chars().all(|l| LETTERS[..q.options.len()].contains(&l)), "{q:?}");
            match q.kind {
                QuestionKind::SingleChoice => prop_assert_eq!(q.answer.len(), 1),
                QuestionKind::MultipleChoice => prop_assert!(q.answer.len() >= 2),
                QuestionKind::TrueFalse => prop_assert_eq!(q.options.len(), 2),
            }
        }
        if read.errors.iter().all(|e| e.row_number > read.table.header_row) {
            for row in &read.table.rows {
                let accepted = read.questions.iter().any(|(n, _)| *n == row.number);
                let reported = read.errors.iter().any(|e| e.row_number == row.number);
                prop_assert!(accepted != reported, "row {} is either a question or has a problem", row.number);
            }
        }
    }

    #[test]
    fn well_formed_questions_come_back_as_written(good in prop::collection::vec(good_row(), 1..6)) {
        // Distinct stems: a repeated 题干 is (rightly) a problem.
        let mut seen = std::collections::HashSet::new();
        let good: Vec<_> = good.into_iter().filter(|(r, _)| seen.insert(r[1].clone())).collect();
        let rows: Vec<Vec<String>> = good.iter().map(|(r, _)| r.clone()).collect();
        let read = read_questions(&sheet(&rows)).unwrap();
        prop_assert!(read.errors.is_empty(), "{:?}", read.errors);
        let keys: Vec<&str> = read.questions.iter().map(|(_, q)| q.answer.as_str()).collect();
        let expected: Vec<&str> = good.iter().map(|(_, k)| k.as_str()).collect();
        prop_assert_eq!(keys, expected);
    }
}
