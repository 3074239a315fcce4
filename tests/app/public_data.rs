//! What the public lists read, kept by the database (migration 0016): one
//! row per public record and per action it agreed, and tallies of them by
//! topic and year and by status and owner. Each must always equal what it
//! is derived from, whatever wrote the change; the lists and counts the
//! public reads come from them.

use scrutiny::domain::Decision;
use scrutiny::domain::record::ActionStatus;
use sqlx::{PgConnection, PgPool};

use crate::common::{Correction, RecordBuilder, TestApp, reinstate, withdraw};

/// Rows of `query`, each as JSON text, sorted.
async fn rows(pool: &PgPool, query: &str) -> Vec<String> {
    let mut rows: Vec<String> = sqlx::query_scalar(&format!("select to_jsonb(t)::text from ({query}) t"))
        .fetch_all(pool)
        .await
        .expect(query);
    rows.sort();
    rows
}

/// Asserts that every kept table equals the same data derived afresh from
/// the records the public may read.
async fn assert_kept(pool: &PgPool, step: &str) {
    let pairs = [
        (
            "select meeting_id, revision_id, slug, number, topic, topic_slug, held_on from public_record",
            "select meeting_id, id as revision_id, slug, number, topic, topic_slug, held_on from public_revision",
        ),
        (
            "select topic_slug, year, records, assured, partly_assured, not_assured from public_tally",
            "select topic_slug, extract(year from held_on)::int as year, count(*)::int as records,
                    count(*) filter (where content->'questions' @> '[{\"decision\": {\"value\": \"assured\"}}]')::int as assured,
                    count(*) filter (where content->'questions' @> '[{\"decision\": {\"value\": \"partly_assured\"}}]')::int as partly_assured,
                    count(*) filter (where content->'questions' @> '[{\"decision\": {\"value\": \"not_assured\"}}]')::int as not_assured
             from public_revision group by 1, 2",
        ),
        (
            "select revision_id, number, action_id, meeting_id, slug, held_on, owner, due_on, revisit_topic, status
             from public_action",
            "select ra.revision_id, ra.number, ra.action_id, p.meeting_id, p.slug, p.held_on, ra.owner, ra.due_on,
                    ra.revisit_topic, a.status
             from public_revision p join revision_action ra on ra.revision_id = p.id join action a on a.id = ra.action_id",
        ),
        (
            "select status, owner, actions from public_action_tally",
            "select a.status, ra.owner, count(*)::int as actions
             from public_revision p join revision_action ra on ra.revision_id = p.id join action a on a.id = ra.action_id
             group by 1, 2",
        ),
        (
            "select word, records from public_word",
            "select w as word, count(*)::int as records from public_record cross join unnest(words) w group by w",
        ),
    ];
    for (kept, derived) in pairs {
        assert_eq!(
            rows(pool, kept).await,
            rows(pool, derived).await,
            "{step}: {kept}"
        );
    }
}

#[tokio::test]
async fn the_lists_data_follows_every_change_to_what_the_public_may_read() {
    let app = TestApp::new().await;
    let pool = &app.pool;
    let first = RecordBuilder::new("2023-03-05", "Fraud")
        .question("Q1?")
        .decision(Decision::Assured)
        .question("Q2?")
        .decision(Decision::NotAssured)
        .action("Report back")
        .owner("Head of Fraud")
        .publish(pool)
        .await;
    let second = RecordBuilder::new("2024-04-05", "Fraud")
        .question("Q?")
        .decision(Decision::PartlyAssured)
        .action("Train staff")
        .owner("Head of Training")
        .status(ActionStatus::InProgress)
        .publish(pool)
        .await;
    let undecided = RecordBuilder::new("2024-04-06", "Fraud")
        .question("Not decided yet?")
        .publish(pool)
        .await;
    RecordBuilder::new("2024-05-05", "Drones")
        .question("Q?")
        .action("Draft only")
        .owner("Nobody")
        .draft(pool)
        .await;
    assert_kept(pool, "published").await;
    let counted: i64 = sqlx::query_scalar("select count(*) from public_record")
        .fetch_one(pool)
        .await
        .expect("count");
    assert_eq!(counted, 3, "the draft is not listed");

    Correction::of(&first.slug)
        .topic("Economic crime")
        .decision(Decision::PartlyAssured, "Less sure now.")
        .publish(pool, "Wording.")
        .await;
    assert_kept(pool, "corrected").await;

    sqlx::query("update action set status = 'done' where meeting_id = $1")
        .bind(second.id)
        .execute(pool)
        .await
        .expect("status");
    assert_kept(pool, "an action done").await;

    withdraw(pool, &second.slug, "Published in error.").await;
    assert_kept(pool, "withdrawn").await;
    reinstate(pool, &second.slug, "It was right.").await;
    assert_kept(pool, "reinstated").await;
    withdraw(pool, &undecided.slug, "Published in error.").await;
    assert_kept(pool, "a record with no decision withdrawn").await;
}

