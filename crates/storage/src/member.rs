//! The member registry: person data, status with its history, and branch / group membership
//! as dated spans. `members.branch_id`, `group_id` and `branch_path` cache the open spans so
//! that a subtree list is one index range; they change only together with the spans.

use crate::{Arg, Db, Result, SqlBuf, StorageError, Tx, now_ms, scope_filter};
use domain::org::OrgPath;
use domain::scope::Scope;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_date: String,
    pub id_number: String,
    pub phone: Option<String>,
    pub education: Option<String>,
    pub degree: Option<String>,
    pub occupation: Option<String>,
    pub post: Option<String>,
    pub unit_name: Option<String>,
    pub joined_on: String,
    pub confirmed_on: Option<String>,
    pub status: String,
    pub status_changed_on: String,
    pub dues_category: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub branch_path: String,
}

impl MemberRow {
    pub fn branch_org_path(&self) -> Result<OrgPath> {
        OrgPath::parse(&self.branch_path).map_err(|e| StorageError::corrupt("members", e.to_string()))
    }
}

pub(crate) const COLS: &str = "m.id, m.name, m.gender, m.ethnicity, m.birth_date, m.id_number, m.phone, m.education, m.degree, \
    m.occupation, m.post, m.unit_name, m.joined_on, m.confirmed_on, m.status, m.status_changed_on, m.dues_category, \
    m.branch_id, b.name AS branch_name, m.group_id, g.name AS group_name, m.branch_path";
pub(crate) const FROM: &str = " FROM members m JOIN orgs b ON b.id = m.branch_id LEFT JOIN orgs g ON g.id = m.group_id";

/// Validated member fields in storage form (identifiers and ISO dates).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MemberData {
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_date: String,
    pub id_number: String,
    pub phone: Option<String>,
    pub education: Option<String>,
    pub degree: Option<String>,
    pub occupation: Option<String>,
    pub post: Option<String>,
    pub unit_name: Option<String>,
    pub joined_on: String,
    pub confirmed_on: Option<String>,
    pub status: String,
    pub dues_category: String,
}

/// Sort keys of the member list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Name,
    JoinedOn,
    BirthDate,
    Status,
    Id,
}

impl SortKey {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "name" => Some(Self::Name),
            "joined_on" => Some(Self::JoinedOn),
            "birth_date" => Some(Self::BirthDate),
            "status" => Some(Self::Status),
            "id" => Some(Self::Id),
            _ => None,
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Name => "m.name",
            Self::JoinedOn => "m.joined_on",
            Self::BirthDate => "m.birth_date",
            Self::Status => "m.status",
            Self::Id => "m.id",
        }
    }
}

/// Filters of the member list; every field is optional. Dates are ISO strings.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    pub name_prefix: Option<String>,
    pub subtree: Option<OrgPath>,
    pub statuses: Vec<String>,
    pub gender: Option<String>,
    pub education: Option<String>,
    pub joined_from: Option<String>,
    pub joined_to: Option<String>,
    /// Born on or after this date (from an age band).
    pub born_from: Option<String>,
    /// Born on or before this date.
    pub born_to: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    /// 1-based page.
    pub page: i64,
    pub per_page: i64,
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(crate) fn push_filter(b: &mut SqlBuf, scope: &Scope, f: &MemberFilter) {
    if let Some(n) = &f.name_prefix {
        b.push_arg(" AND m.name LIKE ", format!("{}%", like_escape(n)));
        b.push(" ESCAPE '\\'");
    }
    if let Some(root) = &f.subtree {
        let (lo, hi) = root.subtree_bounds();
        b.push_arg(" AND m.branch_path >= ", lo);
        b.push_arg(" AND m.branch_path < ", hi);
    }
    if !f.statuses.is_empty() {
        let ph: Vec<String> = f.statuses.iter().map(|s| b.arg(s.as_str())).collect();
        b.push(&format!(" AND m.status IN ({})", ph.join(",")));
    }
    if let Some(g) = &f.gender {
        b.push_arg(" AND m.gender = ", g.as_str());
    }
    if let Some(e) = &f.education {
        b.push_arg(" AND m.education = ", e.as_str());
    }
    if let Some(d) = &f.joined_from {
        b.push_arg(" AND m.joined_on >= ", d.as_str());
    }
    if let Some(d) = &f.joined_to {
        b.push_arg(" AND m.joined_on <= ", d.as_str());
    }
    if let Some(d) = &f.born_from {
        b.push_arg(" AND m.birth_date >= ", d.as_str());
    }
    if let Some(d) = &f.born_to {
        b.push_arg(" AND m.birth_date <= ", d.as_str());
    }
    scope_filter(b, scope, "m.branch_path", Some("m.id"));
}

