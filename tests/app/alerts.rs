//! Email alerts for the public: asked for on `/alerts`, confirmed by the
//! link sent (nothing else goes to an unconfirmed address), sent for each
//! record published, corrected, withdrawn or reinstated on the topic, each with a link
//! that stops them from a mail program alone (RFC 8058) and deletes the
//! address; limits on requests; subscribers only in an export with secrets.

use axum::body::Body;
use axum::http::Request;
use scrutiny::domain::Decision;

use crate::common::smtp::{Received, Sink};
use crate::common::{RecordBuilder, TestApp, TestResponse, Visitor};
use crate::mail::{messages_where, sender};

const SITE: &str = scrutiny::config::DEFAULT_PUBLIC_URL;

/// The address after `prefix` in `text`, up to its 64-character token.
fn link_after(text: &str, prefix: &str) -> String {
    let at = text.find(prefix).unwrap_or_else(|| panic!("{prefix} in {text}"));
    let token: String = text[at + prefix.len()..].chars().take(64).collect();
    assert!(
        token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "a token after {prefix}: {token}"
    );
    format!("{prefix}{token}")
}

/// The path of the confirmation link in a message.
fn confirm_path(message: &Received) -> String {
    link_after(&message.text(), "/alerts/confirm/")
}

/// The path of the `List-Unsubscribe` header's address.
fn unsubscribe_path(message: &Received) -> String {
    let header = message.header("List-Unsubscribe");
    let inner = header
        .strip_prefix('<')
        .and_then(|h| h.strip_suffix('>'))
        .unwrap_or_else(|| panic!("an address in <>: {header}"));
    let path = inner
        .strip_prefix(SITE)
        .unwrap_or_else(|| panic!("an absolute address: {inner}"));
    link_after(path, "/alerts/unsubscribe/")
}

/// Asks for alerts for `email` on `topic` (a slug, or "" for every record).
async fn ask(visitor: &mut Visitor<'_>, email: &str, topic: &str) -> TestResponse {
    visitor.get("/alerts").await;
    visitor
        .post("/alerts", &[("email", email), ("topic", topic)])
        .await
}

/// Publishes a one-question record as the PCC does on the site (so that
/// its alerts are written), returning its id.
async fn publish(app: &TestApp, pcc: &mut Visitor<'_>, held_on: &str, topic: &str) -> i64 {
    let author = app.signed_in("staff").await;
    let record = RecordBuilder::new(held_on, topic)
        .by(author.account_id())
        .question("Are speed cameras working?")
        .evidence("- Secret-looking bullet of evidence.")
        .decision(Decision::PartlyAssured)
        .in_review(&app.pool)
        .await;
    let published = pcc
        .post(&format!("/staff/meetings/{}/publish", record.id), &[])
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    record.id
}

fn to<'a>(messages: &'a [Received], email: &str) -> Vec<&'a Received> {
    messages.iter().filter(|m| m.to == [email]).collect()
}

