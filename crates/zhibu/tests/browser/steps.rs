//! The browser scenario's later steps (a member's own view, the committee's settings and audit
//! log) and the user guide's screenshots, kept apart so each file stays short.

use std::path::{Path, PathBuf};

use super::{Accounts, Ui};

/// A plain member's home is their own: their record, branch, meetings and results, with no
/// admin buttons or links, at phone width.
pub(crate) async fn own_view(ui: &Ui, accounts: &Accounts) {
    ui.login(&accounts.dangyuan.0, &accounts.dangyuan.1).await;
    ui.goto("/").await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.wait_css("#own-record").await;
    for id in ["#own-due", "#own-meetings", "#own-ratings"] {
        assert_eq!(ui.count(id).await, 1, "the member's home shows {id}");
    }
    // Their next political birthday (POL-BIRTHDAY): the anniversary of joining.
    let birthday = ui.wait_css("#own-pol-birthday").await.text().await.expect("read the political birthday");
    assert!(birthday.contains("入党") && birthday.contains("周年"), "{birthday}");
    for admin in
        ["a[href='/accounts']", "a[href='/audit']", "a[href='/members/import']", "a#add-member", "section.todo"]
    {
        assert_eq!(ui.count(admin).await, 0, "a plain member sees no {admin}");
    }
    ui.shot("own-home").await;
    ui.logout().await;
    eprintln!("step: the member's own home");
}

/// The committee's administrator switches on the quarterly 党课 for the subtree from today, at
/// phone width; the rule catalogue lists it as the committee's; the general branch's
/// administrator below may not switch it off, and the refusal names the rule.
pub(crate) async fn committee_settings(ui: &Ui, accounts: &Accounts, screenshot_dir: &Path) {
    ui.login(&accounts.jiaoyuju.0, &accounts.jiaoyuju.1).await;
    // The committee's home: the orgs below with the most overdue first, each opening its list.
    ui.goto("/").await;
    ui.wait_css("section.todo[id^=subtree-]").await;
    if ui.count("table#subtree-orgs a.org-open").await > 0 {
        let first = ui.wait_css("table#subtree-orgs a.org-open").await;
        let href = first.attr("href").await.expect("read the org's link").unwrap_or_default();
        assert!(href.ends_with("/life"), "an org opens its own list: {href}");
    }
    ui.shot("home-committee").await;
    ui.shot_tree().await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto("/orgs").await;
    let root = ui.wait_css("ul.tree li.depth-0 a.org-link").await;
    let href = root.attr("href").await.expect("read the committee's link").unwrap_or_default();
    let root_id = href.trim_start_matches("/orgs/").to_owned();
    ui.goto(&format!("/orgs/{root_id}/settings")).await;
    ui.wait_css("table#settings").await;
    let row = r#"tr.setting[data-key="rule_set.党课每季度1次"]"#;
    ui.client
        .execute(&format!("document.querySelector('{row} select[name=value]').value = 'on';"), vec![])
        .await
        .expect("choose 启用");
    ui.click(&format!("{row} button[type=submit]")).await;
    // The page says what the setting will do, and makes it only once confirmed.
    let confirm = ui.wait_css("#setting-confirm").await.text().await.expect("read the confirmation");
    assert!(confirm.contains("所辖") && confirm.contains("已启用"), "{confirm}");
    ui.click("#confirm-setting").await;
    ui.wait_css("table#settings").await;
    ui.wait_text(&format!("{row} td.setting-value"), |v| v.trim() == "已启用").await;
    let png = ui.client.screenshot().await.expect("screenshot the settings");
    std::fs::write(screenshot_dir.join("settings-phone.png"), png).expect("write the screenshot");
    ui.assert_fits_width("the settings page").await;
    // The audit log at phone width: filtered to the settings made, it lists the one just made,
    // in words, as a card.
    ui.goto("/audit").await;
    ui.wait_css("form#audit-filters").await;
    ui.client
        .execute("document.querySelector('form#audit-filters [name=action]').value = 'setting.set';", vec![])
        .await
        .expect("choose 党委设置");
    ui.click("form#audit-filters button[type=submit]").await;
    ui.wait_for_path("the filtered audit log", |p| p.contains("action=setting.set")).await;
    let rows = ui.count("table#audit tbody tr").await;
    assert!(rows >= 1, "the setting just made is in the log");
    let text = ui.wait_css("table#audit tbody tr").await.text().await.expect("read the entry");
    assert!(text.contains("党委设置"), "the action in words: {text}");
    ui.shot("audit").await;
    ui.client.set_window_size(1280, 900).await.expect("desktop width");
    ui.goto(&format!("/orgs/{root_id}/rules")).await;
    let local = ui.wait_css("table#rules tr#LOCAL-LESSON-QUARTER").await;
    let text = local.text().await.expect("read the catalogue row");
    assert!(text.contains("党委从严设定") && text.contains("党课"), "{text}");
    assert!(ui.count("table#rules tr#CON-LAPSE").await == 1, "the national rules are listed too");
    ui.logout().await;
    eprintln!("step: the committee confirmed the quarterly 党课; the catalogue lists it");

    ui.login(&accounts.zongzhi.0, &accounts.zongzhi.1).await;
    ui.goto("/orgs").await;
    let gb = ui.wait_css("ul.tree a.org-link").await;
    let href = gb.attr("href").await.expect("read the general branch's link").unwrap_or_default();
    ui.goto(&format!("{href}/settings")).await;
    ui.wait_css("table#settings").await;
    ui.client
        .execute(&format!("document.querySelector('{row} select[name=value]').value = 'off';"), vec![])
        .await
        .expect("choose 停用");
    ui.click(&format!("{row} button[type=submit]")).await;
    let error = ui.wait_css("#settings-error").await.text().await.expect("read the refusal");
    assert!(error.contains("LOCAL-LESSON-QUARTER") && error.contains("下级不得停用"), "{error}");
    ui.logout().await;
    eprintln!("step: the general branch may not switch it off: {error}");
}

