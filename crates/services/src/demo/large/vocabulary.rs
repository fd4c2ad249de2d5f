//! What the city and province demos are made of: member profiles by kind of unit, and the
//! names of people, places, departments, companies and schools.

/// Who the members of a unit are: ages, occupations, posts, schooling, dues.
pub(super) struct Profile {
    pub(super) retired_share: f64,
    pub(super) female: f64,
    pub(super) age: (u32, u32),
    /// Age when joining, for those who are not probationary now.
    pub(super) join_age: (u32, u32),
    pub(super) probationary: f64,
    pub(super) occupations: &'static [&'static str],
    pub(super) posts: &'static [&'static str],
    pub(super) education: &'static [&'static str],
    pub(super) dues: &'static [&'static str],
}

pub(super) const ORGAN: Profile = Profile {
    retired_share: 0.06,
    female: 0.36,
    age: (23, 59),
    join_age: (19, 40),
    probationary: 0.03,
    occupations: &["party_government_staff"],
    posts: &["科员", "科员", "一级科员", "四级主任科员", "副科长", "科长", "办公室主任", "副局长"],
    education: &["21", "21", "21", "21", "22", "12", "2B"],
    dues: &["employed"],
};
pub(super) const TEACHER: Profile = Profile {
    retired_share: 0.12,
    female: 0.62,
    age: (23, 59),
    join_age: (20, 45),
    probationary: 0.05,
    occupations: &["professional_technical"],
    posts: &["专任教师", "专任教师", "专任教师", "班主任", "教研组长", "中层干部", "校级领导", "教辅人员"],
    education: &["21", "21", "21", "21", "22", "22", "12", "12", "41"],
    dues: &["employed"],
};
pub(super) const ACADEMIC: Profile = Profile {
    retired_share: 0.1,
    female: 0.5,
    age: (26, 62),
    join_age: (19, 40),
    probationary: 0.03,
    occupations: &["professional_technical"],
    posts: &["讲师", "讲师", "副教授", "教授", "辅导员", "实验员", "行政人员"],
    education: &["11", "11", "12", "12", "21"],
    dues: &["employed"],
};
pub(super) const STUDENT: Profile = Profile {
    retired_share: 0.0,
    female: 0.56,
    age: (20, 26),
    join_age: (18, 23),
    probationary: 0.35,
    occupations: &["student"],
    posts: &["本科生", "本科生", "本科生", "研究生"],
    education: &["61", "61", "61", "21"],
    dues: &["student"],
};
pub(super) const HEALTH: Profile = Profile {
    retired_share: 0.1,
    female: 0.64,
    age: (23, 59),
    join_age: (20, 45),
    probationary: 0.05,
    occupations: &["professional_technical", "professional_technical", "professional_technical", "manager"],
    posts: &["医师", "主治医师", "副主任医师", "主任医师", "护士", "护师", "主管护师", "药师", "检验师", "行政人员"],
    education: &["21", "21", "21", "22", "22", "12", "41"],
    dues: &["employed"],
};
pub(super) const ENTERPRISE: Profile = Profile {
    retired_share: 0.1,
    female: 0.3,
    age: (22, 59),
    join_age: (19, 45),
    probationary: 0.05,
    occupations: &["worker", "worker", "professional_technical", "manager"],
    posts: &["操作工", "技术员", "工程师", "班组长", "车间主任", "部门经理", "财务人员", "销售人员"],
    education: &["21", "22", "22", "41", "47", "61"],
    dues: &["employed"],
};
pub(super) const NONPUBLIC: Profile = Profile {
    retired_share: 0.0,
    female: 0.42,
    age: (22, 55),
    join_age: (19, 40),
    probationary: 0.08,
    occupations: &["worker", "manager", "professional_technical"],
    posts: &["职员", "技术员", "部门经理", "业务员", "负责人"],
    education: &["21", "22", "22", "61", "41"],
    dues: &["employed"],
};
pub(super) const FARMER: Profile = Profile {
    retired_share: 0.0,
    female: 0.2,
    age: (24, 86),
    join_age: (20, 50),
    probationary: 0.04,
    occupations: &["farmer_herder_fisher"],
    posts: &["务农", "务农", "务农", "种植户", "养殖户", "个体经营", "村干部", "外出务工"],
    education: &["71", "71", "71", "61", "61", "41", "81", "22"],
    dues: &["farmer"],
};
pub(super) const COMMUNITY: Profile = Profile {
    retired_share: 0.55,
    female: 0.5,
    age: (24, 59),
    join_age: (19, 45),
    probationary: 0.04,
    occupations: &["worker", "other", "manager", "professional_technical"],
    posts: &["社区工作者", "个体经营", "企业职工", "灵活就业"],
    education: &["61", "22", "21", "71", "41"],
    dues: &["employed", "employed", "unemployed", "other", "low_income"],
};
pub(super) const RETIRED: Profile = Profile {
    retired_share: 1.0,
    female: 0.45,
    age: (60, 88),
    join_age: (20, 45),
    probationary: 0.0,
    occupations: &["retired"],
    posts: &["退休"],
    education: &["21", "22", "41", "61"],
    dues: &["retired"],
};

