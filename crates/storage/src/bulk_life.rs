//! Organizational-life records for the demos (三会一课, 主题党日, 组织生活会, 民主评议, 谈心谈话), generated
//! inside the database: one `INSERT … SELECT` per kind of record joins the orgs of a subtree with
//! a small calendar and a list of topics written into the statement, and one per kind of attendee
//! list joins the meetings with the memberships and posts in force on their day. No record
//! crosses the connection, so a province's millions of meetings load in about the time the
//! database needs to write them, on both backends, in portable SQL.
//!
//! **Deterministic.** Every choice (the day in the month, the topic, the place, who is excused or
//! absent, the deliberate gaps) is integer arithmetic on ids, and meeting ids are explicit
//! (`base + org id × 128 + slot`), so the same orgs and members give the same records, with the
//! same ids, on SQLite and PostgreSQL, in any insertion order.
//!
//! **Deliberate gaps**, so that the rules have something to find (rules of shared/rules.md):
//! - about 8 % of the branches with a committee skip the 支委会 in about a quarter of the months
//!   (MTG-COMMITTEE);
//! - about 3 % of the branches skip one quarter's 党员大会 each year (MTG-ASSEMBLY);
//! - about 2 % skip one month's 主题党日 (MTG-THEME-DAY); about 5 % of the groups one month's
//!   党小组会 (MTG-GROUP);
//! - about 2 % hold the 组织生活会 in September instead of the fourth quarter (the MTG-ORG-LIFE
//!   warning) and 1 % not at all; 1 % hold no 民主评议 (MTG-EVAL), 3 % no 谈心谈话 (MTG-TALK);
//! - about 10 % of the committees' lectures are given by someone other than the secretary
//!   (MTG-LESSON);
//! - [`LifePlan::no_quorum`] 支委会 are held with only one member present (MTG-COMMITTEE quorum);
//! - [`LifePlan::lapsed`] members miss every meeting from April to October of the first year
//!   without excuse (CON-LAPSE).
//!
//! Attendance: everyone expected (the branch's or group's members on the day, or the committee's
//! post holders) is listed, about 4 % excused with a reason (出差, 病假, 外出培训, 事假) and about 2 %
//! absent. Attendance rows are the bulk of the data (a branch has some 800 a year); a plan may
//! keep them for one branch in N only ([`LifePlan::attendance_every`]).
//!
//! The secondary indexes of `meetings` and `meeting_attendance` are dropped for the inserts and
//! rebuilt before the transaction commits, as in [`crate::bulk`].

use crate::{Arg, DbKind, Result, Tx};

/// What to generate.
#[derive(Debug, Clone)]
pub struct LifePlan {
    /// The subtree: orgs with `lo <= path < hi`.
    pub lo: String,
    pub hi: String,
    /// The months to cover, oldest first, each `(year, month)`; every one must be over on the
    /// demo's date. At most 24.
    pub months: Vec<(i32, u32)>,
    /// Attendance for the meetings of one branch (and its groups) in this many, by org id: 1 for
    /// all, 0 for none.
    pub attendance_every: i64,
    /// 支委会 held without their quorum.
    pub no_quorum: usize,
    /// Members absent without excuse for seven months.
    pub lapsed: usize,
    /// Milliseconds since the epoch, for `created_at`.
    pub now: i64,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifeStats {
    pub meetings: u64,
    pub attendance: u64,
    /// The 支委会 made to lack their quorum.
    pub no_quorum: Vec<i64>,
    /// The members made to lapse.
    pub lapsed: Vec<i64>,
}

/// Slots per org in the meeting ids: more than any org gets in 24 months.
const SLOTS: i64 = 192;

const PLACES: &[&str] = &["党员活动室", "学校会议室", "党建活动室", "多功能厅", "支部会议室", "校史馆", "图书馆报告厅"];

const THEMED_DAY: &[&str] = &[
    "主题党日：参观红色教育基地",
    "主题党日：重温入党誓词",
    "主题党日：志愿服务进社区",
    "主题党日：学习党章党规",
    "主题党日：观看爱国主义教育影片",
    "主题党日：党员先锋岗践诺",
    "主题党日：廉政警示教育",
    "主题党日：传承红色家风",
];
/// The themed day whose subject is the month's: 清明 in April, the Party's anniversary in July.
fn themed_day_of_month(month: u32) -> Option<&'static str> {
    match month {
        4 => Some("主题党日：清明祭扫革命烈士陵园"),
        7 => Some("主题党日：“七一”主题活动"),
        _ => None,
    }
}

