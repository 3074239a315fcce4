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

/// The text of each page of a PDF, by poppler's `pdftotext`, with runs of
/// white space made one space.
fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("record.pdf");
    std::fs::write(&path, pdf).expect("the PDF is written");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils: .ci/run installs it)");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8 text");
    // pdftotext ends each page with a form feed.
    let mut pages: Vec<String> = text
        .split('\u{c}')
        .map(|page| page.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    if pages.last().is_some_and(String::is_empty) {
        pages.pop();
    }
    pages
}

#[tokio::test]
#[ignore = "needs Chromium: cargo test --test browser -- --ignored"]
async fn a_printed_record_starts_its_first_question_on_page_1_with_a_running_head_and_page_numbers() {
    let browser = Browser::start().await;
    browser.open(RECORD_PAGE).await;
    let (question, title): (String, String) = browser
        .eval(
            "return [document.querySelector('#question-1 .question-text').innerText, \
             document.querySelector('h1').innerText]",
        )
        .await;
    let first_words: String = question
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c.is_whitespace())
        .split_whitespace()
        .take(8)
        .collect::<Vec<_>>()
        .join(" ");
    let print = Devtools {
        command: "Page.printToPDF",
        params: serde_json::json!({ "paperWidth": 8.27, "paperHeight": 11.69 }),
    };
    let printed = browser.client.issue_cmd(print).await.expect("the page prints");
    let pdf = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        printed["data"].as_str().expect("the PDF's data"),
    )
    .expect("base64");
    std::fs::write(crate::common::screenshots_dir().join("record.pdf"), &pdf).expect("the PDF is kept");
    let pages = pdf_pages(&pdf);
    let count = pages.len();
    assert!(count > 1, "the demo record runs over pages: {pages:?}");

    assert!(
        pages[0].contains(&first_words),
        "page 1 holds question 1's text ({first_words:?}): {}",
        pages[0]
    );
    let today = scrutiny::domain::london::today().format("%-d %B %Y").to_string();
    for (n, page) in pages.iter().enumerate() {
        let n = n + 1;
        for (what, text) in [
            (
                "the office",
                "Office of the Police and Crime Commissioner".to_owned(),
            ),
            ("the record's title", format!("{title}, 3 December 2024")),
            ("the record's address", "/meetings/2024-12-03-stalking".to_owned()),
            ("the date printed", format!("Printed on {today}")),
            ("the page number", format!("Page {n} of {count}")),
        ] {
            assert!(page.contains(&text), "page {n} has {what} ({text:?}): {page}");
        }
        for link_only in [
            "All records on",
            "Revision history",
            "Skip to main content",
            "as open data",
        ] {
            assert!(!page.contains(link_only), "page {n} prints {link_only:?}: {page}");
        }
    }
    browser.finish().await;
}
