//! The organizational-life ledger (组织生活台账) of one org and year, entirely from the records:
//! the meetings with attendance, votes and ratings, the talks, the year's compliance with each
//! requirement and the findings (with any explanation), as .xlsx or PDF.

use crate::org_life::{MeetingView, attendees, minutes_text};
use crate::{Entry, Result, ServiceError, Services};
use chrono::NaiveDate;
use domain::compliance::RequirementStatus;
use domain::dates::Iso;
use domain::family::Rules;
use domain::org_life::{Attendance, MeetingKind, Votes, quorum_statement, voter_count};
use domain::scope::Actor;
use reports::ledger::{
    Absentee, AppraisalLine, ComplianceLine, FindingLine, LedgerDoc, LedgerMeeting, Resolution, TalkLine,
};
use std::collections::HashMap;
use storage::meeting;

/// The file format of a ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerFormat {
    Xlsx,
    Pdf,
}

/// A generated ledger file.
#[derive(Debug, Clone)]
pub struct LedgerFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The year's compliance per rule, from the requirement-periods of the check
/// (`domain::compliance`, derived from the findings, so the ledger never disagrees with them):
/// meetings required and held (each period's held capped at what it requires), met when no
/// period was missed, and the missed periods.
pub fn compliance_lines(rules: &Rules, statuses: &[RequirementStatus]) -> Vec<ComplianceLine> {
    let mut seen = std::collections::HashSet::new();
    rules
        .catalogue()
        .into_iter()
        .filter(|rule| seen.insert(rule.id))
        .filter_map(|rule| {
            let mine: Vec<&RequirementStatus> = statuses.iter().filter(|s| s.rule_id == rule.id).collect();
            if mine.is_empty() {
                return None;
            }
            let missed: Vec<String> = mine.iter().filter(|s| !s.met).map(|s| s.period.label()).collect();
            Some(ComplianceLine {
                rule_id: rule.id.to_string(),
                requirement: rule.title.to_string(),
                citation: rule.citation.to_string(),
                required: mine.iter().map(|s| s.required).sum(),
                held: mine.iter().map(|s| s.held.min(s.required)).sum(),
                met: missed.is_empty(),
                missed_periods: missed.join("、"),
            })
        })
        .collect()
}

impl Services {
    /// The ledger's data for an org and year, as of a date.
    pub async fn ledger_doc(&self, actor: &Actor, org_id: i64, year: i32, as_of: NaiveDate) -> Result<LedgerDoc> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        let ancestors = storage::org::by_ids(&self.db, &domain::scope::Scope::everything(), &path.ids()).await?;
        let names: HashMap<i64, String> = ancestors.into_iter().map(|o| (o.id, o.name)).collect();
        let path_names =
            path.ids().iter().map(|id| names.get(id).cloned().unwrap_or_default()).collect::<Vec<_>>().join("/");
        let views = self.meetings_of(actor, org_id, year).await?;
        let ids: Vec<i64> = views.iter().map(|v| v.meeting.id).collect();
        let mut resolutions: HashMap<i64, Vec<meeting::ResolutionRow>> = HashMap::new();
        for r in meeting::resolutions(&self.db, &actor.scope(), &ids).await? {
            resolutions.entry(r.meeting_id).or_default().push(r);
        }
        let mut files: HashMap<i64, Vec<String>> = HashMap::new();
        for a in meeting::attachments(&self.db, &actor.scope(), &ids).await? {
            files.entry(a.meeting_id).or_default().push(a.file_name);
        }
        let ratings = meeting::ratings(&self.db, &actor.scope(), &ids).await?;
        // A corrected record says so in the ledger, with when, by whom and why; a correction made
        // after the ledger was last exported is flagged, so the new copy is not silently different.
        let last_export = meeting::last_ledger_export(&self.db, &actor.scope(), org_id, year).await?;
        let mut corrected: HashMap<i64, Vec<String>> = HashMap::new();
        for c in meeting::corrections(&self.db, &actor.scope(), &ids).await? {
            let mut note = correction_note(&c);
            if last_export.is_some_and(|at| c.created_at > at) {
                note.push_str(SINCE_EXPORT);
            }
            corrected.entry(c.meeting_id).or_default().push(note);
        }
        // Names of hosts, recorders, lecturers and talk partners (whoever they are: the ledger
        // names them as recorded).
        let mut people: Vec<i64> = views
            .iter()
            .flat_map(|v| {
                let m = &v.meeting;
                [m.host_member_id, m.recorder_member_id, m.lecturer_member_id, m.partner_member_id]
            })
            .flatten()
            .collect();
        people.sort_unstable();
        people.dedup();
        let rows = storage::roster::rows_by_ids(&self.db, &domain::scope::Scope::everything(), &people).await?;
        let name: HashMap<i64, String> = rows.into_iter().map(|m| (m.id, m.name)).collect();
        let name_of = |id: Option<i64>| id.and_then(|i| name.get(&i).cloned()).unwrap_or_default();

