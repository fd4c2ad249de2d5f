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

mod generator;
pub(super) mod vocabulary;

pub use generator::generate;

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
        super::switch_on_local_rule_sets(&mut tx, outline.root_id, &outline.root_path, as_of).await?;
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
        // Dues: every member's base and the months' payments with their gaps, generated in the
        // database a chunk of members to a transaction (see storage::bulk_dues).
        let started = std::time::Instant::now();
        let dues_plan = storage::bulk_dues::DuesPlan {
            lo: plan.lo.clone(),
            hi: plan.hi.clone(),
            months: super::dues_months(as_of, scale == Scale::Province),
            every: 1,
            now: storage::now_ms(),
        };
        let dues = storage::bulk_dues::generate_chunked(&self.db, &dues_plan).await?;
        storage::bulk_dues::analyze(&self.db).await?;
        // Transfers in each state (storage::bulk_transfers), a few per thousand members.
        let mut tx = self.db.begin().await?;
        let transfers =
            storage::bulk_transfers::generate(&mut tx, &dues_plan.lo, &dues_plan.hi, as_of, storage::now_ms()).await?;
        // Decisions on membership and discipline (storage::bulk_decisions).
        let decisions =
            storage::bulk_decisions::generate(&mut tx, &dues_plan.lo, &dues_plan.hi, as_of, storage::now_ms()).await?;
        // Every term starts from an election on record (storage::election).
        storage::election::record_terms(&mut tx, &dues_plan.lo, &dues_plan.hi).await?;
        // People in recruitment at every stage (storage::bulk_recruits).
        let recruits =
            storage::bulk_recruits::generate(&mut tx, &dues_plan.lo, &dues_plan.hi, as_of, storage::now_ms()).await?;
        tracing::info!("demo: {recruits:?} in recruitment");
        // Study and training (storage::bulk_training): the province records fewer lectures' attendance,
        // so its rotation training carries the year.
        let rotation = if scale == Scale::Province { 320 } else { 240 };
        let training = storage::bulk_training::generate(
            &mut tx,
            &super::training_plan(&dues_plan.lo, &dues_plan.hi, as_of, rotation),
        )
        .await?;
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
        // The knowledge contest (demo::contest).
        let contests = super::contest::seed(
            &mut tx,
            (outline.root_id, &outline.root_path),
            &dues_plan.lo,
            &dues_plan.hi,
            as_of,
            outline.first_member,
        )
        .await?;
        tracing::info!(
            "demo: a bank of {} questions, {} contests, {} papers",
            contests.questions,
            contests.contests,
            contests.submissions
        );
        tx.commit().await?;
        tracing::info!("demo: {transfers:?}, {decisions} decisions on membership and discipline");
        tracing::info!("demo: {dues:?} in {:.1} s", started.elapsed().as_secs_f64());

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
