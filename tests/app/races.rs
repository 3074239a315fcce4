//! A write that was on its way while the record moved on (sent to the PCC,
//! or sent back by the PCC) lands nowhere: each write checks the record's
//! status on the row it locks, in its own transaction, after the whole
//! request has been read. A meeting saved while another save takes the
//! address it was given is tried again, and has the next free address.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::Request;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use scrutiny::db::workflow;
use scrutiny::domain::Decision;

use crate::common::{RecordBuilder, TestApp, TestResponse, Visitor, id_in};

/// A draft with one question, written by `staff`; returns its id and the
/// question's id.
async fn draft(staff: &Visitor<'_>) -> (i64, i64) {
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .question("What is the Force doing?")
        .evidence("- It has a plan.")
        .draft(&staff.app.pool)
        .await;
    (record.id, record.questions[0])
}

/// Sends the record to the PCC as its button does, from `staff`'s session.
async fn send_to_pcc(app: &TestApp, staff: &Visitor<'_>, token: &str, id: i64) -> u16 {
    let request = form_post(staff, token, &format!("/staff/meetings/{id}/submit"), &[]);
    app.request(request).await.status.as_u16()
}

/// A form's post of `fields` to `uri` from `visitor`'s session, with its
/// CSRF token `token`; built, not sent.
fn form_post(visitor: &Visitor<'_>, token: &str, uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("_csrf", token)
        .extend_pairs(fields)
        .finish();
    visitor
        .build(Request::post(uri))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request")
}

/// A step of the record's journey that holds its row until it commits.
enum Step {
    /// Staff send the draft to the PCC.
    Submit,
    /// The PCC sends the record back with this comment.
    SendBack(&'static str),
}

/// Returns once a statement in the test's database waits for a lock that
/// another transaction holds: the request sent meanwhile has reached its
/// write.
async fn until_a_write_waits(app: &TestApp) {
    let mut waited = Duration::ZERO;
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock'",
        )
        .fetch_one(&app.pool)
        .await
        .expect("waiting");
        if waiting > 0 {
            return;
        }
        assert!(waited < Duration::from_secs(20), "the write never waited");
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
}

/// Sends `request` while `step` is under way on meeting `id` (taken by
/// account `by`): another transaction holds the record's row, the request
/// arrives meanwhile and waits for the row, and the step is then taken in
/// that transaction, which commits.
async fn while_under_way(
    app: &TestApp,
    id: i64,
    by: i64,
    step: Step,
    request: Request<Body>,
) -> TestResponse {
    let mut holding = app.pool.begin().await.expect("tx");
    sqlx::query("select id from meeting where id = $1 for update")
        .bind(id)
        .execute(&mut *holding)
        .await
        .expect("lock");
    let (answered, ()) = tokio::join!(app.request(request), async move {
        until_a_write_waits(app).await;
        let taken = match step {
            Step::Submit => workflow::submit(&mut holding, id, by).await,
            Step::SendBack(comment) => workflow::send_back(&mut holding, id, comment, by).await,
        };
        assert!(taken.expect("the step"), "the step was taken");
        holding.commit().await.expect("commit");
    });
    answered
}

#[tokio::test]
async fn an_upload_held_open_while_the_record_goes_to_the_pcc_does_not_land() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (id, _) = draft(&staff).await;
    let token = staff.csrf().await;
    let boundary = "----scrutiny-race";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nLate plan\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    );
    let tail = format!("1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n\r\n--{boundary}--\r\n");
    let (chunks, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    chunks.send(Ok(Bytes::from(head))).await.expect("first part");
    let upload = staff
        .build(Request::post(format!("/staff/meetings/{id}/documents")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from_stream(ReceiverStream::new(rx)))
        .expect("request");

    let (uploaded, sent) = tokio::join!(app.request(upload), async {
        // The upload has started and is waiting for the rest of its file.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let sent = send_to_pcc(&app, &staff, &token, id).await;
        chunks.send(Ok(Bytes::from(tail))).await.expect("the rest");
        drop(chunks);
        sent
    });

    assert_eq!(sent, 303, "the record went to the PCC");
    assert_eq!(uploaded.status, 409, "{}", uploaded.body);
    assert!(uploaded.body.contains("with the PCC"), "{}", uploaded.body);
    let documents: i64 = sqlx::query_scalar("select count(*) from document")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(documents, 0, "nothing landed on the locked record");
}

#[tokio::test]
async fn a_question_saved_while_the_record_goes_to_the_pcc_does_not_land() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (id, question) = draft(&staff).await;
    let page = staff.get(&format!("/staff/questions/{question}")).await;
    let version = page
        .html()
        .select(&scraper::Selector::parse("input[name=version]").expect("selector"))
        .next()
        .and_then(|e| e.value().attr("value").map(str::to_owned))
        .expect("the form's version");
    let token = staff.csrf().await;
    let save = form_post(
        &staff,
        &token,
        &format!("/staff/questions/{question}"),
        &[
            ("text", "A question changed too late?"),
            ("evidence", "- Changed too late."),
            ("version", &version),
        ],
    );

    // "Send to the PCC" is under way, and the save arrives meanwhile.
    let saved = while_under_way(&app, id, staff.account_id(), Step::Submit, save).await;

    assert_eq!(saved.status, 409, "{}", saved.body);
    let text: String = sqlx::query_scalar("select body from question where id = $1")
        .bind(question)
        .fetch_one(&app.pool)
        .await
        .expect("text");
    assert_eq!(text, "What is the Force doing?", "the save did not land");
}

