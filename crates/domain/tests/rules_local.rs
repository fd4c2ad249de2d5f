//! Local rule sets: they may add requirements or tighten national ones, never loosen or remove them.

use chrono::NaiveDate;
use domain::family::AnyRule;
use domain::family::org_life::RecordFact;
use domain::family::org_life::{self, Check as LifeCheck, LOCAL_QUARTERLY_LESSON, local_quarterly_lesson};
use domain::family::structure::{self, Check as StructureCheck};
use domain::family::{OrgFacts, Rules, evaluate};
use domain::findings::Finding;
use domain::org::OrgKind;
use domain::org_life::MeetingKind;
use domain::period::PeriodKind;
use domain::rules::{Applicability, Loosening, Rule, RuleSetError, RuleSource, Severity};

const ORG: i64 = 11;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn branch() -> OrgFacts {
    let mut org = OrgFacts::new(ORG, OrgKind::Branch);
    org.full_members = 5;
    org = org.with_post(1, domain::org::PostKind::Secretary, d(2020, 1, 1));
    org.term_start = Some(d(2024, 1, 1));
    org
}

fn local_source() -> RuleSource {
    RuleSource::Local("某县教育局党委规定".to_string())
}

/// The national organizational-life rule `id`, turned into a local rule of the same ID with
/// `change` applied.
fn life_variant(id: &str, change: impl FnOnce(&mut Rule<LifeCheck>)) -> AnyRule {
    let mut rule = org_life::national_rules().into_iter().find(|r| r.id == id).unwrap();
    rule.source = local_source();
    change(&mut rule);
    rule.into()
}

/// The same for a structure rule.
fn structure_variant(id: &str, change: impl FnOnce(&mut Rule<StructureCheck>)) -> AnyRule {
    let mut rule = structure::national_rules().into_iter().find(|r| r.id == id).unwrap();
    rule.source = local_source();
    change(&mut rule);
    rule.into()
}

fn lesson_set() -> Vec<AnyRule> {
    local_quarterly_lesson().into_iter().map(AnyRule::from).collect()
}

fn set_frequency(rule: &mut Rule<LifeCheck>, new_period: PeriodKind, new_min: u32) {
    if let LifeCheck::Frequency { period, min_count, .. } = &mut rule.check {
        *period = new_period;
        *min_count = new_min;
    }
}

fn loosens(result: Result<Rules, RuleSetError>) -> Loosening {
    match result {
        Err(RuleSetError::Loosens { what, .. }) => what,
        other => panic!("expected a loosening error, got {other:?}"),
    }
}

fn findings_of(set: &Rules, rule_id: &str, records: &[RecordFact], as_of: NaiveDate) -> Vec<Finding> {
    evaluate(set, &branch(), records, 2025, as_of, 0).into_iter().filter(|f| f.rule_id == rule_id).collect()
}

// ---------------------------------------------------------------------------------------------
// The quarterly 党课 (rules.md §11.2: UNVERIFIED as national, shipped as a local set)
// ---------------------------------------------------------------------------------------------

#[test]
fn local_lesson_quarter_is_not_a_national_rule() {
    let national = Rules::national();
    for rule in local_quarterly_lesson() {
        assert!(national.info(rule.id).is_none());
        assert_eq!(rule.source, RuleSource::Local(LOCAL_QUARTERLY_LESSON.to_string()));
    }
    let no_branch_lessons = national.org_life.rules().iter().all(|r| match r.check {
        LifeCheck::Frequency { record, by_secretary, .. } => record != MeetingKind::PartyLecture || by_secretary,
        _ => true,
    });
    assert!(no_branch_lessons, "the national set must not ask branches for 党课 on a schedule");
    assert!(findings_of(&national, "LOCAL-LESSON-QUARTER", &[], d(2026, 1, 1)).is_empty());
}

#[test]
fn local_lesson_quarter_finds_a_quarter_without_a_lecture_and_names_its_rule_set() {
    let set = Rules::national().tighten(&lesson_set()).unwrap();
    let records = [RecordFact::new(1, ORG, MeetingKind::PartyLecture, d(2025, 3, 31))];
    let found = findings_of(&set, "LOCAL-LESSON-QUARTER", &records, d(2025, 7, 1));
    assert_eq!(found.len(), 1);
    let f = &found[0];
    assert_eq!(f.period.unwrap().label(), "2025年第二季度");
    assert_eq!(f.message, "2025年第二季度未开展党课");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.source.label(), LOCAL_QUARTERLY_LESSON);
    assert_eq!(f.fix.as_ref().unwrap().label, "补录第二季度党课");
}

