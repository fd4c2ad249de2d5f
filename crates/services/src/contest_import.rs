//! The question bank's import (题库导入) from a sheet (.xlsx, .xls or CSV: 题型, 题干, 选项A …
//! 选项F, 正确答案, 出处; [`reports::question_bank`]): one bad cell refuses the whole file with
//! a report by row and column, and nothing is written. And the contest's ledger (竞赛结果台账)
//! generated from the submissions as .xlsx and PDF.

use domain::dates::Iso;
use serde::Serialize;

use crate::{Entry, Result, ServiceError, Services};

/// What a question import read and wrote.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionImport {
    pub rows: usize,
    /// (row number, column header or "", message).
    pub issues: Vec<(usize, String, String)>,
    /// Questions written (0 for a dry run or a refused file).
    pub imported: usize,
    /// For a refused file: a copy of it with every bad cell marked and a column 错误说明 (the
    /// roster's error report, [`reports::error_report_xlsx`]).
    #[serde(skip)]
    pub report: Option<Vec<u8>>,
}

impl Services {
    /// Reads a question sheet for the org's bank; unless `dry_run`, adds every question in one
    /// transaction when no row has a problem. A question whose stem is already in the bank is a
    /// problem of its row.
    pub async fn import_questions_file(
        &self,
        actor: &domain::scope::Actor,
        org_id: i64,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<QuestionImport> {
        let org = self.contest_org_for_import(actor, org_id).await?;
        let _slot = self.read_slots.acquire().await.map_err(|e| ServiceError::Internal(e.to_string()))?;
        let owned = bytes.to_vec();
        let sheet = tokio::task::spawn_blocking(move || reports::question_bank::read_questions(&owned))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .map_err(|e| ServiceError::field("file", e.to_string()))?;
        let mut errors = sheet.errors.clone();
        let stems: Vec<String> = sheet.questions.iter().map(|(_, q)| q.stem.clone()).collect();
        let known = storage::contest::stems_in_bank(&self.db, org_id, &stems).await?;
        let stem_col = sheet.table.headers.iter().position(|h| h == reports::question_bank::STEM);
        for (row, q) in &sheet.questions {
            if known.contains(&q.stem) {
                errors.push(reports::CellError {
                    row_number: *row,
                    column: stem_col,
                    message: "题库中已有相同题干的题目".into(),
                });
            }
        }
        errors.sort_by_key(|e| (e.row_number, e.column));
        let mut out = QuestionImport {
            rows: sheet.table.rows.len(),
            issues: errors
                .iter()
                .map(|e| {
                    let col = e.column.and_then(|c| sheet.table.headers.get(c)).cloned().unwrap_or_default();
                    (e.row_number, col, e.message.clone())
                })
                .collect(),
            imported: 0,
            report: None,
        };
        if !errors.is_empty() {
            let table = sheet.table.clone();
            let marked = errors.clone();
            out.report = tokio::task::spawn_blocking(move || reports::error_report_xlsx(&table, &marked).ok())
                .await
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
        }
        if !out.issues.is_empty() || dry_run {
            return Ok(out);
        }
        let questions: Vec<domain::contest::Question> = sheet.questions.into_iter().map(|(_, q)| q).collect();
        let mut tx = self.db.begin().await?;
        storage::contest::insert_questions(&mut tx, org.id, &org.path, &questions, actor.account_id).await?;
        let entry = Entry {
            action: "contest.question_import",
            entity: "org",
            entity_id: Some(org_id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(serde_json::json!({ "rows": questions.len() })),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        out.imported = questions.len();
        Ok(out)
    }

    async fn contest_org_for_import(&self, actor: &domain::scope::Actor, org_id: i64) -> Result<storage::org::OrgRow> {
        let bank = self.question_bank(actor, org_id).await?;
        if !bank.can_edit {
            return Err(ServiceError::Forbidden);
        }
        storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)
    }

    /// The contest's results (竞赛结果台账) for the subtree of `org_id` as a file generated from
    /// the submissions: participation and average per org, then the ranking when the contest was
    /// set with 竞赛排名; audited.
    pub async fn contest_ledger_file(
        &self,
        actor: &domain::scope::Actor,
        contest_id: i64,
        org_id: Option<i64>,
        format: crate::ledger::LedgerFormat,
    ) -> Result<crate::ledger::LedgerFile> {
        let r = self.contest_results(actor, contest_id, org_id).await?;
        let today = self.today();
        let headers = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let line = |i: usize, name: &str, p: &domain::contest::Participation| {
            vec![i.to_string(), name.to_string(), p.eligible.to_string(), p.answered.to_string(), p.rate(), p.average()]
        };
        let mut rows: Vec<Vec<String>> =
            r.lines.iter().enumerate().map(|(i, l)| line(i + 1, &l.org_name, &l.participation)).collect();
        let mut total = line(0, "合计", &r.total);
        total[0] = String::new();
        rows.push(total);
        let mut sections = vec![reports::table_doc::Section {
            heading: "各组织参与情况".into(),
            headers: headers(&["序号", "党组织", "应参加（人）", "已参加（人）", "参与率（%）", "平均分"]),
            rows,
            numeric: vec![2, 3, 4, 5],
            notes: vec![
                "应参加：答题开始之日在册的正式党员和预备党员；平均分按已参加人数计算，每题1分。".into(),
                "不统计在线时长、登录次数或打卡。".into(),
            ],
        }];
        if let Some(ranking) = &r.ranking {
            sections.push(reports::table_doc::Section {
                heading: "竞赛排名".into(),
                headers: headers(&["名次", "姓名", "所在支部", "得分"]),
                rows: ranking
                    .iter()
                    .enumerate()
                    .map(|(i, x)| vec![(i + 1).to_string(), x.name.clone(), x.branch_name.clone(), x.score.to_string()])
                    .collect(),
                numeric: vec![3],
                notes: vec!["党委举办竞赛时选择了竞赛排名；同分按支部和姓名排列。".into()],
            });
        }
        let doc = reports::table_doc::TableDoc {
            title: format!("{}{}结果", r.org_name, r.contest.title),
            cover: vec![format!(
                "答题时间{}至{}　每人{}题　截至{}",
                r.contest.starts_on.iso(),
                r.contest.ends_on.iso(),
                r.contest.question_count,
                domain::dates::format_cn(today)
            )],
            sections,
            footer: format!("{} 由 zhibu 根据竞赛答卷生成", r.org_name),
            landscape: false,
            font_size: 10,
            as_of: today.iso(),
        };
        let name = doc.title.clone();
        let file = self.table_file(doc, &name, format).await?;
        let org = storage::org::get(&self.db, &actor.scope(), r.org_id).await?.ok_or(ServiceError::NotFound)?;
        let mut tx = self.db.begin().await?;
        let entry = Entry {
            action: "contest.ledger_export",
            entity: "contest",
            entity_id: Some(contest_id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(serde_json::json!({ "org_id": r.org_id, "file": file.file_name })),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(file)
    }
}
