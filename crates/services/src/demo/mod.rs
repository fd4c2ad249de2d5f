//! Demo data: a realistic, deterministic (seeded) county education system, so that a new
//! user sees a working site on first run. Members are generated as raw forms and pass the same
//! validation as typed ones, so the demo never holds data the product would refuse.
//!
//! The city and province demos ([`Scale::City`], [`Scale::Province`]) are built by
//! [`large`] and bulk-loaded; the county and tiny demos below go through the ordinary inserts.

use crate::accounts::{NewAccount, RoleGrant, generate_password};
use crate::{Entry, Result, ServiceError, Services, console_actor};
use chrono::{Datelike, Months, NaiveDate};
use domain::dates::Iso;
use domain::member::{IdNumber, MemberInput};
use domain::scope::RoleKind;
use large::vocabulary::given_name;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use storage::member::{self, Placement};
use storage::org::{self, OrgFields, OrgRow};

mod contest;
pub mod large;

/// How big a demo to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// A county education bureau: ~120 branches, ~3,000 members.
    County,
    /// A handful of orgs and members, for tests.
    Tiny,
    /// A city committee: ~50,000 members in ~1,500 branches, bulk-loaded.
    City,
    /// A province committee: ~5,000,000 members, ~300,000 orgs, bulk-loaded.
    Province,
}

impl Scale {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "county" => Some(Self::County),
            "tiny" => Some(Self::Tiny),
            "city" => Some(Self::City),
            "province" => Some(Self::Province),
            _ => None,
        }
    }
}

/// A demo account and its one-time password, printed once.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub password: String,
    pub role: String,
}

#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub orgs: usize,
    pub members: usize,
    /// Organizational-life records and their attendance rows.
    pub meetings: u64,
    pub attendance: u64,
    pub accounts: Vec<DemoAccount>,
}

/// The months the demo's organizational-life records cover: the whole calendar year before
/// `as_of`'s (so a check of that year as of `as_of` sees every period over), and with
/// `this_year` also the months of `as_of`'s year that are over, so the current year's pages show
/// records too. Every record is dated before `as_of`.
pub fn demo_months(as_of: NaiveDate, this_year: bool) -> Vec<(i32, u32)> {
    let mut months: Vec<(i32, u32)> = (1..=12).map(|m| (as_of.year() - 1, m)).collect();
    if this_year {
        months.extend((1..as_of.month()).map(|m| (as_of.year(), m)));
    }
    months
}

/// The months the demos' dues are paid for: the year before `as_of` and this year's months that
/// are over (a province only this year's: its payments are tens of millions of rows).
pub fn dues_months(as_of: NaiveDate, province: bool) -> Vec<(i32, u32)> {
    let this_year: Vec<(i32, u32)> = (1..as_of.month()).map(|m| (as_of.year(), m)).collect();
    if province && !this_year.is_empty() { this_year } else { demo_months(as_of, true) }
}

/// What the county and tiny demos' records hold besides the regular meetings: two 支委会 without
/// quorum and one member who lapses (see [`storage::bulk_life`]).
fn county_life_plan(root: &OrgRow, as_of: NaiveDate) -> Result<storage::bulk_life::LifePlan> {
    let (lo, hi) = root.org_path()?.subtree_bounds();
    Ok(storage::bulk_life::LifePlan {
        lo,
        hi,
        months: demo_months(as_of, true),
        attendance_every: 1,
        no_quorum: 2,
        lapsed: 1,
        now: storage::now_ms(),
    })
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾",
    "彭", "吕",
];
const TOWNS: &[&str] = &[
    "城关镇",
    "东关",
    "西关",
    "南街",
    "北关",
    "柳林镇",
    "石桥镇",
    "清河镇",
    "杨庄乡",
    "李集镇",
    "王店乡",
    "马头镇",
    "新华",
    "朝阳",
    "红旗",
    "实验",
    "育才",
    "光明",
    "胜利",
    "和平",
];
/// Area code of the demo county (a 6-digit code under province 41, 河南).
const AREA: &str = "410523";

struct Gen {
    rng: ChaCha8Rng,
    as_of: NaiveDate,
    seq: u16,
    used_ids: std::collections::HashSet<String>,
}

