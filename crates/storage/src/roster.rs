//! Queries of roster import and export: members looked up by ID number in bulk, and the
//! export's full rows.

use crate::member::{COLS, FROM, MemberFilter, MemberRow, push_filter};
use crate::{Arg, Db, Result, SqlBuf};
use domain::scope::Scope;
use serde::Serialize;

/// A registered member's current state, as an import compares it, whatever the viewer's scope
/// (an import must know that an ID number is taken elsewhere without revealing where).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Registered {
    pub id: i64,
    pub id_number: String,
    pub branch_path: String,
}

/// The members holding any of these ID numbers (looked up in chunks).
pub async fn by_id_numbers(db: &Db, id_numbers: &[String]) -> Result<Vec<Registered>> {
    let mut out = Vec::new();
    for chunk in id_numbers.chunks(500) {
        let mut b = SqlBuf::new("SELECT id, id_number, branch_path FROM members WHERE id_number IN (");
        let ph: Vec<String> = chunk.iter().map(|s| b.arg(Arg::Str(s.clone()))).collect();
        b.push(&ph.join(","));
        b.push(")");
        out.extend(db.fetch_buf::<Registered>(&b).await?);
    }
    Ok(out)
}

/// The members matching a filter for an export, a batch at a time in id order (keyset paging
/// keeps memory bounded however large the export).
pub async fn export_batch(
    db: &Db,
    scope: &Scope,
    filter: &MemberFilter,
    after_id: i64,
    limit: i64,
) -> Result<Vec<MemberRow>> {
    let mut b = SqlBuf::new(&format!("SELECT {COLS}{FROM} WHERE "));
    b.push_arg("m.id > ", after_id);
    push_filter(&mut b, scope, filter);
    b.push_arg(" ORDER BY m.id LIMIT ", limit);
    db.fetch_buf(&b).await
}

/// Full rows of the members with these ids that the scope sees (looked up in chunks).
pub async fn rows_by_ids(db: &Db, scope: &Scope, ids: &[i64]) -> Result<Vec<MemberRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut b = SqlBuf::new(&format!("SELECT {COLS}{FROM} WHERE m.id IN ("));
        let ph: Vec<String> = chunk.iter().map(|id| b.arg(*id)).collect();
        b.push(&ph.join(","));
        b.push(")");
        crate::scope_filter(&mut b, scope, "m.branch_path", Some("m.id"));
        out.extend(db.fetch_buf::<MemberRow>(&b).await?);
    }
    Ok(out)
}
