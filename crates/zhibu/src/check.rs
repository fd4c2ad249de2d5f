//! `zhibu check` (the full check of a subtree, streamed) and `zhibu rules` (the rule catalogue).

use anyhow::{Result, bail};
use services::{Services, console_actor};

/// `zhibu check`: every rule family in force over a subtree, a page of orgs at a time.
pub async fn check(
    services: &Services,
    org: Option<String>,
    as_of: Option<String>,
    year: Option<i32>,
    format: &str,
) -> Result<std::process::ExitCode> {
    use chrono::Datelike;
    use domain::rules::Severity;
    use std::io::Write;
    let actor = console_actor();
    let as_of = match as_of {
        Some(s) => domain::dates::parse_date(&s).map_err(|e| anyhow::anyhow!("{e}"))?,
        None => services.today(),
    };
    let year = year.unwrap_or(as_of.year());
    let within = match org {
        Some(o) => Some(services.find_org(&actor, &o).await.map_err(|e| anyhow::anyhow!("{e}"))?.org_path()?),
        None => None,
    };
    if !matches!(format, "table" | "json" | "summary") {
        bail!("unknown format {format}: use table, json or summary");
    }
    // The whole subtree is checked a page of orgs at a time and each org's findings are
    // written as they come, so memory stays bounded however large the tree.
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut written: std::io::Result<()> = Ok(());
    let mut first = true;
    let mut roll = services::compliance::SubtreeCompliance::totals_only();
    if format == "json" {
        written = writeln!(out, "[");
    }
    let started = std::time::Instant::now();
    let rules = services::settings::rules_in_force(
        services.console().setting_changes().await.map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    let stats = services
        .console()
        .check_subtree_paged(within.as_ref(), year, as_of, services::compliance::CHECK_BATCH, rules, |r| {
            roll.add(&r);
            if written.is_err() {
                return;
            }
            for f in &r.findings {
                written = match format {
                    "json" => {
                        let mut v = serde_json::to_value(f).unwrap_or_default();
                        v["org_name"] = serde_json::Value::String(r.name.clone());
                        let sep = if first { "" } else { ",\n" };
                        first = false;
                        serde_json::to_string_pretty(&v)
                            .map_err(std::io::Error::other)
                            .and_then(|text| write!(out, "{sep}{text}"))
                    }
                    "table" => writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}（依据：{}）",
                        f.rule_id,
                        f.severity.label(),
                        r.name,
                        f.period.as_ref().map(|p| p.label()).unwrap_or_default(),
                        f.message,
                        f.citation
                    ),
                    _ => Ok(()),
                };
                if written.is_err() {
                    return;
                }
            }
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let elapsed = started.elapsed().as_secs_f64();
    written?;
    let count = |s: Severity| roll.findings_by_severity.get(s.as_str()).copied().unwrap_or(0);
    let total = roll.total();
    match format {
        "json" => writeln!(out, "\n]")?,
        "table" => writeln!(
            out,
            "共检查 {} 个组织（{} 年，截至 {}）：{} 条提醒，其中违规 {} 条。",
            stats.orgs,
            year,
            as_of,
            stats.findings,
            count(Severity::Violation)
        )?,
        _ => {
            writeln!(out, "检查范围：{} 个组织，{} 年，截至 {}", stats.orgs, year, as_of)?;
            writeln!(
                out,
                "提醒：{} 条（违规 {}，提示 {}，临近期限 {}）",
                stats.findings,
                count(Severity::Violation),
                count(Severity::Warning),
                count(Severity::Upcoming)
            )?;
            writeln!(
                out,
                "达标率：{}（应开展 {} 项次，达标 {} 项次）",
                total.rate_label(),
                total.required_periods,
                total.met_periods
            )?;
            writeln!(out, "读取会议记录：{} 条，分 {} 批", stats.meetings, stats.pages)?;
            let rate = if elapsed > 0.0 { stats.orgs as f64 / elapsed } else { 0.0 };
            // A fixed English line for scripts (cargo xtask bench-check reads it).
            writeln!(
                out,
                "CHECK orgs={} findings={} meetings={} required={} met={} seconds={elapsed:.3} org_years_per_second={rate:.0}",
                stats.orgs, stats.findings, stats.meetings, total.required_periods, total.met_periods
            )?;
        }
    }
    out.flush()?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// `zhibu rules`: the rule catalogue of an org (or the national rules) on a day.
pub async fn rules(
    services: &Services,
    org: Option<String>,
    on: Option<String>,
    format: &str,
) -> Result<std::process::ExitCode> {
    use std::io::Write;
    let actor = console_actor();
    let on = match on {
        Some(s) => domain::dates::parse_date(&s).map_err(|e| anyhow::anyhow!("{e}"))?,
        None => services.today(),
    };
    let catalogue = match org {
        Some(o) => {
            let org = services.find_org(&actor, &o).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            services.rule_catalogue(&actor, org.id, on).await.map_err(|e| anyhow::anyhow!("{e}"))?
        }
        None => domain::family::Rules::national().catalogue(),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        "json" => writeln!(out, "{}", serde_json::to_string_pretty(&catalogue)?)?,
        "table" => {
            writeln!(out, "编号\t类别\t要求\t适用\t参数\t级别\t来源\t党委从严\t依据")?;
            for r in &catalogue {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.id,
                    r.family.label,
                    r.title,
                    r.applies_to,
                    r.params_label(),
                    r.severity.label(),
                    r.source_label,
                    if r.tightened() { "是" } else { "否" },
                    r.citation
                )?;
            }
        }
        other => bail!("unknown format {other}: use table or json"),
    }
    out.flush()?;
    Ok(std::process::ExitCode::SUCCESS)
}
