//! The office's site settings as pages show them: kept in memory by each
//! instance, read again when any instance saves them (the database
//! announces it on `scrutiny_site`, migration 0023), and the logo at
//! `/site/logo`.
//!
//! A request takes the settings as they are when it starts, and keeps them
//! to its end: its templates read them with [`current`], and the page cache
//! files what it renders under their version, so a page rendered before a
//! change is never served after it.

use std::sync::{Arc, RwLock, Weak};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sqlx::PgPool;

use super::{AppError, AppState};
use crate::domain::site::{LogoType, Site, SiteFields};

/// The channel of migration 0023's trigger.
const CHANNEL: &str = "scrutiny_site";

tokio::task_local! {
    static SITE: Arc<Site>;
}

/// The settings of the request being answered (the defaults outside one).
pub fn current() -> Arc<Site> {
    SITE.try_with(Arc::clone)
        .unwrap_or_else(|_| Arc::new(Site::default()))
}

/// What the server was given, which wins over what is stored.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub fields: SiteFields,
    /// A logo read from a file at start, checked.
    pub logo: Option<(LogoType, Arc<[u8]>)>,
    /// The public address when none is given or stored: the address the
    /// app listens on.
    pub default_public_url: String,
}

/// One instance's copy of the settings; cheap to clone.
#[derive(Clone)]
pub struct SiteSettings(Arc<Inner>);

struct Inner {
    /// The settings, and how many times they were read and found changed:
    /// a page is kept under that count (the stored version does not change
    /// when someone edits the row at psql).
    current: RwLock<(Arc<Site>, u64)>,
    given: Given,
    pool: PgPool,
}

impl SiteSettings {
    /// Settings read from `pool`'s database now and whenever they change
    /// (a task of its own, for as long as the runtime runs), overridden by
    /// `given`. Until the first read, the defaults and `given`.
    pub fn start(pool: PgPool, given: Given) -> SiteSettings {
        let first = resolve(&SiteFields::default(), &given, None, 0);
        let settings = SiteSettings(Arc::new(Inner {
            current: RwLock::new((Arc::new(first), 0)),
            given,
            pool,
        }));
        tokio::spawn(listen(Arc::downgrade(&settings.0)));
        settings
    }

    /// The settings now.
    pub fn current(&self) -> Arc<Site> {
        self.read().0
    }

    /// The settings now, and how many times they were found changed.
    fn read(&self) -> (Arc<Site>, u64) {
        self.0
            .current
            .read()
            .map(|s| (Arc::clone(&s.0), s.1))
            .unwrap_or_else(|_| (Arc::new(Site::default()), u64::MAX))
    }

    /// What the server was given.
    pub fn given(&self) -> &Given {
        &self.0.given
    }

    /// Reads the settings again (this instance saved them, or was told).
    pub async fn reload(&self) -> crate::db::Result<()> {
        self.0.reload().await
    }
}

impl Inner {
    async fn reload(&self) -> crate::db::Result<()> {
        let stored = crate::db::site::get(&mut *self.pool.acquire().await?).await?;
        let logo = self.given.logo.as_ref().map(|(kind, _)| *kind).or(stored.logo);
        let site = resolve(
            &stored.fields,
            &self.given,
            logo.map(|_| stored.version),
            stored.version,
        );
        // Read again with nothing shown changed (the first read, a
        // reconnection, a save of the same values), the pages kept stay.
        let shown = |site: &Site| Site {
            version: 0,
            ..site.clone()
        };
        if let Ok(mut current) = self.current.write()
            && shown(&current.0) != shown(&site)
        {
            *current = (Arc::new(site), current.1 + 1);
        }
        Ok(())
    }
}

fn resolve(stored: &SiteFields, given: &Given, logo_version: Option<i32>, version: i32) -> Site {
    let fields = stored.overridden_by(&given.fields);
    let logo_version = logo_version.or(given.logo.as_ref().map(|_| version));
    Site {
        version,
        ..Site::resolve(&fields, &given.default_public_url, logo_version)
    }
}

/// Listens until the settings are dropped, reading them again on every
/// notice and every new connection (notices may have been missed).
async fn listen(settings: Weak<Inner>) {
    loop {
        let options = || settings.upgrade().map(|s| (*s.pool.connect_options()).clone());
        let Some(mut listener) = crate::db::notices::listen(options, CHANNEL, "the site settings").await
        else {
            return;
        };
        loop {
            let Some(inner) = settings.upgrade() else { return };
            if let Err(e) = inner.reload().await {
                tracing::warn!(error = %e, "the site settings could not be read");
            }
            drop(inner);
            match listener.try_recv().await {
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "the site settings stopped hearing changes");
                    break;
                }
            }
        }
    }
}

/// The middleware: the request keeps the settings it started with, for its
/// templates and for the page cache's key.
pub async fn scope(State(settings): State<SiteSettings>, mut request: Request, next: Next) -> Response {
    let (site, changes) = settings.read();
    request.extensions_mut().insert(super::cache::Variant(changes));
    SITE.scope(site, next.run(request)).await
}

pub fn router() -> Router<AppState> {
    Router::new().route("/site/logo", get(logo))
}

/// The logo, as given to the server or stored. Its address changes with
/// every save, so a browser may keep it.
async fn logo(State(state): State<AppState>) -> Result<Response, AppError> {
    let (kind, bytes): (LogoType, Vec<u8>) = match &state.site.given().logo {
        Some((kind, bytes)) => (*kind, bytes.to_vec()),
        None => crate::db::site::logo(&mut *state.pool.acquire().await?)
            .await?
            .ok_or(AppError::NotFound)?,
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.media_type()));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    // Opened on its own, an SVG may run nothing and load nothing.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    Ok(response)
}
