//! The publication ledger and `scrutiny verify`: anyone can check that no
//! published revision was altered after the PCC published it.

use crate::common::{Correction, RecordBuilder, TestApp, withdraw};

/// Runs `sql` with the immutability triggers off, as someone with the
/// database owner's rights could, then turns them back on.
pub(crate) async fn tamper(app: &TestApp, sql: &str) {
    let mut tx = app.pool.begin().await.expect("tx");
    for statement in [
        "alter table revision disable trigger revision_immutable",
        "alter table ledger_entry disable trigger ledger_append_only",
        "alter table revision_action disable trigger revision_action_immutable",
        sql,
        "alter table revision enable trigger revision_immutable",
        "alter table ledger_entry enable trigger ledger_append_only",
        "alter table revision_action enable trigger revision_action_immutable",
    ] {
        sqlx::query(statement).execute(&mut *tx).await.expect(statement);
    }
    tx.commit().await.expect("commit");
}

/// The demo record and a second one, both published: the ledger holds two
/// entries, so an altered first entry is not also the last.
async fn two_published_records() -> TestApp {
    let app = TestApp::with_demo().await;
    RecordBuilder::new("2025-01-07", "Knife crime")
        .sample_question()
        .publish(&app.pool)
        .await;
    app
}

fn failure(result: anyhow::Result<scrutiny::verify::Report>) -> String {
    format!("{:#}", result.expect_err("verification fails"))
}

#[tokio::test]
async fn verify_passes_on_a_fresh_database_and_on_the_demo() {
    let fresh = TestApp::new().await;
    let report = scrutiny::verify::verify(&fresh.pool)
        .await
        .expect("a fresh database verifies");
    assert_eq!((report.revisions, report.entries), (0, 0));

    let demo = TestApp::with_demo().await;
    let report = scrutiny::verify::verify(&demo.pool)
        .await
        .expect("the demo verifies");
    assert_eq!((report.revisions, report.entries), (1, 1));
}

#[tokio::test]
async fn verify_names_the_record_whose_published_content_was_altered() {
    let app = two_published_records().await;
    tamper(
        &app,
        "update revision set content = jsonb_set(content, '{topic}', '\"Stalking (altered)\"')
         where meeting_id = (select id from meeting where slug = '2024-12-03-stalking')",
    )
    .await;
    let message = failure(scrutiny::verify::verify(&app.pool).await);
    assert!(message.contains("record 2024-12-03-stalking"), "{message}");
    assert!(message.contains("revision 1"), "{message}");
}

#[tokio::test]
async fn verify_names_the_record_whose_agreed_actions_were_altered_beside_its_revision() {
    // The rows the list of actions and search read must say what the
    // revision (whose hash covers its actions) says.
    let app = TestApp::new().await;
    RecordBuilder::new("2025-01-07", "Knife crime")
        .sample_question()
        .action("Report back in six months.")
        .owner("Chief Inspector")
        .publish(&app.pool)
        .await;
    assert!(scrutiny::verify::verify(&app.pool).await.is_ok());
    tamper(&app, "update revision_action set owner = 'Nobody'").await;
    let message = failure(scrutiny::verify::verify(&app.pool).await);
    assert!(
        message.contains("record 2025-01-07-knife-crime: revision 1's actions are not those it published"),
        "{message}"
    );
}

#[tokio::test]
async fn verify_finds_a_revision_rewritten_with_a_matching_hash() {
    // Content and hash changed together: the revision agrees with itself,
    // but no longer with the ledger.
    let app = TestApp::with_demo().await;
    let mut content: serde_json::Value = sqlx::query_scalar("select content from revision")
        .fetch_one(&app.pool)
        .await
        .expect("content");
    content["topic"] = "Nothing to see".into();
    let hash = scrutiny::domain::record::content_hash(&content);
    let altered = content.to_string().replace('\'', "''");
    tamper(
        &app,
        &format!("update revision set content = '{altered}', content_hash = '{hash}'"),
    )
    .await;
    let message = failure(scrutiny::verify::verify(&app.pool).await);
    assert!(
        message.contains("record 2024-12-03-stalking: revision 1 is not in the ledger"),
        "{message}"
    );
}

#[tokio::test]
async fn verify_finds_an_altered_or_removed_ledger_entry() {
    let app = two_published_records().await;
    tamper(
        &app,
        "update ledger_entry set reason = 'rewritten' where id = (select min(id) from ledger_entry)",
    )
    .await;
    let message = failure(scrutiny::verify::verify(&app.pool).await);
    assert!(
        message.contains("record 2024-12-03-stalking: ledger entry"),
        "{message}"
    );
    assert!(message.contains("altered"), "{message}");

    let app = two_published_records().await;
    tamper(
        &app,
        "delete from ledger_entry where id = (select min(id) from ledger_entry)",
    )
    .await;
    let message = failure(scrutiny::verify::verify(&app.pool).await);
    assert!(message.contains("does not follow"), "{message}");
}

