//! An upgrade: a database written by the release before (its schema, its
//! demo and sample records, its ledger; `tests/fixtures/upgrade/`, made by
//! the `make` script there) is migrated by this release, which then serves
//! the same public records, byte for byte as open data, and verifies.

use std::io::Read;
use std::path::Path;

use sqlx::{Connection, PgConnection};

use crate::common::TestApp;

fn fixture() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/upgrade"))
}

/// The release before's dump, as SQL: without the lines for psql alone
/// (pg_dump's `\restrict` and `\unrestrict`).
fn dump() -> String {
    let file = std::fs::File::open(fixture().join("database.sql.gz")).expect("the dump");
    let mut sql = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut sql)
        .expect("the dump unzips");
    sql.lines()
        .filter(|line| !line.starts_with('\\'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each public record's JSON as the release before served it, by address.
fn pages() -> Vec<(String, String)> {
    let mut pages: Vec<_> = std::fs::read_dir(fixture().join("pages"))
        .expect("the pages")
        .map(|entry| {
            let path = entry.expect("a page").path();
            let slug = path.file_stem().expect("a name").to_string_lossy().into_owned();
            let body = std::fs::read_to_string(&path).expect("a page reads");
            (format!("/meetings/{slug}.json"), body)
        })
        .collect();
    pages.sort();
    pages
}

/// A record's JSON as this release serves it, in the shape the release
/// before gave it: this release writes its addresses in full (from the
/// public address) and adds `links`; the record itself must be the same.
fn as_served_before(mut json: serde_json::Value) -> serde_json::Value {
    fn relative(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) => {
                if let Some(path) = s.strip_prefix(scrutiny::config::DEFAULT_PUBLIC_URL) {
                    *s = path.to_owned();
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(relative),
            serde_json::Value::Object(map) => map.values_mut().for_each(relative),
            _ => {}
        }
    }
    if let Some(map) = json.as_object_mut() {
        map.remove("links");
    }
    relative(&mut json);
    json
}

#[tokio::test]
async fn a_database_of_the_release_before_is_migrated_and_serves_the_same_records() {
    let app = TestApp::unmigrated().await;
    // On a connection of its own: the dump empties its search_path.
    let mut conn = PgConnection::connect_with(&app.pool.connect_options())
        .await
        .expect("a connection");
    sqlx::raw_sql(&dump())
        .execute(&mut conn)
        .await
        .expect("the dump loads");
    conn.close().await.expect("closes");

    scrutiny::database::migrate(&app.pool)
        .await
        .expect("this release migrates it");

    let after: i64 = sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
        .fetch_one(&app.pool)
        .await
        .expect("the migrations");
    assert_eq!(
        usize::try_from(after).ok(),
        Some(sqlx::migrate!().iter().count()),
        "every migration applied"
    );
    let report = scrutiny::verify::verify(&app.pool).await.expect("verify passes");
    let pages = pages();
    assert!(pages.len() >= 10, "the fixture's records: {}", pages.len());
    assert!(report.revisions >= pages.len(), "{report:?}");
    for (address, served_before) in &pages {
        let now = app.get(address).await;
        assert_eq!(now.status, 200, "{address}");
        let (now, before): (serde_json::Value, serde_json::Value) = (
            as_served_before(serde_json::from_str(&now.body).expect("JSON now")),
            serde_json::from_str(served_before).expect("JSON before"),
        );
        assert_eq!(now, before, "{address} is not what the release before served");
    }
    let demo = app.get("/meetings/2024-12-03-stalking").await;
    assert_eq!(demo.status, 200);
    assert!(demo.body.contains("Stalking"), "{}", demo.body);
    let list = app.get("/meetings").await;
    assert_eq!(list.status, 200);
    for page in ["/ledger", "/search?q=victims", "/actions", "/feed.atom"] {
        assert_eq!(app.get(page).await.status, 200, "{page}");
    }
}
