//! Open data: the record, every record and every action as CSV, and `/data`
//! documenting every field of the JSON and the CSV.

use std::collections::BTreeSet;

use scrutiny::domain::Decision;

use crate::common::{RecordBuilder, TestApp, TestResponse, progress_note};

/// The rows of a CSV response, header first.
fn rows(response: &TestResponse) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(response.body.as_bytes());
    reader
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

fn assert_is_csv(response: &TestResponse, filename: &str) {
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        response.header("content-disposition"),
        format!("attachment; filename=\"{filename}\"")
    );
    assert!(response.body.ends_with("\r\n"), "records end CRLF");
    // Excel reads UTF-8 ("£", "ü") only after a byte-order mark.
    assert!(
        response.body.starts_with('\u{feff}'),
        "a UTF-8 byte-order mark first"
    );
    assert_eq!(response.body.matches('\u{feff}').count(), 1);
}

async fn tricky_record(app: &TestApp) -> String {
    RecordBuilder::new("2024-11-05", "Stalking")
        .question("How, and \"why\"?")
        .evidence("- First, a bullet.\n  - Nested; with ünïcödé.\n- Second.")
        .decision(Decision::PartlyAssured)
        .rationale("Because, \"mostly\".")
        .question("Second question?")
        .action("Report, in \"full\".")
        .owner("Chief Inspector")
        .due_on("2020-01-31")
        .publish(&app.pool)
        .await
        .slug
}

#[tokio::test]
async fn a_record_downloads_as_csv_one_row_per_question() {
    let app = TestApp::new().await;
    let slug = tricky_record(&app).await;
    let csv = app.get(&format!("/meetings/{slug}.csv")).await;
    assert_is_csv(&csv, &format!("{slug}.csv"));
    let rows = rows(&csv);
    assert_eq!(
        rows[0],
        [
            "slug",
            "topic",
            "held_on",
            "question_number",
            "question",
            "evidence",
            "decision",
            "decision_rationale",
            "decided_at",
            "decision_source",
            "revision",
            "published_at"
        ]
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[1][..5],
        [slug.as_str(), "Stalking", "2024-11-05", "1", "How, and \"why\"?"]
    );
    assert_eq!(
        rows[1][5], "'- First, a bullet.\n  - Nested; with ünïcödé.\n- Second.",
        "an outline starts with a bullet, so an apostrophe keeps it from being a formula"
    );
    assert_eq!(rows[1][6..8], ["partly_assured", "Because, \"mostly\"."]);
    assert_eq!(rows[1][9], "pcc", "the PCC recorded it here");
    assert_eq!(rows[2][6], "", "no decision is an empty field");
    assert!(
        csv.body.contains("\"How, and \"\"why\"\"?\""),
        "quotes are doubled inside quotes"
    );
    let draft = RecordBuilder::new("2025-01-01", "Draft")
        .question("Q?")
        .draft(&app.pool)
        .await
        .slug;
    assert_eq!(app.get(&format!("/meetings/{draft}.csv")).await.status, 404);
}

#[tokio::test]
async fn every_record_and_every_action_download_as_csv() {
    let app = TestApp::new().await;
    let slug = tricky_record(&app).await;
    RecordBuilder::new("2025-01-01", "Draft")
        .question("Q?")
        .action("A draft's action.")
        .draft(&app.pool)
        .await;

    let meetings = app.get("/meetings.csv").await;
    assert_is_csv(&meetings, "meetings.csv");
    let rows = rows(&meetings);
    assert_eq!(rows.len(), 2, "the draft is not in it");
    let field = |name: &str| rows[1][rows[0].iter().position(|h| h == name).expect(name)].clone();
    assert_eq!(field("slug"), slug);
    let site = scrutiny::config::DEFAULT_PUBLIC_URL;
    assert_eq!(field("address"), format!("{site}/meetings/{slug}"));
    assert_eq!(
        [
            field("questions"),
            field("partly_assured"),
            field("no_decision"),
            field("actions")
        ],
        ["2", "1", "1", "1"]
    );

    let actions = app.get("/actions.csv").await;
    assert_is_csv(&actions, "actions.csv");
    let rows = crate::open_data::rows(&actions);
    assert_eq!(rows.len(), 2);
    let field = |name: &str| rows[1][rows[0].iter().position(|h| h == name).expect(name)].clone();
    assert_eq!(field("text"), "Report, in \"full\".");
    assert_eq!(field("overdue"), "true");
    assert_eq!(field("address"), format!("{site}/meetings/{slug}#action-1"));
}