#[derive(sqlx::FromRow)]
struct CountedRow {
    #[sqlx(flatten)]
    row: MemberRow,
    total_count: i64,
}

/// One page of the member list and the total count of matching members, in one query
/// (`COUNT(*) OVER ()` counts the matches before LIMIT); only a page past the end needs a
/// second query for the count.
pub async fn list(db: &Db, scope: &Scope, f: &MemberFilter) -> Result<(Vec<MemberRow>, i64)> {
    let per_page = f.per_page.clamp(1, 500);
    let page = f.page.max(1);
    let mut b = SqlBuf::new(&format!("SELECT {COLS}, COUNT(*) OVER () AS total_count{FROM} WHERE 1=1"));
    push_filter(&mut b, scope, f);
    let dir = if f.descending { "DESC" } else { "ASC" };
    b.push(&format!(" ORDER BY {} {dir}, m.id {dir}", f.sort.column()));
    b.push_arg(" LIMIT ", per_page);
    b.push_arg(" OFFSET ", (page - 1).saturating_mul(per_page));
    let rows: Vec<CountedRow> = db.fetch_buf(&b).await?;
    if let Some(first) = rows.first() {
        let total = first.total_count;
        return Ok((rows.into_iter().map(|r| r.row).collect(), total));
    }
    let mut c = SqlBuf::new("SELECT COUNT(*) FROM members m WHERE 1=1");
    push_filter(&mut c, scope, f);
    let (total,): (i64,) = db.fetch_one(&c.text, &c.args).await?;
    Ok((Vec::new(), total))
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Option<MemberRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS}{FROM} WHERE "));
    b.push_arg("m.id = ", id);
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    Ok(db.fetch_all(&b.text, &b.args).await?.into_iter().next())
}

pub async fn get_in_tx(tx: &mut Tx, scope: &Scope, id: i64) -> Result<Option<MemberRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS}{FROM} WHERE "));
    b.push_arg("m.id = ", id);
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    tx.fetch_optional(&b.text, &b.args).await
}

/// The id of the member with this id_number, whatever the scope (to refuse duplicates).
pub async fn id_by_id_number(tx: &mut Tx, id_number: &str) -> Result<Option<i64>> {
    Ok(tx
        .fetch_optional::<(i64,)>("SELECT id FROM members WHERE id_number = $1", &[id_number.into()])
        .await?
        .map(|r| r.0))
}

fn data_args(d: &MemberData) -> Vec<Arg> {
    vec![
        d.name.clone().into(),
        d.gender.clone().into(),
        d.ethnicity.clone().into(),
        d.birth_date.clone().into(),
        d.id_number.clone().into(),
        d.phone.clone().into(),
        d.education.clone().into(),
        d.degree.clone().into(),
        d.occupation.clone().into(),
        d.post.clone().into(),
        d.unit_name.clone().into(),
        d.joined_on.clone().into(),
        d.confirmed_on.clone().into(),
        d.status.clone().into(),
        d.dues_category.clone().into(),
    ]
}

/// Where a member belongs: the branch (its id and path) and optionally a group inside it.
#[derive(Debug, Clone)]
pub struct Placement {
    pub branch_id: i64,
    pub branch_path: String,
    pub group_id: Option<i64>,
}

