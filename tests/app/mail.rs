//! Telling people: each step of a record's journey writes its messages in
//! its own transaction, and a sender delivers them over SMTP (a real
//! server, `common::smtp`) once each: to the PCC when a record is sent for
//! review, to its authors when it is sent back, published, corrected or
//! withdrawn; never for a step that rolled back; after the SMTP server
//! comes back; once however many instances send.

use scrutiny::db::outbox::{self, Kind, NewMessage};
use scrutiny::mail::{Sender, Settings};

use crate::common::smtp::{Received, Sink, free_address};
use crate::common::{RecordBuilder, TestApp, Visitor};

const SITE: &str = scrutiny::config::DEFAULT_PUBLIC_URL;

pub(crate) fn sender(app: &TestApp, sink_url: &str) -> Sender {
    Sender::start(
        app.pool.clone(),
        &Settings {
            smtp_url: sink_url.to_owned(),
            from: "OPCC Scrutiny <scrutiny@example.org>".to_owned(),
            ca_file: None,
        },
    )
    .expect("the sender starts")
}

/// Each message as (recipient, subject), sorted.
fn sent(messages: &[Received]) -> Vec<(String, String)> {
    let mut sent: Vec<(String, String)> = messages
        .iter()
        .map(|m| (m.to.join(","), m.header("Subject")))
        .collect();
    sent.sort();
    sent
}

/// How many messages of the outbox meet `condition` (SQL, a constant of
/// the test).
pub(crate) async fn messages_where(app: &TestApp, condition: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from outbox where {condition}"))
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

fn message_to<'a>(messages: &'a [Received], to: &str) -> &'a Received {
    messages
        .iter()
        .find(|m| m.to == [to])
        .unwrap_or_else(|| panic!("a message to {to} in {messages:?}"))
}

/// A road-safety record with one question, written by `author`.
fn road_safety(author: &Visitor<'_>) -> RecordBuilder {
    RecordBuilder::new("2025-02-11", "Road Safety")
        .by(author.account_id())
        .question("Are speed cameras working?")
        .evidence("- Bullet one.")
}

async fn email_of(app: &TestApp, visitor: &Visitor<'_>) -> String {
    sqlx::query_scalar("select email from account where id = $1")
        .bind(visitor.account_id())
        .fetch_one(&app.pool)
        .await
        .expect("email")
}

