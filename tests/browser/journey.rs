//! A record's whole journey in the browser: an officer imports notes and
//! sends the draft to the PCC; the PCC decides each question and publishes;
//! the public reads it. Every page on the way passes axe's WCAG checks.

use fantoccini::Locator;

use crate::common::Browser;

const ADMIN_PASSWORD: &str = "a long new password for the admin";
const PCC_PASSWORD: &str = "the commissioner's own long password";

impl Browser {
    /// Signs in with a one-time password and replaces it with `new`.
    async fn first_sign_in(&self, email: &str, one_time: &str, new: &str) {
        self.open("/staff/login").await;
        self.type_into("email", email).await;
        self.type_into("password", one_time).await;
        self.press_button("Sign in").await;
        assert_eq!(
            self.path().await,
            "/staff/password",
            "{email} must choose a password first"
        );
        self.type_into("current", one_time).await;
        self.type_into("new", new).await;
        self.type_into("confirm", new).await;
        self.press_button("Save").await;
        assert_eq!(self.path().await, "/staff");
    }

    async fn sign_out(&self) {
        self.after_navigation(async {
            let button = self
                .client
                .find(Locator::Css("form.sign-out button"))
                .await
                .expect("a sign-out button");
            button.click().await.expect("signed out");
        })
        .await;
        assert_eq!(self.path().await, "/staff/login");
    }
}

