//! Dates and times in Europe/London on every page, CSV and feed: a record
//! published at 23:30 UTC in summer is dated the next day, one published at
//! 23:30 UTC in winter that same day, and the date follows the clock change
//! of the last Sundays of March and October.

use crate::common::{RecordBuilder, TestApp, TestResponse, withdraw};

/// A record published at the instant `at`; returns its address.
async fn published_at(app: &TestApp, at: &str) -> String {
    RecordBuilder::new("2024-01-09", "Stalking")
        .sample_question()
        .published_at(at)
        .publish(&app.pool)
        .await
        .slug
}

/// The date its page gives as its publication, and the date of its
/// revision in the revision history.
async fn dates_shown(app: &TestApp, slug: &str) -> (String, String) {
    let page = app.get(&format!("/meetings/{slug}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let published = dd_after(&page, "Published");
    let history = app.get(&format!("/meetings/{slug}/revisions")).await;
    let listed = history.texts("td[data-label='Published on']");
    (published, listed[0].clone())
}

/// The text of the `<dd>` after the `<dt>` that reads `label`.
fn dd_after(page: &TestResponse, label: &str) -> String {
    let (terms, values) = (page.texts(".meeting-facts dt"), page.texts(".meeting-facts dd"));
    let at = terms
        .iter()
        .position(|t| t == label)
        .unwrap_or_else(|| panic!("no {label}: {terms:?}"));
    values[at].clone()
}

/// The feed's only entry's publication time, as written.
async fn feed_published(app: &TestApp) -> String {
    let body = app.get("/feed.atom").await.body;
    let feed = atom_syndication::Feed::read_from(body.as_bytes()).expect("Atom");
    feed.entries[0].published.expect("published").to_rfc3339()
}

/// `published_at` of the only row of `/meetings.csv`.
async fn csv_published(app: &TestApp) -> String {
    let body = app.get("/meetings.csv").await.body;
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let at = reader
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == "published_at")
        .expect("column");
    reader.records().next().expect("a row").expect("csv")[at].to_owned()
}

#[tokio::test]
async fn a_record_published_at_half_past_eleven_utc_in_summer_is_dated_the_next_day() {
    let app = TestApp::new().await;
    let slug = published_at(&app, "2024-07-10T23:30:00Z").await;
    assert_eq!(
        dates_shown(&app, &slug).await,
        ("11 July 2024".to_owned(), "11 July 2024".to_owned())
    );
    assert_eq!(feed_published(&app).await, "2024-07-11T00:30:00+01:00");
    assert_eq!(csv_published(&app).await, "2024-07-11T00:30:00+01:00");
}

#[tokio::test]
async fn a_record_published_at_half_past_eleven_utc_in_winter_is_dated_that_day() {
    let app = TestApp::new().await;
    let slug = published_at(&app, "2024-12-03T23:30:00Z").await;
    assert_eq!(
        dates_shown(&app, &slug).await,
        ("3 December 2024".to_owned(), "3 December 2024".to_owned())
    );
    assert_eq!(feed_published(&app).await, "2024-12-03T23:30:00+00:00");
    assert_eq!(csv_published(&app).await, "2024-12-03T23:30:00+00:00");
}

#[tokio::test]
async fn the_date_changes_with_the_clocks_on_the_last_sunday_of_march() {
    for (at, shown) in [
        // The evening before is still Greenwich time…
        ("2024-03-30T23:30:00Z", "30 March 2024"),
        // …and the evening of the change is summer time.
        ("2024-03-31T23:30:00Z", "1 April 2024"),
    ] {
        let app = TestApp::new().await;
        let slug = published_at(&app, at).await;
        assert_eq!(dates_shown(&app, &slug).await.0, shown, "{at}");
    }
}

#[tokio::test]
async fn the_date_changes_with_the_clocks_on_the_last_sunday_of_october() {
    for (at, shown, feed) in [
        // The evening before the change is still summer time…
        (
            "2024-10-26T23:30:00Z",
            "27 October 2024",
            "2024-10-27T00:30:00+01:00",
        ),
        // …and the evening of the change is Greenwich time.
        (
            "2024-10-27T23:30:00Z",
            "27 October 2024",
            "2024-10-27T23:30:00+00:00",
        ),
    ] {
        let app = TestApp::new().await;
        let slug = published_at(&app, at).await;
        assert_eq!(dates_shown(&app, &slug).await.0, shown, "{at}");
        assert_eq!(feed_published(&app).await, feed, "{at}");
    }
}

#[tokio::test]
async fn a_withdrawal_late_on_a_summer_evening_is_dated_the_next_day_in_its_notice() {
    let app = TestApp::new().await;
    let slug = published_at(&app, "2024-07-01T09:00:00Z").await;
    withdraw(&app.pool, &slug, "Published by mistake.").await;
    sqlx::query("update meeting set withdrawn_at = '2024-07-10T23:30:00Z' where slug = $1")
        .bind(&slug)
        .execute(&app.pool)
        .await
        .expect("redate");

    let notice = app.get(&format!("/meetings/{slug}")).await;
    assert_eq!(notice.status, 410);
    assert_eq!(notice.texts(".withdrawal dd")[0], "11 July 2024");
    let json: serde_json::Value =
        serde_json::from_str(&app.get(&format!("/meetings/{slug}.json")).await.body).expect("json");
    assert_eq!(json["withdrawn_on"], "2024-07-11");
}
