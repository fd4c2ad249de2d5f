//! End to end in a real browser: headless Chromium driven through chromedriver
//! (fantoccini) against the real `zhibu serve` over demo data.
//!
//! Fails when chromedriver or chromium is missing (`.cargo/config.toml` sets
//! `ZHIBU_REQUIRE_BROWSER=1`); only an explicit `ZHIBU_REQUIRE_BROWSER=0` skips it.
//! `ZHIBU_CHROMEDRIVER` and `ZHIBU_CHROMIUM` override the default paths
//! /usr/bin/chromedriver and /usr/bin/chromium.

mod common;
#[path = "browser/contest.rs"]
mod contest;
#[path = "browser/steps.rs"]
mod steps;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use steps::{SHOTS, assert_the_guide_shows_only_current_screenshots, committee_settings, docs_screenshots, own_view};

use common::{App, ChildGuard, DemoAccount, free_port, http_get, parse_demo_accounts, url_encode};

/// How long to wait for an element, a navigation or a page change.
const WAIT: Duration = Duration::from_secs(10);
/// How long chromedriver may take to answer GET /status.
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(30);
/// The text of the page for a record that is out of scope or does not exist.
const NOT_FOUND_TEXT: &str = "找不到该记录，或您无权查看";

#[test]
fn member_registry_in_a_browser() {
    let Some((driver_path, chromium_path)) = browser_paths() else { return };

    let app = App::start("tiny");
    let temp = tempfile::Builder::new().prefix("zhibu-browser-").tempdir().expect("create a temp dir");
    let driver = Chromedriver::start(&driver_path, temp.path());
    let screenshot_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("zhibu-browser");

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("build a tokio runtime");
    runtime.block_on(async {
        let client = connect(&driver.url, &chromium_path, &temp.path().join("chromium-profile")).await;
        let ui = Ui { client: client.clone(), base: app.base_url.clone(), port: app.port };
        let accounts = Accounts {
            dangwu1: (app.account("dangwu1").username.clone(), app.account("dangwu1").password.clone()),
            dangwu2: (app.account("dangwu2").username.clone(), app.account("dangwu2").password.clone()),
            jiaoyuju: (app.account("jiaoyuju").username.clone(), app.account("jiaoyuju").password.clone()),
            zongzhi: (app.account("zongzhi").username.clone(), app.account("zongzhi").password.clone()),
            dangyuan: (app.account("dangyuan").username.clone(), app.account("dangyuan").password.clone()),
        };
        // Run the scenario as a task so that a failed assertion still lets us
        // close the browser session before the panic is passed on.
        let outcome = tokio::spawn(scenario(ui, accounts, screenshot_dir)).await;
        match tokio::time::timeout(Duration::from_secs(30), client.close()).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => eprintln!("warning: could not close the browser session: {err}"),
            Err(_) => eprintln!("warning: closing the browser session timed out"),
        }
        if let Err(err) = outcome {
            match err.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(err) => panic!("the browser scenario did not finish: {err}"),
            }
        }
    });
    drop(driver);
    drop(app);
    assert_the_guide_shows_only_current_screenshots();
}

struct Accounts {
    dangwu1: (String, String),
    dangwu2: (String, String),
    /// The committee's administrator, and a general branch's below it.
    jiaoyuju: (String, String),
    zongzhi: (String, String),
    /// A plain member.
    dangyuan: (String, String),
}