#[tokio::test]
async fn the_ledger_lists_each_publication_correction_and_withdrawal_as_one_chain() {
    let app = TestApp::with_demo().await;
    RecordBuilder::new("2025-01-07", "Secret draft")
        .sample_question()
        .draft(&app.pool)
        .await;
    Correction::of("2024-12-03-stalking")
        .question("What is the Force doing about stalking, corrected?")
        .publish(&app.pool, "A typing error in question 1")
        .await;
    withdraw(&app.pool, "2024-12-03-stalking", "Published in error").await;

    let response = app.get("/ledger.json").await;
    assert_eq!(response.status, 200);
    let ledger: serde_json::Value = serde_json::from_str(&response.body).expect("json");
    let entries = ledger["entries"].as_array().expect("entries");
    let events: Vec<_> = entries
        .iter()
        .map(|e| e["event"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(events, ["withdraw", "correct", "publish"], "newest first");
    for pair in entries.windows(2) {
        assert_eq!(
            pair[0]["previous_hash"], pair[1]["entry_hash"],
            "each entry names the one before"
        );
    }
    assert!(entries[2]["previous_hash"].is_null());
    let hashes: Vec<String> = sqlx::query_scalar("select content_hash from revision order by number")
        .fetch_all(&app.pool)
        .await
        .expect("hashes");
    assert_eq!(entries[2]["content_hash"], hashes[0].as_str());
    assert_eq!(entries[1]["content_hash"], hashes[1].as_str());
    assert_eq!(
        entries[0]["content_hash"],
        hashes[1].as_str(),
        "the revision withdrawn"
    );
    assert_eq!(entries[0]["reason"], "Published in error");

    let page = app.get("/ledger").await;
    assert_eq!(page.status, 200);
    let rows = page.prose("table.ledger tbody tr");
    assert_eq!(rows.len(), 3);
    assert!(rows[0].contains("Withdrawn: Published in error"), "{rows:?}");
    assert!(
        rows[1].contains("Corrected (revision 2): A typing error in question 1"),
        "{rows:?}"
    );
    assert!(rows[2].contains("Published (revision 1)"), "{rows:?}");
    assert!(
        !page.body.contains("Secret draft") && !page.body.contains("secret-draft"),
        "a draft is not in the ledger"
    );
    scrutiny::verify::verify(&app.pool)
        .await
        .expect("the whole history verifies");
}

#[tokio::test]
async fn the_app_serves_as_a_role_that_cannot_alter_what_was_published() {
    let app = TestApp::new().await;
    let role = format!("app_{}", uuid::Uuid::new_v4().simple());
    let database: String = sqlx::query_scalar("select current_database()")
        .fetch_one(&app.pool)
        .await
        .expect("name");
    // The grants of the README's deployment steps.
    for grant in [
        format!("create role {role} login password 'app-role-password'"),
        format!("grant connect on database {database} to {role}"),
        format!("grant usage on schema public to {role}"),
        format!("grant select, insert, update, delete on all tables in schema public to {role}"),
        format!("grant usage on all sequences in schema public to {role}"),
        format!("revoke update, delete, truncate on revision, revision_action, ledger_entry from {role}"),
    ] {
        sqlx::query(&grant).execute(&app.pool).await.expect(&grant);
    }
    let options = (*app.pool.connect_options())
        .clone()
        .username(&role)
        .password("app-role-password");
    let restricted = scrutiny::database::pool(options)
        .await
        .expect("the app's role connects");

    let started = scrutiny::database::migrate(&restricted).await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .action("Report back.")
        .publish(&restricted)
        .await;
    let altered = sqlx::query("update revision set reason = 'x'")
        .execute(&restricted)
        .await;
    let removed = sqlx::query("delete from ledger_entry").execute(&restricted).await;
    let unfrozen = sqlx::query("update revision_action set body = 'x'")
        .execute(&restricted)
        .await;
    let verified = scrutiny::verify::verify(&restricted).await;
    restricted.close().await;
    for cleanup in [format!("drop owned by {role}"), format!("drop role {role}")] {
        sqlx::query(&cleanup).execute(&app.pool).await.expect(&cleanup);
    }

    started.expect("an up-to-date database starts with no schema right");
    assert!(
        !record.slug.is_empty(),
        "the role publishes, ledger entry and all"
    );
    for refused in [altered, removed, unfrozen] {
        let code = refused
            .expect_err("refused")
            .into_database_error()
            .and_then(|e| e.code().map(|c| c.into_owned()));
        assert_eq!(code.as_deref(), Some("42501"), "permission denied");
    }
    assert_eq!(verified.expect("verifies").entries, 1);
}
