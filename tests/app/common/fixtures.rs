//! The records tests start from, written through `scrutiny::db`.

use sqlx::PgPool;

use super::TestApp;

/// Publishes a small record on `date` (YYYY-MM-DD) about `topic`, with one
/// question decided `decision`. Returns its slug.
pub async fn publish_meeting(
    pool: &PgPool,
    date: &str,
    topic: &str,
    decision: Option<scrutiny::domain::Decision>,
) -> String {
    use scrutiny::db::records;
    use scrutiny::domain::{MeetingSlug, Outline};
    let held_on = date.parse().expect("date");
    let slug = MeetingSlug::new(held_on, topic).expect("slug");
    let mut tx = pool.begin().await.expect("tx");
    let meeting = records::NewMeeting {
        slug: &slug,
        topic,
        held_on,
        kind: "Scrutiny meeting",
    };
    let id = records::insert_meeting(&mut tx, meeting, None)
        .await
        .expect("meeting");
    let text = Outline::parse(&format!("What is the Force doing about {topic}?")).expect("outline");
    let evidence = Outline::parse("- The Force has a plan.").expect("outline");
    let question = records::insert_question(&mut tx, id, &text, &evidence)
        .await
        .expect("question");
    if let Some(decision) = decision {
        records::set_decision(&mut tx, question, decision, "", None)
            .await
            .expect("decision");
    }
    records::publish(&mut tx, id, None, None).await.expect("publish");
    tx.commit().await.expect("commit");
    slug.to_string()
}

/// Creates a draft that is never published. Returns its slug.
pub async fn draft_meeting(pool: &PgPool, date: &str, topic: &str) -> String {
    use scrutiny::db::records;
    use scrutiny::domain::{MeetingSlug, Outline};
    let held_on = date.parse().expect("date");
    let slug = MeetingSlug::new(held_on, topic).expect("slug");
    let mut tx = pool.begin().await.expect("tx");
    let meeting = records::NewMeeting {
        slug: &slug,
        topic,
        held_on,
        kind: "Scrutiny meeting",
    };
    let id = records::insert_meeting(&mut tx, meeting, None)
        .await
        .expect("meeting");
    let text = Outline::parse("A secret draft question?").expect("outline");
    records::insert_question(&mut tx, id, &text, &Outline::default())
        .await
        .expect("question");
    tx.commit().await.expect("commit");
    slug.to_string()
}

/// The id of the meeting at `slug`.
pub async fn meeting_id(pool: &PgPool, slug: &str) -> i64 {
    sqlx::query_scalar("select id from meeting where slug = $1")
        .bind(slug)
        .fetch_one(pool)
        .await
        .expect("meeting id")
}

/// A staff account to name as the author of changes; returns its id.
pub async fn staff_id(pool: &PgPool) -> i64 {
    let email = format!("staff-{}@example.org", uuid::Uuid::new_v4().simple());
    sqlx::query_scalar(
        "insert into account (email, role, password_hash) values ($1, 'staff', 'x') returning id",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .expect("account")
}

/// Starts a correction of the published record at `slug`, as the PCC's
/// "Correct" button does (the record goes back to draft), and replaces the
/// text and evidence of its first question. Returns the meeting id.
pub async fn draft_correction(pool: &PgPool, slug: &str, text: &str, evidence: &str) -> i64 {
    use scrutiny::db::{meetings::Saved, questions};
    use scrutiny::domain::Outline;
    let by = staff_id(pool).await;
    let id = meeting_id(pool, slug).await;
    let mut tx = pool.begin().await.expect("tx");
    sqlx::query("update meeting set status = 'draft' where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .expect("back to draft");
    let first = questions::of_meeting(&mut tx, id).await.expect("questions")[0].clone();
    let text = Outline::parse(text).expect("outline").to_text();
    let tree = Outline::parse(evidence).expect("outline");
    let saved = questions::update(&mut tx, first.id, first.version, &text, evidence, &tree, by)
        .await
        .expect("question saved");
    assert_eq!(saved, Saved::Saved);
    tx.commit().await.expect("commit");
    id
}

/// Publishes the live record at `slug` as a correction with `reason`.
pub async fn publish_correction(pool: &PgPool, slug: &str, reason: &str) -> i32 {
    let id = meeting_id(pool, slug).await;
    let mut tx = pool.begin().await.expect("tx");
    let number = scrutiny::db::records::publish(&mut tx, id, None, Some(reason))
        .await
        .expect("correction published");
    tx.commit().await.expect("commit");
    number
}

/// Corrects the published record at `slug`: its first question becomes
/// `text`, published with `reason`. Returns the new revision's number.
pub async fn correct_meeting(pool: &PgPool, slug: &str, text: &str, reason: &str) -> i32 {
    draft_correction(pool, slug, text, "- The Force has a corrected plan.").await;
    publish_correction(pool, slug, reason).await
}

/// Withdraws the record at `slug` with `reason`, as the PCC's "Withdraw"
/// button does.
pub async fn withdraw_meeting(pool: &PgPool, slug: &str, reason: &str) {
    let id = meeting_id(pool, slug).await;
    let mut tx = pool.begin().await.expect("tx");
    scrutiny::db::records::withdraw(&mut tx, id, None, reason)
        .await
        .expect("withdrawn");
    tx.commit().await.expect("commit");
}

/// The Atom feed, parsed by a real Atom parser.
pub async fn feed(app: &TestApp) -> atom_syndication::Feed {
    let response = app.get("/feed.atom").await;
    assert_eq!(response.status, 200, "{}", response.body);
    atom_syndication::Feed::read_from(response.body.as_bytes()).expect("the feed is valid Atom")
}