        let mut meetings = Vec::new();
        let mut talks = Vec::new();
        // Oldest first, as in a record book.
        for v in views.iter().rev() {
            let m = &v.meeting;
            if m.kind == MeetingKind::Talk {
                talks.push(TalkLine {
                    held_on: m.held_on.to_string(),
                    place: m.place.clone(),
                    talker: name_of(m.host_member_id),
                    talkee: name_of(m.partner_member_id),
                    reason: m.talk_reason.clone().unwrap_or_default(),
                    summary: format!("{}\n{}", m.topic, minutes_text(&m.minutes)).trim().to_string(),
                });
                continue;
            }
            let mut line =
                ledger_meeting(v, resolutions.remove(&m.id).unwrap_or_default(), files.remove(&m.id), &name_of)?;
            line.corrections = corrected.remove(&m.id).unwrap_or_default().join("；");
            meetings.push(line);
        }
        let appraisals = ratings
            .into_iter()
            .map(|r| AppraisalLine { member_name: r.member_name, rating_label: r.rating.label().to_string() })
            .collect();
        let (findings, statuses) = self.check_org(&org, year, as_of).await?;
        let findings = self.name_members(actor, findings).await?;
        let explanations = meeting::explanations(&self.db, &actor.scope(), org.id).await?;
        let compliance = compliance_lines(&self.rules_for(&org.path).await?, &statuses);
        let findings = findings
            .iter()
            .map(|f| {
                let start = f.period.as_ref().map(|p| p.start().iso()).unwrap_or_default();
                FindingLine {
                    rule_id: f.rule_id.to_string(),
                    severity_label: f.severity.label().to_string(),
                    period: f.period.as_ref().map(|p| p.label()).unwrap_or_default(),
                    message: f.message.clone(),
                    citation: f.citation.to_string(),
                    explanation: explanations
                        .iter()
                        .rev()
                        .find(|e| crate::findings::explains(e, f, &start))
                        .map(|e| e.reason.clone()),
                }
            })
            .collect();
        Ok(LedgerDoc {
            org_name: org.name.clone(),
            org_path_names: path_names,
            year,
            as_of: as_of.iso(),
            generated_by: actor.username.clone(),
            meetings,
            appraisals,
            talks,
            compliance,
            findings,
        })
    }

    /// The ledger as a file; audited like every export.
    pub async fn ledger(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        as_of: NaiveDate,
        format: LedgerFormat,
    ) -> Result<LedgerFile> {
        let doc = self.ledger_doc(actor, org_id, year, as_of).await?;
        let file_name = format!("{}{}年组织生活台账", doc.org_name, year);
        let (bytes, file_name, content_type) = match format {
            LedgerFormat::Xlsx => {
                (blocking(move || reports::ledger::write_xlsx(&doc)).await?, format!("{file_name}.xlsx"), XLSX)
            }
            LedgerFormat::Pdf => {
                let font_path = self.font_path.clone();
                let bytes = blocking(move || {
                    let font = reports::find_cjk_font(font_path.as_deref())?;
                    reports::ledger::write_pdf(&doc, &font)
                })
                .await?;
                (bytes, format!("{file_name}.pdf"), "application/pdf")
            }
        };
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let mut tx = self.db.begin().await?;
        meeting::record_ledger_export(&mut tx, org.id, &org.path, year, actor.account_id).await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "ledger.export",
                entity: "org",
                entity_id: Some(org.id),
                org_path: Some(org.path.clone()),
                before: None,
                after: Some(serde_json::json!({ "year": year, "as_of": as_of, "file": file_name })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(LedgerFile { file_name, content_type, bytes })
    }
}

/// The mark of a correction made after the ledger was last exported.
pub const SINCE_EXPORT: &str = "（上次导出台账后更正）";

/// "2026-11-20 张三更正：出席人数录错".
pub fn correction_note(c: &meeting::CorrectionRow) -> String {
    let at = domain::dates::format_instant_cn(c.created_at);
    let day = at.split(' ').next().unwrap_or_default();
    format!("{day} {}更正：{}", c.account_name.as_deref().unwrap_or("—"), c.reason)
}

