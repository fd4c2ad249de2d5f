//! Coverage of every unit (COVER-PRIVATE) on both backends: each way a unit is covered (its own
//! org, a joint branch, an instructor on the days of their service) and each gap; a private
//! school whose third full member was confirmed on a day; the unit list's import (refused whole
//! on one bad row, a dry run writing nothing); the coverage register generated from the records.

use chrono::NaiveDate;
use domain::member::{IdNumber, MemberInput};
use domain::unit::{InspectionInput, UnitInput};
use services::ledger::LedgerFormat;
use services::orgs::OrgInput;
use services::{HashCost, ServiceError, Services, console_actor};
use storage::Db;
use storage::audit::AuditKey;

test_support::on_both_backends!(
    cover_private_each_way_covers_a_unit_and_each_gap_is_a_finding,
    cover_private_three_full_members_need_an_org_of_their_own_from_the_third_ones_confirmation,
    cover_private_unit_list_import_is_refused_whole_and_a_dry_run_writes_nothing,
    cover_private_register_and_coverage_view_come_from_the_records,
);

fn day(s: &str) -> NaiveDate {
    domain::dates::parse_iso(s).unwrap()
}

fn org(name: &str, kind: &str, unit: &str) -> OrgInput {
    OrgInput {
        name: name.into(),
        kind: kind.into(),
        unit_kind: unit.into(),
        established_on: "2015-01-01".into(),
        term_start_on: "2024-06-01".into(),
        term_years: "3".into(),
        ..Default::default()
    }
}

/// A full member of `unit` who joined on `joined_on` and was confirmed a year later.
fn member(name: &str, seq: u16, unit: &str, joined_on: &str) -> MemberInput {
    let birth = day("1985-03-01");
    let confirmed_on = day(joined_on).checked_add_months(chrono::Months::new(12)).unwrap();
    MemberInput {
        name: name.into(),
        gender: "female".into(),
        id_number: IdNumber::from_parts("110105", birth, seq * 2).unwrap().as_str().to_string(),
        ethnicity: "01".into(),
        birth_date: "1985-03-01".into(),
        education: "21".into(),
        unit_name: unit.into(),
        joined_on: joined_on.into(),
        confirmed_on: confirmed_on.format("%Y-%m-%d").to_string(),
        status: "full".into(),
        dues_category: "employed".into(),
        ..Default::default()
    }
}

fn unit(name: &str, unit_type: &str, ownership: &str) -> UnitInput {
    UnitInput {
        name: name.into(),
        unit_type: unit_type.into(),
        ownership: ownership.into(),
        supervisor: "县教育局".into(),
        ..Default::default()
    }
}

struct County {
    s: Services,
    root: i64,
    /// A public school's branch: its members serve as instructors.
    school: i64,
    teacher: i64,
}

async fn county(db: Db) -> County {
    let mut s = Services::new(db, AuditKey::new(vec![7u8; 32]), HashCost::cheap_for_tests());
    s.today_override = Some(day("2026-12-20"));
    let c = console_actor();
    let root = s.create_org(&c, None, &org("县教育局党委", "committee", "organ")).await.unwrap().id;
    let school = s.create_org(&c, Some(root), &org("一中党支部", "branch", "public_school")).await.unwrap().id;
    let teacher = s.create_member(&c, school, None, &member("王指导", 1, "县第一中学", "2024-05-01")).await.unwrap();
    County { s, root, school, teacher }
}

/// What COVER-PRIVATE finds for the committee on `as_of`, as the units' names.
async fn found(s: &Services, root: i64, as_of: &str) -> Vec<String> {
    let mut out: Vec<String> = s
        .org_findings(&console_actor(), root, 2026, day(as_of))
        .await
        .unwrap()
        .into_iter()
        .filter(|f| f.rule_id == "COVER-PRIVATE")
        .map(|f| f.message.split('“').nth(1).and_then(|x| x.split('”').next()).unwrap_or_default().to_string())
        .collect();
    out.sort();
    out
}

