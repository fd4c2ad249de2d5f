//! Fix links: a finding names a page and its parameters (domain::findings::pages); this maps
//! each page to its address here.

use domain::findings::{FixLink, pages};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// A query or path component: everything but letters, digits, '-', '_' and '.' is encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// The address of a fix link's page, or `None` when a parameter it needs is missing.
pub fn href(fix: &FixLink) -> Option<String> {
    let p = |name: &str| fix.get(name).filter(|v| !v.is_empty());
    let enc = |v: &str| utf8_percent_encode(v, COMPONENT).to_string();
    match fix.page {
        pages::NEW_MEETING => {
            let mut href = format!("/orgs/{}/meetings/new?kind={}", enc(p("org")?), enc(p("kind")?));
            if let Some(d) = p("date") {
                href.push_str(&format!("&date={}", enc(d)));
            }
            Some(href)
        }
        pages::MEETING => Some(format!("/meetings/{}", enc(p("id")?))),
        pages::ORG_EDIT => Some(format!("/orgs/{}/edit", enc(p("org")?))),
        pages::ORG_POSTS => Some(format!("/orgs/{}#posts", enc(p("org")?))),
        pages::MEMBER => Some(format!("/members/{}", enc(p("id")?))),
        pages::DUES_MEMBER => Some(format!("/members/{}/dues", enc(p("id")?))),
        pages::DUES_PUBLISH => Some(format!("/orgs/{}/dues/publish?year={}", enc(p("org")?), enc(p("year")?))),
        pages::TRANSFER => Some(format!("/transfers/{}", enc(p("id")?))),
        pages::MEMBER_DECISION => Some(match p("kind") {
            Some(kind) => format!("/members/{}/decisions?kind={}", enc(p("id")?), enc(kind)),
            None => format!("/members/{}/decisions", enc(p("id")?)),
        }),
        pages::MEMBER_CONTACTS => Some(format!("/members/{}/contacts", enc(p("id")?))),
        pages::MEMBER_TRANSFER => Some(format!("/members/{}/transfer", enc(p("id")?))),
        pages::RECRUIT => Some(format!("/recruits/{}", enc(p("id")?))),
        pages::MAJOR_MATTER_REPORT => Some(format!("/reports/{}", enc(p("id")?))),
        pages::UNIT => Some(format!("/units/{}", enc(p("id")?))),
        pages::MEMBER_HOURS => Some(match p("year") {
            Some(year) => format!("/members/{}/hours?year={}", enc(p("id")?), enc(year)),
            None => format!("/members/{}/hours", enc(p("id")?)),
        }),
        _ => None,
    }
}

/// A finding as a list shows it (the home page's to-do list, a subtree's findings): the org that
/// must act, the rule in words with its ID, the message, the deadline and the fix link.
pub struct FindingLine {
    pub org_id: i64,
    pub org_name: String,
    pub rule_id: &'static str,
    pub title: &'static str,
    pub severity: &'static str,
    pub severity_label: &'static str,
    pub message: String,
    /// "2026年12月31日", or empty when the finding has no deadline.
    pub due: String,
    /// Empty when the finding has no fix link (or its page lacks a parameter).
    pub fix_href: String,
    pub fix_label: String,
}

impl FindingLine {
    pub fn of(f: &domain::findings::Finding, org_name: &str) -> FindingLine {
        FindingLine {
            org_id: f.org_id,
            org_name: org_name.to_string(),
            rule_id: f.rule_id,
            title: f.title,
            severity: f.severity.as_str(),
            severity_label: f.severity.label(),
            message: f.message.clone(),
            due: f.due.map(domain::dates::format_cn).unwrap_or_default(),
            fix_href: f.fix.as_ref().and_then(href).unwrap_or_default(),
            fix_label: f.fix.as_ref().map(|x| x.label.clone()).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_a_finding_may_name_has_an_address() {
        for page in pages::ALL {
            let fix =
                FixLink::to("x", page).param("org", 1).param("id", 2).param("kind", "themed_day").param("year", 2026);
            assert!(href(&fix).is_some(), "{page}");
        }
    }

    #[test]
    fn a_new_meeting_link_carries_kind_and_date() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 3, 1);
        let fix = FixLink::new_meeting("补录3月支委会", 7, "committee_meeting", d);
        assert_eq!(href(&fix).as_deref(), Some("/orgs/7/meetings/new?kind=committee_meeting&date=2026-03-01"));
    }
}
