//! The OpenAPI 3.1 document of `/api/v1`: the operations come from one table of endpoints, the
//! schemas of every request and answer are derived from the API's own types (utoipa
//! `ToSchema`). Tests check both directions against the router (every route documented, every
//! documented route answered), validate the document with a standard validator, and pin it
//! with a snapshot; the CI fuzzes the API against it (schemathesis).

use serde_json::{Value, json};
use utoipa::OpenApi;

/// One operation of the API: its method and path, a summary in Chinese, the schema of its JSON
/// request body and of its JSON answer (by the name of the type that derives it; `None` for a
/// file or no body), and its tag.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub request: Option<&'static str>,
    pub response: Option<&'static str>,
    pub tag: &'static str,
}

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "get",
        path: "/health",
        summary: "健康检查（不访问数据库）",
        request: None,
        response: Some("Health"),
        tag: "system",
    },
    Endpoint {
        method: "get", path: "/openapi.json", summary: "本文档", request: None, response: None, tag: "system"
    },
    Endpoint {
        method: "get",
        path: "/me",
        summary: "当前账户及其角色",
        request: None,
        response: Some("Me"),
        tag: "account",
    },
    Endpoint {
        method: "get",
        path: "/home",
        summary: "首页统计：各类组织数、各状态党员数、60 天内预备期满的预备党员",
        request: None,
        response: Some("Home"),
        tag: "system",
    },
    Endpoint {
        method: "get",
        path: "/orgs",
        summary: "权限范围内的组织树（include_closed=true 含已撤销）",
        request: None,
        response: Some("OrgList"),
        tag: "orgs",
    },
    Endpoint {
        method: "post",
        path: "/orgs",
        summary: "新建组织（parent_id 为空时新建顶级党委）",
        request: Some("NewOrg"),
        response: Some("Org"),
        tag: "orgs",
    },
    Endpoint {
        method: "get",
        path: "/orgs/{id}",
        summary: "组织详情：上级、下级、委员会职务、在册党员数",
        request: None,
        response: Some("OrgDetail"),
        tag: "orgs",
    },
    Endpoint {
        method: "patch",
        path: "/orgs/{id}",
        summary: "修改组织信息（类别不可改）",
        request: Some("OrgInput"),
        response: Some("Org"),
        tag: "orgs",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/move",
        summary: "调整隶属关系（拒绝循环和会使党员脱离支部的移动）",
        request: Some("MoveBody"),
        response: Some("Org"),
        tag: "orgs",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/close",
        summary: "撤销组织（保留历史）",
        request: None,
        response: Some("Org"),
        tag: "orgs",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/posts",
        summary: "任命委员会职务",
        request: Some("PostBody"),
        response: Some("Created"),
        tag: "orgs",
    },
    Endpoint {
        method: "post",
        path: "/posts/{id}/end",
        summary: "卸任",
        request: Some("EndBody"),
        response: Some("PostEnded"),
        tag: "orgs",
    },
    Endpoint {
        method: "get",
        path: "/members",
        summary: "党员名册：筛选、排序、分页；身份证号和电话脱敏",
        request: None,
        response: Some("MemberPage"),
        tag: "members",
    },
    Endpoint {
        method: "post",
        path: "/members",
        summary: "录入党员",
        request: Some("NewMember"),
        response: Some("Member"),
        tag: "members",
    },
    Endpoint {
        method: "get",
        path: "/members/{id}",
        summary: "党员详情及历史；reveal=true 显示完整个人信息（有权限时，记入审计）",
        request: None,
        response: Some("MemberDetail"),
        tag: "members",
    },
    Endpoint {
        method: "patch",
        path: "/members/{id}",
        summary: "修改党员信息（状态变更按 status_on 记录）",
        request: Some("MemberUpdate"),
        response: Some("Member"),
        tag: "members",
    },
    Endpoint {
        method: "post",
        path: "/members/{id}/contact",
        summary: "修改联系电话（本人可改）",
        request: Some("ContactBody"),
        response: Some("Done"),
        tag: "members",
    },
    Endpoint {
        method: "post",
        path: "/members/{id}/relocate",
        summary: "系统内转移组织关系（历史保留）",
        request: Some("RelocateBody"),
        response: Some("Done"),
        tag: "members",
    },
    Endpoint {
        method: "get",
        path: "/audit",
        summary: "审计日志（按权限范围）",
        request: None,
        response: Some("AuditEntries"),
        tag: "audit",
    },
    Endpoint {
        method: "get",
        path: "/tokens",
        summary: "我的 API 令牌",
        request: None,
        response: Some("TokenList"),
        tag: "account",
    },
    Endpoint {
        method: "post",
        path: "/tokens",
        summary: "创建 API 令牌（明文只返回一次）",
        request: Some("TokenBody"),
        response: Some("NewToken"),
        tag: "account",
    },
    Endpoint {
        method: "delete",
        path: "/tokens/{id}",
        summary: "吊销 API 令牌",
        request: None,
        response: Some("Done"),
        tag: "account",
    },
    Endpoint {
        method: "post",
        path: "/account/password",
        summary: "修改密码",
        request: Some("PasswordBody"),
        response: Some("Done"),
        tag: "account",
    },
    Endpoint {
        method: "get",
        path: "/members/template.xlsx",
        summary: "党员导入模板（.xlsx，含填写说明）",
        request: None,
        response: None,
        tag: "roster",
    },
    Endpoint {
        method: "get",
        path: "/members/export",
        summary: "导出党员名册：format=xlsx|csv，shape=template|annex4，其余参数同 /members 的筛选",
        request: None,
        response: None,
        tag: "roster",
    },
    Endpoint {
        method: "get",
        path: "/orgs/export",
        summary: "导出组织树：format=xlsx|csv",
        request: None,
        response: None,
        tag: "roster",
    },
    Endpoint {
        method: "post",
        path: "/members/import",
        summary: "导入党员：请求体为文件本身（.xlsx/.xls/.csv）；dry_run=true 只检查；有错误时 400 并附逐行逐列报告，不导入任何数据",
        request: None,
        response: Some("ImportResult"),
        tag: "roster",
    },
    Endpoint {
        method: "get",
        path: "/orgs/{id}/meetings",
        summary: "组织生活记录：year=年份（默认本年），含出席情况",
        request: None,
        response: Some("MeetingList"),
        tag: "org_life",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/meetings",
        summary: "记录会议：应到人员按当天组织关系自动确定，默认出席，exceptions 只列请假和缺席的人",
        request: Some("MeetingInput"),
        response: Some("Created"),
        tag: "org_life",
    },
    Endpoint {
        method: "get",
        path: "/meetings/{id}",
        summary: "会议记录详情：出席、到会人数是否符合要求、决议与表决、评议结果、附件、更正记录",
        request: None,
        response: Some("MeetingDetail"),
        tag: "org_life",
    },
    Endpoint {
        method: "post",
        path: "/meetings/{id}/void",
        summary: "作废会议记录（误录、重复录入）：reason 为作废原因；记录留存并注明作废，不再计入检查和台账",
        request: Some("VoidBody"),
        response: Some("Done"),
        tag: "org_life",
    },
    Endpoint {
        method: "put",
        path: "/meetings/{id}",
        summary: "更正会议记录：请求体同记录会议，另加 reason（更正原因）；原记录连同原因留存，台账注明已更正，提醒随之更新",
        request: Some("CorrectionBody"),
        response: Some("Done"),
        tag: "org_life",
    },
    Endpoint {
        method: "get",
        path: "/orgs/{id}/findings",
        summary: "规则检查提醒：year=年份，as_of=检查日期；每条含规则编号、依据条款和补录链接",
        request: None,
        response: Some("FindingList"),
        tag: "org_life",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/findings/explain",
        summary: "对提醒说明情况（留痕、记入审计）",
        request: Some("ExplainBody"),
        response: Some("Created"),
        tag: "org_life",
    },
    Endpoint {
        method: "get",
        path: "/todo",
        summary: "待办事项：所管党支部的未办提醒（按期限分组）、本期应完成事项和本月日历，或所辖下级组织的逾期情况",
        request: None,
        response: Some("TodoLists"),
        tag: "org_life",
    },
    Endpoint {
        method: "get",
        path: "/orgs/{id}/compliance",
        summary: "合规看板数据：本组织及全部下级的落实率（按下级组织、规则、月份汇总）和提醒数；year=年份",
        request: None,
        response: Some("Compliance"),
        tag: "org_life",
    },
    Endpoint {
        method: "get",
        path: "/orgs/{id}/ledger",
        summary: "组织生活台账：year=年份，format=xlsx|pdf；全部由记录生成，含一致性检查（导出记入审计）",
        request: None,
        response: None,
        tag: "org_life",
    },
    Endpoint {
        method: "get",
        path: "/orgs/{id}/settings",
        summary: "党委设置：每项设置的现行取值、来源（本组织、上级或默认）和本组织的变更记录",
        request: None,
        response: Some("SettingList"),
        tag: "settings",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/settings",
        summary: "设定一项党委设置（党委、党总支管理员）：自 from 日期起对本组织及下级生效；放宽规则的设定被拒绝并注明规则编号",
        request: Some("SettingBody"),
        response: Some("Created"),
        tag: "settings",
    },
    Endpoint {
        method: "get",
        path: "/orgs/{id}/rules",
        summary: "规则目录：本组织在 on 日期（默认今天）适用的全部规则，含编号、依据、参数、级别、来源",
        request: None,
        response: Some("RuleCatalogue"),
        tag: "settings",
    },
    Endpoint {
        method: "get",
        path: "/members/{id}/work-refusals",
        summary: "党员不做党所分配工作的月份记录（CON-LAPSE 的第三种情形）",
        request: None,
        response: Some("WorkRefusalList"),
        tag: "org_life",
    },
    Endpoint {
        method: "post",
        path: "/members/{id}/work-refusals",
        summary: "记录党员某月无正当理由不做党所分配的工作（month=YYYY-MM，note=情况）；连续六个月的，检查会提醒",
        request: Some("WorkRefusalBody"),
        response: Some("WorkRefusalRecorded"),
        tag: "org_life",
    },
    Endpoint {
        method: "get",
        path: "/accounts",
        summary: "我可管理的账户及其角色",
        request: None,
        response: Some("AccountList"),
        tag: "accounts",
    },
    Endpoint {
        method: "post",
        path: "/accounts",
        summary: "新建账户（返回一次性密码，只返回一次）",
        request: Some("NewAccountBody"),
        response: Some("NewAccountCreated"),
        tag: "accounts",
    },
    Endpoint {
        method: "post",
        path: "/accounts/{id}/disable",
        summary: "停用账户（会话和令牌随即失效）",
        request: None,
        response: Some("Done"),
        tag: "accounts",
    },
    Endpoint {
        method: "post",
        path: "/accounts/{id}/enable",
        summary: "启用账户",
        request: None,
        response: Some("Done"),
        tag: "accounts",
    },
    Endpoint {
        method: "get",
        path: "/dues/quote",
        summary: "党费计算器：按类别和月计算基数算出每月应交党费、比例、档次和依据（org=组织 id 时按该组织所在党委的取整设置）",
        request: None,
        response: Some("DuesQuote"),
        tag: "dues",
    },
    Endpoint {
        method: "get",
        path: "/members/{id}/dues",
        summary: "党员某年的党费：逐月应交、实交、状态，基数和交纳记录，欠交提醒（DUES-ARREARS）",
        request: None,
        response: Some("MemberDues"),
        tag: "dues",
    },
    Endpoint {
        method: "post",
        path: "/members/{id}/dues/payments",
        summary: "登记交纳党费（amount 为空时交清该月应交）；组织垫交、工资代扣、“特殊党费”、超出约定季度的预交被拒绝并说明规则",
        request: Some("PaymentInput"),
        response: Some("Created"),
        tag: "dues",
    },
    Endpoint {
        method: "post",
        path: "/members/{id}/dues/bases",
        summary: "登记党费基数（从某月起，DUES-CHANGE）；党员的党费类别随之更新",
        request: Some("BaseInput"),
        response: Some("Created"),
        tag: "dues",
    },
    Endpoint {
        method: "post",
        path: "/members/{id}/dues/hardships",
        summary: "登记困难党员少交或免交党费（支部研究、上级党委批准，DUES-HARDSHIP）",
        request: Some("HardshipInput"),
        response: Some("Created"),
        tag: "dues",
    },
    Endpoint {
        method: "post",
        path: "/members/{id}/dues/quarterly",
        summary: "登记支部同意按季度交纳党费（DUES-PERIOD）",
        request: Some("QuarterlyInput"),
        response: Some("Created"),
        tag: "dues",
    },
    Endpoint {
        method: "delete",
        path: "/dues/payments/{id}",
        summary: "删除错录的交纳记录（记入审计日志）",
        request: None,
        response: Some("Done"),
        tag: "dues",
    },
    Endpoint {
        method: "get",
        path: "/orgs/{id}/dues",
        summary: "党支部某年的党费收缴台账：每名党员逐月应交、实交、欠交，按月汇总，欠交和公布提醒",
        request: None,
        response: Some("BranchDues"),
        tag: "dues",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/dues/collect",
        summary: "按月登记收缴：除 except 所列党员外，该月应交的党员均按应交金额交纳",
        request: Some("CollectBody"),
        response: Some("CollectResult"),
        tag: "dues",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/dues/publications",
        summary: "登记党支部已向党员公布某年度党费收缴情况（DUES-PUBLISH）",
        request: Some("PublicationBody"),
        response: Some("Created"),
        tag: "dues",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/dues/import",
        summary: "导入党支部已有的党费收缴表（请求体为 .xlsx/.xls/.csv 文件本身）：姓名、月份、实交、交纳日期，可加身份证号、交纳方式、备注；有任何错误时不导入并按行列列出",
        request: None,
        response: Some("DuesImportResult"),
        tag: "dues",
    },
    Endpoint {
        method: "get",
        path: "/orgs/{id}/dues/account",
        summary: "组织某年的党费账户：党员交纳收入（取自交纳记录）、利息、下拨、上缴、按五项用途的支出和结余",
        request: None,
        response: Some("DuesAccount"),
        tag: "dues",
    },
    Endpoint {
        method: "post",
        path: "/orgs/{id}/dues/account/entries",
        summary: "登记党费账户收支；支出须为五项用途之一（DUES-USE）、经会议集体研究（DUES-COLLECTIVE）、不超过结余",
        request: Some("AccountEntryInput"),
        response: Some("Created"),
        tag: "dues",
    },
];