#[test]
fn local_lesson_quarter_keeps_every_national_rule() {
    let set = Rules::national().tighten(&lesson_set()).unwrap();
    for rule in org_life::national_rules() {
        assert_eq!(set.org_life.get(rule.id), Some(&rule));
    }
    for rule in structure::national_rules() {
        assert_eq!(set.structure.get(rule.id), Some(&rule));
    }
    assert_eq!(set.len(), Rules::national().len() + 1);
}

// ---------------------------------------------------------------------------------------------
// Tightening
// ---------------------------------------------------------------------------------------------

#[test]
fn local_rules_may_raise_mtg_assembly_to_two_per_quarter() {
    let stricter = life_variant("MTG-ASSEMBLY", |r| set_frequency(r, PeriodKind::Quarter, 2));
    let set = Rules::national().tighten(&[stricter]).unwrap();
    let records = [RecordFact::new(1, ORG, MeetingKind::BranchAssembly, d(2025, 2, 1))];
    let found = findings_of(&set, "MTG-ASSEMBLY", &records, d(2025, 4, 1));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "2025年第一季度仅召开1次支部党员大会，应至少2次");
    assert_eq!(found[0].record_ids("meeting"), vec![1]);
    assert!(found[0].source.is_local());
    assert!(findings_of(&Rules::national(), "MTG-ASSEMBLY", &records, d(2025, 4, 1)).is_empty());
}

#[test]
fn local_rules_may_shorten_the_mtg_assembly_period_to_a_month() {
    let monthly = life_variant("MTG-ASSEMBLY", |r| set_frequency(r, PeriodKind::Month, 1));
    let set = Rules::national().tighten(&[monthly]).unwrap();
    let records = [RecordFact::new(1, ORG, MeetingKind::BranchAssembly, d(2025, 1, 10))];
    let found = findings_of(&set, "MTG-ASSEMBLY", &records, d(2025, 4, 1));
    let months: Vec<String> = found.iter().map(|f| f.period.unwrap().label()).collect();
    assert_eq!(months, vec!["2025年2月", "2025年3月"]);
}

#[test]
fn local_rules_may_raise_the_severity() {
    let firm = life_variant("MTG-ASSEMBLY", |r| r.severity = Severity::Violation);
    let set = Rules::national().tighten(&[firm]).unwrap();
    assert_eq!(findings_of(&set, "MTG-ASSEMBLY", &[], d(2025, 4, 1))[0].severity, Severity::Violation);
}

