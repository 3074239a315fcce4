//! What holds on every page type: well-formed HTML with unique ids and
//! working references; and a fixed number of database statements per page,
//! whatever the amount of data.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use scrutiny::domain::Decision;
use tracing::subscriber::Interest;
use tracing_subscriber::layer::{Context, SubscriberExt};

use crate::common::{RecordBuilder, TestApp, TestResponse, plan_entry};
use crate::every_field;

/// The public page types, with data to show on each.
const PUBLIC_PAGES: &[&str] = &[
    "/",
    "/meetings",
    "/meetings?topic=stalking&year=2024",
    "/meetings/2024-12-03-stalking",
    "/search",
    "/search?q=stalking",
    "/search?q=kangaroo&topic=stalking",
    "/search?q=the",
    "/topics",
    "/topics/stalking",
    "/actions",
    "/actions?overdue=1&status=open",
    "/forward-plan",
    "/data",
    "/accessibility",
    "/no-such-page",
    "/meetings?year=abc",
];

/// Problems with `page`: parse errors, repeated ids, and references
/// (`href="#…"`, `for`, `aria-labelledby`, `aria-describedby`) to no id.
fn problems(page: &TestResponse) -> Vec<String> {
    let html = page.html();
    let mut out: Vec<String> = html.errors.iter().map(|e| format!("parse error: {e}")).collect();
    let all = scraper::Selector::parse("*").expect("selector");
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut references = Vec::new();
    for element in html.select(&all) {
        let e = element.value();
        if let Some(id) = e.attr("id") {
            *ids.entry(id).or_default() += 1;
        }
        if let Some(fragment) = e.attr("href").and_then(|h| h.strip_prefix('#')) {
            references.push(("href", fragment));
        }
        if let Some(target) = e.attr("for") {
            references.push(("for", target));
        }
        for name in ["aria-labelledby", "aria-describedby"] {
            references.extend(
                e.attr(name)
                    .into_iter()
                    .flat_map(str::split_whitespace)
                    .map(|id| (name, id)),
            );
        }
    }
    out.extend(
        ids.iter()
            .filter(|(_, n)| **n > 1)
            .map(|(id, n)| format!("id {id:?} is used {n} times")),
    );
    out.extend(
        references
            .into_iter()
            .filter(|(_, id)| !ids.contains_key(id))
            .map(|(how, id)| format!("{how} refers to no element with id {id:?}")),
    );
    if page.texts("h1").len() != 1 {
        out.push(format!("{} h1 elements", page.texts("h1").len()));
    }
    out
}

async fn portal_data(app: &TestApp) {
    RecordBuilder::new("2023-05-01", "Stalking")
        .question("Is stalking tackled?")
        .evidence("- Yes.\n  - Mostly.")
        .decision(Decision::NotAssured)
        .rationale("Not yet.")
        .action("Report back.")
        .owner("Chief Inspector")
        .due_on("2020-01-01")
        .action("Re-visit the topic.")
        .due_on("2099-12-03")
        .revisit("Stalking")
        .publish(&app.pool)
        .await;
    plan_entry(&app.pool, "Rural crime", "2099-01-01", "A note").await;
}

