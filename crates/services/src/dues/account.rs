//! An org's dues account (DUES-ACCOUNT) and its yearly report to the 党员大会 (DUES-REPORT):
//! the dues its members paid (summed from the payments, never typed again), interest and
//! allocations, remittances to the level above, and spending on the five purposes as decided
//! collectively. Reading needs the org in view; writing, that the actor keeps the org.

use chrono::{Datelike, NaiveDate};
use domain::FieldErrors;
use domain::dates::{Iso, format_cn};
use domain::family::dues::account::{self, Decision, EntryDraft, EntryKind, Purpose};
use domain::money::Fen;
use domain::org_life::MeetingKind;
use domain::scope::{Action, Actor, Target, can};
use serde::Deserialize;
use storage::dues::AccountEntryRow;
use storage::org::OrgRow;

use crate::ledger::{LedgerFile, LedgerFormat};
use crate::{Entry, Result, ServiceError, Services, to_json};

/// An entry as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountEntryInput {
    /// interest, allocated, remitted or spent.
    pub kind: String,
    pub amount: String,
    pub entry_on: String,
    /// For spending: training, materials, commendation, hardship or disaster.
    #[serde(default)]
    pub purpose: String,
    /// For spending: the meeting (支委会, 党员大会) that decided it.
    #[serde(default)]
    pub meeting_id: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// An org's dues account for a year.
#[derive(Debug, Clone)]
pub struct DuesAccount {
    pub org: OrgRow,
    pub year: i32,
    /// The balance brought forward from before the year, in fen (may be negative on paper).
    pub opening: i64,
    /// Dues paid by the members of the org's subtree during the year.
    pub collected: i64,
    /// Of which voluntary payments of 1,000 yuan or more, remitted in full to the Centre.
    pub to_centre: i64,
    pub interest: i64,
    pub allocated: i64,
    pub remitted: i64,
    /// Spending by purpose, in the order of DUES-USE.
    pub spent: Vec<(Purpose, i64)>,
    pub closing: i64,
    /// What the year's dues collected call for remitting, by the committee's retained share
    /// (DUES-RETAIN), and the share in percent.
    pub to_remit: i64,
    pub retain_percent: u32,
    /// The year's entries, oldest first.
    pub entries: Vec<AccountEntryRow>,
    /// The meetings that may decide a spending: the org's 支委会 and 党员大会 of the year, newest
    /// first, as (id, "2026年3月5日 支委会：研究…").
    pub decisions: Vec<(i64, String)>,
    pub can_edit: bool,
}

fn sum(entries: &[AccountEntryRow], kind: EntryKind) -> i64 {
    entries.iter().filter(|e| e.kind == kind).map(|e| e.amount_fen.fen()).sum()
}

fn signed(e: &AccountEntryRow) -> i64 {
    if e.kind.is_income() { e.amount_fen.fen() } else { -e.amount_fen.fen() }
}

