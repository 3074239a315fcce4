//! Export and restore: everything out, and back into an empty database with
//! the same public pages, byte for byte.

use std::process::Command;

use crate::common::{TestApp, Visitor, id_in};

/// A published record corrected once, with a stored file, a link, an action
/// with progress; a draft; and the demo. Returns the public addresses.
async fn build(app: &TestApp) -> Vec<String> {
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
    let counts = "select (select count(*) from meeting), (select count(*) from revision), (select count(*) from action_progress), (select count(*) from audit_log)";
    let a: (i64, i64, i64, i64) = sqlx::query_as(counts)
        .fetch_one(&source.pool)
        .await
        .expect("counts");
    let b: (i64, i64, i64, i64) = sqlx::query_as(counts)
        .fetch_one(&target.pool)
        .await
        .expect("counts");
    assert_eq!(a, b);
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
    let dir = tempfile::tempdir().expect("dir");
    scrutiny::export::export(&app.pool, &dir.path().join("with"), true)
        .await
        .expect("export");
    let accounts = std::fs::read_to_string(dir.path().join("with/accounts.json")).expect("accounts");
    assert!(accounts.contains("$argon2id$"));
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
        let output = Command::new(bin)
            .args(args)
            .env_remove("DATABASE_URL")
            .output()
            .expect("runs");
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
    run(&["restore", &path("e1"), "--data-dir", &path("b")]);
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
