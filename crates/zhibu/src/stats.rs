//! `zhibu stats`: the party statistics (党内统计) of a subtree on a reference date.

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use domain::dates::AgeBand;
use domain::stats::MemberTables;
use services::stats::{STATS_PAGE, StatsReport};
use services::stats_lines::{self as lines, StatLine};
use services::{Services, console_actor};
use std::io::Write;

/// The reference date of `--year` and `--as-of`, read as the page and the API read them
/// (`services::stats::reference_date`).
fn reference_date(today: NaiveDate, year: Option<i32>, as_of: Option<&str>) -> Result<NaiveDate> {
    let year = year.map(|y| y.to_string()).unwrap_or_default();
    services::stats::reference_date(today, &year, as_of.unwrap_or("")).map_err(|e| {
        let e = e.to_string().replace("year: ", "--year: ").replace("as_of: ", "--as-of: ");
        anyhow!(e)
    })
}

pub async fn stats(
    services: &Services,
    org: Option<String>,
    year: Option<i32>,
    as_of: Option<String>,
    format: &str,
) -> Result<std::process::ExitCode> {
    if !matches!(format, "table" | "json" | "summary") {
        bail!("unknown format {format}: use table, json or summary");
    }
    let on = reference_date(services.today(), year, as_of.as_deref())?;
    let actor = console_actor();
    let root = match org {
        Some(o) => Some(services.find_org(&actor, &o).await.map_err(|e| anyhow!("{e}"))?.org_path()?),
        None => None,
    };
    let started = std::time::Instant::now();
    let report = services.console().stats(root.as_ref(), on, STATS_PAGE).await.map_err(|e| anyhow!("{e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        "json" => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
        "table" => print_tables(&mut out, &report)?,
        _ => {}
    }
    let t = &report.total;
    writeln!(
        out,
        "STATS on={on} orgs={} committees={} general_branches={} branches={} members={} probationary={} women={} \
         minorities={} college_plus={} inconsistencies={} pages={} seconds={seconds:.3}",
        report.orgs_read,
        t.orgs.committees,
        t.orgs.general_branches,
        t.orgs.branches,
        t.members.total,
        t.members.probationary,
        t.members.women,
        t.members.minorities,
        t.members.college_plus,
        report.inconsistencies.len(),
        report.pages,
    )?;
    out.flush()?;
    Ok(if report.inconsistencies.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(1)
    })
}

/// `zhibu export stats FILE --org ORG`: the statistics as .xlsx or .pdf.
pub async fn export(
    services: &Services,
    file: &std::path::Path,
    org: &str,
    year: Option<i32>,
    as_of: Option<String>,
) -> Result<std::process::ExitCode> {
    let format = match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("xlsx") => services::ledger::LedgerFormat::Xlsx,
        Some("pdf") => services::ledger::LedgerFormat::Pdf,
        _ => bail!("{}: the file name must end in .xlsx or .pdf", file.display()),
    };
    let on = reference_date(services.today(), year, as_of.as_deref())?;
    let actor = console_actor();
    let org = services.find_org(&actor, org).await.map_err(|e| anyhow!("{e}"))?;
    let out = services.stats_file(&actor, org.id, on, format).await.map_err(|e| anyhow!("{e}"))?;
    std::fs::write(file, &out.bytes).map_err(|e| anyhow!("cannot write {}: {e}", file.display()))?;
    println!("党内统计表（{}，{on}）written to {}", org.name, file.display());
    Ok(std::process::ExitCode::SUCCESS)
}

