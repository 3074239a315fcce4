//! A step of the record's journey that fails part-way leaves the record as
//! it was: sending to the PCC, deciding, sending back, starting a correction
//! and withdrawing (publishing has its own test in `review`), and saving a
//! meeting's details. Each step writes its audit row last, so a trigger
//! that refuses that row makes the step fail after its other writes.

use scrutiny::domain::Decision;
use serde_json::Value;

use crate::common::{Record, RecordBuilder, TestApp};

/// Makes every audit row for which `condition` (SQL over `new`) holds fail.
async fn refuse_audit_rows_where(app: &TestApp, condition: &str) {
    sqlx::query(&format!(
        "create function refuse_audit() returns trigger language plpgsql as $$ begin \
         if {condition} then raise exception 'audit log unavailable'; end if; return new; end $$"
    ))
    .execute(&app.pool)
    .await
    .expect("function");
    sqlx::query(
        "create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()",
    )
    .execute(&app.pool)
    .await
    .expect("trigger");
}

/// Everything stored about meeting `id`: its row, its questions' decisions,
/// its revisions and its audit rows.
async fn stored(app: &TestApp, id: i64) -> Value {
    sqlx::query_scalar(
        "select jsonb_build_object(
             'meeting', (select to_jsonb(m) from meeting m where m.id = $1),
             'decisions', (select coalesce(jsonb_agg(to_jsonb(d) order by d.question_id), '[]')
                           from decision d join question q on q.id = d.question_id where q.meeting_id = $1),
             'revisions', (select count(*) from revision where meeting_id = $1),
             'audit', (select count(*) from audit_log where meeting_id = $1))",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("the stored record")
}

/// The meeting's status as stored, as text.
async fn status(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("select status::text from meeting where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("status")
}

/// A record on road safety with one question, decided.
fn road_safety() -> RecordBuilder {
    RecordBuilder::new("2025-02-11", "Road Safety")
        .question("Are speed cameras working?")
        .evidence("- Bullet one.")
        .decision(Decision::Assured)
}

/// Asserts the answer is the error page, with a reference to quote.
fn assert_failed(response: &crate::common::TestResponse) {
    assert_eq!(response.status, 500, "{}", response.body);
    assert!(response.body.contains("reference"));
}

#[tokio::test]
async fn a_failed_send_to_the_pcc_leaves_the_draft_as_it_was() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = road_safety().by(staff.account_id()).draft(&app.pool).await;
    let before = stored(&app, record.id).await;
    refuse_audit_rows_where(&app, "new.action = 'status'").await;
    let failed = staff
        .post(&format!("/staff/meetings/{}/submit", record.id), &[])
        .await;
    assert_failed(&failed);
    assert_eq!(stored(&app, record.id).await, before);
    assert_eq!(status(&app, record.id).await, "draft");
    let mut pcc = app.signed_in("pcc").await;
    assert!(pcc.get("/staff/review").await.texts("main ul a").is_empty());
}

#[tokio::test]
async fn a_failed_decision_leaves_the_question_as_it_was() {
    let app = TestApp::new().await;
    let staff = app.signed_in("staff").await;
    let record = road_safety().by(staff.account_id()).in_review(&app.pool).await;
    let before = stored(&app, record.id).await;
    refuse_audit_rows_where(&app, "new.action = 'decide'").await;
    let mut pcc = app.signed_in("pcc").await;
    let failed = pcc
        .post(
            &format!("/staff/questions/{}/decision", record.questions[0]),
            &[("decision", "not_assured"), ("rationale", "Changed my mind.")],
        )
        .await;
    assert_failed(&failed);
    assert_eq!(stored(&app, record.id).await, before);
    let review = pcc.get(&format!("/staff/review/{}", record.id)).await;
    assert_eq!(review.texts("#decision-1 option[selected]"), ["Assured"]);
}

#[tokio::test]
async fn a_failed_send_back_leaves_the_record_with_the_pcc() {
    let app = TestApp::new().await;
    let staff = app.signed_in("staff").await;
    let record = road_safety().by(staff.account_id()).in_review(&app.pool).await;
    let before = stored(&app, record.id).await;
    refuse_audit_rows_where(&app, "new.action = 'status'").await;
    let mut pcc = app.signed_in("pcc").await;
    let failed = pcc
        .post(
            &format!("/staff/meetings/{}/send-back", record.id),
            &[("comment", "Please add the cost figures.")],
        )
        .await;
    assert_failed(&failed);
    assert_eq!(stored(&app, record.id).await, before);
    assert_eq!(status(&app, record.id).await, "in_review");
    assert_eq!(pcc.get("/staff/review").await.texts("main ul a"), ["Road Safety"]);
}

/// `road_safety()`, published.
async fn published(app: &TestApp) -> Record {
    road_safety().publish(&app.pool).await
}

#[tokio::test]
async fn a_failed_start_of_a_correction_leaves_the_record_published() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    let before = stored(&app, record.id).await;
    refuse_audit_rows_where(&app, "new.action = 'status'").await;
    let mut pcc = app.signed_in("pcc").await;
    let failed = pcc
        .post(&format!("/staff/meetings/{}/correct", record.id), &[])
        .await;
    assert_failed(&failed);
    assert_eq!(stored(&app, record.id).await, before);
    assert_eq!(status(&app, record.id).await, "published");
}

#[tokio::test]
async fn a_failed_withdrawal_leaves_the_record_public() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    let before = stored(&app, record.id).await;
    refuse_audit_rows_where(&app, "new.action = 'withdraw'").await;
    let mut pcc = app.signed_in("pcc").await;
    let failed = pcc
        .post(
            &format!("/staff/meetings/{}/withdraw", record.id),
            &[("reason", "Published in error.")],
        )
        .await;
    assert_failed(&failed);
    assert_eq!(stored(&app, record.id).await, before);
    assert_eq!(status(&app, record.id).await, "published");
    let public = app.visitor().get(&format!("/meetings/{}", record.slug)).await;
    assert_eq!(public.status, 200);
    assert!(public.body.contains("Are speed cameras working?"));
}

/// A meeting's details whose save fails (its audit row refused) are
/// answered at once with the error page, as a new meeting or a change, and
/// nothing is stored: a save is tried again only when another save took
/// its address, never for any other failure.
#[tokio::test]
async fn a_failed_save_of_a_meetings_details_is_answered_at_once_and_stores_nothing() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = road_safety().by(staff.account_id()).draft(&app.pool).await;
    let before = stored(&app, record.id).await;
    refuse_audit_rows_where(
        &app,
        "new.entity = 'meeting' and new.action in ('create', 'update')",
    )
    .await;
    let details = [("topic", "Road Safety"), ("held_on", "2025-03-11")];
    let mut changed = details.to_vec();
    changed.push(("version", "1"));
    for (uri, fields) in [
        ("/staff/meetings".to_owned(), &details[..]),
        (format!("/staff/meetings/{}", record.id), &changed[..]),
    ] {
        let answered =
            tokio::time::timeout(std::time::Duration::from_secs(20), staff.post(&uri, fields)).await;
        let failed = answered.unwrap_or_else(|_| panic!("{uri}: no answer in 20 s"));
        assert_failed(&failed);
    }
    assert_eq!(stored(&app, record.id).await, before);
    let meetings: i64 = sqlx::query_scalar("select count(*) from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(meetings, 1, "no meeting was added");
}
