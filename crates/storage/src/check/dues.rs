//! The dues facts of a page of branches (the month's close and the full check's DUES-* rules).
//!
//! Why packed, one row per branch: a province close reads 4.8 million members with their bases
//! and some 30 million payments of six months, and the database driver hands rows over one at a
//! time (a thread handoff per row); sent row by row those reads cost most of the close. Each
//! branch's members now come in one text value, unpacked here:
//!
//! `member|member|…`, each member `id;joined_on;dues_owed_from;bases;hardships;quarterly;payments`, each list
//! `entry,entry,…` and each entry's fields joined by `:`. Dates, codes and numbers never hold
//! `|`, `;`, `,` or `:`.

use chrono::NaiveDate;
use domain::codes::{DuesCategory, StoredCode};
use domain::family::dues::statement::{BaseFact, HardshipFact, MemberDuesFacts, PaymentFact, QuarterlyFact};
use domain::money::Fen;

use super::{push_in, string_agg};
use crate::{Db, Result, SqlBuf, StorageError};

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

/// Two statements: the members packed per branch (each list read through its member index),
/// and the publications.
pub async fn dues_of(db: &Db, branch_ids: &[i64], from: &str, to: &str) -> Result<DuesPage> {
    if branch_ids.is_empty() {
        return Ok(DuesPage::default());
    }
    let agg = string_agg(db);
    let list = |fields: &str, table: &str, extra: &str| {
        format!("COALESCE((SELECT {agg}({fields}, ',') FROM {table} x WHERE x.member_id = m.id{extra}), '')")
    };
    let bases = list(
        "x.id || ':' || x.from_month || ':' || x.category || ':' || x.base_fen || ':' || \
         COALESCE(CAST(x.chosen_fen AS TEXT), '')",
        "dues_bases",
        "",
    );
    let hardships = list(
        "x.id || ':' || x.from_month || ':' || COALESCE(x.to_month, '') || ':' || x.amount_fen",
        "dues_hardships",
        "",
    );
    let quarterly = list("x.from_month || ':' || COALESCE(x.to_month, '')", "dues_quarterly", "");
    let mut b = SqlBuf::new("");
    let (lo, hi) = (b.arg(from), b.arg(to));
    let paid = list(
        "x.month || ':' || x.amount_fen",
        "dues_payments",
        &format!(" AND x.kind = 'regular' AND x.month >= {lo} AND x.month <= {hi}"),
    );
    b.push(&format!(
        "SELECT m.branch_id, {agg}(m.id || ';' || m.joined_on || ';' || COALESCE(m.dues_owed_from, '') || ';' || {bases} || ';' || {hardships} || ';' || \
         {quarterly} || ';' || {paid}, '|') AS packed FROM members m WHERE "
    ));
    push_in(&mut b, "m.branch_id", branch_ids);
    b.push(" AND m.status IN ('probationary','full') GROUP BY m.branch_id");
    let mut published = SqlBuf::new("SELECT org_id, year FROM dues_publications WHERE ");
    push_in(&mut published, "org_id", branch_ids);
    published.push(" ORDER BY org_id, year");
    let (packed, published) = tokio::try_join!(db.fetch_buf::<PackedBranch>(&b), db.fetch_buf(&published))?;
    let mut members = Vec::new();
    for p in &packed {
        unpack_branch(p, &mut members)?;
    }
    members.sort_by_key(|m| m.facts.member_id);
    Ok(DuesPage { members, published })
}

fn unpack_branch(p: &PackedBranch, out: &mut Vec<DuesMember>) -> Result<()> {
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
        for [month, amount] in fields::<2>(paid, "dues_payments", member_id)? {
            let month = date(month, "dues_payments", member_id)?;
            // The close reads sums per month; a payment's id and day are not needed.
            facts.payments.push(PaymentFact {
                id: 0,
                month,
                amount: fen(amount, "dues_payments", member_id)?,
                paid_on: month,
                voluntary: false,
            });
        }
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
        unpack_branch(&PackedBranch { branch_id: 7, packed: packed.to_string() }, &mut out)?;
        Ok(out)
    }

    #[test]
    fn unpacks_a_branch() -> Result<()> {
        let m = page(
            "3;2020-05-06;2020-08-01;11:2026-01-01:employed:510000:,12:2026-07-01:employed:600000:9000;21:2026-03-01::0;2026-01-01:2026-03-01;2026-01-01:7650,2026-01-01:100|4;2021-01-01;;;;;",
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
        assert_eq!(a.facts.payments.len(), 2);
        assert!(m[1].facts.bases.is_empty() && m[1].facts.payments.is_empty());
        Ok(())
    }

    #[test]
    fn corrupt_values_name_their_table_and_member() {
        for (packed, table) in [
            ("3;2020-05-06;;11:2026-01-01:nonsense:510000:;;;", "dues_bases"),
            ("3;2020-05-06;;;;;2026-13-01:100", "dues_payments"),
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