#[test]
fn local_rules_may_lower_the_branch_ceiling_and_raise_the_reminder() {
    let ceiling =
        structure_variant("ORG-BRANCH-MIN", |r| r.check = StructureCheck::BranchSize { min_full: 3, max_members: 40 });
    let reminder =
        structure_variant("ORG-RENEWAL", |r| r.check = StructureCheck::Term { warn_months: 12, grace_years: 0 });
    let term = structure_variant("ORG-TERM", |r| r.check = StructureCheck::TermLength { min_years: 3, max_years: 3 });
    let committee = structure_variant("ORG-COMMITTEE", |r| {
        r.check = StructureCheck::CommitteeStructure { min_full_members: 5, min_size: 3, max_size: 5 }
    });
    let set = Rules::national().tighten(&[ceiling, reminder, term, committee]).unwrap();
    // Each of the four tightened rules finds what the national one does not.
    let rule_findings = |set: &Rules, org: &OrgFacts, id: &str| -> Vec<Finding> {
        evaluate(set, org, &[], 2025, d(2025, 6, 1), 0).into_iter().filter(|f| f.rule_id == id).collect()
    };
    // ORG-BRANCH-MIN: 41 members, over the local ceiling of 40 (national: 50).
    let mut big = branch();
    big.full_members = 41;
    let found = rule_findings(&set, &big, "ORG-BRANCH-MIN");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "党员41名，超过40名，一般应分设党支部或成立党总支");
    assert!(rule_findings(&Rules::national(), &big, "ORG-BRANCH-MIN").is_empty());
    // ORG-RENEWAL: a 3-year term from 2023-03-01 ends 2026-03-01, within the local 12 months'
    // notice on 1 June 2025 (national: 6 months, not yet).
    let mut renewing = branch();
    renewing.term_start = Some(d(2023, 3, 1));
    renewing.term_years = 3;
    assert_eq!(
        rule_findings(&set, &renewing, "ORG-RENEWAL").len(),
        1,
        "{:#?}",
        rule_findings(&set, &renewing, "ORG-RENEWAL")
    );
    assert!(rule_findings(&Rules::national(), &renewing, "ORG-RENEWAL").is_empty());
    // ORG-TERM: a 5-year term is the national usual for no branch, but allowed (3–5); the local
    // rule allows 3 only.
    let mut five = branch();
    five.term_years = 5;
    assert_eq!(rule_findings(&set, &five, "ORG-TERM").len(), 1, "{:#?}", rule_findings(&set, &five, "ORG-TERM"));
    assert!(
        rule_findings(&Rules::national(), &five, "ORG-TERM").iter().all(|f| f.severity != Severity::Violation),
        "nationally at most a warning"
    );
    // ORG-COMMITTEE: 6 full members and no committee: the local rule (from 5) asks for one, the
    // national one (from 7) does not.
    let mut six = branch();
    six.full_members = 6;
    assert_eq!(
        rule_findings(&set, &six, "ORG-COMMITTEE").len(),
        1,
        "{:#?}",
        rule_findings(&set, &six, "ORG-COMMITTEE")
    );
    assert!(rule_findings(&Rules::national(), &six, "ORG-COMMITTEE").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Loosening is refused
// ---------------------------------------------------------------------------------------------

#[test]
fn local_rules_may_not_lengthen_the_mtg_assembly_period() {
    let half_yearly = life_variant("MTG-ASSEMBLY", |r| set_frequency(r, PeriodKind::HalfYear, 2));
    assert_eq!(loosens(Rules::national().tighten(&[half_yearly])), Loosening::Period);
}

#[test]
fn local_rules_may_not_lower_a_count_tightened_before() {
    let twice = life_variant("MTG-ASSEMBLY", |r| set_frequency(r, PeriodKind::Quarter, 2));
    let set = Rules::national().tighten(&[twice]).unwrap();
    let once = life_variant("MTG-ASSEMBLY", |r| set_frequency(r, PeriodKind::Quarter, 1));
    assert_eq!(loosens(set.tighten(&[once])), Loosening::MinCount);
}

#[test]
fn local_rules_monthly_once_is_weaker_than_four_per_quarter() {
    let four = life_variant("MTG-ASSEMBLY", |r| set_frequency(r, PeriodKind::Quarter, 4));
    let set = Rules::national().tighten(&[four]).unwrap();
    let monthly = life_variant("MTG-ASSEMBLY", |r| set_frequency(r, PeriodKind::Month, 1));
    assert_eq!(loosens(set.tighten(&[monthly])), Loosening::MinCount);
}

#[test]
fn local_rules_may_not_add_a_weaker_duplicate_under_a_new_id() {
    let weaker = life_variant("MTG-ASSEMBLY", |r| {
        set_frequency(r, PeriodKind::Year, 2);
        r.id = "LOCAL-ASSEMBLY";
    });
    match Rules::national().tighten(&[weaker]) {
        Err(RuleSetError::Loosens { local, existing, what }) => {
            assert_eq!((local, existing, what), ("LOCAL-ASSEMBLY", "MTG-ASSEMBLY", Loosening::Period));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn local_rules_may_not_narrow_the_orgs_a_rule_applies_to() {
    let narrower = life_variant("MTG-THEME-DAY", |r| r.applies_to = Applicability::kinds(&[OrgKind::Group]));
    assert_eq!(loosens(Rules::national().tighten(&[narrower])), Loosening::Applicability);
    let with_condition = life_variant("MTG-THEME-DAY", |r| {
        r.applies_to = Applicability::kinds(&[OrgKind::Branch]).with(domain::rules::Condition::HasCommittee)
    });
    assert_eq!(loosens(Rules::national().tighten(&[with_condition])), Loosening::Applicability);
}

#[test]
fn local_rules_may_not_lower_the_severity() {
    let softer = life_variant("MTG-THEME-DAY", |r| r.severity = Severity::Warning);
    assert_eq!(loosens(Rules::national().tighten(&[softer])), Loosening::Severity);
}

#[test]
fn local_rules_may_not_drop_or_move_the_mtg_org_life_window() {
    for window in [None, Some(3)] {
        let moved = life_variant("MTG-ORG-LIFE", |r| {
            if let LifeCheck::Frequency { within, .. } = &mut r.check {
                *within = window;
            }
        });
        assert_eq!(loosens(Rules::national().tighten(&[moved])), Loosening::Window, "{window:?}");
    }
}

#[test]
fn local_rules_may_not_drop_the_mtg_committee_quorum() {
    let no_quorum = life_variant("MTG-COMMITTEE", |r| {
        if let LifeCheck::Frequency { quorum, .. } = &mut r.check {
            *quorum = None;
        }
    });
    assert_eq!(loosens(Rules::national().tighten(&[no_quorum])), Loosening::Quorum);
}

#[test]
fn local_rules_may_not_count_other_lectures_for_mtg_lesson() {
    let anyone = life_variant("MTG-LESSON", |r| {
        if let LifeCheck::Frequency { by_secretary, .. } = &mut r.check {
            *by_secretary = false;
        }
    });
    assert_eq!(loosens(Rules::national().tighten(&[anyone])), Loosening::Record);
}

#[test]
fn local_rules_may_not_replace_a_check_with_another_kind() {
    let other = life_variant("MTG-ASSEMBLY", |r| r.check = LifeCheck::Lapse { months: 6 });
    assert_eq!(loosens(Rules::national().tighten(&[other])), Loosening::CheckKind);
}

#[test]
fn local_rules_may_not_loosen_org_thresholds() {
    let cases = [
        structure_variant("ORG-BRANCH-MIN", |r| r.check = StructureCheck::BranchSize { min_full: 3, max_members: 60 }),
        structure_variant("ORG-BRANCH-MIN", |r| r.check = StructureCheck::BranchSize { min_full: 2, max_members: 50 }),
        structure_variant("ORG-COMMITTEE", |r| {
            r.check = StructureCheck::CommitteeStructure { min_full_members: 9, min_size: 3, max_size: 7 }
        }),
        structure_variant("ORG-COMMITTEE", |r| {
            r.check = StructureCheck::CommitteeStructure { min_full_members: 7, min_size: 3, max_size: 9 }
        }),
        structure_variant("ORG-TERM", |r| r.check = StructureCheck::TermLength { min_years: 3, max_years: 6 }),
        structure_variant("ORG-RENEWAL", |r| r.check = StructureCheck::Term { warn_months: 6, grace_years: 2 }),
        structure_variant("ORG-RENEWAL", |r| r.check = StructureCheck::Term { warn_months: 3, grace_years: 1 }),
    ];
    for rule in cases {
        let id = rule.id();
        assert_eq!(loosens(Rules::national().tighten(&[rule])), Loosening::Threshold, "{id}");
    }
}

#[test]
fn con_lapse_months_are_fixed_by_the_constitution() {
    for months in [3, 12] {
        let changed = life_variant("CON-LAPSE", |r| r.check = LifeCheck::Lapse { months });
        assert_eq!(Rules::national().tighten(&[changed]), Err(RuleSetError::Fixed { id: "CON-LAPSE" }));
    }
    let same = life_variant("CON-LAPSE", |_| {});
    assert!(Rules::national().tighten(&[same]).is_ok());
}

#[test]
fn local_rule_sets_must_mark_their_rules_as_local() {
    let rule = life_variant("MTG-ASSEMBLY", |r| {
        set_frequency(r, PeriodKind::Month, 1);
        r.source = RuleSource::National;
    });
    assert_eq!(Rules::national().tighten(&[rule]), Err(RuleSetError::NotLocal { id: "MTG-ASSEMBLY" }));
}

#[test]
fn local_rules_with_bad_parameters_are_refused() {
    let bad_window = life_variant("MTG-ORG-LIFE", |r| {
        if let LifeCheck::Frequency { within, .. } = &mut r.check {
            *within = Some(5);
        }
    });
    let zero = life_variant("MTG-ASSEMBLY", |r| set_frequency(r, PeriodKind::Quarter, 0));
    for rule in [bad_window, zero] {
        assert!(matches!(Rules::national().tighten(&[rule]), Err(RuleSetError::Malformed { .. })));
    }
}

#[test]
fn local_rule_errors_are_chinese_and_name_the_rules() {
    let softer = life_variant("MTG-THEME-DAY", |r| r.severity = Severity::Warning);
    let message = Rules::national().tighten(&[softer]).unwrap_err().to_string();
    assert_eq!(message, "地方规则“MTG-THEME-DAY”降低了严重程度，不得放宽规则“MTG-THEME-DAY”");
}

#[test]
fn local_rules_a_set_with_one_loosening_rule_is_refused_whole() {
    // The acceptable rule before the loosening one gives no partial set: the error names the
    // loosening rule, and only a set without it is accepted. (That a refused set is not stored
    // is tested at the service layer: services/tests/org_life.rs.)
    let ok = AnyRule::from(local_quarterly_lesson().remove(0));
    let bad = life_variant("MTG-THEME-DAY", |r| r.severity = Severity::Warning);
    match Rules::national().tighten(&[ok.clone(), bad]) {
        Err(RuleSetError::Loosens { local, what, .. }) => {
            assert_eq!((local, what), ("MTG-THEME-DAY", Loosening::Severity))
        }
        other => panic!("{other:?}"),
    }
    let accepted = Rules::national().tighten(&[ok]).unwrap();
    assert_eq!(accepted.len(), Rules::national().len() + 1);
}
