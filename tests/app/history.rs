//! A record's public history: its revisions, corrections and withdrawal.

mod feed;
mod no_leak;
mod revisions;

use chrono::{DateTime, Utc};
use scrutiny::domain::{Decision, london};
use sqlx::PgPool;

use crate::common::{Correction, RecordBuilder, TestApp, try_withdraw, withdraw};

/// When revision `number` of the record at `slug` was published, as pages
/// show it.
async fn published_on(pool: &PgPool, slug: &str, number: i32) -> String {
    let at: DateTime<Utc> = sqlx::query_scalar(
        "select r.published_at from revision r join meeting m on m.id = r.meeting_id
         where m.slug = $1 and r.number = $2",
    )
    .bind(slug)
    .bind(number)
    .fetch_one(pool)
    .await
    .expect("revision");
    london::date_of(at).format("%-d %B %Y").to_string()
}

#[tokio::test]
async fn the_revision_history_lists_every_revision_with_its_date_and_reason() {
    let app = TestApp::new().await;
    let slug = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .decision(Decision::Assured)
        .publish(&app.pool)
        .await
        .slug;
    Correction::of(&slug)
        .question("What is the Force doing?")
        .publish(&app.pool, "A typing error in question 1.")
        .await;
    Correction::of(&slug)
        .question("What is the Force doing now?")
        .publish(&app.pool, "The date of a report.")
        .await;

    let record = app.get(&format!("/meetings/{slug}")).await;
    let history = app.get(&format!("/meetings/{slug}/revisions")).await;

    let link = format!(".meeting-facts a[href='/meetings/{slug}/revisions']");
    assert_eq!(record.texts(&link), ["Revision history"]);
    assert_eq!(history.status, 200);
    assert_eq!(history.texts("h1"), ["Revision history"]);
    let (first, second, third) = (
        published_on(&app.pool, &slug, 1).await,
        published_on(&app.pool, &slug, 2).await,
        published_on(&app.pool, &slug, 3).await,
    );
    assert_eq!(
        history.texts("table.revisions tbody tr"),
        [
            format!("Revision 3 (current) {third} Corrected: The date of a report."),
            format!("Revision 2 {second} Corrected: A typing error in question 1."),
            format!("Revision 1 {first} First published"),
        ]
    );
    assert_eq!(
        history.texts(&format!("a[href='/meetings/{slug}/revisions/1']")),
        ["Revision 1"]
    );
    assert_eq!(history.texts(&format!("a[href='/meetings/{slug}']")).len(), 2);
}

#[tokio::test]
async fn a_record_published_once_has_one_revision_and_no_correction() {
    let app = TestApp::new().await;
    let slug = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await
        .slug;

    let record = app.get(&format!("/meetings/{slug}")).await;
    let history = app.get(&format!("/meetings/{slug}/revisions")).await;

    assert!(!record.body.contains("Corrected"));
    let first = published_on(&app.pool, &slug, 1).await;
    assert_eq!(
        history.texts("table.revisions tbody tr"),
        [format!("Revision 1 (current) {first} First published")]
    );
}

#[tokio::test]
async fn a_corrected_record_says_corrected_on_its_date_and_shows_the_new_text() {
    let app = TestApp::new().await;
    let slug = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await
        .slug;
    Correction::of(&slug)
        .question("What is the corrected question?")
        .publish(&app.pool, "Question 1 was misquoted.")
        .await;

    let record = app.get(&format!("/meetings/{slug}")).await;

    let corrected = published_on(&app.pool, &slug, 2).await;
    let facts = record.prose(".meeting-facts dd");
    assert!(
        facts.contains(&format!("Corrected on {corrected}: Question 1 was misquoted.")),
        "{facts:?}"
    );
    assert_eq!(
        record.texts("#question-1 .col-question"),
        ["1. What is the corrected question?"]
    );
    assert!(record.texts(".revision-notice").is_empty());
}