/// The screenshots the user guide shows: docs/screenshots of the repository.
pub(crate) fn docs_screenshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
}

/// The names of the screenshots taken in this run ([`Ui::shot`]).
pub(crate) static SHOTS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Every picture docs/user-guide.md shows is one the browser test took (and so is current).
pub(crate) fn assert_the_guide_shows_only_current_screenshots() {
    let guide = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/user-guide.md");
    let text = std::fs::read_to_string(&guide).expect("read docs/user-guide.md");
    let shots = SHOTS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut shown = 0;
    for part in text.split("](screenshots/").skip(1) {
        let file = part.split(')').next().unwrap_or_default();
        let name = file.trim_end_matches(".png").trim_end_matches("-phone").trim_end_matches("-desktop");
        assert!(shots.iter().any(|s| s == name), "docs/user-guide.md shows {file}, which no browser step takes");
        shown += 1;
    }
    for name in &shots {
        assert!(text.contains(&format!("screenshots/{name}-phone.png")), "the guide should show {name}-phone.png");
    }
    assert!(shown > 0, "the user guide shows the screenshots");
}

/// The branch's party worker records this month's dues on one page at phone width (everyone
/// paid but the member ticked), then the sheet shows the month and the ticked member's own dues
/// page shows the month open.
pub(crate) async fn dues(ui: &Ui, branch_id: &str) -> String {
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("/orgs/{branch_id}/dues/collect")).await;
    ui.wait_css("ul#collect-list").await;
    let owing = ui.count("ul#collect-list input[type=checkbox]").await;
    assert!(owing >= 2, "the demo branch's members owe this month: {owing}");
    let first = ui.wait_css("ul#collect-list li input[type=checkbox]").await;
    let name = first.attr("name").await.expect("read the checkbox").unwrap_or_default();
    let member = name.trim_start_matches("unpaid_").to_owned();
    first.click().await.expect("tick 未交");
    ui.shot("dues-collect").await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.click("form#collect-form button[type=submit]").await;
    ui.wait_css("table#dues-sheet").await;
    ui.shot("dues-sheet").await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("/members/{member}/dues")).await;
    ui.wait_css("table#dues-months").await;
    let html = ui.client.source().await.expect("read the member's dues");
    assert!(html.contains("未到期") || html.contains("欠交"), "the ticked member has not paid this month");
    ui.assert_fits_width("a member's dues").await;
    eprintln!("step: recorded this month's dues on one page; member {member} left unpaid");
    member
}

