//! Demo 三重一大 matters (SANZHONG-YIDA), generated inside the database at every scale: every third
//! quorate committee meeting of a committee or general branch decided one matter, of a kind and
//! with a sum chosen from the meeting's id; the votes are the meeting's attendance (everyone
//! present votes yes). Run after the meetings' attendance is written ([`crate::bulk_life`]).

use crate::bulk_life::list;
use crate::{Arg, Result, Tx};

const CATEGORIES: &[&str] = &["decision", "appointment", "project", "funds"];
const TITLES: &[&str] = &[
    "研究制定学校年度党建工作要点",
    "研究学校中层干部任免",
    "研究校舍维修改造项目安排",
    "研究党员教育电教设备购置经费",
];

/// Generates the matters of the subtree `[lo, hi)`; returns how many.
pub async fn generate(tx: &mut Tx, lo: &str, hi: &str, now: i64) -> Result<u64> {
    let expected = "(SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = mt.id)";
    let present = "(SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = mt.id AND a.attendance = 'present')";
    let sql = format!(
        "INSERT INTO major_decisions (org_id, org_path, meeting_id, decided_on, category, title, amount, voters, yes, \
         no, abstain, passed, note, created_by, created_at) \
         SELECT x.org_id, x.org_path, x.id, x.held_on, c.column2, t.column2, \
         CASE WHEN c.column2 IN ('project','funds') THEN ((x.id * 7919) % 50 + 1) * 100000 ELSE NULL END, \
         x.expected, x.present, 0, 0, CASE WHEN 2 * x.present > x.expected THEN 1 ELSE 0 END, '', NULL, {now} \
         FROM (SELECT mt.id, mt.org_id, mt.org_path, mt.held_on, {expected} AS expected, {present} AS present \
         FROM meetings mt JOIN orgs o ON o.id = mt.org_id \
         WHERE mt.kind = 'committee_meeting' AND mt.voided_on IS NULL AND o.kind IN ('committee','general_branch') \
         AND mt.org_path >= $1 AND mt.org_path < $2 AND mt.id % 3 = 0) x \
         JOIN {categories} ON c.column1 = x.id % 4 \
         JOIN {titles} ON t.column1 = x.id % 4 \
         WHERE x.expected > 0 AND 2 * x.present >= x.expected ORDER BY x.id",
        categories = list("c", CATEGORIES),
        titles = list("t", TITLES),
    );
    tx.execute(&sql, &[Arg::Str(lo.to_string()), Arg::Str(hi.to_string())]).await
}
