//! The OpenAPI document of `/api/v1`, built from one table of endpoints. A test sends a request
//! to every endpoint listed here and checks the router answers it (so the document names no
//! route that does not exist), and a snapshot test pins the document itself.

use serde_json::{Value, json};

/// (method, path, summary, request body schema, tag)
pub const ENDPOINTS: &[(&str, &str, &str, Option<&str>, &str)] = &[
    ("get", "/health", "健康检查（不访问数据库）", None, "system"),
    ("get", "/openapi.json", "本文档", None, "system"),
    ("get", "/me", "当前账户及其角色", None, "account"),
    ("get", "/home", "首页统计：各类组织数、各状态党员数、60 天内预备期满的预备党员", None, "system"),
    ("get", "/orgs", "权限范围内的组织树（include_closed=true 含已撤销）", None, "orgs"),
    ("post", "/orgs", "新建组织（parent_id 为空时新建顶级党委）", Some("NewOrg"), "orgs"),
    ("get", "/orgs/{id}", "组织详情：上级、下级、委员会职务、在册党员数", None, "orgs"),
    ("patch", "/orgs/{id}", "修改组织信息（类别不可改）", Some("OrgInput"), "orgs"),
    ("post", "/orgs/{id}/move", "调整隶属关系（拒绝循环和会使党员脱离支部的移动）", Some("MoveBody"), "orgs"),
    ("post", "/orgs/{id}/close", "撤销组织（保留历史）", None, "orgs"),
    ("post", "/orgs/{id}/posts", "任命委员会职务", Some("PostBody"), "orgs"),
    ("post", "/posts/{id}/end", "卸任", Some("EndBody"), "orgs"),
    ("get", "/members", "党员名册：筛选、排序、分页；身份证号和电话脱敏", None, "members"),
    ("post", "/members", "录入党员", Some("NewMember"), "members"),
    ("get", "/members/{id}", "党员详情及历史；reveal=true 显示完整个人信息（有权限时，记入审计）", None, "members"),
    ("patch", "/members/{id}", "修改党员信息（状态变更按 status_on 记录）", Some("MemberUpdate"), "members"),
    ("post", "/members/{id}/contact", "修改联系电话（本人可改）", Some("ContactBody"), "members"),
    ("post", "/members/{id}/relocate", "系统内转移组织关系（历史保留）", Some("RelocateBody"), "members"),
    ("get", "/audit", "审计日志（按权限范围）", None, "audit"),
    ("get", "/tokens", "我的 API 令牌", None, "account"),
    ("post", "/tokens", "创建 API 令牌（明文只返回一次）", Some("TokenBody"), "account"),
    ("delete", "/tokens/{id}", "吊销 API 令牌", None, "account"),
    ("post", "/account/password", "修改密码", Some("PasswordBody"), "account"),
    ("get", "/members/template.xlsx", "党员导入模板（.xlsx，含填写说明）", None, "roster"),
    (
        "get",
        "/members/export",
        "导出党员名册：format=xlsx|csv，shape=template|annex4，其余参数同 /members 的筛选",
        None,
        "roster",
    ),
    ("get", "/orgs/export", "导出组织树：format=xlsx|csv", None, "roster"),
    (
        "post",
        "/members/import",
        "导入党员：请求体为文件本身（.xlsx/.xls/.csv）；dry_run=true 只检查；有错误时 400 并附逐行逐列报告，不导入任何数据",
        None,
        "roster",
    ),
    ("get", "/orgs/{id}/meetings", "组织生活记录：year=年份（默认本年），含出席情况", None, "org_life"),
    (
        "post",
        "/orgs/{id}/meetings",
        "记录会议：应到人员按当天组织关系自动确定，默认出席，exceptions 只列请假和缺席的人",
        Some("MeetingInput"),
        "org_life",
    ),
    ("get", "/meetings/{id}", "会议记录详情：出席、到会人数是否符合要求、决议与表决、评议结果、附件", None, "org_life"),
    (
        "get",
        "/orgs/{id}/findings",
        "规则检查提醒：year=年份，as_of=检查日期；每条含规则编号、依据条款和补录链接",
        None,
        "org_life",
    ),
    ("post", "/orgs/{id}/findings/explain", "对提醒说明情况（留痕、记入审计）", Some("ExplainBody"), "org_life"),
    (
        "get",
        "/orgs/{id}/compliance",
        "合规看板数据：本组织及全部下级的落实率（按下级组织、规则、月份汇总）和提醒数；year=年份",
        None,
        "org_life",
    ),
    (
        "get",
        "/orgs/{id}/ledger",
        "组织生活台账：year=年份，format=xlsx|pdf；全部由记录生成，含一致性检查（导出记入审计）",
        None,
        "org_life",
    ),
    (
        "get",
        "/orgs/{id}/settings",
        "党委设置：每项设置的现行取值、来源（本组织、上级或默认）和本组织的变更记录",
        None,
        "settings",
    ),
    (
        "post",
        "/orgs/{id}/settings",
        "设定一项党委设置（党委、党总支管理员）：自 from 日期起对本组织及下级生效；放宽规则的设定被拒绝并注明规则编号",
        Some("SettingBody"),
        "settings",
    ),
    (
        "get",
        "/orgs/{id}/rules",
        "规则目录：本组织在 on 日期（默认今天）适用的全部规则，含编号、依据、参数、级别、来源",
        None,
        "settings",
    ),
    (
        "get",
        "/members/{id}/work-refusals",
        "党员不做党所分配工作的月份记录（CON-LAPSE 的第三种情形）",
        None,
        "org_life",
    ),
    (
        "post",
        "/members/{id}/work-refusals",
        "记录党员某月无正当理由不做党所分配的工作（month=YYYY-MM，note=情况）；连续六个月的，检查会提醒",
        Some("WorkRefusalBody"),
        "org_life",
    ),
    ("get", "/accounts", "我可管理的账户及其角色", None, "accounts"),
    ("post", "/accounts", "新建账户（返回一次性密码，只返回一次）", Some("NewAccountBody"), "accounts"),
    ("post", "/accounts/{id}/disable", "停用账户（会话和令牌随即失效）", None, "accounts"),
    ("post", "/accounts/{id}/enable", "启用账户", None, "accounts"),
];

