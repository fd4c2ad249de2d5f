//! Transfers of membership (组织关系转接, EDU-TRANSFER).
//!
//! - **Inside the system**: the sending branch issues the transfer; the receiving branch sees it
//!   in its incoming list (the letter's data only, not the member's record) and accepts it, which
//!   moves the member on the day received, or returns it with a reason. Until then the member is
//!   the sender's.
//! - **Out of the system**: the sending branch issues a letter (介绍信, printed as PDF); when the
//!   receipt (回执) comes back it is recorded and the member is 已转出 from the day received.
//!
//! [`Services::correct_placement`](crate::Services) (the old "relocate") stays for correcting a
//! wrong entry, audited as a correction, not a transfer.

use chrono::NaiveDate;
use domain::FieldErrors;
use domain::codes::MemberStatus;
use domain::dates::{Iso, parse_year_month};
use domain::family::lifecycle::{self, TransferKind, TransferState, transfer};
use domain::org::{OrgKind, OrgStatus};
use domain::scope::{Action, Actor, Scope, Target, can};
use serde::{Deserialize, Serialize};
use storage::transfer::NewTransfer;
pub use storage::transfer::{Direction, TransferRow};

use crate::dues::records::{day, text};
use crate::{Entry, Result, ServiceError, Services};

/// The longest validity a letter may state, in days: local practice ranges from 10 days to 3
/// months (rules.md §6); a year catches a typo without judging the committee's choice.
pub const MAX_VALID_DAYS: i64 = 366;

/// A transfer as typed by the sending branch.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferInput {
    /// "internal" (to a branch in the system) or "out" (a letter to an org outside it).
    pub kind: String,
    /// The receiving branch (inside the system).
    #[serde(default)]
    pub to_org_id: Option<i64>,
    /// The receiving org outside the system (转出): its full name.
    #[serde(default)]
    pub destination: String,
    /// The letter's number; empty: the next number of the year.
    #[serde(default)]
    pub letter_no: String,
    pub issued_on: String,
    /// The letter's validity in days (a local rule: the committee's practice).
    pub valid_days: String,
    /// The month dues are paid up to, "2026-10"; empty: the last month paid.
    #[serde(default)]
    pub dues_paid_to: String,
    /// Why the member moves (调动工作, 迁居 …).
    pub reason: String,
}

/// A transfer as its viewer sees it: the ID number masked unless they may see it, and what
/// they may do with it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferView {
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub row: TransferRow,
    /// The letter's last valid day.
    pub valid_until: NaiveDate,
    /// The day the receipt is due back (out of the system).
    pub receipt_due: Option<NaiveDate>,
    /// The viewer may accept or return it (the receiving branch).
    pub can_receive: bool,
    /// The viewer may withdraw it or record its receipt (the sending branch).
    pub can_send: bool,
    /// The viewer acts for the sending branch (and may print the letter), whatever the state.
    pub is_sender: bool,
}

/// What a new transfer's form proposes.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferDefaults {
    pub letter_no: String,
    /// The committee's letter validity, when it set one (a local rule).
    pub valid_days: Option<u32>,
    pub dues_paid_to: Option<NaiveDate>,
}

/// A branch to transfer to: any active branch in the system, whatever the viewer's scope (a
/// sender must be able to address it); names only.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BranchChoice {
    pub id: i64,
    pub name: String,
    /// The org above it, to tell same-named branches apart.
    pub parent_name: String,
}

