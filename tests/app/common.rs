//! The test harness: one PostgreSQL per test run (a private cluster, or the
//! server named by DATABASE_URL), one database per test, the real router.

use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use scrutiny::cluster::{Cluster, Options};
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;
use tower::ServiceExt;

/// The server every test of this run uses, and its migrated template.
struct Server {
    options: PgConnectOptions,
    template: String,
    // Kept for the whole run; the cluster stops when the test process exits.
    _cluster: Option<Cluster>,
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        // Each test has its own runtime; this one-off set-up gets its own too.
        std::thread::spawn(|| {
            let (options, cluster) = match std::env::var("DATABASE_URL") {
                Ok(url) => (
                    url.parse::<PgConnectOptions>().expect("DATABASE_URL parses"),
                    None,
                ),
                Err(_) => {
                    let dir = tempfile::Builder::new()
                        .prefix("scrutiny-test-")
                        .tempdir()
                        .expect("temp dir")
                        .keep();
                    let cluster =
                        Cluster::open(&dir, Options { ephemeral: true }).expect("test cluster starts");
                    (cluster.connect_options("postgres"), Some(cluster))
                }
            };
            let template = format!("scrutiny_template_{}", uuid::Uuid::new_v4().simple());
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                scrutiny::database::create_database(options.clone(), &template)
                    .await
                    .expect("template");
                let pool = scrutiny::database::pool(options.clone().database(&template))
                    .await
                    .expect("pool");
                scrutiny::database::migrate(&pool).await.expect("migrations");
                pool.close().await;
            });
            Server {
                options,
                template,
                _cluster: cluster,
            }
        })
        .join()
        .expect("test database set-up")
    })
}

/// The app on a database of its own.
pub struct TestApp {
    pub pool: PgPool,
    router: Router,
}

/// A response, read whole.
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// The text of every element matching `selector`, whitespace collapsed.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).expect("selector");
        self.html()
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }
}

impl TestApp {
    /// An empty, migrated database.
    pub async fn new() -> TestApp {
        let server = server();
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let admin = server.options.clone();
        sqlx::query(&format!("create database {name} template {}", server.template))
            .execute(&scrutiny::database::pool(admin).await.expect("admin pool"))
            .await
            .expect("test database");
        let pool = scrutiny::database::pool(server.options.clone().database(&name))
            .await
            .expect("pool");
        let router = scrutiny::app(scrutiny::AppState { pool: pool.clone() });
        TestApp { pool, router }
    }

    /// A database holding the demo record, published.
    pub async fn with_demo() -> TestApp {
        let app = TestApp::new().await;
        scrutiny::demo::load(&app.pool).await.expect("demo loads");
        app
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.request(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

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
    let question = records::insert_question(&mut tx, id, 1, &text, &evidence)
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
    records::insert_question(&mut tx, id, 1, &text, &Outline::default())
        .await
        .expect("question");
    tx.commit().await.expect("commit");
    slug.to_string()
}
