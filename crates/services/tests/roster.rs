//! Roster import and export on both backends: one pass finds every error by row and column,
//! nothing is half-imported, re-imports are idempotent, changes become dated history, and an
//! export imports back unchanged.

use chrono::NaiveDate;
use domain::member::IdNumber;
use domain::scope::{Actor, Grant};
use reports::write::{SheetSpec, write_csv, write_xlsx};
use services::export::{ExportFormat, ExportShape};
use services::members::ListQuery;
use services::orgs::OrgInput;
use services::{HashCost, ServiceError, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;

fn services(db: Db) -> Services {
    Services::new(db, AuditKey::new(vec![3u8; 32]), HashCost::cheap_for_tests())
}

fn id(birth: &str, seq: u16) -> String {
    let d = NaiveDate::parse_from_str(birth, "%Y%m%d").unwrap();
    IdNumber::from_parts("110105", d, seq).unwrap().as_str().to_string()
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

struct Tree {
    a: i64,
    b: i64,
}

async fn tree(s: &Services) -> Tree {
    let c = console_actor();
    let org = |name: &str, kind: &str| OrgInput { name: name.into(), kind: kind.into(), ..Default::default() };
    let root = s.create_org(&c, None, &org("教育局党委", "committee")).await.unwrap();
    let a = s.create_org(&c, Some(root.id), &org("第一小学党支部", "branch")).await.unwrap();
    let gb = s.create_org(&c, Some(root.id), &org("第一中学党总支", "general_branch")).await.unwrap();
    let b = s.create_org(&c, Some(gb.id), &org("高一年级党支部", "branch")).await.unwrap();
    s.create_org(&c, Some(a.id), &org("第一党小组", "group")).await.unwrap();
    // A second branch of the same name elsewhere makes the bare name ambiguous.
    let gb2 = s.create_org(&c, Some(root.id), &org("第二中学党总支", "general_branch")).await.unwrap();
    s.create_org(&c, Some(gb2.id), &org("高一年级党支部", "branch")).await.unwrap();
    Tree { a: a.id, b: b.id }
}

const HEADERS: [&str; 9] =
    ["姓名", "身份证号", "性别", "民族", "入党时间", "转正时间", "人员类别", "所在党支部", "手机号"];

fn row(name: &str, idn: &str, org: &str, joined: &str, confirmed: &str) -> Vec<String> {
    let category = if confirmed.is_empty() { "预备党员" } else { "正式党员" };
    [name, idn, "", "汉族", joined, confirmed, category, org, "13800138000"].iter().map(|s| s.to_string()).collect()
}

fn xlsx(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    write_xlsx(&[SheetSpec { name: "党员", title: None, headers, rows, text_columns: &[1] }]).unwrap()
}

async fn member_count(s: &Services) -> i64 {
    let (n,): (i64,) = s.fixture_db().fetch_one("SELECT COUNT(*) FROM members", &[]).await.unwrap();
    n
}

test_support::on_both_backends!(
    a_clean_sheet_imports_once_and_again_changes_nothing,
    every_error_is_reported_by_row_and_column_and_nothing_is_imported,
    changed_rows_become_dated_history,
    scope_limits_what_a_sheet_can_touch,
    people_type_dates_and_orgs_in_many_ways,
    files_that_are_not_rosters_get_their_own_message,
    export_imports_back_unchanged,
    org_tree_exports_and_imports_by_name_path,
    fifty_thousand_rows_with_one_bad_row_import_nothing_and_name_it,
);

async fn org_tree_exports_and_imports_by_name_path(db: Db) {
    let s = services(db);
    tree(&s).await;
    let c = console_actor();
    let file = s.export_orgs(&c, ExportFormat::Xlsx).await.unwrap();
    // Into an empty database of the same backend: the whole tree, parents before children,
    // from one sheet.
    let t = test_support::fresh_like(s.fixture_db()).await;
    assert_eq!(t.db.kind(), s.fixture_db().kind());
    let empty = services(t.db.clone());
    let plan = empty.plan_org_import(&c, &file.bytes).await.unwrap();
    assert!(plan.issues.is_empty(), "{:?}", plan.issues);
    assert_eq!((plan.new, plan.changed, plan.unchanged), (7, 0, 0));
    empty.commit_org_import(&c, &plan).await.unwrap();
    let again = empty.plan_org_import(&c, &file.bytes).await.unwrap();
    assert_eq!((again.new, again.unchanged), (0, 7));
    let before = storage::org::list(s.fixture_db(), &domain::scope::Scope::everything(), None, true).await.unwrap();
    let after = storage::org::list(empty.fixture_db(), &domain::scope::Scope::everything(), None, true).await.unwrap();
    let shape = |orgs: &[storage::org::OrgRow]| {
        let mut v: Vec<(String, String, usize)> =
            orgs.iter().map(|o| (o.name.clone(), o.kind.as_str().to_string(), o.path.matches('/').count())).collect();
        v.sort();
        v
    };
    assert_eq!(shape(&before), shape(&after));
    // A term start typed in a sheet becomes a past election on record; a sheet that then moves
    // it is refused by row (a new term is a new election), and a blank cell keeps it.
    let o = after.iter().find(|o| o.kind == domain::org::OrgKind::Branch).unwrap();
    let parent = o.parent_id.and_then(|p| after.iter().find(|x| x.id == p)).map(|p| p.name.clone()).unwrap_or_default();
    let kind = o.kind.label().to_string();
    let sheet = |start: &str| {
        xlsx(
            &["组织名称", "组织类别", "上级组织", "本届任期开始日期", "任期年限"],
            &[vec![o.name.clone(), kind.clone(), parent.clone(), start.into(), "3".into()]],
        )
    };
    let plan = empty.plan_org_import(&c, &sheet("2024-06-01")).await.unwrap();
    assert!(plan.issues.is_empty() && plan.changed == 1, "{:?}", plan.issues);
    empty.commit_org_import(&c, &plan).await.unwrap();
    assert_eq!(empty.elections_of_org(&c, o.id).await.unwrap().len(), 1);
    let plan = empty.plan_org_import(&c, &sheet("2026-01-01")).await.unwrap();
    assert!(plan.issues.iter().any(|i| i.message.contains("换届选举")), "{:?}", plan.issues);
    let blank = xlsx(&["组织名称", "组织类别", "上级组织"], &[vec![o.name.clone(), kind.clone(), parent.clone()]]);
    let plan = empty.plan_org_import(&c, &blank).await.unwrap();
    assert!(plan.issues.is_empty(), "{:?}", plan.issues);
    assert_eq!(plan.changed, 0, "a blank term keeps the one on record");
    // A group under a committee is refused with the reason, and nothing is created.
    let bad = xlsx(&["组织名称", "组织类别", "上级组织"], &[vec!["小组".into(), "党小组".into(), "教育局党委".into()]]);
    let plan = s.plan_org_import(&c, &bad).await.unwrap();
    assert!(plan.issues[0].message.contains("不能设在"), "{:?}", plan.issues);
    assert!(s.commit_org_import(&c, &plan).await.is_err());
}

async fn fifty_thousand_rows_with_one_bad_row_import_nothing_and_name_it(db: Db) {
    let s = services(db);
    tree(&s).await;
    let c = console_actor();
    let start = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap();
    let mut rows = Vec::with_capacity(50_000);
    for i in 0..50_000u32 {
        let birth = start + chrono::Days::new(u64::from(i / 400));
        let idn = IdNumber::from_parts("110105", birth, (i % 400) as u16 * 2 + 1).unwrap();
        rows.push(row("张三", idn.as_str(), "第一小学党支部", "2010-06-01", "2011-06-01"));
    }
    rows[31_234][4] = "2010-02-30".into();
    let plan = s.plan_member_import(&c, &xlsx(&HEADERS, &rows), None, as_of()).await.unwrap();
    assert_eq!(plan.rows, 50_000);
    assert_eq!(plan.issues.len(), 1, "{:?}", plan.issues.first());
    assert_eq!((plan.issues[0].row_number, plan.issues[0].column_name.as_str()), (31_236, "入党时间"));
    assert!(s.commit_member_import(&c, &plan).await.is_err());
    assert_eq!(member_count(&s).await, 0);
}

async fn a_clean_sheet_imports_once_and_again_changes_nothing(db: Db) {
    let s = services(db);
    let t = tree(&s).await;
    let c = console_actor();
    let rows = vec![
        row("张三", &id("19800101", 11), "第一小学党支部", "2010-06-01", "2011-06-01"),
        row("李四", &id("19850202", 22), "第一中学党总支/高一年级党支部", "2012-07-01", "2013-07-01"),
        row("王五", &id("19990303", 33), "第一小学党支部/第一党小组", "2026-03-01", ""),
    ];
    let file = xlsx(&HEADERS, &rows);
    let plan = s.plan_member_import(&c, &file, None, as_of()).await.unwrap();
    assert!(plan.issues.is_empty(), "{:?}", plan.issues);
    assert_eq!((plan.rows, plan.new, plan.changed, plan.unchanged), (3, 3, 0, 0));
    let out = s.commit_member_import(&c, &plan).await.unwrap();
    assert_eq!(out.new, 3);
    assert_eq!(member_count(&s).await, 3);
    let (branch, group): (i64, Option<i64>) =
        s.fixture_db().fetch_one("SELECT branch_id, group_id FROM members WHERE name = '王五'", &[]).await.unwrap();
    assert_eq!(branch, t.a);
    assert!(group.is_some());
    let (b,): (i64,) =
        s.fixture_db().fetch_one("SELECT branch_id FROM members WHERE name = '李四'", &[]).await.unwrap();
    assert_eq!(b, t.b);
    // The same file again: all unchanged, nothing written, nothing duplicated.
    let plan = s.plan_member_import(&c, &file, None, as_of()).await.unwrap();
    assert_eq!((plan.new, plan.changed, plan.unchanged), (0, 0, 3));
    s.commit_member_import(&c, &plan).await.unwrap();
    assert_eq!(member_count(&s).await, 3);
}

async fn every_error_is_reported_by_row_and_column_and_nothing_is_imported(db: Db) {
    let s = services(db);
    tree(&s).await;
    let c = console_actor();
    let good = id("19800101", 11);
    let mut bad_digit = id("19810101", 21);
    let last = bad_digit.pop().unwrap();
    bad_digit.push(if last == '1' { '2' } else { '1' });
    let rows = vec![
        row("张三", &good, "第一小学党支部", "2010-06-01", "2011-06-01"),
        row("李四", &bad_digit, "第一小学党支部", "2012-07-01", "2013-07-01"),
        row("张三", &good, "第一小学党支部", "2010-06-01", "2011-06-01"),
        row("赵六", &id("19900101", 41), "高一年级党支部", "2012-07-01", "2013-07-01"),
        row("钱七", &id("19900102", 51), "不存在的支部", "2012-07-01", "2013-07-01"),
        row("孙八", &id("19900103", 61), "第一小学党支部", "2030-01-01", ""),
    ];
    let plan = s.plan_member_import(&c, &xlsx(&HEADERS, &rows), None, as_of()).await.unwrap();
    let at = |row: usize| plan.issues.iter().filter(|i| i.row_number == row).collect::<Vec<_>>();
    // Header on row 1, data from row 2.
    assert!(at(3).iter().any(|i| i.column_name == "身份证号" && i.message.contains("校验位")), "{:?}", plan.issues);
    assert!(at(4).iter().any(|i| i.message.contains("第 2 行重复")));
    assert!(at(5).iter().any(|i| i.column_name == "所在党支部" && i.message.contains("2 个组织")));
    assert!(at(6).iter().any(|i| i.message.contains("找不到组织")));
    assert!(at(7).iter().any(|i| i.column_name == "入党时间"));
    assert!(at(2).is_empty());
    let e = s.commit_member_import(&c, &plan).await.unwrap_err();
    assert!(matches!(e, ServiceError::Conflict(_)));
    assert_eq!(member_count(&s).await, 0, "nothing may be imported");
    // The error workbook re-reads, with the explanations in a last column.
    let table =
        reports::sheet::read_table(&plan.error_workbook().unwrap(), &reports::roster::is_member_header).unwrap();
    assert_eq!(table.headers.last().map(String::as_str), Some("错误说明"));
}

async fn changed_rows_become_dated_history(db: Db) {
    let s = services(db);
    let t = tree(&s).await;
    let c = console_actor();
    let idn = id("19800101", 11);
    let first = xlsx(&HEADERS, &[row("张三", &idn, "第一小学党支部", "2010-06-01", "2011-06-01")]);
    let plan = s.plan_member_import(&c, &first, None, as_of()).await.unwrap();
    s.commit_member_import(&c, &plan).await.unwrap();
    let mut moved = row("张三", &idn, "第一中学党总支/高一年级党支部", "2010-06-01", "2011-06-01");
    moved[8] = "13900139000".into();
    let plan = s.plan_member_import(&c, &xlsx(&HEADERS, &[moved]), None, as_of()).await.unwrap();
    assert_eq!((plan.new, plan.changed, plan.unchanged), (0, 1, 0));
    s.commit_member_import(&c, &plan).await.unwrap();
    let (mid, branch, phone): (i64, i64, Option<String>) =
        s.fixture_db().fetch_one("SELECT id, branch_id, phone FROM members", &[]).await.unwrap();
    assert_eq!((branch, phone.as_deref()), (t.b, Some("13900139000")));
    let spans = storage::member::spans(s.fixture_db(), &domain::scope::Scope::everything(), mid).await.unwrap();
    assert_eq!(spans.len(), 2);
    assert_eq!(spans[1].end_on.map(|d| d.to_string()).as_deref(), Some("2026-11-20"));
    assert_eq!(spans[0].start_on.to_string(), "2026-11-21");
    // A sheet without a phone column keeps the registered phone.
    let headers = ["姓名", "公民身份号码", "入党日期", "转正日期", "所在党组织"];
    let rows =
        vec![vec!["张三".into(), idn.clone(), "2010-06-01".into(), "2011-06-01".into(), "高一年级党支部".into()]];
    let plan = s.plan_member_import(&c, &xlsx(&headers, &rows), None, as_of()).await.unwrap();
    // The bare name is ambiguous; the registered branch is not assumed.
    assert_eq!(plan.issues.len(), 1);
    let rows = vec![vec![
        "张三".into(),
        idn,
        "2010-06-01".into(),
        "2011-06-01".into(),
        "第一中学党总支/高一年级党支部".into(),
    ]];
    let plan = s.plan_member_import(&c, &xlsx(&headers, &rows), None, as_of()).await.unwrap();
    assert_eq!((plan.changed, plan.unchanged), (0, 1), "{:?}", plan.issues);
}

async fn scope_limits_what_a_sheet_can_touch(db: Db) {
    let s = services(db);
    let t = tree(&s).await;
    let c = console_actor();
    let outsider = id("19800101", 11);
    let plan = s
        .plan_member_import(
            &c,
            &xlsx(&HEADERS, &[row("张三", &outsider, "第一中学党总支/高一年级党支部", "2010-06-01", "2011-06-01")]),
            None,
            as_of(),
        )
        .await
        .unwrap();
    s.commit_member_import(&c, &plan).await.unwrap();
    let branch_a = storage::org::get(s.fixture_db(), &domain::scope::Scope::everything(), t.a).await.unwrap().unwrap();
    let worker = Actor {
        account_id: 5,
        username: "w".into(),
        grants: vec![Grant::PartyWorker { branch: branch_a.org_path().unwrap() }],
    };
    let rows = vec![
        row("张三", &outsider, "第一小学党支部", "2010-06-01", "2011-06-01"),
        row("李四", &id("19810101", 21), "第一中学党总支/高一年级党支部", "2010-06-01", "2011-06-01"),
        row("王五", &id("19820101", 31), "", "2010-06-01", "2011-06-01"),
    ];
    let plan = s.plan_member_import(&worker, &xlsx(&HEADERS, &rows), Some(t.a), as_of()).await.unwrap();
    let msgs: Vec<(usize, &str)> = plan.issues.iter().map(|i| (i.row_number, i.message.as_str())).collect();
    assert!(msgs.iter().any(|(r, m)| *r == 2 && m.contains("管理范围以外")), "{msgs:?}");
    assert!(msgs.iter().any(|(r, m)| *r == 3 && m.contains("找不到组织")), "{msgs:?}");
    assert!(!msgs.iter().any(|(r, _)| *r == 4), "a row without an org goes to the default branch");
}

async fn people_type_dates_and_orgs_in_many_ways(db: Db) {
    let s = services(db);
    tree(&s).await;
    let c = console_actor();
    let dates = ["2010/6/1", "2010.6.1", "2010年6月1日", "20100601", "40330"];
    let rows: Vec<Vec<String>> = dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            row(
                &format!("党员{}", ["甲", "乙", "丙", "丁", "戊"][i]),
                &id("19800101", 100 + i as u16 * 2),
                "第一小学党支部",
                d,
                "2011-06-01",
            )
        })
        .collect();
    let plan = s.plan_member_import(&c, &xlsx(&HEADERS, &rows), None, as_of()).await.unwrap();
    assert!(plan.issues.is_empty(), "{:?}", plan.issues);
    s.commit_member_import(&c, &plan).await.unwrap();
    let joined: Vec<(String,)> = s.fixture_db().fetch_all("SELECT DISTINCT joined_on FROM members", &[]).await.unwrap();
    assert_eq!(joined, vec![("2010-06-01".to_string(),)]);
    // The national system's 附件4 sheet: title rows, its own header names, CSV in GBK.
    let annex4 = [
        "序号",
        "姓名",
        "所在党支部",
        "公民身份证号",
        "性别",
        "民族",
        "出生日期",
        "学历",
        "人员类别",
        "加入党组织日期",
        "转为正式党员日期",
        "工作岗位",
        "手机号",
        "固定电话",
        "家庭住址",
        "党籍状态",
        "是否为失联党员",
        "失去联系日期",
        "是否为流动党员",
        "外出流向",
        "备注",
    ];
    let idn = id("19750505", 71);
    let data: Vec<String> = [
        "1",
        "周九",
        "第一小学党支部",
        &idn,
        "男",
        "汉族",
        "1975-05-05",
        "大学",
        "正式党员",
        "2000-07-01",
        "2001-07-01",
        "专任教师",
        "13700137000",
        "",
        "北京市东城区东四大街1号",
        "正常",
        "是",
        "2024.3",
        "是",
        "广东省深圳市南山区",
        "长期在外务工",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let csv = String::from_utf8(write_csv(&annex4, &[data])).unwrap();
    let csv = format!("党员信息汇总表\r\n填报单位：教育局党委\r\n{}", csv.trim_start_matches('\u{feff}'));
    let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
    let plan = s.plan_member_import(&c, &gbk, None, as_of()).await.unwrap();
    assert!(plan.issues.is_empty(), "{:?}", plan.issues);
    assert_eq!((plan.table.header_row, plan.new), (3, 1));
    s.commit_member_import(&c, &plan).await.unwrap();
    // The national items are kept (失去联系日期 as a month) and go back out in 附件4, whose data
    // starts on row 4 as the national system's sheet does.
    type Items = (Option<String>, i64, Option<String>, i64, Option<String>, Option<String>);
    const ITEMS: &str = "SELECT address, lost_contact, lost_contact_since, mobile_member, mobile_destination, remark \
                         FROM members WHERE name = '周九'";
    let kept: Items = s.fixture_db().fetch_one(ITEMS, &[]).await.unwrap();
    assert_eq!(
        kept,
        (
            Some("北京市东城区东四大街1号".into()),
            1,
            Some("2024-03".into()),
            1,
            Some("广东省深圳市南山区".into()),
            Some("长期在外务工".into())
        )
    );
    let out = s.export_members(&c, &ListQuery::default(), ExportShape::Annex4, ExportFormat::Xlsx).await.unwrap();
    let table = reports::sheet::read_table(&out.bytes, &reports::roster::is_member_header).unwrap();
    assert_eq!(table.header_row, 3);
    assert_eq!(table.rows.first().map(|r| r.number), Some(4));
    let row = table.rows.iter().find(|r| r.cells.iter().any(|c| c.text == "周九")).unwrap();
    let text: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        &text[14..],
        ["北京市东城区东四大街1号", "正常", "是", "2024-03", "是", "广东省深圳市南山区", "长期在外务工"]
    );
    // Re-importing the export changes nothing.
    let again = s.plan_member_import(&c, &out.bytes, None, as_of()).await.unwrap();
    assert!(again.issues.is_empty(), "{:?}", again.issues);
    assert_eq!(again.new + again.changed, 0);
    // A later sheet that only says 否 clears the flags and their details.
    let later = write_csv(
        &["姓名", "公民身份证号", "所在党支部", "是否为失联党员", "是否为流动党员"],
        &[vec!["周九".into(), idn.clone(), "第一小学党支部".into(), "否".into(), "否".into()]],
    );
    let plan = s.plan_member_import(&c, &later, None, as_of()).await.unwrap();
    assert!(plan.issues.is_empty(), "{:?}", plan.issues);
    assert_eq!(plan.changed, 1);
    s.commit_member_import(&c, &plan).await.unwrap();
    let cleared: Items = s.fixture_db().fetch_one(ITEMS, &[]).await.unwrap();
    assert_eq!(cleared, (Some("北京市东城区东四大街1号".into()), 0, None, 0, None, Some("长期在外务工".into())));
}