async fn cover_private_each_way_covers_a_unit_and_each_gap_is_a_finding(db: Db) {
    let County { s, root, school, teacher } = county(db).await;
    let c = console_actor();
    let own = s.record_unit(&c, root, &unit("甲民办学校", "school", "private")).await.unwrap();
    let joint_a = s.record_unit(&c, root, &unit("乙民办幼儿园", "kindergarten", "private")).await.unwrap();
    let joint_b = s.record_unit(&c, root, &unit("丙培训学校", "training_institution", "private")).await.unwrap();
    let served = s.record_unit(&c, root, &unit("丁民办学校", "school", "private")).await.unwrap();
    s.record_unit(&c, root, &unit("戊民办学校", "school", "private")).await.unwrap();
    s.record_unit(&c, root, &unit("己公办学校", "school", "public")).await.unwrap();
    let own_branch =
        s.create_org(&c, Some(root), &org("甲民办学校党支部", "branch", "private_school")).await.unwrap().id;
    let joint = s.create_org(&c, Some(root), &org("民办教育联合党支部", "branch", "private_school")).await.unwrap().id;
    s.link_unit(&c, own, own_branch, true).await.unwrap();
    s.link_unit(&c, joint_a, joint, true).await.unwrap();
    s.link_unit(&c, joint_b, joint, true).await.unwrap();
    let i = s.add_instructor(&c, served, teacher, "2026-03-01").await.unwrap();
    s.end_instructor(&c, served, i, "2026-06-30").await.unwrap();

    // The instructor covers 丁 from the first day of service to the last, not the day before
    // nor the day after; 戊 is never covered, the public school is not judged.
    assert_eq!(found(&s, root, "2026-02-28").await, ["丁民办学校", "戊民办学校"]);
    assert_eq!(found(&s, root, "2026-03-01").await, ["戊民办学校"]);
    assert_eq!(found(&s, root, "2026-06-30").await, ["戊民办学校"]);
    assert_eq!(found(&s, root, "2026-07-01").await, ["丁民办学校", "戊民办学校"]);

    let view = s.coverage(&c, root, Some(day("2026-04-01"))).await.unwrap();
    let ways = |name: &str| {
        let u = view.units.iter().find(|u| u.row.name == name).unwrap();
        u.ways.iter().map(|w| w.label()).collect::<Vec<_>>()
    };
    assert_eq!(ways("甲民办学校"), ["单独建立党组织"]);
    assert_eq!(ways("乙民办幼儿园"), ["联合党支部"]);
    assert_eq!(ways("丙培训学校"), ["联合党支部"]);
    assert_eq!(ways("丁民办学校"), ["党建指导员"]);
    assert!(ways("戊民办学校").is_empty() && ways("己公办学校").is_empty());
    let school_line = view.kinds.iter().find(|k| k.unit_type.as_str() == "school" && k.ownership.as_str() == "private");
    let k = school_line.unwrap();
    assert_eq!((k.total, k.own_org, k.instructor, k.uncovered), (3, 1, 1, 1));

    // The finding names the unit, cites the rule and links the unit's page.
    let f = s
        .org_findings(&c, root, 2026, day("2026-12-20"))
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.rule_id == "COVER-PRIVATE")
        .unwrap();
    assert!(!f.citation.is_empty());
    let fix = f.fix.unwrap();
    assert_eq!(fix.page, domain::findings::pages::UNIT);

    // An instructor must come from another org: 一中党支部 linked to 丁, its teacher is refused.
    s.link_unit(&c, served, school, true).await.unwrap();
    match s.add_instructor(&c, served, teacher, "2026-09-01").await {
        Err(ServiceError::Invalid(e)) => assert!(e.get("member_id").is_some(), "{e:?}"),
        other => panic!("an instructor of the unit's own org: {other:?}"),
    }
}

async fn cover_private_three_full_members_need_an_org_of_their_own_from_the_third_ones_confirmation(db: Db) {
    let County { s, root, teacher, .. } = county(db).await;
    let c = console_actor();
    let name = "庚民办学校";
    let u = s.record_unit(&c, root, &unit(name, "school", "private")).await.unwrap();
    s.add_instructor(&c, u, teacher, "2025-09-01").await.unwrap();
    let joint = s.create_org(&c, Some(root), &org("民办学校联合党支部", "branch", "private_school")).await.unwrap().id;
    for (i, (who, joined)) in
        [("赵一", "2024-05-01"), ("钱二", "2024-05-01"), ("孙三", "2025-05-01")].into_iter().enumerate()
    {
        let n = u16::try_from(i).unwrap() + 10;
        s.create_member(&c, joint, None, &member(who, n, name, joined)).await.unwrap();
    }
    // Two full members and an instructor: covered. The third member is full from the day of
    // their confirmation: from then the school needs an org of its own.
    assert!(found(&s, root, "2026-04-30").await.is_empty());
    assert_eq!(found(&s, root, "2026-05-01").await, [name]);
    let view = s.coverage(&c, root, Some(day("2026-05-01"))).await.unwrap();
    let unit = view.units.iter().find(|x| x.row.id == u).unwrap();
    assert_eq!(unit.fact.full_members, 3);
    assert!(unit.finding.as_deref().is_some_and(|m| m.contains('3')), "{:?}", unit.finding);
    // An org of its own (linked to it alone) answers it.
    let own = s.create_org(&c, Some(root), &org("庚民办学校党支部", "branch", "private_school")).await.unwrap().id;
    s.link_unit(&c, u, own, true).await.unwrap();
    assert!(found(&s, root, "2026-12-20").await.is_empty());
}

