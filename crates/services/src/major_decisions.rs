//! 三重一大 (SANZHONG-YIDA): the register of matters an org's committee decided collectively.
//! Each matter cites the committee meeting that decided it; the rule is kept when it is written
//! ([`domain::major_decision::check`]), and the register marks each sum against the committee's
//! large-sum setting in force on the meeting's day.

use domain::FieldErrors;
use domain::dates::Iso;
use domain::major_decision::{self as md, Category, Draft, MeetingFacts};
use domain::money::Fen;
use domain::org::{OrgKind, OrgStatus};
use domain::org_life::{Attendance, MeetingKind};
use domain::scope::{Action, Actor, Target, can};
use serde::{Deserialize, Serialize};
pub use storage::major_decision::MajorDecisionRow;
use storage::major_decision::NewMajorDecision;

use crate::{Entry, Result, ServiceError, Services};

/// The most matters one register page or ledger lists.
pub const REGISTER_LINES: usize = 2_000;

/// A matter as typed on the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MajorDecisionForm {
    /// "decision", "appointment", "project" or "funds" (or the label: 重大决策 …).
    pub category: String,
    /// 事项名称.
    pub title: String,
    /// The sum in yuan ("3000.00"), for a project or a use of funds.
    pub amount: String,
    /// The committee meeting (委员会会议) that decided it.
    pub meeting_id: Option<i64>,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    /// Committee members who stepped aside for a conflict of interest (回避), by member id.
    pub recused: Vec<i64>,
    /// 备注: what was decided, conditions.
    pub note: String,
}

/// A matter with its large-sum mark.
#[derive(Debug, Clone, Serialize)]
pub struct MajorDecisionView {
    #[serde(flatten)]
    pub row: MajorDecisionRow,
    pub category_label: &'static str,
    /// For a sum: whether it reaches the large-sum threshold in force on the day (every sum when
    /// none is set).
    pub large: Option<bool>,
}

/// A committee meeting a matter may cite, with who was present (those who may step aside).
#[derive(Debug, Clone, Serialize)]
pub struct DecisionMeeting {
    pub id: i64,
    pub held_on: chrono::NaiveDate,
    pub topic: String,
    pub present: Vec<(i64, String)>,
}

/// An org's register for a year.
#[derive(Debug, Clone, Serialize)]
pub struct Register {
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    /// The large sum in force at the year's end (or today), in fen.
    pub large_sum: Option<Fen>,
    pub decisions: Vec<MajorDecisionView>,
    /// Whether the viewer may record matters here.
    pub can_record: bool,
}

/// The large sum in force for the org at `org_path` on `day`, from every setting change.
fn large_sum_on(changes: &[domain::settings::SettingChange], org_path: &str, day: chrono::NaiveDate) -> Option<Fen> {
    let reaching = domain::settings::reaching(changes, org_path);
    domain::settings::large_sum_on(&reaching, org_path, day)
}

impl Services {
    /// A matter with its large-sum mark, by the settings `changes` (all of them).
    fn view_of(changes: &[domain::settings::SettingChange], row: MajorDecisionRow) -> MajorDecisionView {
        let large = row.amount.map(|a| md::is_large(a, large_sum_on(changes, &row.org_path, row.decided_on)));
        MajorDecisionView { category_label: row.category.label(), large, row }
    }

