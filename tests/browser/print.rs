//! Printing: a record prints like the official notes, as the three-column
//! table of Question, Evidence and Decision, with none of the site around it.

use fantoccini::wd::WebDriverCompatibleCommand;

use crate::common::{Browser, RECORD_PAGE};

/// Chromium's DevTools command through chromedriver: here, to emulate print
/// media, as the print preview lays the page out.
#[derive(Debug)]
struct Devtools {
    command: &'static str,
    params: serde_json::Value,
}

impl WebDriverCompatibleCommand for Devtools {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// How each part of the page is displayed.
const LAYOUT: &str = r#"
    const display = (selector) => {
        const el = document.querySelector(selector);
        return el ? getComputedStyle(el).display : 'missing';
    };
    return {
        header: display('.site-header'),
        footer: display('.site-footer'),
        search: display('.site-search'),
        nav: display('nav'),
        skip: display('.skip-link'),
        table: display('table.record'),
        head: display('table.record thead'),
        cell: display('table.record td'),
        columns: [...document.querySelectorAll('table.record thead th')]
            .filter((th) => getComputedStyle(th).display !== 'none').map((th) => th.innerText.trim()),
    };
"#;

#[derive(Debug, serde::Deserialize)]
struct Layout {
    header: String,
    footer: String,
    search: String,
    nav: String,
    skip: String,
    table: String,
    head: String,
    cell: String,
    columns: Vec<String>,
}

#[tokio::test]
#[ignore = "needs Chromium: cargo test --test browser -- --ignored"]
async fn a_record_prints_as_the_three_column_notes_without_the_site_around_it() {
    let browser = Browser::start().await;
    // Narrower than the phone layout's breakpoint: paper must not get it.
    browser.set_viewport(600, 900).await;
    browser.open(RECORD_PAGE).await;
    let screen: Layout = browser.eval(LAYOUT).await;
    assert_eq!(
        screen.cell, "block",
        "on a narrow screen each question is a block"
    );

    let print = Devtools {
        command: "Emulation.setEmulatedMedia",
        params: serde_json::json!({ "media": "print" }),
    };
    browser
        .client
        .issue_cmd(print)
        .await
        .expect("print media is emulated");
    let paper: Layout = browser.eval(LAYOUT).await;
    for (part, display) in [
        ("header", &paper.header),
        ("footer", &paper.footer),
        ("search box", &paper.search),
        ("navigation", &paper.nav),
        ("skip link", &paper.skip),
    ] {
        assert_eq!(display, "none", "the {part} is not printed: {paper:?}");
    }
    assert_eq!(
        (paper.table.as_str(), paper.head.as_str(), paper.cell.as_str()),
        ("table", "table-header-group", "table-cell"),
        "the record prints as a table: {paper:?}"
    );
    assert_eq!(
        paper.columns,
        ["Question", "Brief summary of evidence", "Decision of PCC"]
    );
    browser.finish().await;
}
