//! `/feed.atom`: one entry per publication or correction of a record the
//! public may read, newest first.

use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;

use super::{AppError, AppState, filters};
use crate::db::public::history::{self, FeedItem};

/// Entries in the feed.
pub const FEED_SIZE: i64 = 50;

/// The feed's media type.
const ATOM: &str = "application/atom+xml; charset=utf-8";

pub fn router() -> Router<AppState> {
    Router::new().route("/feed.atom", get(feed))
}

async fn feed(State(state): State<AppState>) -> Result<Response, AppError> {
    let items = history::feed(&mut *state.pool.acquire().await?, FEED_SIZE).await?;
    let base = state.public_url.as_str();
    let updated = items.first().map_or_else(Utc::now, |i| i.published_at);
    let feed = Feed {
        title: Text::plain("Scrutiny records"),
        subtitle: Some(Text::plain(
            "Records of the Police and Crime Commissioner's scrutiny meetings, as they are published and corrected",
        )),
        id: format!("{base}/feed.atom"),
        updated: updated.fixed_offset(),
        authors: vec![Person {
            name: "Office of the Police and Crime Commissioner".into(),
            ..Person::default()
        }],
        links: vec![
            link(format!("{base}/feed.atom"), "self"),
            link(format!("{base}/"), "alternate"),
        ],
        lang: Some("en-GB".into()),
        entries: items.iter().map(|item| entry(base, item)).collect(),
        ..Feed::default()
    };
    let xml = feed
        .write_to(Vec::new())
        .map_err(|e| AppError::Other(anyhow::Error::new(e).context("writing the Atom feed")))?;
    Ok(([(header::CONTENT_TYPE, ATOM)], xml).into_response())
}

/// One publication (revision 1) or correction (any later revision).
fn entry(base: &str, item: &FeedItem) -> Entry {
    let record = format!("{base}/meetings/{}", item.slug);
    let published: FixedDateTime = item.published_at.fixed_offset();
    let mut title = format!("{}, {}", item.topic, filters::date_text(&item.held_on));
    if item.number > 1 {
        title.push_str(" (corrected)");
    }
    let summary = match &item.reason {
        Some(reason) => format!("Corrected: {reason}"),
        None => "First published.".to_owned(),
    };
    Entry {
        title: Text::plain(title),
        // The revision's own address: it names this publication for ever.
        id: format!("{record}/revisions/{}", item.number),
        updated: published,
        published: Some(published),
        links: vec![link(record, "alternate")],
        summary: Some(Text::plain(summary)),
        ..Entry::default()
    }
}

fn link(href: String, rel: &str) -> Link {
    Link {
        href,
        rel: rel.to_owned(),
        mime_type: Some(
            if rel == "self" {
                "application/atom+xml"
            } else {
                "text/html"
            }
            .to_owned(),
        ),
        ..Link::default()
    }
}
