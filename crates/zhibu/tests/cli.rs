//! The binary's commands, run as a person would: demo, admin, audit verify after tampering,
//! backup, migrate, and refusals with clear messages.

mod common;

use common::{run_demo, zhibu};

fn sqlite_exec(data_dir: &std::path::Path, sql: &str) {
    let url = format!("sqlite://{}/zhibu.db", data_dir.display());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let db = test_support::storage::Db::connect(&url).await.unwrap();
        db.execute(sql, &[]).await.unwrap();
        db.close().await;
    });
}

fn sqlite_count(data_dir: &std::path::Path, sql: &str) -> i64 {
    let url = format!("sqlite://{}/zhibu.db", data_dir.display());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let db = test_support::storage::Db::connect(&url).await.unwrap();
        let (n,): (i64,) = db.fetch_one(sql, &[]).await.unwrap();
        db.close().await;
        n
    })
}

/// `zhibu admin reset-password` ends every session and revokes every token of the account:
/// whoever held them has lost access with the old password.
#[test]
fn reset_password_ends_every_session_and_token() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path(), "tiny");
    let out =
        zhibu(dir.path()).args(["admin", "token", "--username", "dangyuan", "--name", "script"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    sqlite_exec(
        dir.path(),
        "INSERT INTO sessions (id, account_id, data, expires_at) \
         SELECT 'a-live-session', id, '{\"csrf\":\"x\"}', 9000000000000 FROM accounts WHERE username = 'dangyuan'",
    );
    let live = "SELECT (SELECT COUNT(*) FROM api_tokens t JOIN accounts a ON a.id = t.account_id \
                WHERE a.username = 'dangyuan' AND t.revoked_at IS NULL) \
                + (SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = 'dangyuan')";
    assert_eq!(sqlite_count(dir.path(), live), 2);
    let out = zhibu(dir.path()).args(["admin", "reset-password", "--username", "dangyuan"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("new password for dangyuan"));
    assert_eq!(sqlite_count(dir.path(), live), 0);
}

#[test]
fn audit_verify_names_the_first_broken_entry() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path(), "tiny");
    let ok = zhibu(dir.path()).args(["audit", "verify"]).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("intact"));
    // The demo wrote one entry per account (6) after the seed entry: edit entry 3.
    sqlite_exec(dir.path(), "UPDATE audit_entries SET actor = 'mallory' WHERE id = 3");
    let bad = zhibu(dir.path()).args(["audit", "verify"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("entry 3"), "{}", String::from_utf8_lossy(&bad.stdout));
}

