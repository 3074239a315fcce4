//! Export and restore: everything out, and back into an empty database with
//! the same public pages, byte for byte.

use std::process::Command;

use crate::common::{TestApp, Visitor, id_in};

/// A published record corrected once, with a stored file, a link, an action
/// with progress; a draft; and the demo. Returns the public addresses.
pub(crate) async fn build(app: &TestApp) -> Vec<String> {
    scrutiny::demo::load(&app.pool).await.expect("demo");
    let mut staff: Visitor = app.signed_in("staff").await;
    let created = staff
        .post(
            "/staff/meetings",
            &[
                ("topic", "Road Safety"),
                ("held_on", "2025-02-11"),
                ("attendees", "Jo Bloggs, Chief Inspector"),
                ("version", ""),
            ],
        )
        .await;
    let id = id_in(created.header("location"));
    staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[
                ("text", "Are cameras working?"),
                ("evidence", "- Yes.\n  - Mostly."),
            ],
        )
        .await;
    staff
        .upload(
            &format!("/staff/meetings/{id}/documents"),
            &[("title", "Camera report")],
            ("report.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
        .await;
    staff
        .post(
            &format!("/staff/meetings/{id}/links"),
            &[("title", "Road safety plan"), ("url", "https://example.org/plan")],
        )
        .await;
    staff
        .post(
            &format!("/staff/meetings/{id}/actions"),
            &[
                ("body", "Report back."),
                ("owner", "OPCC"),
                ("due_on", "2025-08-11"),
                ("status", "open"),
            ],
        )
        .await;
    let action: i64 = sqlx::query_scalar("select max(id) from action")
        .fetch_one(&app.pool)
        .await
        .expect("action");
    staff
        .post(
            &format!("/staff/actions/{action}/progress"),
            &[("noted_on", "2025-05-01"), ("note", "On track.")],
        )
        .await;
    staff.post(&format!("/staff/meetings/{id}/submit"), &[]).await;
    let mut pcc = app.signed_in("pcc").await;
    let question: i64 = sqlx::query_scalar("select id from question where meeting_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("q");
    pcc.post(
        &format!("/staff/questions/{question}/decision"),
        &[("decision", "assured"), ("rationale", "Good data.")],
    )
    .await;
    assert_eq!(
        pcc.post(&format!("/staff/meetings/{id}/publish"), &[])
            .await
            .status,
        303
    );
    pcc.post(&format!("/staff/meetings/{id}/correct"), &[]).await;
    staff.post(&format!("/staff/meetings/{id}/submit"), &[]).await;
    assert_eq!(
        pcc.post(&format!("/staff/meetings/{id}/publish"), &[("reason", "Typo.")])
            .await
            .status,
        303
    );
    staff
        .post(
            "/staff/meetings",
            &[
                ("topic", "Secret Draft"),
                ("held_on", "2025-03-01"),
                ("version", ""),
            ],
        )
        .await;
    let document: i64 = sqlx::query_scalar("select id from document where content is not null")
        .fetch_one(&app.pool)
        .await
        .expect("doc");
    vec![
        "/".into(),
        "/meetings".into(),
        "/meetings?topic=road-safety".into(),
        "/meetings/2024-12-03-stalking".into(),
        "/meetings/2024-12-03-stalking.json".into(),
        "/meetings/2025-02-11-road-safety".into(),
        "/meetings/2025-02-11-road-safety.json".into(),
        format!("/documents/{document}"),
        "/meetings/2025-02-11-road-safety.csv".into(),
        "/meetings/2025-02-11-road-safety/revisions".into(),
        "/meetings/2025-02-11-road-safety/revisions/1".into(),
        "/meetings.csv".into(),
        "/actions".into(),
        "/actions.csv".into(),
        "/topics/road-safety".into(),
        "/search?q=camera".into(),
        "/forward-plan".into(),
        "/feed.atom".into(),
    ]
}

async fn pages(app: &TestApp, addresses: &[String]) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    for address in addresses {
        let page = app.visitor().get(address).await;
        out.push((page.status.as_u16(), page.body));
    }
    out
}

#[tokio::test]
async fn a_restore_into_an_empty_database_gives_the_same_public_pages() {
    let source = TestApp::new().await;
    let addresses = build(&source).await;
    let before = pages(&source, &addresses).await;
    assert!(
        before.iter().all(|(status, _)| *status == 200),
        "{:?}",
        before.iter().map(|p| p.0).collect::<Vec<_>>()
    );
    let dir = tempfile::tempdir().expect("dir");
    let export = dir.path().join("export");
    let manifest = scrutiny::export::export(&source.pool, &export, false)
        .await
        .expect("export");
    assert_eq!(manifest.meetings, 3);
    assert!(
        export
            .join("meetings/2025-02-11-road-safety/record.json")
            .exists()
    );
    let accounts = std::fs::read_to_string(export.join("accounts.json")).expect("accounts");
    assert!(
        !accounts.contains("argon2"),
        "no password hashes without --with-secrets"
    );

    let target = TestApp::new().await;
    scrutiny::export::restore(&target.pool, &export)
        .await
        .expect("restore");
    let after = pages(&target, &addresses).await;
    for ((address, a), b) in addresses.iter().zip(&before).zip(&after) {
        assert_eq!(a, b, "{address} differs after the restore");
    }
    // Every row of every table: a_restore_brings_back_every_row_of_every_table_it_keeps.
    // New rows after a restore do not collide with restored ids.
    let mut staff = target.signed_in("staff").await;
    assert_eq!(
        staff
            .post(
                "/staff/meetings",
                &[("topic", "After"), ("held_on", "2025-04-01"), ("version", "")]
            )
            .await
            .status,
        303
    );

    let again = scrutiny::export::restore(&target.pool, &export).await;
    assert!(again.unwrap_err().to_string().contains("not empty"));
}

#[tokio::test]
async fn secrets_are_exported_only_when_asked() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let mut tx = app.pool.begin().await.expect("tx");
    let reader = scrutiny::db::alerts::request(&mut tx, "reader@example.org", None)
        .await
        .expect("a subscriber");
    scrutiny::db::alerts::confirm(&mut tx, reader.id)
        .await
        .expect("confirm");
    tx.commit().await.expect("commit");
    let dir = tempfile::tempdir().expect("dir");
    scrutiny::export::export(&app.pool, &dir.path().join("without"), false)
        .await
        .expect("export");
    for (file, bytes) in crate::restore::listing(&dir.path().join("without")) {
        let text = String::from_utf8_lossy(bytes.as_deref().unwrap_or_default());
        assert!(!text.contains("reader@example.org"), "{}", file.display());
    }
    scrutiny::export::export(&app.pool, &dir.path().join("with"), true)
        .await
        .expect("export");
    let accounts = std::fs::read_to_string(dir.path().join("with/accounts.json")).expect("accounts");
    assert!(accounts.contains("$argon2id$"));
    let alerts = std::fs::read_to_string(dir.path().join("with/alerts.json")).expect("alerts");
    assert!(alerts.contains("reader@example.org"));
    let target = TestApp::new().await;
    scrutiny::export::restore(&target.pool, &dir.path().join("with"))
        .await
        .expect("restore");
    assert_eq!(
        target
            .visitor()
            .sign_in("officer@opcc.example", crate::common::PASSWORD)
            .await
            .status,
        303
    );
    let restored: Vec<String> =
        sqlx::query_scalar("select email from alert_subscription where confirmed_at is not null")
            .fetch_all(&target.pool)
            .await
            .expect("subscribers");
    assert_eq!(restored, ["reader@example.org"]);
}

