//! The dues facts of a page of branches (the month's close and the full check's DUES-* rules).
//!
//! Why packed, one row per branch: a province close reads 4.8 million members with their bases
//! and some 30 million payments of six months, and the database driver hands rows over one at a
//! time (a thread handoff per row); sent row by row those reads cost most of the close. Each
//! branch's members now come in one text value, unpacked here:
//!
//! `member|member|…`, each member `id;joined_on;dues_owed_from;bases;hardships;quarterly;paid`, each list
//! `entry,entry,…` and each entry's fields joined by `:`. Dates, codes and numbers never hold
//! `|`, `;`, `,` or `:`. `bases;hardships;quarterly` is the member's `dues_cards` row, kept on write
//! ([`repack_card`]): three subqueries per member cost PostgreSQL 0.45 s of a city's 0.55 s.
//! `paid` is the member's rows of `dues_paid_years`, `year=month:fen,…`
//! joined by spaces: the regular payments summed by month, kept on write ([`repack_paid`]), so a
//! member's 23 months are two short rows rather than 23 payments with dates to parse.

use chrono::{Datelike, NaiveDate};
use domain::codes::{DuesCategory, StoredCode};
use domain::family::dues::statement::{BaseFact, HardshipFact, MemberDuesFacts, PaymentFact, QuarterlyFact};
use domain::money::Fen;

use super::{push_in, string_agg};
use crate::{Arg, Db, DbKind, Result, SqlBuf, StorageError, Tx};

/// SQL: the dues card of member `m` (`bases;hardships;quarterly`, see the module documentation),
/// what `dues_cards.card` holds.
fn card_sql(agg: &str) -> String {
    format!(
        "COALESCE((SELECT {agg}(CAST(x.id AS TEXT) || ':' || x.from_month || ':' || x.category || ':' || \
         CAST(x.base_fen AS TEXT) || ':' || COALESCE(CAST(x.chosen_fen AS TEXT), ''), ',' ORDER BY x.from_month, x.id) \
         FROM dues_bases x WHERE x.member_id = m.id), '') || ';' || \
         COALESCE((SELECT {agg}(CAST(x.id AS TEXT) || ':' || x.from_month || ':' || COALESCE(x.to_month, '') || ':' || \
         CAST(x.amount_fen AS TEXT), ',' ORDER BY x.from_month, x.id) FROM dues_hardships x WHERE x.member_id = m.id), '') \
         || ';' || COALESCE((SELECT {agg}(x.from_month || ':' || COALESCE(x.to_month, ''), ',' ORDER BY x.from_month, x.id) \
         FROM dues_quarterly x WHERE x.member_id = m.id), '')"
    )
}

fn agg_of(kind: DbKind) -> &'static str {
    match kind {
        DbKind::Sqlite => "group_concat",
        DbKind::Postgres => "string_agg",
    }
}

/// Rewrites `dues_cards` for the members `members` selects (SQL giving member ids, with `args`)
/// from their bases, hardship decisions and quarterly consents. Every write of those tables
/// calls it in its transaction (a contract test and the demo test compare the two).
pub(crate) async fn repack_card(tx: &mut Tx, members: &str, args: &[Arg]) -> Result<()> {
    tx.execute(&format!("DELETE FROM dues_cards WHERE member_id IN ({members})"), args).await?;
    let card = card_sql(agg_of(tx.kind()));
    tx.execute(
        &format!(
            "INSERT INTO dues_cards (member_id, card) SELECT m.id, {card} FROM members m WHERE m.id IN ({members})"
        ),
        args,
    )
    .await?;
    Ok(())
}

/// The members whose `dues_cards` row differs from their dues records, or who have records and
/// no card: none unless something wrote those tables around storage.
pub async fn stale_dues_cards(db: &Db) -> Result<i64> {
    let card = card_sql(string_agg(db));
    let (n,): (i64,) = db
        .fetch_one(
            &format!(
                "SELECT COUNT(*) FROM members m LEFT JOIN dues_cards c ON c.member_id = m.id \
                 WHERE COALESCE(c.card, ';;') <> {card}"
            ),
            &[],
        )
        .await?;
    Ok(n)
}