const ASSEMBLY: &[&str] = &[
    "学习贯彻党的二十届三中全会精神",
    "通报支部工作，讨论年度工作计划",
    "讨论发展党员和预备党员转正",
    "学习贯彻习近平新时代中国特色社会主义思想",
    "传达上级党组织会议精神",
    "民主推荐优秀共产党员",
];
const COMMITTEE: &[&str] = &[
    "研究本月支部工作安排",
    "研究发展党员工作",
    "研究党费收缴情况",
    "研究落实意识形态工作责任制",
    "研究主题党日活动方案",
    "研究党风廉政建设工作",
    "研究“三会一课”落实情况",
    "研究党员教育培训计划",
];
const LECTURE: &[&str] = &[
    "专题党课：坚定理想信念，践行初心使命",
    "专题党课：以学铸魂、以学增智",
    "专题党课：加强党性修养",
    "专题党课：深入学习党的二十大精神",
    "专题党课：推进全面从严治党",
    "专题党课：弘扬教育家精神",
];
const GROUP: &[&str] = &[
    "学习《中国共产党章程》",
    "交流学习体会",
    "学习习近平总书记重要讲话精神",
    "学习《中国共产党纪律处分条例》",
    "讨论年级（部门）工作",
    "学习党史：新民主主义革命时期",
];
const LIFE: &[&str] = &["年度组织生活会：对照检查，开展批评和自我批评"];
const APPRAISAL: &[&str] = &["年度民主评议党员"];
const TALK: &[&str] = &["谈心谈话：听取意见，交流思想", "谈心谈话：支委与党员谈心"];
const STUDY: &[&str] = &[
    "理论学习中心组学习：学习贯彻党的二十届三中全会精神",
    "理论学习中心组学习：习近平新时代中国特色社会主义思想",
    "理论学习中心组学习：党纪学习教育",
];
const DEMOCRATIC_LIFE: &[&str] = &["年度民主生活会"];
const IDEOLOGY_LESSON: &[&str] =
    &["思政课：新时代青年的使命与担当", "思政课：弘扬教育家精神", "思政课：中国式现代化与教育强国"];
const IDEOLOGY_STUDY: &[&str] = &["专题研究意识形态工作", "分析研判意识形态领域情况"];
/// The guidance of the level above a 民主生活会 records.
const GUIDANCE: &str = "上级党委督导组到会指导，对班子对照检查和相互批评进行点评";
/// The schools among the orgs (SZK-LECTURE asks a 思政课 of their secretaries and principals).
const IN_SCHOOL: &str = "o.unit_kind IN ('public_school','private_school')";
const PARTY_COMMITTEE: &[&str] =
    &["党委会：研究部署月度工作", "党委会：研究学校党建和业务工作", "党委会：研究“三重一大”事项"];
const GB_COMMITTEE: &[&str] = &["研究总支季度工作", "研究各支部“三会一课”落实情况"];
const REASONS: &[&str] = &["出差", "病假", "外出培训", "事假"];

/// The 第一议题 of meetings that study first.
const FIRST_ITEM: &str = "学习习近平总书记最新重要讲话精神";

/// A string as an SQL literal (the texts here are ours; quotes are doubled all the same).
pub(crate) fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `(VALUES (0,'a'),(1,'b')) AS name`: a numbered list.
pub(crate) fn list(name: &str, items: &[&str]) -> String {
    let rows: Vec<String> = items.iter().enumerate().map(|(i, s)| format!("({i},{})", lit(s))).collect();
    format!("(VALUES {}) AS {name}", rows.join(","))
}

/// `(h(o.id, salt))`: a well-mixed value in 0..100 per org.
fn h(col: &str, salt: i64) -> String {
    format!("(({col} * 7919 + {salt}) % 100)")
}

