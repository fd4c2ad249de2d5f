//! The audit log in words: what each recorded action is called, and what its fields are, so
//! that people read "修改党员信息" and "联系电话", not `member.update` and `phone`.

/// The Chinese name of an audited action; the identifier itself for one not listed here.
pub fn action_label(action: &str) -> &str {
    match action {
        "account.create" => "新建账户",
        "account.password_change" => "修改密码",
        "account.password_reset" => "重设密码",
        "account.disable" => "停用账户",
        "account.enable" => "启用账户",
        "demo.seed" => "装入演示数据",
        "dual_org_life.add" => "加入双重组织生活",
        "dual_org_life.end" => "结束双重组织生活",
        "finding.explain" => "说明提醒情况",
        "ledger.export" => "导出组织生活台账",
        "meeting.attach" => "上传会议附件",
        "meeting.correct" => "更正会议记录",
        "meeting.record" => "记录会议",
        "meeting.void" => "作废会议记录",
        "member.create" => "录入党员",
        "member.export" => "导出党员名册",
        "member.import" => "导入党员名册",
        "member.relocate" => "转移组织关系",
        "member.reveal" => "查看完整个人信息",
        "member.update" => "修改党员信息",
        "member.update_contact" => "修改联系电话",
        "member.work_refusal" => "记录不做党所分配的工作",
        "org.close" => "撤销组织",
        "org.create" => "新建组织",
        "org.export" => "导出组织树",
        "org.import" => "导入组织",
        "org.move" => "调整隶属关系",
        "org.update" => "修改组织信息",
        "post.appoint" => "任命委员会职务",
        "post.end" => "卸任委员会职务",
        "setting.set" => "党委设置",
        "token.create" => "创建 API 令牌",
        "token.revoke" => "吊销 API 令牌",
        "audit.export" => "导出审计日志",
        "compliance.export" => "导出合规看板",
        other => other,
    }
}

/// Every action with its name, for the audit page's filter.
pub const ACTIONS: [&str; 35] = [
    "member.create",
    "member.update",
    "member.update_contact",
    "member.relocate",
    "member.reveal",
    "member.import",
    "member.export",
    "member.work_refusal",
    "org.create",
    "org.update",
    "org.move",
    "org.close",
    "org.import",
    "org.export",
    "post.appoint",
    "post.end",
    "meeting.record",
    "meeting.correct",
    "meeting.void",
    "meeting.attach",
    "finding.explain",
    "dual_org_life.add",
    "dual_org_life.end",
    "ledger.export",
    "setting.set",
    "account.create",
    "account.password_change",
    "account.password_reset",
    "account.disable",
    "account.enable",
    "token.create",
    "token.revoke",
    "audit.export",
    "compliance.export",
    "demo.seed",
];

/// The Chinese name of a field recorded in an entry's before/after; the key itself otherwise.
pub fn field_label(key: &str) -> &str {
    match key {
        "name" => "名称/姓名",
        "gender" => "性别",
        "ethnicity" => "民族",
        "birth_date" => "出生日期",
        "id_number" => "身份证号",
        "phone" => "联系电话",
        "education" => "学历",
        "degree" => "学位",
        "occupation" => "职业",
        "post" => "职务",
        "unit_name" => "工作单位",
        "joined_on" => "入党日期",
        "confirmed_on" => "转正日期",
        "probation_extension_months" => "延长预备期（月）",
        "status" => "党员状态",
        "status_on" => "状态变更日期",
        "dues_category" => "党费类别",
        "address" => "家庭住址",
        "lost_contact" => "失联党员",
        "lost_contact_since" => "失联时间",
        "mobile_member" => "流动党员",
        "mobile_destination" => "外出流向",
        "remark" => "备注",
        "branch_id" => "所在党支部",
        "group_id" => "所在党小组",
        "kind" => "类别",
        "unit_kind" => "单位类别",
        "established_on" => "成立日期",
        "term_start_on" => "本届起始",
        "term_years" => "任期（年）",
        "parent_id" => "上级组织",
        "held_on" => "日期",
        "topic" => "主题",
        "reason" => "原因",
        "rule_id" => "规则",
        "period_start" => "期间",
        "key" => "设置项",
        "value" => "取值",
        "from" => "生效日期",
        "member_id" => "党员",
        "org_id" => "组织",
        "start_on" => "起始日期",
        "end_on" => "截止日期",
        "on" => "日期",
        "year" => "年度",
        "file" => "文件",
        "disabled" => "停用",
        "username" => "用户名",
        _ => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_action_has_a_chinese_name() {
        for a in ACTIONS {
            assert_ne!(action_label(a), a, "{a}");
        }
        assert_eq!(action_label("something.new"), "something.new");
    }
}
