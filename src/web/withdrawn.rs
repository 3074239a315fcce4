//! What a withdrawn record's addresses answer: 410 Gone with a notice giving
//! the date and the reason, never the record itself: a withdrawn record
//! leaves a public notice with the reason, never a silent 404. The notice
//! keeps the record's history: its revisions, and every earlier withdrawal
//! and reinstatement. A reinstated record's page tells the same story.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgConnection;

use super::listing::Format;
use super::{AppError, filters};
use crate::db::ledger::{self, Entry};
use crate::db::public::history::{self, RevisionLine, Withdrawal};
use crate::domain::MeetingSlug;
use crate::domain::london;

#[derive(Template, WebTemplate)]
#[template(path = "meetings/withdrawn.html")]
struct WithdrawnPage {
    withdrawal: Withdrawal,
    revisions: Vec<RevisionLine>,
    /// Every withdrawal and reinstatement, oldest first; the last is this
    /// withdrawal.
    events: Vec<Entry>,
}

impl WithdrawnPage {
    /// The withdrawals and reinstatements before this withdrawal.
    fn earlier(&self) -> &[Entry] {
        &self.events[..self.events.len().saturating_sub(1)]
    }
}

/// The notice as open data.
#[derive(Serialize)]
struct WithdrawnJson {
    slug: String,
    /// The date in London.
    withdrawn_on: NaiveDate,
    reason: String,
    revisions: Vec<RevisionJson>,
    /// Every withdrawal and reinstatement, oldest first.
    history: Vec<EventJson>,
}

#[derive(Serialize)]
struct RevisionJson {
    number: i32,
    published_at: DateTime<Utc>,
    reason: Option<String>,
}

#[derive(Serialize)]
struct EventJson {
    event: String,
    at: DateTime<Utc>,
    on: NaiveDate,
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
    let revisions = history::withdrawn_revisions(conn, withdrawal.meeting_id).await?;
    let events = ledger::withdrawals(conn, withdrawal.meeting_id).await?;
    Ok(match format {
        // A spreadsheet asking for the CSV gets the notice a person can read.
        Format::Html | Format::Csv => (
            StatusCode::GONE,
            WithdrawnPage {
                withdrawal,
                revisions,
                events,
            },
        )
            .into_response(),
        Format::Json => (StatusCode::GONE, Json(json(withdrawal, revisions, events))).into_response(),
    })
}

fn json(withdrawal: Withdrawal, revisions: Vec<RevisionLine>, events: Vec<Entry>) -> WithdrawnJson {
    WithdrawnJson {
        withdrawn_on: london::date_of(withdrawal.withdrawn_at),
        slug: withdrawal.slug,
        reason: withdrawal.reason,
        revisions: revisions
            .into_iter()
            .map(|r| RevisionJson {
                number: r.number,
                published_at: r.published_at,
                reason: r.reason,
            })
            .collect(),
        history: events
            .into_iter()
            .map(|e| EventJson {
                on: london::date_of(e.at),
                event: e.event,
                at: e.at,
                reason: e.reason,
            })
            .collect(),
    }
}

/// The withdrawals and reinstatements as one sentence: "Withdrawn on 3 May
/// 2025 because it named a victim; reinstated on 6 May 2025 because the
/// name was removed."
pub fn story(events: &[Entry]) -> String {
    let parts: Vec<String> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let what = match (e.event.as_str(), i) {
                ("withdraw", 0) => "Withdrawn",
                ("withdraw", _) => "withdrawn again",
                _ => "reinstated",
            };
            let reason = e.reason.trim().trim_end_matches('.');
            format!(
                "{what} on {} because {}",
                filters::date_text(&e.at),
                lower_first(reason)
            )
        })
        .collect();
    format!("{}.", parts.join("; "))
}

/// "It named a victim" → "it named a victim", but "PCC asked" stays.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => first
            .to_lowercase()
            .chain(text[first.len_utf8()..].chars())
            .collect(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(event: &str, at: &str, reason: &str) -> Entry {
        Entry {
            id: 1,
            at: at.parse().unwrap(),
            slug: "2024-12-03-stalking".into(),
            event: event.into(),
            revision: None,
            content_hash: "0".repeat(64),
            reason: reason.into(),
            previous_hash: None,
            entry_hash: "1".repeat(64),
        }
    }

    #[test]
    fn the_story_gives_each_withdrawal_and_reinstatement_its_london_date_and_reason() {
        let events = [
            entry("withdraw", "2025-05-03T10:00:00Z", "It named a victim."),
            entry("reinstate", "2025-05-06T23:30:00Z", "The name was removed."),
            entry("withdraw", "2025-06-01T09:00:00Z", "PCC asked for it"),
        ];
        assert_eq!(
            story(&events),
            "Withdrawn on 3 May 2025 because it named a victim; \
             reinstated on 7 May 2025 because the name was removed; \
             withdrawn again on 1 June 2025 because PCC asked for it."
        );
    }
}
