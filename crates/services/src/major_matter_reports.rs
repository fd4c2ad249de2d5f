//! 重大事项请示报告 (REPORT-ONE-MATTER): an org sends a request (请示, one matter) or a report
//! (报告, no request inside) to its parent; the parent answers, returns it for more information or
//! forwards it up. Both sides see the thread. Refusals name the rule; a request left unanswered
//! past the committee's deadline is the superior's finding (the org-life family).

use domain::FieldErrors;
use domain::dates::Iso;
use domain::major_matter_report::{self as mmr, ReportKind, ReportState, Response, Submission};
use domain::org::OrgStatus;
use domain::scope::{Action, Actor, Target, can};
use serde::{Deserialize, Serialize};
use storage::major_matter_report::{NewReply, NewReport};
pub use storage::major_matter_report::{ReplyRow, ReportAttachmentRow, ReportRow};

use crate::{Entry, Result, ServiceError, Services};

/// A request or report as typed on the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportForm {
    /// "request" (请示) or "report" (报告).
    pub kind: String,
    pub title: String,
    /// A request's matter, one line; a request with more than one line is refused
    /// (REPORT-ONE-MATTER). Empty for a report.
    pub matters: String,
    pub body: String,
    /// The org it goes to: the sender's parent (left out, the parent is taken).
    pub to_org_id: Option<i64>,
}

/// The superior's response.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseForm {
    /// "answer" (批复), "return" (退回补充) or "forward" (转报上级).
    pub action: String,
    /// The answer, what is missing, or the note sent up with the forward.
    pub text: String,
}

/// An org's requests and reports, sent and received.
#[derive(Debug, Clone, Serialize)]
pub struct Reports {
    pub org_id: i64,
    pub org_name: String,
    /// The org it reports to, if it has one.
    pub parent: Option<(i64, String)>,
    pub sent: Vec<ReportRow>,
    pub received: Vec<ReportRow>,
    /// Whether the viewer may send for this org.
    pub can_send: bool,
}

/// One request or report with its thread.
#[derive(Debug, Clone, Serialize)]
pub struct ReportThread {
    pub report: ReportRow,
    /// What the superiors did, oldest first (including where it was forwarded from and to).
    pub replies: Vec<ReplyRow>,
    /// The copies it was forwarded as.
    pub forwarded_to: Vec<i64>,
    /// Whether the viewer may answer it (the receiving org's, while pending).
    pub can_respond: bool,
    /// The day an answer is due, for a pending request.
    pub due: Option<chrono::NaiveDate>,
    /// Files either side added to the thread (of this request, where it came from and where it
    /// went).
    pub attachments: Vec<ReportAttachmentRow>,
    /// Whether the viewer may add files: the sender's or the receiver's.
    pub can_attach: bool,
}

