//! `scrutiny serve`: open the store, load the demo if it is new, serve until
//! SIGINT or SIGTERM, then stop cleanly.

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config::{DatabaseArgs, ServeArgs};
use crate::database::Database;
use crate::web::site::{Given, SiteSettings};
use crate::web::{AppState, app};

mod connections;

/// Runs the web app.
pub async fn run(database: &DatabaseArgs, args: &ServeArgs) -> anyhow::Result<()> {
    let db = Database::open(database).await?;
    let embedded = database.database_url.is_none();
    let first_admin = if embedded && crate::db::is_empty(&mut *db.pool.acquire().await?).await? {
        if !args.no_demo {
            let slug = crate::demo::load(&db.pool).await?;
            println!("Loaded the demo record: /meetings/{slug}");
        }
        Some(crate::accounts::create_first_admin(&db.pool).await?)
    } else {
        None
    };
    let listener = match TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            db.close().await;
            return Err(e).with_context(|| format!("cannot listen on {}", args.listen));
        }
    };
    let address = listener.local_addr()?;
    if let Some(password) = first_admin {
        println!(
            "An administrator account was made for this new database (shown only this once):\n  \
             email: {}\n  one-time password: {password}\n  \
             Sign in at http://{address}/staff/login and choose a new password.",
            crate::accounts::FIRST_ADMIN
        );
    }
    let sender = match &args.smtp_url {
        Some(url) => {
            let settings = crate::mail::Settings {
                smtp_url: url.clone(),
                from: args.mail_from.clone(),
                ca_file: args.smtp_ca_file.clone(),
            };
            match crate::mail::Sender::start(db.pool.clone(), &settings) {
                Ok(sender) => Some(sender),
                Err(e) => {
                    db.close().await;
                    return Err(e.into());
                }
            }
        }
        None => {
            println!("No SMTP server is set (--smtp-url): messages wait in the outbox, at /staff/outbox");
            None
        }
    };
    let shutdown = shutdown_signal()?;
    println!("scrutiny is serving on http://{address}");
    let site = SiteSettings::start(db.pool.clone(), given(args, address)?);
    site.reload().await.context("cannot read the site settings")?;
    let state = AppState {
        pool: db.pool.clone(),
        secure_cookies: args.secure_cookies,
        site,
        behind_proxy: args.behind_proxy,
        cache: crate::web::cache::PageCache::start(db.pool.clone(), args.cache_mb),
        passwords: crate::web::passwords::PasswordWork::for_this_machine(),
    };
    let sweeper = tokio::spawn(sweep_expired_sessions(db.pool.clone()));
    let digest = crate::web::notify::start_daily_digest(db.pool.clone(), state.site.clone());
    connections::serve(listener, app(state), shutdown).await;
    sweeper.abort();
    digest.abort();
    drop(sender);
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The site settings given to the server, its logo read and checked; the
/// public address, if none is given, is the one the app listens on.
fn given(args: &ServeArgs, listening: std::net::SocketAddr) -> anyhow::Result<Given> {
    let logo = match &args.site.logo {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read the logo {}", path.display()))?;
            let kind = crate::domain::site::check_logo(&bytes)
                .map_err(|reason| anyhow::anyhow!("the logo {}: {reason}", path.display()))?;
            Some((kind, bytes.into()))
        }
        None => None,
    };
    Ok(Given {
        fields: args.site.fields(args.public_url.as_deref()),
        logo,
        default_public_url: format!("http://{listening}"),
    })
}

/// Watches for SIGINT and SIGTERM from now on (so a signal that comes as soon
/// as the address is printed is not missed), and resolves on the first.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot watch for SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot watch for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        tracing::info!("shutting down");
    })
}

/// Sweeps expired sessions and sign-in attempts older than their window,
/// old messages and unconfirmed requests for alerts, every five minutes (each instance; the deletes are cheap and idempotent).
async fn sweep_expired_sessions(pool: sqlx::PgPool) {
    let mut every_five_minutes = tokio::time::interval(std::time::Duration::from_secs(300));
    loop {
        every_five_minutes.tick().await;
        if let Err(e) = crate::web::auth::sweep(&pool).await {
            tracing::warn!(error = %e, "could not sweep expired sessions and sign-in attempts");
        }
        if let Err(e) = crate::db::outbox::sweep(&pool).await {
            tracing::warn!(error = %e, "could not sweep old messages from the outbox");
        }
        if let Err(e) = crate::db::alerts::sweep(&pool).await {
            tracing::warn!(error = %e, "could not sweep unconfirmed requests for alerts");
        }
    }
}
