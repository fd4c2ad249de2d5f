//! The bulk loader (the city and province demos) and the member list at a size where its two
//! plans and its capped count come into play, on both backends.

use chrono::NaiveDate;
use domain::member::IdNumber;
use domain::org::OrgPath;
use domain::scope::Scope;
use storage::bulk::{Loader, MemberRecord, OrgRecord, PostRecord};
use storage::member::{self, LIST_TOTAL_CAP, MemberData, MemberFilter, Placement, SortKey};
use storage::org::{self, OrgFields};
use storage::{Db, DbKind, StorageError};

test_support::on_both_backends!(
    a_load_writes_spans_status_posts_and_keeps_the_schema,
    a_load_refuses_a_database_with_orgs,
    a_dropped_load_leaves_the_database_as_it_was,
    member_list_matches_a_reference_on_small_and_large_subtrees,
);

fn org_rec(id: i64, parent: Option<&OrgRecord>, name: &str, kind: &str) -> OrgRecord {
    let path = match parent {
        Some(p) => format!("{}{id}/", p.path),
        None => format!("/{id}/"),
    };
    OrgRecord {
        id,
        parent_id: parent.map(|p| p.id),
        path,
        name: name.into(),
        kind: kind.into(),
        unit_name: name.into(),
        unit_kind: "other".into(),
        established_on: Some("2001-07-01".into()),
        term_start_on: Some("2024-03-01".into()),
        term_years: Some(3),
    }
}

fn person(n: i64, name: &str, status: &str) -> MemberData {
    let birth = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap() + chrono::Days::new(n as u64 / 400);
    let id = IdNumber::from_parts("110105", birth, (n % 400) as u16 * 2 + 1).unwrap();
    MemberData {
        name: name.into(),
        gender: "male".into(),
        ethnicity: "01".into(),
        birth_date: birth.format("%Y-%m-%d").to_string(),
        id_number: id.as_str().into(),
        joined_on: "2010-07-01".into(),
        confirmed_on: (status != "probationary").then(|| "2011-07-01".into()),
        status: status.into(),
        dues_category: "employed".into(),
        ..Default::default()
    }
}

fn member_rec(id: i64, name: &str, status: &str, branch: &OrgRecord, group: Option<&OrgRecord>) -> MemberRecord {
    MemberRecord {
        id,
        data: person(id, name, status),
        branch_id: branch.id,
        branch_path: branch.path.clone(),
        group_id: group.map(|g| g.id),
        since: "2010-07-01".into(),
    }
}

/// Names with shared prefixes, a LIKE wildcard, Latin letters in both cases, and characters
/// at the edges of the code point ranges.
const NAMES: &[&str] = &[
    "王一",
    "王二",
    "王%",
    "王",
    "玌",
    "李三",
    "李四",
    "张五",
    "Wang",
    "wang",
    "\u{D7FF}甲",
    "\u{E000}乙",
    "\u{10FFFF}",
];

/// A root with a large committee (more orgs than the member list treats as small, more
/// members than it counts exactly) and a small one. Returns the root, the committees and the
/// number of members.
async fn load_tree(db: &Db) -> (OrgRecord, OrgRecord, OrgRecord, i64) {
    let mut l = Loader::begin(db).await.unwrap();
    let root = org_rec(1, None, "党委", "committee");
    let big = org_rec(2, Some(&root), "大党委", "committee");
    let small = org_rec(3, Some(&root), "小党委", "committee");
    for o in [&root, &big, &small] {
        l.org(o.clone()).await.unwrap();
    }
    let (mut next_org, mut next_member, mut next_post) = (4, 1, 1);
    for (parent, branches) in [(&big, 420), (&small, 30)] {
        for b in 0..branches {
            let branch = org_rec(next_org, Some(parent), &format!("支部{b}"), "branch");
            let group = org_rec(next_org + 1, Some(&branch), "第一党小组", "group");
            next_org += 2;
            l.org(branch.clone()).await.unwrap();
            l.org(group.clone()).await.unwrap();
            for k in 0..3 {
                let name = NAMES[(next_member as usize * 7 + k) % NAMES.len()];
                let status = ["full", "full", "probationary", "transferred_out"][(next_member % 4) as usize];
                let g = (k % 2 == 0).then_some(&group);
                l.member(member_rec(next_member, name, status, &branch, g)).await.unwrap();
                if k == 0 {
                    let post = PostRecord {
                        id: next_post,
                        org_id: branch.id,
                        member_id: next_member,
                        post: "secretary".into(),
                        start_on: "2024-03-01".into(),
                    };
                    l.post(post).await.unwrap();
                    next_post += 1;
                }
                next_member += 1;
            }
        }
    }
    let stats = l.finish().await.unwrap();
    assert_eq!(stats.members, next_member as u64 - 1);
    // One status record each, and a second (the confirmation) for the full members, who were
    // confirmed a year after admission.
    assert!(stats.status_changes > stats.members && stats.status_changes < 2 * stats.members);
    (root, big, small, next_member - 1)
}

