//! `zhibu dues quote` (the treasurer's calculator, no database unless `--org` asks for a
//! committee's settings) and `zhibu dues run` (the month's close of a subtree, streamed).

use std::io::Write;

use anyhow::{Result, anyhow, bail};
use services::{ServiceError, Services, console_actor};

/// A service refusal as the message a person reads: each field's error on its own line.
fn refusal(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(fields) => {
            let lines: Vec<String> = fields.0.iter().map(|f| format!("{}: {}", f.field, f.message)).collect();
            anyhow!("{}", lines.join("\n"))
        }
        other => anyhow!("{other}"),
    }
}

/// Prints the due of a base: the amount, the rate and bracket, the rule and the settings.
pub fn print_quote(q: &domain::family::dues::Quote, format: &str) -> Result<std::process::ExitCode> {
    match format {
        "json" => println!(
            "{}",
            serde_json::json!({
                "category": q.category.as_str(), "base": q.base.to_string(), "due": q.due.to_string(),
                "rate": q.rate.map(|r| r.label()), "bracket": q.bracket.to_string(), "rule_id": q.rule_id,
                "citation": q.citation, "base_rule_id": q.base_rule_id, "settings": q.settings.label(),
            })
        ),
        "table" => {
            println!("每月应交: {} 元", q.due);
            println!("类别: {}", q.category.label());
            if q.rate.is_some() {
                println!("计算基数: {} 元", q.base);
            }
            println!("档次: {}", q.bracket);
            println!("比例: {}", q.rate.map_or_else(|| "定额".to_string(), |r| r.label()));
            println!("依据: {} {}", q.rule_id, q.citation);
            println!("计算方式: {}", q.settings.label());
        }
        other => bail!("unknown format {other}: use table or json"),
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// `zhibu dues quote` with the national rules and default settings: no database.
pub fn quote(
    category: &str,
    base: &str,
    chosen: &str,
    month: Option<&str>,
    format: &str,
) -> Result<std::process::ExitCode> {
    let month = month.map(services::dues::run::parse_month).transpose().map_err(refusal)?;
    let q = Services::dues_quote(category, base, chosen, month).map_err(refusal)?;
    print_quote(&q, format)
}

/// `zhibu dues quote --org`: with the settings of the org's committee.
pub async fn quote_for_org(
    services: &Services,
    org: &str,
    category: &str,
    base: &str,
    chosen: &str,
    month: Option<&str>,
    format: &str,
) -> Result<std::process::ExitCode> {
    let actor = console_actor();
    let month = match month {
        Some(m) => services::dues::run::parse_month(m).map_err(refusal)?,
        None => services.today(),
    };
    let org = services.find_org(&actor, org).await.map_err(|e| anyhow!("{e}"))?;
    let q = services.dues_quote_for_org(&actor, org.id, category, base, chosen, month).await.map_err(refusal)?;
    print_quote(&q, format)
}

/// `zhibu dues run`: the month's close of a subtree, a page of branches at a time.
pub async fn run(
    services: &Services,
    month: &str,
    org: Option<String>,
    format: &str,
) -> Result<std::process::ExitCode> {
    let actor = console_actor();
    let month = services::dues::run::parse_month(month).map_err(refusal)?;
    if !matches!(format, "table" | "json" | "summary") {
        bail!("unknown format {format}: use table, json or summary");
    }
    let within = match org {
        Some(o) => Some(services.find_org(&actor, &o).await.map_err(|e| anyhow!("{e}"))?.org_path()?),
        None => None,
    };
    let rules =
        services::settings::rules_in_force(services.console().setting_changes().await.map_err(|e| anyhow!("{e}"))?);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut written: std::io::Result<()> = Ok(());
    if format == "table" {
        written = writeln!(out, "组织\t党员\t应交\t实交\t未交\t欠交人数\t未登记基数");
    }
    let started = std::time::Instant::now();
    let stats = services
        .console()
        .dues_month_close(within.as_ref(), month, services.today(), services::compliance::CHECK_BATCH, rules, |c| {
            if written.is_err() {
                return;
            }
            written = match format {
                "table" => writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    c.name, c.members, c.due, c.paid, c.outstanding, c.in_arrears, c.missing_base
                ),
                "json" => serde_json::to_string(&c).map_err(std::io::Error::other).and_then(|t| writeln!(out, "{t}")),
                _ => Ok(()),
            };
        })
        .await
        .map_err(|e| anyhow!("{e}"))?;
    written?;
    let yuan = domain::money::Fen::signed_yuan;
    writeln!(
        out,
        "{}: {} branches, {} members, due {} yuan, paid {} yuan, outstanding {} yuan, {} members in arrears, {} without a base; {} pages in {:.1} s",
        domain::family::dues::month_label(month),
        stats.branches,
        stats.members,
        yuan(stats.due),
        yuan(stats.paid),
        yuan(stats.outstanding),
        stats.in_arrears,
        stats.missing_base,
        stats.pages,
        started.elapsed().as_secs_f64()
    )?;
    out.flush()?;
    Ok(std::process::ExitCode::SUCCESS)
}
