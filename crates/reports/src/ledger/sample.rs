//! Ledgers for the tests.

use super::*;

const NAMES: [&str; 12] =
    ["王一", "王二", "王三", "王四", "王五", "王六", "王七", "王八", "王九", "王十", "张三", "李四"];

/// A consistent meeting: 12 expected, 10 present, 张三 on leave, 李四 absent, one resolution.
pub(crate) fn meeting(i: usize) -> LedgerMeeting {
    let month = i % 12 + 1;
    let day = i / 12 % 28 + 1;
    LedgerMeeting {
        kind_label: ["支部党员大会", "支部委员会会议", "党小组会", "党课"][i % 4].into(),
        held_on: format!("2025-{month:02}-{day:02}"),
        start_time: "15:30".into(),
        place: "党员活动室".into(),
        topic: format!("第{}次会议：学习贯彻党的二十届三中全会精神", i + 1),
        host: "王一".into(),
        recorder: "王二".into(),
        lecturer: if i % 4 == 3 { "王一".into() } else { String::new() },
        first_agenda_item: "学习习近平总书记重要讲话精神".into(),
        expected: 12,
        present: 10,
        excused: 1,
        absent: 1,
        voting_expected: 12,
        voting_present: 10,
        absentees: vec![
            Absentee { name: "张三".into(), attendance_label: "请假".into(), reason: "外出培训".into() },
            Absentee { name: "李四".into(), attendance_label: "缺席".into(), reason: String::new() },
        ],
        attendees: NAMES[..10].iter().map(|s| s.to_string()).collect(),
        minutes_text: "一、传达学习上级文件精神。\n二、讨论本支部贯彻落实措施。\n三、各党员结合工作实际发言，\
                       表示要把学习成果转化为推动教育教学工作的实际成效。"
            .into(),
        resolutions: vec![Resolution {
            text: "通过本季度党员发展工作计划".into(),
            voters_present: 10,
            yes: 10,
            no: 0,
            abstain: 0,
            passed: true,
        }],
        attachments: vec!["签到表.jpg".into(), "会议照片.jpg".into()],
        quorum_note: "有表决权的党员应到12人，实到10人，超过半数".into(),
        corrections: "2026-03-10 zhibu_worker更正：缺席人员录错，应为李四请假".into(),
    }
}

/// A ledger with `meetings` consistent meetings (see [`meeting`]), ratings, talks, compliance
/// and findings.
pub(crate) fn sample_doc(meetings: usize) -> LedgerDoc {
    LedgerDoc {
        org_name: "高一年级党支部".into(),
        org_path_names: "教育局党委/第一中学党总支/高一年级党支部".into(),
        year: 2025,
        as_of: "2025-12-31".into(),
        generated_by: "王一".into(),
        meetings: (0..meetings).map(meeting).collect(),
        appraisals: NAMES
            .iter()
            .enumerate()
            .map(|(i, n)| AppraisalLine {
                member_name: n.to_string(),
                rating_label: ["优秀", "合格", "合格", "基本合格"][i % 4].into(),
            })
            .collect(),
        talks: (0..4)
            .map(|i| TalkLine {
                held_on: format!("2025-0{}-15", i + 1),
                place: "书记办公室".into(),
                talker: "王一".into(),
                talkee: NAMES[i + 1].into(),
                reason: "岗位变动".into(),
                summary: "了解思想和工作情况，提出改进建议。".into(),
            })
            .collect(),
        compliance: vec![
            ComplianceLine {
                rule_id: "MTG-COMMITTEE".into(),
                requirement: "支委会每月1次".into(),
                citation: "《中国共产党支部工作条例（试行）》第十二条".into(),
                required: 12,
                held: 11,
                met: false,
                missed_periods: "2月".into(),
            },
            ComplianceLine {
                rule_id: "MTG-ASSEMBLY".into(),
                requirement: "支部党员大会每季度1次".into(),
                citation: "《中国共产党支部工作条例（试行）》第十一条".into(),
                required: 4,
                held: 4,
                met: true,
                missed_periods: String::new(),
            },
        ],
        findings: vec![FindingLine {
            rule_id: "MTG-COMMITTEE".into(),
            severity_label: "一般".into(),
            period: "2025年2月".into(),
            message: "2月未召开支委会".into(),
            citation: "《中国共产党支部工作条例（试行）》第十二条".into(),
            explanation: Some("春节假期，已于3月补开".into()),
        }],
    }
}

/// Text that is markup in typst or a formula in Excel, to be shown literally.
pub(crate) const TYPST_INJECTION: &str =
    "#panic(\"x\") *bold* $math$ <lbl> @ref _em_ `raw` = 标题 \\ #set page(width: 1cm)";

/// A one-meeting ledger whose user text tries typst markup and spreadsheet formulas.
pub(crate) fn injection_doc() -> LedgerDoc {
    let mut doc = sample_doc(1);
    doc.org_path_names = "=1+1".into();
    let m = &mut doc.meetings[0];
    m.topic = "=HYPERLINK(\"http://example.org\",\"点我\")".into();
    m.place = "+1+2".into();
    m.host = "-3".into();
    m.recorder = "@SUM(A1)".into();
    m.minutes_text = format!("{TYPST_INJECTION}\n#import \"/etc/passwd\"\n#read(\"/data.json\")");
    doc.org_name = TYPST_INJECTION.into();
    doc.talks[0].summary = "]) #panic(\"y\") ([".into();
    doc
}
