//! Follow-up actions and their progress notes, as staff keep them. What was
//! agreed (text, owner, due date, re-visit topic) is part of the draft and
//! reaches the public only in a revision (`revision_action`); the status and
//! progress notes are live. Every change is audited.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use sqlx::PgConnection;

use super::audit::{self, Entry};
use super::meetings::Saved;
use crate::domain::record::{ActionStatus, ProgressNote};

/// What staff write about an action.
#[derive(Debug, Clone, Serialize)]
pub struct ActionFields {
    pub body: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    pub status: ActionStatus,
    /// For a "re-visit" action: the topic it puts on the forward plan at
    /// its due date.
    pub revisit_topic: Option<String>,
}

/// An action as stored, with its notes.
#[derive(Debug, Clone)]
pub struct Action {
    pub id: i64,
    pub meeting_id: i64,
    pub number: i32,
    pub version: i32,
    pub fields: ActionFields,
    pub progress: Vec<ProgressNote>,
}

struct Row {
    id: i64,
    meeting_id: i64,
    number: i32,
    version: i32,
    body: String,
    owner: String,
    due_on: Option<NaiveDate>,
    status: String,
    revisit_topic: Option<String>,
    progress: serde_json::Value,
}

impl From<Row> for Action {
    fn from(r: Row) -> Action {
        Action {
            id: r.id,
            meeting_id: r.meeting_id,
            number: r.number,
            version: r.version,
            fields: ActionFields {
                body: r.body,
                owner: r.owner,
                due_on: r.due_on,
                status: ActionStatus::from_code(&r.status).unwrap_or(ActionStatus::Open),
                revisit_topic: r.revisit_topic,
            },
            progress: serde_json::from_value(r.progress).unwrap_or_default(),
        }
    }
}

/// The actions of a meeting (or the one action `id`), in number order.
async fn select(
    conn: &mut PgConnection,
    meeting_id: Option<i64>,
    id: Option<i64>,
) -> super::Result<Vec<Action>> {
    let mut tx = super::planned_for_parameters(conn).await?;
    let rows = sqlx::query_as!(
        Row,
        r#"select a.id, a.meeting_id, a.number as "number!", a.version, a.body, a.owner, a.due_on, a.status, a.revisit_topic,
                  coalesce(jsonb_agg(jsonb_build_object('noted_on', p.noted_on, 'note', p.note)
                           order by p.noted_on, p.id) filter (where p.id is not null), '[]') as "progress!"
           from action a left join action_progress p on p.action_id = a.id
           where ($1::bigint is null or a.meeting_id = $1) and ($2::bigint is null or a.id = $2)
             and not a.removed
           group by a.id order by a.number"#,
        meeting_id,
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(Action::from).collect())
}

pub async fn of_meeting(conn: &mut PgConnection, meeting_id: i64) -> super::Result<Vec<Action>> {
    select(conn, Some(meeting_id), None).await
}

pub async fn get(conn: &mut PgConnection, id: i64) -> super::Result<Option<Action>> {
    Ok(select(conn, None, Some(id)).await?.pop())
}

/// Adds an action numbered after the last, with its audit row; returns its
/// id. The editor and the importer both add actions here.
pub async fn add(
    conn: &mut PgConnection,
    meeting_id: i64,
    fields: &ActionFields,
    by: Option<i64>,
) -> super::Result<i64> {
    sqlx::query!("select id from meeting where id = $1 for update", meeting_id)
        .fetch_one(&mut *conn)
        .await?;
    let id = sqlx::query_scalar!(
        "insert into action (meeting_id, number, body, owner, due_on, status, revisit_topic, status_changed_at)
         select $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, case when $5 <> 'open' then now() end
         from action where meeting_id = $1
         returning id",
        meeting_id,
        fields.body,
        fields.owner,
        fields.due_on,
        fields.status.code(),
        fields.revisit_topic,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        Entry::change(
            by,
            Some(meeting_id),
            "create",
            "action",
            id,
            None,
            Some(json!(fields)),
        ),
    )
    .await?;
    Ok(id)
}

/// Saves an action if `version` is still current.
pub async fn update(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    fields: &ActionFields,
    by: i64,
) -> super::Result<Saved> {
    let Some(before) = get(conn, id).await? else {
        return Ok(Saved::Conflict);
    };
    let updated = sqlx::query!(
        "update action set body = $3, owner = $4, due_on = $5, status = $6, revisit_topic = $7,
                status_changed_at = case when status <> $6 then now() else status_changed_at end,
                version = version + 1
         where id = $1 and version = $2 and not removed",
        id,
        version,
        fields.body,
        fields.owner,
        fields.due_on,
        fields.status.code(),
        fields.revisit_topic,
    )
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(Saved::Conflict);
    }
    let entry = Entry::change(
        Some(by),
        Some(before.meeting_id),
        "update",
        "action",
        id,
        Some(json!(before.fields)),
        Some(json!(fields)),
    );
    audit::record(conn, entry).await?;
    Ok(Saved::Saved)
}

/// Takes an action out of the draft and renumbers the ones after it. One
/// that a revision lists is kept, without a number, so the public goes on
/// seeing it (with its progress) until the draft is published; any other
/// is deleted.
pub async fn delete(conn: &mut PgConnection, action: &Action, by: i64) -> super::Result<()> {
    sqlx::query!("set constraints all deferred")
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "update action set removed = true, number = null, version = version + 1
         where id = $1 and exists (select 1 from revision_action r where r.action_id = $1)",
        action.id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("delete from action where id = $1 and not removed", action.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "update action set number = number - 1 where meeting_id = $1 and number > $2",
        action.meeting_id,
        action.number
    )
    .execute(&mut *conn)
    .await?;
    let before = json!({ "number": action.number, "fields": action.fields, "progress": action.progress });
    audit::record(
        conn,
        Entry::change(
            Some(by),
            Some(action.meeting_id),
            "delete",
            "action",
            action.id,
            Some(before),
            None,
        ),
    )
    .await
}

/// Adds a dated progress note to an action.
pub async fn add_progress(
    conn: &mut PgConnection,
    action: &Action,
    noted_on: NaiveDate,
    note: &str,
    by: i64,
) -> super::Result<()> {
    let id = sqlx::query_scalar!(
        "insert into action_progress (action_id, noted_on, note, created_by) values ($1, $2, $3, $4) returning id",
        action.id,
        noted_on,
        note,
        by
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!("update action set version = version + 1 where id = $1", action.id)
        .execute(&mut *conn)
        .await?;
    let after = json!({ "action": action.number, "noted_on": noted_on, "note": note });
    audit::record(
        conn,
        Entry::change(
            Some(by),
            Some(action.meeting_id),
            "create",
            "action_progress",
            id,
            None,
            Some(after),
        ),
    )
    .await
}