/// A transfer between two branches at phone width (EDU-TRANSFER): the receiving worker's
/// branch, read while they are logged in; the sending worker issues the transfer of `member`
/// by finding the branch by name; the receiver sees it in the incoming list and accepts it; the
/// member is then theirs. Ends with the receiver logged in, as it began.
pub(crate) async fn transfer(ui: &Ui, accounts: &Accounts, member: &str) {
    ui.goto("/orgs").await;
    let link = ui.wait_css("ul#org-tree a[href^='/orgs/']").await;
    let href = link.attr("href").await.expect("read the branch link").unwrap_or_default();
    let to_id = href.trim_start_matches("/orgs/").split(['?', '/']).next().unwrap_or_default().to_owned();
    let to_name = link.text().await.expect("read the branch name");
    ui.logout().await;
    ui.login(&accounts.dangwu1.0, &accounts.dangwu1.1).await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("/members/{member}/transfer")).await;
    ui.wait_css("form#transfer-form").await;
    ui.fill("form#transfer-form", "q", to_name.trim()).await;
    ui.click("button#search-branches").await;
    ui.click(&format!("#branch-choices input[value='{to_id}']")).await;
    ui.fill("form#transfer-form", "valid_days", "30").await;
    ui.fill("form#transfer-form", "reason", "工作调动").await;
    ui.shot("transfer-issue").await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.click("button#issue-transfer").await;
    ui.wait_css("dl#transfer-letter").await;
    ui.logout().await;
    ui.login(&accounts.dangwu2.0, &accounts.dangwu2.1).await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("/orgs/{to_id}/transfers?direction=incoming&state=pending")).await;
    ui.click("table#transfers a").await;
    ui.wait_css("form#accept-form").await;
    ui.shot("transfer-accept").await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.click("button#accept-transfer").await;
    ui.wait_text("#transfer-state", |state| state.trim() == "已接收").await;
    ui.goto(&format!("/members/{member}")).await;
    ui.wait_css("h1").await;
    ui.assert_fits_width("the transferred member's page").await;
    eprintln!("step: transferred member {member} to {to_name} and accepted it there");
}

/// A term election at phone width (EL-*): the branch's worker records the approved result (one
/// seat, the secretary; two candidates; every voter present); the tally shows who was elected,
/// and the branch's posts name the new secretary from the election day.
pub(crate) async fn election(ui: &Ui, branch_id: &str) {
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("/orgs/{branch_id}/elections")).await;
    ui.wait_css("form#election-form").await;
    let voters = ui.wait_css("#voters-expected").await.text().await.expect("read the voters");
    let voters = voters.trim().to_owned();
    let pick = ui
        .client
        .execute(
            "const rows = Array.from(document.querySelectorAll('table#candidates tbody tr')) \
               .filter(function (r) { return r.querySelector('input[type=checkbox]'); }); \
             const a = rows[0], b = rows[1]; \
             a.querySelector('input[type=checkbox]').checked = true; \
             b.querySelector('input[type=checkbox]').checked = true; \
             a.querySelector('input[name^=votes_]').value = arguments[0]; \
             b.querySelector('input[name^=votes_]').value = '0'; \
             a.querySelector('input[name=secretary_id]').checked = true; \
             const f = document.querySelector('form#election-form'); \
             f.querySelector('[name=approved_on]').value = f.querySelector('[name=held_on]').value; \
             return a.querySelector('td').firstChild.textContent.trim();",
            vec![serde_json::Value::String(voters.clone())],
        )
        .await
        .expect("choose the candidates");
    let secretary = pick.as_str().unwrap_or_default().to_owned();
    assert!(!secretary.is_empty(), "the first voter stands");
    for (field, value) in [
        ("voters_present", voters.as_str()),
        ("seats", "1"),
        ("ballots_issued", voters.as_str()),
        ("ballots_returned", voters.as_str()),
        ("approval_no", "县教党〔2026〕30号"),
        ("timing_approval_no", "县委组〔2026〕12号"),
    ] {
        ui.fill("form#election-form", field, value).await;
    }
    ui.shot("election-form").await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.click("button#record-election").await;
    ui.wait_css("table#election-result").await;
    let result = ui.client.source().await.expect("read the tally");
    assert!(result.contains("当选（书记）"), "the tally names the secretary elected");
    ui.shot("election-result").await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("/orgs/{branch_id}")).await;
    ui.wait_css("h1").await;
    let org = ui.client.source().await.expect("read the branch");
    assert!(
        org.contains(&format!(">{secretary}</a></td>")) && org.contains("书记"),
        "the branch's posts name the new secretary {secretary}"
    );
    ui.assert_fits_width("the branch after the election").await;
    eprintln!("step: recorded a term election at phone width; {secretary} is the branch's secretary");
}

