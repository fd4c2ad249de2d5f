//! The member roster's columns: canonical headers, the synonyms people write, our import
//! template's columns and the national member system's 附件4 summary sheet (shared/forms.md §1).

use chrono::NaiveDate;
use domain::member::IdNumber;

/// One column of a member roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberColumn {
    /// 序号.
    Seq,
    /// 姓名.
    Name,
    /// 性别.
    Gender,
    /// 民族.
    Ethnicity,
    /// 出生日期.
    BirthDate,
    /// 公民身份号码.
    IdNumber,
    /// 手机号码 (the national form's 联系电话 is the mobile number).
    Phone,
    /// 固定电话.
    Landline,
    /// 学历.
    Education,
    /// 学位.
    Degree,
    /// 职业 (the statistics categories).
    Occupation,
    /// 工作岗位.
    Post,
    /// 工作单位.
    UnitName,
    /// 入党日期 (加入党组织日期).
    JoinedOn,
    /// 转正日期 (转为正式党员日期).
    ConfirmedOn,
    /// 延长预备期 in months (the provincial sheet's 延长预备期时间).
    ProbationExtension,
    /// 人员类别: 正式党员 / 预备党员.
    Category,
    /// 党籍状态: 正常 / 停止党籍.
    PartyStatus,
    /// 所在党组织 / 所在党支部: a name path (教育局党委/第一中学党总支/高一年级党支部) or a
    /// unique name.
    Org,
    /// 所在党小组.
    Group,
    /// 党费类别.
    DuesCategory,
    /// 家庭住址.
    Address,
    /// 是否为失联党员.
    LostContact,
    /// 失去联系日期.
    LostContactSince,
    /// 是否为流动党员.
    Mobile,
    /// 外出流向.
    MobileDestination,
    /// 备注.
    Remark,
    /// 党籍处置类别: the decision that made an imported member 停止党籍, 出党 or 去世 (historical
    /// data: 停止党籍, 自行脱党除名, 退党除名, 劝而不退除名, 取消预备党员资格, 开除党籍, 死亡).
    DecisionKind,
    /// 党籍处置日期.
    DecisionOn,
    /// 党籍处置文号.
    DecisionDocument,
}

use MemberColumn as C;

impl MemberColumn {
    pub const ALL: [MemberColumn; 30] = [
        C::Seq,
        C::Name,
        C::Gender,
        C::Ethnicity,
        C::BirthDate,
        C::IdNumber,
        C::Phone,
        C::Landline,
        C::Education,
        C::Degree,
        C::Occupation,
        C::Post,
        C::UnitName,
        C::JoinedOn,
        C::ConfirmedOn,
        C::ProbationExtension,
        C::Category,
        C::PartyStatus,
        C::Org,
        C::Group,
        C::DuesCategory,
        C::Address,
        C::LostContact,
        C::LostContactSince,
        C::Mobile,
        C::MobileDestination,
        C::Remark,
        C::DecisionKind,
        C::DecisionOn,
        C::DecisionDocument,
    ];