async fn index_names(db: &Db) -> Vec<String> {
    let sql = match db.kind() {
        DbKind::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name",
        DbKind::Postgres => {
            "SELECT indexname::TEXT FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname"
        }
    };
    db.fetch_all::<(String,)>(sql, &[]).await.unwrap().into_iter().map(|r| r.0).collect()
}

async fn count(db: &Db, sql: &str) -> i64 {
    db.fetch_one::<(i64,)>(sql, &[]).await.unwrap().0
}

async fn a_load_writes_spans_status_posts_and_keeps_the_schema(db: Db) {
    let before = index_names(&db).await;
    let (_, big, _, members) = load_tree(&db).await;
    assert_eq!(index_names(&db).await, before, "the dropped indexes are back");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM members").await, members);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM orgs").await, 3 + 2 * 450);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM org_posts").await, 450);
    // Each member as member::insert leaves them: a branch span, a group span when in a group,
    // and the status history of member::first_statuses, the last record matching the cached columns.
    let checks = [
        "SELECT COUNT(*) FROM members m WHERE NOT EXISTS (SELECT 1 FROM member_org_spans s WHERE s.member_id = m.id \
         AND s.kind = 'branch' AND s.org_id = m.branch_id AND s.end_on IS NULL AND s.start_on = m.joined_on)",
        "SELECT COUNT(*) FROM members m WHERE (m.group_id IS NULL) <> NOT EXISTS (SELECT 1 FROM member_org_spans s \
         WHERE s.member_id = m.id AND s.kind = 'group' AND s.org_id = m.group_id AND s.end_on IS NULL)",
        "SELECT COUNT(*) FROM members m JOIN orgs b ON b.id = m.branch_id WHERE b.path <> m.branch_path",
        "SELECT COUNT(*) FROM members m WHERE (SELECT COUNT(*) FROM member_status_changes c WHERE c.member_id = m.id \
         AND c.status = m.status AND c.changed_on = m.status_changed_on) <> 1",
        "SELECT COUNT(*) FROM orgs c JOIN orgs p ON p.id = c.parent_id WHERE c.path <> p.path || c.id || '/'",
    ];
    for sql in checks {
        assert_eq!(count(&db, sql).await, 0, "{sql}");
    }
    // A full member confirmed after joining has two records: 预备党员 from the admission, 正式党员
    // from the confirmation (the row's status_changed_on); the others one.
    let confirmed_later =
        count(&db, "SELECT COUNT(*) FROM members WHERE status = 'full' AND confirmed_on > joined_on").await;
    assert!(confirmed_later > 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM member_status_changes").await, members + confirmed_later);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM members m WHERE m.status = 'full' AND m.confirmed_on > m.joined_on AND NOT EXISTS \
             (SELECT 1 FROM member_status_changes c WHERE c.member_id = m.id AND c.status = 'probationary' \
             AND c.changed_on = m.joined_on)"
        )
        .await,
        0
    );
    // Ids continue after the loaded ones (PostgreSQL's identity sequences were moved on).
    let mut tx = db.begin().await.unwrap();
    let parent = org::get_in_tx(&mut tx, &Scope::everything(), big.id).await.unwrap().unwrap();
    let fields =
        OrgFields { name: "新支部".into(), kind: "branch".into(), unit_kind: "other".into(), ..Default::default() };
    let added = org::insert(&mut tx, Some(&parent), &fields).await.unwrap();
    assert_eq!(added.id, 3 + 2 * 450 + 1);
    let at = Placement { branch_id: added.id, branch_path: added.path.clone(), group_id: None };
    let id = member::insert(&mut tx, &person(members + 1, "新人", "full"), &at, "2020-01-01").await.unwrap();
    assert_eq!(id, members + 1);
    let post = org::insert_post(&mut tx, added.id, id, "secretary", "2024-01-01").await.unwrap();
    assert_eq!(post, 451);
    tx.commit().await.unwrap();
}