async fn cover_private_unit_list_import_is_refused_whole_and_a_dry_run_writes_nothing(db: Db) {
    let County { s, root, .. } = county(db).await;
    let c = console_actor();
    let good = "单位名称,单位类别,办学性质,主管部门,分级管理\n甲民办学校,学校,民办,县教育局,二级\n乙幼儿园,幼儿园,公办,县教育局,\n";
    let bad = format!("{good}丙校,学校,私立,,\n");
    let r = s.import_units_file(&c, root, bad.as_bytes(), false).await.unwrap();
    assert_eq!(r.issues, [(4, "办学性质".to_string(), "请选择办学性质：公办或民办".to_string())]);
    assert!(r.report.is_some());
    assert!(s.coverage(&c, root, None).await.unwrap().units.is_empty(), "nothing written");
    let r = s.import_units_file(&c, root, good.as_bytes(), true).await.unwrap();
    assert_eq!((r.added, r.updated), (2, 0));
    assert!(s.coverage(&c, root, None).await.unwrap().units.is_empty(), "a dry run writes nothing");
    s.import_units_file(&c, root, good.as_bytes(), false).await.unwrap();
    // Again with a change: the same names are updated, not added twice.
    let again = good.replace("二级", "一级");
    let r = s.import_units_file(&c, root, again.as_bytes(), false).await.unwrap();
    assert_eq!((r.added, r.updated), (0, 2));
    let units = s.coverage(&c, root, None).await.unwrap().units;
    assert_eq!(units.len(), 2);
    assert_eq!(units.iter().find(|u| u.row.name == "甲民办学校").unwrap().row.level, Some(1));
}

async fn cover_private_register_and_coverage_view_come_from_the_records(db: Db) {
    let County { s, root, teacher, .. } = county(db).await;
    let c = console_actor();
    let mut input = unit("辛民办学校", "school", "private");
    input.charter_on = "2021-06-30".into();
    input.charter_doc = "《辛民办学校章程》第三条".into();
    let u = s.record_unit(&c, root, &input).await.unwrap();
    s.add_instructor(&c, u, teacher, "2026-01-10").await.unwrap();
    let inspection = InspectionInput {
        year: "2025".into(),
        inspected_on: "2026-03-15".into(),
        party_building: "是".into(),
        document: "县教育局年检结论".into(),
    };
    s.add_inspection(&c, u, &inspection).await.unwrap();
    let d = s.unit_detail(&c, u).await.unwrap();
    assert_eq!(d.instructors[0].member_name, "王指导");
    assert_eq!(d.instructors[0].branch_name, "一中党支部");
    assert!(d.inspections[0].party_building);
    let view = s.coverage(&c, root, None).await.unwrap();
    assert_eq!(view.kinds[0].charter, 1);
    for format in [LedgerFormat::Xlsx, LedgerFormat::Pdf] {
        let f = s.coverage_ledger_file(&c, root, format).await.unwrap();
        assert!(f.file_name.contains("党组织覆盖情况登记台账"), "{}", f.file_name);
        assert!(f.bytes.len() > 1000);
    }
    // The register's summary, read back: one private school, covered by an instructor, its
    // charter written.
    let xlsx = s.coverage_ledger_file(&c, root, LedgerFormat::Xlsx).await.unwrap().bytes;
    let table = reports::read_table(&xlsx, &|h| ["单位类别", "单位数", "未覆盖"].contains(&h)).unwrap();
    let cells: Vec<&str> = table.rows[0].cells.iter().map(|x| x.text.as_str()).collect();
    assert_eq!(cells, ["民办学校", "1", "0", "0", "1", "0", "1"]);
    // The ledger set of the committee lists the register.
    let set = s.ledger_set(&c, root, 2026).await.unwrap();
    assert!(set.ledgers.iter().any(|l| l.kind == services::ledger_set::LedgerKind::Coverage));
}