/// Rewrites `dues_paid_years` for the members `members` selects (SQL giving member ids, with
/// `args`) and the `years`, from their regular payments. Every write of
/// `dues_payments` calls it in its transaction, so the summary the check reads never differs
/// from the payments (a contract test compares the two).
pub(crate) async fn repack_paid(
    tx: &mut Tx,
    members: &str,
    years: std::ops::RangeInclusive<i64>,
    args: &[Arg],
) -> Result<()> {
    let (from_year, to_year) = (*years.start(), *years.end());
    tx.execute(
        &format!(
            "DELETE FROM dues_paid_years WHERE member_id IN ({members}) AND year >= {from_year} AND year <= {to_year}"
        ),
        args,
    )
    .await?;
    let agg = agg_of(tx.kind());
    tx.execute(
        &format!(
            "INSERT INTO dues_paid_years (member_id, year, paid) \
             SELECT member_id, y, {agg}(CAST(mm AS TEXT) || ':' || CAST(s AS TEXT), ',' ORDER BY mm) FROM (\
             SELECT x.member_id, CAST(substr(x.month, 1, 4) AS BIGINT) AS y, CAST(substr(x.month, 6, 2) AS BIGINT) AS mm, \
             SUM(x.amount_fen) AS s FROM dues_payments x WHERE x.kind = 'regular' AND x.member_id IN ({members}) \
             AND x.month >= '{from_year:04}-01-01' AND x.month <= '{to_year:04}-12-31' \
             GROUP BY x.member_id, x.month) p GROUP BY member_id, y"
        ),
        args,
    )
    .await?;
    Ok(())
}

/// A member who owes dues to one of the page's branches (full or probationary today), with the
/// records the dues family reads. `facts.owes_from` is left to the caller (it follows from
/// `joined_on` by DUES-PROBATIONARY).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuesMember {
    pub joined_on: NaiveDate,
    /// The first month owed when not the joining month (a letter in's "paid up to").
    pub owed_from: Option<NaiveDate>,
    pub facts: MemberDuesFacts,
}

/// Everything the dues family reads about these branches' members for the months `from`–`to`:
/// the members with their bases, hardship decisions, quarterly consents and regular payments
/// (voluntary payments left out), in member order, and the branches' publications as (org, year).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DuesPage {
    pub members: Vec<DuesMember>,
    pub published: Vec<(i64, i64)>,
}

#[derive(sqlx::FromRow)]
struct PackedBranch {
    branch_id: i64,
    packed: String,
}

/// Two statements: the members packed per branch (with their cards and paid years), and the
/// publications. The card is a scalar subquery, not a join: PostgreSQL planned the join as a
/// hash join over every card of the province for each page (0.71 s a page against 0.11 s).
pub async fn dues_of(db: &Db, branch_ids: &[i64], from: &str, to: &str) -> Result<DuesPage> {
    if branch_ids.is_empty() {
        return Ok(DuesPage::default());
    }
    let agg = string_agg(db);
    let (first, last) = (date(from, "dues_payments", 0)?, date(to, "dues_payments", 0)?);
    let mut b = SqlBuf::new("");
    let (lo, hi) = (b.arg(i64::from(first.year())), b.arg(i64::from(last.year())));
    // The summary kept on write (`dues_paid_years`), a row a year: the months outside
    // `from`–`to` are dropped when unpacked.
    let paid = format!(
        "COALESCE((SELECT {agg}(x.year || '=' || x.paid, ' ') FROM dues_paid_years x WHERE x.member_id = m.id \
         AND x.year >= {lo} AND x.year <= {hi}), '')"
    );
    b.push(&format!(
        "SELECT m.branch_id, {agg}(m.id || ';' || m.joined_on || ';' || COALESCE(m.dues_owed_from, '') || ';' || \
         COALESCE((SELECT c.card FROM dues_cards c WHERE c.member_id = m.id), ';;') || ';' || {paid}, '|') AS packed \
         FROM members m WHERE "
    ));
    push_in(&mut b, "m.branch_id", branch_ids);
    b.push(" AND m.status IN ('probationary','full') GROUP BY m.branch_id");
    let mut published = SqlBuf::new("SELECT org_id, year FROM dues_publications WHERE ");
    push_in(&mut published, "org_id", branch_ids);
    published.push(" ORDER BY org_id, year");
    let (packed, published) = tokio::try_join!(db.fetch_buf::<PackedBranch>(&b), db.fetch_buf(&published))?;
    let mut members = Vec::new();
    for p in &packed {
        unpack_branch(p, first, last, &mut members)?;
    }
    members.sort_by_key(|m| m.facts.member_id);
    Ok(DuesPage { members, published })
}

