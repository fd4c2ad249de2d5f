//! A member's timeline (issue: member lifecycle, pages): joining, confirmation, branches,
//! transfers, decisions on membership and discipline, and posts, newest first, from the records
//! the member page already reads.

use chrono::NaiveDate;
use services::decisions::DecisionRow;
use services::members::MemberDetail;
use services::transfers::TransferView;

use crate::view::cn_date;

/// One event.
pub(crate) struct Event {
    pub on: String,
    pub what: String,
    /// A page about it (a transfer, the decisions), or empty.
    pub href: String,
}

/// The events, newest first; events of one day keep the order of their kinds.
pub(crate) fn timeline(d: &MemberDetail, transfers: &[TransferView], decisions: &[DecisionRow]) -> Vec<Event> {
    let m = &d.member.row;
    let mut out: Vec<(NaiveDate, u8, String, String)> =
        vec![(m.joined_on, 0, "入党（预备党员）".into(), String::new())];
    if let Some(c) = m.confirmed_on {
        out.push((c, 1, "转为正式党员".into(), String::new()));
    }
    for s in d.spans.iter().filter(|s| s.kind == "branch") {
        out.push((s.start_on, 2, format!("编入{}", s.org_name), String::new()));
        if let Some(end) = s.end_on {
            out.push((end, 2, format!("离开{}", s.org_name), String::new()));
        }
    }
    for t in transfers {
        let r = &t.row;
        let href = format!("/transfers/{}", r.id);
        out.push((r.issued_on, 3, format!("{}：{} → {}", r.kind.label(), r.from_name, r.to_name), href.clone()));
        if let Some(on) = r.settled_on {
            out.push((on, 3, format!("组织关系转接{}", r.state.label(r.kind)), href));
        }
    }
    let decisions_page = format!("/members/{}/decisions", m.id);
    for x in decisions {
        let doc = if x.document_no.is_empty() { String::new() } else { format!("（{}）", x.document_no) };
        let what = if x.kind.is_sanction() { "纪律处分" } else { "党籍处置" };
        out.push((x.decided_on, 4, format!("{what}：{}{doc}", x.kind.label()), decisions_page.clone()));
        if let Some(on) = x.restored_on {
            out.push((on, 4, "恢复党员权利".into(), decisions_page.clone()));
        }
    }
    for p in &d.posts {
        out.push((p.start_on, 5, format!("任{}{}", p.org_name, p.post.label()), String::new()));
        if let Some(end) = p.end_on {
            out.push((end, 5, format!("卸任{}{}", p.org_name, p.post.label()), String::new()));
        }
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    out.into_iter().map(|(on, _, what, href)| Event { on: cn_date(&on), what, href }).collect()
}
