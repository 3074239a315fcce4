//! `/ledger` and `/ledger.json`: the publication ledger, newest first. Each
//! entry holds the published revision's content hash and the hash of the
//! entry before it, so a copy of the ledger shows whether any published
//! record was changed afterwards (`scrutiny verify` checks it all).

use crate::web::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::listing::{Pager, page_number, query};
use super::{AppError, AppState, filters};
use crate::db::ledger::{self, Entry};

/// Entries a page.
const PAGE_SIZE: i64 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ledger", get(page))
        .route("/ledger.json", get(json))
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    page: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "ledger.html")]
struct LedgerPage {
    entries: Vec<Entry>,
    total: i64,
    pager: Pager,
}

async fn entries(
    state: &AppState,
    params: Result<Query<Params>, AppError>,
) -> Result<(Vec<Entry>, i64, i64), AppError> {
    let page = page_number(&query(params)?.page)?;
    let mut conn = state.pool.acquire().await?;
    let (entries, total) = ledger::page(&mut conn, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    Ok((entries, total, page))
}

async fn page(
    State(state): State<AppState>,
    params: Result<Query<Params>, AppError>,
) -> Result<LedgerPage, AppError> {
    let (entries, total, page) = entries(&state, params).await?;
    Ok(LedgerPage {
        entries,
        total,
        pager: Pager::new("/ledger", page, total, PAGE_SIZE),
    })
}

/// The ledger as open data.
#[derive(Serialize)]
struct LedgerJson {
    total: i64,
    page: i64,
    /// Newest first.
    entries: Vec<Entry>,
}

async fn json(
    State(state): State<AppState>,
    params: Result<Query<Params>, AppError>,
) -> Result<Response, AppError> {
    let (entries, total, page) = entries(&state, params).await?;
    Ok(Json(LedgerJson { total, page, entries }).into_response())
}
