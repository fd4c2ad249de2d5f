//! The count that matters: how many tests ran on each backend and in the browser, read from
//! nextest's JUnit report. A run where one of them is zero has not tested what it claims,
//! however green it is.

use anyhow::{Context, Result, bail};
use std::path::Path;

/// Tests that ran (not skipped), by what they exercised.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub sqlite: usize,
    pub postgres: usize,
    pub browser: usize,
}

/// Counts the `<testcase>` elements of a JUnit report. A test runs on PostgreSQL when its name
/// says so (`…::postgres`, or a standalone test whose name names it), on SQLite likewise, and in
/// the browser when it belongs to the `browser` test binary.
pub fn count(junit: &str) -> Counts {
    let mut c = Counts::default();
    for case in junit.split("<testcase ").skip(1) {
        let head = case.split('>').next().unwrap_or_default();
        let attr = |name: &str| {
            head.split(&format!("{name}=\"")).nth(1).and_then(|rest| rest.split('"').next()).unwrap_or_default()
        };
        let self_closing = head.ends_with('/');
        let body = if self_closing { "" } else { case.split("</testcase>").next().unwrap_or_default() };
        if body.contains("<skipped") {
            continue;
        }
        let (name, class) = (attr("name"), attr("classname"));
        c.total += 1;
        c.sqlite += usize::from(name.contains("sqlite"));
        c.postgres += usize::from(name.contains("postgres"));
        c.browser += usize::from(class.ends_with("::browser") || class == "browser");
    }
    c
}

/// Prints the counts and fails when the backends or the browser saw no test.
pub fn report(path: &Path) -> Result<Counts> {
    let text = std::fs::read_to_string(path).with_context(|| format!("no JUnit report at {}", path.display()))?;
    let c = count(&text);
    println!(
        "xtask ci: {} tests ran: {} on SQLite, {} on PostgreSQL, {} in the browser (headless Chromium)",
        c.total, c.sqlite, c.postgres, c.browser
    );
    for (what, n) in [("SQLite", c.sqlite), ("PostgreSQL", c.postgres), ("the browser", c.browser)] {
        if n == 0 {
            bail!("no test ran on {what}: the run did not test what it claims");
        }
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_ran_tests_per_backend_and_browser_and_leaves_out_skipped_ones() {
        let junit = r#"<testsuites><testsuite name="web::http">
<testcase name="a::sqlite" classname="web::http" time="0.1"></testcase>
<testcase name="a::postgres" classname="web::http" time="0.1"></testcase>
<testcase name="schema_parity_postgres" classname="storage::contract" time="0.1"/>
<testcase name="b::postgres" classname="web::http" time="0.1"><skipped/></testcase>
<testcase name="login_and_record" classname="zhibu::browser" time="3"><failure message="x"/></testcase>
<testcase name="plain" classname="domain::dates" time="0"/>
</testsuite></testsuites>"#;
        assert_eq!(count(junit), Counts { total: 5, sqlite: 1, postgres: 2, browser: 1 });
    }

    #[test]
    fn a_report_without_a_backend_fails() {
        let dir = std::env::temp_dir().join(format!("xtask-counts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("junit.xml");
        std::fs::write(&path, r#"<testcase name="a::sqlite" classname="web::http"/>"#).unwrap();
        assert!(report(&path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
