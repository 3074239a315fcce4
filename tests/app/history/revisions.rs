//! Each revision exactly as published: its page, which for a correction
//! marks what changed from the revision before, and its JSON, the stored
//! content with its number, date, reason and hash.

use scrutiny::domain::Decision;
use scrutiny::domain::record::content_hash;

use crate::common::{Correction, RecordBuilder, TestApp, withdraw};

/// A record published, then corrected twice: its slug.
async fn corrected_twice(app: &TestApp) -> String {
    let slug = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .decision(Decision::Assured)
        .rationale("A clear plan.")
        .publish(&app.pool)
        .await
        .slug;
    Correction::of(&slug)
        .evidence("- The Force has a written plan.")
        .publish(&app.pool, "The plan is written down.")
        .await;
    Correction::of(&slug)
        .introduction("Held online.")
        .decision(Decision::PartlyAssured, "A plan, not yet results.")
        .publish(&app.pool, "The decision was mistyped.")
        .await;
    slug
}

#[tokio::test]
async fn revision_json_for_every_revision_is_exactly_what_was_published() {
    let app = TestApp::new().await;
    let slug = corrected_twice(&app).await;
    let stored: Vec<(i32, serde_json::Value, String, Option<String>)> =
        sqlx::query_as("select number, content, content_hash, reason from revision order by number")
            .fetch_all(&app.pool)
            .await
            .expect("revisions");
    assert_eq!(stored.len(), 3);

    for (number, content, hash, reason) in stored {
        let got = app
            .get(&format!("/meetings/{slug}/revisions/{number}.json"))
            .await;
        assert_eq!(got.status, 200, "{number}");
        assert!(got.header("content-type").starts_with("application/json"));
        let json: serde_json::Value = serde_json::from_str(&got.body).expect("JSON");
        assert_eq!(json["number"], number);
        assert_eq!(json["content"], content, "revision {number}");
        assert_eq!(json["content_hash"], hash.as_str());
        assert_eq!(
            content_hash(&json["content"]),
            hash,
            "the content hashes as published"
        );
        assert_eq!(json["reason"].as_str(), reason.as_deref());
        assert!(json["published_at"].is_string());
    }
    for missing in ["4.json", "0.json", "01.json", "1.json.json"] {
        let got = app.get(&format!("/meetings/{slug}/revisions/{missing}")).await;
        assert_eq!(got.status, 404, "{missing}");
    }
}

#[tokio::test]
async fn revision_json_shows_nothing_unpublished_and_a_withdrawn_record_is_gone() {
    let app = TestApp::new().await;
    let draft = RecordBuilder::new("2025-01-01", "Draft")
        .sample_question()
        .draft(&app.pool)
        .await;
    let gone = RecordBuilder::new("2024-11-05", "Gone")
        .sample_question()
        .publish(&app.pool)
        .await;
    let correcting = RecordBuilder::new("2024-10-01", "Correcting")
        .sample_question()
        .publish(&app.pool)
        .await;
    Correction::of(&correcting.slug)
        .question("Unpublished wording?")
        .draft(&app.pool)
        .await;
    withdraw(&app.pool, &gone.slug, "Published in error.").await;

    assert_eq!(
        app.get(&format!("/meetings/{}/revisions/1.json", draft.slug))
            .await
            .status,
        404
    );
    let withdrawn = app
        .get(&format!("/meetings/{}/revisions/1.json", gone.slug))
        .await;
    assert_eq!(withdrawn.status, 410);
    assert_eq!(
        app.get(&format!("/meetings/{}/revisions/1", gone.slug))
            .await
            .status,
        410
    );
    let published = app
        .get(&format!("/meetings/{}/revisions/1.json", correcting.slug))
        .await;
    assert_eq!(published.status, 200);
    assert!(!published.body.contains("Unpublished wording"));
    assert_eq!(
        app.get(&format!("/meetings/{}/revisions/2.json", correcting.slug))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn the_diff_page_marks_the_changed_words() {
    let app = TestApp::new().await;
    let slug = corrected_twice(&app).await;

    let second = app.get(&format!("/meetings/{slug}/revisions/2")).await;
    let third = app.get(&format!("/meetings/{slug}/revisions/3")).await;
    let first = app.get(&format!("/meetings/{slug}/revisions/1")).await;
    let current = app.get(&format!("/meetings/{slug}")).await;

    assert_eq!(second.status, 200);
    let notice = second.prose(".changes-notice p");
    assert_eq!(
        notice[0],
        "Revision 2 corrected revision 1: The plan is written down."
    );
    assert_eq!(second.texts("td.col-evidence ins"), ["written"]);
    assert_eq!(
        second.texts("main del"),
        ["struck through"],
        "only the notice's example"
    );
    assert_eq!(third.texts("td.col-decision strong del"), ["Assured"]);
    assert_eq!(third.texts("td.col-decision strong ins"), ["Partly assured"]);
    let rationale = third.prose("td.col-decision p.rationale");
    assert_eq!(rationale, ["A clear plan.plan, not yet results."]);
    assert_eq!(third.texts("td.col-decision p.rationale del"), ["clear plan."]);
    assert_eq!(third.texts("p.introduction ins"), ["Held online."]);
    assert_eq!(
        third.texts("td.col-evidence ins, td.col-evidence del"),
        Vec::<String>::new()
    );
    for plain in [&first, &current] {
        assert_eq!(
            plain.texts("main del, main ins, .changes-notice"),
            Vec::<String>::new()
        );
    }
}
