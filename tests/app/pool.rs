//! The database pool under pressure: a request never holds more than one
//! connection, and one that finds none free is answered 503 with
//! `Retry-After` within the pool's patience, in the site's layout.

use std::time::{Duration, Instant};

use scrutiny::database::PoolSettings;

use axum::body::Body;
use axum::http::Request;

use crate::common::{PASSWORD, TestApp, answer};

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

/// A pool of one connection that waits `patience_ms` for it.
fn one_connection(patience_ms: u64) -> PoolSettings {
    PoolSettings {
        size: 1,
        acquire_timeout: Duration::from_millis(patience_ms),
    }
}

#[tokio::test]
async fn a_visitor_who_finds_no_connection_free_is_told_to_come_back_at_once() {
    let app = TestApp::with_pool(one_connection(200)).await;
    let held = app.pool.acquire().await.expect("the one connection");

    let started = Instant::now();
    // Straight to the router (the harness's wait for the page cache would
    // want a connection too); search is read afresh for each query.
    let busy = answer(app.router(), get("/search?q=stalking+pool")).await;
    let waited = started.elapsed();

    assert_eq!(busy.status, 503, "{}", busy.body);
    assert_eq!(busy.header("retry-after"), "5");
    // Far sooner than the 5 s it once took; not a speed test (the machine
    // may be busy), only that the request gave up instead of queueing.
    assert!(
        waited < Duration::from_millis(2500),
        "answered after {waited:?}: it queued for a connection"
    );
    assert_eq!(busy.texts("h1"), ["Service unavailable"]);
    assert!(busy.body.contains("nothing was changed"), "{}", busy.body);

    drop(held);
    let served = answer(app.router(), get("/search?q=stalking+pool")).await;
    assert_eq!(served.status, 200, "{}", served.body);
}

#[tokio::test]
async fn signing_in_needs_only_one_connection_at_a_time() {
    let app = TestApp::with_pool(one_connection(1_000)).await;
    app.account("officer@opcc.example", "staff").await;

    let mut officer = app.visitor();
    let signed_in = officer.sign_in("officer@opcc.example", PASSWORD).await;

    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(officer.get("/staff").await.texts("h1"), ["Dashboard"]);
    let mut guesser = app.visitor();
    let wrong = guesser
        .sign_in("officer@opcc.example", "not the password at all")
        .await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
}

#[tokio::test]
async fn a_signed_in_officer_who_finds_no_connection_free_gets_the_sites_503() {
    let app = TestApp::with_pool(one_connection(200)).await;
    let officer = app.signed_in("staff").await;
    let held = app.pool.acquire().await.expect("the one connection");

    // Reading the session itself needs the connection.
    let request = officer
        .build(Request::get("/staff"))
        .body(Body::empty())
        .expect("request");
    let busy = answer(app.router(), request).await;

    assert_eq!(busy.status, 503, "{}", busy.body);
    assert_eq!(busy.header("retry-after"), "5");
    assert_eq!(busy.texts("h1"), ["Service unavailable"]);
    drop(held);
    let request = officer
        .build(Request::get("/staff"))
        .body(Body::empty())
        .expect("request");
    assert_eq!(answer(app.router(), request).await.texts("h1"), ["Dashboard"]);
}