/// The steps, in order, in one browser session.
async fn scenario(ui: Ui, accounts: Accounts, screenshot_dir: PathBuf) {
    // dangwu1: the party worker of the first branch.
    ui.login(&accounts.dangwu1.0, &accounts.dangwu1.1).await;

    // The home page is the branch's to-do list: most urgent first, each with its fix link, the
    // month's calendar beside it; it holds at phone width.
    ui.goto("/").await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.wait_css("section.todo table.calendar").await;
    let items = ui.count("section.todo li.todo-item").await;
    let empty = ui.count("section.todo .todo-empty").await;
    assert!(items > 0 || empty > 0, "the to-do list lists or says there is nothing to do");
    if items > 0 {
        let first = ui.wait_css("section.todo ul.todo-list").await;
        let bucket = first.attr("data-bucket").await.expect("read the bucket").unwrap_or_default();
        assert!(["overdue", "this_week", "this_month", "later"].contains(&bucket.as_str()), "{bucket}");
        let fix = ui.wait_css("section.todo li.todo-item a.fix-link").await;
        let height = fix.rectangle().await.expect("measure the fix link").3;
        assert!(height >= 44.0, "the fix link is a tap target of 44 px or more ({height})");
    }
    ui.shot("home").await;
    eprintln!("step: the home page lists {items} things to do");

    let branch_path = ui.open_first_branch_with_add_member().await;
    eprintln!("step: {branch_path} offers 添加党员");
    ui.click("a#add-member").await;
    ui.wait_css("form#member-form").await;
    let form_path = ui.path().await;
    assert!(form_path.starts_with("/members/new"), "a#add-member led to {form_path}, not /members/new?branch=…");
    eprintln!("step: on {form_path}");

    let name = unique_name();
    let body17 = "11010519900307002"; // Beijing Chaoyang, born 1990-03-07, sequence 002 (even: female)
    let good_check = check_digit(body17);
    let good_id = format!("{body17}{good_check}");
    let wrong_id = format!("{body17}{}", wrong_check_digit(good_check));
    eprintln!("step: new member {name}, valid ID {good_id}, first with the wrong check digit ({wrong_id})");

    // A wrong check digit: the form comes back with the error next to the field.
    ui.fill_member_form(&name, &wrong_id).await;
    ui.click("button#save").await;
    let error = ui.wait_css(r#".field-error[data-field="id_number"]"#).await;
    let error_text = error.text().await.expect("read the id_number error");
    assert!(error_text.contains("校验位"), "the id_number error should mention 校验位, got {error_text:?}");
    ui.wait_css("form#member-form").await;
    eprintln!("step: rejected with {error_text:?}");

    // Nothing was saved: look in another tab so the form with its error stays.
    let form_window = ui.client.window().await.expect("current window");
    let tab = ui.client.new_window(true).await.expect("open a tab");
    ui.client.switch_to_window(tab.handle).await.expect("switch to the new tab");
    assert_eq!(ui.search_members(&name).await, 0, "the rejected member {name} must not have been saved");
    ui.client.close_window().await.expect("close the tab");
    ui.client.switch_to_window(form_window).await.expect("switch back to the form");
    eprintln!("step: nothing saved");

    // The right check digit: saved, and we land on the new member's page.
    ui.fill_member_form(&name, &good_id).await;
    ui.click("button#save").await;
    let landed = ui.wait_for_path("the new member's page", is_member_page).await;
    let member_path = landed.split('?').next().unwrap_or_default().to_owned();
    let member_id = member_path.trim_start_matches("/members/").to_owned();
    let h1 = ui.wait_css("h1").await.text().await.expect("read h1");
    assert!(h1.contains(&name), "the member page's h1 should contain {name}, got {h1:?}");
    eprintln!("step: saved as {member_path}");

    assert_eq!(ui.search_members(&name).await, 1, "the member list should find exactly one {name}");
    let rows = ui.client.find_all(Locator::Css("table#members tr.member-row")).await.expect("find member rows");
    let link = rows[0].find(Locator::Css("a.member-link")).await.expect("a.member-link in the row");
    let href = link.attr("href").await.expect("read href").unwrap_or_default();
    assert!(href.ends_with(&format!("/members/{member_id}")), "the row links to {href:?}, expected {member_path}");
    eprintln!("step: the member list shows one row for {name}");

    // The member list at phone width (no assertion on pixels).
    ui.shot("members").await;

    // Batch import through the two-phase page: a CSV placed in the worker's branch by default,
    // checked (preview with counts), then committed.
    std::fs::create_dir_all(&screenshot_dir).expect("create the screenshot dir");
    let import_body = "11010519880808003";
    let import_id = format!("{import_body}{}", check_digit(import_body));
    let import_name = format!("{name}导");
    let csv_path = screenshot_dir.join("import.csv");
    std::fs::write(
        &csv_path,
        format!("姓名,身份证号,民族,入党时间,转正时间\n{import_name},{import_id},汉族,2012/7/1,2013年7月1日\n"),
    )
    .expect("write the CSV");
    ui.goto("/members/import").await;
    let input = ui.wait_css("input[type=file]").await;
    input.send_keys(csv_path.to_str().expect("UTF-8 path")).await.expect("choose the file");
    ui.client
        .execute("document.querySelector('#f-branch').selectedIndex = 1;", vec![])
        .await
        .expect("choose the default branch");
    ui.click("button#check").await;
    ui.wait_css("#import-counts").await;
    let png = ui.client.screenshot().await.expect("screenshot the preview");
    std::fs::write(screenshot_dir.join("import-preview.png"), png).expect("write the screenshot");
    ui.click("button#commit").await;
    ui.wait_css("#import-done").await;
    assert_eq!(ui.search_members(&import_name).await, 1, "the imported member is in the list");
    eprintln!("step: imported {import_name} through the two-phase page");

    // Organizational life: record a 主题党日 at phone width (only the exceptions are marked),
    // then the year's page lists it.
    let branch_id = branch_path.split('?').next().unwrap_or_default().trim_start_matches("/orgs/").to_owned();
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("/orgs/{branch_id}/meetings/new?kind=themed_day")).await;
    ui.wait_css("form#meeting-form").await;
    // A topic no demo record has, so the row found below is the one recorded here.
    let topic = format!(
        "重温入党誓词（浏览器测试{}）",
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
    );
    ui.fill("form#meeting-form", "topic", &topic).await;
    ui.choose_host_and_recorder().await;
    let png = ui.client.screenshot().await.expect("screenshot the meeting form");
    std::fs::write(screenshot_dir.join("meeting-form-phone.png"), png).expect("write the screenshot");
    ui.click("button#save").await;
    ui.wait_css("dd#counts").await;
    ui.goto(&format!("/orgs/{branch_id}/life")).await;
    ui.wait_css("table#meetings").await;
    let html = ui.client.source().await.expect("read the life page");
    let rows: Vec<&str> = html.split("<tr class=\"meeting-row\">").skip(1).filter(|row| row.contains(&topic)).collect();
    assert_eq!(rows.len(), 1, "the recorded meeting is listed once, by its topic");
    assert!(rows[0].contains("主题党日"), "listed as a 主题党日: {}", rows[0]);
    ui.shot("life").await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    eprintln!("step: recorded a 主题党日 at phone width");

    // Correct that record at phone width: the form comes filled, the reason is asked for, and
    // the record then says it was corrected and why.
    let href = rows[0].split("href=\"").nth(1).and_then(|h| h.split('"').next()).unwrap_or_default().to_owned();
    assert!(href.starts_with("/meetings/"), "{href}");
    ui.goto(&href).await;
    ui.click("a#correct-link").await;
    ui.wait_css("form#meeting-form input[name=reason]").await;
    let corrected_topic = format!("{topic}（更正）");
    ui.fill("form#meeting-form", "topic", &corrected_topic).await;
    ui.fill("form#meeting-form", "reason", "主题少写了活动地点").await;
    ui.click("button#save").await;
    ui.wait_text("p#corrected", |t| t.contains("已更正")).await;
    let corrections = ui.wait_css("section#corrections").await.text().await.expect("read the corrections");
    assert!(corrections.contains("主题少写了活动地点"), "{corrections}");
    let h1 = ui.wait_css("h1").await.text().await.expect("read the title");
    assert!(h1.contains("（更正）"), "{h1}");
    ui.assert_fits_width("the corrected record").await;
    let png = ui.client.screenshot().await.expect("screenshot the corrected record");
    std::fs::write(screenshot_dir.join("meeting-corrected-phone.png"), png).expect("write the screenshot");
    eprintln!("step: corrected the record at phone width");

    // This month's 支委会 is not recorded yet (the demo's records end with the last month that
    // was over on its date), so MTG-COMMITTEE reports it: due soon, or missed once the month is
    // over. Its fix link opens the form for a 支委会; one member is excused with a reason, the
    // minutes are typed as rich text; the record shows its quorum, and the finding is gone.
    let today = services::today();
    let year = today.format("%Y").to_string();
    let march = format!("{}年{}月", today.format("%Y"), today.format("%-m"));
    ui.goto(&format!("/orgs/{branch_id}/life?year={year}")).await;
    ui.wait_css("table#findings").await;
    let march_finding = format!(
        "return Array.from(document.querySelectorAll('tr.finding[data-rule=\"MTG-COMMITTEE\"]'))\
         .filter(function (r) {{ return r.textContent.indexOf('{march}') >= 0; }}).length;"
    );
    let n = ui.client.execute(&march_finding, vec![]).await.expect("count March's findings");
    assert_eq!(n.as_u64(), Some(1), "this month's 支委会 ({march}) is reported before it is recorded");
    ui.client
        .execute(
            &format!(
                "Array.from(document.querySelectorAll('tr.finding[data-rule=\"MTG-COMMITTEE\"]'))\
                 .filter(function (r) {{ return r.textContent.indexOf('{march}') >= 0; }})[0]\
                 .querySelector('a.fix-link').click();"
            ),
            vec![],
        )
        .await
        .expect("follow the fix link");
    ui.wait_css("form#meeting-form[data-kind=committee_meeting]").await;
    let expected = ui.count("table#attendance tr").await;
    assert!(expected >= 3, "the committee members are expected ({expected})");
    ui.fill("form#meeting-form", "topic", "研究本月工作").await;
    // Switching the kind puts the other kind's form in place, keeping the topic typed, without
    // reloading the page; switching back brings the 支委会's expected attendees again.
    ui.client.execute("window.zhibuNoReload = 1;", vec![]).await.expect("mark the page");
    let switch = |kind: &str| {
        format!(
            "var s = document.querySelector('form#meeting-form [name=kind]'); s.value = '{kind}'; \
             s.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        )
    };
    ui.client.execute(&switch("themed_day"), vec![]).await.expect("choose 主题党日");
    ui.wait_css("form#meeting-form[data-kind=themed_day]").await;
    ui.client.execute(&switch("committee_meeting"), vec![]).await.expect("choose 支委会 again");
    ui.wait_css("form#meeting-form[data-kind=committee_meeting]").await;
    let kept = ui
        .client
        .execute(
            "return [document.querySelector('form#meeting-form [name=topic]').value, window.zhibuNoReload];",
            vec![],
        )
        .await
        .expect("read the topic");
    assert_eq!(kept[0].as_str(), Some("研究本月工作"), "the topic survives switching the kind");
    assert_eq!(kept[1].as_u64(), Some(1), "the page was not reloaded");
    assert_eq!(ui.count("table#attendance tr").await, expected, "the committee is expected again");
    ui.click("table#attendance tr:first-child input[value=excused]").await;
    let reason = ui.wait_css("table#attendance tr:first-child input[name^=reason_]").await;
    reason.send_keys("外出培训").await.expect("type the reason");
    let minutes = ui.wait_css("#f-minutes-rich").await;
    minutes.click().await.expect("focus the minutes");
    minutes.send_keys("会议研究了本月的主题党日安排。").await.expect("type the minutes");
    ui.choose_host_and_recorder().await;
    ui.shot("meeting-form").await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.assert_fits_width("the meeting form").await;
    ui.click("button#save").await;
    let quorum = ui.wait_css("dd#quorum").await;
    let text = quorum.text().await.expect("read the quorum statement");
    assert!(text.contains("MTG-COMMITTEE") && text.contains("会议有效"), "{text}");
    assert!(ui.count("#minutes").await == 1, "the minutes are shown");
    ui.goto(&format!("/orgs/{branch_id}/life?year={year}")).await;
    ui.wait_css("table#meetings").await;
    let n = ui.client.execute(&march_finding, vec![]).await.expect("count March's findings");
    assert_eq!(n.as_u64(), Some(0), "the finding disappears once the 支委会 is recorded");
    ui.goto(&format!("/orgs/{branch_id}/compliance?year={year}")).await;
    ui.wait_css("#month-chart svg").await;
    // Chart text is read at its natural size on a phone (12 px or more): charts are not shrunk.
    let scale = ui
        .client
        .execute(
            "var s = document.querySelector('#month-chart svg'); \
             return s.getBoundingClientRect().width / s.width.baseVal.value;",
            vec![],
        )
        .await
        .expect("measure the chart");
    assert!(scale.as_f64().unwrap_or(0.0) >= 0.99, "the chart keeps its natural size on a phone ({scale})");
    ui.shot("compliance").await;
    // The dashboard's counts open the findings behind them, each with its fix link, and the list
    // holds at phone width.
    ui.click("#severities a:last-child").await;
    ui.wait_for_path("the findings behind the counts", |p| p.contains("/findings")).await;
    let listed = ui.count("table#findings tr.finding").await;
    assert!(listed >= 1 || ui.count("#no-findings").await == 1, "the findings page lists or says there are none");
    if listed > 0 {
        assert!(ui.count("table#findings a.fix-link").await >= 1, "findings come with their fix links");
    }
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.assert_fits_width("the findings page").await;
    ui.client.set_window_size(1280, 900).await.expect("desktop width");
    eprintln!("step: recorded {march}'s 支委会 with attendance; its finding is gone");
    let dues_member = steps::dues(&ui, &branch_id).await;
    steps::election(&ui, &branch_id).await;
    steps::lifecycle_pages(&ui, &branch_id, &dues_member).await;
    steps::statistics(&ui, &branch_id).await;
    steps::training(&ui, &branch_id).await;

    ui.logout().await;
    eprintln!("step: logged out");

    // dangwu2 (another branch) may not see the new member.
    ui.login(&accounts.dangwu2.0, &accounts.dangwu2.1).await;
    ui.assert_not_found(&member_path).await;
    ui.assert_not_found("/members/987654321").await;
    eprintln!("step: {} gets 404 for {member_path}", accounts.dangwu2.0);
    steps::transfer(&ui, &accounts, &dues_member).await;
    ui.goto("/").await;
    ui.logout().await;

    own_view(&ui, &accounts).await;
    contest::contest(&ui, &accounts).await;
    committee_settings(&ui, &accounts, &screenshot_dir).await;
    steps::recruitment(&ui, &accounts).await;
    steps::major_decisions(&ui, &accounts).await;
    steps::reports(&ui, &accounts).await;
    steps::ideology(&ui, &accounts).await;
    steps::coverage(&ui, &accounts).await;
}

/// `/members/{id}`, possibly with a query string.
fn is_member_page(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    path.strip_prefix("/members/").is_some_and(|id| !id.is_empty() && id != "new" && !id.contains('/'))
}

/// The chromedriver and Chromium to use, or `None` (skip) when chromedriver is missing.
fn browser_paths() -> Option<(PathBuf, PathBuf)> {
    let env_path = |var: &str, default: &str| {
        std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or_else(|| PathBuf::from(default))
    };
    let driver = env_path("ZHIBU_CHROMEDRIVER", "/usr/bin/chromedriver");
    let chromium = env_path("ZHIBU_CHROMIUM", "/usr/bin/chromium");
    // Required unless explicitly turned off (`.cargo/config.toml` sets it to 1 for every run).
    let required = std::env::var("ZHIBU_REQUIRE_BROWSER").as_deref() != Ok("0");
    for (what, path) in [("chromedriver", &driver), ("chromium", &chromium)] {
        if !path.is_file() {
            if required {
                panic!(
                    "{what} is not at {} (install chromium and chromium-driver, or run `cargo xtask ci`); \
                     ZHIBU_REQUIRE_BROWSER=0 skips the browser tests in a quick local loop",
                    path.display()
                );
            }
            eprintln!(
                "skipping the browser test: {what} is not at {} (install chromium and chromium-driver, \
                 or set ZHIBU_CHROMEDRIVER / ZHIBU_CHROMIUM)",
                path.display()
            );
            return None;
        }
    }
    Some((driver, chromium))
}

/// chromedriver on a free loopback port; killed on drop.
struct Chromedriver {
    url: String,
    _process: ChildGuard,
}

impl Chromedriver {
    fn start(path: &Path, temp: &Path) -> Chromedriver {
        let port = free_port();
        let mut cmd = Command::new(path);
        cmd.arg(format!("--port={port}"));
        let mut process = ChildGuard::spawn("chromedriver", cmd, &temp.join("chromedriver.log"));
        process.wait_until("answering GET /status", DRIVER_READY_TIMEOUT, || {
            http_get(port, "/status", &[]).is_ok_and(|r| r.status == 200)
        });
        eprintln!("chromedriver is ready on 127.0.0.1:{port}");
        Chromedriver { url: format!("http://127.0.0.1:{port}"), _process: process }
    }
}

async fn connect(driver_url: &str, chromium: &Path, profile: &Path) -> Client {
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": chromium.to_string_lossy(),
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--no-first-run",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        },
    });
    let serde_json::Value::Object(capabilities) = capabilities else { unreachable!("a JSON object") };
    ClientBuilder::native()
        .capabilities(capabilities)
        .connect(driver_url)
        .await
        .unwrap_or_else(|e| panic!("start a Chromium session through chromedriver at {driver_url}: {e}"))
}