#[tokio::test]
#[ignore = "needs Chromium: cargo test --test browser -- --ignored"]
async fn a_record_goes_from_imported_notes_to_the_public_through_the_pcc() {
    let browser = Browser::start().await;
    browser.set_viewport(1280, 900).await;
    let mut wcag = String::new();
    let admin_one_time = browser.admin_password.clone();
    browser
        .first_sign_in("admin@localhost", &admin_one_time, ADMIN_PASSWORD)
        .await;

    // The admin makes the PCC's account; its one-time password is shown once.
    browser.open("/staff/users").await;
    browser.type_into("email", "pcc@opcc.example").await;
    browser.type_into("name", "Police and Crime Commissioner").await;
    let role = browser.client.find(Locator::Id("role")).await.expect("role");
    role.select_by_value("pcc").await.expect("pcc chosen");
    browser.press_button("Add account").await;
    let notice = browser.texts(".notice").await.join(" ");
    let pcc_one_time = notice
        .split("one-time password is ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no password in {notice:?}"))
        .to_owned();

    // Notes of another meeting (the demo already holds this date's record).
    let notes = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scrutiny-notes-stalking-2024-12-03.txt"
    ))
    .expect("fixture")
    .replace("3 DECEMBER 2024", "2 DECEMBER 2025");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("stalking-2025.txt");
    std::fs::write(&file, notes).expect("notes written");
    browser.open("/staff/import").await;
    browser.check_wcag(&mut wcag).await;
    let input = browser
        .client
        .find(Locator::Id("file"))
        .await
        .expect("file input");
    input
        .send_keys(&file.display().to_string())
        .await
        .expect("file chosen");
    browser.press_button("Preview").await;
    assert_eq!(browser.texts("h1").await, ["Preview: Stalking"]);
    browser.check_wcag(&mut wcag).await;
    browser.type_into("published-on", "2025-12-05").await;
    browser.press_button("Create the draft").await;
    assert!(browser.path().await.starts_with("/staff/meetings/"));
    assert_eq!(browser.texts(".editor-list > li").await.len(), 4);
    let editor = browser.path().await;

    let question: String = browser
        .eval("return document.querySelector(\"a[href^='/staff/questions/']\").getAttribute('href')")
        .await;
    let id = editor.rsplit('/').next().expect("an id").to_owned();

    // Several files at once, previewed on a phone: what each was read as.
    let minutes = dir.path().join("minutes.txt");
    std::fs::write(
        &minutes,
        "Minutes of the Scrutiny Board\nHeld on 5 March 2022 at 10am\n\n1. Finance\nOn track.\n\n2. Estates\nOn time.\n",
    )
    .expect("minutes written");
    let binary = dir.path().join("scan.bin");
    std::fs::write(&binary, [0u8; 16]).expect("binary written");
    browser.open("/staff/import").await;
    let input = browser
        .client
        .find(Locator::Id("file"))
        .await
        .expect("file input");
    input
        .send_keys(&format!("{}\n{}", minutes.display(), binary.display()))
        .await
        .expect("files chosen");
    browser.set_viewport(320, 640).await;
    browser.press_button("Preview").await;
    assert_eq!(browser.texts("h1").await, ["Preview of 2 files"]);
    assert_eq!(
        crate::layout::overflow(&browser).await,
        None,
        "the preview of several files reflows at 320 px"
    );
    browser.set_viewport(1280, 900).await;
    browser.check_wcag(&mut wcag).await;
    browser.type_into("published-on", "unknown").await;
    browser.press_button("Create the draft").await;
    assert_eq!(browser.texts("h1").await, ["1 of 1 drafts created"]);
    browser.check_wcag(&mut wcag).await;

    // The staff forms reflow on a phone as the public pages do (WCAG 1.4.10).
    browser.set_viewport(320, 640).await;
    let mut wide = Vec::new();
    for page in [
        "/staff".to_owned(),
        editor.clone(),
        question,
        format!("/staff/meetings/{id}/actions/new"),
        "/staff/meetings/new".to_owned(),
        "/staff/import".to_owned(),
        "/staff/forward-plan".to_owned(),
        "/staff/users".to_owned(),
        "/staff/audit".to_owned(),
        "/staff/settings".to_owned(),
    ] {
        browser.open(&page).await;
        if let Some(problem) = crate::layout::overflow(&browser).await {
            wide.push(format!("{page}: {problem}"));
        }
    }
    browser.set_viewport(1280, 900).await;
    browser.open(&editor).await;
    browser.press_button("Send to the PCC").await;
    assert!(
        browser
            .texts(".workflow")
            .await
            .join(" ")
            .contains("with the PCC")
    );
    browser.check_wcag(&mut wcag).await;
    browser.sign_out().await;

    browser
        .first_sign_in("pcc@opcc.example", &pcc_one_time, PCC_PASSWORD)
        .await;
    browser.open("/staff/review").await;
    browser.check_wcag(&mut wcag).await;
    browser.follow("Stalking").await;
    assert_eq!(browser.texts("h1").await, ["Stalking"]);
    browser.check_wcag(&mut wcag).await;
    browser.set_viewport(320, 640).await;
    let review = browser.path().await;
    browser.open(&review).await;
    if let Some(problem) = crate::layout::overflow(&browser).await {
        wide.push(format!("{review}: {problem}"));
    }
    browser.set_viewport(1280, 900).await;
    browser.open(&review).await;
    // Publishing before deciding names the questions without a decision.
    browser.press_button("Publish").await;
    assert_eq!(
        browser.texts(".error-summary li").await,
        [
            "Question 2 has no decision",
            "Question 3 has no decision",
            "Question 4 has no decision"
        ]
    );
    browser.check_wcag(&mut wcag).await;
    for (number, decision) in [(2, "partly_assured"), (3, "assured"), (4, "not_assured")] {
        let select = browser
            .client
            .find(Locator::Id(&format!("decision-{number}")))
            .await
            .expect("decision");
        select.select_by_value(decision).await.expect("chosen");
        browser
            .type_into(&format!("rationale-{number}"), "As the evidence showed.")
            .await;
        browser
            .press_button(&format!("Save decision on question {number}"))
            .await;
    }
    browser.press_button("Publish").await;
    assert!(
        browser
            .texts(".notice")
            .await
            .join(" ")
            .contains("The record has been published")
    );

    browser.sign_out().await;
    browser.open("/meetings/2025-12-02-stalking").await;
    assert_eq!(
        browser.texts("td.col-decision strong").await,
        ["Assured", "Partly assured", "Assured", "Not assured"]
    );
    assert!(
        browser
            .texts(".import-note")
            .await
            .join(" ")
            .contains("originally published on 5 December 2025")
    );
    browser.check_wcag(&mut wcag).await;
    assert!(wcag.is_empty(), "WCAG violations found by axe:\n{wcag}");
    assert!(
        wide.is_empty(),
        "staff pages scroll sideways at 320 px:\n{}",
        wide.join("\n")
    );
    browser.finish().await;
}
