//! Decisions on membership and discipline for the demos, generated inside the database like the
//! transfers ([`crate::bulk_transfers`]), deterministic on the member's id:
//! - every member the demo made 停止党籍, 已出党 or 已去世 gets the decision that did it, dated the
//!   day their status changed (停止党籍; 自行脱党除名 or 退党除名 by the id's parity; 死亡), so the
//!   suspended ones of more than two years show EDU-SUSPEND's finding;
//! - by `h = (id × 7919 + 17) mod 1000` of a full member: h = 4, a 留党察看 of one year decided
//!   100 days before the demo's date (no vote in the meantime, EL-RIGHTS); h = 5, a 警告 decided
//!   200 days before;
//! - mobile members (流动党员, EDU-FLOATING): h = 6 and 7 are flagged as away, h = 6 last contacted 60
//!   days before the demo's date (in time), h = 7 250 days before (overdue); each has its 外出登记:
//!   h = 6 left 300 days before, at no fixed place; h = 7 left 400 days before to a fixed place and
//!   no transfer issued (EDU-TRANSFER's finding);
//! - kept away (EDU-GRADS): h = 8 a graduate of 800 days before (kept beyond 2 years), h = 9 a
//!   member studying abroad since 500 days before, both last contacted 30 days before.

use chrono::{Days, Months, NaiveDate};

use crate::{Arg, Result, Tx};

const H: &str = "((m.id * 7919 + 17) % 1000)";

const INSERT: &str = "INSERT INTO member_decisions (member_id, org_id, kind, decided_on, body, document_no, reason, \
     months, last_day, restored_on, status_before, status_after, created_by, created_at)";

/// Generates the demo's decisions for the members whose branch path is in `lo..hi`; returns
/// how many.
pub async fn generate(tx: &mut Tx, lo: &str, hi: &str, as_of: NaiveDate, now: i64) -> Result<u64> {
    let range = || vec![Arg::Str(lo.to_string()), Arg::Str(hi.to_string())];
    let in_tree = "m.branch_path || '' >= $1 AND m.branch_path || '' < $2";
    let mut n = 0;
    let before = "CASE WHEN m.confirmed_on IS NULL THEN 'probationary' ELSE 'full' END";
    for (status, kind, reason) in [
        ("suspended", "'suspend'", "'失去联系6个月以上，经多方查找仍无法取得联系'"),
        (
            "left",
            "CASE WHEN m.id % 2 = 0 THEN 'lapse_removed' ELSE 'withdraw_removed' END",
            "'本人申请或长期不参加组织生活'",
        ),
        ("deceased", "'death'", "'因病去世'"),
    ] {
        n += tx
            .execute(
                &format!(
                    "{INSERT} SELECT m.id, m.branch_id, {kind}, m.status_changed_on, '上级党委', \
                     CASE WHEN m.status = 'deceased' THEN '' ELSE 'D-' || CAST(m.id AS TEXT) END, {reason}, NULL, NULL, \
                     NULL, {before}, m.status, NULL, {now} FROM members m WHERE {in_tree} AND m.status = '{status}'"
                ),
                &range(),
            )
            .await?;
    }
    let day = |days: u64| as_of.checked_sub_days(Days::new(days)).unwrap_or(as_of);
    let observed = day(100);
    let last = observed.checked_add_months(Months::new(12)).and_then(|d| d.pred_opt()).unwrap_or(observed);
    for (h, kind, on, months, last_day, reason) in [
        (4, "observation", observed, "12", format!("'{last}'"), "违反工作纪律，情节较重"),
        (5, "warning", day(200), "NULL", "NULL".to_string(), "违反廉洁纪律，情节较轻"),
    ] {
        n += tx
            .execute(
                &format!(
                    "{INSERT} SELECT m.id, m.branch_id, '{kind}', '{on}', '县纪委', 'D-' || CAST(m.id AS TEXT), \
                     '{reason}', {months}, {last_day}, NULL, 'full', 'full', NULL, {now} FROM members m \
                     WHERE {in_tree} AND m.status = 'full' AND m.status_changed_on <= '{on}' AND {H} = {h}"
                ),
                &range(),
            )
            .await?;
    }
    let away = format!(
        "UPDATE members SET mobile_member = 1, mobile_destination = '广东省深圳市南山区' WHERE id IN \
         (SELECT m.id FROM members m WHERE {in_tree} AND m.status = 'full' AND {H} IN (6, 7))"
    );
    tx.execute(&away, &range()).await?;
    for (h, kind, left, destination, fixed) in [
        (6, "mobile", 300, "广东省深圳市南山区", 0),
        (7, "mobile", 400, "广东省深圳市南山区", 1),
        (8, "graduate", 800, "", 0),
        (9, "abroad", 500, "英国", 0),
    ] {
        let left_on = day(left);
        n += tx
            .execute(
                &format!(
                    "INSERT INTO member_away (member_id, kind, left_on, destination, fixed_place, extended_to, \
                     extension_doc, ended_on, created_by, created_at) \
                     SELECT m.id, '{kind}', '{left_on}', '{destination}', {fixed}, NULL, '', NULL, NULL, {now} \
                     FROM members m WHERE {in_tree} AND m.status = 'full' AND m.joined_on <= '{left_on}' AND {H} = {h}"
                ),
                &range(),
            )
            .await?;
    }
    for (h, days) in [(6, 60), (7, 250), (8, 30), (9, 30)] {
        n += tx
            .execute(
                &format!(
                    "INSERT INTO member_contacts (member_id, contacted_on, way, by_name, note, created_by, created_at) \
                     SELECT m.id, '{}', '电话', '支部书记', '在外务工，参加当地流动党员党组织活动', NULL, {now} \
                     FROM members m WHERE {in_tree} AND m.status = 'full' AND {H} = {h}",
                    day(days)
                ),
                &range(),
            )
            .await?;
    }
    Ok(n)
}
