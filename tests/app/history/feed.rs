//! `/feed.atom`: publications and corrections, read by a real Atom parser.

use crate::common::{
    TestApp, correct_meeting, draft_correction, draft_meeting, feed, publish_meeting, withdraw_meeting,
};

const SITE: &str = "http://127.0.0.1:3000";

#[tokio::test]
async fn the_feed_has_one_entry_per_publication_and_correction_newest_first() {
    let app = TestApp::new().await;
    let stalking = publish_meeting(&app.pool, "2024-12-03", "Stalking", None).await;
    let roads = publish_meeting(&app.pool, "2025-01-14", "Road Safety", None).await;
    correct_meeting(
        &app.pool,
        &stalking,
        "What is the corrected question?",
        "A typing error.",
    )
    .await;

    let response = app.get("/feed.atom").await;
    let feed = feed(&app).await;

    assert!(
        response
            .header("content-type")
            .starts_with("application/atom+xml")
    );
    let titles: Vec<_> = feed.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Stalking, 3 December 2024 (corrected)",
            "Road Safety, 14 January 2025",
            "Stalking, 3 December 2024",
        ]
    );
    let links: Vec<_> = feed.entries.iter().map(|e| e.links[0].href.as_str()).collect();
    assert_eq!(
        links,
        [
            format!("{SITE}/meetings/{stalking}"),
            format!("{SITE}/meetings/{roads}"),
            format!("{SITE}/meetings/{stalking}"),
        ]
    );
    let summaries: Vec<_> = feed
        .entries
        .iter()
        .map(|e| e.summary.as_ref().map(|s| s.as_str()))
        .collect();
    assert_eq!(
        summaries,
        [
            Some("Corrected: A typing error."),
            Some("First published."),
            Some("First published.")
        ]
    );
    assert_eq!(feed.title.as_str(), "Scrutiny records");
    assert_eq!(feed.updated, feed.entries[0].updated);
}

#[tokio::test]
async fn each_entry_is_dated_when_it_was_published_and_keeps_its_id() {
    let app = TestApp::new().await;
    let slug = publish_meeting(&app.pool, "2024-12-03", "Stalking", None).await;
    let before = feed(&app).await;
    correct_meeting(
        &app.pool,
        &slug,
        "What is the corrected question?",
        "A typing error.",
    )
    .await;

    let after = feed(&app).await;
    let record = app.get(&format!("/meetings/{slug}.json")).await;

    let record: serde_json::Value = serde_json::from_str(&record.body).expect("JSON");
    let published_at: chrono::DateTime<chrono::FixedOffset> = record["published_at"]
        .as_str()
        .expect("published_at")
        .parse()
        .expect("a date");
    assert_eq!(after.entries[0].updated, published_at);
    assert_eq!(
        after.entries[1].id, before.entries[0].id,
        "the first entry keeps its id"
    );
    assert_ne!(after.entries[0].id, after.entries[1].id);
    assert_eq!(after.entries[1].id, format!("{SITE}/meetings/{slug}/revisions/1"));
}

#[tokio::test]
async fn the_feed_holds_the_fifty_newest_entries() {
    let app = TestApp::new().await;
    for day in 1..=28 {
        publish_meeting(
            &app.pool,
            &format!("2024-02-{day:02}"),
            &format!("Topic {day}"),
            None,
        )
        .await;
    }
    for day in 1..=24 {
        publish_meeting(
            &app.pool,
            &format!("2024-03-{day:02}"),
            &format!("Topic {day}"),
            None,
        )
        .await;
    }

    let feed = feed(&app).await;

    assert_eq!(feed.entries.len(), 50);
    assert_eq!(feed.entries[0].title.as_str(), "Topic 24, 24 March 2024");
    assert_eq!(feed.entries[49].title.as_str(), "Topic 3, 3 February 2024");
}

#[tokio::test]
async fn drafts_reviews_pending_corrections_and_withdrawn_records_are_not_in_the_feed() {
    let app = TestApp::new().await;
    draft_meeting(&app.pool, "2025-02-01", "Secret Draft").await;
    let review = draft_meeting(&app.pool, "2025-02-02", "Secret Review").await;
    sqlx::query("update meeting set status = 'in_review' where slug = $1")
        .bind(&review)
        .execute(&app.pool)
        .await
        .expect("in review");
    let pending = publish_meeting(&app.pool, "2024-12-03", "Stalking", None).await;
    draft_correction(
        &app.pool,
        &pending,
        "A pending Secret correction?",
        "- Secret evidence.",
    )
    .await;
    let withdrawn = publish_meeting(&app.pool, "2024-11-05", "Burglary", None).await;
    correct_meeting(
        &app.pool,
        &withdrawn,
        "What is the corrected question?",
        "A typing error.",
    )
    .await;
    withdraw_meeting(&app.pool, &withdrawn, "Published by mistake.").await;

    let response = app.get("/feed.atom").await;
    let feed = feed(&app).await;

    let titles: Vec<_> = feed.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Stalking, 3 December 2024"]);
    assert!(!response.body.contains("Secret"));
    assert!(!response.body.contains("Burglary"));
}

#[tokio::test]
async fn an_empty_feed_is_still_valid_atom() {
    let app = TestApp::new().await;
    let feed = feed(&app).await;
    assert!(feed.entries.is_empty());
    assert_eq!(feed.id, format!("{SITE}/feed.atom"));
}

#[tokio::test]
async fn every_page_points_to_the_feed_and_the_home_page_links_it() {
    let app = TestApp::with_demo().await;
    for uri in ["/", "/meetings", "/meetings/2024-12-03-stalking"] {
        let page = app.get(uri).await;
        let html = page.html();
        let selector = scraper::Selector::parse("head link[rel=alternate][type='application/atom+xml']")
            .expect("selector");
        let hrefs: Vec<_> = html
            .select(&selector)
            .filter_map(|l| l.value().attr("href"))
            .collect();
        assert_eq!(hrefs, ["/feed.atom"], "{uri}");
    }
    let home = app.get("/").await;
    assert_eq!(
        home.texts("main a[href='/feed.atom']"),
        ["the Atom feed of scrutiny records"]
    );
}