impl Services {
    async fn account_org(&self, actor: &Actor, org_id: i64) -> Result<(OrgRow, bool)> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::ViewOrg, Target::Org(&path)) {
            return Err(ServiceError::NotFound);
        }
        Ok((org, can(actor, Action::EditOrg, Target::Org(&path))))
    }

    /// The balance of the org's account at the end of `day`: its members' payments and the income
    /// entries up to that day, less the remittances and spending.
    async fn balance_on(&self, org: &OrgRow, entries: &[AccountEntryRow], day: NaiveDate) -> Result<i64> {
        let (lo, hi) = org.org_path()?.subtree_bounds();
        let (collected, to_centre) = storage::dues::collected_between(&self.db, &lo, &hi, NaiveDate::MIN, day).await?;
        let moved: i64 = entries.iter().filter(|e| e.entry_on <= day).map(signed).sum();
        Ok(collected - to_centre + moved)
    }

    /// The account of an org for `year`.
    pub async fn dues_account(&self, actor: &Actor, org_id: i64, year: i32) -> Result<DuesAccount> {
        let (org, can_edit) = self.account_org(actor, org_id).await?;
        let all = storage::dues::account_entries(&self.db, org_id).await?;
        let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| ServiceError::field("year", "年份无效"))?;
        let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(first);
        let opening = match first.pred_opt() {
            Some(day) => self.balance_on(&org, &all, day).await?,
            None => 0,
        };
        let (lo, hi) = org.org_path()?.subtree_bounds();
        let (collected, to_centre) = storage::dues::collected_between(&self.db, &lo, &hi, first, last).await?;
        let entries: Vec<AccountEntryRow> = all.into_iter().filter(|e| e.entry_on.year() == year).collect();
        let spent = Purpose::ALL
            .iter()
            .map(|p| (*p, entries.iter().filter(|e| e.purpose == Some(*p)).map(|e| e.amount_fen.fen()).sum()))
            .collect();
        let closing = opening + collected - to_centre + entries.iter().map(signed).sum::<i64>();
        let settings = self.dues_context(&org.path).await?.settings(last);
        let meetings = storage::meeting::of_org(&self.db, &actor.scope(), org_id, &first.iso(), &last.iso()).await?;
        let decisions = meetings
            .into_iter()
            .filter(|m| {
                matches!(m.kind, MeetingKind::CommitteeMeeting | MeetingKind::BranchAssembly) && m.voided_on.is_none()
            })
            .rev()
            .map(|m| (m.id, format!("{} {}：{}", format_cn(m.held_on), m.kind.label(), m.topic)))
            .collect();
        Ok(DuesAccount {
            interest: sum(&entries, EntryKind::Interest),
            allocated: sum(&entries, EntryKind::Allocated),
            remitted: sum(&entries, EntryKind::Remitted),
            org,
            year,
            opening,
            collected,
            to_centre,
            spent,
            closing,
            to_remit: settings.to_remit(collected - to_centre),
            retain_percent: settings.retain_percent,
            entries,
            decisions,
            can_edit,
        })
    }

    /// Records an account entry: spending only on the five purposes, as decided by a meeting of
    /// the org, within the balance (DUES-USE, DUES-COLLECTIVE, DUES-USE-PRINCIPLE).
    pub async fn record_account_entry(&self, actor: &Actor, org_id: i64, input: &AccountEntryInput) -> Result<i64> {
        let (org, can_edit) = self.account_org(actor, org_id).await?;
        if !can_edit {
            return Err(ServiceError::Forbidden);
        }
        let today = self.today();
        let mut e = FieldErrors::new();
        let kind = EntryKind::parse(&input.kind);
        if kind.is_none() {
            e.add("kind", "请选择收支类别");
        }
        let amount = Fen::parse(&input.amount).map_err(|err| e.add("amount", err.to_string())).ok();
        let on = match domain::dates::parse_date(&input.entry_on) {
            Ok(d) if d > today => {
                e.add("entry_on", "日期不能晚于今天");
                None
            }
            Ok(d) => Some(d),
            Err(err) => {
                e.add("entry_on", err.message().to_string());
                None
            }
        };
        let note = input.note.trim().to_string();
        if note.chars().count() > 500 {
            e.add("note", "不能超过 500 个字");
        }
        let (Some(kind), Some(amount), Some(on)) = (kind, amount, on) else { return Err(ServiceError::Invalid(e)) };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let decision = match input.meeting_id {
            Some(id) => {
                let m = storage::meeting::get(&self.db, &actor.scope(), id).await?;
                match m {
                    Some(m) if m.org_id == org_id && m.voided_on.is_none() => Some(Decision {
                        meeting_id: m.id,
                        held_on: m.held_on,
                        collective: matches!(m.kind, MeetingKind::CommitteeMeeting | MeetingKind::BranchAssembly),
                    }),
                    _ => return Err(ServiceError::field("meeting_id", "找不到本组织的该会议记录")),
                }
            }
            None => None,
        };
        let all = storage::dues::account_entries(&self.db, org_id).await?;
        let balance = self.balance_on(&org, &all, on.max(today)).await?;
        let ctx = self.dues_context(&org.path).await?;
        let draft = EntryDraft { kind, amount, on, purpose: input.purpose.clone(), decision };
        let purpose = account::check_entry(&ctx.rules, &draft, balance).map_err(ServiceError::Invalid)?;
        let meeting_id = if kind == EntryKind::Spent { decision.map(|d| d.meeting_id) } else { None };
        let mut tx = self.db.begin().await?;
        let id = storage::dues::insert_account_entry(
            &mut tx,
            org_id,
            on,
            kind,
            amount,
            purpose,
            meeting_id,
            &note,
            actor.account_id,
        )
        .await?;
        let after = serde_json::json!({
            "kind": kind.as_str(), "amount": amount.to_string(), "entry_on": on.iso(),
            "purpose": purpose.map(|p| p.as_str()), "meeting_id": meeting_id, "note": note,
        });
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "dues.account_entry",
                entity: "org",
                entity_id: Some(org_id),
                org_path: Some(org.path.clone()),
                before: None,
                after: to_json(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The yearly report of the account to the 党员大会 (DUES-REPORT), as xlsx or PDF; audited.
    pub async fn dues_account_report(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        format: LedgerFormat,
    ) -> Result<LedgerFile> {
        use reports::table_doc::{Section, TableDoc};
        let a = self.dues_account(actor, org_id, year).await?;
        let y = Fen::signed_yuan;
        let mut summary = vec![
            vec!["上年结余".to_string(), y(a.opening)],
            vec!["本年党费收入（党员交纳）".into(), y(a.collected - a.to_centre)],
            vec!["利息收入".into(), y(a.interest)],
            vec!["上级下拨".into(), y(a.allocated)],
            vec!["上缴上级".into(), y(a.remitted)],
            vec![format!("按留存比例{}%应上缴（DUES-RETAIN）", a.retain_percent), y(a.to_remit)],
        ];
        for (p, amount) in &a.spent {
            summary.push(vec![format!("支出：{}", p.label()), y(*amount)]);
        }
        summary.push(vec!["年末结余".into(), y(a.closing)]);
        if a.to_centre > 0 {
            summary.push(vec!["一次性自愿多交1000元以上，全额上缴中央（不计入本账）".into(), y(a.to_centre)]);
        }
        let entries = a
            .entries
            .iter()
            .map(|e| {
                vec![
                    format_cn(e.entry_on),
                    e.kind.label().to_string(),
                    e.purpose.map(|p| p.label().to_string()).unwrap_or_default(),
                    e.amount_fen.to_string(),
                    match (&e.meeting_held_on, &e.meeting_topic) {
                        (Some(d), Some(t)) => format!("{} {t}", format_cn(*d)),
                        _ => String::new(),
                    },
                    e.note.clone(),
                ]
            })
            .collect();
        let today = self.today();
        let doc = TableDoc {
            title: format!("{}{}年度党费收缴、使用和管理情况报告", a.org.name, year),
            cover: vec![format!("截至{}　单位：元", format_cn(today))],
            sections: vec![
                Section {
                    heading: "收支情况".into(),
                    headers: vec!["项目".into(), "金额".into()],
                    rows: summary,
                    numeric: vec![1],
                    notes: vec!["依据：《关于中国共产党党费收缴、使用和管理的规定》第十九条至第二十六条（DUES-USE、DUES-COLLECTIVE、DUES-REPORT）。".into()],
                },
                Section {
                    heading: "收支明细".into(),
                    headers: ["日期", "类别", "用途", "金额", "集体研究的会议", "说明"].iter().map(|h| h.to_string()).collect(),
                    rows: entries,
                    numeric: vec![3],
                    notes: Vec::new(),
                },
            ],
            footer: format!("{} 由 zhibu 根据党费记录生成", a.org.name),
            landscape: false,
            font_size: 10,
            as_of: today.iso(),
        };
        let name = doc.title.clone();
        let file = self.table_file(doc, &name, format).await?;
        let mut tx = self.db.begin().await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "dues.account_report",
                entity: "org",
                entity_id: Some(org_id),
                org_path: Some(a.org.path.clone()),
                before: None,
                after: Some(serde_json::json!({"year": year, "file": file.file_name})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(file)
    }
}
