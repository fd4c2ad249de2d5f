//! The city and province demos: a deterministic (seeded) party organization of one city
//! (~50,000 members, ~1,500 branches) or of a province (~5,000,000 members, ~300,000 orgs),
//! generated as a stream and bulk-loaded through [`storage::bulk`], so memory stays bounded.
//!
//! The tree: province committee → city committees → district and county committees →
//! county-level committees (organs' working committee, education bureau, health commission,
//! state enterprises, townships and streets) → general branches → branches → groups; the
//! province and each city also have their own organs, schools, hospitals, enterprises (and,
//! for the province, universities). A branch has 3 to 50 current members, mostly 10 to 40
//! (ORG-BRANCH-MIN), at least 3 of them full; larger units become a general branch with
//! several branches.
//!
//! Members are generated as raw forms, like the county demo's, and every one passes
//! [`MemberInput::validate`] before it is written (a form that fails is discarded and drawn
//! again). ID numbers carry the 6-digit area code of the member's county (province 41 of
//! `id-number-province-codes.csv`), and are unique by construction: within one area code
//! the sequence number counts up per birth date and gender (odd for men), and the area codes
//! never repeat, so no set of 5 million numbers is kept. Each branch has a secretary (and
//! its committee officers from 7 full members on, ORG-COMMITTEE); each committee and general
//! branch has a secretary taken from its first branch.

use super::{DemoAccount, DemoSummary, Scale};
use super::{date_between, years_ago};
use crate::accounts::{NewAccount, RoleGrant, generate_password};
use crate::members::to_data;
use crate::{Entry, Result, ServiceError, Services, console_actor};
use chrono::{Months, NaiveDate};
use domain::dates::Iso;
use domain::member::{IdNumber, MemberInput};
use domain::scope::RoleKind;
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, HashSet};
use storage::StorageError;
use storage::bulk::{Loader, MemberRecord, OrgRecord, PostRecord};

/// One generated row, in load order: parents before children, members before their posts.
#[derive(Debug, Clone)]
pub enum Record {
    Org(OrgRecord),
    Member(Box<MemberRecord>),
    Post(PostRecord),
}

/// Where the demo accounts attach, and what was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub root_id: i64,
    pub root_path: String,
    pub root_term_start: String,
    pub first_general_branch: Option<i64>,
    /// The first two branches.
    pub first_branches: Vec<i64>,
    /// The first member of the first branch.
    pub first_member: Option<i64>,
    pub orgs: usize,
    pub branches: usize,
    pub members: usize,
    pub posts: usize,
}

/// Province code of the demo's ID numbers: 41 (河南) in `id-number-province-codes.csv`.
const PROVINCE: &str = "41";
/// The seed of the city and province demos (the county demo has its own).
const SEED: u64 = 20_241_001;
/// Most current members a branch gets (ORG-BRANCH-MIN: generally at most 50).
const BRANCH_MAX: usize = 50;
/// Units larger than this become a general branch with several branches.
const SINGLE_BRANCH_MAX: usize = 45;

/// The shape of a demo: how many cities, how many county-level areas per city and how many
/// members per area.
struct Shape {
    province: bool,
    cities: usize,
    counties: (usize, usize),
    area_members: (usize, usize),
    province_members: usize,
}

fn shape(scale: Scale) -> Option<Shape> {
    match scale {
        Scale::City => Some(Shape {
            province: false,
            cities: 1,
            counties: (5, 5),
            area_members: (6_600, 9_400),
            province_members: 0,
        }),
        Scale::Province => Some(Shape {
            province: true,
            cities: 17,
            counties: (8, 14),
            area_members: (19_000, 29_000),
            province_members: 60_000,
        }),
        Scale::County | Scale::Tiny => None,
    }
}

/// Who the members of a unit are: ages, occupations, posts, schooling, dues.
struct Profile {
    retired_share: f64,
    female: f64,
    age: (u32, u32),
    /// Age when joining, for those who are not probationary now.
    join_age: (u32, u32),
    probationary: f64,
    occupations: &'static [&'static str],
    posts: &'static [&'static str],
    education: &'static [&'static str],
    dues: &'static [&'static str],
}

