//! The counting rules of rules.md §9 at their boundaries, and the roll-up's additivity.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::codes::Education;
use crate::org::OrgKind;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

#[test]
fn join_period_boundaries_the_day_before_and_the_day_of() {
    assert_eq!(JoinPeriod::of(d(1949, 9, 30)), JoinPeriod::Before1949);
    assert_eq!(JoinPeriod::of(d(1949, 10, 1)), JoinPeriod::To1978);
    assert_eq!(JoinPeriod::of(d(1978, 12, 31)), JoinPeriod::To1978);
    assert_eq!(JoinPeriod::of(d(1979, 1, 1)), JoinPeriod::To18thCongress);
    assert_eq!(JoinPeriod::of(d(2012, 11, 7)), JoinPeriod::To18thCongress);
    assert_eq!(JoinPeriod::of(d(2012, 11, 8)), JoinPeriod::Since18thCongress);
}

#[test]
fn age_is_taken_on_the_reference_date() {
    let on = d(2025, 12, 31);
    let p = |birth| Profile::of(false, false, false, None, None, birth, d(2020, 1, 1), on);
    // 30 on the reference day: born 1 January 1995 turns 31 on 1 January 2026.
    assert_eq!(p(d(1995, 1, 1)).age, AgeBand::To30);
    assert_eq!(p(d(1994, 12, 31)).age, AgeBand::From31To35);
    assert_eq!(p(d(1964, 12, 31)).age, AgeBand::From61);
    assert_eq!(p(d(1965, 1, 1)).age, AgeBand::From56To60);
}

#[test]
fn college_plus_agrees_with_the_code_list() {
    for e in Education::all() {
        assert_eq!(college_plus(e.level()), e.college_plus(), "{}", e.code());
    }
}

#[test]
fn every_profile_has_its_own_code() {
    let mut seen = std::collections::HashSet::new();
    let parts = Profile::code_parts();
    let count: usize = parts.iter().product();
    for code in 0..u32::try_from(count).unwrap_or(0) {
        let p = Profile::from_code(code);
        assert!(p.is_some(), "{code}");
        if let Some(p) = p {
            assert_eq!(p.code(), code);
            assert!(seen.insert(code));
        }
    }
    assert_eq!(Profile::from_code(u32::try_from(count).unwrap_or(0)), None, "one past the last");
}

#[test]
fn tables_count_each_member_once_in_every_table() {
    let on = d(2025, 12, 31);
    let mut t = MemberTables::default();
    let e = |code: &str| Education::parse(code).map(|e| e.level());
    let o = |id: &str| crate::codes::Occupation::parse(id);
    t.add_profile(&Profile::of(false, true, true, e("21"), o("worker"), d(1990, 5, 1), d(2015, 1, 1), on), 1);
    t.add_profile(&Profile::of(true, false, false, e("61"), None, d(2000, 5, 1), d(2025, 7, 1), on), 2);
    t.add_profile(&Profile::of(false, false, false, None, o("retired"), d(1940, 5, 1), d(1960, 7, 1), on), 1);
    assert_eq!((t.total, t.probationary, t.women, t.minorities, t.college_plus), (4, 2, 1, 1, 1));
    assert_eq!(t.join_period, [0, 1, 0, 3]);
    // 本科 1, 高中 2, 未填 1.
    assert_eq!(t.education, [0, 1, 0, 0, 2, 0, 1]);
    let unknown = Profile::occupation_slots() - 1;
    assert_eq!(t.occupation_by_age[unknown][0], 2, "occupation not recorded, 30 or under");
    assert!(t.inconsistencies().is_empty(), "{:?}", t.inconsistencies());
    t.total += 1;
    assert_eq!(t.inconsistencies(), ["表2 党员基本情况", "表3 入党时间", "表4 学历"]);
}

/// A random tree in path order: each org's parent is an earlier org (or none: a root).
fn tree() -> impl Strategy<Value = Vec<(Option<usize>, u8)>> {
    prop::collection::vec((any::<prop::sample::Index>(), 0u8..5), 1..60).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (parent, n))| (if i == 0 || parent.index(4) == 0 { None } else { Some(parent.index(i)) }, n))
            .collect()
    })
}

proptest! {
    /// Every parent's cells equal its own plus the sum of its children's subtrees, whatever the
    /// shape of the tree and the members in it (the additive property of issue item 6).
    #[test]
    fn every_parent_is_its_own_plus_its_children(nodes in tree(), seed in any::<u32>()) {
        // Paths from parents; sort by path as storage reads them.
        let mut paths: Vec<String> = Vec::new();
        for (i, (parent, _)) in nodes.iter().enumerate() {
            let id = i + 1;
            let path = match parent {
                Some(p) => format!("{}{id}/", paths[*p]),
                None => format!("/{id}/"),
            };
            paths.push(path);
        }
        let own = |i: usize| {
            let mut t = MemberTables::default();
            for k in 0..nodes[i].1 {
                let code = (seed.wrapping_mul(31).wrapping_add(u32::try_from(i * 7 + usize::from(k)).unwrap_or(0)))
                    % u32::try_from(Profile::code_parts().iter().product::<usize>()).unwrap_or(1);
                if let Some(p) = Profile::from_code(code) {
                    t.add_profile(&p, 1);
                }
            }
            let mut o = OrgTables::default();
            o.add_org(OrgKind::Branch, "public_school", t.total);
            (t, o)
        };
        let mut order: Vec<usize> = (0..nodes.len()).collect();
        order.sort_by(|a, b| paths[*a].cmp(&paths[*b]));
        let mut rollup = Rollup::new();
        let mut got: std::collections::HashMap<i64, (MemberTables, OrgTables)> = Default::default();
        let mut sink = |id: i64, _own: &(MemberTables, OrgTables), sub: &(MemberTables, OrgTables)| {
            got.insert(id, sub.clone());
        };
        for i in &order {
            rollup.push(i64::try_from(i + 1).unwrap_or(0), &paths[*i], own(*i), &mut sink);
        }
        rollup.finish(&mut sink);
        prop_assert_eq!(got.len(), nodes.len());
        for (i, _) in nodes.iter().enumerate() {
            let mut expected = own(i);
            for (j, (parent, _)) in nodes.iter().enumerate() {
                if *parent == Some(i) {
                    let child = &got[&i64::try_from(j + 1).unwrap_or(0)];
                    expected.0.add(&child.0);
                    expected.1.add(&child.1);
                }
            }
            let sub = &got[&i64::try_from(i + 1).unwrap_or(0)];
            prop_assert_eq!(&sub.0, &expected.0);
            prop_assert_eq!(&sub.1, &expected.1);
            prop_assert!(sub.0.inconsistencies().is_empty());
        }
    }
}
