//! The page cache: a published page is rendered once and then served from
//! memory, pre-compressed, with strong ETags and `304 Not Modified`, until
//! something it shows changes.
//!
//! Only responses a handler marks with a [`Scope`] are kept: a record's
//! pages and files ([`Scope::Record`]) or a page drawn from the whole
//! archive ([`Scope::Archive`]: lists, search, topics, feed, plan, ledger).
//! The database says what changed: triggers (migration 0013) notify the
//! channel `scrutiny_public` with the record's id when a revision is
//! written, its status changes or an action's progress moves, and with `*`
//! when the published forward plan changes; every instance listens
//! ([`listen`]), so several instances on one database stay consistent, and
//! a change made by the command line reaches them too. A record's change
//! makes its own pages and every archive page stale; nothing else.
//!
//! Staleness is decided by a clock, not by removing entries: each page
//! keeps the clock's value from when its rendering began, and is stale if
//! its scope changed since. So a page rendered from data read just before a
//! publication committed, and stored just after the notice arrived, is
//! never served. While the listener is not connected (starting, or the
//! database away) nothing is served from or stored in the cache, and
//! everything is stale when it connects again, as notices may have been
//! missed. A new day in London makes everything stale (pages say what is
//! overdue).
//!
//! A hit runs before the session layer and never touches the database.
//! After any request that may change state (a POST), the response waits
//! until this instance has read every notice committed before it, so the
//! person who published sees their publication on their next page.

mod listen;
mod page;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use tokio::sync::oneshot;

use page::{Page, Wants};

/// What a cached page shows, and so what makes it stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One record's page, JSON, CSV, revisions or documents: stale when
    /// that record is published, corrected, withdrawn or reinstated, or one
    /// of its actions moves.
    Record(i64),
    /// A page drawn from many records: stale when any of them changes, or
    /// the published forward plan does.
    Archive,
}

/// Marks a response as one the cache may keep.
pub fn keep(scope: Scope, response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response.extensions_mut().insert(scope);
    response
}

/// Marks every successful response of a router's routes as an archive page.
pub fn archive_pages<S: Clone + Send + Sync + 'static>(router: axum::Router<S>) -> axum::Router<S> {
    router.layer(axum::middleware::map_response(|response: Response| async move {
        if response.status() == StatusCode::OK {
            keep(Scope::Archive, response)
        } else {
            response
        }
    }))
}

/// What else, beside its address, a page depends on: set on the request
/// by a layer outside the cache (how many times this instance found the
/// site settings changed), so that a page rendered under other settings is
/// never served under these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant(pub u64);

/// Set on responses the cache served, so that nothing after it compresses
/// them again.
#[derive(Debug, Clone, Copy)]
pub struct FromCache;

/// The default size bound: 64 MB of stored pages.
pub const DEFAULT_MEGABYTES: u64 = 64;

/// The largest page kept: a bigger one (a long CSV) is served as rendered.
const LARGEST_PAGE: usize = 8 * 1024 * 1024;

/// The page cache of one instance; cheap to clone. Off when made with a
/// size of 0: every request is then rendered.
#[derive(Clone)]
pub struct PageCache(Option<Arc<Inner>>);

struct Inner {
    pages: moka::sync::Cache<String, Arc<Page>>,
    /// Ticks once per change heard; pages are stamped with it.
    clock: AtomicU64,
    /// When everything last became stale.
    everything: AtomicU64,
    /// When any record (or the plan) last changed.
    archive: AtomicU64,
    /// When each record last changed.
    records: RwLock<HashMap<i64, u64>>,
    /// Whether the listener is connected: the cache is used only then.
    listening: AtomicBool,
    pool: PgPool,
    /// Names this instance's own notices among those of every instance.
    instance: String,
    next_sync: AtomicU64,
    waiting: Mutex<HashMap<u64, oneshot::Sender<()>>>,
    /// Pages rendered and kept since the start.
    kept: AtomicU64,
}

impl PageCache {
    /// A cache of at most `megabytes` of pages, listening on `pool`'s
    /// database (a task of its own, for as long as the runtime runs); off
    /// if `megabytes` is 0.
    pub fn start(pool: PgPool, megabytes: u64) -> PageCache {
        if megabytes == 0 {
            return PageCache(None);
        }
        let pages = moka::sync::Cache::builder()
            .max_capacity(megabytes * 1024 * 1024)
            .weigher(|key: &String, page: &Arc<Page>| {
                u32::try_from(key.len() + page.weight()).unwrap_or(u32::MAX)
            })
            .build();
        let inner = Arc::new(Inner {
            pages,
            clock: AtomicU64::new(1),
            everything: AtomicU64::new(0),
            archive: AtomicU64::new(0),
            records: RwLock::new(HashMap::new()),
            listening: AtomicBool::new(false),
            pool,
            instance: uuid::Uuid::new_v4().simple().to_string(),
            next_sync: AtomicU64::new(0),
            waiting: Mutex::new(HashMap::new()),
            kept: AtomicU64::new(0),
        });
        tokio::spawn(listen::listen(Arc::downgrade(&inner)));
        tokio::spawn(listen::new_days(Arc::downgrade(&inner)));
        PageCache(Some(inner))
    }

