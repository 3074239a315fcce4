//! One PostgreSQL per test run (a private cluster, or the server named by
//! DATABASE_URL), one database per test, and the real router on it. Each
//! test's database is dropped when its `TestApp` is.

use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use scrutiny::cluster::{Cluster, Options};
use scrutiny::database::PoolSettings;
use scrutiny::web::cache::PageCache;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{Connection, PgPool};
use tower::ServiceExt;

use super::TestResponse;

/// The tests' pools: the app's size, with patience for a machine busy
/// running every test at once (the tests of the pool's own patience set
/// theirs with `TestApp::with_pool`).
const TEST_POOL: PoolSettings = PoolSettings {
    size: scrutiny::database::DEFAULT_POOL_SIZE,
    acquire_timeout: std::time::Duration::from_secs(5),
};

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
            // Named with when it was made, so that later runs can tell an
            // abandoned one from one a concurrent run is using.
            let made = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_secs();
            let template = format!("scrutiny_template_{made}_{}", uuid::Uuid::new_v4().simple());
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if cluster.is_none() {
                    drop_abandoned_templates(&options).await;
                }
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

/// On a server of `DATABASE_URL`, which outlives the run: drops the
/// templates earlier runs made a day ago or more. Nothing drops a run's
/// template when it ends (a test process has no hook at exit), and each is
/// a migrated database; a run lasts minutes, so one a day old is abandoned.
async fn drop_abandoned_templates(options: &PgConnectOptions) {
    let mut admin = PgConnection::connect_with(options)
        .await
        .expect("admin connection");
    let abandoned: Vec<String> = sqlx::query_scalar(
        r"select datname::text from pg_database
          where datname ~ '^scrutiny_template_[0-9]+_[0-9a-f]+$'
            and split_part(datname, '_', 3)::bigint < extract(epoch from now())::bigint - 86400",
    )
    .fetch_all(&mut admin)
    .await
    .expect("templates");
    for name in abandoned {
        // Its name is one of ours (checked above); one still in use stays.
        let _ = sqlx::query(&format!("drop database if exists {name}"))
            .execute(&mut admin)
            .await;
    }
    admin.close().await.expect("admin connection closes");
}

/// The app on a database of its own, dropped with it.
pub struct TestApp {
    pub pool: PgPool,
    router: Router,
    /// The app's page cache: on, as in production.
    pub cache: PageCache,
    database: String,
}

impl TestApp {
    /// An empty, migrated database.
    pub async fn new() -> TestApp {
        TestApp::create(Some(&server().template), false, TEST_POOL).await
    }

    /// An empty, migrated database, served as over HTTPS (`--secure-cookies`).
    pub async fn with_secure_cookies() -> TestApp {
        TestApp::create(Some(&server().template), true, TEST_POOL).await
    }

    /// An empty, migrated database, served through a pool of `settings`
    /// (`--db-pool-size`, `--db-acquire-timeout-ms`).
    pub async fn with_pool(settings: PoolSettings) -> TestApp {
        TestApp::create(Some(&server().template), false, settings).await
    }

    /// A database with no migration applied, for tests of the migrations
    /// themselves.
    pub async fn unmigrated() -> TestApp {
        TestApp::create(None, false, TEST_POOL).await
    }

    async fn create(template: Option<&str>, secure_cookies: bool, settings: PoolSettings) -> TestApp {
        let server = server();
        let database = format!("t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect_with(&server.options)
            .await
            .expect("admin connection");
        let template = template.map(|t| format!(" template {t}")).unwrap_or_default();
        sqlx::query(&format!("create database {database}{template}"))
            .execute(&mut admin)
            .await
            .expect("test database");
        admin.close().await.expect("admin connection closes");
        let pool = scrutiny::database::pool_with(server.options.clone().database(&database), settings)
            .await
            .expect("pool");
        let state = scrutiny::AppState {
            secure_cookies,
            ..scrutiny::AppState::new(pool.clone())
        };
        let cache = state.cache.clone();
        wait_until_live(&cache).await;
        TestApp {
            pool,
            router: scrutiny::app(state),
            cache,
            database,
        }
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

    /// The router itself: a request sent to it does not wait for the
    /// cache to settle.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// Another instance of the app on the same database, with a page cache
    /// of its own, as a second server would be.
    pub async fn second_instance(&self) -> (Router, PageCache) {
        let state = scrutiny::AppState::new(self.pool.clone());
        let cache = state.cache.clone();
        wait_until_live(&cache).await;
        (scrutiny::app(state), cache)
    }

    /// Another instance of the app on this database, its connections made
    /// with the server settings `settings` and with the page cache off (so
    /// that every request reads the database).
    pub async fn instance_with(&self, settings: &[(&str, &str)]) -> Router {
        let options = server()
            .options
            .clone()
            .database(&self.database)
            .options(settings.iter().copied());
        let pool = scrutiny::database::pool(options).await.expect("pool");
        let mut state = scrutiny::AppState::new(pool);
        state.cache = PageCache::off();
        scrutiny::app(state)
    }

    /// The router's answer, once the app has heard every change committed
    /// before now (tests write to the database directly, and a page cached
    /// before such a write would otherwise be served until its notice
    /// arrives, a moment later).
    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        self.cache.settle().await;
        answer(&self.router, request).await
    }
}

/// Waits until `cache` listens for changes, so that tests run with it on.
pub async fn wait_until_live(cache: &PageCache) {
    for _ in 0..500 {
        if cache.is_live() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the page cache did not start listening within 5 s");
}

/// What `router` answers to `request`, read whole.
pub async fn answer(router: &Router, request: Request<Body>) -> TestResponse {
    let response = router.clone().oneshot(request).await.expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    TestResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

impl Drop for TestApp {
    /// Drops the test's database, whether the test passed or not. `drop`
    /// cannot await, nor start a runtime inside the test's, so a thread with
    /// a runtime of its own drops it while the test waits; `with (force)`
    /// ends the pool's connections first.
    fn drop(&mut self) {
        let options = server().options.clone();
        let database = std::mem::take(&mut self.database);
        let name = database.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect_with(&options).await?;
                let drop = format!("drop database if exists {database} with (force)");
                sqlx::query(&drop).execute(&mut admin).await?;
                admin.close().await?;
                anyhow::Ok(())
            })
        })
        .join();
        // A panic here would abort a test that is already failing.
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("test database {name} was not dropped: {e:#}"),
            Err(_) => eprintln!("test database {name} was not dropped: its thread panicked"),
        }
    }
}