/// The browser, pointed at the app.
struct Ui {
    client: Client,
    /// `http://127.0.0.1:PORT`
    base: String,
    port: u16,
}

impl Ui {
    async fn goto(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.client.goto(&url).await.unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// The current URL's path and query, e.g. `/members/new?branch=3`.
    async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("read the current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Where we are and what the page says, for failure messages.
    async fn describe(&self) -> String {
        let path = self.path().await;
        let source = self.client.source().await.unwrap_or_default();
        let mut excerpt: String = source.chars().take(4000).collect();
        if excerpt.len() < source.len() {
            excerpt.push_str("\n…");
        }
        format!("at {path}; page source:\n{excerpt}")
    }

    async fn wait_css(&self, css: &str) -> Element {
        match self.client.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
            Ok(element) => element,
            Err(err) => panic!("no `{css}` within {}s ({err}), {}", WAIT.as_secs(), self.describe().await),
        }
    }

    /// Waits until `css` shows a text that satisfies `done`, and returns it. After a submit the old
    /// page may still be showing (or its element go stale mid-read), so a read is retried until the
    /// new page says what is expected, rather than failing on the first look.
    async fn wait_text(&self, css: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
            {
                if done(&text) {
                    return text;
                }
                last = text;
            }
            if Instant::now() >= deadline {
                panic!(
                    "`{css}` did not show what was expected within {}s (last: {last:?}), {}",
                    WAIT.as_secs(),
                    self.describe().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn count(&self, css: &str) -> usize {
        self.client.find_all(Locator::Css(css)).await.map(|v| v.len()).unwrap_or(0)
    }

    async fn click(&self, css: &str) {
        let element = self.wait_css(css).await;
        element.click().await.unwrap_or_else(|e| panic!("click `{css}`: {e}"));
    }

    /// Waits until the current path satisfies `done`; returns it.
    async fn wait_for_path(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let path = self.path().await;
            if done(&path) {
                return path;
            }
            if Instant::now() >= deadline {
                panic!("did not reach {what} within {}s, {}", WAIT.as_secs(), self.describe().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sets a form control: selects by value, date-like inputs through
    /// JavaScript (typing into them depends on the locale), text by typing.
    async fn fill(&self, form: &str, name: &str, value: &str) {
        let css = format!(r#"{form} [name="{name}"]"#);
        let element = self.wait_css(&css).await;
        let tag = element.tag_name().await.expect("read tag name").to_ascii_lowercase();
        if tag == "select" {
            element.select_by_value(value).await.unwrap_or_else(|e| panic!("select {value:?} in `{css}`: {e}"));
            return;
        }
        let kind = element.attr("type").await.expect("read type").unwrap_or_default().to_ascii_lowercase();
        if matches!(kind.as_str(), "date" | "month" | "datetime-local" | "hidden") {
            let element_ref = serde_json::to_value(&element).expect("serialize the element reference");
            self.client
                .execute(
                    "arguments[0].value = arguments[1];\
                     arguments[0].dispatchEvent(new Event('input', {bubbles: true}));\
                     arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                    vec![element_ref, json!(value)],
                )
                .await
                .unwrap_or_else(|e| panic!("set `{css}` to {value:?}: {e}"));
        } else {
            element.clear().await.unwrap_or_else(|e| panic!("clear `{css}`: {e}"));
            if !value.is_empty() {
                element.send_keys(value).await.unwrap_or_else(|e| panic!("type into `{css}`: {e}"));
            }
        }
    }

    async fn login(&self, username: &str, password: &str) {
        self.goto("/login").await;
        self.wait_css("form#login").await;
        self.fill("form#login", "username", username).await;
        self.fill("form#login", "password", password).await;
        self.click("form#login button[type=submit]").await;
        let path = self.wait_for_path("a page other than /login", |p| !p.starts_with("/login")).await;
        assert_eq!(path, "/", "logging in as {username} should lead to /");
        self.wait_css("form#logout").await;
        eprintln!("step: logged in as {username}");
    }

    async fn logout(&self) {
        self.click("form#logout [type=submit]").await;
        let deadline = Instant::now() + WAIT;
        while self.count("form#logout").await > 0 {
            if Instant::now() >= deadline {
                panic!("still logged in {}s after submitting form#logout, {}", WAIT.as_secs(), self.describe().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.goto("/login").await;
        self.wait_css("form#login").await;
    }

    /// Follows the org links of /orgs, in order, until one leads to a page
    /// with `a#add-member`; returns that page's path.
    async fn open_first_branch_with_add_member(&self) -> String {
        self.goto("/orgs").await;
        self.wait_css("a.org-link").await;
        let total = self.count("a.org-link").await;
        for i in 0..total.min(60) {
            if i > 0 {
                self.goto("/orgs").await;
                self.wait_css("a.org-link").await;
            }
            let links = self.client.find_all(Locator::Css("a.org-link")).await.expect("find org links");
            let Some(link) = links.get(i) else { break };
            // textContent rather than the rendered text, which is empty for a hidden link.
            let name =
                link.prop("textContent").await.expect("read org link text").unwrap_or_default().trim().to_owned();
            if let Err(err) = link.click().await {
                // E.g. a collapsed subtree: open the link's target directly.
                // The `href` property is the absolute URL.
                let href = link.prop("href").await.expect("read href").unwrap_or_default();
                eprintln!("note: could not click org link {name:?} ({err}); opening {href}");
                self.client.goto(&href).await.unwrap_or_else(|e| panic!("open org link {href:?}: {e}"));
            }
            self.wait_for_path("an org page", |p| p.starts_with("/orgs/")).await;
            let h1 = self.wait_css("h1").await.text().await.expect("read h1");
            assert!(h1.contains(&name), "the page of org {name:?} should have it in its h1, got {h1:?}");
            if self.count("a#add-member").await > 0 {
                return self.path().await;
            }
        }
        panic!("none of the {total} org links on /orgs leads to a page with a#add-member");
    }

    /// Fills the new-member form (birth date and gender are left to the ID number).
    async fn fill_member_form(&self, name: &str, id_number: &str) {
        let form = "form#member-form";
        self.wait_css(form).await;
        for (field, value) in [
            ("name", name),
            ("id_number", id_number),
            ("ethnicity", "01"),
            ("phone", "13800138000"),
            ("education", "21"),
            ("post", "教师"),
            ("unit_name", "县第一中学"),
            ("joined_on", "2015-06-01"),
            ("confirmed_on", "2016-06-01"),
            ("status", "full"),
            ("dues_category", "employed"),
        ] {
            self.fill(form, field, value).await;
        }
    }

    /// Opens /members?q=NAME&status=all; returns the number of `tr.member-row`.
    async fn search_members(&self, name: &str) -> usize {
        self.goto(&format!("/members?q={}&status=all", url_encode(name))).await;
        // With no match the page may omit the table; it must still be the
        // logged-in member list, not the login page.
        self.wait_css("form#logout").await;
        let path = self.path().await;
        assert!(path.starts_with("/members?"), "the member search ended at {path}");
        self.count("tr.member-row").await
    }

    /// 主持人 and 记录人 are required (the ledger prints them): where the form did not fill them
    /// in (the secretary hosts by default; the recorder is the one recording, when that account
    /// is a member's), the first person offered.
    async fn choose_host_and_recorder(&self) {
        self.client
            .execute(
                "['host_member_id', 'recorder_member_id'].forEach(function (n) { \
                   var s = document.querySelector('form#meeting-form select[name=' + n + ']'); \
                   if (s && !s.value && s.options.length > 1) s.value = s.options[1].value; });",
                vec![],
            )
            .await
            .expect("choose the host and the recorder");
    }

    /// The current page at phone width (390 × 844) and at desktop width (1280 × 900), saved as
    /// `docs/screenshots/{name}-phone.png` and `-desktop.png` for the user guide (so its pictures
    /// are those of the last run). At phone width the page must fit: no sideways scrolling.
    /// Leaves the window at desktop width.
    async fn shot(&self, name: &str) {
        let dir = docs_screenshots();
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        for (width, height, suffix) in [(390, 844, "phone"), (1280, 900, "desktop")] {
            self.client.set_window_size(width, height).await.expect("resize the window");
            tokio::time::sleep(Duration::from_millis(300)).await;
            if suffix == "phone" {
                self.assert_fits_width(name).await;
            }
            if suffix == "desktop" {
                // At desktop width a table is a table (not the stacked cards of a phone, nor laid
                // out by another rule's grid).
                let odd = self
                    .client
                    .execute(
                        "return Array.from(document.querySelectorAll('table')).filter(function (t) { \
                           return getComputedStyle(t).display !== 'table'; }).map(function (t) { \
                           return (t.id || t.className) + ': ' + getComputedStyle(t).display; });",
                        vec![],
                    )
                    .await
                    .expect("read the tables' layout");
                assert_eq!(odd, serde_json::json!([]), "{name}: tables not laid out as tables at desktop width");
            }
            let png = self.client.screenshot().await.expect("take a screenshot");
            let file = dir.join(format!("{name}-{suffix}.png"));
            std::fs::write(&file, png).unwrap_or_else(|e| panic!("write {}: {e}", file.display()));
        }
        SHOTS.lock().unwrap_or_else(|e| e.into_inner()).push(name.to_string());
        eprintln!("step: screenshots {name}-phone.png and {name}-desktop.png");
    }

    /// The org tree, folded: the committee's level open, the levels further down closed until
    /// tapped.
    async fn shot_tree(&self) {
        self.goto("/orgs").await;
        self.wait_css("ul#org-tree").await;
        let open = self.count("ul#org-tree details[open]").await;
        let closed = self.count("ul#org-tree details:not([open])").await;
        assert!(open >= 1, "the top of the tree is unfolded");
        if closed > 0 {
            self.click("ul#org-tree details:not([open]) > summary > span.muted").await;
            assert_eq!(self.count("ul#org-tree details:not([open])").await, closed - 1, "a tap unfolds a level");
        }
        self.shot("org-tree").await;
    }

    /// The page does not scroll sideways at the window's width.
    async fn assert_fits_width(&self, what: &str) {
        let widths = self
            .client
            .execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![])
            .await
            .expect("measure the page");
        let (scroll, inner) = (widths[0].as_u64().unwrap_or(0), widths[1].as_u64().unwrap_or(0));
        assert!(scroll <= inner, "{what} fits the window's width (scrollWidth {scroll} > innerWidth {inner})");
    }

    /// The page at `path` is the not-found page, with HTTP status 404.
    async fn assert_not_found(&self, path: &str) {
        self.goto(path).await;
        self.wait_css("body").await;
        let source = self.client.source().await.expect("read the page source");
        assert!(source.contains(NOT_FOUND_TEXT), "{path} should say {NOT_FOUND_TEXT:?}, {}", self.describe().await);
        // WebDriver does not expose the status: ask again with the browser's cookies.
        let cookies = self.client.get_all_cookies().await.expect("read cookies");
        let cookie_header =
            cookies.iter().map(|c| format!("{}={}", c.name(), c.value())).collect::<Vec<_>>().join("; ");
        let response = http_get(self.port, path, &[("Cookie", &cookie_header), ("Accept", "text/html")])
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert_eq!(response.status, 404, "GET {path} with the browser's session should be 404: {}", response.text());
    }
}

/// "测试党员" and two characters that differ from run to run.
fn unique_name() -> String {
    const CHARS: [char; 16] =
        ['春', '夏', '秋', '冬', '山', '河', '星', '月', '云', '海', '松', '竹', '梅', '兰', '明', '华'];
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
        ^ u128::from(std::process::id()).rotate_left(17);
    let a = CHARS[(seed % 16) as usize];
    let b = CHARS[((seed / 16) % 16) as usize];
    format!("测试党员{a}{b}")
}

/// The GB 11643 check character of the first 17 digits of an ID number.
fn check_digit(body17: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    assert_eq!(body17.len(), 17, "17 digits");
    let sum: u32 = body17.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).expect("a digit") * w).sum();
    CHECK[(sum % 11) as usize]
}

/// A check character that is not `good`.
fn wrong_check_digit(good: char) -> char {
    const ALL: [char; 11] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'];
    let i = ALL.iter().position(|&c| c == good).expect("a check character");
    ALL[(i + 1) % ALL.len()]
}

#[test]
fn check_digit_helper() {
    // The example of GB 11643-1999.
    assert_eq!(check_digit("11010519491231002"), 'X');
    assert_eq!(check_digit("44052418800101001"), '4');
    assert_ne!(wrong_check_digit('X'), 'X');
    assert_ne!(wrong_check_digit('9'), '9');
}

#[test]
fn demo_account_lines() {
    let out = "演示数据已装入：12 个组织，30 名党员。\n演示账号（密码只显示这一次）：\n\
               演示账号 dangwu1 Ab3dEfGhJkMnPq2k 党务工作者\n演示账号 dangyuan Zx9cVbNmQwErTy7u 党员\n";
    let account = |u: &str, p: &str, r: &str| DemoAccount { username: u.into(), password: p.into(), role: r.into() };
    assert_eq!(
        parse_demo_accounts(out),
        vec![account("dangwu1", "Ab3dEfGhJkMnPq2k", "党务工作者"), account("dangyuan", "Zx9cVbNmQwErTy7u", "党员")]
    );
}
