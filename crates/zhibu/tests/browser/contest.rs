//! The knowledge contest in the browser: the demo member answers the open contest on their phone,
//! sees the score with the right answers, and a second paper is refused.

use super::{Accounts, Ui};

/// The demo member (`dangyuan`) opens the contest from their own home at phone width (390 × 844),
/// answers every question, sees their score; sending the same paper again is refused next to
/// the answers, and the score stands.
pub(crate) async fn contest(ui: &Ui, accounts: &Accounts) {
    ui.login(&accounts.dangyuan.0, &accounts.dangyuan.1).await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    ui.goto("/").await;
    ui.click("#own-open-contests a").await;
    ui.wait_css("form#paper-form").await;
    let path = ui.path().await;
    assert!(path.starts_with("/contests/"), "{path}");
    // A paper with nothing answered is refused, question by question.
    ui.click("button#submit-answers").await;
    ui.wait_text(".field-error[data-field^=q_]", |t| t.contains("还没有作答")).await;
    ui.goto(&path).await;
    ui.wait_css("form#paper-form").await;
    // Every question answered with its first option.
    let questions = ui.count("form#paper-form fieldset.question").await;
    assert!(questions >= 1, "the paper has questions");
    for i in 1..=questions {
        ui.click(&format!("form#paper-form fieldset.question:nth-of-type({i}) label.choice input")).await;
    }
    ui.assert_fits_width("the contest's paper").await;
    ui.client.execute("window.scrollTo(0, 0);", vec![]).await.expect("scroll to the top");
    ui.shot("contest").await;
    ui.client.set_window_size(390, 844).await.expect("phone width");
    // The same answers, kept to send a second time.
    let paper = ui
        .client
        .execute("return Array.from(new FormData(document.querySelector('#paper-form')).entries());", vec![])
        .await
        .expect("read the paper's answers");
    ui.click("button#submit-answers").await;
    let score = ui.wait_text("#my-score", |t| t.contains("得分")).await;
    assert_eq!(ui.count("#paper-done li.question").await, questions, "{score}");
    ui.assert_fits_width("the contest's score").await;
    // The same paper again: refused next to the answers, and the score stands.
    ui.client
        .execute(
            "var f = document.createElement('form'); f.method = 'post'; f.action = arguments[1];\
             arguments[0].forEach(function (kv) { var i = document.createElement('input'); i.type = 'hidden';\
             i.name = kv[0]; i.value = kv[1]; f.appendChild(i); }); document.body.appendChild(f); f.submit();",
            vec![paper, serde_json::json!(path)],
        )
        .await
        .expect("send the paper again");
    let refusal = ui.wait_text("#answer-error", |t| t.contains("每人只能答一次")).await;
    let again = ui.wait_text("#my-score", |t| t.contains("得分")).await;
    assert_eq!(again, score, "the first score stands: {refusal}");
    ui.assert_fits_width("the refusal").await;
    ui.client.set_window_size(1280, 900).await.expect("desktop width");
    ui.logout().await;
    eprintln!("step: the member answered the contest at phone width ({score}); a second paper was refused");
}