#[tokio::test]
async fn every_page_type_is_well_formed_html_with_unique_ids() {
    let app = TestApp::with_demo().await;
    portal_data(&app).await;
    let mut failures = Vec::new();
    for uri in PUBLIC_PAGES {
        let page = app.get(uri).await;
        assert!(page.header("content-type").starts_with("text/html"), "{uri}");
        failures.extend(problems(&page).into_iter().map(|p| format!("{uri}: {p}")));
    }
    let mut staff = app.signed_in("staff").await;
    let plan = staff.get("/staff/forward-plan").await;
    failures.extend(
        problems(&plan)
            .into_iter()
            .map(|p| format!("/staff/forward-plan: {p}")),
    );
    let invalid = staff
        .post("/staff/forward-plan", &[("topic", ""), ("planned_on", "")])
        .await;
    assert_eq!(invalid.status, 422);
    failures.extend(
        problems(&invalid)
            .into_iter()
            .map(|p| format!("/staff/forward-plan (422): {p}")),
    );
    let id: i64 = sqlx::query_scalar("select id from forward_plan")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let edit = staff.get(&format!("/staff/forward-plan/{id}")).await;
    failures.extend(
        problems(&edit)
            .into_iter()
            .map(|p| format!("/staff/forward-plan/{id}: {p}")),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Counts the statements sqlx sends, on this thread only. sqlx reports each
/// statement it runs as a `sqlx::query` tracing event, in the task that runs
/// it; the tests run the router on their own single-threaded runtime, so a
/// subscriber set as this thread's default sees exactly the statements of the
/// request (other tests run on other threads and are not counted).
struct Statements(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Statements {
    fn register_callsite(&self, meta: &'static tracing::Metadata<'static>) -> Interest {
        if meta.target() == "sqlx::query" {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        meta.target() == "sqlx::query"
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// How many statements answering `uri` takes, once the pool is warm.
async fn statements(app: &TestApp, uri: &str) -> usize {
    // First a request to open the connection and cache its statements, so
    // that only the request's own statements are counted.
    assert_eq!(app.get(uri).await.status, 200, "{uri}");
    let count = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(Statements(count.clone()));
    let guard = tracing::subscriber::set_default(subscriber);
    let response = app.get(uri).await;
    drop(guard);
    assert_eq!(response.status, 200, "{uri}");
    count.load(Ordering::SeqCst)
}

/// `records` published records on one topic, each with every table it
/// has filled `size` times over (see `every_field`): people, questions with
/// decisions, actions with progress notes and a re-visit, files and links;
/// each corrected once (two revisions, the second adding a question and
/// files), with a live action added after, and `size` forward-plan entries.
async fn data(records: usize, size: usize) -> TestApp {
    let app = TestApp::new().await;
    let pool = &app.pool;
    let start: chrono::NaiveDate = "2020-01-01".parse().expect("date");
    for i in 0..records {
        let date = (start + chrono::Days::new(i as u64)).to_string();
        let record = every_field::draft(pool, &date, "Stalking", size).await;
        every_field::submit(pool, &record).await;
        every_field::publish(pool, &record, None).await;
        every_field::correct(pool, &record, "Stalking", size).await;
        every_field::submit(pool, &record).await;
        every_field::publish(pool, &record, Some("A correction.")).await;
        every_field::live_action(pool, &record, "Live").await;
        for _ in 0..size {
            plan_entry(pool, "Rural crime", "2099-01-01", "A note").await;
        }
    }
    app
}

/// Every public page that reads the database, with data in every table it
/// reads.
const COUNTED_PAGES: &[&str] = &[
    "/",
    "/meetings",
    "/meetings?topic=stalkingtopic&year=2020",
    "/meetings/2020-01-01-stalkingtopic",
    "/meetings/2020-01-01-stalkingtopic.json",
    "/meetings/2020-01-01-stalkingtopic.csv",
    "/meetings/2020-01-01-stalkingtopic/revisions",
    "/meetings/2020-01-01-stalkingtopic/revisions/1",
    "/meetings/2020-01-01-stalkingtopic/revisions/2",
    "/feed.atom",
    "/ledger",
    "/ledger.json",
    "/search?q=stalkingquestion",
    "/search?q=liveaction",
    "/topics",
    "/topics/stalkingtopic",
    "/actions",
    "/actions?status=in_progress&owner=Stalkingowner",
    "/forward-plan",
    "/forward-plan.ics",
    "/meetings.csv",
    "/actions.csv",
    "/meetings.json",
    "/actions.json",
    "/documents/1",
];

/// A page that ran a query per record, revision, question, action, note,
/// document or plan entry shown (an "N+1") would send more statements for
/// 12 large records than for 2 small ones; each page must send the same,
/// small number for both.
#[tokio::test]
async fn pages_send_a_fixed_number_of_statements_whatever_the_data_size() {
    let small = data(2, 1).await;
    let large = data(12, 6).await;
    let mut counts = Vec::new();
    let mut failures = Vec::new();
    for uri in COUNTED_PAGES {
        let (few, many) = (statements(&small, uri).await, statements(&large, uri).await);
        assert!(few >= 1, "{uri}: the counter sees the statements");
        if few != many {
            failures.push(format!(
                "{uri}: {few} statements for 2 small records, {many} for 12 large ones"
            ));
        }
        if many > 4 {
            failures.push(format!("{uri}: {many} statements"));
        }
        counts.push((uri, many));
    }
    eprintln!("statements per page: {counts:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// How many rows of `revision` the plan of `query` read, from `explain
/// analyze`: every scan of the table, however it was made.
async fn revision_rows_read(app: &TestApp, query: &str) -> f64 {
    fn walk(node: &serde_json::Value, rows: &mut f64) {
        if node["Relation Name"] == "revision" {
            let read = node["Actual Rows"].as_f64().unwrap_or(0.0)
                + node["Rows Removed by Filter"].as_f64().unwrap_or(0.0);
            *rows += read * node["Actual Loops"].as_f64().unwrap_or(1.0);
        }
        for child in node["Plans"].as_array().into_iter().flatten() {
            walk(child, rows);
        }
    }
    let plan: serde_json::Value = sqlx::query_scalar(&format!("explain (analyze, format json) {query}"))
        .fetch_one(&app.pool)
        .await
        .expect("plan");
    let mut rows = 0.0;
    walk(&plan[0]["Plan"], &mut rows);
    rows
}

#[tokio::test]
async fn a_record_is_found_by_key_whatever_the_number_of_revisions() {
    let app = TestApp::new().await;
    for day in 1..=60 {
        RecordBuilder::new(
            &format!("2024-{:02}-{:02}", day % 12 + 1, day % 28 + 1),
            &format!("Topic {day}"),
        )
        .question("Q?")
        .publish(&app.pool)
        .await;
    }
    let slug: String = sqlx::query_scalar("select slug from meeting order by id limit 1")
        .fetch_one(&app.pool)
        .await
        .expect("slug");
    let read = revision_rows_read(
        &app,
        &format!("select content from public_revision where slug = '{slug}'"),
    )
    .await;
    assert!(read <= 1.0, "one record's page read {read} revisions of 60");
}

/// The plans of the statements a request runs, as `auto_explain` sends them
/// to the client (a notice per statement, `log_level = notice`), for the
/// tests that run on the thread this is the default subscriber of.
struct Plans(Arc<std::sync::Mutex<Vec<serde_json::Value>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Plans {
    fn register_callsite(&self, meta: &'static tracing::Metadata<'static>) -> Interest {
        if meta.target() == "sqlx::postgres::notice" {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        meta.target() == "sqlx::postgres::notice"
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                if field.name() == "message" {
                    self.0 = value.to_owned();
                }
            }
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        // "duration: 0.123 ms  plan:\n{…}"
        if let Some(plan) = message
            .0
            .find('{')
            .and_then(|at| serde_json::from_str(&message.0[at..]).ok())
        {
            self.0.lock().expect("plans").push(plan);
        }
    }
}

/// The server settings that make every statement's plan, with the rows each
/// step read, come back to the client as a notice. With sequential scans
/// made a last resort, a scan that remains is one no index could serve.
const EXPLAINED: &[(&str, &str)] = &[
    ("enable_seqscan", "off"),
    ("session_preload_libraries", "auto_explain"),
    ("auto_explain.log_min_duration", "0"),
    ("auto_explain.log_analyze", "on"),
    ("auto_explain.log_timing", "off"),
    ("auto_explain.log_format", "json"),
    ("auto_explain.log_level", "notice"),
];

/// Tables that hold a row per topic and year, or per status and owner: what
/// they hold grows with the topics and people, not the records.
const TALLIES: [&str; 2] = ["public_tally", "public_action_tally"];

/// How many times a prepared statement runs before PostgreSQL may choose
/// a generic plan for it, and one more.
const GENERIC_AFTER: usize = 6;

/// How many rows of each table answering `uri` read, over every step of
/// every statement's plan (rows returned and rows read then discarded by a
/// filter or a recheck, in every loop), with the statement that read most
/// of it.
async fn rows_read(router: &axum::Router, uri: &str) -> HashMap<String, (f64, String)> {
    fn walk(node: &serde_json::Value, rows: &mut HashMap<String, f64>) {
        if let Some(table) = node["Relation Name"].as_str() {
            let read = [
                "Actual Rows",
                "Rows Removed by Filter",
                "Rows Removed by Index Recheck",
            ]
            .iter()
            .map(|k| node[*k].as_f64().unwrap_or(0.0))
            .sum::<f64>();
            *rows.entry(table.to_owned()).or_default() += read * node["Actual Loops"].as_f64().unwrap_or(1.0);
        }
        for child in node["Plans"].as_array().into_iter().flatten() {
            walk(child, rows);
        }
    }
    // A prepared statement is planned for its parameters five times, then
    // PostgreSQL may keep a generic plan: the plan read is the one every
    // later request gets. (One request at a time uses one connection.)
    for _ in 0..GENERIC_AFTER {
        let request = axum::http::Request::get(uri)
            .body(axum::body::Body::empty())
            .expect("request");
        assert_eq!(crate::common::answer(router, request).await.status, 200, "{uri}");
    }
    let plans = Arc::new(std::sync::Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(Plans(plans.clone()));
    let guard = tracing::subscriber::set_default(subscriber);
    let request = axum::http::Request::get(uri)
        .body(axum::body::Body::empty())
        .expect("request");
    let response = crate::common::answer(router, request).await;
    drop(guard);
    assert_eq!(response.status, 200, "{uri}");
    let plans = plans.lock().expect("plans");
    assert!(!plans.is_empty(), "{uri}: the plans are seen");
    let mut total: HashMap<String, (f64, String)> = HashMap::new();
    for plan in plans.iter() {
        let mut rows = HashMap::new();
        walk(&plan["Plan"], &mut rows);
        if std::env::var("SHOW_PLANS").is_ok() && rows.values().any(|r| *r > 300.0) {
            eprintln!(
                "{uri}: {}",
                serde_json::to_string_pretty(plan).unwrap_or_default()
            );
        }
        for (table, read) in rows {
            let entry = total.entry(table).or_insert((0.0, String::new()));
            entry.0 += read;
            if read * 2.0 >= entry.0 {
                entry.1 = plan["Query Text"].as_str().unwrap_or("").to_owned();
            }
        }
    }
    total
}

/// Sample records (as `scrutiny sample` makes them), and a second instance
/// of the app on them whose every statement's plan is explained.
async fn sampled(records: u32) -> (TestApp, axum::Router) {
    let app = TestApp::new().await;
    scrutiny::sample::run(
        &app.pool,
        records,
        scrutiny::sample::DEFAULT_SEED,
        Arc::new(|_| {}),
    )
    .await
    .expect("sample");
    // As autovacuum would, so that plans are chosen from the data's
    // statistics.
    sqlx::query("analyze").execute(&app.pool).await.expect("analyze");
    let router = app.instance_with(EXPLAINED).await;
    (app, router)
}

/// The public pages of a sampled archive whose cost must not grow with it,
/// with the addresses of its newest record and topic.
async fn bounded_pages(app: &TestApp) -> Vec<String> {
    let (slug, topic, owner): (String, String, String) = sqlx::query_as(
        "select p.slug, p.topic_slug, coalesce((select owner from public_action a where a.meeting_id = p.meeting_id limit 1), '')
         from public_record p order by p.held_on desc, p.slug limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("newest record");
    let owner: String = form_urlencoded::byte_serialize(owner.as_bytes()).collect();
    vec![
        "/".into(),
        "/meetings".into(),
        "/meetings?page=2".into(),
        format!("/meetings?topic={topic}"),
        "/meetings?year=2015".into(),
        "/meetings?decision=not_assured".into(),
        format!("/meetings/{slug}"),
        format!("/meetings/{slug}.json"),
        format!("/meetings/{slug}/revisions"),
        "/topics".into(),
        format!("/topics/{topic}"),
        "/actions".into(),
        "/actions?status=done".into(),
        format!("/actions?owner={owner}"),
        "/feed.atom".into(),
        "/forward-plan".into(),
        "/search?q=nosuchwordanywhere".into(),
        // The topic's words: in a few records, found by the index of words.
        format!("/search?q={}", topic.replace('-', "+")),
    ]
}

/// Every list, count and record page reads an index range of what it shows
/// (and the tallies), never a scan of the archive: with ten times the
/// records, no page reads much more of any table.
#[tokio::test]
async fn no_public_page_reads_more_rows_as_the_archive_grows() {
    let (small, small_router) = sampled(60).await;
    let (large, large_router) = sampled(600).await;
    let mut failures = Vec::new();
    for (uri, large_uri) in bounded_pages(&small)
        .await
        .iter()
        .zip(bounded_pages(&large).await)
    {
        let few = rows_read(&small_router, uri).await;
        let many = rows_read(&large_router, &large_uri).await;
        for (table, (read, statement)) in &many {
            if TALLIES.contains(&table.as_str()) {
                continue;
            }
            let before = few.get(table).map_or(0.0, |r| r.0);
            if *read > 2.0 * before + 150.0 {
                failures.push(format!(
                    "{large_uri}: {read} rows of {table} at 600 records, {before} at 60, most by: {statement}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
