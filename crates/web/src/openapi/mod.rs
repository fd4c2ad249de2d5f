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

pub use endpoints::ENDPOINTS;
pub use endpoints_contest::CONTEST;
pub use endpoints_coverage::COVERAGE;
pub use endpoints_study::STUDY;

/// Every operation of the API, in the order the document lists them.
pub fn endpoints() -> impl Iterator<Item = &'static Endpoint> {
    ENDPOINTS.iter().chain(STUDY).chain(CONTEST).chain(COVERAGE)
}

mod endpoints;
mod endpoints_contest;
mod endpoints_coverage;
mod endpoints_study;

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
    crate::api_transfers::Transfer,
    crate::api_transfers::TransferList,
    crate::api_transfers::BranchChoices,
    crate::api_transfers::AcceptBody,
    crate::api_transfers::ReturnBody,
    crate::api_transfers::ReceiptBody,
    services::transfers::TransferInput,
    crate::decisions::Decisions,
    crate::decisions::Decision,
    services::decisions::DecisionForm,
    crate::elections::ElectionList,
    crate::elections::Election,
    crate::elections::Candidate,
    crate::elections::Setup,
    crate::elections::Voter,
    services::elections::ElectionForm,
    services::elections::CandidateInput,
    crate::elections::TermCalendar,
    services::stats::StatsReport,
    services::stats::StatsRow,
    services::stats::OrgStats,
    services::stats::CellPage,
    services::stats::CellRow,
    services::political_birthdays::BirthdayList,
    services::political_birthdays::BirthdayRow,
    services::stats::Inconsistency,
    services::stats::CheckMember,
    domain::stats::Behind,
    domain::stats::MemberTables,
    domain::stats::OrgTables,
    domain::stats::MemberChanges,
    domain::stats::Change,
    domain::stats::Tallies,
    domain::stats::Tally,
    services::elections::TermLine,
    services::elections::TermState,
    services::transfer_in::LetterIn,
    crate::contacts::Contacts,
    crate::contacts::Contact,
    services::contacts::ContactForm,
    crate::contacts::Away,
    services::away::AwayForm,
    services::away::AwayChange,
    crate::api_recruitment::Board,
    crate::api_recruitment::BoardPerson,
    crate::api_recruitment::Recruit,
    crate::api_recruitment::RecruitStep,
    crate::api_recruitment::RecruitFinding,
    crate::api_recruitment::Extension,
    crate::api_recruitment::Move,
    crate::recruit_papers::RecruitDocument,
    crate::recruit_papers::RecruitDocuments,
    crate::recruit_papers::RecruitEnd,
    crate::recruit_papers::RecruitImportResult,
    crate::recruit_papers::RecruitImportRefused,
    crate::recruit_papers::KeyTeacher,
    services::recruitment::ApplicantForm,
    services::recruitment::StepForm,
    crate::training::TrainingClass,
    crate::training::TrainingClasses,
    crate::training::TrainingClassDetail,
    crate::training::Enrolment,
    crate::training::Completions,
    crate::training::MemberHoursOut,
    crate::training::HoursSourceOut,
    crate::training::HoursTotalIn,
    crate::training::Register,
    crate::training::RegisterLine,
    crate::training::HoursImportResult,
    crate::training::HoursImportIssue,
    crate::training::HoursImportRefused,
    services::training::ClassForm,
    domain::family::study::ClassInput,
    crate::major_decisions::MajorDecisionOut,
    crate::major_decisions::MajorDecisionRegister,
    services::major_decisions::MajorDecisionForm,
    domain::major_decision::Category,
    crate::reports::ReportOut,
    crate::reports::OrgReports,
    crate::reports::ReplyOut,
    crate::reports::ReportThreadOut,
    crate::reports::ReportAttachmentOut,
    services::major_matter_reports::ReportForm,
    services::major_matter_reports::ResponseForm,
    domain::major_matter_report::ReportKind,
    domain::major_matter_report::ReportState,
    crate::positions::PositionOut,
    crate::positions::PositionRegister,
    domain::ideology_position::PositionInput,
    crate::ideology_events::IdeologyEventOut,
    crate::ledger_set::LedgerOut,
    crate::ledger_set::LedgerSetOut,
    services::ledger_set::LedgerKind,
    crate::ideology_events::IdeologyEventList,
    domain::ideology_event::EventInput,
    domain::ideology_position::PositionKind,
    crate::api_contest::QuestionOut,
    crate::api_contest::QuestionBankOut,
    crate::api_contest::ContestOut,
    crate::api_contest::ContestsOut,
    crate::api_contest::PaperQuestionOut,
    crate::api_contest::PaperOut,
    crate::api_contest::ContestDetail,
    crate::api_contest::Submitted,
    crate::api_contest::ParticipationOut,
    crate::api_contest::RankOut,
    crate::api_contest::ContestResultsOut,
    crate::api_contest::QuestionImportIssue,
    crate::api_contest::QuestionImportResult,
    crate::api_contest::QuestionImportRefused,
    services::contest::AnswersIn,
    domain::contest::QuestionInput,
    domain::contest::ContestInput,
    crate::api_coverage::UnitOut,
    crate::api_coverage::CoverageKindOut,
    crate::api_coverage::CoverageOut,
    crate::api_coverage::UnitOrgOut,
    crate::api_coverage::InstructorOut,
    crate::api_coverage::InspectionOut,
    crate::api_coverage::UnitDetailOut,
    crate::api_coverage::UnitImportIssue,
    crate::api_coverage::UnitImportResult,
    crate::api_coverage::UnitImportRefused,
    crate::api_coverage::UnitLinkIn,
    crate::api_coverage::InstructorIn,
    crate::api_coverage::InstructorEndIn,
    domain::unit::UnitInput,
    domain::unit::InspectionInput,
    domain::unit::UnitType,
    domain::unit::Ownership,
    domain::family::coverage::CoverWay,
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
    // Every `{name}` segment is an integer id, but a ledger's kind.
    for segment in path.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let schema = if name == "kind" {
                json!({"$ref": "#/components/schemas/LedgerKind"})
            } else {
                json!({"type": "integer"})
            };
            out.push(json!({"name": name, "in": "path", "required": true, "schema": schema}));
        }
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
        ("get", "/orgs/{id}/political-birthdays") => out.push(param(
            "month",
            json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{1,2}$"}),
            "月份，如 2026-07；默认本月",
        )),
        ("get", "/orgs/{id}/stats") => {
            out.push(param(
                "year",
                json!({"type": "integer"}),
                "年度：统计时点为该年12月31日；默认为已过的最近一个12月31日",
            ));
            out.push(param("as_of", date(), "另定的统计时点（代替年度）"));
            out.push(param("compare", boolean(), "true：同时给出上年统计时点的数字（previous）"));
        }
        ("get", "/orgs/{id}/stats/members") => {
            let mut cell = param(
                "cell",
                text(),
                "统计表的数字：all, probationary, women, minorities, college_plus, edu-K, joined-K, occ-J, occ-J-age-I, age-I；表1 change-K（K 如 recruited, died, transferred_out）；事件表 event-K（K 如 recruited_women, sanction_warning, activists）；党组织 orgs-committee, orgs-general_branch, orgs-branch, orgs-empty, unit-K",
            );
            cell["required"] = json!(true);
            out.push(cell);
            out.push(param(
                "year",
                json!({"type": "integer"}),
                "年度：统计时点为该年12月31日；默认为已过的最近一个12月31日",
            ));
            out.push(param("as_of", date(), "另定的统计时点（代替年度）"));
            out.push(param("page", json!({"type": "integer", "minimum": 1, "maximum": 1000000}), "页码，从 1 开始"));
        }
        ("post", "/orgs/{id}/dues/import" | "/orgs/{id}/recruitment/import") => {
            out.push(param("dry_run", boolean(), "true：只检查，不导入"))
        }
        ("post", "/orgs/{id}/training/import") => {
            let mut y = param("year", year(), "学时所属年度（2000年至今年）");
            y["required"] = json!(true);
            let mut source = param("source", text(), "来源平台名称（同一平台同一年度再次导入将替换）");
            source["required"] = json!(true);
            out.extend([y, source, param("dry_run", boolean(), "true：只检查，不导入")]);
        }
        (
            "get",
            "/orgs/{id}/training/classes"
            | "/members/{id}/hours"
            | "/orgs/{id}/major-decisions"
            | "/orgs/{id}/ideology-events",
        ) => out.push(param("year", year(), "年度，默认本年")),
        ("get", "/orgs/{id}/training/hours") => {
            out.push(param("year", year(), "年度，默认本年"));
            out.push(param(
                "page",
                json!({"type": "integer", "minimum": 1, "maximum": 1000000}),
                "页码（每页1000名党员），从 1 开始",
            ));
        }
        ("post", "/orgs/{id}/questions/import" | "/orgs/{id}/units/import") => {
            out.push(param("dry_run", boolean(), "true：只检查，不导入"))
        }
        ("get", "/orgs/{id}/coverage") => out.push(param("on", date(), "日期，默认今天")),
        ("get", "/contests/{id}/results") => out.push(param(
            "org_id",
            json!({"type": "integer"}),
            "只看该组织及下级（默认竞赛的举办组织或本人管理的组织）",
        )),
        ("post", "/recruits/{id}/documents") => {
            let mut step = param("step", text(), "所属步骤（代码或序号，须已记录）");
            step["required"] = json!(true);
            let mut name = param("file_name", text(), "文件名（含扩展名）");
            name["required"] = json!(true);
            out.extend([step, name]);
        }
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
        ("get", "/orgs/{id}/recruitment") => {
            out.push(param("branch", json!({"type": "integer"}), "只看该党支部"));
            out.push(param(
                "stage",
                one_of(&["application", "activist", "candidate", "admission", "probation"]),
                "只看该阶段",
            ));
            out.push(param("overdue", one_of(&["1"]), "1：只看有逾期事项的"));
        }
        ("get", "/orgs/{id}/recruitment/filings") | ("get", "/recruits/{id}/record") => {
            out.push(param("format", one_of(&["xlsx", "pdf"]), "xlsx（默认）或 pdf"))
        }
        ("get", "/orgs/{id}/ledgers") => out.push(param("year", year(), "年度，默认本年（不晚于本年）")),
        ("get", "/orgs/{id}/ledgers/{kind}") => {
            out.push(param("year", year(), "年度，默认本年（不晚于本年）；登记簿现状类台账忽略"));
            out.push(param("format", one_of(&["xlsx", "pdf"]), "xlsx（默认）或 pdf"));
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

/// The imports of a sheet (the request body is the file) and the schema of their refusal.
const IMPORTS: [(&str, &str); 6] = [
    ("/members/import", "ImportRefused"),
    ("/orgs/{id}/recruitment/import", "RecruitImportRefused"),
    ("/orgs/{id}/training/import", "HoursImportRefused"),
    ("/orgs/{id}/questions/import", "QuestionImportRefused"),
    ("/orgs/{id}/dues/import", "DuesImportRefused"),
    ("/orgs/{id}/units/import", "UnitImportRefused"),
];

/// The status of a successful answer and its media types. Creates answer 201.
fn success(method: &str, path: &str) -> (&'static str, Vec<&'static str>) {
    match (method, path) {
        ("get", "/members/template.xlsx") => ("200", vec![XLSX]),
        ("get", "/members/export") | ("get", "/orgs/export") => ("200", vec![XLSX, CSV]),
        (
            "get",
            "/orgs/{id}/ledger"
            | "/orgs/{id}/ledgers/{kind}"
            | "/orgs/{id}/recruitment/filings"
            | "/recruits/{id}/record",
        ) => ("200", vec![XLSX, PDF]),
        ("get", "/recruits/{id}/documents/{doc}") => ("200", vec!["application/octet-stream"]),
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
            | "/orgs/{id}/dues/account/entries"
            | "/recruits/{id}/documents"
            | "/orgs/{id}/training/classes"
            | "/orgs/{id}/major-decisions"
            | "/orgs/{id}/reports"
            | "/orgs/{id}/positions"
            | "/orgs/{id}/ideology-events"
            | "/orgs/{id}/questions"
            | "/orgs/{id}/contests"
            | "/orgs/{id}/units"
            | "/units/{id}/instructors"
            | "/units/{id}/inspections",
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
    if e.method == "post"
        && let Some((_, refused)) = IMPORTS.iter().find(|(path, _)| *path == e.path)
    {
        // A file with errors gets the report; one that cannot be read at all, a plain error.
        r["400"] = json!({"description": "文件有错误：逐行逐列报告（report），未导入任何数据；无法读取的文件只有错误说明", "content": {"application/json": {"schema": {"anyOf": [
            {"$ref": format!("#/components/schemas/{refused}")},
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
    for e in endpoints() {
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
        if e.method == "post" && IMPORTS.iter().any(|(path, _)| *path == e.path) {
            let file = json!({"schema": {"type": "string", "format": "binary"}});
            let content: serde_json::Map<String, Value> =
                [XLSX, XLS, CSV, "application/octet-stream"].iter().map(|t| (t.to_string(), file.clone())).collect();
            op["requestBody"] = json!({"required": true, "content": content});
        }
        if (e.method, e.path) == ("post", "/recruits/{id}/documents") {
            let file = json!({"schema": {"type": "string", "format": "binary"}});
            op["requestBody"] = json!({"required": true, "content": {"application/octet-stream": file}});
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
