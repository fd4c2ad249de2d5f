//! The generator of the city and province demos: the tree, unit by unit, and the members of
//! each branch, emitted as a stream of records in load order.

use super::vocabulary::*;
use super::*;
use chrono::Datelike;

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
                (est.map(|d| d.iso()).unwrap_or_default(), start.iso(), Some(3))
            }
            "general_branch" => {
                let est = NaiveDate::from_ymd_opt(self.rng.gen_range(1985..=2015), self.rng.gen_range(1..=12), 1);
                let start = date_between(&mut self.rng, years_ago(self.as_of, 4), self.as_of - chrono::Days::new(60));
                (est.map(|d| d.iso()).unwrap_or_default(), start.iso(), Some(3))
            }
            _ => {
                let est = NaiveDate::from_ymd_opt(self.rng.gen_range(1949..=2000), self.rng.gen_range(1..=12), 1);
                let start = date_between(&mut self.rng, years_ago(self.as_of, 4), self.as_of - chrono::Days::new(60));
                (est.map(|d| d.iso()).unwrap_or_default(), start.iso(), Some(5))
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
        format!("{s}{}", given_name(&mut self.rng, female, 0.72))
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
                self.as_of - chrono::Days::new(60),
            )
        } else {
            let latest = latest.min(years_ago(self.as_of, 1) - chrono::Days::new(31));
            if latest <= earliest {
                return None;
            }
            date_between(&mut self.rng, earliest, latest)
        };
        // A probationary member came through recruitment (storage::bulk_recruits writes the path
        // that admitted them, applying some two years before): old enough to have applied at 18
        // by then, and admitted 60 days or more before the demo's date, so that the statistics'
        // check "every admission has its recruitment record" holds for the demo.
        if joined < earliest || probationary && birth.year() > joined.year() - 21 {
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
            birth_date: birth.iso(),
            id_number: id.as_str().to_string(),
            phone,
            education: education.into(),
            degree: degree.into(),
            occupation: occupation.into(),
            post: post.to_string(),
            unit_name: unit.into(),
            joined_on: joined.iso(),
            confirmed_on: confirmed.map(|d| d.iso()).unwrap_or_default(),
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
