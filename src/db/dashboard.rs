//! What the staff dashboard lists.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::domain::MeetingStatus;

/// A meeting in one of the dashboard's lists.
#[derive(Debug, Clone)]
pub struct MeetingLine {
    pub id: i64,
    pub slug: String,
    pub topic: String,
    pub held_on: NaiveDate,
    pub status: MeetingStatus,
    pub updated_at: DateTime<Utc>,
    pub review_comment: String,
    /// A revision of it is public: a draft is then a correction.
    pub public: bool,
    /// Who created it (a name, else an email); `None` for an import or the
    /// demo.
    pub author: Option<String>,
    /// Created by the account looking, or by nobody (an import).
    pub mine: bool,
}

/// The team's drafts (first `account_id`'s own and those nobody created,
/// as imports and the demo are, then everyone else's, each most recently
/// changed first; corrections included), every record with the PCC, and
/// the ten most recently published.
pub async fn dashboard_meetings(conn: &mut PgConnection, account_id: i64) -> super::Result<Vec<MeetingLine>> {
    sqlx::query_as!(
        MeetingLine,
        r#"select m.id as "id!", m.slug as "slug!", m.topic as "topic!", m.held_on as "held_on!",
                  m.status as "status!: MeetingStatus", m.updated_at as "updated_at!",
                  m.review_comment as "review_comment!",
                  (m.current_revision_id is not null) as "public!",
                  nullif(coalesce(nullif(a.name, ''), a.email), '') as author,
                  (m.created_by is null or m.created_by = $1) as "mine!"
           from (
             (select 1 as part, * from meeting where status = 'draft'
              order by (created_by is null or created_by = $1) desc, updated_at desc)
             union all
             (select 2, * from meeting where status = 'in_review' order by updated_at desc)
             union all
             (select 3, * from meeting where status = 'published' order by updated_at desc limit 10)
           ) m left join account a on a.id = m.created_by
           order by m.part, (m.created_by is null or m.created_by = $1) desc, m.updated_at desc"#,
        account_id
    )
    .fetch_all(conn)
    .await
}

/// An action that is not done, due by a given date.
#[derive(Debug, Clone)]
pub struct ActionDue {
    pub id: i64,
    pub meeting_id: i64,
    pub topic: String,
    pub number: i32,
    pub body: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub status: String,
}

/// Actions not yet done or carried forward, due on or before `by`, soonest first.
pub async fn actions_due(conn: &mut PgConnection, by: NaiveDate) -> super::Result<Vec<ActionDue>> {
    sqlx::query_as!(
        ActionDue,
        r#"select a.id, a.meeting_id, m.topic, a.number as "number!", a.body, a.owner, a.due_on as "due_on!", a.status
           from action a join meeting m on m.id = a.meeting_id
           where a.status in ('open', 'in_progress') and a.due_on is not null and a.due_on <= $1
             and m.status <> 'withdrawn' and not a.removed
           order by a.due_on, m.topic, a.number limit 100"#,
        by
    )
    .fetch_all(conn)
    .await
}

/// Where a record is, as the staff's list of records filters it: a
/// correction is a draft (or with the PCC) whose last revision is public.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Being written for the first time.
    Draft,
    /// With the PCC for review (a first publication or a correction).
    WithPcc,
    /// Published, with no correction under way.
    Published,
    /// Published, with a correction being written or with the PCC.
    BeingCorrected,
    /// Withdrawn from the public site.
    Withdrawn,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Draft,
        Stage::WithPcc,
        Stage::Published,
        Stage::BeingCorrected,
        Stage::Withdrawn,
    ];

    /// The value in the address: `/staff/records?stage=with_pcc`.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::WithPcc => "with_pcc",
            Stage::Published => "published",
            Stage::BeingCorrected => "being_corrected",
            Stage::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Draft => "Draft",
            Stage::WithPcc => "With the PCC",
            Stage::Published => "Published",
            Stage::BeingCorrected => "Being corrected",
            Stage::Withdrawn => "Withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The filters of the staff's list of records; `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordFilter {
    pub stage: Option<Stage>,
    /// Topics as written, any of which matches (the topics whose slug is
    /// the one asked for).
    pub topics: Option<Vec<String>>,
    pub year: Option<i32>,
    /// The account that created the record.
    pub author: Option<i64>,
    /// Words found, in any case, in the topic, address, a question or its
    /// evidence.
    pub words: Option<String>,
}

