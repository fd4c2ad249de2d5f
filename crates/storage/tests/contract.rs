//! The storage contract: every scenario runs on SQLite and on PostgreSQL.

use domain::org::OrgPath;
use domain::scope::Scope;
use storage::audit::{self, AuditKey, NewEntry, Verdict};
use storage::check;
use storage::meeting::{self, MeetingDetails, NewAttendance, NewMeeting};
use storage::member::{self, MemberData, MemberFilter, Placement};
use storage::org::{self, OrgFields};
use storage::{Db, Tx};

test_support::on_both_backends!(
    migrations_are_idempotent,
    dollar_placeholders_bind_by_number,
    subtree_is_a_range_and_excludes_lookalike_siblings,
    move_rewrites_descendant_and_member_paths,
    member_list_filters_sort_and_page_within_scope,
    relocation_keeps_history,
    audit_chain_detects_edit_delete_reorder_and_truncation,
    audit_head_is_keyed_so_truncation_with_an_edited_head_is_detected,
    check_reads_attendance_packed_and_reports_corrupt_rows,
    dues_summaries_follow_every_record_written,
    typed_rows_report_corrupt_values_by_table_row_and_column,
    status_history_is_probationary_until_confirmation,
);

fn fields(name: &str, kind: &str) -> OrgFields {
    OrgFields {
        name: name.into(),
        kind: kind.into(),
        unit_name: format!("{name}单位"),
        unit_kind: "public_school".into(),
        established_on: Some("2020-01-01".into()),
        term_start_on: Some("2023-06-01".into()),
        term_years: Some(3),
    }
}

async fn add_org(tx: &mut Tx, parent: Option<&org::OrgRow>, name: &str, kind: &str) -> org::OrgRow {
    org::insert(tx, parent, &fields(name, kind)).await.unwrap()
}

fn person(name: &str, id_number: &str, status: &str, joined_on: &str) -> MemberData {
    MemberData {
        name: name.into(),
        gender: "male".into(),
        ethnicity: "01".into(),
        birth_date: "1990-01-01".into(),
        id_number: id_number.into(),
        joined_on: joined_on.into(),
        status: status.into(),
        dues_category: "employed".into(),
        ..Default::default()
    }
}

fn placement(b: &org::OrgRow, g: Option<&org::OrgRow>) -> Placement {
    Placement { branch_id: b.id, branch_path: b.path.clone(), group_id: g.map(|g| g.id) }
}

async fn migrations_are_idempotent(db: Db) {
    db.migrate().await.unwrap();
    db.migrate().await.unwrap();
    let versions = db.migration_versions();
    assert_eq!(versions.first(), Some(&1));
    assert!(versions.windows(2).all(|w| w[0] < w[1]));
}

async fn dollar_placeholders_bind_by_number(db: Db) {
    // Out of order and repeated placeholders must bind by their number on both backends.
    let (a, b, c): (i64, String, i64) = db
        .fetch_one("SELECT $2 + 0, $1, $2 * 2", &[storage::Arg::Str("x".into()), storage::Arg::I64(21)])
        .await
        .unwrap();
    assert_eq!((a, b.as_str(), c), (21, "x", 42));
}

async fn subtree_is_a_range_and_excludes_lookalike_siblings(db: Db) {
    let mut tx = db.begin().await.unwrap();
    let root = add_org(&mut tx, None, "教育局党委", "committee").await;
    // Create enough orgs that ids 7 and 70-ish both exist under the same parent.
    let mut made = Vec::new();
    for i in 0..12 {
        made.push(add_org(&mut tx, Some(&root), &format!("支部{i}"), "branch").await);
    }
    tx.commit().await.unwrap();
    let first = &made[0];
    let p = first.org_path().unwrap();
    let within = org::list(&db, &Scope::everything(), Some(&p), false).await.unwrap();
    assert_eq!(within.iter().map(|o| o.id).collect::<Vec<_>>(), vec![first.id]);
    let scope = Scope { all: false, subtrees: vec![p.clone()], own_member_id: None };
    assert!(org::get(&db, &scope, first.id).await.unwrap().is_some());
    for other in &made[1..] {
        assert!(org::get(&db, &scope, other.id).await.unwrap().is_none(), "{} leaked", other.path);
    }
    assert!(org::get(&db, &scope, root.id).await.unwrap().is_none());
    let nothing = Scope::default();
    assert!(org::list(&db, &nothing, None, true).await.unwrap().is_empty());
}

