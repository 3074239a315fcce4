//! `/health`: liveness and a database check, for load balancers.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use super::AppState;
use crate::db;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// 200 `ok` when the database answers, 503 otherwise.
async fn health(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let answered = match state.pool.acquire().await {
        Ok(mut conn) => db::public::ping(&mut conn).await.is_ok(),
        Err(_) => false,
    };
    if answered {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