/// The tallies are kept by adding and taking away, so records published at
/// the same moment on the same topic and year are all counted.
#[tokio::test]
async fn records_published_at_once_are_all_counted() {
    let app = TestApp::new().await;
    let publications = (1..=8).map(|day| {
        let pool = app.pool.clone();
        tokio::spawn(async move {
            RecordBuilder::new(&format!("2024-06-{day:02}"), "Custody")
                .question("Q?")
                .decision(Decision::Assured)
                .action("Act")
                .owner("Head of Custody")
                .publish(&pool)
                .await
        })
    });
    for publication in publications.collect::<Vec<_>>() {
        publication.await.expect("published");
    }
    assert_kept(&app.pool, "published at once").await;
    let page = app
        .get("/meetings?topic=custody&year=2024&decision=assured")
        .await;
    assert_eq!(page.texts("h2#results"), ["8 records"]);
}

/// The counts the lists show come from the tallies: each filter, alone and
/// together, counts exactly the records it lists.
#[tokio::test]
async fn each_list_counts_what_its_filters_keep() {
    let app = TestApp::new().await;
    for (day, topic, decision) in [
        ("2023-01-10", "Fraud", Decision::Assured),
        ("2023-02-10", "Fraud", Decision::NotAssured),
        ("2024-01-10", "Fraud", Decision::NotAssured),
        ("2024-02-10", "Custody", Decision::NotAssured),
        ("2024-03-10", "Custody", Decision::PartlyAssured),
    ] {
        RecordBuilder::new(day, topic)
            .question("Q?")
            .decision(decision)
            .action("Act")
            .owner(topic)
            .status(if topic == "Fraud" {
                ActionStatus::Done
            } else {
                ActionStatus::Open
            })
            .due_on("2024-06-01")
            .publish(&app.pool)
            .await;
    }
    for (uri, count) in [
        ("/meetings", "5 records"),
        ("/meetings?topic=fraud", "3 records"),
        ("/meetings?year=2024", "3 records"),
        ("/meetings?decision=not_assured", "3 records"),
        ("/meetings?topic=fraud&year=2024&decision=not_assured", "1 record"),
        ("/meetings?topic=fraud&decision=partly_assured", "0 records"),
        ("/meetings?topic=nosuchtopic", "0 records"),
    ] {
        let page = app.get(uri).await;
        assert_eq!(page.texts("h2#results"), [count], "{uri}");
        let listed = page.texts(".record-list h3").len();
        assert_eq!(
            format!("{listed} record{}", if listed == 1 { "" } else { "s" }),
            count,
            "{uri}"
        );
    }
    let years = app.get("/meetings").await.texts("select[name=year] option");
    assert_eq!(years, ["Any year", "2024", "2023"]);
    for (uri, count) in [
        ("/actions", 5),
        ("/actions?status=done", 3),
        ("/actions?owner=Custody", 2),
        ("/actions?status=open&owner=Custody", 2),
        ("/actions?overdue=1", 2),
        ("/actions?overdue=1&owner=Fraud", 0),
    ] {
        let page = app.get(uri).await;
        let heading = page.texts("h2#results").join("");
        assert!(heading.starts_with(&count.to_string()), "{uri}: {heading}");
    }
    assert_eq!(
        app.get("/actions").await.texts("select[name=owner] option"),
        ["Anyone", "Custody", "Fraud"]
    );
}