#[test]
fn audit_verify_detects_a_cut_tail_with_an_edited_head_and_never_creates_a_key() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path(), "tiny");
    let ok = zhibu(dir.path()).args(["audit", "verify"]).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));
    // Cut the two newest entries and move the head back to the entry before them.
    sqlite_exec(
        dir.path(),
        "UPDATE audit_head SET last_id = last_id - 2, \
         last_mac = (SELECT mac FROM audit_entries WHERE id = (SELECT MAX(id) - 2 FROM audit_entries))",
    );
    sqlite_exec(dir.path(), "DELETE FROM audit_entries WHERE id > (SELECT last_id FROM audit_head)");
    let bad = zhibu(dir.path()).args(["audit", "verify"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", String::from_utf8_lossy(&bad.stdout));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("does not match its MAC"));
    // Every entry deleted and the head reset.
    sqlite_exec(dir.path(), "DELETE FROM audit_entries");
    sqlite_exec(dir.path(), "UPDATE audit_head SET last_id = 0, last_mac = '', head_mac = ''");
    let bad = zhibu(dir.path()).args(["audit", "verify"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", String::from_utf8_lossy(&bad.stdout));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("not sealed"));

    // Without the key: a clear error naming where it was expected, and no new key.
    let key = dir.path().join("audit.key");
    std::fs::remove_file(&key).unwrap();
    let out = zhibu(dir.path()).args(["audit", "verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("audit key is missing") && err.contains(&key.display().to_string()), "{err}");
    assert!(!key.exists(), "verify must never create a key");
}

#[test]
fn admin_create_refuses_weak_passwords_and_prints_one_time_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let mut weak = zhibu(dir.path())
        .args(["admin", "create", "--username", "zhang", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    weak.stdin.take().unwrap().write_all(b"123456\n").unwrap();
    let out = weak.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("密码"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = zhibu(dir.path()).args(["admin", "create", "--username", "zhang"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("one-time password"));
    let out = zhibu(dir.path()).args(["admin", "create", "--username", "li", "--role", "org_admin"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--org"));
    let out = zhibu(dir.path()).args(["admin", "token", "--username", "zhang", "--name", "script"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).trim().starts_with("zb_"));
}

#[test]
fn backup_migrate_and_demo_refusals() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path(), "tiny");
    let out = zhibu(dir.path()).args(["migrate"]).output().unwrap();
    assert!(out.status.success());
    let target = dir.path().join("copy.db");
    let out = zhibu(dir.path()).args(["backup", "--out"]).arg(&target).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The copy opens, holds what the database holds, and its audit chain verifies with the key.
    let counts = |db_file: &std::path::Path| {
        let url = format!("sqlite://{}", db_file.display());
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let db = test_support::storage::Db::connect(&url).await.unwrap();
            let mut out = Vec::new();
            for table in ["orgs", "members", "meetings", "accounts", "audit_entries"] {
                let (n,): (i64,) = db.fetch_one(&format!("SELECT COUNT(*) FROM {table}"), &[]).await.unwrap();
                out.push((table, n));
            }
            let key = std::fs::read_to_string(dir.path().join("audit.key")).unwrap();
            let key = test_support::storage::audit::AuditKey::new(hex::decode(key.trim()).unwrap());
            let verdict = test_support::storage::audit::verify(&db, &key).await.unwrap();
            db.close().await;
            (out, verdict)
        })
    };
    let (original, original_verdict) = counts(&dir.path().join("zhibu.db"));
    let (copy, copy_verdict) = counts(&target);
    assert_eq!(copy, original);
    assert!(original.iter().all(|(_, n)| *n > 0), "{original:?}");
    assert!(matches!(copy_verdict, test_support::storage::audit::Verdict::Intact { .. }), "{copy_verdict:?}");
    assert_eq!(copy_verdict, original_verdict);
    let again = zhibu(dir.path()).args(["backup", "--out"]).arg(&target).output().unwrap();
    assert!(!again.status.success(), "a backup never overwrites a file");
    let out = zhibu(dir.path()).args(["demo", "--scale", "tiny"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("空数据库"));
    let out = zhibu(dir.path()).args(["demo", "--scale", "galaxy"]).output().unwrap();
    assert!(!out.status.success());
    for cmd in
        [&["serve", "--help"][..], &["admin", "create", "--help"], &["audit", "verify", "--help"], &["demo", "--help"]]
    {
        let out = zhibu(dir.path()).args(cmd).output().unwrap();
        assert!(out.status.success() && !out.stdout.is_empty(), "{cmd:?} --help");
    }
}

#[test]
fn roster_round_trip_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path(), "tiny");
    let template = dir.path().join("template.xlsx");
    assert!(zhibu(dir.path()).args(["template", "members"]).arg(&template).output().unwrap().status.success());
    let export = dir.path().join("members.xlsx");
    let out = zhibu(dir.path()).args(["export", "members"]).arg(&export).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = zhibu(dir.path()).args(["import", "members", "--dry-run"]).arg(&export).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("新增 0") && stdout.contains("错误 0 处"), "{stdout}");
    // A row with a bad date: exit 1, the row and column named, the marked file written.
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "姓名,身份证号,入党时间,所在党支部\n张三,11010519491231002X,2010-02-30,不存在的支部\n")
        .unwrap();
    let marked = dir.path().join("marked.xlsx");
    let out =
        zhibu(dir.path()).args(["import", "members"]).arg(&csv).arg("--errors-out").arg(&marked).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("第 2 行“入党时间”列") && stdout.contains("未导入任何数据"), "{stdout}");
    assert!(marked.exists());
    let orgs = dir.path().join("orgs.csv");
    assert!(zhibu(dir.path()).args(["export", "orgs"]).arg(&orgs).output().unwrap().status.success());
    let out = zhibu(dir.path()).args(["import", "orgs", "--dry-run"]).arg(&orgs).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("新增 0"), "{}", String::from_utf8_lossy(&out.stdout));
}

/// `serve --demo` on a data directory that already holds data does not load the demo again and
/// says so (with how to get a fresh demo or a new password); the log it writes to a file or a
/// pipe has no colour escape codes.
#[test]
fn serve_demo_on_existing_data_says_it_kept_the_data() {
    use std::io::{BufRead, BufReader, Read};
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path(), "tiny");
    let mut child = zhibu(dir.path())
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut said = Vec::new();
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(30)) {
        let done = line.contains("already holds data");
        said.push(line);
        if done {
            break;
        }
    }
    // The server logs that it listens right after the demo step; give it a second.
    std::thread::sleep(std::time::Duration::from_secs(1));
    child.kill().unwrap();
    child.wait().unwrap();
    let mut log = String::new();
    child.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    let said = said.join("\n");
    assert!(said.contains("已有数据，未再装入演示数据"), "{said}");
    assert!(said.contains("zhibu admin reset-password"), "{said}");
    assert!(!said.contains("一次性密码"), "no new passwords on an existing database: {said}");
    assert!(log.contains("zhibu listening on"), "{log}");
    assert!(!log.contains('\u{1b}'), "colour codes in a log that is not a terminal: {log:?}");
}