#[tokio::test]
async fn a_publication_on_its_way_while_the_record_is_sent_back_does_not_publish_it() {
    let app = TestApp::new().await;
    let staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .question("What is the Force doing?")
        .evidence("- It has a plan.")
        .decision(Decision::Assured)
        .in_review(&app.pool)
        .await;
    let id = record.id;
    let mut pcc = app.signed_in("pcc").await;
    let token = pcc.csrf().await;
    let publish = form_post(&pcc, &token, &format!("/staff/meetings/{id}/publish"), &[]);

    // "Send back" (from the PCC's other tab) is under way, and the
    // publication arrives meanwhile, having seen the record with the PCC.
    let send_back = Step::SendBack("Question 1 needs more.");
    let published = while_under_way(&app, id, pcc.account_id(), send_back, publish).await;

    assert_eq!(published.status, 409, "{}", published.body);
    assert!(published.body.contains("with the PCC"), "{}", published.body);
    let (status, revisions): (String, i64) =
        sqlx::query_as("select status::text, (select count(*) from revision) from meeting where id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("status");
    assert_eq!(
        (status.as_str(), revisions),
        ("draft", 0),
        "nothing was published"
    );
    assert_eq!(
        app.visitor().get("/meetings/2024-12-03-stalking").await.status,
        404
    );
}

/// Sends `request` while another transaction is taking the address `slug`
/// for a meeting of its own: its row is written but not committed, so the
/// request finds the address free, and its own insert waits on the
/// address's index. Once it waits, the other transaction commits.
async fn while_address_taken(app: &TestApp, slug: &str, request: Request<Body>) -> TestResponse {
    let mut holding = app.pool.begin().await.expect("tx");
    sqlx::query("insert into meeting (slug, topic, held_on) values ($1, 'Stalking', '2025-01-10')")
        .bind(slug)
        .execute(&mut *holding)
        .await
        .expect("the other meeting");
    let (answered, ()) = tokio::join!(app.request(request), async move {
        until_a_write_waits(app).await;
        holding.commit().await.expect("commit");
    });
    answered
}

/// The address of meeting `id`.
async fn slug_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("select slug from meeting where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("slug")
}

#[tokio::test]
async fn a_new_meeting_whose_address_is_taken_at_the_same_moment_gets_the_next_one() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let token = staff.csrf().await;
    let fields = [("topic", "Stalking"), ("held_on", "2025-01-10")];
    let create = form_post(&staff, &token, "/staff/meetings", &fields);

    let created = while_address_taken(&app, "2025-01-10-stalking", create).await;

    assert_eq!(created.status, 303, "{}", created.body);
    let id = id_in(created.header("location"));
    assert_eq!(slug_of(&app, id).await, "2025-01-10-stalking-2");
    let editor = staff.get(&format!("/staff/meetings/{id}")).await;
    assert!(
        editor.body.contains("The meeting has been created."),
        "{}",
        editor.body
    );
}

#[tokio::test]
async fn a_meeting_moved_to_an_address_taken_at_the_same_moment_gets_the_next_one() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (id, _) = draft(&staff).await;
    let version: i32 = sqlx::query_scalar("select version from meeting where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("version");
    let token = staff.csrf().await;
    let version = version.to_string();
    let fields = [
        ("topic", "Stalking"),
        ("held_on", "2025-01-10"),
        ("version", version.as_str()),
    ];
    let save = form_post(&staff, &token, &format!("/staff/meetings/{id}"), &fields);

    let saved = while_address_taken(&app, "2025-01-10-stalking", save).await;

    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.header("location"), format!("/staff/meetings/{id}"));
    assert_eq!(slug_of(&app, id).await, "2025-01-10-stalking-2");
    let editor = staff.get(&format!("/staff/meetings/{id}")).await;
    assert!(
        editor.body.contains("The meeting details have been saved."),
        "{}",
        editor.body
    );
}
