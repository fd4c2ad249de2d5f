//! The organization rules: ORG-BRANCH-MIN, ORG-COMMITTEE, ORG-TERM, ORG-RENEWAL.

use chrono::{Datelike, NaiveDate};
use domain::family::{OrgFacts, Rules, evaluate};
use domain::findings::Finding;
use domain::org::OrgKind;
use domain::org_life::MeetingKind;
use domain::rules::Severity;

const ORG: i64 = 3;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A branch with `full` full members, no committee, a 3-year term from 2024-01-01.
fn branch(full: u32) -> OrgFacts {
    let mut org = OrgFacts::new(ORG, OrgKind::Branch);
    org.full_members = full;
    org = org.with_post(1, domain::org::PostKind::Secretary, d(2020, 1, 1));
    org.term_start = Some(d(2024, 1, 1));
    org
}

fn with_committee(full: u32, posts: u32) -> OrgFacts {
    let mut org = branch(full);
    org = org.with_committee(posts, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    org
}

const AS_OF: (i32, u32, u32) = (2025, 6, 1);

fn check(org: &OrgFacts, rule_id: &str) -> Vec<Finding> {
    check_on(org, rule_id, d(AS_OF.0, AS_OF.1, AS_OF.2))
}

fn check_on(org: &OrgFacts, rule_id: &str, as_of: NaiveDate) -> Vec<Finding> {
    evaluate(&Rules::national(), org, &[], 2025, as_of, 0).into_iter().filter(|f| f.rule_id == rule_id).collect()
}

// ---------------------------------------------------------------------------------------------
// ORG-BRANCH-MIN
// ---------------------------------------------------------------------------------------------

#[test]
fn org_branch_min_three_full_members_suffice() {
    assert!(check(&branch(3), "ORG-BRANCH-MIN").is_empty());
}

#[test]
fn org_branch_min_two_full_members_are_too_few() {
    let mut org = branch(2);
    org.probationary_members = 5;
    let found = check(&org, "ORG-BRANCH-MIN");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].message, "正式党员2名，少于3名，应调整组织设置（如与其他单位成立联合党支部）");
    assert_eq!(found[0].citation, "《中国共产党支部工作条例（试行）》第四条");
    assert!(found[0].period.is_none());
}

#[test]
fn org_branch_min_fifty_members_are_within_the_ceiling() {
    let mut org = branch(45);
    org.probationary_members = 5;
    org = org.with_committee(5, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    assert!(check(&org, "ORG-BRANCH-MIN").is_empty());
}

#[test]
fn org_branch_min_fifty_one_members_exceed_the_ceiling_counting_probationary() {
    let mut org = branch(45);
    org.probationary_members = 6;
    let found = check(&org, "ORG-BRANCH-MIN");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning, "the ceiling is worded 一般");
    assert_eq!(found[0].message, "党员51名，超过50名，一般应分设党支部或成立党总支");
}