/// One kind of record to generate: which orgs, on which days, with what.
struct Kind {
    kind: &'static str,
    /// `o.kind` of the orgs that hold it.
    org_kind: &'static str,
    /// Months of the year (1–12) it is held in.
    months: &'static [u32],
    /// First day of the eight days in the month it may fall on (by org id).
    day: u32,
    /// The calendar's flag column for a month (e.g. a vote).
    flag: fn(u32) -> i64,
    topics: &'static [&'static str],
    /// A topic that belongs to one month (七一 in July, 清明 in April), used in that month
    /// instead of the rotation, and never in another.
    seasonal: fn(u32) -> Option<&'static str>,
    start_time: &'static str,
    first_item: bool,
    /// SQL for `lecturer_member_id`.
    lecturer: &'static str,
    /// SQL for `has_vote` (may use `c.column5`, the flag).
    has_vote: &'static str,
    /// An extra condition on `o` and `c` (`c.column2` is the occurrence number, `c.column5` the
    /// flag), with the deliberate gaps.
    condition: String,
}

const ALL_MONTHS: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
/// Each org's open secretary and organization officer, one row per org: joined once per org
/// rather than looked up per record.
const POST_HOLDERS: &str = "SELECT org_id, MIN(CASE WHEN post = 'secretary' THEN member_id END) AS secretary, \
     MIN(CASE WHEN post = 'organization_officer' THEN member_id END) AS organization_officer \
     FROM org_posts WHERE end_on IS NULL GROUP BY org_id";
const SECRETARY: &str = "(SELECT p.member_id FROM org_posts p WHERE p.org_id = o.id AND p.post = 'secretary' AND p.end_on IS NULL ORDER BY p.id LIMIT 1)";

