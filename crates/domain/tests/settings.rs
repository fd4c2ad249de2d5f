//! Committee settings: dated, inherited down the tree, tighten-only for rule parameters, and the
//! rules they put in force (one version per window between changes).

use chrono::NaiveDate;
use domain::family::org_life::LOCAL_QUARTERLY_LESSON;
use domain::settings::{
    self, DUES_ROUNDING, SettingChange, SettingError, check_tightening, def, plain_value, rule_set_key, rules_for,
    value_on,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const COUNTY: &str = "/1/";
const TOWN: &str = "/1/2/";
const SCHOOL: &str = "/1/2/3/";

fn change(path: &str, key: &str, value: &str, from: NaiveDate, seq: i64) -> SettingChange {
    let name = match path {
        COUNTY => "县委教育工委",
        TOWN => "镇中心校党总支",
        _ => "某校党支部",
    };
    SettingChange {
        org_id: seq,
        org_path: path.into(),
        org_name: name.into(),
        key: key.into(),
        value: value.into(),
        from,
        seq,
    }
}

fn refs(changes: &[SettingChange]) -> Vec<&SettingChange> {
    changes.iter().collect()
}

#[test]
fn mtg_assembly_setting_applies_from_its_date_and_earlier_periods_keep_the_national_rule() {
    let changes = [change(COUNTY, "MTG-ASSEMBLY.min_count", "2", d(2026, 7, 1), 1)];
    let rules = rules_for(&refs(&changes), SCHOOL).unwrap();
    let versions: Vec<_> = rules.org_life.rules().iter().filter(|r| r.id == "MTG-ASSEMBLY").collect();
    assert_eq!(versions.len(), 2);
    assert_eq!((versions[0].from, versions[0].until), (None, Some(d(2026, 7, 1))));
    assert_eq!((versions[1].from, versions[1].until), (Some(d(2026, 7, 1)), None));
    // The day before, the national version; the day itself and after, the committee's.
    assert!(versions[0].in_force_on(d(2026, 6, 30)) && !versions[1].in_force_on(d(2026, 6, 30)));
    assert!(versions[1].in_force_on(d(2026, 7, 1)) && !versions[0].in_force_on(d(2026, 7, 1)));
    assert_eq!(versions[1].source.label(), "县委教育工委设定（2026年7月1日起）");
    // Unchanged rules stay one version.
    assert_eq!(rules.org_life.rules().iter().filter(|r| r.id == "MTG-THEME-DAY").count(), 1);
    // The catalogue marks the committee's version as tightened.
    let info = rules.info("MTG-ASSEMBLY").unwrap();
    assert!(info.tightened());
    assert!(info.params_label().contains("最少次数=2"), "{}", info.params_label());
}

#[test]
fn settings_are_inherited_and_the_strictest_parameter_wins() {
    let a = change(COUNTY, "MTG-TALK.min_count", "2", d(2026, 1, 1), 1);
    let b = change(TOWN, "MTG-TALK.min_count", "3", d(2026, 3, 1), 2);
    let c = change(COUNTY, "MTG-TALK.min_count", "4", d(2026, 6, 1), 3);
    let changes = [a, b, c];
    let all = refs(&changes);
    let def = def("MTG-TALK.min_count").unwrap();
    let at = |path: &str, day| value_on(&def, &all, path, day).map(|c| c.value.clone());
    assert_eq!(at(SCHOOL, d(2025, 12, 31)), None, "before any change: the national default");
    assert_eq!(at(SCHOOL, d(2026, 1, 1)).as_deref(), Some("2"));
    assert_eq!(at(SCHOOL, d(2026, 3, 1)).as_deref(), Some("3"), "the town is stricter");
    assert_eq!(at(SCHOOL, d(2026, 6, 1)).as_deref(), Some("4"), "the county's later, stricter value");
    // Orgs outside the subtree are not reached.
    assert!(settings::reaching(&changes, "/9/").is_empty());
    // A plain setting: the nearest value wins, whatever it is.
    let plain =
        [change(COUNTY, DUES_ROUNDING, "yuan", d(2026, 1, 1), 1), change(TOWN, DUES_ROUNDING, "fen", d(2026, 2, 1), 2)];
    let plain_refs = refs(&plain);
    assert_eq!(plain_value(DUES_ROUNDING, &plain_refs, SCHOOL, d(2026, 1, 15)).as_deref(), Some("yuan"));
    assert_eq!(plain_value(DUES_ROUNDING, &plain_refs, SCHOOL, d(2026, 2, 1)).as_deref(), Some("fen"));
    assert_eq!(plain_value(DUES_ROUNDING, &[], SCHOOL, d(2026, 2, 1)).as_deref(), Some("fen"), "default");
}

#[test]
fn a_parameter_may_not_loosen_the_national_rule_or_one_set_above() {
    let talk = def("MTG-TALK.min_count").unwrap();
    // Below the national one a year: refused, naming MTG-TALK and its citation.
    match check_tightening(&talk, "0", &[], COUNTY, d(2026, 1, 1)) {
        Err(SettingError::Loosens { rule_id, citation, message }) => {
            assert_eq!(rule_id, "MTG-TALK");
            assert!(citation.contains("第十九条"), "{citation}");
            assert!(message.contains("不得放宽MTG-TALK"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Above it: fine; equal to it: fine.
    assert!(check_tightening(&talk, "1", &[], COUNTY, d(2026, 1, 1)).is_ok());
    // The town may not go below the county's 3.
    let changes = [change(COUNTY, "MTG-TALK.min_count", "3", d(2026, 1, 1), 1)];
    let all = refs(&changes);
    assert!(matches!(
        check_tightening(&talk, "2", &all, TOWN, d(2026, 2, 1)),
        Err(SettingError::Loosens { rule_id: "MTG-TALK", .. })
    ));
    assert!(check_tightening(&talk, "3", &all, TOWN, d(2026, 2, 1)).is_ok());
    // Before the county's date the national value is what it inherits.
    assert!(check_tightening(&talk, "2", &all, TOWN, d(2025, 12, 1)).is_ok());
    // ORG-BRANCH-MIN's ceiling may only go down.
    let ceiling = def("ORG-BRANCH-MIN.max_members").unwrap();
    assert!(matches!(
        check_tightening(&ceiling, "60", &[], COUNTY, d(2026, 1, 1)),
        Err(SettingError::Loosens { rule_id: "ORG-BRANCH-MIN", .. })
    ));
    assert!(check_tightening(&ceiling, "40", &[], COUNTY, d(2026, 1, 1)).is_ok());
    // Out of the setting's range without loosening: a plain invalid value.
    assert!(matches!(check_tightening(&talk, "13", &[], COUNTY, d(2026, 1, 1)), Err(SettingError::Invalid(_))));
}

#[test]
fn a_local_rule_set_switched_on_above_may_not_be_switched_off_below() {
    let key = rule_set_key(LOCAL_QUARTERLY_LESSON);
    let def = def(key).unwrap();
    let changes = [change(COUNTY, key, "on", d(2026, 4, 1), 1)];
    let all = refs(&changes);
    match check_tightening(&def, "off", &all, TOWN, d(2026, 5, 1)) {
        Err(SettingError::Loosens { rule_id, message, .. }) => {
            assert_eq!(rule_id, "LOCAL-LESSON-QUARTER");
            assert!(message.contains("县委教育工委"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // The county itself may switch it off, from a later date; the quarters before keep it.
    let changes = [change(COUNTY, key, "on", d(2026, 4, 1), 1), change(COUNTY, key, "off", d(2026, 10, 1), 2)];
    let rules = rules_for(&refs(&changes), SCHOOL).unwrap();
    let lesson: Vec<_> = rules.org_life.rules().iter().filter(|r| r.id == "LOCAL-LESSON-QUARTER").collect();
    assert_eq!(lesson.len(), 1);
    assert_eq!((lesson[0].from, lesson[0].until), (Some(d(2026, 4, 1)), Some(d(2026, 10, 1))));
    // An unknown value is refused before anything else.
    assert!(matches!(check_tightening(&def, "maybe", &[], COUNTY, d(2026, 1, 1)), Err(SettingError::Invalid(_))));
}

#[test]
fn every_parameter_setting_names_a_rule_that_has_the_parameter() {
    let national = domain::family::Rules::national();
    for def in settings::catalogue() {
        match def.effect {
            settings::Effect::Param { rule_id, param } => {
                // A national rule's, or a local rule set's (IDEOLOGY-RESP): the default is the rule's.
                let params = match national.info(rule_id) {
                    Some(info) => info.params,
                    None => {
                        use domain::rules::RuleCheck;
                        let family = domain::family::org_life::LOCAL_RULE_SETS;
                        family
                            .iter()
                            .flat_map(|(name, _)| domain::family::org_life::local_rule_set(name).unwrap_or_default())
                            .find(|r| r.id == rule_id)
                            .map(|r| r.check.params())
                            .unwrap_or_else(|| panic!("{} names no rule", def.key))
                    }
                };
                assert!(params.iter().any(|p| p.name == param), "{}: {rule_id} has no {param}", def.key);
                let default = params.iter().find(|p| p.name == param).unwrap().value.clone();
                assert_eq!(default, def.default, "{}: the default is the rule's value", def.key);
            }
            settings::Effect::RuleSet { family, name } => {
                let known = match family {
                    "org_life" => domain::family::org_life::local_rule_set(name).is_some(),
                    "recruitment" => domain::family::recruitment::local_rule_set(name).is_some(),
                    "study" => domain::family::study::local_rule_set(name).is_some(),
                    _ => false,
                };
                assert!(known, "{}", def.key)
            }
            settings::Effect::Plain => assert!(settings::check_value(&def, def.default).is_ok(), "{}", def.key),
        }
    }
}
