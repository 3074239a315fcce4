//! `/search` reads web search syntax, as its help text promises: a "quoted
//! phrase" must appear as typed, `or` finds either word, `-word` leaves out
//! records with the word.

use crate::common::{RecordBuilder, TestApp};

/// Four published records, each with one question.
async fn four_records(app: &TestApp) {
    for (date, topic, question) in [
        ("2024-01-10", "Safeguarding", "What is the stalking unit doing?"),
        (
            "2024-02-10",
            "Neighbourhoods",
            "Does the unit respond to stalking and harassment?",
        ),
        ("2024-03-10", "Burglary", "How are burglaries investigated?"),
        ("2024-04-10", "Robbery", "How is robbery tackled?"),
    ] {
        RecordBuilder::new(date, topic)
            .question(question)
            .evidence("- The Force has a plan.")
            .publish(&app.pool)
            .await;
    }
}

/// The topics of the records found for `q`, sorted.
async fn found(app: &TestApp, q: &str) -> Vec<String> {
    let query: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let page = app.get(&format!("/search?q={query}")).await;
    assert_eq!(page.status, 200, "{q}");
    let mut topics = page.texts(".search-results h3");
    topics.sort();
    topics
}

#[tokio::test]
async fn a_quoted_phrase_finds_only_the_words_together_in_that_order() {
    let app = TestApp::new().await;
    four_records(&app).await;
    assert_eq!(found(&app, "\"stalking unit\"").await, ["Safeguarding"]);
    assert_eq!(
        found(&app, "stalking unit").await,
        ["Neighbourhoods", "Safeguarding"],
        "unquoted, the words anywhere"
    );
}

#[tokio::test]
async fn or_finds_records_with_either_word() {
    let app = TestApp::new().await;
    four_records(&app).await;
    assert_eq!(found(&app, "burglary or robbery").await, ["Burglary", "Robbery"]);
    assert_eq!(found(&app, "burglary robbery").await, Vec::<String>::new());
    // Past the last page, the count of what matched is still the same.
    let past = app.get("/search?q=burglary+or+robbery&page=5").await;
    assert_eq!(past.texts("h2#results"), ["2 records found"]);
}

#[tokio::test]
async fn a_minus_word_leaves_out_records_with_that_word() {
    let app = TestApp::new().await;
    four_records(&app).await;
    assert_eq!(found(&app, "stalking -harassment").await, ["Safeguarding"]);
    assert_eq!(found(&app, "stalking harassment").await, ["Neighbourhoods"]);
}
