//! The city and province demos: deterministic, realistic, valid, bulk-loaded consistently,
//! audited, and a database that takes ordinary writes afterwards. The city demo is loaded on
//! both backends; the province demo is generated (not loaded) to check its size.

use chrono::NaiveDate;
use domain::member::{IdNumber, MemberInput};
use services::demo::Scale;
use services::demo::large::{Record, generate};
use services::members::ListQuery;
use services::{HashCost, ServiceError, Services, console_actor};
use sha2::{Digest, Sha256};
use storage::Db;
use storage::audit::{AuditKey, Verdict};

fn services(db: Db) -> Services {
    Services::new(db, AuditKey::new(vec![9u8; 32]), HashCost::cheap_for_tests())
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

test_support::on_both_backends!(city_demo_is_loaded_whole_valid_and_usable);

#[test]
fn scales_parse() {
    assert_eq!(Scale::parse("city"), Some(Scale::City));
    assert_eq!(Scale::parse("province"), Some(Scale::Province));
    assert_eq!(Scale::parse("county"), Some(Scale::County));
    assert_eq!(Scale::parse("state"), None);
}

/// A digest of everything generated, and the outline.
fn digest(scale: Scale, as_of: NaiveDate) -> (String, services::demo::large::Outline) {
    let mut h = Sha256::new();
    let outline = generate(scale, as_of, &mut |r| {
        h.update(format!("{r:?}").as_bytes());
        true
    })
    .unwrap();
    (hex::encode(h.finalize()), outline)
}

#[test]
fn city_demo_is_deterministic_and_the_size_of_a_city() {
    let (a, outline) = digest(Scale::City, as_of());
    let (b, again) = digest(Scale::City, as_of());
    assert_eq!(a, b);
    assert_eq!(outline, again);
    assert!((45_000..=55_000).contains(&outline.members), "{} members", outline.members);
    assert!((1_400..=2_000).contains(&outline.branches), "{} branches", outline.branches);
    // Another day ages everyone: a different registry.
    let (c, _) = digest(Scale::City, as_of().succ_opt().unwrap());
    assert_ne!(a, c);
    // County and tiny are not built here.
    assert!(generate(Scale::County, as_of(), &mut |_| true).is_none());
}

#[test]
#[ignore = "generates 5 million members (about 20 s in a release build); run with --ignored"]
fn province_demo_is_the_size_of_a_province() {
    let outline = generate(Scale::Province, as_of(), &mut |_| true).unwrap();
    assert!((4_500_000..=5_500_000).contains(&outline.members), "{} members", outline.members);
    assert!((270_000..=340_000).contains(&outline.orgs), "{} orgs", outline.orgs);
}

#[test]
fn the_generator_stops_when_asked() {
    let mut n = 0;
    let outline = generate(Scale::Province, as_of(), &mut |_| {
        n += 1;
        n < 1_000
    })
    .unwrap();
    assert!(outline.members < 2_000, "{} members after stopping", outline.members);
    assert!(n < 5_000);
}

#[test]
fn records_come_parents_first() {
    let mut orgs = std::collections::HashSet::new();
    let mut members = std::collections::HashSet::new();
    generate(Scale::City, as_of(), &mut |r| {
        match r {
            Record::Org(o) => {
                assert!(o.parent_id.is_none_or(|p| orgs.contains(&p)), "org {} before its parent", o.id);
                orgs.insert(o.id);
            }
            Record::Member(m) => {
                assert!(orgs.contains(&m.branch_id) && m.group_id.is_none_or(|g| orgs.contains(&g)));
                members.insert(m.id);
            }
            Record::Post(p) => assert!(orgs.contains(&p.org_id) && members.contains(&p.member_id)),
        }
        true
    })
    .unwrap();
}

async fn city_demo_is_loaded_whole_valid_and_usable(db: Db) {
    let s = services(db);
    let summary = s.seed_demo(Scale::City, as_of()).await.unwrap();
    assert!((45_000..=55_000).contains(&summary.members), "{} members", summary.members);
    assert_eq!(summary.accounts.len(), 6);
    let one = |sql: &str| {
        let db = s.fixture_db().clone();
        let sql = sql.to_string();
        async move { db.fetch_one::<(i64,)>(&sql, &[]).await.unwrap().0 }
    };
    assert_eq!(one("SELECT COUNT(*) FROM members").await, summary.members as i64);
    // Dues: a base for every member, and every generated payment is the due the rules compute
    // for its base (storage::bulk_dues's SQL agrees with domain::family::dues::quote); the
    // deliberate gaps are there.
    assert_eq!(
        one("SELECT COUNT(*) FROM members m WHERE m.status IN ('full','probationary') AND NOT EXISTS \
             (SELECT 1 FROM dues_bases b WHERE b.member_id = m.id)")
        .await,
        0
    );
    let paid: Vec<(String, i64, Option<i64>, i64)> = s
        .fixture_db()
        .fetch_all(
            "SELECT b.category, b.base_fen, b.chosen_fen, p.amount_fen FROM dues_payments p \
             JOIN dues_bases b ON b.member_id = p.member_id \
             GROUP BY b.category, b.base_fen, b.chosen_fen, p.amount_fen",
            &[],
        )
        .await
        .unwrap();
    assert!(paid.len() > 1_000, "{} distinct bases paid", paid.len());
    // The summaries the check reads agree with the rows they summarize: every meeting's packed
    // attendance, and the regular payments by member and year (count and total).
    let kind = s.fixture_db().kind();
    let stale = format!(
        "SELECT COUNT(*) FROM meetings WHERE attendance_codes <> {}",
        storage::check::attendance_codes_sql(kind)
    );
    assert_eq!(one(&stale).await, 0, "meetings whose packed attendance differs");
    assert!(one("SELECT COUNT(*) FROM meetings WHERE attendance_codes <> ''").await > 1_000);
    assert_eq!(storage::check::stale_dues_cards(s.fixture_db()).await.unwrap(), 0);
    assert_eq!(storage::training::stale_hours(s.fixture_db(), &[2025, 2026]).await.unwrap(), 0);
    let years: Vec<(String,)> = s.fixture_db().fetch_all("SELECT paid FROM dues_paid_years", &[]).await.unwrap();
    let summed: i64 = years
        .iter()
        .flat_map(|(p,)| p.split(','))
        .map(|e| e.split_once(':').and_then(|(_, fen)| fen.parse::<i64>().ok()).unwrap())
        .sum();
    assert_eq!(
        summed,
        one("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM dues_payments WHERE kind = 'regular'").await
    );
    assert_eq!(
        years.len() as i64,
        one("SELECT COUNT(*) FROM (SELECT DISTINCT member_id, substr(month, 1, 4) FROM dues_payments \
             WHERE kind = 'regular') x")
        .await
    );
    let rules = domain::family::dues::national();
    let settings = domain::family::dues::DuesSettings::default();
    for (category, base, chosen, amount) in paid {
        use domain::codes::StoredCode;
        let c = domain::codes::DuesCategory::from_stored(&category).unwrap();
        let base = domain::money::Fen::new(base).unwrap();
        let chosen = chosen.map(|c| domain::money::Fen::new(c).unwrap());
        let q = domain::family::dues::quote(&rules, &settings, c, base, chosen, as_of()).unwrap();
        assert_eq!(q.due.fen(), amount, "{category} {base} {chosen:?}");
    }
    assert!(one("SELECT COUNT(*) FROM dues_hardships").await > 0);
    // Transfers in each state (storage::bulk_transfers), every one between branches of the tree.
    for state in ["pending", "returned", "received"] {
        let sql = match state {
            "pending" => "SELECT COUNT(*) FROM transfers WHERE state = 'pending'",
            "returned" => "SELECT COUNT(*) FROM transfers WHERE state = 'returned'",
            _ => "SELECT COUNT(*) FROM transfers WHERE state = 'received' AND kind = 'out'",
        };
        assert!(one(sql).await > 0, "the city demo has {state} transfers");
    }
    assert_eq!(
        one("SELECT COUNT(*) FROM transfers t WHERE t.kind = 'internal' AND (t.to_org_id IS NULL OR t.to_org_id = t.from_org_id)")
            .await,
        0
    );
    // Decisions (storage::bulk_decisions): every suspended, removed or deceased member has the
    // decision that made them so; 留党察看 and 警告 among full members.
    assert_eq!(
        one("SELECT COUNT(*) FROM members m WHERE m.status IN ('suspended','left','deceased') AND NOT EXISTS \
             (SELECT 1 FROM member_decisions d WHERE d.member_id = m.id AND d.status_after = m.status \
             AND d.decided_on = m.status_changed_on)")
        .await,
        0
    );
    assert!(one("SELECT COUNT(*) FROM member_contacts").await > 0, "mobile members with contacts");
    assert!(one("SELECT COUNT(*) FROM members WHERE mobile_member = 1").await > 0);
    for kind in ["mobile", "graduate", "abroad"] {
        let n = one(&format!("SELECT COUNT(*) FROM member_away WHERE kind = '{kind}'")).await;
        assert!(n > 0, "the city demo has members away: {kind}");
    }
    // People in recruitment (storage::bulk_recruits): valid ID numbers, every stage, and every
    // path in order, each step on or after the one before.
    let people: Vec<(String, String)> =
        s.fixture_db().fetch_all("SELECT id_number, birth_date FROM recruits", &[]).await.unwrap();
    assert!(people.len() > 100, "{} people in recruitment", people.len());
    for (idn, birth) in &people {
        let parsed = domain::member::IdNumber::parse(idn).unwrap_or_else(|e| panic!("{idn}: {e}"));
        assert_eq!(parsed.birth_date().to_string(), *birth);
    }
    for step in ["apply", "activist", "candidate", "admission_assembly", "admission_approval", "probation_education"] {
        assert!(one(&format!("SELECT COUNT(*) FROM recruit_steps WHERE step = '{step}'")).await > 0, "{step}");
    }
    let steps: Vec<(i64, String, String)> = s
        .fixture_db()
        .fetch_all("SELECT recruit_id, step, on_date FROM recruit_steps ORDER BY recruit_id, on_date, id", &[])
        .await
        .unwrap();
    for w in steps.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.0 == b.0 {
            use domain::codes::StoredCode;
            let (x, y) = (
                domain::family::recruitment::Step::from_stored(&a.1).unwrap(),
                domain::family::recruitment::Step::from_stored(&b.1).unwrap(),
            );
            assert!(x <= y, "recruit {}: {} before {}", a.0, a.1, b.1);
        }
    }
    // The demo's paths are the rules': the findings it shows are deadlines, not broken steps.
    let rules = domain::family::recruitment::national();
    assert_eq!(rules.rules().len(), domain::family::recruitment::national_rules().len());
    for kind in ["suspend", "observation", "warning"] {
        let n = one(&format!("SELECT COUNT(*) FROM member_decisions WHERE kind = '{kind}'")).await;
        assert!(n > 0, "the city demo has {kind} decisions");
    }
    assert!(one("SELECT COUNT(*) FROM dues_quarterly").await > 0);
    assert!(
        one("SELECT COUNT(*) FROM dues_payments WHERE paid_on > substr(month, 1, 8) || '28'").await > 0,
        "back payments"
    );
    assert_eq!(one("SELECT COUNT(*) FROM orgs").await, summary.orgs as i64);
    let branches = one("SELECT COUNT(*) FROM orgs WHERE kind = 'branch'").await;
    assert!((1_400..=2_000).contains(&branches), "{branches} branches");
    // ORG-BRANCH-MIN: 3 to 50 current members, at least 3 of them full.
    assert_eq!(
        one("SELECT COUNT(*) FROM (SELECT branch_id FROM members WHERE status IN ('full','probationary') \
             GROUP BY branch_id HAVING COUNT(*) > 50 OR SUM(CASE WHEN status = 'full' THEN 1 ELSE 0 END) < 3) x")
        .await,
        0
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM orgs o WHERE o.kind = 'branch' AND NOT EXISTS \
             (SELECT 1 FROM org_posts p WHERE p.org_id = o.id AND p.post = 'secretary')")
        .await,
        0,
        "a secretary per branch"
    );
    // The cached placement agrees with the spans; one status record per member, and a second
    // (the confirmation) for a full member confirmed after admission.
    assert_eq!(
        one("SELECT COUNT(*) FROM members m WHERE NOT EXISTS (SELECT 1 FROM member_org_spans s \
             WHERE s.member_id = m.id AND s.kind = 'branch' AND s.org_id = m.branch_id AND s.end_on IS NULL)")
        .await,
        0
    );
    let confirmed_later = one("SELECT COUNT(*) FROM members WHERE status = 'full' AND confirmed_on > joined_on").await;
    assert_eq!(one("SELECT COUNT(*) FROM member_status_changes").await, summary.members as i64 + confirmed_later);
    // Every member passes the form's validation as stored, with an ID number that agrees with
    // the birth date and gender; the ID numbers are unique and from several counties.
    type Raw = (String, String, String, String, String, Option<String>, Option<String>, Option<String>);
    type Raw2 = (Option<String>, Option<String>, Option<String>, String, Option<String>, String, String, Option<i64>);
    let rows: Vec<(Raw, Raw2)> = s
        .fixture_db()
        .fetch_all::<(
            String,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            String,
            String,
            Option<i64>,
        )>(
            "SELECT name, gender, ethnicity, birth_date, id_number, phone, education, degree, occupation, post, \
             unit_name, joined_on, confirmed_on, status, dues_category, probation_extension_months FROM members",
            &[],
        )
        .await
        .unwrap()
        .into_iter()
        .map(|r| ((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7), (r.8, r.9, r.10, r.11, r.12, r.13, r.14, r.15)))
        .collect();
    let mut areas = std::collections::HashSet::new();
    let mut ids = std::collections::HashSet::new();
    for (
        (name, gender, ethnicity, birth, idn, phone, education, degree),
        (occupation, post, unit, joined, confirmed, status, dues, extension),
    ) in rows
    {
        let parsed = IdNumber::parse(&idn).unwrap();
        assert_eq!(parsed.birth_date().format("%Y-%m-%d").to_string(), birth);
        assert_eq!(parsed.gender().as_str(), gender);
        areas.insert(idn[..6].to_string());
        assert!(ids.insert(idn.clone()));
        let input = MemberInput {
            name,
            gender,
            ethnicity,
            birth_date: birth,
            id_number: idn,
            phone: phone.unwrap_or_default(),
            education: education.unwrap_or_default(),
            degree: degree.unwrap_or_default(),
            occupation: occupation.unwrap_or_default(),
            post: post.unwrap_or_default(),
            unit_name: unit.unwrap_or_default(),
            joined_on: joined,
            confirmed_on: confirmed.unwrap_or_default(),
            probation_extension_months: extension.map(|m| m.to_string()).unwrap_or_default(),
            status,
            dues_category: dues,
            ..Default::default()
        };
        if let Err(e) = input.validate(as_of()) {
            panic!("{input:?}: {e}");
        }
    }
    assert!(areas.len() >= 6, "{} area codes", areas.len());
    // One demo.seed entry, then the accounts; the chain verifies.
    assert_eq!(one("SELECT COUNT(*) FROM audit_entries WHERE action = 'demo.seed'").await, 1);
    assert!(matches!(s.console().verify_audit_chain().await.unwrap(), Verdict::Intact { .. }));
    // Units (storage::bulk_units): every school branch linked to its unit; private units
    // covered each way and some not at all, which COVER-PRIVATE finds for their committee.
    assert_eq!(
        one("SELECT COUNT(*) FROM orgs o WHERE o.kind = 'branch' AND o.status = 'active' \
             AND o.unit_kind IN ('public_school','private_school') \
             AND NOT EXISTS (SELECT 1 FROM org_units ou WHERE ou.org_id = o.id)")
        .await,
        0
    );
    assert!(one("SELECT COUNT(*) FROM unit_instructors WHERE end_on IS NULL").await > 0);
    assert!(one("SELECT COUNT(*) FROM unit_inspections WHERE party_building = 0").await > 0);
    let committee = one("SELECT MIN(u.committee_id) FROM units u WHERE u.name = '民办新星实验学校'").await;
    let cover = s.coverage(&console_actor(), committee, Some(as_of())).await.unwrap();
    let ways = |name: &str| cover.units.iter().find(|u| u.row.name == name).map(|u| u.ways.clone()).unwrap();
    use domain::family::coverage::CoverWay;
    assert_eq!(ways("民办启明幼儿园"), [CoverWay::Instructor]);
    assert_eq!(ways("民办阳光培训学校"), [CoverWay::JointBranch]);
    assert!(ways("民办新星实验学校").is_empty());
    assert!(cover.units.iter().any(|u| u.finding.is_some()));
    // Ordinary writes continue after the loaded ids.
    let c = console_actor();
    let branch = one("SELECT MIN(id) FROM orgs WHERE kind = 'branch'").await;
    let input = MemberInput {
        name: "新党员".into(),
        id_number: IdNumber::from_parts("110105", NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(), 11)
            .unwrap()
            .as_str()
            .into(),
        ethnicity: "01".into(),
        joined_on: "2015-06-01".into(),
        confirmed_on: "2016-06-01".into(),
        status: "full".into(),
        dues_category: "employed".into(),
        ..Default::default()
    };
    let id = s.create_member(&c, branch, None, &input).await.unwrap();
    assert_eq!(id, summary.members as i64 + 1);
    // The name search and a subtree list work, with capped totals.
    let page =
        s.member_list(&c, &ListQuery { q: "王".into(), status: "all".into(), ..Default::default() }).await.unwrap();
    assert_eq!(page.members.len(), 20);
    assert!(page.members.iter().all(|m| m.row.name.starts_with('王')));
    assert!(page.total > storage::member::LIST_TOTAL_CAP, "{} 王", page.total);
    let q = ListQuery { org: branch.to_string(), status: "full".into(), ..Default::default() };
    assert!(!s.member_list(&c, &q).await.unwrap().members.is_empty());
    // A second demo into a filled database is refused, and changes nothing.
    assert!(matches!(s.seed_demo(Scale::City, as_of()).await, Err(ServiceError::Conflict(_))));
    assert_eq!(one("SELECT COUNT(*) FROM members").await, summary.members as i64 + 1);
}
