//! What the public may read, and the only way the public pages read the
//! database. Every read here goes through the published revisions (the
//! `public_revision` view), the live actions of the records in it, or the
//! forward plan staff publish; nothing staff type reaches the public
//! otherwise, so nothing here can reach a draft.
//!
//! - `records`: the list of published records, one record, open data;
//! - `actions`: a record's live actions and the list of every action;
//! - `topics`: topics, and one topic over time;
//! - `plan`: the forward plan;
//! - `history`: revisions, the feed and withdrawal notices;
//! - `stored`: a revision exactly as stored, for its JSON;
//! - `search`: full-text search.

pub mod actions;
pub mod history;
pub mod plan;
pub mod records;
pub mod search;
pub mod stored;
pub mod topics;

use sqlx::PgConnection;

use super::Result;

/// Whether the database answers.
pub async fn ping(conn: &mut PgConnection) -> Result<()> {
    sqlx::query!("select 1 as one").fetch_one(conn).await.map(|_| ())
}