fn unpack_branch(p: &PackedBranch, first: NaiveDate, last: NaiveDate, out: &mut Vec<DuesMember>) -> Result<()> {
    for entry in p.packed.split('|').filter(|e| !e.is_empty()) {
        let corrupt = |what: &str| StorageError::corrupt("members", format!("branch {}: {what}: {entry}", p.branch_id));
        let mut f = entry.split(';');
        let mut next = || f.next().ok_or_else(|| corrupt("too few fields"));
        let (id, joined, owed, bases) = (next()?, next()?, next()?, next()?);
        let (hardships, quarterly, paid) = (next()?, next()?, next()?);
        let member_id: i64 = id.parse().map_err(|_| corrupt("member id"))?;
        let joined_on = date(joined, "members", member_id)?;
        let owed_from = if owed.is_empty() { None } else { Some(date(owed, "members", member_id)?) };
        let mut facts = MemberDuesFacts { member_id, org_id: p.branch_id, ..MemberDuesFacts::default() };
        for [id, from, category, base, chosen] in fields::<5>(bases, "dues_bases", member_id)? {
            let category = DuesCategory::from_stored(category).ok_or_else(|| {
                StorageError::corrupt("dues_bases", format!("member {member_id}: category {category}"))
            })?;
            facts.bases.push(BaseFact {
                id: int(id, "dues_bases", member_id)?,
                from: date(from, "dues_bases", member_id)?,
                category,
                base: fen(base, "dues_bases", member_id)?,
                chosen: if chosen.is_empty() { None } else { Some(fen(chosen, "dues_bases", member_id)?) },
            });
        }
        for [id, from, to, amount] in fields::<4>(hardships, "dues_hardships", member_id)? {
            facts.hardships.push(HardshipFact {
                id: int(id, "dues_hardships", member_id)?,
                from: date(from, "dues_hardships", member_id)?,
                to: optional_date(to, "dues_hardships", member_id)?,
                amount: fen(amount, "dues_hardships", member_id)?,
            });
        }
        for [from, to] in fields::<2>(quarterly, "dues_quarterly", member_id)? {
            facts.quarterly.push(QuarterlyFact {
                from: date(from, "dues_quarterly", member_id)?,
                to: optional_date(to, "dues_quarterly", member_id)?,
            });
        }
        for year in paid.split(' ').filter(|e| !e.is_empty()) {
            let corrupt = || StorageError::corrupt("dues_paid_years", format!("member {member_id}: {year}"));
            let (y, months) = year.split_once('=').ok_or_else(corrupt)?;
            let y: i32 = y.parse().map_err(|_| corrupt())?;
            for [month, amount] in fields::<2>(months, "dues_paid_years", member_id)? {
                let m: u32 = month.parse().map_err(|_| corrupt())?;
                let month = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(corrupt)?;
                if month < first || month > last {
                    continue;
                }
                // The summary holds a month's sum; a payment's id and day are not needed.
                facts.payments.push(PaymentFact {
                    id: 0,
                    month,
                    amount: fen(amount, "dues_paid_years", member_id)?,
                    paid_on: month,
                    voluntary: false,
                });
            }
        }
        facts.payments.sort_by_key(|p| p.month);
        out.push(DuesMember { joined_on, owed_from, facts });
    }
    Ok(())
}

/// `s` split at commas, each entry split at colons into exactly `N` fields.
fn fields<'a, const N: usize>(s: &'a str, table: &'static str, member: i64) -> Result<Vec<[&'a str; N]>> {
    s.split(',')
        .filter(|e| !e.is_empty())
        .map(|e| {
            let corrupt = || StorageError::corrupt(table, format!("member {member}: {e}"));
            let mut out = [""; N];
            let mut parts = e.split(':');
            for f in out.iter_mut() {
                *f = parts.next().ok_or_else(corrupt)?;
            }
            if parts.next().is_some() {
                return Err(corrupt());
            }
            Ok(out)
        })
        .collect()
}

