//! `/health`: liveness and a database check, for load balancers.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use super::AppState;
use crate::db;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// How long the database has to answer. The pool would go on trying to
/// connect to a server that is down for its whole acquire timeout; a load
/// balancer wants its answer sooner.
const ANSWER_WITHIN: Duration = Duration::from_secs(1);

/// 200 `ok` when the database answers within [`ANSWER_WITHIN`], 503
/// otherwise (while the private cluster is being started again, or an
/// external server is away).
async fn health(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let check = async {
        let mut conn = state.pool.acquire().await?;
        db::public::ping(&mut conn).await
    };
    let answered = matches!(tokio::time::timeout(ANSWER_WITHIN, check).await, Ok(Ok(_)));
    if answered {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