impl Gen {
    /// A name that fits the gender: the last character from the given names of men or of
    /// women, the first (of two) from either or from names used for both.
    fn name(&mut self, female: bool) -> String {
        let s = SURNAMES.choose(&mut self.rng).copied().unwrap_or("王");
        format!("{s}{}", given_name(&mut self.rng, female, 0.7))
    }

    /// One member as a raw form, as a party worker would type it.
    fn member(&mut self, retired_share: f64) -> Option<MemberInput> {
        let retired = self.rng.gen_bool(retired_share);
        let female = self.rng.gen_bool(if retired { 0.45 } else { 0.62 });
        let age = if retired { self.rng.gen_range(60..=86) } else { self.rng.gen_range(23..=59) };
        let birth = date_between(
            &mut self.rng,
            years_ago(self.as_of, age + 1) + chrono::Days::new(1),
            years_ago(self.as_of, age),
        );
        // Sequence digits: odd 3rd digit for men, even for women (GB 11643).
        let id = loop {
            self.seq = self.seq.wrapping_add(7) % 1000;
            let s = (self.seq / 2) * 2 + u16::from(!female);
            let id = IdNumber::from_parts(AREA, birth, s % 1000)?;
            if self.used_ids.insert(id.as_str().to_string()) {
                break id;
            }
        };
        // Joined between 20 and 45, but not in the future; recent joiners are probationary.
        let earliest = birth.checked_add_months(Months::new(12 * 20))?;
        let latest = birth.checked_add_months(Months::new(12 * 45))?.min(self.as_of);
        let probationary = !retired && self.rng.gen_bool(0.05);
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
        let status = if probationary { "probationary" } else { "full" };
        let confirmed = (!probationary).then(|| domain::member::probation_end(joined, None));
        let education = if retired {
            ["21", "22", "41", "61"].choose(&mut self.rng).copied()
        } else {
            ["21", "21", "21", "21", "22", "22", "12", "12", "41"].choose(&mut self.rng).copied()
        };
        let degree = match education {
            Some("12") => "硕士",
            Some("21") => "学士",
            _ => "",
        };
        let phone = format!(
            "1{}{:09}",
            ["38", "39", "50", "58", "86", "87", "35"].choose(&mut self.rng).copied().unwrap_or("38"),
            self.rng.gen_range(0..1_000_000_000u64)
        );
        let ethnicity =
            if self.rng.gen_bool(0.96) { "01" } else { ["03", "11", "08"].choose(&mut self.rng).copied()? };
        let post = if retired {
            "退休"
        } else {
            ["专任教师", "专任教师", "专任教师", "班主任", "教研组长", "中层干部", "校级领导", "教辅人员"]
                .choose(&mut self.rng)
                .copied()
                .unwrap_or("专任教师")
        };
        Some(MemberInput {
            name: self.name(female),
            gender: if female { "female".into() } else { "male".into() },
            ethnicity: ethnicity.into(),
            birth_date: birth.iso(),
            id_number: id.as_str().to_string(),
            phone: phone[..11].to_string(),
            education: education.unwrap_or("21").into(),
            degree: degree.into(),
            occupation: if retired { "retired".into() } else { "professional_technical".into() },
            post: post.into(),
            unit_name: String::new(),
            joined_on: joined.iso(),
            confirmed_on: confirmed.map(|d| d.iso()).unwrap_or_default(),
            status: status.into(),
            dues_category: if retired { "retired".into() } else { "employed".into() },
            ..Default::default()
        })
    }
}

struct Plan {
    name: String,
    unit: String,
    unit_kind: &'static str,
    members: usize,
    groups: usize,
}

/// The demo's study and training: the year of `as_of` and the one before.
pub(crate) fn training_plan(
    lo: &str,
    hi: &str,
    as_of: NaiveDate,
    rotation_tenths: i64,
) -> storage::bulk_training::TrainingPlan {
    storage::bulk_training::TrainingPlan {
        lo: lo.to_string(),
        hi: hi.to_string(),
        years: vec![as_of.year() - 1, as_of.year()],
        as_of,
        rotation_tenths,
        now: storage::now_ms(),
    }
}

