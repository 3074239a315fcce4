//! The web app: one file per page area, each with its `router()`.

mod accessibility;
mod actions;
mod alerts;
mod assets;
pub mod auth;
pub mod cache;
mod chart;
mod csrf;
mod error;
pub mod extract;
mod feed;
pub(crate) mod filters;
mod forms;
mod forward_plan;
mod health;
mod home;
mod ledger;
mod links;
mod listing;
mod meetings;
pub mod notify;
mod open_data;
mod outline_view;
pub mod passwords;
mod record_view;
mod revisions;
pub mod routes;
pub mod search;
pub mod site;
mod staff;
mod topics;
mod withdrawn;

use std::time::Duration;

use axum::Router;
use axum::extract::MatchedPath;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode};
use sqlx::PgPool;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::AppError;

/// Largest upload of a document: 20 MB and its form.
pub const MAX_BODY_BYTES: usize = 21 * 1024 * 1024;

/// Largest request any route accepts: notes of up to 50 MB to import. Each
/// route's own limit (`DefaultBodyLimit`, 2 MB for forms) is smaller.
pub const MAX_REQUEST_BYTES: usize = crate::import::MAX_IMPORT_BYTES + 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    /// Mark the session cookie Secure (the site is served over HTTPS).
    pub secure_cookies: bool,
    /// The office's settings: its name, contact details, logo and the
    /// site's public address (the base of every absolute link).
    pub site: site::SiteSettings,
    /// Take the client's address from the last `X-Forwarded-For` entry (set
    /// by our own reverse proxy) rather than the connection's peer.
    pub behind_proxy: bool,
    /// Published pages kept in memory (`cache::PageCache::off()` renders
    /// every request).
    pub cache: cache::PageCache,
    /// The places where passwords are checked and hashed, a few at a time.
    pub passwords: passwords::PasswordWork,
}

impl AppState {
    /// State for `pool`, with cookies for plain HTTP, the default public
    /// address and a page cache of the default size listening on `pool`'s
    /// database (local use and tests). Call within a Tokio runtime.
    pub fn new(pool: PgPool) -> AppState {
        AppState {
            cache: cache::PageCache::start(pool.clone(), cache::DEFAULT_MEGABYTES),
            site: site::SiteSettings::start(
                pool.clone(),
                site::Given {
                    default_public_url: crate::config::DEFAULT_PUBLIC_URL.to_owned(),
                    ..site::Given::default()
                },
            ),
            pool,
            secure_cookies: false,
            behind_proxy: false,
            passwords: passwords::PasswordWork::for_this_machine(),
        }
    }
}

/// The whole site.
pub fn app(state: AppState) -> Router {
    let cache = state.cache.clone();
    let site = state.site.clone();
    let public_url = site.current().public_url.clone();
    let secure = state.secure_cookies;
    Router::new()
        .merge(cache::archive_pages(home::router()))
        .merge(meetings::router())
        .merge(revisions::router())
        .merge(cache::archive_pages(feed::router()))
        .merge(cache::archive_pages(ledger::router()))
        .merge(cache::archive_pages(search::router()))
        .merge(cache::archive_pages(topics::router()))
        .merge(cache::archive_pages(actions::router()))
        .merge(cache::archive_pages(forward_plan::router()))
        .merge(cache::archive_pages(open_data::router()))
        .merge(cache::archive_pages(accessibility::router()))
        .merge(cache::archive_pages(alerts::privacy_router()))
        .merge(alerts::router())
        .merge(health::router())
        .merge(assets::router())
        .merge(site::router())
        .merge(staff::router())
        .merge(staff::public_router())
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn_with_state(secure, csrf::guard))
        .layer(auth::layer(state.pool.clone(), state.secure_cookies))
        .layer(axum::middleware::from_fn(session_store_unavailable))
        .layer(csrf::origin_check(&public_url))
        .with_state(state)
        // Outside the session layer: a page served from memory reads no
        // session and no row.
        .layer(axum::middleware::from_fn_with_state(cache, cache::serve))
        // Outside the cache: a page is kept under the settings it shows.
        .layer(axum::middleware::from_fn_with_state(site, site::scope))
        .layer(
            ServiceBuilder::new()
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let route = request
                        .extensions()
                        .get::<MatchedPath>()
                        .map(MatchedPath::as_str)
                        .unwrap_or("(none)");
                    // A link's secret token is not written to the log.
                    let uri = if route.contains("{token}") {
                        route.to_owned()
                    } else {
                        request.uri().to_string()
                    };
                    tracing::info_span!("request", method = %request.method(), route, uri)
                }))
                // The security headers outside the timeout and the body
                // limit, so that their 408 and 413 carry them too.
                .layer(header("content-security-policy", CSP))
                .layer(header("x-content-type-options", "nosniff"))
                .layer(header("referrer-policy", "strict-origin-when-cross-origin"))
                .layer(header("x-frame-options", "DENY"))
                // Over HTTPS only: browsers ignore it over plain HTTP, and a
                // local run must not pin localhost to HTTPS.
                .option_layer(secure.then(|| header("strict-transport-security", HSTS)))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(30),
                ))
                .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BYTES))
                // The cache's pages come compressed already (or, for
                // documents, are not worth it).
                .layer(CompressionLayer::new().compress_when(DefaultPredicate::new().and(NotFromCache))),
        )
        // Outermost, so that every staff response has it: pages, redirects,
        // refusals by the layers inside, timeouts.
        .layer(axum::middleware::from_fn(staff_never_stored))
}

/// The session layers (tower-sessions, axum-login) answer an empty 500
/// when the session store cannot be read or written, which means the
/// database cannot be reached just now: the site's 503 page instead, with
/// `Retry-After`. Every other answer has a body with its type.
async fn session_store_unavailable(
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    let bare = response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && !response.headers().contains_key(axum::http::header::CONTENT_TYPE);
    if bare {
        let unavailable = AppError::Unavailable("the session store could not be read or written");
        return axum::response::IntoResponse::into_response(unavailable);
    }
    response
}

/// HTTPS for a year, once a browser has seen the site over HTTPS.
const HSTS: &str = "max-age=31536000";

/// Whether `path` is in the staff area.
fn is_staff(path: &str) -> bool {
    path == "/staff" || path.starts_with("/staff/")
}

/// Staff responses are never stored, by the browser or anything between
/// (the users page shows one-time passwords; drafts and staff documents
/// are not public), and vary with the session cookie. The page cache keeps
/// only what a public handler marks (`cache::keep`), which no staff
/// handler does.
async fn staff_never_stored(
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let staff = is_staff(request.uri().path());
    let mut response = next.run(request).await;
    if staff {
        let headers = response.headers_mut();
        headers.insert(
            axum::http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
        headers.append(axum::http::header::VARY, HeaderValue::from_static("cookie"));
    }
    response
}

/// No inline script or style, no framing, nothing from elsewhere.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// A security header, unless the handler set its own.
fn header(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))
}

/// Compress a response unless the page cache served it.
#[derive(Debug, Clone, Copy)]
struct NotFromCache;

impl Predicate for NotFromCache {
    fn should_compress<B: axum::body::HttpBody>(&self, response: &axum::http::Response<B>) -> bool {
        response.extensions().get::<cache::FromCache>().is_none()
    }
}