    /// Records a matter of the register, in one transaction with its audit entry; refused with
    /// SANZHONG-YIDA when it has no committee meeting with its quorum behind it.
    pub async fn record_major_decision(&self, actor: &Actor, org_id: i64, form: &MajorDecisionForm) -> Result<i64> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::EditOrg, Target::Org(&path)) || org.status != OrgStatus::Active {
            return Err(ServiceError::Forbidden);
        }
        if org.kind == OrgKind::Group {
            return Err(ServiceError::field("meeting_id", "党小组不设“三重一大”登记"));
        }
        let mut e = FieldErrors::new();
        let amount = match form.amount.trim() {
            "" => None,
            typed => match Fen::parse(typed) {
                Ok(a) => Some(a),
                Err(err) => {
                    e.add("amount", err.to_string());
                    None
                }
            },
        };
        let meeting = match form.meeting_id {
            Some(id) => storage::meeting::get(&self.db, &scope, id).await?,
            None => None,
        };
        let facts = match &meeting {
            Some(m) => {
                let rows = storage::meeting::attendance(&self.db, &scope, &[m.id]).await?;
                // The committee as recorded at the meeting, else as it stood that day.
                let expected = if rows.is_empty() {
                    storage::meeting::committee_on(&self.db, m.org_id, &m.held_on.iso()).await?.len()
                } else {
                    rows.len()
                };
                Some(MeetingFacts {
                    org_id: m.org_id,
                    kind: m.kind,
                    held_on: m.held_on,
                    voided: m.voided_on.is_some(),
                    expected: u32::try_from(expected).unwrap_or(u32::MAX),
                    present: rows.iter().filter(|a| a.attendance == Attendance::Present).map(|a| a.member_id).collect(),
                })
            }
            None => None,
        };
        let draft = Draft {
            org_id: org.id,
            category: Category::parse(&form.category),
            title: form.title.clone(),
            amount,
            meeting: facts,
            yes: form.yes,
            no: form.no,
            abstain: form.abstain,
            recused: form.recused.clone(),
        };
        let note = form.note.trim();
        if note.chars().count() > 1_000 {
            e.add("note", "备注不能超过 1000 个字");
        }
        let outcome = match md::check(&draft) {
            Ok(o) if e.is_empty() => o,
            Ok(_) => return Err(ServiceError::Invalid(e)),
            Err(errs) => {
                e.merge(errs);
                return Err(ServiceError::Invalid(e));
            }
        };
        let (Some(m), Some(category)) = (meeting, draft.category) else {
            return Err(ServiceError::Internal("a checked matter has its meeting and category".into()));
        };
        let mut recused = form.recused.clone();
        recused.sort_unstable();
        recused.dedup();
        let new = NewMajorDecision {
            org_id: org.id,
            org_path: org.path.clone(),
            meeting_id: m.id,
            decided_on: m.held_on,
            category,
            title: form.title.trim().to_string(),
            amount,
            voters: outcome.voters,
            yes: form.yes,
            no: form.no,
            abstain: form.abstain,
            passed: outcome.passed,
            note: note.to_string(),
            recused,
        };
        let mut tx = self.db.begin().await?;
        let id = storage::major_decision::insert(&mut tx, &new, actor.account_id).await?;
        let entry = Entry {
            action: "major_decision.record",
            entity: "major_decision",
            entity_id: Some(id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(serde_json::json!({
                "meeting_id": m.id, "category": category.as_str(), "title": new.title,
                "amount": amount.map(Fen::fen), "yes": form.yes, "no": form.no, "abstain": form.abstain,
                "recused": new.recused, "passed": outcome.passed,
            })),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The register of an org's subtree for a year.
    pub async fn major_decisions(&self, actor: &Actor, org_id: i64, year: i32) -> Result<Register> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        let (lo, hi) = path.subtree_bounds();
        let rows = storage::major_decision::of_subtree(&self.db, &scope, &lo, &hi, year).await?;
        let changes = self.setting_changes().await?;
        let decisions = rows.into_iter().take(REGISTER_LINES).map(|row| Self::view_of(&changes, row)).collect();
        let day = self.today().min(chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(self.today()));
        Ok(Register {
            org_id,
            org_name: org.name.clone(),
            year,
            large_sum: large_sum_on(&changes, &org.path, day),
            decisions,
            can_record: can(actor, Action::EditOrg, Target::Org(&path))
                && org.status == OrgStatus::Active
                && org.kind != OrgKind::Group,
        })
    }

    /// One matter of the register.
    pub async fn major_decision(&self, actor: &Actor, id: i64) -> Result<MajorDecisionView> {
        let row = storage::major_decision::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        Ok(Self::view_of(&self.setting_changes().await?, row))
    }

    /// The matters a meeting decided, for its page.
    pub async fn major_decisions_of_meeting(&self, actor: &Actor, meeting_id: i64) -> Result<Vec<MajorDecisionRow>> {
        Ok(storage::major_decision::of_meeting(&self.db, &actor.scope(), meeting_id).await?)
    }

    /// The org's own committee meetings of a year a matter may cite, newest first, with who was
    /// present.
    pub async fn decision_meetings(&self, actor: &Actor, org_id: i64, year: i32) -> Result<Vec<DecisionMeeting>> {
        let scope = actor.scope();
        let from = format!("{year:04}-01-01");
        let to = format!("{year:04}-12-31");
        let mut meetings: Vec<_> = storage::meeting::of_org(&self.db, &scope, org_id, &from, &to)
            .await?
            .into_iter()
            .filter(|m| m.kind == MeetingKind::CommitteeMeeting && m.voided_on.is_none())
            .collect();
        meetings.sort_by_key(|m| std::cmp::Reverse((m.held_on, m.id)));
        let ids: Vec<i64> = meetings.iter().map(|m| m.id).collect();
        let attendance = storage::meeting::attendance(&self.db, &scope, &ids).await?;
        Ok(meetings
            .into_iter()
            .map(|m| DecisionMeeting {
                id: m.id,
                held_on: m.held_on,
                topic: m.topic,
                present: attendance
                    .iter()
                    .filter(|a| a.meeting_id == m.id && a.attendance == Attendance::Present)
                    .map(|a| (a.member_id, a.member_name.clone()))
                    .collect(),
            })
            .collect())
    }

    /// The register as an .xlsx or PDF ledger (三重一大事项登记台账), audited.
    pub async fn major_decision_ledger_file(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        format: crate::ledger::LedgerFormat,
    ) -> Result<crate::ledger::LedgerFile> {
        let register = self.major_decisions(actor, org_id, year).await?;
        let today = self.today();
        let rows = register
            .decisions
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let r = &d.row;
                vec![
                    (i + 1).to_string(),
                    r.decided_on.iso(),
                    r.org_name.clone(),
                    d.category_label.to_string(),
                    r.title.clone(),
                    r.amount.map(|a| a.to_yuan()).unwrap_or_default(),
                    match d.large {
                        Some(true) => "是",
                        Some(false) => "否",
                        None => "",
                    }
                    .to_string(),
                    r.meeting_topic.clone(),
                    format!("{}/{}/{}（应参加{}人）", r.yes, r.no, r.abstain, r.voters),
                    r.recused_names.clone(),
                    if r.passed { "通过" } else { "未通过" }.to_string(),
                ]
            })
            .collect();
        let headers = [
            "序号",
            "决策日期",
            "组织",
            "类别",
            "事项",
            "金额（元）",
            "大额",
            "决策会议",
            "赞成/反对/弃权",
            "回避",
            "结果",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let threshold = match register.large_sum {
            Some(t) => format!("大额资金标准：{}元及以上（党委设定）。", t.to_yuan()),
            None => "党委未设定大额资金标准，登记的每笔资金均按大额对待。".to_string(),
        };
        let doc = reports::table_doc::TableDoc {
            title: format!("{}{}年“三重一大”事项登记台账", register.org_name, year),
            cover: vec![format!("截至{}　登记事项{}项", domain::dates::format_cn(today), register.decisions.len())],
            sections: vec![reports::table_doc::Section {
                heading: "“三重一大”事项".into(),
                headers,
                rows,
                numeric: vec![5],
                notes: vec![
                    threshold,
                    "每项事项均经委员会会议集体讨论决定，会议到会委员达到半数（SANZHONG-YIDA、MTG-COMMITTEE）；超过应参加表决委员半数赞成为通过，回避的委员不参加表决。".into(),
                ],
            }],
            footer: format!("{} 由 zhibu 根据会议记录和“三重一大”登记生成", register.org_name),
            landscape: true,
            font_size: 9,
            as_of: today.iso(),
        };
        let mut extra = serde_json::Map::new();
        extra.insert("year".into(), year.into());
        self.exported_table_file(actor, org_id, doc, format, "major_decision.ledger_export", extra).await
    }
}
