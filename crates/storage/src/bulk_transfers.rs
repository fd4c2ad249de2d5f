//! Transfers of membership for the demos, generated inside the database like the dues
//! ([`crate::bulk_dues`]): a few `INSERT … SELECT`s, deterministic on the member's id, so the same
//! members give the same transfers on SQLite and PostgreSQL. By `h = (id × 7919 + 17) mod 1000`
//! of a full or probationary member:
//! - h = 0: a transfer to the next branch (by id) issued 10 days before the demo's date, valid
//!   30 days: pending, in time;
//! - h = 1: the same issued 60 days before: pending past its letter's validity (EDU-TRANSFER,
//!   the receiving branch's finding);
//! - h = 2: the same issued 40 days before, returned by the receiver 5 days later with a reason;
//! - h = 3: a letter out of the system issued 50 days before: its receipt overdue (the sending
//!   branch's finding).
//!
//! And every member 已转出 gets the letter that took them out, dated the day they left, its receipt
//! recorded on that day.
//! Letters are numbered per sending branch and member ("D-<member id>"), so they never collide
//! with the numbers the product proposes ("2026-001").

use chrono::{Days, NaiveDate};

use crate::{Arg, Result, Tx};

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransferStats {
    pub pending: u64,
    pub returned: u64,
    pub out: u64,
}

fn before(d: NaiveDate, days: u64) -> String {
    d.checked_sub_days(Days::new(days)).unwrap_or(d).to_string()
}

const H: &str = "((m.id * 7919 + 17) % 1000)";

/// Every column a demo transfer sets, in the order of the `SELECT`s below.
const INSERT: &str = "INSERT INTO transfers (member_id, kind, state, from_org_id, to_org_id, counterpart, member_name, \
     gender, ethnicity, birth_date, id_number, member_status, letter_no, issued_on, valid_days, dues_paid_to, reason, \
     settled_on, settled_note, receipt_handler, created_by, created_at)";

/// The member's letter columns as on the day: name, sex, ethnicity, birth date, ID, status.
const SNAPSHOT: &str = "m.name, m.gender, m.ethnicity, m.birth_date, m.id_number, m.status";

/// Generates the demo's transfers for the members whose branch path is in `lo..hi`.
pub async fn generate(tx: &mut Tx, lo: &str, hi: &str, as_of: NaiveDate, now: i64) -> Result<TransferStats> {
    let range = || vec![Arg::Str(lo.to_string()), Arg::Str(hi.to_string())];
    let in_tree = "m.branch_path || '' >= $1 AND m.branch_path || '' < $2";
    let mut stats = TransferStats::default();
    // Inside the system: to the next branch by id in the same tree (none for the last one).
    let next_branch = "(SELECT MIN(o2.id) FROM orgs o2 WHERE o2.kind = 'branch' AND o2.status = 'active' \
                       AND o2.id > m.branch_id AND o2.path >= $1 AND o2.path < $2)";
    for (h, issued_days, state, settled) in
        [(0, 10, "pending", None), (1, 60, "pending", None), (2, 40, "returned", Some(35))]
    {
        let issued = before(as_of, issued_days);
        let (settled_on, note) = match settled {
            Some(d) => (format!("'{}'", before(as_of, d)), "'接收单位核实无此人员调入，请核对后重新办理'"),
            None => ("NULL".to_string(), "''"),
        };
        let n = tx
            .execute(
                &format!(
                    "{INSERT} SELECT m.id, 'internal', '{state}', m.branch_id, {next_branch}, '', {SNAPSHOT}, \
                     'D-' || CAST(m.id AS TEXT), '{issued}', 30, NULL, '工作调动', {settled_on}, {note}, '', NULL, {now} \
                     FROM members m WHERE {in_tree} AND m.status IN ('full','probationary') AND {H} = {h} \
                     AND {next_branch} IS NOT NULL"
                ),
                &range(),
            )
            .await?;
        if state == "pending" {
            stats.pending += n;
        } else {
            stats.returned += n;
        }
    }
    let issued = before(as_of, 50);
    stats.out += tx
        .execute(
            &format!(
                "{INSERT} SELECT m.id, 'out', 'pending', m.branch_id, NULL, '外省某市某区机关工委', {SNAPSHOT}, \
                 'D-' || CAST(m.id AS TEXT), '{issued}', 30, NULL, '迁居', NULL, '', '', NULL, {now} \
                 FROM members m WHERE {in_tree} AND m.status IN ('full','probationary') AND {H} = 3"
            ),
            &range(),
        )
        .await?;
    // The letters that took the 已转出 out, with their receipts.
    stats.out += tx
        .execute(
            &format!(
                "{INSERT} SELECT m.id, 'out', 'received', m.branch_id, NULL, '外省某市某区机关工委', m.name, m.gender, \
                 m.ethnicity, m.birth_date, m.id_number, CASE WHEN m.confirmed_on IS NULL THEN 'probationary' \
                 ELSE 'full' END, 'D-' || CAST(m.id AS TEXT), m.status_changed_on, 30, NULL, '迁居', \
                 m.status_changed_on, '', '接收方经办人', NULL, {now} \
                 FROM members m WHERE {in_tree} AND m.status = 'transferred_out'"
            ),
            &range(),
        )
        .await?;
    Ok(stats)
}
