//! Recruitment records (发展党员): the people on the path and their steps, read by the branch's
//! subtree. The rules are the domain's ([`domain::family::recruitment`]); this stores facts.

use chrono::NaiveDate;
use domain::codes::Gender;
use domain::family::recruitment::Step;
use domain::scope::Scope;
use serde::Serialize;

use crate::{Db, Result, SqlBuf, Tx, now_ms, scope_filter};

crate::typed_row! {
    /// A person in recruitment.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct RecruitRow in "recruits" {
        pub id: i64,
        pub name: String,
        pub id_number: String,
        pub birth_date: NaiveDate,
        pub gender: Gender,
        pub ethnicity: String,
        pub education: Option<String>,
        pub phone: Option<String>,
        pub unit_name: String,
        pub post: String,
        pub key_teacher: bool,
        pub branch_id: i64,
        pub branch_path: String,
        pub branch_name: String,
        pub review_passed: Option<i64>,
        pub extension_months: Option<i64>,
        pub extension_on: Option<NaiveDate>,
        pub extension_body: String,
        pub transferred_in_on: Option<NaiveDate>,
        pub member_id: Option<i64>,
        pub ended_on: Option<NaiveDate>,
        pub end_reason: String,
    }
}

const COLS: &str = "r.id, r.name, r.id_number, r.birth_date, r.gender, r.ethnicity, r.education, r.phone, r.unit_name, r.post, r.key_teacher, \
                    r.branch_id, r.branch_path, o.name AS branch_name, r.review_passed, r.extension_months, r.extension_on, r.extension_body, \
                    r.transferred_in_on, r.member_id, r.ended_on, r.end_reason";
const FROM: &str = " FROM recruits r JOIN orgs o ON o.id = r.branch_id";

/// SQL: the path is still with us: not admitted yet, or its member is a current member (one who
/// transferred out of the system, left or died is no longer on it).
const WITH_US: &str = "(r.member_id IS NULL OR EXISTS (SELECT 1 FROM members mm WHERE mm.id = r.member_id \
                       AND mm.status IN ('probationary','full')))";

/// A person entering recruitment with their application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecruit {
    pub name: String,
    pub id_number: String,
    pub birth_date: NaiveDate,
    pub gender: Gender,
    pub ethnicity: String,
    pub education: Option<String>,
    pub phone: Option<String>,
    pub unit_name: String,
    pub post: String,
    pub key_teacher: bool,
    pub branch_id: i64,
    pub branch_path: String,
}

pub async fn insert(tx: &mut Tx, r: &NewRecruit) -> Result<i64> {
    let now = now_ms();
    tx.insert_returning_id(
        "INSERT INTO recruits (name, id_number, birth_date, gender, ethnicity, education, phone, unit_name, post, \
         key_teacher, branch_id, branch_path, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$13) RETURNING id",
        &[
            r.name.as_str().into(),
            r.id_number.as_str().into(),
            r.birth_date.into(),
            r.gender.into(),
            r.ethnicity.as_str().into(),
            r.education.clone().into(),
            r.phone.clone().into(),
            r.unit_name.as_str().into(),
            r.post.as_str().into(),
            i64::from(r.key_teacher).into(),
            r.branch_id.into(),
            r.branch_path.as_str().into(),
            now.into(),
        ],
    )
    .await
}

/// The person with this ID number, if any (whatever the scope: one person is recorded once).
pub async fn id_by_id_number(tx: &mut Tx, id_number: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> =
        tx.fetch_optional("SELECT id FROM recruits WHERE id_number = $1", &[id_number.into()]).await?;
    Ok(row.map(|r| r.0))
}

/// One person, if in the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Option<RecruitRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS}{FROM} WHERE "));
    b.push_arg("r.id = ", id);
    scope_filter(&mut b, scope, "r.branch_path", None);
    Ok(db.fetch_buf(&b).await?.into_iter().next())
}

/// One person for update, if in the scope.
pub async fn get_in_tx(tx: &mut Tx, scope: &Scope, id: i64) -> Result<Option<RecruitRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS}{FROM} WHERE "));
    b.push_arg("r.id = ", id);
    scope_filter(&mut b, scope, "r.branch_path", None);
    tx.fetch_optional(&b.text, &b.args).await
}

