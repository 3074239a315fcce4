//! `/meetings`: the list of published records, its filters and pages.

use scrutiny::domain::Decision;

use crate::common::{RecordBuilder, TestApp};

#[tokio::test]
async fn the_list_shows_published_records_newest_first() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-03-05", "Road Safety")
        .sample_question()
        .decision(Decision::Assured)
        .publish(&app.pool)
        .await;
    RecordBuilder::new("2025-01-14", "Stalking")
        .sample_question()
        .decision(Decision::NotAssured)
        .publish(&app.pool)
        .await;
    let page = app.get("/meetings").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.texts(".record-list h3"), ["Stalking", "Road Safety"]);
    assert_eq!(page.texts("h2#results"), ["2 records"]);
    assert!(page.body.contains("Not assured"));
}

#[tokio::test]
async fn drafts_are_never_listed_or_shown() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-03-05", "Road Safety")
        .sample_question()
        .publish(&app.pool)
        .await;
    let draft = RecordBuilder::new("2025-02-01", "Secret Topic")
        .question("A secret draft question?")
        .draft(&app.pool)
        .await
        .slug;
    let list = app.get("/meetings").await;
    assert!(!list.body.contains("Secret Topic"));
    let home = app.get("/").await;
    assert!(!home.body.contains("Secret Topic"));
    let page = app.get(&format!("/meetings/{draft}")).await;
    let unknown = app.get("/meetings/2025-02-01-no-such-record").await;
    assert_eq!(page.status, 404);
    assert_eq!(
        page.body, unknown.body,
        "a draft answers exactly as an unknown slug"
    );
    let json = app.get(&format!("/meetings/{draft}.json")).await;
    assert_eq!(json.status, 404);
    assert!(!json.body.contains("secret draft question"));
}

#[tokio::test]
async fn the_topic_and_year_filters_narrow_the_list() {
    let app = TestApp::new().await;
    RecordBuilder::new("2023-06-01", "Stalking")
        .sample_question()
        .decision(Decision::PartlyAssured)
        .publish(&app.pool)
        .await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .decision(Decision::Assured)
        .publish(&app.pool)
        .await;
    RecordBuilder::new("2024-05-01", "Road Safety")
        .sample_question()
        .decision(Decision::Assured)
        .publish(&app.pool)
        .await;
    let by_topic = app.get("/meetings?topic=stalking").await;
    assert_eq!(
        by_topic.texts(".record-list time"),
        ["3 December 2024", "1 June 2023"]
    );
    let by_year = app.get("/meetings?year=2024").await;
    assert_eq!(by_year.texts(".record-list h3"), ["Stalking", "Road Safety"]);
    let both = app.get("/meetings?topic=stalking&year=2023").await;
    assert_eq!(both.texts(".record-list time"), ["1 June 2023"]);
    let by_decision = app.get("/meetings?decision=partly_assured").await;
    assert_eq!(by_decision.texts(".record-list time"), ["1 June 2023"]);
    let none = app.get("/meetings?topic=no-such-topic").await;
    assert_eq!(none.status, 200);
    assert!(none.body.contains("No published records match"));
    // A topic no record has is named, not passed over in silence.
    for list in ["/meetings", "/actions"] {
        let unknown = app.get(&format!("{list}?topic=Stalkng")).await;
        let notice = unknown.texts(".notice p").join("");
        assert!(
            notice.starts_with("No published record has the topic you asked for."),
            "{list}: {notice:?}"
        );
        let known = app.get(&format!("{list}?topic=Stalking")).await;
        assert!(known.texts(".notice p").is_empty(), "{list}");
    }
    // The form keeps what was chosen.
    assert_eq!(both.texts("#topic option[selected]"), ["Stalking"]);
    assert_eq!(both.texts("#year option[selected]"), ["2023"]);
}