/// Inserts a member with their first spans and status record, dated `since`.
pub async fn insert(tx: &mut Tx, d: &MemberData, at: &Placement, since: &str) -> Result<i64> {
    let now = now_ms();
    let mut args = data_args(d);
    args.extend([since.into(), at.branch_id.into(), at.group_id.into(), at.branch_path.clone().into(), now.into()]);
    let id = tx
        .insert_returning_id(
            "INSERT INTO members (name, gender, ethnicity, birth_date, id_number, phone, education, degree, occupation, \
             post, unit_name, joined_on, confirmed_on, status, dues_category, status_changed_on, branch_id, group_id, \
             branch_path, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$20) RETURNING id",
            &args,
        )
        .await?;
    open_spans(tx, id, at, since).await?;
    tx.execute(
        "INSERT INTO member_status_changes (member_id, status, changed_on, created_at) VALUES ($1,$2,$3,$4)",
        &[id.into(), d.status.clone().into(), since.into(), now.into()],
    )
    .await?;
    Ok(id)
}

async fn open_spans(tx: &mut Tx, member_id: i64, at: &Placement, since: &str) -> Result<()> {
    let now = now_ms();
    tx.execute(
        "INSERT INTO member_org_spans (member_id, org_id, kind, start_on, created_at) VALUES ($1,$2,'branch',$3,$4)",
        &[member_id.into(), at.branch_id.into(), since.into(), now.into()],
    )
    .await?;
    if let Some(g) = at.group_id {
        tx.execute(
            "INSERT INTO member_org_spans (member_id, org_id, kind, start_on, created_at) VALUES ($1,$2,'group',$3,$4)",
            &[member_id.into(), g.into(), since.into(), now.into()],
        )
        .await?;
    }
    Ok(())
}

/// Updates the person fields. A status change is recorded with its date (`on`).
pub async fn update(tx: &mut Tx, id: i64, d: &MemberData, status_changed: bool, on: &str) -> Result<()> {
    let now = now_ms();
    let mut args = data_args(d);
    args.extend([now.into(), id.into()]);
    tx.execute(
        "UPDATE members SET name=$1, gender=$2, ethnicity=$3, birth_date=$4, id_number=$5, phone=$6, education=$7, \
         degree=$8, occupation=$9, post=$10, unit_name=$11, joined_on=$12, confirmed_on=$13, status=$14, \
         dues_category=$15, updated_at=$16 WHERE id=$17",
        &args,
    )
    .await?;
    if status_changed {
        tx.execute("UPDATE members SET status_changed_on = $1 WHERE id = $2", &[on.into(), id.into()]).await?;
        tx.execute(
            "INSERT INTO member_status_changes (member_id, status, changed_on, created_at) VALUES ($1,$2,$3,$4)",
            &[id.into(), d.status.clone().into(), on.into(), now.into()],
        )
        .await?;
    }
    Ok(())
}

/// Updates only the contact field a member may edit on their own record.
pub async fn update_phone(tx: &mut Tx, id: i64, phone: Option<&str>) -> Result<()> {
    tx.execute(
        "UPDATE members SET phone = $1, updated_at = $2 WHERE id = $3",
        &[phone.into(), now_ms().into(), id.into()],
    )
    .await?;
    Ok(())
}