/// The people of a subtree (by its path bounds), in the scope, open ones first, by name.
pub async fn of_subtree(db: &Db, scope: &Scope, lo: &str, hi: &str) -> Result<Vec<RecruitRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS}{FROM} WHERE {WITH_US} AND "));
    b.push_arg("r.branch_path >= ", lo);
    b.push_arg(" AND r.branch_path < ", hi);
    scope_filter(&mut b, scope, "r.branch_path", None);
    b.push(" ORDER BY CASE WHEN r.ended_on IS NULL THEN 0 ELSE 1 END, r.id");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A step as recorded.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct StepRow in "recruit_steps" {
        pub id: i64,
        pub recruit_id: i64,
        pub step: Step,
        pub on_date: NaiveDate,
        pub detail: String,
        pub reason: String,
        pub note: String,
    }
}

/// The steps of these people, by person then day then order of recording.
pub async fn steps_of(db: &Db, recruit_ids: &[i64]) -> Result<Vec<StepRow>> {
    if recruit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("SELECT id, recruit_id, step, on_date, detail, reason, note FROM recruit_steps WHERE ");
    crate::check::push_in(&mut b, "recruit_id", recruit_ids);
    b.push(" ORDER BY recruit_id, on_date, id");
    db.fetch_buf(&b).await
}

/// The person's steps inside a write.
pub async fn steps_in_tx(tx: &mut Tx, recruit_id: i64) -> Result<Vec<StepRow>> {
    tx.fetch_all(
        "SELECT id, recruit_id, step, on_date, detail, reason, note FROM recruit_steps WHERE recruit_id = $1 \
         ORDER BY on_date, id",
        &[recruit_id.into()],
    )
    .await
}

/// A step to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStep {
    pub recruit_id: i64,
    pub step: Step,
    pub on: NaiveDate,
    pub detail: String,
    pub reason: String,
    pub note: String,
}

pub async fn insert_step(tx: &mut Tx, s: &NewStep, by: i64) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO recruit_steps (recruit_id, step, on_date, detail, reason, note, created_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
        &[
            s.recruit_id.into(),
            s.step.into(),
            s.on.into(),
            s.detail.as_str().into(),
            s.reason.as_str().into(),
            s.note.as_str().into(),
            by.into(),
            now_ms().into(),
        ],
    )
    .await
}

/// Records facts a step decides: the review's conclusion, the member made at approval, the
/// probation's extension.
pub async fn set_review(tx: &mut Tx, id: i64, passed: bool) -> Result<()> {
    tx.execute(
        "UPDATE recruits SET review_passed = $1, updated_at = $2 WHERE id = $3",
        &[i64::from(passed).into(), now_ms().into(), id.into()],
    )
    .await?;
    Ok(())
}

pub async fn set_member(tx: &mut Tx, id: i64, member_id: i64) -> Result<()> {
    tx.execute(
        "UPDATE recruits SET member_id = $1, updated_at = $2 WHERE id = $3",
        &[member_id.into(), now_ms().into(), id.into()],
    )
    .await?;
    Ok(())
}

pub async fn set_extension(tx: &mut Tx, id: i64, months: u32, on: NaiveDate, body: &str) -> Result<()> {
    tx.execute(
        "UPDATE recruits SET extension_months = $1, extension_on = $2, extension_body = $3, updated_at = $4 \
         WHERE id = $5",
        &[i64::from(months).into(), on.into(), body.into(), now_ms().into(), id.into()],
    )
    .await?;
    Ok(())
}

/// Whether the org may approve admissions (DEV-APPROVER): its own setting, else its kind.
pub async fn may_approve(tx: &mut Tx, org_id: i64) -> Result<Option<bool>> {
    let row: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT COALESCE(may_approve_admissions, CASE WHEN kind = 'committee' THEN 1 ELSE 0 END) FROM orgs \
             WHERE id = $1",
            &[org_id.into()],
        )
        .await?;
    Ok(row.map(|r| r.0 == 1))
}

/// Step 24: the member is full from `confirmed_on` (the day after the probation ends,
/// DEV-CONVERT-TIME), recorded as a status change of that day.
pub async fn confirm_member(tx: &mut Tx, member_id: i64, confirmed_on: NaiveDate) -> Result<()> {
    tx.execute(
        "UPDATE members SET confirmed_on = $1, updated_at = $2 WHERE id = $3",
        &[confirmed_on.into(), now_ms().into(), member_id.into()],
    )
    .await?;
    crate::transfer::set_member_status(tx, member_id, domain::codes::MemberStatus::Full, confirmed_on).await
}