    /// The canonical Chinese header (what our template and exports write).
    pub fn header(self) -> &'static str {
        match self {
            C::Seq => "序号",
            C::Name => "姓名",
            C::Gender => "性别",
            C::Ethnicity => "民族",
            C::BirthDate => "出生日期",
            C::IdNumber => "公民身份号码",
            C::Phone => "手机号码",
            C::Landline => "固定电话",
            C::Education => "学历",
            C::Degree => "学位",
            C::Occupation => "职业",
            C::Post => "工作岗位",
            C::UnitName => "工作单位",
            C::JoinedOn => "入党日期",
            C::ConfirmedOn => "转正日期",
            C::Category => "人员类别",
            C::PartyStatus => "党籍状态",
            C::Org => "所在党组织",
            C::Group => "所在党小组",
            C::DuesCategory => "党费类别",
            C::Address => "家庭住址",
            C::LostContact => "是否为失联党员",
            C::LostContactSince => "失去联系日期",
            C::Mobile => "是否为流动党员",
            C::MobileDestination => "外出流向",
            C::ProbationExtension => "延长预备期月数",
            C::Remark => "备注",
            C::DecisionKind => "党籍处置类别",
            C::DecisionOn => "党籍处置日期",
            C::DecisionDocument => "党籍处置文号",
        }
    }

    /// Every header text people write for this column (the canonical one included), as
    /// compared after [`normalize_header`]. No text belongs to two columns.
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            C::Seq => &["序号", "序", "编号", "顺序号"],
            C::Name => &["姓名", "党员姓名", "名字", "姓名全称"],
            C::Gender => &["性别"],
            C::Ethnicity => &["民族", "民族名称"],
            C::BirthDate => &["出生日期", "出生年月", "出生年月日", "出生时间", "生日"],
            C::IdNumber => &[
                "公民身份号码",
                "公民身份证号",
                "公民身份证号码",
                "公民身份证",
                "身份证号",
                "身份证号码",
                "身份证",
                "身份证件号码",
                "证件号码",
                "证件号",
            ],
            C::Phone => {
                &["手机号码", "手机号", "手机", "联系电话", "联系方式", "移动电话", "电话", "电话号码", "联系电话手机"]
            }
            C::Landline => &["固定电话", "座机", "座机号码", "固话", "办公电话"],
            C::Education => &["学历", "文化程度", "最高学历", "学历层次"],
            C::Degree => &["学位", "最高学位"],
            C::Occupation => &["职业", "职业类别", "职业分类"],
            C::Post => &["工作岗位", "岗位", "职务", "现任职务", "工作职务", "岗位类别"],
            C::UnitName => &["工作单位", "单位", "单位名称", "工作单位名称", "工作单位及职务", "所在单位"],
            C::JoinedOn => &["入党日期", "入党时间", "加入党组织日期", "加入党组织时间", "入党年月"],
            C::ConfirmedOn => &["转正日期", "转正时间", "转为正式党员日期", "转为正式党员时间", "转正年月"],
            C::Category => &["人员类别", "党员类别", "党员类型", "党员状态", "正式/预备"],
            C::PartyStatus => &["党籍状态", "党籍"],
            C::Org => &[
                "所在党组织",
                "所在党支部",
                "所在支部",
                "所属党组织",
                "所属党支部",
                "所属支部",
                "党组织",
                "党组织名称",
                "党支部",
                "党支部名称",
                "支部",
                "支部名称",
                "隶属党组织",
            ],
            C::Group => &["所在党小组", "所属党小组", "党小组", "党小组名称"],
            C::DuesCategory => &["党费类别", "缴费类别", "交费类别", "党费缴纳类别", "党费交纳类别"],
            C::Address => &["家庭住址", "家庭地址", "住址", "现居住地", "现住址", "居住地址", "家庭详细住址"],
            C::LostContact => &["是否为失联党员", "是否失联党员", "是否失联", "失联党员"],
            C::LostContactSince => &["失去联系日期", "失去联系时间", "失联日期", "失联时间"],
            C::Mobile => &["是否为流动党员", "是否流动党员", "是否流动", "流动党员"],
            C::MobileDestination => &["外出流向", "流向", "流动去向", "外出地点"],
            C::ProbationExtension => &["延长预备期月数", "延长预备期时间", "延长预备期"],
            C::Remark => &["备注", "备注说明"],
            C::DecisionKind => &["党籍处置类别", "党籍处置", "处置类别", "出党方式"],
            C::DecisionOn => &["党籍处置日期", "处置日期", "党籍处置时间", "停止党籍日期", "出党日期", "出党时间"],
            C::DecisionDocument => &["党籍处置文号", "处置文号", "党籍处置文件", "批准文号"],
        }
    }

    /// The column a header text names, ignoring spaces, full-width/half-width forms, `*` marks,
    /// trailing colons and any parenthesized remark (`入党时间（必填）`, `身份证号码*`,
    /// `出生日期(yyyy-mm-dd)`, ` 姓 名 `).
    pub fn parse_header(text: &str) -> Option<MemberColumn> {
        let key = normalize_header(text);
        if key.is_empty() {
            return None;
        }
        Self::ALL.into_iter().find(|c| c.synonyms().contains(&key.as_str()))
    }
}

/// A header text reduced for comparison: full-width ASCII to half-width; whitespace, `*`, `＊`,
/// `※` and a trailing colon removed; every parenthesized part — `()`, `（）`, `[]`, `【】`,
/// `〔〕` — removed with its content.
pub fn normalize_header(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        let c = match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        };
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() || matches!(c, '*' | '※' | '\u{feff}' | '\u{200b}') => {}
            c => out.push(c),
        }
    }
    while out.ends_with([':', '：']) {
        out.pop();
    }
    out
}

