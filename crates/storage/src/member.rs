//! The member registry: person data, status with its history, and branch / group membership
//! as dated spans. `members.branch_id`, `group_id` and `branch_path` cache the open spans so
//! that a subtree list is one index range; they change only together with the spans.

use crate::{Arg, Db, DbKind, Result, SqlBuf, StorageError, Tx, now_ms, scope_filter};
use chrono::NaiveDate;
use domain::codes::{DuesCategory, Gender, MemberStatus};
use domain::org::OrgPath;
use domain::scope::Scope;
use serde::Serialize;

// A member's dated records (memberships, status changes, posts, months without assigned work)
// live in `member_history`; callers reach them through this module's name.
pub use crate::member_anniversaries::*;
pub use crate::member_history::*;

crate::typed_row! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct MemberRow in "members" {
        pub id: i64,
        pub name: String,
        pub gender: Gender,
        pub ethnicity: String,
        pub birth_date: NaiveDate,
        pub id_number: String,
        pub phone: Option<String>,
        pub education: Option<String>,
        pub degree: Option<String>,
        pub occupation: Option<String>,
        pub post: Option<String>,
        pub unit_name: Option<String>,
        pub joined_on: NaiveDate,
        pub confirmed_on: Option<NaiveDate>,
        pub status: MemberStatus,
        pub status_changed_on: NaiveDate,
        pub dues_category: DuesCategory,
        pub address: Option<String>,
        pub lost_contact: bool,
        pub lost_contact_since: Option<String>,
        pub mobile_member: bool,
        pub mobile_destination: Option<String>,
        pub remark: Option<String>,
        /// 延长预备期 in months, when the probation was extended (DEV-PROBATION).
        pub probation_extension_months: Option<i64>,
        /// The first month dues are owed when not the joining month (a letter in's "paid up to").
        pub dues_owed_from: Option<NaiveDate>,
        pub branch_id: i64,
        pub branch_name: String,
        pub group_id: Option<i64>,
        pub group_name: Option<String>,
        pub branch_path: String,
    }
}

impl MemberRow {
    pub fn branch_org_path(&self) -> Result<OrgPath> {
        OrgPath::parse(&self.branch_path).map_err(|e| StorageError::corrupt("members", e.to_string()))
    }
}

pub(crate) const COLS: &str = "m.id, m.name, m.gender, m.ethnicity, m.birth_date, m.id_number, m.phone, m.education, m.degree, \
    m.occupation, m.post, m.unit_name, m.joined_on, m.confirmed_on, m.status, m.status_changed_on, m.dues_category, \
    m.address, m.lost_contact, m.lost_contact_since, m.mobile_member, m.mobile_destination, m.remark, \
    m.probation_extension_months, m.dues_owed_from, m.branch_id, b.name AS branch_name, m.group_id, g.name AS group_name, m.branch_path";
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
    /// The national system's items (附件2 items 13, 15, 16): 家庭住址, 失联 (with the month,
    /// 'YYYY-MM'), 流动党员 (with 外出流向), and 备注.
    pub address: Option<String>,
    pub lost_contact: bool,
    pub lost_contact_since: Option<String>,
    pub mobile_member: bool,
    pub mobile_destination: Option<String>,
    pub remark: Option<String>,
    /// 延长预备期 in months (DEV-PROBATION), when extended.
    pub probation_extension_months: Option<i64>,
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
            Self::Name => "m.name_key",
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

