//! People in recruitment for the demos (发展党员), generated inside the database like the
//! decisions ([`crate::bulk_decisions`]), deterministic on ids, for the branches whose path is in
//! `lo..hi`:
//! - every member admitted in the last two years or not confirmed (probationary, or since died or left; the demo generators make them admitted 60 days or more before the
//!   demo's date, old enough to have applied at 18) has the path
//!   that admitted them: steps 1–20 dated around the admission assembly (their joining day), the
//!   probation's education six months on when that day has come, and for those confirmed since,
//!   the confirmation's request, assembly (the day of confirmation) and approval;
//! - each branch has one or two people earlier on the path (by `h = (id × 7919 + 17) mod 6` of
//!   the person), each at a stage with its deadlines: `h = 0` applied 10 days ago (the talk due
//!   soon); 1 applied 50 days ago and not talked to (DEV-TALK overdue); 2 an activist of 100 days;
//!   3 an activist of 400 days, assessed twice (DEV-OBJECT: may be made a candidate); 4 a
//!   candidate trained and reviewed; 5 admitted by the branch assembly 100 days ago and not yet
//!   approved (DEV-APPROVAL-TIME past 3 months). One person in four is a key teacher (双培养).
//!
//! Generated people have valid ID numbers (area 419901, a city no demo member comes from; a birth date and sequence from their
//! number, the GB 11643 check digit computed in SQL), so the registry's checks hold for them.

use chrono::{Days, NaiveDate};
use domain::family::recruitment::Step;

use crate::{Arg, DbKind, Result, Tx};

/// `col` moved by `days` days, as an ISO date text, on either backend.
fn shifted(kind: DbKind, col: &str, days: i64) -> String {
    match kind {
        DbKind::Sqlite => format!("date({col}, '{days} days')"),
        DbKind::Postgres => format!("to_char(CAST({col} AS DATE) + ({days}), 'YYYY-MM-DD')"),
    }
}

/// Each step of an admitted member's path, by its day relative to the admission assembly.
const ADMITTED: [(Step, i64); 20] = [
    (Step::Apply, -700),
    (Step::Talk, -690),
    (Step::Activist, -600),
    (Step::ActivistFiled, -595),
    (Step::Mentors, -595),
    (Step::Cultivation, -420),
    (Step::Candidate, -230),
    (Step::CandidateFiled, -225),
    (Step::Sponsors, -220),
    (Step::PoliticalReview, -150),
    (Step::Training, -120),
    (Step::CommitteeReview, -60),
    (Step::PreReview, -45),
    (Step::VolunteerForm, -30),
    (Step::AdmissionAssembly, 0),
    (Step::HqTalk, 15),
    (Step::AdmissionApproval, 40),
    (Step::AdmissionFiled, 45),
    (Step::Placement, 50),
    (Step::Oath, 60),
];

/// The templates of people earlier on the path: (template, step, days before the demo's date).
fn earlier() -> Vec<(i64, Step, i64)> {
    let mut out = vec![(0, Step::Apply, 10), (1, Step::Apply, 50)];
    for (t, since) in [(2, 100), (3, 400)] {
        out.extend([
            (t, Step::Apply, since + 120),
            (t, Step::Talk, since + 100),
            (t, Step::Activist, since),
            (t, Step::ActivistFiled, since - 5),
            (t, Step::Mentors, since - 5),
        ]);
    }
    out.extend([(3, Step::Cultivation, 220), (3, Step::Cultivation, 40)]);
    // 4: a candidate; 5: admitted by the assembly 100 days ago.
    for (t, shift) in [(4, 0), (5, 160)] {
        out.extend([
            (t, Step::Apply, shift + 760),
            (t, Step::Talk, shift + 750),
            (t, Step::Activist, shift + 700),
            (t, Step::ActivistFiled, shift + 695),
            (t, Step::Mentors, shift + 695),
            (t, Step::Cultivation, shift + 520),
            (t, Step::Cultivation, shift + 340),
            (t, Step::Candidate, shift + 300),
            (t, Step::CandidateFiled, shift + 295),
            (t, Step::Sponsors, shift + 290),
            (t, Step::PoliticalReview, shift + 120),
            (t, Step::Training, shift + 90),
        ]);
    }
    out.extend([
        (5, Step::CommitteeReview, 140),
        (5, Step::PreReview, 130),
        (5, Step::VolunteerForm, 120),
        (5, Step::AdmissionAssembly, 100),
        (5, Step::HqTalk, 95),
    ]);
    out
}

