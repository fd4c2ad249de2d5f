//! Party dues (党费): dated bases, hardship decisions, quarterly consents, payments and the
//! branches' yearly publications. Every read takes the viewer's scope and filters by the
//! member's branch path (a member sees their own); months are their first day, money is fen.

use chrono::{Datelike, NaiveDate};
use domain::codes::DuesCategory;
use domain::family::dues::payment::{Payer, PaymentKind, PaymentMethod};
use domain::money::Fen;
use domain::scope::Scope;
use serde::Serialize;

use crate::{Db, Result, SqlBuf, Tx, now_ms, scope_filter};

/// Whose dues a read is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// One member.
    Member(i64),
    /// The members whose branch is this org.
    Branch(i64),
}

/// `FROM <table> x JOIN members m ON m.id = x.member_id WHERE <whose> AND <scope>`.
fn scoped(select: &str, table: &str, scope: &Scope, whose: Whose) -> SqlBuf {
    let mut b = SqlBuf::new(&format!("SELECT {select} FROM {table} x JOIN members m ON m.id = x.member_id WHERE "));
    match whose {
        Whose::Member(id) => b.push_arg("m.id = ", id),
        Whose::Branch(id) => b.push_arg("m.branch_id = ", id),
    };
    scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
    b
}

crate::typed_row! {
    /// A dated base record.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct BaseRow in "dues_bases" {
        pub id: i64,
        pub member_id: i64,
        pub from_month: NaiveDate,
        pub category: DuesCategory,
        pub base_fen: Fen,
        pub chosen_fen: Option<Fen>,
        pub note: String,
        pub created_by: Option<i64>,
        pub created_at: i64,
    }
}

/// A base record as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBase {
    pub member_id: i64,
    pub from_month: NaiveDate,
    pub category: DuesCategory,
    pub base: Fen,
    pub chosen: Option<Fen>,
    pub note: String,
}

/// Records a base and refreshes the member's cached category to the record in force on `today`.
pub async fn insert_base(tx: &mut Tx, b: &NewBase, today: NaiveDate, by: i64) -> Result<i64> {
    let id = tx
        .insert_returning_id(
            "INSERT INTO dues_bases (member_id, from_month, category, base_fen, chosen_fen, note, created_by, \
             created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
            &[
                b.member_id.into(),
                b.from_month.into(),
                b.category.into(),
                b.base.into(),
                b.chosen.into(),
                b.note.as_str().into(),
                by.into(),
                now_ms().into(),
            ],
        )
        .await?;
    refresh_category(tx, b.member_id, today).await?;
    repack_card(tx, b.member_id).await?;
    Ok(id)
}

/// Sets `members.dues_category` to the category of the base in force on `today`, when there is
/// one (a member whose first base starts later keeps the category they had).
pub async fn refresh_category(tx: &mut Tx, member_id: i64, today: NaiveDate) -> Result<()> {
    tx.execute(
        "UPDATE members SET dues_category = (SELECT b.category FROM dues_bases b WHERE b.member_id = $1 \
         AND b.from_month <= $2 ORDER BY b.from_month DESC, b.id DESC LIMIT 1) WHERE id = $1 AND EXISTS \
         (SELECT 1 FROM dues_bases b WHERE b.member_id = $1 AND b.from_month <= $2)",
        &[member_id.into(), today.into()],
    )
    .await?;
    Ok(())
}

/// Base records, by member then month, oldest first.
pub async fn bases(db: &Db, scope: &Scope, whose: Whose) -> Result<Vec<BaseRow>> {
    let mut b = scoped(
        "x.id, x.member_id, x.from_month, x.category, x.base_fen, x.chosen_fen, x.note, x.created_by, x.created_at",
        "dues_bases",
        scope,
        whose,
    );
    b.push(" ORDER BY x.member_id, x.from_month, x.id");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A hardship decision.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct HardshipRow in "dues_hardships" {
        pub id: i64,
        pub member_id: i64,
        pub from_month: NaiveDate,
        pub to_month: Option<NaiveDate>,
        pub amount_fen: Fen,
        pub studied_on: NaiveDate,
        pub approved_by: String,
        pub approved_on: NaiveDate,
        pub reason: String,
    }
}

pub async fn insert_hardship(tx: &mut Tx, h: &HardshipRow, by: i64) -> Result<i64> {
    let id = tx
        .insert_returning_id(
            "INSERT INTO dues_hardships (member_id, from_month, to_month, amount_fen, studied_on, approved_by, \
         approved_on, reason, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id",
            &[
                h.member_id.into(),
                h.from_month.into(),
                h.to_month.into(),
                h.amount_fen.into(),
                h.studied_on.into(),
                h.approved_by.as_str().into(),
                h.approved_on.into(),
                h.reason.as_str().into(),
                by.into(),
                now_ms().into(),
            ],
        )
        .await?;
    repack_card(tx, h.member_id).await?;
    Ok(id)
}

