//! Actions of published records: a revision's actions, and the list of
//! every action with its filters. What the PCC agreed is read from the
//! revision (`revision_action`, frozen at publication); only the status and
//! progress notes are read live, from the staff's rows, and only for records
//! in `public_revision`.

use chrono::NaiveDate;
use futures_util::StreamExt;
use serde::Serialize;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres};

use crate::domain::record::{ActionStatus, AgreedAction, ProgressNote, PublicAction};

/// The actions of revision `number` of a record, as agreed in it, each with
/// its progress since publication (read live): only for a record the public
/// may see. A revision page shows only the agreed part.
pub async fn actions_of(
    conn: &mut PgConnection,
    meeting_id: i64,
    number: i32,
) -> super::Result<Vec<PublicAction>> {
    let rows = sqlx::query!(
        r#"select ra.number, ra.body, ra.owner, ra.due_on, a.status,
                  (a.status_changed_at at time zone 'Europe/London')::date as status_changed_on,
                  coalesce((select jsonb_agg(jsonb_build_object('noted_on', n.noted_on, 'note', n.note)
                                     order by n.noted_on, n.id)
                            from action_progress n where n.action_id = a.id), '[]') as "progress!"
           from revision r
           join meeting m on m.id = r.meeting_id and m.status <> 'withdrawn'
           join revision_action ra on ra.revision_id = r.id
           join action a on a.id = ra.action_id
           where r.meeting_id = $1 and r.number = $2
           order by ra.number"#,
        meeting_id,
        number
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
                status_changed_on: r.status_changed_on,
                progress,
            })
        })
        .collect()
}

/// The actions agreed in revision `number` of a record, as frozen; empty
/// for a record the public may not see.
pub async fn agreed_of(
    conn: &mut PgConnection,
    meeting_id: i64,
    number: i32,
) -> super::Result<Vec<AgreedAction>> {
    let rows = sqlx::query!(
        r#"select ra.number, ra.body, ra.owner, ra.due_on, ra.revisit_topic
           from revision r
           join meeting m on m.id = r.meeting_id and m.status <> 'withdrawn'
           join revision_action ra on ra.revision_id = r.id
           where r.meeting_id = $1 and r.number = $2
           order by ra.number"#,
        meeting_id,
        number
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AgreedAction {
            number: r.number as u32,
            text: r.body,
            owner: r.owner,
            due_on: r.due_on,
            revisit_topic: r.revisit_topic,
        })
        .collect())
}

/// Filters of the list of actions; `None` and `false` mean any.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ActionFilter {
    pub status: Option<ActionStatus>,
    pub owner: Option<String>,
    /// Only actions of records on the topic with this slug.
    pub topic_slug: Option<String>,
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

