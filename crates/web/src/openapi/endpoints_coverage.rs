//! The API's operations of coverage (党的组织和工作覆盖, COVER-PRIVATE): the units a committee
//! oversees, their orgs, party-building instructors and inspections; listed after
//! [`super::CONTEST`] in the document.

use super::Endpoint;

pub const COVERAGE: &[Endpoint] = &[
    Endpoint {
        method: "get",
        path: "/orgs/{id}/coverage",
        summary: "本组织及下级登记的单位在某日的覆盖情况：按单位类别和办学性质汇总（单独建立党组织、联合党支部、党建指导员、未覆盖、章程写入党建），及每个单位的覆盖方式、正式党员数和 COVER-PRIVATE 问题",
        request: None,
        response: Some("CoverageOut"),
        tag: "coverage",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/units",
        summary: "登记本组织所管单位（名称、类别、办学性质、主管部门、分级管理、章程写入党建日期和文件）；同名单位不能重复登记；返回 id",
        request: Some("UnitInput"),
        response: Some("Created"),
        tag: "coverage",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/units/import",
        summary: "从表格导入单位名单（xlsx、xls、csv：单位名称、单位类别、办学性质、主管部门、分级管理、统一社会信用代码、章程写入党建日期、章程文件、备注）；已登记的按名称更新；有错误时逐行逐列报告，不导入任何单位",
        request: None,
        response: Some("UnitImportResult"),
        tag: "coverage",
    },
    Endpoint {
        method: "get",
        path: "/units/{id}",
        summary: "单位详情：登记信息、覆盖方式、关联的党组织、党建指导员和年检记录",
        request: None,
        response: Some("UnitDetailOut"),
        tag: "coverage",
    },
    Endpoint {
        method: "put",
        path: "/units/{id}",
        summary: "修改单位登记信息（全部字段）",
        request: Some("UnitInput"),
        response: Some("Done"),
        tag: "coverage",
    },
    Endpoint {
        method: "post",
        path: "/units/{id}/orgs",
        summary: "将登记组织及其下级的党委、党总支或党支部与单位关联（关联多个单位的为联合党支部）",
        request: Some("UnitLinkIn"),
        response: Some("Done"),
        tag: "coverage",
    },
    Endpoint {
        method: "delete",
        path: "/units/{id}/orgs/{org}",
        summary: "取消党组织与单位的关联",
        request: None,
        response: Some("Done"),
        tag: "coverage",
    },
    Endpoint {
        method: "post",
        path: "/units/{id}/instructors",
        summary: "选派党建指导员（其他党组织的党员）自某日起服务该单位；返回 id",
        request: Some("InstructorIn"),
        response: Some("Created"),
        tag: "coverage",
    },
    Endpoint {
        method: "post",
        path: "/units/{id}/instructors/{instructor}/end",
        summary: "党建指导员离任（离任日期在选派日期和今天之间）",
        request: Some("InstructorEndIn"),
        response: Some("Done"),
        tag: "coverage",
    },
    Endpoint {
        method: "post",
        path: "/units/{id}/inspections",
        summary: "登记单位年检（年度、日期、党建工作是否纳入年检、结论文件）；返回 id",
        request: Some("InspectionInput"),
        response: Some("Created"),
        tag: "coverage",
    },
];
