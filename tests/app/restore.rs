//! `scrutiny restore` trusts nothing in an export: each attack below is a
//! real export edited by hand, refused with one clear message and nothing
//! written; an export is readable by its owner only; and a new private
//! database holding only its untouched first administrator takes a restore.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::TestApp;
use crate::export::{build, tables};

const RECORD: &str = "meetings/2025-02-11-road-safety";

/// How many rows each table holds.
async fn counts(pool: &sqlx::PgPool) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for table in tables(pool).await {
        // The names come from the catalogue, not from input.
        let n: i64 = sqlx::query_scalar(&format!("select count(*) from {table}"))
            .fetch_one(pool)
            .await
            .expect("count");
        out.push((table, n));
    }
    out
}

/// Every path under `dir`, with its bytes (or `None` for a folder).
pub(crate) fn listing(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry"))
    {
        let path = entry.path();
        if entry.file_type().expect("type").is_dir() {
            out.push((path.clone(), None));
            out.extend(listing(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).ok()));
        }
    }
    out.sort();
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from)
        .expect("read dir")
        .map(|e| e.expect("entry"))
    {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn edit_json(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut value: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    edit(&mut value);
    std::fs::write(path, serde_json::to_string_pretty(&value).expect("json")).expect("write");
}

/// The id of the road-safety record's stored file, as its export names it.
fn stored_document(export: &Path) -> String {
    let record: Value = serde_json::from_str(
        &std::fs::read_to_string(export.join(RECORD).join("record.json")).expect("read"),
    )
    .expect("json");
    let documents = record["document"].as_array().expect("documents");
    let stored = documents
        .iter()
        .find(|d| d["url"].is_null())
        .expect("a stored file");
    stored["id"].to_string()
}

/// Every link in the record's newest revision and rows set to `href`.
fn set_links(record: &mut Value, href: &str) {
    for document in record["document"].as_array_mut().expect("documents") {
        if !document["url"].is_null() {
            document["url"] = Value::from(href);
        }
    }
    for revision in record["revision"].as_array_mut().expect("revisions") {
        for document in revision["content"]["documents"]
            .as_array_mut()
            .expect("documents")
        {
            if document["href"]
                .as_str()
                .is_some_and(|h| h.starts_with("https://"))
            {
                document["href"] = Value::from(href);
            }
        }
    }
}

type Attack = fn(&Path, &Path);

/// Each attack: what it is, what the refusal must say, and the edit, given
/// the export's copy and a folder outside it.
const ATTACKS: &[(&str, &str, Attack)] = &[
    (
        "a document replaced by a symbolic link to a root-only file",
        "is a symbolic link",
        |e, outside| {
            let secret = outside.join("shadow");
            std::fs::write(&secret, "root:secret").expect("secret");
            std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).expect("mode");
            let document = e.join(RECORD).join("documents").join(stored_document(e));
            std::fs::remove_file(&document).expect("remove");
            std::os::unix::fs::symlink(&secret, &document).expect("symlink");
        },
    ),
    (
        "a record's documents folder linked outside the export",
        "outside the export folder",
        |e, outside| {
            let id = stored_document(e);
            let documents = e.join(RECORD).join("documents");
            let elsewhere = outside.join("documents");
            std::fs::create_dir(&elsewhere).expect("dir");
            std::fs::write(elsewhere.join(&id), "%PDF-1.4\n%%EOF\n").expect("file");
            std::fs::remove_dir_all(&documents).expect("remove");
            std::os::unix::fs::symlink(&elsewhere, &documents).expect("symlink");
        },
    ),
    (
        "a record folder linked outside the export",
        "not a record's folder",
        |e, outside| {
            let record = e.join(RECORD);
            copy_dir(&record, &outside.join("record"));
            std::fs::remove_dir_all(&record).expect("remove");
            std::os::unix::fs::symlink(outside.join("record"), &record).expect("symlink");
        },
    ),
    (
        "a chosen password hash in an export without --with-secrets",
        "without --with-secrets",
        |e, _| {
            let hash = password_auth::generate_hash("chosen by the attacker");
            edit_json(&e.join("accounts.json"), |accounts| {
                for account in accounts.as_array_mut().expect("accounts") {
                    if account["role"] == "pcc" {
                        account["password_hash"] = Value::from(hash.as_str());
                    }
                }
            });
        },
    ),
    (
        "a javascript: link in a revision and a document",
        "must start with https://, http:// or mailto:",
        |e, _| {
            edit_json(&e.join(RECORD).join("record.json"), |r| {
                set_links(r, "javascript:alert(document.cookie)")
            });
        },
    ),
    (
        "a javascript: link in a document only (the editor shows it)",
        "must start with https://, http:// or mailto:",
        |e, _| {
            edit_json(&e.join(RECORD).join("record.json"), |r| {
                for document in r["document"].as_array_mut().expect("documents") {
                    if !document["url"].is_null() {
                        document["url"] = Value::from("javascript:alert(1)");
                    }
                }
            });
        },
    ),
    (
        "a javascript: link in a revision only",
        "must start with https://, http:// or mailto:",
        |e, _| {
            edit_json(&e.join(RECORD).join("record.json"), |r| {
                for revision in r["revision"].as_array_mut().expect("revisions") {
                    for document in revision["content"]["documents"]
                        .as_array_mut()
                        .expect("documents")
                    {
                        document["href"] = Value::from("JavaScript:alert(1)");
                    }
                }
            });
        },
    ),
    (
        "evidence nested nine levels deep",
        "nested more than 8 levels deep",
        |e, _| {
            let deep: String = (0..9)
                .map(|n| format!("{}- level {n}\n", "  ".repeat(n)))
                .collect();
            edit_json(&e.join(RECORD).join("record.json"), |r| {
                r["question"][0]["evidence_text"] = Value::from(deep);
            });
        },
    ),
    (
        "a revision's evidence nested nine levels deep",
        "nested more than 8 levels deep",
        |e, _| {
            let mut item = serde_json::json!({ "marker": "bullet", "paragraphs": ["deep"], "children": [] });
            for _ in 0..9 {
                item = serde_json::json!({ "marker": "bullet", "paragraphs": ["level"], "children": [item] });
            }
            edit_json(&e.join(RECORD).join("record.json"), |r| {
                r["revision"][0]["content"]["questions"][0]["evidence"] =
                    serde_json::json!({ "items": [item] });
            });
        },
    ),
    (
        "a topic longer than the editor allows",
        "200 characters or fewer",
        |e, _| {
            edit_json(&e.join(RECORD).join("record.json"), |r| {
                r["meeting"][0]["topic"] = Value::from("x".repeat(201));
            });
        },
    ),
    (
        "a status the app does not know",
        "not one the app knows",
        |e, _| {
            edit_json(&e.join(RECORD).join("record.json"), |r| {
                r["meeting"][0]["status"] = Value::from("hacked");
            });
        },
    ),
    (
        "a document larger than the editor accepts",
        "more than the 20971520",
        |e, _| {
            let document = e.join(RECORD).join("documents").join(stored_document(e));
            std::fs::write(document, vec![b'x'; 20 * 1024 * 1024 + 1]).expect("write");
        },
    ),
    (
        "a manifest padded past its size",
        "more than the 65536",
        |e, _| {
            let manifest = std::fs::read_to_string(e.join("manifest.json")).expect("manifest");
            std::fs::write(e.join("manifest.json"), manifest + &" ".repeat(65_536)).expect("write");
        },
    ),
];