/// The GB 11643 check digit of the 17-character text `base`, in SQL.
fn check_digit(base: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: Vec<String> =
        W.iter().enumerate().map(|(i, w)| format!("CAST(substr({base}, {}, 1) AS INTEGER) * {w}", i + 1)).collect();
    format!("substr('10X98765432', (({}) % 11) + 1, 1)", sum.join(" + "))
}

/// How many people and steps were generated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecruitStats {
    pub people: u64,
    pub steps: u64,
}

pub async fn generate(tx: &mut Tx, lo: &str, hi: &str, as_of: NaiveDate, now: i64) -> Result<RecruitStats> {
    let range = || vec![Arg::Str(lo.to_string()), Arg::Str(hi.to_string())];
    let mut stats = RecruitStats::default();
    let latest = as_of.checked_sub_days(Days::new(60)).unwrap_or(as_of);
    // Members admitted in the last two years came through the path whether confirmed since or
    // not, so this year's and last year's statistics find every admission's record.
    let recent = as_of.checked_sub_days(Days::new(730)).unwrap_or(as_of);
    // The admitted: probationary members, their path around the joining day.
    stats.people += tx
        .execute(
            &format!(
                "INSERT INTO recruits (name, id_number, birth_date, gender, ethnicity, education, phone, unit_name, post, \
                 key_teacher, branch_id, branch_path, review_passed, member_id, created_at, updated_at) \
                 SELECT m.name, m.id_number, m.birth_date, m.gender, m.ethnicity, m.education, m.phone, \
                 COALESCE(m.unit_name, ''), COALESCE(m.post, ''), CASE WHEN m.id % 4 = 0 THEN 1 ELSE 0 END, \
                 m.branch_id, m.branch_path, 1, m.id, {now}, {now} FROM members m \
                 WHERE m.branch_path || '' >= $1 AND m.branch_path || '' < $2 \
                 AND (m.confirmed_on IS NULL OR m.joined_on > '{recent}') \
                 AND m.joined_on <= '{latest}' \
                 AND CAST(substr(m.birth_date, 1, 4) AS INTEGER) <= CAST(substr(m.joined_on, 1, 4) AS INTEGER) - 21 \
                 ORDER BY m.id"
            ),
            &range(),
        )
        .await?;
    let mut admitted: Vec<(Step, i64)> = ADMITTED.to_vec();
    admitted.push((Step::ProbationEducation, 180));
    stats.steps += admitted_steps(tx, lo, hi, as_of, now, &admitted, "m.joined_on").await?;
    // The confirmed among them: the request, the assembly on the day of confirmation, the approval.
    let confirmation =
        [(Step::ConfirmationRequest, -30), (Step::ConfirmationAssembly, 0), (Step::ConfirmationApproval, 20)];
    stats.steps += admitted_steps(tx, lo, hi, as_of, now, &confirmation, "m.confirmed_on").await?;
    // Those earlier on the path: one or two per branch, numbered by branch.
    let n = "(o.id * 2 + k.k)";
    let d = format!("({n} / 1000)");
    let year = format!("CAST(1980 + ({d} / 336) % 25 AS TEXT)");
    let month = format!("substr(CAST(101 + ({d} / 28) % 12 AS TEXT), 2, 2)");
    let day = format!("substr(CAST(101 + {d} % 28 AS TEXT), 2, 2)");
    let seq = format!("substr(CAST(1000 + {n} % 1000 AS TEXT), 2, 3)");
    let base = format!("('419901' || {year} || {month} || {day} || {seq})");
    let surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
    let given = "明华强芳敏静丽军杰涛洋艳勇娟磊超秀霞平刚";
    stats.people += tx
        .execute(
            &format!(
                "INSERT INTO recruits (name, id_number, birth_date, gender, ethnicity, education, phone, unit_name, post, \
                 key_teacher, branch_id, branch_path, review_passed, created_at, updated_at) \
                 SELECT substr('{surnames}', CAST({mix} % 20 + 1 AS INTEGER), 1) \
                 || substr('{given}', CAST(({mix} / 20) % 20 + 1 AS INTEGER), 1) \
                 || substr('{given}', CAST(({mix} / 400) % 20 + 1 AS INTEGER), 1), \
                 {base} || {check}, {year} || '-' || {month} || '-' || {day}, \
                 CASE WHEN ({n} % 1000) % 2 = 1 THEN 'male' ELSE 'female' END, '01', NULL, NULL, o.unit_name, '教师', \
                 CASE WHEN {n} % 4 = 0 THEN 1 ELSE 0 END, o.id, o.path, NULL, {now}, {now} \
                 FROM orgs o CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1) k \
                 WHERE o.path || '' >= $1 AND o.path || '' < $2 AND o.kind = 'branch' AND o.status = 'active' \
                 AND (k.k = 0 OR o.id % 2 = 0)",
                check = check_digit(&base),
                mix = format!("({n} * 7919 + 17)"),
            ),
            &range(),
        )
        .await?;
    let template = "((r.id * 7919 + 17) % 6)";
    for (t, step, days_before) in earlier() {
        let on = as_of.checked_sub_days(Days::new(u64::try_from(days_before).unwrap_or(0))).unwrap_or(as_of);
        let detail = step_detail(step);
        stats.steps += tx
            .execute(
                &format!(
                    "INSERT INTO recruit_steps (recruit_id, step, on_date, detail, reason, note, created_by, created_at) \
                     SELECT r.id, '{}', '{on}', '{detail}', '', '', NULL, {now} FROM recruits r \
                     WHERE r.branch_path || '' >= $1 AND r.branch_path || '' < $2 AND r.member_id IS NULL \
                     AND {template} = {t}",
                    step.as_str()
                ),
                &range(),
            )
            .await?;
    }
    tx.execute(
        "UPDATE recruits SET review_passed = 1 WHERE branch_path || '' >= $1 AND branch_path || '' < $2 \
         AND member_id IS NULL AND ((id * 7919 + 17) % 6) IN (4, 5)",
        &range(),
    )
    .await?;
    Ok(stats)
}

