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
        let _ = tracing_subscriber::fmt()
            .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
            .with_test_writer()
            .try_init();
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
        let router = scrutiny::app(scrutiny::AppState::new(pool.clone()));
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

/// A new database with no migration applied, for tests of the migrations
/// themselves.
pub async fn unmigrated_pool() -> PgPool {
    let server = server();
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("create database {name}"))
        .execute(
            &scrutiny::database::pool(server.options.clone())
                .await
                .expect("admin pool"),
        )
        .await
        .expect("test database");
    scrutiny::database::pool(server.options.clone().database(&name))
        .await
        .expect("pool")
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
    let id = new_meeting(&mut tx, date, topic, None).await;
    let text = Outline::parse(&format!("What is the Force doing about {topic}?")).expect("outline");
    let evidence = Outline::parse("- The Force has a plan.").expect("outline");
    let question = add_question(&mut tx, id, &text, &evidence).await;
    if let Some(decision) = decision {
        decide(&mut tx, question, decision, "", None).await;
    }
    records::publish(&mut tx, id, None, None).await.expect("publish");
    tx.commit().await.expect("commit");
    slug.to_string()
}

/// Creates a draft that is never published. Returns its slug.
pub async fn draft_meeting(pool: &PgPool, date: &str, topic: &str) -> String {
    use scrutiny::domain::{MeetingSlug, Outline};
    let held_on = date.parse().expect("date");
    let slug = MeetingSlug::new(held_on, topic).expect("slug");
    let mut tx = pool.begin().await.expect("tx");
    let id = new_meeting(&mut tx, date, topic, None).await;
    let text = Outline::parse("A secret draft question?").expect("outline");
    add_question(&mut tx, id, &text, &Outline::default()).await;
    tx.commit().await.expect("commit");
    slug.to_string()
}

/// Creates a draft meeting on `date` about `topic`, as the editor does.
/// Returns its id.
pub async fn new_meeting(conn: &mut sqlx::PgConnection, date: &str, topic: &str, by: Option<i64>) -> i64 {
    let details = scrutiny::db::meetings::Details {
        topic: topic.to_owned(),
        held_on: date.parse().expect("date"),
        starts_at: None,
        place: String::new(),
        kind: "Scrutiny meeting".to_owned(),
        introduction: String::new(),
        attendees: Vec::new(),
        apologies: Vec::new(),
    };
    scrutiny::db::meetings::create(conn, &details, by)
        .await
        .expect("meeting")
        .0
}

/// Adds a question with its evidence after the last one. Returns its id.
pub async fn add_question(
    conn: &mut sqlx::PgConnection,
    meeting_id: i64,
    text: &scrutiny::domain::Outline,
    evidence: &scrutiny::domain::Outline,
) -> i64 {
    scrutiny::db::questions::add(conn, meeting_id, &text.to_text(), &evidence.to_text(), None)
        .await
        .expect("question")
}

/// Records a decision on a question, as the PCC does.
pub async fn decide(
    conn: &mut sqlx::PgConnection,
    question_id: i64,
    decision: scrutiny::domain::Decision,
    rationale: &str,
    by: Option<i64>,
) {
    let meeting_id: i64 = sqlx::query_scalar("select meeting_id from question where id = $1")
        .bind(question_id)
        .fetch_one(&mut *conn)
        .await
        .expect("question's meeting");
    scrutiny::db::workflow::decide(conn, question_id, meeting_id, decision, rationale, by)
        .await
        .expect("decision");
}

/// Adds an open action after the last one, as the editor does. Returns its id.
pub async fn add_action(
    conn: &mut sqlx::PgConnection,
    meeting_id: i64,
    text: &str,
    revisit: Option<&str>,
) -> i64 {
    let fields = scrutiny::db::actions::ActionFields {
        body: text.to_owned(),
        owner: String::new(),
        due_on: None,
        status: scrutiny::domain::record::ActionStatus::Open,
        revisit_topic: revisit.map(str::to_owned),
    };
    scrutiny::db::actions::add(conn, meeting_id, &fields, None)
        .await
        .expect("action")
}

