//! The database enforces the record's rules itself, whatever the code does.

use scrutiny::domain::MeetingStatus;
use scrutiny::domain::outline::Marker;

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
    let decision = "insert into decision (question_id, value) values (999999, 'assured')";
    assert_eq!(refused(&app, decision).await, FOREIGN_KEY);
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

#[tokio::test]
async fn every_meeting_status_of_the_code_is_one_the_database_accepts() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await;
    for status in MeetingStatus::ALL {
        let withdrawn = status == MeetingStatus::Withdrawn;
        sqlx::query(
            "update meeting set status = $1,
                    withdrawn_at = case when $2 then now() end,
                    withdrawn_reason = case when $2 then 'Duplicate' end",
        )
        .bind(status.code())
        .bind(withdrawn)
        .execute(&app.pool)
        .await
        .unwrap_or_else(|e| panic!("{status:?} refused: {e}"));
    }
}

#[tokio::test]
async fn evidence_kept_only_as_rows_is_printed_as_outline_text_when_the_rows_go() {
    // A database as it was before 0007, with evidence stored only as rows
    // (as it was before 0003 kept the text).
    let app = TestApp::unmigrated().await;
    let pool = app.pool.clone();
    let mut before = sqlx::migrate!();
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 7)
        .cloned()
        .collect();
    before.run(&pool).await.expect("migrations up to 0006");
    let question: i64 = sqlx::query_scalar(
        "with m as (insert into meeting (slug, topic, held_on) values ('2020-01-01-old', 'Old', '2020-01-01') returning id)
         insert into question (meeting_id, position, body) select id, 1, 'An old question?' from m returning id",
    )
    .fetch_one(&pool)
    .await
    .expect("question");
    let row = |parent: Option<i64>, position: i32, marker: &'static str, paragraphs: Vec<&'static str>| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "insert into evidence (question_id, parent_id, position, marker, paragraphs)
                 values ($1, $2, $3, $4, $5) returning id",
            )
            .bind(question)
            .bind(parent)
            .bind(position)
            .bind(marker)
            .bind(paragraphs)
            .fetch_one(&pool)
            .await
            .expect("evidence row")
        }
    };
    let plan = row(None, 1, "bullet", vec!["The Force has a plan."]).await;
    let streams = row(
        Some(plan),
        1,
        "numbered",
        vec!["It has workstreams.", "A second paragraph."],
    )
    .await;
    row(Some(streams), 1, "bullet", vec!["Deep."]).await;
    row(Some(plan), 2, "numbered", vec!["And a review."]).await;
    row(None, 2, "plain", vec!["A closing note."]).await;

    sqlx::migrate!().run(&pool).await.expect("every migration");

    let text: String = sqlx::query_scalar("select evidence_text from question")
        .fetch_one(&pool)
        .await
        .expect("text");
    let outline = scrutiny::domain::Outline::parse(&text).expect("the printed text parses");
    let shape =
        |item: &scrutiny::domain::outline::Item| (item.marker, item.paragraphs.clone(), item.children.len());
    let [top, closing] = &outline.items[..] else {
        panic!("two top-level items in {text:?}");
    };
    assert_eq!(
        shape(top),
        (Marker::Bullet, vec!["The Force has a plan.".to_owned()], 2)
    );
    assert_eq!(
        shape(&top.children[0]),
        (
            Marker::Numbered,
            vec!["It has workstreams.".to_owned(), "A second paragraph.".to_owned()],
            1
        )
    );
    assert_eq!(
        shape(&top.children[0].children[0]),
        (Marker::Bullet, vec!["Deep.".to_owned()], 0)
    );
    assert_eq!(
        shape(&top.children[1]),
        (Marker::Numbered, vec!["And a review.".to_owned()], 0)
    );
    assert_eq!(
        shape(closing),
        (Marker::Plain, vec!["A closing note.".to_owned()], 0)
    );
    let gone: bool = sqlx::query_scalar("select to_regclass('evidence') is null")
        .fetch_one(&pool)
        .await
        .expect("catalogue");
    assert!(gone, "the rows' table is dropped");
}

#[tokio::test]
async fn decisions_made_before_0010_are_taken_as_made_on_their_question_as_it_stands() {
    let app = TestApp::unmigrated().await;
    let pool = app.pool.clone();
    let mut before = sqlx::migrate!();
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 10)
        .cloned()
        .collect();
    before.run(&pool).await.expect("migrations up to 0009");
    let meeting: i64 = sqlx::query_scalar(
        "insert into meeting (slug, topic, held_on, status) values ('2020-01-01-old', 'Old', '2020-01-01', 'in_review')
         returning id",
    )
    .fetch_one(&pool)
    .await
    .expect("meeting");
    sqlx::query(
        "with q as (insert into question (meeting_id, position, body, evidence_text, version)
                    values ($1, 1, 'An old question?', '- Old evidence.', 3) returning id)
         insert into decision (question_id, value) select id, 'assured' from q",
    )
    .bind(meeting)
    .execute(&pool)
    .await
    .expect("decided question");

    sqlx::migrate!().run(&pool).await.expect("every migration");

    let mut conn = pool.acquire().await.expect("connection");
    let unconfirmed = scrutiny::db::review::unconfirmed(&mut conn, meeting)
        .await
        .expect("read");
    assert_eq!(unconfirmed, []);
    let version: i32 = sqlx::query_scalar("select question_version from decision")
        .fetch_one(&pool)
        .await
        .expect("version");
    assert_eq!(version, 3);
    // A decision written without its question's version (a restore of an
    // older export) is taken as made on the question as it stands.
    sqlx::query("delete from decision")
        .execute(&pool)
        .await
        .expect("delete");
    sqlx::query("insert into decision (question_id, value) select id, 'assured' from question")
        .execute(&pool)
        .await
        .expect("decision by hand");
    let unconfirmed = scrutiny::db::review::unconfirmed(&mut conn, meeting)
        .await
        .expect("read");
    assert_eq!(unconfirmed, []);
    let body: String = sqlx::query_scalar("select question_body from decision")
        .fetch_one(&pool)
        .await
        .expect("body");
    assert_eq!(body, "An old question?");
}