async fn files_that_are_not_rosters_get_their_own_message(db: Db) {
    let s = services(db);
    tree(&s).await;
    let c = console_actor();
    let message = |e: ServiceError| match e {
        ServiceError::Invalid(f) => f.get("file").unwrap_or_default().to_string(),
        other => panic!("{other:?}"),
    };
    let empty = message(s.plan_member_import(&c, b"", None, as_of()).await.unwrap_err());
    let png = message(s.plan_member_import(&c, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None, as_of()).await.unwrap_err());
    let no_header = message(
        s.plan_member_import(&c, &xlsx(&["甲", "乙"], &[vec!["1".into(), "2".into()]]), None, as_of())
            .await
            .unwrap_err(),
    );
    let missing = message(
        s.plan_member_import(&c, &xlsx(&["姓名", "性别"], &[vec!["张三".into(), "男".into()]]), None, as_of())
            .await
            .unwrap_err(),
    );
    let all = [&empty, &png, &no_header, &missing];
    for (i, a) in all.iter().enumerate() {
        assert!(!a.is_empty());
        for b in &all[i + 1..] {
            assert_ne!(a, b, "each problem has its own message");
        }
    }
    assert!(missing.contains("公民身份号码"), "{missing}");
}

async fn export_imports_back_unchanged(db: Db) {
    let s = services(db);
    tree(&s).await;
    let c = console_actor();
    let rows = vec![
        row("张三", &id("19800101", 11), "第一小学党支部/第一党小组", "2010-06-01", "2011-06-01"),
        row("李四", &id("19850202", 22), "第一中学党总支/高一年级党支部", "2012-07-01", "2013-07-01"),
    ];
    let plan = s.plan_member_import(&c, &xlsx(&HEADERS, &rows), None, as_of()).await.unwrap();
    s.commit_member_import(&c, &plan).await.unwrap();
    for format in [ExportFormat::Xlsx, ExportFormat::Csv] {
        let file = s.export_members(&c, &ListQuery::default(), ExportShape::Template, format).await.unwrap();
        assert_eq!(file.rows, 2);
        let plan = s.plan_member_import(&c, &file.bytes, None, as_of()).await.unwrap();
        assert!(plan.issues.is_empty(), "{format:?}: {:?}", plan.issues);
        assert_eq!((plan.new, plan.changed, plan.unchanged), (0, 0, 2), "{format:?}");
    }
    let annex4 = s.export_members(&c, &ListQuery::default(), ExportShape::Annex4, ExportFormat::Xlsx).await.unwrap();
    let table = reports::sheet::read_table(&annex4.bytes, &reports::roster::is_member_header).unwrap();
    assert_eq!(table.headers.len(), 21);
    assert_eq!(table.headers[3], "公民身份证号");
    let orgs = s.export_orgs(&c, ExportFormat::Csv).await.unwrap();
    assert_eq!(orgs.rows, 7);
    // Exports are audited.
    let (n,): (i64,) = s
        .fixture_db()
        .fetch_one("SELECT COUNT(*) FROM audit_entries WHERE action IN ('member.export', 'org.export')", &[])
        .await
        .unwrap();
    assert_eq!(n, 4);
    // A stored code the export does not know stops it with the row and column named; it never
    // becomes an empty cell.
    s.fixture_db().execute("UPDATE members SET gender = 'x' WHERE name = '李四'", &[]).await.unwrap();
    match s.export_members(&c, &ListQuery::default(), ExportShape::Template, ExportFormat::Csv).await {
        Err(ServiceError::Storage(e)) => {
            let text = e.to_string();
            assert!(text.contains("members") && text.contains("gender") && text.contains("\"x\""), "{text}");
        }
        other => panic!("expected a corrupt-data error, got {:?}", other.map(|f| f.rows)),
    }
}

