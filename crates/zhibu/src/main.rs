//! zhibu (支部): the party-building work platform. One binary: the web server and the
//! operator's commands.

mod check;
mod config;
mod contest;
mod coverage;
mod dues;
mod import;
mod ledgers;
mod major_decisions;
mod major_matter_reports;
mod recruitment;
mod stats;
mod training;
mod transfers;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use config::Config;
use domain::scope::RoleKind;
use services::accounts::{NewAccount, RoleGrant, generate_password};
use services::console::{AuditKey, Database, Verdict};
use services::{HashCost, Services, console_actor};
use std::io::Read;

#[derive(Parser, Debug)]
#[command(name = "zhibu", version, about = "支部 · 党建工作平台 (party-building work platform)")]
struct Cli {
    /// Data directory: SQLite database, audit key, backups.
    #[arg(long, global = true, env = "ZHIBU_DATA_DIR")]
    data_dir: Option<String>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST:PORT/DB (default: SQLite in the data dir).
    #[arg(long, global = true, env = "ZHIBU_DATABASE_URL")]
    database_url: Option<String>,
    /// Optional TOML configuration file (default: ./zhibu.toml when it exists).
    #[arg(long, global = true, env = "ZHIBU_CONFIG")]
    config: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the web server (runs pending migrations first).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "ZHIBU_LISTEN")]
        listen: Option<String>,
        /// Fill an empty database with the county demo before serving.
        #[arg(long)]
        demo: bool,
        /// Mark the session cookie Secure (when served over HTTPS).
        #[arg(long, env = "ZHIBU_COOKIE_SECURE")]
        cookie_secure: bool,
    },
    /// Run pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Fill an empty database with realistic, deterministic demo data.
    Demo {
        /// tiny (for tests), county (~120 branches, ~3,000 members), city (~50,000 members) or
        /// province (~5,000,000 members).
        #[arg(long, default_value = "county")]
        scale: String,
        /// The date the demo is built around (default: today).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Back up the database to a file (SQLite: a consistent copy; PostgreSQL: pg_dump).
    Backup {
        /// Output file (default: DATA_DIR/backups/zhibu-YYYYmmdd-HHMMSS.db or .sql).
        #[arg(long)]
        out: Option<String>,
    },
    /// Audit chain commands.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Import from a spreadsheet (.xlsx, .xls or .csv).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export to a spreadsheet (.xlsx or .csv, chosen by the file name).
    #[command(subcommand)]
    Export(ExportCommand),
    /// Write an empty import template.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Party dues (党费): the calculator and the month's close.
    #[command(subcommand)]
    Dues(DuesCommand),
    /// Recruitment (发展党员): the pipeline and its papers.
    #[command(subcommand)]
    Recruitment(recruitment::RecruitmentCommand),
    /// Study and training (学习培训): members' class hours, the training register, platform imports.
    #[command(subcommand)]
    Training(training::TrainingCommand),
    /// 三重一大 (SANZHONG-YIDA): the register of matters decided collectively, and its ledger.
    #[command(subcommand)]
    MajorDecisions(major_decisions::MajorDecisionCommand),
    /// 请示报告 (REPORT-ONE-MATTER): an org's requests and reports sent up and received, and the log;
    /// the register of ideological positions and the events on sensitive dates (IDEOLOGY-RESP).
    #[command(subcommand)]
    Reports(major_matter_reports::ReportCommand),
    /// An org's ledger set (台账) for a year: listed, or written out as .xlsx and PDF files into a
    /// folder, all generated from the records.
    #[command(subcommand)]
    Ledgers(ledgers::LedgerCommand),
    /// Coverage of every unit (COVER-PRIVATE): units by type and ownership, how they are covered,
    /// the uncovered ones and the rule's findings; imports a unit list, writes the register.
    Coverage(coverage::CoverageArgs),
    /// The "学条例" knowledge contest (知识竞赛): contests, results per org, the results ledger,
    /// question sheet imports.
    #[command(subcommand)]
    Contest(contest::ContestCommand),
    /// Party statistics (党内统计) of a subtree on a reference date: members counted where their
    /// membership sits that day, by occupation and age, joining period and education, and the
    /// orgs by kind. Exits 1 when a consistency check fails.
    Stats {
        /// Only this org's subtree (id, unique name or name path).
        #[arg(long)]
        org: Option<String>,
        /// The year whose 31 December is the reference date (default: the last one passed).
        #[arg(long)]
        year: Option<i32>,
        /// Another reference date instead of 31 December.
        #[arg(long)]
        as_of: Option<String>,
        /// table (the tables in Chinese), json (the report with each child's figures), or
        /// summary (the STATS line only).
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Political birthdays (政治生日, POL-BIRTHDAY) of a month in an org's subtree: the members
    /// whose joining anniversary falls in it, where a committee lists them.
    Birthdays {
        /// The org (id, unique name or name path).
        #[arg(long)]
        org: String,
        /// The month, 2026-07 (default: this month).
        #[arg(long, default_value = "")]
        month: String,
    },
    /// An org's transfers of membership (组织关系转接): incoming (default) or sent.
    Transfers {
        /// The org (id, unique name or name path).
        #[arg(long)]
        org: String,
        /// incoming or sent.
        #[arg(long, default_value = "incoming")]
        direction: String,
        /// Only those in this state: pending, received, returned or cancelled.
        #[arg(long)]
        state: Option<String>,
        /// table or json (one object per line).
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Check orgs against the rules of organizational life and the org rules; prints every
    /// finding with its rule ID and citation.
    Check {
        /// Only this org's subtree (id, unique name or name path).
        #[arg(long)]
        org: Option<String>,
        /// The date to check as of (default: today).
        #[arg(long)]
        as_of: Option<String>,
        /// The year whose periods are checked (default: the as-of date's year).
        #[arg(long)]
        year: Option<i32>,
        /// table (one line per finding), json (an array of findings), or summary (counts,
        /// compliance rate and timing only: for large trees and benchmarks).
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// List every rule in force for an org (the rule catalogue): ID, title, citation, parameters,
    /// severity, source, and whether a committee tightened it.
    Rules {
        /// The org (id, unique name or name path); the national rules when left out.
        #[arg(long)]
        org: Option<String>,
        /// The day (default: today).
        #[arg(long)]
        on: Option<String>,
        /// table or json.
        #[arg(long, default_value = "table")]
        format: String,
    },
}

#[derive(Subcommand, Debug)]
enum DuesCommand {
    /// The monthly due of a base (DUES-EMPLOYED-BRACKETS, DUES-RETIREE, DUES-FLAT): amount, rate,
    /// bracket and rule. Needs no database unless --org asks for a committee's settings.
    Quote {
        /// employed, annual_salary, self_employed, retired, farmer, student, unemployed,
        /// low_income, other (or the Chinese label).
        #[arg(long)]
        category: String,
        /// The monthly base in yuan ("5100", "5,100.50"); 0 for flat categories.
        #[arg(long, default_value = "")]
        base: String,
        /// A farmer's chosen amount (0.20 to 1.00 yuan).
        #[arg(long, default_value = "")]
        chosen: String,
        /// The month (YYYY-MM; default: this month).
        #[arg(long)]
        month: Option<String>,
        /// Use this org's committee settings (id, unique name or name path).
        #[arg(long)]
        org: Option<String>,
        /// table or json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// The month's close of a subtree: due, paid and outstanding per branch, members in arrears.
    /// Streamed a page of orgs at a time; nothing is stored.
    Run {
        /// The month (YYYY-MM).
        #[arg(long)]
        month: String,
        /// Only this org's subtree (id, unique name or name path).
        #[arg(long)]
        org: Option<String>,
        /// table (one line per branch), json (one object per line), or summary (totals only).
        #[arg(long, default_value = "table")]
        format: String,
    },
}

#[derive(Subcommand, Debug)]
enum ImportCommand {
    /// Import members: every row is checked first; any error imports nothing and is listed by
    /// row and column (exit status 1). Rows match registered members by ID number.
    Members {
        file: std::path::PathBuf,
        /// Only check and report; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Branch (id, unique name or name path) for rows that name no org.
        #[arg(long)]
        branch: Option<String>,
        /// Also write the file back with the bad cells marked to this .xlsx.
        #[arg(long)]
        errors_out: Option<std::path::PathBuf>,
    },
    /// Import the org tree (the columns `export orgs` writes); orgs match by name path.
    Orgs {
        file: std::path::PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
enum ExportCommand {
    /// Export members (current members; --status all for everyone).
    Members {
        file: std::path::PathBuf,
        /// Only this org's subtree (id, unique name or name path such as 县教育局党委/县第一高级中学党总支).
        #[arg(long)]
        org: Option<String>,
        /// template (re-importable) or annex4 (the national system's 附件4 summary sheet).
        #[arg(long, default_value = "template")]
        shape: String,
        /// A member status, or `all`.
        #[arg(long, default_value = "")]
        status: String,
    },
    /// Export the org tree.
    Orgs { file: std::path::PathBuf },
    /// Export the party statistics (党内统计表) of an org's subtree: .xlsx (a sheet per table) or
    /// .pdf.
    Stats {
        file: std::path::PathBuf,
        /// The org (id, unique name or name path).
        #[arg(long)]
        org: String,
        /// The year whose 31 December is the reference date (default: the last one passed).
        #[arg(long)]
        year: Option<i32>,
        /// Another reference date instead of 31 December.
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum TemplateCommand {
    /// The member import template (.xlsx) with Chinese headers and instructions.
    Members { file: std::path::PathBuf },
}

#[derive(Subcommand, Debug)]
enum AdminCommand {
    /// Create an account. The password is read from standard input with --password-stdin,
    /// otherwise a random one-time password is generated and printed once.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        /// system_admin, org_admin, party_worker or member.
        #[arg(long, default_value = "system_admin")]
        role: String,
        /// Org id or exact org name the role applies to (org_admin, party_worker).
        #[arg(long)]
        org: Option<String>,
        /// Member id of the person (member role).
        #[arg(long)]
        member_id: Option<i64>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new random one-time password for an account and print it once.
    ResetPassword {
        #[arg(long)]
        username: String,
    },
    /// Create a personal API token for an account and print it (only the token, on stdout).
    Token {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Verify the HMAC chain and its keyed head; exits 2 and names the first broken entry, or
    /// exits 1 when the key is missing (a key is never created here).
    Verify,
    /// Seal the chain head of a database written before heads were sealed, after checking that
    /// every entry is intact. Refuses when the head is already sealed.
    Seal,
}

/// mimalloc instead of glibc's malloc: an upload is parsed on a blocking thread and processed on
/// an async worker, and glibc keeps the memory freed in one thread's arena away from the others,
/// which raised the peak of a 50,000-row import from 190 MB to 240 MB (check) and 310 MB (import).
/// Built without transparent huge pages (`no_thp`): zeroing each fresh 2 MiB page took up to a
/// quarter of a city's full check, at random (0.1 to 1.0 s of system time for the same run).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ZHIBU_LOG").unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colours only on a terminal: a log redirected to a file gets no escape codes.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn open(cfg: &Config) -> Result<Services> {
    open_with(cfg, true).await
}

/// Opens the database and the services. The audit key is created (and the empty chain's head
/// sealed with it) only when `may_create_key` and the chain has never been written; a missing
/// key for a written chain is an error that says where the key was expected.
async fn open_with(cfg: &Config, may_create_key: bool) -> Result<Services> {
    std::fs::create_dir_all(&cfg.data_dir).with_context(|| format!("cannot create data dir {}", cfg.data_dir))?;
    let db = Database::open(&cfg.database_url()).await.context("cannot open the database")?;
    db.migrate().await.context("cannot migrate the database")?;
    let key = match config::read_audit_key(cfg)? {
        Some(key) => key,
        None if may_create_key && db.audit_unwritten().await? => {
            let key = config::create_audit_key(cfg)?;
            db.seal_empty_chain(&AuditKey::new(key.clone())).await?;
            key
        }
        None => anyhow::bail!(config::missing_key(cfg)),
    };
    let mut services = db.into_services(AuditKey::new(key), HashCost::default());
    services.list_cache_ms = cfg.list_cache_ms;
    services.files_dir = Some(std::path::Path::new(&cfg.data_dir).join("attachments"));
    services.font_path = Some(cfg.font_path.clone()).filter(|p| !p.is_empty()).map(Into::into);
    Ok(services)
}

async fn run(cli: Cli) -> Result<std::process::ExitCode> {
    let cfg = Config::load(cli.config.as_deref(), cli.data_dir.as_deref(), cli.database_url.as_deref())?;
    match cli.command {
        Command::Serve { listen, demo, cookie_secure } => {
            let services = open(&cfg).await?;
            if demo {
                if services.console().has_no_orgs().await? {
                    print_demo(services.seed_demo(services::demo::Scale::County, services.today()).await?);
                } else {
                    // Never fill a database that holds data; say so rather than skip in silence.
                    println!(
                        "数据目录 {} 中已有数据，未再装入演示数据，原有账户和密码不变。要重新装入：换一个空的数据目录\
                         （--data-dir），或删除该目录后再运行；忘记密码可用 zhibu admin reset-password 重设。",
                        cfg.data_dir
                    );
                    println!(
                        "The data directory {} already holds data: the demo was not loaded again and the accounts \
                         keep their passwords. Use an empty --data-dir for a fresh demo; `zhibu admin reset-password` \
                         sets a new password.",
                        cfg.data_dir
                    );
                }
            }
            if let Some(password) = services.console().ensure_first_admin().await? {
                println!("首次启动：已创建系统管理员账户 admin，一次性密码（只显示这一次，登录后须修改）：{password}");
                println!("First start: created system admin `admin` with one-time password: {password}");
            }
            let listen = listen.unwrap_or(cfg.listen.clone());
            let state = web::AppState {
                services,
                config: web::WebConfig {
                    cookie_secure: cookie_secure || cfg.cookie_secure,
                    session_hours: cfg.session_hours,
                    upload_dir: std::path::Path::new(&cfg.data_dir).join("uploads"),
                },
            };
            let housekeeper = state.services.clone();
            tokio::spawn(async move {
                // Housekeeping: expired sessions and old failed-login records, hourly.
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
                loop {
                    tick.tick().await;
                    if let Err(e) = housekeeper.housekeeping().await {
                        tracing::warn!("housekeeping failed: {e}");
                    }
                }
            });
            let app = web::router(state);
            let listener =
                tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("cannot listen on {listen}"))?;
            tracing::info!("zhibu listening on http://{}", listener.local_addr()?);
            axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let services = open(&cfg).await?;
            println!("migrations up to date: {:?}", services.console().migration_versions());
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Demo { scale, as_of } => {
            let Some(scale) = services::demo::Scale::parse(&scale) else {
                bail!("unknown scale {scale}: use tiny, county, city or province");
            };
            // A malformed date is refused before the database is touched.
            let as_of = as_of.map(|s| domain::dates::parse_date(&s)).transpose().map_err(|e| anyhow::anyhow!("{e}"))?;
            let services = open(&cfg).await?;
            let as_of = as_of.unwrap_or_else(|| services.today());
            let started = std::time::Instant::now();
            let summary = services.seed_demo(scale, as_of).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!("demo data built in {:.1} s", started.elapsed().as_secs_f64());
            print_demo(summary);
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Admin(cmd) => admin(&cfg, cmd).await,
        Command::Import(ImportCommand::Members { file, dry_run, branch, errors_out }) => {
            let services = open(&cfg).await?;
            import::import_members(&services, &file, dry_run, branch, errors_out).await
        }
        Command::Import(ImportCommand::Orgs { file, dry_run }) => {
            let services = open(&cfg).await?;
            import::import_orgs(&services, &file, dry_run).await
        }
        Command::Export(cmd) => {
            let services = open(&cfg).await?;
            export(&services, cmd).await
        }
        Command::Birthdays { org, month } => {
            let services = open(&cfg).await?;
            stats::birthdays(&services, &org, &month).await
        }
        Command::Stats { org, year, as_of, format } => {
            let services = open(&cfg).await?;
            stats::stats(&services, org, year, as_of, &format).await
        }
        Command::Check { org, as_of, year, format } => {
            let services = open(&cfg).await?;
            check::check(&services, org, as_of, year, &format).await
        }
        Command::Dues(DuesCommand::Quote { category, base, chosen, month, org: None, format }) => {
            dues::quote(&category, &base, &chosen, month.as_deref(), &format)
        }
        Command::Dues(DuesCommand::Quote { category, base, chosen, month, org: Some(org), format }) => {
            let services = open(&cfg).await?;
            dues::quote_for_org(&services, &org, &category, &base, &chosen, month.as_deref(), &format).await
        }
        Command::Dues(DuesCommand::Run { month, org, format }) => {
            let services = open(&cfg).await?;
            dues::run(&services, &month, org, &format).await
        }
        Command::Transfers { org, direction, state, format } => {
            let services = open(&cfg).await?;
            let org = resolve_org(&services, &org).await?;
            transfers::list(&services, org, &direction, state.as_deref(), &format).await
        }
        Command::Training(command) => {
            let services = open(&cfg).await?;
            let org = match &command {
                training::TrainingCommand::Hours { org, .. }
                | training::TrainingCommand::Ledger { org, .. }
                | training::TrainingCommand::Import { org, .. } => resolve_org(&services, org).await?,
            };
            training::run(&services, org, &command).await
        }
        Command::MajorDecisions(command) => {
            let services = open(&cfg).await?;
            let org = resolve_org(&services, command.org()).await?;
            major_decisions::run(&services, org, &command).await
        }
        Command::Reports(command) => {
            let services = open(&cfg).await?;
            let org = resolve_org(&services, command.org()).await?;
            major_matter_reports::run(&services, org, &command).await
        }
        Command::Ledgers(command) => {
            let services = open(&cfg).await?;
            let org = resolve_org(&services, command.org()).await?;
            ledgers::run(&services, org, &command).await
        }
        Command::Contest(command) => {
            let services = open(&cfg).await?;
            contest::run(&services, &command).await
        }
        Command::Coverage(args) => coverage::run(&open(&cfg).await?, &args).await,
        Command::Recruitment(command) => {
            let services = open(&cfg).await?;
            let org = match &command {
                recruitment::RecruitmentCommand::Board { org, .. }
                | recruitment::RecruitmentCommand::Filings { org, .. } => Some(resolve_org(&services, org).await?),
                recruitment::RecruitmentCommand::Deadlines { org: Some(org), .. } => {
                    Some(resolve_org(&services, org).await?)
                }
                recruitment::RecruitmentCommand::Record { .. }
                | recruitment::RecruitmentCommand::Import { .. }
                | recruitment::RecruitmentCommand::Deadlines { org: None, .. } => None,
            };
            recruitment::run(&services, org, &command).await
        }
        Command::Rules { org, on, format } => {
            let services = open(&cfg).await?;
            check::rules(&services, org, on, &format).await
        }
        Command::Template(TemplateCommand::Members { file }) => {
            let bytes = reports::write::member_template_xlsx().map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(&file, bytes).with_context(|| format!("cannot write {}", file.display()))?;
            println!("template written to {}", file.display());
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Backup { out } => backup(&cfg, out).await,
        Command::Audit(AuditCommand::Verify) => {
            let services = open_with(&cfg, false).await?;
            match services.console().verify_audit_chain().await? {
                Verdict::Intact { entries, head_mac } => {
                    println!("audit chain intact: {entries} entries, head MAC {head_mac}");
                    Ok(std::process::ExitCode::SUCCESS)
                }
                Verdict::Broken { entry_id, reason } => {
                    println!("audit chain BROKEN at entry {entry_id}: {reason}");
                    Ok(std::process::ExitCode::from(2))
                }
                Verdict::Unsealed { entries } => {
                    println!(
                        "audit chain BROKEN: its {entries} entries check out but the chain head is not sealed with \
                         the key, so entries may have been cut off the end: either the head was reset, or the \
                         database predates sealed heads (then run `zhibu audit seal` once)"
                    );
                    Ok(std::process::ExitCode::from(2))
                }
            }
        }
        Command::Audit(AuditCommand::Seal) => {
            let services = open_with(&cfg, false).await?;
            let entries = match services.console().verify_audit_chain().await? {
                Verdict::Unsealed { entries } => entries,
                Verdict::Intact { .. } => anyhow::bail!("the chain head is already sealed; nothing to do"),
                Verdict::Broken { entry_id, reason } => {
                    println!("audit chain BROKEN at entry {entry_id}: {reason}; the head was not sealed");
                    return Ok(std::process::ExitCode::from(2));
                }
            };
            services.console().seal_audit_head().await?;
            println!("audit chain head sealed at entry {entries}");
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}

fn print_demo(s: services::demo::DemoSummary) {
    println!("演示数据已装入：{} 个组织，{} 名党员。", s.orgs, s.members);
    println!("组织生活记录：{} 次会议（活动），{} 条出席记录。", s.meetings, s.attendance);
    println!("演示账号（密码只显示这一次）：");
    for a in s.accounts {
        println!("演示账号 {} {} {}", a.username, a.password, a.role);
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn admin(cfg: &Config, cmd: AdminCommand) -> Result<std::process::ExitCode> {
    let services = open(cfg).await?;
    match cmd {
        AdminCommand::Create { username, display_name, role, org, member_id, password_stdin } => {
            let Some(role) = RoleKind::parse(&role) else {
                bail!("unknown role {role}: use system_admin, org_admin, party_worker or member");
            };
            let org_id = match org {
                None => None,
                Some(o) => Some(resolve_org(&services, &o).await?),
            };
            if matches!(role, RoleKind::OrgAdmin | RoleKind::PartyWorker) && org_id.is_none() {
                bail!("--org is required for the {} role", role.as_str());
            }
            if role == RoleKind::Member && member_id.is_none() {
                bail!("--member-id is required for the member role");
            }
            let (password, generated) = if password_stdin {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                (s.trim_end_matches(['\n', '\r']).to_string(), false)
            } else {
                (generate_password(), true)
            };
            let id = services
                .create_account(
                    &console_actor(),
                    NewAccount {
                        display_name: display_name.unwrap_or_else(|| username.clone()),
                        username: username.clone(),
                        password: password.clone(),
                        member_id,
                        must_change_password: generated,
                        roles: vec![RoleGrant { role, org_id }],
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created account {username} (id {id}, role {})", role.as_str());
            if generated {
                println!("one-time password (shown once; must be changed at first login): {password}");
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
        AdminCommand::ResetPassword { username } => {
            let password = generate_password();
            services.console().reset_password(&username, &password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("new password for {username} (shown once): {password}");
            Ok(std::process::ExitCode::SUCCESS)
        }
        AdminCommand::Token { username, name } => {
            let Some(actor) = services.console().console_actor_of(&username).await? else {
                bail!("no account named {username}");
            };
            let (_, token) = services.create_token(&actor, &name).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{token}");
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}

fn format_of(file: &std::path::Path) -> Result<services::export::ExportFormat> {
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or_default();
    services::export::ExportFormat::parse(ext)
        .with_context(|| format!("{}: use a .xlsx or .csv file name", file.display()))
}

async fn export(services: &Services, cmd: ExportCommand) -> Result<std::process::ExitCode> {
    let actor = console_actor();
    let (file, out) = match cmd {
        ExportCommand::Members { file, org, shape, status } => {
            let shape = services::export::ExportShape::parse(&shape).context("--shape must be template or annex4")?;
            let org = match org {
                Some(o) => services.find_org(&actor, &o).await.map_err(|e| anyhow::anyhow!("{e}"))?.id.to_string(),
                None => String::new(),
            };
            let q = services::members::ListQuery { org, status, ..Default::default() };
            let out = services
                .export_members(&actor, &q, shape, format_of(&file)?)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            (file, out)
        }
        ExportCommand::Orgs { file } => {
            let out = services.export_orgs(&actor, format_of(&file)?).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            (file, out)
        }
        ExportCommand::Stats { file, org, year, as_of } => {
            return stats::export(services, &file, &org, year, as_of).await;
        }
    };
    std::fs::write(&file, &out.bytes).with_context(|| format!("cannot write {}", file.display()))?;
    println!("{} rows written to {}", out.rows, file.display());
    Ok(std::process::ExitCode::SUCCESS)
}

async fn resolve_org(services: &Services, o: &str) -> Result<i64> {
    if let Ok(id) = o.parse::<i64>() {
        return Ok(id);
    }
    let found = services.console().org_ids_named(o).await?;
    match found.as_slice() {
        [one] => Ok(*one),
        [] => bail!("no org named {o}"),
        _ => bail!("{} orgs are named {o}; give the id instead", found.len()),
    }
}

async fn backup(cfg: &Config, out: Option<String>) -> Result<std::process::ExitCode> {
    let url = cfg.database_url();
    let stamp = domain::dates::file_stamp(chrono::Local::now().naive_local());
    let dir = std::path::Path::new(&cfg.data_dir).join("backups");
    if url.starts_with("sqlite:") {
        let out = match out {
            Some(o) => o,
            None => {
                std::fs::create_dir_all(&dir)?;
                dir.join(format!("zhibu-{stamp}.db")).display().to_string()
            }
        };
        if std::path::Path::new(&out).exists() {
            bail!("{out} exists already; choose another file");
        }
        let services = open(cfg).await?;
        // VACUUM INTO writes a consistent, compacted copy while the server keeps running.
        services.console().backup_sqlite_to(&out).await?;
        println!("backup written to {out}");
    } else {
        let out = match out {
            Some(o) => o,
            None => {
                std::fs::create_dir_all(&dir)?;
                dir.join(format!("zhibu-{stamp}.sql")).display().to_string()
            }
        };
        let status = std::process::Command::new("pg_dump")
            .args(["--no-owner", "--file", &out, &url])
            .status()
            .context("cannot run pg_dump; install PostgreSQL's client tools")?;
        if !status.success() {
            bail!("pg_dump failed with {status}");
        }
        println!("backup written to {out}");
    }
    Ok(std::process::ExitCode::SUCCESS)
}
