//! What a withdrawn record's addresses answer: 410 Gone with a notice giving
//! the date and the reason, never the record itself: a withdrawn record
//! leaves a public notice with the reason, never a silent 404.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::PgConnection;

use super::listing::Format;
use super::{AppError, filters};
use crate::db::public::history::{self, Withdrawal};
use crate::domain::MeetingSlug;

#[derive(Template, WebTemplate)]
#[template(path = "meetings/withdrawn.html")]
struct WithdrawnPage {
    withdrawal: Withdrawal,
}

/// The notice as open data.
#[derive(Serialize)]
struct WithdrawnJson {
    slug: String,
    withdrawn_on: NaiveDate,
    reason: String,
}

/// The answer for a record the public cannot read at `slug`: its withdrawal
/// notice (410) if it was published and withdrawn, otherwise "not found".
pub(super) async fn notice(
    conn: &mut PgConnection,
    slug: &MeetingSlug,
    format: Format,
) -> Result<Response, AppError> {
    let withdrawal = history::withdrawal(conn, slug).await?.ok_or(AppError::NotFound)?;
    Ok(match format {
        // A spreadsheet asking for the CSV gets the notice a person can read.
        Format::Html | Format::Csv => (StatusCode::GONE, WithdrawnPage { withdrawal }).into_response(),
        Format::Json => (
            StatusCode::GONE,
            Json(WithdrawnJson {
                withdrawn_on: withdrawal.withdrawn_at.date_naive(),
                slug: withdrawal.slug,
                reason: withdrawal.reason,
            }),
        )
            .into_response(),
    })
}
