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

/// A record whose first question is about stalking and whose third alone
/// mentions training.
async fn training_in_another_question(app: &TestApp) {
    RecordBuilder::new("2024-05-10", "Stalking")
        .question("What is the stalking unit doing?")
        .evidence("- The unit has a plan.")
        .question("Is the budget enough?")
        .evidence("- It is.")
        .question("Are officers trained?")
        .evidence("- Training was given to 1,000 officers.\n- More training is planned.")
        .publish(&app.pool)
        .await;
}

#[tokio::test]
async fn a_minus_word_leaves_out_a_record_with_it_in_any_question_whatever_else_is_asked() {
    let app = TestApp::new().await;
    four_records(&app).await;
    training_in_another_question(&app).await;
    assert_eq!(
        found(&app, "stalking").await,
        ["Neighbourhoods", "Safeguarding", "Stalking"]
    );
    assert_eq!(
        found(&app, "stalk -training").await,
        ["Neighbourhoods", "Safeguarding"]
    );
    // Not only the word just before it: with `or`, every result.
    assert_eq!(
        found(&app, "robbery or stalking -training").await,
        ["Neighbourhoods", "Robbery", "Safeguarding"]
    );
    assert_eq!(
        found(&app, "-training robbery or stalking").await,
        ["Neighbourhoods", "Robbery", "Safeguarding"]
    );
    // A dash typed by a word processor or a phone is a minus too.
    for dash in ['–', '—', '−'] {
        assert_eq!(
            found(&app, &format!("stalk {dash}training")).await,
            ["Neighbourhoods", "Safeguarding"],
            "{dash}"
        );
    }
    // Two words left out: records with either.
    assert_eq!(
        found(&app, "stalking -training -harassment").await,
        ["Safeguarding"]
    );
}

#[tokio::test]
async fn a_minus_word_leaves_out_a_record_with_it_anywhere_in_its_public_text() {
    let app = TestApp::new().await;
    four_records(&app).await;
    RecordBuilder::new("2024-05-10", "Stalking")
        .question("What is the stalking unit doing?")
        .evidence("- The unit has a plan.")
        .document("Training needs analysis", "analysis.txt", "Needs.")
        .publish(&app.pool)
        .await;
    // Progress noted on an action since publication is public text too.
    let later = RecordBuilder::new("2024-06-10", "Harassment")
        .question("Is harassment tackled?")
        .action("Report back on stalking.")
        .publish(&app.pool)
        .await;
    let action: i64 = sqlx::query_scalar("select id from action where meeting_id = $1")
        .bind(later.id)
        .fetch_one(&app.pool)
        .await
        .expect("action");
    assert_eq!(found(&app, "stalking -coaching").await.len(), 4);
    crate::common::progress_note(&app.pool, action, "2024-07-01", "Coaching booked for May.").await;
    assert_eq!(
        found(&app, "stalking -training").await,
        ["Harassment", "Neighbourhoods", "Safeguarding"]
    );
    assert_eq!(found(&app, "stalking -coaching").await.len(), 3);
    assert_eq!(
        found(&app, "stalking -training -coaching").await,
        ["Neighbourhoods", "Safeguarding"]
    );
}

/// The "did you mean" of a search for `q`: its text and address.
async fn suggestion(app: &TestApp, q: &str) -> Option<(String, String)> {
    let query: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let page = app.get(&format!("/search?q={query}")).await;
    assert_eq!(page.status, 200, "{q}");
    let selector = scraper::Selector::parse(".suggestion a").expect("sel");
    let html = page.html();
    let link = html.select(&selector).next()?;
    Some((
        link.text().collect(),
        link.value().attr("href").unwrap_or_default().to_owned(),
    ))
}

#[tokio::test]
async fn a_search_that_finds_nothing_suggests_the_words_of_published_records() {
    let app = TestApp::new().await;
    four_records(&app).await;
    RecordBuilder::new("2024-05-10", "Data")
        .question("Is the data abstraction working?")
        .evidence("- The abstraction layer is complete.\n- It needs protection to protect it.")
        .publish(&app.pool)
        .await;
    let (text, href) = suggestion(&app, "abstracton").await.expect("a suggestion");
    assert_eq!(text, "abstraction");
    assert_eq!(href, "/search?q=abstraction&page=1");
    let followed = app.get(&href).await;
    assert_eq!(followed.texts(".search-results h3"), ["Data"]);
    // Words that are found, by their stem, are kept; the query keeps its
    // shape and capitals.
    assert_eq!(
        suggestion(&app, "Abstracton -robbery \"data abstracton\"")
            .await
            .map(|s| s.0),
        Some("Abstraction -robbery \"data abstraction\"".to_owned())
    );
    // The fewest letters away of the nearest words.
    assert_eq!(
        suggestion(&app, "abstraction protecton").await.map(|s| s.0),
        Some("abstraction protection".to_owned())
    );
    // Nothing to suggest: no near word, or every word known.
    assert_eq!(suggestion(&app, "zzqxj").await, None);
    assert_eq!(suggestion(&app, "burglary robbery").await, None);
    // Not for a search that finds something.
    assert_eq!(suggestion(&app, "abstraction").await, None);
    // Not when the nearer word finds nothing either, within the dates asked.
    assert!(suggestion(&app, "abstracton").await.is_some());
    let page = app
        .get("/search?q=abstracton&from=2023-01-01&to=2023-12-31")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.texts(".suggestion a").is_empty(), "{}", page.body);
    let page = app
        .get("/search?q=abstracton&from=2024-01-01&to=2024-12-31")
        .await;
    assert_eq!(page.texts(".suggestion a"), ["abstraction"]);
}

#[tokio::test]
async fn the_words_of_a_withdrawn_record_are_no_longer_suggested() {
    let app = TestApp::new().await;
    let first = RecordBuilder::new("2024-05-10", "Data")
        .question("Is the abstraction working?")
        .publish(&app.pool)
        .await;
    RecordBuilder::new("2024-06-10", "Systems")
        .question("Are the abstractions working?")
        .publish(&app.pool)
        .await;
    assert_eq!(
        suggestion(&app, "abstracton").await.map(|s| s.0),
        Some("abstraction".to_owned())
    );
    crate::common::withdraw(&app.pool, &first.slug, "Published in error.").await;
    assert_eq!(
        suggestion(&app, "abstracton").await.map(|s| s.0),
        Some("abstractions".to_owned())
    );
    crate::common::reinstate(&app.pool, &first.slug, "It was right.").await;
    assert_eq!(
        suggestion(&app, "abstracton").await.map(|s| s.0),
        Some("abstraction".to_owned())
    );
}
