//! Study and training for the demos (学习培训), generated inside the database like the
//! organizational life ([`crate::bulk_life`]), deterministic on ids, for the orgs whose path is in
//! `lo..hi`:
//! - the 党课 (2 hours) and 主题党日 (1 hour) records state class hours, except one in ten
//!   (`id % 10 = 3`), whose hours were not recorded;
//! - each branch's members take the year's rotation training (党员集中轮训), a concentrated class
//!   recorded by the branch's parent org, ending on 15 May of each year of the plan that has
//!   reached it; one member in nine (`id % 9 = 4`) did not complete it;
//! - the branch secretaries of each parent org take its secretary training (党支部书记培训班,
//!   24 hours, concentrated) ending on 20 June;
//! - one member in four (`id % 4 = 1`) has 8 hours a year from the party-education platform.
//!
//! With the lectures and themed days attended, a member who completed the rotation reaches
//! EDU-TRAIN-HOURS; one who did not, or who missed the meetings, falls short: the gaps the rules
//! find near the year's end.
//!
//! Class ids are explicit (`base + branch id × 4 + slot`), so enrolments join their class by
//! arithmetic, on both backends.

use chrono::NaiveDate;

use crate::{Arg, DbKind, Result, Tx};

/// What to generate.
#[derive(Debug, Clone)]
pub struct TrainingPlan {
    pub lo: String,
    pub hi: String,
    /// The years to cover (the demo's and the one before); a class is generated for a year only
    /// when it has ended by `as_of`.
    pub years: Vec<i32>,
    pub as_of: NaiveDate,
    /// The rotation class's hours in tenths (the province's members have fewer recorded lectures,
    /// so their rotation gives more).
    pub rotation_tenths: i64,
    pub now: i64,
}

/// What was generated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrainingStats {
    pub meetings_with_hours: u64,
    pub classes: u64,
    pub enrolments: u64,
    pub imported: u64,
}

const CLASS: &str = "INSERT INTO training_classes (id, org_id, org_path, kind, title, organiser, starts_on, ends_on, \
                     hours, concentrated, place, created_by, created_at, updated_at)";

pub async fn generate(tx: &mut Tx, plan: &TrainingPlan) -> Result<TrainingStats> {
    let mut stats = TrainingStats::default();
    let range = || vec![Arg::Str(plan.lo.clone()), Arg::Str(plan.hi.clone())];
    stats.meetings_with_hours = tx
        .execute(
            "UPDATE meetings SET class_hours = CASE kind WHEN 'party_lecture' THEN 20 ELSE 10 END \
             WHERE org_path >= $1 AND org_path < $2 AND kind IN ('party_lecture', 'themed_day') AND id % 10 <> 3 \
             AND voided_on IS NULL",
            &range(),
        )
        .await?;
    let base: Option<(i64,)> = tx.fetch_optional("SELECT COALESCE(MAX(id), 0) + 1 FROM training_classes", &[]).await?;
    let base = base.map_or(1, |(b,)| b);
    let branches = "FROM orgs b JOIN orgs p ON p.id = b.parent_id WHERE b.kind = 'branch' AND b.path >= $1 \
                    AND b.path < $2 AND b.status = 'active'";
    let now = plan.now;
    for (slot, year) in plan.years.iter().enumerate().take(2) {
        let slot = i64::try_from(slot).unwrap_or(0);
        let (rotation_end, secretary_end) = (format!("{year:04}-05-15"), format!("{year:04}-06-20"));
        if rotation_end.as_str() <= plan.as_of.to_string().as_str() {
            let id = format!("{base} + b.id * 4 + {}", slot * 2);
            stats.classes += tx
                .execute(
                    &format!(
                        "{CLASS} SELECT {id}, p.id, p.path, 'rotation', '{year}年党员集中轮训（' || b.name || '）', \
                         '县委组织部', '{year:04}-05-13', '{rotation_end}', {hours}, 1, '县委党校', NULL, {now}, {now} {branches}",
                        hours = plan.rotation_tenths
                    ),
                    &range(),
                )
                .await?;
            // The branch's members who had joined by the class.
            stats.enrolments += tx
                .execute(
                    &format!(
                        "INSERT INTO training_enrolments (class_id, member_id, completed) SELECT {id}, m.id, \
                         CASE WHEN m.id % 9 = 4 THEN 0 ELSE 1 END FROM members m JOIN orgs b ON b.id = m.branch_id \
                         WHERE b.kind = 'branch' AND b.path >= $1 AND b.path < $2 AND b.status = 'active' \
                         AND m.status IN ('probationary', 'full') AND m.joined_on <= '{rotation_end}'"
                    ),
                    &range(),
                )
                .await?;
        }
        if secretary_end.as_str() <= plan.as_of.to_string().as_str() {
            // One class per parent org, recorded with the id of its first branch's slot.
            let id = format!("{base} + b.id * 4 + {}", slot * 2 + 1);
            let first = "b.id = (SELECT MIN(b2.id) FROM orgs b2 WHERE b2.parent_id = p.id AND b2.kind = 'branch' \
                         AND b2.status = 'active')";
            stats.classes += tx
                .execute(
                    &format!(
                        "{CLASS} SELECT {id}, p.id, p.path, 'secretary', '{year}年党支部书记培训班', '县委组织部', \
                         '{year:04}-06-17', '{secretary_end}', 240, 1, '县委党校', NULL, {now}, {now} {branches} AND {first}"
                    ),
                    &range(),
                )
                .await?;
            // The secretaries of the parent's branches on the class's last day.
            stats.enrolments += tx
                .execute(
                    &format!(
                        "INSERT INTO training_enrolments (class_id, member_id, completed) \
                         SELECT DISTINCT {base} + f.id * 4 + {s}, s.member_id, 1 FROM org_posts s \
                         JOIN orgs b ON b.id = s.org_id JOIN orgs p ON p.id = b.parent_id \
                         JOIN orgs f ON f.id = (SELECT MIN(b2.id) FROM orgs b2 WHERE b2.parent_id = p.id \
                         AND b2.kind = 'branch' AND b2.status = 'active') \
                         WHERE b.kind = 'branch' AND b.path >= $1 AND b.path < $2 AND b.status = 'active' \
                         AND s.post = 'secretary' AND s.start_on <= '{secretary_end}' \
                         AND (s.end_on IS NULL OR s.end_on >= '{secretary_end}')",
                        s = slot * 2 + 1
                    ),
                    &range(),
                )
                .await?;
        }
        // The platform's yearly totals (a year under way has its total so far).
        stats.imported += tx
            .execute(
                &format!(
                    "INSERT INTO training_hours_imported (member_id, year, source, hours, imported_by, imported_at) \
                     SELECT m.id, {year}, '党员教育平台', 80, NULL, {now} FROM members m WHERE m.branch_path >= $1 \
                     AND m.branch_path < $2 AND m.status IN ('probationary', 'full') AND m.id % 4 = 1 \
                     AND m.joined_on <= '{year:04}-12-31'"
                ),
                &range(),
            )
            .await?;
    }
    // The summary the check and the registers read (crate::training::refresh keeps it on write).
    for year in plan.years.iter().take(2) {
        crate::training::rebuild(tx, &plan.lo, &plan.hi, *year).await?;
    }
    if tx.kind() == DbKind::Postgres {
        // The ids were explicit: let the identity continue after them.
        tx.execute(
            "SELECT setval(pg_get_serial_sequence('training_classes', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), \
             MAX(id) IS NOT NULL) FROM training_classes",
            &[],
        )
        .await?;
    }
    Ok(stats)
}