#[tokio::test]
async fn an_old_revision_reads_as_it_was_published_with_a_notice() {
    let app = TestApp::new().await;
    let slug = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await
        .slug;
    Correction::of(&slug)
        .question("What is the corrected question?")
        .publish(&app.pool, "Question 1 was misquoted.")
        .await;

    let old = app.get(&format!("/meetings/{slug}/revisions/1")).await;
    let current = app.get(&format!("/meetings/{slug}/revisions/2")).await;

    assert_eq!(old.status, 200);
    let first = published_on(&app.pool, &slug, 1).await;
    assert_eq!(
        old.prose(".revision-notice"),
        [format!(
            "This is revision 1 of this record, published on {first}. Read the current version."
        )]
    );
    assert_eq!(
        old.texts(&format!(".revision-notice a[href='/meetings/{slug}']")),
        ["Read the current version"]
    );
    assert_eq!(
        old.texts("#question-1 .col-question"),
        ["1. What is the Force doing about Stalking?"]
    );
    assert_eq!(old.texts("#question-1 .col-evidence"), ["The Force has a plan."]);
    assert!(!old.body.contains("corrected question"));
    assert_eq!(old.texts("h1"), ["Stalking"]);
    assert_eq!(current.status, 200);
    assert!(current.texts(".revision-notice").is_empty());
    // A correction's revision page marks what it changed.
    assert_eq!(
        current.texts("#question-1 .col-question del"),
        ["Force doing about Stalking?"]
    );
    assert_eq!(
        current.texts("#question-1 .col-question ins"),
        ["corrected question?"]
    );
}

#[tokio::test]
async fn unknown_or_malformed_revision_addresses_get_the_404_page() {
    let app = TestApp::new().await;
    let slug = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await
        .slug;
    let draft = RecordBuilder::new("2025-01-10", "Secret Topic")
        .question("A secret draft question?")
        .draft(&app.pool)
        .await
        .slug;
    for uri in [
        format!("/meetings/{slug}/revisions/2"),
        format!("/meetings/{slug}/revisions/0"),
        format!("/meetings/{slug}/revisions/-1"),
        format!("/meetings/{slug}/revisions/01"),
        format!("/meetings/{slug}/revisions/+1"),
        format!("/meetings/{slug}/revisions/1.5"),
        format!("/meetings/{slug}/revisions/abc"),
        format!("/meetings/{slug}/revisions/%00"),
        format!("/meetings/{slug}/revisions/99999999999999999999"),
        format!("/meetings/{slug}/revisions/1/more"),
        format!("/meetings/{slug}.json/revisions"),
        format!("/meetings/{draft}/revisions"),
        format!("/meetings/{draft}/revisions/1"),
        "/meetings/2025-01-10-no-such-record/revisions".to_owned(),
        "/meetings/not-a-slug/revisions/1".to_owned(),
    ] {
        let response = app.get(&uri).await;
        assert_eq!(response.status, 404, "{uri}");
        assert_eq!(response.texts("h1"), ["Page not found"], "{uri}");
    }
}

#[tokio::test]
async fn a_withdrawn_record_answers_410_with_the_date_and_reason_and_not_its_content() {
    let app = TestApp::new().await;
    let slug = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await
        .slug;
    Correction::of(&slug)
        .question("What is the corrected question?")
        .publish(&app.pool, "A typing error.")
        .await;
    withdraw(&app.pool, &slug, "It named a victim.").await;
    let withdrawn_on: DateTime<Utc> = sqlx::query_scalar("select withdrawn_at from meeting where slug = $1")
        .bind(&slug)
        .fetch_one(&app.pool)
        .await
        .expect("withdrawn_at");

    for uri in [
        format!("/meetings/{slug}"),
        format!("/meetings/{slug}/revisions"),
        format!("/meetings/{slug}/revisions/1"),
        format!("/meetings/{slug}/revisions/2"),
        format!("/meetings/{slug}/revisions/9"),
    ] {
        let page = app.get(&uri).await;
        assert_eq!(page.status, 410, "{uri}");
        assert!(page.header("content-type").starts_with("text/html"), "{uri}");
        assert_eq!(page.texts("h1"), ["This record has been withdrawn"], "{uri}");
        assert_eq!(
            page.texts(".withdrawal dd"),
            [
                london::date_of(withdrawn_on).format("%-d %B %Y").to_string(),
                "It named a victim.".to_owned()
            ],
            "{uri}"
        );
        assert_eq!(page.texts("main#main").len(), 1, "{uri}: in the site's layout");
        assert!(!page.body.contains("What is the"), "{uri}: no question text");
        assert!(!page.body.contains("The Force has"), "{uri}: no evidence");
    }
    let json = app.get(&format!("/meetings/{slug}.json")).await;
    assert_eq!(json.status, 410);
    assert!(json.header("content-type").starts_with("application/json"));
    let body: serde_json::Value = serde_json::from_str(&json.body).expect("JSON");
    assert_eq!(body["slug"], slug.as_str());
    assert_eq!(
        body["withdrawn_on"],
        london::date_of(withdrawn_on).to_string().as_str()
    );
    assert_eq!(body["reason"], "It named a victim.");
    let revisions: Vec<_> = body["revisions"]
        .as_array()
        .expect("revisions")
        .iter()
        .map(|r| (r["number"].clone(), r["reason"].clone()))
        .collect();
    assert_eq!(
        revisions,
        [
            (serde_json::json!(2), serde_json::json!("A typing error.")),
            (serde_json::json!(1), serde_json::Value::Null),
        ],
        "the notice keeps its revisions"
    );
    assert!(!json.body.contains("What is the"), "no question text");
}