#[tokio::test]
async fn an_address_is_sent_only_the_link_until_it_confirms_then_an_alert_for_each_record_on_its_topic() {
    let app = TestApp::new().await;
    let sink = Sink::start();
    let _sender = sender(&app, &sink.url());
    let mut pcc = app.signed_in("pcc").await;
    RecordBuilder::new("2025-01-07", "Road Safety")
        .publish(&app.pool)
        .await;
    let reader = "reader@example.org";

    // The topic page links to the form, with the topic chosen.
    let mut visitor = app.visitor();
    let topic = visitor.get("/topics/road-safety").await;
    assert_eq!(
        topic.attrs("a[href^='/alerts?']", "href"),
        ["/alerts?topic=road-safety"]
    );
    let form = visitor.get("/alerts?topic=road-safety").await;
    assert_eq!(form.status, 200);
    assert_eq!(form.attrs("option[selected]", "value"), ["road-safety"]);
    assert_eq!(form.header("cache-control"), "no-store");

    let asked = ask(&mut visitor, "Reader@Example.org ", "road-safety").await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    assert_eq!(asked.header("location"), "/alerts/requested");
    let requested = visitor.get("/alerts/requested").await;
    assert_eq!(requested.texts("h1"), ["Check your email"]);
    let messages = sink.wait_for(1).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let confirmation = &messages[0];
    assert_eq!(confirmation.to, [reader]);
    assert_eq!(
        confirmation.header("Subject"),
        "Confirm your email alerts: Road Safety"
    );
    let confirm = confirm_path(confirmation);
    // The token is kept only as its hash.
    let token = confirm.trim_start_matches("/alerts/confirm/");
    let kept: i64 = sqlx::query_scalar(
        "select count(*) from alert_token
         where hash = sha256(convert_to($1, 'UTF8')) and encode(hash, 'hex') <> $1",
    )
    .bind(token)
    .fetch_one(&app.pool)
    .await
    .expect("hash");
    assert_eq!(kept, 1);

    // Not confirmed: a record published on the topic is not sent to it.
    publish(&app, &mut pcc, "2025-02-11", "Road Safety").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(to(&sink.messages(), reader).len(), 1);

    // Opening the link (as a mail scanner would) confirms nothing.
    let page = visitor.get(&confirm).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("referrer-policy"), "no-referrer");
    assert!(page.body.contains("reader@example.org"), "{}", page.body);
    let confirmed: i64 =
        sqlx::query_scalar("select count(*) from alert_subscription where confirmed_at is not null")
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(confirmed, 0);
    let started = visitor.post(&confirm, &[]).await;
    assert_eq!(started.status, 200, "{}", started.body);
    assert_eq!(started.texts("h1"), ["Your alerts have started"]);
    let again = visitor.post(&confirm, &[]).await;
    assert_eq!(again.status, 404, "a link works once");

    // A record on the topic: one alert, with the page and the one-click
    // headers; a record on another topic: none.
    publish(&app, &mut pcc, "2025-03-04", "Road Safety").await;
    publish(&app, &mut pcc, "2025-03-05", "Knife Crime").await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let messages = sink.messages();
    let mine = to(&messages, reader);
    assert_eq!(mine.len(), 2, "{mine:?}");
    let alert = mine[1];
    assert_eq!(
        alert.header("Subject"),
        "New record: Scrutiny meeting: Road Safety, 4 March 2025"
    );
    let text = alert.text();
    assert!(
        text.contains(&format!("{SITE}/meetings/2025-03-04-road-safety")),
        "{text}"
    );
    assert!(
        text.contains("1 question: the Commissioner was 1 partly assured"),
        "{text}"
    );
    assert!(!text.contains("Secret-looking bullet"), "no evidence in an alert");
    assert_eq!(
        alert.header("List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    let stop = unsubscribe_path(alert);
    assert!(
        text.contains(&format!("{SITE}{stop}")),
        "the link in the body too"
    );
}

#[tokio::test]
async fn one_post_from_a_mail_program_stops_the_alerts_and_deletes_the_address_and_its_messages() {
    let app = TestApp::new().await;
    let sink = Sink::start();
    let _sender = sender(&app, &sink.url());
    let mut pcc = app.signed_in("pcc").await;
    let reader = "everything@example.org";
    let mut visitor = app.visitor();
    ask(&mut visitor, reader, "").await;
    let confirmation = sink.wait_for(1).await[0].clone();
    visitor.post(&confirm_path(&confirmation), &[]).await;
    publish(&app, &mut pcc, "2025-02-11", "Road Safety").await;
    let alert = sink
        .wait_for(3)
        .await
        .into_iter()
        .find(|m| m.to == [reader] && m.header("Subject").starts_with("New record"))
        .expect("an alert");
    let stop = unsubscribe_path(&alert);

    // The page the link opens asks first: opening it stops nothing.
    let page = visitor.get(&stop).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.attrs("form[method=post]", "action"),
        std::slice::from_ref(&stop)
    );
    assert_eq!(messages_where(&app, &format!("recipient = '{reader}'")).await, 2);

    // Another site's page cannot stop them.
    let forged = Request::post(&stop)
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("List-Unsubscribe=One-Click"))
        .expect("request");
    assert_eq!(app.visitor().send(forged).await.status, 403);

    // A mail program's POST: no cookie, no form token, no origin.
    let one_click = Request::post(&stop)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("List-Unsubscribe=One-Click"))
        .expect("request");
    let stopped = app.visitor().send(one_click).await;
    assert_eq!(stopped.status, 200, "{}", stopped.body);
    assert_eq!(stopped.texts("h1"), ["Your alerts have stopped"]);
    for table in ["alert_subscription", "alert_token"] {
        let left: i64 = sqlx::query_scalar(&format!("select count(*) from {table}"))
            .fetch_one(&app.pool)
            .await
            .expect("count");
        assert_eq!(left, 0, "{table} is emptied");
    }
    assert_eq!(
        messages_where(&app, &format!("recipient = '{reader}'")).await,
        0,
        "the messages to the address are deleted with it"
    );
    let again = Request::post(&stop).body(Body::empty()).expect("request");
    assert_eq!(app.visitor().send(again).await.status, 404);

    publish(&app, &mut pcc, "2025-03-04", "Road Safety").await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(to(&sink.messages(), reader).len(), 2, "nothing after");
}