impl Services {
    /// Active branches whose name contains `q`, at most 20, for addressing a transfer.
    pub async fn branch_choices(&self, _actor: &Actor, q: &str) -> Result<Vec<BranchChoice>> {
        let q = q.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(i64, String, Option<String>)> = storage::transfer::branch_choices(&self.db, q, 20).await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, parent)| BranchChoice { id, name, parent_name: parent.unwrap_or_default() })
            .collect())
    }

    /// The transfer `id` as the actor sees it.
    pub async fn transfer(&self, actor: &Actor, id: i64) -> Result<TransferView> {
        let row = storage::transfer::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        self.transfer_view(actor, row).await
    }

    async fn transfer_view(&self, actor: &Actor, mut row: TransferRow) -> Result<TransferView> {
        let (from, to) = (row.from_path.clone(), row.to_path.clone());
        let may = |path: &Option<String>, action: Action| {
            path.as_deref()
                .and_then(|p| domain::org::OrgPath::parse(p).ok())
                .is_some_and(|p| can(actor, action, Target::Org(&p)))
        };
        // Only a letter out of the system has a receipt to wait for, under its sender's rules.
        let receipt_due = match (&from, row.kind) {
            (Some(p), TransferKind::Out) => {
                let months = receipt_months(&self.lifecycle_rules(p).await?, row.issued_on);
                Some(transfer::receipt_due(row.issued_on, months))
            }
            _ => None,
        };
        let pending = row.state == TransferState::Pending;
        let can_receive = pending && row.kind == TransferKind::Internal && may(&to, Action::CreateMember);
        let is_sender = row.kind != TransferKind::In && may(&from, Action::CreateMember);
        let can_send = pending && is_sender;
        // The ID number whole only for those who may see the member's personal data: the sender's
        // workers; the receiver sees it masked until the member is theirs.
        let reveal = may(&from, Action::RevealPersonalData) && !(row.state == TransferState::Received && to.is_some());
        if !reveal {
            row.id_number = row.id_number.as_deref().map(domain::member::mask_id_number);
        }
        Ok(TransferView {
            valid_until: transfer::valid_until(row.issued_on, u32::try_from(row.valid_days).unwrap_or(0)),
            receipt_due,
            row,
            can_receive,
            can_send,
            is_sender,
        })
    }

    /// The transfer letter (介绍信) in its three parts as PDF, for the sending branch: the
    /// letter's data as issued, the ID number as the viewer may see it.
    pub async fn transfer_letter(&self, actor: &Actor, id: i64) -> Result<crate::ledger::LedgerFile> {
        use reports::transfer_letter::{Letter, cn_digits, cn_number};
        let t = self.transfer(actor, id).await?;
        if !t.is_sender {
            return Err(ServiceError::Forbidden);
        }
        let r = &t.row;
        let months = match r.from_path.as_deref() {
            Some(p) => receipt_months(&self.lifecycle_rules(p).await?, r.issued_on),
            None => receipt_months(&lifecycle::national(), r.issued_on),
        };
        let cn_day = |d: NaiveDate| {
            format!(
                "{}年{}月{}日",
                cn_digits(u32::try_from(chrono::Datelike::year(&d)).unwrap_or(0)),
                cn_number(chrono::Datelike::month(&d)),
                cn_number(chrono::Datelike::day(&d))
            )
        };
        let letter = Letter {
            letter_no: r.letter_no.clone(),
            name: r.member_name.clone(),
            gender: r.gender.label().to_string(),
            age: domain::dates::age_on(r.birth_date, r.issued_on).to_string(),
            ethnicity: domain::codes::Ethnicity::parse(&r.ethnicity)
                .map(|e| e.name().trim_end_matches('族').to_string())
                .unwrap_or_default(),
            status_label: if r.member_status == MemberStatus::Probationary { "预备" } else { "正式" }.to_string(),
            id_number: r.id_number.clone().unwrap_or_default(),
            from: r.from_name.clone(),
            to: r.to_name.clone(),
            dues_paid_to: r.dues_paid_to.map_or_else(String::new, |d| {
                format!(
                    "{}年{}月",
                    cn_digits(u32::try_from(chrono::Datelike::year(&d)).unwrap_or(0)),
                    cn_number(chrono::Datelike::month(&d))
                )
            }),
            valid_days: r.valid_days.to_string(),
            issued_cn: cn_day(r.issued_on),
            issued_on: r.issued_on.iso(),
            note: format!(
                "回执由接收方基层党委在{}个月内退回（EDU-TRANSFER，组通字〔2015〕33号）；存根保存备查。",
                months
            ),
        };
        let font_path = self.font_path.clone();
        let bytes = crate::ledger::blocking(move || {
            let font = reports::find_cjk_font(font_path.as_deref())?;
            reports::transfer_letter::write_pdf(&letter, &font)
        })
        .await?;
        Ok(crate::ledger::LedgerFile {
            bytes,
            file_name: format!("组织关系介绍信-{}-{}.pdf", t.row.letter_no, t.row.member_name),
            content_type: "application/pdf",
        })
    }

    /// The transfers sent from or addressed to the org's subtree, newest first (at most 500).
    pub async fn transfers_of_org(
        &self,
        actor: &Actor,
        org_id: i64,
        direction: Direction,
        state: Option<TransferState>,
    ) -> Result<Vec<TransferView>> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::ViewOrg, Target::Org(&path)) {
            return Err(ServiceError::NotFound);
        }
        let rows = storage::transfer::of_org(&self.db, &actor.scope(), &path, direction, state, 500).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.transfer_view(actor, r).await?);
        }
        Ok(out)
    }

    /// A member's transfers, oldest first.
    pub async fn transfers_of_member(&self, actor: &Actor, member_id: i64) -> Result<Vec<TransferView>> {
        let rows = storage::transfer::of_member(&self.db, &actor.scope(), member_id).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.transfer_view(actor, r).await?);
        }
        Ok(out)
    }

    /// The lifecycle rules in force for the org at `path` (its committees' rule sets).
    async fn lifecycle_rules(&self, path: &str) -> Result<domain::rules::RuleSet<lifecycle::Check>> {
        Ok(self.rules_for(path).await?.lifecycle)
    }

    /// What the form proposes for a transfer of `member_id`: the next letter number, the
    /// validity the committee set (if it did), the month dues are paid up to.
    pub async fn transfer_defaults(&self, actor: &Actor, member_id: i64) -> Result<TransferDefaults> {
        let m = self.member_for_transfer(actor, member_id).await?;
        let today = self.today();
        let changes = self.setting_changes().await?;
        let reaching = domain::settings::reaching(&changes, &m.branch_path);
        let valid_days = domain::settings::letter_valid_days_on(&reaching, &m.branch_path, today);
        let mut tx = self.db.begin_read().await?;
        let letter_no = storage::transfer::next_letter_no(&mut tx, m.branch_id, chrono::Datelike::year(&today)).await?;
        let dues_paid_to = storage::transfer::last_paid_month(&mut tx, member_id).await?;
        tx.commit().await?;
        Ok(TransferDefaults { letter_no, valid_days, dues_paid_to })
    }

    async fn member_for_transfer(&self, actor: &Actor, member_id: i64) -> Result<storage::member::MemberRow> {
        let m = storage::member::get(&self.db, &actor.scope(), member_id).await?.ok_or(ServiceError::NotFound)?;
        let branch = m.branch_org_path()?;
        if !can(actor, Action::EditMember, Target::Member { member_id, branch: &branch }) {
            return Err(ServiceError::Forbidden);
        }
        Ok(m)
    }

    /// Issues a transfer of a member of the actor's branch (EDU-TRANSFER): inside the system to
    /// another branch, or out of it with a letter. One pending transfer per member.
    pub async fn issue_transfer(&self, actor: &Actor, member_id: i64, input: &TransferInput) -> Result<i64> {
        let m = self.member_for_transfer(actor, member_id).await?;
        let today = self.today();
        let mut e = FieldErrors::new();
        let kind = match input.kind.trim() {
            "internal" => Some(TransferKind::Internal),
            "out" => Some(TransferKind::Out),
            _ => {
                e.add("kind", "请选择系统内转接或转出系统外");
                None
            }
        };
        if !matches!(m.status, MemberStatus::Full | MemberStatus::Probationary) {
            e.add("kind", format!("{}的党员不能转接组织关系", m.status.label()));
        }
        let issued_on = day(&mut e, "issued_on", &input.issued_on, today);
        if issued_on.is_some_and(|d| d < m.joined_on) {
            e.add("issued_on", "开具日期不能早于入党日期");
        }
        let valid_days = match input.valid_days.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_VALID_DAYS).contains(&n) => Some(n),
            _ => {
                e.add("valid_days", format!("请填写有效期天数（1至{MAX_VALID_DAYS}天）"));
                None
            }
        };
        let dues_paid_to = if input.dues_paid_to.trim().is_empty() {
            None
        } else {
            match parse_year_month(input.dues_paid_to.trim()) {
                Ok(d) => Some(d),
                Err(err) => {
                    e.add("dues_paid_to", err.message().to_string());
                    None
                }
            }
        };
        let reason = text(&mut e, "reason", &input.reason, Some("转接原因"), 200);
        let letter_no = text(&mut e, "letter_no", &input.letter_no, None, 40);
        let mut tx = self.db.begin().await?;
        let (to_org_id, counterpart) = match kind {
            Some(TransferKind::Internal) => {
                let to = match input.to_org_id {
                    Some(id) => storage::org::get_in_tx(&mut tx, &Scope::everything(), id).await?,
                    None => None,
                };
                match to {
                    Some(o) if o.kind == OrgKind::Branch && o.status == OrgStatus::Active => {
                        if o.id == m.branch_id {
                            e.add("to_org_id", "党员已在该党支部");
                        }
                        (Some(o.id), String::new())
                    }
                    Some(_) => {
                        e.add("to_org_id", "只能转入正常状态的党支部");
                        (None, String::new())
                    }
                    None => {
                        e.add("to_org_id", "请选择接收的党支部");
                        (None, String::new())
                    }
                }
            }
            Some(TransferKind::Out) => {
                (None, text(&mut e, "destination", &input.destination, Some("转往的党组织名称"), 100))
            }
            _ => (None, String::new()),
        };
        if storage::transfer::pending_of_member(&mut tx, member_id).await?.is_some() {
            e.add("kind", "该党员已有未办结的组织关系转接，请先办结或撤销");
        }
        let (Some(kind), Some(issued_on), Some(valid_days)) = (kind, issued_on, valid_days) else {
            return Err(ServiceError::Invalid(e));
        };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let letter_no = if letter_no.is_empty() {
            storage::transfer::next_letter_no(&mut tx, m.branch_id, chrono::Datelike::year(&issued_on)).await?
        } else {
            letter_no
        };
        let dues_paid_to = match dues_paid_to {
            Some(d) => Some(d),
            None => storage::transfer::last_paid_month(&mut tx, member_id).await?,
        };
        let t = NewTransfer {
            member_id,
            kind,
            state: TransferState::Pending,
            from_org_id: Some(m.branch_id),
            to_org_id,
            counterpart,
            member_name: m.name.clone(),
            gender: m.gender,
            ethnicity: m.ethnicity.clone(),
            birth_date: m.birth_date,
            id_number: Some(m.id_number.clone()),
            member_status: m.status,
            letter_no,
            issued_on,
            valid_days,
            dues_paid_to,
            reason,
            settled_on: None,
        };
        let id = storage::transfer::insert(&mut tx, &t, actor.account_id).await?;
        let after = serde_json::json!({
            "transfer_id": id, "kind": kind.as_str(), "to_org_id": t.to_org_id, "counterpart": t.counterpart,
            "letter_no": t.letter_no, "issued_on": issued_on.iso(), "valid_days": valid_days,
            "dues_paid_to": dues_paid_to.map(|d| d.iso()), "reason": t.reason,
        });
        self.audit_transfer(&mut tx, actor, "transfer.issue", &m.branch_path, id, None, Some(after)).await?;
        tx.commit().await?;
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    async fn audit_transfer(
        &self,
        tx: &mut storage::Tx,
        actor: &Actor,
        action: &str,
        org_path: &str,
        id: i64,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<()> {
        let entry = Entry {
            action,
            entity: "transfer",
            entity_id: Some(id),
            org_path: Some(org_path.to_string()),
            before,
            after,
        };
        self.audit(tx, actor, entry).await
    }

    /// The pending transfer `id` and the path of the org at `end` (the receiver's or the
    /// sender's branch), if the actor may act there.
    async fn pending_at(
        &self,
        tx: &mut storage::Tx,
        actor: &Actor,
        id: i64,
        receiving: bool,
    ) -> Result<(TransferRow, String)> {
        let row = storage::transfer::get_in_tx(tx, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let path = if receiving { row.to_path.clone() } else { row.from_path.clone() };
        let Some(path) = path else { return Err(ServiceError::Forbidden) };
        let org = domain::org::OrgPath::parse(&path)
            .map_err(|e| ServiceError::Internal(format!("transfers {id}: org path {path:?}: {e}")))?;
        if !can(actor, Action::CreateMember, Target::Org(&org)) {
            return Err(ServiceError::Forbidden);
        }
        if row.state != TransferState::Pending {
            return Err(ServiceError::Conflict(format!("该转接已{}", row.state.label(row.kind))));
        }
        Ok((row, path))
    }

    /// The receiving branch takes the member in on `on` (EDU-TRANSFER): the member's spans in
    /// the sending branch end the day before.
    pub async fn accept_transfer(&self, actor: &Actor, id: i64, on: &str) -> Result<()> {
        let today = self.today();
        let mut e = FieldErrors::new();
        let on = day(&mut e, "on", on, today);
        let mut tx = self.db.begin().await?;
        let (row, to_path) = self.pending_at(&mut tx, actor, id, true).await?;
        if row.kind != TransferKind::Internal {
            return Err(ServiceError::Conflict("只有系统内转接由接收党支部办理".into()));
        }
        let Some(on) = on else { return Err(ServiceError::Invalid(e)) };
        if on < row.issued_on {
            e.add("on", "接收日期不能早于介绍信开具日期");
            return Err(ServiceError::Invalid(e));
        }
        // The member is not in the receiver's scope until now: read them whole, deliberately.
        let m = storage::member::get_in_tx(&mut tx, &Scope::everything(), row.member_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if Some(m.branch_id) != row.from_org_id {
            return Err(ServiceError::Conflict("党员已不在转出党支部，请转出党支部核实后撤销此转接".into()));
        }
        if storage::transfer::branch_since(&mut tx, m.id).await?.is_some_and(|since| on <= since) {
            e.add("on", "接收日期须晚于党员在原党支部的起始日期");
            return Err(ServiceError::Invalid(e));
        }
        let Some(to_id) = row.to_org_id else { return Err(ServiceError::NotFound) };
        let to = storage::member::Placement { branch_id: to_id, group_id: None, branch_path: to_path.clone() };
        let day_before = on.pred_opt().unwrap_or(on).iso();
        storage::member::relocate(&mut tx, &m, &to, &on.iso(), &day_before).await?;
        // A probationary member's recruitment path moves with them (DEV-TRANSFER-PROB: the
        // receiver may discuss the confirmation up to six months later).
        storage::recruit::follow_member(&mut tx, m.id, &to, on).await?;
        if !storage::transfer::settle(&mut tx, id, TransferState::Received, on, "", "", actor.account_id).await? {
            return Err(ServiceError::Conflict("该转接已由他人办理".into()));
        }
        let after = serde_json::json!({"state": "received", "on": on.iso(), "member_id": m.id});
        self.audit_transfer(&mut tx, actor, "transfer.accept", &to_path, id, None, Some(after)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The receiving branch returns the transfer, with its reason (EDU-TRANSFER: no refusal
    /// without cause). The member stays in the sending branch.
    pub async fn return_transfer(&self, actor: &Actor, id: i64, reason: &str) -> Result<()> {
        let today = self.today();
        let mut tx = self.db.begin().await?;
        let (row, to_path) = self.pending_at(&mut tx, actor, id, true).await?;
        if row.kind != TransferKind::Internal {
            return Err(ServiceError::Conflict("只有系统内转接由接收党支部办理".into()));
        }
        if transfer::check_return(reason).is_err() {
            let rules = self.lifecycle_rules(&to_path).await?;
            let citation = lifecycle::rule_on(&rules, "EDU-TRANSFER", today).map(|r| r.citation).unwrap_or_default();
            let mut e = FieldErrors::new();
            e.add_rule("reason", "接收党组织不得无故拒绝，退回须写明理由（至少 4 个字）", "EDU-TRANSFER", citation);
            return Err(ServiceError::Invalid(e));
        }
        let reason = reason.trim();
        if reason.chars().count() > 500 {
            return Err(ServiceError::field("reason", "理由不能超过 500 个字"));
        }
        if !storage::transfer::settle(&mut tx, id, TransferState::Returned, today, reason, "", actor.account_id).await?
        {
            return Err(ServiceError::Conflict("该转接已由他人办理".into()));
        }
        let after = serde_json::json!({"state": "returned", "reason": reason});
        self.audit_transfer(&mut tx, actor, "transfer.return", &to_path, id, None, Some(after)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The sending branch withdraws a transfer not yet received.
    pub async fn cancel_transfer(&self, actor: &Actor, id: i64) -> Result<()> {
        let today = self.today();
        let mut tx = self.db.begin().await?;
        let (_, from_path) = self.pending_at(&mut tx, actor, id, false).await?;
        if !storage::transfer::settle(&mut tx, id, TransferState::Cancelled, today, "", "", actor.account_id).await? {
            return Err(ServiceError::Conflict("该转接已由他人办理".into()));
        }
        let after = serde_json::json!({"state": "cancelled"});
        self.audit_transfer(&mut tx, actor, "transfer.cancel", &from_path, id, None, Some(after)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The receipt of a letter out of the system came back: received on `on` by the named
    /// handler. The member is 已转出 from that day.
    pub async fn record_receipt(&self, actor: &Actor, id: i64, on: &str, handler: &str) -> Result<()> {
        let today = self.today();
        let mut e = FieldErrors::new();
        let on = day(&mut e, "on", on, today);
        let handler = text(&mut e, "handler", handler, Some("回执经办人"), 50);
        let mut tx = self.db.begin().await?;
        let (row, from_path) = self.pending_at(&mut tx, actor, id, false).await?;
        if row.kind != TransferKind::Out {
            return Err(ServiceError::Conflict("只有转出系统外的介绍信需要登记回执".into()));
        }
        if on.is_some_and(|d| d < row.issued_on) {
            e.add("on", "回执日期不能早于介绍信开具日期");
        }
        let Some(on) = on else { return Err(ServiceError::Invalid(e)) };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        if !storage::transfer::settle(&mut tx, id, TransferState::Received, on, "", &handler, actor.account_id).await? {
            return Err(ServiceError::Conflict("该转接已由他人办理".into()));
        }
        storage::transfer::set_member_status(&mut tx, row.member_id, MemberStatus::TransferredOut, on).await?;
        let after = serde_json::json!({"state": "received", "on": on.iso(), "handler": handler});
        self.audit_transfer(&mut tx, actor, "transfer.receipt", &from_path, id, None, Some(after)).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The receipt months of the EDU-TRANSFER rule in force on `day` (1 when none is).
fn receipt_months(rules: &domain::rules::RuleSet<lifecycle::Check>, day: NaiveDate) -> u32 {
    rules
        .in_force_on(day)
        .find_map(|r| match r.check {
            lifecycle::Check::Transfer { receipt_months, .. } => Some(receipt_months),
            _ => None,
        })
        .unwrap_or(1)
}