fn print_tables(out: &mut dyn Write, r: &StatsReport) -> std::io::Result<()> {
    let name = r.root.as_ref().map_or("全部组织", |o| o.name.as_str());
    let m: &MemberTables = &r.total.members;
    writeln!(out, "{name} 党内统计（统计时点 {}）", domain::dates::format_cn(r.on))?;
    let print = |out: &mut dyn Write, title: &str, lines: Vec<StatLine>| -> std::io::Result<()> {
        writeln!(out, "\n{title}")?;
        for l in lines {
            writeln!(out, "{}{}\t{}", "  ".repeat(usize::from(l.depth)), l.label, l.n)?;
        }
        Ok(())
    };
    print(out, "基本情况", lines::basic(&r.total))?;
    let c = &r.total.changes;
    let period = format!("（{} 至 {}）", domain::dates::format_cn(r.last), domain::dates::format_cn(r.on));
    print(out, &format!("表1 党员数量变化{period}"), lines::table1(c))?;
    if !c.unexplained.is_empty() {
        let ids: Vec<String> = c.unexplained.iter().map(i64::to_string).collect();
        writeln!(out, "变化未能由记录说明的党员（编号）：{}", ids.join("、"))?;
    }
    writeln!(out, "\n表2 党员基本情况（职业 × 年龄）")?;
    let bands: Vec<&str> = AgeBand::ALL.iter().map(|b| b.label()).collect();
    writeln!(out, "职业\t合计\t{}", bands.join("\t"))?;
    for (name, row) in lines::occupation_labels().zip(&m.occupation_by_age) {
        let cells: Vec<String> = row.iter().map(u64::to_string).collect();
        writeln!(out, "{name}\t{}\t{}", row.iter().sum::<u64>(), cells.join("\t"))?;
    }
    print(out, "表3 入党时间", lines::table3(&r.total))?;
    print(out, "表4 学历", lines::table4(&r.total))?;
    for (title, table) in lines::events(&r.total.events) {
        print(out, title, table)?;
    }
    if !r.children.is_empty() {
        writeln!(out, "\n下级组织\t党组织数\t党员\t预备党员\t女\t少数民族\t大专及以上")?;
        for c in &r.children {
            let (s, o) = (&c.stats.members, &c.stats.orgs);
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                c.name,
                o.committees + o.general_branches + o.branches,
                s.total,
                s.probationary,
                s.women,
                s.minorities,
                s.college_plus
            )?;
        }
    }
    for i in &r.inconsistencies {
        let names: Vec<&str> = i.members.iter().map(|m| m.name.as_str()).collect();
        if names.is_empty() {
            writeln!(out, "不一致：{}", i.message)?;
        } else {
            writeln!(out, "不一致：{}：{}", i.message, names.join("、"))?;
        }
    }
    Ok(())
}

/// `zhibu birthdays`: a line per member, or why none is listed.
pub async fn birthdays(services: &Services, org: &str, month: &str) -> Result<std::process::ExitCode> {
    let actor = console_actor();
    let org = services.find_org(&actor, org).await.map_err(|e| anyhow!("{e}"))?;
    let list = services.political_birthdays(&actor, org.id, month).await.map_err(|e| match e {
        services::ServiceError::Invalid(f) => anyhow!("{}", f.to_string().replace("month: ", "--month: ")),
        other => anyhow!("{other}"),
    })?;
    let mut out = std::io::stdout().lock();
    if !list.listed {
        writeln!(out, "{}：党委未开启“列出当月政治生日”（pol_birthday.list）", org.name)?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    writeln!(out, "{} {} 政治生日：{} 名", org.name, list.month, list.members.len())?;
    for m in &list.members {
        let round = if m.round { "（逢十周年）" } else { "" };
        writeln!(out, "{}\t{}\t{}\t入党 {} 周年{round}", m.day, m.name, m.branch_name, m.years)?;
    }
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn the_reference_date_is_the_last_31_december_passed() -> Result<()> {
        assert_eq!(reference_date(d(2026, 12, 30), None, None)?, d(2025, 12, 31));
        assert_eq!(reference_date(d(2026, 12, 31), None, None)?, d(2026, 12, 31));
        assert_eq!(reference_date(d(2026, 12, 30), Some(2024), None)?, d(2024, 12, 31));
        assert_eq!(reference_date(d(2026, 12, 30), Some(2024), Some("2026-06-30"))?, d(2026, 6, 30));
        assert!(reference_date(d(2026, 12, 30), None, Some("2026-13-01")).is_err());
        Ok(())
    }
}