#[test]
fn export_and_restore_work_from_the_command_line() {
    let bin = env!("CARGO_BIN_EXE_scrutiny");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scrutiny-notes-stalking-2024-12-03.txt"
    );
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| {
        let output = crate::cli::run(Command::new(bin).args(args).env_remove("DATABASE_URL"), "");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    };
    let path = |p: &str| dir.path().join(p).display().to_string();
    run(&["import", fixture, "--data-dir", &path("a")]);
    let exported = run(&["export", &path("e1"), "--data-dir", &path("a")]);
    assert!(String::from_utf8_lossy(&exported.stdout).contains("Exported 1 records"));
    assert!(
        String::from_utf8_lossy(&exported.stderr).contains("exported 1 of 1 records"),
        "progress is reported"
    );
    // A new private database, as `serve --no-demo` leaves it: only its
    // untouched first administrator, which the restore replaces.
    let (server, _) = crate::cli::serve(&dir.path().join("b"), &["--no-demo"]);
    assert!(crate::cli::terminate(server).success());
    let restored = run(&["restore", &path("e1"), "--data-dir", &path("b")]);
    let said = String::from_utf8_lossy(&restored.stdout);
    assert!(
        said.contains("The first administrator of this new database (admin@localhost) was replaced"),
        "{said}"
    );
    let again = crate::cli::run(
        Command::new(bin)
            .args(["restore", &path("e1"), "--data-dir", &path("b")])
            .env_remove("DATABASE_URL"),
        "",
    );
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("scrutiny:")).count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("the database is not empty"), "{stderr}");
    run(&["export", &path("e2"), "--data-dir", &path("b")]);
    let record = |e: &str| {
        std::fs::read_to_string(
            dir.path()
                .join(e)
                .join("meetings/2024-12-03-stalking/record.json"),
        )
        .expect("record")
    };
    assert_eq!(
        record("e1"),
        record("e2"),
        "a restored copy exports the same record"
    );
}