    /// An instance with no cache.
    pub fn off() -> PageCache {
        PageCache(None)
    }

    /// The cache, if it is on and its listener connected.
    fn live(&self) -> Option<&Inner> {
        self.0.as_deref().filter(|i| i.listening.load(Ordering::Acquire))
    }

    /// Whether pages are being kept: on, and listening for changes.
    pub fn is_live(&self) -> bool {
        self.live().is_some()
    }

    /// How many pages were rendered and kept since the start: a request
    /// served from memory does not count.
    pub fn kept(&self) -> u64 {
        self.0.as_ref().map_or(0, |i| i.kept.load(Ordering::Relaxed))
    }

    /// Waits until this instance has heard every change committed before
    /// now (at most two seconds; after that everything is stale).
    pub async fn settle(&self) {
        if let Some(inner) = self.live() {
            inner.settle().await;
        }
    }
}

impl Inner {
    /// Whether `page` still shows what the database holds.
    fn fresh(&self, page: &Page) -> bool {
        let changed = match page.scope {
            Scope::Archive => self.archive.load(Ordering::Acquire),
            Scope::Record(id) => self
                .records
                .read()
                .map(|r| r.get(&id).copied().unwrap_or(0))
                .unwrap_or(u64::MAX),
        };
        page.stamp >= changed.max(self.everything.load(Ordering::Acquire))
    }

    /// The next tick of the clock: whatever was rendered before it is stale.
    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::AcqRel) + 1
    }

    fn record_changed(&self, id: i64) {
        let now = self.tick();
        if let Ok(mut records) = self.records.write() {
            records.insert(id, now);
        }
        self.archive.fetch_max(now, Ordering::AcqRel);
    }

    fn archive_changed(&self) {
        let now = self.tick();
        self.archive.fetch_max(now, Ordering::AcqRel);
    }

    fn everything_changed(&self) {
        let now = self.tick();
        self.everything.fetch_max(now, Ordering::AcqRel);
    }

    async fn settle(&self) {
        let n = self.next_sync.fetch_add(1, Ordering::Relaxed);
        let (heard, wait) = oneshot::channel();
        if let Ok(mut waiting) = self.waiting.lock() {
            waiting.insert(n, heard);
        }
        let token = listen::sync_token(&self.instance, n);
        let sent = sqlx::query("select pg_notify($1, $2)")
            .bind(listen::CHANNEL)
            .bind(&token)
            .execute(&self.pool)
            .await;
        let settled = match sent {
            Ok(_) => matches!(
                tokio::time::timeout(Duration::from_secs(2), wait).await,
                Ok(Ok(()))
            ),
            Err(_) => false,
        };
        if !settled {
            if let Ok(mut waiting) = self.waiting.lock() {
                waiting.remove(&n);
            }
            tracing::warn!("the page cache did not hear its own notice: treating every page as stale");
            self.everything_changed();
        }
    }

    /// A GET or HEAD: from memory if a fresh page is kept, else rendered
    /// (and kept, if its handler marked it).
    async fn get(&self, request: Request, next: Next) -> Response {
        let wants = Wants::of(request.headers());
        let address = request.uri().path_and_query().map_or("/", |p| p.as_str());
        let variant = request.extensions().get::<Variant>().map_or(0, |v| v.0);
        let key = format!("{variant} {address}");
        if let Some(page) = self.pages.get(&key)
            && self.fresh(&page)
        {
            return page.respond(&wants);
        }
        let head = request.method() == Method::HEAD;
        let stamp = self.clock.load(Ordering::Acquire);
        let response = next.run(request).await;
        let Some(&scope) = response.extensions().get::<Scope>() else {
            return response;
        };
        let size = response.body().size_hint().exact();
        let keepable = !head
            && response.status() == StatusCode::OK
            && !response.headers().contains_key(header::SET_COOKIE)
            && !response.headers().contains_key(header::CONTENT_ENCODING)
            && size.is_some_and(|s| usize::try_from(s).is_ok_and(|s| s <= LARGEST_PAGE));
        if !keepable {
            return response;
        }
        let (parts, body) = response.into_parts();
        let body = match axum::body::to_bytes(body, LARGEST_PAGE).await {
            Ok(body) => body,
            Err(e) => {
                tracing::error!(error = %e, "a page's body failed while it was being kept");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        let page = match tokio::task::spawn_blocking(move || Page::new(parts, body, scope, stamp)).await {
            Ok(page) => Arc::new(page),
            Err(e) => {
                tracing::error!(error = %e, "compressing a page failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        self.pages.insert(key, Arc::clone(&page));
        self.kept.fetch_add(1, Ordering::Relaxed);
        page.respond(&wants)
    }
}

/// The middleware: serves kept pages, keeps marked ones, and after a POST
/// waits for this instance to hear what it changed.
pub async fn serve(State(cache): State<PageCache>, request: Request<Body>, next: Next) -> Response {
    let Some(inner) = cache.live() else {
        return next.run(request).await;
    };
    match *request.method() {
        Method::GET | Method::HEAD => inner.get(request, next).await,
        _ => {
            let response = next.run(request).await;
            inner.settle().await;
            response
        }
    }
}
