//! `/meetings/{slug}/revisions`: a published record's revision history, and
//! each of its revisions as it was published.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::listing::Format;
use super::meetings::ShowPage;
use super::{AppError, AppState, filters, withdrawn};
use crate::db::public::actions;
use crate::db::public::history::{self, History};
use crate::domain::MeetingSlug;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meetings/{slug}/revisions", get(index))
        .route("/meetings/{slug}/revisions/{number}", get(show))
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings/revisions.html")]
struct RevisionsPage {
    slug: MeetingSlug,
    history: History,
}

impl RevisionsPage {
    /// The number of the current revision.
    fn latest(&self) -> i32 {
        self.history.revisions.first().map_or(0, |r| r.number)
    }
}

async fn index(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, AppError> {
    let slug = MeetingSlug::parse(&slug).ok_or(AppError::NotFound)?;
    let mut conn = state.pool.acquire().await?;
    let Some(history) = history::revisions(&mut conn, &slug).await? else {
        return withdrawn::notice(&mut conn, &slug, Format::Html).await;
    };
    Ok(RevisionsPage { slug, history }.into_response())
}

async fn show(
    State(state): State<AppState>,
    Path((slug, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let slug = MeetingSlug::parse(&slug).ok_or(AppError::NotFound)?;
    // Revision numbers are written plainly: 1, 2, 3… ("01" or "+1" is not one).
    let number = Some(number.as_str())
        .filter(|n| n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0'))
        .and_then(|n| n.parse::<i32>().ok())
        .ok_or(AppError::NotFound)?;
    let mut conn = state.pool.acquire().await?;
    let Some(past) = history::revision(&mut conn, &slug, number).await? else {
        // A withdrawn record answers 410 at every address; anything else 404.
        return withdrawn::notice(&mut conn, &slug, Format::Html).await;
    };
    let actions = actions::actions_of(&mut conn, past.published.meeting_id).await?;
    Ok(ShowPage {
        withdrawals: crate::db::ledger::withdrawals(&mut conn, past.published.meeting_id).await?,
        superseded: past.published.revision < past.latest,
        published: past.published,
        actions,
    }
    .into_response())
}