async fn move_rewrites_descendant_and_member_paths(db: Db) {
    let mut tx = db.begin().await.unwrap();
    let root = add_org(&mut tx, None, "党委", "committee").await;
    let gb1 = add_org(&mut tx, Some(&root), "总支一", "general_branch").await;
    let gb2 = add_org(&mut tx, Some(&root), "总支二", "general_branch").await;
    let br = add_org(&mut tx, Some(&gb1), "支部", "branch").await;
    let grp = add_org(&mut tx, Some(&br), "小组", "group").await;
    let mid = member::insert(
        &mut tx,
        &person("张三", "11010519900101001X", "full", "2015-01-01"),
        &placement(&br, Some(&grp)),
        "2015-01-01",
    )
    .await
    .unwrap();
    let new_path = org::move_subtree(&mut tx, &br, &gb2).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(new_path, OrgPath::parse(&format!("/{}/{}/{}/", root.id, gb2.id, br.id)).unwrap());
    let g = org::get(&db, &Scope::everything(), grp.id).await.unwrap().unwrap();
    assert_eq!(g.path, format!("{}{}/", new_path, grp.id));
    let m = member::get(&db, &Scope::everything(), mid).await.unwrap().unwrap();
    assert_eq!(m.branch_path, new_path.as_str());
    let moved = org::get(&db, &Scope::everything(), br.id).await.unwrap().unwrap();
    assert_eq!(moved.parent_id, Some(gb2.id));
}

async fn member_list_filters_sort_and_page_within_scope(db: Db) {
    let mut tx = db.begin().await.unwrap();
    let root = add_org(&mut tx, None, "党委", "committee").await;
    let a = add_org(&mut tx, Some(&root), "甲支部", "branch").await;
    let b = add_org(&mut tx, Some(&root), "乙支部", "branch").await;
    let ids = ["110105199001010011", "110105199001010027", "110105199001010035", "110105199001010043"];
    let names = ["王一", "王二", "李三", "王%"];
    for (i, (id, n)) in ids.iter().zip(names).enumerate() {
        let br = if i < 3 { &a } else { &b };
        let status = if i == 1 { "probationary" } else { "full" };
        member::insert(&mut tx, &person(n, id, status, &format!("201{i}-01-01")), &placement(br, None), "2020-01-01")
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let scope_a = Scope { all: false, subtrees: vec![a.org_path().unwrap()], own_member_id: None };
    let f = MemberFilter { per_page: 10, ..Default::default() };
    let (rows, total) = member::list(&db, &scope_a, &f).await.unwrap();
    assert_eq!(total, 3);
    assert!(rows.iter().all(|r| r.branch_id == a.id));
    let f = MemberFilter { name_prefix: Some("王".into()), per_page: 10, ..Default::default() };
    let (rows, _) = member::list(&db, &Scope::everything(), &f).await.unwrap();
    assert_eq!(rows.len(), 3);
    // LIKE wildcards in the search are literal.
    let f = MemberFilter { name_prefix: Some("王%".into()), per_page: 10, ..Default::default() };
    let (rows, _) = member::list(&db, &Scope::everything(), &f).await.unwrap();
    assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), vec!["王%"]);
    let f = MemberFilter { statuses: vec!["probationary".into()], per_page: 10, ..Default::default() };
    let (rows, total) = member::list(&db, &Scope::everything(), &f).await.unwrap();
    assert_eq!((rows.len(), total), (1, 1));
    let f =
        MemberFilter { sort: member::SortKey::JoinedOn, descending: true, per_page: 2, page: 2, ..Default::default() };
    let (rows, total) = member::list(&db, &Scope::everything(), &f).await.unwrap();
    assert_eq!(total, 4);
    assert_eq!(rows.iter().map(|r| r.joined_on.to_string()).collect::<Vec<_>>(), vec!["2011-01-01", "2010-01-01"]);
    let f = MemberFilter {
        joined_from: Some("2011-01-01".into()),
        joined_to: Some("2012-01-01".into()),
        per_page: 10,
        ..Default::default()
    };
    assert_eq!(member::list(&db, &Scope::everything(), &f).await.unwrap().1, 2);
    // A member sees their own row and nothing else.
    let own = rows[0].id;
    let me = Scope { all: false, subtrees: vec![], own_member_id: Some(own) };
    let (rows, total) = member::list(&db, &me, &MemberFilter { per_page: 10, ..Default::default() }).await.unwrap();
    assert_eq!((rows.len(), total, rows[0].id), (1, 1, own));
}

