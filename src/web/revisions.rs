//! `/meetings/{slug}/revisions`: a published record's revision history, and
//! each of its revisions as it was published: a correction's page marks
//! what it changed from the revision before, and `/revisions/{n}.json` is
//! the revision's content exactly as stored.

use crate::web::extract::Path;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};

use super::cache::{self, Scope};
use super::listing::Format;
use super::meetings::ShowPage;
use super::record_view::RecordView;
use super::{AppError, AppState, filters, withdrawn};
use crate::db::public::actions;
use crate::db::public::history::{self, History};
use crate::db::public::stored;
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
    let scope = Scope::Record(history.meeting_id);
    Ok(cache::keep(scope, RevisionsPage { slug, history }))
}

/// A revision's number as written plainly in its address (1, 2, 3…, not
/// "01" or "+1"), and whether its JSON was asked for (`2.json`).
fn revision_number(text: &str) -> Option<(i32, Format)> {
    let (number, format) = match text.strip_suffix(".json") {
        Some(number) => (number, Format::Json),
        None => (text, Format::Html),
    };
    let plain = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) && !number.starts_with('0');
    let number = number.parse::<i32>().ok().filter(|_| plain)?;
    Some((number, format))
}

async fn show(
    State(state): State<AppState>,
    Path((slug, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let slug = MeetingSlug::parse(&slug).ok_or(AppError::NotFound)?;
    let (number, format) = revision_number(&number).ok_or(AppError::NotFound)?;
    let mut conn = state.pool.acquire().await?;
    if format == Format::Json {
        return match stored::revision(&mut conn, &slug, number).await? {
            Some(revision) => Ok(cache::keep(Scope::Record(revision.meeting_id), Json(revision))),
            None => withdrawn::notice(&mut conn, &slug, format).await,
        };
    }
    let Some(past) = history::revision(&mut conn, &slug, number).await? else {
        // A withdrawn record answers 410 at every address; anything else 404.
        return withdrawn::notice(&mut conn, &slug, format).await;
    };
    // A correction's page marks what changed from the revision before.
    let before = match number {
        1 => None,
        n => history::revision(&mut conn, &slug, n - 1).await?,
    };
    let actions = actions::actions_of(&mut conn, past.published.meeting_id, number).await?;
    let changes_reason = before.as_ref().and(past.published.reason.clone());
    let superseded = past.published.revision < past.latest;
    let scope = Scope::Record(past.published.meeting_id);
    let withdrawals = crate::db::ledger::withdrawals(&mut conn, past.published.meeting_id).await?;
    let view = RecordView::published(
        past.published,
        actions,
        before.as_ref().map(|b| &b.published.record),
    );
    let page = ShowPage {
        superseded,
        view: if superseded { view.superseded() } else { view },
        changes_reason,
        withdrawals,
    };
    Ok(cache::keep(scope, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_numbers_are_written_plainly_with_or_without_json() {
        assert_eq!(revision_number("2"), Some((2, Format::Html)));
        assert_eq!(revision_number("12.json"), Some((12, Format::Json)));
        for bad in [
            "",
            "0",
            "01",
            "+1",
            "-1",
            ".json",
            "1.csv",
            "1.json.json",
            "99999999999",
        ] {
            assert_eq!(revision_number(bad), None, "{bad}");
        }
    }
}