/// Every type the API takes or answers with; their schemas (and those of the types they
/// contain, such as the code lists) are derived from the types themselves.
#[derive(OpenApi)]
#[openapi(components(schemas(
    crate::error::ErrorBody,
    crate::api::Done,
    crate::api::Created,
    crate::api::Health,
    crate::api::Me,
    crate::api::Home,
    crate::api_orgs::Org,
    crate::api_orgs::OrgList,
    crate::api_orgs::OrgDetail,
    crate::api_orgs::PostEnded,
    crate::api_orgs::NewOrg,
    crate::api_orgs::MoveBody,
    crate::api_orgs::PostBody,
    crate::api_orgs::EndBody,
    services::orgs::OrgInput,
    crate::api_members::Member,
    crate::api_members::MemberPage,
    crate::api_members::MemberDetail,
    crate::api_members::NewMember,
    crate::api_members::MemberUpdate,
    crate::api_members::ContactBody,
    crate::api_members::RelocateBody,
    crate::api_audit::AuditEntries,
    crate::api_accounts::TokenList,
    crate::api_accounts::NewToken,
    crate::api_accounts::AccountList,
    crate::api_accounts::NewAccountCreated,
    crate::api_accounts::TokenBody,
    crate::api_accounts::PasswordBody,
    crate::api_accounts::NewAccountBody,
    crate::roster::ImportResult,
    crate::roster::ImportRefused,
    crate::api_life::MeetingList,
    crate::api_life::MeetingDetail,
    crate::api_life::FindingList,
    crate::api_life::ExplainBody,
    crate::api_life::CorrectionBody,
    crate::api_life::VoidBody,
    services::org_life::MeetingInput,
    crate::compliance::Compliance,
    crate::settings::SettingList,
    crate::settings::RuleCatalogue,
    crate::settings::SettingBody,
    crate::lapse::WorkRefusalList,
    crate::lapse::WorkRefusalRecorded,
    crate::lapse::WorkRefusalBody,
    crate::api_todo::TodoLists,
    crate::api_dues::DuesQuote,
    crate::api_dues::MemberDues,
    crate::api_dues::BranchDues,
    crate::api_dues::CollectBody,
    crate::api_dues::CollectResult,
    crate::api_dues::PublicationBody,
    crate::api_dues::DuesAccount,
    crate::dues_import::DuesImportResult,
    crate::dues_import::DuesImportRefused,
    services::dues::account::AccountEntryInput,
    services::dues::PaymentInput,
    services::dues::BaseInput,
    services::dues::HardshipInput,
    services::dues::QuarterlyInput,
)))]
struct Components;

