//! `/feed.atom`: publications and corrections, read by a real Atom parser.

use crate::common::{Correction, RecordBuilder, TestApp, withdraw};

const SITE: &str = "http://127.0.0.1:3000";

/// The Atom feed, parsed by a real Atom parser.
async fn feed(app: &TestApp) -> atom_syndication::Feed {
    let response = app.get("/feed.atom").await;
    assert_eq!(response.status, 200, "{}", response.body);
    atom_syndication::Feed::read_from(response.body.as_bytes()).expect("the feed is valid Atom")
}

#[tokio::test]
async fn the_feed_has_one_entry_per_publication_and_correction_newest_first() {
    let app = TestApp::new().await;
    let stalking = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await
        .slug;
    let roads = RecordBuilder::new("2025-01-14", "Road Safety")
        .sample_question()
        .publish(&app.pool)
        .await
        .slug;
    Correction::of(&stalking)
        .question("What is the corrected question?")
        .publish(&app.pool, "A typing error.")
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
            Some("Corrected: A typing error. 1. What is the corrected question? No decision recorded."),
            Some("First published. 1. What is the Force doing about Road Safety? No decision recorded."),
            Some("First published. 1. What is the Force doing about Stalking? No decision recorded.")
        ]
    );
    assert_eq!(
        feed.title.as_str(),
        "Scrutiny records: Office of the Police and Crime Commissioner"
    );
    assert_eq!(feed.updated, feed.entries[0].updated);
}

#[tokio::test]
async fn each_entry_is_dated_when_it_was_published_and_keeps_its_id() {
    let app = TestApp::new().await;
    let slug = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await
        .slug;
    let before = feed(&app).await;
    Correction::of(&slug)
        .question("What is the corrected question?")
        .publish(&app.pool, "A typing error.")
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
        RecordBuilder::new(&format!("2024-02-{day:02}"), &format!("Topic {day}"))
            .sample_question()
            .publish(&app.pool)
            .await;
    }
    for day in 1..=24 {
        RecordBuilder::new(&format!("2024-03-{day:02}"), &format!("Topic {day}"))
            .sample_question()
            .publish(&app.pool)
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
    RecordBuilder::new("2025-02-01", "Secret Draft")
        .question("A secret draft question?")
        .draft(&app.pool)
        .await;
    RecordBuilder::new("2025-02-02", "Secret Review")
        .question("A secret draft question?")
        .in_review(&app.pool)
        .await;
    let pending = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await
        .slug;
    Correction::of(&pending)
        .question("A pending Secret correction?")
        .evidence("- Secret evidence.")
        .draft(&app.pool)
        .await;
    let withdrawn = RecordBuilder::new("2024-11-05", "Burglary")
        .sample_question()
        .publish(&app.pool)
        .await
        .slug;
    Correction::of(&withdrawn)
        .question("What is the corrected question?")
        .publish(&app.pool, "A typing error.")
        .await;
    withdraw(&app.pool, &withdrawn, "Published by mistake.").await;

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

#[tokio::test]
async fn an_entry_sums_up_each_question_and_the_pccs_decision_on_it() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .question("How can the PCC be assured that:\n- the Force understands the scale?")
        .decision(scrutiny::domain::Decision::Assured)
        .question("Are victims kept informed?")
        .decision(scrutiny::domain::Decision::NotAssured)
        .question("Is training working?")
        .publish(&app.pool)
        .await;

    let feed = feed(&app).await;

    let summary = feed.entries[0].summary.as_ref().map(|s| s.as_str());
    assert_eq!(
        summary,
        Some(
            "First published. 1. How can the PCC be assured that: the Force understands the scale? \
             PCC's decision: Assured. 2. Are victims kept informed? PCC's decision: Not assured. \
             3. Is training working? No decision recorded."
        )
    );
}

#[tokio::test]
async fn an_imported_record_says_a_question_had_no_decision_in_its_notes() {
    let app = TestApp::with_demo().await;

    let feed = feed(&app).await;

    let summary = feed.entries[0]
        .summary
        .as_ref()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    assert!(
        summary.contains("No decision in the original notes."),
        "{summary}"
    );
    assert!(!summary.contains("No decision recorded"), "{summary}");
    assert!(summary.contains(" 1. "), "{summary}");
}
