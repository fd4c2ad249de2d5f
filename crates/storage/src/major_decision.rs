//! The 三重一大 register (SANZHONG-YIDA): matters a committee decided collectively, each with the
//! committee meeting that decided it, read by the org's subtree.

use chrono::NaiveDate;
use domain::major_decision::Category;
use domain::money::Fen;
use domain::scope::Scope;
use serde::Serialize;

use crate::{Db, Result, SqlBuf, Tx, now_ms, scope_filter};

crate::typed_row! {
    /// A matter in the register, with its org's name and its meeting's topic.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct MajorDecisionRow in "major_decisions" {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub meeting_id: i64,
        pub meeting_topic: String,
        pub decided_on: NaiveDate,
        pub category: Category,
        pub title: String,
        pub amount: Option<Fen>,
        pub voters: i64,
        pub yes: i64,
        pub no: i64,
        pub abstain: i64,
        pub passed: bool,
        pub note: String,
        /// The names of those who stepped aside, joined by "、".
        pub recused_names: String,
    }
}

/// A matter as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMajorDecision {
    pub org_id: i64,
    pub org_path: String,
    pub meeting_id: i64,
    pub decided_on: NaiveDate,
    pub category: Category,
    pub title: String,
    pub amount: Option<Fen>,
    pub voters: u32,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    pub passed: bool,
    pub note: String,
    pub recused: Vec<i64>,
}

pub async fn insert(tx: &mut Tx, d: &NewMajorDecision, by: i64) -> Result<i64> {
    let id = tx
        .insert_returning_id(
            "INSERT INTO major_decisions (org_id, org_path, meeting_id, decided_on, category, title, amount, voters, \
             yes, no, abstain, passed, note, created_by, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) RETURNING id",
            &[
                d.org_id.into(),
                d.org_path.as_str().into(),
                d.meeting_id.into(),
                d.decided_on.into(),
                d.category.as_str().into(),
                d.title.as_str().into(),
                d.amount.into(),
                i64::from(d.voters).into(),
                i64::from(d.yes).into(),
                i64::from(d.no).into(),
                i64::from(d.abstain).into(),
                i64::from(d.passed).into(),
                d.note.as_str().into(),
                by.into(),
                now_ms().into(),
            ],
        )
        .await?;
    for member in &d.recused {
        tx.execute(
            "INSERT INTO major_decision_recusals (decision_id, member_id) VALUES ($1,$2)",
            &[id.into(), (*member).into()],
        )
        .await?;
    }
    Ok(id)
}

fn select(db_kind: crate::DbKind) -> String {
    let agg = match db_kind {
        crate::DbKind::Sqlite => "group_concat(m.name, '、')",
        crate::DbKind::Postgres => "string_agg(m.name, '、' ORDER BY m.id)",
    };
    format!(
        "SELECT d.id, d.org_id, d.org_path, o.name AS org_name, d.meeting_id, mt.topic AS meeting_topic, d.decided_on, \
         d.category, d.title, d.amount, d.voters, d.yes, d.no, d.abstain, d.passed, d.note, \
         COALESCE((SELECT {agg} FROM major_decision_recusals r JOIN members m ON m.id = r.member_id \
         WHERE r.decision_id = d.id), '') AS recused_names \
         FROM major_decisions d JOIN orgs o ON o.id = d.org_id JOIN meetings mt ON mt.id = d.meeting_id WHERE "
    )
}

/// The register of an org's subtree for a year, by date, within the scope.
pub async fn of_subtree(db: &Db, scope: &Scope, lo: &str, hi: &str, year: i32) -> Result<Vec<MajorDecisionRow>> {
    let mut b = SqlBuf::new(&select(db.kind()));
    b.push_arg("d.org_path >= ", lo.to_string());
    b.push_arg(" AND d.org_path < ", hi.to_string());
    b.push_arg(" AND d.decided_on >= ", format!("{year:04}-01-01"));
    b.push_arg(" AND d.decided_on <= ", format!("{year:04}-12-31"));
    scope_filter(&mut b, scope, "d.org_path", None);
    b.push(" ORDER BY d.decided_on, d.id");
    db.fetch_buf(&b).await
}

/// One matter, if it is in the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Option<MajorDecisionRow>> {
    let mut b = SqlBuf::new(&select(db.kind()));
    b.push_arg("d.id = ", id);
    scope_filter(&mut b, scope, "d.org_path", None);
    Ok(db.fetch_buf(&b).await?.into_iter().next())
}

/// The matters decided at a meeting, for the meeting's page.
pub async fn of_meeting(db: &Db, scope: &Scope, meeting_id: i64) -> Result<Vec<MajorDecisionRow>> {
    let mut b = SqlBuf::new(&select(db.kind()));
    b.push_arg("d.meeting_id = ", meeting_id);
    scope_filter(&mut b, scope, "d.org_path", None);
    b.push(" ORDER BY d.id");
    db.fetch_buf(&b).await
}
