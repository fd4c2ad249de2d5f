//! The API's operations of the "学条例" knowledge contest (知识竞赛): question banks and their
//! import, contests, papers and results; listed after [`super::STUDY`] in the document.

use super::Endpoint;

pub const CONTEST: &[Endpoint] = &[
    Endpoint {
        method: "get",
        path: "/orgs/{id}/questions",
        summary: "本组织的题库：题型（单选、多选、判断）、题干、选项、正确答案、出处",
        request: None,
        response: Some("QuestionBankOut"),
        tag: "contest",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/questions",
        summary: "向本组织题库录入一道题；题干不能与题库中已有的重复；返回题目 id",
        request: Some("QuestionInput"),
        response: Some("Created"),
        tag: "contest",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/questions/import",
        summary: "从表格导入题库（xlsx、xls、csv：题型、题干、选项A至选项F、正确答案、出处）；有错误时逐行逐列报告，不导入任何题目",
        request: None,
        response: Some("QuestionImportResult"),
        tag: "contest",
    },
    Endpoint {
        method: "get",
        path: "/orgs/{id}/contests",
        summary: "本组织及下级举办的和上级举办的知识竞赛：答题时间、每人题数、是否竞赛排名、状态",
        request: None,
        response: Some("ContestsOut"),
        tag: "contest",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/contests",
        summary: "举办知识竞赛：名称、答题时间、每人题数（不多于题库题数）、是否竞赛排名；以当日题库为题目范围；返回竞赛 id",
        request: Some("ContestInput"),
        response: Some("Created"),
        tag: "contest",
    },
    Endpoint {
        method: "get",
        path: "/contests/{id}",
        summary: "一次知识竞赛；党员可见本人答卷（提交前不含正确答案，提交后含得分和正确答案）",
        request: None,
        response: Some("ContestDetail"),
        tag: "contest",
    },
    Endpoint {
        method: "post",
        path: "/contests/{id}/answers",
        summary: "党员提交答卷（题目 id → 所选字母），每人只能提交一次，须在答题时间内、答全部题目；返回得分（每题1分，多选题全对才得分）",
        request: Some("AnswersIn"),
        response: Some("Submitted"),
        tag: "contest",
    },
    Endpoint {
        method: "get",
        path: "/contests/{id}/results",
        summary: "竞赛结果：各组织应参加人数、已参加人数、参与率和平均分；只有选择了竞赛排名的竞赛才列出个人排名；不统计在线时长",
        request: None,
        response: Some("ContestResultsOut"),
        tag: "contest",
    },
];
