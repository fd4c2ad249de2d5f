//! The statistics as one workbook and one PDF (党内统计表): a sheet per table, in the order and
//! with the Chinese headers of the annual report (forms.md §2.9), from the same report the page
//! shows.

use domain::dates::{AgeBand, format_cn};
use reports::table_doc::{Section, TableDoc};

use crate::ledger::{LedgerFile, LedgerFormat};
use crate::stats::StatsReport;
use crate::stats_lines::{self as lines, StatLine};
use crate::{Actor, Result, Services};

fn two_columns(heading: &str, label: &str, rows: Vec<(String, u64)>, notes: Vec<String>) -> Section {
    Section {
        heading: heading.to_string(),
        headers: vec![label.to_string(), "人数".to_string()],
        rows: rows.into_iter().map(|(l, n)| vec![l, n.to_string()]).collect(),
        numeric: vec![1],
        notes,
    }
}

/// Rows of a two-column sheet, each label indented by a full-width space per level.
fn rows(lines: Vec<StatLine>) -> Vec<(String, u64)> {
    lines.into_iter().map(|l| (format!("{}{}", "　".repeat(usize::from(l.depth)), l.label), l.n)).collect()
}

/// The document of a report about `name`.
pub fn stats_doc(r: &StatsReport, name: &str) -> TableDoc {
    let m = &r.total.members;
    let c = &r.total.changes;
    let mut sections = Vec::new();
    sections.push(two_columns(
        "基本情况",
        "项目",
        rows(lines::basic(&r.total)),
        r.inconsistencies
            .iter()
            .map(|i| {
                let names: Vec<&str> = i.members.iter().map(|m| m.name.as_str()).collect();
                if names.is_empty() {
                    format!("一致性检查未通过：{}", i.message)
                } else {
                    format!("一致性检查未通过：{}（{}）", i.message, names.join("、"))
                }
            })
            .collect(),
    ));
    let mut notes = vec![format!("{} 至 {}", format_cn(r.last), format_cn(r.on))];
    if !c.unexplained.is_empty() {
        let ids: Vec<String> = c.unexplained.iter().map(i64::to_string).collect();
        notes.push(format!("变化未能由记录说明的党员（编号）：{}", ids.join("、")));
    }
    sections.push(two_columns("表1 党员数量变化", "项目", rows(lines::table1(c)), notes));
    let mut headers = vec!["职业".to_string(), "合计".to_string()];
    headers.extend(AgeBand::ALL.iter().map(|b| b.label().to_string()));
    let table2 = lines::occupation_labels()
        .zip(&m.occupation_by_age)
        .map(|(name, row)| {
            let mut line = vec![name.to_string(), row.iter().sum::<u64>().to_string()];
            line.extend(row.iter().map(u64::to_string));
            line
        })
        .collect();
    sections.push(Section {
        heading: "表2 党员基本情况".into(),
        headers,
        rows: table2,
        numeric: (1..=AgeBand::ALL.len() + 1).collect(),
        notes: vec!["年龄按统计时点计算".into()],
    });
    sections.push(two_columns("表3 入党时间", "入党时间", rows(lines::table3(&r.total)), Vec::new()));
    sections.push(two_columns("表4 学历", "学历", rows(lines::table4(&r.total)), Vec::new()));
    for (title, table) in lines::events(&r.total.events) {
        sections.push(two_columns(title, "项目", rows(table), Vec::new()));
    }
    if !r.children.is_empty() {
        sections.push(Section {
            heading: "下级党组织".into(),
            headers: [
                "党组织",
                "党组织数",
                "党员",
                "预备党员",
                "女",
                "少数民族",
                "大专及以上",
                "上年党员",
                "增加",
                "减少",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            rows: r
                .children
                .iter()
                .map(|ch| {
                    let (s, o, t) = (&ch.stats.members, &ch.stats.orgs, &ch.stats.changes);
                    vec![
                        ch.name.clone(),
                        (o.committees + o.general_branches + o.branches).to_string(),
                        s.total.to_string(),
                        s.probationary.to_string(),
                        s.women.to_string(),
                        s.minorities.to_string(),
                        s.college_plus.to_string(),
                        t.last_year.to_string(),
                        t.increases().to_string(),
                        t.decreases().to_string(),
                    ]
                })
                .collect(),
            numeric: (1..10).collect(),
            notes: Vec::new(),
        });
    }
    TableDoc {
        title: "党内统计表".into(),
        cover: vec![format!("填报单位：{name}"), format!("统计时点：{}", format_cn(r.on))],
        sections,
        footer: "由 zhibu 根据党员、组织关系转接、党籍处置和发展党员等记录生成".into(),
        landscape: true,
        font_size: 9,
        as_of: r.on.to_string(),
    }
}

impl Services {
    /// The statistics of `org_id`'s subtree on `on` as a workbook or PDF.
    pub async fn stats_file(
        &self,
        actor: &Actor,
        org_id: i64,
        on: chrono::NaiveDate,
        format: LedgerFormat,
    ) -> Result<LedgerFile> {
        let org = self.org(actor, org_id).await?;
        let report = self.stats(actor, org_id, on).await?;
        let doc = stats_doc(&report, &org.name);
        self.table_file(doc, &format!("党内统计-{}-{}", org.name, on), format).await
    }
}
