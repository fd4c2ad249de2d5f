//! The API's operations of study and training (学习培训): classes, hours registers, platform
//! imports; listed after [`super::ENDPOINTS`] in the document.

use super::Endpoint;

pub const STUDY: &[Endpoint] = &[
    Endpoint {
        method: "get",
        path: "/orgs/{id}/training/classes",
        summary: "本组织及下级登记的培训班（按结束日期计入年度）：类别、主办单位、起止日期、学时、是否集中培训、参训和结业人数",
        request: None,
        response: Some("TrainingClasses"),
        tag: "training",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/training/classes",
        summary: "登记培训班及参训人员（姓名或身份证号，每行一人；未结业人员另列）；结业人员计入该年学时（EDU-TRAIN-HOURS）；返回培训班 id",
        request: Some("ClassForm"),
        response: Some("Created"),
        tag: "training",
    },
    Endpoint {
        method: "get",
        path: "/orgs/{id}/training/hours",
        summary: "学时台账：本组织及下级在册党员某年的学时（培训班、党课及学习、外部平台导入）及是否达到EDU-TRAIN-HOURS",
        request: None,
        response: Some("Register"),
        tag: "training",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/training/import",
        summary: "导入外部学习平台的年度学时（xlsx、xls、csv：姓名、学时，可加身份证号）；有错误时逐行逐列报告，不导入任何数据；只导入学时，不导入在线时长、积分或打卡",
        request: None,
        response: Some("HoursImportResult"),
        tag: "training",
    },
    Endpoint {
        method: "get",
        path: "/training/classes/{id}",
        summary: "一个培训班及其参训人员和结业情况",
        request: None,
        response: Some("TrainingClassDetail"),
        tag: "training",
    },
    Endpoint {
        method: "post",
        path: "/training/classes/{id}/completions",
        summary: "设定培训班的结业人员（参训人员中的党员 id），其余为未结业",
        request: Some("Completions"),
        response: Some("Done"),
        tag: "training",
    },
    Endpoint {
        method: "get",
        path: "/members/{id}/hours",
        summary: "党员某年的学习培训学时及来源（培训班、党课及学习、外部平台），及是否达到EDU-TRAIN-HOURS",
        request: None,
        response: Some("MemberHoursOut"),
        tag: "training",
    },
    Endpoint {
        method: "post",
        path: "/members/{id}/hours",
        summary: "登记党员某年来自外部平台的学时合计（同一平台同一年度再次登记将替换）",
        request: Some("HoursTotalIn"),
        response: Some("Done"),
        tag: "training",
    },
];