/// How many bullets the stored evidence of every question holds, at every
/// depth, read as the record is read when it is published.
pub async fn evidence_bullets(pool: &PgPool) -> usize {
    fn count(items: &[scrutiny::domain::outline::Item]) -> usize {
        items.iter().map(|item| 1 + count(&item.children)).sum()
    }
    let stored: Vec<String> = sqlx::query_scalar("select evidence_text from question")
        .fetch_all(pool)
        .await
        .expect("evidence");
    stored
        .iter()
        .map(|text| {
            count(
                &scrutiny::domain::Outline::parse(text)
                    .expect("stored evidence parses")
                    .items,
            )
        })
        .sum()
}

/// A password that meets the policy, for test accounts.
pub const PASSWORD: &str = "correct horse battery staple";

/// A person using the site: their cookie jar, as a browser keeps it.
pub struct Visitor<'a> {
    pub app: &'a TestApp,
    cookie: Option<String>,
    /// The peer address the server sees.
    pub address: std::net::SocketAddr,
}

impl TestApp {
    /// Creates an account that can sign in with `PASSWORD`.
    pub async fn account(&self, email: &str, role: &str) {
        scrutiny::accounts::add(&self.pool, email, role, "", PASSWORD)
            .await
            .expect("account");
    }

    /// Someone with no session yet.
    pub fn visitor(&self) -> Visitor<'_> {
        Visitor {
            app: self,
            cookie: None,
            address: ([10, 0, 0, 1], 40000).into(),
        }
    }

    /// An account of `role`, signed in.
    pub async fn signed_in(&self, role: &str) -> Visitor<'_> {
        let email = format!("{role}-{}@example.org", uuid::Uuid::new_v4().simple());
        self.account(&email, role).await;
        let mut visitor = self.visitor();
        let response = visitor.sign_in(&email, PASSWORD).await;
        assert_eq!(response.status, 303, "sign-in: {}", response.body);
        visitor
    }
}

impl Visitor<'_> {
    pub fn build(&self, request: axum::http::request::Builder) -> axum::http::request::Builder {
        let request = match &self.cookie {
            Some(cookie) => request.header("cookie", cookie),
            None => request,
        };
        request.extension(axum::extract::ConnectInfo(self.address))
    }

    pub async fn send(&mut self, request: Request<Body>) -> TestResponse {
        let response = self.app.request(request).await;
        if let Some(set) = response.headers.get("set-cookie").and_then(|v| v.to_str().ok()) {
            let pair = set.split(';').next().unwrap_or_default().to_owned();
            self.cookie = if set.contains("Max-Age=0") {
                None
            } else {
                Some(pair)
            };
        }
        response
    }

    pub async fn get(&mut self, uri: &str) -> TestResponse {
        let request = self
            .build(Request::get(uri))
            .body(Body::empty())
            .expect("request");
        self.send(request).await
    }

    /// Posts `fields` as a form, exactly as given (no token added).
    pub async fn post_raw(&mut self, uri: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = self
            .build(Request::post(uri))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    /// The form token of this session, as a page shows it.
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/staff/login").await;
        let html = page.html();
        let selector = scraper::Selector::parse("input[name=_csrf]").expect("selector");
        let token = html
            .select(&selector)
            .next()
            .and_then(|e| e.value().attr("value"))
            .map(str::to_owned);
        token.expect("the page carries a form token")
    }

    /// Posts `fields` as a form with this session's token.
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf().await;
        let mut all = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(uri, &all).await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> TestResponse {
        self.post("/staff/login", &[("email", email), ("password", password)])
            .await
    }
}

impl Visitor<'_> {
    /// Posts a multipart form (a file upload), with the token in the query
    /// string as the upload form does.
    pub async fn upload(&mut self, uri: &str, fields: &[(&str, &str)], file: (&str, &[u8])) -> TestResponse {
        let token = self.csrf().await;
        let boundary = "----scrutiny-test-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n",
                file.0
            )
            .as_bytes(),
        );
        body.extend_from_slice(file.1);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = self
            .build(Request::post(format!("{uri}?_csrf={token}")))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }
}

/// The id at the end of a redirect such as `/staff/meetings/12`.
pub fn id_in(location: &str) -> i64 {
    let path = location.split('#').next().unwrap_or_default();
    path.rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("an id in the address")
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
    Outline::parse(evidence).expect("outline");
    let saved = questions::update(&mut tx, first.id, first.version, &text, evidence, by)
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

impl TestResponse {
    /// The text of every element matching `selector` as a person reads it:
    /// its pieces joined as they stand (no space added around a link or a
    /// date), whitespace collapsed.
    pub fn prose(&self, selector: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).expect("selector");
        self.html()
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }
}
