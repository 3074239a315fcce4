//! Staff write a meeting in the browser, through the real forms, and every
//! staff form passes the same WCAG checks as the public pages.

use fantoccini::Locator;

use crate::axe;
use crate::common::Browser;

const NEW_PASSWORD: &str = "a long new password for the admin";

impl Browser {
    /// Types `text` into the field with id `id`.
    pub(crate) async fn type_into(&self, id: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("no field #{id}: {e}"));
        field.clear().await.expect("clear");
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into #{id}: {e}"));
    }

    /// Marks the page now shown, then waits until a new page has replaced
    /// it and finished loading.
    pub(crate) async fn after_navigation(&self, act: impl std::future::Future<Output = ()>) {
        let _: serde_json::Value = self.eval("window.__scrutinyOldPage = true; return null").await;
        act.await;
        for _ in 0..200 {
            let loaded: bool = self
                .eval("return window.__scrutinyOldPage === undefined && document.readyState === 'complete'")
                .await;
            if loaded {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no new page loaded within 10 seconds");
    }

    /// Presses the button of the main content named `label`, and waits for
    /// the page it leads to.
    pub(crate) async fn press_button(&self, label: &str) {
        self.after_navigation(self.click_button(label)).await;
    }

    pub(crate) async fn click_button(&self, label: &str) {
        let xpath = format!("//main//button[normalize-space(.)='{label}']");
        let button = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button {label}: {e}"));
        button
            .click()
            .await
            .unwrap_or_else(|e| panic!("pressing {label}: {e}"));
    }

    pub(crate) async fn follow(&self, link: &str) {
        self.after_navigation(async {
            let link = self
                .client
                .find(Locator::LinkText(link))
                .await
                .unwrap_or_else(|e| panic!("no link {link}: {e}"));
            link.click().await.expect("the link is followed");
        })
        .await;
    }

    pub(crate) async fn path(&self) -> String {
        self.eval("return location.pathname").await
    }

    pub(crate) async fn texts(&self, selector: &str) -> Vec<String> {
        let script =
            format!("return [...document.querySelectorAll({selector:?})].map(e => e.innerText.trim())");
        self.eval(&script).await
    }

    /// axe's violations on the page now, as a report line per page.
    pub(crate) async fn check_wcag(&self, failures: &mut String) {
        let violations = axe::violations(self).await;
        if !violations.is_empty() {
            let path = self.path().await;
            failures.push_str(&format!("{path}:\n{}", axe::report(&violations)));
        }
    }
}

#[tokio::test]
#[ignore = "needs Chromium: cargo test --test browser -- --ignored"]
async fn an_officer_signs_in_and_writes_a_meeting_through_the_forms() {
    let browser = Browser::start().await;
    browser.set_viewport(1280, 900).await;
    let mut wcag = String::new();

    browser.open("/staff/login").await;
    browser.check_wcag(&mut wcag).await;
    browser.type_into("email", "admin@localhost").await;
    browser.type_into("password", &browser.admin_password).await;
    browser.press_button("Sign in").await;
    let shown: String = browser.eval("return document.body.innerText").await;
    assert_eq!(
        browser.path().await,
        "/staff/password",
        "a one-time password must be changed first; the page says:\n{shown}\n(password {:?})",
        browser.admin_password
    );
    browser.check_wcag(&mut wcag).await;
    browser.type_into("current", &browser.admin_password).await;
    browser.type_into("new", NEW_PASSWORD).await;
    browser.type_into("confirm", NEW_PASSWORD).await;
    browser.press_button("Save").await;
    assert_eq!(browser.path().await, "/staff");
    assert_eq!(
        browser.texts(".notice").await,
        ["Your password has been changed."]
    );
    browser.check_wcag(&mut wcag).await;

    browser.follow("New meeting").await;
    browser.check_wcag(&mut wcag).await;
    // An empty form comes back with its error summary, which is checked too.
    browser.press_button("Save").await;
    assert_eq!(
        browser.texts(".error-summary li").await,
        ["Enter topic", "Enter date"]
    );
    browser.check_wcag(&mut wcag).await;
    browser.type_into("topic", "Anti-social behaviour").await;
    // Date fields take typing in the browser's locale; set the value as a
    // date picker would.
    let _: serde_json::Value = browser
        .eval("document.getElementById('held_on').value = '2025-01-14'; return null")
        .await;
    browser.type_into("place", "Police HQ").await;
    browser
        .type_into("attendees", "Steve Turner, Police and Crime Commissioner")
        .await;
    browser.press_button("Save").await;
    assert!(browser.path().await.starts_with("/staff/meetings/"));
    assert_eq!(browser.texts("h1").await, ["Anti-social behaviour"]);
    browser.check_wcag(&mut wcag).await;

    browser.follow("Add a question").await;
    browser
        .type_into("text", "How is the Force tackling anti-social behaviour?")
        .await;
    browser
        .type_into(
            "evidence",
            "- Hotspot patrols in 12 areas.\n  - Funded until March.\n- A new reporting app.",
        )
        .await;
    browser.press_button("Preview").await;
    assert_eq!(
        browser.texts(".preview .col-evidence > ul > li > p").await,
        ["Hotspot patrols in 12 areas.", "A new reporting app."]
    );
    browser.check_wcag(&mut wcag).await;
    // A three-level list pasted from Word arrives as its glyphs and tabs,
    // with no indentation (set as a paste sets it: typing a tab would move
    // the focus).
    let _: serde_json::Value = browser
        .eval(
            "document.getElementById('evidence').value = '•\\tHotspot patrols in 12 areas.\\r\\n\
             o\\tFunded until March.\\r\\n\\u00a7\\tBy the PCC.\\r\\n•\\tA new reporting app.\\r\\n'; \
             return null",
        )
        .await;
    browser.press_button("Preview").await;
    assert_eq!(
        browser.texts(".preview .col-evidence > ul > li > p").await,
        ["Hotspot patrols in 12 areas.", "A new reporting app."]
    );
    assert_eq!(
        browser.texts(".preview .col-evidence ul ul ul li").await,
        ["By the PCC."],
        "Word's third level is nested three deep"
    );
    browser.press_button("Save").await;
    let questions = browser.texts(".editor-list > li > p:first-child").await;
    assert_eq!(
        questions,
        ["Question 1. How is the Force tackling anti-social behaviour?"]
    );
    let numbering: String = browser
        .eval("return getComputedStyle(document.querySelector('.editor-list')).listStyleType")
        .await;
    assert_eq!(numbering, "none", "a question is numbered once, by its own text");

    browser.follow("Add an action").await;
    browser
        .type_into("body", "Report on the app's use in six months.")
        .await;
    browser.type_into("owner", "Chief Inspector").await;
    let _: serde_json::Value = browser
        .eval("document.getElementById('due_on').value = '2025-07-14'; return null")
        .await;
    browser.check_wcag(&mut wcag).await;
    browser.press_button("Save").await;
    assert_eq!(browser.texts("td[data-label=Owner]").await, ["Chief Inspector"]);

    browser.open("/staff/records").await;
    let records = browser
        .texts("table.records td[data-label=Record] > a:first-child")
        .await;
    assert!(
        records.contains(&"Anti-social behaviour, 14 January 2025".to_owned()),
        "the new meeting is in the list of records: {records:?}"
    );
    for staff_page in [
        "/staff/records",
        "/staff/users",
        "/staff/audit",
        "/staff/settings",
        "/staff/account",
        "/staff/outbox",
        // Last: the forward plan's form is used below.
        "/staff/forward-plan",
    ] {
        browser.open(staff_page).await;
        browser.check_wcag(&mut wcag).await;
        for width in [1280, 375] {
            let name = staff_page.trim_start_matches('/').replace('/', "-");
            crate::screenshots::whole_page(&browser, &name, width).await;
        }
    }
    browser.set_viewport(1280, 900).await;
    // The forward plan's form, refused and then accepted.
    browser.press_button("Add to the plan").await;
    assert_eq!(
        browser.texts(".error-summary li").await,
        ["Enter topic", "Enter date"]
    );
    browser.check_wcag(&mut wcag).await;
    browser.type_into("topic", "Rural crime").await;
    let _: serde_json::Value = browser
        .eval("document.getElementById('planned_on').value = '2099-03-04'; return null")
        .await;
    browser.press_button("Add to the plan").await;
    browser.check_wcag(&mut wcag).await;
    assert_eq!(
        browser.texts("td[data-label=Public] .tag").await,
        ["Not published"]
    );
    // Not public until published, from the entry's own page.
    let entry: String = browser
        .eval("return document.querySelector(\"td a[href^='/staff/forward-plan/']\").getAttribute('href')")
        .await;
    browser.open(&entry).await;
    browser.check_wcag(&mut wcag).await;
    browser.press_button("Publish on the forward plan").await;
    browser.open("/forward-plan").await;
    assert_eq!(browser.texts(".plan td[data-label=Topic]").await, ["Rural crime"]);
    assert!(
        wcag.is_empty(),
        "WCAG violations found by axe on staff pages:\n{wcag}"
    );
    browser.finish().await;
}