/// The steps of the admitted people's paths in `lo..hi`, each dated `days` from the member's
/// `day_col` (their joining or confirmation), those on or before `as_of`; members without that
/// day get none. Returns how many were written.
async fn admitted_steps(
    tx: &mut Tx,
    lo: &str,
    hi: &str,
    as_of: NaiveDate,
    now: i64,
    steps: &[(Step, i64)],
    day_col: &str,
) -> Result<u64> {
    let kind = tx.kind();
    let mut n = 0;
    for (step, days) in steps {
        let on = shifted(kind, day_col, *days);
        let detail = step_detail(*step);
        n += tx
            .execute(
                &format!(
                    "INSERT INTO recruit_steps (recruit_id, step, on_date, detail, reason, note, created_by, created_at) \
                     SELECT r.id, '{}', {on}, '{detail}', '', '', NULL, {now} FROM recruits r \
                     JOIN members m ON m.id = r.member_id \
                     WHERE r.branch_path || '' >= $1 AND r.branch_path || '' < $2 AND {day_col} IS NOT NULL \
                     AND {on} <= '{as_of}'",
                    step.as_str()
                ),
                &[Arg::Str(lo.to_string()), Arg::Str(hi.to_string())],
            )
            .await?;
    }
    Ok(n)
}

/// What a demo step records (the counts of an assembly, the review's conclusion, the training).
fn step_detail(step: Step) -> &'static str {
    match step {
        Step::PoliticalReview => r#"{"passed":true}"#,
        Step::Training => r#"{"days":3,"hours":24}"#,
        Step::AdmissionAssembly | Step::ConfirmationAssembly => r#"{"expected":9,"present":8,"yes":8,"written_yes":1}"#,
        _ => "{}",
    }
}