#[tokio::test]
async fn each_step_tells_the_right_people_once_with_the_page_to_open() {
    let app = TestApp::new().await;
    let sink = Sink::start();
    let _sender = sender(&app, &sink.url());
    let mut author = app.signed_in("staff").await;
    let _bystander = app.signed_in("staff").await;
    let mut pcc = app.signed_in("pcc").await;
    let quiet_pcc = app.signed_in("pcc").await;
    let disabled_pcc = app.signed_in("pcc").await;
    sqlx::query("update account set notices_off = '{review_requested}' where id = $1")
        .bind(quiet_pcc.account_id())
        .execute(&app.pool)
        .await
        .expect("quiet");
    sqlx::query("update account set disabled_at = now() where id = $1")
        .bind(disabled_pcc.account_id())
        .execute(&app.pool)
        .await
        .expect("disabled");
    let (author_email, pcc_email) = (email_of(&app, &author).await, email_of(&app, &pcc).await);
    let record = road_safety(&author).draft(&app.pool).await;
    let id = record.id;

    // Sent for review: the PCC who wants it, no one else.
    let submitted = author.post(&format!("/staff/meetings/{id}/submit"), &[]).await;
    assert_eq!(submitted.status, 303, "{}", submitted.body);
    let messages = sink.wait_for(1).await;
    assert_eq!(
        sent(&messages),
        [(
            pcc_email.clone(),
            "For your review: Scrutiny meeting: Road Safety, 11 February 2025".to_owned()
        )]
    );
    let review = message_to(&messages, &pcc_email);
    assert!(
        review.data.contains(&format!("{SITE}/staff/review/{id}")),
        "{}",
        review.data
    );
    assert!(review.header("Content-Type").starts_with("multipart/alternative"));
    assert_eq!(review.header("From"), "\"OPCC Scrutiny\" <scrutiny@example.org>");
    assert_eq!(review.from, "scrutiny@example.org");

    // Sent back: the author, with the PCC's comment.
    let back = pcc
        .post(
            &format!("/staff/meetings/{id}/send-back"),
            &[("comment", "Say what the cameras cost.")],
        )
        .await;
    assert_eq!(back.status, 303, "{}", back.body);
    let messages = sink.wait_for(2).await;
    let sent_back = messages.last().expect("a message");
    assert_eq!(sent_back.to, std::slice::from_ref(&author_email));
    assert_eq!(
        sent_back.header("Subject"),
        "Sent back: Scrutiny meeting: Road Safety, 11 February 2025"
    );
    assert!(sent_back.data.contains("Say what the cameras cost."));
    assert!(sent_back.data.contains(&format!("{SITE}/staff/meetings/{id}")));

    // Published: the author, with the public page.
    author.post(&format!("/staff/meetings/{id}/submit"), &[]).await;
    sink.wait_for(3).await;
    let decided = pcc
        .post(
            &format!("/staff/questions/{}/decision", record.questions[0]),
            &[("decision", "assured"), ("rationale", "")],
        )
        .await;
    assert_eq!(decided.status, 303, "{}", decided.body);
    let published = pcc.post(&format!("/staff/meetings/{id}/publish"), &[]).await;
    assert_eq!(published.status, 303, "{}", published.body);
    let messages = sink.wait_for(4).await;
    let news = messages.last().expect("a message");
    assert_eq!(news.to, std::slice::from_ref(&author_email));
    assert_eq!(
        news.header("Subject"),
        "Published: Scrutiny meeting: Road Safety, 11 February 2025"
    );
    assert!(
        news.data
            .contains(&format!("{SITE}/meetings/2025-02-11-road-safety"))
    );

    // Withdrawn: the author, with the reason.
    let withdrawn = pcc
        .post(
            &format!("/staff/meetings/{id}/withdraw"),
            &[("reason", "Published by mistake.")],
        )
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    let messages = sink.wait_for(5).await;
    assert_eq!(messages.len(), 5, "{messages:?}");
    let gone = messages.last().expect("a message");
    assert_eq!(gone.to, std::slice::from_ref(&author_email));
    assert!(gone.header("Subject").starts_with("Withdrawn: "));
    assert!(gone.data.contains("Published by mistake."));
    // Each was marked sent, once.
    let unsent = messages_where(&app, "sent_at is null or attempts <> 1").await;
    assert_eq!(unsent, 0);
}

#[tokio::test]
async fn a_publication_that_rolls_back_tells_no_one() {
    let app = TestApp::new().await;
    let sink = Sink::start();
    let _sender = sender(&app, &sink.url());
    let author = app.signed_in("staff").await;
    let mut pcc = app.signed_in("pcc").await;
    let record = road_safety(&author)
        .decision(scrutiny::domain::Decision::Assured)
        .in_review(&app.pool)
        .await;
    // The publication fails as it commits, once its messages are written:
    // the trigger fails only if they are there.
    sqlx::query(
        "create function fail_at_commit() returns trigger language plpgsql as $$ begin \
         if exists (select 1 from outbox where kind = 'published') then \
         raise exception 'the disk is full'; end if; return new; end $$",
    )
    .execute(&app.pool)
    .await
    .expect("function");
    sqlx::query(
        "create constraint trigger fail_at_commit after insert on revision \
         deferrable initially deferred for each row execute function fail_at_commit()",
    )
    .execute(&app.pool)
    .await
    .expect("trigger");
    let failed = pcc
        .post(&format!("/staff/meetings/{}/publish", record.id), &[])
        .await;
    assert_eq!(failed.status, 500, "{}", failed.body);
    let written = messages_where(&app, "true").await;
    assert_eq!(written, 0);
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert!(sink.messages().is_empty());
}