fn kinds() -> Vec<Kind> {
    let no_flag: fn(u32) -> i64 = |_| 0;
    let oh = |salt| h("o.id", salt);
    vec![
        Kind {
            kind: "themed_day",
            org_kind: "branch",
            months: ALL_MONTHS,
            day: 8,
            flag: no_flag,
            topics: THEMED_DAY,
            seasonal: themed_day_of_month,
            start_time: "14:30",
            first_item: true,
            lecturer: "NULL",
            has_vote: "0",
            condition: format!("NOT ({} < 2 AND c.column2 % 12 = o.id % 12)", oh(11)),
        },
        Kind {
            kind: "committee_meeting",
            org_kind: "branch",
            months: ALL_MONTHS,
            day: 2,
            flag: no_flag,
            topics: COMMITTEE,
            seasonal: |_| None,
            start_time: "16:30",
            first_item: true,
            lecturer: "NULL",
            has_vote: "0",
            condition: format!(
                "EXISTS (SELECT 1 FROM org_posts p WHERE p.org_id = o.id AND p.end_on IS NULL \
                 AND p.post NOT IN ('secretary','deputy_secretary')) AND NOT ({} < 8 AND (c.column2 + o.id) % 4 = 0)",
                oh(23)
            ),
        },
        Kind {
            kind: "branch_assembly",
            org_kind: "branch",
            months: &[3, 6, 9, 12],
            day: 18,
            // The second and fourth quarters' assemblies vote (转正, 评先).
            flag: |m| i64::from(m % 6 == 0),
            topics: ASSEMBLY,
            seasonal: |_| None,
            start_time: "15:30",
            first_item: true,
            lecturer: "NULL",
            has_vote: "c.column5",
            condition: format!("NOT ({} < 3 AND c.column2 % 4 = o.id % 4)", oh(37)),
        },
        Kind {
            kind: "party_lecture",
            org_kind: "branch",
            months: &[3, 6, 9, 11],
            day: 20,
            flag: no_flag,
            topics: LECTURE,
            seasonal: |_| None,
            start_time: "15:30",
            first_item: false,
            lecturer: SECRETARY,
            has_vote: "0",
            condition: "1 = 1".into(),
        },
        Kind {
            kind: "life_meeting",
            org_kind: "branch",
            months: &[9, 12],
            day: 20,
            // Flag 1: the September date, for the branches that hold it outside Q4.
            flag: |m| i64::from(m == 9),
            topics: LIFE,
            seasonal: |_| None,
            start_time: "14:30",
            first_item: true,
            lecturer: "NULL",
            has_vote: "0",
            condition: format!("((c.column5 = 1 AND {0} < 2) OR (c.column5 = 0 AND {0} >= 3))", oh(53)),
        },
        Kind {
            kind: "member_appraisal",
            org_kind: "branch",
            months: &[12],
            day: 21,
            flag: no_flag,
            topics: APPRAISAL,
            seasonal: |_| None,
            start_time: "16:00",
            first_item: false,
            lecturer: "NULL",
            has_vote: "0",
            condition: format!("{} >= 1", oh(59)),
        },
        Kind {
            kind: "talk",
            org_kind: "branch",
            months: &[4, 7, 10],
            day: 10,
            flag: no_flag,
            topics: TALK,
            seasonal: |_| None,
            start_time: "17:00",
            first_item: false,
            lecturer: "NULL",
            has_vote: "0",
            condition: format!("{} >= 3", oh(61)),
        },
        Kind {
            kind: "group_meeting",
            org_kind: "group",
            months: ALL_MONTHS,
            day: 16,
            flag: no_flag,
            topics: GROUP,
            seasonal: |_| None,
            start_time: "16:30",
            first_item: true,
            lecturer: "NULL",
            has_vote: "0",
            condition: format!("NOT ({} < 5 AND c.column2 % 12 = (o.id * 5) % 12)", oh(71)),
        },
        Kind {
            kind: "party_lecture",
            org_kind: "committee",
            months: &[4, 10],
            day: 12,
            flag: no_flag,
            topics: LECTURE,
            seasonal: |_| None,
            start_time: "09:00",
            first_item: false,
            // Now and then an invited speaker lectures rather than the secretary (MTG-LESSON).
            lecturer: "CASE WHEN ((o.id * 7919 + 83) % 100) < 10 THEN NULL ELSE \
                       (SELECT p.member_id FROM org_posts p WHERE p.org_id = o.id AND p.post = 'secretary' \
                       AND p.end_on IS NULL ORDER BY p.id LIMIT 1) END",
            has_vote: "0",
            condition: "1 = 1".into(),
        },
        Kind {
            kind: "study_group_session",
            org_kind: "committee",
            months: &[1, 3, 4, 5, 6, 7, 9, 10, 11, 12],
            day: 6,
            flag: no_flag,
            topics: STUDY,
            seasonal: |_| None,
            start_time: "09:00",
            first_item: true,
            lecturer: "NULL",
            has_vote: "0",
            // Half the committees miss the first year's July session, leaving July–August without
            // one (STUDY-GROUP).
            condition: "NOT (o.id % 2 = 1 AND c.column2 = 5)".into(),
        },
        Kind {
            kind: "democratic_life_meeting",
            org_kind: "committee",
            months: &[12],
            day: 24,
            flag: no_flag,
            topics: DEMOCRATIC_LIFE,
            seasonal: |_| None,
            start_time: "09:00",
            first_item: true,
            lecturer: "NULL",
            has_vote: "0",
            condition: "1 = 1".into(),
        },
        // 思政课 (SZK-LECTURE): the secretary's in April and October, the principal's in May and
        // November (marked after the insert, in `mark_lessons`); a few schools miss one.
        Kind {
            kind: "ideology_lesson",
            org_kind: "branch",
            months: &[4, 5, 10, 11],
            day: 14,
            flag: no_flag,
            topics: IDEOLOGY_LESSON,
            seasonal: |_| None,
            start_time: "10:00",
            first_item: false,
            lecturer: SECRETARY,
            has_vote: "0",
            condition: format!("{IN_SCHOOL} AND NOT ({} < 15 AND c.column2 % 4 = o.id % 4)", oh(89)),
        },
        // 意识形态工作专题研究 (IDEOLOGY-RESP): March and September; some committees skip one.
        Kind {
            kind: "ideology_study",
            org_kind: "committee",
            months: &[3, 9],
            day: 9,
            flag: no_flag,
            topics: IDEOLOGY_STUDY,
            seasonal: |_| None,
            start_time: "09:00",
            first_item: true,
            lecturer: "NULL",
            has_vote: "0",
            condition: format!("NOT ({} < 30 AND c.column2 % 2 = 1)", oh(97)),
        },
        // The committee's own meetings (党委会), monthly; some decide 三重一大 matters
        // (storage::bulk_major_decisions).
        Kind {
            kind: "committee_meeting",
            org_kind: "committee",
            months: ALL_MONTHS,
            day: 3,
            flag: no_flag,
            topics: PARTY_COMMITTEE,
            seasonal: |_| None,
            start_time: "08:30",
            first_item: true,
            lecturer: "NULL",
            has_vote: "0",
            condition: "1 = 1".into(),
        },
        Kind {
            kind: "committee_meeting",
            org_kind: "general_branch",
            months: &[3, 6, 9, 12],
            day: 4,
            flag: no_flag,
            topics: GB_COMMITTEE,
            seasonal: |_| None,
            start_time: "16:30",
            first_item: true,
            lecturer: "NULL",
            has_vote: "0",
            condition: "1 = 1".into(),
        },
    ]
}