fn s() -> Value {
    json!({"type": "string"})
}

fn schemas() -> Value {
    let mut member_props = serde_json::Map::new();
    // The member's fields are the form's, in its order.
    for f in domain::member::MemberInput::FIELDS {
        member_props.insert(f.into(), s());
    }
    let mut new_member = member_props.clone();
    new_member.insert("branch_id".into(), json!({"type": "integer"}));
    new_member.insert("group_id".into(), json!({"type": "integer", "nullable": true}));
    let mut member_update = member_props.clone();
    member_update.insert("status_on".into(), s());
    let org_props = json!({
        "name": s(), "kind": {"type": "string", "enum": ["committee", "general_branch", "branch", "group"]},
        "unit_name": s(), "unit_kind": s(), "established_on": s(), "term_start_on": s(), "term_years": s()
    });
    let mut new_org = org_props.as_object().cloned().unwrap_or_default();
    new_org.insert("parent_id".into(), json!({"type": "integer", "nullable": true}));
    let mut schemas = json!({
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "properties": {
            "code": {"type": "string", "enum": ["not_found", "forbidden", "invalid", "conflict", "bad_credentials", "throttled", "busy", "unauthorized", "csrf", "bad_request", "internal"]},
            "message": {"type": "string", "description": "中文说明"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}, "description": "字段名 → 中文错误"},
            "rule_id": {"type": "string", "description": "拒绝所依据的规则编号（由规则拒绝时）"},
            "citation": {"type": "string", "description": "该规则的依据条款"}
        }}}},
        "OrgInput": {"type": "object", "properties": org_props},
        "NewOrg": {"type": "object", "required": ["name", "kind"], "properties": new_org},
        "MoveBody": {"type": "object", "required": ["parent_id"], "properties": {"parent_id": {"type": "integer"}}},
        "PostBody": {"type": "object", "required": ["member_id", "post", "start_on"], "properties": {
            "member_id": {"type": "integer"},
            "post": {"type": "string", "enum": ["secretary", "deputy_secretary", "organization_officer", "publicity_officer", "discipline_officer"]},
            "start_on": s()}},
        "EndBody": {"type": "object", "required": ["end_on"], "properties": {"end_on": s()}},
        "MemberInput": {"type": "object", "properties": member_props},
        "NewMember": {"type": "object", "required": ["branch_id", "name", "id_number", "joined_on", "status", "dues_category"], "properties": new_member},
        "MemberUpdate": {"type": "object", "properties": member_update},
        "ContactBody": {"type": "object", "required": ["phone"], "properties": {"phone": s()}},
        "RelocateBody": {"type": "object", "required": ["branch_id", "on"], "properties": {"branch_id": {"type": "integer"}, "group_id": {"type": "integer", "nullable": true}, "on": s()}},
        "TokenBody": {"type": "object", "required": ["name"], "properties": {"name": s()}},
        "NewAccountBody": {"type": "object", "required": ["username", "display_name", "role"], "properties": {
            "username": s(), "display_name": s(),
            "role": {"type": "string", "enum": ["system_admin", "org_admin", "party_worker", "member"]},
            "org_id": {"type": "integer", "nullable": true, "description": "org_admin / party_worker：所管理的组织"},
            "member_id": {"type": "integer", "nullable": true, "description": "member：对应的党员"}}},
        "PasswordBody": {"type": "object", "required": ["current", "new", "confirm"], "properties": {"current": s(), "new": s(), "confirm": s()}}
    });
    if let (Some(all), Some(more)) = (schemas.as_object_mut(), life_schemas().as_object()) {
        all.extend(more.clone());
    }
    schemas
}

