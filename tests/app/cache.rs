//! The page cache: published pages come from memory, compressed, with
//! validators; a change makes exactly the pages that show it stale, on this
//! instance and on another one on the same database; and nothing withdrawn
//! or corrected is served from memory afterwards.

use std::io::Read;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use scrutiny::domain::Decision;
use tower::ServiceExt;

use crate::common::{self as fixtures, Correction, RecordBuilder, TestApp, TestResponse, answer};

const DEMO: &str = "/meetings/2024-12-03-stalking";

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

fn get_with(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).expect("request")
}

async fn published(app: &TestApp, held_on: &str, topic: &str, marker: &str) -> fixtures::Record {
    RecordBuilder::new(held_on, topic)
        .question(&format!("What does the Force do about {marker}?"))
        .evidence("- The Force said it is handled.")
        .decision(Decision::Assured)
        .action(&format!("Report on {marker}"))
        .owner("Chief Constable")
        .due_on("2030-01-31")
        .publish(&app.pool)
        .await
}

#[tokio::test]
async fn a_published_page_is_served_from_memory_without_the_database() {
    let app = TestApp::with_demo().await;
    let first = app.get(DEMO).await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("Stalking"));
    let kept = app.cache.kept();
    // No database, no session store: a page kept is served all the same.
    app.pool.close().await;
    let again = answer(app.router(), get(DEMO)).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body, first.body);
    assert_eq!(app.cache.kept(), kept, "served from memory, not rendered");
    // A page never rendered needs the database, which is gone.
    let other = answer(app.router(), get("/topics")).await;
    assert_eq!(other.status, 503);
}

#[tokio::test]
async fn pages_come_compressed_with_strong_validators_and_answer_304() {
    let app = TestApp::with_demo().await;
    let plain = app.get(DEMO).await;
    for (accept, coding) in [("br, gzip", "br"), ("gzip", "gzip")] {
        let response = app
            .router()
            .clone()
            .oneshot(get_with(DEMO, &[("accept-encoding", accept)]))
            .await
            .expect("answer");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], coding);
        assert_eq!(response.headers()["vary"], "accept-encoding");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        // The security headers are there on a page from memory too.
        assert!(response.headers().contains_key("content-security-policy"));
        let etag = response.headers()["etag"].to_str().expect("etag").to_owned();
        assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
        let body = response.into_body().collect().await.expect("body").to_bytes();
        let mut text = String::new();
        match coding {
            "br" => brotli::Decompressor::new(&body[..], 4096).read_to_string(&mut text),
            _ => flate2::read::GzDecoder::new(&body[..]).read_to_string(&mut text),
        }
        .expect("decompresses");
        assert_eq!(text, plain.body, "{coding}");
        let unchanged = answer(
            app.router(),
            get_with(DEMO, &[("accept-encoding", accept), ("if-none-match", &etag)]),
        )
        .await;
        assert_eq!(unchanged.status, 304, "{coding}");
        assert!(unchanged.body.is_empty());
        assert_eq!(unchanged.header("etag"), etag);
    }
    let stale = answer(
        app.router(),
        get_with(DEMO, &[("if-none-match", "\"not-this-one\"")]),
    )
    .await;
    assert_eq!(stale.status, 200);
    assert_eq!(stale.body, plain.body);
}

#[tokio::test]
async fn staff_pages_and_sign_in_are_never_kept() {
    let app = TestApp::with_demo().await;
    let mut staff = app.signed_in("staff").await;
    let kept = app.cache.kept();
    for uri in [
        "/staff",
        "/staff/login",
        "/meetings/1999-01-01-nothing",
        "/no-such-page",
    ] {
        let response = staff.get(uri).await;
        assert!(response.headers.get("etag").is_none(), "{uri}");
    }
    assert_eq!(app.cache.kept(), kept);
}