/// The lifecycle pages at phone width: a sanction recorded on `member` (警告: the status stays,
/// the decision is listed), the member's 外出登记 (away at a fixed place) and a contact logged, the term calendar, and the form for a letter in.
pub(crate) async fn lifecycle_pages(ui: &Ui, branch_id: &str, member: &str) {
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("/members/{member}/decisions")).await;
    ui.wait_css("form#decision-form").await;
    ui.client
        .execute("document.querySelector('form#decision-form [name=kind]').value = 'warning';", vec![])
        .await
        .expect("choose 警告");
    for (field, value) in [("body", "县纪委"), ("document_no", "县纪〔2026〕7号"), ("reason", "违反工作纪律，情节较轻")]
    {
        ui.fill("form#decision-form", field, value).await;
    }
    ui.click("button#record-decision").await;
    ui.wait_text("table#decisions", |listed| listed.contains("警告")).await;
    ui.assert_fits_width("a member's decisions").await;
    ui.goto(&format!("/members/{member}/contacts")).await;
    ui.wait_css("form#away-form").await;
    ui.fill("form#away-form", "kind", "mobile").await;
    ui.fill("form#away-form", "left_on", "2026-03-01").await;
    ui.fill("form#away-form", "destination", "江苏省苏州市").await;
    ui.fill("form#away-form", "fixed_place", "yes").await;
    ui.click("button#record-away").await;
    ui.wait_text("table#away", |away| away.contains("外出流动") && away.contains("江苏省苏州市")).await;
    ui.wait_text("#mobile-member", |m| m.contains("江苏省苏州市")).await;
    ui.wait_css("form#contact-log-form").await;
    for (field, value) in [("way", "电话"), ("by_name", "支部书记")] {
        ui.fill("form#contact-log-form", field, value).await;
    }
    ui.click("button#record-contact").await;
    ui.wait_text("table#contacts", |contacts| contacts.contains("电话")).await;
    ui.assert_fits_width("a member's contacts").await;
    ui.goto(&format!("/orgs/{branch_id}/terms")).await;
    ui.wait_css("table#terms").await;
    ui.assert_fits_width("the term calendar").await;
    ui.goto(&format!("/orgs/{branch_id}/transfers/in")).await;
    ui.wait_css("form#transfer-in-form").await;
    ui.assert_fits_width("the form for a letter in").await;
    ui.client.set_window_size(1280, 900).await.expect("desktop width");
    eprintln!("step: recorded a 警告 and a contact for member {member}; term calendar and letter-in form fit a phone");
}