/// `n` messages written straight to the outbox, numbered in their subjects.
async fn write_messages(app: &TestApp, n: usize) {
    let mut tx = app.pool.begin().await.expect("tx");
    for i in 0..n {
        let message = NewMessage {
            kind: Kind::Published,
            recipient: format!("person{i}@example.org"),
            subject: format!("Message {i}"),
            body_text: format!("Text {i}"),
            body_html: format!("<p>Text {i}</p>"),
            meeting_id: None,
        };
        outbox::add(&mut tx, &message).await.expect("add");
    }
    tx.commit().await.expect("commit");
}

#[tokio::test]
async fn a_message_waits_while_the_smtp_server_is_down_and_is_sent_once_when_it_is_back() {
    let app = TestApp::new().await;
    let address = free_address();
    let _sender = sender(&app, &format!("smtp://{address}"));
    write_messages(&app, 1).await;
    // Tried, failed, its error kept.
    let start = std::time::Instant::now();
    loop {
        let (attempts, error): (i32, Option<String>) =
            sqlx::query_as("select attempts, last_error from outbox")
                .fetch_one(&app.pool)
                .await
                .expect("row");
        if attempts > 0 {
            assert!(error.is_some_and(|e| !e.is_empty()));
            break;
        }
        assert!(start.elapsed().as_secs() < 20, "never tried");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let sink = Sink::at(address);
    let messages = sink.wait_for(1).await;
    assert_eq!(
        sent(&messages),
        [("person0@example.org".to_owned(), "Message 0".to_owned())]
    );
    let tries: Vec<Option<String>> = sqlx::query_scalar("select error from outbox_attempt order by id")
        .fetch_all(&app.pool)
        .await
        .expect("attempts");
    assert!(tries.len() >= 2, "{tries:?}");
    assert!(tries[0].is_some() && tries.last() == Some(&None), "{tries:?}");
}

#[tokio::test]
async fn two_instances_send_each_message_once() {
    let app = TestApp::new().await;
    let sink = Sink::start();
    let (_one, _two) = (sender(&app, &sink.url()), sender(&app, &sink.url()));
    write_messages(&app, 40).await;
    let messages = sink.wait_for(40).await;
    assert_eq!(messages.len(), 40);
    let mut ids: Vec<String> = messages.iter().map(|m| m.header("Message-ID")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40);
}

#[tokio::test]
async fn with_no_smtp_server_messages_wait_for_an_admin_to_read() {
    let app = TestApp::new().await;
    let author = app.signed_in("staff").await;
    let mut pcc = app.signed_in("pcc").await;
    let pcc_email = email_of(&app, &pcc).await;
    let record = road_safety(&author).draft(&app.pool).await;
    let mut author = author;
    author
        .post(&format!("/staff/meetings/{}/submit", record.id), &[])
        .await;
    let mut admin = app.signed_in("admin").await;
    let outbox = admin.get("/staff/outbox").await;
    assert_eq!(outbox.status, 200);
    assert_eq!(outbox.texts("table.outbox tbody td[data-label=To]"), [pcc_email]);
    assert_eq!(outbox.texts("td.status"), ["Waiting to be sent"]);
    let link = outbox.attrs("table.outbox a", "href")[0].clone();
    let message = admin.get(&link).await;
    assert_eq!(message.status, 200);
    assert_eq!(message.texts("dd.status"), ["Waiting to be sent"]);
    assert!(message.texts("pre.message")[0].contains(&format!("{SITE}/staff/review/{}", record.id)));
    // The PCC sees it in the app too, where they review.
    let queue = pcc.get("/staff/review").await;
    assert_eq!(
        queue.texts("section.notices li a"),
        ["For your review: Scrutiny meeting: Road Safety, 11 February 2025"]
    );
    assert_eq!(
        queue.attrs("section.notices li a", "href"),
        [format!("/staff/review/{}", record.id)]
    );
    let back = pcc
        .post(
            &format!("/staff/meetings/{}/send-back", record.id),
            &[("comment", "More, please.")],
        )
        .await;
    assert_eq!(back.status, 303);
    let dashboard = author.get("/staff").await;
    assert_eq!(
        dashboard.attrs("section.notices li a", "href"),
        [format!("/staff/meetings/{}", record.id)]
    );
    assert!(admin.get("/staff").await.texts("section.notices").is_empty());
    // Staff and the PCC cannot read the outbox.
    assert_eq!(pcc.get("/staff/outbox").await.status, 403);
    assert_eq!(pcc.get(&link).await.status, 403);
    assert_eq!(admin.get("/staff/outbox/999999").await.status, 404);
}

#[tokio::test]
async fn the_outbox_is_read_fifty_at_a_time_and_each_message_says_what_became_of_it() {
    let app = TestApp::new().await;
    write_messages(&app, 53).await;
    for (subject, change) in [
        ("Message 0", "attempts = 2, last_error = 'connection refused'"),
        ("Message 1", "attempts = 1, sent_at = now()"),
        ("Message 2", "attempts = 3"),
    ] {
        sqlx::query(&format!("update outbox set {change} where subject = $1"))
            .bind(subject)
            .execute(&app.pool)
            .await
            .expect("update");
    }
    let mut admin = app.signed_in("admin").await;
    let first = admin.get("/staff/outbox").await;
    assert_eq!(first.texts("table.outbox td[data-label=Subject]").len(), 50);
    assert_eq!(
        first.texts("table.outbox td[data-label=Subject]")[0],
        "Message 52"
    );
    let second = admin.get("/staff/outbox?page=2").await;
    assert_eq!(
        second.texts("table.outbox td[data-label=Subject]"),
        ["Message 2", "Message 1", "Message 0"]
    );
    let statuses = [
        "Not sent yet: 3 tries",
        "Sent",
        "Not sent yet: 2 tries failed, the last with “connection refused”",
    ];
    assert_eq!(second.texts("td.status"), statuses);
    // Each message's own page says the same.
    let links = second.attrs("table.outbox td[data-label=Subject] a", "href");
    for (link, status) in links.iter().zip(statuses) {
        assert_eq!(admin.get(link).await.texts("dd.status"), [status]);
    }
}

#[tokio::test]
async fn an_account_turns_a_kind_of_message_off_and_is_not_sent_it() {
    let app = TestApp::new().await;
    let mut author = app.signed_in("staff").await;
    let mut pcc = app.signed_in("pcc").await;
    let page = pcc.get("/staff/account").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.attrs("input[type=checkbox][checked]", "name").len(), 6);
    // Every kind but "sent for review" stays on.
    let on: Vec<(&str, &str)> = [
        "sent_back",
        "published",
        "corrected",
        "withdrawn",
        "action_digest",
    ]
    .iter()
    .map(|kind| (*kind, "on"))
    .collect();
    let saved = pcc.post("/staff/account", &on).await;
    assert_eq!(saved.status, 303);
    let page = pcc.get("/staff/account").await;
    assert_eq!(
        page.attrs("input[type=checkbox][checked]", "name"),
        [
            "sent_back",
            "published",
            "corrected",
            "withdrawn",
            "action_digest"
        ]
    );
    assert_eq!(
        page.texts(".notice p"),
        ["Your choice of messages has been saved."]
    );
    let audited: String = sqlx::query_scalar(
        "select after::text from audit_log where action = 'set_notices' and account_id = $1",
    )
    .bind(pcc.account_id())
    .fetch_one(&app.pool)
    .await
    .expect("audited");
    assert_eq!(audited, r#"{"notices_off": ["review_requested"]}"#);
    let record = road_safety(&author).draft(&app.pool).await;
    author
        .post(&format!("/staff/meetings/{}/submit", record.id), &[])
        .await;
    let written = messages_where(&app, "true").await;
    assert_eq!(written, 0);
}

/// The day the digests below are made.
const TODAY: &str = "2025-03-10";

fn day(text: &str) -> chrono::NaiveDate {
    text.parse().expect("a date")
}

/// The site with the office's contact address.
fn office_site() -> scrutiny::domain::site::Site {
    let fields = scrutiny::domain::site::SiteFields {
        contact_email: "office@opcc.example".to_owned(),
        ..Default::default()
    };
    scrutiny::domain::site::Site::resolve(&fields, SITE, None)
}

#[tokio::test]
async fn each_morning_owners_and_the_office_are_sent_the_actions_due_within_14_days_or_overdue() {
    use scrutiny::domain::record::ActionStatus;
    let app = TestApp::new().await;
    scrutiny::accounts::add(
        &app.pool,
        "sarah.doyle@opcc.example",
        "staff",
        "Sarah Doyle",
        crate::common::PASSWORD,
    )
    .await
    .expect("account");
    scrutiny::accounts::add(
        &app.pool,
        "quiet@opcc.example",
        "staff",
        "Head of Estates",
        crate::common::PASSWORD,
    )
    .await
    .expect("account");
    sqlx::query("update account set notices_off = '{action_digest}' where email = 'quiet@opcc.example'")
        .execute(&app.pool)
        .await
        .expect("quiet");
    RecordBuilder::new("2025-01-14", "Stalking")
        .sample_question()
        .action("Audit the protection orders.")
        .owner("sarah doyle")
        .due_on("2025-03-07")
        .action("Report on response times.")
        .owner("Chief Constable (cc@force.example)")
        .due_on("2025-03-15")
        .action("Review the training.")
        .owner("Sarah Doyle")
        .due_on("2025-03-30")
        .action("Share the plan.")
        .owner("Sarah Doyle")
        .due_on("2025-03-09")
        .status(ActionStatus::Done)
        .action("Survey the custody suite.")
        .owner("Head of Estates")
        .due_on("2025-03-24")
        .publish(&app.pool)
        .await;

    let made = scrutiny::web::notify::action_digest(&app.pool, &office_site(), day(TODAY))
        .await
        .expect("digest");
    assert_eq!(made, Some(3));
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select recipient, subject, body_text from outbox where kind = 'action_digest' order by recipient",
    )
    .fetch_all(&app.pool)
    .await
    .expect("rows");
    let summary: Vec<(&str, &str)> = rows.iter().map(|(r, s, _)| (r.as_str(), s.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("cc@force.example", "1 action due or overdue, 10 March 2025"),
            ("office@opcc.example", "3 actions due or overdue, 10 March 2025"),
            (
                "sarah.doyle@opcc.example",
                "1 action due or overdue, 10 March 2025"
            ),
        ]
    );
    let sarah = &rows[2].2;
    assert!(sarah.contains("Audit the protection orders."), "{sarah}");
    assert!(sarah.contains("3 days overdue"), "{sarah}");
    assert!(
        sarah.contains(&format!("{SITE}/meetings/2025-01-14-stalking#actions")),
        "{sarah}"
    );
    assert!(
        !sarah.contains("Review the training.") && !sarah.contains("Share the plan."),
        "{sarah}"
    );
    let office = &rows[1].2;
    assert!(
        office.contains("due in 5 days") && office.contains("due in 14 days"),
        "{office}"
    );

    // Once a day, whichever instance comes first.
    let again = scrutiny::web::notify::action_digest(&app.pool, &office_site(), day(TODAY))
        .await
        .expect("digest");
    assert_eq!(again, None);
    let site = office_site();
    let (one, two) = tokio::join!(
        scrutiny::web::notify::action_digest(&app.pool, &site, day("2025-03-11")),
        scrutiny::web::notify::action_digest(&app.pool, &site, day("2025-03-11")),
    );
    let made: Vec<Option<usize>> = vec![one.expect("one"), two.expect("two")];
    assert_eq!(made.iter().filter(|m| m.is_some()).count(), 1, "{made:?}");
    let written = messages_where(&app, "true").await;
    assert_eq!(written, 6);
}

