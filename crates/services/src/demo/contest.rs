//! The demos' knowledge contest (知识竞赛): the root committee's question bank on the
//! regulations, a past contest with a ranking and one open on the demo's date without, and the
//! members' papers generated in the database ([`storage::bulk_contest`]), with members who did
//! not take part.

use chrono::NaiveDate;
use domain::contest::{Contest, Question, QuestionInput};

use crate::{Result, ServiceError};

/// (题型, 题干, 选项, 正确答案, 出处).
type Row = (&'static str, &'static str, &'static [&'static str], &'static str, &'static str);

const BANK: &[Row] = &[
    (
        "单选题",
        "党支部党员大会一般每季度召开几次？",
        &["1次", "2次", "3次", "4次"],
        "A",
        "《中国共产党支部工作条例（试行）》第十五条",
    ),
    (
        "单选题",
        "党支部委员会会议一般多长时间召开1次？",
        &["每周", "每月", "每季度", "每半年"],
        "B",
        "《中国共产党支部工作条例（试行）》第十五条",
    ),
    (
        "单选题",
        "党小组会一般多长时间召开1次？",
        &["每周", "每月", "每季度", "每年"],
        "B",
        "《中国共产党支部工作条例（试行）》第十五条",
    ),
    (
        "单选题",
        "党课一般每季度至少上几次？",
        &["1次", "2次", "3次", "4次"],
        "A",
        "《中国共产党支部工作条例（试行）》第十五条",
    ),
    (
        "单选题",
        "主题党日一般多长时间开展1次？",
        &["每周", "每月", "每季度", "每年"],
        "B",
        "《中国共产党支部工作条例（试行）》第十六条",
    ),
    (
        "单选题",
        "正式党员不足几人的单位，应当与其他单位成立联合党支部？",
        &["3人", "5人", "7人", "50人"],
        "A",
        "《中国共产党支部工作条例（试行）》第五条",
    ),
    (
        "单选题",
        "党员人数几人以上的党支部，设立支部委员会？",
        &["3人", "5人", "7人", "9人"],
        "C",
        "《中国共产党支部工作条例（试行）》第六条",
    ),
    (
        "单选题",
        "党支部委员会每届任期几年？",
        &["2年或3年", "3年或4年", "4年或5年", "5年"],
        "A",
        "《中国共产党支部工作条例（试行）》第二十四条",
    ),
    ("单选题", "预备党员的预备期为多长时间？", &["半年", "一年", "两年", "三年"], "B", "《中国共产党章程》第七条"),
    (
        "单选题",
        "组织生活会一般每年召开几次？",
        &["1次", "2次", "3次", "4次"],
        "A",
        "《中国共产党支部工作条例（试行）》第十七条",
    ),
    (
        "多选题",
        "“三会一课”包括哪些？",
        &["支部党员大会", "支部委员会会议", "党小组会", "党课"],
        "ABCD",
        "《中国共产党支部工作条例（试行）》第十五条",
    ),
    (
        "多选题",
        "民主评议党员的评议结果分为哪些等次？",
        &["优秀", "合格", "基本合格", "不合格"],
        "ABCD",
        "《关于党员领导干部参加双重组织生活的若干规定》及民主评议党员有关规定",
    ),
    (
        "多选题",
        "发展党员工作的阶段包括哪些？",
        &["入党申请人的培养教育", "入党积极分子的确定和培养", "发展对象的确定和考察", "预备党员的接收和转正"],
        "ABCD",
        "《中国共产党发展党员工作细则》",
    ),
    (
        "多选题",
        "党员享有的权利包括哪些？",
        &[
            "参加党的有关会议",
            "对党的工作提出建议和倡议",
            "在党的会议上有根据地批评党的任何组织和任何党员",
            "不按规定交纳党费",
        ],
        "ABC",
        "《中国共产党章程》第四条",
    ),
    (
        "多选题",
        "党支部的基本任务包括哪些？",
        &[
            "宣传和执行党的路线方针政策",
            "组织党员认真学习",
            "对党员进行教育、管理、监督和服务",
            "代替行政管理单位的全部工作",
        ],
        "ABC",
        "《中国共产党支部工作条例（试行）》第九条",
    ),
    ("判断题", "党员应当按月交纳党费。", &[], "正确", "《中国共产党党费使用和管理规定》"),
    (
        "判断题",
        "党员没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党。",
        &[],
        "正确",
        "《中国共产党章程》第九条",
    ),
    (
        "判断题",
        "入党积极分子经过一年以上培养教育和考察，可列为发展对象。",
        &[],
        "正确",
        "《中国共产党发展党员工作细则》第十三条",
    ),
    (
        "判断题",
        "党支部书记可以由不是党员的行政负责人兼任。",
        &[],
        "错误",
        "《中国共产党支部工作条例（试行）》第二十四条",
    ),
    (
        "判断题",
        "评选学习积极分子时以在线学习时长作为主要依据。",
        &[],
        "错误",
        "中央关于解决形式主义突出问题为基层减负的通知",
    ),
];

/// What was generated.
#[derive(Debug, Clone, Copy, Default)]
pub struct ContestStats {
    pub questions: usize,
    pub contests: usize,
    pub submissions: u64,
}

/// The bank of the demo's root, the two contests and their papers, in `tx`. `exclude` is the
/// demo member (`dangyuan`), who has not answered the open contest.
pub(crate) async fn seed(
    tx: &mut storage::Tx,
    root: (i64, &str),
    lo: &str,
    hi: &str,
    as_of: NaiveDate,
    exclude: Option<i64>,
) -> Result<ContestStats> {
    let mut questions: Vec<Question> = Vec::new();
    for (kind, stem, options, answer, source) in BANK {
        let input = QuestionInput {
            kind: kind.to_string(),
            stem: stem.to_string(),
            options: options.iter().map(|s| s.to_string()).collect(),
            answer: answer.to_string(),
            source: source.to_string(),
        };
        questions.push(input.check().map_err(|e| ServiceError::Internal(format!("demo question {stem}: {e}")))?);
    }
    storage::contest::insert_questions(tx, root.0, root.1, &questions, 0).await?;
    let day = |days: i64| as_of.checked_add_signed(chrono::Duration::days(days)).unwrap_or(as_of);
    let year = chrono::Datelike::year(&as_of);
    let contests = [
        (
            Contest {
                title: format!("{year}年“学条例”知识竞赛（第一期）"),
                starts_on: day(-60),
                ends_on: day(-46),
                question_count: 10,
                ranking: true,
            },
            "m.id % 5 <> 2",
        ),
        (
            Contest {
                title: format!("{year}年“学条例”知识竞赛（第二期）"),
                starts_on: day(-3),
                ends_on: day(11),
                question_count: 10,
                ranking: false,
            },
            "m.id % 3 = 1",
        ),
    ];
    let mut stats = ContestStats { questions: questions.len(), ..Default::default() };
    for (c, who) in contests {
        let id = storage::contest::insert_contest(tx, root.0, root.1, &c, 0).await?;
        let plan = storage::bulk_contest::PaperPlan {
            contest_id: id,
            lo: lo.to_string(),
            hi: hi.to_string(),
            joined_by: c.starts_on.to_string(),
            who,
            exclude,
        };
        stats.submissions += storage::bulk_contest::papers(tx, &plan).await?;
        stats.contests += 1;
    }
    Ok(stats)
}