/// The non-unique indexes of `meetings` and `meeting_attendance`: name and statement.
async fn secondary_indexes(tx: &mut Tx) -> Result<Vec<(String, String)>> {
    match tx.kind() {
        DbKind::Sqlite => {
            tx.fetch_all(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
                 AND tbl_name IN ('meetings','meeting_attendance') ORDER BY name",
                &[],
            )
            .await
        }
        DbKind::Postgres => {
            tx.fetch_all(
                "SELECT i.indexname::TEXT, i.indexdef::TEXT FROM pg_indexes i \
                 WHERE i.schemaname = current_schema() AND i.tablename IN ('meetings','meeting_attendance') \
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname \
                 AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())) \
                 ORDER BY i.indexname",
                &[],
            )
            .await
        }
    }
}

/// Generates the records of `plan` in the caller's transaction; see the module documentation.
pub async fn generate(tx: &mut Tx, plan: &LifePlan) -> Result<LifeStats> {
    let mut stats = LifeStats::default();
    if plan.months.is_empty() {
        return Ok(stats);
    }
    let (base,): (i64,) = tx.fetch_one("SELECT COALESCE(MAX(id), 0) FROM meetings", &[]).await?;
    let indexes = secondary_indexes(tx).await?;
    let kinds = kinds();
    let slots: usize = kinds.iter().map(|k| plan.months.iter().filter(|(_, m)| k.months.contains(m)).count()).sum();
    if i64::try_from(slots).unwrap_or(i64::MAX) > SLOTS {
        return Err(crate::StorageError::Conflict(format!("{slots} meeting slots per org exceed {SLOTS}")));
    }
    for (name, _) in &indexes {
        tx.execute(&format!("DROP INDEX {name}"), &[]).await?;
    }
    let now = plan.now;
    let mut slot: i64 = 0;
    for k in kinds {
        // The calendar: (slot, occurrence, day choice, date, flag), eight candidate days for
        // each month the kind is held in.
        let mut rows = Vec::new();
        for (occurrence, (y, m)) in plan.months.iter().filter(|(_, m)| k.months.contains(m)).enumerate() {
            for j in 0..8u32 {
                let day = (k.day + j).min(28);
                let seasonal = (k.seasonal)(*m).map(lit).unwrap_or_else(|| "NULL".into());
                rows.push(format!("({slot},{occurrence},{j},'{y:04}-{m:02}-{day:02}',{},{seasonal})", (k.flag)(*m)));
            }
            slot += 1;
        }
        if rows.is_empty() {
            continue;
        }
        let first_item = if k.first_item { lit(FIRST_ITEM) } else { "NULL".into() };
        let sql = format!(
            "INSERT INTO meetings (id, org_id, org_path, kind, held_on, start_time, place, topic, lecturer_member_id, \
             first_agenda_item, minutes, has_vote, host_member_id, recorder_member_id, partner_member_id, created_at, \
             updated_at) \
             SELECT {base} + o.id * {SLOTS} + c.column1, o.id, o.path, {kind}, c.column4, {time}, pl.column2, \
             COALESCE(c.column6, tp.column2), {lecturer}, {first_item}, '', {has_vote}, \
             COALESCE(pp.secretary, bp.secretary), {recorder}, {partner}, {now}, {now} \
             FROM orgs o JOIN (VALUES {calendar}) AS c ON c.column3 = o.id % 8 \
             JOIN {places} ON pl.column1 = (o.id + c.column2) % {n_places} \
             JOIN {topics} ON tp.column1 = (o.id * 7 + c.column2) % {n_topics} \
             LEFT JOIN ({POST_HOLDERS}) pp ON pp.org_id = o.id \
             LEFT JOIN ({POST_HOLDERS}) bp ON bp.org_id = o.parent_id \
             WHERE o.path >= $1 AND o.path < $2 AND o.status = 'active' AND o.kind = {org_kind} AND {condition}",
            // The ledger prints 主持人 and 记录人: the secretary hosts (a group's meeting, which has
            // no posts of its own, the branch's) and the organization officer records (else the
            // secretary); a talk's host is the talker and it has no recorder.
            recorder = if k.kind == "talk" {
                "NULL"
            } else {
                "COALESCE(pp.organization_officer, pp.secretary, bp.organization_officer, bp.secretary)"
            },
            // A talk (谈心谈话) is the secretary's with a member of the branch: the first one
            // registered who is not the secretary.
            partner = if k.kind == "talk" {
                format!(
                    "(SELECT MIN(m.id) FROM members m WHERE m.branch_id = o.id \
                     AND m.status IN ('full','probationary') AND m.id <> COALESCE({SECRETARY}, 0))"
                )
            } else {
                "NULL".to_string()
            },
            kind = lit(k.kind),
            time = lit(k.start_time),
            lecturer = k.lecturer,
            has_vote = k.has_vote,
            calendar = rows.join(","),
            places = list("pl", PLACES),
            n_places = PLACES.len(),
            topics = list("tp", k.topics),
            n_topics = k.topics.len(),
            org_kind = lit(k.org_kind),
            condition = k.condition,
        );
        stats.meetings += tx.execute(&sql, &[Arg::Str(plan.lo.clone()), Arg::Str(plan.hi.clone())]).await?;
    }
    mark_lessons(tx, base).await?;
    if plan.attendance_every > 0 {
        stats.attendance = attendance(tx, base, plan.attendance_every).await?;
    }
    for (_, sql) in &indexes {
        tx.execute(sql, &[]).await?;
    }
    if plan.attendance_every > 0 {
        stats.no_quorum = strip_quorum(tx, base, plan).await?;
        stats.lapsed = lapse(tx, base, plan).await?;
        // The attendance the check reads, packed into each new meeting that has any.
        let repack = format!(
            "{} WHERE id > $1 AND id IN (SELECT a.meeting_id FROM meeting_attendance a WHERE a.meeting_id > $1)",
            crate::check::repack_attendance_sql(tx.kind())
        );
        tx.execute(&repack, &[Arg::I64(base)]).await?;
    }
    if tx.kind() == DbKind::Postgres {
        // The ids were explicit: let the identity continue after them.
        tx.execute(
            "SELECT setval(pg_get_serial_sequence('meetings', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), \
             MAX(id) IS NOT NULL) FROM meetings",
            &[],
        )
        .await?;
    }
    Ok(stats)
}

