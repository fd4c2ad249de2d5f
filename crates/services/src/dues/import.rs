//! Importing the collection sheet a branch already keeps (.xlsx, .xls or CSV): one row per
//! payment with 姓名, 月份 (or 年 and 月), 实交 and 交纳日期, optionally 身份证号 (to tell two
//! namesakes apart) and 交纳方式. Every row is checked like a payment typed on the page
//! (DUES-PERIOD, DUES-ORG-NO-PREPAY: a "代扣" row is refused); one bad cell refuses the whole
//! file, with a report by row and column, and nothing is written.

use domain::FieldErrors;
use domain::family::dues::payment::{self, Payer, PaymentDraft, PaymentKind, PaymentMethod};
use domain::family::dues::statement::month_of;
use domain::money::Fen;
use domain::scope::Actor;
use reports::{CellError, Table};
use serde::Serialize;
use storage::dues::{PaymentRow, Whose};

use crate::{Entry, Result, ServiceError, Services};

/// What the columns are called in the sheets people keep.
const NAME: &[&str] = &["姓名", "党员姓名"];
const ID_NUMBER: &[&str] = &["身份证号", "身份证号码", "公民身份号码"];
const MONTH: &[&str] = &["月份", "交纳月份", "缴纳月份", "所属月份", "年月"];
const YEAR: &[&str] = &["年", "年度", "年份"];
const MONTH_NO: &[&str] = &["月"];
const AMOUNT: &[&str] = &["实交", "实缴", "实交金额", "实缴金额", "金额", "交纳金额", "缴纳金额"];
const PAID_ON: &[&str] = &["交纳日期", "缴纳日期", "交费日期", "日期"];
const METHOD: &[&str] = &["交纳方式", "缴纳方式", "方式"];
const NOTE: &[&str] = &["备注", "补交原因", "说明"];

fn is_header(h: &str) -> bool {
    [NAME, ID_NUMBER, MONTH, YEAR, MONTH_NO, AMOUNT, PAID_ON, METHOD, NOTE].iter().any(|names| names.contains(&h))
}

fn column(table: &Table, names: &[&str]) -> Option<usize> {
    table.headers.iter().position(|h| names.contains(&h.as_str()))
}

/// The result of an import: the rows read, and the problems by row and column.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DuesImport {
    pub rows: usize,
    pub amount: Fen,
    /// (row number, column header or "", message).
    pub issues: Vec<(usize, String, String)>,
    /// Rows written (0 for a dry run or a refused file).
    pub imported: usize,
}