pub async fn hardships(db: &Db, scope: &Scope, whose: Whose) -> Result<Vec<HardshipRow>> {
    let mut b = scoped(
        "x.id, x.member_id, x.from_month, x.to_month, x.amount_fen, x.studied_on, x.approved_by, x.approved_on, \
         x.reason",
        "dues_hardships",
        scope,
        whose,
    );
    b.push(" ORDER BY x.member_id, x.from_month, x.id");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A consent to quarterly payment.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct QuarterlyRow in "dues_quarterly" {
        pub id: i64,
        pub member_id: i64,
        pub from_month: NaiveDate,
        pub to_month: Option<NaiveDate>,
        pub agreed_on: NaiveDate,
    }
}

pub async fn insert_quarterly(tx: &mut Tx, q: &QuarterlyRow, by: i64) -> Result<i64> {
    let id = tx
        .insert_returning_id(
            "INSERT INTO dues_quarterly (member_id, from_month, to_month, agreed_on, created_by, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
            &[
                q.member_id.into(),
                q.from_month.into(),
                q.to_month.into(),
                q.agreed_on.into(),
                by.into(),
                now_ms().into(),
            ],
        )
        .await?;
    repack_card(tx, q.member_id).await?;
    Ok(id)
}

/// The check's card of the member's bases, hardship decisions and quarterly consents, after a
/// change.
async fn repack_card(tx: &mut Tx, member_id: i64) -> Result<()> {
    crate::check::repack_card(tx, "SELECT CAST($1 AS BIGINT)", &[member_id.into()]).await
}

pub async fn quarterly(db: &Db, scope: &Scope, whose: Whose) -> Result<Vec<QuarterlyRow>> {
    let mut b = scoped("x.id, x.member_id, x.from_month, x.to_month, x.agreed_on", "dues_quarterly", scope, whose);
    b.push(" ORDER BY x.member_id, x.from_month, x.id");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// A payment.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct PaymentRow in "dues_payments" {
        pub id: i64,
        pub member_id: i64,
        pub org_id: i64,
        pub month: NaiveDate,
        pub amount_fen: Fen,
        pub paid_on: NaiveDate,
        pub method: PaymentMethod,
        pub payer: Payer,
        pub proxy_name: String,
        pub kind: PaymentKind,
        pub reason: String,
        pub to_centre: bool,
        pub created_by: Option<i64>,
    }
}

const PAYMENT_COLS: &str = "x.id, x.member_id, x.org_id, x.month, x.amount_fen, x.paid_on, x.method, x.payer, \
                            x.proxy_name, x.kind, x.reason, x.to_centre, x.created_by";

pub async fn insert_payment(tx: &mut Tx, p: &PaymentRow, by: i64) -> Result<i64> {
    let id = tx.insert_returning_id(
        "INSERT INTO dues_payments (member_id, org_id, month, amount_fen, paid_on, method, payer, proxy_name, kind, \
         reason, to_centre, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id",
        &[
            p.member_id.into(),
            p.org_id.into(),
            p.month.into(),
            p.amount_fen.into(),
            p.paid_on.into(),
            p.method.into(),
            p.payer.into(),
            p.proxy_name.as_str().into(),
            p.kind.into(),
            p.reason.as_str().into(),
            i64::from(p.to_centre).into(),
            by.into(),
            now_ms().into(),
        ],
    )
    .await?;
    repack_year(tx, p.member_id, p.month).await?;
    Ok(id)
}

/// The check's summary of the member's payments in `month`'s year, after a change.
async fn repack_year(tx: &mut Tx, member_id: i64, month: NaiveDate) -> Result<()> {
    let year = i64::from(month.year());
    crate::check::repack_paid(tx, "SELECT CAST($1 AS BIGINT)", year..=year, &[member_id.into()]).await
}

/// Payments for the months `from`–`to` (first days), by member, month and entry.
pub async fn payments(db: &Db, scope: &Scope, whose: Whose, from: NaiveDate, to: NaiveDate) -> Result<Vec<PaymentRow>> {
    let mut b = scoped(PAYMENT_COLS, "dues_payments", scope, whose);
    b.push_arg(" AND x.month >= ", from);
    b.push_arg(" AND x.month <= ", to);
    b.push(" ORDER BY x.member_id, x.month, x.id");
    db.fetch_buf(&b).await
}

/// One payment, if its member is in the scope.
pub async fn payment(db: &Db, scope: &Scope, id: i64) -> Result<Option<PaymentRow>> {
    let mut b =
        SqlBuf::new(&format!("SELECT {PAYMENT_COLS} FROM dues_payments x JOIN members m ON m.id = x.member_id WHERE "));
    b.push_arg("x.id = ", id);
    scope_filter(&mut b, scope, "m.branch_path", None);
    Ok(db.fetch_buf(&b).await?.into_iter().next())
}

/// Removes a payment entered in error (the service audits the row it removes).
pub async fn delete_payment(tx: &mut Tx, id: i64) -> Result<u64> {
    let row: Option<(i64, String)> =
        tx.fetch_optional("SELECT member_id, month FROM dues_payments WHERE id = $1", &[id.into()]).await?;
    let n = tx.execute("DELETE FROM dues_payments WHERE id = $1", &[id.into()]).await?;
    if let Some((member_id, month)) = row {
        let month = domain::dates::parse_iso(&month)
            .ok_or_else(|| crate::StorageError::corrupt("dues_payments", format!("{id}: month {month:?}")))?;
        repack_year(tx, member_id, month).await?;
    }
    Ok(n)
}