/// The names that start with `prefix` as a range `[lo, hi)` in code point order (SQLite's
/// BINARY collation, PostgreSQL's "C", which `members.name` has on both), which an index on
/// the name serves; `hi` is `None` when no string bounds it. `None` when the prefix has ASCII
/// letters: SQLite's LIKE matches those without regard to case, and a range would not.
fn prefix_range(prefix: &str) -> Option<(String, Option<String>)> {
    if prefix.chars().any(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some((prefix.to_string(), next_after_prefix(prefix)))
}

/// The least string above every string that begins with `prefix` (in code point order); `None`
/// when there is none (the prefix is all `char::MAX`).
fn next_after_prefix(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        // The next code point that is a char (skipping the surrogates).
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// How the filter's columns are written. An expression such as `(m.branch_path || '')` has
/// the column's values and collation, but no index serves it: that is how [`list`] tells
/// both planners which index to walk.
struct Cols<'a> {
    path: &'a str,
    name: &'a str,
}

const PLAIN: Cols<'static> = Cols { path: "m.branch_path", name: "m.name_key" };
const PATH_UNINDEXED: Cols<'static> = Cols { path: "(m.branch_path || '')", name: "m.name_key" };
const NAME_UNINDEXED: Cols<'static> = Cols { path: "m.branch_path", name: "(m.name_key || '')" };

pub(crate) fn push_filter(b: &mut SqlBuf, scope: &Scope, f: &MemberFilter) {
    push_filter_as(b, scope, f, &PLAIN);
}

fn push_filter_as(b: &mut SqlBuf, scope: &Scope, f: &MemberFilter, cols: &Cols) {
    let Cols { path, name } = cols;
    if let Some(n) = &f.name_prefix {
        // The names beginning with the prefix have keys beginning with its key: a range of the
        // index. Two characters may read alike (王, 亡), so the name itself is checked too.
        let key = domain::collation::name_key(n);
        if let Some(hi) = next_after_prefix(&key) {
            b.push_arg(&format!(" AND {name} < "), hi);
        }
        b.push_arg(&format!(" AND {name} >= "), key);
        match prefix_range(n) {
            Some((lo, hi)) => {
                b.push_arg(" AND m.name >= ", lo);
                if let Some(hi) = hi {
                    b.push_arg(" AND m.name < ", hi);
                }
            }
            None => {
                b.push_arg(" AND m.name LIKE ", format!("{}%", like_escape(n)));
                b.push(" ESCAPE '\\'");
            }
        }
    }
    if let Some(root) = &f.subtree {
        let (lo, hi) = root.subtree_bounds();
        b.push_arg(&format!(" AND {path} >= "), lo);
        b.push_arg(&format!(" AND {path} < "), hi);
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
    if !within_scope(scope, f) {
        scope_filter(b, scope, path, Some("m.id"));
    }
}

/// Whether the filter's subtree lies inside one of the scope's subtrees: it then keeps to the
/// scope by itself, and the planner weighs one range instead of two.
fn within_scope(scope: &Scope, f: &MemberFilter) -> bool {
    f.subtree.as_ref().is_some_and(|s| scope.subtrees.iter().any(|t| s.is_within(t)))
}

/// The member list counts its matches up to this many; past it, `total` is a lower bound
/// (see [`list`]).
pub const LIST_TOTAL_CAP: i64 = 1_000;

/// A subtree (with the scope) of at most this many orgs has few enough members (a few
/// thousand) to be listed by name by sorting them; a larger one is listed by walking the name
/// index and keeping its members, which finds a page sooner.
const SMALL_SUBTREE_ORGS: i64 = 400;

/// The number of orgs (up to `SMALL_SUBTREE_ORGS + 1`) in the filter's subtree and the
/// scope, as a scalar subquery; `None` when neither restricts the org tree, or when only the
/// viewer's own record is in scope (see [`list`]).
fn subtree_probe(b: &mut SqlBuf, scope: &Scope, f: &MemberFilter) -> Option<String> {
    if (f.subtree.is_none() && scope.all) || (!scope.all && scope.subtrees.is_empty()) {
        return None;
    }
    let saved = std::mem::replace(&mut b.text, String::from("(SELECT COUNT(*) FROM (SELECT 1 FROM orgs o WHERE 1=1"));
    if let Some(root) = &f.subtree {
        let (lo, hi) = root.subtree_bounds();
        b.push_arg(" AND o.path >= ", lo);
        b.push_arg(" AND o.path < ", hi);
    }
    if !within_scope(scope, f) {
        scope_filter(b, scope, "o.path", None);
    }
    b.push(&format!(" LIMIT {}", SMALL_SUBTREE_ORGS + 1));
    b.push(") p)");
    Some(std::mem::replace(&mut b.text, saved))
}

/// `AND …` of the filter with `cols`, as text; its arguments go to `b`.
fn filter_text(b: &mut SqlBuf, scope: &Scope, f: &MemberFilter, cols: &Cols) -> String {
    let saved = std::mem::take(&mut b.text);
    push_filter_as(b, scope, f, cols);
    std::mem::replace(&mut b.text, saved)
}

/// The capped count of the matches, as a scalar subquery.
fn count_text(b: &mut SqlBuf, scope: &Scope, f: &MemberFilter, cols: &Cols) -> String {
    let filter = filter_text(b, scope, f, cols);
    let limit = LIST_TOTAL_CAP + 1;
    format!("(SELECT COUNT(*) FROM (SELECT 1 FROM members m WHERE 1=1{filter} LIMIT {limit}) c)")
}

/// The member columns of [`MemberRow`]; the org names are filled in after the statement.
const PAGE_COLS: &str = "m.id, m.name, m.name_key, m.gender, m.ethnicity, m.birth_date, m.id_number, m.phone, m.education, \
    m.degree, m.occupation, m.post, m.unit_name, m.joined_on, m.confirmed_on, m.status, m.status_changed_on, \
    m.dues_category, m.address, m.lost_contact, m.lost_contact_since, m.mobile_member, m.mobile_destination, \
    m.remark, m.probation_extension_months, m.dues_owed_from, m.branch_id, '' AS branch_name, m.group_id, \
    CAST(NULL AS TEXT) AS group_name, m.branch_path";

/// How long an answer of the subtree probe on PostgreSQL (whether a subtree is small) is
/// reused at most: the org tree changes rarely, and an answer past its time costs only speed
/// (both plans return the same rows). Kept in [`Db`]'s probe memo.
const PROBE_TTL: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(sqlx::FromRow)]
struct CountedRow {
    #[sqlx(flatten)]
    row: MemberRow,
    total_count: i64,
}

/// One page of the member list and the number of matching members, in one statement (two on
/// PostgreSQL when a subtree's size is not yet known).
///
/// The total is exact up to [`LIST_TOTAL_CAP`]; when more members match, it is a lower bound
/// greater than the cap (counting stops there: at 5 million members a name prefix such as 王
/// matches 400,000). It is never less than the members up to the end of this page.
///
/// Sorted by name (the default), the page comes from one of two plans, chosen by the number of
/// orgs in the subtree (and scope), up to 400: a small subtree's members are found by
/// their branch path and sorted; otherwise the name index is walked in order (within the name
/// prefix, if any) and members outside the subtree are skipped, which stops after a page.
/// Both planners are steered by writing the column that should not lead as an expression
/// (`m.branch_path || ''`). On SQLite the probe is part of the statement, which holds both
/// plans and cuts off the one not chosen with a LIMIT of 0; on PostgreSQL it is a statement of
/// its own (whose answer is remembered for a minute), followed by the chosen plan alone, and
/// both are planned once per connection (`Db::fetch_buf_fixed_plan`): every plan is fixed by
/// the text. The count takes the narrower range: the subtree's, unless it is a whole tree and
/// a name prefix is given.
///
/// LIMIT and OFFSET are written into the text, not bound: SQLite re-prepares a statement
/// whenever a parameter it used for planning (as it does a LIMIT) is bound again, and that cost
/// more than the query.
pub async fn list(db: &Db, scope: &Scope, f: &MemberFilter) -> Result<(Vec<MemberRow>, i64)> {
    let per_page = f.per_page.clamp(1, 500);
    let page = f.page.max(1);
    let offset = (page - 1).saturating_mul(per_page);
    let dir = if f.descending { "DESC" } else { "ASC" };
    let below_root = f.subtree.as_ref().is_some_and(|p| p.depth() > 1)
        || (!scope.all && scope.subtrees.iter().all(|p| p.depth() > 1));
    let big_count_cols = if below_root || f.name_prefix.is_none() { &NAME_UNINDEXED } else { &PATH_UNINDEXED };
    let mut b = SqlBuf::default();
    // The page's SELECT; `extra` adds columns after the member's, `limit` is the LIMIT. The
    // page's ids are found first, from the index alone where it holds the filtered columns;
    // only those rows are read and joined (SQLite would otherwise read and join every row it
    // sorts).
    // The org names are filled in afterwards, from the pool's memo (`Db::org_names`).
    let select = |b: &mut SqlBuf, extra: &str, limit: &str, cols: &Cols, order: &str| {
        let filter = filter_text(b, scope, f, cols);
        format!(
            "SELECT {PAGE_COLS}{extra} FROM (SELECT m.id FROM members m WHERE 1=1{filter} \
             ORDER BY {order} {dir}, m.id {dir} LIMIT {limit} OFFSET {offset}) p \
             JOIN members m ON m.id = p.id ORDER BY {order} {dir}, m.id {dir}"
        )
    };
    let probe = if f.sort == SortKey::Name { subtree_probe(&mut b, scope, f) } else { None };
    // On PostgreSQL the probe is a statement of its own: PostgreSQL plans every branch of a
    // statement (and the plan it would not run would still cost its planning), and the
    // statements run with generic plans (`Db::fetch_buf_fixed_plan`), which cannot look at a
    // probe's answer, so it is best known beforehand.
    // A name prefix in a whole tree (the scope of a province's or a city's committee) is
    // walked along the prefix without asking: a prefix bounds the walk even when the tree is
    // small.
    let whole_tree_prefix =
        f.subtree.is_none() && f.name_prefix.is_some() && scope.subtrees.iter().all(|p| p.depth() == 1);
    let (probe, small) = match (probe, db.kind()) {
        (Some(_), DbKind::Postgres) if whole_tree_prefix => (None, Some(false)),
        (Some(probe), DbKind::Postgres) => {
            let key = format!("{:?}", b.args);
            let small = match db.probes.get(&key, db.write_count(), PROBE_TTL) {
                Some(small) => small,
                None => {
                    let writes = db.write_count();
                    b.text = format!("SELECT {probe}");
                    let n = db.fetch_buf_fixed_plan::<(i64,)>(&b).await?.first().map_or(0, |r| r.0);
                    db.probes.put(key, writes, n <= SMALL_SUBTREE_ORGS);
                    n <= SMALL_SUBTREE_ORGS
                }
            };
            b = SqlBuf::default();
            (None, Some(small))
        }
        // Only the viewer's own record: found by its id.
        (None, _) if !scope.all && scope.subtrees.is_empty() => (None, Some(true)),
        (probe, _) => (probe, None),
    };
    let text = match (f.sort, probe) {
        (SortKey::Name, _) if small == Some(true) => {
            let count = count_text(&mut b, scope, f, &NAME_UNINDEXED);
            select(
                &mut b,
                &format!(", {count} AS total_count"),
                &per_page.to_string(),
                &NAME_UNINDEXED,
                "(m.name_key || '')",
            )
        }
        (SortKey::Name, Some(probe)) => {
            // Both plans, each with a LIMIT of 0 unless the probe chose it: both backends
            // compute a LIMIT once, before reading any row.
            let small = format!("(SELECT n FROM probe) <= {SMALL_SUBTREE_ORGS}");
            let page = per_page;
            let sorted = select(
                &mut b,
                "",
                &format!("(CASE WHEN {small} THEN {page} ELSE 0 END)"),
                &NAME_UNINDEXED,
                "(m.name_key || '')",
            );
            let walked = select(
                &mut b,
                "",
                &format!("(CASE WHEN {small} THEN 0 ELSE {page} END)"),
                &PATH_UNINDEXED,
                "m.name_key",
            );
            let count_small = count_text(&mut b, scope, f, &NAME_UNINDEXED);
            let count = if std::ptr::eq(big_count_cols, &NAME_UNINDEXED) {
                count_small
            } else {
                let count_big = count_text(&mut b, scope, f, big_count_cols);
                format!("CASE WHEN {small} THEN {count_small} ELSE {count_big} END")
            };
            format!(
                "WITH probe (n) AS (SELECT {probe}), total (n) AS (SELECT {count}) \
                 SELECT q.*, (SELECT n FROM total) AS total_count FROM \
                 (SELECT * FROM ({sorted}) s UNION ALL SELECT * FROM ({walked}) w) q \
                 ORDER BY q.name_key {dir}, q.id {dir}"
            )
        }
        (SortKey::Name, None) => {
            let count = count_text(&mut b, scope, f, big_count_cols);
            select(&mut b, &format!(", {count} AS total_count"), &per_page.to_string(), &PATH_UNINDEXED, "m.name_key")
        }
        (other, _) => {
            let count = count_text(&mut b, scope, f, &PLAIN);
            select(&mut b, &format!(", {count} AS total_count"), &per_page.to_string(), &PLAIN, other.column())
        }
    };
    b.text = text;
    // Sorted by name, every statement above names the one index it can use (the other
    // column is an expression), so its plan does not depend on the values: PostgreSQL may plan
    // it once. Not with a LIKE pattern: PostgreSQL turns `LIKE 'Wa%'` into an index range only
    // when it sees the pattern. Other sorts leave the choice to the planner's statistics.
    let fixed_plan = f.sort == SortKey::Name && f.name_prefix.as_deref().is_none_or(|n| prefix_range(n).is_some());
    let rows: Vec<CountedRow> = if fixed_plan { db.fetch_buf_fixed_plan(&b).await? } else { db.fetch_buf(&b).await? };
    let n = match rows.first() {
        Some(r) => r.total_count,
        None => {
            // Past the last page: count alone, along the range the page's statement counts
            // (a whole tree's name prefix along the name, else the subtree's path range).
            let mut c = SqlBuf::default();
            let cols = if small == Some(true) { &NAME_UNINDEXED } else { big_count_cols };
            let count = count_text(&mut c, scope, f, cols);
            c.text = format!("SELECT {count}");
            let counted: Vec<(i64,)> =
                if fixed_plan { db.fetch_buf_fixed_plan(&c).await? } else { db.fetch_buf(&c).await? };
            counted.first().map_or(0, |r| r.0)
        }
    };
    let mut rows: Vec<MemberRow> = rows.into_iter().map(|r| r.row).collect();
    // The org names, from the pool's memo of names (see `Db::org_names`).
    let ids: Vec<i64> = rows.iter().flat_map(|r| std::iter::once(r.branch_id).chain(r.group_id)).collect();
    let names = db.org_names(&ids).await?;
    for r in &mut rows {
        r.branch_name = names.get(&r.branch_id).cloned().unwrap_or_default();
        r.group_name = r.group_id.and_then(|g| names.get(&g).cloned());
    }
    // Matches up to the end of this page (a page past the end tells nothing).
    let seen = if rows.is_empty() { 0 } else { offset + rows.len() as i64 };
    let total = if n <= LIST_TOTAL_CAP { n } else { n.max(seen + i64::from(rows.len() as i64 == per_page)) };
    Ok((rows, total))
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

/// The arguments of [`MemberData`] in the column order of `insert` and `update`.
pub(crate) fn data_args(d: &MemberData) -> Vec<Arg> {
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
        d.address.clone().into(),
        i64::from(d.lost_contact).into(),
        d.lost_contact_since.clone().into(),
        i64::from(d.mobile_member).into(),
        d.mobile_destination.clone().into(),
        d.remark.clone().into(),
        d.probation_extension_months.into(),
        // Not a field of its own: the name's sort key (pinyin), kept with the name.
        domain::collation::name_key(&d.name).into(),
    ]
}

/// Rows written per statement by [`fill_name_keys`].
const NAME_KEY_BATCH: i64 = 5_000;

/// Gives every member without a name sort key (rows from before migration 0013) theirs, a
/// batch at a time, each batch in a transaction of its own.
pub async fn fill_name_keys(db: &Db) -> Result<()> {
    loop {
        let rows: Vec<(i64, String)> = db
            .fetch_all(
                &format!(
                    "SELECT id, name FROM members WHERE name_key = '' AND name <> '' ORDER BY id LIMIT {NAME_KEY_BATCH}"
                ),
                &[],
            )
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = db.begin().await?;
        for (id, name) in &rows {
            tx.execute(
                "UPDATE members SET name_key = $1 WHERE id = $2",
                &[domain::collation::name_key(name).into(), (*id).into()],
            )
            .await?;
        }
        tx.commit().await?;
    }
}

/// Where a member belongs: the branch (its id and path) and optionally a group inside it.
#[derive(Debug, Clone)]
pub struct Placement {
    pub branch_id: i64,
    pub branch_path: String,
    pub group_id: Option<i64>,
}

/// Inserts a member with their first spans and status record, dated `since`.
/// A new member's status history from `since` (the day they joined the branch): a full member
/// whose confirmation (转正) came later was probationary until then, so the history is 预备党员
/// from `since` and 正式党员 from `confirmed_on`, never 正式党员 from the admission.
pub(crate) fn first_statuses(d: &MemberData, since: &str) -> Vec<(String, String)> {
    match d.confirmed_on.as_deref() {
        Some(confirmed) if d.status == "full" && confirmed > since => {
            vec![("probationary".into(), since.to_string()), ("full".into(), confirmed.to_string())]
        }
        _ => vec![(d.status.clone(), since.to_string())],
    }
}

pub async fn insert(tx: &mut Tx, d: &MemberData, at: &Placement, since: &str) -> Result<i64> {
    let now = now_ms();
    let statuses = first_statuses(d, since);
    // The member row carries the date of its latest status record.
    let status_since = statuses.last().map(|(_, on)| on.clone()).unwrap_or_else(|| since.to_string());
    let mut args = data_args(d);
    args.extend([
        status_since.into(),
        at.branch_id.into(),
        at.group_id.into(),
        at.branch_path.clone().into(),
        now.into(),
    ]);
    let id = tx
        .insert_returning_id(
            "INSERT INTO members (name, gender, ethnicity, birth_date, id_number, phone, education, degree, occupation, \
             post, unit_name, joined_on, confirmed_on, status, dues_category, address, lost_contact, \
             lost_contact_since, mobile_member, mobile_destination, remark, probation_extension_months, name_key, \
             status_changed_on, branch_id, group_id, branch_path, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$28) \
             RETURNING id",
            &args,
        )
        .await?;
    open_spans(tx, id, at, since).await?;
    for (status, on) in statuses {
        tx.execute(
            "INSERT INTO member_status_changes (member_id, status, changed_on, created_at) VALUES ($1,$2,$3,$4)",
            &[id.into(), status.into(), on.into(), now.into()],
        )
        .await?;
    }
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
         dues_category=$15, address=$16, lost_contact=$17, lost_contact_since=$18, mobile_member=$19, \
         mobile_destination=$20, remark=$21, probation_extension_months=$22, name_key=$23, updated_at=$24 WHERE id=$25",
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

/// The names of these members, within the scope (ids not found are left out).
pub async fn names(db: &Db, scope: &Scope, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut b = SqlBuf::new("SELECT m.id, m.name FROM members m WHERE m.id IN (");
        let ph: Vec<String> = chunk.iter().map(|id| b.arg(*id)).collect();
        b.push(&ph.join(","));
        b.push(")");
        scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
        out.extend(db.fetch_buf::<(i64, String)>(&b).await?);
    }
    Ok(out)
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
pub async fn probationary_joined_by(db: &Db, scope: &Scope, joined_to: &str) -> Result<Vec<MemberRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS}{FROM} WHERE m.status = 'probationary'"));
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
    b.push(" ORDER BY m.name_key, m.id LIMIT 1000");
    db.fetch_buf(&b).await
}

/// SQL for a member's status on the day at placeholder `on` (members aliased `m`): the current
/// status when it dates from that day or earlier, else the latest recorded change on or before
/// it (NULL when none: the member had not joined). A member recorded as full whose confirmation
/// (转正) came after the day was probationary then: imports record a full member's status from the
/// day they joined. The subquery runs only for members whose status changed after the day, so a
/// check as of today reads no history.
pub fn status_on_sql(on: &str) -> String {
    let recorded = format!(
        "(CASE WHEN m.status_changed_on <= {on} THEN m.status ELSE (SELECT c.status FROM member_status_changes c \
         WHERE c.member_id = m.id AND c.changed_on <= {on} ORDER BY c.changed_on DESC, c.id DESC LIMIT 1) END)"
    );
    format!(
        "(CASE WHEN m.joined_on > {on} THEN NULL WHEN m.confirmed_on > {on} AND {recorded} = 'full' \
         THEN 'probationary' ELSE {recorded} END)"
    )
}

/// SQL: the membership span `s` covers the day at placeholder `on` (`end_on` is the last day).
pub fn span_covers_sql(on: &str) -> String {
    format!("s.start_on <= {on} AND (s.end_on IS NULL OR s.end_on >= {on})")
}