#[tokio::test]
async fn a_withdrawn_record_leaves_the_lists() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-05-01", "Road Safety")
        .sample_question()
        .decision(Decision::Assured)
        .publish(&app.pool)
        .await;
    let slug = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .decision(Decision::Assured)
        .publish(&app.pool)
        .await
        .slug;
    withdraw(&app.pool, &slug, "Published by mistake.").await;

    for uri in [
        "/",
        "/meetings",
        "/meetings?topic=stalking",
        "/meetings?year=2024",
        "/meetings?decision=assured",
    ] {
        let page = app.get(uri).await;
        assert_eq!(page.status, 200, "{uri}");
        assert!(!page.body.contains("Stalking"), "{uri}");
    }
    assert_eq!(
        app.get("/meetings").await.texts(".record-list h3"),
        ["Road Safety"]
    );
    let topics = app.get("/meetings").await.texts("#topic option");
    assert!(!topics.iter().any(|t| t == "Stalking"), "{topics:?}");
}

#[tokio::test]
async fn only_a_published_record_can_be_withdrawn_and_only_with_a_reason() {
    let app = TestApp::new().await;
    let published = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await;
    let draft = RecordBuilder::new("2025-01-10", "Secret Topic")
        .question("A secret draft question?")
        .draft(&app.pool)
        .await;

    let blank = try_withdraw(&app.pool, published.id, "  ").await;
    let never_published = try_withdraw(&app.pool, draft.id, "No reason.").await;
    try_withdraw(&app.pool, published.id, "Published by mistake.")
        .await
        .expect("withdrawn");
    let twice = try_withdraw(&app.pool, published.id, "Again.").await;

    assert!(matches!(blank, Err(sqlx::Error::InvalidArgument(_))), "{blank:?}");
    assert!(
        matches!(never_published, Err(sqlx::Error::RowNotFound)),
        "{never_published:?}"
    );
    assert!(matches!(twice, Err(sqlx::Error::RowNotFound)), "{twice:?}");
    assert_eq!(app.get(&format!("/meetings/{}", draft.slug)).await.status, 404);
    let notice = app.get(&format!("/meetings/{}", published.slug)).await;
    assert_eq!(notice.texts(".withdrawal dd")[1], "Published by mistake.");
}

#[tokio::test]
async fn a_withdrawal_is_in_the_audit_log_with_its_reason() {
    let app = TestApp::new().await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await;
    let id = record.id;
    withdraw(&app.pool, &record.slug, "Published by mistake.").await;
    let mut admin = app.signed_in("admin").await;

    let log = admin.get(&format!("/staff/audit?meeting={id}")).await;

    assert_eq!(log.status, 200);
    let first = &log.texts("table.audit tbody tr")[0];
    assert!(
        first.contains("Record withdrawn: Published by mistake."),
        "{first}"
    );
    assert!(first.contains("Status (changed) Published Withdrawn"), "{first}");
}