/// Moves a member to another branch and/or group on date `on`: the open spans end the day
/// before and new spans start on `on`; history is never overwritten.
pub async fn relocate(tx: &mut Tx, member: &MemberRow, to: &Placement, on: &str, day_before: &str) -> Result<()> {
    if to.branch_id != member.branch_id {
        tx.execute(
            "UPDATE member_org_spans SET end_on = $1 WHERE member_id = $2 AND end_on IS NULL",
            &[day_before.into(), member.id.into()],
        )
        .await?;
        open_spans(tx, member.id, to, on).await?;
    } else if to.group_id != member.group_id {
        tx.execute(
            "UPDATE member_org_spans SET end_on = $1 WHERE member_id = $2 AND kind = 'group' AND end_on IS NULL",
            &[day_before.into(), member.id.into()],
        )
        .await?;
        if let Some(g) = to.group_id {
            tx.execute(
                "INSERT INTO member_org_spans (member_id, org_id, kind, start_on, created_at) VALUES ($1,$2,'group',$3,$4)",
                &[member.id.into(), g.into(), on.into(), now_ms().into()],
            )
            .await?;
        }
    }
    tx.execute(
        "UPDATE members SET branch_id = $1, group_id = $2, branch_path = $3, updated_at = $4 WHERE id = $5",
        &[to.branch_id.into(), to.group_id.into(), to.branch_path.clone().into(), now_ms().into(), member.id.into()],
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SpanRow {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub kind: String,
    pub start_on: String,
    pub end_on: Option<String>,
}

pub async fn spans(db: &Db, member_id: i64) -> Result<Vec<SpanRow>> {
    db.fetch_all(
        "SELECT s.id, s.org_id, o.name AS org_name, s.kind, s.start_on, s.end_on FROM member_org_spans s \
         JOIN orgs o ON o.id = s.org_id WHERE s.member_id = $1 ORDER BY s.start_on DESC, s.id DESC",
        &[member_id.into()],
    )
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StatusChangeRow {
    pub status: String,
    pub changed_on: String,
}

pub async fn status_changes(db: &Db, member_id: i64) -> Result<Vec<StatusChangeRow>> {
    db.fetch_all(
        "SELECT status, changed_on FROM member_status_changes WHERE member_id = $1 ORDER BY changed_on DESC, id DESC",
        &[member_id.into()],
    )
    .await
}

/// Posts the member holds or held, with the org's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MemberPostRow {
    pub org_id: i64,
    pub org_name: String,
    pub post: String,
    pub start_on: String,
    pub end_on: Option<String>,
}

pub async fn posts_of(db: &Db, member_id: i64) -> Result<Vec<MemberPostRow>> {
    db.fetch_all(
        "SELECT p.org_id, o.name AS org_name, p.post, p.start_on, p.end_on FROM org_posts p JOIN orgs o ON o.id = p.org_id \
         WHERE p.member_id = $1 ORDER BY p.start_on DESC",
        &[member_id.into()],
    )
    .await
}

/// Member counts by status within the scope.
pub async fn count_by_status(db: &Db, scope: &Scope) -> Result<Vec<(String, i64)>> {
    let mut b = SqlBuf::new("SELECT m.status, COUNT(*) FROM members m WHERE 1=1");
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    b.push(" GROUP BY m.status");
    db.fetch_buf(&b).await
}

/// Probationary members who joined in `[joined_from, joined_to]` (the caller derives the
/// window from the probation rule and the as-of date), oldest first.
pub async fn probationary_joined_between(
    db: &Db,
    scope: &Scope,
    joined_from: &str,
    joined_to: &str,
) -> Result<Vec<MemberRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS}{FROM} WHERE m.status = 'probationary'"));
    b.push_arg(" AND m.joined_on >= ", joined_from);
    b.push_arg(" AND m.joined_on <= ", joined_to);
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    b.push(" ORDER BY m.joined_on, m.id LIMIT 200");
    db.fetch_buf(&b).await
}

/// Members of one org (branch: everyone in its subtree; group: its members) with current status.
pub async fn of_org(db: &Db, scope: &Scope, org_path: &OrgPath, group_id: Option<i64>) -> Result<Vec<MemberRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS}{FROM} WHERE m.status IN ('probationary','full')"));
    if let Some(g) = group_id {
        b.push_arg(" AND m.group_id = ", g);
    } else {
        let (lo, hi) = org_path.subtree_bounds();
        b.push_arg(" AND m.branch_path >= ", lo);
        b.push_arg(" AND m.branch_path < ", hi);
    }
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    b.push(" ORDER BY m.name, m.id LIMIT 1000");
    db.fetch_buf(&b).await
}