fn life_schemas() -> Value {
    json!({
        "MeetingInput": {"type": "object", "required": ["kind", "held_on", "topic"], "properties": {
            "kind": {"type": "string", "enum": ["branch_assembly", "committee_meeting", "group_meeting", "party_lecture", "themed_day", "life_meeting", "democratic_life_meeting", "member_appraisal", "talk", "study_group_session"]},
            "held_on": s(), "start_time": s(), "place": s(), "topic": s(), "first_agenda_item": s(),
            "minutes": {"type": "string", "description": "富文本（HTML），保存前清理"},
            "host_member_id": {"type": "integer", "nullable": true}, "recorder_member_id": {"type": "integer", "nullable": true},
            "lecturer_member_id": {"type": "integer", "nullable": true}, "partner_member_id": {"type": "integer", "nullable": true},
            "talk_reason": s(), "has_vote": {"type": "boolean"},
            "exceptions": {"type": "object", "description": "党员 id → [\"excused\"|\"absent\", 原因]", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            "resolutions": {"type": "array", "items": {"type": "object", "properties": {"text": s(), "purpose": {"type": "string", "enum": ["", "ordinary", "admission", "confirmation", "election"], "description": "表决类别：一般事项、接收预备党员、预备党员转正、选举（各按其到会人数和票数规则）"}, "yes": {"type": "integer"}, "no": {"type": "integer"}, "abstain": {"type": "integer"}}}},
            "ratings": {"type": "object", "description": "党员 id → excellent|qualified|basically_qualified|unqualified", "additionalProperties": {"type": "string"}}}},
        "ExplainBody": {"type": "object", "required": ["rule_id", "reason"], "properties": {"rule_id": s(), "period_start": s(), "subject": {"type": "string", "description": "提醒对象，如 org:12、member:34、meeting:56；省略时为本组织"}, "reason": s()}},
        "WorkRefusalBody": {"type": "object", "required": ["month", "note"], "properties": {"month": {"type": "string", "description": "年月，如 2026-03"}, "note": {"type": "string", "description": "分配的工作和未完成的情况"}}},
        "SettingBody": {"type": "object", "required": ["key", "from"], "properties": {"key": {"type": "string", "enum": domain::settings::catalogue().iter().map(|d| d.key).collect::<Vec<_>>()}, "value": {"type": "string", "description": "取值；空字符串表示恢复继承"}, "from": {"type": "string", "format": "date", "description": "生效日期"}}}
    })
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
            | "/members/{id}/work-refusals",
        ) => ("201", vec!["application/json"]),
        _ => ("200", vec!["application/json"]),
    }
}

fn responses(method: &str, path: &str) -> Value {
    let (status, types) = success(method, path);
    let content: serde_json::Map<String, Value> = types
        .iter()
        .map(|t| {
            let schema = if *t == "application/json" {
                json!({"type": "object"})
            } else {
                json!({"type": "string", "format": "binary"})
            };
            (t.to_string(), json!({"schema": schema}))
        })
        .collect();
    let error = json!({"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}});
    let mut r = json!({
        "4XX": {"description": "请求有误、未登录、无权限、找不到或登录过于频繁", "content": error},
        "503": {"description": "数据库正忙（另一项写入尚未完成），稍后重试", "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "秒"}}, "content": error},
    });
    r[status] = json!({"description": "成功", "content": content});
    if (method, path) == ("post", "/members/import") {
        r["400"] = json!({"description": "文件有错误：逐行逐列报告（report），未导入任何数据", "content": {"application/json": {"schema": {"type": "object"}}}});
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

/// The OpenAPI 3.0 document.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for (method, path, summary, body, tag) in ENDPOINTS {
        let mut op = json!({
            "operationId": operation_id(method, path),
            "summary": summary,
            "tags": [tag],
            "parameters": query_params(method, path),
            "responses": responses(method, path),
        });
        if let Some(b) = body {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{b}")}}}});
        }
        if (*method, *path) == ("post", "/members/import") {
            let file = json!({"schema": {"type": "string", "format": "binary"}});
            let content: serde_json::Map<String, Value> =
                [XLSX, XLS, CSV, "application/octet-stream"].iter().map(|t| (t.to_string(), file.clone())).collect();
            op["requestBody"] = json!({"required": true, "content": content});
        }
        if *path == "/health" || *path == "/openapi.json" {
            op["security"] = json!([]);
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    json!({
        "openapi": "3.0.3",
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