/// Marks the 思政课 of May and November above `base` as the principal's (who need not be a
/// member: no lecturer named), and gives every 民主生活会 the guidance of the level above.
async fn mark_lessons(tx: &mut Tx, base: i64) -> Result<()> {
    tx.execute(
        "UPDATE meetings SET by_principal = 1, lecturer_member_id = NULL WHERE id > $1 AND kind = 'ideology_lesson' \
         AND substr(held_on, 6, 2) IN ('05','11')",
        &[Arg::I64(base)],
    )
    .await?;
    tx.execute(
        "UPDATE meetings SET guidance = $2 WHERE id > $1 AND kind = 'democratic_life_meeting'",
        &[Arg::I64(base), Arg::Str(GUIDANCE.to_string())],
    )
    .await?;
    Ok(())
}

/// The attendance of the meetings above `base`: who was expected, and how they attended.
async fn attendance(tx: &mut Tx, base: i64, every: i64) -> Result<u64> {
    // The branch a meeting's attendance is sampled by: a group's parent.
    let sampled =
        format!("(CASE WHEN og.kind = 'group' THEN og.parent_id ELSE og.id END) % {every} = 0", every = every.max(1));
    let reasons = list("r", REASONS);
    let n_reasons = REASONS.len();
    // (meeting, member, probationary) rows → attendance with a mixed hash h in 0..100:
    // h < 4 excused (with a reason), h < 6 absent, otherwise present.
    let insert = |expected: &str| {
        format!(
            "INSERT INTO meeting_attendance (meeting_id, member_id, probationary, attendance, reason) \
             SELECT x.meeting_id, x.member_id, x.probationary, \
             CASE WHEN x.h < 4 THEN 'excused' WHEN x.h < 6 THEN 'absent' ELSE 'present' END, \
             CASE WHEN x.h < 4 THEN r.column2 ELSE NULL END \
             FROM ({expected}) x JOIN {reasons} ON r.column1 = x.h % {n_reasons}"
        )
    };
    // Mixed modulo a prime, then scaled to 0..100: a plain `% 100` of a linear form would give
    // consecutive members (a committee) consecutive values, absent together.
    let member_hash = "((mt.id * 7919 + mb.id * 104729) % 1009) * 100 / 1009";
    let spans = |span_kind: &str, kinds: &str| {
        format!(
            "SELECT mt.id AS meeting_id, mb.id AS member_id, \
             CASE WHEN mb.status = 'probationary' THEN 1 ELSE 0 END AS probationary, {member_hash} AS h \
             FROM meetings mt JOIN orgs og ON og.id = mt.org_id \
             JOIN member_org_spans s ON s.org_id = mt.org_id AND s.kind = '{span_kind}' \
             AND s.start_on <= mt.held_on AND (s.end_on IS NULL OR s.end_on >= mt.held_on) \
             JOIN members mb ON mb.id = s.member_id AND mb.joined_on <= mt.held_on \
             AND mb.status IN ('probationary','full') \
             WHERE mt.id > {base} AND mt.kind IN ({kinds}) AND {sampled}"
        )
    };
    let posts = format!(
        "SELECT DISTINCT mt.id AS meeting_id, mb.id AS member_id, \
         CASE WHEN mb.status = 'probationary' THEN 1 ELSE 0 END AS probationary, {member_hash} AS h \
         FROM meetings mt JOIN orgs og ON og.id = mt.org_id \
         JOIN org_posts p ON p.org_id = mt.org_id AND p.start_on <= mt.held_on \
         AND (p.end_on IS NULL OR p.end_on >= mt.held_on) \
         JOIN members mb ON mb.id = p.member_id \
         WHERE mt.id > {base} \
         AND mt.kind IN ('committee_meeting','democratic_life_meeting','study_group_session','ideology_study') \
         AND {sampled}"
    );
    let mut n = 0;
    // As services::org_life::expected: the branch's members at most meetings, the group's at
    // a 党小组会, the committee's post holders at a 支委会, 民主生活会, 中心组学习 or 意识形态专题研究,
    // nobody at a talk or a 思政课 (its audience is the school's teachers and students).
    n += tx
        .execute(
            &insert(&spans(
                "branch",
                "'branch_assembly','themed_day','party_lecture','life_meeting','member_appraisal'",
            )),
            &[],
        )
        .await?;
    n += tx.execute(&insert(&spans("group", "'group_meeting'")), &[]).await?;
    n += tx.execute(&insert(&posts), &[]).await?;
    Ok(n)
}