const ORGAN: Profile = Profile {
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
const TEACHER: Profile = Profile {
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
const ACADEMIC: Profile = Profile {
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
const STUDENT: Profile = Profile {
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
const HEALTH: Profile = Profile {
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
const ENTERPRISE: Profile = Profile {
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
const NONPUBLIC: Profile = Profile {
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
const FARMER: Profile = Profile {
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
const COMMUNITY: Profile = Profile {
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
const RETIRED: Profile = Profile {
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
const SURNAMES: &[(&str, u32)] = &[
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
const GIVEN_MALE: &[&str] = &[
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "斌",
    "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "建", "国", "峰", "志", "海", "亮", "成", "东",
    "彬", "振", "博", "文", "兵", "锋", "永", "德", "忠", "庆", "良", "胜",
];
const GIVEN_FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "红", "燕", "婷", "雪", "琳", "晶", "慧", "颖", "倩",
    "洁", "梅", "莉", "兰", "萍", "欣", "佳", "悦", "璐", "瑶", "蕾", "丹", "琴", "云", "凤", "英", "桂", "月", "薇",
    "萌", "华",
];
const GIVEN_ANY: &[&str] = &[
    "文", "华", "春", "晓", "海", "金", "玉", "建", "国", "明", "新", "永", "立", "志", "子", "思", "一", "嘉", "安",
    "晨", "秋", "冬", "雨", "天", "小", "爱", "红", "学", "家", "长",
];

/// Two-character place names are drawn from these halves.
const PLACE_A: &[&str] = &[
    "东", "西", "南", "北", "上", "大", "新", "古", "平", "安", "永", "长", "福", "宝", "金", "石", "柳", "桃", "龙",
    "凤", "清", "明", "华", "兴", "盛", "泰", "宁", "和", "丰", "黄", "白", "青", "红", "双", "三", "马", "杨", "高",
    "孟", "梁",
];
const PLACE_B: &[&str] = &[
    "阳", "山", "川", "河", "水", "原", "平", "城", "丘", "林", "台", "源", "陵", "江", "湖", "泉", "坪", "岭", "峰",
    "谷", "桥", "店", "集", "庄", "寨", "营", "湾", "屯", "岗", "沟",
];
const CITIES: &[&str] = &[
    "江城", "河阳", "云州", "临川", "青山", "白水", "南屏", "北原", "安平", "永宁", "长乐", "广德", "丰泽", "清源",
    "新安", "宁远", "松阳",
];
const DEPTS: &[&str] = &[
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
const DEPT_UNITS: &[&str] = &["服务中心", "执法大队", "事务中心", "管理站"];
const COMPANY_KINDS: &[&str] = &[
    "城市建设投资集团有限公司",
    "农业发展投资集团有限公司",
    "交通投资集团有限公司",
    "水务集团有限公司",
    "文化旅游投资集团有限公司",
    "国有资本运营有限公司",
];
const COMPANY_UNITS: &[&str] = &[
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
const SCHOOL_PARTS: &[&str] = &["高一年级", "高二年级", "高三年级", "行政后勤", "退休教师"];
const HOSPITAL_PARTS: &[&str] =
    &["内科", "外科", "妇产科", "儿科", "医技", "护理", "行政后勤", "急诊", "药学", "离退休"];
const COMPANY_PARTS: &[&str] = &["机关", "生产", "技术", "营销", "后勤", "离退休"];
const COLLEGE_PARTS: &[&str] = &["教工", "学生第一", "学生第二", "学生第三", "研究生", "离退休"];
const COLLEGES: &[&str] = &[
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
const UNIVERSITIES: &[&str] =
    &["中原大学", "中原理工大学", "中原师范大学", "中原农业大学", "中原医科大学", "中原财经政法大学"];
const CN_NUM: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];

/// Which kind of units a committee holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sector {
    Organs,
    Education,
    Health,
    Enterprise,
    Town { district: bool },
    University,
}

/// A workplace: one branch, or a general branch with several when it is large.
struct Unit {
    name: String,
    kind: &'static str,
    profile: &'static Profile,
    size: usize,
    /// Names of the branches of a general branch ("高一年级"), then numbered.
    parts: &'static [&'static str],
    /// A university college: the first branch is its staff, the others students.
    college: bool,
}

/// An org already emitted.
#[derive(Debug, Clone)]
struct Node {
    id: i64,
    path: String,
    established: String,
    term_start: String,
}

fn unit(
    name: String,
    kind: &'static str,
    profile: &'static Profile,
    size: usize,
    parts: &'static [&'static str],
) -> Unit {
    Unit { name, kind, profile, size, parts, college: false }
}

fn ymd(d: NaiveDate) -> String {
    d.iso()
}

struct Gen<'a> {
    rng: ChaCha8Rng,
    as_of: NaiveDate,
    sink: &'a mut dyn FnMut(Record) -> bool,
    stopped: bool,
    next_org: i64,
    next_member: i64,
    next_post: i64,
    /// The 6-digit area code of the members now being generated, and the sequence numbers
    /// used in it per (birth date, male).
    area: String,
    seq_base: u16,
    seqs: HashMap<(NaiveDate, bool), u16>,
    /// Committees and general branches still without a secretary: id and term start.
    pending: Vec<(i64, String)>,
    surnames: WeightedIndex<u32>,
    out: Outline,
}

impl Gen<'_> {
    fn emit(&mut self, r: Record) {
        if !self.stopped && !(self.sink)(r) {
            self.stopped = true;
        }
    }

    /// A size between `lo` and `hi`, most often near `mode` (a triangular distribution).
    fn tri(&mut self, lo: usize, mode: usize, hi: usize) -> usize {
        let (a, c, b) = (lo as f64, mode as f64, hi as f64);
        let u: f64 = self.rng.r#gen();
        let x = if b <= a {
            a
        } else if u < (c - a) / (b - a) {
            a + (u * (b - a) * (c - a)).sqrt()
        } else {
            b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
        };
        (x.round() as usize).clamp(lo, hi)
    }

    /// Unique place names (two characters) for one level of the tree.
    fn place_names(&mut self, n: usize) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let a = PLACE_A.choose(&mut self.rng).copied().unwrap_or("东");
            let b = PLACE_B.choose(&mut self.rng).copied().unwrap_or("阳");
            let name = format!("{a}{b}");
            if seen.insert(name.clone()) {
                out.push(name);
            }
        }
        out
    }

    fn start_area(&mut self, code: String) {
        self.area = code;
        self.seq_base = self.rng.gen_range(0..500);
        self.seqs.clear();
    }

    fn org(&mut self, parent: Option<&Node>, kind: &str, name: String, unit: &str, unit_kind: &str) -> Node {
        let id = self.next_org;
        self.next_org += 1;
        let path = match parent {
            Some(p) => format!("{}{id}/", p.path),
            None => format!("/{id}/"),
        };
        let (established, term_start, term_years) = match kind {
            "group" => (parent.map(|p| p.established.clone()).unwrap_or_default(), String::new(), None),
            "branch" => {
                let est = NaiveDate::from_ymd_opt(self.rng.gen_range(1990..=2018), self.rng.gen_range(1..=12), 1);
                let start = date_between(&mut self.rng, years_ago(self.as_of, 4), self.as_of - chrono::Days::new(30));
                (est.map(ymd).unwrap_or_default(), ymd(start), Some(3))
            }
            "general_branch" => {
                let est = NaiveDate::from_ymd_opt(self.rng.gen_range(1985..=2015), self.rng.gen_range(1..=12), 1);
                let start = date_between(&mut self.rng, years_ago(self.as_of, 4), self.as_of - chrono::Days::new(60));
                (est.map(ymd).unwrap_or_default(), ymd(start), Some(3))
            }
            _ => {
                let est = NaiveDate::from_ymd_opt(self.rng.gen_range(1949..=2000), self.rng.gen_range(1..=12), 1);
                let start = date_between(&mut self.rng, years_ago(self.as_of, 4), self.as_of - chrono::Days::new(60));
                (est.map(ymd).unwrap_or_default(), ymd(start), Some(5))
            }
        };
        self.emit(Record::Org(OrgRecord {
            id,
            parent_id: parent.map(|p| p.id),
            path: path.clone(),
            name,
            kind: kind.into(),
            unit_name: unit.into(),
            unit_kind: unit_kind.into(),
            established_on: Some(established.clone()).filter(|s| !s.is_empty()),
            term_start_on: Some(term_start.clone()).filter(|s| !s.is_empty()),
            term_years,
        }));
        self.out.orgs += 1;
        if kind == "committee" || kind == "general_branch" {
            self.pending.push((id, term_start.clone()));
        }
        if kind == "general_branch" && self.out.first_general_branch.is_none() {
            self.out.first_general_branch = Some(id);
        }
        Node { id, path, established, term_start }
    }

    fn committee(&mut self, parent: Option<&Node>, name: String, unit: &str, unit_kind: &str) -> Node {
        self.org(parent, "committee", name, unit, unit_kind)
    }

    /// A unique ID number in the current area for this birth date and gender.
    fn id_number(&mut self, birth: NaiveDate, male: bool) -> Option<IdNumber> {
        let k = self.seqs.entry((birth, male)).or_insert(0);
        if *k >= 500 {
            return None;
        }
        let seq = 2 * ((self.seq_base + *k) % 500) + u16::from(male);
        *k += 1;
        IdNumber::from_parts(&self.area, birth, seq)
    }

    fn name(&mut self, female: bool) -> String {
        let s = SURNAMES[self.surnames.sample(&mut self.rng)].0;
        let pool = if female { GIVEN_FEMALE } else { GIVEN_MALE };
        let last = pool.choose(&mut self.rng).copied().unwrap_or("明");
        if self.rng.gen_bool(0.72) {
            let first = if self.rng.gen_bool(0.5) { GIVEN_ANY } else { pool };
            let first = first.choose(&mut self.rng).copied().unwrap_or("文");
            format!("{s}{first}{last}")
        } else {
            format!("{s}{last}")
        }
    }

    /// One member as a raw form. `status`: `None` for a current member (full, or probationary
    /// now and then), `Some("full")` to force a full one, or a former member's status.
    fn person(&mut self, p: &Profile, unit: &str, status: Option<&str>) -> Option<MemberInput> {
        let retired = status == Some("deceased") || self.rng.gen_bool(p.retired_share);
        let female = self.rng.gen_bool(if retired { 0.45 } else { p.female });
        let age = if retired { self.rng.gen_range(60..=88) } else { self.rng.gen_range(p.age.0..=p.age.1) };
        let birth = date_between(
            &mut self.rng,
            years_ago(self.as_of, age + 1) + chrono::Days::new(1),
            years_ago(self.as_of, age),
        );
        let id = self.id_number(birth, !female)?;
        let (ja, jb) = if retired { RETIRED.join_age } else { p.join_age };
        let earliest = birth.checked_add_months(Months::new(12 * ja))?;
        let latest = birth.checked_add_months(Months::new(12 * jb))?.min(self.as_of);
        let probationary = status.is_none() && !retired && self.rng.gen_bool(p.probationary);
        let joined = if probationary {
            date_between(
                &mut self.rng,
                years_ago(self.as_of, 1) - chrono::Days::new(20),
                self.as_of - chrono::Days::new(30),
            )
        } else {
            let latest = latest.min(years_ago(self.as_of, 1) - chrono::Days::new(31));
            if latest <= earliest {
                return None;
            }
            date_between(&mut self.rng, earliest, latest)
        };
        if joined < earliest {
            return None;
        }
        // A probation extended by half a year now and then (DEV-PROBATION allows one, 6–12
        // months), recorded with the member; confirmation takes effect when probation ends.
        let extension = (!probationary && self.rng.gen_bool(0.03)).then_some(6u32);
        let confirmed = if probationary {
            None
        } else {
            Some(domain::member::probation_end(joined, extension)).filter(|c| *c <= self.as_of)
        };
        let profile = if retired { &RETIRED } else { p };
        let education = profile.education.choose(&mut self.rng).copied().unwrap_or("21");
        let degree = match education {
            "11" => "博士",
            "12" => "硕士",
            "21" => "学士",
            _ => "",
        };
        let phone = if self.rng.gen_bool(0.93) {
            let prefix = ["38", "39", "50", "58", "86", "87", "35", "37", "52", "82", "88"]
                .choose(&mut self.rng)
                .copied()
                .unwrap_or("38");
            format!("1{prefix}{:08}", self.rng.gen_range(0..100_000_000u32))
        } else {
            String::new()
        };
        let ethnicity =
            if self.rng.gen_bool(0.97) { "01" } else { ["03", "03", "03", "11", "02", "08"].choose(&mut self.rng)? };
        let occupation = if retired { "retired" } else { profile.occupations.choose(&mut self.rng)? };
        let post = profile.posts.choose(&mut self.rng)?;
        let dues = if retired { "retired" } else { profile.dues.choose(&mut self.rng)? };
        let status = match status {
            Some(s) => s,
            None if probationary => "probationary",
            None => "full",
        };
        Some(MemberInput {
            name: self.name(female),
            gender: if female { "female".into() } else { "male".into() },
            ethnicity: ethnicity.into(),
            birth_date: ymd(birth),
            id_number: id.as_str().to_string(),
            phone,
            education: education.into(),
            degree: degree.into(),
            occupation: occupation.into(),
            post: post.to_string(),
            unit_name: unit.into(),
            joined_on: ymd(joined),
            confirmed_on: confirmed.map(ymd).unwrap_or_default(),
            probation_extension_months: extension.map(|m| m.to_string()).unwrap_or_default(),
            status: status.into(),
            dues_category: dues.into(),
            ..Default::default()
        })
    }

    /// A validated member written to `branch`; returns their id and data.
    fn member(
        &mut self,
        branch: &Node,
        group_id: Option<i64>,
        p: &Profile,
        unit: &str,
        status: Option<&str>,
    ) -> Option<(i64, storage::member::MemberData)> {
        let input = self.person(p, unit, status)?;
        let fields = input.validate(self.as_of).ok()?;
        let data = to_data(&fields);
        let id = self.next_member;
        self.next_member += 1;
        self.emit(Record::Member(Box::new(MemberRecord {
            id,
            data: data.clone(),
            branch_id: branch.id,
            branch_path: branch.path.clone(),
            group_id,
            since: data.joined_on.clone(),
        })));
        self.out.members += 1;
        Some((id, data))
    }

    fn post(&mut self, org_id: i64, member_id: i64, post: &str, start_on: String) {
        let id = self.next_post;
        self.next_post += 1;
        self.emit(Record::Post(PostRecord { id, org_id, member_id, post: post.into(), start_on }));
        self.out.posts += 1;
    }

    /// A branch with `size` current members (at least 3 full), its groups, perhaps a former
    /// member, and its posts; pending committees and general branches above it get their
    /// secretary here.
    fn branch(&mut self, parent: &Node, name: String, unit: &str, kind: &str, p: &Profile, size: usize) {
        let size = size.clamp(3, BRANCH_MAX);
        let b = self.org(Some(parent), "branch", name, unit, kind);
        self.out.branches += 1;
        if self.out.first_branches.len() < 2 {
            self.out.first_branches.push(b.id);
        }
        let groups = match size {
            0..=27 => 0,
            28..=41 => 1,
            _ => 2,
        };
        let group_ids: Vec<i64> =
            (0..groups).map(|k| self.org(Some(&b), "group", format!("第{}党小组", CN_NUM[k]), unit, kind).id).collect();
        let mut full: Vec<(i64, String)> = Vec::new();
        let mut made = 0;
        let mut tries = 0;
        while made < size && tries < 100 * BRANCH_MAX {
            tries += 1;
            let group_id = if group_ids.is_empty() { None } else { Some(group_ids[made % group_ids.len()]) };
            let status = if made < 3 { Some("full") } else { None };
            let Some((id, data)) = self.member(&b, group_id, p, unit, status) else { continue };
            if data.status == "full" {
                full.push((id, data.joined_on));
            }
            if self.out.first_member.is_none() {
                self.out.first_member = Some(id);
            }
            made += 1;
        }
        // Now and then a former member, kept for the record.
        if self.rng.gen_bool(0.12) {
            let status = ["transferred_out", "transferred_out", "transferred_out", "deceased", "deceased", "suspended"]
                .choose(&mut self.rng)
                .copied()
                .unwrap_or("transferred_out");
            for _ in 0..20 {
                if self.member(&b, None, p, unit, Some(status)).is_some() {
                    break;
                }
            }
        }
        // A secretary, and the committee officers from 7 full members on (ORG-COMMITTEE).
        let posts: &[&str] = if full.len() >= 7 {
            &["secretary", "organization_officer", "publicity_officer", "discipline_officer"]
        } else {
            &["secretary"]
        };
        for (k, post) in posts.iter().enumerate() {
            if let Some((mid, joined)) = full.get(k).cloned() {
                let start = if joined > b.term_start { joined } else { b.term_start.clone() };
                self.post(b.id, mid, post, start);
            }
        }
        if let Some((mid, joined)) = full.last().cloned() {
            for (org_id, term_start) in std::mem::take(&mut self.pending) {
                let start = if joined > term_start { joined.clone() } else { term_start };
                self.post(org_id, mid, "secretary", start);
            }
        }
    }

    /// A unit: one branch, or a general branch with a branch per part.
    fn unit(&mut self, parent: &Node, u: &Unit) {
        if u.size <= SINGLE_BRANCH_MAX {
            self.branch(parent, format!("{}党支部", u.name), &u.name, u.kind, u.profile, u.size);
            return;
        }
        let gb = self.org(Some(parent), "general_branch", format!("{}党总支", u.name), &u.name, u.kind);
        let k = u.size.div_ceil(38).max(2);
        for j in 0..k {
            let part = match u.parts.get(j) {
                Some(p) => (*p).to_string(),
                None => format!("第{}", CN_NUM.get(j).copied().unwrap_or("十二")),
            };
            let share = u.size / k;
            let jitter = share / 5;
            let size = self.rng.gen_range(share - jitter..=share + jitter);
            let profile = if u.parts.get(j).is_some_and(|p| p.contains("退休")) {
                &RETIRED
            } else if u.college && j > 0 {
                &STUDENT
            } else {
                u.profile
            };
            self.branch(&gb, format!("{}{part}党支部", u.name), &u.name, u.kind, profile, size);
        }
    }

    /// The `i`-th unit of a committee of `sector`. `place` is the county, city or province
    /// the committee belongs to ("东阳县", "江城市", "省"); `towns` its townships.
    fn next_unit(&mut self, sector: Sector, place: &str, towns: &[String], i: usize, level: u8) -> Unit {
        let town = |g: &mut Self| towns.choose(&mut g.rng).cloned().unwrap_or_else(|| "城关镇".into());
        match sector {
            Sector::Organs => {
                let dept = DEPTS[i % DEPTS.len()];
                let dept = match level {
                    2 => dept.replace('局', "厅"),
                    _ => dept.to_string(),
                };
                let name = match i / DEPTS.len() {
                    0 => format!("{place}{dept}"),
                    n => format!("{place}{dept}{}", DEPT_UNITS[(n - 1) % DEPT_UNITS.len()]),
                };
                let size = match level {
                    0 => self.tri(8, 30, 56),
                    1 => self.tri(10, 30, 80),
                    _ => self.tri(20, 45, 110),
                };
                unit(name, "organ", &ORGAN, size, &[])
            }
            Sector::Education => match (i, level) {
                (0, _) => unit(format!("{place}教育局机关"), "organ", &ORGAN, self.tri(18, 30, 44), &[]),
                (1, _) => {
                    unit(format!("{place}教育系统离退休教师"), "public_school", &RETIRED, self.tri(25, 40, 50), &[])
                }
                (2..=4, 0) | (2..=7, 1) => {
                    let n = CN_NUM[i - 2];
                    unit(
                        format!("{place}第{n}高级中学"),
                        "public_school",
                        &TEACHER,
                        self.tri(70, 120, 220),
                        SCHOOL_PARTS,
                    )
                }
                (5, 0) | (8, 1) => {
                    unit(format!("{place}职业教育中心"), "public_school", &TEACHER, self.tri(40, 70, 120), SCHOOL_PARTS)
                }
                _ => {
                    let t = town(self);
                    match i % 7 {
                        0 | 1 => unit(format!("{t}初级中学"), "public_school", &TEACHER, self.tri(15, 33, 56), &[]),
                        2 | 3 => unit(format!("{t}中心小学"), "public_school", &TEACHER, self.tri(10, 26, 44), &[]),
                        4 => unit(format!("{t}第二小学"), "public_school", &TEACHER, self.tri(6, 17, 32), &[]),
                        5 => unit(format!("{t}幼儿园"), "kindergarten", &TEACHER, self.tri(3, 8, 16), &[]),
                        _ => unit(format!("{t}育英学校"), "private_school", &TEACHER, self.tri(4, 12, 24), &[]),
                    }
                }
            },
            Sector::Health if level == 0 => match i {
                0 => unit(format!("{place}人民医院"), "other", &HEALTH, self.tri(120, 200, 320), HOSPITAL_PARTS),
                1 => unit(format!("{place}中医院"), "other", &HEALTH, self.tri(50, 90, 150), HOSPITAL_PARTS),
                2 => unit(format!("{place}妇幼保健院"), "other", &HEALTH, self.tri(15, 30, 60), HOSPITAL_PARTS),
                3 => unit(format!("{place}疾病预防控制中心"), "other", &HEALTH, self.tri(12, 22, 40), &[]),
                _ => {
                    let t = town(self);
                    unit(format!("{t}卫生院"), "other", &HEALTH, self.tri(6, 17, 34), &[])
                }
            },
            Sector::Health => match i {
                0..=3 => {
                    let n = CN_NUM[i];
                    unit(format!("{place}第{n}人民医院"), "other", &HEALTH, self.tri(200, 330, 400), HOSPITAL_PARTS)
                }
                4 => unit(format!("{place}妇幼保健院"), "other", &HEALTH, self.tri(15, 30, 60), HOSPITAL_PARTS),
                5 => unit(format!("{place}疾病预防控制中心"), "other", &HEALTH, self.tri(12, 22, 40), &[]),
                _ => unit(
                    format!("{place}{}", ["中医院", "中心医院", "传染病医院", "精神卫生中心", "急救中心"][i % 5]),
                    "other",
                    &HEALTH,
                    self.tri(30, 120, 300),
                    HOSPITAL_PARTS,
                ),
            },
            Sector::Enterprise => {
                let part = COMPANY_UNITS[i % COMPANY_UNITS.len()];
                let name = match i / COMPANY_UNITS.len() {
                    0 => part.to_string(),
                    n => format!("第{}{part}", CN_NUM[n.min(CN_NUM.len() - 1)]),
                };
                let profile = if part == "离退休" { &RETIRED } else { &ENTERPRISE };
                let size = if level == 0 { self.tri(12, 32, 70) } else { self.tri(20, 60, 160) };
                unit(format!("{place}{name}"), "enterprise", profile, size, COMPANY_PARTS)
            }
            Sector::Town { district } => {
                let t = place;
                match i {
                    0 => unit(format!("{t}机关"), "organ", &ORGAN, self.tri(20, 34, 60), &["机关第一", "机关第二"]),
                    1 => unit(format!("{t}离退休干部"), "organ", &RETIRED, self.tri(8, 15, 30), &[]),
                    _ => {
                        let a = PLACE_A.choose(&mut self.rng).copied().unwrap_or("东");
                        let b = PLACE_B.choose(&mut self.rng).copied().unwrap_or("庄");
                        match (i % 9, district) {
                            (0, _) => unit(
                                format!("{t}{a}{b}商贸有限公司"),
                                "enterprise",
                                &NONPUBLIC,
                                self.tri(3, 6, 14),
                                &[],
                            ),
                            (5, false) => {
                                unit(format!("{t}{a}{b}农民专业合作社"), "other", &FARMER, self.tri(3, 5, 10), &[])
                            }
                            (_, true) => unit(format!("{t}{a}{b}社区"), "other", &COMMUNITY, self.tri(12, 36, 50), &[]),
                            (_, false) => unit(format!("{t}{a}{b}村"), "other", &FARMER, self.tri(10, 34, 48), &[]),
                        }
                    }
                }
            }
            Sector::University => {
                let college = COLLEGES[i % COLLEGES.len()];
                Unit {
                    name: format!("{place}{college}"),
                    kind: "public_school",
                    profile: &ACADEMIC,
                    size: self.tri(80, 170, 300),
                    parts: COLLEGE_PARTS,
                    college: true,
                }
            }
        }
    }

    /// A committee's units until `budget` members are placed.
    fn fill(&mut self, node: &Node, sector: Sector, place: &str, towns: &[String], budget: usize, level: u8) {
        let mut placed = 0;
        let mut i = 0;
        while placed < budget && !self.stopped {
            let u = self.next_unit(sector, place, towns, i, level);
            placed += u.size;
            self.unit(node, &u);
            i += 1;
        }
    }

    /// A district or county committee and the county-level committees under it.
    fn county(&mut self, city: &Node, name: &str, district: bool, budget: usize) {
        let place = format!("{name}{}", if district { "区" } else { "县" });
        let c = self.committee(Some(city), format!("{place}委"), &format!("{place}委"), "organ");
        let towns: Vec<String> = {
            let n = (budget / 1_700).max(2);
            let suffix = if district { "街道" } else { "镇" };
            self.place_names(n).into_iter().map(|t| format!("{t}{suffix}")).collect()
        };
        let organs = self.committee(Some(&c), format!("{place}直属机关工委"), &format!("{place}委"), "organ");
        self.fill(&organs, Sector::Organs, &place, &towns, budget * 12 / 100, 0);
        let edu = self.committee(Some(&c), format!("{place}教育局党委"), &format!("{place}教育局"), "organ");
        self.fill(&edu, Sector::Education, &place, &towns, budget * 16 / 100, 0);
        let health =
            self.committee(Some(&c), format!("{place}卫生健康委员会党委"), &format!("{place}卫生健康委员会"), "organ");
        self.fill(&health, Sector::Health, &place, &towns, budget * 8 / 100, 0);
        for k in 0..2 {
            let company = format!("{place}{}", COMPANY_KINDS[(k + budget) % COMPANY_KINDS.len()]);
            let e = self.committee(Some(&c), format!("{company}党委"), &company, "enterprise");
            self.fill(&e, Sector::Enterprise, &company, &towns, budget * [5, 4][k] / 100, 0);
        }
        let rest = budget * 55 / 100;
        let per_town = rest / towns.len();
        for t in &towns {
            let name = if district { format!("{t}党工委") } else { format!("{t}党委") };
            let tn = self.committee(Some(&c), name, t, "organ");
            let budget = self.tri(per_town * 7 / 10, per_town, per_town * 13 / 10);
            self.fill(&tn, Sector::Town { district }, t, &towns, budget, 0);
        }
    }

    /// The city's own committees: organs, education, health, enterprises.
    fn city_level(&mut self, city: &Node, place: &str, budget: usize) {
        let organs = self.committee(Some(city), format!("{place}直属机关工委"), &format!("{place}委"), "organ");
        self.fill(&organs, Sector::Organs, place, &[], budget * 30 / 100, 1);
        let edu = self.committee(Some(city), format!("{place}教育局党委"), &format!("{place}教育局"), "organ");
        self.fill(&edu, Sector::Education, place, &[format!("{place}城区")], budget * 20 / 100, 1);
        let health = self.committee(
            Some(city),
            format!("{place}卫生健康委员会党委"),
            &format!("{place}卫生健康委员会"),
            "organ",
        );
        self.fill(&health, Sector::Health, place, &[], budget * 15 / 100, 1);
        let sasac = self.committee(Some(city), format!("{place}国资委党委"), &format!("{place}国资委"), "organ");
        for kind in &COMPANY_KINDS[..3] {
            let company = format!("{place}{kind}");
            self.fill(&sasac, Sector::Enterprise, &company, &[], budget * 35 / 300, 1);
        }
    }

    /// The province's own committees: organs and universities.
    fn province_level(&mut self, root: &Node, budget: usize) {
        let organs = self.committee(Some(root), "省直机关工委".into(), "省委", "organ");
        self.fill(&organs, Sector::Organs, "省", &[], budget * 40 / 100, 2);
        let edu = self.committee(Some(root), "省委教育工委".into(), "省教育厅", "organ");
        let per = budget * 60 / 100 / UNIVERSITIES.len();
        for u in UNIVERSITIES {
            let c = self.committee(Some(&edu), format!("{u}党委"), u, "public_school");
            self.fill(&c, Sector::University, u, &[], per, 2);
        }
    }

    fn run(&mut self, s: &Shape) {
        let root = if s.province {
            self.committee(None, "省委".into(), "省委", "organ")
        } else {
            self.committee(None, format!("{}市委", CITIES[0]), &format!("{}市委", CITIES[0]), "organ")
        };
        self.out.root_id = root.id;
        self.out.root_path = root.path.clone();
        self.out.root_term_start = root.term_start.clone();
        if s.province {
            self.start_area(format!("{PROVINCE}0101"));
            self.province_level(&root, s.province_members);
        }
        for c in 0..s.cities {
            if self.stopped {
                return;
            }
            let place = format!("{}市", CITIES[c % CITIES.len()]);
            let city = if s.province {
                self.committee(Some(&root), format!("{place}委"), &format!("{place}委"), "organ")
            } else {
                root.clone()
            };
            let code = format!("{PROVINCE}{:02}", c + 1);
            let counties = self.rng.gen_range(s.counties.0..=s.counties.1);
            self.start_area(format!("{code}02"));
            let budget = self.rng.gen_range(s.area_members.0..=s.area_members.1);
            self.city_level(&city, &place, budget);
            let names = self.place_names(counties);
            for (j, name) in names.iter().enumerate() {
                // Districts first (03…), then counties (21…): area codes only grow, so the
                // ID numbers of one area are unique with the counters of that area alone.
                let district = j < counties / 3;
                let suffix = if district { j + 3 } else { j + 21 };
                self.start_area(format!("{code}{suffix:02}"));
                let budget = self.rng.gen_range(s.area_members.0..=s.area_members.1);
                self.county(&city, name, district, budget);
            }
        }
    }
}

/// Generates the city or province demo as of `as_of`, handing each record to `sink` in load
/// order; stops early when `sink` returns false. Deterministic: the same scale and date give
/// the same records. `None` for the county and tiny scales, which are not built here.
pub fn generate(scale: Scale, as_of: NaiveDate, sink: &mut dyn FnMut(Record) -> bool) -> Option<Outline> {
    let shape = shape(scale)?;
    let surnames = WeightedIndex::new(SURNAMES.iter().map(|s| s.1)).ok()?;
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(SEED),
        as_of,
        sink,
        stopped: false,
        next_org: 1,
        next_member: 1,
        next_post: 1,
        area: String::new(),
        seq_base: 0,
        seqs: HashMap::new(),
        pending: Vec::new(),
        surnames,
        out: Outline::default(),
    };
    g.run(&shape);
    Some(g.out)
}

/// Records are sent from the generating thread to the loader in batches of this many.
const BATCH: usize = 4_096;

impl Services {
    /// The city and province demos: generated on a blocking thread, loaded in bulk, then one
    /// `demo.seed` audit entry and the demo accounts, as for the county demo.
    pub(super) async fn seed_large_demo(&self, scale: Scale, as_of: NaiveDate) -> Result<DemoSummary> {
        let mut loader = Loader::begin(&self.db).await.map_err(|e| match e {
            StorageError::Conflict(_) => {
                ServiceError::Conflict("数据库中已有组织数据，演示数据只能装入空数据库".into())
            }
            e => e.into(),
        })?;
        let (send, mut recv) = tokio::sync::mpsc::channel::<Vec<Record>>(8);
        let producer = tokio::task::spawn_blocking(move || {
            let mut batch = Vec::with_capacity(BATCH);
            let outline = generate(scale, as_of, &mut |r| {
                batch.push(r);
                batch.len() < BATCH
                    || send.blocking_send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_ok()
            });
            if !batch.is_empty() {
                let _ = send.blocking_send(batch);
            }
            outline
        });
        let mut loaded: std::result::Result<(), StorageError> = Ok(());
        let mut members = 0usize;
        'recv: while let Some(batch) = recv.recv().await {
            for r in batch {
                let step = match r {
                    Record::Org(o) => loader.org(o).await,
                    Record::Member(m) => {
                        members += 1;
                        if members.is_multiple_of(500_000) {
                            tracing::info!("demo: {members} members loaded");
                        }
                        loader.member(*m).await
                    }
                    Record::Post(p) => loader.post(p).await,
                };
                if let Err(e) = step {
                    loaded = Err(e);
                    break 'recv;
                }
            }
        }
        drop(recv);
        let outline = producer.await.map_err(|e| ServiceError::Internal(format!("demo generator: {e}")))?;
        // On failure the loader is dropped, which rolls the whole load back.
        loaded?;
        let Some(outline) = outline else {
            return Err(ServiceError::Internal("no generator for this demo scale".into()));
        };
        let stats = loader.finish().await?;
        tracing::info!("demo: loaded {stats:?}");

        // The year before `as_of` of organizational life, generated in the database in one more
        // transaction. Attendance rows are the bulk (some 800 per branch a year): the city gets
        // them for every branch; the province for one branch in 20 (about 7 million rows instead
        // of 140 million, which would take most of an hour to write and some 20 GB), enough for
        // the attendance-based rules (quorum, CON-LAPSE) to have data everywhere in the tree.
        let (lo, hi) = domain::org::OrgPath::parse(&outline.root_path)
            .map_err(|e| ServiceError::Internal(format!("demo root path: {e}")))?
            .subtree_bounds();
        let (attendance_every, no_quorum, lapsed) = match scale {
            Scale::Province => (20, 40, 20),
            _ => (1, 6, 3),
        };
        let plan = storage::bulk_life::LifePlan {
            lo,
            hi,
            months: super::demo_months(as_of, false),
            attendance_every,
            no_quorum,
            lapsed,
            now: storage::now_ms(),
        };
        let started = std::time::Instant::now();
        let mut tx = self.db.begin().await?;
        let life = storage::bulk_life::generate(&mut tx, &plan).await?;
        if self.db.kind() == storage::DbKind::Postgres {
            storage::bulk::commit_synchronously(&mut tx).await?;
        }
        tx.commit().await?;
        storage::bulk_life::analyze(&self.db).await?;
        tracing::info!(
            "demo: {} meetings, {} attendance rows in {:.1} s",
            life.meetings,
            life.attendance,
            started.elapsed().as_secs_f64()
        );

        let actor = console_actor();
        let mut tx = self.db.begin().await?;
        self.audit(
            &mut tx,
            &actor,
            Entry {
                action: "demo.seed",
                entity: "org",
                entity_id: Some(outline.root_id),
                org_path: Some(outline.root_path.clone()),
                before: None,
                after: Some(serde_json::json!({
                    "orgs": outline.orgs, "members": outline.members,
                    "meetings": life.meetings, "attendance": life.attendance
                })),
            },
        )
        .await?;
        tx.commit().await?;

        // Demo accounts, one per role as in the county demo (same user names), each with a
        // random password printed once.
        let level = if scale == Scale::Province { "省委" } else { "市委" };
        type Spec<'a> = (&'a str, String, RoleKind, Option<i64>, Option<i64>);
        let specs: Vec<Spec> = vec![
            ("sysadmin", "系统管理员（演示）".into(), RoleKind::SystemAdmin, None, None),
            ("jiaoyuju", format!("{level}组织部组织干事（演示）"), RoleKind::OrgAdmin, Some(outline.root_id), None),
            ("zongzhi", "党总支管理员（演示）".into(), RoleKind::OrgAdmin, outline.first_general_branch, None),
            (
                "dangwu1",
                "第一支部党务工作者".into(),
                RoleKind::PartyWorker,
                outline.first_branches.first().copied(),
                None,
            ),
            (
                "dangwu2",
                "第二支部党务工作者".into(),
                RoleKind::PartyWorker,
                outline.first_branches.get(1).copied(),
                None,
            ),
            ("dangyuan", "党员（演示）".into(), RoleKind::Member, None, outline.first_member),
        ];
        let mut accounts = Vec::new();
        for (username, display, role, org_id, member_id) in specs {
            let password = generate_password();
            self.create_account(
                &actor,
                NewAccount {
                    username: username.into(),
                    display_name: display,
                    password: password.clone(),
                    member_id,
                    must_change_password: false,
                    roles: vec![RoleGrant { role, org_id }],
                },
            )
            .await?;
            accounts.push(DemoAccount { username: username.into(), password, role: role.label().into() });
        }
        Ok(DemoSummary {
            orgs: outline.orgs,
            members: outline.members,
            meetings: life.meetings,
            attendance: life.attendance,
            accounts,
        })
    }
}