/// A confirmed subscriber to every record, made as the site makes them.
async fn subscriber(app: &TestApp, email: &str) {
    let mut tx = app.pool.begin().await.expect("tx");
    let subscription = scrutiny::db::alerts::request(&mut tx, email, None)
        .await
        .expect("request");
    scrutiny::db::alerts::confirm(&mut tx, subscription.id)
        .await
        .expect("confirm");
    tx.commit().await.expect("commit");
}

#[tokio::test]
async fn a_withdrawal_deletes_unsent_alerts_and_holds_none_of_the_text_and_a_reinstatement_is_alerted() {
    // No SMTP server: the messages wait in the outbox.
    let app = TestApp::new().await;
    let mut pcc = app.signed_in("pcc").await;
    subscriber(&app, "watcher@example.org").await;
    let id = publish(&app, &mut pcc, "2025-02-11", "Road Safety").await;
    let alerts = "kind = 'alert' and recipient = 'watcher@example.org'";
    assert_eq!(messages_where(&app, alerts).await, 1);
    // A correction being drafted renames it: its withdrawal alert still
    // names it as published.
    sqlx::query("update meeting set topic = 'Draft title nobody published' where id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .expect("draft change");
    let withdrawn = pcc
        .post(
            &format!("/staff/meetings/{id}/withdraw"),
            &[("reason", "Published by mistake.")],
        )
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    let (subject, body): (String, String) =
        sqlx::query_as(&format!("select subject, body_text from outbox where {alerts}"))
            .fetch_one(&app.pool)
            .await
            .expect("one alert: the publication's was deleted");
    assert_eq!(
        subject,
        "Record withdrawn: Scrutiny meeting: Road Safety, 11 February 2025"
    );
    assert!(body.contains("Published by mistake."), "{body}");
    for text in [
        "Are speed cameras",
        "Secret-looking bullet",
        "Draft title",
        "question",
    ] {
        assert!(!body.contains(text), "{text} in {body}");
    }
    // Put back: told so, with the reason, as it was published.
    let reinstated = pcc
        .post(
            &format!("/staff/meetings/{id}/reinstate"),
            &[("reason", "It was right after all.")],
        )
        .await;
    assert_eq!(reinstated.status, 303, "{}", reinstated.body);
    let (subject, body): (String, String) = sqlx::query_as(&format!(
        "select subject, body_text from outbox where {alerts} order by id desc limit 1"
    ))
    .fetch_one(&app.pool)
    .await
    .expect("the reinstatement's alert");
    assert_eq!(
        subject,
        "Record reinstated: Scrutiny meeting: Road Safety, 11 February 2025"
    );
    assert!(body.contains("It was right after all."), "{body}");
    assert!(body.contains("1 question"), "{body}");
    assert!(!body.contains("Draft title"), "{body}");
    assert_eq!(messages_where(&app, alerts).await, 2);
}

#[tokio::test]
async fn a_correction_is_alerted_with_its_reason() {
    let app = TestApp::new().await;
    let mut pcc = app.signed_in("pcc").await;
    let mut staff = app.signed_in("staff").await;
    subscriber(&app, "watcher@example.org").await;
    let id = publish(&app, &mut pcc, "2025-02-11", "Road Safety").await;
    let reopened = pcc.post(&format!("/staff/meetings/{id}/correct"), &[]).await;
    assert_eq!(reopened.status, 303, "{}", reopened.body);
    let submitted = staff.post(&format!("/staff/meetings/{id}/submit"), &[]).await;
    assert_eq!(submitted.status, 303, "{}", submitted.body);
    let published = pcc
        .post(
            &format!("/staff/meetings/{id}/publish"),
            &[("reason", "A date was wrong.")],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    let (subject, body): (String, String) =
        sqlx::query_as("select subject, body_text from outbox where kind = 'alert' order by id desc limit 1")
            .fetch_one(&app.pool)
            .await
            .expect("the correction's alert");
    assert_eq!(
        subject,
        "Record corrected: Scrutiny meeting: Road Safety, 11 February 2025"
    );
    assert!(body.contains("A date was wrong."), "{body}");
    assert_eq!(messages_where(&app, "kind = 'alert'").await, 2);
}

#[tokio::test]
async fn a_bad_request_is_refused_with_its_reason_and_nothing_kept() {
    let app = TestApp::new().await;
    RecordBuilder::new("2025-01-07", "Road Safety")
        .publish(&app.pool)
        .await;
    let mut visitor = app.visitor();
    let bad_email = ask(&mut visitor, "not an address", "road-safety").await;
    assert_eq!(bad_email.status, 422);
    assert_eq!(
        bad_email.texts("#email-error"),
        ["Error: Enter an email address like name@example.org"]
    );
    assert_eq!(bad_email.attrs("#email", "value"), ["not an address"]);
    // An address the mail sender could not send to is refused too.
    let unsendable = ask(&mut visitor, "reader@exa..mple.org", "road-safety").await;
    assert_eq!(unsendable.status, 422);
    let bad_topic = ask(&mut visitor, "reader@example.org", "no-such-topic").await;
    assert_eq!(bad_topic.status, 422);
    assert_eq!(
        bad_topic.texts("#topic-error"),
        ["Error: Choose a topic from the list, or every record"]
    );
    let kept: i64 = sqlx::query_scalar(
        "select (select count(*) from alert_subscription) + (select count(*) from outbox)",
    )
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(kept, 0);
    let unknown = visitor.get(&format!("/alerts/confirm/{}", "a".repeat(64))).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.texts("h1"), ["This link does not work"]);
    let malformed = visitor.get("/alerts/unsubscribe/x'%3Cscript%3E").await;
    assert_eq!(malformed.status, 404);
}

#[tokio::test]
async fn requests_are_limited_per_email_address_and_per_client_address() {
    let app = TestApp::new().await;
    // One address asked for from many places: three confirmations at most.
    for n in 0..scrutiny::db::alerts::MAX_PER_EMAIL {
        let mut visitor = app.visitor();
        visitor.address = ([10, 0, 1, n as u8], 40000).into();
        assert_eq!(ask(&mut visitor, "victim@example.org", "").await.status, 303);
    }
    let mut elsewhere = app.visitor();
    elsewhere.address = ([10, 0, 2, 1], 40000).into();
    let refused = ask(&mut elsewhere, "victim@example.org", "").await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(refused.header("retry-after"), "3600");
    assert!(refused.body.contains("Try again in an hour"), "{}", refused.body);
    assert_eq!(messages_where(&app, "recipient = 'victim@example.org'").await, 3);
    // Only the newest confirmation link works.
    let links: Vec<String> = sqlx::query_scalar("select body_text from outbox order by id")
        .fetch_all(&app.pool)
        .await
        .expect("bodies");
    let first = link_after(&links[0], "/alerts/confirm/");
    let last = link_after(&links[2], "/alerts/confirm/");
    assert_eq!(elsewhere.get(&first).await.status, 404);
    assert_eq!(elsewhere.get(&last).await.status, 200);

    // One place asking for many addresses: ten at most.
    let mut busy = app.visitor();
    busy.address = ([10, 0, 3, 1], 40000).into();
    for n in 0..scrutiny::db::alerts::MAX_PER_ADDRESS {
        let asked = ask(&mut busy, &format!("person{n}@example.org"), "").await;
        assert_eq!(asked.status, 303, "request {n}");
    }
    let refused = ask(&mut busy, "one-more@example.org", "").await;
    assert_eq!(refused.status, 429);
    assert_eq!(
        messages_where(&app, "recipient = 'one-more@example.org'").await,
        0
    );
}

#[tokio::test]
async fn unconfirmed_requests_are_deleted_after_a_week_and_confirmed_ones_kept() {
    let app = TestApp::new().await;
    let mut visitor = app.visitor();
    ask(&mut visitor, "late@example.org", "").await;
    ask(&mut visitor, "recent@example.org", "").await;
    subscriber(&app, "kept@example.org").await;
    sqlx::query(
        "update alert_subscription set requested_at = now() - interval '8 days'
         where email in ('late@example.org', 'kept@example.org')",
    )
    .execute(&app.pool)
    .await
    .expect("age");
    sqlx::query("update alert_request set at = now() - interval '2 days' where id = (select min(id) from alert_request)")
        .execute(&app.pool)
        .await
        .expect("age");
    // A link older than a week no longer confirms, though the sweep has
    // not yet come.
    let body: String =
        sqlx::query_scalar("select body_text from outbox where recipient = 'late@example.org'")
            .fetch_one(&app.pool)
            .await
            .expect("the link");
    let late = link_after(&body, "/alerts/confirm/");
    assert_eq!(visitor.get(&late).await.status, 200);
    sqlx::query("update alert_token set created_at = now() - interval '8 days'")
        .execute(&app.pool)
        .await
        .expect("age");
    assert_eq!(visitor.get(&late).await.status, 404);
    let deleted = scrutiny::db::alerts::sweep(&app.pool).await.expect("sweep");
    assert_eq!(deleted, 1);
    let left: Vec<String> = sqlx::query_scalar("select email from alert_subscription order by email")
        .fetch_all(&app.pool)
        .await
        .expect("left");
    assert_eq!(left, ["kept@example.org", "recent@example.org"]);
    assert_eq!(messages_where(&app, "recipient = 'late@example.org'").await, 0);
    let requests: i64 = sqlx::query_scalar("select count(*) from alert_request")
        .fetch_one(&app.pool)
        .await
        .expect("requests");
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn the_privacy_notice_says_what_is_kept_and_every_page_links_to_it() {
    let app = TestApp::new().await;
    let mut visitor = app.visitor();
    let home = visitor.get("/").await;
    assert!(home.attrs("footer a", "href").contains(&"/privacy".to_owned()));
    assert!(home.attrs("footer a", "href").contains(&"/alerts".to_owned()));
    let search = visitor.get("/search").await;
    assert!(search.attrs("main a", "href").contains(&"/alerts".to_owned()));
    let privacy = visitor.get("/privacy").await;
    assert_eq!(privacy.status, 200);
    assert_eq!(privacy.texts("h1"), ["Privacy notice"]);
    for said in [
        "your email address",
        "deleted at once",
        "7 days",
        "90 days",
        "one-way hash of the email address",
    ] {
        assert!(privacy.body.contains(said), "{said}");
    }
}