#[test]
fn org_branch_min_does_not_apply_to_groups_or_committees() {
    for kind in [OrgKind::Group, OrgKind::Committee, OrgKind::GeneralBranch] {
        let mut org = branch(0);
        org.kind = kind;
        assert!(check(&org, "ORG-BRANCH-MIN").is_empty(), "{kind:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// ORG-COMMITTEE
// ---------------------------------------------------------------------------------------------

#[test]
fn org_committee_six_full_members_need_no_committee() {
    assert!(check(&branch(6), "ORG-COMMITTEE").is_empty());
}

#[test]
fn org_committee_seven_full_members_need_a_committee() {
    let mut org = branch(7);
    org.probationary_members = 2;
    let found = check(&org, "ORG-COMMITTEE");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Violation);
    assert_eq!(found[0].message, "正式党员7名，达到7名以上，应设立支部委员会");
    let fix = found[0].fix.as_ref().unwrap();
    assert_eq!(fix.label, "召开党员大会选举支部委员会");
    assert_eq!(fix.get("kind"), Some(MeetingKind::BranchAssembly.as_str()));
}

#[test]
fn org_committee_probationary_members_do_not_count_towards_seven() {
    let mut org = branch(6);
    org.probationary_members = 10;
    assert!(check(&org, "ORG-COMMITTEE").is_empty());
    assert!(!org.should_have_committee());
}

#[test]
fn org_committee_committee_in_a_branch_of_fewer_than_seven_is_a_warning() {
    let found = check(&with_committee(6, 3), "ORG-COMMITTEE");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(found[0].message.starts_with("正式党员6名，不足7名的党支部不设支部委员会"), "{}", found[0].message);
    assert!(check(&with_committee(7, 3), "ORG-COMMITTEE").is_empty());
}

#[test]
fn org_committee_needs_at_least_three_members() {
    let found = check(&with_committee(9, 2), "ORG-COMMITTEE");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Violation);
    assert_eq!(found[0].message, "支部委员会现有委员2名，少于3名，应及时补选");
    assert!(check(&with_committee(9, 3), "ORG-COMMITTEE").is_empty());
}

#[test]
fn org_committee_of_seven_is_allowed_and_eight_is_a_warning() {
    assert!(check(&with_committee(30, 7), "ORG-COMMITTEE").is_empty());
    let found = check(&with_committee(30, 8), "ORG-COMMITTEE");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].message, "支部委员会现有委员8名，一般不超过7名");
}

// ---------------------------------------------------------------------------------------------
// ORG-TERM
// ---------------------------------------------------------------------------------------------

#[test]
fn org_term_a_branch_serves_three_years_a_committee_five() {
    let mut org = branch(5);
    org.term_years = 3;
    assert!(check(&org, "ORG-TERM").is_empty());
    let mut committee = OrgFacts::new(ORG, OrgKind::Committee);
    committee.term_start = org.term_start;
    assert_eq!(committee.term_years, 5, "a 基层党委's usual term is the default");
    assert!(check(&committee, "ORG-TERM").is_empty());
}

#[test]
fn org_term_other_lengths_within_three_to_five_years_are_warnings() {
    // 支部工作条例 Art. 21: branch committees "一般" 3 years; 基层党委 generally 5.
    for years in [4, 5] {
        let mut org = branch(5);
        org.term_years = years;
        let found = check(&org, "ORG-TERM");
        assert_eq!(found.len(), 1, "{years}");
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.starts_with("党总支、党支部委员会每届任期一般为3年"), "{}", found[0].message);
    }
    for years in [3, 4] {
        let mut committee = OrgFacts::new(ORG, OrgKind::Committee);
        committee.term_start = branch(5).term_start;
        committee.term_years = years;
        let found = check(&committee, "ORG-TERM");
        assert_eq!(found.len(), 1, "{years}");
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.starts_with("基层党委每届任期一般为5年"), "{}", found[0].message);
    }
}

#[test]
fn org_term_two_or_six_years_violate_the_constitution() {
    for years in [0, 2, 6] {
        let mut org = branch(5);
        org.term_years = years;
        let found = check(&org, "ORG-TERM");
        assert_eq!(found.len(), 1, "{years}");
        assert_eq!(found[0].severity, Severity::Violation);
        assert_eq!(found[0].message, format!("本届任期为{years}年，不符合每届3至5年的规定"));
    }
}

#[test]
fn org_term_missing_election_date_is_a_warning() {
    let mut org = branch(5);
    org.term_start = None;
    let found = check(&org, "ORG-TERM");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(check(&org, "ORG-RENEWAL").is_empty());
}

#[test]
fn org_term_does_not_apply_to_groups() {
    let mut org = OrgFacts::new(ORG, OrgKind::Group);
    org.term_years = 9;
    assert!(check(&org, "ORG-TERM").is_empty());
}

