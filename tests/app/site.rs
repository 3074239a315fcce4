//! What holds on every page: layout, accessibility basics, headers, health.

use axum::body::Body;
use axum::http::Request;

use crate::common::{RecordBuilder, TestApp};

#[tokio::test]
async fn health_is_ok_when_the_database_answers() {
    let app = TestApp::new().await;
    let response = app.get("/health").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body, "ok");
}

#[tokio::test]
async fn health_is_503_when_the_database_is_gone() {
    let app = TestApp::new().await;
    app.pool.close().await;
    let response = app.get("/health").await;
    assert_eq!(response.status, 503);
}

#[tokio::test]
async fn every_public_page_has_the_accessible_layout() {
    let app = TestApp::with_demo().await;
    for uri in ["/", "/meetings", "/meetings/2024-12-03-stalking", "/no-such-page"] {
        let page = app.get(uri).await;
        let html = page.html();
        let count = |s: &str| {
            html.select(&scraper::Selector::parse(s).expect("selector"))
                .count()
        };
        assert!(page.body.starts_with("<!DOCTYPE html>"), "{uri}");
        assert_eq!(count("html[lang=en-GB]"), 1, "{uri}");
        assert_eq!(count("h1"), 1, "{uri}: exactly one h1");
        assert_eq!(count("main#main"), 1, "{uri}");
        assert_eq!(count("header"), 1, "{uri}");
        assert_eq!(count("footer"), 1, "{uri}");
        assert_eq!(count("nav[aria-label]"), 1, "{uri}");
        assert_eq!(
            page.texts("body > a:first-child[href='#main']"),
            ["Skip to main content"],
            "{uri}"
        );
        assert_eq!(count("title"), 1, "{uri}");
    }
}

#[tokio::test]
async fn an_unknown_address_gets_a_404_page_in_the_layout() {
    let app = TestApp::new().await;
    let page = app.get("/no/such/page").await;
    assert_eq!(page.status, 404);
    assert!(page.header("content-type").starts_with("text/html"));
    assert_eq!(page.texts("h1"), ["Page not found"]);
    assert!(page.body.contains("href=\"/static/site.css\""));
}

#[tokio::test]
async fn the_stylesheet_is_served_with_cache_headers_and_compressed() {
    let app = TestApp::new().await;
    let request = Request::get("/static/site.css")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .expect("request");
    let response = app.request(request).await;
    assert_eq!(response.status, 200);
    assert!(response.header("content-type").starts_with("text/css"));
    assert!(response.header("cache-control").contains("max-age="));
    assert_eq!(response.header("content-encoding"), "gzip");
}

#[tokio::test]
async fn a_record_loads_the_print_date_script_which_is_served_as_javascript() {
    let app = TestApp::with_demo().await;
    let page = app.get("/meetings/2024-12-03-stalking").await;
    assert!(
        page.body
            .contains(r#"<script src="/static/print.js" defer></script>"#)
    );

    let script = app.get("/static/print.js").await;
    assert_eq!(script.status, 200);
    assert!(script.header("content-type").starts_with("text/javascript"));
    assert!(script.body.contains("Printed on"), "{}", script.body);
}

#[tokio::test]
async fn pages_are_compressed_and_carry_security_headers() {
    let app = TestApp::with_demo().await;
    let request = Request::get("/meetings/2024-12-03-stalking")
        .header("accept-encoding", "br")
        .body(Body::empty())
        .expect("request");
    let response = app.request(request).await;
    assert_eq!(response.header("content-encoding"), "br");
    let csp = response.header("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(response.header("x-content-type-options"), "nosniff");
    assert!(!response.header("referrer-policy").is_empty());
}

#[tokio::test]
async fn a_decision_is_shown_as_text_not_by_colour_alone() {
    let app = TestApp::with_demo().await;
    let page = app.get("/meetings/2024-12-03-stalking").await;
    assert_eq!(page.texts(".decision-assured"), ["Assured"]);
}

#[tokio::test]
async fn user_text_is_escaped() {
    let app = TestApp::new().await;
    let slug = RecordBuilder::new("2024-01-01", "<script>alert(1)</script> Topic")
        .sample_question()
        .publish(&app.pool)
        .await
        .slug;
    let page = app.get(&format!("/meetings/{slug}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script>"), "{}", page.body);
    assert_eq!(
        page.body.matches("<script").count(),
        1,
        "only the site's own print.js"
    );
    assert_eq!(page.texts("h1"), ["<script>alert(1)</script> Topic"]);
    assert_eq!(
        page.texts(".print-head span:last-child"),
        ["<script>alert(1)</script> Topic, 1 January 2024"]
    );
}
