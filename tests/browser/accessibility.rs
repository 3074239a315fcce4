//! WCAG 2.2 AA, as far as axe-core can tell, on every public page.

use crate::axe;
use crate::common::{Browser, PUBLIC_PAGES};

#[tokio::test]
#[ignore = "needs Chromium: cargo test --test browser -- --ignored"]
async fn every_public_page_passes_axe_wcag_checks() {
    let browser = Browser::start().await;
    browser.set_viewport(1280, 900).await;
    let mut failures = String::new();

    for page in PUBLIC_PAGES {
        browser.open_page(page).await;
        let violations = axe::violations(&browser).await;
        if !violations.is_empty() {
            failures.push_str(&format!("{}:\n{}", page.path, axe::report(&violations)));
        }
    }

    assert!(failures.is_empty(), "WCAG violations found by axe:\n{failures}");
    browser.finish().await;
}
