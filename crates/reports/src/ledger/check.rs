//! The consistency checks of a ledger's meeting records (forms.md §3 "Checks worth
//! automating"): what an inspector finds by adding up the record book.

use domain::org_life::motion_passes;
use serde::Serialize;

use super::{LedgerDoc, LedgerMeeting};

/// Something in a meeting record that does not add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsistencyIssue {
    /// The meeting's date, `YYYY-MM-DD`.
    pub held_on: String,
    /// The meeting's kind label.
    pub kind_label: String,
    /// The meeting as named in messages: "2025-03-05 支部党员大会".
    pub meeting: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// The consistency issues of all meetings, in meeting order:
/// - 实到 ≤ 应到;
/// - 应到 = 实到 + 请假 + 缺席;
/// - the listed absentees number 应到 − 实到;
/// - 有表决权实到 ≤ 有表决权应到;
/// - for each resolution: 赞成 + 反对 + 弃权 ≤ voters present, voters present ≤ 有表决权应到,
///   and "passed" agrees with MTG-ASSEMBLY's majority (赞成 more than half of 有表决权应到, see
///   [`domain::org_life::motion_passes`]);
/// - a topic is recorded.
pub fn check(doc: &LedgerDoc) -> Vec<ConsistencyIssue> {
    doc.meetings.iter().flat_map(check_meeting).collect()
}

fn check_meeting(m: &LedgerMeeting) -> Vec<ConsistencyIssue> {
    let mut messages = Vec::new();
    if m.topic.trim().is_empty() {
        messages.push("未填写会议主题".to_string());
    }
    if m.present > m.expected {
        messages.push(format!("实到人数（{}人）超过应到人数（{}人）", m.present, m.expected));
    }
    let accounted = u64::from(m.present) + u64::from(m.excused) + u64::from(m.absent);
    if accounted != u64::from(m.expected) {
        messages.push(format!(
            "应到人数（{}人）不等于实到（{}人）、请假（{}人）、缺席（{}人）之和（{}人）",
            m.expected, m.present, m.excused, m.absent, accounted
        ));
    }
    if m.present <= m.expected {
        let missing = m.expected - m.present;
        let listed = m.absentees.len();
        if listed != missing as usize {
            messages.push(format!(
                "列出的请假、缺席人员（{listed}人）与应到减实到（{missing}人）不符，请补全缺席人员及原因"
            ));
        }
    }
    if m.voting_present > m.voting_expected {
        messages.push(format!(
            "有表决权的实到人数（{}人）超过有表决权的应到人数（{}人）",
            m.voting_present, m.voting_expected
        ));
    }
    for (i, r) in m.resolutions.iter().enumerate() {
        let which = format!("第{}项决议“{}”", i + 1, short(&r.text));
        let votes = u64::from(r.yes) + u64::from(r.no) + u64::from(r.abstain);
        if votes > u64::from(r.voters_present) {
            messages.push(format!(
                "{which}的赞成、反对、弃权票合计（{votes}票）超过到会有表决权人数（{}人）",
                r.voters_present
            ));
        }
        if r.voters_present > m.voting_expected {
            messages.push(format!(
                "{which}的到会有表决权人数（{}人）超过有表决权的应到人数（{}人）",
                r.voters_present, m.voting_expected
            ));
        }
        let majority = motion_passes(m.voting_expected, r.yes);
        if r.passed && !majority {
            if m.voting_expected == 0 {
                messages.push(format!("{which}记为通过，但未填写有表决权的应到人数"));
            } else {
                messages.push(format!(
                    "{which}记为通过，但赞成票（{}票）未超过有表决权应到人数（{}人）的半数",
                    r.yes, m.voting_expected
                ));
            }
        } else if !r.passed && majority {
            messages.push(format!(
                "{which}记为未通过，但赞成票（{}票）已超过有表决权应到人数（{}人）的半数",
                r.yes, m.voting_expected
            ));
        }
    }
    messages
        .into_iter()
        .map(|message| ConsistencyIssue {
            held_on: m.held_on.clone(),
            kind_label: m.kind_label.clone(),
            meeting: m.name(),
            message,
        })
        .collect()
}