/// `zhibu recruitment`: the pipeline of the demo's committee as a table, its 备案 lists as .xlsx
/// and a person's 纪实表 as PDF; a file name of another kind is refused.
#[test]
fn recruitment_board_and_papers_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path(), "tiny");
    let out = zhibu(dir.path()).args(["recruitment", "board", "--org", "县教育局党委"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("已到步骤") && stdout.contains("1. 递交入党申请书"), "{stdout}");
    let first_id = stdout.lines().nth(1).and_then(|l| l.split('\t').next()).unwrap_or_default().to_owned();
    let filings = dir.path().join("filings.xlsx");
    let out =
        zhibu(dir.path()).args(["recruitment", "filings", "--org", "县教育局党委"]).arg(&filings).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::metadata(&filings).unwrap().len() > 1000);
    let record = dir.path().join("record.pdf");
    let out = zhibu(dir.path()).args(["recruitment", "record", "--id", &first_id]).arg(&record).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&record).unwrap().starts_with(b"%PDF"));
    let out = zhibu(dir.path()).args(["recruitment", "record", "--id", &first_id, "record.doc"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(".xlsx or .pdf"));
    // An import whose applicant is under 18 on the day: the row and column named, nothing imported.
    let csv = dir.path().join("recruits.csv");
    std::fs::write(&csv, "姓名,公民身份号码,民族,所在党支部,递交入党申请书\n少年甲,110105201001010010,汉族,东关中心小学党支部,2026-03-01\n")
        .unwrap();
    let out = zhibu(dir.path()).args(["recruitment", "import", "--dry-run"]).arg(&csv).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("第 2 行“递交入党申请书”列") && stdout.contains("DEV-AGE"), "{stdout}");
    // The deadlines of the whole tree agree with the full check's recruitment findings.
    let out = zhibu(dir.path()).args(["recruitment", "deadlines", "--format", "json"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with('{')).collect();
    assert!(!lines.is_empty() && lines.iter().all(|l| l.contains("\"rule_id\":\"DEV-")), "{stdout}");
    assert!(stdout.lines().last().is_some_and(|l| l.starts_with("DEADLINES branches=")), "{stdout}");
    let check = zhibu(dir.path()).args(["check", "--format", "json"]).output().unwrap();
    let found: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let recruitment = found
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"].as_str().is_some_and(|r| r.starts_with("DEV-") && r != "DEV-ASM-QUORUM"))
        .count();
    assert_eq!(lines.len(), recruitment, "{stdout}");
}

