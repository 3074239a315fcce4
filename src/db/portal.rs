//! The public portal's reads beyond a single record: a topic over time, every
//! published action, the forward plan, and the list of records as open data.
//! Like `public`, everything here reads `public_revision` (and the live
//! actions of the records in it) or the forward plan staff publish.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgConnection;

use super::public::{Summary, decisions_of};
use crate::domain::record::{ActionStatus, ProgressNote};

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

/// Filters of the list of actions; `None` and `false` mean any.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ActionFilter {
    pub status: Option<ActionStatus>,
    pub owner: Option<String>,
    /// Only actions past their due date and not done or carried forward.
    pub overdue: bool,
}

/// An action of a published record, with the record it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct ListedAction {
    pub slug: String,
    pub topic: String,
    pub held_on: NaiveDate,
    pub number: i32,
    pub text: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    pub status: ActionStatus,
    pub overdue: bool,
    pub progress: Vec<ProgressNote>,
}

/// Actions of published records, newest meeting first, and how many match.
/// `limit` of `None` gives them all (for open data). `today` decides what is
/// overdue.
pub async fn actions(
    conn: &mut PgConnection,
    filter: &ActionFilter,
    today: NaiveDate,
    limit: Option<i64>,
    offset: i64,
) -> super::Result<(Vec<ListedAction>, i64)> {
    let rows = sqlx::query!(
        r#"select p.slug as "slug!", p.topic as "topic!", p.held_on as "held_on!", a.number, a.body,
                  a.owner, a.due_on, a.status,
                  coalesce(a.due_on < $4 and a.status in ('open', 'in_progress'), false) as "overdue!",
                  coalesce((select jsonb_agg(jsonb_build_object('noted_on', n.noted_on, 'note', n.note)
                                     order by n.noted_on, n.id)
                            from action_progress n where n.action_id = a.id), '[]') as "progress!",
                  count(*) over () as "total!"
           from action a join public_revision p on p.meeting_id = a.meeting_id
           where ($1::text is null or a.status = $1)
             and ($2::text is null or a.owner = $2)
             and (not $3 or (a.due_on < $4 and a.status in ('open', 'in_progress')))
           order by p.held_on desc, p.slug, a.number
           limit $5 offset $6"#,
        filter.status.map(ActionStatus::code),
        filter.owner,
        filter.overdue,
        today,
        limit,
        offset,
    )
    .fetch_all(conn)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    let actions = rows
        .into_iter()
        .map(|r| {
            let progress =
                serde_json::from_value(r.progress).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok(ListedAction {
                slug: r.slug,
                topic: r.topic,
                held_on: r.held_on,
                number: r.number,
                text: r.body,
                owner: r.owner,
                due_on: r.due_on,
                status: ActionStatus::from_code(&r.status).unwrap_or(ActionStatus::Open),
                overdue: r.overdue,
                progress,
            })
        })
        .collect::<super::Result<Vec<_>>>()?;
    Ok((actions, total))
}

/// Everyone named as the owner of an action of a published record.
pub async fn action_owners(conn: &mut PgConnection) -> super::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"select distinct a.owner as "owner!" from action a
           where a.owner <> '' and exists (select 1 from public_revision p where p.meeting_id = a.meeting_id)
           order by 1"#
    )
    .fetch_all(conn)
    .await
}

/// Where an entry of the forward plan comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanSource {
    /// Planned by staff on the forward plan; its id.
    Planned(i64),
    /// A "re-visit" action of a published record: the record and action.
    Revisit { slug: String, number: i32 },
}

/// A topic on the forward plan.
#[derive(Debug, Clone)]
pub struct PlanItem {
    pub topic: String,
    /// `None` for a re-visit action with no due date yet.
    pub planned_on: Option<NaiveDate>,
    pub note: String,
    pub source: PlanSource,
    /// When the entry last changed (for calendar clients).
    pub changed_at: DateTime<Utc>,
}

/// The forward plan from `today` on: what staff planned, and the re-visit
/// actions of published records that are not done, soonest first, undated
/// re-visits last.
pub async fn forward_plan(conn: &mut PgConnection, today: NaiveDate) -> super::Result<Vec<PlanItem>> {
    let rows = sqlx::query!(
        r#"select f.id as "id!", f.topic as "topic!", f.planned_on, f.note as "note!",
                  null::text as slug, null::int as number, f.updated_at as "changed_at!"
           from forward_plan f where f.planned_on >= $1
           union all
           select a.id, a.revisit_topic, a.due_on, a.body, p.slug, a.number, p.published_at
           from action a join public_revision p on p.meeting_id = a.meeting_id
           where a.revisit_topic is not null and a.status <> 'done' and (a.due_on is null or a.due_on >= $1)
           order by 3 nulls last, 2, 1"#,
        today
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PlanItem {
            source: match (r.slug, r.number) {
                (Some(slug), Some(number)) => PlanSource::Revisit { slug, number },
                _ => PlanSource::Planned(r.id),
            },
            topic: r.topic,
            planned_on: r.planned_on,
            note: r.note,
            changed_at: r.changed_at,
        })
        .collect())
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

/// Every published record, newest meeting first, for open data.
pub async fn all_records(conn: &mut PgConnection) -> super::Result<Vec<RecordRow>> {
    let rows = sqlx::query!(
        r#"select p.slug as "slug!", p.topic as "topic!", p.topic_slug as "topic_slug!", p.held_on as "held_on!",
                  coalesce(p.content->>'kind', '') as "kind!", coalesce(p.content->>'place', '') as "place!",
                  p.number as "number!", p.published_at as "published_at!", p.reason,
                  (select min(r.published_at) from revision r where r.meeting_id = p.meeting_id) as "first_published_at!",
                  jsonb_path_query_array(p.content, '$.questions[*].decision') as "decisions!",
                  (select count(*) from action a where a.meeting_id = p.meeting_id) as "actions!"
           from public_revision p order by p.held_on desc, p.slug"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RecordRow {
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
