//! Demo requests and reports (请示报告, REPORT-ONE-MATTER), generated inside the database at every
//! scale: every fourth branch or general branch sent its parent a request in the last four months,
//! one in ten of them still unanswered (those older than the answer deadline are the parents'
//! findings), the rest answered ten days after; another fourth filed a report. Rows are inserted
//! in org order, so both backends give them the same ids.

use chrono::{Days, NaiveDate};

use crate::bulk_life::{list, lit};
use crate::{Arg, Result, Tx};

const REQUESTS: &[&str] = &["关于增设党小组的请示", "关于调整支部委员分工的请示", "关于开展主题党日活动经费的请示"];
const MATTERS: &[&str] = &["增设党小组", "调整支部委员分工", "主题党日活动经费"];
const REPORTS: &[&str] = &["关于上半年党建工作情况的报告", "关于“三会一课”落实情况的报告"];

/// Generates the requests and reports of the subtree `[lo, hi)` sent before `as_of`; returns how
/// many.
pub async fn generate(tx: &mut Tx, lo: &str, hi: &str, as_of: NaiveDate, now: i64) -> Result<u64> {
    let (base,): (i64,) = tx.fetch_one("SELECT COALESCE(MAX(id), 0) FROM major_matter_reports", &[]).await?;
    // Twelve sending days over the last four months, each with the day it was answered.
    let days: Vec<String> = (0..12u64)
        .map(|i| {
            let sent = as_of.checked_sub_days(Days::new(5 + i * 10)).unwrap_or(as_of);
            let answered = sent.checked_add_days(Days::new(10)).unwrap_or(sent).min(as_of);
            format!("({i},{},{})", lit(&sent.to_string()), lit(&answered.to_string()))
        })
        .collect();
    let days = format!("(VALUES {}) AS d", days.join(","));
    let from = "FROM orgs o JOIN orgs p ON p.id = o.parent_id";
    let scope = "o.kind IN ('branch','general_branch') AND o.status = 'active' AND o.path >= $1 AND o.path < $2";
    let requests = format!(
        "INSERT INTO major_matter_reports (kind, from_org_id, from_org_path, to_org_id, to_org_path, title, matter, \
         body, state, received_on, closed_on, created_by, created_at) \
         SELECT 'request', o.id, o.path, p.id, p.path, t.column2, m.column2, '妥否，请批示。', \
         CASE WHEN o.id % 40 = 0 THEN 'pending' ELSE 'answered' END, d.column2, \
         CASE WHEN o.id % 40 = 0 THEN NULL ELSE d.column3 END, NULL, {now} \
         {from} JOIN {titles} ON t.column1 = o.id % 3 JOIN {matters} ON m.column1 = o.id % 3 \
         JOIN {days} ON d.column1 = (o.id / 4) % 12 WHERE {scope} AND o.id % 4 = 0 ORDER BY o.id",
        titles = list("t", REQUESTS),
        matters = list("m", MATTERS),
    );
    let mut n = tx.execute(&requests, &[Arg::Str(lo.to_string()), Arg::Str(hi.to_string())]).await?;
    let reports = format!(
        "INSERT INTO major_matter_reports (kind, from_org_id, from_org_path, to_org_id, to_org_path, title, matter, \
         body, state, received_on, closed_on, created_by, created_at) \
         SELECT 'report', o.id, o.path, p.id, p.path, t.column2, '', '', 'filed', d.column2, NULL, NULL, {now} \
         {from} JOIN {titles} ON t.column1 = o.id % 2 JOIN {days} ON d.column1 = (o.id / 4) % 12 \
         WHERE {scope} AND o.id % 4 = 1 ORDER BY o.id",
        titles = list("t", REPORTS),
    );
    n += tx.execute(&reports, &[Arg::Str(lo.to_string()), Arg::Str(hi.to_string())]).await?;
    tx.execute(
        &format!(
            "INSERT INTO major_matter_replies (report_id, org_id, action, text, on_date, created_by, created_at) \
             SELECT r.id, r.to_org_id, 'answer', '同意。', r.closed_on, NULL, {now} FROM major_matter_reports r \
             WHERE r.id > $1 AND r.state = 'answered' ORDER BY r.id"
        ),
        &[Arg::I64(base)],
    )
    .await?;
    Ok(n)
}