/// Recruitment at phone width (DEV-*): the committee's administrator opens the pipeline board,
/// takes a candidate who finished the training through the branch committee's review, the
/// pre-review and the 志愿书 to the branch assembly's vote (every voter present and in favour),
/// and the path shows the vote; the higher committee's talk is recorded with who talked. An
/// applicant's path is then ended with its reason, and the import page fits a phone.
pub(crate) async fn recruitment(ui: &Ui, accounts: &Accounts) {
    ui.login(&accounts.jiaoyuju.0, &accounts.jiaoyuju.1).await;
    ui.goto("/orgs").await;
    let root = ui.wait_css("ul#org-tree a[href^='/orgs/']").await;
    let href = root.attr("href").await.expect("read the root's link").unwrap_or_default();
    ui.goto(&format!("{href}/recruitment")).await;
    ui.wait_css("table#recruits").await;
    ui.shot("recruitment-board").await;
    let person = ui
        .client
        .execute(
            "const row = Array.from(document.querySelectorAll('table#recruits tbody tr')) \
               .find(function (r) { return r.textContent.indexOf('11. 集中培训') >= 0; }); \
             return row ? row.querySelector('a').getAttribute('href') : '';",
            vec![],
        )
        .await
        .expect("find a candidate after the training");
    let person = person.as_str().unwrap_or_default().to_owned();
    assert!(person.starts_with("/recruits/"), "the demo has a candidate who finished the training: {person:?}");
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&person).await;
    for (number, title) in [(12, "支部委员会审查"), (13, "上级党委预审"), (14, "填写入党志愿书")] {
        ui.wait_text("#next-step", |t| t.contains(title)).await;
        ui.click("button#record-step").await;
        ui.wait_text("table#recruit-steps", |t| t.contains(&format!("{number}. {title}"))).await;
    }
    ui.wait_text("#next-step", |t| t.contains("15. 支部大会讨论")).await;
    let expected = ui
        .client
        .execute("return document.querySelector('form#step-form [name=expected]').value;", vec![])
        .await
        .expect("read the voters expected");
    let expected = expected.as_str().unwrap_or_default().to_owned();
    assert!(expected.parse::<u32>().is_ok_and(|n| n > 0), "the branch's voters are proposed: {expected:?}");
    ui.fill("form#step-form", "present", &expected).await;
    ui.fill("form#step-form", "yes", &expected).await;
    ui.shot("recruit-assembly").await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.click("button#record-step").await;
    ui.wait_text("table#recruit-steps", |t| t.contains("15. 支部大会讨论") && t.contains(&format!("实到{expected}人")))
        .await;
    ui.wait_text("#next-step", |t| t.contains("16. 上级党委派人谈话")).await;
    // DEV-HQ-TALK: the committee member who talked is named.
    ui.fill("form#step-form", "people", "党委委员乙").await;
    ui.click("button#record-step").await;
    ui.wait_text("table#recruit-steps", |t| t.contains("谈话人：党委委员乙")).await;
    ui.assert_fits_width("a person's recruitment path").await;
    // An applicant who withdraws: the path ends with its reason and leaves the board.
    ui.goto(&format!("{href}/recruitment?stage=application")).await;
    ui.wait_css("table#recruits").await;
    let applicant = ui
        .client
        .execute("return document.querySelector('table#recruits tbody tr a').getAttribute('href');", vec![])
        .await
        .expect("find an applicant");
    let applicant = applicant.as_str().unwrap_or_default().to_owned();
    ui.goto(&applicant).await;
    ui.fill("form#end-form", "reason", "本人撤回入党申请").await;
    ui.click("button#end-recruit").await;
    ui.wait_text("#recruit-ended", |t| t.contains("本人撤回入党申请")).await;
    ui.assert_fits_width("an ended path").await;
    ui.goto(&format!("{href}/recruitment/import")).await;
    ui.wait_css("form#recruit-import-form").await;
    ui.assert_fits_width("the recruitment import page").await;
    ui.logout().await;
    eprintln!("step: took a candidate from the training to the branch assembly's vote at phone width");
}

/// 党内统计 of the branch at phone width: a year that is not one is refused by its field, a
/// reference date gives the tables, which pass their consistency checks (today's roster
/// included); a member figure and an org count open to what they count; screenshots.
pub(crate) async fn statistics(ui: &Ui, branch_id: &str) {
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("/orgs/{branch_id}/stats?year=19")).await;
    ui.wait_text("#year-error", |e| e.contains("年度应为")).await;
    ui.fill("form#stats-form", "year", "").await;
    ui.fill("form#stats-form", "as_of", &services::today().to_string()).await;
    ui.click("form#stats-form button[type=submit]").await;
    ui.wait_css("table#stats-table1").await;
    ui.wait_css("#stats-consistent").await;
    let summary = ui.wait_css("table#stats-summary").await.text().await.expect("read the summary");
    assert!(summary.contains("党员总数"), "{summary}");
    ui.wait_css("#chart-age svg").await;
    ui.shot("stats").await;
    // A figure opens the members behind it (the drill-down), at phone width.
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.click("table#stats-summary a.cell[href$='cell=all']").await;
    ui.wait_css("table#cell-members").await;
    let total = ui.wait_css("#cell-total").await.text().await.expect("read the total");
    assert!(total.contains("名党员"), "{total}");
    ui.assert_fits_width("the members behind a figure").await;
    // An org count opens the orgs behind it: the branch itself.
    ui.click("a#back-to-stats").await;
    ui.click("table#stats-summary a.cell[href$='cell=orgs-branch']").await;
    let total = ui.wait_text("#cell-total", |t| t.contains("个党组织")).await;
    assert!(total.contains("1 个党组织"), "{total}");
    ui.client.set_window_size(1280, 900).await.expect("desktop width");
    eprintln!("step: the branch's statistics on today's date at phone width, and the members behind a figure");
}

