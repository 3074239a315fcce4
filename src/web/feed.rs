//! `/feed.atom`: one entry per publication or correction of a record the
//! public may read, newest first. Its times are London's (with their
//! offset), and its subtitle carries the hash of the latest ledger entry, so
//! that a reader can compare it with `/ledger.json`.

use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;

use super::{AppError, AppState, filters};
use crate::db::ledger;
use crate::db::public::history::{self, FeedItem};
use crate::domain::london;
use crate::domain::record::Imported;

/// Entries in the feed.
pub const FEED_SIZE: i64 = 50;

/// The feed's media type.
const ATOM: &str = "application/atom+xml; charset=utf-8";

pub fn router() -> Router<AppState> {
    Router::new().route("/feed.atom", get(feed))
}

/// What the feed is, and where the ledger stood when it was written.
fn subtitle(head: Option<&str>) -> String {
    let about = "Records of the Police and Crime Commissioner's scrutiny meetings, as they are published and corrected";
    match head {
        Some(hash) => format!("{about}. Latest ledger entry: {hash} (compare /ledger.json)"),
        None => format!("{about}."),
    }
}

async fn feed(State(state): State<AppState>) -> Result<Response, AppError> {
    let mut conn = state.pool.acquire().await?;
    let items = history::feed(&mut conn, FEED_SIZE).await?;
    let head = ledger::head(&mut conn).await?;
    drop(conn);
    let site = super::site::current();
    let base = site.public_url.as_str();
    let updated = items.first().map_or_else(Utc::now, |i| i.published_at);
    let mut links = vec![
        link(format!("{base}/feed.atom"), "self"),
        link(format!("{base}/"), "alternate"),
    ];
    if head.is_some() {
        links.push(Link {
            href: format!("{base}/ledger.json"),
            rel: "related".into(),
            mime_type: Some("application/json".into()),
            title: Some("The publication ledger".into()),
            ..Link::default()
        });
    }
    let feed = Feed {
        title: Text::plain(format!("Scrutiny records: {}", site.office_name)),
        subtitle: Some(Text::plain(subtitle(head.as_deref()))),
        id: format!("{base}/feed.atom"),
        updated: london::local(updated).fixed_offset(),
        authors: vec![Person {
            name: site.office_name.clone(),
            email: (!site.contact_email.is_empty()).then(|| site.contact_email.clone()),
            uri: Some(format!("{base}/")),
            ..Person::default()
        }],
        links,
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
    let published: FixedDateTime = london::local(item.published_at).fixed_offset();
    let mut title = format!("{}, {}", item.topic, filters::date_text(&item.held_on));
    if item.number > 1 {
        title.push_str(" (corrected)");
    }
    let imported = item
        .imported
        .clone()
        .and_then(|value| serde_json::from_value::<Imported>(value).ok());
    let summary = match (&item.reason, imported) {
        (Some(reason), _) => format!("Corrected: {reason}"),
        (None, Some(imported)) => match imported.original_published_on {
            Some(original) => format!(
                "First published here; imported from notes originally published on {}.",
                filters::date_text(&original)
            ),
            None => "First published here; imported from earlier notes whose original publication date is not known."
                .to_owned(),
        },
        (None, None) => "First published.".to_owned(),
    };
    let summary = format!("{summary}{}", decisions(item));
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

/// The revision's questions and the PCC's decision on each, as a feed
/// reader shows them under the entry's title: " 1. Question? Assured." Each
/// question is its outline's text on one line.
fn decisions(item: &FeedItem) -> String {
    let imported = item.imported.is_some();
    item.questions
        .iter()
        .map(|q| {
            let text = q.text.paragraphs().join(" ");
            let decision = match (&q.decision, imported) {
                (Some(d), _) => format!("PCC's decision: {}.", d.value.label()),
                (None, true) => "No decision in the original notes.".to_owned(),
                (None, false) => "No decision recorded.".to_owned(),
            };
            format!(" {}. {text} {decision}", q.number)
        })
        .collect()
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