/// Which member column each header names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    /// (column, header index), in header order; each column at most once.
    pub columns: Vec<(MemberColumn, usize)>,
    /// Non-empty headers that name no member column: (index, header text).
    pub unknown: Vec<(usize, String)>,
    /// Later headers naming a column already mapped: (column, index of the later header).
    pub duplicates: Vec<(MemberColumn, usize)>,
}

impl ColumnMap {
    /// The header index of a column.
    pub fn index(&self, c: MemberColumn) -> Option<usize> {
        self.columns.iter().find(|(col, _)| *col == c).map(|(_, i)| *i)
    }
}

/// Maps headers to member columns; the first header naming a column wins.
pub fn map_member_columns(headers: &[String]) -> ColumnMap {
    let mut map = ColumnMap::default();
    for (i, h) in headers.iter().enumerate() {
        match MemberColumn::parse_header(h) {
            Some(c) if map.index(c).is_some() => map.duplicates.push((c, i)),
            Some(c) => map.columns.push((c, i)),
            None if !h.trim().is_empty() => map.unknown.push((i, h.trim().to_string())),
            None => {}
        }
    }
    map
}

/// Whether a header text names a member column (for [`crate::read_table`]'s `known_headers`).
pub fn is_member_header(text: &str) -> bool {
    MemberColumn::parse_header(text).is_some()
}

/// The columns of our import template, in order (what `zhibu template members` writes): the
/// fields of `domain::member::MemberInput` plus the org.
pub const TEMPLATE_COLUMNS: &[MemberColumn] = &[
    C::Name,
    C::IdNumber,
    C::Gender,
    C::Ethnicity,
    C::BirthDate,
    C::Org,
    C::Category,
    C::JoinedOn,
    C::ConfirmedOn,
    C::ProbationExtension,
    C::Education,
    C::Degree,
    C::Occupation,
    C::Post,
    C::UnitName,
    C::Phone,
    C::DuesCategory,
    C::Address,
    C::LostContact,
    C::LostContactSince,
    C::Mobile,
    C::MobileDestination,
    C::DecisionKind,
    C::DecisionOn,
    C::DecisionDocument,
    C::Remark,
];

/// Columns the template marks as required with a trailing `*` (转正日期 is required for 正式党员
/// only, which the 填写说明 sheet explains).
pub const TEMPLATE_REQUIRED: &[MemberColumn] =
    &[C::Name, C::IdNumber, C::Ethnicity, C::Org, C::Category, C::JoinedOn, C::DuesCategory];

/// The 21 columns A–U of the national system's 附件4 member summary sheet, in order, with their
/// exact header texts (forms.md §1.1; data from row 4).
pub const ANNEX4_COLUMNS: &[(MemberColumn, &str)] = &[
    (C::Seq, "序号"),
    (C::Name, "姓名"),
    (C::Org, "所在党支部"),
    (C::IdNumber, "公民身份证号"),
    (C::Gender, "性别"),
    (C::Ethnicity, "民族"),
    (C::BirthDate, "出生日期"),
    (C::Education, "学历"),
    (C::Category, "人员类别"),
    (C::JoinedOn, "加入党组织日期"),
    (C::ConfirmedOn, "转为正式党员日期"),
    (C::Post, "工作岗位"),
    (C::Phone, "手机号"),
    (C::Landline, "固定电话"),
    (C::Address, "家庭住址"),
    (C::PartyStatus, "党籍状态"),
    (C::LostContact, "是否为失联党员"),
    (C::LostContactSince, "失去联系日期"),
    (C::Mobile, "是否为流动党员"),
    (C::MobileDestination, "外出流向"),
    (C::Remark, "备注"),
];

/// The example row of the import template, one value per [`TEMPLATE_COLUMNS`] entry. Its ID
/// number is valid (so the row passes validation): an importer should recognize and skip a row
/// equal to this one, left in by mistake.
pub fn template_example() -> Vec<(MemberColumn, String)> {
    let id = NaiveDate::from_ymd_opt(1985, 3, 12)
        .and_then(|birth| IdNumber::from_parts("110105", birth, 123))
        .map(|id| id.as_str().to_string())
        .unwrap_or_default();
    TEMPLATE_COLUMNS
        .iter()
        .map(|c| {
            let value = match c {
                C::Name => "张三".to_string(),
                C::IdNumber => id.clone(),
                C::Gender => "男".to_string(),
                C::Ethnicity => "汉族".to_string(),
                C::BirthDate => "1985-03-12".to_string(),
                C::Org => "教育局党委/第一中学党总支/高一年级党支部".to_string(),
                C::Category => "正式党员".to_string(),
                C::JoinedOn => "2010-07-01".to_string(),
                C::ConfirmedOn => "2011-07-01".to_string(),
                C::Education => "大学".to_string(),
                C::Degree => "学士".to_string(),
                C::Occupation => example_occupation(),
                C::Post => "教师".to_string(),
                C::UnitName => "第一中学".to_string(),
                C::Phone => "13800138000".to_string(),
                C::DuesCategory => "在职".to_string(),
                C::LostContact | C::Mobile => "否".to_string(),
                _ => String::new(),
            };
            (*c, value)
        })
        .collect()
}