async fn relocation_keeps_history(db: Db) {
    let mut tx = db.begin().await.unwrap();
    let root = add_org(&mut tx, None, "党委", "committee").await;
    let a = add_org(&mut tx, Some(&root), "甲支部", "branch").await;
    let b = add_org(&mut tx, Some(&root), "乙支部", "branch").await;
    let mid = member::insert(
        &mut tx,
        &person("张三", "11010519900101001X", "full", "2015-01-01"),
        &placement(&a, None),
        "2015-01-01",
    )
    .await
    .unwrap();
    let m = member::get_in_tx(&mut tx, &Scope::everything(), mid).await.unwrap().unwrap();
    member::relocate(&mut tx, &m, &placement(&b, None), "2024-03-01", "2024-02-29").await.unwrap();
    tx.commit().await.unwrap();
    let spans = member::spans(&db, &Scope::everything(), mid).await.unwrap();
    assert_eq!(spans.len(), 2);
    // A member's history is read within a scope: the branch the member left sees none of it,
    // the branch they joined sees all of it.
    let scope_of = |o: &org::OrgRow| Scope { all: false, subtrees: vec![o.org_path().unwrap()], own_member_id: None };
    assert!(member::spans(&db, &scope_of(&a), mid).await.unwrap().is_empty());
    assert!(member::status_changes(&db, &scope_of(&a), mid).await.unwrap().is_empty());
    assert_eq!(member::spans(&db, &scope_of(&b), mid).await.unwrap().len(), 2);
    assert_eq!((spans[0].org_id, spans[0].end_on), (b.id, None));
    assert_eq!((spans[1].org_id, spans[1].end_on.map(|d| d.to_string())), (a.id, Some("2024-02-29".to_string())));
    let m = member::get(&db, &Scope::everything(), mid).await.unwrap().unwrap();
    assert_eq!((m.branch_id, m.branch_path.as_str()), (b.id, b.path.as_str()));
}