/// A topic with more records than a page holds is paged, newest first,
/// and says how many it holds in all.
#[tokio::test]
async fn a_topic_is_read_a_page_at_a_time() {
    let app = TestApp::new().await;
    let start: chrono::NaiveDate = "2020-01-06".parse().expect("date");
    for week in 0..45 {
        RecordBuilder::new(&(start + chrono::Days::new(7 * week)).to_string(), "Stalking")
            .question("Q?")
            .decision(Decision::Assured)
            .publish(&app.pool)
            .await;
    }
    let first = app.get("/topics/stalking").await;
    assert_eq!(first.status, 200);
    let lead = first.prose("p.lead").join("");
    assert!(
        lead.starts_with("45 published records on this topic, from 6 January 2020 to 9 November 2020."),
        "{lead}"
    );
    assert_eq!(first.texts(".record-list h3").len(), 40);
    assert_eq!(first.texts(".record-list h3")[0], "Stalking, 9 November 2020");
    assert_eq!(first.texts(".trend-table tbody tr").len(), 40);
    assert_eq!(first.texts("nav.pager li")[0], "Page 1 of 2");
    let second = app.get("/topics/stalking?page=2").await;
    assert_eq!(second.texts(".record-list h3").len(), 5);
    assert_eq!(second.texts(".record-list h3")[4], "Stalking, 6 January 2020");
    assert_eq!(app.get("/topics/stalking?page=3").await.status, 404);
    assert_eq!(app.get("/topics/stalking?page=abc").await.status, 400);
    assert_eq!(
        app.get("/topics").await.texts("table.topics tbody td"),
        ["Stalking", "45", "6 January 2020", "9 November 2020"]
    );
}

/// How many times each change table has been read in this database, as
/// the statistics count: those of `conn`'s transactions so far included.
async fn change_reads(conn: &mut PgConnection) -> Vec<(String, i64)> {
    // A backend hands its counts on when it next waits for a statement;
    // asked to, it does so whatever the time since it last did.
    for flush in [
        "select pg_stat_force_next_flush()",
        "select pg_stat_clear_snapshot()",
    ] {
        sqlx::query(flush).execute(&mut *conn).await.expect(flush);
    }
    sqlx::query_as(
        "select relname::text, seq_scan from pg_stat_user_tables
         where relname in ('public_tally_change', 'public_action_tally_change', 'public_word_change')
         order by relname",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("reads")
}

/// A transaction that changes many public records applies its tallies and
/// words' counts at commit once, not once per row changed: each apply reads
/// every change row the transaction wrote (those it emptied included), so
/// applying per row read N rows N times (migration 0031). A change written
/// after an apply, by a record rebuilt at commit, is applied as well.
#[tokio::test]
async fn a_transaction_that_changes_many_records_applies_its_counts_once() {
    let app = TestApp::new().await;
    let pool = &app.pool;
    // Everything that reads the change tables goes through one connection,
    // whose counts are handed on when asked: another connection's would
    // be handed on when PostgreSQL chose, perhaps between the two readings.
    let one = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with(pool.connect_options().as_ref().clone())
        .await
        .expect("one connection");
    let mut published = Vec::new();
    for day in 1..=12 {
        let record = RecordBuilder::new(&format!("2024-03-{day:02}"), "Fraud")
            .question(&format!("Question {day}?"))
            .decision(Decision::Assured)
            .action("Report back")
            .owner("Head of Fraud")
            .publish(&one)
            .await;
        published.push(record);
    }
    assert_kept(pool, "published").await;

    let mut conn = one.acquire().await.expect("connection");
    let before = change_reads(&mut conn).await;
    let mut tx = sqlx::Connection::begin(&mut *conn).await.expect("tx");
    // An action's status first: its tallies' apply is queued at once. Then
    // the other records are withdrawn, each rebuilt at commit after it.
    sqlx::query("update action set status = 'done' where meeting_id = $1")
        .bind(published[0].id)
        .execute(&mut *tx)
        .await
        .expect("status");
    for record in &published[1..] {
        scrutiny::db::records::withdraw(&mut tx, record.id, None, "Published in error.")
            .await
            .expect("withdrawn");
    }
    tx.commit().await.expect("commit");
    let after = change_reads(&mut conn).await;

    let reads: Vec<(&str, i64)> = before
        .iter()
        .zip(&after)
        .map(|((table, before), (_, after))| (table.as_str(), after - before))
        .collect();
    // The tallies twice (the status's apply, then the rebuilds'), the words
    // once (only the rebuilds change them), whatever the number of records.
    let expected = [
        ("public_action_tally_change", 2),
        ("public_tally_change", 2),
        ("public_word_change", 1),
    ];
    assert_eq!(reads, expected);
    assert_kept(pool, "an action done, then eleven records withdrawn").await;
    let listed: i64 = sqlx::query_scalar("select coalesce(sum(records), 0)::bigint from public_tally")
        .fetch_one(pool)
        .await
        .expect("tally");
    assert_eq!(listed, 1, "one record is left to list");
}