/// The probation's extension on the member's record too (延长预备期, the registry's item).
pub async fn extend_member_probation(tx: &mut Tx, member_id: i64, months: u32) -> Result<()> {
    tx.execute(
        "UPDATE members SET probation_extension_months = $1, updated_at = $2 WHERE id = $3",
        &[i64::from(months).into(), now_ms().into(), member_id.into()],
    )
    .await?;
    Ok(())
}

/// The people in recruitment of these branches not ended (the full check, the deadlines), each
/// with their steps as (step, day) in order of day and step. One row per person: the steps come
/// packed in one text value (`step:day,step:day,…`), read through the step index, so a province
/// hands over some 400,000 rows rather than 5 million, each a thread handoff in the driver.
pub async fn open_paths_of_branches(db: &Db, branch_ids: &[i64]) -> Result<Vec<(RecruitRow, Vec<(Step, NaiveDate)>)>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let agg = crate::check::string_agg(db);
    let mut b = SqlBuf::new(&format!(
        "SELECT {COLS}, COALESCE((SELECT {agg}(s.step || ':' || s.on_date, ',') FROM recruit_steps s \
         WHERE s.recruit_id = r.id), '') AS packed{FROM} WHERE r.ended_on IS NULL AND {WITH_US} AND "
    ));
    crate::check::push_in(&mut b, "r.branch_id", branch_ids);
    b.push(" ORDER BY r.id");
    let rows: Vec<PackedPath> = db.fetch_buf(&b).await?;
    rows.into_iter()
        .map(|p| {
            let mut steps = Vec::new();
            for entry in p.packed.split(',').filter(|e| !e.is_empty()) {
                let corrupt =
                    || crate::StorageError::corrupt("recruit_steps", format!("recruit {}: {entry}", p.row.id));
                let (step, on) = entry.split_once(':').ok_or_else(corrupt)?;
                let step = <Step as domain::codes::StoredCode>::from_stored(step).ok_or_else(corrupt)?;
                let on = domain::dates::parse_iso(on).ok_or_else(corrupt)?;
                steps.push((step, on));
            }
            steps.sort_by_key(|(step, on)| (*on, *step));
            Ok((p.row, steps))
        })
        .collect()
}

/// A person with their steps packed (see [`open_paths_of_branches`]).
struct PackedPath {
    row: RecruitRow,
    packed: String,
}

impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for PackedPath
where
    RecruitRow: sqlx::FromRow<'r, R>,
    &'r str: sqlx::ColumnIndex<R>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> std::result::Result<Self, sqlx::Error> {
        Ok(PackedPath { row: RecruitRow::from_row(row)?, packed: row.try_get("packed")? })
    }
}

/// A probationary member from recruitment received by another branch (DEV-TRANSFER-PROB): their
/// path follows them, with the day they were received; a confirmed path stays where it ended.
pub async fn follow_member(tx: &mut Tx, member_id: i64, to: &crate::member::Placement, on: NaiveDate) -> Result<u64> {
    tx.execute(
        "UPDATE recruits SET branch_id = $1, branch_path = $2, transferred_in_on = $3, updated_at = $4 \
         WHERE member_id = $5 AND ended_on IS NULL AND NOT EXISTS (SELECT 1 FROM recruit_steps s \
         WHERE s.recruit_id = recruits.id AND s.step = 'confirmation_approval')",
        &[to.branch_id.into(), to.branch_path.clone().into(), on.into(), now_ms().into(), member_id.into()],
    )
    .await
}

/// Moves a person not yet admitted to another branch (DEV-TRANSFER-ACT: the materials move and
/// the cultivation time goes on; the steps stay as recorded).
pub async fn move_to(tx: &mut Tx, id: i64, to: &crate::member::Placement) -> Result<()> {
    tx.execute(
        "UPDATE recruits SET branch_id = $1, branch_path = $2, updated_at = $3 WHERE id = $4",
        &[to.branch_id.into(), to.branch_path.clone().into(), now_ms().into(), id.into()],
    )
    .await?;
    Ok(())
}

