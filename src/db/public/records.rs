//! Published records: the list with its filters, one record's latest
//! revision, and every record as open data.

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres};

use crate::domain::record::{PublicDecision, PublicRecord};
use crate::domain::{Decision, MeetingSlug};

/// Filters of the list of records; `None` means any.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ListFilter {
    pub topic_slug: Option<String>,
    pub year: Option<i32>,
    pub decision: Option<Decision>,
}

/// One published record in a list.
#[derive(Debug, Clone)]
pub struct Summary {
    pub slug: String,
    pub topic: String,
    pub topic_slug: String,
    pub held_on: NaiveDate,
    pub revision: i32,
    pub published_at: DateTime<Utc>,
    /// Each question's decision, in order; `None` where none was recorded.
    pub decisions: Vec<Option<Decision>>,
}

/// A page of published records, newest meeting first, and how many match.
pub async fn list(
    conn: &mut PgConnection,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> super::Result<(Vec<Summary>, i64)> {
    let rows = sqlx::query!(
        // The decisions are read from the content of the page's rows only:
        // reading every matching record's content before the limit made a
        // list of 1,000 records ten times slower.
        r#"select slug as "slug!", topic as "topic!", topic_slug as "topic_slug!", held_on as "held_on!",
                  number as "number!", published_at as "published_at!",
                  jsonb_path_query_array(content, '$.questions[*].decision') as "decisions!",
                  total as "total!"
           from (select slug, topic, topic_slug, held_on, number, published_at, content,
                        count(*) over () as total
                 from public_revision
                 where ($1::text is null or topic_slug = $1)
                   and ($2::int is null or extract(year from held_on) = $2)
                   and ($3::jsonb is null or content->'questions' @> $3)
                 order by held_on desc, slug
                 limit $4 offset $5) page
           order by held_on desc, slug"#,
        filter.topic_slug,
        filter.year,
        decision_filter(filter),
        limit,
        offset,
    )
    .fetch_all(&mut *conn)
    .await?;
    let total = match rows.first() {
        Some(row) => row.total,
        // Past the last page the window count is lost; count again.
        None if offset > 0 => count(conn, filter).await?,
        None => 0,
    };
    let summaries = rows
        .into_iter()
        .map(|r| Summary {
            decisions: decisions_of(&r.decisions),
            slug: r.slug,
            topic: r.topic,
            topic_slug: r.topic_slug,
            held_on: r.held_on,
            revision: r.number,
            published_at: r.published_at,
        })
        .collect();
    Ok((summaries, total))
}

async fn count(conn: &mut PgConnection, filter: &ListFilter) -> super::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from public_revision
           where ($1::text is null or topic_slug = $1)
             and ($2::int is null or extract(year from held_on) = $2)
             and ($3::jsonb is null or content->'questions' @> $3)"#,
        filter.topic_slug,
        filter.year,
        decision_filter(filter),
    )
    .fetch_one(conn)
    .await
}

/// The containment test (`content->'questions' @> $n`) that keeps records
/// with at least one question decided as the filter asks.
pub(super) fn decision_filter(filter: &ListFilter) -> Option<Value> {
    filter
        .decision
        .map(|d| serde_json::json!([{ "decision": { "value": d.code() } }]))
}

/// Each question's decision, from `jsonb_path_query_array(content,
/// '$.questions[*].decision')`.
pub(super) fn decisions_of(value: &Value) -> Vec<Option<Decision>> {
    let Some(items) = value.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .map(|d| {
            serde_json::from_value::<PublicDecision>(d.clone())
                .ok()
                .map(|d| d.value)
        })
        .collect()
}

/// Every year with a published record, newest first.
pub async fn years(conn: &mut PgConnection) -> super::Result<Vec<i32>> {
    sqlx::query_scalar!(
        r#"select distinct extract(year from held_on)::int as "year!" from public_revision order by 1 desc"#
    )
    .fetch_all(conn)
    .await
}

/// A published record as the public reads it.
#[derive(Debug, Clone)]
pub struct Published {
    pub meeting_id: i64,
    pub revision: i32,
    pub published_at: DateTime<Utc>,
    pub first_published_at: DateTime<Utc>,
    pub reason: Option<String>,
    pub content_hash: String,
    pub record: PublicRecord,
}

/// The latest revision of the record at `slug`, if the public may see it.
pub async fn find(conn: &mut PgConnection, slug: &MeetingSlug) -> super::Result<Option<Published>> {
    let row = sqlx::query!(
        r#"select p.meeting_id as "meeting_id!", p.number as "number!", p.published_at as "published_at!",
                  p.reason, p.content_hash as "content_hash!", p.content as "content!",
                  (select min(published_at) from revision r where r.meeting_id = p.meeting_id) as "first_published_at!"
           from public_revision p where p.slug = $1"#,
        slug.as_str()
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let record = super::decode(&mut *conn, row.content, row.meeting_id, row.number).await?;
    Ok(Some(Published {
        meeting_id: row.meeting_id,
        revision: row.number,
        published_at: row.published_at,
        first_published_at: row.first_published_at,
        reason: row.reason,
        content_hash: row.content_hash,
        record,
    }))
}

/// A published record as one row of `/meetings.csv`.
#[derive(Debug, Clone)]
pub struct RecordRow {
    pub slug: String,
    pub topic: String,
    pub topic_slug: String,
    pub held_on: NaiveDate,
    pub kind: String,
    pub place: String,
    pub revision: i32,
    pub published_at: DateTime<Utc>,
    pub first_published_at: DateTime<Utc>,
    pub correction_reason: Option<String>,
    pub decisions: Vec<Option<crate::domain::Decision>>,
    pub actions: i64,
}

/// Every published record, newest meeting first, for open data, read as
/// the download is written.
pub fn all_records(mut conn: PoolConnection<Postgres>) -> super::RowStream<RecordRow> {
    let (rows_out, rows_in) = tokio::sync::mpsc::channel(super::STREAM_AHEAD);
    tokio::spawn(async move {
        let mut rows = sqlx::query!(
            r#"select p.slug as "slug!", p.topic as "topic!", p.topic_slug as "topic_slug!", p.held_on as "held_on!",
                      coalesce(p.content->>'kind', '') as "kind!", coalesce(p.content->>'place', '') as "place!",
                      p.number as "number!", p.published_at as "published_at!", p.reason,
                      (select min(r.published_at) from revision r where r.meeting_id = p.meeting_id) as "first_published_at!",
                      jsonb_path_query_array(p.content, '$.questions[*].decision') as "decisions!",
                      (select count(*) from revision_action a where a.revision_id = p.id) as "actions!"
               from public_revision p order by p.held_on desc, p.slug"#
        )
        .fetch(&mut *conn);
        while let Some(row) = rows.next().await {
            let row = row.map(|r| RecordRow {
                decisions: decisions_of(&r.decisions),
                slug: r.slug,
                topic: r.topic,
                topic_slug: r.topic_slug,
                held_on: r.held_on,
                kind: r.kind,
                place: r.place,
                revision: r.number,
                published_at: r.published_at,
                first_published_at: r.first_published_at,
                correction_reason: r.reason,
                actions: r.actions,
            });
            if rows_out.send(row).await.is_err() {
                break;
            }
        }
    });
    rows_in
}