/// A resolution's text cut to 20 characters for messages.
fn short(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= 20 { text.to_string() } else { text.chars().take(19).collect::<String>() + "…" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Absentee, Resolution};

    /// A consistent branch assembly: 12 expected, 10 present, 1 on leave, 1 absent, both listed.
    fn meeting() -> LedgerMeeting {
        LedgerMeeting {
            kind_label: "支部党员大会".into(),
            held_on: "2025-03-05".into(),
            topic: "学习贯彻全会精神".into(),
            expected: 12,
            present: 10,
            excused: 1,
            absent: 1,
            voting_expected: 12,
            voting_present: 10,
            absentees: vec![
                Absentee { name: "张三".into(), attendance_label: "请假".into(), reason: "出差".into() },
                Absentee { name: "李四".into(), attendance_label: "缺席".into(), reason: String::new() },
            ],
            resolutions: vec![Resolution {
                text: "同意接收王五为预备党员".into(),
                voters_present: 10,
                yes: 9,
                no: 0,
                abstain: 1,
                passed: true,
            }],
            ..Default::default()
        }
    }

    fn issues(m: LedgerMeeting) -> Vec<String> {
        let doc = LedgerDoc { meetings: vec![m], ..Default::default() };
        check(&doc).into_iter().map(|i| i.message).collect()
    }

    #[test]
    fn a_consistent_record_has_no_issues() {
        assert_eq!(issues(meeting()), Vec::<String>::new());
    }

    #[test]
    fn everyone_present_is_fine() {
        let m = LedgerMeeting { present: 12, excused: 0, absent: 0, absentees: vec![], ..meeting() };
        assert_eq!(issues(m), Vec::<String>::new());
    }

    #[test]
    fn more_present_than_expected_is_an_issue() {
        let m = LedgerMeeting { present: 13, excused: 0, absent: 0, absentees: vec![], ..meeting() };
        let found = issues(m);
        assert!(found.iter().any(|i| i == "实到人数（13人）超过应到人数（12人）"), "{found:?}");
        assert!(found.iter().any(|i| i.starts_with("应到人数（12人）不等于")), "{found:?}");
    }

    #[test]
    fn expected_must_add_up() {
        let found = issues(LedgerMeeting { absent: 0, ..meeting() });
        assert_eq!(found, vec!["应到人数（12人）不等于实到（10人）、请假（1人）、缺席（0人）之和（11人）"]);
    }

    #[test]
    fn absentees_must_be_listed() {
        let mut m = meeting();
        m.absentees.pop();
        let found = issues(m);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("列出的请假、缺席人员（1人）与应到减实到（2人）不符"), "{found:?}");
    }

    #[test]
    fn votes_may_not_exceed_voters_present() {
        let mut m = meeting();
        m.resolutions[0].no = 1; // 9 + 1 + 1 = 11 > 10
        let found = issues(m);
        assert_eq!(
            found,
            vec!["第1项决议“同意接收王五为预备党员”的赞成、反对、弃权票合计（11票）超过到会有表决权人数（10人）"]
        );
        let mut m = meeting();
        m.resolutions[0].yes = 8;
        m.resolutions[0].no = 1; // exactly 10: fine
        assert_eq!(issues(m), Vec::<String>::new());
    }

    #[test]
    fn voters_present_may_not_exceed_voting_expected() {
        let mut m = meeting();
        m.resolutions[0].voters_present = 13;
        let found = issues(m);
        assert!(
            found.iter().any(|i| i.ends_with("的到会有表决权人数（13人）超过有表决权的应到人数（12人）")),
            "{found:?}"
        );
        let mut m = meeting();
        m.resolutions[0].voters_present = 12;
        assert_eq!(issues(m), Vec::<String>::new());
        let found = issues(LedgerMeeting { voting_present: 13, ..meeting() });
        assert_eq!(found, vec!["有表决权的实到人数（13人）超过有表决权的应到人数（12人）"]);
    }

    #[test]
    fn passed_must_agree_with_a_majority_of_those_expected() {
        // 12 expected: 7 yes is more than half, 6 is not.
        let mut m = meeting();
        m.resolutions[0].yes = 7;
        m.resolutions[0].abstain = 3;
        assert_eq!(issues(m), Vec::<String>::new());
        let mut m = meeting();
        m.resolutions[0].yes = 6;
        m.resolutions[0].abstain = 4;
        let found = issues(m);
        assert_eq!(found.len(), 1);
        assert!(found[0].ends_with("记为通过，但赞成票（6票）未超过有表决权应到人数（12人）的半数"), "{found:?}");
        let mut m = meeting();
        m.resolutions[0].passed = false;
        let found = issues(m);
        assert!(found[0].ends_with("记为未通过，但赞成票（9票）已超过有表决权应到人数（12人）的半数"), "{found:?}");
        let mut m = LedgerMeeting { voting_expected: 0, voting_present: 0, ..meeting() };
        m.resolutions[0].voters_present = 0;
        m.resolutions[0].yes = 0;
        m.resolutions[0].abstain = 0;
        assert_eq!(issues(m), vec!["第1项决议“同意接收王五为预备党员”记为通过，但未填写有表决权的应到人数"]);
    }

    #[test]
    fn a_meeting_needs_a_topic() {
        let found = issues(LedgerMeeting { topic: "  ".into(), ..meeting() });
        assert_eq!(found, vec!["未填写会议主题"]);
    }

    #[test]
    fn issues_name_their_meeting() {
        let doc = LedgerDoc {
            meetings: vec![
                meeting(),
                LedgerMeeting { topic: String::new(), held_on: "2025-04-01".into(), ..meeting() },
            ],
            ..Default::default()
        };
        let found = check(&doc);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].meeting, "2025-04-01 支部党员大会");
        assert_eq!(found[0].held_on, "2025-04-01");
        assert_eq!(found[0].kind_label, "支部党员大会");
    }

    #[test]
    fn long_resolutions_are_cut_in_messages() {
        assert_eq!(short("一二三四五六七八九十一二三四五六七八九十"), "一二三四五六七八九十一二三四五六七八九十");
        assert_eq!(short("一二三四五六七八九十一二三四五六七八九十一"), "一二三四五六七八九十一二三四五六七八九…");
    }
}
