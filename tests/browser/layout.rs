//! Reflow (WCAG 1.4.10): every page fits a 320 CSS pixel screen, and the
//! record's table becomes one block per question there.

use crate::common::{Browser, PUBLIC_PAGES, RECORD_PAGE};

/// The page's width and viewport, and the elements that stick out of it.
const OVERFLOW: &str = r#"
    const width = window.innerWidth;
    const wide = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > width + 0.5)
        .slice(0, 10)
        .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
            + ' (right edge at ' + Math.round(el.getBoundingClientRect().right) + ')');
    return [document.documentElement.scrollWidth, width, wide];
"#;

/// How the first cell of the record's table and the table itself are displayed.
const TABLE_DISPLAY: &str = r#"
    const table = document.querySelector('table.record');
    return [getComputedStyle(table).display, getComputedStyle(table.querySelector('td')).display];
"#;

/// Whether the page now shown scrolls sideways: a description of what sticks
/// out, if it does.
pub(crate) async fn overflow(browser: &Browser) -> Option<String> {
    let (scroll_width, width, wide): (u32, u32, Vec<String>) = browser.eval(OVERFLOW).await;
    (scroll_width > width).then(|| format!("{scroll_width} px wide in {width}: {}", wide.join(", ")))
}

#[tokio::test]
#[ignore = "needs Chromium: cargo test --test browser -- --ignored"]
async fn pages_fit_a_320_pixel_screen_without_horizontal_scroll() {
    let browser = Browser::start().await;
    browser.set_viewport(320, 640).await;
    let mut failures = Vec::new();

    for page in PUBLIC_PAGES {
        browser.open_page(page).await;
        let (scroll_width, width, wide): (u32, u32, Vec<String>) = browser.eval(OVERFLOW).await;
        assert_eq!(width, 320, "the viewport on {}", page.path);
        if scroll_width > width {
            failures.push(format!(
                "{} is {scroll_width} px wide: {}",
                page.path,
                wide.join(", ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "pages scroll sideways at 320 px:\n{}",
        failures.join("\n")
    );

    browser.open(RECORD_PAGE).await;
    let (_, cell): (String, String) = browser.eval(TABLE_DISPLAY).await;
    assert_eq!(cell, "block", "at 320 px each question is a block of its own");

    browser.set_viewport(1280, 900).await;
    browser.open(RECORD_PAGE).await;
    let (table, cell): (String, String) = browser.eval(TABLE_DISPLAY).await;
    assert_eq!(
        (table.as_str(), cell.as_str()),
        ("table", "table-cell"),
        "at 1280 px the record is a table"
    );
    browser.finish().await;
}