impl Services {
    /// Sends a request or report to the org's parent, in one transaction with its audit entry.
    pub async fn send_report(&self, actor: &Actor, org_id: i64, form: &ReportForm) -> Result<i64> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::EditOrg, Target::Org(&path)) || org.status != OrgStatus::Active {
            return Err(ServiceError::Forbidden);
        }
        let kind = ReportKind::parse(&form.kind);
        let submission = Submission {
            kind,
            title: &form.title,
            matters: &form.matters,
            body: &form.body,
            to_org: form.to_org_id,
            parent: org.parent_id,
        };
        mmr::check_submission(&submission).map_err(ServiceError::Invalid)?;
        let (Some(kind), Some(parent_id)) = (kind, org.parent_id) else {
            return Err(ServiceError::Internal("a checked submission has its kind and parent".into()));
        };
        // The parent is read whatever the sender's scope: a branch worker sends up to a committee
        // they do not administer.
        let parent = storage::org::get(&self.db, &domain::scope::Scope::everything(), parent_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let today = self.today();
        let new = NewReport {
            kind,
            from_org_id: org.id,
            from_org_path: org.path.clone(),
            to_org_id: parent.id,
            to_org_path: parent.path.clone(),
            title: form.title.trim().to_string(),
            matter: mmr::matters_of(&form.matters).into_iter().next().unwrap_or_default(),
            body: form.body.trim().to_string(),
            state: if kind == ReportKind::Request { ReportState::Pending } else { ReportState::Filed },
            received_on: today,
            forwarded_from: None,
        };
        let mut tx = self.db.begin().await?;
        let id = storage::major_matter_report::insert(&mut tx, &new, actor.account_id).await?;
        let entry = Entry {
            action: "report.send",
            entity: "major_matter_report",
            entity_id: Some(id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(serde_json::json!({
                "kind": kind.as_str(), "to_org_id": parent.id, "title": new.title, "matter": new.matter,
            })),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The superior answers a pending request, returns it, or forwards it to its own parent (a
    /// copy sent up, pending there from today).
    pub async fn respond_to_report(&self, actor: &Actor, id: i64, form: &ResponseForm) -> Result<()> {
        let scope = actor.scope();
        let r = storage::major_matter_report::get(&self.db, &scope, id).await?.ok_or(ServiceError::NotFound)?;
        let to_path = domain::org::OrgPath::parse(&r.to_org_path)
            .map_err(|e| ServiceError::Internal(format!("major_matter_reports {id}: {e}")))?;
        if !can(actor, Action::EditOrg, Target::Org(&to_path)) {
            return Err(ServiceError::Forbidden);
        }
        let mut e = FieldErrors::new();
        let response = Response::parse(&form.action);
        if response.is_none() {
            e.add("action", "请选择批复、退回补充或转报上级");
        }
        let text = form.text.trim();
        if text.is_empty() {
            e.add("text", "请填写批复意见、需补充的内容或转报说明");
        } else if text.chars().count() > 5_000 {
            e.add("text", "内容不能超过 5000 字");
        }
        if r.kind != ReportKind::Request || r.state != ReportState::Pending {
            e.add("action", format!("该{}当前为“{}”，无需答复", r.kind.label(), r.state.label()));
        }
        let receiver = storage::org::get(&self.db, &domain::scope::Scope::everything(), r.to_org_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let above = match (response, receiver.parent_id) {
            (Some(Response::Forward), None) => {
                e.add("action", "本组织没有上级党组织，无法转报");
                None
            }
            (Some(Response::Forward), Some(p)) => {
                storage::org::get(&self.db, &domain::scope::Scope::everything(), p).await?
            }
            _ => None,
        };
        let Some(response) = response.filter(|_| e.is_empty()) else { return Err(ServiceError::Invalid(e)) };
        let today = self.today();
        let action = match response {
            Response::Answer => "answer",
            Response::Return => "return",
            Response::Forward => "forward",
        };
        let mut tx = self.db.begin().await?;
        let reply = NewReply { report_id: id, org_id: r.to_org_id, state: response.state(), action, text, on: today };
        if !storage::major_matter_report::respond(&mut tx, &reply, actor.account_id).await? {
            return Err(ServiceError::field("action", "该请示已被答复，请刷新页面"));
        }
        let mut forwarded = None;
        if let Some(above) = above {
            let copy = NewReport {
                kind: ReportKind::Request,
                from_org_id: receiver.id,
                from_org_path: receiver.path.clone(),
                to_org_id: above.id,
                to_org_path: above.path.clone(),
                title: r.title.clone(),
                matter: r.matter.clone(),
                body: r.body.clone(),
                state: ReportState::Pending,
                received_on: today,
                forwarded_from: Some(r.id),
            };
            forwarded = Some(storage::major_matter_report::insert(&mut tx, &copy, actor.account_id).await?);
        }
        let entry = Entry {
            action: "report.respond",
            entity: "major_matter_report",
            entity_id: Some(id),
            org_path: Some(r.to_org_path.clone()),
            before: Some(serde_json::json!({"state": r.state.as_str()})),
            after: Some(
                serde_json::json!({"state": response.state().as_str(), "text": text, "forwarded_as": forwarded}),
            ),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What an org sent and received.
    pub async fn reports_of(&self, actor: &Actor, org_id: i64) -> Result<Reports> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        let parent = match org.parent_id {
            Some(p) => {
                storage::org::get(&self.db, &domain::scope::Scope::everything(), p).await?.map(|o| (o.id, o.name))
            }
            None => None,
        };
        let (sent, received) = storage::major_matter_report::of_org(&self.db, &scope, org_id)
            .await?
            .into_iter()
            .partition(|r| r.from_org_id == org_id);
        Ok(Reports {
            org_id,
            org_name: org.name.clone(),
            parent,
            sent,
            received,
            can_send: can(actor, Action::EditOrg, Target::Org(&path)) && org.status == OrgStatus::Active,
        })
    }

    /// One request or report with its thread, for either side.
    pub async fn report_thread(&self, actor: &Actor, id: i64) -> Result<ReportThread> {
        let scope = actor.scope();
        let report = storage::major_matter_report::get(&self.db, &scope, id).await?.ok_or(ServiceError::NotFound)?;
        let forwarded_to = storage::major_matter_report::forwards_of(&self.db, id).await?;
        let mut ids = vec![id];
        ids.extend(report.forwarded_from);
        ids.extend(&forwarded_to);
        let replies = storage::major_matter_report::replies(&self.db, &ids).await?;
        let attachments = storage::major_matter_report::attachments(&self.db, &ids).await?;
        let can_attach = self.side_of(actor, &report).is_some();
        let to_path = domain::org::OrgPath::parse(&report.to_org_path)
            .map_err(|e| ServiceError::Internal(format!("major_matter_reports {id}: {e}")))?;
        let pending = report.kind == ReportKind::Request && report.state == ReportState::Pending;
        let due = if pending {
            let rules = self.rules_for(&report.to_org_path).await?;
            let days = rules.org_life.in_force_on(report.received_on).find_map(|r| match r.check {
                domain::family::org_life::Check::AnswerWithin { days } => Some(days),
                _ => None,
            });
            days.map(|d| mmr::answer_due(report.received_on, d))
        } else {
            None
        };
        Ok(ReportThread {
            can_respond: pending && can(actor, Action::EditOrg, Target::Org(&to_path)),
            report,
            replies,
            forwarded_to,
            due,
            attachments,
            can_attach,
        })
    }

    /// The org on whose behalf the actor acts on a thread: the receiver's, else the sender's,
    /// when they administer it.
    fn side_of(&self, actor: &Actor, r: &ReportRow) -> Option<i64> {
        [(r.to_org_id, &r.to_org_path), (r.from_org_id, &r.from_org_path)].into_iter().find_map(|(id, path)| {
            let path = domain::org::OrgPath::parse(path).ok()?;
            can(actor, Action::EditOrg, Target::Org(&path)).then_some(id)
        })
    }

    /// Adds a file to a request's or report's thread, for the sender or the receiver. The file is
    /// stored (once, by its hash) before the row and its audit entry are committed.
    pub async fn attach_to_report(&self, actor: &Actor, id: i64, file_name: &str, bytes: &[u8]) -> Result<i64> {
        let r = storage::major_matter_report::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let Some(org_id) = self.side_of(actor, &r) else { return Err(ServiceError::Forbidden) };
        crate::attachments::classify(file_name, bytes).map_err(|msg| ServiceError::field("file", msg))?;
        if storage::major_matter_report::attachments(&self.db, &[id]).await?.len()
            >= crate::attachments::MAX_ATTACHMENTS
        {
            let max = crate::attachments::MAX_ATTACHMENTS;
            return Err(ServiceError::field("file", format!("每件请示报告最多 {max} 个附件")));
        }
        let stored = self.store_file(file_name, bytes).await?;
        let size = i64::try_from(bytes.len()).map_err(|_| ServiceError::field("file", "文件过大"))?;
        let new = storage::major_matter_report::NewReportAttachment {
            report_id: id,
            org_id,
            file_name: &stored.name,
            content_type: stored.content_type,
            size,
            sha256: &stored.sha256,
        };
        let mut tx = self.db.begin().await?;
        let aid = storage::major_matter_report::add_attachment(&mut tx, &new, actor.account_id).await?;
        let path = if org_id == r.to_org_id { r.to_org_path.clone() } else { r.from_org_path.clone() };
        let entry = Entry {
            action: "report.attach",
            entity: "major_matter_report",
            entity_id: Some(id),
            org_path: Some(path),
            before: None,
            after: Some(serde_json::json!({"file_name": stored.name, "size": bytes.len(), "sha256": stored.sha256})),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(aid)
    }

    /// A file of a thread and its bytes, for whoever sees the thread.
    pub async fn report_attachment(&self, actor: &Actor, id: i64, aid: i64) -> Result<(ReportAttachmentRow, Vec<u8>)> {
        let t = self.report_thread(actor, id).await?;
        let row = t.attachments.into_iter().find(|a| a.id == aid).ok_or(ServiceError::NotFound)?;
        let bytes = self.stored_bytes(&row.sha256, &row.file_name).await?;
        Ok((row, bytes))
    }

    /// The org's 请示报告 log (sent and received) as an .xlsx or PDF ledger, audited.
    pub async fn report_ledger_file(
        &self,
        actor: &Actor,
        org_id: i64,
        format: crate::ledger::LedgerFormat,
    ) -> Result<crate::ledger::LedgerFile> {
        let r = self.reports_of(actor, org_id).await?;
        let today = self.today();
        let row = |i: usize, x: &ReportRow, other: &str| {
            vec![
                (i + 1).to_string(),
                x.received_on.iso(),
                x.kind.label().to_string(),
                x.title.clone(),
                x.matter.clone(),
                other.to_string(),
                x.state.label().to_string(),
                x.closed_on.map(|d| d.iso()).unwrap_or_default(),
            ]
        };
        let headers = |other: &str| {
            ["序号", "日期", "类别", "标题", "请示事项", other, "办理情况", "办结日期"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        };
        let section = |heading: &str, other: &str, rows: Vec<Vec<String>>| reports::table_doc::Section {
            heading: heading.into(),
            headers: headers(other),
            rows,
            numeric: Vec::new(),
            notes: Vec::new(),
        };
        let sent = r.sent.iter().enumerate().map(|(i, x)| row(i, x, &x.to_org_name)).collect();
        let received = r.received.iter().enumerate().map(|(i, x)| row(i, x, &x.from_org_name)).collect();
        let mut received = section("收到的请示报告", "报送单位", received);
        received.notes.push(
            "请示一文一事、逐级请示，报告不得夹带请示事项；上级党组织在党委设定的期限内答复请示（REPORT-ONE-MATTER）。"
                .into(),
        );
        let doc = reports::table_doc::TableDoc {
            title: format!("{}请示报告登记台账", r.org_name),
            cover: vec![format!(
                "截至{}　报送{}件，收到{}件",
                domain::dates::format_cn(today),
                r.sent.len(),
                r.received.len()
            )],
            sections: vec![section("报送的请示报告", "报送单位（上级）", sent), received],
            footer: format!("{} 由 zhibu 根据请示报告记录生成", r.org_name),
            landscape: true,
            font_size: 9,
            as_of: today.iso(),
        };
        self.exported_table_file(actor, org_id, doc, format, "report.ledger_export", serde_json::Map::new()).await
    }
}