// ---------------------------------------------------------------------------------------------
// ORG-RENEWAL
// ---------------------------------------------------------------------------------------------

/// A branch whose 3-year term ends on `end`.
fn term_ending(end: NaiveDate) -> OrgFacts {
    let mut org = branch(5);
    org.term_start = Some(end.with_year(end.year() - 3).unwrap());
    org
}

#[test]
fn org_renewal_term_ending_in_exactly_six_months_is_upcoming() {
    let org = term_ending(d(2025, 12, 1));
    let found = check_on(&org, "ORG-RENEWAL", d(2025, 6, 1));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Upcoming);
    assert_eq!(found[0].message, "本届任期将于2025年12月1日届满，请做好换届准备");
    assert_eq!(found[0].due, Some(d(2025, 12, 1)));
    assert_eq!(found[0].fix.as_ref().unwrap().label, "筹备换届选举");
}

#[test]
fn org_renewal_term_ending_in_six_months_and_one_day_gives_nothing() {
    let org = term_ending(d(2025, 12, 2));
    assert!(check_on(&org, "ORG-RENEWAL", d(2025, 6, 1)).is_empty());
}

#[test]
fn org_renewal_term_ending_tomorrow_is_upcoming_and_today_overdue() {
    let org = term_ending(d(2025, 6, 2));
    assert_eq!(check_on(&org, "ORG-RENEWAL", d(2025, 6, 1))[0].severity, Severity::Upcoming);
    let found = check_on(&org, "ORG-RENEWAL", d(2025, 6, 2));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(
        found[0].message,
        "本届任期已于2025年6月2日届满，应按期换届；经上级党组织批准延期的，延期一般不超过1年（至2026年6月2日）"
    );
    assert_eq!(found[0].due, Some(d(2026, 6, 2)));
}

#[test]
fn org_renewal_overdue_by_exactly_one_year_is_a_warning() {
    let org = term_ending(d(2024, 6, 1));
    let found = check_on(&org, "ORG-RENEWAL", d(2025, 6, 1));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
}

#[test]
fn org_renewal_overdue_by_one_year_and_one_day_is_a_violation() {
    let org = term_ending(d(2024, 5, 31));
    let found = check_on(&org, "ORG-RENEWAL", d(2025, 6, 1));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Violation);
    assert_eq!(found[0].message, "本届任期已于2024年5月31日届满，逾期超过1年仍未换届");
}

#[test]
fn org_renewal_five_year_terms_count_from_the_election() {
    let mut org = OrgFacts::new(ORG, OrgKind::Committee);
    org.term_start = Some(d(2021, 3, 15));
    org.term_years = 5;
    assert!(check_on(&org, "ORG-RENEWAL", d(2025, 9, 14)).is_empty());
    let found = check_on(&org, "ORG-RENEWAL", d(2025, 9, 15));
    assert_eq!(found[0].severity, Severity::Upcoming);
    assert_eq!(found[0].due, Some(d(2026, 3, 15)));
    assert_eq!(found[0].fix.as_ref().unwrap().get("kind"), None, "committees elect at their own congress");
}

/// A term begun on 29 February ends on its anniversary by the project's convention (dates.rs):
/// 1 March in a year without 29 February, as a birthday does.
#[test]
fn org_renewal_leap_day_election_ends_on_1_march_by_the_anniversary_convention() {
    let mut org = branch(5);
    org.term_start = Some(d(2024, 2, 29));
    let found = check_on(&org, "ORG-RENEWAL", d(2027, 3, 1));
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].message.split('，').next(), Some("本届任期已于2027年3月1日届满"));
    let before = check_on(&org, "ORG-RENEWAL", d(2027, 2, 28));
    assert_eq!((before[0].severity, before[0].due), (Severity::Upcoming, Some(d(2027, 3, 1))));
}