/// `zhibu stats`: the tables of the demo's committee on 31 December, the JSON report whose
/// children add up to the committee, and the STATS line; a bad date is refused.
#[test]
fn party_statistics_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path(), "tiny");
    let out = zhibu(dir.path()).args(["stats", "--org", "县教育局党委", "--year", "2025"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("统计时点 2025年12月31日") && stdout.contains("表2 党员基本情况"), "{stdout}");
    assert!(stdout.lines().last().is_some_and(|l| l.starts_with("STATS on=2025-12-31 ")), "{stdout}");
    let out = zhibu(dir.path()).args(["stats", "--org", "县教育局党委", "--format", "json"]).output().unwrap();
    let json = String::from_utf8_lossy(&out.stdout);
    let body = json.rsplit_once("\nSTATS").map_or(json.as_ref(), |(b, _)| b);
    let report: serde_json::Value = serde_json::from_str(body).unwrap();
    let total = report["total"]["members"]["total"].as_u64().unwrap();
    assert!(total > 10, "{body}");
    let own = report["total"]["own"]["total"].as_u64().unwrap();
    let children: u64 =
        report["children"].as_array().unwrap().iter().map(|c| c["stats"]["members"]["total"].as_u64().unwrap()).sum();
    assert_eq!(own + children, total);
    for ext in ["xlsx", "pdf"] {
        let file = dir.path().join(format!("stats.{ext}"));
        let out = zhibu(dir.path()).args(["export", "stats", "--org", "县教育局党委"]).arg(&file).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.starts_with(if ext == "pdf" { b"%PDF" } else { b"PK\x03\x04" }), "{ext}");
    }
    let out = zhibu(dir.path()).args(["export", "stats", "--org", "县教育局党委", "stats.doc"]).output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains(".xlsx or .pdf"));
    let out = zhibu(dir.path()).args(["stats", "--as-of", "2025-02-30"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--as-of"));
}

/// `zhibu birthdays`: says when no committee lists political birthdays (POL-BIRTHDAY is a local
/// practice, off by default); a month that is not one is refused naming `--month`.
#[test]
fn political_birthdays_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path(), "tiny");
    let out = zhibu(dir.path()).args(["birthdays", "--org", "县教育局党委", "--month", "2026-07"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("未开启“列出当月政治生日”"), "{stdout}");
    let out = zhibu(dir.path()).args(["birthdays", "--org", "县教育局党委", "--month", "2026-13"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--month"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `zhibu major-decisions`: the demo committee's 三重一大 register (SANZHONG-YIDA) as a table with
/// its DECISIONS line, and its ledger as .xlsx and PDF; `zhibu reports`: the requests and reports
/// it received (REPORT-ONE-MATTER), and their log.
#[test]
fn major_decisions_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path(), "tiny");
    let out = zhibu(dir.path())
        .args(["major-decisions", "list", "--org", "县教育局党委", "--year", "2025"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("日期\t组织\t类别") && stdout.contains("县教育局党委\t"), "{stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    let matters: usize = last.split("matters=").nth(1).and_then(|s| s.split(' ').next()).unwrap().parse().unwrap();
    assert!(last.starts_with("DECISIONS org=") && matters >= 3, "{last}");
    // 请示报告: what the committee received from below, with the REPORTS line, and its log.
    let out = zhibu(dir.path()).args(["reports", "list", "--org", "县教育局党委"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("收到\t"), "{stdout}");
    assert!(stdout.lines().last().is_some_and(|l| l.starts_with("REPORTS org=")), "{stdout}");
    let log = dir.path().join("reports.pdf");
    let out = zhibu(dir.path()).args(["reports", "ledger", "--org", "县教育局党委"]).arg(&log).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&log).unwrap().starts_with(b"%PDF"));
    // 意识形态阵地: the register with the reviews due, and its ledger.
    let out = zhibu(dir.path()).args(["reports", "positions", "--org", "县教育局党委"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("公众号") && stdout.contains("（已逾期）"), "{stdout}");
    assert!(stdout.lines().last().is_some_and(|l| l.starts_with("POSITIONS org=")), "{stdout}");
    let ledger = dir.path().join("positions.xlsx");
    let out = zhibu(dir.path()).args(["reports", "positions", "--org", "县教育局党委"]).arg(&ledger).output().unwrap();
    assert!(out.status.success() && std::fs::metadata(&ledger).unwrap().len() > 1000);
    // The events of 2025: an approved report meeting on a sensitive day, a seminar without one.
    let out =
        zhibu(dir.path()).args(["reports", "events", "--org", "县教育局党委", "--year", "2025"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("形势政策报告会"), "{stdout}");
    assert!(
        stdout.lines().last().is_some_and(|l| l.starts_with("EVENTS org=") && l.ends_with("sensitive=1")),
        "{stdout}"
    );
    let ledger = dir.path().join("events.pdf");
    let out = zhibu(dir.path())
        .args(["reports", "events", "--org", "县教育局党委", "--year", "2025"])
        .arg(&ledger)
        .output()
        .unwrap();
    assert!(out.status.success() && std::fs::read(&ledger).unwrap().starts_with(b"%PDF"));
    // The ledger set: the committee's list, and its 中心组 record book written into a folder.
    let out = zhibu(dir.path()).args(["ledgers", "list", "--org", "县教育局党委", "--year", "2025"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("study_group\t理论学习中心组学习记录"), "{stdout}");
    assert!(!stdout.contains("dues_sheet"), "a committee keeps no branch dues sheet: {stdout}");
    let folder = dir.path().join("ledgers");
    let out = zhibu(dir.path())
        .args([
            "ledgers",
            "write",
            "--org",
            "县教育局党委",
            "--year",
            "2025",
            "--kind",
            "study_group",
            "--format",
            "xlsx",
        ])
        .arg(&folder)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.trim_end().ends_with("written=1"), "{stdout}");
    assert!(folder.join("县教育局党委2025年理论学习中心组学习记录.xlsx").exists(), "{stdout}");
    let out = zhibu(dir.path())
        .args(["ledgers", "write", "--org", "县教育局党委", "--kind", "dues_sheet"])
        .arg(&folder)
        .output()
        .unwrap();
    assert!(!out.status.success(), "a ledger the org does not keep is refused");
    // Coverage: the committee's units by type, the uncovered private school with its finding, the
    // register; a unit list with a bad row is refused (exit 1) and a good one only checked.
    let ledger = dir.path().join("coverage.pdf");
    let out = zhibu(dir.path()).args(["coverage", "--org", "县教育局党委", "--ledger"]).arg(&ledger).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("民办新星实验学校") && stdout.contains("COVER-PRIVATE\t"), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("COVERAGE org=") && !l.ends_with("findings=0")), "{stdout}");
    assert!(std::fs::read(&ledger).unwrap().starts_with(b"%PDF"));
    let sheet = dir.path().join("units.csv");
    std::fs::write(&sheet, "单位名称,单位类别,办学性质\n某某学院,大学,民办\n").unwrap();
    let out = zhibu(dir.path()).args(["coverage", "--org", "县教育局党委", "--import"]).arg(&sheet).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("第 2 行\t单位类别"), "{stdout}");
    std::fs::write(&sheet, "单位名称,单位类别,办学性质\n某某培训学校,培训机构,民办\n").unwrap();
    let out = zhibu(dir.path())
        .args(["coverage", "--org", "县教育局党委", "--dry-run", "--import"])
        .arg(&sheet)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("IMPORT rows=1 added=1 updated=0 issues=0 dry_run"), "{stdout}");
    assert!(!stdout.contains("某某培训学校（"), "a dry run adds nothing: {stdout}");
    for name in ["sanzhong.xlsx", "sanzhong.pdf"] {
        let file = dir.path().join(name);
        let out = zhibu(dir.path())
            .args(["major-decisions", "ledger", "--org", "县教育局党委", "--year", "2025"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(std::fs::metadata(&file).unwrap().len() > 1000);
    }
}

/// `zhibu contest`: the demo's contests, the results of the one with a ranking, its ledger, the
/// blank template and a question sheet with errors (nothing imported, exit 1, the error report).
#[test]
fn knowledge_contest_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    run_demo(dir.path(), "tiny");
    let out = zhibu(dir.path()).args(["contest", "list", "--org", "县教育局党委"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("进行中") && stdout.contains("已结束"), "{stdout}");
    let out = zhibu(dir.path()).args(["contest", "results", "--contest", "1"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("名次"), "{stdout}");
    assert!(stdout.lines().last().is_some_and(|l| l.starts_with("RESULTS contest=1 ")), "{stdout}");
    let ledger = dir.path().join("results.pdf");
    let out = zhibu(dir.path()).args(["contest", "ledger", "--contest", "1"]).arg(&ledger).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&ledger).unwrap().starts_with(b"%PDF"));
    let template = dir.path().join("template.xlsx");
    assert!(zhibu(dir.path()).args(["contest", "template"]).arg(&template).output().unwrap().status.success());
    // The template's examples are in the demo's bank already: refused, nothing imported.
    let report = dir.path().join("errors.xlsx");
    let out = zhibu(dir.path())
        .args(["contest", "import", "--org", "县教育局党委", "--report"])
        .arg(&report)
        .arg(&template)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("题库中已有相同题干的题目") && stdout.contains("未导入任何题目"), "{stdout}");
    assert!(std::fs::read(&report).unwrap().starts_with(b"PK\x03\x04"));
}