/// An occupation name from the code list (the teachers' one when it exists).
fn example_occupation() -> String {
    let all = domain::codes::Occupation::all();
    all.iter()
        .find(|o| o.name().contains("专业技术"))
        .or_else(|| all.first())
        .map(|o| o.name().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn no_synonym_names_two_columns_and_all_are_normalized() {
        let mut seen: HashMap<&str, MemberColumn> = HashMap::new();
        for c in MemberColumn::ALL {
            assert!(c.synonyms().contains(&c.header()), "{c:?} lists its own header");
            for s in c.synonyms() {
                assert_eq!(normalize_header(s), *s, "{s} is stored normalized");
                if let Some(other) = seen.insert(s, c) {
                    panic!("{s} names both {other:?} and {c:?}");
                }
            }
        }
    }

    #[test]
    fn annex4_headers_parse_to_their_columns() {
        assert_eq!(ANNEX4_COLUMNS.len(), 21);
        for (c, h) in ANNEX4_COLUMNS {
            assert_eq!(MemberColumn::parse_header(h), Some(*c), "{h}");
        }
    }

    #[test]
    fn decorations_are_ignored() {
        for (text, c) in [
            ("身份证号码*", C::IdNumber),
            ("*身份证号码", C::IdNumber),
            ("入党时间（必填）", C::JoinedOn),
            ("入党时间(必填)", C::JoinedOn),
            (" 姓 名 ", C::Name),
            ("姓\u{3000}名", C::Name),
            ("出生日期(yyyy-mm-dd)", C::BirthDate),
            ("联系电话：", C::Phone),
            ("所在党支部【全称】", C::Org),
            ("公民身份\n号码", C::IdNumber),
        ] {
            assert_eq!(MemberColumn::parse_header(text), Some(c), "{text:?}");
        }
        assert_eq!(MemberColumn::parse_header("党员信息汇总表"), None);
        assert_eq!(MemberColumn::parse_header("（必填）"), None);
        assert_eq!(MemberColumn::parse_header(""), None);
    }

    #[test]
    fn first_header_wins() {
        let headers: Vec<String> =
            ["姓名", "身份证号", "", "爱好", "公民身份号码"].iter().map(|s| s.to_string()).collect();
        let map = map_member_columns(&headers);
        assert_eq!(map.columns, vec![(C::Name, 0), (C::IdNumber, 1)]);
        assert_eq!(map.unknown, vec![(3, "爱好".to_string())]);
        assert_eq!(map.duplicates, vec![(C::IdNumber, 4)]);
        assert_eq!(map.index(C::IdNumber), Some(1));
        assert_eq!(map.index(C::Phone), None);
    }

    #[test]
    fn the_template_example_is_a_valid_member() {
        let values: HashMap<MemberColumn, String> = template_example().into_iter().collect();
        let get = |c| values.get(&c).cloned().unwrap_or_default();
        let input = domain::member::MemberInput {
            name: get(C::Name),
            gender: get(C::Gender),
            ethnicity: get(C::Ethnicity),
            birth_date: get(C::BirthDate),
            id_number: get(C::IdNumber),
            phone: get(C::Phone),
            education: get(C::Education),
            degree: get(C::Degree),
            occupation: get(C::Occupation),
            post: get(C::Post),
            unit_name: get(C::UnitName),
            joined_on: get(C::JoinedOn),
            confirmed_on: get(C::ConfirmedOn),
            probation_extension_months: get(C::ProbationExtension),
            status: get(C::Category),
            dues_category: get(C::DuesCategory),
            address: get(C::Address),
            lost_contact: get(C::LostContact),
            lost_contact_since: get(C::LostContactSince),
            mobile_member: get(C::Mobile),
            mobile_destination: get(C::MobileDestination),
            remark: get(C::Remark),
        };
        let as_of = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        input.validate(as_of).unwrap();
    }
}