/// Leaves only one member present at `plan.no_quorum` of the 支委会 above `base` in the plan's
/// first year that have attendance.
async fn strip_quorum(tx: &mut Tx, base: i64, plan: &LifePlan) -> Result<Vec<i64>> {
    let Some((year, _)) = plan.months.first() else { return Ok(Vec::new()) };
    if plan.no_quorum == 0 {
        return Ok(Vec::new());
    }
    let picked: Vec<(i64,)> = tx
        .fetch_all(
            "SELECT mt.id FROM meetings mt WHERE mt.id > $1 AND mt.kind = 'committee_meeting' \
             AND mt.held_on >= $2 AND mt.held_on <= $3 \
             AND (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = mt.id) >= 3 \
             ORDER BY (mt.id * 7919) % 100003, mt.id LIMIT $4",
            &[
                Arg::I64(base),
                Arg::Str(format!("{year:04}-01-01")),
                Arg::Str(format!("{year:04}-12-31")),
                Arg::I64(i64::try_from(plan.no_quorum).unwrap_or(i64::MAX)),
            ],
        )
        .await?;
    let ids: Vec<i64> = picked.into_iter().map(|(id,)| id).collect();
    for id in &ids {
        tx.execute(
            "UPDATE meeting_attendance SET attendance = 'absent', reason = NULL WHERE meeting_id = $1 \
             AND member_id > (SELECT MIN(a.member_id) FROM meeting_attendance a WHERE a.meeting_id = $1)",
            &[Arg::I64(*id)],
        )
        .await?;
        tx.execute(
            "UPDATE meeting_attendance SET attendance = 'present', reason = NULL WHERE meeting_id = $1 \
             AND member_id = (SELECT MIN(a.member_id) FROM meeting_attendance a WHERE a.meeting_id = $1)",
            &[Arg::I64(*id)],
        )
        .await?;
    }
    Ok(ids)
}