test_support::on_both_backends!(historical_rows_carry_their_decision);

/// A new member already 停止党籍 or 已出党 (historical data) comes with the decision behind the
/// status (EDU-SUSPEND's and the decision flow's records), never a bare status; the export writes
/// the decision back, and that file imports elsewhere the same way.
async fn historical_rows_carry_their_decision(db: Db) {
    let s = services(db);
    tree(&s).await;
    let c = console_actor();
    let mut headers = HEADERS.to_vec();
    headers.extend(["党籍状态", "党籍处置类别", "党籍处置日期", "党籍处置文号"]);
    let with = |mut r: Vec<String>, extra: [&str; 4]| {
        r.extend(extra.iter().map(|s| s.to_string()));
        r
    };
    let suspended = row("赵停止", &id("19800101", 41), "第一小学党支部", "2010-06-01", "2011-06-01");
    let mut left = row("钱除名", &id("19800102", 42), "第一小学党支部", "2010-06-01", "2011-06-01");
    left[6] = "已出党".into();
    // Without the decision's date and document: refused by row and column, nothing imported.
    let bare = vec![with(suspended.clone(), ["停止党籍", "", "", ""])];
    let plan = s.plan_member_import(&c, &xlsx(&headers, &bare), None, as_of()).await.unwrap();
    let named: Vec<(usize, String)> = plan.issues.iter().map(|i| (i.row_number, i.column_name.clone())).collect();
    assert_eq!(named, vec![(2, "党籍处置日期".to_string()), (2, "党籍处置文号".to_string())], "{:?}", plan.issues);
    // 已出党 without saying how: refused on 党籍处置类别.
    let how = vec![with(left.clone(), ["正常", "", "2020-03-04", "县委组〔2020〕5号"])];
    let plan = s.plan_member_import(&c, &xlsx(&headers, &how), None, as_of()).await.unwrap();
    assert_eq!(plan.issues.iter().map(|i| i.column_name.as_str()).collect::<Vec<_>>(), vec!["党籍处置类别"]);
    let rows = vec![
        with(suspended, ["停止党籍", "停止党籍", "2024-05-06", "县委组〔2024〕3号"]),
        with(left, ["正常", "自行脱党除名", "2020-03-04", "县委组〔2020〕5号"]),
    ];
    let plan = s.plan_member_import(&c, &xlsx(&headers, &rows), None, as_of()).await.unwrap();
    assert!(plan.issues.is_empty(), "{:?}", plan.issues);
    s.commit_member_import(&c, &plan).await.unwrap();
    let db = s.fixture_db();
    let got: Vec<(String, String, String, String)> = db
        .fetch_all(
            "SELECT m.name, m.status, m.status_changed_on, d.kind FROM members m \
             JOIN member_decisions d ON d.member_id = m.id ORDER BY m.name",
            &[],
        )
        .await
        .unwrap();
    let mut got = got;
    got.sort();
    assert_eq!(
        got,
        vec![
            ("赵停止".into(), "suspended".into(), "2024-05-06".into(), "suspend".into()),
            ("钱除名".into(), "left".into(), "2020-03-04".into(), "lapse_removed".into()),
        ]
    );
    // The member was active before the decision: their status history says so.
    let (n,): (i64,) = db
        .fetch_one(
            "SELECT COUNT(*) FROM member_status_changes c JOIN members m ON m.id = c.member_id \
             WHERE m.name = '赵停止' AND c.status = 'suspended' AND c.changed_on = '2024-05-06'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    // The export writes the decision in its columns.
    let q = ListQuery { status: "all".into(), ..ListQuery::default() };
    let file = s.export_members(&c, &q, ExportShape::Template, ExportFormat::Csv).await.unwrap();
    let text = String::from_utf8_lossy(&file.bytes).to_string();
    assert!(text.contains("停止党籍,2024-05-06,县委组〔2024〕3号"), "{text}");
    assert!(text.contains("自行脱党除名,2020-03-04,县委组〔2020〕5号"), "{text}");
}