async fn a_load_refuses_a_database_with_orgs(db: Db) {
    load_tree(&db).await;
    assert!(matches!(Loader::begin(&db).await, Err(StorageError::Conflict(_))));
}

async fn a_dropped_load_leaves_the_database_as_it_was(db: Db) {
    let before = index_names(&db).await;
    {
        let mut l = Loader::begin(&db).await.unwrap();
        assert!(!l.dropped_indexes().is_empty());
        let root = org_rec(1, None, "党委", "committee");
        let branch = org_rec(2, Some(&root), "支部", "branch");
        l.org(root).await.unwrap();
        l.org(branch.clone()).await.unwrap();
        for i in 1..=1_500 {
            l.member(member_rec(i, "王", "full", &branch, None)).await.unwrap();
        }
        // Dropped without finish: the transaction rolls back.
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM orgs").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM members").await, 0);
    assert_eq!(index_names(&db).await, before);
}

/// What the member list must return, computed from all rows: filtered, sorted by name (code
/// point order) and id.
#[derive(Clone)]
struct Ref {
    id: i64,
    name: String,
    status: String,
    path: String,
}

fn reference(
    all: &[Ref],
    kind: DbKind,
    prefix: Option<&str>,
    within: &[&str],
    statuses: &[&str],
    descending: bool,
) -> Vec<i64> {
    let mut rows: Vec<&Ref> = all
        .iter()
        .filter(|r| match prefix {
            // SQLite's LIKE ignores the case of Latin letters; PostgreSQL's does not.
            Some(p) if p.chars().any(|c| c.is_ascii_alphabetic()) && kind == DbKind::Sqlite => {
                r.name.to_ascii_lowercase().starts_with(&p.to_ascii_lowercase())
            }
            Some(p) => r.name.starts_with(p),
            None => true,
        })
        .filter(|r| within.iter().all(|w| r.path.starts_with(w)))
        .filter(|r| statuses.is_empty() || statuses.contains(&r.status.as_str()))
        .collect();
    // By pinyin (the names' sort keys), then id.
    rows.sort_by_cached_key(|r| (domain::collation::name_key(&r.name), r.id));
    if descending {
        rows.reverse();
    }
    rows.into_iter().map(|r| r.id).collect()
}