impl Services {
    /// Reads and checks a collection sheet for the branch `org_id`; unless `dry_run`, writes every
    /// payment in one transaction when no row has a problem.
    pub async fn import_dues_sheet(
        &self,
        actor: &Actor,
        org_id: i64,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<DuesImport> {
        let (org, can_edit) = self.dues_branch(actor, org_id).await?;
        if !can_edit {
            return Err(ServiceError::Forbidden);
        }
        let (table, errors, rows) = self.check_dues_sheet(actor, &org, bytes).await?;
        let mut out = DuesImport {
            rows: table.rows.len(),
            amount: rows.iter().fold(Fen::ZERO, |a, r| a.saturating_add(r.amount_fen)),
            issues: errors
                .iter()
                .map(|e| {
                    let col = e.column.and_then(|c| table.headers.get(c)).cloned().unwrap_or_default();
                    (e.row_number, col, e.message.clone())
                })
                .collect(),
            imported: 0,
        };
        if !out.issues.is_empty() || dry_run {
            return Ok(out);
        }
        let mut tx = self.db.begin().await?;
        for r in &rows {
            storage::dues::insert_payment(&mut tx, r, actor.account_id).await?;
        }
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "dues.import",
                entity: "org",
                entity_id: Some(org_id),
                org_path: Some(org.path.clone()),
                before: None,
                after: Some(serde_json::json!({"rows": rows.len(), "amount": out.amount.to_string()})),
            },
        )
        .await?;
        tx.commit().await?;
        out.imported = rows.len();
        Ok(out)
    }

    async fn check_dues_sheet(
        &self,
        actor: &Actor,
        org: &storage::org::OrgRow,
        bytes: &[u8],
    ) -> Result<(Table, Vec<CellError>, Vec<PaymentRow>)> {
        let _slot = self.read_slots.acquire().await.map_err(|e| ServiceError::Internal(e.to_string()))?;
        let owned = bytes.to_vec();
        let table = tokio::task::spawn_blocking(move || reports::read_table(&owned, &is_header))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .map_err(|e| ServiceError::field("file", e.to_string()))?;
        let mut errors = Vec::new();
        let header = |name: &str| CellError { row_number: table.header_row, column: None, message: name.to_string() };
        let (name_col, amount_col, paid_col) = (column(&table, NAME), column(&table, AMOUNT), column(&table, PAID_ON));
        let month_col = column(&table, MONTH);
        let (year_col, month_no_col) = (column(&table, YEAR), column(&table, MONTH_NO));
        if name_col.is_none() {
            errors.push(header("缺少“姓名”列"));
        }
        if amount_col.is_none() {
            errors.push(header("缺少“实交”（金额）列"));
        }
        if paid_col.is_none() {
            errors.push(header("缺少“交纳日期”列"));
        }
        if month_col.is_none() && (year_col.is_none() || month_no_col.is_none()) {
            errors.push(header("缺少“月份”列（或“年”和“月”两列）"));
        }
        if !errors.is_empty() {
            return Ok((table, errors, Vec::new()));
        }
        let scope = actor.scope();
        let members = storage::member::of_org(&self.db, &scope, &org.org_path()?, None).await?;
        let quarterly = storage::dues::quarterly(&self.db, &scope, Whose::Branch(org.id)).await?;
        let ctx = self.dues_context(&org.path).await?;
        let today = self.today();
        let id_col = column(&table, ID_NUMBER);
        let method_col = column(&table, METHOD);
        let note_col = column(&table, NOTE);
        let mut rows = Vec::new();
        for r in &table.rows {
            let cell = |c: Option<usize>| {
                c.and_then(|c| r.cells.get(c)).map(|x| x.text.trim().to_string()).unwrap_or_default()
            };
            let mut bad = |col: Option<usize>, message: String| {
                errors.push(CellError { row_number: r.number, column: col, message });
            };
            let name = cell(name_col);
            let id_number = cell(id_col);
            let matched: Vec<_> = members
                .iter()
                .filter(|m| m.name == name && (id_number.is_empty() || m.id_number.eq_ignore_ascii_case(&id_number)))
                .collect();
            let member = match matched.as_slice() {
                [one] => Some(*one),
                [] => {
                    bad(name_col, format!("本支部没有名为“{name}”的在册党员"));
                    None
                }
                _ => {
                    bad(name_col, format!("本支部有多名“{name}”，请加一列“身份证号”区分"));
                    None
                }
            };
            let month_text = match month_col {
                Some(c) => cell(Some(c)),
                None => format!("{}-{}", cell(year_col), cell(month_no_col)),
            };
            let month = domain::dates::parse_year_month(&month_text)
                .map_err(|e| bad(month_col.or(month_no_col), e.message().to_string()))
                .ok();
            let amount = Fen::parse(&cell(amount_col)).map_err(|e| bad(amount_col, e.to_string())).ok();
            let paid_on = match domain::dates::parse_date(&cell(paid_col)) {
                Ok(d) if d > today => {
                    bad(paid_col, "交纳日期不能晚于今天".into());
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    bad(paid_col, e.message().to_string());
                    None
                }
            };
            let method_text = cell(method_col);
            let method = match method_text.as_str() {
                "" => Some(PaymentMethod::Cash),
                t if t.contains("代扣") || t.contains("扣缴") => Some(PaymentMethod::PayrollDeduction),
                t if t.contains("转账") || t.contains("银行") => Some(PaymentMethod::Transfer),
                t if t.contains("网") || t.contains("微信") || t.contains("支付宝") => {
                    Some(PaymentMethod::Online)
                }
                t => PaymentMethod::parse(t).or_else(|| {
                    bad(method_col, format!("交纳方式“{t}”无法识别，应为现金、银行转账或网上交纳"));
                    None
                }),
            };
            let (Some(m), Some(month), Some(amount), Some(paid_on), Some(method)) =
                (member, month, amount, paid_on, method)
            else {
                continue;
            };
            let month = month_of(month);
            let draft = PaymentDraft {
                month,
                amount,
                paid_on,
                method,
                payer: Payer::Member,
                proxy_name: String::new(),
                kind: PaymentKind::Regular,
                // A back payment of more than six months needs its reason (DUES-PERIOD): the
                // sheet's 备注 gives it.
                reason: cell(note_col),
            };
            let agreed = quarterly.iter().any(|q| {
                q.member_id == m.id && month_of(q.from_month) <= month && q.to_month.is_none_or(|t| month <= t)
            });
            let checked: std::result::Result<_, FieldErrors> = payment::check(&ctx.rules, &draft, agreed);
            match checked {
                Err(refused) => {
                    for e in refused.0 {
                        let col = match e.field.as_str() {
                            "method" => method_col,
                            "month" => month_col.or(month_no_col),
                            "amount" => amount_col,
                            "reason" => note_col.or(month_col).or(month_no_col),
                            _ => None,
                        };
                        bad(col, e.message);
                    }
                }
                Ok(_) if month < month_of(m.joined_on) => {
                    bad(month_col.or(month_no_col), format!("{}入党前的月份不交纳党费", m.name));
                }
                Ok(_) => rows.push(PaymentRow {
                    id: 0,
                    member_id: m.id,
                    org_id: org.id,
                    month,
                    amount_fen: amount,
                    paid_on,
                    method,
                    payer: Payer::Member,
                    proxy_name: String::new(),
                    kind: PaymentKind::Regular,
                    reason: draft.reason.clone(),
                    to_centre: false,
                    created_by: Some(actor.account_id),
                }),
            }
        }
        Ok((table, errors, rows))
    }
}