/// Ends a path without admission or confirmation (withdrawn, no longer an activist, the
/// qualification cancelled): the day and why.
pub async fn end(tx: &mut Tx, id: i64, on: NaiveDate, reason: &str) -> Result<()> {
    tx.execute(
        "UPDATE recruits SET ended_on = $1, end_reason = $2, updated_at = $3 WHERE id = $4",
        &[on.into(), reason.into(), now_ms().into(), id.into()],
    )
    .await?;
    Ok(())
}

/// Ends the open path of a probationary member (取消预备党员资格 decided on the lifecycle's
/// page): the path of a member not confirmed stops with the decision.
pub async fn end_for_member(tx: &mut Tx, member_id: i64, on: NaiveDate, reason: &str) -> Result<u64> {
    tx.execute(
        "UPDATE recruits SET ended_on = $1, end_reason = $2, updated_at = $3 WHERE member_id = $4 \
         AND ended_on IS NULL",
        &[on.into(), reason.into(), now_ms().into(), member_id.into()],
    )
    .await
}

crate::typed_row! {
    /// A document of a person's path, to the step it belongs to (stored by its SHA-256).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct DocumentRow in "recruit_documents" {
        pub id: i64,
        pub recruit_id: i64,
        pub step: Step,
        pub file_name: String,
        pub content_type: String,
        pub size_bytes: i64,
        pub sha256: String,
        pub created_at: i64,
    }
}

/// A stored file attached to a person's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub recruit_id: i64,
    pub step: Step,
    pub file_name: String,
    pub content_type: &'static str,
    pub size_bytes: i64,
    pub sha256: String,
}

pub async fn add_document(tx: &mut Tx, d: &NewDocument, by: i64) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO recruit_documents (recruit_id, step, file_name, content_type, size_bytes, sha256, created_by, \
         created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
        &[
            d.recruit_id.into(),
            d.step.as_str().into(),
            d.file_name.as_str().into(),
            d.content_type.into(),
            d.size_bytes.into(),
            d.sha256.as_str().into(),
            by.into(),
            now_ms().into(),
        ],
    )
    .await
}

/// The documents of a person's path, if the person is in scope.
pub async fn documents(db: &Db, scope: &Scope, recruit_id: i64) -> Result<Vec<DocumentRow>> {
    let mut b = SqlBuf::new(
        "SELECT d.id, d.recruit_id, d.step, d.file_name, d.content_type, d.size_bytes, d.sha256, d.created_at \
         FROM recruit_documents d JOIN recruits r ON r.id = d.recruit_id WHERE d.recruit_id = ",
    );
    let a = b.arg(recruit_id);
    b.push(&a);
    scope_filter(&mut b, scope, "r.branch_path", None);
    b.push(" ORDER BY d.id");
    db.fetch_buf(&b).await
}

/// 双培养: marks a member as a key teacher (骨干教师) or not.
pub async fn set_member_key_teacher(tx: &mut Tx, member_id: i64, key_teacher: bool) -> Result<()> {
    tx.execute(
        "UPDATE members SET key_teacher = $1, updated_at = $2 WHERE id = $3",
        &[i64::from(key_teacher).into(), now_ms().into(), member_id.into()],
    )
    .await?;
    Ok(())
}

/// Whether a member is marked a key teacher.
pub async fn member_key_teacher(db: &Db, member_id: i64) -> Result<bool> {
    let row: Option<(i64,)> =
        db.fetch_optional("SELECT key_teacher FROM members WHERE id = $1", &[member_id.into()]).await?;
    Ok(row.is_some_and(|r| r.0 == 1))
}

/// 双培养: how many current members (probationary or full) of the subtree `[lo, hi)` are key
/// teachers, and how many members there are.
pub async fn key_teacher_members(db: &Db, scope: &Scope, lo: &str, hi: &str) -> Result<(i64, i64)> {
    let mut b = SqlBuf::new(
        "SELECT COUNT(CASE WHEN m.key_teacher = 1 THEN 1 END), COUNT(*) FROM members m \
         WHERE m.status IN ('probationary','full') AND m.branch_path >= ",
    );
    let (a, z) = (b.arg(lo.to_string()), b.arg(hi.to_string()));
    b.push(&format!("{a} AND m.branch_path < {z}"));
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    let rows: Vec<(i64, i64)> = db.fetch_buf(&b).await?;
    Ok(rows.first().copied().unwrap_or((0, 0)))
}