async fn member_list_matches_a_reference_on_small_and_large_subtrees(db: Db) {
    let (root, big, small, _) = load_tree(&db).await;
    let all: Vec<Ref> = db
        .fetch_all::<(i64, String, String, String)>("SELECT id, name, status, branch_path FROM members", &[])
        .await
        .unwrap()
        .into_iter()
        .map(|(id, name, status, path)| Ref { id, name, status, path })
        .collect();
    let path = |o: &OrgRecord| OrgPath::parse(&o.path).unwrap();
    let in_scope = |o: &OrgRecord| Scope { all: false, subtrees: vec![path(o)], own_member_id: None };
    let scopes = [
        ("all", Scope::everything(), None),
        ("root", in_scope(&root), Some(&root)),
        ("small", in_scope(&small), Some(&small)),
    ];
    let subtrees = [None, Some(&big), Some(&small)];
    let prefixes = [None, Some("王"), Some("王%"), Some("李"), Some("wang"), Some("\u{D7FF}"), Some("\u{10FFFF}")];
    let statuses: [&[&str]; 2] = [&[], &["full"]];
    let mut checked = 0;
    for (scope_name, scope, scope_org) in &scopes {
        for subtree in subtrees {
            for prefix in prefixes {
                for st in statuses {
                    for descending in [false, true] {
                        let mut within: Vec<&str> = Vec::new();
                        if let Some(o) = scope_org {
                            within.push(&o.path);
                        }
                        if let Some(o) = subtree {
                            within.push(&o.path);
                        }
                        let expected = reference(&all, db.kind(), prefix, &within, st, descending);
                        for (page, per_page) in [(1, 20), (2, 20), (1, 500), (3, 500)] {
                            let f = MemberFilter {
                                name_prefix: prefix.map(str::to_string),
                                subtree: subtree.map(path),
                                statuses: st.iter().map(|s| s.to_string()).collect(),
                                sort: SortKey::Name,
                                descending,
                                page,
                                per_page,
                                ..Default::default()
                            };
                            let (rows, total) = member::list(&db, scope, &f).await.unwrap();
                            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                            let from = ((page - 1) * per_page) as usize;
                            let want: Vec<i64> = expected.iter().skip(from).take(per_page as usize).copied().collect();
                            let what = format!(
                                "scope {scope_name}, subtree {:?}, prefix {prefix:?}, status {st:?}, desc {descending}, page {page}/{per_page}",
                                subtree.map(|o| &o.name)
                            );
                            assert_eq!(ids, want, "{what}");
                            let n = expected.len() as i64;
                            if n <= LIST_TOTAL_CAP {
                                assert_eq!(total, n, "{what}");
                            } else {
                                // A lower bound past the cap, never short of this page.
                                assert!(total > LIST_TOTAL_CAP && total <= n, "{what}: total {total} of {n}");
                                assert!(total >= from as i64 + ids.len() as i64, "{what}: total {total}");
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 500);
    // Some of these lists are past the cap, some are short: both kinds were checked.
    assert!(all.len() as i64 > LIST_TOTAL_CAP);
}

/// The maintenance after a bulk load commits synchronously whatever the server's setting
/// (the test cluster's is `off`), which lets its VACUUM mark the loaded pages all-visible; the
/// connection goes back to the pool with the server's setting.
#[tokio::test]
async fn maintenance_commits_synchronously_on_postgres() {
    let Some(t) = test_support::postgres().await else { return };
    let setting = "SELECT current_setting('synchronous_commit')";
    let (server,): (String,) = t.db.fetch_one(setting, &[]).await.unwrap();
    t.db.maintain(&[format!("CREATE TABLE maintained AS {setting} AS setting")]).await.unwrap();
    let (during,): (String,) = t.db.fetch_one("SELECT setting FROM maintained", &[]).await.unwrap();
    assert_eq!(during, "on");
    let (after,): (String,) = t.db.fetch_one(setting, &[]).await.unwrap();
    assert_eq!(after, server);
}

/// The member search's statements run on connections that plan them once, generically; the
/// others keep PostgreSQL's per-execution choice (their best plan may depend on the values).
#[tokio::test]
async fn fixed_plan_reads_use_generic_plans_on_postgres() {
    let Some(t) = test_support::postgres().await else { return };
    let b = storage::SqlBuf::new("SELECT current_setting('plan_cache_mode')");
    let fixed: Vec<(String,)> = t.db.fetch_buf_fixed_plan(&b).await.unwrap();
    assert_eq!(fixed, [("force_generic_plan".to_owned(),)]);
    let (usual,): (String,) = t.db.fetch_one("SELECT current_setting('plan_cache_mode')", &[]).await.unwrap();
    assert_eq!(usual, "auto");
}