fn ledger_meeting(
    v: &MeetingView,
    resolutions: Vec<meeting::ResolutionRow>,
    files: Option<Vec<String>>,
    name_of: &dyn Fn(Option<i64>) -> String,
) -> Result<LedgerMeeting> {
    let m = &v.meeting;
    let count = |a: Attendance| v.attendance.iter().filter(|x| x.attendance == a).count() as u32;
    let voters = voter_count(&attendees(&v.attendance)?);
    let n = |x: i64| u32::try_from(x).unwrap_or(0);
    Ok(LedgerMeeting {
        kind_label: m.kind.label().to_string(),
        held_on: m.held_on.to_string(),
        start_time: m.start_time.clone().unwrap_or_default(),
        place: m.place.clone(),
        topic: m.topic.clone(),
        host: name_of(m.host_member_id),
        recorder: name_of(m.recorder_member_id),
        // A 思政课 by the principal (SZK-LECTURE), who need not be in the register.
        lecturer: match (name_of(m.lecturer_member_id), m.by_principal) {
            (n, true) if n.is_empty() => "校长".to_string(),
            (n, true) => format!("{n}（校长）"),
            (n, false) => n,
        },
        first_agenda_item: m.first_agenda_item.clone().unwrap_or_default(),
        expected: v.attendance.len() as u32,
        present: count(Attendance::Present),
        excused: count(Attendance::Excused),
        absent: count(Attendance::Absent),
        voting_expected: voters.expected,
        voting_present: voters.present,
        absentees: v
            .attendance
            .iter()
            .filter(|a| a.attendance != Attendance::Present)
            .map(|a| Absentee {
                name: a.member_name.clone(),
                attendance_label: a.attendance.label().to_string(),
                reason: a.reason.clone().unwrap_or_default(),
            })
            .collect(),
        attendees: v
            .attendance
            .iter()
            .filter(|a| a.attendance == Attendance::Present)
            .map(|a| a.member_name.clone())
            .collect(),
        minutes_text: minutes_text(&m.minutes),
        resolutions: resolutions
            .into_iter()
            .map(|r| {
                let votes = Votes {
                    voters_expected: n(r.voters_expected),
                    voters_present: n(r.voters_present),
                    yes: n(r.yes),
                    no: n(r.no),
                    abstain: n(r.abstain),
                };
                Resolution {
                    text: r.text,
                    voters_present: votes.voters_present,
                    yes: votes.yes,
                    no: votes.no,
                    abstain: votes.abstain,
                    passed: votes.passed(),
                }
            })
            .collect(),
        attachments: files.unwrap_or_default(),
        quorum_note: quorum_statement(m.kind, voters).unwrap_or_default(),
        corrections: String::new(),
    })
}

/// The content type of an xlsx file.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Runs a report writer off the async threads. A missing or unusable font is a conflict the
/// operator can fix (the message says how), never an internal error.
pub(crate) async fn blocking<F>(f: F) -> Result<Vec<u8>>
where
    F: FnOnce() -> std::result::Result<Vec<u8>, reports::ReportError> + Send + 'static,
{
    tokio::task::spawn_blocking(f).await.map_err(|e| ServiceError::Internal(e.to_string()))?.map_err(|e| match e {
        reports::ReportError::FontMissing { .. }
        | reports::ReportError::FontUnreadable { .. }
        | reports::ReportError::NotCjkFont { .. } => ServiceError::Conflict(e.to_string()),
        other => ServiceError::Internal(other.to_string()),
    })
}

impl Services {
    /// A table document as a file named `name` (without extension).
    pub(crate) async fn table_file(
        &self,
        doc: reports::table_doc::TableDoc,
        name: &str,
        format: LedgerFormat,
    ) -> Result<LedgerFile> {
        Ok(match format {
            LedgerFormat::Xlsx => LedgerFile {
                bytes: blocking(move || reports::table_doc::write_xlsx(&doc)).await?,
                file_name: format!("{name}.xlsx"),
                content_type: XLSX,
            },
            LedgerFormat::Pdf => {
                let font_path = self.font_path.clone();
                let bytes = blocking(move || {
                    let font = reports::find_cjk_font(font_path.as_deref())?;
                    reports::table_doc::write_pdf(&doc, &font)
                })
                .await?;
                LedgerFile { bytes, file_name: format!("{name}.pdf"), content_type: "application/pdf" }
            }
        })
    }

    /// An org's register as an .xlsx or PDF ledger, with the audit entry `action` recording the
    /// export (and `extra` fields, such as the year): what every register's download does.
    pub(crate) async fn exported_table_file(
        &self,
        actor: &domain::scope::Actor,
        org_id: i64,
        doc: reports::table_doc::TableDoc,
        format: LedgerFormat,
        action: &'static str,
        mut extra: serde_json::Map<String, serde_json::Value>,
    ) -> Result<LedgerFile> {
        let name = doc.title.clone();
        let file = self.table_file(doc, &name, format).await?;
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(crate::ServiceError::NotFound)?;
        extra.insert("file".into(), file.file_name.clone().into());
        let mut tx = self.db.begin().await?;
        let entry = crate::Entry {
            action,
            entity: "org",
            entity_id: Some(org_id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(serde_json::Value::Object(extra)),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(file)
    }
}
