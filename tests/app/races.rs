//! A write that was on its way while the record moved on (sent to the PCC,
//! or sent back by the PCC) lands nowhere: each write checks the record's
//! status on the row it locks, in its own transaction, after the whole
//! request has been read.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::Request;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use scrutiny::domain::Decision;

use crate::common::{RecordBuilder, TestApp, Visitor};

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
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("_csrf", token)
        .finish();
    let request = staff
        .build(Request::post(format!("/staff/meetings/{id}/submit")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    app.request(request).await.status.as_u16()
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
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("_csrf", &token)
        .append_pair("text", "A question changed too late?")
        .append_pair("evidence", "- Changed too late.")
        .append_pair("version", &version)
        .finish();
    let save = staff
        .build(Request::post(format!("/staff/questions/{question}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");

    // "Send to the PCC" is under way: it holds the record's row until it
    // commits, and the save arrives meanwhile.
    let mut sending = app.pool.begin().await.expect("tx");
    sqlx::query("select id from meeting where id = $1 for update")
        .bind(id)
        .execute(&mut *sending)
        .await
        .expect("lock");
    let (saved, ()) = tokio::join!(app.request(save), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let by = staff.account_id();
        assert!(
            scrutiny::db::workflow::submit(&mut sending, id, by)
                .await
                .expect("submit")
        );
        std::mem::replace(&mut sending, app.pool.begin().await.expect("tx"))
            .commit()
            .await
            .expect("commit");
    });

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
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("_csrf", &token)
        .finish();
    let publish = pcc
        .build(Request::post(format!("/staff/meetings/{id}/publish")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");

    // "Send back" (from the PCC's other tab) is under way: it holds the
    // record's row until it commits, and the publication arrives meanwhile,
    // having seen the record with the PCC.
    let mut sending = app.pool.begin().await.expect("tx");
    sqlx::query("select id from meeting where id = $1 for update")
        .bind(id)
        .execute(&mut *sending)
        .await
        .expect("lock");
    let (published, ()) = tokio::join!(app.request(publish), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let by = pcc.account_id();
        assert!(
            scrutiny::db::workflow::send_back(&mut sending, id, "Question 1 needs more.", by)
                .await
                .expect("send back")
        );
        std::mem::replace(&mut sending, app.pool.begin().await.expect("tx"))
            .commit()
            .await
            .expect("commit");
    });

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