#[tokio::test]
async fn every_edited_export_is_refused_with_nothing_written() {
    let source = TestApp::new().await;
    source.account("pcc.person@opcc.example", "pcc").await;
    build(&source).await;
    let dir = tempfile::tempdir().expect("dir");
    let export = dir.path().join("export");
    scrutiny::export::export(&source.pool, &export, false)
        .await
        .expect("export");
    // The target holds its untouched first administrator, which a refused
    // restore must leave as it was.
    let target = TestApp::new().await;
    scrutiny::accounts::create_first_admin(&target.pool)
        .await
        .expect("first admin");
    let before = counts(&target.pool).await;

    for (n, (attack, message, edit)) in ATTACKS.iter().enumerate() {
        let copy = dir.path().join(format!("attack-{n}"));
        let outside = dir.path().join(format!("outside-{n}"));
        std::fs::create_dir(&outside).expect("outside");
        copy_dir(&export, &copy);
        edit(&copy, &outside);
        let files = listing(&copy);

        let refused = scrutiny::export::restore(&target.pool, &copy).await;

        let error = format!("{:#}", refused.expect_err(attack));
        assert!(error.contains(message), "{attack}: {error}");
        assert!(!error.contains('\n'), "{attack}: one line: {error}");
        assert_eq!(counts(&target.pool).await, before, "{attack}: nothing written");
        assert_eq!(listing(&copy), files, "{attack}: the export is left as it was");
    }
    let restored = scrutiny::export::restore(&target.pool, &export).await;
    assert!(
        restored.is_ok(),
        "the unedited export: {:#}",
        restored.unwrap_err()
    );
}

