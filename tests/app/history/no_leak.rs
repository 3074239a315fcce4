//! Issue 4's guarantee: nothing unpublished is ever visible to the public, in
//! any page, feed, export or error, whatever state its record is in.

use scrutiny::domain::Decision;
use sqlx::PgPool;

use crate::common::{Correction, Record, RecordBuilder, TestApp, withdraw};

/// What each unpublished piece of text is made of: a marker word, then what
/// the piece is ("Aardvarkquestion"), so a leak names itself.
const PIECES: [&str; 6] = ["question", "evidence", "rationale", "action", "document", "file"];

/// The markers of records never published (draft, in review) and of the
/// withdrawn record; their topics carry markers too where they are unpublished.
const DRAFT: &str = "Aardvark";
const REVIEW: &str = "Bison";
const WITHDRAWN: &str = "Dingo";
/// The marker of everything written into a published record's pending correction.
const PENDING: &str = "Capybara";

/// Every word no anonymous visitor may ever read.
fn secrets() -> Vec<String> {
    let mut secrets: Vec<String> = [DRAFT, REVIEW, WITHDRAWN]
        .iter()
        .flat_map(|m| PIECES.iter().map(move |p| format!("{m}{p}")))
        .collect();
    for piece in [
        "topic",
        "intro",
        "question",
        "evidence",
        "rationale",
        "second",
        "document",
        "file",
    ] {
        secrets.push(format!("{PENDING}{piece}"));
    }
    secrets.extend([format!("{DRAFT}marker"), format!("{REVIEW}marker")]);
    secrets.into_iter().map(|s| s.to_lowercase()).collect()
}

/// A record with one decided question, one action and one stored file,
/// each piece of text `{marker}{piece}`.
fn record(date: &str, topic: &str, marker: &str) -> RecordBuilder {
    let [question, evidence, rationale, action, document, file] = PIECES.map(|p| format!("{marker}{p}"));
    RecordBuilder::new(date, topic)
        .question(&format!("{question}?"))
        .evidence(&format!("- {evidence}."))
        .decision(Decision::Assured)
        .rationale(&rationale)
        .action(&action)
        .document(&document, &file, &file)
}

/// Records in every state: a draft and a record with the PCC, never
/// published; a published record; a published record whose correction is
/// being drafted; a withdrawn record.
struct Records {
    draft: Record,
    review: Record,
    published: Record,
    pending: Record,
    withdrawn: Record,
}

async fn records_in_every_state(pool: &PgPool) -> Records {
    let draft = record("2025-02-01", &format!("Draft {DRAFT}marker"), DRAFT)
        .draft(pool)
        .await;
    let review = record("2025-02-02", &format!("Review {REVIEW}marker"), REVIEW)
        .in_review(pool)
        .await;
    // Its words are meant to be public: they carry no marker.
    let published = record("2024-06-04", "Published Topic", "Published")
        .publish(pool)
        .await;
    let pending = record("2024-12-03", "Pending Topic", "Pending")
        .publish(pool)
        .await;
    // A correction edits the live record in every way staff can.
    Correction::of(&pending.slug)
        .topic(&format!("{PENDING}topic"))
        .introduction(&format!("{PENDING}intro"))
        .question(&format!("{PENDING}question?"))
        .evidence(&format!("- {PENDING}evidence"))
        .decision(Decision::NotAssured, &format!("{PENDING}rationale"))
        .add_question(&format!("{PENDING}second?"))
        .document(
            &format!("{PENDING}document"),
            &format!("{PENDING}file"),
            &format!("{PENDING}file"),
        )
        .draft(pool)
        .await;
    let withdrawn = record("2024-11-05", "Withdrawn Topic", WITHDRAWN)
        .publish(pool)
        .await;
    withdraw(pool, &withdrawn.slug, "Withdrawn for this test.").await;
    Records {
        draft,
        review,
        published,
        pending,
        withdrawn,
    }
}