/// The derived schemas, by name.
pub fn schemas() -> serde_json::Map<String, Value> {
    let doc = Components::openapi();
    let schemas = doc.components.map(|c| c.schemas).unwrap_or_default();
    schemas
        .into_iter()
        .map(|(name, schema)| {
            let mut schema = serde_json::to_value(schema).unwrap_or(Value::Null);
            drop_defaults_next_to_references(&mut schema);
            (name, schema)
        })
        .collect()
}

/// The inputs are forms: a field not given is an empty string, so the derive states defaults
/// such as `kind: ""` next to a reference to the code list, or a whole flattened form of empty
/// strings. Those are not values of the referenced schema, and a document whose default does
/// not fit its schema is invalid: a default next to a reference is left out.
fn drop_defaults_next_to_references(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if ["$ref", "oneOf", "allOf"].iter().any(|k| map.contains_key(*k)) {
                map.remove("default");
            }
            map.values_mut().for_each(drop_defaults_next_to_references);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_defaults_next_to_references),
        _ => {}
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const XLS: &str = "application/vnd.ms-excel";
const CSV: &str = "text/csv";
const PDF: &str = "application/pdf";

/// A query parameter with its schema. Every parameter the server parses strictly carries the
/// type it parses (an empty `year=` is not an integer), so a client generated from this
/// document, or a fuzzer, sends only what the server takes or gets a documented 400.
fn param(name: &str, schema: Value, desc: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": schema, "description": desc})
}

