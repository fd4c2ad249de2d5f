//! Queries of roster import and export: members looked up by ID number in bulk, and the
//! export's full rows.

use crate::member::{COLS, FROM, MemberFilter, MemberRow, push_filter};
use crate::{Arg, Db, Result, SqlBuf};
use domain::scope::Scope;
use serde::Serialize;

crate::typed_row! {
    /// A registered member's current state, as an import compares it, whatever the viewer's scope
    /// (an import must know that an ID number is taken elsewhere without revealing where).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct Registered in "members" {
        pub id: i64,
        pub id_number: String,
        pub branch_path: String,
    }
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

/// Inserts many members with their first spans and status records (an import's new rows), a
/// few hundred per statement instead of three statements a member; returns the ids in input
/// order. The caller has checked that none of the ID numbers is registered.
pub async fn insert_members(
    tx: &mut crate::Tx,
    rows: &[(crate::member::MemberData, crate::member::Placement)],
) -> Result<Vec<i64>> {
    let now = crate::now_ms();
    let mut ids = Vec::with_capacity(rows.len());
    // sqlx's SQLite driver looks each `$N` up by name, and SQLite finds a name by walking the
    // statement's parameter list, so a statement's cost grows with the square of its
    // parameters there: small statements on SQLite, large ones on PostgreSQL.
    let chunk_rows = match tx.kind() {
        crate::DbKind::Sqlite => 24,
        crate::DbKind::Postgres => 400,
    };
    for chunk in rows.chunks(chunk_rows) {
        let mut b = SqlBuf::new(
            "INSERT INTO members (name, gender, ethnicity, birth_date, id_number, phone, education, degree, occupation, \
             post, unit_name, joined_on, confirmed_on, status, dues_category, address, lost_contact, \
             lost_contact_since, mobile_member, mobile_destination, remark, probation_extension_months, name_key, \
             status_changed_on, branch_id, group_id, branch_path, created_at, updated_at) VALUES ",
        );
        let now_ph = b.arg(now);
        let mut values = Vec::with_capacity(chunk.len());
        for (d, at) in chunk {
            let mut args = crate::member::data_args(d);
            let status_since = crate::member::first_statuses(d, &d.joined_on)
                .last()
                .map(|(_, on)| on.clone())
                .unwrap_or_else(|| d.joined_on.clone());
            args.extend([
                Arg::from(status_since),
                at.branch_id.into(),
                at.group_id.into(),
                at.branch_path.clone().into(),
            ]);
            let ph: Vec<String> = args.into_iter().map(|a| b.arg(a)).collect();
            values.push(format!("({},{now_ph},{now_ph})", ph.join(",")));
        }
        b.push(&values.join(","));
        tx.execute(&b.text, &b.args).await?;
        // The new ids, by ID number (unique), in the chunk's order.
        let mut q = SqlBuf::new("SELECT id, id_number FROM members WHERE id_number IN (");
        let ph: Vec<String> = chunk.iter().map(|(d, _)| q.arg(d.id_number.clone())).collect();
        q.push(&ph.join(","));
        q.push(")");
        let found: std::collections::HashMap<String, i64> =
            tx.fetch_all::<(i64, String)>(&q.text, &q.args).await?.into_iter().map(|(id, n)| (n, id)).collect();
        let chunk_ids: Vec<i64> = chunk
            .iter()
            .map(|(d, _)| {
                found
                    .get(&d.id_number)
                    .copied()
                    .ok_or_else(|| crate::StorageError::corrupt("members", "inserted row vanished"))
            })
            .collect::<Result<_>>()?;
        // Spans (branch, and group where given) and the first status record.
        let mut s = SqlBuf::new("INSERT INTO member_org_spans (member_id, org_id, kind, start_on, created_at) VALUES ");
        let now_s = s.arg(now);
        let mut vals = Vec::new();
        for ((d, at), id) in chunk.iter().zip(&chunk_ids) {
            let (m, b_, on) = (s.arg(*id), s.arg(at.branch_id), s.arg(d.joined_on.clone()));
            vals.push(format!("({m},{b_},'branch',{on},{now_s})"));
            if let Some(g) = at.group_id {
                let g = s.arg(g);
                vals.push(format!("({m},{g},'group',{on},{now_s})"));
            }
        }
        s.push(&vals.join(","));
        tx.execute(&s.text, &s.args).await?;
        let mut st =
            SqlBuf::new("INSERT INTO member_status_changes (member_id, status, changed_on, created_at) VALUES ");
        let now_st = st.arg(now);
        let mut vals: Vec<String> = Vec::new();
        for ((d, _), id) in chunk.iter().zip(&chunk_ids) {
            for (status, on) in crate::member::first_statuses(d, &d.joined_on) {
                let (m, s_, on) = (st.arg(*id), st.arg(status), st.arg(on));
                vals.push(format!("({m},{s_},{on},{now_st})"));
            }
        }
        st.push(&vals.join(","));
        tx.execute(&st.text, &st.args).await?;
        ids.extend(chunk_ids);
    }
    Ok(ids)
}
