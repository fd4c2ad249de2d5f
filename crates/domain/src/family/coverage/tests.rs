use super::*;
use chrono::NaiveDate;

fn when() -> When {
    When::new(2026, NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(), 30)
}

fn private_school(id: i64, own: u32, joint: u32, instructors: u32, full: u32) -> UnitFact {
    UnitFact {
        id,
        name: format!("民办学校{id}"),
        unit_type: Some(UnitType::School),
        ownership: Some(Ownership::Private),
        own_orgs: own,
        joint_orgs: joint,
        instructors,
        full_members: full,
    }
}

fn found(units: Vec<UnitFact>) -> Vec<Finding> {
    evaluate(&national(), 1, OrgKind::Committee, &CoverageFacts { units }, &when())
}

#[test]
fn cover_private_each_way_covers_a_unit_with_fewer_than_three() {
    assert!(found(vec![private_school(1, 1, 0, 0, 5)]).is_empty(), "its own org");
    assert!(found(vec![private_school(2, 0, 1, 0, 2)]).is_empty(), "a joint branch");
    assert!(found(vec![private_school(3, 0, 0, 1, 0)]).is_empty(), "an instructor");
}

#[test]
fn cover_private_an_uncovered_private_school_is_a_finding() {
    let f = found(vec![private_school(4, 0, 0, 0, 0)]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_id, "COVER-PRIVATE");
    assert_eq!(f[0].subject, Subject::Record { record: RecordRef::unit(4) });
    assert!(f[0].message.contains("未建立党组织"), "{}", f[0].message);
    assert_eq!(f[0].fix.as_ref().and_then(|l| l.get("id")), Some("4"));
}

#[test]
fn cover_private_three_full_members_without_an_org_of_its_own() {
    // Two: a joint branch is enough; three: the day it has three, its own org is due.
    assert!(found(vec![private_school(5, 0, 1, 0, 2)]).is_empty());
    let f = found(vec![private_school(5, 0, 1, 1, 3)]);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("应单独建立党组织") && f[0].message.contains("联合党支部、党建指导员"));
    assert!(found(vec![private_school(5, 1, 1, 0, 3)]).is_empty());
}

#[test]
fn cover_private_judges_private_education_units_only() {
    let public = UnitFact { ownership: Some(Ownership::Public), ..private_school(6, 0, 0, 0, 9) };
    let organ = UnitFact { unit_type: Some(UnitType::Organ), ..private_school(7, 0, 0, 0, 9) };
    let kindergarten = UnitFact { unit_type: Some(UnitType::Kindergarten), ..private_school(8, 0, 0, 0, 0) };
    let f = found(vec![public, organ, kindergarten]);
    assert_eq!(f.len(), 1, "a private kindergarten is judged: {f:?}");
}

#[test]
fn cover_private_a_committee_may_lower_the_threshold_never_raise_it() {
    let lower = Check::PrivateCovered { min_full: 2 };
    let higher = Check::PrivateCovered { min_full: 4 };
    let national = Check::PrivateCovered { min_full: 3 };
    assert!(lower.at_least_as_strict(&national).is_ok());
    assert!(higher.at_least_as_strict(&national).is_err());
}
