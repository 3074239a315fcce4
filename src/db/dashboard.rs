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
}

/// Drafts created by `account_id` (or by nobody, as imports and the demo
/// are), every record with the PCC, and the ten most recently published.
pub async fn dashboard_meetings(conn: &mut PgConnection, account_id: i64) -> super::Result<Vec<MeetingLine>> {
    sqlx::query_as!(
        MeetingLine,
        r#"(select id as "id!", slug as "slug!", topic as "topic!", held_on as "held_on!", status as "status!: MeetingStatus",
                   updated_at as "updated_at!", review_comment as "review_comment!" from meeting
            where status = 'draft' and (created_by = $1 or created_by is null) order by updated_at desc)
           union all
           (select id, slug, topic, held_on, status, updated_at, review_comment from meeting
            where status = 'in_review' order by updated_at desc)
           union all
           (select id, slug, topic, held_on, status, updated_at, review_comment from meeting
            where status = 'published' order by updated_at desc limit 10)"#,
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