/// Study and training at phone width: the branch records a rotation class for one of its members,
/// who then has its hours on their hours page.
pub(crate) async fn training(ui: &Ui, branch_id: &str) {
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("/orgs/{branch_id}/training")).await;
    let name = ui.wait_css("table#hours tbody tr:first-child td a").await.text().await.expect("read a member's name");
    ui.click("a#new-class").await;
    ui.wait_css("form#class-form").await;
    // A class with no hours is refused field by field, and nothing is recorded.
    ui.fill("form#class-form", "kind", "rotation").await;
    ui.fill("form#class-form", "title", "党员集中轮训（浏览器）").await;
    ui.fill("form#class-form", "organiser", "县委组织部").await;
    let today = services::today().to_string();
    ui.fill("form#class-form", "starts_on", &today).await;
    ui.fill("form#class-form", "ends_on", &today).await;
    ui.fill("form#class-form", "people", &name).await;
    ui.click("button#save-class").await;
    ui.wait_text(".field-error[data-field=hours]", |t| t.contains("学时")).await;
    ui.fill("form#class-form", "hours", "6.5").await;
    ui.assert_fits_width("the training class form").await;
    ui.click("button#save-class").await;
    let counts = ui.wait_text("#class-counts", |t| t.contains("人")).await;
    assert!(counts.contains("1 人，结业 1 人"), "{counts}");
    ui.assert_fits_width("the training class").await;
    ui.click("table#enrolments a").await;
    let total = ui.wait_text("#hours-total", |t| t.contains("学时")).await;
    assert!(total.contains("EDU-TRAIN-HOURS"), "{total}");
    ui.wait_text("table#sources", |t| t.contains("党员集中轮训（浏览器）")).await;
    ui.goto(&format!("/orgs/{branch_id}/training")).await;
    ui.wait_css("table#classes").await;
    ui.shot("training").await;
    ui.client.set_window_size(1280, 900).await.expect("desktop width");
    eprintln!("step: a training class recorded at phone width, and the member's hours");
}

/// 三重一大 at phone width (SANZHONG-YIDA): the committee's administrator records a use of funds;
/// without its 党委会 it is refused by the meeting's field, naming the rule; with this year's
/// latest 党委会 and every member present voting yes it is registered, passed, and listed.
pub(crate) async fn major_decisions(ui: &Ui, accounts: &Accounts) {
    ui.login(&accounts.jiaoyuju.0, &accounts.jiaoyuju.1).await;
    ui.goto("/orgs").await;
    let root = ui.wait_css("ul#org-tree a[href^='/orgs/']").await;
    let href = root.attr("href").await.expect("read the root's link").unwrap_or_default();
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("{href}/major-decisions/new")).await;
    ui.wait_css("form#decision-form").await;
    ui.fill("form#decision-form", "category", "funds").await;
    ui.fill("form#decision-form", "title", "购置党员活动室电教设备（浏览器）").await;
    ui.fill("form#decision-form", "amount", "30000.00").await;
    ui.fill("form#decision-form", "yes", "1").await;
    ui.click("button#save-decision").await;
    ui.wait_text(".field-error[data-field=meeting_id]", |t| t.contains("集体讨论决定") && t.contains("SANZHONG-YIDA"))
        .await;
    // The latest 党委会 and how many were present at it ("（出席委员5人）").
    let meeting = ui
        .client
        .execute(
            "var o = document.querySelector('form#decision-form select[name=meeting_id] option[value]:not([value=\"\"])'); \
             return o ? [o.value, o.textContent] : null;",
            vec![],
        )
        .await
        .expect("read the first meeting");
    let (id, label) = (meeting[0].as_str().unwrap_or_default(), meeting[1].as_str().unwrap_or_default());
    let present = label.split("出席委员").nth(1).and_then(|s| s.split('人').next()).unwrap_or_default().to_owned();
    assert!(!id.is_empty() && present.parse::<u32>().is_ok(), "the demo committee met this year: {meeting:?}");
    ui.fill("form#decision-form", "meeting_id", id).await;
    ui.fill("form#decision-form", "yes", &present).await;
    ui.assert_fits_width("the 三重一大 form").await;
    ui.click("button#save-decision").await;
    let result = ui.wait_text("dd#result", |t| t.contains("通过")).await;
    assert!(!result.contains("未通过"), "everyone present voted yes at a quorate meeting: {result}");
    ui.wait_text("dl#decision", |t| t.contains("30000.00元")).await;
    ui.assert_fits_width("a 三重一大 matter").await;
    ui.goto(&format!("{href}/major-decisions")).await;
    ui.wait_text("table#decisions", |t| t.contains("购置党员活动室电教设备（浏览器）")).await;
    ui.shot("major-decisions").await;
    ui.client.set_window_size(1280, 900).await.expect("desktop width");
    ui.logout().await;
    eprintln!("step: a 三重一大 matter refused without its meeting, then recorded at phone width");
}

