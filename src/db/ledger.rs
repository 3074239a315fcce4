//! The publication ledger: an append-only, hash-chained list of every
//! publication, correction, withdrawal and reinstatement
//! (migrations/0008_ledger.sql). It is public: it names only records that
//! were published.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Publish,
    Correct,
    Withdraw,
    Reinstate,
}

impl Event {
    /// The value stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Event::Publish => "publish",
            Event::Correct => "correct",
            Event::Withdraw => "withdraw",
            Event::Reinstate => "reinstate",
        }
    }
}

/// Appends an entry in the caller's transaction (the one that publishes,
/// corrects or withdraws); returns its hash.
pub async fn append(
    conn: &mut PgConnection,
    meeting_id: i64,
    event: Event,
    revision: Option<i32>,
    content_hash: &str,
    reason: &str,
) -> super::Result<String> {
    sqlx::query_scalar!(
        r#"select ledger_append($1, $2, $3, $4, $5, now()) as "hash!""#,
        meeting_id,
        event.code(),
        revision,
        content_hash,
        reason
    )
    .fetch_one(conn)
    .await
}

/// The content hash of the latest revision of meeting `meeting_id`.
pub async fn latest_content_hash(conn: &mut PgConnection, meeting_id: i64) -> super::Result<String> {
    sqlx::query_scalar!(
        "select content_hash from revision where meeting_id = $1 order by number desc limit 1",
        meeting_id
    )
    .fetch_one(conn)
    .await
}

/// One entry, as the ledger shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub slug: String,
    pub event: String,
    pub revision: Option<i32>,
    pub content_hash: String,
    pub reason: String,
    pub previous_hash: Option<String>,
    pub entry_hash: String,
}

/// Entries newest first, a page of `limit` from `offset`, and how many there
/// are in all.
pub async fn page(conn: &mut PgConnection, limit: i64, offset: i64) -> super::Result<(Vec<Entry>, i64)> {
    let entries = sqlx::query_as!(
        Entry,
        r#"select id, at, slug, event, revision_number as revision, content_hash, reason, previous_hash, entry_hash
           from ledger_entry order by id desc limit $1 offset $2"#,
        limit,
        offset
    )
    .fetch_all(&mut *conn)
    .await?;
    let total = sqlx::query_scalar!(r#"select count(*) as "n!" from ledger_entry"#)
        .fetch_one(conn)
        .await?;
    Ok((entries, total))
}

/// The hash of the latest entry, which every earlier entry is chained into;
/// `None` while the ledger is empty. The feed carries it, so that a reader
/// can compare it with `/ledger.json`.
pub async fn head(conn: &mut PgConnection) -> super::Result<Option<String>> {
    sqlx::query_scalar!("select entry_hash from ledger_entry order by id desc limit 1")
        .fetch_optional(conn)
        .await
}

/// The withdrawals and reinstatements of meeting `meeting_id`, oldest
/// first: the story its page and its withdrawal notice tell.
pub async fn withdrawals(conn: &mut PgConnection, meeting_id: i64) -> super::Result<Vec<Entry>> {
    sqlx::query_as!(
        Entry,
        r#"select id, at, slug, event, revision_number as revision, content_hash, reason, previous_hash, entry_hash
           from ledger_entry where meeting_id = $1 and event in ('withdraw', 'reinstate') order by id"#,
        meeting_id
    )
    .fetch_all(conn)
    .await
}

/// Every entry, oldest first, for `scrutiny verify`.
pub async fn all(conn: &mut PgConnection) -> super::Result<Vec<Entry>> {
    sqlx::query_as!(
        Entry,
        r#"select id, at, slug, event, revision_number as revision, content_hash, reason, previous_hash, entry_hash
           from ledger_entry order by id"#
    )
    .fetch_all(conn)
    .await
}

/// A published revision as stored, for `scrutiny verify`.
#[derive(Debug, Clone)]
pub struct StoredRevision {
    pub slug: String,
    pub number: i32,
    pub content: serde_json::Value,
    pub content_hash: String,
    /// The agreed actions kept beside it (`revision_action`), in the form
    /// of the content's `actions`.
    pub actions: serde_json::Value,
}

/// Every revision, by record and number.
pub async fn revisions(conn: &mut PgConnection) -> super::Result<Vec<StoredRevision>> {
    sqlx::query_as!(
        StoredRevision,
        r#"select m.slug, r.number, r.content, r.content_hash,
                  coalesce((select jsonb_agg(jsonb_build_object('number', a.number, 'text', a.body, 'owner', a.owner,
                                                                'due_on', a.due_on, 'revisit_topic', a.revisit_topic)
                                             order by a.number)
                            from revision_action a where a.revision_id = r.id), '[]') as "actions!"
           from revision r join meeting m on m.id = r.meeting_id order by m.slug, r.number"#
    )
    .fetch_all(conn)
    .await
}