/// Reads `uri` on `router` until `seen` holds or a second has passed.
pub(crate) async fn within_a_second(
    router: &axum::Router,
    uri: &str,
    seen: impl Fn(&TestResponse) -> bool,
) -> TestResponse {
    let start = Instant::now();
    loop {
        let response = answer(router, get(uri)).await;
        if seen(&response) || start.elapsed() > Duration::from_secs(1) {
            return response;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_publication_on_one_instance_is_served_by_another_within_a_second() {
    let app = TestApp::with_demo().await;
    let (other, other_cache) = app.second_instance().await;
    // The other instance keeps its own copies of the lists and the record.
    for uri in ["/meetings", "/", DEMO, "/search?q=lemurcache"] {
        assert_eq!(answer(&other, get(uri)).await.status, 200, "{uri}");
    }
    let kept = other_cache.kept();
    assert_eq!(answer(&other, get("/meetings")).await.status, 200);
    assert_eq!(other_cache.kept(), kept, "the other instance serves from memory");

    // Published through the first instance's database, by another writer.
    let record = published(&app, "2026-11-20", "Rural crime", "lemurcache").await;
    let list = within_a_second(&other, "/meetings", |r| r.body.contains("Rural crime")).await;
    assert!(list.body.contains("Rural crime"), "{}", list.body);
    let found = within_a_second(&other, "/search?q=lemurcache", |r| r.body.contains(&record.slug)).await;
    assert!(found.body.contains(&record.slug));

    // Withdrawn: gone from the other instance's lists and record page too.
    fixtures::withdraw(&app.pool, &record.slug, "Published in error.").await;
    let page = within_a_second(&other, &format!("/meetings/{}", record.slug), |r| r.status == 410).await;
    assert_eq!(page.status, 410);
    let list = within_a_second(&other, "/meetings", |r| !r.body.contains("Rural crime")).await;
    assert!(!list.body.contains("Rural crime"));
}

#[tokio::test]
async fn a_change_makes_stale_only_the_pages_that_show_it() {
    let app = TestApp::new().await;
    let one = published(&app, "2026-10-01", "Knife crime", "lemurone").await;
    let two = published(&app, "2026-10-02", "Road safety", "lemurtwo").await;
    let one_page = format!("/meetings/{}", one.slug);
    let two_page = format!("/meetings/{}", two.slug);
    for uri in [&one_page, &two_page, &"/meetings".to_owned()] {
        assert_eq!(app.get(uri).await.status, 200);
    }
    let kept = app.cache.kept();

    // Record one's action moves on: a live change of record one only.
    let action: i64 = sqlx::query_scalar("select id from action where meeting_id = $1")
        .bind(one.id)
        .fetch_one(&app.pool)
        .await
        .expect("action");
    fixtures::progress_note(&app.pool, action, "2026-11-01", "Lemurprogress report received.").await;
    assert_eq!(app.get(&two_page).await.status, 200);
    assert_eq!(app.cache.kept(), kept, "record two's page is still the one kept");
    let page = app.get(&one_page).await;
    assert!(
        page.body.contains("Lemurprogress"),
        "record one's page is rendered again"
    );
    assert_eq!(app.cache.kept(), kept + 1);
    app.get("/meetings").await;
    assert_eq!(
        app.cache.kept(),
        kept + 2,
        "lists show every record, so they are stale too"
    );

    // A draft's edits are not public, and make nothing stale.
    let draft = RecordBuilder::new("2026-10-03", "Custody")
        .sample_question()
        .draft(&app.pool)
        .await;
    sqlx::query("update meeting set place = 'Lemurplace' where id = $1")
        .bind(draft.id)
        .execute(&app.pool)
        .await
        .expect("edit");
    for uri in [&one_page, &two_page, &"/meetings".to_owned()] {
        app.get(uri).await;
    }
    assert_eq!(app.cache.kept(), kept + 2);
}

#[tokio::test]
async fn a_correction_published_replaces_the_page_kept() {
    let app = TestApp::new().await;
    let record = published(&app, "2026-10-01", "Fraud", "lemurfirst").await;
    let page = format!("/meetings/{}", record.slug);
    assert!(app.get(&page).await.body.contains("lemurfirst"));
    assert!(
        app.get(&format!("{page}/revisions"))
            .await
            .body
            .contains("Revision 1")
    );
    Correction::of(&record.slug)
        .question("What does the Force do about lemursecond?")
        .publish(&app.pool, "Wording.")
        .await;
    let corrected = app.get(&page).await;
    assert!(corrected.body.contains("lemursecond"), "{}", corrected.body);
    assert!(
        !corrected.body.contains("about lemurfirst?"),
        "the question as corrected"
    );
    assert!(
        app.get(&format!("{page}/revisions"))
            .await
            .body
            .contains("Revision 2")
    );
}

#[tokio::test]
async fn with_no_memory_for_it_every_request_is_rendered() {
    let app = TestApp::with_demo().await;
    let state = scrutiny::AppState {
        cache: scrutiny::web::cache::PageCache::off(),
        ..scrutiny::AppState::new(app.pool.clone())
    };
    let off = scrutiny::app(state);
    let first = answer(&off, get(DEMO)).await;
    assert_eq!(first.status, 200);
    assert!(first.headers.get("etag").is_none());
    app.pool.close().await;
    assert_eq!(
        answer(&off, get(DEMO)).await.status,
        503,
        "rendered again, from the database"
    );
}
