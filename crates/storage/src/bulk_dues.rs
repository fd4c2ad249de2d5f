//! Party dues for the demos, generated inside the database like the organizational-life records
//! ([`crate::bulk_life`]): `INSERT … SELECT` writes the members' bases and then their payments of
//! every month, so a province's millions of rows never cross the connection. The large demos write
//! them [`CHUNK_MEMBERS`] members to a transaction ([`generate_chunked`]).
//!
//! **Deterministic**: every choice is integer arithmetic on the member's id, so the same members
//! give the same records on SQLite and PostgreSQL.
//!
//! - **Bases** (DUES-BASE): every full or probationary member gets a base record from the plan's
//!   first month (or the month they joined): the category they are registered with, an after-tax
//!   pay of 2,000–15,000 yuan for the employed, a pension of 2,500–7,500 yuan for retirees,
//!   nothing for the flat categories, and a farmer's chosen 0.20–1.00 yuan.
//! - **Payments** of each month's due on the 15th, by the national brackets with the default
//!   settings (fen, half up): the SQL below must agree with `domain::family::dues::quote`; a demo
//!   test compares every generated payment with the due the rules compute.
//! - **Deliberate gaps**, so the dues rules have something to find (rules.md §5), by
//!   `h = (id × 7919 + 13) mod 1000`:
//!   - h < 3: nothing paid in the last six months (DUES-ARREARS, CON-LAPSE);
//!   - 3 ≤ h < 10: nothing paid in the last three months (the committee's warning);
//!   - 10 ≤ h < 12: exempted by a hardship decision (DUES-HARDSHIP) for the last five months;
//!   - 12 ≤ h < 20: quarterly payers (DUES-PERIOD), paying a quarter on its first month's 15th;
//!   - 20 ≤ h < 25: the fourth-last month paid late, on the last month's 20th (a back payment).
//! - **Publications** (DUES-PUBLISH): every branch published the year before the last month's
//!   on 20 January, except about 5 % of them.

use crate::{Arg, Db, DbKind, Result, Tx};

