//! Topics: every topic with a published record, and one topic over time, a
//! page at a time. Both read the tally of records by topic and year and the
//! index of public records by topic (migration 0016), so neither costs more
//! as the archive grows.

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::records::{Listed, Summary};

/// Every topic with a published record: (name as most recently written,
/// address form), by address.
pub async fn topics(conn: &mut PgConnection) -> super::Result<Vec<(String, String)>> {
    Ok(topic_lines(conn)
        .await?
        .into_iter()
        .map(|t| (t.topic, t.topic_slug))
        .collect())
}

/// A page of one topic's published records, newest first, with what the
/// topic holds in all.
#[derive(Debug, Clone)]
pub struct TopicPage {
    pub line: TopicLine,
    pub records: Vec<Summary>,
}

/// The published records on the topic at `topic_slug`, newest first, from
/// `offset`; `None` when the topic has none.
pub async fn on_topic(
    conn: &mut PgConnection,
    topic_slug: &str,
    limit: i64,
    offset: i64,
) -> super::Result<Option<TopicPage>> {
    let Some(line) = topic_line(conn, topic_slug).await? else {
        return Ok(None);
    };
    let records = sqlx::query_as!(
        Listed,
        r#"select slug, topic, topic_slug, held_on, number, published_at, decisions as "decisions: Vec<Option<String>>",
                  imported
           from public_record where topic_slug = $1
           order by held_on desc, slug
           limit $2 offset $3"#,
        topic_slug,
        limit,
        offset,
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(Summary::from)
    .collect();
    Ok(Some(TopicPage { line, records }))
}

/// A topic with published records.
#[derive(Debug, Clone)]
pub struct TopicLine {
    pub topic: String,
    pub topic_slug: String,
    pub records: i64,
    pub first: NaiveDate,
    pub latest: NaiveDate,
}

/// Every topic with a published record, by address. The name, first and
/// latest dates are each one probe of the index by topic.
pub async fn topic_lines(conn: &mut PgConnection) -> super::Result<Vec<TopicLine>> {
    sqlx::query_as!(
        TopicLine,
        r#"select latest.topic as "topic!", t.topic_slug as "topic_slug!", t.records as "records!",
                  (select min(f.held_on) from public_record f where f.topic_slug = t.topic_slug) as "first!",
                  latest.held_on as "latest!"
           from (select topic_slug, sum(records)::bigint as records from public_tally
                 group by topic_slug having sum(records) > 0) t
           cross join lateral (select l.topic, l.held_on from public_record l where l.topic_slug = t.topic_slug
                               order by l.held_on desc, l.slug limit 1) latest
           order by t.topic_slug"#
    )
    .fetch_all(conn)
    .await
}

/// The topic at `topic_slug`, if it has a published record.
async fn topic_line(conn: &mut PgConnection, topic_slug: &str) -> super::Result<Option<TopicLine>> {
    sqlx::query_as!(
        TopicLine,
        r#"select latest.topic as "topic!", t.topic_slug as "topic_slug!", t.records as "records!",
                  (select min(f.held_on) from public_record f where f.topic_slug = t.topic_slug) as "first!",
                  latest.held_on as "latest!"
           from (select topic_slug, sum(records)::bigint as records from public_tally
                 where topic_slug = $1 group by topic_slug having sum(records) > 0) t
           cross join lateral (select l.topic, l.held_on from public_record l where l.topic_slug = t.topic_slug
                               order by l.held_on desc, l.slug limit 1) latest"#,
        topic_slug
    )
    .fetch_optional(conn)
    .await
}