impl Services {
    /// Fills an empty database with the demo. Refuses when any org exists already.
    pub async fn seed_demo(&self, scale: Scale, as_of: NaiveDate) -> Result<DemoSummary> {
        if matches!(scale, Scale::City | Scale::Province) {
            return self.seed_large_demo(scale, as_of).await;
        }
        if !org::list(&self.db, &domain::scope::Scope::everything(), None, true).await?.is_empty() {
            return Err(ServiceError::Conflict("数据库中已有组织数据，演示数据只能装入空数据库".into()));
        }
        let mut g = Gen { rng: ChaCha8Rng::seed_from_u64(20_180_828), as_of, seq: 0, used_ids: Default::default() };
        let actor = console_actor();
        let mut tx = self.db.begin().await?;
        let mut org_count = 0usize;
        let mut member_count = 0usize;
        let term = |g: &mut Gen, years: i64| -> (Option<String>, Option<i64>) {
            let start = date_between(&mut g.rng, years_ago(g.as_of, 4), years_ago(g.as_of, 0) - chrono::Days::new(60));
            (Some(start.iso()), Some(years))
        };
        let (ts, ty) = term(&mut g, 5);
        let root = org::insert(
            &mut tx,
            None,
            &OrgFields {
                name: "县教育局党委".into(),
                kind: "committee".into(),
                unit_name: "县教育局".into(),
                unit_kind: "organ".into(),
                established_on: Some("1985-07-01".into()),
                term_start_on: ts,
                term_years: ty,
            },
        )
        .await?;
        org_count += 1;

        let (n_general, n_direct) = match scale {
            Scale::County => (4usize, 108usize),
            // City and Province were handed to `seed_large_demo` above.
            Scale::Tiny | Scale::City | Scale::Province => (1, 2),
        };
        let mut branches: Vec<(OrgRow, Plan, Option<usize>)> = Vec::new();
        let high_schools = ["县第一高级中学", "县第二高级中学", "县职业教育中心", "县实验中学"];
        for i in 0..n_general {
            let school = high_schools[i % high_schools.len()];
            let (ts, ty) = term(&mut g, 3);
            let gb = org::insert(
                &mut tx,
                Some(&root),
                &OrgFields {
                    name: format!("{school}党总支"),
                    kind: "general_branch".into(),
                    unit_name: school.into(),
                    unit_kind: "public_school".into(),
                    established_on: Some("1998-06-30".into()),
                    term_start_on: ts,
                    term_years: ty,
                },
            )
            .await?;
            org_count += 1;
            let sub = if scale == Scale::Tiny { 2 } else { 4 };
            for (j, part) in ["高一年级", "高二年级", "高三年级", "行政后勤"].iter().take(sub).enumerate()
            {
                let members = if scale == Scale::Tiny { 8 } else { g.rng.gen_range(22..=46) };
                let plan = Plan {
                    name: format!("{school}{part}党支部"),
                    unit: school.to_string(),
                    unit_kind: "public_school",
                    members,
                    groups: if j < 3 { 2 } else { 1 },
                };
                let b = self.demo_branch(&mut tx, &mut g, &gb, &plan).await?;
                org_count += 1;
                branches.push((b, plan, None));
            }
        }
        for i in 0..n_direct {
            let town = TOWNS[i % TOWNS.len()];
            let (unit, unit_kind, members, groups) = match i % 8 {
                0..=2 => (format!("{town}中心小学"), "public_school", g.rng.gen_range(15..=36), 2),
                3 | 4 => (format!("{town}初级中学"), "public_school", g.rng.gen_range(18..=44), 2),
                5 => (format!("{town}幼儿园"), "kindergarten", g.rng.gen_range(5..=14), 0),
                6 => (format!("{town}第二小学"), "public_school", g.rng.gen_range(10..=26), 1),
                _ => (format!("{town}育英学校"), "private_school", g.rng.gen_range(6..=18), 0),
            };
            let unit = if i >= TOWNS.len() { format!("{unit}{}", i / TOWNS.len() + 1) } else { unit };
            let members = if scale == Scale::Tiny { 6 } else { members };
            let plan = Plan { name: format!("{unit}党支部"), unit, unit_kind, members, groups };
            let b = self.demo_branch(&mut tx, &mut g, &root, &plan).await?;
            org_count += 1;
            branches.push((b, plan, None));
        }
        // Bureau staff: a branch directly under the committee.
        let plan = Plan {
            name: "县教育局机关党支部".into(),
            unit: "县教育局".into(),
            unit_kind: "organ",
            members: if scale == Scale::Tiny { 6 } else { 34 },
            groups: 2,
        };
        let organ_branch = self.demo_branch(&mut tx, &mut g, &root, &plan).await?;
        org_count += 1;
        branches.push((organ_branch, plan, None));

        let mut first_member_of_first_branch = None;
        // The branch secretaries, in order: the first five also sit on the committee's own
        // committee (a secretary, a deputy and three officers), so its meetings and its study
        // group are a committee's, not one person's.
        let mut branch_secretaries: Vec<(i64, String)> = Vec::new();
        for (b, plan, _) in &branches {
            let mut group_ids = Vec::new();
            for k in 0..plan.groups {
                let grp = org::insert(
                    &mut tx,
                    Some(b),
                    &OrgFields {
                        name: format!("第{}党小组", ["一", "二", "三"][k % 3]),
                        kind: "group".into(),
                        unit_name: plan.unit.clone(),
                        unit_kind: plan.unit_kind.into(),
                        established_on: b.established_on.map(|d| d.to_string()),
                        term_start_on: None,
                        term_years: None,
                    },
                )
                .await?;
                org_count += 1;
                group_ids.push(grp.id);
            }
            let retired_share = if plan.unit_kind == "organ" { 0.05 } else { 0.12 };
            let mut full_ids = Vec::new();
            let mut made = 0;
            while made < plan.members {
                let Some(input) = g.member(retired_share) else { continue };
                let Ok(fields) = input.validate(as_of) else { continue };
                let mut data = crate::members::to_data(&fields);
                data.unit_name = Some(plan.unit.clone());
                let group_id = if group_ids.is_empty() { None } else { Some(group_ids[made % group_ids.len()]) };
                let placement = Placement { branch_id: b.id, branch_path: b.path.clone(), group_id };
                let id = member::insert(&mut tx, &data, &placement, &data.joined_on).await?;
                if data.status == "full" {
                    full_ids.push((id, data.joined_on.clone()));
                }
                if first_member_of_first_branch.is_none() {
                    first_member_of_first_branch = Some(id);
                }
                made += 1;
                member_count += 1;
            }
            // A few members who left the registry, kept for history.
            if scale == Scale::County
                && g.rng.gen_bool(0.15)
                && let Some(input) = g.member(0.0)
                && let Ok(fields) = input.validate(as_of)
            {
                let mut data = crate::members::to_data(&fields);
                data.status =
                    ["transferred_out", "deceased"].choose(&mut g.rng).copied().unwrap_or("transferred_out").into();
                let placement = Placement { branch_id: b.id, branch_path: b.path.clone(), group_id: None };
                member::insert(&mut tx, &data, &placement, &data.joined_on).await?;
                member_count += 1;
            }
            // Posts: a secretary everywhere; a committee of officers where ≥7 full members
            // (ORG-COMMITTEE).
            let posts: &[&str] = if full_ids.len() >= 7 {
                &["secretary", "organization_officer", "publicity_officer", "discipline_officer"]
            } else {
                &["secretary"]
            };
            let start = b.term_start_on.map(|d| d.to_string()).unwrap_or_else(|| "2023-01-01".into());
            for (k, post) in posts.iter().enumerate() {
                if let Some((mid, joined)) = full_ids.get(k) {
                    let start = if *joined > start { joined.clone() } else { start.clone() };
                    org::insert_post(&mut tx, b.id, *mid, post, &start).await?;
                    if *post == "secretary" {
                        branch_secretaries.push((*mid, joined.clone()));
                    }
                }
            }
        }
        let committee_posts =
            ["secretary", "deputy_secretary", "organization_officer", "publicity_officer", "discipline_officer"];
        // They served the term before too (re-elected), so the committee's records of the year
        // before this term have their committee.
        let served_from = years_ago(as_of, 3).iso();
        for (post, (mid, joined)) in committee_posts.iter().zip(&branch_secretaries) {
            let start = if *joined > served_from { joined.clone() } else { served_from.clone() };
            org::insert_post(&mut tx, root.id, *mid, post, &start).await?;
        }
        // A year and more of organizational life, written in bulk in the same transaction.
        let started = std::time::Instant::now();
        let life = storage::bulk_life::generate(&mut tx, &county_life_plan(&root, as_of)?).await?;
        switch_on_local_rule_sets(&mut tx, root.id, &root.path, as_of).await?;
        tracing::info!(
            "demo: {} meetings, {} attendance rows in {:.2} s",
            life.meetings,
            life.attendance,
            started.elapsed().as_secs_f64()
        );
        let (lo, hi) = root.org_path()?.subtree_bounds();
        let dues_plan =
            storage::bulk_dues::DuesPlan { lo, hi, months: demo_months(as_of, true), every: 1, now: storage::now_ms() };
        let dues = storage::bulk_dues::generate(&mut tx, &dues_plan).await?;
        tracing::info!("demo: {dues:?}");
        let transfers =
            storage::bulk_transfers::generate(&mut tx, &dues_plan.lo, &dues_plan.hi, as_of, storage::now_ms()).await?;
        tracing::info!("demo: {transfers:?}");
        let decisions =
            storage::bulk_decisions::generate(&mut tx, &dues_plan.lo, &dues_plan.hi, as_of, storage::now_ms()).await?;
        // Every term starts from an election on record (storage::election).
        storage::election::record_terms(&mut tx, &dues_plan.lo, &dues_plan.hi).await?;
        // People in recruitment at every stage (storage::bulk_recruits).
        let recruits =
            storage::bulk_recruits::generate(&mut tx, &dues_plan.lo, &dues_plan.hi, as_of, storage::now_ms()).await?;
        tracing::info!("demo: {recruits:?} in recruitment");
        tracing::info!("demo: {decisions} decisions on membership and discipline");
        let training =
            storage::bulk_training::generate(&mut tx, &training_plan(&dues_plan.lo, &dues_plan.hi, as_of, 240)).await?;
        tracing::info!("demo: {training:?}");
        let matters =
            storage::bulk_major_decisions::generate(&mut tx, &dues_plan.lo, &dues_plan.hi, storage::now_ms()).await?;
        tracing::info!("demo: {matters} 三重一大 matters");
        let reports =
            storage::bulk_reports::generate(&mut tx, &dues_plan.lo, &dues_plan.hi, as_of, storage::now_ms()).await?;
        tracing::info!("demo: {reports} requests and reports");
        let positions =
            storage::bulk_positions::generate(&mut tx, &dues_plan.lo, &dues_plan.hi, as_of, storage::now_ms()).await?;
        tracing::info!("demo: {positions} ideological positions");
        let events =
            storage::bulk_positions::generate_events(&mut tx, &dues_plan.lo, &dues_plan.hi, as_of, storage::now_ms())
                .await?;
        tracing::info!("demo: {events} events on the ideological front");
        let units =
            storage::bulk_units::generate(&mut tx, &dues_plan.lo, &dues_plan.hi, as_of, storage::now_ms()).await?;
        tracing::info!("demo: {units:?}");
        // The knowledge contest: a bank, a past contest and one open today (demo::contest).
        let contests = contest::seed(
            &mut tx,
            (root.id, &root.path),
            &dues_plan.lo,
            &dues_plan.hi,
            as_of,
            first_member_of_first_branch,
        )
        .await?;
        tracing::info!(
            "demo: a bank of {} questions, {} contests, {} papers",
            contests.questions,
            contests.contests,
            contests.submissions
        );
        self.audit(
            &mut tx,
            &actor,
            Entry {
                action: "demo.seed",
                entity: "org",
                entity_id: Some(root.id),
                org_path: Some(root.path.clone()),
                before: None,
                after: Some(serde_json::json!({
                    "orgs": org_count, "members": member_count, "meetings": life.meetings, "attendance": life.attendance
                })),
            },
        )
        .await?;
        tx.commit().await?;

        // Demo accounts, one per role, each with a random password printed once.
        let first_branch = branches.first().map(|(b, _, _)| b.id);
        let second_branch = branches.get(1).map(|(b, _, _)| b.id);
        let gb_id = org::list(&self.db, &domain::scope::Scope::everything(), None, false)
            .await?
            .into_iter()
            .find(|o| o.kind == domain::org::OrgKind::GeneralBranch)
            .map(|o| o.id);
        type Spec<'a> = (&'a str, &'a str, RoleKind, Option<i64>, Option<i64>);
        let specs: Vec<Spec> = vec![
            ("sysadmin", "系统管理员（演示）", RoleKind::SystemAdmin, None, None),
            ("jiaoyuju", "教育局党委组织干事", RoleKind::OrgAdmin, Some(root.id), None),
            ("zongzhi", "党总支管理员", RoleKind::OrgAdmin, gb_id, None),
            ("dangwu1", "第一支部党务工作者", RoleKind::PartyWorker, first_branch, None),
            ("dangwu2", "第二支部党务工作者", RoleKind::PartyWorker, second_branch, None),
            ("dangyuan", "党员（演示）", RoleKind::Member, None, first_member_of_first_branch),
        ];
        let mut accounts = Vec::new();
        for (username, display, role, org_id, member_id) in specs {
            let password = generate_password();
            self.create_account(
                &actor,
                NewAccount {
                    username: username.into(),
                    display_name: display.into(),
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
            orgs: org_count,
            members: member_count,
            meetings: life.meetings,
            attendance: life.attendance,
            accounts,
        })
    }

    async fn demo_branch(&self, tx: &mut storage::Tx, g: &mut Gen, parent: &OrgRow, plan: &Plan) -> Result<OrgRow> {
        let start = date_between(&mut g.rng, years_ago(g.as_of, 4), years_ago(g.as_of, 0) - chrono::Days::new(30));
        let established = NaiveDate::from_ymd_opt(g.rng.gen_range(1990..=2018), g.rng.gen_range(1..=12), 1)
            .unwrap_or(NaiveDate::MIN)
            .with_day(1)
            .unwrap_or(NaiveDate::MIN);
        Ok(org::insert(
            tx,
            Some(parent),
            &OrgFields {
                name: plan.name.clone(),
                kind: "branch".into(),
                unit_name: plan.unit.clone(),
                unit_kind: plan.unit_kind.into(),
                established_on: Some(established.iso()),
                term_start_on: Some(start.iso()),
                term_years: Some(3),
            },
        )
        .await?)
    }
}

/// The local rule sets the demo's committee has switched on since the first day of the demo's
/// records, so that the school, study and ideological-work rules (SZK-LECTURE, STUDY-GROUP,
/// IDEOLOGY-RESP) judge the demo's gaps; and the sensitive days of both years (early June and
/// the National Day holiday) that the demo's events on those days were approved for.
pub(crate) async fn switch_on_local_rule_sets(
    tx: &mut storage::Tx,
    root_id: i64,
    root_path: &str,
    as_of: NaiveDate,
) -> Result<()> {
    use domain::family::org_life::{LOCAL_IDEOLOGY_LESSON, LOCAL_IDEOLOGY_STUDY, LOCAL_STUDY_GROUP};
    let from = format!("{:04}-01-01", as_of.year() - 1);
    for name in [LOCAL_IDEOLOGY_LESSON, LOCAL_IDEOLOGY_STUDY, LOCAL_STUDY_GROUP] {
        let key = domain::settings::rule_set_key(name);
        storage::settings::insert(tx, root_id, root_path, key, "on", &from, 0).await?;
    }
    let days = (as_of.year() - 1..=as_of.year())
        .map(|y| format!("{y:04}-06-01..{y:04}-06-05、{y:04}-10-01..{y:04}-10-07"))
        .collect::<Vec<_>>()
        .join("、");
    storage::settings::insert(tx, root_id, root_path, domain::settings::IDEOLOGY_SENSITIVE_DAYS, &days, &from, 0)
        .await?;
    Ok(())
}

/// A day from `from` to `to` (both included), uniformly; `from` when the range is empty.
pub(crate) fn date_between(rng: &mut impl Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + chrono::Days::new(rng.gen_range(0..=span) as u64)
}

/// The day `years` years before `as_of` (29 February falls back to the 28th).
pub(crate) fn years_ago(as_of: NaiveDate, years: u32) -> NaiveDate {
    as_of.checked_sub_months(Months::new(12 * years)).unwrap_or(as_of)
}