fn int(s: &str, table: &'static str, member: i64) -> Result<i64> {
    s.parse().map_err(|_| StorageError::corrupt(table, format!("member {member}: not a number: {s}")))
}

fn fen(s: &str, table: &'static str, member: i64) -> Result<Fen> {
    Fen::new(int(s, table, member)?)
        .ok_or_else(|| StorageError::corrupt(table, format!("member {member}: not an amount: {s}")))
}

fn date(s: &str, table: &'static str, member: i64) -> Result<NaiveDate> {
    domain::dates::parse_iso(s)
        .ok_or_else(|| StorageError::corrupt(table, format!("member {member}: not a date: {s:?}")))
}

fn optional_date(s: &str, table: &'static str, member: i64) -> Result<Option<NaiveDate>> {
    if s.is_empty() { Ok(None) } else { date(s, table, member).map(Some) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(packed: &str) -> Result<Vec<DuesMember>> {
        let mut out = Vec::new();
        let (first, last) = (NaiveDate::from_ymd_opt(2025, 12, 1), NaiveDate::from_ymd_opt(2026, 12, 1));
        let (Some(first), Some(last)) = (first, last) else { panic!("dates") };
        unpack_branch(&PackedBranch { branch_id: 7, packed: packed.to_string() }, first, last, &mut out)?;
        Ok(out)
    }

    #[test]
    fn unpacks_a_branch() -> Result<()> {
        let m = page(
            "3;2020-05-06;2020-08-01;11:2026-01-01:employed:510000:,12:2026-07-01:employed:600000:9000;21:2026-03-01::0;2026-01-01:2026-03-01;2025=11:100,12:7650 2026=1:7750,2:7650|4;2021-01-01;;;;;",
        )?;
        assert_eq!(m.len(), 2);
        let a = &m[0];
        assert_eq!(a.facts.member_id, 3);
        assert_eq!(a.facts.org_id, 7);
        assert_eq!(a.joined_on.to_string(), "2020-05-06");
        assert_eq!(a.owed_from.map(|d| d.to_string()).as_deref(), Some("2020-08-01"));
        assert_eq!(m[1].owed_from, None);
        assert_eq!(a.facts.bases.len(), 2);
        assert_eq!(a.facts.bases[1].chosen, Fen::new(9000));
        assert_eq!(a.facts.hardships[0].to, None);
        assert_eq!(a.facts.quarterly[0].to.map(|d| d.to_string()).as_deref(), Some("2026-03-01"));
        // November 2025 falls before the months read.
        let paid: Vec<(String, i64)> = a.facts.payments.iter().map(|p| (p.month.to_string(), p.amount.fen())).collect();
        assert_eq!(paid, [("2025-12-01".into(), 7650), ("2026-01-01".into(), 7750), ("2026-02-01".into(), 7650)]);
        assert!(m[1].facts.bases.is_empty() && m[1].facts.payments.is_empty());
        Ok(())
    }

    #[test]
    fn corrupt_values_name_their_table_and_member() {
        for (packed, table) in [
            ("3;2020-05-06;;11:2026-01-01:nonsense:510000:;;;", "dues_bases"),
            ("3;2020-05-06;;;;;2026=13:100", "dues_paid_years"),
            ("3;2020-05-06;;;;;2026:100", "dues_paid_years"),
            ("3;2020-05-06;;;;;2026=1:x", "dues_paid_years"),
            ("3;2020-05-06;;;21:2026-03-01::-5;;", "dues_hardships"),
            ("3;2020-05-06;;;;2026-01-01;", "dues_quarterly"),
            ("3;2020-05-06;;;;", "members"),
        ] {
            match page(packed) {
                Err(StorageError::Corrupt { table: t, detail }) => {
                    assert_eq!(t, table, "{packed}");
                    assert!(detail.contains('3'), "{detail}");
                }
                other => panic!("{packed}: {other:?}"),
            }
        }
    }
}