/// Surnames with their weights (roughly their share among Han Chinese, per 10,000).
pub(super) const SURNAMES: &[(&str, u32)] = &[
    ("王", 712),
    ("李", 700),
    ("张", 680),
    ("刘", 540),
    ("陈", 460),
    ("杨", 310),
    ("黄", 240),
    ("赵", 230),
    ("吴", 210),
    ("周", 200),
    ("徐", 140),
    ("孙", 140),
    ("马", 130),
    ("朱", 120),
    ("胡", 120),
    ("郭", 110),
    ("何", 110),
    ("林", 110),
    ("高", 100),
    ("罗", 90),
    ("郑", 90),
    ("梁", 85),
    ("谢", 80),
    ("宋", 80),
    ("唐", 75),
    ("许", 70),
    ("韩", 70),
    ("冯", 65),
    ("邓", 65),
    ("曹", 60),
    ("彭", 60),
    ("曾", 60),
    ("肖", 55),
    ("田", 55),
    ("董", 55),
    ("袁", 50),
    ("潘", 50),
    ("于", 50),
    ("蒋", 50),
    ("蔡", 50),
    ("余", 45),
    ("杜", 45),
    ("叶", 45),
    ("程", 45),
    ("苏", 40),
    ("魏", 40),
    ("吕", 40),
    ("丁", 40),
    ("任", 40),
    ("沈", 38),
    ("姚", 37),
    ("卢", 37),
    ("姜", 36),
    ("崔", 35),
    ("钟", 35),
    ("谭", 34),
    ("陆", 33),
    ("汪", 32),
    ("范", 32),
    ("金", 31),
    ("石", 30),
    ("廖", 30),
    ("贾", 30),
    ("夏", 29),
    ("韦", 29),
    ("付", 29),
    ("方", 28),
    ("白", 28),
    ("邹", 27),
    ("孟", 27),
    ("熊", 26),
    ("秦", 26),
    ("邱", 25),
    ("江", 25),
    ("尹", 24),
    ("薛", 24),
    ("闫", 24),
    ("段", 23),
    ("雷", 23),
    ("侯", 22),
    ("龙", 22),
    ("史", 22),
    ("陶", 21),
    ("黎", 21),
    ("贺", 20),
    ("顾", 20),
    ("毛", 20),
    ("郝", 20),
    ("龚", 19),
    ("邵", 19),
    ("万", 18),
    ("钱", 18),
    ("严", 17),
    ("覃", 17),
    ("武", 17),
    ("戴", 16),
    ("莫", 16),
    ("孔", 16),
    ("向", 15),
    ("汤", 15),
    ("常", 14),
    ("牛", 13),
    ("欧阳", 5),
    ("司马", 1),
    ("上官", 1),
    ("诸葛", 1),
];
pub(super) const GIVEN_MALE: &[&str] = &[
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "斌",
    "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "建", "国", "峰", "志", "海", "亮", "成", "东",
    "彬", "振", "博", "文", "兵", "锋", "永", "德", "忠", "庆", "良", "胜",
];
pub(super) const GIVEN_FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "红", "燕", "婷", "雪", "琳", "晶", "慧", "颖", "倩",
    "洁", "梅", "莉", "兰", "萍", "欣", "佳", "悦", "璐", "瑶", "蕾", "丹", "琴", "云", "凤", "英", "桂", "月", "薇",
    "萌", "华",
];
pub(super) const GIVEN_ANY: &[&str] = &[
    "文", "华", "春", "晓", "海", "金", "玉", "建", "国", "明", "新", "永", "立", "志", "子", "思", "一", "嘉", "安",
    "晨", "秋", "冬", "雨", "天", "小", "爱", "红", "学", "家", "长",
];

