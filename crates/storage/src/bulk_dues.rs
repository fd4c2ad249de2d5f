//! Party dues for the demos, generated inside the database like the organizational-life records
//! ([`crate::bulk_life`]): one `INSERT … SELECT` writes every member's base, one per month writes
//! that month's payments, so a province's millions of rows never cross the connection.
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

use crate::{Arg, DbKind, Result, Tx};

/// What to generate.
#[derive(Debug, Clone)]
pub struct DuesPlan {
    /// The members whose branch path is in `lo..hi`.
    pub lo: String,
    pub hi: String,
    /// The months paid for, oldest first, each `(year, month)`; all over on the demo's date.
    pub months: Vec<(i32, u32)>,
    /// Dues records for the members of one branch in this many, by branch id (1: all). A
    /// province samples, as its attendance does: its full 48 million payments take SQLite most of
    /// an hour in statement journals and temporary files (see docs/benchmarks.md).
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

/// Generates the plan's bases, hardship decisions, quarterly consents and payments.
pub async fn generate(tx: &mut Tx, plan: &DuesPlan) -> Result<DuesStats> {
    let mut stats = DuesStats::default();
    let (Some(first), Some(last)) = (plan.months.first().copied(), plan.months.last().copied()) else {
        return Ok(stats);
    };
    let n = plan.months.len();
    let first_month = month_start(first);
    // `|| ''` keeps both databases from reading the members through the path index: a demo covers
    // (nearly) every member, and reading the table in order is many times faster than millions
    // of index lookups scattered over it.
    let in_tree = format!(
        "m.branch_path || '' >= $1 AND m.branch_path || '' < $2 AND m.status IN ('full','probationary') \
         AND m.branch_id % {} = 0",
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
                 FROM members m WHERE {in_tree}"
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
    stats.publications = tx
        .execute(
            &format!(
                "INSERT INTO dues_publications (org_id, year, published_on, note, created_by, created_at) \
                 SELECT o.id, {year}, '{published:04}-01-20', '支部党员大会上公布', NULL, {now} FROM orgs o \
                 WHERE o.path >= $1 AND o.path < $2 AND o.kind = 'branch' AND o.status = 'active' \
                 AND ((o.id * 7919 + 29) % 100) >= 5 AND o.id % {every} = 0",
                every = plan.every.max(1),
                year = last.0 - 1,
                published = last.0,
            ),
            &range(),
        )
        .await?;
    // Each member's due and gap hash, once, in a table of their own read in order for every
    // month; the payments' indexes are rebuilt (sorted, fast) after the inserts.
    tx.execute(
        &format!(
            "CREATE TEMPORARY TABLE demo_dues AS SELECT b.member_id, m.branch_id AS org_id, b.from_month, \
             {due} AS due, {H} AS h, m.id % 3 AS pick FROM dues_bases b JOIN members m ON m.id = b.member_id \
             WHERE {in_tree}",
            due = due_sql("b.category", "b.base_fen", "b.chosen_fen"),
        ),
        &range(),
    )
    .await?;
    for index in PAYMENT_INDEXES {
        tx.execute(&format!("DROP INDEX {}", index.0), &[]).await?;
    }
    let late_day = format!("{:04}-{:02}-20", last.0, last.1);
    for (i, ym) in plan.months.iter().enumerate() {
        let month = month_start(*ym);
        let quarter_first = month_start((ym.0, (ym.1 - 1) / 3 * 3 + 1));
        let back = n >= 4 && i == n - 4;
        // Who pays this month: not those six (or three) months behind in the last six (three),
        // not the exempted from the hardship's month.
        let mut skip = Vec::new();
        if i + 6 >= n {
            skip.push("d.h < 3".to_string());
        }
        if i + 3 >= n {
            skip.push("(d.h >= 3 AND d.h < 10)".to_string());
        }
        if i + 5 >= n {
            skip.push("(d.h >= 10 AND d.h < 12)".to_string());
        }
        let skip = if skip.is_empty() { "1 = 0".to_string() } else { skip.join(" OR ") };
        let late = if back { format!("WHEN d.h >= 20 AND d.h < 25 THEN '{late_day}'") } else { String::new() };
        let day = &month[..8];
        let paid_on = format!(
            "CASE WHEN d.h >= 12 AND d.h < 20 THEN substr('{quarter_first}', 1, 8) || '15' {late} ELSE '{day}15' END"
        );
        stats.payments += tx
            .execute(
                &format!(
                    "INSERT INTO dues_payments (member_id, org_id, month, amount_fen, paid_on, method, payer, proxy_name, \
                     kind, reason, to_centre, created_by, created_at) \
                     SELECT d.member_id, d.org_id, '{month}', d.due, {paid_on}, \
                     CASE WHEN d.pick = 0 THEN 'transfer' WHEN d.pick = 1 THEN 'online' ELSE 'cash' END, \
                     'member', '', 'regular', '', 0, NULL, {now} \
                     FROM demo_dues d WHERE d.from_month <= '{month}' AND NOT ({skip})"
                ),
                &[],
            )
            .await?;
    }
    tx.execute("DROP TABLE demo_dues", &[]).await?;
    for index in PAYMENT_INDEXES {
        tx.execute(index.1, &[]).await?;
    }
    Ok(stats)
}

/// The payments' indexes, as migration 0014 made them: dropped for the inserts, then rebuilt.
const PAYMENT_INDEXES: [(&str, &str); 2] = [
    ("dues_payments_member", "CREATE INDEX dues_payments_member ON dues_payments(member_id, month, kind, amount_fen)"),
    ("dues_payments_org", "CREATE INDEX dues_payments_org ON dues_payments(org_id, month)"),
];

/// Refreshes PostgreSQL's planner statistics of the dues tables after a large generation.
pub async fn analyze(db: &crate::Db) -> Result<()> {
    if db.kind() == DbKind::Postgres {
        db.maintain(&["VACUUM (ANALYZE) dues_bases".to_owned(), "VACUUM (ANALYZE) dues_payments".to_owned()]).await?;
    }
    Ok(())
}