/// ORG-TERM: village and community branch committees serve 5 years; other branches generally 3.
#[test]
fn org_term_village_and_community_branches_serve_five_years() {
    use domain::org::UnitKind;
    for unit in [UnitKind::Village, UnitKind::Community] {
        let mut org = OrgFacts::of_unit(ORG, OrgKind::Branch, unit);
        org = org.with_post(1, domain::org::PostKind::Secretary, d(2020, 1, 1));
        org.full_members = 5;
        org.term_start = Some(d(2024, 1, 1));
        assert_eq!(org.term_years, 5, "{unit:?}");
        assert!(check(&org, "ORG-TERM").is_empty(), "{unit:?}");
        // Its term runs 5 years: no reminder in 2026, one half a year before 2029-01-01.
        assert!(check_on(&org, "ORG-RENEWAL", d(2028, 6, 30)).is_empty());
        assert_eq!(check_on(&org, "ORG-RENEWAL", d(2028, 7, 1))[0].severity, Severity::Upcoming);
        // A 3-year term recorded for it is allowed but unusual: a warning naming its unit.
        org.term_years = 3;
        let found = check(&org, "ORG-TERM");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(
            found[0].message.starts_with(&format!("{}党支部委员会每届任期一般为5年", unit.label())),
            "{}",
            found[0].message
        );
    }
    let school = branch(5);
    assert_eq!(school.term_years, 3);
}

/// ORG-COMMITTEE: every branch has a secretary; a branch with none on `as_of` is a finding.
#[test]
fn org_committee_a_branch_without_a_secretary_is_a_finding() {
    let mut org = OrgFacts::new(ORG, OrgKind::Branch);
    org.full_members = 5;
    let found = check(&org, "ORG-COMMITTEE");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Violation);
    assert_eq!(found[0].message, "未配备党支部书记，应及时选举产生");
    assert_eq!(found[0].fix.as_ref().unwrap().page, domain::findings::pages::ORG_POSTS);
    // A secretary whose post ended the day before as_of does not count; one ending on it does.
    org.posts.push(domain::family::PostSpan {
        member_id: 1,
        post: domain::org::PostKind::Secretary,
        start: d(2020, 1, 1),
        end: Some(d(2025, 5, 31)),
    });
    assert_eq!(check(&org, "ORG-COMMITTEE").len(), 1);
    org.posts[0].end = Some(d(2025, 6, 1));
    assert!(check(&org, "ORG-COMMITTEE").is_empty());
}

/// ORG-COMMITTEE counts people, not posts: one person in two posts is one member; 委员 without a
/// named post count, so a committee of 8 can be recorded and the "generally no more than 7"
/// warning fires.
#[test]
fn org_committee_size_counts_people_and_plain_members() {
    let since = d(2020, 1, 1);
    // Secretary who is also the organization officer, plus a publicity officer: 2 people.
    let mut org = branch(9).with_post(1, domain::org::PostKind::OrganizationOfficer, since).with_post(
        2,
        domain::org::PostKind::PublicityOfficer,
        since,
    );
    let found = check(&org, "ORG-COMMITTEE");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "支部委员会现有委员2名，少于3名，应及时补选");
    org = org.with_post(3, domain::org::PostKind::Member, since);
    assert!(check(&org, "ORG-COMMITTEE").is_empty(), "three people");
    let seven = with_committee(9, 7);
    assert!(check(&seven, "ORG-COMMITTEE").is_empty());
    let eight = with_committee(9, 8);
    let found = check(&eight, "ORG-COMMITTEE");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].message, "支部委员会现有委员8名，一般不超过7名");
}

#[test]
fn org_renewal_closed_org_gives_nothing() {
    let mut org = term_ending(d(2020, 1, 1));
    org.closed_on = Some(d(2025, 6, 1));
    assert!(evaluate(&Rules::national(), &org, &[], 2025, d(2025, 6, 1), 0).iter().all(|f| f.period.is_some()));
    assert!(check_on(&org, "ORG-RENEWAL", d(2025, 5, 31)).len() == 1);
}