/// What an export carries: every table that holds the office's records and
/// their history. Not carried, as they are ephemeral: `session` (sign-ins;
/// bringing them back would sign people in on another copy),
/// `sign_in_attempt` (throttling of recent failures) and `pending_import`
/// (an upload waiting a day at most for its author to confirm it; they can
/// upload it again), and `outbox` with `outbox_attempt` (messages about
/// changes already made: a restored copy must not send them again), and
/// `digest_day` (the days the actions' digest was made), and
/// `alert_request` (a day's requests for alerts, for their limits).
/// Subscribers to alerts (`alert_subscription`, `alert_token`) are kept
/// only in an export with secrets, as this one is.
const KEPT: [&str; 16] = [
    "account",
    "meeting",
    "attendee",
    "question",
    "decision",
    "action",
    "action_progress",
    "document",
    "revision",
    "revision_action",
    "audit_log",
    "forward_plan",
    "ledger_entry",
    "site_settings",
    "alert_subscription",
    "alert_token",
];
const EPHEMERAL: [&str; 7] = [
    "session",
    "sign_in_attempt",
    "pending_import",
    "outbox",
    "outbox_attempt",
    "digest_day",
    "alert_request",
];
/// Tables the database derives from the others by trigger: not exported,
/// and rebuilt row for row by a restore (migration 0016: what lists and
/// search read of each public record and action, and their tallies; 0022:
/// the words search suggests).
const DERIVED: [&str; 5] = [
    "public_action",
    "public_action_tally",
    "public_record",
    "public_tally",
    "public_word",
];
/// Tables a transaction writes and empties again before it commits (the
/// tallies' changes and the records to rebuild, applied at commit): always
/// empty between transactions.
const TRANSIENT: [&str; 4] = [
    "public_action_tally_change",
    "public_record_stale",
    "public_tally_change",
    "public_word_change",
];

/// Every row of `table`, every column, in a stable order.
async fn rows(pool: &sqlx::PgPool, table: &str) -> Vec<serde_json::Value> {
    // The table names are the constants above, not input.
    let query = format!("select to_jsonb(t) from {table} t order by to_jsonb(t)::text");
    sqlx::query_scalar(&query).fetch_all(pool).await.expect("rows")
}

/// Every table of the schema but sqlx's own.
pub(crate) async fn tables(pool: &sqlx::PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "select table_name::text from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> '_sqlx_migrations'
         order by 1",
    )
    .fetch_all(pool)
    .await
    .expect("tables")
}