fn text() -> Value {
    json!({"type": "string"})
}

fn boolean() -> Value {
    json!({"type": "boolean"})
}

fn date() -> Value {
    json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
}

fn year() -> Value {
    json!({"type": "integer", "minimum": 1949, "maximum": 2100})
}

fn one_of(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

fn query_params(method: &str, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    if path.contains("{id}") {
        out.push(json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}));
    }
    let member_filters = |out: &mut Vec<Value>| {
        for (n, schema, d) in [
            ("q", text(), "姓名前缀"),
            ("org", json!({"type": "integer"}), "组织 id：只看其下级范围"),
            ("status", text(), "状态；空 = 在册（正式和预备），all = 全部"),
            ("gender", one_of(&["male", "female"]), "性别"),
            ("education", text(), "学历代码"),
            ("joined_from", date(), "入党日期起"),
            ("joined_to", date(), "入党日期止"),
            ("age_band", text(), "年龄段：to30, 31_35 … 61up"),
            ("sort", one_of(&["name", "joined_on", "birth_date", "status", "id"]), "排序"),
            ("dir", one_of(&["asc", "desc"]), "升序 / 降序"),
            ("page", json!({"type": "integer", "minimum": 1, "maximum": 1000000}), "页码，从 1 开始"),
            ("per_page", json!({"type": "integer", "minimum": 1, "maximum": 200}), "每页条数 1–200，默认 20"),
        ] {
            out.push(param(n, schema, d));
        }
    };
    match (method, path) {
        ("get", "/members") => member_filters(&mut out),
        ("get", "/members/export") => {
            out.push(param("format", one_of(&["xlsx", "csv"]), "文件格式，默认 xlsx"));
            out.push(param("shape", one_of(&["template", "annex4"]), "本系统模板列，或全国系统附件4汇总表"));
            member_filters(&mut out);
        }
        ("get", "/orgs/export") => out.push(param("format", one_of(&["xlsx", "csv"]), "文件格式，默认 xlsx")),
        ("post", "/orgs/{id}/dues/import") => out.push(param("dry_run", boolean(), "true：只检查，不导入")),
        ("post", "/members/import") => {
            out.push(param("dry_run", boolean(), "true：只检查，不导入"));
            out.push(param("branch", json!({"type": "integer"}), "未写所在组织的行编入的党支部 id"));
        }
        ("get", "/members/{id}") => {
            out.push(param("reveal", boolean(), "true：显示完整身份证号和电话（有权限时，记入审计日志）"))
        }
        ("get", "/orgs") => out.push(param("include_closed", boolean(), "true：包含已撤销组织")),
        ("get", "/orgs/{id}/rules") => out.push(param("on", date(), "日期，默认今天")),
        ("get", "/orgs/{id}/meetings") | ("get", "/orgs/{id}/compliance") => {
            out.push(param("year", year(), "年份，默认本年（不晚于明年）"))
        }
        ("get", "/orgs/{id}/ledger") => {
            out.push(param("year", year(), "年份，默认本年（不晚于明年）"));
            out.push(param("format", one_of(&["xlsx", "pdf"]), "xlsx（默认）或 pdf"));
            out.push(param("as_of", date(), "检查日期，默认今天（往年为次年1月1日）"));
        }
        ("get", "/members/{id}/dues") | ("get", "/orgs/{id}/dues") | ("get", "/orgs/{id}/dues/account") => {
            out.push(param("year", year(), "年份，默认本年（不晚于明年）"))
        }
        ("get", "/dues/quote") => {
            for (n, schema, d) in [
                (
                    "category",
                    text(),
                    "党费类别：employed、annual_salary、self_employed、retired、farmer、student、unemployed、low_income、other",
                ),
                ("base", text(), "月计算基数（元，如 5100 或 5,100.50）；定额类别可不填"),
                ("chosen", text(), "农民党员自选的每月金额（0.20–1.00 元）"),
                ("month", text(), "月份 YYYY-MM，默认本月"),
                ("org", json!({"type": "integer"}), "组织 id：按其所在党委的取整设置计算"),
            ] {
                out.push(param(n, schema, d));
            }
        }
        ("get", "/orgs/{id}/findings") => {
            out.push(param("year", year(), "年份，默认本年（不晚于明年）"));
            out.push(param("as_of", date(), "检查日期，默认今天（往年为次年1月1日）"));
        }
        ("get", "/audit") => {
            for (n, schema, d) in [
                ("before", json!({"type": "integer"}), "只看此序号之前"),
                ("entity", text(), "对象类别"),
                ("entity_id", json!({"type": "integer"}), "对象 id"),
                ("limit", json!({"type": "integer", "minimum": 1, "maximum": 1000}), "条数，默认 100"),
            ] {
                out.push(param(n, schema, d));
            }
        }
        _ => {}
    }
    out
}

