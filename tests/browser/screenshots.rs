//! Screenshots of the record page, for people to look at: `target/screenshots/`.

use crate::common::{Browser, RECORD_PAGE, screenshots_dir};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The width in pixels from a PNG's header.
fn png_width(png: &[u8]) -> u32 {
    assert!(png.len() > 24 && png.starts_with(PNG_SIGNATURE), "not a PNG");
    u32::from_be_bytes([png[16], png[17], png[18], png[19]])
}

/// Writes the whole of the page open in `browser`, laid out `width` pixels
/// wide, to `target/screenshots/{name}-{width}.png`, and leaves the
/// viewport 900 pixels tall.
pub async fn whole_page(browser: &Browser, name: &str, width: u32) -> std::path::PathBuf {
    browser.set_viewport(width, 900).await;
    // The whole page: make the viewport as tall as the page.
    let height: u32 = browser.eval("return document.documentElement.scrollHeight").await;
    browser.set_viewport(width, height.min(16_000)).await;
    let png = browser.client.screenshot().await.expect("a screenshot");
    let path = screenshots_dir().join(format!("{name}-{width}.png"));
    std::fs::write(&path, &png).expect("the screenshot is written");
    browser.set_viewport(width, 900).await;
    path
}

#[tokio::test]
#[ignore = "needs Chromium: cargo test --test browser -- --ignored"]
async fn a_screenshot_of_the_record_page_is_written() {
    let browser = Browser::start().await;

    for width in [1280, 375] {
        browser.open(RECORD_PAGE).await;
        let path = whole_page(&browser, "record", width).await;

        let written = std::fs::read(&path).expect("the screenshot is there");
        let scale: f64 = browser.eval("return window.devicePixelRatio").await;
        assert_eq!(
            png_width(&written),
            (f64::from(width) * scale).round() as u32,
            "{}",
            path.display()
        );
        eprintln!("wrote {}", path.display());
        // The kicker and the title stand clear of the black header.
        let gap: f64 = browser
            .eval(
                "return document.querySelector('main .kind').getBoundingClientRect().top \
                 - document.querySelector('.site-header').getBoundingClientRect().bottom",
            )
            .await;
        assert!(
            gap >= 16.0,
            "the kicker is {gap} px below the header at {width} px"
        );
        if width == 1280 {
            // A rationale reads in lines, not two or three words at a time.
            let decision: f64 = browser
                .eval("return document.querySelector('table.record td.col-decision').getBoundingClientRect().width")
                .await;
            assert!(
                decision >= 220.0,
                "the decision column is {decision} px wide at 1280 px"
            );
        }
    }
    browser.finish().await;
}
