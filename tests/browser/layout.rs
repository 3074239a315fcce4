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

/// For each question of the record: where its question cell ends, and where
/// its decision and evidence cells start, in CSS pixels from the top of the
/// page.
const CELL_EDGES: &str = r#"
    const box = (row, cell) => row.querySelector(cell).getBoundingClientRect();
    return [...document.querySelectorAll('table.record tbody tr')].map((row) => [
        box(row, '.col-question').bottom + window.scrollY,
        box(row, '.col-decision').top + window.scrollY,
        box(row, '.col-evidence').top + window.scrollY,
    ]);
"#;

#[tokio::test]
#[ignore = "needs Chromium: cargo test --test browser -- --ignored"]
async fn on_a_phone_each_decision_comes_straight_after_its_question() {
    let browser = Browser::start().await;
    browser.set_viewport(375, 812).await;
    browser.open(RECORD_PAGE).await;
    let rows: Vec<(f64, f64, f64)> = browser.eval(CELL_EDGES).await;
    assert!(rows.len() > 1, "the demo's questions: {rows:?}");
    for (n, (question_ends, decision, evidence)) in rows.iter().enumerate() {
        let n = n + 1;
        assert!(
            (0.0..40.0).contains(&(decision - question_ends)),
            "question {n}: its decision starts where the question ends ({question_ends}), not at {decision}"
        );
        assert!(
            decision < evidence,
            "question {n}: its decision ({decision}) comes before the evidence ({evidence})"
        );
    }
    browser.finish().await;
}
