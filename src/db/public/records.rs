//! Published records: the list with its filters, one record's latest
//! revision, and every record as open data.

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::types::Json;
use sqlx::{PgConnection, Postgres};

use crate::domain::record::{PublicAction, PublicDecision, PublicRecord};
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
    /// Imported from notes: a question without a decision had none in them.
    pub from_notes: bool,
}

/// A page of published records, newest meeting first, and how many match.
/// Both read data kept for the purpose (migration 0016): the page is an
/// index range of `public_record`, the count a sum over `public_tally`, so
/// neither costs more as the archive grows.
pub async fn list(
    conn: &mut PgConnection,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> super::Result<(Vec<Summary>, i64)> {
    let (from, to) = year_range(filter.year);
    let mut tx = crate::db::planned_for_parameters(conn).await?;
    let summaries = sqlx::query_as!(
        Listed,
        r#"select slug, topic, topic_slug, held_on, number, published_at, decisions as "decisions: Vec<Option<String>>",
                  imported
           from public_record
           where ($1::text is null or topic_slug = $1)
             and ($2::date is null or (held_on >= $2 and held_on < $3))
             and ($4::text is null or $4 = any(decisions))
           order by held_on desc, slug
           limit $5 offset $6"#,
        filter.topic_slug,
        from,
        to,
        filter.decision.map(Decision::code),
        limit,
        offset,
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(Summary::from)
    .collect();
    let total = count(&mut tx, filter).await?;
    tx.commit().await?;
    Ok((summaries, total))
}

/// A list's row of `public_record`.
pub(super) struct Listed {
    pub slug: String,
    pub topic: String,
    pub topic_slug: String,
    pub held_on: NaiveDate,
    pub number: i32,
    pub published_at: DateTime<Utc>,
    pub decisions: Vec<Option<String>>,
    pub imported: bool,
}

impl From<Listed> for Summary {
    fn from(r: Listed) -> Summary {
        Summary {
            decisions: r
                .decisions
                .iter()
                .map(|d| d.as_deref().and_then(Decision::from_code))
                .collect(),
            slug: r.slug,
            topic: r.topic,
            topic_slug: r.topic_slug,
            held_on: r.held_on,
            revision: r.number,
            published_at: r.published_at,
            from_notes: r.imported,
        }
    }
}

/// The first day of `year` and of the year after.
pub(super) fn year_range(year: Option<i32>) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let day = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1);
    match year {
        Some(y) => (day(y), day(y.saturating_add(1))),
        None => (None, None),
    }
}

/// How many published records match `filter`, from the tally of records by
/// topic and year.
async fn count(conn: &mut PgConnection, filter: &ListFilter) -> super::Result<i64> {
    sqlx::query_scalar!(
        r#"select coalesce(sum(case $3::text when 'assured' then assured
                                             when 'partly_assured' then partly_assured
                                             when 'not_assured' then not_assured
                                             else records end), 0)::bigint as "n!"
           from public_tally
           where ($1::text is null or topic_slug = $1) and ($2::int is null or year = $2)"#,
        filter.topic_slug,
        filter.year,
        filter.decision.map(Decision::code),
    )
    .fetch_one(conn)
    .await
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
        r#"select year as "year!" from public_tally group by year having sum(records) > 0 order by 1 desc"#
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

/// A record's public page: the latest revision, the actions agreed in it
/// with their progress since, and whether it was ever reinstated after a
/// withdrawal (whose story the page then tells, from the ledger).
#[derive(Debug, Clone)]
pub struct RecordPage {
    pub published: Published,
    pub actions: Vec<PublicAction>,
    pub reinstated: bool,
}

/// The page of the record at `slug`, if the public may see it, in one
/// statement: its kept row found by address, the revision it names, and
/// that revision's actions with their live status and notes.
pub async fn page(conn: &mut PgConnection, slug: &MeetingSlug) -> super::Result<Option<RecordPage>> {
    let row = sqlx::query!(
        r#"select p.meeting_id, p.number, p.published_at, p.first_published_at,
                  r.reason, r.content_hash, r.content as "content: Json<PublicRecord>",
                  r.content ? 'actions' as "frozen_actions!",
                  coalesce((select jsonb_agg(jsonb_build_object(
                                'number', ra.number, 'text', ra.body, 'owner', ra.owner, 'due_on', ra.due_on,
                                'status', a.status,
                                'status_changed_on', (a.status_changed_at at time zone 'Europe/London')::date,
                                'progress', coalesce((select jsonb_agg(jsonb_build_object('noted_on', n.noted_on, 'note', n.note)
                                                                       order by n.noted_on, n.id)
                                                      from action_progress n where n.action_id = a.id), '[]'))
                                order by ra.number)
                            from revision_action ra join action a on a.id = ra.action_id
                            where ra.revision_id = p.revision_id), '[]') as "actions!: Json<Vec<PublicAction>>",
                  exists (select 1 from ledger_entry l
                          where l.meeting_id = p.meeting_id and l.event = 'reinstate') as "reinstated!"
           from public_record p join revision r on r.id = p.revision_id
           where p.slug = $1"#,
        slug.as_str()
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
    Ok(Some(RecordPage {
        published: Published {
            meeting_id: row.meeting_id,
            revision: row.number,
            published_at: row.published_at,
            first_published_at: row.first_published_at,
            reason: row.reason,
            content_hash: row.content_hash,
            record,
        },
        actions: row.actions.0,
        reinstated: row.reinstated,
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
