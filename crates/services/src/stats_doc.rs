//! The statistics as one workbook and one PDF (党内统计表): a sheet per table, in the order and
//! with the Chinese headers of the annual report (forms.md §2.9), from the same report the page
//! shows.

use domain::codes::{EducationLevel, Occupation};
use domain::dates::{AgeBand, format_cn};
use domain::stats::{Change, JoinPeriod, Tally};
use reports::table_doc::{Section, TableDoc};

use crate::ledger::{LedgerFile, LedgerFormat};
use crate::stats::StatsReport;
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

/// The document of a report about `name`.
pub fn stats_doc(r: &StatsReport, name: &str) -> TableDoc {
    let m = &r.total.members;
    let o = &r.total.orgs;
    let c = &r.total.changes;
    let mut sections = Vec::new();
    let mut basic: Vec<(String, u64)> = vec![
        ("党委".into(), o.committees),
        ("党总支".into(), o.general_branches),
        ("党支部".into(), o.branches),
        ("　其中：无党员的党支部".into(), o.empty_branches),
    ];
    for (kind, n) in &o.by_unit_kind {
        let label = domain::org::UnitKind::ALL.iter().find(|u| u.as_str() == kind).map_or(kind.as_str(), |u| u.label());
        basic.push((format!("　设在{label}的党组织"), *n));
    }
    basic.extend([
        ("党员总数".into(), m.total),
        ("　正式党员".into(), m.total - m.probationary),
        ("　预备党员".into(), m.probationary),
        ("　女党员".into(), m.women),
        ("　少数民族党员".into(), m.minorities),
        ("　大专及以上学历".into(), m.college_plus),
    ]);
    sections.push(two_columns(
        "基本情况",
        "项目",
        basic,
        r.inconsistencies.iter().map(|i| format!("一致性检查未通过：{i}")).collect(),
    ));
    let mut t1 = vec![("上年党员数".to_string(), c.last_year), ("增加".to_string(), c.increases())];
    t1.extend(
        Change::ALL
            .iter()
            .filter(|k| k.is_increase() && !k.is_unexplained())
            .map(|k| (format!("　{}", k.label()), c.count(*k))),
    );
    t1.push(("减少".into(), c.decreases()));
    t1.push(("　出党".into(), c.left()));
    t1.extend(Change::ALL.iter().filter(|k| !k.is_increase() && !k.is_unexplained()).map(|k| {
        let indent = if k.is_leaving() { "　　" } else { "　" };
        (format!("{indent}{}", k.label()), c.count(*k))
    }));
    t1.push(("本年党员数".into(), c.this_year));
    for k in [Change::UnexplainedIn, Change::UnexplainedOut] {
        t1.push((k.label().to_string(), c.count(k)));
    }
    let mut notes = vec![format!("{} 至 {}", format_cn(r.last), format_cn(r.on))];
    if !c.unexplained.is_empty() {
        let ids: Vec<String> = c.unexplained.iter().map(i64::to_string).collect();
        notes.push(format!("变化未能由记录说明的党员（编号）：{}", ids.join("、")));
    }
    sections.push(two_columns("表1 党员数量变化", "项目", t1, notes));
    let mut headers = vec!["职业".to_string(), "合计".to_string()];
    headers.extend(AgeBand::ALL.iter().map(|b| b.label().to_string()));
    let names = Occupation::all().iter().map(|o| o.name()).chain(["未填"]);
    let rows = names
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
        rows,
        numeric: (1..=AgeBand::ALL.len() + 1).collect(),
        notes: vec!["年龄按统计时点计算".into()],
    });
    sections.push(two_columns(
        "表3 入党时间",
        "入党时间",
        JoinPeriod::ALL.iter().zip(m.join_period).map(|(p, n)| (p.label().to_string(), n)).collect(),
        Vec::new(),
    ));
    let levels = EducationLevel::ALL.iter().map(|l| l.label()).chain(["未填"]);
    sections.push(two_columns(
        "表4 学历",
        "学历",
        levels.zip(m.education).map(|(l, n)| (l.to_string(), n)).collect(),
        Vec::new(),
    ));
    let mut table = "";
    for t in Tally::ALL {
        if t.table() != table {
            table = t.table();
            sections.push(two_columns(table, "项目", Vec::new(), Vec::new()));
        }
        if let Some(s) = sections.last_mut() {
            s.rows.push(vec![t.label().to_string(), r.total.events.get(t).to_string()]);
        }
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