crate::typed_row! {
    /// A branch's publication of a year's dues to its members.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct PublicationRow in "dues_publications" {
        pub id: i64,
        pub org_id: i64,
        pub year: i64,
        pub published_on: NaiveDate,
        pub note: String,
    }
}

pub async fn insert_publication(
    tx: &mut Tx,
    org_id: i64,
    year: i32,
    on: NaiveDate,
    note: &str,
    by: i64,
) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO dues_publications (org_id, year, published_on, note, created_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
        &[org_id.into(), i64::from(year).into(), on.into(), note.into(), by.into(), now_ms().into()],
    )
    .await
}

/// The publications of these orgs (the caller checks the orgs are in scope).
pub async fn publications(db: &Db, org_ids: &[i64]) -> Result<Vec<PublicationRow>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuf::new("SELECT id, org_id, year, published_on, note FROM dues_publications WHERE org_id IN (");
    let ph: Vec<String> = org_ids.iter().map(|id| b.arg(*id)).collect();
    b.push(&ph.join(","));
    b.push(") ORDER BY org_id, year");
    db.fetch_buf(&b).await
}

crate::typed_row! {
    /// An entry of an org's dues account.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct AccountEntryRow in "dues_account_entries" {
        pub id: i64,
        pub org_id: i64,
        pub entry_on: NaiveDate,
        pub kind: domain::family::dues::account::EntryKind,
        pub amount_fen: Fen,
        pub purpose: Option<domain::family::dues::account::Purpose>,
        pub meeting_id: Option<i64>,
        pub meeting_topic: Option<String>,
        pub meeting_held_on: Option<NaiveDate>,
        pub note: String,
    }
}

/// The account entries of an org (the caller checks the org is in scope), oldest first.
pub async fn account_entries(db: &Db, org_id: i64) -> Result<Vec<AccountEntryRow>> {
    db.fetch_all(
        "SELECT e.id, e.org_id, e.entry_on, e.kind, e.amount_fen, e.purpose, e.meeting_id, mt.topic AS meeting_topic, \
         mt.held_on AS meeting_held_on, e.note FROM dues_account_entries e LEFT JOIN meetings mt ON mt.id = e.meeting_id \
         WHERE e.org_id = $1 ORDER BY e.entry_on, e.id",
        &[org_id.into()],
    )
    .await
}

/// Records an entry.
#[allow(clippy::too_many_arguments)]
pub async fn insert_account_entry(
    tx: &mut Tx,
    org_id: i64,
    on: NaiveDate,
    kind: domain::family::dues::account::EntryKind,
    amount: Fen,
    purpose: Option<domain::family::dues::account::Purpose>,
    meeting_id: Option<i64>,
    note: &str,
    by: i64,
) -> Result<i64> {
    tx.insert_returning_id(
        "INSERT INTO dues_account_entries (org_id, entry_on, kind, amount_fen, purpose, meeting_id, note, created_by, \
         created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id",
        &[
            org_id.into(),
            on.into(),
            kind.into(),
            amount.into(),
            crate::Arg::OptStr(purpose.map(|p| p.as_str().to_string())),
            meeting_id.into(),
            note.into(),
            by.into(),
            now_ms().into(),
        ],
    )
    .await
}

/// The dues paid by the members of the orgs in `lo..hi` (branch paths) between two days, by
/// payment date: an account's income from dues. Voluntary payments of 1,000 yuan or more go to
/// the Centre in full and are counted apart.
pub async fn collected_between(db: &Db, lo: &str, hi: &str, from: NaiveDate, to: NaiveDate) -> Result<(i64, i64)> {
    let (all, to_centre): (Option<i64>, Option<i64>) = db
        .fetch_one(
            "SELECT CAST(SUM(p.amount_fen) AS BIGINT), CAST(SUM(CASE WHEN p.to_centre = 1 THEN p.amount_fen ELSE 0 END) AS BIGINT) \
             FROM dues_payments p JOIN orgs o ON o.id = p.org_id WHERE o.path >= $1 AND o.path < $2 \
             AND p.paid_on >= $3 AND p.paid_on <= $4",
            &[lo.into(), hi.into(), from.into(), to.into()],
        )
        .await?;
    Ok((all.unwrap_or(0), to_centre.unwrap_or(0)))
}

/// The member's latest base record, inside a transaction (for writes that follow from it).
pub async fn latest_base_in_tx(tx: &mut Tx, member_id: i64) -> Result<Option<BaseRow>> {
    tx.fetch_optional(
        "SELECT id, member_id, from_month, category, base_fen, chosen_fen, note, created_by, created_at \
         FROM dues_bases WHERE member_id = $1 ORDER BY from_month DESC, id DESC LIMIT 1",
        &[member_id.into()],
    )
    .await
}
