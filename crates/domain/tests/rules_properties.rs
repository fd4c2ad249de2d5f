//! Properties of the rules engine: it never panics, it is deterministic (the order of the records
//! does not matter), it never reports the future, and the national set is complete; and
//! metamorphic ones, which relate two evaluations: a record dated after `as_of` never changes
//! the findings, adding a qualifying record never adds a shortfall, and taking a member out of
//! the attendance never adds a finding about anyone else.

use chrono::{Datelike, NaiveDate};
use domain::family::AnyRule;
use domain::family::org_life::RecordFact;
use domain::family::org_life::{Check, local_quarterly_lesson};
use domain::family::{OrgFacts, Rules, evaluate};
use domain::findings::Finding;
use domain::org::OrgKind;
use domain::org::PostKind;
use domain::org_life::{Attendance, Attendee, MeetingKind};
use domain::period::{Period, PeriodKind};
use domain::rules::Severity;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Any representable date, or (more often) one near today's records.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    let min = NaiveDate::MIN.num_days_from_ce();
    let max = NaiveDate::MAX.num_days_from_ce();
    let near = d(2018, 1, 1).num_days_from_ce()..=d(2030, 12, 31).num_days_from_ce();
    prop_oneof![
        1 => min..=max,
        1 => Just(min),
        1 => Just(max),
        8 => near,
    ]
    .prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap_or(NaiveDate::MIN))
}

/// A date near the records (so that periods and records overlap).
fn near_date() -> impl Strategy<Value = NaiveDate> {
    (d(2018, 1, 1).num_days_from_ce()..=d(2030, 12, 31).num_days_from_ce())
        .prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap_or(NaiveDate::MIN))
}

fn any_year() -> impl Strategy<Value = i32> {
    prop_oneof![1 => any::<i32>(), 6 => 2018..=2030i32]
}

fn attendance() -> impl Strategy<Value = Attendance> {
    prop::sample::select(Attendance::ALL.to_vec())
}

fn attendee() -> impl Strategy<Value = Attendee> {
    (0i64..8, any::<bool>(), attendance()).prop_map(|(member_id, probationary, attendance)| Attendee {
        member_id,
        probationary,
        attendance,
        guest: false,
    })
}

fn record() -> impl Strategy<Value = RecordFact> {
    (
        0i64..40,
        prop_oneof![4 => Just(1i64), 1 => 0i64..4],
        prop::sample::select(MeetingKind::ALL.to_vec()),
        any_date(),
        prop::collection::vec(attendee(), 0..6),
        prop::option::of(0i64..8),
        any::<bool>(),
        prop::collection::vec(
            (prop::sample::select(domain::org_life::VotePurpose::ALL.to_vec()), 0u32..12, 0u32..12, 0u32..12),
            0..3,
        ),
    )
        .prop_map(|(id, org_id, kind, date, attendance, lecturer_id, has_vote, votes)| RecordFact {
            id,
            org_id,
            kind,
            date,
            attendance,
            lecturer_id,
            // A 思政课 by the principal now and then (SZK-LECTURE).
            by_principal: has_vote && id % 3 == 0,
            has_vote,
            votes: votes
                .into_iter()
                .map(|(purpose, expected, present, yes)| domain::family::org_life::VoteFact {
                    purpose,
                    voters_expected: expected,
                    voters_present: present.min(expected),
                    yes: yes.min(present),
                })
                .collect(),
        })
}

fn small_or_any() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..60, 1 => any::<u32>()]
}

fn org() -> impl Strategy<Value = OrgFacts> {
    (
        prop::sample::select(OrgKind::ALL.to_vec()),
        any::<bool>(),
        (small_or_any(), small_or_any(), small_or_any()),
        prop::option::of(0i64..8),
        prop::option::of(any_date()),
        small_or_any(),
        prop::option::of(any_date()),
        prop::option::of(any_date()),
    )
        .prop_map(
            |(kind, has_committee, (full, probationary, posts), secretary, term_start, term_years, est, closed)| {
                let mut org = OrgFacts::new(1, kind);
                org.full_members = full;
                org.probationary_members = probationary;
                org.term_start = term_start;
                org.term_years = term_years;
                org.established_on = est;
                org.closed_on = closed;
                let since = d(2000, 1, 1);
                if let Some(s) = secretary {
                    org = org.with_post(s, PostKind::Secretary, since);
                }
                // Up to 8 further posts, committee officers when the org has a committee.
                let post = if has_committee { PostKind::OrganizationOfficer } else { PostKind::DeputySecretary };
                for i in 0..posts.min(8) {
                    org = org.with_post(100 + i64::from(i), post, since);
                }
                org
            },
        )
}