/// A record in the staff's list.
#[derive(Debug, Clone)]
pub struct RecordLine {
    pub id: i64,
    pub slug: String,
    pub topic: String,
    pub held_on: NaiveDate,
    pub status: MeetingStatus,
    /// Where it is, as the list's stage filter reads it.
    pub stage: Stage,
    /// A revision of it is public (it was published, and not withdrawn).
    pub public: bool,
    /// Who created it: a name, else an email; `None` for an import or the
    /// demo, which nobody created in the app.
    pub author: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// A page of every record, whatever its state, most recently changed first,
/// and how many match: the staff's list (`/staff/records`). Staff records
/// number in the thousands, not millions, so the words are looked for in
/// each record's text as it is.
pub async fn records(
    conn: &mut PgConnection,
    filter: &RecordFilter,
    limit: i64,
    offset: i64,
) -> super::Result<(Vec<RecordLine>, i64)> {
    let stage = filter.stage.map(Stage::code);
    let mut tx = super::planned_for_parameters(conn).await?;
    let rows = sqlx::query!(
        r#"with matching as (
             select m.id, m.slug, m.topic, m.held_on, m.status, m.updated_at, m.created_by,
                    (m.current_revision_id is not null and m.status <> 'withdrawn') as public
             from meeting m
             where ($2::text[] is null or m.topic = any($2))
               and ($3::int is null or extract(year from m.held_on)::int = $3)
               and ($4::bigint is null or m.created_by = $4)
               and ($5::text is null
                    or strpos(lower(m.topic), lower($5)) > 0 or strpos(m.slug, lower($5)) > 0
                    or exists (select 1 from question q where q.meeting_id = m.id
                               and (strpos(lower(q.body), lower($5)) > 0
                                    or strpos(lower(q.evidence_text), lower($5)) > 0)))
           ), staged as (
             select *, case
                 when status = 'withdrawn' then 'withdrawn'
                 when status = 'published' then 'published'
                 when public then 'being_corrected'
                 when status = 'in_review' then 'with_pcc'
                 else 'draft' end as stage
             from matching
           )
           select s.id as "id!", s.slug as "slug!", s.topic as "topic!", s.held_on as "held_on!",
                  s.status as "status!: MeetingStatus", s.stage as "stage!", s.public as "public!",
                  s.updated_at as "updated_at!",
                  nullif(coalesce(nullif(a.name, ''), a.email), '') as author,
                  count(*) over () as "total!"
           from staged s left join account a on a.id = s.created_by
           where ($1::text is null or s.stage = $1
                  or ($1 = 'with_pcc' and s.status = 'in_review'))
           order by s.updated_at desc, s.id desc
           limit $6 offset $7"#,
        stage,
        filter.topics.as_deref(),
        filter.year,
        filter.author,
        filter.words,
        limit,
        offset,
    )
    .fetch_all(&mut *tx)
    .await?;
    let total = match rows.first() {
        Some(row) => row.total,
        None if offset > 0 => count(&mut tx, filter).await?,
        None => 0,
    };
    tx.commit().await?;
    let lines = rows
        .into_iter()
        .map(|r| RecordLine {
            id: r.id,
            slug: r.slug,
            topic: r.topic,
            held_on: r.held_on,
            status: r.status,
            stage: Stage::from_code(&r.stage).unwrap_or(Stage::Draft),
            public: r.public,
            author: r.author,
            updated_at: r.updated_at,
        })
        .collect();
    Ok((lines, total))
}

/// How many records match, for a page past the last.
async fn count(conn: &mut PgConnection, filter: &RecordFilter) -> super::Result<i64> {
    let (lines, total) = Box::pin(records(conn, filter, 1, 0)).await?;
    Ok(if lines.is_empty() { 0 } else { total })
}

/// Everyone who has created a record, for the list's author filter.
pub async fn authors(conn: &mut PgConnection) -> super::Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        r#"select a.id, coalesce(nullif(a.name, ''), a.email) as "label!" from account a
           where exists (select 1 from meeting m where m.created_by = a.id) order by 2"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.label)).collect())
}

/// Every topic any record has, as written, for the list's topic filter.
pub async fn record_topics(conn: &mut PgConnection) -> super::Result<Vec<String>> {
    sqlx::query_scalar!(r#"select distinct topic as "topic!" from meeting order by 1"#)
        .fetch_all(conn)
        .await
}
