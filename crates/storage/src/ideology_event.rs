//! Events on sensitive dates (敏感时间节点活动, IDEOLOGY-RESP), read by the org's subtree.

use chrono::NaiveDate;
use domain::ideology_event::Event;
use domain::ideology_position::PositionKind;
use domain::scope::Scope;
use serde::Serialize;

use crate::{Db, Result, SqlBuf, Tx, now_ms, scope_filter};

crate::typed_row! {
    /// An event with its org's name.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct EventRow in "ideology_events" {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub kind: PositionKind,
        pub title: String,
        pub held_on: NaiveDate,
        pub place: String,
        pub speaker: String,
        pub responsible: String,
        pub approved_by: Option<String>,
        pub approved_on: Option<NaiveDate>,
        pub sensitive: bool,
        pub note: String,
    }
}

pub async fn insert(tx: &mut Tx, org_id: i64, org_path: &str, e: &Event, by: i64) -> Result<i64> {
    let (approved_by, approved_on) = match &e.approval {
        Some((by, on)) => (Some(by.as_str()), Some(*on)),
        None => (None, None),
    };
    tx.insert_returning_id(
        "INSERT INTO ideology_events (org_id, org_path, kind, title, held_on, place, speaker, responsible, \
         approved_by, approved_on, sensitive, note, created_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id",
        &[
            org_id.into(),
            org_path.into(),
            e.kind.as_str().into(),
            e.title.as_str().into(),
            e.held_on.into(),
            e.place.as_str().into(),
            e.speaker.as_str().into(),
            e.responsible.as_str().into(),
            approved_by.into(),
            approved_on.into(),
            i64::from(e.sensitive).into(),
            e.note.as_str().into(),
            by.into(),
            now_ms().into(),
        ],
    )
    .await
}

/// The events of a subtree held in `year`, by day, within the scope.
pub async fn of_subtree(db: &Db, scope: &Scope, lo: &str, hi: &str, year: i32) -> Result<Vec<EventRow>> {
    let mut b = SqlBuf::new(
        "SELECT e.id, e.org_id, e.org_path, o.name AS org_name, e.kind, e.title, e.held_on, e.place, e.speaker, \
         e.responsible, e.approved_by, e.approved_on, e.sensitive, e.note \
         FROM ideology_events e JOIN orgs o ON o.id = e.org_id WHERE ",
    );
    b.push_arg("e.org_path >= ", lo.to_string());
    b.push_arg(" AND e.org_path < ", hi.to_string());
    b.push_arg(" AND e.held_on >= ", format!("{year:04}-01-01"));
    b.push_arg(" AND e.held_on <= ", format!("{year:04}-12-31"));
    scope_filter(&mut b, scope, "e.org_path", None);
    b.push(" ORDER BY e.held_on, e.org_path, e.id");
    db.fetch_buf(&b).await
}
