//! The "学条例" knowledge contest on both backends: a question sheet with one bad row writes
//! nothing; a member answers once within the window (a second paper is refused); results per org
//! count the members of the window's first day; a ranking only when the contest was set with
//! 竞赛排名; a person outside the contest's subtree sees nothing of it.

use chrono::NaiveDate;
use domain::contest::ContestInput;
use domain::member::{IdNumber, MemberInput};
use domain::org::OrgPath;
use domain::scope::{Actor, Grant};
use services::contest::AnswersIn;
use services::orgs::OrgInput;
use services::{HashCost, ServiceError, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;

test_support::on_both_backends!(
    a_contest_answered_twice_is_refused,
    a_bad_question_sheet_writes_nothing,
    results_count_the_members_of_the_first_day_and_rank_only_when_chosen,
    nobody_outside_the_subtree_sees_a_contest,
    the_demo_papers_are_the_members_draws_and_some_members_did_not_take_part,
);

fn day(s: &str) -> NaiveDate {
    domain::dates::parse_iso(s).unwrap()
}

fn org(name: &str, kind: &str) -> OrgInput {
    OrgInput { name: name.into(), kind: kind.into(), established_on: "2015-01-01".into(), ..Default::default() }
}

fn member(name: &str, seq: u16, joined_on: &str) -> MemberInput {
    let birth = day("1985-03-01");
    MemberInput {
        name: name.into(),
        gender: "male".into(),
        id_number: IdNumber::from_parts("110105", birth, seq * 2 + 1).unwrap().as_str().to_string(),
        ethnicity: "01".into(),
        birth_date: "1985-03-01".into(),
        education: "21".into(),
        joined_on: joined_on.into(),
        confirmed_on: "2011-07-01".into(),
        status: "full".into(),
        dues_category: "employed".into(),
        ..Default::default()
    }
}

const SHEET: &str = "题型,题干,选项A,选项B,选项C,选项D,正确答案,出处\n\
单选题,党支部党员大会一般每季度召开几次？,1次,2次,3次,,A,支部工作条例第十五条\n\
多选题,“三会一课”包括哪些？,支部党员大会,支部委员会会议,党小组会,党课,ABCD,支部工作条例第十五条\n\
判断题,党员应当按月交纳党费。,,,,,正确,党章第八条\n\
判断题,党小组会每月召开一次。,,,,,对,支部工作条例第十五条\n";

struct County {
    s: Services,
    root: i64,
    a: i64,
    b: i64,
    root_path: OrgPath,
    b_path: OrgPath,
    /// 张一 and 王二 in A, 李三 in B, 赵四 in A who joined after the window opened.
    ids: [i64; 4],
}

fn member_actor(member_id: i64) -> Actor {
    Actor { account_id: 0, username: format!("m{member_id}"), grants: vec![Grant::Member { member_id }] }
}

fn admin(org: &OrgPath) -> Actor {
    Actor { account_id: 0, username: "admin".into(), grants: vec![Grant::OrgAdmin { org: org.clone() }] }
}

async fn county(db: Db) -> County {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = Some(day("2026-03-05"));
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县教育局党委", "committee")).await.unwrap();
    let a = s.create_org(&c, Some(root.id), &org("一中党支部", "branch")).await.unwrap();
    let b = s.create_org(&c, Some(root.id), &org("二中党支部", "branch")).await.unwrap();
    let mut ids = [0; 4];
    for (i, (name, branch, joined)) in [
        ("张一", a.id, "2010-07-01"),
        ("王二", a.id, "2010-07-01"),
        ("李三", b.id, "2010-07-01"),
        ("赵四", a.id, "2026-03-02"),
    ]
    .into_iter()
    .enumerate()
    {
        let input = member(name, u16::try_from(i).unwrap() + 1, joined);
        let input = if joined.starts_with("2026") {
            MemberInput { status: "probationary".into(), confirmed_on: String::new(), ..input }
        } else {
            input
        };
        ids[i] = s.create_member(&c, branch, None, &input).await.unwrap();
    }
    let imported = s.import_questions_file(&c, root.id, SHEET.as_bytes(), false).await.unwrap();
    assert_eq!((imported.imported, imported.issues.len()), (4, 0), "{:?}", imported.issues);
    County {
        s,
        root: root.id,
        a: a.id,
        b: b.id,
        root_path: OrgPath::parse(&root.path).unwrap(),
        b_path: OrgPath::parse(&b.path).unwrap(),
        ids,
    }
}

fn contest(count: &str, ranking: bool) -> ContestInput {
    ContestInput {
        title: "学条例知识竞赛".into(),
        starts_on: "2026-03-01".into(),
        ends_on: "2026-03-15".into(),
        question_count: count.into(),
        ranking: if ranking { "on".into() } else { String::new() },
    }
}

/// The right answers to a member's paper, read from the bank (the paper hides them).
async fn right_answers(s: &Services, root: i64, contest_id: i64, member_id: i64) -> AnswersIn {
    let bank = s.question_bank(&console_actor(), root).await.unwrap().questions;
    let view = s.contest(&member_actor(member_id), contest_id).await.unwrap();
    let paper = view.paper.unwrap();
    assert!(paper.questions.iter().all(|q| q.question.answer.is_empty()), "the paper carries no key");
    AnswersIn {
        answers: paper
            .questions
            .iter()
            .map(|q| {
                let key = bank.iter().find(|b| b.id == q.question.id).unwrap().answer.clone();
                (q.question.id, key)
            })
            .collect(),
    }
}

async fn audit_len(s: &Services) -> i64 {
    let (n,): (i64,) = s.fixture_db().fetch_one("SELECT COUNT(*) FROM audit_entries", &[]).await.unwrap();
    n
}

async fn a_contest_answered_twice_is_refused(db: Db) {
    let County { s, root, ids, .. } = county(db).await;
    let c = console_actor();
    let id = s.set_contest(&c, root, &contest("3", false)).await.unwrap();
    let zhang = member_actor(ids[0]);
    let answers = right_answers(&s, root, id, ids[0]).await;
    assert_eq!(answers.answers.len(), 3);
    // A paper with a question left out is refused, naming the question.
    let mut short = answers.clone();
    let first = *short.answers.keys().next().unwrap();
    short.answers.remove(&first);
    let Err(ServiceError::Invalid(e)) = s.submit_answers(&zhang, id, &short).await else { panic!("a blank question") };
    assert!(e.get(&format!("q_{first}")).unwrap().contains("还没有作答"), "{e}");
    assert_eq!(s.submit_answers(&zhang, id, &answers).await.unwrap(), 3);
    let before = audit_len(&s).await;
    let Err(ServiceError::Invalid(e)) = s.submit_answers(&zhang, id, &answers).await else { panic!("answered twice") };
    assert_eq!(e.get("answers"), Some("您已提交过本次竞赛的答卷，每人只能答一次"));
    assert_eq!(audit_len(&s).await, before, "a refused paper writes nothing");
    // The member sees their score and the right answers.
    let paper = s.contest(&zhang, id).await.unwrap().paper.unwrap();
    assert_eq!(paper.score, Some(3));
    assert!(paper.questions.iter().all(|q| q.correct == Some(true) && !q.question.answer.is_empty()));
    assert_eq!(paper.refusal, Some("您已提交过本次竞赛的答卷，每人只能答一次"));
    // A multiple-choice answer one letter short scores nothing; out of the window is refused.
    let wang = member_actor(ids[1]);
    let mut partly = right_answers(&s, root, id, ids[1]).await;
    let bank = s.question_bank(&c, root).await.unwrap().questions;
    for (qid, a) in partly.answers.iter_mut() {
        if bank.iter().any(|q| q.id == *qid && q.answer == "ABCD") {
            *a = "ABC".into();
        }
    }
    let expected = partly.answers.values().filter(|a| a.as_str() != "ABC").count();
    let mut late = s.clone();
    late.today_override = Some(day("2026-03-16"));
    let Err(ServiceError::Invalid(e)) = late.submit_answers(&wang, id, &partly).await else { panic!("too late") };
    assert_eq!(e.get("answers"), Some("竞赛已结束，不能再提交答卷"));
    assert_eq!(s.submit_answers(&wang, id, &partly).await.unwrap(), i64::try_from(expected).unwrap());
    // 赵四 joined after the window opened: not of the contest.
    let zhao = member_actor(ids[3]);
    let Err(ServiceError::Invalid(e)) = s.submit_answers(&zhao, id, &answers).await else { panic!("not eligible") };
    assert!(e.get("answers").unwrap().contains("只限"), "{e}");
    // The member's own page lists the score and no longer the contest as open.
    let (open, scores) = s.own_contests(&zhang).await.unwrap();
    assert!(open.is_empty());
    assert_eq!((scores.len(), scores[0].score, scores[0].questions), (1, 3, 3));
    let (open, _) = s.own_contests(&member_actor(ids[2])).await.unwrap();
    assert_eq!(open.len(), 1, "李三 has it still open");
}

async fn a_bad_question_sheet_writes_nothing(db: Db) {
    let County { s, root, .. } = county(db).await;
    let c = console_actor();
    let before = s.question_bank(&c, root).await.unwrap().questions.len();
    let bad = "题型,题干,选项A,选项B,正确答案\n单选题,新题一,甲,乙,A\n单选题,新题二,甲,乙,C\n判断题,党员应当按月交纳党费。,,,对\n";
    let r = s.import_questions_file(&c, root, bad.as_bytes(), false).await.unwrap();
    assert_eq!(r.imported, 0);
    let issues: Vec<(usize, &str)> = r.issues.iter().map(|(row, col, _)| (*row, col.as_str())).collect();
    assert_eq!(issues, [(3, "正确答案"), (4, "题干")], "{:?}", r.issues);
    assert!(r.issues[1].2.contains("题库中已有相同题干"));
    assert_eq!(s.question_bank(&c, root).await.unwrap().questions.len(), before);
    // A contest asks no more than the bank holds.
    let Err(ServiceError::Invalid(e)) = s.set_contest(&c, root, &contest("9", false)).await else { panic!() };
    assert!(e.get("question_count").unwrap().contains("题库只有4道题"));
}

async fn results_count_the_members_of_the_first_day_and_rank_only_when_chosen(db: Db) {
    let County { s, root, a, b, root_path, b_path, ids } = county(db).await;
    let c = console_actor();
    let plain = s.set_contest(&c, root, &contest("4", false)).await.unwrap();
    let ranked = s.set_contest(&c, root, &contest("2", true)).await.unwrap();
    for id in [plain, ranked] {
        let answers = right_answers(&s, root, id, ids[0]).await;
        s.submit_answers(&member_actor(ids[0]), id, &answers).await.unwrap();
    }
    let r = s.contest_results(&admin(&root_path), plain, None).await.unwrap();
    // 赵四 joined after the first day: A has two members eligible.
    let lines: Vec<(i64, u64, u64, String)> = r
        .lines
        .iter()
        .map(|l| (l.org_id, l.participation.eligible, l.participation.answered, l.participation.average()))
        .collect();
    assert_eq!(lines, [(a, 2, 1, "4.0".into()), (b, 1, 0, "—".into())]);
    assert_eq!((r.total.eligible, r.total.answered, r.total.rate()), (3, 1, "33.3".into()));
    assert!(r.ranking.is_none(), "no ranking unless chosen");
    let r = s.contest_results(&admin(&root_path), ranked, None).await.unwrap();
    let ranking = r.ranking.unwrap();
    assert_eq!((ranking.len(), ranking[0].name.as_str(), ranking[0].score), (1, "张一", 2));
    // B's administrator reads B's results only.
    let r = s.contest_results(&admin(&b_path), plain, None).await.unwrap();
    assert_eq!((r.org_id, r.total.eligible), (b, 1));
    assert!(matches!(s.contest_results(&admin(&b_path), plain, Some(a)).await, Err(ServiceError::NotFound)));
    // The ledger, generated from the submissions.
    let file =
        s.contest_ledger_file(&admin(&root_path), ranked, None, services::ledger::LedgerFormat::Xlsx).await.unwrap();
    assert!(file.file_name.ends_with(".xlsx") && file.bytes.starts_with(b"PK"));
}

async fn nobody_outside_the_subtree_sees_a_contest(db: Db) {
    let County { s, root, ids, .. } = county(db).await;
    let c = console_actor();
    let other = s.create_org(&c, None, &org("县直机关工委", "committee")).await.unwrap();
    let ob = s.create_org(&c, Some(other.id), &org("财政局党支部", "branch")).await.unwrap();
    let stranger = s.create_member(&c, ob.id, None, &member("钱五", 9, "2010-07-01")).await.unwrap();
    let id = s.set_contest(&c, root, &contest("2", false)).await.unwrap();
    let answers = right_answers(&s, root, id, ids[0]).await;
    assert!(matches!(s.contest(&member_actor(stranger), id).await, Err(ServiceError::NotFound)));
    assert!(matches!(s.submit_answers(&member_actor(stranger), id, &answers).await, Err(ServiceError::NotFound)));
    let other_admin = admin(&OrgPath::parse(&other.path).unwrap());
    assert!(matches!(s.contest(&other_admin, id).await, Err(ServiceError::NotFound)));
    assert!(matches!(s.contest_results(&other_admin, id, None).await, Err(ServiceError::NotFound)));
    assert!(matches!(s.set_contest(&other_admin, root, &contest("2", false)).await, Err(ServiceError::NotFound)));
    // A member sees no results, only their paper.
    let view = s.contest(&member_actor(ids[2]), id).await.unwrap();
    assert!(view.results_org.is_none() && view.paper.is_some());
}

/// The demo's papers are generated in SQL: each one is the member's own draw, its score is the
/// sum of its answers, and some members did not take part.
async fn the_demo_papers_are_the_members_draws_and_some_members_did_not_take_part(db: Db) {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    let as_of = day("2026-06-10");
    s.today_override = Some(as_of);
    s.seed_demo(services::demo::Scale::Tiny, as_of).await.unwrap();
    let c = console_actor();
    let (root,): (i64,) =
        s.fixture_db().fetch_one("SELECT MIN(id) FROM orgs WHERE parent_id IS NULL", &[]).await.unwrap();
    let list = s.contests(&c, root).await.unwrap();
    assert_eq!(list.contests.len(), 2);
    for line in &list.contests {
        let contest = &line.contest;
        let pool = s.fixture_db();
        let papers: Vec<(i64, i64, i64)> = pool
            .fetch_all(
                "SELECT id, member_id, score FROM contest_submissions WHERE contest_id = $1 ORDER BY id",
                &[contest.id.into()],
            )
            .await
            .unwrap();
        assert!(!papers.is_empty(), "{}", contest.title);
        let bank: Vec<(i64,)> = pool
            .fetch_all(
                "SELECT question_id FROM contest_questions WHERE contest_id = $1 ORDER BY position",
                &[contest.id.into()],
            )
            .await
            .unwrap();
        for (id, member_id, score) in papers {
            let answers: Vec<(i64, i64)> = pool
                .fetch_all(
                    "SELECT question_id, correct FROM contest_answers WHERE submission_id = $1 ORDER BY position",
                    &[id.into()],
                )
                .await
                .unwrap();
            let drawn: Vec<i64> =
                domain::contest::draw(contest.id, member_id, bank.len(), 10).into_iter().map(|p| bank[p].0).collect();
            assert_eq!(answers.iter().map(|a| a.0).collect::<Vec<_>>(), drawn, "member {member_id}");
            assert_eq!(answers.iter().map(|a| a.1).sum::<i64>(), score);
        }
        let r = s.contest_results(&c, contest.id, None).await.unwrap();
        assert!(r.total.answered > 0 && r.total.answered < r.total.eligible, "{:?}", r.total);
        assert_eq!(r.ranking.is_some(), contest.ranking);
    }
    // The open one: the demo member (the first member) has not answered it.
    let open = list.contests.iter().find(|l| l.state == domain::contest::WindowState::Open).unwrap();
    let first: (i64,) = s.fixture_db().fetch_one("SELECT MIN(id) FROM members", &[]).await.unwrap();
    let none: Option<(i64,)> = s
        .fixture_db()
        .fetch_optional(
            "SELECT id FROM contest_submissions WHERE contest_id = $1 AND member_id = $2",
            &[open.contest.id.into(), first.0.into()],
        )
        .await
        .unwrap();
    assert!(none.is_none());
}
