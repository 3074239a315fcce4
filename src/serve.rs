//! `scrutiny serve`: open the store, load the demo if it is new, serve until
//! SIGINT or SIGTERM, then stop cleanly.

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config::{DatabaseArgs, ServeArgs};
use crate::database::Database;
use crate::web::{AppState, app};

/// Runs the web app.
pub async fn run(database: &DatabaseArgs, args: &ServeArgs) -> anyhow::Result<()> {
    let db = Database::open(database).await?;
    let embedded = database.database_url.is_none();
    if embedded && !args.no_demo && crate::demo::is_empty(&db.pool).await? {
        let slug = crate::demo::load(&db.pool).await?;
        println!("Loaded the demo record: /meetings/{slug}");
    }
    let listener = match TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            db.close().await;
            return Err(e).with_context(|| format!("cannot listen on {}", args.listen));
        }
    };
    println!("scrutiny is serving on http://{}", listener.local_addr()?);
    let state = AppState {
        pool: db.pool.clone(),
    };
    let served = axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await;
    db.close().await;
    tracing::info!("stopped");
    served.context("the server failed")
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch for SIGTERM");
            let _ = ctrl_c.await;
            return;
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutting down");
}