/// A given name that fits the gender: the last character from the given names of men or of
/// women, and with probability `two` a first character from those or from names used by both.
pub(in crate::demo) fn given_name(rng: &mut impl rand::Rng, female: bool, two: f64) -> String {
    use rand::seq::SliceRandom;
    let pool = if female { GIVEN_FEMALE } else { GIVEN_MALE };
    let last = pool.choose(rng).copied().unwrap_or("明");
    if rng.gen_bool(two) {
        let first = if rng.gen_bool(0.5) { GIVEN_ANY } else { pool };
        format!("{}{last}", first.choose(rng).copied().unwrap_or("文"))
    } else {
        last.to_string()
    }
}

/// Two-character place names are drawn from these halves.
pub(super) const PLACE_A: &[&str] = &[
    "东", "西", "南", "北", "上", "大", "新", "古", "平", "安", "永", "长", "福", "宝", "金", "石", "柳", "桃", "龙",
    "凤", "清", "明", "华", "兴", "盛", "泰", "宁", "和", "丰", "黄", "白", "青", "红", "双", "三", "马", "杨", "高",
    "孟", "梁",
];
pub(super) const PLACE_B: &[&str] = &[
    "阳", "山", "川", "河", "水", "原", "平", "城", "丘", "林", "台", "源", "陵", "江", "湖", "泉", "坪", "岭", "峰",
    "谷", "桥", "店", "集", "庄", "寨", "营", "湾", "屯", "岗", "沟",
];
pub(super) const CITIES: &[&str] = &[
    "江城", "河阳", "云州", "临川", "青山", "白水", "南屏", "北原", "安平", "永宁", "长乐", "广德", "丰泽", "清源",
    "新安", "宁远", "松阳",
];
pub(super) const DEPTS: &[&str] = &[
    "委办公室",
    "委组织部",
    "委宣传部",
    "委统战部",
    "委政法委员会",
    "纪委监委机关",
    "政府办公室",
    "人大常委会机关",
    "政协机关",
    "人民法院",
    "人民检察院",
    "公安局",
    "发展和改革委员会",
    "教育局机关",
    "科学技术局",
    "工业和信息化局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化广电和旅游局",
    "卫生健康委员会机关",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "信访局",
    "档案馆",
    "总工会",
    "团委",
    "妇女联合会",
    "税务局",
    "供销合作社",
    "融媒体中心",
    "图书馆",
    "气象局",
];
pub(super) const DEPT_UNITS: &[&str] = &["服务中心", "执法大队", "事务中心", "管理站"];
pub(super) const COMPANY_KINDS: &[&str] = &[
    "城市建设投资集团有限公司",
    "农业发展投资集团有限公司",
    "交通投资集团有限公司",
    "水务集团有限公司",
    "文化旅游投资集团有限公司",
    "国有资本运营有限公司",
];
pub(super) const COMPANY_UNITS: &[&str] = &[
    "机关",
    "工程建设分公司",
    "物业管理分公司",
    "资产运营分公司",
    "供水分公司",
    "置业有限公司",
    "供热分公司",
    "运输分公司",
    "商贸分公司",
    "检测中心",
    "离退休",
];
pub(super) const SCHOOL_PARTS: &[&str] = &["高一年级", "高二年级", "高三年级", "行政后勤", "退休教师"];
pub(super) const HOSPITAL_PARTS: &[&str] =
    &["内科", "外科", "妇产科", "儿科", "医技", "护理", "行政后勤", "急诊", "药学", "离退休"];
pub(super) const COMPANY_PARTS: &[&str] = &["机关", "生产", "技术", "营销", "后勤", "离退休"];
pub(super) const COLLEGE_PARTS: &[&str] = &["教工", "学生第一", "学生第二", "学生第三", "研究生", "离退休"];
pub(super) const COLLEGES: &[&str] = &[
    "文学院",
    "外国语学院",
    "数学与统计学院",
    "物理与电子工程学院",
    "化学化工学院",
    "计算机学院",
    "经济学院",
    "法学院",
    "马克思主义学院",
    "教育科学学院",
    "机械工程学院",
    "土木工程学院",
    "医学院",
    "农学院",
    "艺术学院",
    "体育学院",
];
pub(super) const UNIVERSITIES: &[&str] =
    &["中原大学", "中原理工大学", "中原师范大学", "中原农业大学", "中原医科大学", "中原财经政法大学"];
pub(super) const CN_NUM: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];