/// What to generate.
#[derive(Debug, Clone)]
pub struct DuesPlan {
    /// The members whose branch path is in `lo..hi`.
    pub lo: String,
    pub hi: String,
    /// The months paid for, oldest first, each `(year, month)`; all over on the demo's date.
    pub months: Vec<(i32, u32)>,
    /// Dues records for the members of one branch in this many, by branch id (1: all; the
    /// demos write them for all).
    pub every: i64,
    /// Milliseconds since the epoch, for `created_at`.
    pub now: i64,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DuesStats {
    pub bases: u64,
    pub payments: u64,
    pub hardships: u64,
    pub quarterly: u64,
    pub publications: u64,
}

/// The mixed hash of a member id that picks the gaps, 0..1000.
const H: &str = "((m.id * 7919 + 13) % 1000)";

/// The monthly due of base `b` (fen) for category `c`, with the national rules and the default
/// rounding (fen, half up): DUES-EMPLOYED-BRACKETS, DUES-RETIREE, DUES-FLAT.
fn due_sql(c: &str, b: &str, chosen: &str) -> String {
    format!(
        "(CASE WHEN {c} IN ('student','unemployed','low_income') THEN 20 WHEN {c} = 'farmer' THEN {chosen} \
         WHEN {c} = 'retired' THEN ({b} * (CASE WHEN {b} <= 500000 THEN 50 ELSE 100 END) + 5000) / 10000 \
         ELSE ({b} * (CASE WHEN {b} <= 300000 THEN 50 WHEN {b} <= 500000 THEN 100 WHEN {b} <= 1000000 THEN 150 \
         ELSE 200 END) + 5000) / 10000 END)"
    )
}

fn month_start((y, m): (i32, u32)) -> String {
    format!("{y:04}-{m:02}-01")
}

/// Generates the plan's publications and every member's dues records in one transaction (the
/// county and tiny demos, whose seeding is one transaction).
pub async fn generate(tx: &mut Tx, plan: &DuesPlan) -> Result<DuesStats> {
    let mut stats = publications(tx, plan).await?;
    stats.add(members(tx, plan, 0, i64::MAX).await?);
    Ok(stats)
}

/// Members per transaction in [`generate_chunked`]: a province's 53 million payments in one
/// transaction spent most of an hour in SQLite's write-ahead log and temporary files; a chunk's
/// quarter of a million rows is written and checkpointed in a moment.
pub const CHUNK_MEMBERS: i64 = 25_000;

/// Generates the plan in transactions of [`CHUNK_MEMBERS`] member ids each (the city and province
/// demos). A failure leaves the chunks already committed, as the demo's other stages do: the
/// demo is generated into an empty database, which is discarded if it fails.
pub async fn generate_chunked(db: &Db, plan: &DuesPlan) -> Result<DuesStats> {
    let mut tx = db.begin().await?;
    let mut stats = publications(&mut tx, plan).await?;
    let (lo, hi): (Option<i64>, Option<i64>) = tx
        .fetch_one(
            "SELECT MIN(id), MAX(id) FROM members WHERE branch_path >= $1 AND branch_path < $2",
            &[Arg::Str(plan.lo.clone()), Arg::Str(plan.hi.clone())],
        )
        .await?;
    commit(tx, db).await?;
    let (Some(lo), Some(hi)) = (lo, hi) else { return Ok(stats) };
    let mut from = lo;
    while from <= hi {
        let to = from.saturating_add(CHUNK_MEMBERS);
        let mut tx = db.begin().await?;
        stats.add(members(&mut tx, plan, from, to).await?);
        commit(tx, db).await?;
        from = to;
    }
    Ok(stats)
}

async fn commit(mut tx: Tx, db: &Db) -> Result<()> {
    if db.kind() == DbKind::Postgres {
        crate::bulk::commit_synchronously(&mut tx).await?;
    }
    tx.commit().await
}

impl DuesStats {
    fn add(&mut self, o: DuesStats) {
        self.bases += o.bases;
        self.payments += o.payments;
        self.hardships += o.hardships;
        self.quarterly += o.quarterly;
        self.publications += o.publications;
    }
}

/// The branches' publications of the year before the last month's.
async fn publications(tx: &mut Tx, plan: &DuesPlan) -> Result<DuesStats> {
    let Some(last) = plan.months.last().copied() else { return Ok(DuesStats::default()) };
    let publications = tx
        .execute(
            &format!(
                "INSERT INTO dues_publications (org_id, year, published_on, note, created_by, created_at) \
                 SELECT o.id, {year}, '{published:04}-01-20', '支部党员大会上公布', NULL, {now} FROM orgs o \
                 WHERE o.path >= $1 AND o.path < $2 AND o.kind = 'branch' AND o.status = 'active' \
                 AND ((o.id * 7919 + 29) % 100) >= 5 AND o.id % {every} = 0",
                every = plan.every.max(1),
                year = last.0 - 1,
                published = last.0,
                now = plan.now,
            ),
            &[Arg::Str(plan.lo.clone()), Arg::Str(plan.hi.clone())],
        )
        .await?;
    Ok(DuesStats { publications, ..DuesStats::default() })
}

/// The bases, hardship decisions, quarterly consents and payments of the plan's members whose
/// id is in `from..to`.
async fn members(tx: &mut Tx, plan: &DuesPlan, from: i64, to: i64) -> Result<DuesStats> {
    let mut stats = DuesStats::default();
    let (Some(first), Some(last)) = (plan.months.first().copied(), plan.months.last().copied()) else {
        return Ok(stats);
    };
    let n = plan.months.len();
    let first_month = month_start(first);
    // `|| ''` keeps both databases from reading the members through the path index: the id range
    // is the way in, and the path only filters.
    let in_tree = format!(
        "m.id >= {from} AND m.id < {to} AND m.branch_path || '' >= $1 AND m.branch_path || '' < $2 \
         AND m.status IN ('full','probationary') AND m.branch_id % {} = 0",
        plan.every.max(1)
    );
    let range = || vec![Arg::Str(plan.lo.clone()), Arg::Str(plan.hi.clone())];
    let now = plan.now;
    // The base applies from the plan's first month, or the month the member joined (the
    // admitting 支部大会, DUES-PROBATIONARY).
    stats.bases = tx
        .execute(
            &format!(
                "INSERT INTO dues_bases (member_id, from_month, category, base_fen, chosen_fen, note, created_by, created_at) \
                 SELECT m.id, CASE WHEN m.joined_on > '{first_month}' THEN substr(m.joined_on, 1, 8) || '01' \
                 ELSE '{first_month}' END, m.dues_category, \
                 CASE WHEN m.dues_category IN ('student','unemployed','low_income','farmer') THEN 0 \
                 WHEN m.dues_category = 'retired' THEN 250000 + (m.id * 7919) % 500000 \
                 ELSE 200000 + (m.id * 7919) % 1300000 END, \
                 CASE WHEN m.dues_category = 'farmer' THEN 20 + (m.id % 5) * 20 ELSE NULL END, '', NULL, {now} \
                 FROM members m WHERE {in_tree} ORDER BY m.id"
            ),
            &range(),
        )
        .await?;
    let hardship_from = month_start(plan.months[n.saturating_sub(5)]);
    stats.hardships = tx
        .execute(
            &format!(
                "INSERT INTO dues_hardships (member_id, from_month, to_month, amount_fen, studied_on, approved_by, \
                 approved_on, reason, created_by, created_at) \
                 SELECT m.id, '{hardship_from}', NULL, 0, '{hardship_from}', COALESCE(p.name, o.name), \
                 substr('{hardship_from}', 1, 8) || '05', '家庭遭遇重大变故，生活确有困难', NULL, {now} \
                 FROM members m JOIN orgs o ON o.id = m.branch_id LEFT JOIN orgs p ON p.id = o.parent_id \
                 WHERE {in_tree} AND {H} >= 10 AND {H} < 12"
            ),
            &range(),
        )
        .await?;
    stats.quarterly = tx
        .execute(
            &format!(
                "INSERT INTO dues_quarterly (member_id, from_month, to_month, agreed_on, created_by, created_at) \
                 SELECT m.id, '{first_month}', NULL, '{first_month}', NULL, {now} FROM members m \
                 WHERE {in_tree} AND {H} >= 12 AND {H} < 20"
            ),
            &range(),
        )
        .await?;
    // One row per month paid for: who is skipped that month (six, three or five months before
    // the last: those behind six or three months, the exempted), the day a quarterly payer paid,
    // and whether it is the month paid late.
    let late_day = format!("{:04}-{:02}-20", last.0, last.1);
    let months = plan
        .months
        .iter()
        .enumerate()
        .map(|(i, ym)| {
            let month = month_start(*ym);
            let quarter = month_start((ym.0, (ym.1 - 1) / 3 * 3 + 1));
            format!(
                "('{month}', '{q}15', '{d}15', {s6}, {s3}, {s5}, {back})",
                q = &quarter[..8],
                d = &month[..8],
                s6 = i32::from(i + 6 >= n),
                s3 = i32::from(i + 3 >= n),
                s5 = i32::from(i + 5 >= n),
                back = i32::from(n >= 4 && i == n - 4),
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    // Members outer and months inner (CROSS JOIN fixes SQLite's order), so the payments arrive in
    // the order of their member index and the chunk's branches' part of the org index.
    stats.payments = tx
        .execute(
            &format!(
                "WITH mo (month, quarter_day, day, s6, s3, s5, back) AS (VALUES {months}), \
                 d AS (SELECT b.member_id, m.branch_id AS org_id, b.from_month, {due} AS due, {H} AS h, \
                 m.id % 3 AS pick FROM members m JOIN dues_bases b ON b.member_id = m.id WHERE {in_tree}) \
                 INSERT INTO dues_payments (member_id, org_id, month, amount_fen, paid_on, method, payer, proxy_name, \
                 kind, reason, to_centre, created_by, created_at) \
                 SELECT d.member_id, d.org_id, mo.month, d.due, \
                 CASE WHEN d.h >= 12 AND d.h < 20 THEN mo.quarter_day \
                 WHEN mo.back = 1 AND d.h >= 20 AND d.h < 25 THEN '{late_day}' ELSE mo.day END, \
                 CASE WHEN d.pick = 0 THEN 'transfer' WHEN d.pick = 1 THEN 'online' ELSE 'cash' END, \
                 'member', '', 'regular', '', 0, NULL, {now} \
                 FROM d CROSS JOIN mo WHERE d.from_month <= mo.month \
                 AND NOT ((mo.s6 = 1 AND d.h < 3) OR (mo.s3 = 1 AND d.h >= 3 AND d.h < 10) \
                 OR (mo.s5 = 1 AND d.h >= 10 AND d.h < 12)) ORDER BY d.member_id, mo.month",
                due = due_sql("b.category", "b.base_fen", "b.chosen_fen"),
            ),
            &range(),
        )
        .await?;
    // The summaries the check reads (storage::check::dues).
    let members = format!("SELECT m.id FROM members m WHERE {in_tree}");
    crate::check::repack_card(tx, &members, &range()).await?;
    crate::check::repack_paid(tx, &members, 0..=9999, &range()).await?;
    Ok(stats)
}

/// After a large generation: PostgreSQL's planner statistics of the dues tables; SQLite's
/// write-ahead log folded into the database and emptied (every later read would otherwise look
/// pages up in gigabytes of log).
pub async fn analyze(db: &crate::Db) -> Result<()> {
    match db.kind() {
        DbKind::Postgres => {
            db.maintain(&[
                "VACUUM (ANALYZE) dues_bases".to_owned(),
                "VACUUM (ANALYZE) dues_payments".to_owned(),
                "VACUUM (ANALYZE) dues_cards".to_owned(),
                "VACUUM (ANALYZE) dues_paid_years".to_owned(),
            ])
            .await?;
        }
        DbKind::Sqlite => {
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)", &[]).await?;
        }
    }
    Ok(())
}