#[tokio::test]
async fn a_day_with_nothing_due_sends_nothing() {
    let app = TestApp::new().await;
    let made = scrutiny::web::notify::action_digest(&app.pool, &office_site(), day(TODAY))
        .await
        .expect("digest");
    assert_eq!(made, Some(0));
    let written = messages_where(&app, "true").await;
    assert_eq!(written, 0);
}

#[tokio::test]
async fn sent_messages_are_deleted_after_90_days_and_unsent_ones_kept() {
    let app = TestApp::new().await;
    write_messages(&app, 4).await;
    sqlx::query(
        "update outbox set sent_at = now() - case subject
             when 'Message 0' then interval '91 days'
             when 'Message 1' then interval '89 days'
             else null end,
           created_at = now() - interval '100 days'
         where subject in ('Message 0', 'Message 1', 'Message 2')",
    )
    .execute(&app.pool)
    .await
    .expect("aged");
    assert_eq!(outbox::sweep(&app.pool).await.expect("sweep"), 1);
    let kept: Vec<String> = sqlx::query_scalar("select subject from outbox order by subject")
        .fetch_all(&app.pool)
        .await
        .expect("kept");
    assert_eq!(kept, ["Message 1", "Message 2", "Message 3"]);
}

#[tokio::test]
async fn a_sender_stops_when_it_is_dropped() {
    let app = TestApp::new().await;
    let sink = Sink::start();
    let sending = sender(&app, &sink.url());
    write_messages(&app, 1).await;
    sink.wait_for(1).await;
    drop(sending);
    write_messages(&app, 1).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(sink.messages().len(), 1);
    let waiting = messages_where(&app, "sent_at is null").await;
    assert_eq!(waiting, 1);
}