/// 请示报告 at phone width (REPORT-ONE-MATTER): a branch's party worker sends its committee a
/// request; two matters in one are refused by their field, naming the rule; with one it is sent
/// and pending with its due day; the committee's administrator answers it and the thread shows
/// the answer.
pub(crate) async fn reports(ui: &Ui, accounts: &Accounts) {
    ui.login(&accounts.dangwu1.0, &accounts.dangwu1.1).await;
    ui.goto("/orgs").await;
    let branch = ui.wait_css("ul#org-tree a[href^='/orgs/']").await;
    let href = branch.attr("href").await.expect("read the branch's link").unwrap_or_default();
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("{href}/reports")).await;
    ui.click("a#new-report").await;
    ui.wait_css("form#report-form").await;
    ui.fill("form#report-form", "title", "关于增设党小组的请示（浏览器）").await;
    ui.fill("form#report-form", "matters", "增设第三党小组\n增补支部委员").await;
    ui.fill("form#report-form", "body", "妥否，请批示。").await;
    ui.click("button#send-report").await;
    ui.wait_text(".field-error[data-field=matters]", |t| t.contains("一文一事") && t.contains("REPORT-ONE-MATTER"))
        .await;
    ui.fill("form#report-form", "matters", "增设第三党小组").await;
    ui.assert_fits_width("the request form").await;
    ui.click("button#send-report").await;
    let state = ui.wait_text("dd#report-state", |t| t.contains("待答复")).await;
    assert!(state.contains("应于"), "a pending request shows its due day: {state}");
    let path = ui.wait_for_path("the request's page", |p| p.starts_with("/reports/")).await;
    ui.logout().await;
    ui.login(&accounts.jiaoyuju.0, &accounts.jiaoyuju.1).await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&path).await;
    ui.wait_css("form#respond-form").await;
    ui.fill("form#respond-form", "action", "answer").await;
    ui.fill("form#respond-form", "text", "同意增设第三党小组。").await;
    ui.click("button#respond").await;
    ui.wait_text("dd#report-state", |t| t.contains("已批复")).await;
    ui.wait_text("table#replies", |t| t.contains("同意增设第三党小组。")).await;
    ui.assert_fits_width("a request's thread").await;
    ui.shot("report").await;
    ui.client.set_window_size(1280, 900).await.expect("desktop width");
    ui.logout().await;
    eprintln!("step: a request with two matters refused, then sent with one and answered, at phone width");
}

