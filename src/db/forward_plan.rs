//! The forward plan as staff keep it: topics to scrutinise and when. An
//! entry is public only as it was last published (a step of its own); every
//! change is audited, and a save names the version it edits.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use sqlx::PgConnection;

use super::audit::{self, Entry};
use super::meetings::Saved;

/// What staff write about a planned topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanFields {
    pub topic: String,
    pub planned_on: NaiveDate,
    pub note: String,
}

/// An entry of the forward plan, as stored: as staff last saved it, and as
/// the public sees it.
#[derive(Debug, Clone)]
pub struct PlanEntry {
    pub id: i64,
    pub version: i32,
    pub fields: PlanFields,
    /// What the public sees, and since when; `None` until first published.
    pub published: Option<(PlanFields, DateTime<Utc>)>,
}

impl PlanEntry {
    /// Whether the public sees the entry as it is saved now.
    pub fn is_public_as_saved(&self) -> bool {
        self.published.as_ref().is_some_and(|(p, _)| *p == self.fields)
    }
}

struct Row {
    id: i64,
    version: i32,
    topic: String,
    planned_on: NaiveDate,
    note: String,
    published_topic: Option<String>,
    published_on: Option<NaiveDate>,
    published_note: Option<String>,
    published_at: Option<DateTime<Utc>>,
}

impl From<Row> for PlanEntry {
    fn from(r: Row) -> PlanEntry {
        let published = match (
            r.published_topic,
            r.published_on,
            r.published_note,
            r.published_at,
        ) {
            (Some(topic), Some(planned_on), Some(note), Some(at)) => Some((
                PlanFields {
                    topic,
                    planned_on,
                    note,
                },
                at,
            )),
            _ => None,
        };
        PlanEntry {
            id: r.id,
            version: r.version,
            fields: PlanFields {
                topic: r.topic,
                planned_on: r.planned_on,
                note: r.note,
            },
            published,
        }
    }
}

/// Every entry, past ones too, soonest first.
pub async fn all(conn: &mut PgConnection) -> super::Result<Vec<PlanEntry>> {
    let rows = sqlx::query_as!(
        Row,
        "select id, version, topic, planned_on, note, published_topic, published_on, published_note, published_at
         from forward_plan order by planned_on, topic, id"
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(PlanEntry::from).collect())
}

/// The entry `id`, if there is one.
pub async fn get(conn: &mut PgConnection, id: i64) -> super::Result<Option<PlanEntry>> {
    let row = sqlx::query_as!(
        Row,
        "select id, version, topic, planned_on, note, published_topic, published_on, published_note, published_at
         from forward_plan where id = $1",
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(PlanEntry::from))
}

/// Publishes entry `id` as it is saved, if `version` is still the one the
/// person publishing saw, with its audit row (before: what the public saw).
pub async fn publish(conn: &mut PgConnection, id: i64, version: i32, by: i64) -> super::Result<Saved> {
    let Some(before) = get(conn, id).await? else {
        return Ok(Saved::Conflict);
    };
    let updated = sqlx::query!(
        "update forward_plan
         set published_topic = topic, published_on = planned_on, published_note = note, published_at = now(),
             version = version + 1
         where id = $1 and version = $2",
        id,
        version,
    )
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(Saved::Conflict);
    }
    let entry = Entry::change(
        Some(by),
        None,
        "publish",
        "forward_plan",
        id,
        before.published.map(|(fields, _)| json!(fields)),
        Some(json!(before.fields)),
    );
    audit::record(conn, entry).await?;
    Ok(Saved::Saved)
}

/// Adds an entry, with its audit row; returns its id.
pub async fn add(conn: &mut PgConnection, fields: &PlanFields, by: i64) -> super::Result<i64> {
    let id = sqlx::query_scalar!(
        "insert into forward_plan (topic, planned_on, note, created_by) values ($1, $2, $3, $4) returning id",
        fields.topic,
        fields.planned_on,
        fields.note,
        by
    )
    .fetch_one(&mut *conn)
    .await?;
    let entry = Entry::change(
        Some(by),
        None,
        "create",
        "forward_plan",
        id,
        None,
        Some(json!(fields)),
    );
    audit::record(conn, entry).await?;
    Ok(id)
}

/// Saves an entry if `version` is still current.
pub async fn update(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    fields: &PlanFields,
    by: i64,
) -> super::Result<Saved> {
    let Some(before) = get(conn, id).await? else {
        return Ok(Saved::Conflict);
    };
    let updated = sqlx::query!(
        "update forward_plan set topic = $3, planned_on = $4, note = $5, version = version + 1, updated_at = now()
         where id = $1 and version = $2",
        id,
        version,
        fields.topic,
        fields.planned_on,
        fields.note,
    )
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(Saved::Conflict);
    }
    let entry = Entry::change(
        Some(by),
        None,
        "update",
        "forward_plan",
        id,
        Some(json!(before.fields)),
        Some(json!(fields)),
    );
    audit::record(conn, entry).await?;
    Ok(Saved::Saved)
}

/// Removes an entry, with its audit row. False when it was already gone.
pub async fn delete(conn: &mut PgConnection, id: i64, by: i64) -> super::Result<bool> {
    let Some(before) = get(conn, id).await? else {
        return Ok(false);
    };
    sqlx::query!("delete from forward_plan where id = $1", id)
        .execute(&mut *conn)
        .await?;
    let entry = Entry::change(
        Some(by),
        None,
        "delete",
        "forward_plan",
        id,
        Some(json!(before.fields)),
        None,
    );
    audit::record(conn, entry).await?;
    Ok(true)
}
