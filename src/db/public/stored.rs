//! A revision exactly as stored, for `/meetings/{slug}/revisions/{n}.json`:
//! the content the PCC published, as its hash was computed, never read back
//! through today's types (which may have gained fields since).

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;

use crate::domain::MeetingSlug;

/// A revision as stored: its number, publication, reason, content hash and
/// content.
#[derive(Debug, Clone, Serialize)]
pub struct StoredRevision {
    /// The record's own key (not part of the JSON).
    #[serde(skip)]
    pub meeting_id: i64,
    pub number: i32,
    pub published_at: DateTime<Utc>,
    /// Why this revision corrected the one before; `None` for the first.
    pub reason: Option<String>,
    pub content_hash: String,
    pub content: serde_json::Value,
}

/// Revision `number` of the record at `slug` as stored, if the public may
/// read the record.
pub async fn revision(
    conn: &mut PgConnection,
    slug: &MeetingSlug,
    number: i32,
) -> super::Result<Option<StoredRevision>> {
    sqlx::query_as!(
        StoredRevision,
        r#"select r.meeting_id, r.number, r.published_at, r.reason, r.content_hash, r.content
           from public_revision p join revision r on r.meeting_id = p.meeting_id
           where p.slug = $1 and r.number = $2"#,
        slug.as_str(),
        number
    )
    .fetch_optional(conn)
    .await
}