/// 意识形态阵地 and the events on sensitive dates at phone width (IDEOLOGY-RESP): the committee's
/// administrator records the review of an overdue position, then an event on a sensitive day of
/// the demo's setting, refused without its approval (naming the rule) and recorded with it; then
/// the committee's ledger set.
pub(crate) async fn ideology(ui: &Ui, accounts: &Accounts) {
    use chrono::Datelike;
    ui.login(&accounts.jiaoyuju.0, &accounts.jiaoyuju.1).await;
    ui.goto("/orgs").await;
    let root = ui.wait_css("ul#org-tree a[href^='/orgs/']").await;
    let href = root.attr("href").await.expect("read the root's link").unwrap_or_default();
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("{href}/positions")).await;
    ui.wait_css("table#positions").await;
    let overdue = ui.count("table#positions tr.short").await;
    assert!(overdue >= 1, "the demo leaves positions unreviewed for over a year");
    ui.click("table#positions tr.short button.review-position").await;
    // The register comes back after the review's redirect: wait for the new page, not the old one.
    let mut left = overdue;
    for _ in 0..100 {
        left = ui.count("table#positions tr.short").await;
        if left < overdue {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(left, overdue - 1, "the review is recorded");
    ui.assert_fits_width("the register of positions").await;
    ui.click("a#ideology-events").await;
    ui.wait_css("form#event-form").await;
    // 2 June of this year once it has passed, else of last year: the demo marks 1–5 June of both.
    let today = chrono::Local::now().date_naive();
    let june = chrono::NaiveDate::from_ymd_opt(today.year(), 6, 2).expect("2 June");
    let held = if june <= today { june } else { june.with_year(today.year() - 1).expect("2 June last year") };
    let approved = held - chrono::Days::new(7);
    let title = "“七一”形势政策报告会（浏览器）";
    ui.fill("form#event-form", "kind", "report_meeting").await;
    ui.fill("form#event-form", "title", title).await;
    ui.fill("form#event-form", "held_on", &held.to_string()).await;
    ui.fill("form#event-form", "place", "学校报告厅").await;
    ui.fill("form#event-form", "responsible", "宣传委员").await;
    ui.click("button#save-event").await;
    ui.wait_text(".field-error[data-field=approved_on]", |t| t.contains("敏感时间节点") && t.contains("IDEOLOGY-RESP"))
        .await;
    ui.fill("form#event-form", "approved_by", "县委教育工委").await;
    ui.fill("form#event-form", "approved_on", &approved.to_string()).await;
    ui.assert_fits_width("the event form").await;
    ui.click("button#save-event").await;
    let listed = ui.wait_text("table#events", |t| t.contains(title)).await;
    assert!(listed.contains("敏感时间节点"), "{listed}");
    ui.shot("ideology-events").await;
    // The committee's ledger set lists its 中心组 record book among the ledgers it keeps.
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("{href}/ledgers")).await;
    ui.wait_css("tr#ledger-study_group a.ledger-pdf").await;
    assert_eq!(ui.count("tr#ledger-dues_sheet").await, 0, "a committee keeps no branch dues sheet");
    ui.assert_fits_width("the ledger set").await;
    ui.shot("ledgers").await;
    ui.client.set_window_size(1280, 900).await.expect("desktop width");
    ui.logout().await;
    eprintln!("step: a position's review, and an event on a sensitive day refused without approval, then recorded");
}

/// The committee's coverage at phone width: the uncovered private school is a finding; linked to
/// an org on its page, it is covered and the finding is gone.
pub(crate) async fn coverage(ui: &Ui, accounts: &Accounts) {
    ui.login(&accounts.jiaoyuju.0, &accounts.jiaoyuju.1).await;
    ui.goto("/orgs").await;
    let root = ui.wait_css("ul#org-tree a[href^='/orgs/']").await;
    let href = root.attr("href").await.expect("read the root's link").unwrap_or_default();
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto(&format!("{href}/coverage")).await;
    ui.wait_css("table#coverage-kinds").await;
    let uncovered = ui.count("table#units tr.uncovered.has-finding").await;
    assert!(uncovered >= 1, "the demo leaves a private school uncovered");
    assert_eq!(ui.count("#coverage-findings").await, 1);
    ui.assert_fits_width("the coverage page").await;
    ui.shot("coverage").await;
    ui.click("table#units tr.uncovered.has-finding a").await;
    ui.wait_css("#unit-finding").await;
    let option = ui.wait_css("form#link-form select[name=org_id] option:nth-child(2)").await;
    let org = option.attr("value").await.expect("read the option").unwrap_or_default();
    ui.fill("form#link-form", "org_id", &org).await;
    ui.click("button#save-link").await;
    ui.wait_text("#unit-ways", |t| !t.is_empty() && t != "未覆盖").await;
    assert_eq!(ui.count("#unit-finding").await, 0, "covered: no finding");
    ui.assert_fits_width("a unit's page").await;
    ui.shot("unit").await;
    ui.goto(&format!("{href}/coverage")).await;
    ui.wait_css("table#coverage-kinds").await;
    assert_eq!(ui.count("table#units tr.uncovered.has-finding").await, uncovered - 1);
    ui.client.set_window_size(1280, 900).await.expect("desktop width");
    ui.logout().await;
    eprintln!("step: an uncovered private school found at phone width, linked to a branch, then covered");
}