/// Marks `plan.lapsed` full members without posts absent, without excuse, from every meeting
/// from April to October of the plan's first year.
async fn lapse(tx: &mut Tx, base: i64, plan: &LifePlan) -> Result<Vec<i64>> {
    let Some((year, _)) = plan.months.first() else { return Ok(Vec::new()) };
    if plan.lapsed == 0 || !plan.months.contains(&(*year, 10)) {
        return Ok(Vec::new());
    }
    let (from, to) = (format!("{year:04}-04-01"), format!("{year:04}-10-31"));
    let picked: Vec<(i64,)> = tx
        .fetch_all(
            &format!(
                "SELECT m.id FROM members m JOIN orgs o ON o.id = m.branch_id \
                 WHERE m.branch_path >= $1 AND m.branch_path < $2 AND m.status = 'full' AND m.joined_on < $3 \
                 AND o.status = 'active' AND o.id % {every} = 0 \
                 AND NOT EXISTS (SELECT 1 FROM org_posts p WHERE p.member_id = m.id AND p.end_on IS NULL) \
                 ORDER BY (m.id * 7919) % 100003, m.id LIMIT $4",
                every = plan.attendance_every.max(1)
            ),
            &[
                Arg::Str(plan.lo.clone()),
                Arg::Str(plan.hi.clone()),
                Arg::Str(from.clone()),
                Arg::I64(i64::try_from(plan.lapsed).unwrap_or(i64::MAX)),
            ],
        )
        .await?;
    let ids: Vec<i64> = picked.into_iter().map(|(id,)| id).collect();
    for id in &ids {
        tx.execute(
            // Through the member's orgs, so that the meetings index is used (not a scan of all).
            "UPDATE meeting_attendance SET attendance = 'absent', reason = NULL WHERE member_id = $1 \
             AND meeting_id IN (SELECT mt.id FROM meetings mt WHERE mt.org_id IN \
             (SELECT s.org_id FROM member_org_spans s WHERE s.member_id = $1) \
             AND mt.id > $2 AND mt.held_on >= $3 AND mt.held_on <= $4)",
            &[Arg::I64(*id), Arg::I64(base), Arg::Str(from.clone()), Arg::Str(to.clone())],
        )
        .await?;
    }
    Ok(ids)
}

/// Refreshes PostgreSQL's planner statistics of the meeting tables after a large generation
/// (and marks their pages all-visible); nothing to do on SQLite.
pub async fn analyze(db: &crate::Db) -> Result<()> {
    if db.kind() == DbKind::Postgres {
        db.maintain(&["VACUUM (ANALYZE) meetings".to_owned(), "VACUUM (ANALYZE) meeting_attendance".to_owned()])
            .await?;
    }
    Ok(())
}
