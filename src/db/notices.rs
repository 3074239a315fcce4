//! Hearing the database's notices (`LISTEN`), for the page cache and the
//! site settings: a connection of its own per listener, made again with
//! backoff when the database goes away.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};

/// The first wait after a failed try; it doubles up to [`MOST_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MOST_BACKOFF: Duration = Duration::from_secs(10);

/// A listener on `channel`, once one connects, trying again with backoff
/// (each failure logged as `who`'s). `options` gives the database to
/// connect to, or `None` when the listener is no longer wanted (its owner
/// was dropped), which ends the tries.
///
/// The connection is a pool of one of its own, so that listening never
/// holds one of the app's connections.
pub async fn listen(
    options: impl Fn() -> Option<PgConnectOptions>,
    channel: &str,
    who: &str,
) -> Option<PgListener> {
    let mut backoff = FIRST_BACKOFF;
    loop {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy_with(options()?);
        let listening = match PgListener::connect_with(&pool).await {
            Ok(mut listener) => listener.listen(channel).await.map(|()| listener),
            Err(e) => Err(e),
        };
        match listening {
            Ok(listener) => return Some(listener),
            Err(e) => {
                tracing::warn!(error = %e, channel, "{who} cannot listen for changes");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MOST_BACKOFF);
            }
        }
    }
}