#[tokio::test]
async fn messages_go_over_starttls_signed_in_to_a_relay_whose_authority_is_the_offices_own() {
    // An office's own relay: STARTTLS with a certificate its own authority
    // signed (not a public one), and AUTH PLAIN. Without that authority
    // given, nothing is sent (and the message waits); with it, the message
    // goes over TLS, signed in.
    let app = TestApp::new().await;
    let sink = Sink::with_tls("scrutiny", "relay secret");
    let url = sink.url_with("scrutiny", "relay secret");
    write_messages(&app, 1).await;
    let settings = |ca_file: Option<std::path::PathBuf>| Settings {
        smtp_url: url.clone(),
        from: "scrutiny@example.org".to_owned(),
        ca_file,
    };
    let untrusted = Sender::start(app.pool.clone(), &settings(None)).expect("the sender starts");
    let start = std::time::Instant::now();
    while messages_where(&app, "attempts > 0").await == 0 {
        assert!(start.elapsed().as_secs() < 20, "a try is made");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    drop(untrusted);
    assert!(sink.messages().is_empty());
    let (error,): (String,) = sqlx::query_as("select last_error from outbox")
        .fetch_one(&app.pool)
        .await
        .expect("the error");
    assert!(error.to_lowercase().contains("certificate"), "{error}");
    sqlx::query("update outbox set send_after = now()")
        .execute(&app.pool)
        .await
        .expect("due again");

    let authority = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/smtp-tls/ca.pem");
    let _trusted =
        Sender::start(app.pool.clone(), &settings(Some(authority.into()))).expect("the sender starts");
    let messages = sink.wait_for(1).await;
    assert_eq!(messages.len(), 1);
    assert!(messages[0].tls, "sent over TLS");
    assert_eq!(messages[0].user.as_deref(), Some("scrutiny"));
    assert_eq!(messages[0].header("Subject"), "Message 0");
}

#[tokio::test]
async fn a_wrong_password_is_refused_by_the_relay_and_the_message_waits() {
    let app = TestApp::new().await;
    let sink = Sink::with_tls("scrutiny", "relay secret");
    write_messages(&app, 1).await;
    let authority = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/smtp-tls/ca.pem");
    let _sender = Sender::start(
        app.pool.clone(),
        &Settings {
            smtp_url: sink.url_with("scrutiny", "wrong"),
            from: "scrutiny@example.org".to_owned(),
            ca_file: Some(authority.into()),
        },
    )
    .expect("the sender starts");
    let start = std::time::Instant::now();
    while messages_where(&app, "attempts > 0").await == 0 {
        assert!(start.elapsed().as_secs() < 20, "a try is made");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(sink.messages().is_empty());
    assert_eq!(
        messages_where(&app, "sent_at is null and last_error is not null").await,
        1
    );
}