/// The status of a successful answer and its media types. Creates answer 201.
fn success(method: &str, path: &str) -> (&'static str, Vec<&'static str>) {
    match (method, path) {
        ("get", "/members/template.xlsx") => ("200", vec![XLSX]),
        ("get", "/members/export") | ("get", "/orgs/export") => ("200", vec![XLSX, CSV]),
        ("get", "/orgs/{id}/ledger") => ("200", vec![XLSX, PDF]),
        (
            "post",
            "/orgs"
            | "/orgs/{id}/posts"
            | "/members"
            | "/tokens"
            | "/accounts"
            | "/orgs/{id}/meetings"
            | "/orgs/{id}/findings/explain"
            | "/orgs/{id}/settings"
            | "/members/{id}/work-refusals"
            | "/members/{id}/dues/payments"
            | "/members/{id}/dues/bases"
            | "/members/{id}/dues/hardships"
            | "/members/{id}/dues/quarterly"
            | "/orgs/{id}/dues/collect"
            | "/orgs/{id}/dues/publications"
            | "/orgs/{id}/dues/account/entries",
        ) => ("201", vec!["application/json"]),
        _ => ("200", vec!["application/json"]),
    }
}

fn responses(e: &Endpoint) -> Value {
    let (status, types) = success(e.method, e.path);
    let content: serde_json::Map<String, Value> = types
        .iter()
        .map(|t| {
            let schema = match (*t, e.response) {
                ("application/json", Some(name)) => json!({"$ref": format!("#/components/schemas/{name}")}),
                // The document itself is an OpenAPI object.
                ("application/json", None) => json!({"type": "object"}),
                _ => json!({"type": "string", "format": "binary"}),
            };
            (t.to_string(), json!({"schema": schema}))
        })
        .collect();
    let error = json!({"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}});
    let mut r = json!({
        "4XX": {"description": "请求有误、未登录、无权限、找不到或登录过于频繁", "content": error},
        "503": {"description": "数据库正忙（另一项写入尚未完成），稍后重试", "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "秒"}}, "content": error},
    });
    r[status] = json!({"description": "成功", "content": content});
    if (e.method, e.path) == ("post", "/members/import") {
        // A file with errors gets the report; one that cannot be read at all, a plain error.
        r["400"] = json!({"description": "文件有错误：逐行逐列报告（report），未导入任何数据；无法读取的文件只有错误说明", "content": {"application/json": {"schema": {"anyOf": [
            {"$ref": "#/components/schemas/ImportRefused"},
            {"$ref": "#/components/schemas/ErrorBody"}
        ]}}}});
    }
    if (e.method, e.path) == ("post", "/orgs/{id}/dues/import") {
        r["400"] = json!({"description": "文件有错误：逐行逐列报告（report），未导入任何数据；无法读取的文件只有错误说明", "content": {"application/json": {"schema": {"anyOf": [
            {"$ref": "#/components/schemas/DuesImportRefused"},
            {"$ref": "#/components/schemas/ErrorBody"}
        ]}}}});
    }
    r
}

/// A stable operation id: `get_orgs_id_ledger` for `GET /orgs/{id}/ledger`.
pub fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for part in path.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        id.push('_');
        id.push_str(part);
    }
    id
}

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for e in ENDPOINTS {
        let mut op = json!({
            "operationId": operation_id(e.method, e.path),
            "summary": e.summary,
            "tags": [e.tag],
            "parameters": query_params(e.method, e.path),
            "responses": responses(e),
        });
        if let Some(b) = e.request {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{b}")}}}});
        }
        if matches!((e.method, e.path), ("post", "/members/import") | ("post", "/orgs/{id}/dues/import")) {
            let file = json!({"schema": {"type": "string", "format": "binary"}});
            let content: serde_json::Map<String, Value> =
                [XLSX, XLS, CSV, "application/octet-stream"].iter().map(|t| (t.to_string(), file.clone())).collect();
            op["requestBody"] = json!({"required": true, "content": content});
        }
        if e.path == "/health" || e.path == "/openapi.json" {
            op["security"] = json!([]);
        }
        let entry = paths.entry(e.path.to_string()).or_insert_with(|| json!({}));
        entry[e.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "zhibu API", "version": "1", "description": "支部党建工作平台 JSON API。认证：Authorization: Bearer <个人令牌>，或会话 Cookie 加 X-CSRF-Token 请求头。"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas()
        },
        "paths": paths
    })
}