/// A branch with a committee and a secretary, existing throughout: every frequency rule of a
/// branch applies to it, so open periods and their reminders are checked.
fn live_branch() -> OrgFacts {
    let mut org = OrgFacts::new(1, OrgKind::Branch);
    org.full_members = 9;
    org = org.with_committee(5, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    org = org.with_post(1, domain::org::PostKind::Secretary, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    org.term_start = Some(d(2024, 1, 1));
    org.term_years = 3;
    org
}

fn rule_sets() -> Vec<Rules> {
    let lesson: Vec<AnyRule> = local_quarterly_lesson().into_iter().map(AnyRule::from).collect();
    vec![Rules::national(), Rules::national().tighten(&lesson).unwrap()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn evaluate_never_panics_and_never_reports_the_future(
        org in org(),
        records in prop::collection::vec(record(), 0..25),
        year in any_year(),
        as_of in any_date(),
        notice_days in small_or_any(),
    ) {
        for set in rule_sets() {
            let findings = evaluate(&set, &org, &records, year, as_of, notice_days);
            for f in &findings {
                prop_assert!(set.info(f.rule_id).is_some(), "{}", f.rule_id);
                prop_assert_eq!(f.org_id, org.org_id);
                prop_assert!(!f.message.is_empty());
                if let Some(p) = f.period {
                    prop_assert!(p.start() <= as_of, "{:?} after {}", p, as_of);
                }
                if f.severity == Severity::Upcoming {
                    prop_assert!(f.due.is_some_and(|due| due >= as_of), "{:?}", f);
                }
                let mut sorted = f.records.clone();
                sorted.sort_unstable();
                sorted.dedup();
                prop_assert_eq!(&sorted, &f.records);
                prop_assert!(f.records.iter().all(|x| records.iter().any(|r| r.id == x.id && r.date <= as_of)));
            }
        }
    }

    #[test]
    fn evaluate_does_not_depend_on_the_order_of_the_records(
        org in org(),
        records in prop::collection::vec(record(), 0..25),
        year in 2018..=2030i32,
        as_of in any_date(),
        notice_days in 0u32..40,
        seed in any::<u64>(),
    ) {
        let mut shuffled = records.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = usize::try_from(state % (i as u64 + 1)).unwrap();
            shuffled.swap(i, j);
        }
        for set in rule_sets() {
            let a = evaluate(&set, &org, &records, year, as_of, notice_days);
            let b = evaluate(&set, &org, &shuffled, year, as_of, notice_days);
            prop_assert_eq!(a, b);
        }
    }

    /// A record dated after `as_of` (of any kind, for any org, with any attendance) never
    /// changes the findings: rules read the facts known on `as_of`.
    #[test]
    fn a_record_dated_after_as_of_never_changes_the_findings(
        org in prop_oneof![1 => org(), 3 => Just(live_branch())],
        records in prop::collection::vec(record(), 0..20),
        late in record(),
        days_after in prop_oneof![4 => 1u64..20, 1 => 1u64..800],
        year_offset in prop_oneof![4 => Just(0i32), 1 => -2..=1i32],
        as_of in near_date(),
        notice_days in 0u32..40,
    ) {
        // Mostly the year of as_of, whose open period gives reminders.
        let year = as_of.year() + year_offset;
        let mut late = late;
        late.date = as_of + chrono::Days::new(days_after);
        // Usually the org's own: the record a rule would count (or a lapse would read).
        late.org_id = if days_after % 3 == 0 { late.org_id } else { org.org_id };
        let mut with_late = records.clone();
        with_late.push(late);
        for set in rule_sets() {
            let a = evaluate(&set, &org, &records, year, as_of, notice_days);
            let b = evaluate(&set, &org, &with_late, year, as_of, notice_days);
            prop_assert_eq!(a, b);
        }
    }

    /// Adding a record that a frequency rule counts (the org's own, on or before `as_of`, with
    /// no attendance and no vote) never adds a finding of a frequency rule for a rule and period
    /// that had none: one more meeting can only meet a requirement, never break one.
    #[test]
    fn adding_a_qualifying_record_never_adds_a_shortfall(
        org in prop_oneof![1 => org(), 3 => Just(live_branch())],
        records in prop::collection::vec(record(), 0..20),
        kind in prop::sample::select(MeetingKind::ALL.to_vec()),
        days_before in 0u64..800,
        year_offset in prop_oneof![4 => Just(0i32), 1 => -2..=1i32],
        as_of in near_date(),
        notice_days in 0u32..40,
    ) {
        let year = as_of.year() + year_offset;
        let mut extra = RecordFact::new(1_000, org.org_id, kind, as_of - chrono::Days::new(days_before));
        extra.attendance = Vec::new();
        let mut more = records.clone();
        more.push(extra);
        for set in rule_sets() {
            let frequency = |f: &Finding| {
                set.org_life.get(f.rule_id).is_some_and(|r| matches!(r.check, Check::Frequency { .. }))
            };
            let key = |f: &Finding| (f.rule_id, f.period.map(|p| p.start()));
            let before: Vec<_> = evaluate(&set, &org, &records, year, as_of, notice_days)
                .iter()
                .filter(|f| frequency(f))
                .map(key)
                .collect();
            for f in evaluate(&set, &org, &more, year, as_of, notice_days).iter().filter(|f| frequency(f)) {
                prop_assert!(before.contains(&key(f)), "one more {:?} added {:?}", kind, f);
            }
        }
    }

    /// Taking one member out of every attendance list (as if they had never been a member)
    /// removes every finding about them and adds none about anyone else: a finding that rests
    /// on attendance is about the member whose attendance it reads.
    #[test]
    fn removing_a_member_never_adds_a_finding_about_another(
        org in prop_oneof![1 => org(), 3 => Just(live_branch())],
        records in prop::collection::vec(record(), 0..25),
        member in 0i64..8,
        year_offset in prop_oneof![4 => Just(0i32), 1 => -2..=1i32],
        as_of in near_date(),
        notice_days in 0u32..40,
    ) {
        let year = as_of.year() + year_offset;
        let mut without = records.clone();
        for r in &mut without {
            r.attendance.retain(|a| a.member_id != member);
        }
        for set in rule_sets() {
            let before = evaluate(&set, &org, &records, year, as_of, notice_days);
            let after = evaluate(&set, &org, &without, year, as_of, notice_days);
            prop_assert!(after.iter().all(|f| f.member_id() != Some(member)), "{:?}", after);
            for f in after.iter().filter(|f| f.member_id().is_some()) {
                prop_assert!(before.contains(f), "new finding {:?}", f);
            }
        }
    }

    #[test]
    fn period_containing_agrees_with_contains_and_in_year(date in any_date()) {
        for kind in PeriodKind::ALL {
            let p = Period::containing(kind, date);
            prop_assert!(p.contains(date));
            prop_assert_eq!(p.year(), date.year());
            prop_assert!(p.index() >= 1 && p.index() <= kind.per_year());
            if let Some(next) = p.next() {
                prop_assert_eq!(p.end().succ_opt(), Some(next.start()));
                prop_assert!(!next.contains(date));
            }
            let in_year = Period::in_year(kind, date.year());
            prop_assert!(in_year.is_empty() || in_year.contains(&p));
        }
    }
}

fn scenario() -> (OrgFacts, Vec<RecordFact>) {
    let mut org = OrgFacts::new(1, OrgKind::Branch);
    org.full_members = 9;
    org = org.with_committee(2, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    org.term_start = Some(d(2022, 5, 1));
    let mut records = Vec::new();
    for (id, month) in (1i64..).zip([1u32, 2, 4, 5, 7]) {
        let mut r = RecordFact::new(id, 1, MeetingKind::CommitteeMeeting, d(2025, month, 10));
        r.attendance = vec![
            Attendee::full(1, Attendance::Present),
            Attendee::full(2, if month == 4 { Attendance::Absent } else { Attendance::Present }),
            Attendee::full(3, Attendance::Absent),
            Attendee::full(4, Attendance::Absent),
        ];
        records.push(r);
    }
    records.push(RecordFact::new(20, 1, MeetingKind::LifeMeeting, d(2025, 6, 30)));
    (org, records)
}

#[test]
fn evaluate_gives_the_same_findings_in_the_same_order_every_time() {
    let (org, records) = scenario();
    let first = evaluate(&Rules::national(), &org, &records, 2025, d(2026, 1, 10), 15);
    let mut reversed = records.clone();
    reversed.reverse();
    for _ in 0..3 {
        assert_eq!(evaluate(&Rules::national(), &org, &reversed, 2025, d(2026, 1, 10), 15), first);
    }
    // Findings follow the order of the rule set, then the periods.
    let order: Vec<usize> =
        first.iter().map(|f| Rules::national().catalogue().iter().position(|r| r.id == f.rule_id).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    let committee: Vec<&Finding> = first.iter().filter(|f| f.rule_id == "MTG-COMMITTEE").collect();
    let starts: Vec<NaiveDate> = committee.iter().map(|f| f.period.unwrap().start()).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
}

#[test]
fn national_rules_cover_the_required_ids_with_citations() {
    let rules = Rules::national().catalogue();
    for id in [
        "MTG-ASSEMBLY",
        "MTG-COMMITTEE",
        "MTG-GROUP",
        "MTG-THEME-DAY",
        "MTG-ORG-LIFE",
        "MTG-EVAL",
        "MTG-TALK",
        "MTG-LESSON",
        "ORG-COMMITTEE",
        "ORG-BRANCH-MIN",
        "ORG-TERM",
        "ORG-RENEWAL",
        "CON-LAPSE",
    ] {
        let rule = rules.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("{id} missing"));
        assert!(rule.citation.starts_with('《') && rule.citation.contains('条'), "{id}: {}", rule.citation);
        assert!(!rule.title.is_empty());
        assert!(!rule.source.is_local());
        assert!(!rule.applies_to.is_empty());
    }
    let mut ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rules.len(), "rule IDs are unique");
}

#[test]
fn rules_worded_generally_are_warnings() {
    let set = Rules::national();
    for id in ["MTG-ASSEMBLY", "MTG-COMMITTEE", "MTG-GROUP", "MTG-EVAL", "MTG-TALK"] {
        assert_eq!(set.info(id).unwrap().severity, Severity::Warning, "{id}");
    }
    for id in ["MTG-THEME-DAY", "MTG-ORG-LIFE", "MTG-LESSON", "ORG-COMMITTEE", "CON-LAPSE"] {
        assert_eq!(set.info(id).unwrap().severity, Severity::Violation, "{id}");
    }
}