/// Every key in `value`, as `questions[].decision.value`; the nested items
/// of an outline (`children`) are described once, not at every depth.
fn paths(value: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.insert(path.clone());
                if key != "children" {
                    paths(value, &path, out);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn the_data_page_documents_every_field_of_the_json_and_the_csv() {
    let app = TestApp::with_demo().await;
    let tricky = tricky_record(&app).await;
    let actions: Vec<i64> = sqlx::query_scalar("select id from action")
        .fetch_all(&app.pool)
        .await
        .expect("actions");
    for action in actions {
        progress_note(&app.pool, action, "2025-01-02", "Begun").await;
    }
    let data = app.get("/data").await;
    assert_eq!(data.status, 200);
    let documented =
        |list: &str| -> BTreeSet<String> { data.texts(&format!("#{list} dt code")).into_iter().collect() };

    let mut keys = BTreeSet::new();
    for slug in ["2024-12-03-stalking", tricky.as_str()] {
        let json: serde_json::Value =
            serde_json::from_str(&app.get(&format!("/meetings/{slug}.json")).await.body).expect("json");
        paths(&json, "", &mut keys);
    }
    let json_fields = documented("json-fields");
    let missing: Vec<_> = keys.difference(&json_fields).collect();
    assert!(missing.is_empty(), "JSON fields not on /data: {missing:?}");

    for (uri, list) in [
        (format!("/meetings/{tricky}.csv"), "record-csv-fields"),
        ("/meetings.csv".to_owned(), "meetings-csv-fields"),
        ("/actions.csv".to_owned(), "actions-csv-fields"),
    ] {
        let header: BTreeSet<String> = rows(&app.get(&uri).await)[0].iter().cloned().collect();
        let documented = documented(list);
        assert_eq!(header, documented, "{uri}: the header and /data#{list} differ");
    }

    for (uri, list) in [
        ("/meetings.json", "meetings-json-fields"),
        ("/actions.json", "actions-json-fields"),
    ] {
        let json: serde_json::Value = serde_json::from_str(&app.get(uri).await.body).expect("json");
        let top: BTreeSet<String> = json.as_object().expect("an object").keys().cloned().collect();
        assert_eq!(
            top,
            documented("json-list-fields"),
            "{uri}: its keys and /data#json-list-fields differ"
        );
        let mut item_keys = BTreeSet::new();
        for item in json["items"].as_array().expect("items") {
            paths(item, "", &mut item_keys);
        }
        assert_eq!(
            item_keys,
            documented(list),
            "{uri}: its items and /data#{list} differ"
        );
    }
}

/// The JSON at `uri`, answered 200.
async fn json_at(app: &TestApp, uri: &str) -> serde_json::Value {
    let response = app.get(uri).await;
    assert_eq!(response.status, 200, "{uri}: {}", response.body);
    assert_eq!(response.header("content-type"), "application/json", "{uri}");
    serde_json::from_str(&response.body).expect("JSON")
}

/// The address `absolute` names on this site, which it must start with.
fn on_this_site(absolute: &serde_json::Value) -> String {
    let absolute = absolute.as_str().expect("an address");
    absolute
        .strip_prefix(scrutiny::config::DEFAULT_PUBLIC_URL)
        .unwrap_or_else(|| panic!("{absolute} is not absolute from the public address"))
        .to_owned()
}

#[tokio::test]
async fn the_json_lists_come_a_hundred_at_a_time_with_totals_and_absolute_links() {
    let app = TestApp::new().await;
    let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
    for n in 0..101 {
        let held_on = (day + chrono::Days::new(n)).to_string();
        RecordBuilder::new(&held_on, if n == 0 { "Stalking" } else { "Road Safety" })
            .sample_question()
            .action(&format!("Action {n}."))
            .publish(&app.pool)
            .await;
    }

    for list in ["/meetings.json", "/actions.json"] {
        let first = json_at(&app, list).await;
        assert_eq!(first["total"], 101, "{list}");
        assert_eq!(first["pages"], 2, "{list}");
        assert_eq!(first["items"].as_array().expect("items").len(), 100, "{list}");
        assert_eq!(first["prev"], serde_json::Value::Null, "{list}");
        let next = on_this_site(&first["next"]);
        assert_eq!(next, format!("{list}?page=2"));
        let second = json_at(&app, &next).await;
        assert_eq!(second["items"].as_array().expect("items").len(), 1, "{list}");
        assert_eq!(second["next"], serde_json::Value::Null, "{list}");
        assert_eq!(on_this_site(&second["prev"]), format!("{list}?page=1"));
    }

    let stalking = json_at(&app, "/meetings.json?topic=Stalking").await;
    assert_eq!(stalking["total"], 1);
    assert_eq!(
        on_this_site(&stalking["self"]),
        "/meetings.json?topic=stalking&page=1"
    );
    let record = &stalking["items"][0];
    assert_eq!(record["slug"], "2020-01-01-stalking");
    for (field, path) in [
        ("address", "/meetings/2020-01-01-stalking"),
        ("json", "/meetings/2020-01-01-stalking.json"),
        ("revisions", "/meetings/2020-01-01-stalking/revisions"),
        ("topic_address", "/topics/stalking"),
    ] {
        assert_eq!(on_this_site(&record[field]), path, "{field}");
        assert_eq!(app.get(path).await.status, 200, "{path}");
    }

    let actions = json_at(&app, "/actions.json?topic=Stalking").await;
    assert_eq!(actions["total"], 1);
    let action = &actions["items"][0];
    assert_eq!(action["text"], "Action 0.");
    assert_eq!(
        on_this_site(&action["address"]),
        "/meetings/2020-01-01-stalking#action-1"
    );
    let later = json_at(&app, "/actions.json?status=done&page=1").await;
    assert_eq!(later["total"], 0);
    assert_eq!(
        later["items"].as_array().map(Vec::len),
        Some(0),
        "an empty page is a list with no items"
    );
    // A bad filter is answered in JSON, for the program that asked.
    for bad in ["/meetings.json?year=abc", "/actions.json?status=nonsense"] {
        let refused = app.get(bad).await;
        assert_eq!(refused.status, 400, "{bad}");
        assert!(
            refused.header("content-type").starts_with("application/json"),
            "{bad}"
        );
        let body: serde_json::Value = serde_json::from_str(&refused.body).expect("JSON");
        assert_eq!(body["error"], "This address is not valid", "{bad}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{bad}: {body}"
        );
    }
}

#[tokio::test]
async fn the_json_lists_are_kept_in_memory_and_renewed_when_an_action_moves() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .action("Report back.")
        .publish(&app.pool)
        .await;
    assert_eq!(app.get("/actions.json").await.status, 200);
    let kept = app.cache.kept();
    assert_eq!(app.get("/actions.json").await.status, 200);
    assert_eq!(app.cache.kept(), kept, "served from memory, not rendered");
    let action: i64 = sqlx::query_scalar("select id from action")
        .fetch_one(&app.pool)
        .await
        .expect("action");
    progress_note(&app.pool, action, "2025-01-02", "Begun in earnest").await;
    let list = json_at(&app, "/actions.json").await;
    assert_eq!(list["items"][0]["progress"][0]["note"], "Begun in earnest");
    assert_eq!(app.cache.kept(), kept + 1);
}

#[tokio::test]
async fn the_record_json_gives_every_address_absolute_from_the_public_address() {
    let app = TestApp::new().await;
    let record = RecordBuilder::new("2024-12-03", "Violence Against Women & Girls")
        .sample_question()
        .document("Action plan", "plan.txt", "The plan.")
        .publish(&app.pool)
        .await;
    let mut state = scrutiny::AppState::new(app.pool.clone());
    state.site = scrutiny::web::site::SiteSettings::start(
        app.pool.clone(),
        scrutiny::web::site::Given {
            default_public_url: "https://records.example.org".to_owned(),
            ..Default::default()
        },
    );
    state.cache = scrutiny::web::cache::PageCache::off();
    let uri = format!("/meetings/{}.json", record.slug);
    let request = axum::http::Request::get(&uri)
        .body(axum::body::Body::empty())
        .expect("request");
    let response = crate::common::answer(&scrutiny::app(state), request).await;
    assert_eq!(response.status, 200, "{}", response.body);
    let json: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");

    let page = format!("https://records.example.org/meetings/{}", record.slug);
    assert_eq!(json["address"], page);
    assert_eq!(json["links"]["record"], page);
    assert_eq!(json["links"]["json"], format!("{page}.json"));
    assert_eq!(json["links"]["csv"], format!("{page}.csv"));
    assert_eq!(json["links"]["revisions"], format!("{page}/revisions"));
    assert_eq!(
        json["links"]["topic"],
        "https://records.example.org/topics/violence-against-women-girls"
    );
    assert_eq!(
        json["documents"][0]["href"],
        format!("https://records.example.org/documents/{}", record.documents[0])
    );
    assert_eq!(
        app.get("/topics/violence-against-women-girls").await.status,
        200,
        "the topic's address is its page"
    );
}
