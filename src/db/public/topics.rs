//! Topics: every topic with a published record, and one topic over time.

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::records::{Summary, decisions_of};

/// Every topic with a published record: (name, address form), by name.
pub async fn topics(conn: &mut PgConnection) -> super::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"select distinct on (topic_slug) topic as "topic!", topic_slug as "topic_slug!"
           from public_revision order by topic_slug, held_on desc"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.topic, r.topic_slug)).collect())
}

/// Every published record on the topic at `topic_slug`, oldest first.
pub async fn on_topic(conn: &mut PgConnection, topic_slug: &str) -> super::Result<Vec<Summary>> {
    let rows = sqlx::query!(
        r#"select slug as "slug!", topic as "topic!", topic_slug as "topic_slug!", held_on as "held_on!",
                  number as "number!", published_at as "published_at!",
                  jsonb_path_query_array(content, '$.questions[*].decision') as "decisions!"
           from public_revision where topic_slug = $1
           order by held_on, slug"#,
        topic_slug
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
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
        .collect())
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

/// Every topic with a published record, by name (as most recently written).
pub async fn topic_lines(conn: &mut PgConnection) -> super::Result<Vec<TopicLine>> {
    sqlx::query_as!(
        TopicLine,
        r#"select (array_agg(topic order by held_on desc))[1] as "topic!", topic_slug as "topic_slug!",
                  count(*) as "records!", min(held_on) as "first!", max(held_on) as "latest!"
           from public_revision group by topic_slug order by topic_slug"#
    )
    .fetch_all(conn)
    .await
}
