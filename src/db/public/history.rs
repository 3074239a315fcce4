//! The public history of records: every revision of a record the public may
//! read, the feed of publications and corrections, and the notice left by a
//! withdrawn record. Revisions are read only for records in the
//! `public_revision` view, so a draft or a withdrawn record shows nothing.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::types::Json;

use super::records::Published;
use crate::domain::MeetingSlug;
use crate::domain::record::{PublicQuestion, PublicRecord};

/// One revision of a record, as its history lists it.
#[derive(Debug, Clone)]
pub struct RevisionLine {
    pub number: i32,
    pub published_at: DateTime<Utc>,
    /// Why this revision corrected the one before; `None` for the first.
    pub reason: Option<String>,
}

/// A record's revision history, newest first, with its current title.
#[derive(Debug, Clone)]
pub struct History {
    pub meeting_id: i64,
    pub topic: String,
    pub held_on: NaiveDate,
    pub revisions: Vec<RevisionLine>,
}

/// Every revision of the record at `slug`, if the public may read it.
pub async fn revisions(conn: &mut PgConnection, slug: &MeetingSlug) -> super::Result<Option<History>> {
    let rows = sqlx::query!(
        r#"select r.number, r.published_at, r.reason, p.topic as "topic!", p.held_on as "held_on!",
                  p.meeting_id as "meeting_id!"
           from public_revision p join revision r on r.meeting_id = p.meeting_id
           where p.slug = $1 order by r.number desc"#,
        slug.as_str()
    )
    .fetch_all(conn)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    Ok(Some(History {
        meeting_id: first.meeting_id,
        topic: first.topic.clone(),
        held_on: first.held_on,
        revisions: rows
            .into_iter()
            .map(|r| RevisionLine {
                number: r.number,
                published_at: r.published_at,
                reason: r.reason,
            })
            .collect(),
    }))
}

/// One revision of a record the public may read, and the number of the
/// current one.
#[derive(Debug, Clone)]
pub struct PastRevision {
    pub published: Published,
    pub latest: i32,
}

/// Revision `number` of the record at `slug`, if the public may read it.
pub async fn revision(
    conn: &mut PgConnection,
    slug: &MeetingSlug,
    number: i32,
) -> super::Result<Option<PastRevision>> {
    let row = sqlx::query!(
        r#"select r.meeting_id, r.number, r.published_at, r.reason, r.content_hash,
                  r.content as "content: Json<PublicRecord>", r.content ? 'actions' as "frozen_actions!",
                  p.number as "latest!",
                  (select min(f.published_at) from revision f where f.meeting_id = r.meeting_id)
                      as "first_published_at!"
           from public_revision p join revision r on r.meeting_id = p.meeting_id
           where p.slug = $1 and r.number = $2"#,
        slug.as_str(),
        number
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let record = super::decode(
        &mut *conn,
        row.content,
        row.frozen_actions,
        row.meeting_id,
        row.number,
    )
    .await?;
    Ok(Some(PastRevision {
        published: Published {
            meeting_id: row.meeting_id,
            revision: row.number,
            published_at: row.published_at,
            first_published_at: row.first_published_at,
            reason: row.reason,
            content_hash: row.content_hash,
            record,
        },
        latest: row.latest,
    }))
}

/// One publication or correction, for the feed.
#[derive(Debug, Clone)]
pub struct FeedItem {
    pub slug: String,
    /// The content's `imported` part, for an imported record.
    pub imported: Option<serde_json::Value>,
    pub number: i32,
    pub published_at: DateTime<Utc>,
    pub reason: Option<String>,
    pub topic: String,
    pub held_on: NaiveDate,
    /// The questions as published in this revision, with the PCC's
    /// decisions; their evidence is left out (empty).
    pub questions: Json<Vec<PublicQuestion>>,
}

/// The latest `limit` publications and corrections of records the public may
/// read, newest first: the newest revisions by index, each kept if its
/// record is public.
pub async fn feed(conn: &mut PgConnection, limit: i64) -> super::Result<Vec<FeedItem>> {
    sqlx::query_as!(
        FeedItem,
        r#"select p.slug as "slug!", r.content->'imported' as imported, r.number, r.published_at, r.reason, r.topic, r.held_on,
                  -- An entry shows each question and its decision, not the
                  -- evidence (most of a revision's bytes): sent empty.
                  coalesce((select jsonb_agg(q || '{"evidence": {"items": []}}' order by n)
                            from jsonb_array_elements(r.content->'questions') with ordinality e(q, n)),
                           '[]') as "questions!: Json<Vec<PublicQuestion>>"
           from revision r join public_record p on p.meeting_id = r.meeting_id
           order by r.published_at desc, r.id desc
           limit $1"#,
        limit
    )
    .fetch_all(conn)
    .await
}

/// The revisions of withdrawn meeting `meeting_id`, newest first: its notice
/// keeps them listed (their dates and reasons, not their content). Nothing
/// for a meeting that is not withdrawn.
pub async fn withdrawn_revisions(
    conn: &mut PgConnection,
    meeting_id: i64,
) -> super::Result<Vec<RevisionLine>> {
    sqlx::query_as!(
        RevisionLine,
        "select r.number, r.published_at, r.reason from revision r join meeting m on m.id = r.meeting_id
         where r.meeting_id = $1 and m.status = 'withdrawn' order by r.number desc",
        meeting_id
    )
    .fetch_all(conn)
    .await
}

/// The notice a withdrawn record leaves.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    pub meeting_id: i64,
    pub slug: String,
    /// The topic and date of the record as last published.
    pub topic: String,
    pub held_on: NaiveDate,
    pub withdrawn_at: DateTime<Utc>,
    pub reason: String,
}

/// The withdrawal notice of the record at `slug`, if it was published and
/// then withdrawn. A record never published has no notice: it stays unknown.
pub async fn withdrawal(conn: &mut PgConnection, slug: &MeetingSlug) -> super::Result<Option<Withdrawal>> {
    sqlx::query_as!(
        Withdrawal,
        r#"select m.id as meeting_id, m.slug, r.topic, r.held_on, m.withdrawn_at as "withdrawn_at!", m.withdrawn_reason as "reason!"
           from meeting m
           join lateral (select topic, held_on from revision where meeting_id = m.id order by number desc limit 1) r
             on true
           where m.slug = $1 and m.status = 'withdrawn'"#,
        slug.as_str()
    )
    .fetch_optional(conn)
    .await
}
