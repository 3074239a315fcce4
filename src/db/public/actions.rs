//! Actions of published records: a record's live actions, and the list of
//! every action with its filters. What the PCC published is frozen in the
//! revision; status and progress notes are read live, only for records in
//! `public_revision`.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::PgConnection;

use crate::domain::record::{ActionStatus, ProgressNote, PublicAction};

/// The live actions of a published record, with their progress notes.
pub async fn actions_of(conn: &mut PgConnection, meeting_id: i64) -> super::Result<Vec<PublicAction>> {
    let rows = sqlx::query!(
        r#"select a.number, a.body, a.owner, a.due_on, a.status,
                  coalesce(jsonb_agg(jsonb_build_object('noted_on', p.noted_on, 'note', p.note)
                           order by p.noted_on, p.id) filter (where p.id is not null), '[]') as "progress!"
           from action a left join action_progress p on p.action_id = a.id
           where a.meeting_id = $1 and exists (select 1 from public_revision r where r.meeting_id = a.meeting_id)
           group by a.id order by a.number"#,
        meeting_id
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let progress: Vec<ProgressNote> =
                serde_json::from_value(r.progress).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok(PublicAction {
                number: r.number as u32,
                text: r.body,
                owner: r.owner,
                due_on: r.due_on,
                status: ActionStatus::from_code(&r.status).unwrap_or(ActionStatus::Open),
                progress,
            })
        })
        .collect()
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