#[tokio::test]
async fn a_hash_is_restored_only_from_an_export_that_says_it_has_secrets() {
    let source = TestApp::new().await;
    source.account("officer@opcc.example", "staff").await;
    let dir = tempfile::tempdir().expect("dir");
    let export = dir.path().join("e");
    scrutiny::export::export(&source.pool, &export, true)
        .await
        .expect("export");
    edit_json(&export.join("manifest.json"), |m| {
        m["with_secrets"] = Value::from(false)
    });
    let target = TestApp::new().await;
    let before = counts(&target.pool).await;

    let refused = scrutiny::export::restore(&target.pool, &export).await;

    let error = format!("{:#}", refused.expect_err("a hash the manifest denies"));
    assert!(
        error.contains("account") && error.contains("without --with-secrets"),
        "{error}"
    );
    assert_eq!(counts(&target.pool).await, before, "nothing written");
}

#[tokio::test]
async fn subscribers_are_restored_only_from_an_export_that_says_it_has_secrets() {
    let source = TestApp::new().await;
    let mut tx = source.pool.begin().await.expect("tx");
    scrutiny::db::alerts::request(&mut tx, "reader@example.org", None)
        .await
        .expect("a subscriber");
    tx.commit().await.expect("commit");
    let dir = tempfile::tempdir().expect("dir");
    let export = dir.path().join("e");
    scrutiny::export::export(&source.pool, &export, true)
        .await
        .expect("export");
    edit_json(&export.join("manifest.json"), |m| {
        m["with_secrets"] = Value::from(false)
    });
    let target = TestApp::new().await;

    let refused = scrutiny::export::restore(&target.pool, &export).await;

    let error = format!("{:#}", refused.expect_err("addresses the manifest denies"));
    assert!(
        error.contains("alerts.json") && error.contains("--with-secrets"),
        "{error}"
    );
    let subscribers: i64 = sqlx::query_scalar("select count(*) from alert_subscription")
        .fetch_one(&target.pool)
        .await
        .expect("count");
    assert_eq!(subscribers, 0, "nothing written");
}

#[tokio::test]
async fn an_export_is_readable_by_its_owner_only() {
    let source = TestApp::new().await;
    build(&source).await;
    let dir = tempfile::tempdir().expect("dir");
    for with_secrets in [false, true] {
        let export = dir.path().join(format!("export-{with_secrets}"));
        scrutiny::export::export(&source.pool, &export, with_secrets)
            .await
            .expect("export");
        let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode(&export), 0o700, "the export folder");
        let entries = listing(&export);
        assert!(
            entries.iter().any(|(p, _)| p.ends_with("documents")),
            "{entries:?}"
        );
        for (path, bytes) in entries {
            let expected = if bytes.is_none() { 0o700 } else { 0o600 };
            assert_eq!(
                mode(&path),
                expected,
                "{} (with secrets: {with_secrets})",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn a_database_holding_only_its_untouched_first_administrator_takes_a_restore() {
    let source = TestApp::new().await;
    source.account("officer@opcc.example", "staff").await;
    scrutiny::demo::load(&source.pool).await.expect("demo");
    let dir = tempfile::tempdir().expect("dir");
    let export = dir.path().join("e");
    scrutiny::export::export(&source.pool, &export, true)
        .await
        .expect("export");
    let target = TestApp::new().await;
    let one_time = scrutiny::accounts::create_first_admin(&target.pool)
        .await
        .expect("first admin");

    let restored = scrutiny::export::restore(&target.pool, &export)
        .await
        .expect("restore");

    assert!(restored.replaced_first_admin);
    assert_eq!(target.get("/meetings/2024-12-03-stalking").await.status, 200);
    let signed_in = target
        .visitor()
        .sign_in("officer@opcc.example", crate::common::PASSWORD)
        .await;
    assert_eq!(signed_in.status, 303, "the export's accounts are back");
    let admin = target
        .visitor()
        .sign_in(scrutiny::accounts::FIRST_ADMIN, &one_time)
        .await;
    assert_ne!(
        admin.status, 303,
        "the replaced administrator's one-time password is gone"
    );
}

#[tokio::test]
async fn a_first_administrator_who_has_changed_anything_is_not_empty() {
    let source = TestApp::new().await;
    let dir = tempfile::tempdir().expect("dir");
    let export = dir.path().join("e");
    scrutiny::export::export(&source.pool, &export, false)
        .await
        .expect("export");
    let target = TestApp::new().await;
    scrutiny::accounts::create_first_admin(&target.pool)
        .await
        .expect("first admin");
    // As a password change does: the one-time password is no longer.
    sqlx::query("update account set must_change_password = false")
        .execute(&target.pool)
        .await
        .expect("changed");
    let before = counts(&target.pool).await;

    let refused = scrutiny::export::restore(&target.pool, &export).await;

    let error = format!("{:#}", refused.expect_err("not empty"));
    assert!(
        error.contains("not empty") && error.contains(scrutiny::export::EMPTY),
        "{error}"
    );
    assert_eq!(counts(&target.pool).await, before);
}