/// Every address the public can ask for, about every record.
fn public_addresses(records: &Records) -> Vec<String> {
    let mut uris: Vec<String> = [
        "/",
        "/meetings",
        "/meetings?page=2",
        "/meetings?year=2024",
        "/meetings?year=2025",
        "/meetings?decision=assured",
        "/meetings?decision=partly_assured",
        "/meetings?decision=not_assured",
        "/meetings?topic=capybaratopic",
        "/feed.atom",
        "/health",
        "/no-such-page",
        "/search?q=Aardvarkquestion",
        "/actions",
        "/topics/draft-aardvarkmarker",
    ]
    .map(str::to_owned)
    .to_vec();
    let Records {
        draft,
        review,
        published,
        pending,
        withdrawn,
    } = records;
    for r in [draft, review, published, pending, withdrawn] {
        // The slug is the date, then the topic's address form.
        uris.push(format!("/meetings?topic={}", &r.slug[11..]));
        for suffix in ["", ".json", ".csv", "/revisions", "/revisions/1", "/revisions/2"] {
            uris.push(format!("/meetings/{}{suffix}", r.slug));
        }
        uris.push(format!("/documents/{}", r.documents[0]));
    }
    uris
}

#[tokio::test]
async fn nothing_unpublished_reaches_an_anonymous_visitor_at_any_address() {
    let app = TestApp::new().await;
    let records = records_in_every_state(&app.pool).await;
    let secrets = secrets();

    for uri in public_addresses(&records) {
        let response = app.get(&uri).await;

        assert!(response.status.as_u16() < 500, "{uri}: {}", response.status);
        let seen = if uri.starts_with("/search") {
            // The search page repeats the words searched for; what it found
            // is the list of results, which must be empty.
            assert_eq!(response.texts("h2#results"), ["0 records found"], "{uri}");
            response.texts("ol.search-results").join(" ").to_lowercase()
        } else {
            format!("{:?}\n{}", response.headers, response.body).to_lowercase()
        };
        for secret in &secrets {
            assert!(!seen.contains(secret.as_str()), "{uri} shows {secret}");
        }
    }
    // The record being corrected still shows what was last published.
    let page = app.get(&format!("/meetings/{}", records.pending.slug)).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.texts("h1"), ["Pending Topic"]);
    assert_eq!(page.texts("#question-1 .col-question"), ["1. Pendingquestion?"]);
    assert_eq!(page.texts("#question-1 .col-evidence"), ["Pendingevidence."]);
    assert_eq!(
        page.texts("#question-1 .col-decision"),
        ["Assured Pendingrationale"]
    );
    assert_eq!(page.texts("tbody tr[id^=question-]").len(), 1);
    assert_eq!(page.texts("ul.documents li"), ["Pendingdocument"]);
    let not_assured = app.get("/meetings?decision=not_assured").await;
    assert!(not_assured.texts(".record-list h3").is_empty());
}

#[tokio::test]
async fn each_state_answers_with_its_own_status_and_only_published_records_are_listed() {
    let app = TestApp::new().await;
    let r = records_in_every_state(&app.pool).await;
    let status = |uri: String| {
        let app = &app;
        async move { app.get(&uri).await.status.as_u16() }
    };

    let listed = app.get("/meetings").await.texts(".record-list h3");

    assert_eq!(listed, ["Pending Topic", "Published Topic"]);
    assert_eq!(status(format!("/meetings/{}", r.draft.slug)).await, 404);
    assert_eq!(status(format!("/meetings/{}", r.review.slug)).await, 404);
    assert_eq!(status(format!("/meetings/{}", r.withdrawn.slug)).await, 410);
    assert_eq!(status(format!("/meetings/{}", r.published.slug)).await, 200);
    assert_eq!(status(format!("/meetings/{}", r.pending.slug)).await, 200);
    for shown in [&r.published, &r.pending] {
        assert_eq!(status(format!("/documents/{}", shown.documents[0])).await, 200);
    }
    for hidden in [&r.draft, &r.review, &r.withdrawn] {
        assert_eq!(status(format!("/documents/{}", hidden.documents[0])).await, 404);
    }
}