/// A page of the actions of published records, newest meeting first, and
/// how many match. `today` decides what is overdue. The page is an index
/// range of `public_action` and the count a sum over `public_action_tally`
/// (migration 0016), so neither costs more as the archive grows; only the
/// count of overdue actions reads them, by an index of open actions by due
/// date, and the count of a topic's actions, by the topic's index
/// (migration 0020). (Open data reads them all through `all_actions`, as the download
/// is written.)
pub async fn actions(
    conn: &mut PgConnection,
    filter: &ActionFilter,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> super::Result<(Vec<ListedAction>, i64)> {
    let status = filter.status.map(ActionStatus::code);
    let mut tx = crate::db::planned_for_parameters(conn).await?;
    let rows = sqlx::query_as!(
        ActionRow,
        r#"select page.slug as "slug!", p.topic as "topic!", page.held_on as "held_on!",
                  page.number as "number!", ra.body as "body!", page.owner as "owner!",
                  page.due_on, page.status as "status!",
                  coalesce(page.due_on < $4 and page.status in ('open', 'in_progress'), false) as "overdue!",
                  coalesce((select jsonb_agg(jsonb_build_object('noted_on', n.noted_on, 'note', n.note)
                                     order by n.noted_on, n.id)
                            from action_progress n where n.action_id = page.action_id), '[]') as "progress!"
           from (select * from public_action a
                 where ($1::text is null or a.status = $1)
                   and ($2::text is null or a.owner = $2)
                   and (not $3 or (a.due_on < $4 and a.status in ('open', 'in_progress')))
                   and ($7::text is null or a.topic_slug = $7)
                 order by a.held_on desc, a.slug, a.number
                 limit $5 offset $6) page
           join public_record p on p.meeting_id = page.meeting_id
           join revision_action ra on ra.revision_id = page.revision_id and ra.number = page.number
           order by page.held_on desc, page.slug, page.number"#,
        status,
        filter.owner,
        filter.overdue,
        today,
        limit,
        offset,
        filter.topic_slug,
    )
    .fetch_all(&mut *tx)
    .await?;
    let actions = rows
        .into_iter()
        .map(ListedAction::try_from)
        .collect::<super::Result<Vec<_>>>()?;
    let total = if filter.overdue || filter.topic_slug.is_some() {
        sqlx::query_scalar!(
            r#"select count(*) as "n!" from public_action
               where (not $4 or (due_on < $3 and status in ('open', 'in_progress')))
                 and ($1::text is null or status = $1) and ($2::text is null or owner = $2)
                 and ($5::text is null or topic_slug = $5)"#,
            status,
            filter.owner,
            today,
            filter.overdue,
            filter.topic_slug,
        )
        .fetch_one(&mut *tx)
        .await?
    } else {
        sqlx::query_scalar!(
            r#"select coalesce(sum(actions), 0)::bigint as "n!" from public_action_tally
               where ($1::text is null or status = $1) and ($2::text is null or owner = $2)"#,
            status,
            filter.owner,
        )
        .fetch_one(&mut *tx)
        .await?
    };
    tx.commit().await?;
    Ok((actions, total))
}

/// A listed action's row, as both lists read it.
struct ActionRow {
    slug: String,
    topic: String,
    held_on: NaiveDate,
    number: i32,
    body: String,
    owner: String,
    due_on: Option<NaiveDate>,
    status: String,
    overdue: bool,
    progress: serde_json::Value,
}

impl TryFrom<ActionRow> for ListedAction {
    type Error = sqlx::Error;

    fn try_from(r: ActionRow) -> super::Result<ListedAction> {
        Ok(ListedAction {
            progress: serde_json::from_value(r.progress).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            slug: r.slug,
            topic: r.topic,
            held_on: r.held_on,
            number: r.number,
            text: r.body,
            owner: r.owner,
            due_on: r.due_on,
            status: ActionStatus::from_code(&r.status).unwrap_or(ActionStatus::Open),
            overdue: r.overdue,
        })
    }
}

/// Every action of a published record, newest meeting first, for open
/// data, read as the download is written. `today` decides what is overdue.
pub fn all_actions(mut conn: PoolConnection<Postgres>, today: NaiveDate) -> super::RowStream<ListedAction> {
    let (rows_out, rows_in) = tokio::sync::mpsc::channel(super::STREAM_AHEAD);
    tokio::spawn(async move {
        let mut rows = sqlx::query_as!(
            ActionRow,
            r#"select p.slug as "slug!", p.topic as "topic!", p.held_on as "held_on!", ra.number, ra.body,
                      ra.owner, ra.due_on, a.status,
                      coalesce(ra.due_on < $1 and a.status in ('open', 'in_progress'), false) as "overdue!",
                      coalesce((select jsonb_agg(jsonb_build_object('noted_on', n.noted_on, 'note', n.note)
                                         order by n.noted_on, n.id)
                                from action_progress n where n.action_id = a.id), '[]') as "progress!"
               from public_revision p
               join revision_action ra on ra.revision_id = p.id
               join action a on a.id = ra.action_id
               order by p.held_on desc, p.slug, ra.number"#,
            today,
        )
        .fetch(&mut *conn);
        while let Some(row) = rows.next().await {
            let row = row.and_then(ListedAction::try_from);
            if rows_out.send(row).await.is_err() {
                break;
            }
        }
    });
    rows_in
}

/// Everyone named as the owner of an action of a published record.
pub async fn action_owners(conn: &mut PgConnection) -> super::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"select owner as "owner!" from public_action_tally
           where owner <> '' group by owner having sum(actions) > 0 order by 1"#
    )
    .fetch_all(conn)
    .await
}
