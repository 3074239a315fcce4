//! The database enforces the record's rules itself, whatever the code does.

use crate::common::{RecordBuilder, TestApp};

/// The SQLSTATE of a failed statement.
async fn refused(app: &TestApp, sql: &str) -> String {
    match sqlx::query(sql).execute(&app.pool).await {
        Ok(_) => panic!("accepted: {sql}"),
        Err(sqlx::Error::Database(e)) => e.code().map(|c| c.into_owned()).unwrap_or_default(),
        Err(e) => panic!("{sql}: {e}"),
    }
}

const CHECK: &str = "23514";
const UNIQUE: &str = "23505";
const FOREIGN_KEY: &str = "23503";

#[tokio::test]
async fn statuses_and_decisions_outside_the_scale_are_refused() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await;
    assert_eq!(refused(&app, "update meeting set status = 'secret'").await, CHECK);
    let decide = "insert into decision (question_id, value) select id, 'maybe' from question";
    assert_eq!(refused(&app, decide).await, CHECK);
    let action =
        "insert into action (meeting_id, number, body, status) select id, 1, 'x', 'forgotten' from meeting";
    assert_eq!(refused(&app, action).await, CHECK);
    assert_eq!(
        refused(
            &app,
            "insert into account (email, role, password_hash) values ('a@b.c', 'king', 'x')"
        )
        .await,
        CHECK
    );
}

#[tokio::test]
async fn a_slug_is_unique_and_well_formed() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await;
    let again =
        "insert into meeting (slug, topic, held_on) values ('2024-12-03-stalking', 'Stalking', '2024-12-03')";
    assert_eq!(refused(&app, again).await, UNIQUE);
    let bad = "insert into meeting (slug, topic, held_on) values ('../x', 'X', '2024-12-03')";
    assert_eq!(refused(&app, bad).await, CHECK);
}

#[tokio::test]
async fn rows_cannot_point_at_what_does_not_exist() {
    let app = TestApp::new().await;
    let evidence = "insert into evidence (question_id, position, paragraphs) values (999999, 1, '{x}')";
    assert_eq!(refused(&app, evidence).await, FOREIGN_KEY);
    let question = "insert into question (meeting_id, position, body) values (999999, 1, 'x')";
    assert_eq!(refused(&app, question).await, FOREIGN_KEY);
}

#[tokio::test]
async fn a_withdrawn_record_needs_a_date_and_a_reason() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await;
    assert_eq!(
        refused(&app, "update meeting set status = 'withdrawn'").await,
        CHECK
    );
    sqlx::query(
        "update meeting set status = 'withdrawn', withdrawn_at = now(), withdrawn_reason = 'Duplicate'",
    )
    .execute(&app.pool)
    .await
    .expect("a withdrawal with its reason is accepted");
}

#[tokio::test]
async fn a_published_revision_can_never_change() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await;
    let change = sqlx::query("update revision set topic = 'Something else'")
        .execute(&app.pool)
        .await;
    assert!(change.is_err());
    let delete = sqlx::query("delete from revision").execute(&app.pool).await;
    assert!(delete.is_err());
    let topic: String = sqlx::query_scalar("select topic from revision")
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(topic, "Stalking");
}