async fn append_n(db: &Db, key: &AuditKey, n: usize) {
    for i in 0..n {
        let mut tx = db.begin().await.unwrap();
        audit::append(
            &mut tx,
            key,
            NewEntry {
                actor: "admin".into(),
                action: format!("test.{i}"),
                entity: "org".into(),
                entity_id: Some(i as i64),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

async fn audit_chain_detects_edit_delete_reorder_and_truncation(db: Db) {
    let key = AuditKey::new(b"0123456789abcdef0123456789abcdef".to_vec());
    append_n(&db, &key, 5).await;
    assert!(matches!(audit::verify(&db, &key).await.unwrap(), Verdict::Intact { entries: 5, .. }));
    // A wrong key fails at the first entry.
    let other = AuditKey::new(b"another key of thirty-two bytes!".to_vec());
    assert!(matches!(audit::verify(&db, &other).await.unwrap(), Verdict::Broken { entry_id: 1, .. }));

    // Edit: entry 3's action changes.
    db.execute("UPDATE audit_entries SET action = 'forged' WHERE id = 3", &[]).await.unwrap();
    assert!(matches!(audit::verify(&db, &key).await.unwrap(), Verdict::Broken { entry_id: 3, .. }));
    db.execute("UPDATE audit_entries SET action = 'test.2' WHERE id = 3", &[]).await.unwrap();
    assert!(matches!(audit::verify(&db, &key).await.unwrap(), Verdict::Intact { entries: 5, .. }));

    // Reorder: swap the contents of entries 2 and 4 (ids stay).
    db.execute("UPDATE audit_entries SET id = 100 WHERE id = 2", &[]).await.unwrap();
    db.execute("UPDATE audit_entries SET id = 2 WHERE id = 4", &[]).await.unwrap();
    db.execute("UPDATE audit_entries SET id = 4 WHERE id = 100", &[]).await.unwrap();
    assert!(matches!(audit::verify(&db, &key).await.unwrap(), Verdict::Broken { entry_id: 2, .. }));
    db.execute("UPDATE audit_entries SET id = 100 WHERE id = 2", &[]).await.unwrap();
    db.execute("UPDATE audit_entries SET id = 2 WHERE id = 4", &[]).await.unwrap();
    db.execute("UPDATE audit_entries SET id = 4 WHERE id = 100", &[]).await.unwrap();
    assert!(matches!(audit::verify(&db, &key).await.unwrap(), Verdict::Intact { entries: 5, .. }));

    // Truncation: the last entry disappears.
    db.execute("DELETE FROM audit_entries WHERE id = 5", &[]).await.unwrap();
    assert!(matches!(audit::verify(&db, &key).await.unwrap(), Verdict::Broken { entry_id: 5, .. }));

    // Deletion in the middle.
    db.execute("DELETE FROM audit_entries WHERE id = 2", &[]).await.unwrap();
    assert!(matches!(audit::verify(&db, &key).await.unwrap(), Verdict::Broken { entry_id: 2, .. }));
}

async fn head(db: &Db) -> (i64, String, String) {
    db.fetch_one("SELECT last_id, last_mac, head_mac FROM audit_head WHERE singleton = 1", &[]).await.unwrap()
}

/// Cutting the newest entries off and editing the head to match, or deleting every entry and
/// resetting the head, is detected by the head's MAC; the positive controls stay intact.
async fn audit_head_is_keyed_so_truncation_with_an_edited_head_is_detected(db: Db) {
    let key = AuditKey::new(b"0123456789abcdef0123456789abcdef".to_vec());
    assert!(audit::is_unwritten(&db).await.unwrap());
    // An unwritten chain whose head was never sealed does not pass as intact.
    assert_eq!(audit::verify(&db, &key).await.unwrap(), Verdict::Unsealed { entries: 0 });
    assert!(audit::seal_head(&db, &key).await.unwrap());
    assert!(!audit::seal_head(&db, &key).await.unwrap(), "a sealed head is never sealed again");
    let (_, _, empty_seal) = head(&db).await;
    assert!(matches!(audit::verify(&db, &key).await.unwrap(), Verdict::Intact { entries: 0, .. }));

    append_n(&db, &key, 5).await;
    let Verdict::Intact { entries: 5, head_mac } = audit::verify(&db, &key).await.unwrap() else { panic!("intact") };
    assert_eq!(head(&db).await.2, head_mac);

    // Cut entries 4 and 5 and move the head back to entry 3, as an editor of the database can.
    let (mac3,): (String,) = db.fetch_one("SELECT mac FROM audit_entries WHERE id = 3", &[]).await.unwrap();
    db.execute("DELETE FROM audit_entries WHERE id > 3", &[]).await.unwrap();
    db.execute("UPDATE audit_head SET last_id = 3, last_mac = $1 WHERE singleton = 1", &[mac3.into()]).await.unwrap();
    let Verdict::Broken { entry_id, reason } = audit::verify(&db, &key).await.unwrap() else { panic!("broken") };
    assert_eq!(entry_id, 4);
    assert!(reason.contains("does not match its MAC"), "{reason}");
    // Clearing the head's MAC instead is reported as an unsealed head.
    db.execute("UPDATE audit_head SET head_mac = '' WHERE singleton = 1", &[]).await.unwrap();
    assert_eq!(audit::verify(&db, &key).await.unwrap(), Verdict::Unsealed { entries: 3 });

    // Every entry deleted and the head reset: to empty, or to the seal of the empty chain made
    // with another key.
    db.execute("DELETE FROM audit_entries", &[]).await.unwrap();
    db.execute("UPDATE audit_head SET last_id = 0, last_mac = '', head_mac = '' WHERE singleton = 1", &[])
        .await
        .unwrap();
    assert_eq!(audit::verify(&db, &key).await.unwrap(), Verdict::Unsealed { entries: 0 });
    let other = AuditKey::new(b"another key of thirty-two bytes!".to_vec());
    assert!(audit::seal_head(&db, &other).await.unwrap());
    assert!(matches!(audit::verify(&db, &key).await.unwrap(), Verdict::Broken { entry_id: 1, .. }));
    // Positive control: the genuine seal of the empty chain passes.
    db.execute("UPDATE audit_head SET head_mac = $1 WHERE singleton = 1", &[empty_seal.into()]).await.unwrap();
    assert!(matches!(audit::verify(&db, &key).await.unwrap(), Verdict::Intact { entries: 0, .. }));
}

/// The two migration folders describe the same tables and columns.
#[tokio::test]
async fn schema_parity() {
    let lite = test_support::sqlite().await;
    let Some(pg) = test_support::postgres().await else { return };
    let a = lite.db.schema_columns().await.unwrap();
    let b = pg.db.schema_columns().await.unwrap();
    assert_eq!(a, b);
    assert_eq!(lite.db.migration_versions(), pg.db.migration_versions());
}

/// Every path column on PostgreSQL compares bytewise (COLLATE "C"): subtree reads are ranges of
/// paths, and under a language collation '/' and digits do not sort by byte.
#[tokio::test]
async fn every_path_column_is_collated_bytewise_on_postgres() {
    let Some(pg) = test_support::postgres().await else { return };
    let loose: Vec<(String, String)> = pg
        .db
        .fetch_all(
            "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns \
             WHERE table_schema = current_schema() AND column_name LIKE '%path' \
             AND data_type = 'text' AND COALESCE(collation_name, '') <> 'C' ORDER BY 1, 2",
            &[],
        )
        .await
        .unwrap();
    assert!(loose.is_empty(), "path columns without COLLATE \"C\": {loose:?}");
}

/// The list's total is exact up to the cap and a lower bound beyond it, on both backends.
#[tokio::test]
async fn list_total_is_capped_sqlite() {
    list_total_is_capped(test_support::sqlite().await.db.clone()).await;
}

#[tokio::test]
async fn list_total_is_capped_postgres() {
    if let Some(t) = test_support::postgres().await {
        list_total_is_capped(t.db.clone()).await;
    }
}

async fn list_total_is_capped(db: Db) {
    let mut tx = db.begin().await.unwrap();
    let root = add_org(&mut tx, None, "党委", "committee").await;
    let b = add_org(&mut tx, Some(&root), "支部", "branch").await;
    let cap = member::LIST_TOTAL_CAP as usize;
    let birth = chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap();
    let rows: Vec<(MemberData, Placement)> = (0..cap + 5)
        .map(|i| {
            let idn = domain::member::IdNumber::from_parts(
                "110105",
                birth + chrono::Days::new((i / 400) as u64),
                (i % 400) as u16 * 2 + 1,
            )
            .unwrap();
            (person("张三", idn.as_str(), "full", "2010-01-01"), placement(&b, None))
        })
        .collect();
    storage::roster::insert_members(&mut tx, &rows).await.unwrap();
    tx.commit().await.unwrap();
    let f = MemberFilter { per_page: 20, ..Default::default() };
    let (page, total) = member::list(&db, &Scope::everything(), &f).await.unwrap();
    assert_eq!(page.len(), 20);
    assert!(total > member::LIST_TOTAL_CAP, "{total}");
    let f = MemberFilter { per_page: 20, name_prefix: Some("李".into()), ..Default::default() };
    assert_eq!(member::list(&db, &Scope::everything(), &f).await.unwrap().1, 0);
}

/// The full check reads each org's meetings with their attendees and votes packed into one row; every
/// attendance value and flag comes back as stored, and a stored value the code does not know is
/// an error naming the meeting, never a default.
async fn check_reads_attendance_packed_and_reports_corrupt_rows(db: Db) {
    let mut tx = db.begin().await.unwrap();
    let root = add_org(&mut tx, None, "党委", "committee").await;
    let b = add_org(&mut tx, Some(&root), "支部", "branch").await;
    let ids = ["110105198001010011", "110105198001010038", "11010519800101005X"];
    let rows: Vec<(MemberData, Placement)> =
        ids.iter().map(|id| (person("张三", id, "full", "2010-01-01"), placement(&b, None))).collect();
    storage::roster::insert_members(&mut tx, &rows).await.unwrap();
    let members: Vec<i64> = tx
        .fetch_all::<(i64,)>("SELECT id FROM members ORDER BY id", &[])
        .await
        .unwrap()
        .into_iter()
        .map(|(id,)| id)
        .collect();
    let attendee = |member_id: i64, probationary: bool, dual_org_life: bool, attendance: &str| NewAttendance {
        member_id,
        probationary,
        dual_org_life,
        attendance: attendance.into(),
        reason: None,
    };
    let details = MeetingDetails {
        attendance: vec![
            attendee(members[0], false, false, "present"),
            attendee(members[1], true, false, "excused"),
            attendee(members[2], false, true, "absent"),
        ],
        ..Default::default()
    };
    let new = NewMeeting {
        org_id: b.id,
        org_path: b.path.clone(),
        kind: "party_member_assembly".into(),
        held_on: "2025-03-05".into(),
        start_time: None,
        place: String::new(),
        topic: "学习".into(),
        host_member_id: None,
        recorder_member_id: None,
        lecturer_member_id: Some(members[0]),
        first_agenda_item: None,
        minutes: String::new(),
        has_vote: true,
        partner_member_id: None,
        talk_reason: None,
        class_hours: None,
        by_principal: false,
        guidance: None,
    };
    let meeting_id = meeting::insert(&mut tx, &new, &details, 0).await.unwrap();
    let empty = meeting::insert(
        &mut tx,
        &NewMeeting { held_on: "2025-04-01".into(), ..new.clone() },
        &MeetingDetails::default(),
        0,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    db.execute(
        "INSERT INTO meeting_resolutions (meeting_id, position, text, purpose, voters_expected, voters_present, yes, no, abstain) \
         VALUES ($1, 1, '接收预备党员', 'admission', 3, 2, 2, 0, 0)",
        &[meeting_id.into()],
    )
    .await
    .unwrap();

    let orgs = check::meetings_of(&db, &[b.id, root.id], "2025-01-01", "2025-12-31").await.unwrap();
    assert_eq!(orgs.len(), 1, "only the org that held meetings");
    let meetings = orgs[0].meetings().unwrap();
    assert_eq!(meetings.iter().map(|m| m.id).collect::<Vec<_>>(), [meeting_id, empty]);
    assert_eq!((meetings[0].kind, meetings[0].held_on), ("party_member_assembly", "2025-03-05"));
    assert_eq!((meetings[0].lecturer_member_id, meetings[0].has_vote), (Some(members[0]), 1));
    let got: Vec<_> = meetings[0]
        .attendees()
        .unwrap()
        .into_iter()
        .map(|a| (a.member_id, a.probationary, a.dual_org_life, a.attendance))
        .collect();
    assert_eq!(
        got,
        [
            (members[0], false, false, "present"),
            (members[1], true, false, "excused"),
            (members[2], false, true, "absent")
        ]
    );
    assert!(meetings[1].attendees().unwrap().is_empty());
    let votes: Vec<_> = meetings[0]
        .votes()
        .unwrap()
        .into_iter()
        .map(|v| (v.purpose, v.voters_expected, v.voters_present, v.yes))
        .collect();
    assert_eq!(votes, [("admission", 3, 2, 2)]);
    assert!(meetings[1].votes().unwrap().is_empty());
    // Outside the dates: nothing.
    assert!(check::meetings_of(&db, &[b.id], "2025-05-01", "2025-12-31").await.unwrap().is_empty());

    // An attendance value the code does not know, and a flag that is neither 0 nor 1.
    for corruption in [
        "UPDATE meeting_attendance SET attendance = 'late' WHERE member_id = $1",
        "UPDATE meeting_attendance SET attendance = 'present', probationary = 2 WHERE member_id = $1",
    ] {
        db.execute(corruption, &[members[1].into()]).await.unwrap();
        // Written around storage: the meeting's packed attendance is rewritten as storage would.
        let repack = format!("{} WHERE id = $1", check::repack_attendance_sql(db.kind()));
        db.execute(&repack, &[meeting_id.into()]).await.unwrap();
        let orgs = check::meetings_of(&db, &[b.id], "2025-01-01", "2025-12-31").await.unwrap();
        let meetings = orgs[0].meetings().unwrap();
        match meetings[0].attendees() {
            Err(storage::StorageError::Corrupt { table, detail }) => {
                assert_eq!(table, "meeting_attendance");
                assert!(detail.contains(&format!("meeting {meeting_id}")), "{detail}");
            }
            other => panic!("{corruption}: {other:?}"),
        }
        db.execute(
            "UPDATE meeting_attendance SET attendance = 'excused', probationary = 1 WHERE member_id = $1",
            &[members[1].into()],
        )
        .await
        .unwrap();
    }
}

/// The check reads each member's regular payments summed by month from `dues_paid_years`, and
/// their other dues records from `dues_cards`; every record written or removed through storage
/// rewrites them in its transaction. The dues page read shows the sums of the payments
/// themselves, voluntary ones left out, and only the months asked for.
async fn dues_summaries_follow_every_record_written(db: Db) {
    use domain::family::dues::payment::{Payer, PaymentKind, PaymentMethod};
    use domain::money::Fen;
    let mut tx = db.begin().await.unwrap();
    let root = add_org(&mut tx, None, "党委", "committee").await;
    let b = add_org(&mut tx, Some(&root), "支部", "branch").await;
    let rows = vec![(person("张三", "110105198001010011", "full", "2010-01-01"), placement(&b, None))];
    storage::roster::insert_members(&mut tx, &rows).await.unwrap();
    let (member_id,): (i64,) = tx.fetch_one("SELECT id FROM members", &[]).await.unwrap();
    let day = |s: &str| domain::dates::parse_iso(s).unwrap();
    let payment = |month: &str, fen: i64, kind: PaymentKind| storage::dues::PaymentRow {
        id: 0,
        member_id,
        org_id: b.id,
        month: day(month),
        amount_fen: Fen::new(fen).unwrap(),
        paid_on: day(month),
        method: PaymentMethod::Cash,
        payer: Payer::Member,
        proxy_name: String::new(),
        kind,
        reason: String::new(),
        to_centre: false,
        created_by: None,
    };
    let mut ids = Vec::new();
    for (month, fen, kind) in [
        ("2025-11-01", 1000, PaymentKind::Regular),
        ("2025-12-01", 1500, PaymentKind::Regular),
        ("2026-01-01", 1500, PaymentKind::Regular),
        ("2026-01-01", 200, PaymentKind::Regular),
        ("2026-01-01", 9900, PaymentKind::Voluntary),
        ("2026-03-01", 1500, PaymentKind::Regular),
    ] {
        ids.push(storage::dues::insert_payment(&mut tx, &payment(month, fen, kind), 0).await.unwrap());
    }
    tx.commit().await.unwrap();
    let paid = |page: &check::DuesPage| -> Vec<(String, i64)> {
        page.members[0].facts.payments.iter().map(|p| (p.month.to_string(), p.amount.fen())).collect()
    };
    let page = check::dues_of(&db, &[b.id], "2025-12-01", "2026-12-01").await.unwrap();
    assert_eq!(
        paid(&page),
        [("2025-12-01".to_string(), 1500), ("2026-01-01".to_string(), 1700), ("2026-03-01".to_string(), 1500)]
    );
    // Removing one of January's two payments, and March's.
    let mut tx = db.begin().await.unwrap();
    storage::dues::delete_payment(&mut tx, ids[3]).await.unwrap();
    storage::dues::delete_payment(&mut tx, ids[5]).await.unwrap();
    tx.commit().await.unwrap();
    let page = check::dues_of(&db, &[b.id], "2025-11-01", "2026-12-01").await.unwrap();
    assert_eq!(
        paid(&page),
        [("2025-11-01".to_string(), 1000), ("2025-12-01".to_string(), 1500), ("2026-01-01".to_string(), 1500)]
    );
    let (rows,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM dues_paid_years", &[]).await.unwrap();
    assert_eq!(rows, 2, "one row a year");

    // Bases, hardship decisions and quarterly consents: the member's card follows each one.
    let mut tx = db.begin().await.unwrap();
    for (from, base) in [("2026-01-01", 500_000), ("2025-06-01", 300_000)] {
        let b = storage::dues::NewBase {
            member_id,
            from_month: day(from),
            category: domain::codes::DuesCategory::Employed,
            base: Fen::new(base).unwrap(),
            chosen: None,
            note: String::new(),
        };
        storage::dues::insert_base(&mut tx, &b, day("2026-12-01"), 0).await.unwrap();
    }
    let hardship = storage::dues::HardshipRow {
        id: 0,
        member_id,
        from_month: day("2026-02-01"),
        to_month: Some(day("2026-04-01")),
        amount_fen: Fen::ZERO,
        studied_on: day("2026-01-20"),
        approved_by: "党委".into(),
        approved_on: day("2026-01-25"),
        reason: "家庭困难".into(),
    };
    storage::dues::insert_hardship(&mut tx, &hardship, 0).await.unwrap();
    let quarterly = storage::dues::QuarterlyRow {
        id: 0,
        member_id,
        from_month: day("2026-01-01"),
        to_month: None,
        agreed_on: day("2026-01-01"),
    };
    storage::dues::insert_quarterly(&mut tx, &quarterly, 0).await.unwrap();
    tx.commit().await.unwrap();
    let page = check::dues_of(&db, &[b.id], "2025-11-01", "2026-12-01").await.unwrap();
    let facts = &page.members[0].facts;
    let bases: Vec<(String, i64)> = facts.bases.iter().map(|b| (b.from.to_string(), b.base.fen())).collect();
    assert_eq!(bases, [("2025-06-01".to_string(), 300_000), ("2026-01-01".to_string(), 500_000)]);
    assert_eq!(facts.hardships.len(), 1);
    assert_eq!(facts.hardships[0].to.map(|d| d.to_string()).as_deref(), Some("2026-04-01"));
    assert_eq!(facts.quarterly.len(), 1);
    assert_eq!(check::stale_dues_cards(&db).await.unwrap(), 0);
    // A record written around storage leaves the card stale, and the comparison finds it.
    db.execute("UPDATE dues_bases SET base_fen = 1 WHERE member_id = $1", &[member_id.into()]).await.unwrap();
    assert_eq!(check::stale_dues_cards(&db).await.unwrap(), 1);
}

/// Rows decode each column into its domain type. A stored value that does not decode (an
/// unknown code, an impossible date, a flag that is neither 0 nor 1) is `StorageError::Corrupt`
/// naming the table, the row and the column, never a default.
async fn typed_rows_report_corrupt_values_by_table_row_and_column(db: Db) {
    let mut tx = db.begin().await.unwrap();
    let root = add_org(&mut tx, None, "党委", "committee").await;
    let b = add_org(&mut tx, Some(&root), "支部", "branch").await;
    let rows = vec![(person("张三", "110105198001010011", "full", "2010-01-01"), placement(&b, None))];
    storage::roster::insert_members(&mut tx, &rows).await.unwrap();
    tx.commit().await.unwrap();
    let all = Scope::everything();
    let read = org::get(&db, &all, b.id).await.unwrap().unwrap();
    assert_eq!(read.kind, domain::org::OrgKind::Branch);
    assert_eq!(read.status, domain::org::OrgStatus::Active);
    let (mid,): (i64,) = db.fetch_one("SELECT id FROM members", &[]).await.unwrap();
    let m = member::get(&db, &all, mid).await.unwrap().unwrap();
    assert_eq!(m.status, domain::codes::MemberStatus::Full);
    assert_eq!(m.joined_on, chrono::NaiveDate::from_ymd_opt(2010, 1, 1).unwrap());
    assert!(!m.lost_contact);

    let corrupt = |e: storage::StorageError| match e {
        storage::StorageError::Corrupt { table, detail } => format!("{table}: {detail}"),
        other => panic!("expected a corrupt-row error, got {other:?}"),
    };
    // An org kind the code does not know (once read as a branch).
    let mut tx = db.begin().await.unwrap();
    tx.execute("UPDATE orgs SET kind = 'brnach' WHERE id = $1", &[b.id.into()]).await.unwrap();
    tx.commit().await.unwrap();
    let e = corrupt(org::get(&db, &all, b.id).await.unwrap_err());
    assert_eq!(e, format!("orgs: row {}, column kind: unknown org kind \"brnach\"", b.id));
    // A date that does not exist, and a flag that is neither 0 nor 1.
    let mut tx = db.begin().await.unwrap();
    tx.execute("UPDATE orgs SET kind = 'branch' WHERE id = $1", &[b.id.into()]).await.unwrap();
    tx.execute("UPDATE members SET joined_on = '2010-02-30' WHERE id = $1", &[mid.into()]).await.unwrap();
    tx.commit().await.unwrap();
    let e = corrupt(member::get(&db, &all, mid).await.unwrap_err());
    assert_eq!(e, format!("members: row {mid}, column joined_on: not a date (YYYY-MM-DD): \"2010-02-30\""));
    let mut tx = db.begin().await.unwrap();
    tx.execute("UPDATE members SET joined_on = '2010-01-01', lost_contact = 2 WHERE id = $1", &[mid.into()])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let e = corrupt(member::get(&db, &all, mid).await.unwrap_err());
    assert_eq!(e, format!("members: row {mid}, column lost_contact: not a 0/1 flag: 2"));
    // A member status the code does not know, in a list.
    let mut tx = db.begin().await.unwrap();
    tx.execute("UPDATE members SET lost_contact = 0, status = 'ful' WHERE id = $1", &[mid.into()]).await.unwrap();
    tx.commit().await.unwrap();
    let f = MemberFilter { per_page: 20, ..Default::default() };
    let e = corrupt(member::list(&db, &all, &f).await.unwrap_err());
    assert_eq!(e, format!("members: row {mid}, column status: unknown member status \"ful\""));
}

/// A full member confirmed (转正) a year after admission has the history 预备党员 from the
/// admission and 正式党员 from the confirmation, whether written now or repaired by migration 0009
/// from the old shape (正式党员 from the admission).
async fn status_history_is_probationary_until_confirmation(db: Db) {
    let mut tx = db.begin().await.unwrap();
    let root = add_org(&mut tx, None, "党委", "committee").await;
    let b = add_org(&mut tx, Some(&root), "支部", "branch").await;
    let mut p = person("张三", "11010519900101001X", "full", "2015-01-01");
    p.confirmed_on = Some("2016-01-01".into());
    let mid = member::insert(&mut tx, &p, &placement(&b, None), "2015-01-01").await.unwrap();
    tx.commit().await.unwrap();
    let all = Scope::everything();
    let history = |db: Db| async move {
        let mut h: Vec<(String, String)> = member::status_changes(&db, &Scope::everything(), mid)
            .await
            .unwrap()
            .into_iter()
            .map(|c| (c.status.as_str().to_string(), c.changed_on.to_string()))
            .collect();
        h.reverse();
        h
    };
    let expected = vec![("probationary".to_string(), "2015-01-01".to_string()), ("full".into(), "2016-01-01".into())];
    assert_eq!(history(db.clone()).await, expected);
    let m = member::get(&db, &all, mid).await.unwrap().unwrap();
    assert_eq!(m.status_changed_on.to_string(), "2016-01-01");
    assert_eq!(member::spans(&db, &all, mid).await.unwrap()[0].start_on.to_string(), "2015-01-01");

    // The old shape, then the migration's statements.
    let mut tx = db.begin().await.unwrap();
    tx.execute("DELETE FROM member_status_changes WHERE member_id = $1 AND status = 'probationary'", &[mid.into()])
        .await
        .unwrap();
    tx.execute("UPDATE member_status_changes SET changed_on = '2015-01-01' WHERE member_id = $1", &[mid.into()])
        .await
        .unwrap();
    tx.execute("UPDATE members SET status_changed_on = '2015-01-01' WHERE id = $1", &[mid.into()]).await.unwrap();
    for statement in include_str!("../migrations/sqlite/0009_status_history_from_admission.sql").split(';') {
        let sql: String =
            statement.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
        if !sql.trim().is_empty() {
            tx.execute(&sql, &[]).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    assert_eq!(history(db.clone()).await, expected);
    let m = member::get(&db, &all, mid).await.unwrap().unwrap();
    assert_eq!(m.status_changed_on.to_string(), "2016-01-01");
}
