//! What the public may read, and the only way the public pages read the
//! database. Every read here goes through the published revisions (the
//! `public_revision` view) and what they froze, the status and progress of
//! the actions agreed in them, or the forward plan as staff published it;
//! nothing staff type reaches the public otherwise, so nothing here can
//! reach a draft.
//!
//! - `records`: the list of published records, one record, open data;
//! - `actions`: a revision's actions and the list of every action;
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
use sqlx::types::Json;
use tokio::sync::mpsc;

use super::Result;

/// Rows read one at a time by a task of their own and handed over as they
/// come, for downloads too long to build whole in memory (the open data
/// lists). The task ends, giving its connection back, when the rows end or
/// the receiver is dropped (a client that went away).
pub type RowStream<T> = mpsc::Receiver<Result<T>>;

/// How many rows wait, read but not yet written out.
const STREAM_AHEAD: usize = 256;
use crate::domain::record::PublicRecord;

/// Revision `number`'s content as the record it froze, read straight from
/// the row (`content as "content: Json<PublicRecord>"`, and `content ?
/// 'actions'` as `frozen_actions`). A revision published before actions
/// were frozen has them beside it (`revision_action`, taken when the change
/// was made), not in its content.
pub(crate) async fn decode(
    conn: &mut PgConnection,
    content: Json<PublicRecord>,
    frozen_actions: bool,
    meeting_id: i64,
    number: i32,
) -> Result<PublicRecord> {
    let Json(mut record) = content;
    if !frozen_actions {
        record.actions = actions::agreed_of(conn, meeting_id, number).await?;
    }
    Ok(record)
}

/// Whether the database answers.
pub async fn ping(conn: &mut PgConnection) -> Result<()> {
    sqlx::query!("select 1 as one").fetch_one(conn).await.map(|_| ())
}
