//! The dues ledgers, generated from the records: the branch's collection sheet (党费收缴台账,
//! the columns of forms.md §2.6) and the yearly publication to its members (党费收缴情况公布,
//! DUES-PUBLISH), each as xlsx and PDF from the same rows. Exports are audited.

use chrono::Datelike;
use domain::dates::{Iso, format_cn};
use domain::family::dues::statement::{MonthLine, MonthState, Statement, month_label};
use domain::money::Fen;
use domain::scope::Actor;
use reports::table_doc::{Section, TableDoc};

use super::BranchDues;
use crate::ledger::{LedgerFile, LedgerFormat};
use crate::{Entry, Result, Services};

/// What one month's cell of the sheet shows: the amount paid, "免" for an exemption, "欠" with
/// the amount owed, "—" before the member owed anything or without a base.
pub fn month_cell(l: &MonthLine) -> String {
    match l.state {
        MonthState::Paid => l.paid.to_string(),
        MonthState::Exempt => "免".to_string(),
        MonthState::Unpaid => format!("欠{}", l.outstanding()),
        MonthState::Open if l.paid > Fen::ZERO => l.paid.to_string(),
        MonthState::Open => String::new(),
        MonthState::NoBase => "—".to_string(),
    }
}

/// The month the member has paid up to ("2026年6月"), or "—".
pub fn paid_up_to(s: &Statement) -> String {
    s.paid_up_to().map_or_else(|| "—".to_string(), month_label)
}

/// The base, rate and monthly due of the latest month with a base.
pub fn current_terms(s: &Statement) -> (String, String, String, String) {
    match s.lines.iter().rev().find_map(|l| l.quote.as_ref().map(|q| (l, q))) {
        Some((l, q)) => (
            q.category.label().to_string(),
            if q.rate.is_some() { q.base.to_string() } else { "—".to_string() },
            q.rate.map_or_else(|| q.bracket.to_string(), |r| r.label()),
            l.due.to_string(),
        ),
        None => ("未登记".to_string(), "—".to_string(), "—".to_string(), "—".to_string()),
    }
}

/// The collection sheet's header row.
pub const SHEET_HEADERS: [&str; 22] = [
    "序号",
    "姓名",
    "类别",
    "计算基数",
    "比例",
    "月应交",
    "1月",
    "2月",
    "3月",
    "4月",
    "5月",
    "6月",
    "7月",
    "8月",
    "9月",
    "10月",
    "11月",
    "12月",
    "全年应交",
    "全年实交",
    "欠交",
    "交至",
];

/// The collection sheet's rows, one per member, then the totals.
pub fn sheet_rows(d: &BranchDues) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = d
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (category, base, rate, due) = current_terms(&r.statement);
            let mut row = vec![(i + 1).to_string(), r.member.name.clone(), category, base, rate, due];
            for m in 1..=12 {
                let cell = r.statement.lines.iter().find(|l| l.month.month() == m).map(month_cell).unwrap_or_default();
                row.push(cell);
            }
            row.extend([
                r.statement.due.to_string(),
                r.statement.paid.to_string(),
                r.statement.arrears.to_string(),
                paid_up_to(&r.statement),
            ]);
            row
        })
        .collect();
    let mut total =
        vec!["".to_string(), "合计".to_string(), String::new(), String::new(), String::new(), String::new()];
    total.extend(d.months.iter().map(|m| m.paid.to_string()));
    total.extend([d.total.due.to_string(), d.total.paid.to_string(), d.total.arrears.to_string(), String::new()]);
    rows.push(total);
    rows
}

impl Services {
    /// The collection sheet of a branch's year as a file; audited.
    pub async fn dues_sheet_file(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        format: LedgerFormat,
    ) -> Result<LedgerFile> {
        let d = self.branch_dues(actor, org_id, year).await?;
        let today = self.today();
        let doc = TableDoc {
            title: format!("{}{}年党费收缴台账", d.org.name, year),
            cover: vec![format!("截至{}　单位：元", format_cn(today))],
            sections: vec![Section {
                heading: "党费收缴".into(),
                headers: SHEET_HEADERS.iter().map(|h| h.to_string()).collect(),
                rows: sheet_rows(&d),
                numeric: (3..22).collect(),
                notes: vec![
                    format!("计算方式：{}（党委设置）。", d.settings.label()),
                    "按月应交、实交：金额为实交；“欠”为该月欠交金额；“免”为经批准免交；“—”为未入党或未登记基数。".into(),
                    "依据：《关于中国共产党党费收缴、使用和管理的规定》（DUES-EMPLOYED-BRACKETS、DUES-RETIREE、DUES-FLAT）。".into(),
                ],
            }],
            footer: format!("{} 由 zhibu 根据党费记录生成", d.org.name),
            landscape: true,
            font_size: 7,
            as_of: today.iso(),
        };
        let name = doc.title.clone();
        let file = self.table_file(doc, &name, format).await?;
        self.audit_export(actor, &d, "dues.sheet_export", &file.file_name).await?;
        Ok(file)
    }

    /// The yearly publication to the members (DUES-PUBLISH): each member's dues due and paid in
    /// the year and the month paid up to, with the branch's totals; audited.
    pub async fn dues_publication_file(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        format: LedgerFormat,
    ) -> Result<LedgerFile> {
        let d = self.branch_dues(actor, org_id, year).await?;
        let today = self.today();
        let doc = TableDoc {
            title: format!("{}{}年度党费收缴情况公布", d.org.name, year),
            cover: vec![format!("公布日期：{}　单位：元", format_cn(today))],
            sections: vec![Section {
                heading: "党员交纳党费情况".into(),
                headers: ["序号", "姓名", "全年应交", "全年实交", "欠交", "交至月份"].iter().map(|h| h.to_string()).collect(),
                rows: publication_rows(&d),
                numeric: vec![2, 3, 4],
                notes: vec![
                    format!("全支部{}名党员，全年应交{}元，实交{}元，欠交{}元。", d.rows.len(), d.total.due, d.total.paid, d.total.arrears),
                    "依据：《关于中国共产党党费收缴、使用和管理的规定》第二十六条，党支部每年向党员公布一次党费收缴情况（DUES-PUBLISH）。".into(),
                ],
            }],
            footer: format!("{} 由 zhibu 根据党费记录生成", d.org.name),
            landscape: false,
            font_size: 10,
            as_of: today.iso(),
        };
        let name = doc.title.clone();
        let file = self.table_file(doc, &name, format).await?;
        self.audit_export(actor, &d, "dues.publication_export", &file.file_name).await?;
        Ok(file)
    }

    async fn audit_export(&self, actor: &Actor, d: &BranchDues, action: &str, file: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action,
                entity: "org",
                entity_id: Some(d.org.id),
                org_path: Some(d.org.path.clone()),
                before: None,
                after: Some(serde_json::json!({"year": d.year, "file": file})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The publication's rows: name, due, paid, owed and paid up to, per member.
pub fn publication_rows(d: &BranchDues) -> Vec<Vec<String>> {
    d.rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.member.name.clone(),
                r.statement.due.to_string(),
                r.statement.paid.to_string(),
                r.statement.arrears.to_string(),
                paid_up_to(&r.statement),
            ]
        })
        .collect()
}