#[tokio::test]
async fn a_restore_brings_back_every_row_of_every_table_it_keeps() {
    use crate::common::{imported, plan_entry, reinstate, withdraw};
    use crate::every_field;

    let source = TestApp::new().await;
    let pool = &source.pool;
    let draft = every_field::draft(pool, "2025-02-01", "Draft", 2).await;
    every_field::unplaced(pool, &draft, "Draft").await;
    let review = every_field::draft(pool, "2025-02-02", "Review", 2).await;
    every_field::submit(pool, &review).await;
    let sent_back = every_field::draft(pool, "2025-02-03", "Back", 2).await;
    every_field::submit(pool, &sent_back).await;
    every_field::send_back(pool, &sent_back, "Say more.").await;
    let corrected = every_field::draft(pool, "2024-06-04", "First", 2).await;
    every_field::publish(pool, &corrected, None).await;
    every_field::correct(pool, &corrected, "Second", 2).await;
    every_field::submit(pool, &corrected).await;
    every_field::publish(pool, &corrected, Some("A typing error.")).await;
    every_field::live_action(pool, &corrected, "Live").await;
    every_field::correct(pool, &corrected, "Third", 1).await;
    every_field::remove_first_action_and_document(pool, &corrected).await;
    let withdrawn = every_field::draft(pool, "2024-05-01", "Gone", 1).await;
    every_field::publish(pool, &withdrawn, None).await;
    withdraw(pool, &withdrawn.slug, "Published in error.").await;
    let reinstated = every_field::draft(pool, "2024-04-01", "Back again", 1).await;
    every_field::publish(pool, &reinstated, None).await;
    withdraw(pool, &reinstated.slug, "Published in error.").await;
    reinstate(pool, &reinstated.slug, "It was right after all.").await;
    imported(pool, "2024-12-05").await;
    plan_entry(pool, "Rural crime", "2099-01-01", "A note").await;
    plan_entry(pool, "Drones", "2020-01-01", "").await;
    sqlx::query(
        "update site_settings set office_name = 'OPCC for Cleveland', contact_email = 'pcc@example.org',
             accessibility_checked_on = '2026-11-28', logo = '\\x89504e470d0a1a0a00'::bytea,
             logo_type = 'image/png', version = 7",
    )
    .execute(pool)
    .await
    .expect("site settings");
    let _signed_in = source.signed_in("pcc").await;
    // A subscriber to alerts who confirmed, and one who has not yet.
    let mut tx = pool.begin().await.expect("tx");
    assert!(
        scrutiny::db::alerts::allow_request(&mut tx, "10.0.0.1", "reader@example.org")
            .await
            .expect("allowed")
    );
    let topic = Some(("first", "First"));
    let reader = scrutiny::db::alerts::request(&mut tx, "reader@example.org", topic)
        .await
        .expect("request");
    scrutiny::db::alerts::confirm(&mut tx, reader.id)
        .await
        .expect("confirm");
    let purpose = scrutiny::db::alerts::Purpose::Unsubscribe;
    scrutiny::db::alerts::add_token(&mut tx, reader.id, purpose)
        .await
        .expect("token");
    let waiting = scrutiny::db::alerts::request(&mut tx, "waiting@example.org", None)
        .await
        .expect("request");
    let purpose = scrutiny::db::alerts::Purpose::Confirm;
    scrutiny::db::alerts::add_token(&mut tx, waiting.id, purpose)
        .await
        .expect("token");
    tx.commit().await.expect("commit");
    // A message written and tried once.
    let mut tx = pool.begin().await.expect("tx");
    let message = scrutiny::db::outbox::NewMessage {
        kind: scrutiny::db::outbox::Kind::Published,
        recipient: "author@example.org".to_owned(),
        subject: "Published".to_owned(),
        body_text: "Text".to_owned(),
        body_html: "<p>Text</p>".to_owned(),
        meeting_id: Some(corrected.id),
    };
    let message = scrutiny::db::outbox::add(&mut tx, &message)
        .await
        .expect("message");
    tx.commit().await.expect("commit");
    scrutiny::db::outbox::failed(pool, message, "connection refused", 2.0)
        .await
        .expect("tried");
    let site = scrutiny::domain::site::Site::resolve(&Default::default(), "http://localhost", None);
    scrutiny::web::notify::action_digest(
        pool,
        &site,
        chrono::NaiveDate::from_ymd_opt(2025, 3, 10).expect("day"),
    )
    .await
    .expect("the day's digest");
    assert!(
        source
            .visitor()
            .sign_in("pcc@nowhere.example", "wrong")
            .await
            .status
            .is_client_error()
    );
    for table in tables(pool).await {
        assert_eq!(
            rows(pool, &table).await.is_empty(),
            TRANSIENT.contains(&table.as_str()),
            "the source's {table} rows"
        );
    }
    let all: Vec<String> = KEPT
        .iter()
        .chain(&EPHEMERAL)
        .chain(&DERIVED)
        .chain(&TRANSIENT)
        .map(|t| t.to_string())
        .collect();
    let mut listed = all.clone();
    listed.sort();
    assert_eq!(
        tables(pool).await,
        listed,
        "a new table: decide whether an export carries it"
    );

    let dir = tempfile::tempdir().expect("dir");
    let export = dir.path().join("export");
    scrutiny::export::export(pool, &export, true)
        .await
        .expect("export");
    let target = TestApp::new().await;
    scrutiny::export::restore(&target.pool, &export)
        .await
        .expect("restore");

    for table in KEPT.iter().chain(&DERIVED) {
        let (before, after) = (rows(pool, table).await, rows(&target.pool, table).await);
        assert_eq!(before.len(), after.len(), "{table}: how many rows");
        for (a, b) in before.iter().zip(&after) {
            assert_eq!(a, b, "{table}: a row differs after the restore");
        }
    }
    for table in EPHEMERAL {
        assert!(
            rows(&target.pool, table).await.is_empty(),
            "{table} is not restored"
        );
    }
}

#[tokio::test]
async fn a_restore_keeps_the_meeting_that_followed_up_an_action() {
    let source = TestApp::new().await;
    let pool = &source.pool;
    let first = crate::every_field::draft(pool, "2024-06-04", "First", 1).await;
    crate::every_field::publish(pool, &first, None).await;
    let later = crate::every_field::draft(pool, "2025-06-03", "Later", 1).await;
    // No screen sets an action's follow-up meeting yet: the column is
    // written here as the product will write it, to the later meeting.
    sqlx::query("update action set follow_up_meeting_id = $1 where meeting_id = $2")
        .bind(later.id)
        .bind(first.id)
        .execute(pool)
        .await
        .expect("follow-up");
    let dir = tempfile::tempdir().expect("dir");
    scrutiny::export::export(pool, &dir.path().join("e"), true)
        .await
        .expect("export");

    let target = TestApp::new().await;
    let restored = scrutiny::export::restore(&target.pool, &dir.path().join("e")).await;

    assert!(restored.is_ok(), "{:#}", restored.unwrap_err());
    assert_eq!(rows(pool, "action").await, rows(&target.pool, "action").await);
}