#[tokio::test]
async fn the_list_is_paged_by_twenty() {
    let app = TestApp::new().await;
    for day in 1..=25 {
        RecordBuilder::new(&format!("2024-01-{day:02}"), &format!("Topic {day}"))
            .sample_question()
            .publish(&app.pool)
            .await;
    }
    let first = app.get("/meetings").await;
    assert_eq!(first.texts(".record-list > li").len(), 20);
    assert_eq!(first.texts(".pager li"), ["Page 1 of 2", "Next page"]);
    let second = app.get("/meetings?page=2").await;
    assert_eq!(
        second.texts(".record-list h3"),
        ["Topic 5", "Topic 4", "Topic 3", "Topic 2", "Topic 1"]
    );
    assert_eq!(second.texts("a[rel=prev]"), ["Previous page"]);
    let past = app.get("/meetings?page=9").await;
    assert_eq!(past.status, 200);
    assert_eq!(past.texts("h2#results"), ["25 records"]);
}

#[tokio::test]
async fn bad_query_parameters_get_a_400_page_not_a_500() {
    let app = TestApp::new().await;
    for uri in [
        "/meetings?year=abc",
        "/meetings?year=20245",
        "/meetings?page=0",
        "/meetings?page=-1",
        "/meetings?page=99999999999999999999",
        "/meetings?decision=maybe",
        "/meetings?year=%FF",
    ] {
        let response = app.get(uri).await;
        assert_eq!(response.status, 400, "{uri}");
        assert!(
            response.body.contains("<h1>This address is not valid</h1>"),
            "{uri}"
        );
    }
    for uri in [
        "/meetings?topic=%27%3B%20drop%20table%20meeting%3B--",
        "/meetings?topic=%",
        "/meetings?x=1",
    ] {
        assert_eq!(app.get(uri).await.status, 200, "{uri}");
    }
}

#[tokio::test]
async fn malformed_slugs_get_the_404_page() {
    let app = TestApp::new().await;
    for uri in [
        "/meetings/..%2F..%2Fetc%2Fpasswd",
        "/meetings/2024-13-45-x",
        "/meetings/%00",
        "/meetings/%F0%9F%98%80",
        "/meetings/2024-12-03-stalking.json.json",
        "/meetings/a/b",
    ] {
        let response = app.get(uri).await;
        assert_eq!(response.status, 404, "{uri}");
        assert!(response.body.contains("Page not found"), "{uri}");
    }
}

#[tokio::test]
async fn web_and_email_addresses_in_a_record_are_links_and_nothing_else_is() {
    let app = TestApp::new().await;
    let record = RecordBuilder::new("2024-03-05", "Road Safety")
        .question("Is the plan (https://example.org/plan?a=1&b=2) on track?")
        .evidence(
            "- See the plan (https://example.org/plan?a=1&b=2).\n\
             \x20 - Ask roads@example.gov.uk for the data.\n\
             - javascript:alert(1) and <b>bold</b> and ftp://example.org/x stay text",
        )
        .decision(Decision::Assured)
        .publish(&app.pool)
        .await;
    let page = app.get(&format!("/meetings/{}", record.slug)).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.attrs(".col-question a", "href"),
        ["https://example.org/plan?a=1&b=2"]
    );
    assert_eq!(
        page.attrs(".col-evidence a", "href"),
        ["https://example.org/plan?a=1&b=2", "mailto:roads@example.gov.uk"]
    );
    assert_eq!(
        page.texts(".col-evidence a"),
        ["https://example.org/plan?a=1&b=2", "roads@example.gov.uk"]
    );
    // Read as a person reads it, the text is as it was typed.
    assert_eq!(
        page.prose(".col-evidence li li"),
        ["Ask roads@example.gov.uk for the data."]
    );
    assert!(page.texts(".col-evidence b").is_empty(), "{}", page.body);
    assert!(
        page.texts(".col-evidence li")
            .contains(&"javascript:alert(1) and <b>bold</b> and ftp://example.org/x stay text".to_owned())
    );
}
